"""The ``ocmfa_layout`` component: lines, paragraphs, sentences, headings, infobox, lists.

Reads only ``doc.text``. Adds:

- ``doc._.ocmfa_text``: the text, joined once for every component (see :func:`document_text`);

- sentence boundaries (``token.is_sent_start``): a line break always ends a sentence, and
  so does ``.``, ``!`` or ``?`` (with any closing quotes or brackets) before a word that
  starts with a capital, a digit or an opening quote;
- ``doc._.ocmfa_layout``: a :class:`Layout` with the document's title, its paragraphs,
  its headings (``= X =`` wiki headings and ``; X`` list headings), its infobox fields
  (``- Key: Value`` lines) and its list items (``1. ...`` / ``- ...``), all as character
  offsets into ``doc.text``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import numpy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401 - registers the attributes this stage sets
from ..models import DateValue

_WIKI_HEADING = re.compile(r"^(=+)\s*(.+?)\s*=+\s*$")
_LIST_HEADING = re.compile(r"^;\s*(.+?)\s*$")
_FIELD = re.compile(r"^[-*•]\s*([A-Z][\w ]{0,40}?)\s*:\s*(.+?)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•])\s+(.+?)\s*$")
# Navigation: "· Item · Item", breadcrumbs "Home > About Us > ...", menus "A | B | C".
_NAV_LINE = re.compile(r"^\s*[·|»›]|\s>\s|\|.*\|")
_SENTENCE_END = frozenset({".", "!", "?", "…"})
_CLOSERS = frozenset({'"', "”", "’", "'", ")", "]", "»"})
_OPENERS = frozenset({'"', "“", "‘", "(", "«"})


@dataclass(frozen=True)
class TextRange:
    """A stretch of the document's text, by character offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Heading:
    """A heading line: ``= Title =`` (level = number of ``=``) or ``; Title`` (level 0)."""

    level: int
    range: TextRange


@dataclass(frozen=True)
class InfoboxField:
    """A ``- Key: Value`` line."""

    key: TextRange
    value: TextRange
    line: TextRange


@dataclass(frozen=True)
class ListItem:
    """A numbered or bulleted list item, with the heading it stands under, if any."""

    body: TextRange
    line: TextRange
    heading: Heading | None


@dataclass
class Layout:
    """The structure of one document, found from its lines."""

    title: TextRange | None = None
    lines: list[TextRange] = field(default_factory=list)
    paragraphs: list[TextRange] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    infobox: list[InfoboxField] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)

    @cached_property
    def heading_ranges(self) -> list[tuple[int, int]]:
        """The ``(start, end)`` offsets of the title and the headings: text that is not running prose."""
        ranges = [(heading.range.start, heading.range.end) for heading in self.headings]
        return ranges + [(self.title.start, self.title.end)] if self.title is not None else ranges

    @cached_property
    def _line_starts(self) -> list[int]:
        return [line.start for line in self.lines]

    def line_at(self, offset: int) -> TextRange | None:
        """Return the line holding ``offset``, if any (by bisection)."""
        index = bisect_right(self._line_starts, offset) - 1
        if index < 0 or offset >= self.lines[index].end:
            return None
        return self.lines[index]

    @cached_property
    def _paragraph_starts(self) -> list[int]:
        return [paragraph.start for paragraph in self.paragraphs]

    def paragraph_at(self, offset: int) -> TextRange | None:
        """Return the paragraph holding ``offset``, if any (by bisection: paragraphs are in order and apart)."""
        index = bisect_right(self._paragraph_starts, offset) - 1
        if index < 0 or offset >= self.paragraphs[index].end:
            return None
        return self.paragraphs[index]


@dataclass(frozen=True)
class Continuation:
    """Set on a part of a long document after the first (``doc._.ocmfa_continuation``).

    A part that continues a document has no title of its own, and takes the document's
    date and the body it is about from the first part.
    """

    published: DateValue | None
    subject: str | None


def document_text(doc: Doc) -> str:
    """The text of ``doc``, joined once and kept: ``doc.text`` joins every token each time it is read."""
    text = doc._.ocmfa_text
    if text is None:
        text = doc._.ocmfa_text = doc.text
    return text


def word_table(doc: Doc) -> tuple[list[str], numpy.ndarray]:
    """The distinct token texts of ``doc``, and for every token the position of its text among them.

    A document repeats its words; anything that depends only on a word's text is worked
    out once per distinct word and spread to the tokens with the index array
    (``values[index]``).
    """
    table = doc._.ocmfa_word_table
    if table is None:
        unique, index = numpy.unique(token_attr_array(doc, ORTH), return_inverse=True)
        strings = doc.vocab.strings
        table = doc._.ocmfa_word_table = ([strings[orth] for orth in unique.tolist()], index.reshape(-1))
    return table


