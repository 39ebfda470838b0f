"""Shared plumbing of the components: where patterns come from and how rulers are built."""

from __future__ import annotations

import json
import re
import shutil
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

import numpy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from ..patterns import Patterns, load_patterns
from .layout import per_token


def packaged_patterns_dir() -> Path:
    """Return the rules shipped with the package.

    An installed wheel has them inside the package (``ocmfa_extract/patterns``); an
    editable install of a checkout reads the checkout's own ``patterns/``, two levels above
    the package's source, whatever the current folder is.
    """
    inside = Path(str(resources.files("ocmfa_extract") / "patterns"))
    if inside.is_dir():
        return inside
    checkout = Path(__file__).resolve().parents[3] / "patterns"  # src/ocmfa_extract/components/ -> the checkout
    return checkout if checkout.is_dir() else inside


def patterns_dir_or_default(patterns_dir: str | Path | None) -> Path:
    """Resolve a component's ``patterns_dir`` setting: a path given, else the packaged rules.

    The current folder is never looked in: a ``patterns/`` folder that happens to be there
    must not change what a run extracts (``--patterns`` is the one way to use other rules).
    """
    if patterns_dir is not None:
        return Path(patterns_dir)
    return packaged_patterns_dir()


#: Where a component saves the patterns it was built from, inside its folder of a saved pipeline.
PATTERNS_FOLDER = "patterns"


def save_patterns(source: Path, path: str | Path, exclude: Iterable[str] = ()) -> None:
    """Copy the patterns folder ``source`` into ``path/patterns`` (a component's ``to_disk``).

    So a saved pipeline needs no other copy of the rules (as spaCy's ``SpanRuler`` saves
    its patterns); an older copy there is replaced.
    """
    if PATTERNS_FOLDER in exclude:
        return
    target = Path(path) / PATTERNS_FOLDER
    if target.resolve() == Path(source).resolve():
        return  # saved again where it was loaded from
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)


def saved_patterns(path: str | Path, exclude: Iterable[str] = ()) -> Path | None:
    """The patterns folder :func:`save_patterns` left in ``path``, if any (a component's ``from_disk``)."""
    saved = Path(path) / PATTERNS_FOLDER
    return saved if PATTERNS_FOLDER not in exclude and saved.is_dir() else None


