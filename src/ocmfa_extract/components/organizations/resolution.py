"""The document's subject and what every mention stands for: the subject and resolution rules.

A *subject* rule names the body the document is about, or gives nothing; the first rule
that names one wins. A *resolution* rule gives the full name a mention stands for, or
nothing; the first that gives one wins, and a mention none resolves stands for itself.
The stage reads the mentions in order and remembers the full names met so far (each
mention that stands for itself), so that "the Office" can stand for the latest.
"""

from __future__ import annotations

import itertools

from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from ..layout import span_text
from .document import DocOrganizations
from .words import DISAMBIGUATOR, content_words


class SubjectSettings(RuleSettings):
    """The settings of a rule that names the body a document is about."""


class ResolutionSettings(RuleSettings):
    """The settings of a rule that gives the full name a mention stands for."""


@rule(
    "ocmfa.organizations.subject_in_title.v1",
    stage="organizations",
    reads=("ORG", "layout title"),
    emits=("doc._.ocmfa_subject",),
    settings=SubjectSettings,
)
def subject_in_title(org: DocOrganizations, names: list[Span], settings: SubjectSettings) -> str | None:
    """The body whose name is the whole title (but for a disambiguator in brackets)."""
    title = org.title
    if title is None:
        return None
    for name in names:
        inside = name.start_char >= title.start and name.end_char <= title.end
        if inside and DISAMBIGUATOR.sub("", title.text) == name.text:
            return name.text
    return None


@rule(
    "ocmfa.organizations.subject_first_named.v1",
    stage="organizations",
    reads=("ORG",),
    emits=("doc._.ocmfa_subject",),
    settings=SubjectSettings,
)
def subject_first_named(org: DocOrganizations, names: list[Span], settings: SubjectSettings) -> str | None:
    """The first body the document names."""
    return names[0].text if names else None


@rule(
    "ocmfa.organizations.acronym_expansion.v1",
    stage="organizations",
    reads=("ACRONYM mentions", "doc._.ocmfa_acronyms"),
    emits=("span.kb_id_",),
    settings=ResolutionSettings,
)
def acronym_expansion(org: DocOrganizations, mention: Span, settings: ResolutionSettings) -> str | None:
    """An acronym stands for the long name it was defined after."""
    return org.acronyms.get(span_text(org.text, mention)) if mention.label_ == "ACRONYM" else None


class ShortReferenceSettings(ResolutionSettings):
    """A bare head word, a possessive form or a reference stands for the latest full name holding its words."""

    possessives: frozenset[str] = Field(min_length=1, description="Possessive endings that make a name short.")


@rule(
    "ocmfa.organizations.short_reference.v1",
    stage="organizations",
    reads=("ORG and ORG_REF mentions", "doc._.ocmfa_subject"),
    emits=("span.kb_id_",),
    settings=ShortReferenceSettings,
)
def short_reference(org: DocOrganizations, mention: Span, settings: ShortReferenceSettings) -> str | None:
    """A short reference ("the Office"): the latest full name holding its words, else the subject."""
    if mention.label_ not in {"ORG", "ORG_REF"}:
        return None
    # Only a bare head word or a possessive form is a short reference; "State Council"
    # is a body of its own.
    possessive = any(word in settings.possessives for word in org.words[mention.start : mention.end])
    if not (len(mention) == 1 or possessive or mention.label_ == "ORG_REF"):
        return None
    text = span_text(org.text, mention)
    words = content_words(text)
    if not words:
        return None
    candidates = itertools.chain((name for name in reversed(org.seen) if name != text), [org.subject])
    return next((name for name in candidates if name and words < content_words(name)), None)


@rule(
    "ocmfa.organizations.unnamed_reference.v1",
    stage="organizations",
    reads=("ORG_REF mentions", "doc._.ocmfa_subject"),
    emits=("span.kb_id_",),
    settings=ResolutionSettings,
)
def unnamed_reference(org: DocOrganizations, mention: Span, settings: ResolutionSettings) -> str | None:
    """A reference no name resolves ("the ministry"): the subject, else the words after the article."""
    if mention.label_ != "ORG_REF":
        return None
    return org.subject or mention[1:].text
