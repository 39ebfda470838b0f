"""Build the corpus-wide records from per-document results.

People are one record per name key across the corpus ("Zhou Yuan" and "Zhou Yu'an"
share the key ``zhouyuan``); every id is derived from content (the name key, or the
document's hash and the offsets), so reruns, new documents and reordering leave the ids
of unchanged records unchanged. Records come out in a fixed order: documents by id, and
within a document by offset.

The build takes two passes over the results in document order, so that a large corpus
can be streamed from the result cache one document at a time: :class:`PeopleIndex`
gathers who is named where, then :func:`document_records` makes each document's records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .extract import DocumentResult
from .models import DateRecord, DocumentRecord, PersonRecord, RoleRecord, Span, StatementRecord
from .text import name_key


def stable_id(prefix: str, *parts: object) -> str:
    """Return ``prefix`` + a short hash of ``parts``: the same parts, the same id."""
    digest = hashlib.blake2b("\x1f".join(str(part) for part in parts).encode(), digest_size=8)
    return f"{prefix}_{digest.hexdigest()}"


def person_id_for(key: str) -> str:
    """The person_id of a name key."""
    return stable_id("person", key)


@dataclass
class CorpusRecords:
    """All output records of a run, in output order."""

    documents: list[DocumentRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    roles: list[RoleRecord] = field(default_factory=list)
    dates: list[DateRecord] = field(default_factory=list)
    statements: list[StatementRecord] = field(default_factory=list)


def _canonical_name(forms: Iterable[str]) -> str:
    """The most complete form: the longest, then the first in A–Z order."""
    return min(forms, key=lambda form: (-len(form), form))


@dataclass
class PeopleIndex:
    """Who is named where, gathered over the whole corpus (the first pass)."""

    names: dict[str, set[str]] = field(default_factory=dict)
    surfaces: dict[str, set[str]] = field(default_factory=dict)
    mentions: dict[str, list[tuple[str, int, int, str]]] = field(default_factory=dict)
    first_seen: dict[str, tuple[str, int]] = field(default_factory=dict)
    corpus_key: dict[tuple[str, str], str] = field(default_factory=dict)  # (doc_id, local key) -> key

    def add(self, result: DocumentResult) -> None:
        """Take in one document's people and mentions, checking each mention's offsets."""
        doc_id = result.document.doc_id
        context = {"texts": {doc_id: result.text}}
        for person in result.people:
            key = name_key(person.name)
            self.corpus_key[(doc_id, person.key)] = key
            self.names.setdefault(key, set()).add(person.name)
        for mention in result.mentions:
            key = self.corpus_key[(doc_id, mention.person_key)]
            Span.model_validate(
                {"doc_id": doc_id, "start": mention.start, "end": mention.end, "text": mention.text}, context=context
            )
            self.surfaces.setdefault(key, set()).add(mention.text)
            self.mentions.setdefault(key, []).append((doc_id, mention.start, mention.end, mention.text))
            self.first_seen.setdefault(key, (doc_id, mention.start))

    def canonical(self, key: str) -> str:
        """A person's canonical name."""
        return _canonical_name(self.names[key])

    def people(self) -> list[PersonRecord]:
        """One record per person, in order of first mention (offsets checked in :meth:`add`)."""
        records: list[PersonRecord] = []
        for key in sorted(self.mentions, key=lambda k: self.first_seen[k]):
            name = self.canonical(key)
            records.append(
                PersonRecord.model_validate(
                    {
                        "person_id": person_id_for(key),
                        "name": name,
                        "aliases": sorted(self.surfaces[key] - {name}),
                        "mentions": [
                            {"doc_id": doc_id, "start": start, "end": end, "text": text}
                            for doc_id, start, end, text in self.mentions[key]
                        ],
                    }
                )
            )
        return records


def _span(doc_id: str, text: str, start: int, end: int) -> dict[str, object]:
    return {"doc_id": doc_id, "start": start, "end": end, "text": text[start:end]}


def document_records(
    result: DocumentResult, index: PeopleIndex
) -> tuple[list[RoleRecord], list[DateRecord], list[StatementRecord]]:
    """One document's roles, dates and statements, validated against its text (second pass)."""
    doc_id, sha, text = result.document.doc_id, result.document.sha256, result.text
    context = {"texts": {doc_id: text}}
    roles: list[RoleRecord] = []
    for role in sorted(result.roles, key=lambda r: (r.evidence_start, r.evidence_end, r.person_key, r.title)):
        key = index.corpus_key[(doc_id, role.person_key)]
        record = {
            "role_id": stable_id(
                "role", sha, role.evidence_start, role.evidence_end, key, role.title, role.organization
            ),
            "person_id": person_id_for(key),
            "person": index.canonical(key),
            "title": role.title,
            "organization": role.organization,
            "start": role.start,
            "end": role.end,
            "current": role.current,
            "doc_id": doc_id,
            "evidence": _span(doc_id, text, role.evidence_start, role.evidence_end),
            "rule_id": role.rule_id,
        }
        roles.append(RoleRecord.model_validate(record, context=context))
    dates: list[DateRecord] = []
    for date in result.dates:
        record = {
            "date_id": stable_id("date", sha, date.start, date.end),
            "doc_id": doc_id,
            "text": text[date.start : date.end],
            "start": date.start,
            "end": date.end,
            "value": date.value,
            "end_value": date.end_value,
            "rule_id": date.rule_id,
        }
        dates.append(DateRecord.model_validate(record, context=context))
    statements: list[StatementRecord] = []
    for statement in sorted(result.statements, key=lambda s: (s.evidence_start, s.content_start)):
        key = index.corpus_key.get((doc_id, statement.speaker_key)) if statement.speaker_key else None
        record = {
            "statement_id": stable_id(
                "statement", sha, statement.evidence_start, statement.content_start, statement.content_end
            ),
            "doc_id": doc_id,
            "speaker": index.canonical(key) if key else statement.speaker,
            "speaker_type": statement.speaker_type,
            "speaker_id": person_id_for(key) if key else None,
            "cue": statement.cue,
            "content": text[statement.content_start : statement.content_end],
            "direct": statement.direct,
            "date": statement.date,
            "evidence": _span(doc_id, text, statement.evidence_start, statement.evidence_end),
            "content_span": _span(doc_id, text, statement.content_start, statement.content_end),
            "rule_id": statement.rule_id,
        }
        statements.append(StatementRecord.model_validate(record, context=context))
    return roles, dates, statements


def build_records(results: Iterable[DocumentResult]) -> CorpusRecords:
    """Merge per-document results held in memory into corpus records with stable ids."""
    ordered = sorted(results, key=lambda result: result.document.doc_id)
    index = PeopleIndex()
    for result in ordered:
        index.add(result)
    records = CorpusRecords(documents=[result.document for result in ordered], people=index.people())
    for result in ordered:
        roles, dates, statements = document_records(result, index)
        records.roles += roles
        records.dates += dates
        records.statements += statements
    return records
