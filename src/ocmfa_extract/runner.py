"""Run the pipeline over source folders and write the output files (no CLI here)."""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path

from spacy.language import Language

from .cache import ResultCache, StoredResult, pipeline_fingerprint, store_parts
from .catalog import DocumentCatalog
from .components.rules import cached_patterns, patterns_dir_or_default
from .corpus import CorpusRecords
from .extract import PART_CHARS, DocumentResult, extract_document, iter_part_results, stream_parts
from .io import DEFAULT_MAX_BYTES, InputError, LoadedDocument
from .models import RECORD_KINDS, DocumentRecord, ErrorRecord
from .pipeline import base_model_identity, build_pipeline, load_base_model
from .pool import map_in_windows, start_method
from .rulebook import check_all_rules
from .state import (
    DiskFullError,
    OutputFolder,
    OutputLocationError,
    check_output_folder,
    is_disk_full,
    locked_output,
)
from .writer import RecordCounts, build_records, write_outputs


@dataclass
class RunSummary(RecordCounts):
    """What a run read and wrote: the records of each kind (:class:`RecordCounts`), and more."""

    documents: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    extracted: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # files not read, by suffix

    guessed_encodings: int = 0  # documents whose encoding was guessed with low confidence
    kept_previous: bool = False  # no document was read, so the folder's earlier outputs were left as they were

    @property
    def failed(self) -> int:
        """How many inputs could not be used (the lines of ``errors.jsonl``)."""
        return len(self.errors)

    def count_of(self, kind: str) -> int:
        """How many records of a kind (``models.RECORD_KINDS``) the run wrote."""
        return self.failed if kind == "errors" else int(getattr(self, kind))

    def as_json(self, out: Path, rules: str, digest: str) -> dict[str, object]:
        """The summary as plain data, for ``run --json``."""
        counts = {
            kind.name: self.count_of(kind.name) for kind in RECORD_KINDS if kind.name not in ("documents", "errors")
        }
        return {
            "out": str(out),
            "documents": self.documents,
            **counts,
            "errors": [error.model_dump() for error in self.errors],
            "sources": {
                "new": self.new,
                "changed": self.changed,
                "unchanged": self.unchanged,
                "removed": self.removed,
                "extracted": self.extracted,
                "not_read_by_suffix": self.skipped,
                "guessed_encodings": self.guessed_encodings,
            },
            "rules": {"patterns": rules, "digest": digest, "fired": dict(sorted(self.rules.items()))},
        }

    @property
    def nothing_processed(self) -> bool:
        """True when not one document could be processed."""
        return self.documents == 0


#: Below this, a document's encoding counts as guessed: the summary says how many, to check.
LOW_ENCODING_CONFIDENCE = 0.5

#: Words the vocabulary may hold for good; past this, each document runs in a memory zone.
_WARM_VOCABULARY = 20_000

#: Seconds one document may take before it becomes a ``timeout`` error (about 1,000 times a normal 10 KB page).
DEFAULT_DOC_TIMEOUT = 600.0


@dataclass(frozen=True)
class ExtractionSettings:
    """What every extracting process needs to know: the same in the main process and in workers."""

    patterns_dir: Path
    base_model: str | None = None
    store_in: Path | None = None  # a result cache's folder: results are written there as they are made
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT


