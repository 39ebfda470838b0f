"""The team's own documents (tests/data/docs, gold in tests/data/gold): the bar on unseen styles.

These twelve documents were written apart from the rules, in the styles of the seeds but
with other bodies, people and dates; see tests/data/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import assert_meets_bar
from ocmfa_extract.cli import app
from ocmfa_extract.evaluation import evaluate
from ocmfa_extract.text import name_key

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def dev_outputs(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    out = tmp_path_factory.mktemp("dev-outputs")
    result = CliRunner().invoke(
        app, ["run", str(DATA / "docs"), "--out", str(out), "--patterns", str(root / "patterns")]
    )
    assert result.exit_code == 0, result.output
    return out


def test_dev_set_scores(dev_outputs: Path):
    report = evaluate(DATA / "gold", dev_outputs)
    assert report.documents_scored == 12
    assert_meets_bar(report)
    assert report.published_accuracy.accuracy == 1.0


@pytest.mark.parametrize("gold_dir", ["gold", "gold-seeds"])
def test_dev_set_current_roles_are_marked_current(gold_dir: str, dev_outputs: Path, root: Path, tmp_path: Path):
    """Every gold role the text calls current has a predicted role marked current."""
    if gold_dir == "gold-seeds":
        CliRunner().invoke(
            app, ["run", str(root / "seeds"), "--out", str(tmp_path), "--patterns", str(root / "patterns")]
        )
        outputs = tmp_path
    else:
        outputs = dev_outputs
    predicted = [json.loads(line) for line in (outputs / "roles.jsonl").read_text(encoding="utf-8").splitlines()]
    checked = 0
    for gold_file in sorted((DATA / gold_dir).glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        doc_id = gold["doc"].removesuffix(".txt")
        for role in gold["roles"]:
            if role["current"] is not True or role.get("optional"):
                continue
            checked += 1
            matches = [
                p
                for p in predicted
                if p["doc_id"] == doc_id
                and name_key(p["person"]) == name_key(role["person"])
                and all(
                    any(word.startswith(key) for word in f"{p['title']} {p['organization'] or ''}".casefold().split())
                    for key in role["keys"]
                )
            ]
            assert any(p["current"] is True for p in matches), (gold_file.name, role["person"], role["title"])
    assert checked >= 2
