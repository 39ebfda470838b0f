"""Incremental runs: only new and changed documents are extracted, and a killed run loses nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ocmfa_extract.runner import run
from ocmfa_extract.writer import OUTPUT_FILES

SEEDS = ["000_d940e1d24a226e43.txt", "001_2f133d9d5432853c.txt", "002_21901f927dcaa4ed.txt", "003_1f1d3acaa8eb629d.txt"]


def copy_seeds(root: Path, target: Path, names: list[str]) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(root / "seeds" / name, target / name)
    return target


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


def ids(out: Path, name: str, key: str) -> dict[str, str]:
    """record id -> its document, for the records of one file."""
    records = [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
    return {record[key]: record["doc_id"] for record in records}


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory, root: Path, patterns_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("clean")
    run([root / "seeds"], out, patterns_dir, full=True)
    return out


def test_incremental_adding_one_document_extracts_only_it(tmp_path, root, patterns_dir, clean_run):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:3])
    out = tmp_path / "out"
    first = run([sources], out, patterns_dir)
    assert (first.new, first.extracted) == (3, 3)
    before = {name: ids(out, name, key) for name, key in (("roles.jsonl", "role_id"), ("dates.jsonl", "date_id"))}
    copy_seeds(root, sources, SEEDS[3:])
    second = run([sources], out, patterns_dir)
    assert (second.new, second.changed, second.unchanged, second.removed, second.extracted) == (1, 0, 3, 0, 1)
    assert outputs(out) == outputs(clean_run)
    for (name, key), old in zip((("roles.jsonl", "role_id"), ("dates.jsonl", "date_id")), before.values(), strict=True):
        assert old.items() <= ids(out, name, key).items(), f"ids of unchanged records moved in {name}"


def test_incremental_rerun_extracts_nothing(tmp_path, root, patterns_dir, clean_run):
    sources = copy_seeds(root, tmp_path / "in", SEEDS)
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    again = run([sources], out, patterns_dir)
    assert (again.unchanged, again.extracted) == (4, 0)
    assert outputs(out) == outputs(clean_run)
    assert run([sources], out, patterns_dir, full=True).extracted == 4


def test_incremental_changed_document_replaces_its_records(tmp_path, root, patterns_dir):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:2])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    target = sources / SEEDS[1]
    target.write_text(target.read_text(encoding="utf-8").replace("Liu Guangyuan", "Zhou Minghai"), encoding="utf-8")
    summary = run([sources], out, patterns_dir)
    assert (summary.changed, summary.unchanged, summary.extracted) == (1, 1, 1)
    names = {json.loads(line)["name"] for line in (out / "people.jsonl").read_text(encoding="utf-8").splitlines()}
    assert "Zhou Minghai" in names and "Liu Guangyuan" not in names


def test_incremental_removed_document_takes_its_records(tmp_path, root, patterns_dir):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:2])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    (sources / SEEDS[1]).unlink()
    kept = run([sources], out, patterns_dir, keep_missing=True)
    assert kept.documents == 2 and kept.removed == 0
    dropped = run([sources], out, patterns_dir)
    assert dropped.documents == 1 and dropped.removed == 1
    assert set(ids(out, "dates.jsonl", "date_id").values()) == {SEEDS[0].removesuffix(".txt")}


def test_incremental_changed_patterns_extract_everything(tmp_path, root, patterns_dir):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:2])
    patterns = tmp_path / "patterns"
    shutil.copytree(patterns_dir, patterns)
    out = tmp_path / "out"
    run([sources], out, patterns)
    with (patterns / "lexicons" / "honorifics.txt").open("a", encoding="utf-8") as stream:
        stream.write("rev\n")
    assert run([sources], out, patterns).extracted == 2


KILLER = """
import os, sys
from pathlib import Path
import ocmfa_extract.{module} as target
def die(*args, **kwargs):
    os._exit(137)  # as if killed: no cleanup, no exception handling
setattr(target.{owner}, "{name}", die) if "{owner}" != "module" else setattr(target, "{name}", die)
from ocmfa_extract.runner import run
run([Path(sys.argv[1])], Path(sys.argv[2]), sys.argv[3])
"""


@pytest.mark.parametrize(
    ("module", "owner", "name"),
    [("runner", "module", "write_outputs"), ("state", "OutputFolder", "switch_to")],
    ids=["killed-before-outputs", "killed-before-switch"],
)
def test_incremental_killed_run_keeps_outputs_and_resumes(tmp_path, root, patterns_dir, clean_run, module, owner, name):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:3])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    previous = outputs(out)
    copy_seeds(root, sources, SEEDS[3:])
    program = KILLER.format(module=module, owner=owner, name=name)
    killed = subprocess.run([sys.executable, "-c", program, str(sources), str(out), str(patterns_dir)], check=False)
    assert killed.returncode == 137
    assert outputs(out) == previous  # the last complete outputs are untouched
    for data in outputs(out).values():
        for line in data.decode("utf-8").splitlines():
            json.loads(line)
    resumed = run([sources], out, patterns_dir)
    assert resumed.extracted == 0  # the killed run's finished results are reused
    assert outputs(out) == outputs(clean_run)


def test_incremental_workers_give_the_same_outputs(tmp_path, root, patterns_dir, clean_run):
    summary = run([root / "seeds"], tmp_path, patterns_dir, full=True, workers=2)
    assert summary.extracted == 4
    assert outputs(tmp_path) == outputs(clean_run)


def test_incremental_result_cut_short_is_extracted_again(tmp_path, root, patterns_dir, clean_run):
    from ocmfa_extract.cache import CACHE_DIR, RESULT_SUFFIX

    sources = copy_seeds(root, tmp_path / "in", SEEDS)
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    results = sorted((out / CACHE_DIR / "results").glob(f"*{RESULT_SUFFIX}"))
    assert len(results) == 4
    data = results[0].read_bytes()
    results[0].write_bytes(data[:-10])  # as after a crash of the machine: the last line cut short
    lines = results[1].read_bytes().splitlines(keepends=True)
    assert len(lines) >= 3  # a header, then two lines a part
    results[1].write_bytes(lines[0])  # only the header left
    lines = results[2].read_bytes().splitlines(keepends=True)
    results[2].write_bytes(b"".join(lines[:1] + lines[2:]))  # a part's first line lost
    again = run([sources], out, patterns_dir)
    assert (again.unchanged, again.extracted) == (4, 3)
    assert outputs(out) == outputs(clean_run)


def test_incremental_old_format_results_are_stale_and_removed(tmp_path, root, patterns_dir, clean_run):
    from ocmfa_extract.cache import CACHE_DIR

    sources = copy_seeds(root, tmp_path / "in", SEEDS)
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    old = out / CACHE_DIR / "results" / f"{'0' * 64}.json"
    old.write_text('{"document": {}}', encoding="utf-8")
    again = run([sources], out, patterns_dir)
    assert again.extracted == 0 and not old.exists()
    assert outputs(out) == outputs(clean_run)
