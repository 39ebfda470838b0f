"""The third tuning set (tests/data/tune3): a floor under what the rules made of it.

Twelve documents written apart from the rules, in naming traditions the first sets did not
show (four-part Portuguese and Spanish names, patronymics, hyphenated Akan names, family
names in capitals); see tests/data/tune3/README.md. The floor sits a little under the
figures of 2026-12-02, so that a change that loses ground here is noticed.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ocmfa_extract.cli import app
from ocmfa_extract.evaluation import evaluate

TUNE3 = Path(__file__).resolve().parent / "data" / "tune3"


def test_tune_set_keeps_its_floor(root: Path, tmp_path: Path):
    result = CliRunner().invoke(
        app, ["run", str(TUNE3 / "docs"), "--out", str(tmp_path), "--patterns", str(root / "patterns")]
    )
    assert result.exit_code == 0, result.output
    report = evaluate(TUNE3 / "gold", tmp_path)
    assert report.documents_scored == 12
    assert report.people.f1 >= 0.90
    assert report.roles.f1 >= 0.74
    assert report.dates.f1 >= 0.97
    assert report.statements.f1 >= 0.80
    assert report.trap_hits == 0
    assert report.identity.consistency.accuracy == 1.0
