"""Succession: a post passing from one person to another ("A succeeded B as director in 2019").

Without this rule the name nearest the title, the predecessor, would be taken for its
holder from the date on: a false fact. Here the successor holds the post from the date,
and the predecessor held it until then.
"""

from __future__ import annotations

from pydantic import Field
from spacy.tokens import Span

from ...facts import RoleFact
from ...rulebook import RuleSettings
from .dating import TenureScope, tenure_near
from .document import DocRoles, Title
from .kinds import roles_rule


class SucceededAsSettings(RuleSettings):
    """The verbs of succession, the word before the title, and where the date may stand."""

    verbs: list[str] = Field(min_length=1, description='Verbs between the two names: "succeeded", "replaced".')
    marker: str = Field(min_length=1, description='The word between the predecessor and the title: "as".')
    subject_apposition_window: int = Field(ge=1, le=80, description="Tokens back over an apposition to the subject.")
    tenure: TenureScope


@roles_rule(
    "ocmfa.roles.succeeded_as.v1",
    kind="title",
    reads=("titles", "doc.spans[ocmfa_people]", "doc.spans[ocmfa_pronouns]", "doc.spans[ocmfa_dates]"),
    emits=("RoleFact(rule_id=succeeded_as)", "RoleFact(rule_id=succeeded_as_predecessor)"),
    settings=SucceededAsSettings,
)
def succeeded_as(
    doc_roles: DocRoles, title: Title, sentence: Span, settings: SucceededAsSettings
) -> list[RoleFact] | None:
    """A succeeded B as <title> (in <date>): A holds the post from the date, B held it until then."""
    lookback = doc_roles.lookback(title, sentence)
    if lookback.cursor < sentence.start or settings.marker not in lookback.words:
        return None
    predecessor = doc_roles.person_at.get(lookback.cursor)
    if predecessor is None or predecessor.start - 1 < sentence.start:
        return None
    verb = predecessor.start - 1
    if doc_roles.lowers[verb] not in settings.verbs:
        return None
    successors = doc_roles.subject_ending_at(verb - 1, many=False, apposition_window=settings.subject_apposition_window)
    if not successors:
        return None  # "replacing B as ...": no successor named here, another linker may read it
    start = tenure_near(doc_roles, title, sentence, True, settings.tenure).get("start")
    evidence = sentence.start_char, sentence.end_char
    facts = [doc_roles.fact(person, title, evidence, "succeeded_as", start=start) for person in successors]
    facts.append(doc_roles.fact(predecessor, title, evidence, "succeeded_as_predecessor", end=start))
    return facts
