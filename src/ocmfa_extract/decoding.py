"""Turning a document's bytes into text, with the encoding chosen by evidence and a confidence.

:func:`decode_text` is the one entry point; it returns a :class:`DecodedText` (text, encoding label,
confidence in [0, 1]) or raises :class:`DecodeError`. The decision order:

1. **Byte-order marks**: UTF-32 (LE, BE) before UTF-16 (the UTF-16-LE mark is a prefix of the
   UTF-32-LE one, so a UTF-32 reading is tried first and UTF-16 only if it fails), then UTF-8.
   Labels ``"utf-32-le with BOM"``, ``"utf-16-be with BOM"``, ``"utf-8 with BOM"``...; confidence 1.
   A UTF-8 mark over bytes that are not all UTF-8 goes to step 4 (``"utf-8+cp1252 with BOM"``).
2. **NUL bytes**: UTF-32 or UTF-16 without a mark when the NULs say so (every fourth byte zero, or
   NULs in one byte position of each pair and almost never in the other), and the bytes decode
   strictly. Any other NUL byte makes the file ``binary``.
3. **Strict UTF-8** (ASCII included): ``"utf-8"``, confidence 1.
4. **Mostly UTF-8**: valid multi-byte UTF-8 sequences outnumber the invalid bytes, so the file is
   UTF-8 with a few bytes pasted in from a Windows code page. It is decoded as UTF-8 and each
   invalid byte as its cp1252 character (the ``"ocmfa-cp1252"`` error handler, registered on
   import); label ``"utf-8+cp1252"``; confidence below 0.9, lower the more bytes were invalid.
5. **Single-byte code pages by evidence**: every candidate of :data:`CANDIDATES` that can decode
   the file is scored on the non-ASCII bytes only, with one byte of context each side (a bounded
   sample for a large file; numpy look-ups, no per-character Python loop). The score rewards the
   non-ASCII letters that fit the alphabet of one single language (French, Spanish, Polish,
   Czech, Russian, Greek...) and neutral punctuation (quotes, dashes, euro sign...), and penalises
   C1 control characters, symbols touching letters (``"£ódŸ"``, ``"mo¿e"``), a lower-case letter
   followed by an upper-case one, letters of two scripts side by side and a Greek final sigma
   inside a word; a letter outside the frequent ones of its alphabet counts 0.6 (so that a
   permuted Cyrillic or Greek reading loses). The best score wins; on a tie the earlier
   candidate (cp1252 first) wins. The confidence grows with the margin, in points (occurrences),
   over the best candidate that gives a *different* text: a tie gives 0.25, one or two accented
   letters less than 0.5, a clear win over many letters up to 0.95.
   When no single-byte reading is plausible, charset-normalizer is asked about the multi-byte
   East Asian encodings (Shift_JIS, GB18030, Big5, EUC-KR...); failing that: ``decode_error``.

After decoding, a text with nothing but byte-order marks, white space (U+00A0, U+3000...) and
zero-width characters is ``empty``; one where more than 1 character in 20 is a C0 control
character other than a line or page break, tab or escape (or more than half are U+0000) is
``binary``. Every U+0000 left in the text (a UTF-16 or UTF-32 file can hold one) is replaced by
U+FFFD, one character for one, so that offsets into the text stay exact and the text can be
stored in PostgreSQL, whose ``text`` type cannot hold NUL (:func:`clean_text`).

A plain-bytes check (empty file, size limit) stays with the caller; this module sees the bytes only.

Errors: this module raises its own :class:`DecodeError` (``kind``, ``message``, the shape of
``io.InputError``) rather than importing ``io.InputError``, because ``io`` imports this module;
the caller translates it in one line (``raise InputError(error.kind, error.message) from error``).

To read a file again in the encoding recorded for it (whole or in pieces), use
:func:`decode_as` or :func:`incremental_decoder` with the label: they know the labels made here,
``"... with BOM"`` and ``"utf-8+cp1252"`` included, and the texts they give are cleaned alike.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import cache
from itertools import islice
from typing import NamedTuple

import numpy as np

__all__ = [
    "CANDIDATES",
    "CP1252_FALLBACK",
    "DecodeError",
    "DecodedText",
    "clean_text",
    "decode_as",
    "decode_text",
    "incremental_decoder",
]

CP1252_FALLBACK = "ocmfa-cp1252"
"""The codecs error handler that decodes each byte invalid in UTF-8 as its cp1252 character."""

CANDIDATES: tuple[str, ...] = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "iso-8859-2",
    "iso-8859-15",
    "iso-8859-7",
    "koi8-r",
    "cp866",
    "iso-8859-1",
)
"""The single-byte code pages tried in step 5, in order of preference when two fit equally."""

_MIXED_LABEL = "utf-8+cp1252"
_BOM_SUFFIX = " with BOM"
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# White space, byte-order marks and the zero-width / invisible format characters.
_BLANKS = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace()) + (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f"
    "\u3164\ufeff\uffa0"
)
_CONTROL_CHARS = re.compile("[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_ASCII_BYTES = bytes(range(0x80))
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_SAMPLE_WHOLE = 1 << 18  # a file up to this size is scored whole
_MAX_RUNS = 20_000  # else: this many runs of non-ASCII bytes, with a byte of context each side
_NUL_SAMPLE = 1 << 16
_PLAUSIBLE = 0.6  # a best single-byte score under this lets a multi-byte East Asian reading compete
_WEAK = 0.2  # and one under this is no reading at all
_MARGIN = 4.0  # points of score over the best rival reading that make a sure choice

# Non-ASCII lower-case letters of each language's alphabet (upper case is derived).
_ALPHABETS: dict[str, str] = {
    "French": "àâæçéèêëîïôœùûüÿ",
    "Spanish": "áéíñóúü",
    "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú",
    "Catalan": "àçèéíïòóúü",
    "German": "äöüß",
    "Dutch": "áéëèïóöü",
    "Danish/Norwegian": "æøåé",
    "Swedish/Finnish": "åäöéšž",
    "Icelandic": "áðéíóúýþæö",
    "Polish": "ąćęłńóśźż",
    "Czech": "áčďéěíňóřšťúůýž",
    "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Hungarian": "áéíóöőúüű",
    "Romanian": "ăâîșțşţ",
    "Croatian/Slovene": "čćđšž",
    "Albanian": "çë",
    "Turkish": "çğıöşüâîû",
    "Lithuanian": "ąčęėįšųūž",
    "Latvian": "āčēģīķļņšūž",
    "Estonian": "äöõüšž",
    "Russian": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "Ukrainian": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "Belarusian": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "Bulgarian": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "Serbian/Macedonian": "абвгдђѓежзѕијклљмнњопрстћќуфхцчџш",
    "Greek": "αβγδεζηθικλμνξοπρστυφχψωςάέήίόύώϊϋΐΰ",
}
_RARE = "ÿΐΰ"  # in an alphabet, but so rare that they count half
# The frequent letters of each alphabet; a letter of the alphabet outside this list counts 0.6, so that
# a reading that needs a language's rare letters (Slovak "ŕ" for a French "à") loses to one that does
# not, and a permuted Cyrillic or Greek reading (cp1251 read as koi8-r, cp1253 as cp1251) loses to
# the right one. An alphabet not listed here has only frequent letters.
_COMMON: dict[str, str] = {
    "French": "éèàçêùâîô",
    "Spanish": "áéíñóú",
    "Italian": "àèéìòù",
    "Catalan": "àçèéíòó",
    "Dutch": "éë",
    "Danish/Norwegian": "æøå",
    "Swedish/Finnish": "åäö",
    "Czech": "áčéěíňřšúůýž",
    "Slovak": "áčéíľňôšťúýž",
    "Turkish": "çğıöşü",
    "Estonian": "äöõü",
    "Russian": "оеаинтсрвлкмдпуяыь",
    "Ukrainian": "оаніиевтрсклудмпяз",
    "Belarusian": "аоінеыктсрлвдмуяз",
    "Bulgarian": "оаеинтрсвлкдпмзъя",
    "Serbian/Macedonian": "аиоентрсвјклдмупз",
    "Greek": "αοιετσνηυρπκμλάέίόήύώ",
}
_UNCOMMON_WEIGHT = 0.6
_UPPER_SHARE = 0.5  # more upper-case than this among the non-ASCII letters is penalised
# Punctuation and signs that are at home next to letters in any language.
_NEUTRAL = "\u00a0\u00ad‘’‚“”„«»‹›–—…•·°®©™§€£¢¥ªº¿¡"
_INSIDE_OK = "’·\u00a0\u00ad\u2010\u2011"  # may stand between two letters of a word
_OPENERS = "¿¡"  # not after a letter


class DecodeError(Exception):
    """Bytes that cannot be turned into text; ``kind`` is ``binary``, ``decode_error`` or ``empty``."""

    def __init__(self, kind: str, message: str) -> None:
        """Record the kind of failure and a message for the user."""
        super().__init__(message)
        self.kind = kind
        self.message = message


class DecodedText(NamedTuple):
    """A decoded document: its text, the encoding's label and how sure the choice is (0 to 1)."""

    text: str
    encoding: str
    confidence: float


