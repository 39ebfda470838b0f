"""Build the corpus-wide records from per-document results.

People are one record per name key across the corpus ("Zhou Yuan" and "Zhou Yu'an"
share the key ``zhouyuan``); every id is derived from content (the name key, or the
document's hash and the offsets), so reruns, new documents and reordering leave the ids
of unchanged records unchanged. Records come out in a fixed order: documents by id, and
within a document by offset.

The build takes two passes over the results in document order, so that a large corpus
can be streamed from the result cache one document at a time: :class:`PeopleIndex`
gathers who is named where, then :func:`role_records`, :func:`date_records` and
:func:`statement_records` make each document's records (the writer calls them).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .extract import DocumentResult
from .facts import DateFact, LocalPerson, Mention, RoleFact, StatementFact
from .io import TemporaryDatabase
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


#: A row of a :class:`PeopleIndex`: a corpus key and a name of that person.
PersonRow = tuple[str, str]
#: A row of a :class:`PeopleIndex`: a mention's corpus key, document, start, end and text.
MentionRow = tuple[str, str, int, int, str]


def person_rows(keys: dict[str, str], people: Iterable[LocalPerson]) -> list[PersonRow]:
    """Index rows of one document's people; ``keys`` maps their keys to corpus keys (:func:`people_keys`)."""
    return [(keys[person.key], person.name) for person in people]


def mention_rows(doc_id: str, text: TextLike, keys: dict[str, str], mentions: Iterable[Mention]) -> list[MentionRow]:
    """Index rows of one document's mentions, in order, each checked against ``text`` (or a window of it)."""
    context = {"texts": {doc_id: text}}
    rows = []
    for mention in mentions:
        Span.model_validate(
            {"doc_id": doc_id, "start": mention.start, "end": mention.end, "text": mention.text}, context=context
        )
        rows.append((keys[mention.person_key], doc_id, mention.start, mention.end, mention.text))
    return rows


#: Canonical names a finished people index keeps in memory.
_NAMES_REMEMBERED = 4_096


