"""Roles: each way a text links a title to a person, with organisation and tenure."""

from __future__ import annotations

import pytest


def roles(nlp, text: str) -> list[tuple[str, str, str | None, str | None, str | None, bool | None]]:
    doc = nlp(text)
    names = doc._.ocmfa_people
    return [
        (
            names[r.person_key],
            r.title,
            r.organization,
            r.start.value if r.start else None,
            r.end.value if r.end else None,
            r.current,
        )
        for r in doc._.ocmfa_roles
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Commissioner Zhou Minghai met the delegation.", [("Zhou Minghai", "Commissioner", None, None, None, None)]),
        ("US ambassador Tarquin Feld left.", [("Tarquin Feld", "US Ambassador", None, None, None, None)]),
        (
            "Also in May 2020, the deputy director, Lu Xiaoqing, said that work went on.",
            [("Lu Xiaoqing", "Deputy Director", None, None, None, None)],
        ),
        (
            "On 2 May 2019, Zhou Minghai, then the deputy director of the Protocol Department, left.",
            [("Zhou Minghai", "Deputy Director", "Protocol Department", None, None, None)],
        ),
        (
            "It was opened by the Director of Immigration, Mr Chan Kin-wah.",
            [("Chan Kin-wah", "Director of Immigration", None, None, None, None)],
        ),
        (
            "Members: Lu Xiaoqing (Assistant Minister of Foreign Affairs and Director of the Treaty Department).",
            [
                ("Lu Xiaoqing", "Assistant Minister of Foreign Affairs", None, None, None, None),
                ("Lu Xiaoqing", "Director", "Treaty Department", None, None, None),
            ],
        ),
        (
            "In 1985, the council set up the Trade Group with Zhou Minghai as group leader.",
            [("Zhou Minghai", "Group Leader", None, "1985", None, None)],
        ),
        (
            "Zhou Minghai was appointed as the group leader.",
            [("Zhou Minghai", "Group Leader", None, None, None, None)],
        ),
        (
            "The office was set up with Zhou Minghai as the director and "
            "Lu Xiaoqing, Ma Yong and Qin Ling as deputy directors.",
            [
                ("Zhou Minghai", "Director", None, None, None, None),
                ("Lu Xiaoqing", "Deputy Director", None, None, None, None),
                ("Ma Yong", "Deputy Director", None, None, None, None),
                ("Qin Ling", "Deputy Director", None, None, None, None),
            ],
        ),
        # Rank words are kept exactly: a deputy is not the director.
        ("Deputy Director Ma Yong spoke.", [("Ma Yong", "Deputy Director", None, None, None, None)]),
        # No person, no role.
        ("In 2019, a member of the office tried to stop the event.", []),
    ],
)
def test_roles_sentence_rules(nlp, text, expected):
    assert roles(nlp, text) == expected


def test_roles_current_commissioner_of_subject(nlp):
    text = "= Office of the Commissioner of Somewhere =\n\nThe current commissioner is Zhou Minghai.\n"
    assert roles(nlp, text) == [
        ("Zhou Minghai", "Commissioner", "Office of the Commissioner of Somewhere", None, None, True)
    ]


def test_roles_leader_list_with_notes(nlp):
    text = (
        "= Bureau of External Affairs =\n\n== Leaders ==\n\n; Director of the Bureau of External Affairs\n\n"
        "1. Zhou Minghai (June 1988 – December 1989)\n"
        "2. Lu Xiaoqing (January 2023 – Incumbent, concurrently Minister of Commerce since July 2023)\n"
    )
    assert roles(nlp, text) == [
        ("Zhou Minghai", "Director", "Bureau of External Affairs", "1988-06", "1989-12", None),
        ("Lu Xiaoqing", "Director", "Bureau of External Affairs", "2023-01", None, True),
        ("Lu Xiaoqing", "Minister of Commerce", None, "2023-07", None, None),
    ]


def test_roles_infobox_merges_with_list(nlp):
    text = (
        "= Bureau of External Affairs =\n\n- Chief1 Name: Lu Xiaoqing\n- Chief1 Position: Director\n\n"
        "; Director of the Bureau of External Affairs\n\n1. Lu Xiaoqing (January 2023 – Incumbent)\n"
    )
    assert roles(nlp, text) == [("Lu Xiaoqing", "Director", "Bureau of External Affairs", "2023-01", None, True)]


def test_roles_signature(nlp):
    text = (
        "Message from the Consul General\n\nWelcome to our site.\n\n"
        "Margaret Holloway\n\nConsul General of Ruritania in Hong Kong\n"
    )
    assert ("Margaret Holloway", "Consul General of Ruritania in Hong Kong", None, None, None, None) in roles(nlp, text)