class DocumentTimeout(Exception):
    """A document took longer than the per-document time budget."""


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in this block once ``seconds`` of wall-clock time have passed.

    A real-time interval timer (SIGALRM), so it works only in a process's main thread; in
    any other thread, or with no budget, the block runs unbounded.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_one(
    nlp: Language, loaded: LoadedDocument, store_in: Path | None = None, doc_timeout: float | None = None
) -> DocumentResult | DocumentRecord | ErrorRecord:
    """Extract one document; a document that fails becomes an error record.

    With ``store_in`` (a result cache's folder), the result is written there part by part
    as it is made (a long document's facts are never all in memory) and only the
    document's record is returned; else the whole result is.

    The rules are meant never to fail, but one document that trips a bug must not sink
    the run: its error is recorded (kind ``extraction_error``) and the others go on. A
    document that takes over ``doc_timeout`` seconds is stopped (kind ``timeout``). A
    full disk is not a document's fault: it stops the run (:class:`.state.DiskFullError`).
    """
    path = loaded.record.path
    try:
        with time_budget(doc_timeout):
            return _extract(nlp, loaded, store_in)
    except InputError as error:  # the file changed or went away since it was first read
        return ErrorRecord(path=path, error=error.kind, message=error.message)
    except DocumentTimeout:
        message = (
            f"extraction took over {doc_timeout:g} s and was stopped; raise --doc-timeout to let it finish,"
            " and please report the file: no document should take that long"
        )
        return ErrorRecord(path=path, error="timeout", message=message)
    except Exception as error:  # noqa: BLE001 - the per-document boundary
        if is_disk_full(error):
            raise
        message = f"extraction failed ({type(error).__name__}: {error}); please report it with the file"
        return ErrorRecord(path=path, error="extraction_error", message=message)


def _extract(nlp: Language, loaded: LoadedDocument, store_in: Path | None) -> DocumentResult | DocumentRecord:
    # After the warm-up, the words a document adds to the vocabulary (and to the
    # tokenizer's cache) are freed when it is done, so memory does not grow with the
    # corpus; the warm-up's words, most of those of later documents, stay.
    if store_in is not None:
        # Read, extracted and stored part by part: a long document's text and facts are
        # never whole in memory, and its words are freed part by part (zones).
        parts = stream_parts(loaded.iter_text(), PART_CHARS)
        results = iter_part_results(nlp, parts, loaded.record, warm_vocabulary=_WARM_VOCABULARY)
        return store_parts(store_in, results)
    text = loaded.read_text()
    with nlp.memory_zone() if len(nlp.vocab) >= _WARM_VOCABULARY else nullcontext():
        return extract_document(nlp, text, loaded.record)


_worker_nlp: Language | None = None
_worker_settings: ExtractionSettings | None = None


def _start_worker(settings: ExtractionSettings) -> None:
    global _worker_nlp, _worker_settings  # one pipeline per worker process, built once
    _worker_nlp = build_pipeline(str(settings.patterns_dir), settings.base_model)
    _worker_settings = settings


def _extract_in_worker(loaded: LoadedDocument) -> DocumentResult | DocumentRecord | ErrorRecord:
    if _worker_nlp is None or _worker_settings is None:
        raise RuntimeError("extraction worker used before _start_worker built its pipeline")
    return extract_one(_worker_nlp, loaded, _worker_settings.store_in, _worker_settings.doc_timeout)


#: Documents handed to the worker pool at a time: the pool reads its input eagerly, so it
#: gets a window, not the whole corpus.
_POOL_WINDOW = 1024


@contextmanager
def extraction_workers(workers: int, settings: ExtractionSettings) -> Iterator[Pool | None]:
    """Start ``workers`` extraction processes for :func:`iter_extractions` (None when ``workers`` is 1).

    Each builds its pipeline as soon as it starts, so a caller that starts them first and
    then reads its sources does not wait for them; they are stopped on leaving.
    """
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context(start_method())
    with context.Pool(workers, initializer=_start_worker, initargs=(settings,)) as pool:
        yield pool


def iter_extractions(
    documents: Iterable[LoadedDocument], settings: ExtractionSettings, workers: int = 1, pool: Pool | None = None
) -> Iterator[DocumentResult | DocumentRecord | ErrorRecord]:
    """Extract documents in ``workers`` processes, yielding each outcome in input order.

    Extraction is a pure function of a document's text, the patterns (and the base model,
    if any), so the documents can be shared out among processes and the results are the
    same. With ``settings.store_in`` (a result cache's folder), the process that made a
    result writes it there and only its document record comes back: the main process
    does not serialise every result, which lets two workers keep two cores busy.
    ``documents`` is read lazily, so it may be a stream. ``pool``, from
    :func:`extraction_workers` with the same settings, is used instead of starting
    processes here.
    """
    if pool is None and workers > 1:
        with extraction_workers(workers, settings) as own_pool:
            yield from iter_extractions(documents, settings, workers, own_pool)
        return
    if pool is not None:
        yield from map_in_windows(pool, _extract_in_worker, documents, _POOL_WINDOW, chunksize=4)
        return
    nlp = None  # built for the first document: a rerun with nothing new builds none
    for loaded in documents:
        if nlp is None:
            nlp = build_pipeline(str(settings.patterns_dir), settings.base_model)
        yield extract_one(nlp, loaded, settings.store_in, settings.doc_timeout)


