"""The rule registry: rules registered by id, their settings validated from patterns/rules/<stage>.jsonl."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import catalogue
import pytest
from pydantic import Field
from typer.testing import CliRunner

from ocmfa_extract.cli import app
from ocmfa_extract.patterns import PatternError, load_patterns
from ocmfa_extract.rulebook import RULES, RuleSettings, all_rules, rule, stage_rules


class _WindowSettings(RuleSettings):
    window: int = Field(ge=1, le=40)
    direction: Literal["before", "after"]
    words: list[str]


@pytest.fixture
def sample_rules() -> Iterator[list[str]]:
    """Two rules of a stage of their own, taken out of the registry again afterwards."""
    ids = ["ocmfa.sample.first_word.v1", "ocmfa.sample.window.v1"]

    @rule(ids[0], stage="sample", reads=("doc",), emits=("str",))
    def first_word(text: str, settings: RuleSettings) -> str:
        """The first word of a text."""
        return text.split()[0]

    @rule(ids[1], stage="sample", reads=("doc",), emits=("str",), settings=_WindowSettings)
    def window(text: str, settings: _WindowSettings) -> list[str]:
        """The listed words within the window."""
        words = text.split()
        seen = words[: settings.window] if settings.direction == "after" else words[-settings.window :]
        return [word for word in seen if word in settings.words]

    yield ids
    for rule_id in ids:
        catalogue.REGISTRY.pop((*RULES.namespace, rule_id), None)


def _patterns_with(tmp_path: Path, patterns_dir: Path, lines: list[str]):
    folder = tmp_path / "patterns"
    shutil.copytree(patterns_dir, folder)
    (folder / "rules").mkdir(exist_ok=True)
    (folder / "rules" / "sample.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return load_patterns(folder)


GOOD = [
    json.dumps({"rule": "ocmfa.sample.window.v1", "window": 3, "direction": "after", "words": ["b", "z"]}),
    json.dumps({"rule": "ocmfa.sample.first_word.v1"}),
]


def test_rulebook_rules_run_in_the_order_of_their_lines_with_their_settings(tmp_path, patterns_dir, sample_rules):
    rules = stage_rules(_patterns_with(tmp_path, patterns_dir, GOOD), "sample")
    assert [configured.spec.rule_id for configured in rules] == [sample_rules[1], sample_rules[0]]
    assert [configured("a b c z") for configured in rules] == [["b"], "a"]
    assert {spec.rule_id for spec in all_rules()} >= set(sample_rules)


def test_rulebook_disabled_rules_are_left_out(tmp_path, patterns_dir, sample_rules):
    off = [GOOD[0].replace('"window"', '"enabled": false, "window"'), GOOD[1]]
    assert [r.spec.rule_id for r in stage_rules(_patterns_with(tmp_path, patterns_dir, off), "sample")] == [
        sample_rules[0]
    ]
    rules = stage_rules(_patterns_with(tmp_path / "b", patterns_dir, GOOD), "sample", disabled=[sample_rules[0]])
    assert [r.spec.rule_id for r in rules] == [sample_rules[1]]


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        ([GOOD[0].replace('"after"', '"sideways"'), GOOD[1]], 1, "direction: Input should be 'before' or 'after'"),
        ([GOOD[0].replace('"window": 3', '"window": 99'), GOOD[1]], 1, "window: Input should be less than or equal"),
        ([GOOD[0], GOOD[1].replace("}", ', "window": 2}')], 2, "window: Extra inputs are not permitted"),
        ([GOOD[0], '{"rule": "ocmfa.sample.nothing.v1"}', GOOD[1]], 2, "is not a rule of the sample stage"),
        ([GOOD[0], GOOD[1], GOOD[1]], 3, "has a line already"),
        ([GOOD[0], "not json"], 2, "not JSON"),
        ([GOOD[0]], None, "no line for the rules ocmfa.sample.first_word.v1"),
    ],
)
def test_rulebook_bad_settings_are_pattern_errors_with_file_and_line(
    tmp_path, patterns_dir, sample_rules, lines, line, reason
):
    with pytest.raises(PatternError) as raised:
        stage_rules(_patterns_with(tmp_path, patterns_dir, lines), "sample")
    assert raised.value.path.name == "sample.jsonl"
    assert raised.value.line == line
    assert reason in raised.value.reason


def test_rulebook_cli_lists_every_registered_rule(patterns_dir):
    result = CliRunner().invoke(app, ["rules", "--json", "--patterns", str(patterns_dir)])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [row["id"] for row in listed] == [spec.rule_id for spec in all_rules()]
    for row in listed:
        assert row["stage"] and row["summary"] and row["enabled"] in (True, False)
