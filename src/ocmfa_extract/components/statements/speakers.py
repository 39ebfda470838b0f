"""Speaker rules: who a cue belongs to.

Three kinds, each asked by the readers through :class:`_DocStatements`: the speaker right
after a cue ("said Mr Song", "according to the report"), the subject before it ("Ms Lu
said", "the ministry criticized"), and the speaker a cue word names by itself ("it", "a
spokesman for the office", "the report").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from spacy.tokens import Span, Token

from ...rulebook import RuleSettings, rule
from ..rules import RangeIndex
from .document import CUE_SPEAKER, SPEAKER_AFTER, SPEAKER_BEFORE, Speaker, _DocStatements

_STAGE = "statements"


class SpeakerAfterSettings(RuleSettings):
    """Where the speaker after a cue may be."""

    name_run: int = Field(ge=1, le=40, description="Capitalised tokens read as one name after the cue.")
    document_labels: frozenset[str] = Field(description="Cue labels of a document's name that ends the run.")
    cue_gap: int = Field(ge=0, le=10, description="Tokens between the cue and a cue word that names the speaker.")


@rule(
    "ocmfa.statements.speaker_after_cue.v1",
    stage=_STAGE,
    reads=("people", "pronouns", "orgs", "cues", "token._.ocmfa_honorific"),
    emits=(SPEAKER_AFTER,),
    settings=SpeakerAfterSettings,
)
def speaker_after_cue(state: _DocStatements, index: int, settings: SpeakerAfterSettings) -> Speaker | None:
    """The speaker right after a cue: a document's name, a person, a body, or a cue word ("said Mr Song")."""
    doc = state.doc
    while index < len(doc) and (doc[index].lower_ in state.words.determiners or doc[index]._.ocmfa_honorific):
        index += 1
    run_end = index
    while (
        run_end < len(doc) and run_end - index < settings.name_run and (doc[run_end].is_title or doc[run_end].is_upper)
    ):
        run_end += 1
    for cue in state.cues_at.starting(index + 1, run_end):  # "the State Council Institutional Reform Plan"
        if cue.label_ in settings.document_labels and cue.end == run_end:
            return state.cue_speaker(cue)
    if people := state.people_at.covering(index):
        return state.person(people[0])
    if orgs := state.orgs_at.covering(index):
        return Speaker(orgs[0].kb_id_, "organization", None)
    return _cue_word_after(state, index, settings.cue_gap)


def _cue_word_after(state: _DocStatements, index: int, gap: int) -> Speaker | None:
    """The speaker a cue word at ``index``, or at most ``gap`` tokens after it, names."""
    for cue in state.cues_at.starting(index - state.cues_at.longest + 1, index + gap + 1):
        if cue.start <= index < cue.end or (cue.start > index and cue.start - index <= gap):
            speaker = state.cue_speaker(cue)
            if speaker is not None:
                return speaker
    return None


class SpeakerBeforeSettings(RuleSettings):
    """What passes a candidate subject over."""

    prepositions: frozenset[str] = Field(description='Words before an agent that is no subject ("issued by the ...").')
    articles: frozenset[str] = Field(description="Words that may stand between the preposition and the agent.")
    aside_window: int = Field(ge=1, le=60, description='Tokens looked back for the comma that opens ", who ...".')


@rule(
    "ocmfa.statements.speaker_before_cue.v1",
    stage=_STAGE,
    reads=("people", "pronouns", "orgs", "cues", "titles"),
    emits=(SPEAKER_BEFORE,),
    settings=SpeakerBeforeSettings,
)
def speaker_before_cue(
    state: _DocStatements, start_char: int, end_char: int, first: bool, settings: SpeakerBeforeSettings
) -> Speaker | None:
    """The nearest person, body, document or pronoun between two offsets (or with ``first``, the first).

    Candidates inside a title ("of the Treaty Department"), inside a relative clause
    (", who heads the office's department,"), inside quotation marks, or after a
    preposition ("issued by the Committee") are passed over while another remains.
    """
    candidates = [
        candidate
        for candidate in _candidates(state, start_char, end_char)
        if not state._quoted(candidate[0]) and not state.in_aside(candidate[0], settings.aside_window)
    ]
    if not candidates:
        return None
    subjects = [c for c in candidates if not _after_preposition(state, c[0], settings)] or candidates
    chosen = min(subjects, key=lambda c: c[0]) if first else max(subjects, key=lambda c: c[1])
    return chosen[2]


