"""The command line's conventions: version, help, quiet and verbose, JSON summaries, exit codes, time budgets."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ocmfa_extract import runner as runner_module
from ocmfa_extract.cli import app
from ocmfa_extract.components.rules import cached_patterns, packaged_patterns_dir
from ocmfa_extract.runner import run

cli = CliRunner()
SEED = "002_21901f927dcaa4ed.txt"


@pytest.fixture
def one_seed(tmp_path: Path, root: Path) -> Path:
    source = tmp_path / "in"
    source.mkdir()
    shutil.copy(root / "seeds" / SEED, source / SEED)
    return source


def test_cli_version_names_the_patterns_digest():
    result = cli.invoke(app, ["--version"])
    assert result.exit_code == 0
    digest = cached_patterns(packaged_patterns_dir()).digest
    assert result.output.startswith("ocmfa-extract ") and digest[:12] in result.output


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_cli_short_and_long_help(flag: str):
    result = cli.invoke(app, ["run", flag])
    assert result.exit_code == 0
    assert "--doc-timeout SECONDS" in result.output and "--out DIR" in result.output
    assert "Exit codes: 0 all read; 1 some inputs failed" in " ".join(result.output.split())


def test_cli_json_summary_of_run_and_load(one_seed: Path, tmp_path: Path):
    out = tmp_path / "out"
    (one_seed / "scan.pdf").write_bytes(b"%PDF-1.4")
    result = cli.invoke(app, ["run", str(one_seed), "--out", str(out), "--json"])
    assert result.exit_code == 1  # the PDF is an error line; the seed is extracted
    summary = json.loads(result.stdout)
    assert summary["documents"] == 1 and summary["roles"] > 0
    assert summary["errors"][0]["error"] == "unsupported_format"
    assert summary["sources"]["not_read_by_suffix"] == {".pdf": 1}
    assert summary["rules"]["patterns"] == "packaged"
    assert sum(summary["rules"]["fired"].values()) == summary["roles"] + summary["dates"] + summary["statements"]
    loaded = cli.invoke(app, ["load", str(out), "--db", str(tmp_path / "db.sqlite"), "--json"])
    assert loaded.exit_code == 0, loaded.output
    tables = json.loads(loaded.stdout)["tables"]
    assert tables["documents"]["inserted"] == 1 and tables["roles"]["rows"] == summary["roles"]


def test_cli_quiet_prints_nothing_on_success_and_verbose_lists_rules(one_seed: Path, tmp_path: Path):
    quiet = cli.invoke(app, ["run", str(one_seed), "--out", str(tmp_path / "q"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
    (one_seed / "logo.png").write_bytes(b"\x89PNG")
    verbose = cli.invoke(app, ["run", str(one_seed), "--out", str(tmp_path / "v"), "--verbose"])
    assert verbose.exit_code == 0
    assert "not read: logo.png" in verbose.output
    assert "rule say:said fired 2 times" in verbose.output
    assert "rules: packaged patterns, digest" in verbose.output


def test_cli_a_mistyped_label_is_a_pattern_error_with_its_line(one_seed: Path, tmp_path: Path, patterns_dir: Path):
    rules = tmp_path / "rules"
    shutil.copytree(patterns_dir, rules)
    lines = (rules / "cues.jsonl").read_text(encoding="utf-8").splitlines()
    lines.append('{"label": "SAYS", "pattern": "declared", "id": "declared_typo"}')
    (rules / "cues.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli.invoke(app, ["run", str(one_seed), "--out", str(tmp_path / "out"), "--patterns", str(rules)])
    assert result.exit_code == 2
    assert f"cues.jsonl:{len(lines)}: label: 'SAYS' is not a label of cues.jsonl" in result.output.replace("\n", "")
    assert not (tmp_path / "out" / "documents.jsonl").exists()


def test_cli_runs_from_any_folder_with_the_packaged_rules_only(one_seed: Path, tmp_path: Path, patterns_dir: Path):
    """A ``patterns/`` folder in the current folder is never read: only --patterns changes the rules."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(patterns_dir, elsewhere / "patterns")
    (elsewhere / "patterns" / "cues.jsonl").write_text("", encoding="utf-8")  # no cue: no statement
    command = [sys.executable, "-m", "ocmfa_extract", "run", str(one_seed), "-q", "--json"]
    here = subprocess.run(command + ["--out", str(tmp_path / "a")], cwd=elsewhere, capture_output=True, text=True)
    assert here.returncode == 0, here.stderr
    reference = run([one_seed], tmp_path / "b", patterns_dir)
    assert json.loads(here.stdout)["statements"] == reference.statements > 0
    assert json.loads(here.stdout)["rules"]["digest"] == cached_patterns(patterns_dir).digest


def _slow_for(name: str, seconds: float):
    real = runner_module._extract

    def extract(nlp, loaded, store_in):
        if loaded.record.path == name:
            time.sleep(seconds)  # stands for a rule that runs away on this document
        return real(nlp, loaded, store_in)

    return extract


@pytest.mark.parametrize("workers", [1, 2])
def test_cli_a_document_over_its_time_budget_becomes_a_timeout_error(
    one_seed: Path, tmp_path: Path, root: Path, patterns_dir: Path, monkeypatch: pytest.MonkeyPatch, workers: int
):
    shutil.copy(root / "seeds" / "001_2f133d9d5432853c.txt", one_seed / "slow.txt")
    monkeypatch.setattr(runner_module, "_extract", _slow_for("slow.txt", 60))
    started = time.monotonic()
    summary = run([one_seed], tmp_path / "out", patterns_dir, doc_timeout=1.5, workers=workers)
    assert time.monotonic() - started < 40
    assert [(e.path, e.error) for e in summary.errors] == [("slow.txt", "timeout")]
    assert "--doc-timeout" in summary.errors[0].message
    assert summary.documents == 1  # the other document is extracted
    assert (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").count('"timeout"') == 1
