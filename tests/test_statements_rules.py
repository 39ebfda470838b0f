"""The statement rules, each applied alone to a document the earlier stages prepared.

Each rule is called directly with the settings of its line in
``patterns/rules/statements.jsonl``; the lookups of other kinds it asks the document for
(the speaker after a cue, the date of a statement) are the configured ones.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ocmfa_extract.components.layout import sentences
from ocmfa_extract.components.statements import StatementsComponent, _DocStatements
from ocmfa_extract.components.statements.document import Speaker, make_fact
from ocmfa_extract.facts import StatementFact
from ocmfa_extract.models import DateValue
from ocmfa_extract.patterns import PatternError, load_patterns
from ocmfa_extract.pipeline import build_pipeline
from ocmfa_extract.rulebook import ConfiguredRule, stage_rules

STAGE = "statements"


@pytest.fixture(scope="module")
def component(nlp: Language) -> StatementsComponent:
    return nlp.get_pipe("ocmfa_statements")  # type: ignore[return-value]


@pytest.fixture(scope="module")
def rules(patterns_dir: Path) -> dict[str, ConfiguredRule]:
    return {configured.spec.rule_id: configured for configured in stage_rules(load_patterns(patterns_dir), STAGE)}


def prepared(nlp: Language, text: str) -> Doc:
    """``text`` through every stage before statements."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != "ocmfa_statements":
            doc = proc(doc)
    return doc


def state_of(nlp: Language, component: StatementsComponent, text: str) -> _DocStatements:
    doc = prepared(nlp, text)
    return _DocStatements(doc, filter_spans(component.phrases.match(doc)), component.rules)


def cue_named(state: _DocStatements, word: str) -> Span:
    return next(cue for cue in state.cues if cue.text == word)


def sentence_with(state: _DocStatements, word: str) -> Span:
    return next(sentence for sentence in sentences(state.doc) if word in sentence.text)


def contents(state: _DocStatements, facts: list[StatementFact]) -> list[tuple[str, str, str]]:
    return [(fact.speaker, fact.rule_id, state.text[fact.content_start : fact.content_end]) for fact in facts]


def rule_id(name: str) -> str:
    return f"ocmfa.statements.{name}.v1"


# -- cue filters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "kept"),
    [
        ("The minister said the talks went well.", "said", True),
        ("Said to be the oldest, the bridge still stands.", "Said", True),  # a sentence's first word
        ("It listed what the United States committed against the city.", "States", False),
    ],
)
def test_verb_cue_not_a_name(nlp, component, rules, text, word, kept):
    doc = prepared(nlp, text)
    cue = next(span for span in component.phrases.match(doc) if span.text == word)
    state = _DocStatements(doc, [])
    assert rules[rule_id("verb_cue_not_a_name")](state, cue) is kept


@pytest.mark.parametrize(
    ("text", "word", "kept"),
    [
        ("The annual report stated that exports rose.", "report", True),
        ("Report after report stated the same thing.", "Report", False),  # nothing before it
        ("Officials said Oslo would study the offer.", "study", False),  # a verb after "would"
        ("Officials said that study showed little.", "study", True),
        ("Officials said the talks went well.", "said", True),  # not a document cue
    ],
)
def test_document_cue_is_a_noun(nlp, component, rules, text, word, kept):
    doc = prepared(nlp, text)
    cue = next(span for span in component.phrases.match(doc) if span.text == word)
    state = _DocStatements(doc, [], component.rules)
    assert rules[rule_id("document_cue_is_a_noun")](state, cue) is kept


# -- document readers -------------------------------------------------------------------

