"""What a body's name is made of: its content words, and the words that can stand inside it."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

# An acronym: capitals, perhaps with lower-case letters between them ("UNHCR", "MoFA").
ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")
# A disambiguator at the end of a title: "Office of the Commissioner (Hong Kong)".
DISAMBIGUATOR = re.compile(r"\s*\([^)]*\)\s*$")


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The lowercased words of a name without stop words and possessives."""
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", text.replace("’", "'"))
    return frozenset(word.casefold() for word in words if word.casefold() not in STOP_WORDS and word != "s")


@lru_cache(maxsize=8_192)
def is_name_word(word: str) -> bool:
    """A word that can stand inside a body's name: capitalised or an acronym."""
    return (word.isalpha() and word[:1].isupper()) or bool(ACRONYM.match(word))