def extract_documents(
    documents: Sequence[LoadedDocument], patterns_dir: str | Path | None = None, workers: int = 1
) -> tuple[list[DocumentResult], list[ErrorRecord]]:
    """Extract documents into a list of results and a list of errors."""
    results: list[DocumentResult] = []
    errors: list[ErrorRecord] = []
    settings = ExtractionSettings(patterns_dir_or_default(patterns_dir))
    for outcome in iter_extractions(documents, settings, workers):
        if isinstance(outcome, ErrorRecord):
            errors.append(outcome)
        elif isinstance(outcome, DocumentResult):
            results.append(outcome)
    return results, errors


def extract_texts(texts: dict[str, str], patterns_dir: str | Path | None = None) -> CorpusRecords:
    """Extract records from in-memory texts keyed by document id (the Python API)."""
    documents = [
        LoadedDocument(
            DocumentRecord(
                doc_id=doc_id,
                path=doc_id,
                sha256=_sha256(text),
                title=None,
                published=None,
                encoding="utf-8",
                text_path=None,
                also_at=[],
            ),
            text,
        )
        for doc_id, text in sorted(texts.items())
    ]
    results, _ = extract_documents(documents, patterns_dir)
    return build_records(results)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_sources(
    sources: Sequence[Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[LoadedDocument], list[ErrorRecord]]:
    """Read every input under ``sources``; unreadable ones become error records.

    Files with identical bytes are one document, named by the first path; the others
    are listed in its ``also_at``. A plain file's text is not kept (it is read again
    when extracted); :func:`run` keeps even less, in a :class:`DocumentCatalog`.
    """
    with DocumentCatalog() as catalog:
        errors = catalog.read_sources(sources, max_bytes)
        return list(catalog.loaded()), errors


def check_output_location(sources: Sequence[Path], out: Path) -> None:
    """Refuse an output folder inside a source folder (its files would become inputs), or one unfit to write."""
    target = out.resolve()
    for source in sources:
        folder = source.resolve()
        if folder.is_dir() and (target == folder or folder in target.parents):
            raise OutputLocationError(
                f"the output folder {out} is inside the source folder {source}: choose another --out"
            )
    check_output_folder(out)


def run(
    sources: Sequence[Path],
    out: Path,
    patterns_dir: str | Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    *,
    full: bool = False,
    keep_missing: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    base_model: str | None = None,
    follow_links: bool = False,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
) -> RunSummary:
    """Extract every document under ``sources`` and make the result the output folder's state.

    Documents whose bytes, the patterns and the code are unchanged since the last run into
    ``out`` are not extracted again (``full`` forces it); documents that disappeared from
    the sources take their records with them unless ``keep_missing``. ``base_model``
    names an installed spaCy pipeline whose entity recogniser proposes people too. A
    document whose extraction takes over ``doc_timeout`` seconds becomes an error
    (kind ``timeout``).

    The new state is written beside the old one and replaces it in one step
    (:mod:`.state`); when the sources yield no document, the old state is kept.

    Raises:
        OutputLocationError: ``out`` cannot be used, or another run holds it.
        DiskFullError: the disk filled up; the old state is kept, nothing half-written is left.
    """
    check_output_location(sources, out)
    directory = patterns_dir_or_default(patterns_dir)
    patterns = cached_patterns(Path(directory))  # a bad pattern stops the run before any document is read
    check_all_rules(patterns)
    if base_model:
        load_base_model(base_model)  # a missing model stops the run before any document is read
    fingerprint = pipeline_fingerprint() + base_model_identity(base_model)
    with _disk_full_reported(out), locked_output(out) as folder:
        cache = ResultCache(out, fingerprint, patterns.digest, full=full, manifest=folder.previous_manifest())
        settings = ExtractionSettings(directory, base_model, cache.results_dir, doc_timeout)
        return _run_in(
            folder, sources, cache, settings, workers, max_bytes, follow_links, keep_missing, on_progress, on_total
        )


@contextmanager
def _disk_full_reported(out: Path) -> Iterator[None]:
    """Turn any sign of a full disk into one :class:`.state.DiskFullError` that says what to do."""
    try:
        yield
    except (OSError, sqlite3.OperationalError) as error:
        if is_disk_full(error):
            message = (
                f"the disk holding {out} (or the temporary folder) is full: free some space and run again;"
                " the previous outputs are unchanged, and the documents already extracted are kept"
            )
            raise DiskFullError(errno.ENOSPC, message) from error
        raise


def _sort_out_sources(catalog: DocumentCatalog, cache: ResultCache, summary: RunSummary) -> None:
    """Count each document read as new, changed or unchanged; keep those with a stored result, mark the others."""
    for loaded in catalog.loaded():
        record = loaded.record
        summary.guessed_encodings += record.encoding_confidence < LOW_ENCODING_CONFIDENCE
        previous = cache.previous.get(record.doc_id)
        if previous is None:
            summary.new += 1
        elif previous.sha256 != record.sha256:
            summary.changed += 1
        else:
            summary.unchanged += 1
        cached = cache.get(record.sha256)
        if cached is not None:
            # Found by content: it keeps what extraction read (title, date) and takes the current names.
            catalog.keep(
                record.model_copy(update={"title": cached.document.title, "published": cached.document.published})
            )
        else:
            catalog.mark_pending(record.sha256)


def _sort_out_missing(catalog: DocumentCatalog, cache: ResultCache, keep_missing: bool) -> int:
    """Keep the last run's documents gone from the sources (with ``keep_missing``); return how many went."""
    removed = 0
    for doc_id, entry in sorted(cache.previous.items()):
        if catalog.is_loaded_id(doc_id):
            continue
        missing = cache.get(entry.sha256) if keep_missing else None
        if missing is not None:
            catalog.keep(missing.document)
        else:
            removed += 1
    return removed


def _run_in(
    folder: OutputFolder,
    sources: Sequence[Path],
    cache: ResultCache,
    settings: ExtractionSettings,
    workers: int,
    max_bytes: int,
    follow_links: bool,
    keep_missing: bool,
    on_progress: Callable[[int], None] | None,
    on_total: Callable[[int], None] | None,
) -> RunSummary:
    """The body of :func:`run`, with the output folder held."""
    # The documents are kept on disk, not as objects: a document costs a row, not kilobytes.
    # Worker processes start first and build their pipelines while the sources are read.
    with extraction_workers(workers, settings) as pool, DocumentCatalog() as catalog:
        errors = catalog.read_sources(sources, max_bytes, follow_links=follow_links)
        summary = RunSummary(skipped=dict(sorted(catalog.walk.skipped_suffixes.items())))
        _sort_out_sources(catalog, cache, summary)
        summary.errors = errors
        if catalog.loaded_count() == 0 and folder.has_state():
            summary.kept_previous = True  # nothing read: the previous outputs stay as they are
            return summary
        summary.removed = _sort_out_missing(catalog, cache, keep_missing)
        if on_total is not None:
            on_total(catalog.pending_count())
        # Each new result goes to the cache at once: memory holds one document's result at a time.
        for outcome in iter_extractions(catalog.loaded(pending=True), settings, workers, pool):
            if isinstance(outcome, ErrorRecord):
                errors.append(outcome)
            elif isinstance(outcome, DocumentRecord):
                catalog.keep(outcome)
                summary.extracted += 1
            if on_progress is not None:
                on_progress(1)

        def results() -> Iterator[StoredResult]:
            for record in catalog.kept():
                yield cache.load(record.sha256).with_document(record)

        generation = folder.new_generation()
        counts = write_outputs(generation, results, errors, pool, folder.scratch)
        cache.write_manifest(generation, catalog.kept())
        folder.switch_to(generation)
        cache.drop_unused(catalog.is_kept)
        summary.documents = catalog.kept_count()
        summary.add(counts)
        return summary
