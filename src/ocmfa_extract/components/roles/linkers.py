"""The linkers: each way a sentence links a title to the person who holds it.

They form a cascade, asked in the order of their lines in ``patterns/rules/roles.jsonl``
for each title: the first that answers wins (see :mod:`.kinds`). A linker returns ``None``
when the text around the title is not its case, and a list of roles (maybe empty) when it
is. The first three look after the title ("Commissioner X", "the director, X,", "the
director is X"), the others before it, from :meth:`DocRoles.lookback`: apposition,
brackets, "as", and a verb ("X was appointed the director").
"""

from __future__ import annotations

from pydantic import Field
from spacy.tokens import Span

from ...facts import RoleFact
from ...rulebook import RuleSettings
from .dating import TenureScope, tenure_near
from .document import DocRoles, Lookback, Title
from .kinds import roles_rule

_READS_AFTER = ("titles", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_pronouns]", "token._.ocmfa_honorific")
_READS_BEFORE = ("titles", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_pronouns]", "doc.spans[ocmfa_dates]")


def _evidence(sentence: Span) -> tuple[int, int]:
    return sentence.start_char, sentence.end_char


# -- the name after the title ----------------------------------------------------------


class TitleBeforeNameSettings(RuleSettings):
    """A title right before a name, across a chain of titles."""

    chain_words: list[str] = Field(description='Words that chain titles: "Vice Premier and Minister Y X".')


@roles_rule(
    "ocmfa.roles.title_before_name.v1",
    kind="title",
    reads=_READS_AFTER,
    emits=("RoleFact(rule_id=title_before_name)",),
    settings=TitleBeforeNameSettings,
)
def title_before_name(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: TitleBeforeNameSettings
) -> list[RoleFact] | None:
    """A title right before a name: "Commissioner X", "Vice Premier and Minister Y X"."""
    person = doc_roles.person_after(title.end, chain_words=settings.chain_words)
    if person is None:
        return None
    return [doc_roles.fact(person, title, _evidence(sentence), "title_before_name")]


class TitleAppositionSettings(RuleSettings):
    """A name in apposition after a title, and what ends the apposition."""

    closed_by: list[str] = Field(min_length=1, description="Words or marks that end the apposition after the name.")


@roles_rule(
    "ocmfa.roles.title_apposition.v1",
    kind="title",
    reads=_READS_AFTER,
    emits=("RoleFact(rule_id=title_apposition)",),
    settings=TitleAppositionSettings,
)
def title_apposition(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: TitleAppositionSettings
) -> list[RoleFact] | None:
    """A name in apposition after a title: "the deputy commissioner, X," / "..., currently X"."""
    cursor = title.end
    if cursor >= sentence.end or doc_roles.words[cursor] != ",":
        return None
    cursor += 1
    current = cursor < len(doc_roles.doc) and doc_roles.lowers[cursor] in doc_roles.lexicon.current
    person = doc_roles.person_after(cursor + current)
    if person is None or not doc_roles.closes(person.end, settings.closed_by):
        return None
    return [doc_roles.fact(person, title, _evidence(sentence), "title_apposition", current=current)]


class TitleIsNameSettings(RuleSettings):
    """A title, then a verb, then the name."""

    verbs: list[str] = Field(min_length=1, description='The verbs between: "the current commissioner is X".')


@roles_rule(
    "ocmfa.roles.title_is_name.v1",
    kind="title",
    reads=_READS_AFTER,
    emits=("RoleFact(rule_id=title_is_name)",),
    settings=TitleIsNameSettings,
)
def title_is_name(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: TitleIsNameSettings
) -> list[RoleFact] | None:
    """A title, a verb, a name: "the current commissioner is X" (a comma may stand before the verb)."""
    cursor = title.end
    if cursor < sentence.end and doc_roles.words[cursor] == ",":
        cursor += 1
    if cursor >= sentence.end or doc_roles.lowers[cursor] not in settings.verbs:
        return None
    person = doc_roles.person_after(cursor + 1)
    if person is None:
        return None
    return [doc_roles.fact(person, title, _evidence(sentence), "title_is_name", current=title.current or None)]


# -- the name before the title ---------------------------------------------------------


