"""Turn one processed ``Doc`` into its document-level results.

The result of a document depends only on its text and the patterns: person references
inside it are by name key, and corpus-wide ids are given later by :mod:`.corpus`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from spacy.tokens import Doc

from .components.dates import DATES_KEY
from .components.people import PEOPLE_KEY
from .models import DateValue, DocumentRecord, SpeakerType


class Mention(BaseModel):
    """One person mention, by offsets, with the person's key in its document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person_key: str
    start: int
    end: int
    text: str


class LocalPerson(BaseModel):
    """A person as one document names them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str


class LocalRole(BaseModel):
    """A role with its holder given by key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person_key: str
    title: str
    organization: str | None
    start: DateValue | None
    end: DateValue | None
    current: bool | None
    evidence_start: int
    evidence_end: int
    rule_id: str


class LocalDate(BaseModel):
    """A date expression by offsets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    value: DateValue
    end_value: DateValue | None
    rule_id: str


class LocalStatement(BaseModel):
    """A statement with its speaker given by name (and key, for a person)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    speaker: str
    speaker_type: SpeakerType
    speaker_key: str | None
    cue: str
    content_start: int
    content_end: int
    direct: bool
    date: DateValue | None
    evidence_start: int
    evidence_end: int
    rule_id: str


class DocumentResult(BaseModel):
    """Everything extracted from one document, before corpus-wide ids are given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document: DocumentRecord
    text: str
    people: list[LocalPerson]
    mentions: list[Mention]
    roles: list[LocalRole]
    dates: list[LocalDate]
    statements: list[LocalStatement]


def document_result(doc: Doc, document: DocumentRecord) -> DocumentResult:
    """Collect the annotations of a processed ``doc`` into a :class:`DocumentResult`."""
    title = doc._.ocmfa_layout.title
    document = document.model_copy(update={"title": title.text if title else None, "published": doc._.ocmfa_published})
    mentions = [
        Mention(person_key=span.kb_id_, start=span.start_char, end=span.end_char, text=span.text)
        for span in doc.spans[PEOPLE_KEY]
    ]
    people = [LocalPerson(key=key, name=name) for key, name in (doc._.ocmfa_people or {}).items()]
    roles = [
        LocalRole(**{name: getattr(fact, name) for name in LocalRole.model_fields}) for fact in doc._.ocmfa_roles or []
    ]
    dates = [
        LocalDate(
            start=span.start_char,
            end=span.end_char,
            value=span._.ocmfa_date,
            end_value=span._.ocmfa_end_date,
            rule_id=span.id_,
        )
        for span in doc.spans[DATES_KEY]
    ]
    statements = [
        LocalStatement(
            speaker=fact.speaker.name,
            speaker_type=fact.speaker.kind,
            speaker_key=fact.speaker.person_key,
            cue=fact.cue,
            content_start=fact.content_start,
            content_end=fact.content_end,
            direct=fact.direct,
            date=fact.date,
            evidence_start=fact.evidence_start,
            evidence_end=fact.evidence_end,
            rule_id=fact.rule_id,
        )
        for fact in doc._.ocmfa_statements or []
    ]
    return DocumentResult(
        document=document,
        text=doc.text,
        people=people,
        mentions=mentions,
        roles=roles,
        dates=dates,
        statements=statements,
    )
