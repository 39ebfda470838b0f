"""The roles stage's rules, each applied alone to a Doc the earlier stages prepared.

Each rule's settings are built from its own line of ``patterns/rules/roles.jsonl``; a
table of cases per rule says what it finds, and what it leaves to the other rules.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Span

from ocmfa_extract.components.layout import sentences
from ocmfa_extract.components.roles import RolesComponent
from ocmfa_extract.components.roles.document import DocRoles
from ocmfa_extract.components.roles.kinds import RULE_KINDS
from ocmfa_extract.components.rules import cached_patterns
from ocmfa_extract.facts import RoleFact
from ocmfa_extract.patterns import PatternError
from ocmfa_extract.pipeline import build_pipeline
from ocmfa_extract.rulebook import ConfiguredRule, all_rules, stage_rules

Row = tuple[str, str, str | None, str | None, str | None, bool | None]


@pytest.fixture(scope="module")
def rules(patterns_dir: Path) -> dict[str, ConfiguredRule]:
    """Every roles rule with its settings from its line, by the short name in its id."""
    return {rule.spec.rule_id.split(".")[2]: rule for rule in stage_rules(cached_patterns(patterns_dir), "roles")}


def prepared(nlp: Language, rules: dict[str, ConfiguredRule], text: str) -> DocRoles:
    """The state the roles rules receive: ``text`` through the stages before roles, titles grown."""
    doc = nlp.make_doc(text)
    for name, stage in nlp.pipeline:
        if name == "ocmfa_roles":
            break
        doc = stage(doc)
    component = nlp.get_pipe("ocmfa_roles")
    doc_roles = DocRoles(doc, component.phrases.match(doc), component.words)
    doc_roles.add_titles(rules["grown_titles"](doc_roles))
    return doc_roles


def rows(doc_roles: DocRoles, facts: list[RoleFact]) -> list[Row]:
    names = doc_roles.doc._.ocmfa_people
    return [
        (
            names[fact.person_key],
            fact.title,
            fact.organization,
            fact.start.value if fact.start else None,
            fact.end.value if fact.end else None,
            fact.current,
        )
        for fact in facts
    ]


def linker_answers(doc_roles: DocRoles, rule: ConfiguredRule) -> list[list[Row] | None]:
    """One linker's answer for every title of every sentence (``None``: not its case)."""
    answers: list[list[Row] | None] = []
    for sentence in sentences(doc_roles.doc):
        for title in doc_roles.titles_by_token.between(sentence.start, sentence.end):
            found = rule(doc_roles, title, sentence)
            answers.append(None if found is None else rows(doc_roles, found))
    return answers


def test_roles_rules_all_registered_with_a_kind(rules: dict[str, ConfiguredRule]) -> None:
    registered = {spec.rule_id for spec in all_rules() if spec.stage == "roles"}
    assert registered == {rule.spec.rule_id for rule in rules.values()}
    assert registered <= set(RULE_KINDS)


# -- titles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She met the Deputy Director of the Treaty Department.", [("Deputy Director", "Treaty Department", False)]),
        (
            "He became Secretary for Commerce and Economic Development in 2019.",
            [("Secretary for Commerce and Economic Development", None, False)],
        ),
        ("US ambassador Tarquin Feld left.", [("US Ambassador", None, False)]),
        ("The current commissioner is Zhou Minghai.", [("Commissioner", None, True)]),
        ("The weather was fine.", []),
    ],
)
def test_roles_rule_grown_titles(nlp, rules, text: str, expected: list[tuple[str, str | None, bool]]) -> None:
    doc_roles = prepared(nlp, rules, text)
    assert [(title.title, title.organization, title.current) for title in doc_roles.titles] == expected


# -- the layout -------------------------------------------------------------------------

