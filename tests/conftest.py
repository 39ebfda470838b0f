"""Shared fixtures: one pipeline per session, built from the project's own patterns."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

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
