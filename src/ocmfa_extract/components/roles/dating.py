"""Tenures: the dates a sentence gives a role, and the rule that dates a role stated before."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from spacy.tokens import Span

from ...facts import RoleFact
from ...rulebook import RuleSettings
from .document import DocRoles, Title
from .kinds import roles_rule


class TenureScope(BaseModel):
    """Where a name-first linker looks for the dates of the role it states (:func:`tenure_near`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    clause_separators: list[str] = Field(min_length=1, description="What bounds a title's clause.")
    joined_clause: str = Field(description='A clause that belongs to the one before it: ", with X as the director".')
    later_clause: str = Field(description='A clause after a dated one: "..., a post she held until 2005, when ...".')
    opening_window: int = Field(
        ge=1, le=20, description='Tokens at a sentence\'s start whose date opens it: "In 1981, ...".'
    )
    until_words: list[str] = Field(description='Words before a date that ends a role: "until 2005".')
    range_words: list[str] = Field(description='Words before a date that make it a tenure: "since".')


def tenure_near(
    doc_roles: DocRoles, title: Title, sentence: Span, appointed: bool, scope: TenureScope
) -> dict[str, object]:
    """The tenure a sentence gives a role.

    The dates of the title's own clause (between commas), else the date that opens the
    sentence ("In 1981, ..."); of these the nearest range or "since"/"until" date, or,
    for an appointment, the nearest date. An "until" date before the title ends
    something else ("a post she held until 2005, when she went back ... as counsellor").
    """
    clause_start, clause_end = _clause(doc_roles, title, sentence, scope)
    dates = doc_roles.dates_by_token.between(clause_start, clause_end)
    if not dates and doc_roles.lowers[clause_start] == scope.later_clause:
        # "..., a post she held until 2005, when she went back to Geneva as counsellor"
        earlier = doc_roles.dates_by_token.between(sentence.start, clause_start)
        return {"start": earlier[-1]._.ocmfa_date} if earlier else {}
    dates = dates or _opening_dates(doc_roles, title, sentence, scope)
    dates = [d for d in dates if d.start >= title.end or doc_roles.word_before(d) not in scope.until_words]
    if not dates:
        return {}
    nearest = min(dates, key=lambda d: min(abs(d.start - title.end), abs(title.start - d.end)))
    ranged = nearest._.ocmfa_end_date is not None or doc_roles.word_before(nearest) in scope.range_words
    tenure = doc_roles.tenure(nearest) if ranged or appointed else {}
    if "end" not in tenure:  # "..., a post she held until 2005"
        end = _end_before_next_title(doc_roles, title, sentence, scope)
        if end is not None:
            tenure["end"] = end
    return tenure


def _opening_dates(doc_roles: DocRoles, title: Title, sentence: Span, scope: TenureScope) -> list[Span]:
    """The dates that open the sentence before the title: "In 1981, ... with X as group leader"."""
    opening = doc_roles.dates_by_token.between(sentence.start, sentence.start + scope.opening_window)
    return [d for d in opening if d.end < title.start]


def _end_before_next_title(doc_roles: DocRoles, title: Title, sentence: Span, scope: TenureScope) -> object:
    """The first "until" date between a title and the next title of its sentence, if any."""
    following = doc_roles.titles_by_token.between(title.end + 1, sentence.end)
    next_title = following[0].start if following else sentence.end
    ends = [
        d
        for d in doc_roles.dates_by_token.between(title.end, next_title)
        if doc_roles.word_before(d) in scope.until_words
    ]
    return ends[0]._.ocmfa_date if ends else None


def _clause(doc_roles: DocRoles, title: Title, sentence: Span, scope: TenureScope) -> tuple[int, int]:
    """The comma-delimited stretch of the sentence that holds a title.

    A ", with X as the director" clause belongs to the clause before it, which says
    when the body was set up.
    """
    words, separators = doc_roles.words, scope.clause_separators
    start = title.start
    while start > sentence.start and words[start - 1] not in separators:
        start -= 1
    if start > sentence.start and doc_roles.lowers[start] == scope.joined_clause:
        start -= 1
        while start > sentence.start and words[start - 1] not in separators:
            start -= 1
    end = title.end
    while end < sentence.end and words[end] not in separators:
        end += 1
    return start, end


EventKind = Literal["start", "end", "start_since"]


class TenureEventSettings(RuleSettings):
    """The verbs that date a role stated before, and the words that must stand before their date."""

    verbs: dict[str, EventKind] = Field(
        min_length=1, description='A verb and what its date gives: "left" an end, "arrived" a start.'
    )
    prepositions: dict[EventKind, list[str]] = Field(description="For each kind, the words before the date.")
    window: int = Field(ge=1, le=40, description="Tokens after the verb where its date may be.")
    subject_apposition_window: int = Field(ge=1, le=80, description="Tokens back over an apposition to the subject.")

    @model_validator(mode="after")
    def _every_kind_has_prepositions(self) -> TenureEventSettings:
        missing = sorted(set(self.verbs.values()) - set(self.prepositions))
        if missing:
            raise ValueError(f"no prepositions for the kinds {', '.join(missing)}")
        return self


@roles_rule(
    "ocmfa.roles.tenure_events.v1",
    kind="sentence",
    reads=("RoleFact", "doc.spans[ocmfa_dates]", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_pronouns]"),
    emits=("RoleFact.start", "RoleFact.end"),
    settings=TenureEventSettings,
)
def tenure_events(
    doc_roles: DocRoles, sentence: Span, facts: list[RoleFact], settings: TenureEventSettings
) -> list[RoleFact]:
    """Give dates from a sentence to a role already stated.

    "She left the post in March 2022", "Zheng Haoming, who arrived in August 2020",
    "X, who had served here since 2020". The date goes to the latest role of the subject
    stated up to this sentence, and only fills a start or an end the text had left open.
    """
    skippable = doc_roles.lexicon.before_event_verb
    for index in doc_roles.positions_of(settings.verbs).between(sentence.start, sentence.end):
        kind = settings.verbs[doc_roles.lowers[index]]
        date = next(
            iter(doc_roles.dates_by_token.between(index + 1, min(index + 1 + settings.window, sentence.end))), None
        )
        if date is None or doc_roles.word_before(date) not in settings.prepositions[kind]:
            continue
        cursor, _ = doc_roles.skip_back(index - 1, sentence.start, skippable)
        if cursor < sentence.start:
            continue
        subjects = doc_roles.subject_ending_at(cursor, many=False, apposition_window=settings.subject_apposition_window)
        if subjects:
            _date_latest_role(facts, subjects[0].kb_id_, doc_roles.doc[index].idx, kind, date._.ocmfa_date)
    return facts


def _date_latest_role(facts: list[RoleFact], person_key: str, before_char: int, kind: EventKind, value: object) -> None:
    """Fill the open start or end of the person's latest role whose title starts before ``before_char``."""
    known = [i for i, fact in enumerate(facts) if fact.person_key == person_key and fact.title_start < before_char]
    if not known:
        return
    index = max(known, key=lambda i: facts[i].title_start)
    if kind == "end" and facts[index].end is None:
        facts[index] = facts[index].model_copy(update={"end": value})
    elif kind != "end" and facts[index].start is None:
        facts[index] = facts[index].model_copy(update={"start": value})
