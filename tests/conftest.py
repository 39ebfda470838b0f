"""Shared fixtures: one pipeline per session, built from the project's own patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from ocmfa_extract.evaluation import EvalReport
from ocmfa_extract.pipeline import build_pipeline

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def patterns_dir() -> Path:
    return ROOT / "patterns"


@pytest.fixture(scope="session")
def nlp(patterns_dir: Path) -> Language:
    return build_pipeline(patterns_dir)


def assert_meets_bar(report: EvalReport) -> None:
    """The accuracy bar of issues 2-5, shared by the seed and the own-document tests."""
    assert report.people.f1 >= 0.95
    assert report.dates.f1 >= 0.95
    assert report.trap_hits == 0
    assert report.roles.f1 >= 0.95
    assert report.tenure_accuracy.accuracy is not None and report.tenure_accuracy.accuracy >= 0.95
    assert report.statements.f1 >= 0.90
    assert report.statement_date_accuracy.accuracy is not None
    assert report.statement_date_accuracy.accuracy >= 0.90
    assert report.identity.consistency.accuracy == 1.0
    assert not report.identity.wrong_merges
