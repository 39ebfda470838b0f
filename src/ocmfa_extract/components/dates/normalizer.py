"""The date normalisers: a candidate's text and label to a :class:`DateValue` with its precision.

Registered as ``ocmfa.date_normalizer.v1`` (dateparser, with fast paths for years and
decades) and ``.v2`` (v1 with the common absolute shapes read directly). Only candidate
strings are passed here, never whole texts.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.util import registry

from ...models import DateValue

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


def cut_to_precision(moment: datetime, precision: str) -> DateValue:
    """Return ``moment`` as a :class:`DateValue` holding only the parts ``precision`` states."""
    value = {
        "day": moment.strftime("%Y-%m-%d"),
        "month": moment.strftime("%Y-%m"),
        "year": moment.strftime("%Y"),
        "decade": moment.strftime("%Y")[:3],
    }[precision]
    return DateValue(value=value, precision=precision)


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
    # A month written year first in a table's date column ("2023.09"); dateparser reads it as a day.
    (re.compile(r"^(?P<y>\d{4})[./](?P<mm>\d{2})$"), "month"),
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
