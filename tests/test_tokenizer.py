"""The chunk cache in front of spaCy's tokenizer gives exactly spaCy's tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from ocmfa_extract.pipeline import customize_tokenizer
from ocmfa_extract.tokenizer import MAX_SPACY_CHARS, ChunkCachedTokenizer, _pieces

# Texts where spaCy's whitespace rules and special cases matter.
TRICKY_TEXTS = [
    "",
    " ",
    "  ",
    "\n",
    " leading space",
    "trailing space ",
    "two  spaces and three   spaces",
    "a\n\n b  \n c ",
    "tab\there\t\tand\u00a0no-break\u00a0space",
    "em\u2003space and\u3000ideographic space",
    "We can't, won't and don't; she's the U.S. envoy's aide.",
    "Mr. and Mrs. Smith met at 5 a.m. (local time) — e.g. today.",
    "at 5 a.m . and e.g . too",
    "Smileys :) and :-( and <3 here:)",
    "See https://example.org/press-release?id=7. Then www.example.com.",
    "Served 1998–2002 and 2004—2006; Spain(2022-07-28) signed.",
    "“Quoted,” he said. ‘Single’ quotes, too.",
    "Ends with a newline\n",
    "\r\nWindows line\r\nends\r\n",
    "ALL CAPS HEADLINE: Minister's visit\n\nBody.",
]


@pytest.fixture(scope="module")
def spacy_tokenizer() -> Language:
    """spaCy's own tokenizer, set up as the pipeline sets it up, but without the cache."""
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    return nlp.tokenizer.tokenizer


def tokens(doc: Doc) -> list[tuple[str, str, int, str]]:
    return [(token.text, token.whitespace_, token.idx, token.norm_) for token in doc]


def assert_same_tokens(cached: ChunkCachedTokenizer, reference, text: str) -> None:
    doc = cached(text)
    assert doc.text == text
    assert tokens(doc) == tokens(reference(text))


def document_texts(root: Path) -> list[str]:
    data = root / "tests" / "data"
    folders = [root / "seeds", data / "docs"] + [
        data / name / "docs" for name in ("heldout", "heldout2", "heldout3", "tune3")
    ]
    return [path.read_text(encoding="utf-8") for folder in folders for path in sorted(folder.glob("*.txt"))]


def test_the_pipeline_tokenizes_through_the_cache(nlp: Language):
    assert isinstance(nlp.tokenizer, ChunkCachedTokenizer)
    # Setting the pipeline up twice does not wrap the cache in another cache.
    customize_tokenizer(nlp)
    assert not isinstance(nlp.tokenizer.tokenizer, ChunkCachedTokenizer)


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_tricky_texts_are_tokenized_as_spacy_does(spacy_tokenizer, text: str):
    cached = ChunkCachedTokenizer(spacy_tokenizer)
    assert_same_tokens(cached, spacy_tokenizer, text)
    assert_same_tokens(cached, spacy_tokenizer, text)  # again, now from the cache


def test_special_cases_keep_their_norms(spacy_tokenizer):
    doc = ChunkCachedTokenizer(spacy_tokenizer)("They can't and won't.")
    assert [token.text for token in doc] == ["They", "ca", "n't", "and", "wo", "n't", "."]
    assert [token.norm_ for token in doc][1:3] == ["can", "not"]


def test_documents_are_tokenized_as_spacy_does(root: Path, spacy_tokenizer):
    cached = ChunkCachedTokenizer(spacy_tokenizer)
    texts = document_texts(root)
    assert len(texts) >= 20
    for _ in range(2):  # the second time round, every chunk comes from the cache
        for text in texts:
            assert_same_tokens(cached, spacy_tokenizer, text)


def test_a_full_cache_starts_again_and_still_tokenizes_right(root: Path, spacy_tokenizer):
    cached = ChunkCachedTokenizer(spacy_tokenizer, max_units=50)
    for text in document_texts(root)[:5]:
        assert_same_tokens(cached, spacy_tokenizer, text)
        assert len(cached._units) <= 50


