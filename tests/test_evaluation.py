"""Tests of ``ocmfa_extract.evaluation``: each matching rule of GOLD-FORMAT.md."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.table import Table

from ocmfa_extract.evaluation import (
    EvalReport,
    GoldFormatError,
    OutputFormatError,
    Score,
    evaluate,
    format_report,
    load_gold_dir,
    report_table,
)

Record = dict[str, Any]
SEEDS = Path(__file__).parent / "data" / "gold-seeds"
DOC = "D1"


# --------------------------------------------------------------------------- gold


def gold_doc(doc: str = "a.txt", **fields: Any) -> Record:
    """Return a gold file with every required key, overridden by ``fields``."""
    return {
        "doc": doc,
        "people": [],
        "roles": [],
        "dates": [],
        "statements": [],
    } | fields


def gp(name: str, *aliases: str, optional: bool = False) -> Record:
    """Return a gold person."""
    return {"name": name, "aliases": list(aliases), "optional": optional}


def gr(
    person: str,
    title: str,
    keys: Sequence[str],
    start: str | None = None,
    end: str | None = None,
    optional: bool = False,
) -> Record:
    """Return a gold role."""
    return {
        "person": person,
        "title": title,
        "keys": list(keys),
        "start": start,
        "end": end,
        "current": None,
        "optional": optional,
    }


def gs(
    speaker: str,
    aliases: Sequence[str],
    keys: Sequence[str],
    date: str | None = None,
    optional: bool = False,
) -> Record:
    """Return a gold statement."""
    return {
        "speaker": speaker,
        "speaker_aliases": list(aliases),
        "keys": list(keys),
        "date": date,
        "optional": optional,
    }


# --------------------------------------------------------------------------- outputs


def dv(value: str | None) -> Record | None:
    """Return a DateValue whose precision follows the ISO value's length."""
    if value is None:
        return None
    return {"value": value, "precision": {4: "year", 7: "month", 10: "day"}[len(value)]}


def span(text: str, doc_id: str = DOC) -> Record:
    """Return a Span (offsets are not scored)."""
    return {"doc_id": doc_id, "start": 0, "end": len(text), "text": text}


def out_doc(doc_id: str = DOC, path: str = "a.txt", published: str | None = None) -> Record:
    """Return a documents.jsonl record."""
    return {
        "doc_id": doc_id,
        "path": path,
        "sha256": "0" * 64,
        "title": None,
        "published": dv(published),
    }


def out_person(
    pid: str,
    name: str,
    *aliases: str,
    doc_id: str = DOC,
    mentions: Sequence[str] | None = None,
) -> Record:
    """Return a people.jsonl record mentioned in ``doc_id`` (by default by its name)."""
    texts = [name] if mentions is None else mentions
    return {
        "person_id": pid,
        "name": name,
        "aliases": list(aliases),
        "mentions": [span(t, doc_id) for t in texts],
    }


def out_role(
    pid: str,
    person: str,
    title: str,
    organization: str | None = None,
    start: str | None = None,
    end: str | None = None,
    doc_id: str = DOC,
) -> Record:
    """Return a roles.jsonl record."""
    return {
        "role_id": f"role:{pid}:{title}:{start}:{end}",
        "person_id": pid,
        "person": person,
        "title": title,
        "organization": organization,
        "start": dv(start),
        "end": dv(end),
        "current": None,
        "doc_id": doc_id,
        "evidence": span(title, doc_id),
    }


def out_date(text: str, value: str, end_value: str | None = None, doc_id: str = DOC) -> Record:
    """Return a dates.jsonl record."""
    return {
        "date_id": f"date:{text}",
        "doc_id": doc_id,
        "text": text,
        "start": 0,
        "end": len(text),
        "value": dv(value),
        "end_value": dv(end_value),
    }


def out_statement(
    speaker: str,
    content: str,
    speaker_id: str | None = None,
    date: str | None = None,
    doc_id: str = DOC,
) -> Record:
    """Return a statements.jsonl record."""
    return {
        "statement_id": f"st:{speaker}:{content[:20]}:{date}",
        "doc_id": doc_id,
        "speaker": speaker,
        "speaker_type": "person" if speaker_id else "organization",
        "speaker_id": speaker_id,
        "cue": "said",
        "content": content,
        "direct": False,
        "date": dv(date),
        "evidence": span(content, doc_id),
    }


