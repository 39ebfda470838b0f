"""What the date rules of one document read: its tokens, text, layout, lexicons and normaliser."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from ...models import DateValue
from ...patterns import Patterns
from ..layout import Layout, document_text
from .normalizer import DateNormalizer


@dataclass
class DocDates:
    """One document as the date rules see it (a lookup, not a rule).

    Attributes:
        doc: the document, with its tokens and ``doc._.ocmfa_layout``.
        text: its text, joined once (:func:`document_text`).
        layout: its lines and title.
        patterns: the patterns the stage was built from (for the rules' lexicons).
        normalize: the date normaliser of the stage.
    """

    doc: Doc
    text: str
    layout: Layout
    patterns: Patterns
    normalize: DateNormalizer

    @classmethod
    def of(cls, doc: Doc, patterns: Patterns, normalize: DateNormalizer) -> DocDates:
        """The date rules' view of ``doc`` (after the layout stage)."""
        return cls(doc, document_text(doc), doc._.ocmfa_layout, patterns, normalize)

    def lexicon(self, name: str) -> frozenset[str]:
        """A lexicon of the stage's patterns, by file stem."""
        return self.patterns.lexicon(name)

    def date_of(self, text: str, label: str, reference: DateValue | None = None) -> DateValue | None:
        """``text`` normalised as a candidate of ``label``, against ``reference`` if given."""
        return self.normalize(text, label, reference)