_BUREAU = "= Bureau of External Affairs =\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _BUREAU + "- Chief1 Name: Lu Xiaoqing\n- Chief1 Position: Director\n",
            [("Lu Xiaoqing", "Director", "Bureau of External Affairs", None, None, None)],
        ),
        (
            "= Embassy of Ruritania, Tokyo =\n\n- Ambassador: Margaret Holloway\n- Website: example.org\n",
            [("Margaret Holloway", "Ambassador", "Embassy of Ruritania", None, None, None)],
        ),
        (_BUREAU + "- Chief1 Name: Lu Xiaoqing\n- Website: example.org\n", []),
    ],
)
def test_roles_rule_infobox_pairs(nlp, rules, text: str, expected: list[Row]) -> None:
    doc_roles = prepared(nlp, rules, text)
    assert rows(doc_roles, rules["infobox_pairs"](doc_roles)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _BUREAU + "== Leaders ==\n\n; Director of the Bureau of External Affairs\n\n"
            "1. Zhou Minghai (June 1988 – December 1989)\n"
            "2. Lu Xiaoqing (January 2023 – Incumbent, concurrently Minister of Commerce since July 2023)\n",
            [
                ("Zhou Minghai", "Director", "Bureau of External Affairs", "1988-06", "1989-12", None),
                ("Lu Xiaoqing", "Director", "Bureau of External Affairs", "2023-01", None, True),
                ("Lu Xiaoqing", "Minister of Commerce", None, "2023-07", None, None),
            ],
        ),
        ("Some notes:\n\n1. Zhou Minghai (June 1988 – December 1989)\n", []),
    ],
)
def test_roles_rule_leader_list(nlp, rules, text: str, expected: list[Row]) -> None:
    doc_roles = prepared(nlp, rules, text)
    assert rows(doc_roles, rules["leader_list"](doc_roles)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Message from the Consul General\n\nWelcome to our site.\n\n"
            "Margaret Holloway\n\nConsul General of Ruritania in Hong Kong\n",
            [("Margaret Holloway", "Consul General of Ruritania in Hong Kong", None, None, None, None)],
        ),
        # the name and the title are not among the last lines
        (
            "Margaret Holloway\n\nConsul General of Ruritania in Hong Kong\n\n"
            "Welcome to our site.\n\nThe weather was fine.\n\nWe are open daily.\n",
            [],
        ),
    ],
)
def test_roles_rule_signature(nlp, rules, text: str, expected: list[Row]) -> None:
    doc_roles = prepared(nlp, rules, text)
    assert rows(doc_roles, rules["signature"](doc_roles)) == expected