_MESSAGE = (
    "Message from Consul General Petra Lindqvist\n2022-03-01 09:00\n\n"
    "Greetings to all our readers. Our team serves every traveller.\n\n"
    "We welcome your letters.\n\nPetra Lindqvist\n\nConsul General of Arendelle\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _MESSAGE,
            [
                (
                    "Petra Lindqvist",
                    "signed_document",
                    "Greetings to all our readers. Our team serves every traveller.\n\nWe welcome your letters.",
                )
            ],
        ),
        # Not headed "Message from ...": no statement of the whole document.
        (_MESSAGE.replace("Message from ", "Visit of "), []),
    ],
)
def test_signed_document(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    assert contents(state, rules[rule_id("signed_document")](state)) == expected


_BRIEFING = (
    "Press Secretary Amara Osei's Daily Briefing\n\n2022-06-07 18:00\n\n"
    "Reuters: Can you confirm the date of the summit?\n\n"
    "Amara Osei: The summit will take place after the elections in the autumn.\n\n"
    "Press Secretary Amara Osei: We will publish the programme soon.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            _BRIEFING,
            [
                ("Amara Osei", "transcript_turn", "The summit will take place after the elections in the autumn."),
                ("Amara Osei", "transcript_turn", "We will publish the programme soon."),
            ],
        ),
        # A label that names no person (a news agency) is a question, not a statement.
        ("Reuters: Can you confirm the date of the summit?\n", []),
    ],
)
def test_named_turn(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    assert contents(state, rules[rule_id("named_turn")](state)) == expected


_INTERVIEW = (
    "INTERVIEW | A diplomat at home\n\nBy Oliver Grant\nPublished: 9 July 2023\n\n"
    "Henrik Dahl came here in spring. Henrik Dahl talked in his garden. "
    "The interview, recorded on 2 July, was shortened.\n\n"
    "Q: What do you miss?\n\nA: The long summer evenings and the quiet of the northern lakes.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The interviewee is the person the introduction names most, not the byline's.
        (
            _INTERVIEW,
            [("Henrik Dahl", "transcript_turn", "The long summer evenings and the quiet of the northern lakes.")],
        ),
        # Nobody introduced: no one to give the answer to.
        ("Q: What do you miss?\n\nA: The long summer evenings by the lakes.\n", []),
    ],
)
def test_answer_turn(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    facts = rules[rule_id("answer_turn")](state)
    assert contents(state, facts) == expected
    assert [fact.date.value if fact.date else None for fact in facts] == ["2023-07-02"] * len(expected)


def test_answer_turn_leaves_a_turn_already_read(nlp, component, rules):
    state = state_of(nlp, component, _INTERVIEW)
    state.read_so_far = rules[rule_id("answer_turn")](state)
    assert rules[rule_id("answer_turn")](state) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“We have opened three new offices this year,” Henrik Dahl said.",
            [("Henrik Dahl", "quote_then_speaker", "We have opened three new offices this year")],
        ),
        (
            "“The talks were useful”, said Henrik Dahl.",
            [("Henrik Dahl", "quote_then_speaker", "The talks were useful")],
        ),
        # The quotation does not open its sentence.
        ("He called it “a useful meeting of minds,” Henrik Dahl said.", []),
        # No reporting cue after it.
        ("“We have opened three new offices this year.” The office is busy.", []),
    ],
)
def test_quote_then_speaker(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    assert contents(state, rules[rule_id("quote_then_speaker")](state)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“The talks were useful”, said Henrik Dahl. “We will meet again in June.”",
            [("Henrik Dahl", "quote_continued", "We will meet again in June.")],
        ),
        # Words between the two quotations: the second is not a continuation.
        ("“The talks were useful”, said Henrik Dahl. Then he left. “We will meet again in June.”", []),
    ],
)
def test_quote_continued(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    state.read_so_far = rules[rule_id("quote_then_speaker")](state)
    assert contents(state, rules[rule_id("quote_continued")](state)) == expected


def test_quote_continued_needs_an_attributed_quotation(nlp, component, rules):
    state = state_of(nlp, component, "“The talks were useful”, said Henrik Dahl. “We will meet again in June.”")
    assert rules[rule_id("quote_continued")](state) == []  # nothing attributed before it


# -- sentence rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Henrik Dahl opened the fair, saying that trade mattered, and said it was a good day.", "said"),
        ("Henrik Dahl opened the fair, saying that trade mattered.", "saying"),
        ("Henrik Dahl opened the fair in the morning.", None),
    ],
)
def test_main_cue(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    sentence = sentences(state.doc)[0]
    cues = state.cues_by_token.between(sentence.start, sentence.end)
    main = rules[rule_id("main_cue")](state, cues)
    assert (main.text if main is not None else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "According to Henrik Dahl, the embassy has issued more visas this spring.",
            [("Henrik Dahl", "according_to", "the embassy has issued more visas this spring")],
        ),
        (
            "The embassy has issued more visas this spring, according to Henrik Dahl.",
            [("Henrik Dahl", "according_to", "The embassy has issued more visas this spring")],
        ),
        # Too short a clause on either side.
        ("According to Henrik Dahl, yes.", []),
        # Nobody named after the cue.
        ("According to custom, the embassy closes in August.", []),
    ],
)
def test_according_to(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    sentence = sentences(state.doc)[0]
    main = next(cue for cue in state.cues if cue.label_ == "ACCORDING")
    fact = rules[rule_id("according_to")](state, sentence, main, [main])
    assert contents(state, [fact] if fact else []) == expected


def test_according_to_reads_only_its_cue(nlp, component, rules):
    state = state_of(nlp, component, "Henrik Dahl said that the embassy has issued more visas.")
    main = cue_named(state, "said")
    assert rules[rule_id("according_to")](state, sentences(state.doc)[0], main, [main]) is None


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        (
            "Henrik Dahl said that the new office would open next month.",
            "said",
            [("Henrik Dahl", "say:said", "the new office would open next month")],
        ),
        # Past the listener to the "that".
        (
            "Henrik Dahl told the Herald that the new office would open next month.",
            "told",
            [("Henrik Dahl", "say:told", "the new office would open next month")],
        ),
        # The quotation after the cue is the content, direct.
        (
            "Henrik Dahl said: “The new office will open next month.”",
            "said",
            [("Henrik Dahl", "say:said", "The new office will open next month.")],
        ),
        # Too little content.
        ("Henrik Dahl said no.", "said", []),
        # Nobody to say it.
        ("It was said that the new office would open next month.", "said", []),
    ],
)
def test_cue_then_content(nlp, component, rules, text, word, expected):
    state = state_of(nlp, component, text)
    sentence = sentences(state.doc)[0]
    cues = state.cues_by_token.between(sentence.start, sentence.end)
    fact = rules[rule_id("cue_then_content")](state, sentence, cue_named(state, word), cues)
    assert contents(state, [fact] if fact else []) == expected