def clean_text(text: str) -> str:
    """Replace each U+0000 by U+FFFD, one character for one.

    Offsets into the text stay exact, and the text can be stored in PostgreSQL, whose ``text``
    type cannot hold a NUL character.
    """
    return text.replace("\0", "\ufffd") if "\0" in text else text


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode a document's bytes, choosing the encoding by evidence (see the module's docstring).

    Args:
        data: the file's bytes.
        name: how the file is named in messages.

    Returns:
        The text (U+0000 replaced by U+FFFD), the encoding's label and the confidence.

    Raises:
        DecodeError: ``binary``, ``decode_error`` or ``empty``.
    """
    decoded = _decode(data, name)
    text = decoded.text
    if not text.strip(_BLANKS):
        raise DecodeError(
            "empty", f"{name} holds no text, only white space or invisible characters: add text or remove it"
        )
    controls = len(_CONTROL_CHARS.findall(text))
    if controls * 20 > len(text) or text.count("\0") * 2 > len(text):
        raise DecodeError(
            "binary", f"{name} looks binary (it is full of control characters): it is not a text document"
        )
    return decoded._replace(text=clean_text(text))


def decode_as(data: bytes, encoding: str) -> str:
    """Decode ``data`` again in an encoding label given by :func:`decode_text`, cleaned alike.

    Raises:
        UnicodeDecodeError: when the bytes are not in that encoding (the file changed).
    """
    codec, errors = _codec_of(encoding)
    return clean_text(codecs.decode(data, codec, errors))


def incremental_decoder(encoding: str) -> codecs.IncrementalDecoder:
    """A strict incremental decoder for a label given by :func:`decode_text`.

    Its pieces must go through :func:`clean_text` (a NUL can only come from a UTF-16 or UTF-32
    file). A leading byte-order mark is consumed, as :func:`decode_text` drops it.
    """
    codec, errors = _codec_of(encoding)
    return codecs.getincrementaldecoder(codec)(errors)


def _codec_of(encoding: str) -> tuple[str, str]:
    """The Python codec and error handler that decode bytes labelled ``encoding``."""
    base = encoding.removesuffix(_BOM_SUFFIX)
    errors = "strict"
    if base == _MIXED_LABEL:
        base, errors = "utf-8", CP1252_FALLBACK
    if encoding.endswith(_BOM_SUFFIX):  # these codecs drop the mark (and read the byte order from it)
        base = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(base, base)
        base = {"utf-32-le": "utf-32", "utf-32-be": "utf-32"}.get(base, base)
    return base, errors


def _decode(data: bytes, name: str) -> DecodedText:
    """The decision order of the module's docstring, before the checks common to all readings."""
    marked = _with_mark(data, name)
    if marked is not None:
        return marked
    if b"\0" in data:
        wide = _utf16_or_32(data)
        if wide is None:
            raise DecodeError("binary", f"{name} looks binary (it holds NUL bytes): it is not a text document")
        return wide
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    single, score = _single_byte(data)
    if single is not None and score >= _PLAUSIBLE:
        return single
    east_asian = _east_asian(data)
    if east_asian is not None:
        return east_asian
    if single is not None and score >= _WEAK:
        return single
    raise DecodeError("decode_error", f"{name} is in no text encoding that could be recognised: save it as UTF-8")


