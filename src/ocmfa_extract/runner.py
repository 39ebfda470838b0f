"""Run the pipeline over source folders and write the output files (no CLI here)."""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.pool import Pool
from pathlib import Path

from spacy.language import Language

from .cache import ResultCache, StoredResult, pipeline_fingerprint, store_parts
from .catalog import DocumentCatalog
from .components.rules import cached_patterns, patterns_dir_or_default
from .corpus import CorpusRecords, build_records
from .extract import PART_CHARS, DocumentResult, extract_document, iter_part_results, stream_parts
from .io import DEFAULT_MAX_BYTES, InputError, LoadedDocument
from .models import DocumentRecord, ErrorRecord
from .pipeline import base_model_identity, build_pipeline, load_base_model
from .pool import map_in_windows, start_method
from .writer import RecordCounts, write_outputs


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

    @property
    def nothing_processed(self) -> bool:
        """True when not one document could be processed."""
        return self.documents == 0


#: Words the vocabulary may hold for good; past this, each document runs in a memory zone.
_WARM_VOCABULARY = 20_000


def extract_one(
    nlp: Language, loaded: LoadedDocument, store_in: Path | None = None
) -> DocumentResult | DocumentRecord | ErrorRecord:
    """Extract one document; a document that fails becomes an error record.

    With ``store_in`` (a result cache's folder), the result is written there part by part
    as it is made (a long document's facts are never all in memory) and only the
    document's record is returned; else the whole result is.

    The rules are meant never to fail, but one document that trips a bug must not sink
    the run: its error is recorded (kind ``extraction_error``) and the others go on.
    """
    try:
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
    except InputError as error:  # the file changed or went away since it was first read
        return ErrorRecord(path=loaded.record.path, error=error.kind, message=error.message)
    except Exception as error:  # noqa: BLE001 - the per-document boundary
        message = f"extraction failed ({type(error).__name__}: {error}); please report it with the file"
        return ErrorRecord(path=loaded.record.path, error="extraction_error", message=message)


_worker_nlp: Language | None = None


_worker_store_in: Path | None = None


def _start_worker(patterns_dir: str, base_model: str | None, store_in: Path | None) -> None:
    global _worker_nlp, _worker_store_in  # one pipeline per worker process, built once
    _worker_nlp = build_pipeline(patterns_dir, base_model)
    _worker_store_in = store_in


def _extract_in_worker(loaded: LoadedDocument) -> DocumentResult | DocumentRecord | ErrorRecord:
    if _worker_nlp is None:
        raise RuntimeError("extraction worker used before _start_worker built its pipeline")
    return extract_one(_worker_nlp, loaded, _worker_store_in)


#: Documents handed to the worker pool at a time: the pool reads its input eagerly, so it
#: gets a window, not the whole corpus.
_POOL_WINDOW = 1024


@contextmanager
def extraction_workers(
    workers: int, patterns_dir: str | Path | None = None, base_model: str | None = None, store_in: Path | None = None
) -> Iterator[Pool | None]:
    """Start ``workers`` extraction processes for :func:`iter_extractions` (None when ``workers`` is 1).

    Each builds its pipeline as soon as it starts, so a caller that starts them first and
    then reads its sources does not wait for them; they are stopped on leaving.
    """
    if workers <= 1:
        yield None
        return
    context = multiprocessing.get_context(start_method())
    initargs = (str(patterns_dir_or_default(patterns_dir)), base_model, store_in)
    with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        yield pool


