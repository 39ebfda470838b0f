"""Word features: which name parts a word may be, from the lexicons, kept as lexeme flags.

Each kind is a lexeme flag (``extensions.KIND_FLAGS``): a word's kinds depend only on its
text, so spaCy computes them once per word of the vocabulary, and the matcher reads them
in its compiled loop, without a Python call per token. Two more flags say where names can
lie: a capitalised word or one a people pattern names ("-", "bin", "J."), and the hyphen
(the word after it may be a name's lower-case end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ...extensions import KIND_FLAGS, LEXEME_FLAGS
from ...patterns import NAME_PART_KINDS, Patterns
from ...text import strip_accents
from ..layout import per_token

TOKEN_KINDS = NAME_PART_KINDS
#: A token's name-part kinds as bits, in the order of ``TOKEN_KINDS``.
KIND_BITS: dict[str, int] = {kind: 1 << index for index, kind in enumerate(TOKEN_KINDS)}
ANY_KIND = (1 << len(TOKEN_KINDS)) - 1
RUN_WORD_BIT = 1 << len(TOKEN_KINDS)  # a capitalised word, or one a people pattern names
HYPHEN_BIT = RUN_WORD_BIT << 1
#: The kinds that stand before a name without being part of it.
CONTEXT_KINDS = KIND_BITS["honorific"] | KIND_BITS["title_word"] | KIND_BITS["kin"]
_RUN_WORD_FLAG = LEXEME_FLAGS["people"][len(TOKEN_KINDS)]
_HYPHEN_FLAG = LEXEME_FLAGS["people"][len(TOKEN_KINDS) + 1]

_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))+$")


def is_name_word(text: str) -> bool:
    """A capitalised word of letters ("Kōji", "Ru'an", "O'Brien", "McDonald"), not in capitals."""
    if not _NAME_WORD.match(text) or not text[0].isupper():
        return False
    capitals = sum(ch.isupper() for ch in text)
    return capitals == 1 or (capitals == 2 and len(text) > 3 and not text.isupper())


@dataclass(frozen=True)
class NameLexicons:
    """The word lists the name rules consult."""

    syllables: frozenset[str]
    cn_surnames: frozenset[str]
    given_names: frozenset[str]
    surnames: frozenset[str]
    honorifics: frozenset[str]
    not_name_words: frozenset[str]
    title_words: frozenset[str]
    surname_first: frozenset[str]
    kin_words: frozenset[str]
    lowercase_words: frozenset[str]  # lower-case words that still carry a flag

    @classmethod
    def from_patterns(cls, patterns: Patterns) -> NameLexicons:
        """Gather the lexicons from a loaded patterns directory."""
        # The words that can stand right before a name: the last word of each title
        # ("Consul General X", "Commissioner X") and the rank words.
        title_words = {
            re.split(r"[\s\-]+", rule["pattern"].casefold())[-1]
            for rule in patterns.rules["titles"]
            if isinstance(rule["pattern"], str)
        } - STOP_WORDS
        return cls(
            syllables=patterns.lexicon("pinyin_syllables") | patterns.lexicon("romanised_syllables"),
            cn_surnames=patterns.lexicon("chinese_surnames"),
            given_names=patterns.lexicon("given_names") | patterns.lexicon("other_given_names"),
            surnames=patterns.lexicon("surnames") | patterns.lexicon("chinese_surnames"),
            honorifics=patterns.lexicon("honorifics"),
            not_name_words=patterns.lexicon("not_name_words"),
            title_words=frozenset(title_words),
            surname_first=patterns.lexicon("surname_first"),
            kin_words=patterns.lexicon("kin_words"),
            lowercase_words=frozenset(title_words)
            | patterns.lexicon("honorifics")
            | patterns.lexicon("kin_words")
            | patterns.lexicon("pinyin_syllables")
            | patterns.lexicon("romanised_syllables"),
        )

    def is_syllables(self, word: str, most: int = 2) -> bool:
        """Return whether ``word`` splits into 1 to ``most`` romanised syllables."""
        parts = [part for part in re.split(r"['’]", word.casefold()) if part]
        if len(parts) > 1:
            return len(parts) <= most and all(part in self.syllables for part in parts)
        word = parts[0] if parts else ""
        if word in self.syllables:
            return True
        return most >= 2 and any(
            word[:cut] in self.syllables and word[cut:] in self.syllables for cut in range(1, len(word))
        )


class NameParts:
    """Which name parts a word may be, from the lexicons, kept as lexeme flags.

    :meth:`install` registers one flag a kind with the vocabulary; spaCy then asks
    :meth:`word_bits` once for each word it meets, and ``token._.ocmfa_<kind>`` and
    the people patterns read the flags.
    """

    def __init__(self, lexicons: NameLexicons, run_words: frozenset[str]) -> None:
        """Use ``lexicons``; ``run_words`` are the words people patterns name literally."""
        self.lexicons = lexicons
        self.run_words = run_words
        # One bounded cache: the flags ask once per new word, the rules once per distinct
        # word of each document; the frequent words stay in it.
        self.word_bits = lru_cache(maxsize=16_384)(self._word_bits)

    def install(self, vocab: Vocab) -> None:
        """Register the flags with ``vocab`` (words it already holds get them at once)."""
        for kind, flag in KIND_FLAGS.items():
            vocab.add_flag(partial(self._has_kind, KIND_BITS[kind]), flag_id=flag)
        vocab.add_flag(self._is_run_word, flag_id=_RUN_WORD_FLAG)
        vocab.add_flag(lambda text: text == "-", flag_id=_HYPHEN_FLAG)

    def _has_kind(self, bit: int, text: str) -> bool:
        return bool(self.word_bits(text) & bit)

    def kinds_of_word(self, text: str) -> int:
        """The kind bits of one word."""
        lexicons = self.lexicons
        if not text[:1].isupper() and text.lower() not in lexicons.lowercase_words:
            return 0
        lower = strip_accents(text.lower().rstrip("."))
        if len(text) >= 3 and text.isupper() and text.isalpha() and lower in lexicons.surnames:
            return KIND_BITS["caps_surname"]  # "NAKAMURA Reiko": a family name in capitals, written first
        bits = self._context_bits(text, lower)
        if bits & KIND_BITS["honorific"] or not self._may_be_name(text, lower):
            return bits
        return bits | KIND_BITS["cap"] | self._name_part_bits(lower)

    def _context_bits(self, text: str, lower: str) -> int:
        """The kinds a word has whether or not it may be part of a name."""
        lexicons = self.lexicons
        bits = 0
        if lower in lexicons.honorifics:
            bits |= KIND_BITS["honorific"]
        if lower in lexicons.title_words:
            bits |= KIND_BITS["title_word"]
        if lower in lexicons.kin_words:
            bits |= KIND_BITS["kin"]
        if text.isalpha() and lexicons.is_syllables(lower, most=1):
            bits |= KIND_BITS["syllable"]
        return bits

    def _may_be_name(self, text: str, lower: str) -> bool:
        """A capitalised name word that is no word never part of a name, stop word or title word."""
        lexicons = self.lexicons
        return (
            is_name_word(text)
            and lower not in lexicons.not_name_words
            and lower not in STOP_WORDS
            and lower not in lexicons.title_words
        )

    def _name_part_bits(self, lower: str) -> int:
        """The name parts a word that may be in a name is, from the name lexicons."""
        lexicons = self.lexicons
        bits = 0
        if lower in lexicons.cn_surnames:
            bits |= KIND_BITS["cn_surname"]
        if lexicons.is_syllables(lower):
            bits |= KIND_BITS["cn_given"]
        if lower in lexicons.given_names:
            bits |= KIND_BITS["given_name"]
        if lower in lexicons.surnames:
            bits |= KIND_BITS["surname"]
        if lower in lexicons.surname_first:
            bits |= KIND_BITS["surname_first"]
        return bits

    def bits(self, doc: Doc) -> numpy.ndarray:
        """The kind bits (and ``RUN_WORD_BIT``, ``HYPHEN_BIT``) of every token of ``doc``.

        The same bits as the lexeme flags, worked out once per distinct word of the
        document (reading a dozen flags of every token costs more).
        """
        return per_token(doc, self.word_bits, numpy.uint64)

    def _word_bits(self, text: str) -> int:
        """One word's kind bits, plus ``RUN_WORD_BIT`` and ``HYPHEN_BIT`` as the flags :meth:`install` registers."""
        bits = self.kinds_of_word(text)
        if self._is_run_word(text):
            bits |= RUN_WORD_BIT
        return bits | HYPHEN_BIT if text == "-" else bits

    def _is_run_word(self, text: str) -> bool:
        return text[:1].isupper() or text.casefold() in self.run_words