def write_jsonl(path: Path, records: Sequence[Record]) -> None:
    """Write records as JSON Lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def run(
    tmp_path: Path,
    golds: Sequence[Record],
    *,
    documents: Sequence[Record] | None = None,
    people: Sequence[Record] | None = None,
    roles: Sequence[Record] | None = None,
    dates: Sequence[Record] | None = None,
    statements: Sequence[Record] | None = None,
) -> EvalReport:
    """Write gold files and outputs under ``tmp_path``, then evaluate.

    ``documents`` defaults to one document ``D1`` at ``a.txt``; any other file that is
    None is not written at all.
    """
    gold_dir, out_dir = tmp_path / "gold", tmp_path / "out"
    gold_dir.mkdir()
    out_dir.mkdir()
    for gold in golds:
        (gold_dir / f"{Path(gold['doc']).stem}.json").write_text(json.dumps(gold))
    files = {
        "documents": [out_doc()] if documents is None else documents,
        "people": people,
        "roles": roles,
        "dates": dates,
        "statements": statements,
    }
    for name, records in files.items():
        if records is not None:
            write_jsonl(out_dir / f"{name}.jsonl", records)
    return evaluate(gold_dir, out_dir)


def counts(score: Score) -> tuple[int, int, int]:
    """Return (tp, fp, fn)."""
    return score.tp, score.fp, score.fn


# --------------------------------------------------------------------------- people


@pytest.mark.parametrize(
    ("name", "aliases", "mentions", "expected"),
    [
        ("Jimmy Lai", [], None, (1, 0, 0)),
        ("Mr Jimmy Lai", [], None, (1, 0, 0)),
        ("Lai", [], None, (1, 0, 0)),  # predicted name is a gold alias
        ("Lai Chee-ying", ["Jimmy Lai"], None, (1, 0, 0)),  # shared key via alias
        ("Lai Chee-ying", [], ["Jimmy Lai"], (1, 0, 0)),  # shared key via mention
        ("Jimmy Chan", ["Chan"], None, (0, 1, 1)),
    ],
)
def test_evaluation_people_pair_by_key(
    tmp_path: Path,
    name: str,
    aliases: list[str],
    mentions: list[str] | None,
    expected: tuple[int, int, int],
) -> None:
    """A predicted person pairs by name, alias or mention key; others are FP/FN."""
    gold = gold_doc(people=[gp("Jimmy Lai", "Lai")])
    people = [out_person("p1", name, *aliases, mentions=mentions)]
    report = run(tmp_path, [gold], people=people)
    assert counts(report.people) == expected


def test_evaluation_people_pair_one_to_one(tmp_path: Path) -> None:
    """One gold person pairs with one prediction; the second is an FP."""
    gold = gold_doc(people=[gp("Jimmy Lai", "Lai")])
    people = [out_person("p1", "Jimmy Lai"), out_person("p2", "Lai")]
    report = run(tmp_path, [gold], people=people)
    assert counts(report.people) == (1, 1, 0)
    assert [r.id for r in report.documents[0].false_positives] == ["p2"]


@pytest.mark.parametrize(
    ("gold_people", "people"),
    [
        # Tier 1 before tier 2: "Chan" is Andy Chan's alias but another person's name.
        (
            [gp("Andy Chan", "Chan"), gp("Chan")],
            [out_person("p1", "Chan"), out_person("p2", "Andy Chan")],
        ),
        # Tier 2 before tier 3: both share the key "song" with the first prediction.
        (
            [gp("Song Ru'an", "Song"), gp("Song Zhe", "Song")],
            [out_person("p1", "Song Zhe", "Song"), out_person("p2", "Song Ru'an")],
        ),
    ],
)
def test_evaluation_people_pairing_tiers(tmp_path: Path, gold_people: list[Record], people: list[Record]) -> None:
    """Equal names pair first, then name among gold keys, then any shared key."""
    report = run(tmp_path, [gold_doc(people=gold_people)], people=people)
    assert counts(report.people) == (2, 0, 0)


def test_evaluation_people_take_part_only_by_mention(tmp_path: Path) -> None:
    """A person takes part in a document only through a mention in it."""
    gold = gold_doc(people=[gp("Jimmy Lai")])
    people = [out_person("p1", "Jimmy Lai", doc_id="D2"), out_person("p2", "Andy Chan")]
    report = run(tmp_path, [gold], people=people)
    assert counts(report.people) == (0, 1, 1)


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([out_person("p1", "Chris Patten")], (0, 0, 0)),
        ([], (0, 0, 0)),
        ([out_person("p1", "Chris Patten"), out_person("p2", "Patten")], (0, 1, 0)),
    ],
)
def test_evaluation_people_optional_counts_neither_way(
    tmp_path: Path, people: list[Record], expected: tuple[int, int, int]
) -> None:
    """An optional gold person is never missed and never a true positive."""
    gold = gold_doc(people=[gp("Chris Patten", optional=True)])
    report = run(tmp_path, [gold], people=people)
    assert counts(report.people) == expected


# --------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("title", "organization", "gold_title", "keys", "expected"),
    [
        pytest.param("Deputy Director", None, "Deputy Director", ["deputy", "director"],
                     (1, 0, 0), id="same"),
        pytest.param("Director", None, "Deputy Director", ["director"],
                     (0, 1, 1), id="rank-word-missing"),
        pytest.param("Deputy Director", None, "Director", ["director"],
                     (0, 1, 1), id="rank-word-extra"),
        pytest.param("Acting Director", None, "Deputy Director", ["director"],
                     (0, 1, 1), id="rank-word-other"),
        pytest.param("Spokesperson", None, "Spokesman", ["spokes"],
                     (1, 0, 0), id="key-prefix"),
        pytest.param("Director", "Immigration Dept", "Director of Immigration",
                     ["director", "immigration"], (1, 0, 0), id="key-in-organization"),
        pytest.param("Director", None, "Director of Immigration",
                     ["director", "immigration"], (0, 1, 1), id="key-missing"),
        pytest.param("Director", None, "Rector", ["rector"],
                     (0, 1, 1), id="key-inside-word"),
        pytest.param("Vice-Premier", None, "Vice Premier", ["vice", "premier"],
                     (1, 0, 0), id="hyphen-splits-words"),
    ],
)  # fmt: skip
def test_evaluation_roles_fit_by_keys_and_rank_words(
    tmp_path: Path,
    title: str,
    organization: str | None,
    gold_title: str,
    keys: list[str],
    expected: tuple[int, int, int],
) -> None:
    """Keys begin words of title + organisation; rank words must be equal."""
    gold = gold_doc(people=[gp("Guo Yezhou")], roles=[gr("Guo Yezhou", gold_title, keys)])
    report = run(
        tmp_path,
        [gold],
        people=[out_person("p1", "Guo Yezhou")],
        roles=[out_role("p1", "Guo Yezhou", title, organization)],
    )
    assert counts(report.roles) == expected


@pytest.mark.parametrize(
    ("pid", "person", "expected"),
    [
        ("p1", "Someone Else", (1, 0, 0)),  # holder is the paired person
        ("p9", "Mr Song", (1, 0, 0)),  # person key is a gold alias key
        ("p9", "Song Ruan", (1, 0, 0)),
        ("p9", "Fang Jianming", (0, 1, 1)),
    ],
)
def test_evaluation_roles_holder_by_pairing_or_key(
    tmp_path: Path, pid: str, person: str, expected: tuple[int, int, int]
) -> None:
    """The holder is the paired person_id or a key of the gold person."""
    gold = gold_doc(
        people=[gp("Song Ru'an", "Mr Song")],
        roles=[gr("Song Ru'an", "Deputy Commissioner", ["deputy", "commissioner"])],
    )
    report = run(
        tmp_path,
        [gold],
        people=[out_person("p1", "Song Ru'an")],
        roles=[out_role(pid, person, "Deputy Commissioner")],
    )
    assert counts(report.roles) == expected


def test_evaluation_roles_restatement_is_neither(tmp_path: Path) -> None:
    """A leftover fit whose non-null dates agree is a restatement, not an FP."""
    gold = gold_doc(
        people=[gp("Qian Yongnian")],
        roles=[gr("Qian Yongnian", "Director", ["director"], "1988-06", "1989-12")],
    )
    roles = [
        out_role("p1", "Qian Yongnian", "Director", start="1988-06"),  # restatement
        out_role("p1", "Qian Yongnian", "Director", start="1988-06", end="1989-12"),
        out_role("p1", "Qian Yongnian", "Director"),  # restatement
        out_role("p1", "Qian Yongnian", "Director", start="1990"),  # wrong date: FP
    ]
    report = run(tmp_path, [gold], people=[out_person("p1", "Qian Yongnian")], roles=roles)
    assert counts(report.roles) == (1, 1, 0)
    assert report.documents[0].restatements == 2
    assert report.tenure_accuracy.correct == 1  # the full tenure won the pairing
    assert [r.summary for r in report.documents[0].false_positives] == ["Qian Yongnian — Director (1990–?)"]


def test_evaluation_roles_pair_by_tenure_then_title(tmp_path: Path) -> None:
    """Each gold role takes the fitting prediction whose dates agree best."""
    gold = gold_doc(
        people=[gp("Liu Huaqiu")],
        roles=[
            gr("Liu Huaqiu", "Director of the FAO", ["director"], "1994-11", "1998-10"),
            gr("Liu Huaqiu", "Director of the CFAO", ["director"], "1998-10", "2000-09"),
        ],
    )
    roles = [
        out_role("p1", "Liu Huaqiu", "Director of the CFAO", start="1998-10"),
        out_role("p1", "Liu Huaqiu", "Director", start="1998-10", end="2000-09"),
        out_role("p1", "Liu Huaqiu", "Director", start="1994-11", end="1998-10"),
    ]
    report = run(tmp_path, [gold], people=[out_person("p1", "Liu Huaqiu")], roles=roles)
    assert counts(report.roles) == (2, 0, 0)
    assert report.documents[0].restatements == 1
    assert (report.tenure_accuracy.correct, report.tenure_accuracy.total) == (2, 2)


def test_evaluation_roles_pair_by_title_when_dates_tie(tmp_path: Path) -> None:
    """With equal date agreement, the title sharing most words pairs."""
    gold = gold_doc(
        people=[gp("Liu Xinquan")],
        roles=[gr("Liu Xinquan", "Director of Personnel", ["director"], "1980")],
    )
    roles = [
        out_role("p1", "Liu Xinquan", "Director of Protocol", start="1980", end="1985"),
        out_role("p1", "Liu Xinquan", "Director of Personnel"),  # same agreement: 1
    ]
    report = run(tmp_path, [gold], people=[out_person("p1", "Liu Xinquan")], roles=roles)
    # The better title pairs; the other one's end contradicts the gold, so it is an FP.
    assert counts(report.roles) == (1, 1, 0)
    assert report.documents[0].restatements == 0
    assert [r.summary for r in report.documents[0].false_positives] == [
        "Liu Xinquan — Director of Protocol (1980–1985)"
    ]


def test_evaluation_roles_optional_gold_counts_neither_way(tmp_path: Path) -> None:
    """Pairing an optional gold role counts neither way."""
    gold = gold_doc(
        people=[gp("Wang Yi")],
        roles=[
            gr("Wang Yi", "Member of the Politburo", ["politburo"], optional=True),
            gr("Wang Yi", "Minister of Foreign Affairs", ["minister"], optional=True),
        ],
    )
    roles = [out_role("p1", "Wang Yi", "Member", "Politburo")]
    report = run(tmp_path, [gold], people=[out_person("p1", "Wang Yi")], roles=roles)
    assert counts(report.roles) == (0, 0, 0)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("1988-06", "1989-12", (1, 1)),
        ("1988-06", None, (0, 1)),
        ("1988", "1989-12", (0, 1)),
        (None, None, (0, 1)),
    ],
)
def test_evaluation_roles_tenure_accuracy(
    tmp_path: Path, start: str | None, end: str | None, expected: tuple[int, int]
) -> None:
    """Tenure is right only when start and end both equal the gold ones."""
    gold = gold_doc(
        people=[gp("Qian Yongnian"), gp("Wang Yi")],
        roles=[
            gr("Qian Yongnian", "Director", ["director"], "1988-06", "1989-12"),
            gr("Wang Yi", "Director", ["director"]),  # no dates: not in tenure
        ],
    )
    roles = [
        out_role("p1", "Qian Yongnian", "Director", start=start, end=end),
        out_role("p2", "Wang Yi", "Director"),
    ]
    people = [out_person("p1", "Qian Yongnian"), out_person("p2", "Wang Yi")]
    report = run(tmp_path, [gold], people=people, roles=roles)
    assert report.roles.tp == 2
    tenure = report.tenure_accuracy
    assert (tenure.correct, tenure.total) == expected
    assert tenure.accuracy == expected[0] / expected[1]


# --------------------------------------------------------------------------- dates


def test_evaluation_dates_optional_and_traps(tmp_path: Path) -> None:
    """Values score as a set; optional values are neither; traps are counted."""
    gold = gold_doc(
        dates=["1988-06", "1989-12", "1997-07-01"],
        optional_dates=["2012"],
        not_dates=["1868", "150 000"],
    )
    dates = [
        out_date("June 1988 – December 1989", "1988-06", "1989-12"),
        out_date("2012", "2012"),  # optional: neither
        out_date(" 1868 ", "1868"),  # trap hit, and a false positive
        out_date("150\u00a0000", "1500"),  # trap hit despite the odd space
        out_date("June 1988", "1988-06"),  # the same value twice counts once
    ]
    report = run(tmp_path, [gold], dates=dates)
    assert counts(report.dates) == (2, 2, 1)
    assert report.trap_hits == 2
    doc = report.documents[0]
    assert [r.summary for r in doc.missed] == ["1997-07-01"]
    assert [r.id for r in doc.traps] == ["date: 1868 ", "date:150\u00a0000"]


def test_evaluation_dates_trap_value_in_gold_is_still_scored(tmp_path: Path) -> None:
    """A trap hit is still scored as a value."""
    gold = gold_doc(dates=["2021"], not_dates=["2021"])
    report = run(tmp_path, [gold], dates=[out_date("2021", "2021")])
    assert counts(report.dates) == (1, 0, 0)
    assert report.trap_hits == 1


# --------------------------------------------------------------------------- statements


def test_evaluation_statements_repeat_is_neither(tmp_path: Path) -> None:
    """A prediction fitting only paired gold is a repeat; no fit is an FP."""
    gold = gold_doc(
        statements=[
            gs("OCMFA", ["ocmfa", "office"], ["strike back"]),
            gs("OCMFA", ["ocmfa"], ["crimes"], optional=True),
        ]
    )
    statements = [
        out_statement("OCMFA", "It will  Strike\nBack hard."),  # pairs
        out_statement("Office of the Commissioner", "we strike back"),  # repeat
        out_statement("OCMFA", "these are crimes"),  # optional: neither
        out_statement("OCMFA", "nothing relevant"),  # FP
        out_statement("Smith", "strike back"),  # wrong speaker: FP
    ]
    report = run(tmp_path, [gold], statements=statements)
    assert counts(report.statements) == (1, 2, 0)
    assert report.documents[0].repeats == 1


def test_evaluation_statements_prefer_required_gold(tmp_path: Path) -> None:
    """A prediction pairs with a free required gold before an optional one."""
    gold = gold_doc(
        statements=[
            gs("OCMFA", ["ocmfa"], ["rule of law"], optional=True),
            gs("OCMFA", ["ocmfa"], ["rule of law"]),
        ]
    )
    report = run(tmp_path, [gold], statements=[out_statement("OCMFA", "rule of law")])
    assert counts(report.statements) == (1, 0, 0)


@pytest.mark.parametrize(
    ("speaker_id", "people", "expected"),
    [
        ("p1", [out_person("p1", "Song Ru'an")], (1, 0, 0)),
        ("p2", [out_person("p1", "Song Ru'an")], (0, 1, 1)),
        ("p1", [], (0, 1, 1)),  # nobody paired with the gold speaker
    ],
)
def test_evaluation_statements_speaker_by_id(
    tmp_path: Path,
    speaker_id: str,
    people: list[Record],
    expected: tuple[int, int, int],
) -> None:
    """The speaker also fits by the person_id paired with the gold speaker."""
    gold = gold_doc(
        people=[gp("Song Ru'an")],
        statements=[gs("Song Ru'an", ["song"], ["international metropolis"])],
    )
    statements = [out_statement("Deputy Commissioner", "an international metropolis", speaker_id)]
    report = run(tmp_path, [gold], people=people, statements=statements)
    assert counts(report.statements) == expected


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("2021-04", None, (1, 1)),
        ("2021", "2021-04", (1, 1)),  # a repeat carries the date
        ("2021", None, (0, 1)),
        (None, None, (0, 1)),
    ],
)
def test_evaluation_statements_date_accuracy(
    tmp_path: Path, first: str | None, second: str | None, expected: tuple[int, int]
) -> None:
    """The date is right when any fitting prediction, repeats included, has it."""
    gold = gold_doc(
        statements=[
            gs("Fang Jianming", ["fang"], ["strike back"], date="2021-04"),
            gs("OCMFA", ["ocmfa"], ["crimes"]),  # no date: not counted
        ]
    )
    statements = [
        out_statement("Fang Jianming", "strike back", date=first),
        out_statement("Fang", "will strike back", date=second),
        out_statement("OCMFA", "crimes", date="2021-09"),
    ]
    report = run(tmp_path, [gold], statements=statements)
    assert report.statements.tp == 2
    accuracy = report.statement_date_accuracy
    assert (accuracy.correct, accuracy.total) == expected


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize(
    ("gold_published", "predicted", "expected"),
    [
        ({"value": "2022-03-28", "precision": "day"}, "2022-03-28", True),
        ({"value": "2022-03-28", "precision": "day"}, "2022-03", False),
        ({"value": "2022-03", "precision": "day"}, "2022-03", False),  # precision
        (None, None, True),
        (None, "2022", False),
    ],
)
def test_evaluation_published(
    tmp_path: Path, gold_published: Record | None, predicted: str | None, expected: bool
) -> None:
    """Published must equal in value and precision; null equals null."""
    gold = gold_doc(published=gold_published)
    report = run(tmp_path, [gold], documents=[out_doc(published=predicted)])
    assert report.documents[0].published_correct is expected
    assert report.published_accuracy.correct == int(expected)


def test_evaluation_published_not_scored_without_key(tmp_path: Path) -> None:
    """Without a published key in the gold, published is not scored."""
    report = run(tmp_path, [gold_doc()], documents=[out_doc(published="2022")])
    assert report.documents[0].published_correct is None
    assert report.published_accuracy.total == 0
    assert report.published_accuracy.accuracy is None


def test_evaluation_gold_without_output_document(tmp_path: Path) -> None:
    """A gold document without output counts its required items as missed."""
    gold = gold_doc(
        "missing.txt",
        published=None,
        people=[gp("Wang Yi"), gp("Chris Patten", optional=True)],
        roles=[gr("Wang Yi", "Director", ["director"])],
        dates=["2023-01", "2023-07"],
        statements=[gs("Wang Yi", ["wang"], ["would be upgraded"])],
    )
    report = run(
        tmp_path,
        [gold],
        documents=[out_doc()],
        people=[out_person("p1", "Wang Yi")],
        dates=[out_date("January 2023", "2023-01")],
    )
    doc = report.documents[0]
    assert doc.doc_id is None
    assert [counts(s) for s in (doc.people, doc.roles, doc.dates, doc.statements)] == [
        (0, 0, 1),
        (0, 0, 1),
        (0, 0, 2),
        (0, 0, 1),
    ]
    assert doc.published_correct is False


def test_evaluation_matches_documents_by_base_name(tmp_path: Path) -> None:
    """Gold matches the output path's file name; other documents are ignored."""
    gold = gold_doc("a.txt", people=[gp("Wang Yi")])
    documents = [out_doc("D0", "other/b.txt"), out_doc("D1", "sub/dir/a.txt")]
    people = [
        out_person("p1", "Wang Yi"),
        out_person("p2", "Andy Chan", doc_id="D0"),  # document without gold: ignored
    ]
    report = run(tmp_path, [gold], documents=documents, people=people)
    assert report.documents[0].doc_id == "D1"
    assert counts(report.people) == (1, 0, 0)