# -- the linkers: one answer per title, None where it is not the linker's case ------------


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        (
            "title_before_name",
            "Commissioner Zhou Minghai met the delegation.",
            [[("Zhou Minghai", "Commissioner", None, None, None, None)]],
        ),
        (
            "title_before_name",
            "Vice Premier and Minister Lu Xiaoqing spoke.",
            [
                [("Lu Xiaoqing", "Vice Premier", None, None, None, None)],
                [("Lu Xiaoqing", "Minister", None, None, None, None)],
            ],
        ),
        ("title_before_name", "Zhou Minghai was appointed as the group leader.", [None]),
        (
            "title_apposition",
            "Also in May 2020, the deputy director, Lu Xiaoqing, said that work went on.",
            [[("Lu Xiaoqing", "Deputy Director", None, None, None, None)]],
        ),
        (
            "title_apposition",
            "The deputy director, currently Lu Xiaoqing, spoke.",
            [[("Lu Xiaoqing", "Deputy Director", None, None, None, True)]],
        ),
        ("title_apposition", "Commissioner Zhou Minghai met the delegation.", [None]),
        (
            "title_is_name",
            "The current commissioner is Zhou Minghai.",
            [[("Zhou Minghai", "Commissioner", None, None, None, True)]],
        ),
        ("title_is_name", "The director said that Lu Xiaoqing spoke.", [None]),
        (
            "name_apposition",
            "On 2 May 2019, Zhou Minghai, then the deputy director of the Protocol Department, left.",
            [[("Zhou Minghai", "Deputy Director", "Protocol Department", None, None, None)]],
        ),
        (
            "name_apposition",
            "Zhou Minghai, commissioner from March 2015 to August 2020, spoke.",
            [[("Zhou Minghai", "Commissioner", None, "2015-03", "2020-08", None)]],
        ),
        # the title introduces the next person: the apposition's case, and no role
        ("name_apposition", "Zhou Minghai, the director, Mr Lu Xiaoqing and others spoke.", [[]]),
        ("name_apposition", "Zhou Minghai was appointed as the group leader.", [None]),
        (
            "name_brackets",
            "Lu Xiaoqing (Assistant Minister of Foreign Affairs and Director of the Treaty Department) spoke.",
            [
                [("Lu Xiaoqing", "Assistant Minister of Foreign Affairs", None, None, None, None)],
                [("Lu Xiaoqing", "Director", "Treaty Department", None, None, None)],
            ],
        ),
        ("name_brackets", "Zhou Minghai was the director.", [None]),
        (
            "name_as_title",
            "In 1985, the council set up the Trade Group with Zhou Minghai as group leader.",
            [[("Zhou Minghai", "Group Leader", None, "1985", None, None)]],
        ),
        (
            "name_as_title",
            "From 2002 to 2005 Zhou Minghai worked in Tokyo as counsellor.",
            [[("Zhou Minghai", "Counsellor", None, "2002", "2005", None)]],
        ),
        (
            "name_as_title",
            "Zhou Minghai, who has served as ambassador since April 2022, spoke.",
            [[("Zhou Minghai", "Ambassador", None, "2022-04", None, True)]],
        ),
        ("name_as_title", "Zhou Minghai was the director.", [None]),
        (
            "name_is_title",
            "Zhou Minghai was appointed the group leader in 1985.",
            [[("Zhou Minghai", "Group Leader", None, "1985", None, None)]],
        ),
        ("name_is_title", "Zhou Minghai is the director.", [[("Zhou Minghai", "Director", None, None, None, None)]]),
        ("name_is_title", "The office was set up with Zhou Minghai as the director.", [None]),
        # no verb links the name to the title: the linker's case, and no role
        ("name_is_title", "Zhou Minghai met the director.", [[]]),
    ],
)
def test_roles_rule_linker(nlp, rules, rule: str, text: str, expected: list[list[Row] | None]) -> None:
    assert linker_answers(prepared(nlp, rules, text), rules[rule]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Zhou Minghai succeeded Lu Xiaoqing as ambassador to Japan in 2019.",
            [
                [
                    ("Zhou Minghai", "Ambassador to Japan", None, "2019", None, None),
                    ("Lu Xiaoqing", "Ambassador to Japan", None, None, "2019", None),
                ]
            ],
        ),
        (
            "In March 2019, Zhou Minghai replaced Lu Xiaoqing as the commissioner.",
            [
                [
                    ("Zhou Minghai", "Commissioner", None, "2019-03", None, None),
                    ("Lu Xiaoqing", "Commissioner", None, None, "2019-03", None),
                ]
            ],
        ),
        (
            "The talks were led by Zhou Minghai, who succeeded Lu Xiaoqing as commissioner.",
            [
                [
                    ("Zhou Minghai", "Commissioner", None, None, None, None),
                    ("Lu Xiaoqing", "Commissioner", None, None, None, None),
                ]
            ],
        ),
        # not a succession: another linker's case
        ("Zhou Minghai was appointed as the commissioner in 2019.", [None]),
        ("Zhou Minghai met Lu Xiaoqing as commissioner.", [None]),
        # no successor named ("replacing ..."): left to the other linkers
        ("Replacing Lu Xiaoqing as commissioner was hard.", [None]),
    ],
)
def test_roles_rule_succeeded_as(nlp, rules, text: str, expected: list[list[Row] | None]) -> None:
    assert linker_answers(prepared(nlp, rules, text), rules["succeeded_as"]) == expected