class PeopleLookup:
    """The queries over a people index's tables: what the second pass asks of the first.

    Shared by :class:`PeopleIndex`, which fills the tables, and :class:`PeopleIndexReader`,
    which reads a finished index from another process.
    """

    _db: sqlite3.Connection
    _remembered: Callable[[str], str] | None = None  # canonical names, once they can no longer change

    def canonical(self, key: str) -> str:
        """A person's canonical name."""
        if self._remembered is not None:
            return self._remembered(key)
        return self._canonical(key)

    def _canonical(self, key: str) -> str:
        row = self._db.execute("SELECT name FROM person WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def _remember_names(self) -> None:
        """Keep the names most recently asked for: the index is complete, and a corpus names its people often."""
        self._remembered = lru_cache(maxsize=_NAMES_REMEMBERED)(self._canonical)

    def people(self) -> Iterator[PersonRecord]:
        """One record per person, in order of first mention (offsets checked when added)."""
        for key in self._keys_by_first_mention():
            mentions = self._db.execute(
                'SELECT doc_id, start, "end", text FROM mention WHERE key = ? ORDER BY seq', (key,)
            ).fetchall()
            name = self.canonical(key)
            yield PersonRecord.model_validate(
                {
                    "person_id": person_id_for(key),
                    "name": name,
                    "aliases": sorted({text for *_, text in mentions} - {name}),
                    "mentions": [
                        {"doc_id": doc_id, "start": start, "end": end, "text": text}
                        for doc_id, start, end, text in mentions
                    ],
                }
            )

    def _keys_by_first_mention(self) -> Iterator[str]:
        after = -1
        while True:
            batch = self._db.execute(
                "SELECT key, first FROM person_order WHERE first > ? ORDER BY first LIMIT 512", (after,)
            ).fetchall()
            if not batch:
                return
            for key, _ in batch:
                yield key
            after = batch[-1][1]


class PeopleIndex(TemporaryDatabase, PeopleLookup):
    """Who is named where, gathered over the whole corpus (the first pass).

    People and mentions go to a temporary SQLite database on disk (deleted when the index
    is closed), so memory does not grow with the corpus. Once it is finished
    (:meth:`finish`), other processes may read it (:class:`PeopleIndexReader`).
    """

    def __init__(self, directory: Path | None = None) -> None:
        """Open an empty index, in a temporary folder under ``directory`` (default: the system's)."""
        super().__init__(shared=True, directory=directory)
        self._db.execute(
            'CREATE TABLE mention (seq INTEGER PRIMARY KEY, key TEXT, doc_id TEXT, start INT, "end" INT, text TEXT)'
        )
        self._db.execute("CREATE TABLE person (key TEXT PRIMARY KEY, name TEXT)")  # the canonical name so far

    def add(self, result: DocumentResult) -> None:
        """Take in one document's people and mentions held in memory, checking each mention's offsets."""
        keys = people_keys(result.people)
        doc_id = result.document.doc_id
        self.insert(person_rows(keys, result.people), mention_rows(doc_id, result.text, keys, result.mentions))

    def insert(self, people: list[PersonRow], mentions: list[MentionRow]) -> None:
        """Take in rows made by :func:`person_rows` and :func:`mention_rows` (mentions in document order)."""
        # The most complete name wins: the longest, then the first in code point order
        # (SQLite compares UTF-8 bytes, which order as code points do).
        self._db.executemany(
            "INSERT INTO person (key, name) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET name = excluded.name"
            " WHERE length(excluded.name) > length(name)"
            " OR (length(excluded.name) = length(name) AND excluded.name < name)",
            people,
        )
        self._db.executemany('INSERT INTO mention (key, doc_id, start, "end", text) VALUES (?, ?, ?, ?, ?)', mentions)

    def finish(self) -> Path:
        """End the first pass: index the mentions and commit. Returns the file other processes may read."""
        if self._remembered is None:  # not finished yet
            self._db.execute("CREATE INDEX mention_by_key ON mention (key, seq)")
            # Each person by their first mention, on disk: a large corpus has hundreds of thousands.
            self._db.execute("CREATE TABLE person_order AS SELECT key, MIN(seq) AS first FROM mention GROUP BY key")
            self._db.execute("CREATE INDEX person_by_first ON person_order (first)")
            self._db.commit()
            self._remember_names()
        assert self.path is not None  # for the type checker: the index is always a shared database
        return self.path

    def people(self) -> Iterator[PersonRecord]:
        """One record per person, in order of first mention (offsets checked in :meth:`add`)."""
        self.finish()
        return super().people()


class PeopleIndexReader(PeopleLookup):
    """A finished :class:`PeopleIndex` read from another process, which may not change it."""

    def __init__(self, path: Path) -> None:
        """Open the index at ``path`` (:meth:`PeopleIndex.finish`) for reading."""
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        self._remember_names()

    def close(self) -> None:
        """Close the connection (the index itself belongs to its writer)."""
        self._db.close()


class TextWindow:
    """A part of a document's text that slices like the whole text (offsets into the whole).

    Records of a long document are made part by part from the part's text alone; a slice
    outside the part is None, so a span that does not lie in it fails validation.
    """

    def __init__(self, text: str, start: int) -> None:
        """The window holding ``text``, which starts at offset ``start`` of its document."""
        self.text = text
        self.start = start
        self.end = start + len(text)

    def __getitem__(self, where: slice) -> str | None:
        start, end = where.start, where.stop
        if start is None or end is None or start < self.start or end > self.end or where.step is not None:
            return None
        return self.text[start - self.start : end - self.start]


#: A document's text, or a window of it: what records are sliced from.
TextLike = str | TextWindow


def people_keys(people: Iterable[LocalPerson]) -> dict[str, str]:
    """Person keys of one document mapped to corpus keys: the name key of each person's name."""
    return {person.key: name_key(person.name) for person in people}


def role_order(role: RoleFact) -> tuple[int, int, str, str]:
    """The order of a document's role records."""
    return role.evidence_start, role.evidence_end, role.person_key, role.title


def statement_order(statement: StatementFact) -> tuple[int, int]:
    """The order of a document's statement records."""
    return statement.evidence_start, statement.content_start


def _span(doc_id: str, text: TextLike, start: int, end: int) -> dict[str, object]:
    return {"doc_id": doc_id, "start": start, "end": end, "text": text[start:end]}


def role_records(
    document: DocumentRecord, text: TextLike, keys: dict[str, str], roles: Iterable[RoleFact], index: PeopleLookup
) -> Iterator[RoleRecord]:
    """Role records of one document from its roles given in output order (:func:`role_order`)."""
    doc_id, sha = document.doc_id, document.sha256
    context = {"texts": {doc_id: text}}
    for role in roles:
        key = keys[role.person_key]
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
        yield RoleRecord.model_validate(record, context=context)


def date_records(document: DocumentRecord, text: TextLike, dates: Iterable[DateFact]) -> Iterator[DateRecord]:
    """Date records of one document from its dates, in their order."""
    doc_id, sha = document.doc_id, document.sha256
    context = {"texts": {doc_id: text}}
    for date in dates:
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
        yield DateRecord.model_validate(record, context=context)


def statement_records(
    document: DocumentRecord,
    text: TextLike,
    keys: dict[str, str],
    statements: Iterable[StatementFact],
    index: PeopleLookup,
) -> Iterator[StatementRecord]:
    """Statement records of one document from its statements given in output order (:func:`statement_order`)."""
    doc_id, sha = document.doc_id, document.sha256
    context = {"texts": {doc_id: text}}
    for statement in statements:
        key = keys.get(statement.speaker_key) if statement.speaker_key else None
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
        yield StatementRecord.model_validate(record, context=context)
