"""Per-document results kept in the output folder, so a rerun extracts only what changed.

The output folder holds ``.ocmfa/manifest.json`` and ``.ocmfa/results/<sha256>.jsonl``: one
result per document content, as JSON Lines: a :class:`ResultHeader` (the document and its
number of parts), then two lines a part of the text: :class:`PartPeople` (the people first
named in it and the merged roles whose evidence lies in it) and :class:`PartFacts` (its
text and its mentions, dates and statements, with offsets into the whole text). A long
document is thus written and read back part by part, never whole. The code's fingerprint
(below) changes with this format, so results of an earlier one are never read: they are
deleted when the next run commits. A result depends only on the document's
bytes, the patterns and the pipeline's code, so the manifest records the patterns'
digest and a fingerprint of the package's code; when either changes, every document is
extracted again. Result files are written before the outputs and the manifest last, so a
run that is killed leaves the previous outputs whole and the next run reuses whatever
results it had already finished.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from .extract import DocumentResult
from .facts import DateFact, LocalPerson, Mention, RoleFact, StatementFact
from .io import atomic_files
from .joining import PartJoin
from .models import DocumentRecord
from .state import CACHE_DIR, MANIFEST


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


#: How a result file is named after its document's sha256 (JSON Lines, a header and parts).
RESULT_SUFFIX = ".jsonl"


class ResultHeader(BaseModel):
    """The first line of a stored result: what holds for the whole document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document: DocumentRecord
    parts: int  # how many parts follow (two lines each): a shorter file is not a result
    chars: int  # the length of the whole text


class PartPeople(BaseModel):
    """The first line of a stored part: what is known of it only once the whole document is read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    people: list[LocalPerson]  # first named in this part, by their most complete name in the document
    roles: list[RoleFact]  # merged across the parts (a tenure's dates may come from several), evidence here


class PartFacts(BaseModel):
    """The second line of a stored part: its text and its facts, offsets into the whole text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    text: str
    mentions: list[Mention]
    dates: list[DateFact]
    statements: list[StatementFact]


class PartMentions(BaseModel):
    """The second line of a stored part, read for its text and mentions only (the people pass)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    start: int
    text: str
    mentions: list[Mention]


class PeoplePart(NamedTuple):
    """What the people pass reads of a stored part."""

    people: list[LocalPerson]
    start: int
    text: str
    mentions: list[Mention]


class StoredPart(NamedTuple):
    """One part of a stored result, both its lines."""

    people: list[LocalPerson]
    roles: list[RoleFact]
    start: int
    text: str
    mentions: list[Mention]
    dates: list[DateFact]
    statements: list[StatementFact]


class BrokenResultError(ValueError):
    """A stored result that is incomplete or does not fit its header."""


@dataclass(frozen=True)
class StoredResult:
    """A document's stored result: its header in memory, its parts read from the file on demand."""

    header: ResultHeader
    path: Path

    @property
    def document(self) -> DocumentRecord:
        """The document's record."""
        return self.header.document

    def with_document(self, document: DocumentRecord) -> StoredResult:
        """The same result shown under another record (the current paths of the same bytes)."""
        if document == self.header.document:
            return self
        return replace(self, header=self.header.model_copy(update={"document": document}))

    def parts(self) -> Iterator[StoredPart]:
        """The parts in order, one at a time.

        Raises:
            BrokenResultError: when the file has fewer parts than its header says, or they
                do not cover the text.
        """
        with self.path.open(encoding="utf-8", newline="\n") as lines:
            lines.readline()  # the header
            for known, part in _checked_parts(self.header, lines, PartFacts):
                yield StoredPart(
                    known.people, known.roles, part.start, part.text, part.mentions, part.dates, part.statements
                )

    def people_parts(self) -> Iterator[PeoplePart]:
        """The parts' people, texts and mentions, in order: :meth:`parts` without the other facts.

        Raises:
            BrokenResultError: as :meth:`parts`.
        """
        with self.path.open(encoding="utf-8", newline="\n") as lines:
            lines.readline()  # the header
            for known, part in _checked_parts(self.header, lines, PartMentions):
                yield PeoplePart(known.people, part.start, part.text, part.mentions)

    def text(self) -> str:
        """The whole text (for the report; a run never needs it whole)."""
        return "".join(part.text for part in self.parts())


_Facts = TypeVar("_Facts", PartFacts, PartMentions)


def _checked_parts(
    header: ResultHeader, lines: Iterable[str], facts: type[_Facts]
) -> Iterator[tuple[PartPeople, _Facts]]:
    expected = 0
    count = 0
    stream = iter(lines)
    for line in stream:
        second = next(stream, "")
        if not line.endswith("\n") or not second.endswith("\n"):
            raise BrokenResultError("a result's last part is cut short")
        try:
            known = PartPeople.model_validate_json(line)
            part = facts.model_validate_json(second)
        except ValidationError as error:
            raise BrokenResultError(f"a result's part is malformed: {error.errors()[0]['msg']}") from error
        if part.start != expected:
            raise BrokenResultError(f"a result's part starts at {part.start}, not {expected}")
        expected += len(part.text)
        count += 1
        yield known, part
    if count != header.parts or expected != header.chars:
        raise BrokenResultError(
            f"a result has {count} parts of {expected} characters, not {header.parts} of {header.chars}"
        )


