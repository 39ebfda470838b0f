"""Growing rules: a name found by a pattern grows over the name words around it.

The patterns match two or three words; many names are longer: "Luiz Fernando
Vasconcellos Moreira", "Almas Nurlanovich Zhaksylykov" (a patronymic), "Ama Serwaa
Boakye-Danquah", "Abdul-Rashid Sulemana". Each rule takes a candidate and its bounds so
far (token offsets) and returns new bounds; the component applies them in the order of
``patterns/rules/people.jsonl`` to the candidates of the finding rules that grow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings, rule
from .words import KIND_BITS

if TYPE_CHECKING:
    from .document import PeopleDoc

BOUNDS = "name bounds"  # what the growing rules emit


@rule("ocmfa.people.hyphenated_part_before.v1", stage="people", reads=("tokens",), emits=(BOUNDS,))
def hyphenated_part_before(
    state: PeopleDoc, span: Span, start: int, end: int, settings: RuleSettings
) -> tuple[int, int]:
    """A capitalised word joined to the name's first by a hyphen, no space either side: "Abdul-" of "Abdul-Rashid"."""
    if start >= 2 and state.hyphen_joins(start - 1) and state.kinds[start - 2] & KIND_BITS["cap"]:
        return start - 2, end
    return start, end


class NameWordsAfterSettings(RuleSettings):
    """How far a name grows to the right, and what a headline is."""

    most_words: int = Field(ge=2, le=12, description="The most words a grown name has (hyphens not counted).")
    headline_words: int = Field(ge=1, description="The fewest words of a line in title case (a headline).")
    headline_long_word: int = Field(ge=1, description="The letters from which a headline's words are capitalised.")


@rule(
    "ocmfa.people.name_words_after.v1",
    stage="people",
    reads=("tokens", "doc._.ocmfa_layout", "lexicons/places", "patterns/people.jsonl"),
    emits=(BOUNDS,),
    settings=NameWordsAfterSettings,
)
def name_words_after(
    state: PeopleDoc, span: Span, start: int, end: int, settings: NameWordsAfterSettings
) -> tuple[int, int]:
    """The capitalised name words (or hyphenated parts) that go on after the name, joined by one space.

    The words must be name words (not in ``not_name_words``, not places), the name may
    not end on a particle ("bin", "Al"), and the capitals must stop where it does. In a
    line in title case ("Minister Li Meets Visiting Kazakh Delegation") a name grows only
    up to punctuation ("..., Ambassador Ana Lucía Gamarra Villanueva, at ...").
    """
    grown = _extend(state, start, end, settings.most_words)
    words = state.words
    while grown > end and words[grown - 1].casefold() in state.resources.particles:
        grown -= 1
    if grown > end and grown < len(words) and words[grown][:1].isupper():
        return start, end  # the capitals run on: "Commissioner Li Ming Met Outgoing CG of ...", a headline
    if grown > end and not _closed_in_headline(state, span, grown, settings):
        return start, end
    return start, grown


def _extend(state: PeopleDoc, start: int, end: int, most_words: int) -> int:
    """The end of the name with the name words after it, up to ``most_words`` words."""
    words, kinds, spaced = state.words, state.kinds, state.spaced
    cap = KIND_BITS["cap"]
    while sum(words[i] != "-" for i in range(start, end)) < most_words and end < len(words):
        if end + 1 < len(words) and state.hyphen_joins(end) and kinds[end + 1] & cap:
            end += 2
        elif spaced[end - 1] and kinds[end] & cap and end not in state.place_tokens:
            end += 1
        else:
            break
    return end


def _closed_in_headline(state: PeopleDoc, span: Span, end: int, settings: NameWordsAfterSettings) -> bool:
    """Whether a name grown to ``end`` is closed off by punctuation, if it is in a headline.

    Capitals that run on to a headline's end are the headline's own words.
    """
    headline = state.in_headline(
        state.doc[span.start].idx, fewest_words=settings.headline_words, long_word=settings.headline_long_word
    )
    if not headline:
        return True
    words = state.words
    return end < len(words) and not words[end][0].isalnum() and not words[end].isspace()  # ",", ")", "|"
