"""Writing a run's output files from the stored per-document results.

Two passes over the results, in document order, one document at a time and each document
one part at a time: the first gathers the people (:class:`PeopleIndex`), the second
writes each document's records. With a pool of worker processes, both are shared out a
batch of documents at a time: in the first, the workers read and check the people and
mentions and the main process puts them into the index; in the second, each worker
writes a batch's records to scratch files (and one worker the people's), and the main
process joins the files in order.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, fields
from itertools import islice
from multiprocessing.pool import Pool
from pathlib import Path
from typing import NamedTuple, TextIO

from pydantic import BaseModel

from .cache import RESULT_SUFFIX, StoredResult, read_stored, store_parts
from .corpus import (
    CorpusRecords,
    MentionRow,
    PeopleIndex,
    PeopleIndexReader,
    PeopleLookup,
    PersonRow,
    TextWindow,
    date_records,
    mention_rows,
    people_keys,
    person_rows,
    role_order,
    role_records,
    statement_order,
    statement_records,
)
from .extract import DocumentResult
from .io import atomic_files, jsonl
from .models import (
    KIND,
    RECORD_KINDS,
    DateRecord,
    DocumentRecord,
    ErrorRecord,
    PersonRecord,
    RoleRecord,
    StatementRecord,
)
from .outputs import read_records
from .pool import map_in_windows
from .state import OUTPUT_FILES

#: The files of the second pass, made a document at a time.
_RECORD_FILES: tuple[str, ...] = tuple(kind.file for kind in RECORD_KINDS if kind.per_document)

#: Documents a worker writes the records of at a time, and batches handed to the pool at a time.
_BATCH_DOCUMENTS = 32
_BATCH_WINDOW = 16


@dataclass
class RecordCounts:
    """How many records of each kind were written."""

    people: int = 0
    roles: int = 0
    dates: int = 0
    statements: int = 0
    rules: Counter[str] = field(default_factory=Counter)  # records by the rule that made them

    def add(self, other: RecordCounts) -> None:
        """Count ``other``'s records too."""
        for kind in fields(RecordCounts):  # a subclass (the run summary) counts more
            setattr(self, kind.name, getattr(self, kind.name) + getattr(other, kind.name))


def write_outputs(
    out: Path,
    results: Callable[[], Iterable[StoredResult]],
    errors: list[ErrorRecord],
    pool: Pool | None = None,
    scratch: Path | None = None,
) -> RecordCounts:
    """Write the six output files of the contract, and HTML pages' texts, into the folder ``out``.

    ``results`` is called once per pass and gives the documents' results in output order.
    With ``pool`` (worker processes), the work of both passes is shared out among them.
    Temporary files go to ``scratch`` (default: the system's temporary folder).
    Returns how many records of each kind were written.
    """
    with PeopleIndex(scratch) as index:
        if pool is None:
            for result in results():
                index_people(index, result)
        else:
            _index_people_in_pool(pool, results(), index)
        index_path = index.finish()
        with atomic_files(out, OUTPUT_FILES) as streams:
            if pool is None:
                counts = RecordCounts(people=write_people(index, streams[KIND["people"].file]))
                for result in results():
                    streams[KIND["documents"].file].write(jsonl([result.document]))
                    counts.add(write_document_records(result, index, out, streams))
            else:
                counts = _write_in_pool(pool, results(), index_path, out, streams)
            ordered: list[ErrorRecord] = sorted(errors, key=_error_path)
            streams[KIND["errors"].file].write(jsonl(ordered))
    return counts


def build_records(results: Iterable[DocumentResult]) -> CorpusRecords:
    """The corpus records of per-document results held in memory (the Python API), made as a run makes them.

    The results are stored and written exactly as a run's are, in a temporary folder, and
    read back: there is one path from a document to its records.
    """
    ordered = sorted(results, key=lambda result: result.document.doc_id)
    with tempfile.TemporaryDirectory(prefix="ocmfa-records-") as folder:
        work = Path(folder)
        for result in ordered:
            store_parts(work / "results", [(0, result)])
        stored = [read_stored(work / "results" / f"{r.document.sha256}{RESULT_SUFFIX}") for r in ordered]
        stored = [result.with_document(r.document) for result, r in zip(stored, ordered, strict=True)]
        write_outputs(work / "out", lambda: stored, [], None, work)
        out = work / "out"
        return CorpusRecords(
            documents=list(read_records(out / KIND["documents"].file, DocumentRecord)),
            people=list(read_records(out / KIND["people"].file, PersonRecord)),
            roles=list(read_records(out / KIND["roles"].file, RoleRecord)),
            dates=list(read_records(out / KIND["dates"].file, DateRecord)),
            statements=list(read_records(out / KIND["statements"].file, StatementRecord)),
        )


def _error_path(error: ErrorRecord) -> str:
    return error.path


def index_people(index: PeopleIndex, result: StoredResult) -> None:
    """Put one document's people and mentions into the index (the first pass), part by part."""
    for people, mentions in _part_rows(result):
        index.insert(people, mentions)


def people_rows(result: StoredResult) -> tuple[list[PersonRow], list[MentionRow]]:
    """The rows :func:`index_people` puts into the index, all at once (for a short document)."""
    people: list[PersonRow] = []
    mentions: list[MentionRow] = []
    for part_people, part_mentions in _part_rows(result):
        people += part_people
        mentions += part_mentions
    return people, mentions


def _part_rows(result: StoredResult) -> Iterator[tuple[list[PersonRow], list[MentionRow]]]:
    keys: dict[str, str] = {}
    for part in result.people_parts():
        keys.update(people_keys(part.people))  # a part's people are first named in it or before
        window = TextWindow(part.text, part.start)
        yield person_rows(keys, part.people), mention_rows(result.document.doc_id, window, keys, part.mentions)


