"""Property-based tests: no input, however odd, breaks the pipeline or a span."""

from __future__ import annotations

import hashlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocmfa_extract.extract import document_result
from ocmfa_extract.io import InputError, decode_text
from ocmfa_extract.models import DocumentRecord
from ocmfa_extract.writer import build_records

FRAGMENTS = [
    "Commissioner ",
    "Mr ",
    "Ms Lu",
    "Zhou Minghai",
    "Song Ru'an",
    " said that ",
    " said: ",
    "According to ",
    "“",
    "”",
    '"',
    "‘",
    "’",
    "(",
    ")",
    "[",
    "]",
    ", ",
    ". ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    "- Chief1 Name: ",
    "- Chief1 Position: Director",
    "; Director of the Office\n",
    "1. ",
    "June 1988 – December 1989",
    " – Incumbent",
    "In 2019, ",
    "on 4 June 2021",
    "today",
    "last year",
    "1868",
    "2,300",
    "= Title =\n",
    "== Leaders ==\n",
    "Message from ",
    "Q: ",
    "A: ",
    "\u200b",
    "\u00a0",
    "é",
    "中文",
    "\x00",
    "\ufeff",
    "🙂",
]
SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

documents = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join),
    st.integers(min_value=1, max_value=300).map(lambda n: "“" * n + "He said that it was so." + "”" * n),
    st.integers(min_value=1, max_value=300).map(lambda n: '"' * n + "Lu Xiaoqing said" + "(" * n),
    st.integers(min_value=1_000, max_value=50_000).map(lambda n: ("Mr Zhou said that x. " * n)[:n]),
)


def record_for(text: str) -> DocumentRecord:
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return DocumentRecord(
        doc_id="fuzz",
        path="fuzz.txt",
        sha256=sha,
        title=None,
        published=None,
        encoding="utf-8",
        text_path=None,
        also_at=[],
    )


@SETTINGS
@given(text=documents)
def test_fuzz_pipeline_never_fails_and_spans_slice(nlp, text):
    result = document_result(nlp(text), record_for(text))
    records = build_records([result])  # validates every record, spans checked against the text
    for person in records.people:
        for mention in person.mentions:
            assert text[mention.start : mention.end] == mention.text
    for role in records.roles:
        assert text[role.evidence.start : role.evidence.end] == role.evidence.text
    for date in records.dates:
        assert text[date.start : date.end] == date.text
    for statement in records.statements:
        assert text[statement.content_span.start : statement.content_span.end] == statement.content


@SETTINGS
@given(data=st.binary(max_size=2_000))
def test_fuzz_decoding_gives_text_or_a_clear_error(data):
    try:
        text, encoding, confidence = decode_text(data, "random.bin")
    except InputError as error:
        assert error.kind in {"binary", "decode_error", "empty"}  # empty: only marks and spaces
        assert error.message
    else:
        assert isinstance(text, str) and encoding and 0 <= confidence <= 1
        assert "\0" not in text
