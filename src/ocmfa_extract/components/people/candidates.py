"""Candidate rules: the ways a stretch of text is found to be a name.

Each rule returns candidate spans, label ``NAME`` (found from the name lexicons alone),
``CONTEXT`` (an honorific, a title or the layout vouches for it) or ``PERSON``, with
``span.id_`` saying how it was found. The component gathers the candidates of every rule
in the order of ``patterns/rules/people.jsonl``, grows those of a rule whose line says
``"grow": true`` (:mod:`.growing`), and keeps the longest where they overlap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy
from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from ..layout import tokens_among
from .prefilter import name_runs
from .words import KIND_BITS

if TYPE_CHECKING:
    from .document import PeopleDoc

CANDIDATES = "candidates"  # what the finding rules emit
CONFIRMED = "confirmed candidates"  # what the rules emit that confirm another pipe's entities
_LIST_NAME = re.compile(r"^([A-Z][\w'’\-]*(?: [A-Z][\w'’\-.]*){1,3})\s*[(,]")
_CELL_NAME = re.compile(r"^([A-Z][\w'’\-]*(?: [A-Z][\w'’\-.]*){1,3})\s*(?:[(,]|$)")


class FinderSettings(RuleSettings):
    """Whether a finding rule's names grow over the name words around them."""

    grow: bool = Field(description="Grow the names over the name words after them (see growing.py).")


@rule(
    "ocmfa.people.pattern_names.v1",
    stage="people",
    reads=("tokens", "patterns/people.jsonl"),
    emits=(CANDIDATES,),
    settings=FinderSettings,
)
def pattern_names(state: PeopleDoc, settings: FinderSettings) -> list[Span]:
    """The names the token patterns of ``people.jsonl`` match, without the honorifics and titles before them."""
    resources = state.resources
    runs, feasible = resources.run_filter.select(name_runs(state.bits, resources.shortest), state.bits)
    matches = resources.matcher.match_in_runs(state.doc, runs, feasible)
    return [name for name in map(state.strip_context, matches) if name is not None]


class AppositionSettings(FinderSettings):
    """The words and reach of a name set off by commas beside a title."""

    separators: frozenset[str] = Field(description="The tokens that set the name off (a comma).")
    fewest_words: int = Field(ge=1, le=6, description="The fewest capitalised words the name has.")
    most_words: int = Field(ge=1, le=6, description="The most capitalised words the name has.")


class NameBeforeTitleSettings(AppositionSettings):
    """A name, then a comma and the title: "Suphanee Kittikhun, Director-General of ..."."""

    articles: frozenset[str] = Field(description="Words that may stand between the comma and the title (the).")
    possessives: frozenset[str] = Field(description="Tokens before the name that make it a body's name ('s).")


@rule(
    "ocmfa.people.name_comma_title.v1",
    stage="people",
    reads=("tokens",),
    emits=(CANDIDATES,),
    settings=NameBeforeTitleSettings,
)
def name_comma_title(state: PeopleDoc, settings: NameBeforeTitleSettings) -> list[Span]:
    """Two or three capitalised words, then a comma and a title: the title vouches for the name.

    The words must make the whole stretch of capitals before the comma, and no
    possessive may come before them ("the People's Liberation Army, the ...").
    """
    kinds, words, doc = state.kinds, state.words, state.doc
    cap, title = KIND_BITS["cap"], KIND_BITS["title_word"]
    found: list[Span] = []
    for comma in _separators_before(state, settings.separators, title, title, second=True):
        after = comma + 1 + (comma + 1 < len(words) and words[comma + 1].lower() in settings.articles)
        start = comma
        # One word further than the most, so that a longer stretch of capitals is seen.
        while start > 0 and kinds[start - 1] & cap and comma - start <= settings.most_words:
            start -= 1
        possessive = start > 0 and words[start - 1] in settings.possessives
        if (
            after < len(words)
            and kinds[after] & title
            and settings.fewest_words <= comma - start <= settings.most_words
            and not possessive
        ):
            found.append(Span(doc, start, comma, label="PERSON", span_id="appositive_name"))
    return found


class TitleCommaNameSettings(AppositionSettings):
    """A title of a body or place, a comma, then the name: "ambassador to Viet Nam, Chatree Boonmee, who"."""

    title_links: frozenset[str] = Field(description="Words that join a title to what it is of (to, of).")
    place_joiners: frozenset[str] = Field(description="Words inside the name of a body or place besides those.")
    place_window: int = Field(ge=1, le=40, description="Tokens back from the comma to the title.")


