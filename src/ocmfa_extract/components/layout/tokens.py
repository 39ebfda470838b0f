"""Per-document lookups every stage shares: the joined text, token texts and attribute arrays, read once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy
from spacy.attrs import ORTH
from spacy.tokens import Doc, Span


def document_text(doc: Doc) -> str:
    """The text of ``doc``, joined once and kept: ``doc.text`` joins every token each time it is read."""
    text = doc._.ocmfa_text
    if text is None:
        text = doc._.ocmfa_text = doc.text
    return text


def word_table(doc: Doc) -> tuple[list[str], numpy.ndarray]:
    """The distinct token texts of ``doc``, and for every token the position of its text among them.

    A document repeats its words; anything that depends only on a word's text is worked
    out once per distinct word and spread to the tokens with the index array
    (``values[index]``).
    """
    table = doc._.ocmfa_word_table
    if table is None:
        unique, index = numpy.unique(token_attr_array(doc, ORTH), return_inverse=True)
        strings = doc.vocab.strings
        table = doc._.ocmfa_word_table = ([strings[orth] for orth in unique.tolist()], index.reshape(-1))
    return table


def per_token(doc: Doc, value_of: Callable[[str], Any], dtype: Any = bool) -> numpy.ndarray:
    """``value_of(text)`` for every token of ``doc``, asked once per distinct word (:func:`word_table`)."""
    distinct, index = word_table(doc)
    return numpy.array([value_of(word) for word in distinct], dtype=dtype)[index]


def token_attr_array(doc: Doc, attr: int) -> numpy.ndarray:
    """``doc.to_array(attr)``, read once per document and kept (the rules ask for it many times)."""
    arrays = doc._.ocmfa_attr_arrays
    if arrays is None:
        arrays = doc._.ocmfa_attr_arrays = {}
    array = arrays.get(attr)
    if array is None:
        array = arrays[attr] = doc.to_array(attr)
    return array


def tokens_among(doc: Doc, words: Iterable[str], attr: int = ORTH) -> numpy.ndarray:
    """For every token of ``doc``, whether its text (or its ``attr``, such as ``LOWER``) is one of ``words``.

    Compared as string hashes, in numpy: no Python call per token or per word.
    """
    strings = doc.vocab.strings
    hashes = numpy.array([strings[word] for word in words], dtype=numpy.uint64)
    return numpy.isin(token_attr_array(doc, attr), hashes)


def token_words(doc: Doc) -> list[str]:
    """The text of every token of ``doc``, read once and kept.

    The rules look at neighbouring words many times per document; ``doc[i].text`` makes
    a ``Token`` object at each look, a list item does not.
    """
    if doc._.ocmfa_words is None:
        doc._.ocmfa_words = per_token(doc, str, object).tolist()
    return doc._.ocmfa_words


def token_lowers(doc: Doc) -> list[str]:
    """The lower-case text of every token of ``doc`` (``token.lower_``), read once and kept."""
    if doc._.ocmfa_lowers is None:
        doc._.ocmfa_lowers = per_token(doc, str.lower, object).tolist()
    return doc._.ocmfa_lowers


def span_text(text: str, span: Span) -> str:
    """The text of ``span`` sliced from its document's ``text`` (``span.text`` joins its tokens)."""
    return text[span.start_char : span.end_char]
