"""Which date candidates are dates, and which read as the future: the candidate rules.

A *plausibility* rule looks at one candidate of ``dates.jsonl`` and answers ``True``
(keep it), ``False`` (drop it) or ``None`` (not its kind of candidate, or no opinion).
The stage asks them in the order of their lines in ``patterns/rules/dates.jsonl``; the
first answer wins, and a candidate no rule answers for is kept. A bare year is the case
with a cascade: part of a number (drop), one end of "1998–2002" (keep), after a context
word, in brackets, after a determiner (keep), else drop.

A *future* rule says whether a month or weekday named alone speaks of the future, so
that it is read as the next such month or day rather than the last one; any rule that
says so decides.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from spacy.tokens import Span, Token

from ...rulebook import RuleSettings, rule
from ..layout import sentence_of
from .document import DocDates

#: The labels a future rule can give a ``_FUTURE`` reading (the normaliser knows both).
FutureLabel = Literal["DATE_PARTIAL_MONTH", "REL_WEEKDAY"]


class PlausibilitySettings(RuleSettings):
    """The settings of a rule that keeps or drops date candidates."""


class FutureSettings(RuleSettings):
    """The settings of a rule that reads a month or weekday named alone as the future."""

    labels: frozenset[FutureLabel] = Field(description="The candidate labels the rule reads.")


def _is_year_token(token: Token) -> bool:
    return len(token.text) == 4 and token.text.isdigit() and 1000 <= int(token.text) <= 2099


class MonthContextSettings(PlausibilitySettings):
    """A month named alone is a date only after one of ``context_words``."""

    context_words: frozenset[str] = Field(min_length=1, description="Words before a month that make it a date.")


@rule(
    "ocmfa.dates.month_after_context.v1",
    stage="dates",
    reads=("DATE_PARTIAL_MONTH candidates", "tokens"),
    emits=("keep or drop",),
    settings=MonthContextSettings,
)
def month_after_context(dates: DocDates, span: Span, settings: MonthContextSettings) -> bool | None:
    """Keep a capitalised month named alone after a context word ("took up her post in September")."""
    if span.label_ != "DATE_PARTIAL_MONTH":
        return None
    doc = dates.doc
    return span.start > 0 and doc[span.start - 1].lower_ in settings.context_words and span[0].is_title


class WeekdayContextSettings(PlausibilitySettings):
    """A weekday named alone is a date after one of ``context_words``, unless a full date follows."""

    context_words: frozenset[str] = Field(min_length=1, description="Words before a weekday that make it a date.")
    month_words: frozenset[str] = Field(min_length=1, description="Month names: after the weekday, a full date.")
    dated_window: int = Field(ge=0, le=10, description="Tokens after the weekday that may hold its full date.")


@rule(
    "ocmfa.dates.weekday_after_context.v1",
    stage="dates",
    reads=("REL_WEEKDAY candidates", "tokens"),
    emits=("keep or drop",),
    settings=WeekdayContextSettings,
)
def weekday_after_context(dates: DocDates, span: Span, settings: WeekdayContextSettings) -> bool | None:
    """Keep "on Tuesday", "last Friday"; not "on Monday 21 November 2022" (the full date is the date)."""
    if span.label_ != "REL_WEEKDAY":
        return None
    doc = dates.doc
    following = doc[span.end : span.end + settings.dated_window]
    dated = any(token.like_num or token.lower_ in settings.month_words for token in following)
    return span.start > 0 and doc[span.start - 1].lower_ in settings.context_words and span[0].is_title and not dated


@rule(
    "ocmfa.dates.year_inside_number.v1",
    stage="dates",
    reads=("DATE_YEAR candidates", "tokens"),
    emits=("drop",),
    settings=PlausibilitySettings,
)
def year_inside_number(dates: DocDates, span: Span, settings: PlausibilitySettings) -> bool | None:
    """Drop a bare year next to a number: "3 300", "2835 1900" are parts of one number."""
    if span.label_ != "DATE_YEAR":
        return None
    doc = dates.doc
    before = span.start > 0 and doc[span.start - 1].like_num
    after = span.end < len(doc) and doc[span.end].like_num
    return False if before or after else None


class TableMonthSettings(PlausibilitySettings):
    """Which candidates are dates only as a table's cell."""

    pattern_ids: frozenset[str] = Field(min_length=1, description='The ids of their patterns ("2023.09").')


@rule(
    "ocmfa.dates.year_month_in_table.v1",
    stage="dates",
    reads=("candidates", "doc._.ocmfa_layout.table_rows"),
    emits=("keep", "drop"),
    settings=TableMonthSettings,
)
def year_month_in_table(dates: DocDates, span: Span, settings: TableMonthSettings) -> bool | None:
    """Keep "2023.09" only where it is a whole cell of a table row: elsewhere it may be a number or a version."""
    if span.id_ not in settings.pattern_ids:
        return None
    return any(
        cell.start == span.start_char and cell.end == span.end_char
        for row in dates.layout.table_rows
        for cell in row.cells
        if row.line.start <= span.start_char < row.line.end
    )


class YearRangeSettings(PlausibilitySettings):
    """Two years with a dash between them are both dates."""

    dashes: frozenset[str] = Field(min_length=1, description="The dashes between the two years.")


