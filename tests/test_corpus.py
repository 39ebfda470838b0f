"""One person, one record across the corpus; ids derive from content."""

from __future__ import annotations

from pathlib import Path

from ocmfa_extract import extract_texts

DOCS = {
    "a": "Deputy Commissioner Song Yu'an met the press on 3 May 2021. Mr Song said that the office was ready.",
    "b": "On 4 June 2022, Song Yuan, then the deputy commissioner of the office, left Hong Kong.",
    "c": "Liu Huaming served first. Liu Jianbo succeeded him in 2001. Later, Liu retired.",
    "d": "SONG YU-AN is not written like this in running text, but Song Yu-an is.",
}


def test_corpus_variants_are_one_person(patterns_dir: Path):
    records = extract_texts(DOCS, patterns_dir=patterns_dir)
    by_name = {person.name: person for person in records.people}
    song = by_name["Song Yu'an"]
    assert sorted(song.aliases) == ["Mr Song", "Song Yu-an", "Song Yuan"]
    assert sorted({mention.doc_id for mention in song.mentions}) == ["a", "b", "d"]
    assert {role.person_id for role in records.roles if role.person == "Song Yu'an"} == {song.person_id}
    assert [s.speaker_id for s in records.statements] == [song.person_id]


def test_corpus_same_surname_never_merged(patterns_dir: Path):
    records = extract_texts(DOCS, patterns_dir=patterns_dir)
    names = {person.name for person in records.people}
    assert {"Liu Huaming", "Liu Jianbo"} <= names
    ids = {person.name: person.person_id for person in records.people}
    assert ids["Liu Huaming"] != ids["Liu Jianbo"]


def test_corpus_ids_do_not_depend_on_other_documents(patterns_dir: Path):
    alone = extract_texts({"b": DOCS["b"]}, patterns_dir=patterns_dir)
    together = extract_texts(DOCS, patterns_dir=patterns_dir)
    assert {d.date_id for d in alone.dates} <= {d.date_id for d in together.dates}
    assert {r.role_id for r in alone.roles} <= {r.role_id for r in together.roles}
    assert alone.people[0].person_id in {p.person_id for p in together.people}
