"""Encodings decided by evidence: each reading of ocmfa_extract.decoding, and its failures."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocmfa_extract.decoding import (
    CP1252_FALLBACK,
    DecodedText,
    DecodeError,
    clean_text,
    decode_as,
    decode_text,
    incremental_decoder,
)

# Real-looking sentences, each with the code page it is usually found in.
SENTENCES: dict[str, tuple[str, list[str]]] = {
    "French": (
        "cp1252",
        [
            "L'ambassadeur François Lefèvre a déclaré à Genève que la réunion était « très constructive ».",
            "Le ministre Jérôme Bézier s'est rendu à Montréal, où il a rencontré Mme Anaïs Cœur.",
            "Selon la porte-parole Hélène Carrère, les négociations reprendront à Bruxelles dès février.",
            "Le consul général Benoît Gérard a reçu une délégation de Québec à l'hôtel de ville.",
        ],
    ),
    "Spanish": (
        "cp1252",
        [
            "¿Qué dijo el señor Muñoz? La ministra María José Peña habló en Córdoba.",
            "El embajador Íñigo Ibáñez señaló que la reunión en León fue un éxito.",
            "La portavoz Begoña Núñez afirmó: «No habrá acuerdo sin garantías».",
            "¡Atención! El cónsul Tomás Gutiérrez viajará mañana a Logroño y Cádiz.",
        ],
    ),
    "Portuguese": (
        "cp1252",
        [
            "O ministro João Gonçalves disse em Brasília que a reunião não terá lugar.",
            "A embaixadora Conceição Antunes visitou São Tomé e Príncipe na terça-feira.",
            "Segundo o porta-voz Sebastião Magalhães, as negociações estão à espera de uma decisão.",
        ],
    ),
    "German": (
        "cp1252",
        [
            "Der Außenminister Jürgen Müller sagte in Köln, die Gespräche seien schwierig gewesen.",
            "Frau Bärbel Schäfer traf den Botschafter in Düsseldorf zu einem Gespräch über Zölle.",
            "Staatssekretär Björn Hößl erklärte, die Vereinbarung müsse überprüft werden.",
        ],
    ),
    "Polish": (
        "cp1250",
        [
            "Minister Radosław Sikorski powiedział w Łodzi, że spotkanie było owocne.",
            "Pani Małgorzata Wąsik spotkała się z ambasadorem w Gdańsku.",
            "Zbigniew Brzeziński i Krzysztof Żółkiewski rozmawiali o przyszłości Śląska.",
            "Rzeczniczka Agnieszka Świątek zapowiedziała, że rozmowy będą kontynuowane w Poznaniu.",
        ],
    ),
    "Czech": (
        "cp1250",
        [
            "Ministr Tomáš Petříček řekl v Brně, že jednání byla úspěšná.",
            "Velvyslankyně Kateřina Dvořáková navštívila Ústí nad Labem.",
            "Mluvčí Jiří Šťastný uvedl, že dohoda bude podepsána v Českých Budějovicích.",
        ],
    ),
    "Russian": (
        "cp1251",
        [
            "Министр иностранных дел Сергей Лавров заявил в Москве, что переговоры были трудными.",
            "Посол Мария Захарова встретилась с журналистами в Санкт-Петербурге.",
            "Официальный представитель Алексей Фёдоров сообщил, что визит в Казань перенесён.",
        ],
    ),
    "Greek": (
        "cp1253",
        [
            "Ο υπουργός Εξωτερικών Νίκος Δένδιας δήλωσε στην Αθήνα ότι οι συνομιλίες ήταν χρήσιμες.",
            "Η πρέσβειρα Ελένη Παπαδοπούλου επισκέφθηκε τη Θεσσαλονίκη την Τρίτη.",
            "Ο εκπρόσωπος Γιώργος Κωνσταντίνου ανακοίνωσε ότι η συνάντηση θα γίνει στην Πάτρα.",
        ],
    ),
}
CASES = [
    pytest.param(sentence, encoding, id=f"{language}-{number}")
    for language, (encoding, sentences) in SENTENCES.items()
    for number, sentence in enumerate(sentences)
]
# Other code pages the same languages (and a few more) are found in.
OTHER_CASES = [
    ("Mme Hélène Carrère a été reçue à Genève par M. Gérard Lefèvre.", "iso-8859-1", "cp1252"),
    ("La señora Muñoz llegó a Córdoba el miércoles.", "iso-8859-1", "cp1252"),
    ("Le cœur de l'œuvre coûte 5 € à Besançon.", "iso-8859-15", "iso-8859-15"),
    ("Pani Małgorzata Wąsik spotkała się w Łodzi ze Świętosławem, źródło podało.", "iso-8859-2", "iso-8859-2"),
    ("Министр иностранных дел Сергей Лавров заявил в Москве, что переговоры были трудными.", "koi8-r", "koi8-r"),
    ("Посол Мария Захарова встретилась с журналистами в Санкт-Петербурге.", "cp866", "cp866"),
    ("Η πρέσβειρα Ελένη Παπαδοπούλου επισκέφθηκε την Άρτα και την Αθήνα.", "iso-8859-7", "iso-8859-7"),
    ("Dışişleri Bakanı Mevlüt Çavuşoğlu İstanbul'da gazetecilerle konuştu.", "cp1254", "cp1254"),
    ("Užsienio reikalų ministras Gabrielius Landsbergis kalbėjo Vilniuje.", "cp1257", "cp1257"),
    ("A külügyminiszter Szijjártó Péter Győrben tárgyalt a nagykövettel.", "cp1250", "cp1250"),
    ("Міністр закордонних справ Дмитро Кулеба заявив у Києві, що зустріч була корисною.", "cp1251", "cp1251"),
]


@pytest.mark.parametrize(("sentence", "encoding"), CASES)
def test_legacy_code_page_decoded_back_exactly(sentence, encoding):
    decoded = decode_text(sentence.encode(encoding), "news.txt")
    assert decoded == DecodedText(sentence, encoding, decoded.confidence)
    assert type(decoded.confidence) is float and 0.0 < decoded.confidence < 1.0


@pytest.mark.parametrize(("sentence", "encoding"), CASES)
def test_legacy_code_page_decoded_back_in_a_longer_document(sentence, encoding):
    sentences = SENTENCES[next(language for language, (enc, s) in SENTENCES.items() if sentence in s)][1]
    text = "Press release\r\n\r\n" + "\r\n".join(sentences) + "\r\n"
    decoded = decode_text(text.encode(encoding), "news.txt")
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert decoded.confidence >= 0.5  # many accented letters: the evidence is clear


@pytest.mark.parametrize(("sentence", "encoding", "expected"), OTHER_CASES, ids=[c[1] for c in OTHER_CASES])
def test_other_code_pages_decoded_back_exactly(sentence, encoding, expected):
    decoded = decode_text(sentence.encode(encoding), "news.txt")
    assert (decoded.text, decoded.encoding) == (sentence, expected)


def test_fuzzer_cases_no_longer_mis_decoded():
    assert decode_text("Hélène Carrère".encode("cp1252"), "a.txt").text == "Hélène Carrère"
    assert decode_text("Hélène Carrère".encode("latin-1"), "a.txt").text == "Hélène Carrère"
    assert decode_text("Łódź, Gdańsk i Wrocław".encode("cp1250"), "a.txt").text == "Łódź, Gdańsk i Wrocław"


def test_a_tie_reports_low_confidence():
    # "Hélène Carrère" in cp1250 reads "Hélčne Carrčre", Czech letters as plausible: cp1252 wins the tie
    decoded = decode_text("Hélène Carrère".encode("cp1252"), "a.txt")
    assert decoded.encoding == "cp1252"
    assert decoded.confidence < 0.5
    assert decode_text("Dvořák".encode("cp1250"), "a.txt").confidence < 0.5  # two letters are little evidence


TEXT = "Le ministre Jérôme Bézier a dit « oui » à Genève.\nПосол Мария Захарова. 🙂\n"


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf16_and_utf32_with_bom(codec):
    mark = {
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
    }[codec]
    decoded = decode_text(mark + TEXT.encode(codec), "memo.txt")
    assert decoded == DecodedText(TEXT, f"{codec} with BOM", 1.0)


def test_utf32_le_is_not_read_as_utf16_le():
    # the UTF-16-LE mark FF FE is a prefix of the UTF-32-LE mark FF FE 00 00
    assert decode_text(TEXT.encode("utf-32"), "memo.txt").encoding == "utf-32-le with BOM"
    # ...but a UTF-16-LE text whose first character is U+0000 is still UTF-16
    decoded = decode_text(codecs.BOM_UTF16_LE + "\0ab".encode("utf-16-le"), "memo.txt")
    assert decoded == DecodedText("\ufffdab", "utf-16-le with BOM", 1.0)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom(codec):
    decoded = decode_text(TEXT.encode(codec), "memo.txt")
    assert (decoded.text, decoded.encoding) == (TEXT, codec)
    assert 0.5 < decoded.confidence < 1.0


def test_utf16_without_bom_of_a_cyrillic_text():
    text = "Министр Сергей Лавров заявил в Москве, что переговоры были трудными."
    assert decode_text(text.encode("utf-16-le"), "memo.txt").text == text


def test_utf8_with_and_without_bom():
    assert decode_text(TEXT.encode(), "a.txt") == DecodedText(TEXT, "utf-8", 1.0)
    assert decode_text(codecs.BOM_UTF8 + TEXT.encode(), "a.txt") == DecodedText(TEXT, "utf-8 with BOM", 1.0)
    assert decode_text(b"Plain ASCII.", "a.txt") == DecodedText("Plain ASCII.", "utf-8", 1.0)


def test_mostly_utf8_with_a_few_cp1252_bytes():
    data = "Mme Hélène Carrère a déclaré à Genève : ".encode() + "“nous sommes prêts”".encode("cp1252")
    decoded = decode_text(data, "a.txt")
    assert decoded.text == "Mme Hélène Carrère a déclaré à Genève : “nous sommes prêts”"
    assert decoded.encoding == "utf-8+cp1252"
    assert 0.0 < decoded.confidence < 0.9
    assert len(decoded.text) == len(data.decode("utf-8", "replace"))  # one character per invalid byte
    with_bom = decode_text(codecs.BOM_UTF8 + data, "a.txt")
    assert (with_bom.text, with_bom.encoding) == (decoded.text, "utf-8+cp1252 with BOM")


def test_mostly_utf8_bytes_undefined_in_cp1252_kept_one_for_one():
    data = "Zürich, Genève, Besançon, Køge, Łódź: ".encode() + b"\x81\x8d\x93ok\x94"
    assert decode_text(data, "a.txt").text == "Zürich, Genève, Besançon, Køge, Łódź: \x81\x8d“ok”"


def test_a_cp1252_file_with_few_accents_is_not_mostly_utf8():
    decoded = decode_text("Café in Zürich".encode("cp1252"), "a.txt")
    assert (decoded.text, decoded.encoding) == ("Café in Zürich", "cp1252")


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF32_BE,
        "\u00a0\u3000\u200b\ufeff \t\r\n\u2028\u202f\u2060".encode(),
        "\u00a0\u3000\u200b\ufeff \n".encode("utf-16"),
        "\u00a0 \u00a0".encode("cp1252"),
        b"   \n\t\n",
    ],
)
def test_nothing_but_marks_and_spaces_is_empty(data):
    with pytest.raises(DecodeError) as caught:
        decode_text(data, "blank.txt")
    assert caught.value.kind == "empty"
    assert "blank.txt" in caught.value.message


def test_nul_replaced_one_for_one():
    text = "In 2001,\0 Zhou Minghai said\0\0 that talks went well."
    decoded = decode_text(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "memo.txt")
    assert len(decoded.text) == len(text)
    assert "\0" not in decoded.text
    assert decoded.text == text.replace("\0", "\ufffd")
    assert clean_text(text) == decoded.text
    assert clean_text("no nul") == "no nul"


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,
        b"Some text\x00 then a NUL",
        b"\x01\x02\x03\x04 control bytes \x05\x06\x07\x08\x0e\x0f\x10\x11\x12",
        codecs.BOM_UTF16_LE + b"\0\0" * 50,
    ],
)
def test_binary(data):
    with pytest.raises(DecodeError) as caught:
        decode_text(data, "blob.txt")
    assert caught.value.kind == "binary"


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_are_binary_or_undecodable(seed):
    rng = random.Random(seed)
    low = 0 if seed % 2 else 0x80  # half of them without NUL or control bytes
    data = bytes(rng.randrange(low, 256) for _ in range(2_000))
    with pytest.raises(DecodeError) as caught:
        decode_text(data, "random.bin")
    assert caught.value.kind in {"binary", "decode_error"}


def test_a_bad_bom_is_a_decode_error():
    with pytest.raises(DecodeError) as caught:
        decode_text(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "a.txt")  # a lone surrogate
    assert caught.value.kind == "decode_error"


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2_000))
def test_any_bytes_give_text_or_a_clear_error(data):
    try:
        decoded = decode_text(data, "random.bin")
    except DecodeError as error:
        assert error.kind in {"binary", "decode_error", "empty"}
        assert error.message
    else:
        assert isinstance(decoded.text, str) and decoded.encoding
        assert 0.0 <= decoded.confidence <= 1.0
        assert "\0" not in decoded.text
        assert decode_as(data, decoded.encoding) == decoded.text


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=200))
def test_any_utf8_text_comes_back_exactly(text):
    try:
        decoded = decode_text(text.encode("utf-8", "surrogatepass"), "t.txt")
    except DecodeError as error:
        assert error.kind in {"binary", "empty", "decode_error"}
    else:
        if "\0" not in text and not any(0xD800 <= ord(char) < 0xE000 for char in text):
            assert decoded.text == text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (TEXT, "utf-8"),
        (TEXT, "utf-16"),
        (TEXT, "utf-32"),
        (TEXT, "utf-16-be"),
        ("Hélène Carrère a dit « oui ».", "cp1252"),
        ("Łódź i Gdańsk, źródło: Świątek.", "cp1250"),
    ],
)
def test_decode_as_and_incremental_decoder_read_a_label_again(text, codec):
    data = text.encode(codec)
    decoded = decode_text(data, "a.txt")
    assert decode_as(data, decoded.encoding) == decoded.text == text
    decoder = incremental_decoder(decoded.encoding)
    pieces = [decoder.decode(data[i : i + 3]) for i in range(0, len(data), 3)] + [decoder.decode(b"", final=True)]
    assert clean_text("".join(pieces)) == text


def test_incremental_decoder_of_mostly_utf8():
    data = codecs.BOM_UTF8 + "Genève, Zürich: ".encode() + "“oui”".encode("cp1252") + " – fin".encode()
    decoded = decode_text(data, "a.txt")
    assert decoded.encoding == "utf-8+cp1252 with BOM"
    decoder = incremental_decoder(decoded.encoding)
    pieces = [decoder.decode(data[i : i + 2]) for i in range(0, len(data), 2)] + [decoder.decode(b"", final=True)]
    assert "".join(pieces) == decoded.text == decode_as(data, decoded.encoding) == "Genève, Zürich: “oui” – fin"
    assert b"\xe9t\x93".decode("utf-8", CP1252_FALLBACK) == "ét“"


def test_east_asian_multibyte_encodings_by_charset_normalizer():
    text = "外務大臣は東京で記者会見を行い、会談は有益だったと述べた。"
    decoded = decode_text(text.encode("shift_jis"), "a.txt")
    assert decoded.text == text
    assert decoded.confidence < 1.0


def test_a_large_legacy_file_is_scored_on_a_sample():
    line = "Le ministre Jérôme Bézier a dit « oui » à Genève, où Mme Hélène Carrère l'attendait.\n"
    data = (line * 60_000).encode("cp1252")  # over 5 MB
    decoded = decode_text(data, "big.txt")
    assert decoded.encoding == "cp1252"
    assert len(decoded.text) == len(data)
