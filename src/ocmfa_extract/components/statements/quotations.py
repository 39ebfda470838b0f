"""Document readers of quotations followed by their attribution.

“...,” X said. / “...”, said X. / “...,” X, the deputy director, said. A quotation that
opens its sentence is given to the speaker of the first reporting cue after it; a second
quotation right after an attributed one continues it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from ...facts import StatementFact
from ...rulebook import rule
from ..layout import sentence_of
from .document import DOCUMENT_READER, Speaker, _DocStatements, make_fact, speaker_of
from .readers import DocumentReaderSettings

_STAGE = "statements"
_WORD_CHAR = re.compile(r"[^\W_]")
ATTRIBUTED = "quote_then_speaker"


def _may_be_attributed(state: _DocStatements, quote_start: int, quote_end: int) -> bool:
    """Whether a quotation holds a word and its opening mark begins its sentence (or line)."""
    if not _WORD_CHAR.search(state.text, quote_start, quote_end):
        return False  # marks around no word ('""', '“ ”') quote nothing
    return state.opens_sentence(quote_start - 1)


class QuoteThenSpeakerSettings(DocumentReaderSettings):
    """Which cue after a quotation attributes it, how far after, and where its speaker is looked for."""

    cue_labels: frozenset[str] = Field(description="Labels of the cue that attributes the quotation.")
    window_chars: int = Field(ge=1, le=1000, description="Characters after the quotation in which the cue must start.")
    speaker_order: tuple[Literal["after_cue", "before_cue"], ...] = Field(
        min_length=1,
        description='Where the speaker is looked for, in order: after the cue ("said X"), or before it ("X said").',
    )


@rule(
    "ocmfa.statements.quote_then_speaker.v1",
    stage=_STAGE,
    reads=("cues", "people", "pronouns", "orgs", "dates"),
    emits=(DOCUMENT_READER,),
    settings=QuoteThenSpeakerSettings,
)
def quote_then_speaker(state: _DocStatements, settings: QuoteThenSpeakerSettings) -> list[StatementFact]:
    """A quotation that opens its sentence, given to the speaker of the first cue after it (“...,” X said.)."""
    facts: list[StatementFact] = []
    for quote_start, quote_end in state.quotes:
        if _may_be_attributed(state, quote_start, quote_end):
            fact = _attributed(state, quote_start, quote_end, settings)
            if fact is not None:
                facts.append(fact)
    return facts


def _attributed(
    state: _DocStatements, quote_start: int, quote_end: int, settings: QuoteThenSpeakerSettings
) -> StatementFact | None:
    closing = state.doc.char_span(quote_end, quote_end + 1, alignment_mode="expand")
    if closing is None:
        return None
    sentence = sentence_of(state.doc, closing.start)
    # The first cue in the window after the quotation, in its sentence.
    window = state.cues_by_char.between(quote_end + 1, min(quote_end + 1 + settings.window_chars, sentence.end_char))
    cue = next((c for _, c in window if c.label_ in settings.cue_labels), None)
    if cue is None or state._quote_between(quote_end, cue.start_char):
        return None
    speaker: Speaker | None = None
    for place in settings.speaker_order:
        if place == "after_cue":
            speaker = state.speaker_after(cue.end)
        else:
            speaker = state.speaker_before(quote_end, cue.start_char)
        if speaker is not None:
            break
    if speaker is None:
        return None
    content = state.strip_quote(quote_start, quote_end)
    date, own = state.date(sentence, content, cue)
    evidence = (quote_start - 1, state.trim_end(sentence.end_char))
    return make_fact(speaker, cue.text, content, True, evidence, date, ATTRIBUTED, own)


@rule(
    "ocmfa.statements.quote_continued.v1",
    stage=_STAGE,
    reads=("StatementFact",),
    emits=(DOCUMENT_READER,),
    settings=DocumentReaderSettings,
)
def quote_continued(state: _DocStatements, settings: DocumentReaderSettings) -> list[StatementFact]:
    """A quotation right after an attributed one (only spaces between) continues it: same speaker, cue and date."""
    attributed = {fact.evidence_start: fact for fact in state.read_so_far if fact.rule_id == ATTRIBUTED}
    facts: list[StatementFact] = []
    previous: StatementFact | None = None
    text = state.text
    for quote_start, quote_end in state.quotes:
        if not _may_be_attributed(state, quote_start, quote_end):
            previous = None
        elif quote_start - 1 in attributed:
            previous = attributed[quote_start - 1]
        elif previous is not None and not text[previous.evidence_end : quote_start - 1].strip():
            evidence = (quote_start - 1, min(len(text), quote_end + 1))
            content = state.strip_quote(quote_start, quote_end)
            previous = make_fact(
                speaker_of(previous), previous.cue, content, True, evidence, previous.date, "quote_continued"
            )
            facts.append(previous)
        else:
            previous = None
    return facts
