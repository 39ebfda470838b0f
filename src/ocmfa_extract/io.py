"""Reading input documents and writing output files.

Inputs are found by a sorted walk that skips dot-files, so runs are deterministic.
Outputs are written to temporary files beside their targets and renamed into place, so
a reader (or a killed run) never sees a half-written file.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TextIO

from pydantic import BaseModel

from . import decoding
from .decoding import DecodedText
from .models import DocumentRecord, ErrorRecord
from .sources import HTML_SUFFIXES, SourceFile
from .state import TEXTS_DIR

DEFAULT_MAX_BYTES = 50_000_000


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
class LoadedDocument:
    """A decoded input document.

    A run over a folder keeps only the record and where the file is (``text`` is None):
    the text is read again when the document is extracted, so a corpus's texts are never
    all in memory at once.
    """

    record: DocumentRecord
    text: str | None
    source: SourceFile | None = None

    def read_text(self) -> str:
        """The document's text, read again from its file if it was not kept."""
        if self.text is not None:
            return self.text
        if self.source is None:
            raise ValueError(f"{self.record.path}: neither a text nor a file to read it from")
        again = load_document(self.source, max_bytes=sys.maxsize)  # its size was checked when it was first read
        if again.record.sha256 != self.record.sha256:
            raise InputError("unreadable", f"{self.source.relative} changed while the run read it: run again")
        return again.read_text()

    def iter_text(self, chunk_bytes: int = 1 << 18) -> Iterator[str]:
        """The document's text in pieces, so that a long file is never whole in memory.

        A plain UTF-8 file (most inputs) is decoded as it is read, ``chunk_bytes`` at a
        time; any other is read whole (:meth:`read_text`). The file's bytes are checked
        against the recorded digest before the last piece is given.

        Raises:
            InputError: when the file cannot be read or changed since it was first read.
        """
        if self.text is not None or self.source is None or self.record.encoding != "utf-8":
            yield self.read_text()
            return
        changed = InputError("unreadable", f"{self.source.relative} changed while the run read it: run again")
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()  # strict, as when it was first read
        try:
            with self.source.path.open("rb") as stream:
                while data := stream.read(chunk_bytes):
                    digest.update(data)
                    piece = decoder.decode(data)
                    if piece:
                        yield piece
                last = decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            raise changed from error
        except OSError as error:
            raise InputError("unreadable", f"cannot read {self.source.relative}: {error.strerror}") from error
        if digest.hexdigest() != self.record.sha256:
            raise changed
        yield last


