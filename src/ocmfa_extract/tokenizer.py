"""spaCy's tokenizer with a cache of its own: each distinct chunk of text is split once.

spaCy's tokenizer cuts a text at whitespace into chunks, splits each chunk with its
prefix, suffix and infix expressions and its special cases ("can't", "U.S."), and keeps
the split chunks in a cache. That cache takes no more chunks for the rest of a document
once a special case has been met in it (spaCy issue #13950), none inside a memory zone,
and none after 10,000 (``Tokenizer._save_cached``). Over a corpus read in memory zones,
most chunks are therefore split again, with the regular expressions, every time they are
seen: that costs about nine tenths of the tokenizer's time on this project's documents.

:class:`ChunkCachedTokenizer` asks spaCy's tokenizer once per distinct chunk (with the
space after it, if any) and builds each ``Doc`` from the words it remembers: the same
tokens, whitespace and norms as spaCy's tokenizer gives (``tests/test_tokenizer.py``
compares them), with one exception. spaCy matches its multi-token special cases over the
whole text without regard to spaces, and a match across a space, which it then does not
apply, can keep it from applying a special case beside it: spaCy splits ``x:) )`` into
``x : ) )`` and the second ``''`` of ``''a'' ''b''`` into two quotes. Read chunk by
chunk, those special cases apply (``x :) )``, ``''``).

A second exception bounds the cost of a document (issue 16). spaCy strips a chunk's
prefixes and suffixes one at a time, searching what is left of the chunk each time, so a
chunk that is all punctuation (``"(" * 20000``) takes time quadratic in its length: half
a minute for 20,000 characters. A chunk longer than :data:`MAX_SPACY_CHARS` is therefore
handed to spaCy in pieces of at most :data:`PIECE_CHARS` (cut after a punctuation mark near
the limit where there is one), joined with no space between them; a piece of nothing but
punctuation and symbols is read one mark at a time. Only inside such a chunk
can the tokens differ from spaCy's: a piece's edge is always a token's edge. The longest
chunk in this project's documents (a table's ruled line) is 317 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import itemgetter
from typing import Any, cast

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

# The units a text is read in: a chunk of other characters with the one plain space after
# it, if any (spaCy makes that space the chunk's trailing whitespace), or a run of
# whitespace (a token of its own). ``\s`` and ``\S`` match exactly as spaCy's
# ``str.isspace`` splits.
_UNITS = re.compile(r"\S+ ?|\s+")
_WORDS, _SPACES, _NORMS = itemgetter(0), itemgetter(1), itemgetter(2)

#: Longer units (a URL, an encoded blob in a saved page) are split every time, not kept.
MAX_UNIT_LENGTH = 64

#: Longer chunks are handed to spaCy in pieces (no chunk of ordinary text is this long, so
#: ordinary text is tokenized exactly as spaCy does).
MAX_SPACY_CHARS = 512

#: The length of those pieces: what one spaCy call costs grows with its square. At 512, a
#: text that is all long runs of punctuation cost about 9 s/MB; at 128, under 2 s/MB.
PIECE_CHARS = 128

#: A piece is cut after the last punctuation mark or symbol among its last this many characters.
_CUT_WINDOW = 32
_NOT_WORD = re.compile(r"[\W_]")
# A piece of nothing but punctuation and symbols (and the unit's trailing space): spaCy would
# strip it one mark at a time, each time searching the rest; its marks are read one by one.
_ALL_MARKS = re.compile(r"[^\w\s]+ ?")

#: How many distinct units are remembered before the cache is emptied and starts again.
#: 20,000 hold about 6 MB, and the frequent ones come back into the cache at once; on a
#: 40 MB corpus an unbounded cache tokenized only 3% faster.
MAX_UNITS = 20_000

# A unit's tokens: their texts, whether each has a space after it, and (index, norm) for
# each token whose norm a special case sets ("n't" is "not").
_Split = tuple[tuple[str, ...], tuple[bool, ...], tuple[tuple[int, str], ...]]


class ChunkCachedTokenizer:
    """Tokenize like ``tokenizer`` (a spaCy ``Tokenizer``), splitting each distinct chunk only once.

    The cache holds plain strings, not the vocabulary's lexemes, so it stays valid when a
    memory zone (``nlp.memory_zone()``) frees the words a document added. It assumes the
    wrapped tokenizer's rules stay as they are: change them before wrapping it, or call
    :meth:`clear`. Other attributes (``rules``, ``explain``, ``to_bytes``) are the wrapped
    tokenizer's.
    """

    def __init__(self, tokenizer: Tokenizer, max_units: int = MAX_UNITS) -> None:
        """Wrap ``tokenizer``; remember at most ``max_units`` units at a time."""
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab
        self.max_units = max_units
        self._units: dict[str, _Split] = {}

    def __call__(self, text: str) -> Doc:
        """The ``Doc`` of ``text``."""
        units = _UNITS.findall(text)
        if units and max(map(len, units)) > MAX_SPACY_CHARS:
            units = list(chain.from_iterable(map(_pieces, units)))
        found = list(map(self._units.get, units))
        splits = cast(list[_Split], found)
        if None in found:
            known = self._units
            # Looked up again: a new unit may come back later in the same text.
            splits = [split or known.get(unit) or self._split(unit) for unit, split in zip(units, found, strict=True)]
        words = list(chain.from_iterable(map(_WORDS, splits)))
        spaces = list(chain.from_iterable(map(_SPACES, splits)))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if any(map(_NORMS, splits)):
            start = 0
            for split in splits:
                for index, norm in _NORMS(split):
                    doc[start + index].norm_ = norm
                start += len(_WORDS(split))
        return doc

    def __getattr__(self, name: str) -> Any:
        """Anything else is the wrapped tokenizer's (``rules``, ``explain``, ``to_bytes``)."""
        if name.startswith("__") or name == "tokenizer":  # not yet set (copying, unpickling)
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def clear(self) -> None:
        """Forget every unit (after a change to the wrapped tokenizer's rules)."""
        self._units.clear()

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """The ``Doc`` of each of ``texts``, in order."""
        for text in texts:
            yield self(text)

    def _split(self, unit: str) -> _Split:
        """Tokenize ``unit`` with spaCy's tokenizer and remember it."""
        doc = self.tokenizer(unit)
        split = (
            tuple(token.text for token in doc),
            tuple(bool(token.whitespace_) for token in doc),
            tuple((token.i, token.norm_) for token in doc if token.norm != token.lex.norm),
        )
        if len(unit) <= MAX_UNIT_LENGTH:
            if len(self._units) >= self.max_units:
                self._units.clear()
            self._units[unit] = split
        return split


