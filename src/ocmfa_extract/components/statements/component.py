"""The ``ocmfa_statements`` component: who said, wrote or declared what, and when.

Reads the layout and the spans of the earlier stages (people, pronouns, organisations,
dates, titles). Adds ``doc._.ocmfa_statements``: a list of :class:`StatementFact`.

Cues come from ``cues.jsonl``: reporting verbs (``SAY``: "said", "stated", "found that"),
verbs whose object is the content (``REACT``: "criticized", "thanked"), participles
("saying", "noting"), "according to", and the words that make a document or a spokesman a
speaker. The rules are registered units (``ocmfa.statements.*``), their words and scopes
one line each in ``patterns/rules/statements.jsonl``; a rule's kind is the first thing it
emits, and the component applies each kind at its point:

1. cue filters (``cues.py``) drop the matched cues that are no cues here;
2. document readers (``readers.py``, ``quotations.py``), in the order of their lines,
   each read the whole document: a signed message, transcript turns, quotations
   followed by their attribution;
3. then each sentence not read yet: the main-cue rule picks its cue, and the sentence
   readers (``sentences.py``) are tried in order; the first that gives a statement wins;
4. finishers (``dating.py``) go over all the statements in document order.

Readers ask the speaker rules (``speakers.py``) and the dating rules (``dating.py``)
through the document's state (``document.py``); in each kind, too, the first rule that
gives an answer wins.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import SimpleFrozenList, filter_spans

from ... import extensions  # noqa: F401 - registers the attributes this stage sets
from ...facts import StatementFact
from ...patterns import PatternError, Patterns
from ...rulebook import import_rules_of, stage_rules
from ..layout import sentences
from ..rules import PhraseRuleMatcher, cached_patterns, patterns_dir_or_default, save_patterns, saved_patterns

# Importing the rule modules registers their rules.
from .document import (
    DOCUMENT_READER,
    FINISHER,
    MAIN_CUE,
    SENTENCE_READER,
    SharedWords,
    StatementRules,
    _DocStatements,
    first_answer,
    speaker_of,
)
from .readers import DocumentReaderSettings

import_rules_of(__package__)  # every module of the package: each rule it defines is registered

STAGE = "statements"
#: Where ``to_disk`` keeps the patterns the component was built from.


@Language.factory(
    "ocmfa_statements",
    assigns=["doc._.ocmfa_statements"],
    requires=[
        "doc._.ocmfa_layout",
        "doc._.ocmfa_published",
        "doc._.ocmfa_people",
        "doc._.ocmfa_author",
        "doc._.ocmfa_subject",
        "doc.spans",
        "span._.ocmfa_date",
        "token.is_sent_start",
    ],
    default_config={"patterns_dir": None, "disabled_rules": []},
)
def make_statements(
    nlp: Language, name: str, patterns_dir: str | None, disabled_rules: list[str]
) -> StatementsComponent:
    """Create the statements component from the patterns in ``patterns_dir``, without ``disabled_rules``.

    A pipeline loaded with ``spacy.load`` rebuilds the component from the patterns it saved
    (``from_disk``), so ``patterns_dir`` need not exist then.
    """
    return StatementsComponent(nlp, name, patterns_dir_or_default(patterns_dir), disabled_rules)


class StatementsComponent:
    """Attribute quotations and reported speech to their speakers."""

    def __init__(self, nlp: Language, name: str, patterns: Patterns | Path, disabled_rules: Iterable[str] = ()) -> None:
        """Build the cue matcher and the rules from ``patterns`` (a loaded set, or its folder).

        A folder that does not exist is not an error yet: ``from_disk`` may supply the
        patterns; applying the component before that raises the :class:`PatternError`.
        """
        self.nlp = nlp
        self.name = name
        self.disabled_rules = tuple(disabled_rules)
        self.patterns: Patterns | None = None
        self.missing: PatternError | None = None
        if isinstance(patterns, Patterns):
            self._build(patterns)
        elif patterns.is_dir():
            self._build(cached_patterns(patterns))
        else:
            self.missing = PatternError(patterns, None, "patterns directory not found")

    def _build(self, patterns: Patterns) -> None:
        self.patterns = patterns
        self.phrases = PhraseRuleMatcher(self.nlp, patterns.rules["cues"])
        words = SharedWords(
            determiners=patterns.lexicon("statements_determiners"),
            relative_pronouns=patterns.lexicon("statements_relative_pronouns"),
            transcript_words=patterns.lexicon("statements_transcript_words"),
        )
        self.rules = StatementRules.of(stage_rules(patterns, STAGE, self.disabled_rules), words)

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc._.ocmfa_statements``."""
        if self.missing is not None:
            raise self.missing
        state = _DocStatements(doc, filter_spans(self.phrases.match(doc)), self.rules)
        doc._.ocmfa_statements = read_statements(state)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> None:
        """Save the patterns the component was built from into ``path``."""
        if self.patterns is not None:
            save_patterns(self.patterns.directory, path, exclude)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = SimpleFrozenList()) -> StatementsComponent:
        """Rebuild the component from the patterns saved in ``path``."""
        saved = saved_patterns(path, exclude)
        if saved is not None:
            self.missing = None
            self._build(cached_patterns(saved))
        return self


def read_statements(state: _DocStatements) -> list[StatementFact]:
    """Apply every rule of ``state.rules`` and return the statements in document order."""
    rules = state.rules
    facts: list[StatementFact] = []
    claimed: list[tuple[int, int]] = []  # the evidence whose sentences are read
    for reader in rules.of_kind(DOCUMENT_READER):
        found: list[StatementFact] = reader(state)
        facts += found
        state.read_so_far = list(facts)
        if isinstance(reader.settings, DocumentReaderSettings) and reader.settings.claims_sentences:
            claimed += [(fact.evidence_start, fact.evidence_end) for fact in found]
    facts += _read_sentences(state, claimed)
    facts = sorted(facts, key=lambda fact: (fact.evidence_start, fact.content_start))
    for finisher in rules.of_kind(FINISHER):
        facts = finisher(state, facts)
    return facts


def _read_sentences(state: _DocStatements, claimed: list[tuple[int, int]]) -> list[StatementFact]:
    """The statement of each sentence that no statement has read yet."""
    main_rules = state.rules.of_kind(MAIN_CUE)
    readers_of_sentences = state.rules.of_kind(SENTENCE_READER)
    facts: list[StatementFact] = []
    # A sentence that starts inside a statement's evidence has been read. The sentences
    # come in order, so the evidence ranges wait in a heap by start, and ``reach`` is
    # the furthest end of those that start at or before the sentence.
    waiting = list(claimed)
    heapq.heapify(waiting)
    reach = -1
    for sentence in sentences(state.doc):
        while waiting and waiting[0][0] <= sentence.start_char:
            reach = max(reach, heapq.heappop(waiting)[1])
        if sentence.start_char < reach:
            continue
        cues = state.cues_by_token.between(sentence.start, sentence.end)
        main = first_answer(main_rules, state, cues)
        if main is None:
            continue
        fact = first_answer(readers_of_sentences, state, sentence, main, cues)
        if fact is not None:
            facts.append(fact)
            heapq.heappush(waiting, (fact.evidence_start, fact.evidence_end))
            state.last_speaker = speaker_of(fact)
    return facts
