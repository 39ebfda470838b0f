"""Score an output folder against hand-made gold files.

The gold format and the matching rules are those of ``GOLD-FORMAT.md``; the output
files are those of ``output-contract.md``. Outputs are read as plain JSON records (only
the fields the scoring needs are checked), so any tool that follows the contract can be
scored. :func:`evaluate` is the entry point; :func:`format_report` renders its result.

Choices where ``GOLD-FORMAT.md`` leaves room:

- Gold files are strict: unknown keys are errors (a typo such as ``"optinal"`` must not
  silently turn an optional item into a required one). Required keys: ``doc``,
  ``people``, ``roles``, ``dates``, ``statements``; in a role ``person``, ``title``,
  ``keys``, ``start``, ``end``; in a statement ``speaker``, ``speaker_aliases``,
  ``keys``, ``date``; in a person ``name``. Everything else has an empty default.
- A predicted person's keys in a document are the keys of its name, its aliases and the
  texts of its mentions in that document. Within each pairing tier, required gold
  people are served before optional ones, then gold and predictions in file order.
- Gold roles with equal numbers of keys and dates are paired required first, then in
  file order; ties between equally good predictions go to the first in file order.
- A leftover role prediction is a restatement when it fits some gold role and each of
  its start and end is either null or equal to that role's.
- Statement date accuracy counts any prediction that fits the gold statement, whether
  it paired with it or not.
- ``not_dates`` and predicted date texts are compared with whitespace collapsed.
- A gold document with no output document scores every required gold item as missed
  and its ``published`` (when scored) as wrong.
- Identity covers every paired gold person, optional ones included.
- Precision is ``tp / (tp + fp)`` and recall ``tp / (tp + fn)``, each 0.0 when its
  denominator is 0; F1 is 0.0 when precision + recall is 0. An accuracy with nothing
  to score is ``None``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rich.table import Table

from ocmfa_extract.text import name_key

from .models import KIND
from .state import current_state

RANK_WORDS: frozenset[str] = frozenset({"deputy", "vice", "assistant", "acting"})
"""Words that make a different position of the same head noun."""

_WORD = re.compile(r"[^\W_]+")
_SNIPPET = 80


# --------------------------------------------------------------------------- errors


class GoldFormatError(ValueError):
    """A gold file that cannot be read, or that breaks ``GOLD-FORMAT.md``."""

    def __init__(self, path: Path, message: str) -> None:
        """Store the offending file and what is wrong with it."""
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class OutputFormatError(ValueError):
    """An output JSONL line that is not JSON or lacks a field the scoring needs."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        """Store the offending file, its 1-based line number and what is wrong."""
        super().__init__(f"{path}, line {line}: {message}")
        self.path = path
        self.line = line
        self.message = message


# --------------------------------------------------------------------------- gold


class _Strict(BaseModel):
    """Base of the gold and report models: unknown keys are errors, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


NonEmptyStr = Annotated[str, Field(min_length=1)]


class GoldDate(_Strict):
    """A gold ``published`` date."""

    value: NonEmptyStr
    precision: Literal["day", "month", "year", "decade"]


class GoldPerson(_Strict):
    """A real, named person of one document."""

    name: NonEmptyStr
    aliases: tuple[str, ...] = ()
    optional: bool = False


class GoldRole(_Strict):
    """A person holding a named position, as one document states it."""

    person: NonEmptyStr
    title: NonEmptyStr
    keys: tuple[NonEmptyStr, ...] = Field(min_length=1)
    start: str | None
    end: str | None
    current: bool | None = None
    optional: bool = False


class GoldStatement(_Strict):
    """An act of saying, writing or declaring in one document."""

    speaker: NonEmptyStr
    speaker_aliases: tuple[NonEmptyStr, ...]
    keys: tuple[NonEmptyStr, ...] = Field(min_length=1)
    date: str | None
    optional: bool = False


class GoldDocument(_Strict):
    """The gold annotation of one document (one ``*.json`` gold file)."""

    doc: NonEmptyStr
    published: GoldDate | None = None
    people: tuple[GoldPerson, ...]
    not_people: tuple[str, ...] = ()
    roles: tuple[GoldRole, ...]
    dates: tuple[str, ...]
    optional_dates: tuple[str, ...] = ()
    not_dates: tuple[str, ...] = ()
    statements: tuple[GoldStatement, ...]

    @property
    def scores_published(self) -> bool:
        """Whether the file has a ``published`` key (null included), so it is scored."""
        return "published" in self.model_fields_set


