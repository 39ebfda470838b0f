"""The people rules, each applied alone to a Doc prepared by the earlier stages (or with preset spans).

Each rule's settings are built from its line in ``patterns/rules/people.jsonl``; the
tables hold positive and negative rows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span
from spacy.util import filter_spans

import ocmfa_extract
from ocmfa_extract.components.people import PEOPLE_KEY, PeopleComponent
from ocmfa_extract.components.people.document import PeopleDoc
from ocmfa_extract.components.people.linking import Coreference
from ocmfa_extract.patterns import PatternError
from ocmfa_extract.rulebook import ConfiguredRule, all_rules

RULES_FILE = Path(__file__).resolve().parent.parent / "patterns" / "rules" / "people.jsonl"


def configured(rule_id: str) -> ConfiguredRule:
    """The rule ``rule_id`` with the settings of its line."""
    spec = next(spec for spec in all_rules() if spec.rule_id == rule_id)
    lines = [json.loads(raw) for raw in RULES_FILE.read_text(encoding="utf-8").splitlines() if raw.strip()]
    line = next(line for line in lines if line["rule"] == rule_id)
    return ConfiguredRule(spec, spec.settings.model_validate(line))


def prepared(nlp, text: str) -> PeopleDoc:
    """``text`` after the stages before people, as the people rules see it."""
    doc = nlp.make_doc(text)
    for name, pipe in nlp.pipeline:
        if name == "ocmfa_people":
            break
        doc = pipe(doc)
    return PeopleDoc(doc, nlp.get_pipe("ocmfa_people").resources)


def span_of(state: PeopleDoc, words: str, label: str = "NAME", rule_id: str = "western_name") -> Span:
    """The span of the first occurrence of ``words`` in the document."""
    start = state.text.index(words)
    span = state.doc.char_span(start, start + len(words), label=label, span_id=rule_id)
    assert span is not None
    return span


# Finding rules: text -> the names found.


@pytest.mark.parametrize(
    ("rule_id", "text", "expected"),
    [
        ("ocmfa.people.pattern_names.v1", "The envoy met Maria Holmgren today.", ["Maria Holmgren"]),
        ("ocmfa.people.pattern_names.v1", "Consul General Kenjiro Tamaki spoke.", ["Kenjiro Tamaki"]),
        ("ocmfa.people.pattern_names.v1", "the office was closed on monday.", []),
        ("ocmfa.people.name_comma_title.v1", "Thandeka Zulwane, Director-General of it, spoke.", ["Thandeka Zulwane"]),
        ("ocmfa.people.name_comma_title.v1", "Thandeka Zulwane, the ambassador, spoke.", ["Thandeka Zulwane"]),
        ("ocmfa.people.name_comma_title.v1", "Thandeka Zulwane, who spoke, left.", []),
        ("ocmfa.people.name_comma_title.v1", "the People's Liberation Army, the ambassador said.", []),
        (
            "ocmfa.people.name_comma_title.v1",
            "Aa Bb Cc Dd, the ambassador, spoke.",
            [],
        ),  # four words: not the whole run
        ("ocmfa.people.title_comma_name.v1", "The ambassador to Viet Nam, Chatree Boonsri, said.", ["Chatree Boonsri"]),
        ("ocmfa.people.title_comma_name.v1", "The ambassador to Viet Nam, Chatree Boonsri said.", []),  # not closed
        ("ocmfa.people.title_comma_name.v1", "The people of Viet Nam, Chatree Boonsri, said.", []),  # no title
        (
            "ocmfa.people.infobox_name.v1",
            "Embassy\n\n- Ambassador: Tarquin Feldmann\n- Address: 1 Road\n",
            ["Tarquin Feldmann"],
        ),
        ("ocmfa.people.infobox_name.v1", "Embassy\n\n- Address: Tarquin Feldmann\n", []),
        (
            "ocmfa.people.kin_list_names.v1",
            "She left three children: Nasrin, Maral and Hamid.",
            ["Nasrin", "Maral", "Hamid"],
        ),
        ("ocmfa.people.kin_list_names.v1", "Our daughters, Aoibhe, 11, and Clodagh, 8, came.", ["Aoibhe", "Clodagh"]),
        ("ocmfa.people.kin_list_names.v1", "His sons Nasrin came.", []),  # one name: no list
    ],
)
def test_people_finding_rule(nlp, rule_id, text, expected):
    state = prepared(nlp, text)
    # Where a rule's candidates overlap, the component keeps the longest.
    assert [span.text for span in filter_spans(configured(rule_id)(state))] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "; Heads of mission\n\n* Tarquin Feldmann (2010-2014)\n* Oriel Vantongeren (2014-2018)\n",
            ["Tarquin Feldmann", "Oriel Vantongeren"],
        ),
        ("* Tarquin Feldmann (2010-2014)\n", []),  # no heading above the list
    ],
)
def test_people_leader_list_name(nlp, text, expected):
    state = prepared(nlp, text)
    assert [span.text for span in configured("ocmfa.people.leader_list_name.v1")(state)] == expected


def test_people_model_names_only_where_a_model_ran(nlp):
    state = prepared(nlp, "Tarquin Feldmann spoke.")
    assert configured("ocmfa.people.model_names.v1")(state, []) == []
    state.doc.ents = [Span(state.doc, 0, 2, label="PERSON")]
    rule = configured("ocmfa.people.model_names.v1")
    assert [span.text for span in rule(state, [])] == ["Tarquin Feldmann"]
    assert rule(state, [Span(state.doc, 0, 1)]) == []  # a rule's candidate overlaps it


# Growing rules: (text, the candidate's words) -> the grown name.


@pytest.mark.parametrize(
    ("rule_id", "text", "words", "expected"),
    [
        (
            "ocmfa.people.hyphenated_part_before.v1",
            "Dr Abdul-Rashid Sulemani spoke.",
            "Rashid Sulemani",
            "Abdul-Rashid Sulemani",
        ),
        (
            "ocmfa.people.hyphenated_part_before.v1",
            "Dr Abdul - Rashid Sulemani spoke.",
            "Rashid Sulemani",
            "Rashid Sulemani",
        ),
        (
            "ocmfa.people.name_words_after.v1",
            "Envoy Luiz Fernando Vasconcelos Moreno arrived.",
            "Luiz Fernando",
            "Luiz Fernando Vasconcelos Moreno",
        ),
        (
            "ocmfa.people.name_words_after.v1",
            "She met Ama Serwaa Boakye-Danquaye there.",
            "Ama Serwaa",
            "Ama Serwaa Boakye-Danquaye",
        ),
        ("ocmfa.people.name_words_after.v1", "It is on Kennedy Road.", "Kennedy", "Kennedy"),
        (
            "ocmfa.people.name_words_after.v1",
            "Minister Wei Dongsheng Meets Visiting Trade Delegation",
            "Wei Dongsheng",
            "Wei Dongsheng",
        ),
    ],
)
def test_people_growing_rule(nlp, rule_id, text, words, expected):
    state = prepared(nlp, text)
    span = span_of(state, words)
    start, end = configured(rule_id)(state, span, span.start, span.end)
    assert state.doc[start:end].text == expected


# Filtering rules: (text, the candidate's words, its label) -> the verdict.


@pytest.mark.parametrize(
    ("rule_id", "text", "words", "label", "expected"),
    [
        ("ocmfa.people.lone_word_needs_context.v1", "Then Feldmann spoke.", "Feldmann", "NAME", False),
        ("ocmfa.people.lone_word_needs_context.v1", "Mr Feldmann spoke.", "Feldmann", "CONTEXT", None),
        ("ocmfa.people.followed_by_not_name_word.v1", "It is on Kennedy Road.", "Kennedy", "NAME", False),
        ("ocmfa.people.followed_by_not_name_word.v1", "Tarquin Feldmann said.", "Tarquin Feldmann", "NAME", None),
        (
            "ocmfa.people.street_named_after.v1",
            "It is on Avenida Dr. Tarquin Feldmann.",
            "Tarquin Feldmann",
            "CONTEXT",
            False,
        ),
        ("ocmfa.people.street_named_after.v1", "Dr. Tarquin Feldmann came.", "Tarquin Feldmann", "CONTEXT", None),
        ("ocmfa.people.publication_name.v1", "the newspaper La Naciona said", "La Naciona", "NAME", False),
        ("ocmfa.people.publication_name.v1", "the envoy Tarquin Feldmann said", "Tarquin Feldmann", "NAME", None),
        ("ocmfa.people.context_vouches.v1", "Mr Tarquin Feldmann said", "Tarquin Feldmann", "CONTEXT", True),
        ("ocmfa.people.context_vouches.v1", "Tarquin Feldmann said", "Tarquin Feldmann", "NAME", None),
        ("ocmfa.people.place_in_name.v1", "a club in Wan Chai met", "Wan Chai", "NAME", False),
        ("ocmfa.people.place_in_name.v1", "Tarquin Feldmann met", "Tarquin Feldmann", "NAME", None),
        ("ocmfa.people.after_indefinite_article.v1", "a Tarquin Feldmann club", "Tarquin Feldmann", "NAME", False),
        ("ocmfa.people.after_indefinite_article.v1", "the Tarquin Feldmann club", "Tarquin Feldmann", "NAME", None),
    ],
)
def test_people_filtering_rule(nlp, rule_id, text, words, label, expected):
    state = prepared(nlp, text)
    assert configured(rule_id)(state, span_of(state, words, label)) is expected


# Family-name rules: (text, the full name, the rule that found it) -> its family names.


@pytest.mark.parametrize(
    ("rule_id", "text", "words", "pattern_id", "expected"),
    [
        (
            "ocmfa.people.surname_first_order.v1",
            "NAKAMURA Reiko spoke.",
            "NAKAMURA Reiko",
            "caps_surname_first",
            ["NAKAMURA", "Nakamura"],
        ),
        ("ocmfa.people.surname_first_order.v1", "Zhou Minghai spoke.", "Zhou Minghai", "western_name", ["Zhou"]),
        ("ocmfa.people.surname_first_order.v1", "Tarquin Feldmann spoke.", "Tarquin Feldmann", "western_name", None),
        (
            "ocmfa.people.hyphenated_surname.v1",
            "Khalid Al-Harthi spoke.",
            "Khalid Al-Harthi",
            "western_name",
            ["Al-Harthi"],
        ),
        ("ocmfa.people.hyphenated_surname.v1", "Tarquin Feldmann spoke.", "Tarquin Feldmann", "western_name", None),
        (
            "ocmfa.people.last_word_surname.v1",
            "Tarquin Feldmann spoke.",
            "Tarquin Feldmann",
            "western_name",
            ["Feldmann"],
        ),
        (
            "ocmfa.people.last_word_surname.v1",
            "Ana Lucia Morena Chavez spoke.",
            "Ana Lucia Morena Chavez",
            "western_name",
            ["Chavez", "Morena"],
        ),
    ],
)
def test_people_family_name_rule(nlp, rule_id, text, words, pattern_id, expected):
    state = prepared(nlp, text)
    assert configured(rule_id)(state, span_of(state, words, rule_id=pattern_id)) == expected


# Linking rules: preset names (and what earlier rules would have recorded) -> mentions.


def _mentions(coref: Coreference) -> list[tuple[str, str]]:
    return sorted((span.text, span.kb_id_) for span in coref.mentions)


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # A name that opens a longer one is that one.
        (
            "Tarquin Feldmann Obi met them. Tarquin Feldmann left.",
            ["Tarquin Feldmann Obi", "Tarquin Feldmann"],
            [("Tarquin Feldmann", "tarquinfeldmannobi"), ("Tarquin Feldmann Obi", "tarquinfeldmannobi")],
        ),
        # The same words in another order or case are the same name.
        (
            "FELDMANN Tarquin met them. Tarquin Feldmann left.",
            ["FELDMANN Tarquin", "Tarquin Feldmann"],
            [("FELDMANN Tarquin", "feldmanntarquin"), ("Tarquin Feldmann", "feldmanntarquin")],
        ),
        (
            "Tarquin Feldmann met Oriel Obi.",
            ["Tarquin Feldmann", "Oriel Obi"],
            [("Oriel Obi", "orielobi"), ("Tarquin Feldmann", "tarquinfeldmann")],
        ),
    ],
)
def test_people_full_names_rule(nlp, text, names, expected):
    state = prepared(nlp, text)
    spans, offset = [], 0
    for words in names:  # each in turn, after the one before
        offset = state.text.index(words, offset)
        spans.append(state.doc.char_span(offset, offset + len(words), label="NAME", span_id="western_name"))
        offset += len(words)
    coref = Coreference(state, spans, lambda state, span: [state.words[span.end - 1]])
    configured("ocmfa.people.full_names.v1")(coref)
    assert _mentions(coref) == expected
    assert coref.taken == {i for span in spans for i in range(span.start, span.end)}
    # Every name's family name is recorded; its other end may stand for it alone.
    assert set(coref.by_surname) == {state.words[span.end - 1] for span in spans}
    assert set(coref.parts) == {state.words[span.start] for span in spans} - set(coref.by_surname)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We met. Pornsiri said so.", [("Pornsiri", "p")]),
        ("We met, said Pornsiri.", [("Pornsiri", "p")]),
        ("We met. Pornsiri Park is shut.", []),  # part of a longer name
        ("We met. Pornsiri came.", []),  # no reporting verb beside it
    ],
)
def test_people_name_part_beside_reporting_verb_rule(nlp, text, expected):
    coref = Coreference(prepared(nlp, text), [], lambda state, span: [])
    coref.parts = {"Pornsiri": "p"}
    configured("ocmfa.people.name_part_beside_reporting_verb.v1")(coref)
    assert _mentions(coref) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("then Mr Feldmann spoke.", [("Mr Feldmann", "tf")]),
        ("then Feldmann spoke.", [("Feldmann", "tf")]),
        ("then Feldmann Obi spoke.", []),  # part of some other name
        ("then Al-Harthi spoke.", [("Al-Harthi", "kh")]),
    ],
)
def test_people_family_name_alone_rule(nlp, text, expected):
    coref = Coreference(prepared(nlp, text), [], lambda state, span: [])
    coref.by_surname = {"Feldmann": [(0, "tf")], "Al-Harthi": [(0, "kh")]}
    configured("ocmfa.people.family_name_alone.v1")(coref)
    assert _mentions(coref) == expected


@pytest.mark.parametrize(
    ("parts", "by_surname", "expected"),
    [
        ({}, {}, [("Binh", "binh")]),
        ({"Binh": "tranvanbinh"}, {}, [("Binh", "tranvanbinh")]),
        ({}, {"Binh": [(0, "x")]}, []),  # a family name: the family-name rule's
    ],
)
def test_people_one_word_name_rule(nlp, parts, by_surname, expected):
    state = prepared(nlp, "Later Mr Binh spoke.")
    coref = Coreference(state, [span_of(state, "Binh", "CONTEXT", "honorific_name")], lambda state, span: [])
    coref.parts, coref.by_surname = parts, by_surname
    configured("ocmfa.people.one_word_name.v1")(coref)
    assert _mentions(coref) == expected


# Authorship rules: (text, the mentions' words) -> the author's key.


@pytest.mark.parametrize(
    ("rule_id", "text", "expected"),
    [
        ("ocmfa.people.author_named_in_title.v1", "Message from Consul General Tarquin Feldmann\n\nWelcome.\n", "tf"),
        ("ocmfa.people.author_named_in_title.v1", "Visit of Tarquin Feldmann\n\nWelcome.\n", None),
        ("ocmfa.people.author_named_in_title.v1", "Welcome\n\nIt is good.\n\nTarquin Feldmann\n", None),
        ("ocmfa.people.author_signing_last_lines.v1", "Welcome\n\nIt is good.\n\nDr. Tarquin Feldmann\n", "tf"),
        ("ocmfa.people.author_signing_last_lines.v1", "Welcome\n\nIt is good, said Tarquin Feldmann\n", None),
        ("ocmfa.people.author_signing_last_lines.v1", "Visit\n\nIt is good.\n\nTarquin Feldmann\n", None),
    ],
)
def test_people_authorship_rule(nlp, rule_id, text, expected):
    state = prepared(nlp, text)
    start = state.text.index("Tarquin Feldmann")
    mention = state.doc.char_span(start, start + len("Tarquin Feldmann"), label="PERSON", kb_id="tf")
    assert configured(rule_id)(state, [mention]) == expected


@pytest.mark.parametrize(
    ("text", "author", "expected"),
    [
        ("Tarquin Feldmann came. He spoke.", None, [("He", "tf")]),
        ("He spoke.", None, []),  # no one named before
        ("Tarquin Feldmann came. I spoke.", "tf", [("I", "tf")]),
        ("Tarquin Feldmann came. I spoke.", None, []),  # no author: "I" is nobody
    ],
)
def test_people_pronoun_sentence_subject_rule(nlp, text, author, expected):
    state = prepared(nlp, text)
    mention = Span(state.doc, 0, 2, label="PERSON", kb_id="tf")
    found = configured("ocmfa.people.pronoun_sentence_subject.v1")(state, [mention], author)
    assert [(span.text, span.kb_id_) for span in found] == expected


# The component: its rules configured, disabled, validated and saved.


def test_people_every_registered_rule_has_its_line():
    lines = [json.loads(raw)["rule"] for raw in RULES_FILE.read_text(encoding="utf-8").splitlines() if raw.strip()]
    assert sorted(lines) == sorted(spec.rule_id for spec in all_rules() if spec.stage == "people")


def test_people_disabled_rules_removes_its_mentions(nlp, patterns_dir):
    from ocmfa_extract.pipeline import build_pipeline

    text = "Consul General Tarquin Feldmann opened the fair. Feldmann said it was good."
    assert "surname_only" in [span.id_ for span in nlp(text).spans[PEOPLE_KEY]]
    other = build_pipeline(patterns_dir)
    other.replace_pipe(
        "ocmfa_people",
        "ocmfa_people",
        config={"patterns_dir": str(patterns_dir), "disabled_rules": ["ocmfa.people.family_name_alone.v1"]},
    )
    found = other(text).spans[PEOPLE_KEY]
    assert [span.text for span in found] == ["Tarquin Feldmann"]


def test_people_a_bad_settings_line_is_a_pattern_error_with_its_line(nlp, patterns_dir, tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    path = copy / "rules" / "people.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "name_words_after" in line)
    lines[number - 1] = lines[number - 1].replace('"most_words": 6', '"most_words": "six"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError, match=rf"people\.jsonl:{number}: most_words: "):
        PeopleComponent(nlp, "ocmfa_people", copy)


def test_people_a_surname_first_id_that_is_no_pattern_is_a_pattern_error(nlp, patterns_dir, tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    path = copy / "rules" / "people.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace('"chinese_name",', '"chinese_nmae",'), encoding="utf-8")
    with pytest.raises(PatternError, match="chinese_nmae"):
        PeopleComponent(nlp, "ocmfa_people", copy)


def test_people_saved_component_loads_where_its_patterns_are_gone(patterns_dir, tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    nlp = spacy.blank("en")
    nlp.add_pipe("ocmfa_layout")
    nlp.add_pipe("ocmfa_people", config={"patterns_dir": str(copy)})
    text = "Consul General Tarquin Feldmann opened the fair. Feldmann said he was glad."
    expected = [[span.text, span.kb_id_, span.id_] for span in nlp(text).spans[PEOPLE_KEY]]
    nlp.to_disk(tmp_path / "saved")
    shutil.rmtree(copy)
    script = (
        "import json, sys, spacy, ocmfa_extract.pipeline\n"
        f"nlp = spacy.load({str(tmp_path / 'saved')!r})\n"
        f"doc = nlp({text!r})\n"
        "print(json.dumps([[s.text, s.kb_id_, s.id_] for s in doc.spans['ocmfa_people']]))\n"
    )
    source = str(Path(ocmfa_extract.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={"PYTHONPATH": source}, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected
    assert len(expected) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mission | Ambassador | Confirmed\nTirana | LI Fan (x) | 2023.09\nMinsk | Tarquin Feldmann | 2024.01\n",
            ["LI Fan", "Tarquin Feldmann"],
        ),
        ("Name\tIn office\nOriel Vantongeren\t2014–2018\n", ["Oriel Vantongeren"]),
        ("City | Population\nNew York | 8,000,000\n", []),  # no holder's header
        ("Mission | Ambassador\nTirana | Vacant\n", []),  # one word is no name
    ],
)
def test_people_table_holder_name(nlp, text, expected):
    state = prepared(nlp, text)
    assert [span.text for span in configured("ocmfa.people.table_holder_name.v1")(state)] == expected
