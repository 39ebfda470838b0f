"""Rules as named units: a registry of every way the stages link things, and their settings as data.

A *rule* is one small function that does one thing a stage needs (link a title to the
name before it, date a tenure from "since <date>", give a quotation to the name after
its cue). It is registered under a versioned id in spaCy's registry, the way spaCy
registers its own functions (``registry.ocmfa_rules``), with what it reads and emits and
a Pydantic model of its settings::

    class AppositionSettings(RuleSettings):
        window: int = Field(ge=1, le=40)           # tokens between the title and the name
        direction: Literal["before", "after"]

    @rule("ocmfa.roles.name_apposition.v1", stage="roles",
          reads=("titles", "people"), emits=("RoleFact",), settings=AppositionSettings)
    def name_apposition(doc: DocRoles, settings: AppositionSettings) -> Iterator[RoleFact]:
        ...

Its settings (its words, its window, its direction, what ends its scope) are one line of
``patterns/rules/<stage>.jsonl``, validated by that model when the patterns are loaded, so
a typo is a pattern error with its file and line::

    {"rule": "ocmfa.roles.name_apposition.v1", "enabled": true, "window": 8, "direction": "before"}

The lines' order is the order the stage applies its rules in; ``"enabled": false`` (or a
component's ``disabled_rules`` setting) turns one off. ``ocmfa-extract rules`` lists them
all. A rule is tested alone: build its settings from its line and call it on a ``Doc``
with preset spans.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from spacy.util import registry

from .patterns import PatternError, Patterns

if not hasattr(registry, "ocmfa_rules"):
    registry.create("ocmfa_rules", entry_points=True)  # other packages may add rules by entry point
#: The rules' registry: ``registry.ocmfa_rules`` (a ``catalogue.Registry``).
RULES: Any = getattr(registry, "ocmfa_rules")  # noqa: B009 - created above at run time: no attribute to type

RULES_DIR = "rules"


class RuleSettings(BaseModel):
    """The settings every rule has; a rule's own model adds its words and scope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(description="The rule's registered id.")
    enabled: bool = Field(default=True, description="Whether the stage applies the rule.")


@dataclass(frozen=True)
class RuleSpec:
    """A registered rule: its function, where it runs, what it reads and emits, its settings model."""

    rule_id: str
    stage: str
    reads: tuple[str, ...]
    emits: tuple[str, ...]
    settings: type[RuleSettings]
    function: Callable[..., Any]

    @property
    def summary(self) -> str:
        """The first line of the rule's docstring."""
        return (inspect.getdoc(self.function) or "").splitlines()[0] if self.function.__doc__ else ""

    @property
    def data(self) -> tuple[str, ...]:
        """The settings fields beyond ``rule`` and ``enabled``: the words and scope kept in ``patterns/``."""
        return tuple(name for name in self.settings.model_fields if name not in RuleSettings.model_fields)


_F = TypeVar("_F", bound=Callable[..., Any])


def rule(
    rule_id: str,
    *,
    stage: str,
    reads: Iterable[str],
    emits: Iterable[str],
    settings: type[RuleSettings] = RuleSettings,
) -> Callable[[_F], _F]:
    """Register the decorated function as the rule ``rule_id`` of ``stage`` (see the module docstring)."""

    def register(function: _F) -> _F:
        spec = RuleSpec(rule_id, stage, tuple(reads), tuple(emits), settings, function)
        RULES.register(rule_id, func=lambda: spec)
        return function

    return register


def import_rules_of(package: str) -> None:
    """Import every module of a stage's ``package``, so that each rule a module defines is registered.

    A new rule is then a new function (or a new module) in the package and a line in the
    stage's settings file: nothing lists the modules.
    """
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        importlib.import_module(f"{package}.{info.name}")


def all_rules() -> list[RuleSpec]:
    """Every registered rule, by stage and id."""
    specs = [factory() for factory in RULES.get_all().values()]
    return sorted(specs, key=lambda spec: (spec.stage, spec.rule_id))


@dataclass(frozen=True)
class ConfiguredRule:
    """A rule with its settings, ready to apply."""

    spec: RuleSpec
    settings: RuleSettings

    def __call__(self, *args: Any) -> Any:
        """Apply the rule: its function with ``args`` and its settings."""
        return self.spec.function(*args, self.settings)


def stage_rules(patterns: Patterns, stage: str, disabled: Iterable[str] = ()) -> list[ConfiguredRule]:
    """The enabled rules of ``stage`` with their settings, in the order of ``patterns/rules/<stage>.jsonl``.

    Raises:
        PatternError: a line names no registered rule of the stage, repeats one, or does
            not fit the rule's settings model; or a registered rule has no line.
    """
    path = Path(patterns.directory) / RULES_DIR / f"{stage}.jsonl"
    specs = {spec.rule_id: spec for spec in all_rules() if spec.stage == stage}
    if not specs:
        return []
    configured: list[ConfiguredRule] = []
    seen: set[str] = set()
    for number, line in _lines(path):
        rule_id = str(line.get("rule"))
        spec = specs.get(rule_id)
        if spec is None:
            known = ", ".join(sorted(specs))
            raise PatternError(path, number, f"rule: {rule_id!r} is not a rule of the {stage} stage (known: {known})")
        if rule_id in seen:
            raise PatternError(path, number, f"rule: {rule_id!r} has a line already")
        seen.add(rule_id)
        try:
            settings = spec.settings.model_validate(line)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "line"
            raise PatternError(path, number, f"{where}: {first['msg']}") from error
        configured.append(ConfiguredRule(spec, settings))
    missing = sorted(set(specs) - seen)
    if missing:
        raise PatternError(path, None, f"no line for the rules {', '.join(missing)}")
    off = set(disabled)
    return [rule for rule in configured if rule.settings.enabled and rule.spec.rule_id not in off]


def rules_of_kind(configured: Iterable[ConfiguredRule], kind: type[RuleSettings]) -> list[ConfiguredRule]:
    """The rules whose settings are a ``kind`` (a stage's kinds of rule each have a settings base class), in order."""
    return [rule for rule in configured if isinstance(rule.settings, kind)]


def check_all_rules(patterns: Patterns) -> None:
    """Validate every stage's rule settings (before any document is read)."""
    for stage in sorted({spec.stage for spec in all_rules()}):
        stage_rules(patterns, stage)


def _lines(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise PatternError(path, None, "rule settings file missing")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except json.JSONDecodeError as error:
            raise PatternError(path, number, f"not JSON: {error.msg}") from error
        if not isinstance(line, dict):
            raise PatternError(path, number, "a rule's line is a JSON object")
        yield number, line
