"""The ``ocmfa_statements`` component: who said, wrote or declared what, and when.

Reads the layout and the spans of the earlier stages (people, pronouns, organisations,
dates, titles). Adds ``doc._.ocmfa_statements``: a list of :class:`StatementFact`.

Cues come from ``cues.jsonl``: reporting verbs (``SAY``: "said", "stated", "found that"),
verbs whose object is the content (``REACT``: "criticized", "thanked"), participles
("saying", "noting"), "according to", and the words that make a document or a spokesman a
speaker. Statements are read in four ways:

- a document headed "Message from <title> <name>" (or "Speech/Remarks by ...") is one
  statement by that person: its body is the content;
- a transcript turn ("Guo Ruiqing: ...", and "A: ..." in an interview) is a statement by
  the person speaking;
- a quotation followed by its attribution ("“...,” X said." / "“...”, said X.");
- a sentence with a cue: the speaker is the subject before the cue (a person, a body, a
  document, "he"/"she"), or the name right after it ("said X", "according to X"); the
  content is the quotation after the cue, kept whole across sentences, else the clause
  after it without the cue.

A statement's date is the first date of its sentence outside the content, else the latest
date before it in its paragraph, else the document's own date.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ... import extensions  # noqa: F401 - registers the attributes this stage sets
from ...extensions import DATES_KEY, ORGS_KEY, PEOPLE_KEY, PRONOUNS_KEY, TITLES_KEY
from ...facts import StatementFact
from ...models import DateValue
from ...patterns import Patterns
from ..layout import TextRange, document_text, sentence_of, sentences
from ..people import authored_title, only_honorifics
from ..rules import PhraseRuleMatcher, RangeIndex, cached_patterns, patterns_dir_or_default

_QUOTE_PAIRS = {"“": "”", '"': '"', "‘": "’"}
_WORD_CHAR = re.compile(r"[^\W_]")
_OPENING_QUOTE = re.compile("[" + "".join(_QUOTE_PAIRS) + "]")
# With the spaces that end the paragraph; tried only where a run of spaces starts, so a long
# run of spaces costs its length once, not its length squared.
_PARAGRAPH_BREAK = re.compile(r"(?<![ \t\r])[ \t\r]*\n[ \t\r]*\n")
_PREPOSITIONS = frozenset({"by", "of", "for", "from", "with", "to", "on", "at", "about", "against", "in", "after"})
_VERB_CUES = frozenset({"SAY", "REACT", "PARTICIPLE"})
_DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "its", "their", "one", "of", "these", "those", "his", "her"}
)
_NOT_BEFORE_DOCUMENT = frozenset({"to", "would", "will", "can", "could", "should", "may", "must", "might"})
# Words that may stand between a cue and its "that": "said in a statement that", "told the Post that".
_BEFORE_THAT = frozenset(
    {
        "in",
        "on",
        "at",
        "during",
        "a",
        "an",
        "the",
        "his",
        "her",
        "its",
        "their",
        "statement",
        "interview",
        "remarks",
        "letter",
        "speech",
        "briefing",
        "closing",
        "opening",
        "written",
        "press",
        "conference",
        "reporters",
        "journalists",
        "earlier",
        "later",
        "today",
        "yesterday",
        "last",
        "this",
        "also",
        ",",
    }
)
_TELL_CUES = frozenset({"told", "tells", "tell", "assured", "informed", "reminded", "warned", "urged"})
_TURN_LABEL = re.compile(r"^(?P<label>[A-Z][\w .'’\-]{0,60}?)\s*:\s+\S")
# What may stand before the name in a turn label: capitalised words and the little words
# of titles ("Foreign Ministry Spokesperson", "Minister of Foreign Affairs").
_LABEL_TITLE = re.compile(r"(?:(?:[A-Z][\w.'’\-]*|of|the|for|and)\s+)+")
_ANSWER_LABELS = frozenset({"a", "answer"})
_QUESTION_LABEL = re.compile(r"^(?:Q|Question)\s*:\s+\S")
_TRANSCRIPT_WORDS = frozenset({"interview", "conducted", "recorded", "transcript"})
_STAMP_REST = re.compile(r"(?i)[\s\W\d]*(?:(?:posted|published|updated|on|at|am|pm|hkt|gmt)\b[\s\W\d]*)*")


@dataclass(frozen=True)
class Speaker:
    """Who made a statement: a person's key, or a body's or document's name."""

    name: str
    kind: str  # "person", "organization" or "other"
    person_key: str | None


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