class NameAppositionSettings(RuleSettings):
    """A title in apposition after a name, with the tenure right after the title."""

    unless_words: list[str] = Field(description='Words before the title that make it another case: "as".')
    tenure_prepositions: list[str] = Field(description='Words between the title and its dates: "from", "since".')
    closed_by: list[str] = Field(min_length=1, description="Words or marks that end the apposition.")
    end_window: int = Field(ge=1, le=80, description="Tokens after the title and its dates where the apposition ends.")


@roles_rule(
    "ocmfa.roles.name_apposition.v1",
    kind="title",
    reads=_READS_BEFORE,
    emits=("RoleFact(rule_id=name_apposition)",),
    settings=NameAppositionSettings,
)
def name_apposition(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: NameAppositionSettings
) -> list[RoleFact] | None:
    """A title in apposition after a name: "X, then the deputy director of Y,", "X, commissioner from 2015 to 2020,"."""
    lookback = doc_roles.lookback(title, sentence)
    cursor = lookback.cursor
    if cursor < sentence.start or doc_roles.words[cursor] != "," or cursor - 1 not in doc_roles.person_at:
        return None
    if any(word in settings.unless_words for word in lookback.words):
        return None
    end, tenure = _dates_after(doc_roles, title.end, sentence.end, settings.tenure_prepositions)
    if _introduces_next_person(doc_roles, title.end) or not _apposition_ends_soon(
        doc_roles, end, sentence.end, settings
    ):
        return []  # the apposition goes on, or names the next person: no role here
    person = doc_roles.person_at[cursor - 1]
    return [doc_roles.fact(person, title, _evidence(sentence), "name_apposition", current=lookback.current, **tenure)]


def _dates_after(doc_roles: DocRoles, index: int, limit: int, prepositions: list[str]) -> tuple[int, dict[str, object]]:
    """A tenure right after a title ("commissioner from March 2015 to August 2020"): where it ends, and the tenure."""
    cursor = index
    while cursor < limit and doc_roles.lowers[cursor] in prepositions:
        cursor += 1
    date = next(iter(doc_roles.dates_by_token.between(cursor, cursor + 1)), None)
    if cursor == index or date is None:
        return index, {}
    return date.end, doc_roles.tenure(date)


def _introduces_next_person(doc_roles: DocRoles, index: int) -> bool:
    """A title followed by ", Mr X": it names the next person, not the one before."""
    if index >= len(doc_roles.doc) or doc_roles.words[index] != ",":
        return False
    return doc_roles.person_after(index + 1) is not None


def _apposition_ends_soon(doc_roles: DocRoles, index: int, limit: int, settings: NameAppositionSettings) -> bool:
    """An apposition ends soon after ``index``, with no other name in between."""
    for cursor in range(index, min(limit, index + settings.end_window)):
        if cursor in doc_roles.person_at:
            return False
        if doc_roles.closes(cursor, settings.closed_by):
            return True
    return index >= limit


class NameBracketsSettings(RuleSettings):
    """A title inside the brackets after a name."""

    joiners: list[str] = Field(description='Words that join a second title in the brackets: "(X and Director of Y)".')
    window: int = Field(ge=1, le=200, description="Tokens back from the title to the opening bracket.")


@roles_rule(
    "ocmfa.roles.name_brackets.v1",
    kind="title",
    reads=_READS_BEFORE,
    emits=("RoleFact(rule_id=name_brackets)",),
    settings=NameBracketsSettings,
)
def name_brackets(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: NameBracketsSettings
) -> list[RoleFact] | None:
    """A title in the brackets after a name: "X (Assistant Minister of ... and Director of ...)"."""
    lookback = doc_roles.lookback(title, sentence)
    cursor = lookback.cursor
    if cursor < sentence.start:
        return None
    if doc_roles.words[cursor] != "(" and doc_roles.lowers[cursor] not in settings.joiners:
        return None
    opening = doc_roles.bracket_opening(cursor, settings.window)
    if opening is None:
        return None  # "and" outside brackets: another case
    owner = doc_roles.person_at.get(opening - 1)
    return (
        []
        if owner is None
        else [doc_roles.fact(owner, title, _evidence(sentence), "name_brackets", current=lookback.current)]
    )


class NameVerbSettings(RuleSettings):
    """A name, a verb, a title: what the name-first linkers with a verb share."""

    perfect_auxiliaries: list[str] = Field(description='"has served as ... since": a role still held.')
    subject_apposition_window: int = Field(ge=1, le=80, description="Tokens back over an apposition to the subject.")
    tenure: TenureScope


