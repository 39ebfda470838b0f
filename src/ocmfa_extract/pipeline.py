"""The one place where the extraction pipeline is assembled."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

# Importing the components registers their factories with spaCy.
from .components import dates, layout, organizations, people, roles, statements  # noqa: F401
from .components.rules import patterns_dir_or_default

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
    """Split dashes between numbers and brackets glued to words, keeping offsets exact."""
    infixes = list(nlp.Defaults.infixes or []) + list(_EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def build_pipeline(patterns_dir: str | Path | None = None, base_model: str | None = None) -> Language:
    """Return the extraction pipeline.

    Args:
        patterns_dir: the patterns directory; ``None`` picks ``./patterns`` or the
            packaged copy (see :func:`patterns_dir_or_default`).
        base_model: an installed spaCy pipeline to build on; ``None`` (the default)
            uses ``spacy.blank("en")`` and needs no model download.
    """
    directory = str(patterns_dir_or_default(patterns_dir))
    nlp = spacy.load(base_model) if base_model else spacy.blank("en")
    customize_tokenizer(nlp)
    for stage in STAGES:
        config = {"patterns_dir": directory} if stage in _STAGES_WITH_PATTERNS else {}
        nlp.add_pipe(stage, config=config)
    return nlp
