r"""Finding the input files under the sources of a run, and naming each one.

A run reads archives it did not make: mirrored sites, exports, folders another job is
still writing. The walk is therefore strict about what it reads and says what it skips:

- only regular files are read: a FIFO, a device or a socket is reported, never opened;
- a link is followed only when its target lies inside a source folder, unless
  ``follow_links`` (``--follow-links``); a broken link is reported;
- a folder that cannot be listed is reported, and the walk goes on;
- files whose suffix is not an input suffix are counted by suffix (the run's summary
  shows them); formats that hold documents this tool cannot read (PDF, Word, ...) are
  reported as well, so that no document is skipped without a word;
- the walk is sorted, and skips dot-files and dot-folders, so runs are deterministic.

Every file gets a name that is unique by construction (:func:`document_id`): its path
relative to its source, with a ``.txt`` suffix dropped where that cannot make two names
one, prefixed by the source's label when a run has several sources
(:func:`source_labels`). A file name that is not valid UTF-8 keeps its bytes as
``\xNN`` escapes (and a backslash is written ``\\``), so that the name is printable,
fits JSON and stays unique.
"""

from __future__ import annotations

import logging
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

HTML_SUFFIXES: frozenset[str] = frozenset({".html", ".htm"})
INPUT_SUFFIXES: frozenset[str] = frozenset({".txt", ".md"}) | HTML_SUFFIXES

#: Formats that hold documents but are not read: each is reported, so none is lost unseen.
UNSUPPORTED_DOCUMENT_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".doc", ".docx", ".odt", ".rtf", ".epub", ".pages", ".wpd", ".xps"}
)


@dataclass(frozen=True)
class SourceFile:
    """One input file: where it is and how it is named in the outputs."""

    path: Path
    relative: str  # '/'-separated, printable, unique in the run (see the module docstring)

    @property
    def doc_id(self) -> str:
        """The document id (see :func:`document_id`)."""
        return document_id(self.relative)


@dataclass(frozen=True)
class SkippedSource:
    """A path under the sources that is not read, with a machine-readable kind and a message."""

    relative: str
    kind: str
    message: str


@dataclass
class SourceWalk:
    """What a walk of the sources found besides the files: problems, and files skipped by suffix."""

    problems: list[SkippedSource] = field(default_factory=list)
    skipped_suffixes: Counter[str] = field(default_factory=Counter)


def document_id(relative: str) -> str:
    """The id of the document at ``relative``: the path, without a ``.txt`` suffix where that is safe.

    ``notes.txt`` is ``notes``; ``notes.md.txt`` stays ``notes.md.txt``, since ``notes.md``
    may be another input. Two different input paths never get one id: a path that loses
    its ``.txt`` does not end in an input suffix, and every input path does.
    """
    stem = relative.removesuffix(".txt")
    if stem == relative or Path(stem).suffix.lower() in INPUT_SUFFIXES:
        return relative
    return stem


def printable_name(name: str) -> str:
    r"""``name`` with undecodable bytes as ``\xNN`` and backslashes doubled (one-to-one)."""
    escaped = name.replace("\\", "\\\\")
    try:
        escaped.encode("utf-8")
    except UnicodeEncodeError:  # os.fsdecode left the bytes that are not UTF-8 as surrogates
        return os.fsencode(escaped).decode("utf-8", "backslashreplace")
    return escaped


def source_labels(sources: Sequence[Path]) -> list[str]:
    """The prefix of each source's document ids when a run has several sources.

    A folder's label is its name, a file's the name of the folder it is in; two sources
    with the same label (in any case) are told apart as ``name``, ``name~2``, ... in the
    order they were given. With one source there is no prefix (the label is ``""``).
    """
    if len(sources) <= 1:
        return [""] * len(sources)
    labels: list[str] = []
    seen: Counter[str] = Counter()
    for source in sources:
        folder = source if source.is_dir() else source.parent
        base = printable_name(folder.resolve().name) or "root"
        seen[base.casefold()] += 1
        count = seen[base.casefold()]
        labels.append(base if count == 1 else f"{base}~{count}")
    return labels


def distinct_sources(sources: Iterable[Path]) -> list[Path]:
    """The sources without repeats (the same folder given twice is read once), in order."""
    seen: set[Path] = set()
    unique: list[Path] = []
    for source in sources:
        resolved = source.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(source)
    return unique


