"""The state the role rules share for one document: its words, its spans, and lookups over them.

Nothing here decides a role: :class:`DocRoles` indexes what the earlier stages found
(people, pronouns, organisations, dates, title matches) so that each rule can ask "who is
right after this title?" or "which dates are in this sentence?" without scanning the
document. The rules are in the other modules of this package.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import numpy
from spacy.attrs import LOWER
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...extensions import DATES_KEY, ORGS_KEY, PEOPLE_KEY, PRONOUNS_KEY
from ...facts import RoleFact
from ...patterns import Patterns
from ..layout import document_text, sentence_of, token_lowers, token_words, tokens_among
from ..rules import RangeIndex

_PAIRS = {")": 1, "(": -1}  # bracket depth, walking back


@dataclass(frozen=True)
class Title:
    """A position as written: its normalised title, its body, its tokens."""

    start: int
    end: int
    title: str
    organization: str | None
    plural: bool
    current: bool


@dataclass(frozen=True)
class RoleWords:
    """The word lists several role rules share, from ``patterns/lexicons/roles_*.txt``."""

    linking: frozenset[str]
    current: frozenset[str]
    adverbs: frozenset[str]
    auxiliaries: frozenset[str]
    copula: frozenset[str]
    appointment: frozenset[str]
    tenure_end: frozenset[str]

    @classmethod
    def from_patterns(cls, patterns: Patterns) -> RoleWords:
        """Read the lexicons; a missing one is a :class:`~ocmfa_extract.patterns.PatternError`."""
        return cls(
            linking=patterns.lexicon("roles_linking"),
            current=patterns.lexicon("roles_current_words"),
            adverbs=patterns.lexicon("roles_adverbs"),
            auxiliaries=patterns.lexicon("roles_auxiliaries"),
            copula=patterns.lexicon("roles_copula"),
            appointment=patterns.lexicon("roles_appointment"),
            tenure_end=patterns.lexicon("roles_tenure_end"),
        )

    @cached_property
    def before_title(self) -> frozenset[str]:
        """What stands between a holder's name (or verb) and a title: linking, current and adverb words."""
        return self.linking | self.current | self.adverbs

    @cached_property
    def verbs(self) -> frozenset[str]:
        """The verbs that link a subject to a title: copulas and appointments."""
        return self.copula | self.appointment

    @cached_property
    def before_verb_title(self) -> frozenset[str]:
        """What stands between a subject and the title its verb links it to: verbs, auxiliaries, adverbs."""
        return self.verbs | self.auxiliaries | self.adverbs

    @cached_property
    def before_event_verb(self) -> frozenset[str]:
        """What stands between a subject and a verb that dates its role: auxiliaries and adverbs."""
        return self.auxiliaries | self.adverbs


@dataclass(frozen=True)
class Lookback:
    """What stands before a title in its sentence, walking back over :attr:`RoleWords.before_title`.

    ``cursor`` is the first token not passed (before the sentence's start when all were),
    ``words`` the lower-case words passed, nearest first.
    """

    cursor: int
    words: tuple[str, ...]
    current: bool | None


