"""End to end: the CLI on the seeds, scored against the seed gold, checked span by span."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_meets_bar
from ocmfa_extract.cli import app
from ocmfa_extract.evaluation import evaluate
from ocmfa_extract.models import OUTPUT_MODELS, output_json_schema
from ocmfa_extract.writer import OUTPUT_FILES

runner = CliRunner()


def run_cli(*args: str, exit_code: int = 0) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == exit_code, result.output


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    out = tmp_path_factory.mktemp("seed-outputs")
    run_cli("run", str(root / "seeds"), "--out", str(out), "--patterns", str(root / "patterns"))
    return out


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_end_to_end_seed_scores(seed_outputs: Path, root: Path):
    assert_meets_bar(evaluate(root / "tests" / "data" / "gold-seeds", seed_outputs))


def test_end_to_end_every_line_validates_and_slices(seed_outputs: Path, root: Path):
    texts = {
        record["doc_id"]: (root / "seeds" / record["path"]).read_text(encoding="utf-8")
        for record in read_lines(seed_outputs / "documents.jsonl")
    }
    assert len(texts) == 4
    spans = 0
    for name, model in OUTPUT_MODELS.items():
        for record in read_lines(seed_outputs / name):
            model.model_validate(record, context={"texts": texts})
            for span in _spans(record):
                assert texts[span["doc_id"]][span["start"] : span["end"]] == span["text"]
                spans += 1
    assert spans > 100


def _spans(record: dict):
    for value in record.values():
        if isinstance(value, dict) and {"doc_id", "start", "end", "text"} <= value.keys():
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, dict) and "start" in item)
    if "date_id" in record:
        yield {key: record[key] for key in ("doc_id", "start", "end", "text")}


def test_end_to_end_rerun_is_byte_identical(seed_outputs: Path, root: Path, tmp_path: Path):
    run_cli("run", str(root / "seeds"), "--out", str(tmp_path), "--patterns", str(root / "patterns"))
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_bytes() == (seed_outputs / name).read_bytes(), name


def test_end_to_end_committed_outputs_are_current(seed_outputs: Path, root: Path):
    """outputs/ must be regenerated (ocmfa-extract run seeds/) whenever extraction changes."""
    for name in OUTPUT_FILES:
        committed = root / "outputs" / name
        assert committed.read_bytes() == (seed_outputs / name).read_bytes(), f"outputs/{name} is stale"


def test_end_to_end_files_end_lines_cleanly(seed_outputs: Path):
    for name in OUTPUT_FILES:
        data = (seed_outputs / name).read_bytes()
        assert not data or (data.endswith(b"\n") and not data.endswith(b"\n\n")), name
        assert b"\r" not in data


def test_end_to_end_bad_files_become_errors(tmp_path: Path, root: Path):
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(root / "seeds" / "002_21901f927dcaa4ed.txt", source / "good.txt")
    (source / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (source / "empty.txt").write_bytes(b"")
    (source / ".hidden.txt").write_text("ignored", encoding="utf-8")
    out = tmp_path / "out"
    run_cli("run", str(source), "--out", str(out), exit_code=1)  # 1: some inputs failed, the others are written
    errors = read_lines(out / "errors.jsonl")
    assert [(e["path"], e["error"]) for e in errors] == [("binary.txt", "binary"), ("empty.txt", "empty")]
    assert all(e["message"] for e in errors)
    assert [d["path"] for d in read_lines(out / "documents.jsonl")] == ["good.txt"]


def test_end_to_end_nothing_processed_exits_non_zero(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert read_lines(tmp_path / "out" / "errors.jsonl")[0]["error"] == "empty"


def test_end_to_end_refuses_output_inside_a_source(tmp_path: Path, root: Path):
    source = tmp_path / "in"
    shutil.copytree(root / "seeds", source)
    result = runner.invoke(app, ["run", str(source), "--out", str(source / "outputs")])
    assert result.exit_code == 2
    assert "inside the source folder" in result.output
    assert not (source / "outputs").exists()


def test_end_to_end_bad_pattern_stops_before_reading(tmp_path: Path, root: Path):
    patterns = tmp_path / "patterns"
    shutil.copytree(root / "patterns", patterns)
    with (patterns / "titles.jsonl").open("a", encoding="utf-8") as stream:
        stream.write('{"label": "TITLE"}\n')
    result = runner.invoke(
        app, ["run", str(root / "seeds"), "--out", str(tmp_path / "out"), "--patterns", str(patterns)]
    )
    assert result.exit_code == 2
    assert "titles.jsonl" in result.output
    assert not (tmp_path / "out").exists()


def test_end_to_end_schema_matches_committed(root: Path):
    committed = json.loads((root / "schema" / "ocmfa-extract.schema.json").read_text(encoding="utf-8"))
    assert committed == output_json_schema(), "regenerate with: ocmfa-extract schema > schema/ocmfa-extract.schema.json"


def test_end_to_end_installed_entry_point(root: Path, tmp_path: Path):
    script = Path(sys.executable).with_name("ocmfa-extract")
    result = subprocess.run(
        [str(script), "run", str(root / "seeds" / "001_2f133d9d5432853c.txt"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    assert len(read_lines(tmp_path / "documents.jsonl")) == 1