def test_evaluation_missing_output_files_are_empty(tmp_path: Path) -> None:
    """A missing output file counts as empty."""
    gold = gold_doc(dates=["2021"], statements=[gs("OCMFA", ["ocmfa"], ["crimes"])])
    report = run(tmp_path, [gold])
    assert counts(report.dates) == (0, 0, 1)
    assert counts(report.statements) == (0, 0, 1)


def test_evaluation_micro_averages_over_documents(tmp_path: Path) -> None:
    """Precision, recall and F1 add counts over documents."""
    golds = [
        gold_doc("a.txt", dates=["2021", "2022"]),
        gold_doc("b.txt", dates=["2019"]),
    ]
    documents = [out_doc("D1", "a.txt"), out_doc("D2", "b.txt")]
    dates = [
        out_date("2021", "2021"),
        out_date("2022", "2022"),
        out_date("2020", "2020", doc_id="D2"),
    ]
    report = run(tmp_path, golds, documents=documents, dates=dates)
    assert counts(report.dates) == (2, 1, 1)
    assert report.dates.precision == pytest.approx(2 / 3)
    assert report.dates.recall == pytest.approx(2 / 3)
    assert report.dates.f1 == pytest.approx(2 / 3)
    assert report.documents_scored == 2


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "expected"),
    [
        (0, 0, 0, (0.0, 0.0, 0.0)),
        (0, 2, 0, (0.0, 0.0, 0.0)),
        (2, 0, 2, (1.0, 0.5, 2 / 3)),
        (1, 3, 0, (0.25, 1.0, 0.4)),
    ],
)
def test_evaluation_score_ratios(tp: int, fp: int, fn: int, expected: tuple[float, float, float]) -> None:
    """Ratios are 0.0 when their denominator is 0."""
    score = Score.from_counts(tp, fp, fn)
    assert (score.precision, score.recall, score.f1) == pytest.approx(expected)


