"""Sentence rules: a sentence with a cue is a statement.

The main-cue rule picks the cue a sentence is read by; then the sentence readers are
tried in the order of their lines and the first that gives an answer wins: "According
to X, ..." and "..., according to X.", else a cue with its speaker (the subject before
it, or the name right after it) and its content (the quotation after it, kept whole
across sentences, else the clause after it without the cue).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice
from typing import Literal

from pydantic import Field
from spacy.tokens import Span

from ...facts import StatementFact
from ...rulebook import RuleSettings, rule
from .document import MAIN_CUE, SENTENCE_READER, Speaker, _DocStatements

_STAGE = "statements"
# What may stand between a cue and the quotation it opens: "said: “", "stating that “".
_BEFORE_QUOTE = re.compile(r"\s*(?:that\s*)?[:,]?\s*")


class MainCueSettings(RuleSettings):
    """Which cues read a sentence, by rank."""

    ranks: tuple[frozenset[str], ...] = Field(
        min_length=1, description="Cue labels by rank: the first cue of the first rank found in the sentence wins."
    )


@rule(
    "ocmfa.statements.main_cue.v1",
    stage=_STAGE,
    reads=("cues",),
    emits=(MAIN_CUE,),
    settings=MainCueSettings,
)
def main_cue(state: _DocStatements, cues: list[Span], settings: MainCueSettings) -> Span | None:
    """The cue a sentence is read by: its first reporting cue, else its first participle ("saying")."""
    for labels in settings.ranks:
        found = next((cue for cue in cues if cue.label_ in labels), None)
        if found is not None:
            return found
    return None


class AccordingToSettings(RuleSettings):
    """The label of "according to", and how long its content must be."""

    cue_labels: frozenset[str] = Field(description='Labels of the "according to" cue.')
    min_words_before: int = Field(ge=1, le=40, description='Words before "according to X" that make it the content.')
    min_content_words: int = Field(ge=1, le=40, description="Words the content must have.")


@rule(
    "ocmfa.statements.according_to.v1",
    stage=_STAGE,
    reads=("cues", "people", "pronouns", "orgs", "dates"),
    emits=(SENTENCE_READER,),
    settings=AccordingToSettings,
)
def according_to(
    state: _DocStatements, sentence: Span, main: Span, cues: list[Span], settings: AccordingToSettings
) -> StatementFact | None:
    """Read "According to X, ..." (the clause after X) and "..., according to X." (the clause before)."""
    if main.label_ not in settings.cue_labels:
        return None
    speaker = state.speaker_after(main.end)
    if speaker is None:
        return None
    text = state.text
    before = state.trim(sentence.start_char, main.start_char, settings.min_content_words)
    if before is not None and len(text[before[0] : before[1]].split()) >= settings.min_words_before:
        end = before[1] - (text[before[1] - 1] == ",")
        return state.fact(speaker, main, (before[0], end), False, sentence, "according_to")
    comma = next((t for t in state.doc[main.end : sentence.end] if t.text == ","), None)
    if comma is None:
        return None
    content = state.trim(comma.idx + 1, state.sentence_end(sentence), settings.min_content_words)
    if content is None:
        return None
    return state.fact(speaker, main, content, False, sentence, "according_to")


class CueThenContentSettings(RuleSettings):
    """Which cues it reads, where their speaker is, and what stands between a cue and its content."""

    cue_labels: frozenset[str] = Field(description="Labels of the cues it reads.")
    act_labels: frozenset[str] = Field(description='Labels of cues whose act is the content ("thanked the council").')
    participle_labels: frozenset[str] = Field(
        description='Labels of participles: their subject is the sentence\'s ("X introduced ..., noting that").'
    )
    coordinators: frozenset[str] = Field(
        description='Words before a cue that share the sentence\'s subject ("and said").'
    )
    speaker_order: tuple[Literal["before_cue", "after_cue"], ...] = Field(
        min_length=1, description='Where the speaker is looked for, in order: the subject before the cue, or "said X".'
    )
    tell_cues: frozenset[str] = Field(description='Cues whose listener stands before "that" ("told the Post that").')
    before_that: frozenset[str] = Field(description='Words that may stand between a cue and its "that".')
    that_window: int = Field(ge=1, le=40, description='Tokens after the cue in which its "that" is looked for.')
    min_content_words: int = Field(ge=1, le=40, description="Words the content must have.")


@rule(
    "ocmfa.statements.cue_then_content.v1",
    stage=_STAGE,
    reads=("cues", "people", "pronouns", "orgs", "dates", "titles"),
    emits=(SENTENCE_READER,),
    settings=CueThenContentSettings,
)
def cue_then_content(
    state: _DocStatements, sentence: Span, main: Span, cues: list[Span], settings: CueThenContentSettings
) -> StatementFact | None:
    """A reporting cue with its speaker and its content: "Ms Lu said that ...", "said X: “...”"."""
    if main.label_ not in settings.cue_labels:
        return None
    speaker = _speaker(state, sentence, main, settings)
    if speaker is None:
        return None
    content, direct, cue = _content(state, sentence, main, cues, settings)
    if content is None:
        return None
    return state.fact(speaker, cue, content, direct, sentence, main.id_)


def _speaker(state: _DocStatements, sentence: Span, main: Span, settings: CueThenContentSettings) -> Speaker | None:
    """The cue's subject before it, or the name after it, in the order of the settings."""
    # A participle's subject is its main clause's: "Ms Leong introduced X, noting that".
    coordinated = main.label_ in settings.participle_labels or (
        main.start > sentence.start and state.doc[main.start - 1].lower_ in settings.coordinators
    )
    for place in settings.speaker_order:
        if place == "before_cue":
            speaker = state.speaker_before(sentence.start_char, main.start_char, first=coordinated)
        else:
            speaker = state.speaker_after(main.end)
        if speaker is not None:
            return speaker
    return None