@rule(
    "ocmfa.dates.year_range.v1",
    stage="dates",
    reads=("DATE_YEAR candidates", "tokens"),
    emits=("keep",),
    settings=YearRangeSettings,
)
def year_range(dates: DocDates, span: Span, settings: YearRangeSettings) -> bool | None:
    """Keep a bare year that is one end of "1998–2002"."""
    if span.label_ != "DATE_YEAR":
        return None
    doc, i = dates.doc, span.start
    after = i + 2 < len(doc) and doc[i + 1].text in settings.dashes and _is_year_token(doc[i + 2])
    before = i >= 2 and doc[i - 1].text in settings.dashes and _is_year_token(doc[i - 2])
    return True if after or before else None


class YearContextSettings(PlausibilitySettings):
    """A bare year after a word of the lexicon ``context_lexicon`` is a date."""

    context_lexicon: str = Field(description="The lexicon of words before a year ('in', 'since', 'of').")


@rule(
    "ocmfa.dates.year_after_context.v1",
    stage="dates",
    reads=("DATE_YEAR candidates", "tokens", "lexicon"),
    emits=("keep",),
    settings=YearContextSettings,
)
def year_after_context(dates: DocDates, span: Span, settings: YearContextSettings) -> bool | None:
    """Keep a bare year after a context word: "in 2019", "since 1997"."""
    if span.label_ != "DATE_YEAR" or span.start == 0:
        return None
    return True if dates.doc[span.start - 1].lower_ in dates.lexicon(settings.context_lexicon) else None


class YearBracketSettings(PlausibilitySettings):
    """A bare year right after an opening bracket, and before a closing one or a separator, is a date."""

    openers: frozenset[str] = Field(min_length=1, description="The tokens right before the year.")
    closers: frozenset[str] = Field(min_length=1, description="The tokens right after the year.")


@rule(
    "ocmfa.dates.year_in_brackets.v1",
    stage="dates",
    reads=("DATE_YEAR candidates", "tokens"),
    emits=("keep",),
    settings=YearBracketSettings,
)
def year_in_brackets(dates: DocDates, span: Span, settings: YearBracketSettings) -> bool | None:
    """Keep a bare year in brackets: "(2019)", "[1998,", "(2004–"."""
    doc = dates.doc
    if span.label_ != "DATE_YEAR" or span.start == 0 or span.end >= len(doc):
        return None
    return True if doc[span.start - 1].text in settings.openers and doc[span.end].text in settings.closers else None


class YearDeterminerSettings(PlausibilitySettings):
    """A bare year between a determiner and a word ("the 1989 protests") is a date, within years."""

    determiners: frozenset[str] = Field(min_length=1, description="The words right before the year.")
    earliest: int = Field(description="The earliest year read so.")
    latest: int = Field(description="The latest year read so.")


@rule(
    "ocmfa.dates.year_after_determiner.v1",
    stage="dates",
    reads=("DATE_YEAR candidates", "tokens"),
    emits=("keep",),
    settings=YearDeterminerSettings,
)
def year_after_determiner(dates: DocDates, span: Span, settings: YearDeterminerSettings) -> bool | None:
    """Keep a bare year used as a modifier: "the 1989 protests", "its 2012 report"."""
    doc = dates.doc
    if span.label_ != "DATE_YEAR" or span.start == 0 or span.end >= len(doc):
        return None
    in_years = settings.earliest <= int(span.text) <= settings.latest
    modifier = doc[span.start - 1].lower_ in settings.determiners and doc[span.end].is_alpha
    return True if in_years and modifier else None


@rule(
    "ocmfa.dates.year_needs_context.v1",
    stage="dates",
    reads=("DATE_YEAR candidates",),
    emits=("drop",),
    settings=PlausibilitySettings,
)
def year_needs_context(dates: DocDates, span: Span, settings: PlausibilitySettings) -> bool | None:
    """Drop a bare year that no earlier rule kept: a number alone is not a date."""
    return False if span.label_ == "DATE_YEAR" else None


class FutureInSentenceSettings(FutureSettings):
    """A month or weekday alone reads as the future in a sentence with one of ``markers``."""

    markers: frozenset[str] = Field(min_length=1, description="Words that make a sentence speak of the future.")


@rule(
    "ocmfa.dates.future_in_sentence.v1",
    stage="dates",
    reads=("DATE_PARTIAL_MONTH and REL_WEEKDAY candidates", "sentences"),
    emits=("future reading",),
    settings=FutureInSentenceSettings,
)
def future_in_sentence(dates: DocDates, span: Span, settings: FutureInSentenceSettings) -> bool:
    """Read "in March" as the next March in a sentence that speaks of the future ("will", "plans")."""
    if span.label_ not in settings.labels:
        return False
    return any(token.lower_ in settings.markers for token in sentence_of(dates.doc, span.start))


class FutureWordBeforeSettings(FutureSettings):
    """A month or weekday alone reads as the future right after one of ``words_before``."""

    words_before: frozenset[str] = Field(min_length=1, description="Words right before the date.")


@rule(
    "ocmfa.dates.future_word_before.v1",
    stage="dates",
    reads=("DATE_PARTIAL_MONTH and REL_WEEKDAY candidates", "tokens"),
    emits=("future reading",),
    settings=FutureWordBeforeSettings,
)
def future_word_before(dates: DocDates, span: Span, settings: FutureWordBeforeSettings) -> bool:
    """Read "next Tuesday", "by March" as the next such day or month."""
    if span.label_ not in settings.labels:
        return False
    # At the document's first token this reads its last one, as the stage always has.
    return dates.doc[span.start - 1].lower_ in settings.words_before
