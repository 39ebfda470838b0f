"""The ``ocmfa_organizations`` component: the bodies a document names, and the one it is about.

Reads the tokens, ``doc._.ocmfa_layout`` and ``doc.spans["ocmfa_people"]``. Adds:

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
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import numpy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import DATES_KEY, ORGS_KEY, PEOPLE_KEY
from ...patterns import Patterns
from ..layout import document_text, span_text, token_lowers, token_words, tokens_among
from ..rules import PhraseRuleMatcher, cached_patterns, patterns_dir_or_default

_CHAIN_WORDS = frozenset({"of", "for", "on", "in"})
_INNER_WORDS = frozenset({"and", "'s", "’s", "&"})
_POSSESSIVES = frozenset({"'s", "’s"})
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z][A-Za-z]*$")
_DISAMBIGUATOR = re.compile(r"\s*\([^)]*\)\s*$")


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """The lowercased words of a name without stop words and possessives."""
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", text.replace("’", "'"))
    return frozenset(word.casefold() for word in words if word.casefold() not in STOP_WORDS and word != "s")


@lru_cache(maxsize=8_192)
def _is_name_word(word: str) -> bool:
    """A word that can stand inside a body's name: capitalised or an acronym."""
    return (word.isalpha() and word[:1].isupper()) or bool(_ACRONYM.match(word))


@Language.factory(
    "ocmfa_organizations",
    assigns=["doc.spans", "doc._.ocmfa_subject", "doc._.ocmfa_acronyms"],
    requires=["doc._.ocmfa_layout", "doc.spans"],
    default_config={"patterns_dir": None},
)
def make_organizations(nlp: Language, name: str, patterns_dir: str | None) -> OrganizationsComponent:
    """Create the organisations component from the patterns in ``patterns_dir``."""
    return OrganizationsComponent(nlp, name, cached_patterns(patterns_dir_or_default(patterns_dir)))