def _with_mark(data: bytes, name: str) -> DecodedText | None:
    """Step 1: the reading a byte-order mark gives, or None when the file has none."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if not data.startswith(mark):
            continue
        body = data[len(mark) :]
        try:
            return DecodedText(body.decode(encoding), encoding + _BOM_SUFFIX, 1.0)
        except UnicodeDecodeError:
            if encoding == "utf-8":
                mixed = _mostly_utf8(body)
                if mixed is not None:
                    return mixed._replace(encoding=mixed.encoding + _BOM_SUFFIX)
            if encoding.startswith("utf-32"):
                continue  # FF FE 00 00 may be UTF-16-LE with a U+0000 first: try it
            raise DecodeError("decode_error", f"{name} has a {encoding} mark but is not {encoding}") from None
    return None


def _utf16_or_32(data: bytes) -> DecodedText | None:
    """UTF-32 or UTF-16 without a mark, when the NUL bytes clearly say which; else None."""
    sample = data[:_NUL_SAMPLE]
    if len(data) % 4 == 0:
        units = len(sample) // 4
        for encoding, high, mid in (("utf-32-le", 3, 2), ("utf-32-be", 0, 1)):
            if sample[high::4].count(0) == units and max(sample[mid::4]) <= 0x10:
                try:
                    return DecodedText(data.decode(encoding), encoding, 0.95)
                except UnicodeDecodeError:
                    pass
    if len(data) % 2:
        return None
    units = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros * 10 >= units and others * 20 <= zeros:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return DecodedText(text, encoding, 0.9 if zeros * 3 >= units else 0.75)
    return None


def _mostly_utf8(data: bytes) -> DecodedText | None:
    """UTF-8 with a few bytes from cp1252, when valid multi-byte sequences outnumber invalid bytes."""
    escaped = data.decode("utf-8", "surrogateescape")  # each invalid byte as one lone surrogate
    invalid = len(data) - len(escaped.encode("utf-8", "ignore"))  # C fast paths, no match objects
    valid = len(escaped) - len(data.translate(None, _HIGH_BYTES)) - invalid
    if valid <= invalid:
        return None
    confidence = round(0.9 * valid / (valid + invalid), 3)
    return DecodedText(data.decode("utf-8", CP1252_FALLBACK), _MIXED_LABEL, confidence)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """The codecs error handler: each byte invalid in UTF-8 as its cp1252 (else latin-1) character."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(_CP1252_CHARS[byte] for byte in error.object[error.start : error.end]), error.end


