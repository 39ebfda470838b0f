"""The date rules, each applied alone with its settings from ``patterns/rules/dates.jsonl``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

from ocmfa_extract.components.dates import DocDates
from ocmfa_extract.components.dates.published import LONG_NUMBER, DateOnLine
from ocmfa_extract.components.rules import cached_patterns
from ocmfa_extract.extensions import DATES_KEY
from ocmfa_extract.patterns import PatternError
from ocmfa_extract.pipeline import STAGES, customize_tokenizer
from ocmfa_extract.rulebook import stage_rules

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = cached_patterns(ROOT / "patterns")
RULES = {configured.spec.rule_id: configured for configured in stage_rules(PATTERNS, "dates")}


def prepared(nlp: Language, text: str) -> DocDates:
    """``text`` after the layout stage, as the date rules see it."""
    doc = nlp.get_pipe("ocmfa_layout")(nlp.make_doc(text))
    return DocDates.of(doc, PATTERNS, nlp.get_pipe("ocmfa_dates").normalize)


def candidates(nlp: Language, dates: DocDates) -> list[Span]:
    """The stage's candidates of ``dates.jsonl``, before any rule."""
    pipe = nlp.get_pipe("ocmfa_dates")
    return pipe.rules.match_in_runs(dates.doc, pipe.runs.runs(dates.doc), longest=True)


def preset(dates: DocDates, surface: str, label: str) -> Span:
    """A candidate span with ``label`` over the first ``surface`` of the text."""
    start = dates.text.index(surface)
    span = dates.doc.char_span(start, start + len(surface), label=label)
    assert span is not None
    return span


@pytest.mark.parametrize(
    ("rule_id", "text", "surface", "label", "verdict"),
    [
        (
            "ocmfa.dates.month_after_context.v1",
            "She took up her post in September.",
            "September",
            "DATE_PARTIAL_MONTH",
            True,
        ),
        ("ocmfa.dates.month_after_context.v1", "Since March the talks went on.", "March", "DATE_PARTIAL_MONTH", True),
        ("ocmfa.dates.month_after_context.v1", "September was cold.", "September", "DATE_PARTIAL_MONTH", False),
        ("ocmfa.dates.month_after_context.v1", "You may go in may.", "may", "DATE_PARTIAL_MONTH", False),
        ("ocmfa.dates.month_after_context.v1", "The March rally.", "March", "DATE_PARTIAL_MONTH", False),
        ("ocmfa.dates.month_after_context.v1", "It opened in 2019.", "2019", "DATE_YEAR", None),
        ("ocmfa.dates.weekday_after_context.v1", "They met on Tuesday.", "Tuesday", "REL_WEEKDAY", True),
        ("ocmfa.dates.weekday_after_context.v1", "They met last Friday at noon.", "Friday", "REL_WEEKDAY", True),
        (
            "ocmfa.dates.weekday_after_context.v1",
            "They met on Monday 21 November 2022.",
            "Monday",
            "REL_WEEKDAY",
            False,
        ),
        ("ocmfa.dates.weekday_after_context.v1", "They met on Monday, March 6.", "Monday", "REL_WEEKDAY", False),
        ("ocmfa.dates.weekday_after_context.v1", "Tuesday was busy.", "Tuesday", "REL_WEEKDAY", False),
        ("ocmfa.dates.weekday_after_context.v1", "Ruby Tuesday opened.", "Tuesday", "REL_WEEKDAY", False),
        ("ocmfa.dates.weekday_after_context.v1", "They met in March.", "March", "DATE_PARTIAL_MONTH", None),
        ("ocmfa.dates.year_inside_number.v1", "A crowd of 2835 1900 people.", "1900", "DATE_YEAR", False),
        ("ocmfa.dates.year_inside_number.v1", "Room 1998 12 was cold.", "1998", "DATE_YEAR", False),
        ("ocmfa.dates.year_inside_number.v1", "It opened in 2019.", "2019", "DATE_YEAR", None),
        ("ocmfa.dates.year_inside_number.v1", "The 3 300 seats.", "300", "DATE_DAY", None),
        ("ocmfa.dates.year_range.v1", "He served 1998–2002 as consul.", "1998", "DATE_YEAR", True),
        ("ocmfa.dates.year_range.v1", "He served 1998–2002 as consul.", "2002", "DATE_YEAR", True),
        ("ocmfa.dates.year_range.v1", "Seats 1998 to 2002 are sold.", "1998", "DATE_YEAR", None),
        ("ocmfa.dates.year_range.v1", "Pages 12–2002 are lost.", "2002", "DATE_YEAR", None),
        ("ocmfa.dates.year_after_context.v1", "Since 1997 the office has grown.", "1997", "DATE_YEAR", True),
        ("ocmfa.dates.year_after_context.v1", "The second half of 2012 was calm.", "2012", "DATE_YEAR", True),
        ("ocmfa.dates.year_after_context.v1", "Room 2019 is closed.", "2019", "DATE_YEAR", None),
        ("ocmfa.dates.year_after_context.v1", "2019 began well.", "2019", "DATE_YEAR", None),
        ("ocmfa.dates.year_in_brackets.v1", "A report (2019) said so.", "2019", "DATE_YEAR", True),
        ("ocmfa.dates.year_in_brackets.v1", "Two reports [1998, 2001] said so.", "1998", "DATE_YEAR", True),
        ("ocmfa.dates.year_in_brackets.v1", "A report (2019 pages) said so.", "2019", "DATE_YEAR", None),
        ("ocmfa.dates.year_in_brackets.v1", "Room 2019) is closed.", "2019", "DATE_YEAR", None),
        ("ocmfa.dates.year_after_determiner.v1", "After the 1989 protests it closed.", "1989", "DATE_YEAR", True),
        ("ocmfa.dates.year_after_determiner.v1", "Its 2012 report was late.", "2012", "DATE_YEAR", True),
        ("ocmfa.dates.year_after_determiner.v1", "The 1850 law stands.", "1850", "DATE_YEAR", None),
        ("ocmfa.dates.year_after_determiner.v1", "It was the 1989.", "1989", "DATE_YEAR", None),
        ("ocmfa.dates.year_after_determiner.v1", "Some 1989 protests.", "1989", "DATE_YEAR", None),
        ("ocmfa.dates.year_needs_context.v1", "Room 2019 is closed.", "2019", "DATE_YEAR", False),
        ("ocmfa.dates.year_needs_context.v1", "It opened in June 1988.", "June 1988", "DATE_MONTH", None),
    ],
)
def test_a_plausibility_rule_keeps_or_drops_its_candidates(nlp, rule_id, text, surface, label, verdict):
    dates = prepared(nlp, text)
    assert RULES[rule_id](dates, preset(dates, surface, label)) is verdict


