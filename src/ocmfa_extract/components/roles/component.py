"""The ``ocmfa_roles`` component: who held which position in which body, from when to when.

Reads ``doc._.ocmfa_layout`` and the spans of the earlier stages (people, organisations,
dates). Adds ``doc._.ocmfa_roles``: a list of :class:`RoleFact`, merged so that one
position of one person is stated once per document, and ``doc.spans["ocmfa_titles"]``:
every title as grown ("Deputy Director of the Treaty Department").

Titles are found from ``titles.jsonl`` (heads such as "director", rank words such as
"deputy") and grown into "Deputy Director of the X Office". A title is linked to a
person by the way the text states it, each way a registered rule (``ocmfa-extract
rules``) whose settings are its line in ``patterns/rules/roles.jsonl``:

- the layout (:mod:`.layout_rules`): infobox pairs (``- Chief1 Name: X`` with
  ``- Chief1 Position: Y``), leader lists (``; Director of the X`` then
  ``1. Name (June 1988 – December 1989, notes)``), a signature (a line with a name, then a
  line with a title);
- a sentence (:mod:`.linkers`): a title right before a name ("Commissioner X"),
  appositions ("the deputy commissioner, X," / "X, then the deputy director of Y,"),
  brackets ("X (Assistant Minister of ... and Director of ...)"), "X was appointed as the
  group leader", "X is the director", "the current commissioner is X".

A date in the same sentence becomes the start of a role the sentence reports as an
appointment ("In 1981, ... with X as group leader"), and a later sentence may date a role
stated before ("She left the post in March 2022", :mod:`.dating`). ``current`` is True
only where the text says so ("Incumbent", "current", "currently").
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import SimpleFrozenList, ensure_path

from ...extensions import TITLES_KEY
from ...facts import RoleFact
from ...patterns import PatternError, Patterns
from ...rulebook import ConfiguredRule, import_rules_of, stage_rules
from ..layout import sentences
from ..rules import PhraseRuleMatcher, cached_patterns, patterns_dir_or_default
from .document import DocRoles, RoleWords, Title
from .kinds import KINDS, RULE_KINDS, STAGE, RuleKind
from .merging import merge_roles

import_rules_of(__package__)  # every module of the package: each rule it defines is registered

#: Where ``to_disk`` keeps the patterns the component was built from.
PATTERNS_FOLDER = "patterns"


@Language.factory(
    "ocmfa_roles",
    assigns=["doc._.ocmfa_roles", "doc.spans"],
    requires=[
        "doc._.ocmfa_layout",
        "doc._.ocmfa_sentences",
        "doc._.ocmfa_sentence_starts",
        "doc._.ocmfa_subject",
        "doc.spans",
        "span._.ocmfa_date",
        "span._.ocmfa_end_date",
        "span._.ocmfa_open_end",
        "token._.ocmfa_honorific",
    ],
    default_config={"patterns_dir": None, "disabled_rules": []},
)
def make_roles(nlp: Language, name: str, patterns_dir: str | None, disabled_rules: list[str]) -> RolesComponent:
    """Create the roles component from the patterns in ``patterns_dir``, without the rules in ``disabled_rules``.

    A saved pipeline loaded where ``patterns_dir`` no longer exists gets its patterns from
    its own copy (:meth:`RolesComponent.from_disk`).
    """
    directory = patterns_dir_or_default(patterns_dir)
    patterns = cached_patterns(directory) if directory.is_dir() else None
    return RolesComponent(nlp, name, patterns, disabled_rules=disabled_rules, patterns_dir=directory)


class RolesComponent:
    """Link titles to people, with organisations and tenures, by the configured rules."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        patterns: Patterns | None,
        *,
        disabled_rules: Iterable[str] = (),
        patterns_dir: Path | None = None,
    ) -> None:
        """Build the title matcher and the rules from ``patterns``.

        With ``patterns`` None (its folder ``patterns_dir`` is gone), the component waits
        for :meth:`from_disk` and refuses documents until then.
        """
        self.nlp = nlp
        self.name = name
        self.disabled_rules = list(disabled_rules)
        self.patterns_dir = Path(patterns.directory) if patterns is not None else patterns_dir
        self.rules: dict[RuleKind, list[ConfiguredRule]] | None = None
        if patterns is not None:
            self._build(patterns)

    def _build(self, patterns: Patterns) -> None:
        """Make the matcher, the shared word lists and the enabled rules, grouped by kind, in file order."""
        self.patterns_dir = Path(patterns.directory)
        self.phrases = PhraseRuleMatcher(self.nlp, patterns.rules["titles"])
        self.words = RoleWords.from_patterns(patterns)
        configured = stage_rules(patterns, STAGE, self.disabled_rules)
        self.rules = {kind: [rule for rule in configured if RULE_KINDS[rule.spec.rule_id] == kind] for kind in KINDS}

    def _ready_rules(self) -> dict[RuleKind, list[ConfiguredRule]]:
        if self.rules is None:
            raise PatternError(Path(self.patterns_dir or "."), None, "patterns directory not found")
        return self.rules

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc._.ocmfa_roles`` and the title spans ``doc.spans["ocmfa_titles"]``."""
        rules = self._ready_rules()
        doc_roles = DocRoles(doc, self.phrases.match(doc), self.words)
        doc_roles.add_titles([title for rule in rules["titles"] for title in rule(doc_roles)])
        doc._.ocmfa_roles = merge_roles(self.read(doc_roles))
        doc.spans[TITLES_KEY] = [Span(doc, title.start, title.end, label="TITLE") for title in doc_roles.titles]
        return doc

    def read(self, doc_roles: DocRoles) -> list[RoleFact]:
        """Apply every rule and return the role facts, unmerged.

        The layout's rules first, then sentence by sentence the linkers of each title and
        the rules that revise the roles found so far.
        """
        rules = self._ready_rules()
        facts = [fact for rule in rules["document"] for fact in rule(doc_roles)]
        for sentence in sentences(doc_roles.doc):
            for title in doc_roles.titles_by_token.between(sentence.start, sentence.end):
                facts += self.link(doc_roles, title, sentence)
            for rule in rules["sentence"]:
                facts = rule(doc_roles, sentence, facts)
        return facts

    def link(self, doc_roles: DocRoles, title: Title, sentence: Span) -> list[RoleFact]:
        """The roles of one title: the answer of the first linker whose case it is (``None`` passes)."""
        for rule in self._ready_rules()["title"]:
            found: list[RoleFact] | None = rule(doc_roles, title, sentence)
            if found is not None:
                return found
        return []

    # -- serialisation ------------------------------------------------------------------

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        """Save the patterns the component was built from under ``path``, so a loaded pipeline needs no other folder."""
        self._ready_rules()
        target = ensure_path(path) / PATTERNS_FOLDER
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(Path(self.patterns_dir or "."), target)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> RolesComponent:
        """Rebuild the component from the patterns saved under ``path`` by :meth:`to_disk`."""
        self._build(cached_patterns(ensure_path(path) / PATTERNS_FOLDER))
        return self


__all__ = ["RolesComponent", "make_roles", "merge_roles"]
