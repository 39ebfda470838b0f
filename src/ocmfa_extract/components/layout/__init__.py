"""The ``ocmfa_layout`` stage: document structure (lines, paragraphs, title, headings, lists, table rows) and sentences.

It has no rules to configure: it finds the structure every later stage reads. Its
modules: :mod:`.structure` (what a layout is), :mod:`.lines` (finding it),
:mod:`.sentences` (sentence boundaries), :mod:`.tokens` (the per-document lookups every
stage shares) and :mod:`.component` (the spaCy factory).
"""

from .component import LayoutComponent, make_layout
from .lines import _find_title, _paragraphs, _split_lines, find_layout
from .sentences import _boundary_class, _set_sentence_starts, sentence_of, sentences
from .structure import Continuation, Heading, InfoboxField, Layout, ListItem, TableRow, TextRange
from .tokens import (
    document_text,
    per_token,
    span_text,
    token_attr_array,
    token_lowers,
    token_words,
    tokens_among,
    word_table,
)

__all__ = [
    "Continuation",
    "Heading",
    "InfoboxField",
    "Layout",
    "LayoutComponent",
    "ListItem",
    "TableRow",
    "TextRange",
    "_boundary_class",
    "_find_title",
    "_paragraphs",
    "_set_sentence_starts",
    "_split_lines",
    "document_text",
    "find_layout",
    "make_layout",
    "per_token",
    "sentence_of",
    "sentences",
    "span_text",
    "token_attr_array",
    "token_lowers",
    "token_words",
    "tokens_among",
    "word_table",
]
