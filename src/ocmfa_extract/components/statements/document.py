"""The state the statement rules read for one document: its quotations, its spans by offset, and lookups.

Nothing here decides who said what. The rules (the other modules of this package) do,
through :class:`_DocStatements`: its indexes of people, bodies, cues and dates, its tests
("is this offset quoted?", "is it in an aside?"), and the entry points to the rules of
the other kinds a rule needs (the speaker before or after a cue, the speaker a cue word
names, the date of a statement), each applied as "the first of its rules that gives an
answer wins".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from spacy.tokens import Doc, Span

from ...extensions import DATES_KEY, ORGS_KEY, PEOPLE_KEY, PRONOUNS_KEY, TITLES_KEY
from ...facts import StatementFact
from ...models import DateValue
from ...rulebook import ConfiguredRule
from ..layout import document_text, sentence_of, sentences
from ..rules import RangeIndex

_QUOTE_PAIRS = {"“": "”", '"': '"', "‘": "’"}
_OPENING_QUOTE = re.compile("[" + "".join(_QUOTE_PAIRS) + "]")
# With the spaces that end the paragraph; tried only where a run of spaces starts, so a long
# run of spaces costs its length once, not its length squared.
_PARAGRAPH_BREAK = re.compile(r"(?<![ \t\r])[ \t\r]*\n[ \t\r]*\n")
#: A transcript turn's label and its colon: "Guo Ruiqing: ...", "A: ..." (a shape, not words).
TURN_LABEL = re.compile(r"^(?P<label>[A-Z][\w .'’\-]{0,60}?)\s*:\s+\S")
_LEADING_THAT = re.compile(r"^\s*(?:that\b)?[\s,:]*")

#: The kinds of rule, named by the first thing a rule emits; the component applies each
#: kind at its own point (see ``component.py``).
CUE_FILTER = "kept cue"
DOCUMENT_READER = "StatementFact"
MAIN_CUE = "main cue"
SENTENCE_READER = "StatementFact of a sentence"
SPEAKER_AFTER = "speaker after a cue"
SPEAKER_BEFORE = "speaker before a cue"
CUE_SPEAKER = "speaker a cue names"
STATEMENT_DATE = "statement date"
FINISHER = "StatementFact, finished"
RULE_KINDS = (
    CUE_FILTER,
    DOCUMENT_READER,
    MAIN_CUE,
    SENTENCE_READER,
    SPEAKER_AFTER,
    SPEAKER_BEFORE,
    CUE_SPEAKER,
    STATEMENT_DATE,
    FINISHER,
)


@dataclass(frozen=True)
class Speaker:
    """Who made a statement: a person's key, or a body's or document's name."""

    name: str
    kind: str  # "person", "organization" or "other"
    person_key: str | None


