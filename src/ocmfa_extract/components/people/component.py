"""The ``ocmfa_people`` component: named people and every mention of them in a document.

Reads the tokens and ``doc._.ocmfa_layout``. Adds:

- token attributes ``token._.ocmfa_<kind>`` (``cn_surname``, ``cn_given``, ``syllable``,
  ``given_name``, ``surname``, ``cap``, ``honorific``, ``title_word``) that tell which
  lexicon a token belongs to, for the token patterns of ``people.jsonl`` to use;
- ``doc.spans["ocmfa_people"]``: one span a mention, label ``PERSON``, ``span.id_`` the
  rule that found it and ``span.kb_id_`` the person's key (:func:`name_key`) within the
  document; honorifics and titles are outside the span ("Mr Song" is kept whole only
  where the surname alone would say too little);
- ``doc._.ocmfa_people``: ``{key: canonical name}`` in order of first mention.

Without a statistical model, a name is found from lexicons of name parts (Chinese
surnames and romanised syllables, common given names and surnames), from its context (an
honorific, a title, an infobox ``Name:`` field, a leader-list item) and is rejected when
it is a place in the gazetteer, holds a word that is never part of a name, or is
followed by one ("Kennedy Road").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import accumulate
from typing import Any

import numpy
from spacy.attrs import LOWER, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from ...extensions import KIND_FLAGS, LEXEME_FLAGS, PEOPLE_KEY, PRONOUNS_KEY
from ...patterns import NAME_PART_KINDS, Patterns
from ...text import name_key, strip_accents
from ..layout import document_text, per_token, sentence_of, span_text, token_attr_array, token_words, tokens_among
from ..rules import TokenRuleMatcher, cached_patterns, literal_words, patterns_dir_or_default, word_runs

TOKEN_KINDS = NAME_PART_KINDS
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’](?=[^\W\d_]))+$")
_MODIFIER_DETERMINERS = frozenset({"a", "an"})
_LIST_NAME = re.compile(r"^([A-Z][\w'’\-]*(?: [A-Z][\w'’\-.]*){1,3})\s*[(,]")

# Titles of documents that are one person's own words.
AUTHORED_TITLE = re.compile(
    r"^(?:(?:welcome\s+)?message|speech|remarks|statement|letter|address|keynote speech|op-ed|article)\b",
    re.IGNORECASE,
)
# Titles of documents that are the words of whoever signs them at the end ("Welcome from
# the Consul General"), though the title names nobody.
SIGNED_TITLE = re.compile(r"^(?:welcome|greetings)\b", re.IGNORECASE)


def authored_title(title: str) -> re.Match[str] | None:
    """The word that makes a title one person's (``AUTHORED_TITLE``) or its signatory's (``SIGNED_TITLE``)."""
    return AUTHORED_TITLE.match(title) or SIGNED_TITLE.match(title)


_THIRD_PERSON = frozenset({"he", "she"})
_SURNAME_FIRST_RULES = frozenset(
    {
        "chinese_name",
        "chinese_name_hyphenated",
        "hyphenated_given_name",
        "cantonese_three_syllables",
        "macanese_four_syllables",
        "surname_first_name",
        "caps_surname_first",
        "caps_surname_patronymic",
    }
)

# Each kind is a lexeme flag (extensions.KIND_FLAGS): a word's kinds depend only on its
# text, so spaCy computes them once per word of the vocabulary, and the matcher reads them
# in its compiled loop, without a Python call per token.
# Two more flags say where names can lie: a capitalised word or one a people pattern names
# ("-", "bin", "J."), and the hyphen (the word after it may be a name's lower-case end).
_RUN_WORD_FLAG = LEXEME_FLAGS["people"][len(TOKEN_KINDS)]
_HYPHEN_FLAG = LEXEME_FLAGS["people"][len(TOKEN_KINDS) + 1]


def only_honorifics(doc: Doc, start_char: int, end_char: int) -> bool:
    """Whether the text between two offsets holds nothing but honorifics ("Dr.", "H.E."), if anything."""
    if start_char >= end_char:
        return True
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    return span is not None and all(token._.ocmfa_honorific or token.is_punct or token.is_space for token in span)


def is_name_word(text: str) -> bool:
    """A capitalised word of letters ("Kōji", "Ru'an", "O'Brien", "McDonald"), not in capitals."""
    if not _NAME_WORD.match(text) or not text[0].isupper():
        return False
    capitals = sum(ch.isupper() for ch in text)
    return capitals == 1 or (capitals == 2 and len(text) > 3 and not text.isupper())


def resolve_pronouns(doc: Doc, mentions: list[Span], author: str | None) -> list[Span]:
    """Link "he"/"she" to a person, and "I" to the author of a message or speech.

    "He"/"she" refers to the subject of its own sentence when one came before it, else
    to the subject of the latest sentence that has one; a sentence's subject is the
    first person named (or referred to) in it. "Yoon was born in Daegu, where her
    father, X, ran a shop. She graduated ..." refers to Yoon, not to the father.
    """
    mention_at = {mention.start: mention for mention in mentions}
    # Only mentions and pronouns matter: look at their positions, not at every token.
    third = tokens_among(doc, _THIRD_PERSON, LOWER)
    first = tokens_among(doc, ["I"] if author is not None else [])
    pronoun_at = {int(index): bool(third[index]) for index in numpy.flatnonzero(third | first)}
    resolved: list[Span] = []
    subjects: dict[int, str] = {}  # sentence start -> key of its subject
    last_subject: str | None = None
    for index in sorted(mention_at.keys() | pronoun_at.keys()):
        sentence = sentence_of(doc, index).start
        key: str | None = None
        if index in mention_at:
            key = mention_at[index].kb_id_
        elif not pronoun_at[index]:  # "I", in a message or speech
            key = author
            resolved.append(Span(doc, index, index + 1, label="PRONOUN", kb_id=key))
        else:
            key = subjects.get(sentence, last_subject)
            if key is not None:
                resolved.append(Span(doc, index, index + 1, label="PRONOUN", kb_id=key))
        if key is not None and sentence not in subjects:
            subjects[sentence] = key
            last_subject = key
    return resolved


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


# A token's name-part kinds as bits, in the order of TOKEN_KINDS.
KIND_BITS: dict[str, int] = {kind: 1 << index for index, kind in enumerate(TOKEN_KINDS)}
ANY_KIND = (1 << len(TOKEN_KINDS)) - 1
_RUN_WORD = 1 << len(TOKEN_KINDS)
_COMMA = (",",)
_PLURAL_KIN = frozenset({"children", "sons", "daughters", "grandchildren", "brothers", "sisters"})  # in kin_words
_TITLE_LINKS = frozenset({"to", "of", "in", "at", "for"})  # "ambassador to", "minister of"
_PLACE_JOINERS = _TITLE_LINKS | {"the", "and", "'s", "’s"}
_CONTEXT_KINDS = KIND_BITS["honorific"] | KIND_BITS["title_word"] | KIND_BITS["kin"]  # stand before a name
_HYPHEN = _RUN_WORD << 1
_MOST_NAME_WORDS = 6  # "Gonzalo Ignacio Araya Benavente", "Mohammed bin Rashid Al Maktoum"
_LINE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# A list item or an infobox line: "* Name (...)", "1. Name", "Director: Name".
_LIST_OR_FIELD_LINE = re.compile(r"\s*(?:[*•·\-–]|\d+[.)]|[^:]{1,40}:)\s")


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
        bits = 0
        if not text[:1].isupper() and text.lower() not in lexicons.lowercase_words:
            return bits
        lower = strip_accents(text.lower().rstrip("."))
        if len(text) >= 3 and text.isupper() and text.isalpha() and lower in lexicons.surnames:
            return KIND_BITS["caps_surname"]  # "NAKAMURA Reiko": a family name in capitals, written first
        honorific = lower in lexicons.honorifics
        if honorific:
            bits |= KIND_BITS["honorific"]
        if lower in lexicons.title_words:
            bits |= KIND_BITS["title_word"]
        if lower in lexicons.kin_words:
            bits |= KIND_BITS["kin"]
        if text.isalpha() and lexicons.is_syllables(lower, most=1):
            bits |= KIND_BITS["syllable"]
        cap = (
            not honorific
            and is_name_word(text)
            and lower not in lexicons.not_name_words
            and lower not in STOP_WORDS
            and lower not in lexicons.title_words
        )
        if not cap:
            return bits
        bits |= KIND_BITS["cap"]
        for kind, present in (
            ("cn_surname", lower in lexicons.cn_surnames),
            ("cn_given", lexicons.is_syllables(lower)),
            ("given_name", lower in lexicons.given_names),
            ("surname", lower in lexicons.surnames),
            ("surname_first", lower in lexicons.surname_first),
        ):
            if present:
                bits |= KIND_BITS[kind]
        return bits

    def bits(self, doc: Doc) -> numpy.ndarray:
        """The kind bits (and ``_RUN_WORD``, ``_HYPHEN``) of every token of ``doc``.

        The same bits as the lexeme flags, worked out once per distinct word of the
        document (reading a dozen flags of every token costs more).
        """
        return per_token(doc, self.word_bits, numpy.uint64)

    def _word_bits(self, text: str) -> int:
        """One word's kind bits, plus ``_RUN_WORD`` and ``_HYPHEN`` as the flags :meth:`install` registers."""
        bits = self.kinds_of_word(text)
        if self._is_run_word(text):
            bits |= _RUN_WORD
        return bits | _HYPHEN if text == "-" else bits

    def _is_run_word(self, text: str) -> bool:
        return text[:1].isupper() or text.casefold() in self.run_words