def test_chunks_cached_inside_a_memory_zone_stay_valid_after_it(spacy_tokenizer):
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    text = "Zyxwvut Qponmlk's remarks on 3 March 2031 (unusual words, can't)."
    with nlp.memory_zone():
        inside = tokens(nlp.make_doc(text))
    assert tokens(nlp.make_doc(text)) == inside == tokens(spacy_tokenizer(text))


# Emoticons and lone quotes are left out: with them, spaCy's matches across a space can
# block a special case (see the module docstring and the test below).
_PIECES = st.sampled_from(
    [" ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2003", ".", ",", "-", "–", '"', "“", "”", "(see)"]
    + ["can't", "U.S.", "Mr.", "a.m.", "e.g.", "1998", "Spain", "the", "O'Brien", "2022-07-28", "www.gov.uk"]
    + ["Spain(2022-07-28)", "they're", "players’"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_any_text_is_tokenized_as_spacy_does(spacy_tokenizer, pieces: list[str]):
    cached = ChunkCachedTokenizer(spacy_tokenizer)
    text = "".join(pieces)
    assert_same_tokens(cached, spacy_tokenizer, text)
    assert_same_tokens(cached, spacy_tokenizer, text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # spaCy gives "x", ":", ")", ")": its match of ":))" across the space blocks ":)".
        ("x:) )", ["x", ":)", ")"]),
        # spaCy splits the second "''" in two, for the same reason.
        ("''Hi'' ''there''", ["''", "Hi", "''", "''", "there", "''"]),
    ],
)
def test_special_cases_blocked_in_spacy_by_a_match_across_a_space_apply(spacy_tokenizer, text, words):
    doc = ChunkCachedTokenizer(spacy_tokenizer)(text)
    assert [token.text for token in doc] == words
    assert doc.text == text


def test_a_new_unit_repeated_in_one_text_is_split_once(spacy_tokenizer):
    calls: list[str] = []

    def counting(unit: str) -> Doc:
        calls.append(unit)
        return spacy_tokenizer(unit)

    cached = ChunkCachedTokenizer(spacy_tokenizer)
    cached.tokenizer = counting
    doc = cached("Envoys met envoys. Envoys met envoys. Envoys met envoys.")
    assert len(doc) == 12
    assert sorted(calls) == sorted(["Envoys ", "met ", "envoys. ", "envoys."])


def test_long_units_are_tokenized_but_not_kept(spacy_tokenizer):
    cached = ChunkCachedTokenizer(spacy_tokenizer)
    blob = "data:" + "A" * 500
    assert_same_tokens(cached, spacy_tokenizer, f"Look: {blob} here")
    assert all(len(unit) <= 64 for unit in cached._units)
    assert "here" in cached._units


def test_the_wrapped_tokenizers_attributes_and_a_fresh_start(nlp: Language):
    assert nlp.tokenizer.rules == nlp.tokenizer.tokenizer.rules
    assert nlp.tokenizer.explain("U.S. envoys") == nlp.tokenizer.tokenizer.explain("U.S. envoys")
    cached = ChunkCachedTokenizer(nlp.tokenizer.tokenizer)
    cached("Some words here.")
    assert cached._units
    cached.clear()
    assert not cached._units


def test_documents_hold_no_unit_that_is_cut_into_pieces(root: Path):
    # So the comparisons with spaCy above hold exactly: only longer units are cut (issue 16).
    longest = max(len(unit) for text in document_texts(root) for unit in text.split())
    assert longest <= MAX_SPACY_CHARS


def test_a_unit_too_long_for_spacy_is_tokenized_piece_by_piece(spacy_tokenizer):
    cached = ChunkCachedTokenizer(spacy_tokenizer)
    run = "(" * (2 * MAX_SPACY_CHARS + 10) + "word)"
    text = f"A {run} here"
    pieces = _pieces(run + " ")
    assert "".join(pieces) == run + " " and all(len(piece) <= MAX_SPACY_CHARS + 1 for piece in pieces)
    expected = [("A", " ")] + [(t.text, t.whitespace_) for piece in pieces for t in spacy_tokenizer(piece)]
    assert [(t.text, t.whitespace_) for t in cached(text)] == expected + [("here", "")]
    # A unit at the limit is spaCy's own.
    assert_same_tokens(cached, spacy_tokenizer, "x " + "(" * MAX_SPACY_CHARS + " y")
