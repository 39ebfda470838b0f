"""People: names from lexicons and context, rejections, short forms linked to full names."""

from __future__ import annotations

import pytest

from ocmfa_extract.components.people import PEOPLE_KEY


def people(nlp, text: str) -> dict[str, list[str]]:
    """Canonical name -> the mention texts of that person."""
    doc = nlp(text)
    names = doc._.ocmfa_people
    found: dict[str, list[str]] = {}
    for span in doc.spans[PEOPLE_KEY]:
        found.setdefault(names[span.kb_id_], []).append(span.text)
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks were led by Zhou Minghai and Lu Xiaoqing.", ["Zhou Minghai", "Lu Xiaoqing"]),
        ("Officials met Leung Chun-fai on Monday.", ["Leung Chun-fai"]),
        ("The deputy head, Ouyang Ming, spoke.", ["Ouyang Ming"]),
        ("Critics included David Okafor and Margaret Holloway.", ["David Okafor", "Margaret Holloway"]),
        ("The envoy, Mr Brandt Koller, arrived.", ["Brandt Koller"]),
        ("US ambassador Tarquin Feld said little.", ["Tarquin Feld"]),
        ("Consul General Hiroshi Takeda opened the fair.", ["Hiroshi Takeda"]),
        # Places, buildings and organisations are not people.
        ("A dinner was held at a Wan Chai social club.", []),
        ("The office is on Kennedy Road in Hong Kong.", []),
        ("The Foreign Affairs Office issued a notice.", []),
        ("- Logo: Emblem.svg\n- Headquarters: Zhongnanhai, Beijing", []),
        ("Commissioner Liu Guangyuan Met Outgoing CG of Spain", ["Liu Guangyuan"]),
        # Names longer than the patterns grow over the name words after them, not over a headline's.
        (
            "Ambassador Luiz Fernando Vasconcellos Moreira presented his credentials.",
            ["Luiz Fernando Vasconcellos Moreira"],
        ),
        (
            "Deputy Foreign Minister Almas Nurlanovich Zhaksylykov co-chaired the talks.",
            ["Almas Nurlanovich Zhaksylykov"],
        ),
        ("The answer was given by Ms Ama Serwaa Boakye-Danquah, the minister.", ["Ama Serwaa Boakye-Danquah"]),
        ("H.E. Alhaji Abdul-Rashid Sulemana presented his letters.", ["Abdul-Rashid Sulemana"]),
        ("Sheikh Mohammed bin Rashid Al Maktoum sent a message.", ["Mohammed bin Rashid Al Maktoum"]),
        ("Minister Wang Dongming Meets Visiting Kazakh Delegation", ["Wang Dongming"]),
        (
            "Speech by the Vice Minister, Ambassador Ana Lucía Gamarra Villanueva, at the Forum",
            ["Ana Lucía Gamarra Villanueva"],
        ),
        # Other naming traditions.
        ("The minister, Nguyen Thi Hoa, met Tran Van Binh.", ["Nguyen Thi Hoa", "Tran Van Binh"]),
        ("Ambassador Jorge Ramírez Solano arrived.", ["Jorge Ramírez Solano"]),
        ("Khalid bin Hamad Al-Harthy spoke.", ["Khalid bin Hamad Al-Harthy"]),
        # Arabic name chains: a given name unknown to the lexicons before "bin"/"bint", two
        # generations, and the article as a separate word.
        ("She is the daughter of Mouza bint Rashid Al-Kindi.", ["Mouza bint Rashid Al-Kindi"]),
        ("Saif bin Sultan bin Majid Al-Maamari chaired it.", ["Saif bin Sultan bin Majid Al-Maamari"]),
        ("I met Dr Omar Faisal Al Mansoori, the Assistant Minister.", ["Omar Faisal Al Mansoori"]),
        # Names no lexicon knows, vouched for by a title in apposition.
        ("It was co-chaired by Pornthip Srisuwan, Director-General of the Treaty Department.", ["Pornthip Srisuwan"]),
        ("The meeting was led by Odgerel Batbayar, Deputy Minister of Foreign Affairs.", ["Odgerel Batbayar"]),
        ("Thailand's ambassador to Laos, Kittisak Thongdee, presented his credentials.", ["Kittisak Thongdee"]),
        ("Units of the People's Liberation Army, the General Staff and others took part.", []),
        ("The ambassador visited Hanoi, Da Nang, and Hue.", []),
        ("He lives in Muscat with his wife, Fatima, and their son Karim.", ["Fatima", "Karim"]),
        ("They have three children: Salma, Yusuf and Rashid.", ["Salma", "Yusuf", "Rashid"]),
        ("Our daughters, Saoirse, 11, and Niamh, 8, love it.", ["Saoirse", "Niamh"]),
        ("The children of Hong Kong and Macao sang.", []),
    ],
)
def test_people_names(nlp, text, expected):
    assert list(people(nlp, text)) == expected


