"""What one document yields before corpus-wide ids are given: the per-document facts.

The components produce these, ``extract.py`` collects them into a ``DocumentResult``, the
result cache stores them, and ``corpus.py`` turns them into the output records. People
are referred to by their name key within the document; offsets are character offsets.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .models import DateValue, SpeakerType


class Fact(BaseModel):
    """Base of the per-document facts: immutable, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Mention(Fact):
    """One person mention, with the person's key in its document."""

    person_key: str
    start: int
    end: int
    text: str


class LocalPerson(Fact):
    """A person as one document names them."""

    key: str
    name: str


class RoleFact(Fact):
    """One person holding one position, as one document states it."""

    person_key: str
    title: str
    organization: str | None
    start: DateValue | None
    end: DateValue | None
    current: bool | None
    evidence_start: int
    evidence_end: int
    rule_id: str
    title_start: int = 0  # where the title stands, to tell which role a later verb refers to


class DateFact(Fact):
    """A date expression by offsets."""

    start: int
    end: int
    value: DateValue
    end_value: DateValue | None
    rule_id: str


class StatementFact(Fact):
    """One statement: its speaker by name (and key, for a person), its content by offsets."""

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
    date_is_own: bool = True  # False when the date is only the paragraph's or the document's
