"""A document's structure from its lines: title, paragraphs, headings, infobox fields, list items, table rows."""

from __future__ import annotations

import re

from .structure import Heading, InfoboxField, Layout, ListItem, TableRow, TextRange

_WIKI_HEADING = re.compile(r"^(=+)\s*(.+?)\s*=+\s*$")
_LIST_HEADING = re.compile(r"^;\s*(.+?)\s*$")
_FIELD = re.compile(r"^[-*•]\s*([A-Z][\w ]{0,40}?)\s*:\s*(.+?)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•])\s+(.+?)\s*$")
# Navigation: "· Item · Item", breadcrumbs "Home > About Us > ...", menus "A | B | C".
_NAV_LINE = re.compile(r"^\s*[·|»›]|\s>\s|\|.*\|")
# A table row's cell separators: "|", a tab, or a run of two spaces or more.
_CELL_SEPARATORS = (re.compile(r"\|"), re.compile(r"\t"), re.compile(r" {2,}"))


def _split_lines(text: str) -> list[TextRange]:
    """Return the non-blank lines of ``text`` with their offsets, trimmed of outer spaces."""
    lines: list[TextRange] = []
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + (len(raw) - len(raw.lstrip()))
            lines.append(TextRange(start, start + len(stripped), stripped))
    return lines


def _paragraphs(text: str, lines: list[TextRange]) -> list[TextRange]:
    """Group lines into paragraphs: a blank line, a heading or a list item ends one."""
    paragraphs: list[TextRange] = []
    current: list[TextRange] = []

    def flush() -> None:
        if current:
            start, end = current[0].start, current[-1].end
            paragraphs.append(TextRange(start, end, text[start:end]))
            current.clear()

    previous_end = 0
    for line in lines:
        gap = text[previous_end : line.start]
        starts_block = bool(
            _WIKI_HEADING.match(line.text) or _LIST_HEADING.match(line.text) or _LIST_ITEM.match(line.text)
        )
        # An indented line in a press release starts a new paragraph, as does a blank line.
        indented = gap.endswith((" ", "\t")) and "\n" in gap
        if gap.count("\n") >= 2 or starts_block or indented or not current:
            flush()
        current.append(line)
        previous_end = line.end
        if starts_block:
            flush()
    flush()
    return paragraphs


def _find_title(lines: list[TextRange]) -> TextRange | None:
    """Return the title: the first wiki heading, else the first line that is not navigation."""
    for line in lines[:3]:
        match = _WIKI_HEADING.match(line.text)
        if match and len(match.group(1)) == 1:
            start = line.start + match.start(2)
            return TextRange(start, start + len(match.group(2)), match.group(2))
    for line in lines[:5]:
        if _NAV_LINE.search(line.text) or len(line.text) > 250 or line.text.endswith("."):
            continue
        return line
    return None


def _cells(line: TextRange) -> tuple[TextRange, ...]:
    """Cut a line into table cells, trimmed (an empty cell keeps its place); ``()`` when it is not a row."""
    text = line.text
    for separator in _CELL_SEPARATORS:
        bounds = [(m.start(), m.end()) for m in separator.finditer(text)]
        if not bounds:
            continue
        if separator.pattern == r"\|" and bounds[0][0] == 0:  # "| a | b |": the outer bars open the row
            bounds = bounds[1:]
            opening = (0, 1)
        else:
            opening = (-1, 0)
        bounds = [opening, *bounds, (len(text), len(text))]
        cells: list[TextRange] = []
        for (_, piece_start), (piece_end, _) in zip(bounds, bounds[1:], strict=False):
            raw = text[piece_start:piece_end]
            offset = line.start + piece_start + (len(raw) - len(raw.lstrip()))
            cells.append(TextRange(offset, offset + len(raw.strip()), raw.strip()))
        if separator.pattern == r"\|" and text.endswith("|") and len(cells) > 1 and not cells[-1].text:
            cells.pop()  # the closing bar
        return tuple(cells) if len(cells) >= 2 else ()
    return ()


def _table_rows(lines: list[TextRange], heading_at: dict[int, Heading | None]) -> list[TableRow]:
    """The rows of the tables: runs of two lines or more with as many cells, the first their header."""
    rows: list[TableRow] = []
    header: tuple[TextRange, ...] = ()
    for line in lines:
        cells = _cells(line)
        if not cells or len(cells) != len(header):
            header = cells
            continue
        rows.append(TableRow(cells, line, header, heading_at.get(line.start)))
    return rows


def find_layout(text: str) -> Layout:
    """Return the :class:`Layout` of ``text``."""
    lines = _split_lines(text)
    layout = Layout(title=_find_title(lines), lines=lines, paragraphs=_paragraphs(text, lines))
    # List items stand under the latest heading, wiki or ";", until the next one: an
    # introductory line ("The following is a partial list") does not end the list.
    list_heading: Heading | None = None
    heading_at: dict[int, Heading | None] = {}
    for line in lines:
        heading_at[line.start] = list_heading
        if wiki := _WIKI_HEADING.match(line.text):
            start = line.start + wiki.start(2)
            list_heading = Heading(len(wiki.group(1)), TextRange(start, start + len(wiki.group(2)), wiki.group(2)))
            layout.headings.append(list_heading)
        elif semicolon := _LIST_HEADING.match(line.text):
            start = line.start + semicolon.start(1)
            list_heading = Heading(0, TextRange(start, start + len(semicolon.group(1)), semicolon.group(1)))
            layout.headings.append(list_heading)
        elif infobox := _FIELD.match(line.text):
            start = line.start + infobox.start(2)
            value = TextRange(start, start + len(infobox.group(2)), infobox.group(2))
            key_start = line.start + infobox.start(1)
            key = TextRange(key_start, key_start + len(infobox.group(1)), infobox.group(1))
            layout.infobox.append(InfoboxField(key, value, line))
        elif item := _LIST_ITEM.match(line.text):
            start = line.start + item.start(1)
            body = TextRange(start, start + len(item.group(1)), item.group(1))
            layout.list_items.append(ListItem(body, line, list_heading))
    layout.table_rows = _table_rows(lines, heading_at)
    return layout
