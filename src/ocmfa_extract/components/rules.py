"""Shared plumbing of the components: where patterns come from and how rulers are built."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from spacy.language import Language
from spacy.pipeline import SpanRuler

from ..patterns import Patterns, load_patterns

DEFAULT_PATTERNS_DIR = Path("patterns")


def packaged_patterns_dir() -> Path:
    """Return the copy of ``patterns/`` shipped inside the installed package."""
    return Path(str(resources.files("ocmfa_extract") / "patterns"))


def patterns_dir_or_default(patterns_dir: str | Path | None) -> Path:
    """Resolve a component's ``patterns_dir`` setting.

    An explicit path is used as given. Without one, ``./patterns`` is used when the
    working directory has one (a checkout of the project, or a user's own rules), else
    the copy shipped in the package.
    """
    if patterns_dir is not None:
        return Path(patterns_dir)
    if DEFAULT_PATTERNS_DIR.is_dir():
        return DEFAULT_PATTERNS_DIR.resolve()
    return packaged_patterns_dir()


def cached_patterns(directory: Path) -> Patterns:
    """Load a patterns directory once per process and per state of its files.

    The components of a pipeline share one load; an edited file is read again.
    """
    files = sorted(path for path in Path(directory).rglob("*") if path.is_file())
    state = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _load_once(Path(directory), state)


@lru_cache(maxsize=8)
def _load_once(directory: Path, state: tuple[tuple[str, int, int], ...]) -> Patterns:
    return load_patterns(directory)


def make_span_ruler(nlp: Language, name: str, rules: list[dict[str, Any]], *, phrase_attr: str = "LOWER") -> SpanRuler:
    """Return a validating :class:`SpanRuler` holding ``rules``, for a component to call.

    Components call ``ruler.match(doc)`` themselves, so candidates never leak into
    ``doc.spans`` unfiltered.
    """
    ruler = SpanRuler(nlp, name=name, spans_key=None, phrase_matcher_attr=phrase_attr, validate=True)
    ruler.add_patterns(rules)
    return ruler


T = TypeVar("T")


class RangeIndex(Generic[T]):
    """Items sorted by an offset, for "which items start between a and b" by bisection.

    The components look things up by position many times per document; scanning every
    span each time would make a long document quadratic.
    """

    def __init__(self, items: Iterable[T], offset: Callable[[T], int]) -> None:
        """Sort ``items`` by ``offset``."""
        self.items = sorted(items, key=offset)
        self.offsets = [offset(item) for item in self.items]

    def between(self, start: int, end: int) -> list[T]:
        """The items whose offset is in ``[start, end)``, in order."""
        return self.items[bisect_left(self.offsets, start) : bisect_left(self.offsets, end)]

    def last_before(self, offset: int) -> T | None:
        """The last item whose offset is at or before ``offset``."""
        index = bisect_right(self.offsets, offset) - 1
        return self.items[index] if index >= 0 else None
