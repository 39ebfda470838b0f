"""The output folder as one state at a time: generations, one atomic switch, a lock.

A run never writes over the files a reader (or the next run) may be reading. It writes
the whole new state, the six output files, ``texts/`` and the manifest, into a private
folder, names that folder after a digest of what it holds and moves it to
``.ocmfa/generations/<digest>``, then switches the symbolic link ``.ocmfa/current`` to
it with one ``rename``. The digest is of the outputs alone: when new code or patterns give
the same outputs, only the generation's manifest (what the outputs were made with) is
replaced, itself in one rename. The files the output contract names are links that go through
``current``::

    OUT/documents.jsonl -> .ocmfa/current/documents.jsonl    (and the other five, and texts)
    OUT/.ocmfa/current  -> generations/3f2a...               (the one switch)
    OUT/.ocmfa/generations/3f2a.../documents.jsonl ...
    OUT/.ocmfa/results/<sha256>.jsonl                        (per-document results, by content)
    OUT/.ocmfa/tmp/                                          (the run in progress; cleared at each start)
    OUT/.ocmfa/lock                                          (held by the run in progress)

So a run killed at any moment leaves the old state or the new one, never a mix; the
same inputs give the same generation name, so a rerun changes nothing, not even a link.
The generation before the current one is kept until the next switch, so that a reader
that resolved ``current`` just before a switch can still finish.

An output folder written by an older version (plain files, ``.ocmfa/manifest.json``) is
read as the previous state; its plain files are replaced by links at the first switch.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .models import RECORD_KINDS

CACHE_DIR = ".ocmfa"
CURRENT = "current"
GENERATIONS = "generations"
SCRATCH = "tmp"
LOCK = "lock"
MANIFEST = "manifest.json"
TEXTS_DIR = "texts"

#: The files of one state, as the output contract names them; ``texts/`` holds HTML pages' texts.
OUTPUT_FILES: tuple[str, ...] = tuple(kind.file for kind in RECORD_KINDS)
_STATE_ENTRIES: tuple[str, ...] = (*OUTPUT_FILES, TEXTS_DIR)


class OutputLocationError(ValueError):
    """An output folder that cannot be used: inside a source, a file, someone else's folder, or locked."""