class BuiltFromPatterns:
    """A stage built from a patterns folder: at once when the folder is there, else on first use or ``from_disk``.

    A saved pipeline's config still names the folder it was built from; when that folder
    is gone, the copy :meth:`to_disk` saved is read by :meth:`from_disk` instead.
    Subclasses implement :meth:`_build`, which sets up the stage and returns ``patterns``.
    """

    patterns_dir: Path
    _patterns: Patterns | None

    def _start_from(self, patterns_dir: str | Path) -> None:
        self.patterns_dir = Path(patterns_dir)
        self._patterns = None
        if self.patterns_dir.is_dir():
            self._build(cached_patterns(self.patterns_dir))

    def _build(self, patterns: Patterns) -> Patterns:
        raise NotImplementedError

    @property
    def patterns(self) -> Patterns:
        """The patterns the component was built from (read now if they were not yet)."""
        patterns = self._patterns
        if patterns is None:
            patterns = self._build(cached_patterns(self.patterns_dir))  # raises PatternError naming the missing folder
        return patterns

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the patterns the component was built from in ``path``, so that the saved pipeline needs no other."""
        save_patterns(self.patterns.directory, path, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> Self:
        """Rebuild the component from the patterns saved in ``path`` (:meth:`to_disk`)."""
        saved = saved_patterns(path, exclude)
        if saved is not None:
            self._build(cached_patterns(saved))
        return self


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


class _RuleMatches:
    """What the matchers of one rules file share: rule keys, and matches turned into spans.

    spaCy's ``SpanRuler.match`` makes a ``Span`` of every raw match, then deduplicates and
    sorts the spans; these classes deduplicate and sort plain offsets and make each span
    once, in the same order (offsets, then label, then rule id).
    """

    def __init__(self, nlp: Language) -> None:
        self.strings = nlp.vocab.strings
        self.rule_of: dict[int, tuple[str, str]] = {}  # matcher key (its hash) -> (label, rule id)
        self._order: dict[int, tuple[int, int]] = {}  # matcher key -> how spaCy sorts its spans

    def _key(self, rule: dict[str, Any]) -> str:
        """Register ``rule`` and return its matcher key."""
        label, rule_id = rule["label"], rule.get("id", "")
        key = f"{label}|{rule_id}"
        key_hash = self.strings.add(key)
        self.rule_of[key_hash] = (label, rule_id)
        self._order[key_hash] = (self.strings.add(label), self.strings.add(rule_id))
        return key

    def _spans(self, doc: Doc, found: set[tuple[int, int, int]], *, longest: bool = False) -> list[Span]:
        """``(start, end, key)`` matches as labelled spans with their rule ids, in order.

        With ``longest``, only those ``spacy.util.filter_spans`` keeps, chosen on the
        offsets so that no span is made for a match that is dropped.
        """
        order = self._order
        matches = sorted(found, key=lambda match: (match[0], match[1], *order[match[2]]))
        if longest:
            matches = _longest_matches(matches)
        spans: list[Span] = []
        for start, end, key in matches:
            label, rule_id = self.rule_of[key]
            spans.append(Span(doc, start, end, label=label, span_id=rule_id))
        return spans


class PhraseRuleMatcher(_RuleMatches):
    """The phrase patterns of one rules file, matched on the lower-case text with spaCy's ``PhraseMatcher``.

    Components call :meth:`match` themselves, so candidates never leak into ``doc.spans``
    unfiltered.
    """

    def __init__(self, nlp: Language, rules: list[dict[str, Any]], *, attr: str = "LOWER") -> None:
        """Add every rule of ``rules`` (phrase patterns only)."""
        super().__init__(nlp)
        self.matcher = PhraseMatcher(nlp.vocab, attr=attr, validate=True)
        for rule in rules:
            if not isinstance(rule["pattern"], str):
                raise ValueError(f"rule {rule.get('id')!r}: a phrase rule's pattern is a string")
            self.matcher.add(self._key(rule), [nlp.make_doc(rule["pattern"])])

    def match(self, doc: Doc) -> list[Span]:
        """Every match in ``doc``, labelled and with its rule id, in order."""
        return self._spans(doc, {(start, end, key) for key, start, end in self.matcher(doc) if start != end})


class TokenRuleMatcher(_RuleMatches):
    """The token patterns of one rules file, matched on a ``Doc`` or on stretches of one.

    :class:`PhraseRuleMatcher` matches whole documents. A component that knows
    where its rules can match (``ocmfa_people``: stretches of name-like tokens) calls
    this on those stretches alone, so the matcher never reads the other tokens.

    Given ``predicate_flags``, each ``REGEX`` or ``IN`` test on a token's ``ORTH``,
    ``TEXT`` or ``LOWER`` becomes a lexeme flag (:func:`compile_predicates`): spaCy
    computes it once per word, and the matcher reads it in its compiled loop instead of
    calling a Python predicate on every token it tries. ``extension_flags`` does the same
    for extension attributes that a component keeps as lexeme flags.
    """

    def __init__(
        self,
        nlp: Language,
        rules: list[dict[str, Any]],
        *,
        validate: bool = True,
        predicate_flags: Sequence[int] = (),
        extension_flags: Mapping[str, int] | None = None,
    ) -> None:
        """Add every rule of ``rules`` (token patterns only), validated by spaCy unless ``validate`` is false."""
        # The patterns are checked as written; the flags that replace their predicates
        # are not pattern keys spaCy's validator knows.
        for rule in rules:
            if not isinstance(rule["pattern"], list):
                raise ValueError(f"rule {rule.get('id')!r}: only token patterns can be matched on a span")
            if validate and (problems := validate_token_pattern(rule["pattern"])):
                raise ValueError(f"rule {rule.get('id')!r}: {'; '.join(problems)}")
        super().__init__(nlp)
        self.vocab = nlp.vocab
        patterns = compile_predicates(nlp.vocab, [rule["pattern"] for rule in rules], predicate_flags, extension_flags)
        self._compiled = [(self._key(rule), pattern) for rule, pattern in zip(rules, patterns, strict=True)]
        self.matcher = self._matcher_of(range(len(rules)))
        self._subsets: dict[tuple[int, ...], Matcher] = {}  # rule indices -> a matcher of those rules only

    def _matcher_of(self, rule_indices: Iterable[int]) -> Matcher:
        matcher = Matcher(self.vocab, validate=False)
        for index in rule_indices:
            key, pattern = self._compiled[index]
            matcher.add(key, [pattern])
        return matcher

    def subset(self, rule_indices: tuple[int, ...]) -> Matcher:
        """A matcher of some of the rules (by their index in the file), made once.

        spaCy's matcher tries every pattern at every token; where a component knows that
        only some rules can match a stretch, the others are not tried.
        """
        matcher = self._subsets.get(rule_indices)
        if matcher is None:
            if len(self._subsets) >= _MAX_SUBSETS:
                return self.matcher
            matcher = self._subsets[rule_indices] = self._matcher_of(rule_indices)
        return matcher

    def match(self, doclike: Doc | Span) -> list[Span]:
        """Every match in ``doclike`` as a span of its document, labelled and with its rule id, in order."""
        if isinstance(doclike, Doc):
            return self.match_in_runs(doclike, [(0, len(doclike))])
        return self.match_in_runs(doclike.doc, [(doclike.start, doclike.end)])

    def match_in_runs(
        self,
        doc: Doc,
        runs: Sequence[tuple[int, int]],
        rules: Sequence[tuple[int, ...]] | None = None,
        *,
        longest: bool = False,
    ) -> list[Span]:
        """Every match inside the ``(start, end)`` token runs of ``doc``, in order.

        ``rules``, when given, holds for each run the indices of the only rules that can
        match in it (:meth:`subset`). The matches are gathered as offsets and turned into
        spans once; with ``longest``, only the matches ``filter_spans`` would keep.
        """
        found: set[tuple[int, int, int]] = set()
        for number, (start, end) in enumerate(runs):
            matcher = self.matcher if rules is None else self.subset(rules[number])
            for key, match_start, match_end in matcher(doc[start:end]):  # offsets within the run
                found.add((start + match_start, start + match_end, key))
        return self._spans(doc, found, longest=longest)


def _longest_matches(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """``spacy.util.filter_spans`` on ``(start, end, key)`` offsets: the same choice, in the same order."""
    seen: set[int] = set()
    kept: list[tuple[int, int, int]] = []
    for match in sorted(matches, key=lambda match: (match[1] - match[0], -match[0]), reverse=True):
        start, end, _ = match
        if start not in seen and end - 1 not in seen:
            kept.append(match)
            seen.update(range(start, end))
    return sorted(kept, key=lambda match: match[0])


#: At most this many rule subsets get a matcher of their own (:meth:`TokenRuleMatcher.subset`).
_MAX_SUBSETS = 256

_PREDICATE_ATTRS = ("ORTH", "TEXT", "LOWER")


def _predicate_flag(attr: str, test: str, value: Any) -> Callable[[str], bool]:
    """The lexeme flag that answers one ``REGEX`` or ``IN`` test on a word's text."""
    read: Callable[[str], str] = str.lower if attr == "LOWER" else str
    if test == "REGEX":
        regex = re.compile(value)
        return lambda text: regex.search(read(text)) is not None
    members = frozenset(value)
    return lambda text: read(text) in members