def test_people_short_forms_attach_to_full_name(nlp):
    text = (
        "The ceremony was officiated by the Deputy Director, Mr Zhou Minghai. "
        "Mr Zhou said that the office was ready. Critics of Andrew Lam said Lam was late."
    )
    found = people(nlp, text)
    assert found == {"Zhou Minghai": ["Zhou Minghai", "Mr Zhou"], "Andrew Lam": ["Andrew Lam", "Lam"]}


def test_people_same_surname_never_merged(nlp):
    text = "Liu Huaming served first. Liu Jianbo succeeded him. Later, Liu retired."
    found = people(nlp, text)
    assert set(found) == {"Liu Huaming", "Liu Jianbo"}
    assert found["Liu Jianbo"] == ["Liu Jianbo", "Liu"]  # the latest Liu named before


def test_people_variants_share_one_person(nlp):
    found = people(nlp, "Song Yu'an met reporters. Song Yuan later left the post.")
    assert found == {"Song Yu'an": ["Song Yu'an", "Song Yuan"]}


def test_people_infobox_and_leader_list(nlp):
    text = (
        "- Chief1 Name: Okonkwo Adeyemi\n- Chief1 Position: Director\n\n; Directors\n\n1. Bertil Aasen (1990 – 1994)\n"
    )
    assert list(people(nlp, text)) == ["Okonkwo Adeyemi", "Bertil Aasen"]


def test_people_spans_slice_text(nlp):
    doc = nlp("Mr Tsang Kin-fai and Ms Chan met Zhou Minghai.")
    for span in doc.spans[PEOPLE_KEY]:
        assert doc.text[span.start_char : span.end_char] == span.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mr. Chan Kwok-ki met Ambassador Maria von Trapp and J. R. Smith in Wan Chai on 3 May.",
        "THE MINISTRY said - again - that Dr Al-Mansouri, bin Salman's envoy, would come.",
    ],
)
def test_people_word_bits_agree_with_the_lexeme_flags(nlp, text):
    """The matcher reads the name parts as lexeme flags; the rules read the same bits per distinct word."""
    from ocmfa_extract.components.people import _HYPHEN_FLAG, _RUN_WORD_FLAG, KIND_FLAGS

    doc = nlp.make_doc(text)
    flags = [*KIND_FLAGS.values(), _RUN_WORD_FLAG, _HYPHEN_FLAG]  # bit i of the kind bits is flag i
    from_flags = [sum(token.check_flag(flag) << bit for bit, flag in enumerate(flags)) for token in doc]
    assert nlp.get_pipe("ocmfa_people").name_parts.bits(doc).tolist() == from_flags
    assert any(from_flags) or not text


def test_people_required_kinds_skip_optional_tokens():
    from ocmfa_extract.components.people import KIND_BITS, required_kinds

    pattern = [
        {"_": {"ocmfa_honorific": True}},
        {"ORTH": ".", "OP": "?"},
        {"_": {"ocmfa_cap": True, "ocmfa_surname": True}},
        {"_": {"ocmfa_kin": True}, "OP": "?"},
        {"_": {"ocmfa_title_word": False}},
    ]
    assert required_kinds(pattern) == [KIND_BITS["honorific"], KIND_BITS["cap"] | KIND_BITS["surname"]]


