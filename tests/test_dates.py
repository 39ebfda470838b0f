"""Dates: candidates, context rules for bare years, precision, ranges, published dates."""

from __future__ import annotations

import pytest

from ocmfa_extract.components.dates import fast_date, make_date_normalizer
from ocmfa_extract.extensions import DATES_KEY


def found(nlp, text: str) -> list[tuple[str, str, str, str | None]]:
    doc = nlp(text)
    return [
        (
            span.text,
            span._.ocmfa_date.value,
            span._.ocmfa_date.precision,
            span._.ocmfa_end_date.value if span._.ocmfa_end_date else None,
        )
        for span in doc.spans[DATES_KEY]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The office opened in June 1988.", [("June 1988", "1988-06", "month", None)]),
        ("She arrived on 3 May 2001 in Tokyo.", [("3 May 2001", "2001-05-03", "day", None)]),
        ("The talks began on March 5, 2019.", [("March 5, 2019", "2019-03-05", "day", None)]),
        ("- Formed: 2004-10-12", [("2004-10-12", "2004-10-12", "day", None)]),
        ("In 1975, the bureau was merged.", [("1975", "1975", "year", None)]),
        ("It grew during the 1990s.", [("1990s", "199", "decade", None)]),
        ("the 2008 financial crisis", [("2008", "2008", "year", None)]),
        ("in the second half of 2012", [("2012", "2012", "year", None)]),
        (
            "1. Zhou Minghai (June 1988 – December 1989)",
            [("June 1988 – December 1989", "1988-06", "month", "1989-12")],
        ),
        ("He served 1998–2002 as consul.", [("1998–2002", "1998", "year", "2002")]),
        ("from March 2008 to March 2013", [("March 2008 to March 2013", "2008-03", "month", "2013-03")]),
        ("between 2001 and 2005", [("2001 and 2005", "2001", "year", "2005")]),
        # Dotted dates are day.month.year; a year after "a" or "this" before a noun is a year.
        ("Updated 03.02.2031 at noon.", [("03.02.2031", "2031-02-03", "day", None)]),
        ("In a 2016 interview, she spoke of trade.", [("2016", "2016", "year", None)]),
        ("Version 1.2.2020 of the file is out.", []),
        # Numbers that look like years but are not.
        ("It handled 150 000 enquiries via its 1868 hotline.", []),
        ("Call 2835 1900 for help.", []),
        ("The meeting was held in Room 1906.", []),
        ("Over the past 25 years the office grew.", []),
        ("More than 2,300 visitors came.", []),
        # Relative dates and dates without a year need the document's own date.
        ("The ceremony was held today (May 4).", []),
        ("Last year the unit handled many cases.", []),
    ],
)
def test_dates_found_with_precision(nlp, text, expected):
    assert found(nlp, text) == expected


def test_dates_open_range_marks_incumbent(nlp):
    doc = nlp("2. Chen Dalu (January 2023 – Incumbent)")
    (span,) = doc.spans[DATES_KEY]
    assert span.text == "January 2023"
    assert span._.ocmfa_date.value == "2023-01"
    assert span._.ocmfa_end_date is None
    assert span._.ocmfa_open_end is True


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Message from the Consul General\n2022-03-28 09:23\n\nThank you for visiting.", "2022-03-28"),
        ("Welcome\nPosted on 14 February 2020\n\nText of the notice.", "2020-02-14"),
        ("Talks agreed\n\nPublished : 2024-10-17 17:52   Updated : 2024-10-18 09:08\n\nSEOUL -- Text.", "2024-10-17"),
        ("Interview\n\nPosted : 2024-10-11 09:40 | Updated : 2024-10-11 16:05\n\nBy A Writer", "2024-10-11"),
        ("Welcome from the Consul General\nArticle 16.10.2024\n\nDear visitors,", "2024-10-16"),
        ("Press release\n\nThe event took place.\n\nEnds/Tuesday, March 5, 2019\nIssued at HKT 18:30", "2019-03-05"),
        ("· Item one (2022-07-28) · Item two (2022-07-16)\nNews\n\nThe event took place.", None),
        ("= Ministry of Foreign Affairs =\n\nThe ministry was formed in 1949.", None),
    ],
)
def test_dates_published(nlp, text, published):
    doc = nlp(text)
    value = doc._.ocmfa_published.value if doc._.ocmfa_published else None
    assert value == published


