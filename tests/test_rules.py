"""The shared rule plumbing: token patterns whose text tests run as lexeme flags."""

from __future__ import annotations

import pytest
import spacy
from spacy.matcher import Matcher

from ocmfa_extract.components.rules import TokenRuleMatcher, compile_predicates
from ocmfa_extract.extensions import LEXEME_FLAGS
from ocmfa_extract.patterns import load_patterns

RULES = [
    {
        "label": "INITIALS",
        "id": "initials",
        "pattern": [{"TEXT": {"REGEX": r"^[A-Z]\.$"}, "OP": "+"}, {"IS_TITLE": True}],
    },
    {"label": "PARTICLE", "id": "particle", "pattern": [{"IS_TITLE": True}, {"LOWER": {"IN": ["von", "van"]}}, {}]},
    {"label": "YEAR", "id": "year", "pattern": [{"ORTH": {"REGEX": r"^(19|20)\d{2}$"}}]},
    {"label": "YEAR", "id": "year_again", "pattern": [{"TEXT": {"REGEX": r"^(19|20)\d{2}$"}}]},
    {"label": "NORM", "id": "norm_kept", "pattern": [{"NORM": {"IN": ["minister"]}}]},
]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no names here at all.",
        "J. R. Tolkien met Ludwig Von Mises in 1962 and again in 2001.",
        "Otto van Bismarck and Anna VON Trapp; the MINISTER spoke in 1899, not 1799.",
        "A. B. C. Dee. 2024-2025",
    ],
)
def test_rules_token_matcher_finds_what_spacy_matcher_finds(text: str) -> None:
    nlp = spacy.blank("en")
    reference = Matcher(nlp.vocab, validate=True)
    for rule in RULES:
        reference.add(f"{rule['label']}|{rule['id']}", [rule["pattern"]])
    rules = TokenRuleMatcher(nlp, RULES, predicate_flags=range(19, 23))
    doc = nlp(text)
    expected = sorted(
        {
            spacy.tokens.Span(doc, start, end, label=key.split("|")[0], span_id=key.split("|")[1])
            for key, start, end in ((nlp.vocab.strings[k], s, e) for k, s, e in reference(doc))
        }
    )
    found = rules.match(doc)
    assert [(s.start, s.end, s.label_, s.id_) for s in found] == [(s.start, s.end, s.label_, s.id_) for s in expected]
    halves = [(0, len(doc) // 2), (len(doc) // 2, len(doc))]
    inside = [s for s in expected if any(a <= s.start and s.end <= b for a, b in halves)]
    assert [(s.start, s.end, s.id_) for s in rules.match_in_runs(doc, halves)] == [
        (s.start, s.end, s.id_) for s in inside
    ]


def test_rules_compile_predicates_shares_flags_and_keeps_other_tests() -> None:
    nlp = spacy.blank("en")
    compiled = compile_predicates(nlp.vocab, [rule["pattern"] for rule in RULES], range(19, 23))
    assert compiled[0][0] == {"FLAG19": True, "OP": "+"}
    assert compiled[1][1] == {"FLAG20": True}
    assert compiled[2][0] == {"FLAG21": True}  # ORTH and TEXT are separate tests of the same text
    assert compiled[3][0] == {"FLAG22": True}
    assert compiled[4][0] == {"NORM": {"IN": ["minister"]}}  # a token's norm is not its word's text
    assert nlp.vocab["J."].check_flag(19) and not nlp.vocab["JR."].check_flag(19)
    assert nlp.vocab["VON"].check_flag(20) and not nlp.vocab["vonn"].check_flag(20)


def test_rules_compile_predicates_out_of_flags_keeps_the_test() -> None:
    nlp = spacy.blank("en")
    compiled = compile_predicates(nlp.vocab, [RULES[0]["pattern"], RULES[1]["pattern"]], range(19, 20))
    assert compiled[0][0] == {"FLAG19": True, "OP": "+"}
    assert compiled[1][1] == {"LOWER": {"IN": ["von", "van"]}}


def test_rules_project_patterns_need_no_python_predicates(patterns_dir) -> None:
    """Every REGEX/IN test of the people and date patterns gets a flag of its own range."""
    patterns = load_patterns(patterns_dir)
    nlp = spacy.blank("en")
    for family in ("people", "dates"):
        compiled = compile_predicates(
            nlp.vocab, [rule["pattern"] for rule in patterns.rules[family]], LEXEME_FLAGS[f"{family}_predicates"]
        )
        left = [
            spec
            for pattern in compiled
            for spec in pattern
            if any(isinstance(v, dict) for k, v in spec.items() if k != "_")
        ]
        assert left == [], family


@pytest.mark.parametrize(
    "text",
    ["", "The Deputy Director of the Office said.", "the office, THE OFFICE and the Office of the Commissioner"],
)
def test_rules_phrase_matcher_finds_what_span_ruler_finds(text: str) -> None:
    from spacy.pipeline import SpanRuler

    from ocmfa_extract.components.rules import PhraseRuleMatcher

    rules = [
        {"label": "ORG_HEAD", "pattern": "office", "id": "office"},
        {"label": "ORG_REF", "pattern": "the office", "id": "the_office"},
        {"label": "ORG_HEAD", "pattern": "office", "id": "office_again"},
        {"label": "TITLE", "pattern": "deputy director", "id": "deputy_director"},
    ]
    nlp = spacy.blank("en")
    reference = SpanRuler(nlp, spans_key=None, phrase_matcher_attr="LOWER", validate=True)
    reference.add_patterns(rules)
    doc = nlp(text)
    expected = [(span.start, span.end, span.label_, span.id_) for span in reference.match(doc)]
    found = [(span.start, span.end, span.label_, span.id_) for span in PhraseRuleMatcher(nlp, rules).match(doc)]
    assert found == expected
    assert bool(found) == bool(text)


def test_rules_compile_predicates_turns_named_extensions_into_their_flags() -> None:
    nlp = spacy.blank("en")
    pattern = [{"_": {"ocmfa_cap": True, "other": 1}, "OP": "+"}, {"_": {"ocmfa_kin": False}}]
    compiled = compile_predicates(nlp.vocab, [pattern], range(0), {"ocmfa_cap": 45, "ocmfa_kin": 46})
    assert compiled == [[{"FLAG45": True, "_": {"other": 1}, "OP": "+"}, {"FLAG46": False}]]
    assert pattern[0]["_"] == {"ocmfa_cap": True, "other": 1}  # the rules as loaded are left alone
