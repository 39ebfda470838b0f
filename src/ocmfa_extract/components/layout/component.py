"""The ``ocmfa_layout`` component: lines, paragraphs, sentences, headings, infobox, lists.

Reads only ``doc.text``. Adds:

- ``doc._.ocmfa_text``: the text, joined once for every component (see :func:`document_text`);

- sentence boundaries (``token.is_sent_start``): a line break always ends a sentence, and
  so does ``.``, ``!`` or ``?`` (with any closing quotes or brackets) before a word that
  starts with a capital, a digit or an opening quote;
- ``doc._.ocmfa_layout``: a :class:`Layout` with the document's title, its paragraphs,
  its headings (``= X =`` wiki headings and ``; X`` list headings), its infobox fields
  (``- Key: Value`` lines), its list items (``1. ...`` / ``- ...``) and its table rows
  (a table flattened to text: cells split by ``|``, tabs or runs of spaces, each row with
  its table's header cells and its heading), all as character offsets into ``doc.text``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ... import extensions  # noqa: F401 - registers the attributes this stage sets
from .lines import find_layout
from .sentences import _set_sentence_starts
from .tokens import document_text


# It also reads ``doc._.ocmfa_continuation``, which the driver sets before any stage
# runs: no stage produces it, so it is not in ``requires``. The word table and attribute
# arrays are the lookups of :mod:`.tokens`, filled here and read by every later stage.
@Language.factory(
    "ocmfa_layout",
    assigns=[
        "token.is_sent_start",
        "doc._.ocmfa_text",
        "doc._.ocmfa_layout",
        "doc._.ocmfa_sentences",
        "doc._.ocmfa_sentence_starts",
        "doc._.ocmfa_word_table",
        "doc._.ocmfa_attr_arrays",
    ],
)
def make_layout(nlp: Language, name: str) -> LayoutComponent:
    """Create the layout component (it needs no configuration)."""
    return LayoutComponent()


class LayoutComponent:
    """Find lines, paragraphs, headings, infobox fields, list items, table rows and sentences."""

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc`` with its layout and sentence boundaries."""
        starts = _set_sentence_starts(doc)
        ends = [*starts[1:], len(doc)] if starts else []
        doc._.ocmfa_sentences = [Span(doc, start, end) for start, end in zip(starts, ends, strict=True)]
        doc._.ocmfa_sentence_starts = starts
        layout = find_layout(document_text(doc))
        if doc._.ocmfa_continuation is not None:
            layout.title = None  # its first line is not the document's title
        doc._.ocmfa_layout = layout
        return doc