def _byte_char(byte: int, codec: str) -> str | None:
    """The character ``byte`` stands for in ``codec``, or None where the code page leaves it undefined."""
    try:
        return bytes([byte]).decode(codec)
    except UnicodeDecodeError:
        return None


_CP1252_CHARS = [_byte_char(byte, "cp1252") or chr(byte) for byte in range(256)]
codecs.register_error(CP1252_FALLBACK, _cp1252_fallback)


class _Tables(NamedTuple):
    """Per candidate code page, what each byte value decodes to and what kind of character it is."""

    chars: list[list[str | None]]  # [candidate][byte]
    defined: np.ndarray  # bool [candidate, 256]
    letter: np.ndarray  # bool [candidate, 256]
    lower: np.ndarray
    upper: np.ndarray
    script: np.ndarray  # int8 [candidate, 256]: 0 none, 1 Latin, 2 Cyrillic, 3 Greek
    edgy: np.ndarray  # non-ASCII signs that should not touch a letter
    bad_inside: np.ndarray  # non-ASCII non-letters that should not stand between two letters
    opener: np.ndarray
    sigma: np.ndarray
    control: np.ndarray  # C1 control characters
    neutral: np.ndarray  # float [candidate, 128]: weight of the non-ASCII bytes as punctuation
    fits: np.ndarray  # float [candidate, 128, language]: weight of the non-ASCII bytes as letters


