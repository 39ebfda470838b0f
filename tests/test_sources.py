"""Sources handled as an archive tool would: what is read, what is reported, and how each file is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ocmfa_extract.runner import run
from ocmfa_extract.sources import SourceWalk, document_id, find_sources, printable_name, source_labels

NOTE = "Ambassador Margaret Holloway said on 3 March 2021 that the consulate would reopen.\n"


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def errors_of(out: Path) -> dict[str, str]:
    return {error["path"]: error["error"] for error in read_lines(out / "errors.jsonl")}


def doc_ids(out: Path) -> list[str]:
    return [document["doc_id"] for document in read_lines(out / "documents.jsonl")]


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("note.txt", "note"),
        ("a/b/note.txt", "a/b/note"),
        ("notes.md", "notes.md"),
        ("notes.md.txt", "notes.md.txt"),  # "notes.md" may be another input
        ("page.html.txt", "page.html.txt"),
        ("NOTE.TXT", "NOTE.TXT"),
        ("note.TXT.txt", "note.TXT.txt"),
        ("archive.2021.txt", "archive.2021"),
    ],
)
def test_sources_document_id(relative: str, expected: str):
    assert document_id(relative) == expected


def test_sources_document_ids_never_collide():
    names = ["a.txt", "a", "a.md", "a.md.txt", "a.txt.txt", "a.TXT", "a.html", "a.html.txt", "a.htm.txt", "b.txt"]
    inputs = [name for name in names if Path(name).suffix.lower() in {".txt", ".md", ".html", ".htm"}]
    ids = [document_id(name) for name in inputs]
    assert len(set(ids)) == len(inputs)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plain.txt", "plain.txt"),
        (os.fsdecode(b"caf\xe9.txt"), "caf\\xe9.txt"),
        ("caf\\xe9.txt", "caf\\\\xe9.txt"),  # a real backslash stays apart from an escape
        ("Hélène.txt", "Hélène.txt"),
    ],
)
def test_sources_printable_name(name: str, expected: str):
    assert printable_name(name) == expected


def test_sources_labels_tell_same_named_sources_apart(tmp_path: Path):
    for folder in ("x/docs", "y/docs", "z/Docs", "a"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text(NOTE, encoding="utf-8")
    sources = [tmp_path / "x/docs", tmp_path / "y/docs", tmp_path / "z/Docs", tmp_path / "a" / "one.txt"]
    assert source_labels(sources) == ["docs", "docs~2", "Docs~3", "a"]
    assert source_labels([tmp_path / "x/docs"]) == [""]


def test_sources_same_file_in_two_sources_gets_two_ids(tmp_path: Path, patterns_dir: Path):
    for folder, name in (("a", "Margaret"), ("b", "Mary")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "note.txt").write_text(NOTE.replace("Margaret", name), encoding="utf-8")
    out = tmp_path / "out"
    run([tmp_path / "a", tmp_path / "b"], out, patterns_dir)
    assert doc_ids(out) == ["a/note", "b/note"]
    assert [d["path"] for d in read_lines(out / "documents.jsonl")] == ["a/note.txt", "b/note.txt"]


def test_sources_markdown_and_text_of_one_stem_are_two_documents(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "notes.md").write_text(NOTE, encoding="utf-8")
    (source / "notes.md.txt").write_text(NOTE.replace("Margaret", "Mary"), encoding="utf-8")
    out = tmp_path / "out"
    summary = run([source], out, patterns_dir)
    assert doc_ids(out) == ["notes.md", "notes.md.txt"]
    rerun = run([source], out, patterns_dir)
    assert (rerun.unchanged, rerun.changed, rerun.new) == (2, 0, 0)
    assert summary.documents == 2


def test_sources_html_pages_in_subfolders_keep_their_own_text(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    for folder, name in (("one", "Margaret Holloway"), ("two", "Peter Mensah")):
        (source / folder).mkdir(parents=True)
        page = f"<html><body><article><h1>Notice</h1><p>Ambassador {name} said the mission would reopen.</p>"
        (source / folder / "page.html").write_text(page + "</article></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    run([source], out, patterns_dir)
    documents = read_lines(out / "documents.jsonl")
    assert [d["text_path"] for d in documents] == ["texts/one/page.html.txt", "texts/two/page.html.txt"]
    texts = {d["doc_id"]: (out / d["text_path"]).read_text(encoding="utf-8") for d in documents}
    assert "Margaret Holloway" in texts["one/page.html"] and "Peter Mensah" in texts["two/page.html"]
    for person in read_lines(out / "people.jsonl"):
        for mention in person["mentions"]:
            assert texts[mention["doc_id"]][mention["start"] : mention["end"]] == mention["text"]


def test_sources_undecodable_file_name_is_kept_escaped(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / os.fsdecode(b"caf\xe9.txt")).write_text(NOTE, encoding="utf-8")
    (source / "caf\\xe9.txt").write_text(NOTE.replace("Margaret", "Mary"), encoding="utf-8")
    out = tmp_path / "out"
    summary = run([source], out, patterns_dir)
    assert summary.errors == []
    assert doc_ids(out) == ["caf\\\\xe9", "caf\\xe9"]
    rerun = run([source], out, patterns_dir)  # the escaped name still finds its file
    assert rerun.unchanged == 2 and rerun.errors == []


def test_sources_special_files_and_outside_links_are_reported_not_read(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "note.txt").write_text(NOTE, encoding="utf-8")
    os.mkfifo(source / "pipe.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text(NOTE.replace("Margaret", "Mary"), encoding="utf-8")
    os.symlink(outside, source / "outside.txt")
    os.symlink("/dev/zero", source / "zero.txt")
    os.symlink(source / "note.txt", source / "inside.txt")  # inside the sources: read (same bytes as note.txt)
    os.symlink(tmp_path / "gone.txt", source / "broken.txt")
    os.symlink(source, source / "loop")  # a folder that leads back: not walked twice
    out = tmp_path / "out"
    summary = run([source], out, patterns_dir)
    assert errors_of(out) == {
        "broken.txt": "broken_link",
        "outside.txt": "outside_link",
        "pipe.txt": "not_a_file",
        "zero.txt": "outside_link",
    }
    assert "--follow-links" in {e.path: e.message for e in summary.errors}["outside.txt"]
    (document,) = read_lines(out / "documents.jsonl")
    assert document["path"] == "inside.txt" and document["also_at"] == ["note.txt"]

    followed = tmp_path / "followed"
    run([source], followed, patterns_dir, follow_links=True)
    assert errors_of(followed) == {"broken.txt": "broken_link", "pipe.txt": "not_a_file", "zero.txt": "not_a_file"}
    assert doc_ids(followed) == ["inside", "outside"]


def test_sources_a_file_named_directly_may_be_a_link(tmp_path: Path, patterns_dir: Path):
    target = tmp_path / "elsewhere" / "note.txt"
    target.parent.mkdir()
    target.write_text(NOTE, encoding="utf-8")
    os.symlink(target, tmp_path / "link.txt")
    out = tmp_path / "out"
    run([tmp_path / "link.txt"], out, patterns_dir)
    assert doc_ids(out) == ["link"]


def test_sources_unreadable_folder_is_reported(tmp_path: Path, patterns_dir: Path, monkeypatch: pytest.MonkeyPatch):
    source = tmp_path / "in"
    (source / "locked").mkdir(parents=True)
    (source / "locked" / "secret.txt").write_text(NOTE, encoding="utf-8")
    (source / "open.txt").write_text(NOTE.replace("Margaret", "Mary"), encoding="utf-8")
    scandir = os.scandir

    def refusing(path):  # as root, chmod 000 refuses nothing: the refusal is made here
        if isinstance(path, str | os.PathLike) and Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr("ocmfa_extract.sources.os.scandir", refusing)
    out = tmp_path / "out"
    summary = run([source], out, patterns_dir)
    assert errors_of(out) == {"locked": "unreadable"}
    assert "Permission denied" in summary.errors[0].message
    assert doc_ids(out) == ["open"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_sources_unreadable_folder_by_its_mode(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    (source / "locked").mkdir(parents=True)
    (source / "open.txt").write_text(NOTE, encoding="utf-8")
    (source / "locked").chmod(0)
    try:
        run([source], tmp_path / "out", patterns_dir)
    finally:
        (source / "locked").chmod(0o755)
    assert errors_of(tmp_path / "out") == {"locked": "unreadable"}


def test_sources_skipped_suffixes_counted_and_documents_formats_reported(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "note.txt").write_text(NOTE, encoding="utf-8")
    for name in ("report.pdf", "letter.docx", "logo.png", "style.css", "other.css", "README"):
        (source / name).write_bytes(b"not read")
    out = tmp_path / "out"
    summary = run([source], out, patterns_dir)
    assert summary.skipped == {"(none)": 1, ".css": 2, ".docx": 1, ".pdf": 1, ".png": 1}
    assert errors_of(out) == {"letter.docx": "unsupported_format", "report.pdf": "unsupported_format"}


def test_sources_walk_order_is_path_order(tmp_path: Path):
    for relative in ("b.txt", "a/z.txt", "a.txt", "a/b/c.txt", ".hidden/x.txt", "a/.x.txt", "B.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(NOTE, encoding="utf-8")
    walk = SourceWalk()
    found = [source.relative for source in find_sources([tmp_path], walk)]
    assert found == ["B.txt", "a/b/c.txt", "a/z.txt", "a.txt", "b.txt"]


def test_sources_fifo_and_device_never_hang_the_command(tmp_path: Path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "note.txt").write_text(NOTE, encoding="utf-8")
    os.mkfifo(source / "pipe.txt")
    os.symlink("/dev/zero", source / "zero.txt")
    command = [sys.executable, "-m", "ocmfa_extract", "run", str(source), "--out", str(tmp_path / "out"), "-q"]
    for extra in ([], ["--follow-links"]):
        done = subprocess.run(command + extra, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 1, done.stderr  # some inputs are in errors.jsonl
        assert set(errors_of(tmp_path / "out")) == {"pipe.txt", "zero.txt"}
