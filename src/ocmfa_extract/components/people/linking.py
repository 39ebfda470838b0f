"""In-document coreference: every name gets its person key, and short forms link to full names.

Two kinds of rule, each tried in the order of ``patterns/rules/people.jsonl``:

- *family-name rules* say which words a full name may be referred to by alone ("Ms
  Nakamura" for "NAKAMURA Reiko", "Ms Morera" for "Ana Lucía Morera Chaves"); the first
  that gives an answer wins;
- *linking rules* add mentions to a :class:`Coreference` in turn: the full names first,
  then the short forms that refer to them, then the one-word names of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy
from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from ...text import name_key
from ..layout import span_text, tokens_among
from .words import KIND_BITS

if TYPE_CHECKING:
    from .document import PeopleDoc

FAMILY_NAMES = "family names"  # what the family-name rules emit
MENTIONS = "mentions"  # what the linking rules emit
# A family name with a hyphen is three tokens ("Al", "-", "Mansouri").
_HYPHENATED_LENGTH = 3


@dataclass
class Coreference:
    """The people of one document as the linking rules find them.

    ``names`` are the accepted candidates; ``family_names`` gives a full name's family
    names (the family-name rules, first answer wins). The rules fill ``mentions`` (each
    with its person key as ``kb_id_``), mark the tokens they cover in ``taken``, and the
    full-name rule records whose family names and name parts are whose.
    """

    state: PeopleDoc
    names: list[Span]
    family_names: Callable[[PeopleDoc, Span], list[str]]
    mentions: list[Span] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)
    by_surname: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # family name -> (start, key)
    parts: dict[str, str] = field(default_factory=dict)  # a word that stands for one person -> key
    surname_positions: set[int] = field(default_factory=set)  # tokens read as a family name alone

    @cached_property
    def full_names(self) -> list[Span]:
        """The names of two words or more."""
        return [span for span in self.names if len(span) > 1]

    @cached_property
    def single_words(self) -> dict[int, Span]:
        """The one-word names (vouched for by a context), by start."""
        return {span.start: span for span in self.names if len(span) == 1}

    @cached_property
    def main_person(self) -> str | None:
        """The key of the person a biography is about: a full name that is its title."""
        title = self.state.doc._.ocmfa_layout.title
        text = self.state.text
        return next(
            (
                name_key(span_text(text, s))
                for s in self.full_names
                if title and (s.start_char, s.end_char) == (title.start, title.end)
            ),
            None,
        )

    def family_name_at(self, index: int) -> tuple[int, str] | None:
        """The family name of a full name that token ``index`` opens, as ``(length, text)``, if any.

        A family name is one word, or three with a hyphen ("Al-Mansouri").
        """
        doc, text = self.state.doc, self.state.text
        hyphenated = span_text(text, doc[index : index + _HYPHENATED_LENGTH])
        if hyphenated in self.by_surname and index + _HYPHENATED_LENGTH - 1 not in self.taken:
            return _HYPHENATED_LENGTH, hyphenated
        single = span_text(text, doc[index : index + 1])
        return (1, single) if single in self.by_surname else None

    def nearest(self, candidates: list[tuple[int, str]], position: int) -> str:
        """The person a family name at ``position`` refers to.

        The person a biography is about (:attr:`main_person`) when they share the family
        name, else the last one named before it, else the first after.
        """
        main_person = self.main_person
        if main_person is not None and any(key == main_person for _, key in candidates):
            return main_person
        before = [key for start, key in candidates if start < position]
        return before[-1] if before else candidates[0][1]


# Family-name rules: (state, full name, settings) -> the family names, or None for no answer.


class SurnameFirstSettings(RuleSettings):
    """The names written family name first."""

    pattern_ids: frozenset[str] = Field(
        description="The ids of the people.jsonl patterns that find names written family name first."
    )


@rule(
    "ocmfa.people.surname_first_order.v1",
    stage="people",
    reads=("names", "patterns/people.jsonl", "lexicons/chinese_surnames"),
    emits=(FAMILY_NAMES,),
    settings=SurnameFirstSettings,
)
def surname_first_order(state: PeopleDoc, span: Span, settings: SurnameFirstSettings) -> list[str] | None:
    """A name in East Asian order is referred to by its first word: "NAKAMURA Reiko" is later "Ms Nakamura".

    A name is in that order when a pattern for such names found it ("Yoon Seo-yeon",
    "Leung Chun-fai") or when a Chinese surname opens it, before a given name.
    """
    first, second = int(state.bits[span.start]), int(state.bits[span.start + 1])
    chinese_order = first & KIND_BITS["cn_surname"] and second & (KIND_BITS["cn_given"] | KIND_BITS["syllable"])
    if span.id_ not in settings.pattern_ids and not chinese_order:
        return None
    surname = state.words[span.start]
    return [surname, surname.title()] if surname.isupper() else [surname]


@rule("ocmfa.people.hyphenated_surname.v1", stage="people", reads=("names",), emits=(FAMILY_NAMES,))
def hyphenated_surname(state: PeopleDoc, span: Span, settings: RuleSettings) -> list[str] | None:
    """A name ending in a hyphenated word is referred to by it: "Al-Mansouri", "Lloyd-Jones"."""
    if len(span) >= 4 and state.words[span.end - 2] == "-":
        return [span_text(state.text, span[-_HYPHENATED_LENGTH:])]
    return None


class LastWordsSettings(RuleSettings):
    """When a name's next-to-last word is a family name too."""

    paternal_from_words: int = Field(ge=2, description="The fewest words of a name referred to by its next-to-last.")


