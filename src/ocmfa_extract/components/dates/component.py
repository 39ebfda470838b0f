"""The ``ocmfa_dates`` component: every temporal expression, normalised with its precision.

Reads the tokens, the sentences and ``doc._.ocmfa_layout``. Adds:

- ``doc.spans["ocmfa_dates"]``: one span a date expression or range ("June 1988 –
  December 1989" is one span), ``span.id_`` the pattern id, ``span._.ocmfa_date`` its
  :class:`DateValue`, ``span._.ocmfa_end_date`` the end of a range (or None) and
  ``span._.ocmfa_open_end`` True for "June 2023 – Incumbent";
- ``doc._.ocmfa_published``: the document's own date (a date alone on a line near the
  top, a "Posted on ..." stamp, or an "Ends/..." footer), or None. Relative expressions
  ("today", "last year") and dates without a year resolve against it, and are dropped
  when the document gives no date of its own: nothing is invented.

Candidates come from the token patterns in ``dates.jsonl``; their label gives the
precision (``DATE_DAY``, ``DATE_MONTH``, ``DATE_YEAR``, ``DATE_DECADE``; ``DATE_PARTIAL_DAY``
for a day without a year, ``DATE_PARTIAL_MONTH`` for a month alone, ``REL_*`` for relative
ones). Only these candidate strings are passed to the date normaliser, never whole texts.

The rules, in the order of ``patterns/rules/dates.jsonl``: the candidate rules
(:mod:`.candidates`: keep or drop a candidate, read one as the future), the published-date
rules (:mod:`.published`) and the range rules (:mod:`.ranges`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...extensions import DATES_KEY, LEXEME_FLAGS
from ...models import DateValue
from ...patterns import Patterns
from ...rulebook import ConfiguredRule, import_rules_of, rules_of_kind, stage_rules
from ..layout import TextRange
from ..rules import (
    BuiltFromPatterns,
    CandidateRuns,
    TokenRuleMatcher,
    literal_words,
    opening_words,
    patterns_dir_or_default,
)
from .candidates import FutureSettings, PlausibilitySettings
from .document import DocDates
from .normalizer import DateNormalizer
from .published import LONG_NUMBER, DateOnLine, PublishedSettings
from .ranges import OpenEndSettings, RangeSettings, join_ranges

import_rules_of(__package__)  # every module of the package: each rule it defines is registered

STAGE = "dates"
#: The folder of a saved component that holds the patterns it was built from.


# It also reads ``doc._.ocmfa_continuation`` (the driver sets it; no stage produces it).
@Language.factory(
    "ocmfa_dates",
    assigns=[
        "doc.spans",
        "span._.ocmfa_date",
        "span._.ocmfa_end_date",
        "span._.ocmfa_open_end",
        "doc._.ocmfa_published",
    ],
    requires=["doc._.ocmfa_text", "doc._.ocmfa_layout", "doc._.ocmfa_sentences", "doc._.ocmfa_sentence_starts"],
    default_config={"patterns_dir": None, "normalizer": {"@misc": "ocmfa.date_normalizer.v2"}, "disabled_rules": []},
)
def make_dates(
    nlp: Language, name: str, patterns_dir: str | None, normalizer: DateNormalizer, disabled_rules: list[str]
) -> DatesComponent:
    """Create the dates component from the patterns in ``patterns_dir``, without the rules ``disabled_rules``."""
    return DatesComponent(nlp, name, patterns_dir_or_default(patterns_dir), normalizer, disabled_rules)


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


class DatesComponent(BuiltFromPatterns):
    """Find, normalise and join date expressions; find the document's own date."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        patterns_dir: Path,
        normalizer: DateNormalizer,
        disabled_rules: Iterable[str] = (),
    ) -> None:
        """Build the matcher and the rules from the patterns in ``patterns_dir``.

        A folder that is not there is read when the component is first used, so that
        ``spacy.load`` of a saved pipeline can give the patterns it saved
        (:meth:`from_disk`) though the folder it was built from is gone.
        """
        self.nlp = nlp
        self.name = name
        self.normalize = normalizer
        self.disabled_rules = tuple(disabled_rules)
        self._start_from(patterns_dir)

    def _build(self, patterns: Patterns) -> Patterns:
        """Build the candidate matcher from ``patterns`` and sort the stage's rules by kind."""
        self.rules = TokenRuleMatcher(
            nlp=self.nlp, rules=patterns.rules["dates"], predicate_flags=LEXEME_FLAGS["dates_predicates"]
        )
        # Every date pattern token holds a digit or is a word some pattern names ("of", "May"),
        # and every pattern opens with a digit or a word ("May", "last").
        literals = literal_words(patterns.rules["dates"])
        openings = opening_words(patterns.rules["dates"])
        self.runs = CandidateRuns(
            member=lambda word: word.casefold() in literals or _has_digit(word),
            anchor=lambda word: word.casefold() in openings or _has_digit(word),
        )
        configured = stage_rules(patterns, STAGE, self.disabled_rules)
        for lexicon in _lexicons_named(configured):
            patterns.lexicon(lexicon)  # a lexicon a rule names must be there: an error now, not mid-run
        self.plausibility_rules = rules_of_kind(configured, PlausibilitySettings)
        self.future_rules = rules_of_kind(configured, FutureSettings)
        self.published_rules = [
            (rule, rule.settings) for rule in configured if isinstance(rule.settings, PublishedSettings)
        ]
        self.range_rules = rules_of_kind(configured, RangeSettings)
        self.open_end_rules = rules_of_kind(configured, OpenEndSettings)
        self._patterns = patterns
        return patterns

    def __call__(self, doc: Doc) -> Doc:
        """Annotate the date spans of ``doc`` and its published date."""
        dates = DocDates.of(doc, self.patterns, self.normalize)
        matches = self.rules.match_in_runs(doc, self.runs.runs(doc), longest=True)  # as filter_spans keeps them
        candidates = [span for span in matches if self._plausible(dates, span)]
        continuation = doc._.ocmfa_continuation
        doc._.ocmfa_published = continuation.published if continuation else self._published(dates, candidates)
        for index, span in enumerate(candidates):
            if any(future(dates, span) for future in self.future_rules):
                span = candidates[index] = Span(
                    doc, span.start, span.end, label=f"{span.label_}_FUTURE", span_id=span.id_
                )
            span._.ocmfa_date = self.normalize(span.text, span.label_, doc._.ocmfa_published)
        joined = join_ranges(dates, candidates, self.range_rules, self.open_end_rules)
        doc.spans[DATES_KEY] = [span for span in joined if span._.ocmfa_date is not None]
        return doc

    def _plausible(self, dates: DocDates, span: Span) -> bool:
        """Whether a candidate is a date: the first plausibility rule that answers decides; none, it is."""
        for plausibility in self.plausibility_rules:
            verdict = plausibility(dates, span)
            if verdict is not None:
                return bool(verdict)
        return True

    def _published(self, dates: DocDates, candidates: list[Span]) -> DateValue | None:
        """The document's own date: the first day or month date a published-date rule takes.

        The lines are read top first (the most any rule reads), then the bottom ones;
        each line's dates in order; at each, the rules whose window holds the line, in
        their order.
        """
        for line, rules in self._lines_read(dates.layout.lines):
            in_line = [
                span
                for span in candidates
                if span.label_ in {"DATE_DAY", "DATE_MONTH"}
                and line.start <= span.start_char <= span.end_char <= line.end
            ]
            long_number = LONG_NUMBER.search(dates.text, line.start, line.end)
            for index in range(len(in_line)):
                where = DateOnLine(
                    dates.text, line, in_line, index, long_number.end() if long_number else None, dates.layout.title
                )
                if any(published(dates, where) for published in rules):
                    return self.normalize(where.span.text, where.span.label_, None)
        return None

    def _lines_read(self, lines: list[TextRange]) -> list[tuple[TextRange, list[ConfiguredRule]]]:
        """The lines the published-date rules read, top first then bottom, each with the rules that read it.

        A line in both windows of a short document comes twice, as it always has: the
        second time finds nothing the first did not.
        """
        count = len(lines)
        top = max((settings.first_lines for _, settings in self.published_rules), default=0)
        bottom = max((settings.last_lines for _, settings in self.published_rules), default=0)
        first_bottom = max(count - bottom, 0)
        numbered = [*enumerate(lines[:top]), *(enumerate(lines[first_bottom:], start=first_bottom) if bottom else [])]
        return [
            (
                line,
                [
                    rule
                    for rule, window in self.published_rules
                    if number < window.first_lines or number >= count - window.last_lines
                ],
            )
            for number, line in numbered
        ]


def _lexicons_named(configured: list[ConfiguredRule]) -> list[str]:
    """The lexicons the rules' settings name (their ``*_lexicon`` fields)."""
    return [
        value
        for rule in configured
        for field, value in rule.settings.model_dump().items()
        if field.endswith("_lexicon") and isinstance(value, str)
    ]