def name_runs(bits: numpy.ndarray, shortest: int) -> list[tuple[int, int]]:
    """The stretches of tokens a name can lie in: ``(start, end)`` token offsets.

    A stretch is a run of tokens that are name parts, capitalised, named literally by a
    people pattern, or follow a hyphen ("Chun-fai"), at least ``shortest`` long and
    holding a name part. People patterns are matched only inside these stretches.
    """
    name_part = (bits & ANY_KIND) != 0
    member = name_part | ((bits & _RUN_WORD) != 0)
    member[1:] |= (bits[:-1] & _HYPHEN) != 0
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


@Language.factory(
    "ocmfa_people",
    assigns=["doc.spans", "doc._.ocmfa_people"],
    requires=["doc._.ocmfa_layout"],
    default_config={"patterns_dir": None},
)
def make_people(nlp: Language, name: str, patterns_dir: str | None) -> PeopleComponent:
    """Create the people component from the patterns in ``patterns_dir``."""
    return PeopleComponent(nlp, name, cached_patterns(patterns_dir_or_default(patterns_dir)))


class PeopleComponent:
    """Find people's names and link the short forms to the full ones."""

    def __init__(self, nlp: Language, name: str, patterns: Patterns) -> None:
        """Build the name matcher and the place gazetteer from ``patterns``."""
        self.lexicons = NameLexicons.from_patterns(patterns)
        self.street_prefixes = patterns.lexicon("street_prefixes")
        self.media_words = patterns.lexicon("media_words")
        # One-word reporting verbs of the statement cues ("said", "told"): beside one, a
        # name's other end can stand for the person ("Khoa said", "said Suphanee").
        self.reporting_verbs = frozenset(
            rule["pattern"].casefold()
            for rule in patterns.rules["cues"]
            if rule["label"] == "SAY" and isinstance(rule["pattern"], str) and " " not in rule["pattern"]
        )
        self.name_parts = NameParts(self.lexicons, literal_words(patterns.rules["people"]))
        # The particles the people patterns name ("bin", "al", "von"): a name does not end on one.
        self.particles = frozenset(word for word in self.name_parts.run_words if word.isalpha())
        self.name_parts.install(nlp.vocab)
        # The patterns name the kinds as ``_.ocmfa_<kind>``; the matcher reads their flags.
        self.rules = TokenRuleMatcher(
            nlp,
            patterns.rules["people"],
            predicate_flags=LEXEME_FLAGS["people_predicates"],
            extension_flags={f"ocmfa_{kind}": flag for kind, flag in KIND_FLAGS.items()},
        )
        self.run_filter = RunFilter([rule["pattern"] for rule in patterns.rules["people"]])
        self.shortest = min(
            sum(spec.get("OP") not in {"?", "*"} for spec in rule["pattern"]) for rule in patterns.rules["people"]
        )
        self.places = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.places.add("PLACE", [nlp.make_doc(place) for place in sorted(patterns.lexicon("places"))])

    def __call__(self, doc: Doc) -> Doc:
        """Annotate the person mentions of ``doc``."""
        bits = self.name_parts.bits(doc)
        place_tokens = {i for _, start, end in self.places(doc) for i in range(start, end)}
        runs, feasible = self.run_filter.select(name_runs(bits, self.shortest), bits)
        matches = self.rules.match_in_runs(doc, runs, feasible)
        # The longest candidate wins first, then is accepted or rejected whole: "Sun Yat-sen
        # Memorial Hall" must not leave "Sun Yat" behind.
        kinds = bits.tolist()
        words = token_words(doc)
        candidates = [
            name for name in (self._strip_context(match, kinds, words) for match in matches) if name is not None
        ]
        grow = partial(
            self._grown, kinds=kinds, words=words, place_tokens=place_tokens, title_case=_TitleCaseLines(doc)
        )
        candidates = filter_spans(
            [grow(span) for span in candidates + self._appositive_names(doc, bits, kinds, words)]
            + self._layout_names(doc, kinds)
            + self._kin_list_names(doc, bits, kinds, words)
        )
        if doc.has_annotation("ENT_IOB"):  # a statistical base model ran first (``--model``)
            candidates = sorted(candidates + self._model_names(doc, candidates, kinds, words))
        names = [
            span
            for span in candidates
            if (len(span) > 1 or span.label_ == "CONTEXT") and self._acceptable(span, place_tokens, kinds, words)
        ]
        mentions = self._link_mentions(doc, names, bits)
        doc.spans[PEOPLE_KEY] = mentions
        forms: dict[str, list[Span]] = {}  # each person's mentions, people in order of first mention
        for span in mentions:
            forms.setdefault(span.kb_id_, []).append(span)
        text = document_text(doc)
        doc._.ocmfa_people = {key: self._canonical(spans, kinds, text) for key, spans in forms.items()}
        doc._.ocmfa_author = self._author(doc, mentions)
        doc.spans[PRONOUNS_KEY] = resolve_pronouns(doc, mentions, doc._.ocmfa_author)
        return doc

    @staticmethod
    def _author(doc: Doc, mentions: list[Span]) -> str | None:
        """The person a message or speech is by: named in its title ("Message from X"), else its signatory.

        The signatory is the person of a line that holds only their name (after an
        honorific: "Dr. X") among the document's last four lines.
        """
        title = doc._.ocmfa_layout.title
        if title is None:
            return None
        if not authored_title(title.text):
            return None
        if AUTHORED_TITLE.match(title.text):
            named = next((m.kb_id_ for m in mentions if title.start <= m.start_char < title.end), None)
            if named is not None:
                return named
        for line in doc._.ocmfa_layout.lines[-4:]:
            for mention in mentions:
                if (
                    mention.end_char == line.end
                    and line.start <= mention.start_char
                    and only_honorifics(doc, line.start, mention.start_char)
                ):
                    return mention.kb_id_
        return None

    def _grown(
        self, span: Span, kinds: list[int], words: list[str], place_tokens: set[int], title_case: _TitleCaseLines
    ) -> Span:
        """A name with the capitalised words that go on after it, and hyphenated parts on either side.

        The patterns match two or three words; many names are longer: "Luiz Fernando
        Vasconcellos Moreira", "Almas Nurlanovich Zhaksylykov" (a patronymic), "Ama Serwaa
        Boakye-Danquah", "Abdul-Rashid Sulemana". The words must be name words (not in
        ``not_name_words``, not places) joined by one space, the name may not end on a
        particle ("bin", "Al"), and the capitals must stop where it does. In a line in
        title case ("Minister Li Meets Visiting Kazakh Delegation") a name grows only up
        to punctuation ("..., Ambassador Ana Lucía Gamarra Villanueva, at ...").
        """
        doc = span.doc
        spaced = token_attr_array(doc, SPACY)  # one trailing space (a line break is a token)
        cap = KIND_BITS["cap"]

        def hyphen_joins(hyphen: int) -> bool:  # "Boakye-Danquah": no space either side
            return words[hyphen] == "-" and not spaced[hyphen - 1] and not spaced[hyphen]

        start, end = span.start, span.end
        if start >= 2 and hyphen_joins(start - 1) and kinds[start - 2] & cap:
            start -= 2
        while sum(words[i] != "-" for i in range(start, end)) < _MOST_NAME_WORDS and end < len(words):
            if end + 1 < len(words) and hyphen_joins(end) and kinds[end + 1] & cap:
                end += 2
            elif spaced[end - 1] and kinds[end] & cap and end not in place_tokens:
                end += 1
            else:
                break
        while end > span.end and words[end - 1].casefold() in self.particles:
            end -= 1
        if end > span.end and end < len(words) and words[end][:1].isupper():
            end = span.end  # the capitals run on: "Commissioner Li Ming Met Outgoing CG of ...", a headline
        if end > span.end and title_case(doc[span.start].idx):
            # In a headline the name must be closed off by punctuation; capitals that run on
            # to the line's end are the headline's own words.
            closed = end < len(words) and not words[end][0].isalnum() and not words[end].isspace()  # ",", ")", "|"
            end = end if closed else span.end
        if (start, end) == (span.start, span.end):
            return span
        return Span(doc, start, end, label=span.label_, span_id=span.id_)

    @staticmethod
    def _strip_context(span: Span, kinds: list[int], words: list[str]) -> Span | None:
        """Drop leading honorifics and titles; label the rest CONTEXT if they were there.

        ``kinds`` are the kind bits of the document's tokens (:meth:`NameParts.bits`),
        ``words`` their texts.
        """
        start = span.start
        while start < span.end and (kinds[start] & _CONTEXT_KINDS or (start > span.start and words[start] == ",")):
            start += 1
        if start == span.end:
            return None
        label = "CONTEXT" if start > span.start else "NAME"
        return Span(span.doc, start, span.end, label=label, span_id=span.id_)

    def _acceptable(self, name: Span, place_tokens: set[int], kinds: list[int], words: list[str]) -> bool:
        """Reject places, organisation modifiers and names followed by a place word."""
        after = words[name.end] if name.end < len(words) else None
        if after is not None and after.lower() in self.lexicons.not_name_words and after.istitle():
            return False  # "Kennedy Road", "General Political Department"
        honorific_before = name.start > 0 and kinds[name.start - 1] & KIND_BITS["honorific"]
        first = name.start - 1 if honorific_before else name.start
        if first > 0 and words[first - 1].lower() in self.street_prefixes:
            return False  # "Avenida Dr. Stanley Ho", "Rua Sun Yat-sen": a street named after someone
        if name.start > 0 and words[name.start - 1].lower() in self.media_words:
            return False  # "the newspaper La Nación": a publication
        if name.label_ == "CONTEXT":
            return True  # "Mr X", "Ambassador X": the context vouches for the name
        if any(i in place_tokens for i in range(name.start, name.end)):
            return False
        return name.start == 0 or words[name.start - 1].lower() not in _MODIFIER_DETERMINERS  # not "a Wan Chai club"

    def _model_names(self, doc: Doc, found: list[Span], kinds: list[int], words: list[str]) -> list[Span]:
        """The base model's PERSON entities that the rules confirm, where no rule found a name.

        The rules take precedence: an entity overlapping a rule's candidate is dropped.
        An entity is confirmed when, without its honorifics and titles, it is two to four
        capitalised name words; it is then checked like any candidate (places, "Kennedy
        Road"). One-word entities are left to the rules (they link surnames to names).
        """
        taken = {i for span in found for i in range(span.start, span.end)}
        confirmed: list[Span] = []
        for entity in doc.ents:
            if entity.label_ != "PERSON" or any(i in taken for i in range(entity.start, entity.end)):
                continue
            entity_span = Span(doc, entity.start, entity.end, label="PERSON", span_id="model_ner")
            name = self._strip_context(entity_span, kinds, words)
            if name is not None and self._looks_like_name(name, kinds):
                confirmed.append(name)
        return confirmed

    def _layout_names(self, doc: Doc, kinds: list[int]) -> list[Span]:
        """Names given by the layout: infobox ``... Name:`` values and leader-list items."""
        found: list[Span] = []
        layout = doc._.ocmfa_layout
        for field in layout.infobox:
            key_words = [word.rstrip("0123456789").casefold() for word in field.key.text.split()]
            if key_words[-1] == "name" or any(word in self.lexicons.title_words for word in key_words):
                span = doc.char_span(field.value.start, field.value.end, label="CONTEXT", span_id="infobox_name")
                if span is not None and self._looks_like_name(span, kinds):
                    found.append(span)
        for item in layout.list_items:
            match = _LIST_NAME.match(item.body.text)
            if item.heading is None or match is None:
                continue
            start = item.body.start
            span = doc.char_span(start, start + len(match.group(1)), label="CONTEXT", span_id="leader_list")
            if span is not None and self._looks_like_name(span, kinds):
                found.append(span)
        return found

    @staticmethod
    def _appositive_names(doc: Doc, bits: numpy.ndarray, kinds: list[int], words: list[str]) -> list[Span]:
        """Two or three capitalised words set off by a comma beside a title.

        "Suphanee Kittikhun, Director-General of ..." and "Thailand's ambassador to Viet
        Nam, Chatree Boonmee, who ...": the title vouches for a name the lexicons do not
        know, as an honorific does. The words must make the whole stretch of capitals
        between the commas (or the comma and what comes before).
        """
        cap, title = KIND_BITS["cap"], KIND_BITS["title_word"]
        found: list[Span] = []
        # Only a comma with a capitalised word or a title one or two words after it can be one.
        commas = numpy.flatnonzero(tokens_among(doc, _COMMA))
        padded = numpy.concatenate((bits, numpy.zeros(2, dtype=bits.dtype)))
        near = (padded[commas + 1] & (cap | title)) | (padded[commas + 2] & title)
        for comma in commas[near != 0].tolist():
            # The name, then ", (the) <title>".
            after = comma + 1 + (comma + 1 < len(words) and words[comma + 1].lower() == "the")
            start = comma
            while start > 0 and kinds[start - 1] & cap and comma - start < 4:
                start -= 1
            possessive = start > 0 and words[start - 1] in {"'s", "’s"}  # "the People's Liberation Army, the"
            if after < len(words) and kinds[after] & title and 2 <= comma - start <= 3 and not possessive:
                found.append(Span(doc, start, comma, label="PERSON", span_id="appositive_name"))
            # "<title> to/of/in <Capitals>, " then the name, then a comma.
            end = comma + 1
            while end < len(words) and kinds[end] & cap and end - comma <= 4:
                end += 1
            if not (2 <= end - comma - 1 <= 3 and end < len(words) and words[end] == ","):
                continue
            before = comma - 1  # back over the body or place the title is of, to the title
            while (
                before > 0
                and comma - before <= 8
                and not kinds[before] & title
                and (words[before][:1].isupper() or words[before] in _PLACE_JOINERS)
            ):
                before -= 1
            if before < comma - 1 and words[before + 1] in _TITLE_LINKS and kinds[before] & title:
                found.append(Span(doc, comma + 1, end, label="PERSON", span_id="appositive_name"))
        return found

    @staticmethod
    def _kin_list_names(doc: Doc, bits: numpy.ndarray, kinds: list[int], words: list[str]) -> list[Span]:
        """The names listed after a plural kin word: "three children: Nasser, Maryam and Hamad".

        Each name is one capitalised word; ages may follow them ("our daughters, Aoife, 11,
        and Clodagh, 8"). The list ends at the first word that is none of these.
        """
        found: list[Span] = []
        for index in numpy.flatnonzero(bits & KIND_BITS["kin"]).tolist():
            if words[index].lower() not in _PLURAL_KIN:
                continue
            cursor = index + 1
            if cursor < len(words) and words[cursor] in {":", ","}:
                cursor += 1
            names: list[int] = []
            while cursor < len(words) and kinds[cursor] & KIND_BITS["cap"]:
                names.append(cursor)
                cursor += 1
                while cursor < len(words) and (words[cursor] in {",", "and"} or words[cursor].isdigit()):
                    cursor += 1
            if len(names) >= 2:  # a list, not "his sons Nasser" (the kin-name pattern's)
                found += [Span(doc, i, i + 1, label="CONTEXT", span_id="kin_list") for i in names]
        return found

    @staticmethod
    def _looks_like_name(span: Span, kinds: list[int]) -> bool:
        """Two to four capitalised name words, or parts after a hyphen ("Chun-fai")."""
        hyphens = {i for i in range(span.start, span.end) if kinds[i] & _HYPHEN}
        words = [i for i in range(span.start, span.end) if i not in hyphens]
        return 2 <= len(words) <= 4 and all(kinds[i] & KIND_BITS["cap"] or i - 1 in hyphens for i in words)

    def _link_mentions(self, doc: Doc, names: list[Span], bits: numpy.ndarray) -> list[Span]:
        """Give every name its person key, and attach short forms to the full names.

        A one-word name ("Mr Song", "Lai") that is the family name of a full name in the
        document refers to the person last named with it; one that is not, and stood
        after an honorific or a title, is a person of its own.
        """
        words, text = token_words(doc), document_text(doc)

        full_names = [span for span in names if len(span) > 1]
        # "Mr Ao Ieong" after "Ao Ieong Kin Fai": the start of a longer name is that name.
        longer: dict[tuple[str, ...], str] = {}  # every proper prefix of a name -> that name's key
        for span in sorted(full_names, key=len):
            name_words = tuple(words[span.start : span.end])
            for cut in range(2, len(name_words)):
                longer[name_words[:cut]] = name_key(span_text(text, span))
        by_surname: dict[str, list[tuple[int, str]]] = {}
        mentions: list[Span] = []
        # "SHIMIZU Takeo" and "Takeo Shimizu": the same words in another order or case are the same name.
        by_words: dict[frozenset[str], str] = {}
        for span in full_names:
            key = longer.get(tuple(words[span.start : span.end]), name_key(span_text(text, span)))
            key = by_words.setdefault(frozenset(word.casefold() for word in words[span.start : span.end]), key)
            mentions.append(Span(doc, span.start, span.end, label="PERSON", span_id=span.id_, kb_id=key))
            for surname in self._surnames(span, bits, words, text):
                by_surname.setdefault(surname, []).append((span.start, key))
        title = doc._.ocmfa_layout.title
        main_person = next(
            (
                name_key(span_text(text, s))
                for s in full_names
                if title and (s.start_char, s.end_char) == (title.start, title.end)
            ),
            None,
        )
        taken = {i for span in full_names for i in range(span.start, span.end)}
        parts = self._name_parts_of(mentions, by_surname, words)
        mentions += self._name_part_references(doc, parts, taken, bits)
        single_words = {span.start: span for span in names if len(span) == 1}
        # Only tokens that open a family name, or a one-word name, can add a mention.
        openers = {word for surname in by_surname for word in (surname, surname.split("-")[0])}
        opening = numpy.flatnonzero(tokens_among(doc, openers))
        positions = sorted(set(opening.tolist()) | single_words.keys())
        for index in positions:
            if index in taken:
                continue
            # A family name is one word, or three with a hyphen ("Al-Mansouri").
            length = 3 if span_text(text, doc[index : index + 3]) in by_surname and index + 2 not in taken else 1
            surname = doc[index : index + length]
            surname_text = span_text(text, surname)
            before = int(bits[index - 1]) if index > 0 else 0
            after = int(bits[surname.end]) if surname.end < len(doc) else 0
            if surname_text in by_surname:
                if (after | before) & KIND_BITS["cap"]:
                    continue  # part of some other name
                key = self._nearest(by_surname[surname_text], index, main_person)
                start = index - 1 if before & KIND_BITS["honorific"] else index
                mentions.append(Span(doc, start, surname.end, label="PERSON", span_id="surname_only", kb_id=key))
                taken.update(range(index, surname.end))
            elif index in single_words:
                # "Mr Binh", "Dr. Rahmat": the given name of a full name, after a title or honorific.
                span = single_words[index]
                key = parts.get(words[index]) or name_key(span_text(text, span))
                mentions.append(Span(doc, span.start, span.end, label="PERSON", span_id=span.id_, kb_id=key))
        return sorted(mentions)

    @staticmethod
    def _name_parts_of(
        full_mentions: list[Span], by_surname: dict[str, list[tuple[int, str]]], words: list[str]
    ) -> dict[str, str]:
        """The first and last words of full names that may stand for them alone: word -> person key.

        Vietnamese, Thai and Indonesian names are referred to by the given name ("Khoa
        said", "Mr Binh"), which the family-name rule does not link. ``full_mentions`` are
        the full names with their person keys. A word that ends or opens the full names
        of two people, or is already a family name, is left out.
        """
        owners: dict[str, set[str]] = {}
        for span in full_mentions:
            for word in (words[span.start], words[span.end - 1]):
                if word not in by_surname and word[:1].isupper():
                    owners.setdefault(word, set()).add(span.kb_id_)
        return {word: next(iter(keys)) for word, keys in owners.items() if len(keys) == 1}

    def _name_part_references(
        self, doc: Doc, parts: dict[str, str], taken: set[int], bits: numpy.ndarray
    ) -> list[Span]:
        """A word of ``parts`` (:meth:`_name_parts_of`) alone beside a reporting verb: "Khoa said", "said Suphanee".

        Found mentions are added to ``taken``.
        """
        words = token_words(doc)
        if not parts:
            return []
        cap = KIND_BITS["cap"]
        found: list[Span] = []
        for index in numpy.flatnonzero(tokens_among(doc, parts)).tolist():
            if index in taken:
                continue
            before = words[index - 1].lower() if index > 0 else ""
            after = words[index + 1].lower() if index + 1 < len(words) else ""
            if (index > 0 and bits[index - 1] & cap) or (index + 1 < len(words) and bits[index + 1] & cap):
                continue  # part of a longer capitalised name
            if before in self.reporting_verbs or after in self.reporting_verbs:
                found.append(
                    Span(doc, index, index + 1, label="PERSON", span_id="name_part", kb_id=parts[words[index]])
                )
                taken.add(index)
        return found

    @staticmethod
    def _surnames(span: Span, bits: numpy.ndarray, words: list[str], text: str) -> list[str]:
        """The family names a full name may be referred to by: first in East Asian order, else last.

        A name is in East Asian order when a rule for such names found it ("Yoon
        Seo-yeon", "Leung Chun-fai") or when a Chinese surname opens it. A name of three
        words or more in the other order may also be referred to by its next-to-last
        word: the father's family name of a Spanish name ("Ms Morera" for "Ana Lucía
        Morera Chaves"). ``bits`` and ``words`` are the kind bits and texts of the
        document's tokens.
        """
        first, second = int(bits[span.start]), int(bits[span.start + 1])
        given = KIND_BITS["cn_given"] | KIND_BITS["syllable"]
        chinese_order = first & KIND_BITS["cn_surname"] and second & given
        if span.id_ in _SURNAME_FIRST_RULES or chinese_order:
            surname = words[span.start]  # "NAKAMURA Reiko" is later "Ms Nakamura"
            return [surname, surname.title()] if surname.isupper() else [surname]
        if len(span) >= 4 and words[span.end - 2] == "-":
            return [span_text(text, span[-3:])]  # "Al-Mansouri", "Lloyd-Jones"
        surnames = [words[span.end - 1]]
        if len(span) >= 3 and "-" not in words[span.end - 3 : span.end] and bits[span.end - 2] & KIND_BITS["cap"]:
            surnames.append(words[span.end - 2])
        return surnames

    @staticmethod
    def _nearest(candidates: list[tuple[int, str]], position: int, main_person: str | None = None) -> str:
        """The person a surname refers to.

        The person a biography is about (``main_person``, named by its title) when they
        share the surname, else the last one named before it, else the first after.
        """
        if main_person is not None and any(key == main_person for _, key in candidates):
            return main_person
        before = [key for start, key in candidates if start < position]
        return before[-1] if before else candidates[0][1]

    @staticmethod
    def _canonical(mentions: list[Span], kinds: list[int], text: str) -> str:
        """The most complete written form of a person's name (``mentions`` are theirs): longest, then first seen."""
        forms = [
            span[1:] if kinds[span.start] & KIND_BITS["honorific"] else span for span in mentions
        ]  # without "Mr", "Dr"
        return max((span_text(text, form) for form in forms), key=len)


class _TitleCaseLines:
    """Whether an offset of a document lies in a headline in title case, not running text.

    Such a line has four words or more, every word of four letters or more capitalised,
    and is not a list item or an infobox line (a list of names looks the same); the title
    and the headings count as headlines. Each line is read once, however many names it
    holds, and the headings are looked up by bisection: a name on a long line or in a
    document of many headings costs no scan of either (issue 16).
    """

    def __init__(self, doc: Doc) -> None:
        """Sort the headings of ``doc``; no line is read yet."""
        self.layout = doc._.ocmfa_layout
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
            known = self.lines[line.start] = _in_title_case(line.text)
        return known


def _in_title_case(line: str) -> bool:
    if _LIST_OR_FIELD_LINE.match(line):
        return False
    words = _LINE_WORD.findall(line)
    return len(words) >= 4 and all(word[0].isupper() for word in words if len(word) >= 4)
