"""Authorship: whose own words a message or speech is (``doc._.ocmfa_author``).

The rules are tried in the order of ``patterns/rules/people.jsonl``; the first that names
a person gives the author. Which titles make a document one person's words are the
lexicons ``people_authored_titles`` ("message", "speech", "remarks") and
``people_signed_titles`` ("welcome": the words of whoever signs at the end).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import Field
from spacy.tokens import Doc, Span

from ...rulebook import RuleSettings, rule
from ..rules import cached_patterns, packaged_patterns_dir

if TYPE_CHECKING:
    from ...patterns import Patterns
    from .document import PeopleDoc

AUTHOR = "doc._.ocmfa_author"
AUTHORED_LEXICON = "people_authored_titles"
SIGNED_LEXICON = "people_signed_titles"


def title_opening(phrases: Iterable[str]) -> re.Pattern[str]:
    """A regex that matches a title opening with one of ``phrases`` as whole words, in any case."""
    # Longest first, so that "welcome message" is preferred to a phrase it starts with.
    ordered = sorted(phrases, key=lambda phrase: (-len(phrase), phrase))
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in ordered)
    return re.compile(rf"^(?:{alternatives})\b", re.IGNORECASE)


@dataclass(frozen=True)
class TitleWords:
    """The openings of titles of documents that are one person's words."""

    authored: re.Pattern[str]  # "Message from X", "Speech by X": the person the title names
    signed: re.Pattern[str]  # "Welcome from the Consul General": whoever signs at the end

    @classmethod
    def from_patterns(cls, patterns: Patterns) -> TitleWords:
        """Build the openings from the two lexicons of ``patterns``."""
        return cls(title_opening(patterns.lexicon(AUTHORED_LEXICON)), title_opening(patterns.lexicon(SIGNED_LEXICON)))

    def match(self, title: str) -> re.Match[str] | None:
        """The opening that makes ``title`` one person's, or its signatory's."""
        return self.authored.match(title) or self.signed.match(title)


@lru_cache(maxsize=1)
def _packaged_title_words() -> TitleWords:
    return TitleWords.from_patterns(cached_patterns(packaged_patterns_dir()))


def authored_title(title: str, words: TitleWords | None = None) -> re.Match[str] | None:
    """The words that make a title one person's or its signatory's (``words``; the packaged lexicons by default)."""
    return (words or _packaged_title_words()).match(title)


def only_honorifics(doc: Doc, start_char: int, end_char: int) -> bool:
    """Whether the text between two offsets holds nothing but honorifics ("Dr.", "H.E."), if anything."""
    if start_char >= end_char:
        return True
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    return span is not None and all(token._.ocmfa_honorific or token.is_punct or token.is_space for token in span)


@rule(
    "ocmfa.people.author_named_in_title.v1",
    stage="people",
    reads=("doc._.ocmfa_layout", "mentions", f"lexicons/{AUTHORED_LEXICON}"),
    emits=(AUTHOR,),
)
def author_named_in_title(state: PeopleDoc, mentions: list[Span], settings: RuleSettings) -> str | None:
    """The person a title such as "Message from X" or "Speech by X" names: the first mention in it."""
    title = state.doc._.ocmfa_layout.title
    if title is None or not state.resources.title_words.authored.match(title.text):
        return None
    return next((m.kb_id_ for m in mentions if title.start <= m.start_char < title.end), None)


class SignatorySettings(RuleSettings):
    """Where a signature is looked for."""

    last_lines: int = Field(ge=1, le=40, description="How many of the document's last lines may hold the signature.")


@rule(
    "ocmfa.people.author_signing_last_lines.v1",
    stage="people",
    reads=("doc._.ocmfa_layout", "mentions", f"lexicons/{AUTHORED_LEXICON}", f"lexicons/{SIGNED_LEXICON}"),
    emits=(AUTHOR,),
    settings=SignatorySettings,
)
def author_signing_last_lines(state: PeopleDoc, mentions: list[Span], settings: SignatorySettings) -> str | None:
    """The signatory of a message, speech or welcome: a line among the last ones that holds only a name ("Dr. X")."""
    doc = state.doc
    title = doc._.ocmfa_layout.title
    if title is None or not state.resources.title_words.match(title.text):
        return None
    for line in doc._.ocmfa_layout.lines[-settings.last_lines :]:
        for mention in mentions:
            if (
                mention.end_char == line.end
                and line.start <= mention.start_char
                and only_honorifics(doc, line.start, mention.start_char)
            ):
                return mention.kb_id_
    return None