def iter_extractions(
    documents: Iterable[LoadedDocument],
    patterns_dir: str | Path | None = None,
    workers: int = 1,
    base_model: str | None = None,
    store_in: Path | None = None,
    pool: Pool | None = None,
) -> Iterator[DocumentResult | DocumentRecord | ErrorRecord]:
    """Extract documents in ``workers`` processes, yielding each outcome in input order.

    Extraction is a pure function of a document's text, the patterns (and the base model,
    if any), so the documents can be shared out among processes and the results are the
    same. With ``store_in`` (a result cache's folder), the process that made a result
    writes it there and only its document record comes back: the main process does not
    serialise every result, which lets two workers keep two cores busy. ``documents`` is
    read lazily, so it may be a stream. ``pool``, from :func:`extraction_workers` with the
    same settings, is used instead of starting processes here.
    """
    if pool is None and workers > 1:
        with extraction_workers(workers, patterns_dir, base_model, store_in) as own_pool:
            yield from iter_extractions(documents, patterns_dir, workers, base_model, store_in, own_pool)
        return
    if pool is not None:
        yield from map_in_windows(pool, _extract_in_worker, documents, _POOL_WINDOW, chunksize=4)
        return
    nlp = None  # built for the first document: a rerun with nothing new builds none
    for loaded in documents:
        if nlp is None:
            nlp = build_pipeline(str(patterns_dir_or_default(patterns_dir)), base_model)
        yield extract_one(nlp, loaded, store_in)


def extract_documents(
    documents: Sequence[LoadedDocument], patterns_dir: str | Path | None = None, workers: int = 1
) -> tuple[list[DocumentResult], list[ErrorRecord]]:
    """Extract documents into a list of results and a list of errors."""
    results: list[DocumentResult] = []
    errors: list[ErrorRecord] = []
    for outcome in iter_extractions(documents, patterns_dir, workers):
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
    sources: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[LoadedDocument], list[ErrorRecord]]:
    """Read every input under ``sources``; unreadable ones become error records.

    Files with identical bytes are one document, named by the first path; the others
    are listed in its ``also_at``. A plain file's text is not kept (it is read again
    when extracted); :func:`run` keeps even less, in a :class:`DocumentCatalog`.
    """
    with DocumentCatalog() as catalog:
        errors = catalog.read_sources(sources, max_bytes)
        return list(catalog.loaded()), errors


class OutputLocationError(ValueError):
    """An output folder that would be written inside a source folder."""


def check_output_location(sources: Sequence[Path], out: Path) -> None:
    """Refuse an output folder inside a source folder: its files would become inputs."""
    target = out.resolve()
    for source in sources:
        folder = source.resolve()
        if folder.is_dir() and (target == folder or folder in target.parents):
            raise OutputLocationError(
                f"the output folder {out} is inside the source folder {source}: choose another --out"
            )


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
) -> RunSummary:
    """Extract every document under ``sources`` and write the output files into ``out``.

    Documents whose bytes, the patterns and the code are unchanged since the last run into
    ``out`` are not extracted again (``full`` forces it); documents that disappeared from
    the sources take their records with them unless ``keep_missing``. ``base_model``
    names an installed spaCy pipeline whose entity recogniser proposes people too.
    """
    check_output_location(sources, out)
    directory = patterns_dir_or_default(patterns_dir)
    patterns = cached_patterns(Path(directory))  # a bad pattern stops the run before any document is read
    if base_model:
        load_base_model(base_model)  # a missing model stops the run before any document is read
    fingerprint = pipeline_fingerprint() + base_model_identity(base_model)
    cache = ResultCache(out, fingerprint, patterns.digest, full=full)
    # The documents are kept on disk, not as objects: a document costs a row, not kilobytes.
    # Worker processes start first and build their pipelines while the sources are read.
    with (
        extraction_workers(workers, directory, base_model, cache.results_dir) as pool,
        DocumentCatalog() as catalog,
    ):
        errors = catalog.read_sources(sources, max_bytes)
        summary = RunSummary()
        for loaded in catalog.loaded():
            record = loaded.record
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
        for doc_id, entry in sorted(cache.previous.items()):
            if catalog.is_loaded_id(doc_id):
                continue
            missing = cache.get(entry.sha256) if keep_missing else None
            if missing is not None:
                catalog.keep(missing.document)
            else:
                summary.removed += 1
        if on_total is not None:
            on_total(catalog.pending_count())
        # Each new result goes to the cache at once: memory holds one document's result at a time.
        to_extract = catalog.loaded(pending=True)
        extractions = iter_extractions(to_extract, directory, workers, base_model, cache.results_dir, pool)
        for outcome in extractions:
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

        counts = write_outputs(out, results, errors, pool)
        cache.commit(catalog.kept(), catalog.is_kept)
        summary.documents = catalog.kept_count()
        summary.add(counts)
        summary.errors = errors
        return summary