@rule(
    "ocmfa.people.title_comma_name.v1",
    stage="people",
    reads=("tokens",),
    emits=(CANDIDATES,),
    settings=TitleCommaNameSettings,
)
def title_comma_name(state: PeopleDoc, settings: TitleCommaNameSettings) -> list[Span]:
    """A title of a body or place, a comma, then two or three capitalised words and a comma: the name.

    Back from the first comma go the capitalised words and joiners of the body or place
    ("Viet Nam", "the Republic of Korea"), then a title link ("to", "of") after a title.
    """
    kinds, words, doc = state.kinds, state.words, state.doc
    cap = KIND_BITS["cap"]
    joiners = settings.title_links | settings.place_joiners
    found: list[Span] = []
    for comma in _separators_before(state, settings.separators, cap, 0, second=False):
        end = comma + 1
        while end < len(words) and kinds[end] & cap and end - comma <= settings.most_words + 1:
            end += 1
        closed = end < len(words) and words[end] in settings.separators
        if not (settings.fewest_words <= end - comma - 1 <= settings.most_words and closed):
            continue
        if _title_before(state, comma, joiners, settings):
            found.append(Span(doc, comma + 1, end, label="PERSON", span_id="appositive_name"))
    return found


def _title_before(state: PeopleDoc, comma: int, joiners: frozenset[str], settings: TitleCommaNameSettings) -> bool:
    """Whether back from ``comma``, over the body or place a title is of, come a title link and the title."""
    kinds, words = state.kinds, state.words
    title = KIND_BITS["title_word"]
    before = comma - 1
    while (
        before > 0
        and comma - before <= settings.place_window
        and not kinds[before] & title
        and (words[before][:1].isupper() or words[before] in joiners)
    ):
        before -= 1
    return before < comma - 1 and words[before + 1] in settings.title_links and bool(kinds[before] & title)


def _separators_before(
    state: PeopleDoc, separators: frozenset[str], next_kinds: int, second_kinds: int, *, second: bool
) -> list[int]:
    """The separators whose next token has one of ``next_kinds``, or (``second``) the one after ``second_kinds``."""
    found = numpy.flatnonzero(tokens_among(state.doc, sorted(separators)))
    padded = numpy.concatenate((state.bits, numpy.zeros(2, dtype=state.bits.dtype)))
    near = padded[found + 1] & next_kinds
    if second:
        near |= padded[found + 2] & second_kinds
    return list(found[near != 0].tolist())


class InfoboxSettings(FinderSettings):
    """Which infobox keys give a person's name."""

    key_words: frozenset[str] = Field(description="A key ending in one of these gives a name (besides title words).")


@rule(
    "ocmfa.people.infobox_name.v1",
    stage="people",
    reads=("doc._.ocmfa_layout",),
    emits=(CANDIDATES,),
    settings=InfoboxSettings,
)
def infobox_name(state: PeopleDoc, settings: InfoboxSettings) -> list[Span]:
    """The value of an infobox field whose key ends in "Name" or holds a title word ("Director: X")."""
    found: list[Span] = []
    title_words = state.lexicons.title_words
    for field in state.doc._.ocmfa_layout.infobox:
        key_words = [word.rstrip("0123456789").casefold() for word in field.key.text.split()]
        if key_words[-1] in settings.key_words or any(word in title_words for word in key_words):
            span = state.doc.char_span(field.value.start, field.value.end, label="CONTEXT", span_id="infobox_name")
            if span is not None and state.looks_like_name(span):
                found.append(span)
    return found


@rule(
    "ocmfa.people.leader_list_name.v1",
    stage="people",
    reads=("doc._.ocmfa_layout",),
    emits=(CANDIDATES,),
    settings=FinderSettings,
)
def leader_list_name(state: PeopleDoc, settings: FinderSettings) -> list[Span]:
    """The name that opens an item of a list under a heading ("* Name (2010-2014)", "1. Name, ...")."""
    found: list[Span] = []
    for item in state.doc._.ocmfa_layout.list_items:
        match = _LIST_NAME.match(item.body.text)
        if item.heading is None or match is None:
            continue
        start = item.body.start
        span = state.doc.char_span(start, start + len(match.group(1)), label="CONTEXT", span_id="leader_list")
        if span is not None and state.looks_like_name(span):
            found.append(span)
    return found


class TableHolderSettings(FinderSettings):
    """Which table headers name a holder's column."""

    header_words: frozenset[str] = Field(description='A header that is one of these ("Name"), or a title word.')