def compile_predicates(
    vocab: Vocab,
    patterns: list[list[dict[str, Any]]],
    flag_ids: Sequence[int],
    extension_flags: Mapping[str, int] | None = None,
) -> list[list[dict[str, Any]]]:
    r"""``patterns`` with their tests on the word turned into lexeme flags.

    ``{"TEXT": {"REGEX": "^[A-Z]\\.$"}}`` becomes ``{"FLAG19": true}`` with flag 19 set on
    every word the regex finds a match in; the same test in several patterns shares one
    flag. A test on a token attribute that is not the word's own text (``NORM``,
    ``LENGTH``, ...) is kept as it is, and so are tests beyond the ``flag_ids`` given.
    An extension attribute that ``extension_flags`` names (``{"_": {"ocmfa_cap": true}}``,
    a flag some component registered) becomes that flag.
    """
    extension_flags = extension_flags or {}
    flag_of: dict[tuple[str, str, str], int] = {}
    free = iter(flag_ids)
    compiled: list[list[dict[str, Any]]] = []
    for pattern in patterns:
        translated: list[dict[str, Any]] = []
        for spec in pattern:
            spec = dict(spec)
            extensions = dict(spec.pop("_", {}))
            for name in [name for name in extensions if name in extension_flags]:
                spec[f"FLAG{extension_flags[name]}"] = extensions.pop(name)
            if extensions:
                spec["_"] = extensions
            for attr in _PREDICATE_ATTRS:
                value = spec.get(attr)
                if not (isinstance(value, dict) and len(value) == 1 and next(iter(value)) in {"REGEX", "IN"}):
                    continue
                test, argument = next(iter(value.items()))
                identity = (attr, test, json.dumps(argument, sort_keys=True))
                if identity not in flag_of:
                    flag_id = next(free, None)
                    if flag_id is None:
                        continue  # out of flags: spaCy runs the test itself, only slower
                    vocab.add_flag(_predicate_flag(attr, test, argument), flag_id=flag_id)
                    flag_of[identity] = flag_id
                del spec[attr]
                spec[f"FLAG{flag_of[identity]}"] = True
            translated.append(spec)
        compiled.append(translated)
    return compiled