@rule(
    "ocmfa.people.last_word_surname.v1",
    stage="people",
    reads=("names",),
    emits=(FAMILY_NAMES,),
    settings=LastWordsSettings,
)
def last_word_surname(state: PeopleDoc, span: Span, settings: LastWordsSettings) -> list[str] | None:
    """A name is referred to by its last word, and a long one also by its next-to-last.

    The next-to-last word is the father's family name of a Spanish name ("Ms Morera" for
    "Ana Lucía Morera Chaves"), when it is a capitalised word and no hyphen is near.
    """
    words = state.words
    surnames = [words[span.end - 1]]
    if (
        len(span) >= settings.paternal_from_words
        and "-" not in words[span.end - 3 : span.end]
        and state.bits[span.end - 2] & KIND_BITS["cap"]
    ):
        surnames.append(words[span.end - 2])
    return surnames


def first_answer(rules: Sequence[Callable[..., Any]], *args: Any) -> Any:
    """The answer of the first of ``rules`` that gives one (not ``None``), else ``None``."""
    for configured in rules:
        answer = configured(*args)
        if answer is not None:
            return answer
    return None


# Linking rules: (coreference, settings) -> None; each adds mentions.


@rule(
    "ocmfa.people.full_names.v1",
    stage="people",
    reads=("names",),
    emits=(MENTIONS,),
)
def full_names(coref: Coreference, settings: RuleSettings) -> None:
    """Every name of two words or more is a person; the same name in other words is the same person.

    "Mr Ao Ieong" after "Ao Ieong Kin Fai": the start of a longer name is that name.
    "SHIMIZU Takeo" and "Takeo Shimizu": the same words in another order or case are the
    same name. Records each name's family names and the words that may stand for it.
    """
    state = coref.state
    words, text = state.words, state.text
    longer: dict[tuple[str, ...], str] = {}  # every proper prefix of a name -> that name's key
    for span in sorted(coref.full_names, key=len):
        name_words = tuple(words[span.start : span.end])
        for cut in range(2, len(name_words)):
            longer[name_words[:cut]] = name_key(span_text(text, span))
    by_words: dict[frozenset[str], str] = {}
    full: list[Span] = []
    for span in coref.full_names:
        key = longer.get(tuple(words[span.start : span.end]), name_key(span_text(text, span)))
        key = by_words.setdefault(frozenset(word.casefold() for word in words[span.start : span.end]), key)
        full.append(Span(state.doc, span.start, span.end, label="PERSON", span_id=span.id_, kb_id=key))
        for surname in coref.family_names(state, span):
            coref.by_surname.setdefault(surname, []).append((span.start, key))
    coref.mentions += full
    coref.taken.update(i for span in coref.full_names for i in range(span.start, span.end))
    coref.parts = _name_parts_of(full, coref.by_surname, words)