def per_token(doc: Doc, value_of: Callable[[str], Any], dtype: Any = bool) -> numpy.ndarray:
    """``value_of(text)`` for every token of ``doc``, asked once per distinct word (:func:`word_table`)."""
    distinct, index = word_table(doc)
    return numpy.array([value_of(word) for word in distinct], dtype=dtype)[index]


def token_attr_array(doc: Doc, attr: int) -> numpy.ndarray:
    """``doc.to_array(attr)``, read once per document and kept (the rules ask for it many times)."""
    arrays = doc._.ocmfa_attr_arrays
    if arrays is None:
        arrays = doc._.ocmfa_attr_arrays = {}
    array = arrays.get(attr)
    if array is None:
        array = arrays[attr] = doc.to_array(attr)
    return array


def tokens_among(doc: Doc, words: Iterable[str], attr: int = ORTH) -> numpy.ndarray:
    """For every token of ``doc``, whether its text (or its ``attr``, such as ``LOWER``) is one of ``words``.

    Compared as string hashes, in numpy: no Python call per token or per word.
    """
    strings = doc.vocab.strings
    hashes = numpy.array([strings[word] for word in words], dtype=numpy.uint64)
    return numpy.isin(token_attr_array(doc, attr), hashes)


def token_words(doc: Doc) -> list[str]:
    """The text of every token of ``doc``, read once and kept.

    The rules look at neighbouring words many times per document; ``doc[i].text`` makes
    a ``Token`` object at each look, a list item does not.
    """
    if doc._.ocmfa_words is None:
        doc._.ocmfa_words = per_token(doc, str, object).tolist()
    return doc._.ocmfa_words


def token_lowers(doc: Doc) -> list[str]:
    """The lower-case text of every token of ``doc`` (``token.lower_``), read once and kept."""
    if doc._.ocmfa_lowers is None:
        doc._.ocmfa_lowers = per_token(doc, str.lower, object).tolist()
    return doc._.ocmfa_lowers


