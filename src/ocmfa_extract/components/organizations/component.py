"""The ``ocmfa_organizations`` component: the bodies a document names, and the one it is about.

Reads the tokens, ``doc._.ocmfa_layout``, ``doc.spans["ocmfa_people"]`` and
``doc.spans["ocmfa_dates"]``. Adds:

- ``doc.spans["ocmfa_orgs"]``: one span a mention of a body, ``span.kb_id_`` the name it
  resolves to. A full name is built around a head word of ``organizations.jsonl``
  ("Office", "Ministry", ...): capitalised words before it and "of/for/in (the) ..."
  chains after it. Acronyms defined as "Long Name (ACR)" or "Long Name, or ACR," resolve
  to the long name wherever they recur; short references ("the Office", "the
  Commissioner's Office", "the group") resolve to the latest body whose name holds all
  their words, else to the document's subject;
- ``doc._.ocmfa_subject``: the body the document is about (its title when the title
  names a body, else the first body it names), or None;
- ``doc._.ocmfa_acronyms``: ``{acronym: long name}``.

The rules, in the order of ``patterns/rules/organizations.jsonl``: the name and acronym
rules (:mod:`.names`), then the subject and resolution rules (:mod:`.resolution`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import ORGS_KEY
from ...patterns import Patterns
from ...rulebook import import_rules_of, rules_of_kind, stage_rules
from ..layout import tokens_among
from ..rules import (
    BuiltFromPatterns,
    PhraseRuleMatcher,
    patterns_dir_or_default,
)
from .document import DocOrganizations
from .names import AcronymSettings, NameEndSettings, NameStartSettings
from .resolution import ResolutionSettings, SubjectSettings

import_rules_of(__package__)  # every module of the package: each rule it defines is registered

STAGE = "organizations"
#: The folder of a saved component that holds the patterns it was built from.


# It also reads ``doc._.ocmfa_continuation`` (the driver sets it; no stage produces it).
@Language.factory(
    "ocmfa_organizations",
    assigns=["doc.spans", "doc._.ocmfa_subject", "doc._.ocmfa_acronyms"],
    requires=["doc._.ocmfa_text", "doc._.ocmfa_layout", "doc.spans"],
    default_config={"patterns_dir": None, "disabled_rules": []},
)
def make_organizations(
    nlp: Language, name: str, patterns_dir: str | None, disabled_rules: list[str]
) -> OrganizationsComponent:
    """Create the organisations component from the patterns in ``patterns_dir``, without ``disabled_rules``."""
    return OrganizationsComponent(nlp, name, patterns_dir_or_default(patterns_dir), disabled_rules)


class OrganizationsComponent(BuiltFromPatterns):
    """Find bodies' names, acronyms and references, and the document's subject."""

    def __init__(self, nlp: Language, name: str, patterns_dir: Path, disabled_rules: Iterable[str] = ()) -> None:
        """Build the matcher and the rules from the patterns in ``patterns_dir``.

        A folder that is not there is read when the component is first used, so that
        ``spacy.load`` of a saved pipeline can give the patterns it saved
        (:meth:`from_disk`) though the folder it was built from is gone.
        """
        self.nlp = nlp
        self.name = name
        self.disabled_rules = tuple(disabled_rules)
        self._start_from(patterns_dir)

    def _build(self, patterns: Patterns) -> Patterns:
        """Build the head-word and reference matcher from ``patterns`` and sort the stage's rules by kind."""
        self.phrases = PhraseRuleMatcher(self.nlp, patterns.rules["organizations"])
        configured = stage_rules(patterns, STAGE, self.disabled_rules)
        self.start_rules = rules_of_kind(configured, NameStartSettings)
        self.end_rules = rules_of_kind(configured, NameEndSettings)
        self.acronym_rules = rules_of_kind(configured, AcronymSettings)
        self.subject_rules = rules_of_kind(configured, SubjectSettings)
        self.resolution_rules = rules_of_kind(configured, ResolutionSettings)
        self._patterns = patterns
        return patterns

    def __call__(self, doc: Doc) -> Doc:
        """Annotate the organisation mentions of ``doc``."""
        self.patterns  # noqa: B018 - built on first use when it was saved without its folder
        org = DocOrganizations.of(doc)
        matches = self.phrases.match(doc)
        full_names = self._full_names(org, [m for m in matches if m.label_ == "ORG_HEAD"])
        org.acronyms = doc._.ocmfa_acronyms = self._acronyms(org, full_names)
        continuation = doc._.ocmfa_continuation
        org.subject = doc._.ocmfa_subject = continuation.subject if continuation else self._subject(org, full_names)
        mentions = self._mentions(org, full_names, [m for m in matches if m.label_ == "ORG_REF"])
        doc.spans[ORGS_KEY] = self._resolve(org, mentions)
        return doc

    def _full_names(self, org: DocOrganizations, heads: list[Span]) -> list[Span]:
        """Grow each capitalised head word into the full name around it (the widest the rules give)."""
        names: list[Span] = []
        covered_until = -1
        for head in heads:
            if head.start < covered_until or not org.words[head.start][:1].isupper():
                continue
            start = min([head.start, *(grow(org, head) for grow in self.start_rules)])
            end = max([head.end, *(grow(org, head) for grow in self.end_rules)])
            names.append(Span(org.doc, start, end, label="ORG"))
            covered_until = end
        return names

    def _acronyms(self, org: DocOrganizations, names: list[Span]) -> dict[str, str]:
        """The acronyms the names define: at each name, the first acronym rule's; the first name's wins."""
        acronyms: dict[str, str] = {}
        for name in names:
            acronym = next((found for read in self.acronym_rules if (found := read(org, name)) is not None), None)
            if acronym is not None:
                acronyms.setdefault(acronym, name.text)
        return acronyms

    def _subject(self, org: DocOrganizations, names: list[Span]) -> str | None:
        """The body the document is about: the first subject rule's answer."""
        return next((found for rule in self.subject_rules if (found := rule(org, names)) is not None), None)

    @staticmethod
    def _mentions(org: DocOrganizations, full_names: list[Span], references: list[Span]) -> list[Span]:
        """Every mention in order: the full names, the acronyms outside them, the references not inside one."""
        mentions = list(full_names)
        taken = {i for span in full_names for i in range(span.start, span.end)}
        if org.acronyms:
            at = numpy.flatnonzero(tokens_among(org.doc, org.acronyms))
            mentions += [Span(org.doc, i, i + 1, label="ACRONYM") for i in at.tolist() if i not in taken]
        mentions += [m for m in references if m.start + 1 not in taken]
        return sorted(mentions)

    def _resolve(self, org: DocOrganizations, mentions: list[Span]) -> list[Span]:
        """Give every mention the full name it stands for (``kb_id_``): the first resolution rule's, else its own."""
        resolved: list[Span] = []
        for mention in mentions:
            text = org.text[mention.start_char : mention.end_char]
            found = (target for rule in self.resolution_rules if (target := rule(org, mention)) is not None)
            target = next(found, text)
            if mention.label_ == "ORG" and target == text:
                org.remember(text)
            resolved.append(Span(org.doc, mention.start, mention.end, label=mention.label_, kb_id=target))
        return resolved
