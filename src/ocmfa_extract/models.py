"""The records ocmfa-extract writes: the single source of the output schema.

Every output line is one of these Pydantic models, serialised with ``model_dump_json``
so that keys keep the order declared here. ``ocmfa-extract schema`` prints their JSON
Schema, generated from these classes and never written by hand.

Spans are checked against the text they point into: validate a record with
``context={"texts": {doc_id: text}}`` and every :class:`Span` must slice its document
exactly (``text == texts[doc_id][start:end]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

Precision = Literal["day", "month", "year", "decade"]
SpeakerType = Literal["person", "organization", "other"]

_VALUE_SHAPES: dict[str, re.Pattern[str]] = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "year": re.compile(r"\d{4}"),
    "decade": re.compile(r"\d{3}"),
}


class Record(BaseModel):
    """Base of every output record: immutable, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DateValue(Record):
    """A date cut to the precision the text gives: "June 1988" is ``1988-06``, month."""

    value: str = Field(
        description="ISO 8601 cut to its precision: '1988' (year), '1988-06' (month), "
        "'1988-06-01' (day), '198' (decade, the 1980s)."
    )
    precision: Precision = Field(description="How much of the date the text states.")

    @model_validator(mode="after")
    def _value_matches_precision(self) -> DateValue:
        if not _VALUE_SHAPES[self.precision].fullmatch(self.value):
            raise ValueError(f"date value {self.value!r} does not have {self.precision} precision")
        return self


class Span(Record):
    """Character offsets into one document's text (end exclusive), with the text they cover."""

    doc_id: str = Field(description="The document the offsets point into.")
    start: int = Field(ge=0, description="Offset of the first character.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    text: str = Field(description="Exactly document_text[start:end].")

    @model_validator(mode="after")
    def _slices_its_document(self, info: ValidationInfo) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        texts: dict[str, str] | None = (info.context or {}).get("texts")
        if texts is not None and self.doc_id in texts:
            actual = texts[self.doc_id][self.start : self.end]
            if actual != self.text:
                raise ValueError(f"span {self.doc_id}[{self.start}:{self.end}] is {actual!r}, not {self.text!r}")
        return self


class DocumentRecord(Record):
    """One input document."""

    doc_id: str = Field(description="Stable id: the path relative to its source, without suffix.")
    path: str = Field(description="Path relative to the input directory, '/'-separated.")
    sha256: str = Field(description="Hex digest of the file's bytes.")
    title: str | None = Field(description="The document's title, where it has one.")
    published: DateValue | None = Field(description="The document's own date, where given.")
    encoding: str = Field(description="The encoding the file was decoded with.")
    encoding_confidence: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="How sure the choice of encoding is: 1 for UTF-8 and files with a byte-order mark, lower "
        "for a guessed code page (under 0.5: check the text).",
    )
    text_path: str | None = Field(
        description="Where the text the offsets refer to is stored, relative to the output folder, when it is "
        "not the file itself (the text extracted from an HTML page); null for plain text."
    )
    also_at: list[str] = Field(description="Other paths holding the same bytes, extracted once under this one.")


class PersonRecord(Record):
    """One real person across the whole corpus."""

    person_id: str = Field(description="Stable id derived from the person's name key.")
    name: str = Field(description="Canonical display name, without honorifics or titles.")
    aliases: list[str] = Field(description="Every other surface form that refers to the person.")
    mentions: list[Span] = Field(description="Every mention, in every document.")


class RoleRecord(Record):
    """A person holding a position in a body, with the tenure the text gives."""

    role_id: str = Field(description="Stable id derived from the document and the evidence.")
    person_id: str = Field(description="The holder, as in people.jsonl.")
    person: str = Field(description="The holder's canonical name.")
    title: str = Field(description="The position in title case without articles.")
    organization: str | None = Field(description="The body the position belongs to.")
    start: DateValue | None = Field(description="When the tenure began, where the text says.")
    end: DateValue | None = Field(description="When it ended, where the text says.")
    current: bool | None = Field(description="True where the text says the person holds it now.")
    doc_id: str = Field(description="The document it was read from.")
    evidence: Span = Field(description="The text that supports it.")
    rule_id: str = Field(description="The rule that produced it (provenance).")