def _pieces(unit: str) -> list[str]:
    """``unit`` cut into pieces of at most :data:`PIECE_CHARS` characters that join up to it.

    A short unit and a run of whitespace (one token, however long) stay whole. A cut falls
    after the last punctuation mark in the last :data:`_CUT_WINDOW` characters of a piece,
    so that a word is not cut in two where it can be helped, and never before the unit's
    trailing space (spaCy would make that space a token of its own).
    """
    if len(unit) <= MAX_SPACY_CHARS or unit[0].isspace():
        return [unit]
    pieces: list[str] = []
    start = 0
    end = len(unit) - 1 if unit[-1] == " " else len(unit)  # the trailing space stays with the last piece
    while end - start > PIECE_CHARS:
        limit = start + PIECE_CHARS
        cut = limit
        for mark in _NOT_WORD.finditer(unit, limit - _CUT_WINDOW, limit):
            cut = mark.end()
        pieces.append(unit[start:cut])
        start = cut
    pieces.append(unit[start:])
    return list(chain.from_iterable(map(_marks_apart, pieces)))


def _marks_apart(piece: str) -> list[str]:
    """A piece of nothing but marks as one unit a mark (the last keeps the trailing space), else the piece."""
    if not _ALL_MARKS.fullmatch(piece):
        return [piece]
    marks = list(piece.rstrip(" "))
    if piece.endswith(" "):
        marks[-1] += " "
    return marks