# -- speakers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("“We are ready,” said Mr Henrik Dahl.", "said", Speaker("Henrik Dahl", "person", "henrikdahl")),
        ("“We are ready,” said the ministry.", "said", "organization"),
        ("“We are ready,” said a spokesman for the ministry.", "said", "organization"),
        ("“We are ready,” he said quietly.", "said", None),
    ],
)
def test_speaker_after_cue(nlp, component, rules, text, word, expected):
    state = state_of(nlp, component, text)
    speaker = rules[rule_id("speaker_after_cue")](state, cue_named(state, word).end)
    if isinstance(expected, str):
        assert speaker is not None and speaker.kind == expected
    else:
        assert speaker == expected


@pytest.mark.parametrize(
    ("text", "first", "expected"),
    [
        ("Henrik Dahl said that trade grew.", False, "Henrik Dahl"),
        # An aside's name is passed over.
        ("Henrik Dahl, who met Petra Lindqvist, said that trade grew.", False, "Henrik Dahl"),
        # The nearest, or with ``first`` the first.
        ("Henrik Dahl met Petra Lindqvist and said that trade grew.", False, "Petra Lindqvist"),
        ("Henrik Dahl met Petra Lindqvist and said that trade grew.", True, "Henrik Dahl"),
        ("On Monday it was said that trade grew.", False, None),
    ],
)
def test_speaker_before_cue(nlp, component, rules, text, first, expected):
    state = state_of(nlp, component, text)
    cue = cue_named(state, "said")
    speaker = rules[rule_id("speaker_before_cue")](state, 0, cue.start_char, first)
    assert (speaker.name if speaker else None) == expected


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (Speaker("ministry", "organization", None), Speaker("ministry", "organization", None)),
        (Speaker("Henrik Dahl", "person", "henrikdahl"), None),  # "it" is no person
        (None, None),
    ],
)
def test_pronoun_is_last_body(nlp, component, rules, last, expected):
    state = state_of(nlp, component, "The ministry met on Monday. It said that talks would go on.")
    state.last_speaker = last
    assert rules[rule_id("pronoun_is_last_body")](state, cue_named(state, "It")) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("A spokesman for the ministry said that talks would go on.", "spokesman", "organization"),
        ("The ministry said that talks would go on.", "said", None),  # not a spokesman cue
    ],
)
def test_spokesman_for_body(nlp, component, rules, text, word, expected):
    state = state_of(nlp, component, text)
    cue = next(c for c in state.cues if word in c.text)
    speaker = rules[rule_id("spokesman_for_body")](state, cue)
    assert (speaker.kind if speaker else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The 2023 Treaty Report said that relations improved.", "2023 Treaty Report"),
        ("The report said that relations improved.", "report"),
        ("The minister said that relations improved.", None),
    ],
)
def test_document_is_speaker(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    cue = next(c for c in state.cues if c.text.casefold() in {"report", "said"})
    speaker = rules[rule_id("document_is_speaker")](state, cue)
    assert (speaker.name if speaker else None) == expected


# -- dating -----------------------------------------------------------------------------


def _date_of(state: _DocStatements, rule: ConfiguredRule, word: str = "said") -> tuple[str | None, bool] | None:
    cue = cue_named(state, word)
    sentence = sentence_with(state, word)
    that = state.text.find(" that ", cue.end_char)
    content = (that + len(" that "), sentence.end_char)
    answer = rule(state, sentence, content, cue)
    if answer is None:
        return None
    date, own = answer
    return (date.value if date else None), own


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In May 2020, Henrik Dahl said that the office would grow.", ("2020-05", True)),
        ("Henrik Dahl said on 3 May 2021 that the office would grow.", ("2021-05-03", True)),
        # In an aside, or in the content: not the statement's date.
        ("Henrik Dahl, who arrived in 2019, said that the office would grow.", None),
        ("Henrik Dahl said that the office would grow in 2030.", None),
    ],
)
def test_date_in_own_sentence(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    assert _date_of(state, rules[rule_id("date_in_own_sentence")]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In March 2018, the council met in the capital. Henrik Dahl said that it went well.", ("2018-03", False)),
        # A date deep in an earlier sentence does not open it.
        ("The council met in the capital in the first week of March 2018. Henrik Dahl said that it went well.", None),
    ],
)
def test_date_opening_earlier_sentence(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    assert _date_of(state, rules[rule_id("date_opening_earlier_sentence")]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("OSLO, March 6, 2024 — The meeting ended.\n\nHenrik Dahl said that it went well.", ("2024-03-06", False)),
        ("Henrik Dahl said that it went well.", (None, False)),
    ],
)
def test_document_date(nlp, component, rules, text, expected):
    state = state_of(nlp, component, text)
    assert _date_of(state, rules[rule_id("document_date")]) == expected