@pytest.mark.parametrize(
    ("rule_id", "text", "surface", "label", "future"),
    [
        ("ocmfa.dates.future_in_sentence.v1", "The talks will resume in March.", "March", "DATE_PARTIAL_MONTH", True),
        ("ocmfa.dates.future_in_sentence.v1", "She plans to visit on Tuesday.", "Tuesday", "REL_WEEKDAY", True),
        ("ocmfa.dates.future_in_sentence.v1", "The talks resumed in March.", "March", "DATE_PARTIAL_MONTH", False),
        ("ocmfa.dates.future_in_sentence.v1", "It will end. It began in March.", "March", "DATE_PARTIAL_MONTH", False),
        ("ocmfa.dates.future_in_sentence.v1", "The talks will resume on 3 May 2021.", "3 May 2021", "DATE_DAY", False),
        ("ocmfa.dates.future_word_before.v1", "They meet next Tuesday.", "Tuesday", "REL_WEEKDAY", True),
        ("ocmfa.dates.future_word_before.v1", "It is due by March.", "March", "DATE_PARTIAL_MONTH", True),
        ("ocmfa.dates.future_word_before.v1", "They met last Tuesday.", "Tuesday", "REL_WEEKDAY", False),
        ("ocmfa.dates.future_word_before.v1", "It ends next 3 May 2021.", "3 May 2021", "DATE_DAY", False),
    ],
)
def test_a_future_rule_reads_a_month_or_weekday_as_the_future(nlp, rule_id, text, surface, label, future):
    dates = prepared(nlp, text)
    assert RULES[rule_id](dates, preset(dates, surface, label)) is future


def date_on_line(nlp: Language, text: str, surface: str) -> tuple[DocDates, DateOnLine]:
    """The day or month candidate ``surface`` on its line, as the published-date rules see it."""
    dates = prepared(nlp, text)
    spans = [span for span in candidates(nlp, dates) if span.label_ in {"DATE_DAY", "DATE_MONTH"}]
    target = next(span for span in spans if span.text == surface)
    line = dates.layout.line_at(target.start_char)
    assert line is not None
    in_line = [span for span in spans if line.start <= span.start_char <= span.end_char <= line.end]
    long_number = LONG_NUMBER.search(dates.text, line.start, line.end)
    end = long_number.end() if long_number else None
    return dates, DateOnLine(dates.text, line, in_line, in_line.index(target), end, dates.layout.title)