class OrganizationsComponent:
    """Find bodies' names, acronyms and references, and the document's subject."""

    def __init__(self, nlp: Language, name: str, patterns: Patterns) -> None:
        """Build the head-word and reference matchers from ``patterns``."""
        self.phrases = PhraseRuleMatcher(nlp, patterns.rules["organizations"])

    def __call__(self, doc: Doc) -> Doc:
        """Annotate the organisation mentions of ``doc``."""
        # Names stop at people and dates: "the CCP Central Committee in March 2018".
        person_tokens = {
            i for key in (PEOPLE_KEY, DATES_KEY) for span in doc.spans.get(key, []) for i in range(span.start, span.end)
        }
        matches = self.phrases.match(doc)
        full_names = self._full_names(doc, [m for m in matches if m.label_ == "ORG_HEAD"], person_tokens)
        acronyms = self._acronyms(doc, full_names)
        doc._.ocmfa_acronyms = acronyms
        continuation = doc._.ocmfa_continuation
        doc._.ocmfa_subject = continuation.subject if continuation else self._subject(doc, full_names)
        mentions = list(full_names)
        taken = {i for span in full_names for i in range(span.start, span.end)}
        if acronyms:
            at = numpy.flatnonzero(tokens_among(doc, acronyms))
            mentions += [Span(doc, i, i + 1, label="ACRONYM") for i in at.tolist() if i not in taken]
        mentions += [m for m in matches if m.label_ == "ORG_REF" and m.start + 1 not in taken]
        doc.spans[ORGS_KEY] = self._resolve(doc, sorted(mentions), acronyms)
        return doc

    def _full_names(self, doc: Doc, heads: list[Span], person_tokens: set[int]) -> list[Span]:
        """Grow each capitalised head word into the full name around it."""
        words, lowers = token_words(doc), token_lowers(doc)
        names: list[Span] = []
        covered_until = -1
        for head in heads:
            if head.start < covered_until or not words[head.start][:1].isupper():
                continue
            start = head.start
            while (
                start > 0
                and start - 1 not in person_tokens
                and (_is_name_word(words[start - 1]) or lowers[start - 1] in _POSSESSIVES)
            ):
                start -= 1
            while start < head.start and (lowers[start] in STOP_WORDS or words[start] in _POSSESSIVES):
                start += 1
            end = self._extend_right(words, lowers, head.end, person_tokens)
            names.append(Span(doc, start, end, label="ORG"))
            covered_until = end
        return names

    @staticmethod
    def _extend_right(words: list[str], lowers: list[str], end: int, person_tokens: set[int]) -> int:
        """Take the "of/for/on/in (the) Name Words" chains after a head word (``words`` are the doc's)."""
        length = len(words)
        while end < length and lowers[end] in _CHAIN_WORDS:
            cursor = end + 1
            if cursor < length and lowers[cursor] == "the":
                cursor += 1
            run_end = cursor
            while (
                run_end < length
                and run_end not in person_tokens
                and (_is_name_word(words[run_end]) or (run_end > cursor and lowers[run_end] in _INNER_WORDS))
            ):
                run_end += 1
            while run_end > cursor and lowers[run_end - 1] in _INNER_WORDS:
                run_end -= 1
            if run_end == cursor:
                break
            end = run_end
        return end

    @staticmethod
    def _acronyms(doc: Doc, names: list[Span]) -> dict[str, str]:
        """Acronyms defined right after a name: "Name (ACR)" or "Name, or ACR,"."""
        words = token_words(doc)
        acronyms: dict[str, str] = {}
        for name in names:
            after = words[name.end : name.end + 3]
            if len(after) < 3:
                continue
            if after[0] == "(" and after[2] == ")" and _ACRONYM.match(after[1]):
                acronyms.setdefault(after[1], name.text)
            elif after[0] == "," and after[1].lower() == "or" and _ACRONYM.match(after[2]):
                acronyms.setdefault(after[2], name.text)
        return acronyms

    @staticmethod
    def _subject(doc: Doc, names: list[Span]) -> str | None:
        """The body the document is about: its title when that names a body, else the first."""
        title = doc._.ocmfa_layout.title
        if title is not None:
            for name in names:
                if name.start_char >= title.start and name.end_char <= title.end:
                    if _DISAMBIGUATOR.sub("", title.text) == name.text:
                        return name.text
        return names[0].text if names else None

    @staticmethod
    def _resolve(doc: Doc, mentions: list[Span], acronyms: dict[str, str]) -> list[Span]:
        """Give every mention the full name it stands for (``kb_id_``)."""
        tokens, doc_text = token_words(doc), document_text(doc)
        resolved: list[Span] = []
        seen_full: dict[str, None] = {}  # full names met so far, the latest last (each once)
        subject = doc._.ocmfa_subject
        for mention in mentions:
            text = span_text(doc_text, mention)
            if mention.label_ == "ACRONYM":
                target = acronyms[text]
            else:
                words = content_words(text)
                # Only a bare head word or a possessive form is a short reference ("the
                # Office", "the Commissioner's Office"); "State Council" is a body of its own.
                short = (
                    len(mention) == 1
                    or any(word in _POSSESSIVES for word in tokens[mention.start : mention.end])
                    or mention.label_ == "ORG_REF"
                )
                target = text
                if short and words:
                    # The latest full name that holds its words, else the document's subject.
                    candidates = itertools.chain((name for name in reversed(seen_full) if name != text), [subject])
                    target = next((name for name in candidates if name and words < content_words(name)), text)
                if mention.label_ == "ORG_REF" and target == text:
                    target = subject or mention[1:].text  # "the ministry" of an unnamed body
                if mention.label_ == "ORG" and target == text:
                    seen_full.pop(text, None)
                    seen_full[text] = None
            resolved.append(Span(doc, mention.start, mention.end, label=mention.label_, kb_id=target))
        return resolved