class DateRecord(Record):
    """One temporal expression."""

    date_id: str = Field(description="Stable id derived from the document and the offsets.")
    doc_id: str = Field(description="The document.")
    text: str = Field(description="The expression as written.")
    start: int = Field(ge=0, description="Offset of the first character.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    value: DateValue = Field(description="The date, or the start of a range.")
    end_value: DateValue | None = Field(description="The end of a range, else null.")
    rule_id: str = Field(description="The pattern that found it (provenance).")

    @model_validator(mode="after")
    def _slices_its_document(self, info: ValidationInfo) -> DateRecord:
        Span.model_validate(
            {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text},
            context=info.context,
        )
        return self


class StatementRecord(Record):
    """Something someone said, wrote or declared."""

    statement_id: str = Field(description="Stable id derived from the document and the evidence.")
    doc_id: str = Field(description="The document.")
    speaker: str = Field(description="A person's canonical name, or an organisation's name.")
    speaker_type: SpeakerType = Field(description="person, organization, or other (a document).")
    speaker_id: str | None = Field(description="The person_id where the speaker is a person.")
    cue: str = Field(description="The reporting word or phrase as written.")
    content: str = Field(description="What was said: the quotation or the reported clause.")
    direct: bool = Field(description="True where the content stands in quotation marks.")
    date: DateValue | None = Field(description="When it was said, where the text says or implies.")
    evidence: Span = Field(description="The sentence or passage that holds it.")
    content_span: Span = Field(description="Where the content stands in the document.")
    rule_id: str = Field(description="The rule that produced it (provenance).")


class ErrorRecord(Record):
    """An input that could not be read or processed."""

    path: str = Field(description="The input's path relative to its source.")
    error: str = Field(description="A short machine-readable kind, e.g. 'decode_error'.")
    message: str = Field(description="What a person needs to know to fix it.")


@dataclass(frozen=True)
class RecordKind:
    """One kind of output record: the one table the writer, the database, the report and the CLI read.

    Adding a record kind is a model above and a row here; the writer's pass that makes
    its records (``per_document``: a document at a time) and the database's tables follow.
    """

    name: str  # its file is <name>.jsonl, and its database table <name>
    model: type[Record]
    key: tuple[str, ...]  # the fields that identify one record
    references: tuple[tuple[str, str, str], ...] = ()  # (field, kind, its field) it points to
    link_fields: tuple[str, ...] = ()  # list fields kept in link tables of their own in a database
    per_document: bool = False  # made a document at a time, in the writer's second pass

    @property
    def file(self) -> str:
        """The output file's name."""
        return f"{self.name}.jsonl"


RECORD_KINDS: tuple[RecordKind, ...] = (
    RecordKind("documents", DocumentRecord, ("doc_id",)),
    RecordKind("people", PersonRecord, ("person_id",), link_fields=("aliases", "mentions")),
    RecordKind(
        "roles",
        RoleRecord,
        ("role_id",),
        (("person_id", "people", "person_id"), ("doc_id", "documents", "doc_id")),
        per_document=True,
    ),
    RecordKind("dates", DateRecord, ("date_id",), (("doc_id", "documents", "doc_id"),), per_document=True),
    RecordKind(
        "statements",
        StatementRecord,
        ("statement_id",),
        (("doc_id", "documents", "doc_id"), ("speaker_id", "people", "person_id")),
        per_document=True,
    ),
    RecordKind("errors", ErrorRecord, ("path",)),
)
KIND: dict[str, RecordKind] = {kind.name: kind for kind in RECORD_KINDS}
OUTPUT_MODELS: dict[str, type[Record]] = {kind.file: kind.model for kind in RECORD_KINDS}


def output_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of every output file, keyed by file name."""
    return {name: model.model_json_schema() for name, model in OUTPUT_MODELS.items()}