def load_gold(path: Path) -> GoldDocument:
    """Read and validate one gold file.

    Raises:
        GoldFormatError: The file is not UTF-8 JSON or breaks the gold format.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as e:
        raise GoldFormatError(path, f"not UTF-8: {e}") from e
    except json.JSONDecodeError as e:
        raise GoldFormatError(path, f"not valid JSON: {e}") from e
    try:
        return GoldDocument.model_validate(data)
    except ValidationError as e:
        raise GoldFormatError(path, _validation_message(e)) from e


def load_gold_dir(gold_dir: Path) -> list[GoldDocument]:
    """Read every ``*.json`` gold file of ``gold_dir``, sorted by file name.

    Raises:
        NotADirectoryError: ``gold_dir`` is not a directory.
        GoldFormatError: A file is bad, two files name the same document, or there
            are no gold files at all.
    """
    if not gold_dir.is_dir():
        raise NotADirectoryError(f"gold directory not found: {gold_dir}")
    paths = sorted(p for p in gold_dir.glob("*.json") if not p.name.startswith("."))
    if not paths:
        raise GoldFormatError(gold_dir, "no *.json gold files")
    golds: list[GoldDocument] = []
    seen: dict[str, Path] = {}
    for path in paths:
        gold = load_gold(path)
        if gold.doc in seen:
            raise GoldFormatError(path, f"document {gold.doc!r} already has gold in {seen[gold.doc].name}")
        seen[gold.doc] = path
        golds.append(gold)
    return golds


def _validation_message(error: ValidationError) -> str:
    """Join the validation problems, each prefixed by its field's location."""
    parts = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- outputs


class _Record(BaseModel):
    """An output record: the contract fields that scoring uses are checked."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class _DateValue(_Record):
    value: str
    precision: str


class _Document(_Record):
    doc_id: str
    path: str
    published: _DateValue | None


class _DocRecord(_Record):
    """An output record that belongs to one document."""

    doc_id: str


class _Span(_DocRecord):
    text: str


class _Person(_Record):
    person_id: str
    name: str
    aliases: list[str]
    mentions: list[_Span]


class _Role(_DocRecord):
    role_id: str
    person_id: str
    person: str
    title: str
    organization: str | None
    start: _DateValue | None
    end: _DateValue | None


class _Date(_DocRecord):
    date_id: str
    text: str
    value: _DateValue
    end_value: _DateValue | None


class _Statement(_DocRecord):
    statement_id: str
    speaker: str
    speaker_id: str | None
    content: str
    date: _DateValue | None


_R = TypeVar("_R", bound=_Record)
_D = TypeVar("_D", bound=_DocRecord)


def _read_jsonl(path: Path, model: type[_R]) -> list[_R]:
    """Read one output file; a missing file is empty, blank lines are skipped."""
    if not path.is_file():
        return []
    records: list[_R] = []
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            records.append(model.model_validate(json.loads(raw.decode("utf-8"))))
        except UnicodeDecodeError as e:
            raise OutputFormatError(path, number, f"not UTF-8: {e}") from e
        except json.JSONDecodeError as e:
            raise OutputFormatError(path, number, f"not valid JSON: {e}") from e
        except ValidationError as e:
            raise OutputFormatError(path, number, _validation_message(e)) from e
    return records


def _group_by_doc(records: Iterable[_D]) -> dict[str, list[_D]]:
    """Group records by their ``doc_id``, keeping file order."""
    groups: dict[str, list[_D]] = defaultdict(list)
    for record in records:
        groups[record.doc_id].append(record)
    return groups


@dataclass(frozen=True)
class _DocPredictions:
    """The predictions of one document, in file order."""

    people: list[_Person] = field(default_factory=list)
    roles: list[_Role] = field(default_factory=list)
    dates: list[_Date] = field(default_factory=list)
    statements: list[_Statement] = field(default_factory=list)


@dataclass(frozen=True)
class _Outputs:
    """One run's outputs, grouped for scoring."""

    documents: list[_Document]
    people: list[_Person]
    roles: dict[str, list[_Role]]
    dates: dict[str, list[_Date]]
    statements: dict[str, list[_Statement]]

    @classmethod
    def load(cls, output_dir: Path) -> _Outputs:
        """Read the contract's files from ``output_dir``."""
        if not output_dir.is_dir():
            raise NotADirectoryError(f"output directory not found: {output_dir}")
        return cls(
            documents=_read_jsonl(output_dir / KIND["documents"].file, _Document),
            people=_read_jsonl(output_dir / KIND["people"].file, _Person),
            roles=_group_by_doc(_read_jsonl(output_dir / KIND["roles"].file, _Role)),
            dates=_group_by_doc(_read_jsonl(output_dir / KIND["dates"].file, _Date)),
            statements=_group_by_doc(_read_jsonl(output_dir / KIND["statements"].file, _Statement)),
        )

    def document(self, file_name: str) -> _Document | None:
        """Return the first document whose path ends in the file ``file_name``."""
        return next((d for d in self.documents if PurePosixPath(d.path).name == file_name), None)

    def predictions(self, doc_id: str) -> _DocPredictions:
        """Return the predictions of ``doc_id``; a person takes part by a mention."""
        return _DocPredictions(
            people=[p for p in self.people if any(m.doc_id == doc_id for m in p.mentions)],
            roles=self.roles.get(doc_id, []),
            dates=self.dates.get(doc_id, []),
            statements=self.statements.get(doc_id, []),
        )


