"""Document readers that read a whole document or its paragraphs as statements.

A document headed "Message from <title> <name>" is one statement by that person; a
transcript turn ("Guo Ruiqing: ...", and "A: ..." in an interview) is a statement by the
person speaking.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from pydantic import Field
from spacy.tokens import Span

from ...extensions import PEOPLE_KEY
from ...facts import StatementFact
from ...rulebook import RuleSettings, rule
from ..layout import TextRange
from ..people import authored_title, only_honorifics
from .document import DOCUMENT_READER, TURN_LABEL, Speaker, _DocStatements, make_fact

_STAGE = "statements"


class DocumentReaderSettings(RuleSettings):
    """What every document reader says: whether its statements' sentences are read."""

    claims_sentences: bool = Field(
        description="Whether the sentences inside its statements' evidence are read (no sentence rule reads them)."
    )


def _words_pattern(words: frozenset[str]) -> str:
    """An alternation of ``words``, longest first (so the pattern is the same whatever the set's order)."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda word: (-len(word), word)))


class SignedDocumentSettings(DocumentReaderSettings):
    """What makes a paragraph a date stamp rather than part of the message."""

    stamp_words: frozenset[str] = Field(description='Words a date stamp may hold beside its date ("Posted", "HKT").')

    @cached_property
    def stamp_rest(self) -> re.Pattern[str]:
        """What a stamp holds once its dates are cut out: spaces, marks, digits and stamp words."""
        return re.compile(rf"(?i)[\s\W\d]*(?:(?:{_words_pattern(self.stamp_words)})\b[\s\W\d]*)*")


@rule(
    "ocmfa.statements.signed_document.v1",
    stage=_STAGE,
    reads=("doc._.ocmfa_layout", "doc._.ocmfa_author", "people", "dates", "doc._.ocmfa_published"),
    emits=(DOCUMENT_READER,),
    settings=SignedDocumentSettings,
)
def signed_document(state: _DocStatements, settings: SignedDocumentSettings) -> list[StatementFact]:
    """A document headed "Message from <title> <name>" is that person's statement: its body, up to the signature."""
    layout = state.doc._.ocmfa_layout
    title = layout.title
    author = state.doc._.ocmfa_author
    if title is None or author is None:
        return []
    match = authored_title(title.text)
    if match is None:
        return []
    body = [p for p in layout.paragraphs if p.start > title.end and not _is_stamp(state, p, settings)]
    body = _before_signature(state, body, author)
    if not body:
        return []
    return [
        make_fact(
            state.person_by_key(author),
            match.group(0),
            (body[0].start, body[-1].end),
            False,
            (title.start, body[-1].end),
            state.doc._.ocmfa_published,
            "signed_document",
        )
    ]


def _before_signature(state: _DocStatements, body: list[TextRange], author: str) -> list[TextRange]:
    """The paragraphs before the signature: the last that starts with the author's name (or an honorific and it)."""
    author_starts = {q.start_char for q in state.people if q.kb_id_ == author}
    signature = [
        p for p in body if any(p.start <= q < p.end and only_honorifics(state.doc, p.start, q) for q in author_starts)
    ]
    return [p for p in body if p.start < signature[-1].start] if signature else body


def _is_stamp(state: _DocStatements, paragraph: TextRange, settings: SignedDocumentSettings) -> bool:
    """A paragraph that is only a date (and a time, or "Posted"/"Updated")."""
    dates = state.dates_by_char.between(paragraph.start, paragraph.end)
    if not dates:
        return False
    rest = state.text[paragraph.start : paragraph.end]
    for date in reversed(dates):
        rest = rest[: date.start_char - paragraph.start] + rest[date.end_char - paragraph.start :]
    return settings.stamp_rest.fullmatch(rest) is not None


def _turn(state: _DocStatements, paragraph: TextRange, speaker: Speaker, match: re.Match[str]) -> StatementFact:
    """The statement of a transcript turn: the paragraph after its label."""
    return make_fact(
        speaker,
        match.group("label"),
        (paragraph.start + match.end() - 1, paragraph.end),
        False,
        (paragraph.start, paragraph.end),
        state.transcript_date,
        "transcript_turn",
    )


class NamedTurnSettings(DocumentReaderSettings):
    """The little words a title may hold before the name in a turn label."""

    title_words: frozenset[str] = Field(
        description='Lower-case words of titles besides capitalised ones ("Minister of Foreign Affairs").'
    )

    @cached_property
    def label_title(self) -> re.Pattern[str]:
        """What may stand before the name in a label: capitalised words and the title words."""
        return re.compile(rf"(?:(?:[A-Z][\w.'’\-]*|{_words_pattern(self.title_words)})\s+)+")