def test_carry_paragraph_date(nlp, component, rules):
    text = "Henrik Dahl spoke first. He said that it went well.\n\nHe said that it rained."
    state = state_of(nlp, component, text)
    speaker = Speaker("Henrik Dahl", "person", "henrikdahl")
    may = DateValue(value="2020-05", precision="month")

    def fact(start: int, date: DateValue | None, own: bool) -> StatementFact:
        return make_fact(speaker, "said", (start, start + 5), False, (start, start + 10), date, "say:said", own)

    first, same, other = fact(0, may, True), fact(25, None, False), fact(53, None, False)
    carried = rules[rule_id("carry_paragraph_date")](state, [first, same, other])
    assert [(f.date, f.date_is_own) for f in carried] == [(may, True), (may, True), (None, False)]


# -- the stage as a whole ---------------------------------------------------------------


def test_disabled_rules_remove_the_rule_s_records(patterns_dir: Path):
    text = "“We have opened three new offices this year,” Henrik Dahl said. The office is busy."
    nlp = build_pipeline(patterns_dir)
    enabled = [fact.rule_id for fact in nlp(text)._.ocmfa_statements]
    nlp.replace_pipe(
        "ocmfa_statements",
        "ocmfa_statements",
        config={"patterns_dir": str(patterns_dir), "disabled_rules": [rule_id("quote_then_speaker")]},
    )
    disabled = [fact.rule_id for fact in nlp(text)._.ocmfa_statements]
    assert "quote_then_speaker" in enabled
    assert "quote_then_speaker" not in disabled


def test_a_bad_settings_line_is_a_pattern_error_with_its_line(patterns_dir: Path, tmp_path: Path):
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    path = copy / "rules" / "statements.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if "quote_then_speaker" in line)
    line = json.loads(lines[number - 1])
    line["speaker_order"] = ["beside_cue"]
    lines[number - 1] = json.dumps(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PatternError) as raised:
        stage_rules(load_patterns(copy), STAGE)
    assert raised.value.path == path
    assert raised.value.line == number
    assert f"statements.jsonl:{number}: speaker_order" in str(raised.value)


_ROUND_TRIP = """
import json, sys
import spacy
import ocmfa_extract.components.statements  # registers the factory
from ocmfa_extract.pipeline import build_pipeline

loaded = spacy.load(sys.argv[1])
full = build_pipeline()
doc = full.make_doc(sys.argv[2])
for name, proc in full.pipeline:
    if name != "ocmfa_statements":
        doc = proc(doc)
doc = loaded.get_pipe("ocmfa_statements")(doc)
print(json.dumps([fact.model_dump(mode="json") for fact in doc._.ocmfa_statements]))
"""


def test_a_saved_component_loads_elsewhere_without_its_patterns(nlp: Language, patterns_dir: Path, tmp_path: Path):
    copy = tmp_path / "patterns"
    shutil.copytree(patterns_dir, copy)
    alone = spacy.blank("en")
    alone.add_pipe("ocmfa_statements", config={"patterns_dir": str(copy)})
    alone.to_disk(tmp_path / "saved")
    shutil.rmtree(copy)  # the folder it was built from is gone
    text = "“We have opened three new offices this year,” Henrik Dahl said. He said that the office is busy."
    run = subprocess.run(
        [sys.executable, "-c", _ROUND_TRIP, str(tmp_path / "saved"), text], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    expected = [fact.model_dump(mode="json") for fact in nlp(text)._.ocmfa_statements]
    assert json.loads(run.stdout) == expected
    assert len(expected) == 2
