"""Build the corpus-wide records from per-document results.

People are one record per name key across the corpus ("Song Ruan" and "Song Ru'an"
share the key ``songruan``); every id is derived from content (the name key, or the
document's hash and the offsets), so reruns, new documents and reordering leave the ids
of unchanged records unchanged. Records come out in a fixed order: documents by id, and
within a document by offset.
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
    """The most complete form: the longest, then the one with most marks ("Ru'an"), then A–Z."""
    return min(forms, key=lambda form: (-len(form), form))


def build_records(results: Iterable[DocumentResult]) -> CorpusRecords:
    """Merge per-document results into corpus records with stable ids."""
    ordered = sorted(results, key=lambda result: result.document.doc_id)
    texts = {result.document.doc_id: result.text for result in ordered}
    context = {"texts": texts}
    records = CorpusRecords(documents=[result.document for result in ordered])

    # People: the corpus key of a person is the name key of their canonical name in a document.
    names: dict[str, set[str]] = {}
    surfaces: dict[str, set[str]] = {}
    mentions: dict[str, list[Span]] = {}
    first_seen: dict[str, tuple[str, int]] = {}
    local_to_corpus: dict[tuple[str, str], str] = {}
    for result in ordered:
        doc_id = result.document.doc_id
        for person in result.people:
            corpus_key = name_key(person.name)
            local_to_corpus[(doc_id, person.key)] = corpus_key
            names.setdefault(corpus_key, set()).add(person.name)
        for mention in result.mentions:
            corpus_key = local_to_corpus[(doc_id, mention.person_key)]
            surfaces.setdefault(corpus_key, set()).add(mention.text)
            span = Span(doc_id=doc_id, start=mention.start, end=mention.end, text=mention.text)
            mentions.setdefault(corpus_key, []).append(span)
            first_seen.setdefault(corpus_key, (doc_id, mention.start))

    canonical = {key: _canonical_name(forms) for key, forms in names.items()}
    for key in sorted(mentions, key=lambda k: first_seen[k]):
        record = {
            "person_id": person_id_for(key),
            "name": canonical[key],
            "aliases": sorted(surfaces[key] - {canonical[key]}),
            "mentions": [span.model_dump() for span in mentions[key]],
        }
        records.people.append(PersonRecord.model_validate(record, context=context))

    for result in ordered:
        doc_id, sha = result.document.doc_id, result.document.sha256
        text = result.text
        for role in sorted(result.roles, key=lambda r: (r.evidence_start, r.evidence_end, r.person_key, r.title)):
            key = local_to_corpus[(doc_id, role.person_key)]
            evidence = {
                "doc_id": doc_id,
                "start": role.evidence_start,
                "end": role.evidence_end,
                "text": text[role.evidence_start : role.evidence_end],
            }
            record = {
                "role_id": stable_id(
                    "role", sha, role.evidence_start, role.evidence_end, key, role.title, role.organization
                ),
                "person_id": person_id_for(key),
                "person": canonical[key],
                "title": role.title,
                "organization": role.organization,
                "start": role.start,
                "end": role.end,
                "current": role.current,
                "doc_id": doc_id,
                "evidence": evidence,
                "rule_id": role.rule_id,
            }
            records.roles.append(RoleRecord.model_validate(record, context=context))
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
            records.dates.append(DateRecord.model_validate(record, context=context))
        for statement in sorted(result.statements, key=lambda s: (s.evidence_start, s.content_start)):
            key = local_to_corpus.get((doc_id, statement.speaker_key)) if statement.speaker_key else None
            record = {
                "statement_id": stable_id(
                    "statement", sha, statement.evidence_start, statement.content_start, statement.content_end
                ),
                "doc_id": doc_id,
                "speaker": canonical[key] if key else statement.speaker,
                "speaker_type": statement.speaker_type,
                "speaker_id": person_id_for(key) if key else None,
                "cue": statement.cue,
                "content": text[statement.content_start : statement.content_end],
                "direct": statement.direct,
                "date": statement.date,
                "evidence": {
                    "doc_id": doc_id,
                    "start": statement.evidence_start,
                    "end": statement.evidence_end,
                    "text": text[statement.evidence_start : statement.evidence_end],
                },
                "content_span": {
                    "doc_id": doc_id,
                    "start": statement.content_start,
                    "end": statement.content_end,
                    "text": text[statement.content_start : statement.content_end],
                },
                "rule_id": statement.rule_id,
            }
            records.statements.append(StatementRecord.model_validate(record, context=context))
    return records
