"""The one place where the extraction pipeline is assembled."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex

# Importing the components registers their factories with spaCy.
from .components import dates, layout, organizations, people, roles, statements  # noqa: F401
from .components.rules import patterns_dir_or_default
from .tokenizer import ChunkCachedTokenizer

#: The stages, in order. Each is a registered spaCy factory.
STAGES: tuple[str, ...] = (
    "ocmfa_layout",
    "ocmfa_dates",
    "ocmfa_people",
    "ocmfa_organizations",
    "ocmfa_roles",
    "ocmfa_statements",
)
_STAGES_WITH_PATTERNS = frozenset(STAGES) - {"ocmfa_layout"}

# Extra infixes: "1998–2002" is two years and a dash, "Spain(2022-07-28)" a word and a date.
_EXTRA_INFIXES = (r"(?<=[0-9])[–—](?=[0-9])", r"(?<=[A-Za-z])[(\[](?=[0-9A-Za-z])")


def customize_tokenizer(nlp: Language) -> None:
    """Split dashes between numbers and brackets glued to words, keeping offsets exact.

    Then put a cache of chunks in front of the tokenizer (:class:`ChunkCachedTokenizer`):
    the same tokens, without splitting each chunk again in every document.
    """
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, ChunkCachedTokenizer):
        return
    if not isinstance(tokenizer, Tokenizer):
        raise TypeError(f"the pipeline's tokenizer is a {type(tokenizer).__name__}, not spaCy's Tokenizer")
    infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer = ChunkCachedTokenizer(tokenizer)


class BaseModelError(ValueError):
    """The ``--model`` pipeline is not installed, or has no named-entity recogniser."""


def load_base_model(name: str) -> Language:
    """Load an installed spaCy pipeline, running only its entity recogniser.

    Its ``ner`` and the components ``ner`` listens to (a shared ``tok2vec`` or
    ``transformer``) stay enabled; the tagger, parser and others are disabled, since the
    rules use only the PERSON entities.
    """
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise BaseModelError(f"spaCy pipeline {name!r} is not installed (pip install it, or drop --model)") from error
    if "ner" not in nlp.pipe_names:
        raise BaseModelError(f"spaCy pipeline {name!r} has no 'ner' component")
    needed = {"ner"} | {
        pipe_name for pipe_name, pipe in nlp.pipeline if "ner" in getattr(pipe, "listening_components", [])
    }
    nlp.select_pipes(enable=[pipe_name for pipe_name in nlp.pipe_names if pipe_name in needed])
    return nlp


def base_model_identity(name: str | None) -> str:
    """``name==version`` of a base pipeline (results of another model are not reused), or ``""``."""
    if not name:
        return ""
    version = spacy.util.get_package_version(name)
    if version is None and Path(name).is_dir():  # a pipeline saved in a folder
        version = spacy.util.get_model_meta(Path(name)).get("version")
    return f"{name}=={version or 'unknown'}"


def build_pipeline(patterns_dir: str | Path | None = None, base_model: str | None = None) -> Language:
    """Return the extraction pipeline.

    Args:
        patterns_dir: the patterns directory; ``None`` picks the packaged rules
            (see :func:`patterns_dir_or_default`).
        base_model: an installed spaCy pipeline to build on; ``None`` (the default)
            uses ``spacy.blank("en")`` and needs no model download.
    """
    directory = str(patterns_dir_or_default(patterns_dir))
    nlp = load_base_model(base_model) if base_model else spacy.blank("en")
    customize_tokenizer(nlp)
    for stage in STAGES:
        config = {"patterns_dir": directory} if stage in _STAGES_WITH_PATTERNS else {}
        nlp.add_pipe(stage, config=config)
    return nlp