@Language.factory(
    "ocmfa_statements",
    assigns=["doc._.ocmfa_statements"],
    requires=["doc._.ocmfa_layout", "doc.spans", "doc._.ocmfa_published"],
    default_config={"patterns_dir": None},
)
def make_statements(nlp: Language, name: str, patterns_dir: str | None) -> StatementsComponent:
    """Create the statements component from the patterns in ``patterns_dir``."""
    return StatementsComponent(nlp, name, cached_patterns(patterns_dir_or_default(patterns_dir)))


class StatementsComponent:
    """Attribute quotations and reported speech to their speakers."""

    def __init__(self, nlp: Language, name: str, patterns: Patterns) -> None:
        """Build the cue matcher from ``patterns``."""
        self.phrases = PhraseRuleMatcher(nlp, patterns.rules["cues"])

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc._.ocmfa_statements``."""
        doc._.ocmfa_statements = _DocStatements(doc, filter_spans(self.phrases.match(doc))).read()
        return doc


class _DocStatements:
    """The statement rules applied to one document."""

    def __init__(self, doc: Doc, cues: list[Span]) -> None:
        self.doc = doc
        self.text = document_text(doc)
        self.quotes = find_quotes(self.text)  # in order, none inside another
        self.quote_starts = [start for start, _ in self.quotes]
        self.titles = list(doc.spans[TITLES_KEY])
        # A capitalised cue inside a sentence is a name ("the United States"), not a verb;
        # "study" after "would" is a verb, not a document.
        self.cues = [cue for cue in cues if not self._quoted(cue.start_char) and self._cue_is_plausible(cue)]
        self.people = list(doc.spans[PEOPLE_KEY]) + list(doc.spans[PRONOUNS_KEY])
        self.cues_by_token = RangeIndex(self.cues, lambda cue: cue.start)
        self.orgs = list(doc.spans[ORGS_KEY])
        # By start offset, keeping their order in the lists (which breaks ties between speakers).
        self.people_by_char = RangeIndex(list(enumerate(self.people)), lambda item: item[1].start_char)
        self.orgs_by_char = RangeIndex(list(enumerate(self.orgs)), lambda item: item[1].start_char)
        self.cues_by_char = RangeIndex(list(enumerate(self.cues)), lambda item: item[1].start_char)
        # By start token, for the speaker after a cue (no scan of every span per cue).
        self.people_at = _ByToken(self.people)
        self.orgs_at = _ByToken(self.orgs)
        self.cues_at = _ByToken(self.cues)
        self.dates = list(doc.spans[DATES_KEY])
        self.dates_by_char = RangeIndex(self.dates, lambda date: date.start_char)
        self.names = doc._.ocmfa_people or {}
        self.last_speaker: Speaker | None = None

    def _cue_is_plausible(self, cue: Span) -> bool:
        first = cue[0]
        if cue.label_ in _VERB_CUES:
            return first.is_sent_start or not first.is_title
        if cue.label_ == "DOC_SPEAKER":
            before = self.doc[cue.start - 1] if cue.start > 0 else None
            if before is None or before.lower_ in _NOT_BEFORE_DOCUMENT:
                return False
            return first.is_title or any(t.lower_ in _DETERMINERS for t in self.doc[max(0, cue.start - 4) : cue.start])
        return True

    def read(self) -> list[StatementFact]:
        """Apply every rule and return the statements in document order."""
        facts = self._whole_document() + self._turns()
        quoted = self._attributed_quotes()
        facts += quoted
        # A sentence that starts inside a statement's evidence has been read. The sentences
        # come in order, so the evidence ranges wait in a heap by start, and ``reach`` is
        # the furthest end of those that start at or before the sentence.
        waiting = [(fact.evidence_start, fact.evidence_end) for fact in quoted]
        heapq.heapify(waiting)
        reach = -1
        for sentence in sentences(self.doc):
            while waiting and waiting[0][0] <= sentence.start_char:
                reach = max(reach, heapq.heappop(waiting)[1])
            if sentence.start_char < reach:
                continue
            fact = self._sentence_statement(sentence)
            if fact is not None:
                facts.append(fact)
                heapq.heappush(waiting, (fact.evidence_start, fact.evidence_end))
                self.last_speaker = _speaker_of(fact)
        return self._carry_dates(sorted(facts, key=lambda fact: (fact.evidence_start, fact.content_start)))

    def _carry_dates(self, facts: list[StatementFact]) -> list[StatementFact]:
        """Give a statement with no date of its own the date of the one before it in its paragraph.

        "On 14 May, Ms Lu said that ... She pointed out that ...": both were said on 14 May.
        """
        layout = self.doc._.ocmfa_layout
        carried: list[StatementFact] = []
        for fact in facts:
            previous = carried[-1] if carried else None
            same_paragraph = previous is not None and layout.paragraph_at(previous.evidence_start) == (
                layout.paragraph_at(fact.evidence_start)
            )
            if not fact.date_is_own and same_paragraph and previous is not None and previous.date is not None:
                fact = fact.model_copy(update={"date": previous.date, "date_is_own": previous.date_is_own})
            carried.append(fact)
        return carried

    # -- whole documents and transcript turns ---------------------------------------------

    def _whole_document(self) -> list[StatementFact]:
        """A document headed "Message from <title> <name>" is that person's statement."""
        layout = self.doc._.ocmfa_layout
        title = layout.title
        author = self.doc._.ocmfa_author
        if title is None or author is None:
            return []
        match = authored_title(title.text)
        if match is None:
            return []
        body = [p for p in layout.paragraphs if p.start > title.end and not self._is_stamp(p)]
        # The signature: a paragraph that starts with the author's name, or with an honorific and it.
        author_starts = {q.start_char for q in self.people if q.kb_id_ == author}
        signature = [
            p
            for p in body
            if any(p.start <= q < p.end and only_honorifics(self.doc, p.start, q) for q in author_starts)
        ]
        if signature:
            body = [p for p in body if p.start < signature[-1].start]
        if not body:
            return []
        speaker = Speaker(self.names.get(author, author), "person", author)
        return [
            self._make(
                speaker,
                match.group(0),
                (body[0].start, body[-1].end),
                False,
                (title.start, body[-1].end),
                self.doc._.ocmfa_published,
                "signed_document",
            )
        ]

    def _is_stamp(self, paragraph: TextRange) -> bool:
        """A paragraph that is only a date (and a time, or "Posted"/"Updated")."""
        dates = self._dates_in(paragraph)
        if not dates:
            return False
        rest = self.text[paragraph.start : paragraph.end]
        for date in reversed(dates):
            rest = rest[: date.start_char - paragraph.start] + rest[date.end_char - paragraph.start :]
        return _STAMP_REST.fullmatch(rest) is not None

    def _dates_in(self, paragraph: TextRange) -> list[Span]:
        return self.dates_by_char.between(paragraph.start, paragraph.end)

    def _turns(self) -> list[StatementFact]:
        """Transcript turns: "Guo Ruiqing: ..." and, in an interview, "A: ..."."""
        facts: list[StatementFact] = []
        for paragraph in self.doc._.ocmfa_layout.paragraphs:
            match = _TURN_LABEL.match(paragraph.text)
            if match is None:
                continue
            label = match.group("label")
            label_end = paragraph.start + match.end("label")
            person = self._turn_person(paragraph.start, label_end)
            if person is not None:
                speaker = self._person(person)
            elif label.casefold() in _ANSWER_LABELS and (interviewee := self._interviewee) is not None:
                speaker = Speaker(self.names.get(interviewee, interviewee), "person", interviewee)
            else:
                continue  # a question, or a label that names no person
            content_start = paragraph.start + match.end() - 1
            facts.append(
                self._make(
                    speaker,
                    label,
                    (content_start, paragraph.end),
                    False,
                    (paragraph.start, paragraph.end),
                    self._transcript_date(),
                    "transcript_turn",
                )
            )
        return facts

    def _turn_person(self, start: int, end: int) -> Span | None:
        """The person a turn label names: "Guo Ruiqing", or after a title, "Spokesperson Guo Ruiqing"."""
        for _, person in self.people_by_char.between(start, end):
            if person.end_char != end:
                continue
            if person.start_char == start:
                return person
            titles = self._titles_by_char.between(start, person.start_char)
            if (
                titles
                and titles[-1].end_char <= person.start_char
                and not self.text[titles[-1].end_char : person.start_char].strip()
                and _LABEL_TITLE.fullmatch(self.text, start, person.start_char)
            ):
                return person
        return None

    @cached_property
    def _titles_by_char(self) -> RangeIndex[Span]:
        return RangeIndex(self.titles, lambda title: title.start_char)

    def _transcript_date(self) -> DateValue | None:
        """When a transcript was spoken: "The interview, conducted on 28 May, ...", else published."""
        for sentence in sentences(self.doc):
            if not any(token.lower_ in _TRANSCRIPT_WORDS for token in sentence):
                continue
            dates = [d for d in self.dates if sentence.start <= d.start < sentence.end]
            if dates and not _TURN_LABEL.match(sentence.text):
                return dates[0]._.ocmfa_date
        return self.doc._.ocmfa_published

    @cached_property
    def _interviewee(self) -> str | None:
        """The person an interview is with: the one its introduction names most, not its byline.

        The introduction is what comes before the first question ("Q: ..."); the people it
        names or refers to ("she") are counted, and without one, the people of the whole
        document.
        """
        bylines = {p.kb_id_ for p in self.people if p.start > 0 and self.doc[p.start - 1].lower_ == "by"}
        first_turn = next(
            (p.start for p in self.doc._.ocmfa_layout.paragraphs if _QUESTION_LABEL.match(p.text)), len(self.text)
        )
        introduced = [p for p in self.people if p.start_char < first_turn and p.kb_id_ and p.kb_id_ not in bylines]
        named = introduced or [p for p in self.doc.spans[PEOPLE_KEY] if p.kb_id_ not in bylines]
        counts = Counter(p.kb_id_ for p in named)
        return counts.most_common(1)[0][0] if counts else None

    # -- quotations followed by their attribution -------------------------------------------

    def _attributed_quotes(self) -> list[StatementFact]:
        """“...,” X said. / “...”, said X. / “...,” X, the deputy director, said."""
        facts: list[StatementFact] = []
        text = self.text
        previous: StatementFact | None = None
        for quote_start, quote_end in self.quotes:
            if not _WORD_CHAR.search(text, quote_start, quote_end):
                previous = None  # marks around no word ('""', '“ ”') quote nothing
                continue
            opening = self.doc.char_span(quote_start - 1, quote_start, alignment_mode="expand")
            if opening is None or not self._opens_sentence(quote_start - 1):
                previous = None
                continue
            closing_sentence = self.doc.char_span(quote_end, quote_end + 1, alignment_mode="expand")
            sentence = sentence_of(self.doc, closing_sentence.start) if closing_sentence is not None else None
            cue = None
            if sentence is not None:  # the first "said" in the 160 characters after it, in its sentence
                window = self.cues_by_char.between(quote_end + 1, min(quote_end + 161, sentence.end_char))
                cue = next((c for _, c in window if c.label_ == "SAY"), None)
            speaker = None
            if cue is not None and not self._quote_between(quote_end, cue.start_char):
                speaker = self._speaker_after(cue.end) or self._speaker_before_within(quote_end, cue.start_char)
            content = self._strip_quote(quote_start, quote_end)
            if speaker is not None and cue is not None and sentence is not None:
                end = self._trim_end(sentence.end_char)
                date, own = self._date(sentence, content, cue)
                previous = self._make(
                    speaker, cue.text, content, True, (quote_start - 1, end), date, "quote_then_speaker", own
                )
                facts.append(previous)
            elif previous is not None and not text[previous.evidence_end : quote_start - 1].strip():
                # A second quotation right after an attributed one continues it.
                previous = self._make(
                    _speaker_of(previous),
                    previous.cue,
                    content,
                    True,
                    (quote_start - 1, min(len(text), quote_end + 1)),
                    previous.date,
                    "quote_continued",
                )
                facts.append(previous)
            else:
                previous = None
        return facts

    def _opens_sentence(self, offset: int) -> bool:
        """Whether a quotation mark at ``offset`` begins its sentence (or its line)."""
        token = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        if token is None:
            return False
        return token[0].is_sent_start or not self.text[sentence_of(self.doc, token.start).start_char : offset].strip()

    def _quote_between(self, start: int, end: int) -> bool:
        """Whether a quotation opens (its mark) strictly between two offsets."""
        after = bisect_right(self.quote_starts, start + 1)
        return after < len(self.quote_starts) and self.quote_starts[after] < end + 1

    # -- one sentence ---------------------------------------------------------------------

    def _sentence_statement(self, sentence: Span) -> StatementFact | None:
        cues = self.cues_by_token.between(sentence.start, sentence.end)
        main = next((cue for cue in cues if cue.label_ in {"SAY", "REACT", "ACCORDING"}), None)
        main = main or next((cue for cue in cues if cue.label_ == "PARTICIPLE"), None)
        if main is None:
            return None
        if main.label_ == "ACCORDING":
            return self._according_to(sentence, main)
        speaker = self._speaker_before(sentence, main) or self._speaker_after(main.end)
        if speaker is None:
            return None
        content, direct, cue = self._content(sentence, main, cues)
        if content is None:
            return None
        return self._fact(speaker, cue, content, direct, sentence, main.id_)

    def _content(self, sentence: Span, main: Span, cues: list[Span]) -> tuple[tuple[int, int] | None, bool, Span]:
        """The content after a cue: a quotation, a "that" clause, or the rest of the sentence."""
        cue = main
        if main.label_ == "REACT":
            participle = next((c for c in cues if c.label_ == "PARTICIPLE" and c.start > main.start), None)
            if participle is not None:
                cue = participle
        start_char = self._skip_to_that(cue.end, sentence.end, telling=cue.text.casefold() in _TELL_CUES)
        quote = self._quote_after(start_char, sentence.end_char)
        if quote is not None:
            return quote, True, cue
        if cue is main and main.label_ == "REACT":
            start_char = main.start_char  # "thanked the council for ...": the act is the content
        return self._trim(start_char, self._sentence_end(sentence)), False, cue

    def _skip_to_that(self, index: int, limit: int, telling: bool) -> int:
        """Where content starts after a cue: past "in a statement that", "told the Post that"."""
        doc = self.doc
        date_tokens = self._date_tokens
        cursor = index
        while cursor < limit and cursor - index < 8:
            token = doc[cursor]
            if token.lower_ == "that":
                return token.idx + len(token)
            skippable = cursor in date_tokens or token.lower_ in _BEFORE_THAT
            if not (skippable or (telling and (token.is_title or token.is_upper or cursor in self._person_tokens))):
                break
            cursor += 1
        return doc[index].idx if index < len(doc) else len(self.text)

    @cached_property
    def _person_tokens(self) -> set[int]:
        return {i for p in self.people for i in range(p.start, p.end)}

    @cached_property
    def _date_tokens(self) -> set[int]:
        return {i for date in self.dates for i in range(date.start, date.end)}

    def _quote_after(self, start_char: int, sentence_end: int) -> tuple[int, int] | None:
        """The quotation(s) that follow a cue closely ("said: “...”", "stating that “...”")."""
        text = self.text
        first = bisect_right(self.quote_starts, start_char)  # the first quotation after the cue
        if first == len(self.quotes) or self.quotes[first][0] > sentence_end + 1:
            return None
        quote_start, end = self.quotes[first]
        if re.fullmatch(r"\s*(?:that\s*)?[:,]?\s*", text[start_char : quote_start - 1]) is None:
            return None
        for next_start, next_end in islice(self.quotes, first + 1, None):  # consecutive quotations, one statement
            if text[end + 1 : next_start - 1].strip():
                break  # text between: every later quotation has it before it too
            end = next_end
        return self._strip_quote(quote_start, end)

    def _strip_quote(self, start: int, end: int) -> tuple[int, int]:
        """Drop the comma a quotation ends with before "X said" (“..., ” X said)."""
        while end > start and self.text[end - 1] in ", \n":
            end -= 1
        return start, end

    def _trim(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """Strip spaces, a leading "that" and a final full stop from a content range."""
        text = self.text
        stripped = re.sub(r"^\s*(?:that\b)?[\s,:]*", "", text[start_char:end_char])
        start = end_char - len(stripped)
        stripped = stripped.rstrip(" \t\r\n.")
        return (start, start + len(stripped)) if len(stripped.split()) >= 3 else None

    def _trim_end(self, end: int) -> int:
        while end > 0 and self.text[end - 1].isspace():
            end -= 1
        return end

    def _sentence_end(self, sentence: Span) -> int:
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

    def _according_to(self, sentence: Span, cue: Span) -> StatementFact | None:
        """Read "According to X, ..." (the clause after X) and "..., according to X." (before)."""
        speaker = self._speaker_after(cue.end)
        if speaker is None:
            return None
        before = self._trim(sentence.start_char, cue.start_char)
        if before is not None and len(self.text[before[0] : before[1]].split()) >= 5:
            end = before[1] - (self.text[before[1] - 1] == ",")
            return self._fact(speaker, cue, (before[0], end), False, sentence, "according_to")
        comma = next((t for t in self.doc[cue.end : sentence.end] if t.text == ","), None)
        content = self._trim(comma.idx + 1, self._sentence_end(sentence)) if comma is not None else None
        if content is None:
            return None
        return self._fact(speaker, cue, content, False, sentence, "according_to")

    # -- speakers -------------------------------------------------------------------------

    def _speaker_before(self, sentence: Span, cue: Span) -> Speaker | None:
        """The subject of a cue; after "and" or in a participle, the sentence's subject."""
        # A participle's subject is its main clause's: "Ms Leong introduced X, noting that".
        coordinated = cue.label_ == "PARTICIPLE" or (
            cue.start > sentence.start and self.doc[cue.start - 1].lower_ == "and"
        )
        return self._speaker_before_within(sentence.start_char, cue.start_char, first=coordinated)

    def _speaker_before_within(self, start_char: int, end_char: int, first: bool = False) -> Speaker | None:
        """The nearest person, body, document or pronoun between two offsets (or the first).

        Candidates inside a title ("of the Treaty Department"), inside a relative clause
        (", who heads the office's department,"), inside quotation marks, or after a
        preposition ("issued by the Committee") are passed over while another remains.
        """

        def within(index: RangeIndex[tuple[int, Span]]) -> list[Span]:
            found = sorted(item for item in index.between(start_char, end_char) if item[1].end_char <= end_char)
            return [span for _, span in found]

        candidates: list[tuple[int, int, Speaker]] = []  # (start, end, speaker)
        for person in within(self.people_by_char):
            candidates.append((person.start_char, person.end_char, self._person(person)))
        for org in within(self.orgs_by_char):
            if not self._in_title(org):
                candidates.append((org.start_char, org.end_char, Speaker(org.kb_id_, "organization", None)))
        for cue in within(self.cues_by_char):
            if not self._in_title(cue):
                speaker = self._cue_speaker(cue)
                if speaker is not None:
                    candidates.append((cue.start_char, cue.end_char, speaker))
        candidates = [c for c in candidates if not self._quoted(c[0]) and not self._in_relative_clause(c[0])]
        if not candidates:
            return None
        subjects = [c for c in candidates if not self._after_preposition(c[0])] or candidates
        chosen = min(subjects, key=lambda c: c[0]) if first else max(subjects, key=lambda c: c[1])
        return chosen[2]

    def _in_title(self, span: Span) -> bool:
        """Whether a body is named inside a title ("Director of the Treaty Department")."""
        return any(t.start < span.start < t.end for t in self.titles)

    def _in_relative_clause(self, offset: int) -> bool:
        """Whether ``offset`` lies in ", who/which ... ," (an aside about someone)."""
        token = self.doc.char_span(offset, offset + 1, alignment_mode="expand")
        if token is None:
            return False
        index = token.start
        for cursor in range(index - 1, max(sentence_of(self.doc, index).start - 1, index - 20), -1):
            word = self.doc[cursor]
            if word.text == ",":
                return cursor + 1 < len(self.doc) and self.doc[cursor + 1].lower_ in {"who", "which", "whose"}
        return False

    def _after_preposition(self, start_char: int) -> bool:
        token = self.doc.char_span(start_char, start_char + 1, alignment_mode="expand")
        index = token.start if token is not None else 0
        while index > 0 and self.doc[index - 1].lower_ in {"the", "a", "an", "its", "their"}:
            index -= 1
        return index > 0 and self.doc[index - 1].lower_ in _PREPOSITIONS

    def _speaker_after(self, index: int) -> Speaker | None:
        """A speaker right after a cue ("said Mr Song", "according to the report")."""
        doc = self.doc
        while index < len(doc) and (doc[index].lower_ in _DETERMINERS or doc[index]._.ocmfa_honorific):
            index += 1
        run_end = index
        while run_end < len(doc) and run_end - index < 8 and (doc[run_end].is_title or doc[run_end].is_upper):
            run_end += 1
        for cue in self.cues_at.starting(index + 1, run_end):  # "the State Council Institutional Reform Plan"
            if cue.label_ == "DOC_SPEAKER" and cue.end == run_end:
                return self._cue_speaker(cue)
        if people := self.people_at.covering(index):
            return self._person(people[0])
        if orgs := self.orgs_at.covering(index):
            return Speaker(orgs[0].kb_id_, "organization", None)
        for cue in self.cues_at.starting(index - self.cues_at.longest + 1, index + 4):
            if cue.start <= index < cue.end or (cue.start > index and cue.start - index <= 3):
                speaker = self._cue_speaker(cue)
                if speaker is not None:
                    return speaker
        return None

    def _cue_speaker(self, cue: Span) -> Speaker | None:
        """A speaker named by a cue word: "it", "a spokesman for the office", "the report"."""
        doc = self.doc
        if cue.label_ == "PRONOUN":  # "it": the body or document that spoke last
            last = self.last_speaker
            return last if last is not None and last.kind != "person" else None
        if cue.label_ == "SPOKES":
            org = next(iter(self.orgs_at.starting(cue.end, cue.end + 3)), None)
            if org is not None:
                return Speaker(org.kb_id_, "organization", None)
            subject = doc._.ocmfa_subject
            return Speaker(subject, "organization", None) if subject else None
        if cue.label_ == "DOC_SPEAKER":
            start = cue.start
            while start > 0 and _modifies_document(doc[start - 1]):
                start -= 1
            return Speaker(doc[start : cue.end].text, "other", None)
        return None

    def _person(self, mention: Span) -> Speaker:
        return Speaker(self.names.get(mention.kb_id_, mention.text), "person", mention.kb_id_)

    # -- assembling -----------------------------------------------------------------------

    def _quoted(self, offset: int) -> bool:
        """Whether ``offset`` is inside a quotation."""
        index = bisect_right(self.quote_starts, offset) - 1
        return index >= 0 and offset < self.quotes[index][1]

    def _fact(
        self, speaker: Speaker, cue: Span, content: tuple[int, int], direct: bool, sentence: Span, rule: str
    ) -> StatementFact:
        evidence_end = self._trim_end(min(max(self._sentence_end(sentence), content[1]), len(self.text)))
        date, own = self._date(sentence, content, cue)
        return self._make(speaker, cue.text, content, direct, (sentence.start_char, evidence_end), date, rule, own)

    @staticmethod
    def _make(
        speaker: Speaker,
        cue: str,
        content: tuple[int, int],
        direct: bool,
        evidence: tuple[int, int],
        date: DateValue | None,
        rule: str,
        date_is_own: bool = True,
    ) -> StatementFact:
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

    def _date(self, sentence: Span, content: tuple[int, int], cue: Span) -> tuple[DateValue | None, bool]:
        """When a statement was made, and whether its own sentence says so.

        A date of its own sentence that frames the cue: before it ("In April 2021, X
        said", "the plan issued in March 2018 stated") or in the cue's own clause after it
        ("said on 3 May", "wrote in a memoir published in 2009"), outside the content and
        outside an aside (", who arrived in 2020,"). Else a date that opens an earlier
        sentence of the paragraph ("In 1981, ..."). Else the document's own date.
        """
        content_after_cue = content[0] if content[0] >= cue.end_char else len(self.text)
        clause_end = next(
            (t.i for t in self.doc[cue.end : sentence.end] if t.text in {",", ";"} or t.idx >= content_after_cue),
            sentence.end,
        )
        for date in self._framing_dates(sentence.start_char, sentence.end_char, content):
            if date.end <= cue.start or cue.end <= date.start < clause_end:
                return date._.ocmfa_date, True
        paragraph = self.doc._.ocmfa_layout.paragraph_at(sentence.start_char)
        if paragraph is not None:
            # The last such date: looked for from the sentence back, not among all the paragraph's.
            for d in reversed(self.dates_by_char.between(paragraph.start, sentence.start_char)):
                if self._frames(d, content) and d.start - sentence_of(self.doc, d.start).start <= 4:
                    return d._.ocmfa_date, False
        return self.doc._.ocmfa_published, False

    def _framing_dates(self, start_char: int, end_char: int, content: tuple[int, int]) -> list[Span]:
        """Dates between two offsets, outside the content and outside asides."""
        return [d for d in self.dates_by_char.between(start_char, end_char) if self._frames(d, content)]

    def _frames(self, date: Span, content: tuple[int, int]) -> bool:
        """Whether ``date`` is outside the content and outside an aside."""
        return not content[0] <= date.start_char < content[1] and not self._in_relative_clause(date.start_char)


def _speaker_of(fact: StatementFact) -> Speaker:
    return Speaker(fact.speaker, fact.speaker_type, fact.speaker_key)


def _modifies_document(token: Token) -> bool:
    """A word that can stand before "report" in a document's name ("UK half-yearly report")."""
    return (token.is_title or token.is_upper or "-" in token.text or token.like_num) and (
        token.lower_ not in _DETERMINERS
    )


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
