"""Bad input never loses data: real-world files run end to end beside the seeds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ocmfa_extract.evaluation import evaluate
from ocmfa_extract.io import TEXTS_DIR
from ocmfa_extract.runner import run

DATA = Path(__file__).resolve().parent / "data"


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory, root: Path, patterns_dir: Path) -> tuple[Path, Path, object]:
    work = tmp_path_factory.mktemp("mixed")
    source = work / "in"
    shutil.copytree(root / "seeds", source)
    for path in (DATA / "nasty").iterdir():
        shutil.copy(path, source / path.name)
    os.symlink(work / "gone.txt", source / "broken_link.txt")
    (source / "oversized.txt").write_text("x " * 200_000, encoding="utf-8")
    out = work / "out"
    summary = run([source], out, patterns_dir, max_bytes=300_000)
    return source, out, summary


def test_bad_input_each_bad_file_listed_once(mixed_run):
    _, out, summary = mixed_run
    errors = read_lines(out / "errors.jsonl")
    assert [(e["path"], e["error"]) for e in errors] == [
        ("binary_dropped_in.txt", "binary"),
        ("broken_link.txt", "broken_link"),
        ("empty.txt", "empty"),
        ("oversized.txt", "too_large"),
        ("whitespace_only.txt", "empty"),
    ]
    assert all(len(e["message"]) > 20 for e in errors)
    assert not summary.nothing_processed


def test_bad_input_seed_scores_unchanged(mixed_run, root: Path, patterns_dir: Path, tmp_path: Path):
    _, out, _ = mixed_run
    run([root / "seeds"], tmp_path, patterns_dir)
    alone = evaluate(DATA / "gold-seeds", tmp_path)
    mixed = evaluate(DATA / "gold-seeds", out)
    for kind in ("people", "roles", "dates", "statements"):
        assert getattr(mixed, kind) == getattr(alone, kind), kind


def test_bad_input_encodings_recorded_and_offsets_exact(mixed_run):
    source, out, _ = mixed_run
    documents = {d["path"]: d for d in read_lines(out / "documents.jsonl")}
    assert documents["bom_statement.txt"]["encoding"] == "utf-8 with BOM"
    assert documents["utf16_message.txt"]["encoding"] == "utf-16-le with BOM"
    assert documents["windows_1252_news.txt"]["encoding"] not in {"utf-8", "ascii"}
    assert documents["crlf_press_release.txt"]["encoding"] == "utf-8"
    texts = {}
    for path, document in documents.items():
        if document["text_path"]:
            texts[document["doc_id"]] = (out / document["text_path"]).read_text(encoding="utf-8")
        else:
            texts[document["doc_id"]] = _decoded(source / path, document["encoding"])
    spans = 0
    for name in ("people.jsonl", "roles.jsonl", "statements.jsonl", "dates.jsonl"):
        for record in read_lines(out / name):
            for span in _spans(record):
                assert texts[span["doc_id"]][span["start"] : span["end"]] == span["text"]
                spans += 1
    assert spans > 100
    crlf = texts["crlf_press_release"]
    assert "\r\n" in crlf  # line ends kept as they are


def _decoded(path: Path, encoding: str) -> str:
    data = path.read_bytes()
    codec = encoding.removesuffix(" with BOM")
    if encoding.endswith("with BOM"):
        data = data[2:] if codec.startswith("utf-16") else data[3:]
    return data.decode(codec)


def _spans(record: dict):
    if "date_id" in record:
        yield {key: record[key] for key in ("doc_id", "start", "end", "text")}
    for value in record.values():
        if isinstance(value, dict) and "start" in value:
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, dict) and "start" in item)


def test_bad_input_html_main_text_only(mixed_run):
    _, out, _ = mixed_run
    (page,) = [d for d in read_lines(out / "documents.jsonl") if d["path"] == "saved_page.html"]
    assert page["text_path"] == f"{TEXTS_DIR}/saved_page.html.txt"
    text = (out / page["text_path"]).read_text(encoding="utf-8")
    assert "Margaret Holloway said that the consulate would extend" in text
    for boilerplate in ("Leave a Reply", "Contact Us", "Copyright", "Post Comment"):
        assert boilerplate not in text
    people = {p["name"] for p in read_lines(out / "people.jsonl")}
    assert {"Margaret Holloway", "Zhou Minghai", "Lu Xiaoqing", "David Okafor", "Ma Yong"} <= people


def test_bad_input_duplicates_extracted_once(mixed_run):
    _, out, _ = mixed_run
    documents = {d["path"]: d for d in read_lines(out / "documents.jsonl")}
    assert documents["duplicate_a.txt"]["also_at"] == ["duplicate_b.txt"]
    assert "duplicate_b.txt" not in documents
    statements = [s for s in read_lines(out / "statements.jsonl") if s["speaker"] == "Ratna Sari"]
    assert len(statements) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_bad_input_unreadable_file(tmp_path: Path, patterns_dir: Path):
    source = tmp_path / "in"
    source.mkdir()
    locked = source / "locked.txt"
    locked.write_text("In 2001, Zhou Minghai said that talks went well.", encoding="utf-8")
    locked.chmod(0)
    run([source], tmp_path / "out", patterns_dir)
    assert read_lines(tmp_path / "out" / "errors.jsonl")[0]["error"] == "unreadable"