# --------------------------------------------------------------------------- report


class Score(_Strict):
    """Counts of one kind of item, with micro-averaged precision, recall and F1."""

    tp: int = Field(description="gold items found")
    fp: int = Field(description="predictions that match no gold item")
    fn: int = Field(description="required gold items not found")
    precision: float = Field(description="tp / (tp + fp), 0.0 when there are none")
    recall: float = Field(description="tp / (tp + fn), 0.0 when there are none")
    f1: float = Field(description="harmonic mean of precision and recall, 0.0 when both are 0")

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> Score:
        """Build a score, computing precision, recall and F1 from the counts."""
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1)


class Accuracy(_Strict):
    """A share of correct cases."""

    correct: int
    total: int
    accuracy: float | None = Field(description="correct / total, null when total is 0")

    @classmethod
    def from_counts(cls, correct: int, total: int) -> Accuracy:
        """Build an accuracy, computing the share from the counts."""
        return cls(correct=correct, total=total, accuracy=correct / total if total else None)


class ItemRef(_Strict):
    """A missed gold item or a false-positive prediction, for debugging."""

    kind: Literal["person", "role", "date", "statement"]
    id: str | None = Field(description="person_id, role_id, date_id or statement_id; null for gold")
    summary: str = Field(description="enough to find the item: name, title, value or content")


class DocumentReport(_Strict):
    """The scores of one gold document."""

    doc: str = Field(description="the gold file's document name")
    doc_id: str | None = Field(description="the matched output document, null when none")
    people: Score
    roles: Score
    dates: Score
    statements: Score
    tenure: Accuracy
    statement_dates: Accuracy
    published_correct: bool | None = Field(description="null when the gold has no published key")
    trap_hits: int = Field(description="predicted dates whose text is in not_dates")
    restatements: int = Field(description="leftover role predictions that restate a gold role")
    repeats: int = Field(description="statement predictions that fit only already paired gold")
    missed: tuple[ItemRef, ...]
    false_positives: tuple[ItemRef, ...]
    traps: tuple[ItemRef, ...]


class WrongMerge(_Strict):
    """One predicted person paired with several different gold names."""

    person_id: str
    gold_names: tuple[str, ...]
    docs: tuple[str, ...]


class Split(_Strict):
    """One gold name paired with several predicted people."""

    gold_name: str
    person_ids: tuple[str, ...]
    docs: tuple[str, ...]


class IdentityReport(_Strict):
    """Cross-document identity of the paired gold people."""

    consistency: Accuracy = Field(description="gold names paired in >= 1 document with one person_id of their own")
    wrong_merges: tuple[WrongMerge, ...]
    splits: tuple[Split, ...]


class EvalReport(_Strict):
    """The result of :func:`evaluate`; ``model_dump_json()`` is the JSON output."""

    documents_scored: int
    people: Score
    roles: Score
    dates: Score
    statements: Score
    tenure_accuracy: Accuracy
    statement_date_accuracy: Accuracy
    published_accuracy: Accuracy
    trap_hits: int
    identity: IdentityReport
    documents: tuple[DocumentReport, ...]


# --------------------------------------------------------------------------- helpers


def _collapse(text: str) -> str:
    """Casefold ``text`` and collapse its whitespace runs to single spaces."""
    return " ".join(text.casefold().split())


def _words(text: str) -> list[str]:
    """Return the casefolded words (maximal runs of letters/digits) of ``text``."""
    return _WORD.findall(text.casefold())


def _rank_words(title: str) -> frozenset[str]:
    """Return the rank words (deputy, vice, assistant, acting) of a title."""
    return frozenset(_words(title)) & RANK_WORDS


def _keys_begin_words(keys: Iterable[str], text: str) -> bool:
    """Whether every key begins a word of ``text`` ("spokes" fits "Spokesperson")."""
    folded = _collapse(text)
    starts = [m.start() for m in _WORD.finditer(folded)]
    return all(any(folded.startswith(_collapse(key), i) for i in starts) for key in keys)