def _index_people_in_pool(pool: Pool, results: Iterable[StoredResult], index: PeopleIndex) -> None:
    for batch in map_in_windows(pool, _people_rows_in_worker, _batches(results), _BATCH_WINDOW):
        for rows in batch:
            if isinstance(rows, StoredResult):  # a long document, read here part by part
                index_people(index, rows)
            else:
                index.insert(*rows)


def _batches(results: Iterable[StoredResult]) -> Iterator[list[StoredResult]]:
    stream = iter(results)
    while batch := list(islice(stream, _BATCH_DOCUMENTS)):
        yield batch


def write_document_records(
    result: StoredResult, people: PeopleLookup, out: Path, streams: Mapping[str, TextIO]
) -> RecordCounts:
    """Write one document's roles, dates and statements, and an HTML page's extracted text to ``out``."""
    document = result.document
    counts = RecordCounts()
    keys: dict[str, str] = {}
    with ExitStack() as stack:
        text_stream = None
        if document.text_path:  # the text an HTML page's offsets refer to, at the path it names
            text_file = out / document.text_path
            text_stream = stack.enter_context(atomic_files(text_file.parent, [text_file.name]))[text_file.name]
        # Part by part, record by record: a long document has many, and none is kept after
        # it is written. A part's records lie in it, so the order is that of the whole document.
        for part in result.parts():
            keys.update(people_keys(part.people))
            window = TextWindow(part.text, part.start)
            roles = role_records(document, window, keys, sorted(part.roles, key=role_order), people)
            counts.roles += _write_each(roles, streams[KIND["roles"].file], counts.rules)
            dates = date_records(document, window, part.dates)
            counts.dates += _write_each(dates, streams[KIND["dates"].file], counts.rules)
            statements = statement_records(document, window, keys, sorted(part.statements, key=statement_order), people)
            counts.statements += _write_each(statements, streams[KIND["statements"].file], counts.rules)
            if text_stream is not None:
                text_stream.write(part.text)
    return counts


def write_people(people: PeopleLookup, stream: TextIO) -> int:
    """Write one record per person, one at a time; returns how many."""
    return _write_each(people.people(), stream)


def _write_each(records: Iterable[BaseModel], stream: TextIO, rules: Counter[str] | None = None) -> int:
    """Write ``records`` one line each, as they come (none is kept); returns how many.

    With ``rules``, each record's ``rule_id`` is counted there.
    """
    count = 0
    for record in records:
        stream.write(jsonl([record]))
        count += 1
        if rules is not None:
            rules[getattr(record, "rule_id", "")] += 1
    return count


class _Batch(NamedTuple):
    """Documents whose records one worker writes to scratch files."""

    number: int
    results: list[StoredResult]
    people_index: Path
    out: Path
    scratch: Path


def _write_in_pool(
    pool: Pool, results: Iterable[StoredResult], index: Path, out: Path, streams: Mapping[str, TextIO]
) -> RecordCounts:
    counts = RecordCounts()
    # Beside the outputs, on their disk; a worker still busy when another fails must not
    # turn the cleanup into a second error.
    with tempfile.TemporaryDirectory(prefix=".records.", dir=out, ignore_cleanup_errors=True) as folder:
        scratch = Path(folder)
        people = pool.apply_async(_write_people_in_worker, (index, scratch))  # one worker's, beside the batches

        def batches() -> Iterator[_Batch]:
            # Read in this thread as the pool takes batches (map_in_windows): the documents'
            # own records go out here, in the same order.
            for number, batch in enumerate(_batches(results)):
                for result in batch:
                    streams[KIND["documents"].file].write(jsonl([result.document]))
                yield _Batch(number, batch, index, out, scratch)

        for files, batch_counts in map_in_windows(pool, _write_batch_in_worker, batches(), _BATCH_WINDOW):
            for name, path in files.items():
                _append(path, streams[name])
            counts.add(batch_counts)
        people_file, counts.people = people.get()
        _append(people_file, streams[KIND["people"].file])
    return counts


def _append(path: Path, stream: TextIO) -> None:
    with path.open(encoding="utf-8", newline="\n") as scratch:
        shutil.copyfileobj(scratch, stream)
    path.unlink()


_worker_index: tuple[Path, PeopleIndexReader] | None = None


def _index_in_worker(path: Path) -> PeopleIndexReader:
    global _worker_index  # one connection per worker process and index
    if _worker_index is None or _worker_index[0] != path:
        if _worker_index is not None:
            _worker_index[1].close()
        _worker_index = (path, PeopleIndexReader(path))
    return _worker_index[1]


def _write_batch_in_worker(batch: _Batch) -> tuple[dict[str, Path], RecordCounts]:
    people = _index_in_worker(batch.people_index)
    files = {name: batch.scratch / f"{batch.number:08d}.{name}" for name in _RECORD_FILES}
    counts = RecordCounts()
    with ExitStack() as stack:
        streams = {
            name: stack.enter_context(path.open("w", encoding="utf-8", newline="\n")) for name, path in files.items()
        }
        for result in batch.results:
            counts.add(write_document_records(result, people, batch.out, streams))
    return files, counts


def _people_rows_in_worker(
    batch: list[StoredResult],
) -> list[tuple[list[PersonRow], list[MentionRow]] | StoredResult]:
    # A long document comes back as it is, for the main process to read part by part:
    # its rows would all be in memory at once.
    return [people_rows(result) if result.header.parts == 1 else result for result in batch]


def _write_people_in_worker(index: Path, scratch: Path) -> tuple[Path, int]:
    path = scratch / KIND["people"].file
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        count = write_people(_index_in_worker(index), stream)
    return path, count
