"""Per-document results kept in the output folder, so a rerun extracts only what changed.

The output folder holds ``.ocmfa/manifest.json`` and ``.ocmfa/results/<sha256>.json``: one
:class:`DocumentResult` per document content. A result depends only on the document's
bytes, the patterns and the pipeline's code, so the manifest records the patterns'
digest and a fingerprint of the package's code; when either changes, every document is
extracted again. Result files are written before the outputs and the manifest last, so a
run that is killed leaves the previous outputs whole and the next run reuses whatever
results it had already finished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .extract import DocumentResult
from .io import atomic_files, write_files_atomically
from .models import DocumentRecord

CACHE_DIR = ".ocmfa"
MANIFEST = "manifest.json"


class ManifestEntry(BaseModel):
    """One document of the last complete run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    sha256: str


class Manifest(BaseModel):
    """What the last complete run was made from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pipeline: str
    patterns: str
    documents: dict[str, ManifestEntry]


def pipeline_fingerprint() -> str:
    """A digest of the package's code and version: results from other code are not reused."""
    digest = hashlib.sha256()
    package = resources.files("ocmfa_extract")
    sources = sorted((entry for entry in _walk(package) if entry.name.endswith(".py")), key=lambda entry: str(entry))
    for source in sources:
        digest.update(str(source).rsplit("ocmfa_extract", 1)[-1].encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _walk(folder: Traversable) -> Iterator[Traversable]:
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        else:
            yield entry


def store_result(results_dir: Path, result: DocumentResult) -> None:
    """Write one result into a cache's results folder; any process of a run may call it."""
    name = f"{result.document.sha256}.json"
    # Not fsynced: a result lost to a crash of the machine fails validation in get() and
    # is extracted again, and one fsync a document would cost a tenth of the run.
    write_files_atomically(results_dir, {name: result.model_dump_json()}, durable=False)


class ResultCache:
    """The per-document results of one output folder."""

    def __init__(self, out: Path, pipeline: str, patterns: str, full: bool = False) -> None:
        """Open the cache of ``out``; ``full`` (or other code or patterns) starts it afresh."""
        self.root = out / CACHE_DIR
        self.results_dir = self.root / "results"
        self.pipeline = pipeline
        self.patterns = patterns
        previous = None if full else self._read_manifest()
        self.valid = previous is not None and previous.pipeline == pipeline and previous.patterns == patterns
        self.previous: dict[str, ManifestEntry] = previous.documents if previous is not None else {}

    def _read_manifest(self) -> Manifest | None:
        path = self.root / MANIFEST
        if not path.is_file():
            return None
        try:
            return Manifest.model_validate_json(path.read_bytes())
        except (ValidationError, OSError):
            return None  # an unreadable manifest only costs a full extraction

    def get(self, sha256: str) -> DocumentResult | None:
        """The stored result of a document content, if this code and these patterns made it."""
        path = self.results_dir / f"{sha256}.json"
        if not self.valid or not path.is_file():
            return None
        try:
            return DocumentResult.model_validate_json(path.read_bytes())
        except (ValidationError, OSError):
            return None

    def load(self, sha256: str) -> DocumentResult:
        """A result stored by this run (or kept from a valid earlier one)."""
        return DocumentResult.model_validate_json((self.results_dir / f"{sha256}.json").read_bytes())

    def commit(self, documents: Iterable[DocumentRecord], is_kept: Callable[[str], bool]) -> None:
        """Record the complete run, then drop the results no document uses any more.

        ``documents`` are the run's documents, streamed into the manifest one at a time;
        ``is_kept`` tells whether a document content is among them.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with atomic_files(self.root, [MANIFEST]) as streams:
            stream = streams[MANIFEST]
            # The layout of Manifest.model_dump_json(indent=1), written entry by entry.
            stream.write(
                f'{{\n "pipeline": {_json(self.pipeline)},\n "patterns": {_json(self.patterns)},\n "documents": {{'
            )
            separator = "\n"
            for document in documents:
                entry = ManifestEntry(path=document.path, sha256=document.sha256)
                body = entry.model_dump_json(indent=1).replace("\n", "\n  ")
                stream.write(f"{separator}  {_json(document.doc_id)}: {body}")
                separator = ",\n"
            stream.write("\n }\n}" if separator == ",\n" else "}\n}")
        if self.results_dir.is_dir():
            for stored in self.results_dir.glob("*.json"):
                if not is_kept(stored.name.removesuffix(".json")):
                    stored.unlink(missing_ok=True)


def _json(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
