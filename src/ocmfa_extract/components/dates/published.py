"""The document's own date: the published-date rules.

Each rule looks at one day or month date on one of the lines it reads (its window: the
first ``first_lines`` lines and the last ``last_lines`` lines of the document) and says
whether that date is the document's stamp. The stage reads the lines top first, then the
bottom ones, and each line's dates in order, and asks the rules whose window holds the
line in the order of their lines in ``patterns/rules/dates.jsonl``: the first date a rule
takes is the document's date.

The stamp and dateline patterns are built from the words the rules' lexicons list; their
shape (runs of separators, possessive so that a long run fails in linear time, issue 16)
stays here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from ..layout import TextRange
from .document import DocDates

# A dateline's after-part: the line ends, or a dash or bracket follows the date.
DATELINE_AFTER = re.compile(r"^\s*(?:$|[—–-]|\()")
# A time of day ("10:30", "17:52:03 pm", "at 9:15"): a stamp line may hold one.
TIME = re.compile(r"(?i)\b(?:[a-z]{2,4}\s++)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*+[ap]\.?m\.?)?\b")
# Three digits in a row are never part of a time, and neither a stamp line nor a dateline
# allows a digit besides its date's: past such a number, no later date of the line is a stamp.
LONG_NUMBER = re.compile(r"\d{3}")


def _alternation(words: frozenset[str]) -> str:
    """``words`` as a regex alternation, longest first (deterministic whatever the set's order)."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda word: (-len(word), word)))


@lru_cache(maxsize=16)
def stamp_pattern(stamp_words: frozenset[str], links: frozenset[str], weekdays: frozenset[str]) -> re.Pattern[str]:
    """What a line holds besides its date(s) when the date is the document's stamp.

    Stamp words ("Posted", "Updated") each perhaps followed by a link word ("on"), a
    weekday, punctuation. The runs of separators are possessive (``*+``): each can only
    be followed by a letter or the end, so giving characters back never helps, and
    without it a long run of ", " that fails at its end backtracked in cubic time (issue
    16). ``tests/test_adversarial.py`` checks it against the backtracking form.
    """
    return re.compile(
        rf"(?i)^[\s\W]*+(?:(?:{_alternation(stamp_words)})\b"
        rf"[\s:/,-]*+(?:{_alternation(links)})?[\s|]*+)*+"
        rf"[\s,]*+(?:{_alternation(weekdays)})?[\s,/]*+$"
    )


@lru_cache(maxsize=16)
def dateline_pattern(weekdays: frozenset[str]) -> re.Pattern[str]:
    r"""A dateline's before-part: "SINGAPORE, " or "CANBERRA | Monday " (a place in capitals, a separator).

    Possessive for the same reason as :func:`stamp_pattern`: the name's run can only give
    back spaces, which ``\s*`` takes.
    """
    return re.compile(rf"^[A-Z][A-Z .'’\-]++\s*[,|]\s*(?:(?:{_alternation(weekdays)}),?\s*)?$", re.IGNORECASE)


@dataclass
class DateOnLine:
    """A day or month date on one of the lines the published-date rules read, and its line.

    Attributes:
        text: the document's text.
        line: the line.
        dates: the line's day and month dates, in order.
        index: which of them this is.
        long_number_end: where the line's first run of three digits ends, if it has one.
        title: the document's title, if it has one.
    """

    text: str
    line: TextRange
    dates: list[Span]
    index: int
    long_number_end: int | None
    title: TextRange | None

    @property
    def span(self) -> Span:
        """The date."""
        return self.dates[self.index]

    @property
    def after_long_number(self) -> bool:
        """Whether a run of three digits stands before the date on its line (no stamp nor dateline then)."""
        return self.long_number_end is not None and self.long_number_end <= self.span.start_char

    @cached_property
    def before(self) -> str:
        """The line's text before the date."""
        return self.text[self.line.start : self.span.start_char]

    @cached_property
    def after(self) -> str:
        """The line's text after the date."""
        return self.text[self.span.end_char : self.line.end]

    @cached_property
    def between_and_after(self) -> str:
        """The line's text after the date without its later dates, the pieces joined by spaces.

        "Published : 2024-10-17 17:52   Updated : 2024-10-17 19:08": the later stamps' dates go too.
        """
        later = self.dates[self.index :]
        gaps = zip(later, [*later[1:], None], strict=True)
        return " ".join(self.text[a.end_char : b.start_char if b else self.line.end] for a, b in gaps)


class PublishedSettings(RuleSettings):
    """The settings of a published-date rule: which lines it reads."""

    first_lines: int = Field(ge=0, le=50, description="The rule reads the document's first this many lines.")
    last_lines: int = Field(ge=0, le=50, description="And its last this many lines.")


class StampSettings(PublishedSettings):
    """A stamp line: the date with only stamp words, a weekday, a time and punctuation around it."""

    stamp_lexicon: str = Field(description="The lexicon of stamp words ('posted', 'updated', 'ends').")
    links: frozenset[str] = Field(description="Words that may follow a stamp word ('on', 'at').")
    weekdays_lexicon: str = Field(description="The lexicon of weekday names.")


def _is_stamp(dates: DocDates, where: DateOnLine, settings: StampSettings) -> bool:
    if where.after_long_number:
        return False
    pattern = stamp_pattern(
        dates.lexicon(settings.stamp_lexicon), settings.links, dates.lexicon(settings.weekdays_lexicon)
    )
    return pattern.match(TIME.sub(" ", where.before + " " + where.between_and_after)) is not None


@rule(
    "ocmfa.dates.stamp_line.v1",
    stage="dates",
    reads=("day and month dates", "layout lines", "lexicons"),
    emits=("doc._.ocmfa_published",),
    settings=StampSettings,
)
def stamp_line(dates: DocDates, where: DateOnLine, settings: StampSettings) -> bool:
    """A date alone on a line near the top, perhaps with a time or "Posted on" ("Posted on 3 May 2021 10:30")."""
    return _is_stamp(dates, where, settings)


@rule(
    "ocmfa.dates.footer_stamp.v1",
    stage="dates",
    reads=("day and month dates", "layout lines", "lexicons"),
    emits=("doc._.ocmfa_published",),
    settings=StampSettings,
)
def footer_stamp(dates: DocDates, where: DateOnLine, settings: StampSettings) -> bool:
    """A stamp line at the foot of the document ("Ends/Tuesday, March 5, 2019")."""
    return _is_stamp(dates, where, settings)


class DatelineSettings(PublishedSettings):
    """A dateline: a place in capitals and a separator, then the date, then a dash or the line's end."""

    weekdays_lexicon: str = Field(description="The lexicon of weekday names (one may stand before the date).")


@rule(
    "ocmfa.dates.dateline.v1",
    stage="dates",
    reads=("day and month dates", "layout lines", "lexicons"),
    emits=("doc._.ocmfa_published",),
    settings=DatelineSettings,
)
def dateline(dates: DocDates, where: DateOnLine, settings: DatelineSettings) -> bool:
    """A dateline: "SINGAPORE, March 6, 2024 — ..." or "CANBERRA | Monday 21 November 2022"."""
    if where.after_long_number:
        return False
    before = dateline_pattern(dates.lexicon(settings.weekdays_lexicon)).match(where.before)
    return before is not None and DATELINE_AFTER.match(where.after) is not None


@rule(
    "ocmfa.dates.title_ends_with_date.v1",
    stage="dates",
    reads=("day and month dates", "layout title"),
    emits=("doc._.ocmfa_published",),
    settings=PublishedSettings,
)
def title_ends_with_date(dates: DocDates, where: DateOnLine, settings: PublishedSettings) -> bool:
    """A title that ends with its date in brackets ("Remarks at the opening (8 February 2024)")."""
    title, line, span, text = where.title, where.line, where.span, where.text
    # Tested on the characters around the date, without copying the line.
    return (
        title is not None
        and line.start == title.start
        and span.start_char > line.start
        and text[span.start_char - 1] == "("
        and line.end - span.end_char == 1
        and text[span.end_char] == ")"
    )
