"""Statements: speakers, cues, direct and reported content, and dates."""

from __future__ import annotations

import pytest


def statements(nlp, text: str) -> list[tuple[str, str, str, bool, str | None]]:
    doc = nlp(text)
    return [
        (
            fact.speaker.name,
            fact.speaker.kind,
            doc.text[fact.content_start : fact.content_end],
            fact.direct,
            fact.date.value if fact.date else None,
        )
        for fact in doc._.ocmfa_statements
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In May 2020, Lu Xiaoqing said that the office would expand its work.",
            [("Lu Xiaoqing", "person", "the office would expand its work", False, "2020-05")],
        ),
        (
            'Zhou Minghai said: "We will keep working with all partners."',
            [("Zhou Minghai", "person", "We will keep working with all partners.", True, None)],
        ),
        (
            "“Our doors are always open to the public,” Zhou Minghai said.",
            [("Zhou Minghai", "person", "Our doors are always open to the public", True, None)],
        ),
        (
            "According to Lu Xiaoqing, the bureau has handled more cases this year.",
            [("Lu Xiaoqing", "person", "the bureau has handled more cases this year", False, None)],
        ),
        (
            'In June 2021, the ministry criticized the council, saying "The claims ignore the facts."',
            [("ministry", "organization", "The claims ignore the facts.", True, "2021-06")],
        ),
        (
            'The report stated that "trade has grown fast in the region."',
            [("report", "other", "trade has grown fast in the region.", True, None)],
        ),
        # The United States is a name, not the verb "states".
        ("It listed what the United States committed against the city.", []),
        # Narrative verbs are not statements.
        ("The office handled 300 cases and opened a new branch.", []),
    ],
)
def test_statements_sentence_rules(nlp, text, expected):
    assert statements(nlp, text) == expected


def test_statements_pronoun_refers_to_last_person(nlp):
    text = "Lu Xiaoqing met the delegates. She stressed that cooperation must continue."
    assert statements(nlp, text) == [("Lu Xiaoqing", "person", "cooperation must continue", False, None)]


def test_statements_quote_across_sentences_kept_whole(nlp):
    text = 'Zhou Minghai said: "We are ready. We will act fast. Nobody should doubt it."'
    ((_, _, content, direct, _),) = statements(nlp, text)
    assert content == "We are ready. We will act fast. Nobody should doubt it."
    assert direct is True


def test_statements_paragraph_date_frames_later_sentence(nlp):
    text = "In March 2018, the council met in the capital. The plan also stipulated: “No group will remain.”"
    assert statements(nlp, text) == [("plan", "other", "No group will remain.", True, "2018-03")]


def test_statements_signed_message_is_one_statement(nlp):
    text = (
        "Message from Ambassador Margaret Holloway\n2021-05-04 10:00\n\n"
        "Welcome to our website. We serve our citizens abroad.\n\n"
        "We value your feedback.\n\nMargaret Holloway\n\nAmbassador of Ruritania\n"
    )
    assert statements(nlp, text) == [
        (
            "Margaret Holloway",
            "person",
            "Welcome to our website. We serve our citizens abroad.\n\nWe value your feedback.",
            False,
            "2021-05-04",
        )
    ]