def test_roles_succession_comes_before_the_name_as_title_linker(nlp: Language) -> None:
    """In a run, the successor holds the post from the date, not the predecessor named next to the title."""
    doc = nlp("Press release\n\nZhou Minghai succeeded Lu Xiaoqing as ambassador to Japan in 2019.")
    names = doc._.ocmfa_people
    held = {
        (names[role.person_key], role.start.value if role.start else None, role.end.value if role.end else None)
        for role in doc._.ocmfa_roles
    }
    assert held == {("Zhou Minghai", "2019", None), ("Lu Xiaoqing", None, "2019")}


# -- dating a role stated before -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zhou Minghai was the director. He left the post in March 2022.", [("Director", None, "2022-03")]),
        (
            "Zhou Minghai is the director. Zhou Minghai, who arrived in August 2020, spoke.",
            [("Director", "2020-08", None)],
        ),
        (
            "Zhou Minghai is the ambassador. Zhou Minghai, who had served here since 2020, spoke.",
            [("Ambassador", "2020", None)],
        ),
        ("Zhou Minghai is the director. Zhou Minghai left the post.", [("Director", None, None)]),
        # "served" dates a role only with "since"
        ("Zhou Minghai is the ambassador. Zhou Minghai served here in 2020.", [("Ambassador", None, None)]),
        # the role is stated after the verb
        ("Zhou Minghai, who arrived in August 2020, is the director.", [("Director", None, None)]),
        # dates the text gave are kept
        (
            "Zhou Minghai was the director from 2015 to 2019. He left the post in March 2022.",
            [("Director", "2015", "2019")],
        ),
    ],
)
def test_roles_rule_tenure_events(nlp, rules, text: str, expected: list[tuple[str, Any, Any]]) -> None:
    doc_roles = prepared(nlp, rules, text)
    component = nlp.get_pipe("ocmfa_roles")
    facts: list[RoleFact] = []
    for sentence in sentences(doc_roles.doc):
        for title in doc_roles.titles_by_token.between(sentence.start, sentence.end):
            facts += component.link(doc_roles, title, sentence)
    for sentence in sentences(doc_roles.doc):
        facts = rules["tenure_events"](doc_roles, sentence, facts)
    assert [(title, start, end) for _, title, _, start, end, _ in rows(doc_roles, facts)] == expected


# -- configuration --------------------------------------------------------------------------


def test_roles_disabled_rules_removes_its_records(patterns_dir: Path) -> None:
    text = "Commissioner Zhou Minghai met the delegation. Lu Xiaoqing is the director."
    nlp = build_pipeline(patterns_dir)
    before = {fact.rule_id for fact in nlp(text)._.ocmfa_roles}
    config = {"patterns_dir": str(patterns_dir), "disabled_rules": ["ocmfa.roles.title_before_name.v1"]}
    nlp.replace_pipe("ocmfa_roles", "ocmfa_roles", config=config)
    after = {fact.rule_id for fact in nlp(text)._.ocmfa_roles}
    assert before == {"title_before_name", "name_is_title"}
    assert after == {"name_is_title"}


