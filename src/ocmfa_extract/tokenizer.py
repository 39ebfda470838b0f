"""spaCy's tokenizer with a cache of its own: each distinct chunk of text is split once.

spaCy's tokenizer cuts a text at whitespace into chunks, splits each chunk with its
prefix, suffix and infix expressions and its special cases ("can't", "U.S."), and keeps
the split chunks in a cache. That cache takes no more chunks for the rest of a document
once a special case has been met in it (spaCy issue #13950), none inside a memory zone,
and none after 10,000 (``Tokenizer._save_cached``). Over a corpus read in memory zones,
most chunks are therefore split again, with the regular expressions, every time they are
seen: that costs about nine tenths of the tokenizer's time on this project's documents.

:class:`ChunkCachedTokenizer` asks spaCy's tokenizer once per distinct chunk and builds
each ``Doc`` from the words it remembers: the same tokens, whitespace and norms as
spaCy's tokenizer gives (``tests/test_tokenizer.py`` compares them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

# spaCy's chunks: maximal runs of whitespace or of other characters (``str.isspace``,
# which ``\s`` matches exactly for str patterns).
_CHUNKS = re.compile(r"\s+|\S+")

#: How many distinct chunks are remembered before the cache is emptied and starts again.
#: 20,000 hold about 6 MB, and the frequent chunks come back into the cache at once; on a
#: 40 MB corpus an unbounded cache (65,000 chunks) tokenizes only 3% faster.
MAX_CHUNKS = 20_000


class ChunkCachedTokenizer:
    """Tokenize like ``tokenizer`` (a spaCy ``Tokenizer``), splitting each distinct chunk only once.

    The cache holds plain strings, not the vocabulary's lexemes, so it stays valid when a
    memory zone (``nlp.memory_zone()``) frees the words a document added.
    """

    def __init__(self, tokenizer: Tokenizer, max_chunks: int = MAX_CHUNKS) -> None:
        """Wrap ``tokenizer``; remember at most ``max_chunks`` chunks at a time."""
        self.tokenizer = tokenizer
        self.vocab = tokenizer.vocab
        self.max_chunks = max_chunks
        # chunk -> (its words, (index, norm) for each word whose norm is not its lexeme's)
        self._chunks: dict[str, tuple[tuple[str, ...], tuple[tuple[int, str], ...]]] = {}

    def __call__(self, text: str) -> Doc:
        """The ``Doc`` of ``text``."""
        words: list[str] = []
        spaces: list[bool] = []
        norms: list[tuple[int, str]] = []
        chunks = self._chunks
        after_word = False
        for chunk in _CHUNKS.findall(text):
            if chunk[0].isspace():
                # As spaCy does, one plain space after a word is that word's trailing
                # whitespace; the rest of the run, if any, is a token of its own.
                if after_word and chunk[0] == " ":
                    spaces[-1] = True
                    chunk = chunk[1:]
                after_word = False
                if not chunk:
                    continue
            else:
                after_word = True
            split = chunks.get(chunk)
            if split is None:
                split = self._split(chunk)
            chunk_words, chunk_norms = split
            if chunk_norms:
                norms.extend((len(words) + index, norm) for index, norm in chunk_norms)
            words.extend(chunk_words)
            spaces.extend([False] * len(chunk_words))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for index, norm in norms:
            doc[index].norm_ = norm
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        """The ``Doc`` of each of ``texts``, in order."""
        for text in texts:
            yield self(text)

    def _split(self, chunk: str) -> tuple[tuple[str, ...], tuple[tuple[int, str], ...]]:
        """Split ``chunk`` with spaCy's tokenizer and remember it."""
        doc = self.tokenizer(chunk)
        words = (chunk,) if len(doc) == 1 else tuple(token.text for token in doc)  # most chunks are one word
        split = (words, tuple((token.i, token.norm_) for token in doc if token.norm != token.lex.norm))
        if len(self._chunks) >= self.max_chunks:
            self._chunks.clear()
        self._chunks[chunk] = split
        return split
