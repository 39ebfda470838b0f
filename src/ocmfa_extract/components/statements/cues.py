"""Cue filters: which matched cues are cues at all.

A cue of ``cues.jsonl`` inside a quotation is never kept; each filter here may drop more,
and a cue is kept only if every enabled filter keeps it.
"""

from __future__ import annotations

from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from .document import CUE_FILTER, _DocStatements

_STAGE = "statements"


class VerbCueSettings(RuleSettings):
    """Which cues are verbs."""

    labels: frozenset[str] = Field(description="Labels of the cues that are verbs.")


@rule(
    "ocmfa.statements.verb_cue_not_a_name.v1",
    stage=_STAGE,
    reads=("cues", "token.is_sent_start"),
    emits=(CUE_FILTER,),
    settings=VerbCueSettings,
)
def verb_cue_not_a_name(state: _DocStatements, cue: Span, settings: VerbCueSettings) -> bool:
    """A capitalised verb cue inside a sentence is part of a name ("the United States"), not a verb."""
    first = cue[0]
    return cue.label_ not in settings.labels or first.is_sent_start or not first.is_title


class DocumentCueSettings(RuleSettings):
    """Which cues name documents, and what may not stand before one."""

    labels: frozenset[str] = Field(description='Labels of the cues that name a document ("report", "plan").')
    not_after: frozenset[str] = Field(description='Words before a document word that make it a verb ("would study").')
    determiner_window: int = Field(
        ge=1, le=20, description="Tokens before the cue in which a determiner is looked for."
    )


@rule(
    "ocmfa.statements.document_cue_is_a_noun.v1",
    stage=_STAGE,
    reads=("cues",),
    emits=(CUE_FILTER,),
    settings=DocumentCueSettings,
)
def document_cue_is_a_noun(state: _DocStatements, cue: Span, settings: DocumentCueSettings) -> bool:
    """A document word is a document only where it is a noun: capitalised, or after a determiner ("the study")."""
    if cue.label_ not in settings.labels:
        return True
    doc = state.doc
    if cue.start == 0 or doc[cue.start - 1].lower_ in settings.not_after:
        return False
    before = doc[max(0, cue.start - settings.determiner_window) : cue.start]
    return cue[0].is_title or any(t.lower_ in state.words.determiners for t in before)
