"""Statements: speakers, cues, direct and reported content, and dates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocmfa_extract.components.statements import _DocStatements, find_quotes


def statements(nlp, text: str) -> list[tuple[str, str, str, bool, str | None]]:
    doc = nlp(text)
    return [
        (
            fact.speaker,
            fact.speaker_type,
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“Borders do not stop our citizens,” Tan Boon Huat, Singapore’s Second Permanent Secretary, "
            "said in his closing remarks.",
            [("Tan Boon Huat", "person", "Borders do not stop our citizens", True, None)],
        ),
        (
            "Khalid Al-Mansouri spoke last. “We must plan for that”, said Al-Mansouri.",
            [("Khalid Al-Mansouri", "person", "We must plan for that", True, None)],
        ),
        (
            "The UAE evacuated more than 2,500 people in 2023, according to Khalid Al-Mansouri, the UAE’s minister.",
            [("Khalid Al-Mansouri", "person", "The UAE evacuated more than 2,500 people in 2023", False, None)],
        ),
        (
            "Dr Leung Wai-man welcomed Ms Ratna Dewi, who took up her post in 2019, "
            "and said that trade was growing fast.",
            [("Leung Wai-man", "person", "trade was growing fast", False, None)],
        ),
        (
            "Lu Xiaoqing, who heads the office's consular department, told the Observer that cases rose sharply.",
            [("Lu Xiaoqing", "person", "cases rose sharply", False, None)],
        ),
        (
            "Margaret Holloway, First Assistant Secretary of the Consular Division, said the plan would help everyone.",
            [("Margaret Holloway", "person", "the plan would help everyone", False, None)],
        ),
        (
            "Ms Leong introduced the bureau's services, noting that the bureau had handled many applications.",
            [("Leong", "person", "the bureau had handled many applications", False, None)],
        ),
        # "study" after "would" is a verb, not a document that speaks.
        ("A Japanese official said Tokyo would study the proposal carefully.", []),
    ],
)
def test_statements_speakers_and_contents(nlp, text, expected):
    assert statements(nlp, text) == expected


def test_statements_transcript_turns(nlp):
    text = (
        "Spokesperson Zhou Minghai's Regular Press Conference\n\n2023-10-10 20:15\n\n"
        "CCTV: Could you share more details about the visit?\n\n"
        "Zhou Minghai: The visit will deepen mutual trust between the two countries.\n"
    )
    assert statements(nlp, text) == [
        ("Zhou Minghai", "person", "The visit will deepen mutual trust between the two countries.", False, "2023-10-10")
    ]


def test_statements_interview_answers_belong_to_the_interviewee(nlp):
    text = (
        "INTERVIEW | The envoy speaks\n\nBy Andrew Lam\nPublished: 3 June 2024\n\n"
        "Catherine Beaulieu arrived last year. Catherine Beaulieu spoke in her office. "
        "The interview, conducted on 28 May, has been edited.\n\n"
        "Q: What surprised you?\n\nA: How many Canadians live here, and how welcoming the city is.\n"
    )
    assert statements(nlp, text) == [
        (
            "Catherine Beaulieu",
            "person",
            "How many Canadians live here, and how welcoming the city is.",
            False,
            "2024-05-28",
        )
    ]


def test_statements_date_carries_through_a_paragraph(nlp):
    text = "On 14 May 2023, Ms Lu Xiaoqing said that the office was ready. She pointed out that travel had recovered."
    assert [date for *_, date in statements(nlp, text)] == ["2023-05-14", "2023-05-14"]


def test_statements_aside_date_is_not_the_statement_date(nlp):
    text = (
        "SINGAPORE, March 6, 2024 — The meeting ended.\n\n"
        "Zheng Haoming, who arrived in August 2020, said that the office had grown quickly."
    )
    assert statements(nlp, text) == [("Zheng Haoming", "person", "the office had grown quickly", False, "2024-03-06")]


def reference_quotes(text: str) -> list[tuple[int, int]]:
    """The quotation rule as a plain loop over the characters, to check find_quotes against."""
    pairs = {"“": "”", '"': '"', "‘": "’"}
    quotes, index = [], 0
    while index < len(text):
        char = text[index]
        if char in pairs and (char != "‘" or index == 0 or not text[index - 1].isalnum()):
            end = text.find(pairs[char], index + 1)
            limit = end if end != -1 else len(text)
            # A blank line: a line break, spaces or tabs, a line break.
            blank = next(
                (
                    j
                    for j in range(index + 1, limit)
                    if text[j] == "\n" and text[j + 1 : limit].lstrip(" \t")[:1] == "\n"
                ),
                None,
            )
            if blank is not None:
                quotes.append((index + 1, len(text[:blank].rstrip())))
                index = blank
                continue
            if end != -1:
                quotes.append((index + 1, end))
                index = end + 1
                continue
        index += 1
    return quotes


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab “”"‘’ 1.\n\t')), max_size=80))
def test_find_quotes_follows_the_rule_on_any_text(text: str):
    assert find_quotes(text) == reference_quotes(text)


_QUOTE_TEXT = st.lists(st.sampled_from(["a", " ", ".", "“", "”", '"', "‘", "’", "\n", "said", "that"]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(_QUOTE_TEXT)
def test_quotation_lookups_agree_with_a_scan_of_every_quotation(nlp, pieces: list[str]):
    """The bisecting lookups over the quotations give what scanning them all gives."""
    text = "".join(pieces)
    statements = _DocStatements(nlp(text), [])
    quotes = statements.quotes
    for offset in range(len(text) + 2):
        assert statements._quoted(offset) == any(start <= offset < end for start, end in quotes)
        for end in range(offset, len(text) + 2):
            assert statements._quote_between(offset, end) == any(offset < start - 1 < end for start, _ in quotes)


PRESS_CONFERENCE = """Foreign Ministry Spokesperson Lin Jiahao's Regular Press Conference on March 3, 2031

