"""Roles from the rows of a table flattened to text: a person's cell, its column's title, its date columns."""

from __future__ import annotations

from pydantic import Field

from ...facts import RoleFact
from ...rulebook import RuleSettings
from ..layout import TableRow, TextRange
from .document import DocRoles, Title
from .kinds import roles_rule
from .layout_rules import _of_subject


class TableRowsSettings(RuleSettings):
    """Which header cells name the holder's column and the date columns."""

    person_headers: list[str] = Field(min_length=1, description='Headers of a holder\'s column: "Name", "Incumbent".')
    start_headers: list[str] = Field(description='Headers of a start date: "Appointed", "Confirmed".')
    end_headers: list[str] = Field(description='Headers of an end date: "Left office", "Termination of mission".')
    range_headers: list[str] = Field(description='Headers of a range: "In office", "Term".')


@roles_rule(
    "ocmfa.roles.table_rows.v1",
    kind="document",
    reads=("doc._.ocmfa_layout.table_rows", "titles", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_dates]"),
    emits=("RoleFact(rule_id=table_row)",),
    settings=TableRowsSettings,
)
def table_rows(doc_roles: DocRoles, settings: TableRowsSettings) -> list[RoleFact]:
    """A row with a person in the holder's column holds the column's title, or the heading's, or the subject's."""
    facts: list[RoleFact] = []
    for row in doc_roles.doc._.ocmfa_layout.table_rows:
        column = _holder_column(doc_roles, row.header, settings)
        if column is None:
            continue
        cell = row.cells[column]
        person = doc_roles.first_person(cell.start, cell.end)
        title = _row_title(doc_roles, row, column)
        # The holder's cell opens with the name: "LI Fan" is not a mention of "Fan".
        if person is None or person.start_char != cell.start or title is None:
            continue
        tenure = _row_tenure(doc_roles, row, settings)
        if "end" not in tenure and _heading_is_current(doc_roles, row):
            tenure["current"] = True
        evidence = (row.line.start, row.line.end)
        facts.append(doc_roles.fact(person, _of_subject(doc_roles, title), evidence, "table_row", **tenure))
    return facts


def _holder_column(doc_roles: DocRoles, header: tuple[TextRange, ...], settings: TableRowsSettings) -> int | None:
    """The column whose header is a holder's ("Name") or a title ("Ambassador")."""
    words = {word.casefold() for word in settings.person_headers}
    for index, cell in enumerate(header):
        if cell.text.casefold() in words or _whole_title(doc_roles, cell) is not None:
            return index
    return None


def _whole_title(doc_roles: DocRoles, cell: TextRange) -> Title | None:
    """The title that is the whole cell, if any."""
    doc = doc_roles.doc
    for title in doc_roles.titles_between(cell.start, cell.end):
        last = doc[title.end - 1]
        if doc[title.start].idx == cell.start and last.idx + len(last) == cell.end:
            return title
    return None


def _row_title(doc_roles: DocRoles, row: TableRow, column: int) -> Title | None:
    """The holder column's title, else the first title of the table's heading, else of the document's title."""
    titled = _whole_title(doc_roles, row.header[column])
    if titled is not None:
        return titled
    layout = doc_roles.doc._.ocmfa_layout
    for place in (row.heading.range if row.heading else None, layout.title):
        if place is not None and (titles := doc_roles.titles_between(place.start, place.end)):
            return titles[0]
    return None


def _row_tenure(doc_roles: DocRoles, row: TableRow, settings: TableRowsSettings) -> dict[str, object]:
    """Start and end from the date columns, each read by its header."""
    kinds = {word.casefold(): kind for kind, words in _date_headers(settings) for word in words}
    tenure: dict[str, object] = {}
    for header, cell in zip(row.header, row.cells, strict=True):
        kind = kinds.get(header.text.casefold())
        value = _cell_date(doc_roles, cell) if kind else None
        if kind is None or value is None:
            continue
        if kind == "range":
            tenure.update(value)
        elif kind in value:
            tenure.setdefault(kind, value[kind])
        elif "start" in value:
            tenure.setdefault(kind, value["start"])
    return tenure


def _date_headers(settings: TableRowsSettings) -> list[tuple[str, list[str]]]:
    return [("start", settings.start_headers), ("end", settings.end_headers), ("range", settings.range_headers)]


def _cell_date(doc_roles: DocRoles, cell: TextRange) -> dict[str, object] | None:
    """The tenure a date cell states: its first date span."""
    dates = doc_roles.dates_by_char.between(cell.start, cell.end)
    return doc_roles.tenure(dates[0]) if dates else None


def _heading_is_current(doc_roles: DocRoles, row: TableRow) -> bool:
    """Whether the table stands under a heading that says its holders are current ("Current ambassadors")."""
    if row.heading is None:
        return False
    return any(word.casefold() in doc_roles.lexicon.current for word in row.heading.range.text.split())
