"""Turn one processed ``Doc`` into its document-level result.

The result of a document depends only on its text and the patterns: person references
inside it are by name key, and corpus-wide ids are given later by :mod:`.corpus`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from spacy.tokens import Doc

from .components.dates import DATES_KEY
from .components.layout import document_text
from .components.people import PEOPLE_KEY
from .facts import DateFact, LocalPerson, Mention, RoleFact, StatementFact
from .models import DocumentRecord


class DocumentResult(BaseModel):
    """Everything extracted from one document, before corpus-wide ids are given."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document: DocumentRecord
    text: str
    people: list[LocalPerson]
    mentions: list[Mention]
    roles: list[RoleFact]
    dates: list[DateFact]
    statements: list[StatementFact]


def document_result(doc: Doc, document: DocumentRecord) -> DocumentResult:
    """Collect the annotations of a processed ``doc`` into a :class:`DocumentResult`."""
    title = doc._.ocmfa_layout.title
    document = document.model_copy(update={"title": title.text if title else None, "published": doc._.ocmfa_published})
    mentions = [
        Mention(person_key=span.kb_id_, start=span.start_char, end=span.end_char, text=span.text)
        for span in doc.spans[PEOPLE_KEY]
    ]
    people = [LocalPerson(key=key, name=name) for key, name in (doc._.ocmfa_people or {}).items()]
    roles = list(doc._.ocmfa_roles or [])
    dates = [
        DateFact(
            start=span.start_char,
            end=span.end_char,
            value=span._.ocmfa_date,
            end_value=span._.ocmfa_end_date,
            rule_id=span.id_,
        )
        for span in doc.spans[DATES_KEY]
    ]
    statements = list(doc._.ocmfa_statements or [])
    return DocumentResult(
        document=document,
        text=document_text(doc),
        people=people,
        mentions=mentions,
        roles=roles,
        dates=dates,
        statements=statements,
    )
