"""What the people rules receive: the resources built once from the patterns, and one document's state.

:class:`PeopleResources` is built by the component from a patterns directory (lexicons,
the name matcher, the place gazetteer). :class:`PeopleDoc` is made for each document:
its tokens' kind bits and texts, the tokens in places, and the lookups several rules use.
Neither holds a rule; the rules are in ``candidates``, ``growing``, ``filtering``,
``linking``, ``authorship`` and ``pronouns``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any

import numpy
from spacy.attrs import SPACY
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ...extensions import KIND_FLAGS, LEXEME_FLAGS
from ...patterns import Patterns
from ..layout import document_text, token_attr_array, token_words
from ..rules import TokenRuleMatcher, literal_words
from .authorship import TitleWords
from .prefilter import RunFilter, shortest_match
from .words import CONTEXT_KINDS, HYPHEN_BIT, KIND_BITS, NameLexicons, NameParts


@dataclass
class PeopleResources:
    """What the people rules consult, built once from a patterns directory."""

    patterns: Patterns
    lexicons: NameLexicons
    name_parts: NameParts
    matcher: TokenRuleMatcher
    run_filter: RunFilter
    shortest: int
    places: PhraseMatcher
    particles: frozenset[str]
    title_words: TitleWords
    _cues: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, nlp: Language, patterns: Patterns) -> PeopleResources:
        """Build the lexicons, the name matcher and the place gazetteer; register the word flags with ``nlp``."""
        lexicons = NameLexicons.from_patterns(patterns)
        people = patterns.rules["people"]
        name_parts = NameParts(lexicons, literal_words(people))
        name_parts.install(nlp.vocab)
        places = PhraseMatcher(nlp.vocab, attr="ORTH")
        places.add("PLACE", [nlp.make_doc(place) for place in sorted(patterns.lexicon("places"))])
        return cls(
            patterns=patterns,
            lexicons=lexicons,
            name_parts=name_parts,
            # The patterns name the kinds as ``_.ocmfa_<kind>``; the matcher reads their flags.
            matcher=TokenRuleMatcher(
                nlp,
                people,
                predicate_flags=LEXEME_FLAGS["people_predicates"],
                extension_flags={f"ocmfa_{kind}": flag for kind, flag in KIND_FLAGS.items()},
            ),
            run_filter=RunFilter([rule["pattern"] for rule in people]),
            shortest=shortest_match([rule["pattern"] for rule in people]),
            places=places,
            # The particles the people patterns name ("bin", "al", "von"): a name does not end on one.
            particles=frozenset(word for word in name_parts.run_words if word.isalpha()),
            title_words=TitleWords.from_patterns(patterns),
        )

    def one_word_cues(self, label: str) -> frozenset[str]:
        """The one-word phrases of the statement cues with ``label`` ("said", "told" for ``SAY``)."""
        words = self._cues.get(label)
        if words is None:
            words = self._cues[label] = frozenset(
                rule["pattern"].casefold()
                for rule in self.patterns.rules["cues"]
                if rule["label"] == label and isinstance(rule["pattern"], str) and " " not in rule["pattern"]
            )
        return words


class PeopleDoc:
    """One document as the people rules see it: its tokens' kind bits and texts, and its places."""

    def __init__(self, doc: Doc, resources: PeopleResources) -> None:
        """Work out the kind bits of ``doc``'s tokens and find its places."""
        self.doc = doc
        self.resources = resources
        self.bits = resources.name_parts.bits(doc)  # numpy, for the rules that scan the whole document
        self.kinds: list[int] = self.bits.tolist()  # the same bits as Python ints, one token at a time
        self.words = token_words(doc)
        self.text = document_text(doc)
        self.place_tokens = {i for _, start, end in resources.places(doc) for i in range(start, end)}
        self._title_case: dict[tuple[int, int], TitleCaseLines] = {}

    @property
    def lexicons(self) -> NameLexicons:
        """The name lexicons."""
        return self.resources.lexicons

    @cached_property
    def spaced(self) -> numpy.ndarray:
        """Whether each token has one trailing space (a line break is a token of its own)."""
        return token_attr_array(self.doc, SPACY)

    def hyphen_joins(self, hyphen: int) -> bool:
        """Whether token ``hyphen`` is a "-" with no space either side ("Boakye-Danquah")."""
        return self.words[hyphen] == "-" and not self.spaced[hyphen - 1] and not self.spaced[hyphen]

    def in_headline(self, offset: int, *, fewest_words: int, long_word: int) -> bool:
        """Whether character ``offset`` is in a heading or a line in title case (:class:`TitleCaseLines`)."""
        lines = self._title_case.get((fewest_words, long_word))
        if lines is None:
            lines = self._title_case[fewest_words, long_word] = TitleCaseLines(self.doc, fewest_words, long_word)
        return lines(offset)

    def strip_context(self, span: Span) -> Span | None:
        """Drop leading honorifics and titles; label the rest CONTEXT if they were there."""
        kinds, words = self.kinds, self.words
        start = span.start
        while start < span.end and (kinds[start] & CONTEXT_KINDS or (start > span.start and words[start] == ",")):
            start += 1
        if start == span.end:
            return None
        label = "CONTEXT" if start > span.start else "NAME"
        return Span(span.doc, start, span.end, label=label, span_id=span.id_)

    def looks_like_name(self, span: Span) -> bool:
        """Two to four capitalised name words, or parts after a hyphen ("Chun-fai")."""
        kinds = self.kinds
        hyphens = {i for i in range(span.start, span.end) if kinds[i] & HYPHEN_BIT}
        words = [i for i in range(span.start, span.end) if i not in hyphens]
        return 2 <= len(words) <= 4 and all(kinds[i] & KIND_BITS["cap"] or i - 1 in hyphens for i in words)


_LINE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# A list item or an infobox line: "* Name (...)", "1. Name", "Director: Name".
_LIST_OR_FIELD_LINE = re.compile(r"\s*(?:[*•·\-–]|\d+[.)]|[^:]{1,40}:)\s")


class TitleCaseLines:
    """Whether an offset of a document lies in a headline in title case, not running text.

    Such a line has ``fewest_words`` words or more, every word of ``long_word`` letters or
    more capitalised, and is not a list item or an infobox line (a list of names looks the
    same); the title and the headings count as headlines. Each line is read once, however
    many names it holds, and the headings are looked up by bisection: a name on a long line
    or in a document of many headings costs no scan of either (issue 16).
    """

    def __init__(self, doc: Doc, fewest_words: int, long_word: int) -> None:
        """Sort the headings of ``doc``; no line is read yet."""
        self.layout: Any = doc._.ocmfa_layout
        self.fewest_words = fewest_words
        self.long_word = long_word
        ranges = sorted(self.layout.heading_ranges)
        self.starts = [start for start, _ in ranges]
        self.reach = list(accumulate((end for _, end in ranges), max))  # the furthest end so far
        self.lines: dict[int, bool] = {}

    def __call__(self, offset: int) -> bool:
        """Whether ``offset`` is in a heading, or in a line in title case."""
        index = bisect_right(self.starts, offset) - 1
        if index >= 0 and self.reach[index] > offset:
            return True
        line = self.layout.line_at(offset)
        if line is None:
            return False
        known = self.lines.get(line.start)
        if known is None:
            known = self.lines[line.start] = self._in_title_case(line.text)
        return known

    def _in_title_case(self, line: str) -> bool:
        if _LIST_OR_FIELD_LINE.match(line):
            return False
        words = _LINE_WORD.findall(line)
        return len(words) >= self.fewest_words and all(
            word[0].isupper() for word in words if len(word) >= self.long_word
        )
