"""The ``ocmfa_people`` component: named people and every mention of them in a document.

Reads the tokens, their sentence starts and ``doc._.ocmfa_layout``. Adds:

- token attributes ``token._.ocmfa_<kind>`` (``cn_surname``, ``cn_given``, ``syllable``,
  ``given_name``, ``surname``, ``cap``, ``honorific``, ``title_word``...) that tell which
  lexicon a token belongs to, for the token patterns of ``people.jsonl`` to use;
- ``doc.spans["ocmfa_people"]``: one span a mention, label ``PERSON``, ``span.id_`` the
  rule that found it and ``span.kb_id_`` the person's key (:func:`name_key`) within the
  document; honorifics and titles are outside the span ("Mr Song" is kept whole only
  where the surname alone would say too little);
- ``doc._.ocmfa_people``: ``{key: canonical name}`` in order of first mention;
- ``doc._.ocmfa_author``: the person a message or speech is by, and
  ``doc.spans["ocmfa_pronouns"]``: the pronouns linked to people.

Without a statistical model, a name is found from lexicons of name parts (Chinese
surnames and romanised syllables, common given names and surnames), from its context (an
honorific, a title, an infobox ``Name:`` field, a leader-list item) and is rejected when
it is a place in the gazetteer, holds a word that is never part of a name, or is
followed by one ("Kennedy Road").

The work is done by registered rules (``ocmfa-extract rules``), one line each in
``patterns/rules/people.jsonl``, applied in the order of their lines, in phases:

1. finding (:mod:`.candidates`): every rule's candidates, those of a rule whose line says
   ``"grow": true`` grown by the growing rules (:mod:`.growing`) in turn; where
   candidates overlap the longest is kept; then the rules that confirm a base model's
   entities (:mod:`.candidates`, ``model_names``);
2. filtering (:mod:`.filtering`): the first rule that gives a verdict decides;
3. linking (:mod:`.linking`): the family-name rules (first answer wins) and the linking
   rules, each adding mentions in turn;
4. authorship (:mod:`.authorship`): the first rule that names a person gives the author;
5. pronouns (:mod:`.pronouns`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...extensions import KIND_FLAGS, PEOPLE_KEY, PRONOUNS_KEY
from ...patterns import PatternError, Patterns
from ...rulebook import RULES_DIR, ConfiguredRule, import_rules_of, stage_rules
from ..layout import span_text
from ..rules import TokenRuleMatcher, cached_patterns, patterns_dir_or_default, save_patterns, saved_patterns
from .authorship import AUTHOR
from .candidates import CANDIDATES, CONFIRMED, FinderSettings
from .document import PeopleDoc, PeopleResources
from .filtering import VERDICT
from .growing import BOUNDS
from .linking import FAMILY_NAMES, MENTIONS, Coreference, SurnameFirstSettings, first_answer
from .prefilter import RunFilter
from .pronouns import PRONOUNS
from .words import KIND_BITS, NameParts

import_rules_of(__package__)  # every module of the package: each rule it defines is registered

STAGE = "people"
#: The phases of the stage, each the rules that emit one thing, in the order they run.
PHASES = (CANDIDATES, BOUNDS, CONFIRMED, VERDICT, FAMILY_NAMES, MENTIONS, AUTHOR, PRONOUNS)


@Language.factory(
    "ocmfa_people",
    assigns=[
        "doc.spans",  # PEOPLE_KEY and PRONOUNS_KEY (spaCy names no span key here)
        "doc._.ocmfa_people",
        "doc._.ocmfa_author",
        *(f"token._.ocmfa_{kind}" for kind in KIND_FLAGS),
    ],
    requires=["doc._.ocmfa_layout", "token.is_sent_start"],
    default_config={"patterns_dir": None, "disabled_rules": []},
)
def make_people(nlp: Language, name: str, patterns_dir: str | None, disabled_rules: list[str]) -> PeopleComponent:
    """Create the people component from the patterns in ``patterns_dir``, without the rules ``disabled_rules``."""
    return PeopleComponent(nlp, name, patterns_dir_or_default(patterns_dir), disabled_rules)


class PeopleComponent:
    """Find people's names and link the short forms to the full ones, by the stage's configured rules."""

    def __init__(self, nlp: Language, name: str, patterns_dir: Path, disabled_rules: Iterable[str] = ()) -> None:
        """Build the rules from ``patterns_dir``.

        A saved pipeline loaded where its patterns folder is gone gets its patterns from
        :meth:`from_disk`; until then the component cannot run.
        """
        self.nlp = nlp
        self.name = name
        self.patterns_dir = Path(patterns_dir)
        self.disabled_rules = tuple(disabled_rules)
        self._resources: PeopleResources | None = None
        self.phases: dict[str, list[ConfiguredRule]] = {phase: [] for phase in PHASES}
        if self.patterns_dir.is_dir():
            self._build(cached_patterns(self.patterns_dir))

    def _build(self, patterns: Patterns) -> None:
        rules = stage_rules(patterns, STAGE, self.disabled_rules)
        _check_pattern_ids(patterns, rules)
        self._resources = PeopleResources.build(self.nlp, patterns)
        self.phases = {phase: [rule for rule in rules if rule.spec.emits[0] == phase] for phase in PHASES}

    @property
    def resources(self) -> PeopleResources:
        """What the rules consult (raises when the component has no patterns yet)."""
        if self._resources is None:
            raise PatternError(self.patterns_dir, None, "patterns directory not found")
        return self._resources

    @property
    def name_parts(self) -> NameParts:
        """The name-part kinds of words."""
        return self.resources.name_parts

    @property
    def rules(self) -> TokenRuleMatcher:
        """The matcher of the people patterns."""
        return self.resources.matcher

    @property
    def run_filter(self) -> RunFilter:
        """Which people patterns can match in a stretch of tokens."""
        return self.resources.run_filter

    @property
    def shortest(self) -> int:
        """The fewest tokens a people pattern matches."""
        return self.resources.shortest

    def __call__(self, doc: Doc) -> Doc:
        """Annotate the person mentions of ``doc``."""
        state = PeopleDoc(doc, self.resources)
        names = [span for span in self.candidates(state) if self.accepts(state, span)]
        mentions = self.link(state, names)
        doc.spans[PEOPLE_KEY] = mentions
        forms: dict[str, list[Span]] = {}  # each person's mentions, people in order of first mention
        for span in mentions:
            forms.setdefault(span.kb_id_, []).append(span)
        doc._.ocmfa_people = {key: _canonical(state, spans) for key, spans in forms.items()}
        author = doc._.ocmfa_author = first_answer(self.phases[AUTHOR], state, mentions)
        doc.spans[PRONOUNS_KEY] = [
            span for pronouns in self.phases[PRONOUNS] for span in pronouns(state, mentions, author)
        ]
        return doc

    def candidates(self, state: PeopleDoc) -> list[Span]:
        """The candidates of the finding rules, grown, the longest kept where they overlap, then the confirmed ones.

        The longest candidate wins first, then is accepted or rejected whole: "Sun Yat-sen
        Memorial Hall" must not leave "Sun Yat" behind.
        """
        found: list[Span] = []
        for finder in self.phases[CANDIDATES]:
            spans = finder(state)
            grows = isinstance(finder.settings, FinderSettings) and finder.settings.grow
            found += [self.grown(state, span) for span in spans] if grows else spans
        kept = filter_spans(found)
        confirmed = [span for confirm in self.phases[CONFIRMED] for span in confirm(state, kept)]
        return sorted(kept + confirmed) if confirmed else kept

    def grown(self, state: PeopleDoc, span: Span) -> Span:
        """``span`` with the bounds the growing rules give it, in turn."""
        start, end = span.start, span.end
        for grower in self.phases[BOUNDS]:
            start, end = grower(state, span, start, end)
        if (start, end) == (span.start, span.end):
            return span
        return Span(state.doc, start, end, label=span.label_, span_id=span.id_)

    def accepts(self, state: PeopleDoc, name: Span) -> bool:
        """Whether ``name`` is a person's: the first filtering rule with a verdict decides; none, it is."""
        return first_answer(self.phases[VERDICT], state, name) is not False

    def link(self, state: PeopleDoc, names: list[Span]) -> list[Span]:
        """Every mention of a person, with the person's key, by the linking rules in turn."""
        surname_rules = self.phases[FAMILY_NAMES]
        coref = Coreference(state, names, lambda state, span: first_answer(surname_rules, state, span) or [])
        for linker in self.phases[MENTIONS]:
            linker(coref)
        return sorted(coref.mentions)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the patterns the component was built from in ``path``, so that it loads where they are gone."""
        save_patterns(self.resources.patterns.directory, path, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PeopleComponent:
        """Rebuild the component from the patterns saved in ``path`` (:meth:`to_disk`)."""
        saved = saved_patterns(path, exclude)
        if saved is None:
            return self
        patterns = cached_patterns(saved)
        if self._resources is None or patterns.digest != self._resources.patterns.digest:
            self._build(patterns)
        return self


def _canonical(state: PeopleDoc, mentions: list[Span]) -> str:
    """The most complete written form of a person's name (``mentions`` are theirs): longest, then first seen."""
    forms = [span[1:] if state.kinds[span.start] & KIND_BITS["honorific"] else span for span in mentions]  # no "Mr"
    return max((span_text(state.text, form) for form in forms), key=len)


def _check_pattern_ids(patterns: Patterns, rules: list[ConfiguredRule]) -> None:
    """A rule that names people.jsonl patterns by id must name ones that are there."""
    known = {rule["id"] for rule in patterns.rules["people"]}
    for configured in rules:
        settings: Any = configured.settings
        if isinstance(settings, SurnameFirstSettings) and (unknown := sorted(settings.pattern_ids - known)):
            path = Path(patterns.directory) / RULES_DIR / f"{STAGE}.jsonl"
            raise PatternError(path, None, f"{settings.rule}: pattern_ids {unknown} are not ids of people.jsonl")
