"""The ``ocmfa_statements`` component: who said, wrote or declared what, and when.

Reads the spans of the earlier stages (people, organisations, dates) and the layout.
Adds ``doc._.ocmfa_statements``: a list of :class:`StatementFact`.

Cues come from ``cues.jsonl``: reporting verbs (``SAY``: "said", "stated"), verbs whose
object is the content (``REACT``: "criticized", "thanked"), participles that carry a
quotation after another verb (``PARTICIPLE``: "saying", "stating"), "according to", and
the words that make a document or a spokesman a speaker. For each sentence:

- the speaker is the nearest person, body, document or "he"/"she" before the cue (or
  right after it: "..., said X"), resolved to the canonical person or the full body name;
- the content is the quotation after the cue (kept whole across sentences), else the
  clause after it ("said that ...", without the cue);
- the date is the first date of the sentence outside the content, else the latest date
  before it in the same paragraph, else the document's own date.

A document headed "Message from <title> <name>" (or "Speech/Remarks/Statement by ...") is
itself a statement by that person: its body is the content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..models import DateValue
from ..patterns import Patterns
from .dates import DATES_KEY
from .organizations import ORGS_KEY
from .people import PEOPLE_KEY
from .rules import cached_patterns, make_span_ruler, patterns_dir_or_default

_QUOTE_PAIRS = {"“": "”", '"': '"', "‘": "’"}
_DOCUMENT_TITLE = re.compile(
    r"^(?P<kind>(?:welcome\s+)?message|speech|remarks|statement|letter|address|keynote speech|op-ed|article)\b",
    re.IGNORECASE,
)
_PREPOSITIONS = frozenset({"by", "of", "for", "from", "with", "to", "on", "at", "about", "against", "in", "after"})
_TIME_WORDS = frozenset({"on", "in", "at", "during", "earlier", "later", "today", "yesterday", ",", "last", "this"})
_VERB_CUES = frozenset({"SAY", "REACT", "PARTICIPLE"})
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "their", "one", "of", "these", "those"})

if not Doc.has_extension("ocmfa_statements"):
    Doc.set_extension("ocmfa_statements", default=None)


@dataclass(frozen=True)
class Speaker:
    """Who made a statement: a person's key, or a body's or document's name."""

    name: str
    kind: str  # "person", "organization" or "other"
    person_key: str | None


@dataclass(frozen=True)
class StatementFact:
    """One statement as one document gives it, by character offsets."""

    speaker: Speaker
    cue: str
    content_start: int
    content_end: int
    direct: bool
    date: DateValue | None
    evidence_start: int
    evidence_end: int
    rule_id: str


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the text inside quotation marks, marks excluded.

    Curly quotes pair by shape; straight double quotes pair in order. Single curly
    quotes count only where they open after a space (so apostrophes are not quotes).
    """
    quotes: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in _QUOTE_PAIRS and (char != "‘" or index == 0 or not text[index - 1].isalnum()):
            closing = _QUOTE_PAIRS[char]
            end = text.find(closing, index + 1)
            if end == -1:
                index += 1
                continue
            quotes.append((index + 1, end))
            index = end + 1
            continue
        index += 1
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
        self.ruler = make_span_ruler(nlp, f"{name}_cues", patterns.rules["cues"])

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc._.ocmfa_statements``."""
        doc._.ocmfa_statements = _DocStatements(doc, filter_spans(self.ruler.match(doc))).read()
        return doc


