"""Filtering rules: which candidates are names of people.

Each rule gives a verdict on a candidate: ``False`` rejects it, ``True`` accepts it, and
``None`` leaves it to the next rule. The rules are tried in the order of
``patterns/rules/people.jsonl``, the first verdict wins, and a candidate no rule decides
is accepted. (So the order matters: a context that vouches for a name accepts it before
the place rules can reject it.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from .words import KIND_BITS

if TYPE_CHECKING:
    from .document import PeopleDoc

VERDICT = "verdict"  # what the filtering rules emit


@rule("ocmfa.people.lone_word_needs_context.v1", stage="people", reads=("candidates",), emits=(VERDICT,))
def lone_word_needs_context(state: PeopleDoc, name: Span, settings: RuleSettings) -> bool | None:
    """Reject a one-word name that no honorific, title or layout vouches for (label ``CONTEXT``)."""
    return False if len(name) == 1 and name.label_ != "CONTEXT" else None


@rule(
    "ocmfa.people.followed_by_not_name_word.v1",
    stage="people",
    reads=("candidates", "lexicons/not_name_words"),
    emits=(VERDICT,),
)
def followed_by_not_name_word(state: PeopleDoc, name: Span, settings: RuleSettings) -> bool | None:
    """Reject a name followed by a capitalised word never part of a name: "Kennedy Road"."""
    after = state.words[name.end] if name.end < len(state.words) else None
    if after is not None and after.lower() in state.lexicons.not_name_words and after.istitle():
        return False
    return None


class WordBeforeSettings(RuleSettings):
    """The lexicon of words that, right before a name, make it something else's."""

    lexicon: str = Field(min_length=1, description="The file stem of the lexicon in patterns/lexicons/.")


@rule(
    "ocmfa.people.street_named_after.v1",
    stage="people",
    reads=("candidates", "lexicons/street_prefixes"),
    emits=(VERDICT,),
    settings=WordBeforeSettings,
)
def street_named_after(state: PeopleDoc, name: Span, settings: WordBeforeSettings) -> bool | None:
    """Reject a name after a street word, past an honorific: "Avenida Dr. Stanley Ho", "Rua Sun Yat-sen"."""
    honorific_before = name.start > 0 and state.kinds[name.start - 1] & KIND_BITS["honorific"]
    first = name.start - 1 if honorific_before else name.start
    if first > 0 and state.words[first - 1].lower() in state.resources.patterns.lexicon(settings.lexicon):
        return False
    return None


@rule(
    "ocmfa.people.publication_name.v1",
    stage="people",
    reads=("candidates", "lexicons/media_words"),
    emits=(VERDICT,),
    settings=WordBeforeSettings,
)
def publication_name(state: PeopleDoc, name: Span, settings: WordBeforeSettings) -> bool | None:
    """Reject a name right after a word for a publication: "the newspaper La Nación"."""
    if name.start > 0 and state.words[name.start - 1].lower() in state.resources.patterns.lexicon(settings.lexicon):
        return False
    return None


@rule("ocmfa.people.context_vouches.v1", stage="people", reads=("candidates",), emits=(VERDICT,))
def context_vouches(state: PeopleDoc, name: Span, settings: RuleSettings) -> bool | None:
    """Accept a name an honorific, a title or the layout vouches for (label ``CONTEXT``): "Mr X", "Ambassador X"."""
    return True if name.label_ == "CONTEXT" else None


@rule("ocmfa.people.place_in_name.v1", stage="people", reads=("candidates", "lexicons/places"), emits=(VERDICT,))
def place_in_name(state: PeopleDoc, name: Span, settings: RuleSettings) -> bool | None:
    """Reject a name that holds a place of the gazetteer: "Wan Chai", "Sun Yat-sen Memorial Hall"."""
    return False if any(i in state.place_tokens for i in range(name.start, name.end)) else None


class ModifierSettings(RuleSettings):
    """The words before a name that make it a modifier of what follows."""

    determiners: frozenset[str] = Field(description='Lower-case determiners ("a Wan Chai club").')


@rule(
    "ocmfa.people.after_indefinite_article.v1",
    stage="people",
    reads=("candidates",),
    emits=(VERDICT,),
    settings=ModifierSettings,
)
def after_indefinite_article(state: PeopleDoc, name: Span, settings: ModifierSettings) -> bool | None:
    """Reject a name after "a" or "an": it modifies a noun ("a Wan Chai club")."""
    if name.start > 0 and state.words[name.start - 1].lower() in settings.determiners:
        return False
    return None
