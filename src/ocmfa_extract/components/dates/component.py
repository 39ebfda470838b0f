"""The ``ocmfa_dates`` component: every temporal expression, normalised with its precision.

Reads the tokens and ``doc._.ocmfa_layout``. Adds:

- ``doc.spans["ocmfa_dates"]``: one span a date expression or range ("June 1988 –
  December 1989" is one span), ``span.id_`` the pattern id, ``span._.ocmfa_date`` its
  :class:`DateValue`, ``span._.ocmfa_end_date`` the end of a range (or None) and
  ``span._.ocmfa_open_end`` True for "June 2023 – Incumbent";
- ``doc._.ocmfa_published``: the document's own date (a date alone on a line near the
  top, a "Posted on ..." stamp, or an "Ends/..." footer), or None. Relative expressions
  ("today", "last year") and dates without a year resolve against it, and are dropped
  when the document gives no date of its own: nothing is invented.

Candidates come from the token patterns in ``dates.jsonl``; their label gives the
precision (``DATE_DAY``, ``DATE_MONTH``, ``DATE_YEAR``, ``DATE_DECADE``; ``DATE_PARTIAL_DAY``
for a day without a year, ``DATE_PARTIAL_MONTH`` for a month alone, ``REL_*`` for relative
ones). Only these candidate strings are passed to the date normaliser, never whole texts.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import registry

from ...extensions import DATES_KEY, LEXEME_FLAGS
from ...models import DateValue
from ...patterns import Patterns
from ..layout import document_text, sentence_of
from ..rules import (
    CandidateRuns,
    TokenRuleMatcher,
    cached_patterns,
    literal_words,
    opening_words,
    patterns_dir_or_default,
)

# Normaliser signature: (expression, label, reference date or None) -> DateValue or None.
DateNormalizer = Callable[[str, str, "DateValue | None"], "DateValue | None"]

_PRECISION_OF_LABEL = {
    "DATE_DAY": "day",
    "DATE_MONTH": "month",
    "DATE_YEAR": "year",
    "DATE_DECADE": "decade",
    "DATE_PARTIAL_DAY": "day",
    "DATE_PARTIAL_MONTH": "month",
    "DATE_PARTIAL_MONTH_FUTURE": "month",
    "REL_DAY": "day",
    "REL_WEEKDAY": "day",
    "REL_WEEKDAY_FUTURE": "day",
    "REL_MONTH": "month",
    "REL_YEAR": "year",
}
_NEEDS_REFERENCE = frozenset(
    {
        "DATE_PARTIAL_DAY",
        "DATE_PARTIAL_MONTH",
        "DATE_PARTIAL_MONTH_FUTURE",
        "REL_DAY",
        "REL_MONTH",
        "REL_YEAR",
        "REL_WEEKDAY",
        "REL_WEEKDAY_FUTURE",
    }
)
_MONTH_WORDS = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
_WEEKDAY_CONTEXT = frozenset({"on", "last", "next", "this", "since", "until", "by", "from", "early", "late"})
_FUTURE_MARKERS = frozenset(
    {"will", "shall", "'ll", "’ll", "upcoming", "plans", "planned", "scheduled", "want", "intend", "going", "expect"}
)
# A month named alone is a date only after one of these ("took up her post in September").
_MONTH_CONTEXT = frozenset(
    {"in", "since", "until", "till", "by", "last", "this", "next", "early", "late", "mid", "from"}
)
_RANGE_LINKS = frozenset({"–", "—", "-", "to", "until", "till", "through", "and"})
_DASHES = frozenset({"–", "—", "-"})
_OPEN_ENDS = frozenset({"incumbent", "present", "now", "today", "current"})
# What a line holds besides its date(s) when the date is the document's stamp: stamp words,
# a weekday, punctuation. The runs of separators are possessive (``*+``): each can only be
# followed by a letter or the end, so giving characters back never helps, and without it
# a long run of ", " that fails at its end backtracked in cubic time (issue 16).
# ``tests/test_adversarial.py`` checks it against the backtracking form.
_STAMP_WORDS = re.compile(
    r"(?i)^[\s\W]*+(?:(?:posted|published|updated|issued|date[d]?|ends|release date|article)\b"
    r"[\s:/,-]*+(?:on|at)?[\s|]*+)*+"
    r"[\s,]*+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day)?[\s,/]*+$"
)
# A dateline: "SINGAPORE, March 6, 2024 — ..." or "CANBERRA | Monday 21 November 2022".
# (Possessive for the same reason: the name's run can only give back spaces, which ``\s*`` takes.)
_DATELINE_BEFORE = re.compile(
    r"^[A-Z][A-Z .'’\-]++\s*[,|]\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?$", re.IGNORECASE
)
_DATELINE_AFTER = re.compile(r"^\s*(?:$|[—–-]|\()")
_TIME = re.compile(r"(?i)\b(?:[a-z]{2,4}\s++)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*+[ap]\.?m\.?)?\b")
# Three digits in a row are never part of a time, and neither a stamp line nor a dateline
# allows a digit besides its date's: past such a number, no later date of the line is a stamp.
_LONG_NUMBER = re.compile(r"\d{3}")


def cut_to_precision(moment: datetime, precision: str) -> DateValue:
    """Return ``moment`` as a :class:`DateValue` holding only the parts ``precision`` states."""
    value = {
        "day": moment.strftime("%Y-%m-%d"),
        "month": moment.strftime("%Y-%m"),
        "year": moment.strftime("%Y"),
        "decade": moment.strftime("%Y")[:3],
    }[precision]
    return DateValue(value=value, precision=precision)


def _is_year_token(token: Token) -> bool:
    return len(token.text) == 4 and token.text.isdigit() and 1000 <= int(token.text) <= 2099


def _year_range_around(doc: Doc, span: Span) -> bool:
    """Whether a bare year is one end of "1998–2002" (a dash between two years)."""
    i = span.start
    after = i + 2 < len(doc) and doc[i + 1].text in _DASHES and _is_year_token(doc[i + 2])
    before = i >= 2 and doc[i - 1].text in _DASHES and _is_year_token(doc[i - 2])
    return after or before


@lru_cache(maxsize=1)
def _date_parser() -> DateDataParser:
    # PREFER_DAY_OF_MONTH only fills the day dateparser must return; the precision comes
    # from the matched pattern, so a filled day is always cut off again.
    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})


@lru_cache(maxsize=65536)
def _parse_with_dateparser(expression: str, reference: str | None) -> datetime | None:
    parser = _date_parser()
    if reference is None:
        return parser.get_date_data(expression).date_obj
    base = datetime.fromisoformat(reference)
    settings_parser = DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": base})
    return settings_parser.get_date_data(expression).date_obj


def _month_near(expression: str, reference: DateValue, future: bool = False) -> DateValue | None:
    """A month named without a year, read against the document's date.

    "March next year" and "August last year" shift the year; a month alone is the latest
    such month up to the document's date (news reports what has happened), or with
    ``future`` (the sentence speaks of what will happen) the next one from it.
    """
    words = expression.casefold().split()
    year, month = int(reference.value[:4]), int(reference.value[5:7])
    moment = _parse_with_dateparser(f"{words[0]} {year}", None)
    if moment is None:
        return None
    if words[-2:] == ["next", "year"]:
        year += 1
    elif words[-2:] == ["last", "year"]:
        year -= 1
    elif future and moment.month < month:
        year += 1
    elif not future and moment.month > month:
        year -= 1
    return DateValue(value=f"{year:04d}-{moment.month:02d}", precision="month")


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_near(expression: str, reference: DateValue, future: bool = False) -> DateValue:
    """A weekday named alone ("on Tuesday"), read against the document's date.

    The latest such day up to the document's date, or with ``future`` the next one after it.
    """
    base = date.fromisoformat(reference.value)
    weekday = _WEEKDAYS.index(expression.casefold())
    shift = (weekday - base.weekday()) % 7 if future else -((base.weekday() - weekday) % 7)
    if future and shift == 0:
        shift = 7
    return DateValue(value=(base + timedelta(days=shift)).isoformat(), precision="day")


@registry.misc("ocmfa.date_normalizer.v1")
def make_date_normalizer() -> DateNormalizer:
    """Return the default normaliser: fast paths for years and decades, else dateparser.

    Results are cached by expression and reference date, so a corpus that repeats
    "March 2018" pays for one parse.
    """

    def normalize(expression: str, label: str, reference: DateValue | None) -> DateValue | None:
        precision = _PRECISION_OF_LABEL[label]
        digits = re.sub(r"\D", "", expression)
        if label == "DATE_YEAR":
            return DateValue(value=digits[:4], precision="year")
        if label == "DATE_DECADE":
            return DateValue(value=digits[:3], precision="decade")
        if label in _NEEDS_REFERENCE:
            if reference is None or reference.precision != "day":
                return None
            if label.startswith("DATE_PARTIAL_MONTH"):
                return _month_near(expression, reference, future=label.endswith("FUTURE"))
            if label.startswith("REL_WEEKDAY"):
                return _weekday_near(expression, reference, future=label.endswith("FUTURE"))
            moment = _parse_with_dateparser(expression, reference.value)
        else:
            moment = _parse_with_dateparser(expression, None)
        return None if moment is None else cut_to_precision(moment, precision)

    return normalize


_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_COMMON_SHAPES = (
    (re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})$"), "day"),
    (re.compile(r"^(?P<m>[A-Za-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})$"), "day"),
    (re.compile(r"^(?P<m>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})$"), "month"),
    (re.compile(r"^(?P<y>\d{4})\s*-\s*(?P<mm>\d{2})\s*-\s*(?P<d>\d{2})$"), "day"),
    # Dotted numeric dates are day.month.year, as in the European pages that use them
    # ("16.10.2024"); dateparser would read the month first.
    (re.compile(r"^(?P<d>\d{1,2})\.(?P<mm>\d{1,2})\.(?P<y>\d{4})$"), "day"),
)


def fast_date(expression: str, precision: str) -> DateValue | None:
    """Read the common shapes ("3 May 2001", "May 3, 2001", "May 2001", "2001-05-03", "03.05.2001") directly.

    Returns None for any other shape (or an impossible day), so the caller asks dateparser.
    """
    for shape, shape_precision in _COMMON_SHAPES:
        match = shape.match(expression.strip())
        if match is None or shape_precision != precision:
            continue
        parts = match.groupdict()
        month = int(parts["mm"]) if parts.get("mm") else _MONTH_NUMBERS.get(parts["m"].casefold())
        year = int(parts["y"])
        if month is None or not 1 <= month <= 12:
            return None
        if precision == "month":
            return DateValue(value=f"{year:04d}-{month:02d}", precision="month")
        day = int(parts["d"])
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        return DateValue(value=f"{year:04d}-{month:02d}-{day:02d}", precision="day")
    return None


@registry.misc("ocmfa.date_normalizer.v2")
def make_date_normalizer_v2() -> DateNormalizer:
    """Return the v1 normaliser with a fast path: common absolute shapes skip dateparser."""
    slow = make_date_normalizer()

    # A pure function of its arguments, and the same dates come back in a document and a corpus.
    @lru_cache(maxsize=8192)
    def normalize(expression: str, label: str, reference: DateValue | None) -> DateValue | None:
        if label in {"DATE_DAY", "DATE_MONTH"}:
            value = fast_date(expression, _PRECISION_OF_LABEL[label])
            if value is not None:
                return value
        return slow(expression, label, reference)

    return normalize


@Language.factory(
    "ocmfa_dates",
    assigns=["doc.spans", "doc._.ocmfa_published"],
    requires=["doc._.ocmfa_layout"],
    default_config={"patterns_dir": None, "normalizer": {"@misc": "ocmfa.date_normalizer.v2"}},
)
def make_dates(nlp: Language, name: str, patterns_dir: str | None, normalizer: DateNormalizer) -> DatesComponent:
    """Create the dates component from the patterns in ``patterns_dir``."""
    return DatesComponent(nlp, name, cached_patterns(patterns_dir_or_default(patterns_dir)), normalizer)


_MAX_RANGE_GAP = 5


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


class DatesComponent:
    """Find, normalise and join date expressions; find the document's own date."""

    def __init__(self, nlp: Language, name: str, patterns: Patterns, normalizer: DateNormalizer) -> None:
        """Build the candidate matcher from ``patterns``."""
        self.rules = TokenRuleMatcher(nlp, patterns.rules["dates"], predicate_flags=LEXEME_FLAGS["dates_predicates"])
        # Every date pattern token holds a digit or is a word some pattern names ("of", "May"),
        # and every pattern opens with a digit or a word ("May", "last").
        literals = literal_words(patterns.rules["dates"])
        openings = opening_words(patterns.rules["dates"])
        self.runs = CandidateRuns(
            member=lambda word: word.casefold() in literals or _has_digit(word),
            anchor=lambda word: word.casefold() in openings or _has_digit(word),
        )
        self.year_context = patterns.lexicon("year_context")
        self.normalize = normalizer

    def __call__(self, doc: Doc) -> Doc:
        """Annotate the date spans of ``doc`` and its published date."""
        matches = self.rules.match_in_runs(doc, self.runs.runs(doc), longest=True)  # as filter_spans keeps them
        candidates = [span for span in matches if self._plausible(doc, span)]
        continuation = doc._.ocmfa_continuation
        doc._.ocmfa_published = continuation.published if continuation else self._published(doc, candidates)
        for index, span in enumerate(candidates):
            future = span.label_ in {"DATE_PARTIAL_MONTH", "REL_WEEKDAY"} and (
                any(t.lower_ in _FUTURE_MARKERS for t in sentence_of(doc, span.start))
                or doc[span.start - 1].lower_ in {"next", "by"}
            )
            if future:
                span = candidates[index] = Span(
                    doc, span.start, span.end, label=f"{span.label_}_FUTURE", span_id=span.id_
                )
            span._.ocmfa_date = self.normalize(span.text, span.label_, doc._.ocmfa_published)
        # A day without a year takes the year of the range it opens: "16 January – 3 April 2015".
        joined = self._join_ranges(doc, candidates)
        doc.spans[DATES_KEY] = [span for span in joined if span._.ocmfa_date is not None]
        return doc

    def _plausible(self, doc: Doc, span: Span) -> bool:
        """Keep a bare year or month only in a context that makes it a date ("in 2019")."""
        if span.label_ == "DATE_PARTIAL_MONTH":
            return span.start > 0 and doc[span.start - 1].lower_ in _MONTH_CONTEXT and span[0].is_title
        if span.label_ == "REL_WEEKDAY":  # "on Tuesday", "last Friday"; not "on Monday 21 November 2022"
            following = doc[span.end : span.end + 2]
            dated = any(t.like_num or t.lower_ in _MONTH_WORDS for t in following)
            return span.start > 0 and doc[span.start - 1].lower_ in _WEEKDAY_CONTEXT and span[0].is_title and not dated
        if span.label_ != "DATE_YEAR":
            return True
        year = int(span.text)
        before = doc[span.start - 1] if span.start > 0 else None
        after = doc[span.end] if span.end < len(doc) else None
        if (before is not None and before.like_num) or (after is not None and after.like_num):
            return False  # "3 300", "2835 1900": part of a number
        if _year_range_around(doc, span):
            return True  # "1998–2002": both ends of a range of years
        if before is None:
            return False
        if before.lower_ in self.year_context:
            return True
        if before.text in {"(", "["} and after is not None and after.text in {")", "]", ","} | _DASHES:
            return True
        determiner = before.lower_ in {"the", "a", "this", "that", "its", "their", "his", "her", "'s", "’s"}
        return determiner and 1900 <= year <= 2100 and after is not None and after.is_alpha

    def _published(self, doc: Doc, candidates: list[Span]) -> DateValue | None:
        """Return the document's own date.

        A date alone on a line near the top (with a time, or "Posted on"), a dateline
        ("SINGAPORE, March 6, 2024 — "), a title that ends with its date ("Remarks by X
        (8 February 2024)"), or a footer stamp ("Ends/Tuesday, March 5, 2019").
        """
        layout = doc._.ocmfa_layout
        text = document_text(doc)
        lines = layout.lines
        title = layout.title
        for line in lines[:6] + lines[-4:]:
            in_line = [
                span
                for span in candidates
                if span.label_ in {"DATE_DAY", "DATE_MONTH"}
                and line.start <= span.start_char <= span.end_char <= line.end
            ]
            long_number = _LONG_NUMBER.search(text, line.start, line.end)
            for index, span in enumerate(in_line):
                if long_number is not None and long_number.end() <= span.start_char:
                    # Only the title's "(date)" is left to test, without copying the line.
                    in_title = (
                        title is not None
                        and line.start == title.start
                        and text[span.start_char - 1] == "("
                        and line.end - span.end_char == 1
                        and text[span.end_char] == ")"
                    )
                    if in_title:
                        return self.normalize(span.text, span.label_, None)
                    continue
                before = text[line.start : span.start_char]
                after = text[span.end_char : line.end]
                # "Published : 2024-10-17 17:52   Updated : 2024-10-17 19:08": the later stamps' dates go too.
                gaps = zip(in_line[index:], [*in_line[index + 1 :], None], strict=True)
                rest = " ".join(text[a.end_char : b.start_char if b else line.end] for a, b in gaps)
                own_line = _STAMP_WORDS.match(_TIME.sub(" ", before + " " + rest))
                dateline = _DATELINE_BEFORE.match(before) and _DATELINE_AFTER.match(after)
                in_title = title is not None and line.start == title.start and before.endswith("(") and after == ")"
                if own_line or dateline or in_title:
                    return self.normalize(span.text, span.label_, None)
        return None

    def _join_ranges(self, doc: Doc, spans: list[Span]) -> list[Span]:
        """Join "A – B", "from A to B", "between A and B" and "A – Incumbent" into one span."""
        joined: list[Span] = []
        index = 0
        while index < len(spans):
            first = spans[index]
            second = spans[index + 1] if index + 1 < len(spans) else None
            # A range's link is one word, perhaps between whitespace tokens: a longer gap is none.
            near = second is not None and second.start - first.end <= _MAX_RANGE_GAP
            links = list(doc[first.end : second.start]) if near else []
            if second is not None and second._.ocmfa_date is not None and self._is_range(doc, first, links):
                span = Span(doc, first.start, second.end, label="DATE_RANGE", span_id=first.id_)
                span._.ocmfa_date = first._.ocmfa_date or self._in_year_of(first, second._.ocmfa_date)
                span._.ocmfa_end_date = second._.ocmfa_date
                joined.append(span)
                index += 2
                continue
            after = doc[first.end : first.end + 2]
            if len(after) == 2 and after[0].text in {"–", "—", "-", "to"} and after[1].lower_ in _OPEN_ENDS:
                first._.ocmfa_open_end = True
            joined.append(first)
            index += 1
        return joined

    def _in_year_of(self, partial: Span, other: DateValue) -> DateValue | None:
        """A day without a year ("16 January"), read in the year of the date it ranges to."""
        if partial.label_ != "DATE_PARTIAL_DAY":
            return None
        return self.normalize(f"{partial.text} {other.value[:4]}", "DATE_DAY", None)

    @staticmethod
    def _is_range(doc: Doc, first: Span, links: list) -> bool:
        words = [token for token in links if not token.is_space]
        if len(words) != 1 or words[0].lower_ not in _RANGE_LINKS:
            return False
        if words[0].lower_ == "and":
            return first.start > 0 and doc[first.start - 1].lower_ == "between"
        return True