def _keys(names: Iterable[str]) -> frozenset[str]:
    """Return the non-empty name keys of ``names``."""
    return frozenset(k for k in map(name_key, names) if k)


def _value(date: _DateValue | None) -> str | None:
    """Return a DateValue's ISO string, or None."""
    return None if date is None else date.value


def _snippet(text: str) -> str:
    """Return ``text`` with whitespace collapsed, cut to a readable length."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 1] + "…"


def _span(start: str | None, end: str | None) -> str:
    """Render a tenure as "start–end" ("?" for null)."""
    return f"{start or '?'}–{end or '?'}"


@dataclass
class _Tally:
    """Mutable counts of one kind in one document."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[ItemRef] = field(default_factory=list)
    false_positives: list[ItemRef] = field(default_factory=list)

    def score(self) -> Score:
        """Freeze the counts into a :class:`Score`."""
        return Score.from_counts(self.tp, self.fp, self.fn)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class _Holder:
    """Who a gold role or statement is about: the gold person's keys and paired id."""

    keys: frozenset[str]
    person_id: str | None


@dataclass(frozen=True)
class _PeopleResult:
    """Counts and pairs of the people of one document."""

    tally: _Tally
    gold_keys: list[frozenset[str]]
    paired_ids: dict[int, str]
    """Gold person index -> paired predicted person_id."""

    def holder(self, gold: GoldDocument, name: str) -> _Holder | None:
        """Return the gold person whose keys hold ``name``'s key, if any."""
        key = name_key(name)
        by_name = [i for i, p in enumerate(gold.people) if name_key(p.name) == key]
        by_alias = [i for i, keys in enumerate(self.gold_keys) if key in keys]
        if not (by_name or by_alias):
            return None
        found = (by_name or by_alias)[0]
        return _Holder(self.gold_keys[found], self.paired_ids.get(found))


def _pair_people(gold: Sequence[GoldPerson], preds: Sequence[_Person], doc_id: str) -> dict[int, int]:
    """Pair gold and predicted people one to one, tier by tier (GOLD-FORMAT order)."""
    gold_name_keys = [name_key(p.name) for p in gold]
    gold_keys = [_keys([p.name, *p.aliases]) for p in gold]
    pred_name_keys = [name_key(p.name) for p in preds]
    pred_keys = [_keys([p.name, *p.aliases, *(m.text for m in p.mentions if m.doc_id == doc_id)]) for p in preds]
    tiers: list[Callable[[int, int], bool]] = [
        lambda g, p: bool(pred_name_keys[p]) and pred_name_keys[p] == gold_name_keys[g],
        lambda g, p: pred_name_keys[p] in gold_keys[g],
        lambda g, p: bool(pred_keys[p] & gold_keys[g]),
    ]
    order = sorted(range(len(gold)), key=lambda g: gold[g].optional)
    pairs: dict[int, int] = {}
    for fits in tiers:
        for g in order:
            if g in pairs:
                continue
            taken = set(pairs.values())
            match = next((p for p in range(len(preds)) if p not in taken and fits(g, p)), None)
            if match is not None:
                pairs[g] = match
    return pairs


def _score_people(gold: GoldDocument, preds: list[_Person], doc_id: str) -> _PeopleResult:
    """Score the people of one document."""
    pairs = _pair_people(gold.people, preds, doc_id)
    tally = _Tally()
    for g, person in enumerate(gold.people):
        if person.optional:
            continue
        if g in pairs:
            tally.tp += 1
        else:
            tally.fn += 1
            tally.missed.append(ItemRef(kind="person", id=None, summary=person.name))
    paired = set(pairs.values())
    for p, pred in enumerate(preds):
        if p not in paired:
            tally.fp += 1
            tally.false_positives.append(ItemRef(kind="person", id=pred.person_id, summary=pred.name))
    return _PeopleResult(
        tally=tally,
        gold_keys=[_keys([p.name, *p.aliases]) for p in gold.people],
        paired_ids={g: preds[p].person_id for g, p in pairs.items()},
    )


# --------------------------------------------------------------------------- roles


def _role_fits(gold: GoldRole, holder: _Holder, pred: _Role) -> bool:
    """Whether a predicted role fits a gold role (holder, keys and rank words)."""
    same_holder = (holder.person_id is not None and pred.person_id == holder.person_id) or (
        name_key(pred.person) in holder.keys
    )
    return (
        same_holder
        and _keys_begin_words(gold.keys, f"{pred.title} {pred.organization or ''}")
        and _rank_words(pred.title) == _rank_words(gold.title)
    )