# --------------------------------------------------------------------------- identity


def two_doc_identity(tmp_path: Path, doc1_people: list[Record], doc2_people: list[Record]) -> EvalReport:
    """Evaluate two documents whose gold people are Song Ru'an and Fang Jianming."""
    golds = [
        gold_doc("a.txt", people=[gp("Song Ru'an"), gp("Fang Jianming")]),
        gold_doc("b.txt", people=[gp("Song Ru'an", "Mr Song")]),
    ]
    documents = [out_doc("D1", "a.txt"), out_doc("D2", "b.txt")]
    return run(tmp_path, golds, documents=documents, people=doc1_people + doc2_people)


def test_evaluation_identity_consistent(tmp_path: Path) -> None:
    """One person_id per gold name across documents is consistent."""
    song = out_person("p1", "Song Ru'an", mentions=[])
    song["mentions"] = [span("Song Ru'an", "D1"), span("Mr Song", "D2")]
    report = two_doc_identity(tmp_path, [song, out_person("p2", "Fang Jianming")], [])
    identity = report.identity
    assert (identity.consistency.correct, identity.consistency.total) == (2, 2)
    assert identity.consistency.accuracy == 1.0
    assert identity.wrong_merges == () and identity.splits == ()


def test_evaluation_identity_split(tmp_path: Path) -> None:
    """A gold name paired with two person_ids is a split."""
    report = two_doc_identity(
        tmp_path,
        [out_person("p1", "Song Ru'an"), out_person("p2", "Fang Jianming")],
        [out_person("p3", "Mr Song", doc_id="D2")],
    )
    identity = report.identity
    assert (identity.consistency.correct, identity.consistency.total) == (1, 2)
    assert [(s.gold_name, s.person_ids, s.docs) for s in identity.splits] == [
        ("Song Ru'an", ("p1", "p3"), ("a.txt", "b.txt"))
    ]
    assert identity.wrong_merges == ()


