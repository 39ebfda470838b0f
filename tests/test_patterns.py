"""Patterns: every file of patterns/ loads and validates; bad lines are named exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocmfa_extract.patterns import PATTERN_FILES, PatternError, load_patterns


def test_patterns_all_load(patterns_dir: Path):
    patterns = load_patterns(patterns_dir)
    assert set(patterns.rules) == {name.removesuffix(".jsonl") for name in PATTERN_FILES}
    assert all(patterns.rules.values())
    for name in ("pinyin_syllables", "chinese_surnames", "given_names", "places", "honorifics", "not_name_words"):
        assert patterns.lexicon(name), name


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"label": "DATE_DAY", "pattern": "x"}', "id: Field required"),
        ('{"label": "DATE_DAY", "pattern": "x", "id": "a", "extra": 1}', "extra: Extra inputs are not permitted"),
        ('{"label": "DATE_DAY", "pattern": [{"NOT_AN_ATTR": "x"}], "id": "a"}', "pattern:"),
        ("{not json", "Invalid JSON"),
    ],
)
def test_patterns_bad_line_names_file_and_line(tmp_path: Path, patterns_dir: Path, line: str, reason: str):
    assert_bad_line_reported(tmp_path, patterns_dir, "dates.jsonl", line, reason)


def assert_bad_line_reported(tmp_path: Path, patterns_dir: Path, file: str, line: str, reason: str) -> None:
    """Append ``line`` to a copy of ``file``: loading must fail naming that file, that line and ``reason``."""
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    target = copy / file
    target.write_text(target.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    count = len(target.read_text(encoding="utf-8").splitlines())
    with pytest.raises(PatternError) as caught:
        load_patterns(copy)
    assert caught.value.path == target
    assert caught.value.line == count
    assert reason in str(caught.value)


def test_patterns_missing_file(tmp_path: Path, patterns_dir: Path):
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    (copy / "cues.jsonl").unlink()
    with pytest.raises(PatternError, match="cues.jsonl: pattern file missing"):
        load_patterns(copy)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"label": "PERSON", "pattern": "mr smith", "id": "a"}', "token patterns"),
        ('{"label": "PERSON", "pattern": [{"_": {"ocmfa_nickname": true}}], "id": "a"}', "unknown name-part"),
        ('{"label": "PERSON", "pattern": [{"_": {"ocmfa_cap": "yes"}}], "id": "a"}', "true or false"),
    ],
)
def test_people_patterns_use_only_the_name_part_attributes(tmp_path: Path, patterns_dir: Path, line: str, reason: str):
    assert_bad_line_reported(tmp_path, patterns_dir, "people.jsonl", line, reason)