def _date_agreement(gold: GoldRole, pred: _Role) -> int:
    """Count how many of start and end agree (null equals null)."""
    return (_value(pred.start) == gold.start) + (_value(pred.end) == gold.end)


def _restates(gold: GoldRole, pred: _Role) -> bool:
    """Whether each non-null start/end of the prediction equals the gold role's."""
    return (pred.start is None or pred.start.value == gold.start) and (pred.end is None or pred.end.value == gold.end)


def _role_order(role: GoldRole) -> tuple[int, int, bool]:
    """Sort key: more keys first, then more dates, then required before optional."""
    return (
        -len(role.keys),
        -((role.start is not None) + (role.end is not None)),
        role.optional,
    )


@dataclass
class _RolesResult:
    """Counts of the roles of one document."""

    tally: _Tally
    tenure_correct: int = 0
    tenure_total: int = 0
    restatements: int = 0


def _pair_roles(golds: Sequence[GoldRole], preds: Sequence[_Role], fits: list[list[bool]]) -> dict[int, int]:
    """Pair gold roles, best-specified first, each with its best fitting prediction."""
    pairs: dict[int, int] = {}
    for g in sorted(range(len(golds)), key=lambda i: _role_order(golds[i])):
        taken = set(pairs.values())
        candidates = [p for p in range(len(preds)) if p not in taken and fits[g][p]]
        if candidates:
            # max() keeps the first of equals, so ties go to file order.
            pairs[g] = max(candidates, key=lambda p: _role_preference(golds[g], preds[p]))
    return pairs


def _score_roles(gold: GoldDocument, preds: list[_Role], people: _PeopleResult) -> _RolesResult:
    """Pair gold roles with predicted roles and count the outcome."""
    golds = gold.roles
    holders = [people.holder(gold, r.person) or _Holder(_keys([r.person]), None) for r in golds]
    fits = [[_role_fits(r, holders[g], p) for p in preds] for g, r in enumerate(golds)]
    pairs = _pair_roles(golds, preds, fits)
    result = _RolesResult(tally=_Tally())
    for g, role in enumerate(golds):
        if role.optional:
            continue
        if g not in pairs:
            result.tally.fn += 1
            summary = f"{role.person} — {role.title} ({_span(role.start, role.end)})"
            result.tally.missed.append(ItemRef(kind="role", id=None, summary=summary))
            continue
        result.tally.tp += 1
        if role.start is not None or role.end is not None:
            result.tenure_total += 1
            result.tenure_correct += _date_agreement(role, preds[pairs[g]]) == 2
    paired = set(pairs.values())
    for p, pred in enumerate(preds):
        if p in paired:
            continue
        if any(fits[g][p] and _restates(r, pred) for g, r in enumerate(golds)):
            result.restatements += 1
        else:
            result.tally.fp += 1
            result.tally.false_positives.append(_role_ref(pred))
    return result


def _role_preference(gold: GoldRole, pred: _Role) -> tuple[int, int]:
    """Rank a fitting prediction: dates that agree, then title words shared."""
    shared = set(_words(gold.title)) & set(_words(pred.title))
    return (_date_agreement(gold, pred), len(shared))


def _role_ref(pred: _Role) -> ItemRef:
    """Describe a predicted role."""
    where = f", {pred.organization}" if pred.organization else ""
    tenure = _span(_value(pred.start), _value(pred.end))
    return ItemRef(
        kind="role",
        id=pred.role_id,
        summary=f"{pred.person} — {pred.title}{where} ({tenure})",
    )


# --------------------------------------------------------------------------- dates


@dataclass
class _DatesResult:
    """Counts and trap hits of the dates of one document."""

    tally: _Tally
    traps: list[ItemRef]


def _score_dates(gold: GoldDocument, preds: list[_Date]) -> _DatesResult:
    """Compare the set of predicted date values with the gold set."""
    required = set(gold.dates)
    optional = set(gold.optional_dates) - required
    traps = {" ".join(t.split()) for t in gold.not_dates}
    sources: dict[str, list[_Date]] = defaultdict(list)
    trap_refs: list[ItemRef] = []
    for pred in preds:
        for value in (pred.value.value, _value(pred.end_value)):
            if value is not None:
                sources[value].append(pred)
        if " ".join(pred.text.split()) in traps:
            trap_refs.append(
                ItemRef(
                    kind="date",
                    id=pred.date_id,
                    summary=f"{pred.text!r} -> {pred.value.value}",
                )
            )
    tally = _Tally()
    for value in sorted(required):
        if value in sources:
            tally.tp += 1
        else:
            tally.fn += 1
            tally.missed.append(ItemRef(kind="date", id=None, summary=value))
    for value in sorted(set(sources) - required - optional):
        tally.fp += 1
        texts = ", ".join(sorted({repr(d.text) for d in sources[value]}))
        tally.false_positives.append(
            ItemRef(
                kind="date",
                id=sources[value][0].date_id,
                summary=f"{value} from {texts}",
            )
        )
    return _DatesResult(tally=tally, traps=trap_refs)