def span_text(text: str, span: Span) -> str:
    """The text of ``span`` sliced from its document's ``text`` (``span.text`` joins its tokens)."""
    return text[span.start_char : span.end_char]


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc``, found once by the layout component (``doc.sents`` walks the doc)."""
    return doc._.ocmfa_sentences


def sentence_of(doc: Doc, token_index: int) -> Span:
    """The sentence holding a token, by bisection over the sentence starts."""
    return doc._.ocmfa_sentences[bisect_right(doc._.ocmfa_sentence_starts, token_index) - 1]


def _split_lines(text: str) -> list[TextRange]:
    """Return the non-blank lines of ``text`` with their offsets, trimmed of outer spaces."""
    lines: list[TextRange] = []
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + (len(raw) - len(raw.lstrip()))
            lines.append(TextRange(start, start + len(stripped), stripped))
    return lines


def _paragraphs(text: str, lines: list[TextRange]) -> list[TextRange]:
    """Group lines into paragraphs: a blank line, a heading or a list item ends one."""
    paragraphs: list[TextRange] = []
    current: list[TextRange] = []

    def flush() -> None:
        if current:
            start, end = current[0].start, current[-1].end
            paragraphs.append(TextRange(start, end, text[start:end]))
            current.clear()

    previous_end = 0
    for line in lines:
        gap = text[previous_end : line.start]
        starts_block = bool(
            _WIKI_HEADING.match(line.text) or _LIST_HEADING.match(line.text) or _LIST_ITEM.match(line.text)
        )
        # An indented line in a press release starts a new paragraph, as does a blank line.
        indented = gap.endswith((" ", "\t")) and "\n" in gap
        if gap.count("\n") >= 2 or starts_block or indented or not current:
            flush()
        current.append(line)
        previous_end = line.end
        if starts_block:
            flush()
    flush()
    return paragraphs


def _find_title(lines: list[TextRange]) -> TextRange | None:
    """Return the title: the first wiki heading, else the first line that is not navigation."""
    for line in lines[:3]:
        match = _WIKI_HEADING.match(line.text)
        if match and len(match.group(1)) == 1:
            start = line.start + match.start(2)
            return TextRange(start, start + len(match.group(2)), match.group(2))
    for line in lines[:5]:
        if _NAV_LINE.search(line.text) or len(line.text) > 250 or line.text.endswith("."):
            continue
        return line
    return None


def find_layout(text: str) -> Layout:
    """Return the :class:`Layout` of ``text``."""
    lines = _split_lines(text)
    layout = Layout(title=_find_title(lines), lines=lines, paragraphs=_paragraphs(text, lines))
    # List items stand under the latest heading, wiki or ";", until the next one: an
    # introductory line ("The following is a partial list") does not end the list.
    list_heading: Heading | None = None
    for line in lines:
        if wiki := _WIKI_HEADING.match(line.text):
            start = line.start + wiki.start(2)
            list_heading = Heading(len(wiki.group(1)), TextRange(start, start + len(wiki.group(2)), wiki.group(2)))
            layout.headings.append(list_heading)
        elif semicolon := _LIST_HEADING.match(line.text):
            start = line.start + semicolon.start(1)
            list_heading = Heading(0, TextRange(start, start + len(semicolon.group(1)), semicolon.group(1)))
            layout.headings.append(list_heading)
        elif infobox := _FIELD.match(line.text):
            start = line.start + infobox.start(2)
            value = TextRange(start, start + len(infobox.group(2)), infobox.group(2))
            key_start = line.start + infobox.start(1)
            key = TextRange(key_start, key_start + len(infobox.group(1)), infobox.group(1))
            layout.infobox.append(InfoboxField(key, value, line))
        elif item := _LIST_ITEM.match(line.text):
            start = line.start + item.start(1)
            body = TextRange(start, start + len(item.group(1)), item.group(1))
            layout.list_items.append(ListItem(body, line, list_heading))
    return layout


# What a word can do at a sentence boundary, as bits (see _set_sentence_starts).
_SPACE, _BREAK, _END, _CLOSER, _STARTER = 1, 2, 4, 8, 16


@lru_cache(maxsize=32_768)
def _boundary_class(text: str) -> int:
    if text.isspace():
        return _SPACE | (_BREAK if "\n" in text or "\r" in text else 0)
    starter = text[:1].isupper() or text[:1].isdigit() or text in _OPENERS
    return (_END if text in _SENTENCE_END else 0) | (_CLOSER if text in _CLOSERS else 0) | (_STARTER if starter else 0)


def _set_sentence_starts(doc: Doc) -> list[int]:
    """Mark sentence starts at line breaks and after sentence-final punctuation.

    A word starts a sentence when it is the first, when a line break stands before it,
    or when it starts with a capital, a digit or an opening quote and the words before it
    end a sentence (``.``, ``!``, ``?``, then any closing quotes or brackets). Worked out
    with array operations over the words' classes, and set in one call
    (``Doc.from_array``): this runs over every token of every document. Returns the
    indices of the starting tokens.
    """
    classes = per_token(doc, _boundary_class, numpy.int64)
    words = numpy.flatnonzero((classes & _SPACE) == 0)  # the tokens that are not whitespace
    word_classes = classes[words]
    breaks_up_to = numpy.cumsum((classes & _BREAK) != 0)
    after_break = numpy.ones(len(words), dtype=bool)
    after_break[1:] = breaks_up_to[words[1:]] > breaks_up_to[words[:-1]]
    # After a word, a sentence has ended when the last word that is not a closing quote or
    # bracket (or is an end mark) is an end mark: "... said.” Then".
    deciding = ((word_classes & _END) != 0) | ((word_classes & _CLOSER) == 0)
    last_deciding = numpy.maximum.accumulate(numpy.where(deciding, numpy.arange(len(words)), -1))
    ended = (last_deciding >= 0) & ((word_classes[numpy.maximum(last_deciding, 0)] & _END) != 0)
    is_start = after_break.copy()
    is_start[1:] |= ended[:-1] & ((word_classes[1:] & _STARTER) != 0)
    starts: list[int] = words[is_start].tolist()
    if len(doc) and (not starts or starts[0] != 0):
        starts.insert(0, 0)
    flags = numpy.zeros((len(doc), 1), dtype="uint64")  # 1: starts a sentence; 0: does not
    flags[starts, 0] = 1
    doc.from_array([SENT_START], flags)
    return starts


@Language.factory("ocmfa_layout", assigns=["token.is_sent_start", "doc._.ocmfa_layout", "doc._.ocmfa_sentences"])
def make_layout(nlp: Language, name: str) -> LayoutComponent:
    """Create the layout component (it needs no configuration)."""
    return LayoutComponent()


class LayoutComponent:
    """Find lines, paragraphs, headings, infobox fields, list items and sentences."""

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