def test_evaluation_identity_wrong_merge(tmp_path: Path) -> None:
    """One person_id paired with two gold names is a wrong merge."""
    merged = out_person("p1", "Fang Jianming", "Song Ru'an", mentions=[])
    merged["mentions"] = [span("Fang Jianming", "D1"), span("Song Ru'an", "D2")]
    report = two_doc_identity(tmp_path, [merged, out_person("p2", "Song Ru'an")], [])
    identity = report.identity
    assert [(m.person_id, m.gold_names) for m in identity.wrong_merges] == [("p1", ("Fang Jianming", "Song Ru'an"))]
    # Song Ru'an is split (p2 in a.txt, p1 in b.txt) and p1 is shared: none consistent.
    assert (identity.consistency.correct, identity.consistency.total) == (0, 2)
    assert [s.person_ids for s in identity.splits] == [("p1", "p2")]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (
            json.dumps({"doc": "a.txt", "roles": [], "dates": [], "statements": []}),
            "people: Field required",
        ),
        (json.dumps(gold_doc(peopel=[])), "peopel: Extra inputs are not permitted"),
        (json.dumps(gold_doc(people=[{"aliases": []}])), "people.0.name"),
        (json.dumps(gold_doc(roles=[gr("A", "B", [])])), "roles.0.keys"),
        (json.dumps([]), "valid dictionary"),
    ],
)
def test_evaluation_malformed_gold_raises(tmp_path: Path, content: str, message: str) -> None:
    """A bad gold file raises GoldFormatError naming the file and field."""
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "bad_gold.json").write_text(content)
    with pytest.raises(GoldFormatError, match=message) as info:
        evaluate(gold_dir, tmp_path)
    assert "bad_gold.json" in str(info.value)
    assert info.value.path.name == "bad_gold.json"


