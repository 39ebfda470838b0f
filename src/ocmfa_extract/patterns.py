"""Load and validate the rules kept as data in a patterns directory.

A patterns directory holds:

- ``*.jsonl`` files of spaCy patterns, one ``{"label", "pattern", "id"}`` object a line
  (a string pattern is a phrase, a list is a token pattern), as ``SpanRuler`` reads them;
- ``lexicons/*.txt`` plain word lists, one entry a line, ``#`` starts a comment;
- ``rules/<stage>.jsonl`` the settings of each registered rule of a stage, one line a
  rule, validated by :mod:`.rulebook` against the rule's own settings model.

Every line is validated when loaded; a bad line raises :class:`PatternError` naming the
file, the line and the problem, before any document is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spacy.schemas import validate_token_pattern

#: Each pattern file, with the labels its component reads (``components/<stage>.py``): a
#: line with any other label would load and never do anything, so it is an error.
PATTERN_LABELS: dict[str, frozenset[str]] = {
    "dates.jsonl": frozenset(
        {
            "DATE_DAY",
            "DATE_MONTH",
            "DATE_YEAR",
            "DATE_DECADE",
            "DATE_PARTIAL_DAY",
            "DATE_PARTIAL_MONTH",
            "REL_DAY",
            "REL_WEEKDAY",
            "REL_MONTH",
            "REL_YEAR",
        }
    ),
    "people.jsonl": frozenset({"PERSON"}),
    "titles.jsonl": frozenset({"TITLE", "TITLE_PLURAL", "RANK", "TENURE"}),
    "organizations.jsonl": frozenset({"ORG_HEAD", "ORG_REF"}),
    "cues.jsonl": frozenset({"SAY", "REACT", "PARTICIPLE", "ACCORDING", "DOC_SPEAKER", "SPOKES", "PRONOUN"}),
}
PATTERN_FILES: tuple[str, ...] = tuple(PATTERN_LABELS)


class PatternError(ValueError):
    """A pattern or lexicon file that cannot be used, with its file and line."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        """Record where the problem is and why."""
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")


class PatternLine(BaseModel):
    """One line of a pattern file, in spaCy's own pattern-file shape."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=1, description="The span label the pattern assigns.")
    pattern: str | list[dict[str, Any]] = Field(description="A phrase, or a token pattern.")
    id: str = Field(min_length=1, description="The rule id carried to the records.")


@dataclass(frozen=True)
class Patterns:
    """Everything loaded from one patterns directory."""

    directory: Path
    rules: dict[str, list[dict[str, Any]]]
    lexicons: dict[str, frozenset[str]]
    digest: str

    def lexicon(self, name: str) -> frozenset[str]:
        """Return one lexicon by file stem, or raise naming the missing file."""
        try:
            return self.lexicons[name]
        except KeyError:
            raise PatternError(self.directory / "lexicons" / f"{name}.txt", None, "lexicon missing") from None


#: The name-part attributes people patterns test, as ``{"_": {"ocmfa_<kind>": true}}``;
#: the people component gives every word these (components/people.py).
NAME_PART_KINDS: tuple[str, ...] = (
    "cn_surname",
    "cn_given",
    "syllable",
    "given_name",
    "surname",
    "cap",
    "honorific",
    "title_word",
    "surname_first",
    "kin",
    "caps_surname",
)


def _people_problem(pattern: str | list[dict[str, Any]]) -> str | None:
    """What keeps a ``people.jsonl`` pattern from running, if anything."""
    if not isinstance(pattern, list):
        return "people patterns are token patterns (a list), not phrases"
    for spec in pattern:
        for name, value in spec.get("_", {}).items():
            if name.removeprefix("ocmfa_") not in NAME_PART_KINDS or not name.startswith("ocmfa_"):
                return f"unknown name-part attribute _.{name} (known: {', '.join(NAME_PART_KINDS)})"
            if not isinstance(value, bool):
                return f"_.{name} takes true or false"
    return None


def load_pattern_file(path: Path) -> list[dict[str, Any]]:
    """Read and validate one JSONL pattern file."""
    rules: list[dict[str, Any]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = PatternLine.model_validate_json(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "line"
            raise PatternError(path, number, f"{where}: {first['msg']}") from error
        labels = PATTERN_LABELS.get(path.name)
        if labels is not None and line.label not in labels:
            known = ", ".join(sorted(labels))
            raise PatternError(path, number, f"label: {line.label!r} is not a label of {path.name} (known: {known})")
        if isinstance(line.pattern, list):
            problems = validate_token_pattern(line.pattern)
            if problems:
                raise PatternError(path, number, f"pattern: {'; '.join(problems)}")
        if path.name == "people.jsonl" and (problem := _people_problem(line.pattern)):
            raise PatternError(path, number, f"pattern: {problem}")
        rules.append(line.model_dump())
    return rules


def load_lexicon(path: Path, *, lowercase: bool = True) -> frozenset[str]:
    """Read a plain word list: one entry a line, ``#`` comments and blank lines skipped."""
    entries: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        if "\t" in entry:
            raise PatternError(path, number, "an entry may not contain a tab")
        entries.add(entry.casefold() if lowercase else entry)
    return frozenset(entries)


# Lexicons whose entries keep their case (they are matched as written, e.g. places).
CASED_LEXICONS: frozenset[str] = frozenset({"places"})


def load_patterns(directory: Path) -> Patterns:
    """Load every pattern file and lexicon of ``directory``, validating each line."""
    directory = Path(directory)
    if not directory.is_dir():
        raise PatternError(directory, None, "patterns directory not found")
    digest = hashlib.sha256()
    rules: dict[str, list[dict[str, Any]]] = {}
    for name in PATTERN_FILES:
        path = directory / name
        if not path.is_file():
            raise PatternError(path, None, "pattern file missing")
        rules[name.removesuffix(".jsonl")] = load_pattern_file(path)
        digest.update(name.encode() + b"\0" + path.read_bytes())
    lexicons: dict[str, frozenset[str]] = {}
    for path in sorted((directory / "lexicons").glob("*.txt")):
        lexicons[path.stem] = load_lexicon(path, lowercase=path.stem not in CASED_LEXICONS)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    # The rules' settings (rulebook.py validates them against each rule's model).
    for path in sorted((directory / "rules").glob("*.jsonl")):
        digest.update(b"rules/" + path.name.encode() + b"\0" + path.read_bytes())
    return Patterns(directory, rules, lexicons, digest.hexdigest())