def test_roles_bad_settings_line_is_a_pattern_error(nlp, patterns_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    path = copy / "rules" / "roles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "ocmfa.roles.signature.v1" in line)
    lines[number - 1] = json.dumps({"rule": "ocmfa.roles.signature.v1", "last_lines": "many"})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as caught:
        RolesComponent(nlp, "ocmfa_roles", cached_patterns(copy))
    assert caught.value.path == path
    assert caught.value.line == number
    assert f"roles.jsonl:{number}: last_lines" in str(caught.value)


_LOAD_AND_RUN = """
import json, sys
import spacy
import ocmfa_extract.pipeline  # registers the factories
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps([fact.model_dump(mode="json") for fact in doc._.ocmfa_roles]))
"""


def test_roles_saved_pipeline_loads_without_its_patterns_folder(patterns_dir: Path, tmp_path: Path, root: Path) -> None:
    copy = tmp_path / "my-patterns"
    shutil.copytree(patterns_dir, copy)
    nlp = build_pipeline()
    nlp.replace_pipe("ocmfa_roles", "ocmfa_roles", config={"patterns_dir": str(copy)})
    text = "The office was set up with Zhou Minghai as the director. Lu Xiaoqing, the deputy director, spoke."
    expected = [fact.model_dump(mode="json") for fact in nlp(text)._.ocmfa_roles]
    nlp.to_disk(tmp_path / "saved")
    shutil.rmtree(copy)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_RUN, str(tmp_path / "saved"), text],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
    assert len(expected) == 2


def test_roles_rule_spans_of_titles_are_written(nlp) -> None:
    doc = nlp("Commissioner Zhou Minghai met the delegation.")
    assert [(span.text, span.label_) for span in doc.spans["ocmfa_titles"]] == [("Commissioner", "TITLE")]
    assert all(isinstance(span, Span) for span in doc.spans["ocmfa_titles"])


# -- career text: posts in a series ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Zhou Minghai joined the Ministry, first as a deputy director of the Treaty Department,"
            " and then as spokesman for the Information Department.",
            [
                [("Zhou Minghai", "Deputy Director", "Treaty Department", None, None, None)],
                [("Zhou Minghai", "Spokesman", "Information Department", None, None, None)],
            ],
        ),
        (
            "Zhou Minghai has served in missions in Paris and Oslo, and as Consul-General in Lyon.",
            [[("Zhou Minghai", "Consul General in Lyon", None, None, None, None)]],
        ),
        # the dates after each post are its own; a starting verb dates the first post
        (
            "Zhou Minghai served as consul general in Lyon from 2011 to 2014 and as deputy minister from 2019 to 2022.",
            [None, [("Zhou Minghai", "Deputy Minister", None, "2019", "2022", None)]],
        ),
        (
            "Zhou Minghai joined the Ministry in 1991, at the age of 23, as an attaché in the Asia Department.",
            [[("Zhou Minghai", "Attaché", "Asia Department", "1991", None, None)]],
        ),
        # the nearest name has no verb after it: not a subject, another linker's case
        ("Zhou Minghai met Lu Xiaoqing, and as director, he said so.", [None]),
        # a name right before "as": another linker's case
        ("Zhou Minghai, as Director, spoke.", [None]),
        ("Zhou Minghai served as ambassador.", [None]),
    ],
)
def test_roles_rule_as_in_series(nlp, rules, text: str, expected: list[list[Row] | None]) -> None:
    assert linker_answers(prepared(nlp, rules, text), rules["as_in_series"]) == expected


# -- table rows ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _BUREAU + "== Current directors ==\n\n| Office | Director | Confirmed |\n"
            "| Tirana | Zhou Minghai | 2023.09 |\n| Minsk | Lu Xiaoqing | June 2024 |\n",
            [
                ("Zhou Minghai", "Director", "Bureau of External Affairs", "2023-09", None, True),
                ("Lu Xiaoqing", "Director", "Bureau of External Affairs", "2024-06", None, True),
            ],
        ),
        (
            _BUREAU + "; Directors of the Bureau of External Affairs\n\nName\tIn office\n"
            "Zhou Minghai\tJune 1988 – December 1989\n",
            [("Zhou Minghai", "Director", "Bureau of External Affairs", "1988-06", "1989-12", None)],
        ),
        ("Notes\n\nCity | Population | Founded\nTirana | 500,000 | 1614\n", []),
    ],
)
def test_roles_rule_table_rows(nlp, rules, text: str, expected: list[Row]) -> None:
    doc_roles = prepared(nlp, rules, text)
    assert rows(doc_roles, rules["table_rows"](doc_roles)) == expected
