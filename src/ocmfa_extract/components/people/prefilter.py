"""Matcher pre-filtering: where in a document a people pattern can match at all.

The token patterns of ``people.jsonl`` are matched only inside stretches of name-like
tokens (:func:`name_runs`), and in each stretch only the patterns whose required kinds
are all present there (:class:`RunFilter`).
"""

from __future__ import annotations

from typing import Any

import numpy

from ..rules import word_runs
from .words import ANY_KIND, HYPHEN_BIT, KIND_BITS, RUN_WORD_BIT


def name_runs(bits: numpy.ndarray, shortest: int) -> list[tuple[int, int]]:
    """The stretches of tokens a name can lie in: ``(start, end)`` token offsets.

    A stretch is a run of tokens that are name parts, capitalised, named literally by a
    people pattern, or follow a hyphen ("Chun-fai"), at least ``shortest`` long and
    holding a name part. People patterns are matched only inside these stretches.
    """
    name_part = (bits & ANY_KIND) != 0
    member = name_part | ((bits & RUN_WORD_BIT) != 0)
    member[1:] |= (bits[:-1] & HYPHEN_BIT) != 0
    return word_runs(member, name_part, shortest)


def required_kinds(pattern: list[dict[str, Any]]) -> list[int]:
    """The kind bits each required token of a people pattern must have (tokens that test no kind left out).

    ``[{"_": {"ocmfa_honorific": true}}, {"ORTH": ".", "OP": "?"}, {"_": {"ocmfa_cap": true}}]``
    gives ``[honorific, cap]``: a stretch of text can hold a match only if it has a token
    with each.
    """
    masks: list[int] = []
    for spec in pattern:
        if spec.get("OP") not in {None, "+"}:  # optional, negated or counted: not surely there
            continue
        mask = 0
        for name, value in spec.get("_", {}).items():
            if value is True:
                mask |= KIND_BITS[name.removeprefix("ocmfa_")]
        if mask:
            masks.append(mask)
    return masks


def shortest_match(patterns: list[list[dict[str, Any]]]) -> int:
    """The fewest tokens any of ``patterns`` can match (optional and repeated-or-none tokens left out)."""
    return min(sum(spec.get("OP") not in {"?", "*"} for spec in pattern) for pattern in patterns)


class RunFilter:
    """Which people patterns can match in a stretch of name-like tokens at all.

    A pattern can only if every kind its tokens require is present among the stretch's
    tokens: in ", member" (a title word but no name word) none can, and in "Mr Chan" only
    those that need an honorific and a capitalised word. The test is on the union of the
    stretch's kind bits, so it never leaves out a pattern that could match.
    """

    def __init__(self, patterns: list[list[dict[str, Any]]]) -> None:
        """Read the required kinds of ``patterns``."""
        self.patterns = [required_kinds(pattern) for pattern in patterns]
        self._feasible: dict[int, tuple[int, ...]] = {}  # union of a stretch's kind bits -> patterns

    def feasible(self, present: int) -> tuple[int, ...]:
        """The indices of the patterns that can match where the tokens have the kind bits ``present`` together."""
        patterns = self._feasible.get(present)
        if patterns is None:
            patterns = tuple(
                index for index, masks in enumerate(self.patterns) if all(mask & present == mask for mask in masks)
            )
            if len(self._feasible) < 65_536:
                self._feasible[present] = patterns
        return patterns

    def select(
        self, runs: list[tuple[int, int]], bits: numpy.ndarray
    ) -> tuple[list[tuple[int, int]], list[tuple[int, ...]]]:
        """The ``runs`` (token offsets) where some pattern can match, and those patterns, given every token's bits."""
        if not runs:
            return [], []
        # The union of each run's bits in one call: reduceat over start, end, start, end, ...
        # (every other result is a gap between runs); the padding lets a run end the document.
        kinds = numpy.append(bits & numpy.uint64(ANY_KIND), numpy.uint64(0))
        unions = numpy.bitwise_or.reduceat(kinds, numpy.array(runs, dtype=numpy.intp).reshape(-1))[::2]
        kept: list[tuple[int, int]] = []
        patterns: list[tuple[int, ...]] = []
        for run, union in zip(runs, unions.tolist(), strict=True):
            if feasible := self.feasible(union):
                kept.append(run)
                patterns.append(feasible)
        return kept, patterns
