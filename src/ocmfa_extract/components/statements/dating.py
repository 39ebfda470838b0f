"""Dating rules: when a statement was made.

Tried in the order of their lines, the first that gives an answer wins: a date of the
statement's own sentence that frames its cue, else a date that opens an earlier sentence
of its paragraph, else the document's own date. Then, over all the statements, one with
no date of its own takes the date of the statement before it in its paragraph.
"""

from __future__ import annotations

from pydantic import Field
from spacy.tokens import Span

from ...facts import StatementFact
from ...models import DateValue
from ...rulebook import RuleSettings, rule
from ..layout import sentence_of
from .document import FINISHER, STATEMENT_DATE, _DocStatements

_STAGE = "statements"
DateAnswer = tuple[DateValue | None, bool]


class OwnSentenceSettings(RuleSettings):
    """What ends the cue's clause, and how far back an aside may open."""

    clause_ends: frozenset[str] = Field(description="Tokens that end the cue's clause after the cue.")
    aside_window: int = Field(ge=1, le=60, description='Tokens looked back for the comma that opens ", who ...".')


@rule(
    "ocmfa.statements.date_in_own_sentence.v1",
    stage=_STAGE,
    reads=("dates", "span._.ocmfa_date"),
    emits=(STATEMENT_DATE,),
    settings=OwnSentenceSettings,
)
def date_in_own_sentence(
    state: _DocStatements, sentence: Span, content: tuple[int, int], cue: Span, settings: OwnSentenceSettings
) -> DateAnswer | None:
    """A date of the statement's sentence that frames the cue: before it, or in the cue's own clause after it.

    "In April 2021, X said", "the plan issued in March 2018 stated", "said on 3 May",
    "wrote in a memoir published in 2009"; never inside the content or an aside
    (", who arrived in 2020,").
    """
    content_after_cue = content[0] if content[0] >= cue.end_char else len(state.text)
    clause_end = next(
        (
            t.i
            for t in state.doc[cue.end : sentence.end]
            if t.text in settings.clause_ends or t.idx >= content_after_cue
        ),
        sentence.end,
    )
    for date in state.dates_by_char.between(sentence.start_char, sentence.end_char):
        if not state.frames(date, content, settings.aside_window):
            continue
        if date.end <= cue.start or cue.end <= date.start < clause_end:
            return date._.ocmfa_date, True
    return None


class EarlierSentenceSettings(RuleSettings):
    """How near its sentence's start a paragraph's date must be."""

    max_tokens_from_start: int = Field(ge=0, le=40, description="Tokens between the sentence's start and the date.")
    aside_window: int = Field(ge=1, le=60, description='Tokens looked back for the comma that opens ", who ...".')


@rule(
    "ocmfa.statements.date_opening_earlier_sentence.v1",
    stage=_STAGE,
    reads=("dates", "span._.ocmfa_date", "doc._.ocmfa_layout"),
    emits=(STATEMENT_DATE,),
    settings=EarlierSentenceSettings,
)
def date_opening_earlier_sentence(
    state: _DocStatements, sentence: Span, content: tuple[int, int], cue: Span, settings: EarlierSentenceSettings
) -> DateAnswer | None:
    """The last date that opens an earlier sentence of the paragraph ("In 1981, ...")."""
    paragraph = state.doc._.ocmfa_layout.paragraph_at(sentence.start_char)
    if paragraph is None:
        return None
    # The last such date: looked for from the sentence back, not among all the paragraph's.
    for date in reversed(state.dates_by_char.between(paragraph.start, sentence.start_char)):
        opens = date.start - sentence_of(state.doc, date.start).start <= settings.max_tokens_from_start
        if state.frames(date, content, settings.aside_window) and opens:
            return date._.ocmfa_date, False
    return None


@rule(
    "ocmfa.statements.document_date.v1",
    stage=_STAGE,
    reads=("doc._.ocmfa_published",),
    emits=(STATEMENT_DATE,),
)
def document_date(
    state: _DocStatements, sentence: Span, content: tuple[int, int], cue: Span, settings: RuleSettings
) -> DateAnswer:
    """The document's own date (its publication), not the statement's own."""
    return state.doc._.ocmfa_published, False


@rule(
    "ocmfa.statements.carry_paragraph_date.v1",
    stage=_STAGE,
    reads=("StatementFact", "doc._.ocmfa_layout"),
    emits=(FINISHER,),
)
def carry_paragraph_date(
    state: _DocStatements, facts: list[StatementFact], settings: RuleSettings
) -> list[StatementFact]:
    """A statement with no date of its own takes the date of the one before it in its paragraph.

    "On 14 May, Ms Lu said that ... She pointed out that ...": both were said on 14 May.
    """
    layout = state.doc._.ocmfa_layout
    carried: list[StatementFact] = []
    for fact in facts:
        previous = carried[-1] if carried else None
        if previous is not None and not fact.date_is_own and previous.date is not None:
            if layout.paragraph_at(previous.evidence_start) == layout.paragraph_at(fact.evidence_start):
                fact = fact.model_copy(update={"date": previous.date, "date_is_own": previous.date_is_own})
        carried.append(fact)
    return carried