def _name_parts_of(
    full_mentions: list[Span], by_surname: dict[str, list[tuple[int, str]]], words: list[str]
) -> dict[str, str]:
    """The first and last words of full names that may stand for them alone: word -> person key.

    Vietnamese, Thai and Indonesian names are referred to by the given name ("Khoa
    said", "Mr Binh"), which the family-name rules do not link. A word that ends or opens
    the full names of two people, or is already a family name, is left out.
    """
    owners: dict[str, set[str]] = {}
    for span in full_mentions:
        for word in (words[span.start], words[span.end - 1]):
            if word not in by_surname and word[:1].isupper():
                owners.setdefault(word, set()).add(span.kb_id_)
    return {word: next(iter(keys)) for word, keys in owners.items() if len(keys) == 1}


class ReportingVerbSettings(RuleSettings):
    """Which cues make a name part beside them a mention."""

    cue_label: str = Field(min_length=1, description="The cues.jsonl label whose one-word cues count (SAY).")


@rule(
    "ocmfa.people.name_part_beside_reporting_verb.v1",
    stage="people",
    reads=("names", "patterns/cues.jsonl"),
    emits=(MENTIONS,),
    settings=ReportingVerbSettings,
)
def name_part_beside_reporting_verb(coref: Coreference, settings: ReportingVerbSettings) -> None:
    """A first or last word of one full name, alone beside a reporting verb: "Khoa said", "said Suphanee"."""
    state = coref.state
    words, bits = state.words, state.bits
    if not coref.parts:
        return
    verbs = state.resources.one_word_cues(settings.cue_label)
    cap = KIND_BITS["cap"]
    for index in numpy.flatnonzero(tokens_among(state.doc, coref.parts)).tolist():
        if index in coref.taken:
            continue
        if (index > 0 and bits[index - 1] & cap) or (index + 1 < len(words) and bits[index + 1] & cap):
            continue  # part of a longer capitalised name
        before = words[index - 1].lower() if index > 0 else ""
        after = words[index + 1].lower() if index + 1 < len(words) else ""
        if before in verbs or after in verbs:
            key = coref.parts[words[index]]
            coref.mentions.append(Span(state.doc, index, index + 1, label="PERSON", span_id="name_part", kb_id=key))
            coref.taken.add(index)


@rule("ocmfa.people.family_name_alone.v1", stage="people", reads=("names",), emits=(MENTIONS,))
def family_name_alone(coref: Coreference, settings: RuleSettings) -> None:
    """A family name of a full name, alone ("Mr Song", "Lai"), refers to the person last named with it.

    An honorific before it is part of the mention; a capitalised word beside it makes it
    part of some other name.
    """
    state = coref.state
    bits, doc = state.bits, state.doc
    cap = KIND_BITS["cap"]
    # Only tokens that open a family name, or a one-word name, can add a mention.
    openers = {word for surname in coref.by_surname for word in (surname, surname.split("-")[0])}
    opening = numpy.flatnonzero(tokens_among(doc, openers))
    for index in sorted(set(opening.tolist()) | coref.single_words.keys()):
        found = None if index in coref.taken else coref.family_name_at(index)
        if found is None:
            continue
        coref.surname_positions.add(index)
        length, surname = found
        end = min(index + length, len(doc))  # a hyphenated family name may be cut by the document's end
        before = int(bits[index - 1]) if index > 0 else 0
        after = int(bits[end]) if end < len(doc) else 0
        if (after | before) & cap:
            continue  # part of some other name
        key = coref.nearest(coref.by_surname[surname], index)
        start = index - 1 if before & KIND_BITS["honorific"] else index
        coref.mentions.append(Span(doc, start, end, label="PERSON", span_id="surname_only", kb_id=key))
        coref.taken.update(range(index, end))


@rule("ocmfa.people.one_word_name.v1", stage="people", reads=("names",), emits=(MENTIONS,))
def one_word_name(coref: Coreference, settings: RuleSettings) -> None:
    """A one-word name a context vouches for ("Mr Binh", "Dr. Rahmat"): the full name it opens or ends, else its own.

    A word that is a family name is left to the family-name rule.
    """
    state = coref.state
    for index, span in sorted(coref.single_words.items()):
        if index in coref.taken or index in coref.surname_positions or coref.family_name_at(index) is not None:
            continue
        key = coref.parts.get(state.words[index]) or name_key(span_text(state.text, span))
        coref.mentions.append(Span(state.doc, span.start, span.end, label="PERSON", span_id=span.id_, kb_id=key))