@dataclass(frozen=True)
class SharedWords:
    """The word lists several rules read (``patterns/lexicons/statements_*.txt``)."""

    determiners: frozenset[str] = frozenset()
    relative_pronouns: frozenset[str] = frozenset()
    transcript_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StatementRules:
    """The configured rules of the stage, by kind, each kind in the order of its lines, and the shared words."""

    words: SharedWords = field(default_factory=SharedWords)
    by_kind: dict[str, tuple[ConfiguredRule, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[ConfiguredRule], words: SharedWords) -> StatementRules:
        """Group ``rules`` by kind (the first thing each emits), keeping their order."""
        grouped: dict[str, list[ConfiguredRule]] = {kind: [] for kind in RULE_KINDS}
        for configured in rules:
            grouped[configured.spec.emits[0]].append(configured)
        return cls(words, {kind: tuple(found) for kind, found in grouped.items()})

    def of_kind(self, kind: str) -> tuple[ConfiguredRule, ...]:
        """The enabled rules of one kind, in order."""
        return self.by_kind.get(kind, ())


def first_answer(rules: Iterable[ConfiguredRule], *args: Any) -> Any:
    """Apply ``rules`` in order; the first answer that is not ``None`` wins."""
    for configured in rules:
        answer = configured(*args)
        if answer is not None:
            return answer
    return None


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the text inside quotation marks, marks excluded.

    Curly quotes pair by shape; straight double quotes pair in order. Single curly
    quotes count only where they open after a space (so apostrophes are not quotes). A
    quotation never runs over a blank line: one that goes on into the next paragraph is
    left open at the paragraph's end and opened again at the next one's start, so a
    quotation still open when its paragraph ends stops there.
    """
    # Every mark and break is found once and looked up by bisection: a long run of marks
    # that never close costs its length, not its length squared.
    closings = {char: [m.start() for m in re.finditer(re.escape(pair), text)] for char, pair in _QUOTE_PAIRS.items()}
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
    quotes: list[tuple[int, int]] = []
    after = 0
    for opening in _OPENING_QUOTE.finditer(text):
        index, char = opening.start(), opening.group()
        if index < after:
            continue
        if char == "‘" and index > 0 and text[index - 1].isalnum():
            continue
        positions = closings[char]
        at = bisect_right(positions, index)
        end = positions[at] if at < len(positions) else len(text)
        at = bisect_right(breaks, index)
        if at < len(breaks) and breaks[at] < end:  # the paragraph ends first: the quotation stops there
            quotes.append((index + 1, breaks[at]))
            after = breaks[at]
        elif end < len(text):
            quotes.append((index + 1, end))
            after = end + 1
    return quotes


class _ByToken:
    """Spans by their first token, found in the order of their list without a scan of it."""

    def __init__(self, spans: list[Span]) -> None:
        """Index ``spans`` (in any order) by start token."""
        self.index = RangeIndex(list(enumerate(spans)), lambda item: item[1].start)
        self.longest = max((len(span) for span in spans), default=0)

    def starting(self, low: int, high: int) -> list[Span]:
        """The spans that start at a token in ``[low, high)``, in the list's order."""
        return [span for _, span in sorted(self.index.between(low, high))]

    def covering(self, token: int) -> list[Span]:
        """The spans that hold ``token``, in the list's order."""
        return [span for span in self.starting(token - self.longest + 1, token + 1) if token < span.end]


class _DocStatements:
    """One document as the statement rules see it.

    Built with no ``rules``, it keeps every cue and answers only the lookups of its own
    (quotations, offsets); the component builds it with the configured rules.
    """

    def __init__(self, doc: Doc, cues: list[Span], rules: StatementRules | None = None) -> None:
        """Index the document's quotations and spans; keep the cues the cue filters accept."""
        self.doc = doc
        self.rules = rules if rules is not None else StatementRules()
        self.words = self.rules.words
        self.text = document_text(doc)
        self.quotes = find_quotes(self.text)  # in order, none inside another
        self.quote_starts = [start for start, _ in self.quotes]
        self.titles = _spans(doc, TITLES_KEY)
        filters = self.rules.of_kind(CUE_FILTER)
        self.cues = [
            cue for cue in cues if not self._quoted(cue.start_char) and all(keep(self, cue) for keep in filters)
        ]
        self.people = _spans(doc, PEOPLE_KEY) + _spans(doc, PRONOUNS_KEY)
        self.cues_by_token = RangeIndex(self.cues, lambda cue: cue.start)
        self.orgs = _spans(doc, ORGS_KEY)
        # By start offset, keeping their order in the lists (which breaks ties between speakers).
        self.people_by_char = RangeIndex(list(enumerate(self.people)), lambda item: item[1].start_char)
        self.orgs_by_char = RangeIndex(list(enumerate(self.orgs)), lambda item: item[1].start_char)
        self.cues_by_char = RangeIndex(list(enumerate(self.cues)), lambda item: item[1].start_char)
        # By start token, for the speaker after a cue (no scan of every span per cue).
        self.people_at = _ByToken(self.people)
        self.orgs_at = _ByToken(self.orgs)
        self.cues_at = _ByToken(self.cues)
        self.dates = _spans(doc, DATES_KEY)
        self.dates_by_char = RangeIndex(self.dates, lambda date: date.start_char)
        self.names: dict[str, str] = doc._.ocmfa_people or {}
        self.last_speaker: Speaker | None = None  # of the last sentence statement (for "it")
        self.read_so_far: list[StatementFact] = []  # the statements of the document readers applied so far

    # -- the rules of other kinds ---------------------------------------------------------

    def speaker_after(self, index: int) -> Speaker | None:
        """The speaker right after a cue that ends at token ``index`` ("said Mr Song")."""
        return first_answer(self.rules.of_kind(SPEAKER_AFTER), self, index)  # type: ignore[no-any-return]

    def speaker_before(self, start_char: int, end_char: int, first: bool = False) -> Speaker | None:
        """The speaker between two offsets before a cue: the nearest, or with ``first`` the first."""
        return first_answer(self.rules.of_kind(SPEAKER_BEFORE), self, start_char, end_char, first)  # type: ignore[no-any-return]

    def cue_speaker(self, cue: Span) -> Speaker | None:
        """A speaker named by a cue word: "it", "a spokesman for the office", "the report"."""
        return first_answer(self.rules.of_kind(CUE_SPEAKER), self, cue)  # type: ignore[no-any-return]

    def date(self, sentence: Span, content: tuple[int, int], cue: Span) -> tuple[DateValue | None, bool]:
        """When a statement was made, and whether its own sentence says so (the dating rules, in order)."""
        answer = first_answer(self.rules.of_kind(STATEMENT_DATE), self, sentence, content, cue)
        return answer if answer is not None else (None, False)

    # -- lookups --------------------------------------------------------------------------

    def person(self, mention: Span) -> Speaker:
        """A person mention as a speaker, under the person's full name."""
        return Speaker(self.names.get(mention.kb_id_, mention.text), "person", mention.kb_id_)

    def person_by_key(self, key: str) -> Speaker:
        """A person, by key, as a speaker."""
        return Speaker(self.names.get(key, key), "person", key)

    def _quoted(self, offset: int) -> bool:
        """Whether ``offset`` is inside a quotation."""
        index = bisect_right(self.quote_starts, offset) - 1
        return index >= 0 and offset < self.quotes[index][1]

    def _quote_between(self, start: int, end: int) -> bool:
        """Whether a quotation opens (its mark) strictly between two offsets."""
        after = bisect_right(self.quote_starts, start + 1)
        return after < len(self.quote_starts) and self.quote_starts[after] < end + 1

    def opens_sentence(self, offset: int) -> bool:
        """Whether a quotation mark at ``offset`` begins its sentence (or its line)."""
        token = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        if token is None:
            return False
        return token[0].is_sent_start or not self.text[sentence_of(self.doc, token.start).start_char : offset].strip()

    def in_title(self, span: Span) -> bool:
        """Whether a body is named inside a title ("Director of the Treaty Department")."""
        return any(t.start < span.start < t.end for t in self.titles)

    def in_aside(self, offset: int, window: int) -> bool:
        """Whether ``offset`` lies in ", who/which ... ," (an aside about someone), within ``window`` tokens."""
        token = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        if token is None:
            return False
        index = token.start
        for cursor in range(index - 1, max(sentence_of(self.doc, index).start - 1, index - window), -1):
            if self.doc[cursor].text == ",":
                following = cursor + 1
                return following < len(self.doc) and self.doc[following].lower_ in self.words.relative_pronouns
        return False

    def frames(self, date: Span, content: tuple[int, int], window: int) -> bool:
        """Whether ``date`` is outside the content and outside an aside."""
        return not content[0] <= date.start_char < content[1] and not self.in_aside(date.start_char, window)

    @cached_property
    def titles_by_char(self) -> RangeIndex[Span]:
        """The titles by start offset."""
        return RangeIndex(self.titles, lambda title: title.start_char)

    @cached_property
    def person_tokens(self) -> set[int]:
        """The tokens inside a person mention."""
        return {i for p in self.people for i in range(p.start, p.end)}

    @cached_property
    def date_tokens(self) -> set[int]:
        """The tokens inside a date."""
        return {i for date in self.dates for i in range(date.start, date.end)}

    @cached_property
    def transcript_date(self) -> DateValue | None:
        """When a transcript was spoken: "The interview, conducted on 28 May, ...", else published."""
        for sentence in sentences(self.doc):
            if not any(token.lower_ in self.words.transcript_words for token in sentence):
                continue
            dates = [d for d in self.dates if sentence.start <= d.start < sentence.end]
            if dates and not TURN_LABEL.match(sentence.text):
                return dates[0]._.ocmfa_date  # type: ignore[no-any-return]
        return self.doc._.ocmfa_published  # type: ignore[no-any-return]

    # -- content ranges -------------------------------------------------------------------

    def strip_quote(self, start: int, end: int) -> tuple[int, int]:
        """Drop the comma a quotation ends with before "X said" (“..., ” X said)."""
        while end > start and self.text[end - 1] in ", \n":
            end -= 1
        return start, end

    def trim(self, start_char: int, end_char: int, min_words: int) -> tuple[int, int] | None:
        """Strip spaces, a leading "that" and a final full stop from a content range of at least ``min_words``."""
        stripped = _LEADING_THAT.sub("", self.text[start_char:end_char])
        start = end_char - len(stripped)
        stripped = stripped.rstrip(" \t\r\n.")
        return (start, start + len(stripped)) if len(stripped.split()) >= min_words else None

    def trim_end(self, end: int) -> int:
        """``end`` moved back over spaces."""
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return end

    def sentence_end(self, sentence: Span) -> int:
        """The end of a sentence, extended to the end of a quotation it opens."""
        end = sentence.end_char
        # Quotations do not overlap, so the first that opens in the sentence and runs past
        # its end is the only one that can extend it.
        index = bisect_left(self.quote_starts, sentence.start_char)
        while index < len(self.quotes) and self.quotes[index][0] < end:
            if end < self.quotes[index][1]:
                return self.quotes[index][1] + 1
            index += 1
        return end

    # -- statements -----------------------------------------------------------------------

    def fact(
        self, speaker: Speaker, cue: Span, content: tuple[int, int], direct: bool, sentence: Span, rule: str
    ) -> StatementFact:
        """A statement read in ``sentence``: its evidence is the sentence, its date from the dating rules."""
        evidence_end = self.trim_end(min(max(self.sentence_end(sentence), content[1]), len(self.text)))
        date, own = self.date(sentence, content, cue)
        return make_fact(speaker, cue.text, content, direct, (sentence.start_char, evidence_end), date, rule, own)


def make_fact(
    speaker: Speaker,
    cue: str,
    content: tuple[int, int],
    direct: bool,
    evidence: tuple[int, int],
    date: DateValue | None,
    rule: str,
    date_is_own: bool = True,
) -> StatementFact:
    """A :class:`StatementFact` from its parts."""
    return StatementFact(
        speaker=speaker.name,
        speaker_type=speaker.kind,
        speaker_key=speaker.person_key,
        cue=cue,
        content_start=content[0],
        content_end=content[1],
        direct=direct,
        date=date,
        evidence_start=evidence[0],
        evidence_end=evidence[1],
        rule_id=rule,
        date_is_own=date_is_own,
    )


def speaker_of(fact: StatementFact) -> Speaker:
    """The speaker of a statement."""
    return Speaker(fact.speaker, fact.speaker_type, fact.speaker_key)


def _spans(doc: Doc, key: str) -> list[Span]:
    return list(doc.spans[key])