# --------------------------------------------------------------------------- statements


def _statement_fits(gold: GoldStatement, speaker_id: str | None, pred: _Statement) -> bool:
    """Whether a predicted statement fits a gold one (speaker and content)."""
    speaker = pred.speaker.casefold()
    by_name = any(alias.casefold() in speaker for alias in gold.speaker_aliases)
    by_id = speaker_id is not None and pred.speaker_id == speaker_id
    content = _collapse(pred.content)
    return (by_name or by_id) and any(_collapse(key) in content for key in gold.keys)


@dataclass
class _StatementsResult:
    """Counts of the statements of one document."""

    tally: _Tally
    dates_correct: int = 0
    dates_total: int = 0
    repeats: int = 0


@dataclass
class _StatementPairing:
    """Predicted statements against gold ones, in file order."""

    paired: set[int] = field(default_factory=set)
    """Indices of the gold statements some prediction paired with."""
    fitting: dict[int, list[_Statement]] = field(default_factory=dict)
    """Gold index -> every prediction that fits it (pairing or not)."""
    repeats: int = 0
    unfit: list[_Statement] = field(default_factory=list)


def _pair_statements(
    golds: Sequence[GoldStatement],
    speaker_ids: Sequence[str | None],
    preds: Sequence[_Statement],
) -> _StatementPairing:
    """Pair each prediction with the first free gold it fits, required first."""
    pairing = _StatementPairing(fitting={g: [] for g in range(len(golds))})
    for pred in preds:
        fits = [g for g, s in enumerate(golds) if _statement_fits(s, speaker_ids[g], pred)]
        for g in fits:
            pairing.fitting[g].append(pred)
        free = [g for g in fits if g not in pairing.paired]
        if free:
            # Required before optional; min() keeps the first of equals (file order).
            pairing.paired.add(min(free, key=lambda g: golds[g].optional))
        elif fits:
            pairing.repeats += 1
        else:
            pairing.unfit.append(pred)
    return pairing


def _score_statements(gold: GoldDocument, preds: list[_Statement], people: _PeopleResult) -> _StatementsResult:
    """Pair predicted statements with gold ones and count the outcome."""
    golds = gold.statements
    speaker_ids = [_speaker_id(gold, people, s.speaker) for s in golds]
    pairing = _pair_statements(golds, speaker_ids, preds)
    result = _StatementsResult(tally=_Tally(), repeats=pairing.repeats)
    for pred in pairing.unfit:
        result.tally.fp += 1
        summary = f"{pred.speaker}: {_snippet(pred.content)}"
        ref = ItemRef(kind="statement", id=pred.statement_id, summary=summary)
        result.tally.false_positives.append(ref)
    for g, statement in enumerate(golds):
        if statement.optional:
            continue
        if g not in pairing.paired:
            result.tally.fn += 1
            summary = f"{statement.speaker}: {' | '.join(statement.keys)}"
            result.tally.missed.append(ItemRef(kind="statement", id=None, summary=summary))
            continue
        result.tally.tp += 1
        if statement.date is not None:
            result.dates_total += 1
            result.dates_correct += any(_value(p.date) == statement.date for p in pairing.fitting[g])
    return result


def _speaker_id(gold: GoldDocument, people: _PeopleResult, speaker: str) -> str | None:
    """Return the person_id paired with a gold speaker who is one of the gold people."""
    holder = people.holder(gold, speaker)
    return None if holder is None else holder.person_id


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class _IdentityLink:
    """One gold person paired with one predicted person in one document."""

    key: str
    name: str
    person_id: str
    doc: str


def _published_correct(gold: GoldDocument, document: _Document | None) -> bool | None:
    """Score ``published``: value and precision equal, null equals null."""
    if not gold.scores_published:
        return None
    if document is None:
        return False
    if gold.published is None or document.published is None:
        return gold.published is None and document.published is None
    return (gold.published.value, gold.published.precision) == (
        document.published.value,
        document.published.precision,
    )


