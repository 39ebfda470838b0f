"""Joining dates into ranges: the range rules, and the join that applies them.

A *range* rule looks at two dates in a row and says whether they are the two ends of one
range ("June 1988 – December 1989", "between 2001 and 2004"); the two become one
``DATE_RANGE`` span when any rule says so. An *open-end* rule looks at a date that
opens no range and says whether it is the start of one that has not ended ("June 2023 –
Incumbent").
"""

from __future__ import annotations

from pydantic import Field
from spacy.tokens import Span

from ...models import DateValue
from ...rulebook import ConfiguredRule, RuleSettings, rule
from .document import DocDates


class RangeSettings(RuleSettings):
    """The settings of a rule that joins two dates into a range."""

    links: frozenset[str] = Field(min_length=1, description="The one word between the two dates.")
    max_gap: int = Field(ge=1, le=20, description="Tokens between the dates at most (the link and whitespace).")


class OpenEndSettings(RuleSettings):
    """The settings of a rule that marks a date as the start of a range still open."""

    links: frozenset[str] = Field(min_length=1, description="The word right after the date.")
    open_ends: frozenset[str] = Field(min_length=1, description="The word after the link: 'incumbent', 'present'.")


def _link_word(dates: DocDates, first: Span, second: Span, max_gap: int) -> str | None:
    """The one word (lower case) between two dates, when only it and whitespace stand there."""
    if second.start - first.end > max_gap:
        return None
    words = [token for token in dates.doc[first.end : second.start] if not token.is_space]
    return words[0].lower_ if len(words) == 1 else None


@rule(
    "ocmfa.dates.range_linked.v1",
    stage="dates",
    reads=("dates", "tokens"),
    emits=("DATE_RANGE",),
    settings=RangeSettings,
)
def range_linked(dates: DocDates, first: Span, second: Span, settings: RangeSettings) -> bool:
    """Two dates with a dash or "to", "until", "through" between them: "June 1988 – December 1989"."""
    return _link_word(dates, first, second, settings.max_gap) in settings.links


class BetweenSettings(RangeSettings):
    """Two dates with "and" between them, after "between"."""

    openers: frozenset[str] = Field(min_length=1, description="The word right before the first date.")


@rule(
    "ocmfa.dates.range_between_and.v1",
    stage="dates",
    reads=("dates", "tokens"),
    emits=("DATE_RANGE",),
    settings=BetweenSettings,
)
def range_between_and(dates: DocDates, first: Span, second: Span, settings: BetweenSettings) -> bool:
    """Two dates as "between A and B": "between 2001 and 2004"."""
    if _link_word(dates, first, second, settings.max_gap) not in settings.links:
        return False
    return first.start > 0 and dates.doc[first.start - 1].lower_ in settings.openers


@rule(
    "ocmfa.dates.open_end.v1",
    stage="dates",
    reads=("dates", "tokens"),
    emits=("span._.ocmfa_open_end",),
    settings=OpenEndSettings,
)
def open_end(dates: DocDates, span: Span, settings: OpenEndSettings) -> bool:
    """A date followed by a dash and "Incumbent" or "present": a tenure still running."""
    after = dates.doc[span.end : span.end + 2]
    return len(after) == 2 and after[0].text in settings.links and after[1].lower_ in settings.open_ends


def _in_year_of(dates: DocDates, partial: Span, other: DateValue) -> DateValue | None:
    """A day without a year ("16 January"), read in the year of the date it ranges to."""
    if partial.label_ != "DATE_PARTIAL_DAY":
        return None
    return dates.date_of(f"{partial.text} {other.value[:4]}", "DATE_DAY")


def join_ranges(
    dates: DocDates, spans: list[Span], range_rules: list[ConfiguredRule], open_end_rules: list[ConfiguredRule]
) -> list[Span]:
    """``spans`` (in order, normalised) with each range's two ends joined into one span.

    A day without a year takes the year of the range it opens: "16 January – 3 April 2015".
    """
    doc = dates.doc
    joined: list[Span] = []
    index = 0
    while index < len(spans):
        first = spans[index]
        second = spans[index + 1] if index + 1 < len(spans) else None
        if second is not None and second._.ocmfa_date is not None and any(r(dates, first, second) for r in range_rules):
            span = Span(doc, first.start, second.end, label="DATE_RANGE", span_id=first.id_)
            span._.ocmfa_date = first._.ocmfa_date or _in_year_of(dates, first, second._.ocmfa_date)
            span._.ocmfa_end_date = second._.ocmfa_date
            joined.append(span)
            index += 2
            continue
        if any(r(dates, first) for r in open_end_rules):
            first._.ocmfa_open_end = True
        joined.append(first)
        index += 1
    return joined