def _candidates(state: _DocStatements, start_char: int, end_char: int) -> list[tuple[int, int, Speaker]]:
    """(start, end, speaker) of the people, bodies and speaker cue words between two offsets."""

    def within(index: RangeIndex[tuple[int, Span]]) -> list[Span]:
        found = sorted(item for item in index.between(start_char, end_char) if item[1].end_char <= end_char)
        return [span for _, span in found]

    candidates: list[tuple[int, int, Speaker]] = []
    for person in within(state.people_by_char):
        candidates.append((person.start_char, person.end_char, state.person(person)))
    for org in within(state.orgs_by_char):
        if not state.in_title(org):
            candidates.append((org.start_char, org.end_char, Speaker(org.kb_id_, "organization", None)))
    for cue in within(state.cues_by_char):
        if not state.in_title(cue):
            speaker = state.cue_speaker(cue)
            if speaker is not None:
                candidates.append((cue.start_char, cue.end_char, speaker))
    return candidates


def _after_preposition(state: _DocStatements, start_char: int, settings: SpeakerBeforeSettings) -> bool:
    doc = state.doc
    token = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
    index = token.start if token is not None else 0
    while index > 0 and doc[index - 1].lower_ in settings.articles:
        index -= 1
    return index > 0 and doc[index - 1].lower_ in settings.prepositions


class CueWordSettings(RuleSettings):
    """The cue label a cue-word rule reads."""

    label: str = Field(min_length=1, description="The cues.jsonl label of the cue words it reads.")


class LastBodySettings(CueWordSettings):
    """Which last speakers "it" may stand for."""

    kinds: frozenset[Literal["person", "organization", "other"]] = Field(
        description="The kinds of speaker the pronoun may refer to."
    )


@rule(
    "ocmfa.statements.pronoun_is_last_body.v1",
    stage=_STAGE,
    reads=("cues",),
    emits=(CUE_SPEAKER,),
    settings=LastBodySettings,
)
def pronoun_is_last_body(state: _DocStatements, cue: Span, settings: LastBodySettings) -> Speaker | None:
    """A cue "it": the body or document that made the last sentence statement."""
    if cue.label_ != settings.label:
        return None
    last = state.last_speaker
    return last if last is not None and last.kind in settings.kinds else None


class SpokesmanSettings(CueWordSettings):
    """How far after "a spokesman for" the body may be."""

    org_window: int = Field(ge=1, le=10, description="Tokens after the cue in which a body must start.")


@rule(
    "ocmfa.statements.spokesman_for_body.v1",
    stage=_STAGE,
    reads=("cues", "orgs", "doc._.ocmfa_subject"),
    emits=(CUE_SPEAKER,),
    settings=SpokesmanSettings,
)
def spokesman_for_body(state: _DocStatements, cue: Span, settings: SpokesmanSettings) -> Speaker | None:
    """A cue "a spokesman for the office": the body named right after, else the body the document is about."""
    if cue.label_ != settings.label:
        return None
    org = next(iter(state.orgs_at.starting(cue.end, cue.end + settings.org_window)), None)
    if org is not None:
        return Speaker(org.kb_id_, "organization", None)
    subject = state.doc._.ocmfa_subject
    return Speaker(subject, "organization", None) if subject else None


@rule(
    "ocmfa.statements.document_is_speaker.v1",
    stage=_STAGE,
    reads=("cues",),
    emits=(CUE_SPEAKER,),
    settings=CueWordSettings,
)
def document_is_speaker(state: _DocStatements, cue: Span, settings: CueWordSettings) -> Speaker | None:
    """A cue "the report", "the UK half-yearly report": a document, named with the words that modify it."""
    if cue.label_ != settings.label:
        return None
    doc = state.doc
    start = cue.start
    while start > 0 and _modifies_document(doc[start - 1], state.words.determiners):
        start -= 1
    return Speaker(doc[start : cue.end].text, "other", None)


def _modifies_document(token: Token, determiners: frozenset[str]) -> bool:
    """A word that can stand before "report" in a document's name ("UK half-yearly report")."""
    return (token.is_title or token.is_upper or "-" in token.text or token.like_num) and (
        token.lower_ not in determiners
    )