def _score_document(gold: GoldDocument, outputs: _Outputs) -> tuple[DocumentReport, list[_IdentityLink]]:
    """Score one gold document; no output document means no predictions."""
    document = outputs.document(gold.doc)
    doc_id = None if document is None else document.doc_id
    preds = _DocPredictions() if doc_id is None else outputs.predictions(doc_id)
    people = _score_people(gold, preds.people, doc_id or "")
    roles = _score_roles(gold, preds.roles, people)
    dates = _score_dates(gold, preds.dates)
    statements = _score_statements(gold, preds.statements, people)
    tallies = (people.tally, roles.tally, dates.tally, statements.tally)
    report = DocumentReport(
        doc=gold.doc,
        doc_id=doc_id,
        people=people.tally.score(),
        roles=roles.tally.score(),
        dates=dates.tally.score(),
        statements=statements.tally.score(),
        tenure=Accuracy.from_counts(roles.tenure_correct, roles.tenure_total),
        statement_dates=Accuracy.from_counts(statements.dates_correct, statements.dates_total),
        published_correct=_published_correct(gold, document),
        trap_hits=len(dates.traps),
        restatements=roles.restatements,
        repeats=statements.repeats,
        missed=tuple(ref for tally in tallies for ref in tally.missed),
        false_positives=tuple(ref for tally in tallies for ref in tally.false_positives),
        traps=tuple(dates.traps),
    )
    links = [
        _IdentityLink(name_key(gold.people[g].name), gold.people[g].name, pid, gold.doc)
        for g, pid in sorted(people.paired_ids.items())
    ]
    return report, links


# --------------------------------------------------------------------------- identity


def _score_identity(links: Sequence[_IdentityLink]) -> IdentityReport:
    """Check that each gold name has one person_id of its own across documents."""
    ids_of: dict[str, set[str]] = defaultdict(set)
    keys_of: dict[str, set[str]] = defaultdict(set)
    docs_of_key: dict[str, set[str]] = defaultdict(set)
    docs_of_id: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for link in links:
        ids_of[link.key].add(link.person_id)
        keys_of[link.person_id].add(link.key)
        docs_of_key[link.key].add(link.doc)
        docs_of_id[link.person_id].add(link.doc)
        names.setdefault(link.key, link.name)
    consistent = sum(len(ids) == 1 and len(keys_of[next(iter(ids))]) == 1 for ids in ids_of.values())
    merges = tuple(
        WrongMerge(
            person_id=pid,
            gold_names=tuple(sorted(names[k] for k in keys)),
            docs=tuple(sorted(docs_of_id[pid])),
        )
        for pid, keys in sorted(keys_of.items())
        if len(keys) > 1
    )
    splits = tuple(
        Split(
            gold_name=names[key],
            person_ids=tuple(sorted(ids)),
            docs=tuple(sorted(docs_of_key[key])),
        )
        for key, ids in sorted(ids_of.items())
        if len(ids) > 1
    )
    return IdentityReport(
        consistency=Accuracy.from_counts(consistent, len(ids_of)),
        wrong_merges=merges,
        splits=splits,
    )


# --------------------------------------------------------------------------- evaluate


def _sum_scores(scores: Iterable[Score]) -> Score:
    """Micro-average: add the counts, then recompute the ratios."""
    items = list(scores)
    return Score.from_counts(sum(s.tp for s in items), sum(s.fp for s in items), sum(s.fn for s in items))


def _sum_accuracies(accuracies: Iterable[Accuracy]) -> Accuracy:
    """Add correct and total counts, then recompute the share."""
    items = list(accuracies)
    return Accuracy.from_counts(sum(a.correct for a in items), sum(a.total for a in items))


def evaluate(gold_dir: Path, output_dir: Path) -> EvalReport:
    """Score the outputs in ``output_dir`` against the gold files in ``gold_dir``.

    Args:
        gold_dir: Folder of ``*.json`` gold files (``GOLD-FORMAT.md``).
        output_dir: Folder of a run's JSONL outputs (``output-contract.md``); missing
            files count as empty. Output documents without gold are not scored.

    Returns:
        The micro-averaged scores, the extra accuracies, cross-document identity and a
        per-document breakdown with the missed gold items and the false positives.

    Raises:
        NotADirectoryError: Either folder does not exist.
        GoldFormatError: A gold file is bad (see :func:`load_gold_dir`).
        OutputFormatError: An output line is not JSON or lacks a field the scoring uses.
    """
    golds = load_gold_dir(gold_dir)
    outputs = _Outputs.load(current_state(output_dir))  # every file of one state
    docs: list[DocumentReport] = []
    links: list[_IdentityLink] = []
    for gold in golds:
        report, doc_links = _score_document(gold, outputs)
        docs.append(report)
        links.extend(doc_links)
    published = [d.published_correct for d in docs if d.published_correct is not None]
    return EvalReport(
        documents_scored=len(docs),
        people=_sum_scores(d.people for d in docs),
        roles=_sum_scores(d.roles for d in docs),
        dates=_sum_scores(d.dates for d in docs),
        statements=_sum_scores(d.statements for d in docs),
        tenure_accuracy=_sum_accuracies(d.tenure for d in docs),
        statement_date_accuracy=_sum_accuracies(d.statement_dates for d in docs),
        published_accuracy=Accuracy.from_counts(sum(published), len(published)),
        trap_hits=sum(d.trap_hits for d in docs),
        identity=_score_identity(links),
        documents=tuple(docs),
    )


