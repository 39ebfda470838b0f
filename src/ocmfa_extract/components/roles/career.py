"""Career text: the posts a biography lists in a sentence, one after another.

"X joined the Ministry, first as a deputy director of Y, and then as spokesman for Z";
"He has served in missions in A and B, and as Consul-General in C". The title after
", as" or "and as" has no name before it: its holder is the subject of the clause's
verb, the nearest name (or pronoun) before it in the sentence.
"""

from __future__ import annotations

from pydantic import Field
from spacy.tokens import Span

from ...facts import RoleFact
from ...rulebook import RuleSettings
from .dating import TenureScope
from .document import DocRoles, Title
from .kinds import roles_rule


class AsInSeriesSettings(RuleSettings):
    """The word before the title, what stands before it in a series, and the verbs of its subject."""

    marker: str = Field(min_length=1, description='The word before the title: "as".')
    series_words: list[str] = Field(min_length=1, description='What stands before "(then) as": ",", "and".')
    subject_verbs: list[str] = Field(
        min_length=1, description='Verbs right after the subject, beyond the role verbs: "joined", "has".'
    )
    starting_verbs: list[str] = Field(
        description='Verbs whose date starts the first post: "joined the Ministry in 1991, as an attaché".'
    )
    tenure: TenureScope


@roles_rule(
    "ocmfa.roles.as_in_series.v1",
    kind="title",
    reads=("titles", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_pronouns]", "doc.spans[ocmfa_dates]"),
    emits=("RoleFact(rule_id=as_in_series)",),
    settings=AsInSeriesSettings,
)
def as_in_series(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: AsInSeriesSettings
) -> list[RoleFact] | None:
    """A title after ", first as" or ", and then as": the subject of the clause's verb holds X and Y."""
    lookback = doc_roles.lookback(title, sentence)
    cursor = lookback.cursor
    if cursor < sentence.start or settings.marker not in lookback.words:
        return None
    if doc_roles.words[cursor] not in settings.series_words:
        return None
    found = _clause_subject(doc_roles, cursor, sentence, settings)
    if found is None:
        return None
    subject, verb = found
    appointed = (
        doc_roles.lowers[verb] in doc_roles.lexicon.appointment or doc_roles.lowers[verb] in settings.starting_verbs
    )
    tenure = _series_tenure(doc_roles, title, sentence, (verb, cursor), appointed, settings.tenure)
    evidence = sentence.start_char, sentence.end_char
    return [doc_roles.fact(subject, title, evidence, "as_in_series", current=lookback.current, **tenure)]


def _series_tenure(
    doc_roles: DocRoles, title: Title, sentence: Span, before: tuple[int, int], appointed: bool, scope: TenureScope
) -> dict[str, object]:
    """The dates of one post of the series: after its title, up to the next title.

    Else, after a starting verb, the date between the verb and the series ("joined the
    Ministry in 1991, at the age of 23, as an attaché").
    """
    following = doc_roles.titles_by_token.between(title.end, sentence.end)
    limit = following[0].start if following else sentence.end
    dates = doc_roles.dates_by_token.between(title.end, limit)
    if not dates and appointed and not doc_roles.titles_by_token.between(before[0], before[1]):
        dates = doc_roles.dates_by_token.between(before[0], before[1])
    if not dates:
        return {}
    date = dates[0]
    ranged = date._.ocmfa_end_date is not None or doc_roles.word_before(date) in scope.range_words
    return doc_roles.tenure(date) if ranged or appointed else {}


def _clause_subject(
    doc_roles: DocRoles, cursor: int, sentence: Span, settings: AsInSeriesSettings
) -> tuple[Span, int] | None:
    """The nearest name or pronoun before ``cursor`` in the sentence and its verb, if a subject verb follows it."""
    index = next((i for i in range(cursor - 1, sentence.start - 1, -1) if i in doc_roles.person_at), None)
    if index is None:
        return None
    person = doc_roles.person_at[index]
    lexicon = doc_roles.lexicon
    after = person.end
    while after < cursor and doc_roles.lowers[after] in lexicon.auxiliaries | lexicon.adverbs:
        after += 1
    word = doc_roles.lowers[after] if after < cursor else ""
    return (person, after) if word in lexicon.verbs or word in settings.subject_verbs else None