def load_document(source: SourceFile, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedDocument:
    """Read and decode one input file, or raise :class:`InputError` saying why not.

    Text is decoded as :func:`decode_text` decides (UTF-8 first, then by evidence), with
    the confidence of that choice on the record; line ends are kept as they are, so
    offsets stay exact. HTML is turned into its main text (navigation, comment forms and
    "Leave a Reply" dropped), and the offsets refer to that text.
    """
    data = _read_bytes(source, max_bytes)
    text, encoding, confidence = decode_text(data, source.relative)
    text_path = None
    if source.path.suffix.lower() in HTML_SUFFIXES:
        text = html_to_text(text)
        text_path = f"{TEXTS_DIR}/{source.doc_id}.txt"
        if not text.strip():
            raise InputError("no_text", f"{source.relative} is an HTML page with no main text to extract")
    record = DocumentRecord(
        doc_id=source.doc_id,
        path=source.relative,
        sha256=hashlib.sha256(data).hexdigest(),
        title=None,
        published=None,
        encoding=encoding,
        encoding_confidence=round(confidence, 2),
        text_path=text_path,
        also_at=[],
    )
    return LoadedDocument(record, text, source)


def _read_bytes(source: SourceFile, max_bytes: int) -> bytes:
    """The file's bytes, or an :class:`InputError` for a missing, unreadable, irregular or huge file.

    The limit applies to what is read, not to what ``stat`` says (a file that grows, or a
    special file that reports no size, is still cut off at ``max_bytes``).
    """
    path = source.path
    if path.is_symlink() and not path.exists():
        raise InputError("broken_link", f"{source.relative} is a link to a file that does not exist: fix or remove it")
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would hang the run, a device never end
            raise InputError("not_a_file", f"{source.relative} is not a regular file: only regular files are read")
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1 if max_bytes < sys.maxsize else -1)
        if len(data) > max_bytes:
            raise InputError(
                "too_large",
                f"{source.relative} has over {max_bytes:,} bytes, the limit: split it or raise --max-bytes",
            )
    except PermissionError as error:
        raise InputError("unreadable", f"cannot read {source.relative}: permission denied") from error
    except OSError as error:
        raise InputError("unreadable", f"cannot read {source.relative}: {error.strerror}") from error
    if not data.strip():
        raise InputError("empty", f"{source.relative} is empty: add text or remove the file")
    return data


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode a document's bytes: the text, the encoding used and how sure the choice is (:mod:`.decoding`).

    Raises:
        InputError: kinds ``binary``, ``decode_error`` and ``empty``.
    """
    try:
        return decoding.decode_text(data, name)
    except decoding.DecodeError as error:
        raise InputError(error.kind, error.message) from error


def html_to_text(html: str) -> str:
    """The main text of an HTML page, one paragraph per block, boilerplate dropped.

    trafilatura takes time quadratic in the number of inline elements (``<b>``, ``<a>``,
    ``<span>``, ...) side by side in one block of a page's main text: 5 s for 10,000 (issue
    16). An element with more than 1,000 of them loses their tags, keeping their text,
    before trafilatura reads the page; any other page is handed over exactly as it is.
    """
    import trafilatura  # imported here: only runs with HTML inputs pay for it

    most_inline = 1000
    if html.count("<") > 2 * most_inline:  # else it cannot hold that many elements
        import lxml.html
        from lxml import etree

        inline = {"a", "abbr", "b", "big", "cite", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark", "s"}
        inline |= {"samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var"}
        try:
            tree = lxml.html.document_fromstring(html)
        except (etree.ParserError, ValueError):  # trafilatura will say what it makes of it
            tree = None
        crowded = (
            []
            if tree is None
            else [e for e in tree.iter() if len(e) > most_inline and sum(c.tag in inline for c in e) > most_inline]
        )
        for element in crowded:
            etree.strip_tags(element, *inline)
        if crowded:
            html = lxml.html.tostring(tree, encoding="unicode")
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True) or ""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def error_record(source: SourceFile, error: InputError) -> ErrorRecord:
    """The ``errors.jsonl`` line of an input that failed."""
    return ErrorRecord(path=source.relative, error=error.kind, message=error.message)


def jsonl(records: Iterable[BaseModel]) -> str:
    """Serialise records as JSON Lines: one object a line, keys in model order."""
    return "".join(record.model_dump_json() + "\n" for record in records)


@contextmanager
def atomic_files(directory: Path, names: Iterable[str], *, durable: bool = True) -> Iterator[dict[str, TextIO]]:
    """Open temporary files for ``names`` in ``directory``; rename them all into place on success.

    The caller writes each file as a stream; if anything fails before the end, no target
    file is touched and the temporary files are removed. ``durable`` files are flushed to
    the disk (fsync) before the rename, so that they survive a crash of the machine too.
    """
    directory.mkdir(parents=True, exist_ok=True)
    streams: dict[str, TextIO] = {}
    temporaries: dict[str, Path] = {}
    try:
        for name in names:
            handle, made = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            os.chmod(made, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
            temporaries[name] = Path(made)
            streams[name] = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
        yield streams
        for stream in streams.values():
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
            stream.close()
        for name, temporary in temporaries.items():
            os.replace(temporary, directory / name)
    finally:
        for stream in streams.values():
            try:
                stream.close()
            except OSError:  # a full disk fails the flush on close too: the file is dropped anyway
                pass
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)


def write_files_atomically(directory: Path, files: dict[str, str], *, durable: bool = True) -> None:
    """Write every file to a temporary name first, then rename them all into place."""
    with atomic_files(directory, files, durable=durable) as streams:
        for name, content in files.items():
            streams[name].write(content)


class TemporaryDatabase:
    """A private SQLite database in a temporary file, dropped when closed; a context manager.

    What a run must know of every document (the catalog, the people index) is kept here
    rather than as Python objects, so that memory does not grow with the corpus. A
    ``shared`` database is a named file (:attr:`path`) that other processes may read once
    its writes are committed; it holds scratch data only, so it is written without a
    journal or syncing.
    """

    def __init__(self, *, shared: bool = False, directory: Path | None = None) -> None:
        """Open an empty database (a ``shared`` one in a new folder under ``directory``)."""
        self.path: Path | None = None
        if not shared:
            self._db = sqlite3.connect("")  # "": a private on-disk temporary database
            return
        self.path = Path(tempfile.mkdtemp(prefix="ocmfa-", dir=directory)) / "scratch.sqlite"
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")

    def close(self) -> None:
        """Drop the temporary database."""
        self._db.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path.parent.rmdir()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
