"""Every attribute the stages add to spaCy's objects, and every span key, registered in one place.

Each stage's factory names what it writes (``assigns``) and what it reads (``requires``)
in these terms, so ``nlp.analyze_pipes()`` can tell a stage whose input no earlier stage
makes. The table says who writes each attribute; importing this module registers them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc, Span, Token

from .patterns import NAME_PART_KINDS

#: ``Doc._`` attributes: name -> (default, the stage that sets it).
DOC_EXTENSIONS: dict[str, tuple[Any, str]] = {
    # set by the driver (extract.py) on each part before the stages run
    "ocmfa_text": (None, "driver: the part's text, joined once"),
    "ocmfa_continuation": (None, "driver: what a later part of a long document takes from the first"),
    # ocmfa_layout
    "ocmfa_layout": (None, "ocmfa_layout"),
    "ocmfa_sentences": (None, "ocmfa_layout"),
    "ocmfa_sentence_starts": (None, "ocmfa_layout"),
    "ocmfa_word_table": (None, "ocmfa_layout"),
    "ocmfa_words": (None, "ocmfa_layout"),
    "ocmfa_lowers": (None, "ocmfa_layout"),
    "ocmfa_attr_arrays": (None, "ocmfa_layout"),
    # ocmfa_dates
    "ocmfa_published": (None, "ocmfa_dates"),
    # ocmfa_people
    "ocmfa_people": (None, "ocmfa_people"),
    "ocmfa_author": (None, "ocmfa_people"),
    # ocmfa_organizations
    "ocmfa_subject": (None, "ocmfa_organizations"),
    "ocmfa_acronyms": (None, "ocmfa_organizations"),
    # ocmfa_roles, ocmfa_statements
    "ocmfa_roles": (None, "ocmfa_roles"),
    "ocmfa_statements": (None, "ocmfa_statements"),
}

#: ``Span._`` attributes of date spans: name -> (default, the stage that sets it).
SPAN_EXTENSIONS: dict[str, tuple[Any, str]] = {
    "ocmfa_date": (None, "ocmfa_dates"),
    "ocmfa_end_date": (None, "ocmfa_dates"),
    "ocmfa_open_end": (False, "ocmfa_dates"),
}

#: ``doc.spans`` keys: key -> the stage that fills it.
SPAN_KEYS: dict[str, str] = {
    "ocmfa_dates": "ocmfa_dates",
    "ocmfa_people": "ocmfa_people",
    "ocmfa_pronouns": "ocmfa_people",
    "ocmfa_orgs": "ocmfa_organizations",
    "ocmfa_titles": "ocmfa_roles",
}
DATES_KEY = "ocmfa_dates"
PEOPLE_KEY = "ocmfa_people"
PRONOUNS_KEY = "ocmfa_pronouns"
ORGS_KEY = "ocmfa_orgs"
TITLES_KEY = "ocmfa_titles"

#: The lexeme flag ids (``Vocab.add_flag``, 0 to 63) each component registers; spaCy's own
#: flags are below 19. A word's flags are computed once, when the vocabulary first meets it,
#: and the matcher and ``Doc.to_array`` read them without a Python call per token.
LEXEME_FLAGS: dict[str, tuple[int, ...]] = {
    "people": tuple(range(40, 53)),
    # the REGEX and IN tests of the token patterns (compile_predicates)
    "people_predicates": (*range(19, 26), *range(53, 64)),
    "dates_predicates": tuple(range(26, 40)),
}

#: ``Token._.ocmfa_<kind>``: a word's name-part kinds (people patterns test them), read from
#: the lexeme flag that ``ocmfa_people`` computes for each word of the vocabulary.
KIND_FLAGS: dict[str, int] = {kind: LEXEME_FLAGS["people"][index] for index, kind in enumerate(NAME_PART_KINDS)}


def _register() -> None:
    for name, (default, _) in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, (default, _) in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for kind, flag in KIND_FLAGS.items():
        if not Token.has_extension(f"ocmfa_{kind}"):
            Token.set_extension(f"ocmfa_{kind}", getter=_flag_getter(flag))


def _flag_getter(flag: int) -> Callable[[Token], bool]:
    def has_flag(token: Token) -> bool:
        return token.lex.check_flag(flag)

    return has_flag


_register()