def _content(
    state: _DocStatements, sentence: Span, main: Span, cues: list[Span], settings: CueThenContentSettings
) -> tuple[tuple[int, int] | None, bool, Span]:
    """The content after a cue: a quotation, a "that" clause, or the rest of the sentence."""
    cue = main
    if main.label_ in settings.act_labels:  # "criticized the council, saying ...": the participle's content
        participle = next((c for c in cues if c.label_ in settings.participle_labels and c.start > main.start), None)
        if participle is not None:
            cue = participle
    start_char = _skip_to_that(state, cue.end, sentence.end, cue.text.casefold() in settings.tell_cues, settings)
    quote = _quote_after(state, start_char, sentence.end_char)
    if quote is not None:
        return quote, True, cue
    if cue is main and main.label_ in settings.act_labels:
        start_char = main.start_char  # "thanked the council for ...": the act is the content
    return state.trim(start_char, state.sentence_end(sentence), settings.min_content_words), False, cue


def _skip_to_that(
    state: _DocStatements, index: int, limit: int, telling: bool, settings: CueThenContentSettings
) -> int:
    """Where content starts after a cue: past "in a statement that", "told the Post that"."""
    doc = state.doc
    cursor = index
    while cursor < limit and cursor - index < settings.that_window:
        token = doc[cursor]
        if token.lower_ == "that":
            return token.idx + len(token)
        skippable = cursor in state.date_tokens or token.lower_ in settings.before_that
        # After "told", the listener may stand before "that": a name, or a capitalised word.
        if not (skippable or (telling and (token.is_title or token.is_upper or cursor in state.person_tokens))):
            break
        cursor += 1
    return doc[index].idx if index < len(doc) else len(state.text)


def _quote_after(state: _DocStatements, start_char: int, sentence_end: int) -> tuple[int, int] | None:
    """The quotation(s) that follow a cue closely ("said: “...”", "stating that “...”")."""
    text = state.text
    quotes = state.quotes
    first = bisect_right(state.quote_starts, start_char)  # the first quotation after the cue
    if first == len(quotes) or quotes[first][0] > sentence_end + 1:
        return None
    quote_start, end = quotes[first]
    if _BEFORE_QUOTE.fullmatch(text[start_char : quote_start - 1]) is None:
        return None
    for next_start, next_end in islice(quotes, first + 1, None):  # consecutive quotations, one statement
        if text[end + 1 : next_start - 1].strip():
            break  # text between: every later quotation has it before it too
        end = next_end
    return state.strip_quote(quote_start, end)