def find_sources(
    sources: Sequence[Path], walk: SourceWalk | None = None, *, follow_links: bool = False
) -> Iterator[SourceFile]:
    """Yield the input files under ``sources``, in a deterministic order.

    Folders are walked, files taken as given (a file named on the command line is read
    even through a link). What is not read is recorded in ``walk``.
    """
    walk = walk if walk is not None else SourceWalk()
    sources = distinct_sources(sources)
    roots = [source.resolve() for source in sources if source.is_dir()]
    for source, label in zip(sources, source_labels(sources), strict=True):
        prefix = f"{label}/" if label else ""
        if not source.is_dir():
            yield SourceFile(source, prefix + printable_name(source.name))
            continue
        yield from _walk_folder(source, prefix, roots, walk, follow_links)


def _walk_folder(
    source: Path, prefix: str, roots: list[Path], walk: SourceWalk, follow_links: bool
) -> Iterator[SourceFile]:
    """The files under ``source`` in path order (a folder's files where its name sorts), depth first."""
    visited: set[tuple[int, int]] = set()  # folders entered through links: a loop is entered once
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = []
    entries = _listing(source, prefix, "", walk)
    if entries is not None:
        stack.append((entries, ""))
    while stack:
        entries, relative = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        name = f"{relative}{printable_name(entry.name)}"
        target = _link_target(entry, roots, follow_links, prefix + name, walk)
        if target is None:
            continue
        if stat.S_ISDIR(target.st_mode):
            if entry.is_symlink():
                key = (target.st_dev, target.st_ino)
                if key in visited or _inside(Path(entry.path).resolve(), roots):
                    continue  # a loop, or a folder the walk reaches anyway
                visited.add(key)
            inner = _listing(Path(entry.path), prefix, f"{name}/", walk)
            if inner is not None:
                stack.append((inner, f"{name}/"))
            continue
        suffix = Path(entry.name).suffix.lower()
        if suffix not in INPUT_SUFFIXES:
            _skip_by_suffix(suffix, prefix + name, walk)
        elif not stat.S_ISREG(target.st_mode):
            message = f"{prefix + name} is {_kind_of(target.st_mode)}, not a regular file: only regular files are read"
            walk.problems.append(SkippedSource(prefix + name, "not_a_file", message))
        else:
            yield SourceFile(Path(entry.path), prefix + name)


def _listing(folder: Path, prefix: str, relative: str, walk: SourceWalk) -> Iterator[os.DirEntry[str]] | None:
    """The entries of ``folder`` sorted by name, or None (and a problem recorded) when it cannot be listed."""
    try:
        with os.scandir(folder) as scan:
            return iter(sorted(scan, key=lambda entry: entry.name))
    except OSError as error:
        where = (prefix + relative).rstrip("/") or "."
        message = f"cannot list the folder {where}: {error.strerror}; it was skipped"
        walk.problems.append(SkippedSource(where, "unreadable", message))
        return None


def _link_target(
    entry: os.DirEntry[str], roots: list[Path], follow_links: bool, name: str, walk: SourceWalk
) -> os.stat_result | None:
    """What ``entry`` is (after its link, if it is one), or None when it is not to be read."""
    try:
        if not entry.is_symlink():
            return entry.stat(follow_symlinks=False)
        target = entry.stat(follow_symlinks=True)
    except FileNotFoundError:
        if Path(entry.name).suffix.lower() in INPUT_SUFFIXES:
            walk.problems.append(
                SkippedSource(name, "broken_link", f"{name} is a link to a file that does not exist: fix or remove it")
            )
        return None
    except OSError as error:
        walk.problems.append(SkippedSource(name, "unreadable", f"cannot read {name}: {error.strerror}"))
        return None
    if follow_links or _inside(Path(entry.path).resolve(), roots):
        return target
    if stat.S_ISDIR(target.st_mode) or Path(entry.name).suffix.lower() in INPUT_SUFFIXES:
        walk.problems.append(
            SkippedSource(
                name,
                "outside_link",
                f"{name} is a link to {printable_name(str(Path(entry.path).resolve()))}, outside the source folders:"
                " skipped (run with --follow-links to read it)",
            )
        )
    return None


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _skip_by_suffix(suffix: str, name: str, walk: SourceWalk) -> None:
    log.info("not read: %s (not .txt, .md, .html or .htm)", name)
    walk.skipped_suffixes[suffix or "(none)"] += 1
    if suffix in UNSUPPORTED_DOCUMENT_SUFFIXES:
        walk.problems.append(
            SkippedSource(
                name,
                "unsupported_format",
                f"{name} is a {suffix[1:].upper()} file, which is not read: convert it to text or HTML to include it",
            )
        )


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
