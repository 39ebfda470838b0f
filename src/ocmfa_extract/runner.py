"""Run the pipeline over source folders and write the output files (no CLI here)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from .corpus import CorpusRecords, build_records
from .extract import DocumentResult, document_result
from .io import InputError, LoadedDocument, error_record, find_sources, jsonl, load_document, write_files_atomically
from .models import DocumentRecord, ErrorRecord
from .pipeline import build_pipeline

OUTPUT_FILES: tuple[str, ...] = (
    "documents.jsonl",
    "people.jsonl",
    "roles.jsonl",
    "dates.jsonl",
    "statements.jsonl",
    "errors.jsonl",
)


@dataclass
class RunSummary:
    """What a run read and wrote."""

    documents: int = 0
    people: int = 0
    roles: int = 0
    dates: int = 0
    statements: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)

    @property
    def nothing_processed(self) -> bool:
        """True when not one document could be processed."""
        return self.documents == 0


def extract_documents(
    nlp: Language,
    documents: Sequence[LoadedDocument],
    on_progress: Callable[[int], None] | None = None,
) -> tuple[list[DocumentResult], list[ErrorRecord]]:
    """Run the pipeline over loaded documents; a document that fails becomes an error.

    The rules are meant never to fail, but one document that trips a bug must not sink
    the run: its error is recorded (kind ``extraction_error``) and the others go on.
    """
    results: list[DocumentResult] = []
    errors: list[ErrorRecord] = []
    for loaded in documents:
        try:
            results.append(document_result(nlp(loaded.text), loaded.record))
        except Exception as error:  # noqa: BLE001 - the per-document boundary
            message = f"extraction failed ({type(error).__name__}: {error}); please report it with the file"
            errors.append(ErrorRecord(path=loaded.record.path, error="extraction_error", message=message))
        if on_progress is not None:
            on_progress(1)
    return results, errors


def extract_texts(texts: dict[str, str], patterns_dir: str | Path | None = None) -> CorpusRecords:
    """Extract records from in-memory texts keyed by document id (the Python API)."""
    nlp = build_pipeline(patterns_dir)
    documents = [
        LoadedDocument(
            DocumentRecord(
                doc_id=doc_id, path=doc_id, sha256=_sha256(text), title=None, published=None, encoding="utf-8"
            ),
            text,
        )
        for doc_id, text in sorted(texts.items())
    ]
    results, _ = extract_documents(nlp, documents)
    return build_records(results)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_sources(sources: Iterable[Path]) -> tuple[list[LoadedDocument], list[ErrorRecord]]:
    """Read every input under ``sources``; unreadable ones become error records."""
    loaded: list[LoadedDocument] = []
    errors: list[ErrorRecord] = []
    for source in find_sources(sources):
        try:
            loaded.append(load_document(source))
        except InputError as error:
            errors.append(error_record(source, error))
    return loaded, errors


def run(
    sources: Sequence[Path],
    out: Path,
    patterns_dir: str | Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> RunSummary:
    """Extract every document under ``sources`` and write the output files into ``out``."""
    nlp = build_pipeline(patterns_dir)
    documents, errors = load_sources(sources)
    if on_total is not None:
        on_total(len(documents))
    results, failures = extract_documents(nlp, documents, on_progress)
    errors += failures
    records = build_records(results)
    write_outputs(out, records, errors)
    return RunSummary(
        documents=len(records.documents),
        people=len(records.people),
        roles=len(records.roles),
        dates=len(records.dates),
        statements=len(records.statements),
        errors=errors,
    )


def write_outputs(out: Path, records: CorpusRecords, errors: list[ErrorRecord]) -> None:
    """Write the six output files of the contract, each replaced whole."""
    files = {
        "documents.jsonl": jsonl(records.documents),
        "people.jsonl": jsonl(records.people),
        "roles.jsonl": jsonl(records.roles),
        "dates.jsonl": jsonl(records.dates),
        "statements.jsonl": jsonl(records.statements),
        "errors.jsonl": jsonl(sorted(errors, key=lambda error: error.path)),
    }
    write_files_atomically(out, files)