@pytest.mark.parametrize(
    "text",
    [
        "The leader, a member of the State Council, met Deputy Director Chan Kwok-ki and Mr. Song.",
        "Ambassador Maria von Trapp, J. R. Smith and Dr Al-Mansouri spoke at Kennedy Road, Wan Chai.",
        "He was a member, to the Office and a leader, of it.",
    ],
)
def test_people_run_filter_leaves_out_only_patterns_that_cannot_match(nlp, text):
    from ocmfa_extract.components.people import name_runs

    people = nlp.get_pipe("ocmfa_people")
    doc = nlp.make_doc(text)
    bits = people.name_parts.bits(doc)
    runs = name_runs(bits, people.shortest)
    kept, feasible = people.run_filter.select(runs, bits)
    assert set(kept) <= set(runs) and all(feasible)
    spans = [(s.start, s.end, s.id_) for s in people.rules.match_in_runs(doc, runs)]
    assert [(s.start, s.end, s.id_) for s in people.rules.match_in_runs(doc, kept, feasible)] == spans
    dropped = set(runs) - set(kept)
    assert all(not people.rules.match_in_runs(doc, [run]) for run in dropped)
    if text.startswith("He"):
        assert dropped and not kept  # "a member, to", "a leader,": a title word but no name word


def test_people_given_name_beside_a_reporting_verb_refers_to_the_full_name(nlp):
    text = (
        "The talks were co-chaired by Pornthip Srisuwan, Director-General of the Treaty Department. "
        '"We will open a hotline," Pornthip said. Pornthip Park, a street, was closed.'
    )
    found = people(nlp, text)
    # "Pornthip said" is her; "Pornthip Park" is not (a longer capitalised name).
    assert found == {"Pornthip Srisuwan": ["Pornthip Srisuwan", "Pornthip"]}
    (fact,) = [f for f in nlp(text)._.ocmfa_statements if "hotline" in text[f.content_start : f.content_end]]
    assert fact.speaker == "Pornthip Srisuwan"


def test_people_a_name_after_a_media_noun_is_a_publication(nlp):
    text = "In an interview with the newspaper La Prensa, Jorge Ramírez Solano spoke of trade."
    assert list(people(nlp, text)) == ["Jorge Ramírez Solano"]


def test_people_given_name_reference_takes_the_key_of_the_longer_name_it_is_part_of(nlp):
    text = (
        'Ao Ieong Kin Fai met officials on Monday. Later, Mr Ao Ieong spoke to reporters. "We are ready," Ieong said.'
    )
    # "Ao Ieong" is the start of the longer name, so "Ieong" is that person too, not a new one.
    assert people(nlp, text) == {"Ao Ieong Kin Fai": ["Ao Ieong Kin Fai", "Ao Ieong", "Ieong"]}


def test_people_spanish_name_is_referred_to_by_its_fathers_family_name(nlp):
    text = "In 2015, Ana Lucía Morera Chaves became head of mission. Ms Morera said trade would grow."
    assert people(nlp, text) == {"Ana Lucía Morera Chaves": ["Ana Lucía Morera Chaves", "Ms Morera"]}


def test_people_given_name_after_an_honorific_refers_to_the_full_name(nlp):
    text = "Deputy Minister Vu Thanh Binh arrived on Monday. Mr Binh thanked the hosts."
    assert people(nlp, text) == {"Vu Thanh Binh": ["Vu Thanh Binh", "Mr Binh"]}


def test_people_family_name_in_capitals_first_is_one_person_with_its_other_forms(nlp):
    text = "State Minister NAKAMURA Reiko met the minister. Ms Nakamura said talks went well."
    assert people(nlp, text) == {"NAKAMURA Reiko": ["NAKAMURA Reiko", "Ms Nakamura"]}
    text = "Vice Minister SHIMIZU Takeo attended. Takeo Shimizu later spoke to reporters."
    assert people(nlp, text) == {"SHIMIZU Takeo": ["SHIMIZU Takeo", "Takeo Shimizu"]}
    text = "ZHUMABEKOV Daulet Yermekovich\n\nIn 2005 Mr Zhumabekov was counsellor."
    assert people(nlp, text) == {"ZHUMABEKOV Daulet Yermekovich": ["ZHUMABEKOV Daulet Yermekovich", "Mr Zhumabekov"]}


def test_people_ambassador_extraordinary_is_a_title_not_a_name(nlp):
    assert people(nlp, "He was Ambassador Extraordinary and Plenipotentiary to Malaysia.") == {}
