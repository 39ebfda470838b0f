"""What the organisation rules of one document read: its words, the tokens names stop at, what is known so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from ...extensions import DATES_KEY, PEOPLE_KEY
from ..layout import TextRange, document_text, token_lowers, token_words


@dataclass
class DocOrganizations:
    """One document as the organisation rules see it (a lookup, not a rule).

    Attributes:
        doc: the document, after the layout, dates and people stages.
        text: its text, joined once.
        words: the text of every token.
        lowers: the lower-case text of every token.
        stops: the tokens of people and dates: a body's name stops at them ("the CCP
            Central Committee in March 2018").
        title: the document's title, if it has one.
        acronyms: ``{acronym: long name}``, once found.
        subject: the body the document is about, once found.
        seen: the full names met so far while resolving, the latest last (each once).
    """

    doc: Doc
    text: str
    words: list[str]
    lowers: list[str]
    stops: set[int]
    title: TextRange | None
    acronyms: dict[str, str] = field(default_factory=dict)
    subject: str | None = None
    seen: dict[str, None] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: Doc) -> DocOrganizations:
        """The organisation rules' view of ``doc``."""
        stops = {
            i for key in (PEOPLE_KEY, DATES_KEY) for span in doc.spans.get(key, []) for i in range(span.start, span.end)
        }
        return cls(doc, document_text(doc), token_words(doc), token_lowers(doc), stops, doc._.ocmfa_layout.title)

    def remember(self, name: str) -> None:
        """Note a full name met, as the latest."""
        self.seen.pop(name, None)
        self.seen[name] = None
