"""Titles as written: a title head grown into its rank words and the body or field it names.

"deputy director" + "of the Treaty Department" is the title "Deputy Director" of the body
"Treaty Department"; "Secretary" + "for Commerce and Economic Development" is the title
"Secretary for Commerce and Economic Development".
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import Field
from spacy.tokens import Span

from ...rulebook import RuleSettings
from ..organizations import content_words
from .document import DocRoles, Title
from .kinds import roles_rule


def title_case(words: list[str], small_words: Collection[str]) -> str:
    """Title-case a title's words, keeping acronyms, and ``small_words`` after the first in lower case."""
    cased: list[str] = []
    for index, word in enumerate(words):
        if word.isupper() and len(word) > 1:
            cased.append(word)
        elif index > 0 and word.casefold() in small_words:
            cased.append(word.casefold())
        else:
            cased.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(cased)


class GrownTitlesSettings(RuleSettings):
    """How a title head grows: the connectors of its body, the words a field's name keeps."""

    connectors: list[list[str]] = Field(
        min_length=1,
        description='Groups of words after a head that bring a body or field, tried in order ("of", then "in").',
    )
    inner_words: list[str] = Field(description='Words inside a field\'s name: "Commerce and Industry".')
    small_words: list[str] = Field(description="Words a title keeps in lower case after its first word.")
    current_window: int = Field(ge=0, le=10, description='Tokens before a title where "current" makes it current.')


@roles_rule(
    "ocmfa.roles.grown_titles.v1",
    kind="titles",
    reads=("titles.jsonl", "doc.spans[ocmfa_orgs]", "doc.spans[ocmfa_people]", "doc._.ocmfa_subject"),
    emits=("doc.spans[ocmfa_titles]",),
    settings=GrownTitlesSettings,
)
def grown_titles(doc_roles: DocRoles, settings: GrownTitlesSettings) -> list[Title]:
    """Grow every title head into the rank words before it and the "of <body>" after it."""
    grower = _TitleGrower(doc_roles, settings)
    return [grower.grow(head) for head in doc_roles.heads]


class _TitleGrower:
    """Grows the title heads of one document, with one rule's settings."""

    def __init__(self, doc_roles: DocRoles, settings: GrownTitlesSettings) -> None:
        self.state = doc_roles
        self.settings = settings
        self.connectors = [frozenset(group) for group in settings.connectors]
        self.inner_words = frozenset(settings.inner_words)
        self.small_words = frozenset(settings.small_words)

    def grow(self, head: Span) -> Title:
        """The title of one head: "US ambassador", "Deputy Director of the Treaty Department"."""
        state = self.state
        start = self._start(head)
        head_words = [word for word in state.words[start : head.end] if word != "-"]
        if head.label_ == "TITLE_PLURAL":  # the singular, from the rule id ("title:deputy_director")
            head_words = head_words[: -len(head)] + head.id_.removeprefix("title:").split("_")
        end, organization = self._grow_after(head.end, head_words)
        window = range(max(0, start - self.settings.current_window), start)
        current = any(state.tenure_words.get(i) == "current" for i in window)
        if organization is None and state.subject and state.lowers[head.end - 1] in content_words(state.subject):
            organization = state.subject  # "the deputy commissioner" of the Commissioner's Office
        return Title(
            start, end, title_case(head_words, self.small_words), organization, head.label_ == "TITLE_PLURAL", current
        )

    def _start(self, head: Span) -> int:
        """Where a title starts: its rank words ("deputy", "vice-"), then an acronym ("US ambassador")."""
        state = self.state
        start = head.start
        while start > 0 and (start - 1 in state.ranks or state.words[start - 1] == "-" and start - 2 in state.ranks):
            start -= 1
        before = state.words[start - 1] if start > 0 else ""
        if before.isupper() and before.isalpha() and start - 1 not in state.person_at:
            start -= 1  # "US ambassador", "UN envoy"
        return start

    def _grow_after(self, end: int, head_words: list[str]) -> tuple[int, str | None]:
        """Take "of/for <body or field>", then "in/to/at <place or body>"; return the end and the body.

        "Deputy Director of the Treaty Department", "Secretary for Commerce and Economic
        Development", "Ambassador to Hungary", "Consul General of Japan in Hong Kong". A
        field's words join ``head_words``.
        """
        state = self.state
        organization: str | None = None
        for connectors in self.connectors:
            if end >= len(state.doc) or state.lowers[end] not in connectors:
                continue
            phrase_end, body, words = self._phrase_after(end + 1)
            if phrase_end == end + 1:
                continue
            if body is not None and organization is None:
                organization = body
            else:
                head_words += [state.lowers[end], *words]
            end = phrase_end
        return end, organization

    def _phrase_after(self, index: int) -> tuple[int, str | None, list[str]]:
        """The body ("the Treaty Department") or field ("Foreign Affairs") starting at ``index``.

        Returns where it ends, the body's full name (None for a field) and the field's words.
        """
        state = self.state
        start = index + (index < len(state.doc) and state.lowers[index] == "the")
        org = state.org_at.get(index) or state.org_at.get(start)
        field_end = self._field_end(start)
        if org is not None and org.label_ != "ORG_REF":
            name, end = self._joined_org(org.kb_id_, org.end)
            if end >= field_end:
                return end, name, []
        elif org is not None:  # "of the office": the body the reference resolves to
            return org.end, org.kb_id_, []
        return (field_end, None, state.words[start:field_end]) if field_end > start else (index, None, [])

    def _field_end(self, start: int) -> int:
        """The end of a run of capitalised words ("Commerce and Economic Development")."""
        state = self.state
        end = start
        while end < len(state.doc) and self._in_field(end, start):
            end += 1
        while end > start and state.lowers[end - 1] in self.inner_words:
            end -= 1
        return end

    def _in_field(self, index: int, start: int) -> bool:
        """Whether the token at ``index`` continues a field's name that starts at ``start``."""
        state = self.state
        if index in state.person_at or index in state.date_tokens or index in state.ranks or index in state.head_tokens:
            return False
        word = state.words[index]
        if (word.istitle() or word.isupper()) and word.isalpha():
            return True
        following = state.words[index + 1] if index + 1 < len(state.doc) else ""
        return index > start and state.lowers[index] in self.inner_words and following.istitle()

    def _joined_org(self, organization: str, end: int) -> tuple[str, int]:
        """Join "Office of A and the Office of B": one position over two bodies."""
        state = self.state
        if (
            end + 2 < len(state.doc)
            and state.lowers[end] == "and"
            and state.lowers[end + 1] == "the"
            and end + 2 in state.org_at
        ):
            other = state.org_at[end + 2]
            if other.label_ == "ORG":
                return f"{organization} and the {other.kb_id_}", other.end
        return organization, end
