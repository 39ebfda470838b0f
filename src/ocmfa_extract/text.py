"""Small text helpers shared by the pipeline, the corpus merge and the evaluation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

HONORIFICS: frozenset[str] = frozenset({"mr", "mrs", "ms", "miss", "dr", "madam", "madame", "sir"})

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


# Letters that carry their stroke in the base character, so NFKD leaves them alone.
_STROKED = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"})


def strip_accents(text: str) -> str:
    """Return ``text`` without accents ("Đặng" -> "Dang", "Zoë" -> "Zoe")."""
    if text.isascii():  # most text: nothing to strip, and no need to look at each character
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_STROKED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=8_192)  # asked for every mention as it is found, and for every person twice when written
def name_key(name: str) -> str:
    """Return the comparison key of a person's name.

    Casefolded, accents and honorifics (Mr, Mrs, Ms, Dr, Madam, Sir) dropped, then every
    character that is not a letter or digit removed: "Mr Zhou Yu'an" and "Zhou Yuan" share
    the key "zhouyuan". This is the key of ``GOLD-FORMAT.md`` and of the people merge.
    """
    words = _WORD.findall(strip_accents(name).casefold())
    while words and words[0].rstrip(".") in HONORIFICS:
        words = words[1:]
    return _NON_ALNUM.sub("", "".join(words))