class DiskFullError(OSError):
    """The disk (or the user's quota) filled up during a run; the previous state is kept."""


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the disk or the quota is full (from the OS or from SQLite)."""
    if isinstance(error, OSError):
        return error.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(error, sqlite3.OperationalError):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return False


def check_output_folder(out: Path) -> None:
    """Refuse an ``--out`` that is a file, or a folder holding files that are not an output folder's.

    Raises:
        OutputLocationError: saying what to choose instead.
    """
    if out.exists() and not out.is_dir():
        raise OutputLocationError(f"--out {out} is a file, not a folder: choose a folder")
    if not out.is_dir() or is_output_folder(out):
        return
    if any(True for _ in out.iterdir()):
        raise OutputLocationError(
            f"--out {out} is a folder that holds other files and is not an ocmfa-extract output folder:"
            " choose a new or empty folder"
        )


def is_output_folder(out: Path) -> bool:
    """Whether ``out`` was written by ocmfa-extract (a state folder, or the files of an older version)."""
    return (out / CACHE_DIR).is_dir() or (out / "documents.jsonl").exists()


def current_state(out: Path) -> Path:
    """The folder that holds ``out``'s current files: its current generation, else ``out`` itself.

    A reader that reads several files of one state reads them from here, so that a run
    that switches states meanwhile cannot give it files of two.
    """
    current = out / CACHE_DIR / CURRENT
    if current.is_symlink() and current.is_dir():
        return current.resolve()
    return out


class OutputFolder:
    """One run's hold on an output folder: the lock, the scratch folder, the previous state and the switch."""

    def __init__(self, out: Path) -> None:
        """Remember the folder; :func:`locked_output` opens it."""
        self.out = out
        self.root = out / CACHE_DIR
        self.scratch = self.root / SCRATCH / uuid.uuid4().hex
        self._lock: IO[str] | None = None

    # -- the lock and the leftovers of killed runs ---------------------------------------------

    def acquire(self) -> None:
        """Take the folder's lock, then remove what killed runs left behind.

        Raises:
            OutputLocationError: when another run holds the lock.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        lock = (self.root / LOCK).open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            lock.close()
            raise OutputLocationError(
                f"another ocmfa-extract run (process {holder}) is writing {self.out}: wait for it to finish,"
                " or choose another --out"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        self._lock = lock
        self._remove_leftovers()
        self.scratch.mkdir(parents=True)

    def _remove_leftovers(self) -> None:
        """Scratch folders, half-written results and files of killed runs (the lock says none is running)."""
        shutil.rmtree(self.root / SCRATCH, ignore_errors=True)
        results = self.root / "results"
        if results.is_dir():
            for leftover in results.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
        for leftover in (*self.out.glob(".records.*"), *self.out.glob(".*.jsonl.*.tmp")):  # an older version's
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)

    def release(self) -> None:
        """Remove this run's scratch folder and free the lock."""
        shutil.rmtree(self.scratch, ignore_errors=True)
        if self._lock is not None:
            self._lock.close()  # closing frees the lock
            self._lock = None

    # -- the previous state --------------------------------------------------------------------

    def has_state(self) -> bool:
        """Whether the folder holds the outputs of an earlier run (of this version or an older one)."""
        return (self.root / CURRENT).is_symlink() or (self.out / "documents.jsonl").exists()

    def previous_manifest(self) -> Path | None:
        """The manifest of the current state, if there is one (an older version's too)."""
        for path in (current_state(self.out) / MANIFEST, self.root / MANIFEST):
            if path.is_file():
                return path
        return None

    # -- the new state -------------------------------------------------------------------------

    def new_generation(self) -> Path:
        """An empty private folder for the new state's files."""
        folder = self.scratch / "generation"
        folder.mkdir()
        return folder

    def switch_to(self, generation: Path) -> None:
        """Make ``generation`` (from :meth:`new_generation`, written whole) the current state.

        The one step that changes what readers see is the rename of ``current``.
        """
        name = _digest_of(generation, leave_out=MANIFEST)[:32]
        generations = self.root / GENERATIONS
        generations.mkdir(exist_ok=True)
        target = generations / name
        previous = self._current_name()
        if target.is_dir():  # the same outputs are already there: only what they were made with may differ
            if (generation / MANIFEST).is_file():
                os.replace(generation / MANIFEST, target / MANIFEST)
            shutil.rmtree(generation)
        else:
            _sync_tree(generation)
            generation.rename(target)
            _sync(generations)
        self._link_entries(target, replace_plain=False)  # links of a new kind (texts/) wait, dangling, for the switch
        if previous != name:
            link = self.scratch / "current"
            link.symlink_to(f"{GENERATIONS}/{name}")
            os.replace(link, self.root / CURRENT)  # the switch
            _sync(self.root)
        self._link_entries(target, replace_plain=True)
        for old in generations.iterdir():
            if old.name not in (name, previous):
                shutil.rmtree(old, ignore_errors=True)
        (self.root / MANIFEST).unlink(missing_ok=True)  # an older version's

    def _current_name(self) -> str | None:
        current = self.root / CURRENT
        return os.readlink(current).rsplit("/", 1)[-1] if current.is_symlink() else None

    def _link_entries(self, generation: Path, *, replace_plain: bool) -> None:
        """Make each contract file of ``out`` a link through ``current`` (once; later switches keep them).

        Before the switch (``replace_plain`` false) only missing links are added: they
        show nothing until ``current`` has them. After it, an older version's plain files
        are replaced, and the entries the new state lacks are removed.
        """
        for entry in _STATE_ENTRIES:
            place = self.out / entry
            wanted = f"{CACHE_DIR}/{CURRENT}/{entry}"
            if place.is_symlink() and os.readlink(place) == wanted:
                if replace_plain and not (generation / entry).exists():
                    place.unlink()
                continue
            plain = place.exists() or place.is_symlink()
            if plain and not replace_plain:
                continue
            if not (generation / entry).exists():
                if place.is_dir() and not place.is_symlink():
                    shutil.rmtree(place)
                elif plain:
                    place.unlink()
                continue
            if place.is_dir() and not place.is_symlink():  # an older version's texts/: out of the way first
                place.rename(self.scratch / f"old-{entry}")
            link = self.scratch / f"link-{entry}"
            link.symlink_to(wanted)
            os.replace(link, place)


@contextmanager
def locked_output(out: Path) -> Iterator[OutputFolder]:
    """Hold ``out`` for one run: locked, leftovers removed; the scratch folder removed and the lock freed on leaving."""
    folder = OutputFolder(out)
    try:
        folder.acquire()
        yield folder
    finally:
        folder.release()


def _digest_of(folder: Path, leave_out: str) -> str:
    """A digest of every file under ``folder`` but ``leave_out``: their relative paths and bytes, in sorted order."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.relative_to(folder).as_posix() != leave_out:
            name = path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape")
            digest.update(b"%d:%s%d:" % (len(name), name, path.stat().st_size))  # lengths: no two trees hash alike
            with path.open("rb") as stream:
                while block := stream.read(1 << 20):
                    digest.update(block)
    return digest.hexdigest()


def _sync(folder: Path) -> None:
    """Make a folder's entries (a rename, a new file) durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            _sync(path)
    _sync(folder)