def _script(char: str) -> int:
    """1 for a Latin letter, 2 Cyrillic, 3 Greek, else 0."""
    name = unicodedata.name(char, "")
    for number, script in ((1, "LATIN"), (2, "CYRILLIC"), (3, "GREEK")):
        if name.startswith(script):
            return number
    return 0


def _alphabet_weights() -> list[dict[str, float]]:
    """Each language's letters, both cases, with how much a letter counts as evidence for it."""
    alphabets: list[dict[str, float]] = []
    for language, letters in _ALPHABETS.items():
        common = _COMMON.get(language, letters)
        alphabet: dict[str, float] = {}
        for char in letters:
            weight = 0.5 if char in _RARE else 1.0 if char in common else _UNCOMMON_WEIGHT
            alphabet[char] = weight
            if len(char.upper()) == 1:
                alphabet[char.upper()] = weight
        alphabets.append(alphabet)
    return alphabets


def _mark_high_byte(
    arrays: dict[str, np.ndarray],
    fits: np.ndarray,
    neutral: np.ndarray,
    alphabets: list[dict[str, float]],
    at: tuple[int, int],
    decoded: str,
) -> None:
    """Fill the tables' entries of a byte over 0x7F as one candidate reads it."""
    row, byte = at
    arrays["sigma"][row, byte] = decoded == "ς"
    arrays["control"][row, byte] = unicodedata.category(decoded) == "Cc"
    arrays["opener"][row, byte] = decoded in _OPENERS
    if decoded.isalpha():
        for column, alphabet in enumerate(alphabets):
            fits[row, byte - 0x80, column] = alphabet.get(decoded, 0.0)
    elif decoded in _NEUTRAL:
        neutral[row, byte - 0x80] = 1.0
        arrays["bad_inside"][row, byte] = decoded not in _INSIDE_OK
    else:
        arrays["edgy"][row, byte] = not arrays["control"][row, byte]
        arrays["bad_inside"][row, byte] = True


@cache
def _tables() -> _Tables:
    """The look-up tables of :data:`CANDIDATES`, built once (a few milliseconds)."""
    shape = (len(CANDIDATES), 256)
    arrays = {
        key: np.zeros(shape, dtype=bool) for key in _Tables._fields if key not in {"chars", "script", "neutral", "fits"}
    }
    script = np.zeros(shape, dtype=np.int8)
    neutral = np.zeros((len(CANDIDATES), 128))
    fits = np.zeros((len(CANDIDATES), 128, len(_ALPHABETS)))
    alphabets = _alphabet_weights()
    chars: list[list[str | None]] = []
    for row, codec in enumerate(CANDIDATES):
        table = [_byte_char(byte, codec) for byte in range(256)]
        chars.append(table)
        for byte, decoded in enumerate(table):
            if decoded is None:
                continue
            arrays["defined"][row, byte] = True
            is_letter = decoded.isalpha()
            arrays["letter"][row, byte] = is_letter
            arrays["lower"][row, byte] = is_letter and decoded.islower()
            arrays["upper"][row, byte] = is_letter and decoded.isupper()
            script[row, byte] = _script(decoded) if is_letter else 0
            if byte >= 0x80:
                _mark_high_byte(arrays, fits, neutral, alphabets, (row, byte), decoded)
    return _Tables(chars=chars, script=script, neutral=neutral, fits=fits, **arrays)


def _sample(data: bytes) -> bytes:
    """The bytes to score: the whole of a small file, else runs of non-ASCII bytes with a byte each side."""
    if len(data) <= _SAMPLE_WHOLE:
        return data
    pieces = [data[max(0, m.start() - 1) : m.end() + 1] for m in islice(_HIGH_RUN.finditer(data), _MAX_RUNS)]
    return b"\n".join(pieces)