class DocRoles:
    """One document as the role rules see it: its words, spans and titles, indexed by position."""

    def __init__(self, doc: Doc, title_matches: list[Span], words: RoleWords) -> None:
        """Index the spans of the earlier stages and the title matches; the titles come later (:meth:`add_titles`)."""
        self.doc = doc
        self.lexicon = words
        self.text = document_text(doc)
        self.words, self.lowers = token_words(doc), token_lowers(doc)  # doc[i].text makes a Token each time
        self.subject: str | None = doc._.ocmfa_subject
        self._index_spans(doc)
        self.ranks = {span.start for span in title_matches if span.label_ == "RANK"}
        self.tenure_words = {span.start: span.text.casefold() for span in title_matches if span.label_ == "TENURE"}
        self.heads = filter_spans([span for span in title_matches if span.label_ in {"TITLE", "TITLE_PLURAL"}])
        self.head_tokens = {i for span in self.heads for i in range(span.start, span.end)}
        self.add_titles([])
        self._lookbacks: dict[int, Lookback] = {}
        self._positions: dict[int, RangeIndex[int]] = {}  # by the word list's id: the rules pass their settings' own

    def _index_spans(self, doc: Doc) -> None:
        people = list(doc.spans[PEOPLE_KEY]) + list(doc.spans[PRONOUNS_KEY])
        self.person_at = {i: span for span in people for i in range(span.start, span.end)}
        self.org_at = {span.start: span for span in doc.spans[ORGS_KEY]}
        self.dates = list(doc.spans[DATES_KEY])
        self.date_tokens = {i for span in self.dates for i in range(span.start, span.end)}
        self.dates_by_token = RangeIndex(self.dates, lambda span: span.start)
        self.dates_by_char = RangeIndex(self.dates, lambda span: span.start_char)
        self.people_by_char = RangeIndex(doc.spans[PEOPLE_KEY], lambda span: span.start_char)

    def add_titles(self, titles: list[Title]) -> None:
        """Set the document's titles (grown from the heads by the title rules) and index them."""
        doc = self.doc
        self.titles = titles
        self.title_at = {i: title for title in titles for i in range(title.start, title.end)}
        self.titles_by_token = RangeIndex(titles, lambda title: title.start)
        self.titles_by_char = RangeIndex(titles, lambda title: doc[title.start].idx)

    # -- records ----------------------------------------------------------------------

    def fact(self, person: Span, title: Title, evidence: tuple[int, int], rule: str, **dates: object) -> RoleFact:
        """A role record: ``person`` holds ``title``; ``dates`` may give ``start``, ``end``, ``current``."""
        return RoleFact(
            person_key=person.kb_id_,
            title=title.title,
            organization=title.organization,
            start=dates.get("start"),  # type: ignore[arg-type]
            end=dates.get("end"),  # type: ignore[arg-type]
            current=True if (title.current or dates.get("current")) else None,
            evidence_start=evidence[0],
            evidence_end=evidence[1],
            rule_id=rule,
            title_start=self.doc[title.start].idx,
        )

    def tenure(self, date: Span) -> dict[str, object]:
        """Start, end and currency from a date span: a range, "since X", "until X" or "X"."""
        value, end_value = date._.ocmfa_date, date._.ocmfa_end_date
        if end_value is not None:
            return {"start": value, "end": end_value}
        if date._.ocmfa_open_end:
            return {"start": value, "current": True}
        if self.word_before(date) in self.lexicon.tenure_end:
            return {"end": value}
        return {"start": value}

    # -- lookups by position --------------------------------------------------------------

    def word_before(self, span: Span) -> str:
        """The lower-case word before ``span`` ("" at the document's start)."""
        return self.lowers[span.start - 1] if span.start > 0 else ""

    def positions_of(self, words: Collection[str]) -> RangeIndex[int]:
        """The tokens whose lower-case text is one of ``words``, found once per document (per word list)."""
        index = self._positions.get(id(words))
        if index is None:
            found = tokens_among(self.doc, words, LOWER)
            index = self._positions[id(words)] = RangeIndex(numpy.flatnonzero(found).tolist(), lambda i: i)
        return index

    def first_person(self, start_char: int, end_char: int) -> Span | None:
        """The first person mention wholly inside ``[start_char, end_char)``."""
        return next(
            (span for span in self.people_by_char.between(start_char, end_char) if span.end_char <= end_char), None
        )

    def titles_between(self, start_char: int, end_char: int) -> list[Title]:
        """The titles that start inside ``[start_char, end_char)``."""
        return self.titles_by_char.between(start_char, end_char)

    def person_after(self, index: int, chain_words: Collection[str] = ()) -> Span | None:
        """The person starting at ``index`` (after an honorific), if any.

        With ``chain_words``, a chain of titles is passed first ("Vice Premier and Minister Y X").
        """
        doc = self.doc
        if index < len(doc) and doc[index]._.ocmfa_honorific:
            index += 1
        if index + 1 < len(doc) and self.lowers[index] in chain_words and index + 1 in self.title_at:
            return self.person_after(self.title_at[index + 1].end, chain_words)
        person = self.person_at.get(index)
        if person is None:
            return None
        # A mention starts at ``index``, or just before it when it keeps its honorific ("Mr Song").
        return person if person.start == index or doc[person.start]._.ocmfa_honorific else None

    def closes(self, index: int, closers: Collection[str]) -> bool:
        """Whether a scope ends at ``index``: one of ``closers`` (words or punctuation), a line's end, the doc's end."""
        return index >= len(self.doc) or self.lowers[index] in closers or self.words[index].isspace()

    def bracket_opening(self, index: int, window: int) -> int | None:
        """The "(" of the bracket that holds ``index``, looking back at most ``window`` tokens."""
        depth = 0
        for i in range(index, max(-1, index - window), -1):
            depth += _PAIRS.get(self.words[i], 0)
            if depth < 0:
                return i
        return None

    # -- walking back -------------------------------------------------------------------

    def skip_back(self, cursor: int, limit: int, skippable: Collection[str]) -> tuple[int, list[str]]:
        """Walk back over ``skippable`` words; return where it stopped and what it passed."""
        words: list[str] = []
        while cursor >= limit and self.lowers[cursor] in skippable:
            words.append(self.lowers[cursor])
            cursor -= 1
        return cursor, words

    def lookback(self, title: Title, sentence: Span) -> Lookback:
        """What stands before ``title``: linking words, a possessor ("Singapore's"), linking words again.

        Worked out once per title: the name-first rules all start from it.
        """
        known = self._lookbacks.get(title.start)
        if known is None:
            skippable = self.lexicon.before_title
            cursor, words = self.skip_back(title.start - 1, sentence.start, skippable)
            cursor = self._skip_possessor(cursor, sentence.start)
            cursor, more = self.skip_back(cursor, sentence.start, skippable)
            words += more
            current = any(word in self.lexicon.current for word in words) or None
            known = self._lookbacks[title.start] = Lookback(cursor, tuple(words), current)
        return known

    def _capitalised(self, index: int) -> bool:
        return self.words[index].istitle() or self.words[index].isupper()

    def _skip_possessor(self, cursor: int, limit: int) -> int:
        """Walk back over a possessor before a title ("Singapore's", "the UAE's", "DFAT's")."""
        if cursor - 1 >= limit and self.words[cursor] in {"'s", "’s"} and self._capitalised(cursor - 1):
            cursor -= 2
            while cursor >= limit and self._capitalised(cursor) and cursor not in self.person_at:
                cursor -= 1
            if cursor >= limit and self.lowers[cursor] == "the":
                cursor -= 1
        return cursor

    # -- subjects -------------------------------------------------------------------------

    def subject_ending_at(self, index: int, many: bool, apposition_window: int) -> list[Span]:
        """The subject of a verb: the name (or pronoun) before it, across "who" and an apposition.

        "X was ...", "X, who previously served as ...", "X, a specialist in Y, had earlier
        served as ..." all have X as their subject; an apposition is looked back over for
        at most ``apposition_window`` tokens.
        """
        if index >= 0 and self.lowers[index] in {"who", "which"}:
            index -= 1
            if index >= 0 and self.words[index] != "," and index not in self.person_at:
                # "X (born 1964) is a diplomat who has served as ...": the sentence's subject.
                return self._sentence_subject(index)
        if index >= 0 and self.words[index] == ",":
            if index - 1 in self.person_at:
                return [self.person_at[index - 1]]
            opening = next(
                (i for i in range(index - 1, max(-1, index - apposition_window), -1) if self.words[i] == ","), None
            )
            if opening is not None and opening - 1 in self.person_at:
                return [self.person_at[opening - 1]]
            # "Xu, a speaker who ..., where he ..., led the office": the name that opens the sentence.
            return self._sentence_subject(index)
        return self.people_ending_at(index, many)

    def _sentence_subject(self, index: int) -> list[Span]:
        """The person who opens the sentence holding ``index``, followed by "," "(" or "is"/"was"."""
        doc = self.doc
        subject = self.person_at.get(sentence_of(doc, index).start)
        if subject is None or subject.end >= len(doc):
            return []
        return [subject] if self.words[subject.end] in {",", "("} or self.lowers[subject.end] in {"is", "was"} else []

    def people_ending_at(self, index: int, many: bool) -> list[Span]:
        """The person ending at ``index``; with ``many``, the whole list "A, B (x) and C"."""
        people: list[Span] = []
        cursor = index
        while cursor >= 0:
            if self.words[cursor] == ")":
                cursor = self._before_brackets(cursor)
                continue
            person = self.person_at.get(cursor)
            if person is None:
                break
            people.append(person)
            if not many:
                break
            cursor = person.start - 1
            while cursor >= 0 and self.words[cursor] in {",", "and"}:
                cursor -= 1
        return list(reversed(people))

    def _before_brackets(self, cursor: int) -> int:
        """The token before the bracket that closes at ``cursor``."""
        depth = 0
        while cursor >= 0:
            depth += _PAIRS.get(self.words[cursor], 0)
            cursor -= 1
            if depth == 0:
                break
        return cursor
