"""The four kinds of role rule, and the decorator that registers a rule with its kind.

The component applies them in this order, and within a kind in the order of their lines
in ``patterns/rules/roles.jsonl``:

- ``titles``: grow the title matches into titles (``(doc_roles, settings) -> list[Title]``);
- ``document``: roles the layout states (``(doc_roles, settings) -> list[RoleFact]``);
- ``title``: per title of each sentence, a cascade of linkers
  (``(doc_roles, title, sentence, settings) -> list[RoleFact] | None``): the first that
  gives an answer wins; ``None`` means "not my case, ask the next", a list (maybe empty)
  is the answer;
- ``sentence``: after the linkers of each sentence, rules that revise the roles found so
  far (``(doc_roles, sentence, facts, settings) -> list[RoleFact]``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

from ...rulebook import RuleSettings, rule

RuleKind = Literal["titles", "document", "title", "sentence"]
KINDS: tuple[RuleKind, ...] = ("titles", "document", "title", "sentence")

#: rule id -> its kind, filled by :func:`roles_rule`.
RULE_KINDS: dict[str, RuleKind] = {}

STAGE = "roles"

_F = TypeVar("_F", bound=Callable[..., Any])


def roles_rule(
    rule_id: str,
    *,
    kind: RuleKind,
    reads: Iterable[str],
    emits: Iterable[str],
    settings: type[RuleSettings] = RuleSettings,
) -> Callable[[_F], _F]:
    """Register the decorated function as a rule of the roles stage, of ``kind`` (see the module docstring)."""
    RULE_KINDS[rule_id] = kind
    return rule(rule_id, stage=STAGE, reads=reads, emits=emits, settings=settings)
