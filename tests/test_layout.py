"""Layout: title, infobox, headings, list items, paragraphs and sentence boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from ocmfa_extract.components.layout import _set_sentence_starts, find_layout

ARTICLE = """= Foreign Affairs Office of Somewhere =

- Agency Name: Foreign Affairs Office of Somewhere
- Chief1 Name: Zhou Minghai
- Chief1 Position: Director

The office was formed in 1980. It handles visits.

== Leaders ==

; Director of the Office

1. Zhou Minghai (1980 – 1990)
2. Lu Xiaoqing (1990 – Incumbent)
"""


def test_layout_article():
    layout = find_layout(ARTICLE)
    assert layout.title is not None and layout.title.text == "Foreign Affairs Office of Somewhere"
    assert [(f.key.text, f.value.text) for f in layout.infobox] == [
        ("Agency Name", "Foreign Affairs Office of Somewhere"),
        ("Chief1 Name", "Zhou Minghai"),
        ("Chief1 Position", "Director"),
    ]
    assert [h.range.text for h in layout.headings] == [
        "Foreign Affairs Office of Somewhere",
        "Leaders",
        "Director of the Office",
    ]
    items = [(item.body.text, item.heading.range.text if item.heading else None) for item in layout.list_items]
    assert items == [
        ("Zhou Minghai (1980 – 1990)", "Director of the Office"),
        ("Lu Xiaoqing (1990 – Incumbent)", "Director of the Office"),
    ]
    for item in layout.list_items:
        assert ARTICLE[item.body.start : item.body.end] == item.body.text


def test_layout_title_skips_navigation_line():
    text = "· Item one (2022-07-28) · Item two\nMessage from the Consul General\n2022-03-28\n\nDear friends."
    layout = find_layout(text)
    assert layout.title is not None and layout.title.text == "Message from the Consul General"


def test_layout_sentences_split_at_lines_and_full_stops(nlp):
    doc = nlp("Mr Smith said so. He left.\nNew line here\n\n“Quoted.” Then more.")
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "Mr Smith said so.",
        "He left.",
        "New line here",
        "“Quoted.”",
        "Then more.",
    ]


def test_layout_paragraphs_split_at_indentation():
    text = "Title line\n\n     First paragraph here.\n     Second paragraph here.\n"
    layout = find_layout(text)
    assert [p.text for p in layout.paragraphs] == ["Title line", "First paragraph here.", "Second paragraph here."]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "x"])
def test_layout_tiny_documents(nlp, text):
    doc = nlp(text)
    assert "".join(s.text_with_ws for s in doc._.ocmfa_sentences) == (text if len(doc) else "")


def reference_sentence_starts(doc: Doc) -> list[int]:
    """The sentence rule written as a plain loop over the tokens, to check the array version against."""
    starts: list[int] = []
    after_break, pending_end = True, False
    for token in doc:
        text = token.text
        if token.is_space:
            after_break = after_break or "\n" in text or "\r" in text
            continue
        if not starts or after_break or (pending_end and (text[:1].isupper() or text[:1].isdigit() or text in '"“‘(«')):
            starts.append(token.i)
        after_break = False
        if text in {".", "!", "?", "…"}:
            pending_end = True
        elif not (pending_end and text in {'"', "”", "’", "'", ")", "]", "»"}):
            pending_end = False
    if len(doc) and (not starts or starts[0] != 0):
        starts.insert(0, 0)
    return starts


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["A", "b", "7", ".", "!", "?", "…", "”", ")", "“", "(", " ", "  ", "\n", "\r\n", "'"]),
        max_size=60,
    )
)
def test_sentence_starts_follow_the_rule_on_any_text(nlp: Language, pieces: list[str]):
    text = "".join(pieces)
    doc = nlp.make_doc(text)
    assert _set_sentence_starts(doc) == reference_sentence_starts(doc)
    assert [token.i for token in doc if token.is_sent_start] == reference_sentence_starts(doc)


def test_tokens_among_compares_texts_or_lower_case_texts(nlp):
    from spacy.attrs import LOWER

    from ocmfa_extract.components.layout import tokens_among

    doc = nlp.make_doc("He said she left. SHE did, he Left.")
    words = [token.text for token in doc]
    assert [words[i] for i, hit in enumerate(tokens_among(doc, {"he", "she"}, LOWER)) if hit] == [
        "He",
        "she",
        "SHE",
        "he",
    ]
    assert [words[i] for i, hit in enumerate(tokens_among(doc, ["Left", "said"])) if hit] == ["said", "Left"]
    assert not tokens_among(doc, []).any()
    assert not tokens_among(doc, ["unseen-word"]).any()  # a word the vocabulary has never held


def test_token_attr_arrays_are_read_once_and_match_spacys(nlp):
    from spacy.attrs import LOWER, ORTH

    from ocmfa_extract.components.layout import token_attr_array

    doc = nlp("The Envoy met the envoy.")
    lowers = token_attr_array(doc, LOWER)
    assert lowers is token_attr_array(doc, LOWER)  # kept, not read again
    assert lowers.tolist() == doc.to_array(LOWER).tolist()
    assert token_attr_array(doc, ORTH).tolist() == doc.to_array(ORTH).tolist()


@pytest.mark.parametrize(
    ("text", "header", "rows"),
    [
        (
            "| Host country | Ref | Ambassador | Confirmed |\n| | Ref | A B | 2023.09 |\n",
            ["Host country", "Ref", "Ambassador", "Confirmed"],
            [["", "Ref", "A B", "2023.09"]],
        ),
        (
            "Mission | Ambassador\nTirana | A B\nMinsk | C D\n",
            ["Mission", "Ambassador"],
            [["Tirana", "A B"], ["Minsk", "C D"]],
        ),
        ("Name\tIn office\nA B\t1990–1995\n", ["Name", "In office"], [["A B", "1990–1995"]]),
        ("Name    In office\nA B     1990–1995\n", ["Name", "In office"], [["A B", "1990–1995"]]),
        ("Mission | Ambassador\nA line of prose.\nTirana | A B\n", None, []),  # a row needs its header above it
        ("A | B | C\nD | E\n", None, []),  # as many cells as the header
    ],
)
def test_layout_table_rows(text, header, rows):
    found = find_layout(text).table_rows
    assert [[cell.text for cell in row.cells] for row in found] == rows
    assert all(text[cell.start : cell.end] == cell.text for row in found for cell in row.cells)
    if header is not None:
        assert [cell.text for cell in found[0].header] == header