class _DocStatements:
    """The statement rules applied to one document."""

    def __init__(self, doc: Doc, cues: list[Span]) -> None:
        self.doc = doc
        self.quotes = find_quotes(doc.text)
        # A capitalised cue inside a sentence is a name ("the United States"), not a verb.
        self.cues = [
            cue
            for cue in cues
            if not self._quoted(cue.start_char)
            and (cue.label_ not in _VERB_CUES or cue[0].is_sent_start or not cue[0].is_title)
        ]
        self.people = list(doc.spans[PEOPLE_KEY])
        self.orgs = list(doc.spans[ORGS_KEY])
        self.dates = list(doc.spans[DATES_KEY])
        self.names = doc._.ocmfa_people or {}

    def read(self) -> list[StatementFact]:
        facts = self._whole_document()
        covered_until = -1
        for sentence in self.doc.sents:
            if sentence.start_char < covered_until:
                continue
            fact = self._sentence_statement(sentence)
            if fact is not None:
                facts.append(fact)
                covered_until = fact.evidence_end
        return facts

    # -- a whole message or speech ----------------------------------------------------------

    def _whole_document(self) -> list[StatementFact]:
        """A document headed "Message from <title> <name>" is that person's statement."""
        layout = self.doc._.ocmfa_layout
        title = layout.title
        if title is None or not (match := _DOCUMENT_TITLE.match(title.text)):
            return []
        speaker = next((p for p in self.people if title.start <= p.start_char < title.end), None)
        if speaker is None:
            return []
        body = [p for p in layout.paragraphs if p.start > title.end and not self._is_stamp(p.text)]
        signature = [
            p for p in body if any(q.kb_id_ == speaker.kb_id_ and q.start_char == p.start for q in self.people)
        ]
        if signature:
            body = [p for p in body if p.start < signature[-1].start]
        if not body:
            return []
        start, end = body[0].start, body[-1].end
        return [
            StatementFact(
                speaker=self._person(speaker),
                cue=match.group("kind"),
                content_start=start,
                content_end=end,
                direct=False,
                date=self.doc._.ocmfa_published,
                evidence_start=title.start,
                evidence_end=end,
                rule_id="signed_document",
            )
        ]

    def _is_stamp(self, text: str) -> bool:
        """A paragraph that is only a date (and time)."""
        return bool(re.fullmatch(r"[\d\-/:., ]+", text.strip()))

    # -- one sentence ---------------------------------------------------------------------

    def _sentence_statement(self, sentence: Span) -> StatementFact | None:
        quote_first = self._quote_first(sentence)
        if quote_first is not None:
            return quote_first
        cues = [cue for cue in self.cues if sentence.start <= cue.start < sentence.end]
        main = next((cue for cue in cues if cue.label_ in {"SAY", "REACT", "ACCORDING"}), None)
        if main is None:
            return None
        if main.label_ == "ACCORDING":
            return self._according_to(sentence, main)
        speaker = self._speaker_before(sentence, main.start) or self._speaker_after(main.end)
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
        start_char = self._skip_when(cue.end, sentence.end)
        quote = self._quote_after(start_char, sentence.end_char)
        if quote is not None:
            return quote, True, cue
        if cue is main and main.label_ == "REACT":
            start_char = main.start_char  # "thanked the council for ...": the act is the content
        content = self._trim(start_char, self._sentence_end(sentence))
        return content, False, cue

    def _skip_when(self, index: int, limit: int) -> int:
        """Where the content starts after a cue: past "on 3 May 2021 that" when it is there."""
        date_tokens = {i for date in self.dates for i in range(date.start, date.end)}
        cursor = index
        while cursor < limit and (cursor in date_tokens or self.doc[cursor].lower_ in _TIME_WORDS):
            cursor += 1
        if cursor > index and cursor < limit and self.doc[cursor].lower_ == "that":
            return self.doc[cursor].idx + len(self.doc[cursor])
        return self.doc[index].idx if index < len(self.doc) else len(self.doc.text)

    def _quote_after(self, start_char: int, sentence_end: int) -> tuple[int, int] | None:
        """The quotation(s) that follow a cue closely ("said: “...”", "stating that “...”")."""
        text = self.doc.text
        for quote_start, quote_end in self.quotes:
            if quote_start <= start_char or quote_start > sentence_end + 1:
                continue
            between = text[start_char : quote_start - 1]
            if re.fullmatch(r"\s*(?:that\s*)?[:,]?\s*", between) is None:
                return None
            end = quote_end
            for next_start, next_end in self.quotes:  # consecutive quotations, one statement
                if next_start > end and not text[end + 1 : next_start - 1].strip():
                    end = next_end
            return self._strip_quote(quote_start, end)
        return None

    def _strip_quote(self, start: int, end: int) -> tuple[int, int]:
        """Drop the comma a quotation ends with before "X said" (“..., ” X said)."""
        while end > start and self.doc.text[end - 1] in ", \n":
            end -= 1
        return start, end

    def _trim(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """Strip spaces, a leading "that" and a final full stop from a content range."""
        text = self.doc.text
        content = text[start_char:end_char]
        stripped = re.sub(r"^\s*(?:that\b)?[\s,:]*", "", content)
        start = end_char - len(stripped)
        stripped = stripped.rstrip(" \t\r\n.")
        return (start, start + len(stripped)) if len(stripped.split()) >= 3 else None

    def _sentence_end(self, sentence: Span) -> int:
        """The end of a sentence, extended to the end of a quotation it opens."""
        end = sentence.end_char
        for quote_start, quote_end in self.quotes:
            if sentence.start_char <= quote_start < end < quote_end:
                end = quote_end + 1
        return end

    def _quote_first(self, sentence: Span) -> StatementFact | None:
        """“...,” X said. / “...”, said X."""
        quote = next((q for q in self.quotes if q[0] - 1 == sentence.start_char), None)
        if quote is None:
            return None
        after = [cue for cue in self.cues if quote[1] < cue.start_char and cue.label_ == "SAY"]
        if not after or after[0].start_char - quote[1] > 60:
            return None
        cue = after[0]
        speaker = self._speaker_after(cue.end) or self._speaker_before_within(quote[1], cue.start_char)
        if speaker is None:
            return None
        return self._fact(speaker, cue, self._strip_quote(*quote), True, sentence, "quote_first")

    def _according_to(self, sentence: Span, cue: Span) -> StatementFact | None:
        """Read "According to X, ..." (the clause after X) and "..., according to X." (before)."""
        speaker = self._speaker_after(cue.end)
        if speaker is None:
            return None
        comma = next((t for t in self.doc[cue.end : sentence.end] if t.text == ","), None)
        if comma is not None:
            content = self._trim(comma.idx + 1, self._sentence_end(sentence))
        else:
            content = self._trim(sentence.start_char, cue.start_char)
            if content is not None and self.doc.text[content[1] - 1] == ",":
                content = (content[0], content[1] - 1)
        if content is None:
            return None
        return self._fact(speaker, cue, content, False, sentence, "according_to")

    # -- speakers -------------------------------------------------------------------------

    def _speaker_before(self, sentence: Span, cue_start: int) -> Speaker | None:
        return self._speaker_before_within(sentence.start_char, self.doc[cue_start].idx)

    def _speaker_before_within(self, start_char: int, end_char: int) -> Speaker | None:
        """The nearest person, body, document or pronoun between two offsets."""
        candidates: list[tuple[int, Speaker, int]] = []
        for person in self.people:
            if start_char <= person.start_char and person.end_char <= end_char and not self._quoted(person.start_char):
                candidates.append((person.end_char, self._person(person), person.start_char))
        for org in self.orgs:
            if start_char <= org.start_char and org.end_char <= end_char and not self._quoted(org.start_char):
                candidates.append((org.end_char, Speaker(org.kb_id_, "organization", None), org.start_char))
        for cue in self.cues:
            if start_char <= cue.start_char and cue.end_char <= end_char:
                speaker = self._cue_speaker(cue)
                if speaker is not None:
                    candidates.append((cue.end_char, speaker, cue.start_char))
        if not candidates:
            return None
        # A subject is not the object of a preposition ("issued by the Committee"), so
        # such candidates speak only when nothing else can.
        subjects = [pair for pair in candidates if not self._after_preposition(pair[2])]
        return max(subjects or candidates, key=lambda pair: pair[0])[1]

    def _after_preposition(self, start_char: int) -> bool:
        token = self.doc.char_span(start_char, start_char + 1, alignment_mode="expand")
        index = token.start if token is not None else 0
        while index > 0 and self.doc[index - 1].lower_ in {"the", "a", "an", "its", "their"}:
            index -= 1
        return index > 0 and self.doc[index - 1].lower_ in _PREPOSITIONS

    def _speaker_after(self, index: int) -> Speaker | None:
        """A speaker right after a cue ("said Mr Song", "according to the report")."""
        doc = self.doc
        while index < len(doc) and doc[index].lower_ in _DETERMINERS | {"mr", "ms", "mrs", "dr"}:
            index += 1
        run_end = index
        while run_end < len(doc) and run_end - index < 8 and (doc[run_end].is_title or doc[run_end].is_upper):
            run_end += 1
        for cue in self.cues:  # "the State Council Institutional Reform Plan": a document
            if cue.label_ == "DOC_SPEAKER" and index < cue.start and cue.end == run_end:
                return self._cue_speaker(cue)
        for person in self.people:
            if person.start <= index < person.end:
                return self._person(person)
        for org in self.orgs:
            if org.start <= index < org.end:
                return Speaker(org.kb_id_, "organization", None)
        for cue in self.cues:
            if cue.start <= index < cue.end or (cue.start > index and cue.start - index <= 3):
                speaker = self._cue_speaker(cue)
                if speaker is not None:
                    return speaker
        return None

    def _cue_speaker(self, cue: Span) -> Speaker | None:
        """A speaker named by a cue word: "he", "a spokesman for the office", "the report"."""
        doc = self.doc
        if cue.label_ == "PRONOUN":
            previous = [p for p in self.people if p.end_char <= cue.start_char]
            return self._person(previous[-1]) if previous else None
        if cue.label_ == "SPOKES":
            org = next((o for o in self.orgs if cue.end <= o.start <= cue.end + 2), None)
            if org is not None:
                return Speaker(org.kb_id_, "organization", None)
            subject = doc._.ocmfa_subject
            return Speaker(subject, "organization", None) if subject else None
        if cue.label_ == "DOC_SPEAKER":
            start = cue.start
            while (
                start > 0
                and (doc[start - 1].is_title or doc[start - 1].is_upper or "-" in doc[start - 1].text)
                and doc[start - 1].lower_ not in _DETERMINERS
            ):
                start -= 1
            return Speaker(doc[start : cue.end].text, "other", None)
        return None

    def _person(self, mention: Span) -> Speaker:
        return Speaker(self.names.get(mention.kb_id_, mention.text), "person", mention.kb_id_)

    # -- assembling -----------------------------------------------------------------------

    def _quoted(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.quotes)

    def _fact(
        self, speaker: Speaker, cue: Span, content: tuple[int, int], direct: bool, sentence: Span, rule: str
    ) -> StatementFact:
        evidence_end = max(self._sentence_end(sentence), content[1])
        evidence_end = min(evidence_end, len(self.doc.text))
        while evidence_end > sentence.start_char and self.doc.text[evidence_end - 1].isspace():
            evidence_end -= 1
        return StatementFact(
            speaker=speaker,
            cue=cue.text,
            content_start=content[0],
            content_end=content[1],
            direct=direct,
            date=self._date(sentence, content),
            evidence_start=sentence.start_char,
            evidence_end=evidence_end,
            rule_id=rule,
        )

    def _date(self, sentence: Span, content: tuple[int, int]) -> DateValue | None:
        """The sentence's own date, else the paragraph's latest earlier date, else published."""
        for date in self.dates:
            inside = sentence.start_char <= date.start_char < sentence.end_char
            if inside and not content[0] <= date.start_char < content[1]:
                return date._.ocmfa_date
        paragraph = self.doc._.ocmfa_layout.paragraph_at(sentence.start_char)
        if paragraph is not None:
            earlier = [d for d in self.dates if paragraph.start <= d.start_char < sentence.start_char]
            if earlier:
                return earlier[-1]._.ocmfa_date
        return self.doc._.ocmfa_published
