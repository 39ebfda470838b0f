"""Reading input documents and writing output files.

Inputs are found by a sorted walk that skips dot-files, so runs are deterministic.
Outputs are written to temporary files beside their targets and renamed into place, so
a reader (or a killed run) never sees a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .models import DocumentRecord, ErrorRecord

INPUT_SUFFIXES: frozenset[str] = frozenset({".txt"})


def _default_file_mode() -> int:
    """The mode a new file gets under the process's umask (0o644 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


class InputError(Exception):
    """An input file that cannot be turned into text, with a machine-readable kind."""

    def __init__(self, kind: str, message: str) -> None:
        """Record the kind of failure and a message for the user."""
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class SourceFile:
    """One input file: where it is and how it is named in the outputs."""

    path: Path
    relative: str  # '/'-separated, relative to the source it was found under

    @property
    def doc_id(self) -> str:
        """The document id: the relative path without its suffix."""
        return self.relative.rsplit(".", 1)[0] if "." in self.relative.rsplit("/", 1)[-1] else self.relative


@dataclass(frozen=True)
class LoadedDocument:
    """A decoded input document."""

    record: DocumentRecord
    text: str


def find_sources(sources: Iterable[Path]) -> Iterator[SourceFile]:
    """Yield the input files under ``sources`` (folders are walked, files taken as given)."""
    for source in sources:
        if source.is_file():
            yield SourceFile(source, source.name)
            continue
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if path.suffix.lower() in INPUT_SUFFIXES and (path.is_file() or path.is_symlink()):
                yield SourceFile(path, relative.as_posix())


def load_document(source: SourceFile) -> LoadedDocument:
    """Read and decode one input file, or raise :class:`InputError` saying why not."""
    try:
        data = source.path.read_bytes()
    except FileNotFoundError as error:
        raise InputError(
            "unreadable", f"cannot read {source.relative}: the file or its link target is missing"
        ) from error
    except OSError as error:
        raise InputError("unreadable", f"cannot read {source.relative}: {error.strerror}") from error
    if not data.strip():
        raise InputError("empty", f"{source.relative} is empty: add text or remove the file")
    if b"\0" in data:
        raise InputError("binary", f"{source.relative} looks binary (it holds NUL bytes): it is not a text document")
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            "decode_error",
            f"{source.relative} is not valid UTF-8 (byte {error.start}): save it as UTF-8 and run again",
        ) from error
    record = DocumentRecord(
        doc_id=source.doc_id,
        path=source.relative,
        sha256=hashlib.sha256(data).hexdigest(),
        title=None,
        published=None,
        encoding="utf-8",
    )
    return LoadedDocument(record, text)


def error_record(source: SourceFile, error: InputError) -> ErrorRecord:
    """The ``errors.jsonl`` line of an input that failed."""
    return ErrorRecord(path=source.relative, error=error.kind, message=error.message)


def jsonl(records: Iterable[BaseModel]) -> str:
    """Serialise records as JSON Lines: one object a line, keys in model order."""
    return "".join(record.model_dump_json() + "\n" for record in records)


def write_files_atomically(directory: Path, files: dict[str, str]) -> None:
    """Write every file to a temporary name first, then rename them all into place."""
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, content in files.items():
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            os.chmod(temporary, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            staged.append((name, Path(temporary)))
        for name, temporary in staged:
            os.replace(temporary, directory / name)
    finally:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