@rule(
    "ocmfa.statements.named_turn.v1",
    stage=_STAGE,
    reads=("doc._.ocmfa_layout", "people", "pronouns", "titles", "dates"),
    emits=(DOCUMENT_READER,),
    settings=NamedTurnSettings,
)
def named_turn(state: _DocStatements, settings: NamedTurnSettings) -> list[StatementFact]:
    """A turn whose label names a person: "Guo Ruiqing: ...", "Spokesperson Guo Ruiqing: ..."."""
    facts: list[StatementFact] = []
    for paragraph in state.doc._.ocmfa_layout.paragraphs:
        match = TURN_LABEL.match(paragraph.text)
        if match is None:
            continue
        person = _turn_person(state, paragraph.start, paragraph.start + match.end("label"), settings)
        if person is not None:
            facts.append(_turn(state, paragraph, state.person(person), match))
    return facts


def _turn_person(state: _DocStatements, start: int, end: int, settings: NamedTurnSettings) -> Span | None:
    """The person a label names: "Guo Ruiqing", or after a title, "Spokesperson Guo Ruiqing"."""
    for _, person in state.people_by_char.between(start, end):
        if person.end_char != end:
            continue
        if person.start_char == start:
            return person
        titles = state.titles_by_char.between(start, person.start_char)
        if (
            titles
            and titles[-1].end_char <= person.start_char
            and not state.text[titles[-1].end_char : person.start_char].strip()
            and settings.label_title.fullmatch(state.text, start, person.start_char)
        ):
            return person
    return None


class AnswerTurnSettings(DocumentReaderSettings):
    """The labels of an interview's answers and questions, and what marks a byline."""

    answer_labels: frozenset[str] = Field(description='Labels of an answer, lower case ("a", "answer").')
    question_labels: frozenset[str] = Field(description='Labels of a question, as written ("Q", "Question").')
    byline_words: frozenset[str] = Field(
        description='Words before a byline\'s name ("by"): its person is not interviewed.'
    )

    @cached_property
    def question_label(self) -> re.Pattern[str]:
        """A paragraph that opens with a question's label."""
        return re.compile(rf"^(?:{_words_pattern(self.question_labels)})\s*:\s+\S")


@rule(
    "ocmfa.statements.answer_turn.v1",
    stage=_STAGE,
    reads=("doc._.ocmfa_layout", "people", "pronouns", "dates", "StatementFact"),
    emits=(DOCUMENT_READER,),
    settings=AnswerTurnSettings,
)
def answer_turn(state: _DocStatements, settings: AnswerTurnSettings) -> list[StatementFact]:
    """In an interview, "A: ..." is the interviewee's turn (a paragraph a turn rule before it has not read)."""
    read = {fact.evidence_start for fact in state.read_so_far if fact.rule_id == "transcript_turn"}
    facts: list[StatementFact] = []
    interviewee: list[str | None] = []  # found once, at the first answer
    for paragraph in state.doc._.ocmfa_layout.paragraphs:
        match = TURN_LABEL.match(paragraph.text)
        if match is None or paragraph.start in read or match.group("label").casefold() not in settings.answer_labels:
            continue
        if not interviewee:
            interviewee.append(_interviewee(state, settings))
        if interviewee[0] is not None:
            facts.append(_turn(state, paragraph, state.person_by_key(interviewee[0]), match))
    return facts


def _interviewee(state: _DocStatements, settings: AnswerTurnSettings) -> str | None:
    """The person an interview is with: the one its introduction names most, not its byline.

    The introduction is what comes before the first question ("Q: ..."); the people it
    names or refers to ("she") are counted, and without one, the people of the whole
    document.
    """
    doc = state.doc
    bylines = {p.kb_id_ for p in state.people if p.start > 0 and doc[p.start - 1].lower_ in settings.byline_words}
    first_turn = next(
        (p.start for p in doc._.ocmfa_layout.paragraphs if settings.question_label.match(p.text)), len(state.text)
    )
    introduced = [p for p in state.people if p.start_char < first_turn and p.kb_id_ and p.kb_id_ not in bylines]
    named = introduced or [p for p in doc.spans[PEOPLE_KEY] if p.kb_id_ not in bylines]
    counts = Counter(p.kb_id_ for p in named)
    return counts.most_common(1)[0][0] if counts else None