# --------------------------------------------------------------------------- rendering

_KINDS = ("people", "roles", "dates", "statements")


def _ratio(value: float | None) -> str:
    """Render a ratio with three decimals, or "-" when there is none."""
    return "-" if value is None else f"{value:.3f}"


def _accuracy(acc: Accuracy) -> str:
    """Render an accuracy as "correct/total = share"."""
    return f"{acc.correct}/{acc.total} = {_ratio(acc.accuracy)}"


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    """Lay out rows as aligned columns: first left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]


def _summary_rows(report: EvalReport) -> list[list[str]]:
    """Return the header and one row per kind of the summary table."""
    rows = [["kind", "tp", "fp", "fn", "precision", "recall", "f1"]]
    for kind in _KINDS:
        s: Score = getattr(report, kind)
        rows.append(
            [
                kind,
                str(s.tp),
                str(s.fp),
                str(s.fn),
                _ratio(s.precision),
                _ratio(s.recall),
                _ratio(s.f1),
            ]
        )
    return rows


def _document_rows(report: EvalReport) -> list[list[str]]:
    """Return the header and one row per document (tp/fp/fn per kind)."""
    rows = [["document", *_KINDS, "traps", "published"]]
    for d in report.documents:
        counts = [f"{s.tp}/{s.fp}/{s.fn}" for s in (d.people, d.roles, d.dates, d.statements)]
        published = {None: "-", True: "ok", False: "wrong"}[d.published_correct]
        name = d.doc if d.doc_id is not None else f"{d.doc} (no output)"
        rows.append([name, *counts, str(d.trap_hits), published])
    return rows


def _identity_lines(identity: IdentityReport) -> list[str]:
    """Render the identity score with its wrong merges and splits."""
    lines = [f"identity consistency     {_accuracy(identity.consistency)}"]
    for merge in identity.wrong_merges:
        names, docs = ", ".join(merge.gold_names), ", ".join(merge.docs)
        lines.append(f"  wrong merge {merge.person_id}: {names} ({docs})")
    for split in identity.splits:
        ids, docs = ", ".join(split.person_ids), ", ".join(split.docs)
        lines.append(f"  split {split.gold_name}: {ids} ({docs})")
    return lines


def _detail_lines(report: EvalReport) -> list[str]:
    """List, per document, the missed gold items, false positives and trap hits."""
    lines: list[str] = []
    for d in report.documents:
        entries = [("missed", r) for r in d.missed]
        entries += [("false positive", r) for r in d.false_positives]
        entries += [("trap hit", r) for r in d.traps]
        if not entries:
            continue
        lines += ["", d.doc]
        for label, ref in entries:
            where = f" [{ref.id}]" if ref.id else ""
            lines.append(f"  {label} {ref.kind}: {ref.summary}{where}")
    return lines


def format_report(report: EvalReport, *, details: bool = False) -> str:
    """Render a report as plain text: a summary table, accuracies, then per document.

    Args:
        report: The result of :func:`evaluate`.
        details: Also list every missed gold item, false positive and trap hit.
    """
    lines = _columns(_summary_rows(report))
    lines += [
        "",
        f"tenure accuracy          {_accuracy(report.tenure_accuracy)}",
        f"statement-date accuracy  {_accuracy(report.statement_date_accuracy)}",
        f"published accuracy       {_accuracy(report.published_accuracy)}",
        f"trap hits                {report.trap_hits}",
        *_identity_lines(report.identity),
        "",
        "per document (tp/fp/fn):",
        *_columns(_document_rows(report)),
    ]
    if details:
        lines += _detail_lines(report)
    return "\n".join(lines)


def report_table(report: EvalReport) -> Table:
    """Return the summary (one row per kind) as a ``rich`` table."""
    rows = _summary_rows(report)
    table = Table(title=f"Evaluation of {report.documents_scored} documents")
    for i, header in enumerate(rows[0]):
        table.add_column(header, justify="left" if i == 0 else "right")
    for row in rows[1:]:
        table.add_row(*row)
    return table