def read_stored(path: Path) -> StoredResult:
    """The header of the result stored at ``path``; its parts are read by :meth:`StoredResult.parts`.

    Raises:
        BrokenResultError: when the header is missing or malformed.
        OSError: when the file cannot be read.
    """
    with path.open(encoding="utf-8", newline="\n") as lines:
        first = lines.readline()
    try:
        return StoredResult(ResultHeader.model_validate_json(first), path)
    except ValidationError as error:
        raise BrokenResultError(f"a result's header is malformed: {error.errors()[0]['msg']}") from error


#: Characters of a document's stored parts held in memory before they go to a temporary file.
_SPILL_IN_MEMORY = 1 << 20


def store_parts(results_dir: Path, parts: Iterable[tuple[int, DocumentResult]]) -> DocumentRecord:
    """Write a document's result part by part as :func:`~.extract.iter_parts` makes them; any process may call it.

    Each part's facts are written as soon as it is done, so only one part's facts are in
    memory. What needs the whole document (each person's most complete name, roles merged
    across parts: :class:`~.joining.PartJoin`, as for a result joined in memory) is
    gathered as the parts go and written before each part's facts, so the parts wait in a
    temporary file until the last one. Returns the document's record.
    """
    results_dir.mkdir(parents=True, exist_ok=True)
    with (
        closing(PartJoin()) as join,
        # In memory up to a size, on disk past it: most documents are one short part.
        tempfile.SpooledTemporaryFile(
            _SPILL_IN_MEMORY, "w+", encoding="utf-8", newline="\n", dir=str(results_dir)
        ) as spill,
    ):
        for offset, part in parts:
            facts = join.add(offset, part)
            stored = PartFacts(
                start=offset, text=part.text, mentions=facts.mentions, dates=facts.dates, statements=facts.statements
            )
            spill.write(stored.model_dump_json() + "\n")
        document = join.finish()
        header = ResultHeader(document=document, parts=len(join.starts), chars=join.chars)
        spill.seek(0)
        name = f"{document.sha256}{RESULT_SUFFIX}"
        # Not fsynced: a result lost to a crash of the machine fails validation in get() and
        # is extracted again, and one fsync a document would cost a tenth of the run.
        with atomic_files(results_dir, [name], durable=False) as streams:
            stream = streams[name]
            stream.write(header.model_dump_json() + "\n")
            for number, people in enumerate(join.people_by_part()):
                stream.write(PartPeople(people=people, roles=join.roles.of_part(number)).model_dump_json() + "\n")
                stream.write(spill.readline())
    return document


class ResultCache:
    """The per-document results of one output folder, and the manifest of its current state."""

    def __init__(
        self, out: Path, pipeline: str, patterns: str, full: bool = False, manifest: Path | None = None
    ) -> None:
        """Open the cache of ``out``; ``full`` (or other code or patterns) starts it afresh.

        ``manifest`` is the current state's manifest (:meth:`.state.OutputFolder.previous_manifest`).
        """
        self.results_dir = out / CACHE_DIR / "results"
        self.pipeline = pipeline
        self.patterns = patterns
        previous = None if full or manifest is None else self._read_manifest(manifest)
        self.valid = previous is not None and previous.pipeline == pipeline and previous.patterns == patterns
        self.previous: dict[str, ManifestEntry] = previous.documents if previous is not None else {}

    @staticmethod
    def _read_manifest(path: Path) -> Manifest | None:
        try:
            return Manifest.model_validate_json(path.read_bytes())
        except (ValidationError, OSError):
            return None  # an unreadable manifest only costs a full extraction

    def get(self, sha256: str) -> StoredResult | None:
        """The stored result of a document content, if this code and these patterns made it and it is whole.

        Every part is read and checked (one at a time), so that a result cut short by a
        crash is extracted again rather than trusted.
        """
        path = self.results_dir / f"{sha256}{RESULT_SUFFIX}"
        if not self.valid or not path.is_file():
            return None
        try:
            stored = read_stored(path)
            for _ in stored.parts():
                pass
        except (BrokenResultError, OSError, UnicodeDecodeError):
            return None
        return stored

    def load(self, sha256: str) -> StoredResult:
        """A result stored by this run (or kept from a valid earlier one)."""
        return read_stored(self.results_dir / f"{sha256}{RESULT_SUFFIX}")

    def write_manifest(self, folder: Path, documents: Iterable[DocumentRecord]) -> None:
        """Write the manifest of a new state into its folder: what it was made from.

        ``documents`` are the run's documents, streamed into the manifest one at a time.
        """
        with atomic_files(folder, [MANIFEST]) as streams:
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

    def drop_unused(self, is_kept: Callable[[str], bool]) -> None:
        """Delete the results no document of the current state uses (after the switch)."""
        if self.results_dir.is_dir():
            for stored in self.results_dir.iterdir():
                if stored.suffix == RESULT_SUFFIX and is_kept(stored.name.removesuffix(RESULT_SUFFIX)):
                    continue
                if stored.suffix in (RESULT_SUFFIX, ".json"):  # ".json": results of an earlier format
                    stored.unlink(missing_ok=True)


def _json(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
