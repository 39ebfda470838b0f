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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Zhou Minghai, commissioner from March 2015 to August 2020, opened the hall.",
            [("Zhou Minghai", "Commissioner", None, "2015-03", "2020-08", None)],
        ),
        (
            "From 2008 to 2011 Lu Xiaoqing served as Consul General in Sydney.",
            [("Lu Xiaoqing", "Consul General in Sydney", None, "2008", "2011", None)],
        ),
        (
            "Lu Xiaoqing joined in 1988. "
            "In 2003 she became Director of the Treaty Division, a post she held until 2005.",
            [("Lu Xiaoqing", "Director", "Treaty Division", "2003", "2005", None)],
        ),
        (
            "In 2014 Ma Yong was appointed Ambassador to Hungary. He left the post in March 2017.",
            [("Ma Yong", "Ambassador to Hungary", None, "2014", "2017-03", None)],
        ),
        (
            "The current ambassador is Ma Yong, who arrived in August 2020.",
            [("Ma Yong", "Ambassador", None, "2020-08", None, True)],
        ),
        (
            "Tan Boon Huat, Singapore's Second Permanent Secretary for Foreign Affairs, said so.",
            [("Tan Boon Huat", "Second Permanent Secretary for Foreign Affairs", None, None, None, None)],
        ),
        (
            "The Acting Secretary for Commerce and Economic Development, Dr Leung Wai-man, met the press.",
            [("Leung Wai-man", "Acting Secretary for Commerce and Economic Development", None, None, None, None)],
        ),
        (
            "Deputy Director Ma Yong, Ms Lu Xiaoqing, the Secretary for Justice, and others attended.",
            [
                ("Ma Yong", "Deputy Director", None, None, None, None),
                ("Lu Xiaoqing", "Secretary for Justice", None, None, None, None),
            ],
        ),
    ],
)
def test_roles_tenure_and_apposition_shapes(nlp, text, expected):
    assert roles(nlp, text) == expected


def test_roles_infobox_key_is_the_title_and_list_under_wiki_heading(nlp):
    text = (
        "= Embassy of Ruritania, Tokyo =\n\n- Ambassador: Margaret Holloway\n- Website: example.org\n\n"
        "=== Ambassadors of Ruritania to Japan ===\nA partial list.\n\n"
        "* David Okafor (1990–1993)\n* Margaret Holloway (14 October 2019 – present)\n"
    )
    found = roles(nlp, text)
    assert ("David Okafor", "Ambassador of Ruritania to Japan", "Embassy of Ruritania", "1990", "1993", None) in found
    assert ("Margaret Holloway", "Ambassador", "Embassy of Ruritania", None, None, None) in found
    assert (
        "Margaret Holloway",
        "Ambassador of Ruritania to Japan",
        "Embassy of Ruritania",
        "2019-10-14",
        None,
        True,
    ) in found


def test_roles_first_person_in_a_signed_message(nlp):
    text = (
        "Message from Consul-General Hiroshi Takeda\nJanuary 15, 2024\n\n"
        "I assumed my post as Consul-General of Japan in Hong Kong on December 4, 2023.\n\n"
        "From 2002 to 2005 I worked at this Consulate-General as Consul.\n"
    )
    found = roles(nlp, text)
    assert ("Hiroshi Takeda", "Consul General of Japan in Hong Kong", None, "2023-12-04", None, None) in found
    assert ("Hiroshi Takeda", "Consul", None, "2002", "2005", None) in found


def test_roles_signature_after_an_honorific(nlp):
    text = (
        "Welcome from the Ambassador\n\nDear visitors, welcome to our website.\n\n"
        "Dr. Ingrid Solbakken\nAmbassador of the Kingdom of Norway to Australia\n"
    )
    found = roles(nlp, text)
    assert [(person, title) for person, title, *_ in found] == [
        ("Ingrid Solbakken", "Ambassador of Kingdom of Norway to Australia")
    ]


def test_roles_assumed_duties_as_title_dates_the_start(nlp):
    text = "Anna Berg assumed her duties as Consul General of Sweden in Shanghai on 2 September 2024."
    assert ("Anna Berg", "Consul General of Sweden in Shanghai", None, "2024-09-02", None, None) in roles(nlp, text)


def test_roles_presented_credentials_as_title_dates_the_start(nlp):
    text = "Ingrid Solbakken presented her credentials as Ambassador of Norway to Australia on 14 November 2023."
    assert ("Ingrid Solbakken", "Ambassador of Norway to Australia", None, "2023-11-14", None, None) in roles(nlp, text)