def test_dates_relative_resolve_against_published(nlp):
    text = "News\nPosted on 14 February 2020\n\nToday (February 14) the bureau said that last year was busy."
    doc = nlp(text)
    values = [(s.text, s._.ocmfa_date.value) for s in doc.spans[DATES_KEY]]
    assert ("Today", "2020-02-14") in values
    assert ("February 14", "2020-02-14") in values
    assert ("last year", "2019") in values


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("She took up her post in September.", ("September", "2019-09")),
        ("The fair opens in December, and we will host it.", ("December", "2019-12")),
        ("The campaign runs until March next year.", ("March next year", "2020-03")),
        ("He left in December.", ("December", "2018-12")),
    ],
)
def test_dates_month_alone_reads_against_published(nlp, sentence, expected):
    doc = nlp(f"Press release\nPosted on 21 November 2019\n\n{sentence}")
    found = [(s.text, s._.ocmfa_date.value) for s in doc.spans[DATES_KEY] if s.label_ != "DATE_DAY"]
    assert found == [expected]


def test_dates_month_alone_without_published_is_dropped(nlp):
    doc = nlp("She took up her post in September.")
    assert list(doc.spans[DATES_KEY]) == []


def test_dates_day_without_year_takes_year_of_range(nlp):
    doc = nlp("He served as chargé d'affaires (16 January – 3 April 2015).")
    (span,) = doc.spans[DATES_KEY]
    assert (span.text, span._.ocmfa_date.value, span._.ocmfa_end_date.value) == (
        "16 January – 3 April 2015",
        "2015-01-16",
        "2015-04-03",
    )


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("News title\n\nSINGAPORE, March 6, 2024 — Officials met today.", "2024-03-06"),
        ("News title\n\nCANBERRA | Monday 21 November 2022\n\nThe review was released.", "2022-11-21"),
        ("Remarks by Foreign Minister Aroha Tipene at the Dialogue (8 February 2024)\n\nThank you.", "2024-02-08"),
    ],
)
def test_dates_published_from_dateline_and_title(nlp, text, published):
    doc = nlp(text)
    assert doc._.ocmfa_published is not None and doc._.ocmfa_published.value == published


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The report was released on Thursday.", "2022-11-17"),
        ("The envoy will leave on Friday.", "2022-11-25"),
    ],
)
def test_dates_weekday_reads_against_published(nlp, sentence, value):
    doc = nlp(f"News\nPosted on Monday 21 November 2022\n\n{sentence}")
    found = [s._.ocmfa_date.value for s in doc.spans[DATES_KEY] if s.label_.startswith("REL_WEEKDAY")]
    assert found == [value]


@pytest.mark.parametrize(
    ("expression", "precision", "value"),
    [
        ("3 May 2001", "day", "2001-05-03"),
        ("3rd of May, 2001", "day", "2001-05-03"),
        ("Sept. 30, 2019", "day", "2019-09-30"),
        ("March 2018", "month", "2018-03"),
        ("2004 - 10 - 12", "day", "2004-10-12"),
        ("31 February 2001", "day", None),  # no such day: left to dateparser, which refuses it too
        ("Spring 2001", "month", None),  # not a common shape
    ],
)
def test_dates_fast_path_matches_dateparser(expression, precision, value):

    fast = fast_date(expression, precision)
    assert (fast.value if fast else None) == value
    if fast is not None:
        label = "DATE_DAY" if precision == "day" else "DATE_MONTH"
        assert make_date_normalizer()(expression, label, None) == fast
