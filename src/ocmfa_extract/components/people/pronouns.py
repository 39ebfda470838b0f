"""Pronouns: "he"/"she" linked to a person, and "I" to the author of a message or speech."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy
from pydantic import Field
from spacy.attrs import LOWER
from spacy.tokens import Span

from ...extensions import PRONOUNS_KEY
from ...rulebook import RuleSettings, rule
from ..layout import sentence_of, tokens_among

if TYPE_CHECKING:
    from .document import PeopleDoc

PRONOUNS = f"doc.spans[{PRONOUNS_KEY}]"


class SentenceSubjectSettings(RuleSettings):
    """The pronouns linked."""

    third_person: frozenset[str] = Field(description="Lower-case pronouns that refer to a sentence's subject.")
    first_person: frozenset[str] = Field(description="Pronouns, as written, that refer to the author.")


@rule(
    "ocmfa.people.pronoun_sentence_subject.v1",
    stage="people",
    reads=("mentions", "doc._.ocmfa_author", "token.is_sent_start"),
    emits=(PRONOUNS,),
    settings=SentenceSubjectSettings,
)
def pronoun_sentence_subject(
    state: PeopleDoc, mentions: list[Span], author: str | None, settings: SentenceSubjectSettings
) -> list[Span]:
    """A third-person pronoun refers to its sentence's subject, else the latest sentence's; "I" to the author.

    A sentence's subject is the first person named (or referred to) in it. "Yoon was born
    in Daegu, where her father, X, ran a shop. She graduated ..." refers to Yoon, not to
    the father. "I" is linked only in a document with an author.
    """
    doc = state.doc
    mention_at = {mention.start: mention for mention in mentions}
    # Only mentions and pronouns matter: look at their positions, not at every token.
    third = tokens_among(doc, sorted(settings.third_person), LOWER)
    first = tokens_among(doc, sorted(settings.first_person) if author is not None else [])
    pronoun_at = {int(index): bool(third[index]) for index in numpy.flatnonzero(third | first)}
    resolved: list[Span] = []
    subjects: dict[int, str] = {}  # sentence start -> key of its subject
    last_subject: str | None = None
    for index in sorted(mention_at.keys() | pronoun_at.keys()):
        sentence = sentence_of(doc, index).start
        key: str | None = None
        if index in mention_at:
            key = mention_at[index].kb_id_
        elif not pronoun_at[index] and author is not None:  # first person, in a message or speech
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
