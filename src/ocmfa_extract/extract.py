"""Turn one processed ``Doc`` into its document-level result.

The result of a document depends only on its text and the patterns: person references
inside it are by name key, and corpus-wide ids are given later by :mod:`.corpus`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict
from spacy.language import Language
from spacy.tokens import Doc

from .components.layout import Continuation, document_text
from .extensions import DATES_KEY, PEOPLE_KEY
from .facts import DateFact, LocalPerson, Mention, RoleFact, StatementFact
from .models import DocumentRecord

_F = TypeVar("_F", bound=BaseModel)


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


#: Documents longer than this (in characters) are read in parts cut at paragraph breaks,
#: so that memory depends on the part, not on the document.
PART_CHARS = 200_000
_BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"\s+"))


def split_into_parts(text: str, limit: int = PART_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into ``(start, end)`` parts of at most about ``limit`` characters.

    A cut falls after the last blank line before the limit, else after the last line
    break, else after the last space; only a part with none of them is cut hard. The
    parts cover the text exactly, so offsets within a part plus its start are offsets
    into the text.
    """
    parts: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut(text[start : start + limit], limit)
        parts.append((start, start + cut))
        start += cut
    parts.append((start, len(text)))
    return parts


def _cut(window: str, limit: int) -> int:
    """Where to end a part that begins ``window`` (``limit`` characters of a longer text)."""
    for pattern in _BREAKS:
        ends = [match.end() for match in pattern.finditer(window) if match.end() < limit]
        if ends and ends[-1] > limit // 2:
            return ends[-1]
    return limit


def stream_parts(chunks: Iterable[str], limit: int = PART_CHARS) -> Iterator[tuple[int, str]]:
    """The parts of the text made of ``chunks``, as :func:`split_into_parts` cuts it, with their starts.

    Only about a part of the text is held at a time, so a long file can be read in pieces.
    """
    buffer = ""
    start = 0
    stream = iter(chunks)
    ended = False
    while True:
        while not ended and len(buffer) <= limit:
            chunk = next(stream, None)
            if chunk is None:
                ended = True
            else:
                buffer += chunk
        if len(buffer) <= limit:  # the text has ended: the rest is the last part
            yield start, buffer
            return
        cut = _cut(buffer[:limit], limit)
        yield start, buffer[:cut]
        buffer = buffer[cut:]
        start += cut


def iter_parts(
    nlp: Language,
    text: str,
    document: DocumentRecord,
    part_chars: int = PART_CHARS,
    warm_vocabulary: int | None = None,
) -> Iterator[tuple[int, DocumentResult]]:
    """Run ``nlp`` over one document's ``text`` part by part, yielding each part's start and result.

    A document longer than ``part_chars`` is read in parts (:func:`split_into_parts`); see
    :func:`iter_part_results`.
    """
    parts = ((start, text[start:end]) for start, end in split_into_parts(text, part_chars))
    return iter_part_results(nlp, parts, document, warm_vocabulary)


def iter_part_results(
    nlp: Language,
    parts: Iterable[tuple[int, str]],
    document: DocumentRecord,
    warm_vocabulary: int | None = None,
) -> Iterator[tuple[int, DocumentResult]]:
    """Run ``nlp`` over the parts of one document (each given with its start), yielding each part's result.

    The parts after the first continue the document (no title of their own; the first
    part's date and subject). A part's result has offsets into the part;
    :func:`shifted_facts` moves them into the whole text. Only one part's ``Doc`` and
    result exist at a time. Once the vocabulary holds ``warm_vocabulary`` words, each
    part runs in a spaCy memory zone, so that the new words of a long document are freed
    part by part, not kept for good.
    """
    continuation: Continuation | None = None
    for start, part_text in parts:
        warm = warm_vocabulary is not None and len(nlp.vocab) >= warm_vocabulary
        with nlp.memory_zone() if warm else nullcontext():
            doc = nlp.make_doc(part_text)
            doc._.ocmfa_text = part_text  # the components read it; joining the tokens again costs
            doc._.ocmfa_continuation = continuation
            doc = nlp(doc)
            if continuation is None:
                continuation = Continuation(published=doc._.ocmfa_published, subject=doc._.ocmfa_subject)
            result = document_result(doc, document)  # plain values: they outlive the zone
            del doc  # the part's Doc is done with before the next one is made
        yield start, result


def extract_document(
    nlp: Language, text: str, document: DocumentRecord, part_chars: int = PART_CHARS
) -> DocumentResult:
    """Run ``nlp`` over one document's ``text`` and collect its result.

    A document longer than ``part_chars`` is read part by part (:func:`iter_parts`), and
    the parts' facts are shifted to offsets into the whole text and joined. A short name
    ("Mr Song") is linked only within its part.
    """
    from .joining import join_parts  # joining builds on this module

    results = list(iter_parts(nlp, text, document, part_chars))
    if len(results) == 1:
        return results[0][1]
    return join_parts(text, results)


class PartFacts(NamedTuple):
    """A part's facts with offsets into the whole text."""

    mentions: list[Mention]
    roles: list[RoleFact]
    dates: list[DateFact]
    statements: list[StatementFact]


def shifted_facts(offset: int, part: DocumentResult) -> PartFacts:
    """The facts of a part that starts at ``offset``, moved to offsets into the whole text."""

    def shifted(fact: _F, *fields: str) -> _F:
        return fact if offset == 0 else fact.model_copy(update={name: getattr(fact, name) + offset for name in fields})

    return PartFacts(
        mentions=[shifted(m, "start", "end") for m in part.mentions],
        roles=[shifted(r, "evidence_start", "evidence_end", "title_start") for r in part.roles],
        dates=[shifted(d, "start", "end") for d in part.dates],
        statements=[
            shifted(s, "content_start", "content_end", "evidence_start", "evidence_end") for s in part.statements
        ],
    )


def add_names(names: dict[str, str], people: list[LocalPerson]) -> None:
    """Take in a part's people: each key keeps its most complete name form, as within a part."""
    for person in people:
        known = names.get(person.key)
        if known is None or len(person.name) > len(known):
            names[person.key] = person.name
