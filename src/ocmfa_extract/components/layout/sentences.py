"""Sentence boundaries: a line break always ends a sentence, and so does an end mark before a starting word."""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from typing import Any

import numpy
from spacy.attrs import SENT_START
from spacy.tokens import Doc, Span

from .tokens import per_token

_SENTENCE_END = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")", "]", "»"})
_OPENERS = frozenset({'"', "“", "‘", "(", "«"})


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc``, found once by the layout component (``doc.sents`` walks the doc)."""
    return doc._.ocmfa_sentences


def sentence_of(doc: Doc, token_index: int) -> Span:
    """The sentence holding a token, by bisection over the sentence starts."""
    return doc._.ocmfa_sentences[bisect_right(doc._.ocmfa_sentence_starts, token_index) - 1]


# What a word can do at a sentence boundary, as bits (see _set_sentence_starts).
_SPACE, _BREAK, _END, _CLOSER, _STARTER = 1, 2, 4, 8, 16


@lru_cache(maxsize=32_768)
def _boundary_class(text: str) -> int:
    if text.isspace():
        return _SPACE | (_BREAK if "\n" in text or "\r" in text else 0)
    starter = text[:1].isupper() or text[:1].isdigit() or text in _OPENERS
    return (_END if text in _SENTENCE_END else 0) | (_CLOSER if text in _CLOSERS else 0) | (_STARTER if starter else 0)


def _set_sentence_starts(doc: Doc) -> list[int]:
    """Mark sentence starts at line breaks and after sentence-final punctuation.

    A word starts a sentence when it is the first, when a line break stands before it,
    or when it starts with a capital, a digit or an opening quote and the words before it
    end a sentence (``.``, ``!``, ``?``, then any closing quotes or brackets). Worked out
    with array operations over the words' classes, and set in one call
    (``Doc.from_array``): this runs over every token of every document. Returns the
    indices of the starting tokens.
    """
    classes = per_token(doc, _boundary_class, numpy.int64)
    words = numpy.flatnonzero((classes & _SPACE) == 0)  # the tokens that are not whitespace
    word_classes = classes[words]
    breaks_up_to = numpy.cumsum((classes & _BREAK) != 0)
    after_break = numpy.ones(len(words), dtype=bool)
    after_break[1:] = breaks_up_to[words[1:]] > breaks_up_to[words[:-1]]
    # After a word, a sentence has ended when the last word that is not a closing quote or
    # bracket (or is an end mark) is an end mark: "... said.” Then".
    deciding = ((word_classes & _END) != 0) | ((word_classes & _CLOSER) == 0)
    last_deciding = numpy.maximum.accumulate(numpy.where(deciding, numpy.arange(len(words)), -1))
    ended = (last_deciding >= 0) & ((word_classes[numpy.maximum(last_deciding, 0)] & _END) != 0)
    is_start = after_break.copy()
    is_start[1:] |= ended[:-1] & ((word_classes[1:] & _STARTER) != 0)
    starts: list[int] = words[is_start].tolist()
    if len(doc) and (not starts or starts[0] != 0):
        starts.insert(0, 0)
    flags: Any = numpy.zeros((len(doc), 1), dtype="uint64")  # 1: starts a sentence; 0: does not
    flags[starts, 0] = 1
    doc.from_array([SENT_START], flags)
    return starts