def literal_words(rules: list[dict[str, Any]]) -> frozenset[str]:
    """The lower-cased words the token patterns of ``rules`` name literally.

    Read from ``ORTH``, ``TEXT``, ``LOWER`` and ``NORM``, as a value or an ``IN`` list.
    """
    words: set[str] = set()
    for rule in rules:
        for token in rule["pattern"] if isinstance(rule["pattern"], list) else []:
            for attr in ("ORTH", "TEXT", "LOWER", "NORM"):
                value = token.get(attr)
                if isinstance(value, str):
                    words.add(value.casefold())
                elif isinstance(value, dict) and isinstance(value.get("IN"), list):
                    words.update(str(item).casefold() for item in value["IN"])
    return frozenset(words)


def opening_words(rules: list[dict[str, Any]]) -> frozenset[str]:
    """The words the token patterns of ``rules`` can open with, as :func:`literal_words` reads them."""
    openings: list[dict[str, Any]] = []
    for rule in rules:
        for token in rule["pattern"] if isinstance(rule["pattern"], list) else []:
            openings.append({"pattern": [token]})
            if token.get("OP") not in {"?", "*"}:
                break
    return literal_words(openings)


def word_runs(member: numpy.ndarray, anchor: numpy.ndarray, shortest: int = 1) -> list[tuple[int, int]]:
    """The maximal runs of ``member`` tokens that hold an ``anchor`` token and are ``shortest`` long or more.

    ``member`` and ``anchor`` are boolean arrays over a document's tokens; returns
    ``(start, end)`` token offsets. Components match their token patterns only in these runs.
    """
    edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([False], member, [False])).astype("int8")))
    starts, ends = edges[0::2], edges[1::2]
    anchors_before = numpy.concatenate(([0], numpy.cumsum(anchor & member)))
    keep = (anchors_before[ends] - anchors_before[starts] > 0) & (ends - starts >= shortest)
    return list(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))


class CandidateRuns:
    """The stretches of a document where the token patterns of a rules file can match.

    ``member(word)`` says whether a token with that text can be part of a match, and
    ``anchor(word)`` whether one can open a match; a run of members is kept when it holds
    an anchor. Both are asked once per distinct word of a document (:func:`word_table`),
    and remembered.
    """

    def __init__(self, member: Callable[[str], bool], anchor: Callable[[str], bool]) -> None:
        """Use ``member`` and ``anchor``, two tests of a word's text."""
        self.member = lru_cache(maxsize=8_192)(member)
        self.anchor = lru_cache(maxsize=8_192)(anchor)

    def runs(self, doc: Doc) -> list[tuple[int, int]]:
        """The maximal runs of member tokens that hold an anchor, as ``(start, end)`` token offsets."""
        return word_runs(per_token(doc, self.member), per_token(doc, self.anchor))


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