Spokesperson Lin Jiahao: Premier Okafor of Nigeria will pay an official visit to China from March 9 to 12.

Xinhua: What are the expectations for the visit?

Foreign Ministry Spokesperson Lin Jiahao: The two sides will sign agreements on trade and health.

Meeting with Lin Jiahao: the delegation discussed consular cooperation.
"""


def test_a_turn_label_may_put_a_title_before_the_name(nlp):
    found = statements(nlp, PRESS_CONFERENCE)
    turns = [(speaker, content) for speaker, _, content, _, _ in found if speaker == "Lin Jiahao"]
    assert turns == [
        ("Lin Jiahao", "Premier Okafor of Nigeria will pay an official visit to China from March 9 to 12."),
        ("Lin Jiahao", "The two sides will sign agreements on trade and health."),
    ]
    # A journalist's question is no statement, nor is a heading that merely names someone.
    assert not any("expectations" in content or "delegation" in content for _, _, content, _, _ in found)


INTERVIEW = """INTERVIEW
Ambassador Ilse Brandvold on Arctic shipping

By Tomas Ferreira, Senior Correspondent
Published: 4 May 2031

OSLO – Ilse Brandvold took up her post in January. She previously served in Ottawa, and she speaks four languages.

Q: What is your first priority?

A: Shipping safety. My predecessor, Henrik Dahl, began the talks. He is now in Tokyo. He still follows them.

Q: And after that?

A: Fisheries, and the students who come to study here.
"""


def test_interview_answers_are_the_interviewees_not_the_bylines_or_another_persons(nlp):
    found = statements(nlp, INTERVIEW)
    answers = [
        (speaker, content) for speaker, _, content, _, _ in found if content.startswith(("Shipping", "Fisheries"))
    ]
    assert [speaker for speaker, _ in answers] == ["Ilse Brandvold", "Ilse Brandvold"]
    people = {span.text for span in nlp(INTERVIEW).spans["ocmfa_people"]}
    assert "Correspondent" not in people  # "Senior Correspondent" is the byline's job, not a name


SIGNED_WELCOME = """Welcome from the Ambassador
Article 03.02.2031

Dear visitors,

welcome to the website of the Embassy of the Kingdom of Norway in Canberra! Our work brings people together.

I look forward to meeting many of you.

Dr. Ingrid Solbakken
Ambassador of the Kingdom of Norway to Australia

Embassy of the Kingdom of Norway
17 Hunter Street, Yarralumla
"""


def test_a_welcome_page_is_the_words_of_its_signatory(nlp):
    doc = nlp(SIGNED_WELCOME)
    assert doc._.ocmfa_people[doc._.ocmfa_author] == "Ingrid Solbakken"
    (fact,) = [fact for fact in doc._.ocmfa_statements if fact.rule_id == "signed_document"]
    content = doc.text[fact.content_start : fact.content_end]
    assert fact.speaker == "Ingrid Solbakken"
    assert content.startswith("Dear visitors") and content.endswith("many of you.")  # not the signature


def test_statements_quotation_going_on_into_the_next_paragraph_stops_at_its_end(nlp):
    """A quotation continued in the next paragraph leaves its mark open; the marks after it still pair."""
    text = (
        '"Our two countries have built trust," Kang Minho said. "Kazakhstan is a natural partner.\n\n'
        '"Today we want concrete projects," he added.\n\n'
        "Almas Nurlanovich Zhaksylykov, who has been deputy minister since 2022, said Kazakhstan welcomed investment.\n"
    )
    assert statements(nlp, text) == [
        ("Kang Minho", "person", "Our two countries have built trust", True, None),
        ("Kang Minho", "person", "Kazakhstan is a natural partner.", True, None),
        ("Kang Minho", "person", "Today we want concrete projects", True, None),
        ("Almas Nurlanovich Zhaksylykov", "person", "Kazakhstan welcomed investment", False, None),
    ]
