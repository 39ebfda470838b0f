"""What a layout is: the ranges of text a document's structure is made of, and what a later part keeps."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from ...models import DateValue


@dataclass(frozen=True)
class TextRange:
    """A stretch of the document's text, by character offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Heading:
    """A heading line: ``= Title =`` (level = number of ``=``) or ``; Title`` (level 0)."""

    level: int
    range: TextRange


@dataclass(frozen=True)
class InfoboxField:
    """A ``- Key: Value`` line."""

    key: TextRange
    value: TextRange
    line: TextRange


@dataclass(frozen=True)
class ListItem:
    """A numbered or bulleted list item, with the heading it stands under, if any."""

    body: TextRange
    line: TextRange
    heading: Heading | None


@dataclass(frozen=True)
class TableRow:
    """A line of a table flattened to text, cut into cells (by ``|``, tabs or runs of spaces).

    ``header`` holds the cells of the table's header row (the first line of the run of
    lines with as many cells), ``heading`` the heading the table stands under.
    """

    cells: tuple[TextRange, ...]
    line: TextRange
    header: tuple[TextRange, ...]
    heading: Heading | None


@dataclass
class Layout:
    """The structure of one document, found from its lines."""

    title: TextRange | None = None
    lines: list[TextRange] = field(default_factory=list)
    paragraphs: list[TextRange] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    infobox: list[InfoboxField] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)
    table_rows: list[TableRow] = field(default_factory=list)

    @cached_property
    def heading_ranges(self) -> list[tuple[int, int]]:
        """The ``(start, end)`` offsets of the title and the headings: text that is not running prose."""
        ranges = [(heading.range.start, heading.range.end) for heading in self.headings]
        return ranges + [(self.title.start, self.title.end)] if self.title is not None else ranges

    @cached_property
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_at(self, offset: int) -> TextRange | None:
        """Return the line holding ``offset``, if any (by bisection)."""
        index = bisect_right(self._line_starts, offset) - 1
        if index < 0 or offset >= self.lines[index].end:
            return None
        return self.lines[index]

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [paragraph.start for paragraph in self.paragraphs]

    def paragraph_at(self, offset: int) -> TextRange | None:
        """Return the paragraph holding ``offset``, if any (by bisection: paragraphs are in order and apart)."""
        index = bisect_right(self._paragraph_starts, offset) - 1
        if index < 0 or offset >= self.paragraphs[index].end:
            return None
        return self.paragraphs[index]


@dataclass(frozen=True)
class Continuation:
    """Set on a part of a long document after the first (``doc._.ocmfa_continuation``).

    A part that continues a document has no title of its own, and takes the document's
    date and the body it is about from the first part.
    """

    published: DateValue | None
    subject: str | None