@rule(
    "ocmfa.people.table_holder_name.v1",
    stage="people",
    reads=("doc._.ocmfa_layout.table_rows",),
    emits=(CANDIDATES,),
    settings=TableHolderSettings,
)
def table_holder_name(state: PeopleDoc, settings: TableHolderSettings) -> list[Span]:
    """The name that opens a row's cell under a holder's header ("| Ambassador |" over "| LI Fan (李凡) |")."""
    found: list[Span] = []
    title_words = state.lexicons.title_words
    for row in state.doc._.ocmfa_layout.table_rows:
        for header, cell in zip(row.header, row.cells, strict=True):
            words = header.text.casefold().split()
            if not words or not (header.text.casefold() in settings.header_words or words[-1] in title_words):
                continue
            match = _CELL_NAME.match(cell.text)
            if match is None:
                continue
            # The header vouches for the cell: "LI Fan" is a name, though "LI" alone might be an acronym.
            span = state.doc.char_span(cell.start, cell.start + len(match.group(1)), label="CONTEXT", span_id="table")
            if span is not None and 2 <= len(span) <= 4:
                found.append(span)
    return found


class KinListSettings(FinderSettings):
    """The words of a list of names after a plural kin word."""

    plural_kin: frozenset[str] = Field(description="The plural kin words that open a list (of kin_words.txt).")
    openers: frozenset[str] = Field(description="Tokens that may stand between the kin word and the list.")
    separators: frozenset[str] = Field(description="Tokens between the names, besides ages in digits.")
    fewest_names: int = Field(ge=1, description="The fewest names that make a list.")


@rule(
    "ocmfa.people.kin_list_names.v1",
    stage="people",
    reads=("tokens", "lexicons/kin_words"),
    emits=(CANDIDATES,),
    settings=KinListSettings,
)
def kin_list_names(state: PeopleDoc, settings: KinListSettings) -> list[Span]:
    """The names listed after a plural kin word: "three children: Nasser, Maryam and Hamad".

    Each name is one capitalised word; ages may follow them ("our daughters, Aoife, 11,
    and Clodagh, 8"). The list ends at the first word that is none of these. Fewer names
    than ``fewest_names`` are no list ("his sons Nasser" is the kin-name pattern's).
    """
    words, kinds = state.words, state.kinds
    found: list[Span] = []
    for index in numpy.flatnonzero(state.bits & KIND_BITS["kin"]).tolist():
        if words[index].lower() not in settings.plural_kin:
            continue
        cursor = index + 1
        if cursor < len(words) and words[cursor] in settings.openers:
            cursor += 1
        names: list[int] = []
        while cursor < len(words) and kinds[cursor] & KIND_BITS["cap"]:
            names.append(cursor)
            cursor += 1
            while cursor < len(words) and (words[cursor] in settings.separators or words[cursor].isdigit()):
                cursor += 1
        if len(names) >= settings.fewest_names:
            found += [Span(state.doc, i, i + 1, label="CONTEXT", span_id="kin_list") for i in names]
    return found


class ModelNamesSettings(RuleSettings):
    """Which entities of a statistical base model are confirmed."""

    entity_label: str = Field(min_length=1, description="The base model's label of people.")


@rule(
    "ocmfa.people.model_names.v1",
    stage="people",
    reads=("doc.ents", "candidates"),
    emits=(CONFIRMED,),
    settings=ModelNamesSettings,
)
def model_names(state: PeopleDoc, found: list[Span], settings: ModelNamesSettings) -> list[Span]:
    """The base model's people that the rules confirm, where no rule found a name.

    Runs only where a statistical base model ran first (``--model``). The rules take
    precedence: an entity overlapping a candidate of theirs (``found``) is dropped. An
    entity is confirmed when, without its honorifics and titles, it is two to four
    capitalised name words; it is then checked like any candidate. One-word entities are
    left to the rules (they link surnames to names).
    """
    doc = state.doc
    if not doc.has_annotation("ENT_IOB"):
        return []
    taken = {i for span in found for i in range(span.start, span.end)}
    confirmed: list[Span] = []
    for entity in doc.ents:
        if entity.label_ != settings.entity_label or any(i in taken for i in range(entity.start, entity.end)):
            continue
        name = state.strip_context(Span(doc, entity.start, entity.end, label="PERSON", span_id="model_ner"))
        if name is not None and state.looks_like_name(name):
            confirmed.append(name)
    return confirmed