@pytest.mark.parametrize(
    ("rule_id", "text", "surface", "stamp"),
    [
        ("ocmfa.dates.stamp_line.v1", "Posted on 3 May 2021 10:30\n\nThe talks went on.", "3 May 2021", True),
        ("ocmfa.dates.stamp_line.v1", "Title\nUpdated: Tuesday, 5 March 2019\n\nBody.", "5 March 2019", True),
        (
            "ocmfa.dates.stamp_line.v1",
            "Title\nPublished : 2024-10-17 17:52   Updated : 2024-10-18 19:08\n\nBody.",
            "2024-10-17",
            True,
        ),
        ("ocmfa.dates.stamp_line.v1", "Title\nThe talks on 3 May 2021 went well.\n", "3 May 2021", False),
        ("ocmfa.dates.stamp_line.v1", "Title\nRef 12345 posted 3 May 2021\n", "3 May 2021", False),
        ("ocmfa.dates.footer_stamp.v1", "Body text.\n\nEnds/Tuesday, March 5, 2019", "March 5, 2019", True),
        ("ocmfa.dates.footer_stamp.v1", "Body text.\n\nCall us on March 5, 2019 for more", "March 5, 2019", False),
        ("ocmfa.dates.dateline.v1", "Title\n\nSINGAPORE, March 6, 2024 — The office said.", "March 6, 2024", True),
        ("ocmfa.dates.dateline.v1", "Title\nCANBERRA | Monday 21 November 2022\n", "21 November 2022", True),
        ("ocmfa.dates.dateline.v1", "Title\n\nSINGAPORE, March 6, 2024 was a day.", "March 6, 2024", False),
        ("ocmfa.dates.dateline.v1", "Title\n\nTalks on March 6, 2024 — said.", "March 6, 2024", False),
        (
            "ocmfa.dates.title_ends_with_date.v1",
            "Remarks at the opening (8 February 2024)\n\nBody.",
            "8 February 2024",
            True,
        ),
        (
            "ocmfa.dates.title_ends_with_date.v1",
            "Remarks (8 February 2024) and more\n\nBody.",
            "8 February 2024",
            False,
        ),
        ("ocmfa.dates.title_ends_with_date.v1", "Title\nRemarks (8 February 2024)\n\nBody.", "8 February 2024", False),
    ],
)
def test_a_published_date_rule_takes_the_document_stamp(nlp, rule_id, text, surface, stamp):
    dates, where = date_on_line(nlp, text, surface)
    assert RULES[rule_id](dates, where) is stamp


def test_the_published_date_rules_read_only_their_windows(nlp):
    lines = "\n".join(f"Line {n} of the body." for n in range(12))
    assert nlp(f"{lines}\nPosted on 3 May 2021\n{lines}")._.ocmfa_published is None  # past the top 6 and bottom 4
    assert nlp(f"{lines}\nPosted on 3 May 2021\n")._.ocmfa_published.value == "2021-05-03"  # a footer stamp
    assert nlp(f"{lines}\nEnds/Tuesday, March 5, 2019\n")._.ocmfa_published.value == "2019-03-05"
    assert nlp(f"Title\n{lines}\nTalks (8 February 2024)\n")._.ocmfa_published is None


@pytest.mark.parametrize(
    ("rule_id", "text", "joined"),
    [
        ("ocmfa.dates.range_linked.v1", "June 1988 – December 1989", True),
        ("ocmfa.dates.range_linked.v1", "from March 2008 to March 2013", True),
        ("ocmfa.dates.range_linked.v1", "June 1988 until December 1989", True),
        ("ocmfa.dates.range_linked.v1", "June 1988 and December 1989", False),
        ("ocmfa.dates.range_linked.v1", "June 1988 , then December 1989", False),
        ("ocmfa.dates.range_linked.v1", "June 1988 to the end of December 1989", False),
        ("ocmfa.dates.range_between_and.v1", "between 2001 and 2004", True),
        ("ocmfa.dates.range_between_and.v1", "in 2001 and 2004", False),
        ("ocmfa.dates.range_between_and.v1", "between 2001 – 2004", False),
    ],
)
def test_a_range_rule_joins_two_dates(nlp, rule_id, text, joined):
    dates = prepared(nlp, text)
    first, second = candidates(nlp, dates)[:2]
    assert RULES[rule_id](dates, first, second) is joined


@pytest.mark.parametrize(
    ("text", "open_end"),
    [
        ("June 2023 – Incumbent", True),
        ("June 2023 to present", True),
        ("June 2023 - now", True),
        ("June 2023 – December", False),
        ("June 2023 and present", False),
        ("June 2023 –", False),
    ],
)
def test_the_open_end_rule_marks_a_tenure_still_running(nlp, text, open_end):
    dates = prepared(nlp, text)
    assert RULES["ocmfa.dates.open_end.v1"](dates, candidates(nlp, dates)[0]) is open_end


