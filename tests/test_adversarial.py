"""Inputs built to hit a rule's worst case (issue 16): the rewritten rules give what the old ones gave.

No test here is timed (``benchmarks/adversarial.py`` measures the cost); they check that
the linear forms of the rules find the same things, and that the results of adversarial
documents still point into their text exactly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from ocmfa_extract.components.dates.published import TIME, dateline_pattern, stamp_pattern
from ocmfa_extract.components.rules import cached_patterns, packaged_patterns_dir
from ocmfa_extract.components.statements import _ByToken
from ocmfa_extract.extract import extract_document
from ocmfa_extract.io import html_to_text
from ocmfa_extract.models import DocumentRecord
from ocmfa_extract.tokenizer import MAX_SPACY_CHARS, ChunkCachedTokenizer

# The stamp and dateline patterns as the published-date rules build them from their lexicons.
_PATTERNS = cached_patterns(packaged_patterns_dir())
_STAMP_WORDS = stamp_pattern(
    _PATTERNS.lexicon("dates_stamp_words"), frozenset({"on", "at"}), _PATTERNS.lexicon("dates_weekdays")
)
_DATELINE_BEFORE = dateline_pattern(_PATTERNS.lexicon("dates_weekdays"))

# The backtracking forms the possessive ones replaced, as they were.
OLD_STAMP_WORDS = re.compile(
    r"(?i)^[\s\W]*(?:(?:posted|published|updated|issued|date[d]?|ends|release date|article)\b"
    r"[\s:/,-]*(?:on|at)?[\s|]*)*"
    r"[\s,]*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day)?[\s,/]*$"
)
OLD_DATELINE_BEFORE = re.compile(
    r"^[A-Z][A-Z .'’\-]+\s*[,|]\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?$", re.IGNORECASE
)
OLD_TIME = re.compile(r"(?i)\b(?:[a-z]{2,4}\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?\b")

RECORD = DocumentRecord(
    doc_id="d", path="d.txt", sha256="0" * 64, title=None, published=None, encoding="utf-8", text_path=None, also_at=[]
)

STAMP_CASES = [
    ("", True),
    (" ", True),
    ("Posted on ", True),
    ("Published: ", True),
    ("Updated : | ", True),
    ("Release date: Monday, ", True),
    ("Dated ", True),
    ("Posted onTuesday / ", True),
    ("  Article  |  Friday , ", True),
    ("Ends/Tuesday, ", True),
    ("Posted   on   ", True),
    (", " * 400, True),
    (", " * 400 + "x", False),
    ("Posted" + " " * 400 + "x", False),
    ("posted " * 50 + "on", True),
    ("The talks on ", False),
    ("Posted by the office on ", False),
    ("Monday Tuesday ", False),
    ("1998 ", False),
    ("datedx ", False),
    ("published_ ", False),
]


@pytest.mark.parametrize(("text", "stamp"), STAMP_CASES)
def test_the_stamp_pattern_finds_the_same_stamps(text: str, stamp: bool):
    assert (_STAMP_WORDS.match(text) is not None) is stamp
    if len(text) < 100:  # the old form is cubic on the long ones
        assert (OLD_STAMP_WORDS.match(text) is not None) is stamp


_STAMP_PIECES = st.sampled_from(
    [" ", "  ", "\t", ",", ", ", ":", "/", "-", "|", ".", "x", "1", "_", "on", "at", "an", "posted", "Published"]
    + ["dated", "date", "ends", "release date", "article", "monday", "Tuesday", "sunday", "days", "10:30", "am"]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_STAMP_PIECES, max_size=9))
def test_the_stamp_pattern_agrees_with_the_backtracking_one(pieces: list[str]):
    text = "".join(pieces)
    assert (_STAMP_WORDS.match(text) is None) == (OLD_STAMP_WORDS.match(text) is None)
    after_times = TIME.sub(" ", text)
    assert after_times == OLD_TIME.sub(" ", text)


_DATELINE_PIECES = st.sampled_from(
    ["SINGAPORE", "A", "b", " ", "  ", "\t", ",", "|", ".", "'", "’", "-", "x1", "Monday", "monday,", "day"]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_DATELINE_PIECES, max_size=8))
def test_the_dateline_pattern_agrees_with_the_backtracking_one(pieces: list[str]):
    text = "".join(pieces)
    assert (_DATELINE_BEFORE.match(text) is None) == (OLD_DATELINE_BEFORE.match(text) is None)


def test_three_digits_are_never_part_of_a_time():
    # Why the published date stops at a long number: a time keeps it, and then no stamp matches.
    for text in ["10:30:2024", "2024:10", "x 123:45", "at 1234:56 pm", "12:345"]:
        assert re.findall(r"\d{3,}", TIME.sub(" ", text)) == re.findall(r"\d{3,}", text)
        assert _STAMP_WORDS.match(TIME.sub(" ", text)) is None


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Posted on 3 May 2021 10:30\n\nThe talks went on.", "2021-05-03"),
        ("June 1988, June 1989\n\nThe talks went on.", "1988-06"),
        ("June 1988, " * 300 + "x\n\nThe talks went on.", None),
        ("Remarks by the envoy at talks of 100 states (8 February 2024)\n\nBody text.", "2024-02-08"),
        # Past the first date's year only the title's "(date)" is tested.
        ("Remarks " + "(1 May 2001) " * 3 + "(8 February 2024)\n\nBody text.", "2024-02-08"),
        # The line's other dates are left out of the stamp: ", , ... Ends/Tuesday, " is one.
        ("Body text.\n\n" + "June 1988, " * 300 + "Ends/Tuesday, March 5, 2019", "1988-06"),
        ("Body text.\n\nEnds/Tuesday, March 5, 2019", "2019-03-05"),
    ],
)
def test_published_dates_of_long_stamp_lines(nlp: Language, text: str, published: str | None):
    result = extract_document(nlp, text, RECORD)
    assert (result.document.published.value if result.document.published else None) == published


def _punctuation(size: int) -> str:
    return "".join(random.Random(size).choices("(\"'[{<*.,;:!?-)]}>", k=size))


@pytest.mark.parametrize(
    "text",
    ["(" * 3000, '"' * 2000 + " x", _punctuation(1500), "x" * 1200 + " " + "(" * 600 + ") y", "a-" * 700],
)
def test_a_long_unit_is_handed_to_spacy_in_pieces_that_cover_it(nlp: Language, text: str):
    calls: list[str] = []
    spacy_tokenizer = nlp.tokenizer.tokenizer

    def counting(unit: str):
        calls.append(unit)
        return spacy_tokenizer(unit)

    cached = ChunkCachedTokenizer(spacy_tokenizer)
    cached.tokenizer = counting
    doc = cached(text)
    assert doc.text == text
    assert "".join(token.text_with_ws for token in doc) == text
    assert all(text[token.idx : token.idx + len(token)] == token.text for token in doc)
    assert max(map(len, calls)) <= MAX_SPACY_CHARS + 1  # a piece and its trailing space
    assert sum(map(len, calls)) <= len(text)  # each character is handed over at most once


def test_a_run_of_brackets_is_still_one_token_a_bracket(nlp: Language):
    doc = nlp.make_doc("(" * 2000)
    assert [token.text for token in doc] == ["("] * 2000


ADVERSARIAL_TEXTS = {
    "stamp dates": "June 1988, " * 200 + "x\n\nThe talks went on.",
    "date ranges": "Press release\n\n" + "1 June 2021 – 2 July 2022, " * 80,
    "names said": "Press release\n\n" + "Anna Berg said, Carl Dunn said that Eva Falk met Gus Holm. " * 60,
    "quotation marks": "Press release\n\n" + "“Yes,” Anna Berg said. “No " * 80,
    "capitalised words": "Press release\n\n" + "Foreign Minister Anna Berg Of The Office " * 60,
    "punctuation": "Press release\n\n" + _punctuation(3000) + "\n\nAnna Berg said it.",
    "bullets": "\n".join(f"• Anna Berg{i}, Minister of State since {1950 + i}" for i in range(200)),
    "open quotes": "Press release\n\n" + '"“ said ' * 300,
    "space runs": "Press release\n\n" + " " * 5000 + "Anna Berg said it.\n" + "\t " * 3000,
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL_TEXTS))
def test_adversarial_documents_give_exact_offsets(nlp: Language, name: str):
    text = ADVERSARIAL_TEXTS[name]
    result = extract_document(nlp, text, RECORD, part_chars=2000)  # several parts, too
    assert result.text == text
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text
    for date in result.dates:
        assert 0 <= date.start < date.end <= len(text)
    for statement in result.statements:
        assert 0 <= statement.evidence_start <= statement.content_start < statement.content_end <= len(text)
    for role in result.roles:
        assert 0 <= role.evidence_start < role.evidence_end <= len(text)


def test_a_block_crowded_with_inline_elements_keeps_its_text():
    words = [f"w{i}" for i in range(3000)]
    crowded = "<html><body><article><p>" + " ".join(f"<b>{w}</b>" for w in words) + "</p></article></body></html>"
    assert html_to_text(crowded).split() == words
    few = "<html><body><article><p>" + " ".join(f"<b>{w}</b>" for w in words[:50]) + "</p></article></body></html>"
    assert html_to_text(few).split() == words[:50]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 4)), max_size=15), st.integers(-2, 36))
def test_spans_by_token_are_found_as_a_scan_finds_them(bounds: list[tuple[int, int]], token: int):
    spans = [_Span(start, start + length) for start, length in bounds]
    index = _ByToken(spans)  # type: ignore[arg-type]
    assert index.covering(token) == [s for s in spans if s.start <= token < s.end]
    assert index.starting(token, token + 3) == [s for s in spans if token <= s.start < token + 3]


_OLD_PARAGRAPH_BREAK = re.compile(r"[ \t\r]*\n[ \t\r]*\n")


def old_find_quotes(text: str) -> list[tuple[int, int]]:
    """find_quotes as it was: a scan to the end of the text for every mark that never closes."""
    pairs = {"“": "”", '"': '"', "‘": "’"}
    opening_quote = re.compile('[“"‘]')
    quotes: list[tuple[int, int]] = []
    opening = opening_quote.search(text)
    while opening is not None:
        index, char = opening.start(), opening.group()
        after = index + 1
        if char != "‘" or index == 0 or not text[index - 1].isalnum():
            end = text.find(pairs[char], index + 1)
            paragraph_break = _OLD_PARAGRAPH_BREAK.search(text, index + 1, end if end != -1 else len(text))
            if paragraph_break is not None:
                quotes.append((index + 1, paragraph_break.start()))
                after = paragraph_break.start()
            elif end != -1:
                quotes.append((index + 1, end))
                after = end + 1
        opening = opening_quote.search(text, after)
    return quotes


_QUOTE_PIECES = st.sampled_from(["“", "”", '"', "‘", "’", "a", "it’s", " ", "\n", "\n\n", " \n \n ", "\t", "\r\n", "x"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_QUOTE_PIECES, max_size=14))
def test_quotes_found_by_bisection_as_a_scan_finds_them(pieces: list[str]):
    from ocmfa_extract.components.statements import find_quotes

    text = "".join(pieces)
    assert find_quotes(text) == old_find_quotes(text)


@pytest.mark.parametrize("run", ["(\"'[{<*.,;:!?-)]}>" * 40, '"' * 3000, "&" * 2000 + " ", "—" * 700])
def test_a_long_run_of_marks_is_one_token_a_mark(nlp: Language, run: str):
    text = "Before " + run.rstrip() + " after."
    doc = nlp.make_doc(text)
    assert [token.text for token in doc] == ["Before", *run.rstrip(), "after", "."]
    assert doc.text == text


def test_a_long_chunk_of_words_and_marks_keeps_spacys_tokens_inside_its_pieces(nlp: Language):
    chunk = "word(" * 200  # over the limit, but not marks alone: spaCy splits each piece
    doc = nlp.make_doc(chunk)
    assert doc.text == chunk
    assert {token.text for token in doc} == {"word", "("}


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(1, 6), st.integers(0, 3)), max_size=30))
def test_longest_matches_are_the_spans_filter_spans_keeps(nlp: Language, raw: list[tuple[int, int, int]]):
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from ocmfa_extract.components.rules import _longest_matches

    doc = nlp.make_doc(" ".join(["word"] * 30))
    matches = sorted({(start, start + length, key) for start, length, key in raw})
    spans = [Span(doc, start, end, label=str(key)) for start, end, key in matches]
    kept = [(span.start, span.end, int(span.label_)) for span in filter_spans(spans)]
    assert _longest_matches(matches) == kept


@pytest.mark.parametrize("text", ['"" said Minister Anna Berg on Monday.', "“ ,” said Minister Anna Berg.\n"])
def test_quotation_marks_around_no_word_are_no_statement(nlp: Language, text: str):
    result = extract_document(nlp, "Press release\n\n" + text, RECORD)
    assert result.statements == []