class NameAsTitleSettings(NameVerbSettings):
    """A name, (a verb and a place,) "as", a title."""

    marker: str = Field(min_length=1, description='The word before the title: "as".')
    place_determiners: list[str] = Field(description='Words before a place: "at this Consulate-General".')
    place_prepositions: list[str] = Field(description='Words before a place: "in Tokyo", "to Geneva".')
    movement_words: list[str] = Field(description='Verbs and adverbs before a place: "went back to Geneva as".')


@roles_rule(
    "ocmfa.roles.name_as_title.v1",
    kind="title",
    reads=_READS_BEFORE,
    emits=("RoleFact(rule_id=name_as_title)",),
    settings=NameAsTitleSettings,
)
def name_as_title(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: NameAsTitleSettings
) -> list[RoleFact] | None:
    """A name, then "as" a title: "with X as the director", "X served in Tokyo as counsellor"."""
    lookback = doc_roles.lookback(title, sentence)
    if lookback.cursor < sentence.start or settings.marker not in lookback.words:
        return None
    cursor = _skip_place_back(doc_roles, lookback.cursor, sentence.start, settings)
    cursor, more = doc_roles.skip_back(cursor, sentence.start, doc_roles.lexicon.adverbs | set(settings.movement_words))
    return _verb_linked(
        doc_roles, title, sentence, lookback, cursor, [*lookback.words, *more], "name_as_title", settings
    )


def _skip_place_back(doc_roles: DocRoles, cursor: int, limit: int, settings: NameAsTitleSettings) -> int:
    """Walk back over "in Tokyo", "at this Consulate-General", "to Geneva" before "as"."""
    words = doc_roles.words
    run = cursor
    while run >= limit and (words[run].istitle() or words[run].isupper() or words[run] == "-"):
        run -= 1
    if run == cursor:
        return cursor
    if run >= limit and doc_roles.lowers[run] in settings.place_determiners:
        run -= 1
    return run - 1 if run >= limit and doc_roles.lowers[run] in settings.place_prepositions else cursor


class NameIsTitleSettings(NameVerbSettings):
    """A name, a verb, a title."""

    unless_words: list[str] = Field(description='Words before the title that make it another case: "as".')


@roles_rule(
    "ocmfa.roles.name_is_title.v1",
    kind="title",
    reads=_READS_BEFORE,
    emits=("RoleFact(rule_id=name_is_title)",),
    settings=NameIsTitleSettings,
)
def name_is_title(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: NameIsTitleSettings
) -> list[RoleFact] | None:
    """A name, a verb, a title: "X is the director", "X was appointed the group leader"."""
    lookback = doc_roles.lookback(title, sentence)
    if lookback.cursor < sentence.start or any(word in settings.unless_words for word in lookback.words):
        return None
    return _verb_linked(
        doc_roles, title, sentence, lookback, lookback.cursor, list(lookback.words), "name_is_title", settings
    )


def _verb_linked(
    doc_roles: DocRoles,
    title: Title,
    sentence: Span,
    lookback: Lookback,
    cursor: int,
    words: list[str],
    rule: str,
    settings: NameVerbSettings,
) -> list[RoleFact]:
    """The roles of the subject of the verb before ``cursor``, dated from the sentence."""
    lexicon = doc_roles.lexicon
    verbs = lexicon.verbs
    cursor, passed = doc_roles.skip_back(cursor, sentence.start, lexicon.before_verb_title)
    words += passed
    has_verb = any(word in verbs for word in words)
    as_title = rule == "name_as_title"
    if cursor < sentence.start or not (has_verb or as_title):
        return []
    people = doc_roles.subject_ending_at(
        cursor, many=title.plural and not has_verb, apposition_window=settings.subject_apposition_window
    )
    appointed = (as_title and not has_verb) or any(word in lexicon.appointment for word in words)
    tenure = tenure_near(doc_roles, title, sentence, appointed, settings.tenure)
    current = lookback.current
    if set(settings.perfect_auxiliaries) & set(words) and "start" in tenure and "end" not in tenure:
        current = True  # "who has served as ambassador since April 2022"
    return [doc_roles.fact(person, title, _evidence(sentence), rule, current=current, **tenure) for person in people]