def pipeline(patterns_dir: Path, disabled: dict[str, list[str]] | None = None) -> Language:
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    for stage in STAGES:
        config: dict[str, object] = {} if stage == "ocmfa_layout" else {"patterns_dir": str(patterns_dir)}
        if disabled and stage in disabled:
            config["disabled_rules"] = disabled[stage]
        nlp.add_pipe(stage, config=config)
    return nlp


def test_a_disabled_rule_gives_no_records_in_a_real_run():
    text = "Title\n\nShe served as consul from June 1988 – December 1989 and again in 2019."
    on = [(s.text, s.label_) for s in pipeline(ROOT / "patterns")(text).spans[DATES_KEY]]
    off = pipeline(ROOT / "patterns", {"ocmfa_dates": ["ocmfa.dates.range_linked.v1"]})(text).spans[DATES_KEY]
    assert ("June 1988 – December 1989", "DATE_RANGE") in on
    assert [(s.text, s.label_) for s in off] == [
        ("June 1988", "DATE_MONTH"),
        ("December 1989", "DATE_MONTH"),
        ("2019", "DATE_YEAR"),
    ]


def test_a_bad_settings_line_is_a_pattern_error_with_its_file_and_line(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", copy)
    rules = copy / "rules" / "dates.jsonl"
    lines = rules.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[3])["rule"] == "ocmfa.dates.year_range.v1"
    lines[3] = json.dumps({"rule": "ocmfa.dates.year_range.v1", "dashes": ["-"], "window": 3})
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"dates\.jsonl:4: window"):
        pipeline(copy)


def test_a_lexicon_a_rule_names_must_exist(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", copy)
    (copy / "lexicons" / "dates_weekdays.txt").unlink()
    with pytest.raises(PatternError, match="dates_weekdays.txt: lexicon missing"):
        pipeline(copy)


_LOAD_AND_RUN = """
import json, sys
import spacy
import ocmfa_extract.components.dates, ocmfa_extract.components.layout, ocmfa_extract.components.organizations
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({
    "published": doc._.ocmfa_published.value,
    "dates": [(s.text, s.label_, s._.ocmfa_date.value) for s in doc.spans["ocmfa_dates"]],
    "orgs": [(s.text, s.kb_id_) for s in doc.spans["ocmfa_orgs"]],
}))
"""


def test_a_saved_pipeline_loads_in_another_process_without_its_patterns_folder(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", copy)
    nlp = spacy.blank("en")
    nlp.add_pipe("ocmfa_layout")
    nlp.add_pipe("ocmfa_dates", config={"patterns_dir": str(copy)})
    nlp.add_pipe("ocmfa_organizations", config={"patterns_dir": str(copy)})
    text = "Posted on 3 May 2021\n\nThe Ministry of Foreign Affairs (MFA) said in March that the MFA will move."
    doc = nlp(text)
    here = {
        "published": doc._.ocmfa_published.value,
        "dates": [[s.text, s.label_, s._.ocmfa_date.value] for s in doc.spans["ocmfa_dates"]],
        "orgs": [[s.text, s.kb_id_] for s in doc.spans["ocmfa_orgs"]],
    }
    nlp.to_disk(tmp_path / "saved")
    shutil.rmtree(copy)
    run = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_RUN, str(tmp_path / "saved"), text], capture_output=True, text=True, check=True
    )
    assert json.loads(run.stdout) == here
    assert here["published"] == "2021-05-03" and ["MFA", "Ministry of Foreign Affairs"] in here["orgs"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mission | Ambassador | Confirmed\nTirana | Oriel Vantongeren | 2023.09\n", [("2023.09", True)]),
        ("Mission\tConfirmed\nTirana\t2024/01\n", [("2024/01", True)]),
        ("Version 2023.09 fixes the bug.\n", [("2023.09", False)]),  # not a cell: a number, a version
        ("Mission | Confirmed\nTirana | about 2023.09\n", [("2023.09", False)]),  # not the whole cell
    ],
)
def test_dates_rule_year_month_in_table(nlp, text, expected):
    dates = prepared(nlp, text)
    rule = RULES["ocmfa.dates.year_month_in_table.v1"]
    found = [span for span in candidates(nlp, dates) if span.id_ == "year_month_numeric"]
    assert [(span.text, rule(dates, span)) for span in found] == expected


def test_a_year_month_cell_is_a_month(nlp):
    doc = nlp("Mission | Ambassador | Confirmed\nTirana | Oriel Vantongeren | 2023.09\n")
    assert [span._.ocmfa_date.value for span in doc.spans[DATES_KEY]] == ["2023-09"]
