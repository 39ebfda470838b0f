"""Full names and acronyms: the rules that grow a head word into a body's name and read its acronym.

A head word of ``organizations.jsonl`` ("Office", "Ministry") grows to the left
(:func:`name_words_before_head`) and to the right (:func:`chain_after_head`); the name
runs from the earliest start to the latest end the enabled rules give. An acronym rule
reads the tokens right after a full name and gives the acronym it defines, if any; the
first rule that gives one wins, and the first name to define an acronym keeps it.
"""

from __future__ import annotations

from pydantic import Field
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from .document import DocOrganizations
from .words import ACRONYM, is_name_word


class NameStartSettings(RuleSettings):
    """The settings of a rule that finds where a body's name starts, before its head word."""


class NameEndSettings(RuleSettings):
    """The settings of a rule that finds where a body's name ends, after its head word."""


class AcronymSettings(RuleSettings):
    """The settings of a rule that reads the acronym a full name defines."""


class WordsBeforeSettings(NameStartSettings):
    """Capitalised words and possessives before the head word belong to the name."""

    possessives: frozenset[str] = Field(min_length=1, description="Possessive endings ('s) inside a name.")


@rule(
    "ocmfa.organizations.name_words_before_head.v1",
    stage="organizations",
    reads=("ORG_HEAD matches", "people", "dates"),
    emits=("ORG start",),
    settings=WordsBeforeSettings,
)
def name_words_before_head(org: DocOrganizations, head: Span, settings: WordsBeforeSettings) -> int:
    """Take the capitalised words before a head word ("Foreign Affairs Office"), not a leading stop word."""
    words, lowers, start = org.words, org.lowers, head.start
    while (
        start > 0
        and start - 1 not in org.stops
        and (is_name_word(words[start - 1]) or lowers[start - 1] in settings.possessives)
    ):
        start -= 1
    while start < head.start and (lowers[start] in STOP_WORDS or words[start] in settings.possessives):
        start += 1
    return start


class ChainSettings(NameEndSettings):
    """Chains after the head word belong to the name: "of/for/on/in (the) Name Words"."""

    chain_words: frozenset[str] = Field(min_length=1, description="The words that open a chain ('of', 'for').")
    articles: frozenset[str] = Field(description="An article a chain may have after its word ('the').")
    inner_words: frozenset[str] = Field(description="Words inside a chain's run, never at its end ('and', '&').")


@rule(
    "ocmfa.organizations.chain_after_head.v1",
    stage="organizations",
    reads=("ORG_HEAD matches", "people", "dates"),
    emits=("ORG end",),
    settings=ChainSettings,
)
def chain_after_head(org: DocOrganizations, head: Span, settings: ChainSettings) -> int:
    """Take the "of/for/on/in (the) Name Words" chains after a head word ("Ministry of Foreign Affairs")."""
    words, lowers, end = org.words, org.lowers, head.end
    length = len(words)
    while end < length and lowers[end] in settings.chain_words:
        cursor = end + 1
        if cursor < length and lowers[cursor] in settings.articles:
            cursor += 1
        run_end = _name_run_end(org, cursor, settings)
        if run_end == cursor:
            break
        end = run_end
    return end


def _name_run_end(org: DocOrganizations, cursor: int, settings: ChainSettings) -> int:
    """The end of the run of name words from ``cursor``, inner words inside it but not at its end."""
    words, lowers, length = org.words, org.lowers, len(org.words)
    run_end = cursor
    while (
        run_end < length
        and run_end not in org.stops
        and (is_name_word(words[run_end]) or (run_end > cursor and lowers[run_end] in settings.inner_words))
    ):
        run_end += 1
    while run_end > cursor and lowers[run_end - 1] in settings.inner_words:
        run_end -= 1
    return run_end


class BracketAcronymSettings(AcronymSettings):
    """The acronym in brackets right after the name."""

    opening: str = Field(min_length=1, description="The bracket before the acronym.")
    closing: str = Field(min_length=1, description="The bracket after it.")


@rule(
    "ocmfa.organizations.acronym_in_brackets.v1",
    stage="organizations",
    reads=("ORG",),
    emits=("doc._.ocmfa_acronyms",),
    settings=BracketAcronymSettings,
)
def acronym_in_brackets(org: DocOrganizations, name: Span, settings: BracketAcronymSettings) -> str | None:
    """An acronym in brackets after a name stands for it: "Long Name (ACR)"."""
    after = org.words[name.end : name.end + 3]
    if len(after) == 3 and after[0] == settings.opening and after[2] == settings.closing and ACRONYM.match(after[1]):
        return after[1]
    return None


class OrAcronymSettings(AcronymSettings):
    """The acronym after a separator and "or" right after the name."""

    separator: str = Field(min_length=1, description="The token right after the name (',').")
    words: frozenset[str] = Field(min_length=1, description="The word before the acronym ('or').")


@rule(
    "ocmfa.organizations.acronym_after_or.v1",
    stage="organizations",
    reads=("ORG",),
    emits=("doc._.ocmfa_acronyms",),
    settings=OrAcronymSettings,
)
def acronym_after_or(org: DocOrganizations, name: Span, settings: OrAcronymSettings) -> str | None:
    """An acronym after ", or" and a name stands for it: "Long Name, or ACR,"."""
    after = org.words[name.end : name.end + 3]
    if len(after) == 3 and after[0] == settings.separator and after[1].lower() in settings.words:
        return after[2] if ACRONYM.match(after[2]) else None
    return None
