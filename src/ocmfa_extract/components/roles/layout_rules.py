"""Roles the layout states: infobox fields, leader lists under a heading, a signature block."""

from __future__ import annotations

import re
from dataclasses import replace

from pydantic import Field
from spacy.tokens import Span

from ...facts import RoleFact
from ...rulebook import RuleSettings
from ..layout import InfoboxField
from ..people import only_honorifics
from .document import DocRoles, Title
from .kinds import roles_rule

_NOTE_SEPARATORS = re.compile(r"[,;]")  # a list item's notes: "concurrently X since 2023; Y"


class InfoboxSettings(RuleSettings):
    """Which infobox keys pair a name with a position."""

    name_key: str = Field(min_length=1, description='The last word of a name key: "Chief1 Name".')
    position_keys: list[str] = Field(min_length=1, description='The last words of its position key: "Chief1 Position".')


@roles_rule(
    "ocmfa.roles.infobox_pairs.v1",
    kind="document",
    reads=("doc._.ocmfa_layout.infobox", "titles", "doc.spans[ocmfa_people]"),
    emits=("RoleFact(rule_id=infobox)",),
    settings=InfoboxSettings,
)
def infobox_pairs(doc_roles: DocRoles, settings: InfoboxSettings) -> list[RoleFact]:
    """``- Chief1 Name: X`` with ``- Chief1 Position: Y``, and ``- Ambassador: X``."""
    fields = doc_roles.doc._.ocmfa_layout.infobox
    name_suffix = " " + settings.name_key.casefold()
    position_keys = {key.casefold() for key in settings.position_keys}
    names = {f.key.text.rsplit(" ", 1)[0]: f for f in fields if f.key.text.casefold().endswith(name_suffix)}
    facts: list[RoleFact] = []
    for field in fields:
        prefix, _, last = field.key.text.rpartition(" ")
        if last.casefold() in position_keys and prefix in names:
            name_field = names[prefix]
            person = doc_roles.first_person(name_field.value.start, name_field.value.end)
            titles = doc_roles.titles_between(field.value.start, field.value.end)
            evidence = (min(name_field.line.start, field.line.start), max(name_field.line.end, field.line.end))
        else:  # the key itself is the position
            person = doc_roles.first_person(field.value.start, field.value.end)
            keyed = doc_roles.titles_between(field.key.start, field.key.end)
            titles = [title for title in keyed if _spans_key(doc_roles, title, field)]
            evidence = (field.line.start, field.line.end)
        if person is None or not titles:
            continue
        facts.append(doc_roles.fact(person, _of_subject(doc_roles, titles[0]), evidence, "infobox"))
    return facts


def _spans_key(doc_roles: DocRoles, title: Title, field: InfoboxField) -> bool:
    """Whether a title is the whole infobox key ("Deputy Chief of Mission")."""
    last = doc_roles.doc[title.end - 1]
    return doc_roles.doc[title.start].idx == field.key.start and last.idx + len(last) == field.key.end


def _of_subject(doc_roles: DocRoles, title: Title) -> Title:
    """A title with no body of its own is a position of the body the document is about."""
    return replace(title, organization=doc_roles.subject) if title.organization is None else title


@roles_rule(
    "ocmfa.roles.leader_list.v1",
    kind="document",
    reads=("doc._.ocmfa_layout.list_items", "titles", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_dates]"),
    emits=("RoleFact(rule_id=leader_list)", "RoleFact(rule_id=leader_list_note)"),
)
def leader_list(doc_roles: DocRoles, settings: RuleSettings) -> list[RoleFact]:
    """``; Director of the X`` headings over ``1. Name (start – end, notes)`` items, with the notes' roles."""
    facts: list[RoleFact] = []
    for item in doc_roles.doc._.ocmfa_layout.list_items:
        if item.heading is None:
            continue
        heading_titles = doc_roles.titles_between(item.heading.range.start, item.heading.range.end)
        person = doc_roles.first_person(item.body.start, item.body.end)
        if not heading_titles or person is None:
            continue
        evidence = (item.line.start, item.line.end)
        dates = doc_roles.dates_by_char.between(item.body.start, item.body.end)
        tenure = doc_roles.tenure(dates[0]) if dates else {}
        facts.append(
            doc_roles.fact(person, _of_subject(doc_roles, heading_titles[0]), evidence, "leader_list", **tenure)
        )
        notes_start = dates[0].end_char if dates else person.end_char
        facts += _notes(doc_roles, person, notes_start, item.body.end, evidence)
    return facts


def _notes(doc_roles: DocRoles, person: Span, start: int, end: int, evidence: tuple[int, int]) -> list[RoleFact]:
    """Roles inside a list item's brackets: "concurrently Minister of X since July 2023"."""
    doc = doc_roles.doc
    facts: list[RoleFact] = []
    segment_start = start
    for match in [*_NOTE_SEPARATORS.finditer(doc_roles.text[start:end]), None]:
        segment_end = start + match.start() if match else end
        titles = doc_roles.titles_between(segment_start, segment_end)
        for index, title in enumerate(titles):
            next_start = titles[index + 1].start if index + 1 < len(titles) else None
            title_end_char = doc[title.end - 1].idx + len(doc[title.end - 1])
            limit = doc[next_start].idx if next_start is not None else segment_end
            dates = doc_roles.dates_by_char.between(title_end_char, limit)
            tenure = doc_roles.tenure(dates[0]) if dates else {}
            facts.append(doc_roles.fact(person, title, evidence, "leader_list_note", **tenure))
        segment_start = segment_end + 1
    return facts


class SignatureSettings(RuleSettings):
    """Where a signature block is."""

    last_lines: int = Field(ge=2, le=20, description="How many lines at the document's end hold a signature.")


@roles_rule(
    "ocmfa.roles.signature.v1",
    kind="document",
    reads=("doc._.ocmfa_layout.lines", "titles", "doc.spans[ocmfa_people]"),
    emits=("RoleFact(rule_id=signature)",),
    settings=SignatureSettings,
)
def signature(doc_roles: DocRoles, settings: SignatureSettings) -> list[RoleFact]:
    """A line that is only a name (after an honorific: "Dr. X"), then a line that starts with a title."""
    doc = doc_roles.doc
    lines = doc._.ocmfa_layout.lines
    last = settings.last_lines
    facts: list[RoleFact] = []
    for line, following in zip(lines[-last:], lines[-last + 1 :], strict=False):
        person = doc_roles.first_person(line.start, line.end)
        if person is None or person.end_char != line.end:
            continue
        if not only_honorifics(doc, line.start, person.start_char):
            continue
        titles = doc_roles.titles_between(following.start, following.end)
        if titles and doc[titles[0].start].idx == following.start:
            facts.append(doc_roles.fact(person, titles[0], (line.start, following.end), "signature"))
    return facts