def test_evaluation_duplicate_gold_doc_raises(tmp_path: Path) -> None:
    """Two gold files for one document are an error."""
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for name in ("one.json", "two.json"):
        (gold_dir / name).write_text(json.dumps(gold_doc("a.txt")))
    with pytest.raises(GoldFormatError, match="two.json"):
        load_gold_dir(gold_dir)


def test_evaluation_empty_gold_dir_raises(tmp_path: Path) -> None:
    """A gold folder without gold files is an error, not an empty score."""
    with pytest.raises(GoldFormatError, match="no \\*.json gold files"):
        evaluate(tmp_path, tmp_path)


def test_evaluation_malformed_output_raises(tmp_path: Path) -> None:
    """An output record lacking a scored field names file, line and field."""
    with pytest.raises(OutputFormatError, match="roles.jsonl, line 2: .*title"):
        run(
            tmp_path,
            [gold_doc()],
            roles=[out_role("p1", "A", "Director"), {"role_id": "r", "doc_id": DOC}],
        )


# --------------------------------------------------------------------------- report


def test_evaluation_seed_gold_loads_and_reports(tmp_path: Path) -> None:
    """The seed gold loads; the report round-trips as JSON and renders."""
    gold_dir = tmp_path / "gold"
    shutil.copytree(SEEDS, gold_dir)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    write_jsonl(out_dir / "documents.jsonl", [out_doc("D1", "seeds/000_d940e1d24a226e43.txt")])
    write_jsonl(
        out_dir / "people.jsonl",
        [out_person("p1", "Song Ru'an"), out_person("p2", "Wan Chai")],
    )
    report = evaluate(gold_dir, out_dir)
    assert report.documents_scored == 4
    assert counts(report.documents[0].people) == (1, 1, 6)
    assert EvalReport.model_validate_json(report.model_dump_json()) == report
    text = format_report(report, details=True)
    assert "people" in text.splitlines()[1]
    assert "false positive person: Wan Chai [p2]" in text
    assert "002_21901f927dcaa4ed.txt (no output)" in text
    assert isinstance(report_table(report), Table)
