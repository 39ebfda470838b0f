"""Long documents are read in parts cut at paragraph breaks, with offsets into the whole text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from ocmfa_extract.extract import DocumentResult, extract_document, split_into_parts
from ocmfa_extract.models import DocumentRecord

RECORD = DocumentRecord(
    doc_id="doc",
    path="doc.txt",
    sha256="0" * 64,
    title=None,
    published=None,
    encoding="utf-8",
    text_path=None,
    also_at=[],
)


def test_short_text_is_one_part():
    assert split_into_parts("One paragraph.\n\nAnother.", limit=100) == [(0, 24)]


def test_cut_falls_after_a_blank_line():
    text = "A" * 60 + "\n\n" + "B" * 60 + "\n" + "C" * 60
    # The blank line first; the rest is still too long, and has only a line break.
    assert split_into_parts(text, limit=100) == [(0, 62), (62, 123), (123, 183)]
    # A blank line in the first half of the window would leave a small part: a line break is taken.
    assert split_into_parts(text, limit=150) == [(0, 123), (123, 183)]


def test_cut_falls_after_a_line_break_when_no_blank_line_is_near():
    text = "A" * 60 + "\n" + "B" * 60
    assert split_into_parts(text, limit=100) == [(0, 61), (61, 121)]


def test_text_without_any_space_is_cut_hard():
    assert split_into_parts("x" * 250, limit=100) == [(0, 100), (100, 200), (200, 250)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n\t.é"), max_size=2000), st.integers(min_value=10, max_value=400))
def test_parts_cover_the_text_exactly_and_keep_to_the_limit(text: str, limit: int):
    parts = split_into_parts(text, limit)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    for (_, end), (start, _) in zip(parts, parts[1:], strict=False):
        assert end == start
    assert all(0 < end - start <= limit for start, end in parts if len(text) > 0)


def assert_offsets_slice(result: DocumentResult, text: str) -> None:
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text
    for date in result.dates:
        assert 0 <= date.start < date.end <= len(text)
    for role in result.roles:
        assert 0 <= role.evidence_start < role.evidence_end <= len(text)
        assert role.evidence_start <= role.title_start < role.evidence_end
    for statement in result.statements:
        assert 0 <= statement.content_start < statement.content_end <= len(text)


def test_a_document_read_in_parts_gives_the_facts_of_a_whole_reading(nlp: Language, root: Path):
    text = (root / "seeds" / "000_d940e1d24a226e43.txt").read_text(encoding="utf-8")
    assert len(split_into_parts(text, 2000)) >= 3
    whole = extract_document(nlp, text, RECORD)
    parted = extract_document(nlp, text, RECORD, part_chars=2000)
    assert_offsets_slice(parted, text)
    assert parted.text == text
    assert parted.document == whole.document  # title and date from the first part
    assert [(d.start, d.end, d.value) for d in parted.dates] == [(d.start, d.end, d.value) for d in whole.dates]
    assert {(m.start, m.end, m.text) for m in parted.mentions} == {(m.start, m.end, m.text) for m in whole.mentions}
    assert sorted(p.name for p in parted.people) == sorted(p.name for p in whole.people)

    def role_key(role):
        return (role.person_key, role.title, role.organization, role.start, role.end, role.current)

    assert sorted(map(role_key, parted.roles), key=str) == sorted(map(role_key, whole.roles), key=str)
    assert len(parted.statements) == len(whole.statements)


def test_later_parts_have_no_title_and_take_the_first_parts_date(nlp: Language):
    first = "Press release\n\n14 March 2023\n\nThe office said the visit went well."
    later = "Press release of another kind\n\nOn Tuesday, Ambassador Tomas Varga said talks would go on."
    text = first + "\n\n" + later
    result = extract_document(nlp, text, RECORD, part_chars=len(first) + 5)
    assert result.document.title == "Press release"
    assert result.document.published is not None and result.document.published.value == "2023-03-14"
    assert_offsets_slice(result, text)
    assert [m.text for m in result.mentions] == ["Tomas Varga"]


def seeds_as_one_text(root: Path) -> str:
    return "\n\n".join(path.read_text(encoding="utf-8") for path in sorted((root / "seeds").glob("*.txt")))


@pytest.mark.parametrize(
    ("roles_in_memory", "spill_in_memory"),
    [(2000, 1 << 20), (0, 1 << 20), (2000, 100)],
    ids=["roles-in-memory", "roles-on-disk", "parts-spilled-to-disk"],
)
def test_a_result_stored_part_by_part_writes_the_records_of_the_joined_result(
    nlp: Language,
    root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    roles_in_memory: int,
    spill_in_memory: int,
):
    from ocmfa_extract import cache, joining
    from ocmfa_extract.cache import read_stored, store_parts

    monkeypatch.setattr(joining, "ROLES_IN_MEMORY", roles_in_memory)  # 0: merged person by person on disk
    monkeypatch.setattr(cache, "_SPILL_IN_MEMORY", spill_in_memory)  # 100: the parts wait in a file
    from multiprocessing import get_context

    from ocmfa_extract.extract import iter_parts
    from ocmfa_extract.io import jsonl
    from ocmfa_extract.writer import build_records, write_outputs

    text = seeds_as_one_text(root)
    assert len(split_into_parts(text, 2000)) >= 10
    record = RECORD.model_copy(update={"sha256": "1" * 64})
    joined = extract_document(nlp, text, record, part_chars=2000)
    assert len(joined.roles) >= 5 and len(joined.statements) >= 5  # something to merge and order
    stored_record = store_parts(tmp_path / "results", iter_parts(nlp, text, record, part_chars=2000))
    assert stored_record == joined.document
    stored = read_stored(tmp_path / "results" / f"{'1' * 64}.jsonl")
    assert stored.header.parts == len(split_into_parts(text, 2000)) and stored.text() == text
    assert [p.key for part in stored.parts() for p in part.people] == [p.key for p in joined.people]
    # The people pass reads the same people, texts and mentions without the other facts.
    assert list(stored.people_parts()) == [(p.people, p.start, p.text, p.mentions) for p in stored.parts()]
    assert {p.name for part in stored.parts() for p in part.people} == {p.name for p in joined.people}
    # Streamed, part by part, the outputs are those of the result joined in memory.
    # The same with worker processes making the records.
    expected = build_records([joined])
    with get_context("spawn").Pool(2) as pool:
        for out, workers in ((tmp_path / "out", None), (tmp_path / "out-pool", pool)):
            write_outputs(out, lambda: [stored], [], workers)
            for name, records in (
                ("documents", expected.documents),
                ("people", expected.people),
                ("roles", expected.roles),
                ("dates", expected.dates),
                ("statements", expected.statements),
            ):
                assert (out / f"{name}.jsonl").read_text(encoding="utf-8") == jsonl(records), name


def test_a_run_over_a_long_document_equals_the_in_memory_reading(
    nlp: Language, root: Path, tmp_path: Path, patterns_dir: Path, monkeypatch
):
    from ocmfa_extract import runner
    from ocmfa_extract.cache import read_stored
    from ocmfa_extract.io import LoadedDocument, jsonl
    from ocmfa_extract.runner import load_sources, run
    from ocmfa_extract.writer import build_records

    # Small parts, and the file read in small pieces: the run goes through many parts, its
    # cache and its writer part by part.
    monkeypatch.setattr(runner, "PART_CHARS", 300)
    monkeypatch.setattr(LoadedDocument.iter_text, "__defaults__", (1000,))
    folder = tmp_path / "in"
    folder.mkdir()
    text = seeds_as_one_text(root)
    (folder / "long.txt").write_text(text, encoding="utf-8", newline="")
    run([folder], tmp_path / "out", patterns_dir)
    names = ("documents", "people", "roles", "dates", "statements")
    first = {name: (tmp_path / "out" / f"{name}.jsonl").read_bytes() for name in names}
    (loaded,), _ = load_sources([folder])
    stored = read_stored(tmp_path / "out" / ".ocmfa" / "results" / f"{loaded.record.sha256}.jsonl")
    assert stored.header.parts == len(split_into_parts(text, 300)) > 50
    expected = build_records([extract_document(nlp, text, loaded.record, part_chars=300)])
    assert len(expected.roles) >= 5
    for name in names:
        assert first[name].decode("utf-8") == jsonl(getattr(expected, name)), name
    again = run([folder], tmp_path / "out", patterns_dir)  # from the cache: the same bytes
    assert again.extracted == 0
    assert {name: (tmp_path / "out" / f"{name}.jsonl").read_bytes() for name in names} == first


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab \n\t.é"), max_size=2000),
    st.integers(min_value=10, max_value=400),
    st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=20),
)
def test_parts_streamed_from_pieces_are_those_of_the_whole_text(text: str, limit: int, sizes: list[int]):
    from ocmfa_extract.extract import stream_parts

    pieces, rest = [], text
    while rest:
        size = sizes[len(pieces) % len(sizes)]
        pieces.append(rest[:size])
        rest = rest[size:]
    expected = [(start, text[start:end]) for start, end in split_into_parts(text, limit)]
    assert list(stream_parts(iter(pieces), limit)) == expected


def test_a_file_is_read_in_pieces_and_checked_against_its_digest(tmp_path: Path):
    import pytest

    from ocmfa_extract.io import InputError
    from ocmfa_extract.runner import load_sources

    text = "Ambassador Lena Sorvik – “Zhōu” – met them.\n\n" * 50
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (document,), _ = load_sources([tmp_path])
    pieces = list(document.iter_text(chunk_bytes=7))  # cuts inside multi-byte characters
    assert len(pieces) > 100 and "".join(pieces) == text
    (tmp_path / "a.txt").write_text(text.replace("Lena", "Lina"), encoding="utf-8")
    with pytest.raises(InputError, match="changed while the run read it"):
        list(document.iter_text(chunk_bytes=7))
    (tmp_path / "a.txt").write_bytes(b"\xff" * 10)
    with pytest.raises(InputError, match="changed while the run read it"):
        list(document.iter_text())
