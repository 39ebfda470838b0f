"""The documents of one run, kept on disk so that memory does not grow with the corpus.

A run needs to know every document before it writes anything (duplicates are found by
content, and the outputs come in document id order), but it needs only a few of them
at a time. :class:`DocumentCatalog` keeps each document's record, where its file is (and
an HTML page's main text) in a private temporary SQLite database, as the people index
does; a document costs a row on disk instead of a few kilobytes of Python objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from .io import DEFAULT_MAX_BYTES, InputError, LoadedDocument, TemporaryDatabase, error_record, load_document
from .models import DocumentRecord, ErrorRecord
from .sources import SourceFile, SourceWalk, find_sources

#: Rows fetched at a time when iterating, so that a corpus's rows are never all in memory.
_BATCH = 256


class DocumentCatalog(TemporaryDatabase):
    """Every document of a run by content: its record, its file, whether it is kept.

    A document is first *loaded* (read and decoded once, from :meth:`read_sources`), then
    *kept* when this run's outputs include it (:meth:`keep`), in the order it was kept.
    """

    def __init__(self) -> None:
        """Open an empty catalog."""
        super().__init__()
        self._db.execute(
            "CREATE TABLE document (seq INTEGER PRIMARY KEY, sha256 TEXT UNIQUE, doc_id TEXT, record TEXT,"
            " text TEXT, source_path TEXT, source_relative TEXT, loaded INT, pending INT, kept INT)"
        )
        self._db.execute("CREATE INDEX document_by_id ON document (doc_id, kept)")
        self._db.execute("CREATE TABLE also_at (seq INTEGER PRIMARY KEY, sha256 TEXT, path TEXT)")
        self._db.execute("CREATE INDEX also_at_by_sha ON also_at (sha256, seq)")
        self._kept = 0
        self._loaded = 0
        self.walk = SourceWalk()  # what the last read_sources skipped, and why

    def read_sources(
        self, sources: Sequence[Path], max_bytes: int = DEFAULT_MAX_BYTES, *, follow_links: bool = False
    ) -> list[ErrorRecord]:
        """Read every input under ``sources``; returns the error records of those that cannot be used.

        Files with identical bytes are one document, named by the first path; the others
        are listed in its ``also_at``. Paths the walk does not read (links out of the
        sources, special files, unreadable folders, unsupported formats) are errors too;
        files skipped by suffix are counted in :attr:`walk`.
        """
        errors: list[ErrorRecord] = []
        for source in find_sources(sources, self.walk, follow_links=follow_links):
            try:
                document = load_document(source, max_bytes)
            except InputError as error:
                errors.append(error_record(source, error))
                continue
            record = document.record
            if self._db.execute("SELECT 1 FROM document WHERE sha256 = ?", (record.sha256,)).fetchone():
                self._db.execute("INSERT INTO also_at (sha256, path) VALUES (?, ?)", (record.sha256, record.path))
                continue
            # A plain file's text is read again when it is extracted; an HTML page keeps its
            # main text (costly to extract twice), here on disk.
            kept_text = document.text if record.text_path else None
            self._db.execute(
                "INSERT INTO document (sha256, doc_id, record, text, source_path, source_relative, loaded)"
                " VALUES (?, ?, ?, ?, ?, ?, 1)",
                (
                    record.sha256,
                    record.doc_id,
                    record.model_dump_json(),
                    kept_text,
                    os.fsencode(source.path),
                    source.relative,
                ),
            )
            self._loaded += 1
        errors += [ErrorRecord(path=p.relative, error=p.kind, message=p.message) for p in self.walk.problems]
        return errors

    def loaded_count(self) -> int:
        """How many distinct documents were read from the sources."""
        return self._loaded

    def _record(self, sha256: str, record_json: str) -> DocumentRecord:
        record = DocumentRecord.model_validate_json(record_json)
        rows = self._db.execute("SELECT path FROM also_at WHERE sha256 = ? ORDER BY seq", (sha256,))
        also_at = [path for (path,) in rows]
        return record.model_copy(update={"also_at": also_at}) if also_at else record

    def _batches(self, where: str, order: str) -> Iterator[tuple[str, ...]]:
        """The rows selected by ``where`` in ``order``, a batch at a time (keyset pages)."""
        columns = "seq, sha256, record, text, source_path, source_relative, doc_id, kept"
        after: tuple[object, ...] | None = None
        keys = [key.strip() for key in order.split(",")]
        while True:
            if after is None:
                query = f"SELECT {columns} FROM document WHERE {where} ORDER BY {order} LIMIT {_BATCH}"
                rows = self._db.execute(query).fetchall()
            else:
                placeholders = ", ".join("?" for _ in keys)
                query = (
                    f"SELECT {columns} FROM document WHERE ({where}) AND ({', '.join(keys)}) > ({placeholders})"
                    f" ORDER BY {order} LIMIT {_BATCH}"
                )
                rows = self._db.execute(query, after).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1]
            after = tuple(last[{"seq": 0, "doc_id": 6, "kept": 7}[key]] for key in keys)

    def loaded(self, *, pending: bool = False) -> Iterator[LoadedDocument]:
        """The documents read from the sources (only those to extract, if ``pending``), in the order found."""
        where = "loaded = 1 AND pending = 1" if pending else "loaded = 1"
        for _, sha256, record_json, text, source_path, relative, *_ in self._batches(where, "seq"):
            source = SourceFile(Path(os.fsdecode(source_path)), relative)
            yield LoadedDocument(self._record(sha256, record_json), text, source)

    def mark_pending(self, sha256: str) -> None:
        """Mark a loaded document as one to extract (see :meth:`loaded`)."""
        self._db.execute("UPDATE document SET pending = 1 WHERE sha256 = ?", (sha256,))

    def pending_count(self) -> int:
        """How many loaded documents are to be extracted."""
        return self._db.execute("SELECT COUNT(*) FROM document WHERE loaded = 1 AND pending = 1").fetchone()[0]

    def is_loaded_id(self, doc_id: str) -> bool:
        """Whether a document read from the sources has this id."""
        row = self._db.execute("SELECT 1 FROM document WHERE doc_id = ? AND loaded = 1", (doc_id,)).fetchone()
        return row is not None

    def keep(self, record: DocumentRecord) -> None:
        """Include a document in this run's outputs, with the record they will show.

        Keeping the same content again replaces its record but not its place in the order.
        """
        self._kept += 1
        sha256 = record.sha256
        row = (record.doc_id, record.model_copy(update={"also_at": []}).model_dump_json(), self._kept, sha256)
        updated = self._db.execute(
            "UPDATE document SET doc_id = ?, record = ?, kept = COALESCE(kept, ?) WHERE sha256 = ?", row
        )
        if updated.rowcount == 0:  # a document of an earlier run, not read this time
            self._db.execute("INSERT INTO document (doc_id, record, kept, sha256, loaded) VALUES (?, ?, ?, ?, 0)", row)
        self._db.execute("DELETE FROM also_at WHERE sha256 = ?", (sha256,))
        self._db.executemany("INSERT INTO also_at (sha256, path) VALUES (?, ?)", [(sha256, p) for p in record.also_at])

    def kept(self) -> Iterator[DocumentRecord]:
        """The kept documents' records in output order: by document id, then in the order they were kept."""
        for _, sha256, record_json, *_ in self._batches("kept IS NOT NULL", "doc_id, kept"):
            yield self._record(sha256, record_json)

    def kept_count(self) -> int:
        """How many documents are kept."""
        return self._db.execute("SELECT COUNT(*) FROM document WHERE kept IS NOT NULL").fetchone()[0]

    def is_kept(self, sha256: str) -> bool:
        """Whether the document with these bytes is kept."""
        row = self._db.execute("SELECT 1 FROM document WHERE sha256 = ? AND kept IS NOT NULL", (sha256,)).fetchone()
        return row is not None