def _present(data: bytes) -> np.ndarray:
    """Which of the 256 byte values occur in ``data`` (bool; counted a few MB at a time)."""
    high = data.translate(None, _ASCII_BYTES)
    counts = np.zeros(256, dtype=np.int64)
    step = 1 << 22
    for start in range(0, len(high), step):
        counts += np.bincount(
            np.frombuffer(high, dtype=np.uint8, count=min(step, len(high) - start), offset=start), minlength=256
        )
    return counts > 0


def _scores(sample: bytes, usable: np.ndarray) -> tuple[np.ndarray, int]:
    """Each candidate's plausibility score (-inf where it cannot decode the file) and the evidence."""
    t = _tables()
    codes = np.frombuffer(sample, dtype=np.uint8)
    high_counts = np.bincount(codes, minlength=256)[0x80:].astype(float)
    evidence = int(high_counts.sum())
    scores = np.full(len(CANDIDATES), -np.inf)
    if evidence == 0:
        return scores, 0
    left, right = codes[:-1], codes[1:]
    high_pair = (left >= 0x80) | (right >= 0x80)
    for row in np.flatnonzero(usable):
        letter, lower, upper, script = t.letter[row], t.lower[row], t.upper[row], t.script[row]
        let_l, let_r = letter[left], letter[right]
        penalty = float(np.count_nonzero(lower[left] & upper[right] & high_pair))
        scr_l, scr_r = script[left], script[right]
        penalty += np.count_nonzero(let_l & let_r & (scr_l != scr_r))
        penalty += np.count_nonzero(t.edgy[row][left] & let_r)
        penalty += 0.5 * np.count_nonzero(let_l & (t.edgy[row][right] | t.opener[row][right]))
        penalty += np.count_nonzero(t.sigma[row][left] & let_r)
        if len(codes) > 2:
            penalty += np.count_nonzero(letter[codes[:-2]] & t.bad_inside[row][codes[1:-1]] & letter[codes[2:]])
        penalty += float(high_counts @ t.control[row][0x80:])
        letters = float(high_counts @ letter[0x80:])
        penalty += 0.5 * max(0.0, float(high_counts @ upper[0x80:]) - _UPPER_SHARE * letters)
        fit = float((high_counts @ t.fits[row]).max())
        scores[row] = (fit + float(high_counts @ t.neutral[row]) - penalty) / evidence
    return scores, evidence


def _single_byte(data: bytes) -> tuple[DecodedText | None, float]:
    """The best single-byte reading (step 5) and its plausibility score (at most 1)."""
    t = _tables()
    present = _present(data)
    usable: np.ndarray = np.asarray(t.defined[:, present].all(axis=1))
    if not usable.any():
        return None, -np.inf
    scores, evidence = _scores(_sample(data), usable)
    best = int(np.argmax(scores))  # the first of equal scores: the order of CANDIDATES
    top = scores[best]
    present_bytes = np.flatnonzero(present)
    reading = [t.chars[best][byte] for byte in present_bytes]
    rivals = [
        score
        for row, score in enumerate(scores)
        if usable[row] and row != best and [t.chars[row][byte] for byte in present_bytes] != reading
    ]
    runner_up = max(rivals, default=-np.inf)
    text = data.decode(CANDIDATES[best])
    # the margin in points (letters that fit, penalties): a tie gives 0.25 at most, _MARGIN points 0.95
    margin = 1.0 if runner_up == -np.inf else min(1.0, (top - runner_up) * evidence / _MARGIN)
    confidence = max(0.0, min(1.0, float(top))) * (0.25 + 0.7 * margin)
    return DecodedText(text, CANDIDATES[best], round(float(confidence), 3)), float(top)


_EAST_ASIAN = ["cp932", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr", "cp949", "iso2022_jp"]


def _east_asian(data: bytes) -> DecodedText | None:
    """A multi-byte East Asian reading, when charset-normalizer finds one with little chaos."""
    import charset_normalizer  # imported here: only the rare file that no code page explains pays for it

    best = charset_normalizer.from_bytes(data, cp_isolation=_EAST_ASIAN).best()
    if best is None or best.encoding is None or best.chaos > 0.2:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return DecodedText(text, best.encoding, round(0.6 * (1.0 - float(best.chaos)), 3))
