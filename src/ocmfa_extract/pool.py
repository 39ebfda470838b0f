"""Sharing work out among worker processes: how they start, and how work reaches them in order."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.pool import Pool
from typing import TypeVar

_Item = TypeVar("_Item")
_Outcome = TypeVar("_Outcome")


def start_method() -> str:
    """How to start worker processes: ``fork`` where it is safe, else ``spawn``.

    A forked worker inherits the imported modules and the loaded patterns, so it starts
    at once; a spawned one imports spaCy again (about a second). Forking is safe only on
    Linux (macOS's system libraries do not survive it) and while no other thread runs (a
    thread's locks would stay held in the child).
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


def map_in_windows(
    pool: Pool, function: Callable[[_Item], _Outcome], items: Iterable[_Item], window: int, chunksize: int = 1
) -> Iterator[_Outcome]:
    """``function`` of every item, computed in ``pool``, in the items' order.

    The pool reads its input eagerly, so it gets a window of items at a time, not the
    whole stream; the next window is handed over before this one's outcomes are read, so
    the workers never wait for the caller between windows. The items are read in the
    caller's thread (never in the pool's feeder thread), so they may come from objects
    such as SQLite connections that belong to it.
    """
    stream = iter(items)
    batch = list(islice(stream, window))
    pending = pool.imap(function, batch, chunksize=chunksize) if batch else None
    while pending is not None:
        batch = list(islice(stream, window))
        following = pool.imap(function, batch, chunksize=chunksize) if batch else None
        yield from pending
        pending = following
