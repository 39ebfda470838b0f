"""Memory that does not grow with the corpus: vocabulary zones and the on-disk people index."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from spacy.language import Language

from ocmfa_extract import runner
from ocmfa_extract.corpus import PeopleIndex
from ocmfa_extract.io import LoadedDocument
from ocmfa_extract.models import DocumentRecord
from ocmfa_extract.runner import extract_one


def loaded(text: str, doc_id: str = "doc") -> LoadedDocument:
    record = DocumentRecord(
        doc_id=doc_id, path=f"{doc_id}.txt", sha256="0" * 64, title=None, published=None, encoding="utf-8",
        text_path=None, also_at=[],
    )  # fmt: skip
    return LoadedDocument(record, text)


def test_words_of_a_document_are_freed_once_the_vocabulary_is_warm(nlp: Language, monkeypatch: pytest.MonkeyPatch):
    text = "Ambassador Kelbora Vistrandu met Zorvath Quillemine on 4 June 2019 in Xanthoport. {} said it went well."
    cold = extract_one(nlp, loaded(text.format("Vistrandu")))
    monkeypatch.setattr(runner, "_WARM_VOCABULARY", 0)  # every document now runs in a memory zone
    words = {lexeme.orth for lexeme in nlp.vocab}
    strings = len(nlp.vocab.strings)
    zoned = extract_one(nlp, loaded(text.format("Vistrandu") + " Unheardofword Otherunheardword."))
    # The new words are gone again (len(vocab) is a counter that zones do not wind back).
    assert {lexeme.orth for lexeme in nlp.vocab} == words and len(nlp.vocab.strings) == strings
    assert zoned.people == cold.people and zoned.roles == cold.roles and zoned.dates == cold.dates
    assert [m.text for m in zoned.mentions] == ["Kelbora Vistrandu", "Vistrandu"]
    again = extract_one(nlp, loaded(text.format("Vistrandu")))  # the same result after the zone
    assert again == cold


def test_people_index_streams_people_in_order_of_first_mention(nlp: Language, patterns_dir: Path):
    from ocmfa_extract.extract import extract_document

    first = extract_document(nlp, "Zhou Minghai met Ambassador Lena Sorvik. Mr Zhou spoke.", loaded("", "a").record)
    second_record = loaded("", "b").record
    second = extract_document(nlp, "Lena Sorvik, then Chen Xiaoyu, and Zhou Minghai again.", second_record)
    with PeopleIndex() as index:
        index.add(first)
        index.add(second)
        people = list(index.people())
    assert [person.name for person in people] == ["Zhou Minghai", "Lena Sorvik", "Chen Xiaoyu"]
    zhou = people[0]
    assert [(m.doc_id, m.text) for m in zhou.mentions] == [
        ("a", "Zhou Minghai"),
        ("a", "Mr Zhou"),
        ("b", "Zhou Minghai"),
    ]
    assert zhou.aliases == ["Mr Zhou"]
    with pytest.raises(Exception, match="closed"):
        list(index.people())  # the temporary database is gone with the index


def test_people_index_is_read_by_another_process_once_finished(nlp: Language):
    from multiprocessing import get_context

    from ocmfa_extract.corpus import PeopleIndexReader
    from ocmfa_extract.extract import extract_document

    with PeopleIndex() as index:
        index.add(extract_document(nlp, "Ambassador Lena Sorvik met Zhou Minghai.", loaded("", "a").record))
        index.add(extract_document(nlp, "Ambassador Zhou Minghai replied to Lena Sorvik.", loaded("", "b").record))
        path = index.finish()
        with get_context("spawn").Pool(1) as pool:  # a fresh process, sharing nothing but the file
            read_elsewhere = pool.apply(_people_read_from, (path,))
        assert read_elsewhere == [person.model_dump() for person in index.people()]
        assert [person["name"] for person in read_elsewhere] == ["Lena Sorvik", "Zhou Minghai"]
        reader = PeopleIndexReader(path)
        assert reader.canonical("zhouminghai") == "Zhou Minghai"
        with pytest.raises(KeyError):
            reader.canonical("nobody")
        with pytest.raises(Exception, match="readonly"):
            reader._db.execute("DELETE FROM person")  # a reader cannot change the index
        reader.close()
    assert not path.exists()  # the index's file is gone with the index


def _people_read_from(path: Path) -> list[dict]:
    from ocmfa_extract.corpus import PeopleIndexReader

    reader = PeopleIndexReader(path)
    try:
        return [person.model_dump() for person in reader.people()]
    finally:
        reader.close()


def test_texts_are_read_again_at_extraction_not_kept(nlp: Language, tmp_path: Path):
    from ocmfa_extract.runner import load_sources

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Ambassador Lena Sorvik arrived on 4 June 2019.", encoding="utf-8")
    (folder / "b.txt").write_text("Commissioner Zhou Minghai left in 2022.", encoding="utf-8")
    documents, errors = load_sources([folder])
    assert errors == [] and [d.text for d in documents] == [None, None]  # not held in memory
    result = extract_one(nlp, documents[0])
    assert [m.text for m in result.mentions] == ["Lena Sorvik"]
    (folder / "b.txt").write_text("Something else entirely.", encoding="utf-8")  # changed since it was read
    error = extract_one(nlp, documents[1])
    assert error.error == "unreadable" and "changed while the run read it" in error.message


def test_people_index_keeps_the_most_complete_name(nlp: Language):
    from ocmfa_extract.extract import extract_document

    with PeopleIndex() as index:
        for doc_id, text in (("a", "Ambassador Zhou Yüan spoke."), ("b", "Ambassador Zhou Yuan spoke.")):
            index.add(extract_document(nlp, text, loaded("", doc_id).record))
        index.add(extract_document(nlp, "Ambassador Zhou Yu'an spoke.", loaded("", "c").record))
        (person,) = index.people()
    # One key for all three; the longest form wins, and among equals the first in code point order.
    assert person.name == "Zhou Yu'an"
    assert person.aliases == ["Zhou Yuan", "Zhou Yüan"]
    with PeopleIndex() as index:
        for doc_id, text in (("a", "Ambassador Zhou Yüan spoke."), ("b", "Ambassador Zhou Yuan spoke.")):
            index.add(extract_document(nlp, text, loaded("", doc_id).record))
        (person,) = index.people()
    assert person.name == "Zhou Yuan"  # as long as "Zhou Yüan", and "u" comes before "ü"


def _held_while_reading(folder: Path, results) -> None:
    import gc
    import tracemalloc

    from ocmfa_extract.catalog import DocumentCatalog

    with DocumentCatalog() as catalog:
        gc.collect()
        tracemalloc.start()
        try:
            errors = catalog.read_sources([folder])
            gc.collect()
            stats = tracemalloc.take_snapshot().statistics("lineno")
        finally:
            tracemalloc.stop()
    # One block over a megabyte is an interpreter table growing (pathlib interns every path
    # part, and the interned-strings table doubles when earlier tests have nearly filled
    # it): not something the catalog holds. Documents held as objects would be thousands
    # of blocks.
    table_growth = [stat for stat in stats if stat.count == 1 and stat.size > 1_000_000]
    held = sum(stat.size for stat in stats if stat not in table_growth)
    blocks = sum(stat.count for stat in stats)
    results.put((len(errors), held, blocks, [str(stat) for stat in stats[:5]]))


def test_a_run_keeps_its_documents_on_disk_not_in_memory(tmp_path: Path):
    from ocmfa_extract.catalog import DocumentCatalog

    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(1500):
        (folder / f"doc-{number:04d}.txt").write_text(f"Ambassador Lena Sorvik spoke on day {number}.", "utf-8")
    (folder / "z-copy.txt").write_text("Ambassador Lena Sorvik spoke on day 7.", "utf-8")
    # Measured in a forked process: tracemalloc counts every thread's allocations, and a
    # thread an earlier test left winding down must not count as the catalog's.
    results = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_held_while_reading, args=(folder, results))
    child.start()
    errors, held, blocks, top = results.get(timeout=120)
    child.join(60)
    assert errors == 0
    # A LoadedDocument and its record were about 2 KB each (3 MB here); a row on disk costs
    # no Python memory (SQLite's page cache is its own, bounded).
    assert held < 300_000, f"{held} bytes held for 1,500 documents, most by: {top}"
    assert blocks < 1_000, f"{blocks} blocks held for 1,500 documents, most by: {top}"
    with DocumentCatalog() as catalog:
        assert catalog.read_sources([folder]) == []
        loaded = list(catalog.loaded())
        assert len(loaded) == 1500 and [d.text for d in loaded[:2]] == [None, None]
        assert loaded[7].record.also_at == ["z-copy.txt"]
        # Kept in document id order whatever the order of keeping; a record kept again keeps its place.
        for document in reversed(loaded[:3]):
            catalog.keep(document.record.model_copy(update={"title": "T"}))
        catalog.keep(loaded[1].record.model_copy(update={"title": "again"}))
        assert [(r.doc_id, r.title) for r in catalog.kept()] == [
            ("doc-0000", "T"),
            ("doc-0001", "again"),
            ("doc-0002", "T"),
        ]
        assert catalog.is_kept(loaded[0].record.sha256) and not catalog.is_kept(loaded[3].record.sha256)
        assert catalog.kept_count() == 3
