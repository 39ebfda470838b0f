"""The organisation rules, each applied alone with its settings from ``patterns/rules/organizations.jsonl``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Span

from ocmfa_extract.components.organizations import DocOrganizations
from ocmfa_extract.components.rules import cached_patterns
from ocmfa_extract.extensions import ORGS_KEY
from ocmfa_extract.patterns import PatternError
from ocmfa_extract.pipeline import STAGES, customize_tokenizer
from ocmfa_extract.rulebook import stage_rules

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = cached_patterns(ROOT / "patterns")
RULES = {configured.spec.rule_id: configured for configured in stage_rules(PATTERNS, "organizations")}


def prepared(nlp: Language, text: str) -> DocOrganizations:
    """``text`` after the layout, dates and people stages, as the organisation rules see it."""
    doc = nlp.make_doc(text)
    for name in ("ocmfa_layout", "ocmfa_dates", "ocmfa_people"):
        doc = nlp.get_pipe(name)(doc)
    return DocOrganizations.of(doc)


def preset(org: DocOrganizations, surface: str, label: str) -> Span:
    start = org.text.index(surface)
    span = org.doc.char_span(start, start + len(surface), label=label)
    assert span is not None
    return span


@pytest.mark.parametrize(
    ("rule_id", "text", "head", "grown"),
    [
        (
            "ocmfa.organizations.name_words_before_head.v1",
            "The Foreign Affairs Office said.",
            "Office",
            "Foreign Affairs Office",
        ),
        (
            "ocmfa.organizations.name_words_before_head.v1",
            "The Commissioner's Office said.",
            "Office",
            "Commissioner's Office",
        ),
        ("ocmfa.organizations.name_words_before_head.v1", "He visited the office.", "office", "office"),
        (
            "ocmfa.organizations.name_words_before_head.v1",
            "Posted on 3 May 2021\n\nIt was in March Office staff left.",
            "Office",
            "Office",
        ),
        (
            "ocmfa.organizations.chain_after_head.v1",
            "The Ministry of Foreign Affairs said.",
            "Ministry",
            "Ministry of Foreign Affairs",
        ),
        (
            "ocmfa.organizations.chain_after_head.v1",
            "The Office for the Arts and Culture of Macao said.",
            "Office",
            "Office for the Arts and Culture of Macao",
        ),
        (
            "ocmfa.organizations.chain_after_head.v1",
            "The Ministry of Trade and the rest.",
            "Ministry",
            "Ministry of Trade",
        ),
        ("ocmfa.organizations.chain_after_head.v1", "The Ministry of the said kind.", "Ministry", "Ministry"),
        ("ocmfa.organizations.chain_after_head.v1", "The Office in March 2018 said.", "Office", "Office"),
    ],
)
def test_a_name_rule_grows_a_head_word(nlp, rule_id, text, head, grown):
    org = prepared(nlp, text)
    head_span = preset(org, head, "ORG_HEAD")
    edge = RULES[rule_id](org, head_span)
    start, end = (edge, head_span.end) if "before" in rule_id else (head_span.start, edge)
    assert org.doc[start:end].text == grown


@pytest.mark.parametrize(
    ("rule_id", "text", "name", "acronym"),
    [
        (
            "ocmfa.organizations.acronym_in_brackets.v1",
            "The Foreign Affairs Office (FAO) said.",
            "Foreign Affairs Office",
            "FAO",
        ),
        (
            "ocmfa.organizations.acronym_in_brackets.v1",
            "The Foreign Affairs Office (MoFA) said.",
            "Foreign Affairs Office",
            "MoFA",
        ),
        (
            "ocmfa.organizations.acronym_in_brackets.v1",
            "The Foreign Affairs Office (office) said.",
            "Foreign Affairs Office",
            None,
        ),
        (
            "ocmfa.organizations.acronym_in_brackets.v1",
            "The Foreign Affairs Office, or FAO, said.",
            "Foreign Affairs Office",
            None,
        ),
        (
            "ocmfa.organizations.acronym_after_or.v1",
            "The Foreign Affairs Office, or FAO, said.",
            "Foreign Affairs Office",
            "FAO",
        ),
        (
            "ocmfa.organizations.acronym_after_or.v1",
            "The Foreign Affairs Office, or Fao, said.",
            "Foreign Affairs Office",
            None,
        ),
        (
            "ocmfa.organizations.acronym_after_or.v1",
            "The Foreign Affairs Office, and FAO, said.",
            "Foreign Affairs Office",
            None,
        ),
        (
            "ocmfa.organizations.acronym_after_or.v1",
            "The Foreign Affairs Office (FAO) said.",
            "Foreign Affairs Office",
            None,
        ),
    ],
)
def test_an_acronym_rule_reads_the_acronym_a_name_defines(nlp, rule_id, text, name, acronym):
    org = prepared(nlp, text)
    assert RULES[rule_id](org, preset(org, name, "ORG")) == acronym


@pytest.mark.parametrize(
    ("rule_id", "text", "names", "subject"),
    [
        (
            "ocmfa.organizations.subject_in_title.v1",
            "Foreign Affairs Office\n\nThe Ministry of Trade said.",
            ["Foreign Affairs Office", "Ministry of Trade"],
            "Foreign Affairs Office",
        ),
        (
            "ocmfa.organizations.subject_in_title.v1",
            "Foreign Affairs Office (Macao)\n\nIt said.",
            ["Foreign Affairs Office"],
            "Foreign Affairs Office",
        ),
        (
            "ocmfa.organizations.subject_in_title.v1",
            "News of the Foreign Affairs Office\n\nIt said.",
            ["Foreign Affairs Office"],
            None,
        ),
        (
            "ocmfa.organizations.subject_in_title.v1",
            "News\n\nThe Foreign Affairs Office said.",
            ["Foreign Affairs Office"],
            None,
        ),
        (
            "ocmfa.organizations.subject_first_named.v1",
            "News\n\nThe Ministry of Trade and the Foreign Affairs Office.",
            ["Ministry of Trade", "Foreign Affairs Office"],
            "Ministry of Trade",
        ),
        ("ocmfa.organizations.subject_first_named.v1", "News\n\nNothing here.", [], None),
    ],
)
def test_a_subject_rule_names_the_body_a_document_is_about(nlp, rule_id, text, names, subject):
    org = prepared(nlp, text)
    assert RULES[rule_id](org, [preset(org, name, "ORG") for name in names]) == subject


def test_the_acronym_expansion_rule_gives_the_long_name(nlp):
    org = prepared(nlp, "The FAO said, and the FAO agreed.")
    org.acronyms = {"FAO": "Foreign Affairs Office"}
    rule = RULES["ocmfa.organizations.acronym_expansion.v1"]
    assert rule(org, preset(org, "FAO", "ACRONYM")) == "Foreign Affairs Office"
    assert rule(org, preset(org, "FAO", "ORG")) is None


@pytest.mark.parametrize(
    ("text", "mention", "label", "seen", "subject", "target"),
    [
        ("The Office said.", "Office", "ORG", ["Foreign Affairs Office"], None, "Foreign Affairs Office"),
        (
            "The Office said.",
            "Office",
            "ORG",
            ["Foreign Affairs Office", "Office of the Mayor"],
            None,
            "Office of the Mayor",
        ),
        (
            "The Commissioner's Office said.",
            "Commissioner's Office",
            "ORG",
            ["Office of the Commissioner for Privacy"],
            None,
            "Office of the Commissioner for Privacy",
        ),
        ("The office said.", "The office", "ORG_REF", [], "Foreign Affairs Office", "Foreign Affairs Office"),
        ("The State Council said.", "State Council", "ORG", ["State Council of China"], None, None),
        ("The Office said.", "Office", "ORG", ["Ministry of Trade"], None, None),
        ("The Office said.", "Office", "ACRONYM", ["Foreign Affairs Office"], None, None),
    ],
)
def test_the_short_reference_rule_finds_the_latest_name_holding_its_words(
    nlp, text, mention, label, seen, subject, target
):
    org = prepared(nlp, text)
    for name in seen:
        org.remember(name)
    org.subject = subject
    assert RULES["ocmfa.organizations.short_reference.v1"](org, preset(org, mention, label)) == target


@pytest.mark.parametrize(
    ("mention", "label", "subject", "target"),
    [
        ("the ministry", "ORG_REF", "Ministry of Trade", "Ministry of Trade"),
        ("the ministry", "ORG_REF", None, "ministry"),
        ("Ministry", "ORG", "Ministry of Trade", None),
    ],
)
def test_the_unnamed_reference_rule_falls_back_on_the_subject(nlp, mention, label, subject, target):
    org = prepared(nlp, "He said the ministry and the Ministry agreed.")
    org.subject = subject
    assert RULES["ocmfa.organizations.unnamed_reference.v1"](org, preset(org, mention, label)) == target


def pipeline(disabled: list[str] | None = None, patterns_dir: Path = ROOT / "patterns") -> Language:
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    for stage in STAGES:
        config: dict[str, object] = {} if stage == "ocmfa_layout" else {"patterns_dir": str(patterns_dir)}
        if disabled and stage == "ocmfa_organizations":
            config["disabled_rules"] = disabled
        nlp.add_pipe(stage, config=config)
    return nlp


def test_a_disabled_rule_gives_no_records_in_a_real_run():
    text = "News\n\nThe Foreign Affairs Office (FAO) met. Later the FAO said so."
    on = {(s.text, s.kb_id_) for s in pipeline()(text).spans[ORGS_KEY]}
    off = {(s.text, s.kb_id_) for s in pipeline(["ocmfa.organizations.acronym_in_brackets.v1"])(text).spans[ORGS_KEY]}
    assert ("FAO", "Foreign Affairs Office") in on
    assert off == {("Foreign Affairs Office", "Foreign Affairs Office")}


def test_a_bad_settings_line_is_a_pattern_error_with_its_file_and_line(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", copy)
    rules = copy / "rules" / "organizations.jsonl"
    lines = rules.read_text(encoding="utf-8").splitlines()
    lines[2] = '{"rule": "ocmfa.organizations.acronym_in_brackets.v1", "opening": "", "closing": ")"}'
    rules.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=r"organizations\.jsonl:3: opening"):
        pipeline(patterns_dir=copy)
