"""Loading output folders into SQLite and PostgreSQL.

PostgreSQL tests run against the server in ``OCMFA_TEST_POSTGRES_URL`` (``.ci/run`` starts
one); without it they are skipped, unless ``OCMFA_REQUIRE_POSTGRES=1``, when they fail.
Each PostgreSQL test works in a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError
from typer.testing import CliRunner

from ocmfa_extract.cli import app
from ocmfa_extract.database import (
    METADATA,
    TABLE_ORDER,
    DatabaseError,
    database_url,
    folder_rows,
    load,
    make_engine,
    sync_rows,
)
from ocmfa_extract.outputs import OutputFolderError

SEEDS = ["000_d940e1d24a226e43.txt", "001_2f133d9d5432853c.txt", "002_21901f927dcaa4ed.txt", "003_1f1d3acaa8eb629d.txt"]
REMOVED = "002_21901f927dcaa4ed"
FILES = {
    "documents": "documents.jsonl",
    "people": "people.jsonl",
    "roles": "roles.jsonl",
    "dates": "dates.jsonl",
    "statements": "statements.jsonl",
    "errors": "errors.jsonl",
}
runner = CliRunner()


# -- backends -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("OCMFA_TEST_POSTGRES_URL")
    required = os.environ.get("OCMFA_REQUIRE_POSTGRES") == "1"
    if not url:
        if required:
            pytest.fail("OCMFA_REQUIRE_POSTGRES=1 but OCMFA_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server: set OCMFA_TEST_POSTGRES_URL (see .ci/start-postgres)")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        pytest.fail(f"OCMFA_TEST_POSTGRES_URL is set but the server cannot be reached: {error}")
    finally:
        engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.sqlite")
        return
    server: str = request.getfixturevalue("postgres_server")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def dump(url: str, versions: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted; on PostgreSQL with each row's xmin (its version) unless not ``versions``."""
    engine = make_engine(url)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        version = "xmin::text, " if versions and connection.dialect.name == "postgresql" else ""
        for name in TABLE_ORDER:
            rows = connection.execute(text(f"SELECT {version}* FROM {name}")).all()  # noqa: S608 - our names
            tables[name] = sorted(tuple(row) for row in rows)
    engine.dispose()
    return tables


def count(url: str, table: str, where: str = "") -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        number = connection.execute(text(f"SELECT COUNT(*) FROM {table} {where}")).scalar_one()
    engine.dispose()
    return int(number)


# -- folders --------------------------------------------------------------------------


def lines(out: Path, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]


def jsonl_counts(out: Path) -> dict[str, int]:
    counts = {table: len(lines(out, name)) for table, name in FILES.items()}
    people = lines(out, "people.jsonl")
    counts["mentions"] = sum(len(person["mentions"]) for person in people)
    counts["aliases"] = sum(len(person["aliases"]) for person in people)
    return counts


@pytest.fixture
def seeds_out(tmp_path: Path, root: Path) -> Path:
    out = tmp_path / "seeds-out"
    shutil.copytree(root / "outputs", out, ignore=shutil.ignore_patterns(".ocmfa", "*.sqlite", "*.html"))
    return out


@pytest.fixture(scope="module")
def three_out(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    """The real CLI's output for the seeds less one document."""
    sources = tmp_path_factory.mktemp("three-in")
    for name in SEEDS:
        if not name.startswith(REMOVED):
            shutil.copy(root / "seeds" / name, sources / name)
    out = tmp_path_factory.mktemp("three-out")
    result = runner.invoke(app, ["run", str(sources), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


# -- the bar of the issue -----------------------------------------------------------------


def test_database_load_seeds_row_counts_equal_jsonl(db, seeds_out):
    summary = load(seeds_out, db)
    expected = jsonl_counts(seeds_out)
    assert all(expected[table] > 0 for table in TABLE_ORDER if table != "errors")  # 4 documents ... 58 mentions
    for table in TABLE_ORDER:
        assert count(db, table) == expected[table], table
        assert (summary.tables[table].inserted, summary.tables[table].rows) == (expected[table], expected[table])
    assert summary.changed == sum(expected.values())


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    """The row a JSON record should become, by the rules the README states."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key in ("aliases", "mentions"):
            continue
        if (
            isinstance(value, dict)
            and set(value) == {"value", "precision"}
            or value is None
            and key
            in (
                "published",
                "start",
                "end",
                "end_value",
                "date",
            )
        ):
            base = key.removesuffix("value").rstrip("_")
            names = (f"{base}_value", f"{base}_precision") if base else ("value", "precision")
            row[names[0]], row[names[1]] = (value["value"], value["precision"]) if value else (None, None)
        elif isinstance(value, dict):
            row.update({f"{key}_{part}": part_value for part, part_value in value.items()})
        elif isinstance(value, list):
            row[key] = json.dumps(value, ensure_ascii=False)
        else:
            row[key] = value
    return row


def test_database_rows_hold_every_field_of_the_records(db, seeds_out):
    load(seeds_out, db)
    engine = make_engine(db)
    with engine.connect() as connection:
        for table, name in FILES.items():
            key = METADATA.tables[table].primary_key.columns.keys()[0]
            stored = {row[key]: dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()}
            for record in lines(seeds_out, name):
                row = _flatten(record)
                assert stored[row[key]] == row, f"{table} {row[key]}"
        mentions = {
            tuple(row) for row in connection.execute(text('SELECT person_id, doc_id, start, "end", text FROM mentions'))
        }
        aliases = {tuple(row) for row in connection.execute(text("SELECT person_id, alias FROM aliases"))}
    engine.dispose()
    people = lines(seeds_out, "people.jsonl")
    assert mentions == {
        (p["person_id"], m["doc_id"], m["start"], m["end"], m["text"]) for p in people for m in p["mentions"]
    }
    assert aliases == {(p["person_id"], alias) for p in people for alias in p["aliases"]}


def test_database_second_load_changes_no_row(db, seeds_out):
    load(seeds_out, db)
    before = dump(db)  # on PostgreSQL with xmin: a rewritten row gets a new one
    again = load(seeds_out, db)
    assert again.changed == 0
    assert {table: changes.rows for table, changes in again.tables.items()} == jsonl_counts(seeds_out)
    assert dump(db) == before


def test_database_sqlite_second_sync_makes_no_change_at_all(tmp_path, seeds_out):
    path = tmp_path / "changes.sqlite"
    load(seeds_out, path)
    engine = make_engine(path)
    with engine.begin() as connection:
        before = connection.exec_driver_sql("SELECT total_changes()").scalar_one()
        changes = sync_rows(connection, folder_rows(seeds_out))
        after = connection.exec_driver_sql("SELECT total_changes()").scalar_one()
    engine.dispose()
    assert after - before == 0
    assert sum(c.changed for c in changes.values()) == 0


def _diff(old: dict[str, list[dict[str, Any]]], new: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[int, ...]]:
    """(inserted, updated, deleted) per table between the rows of two folders."""
    result = {}
    for table in TABLE_ORDER:
        columns = METADATA.tables[table].primary_key.columns.keys()
        before = {tuple(row[c] for c in columns): row for row in old[table]}
        after = {tuple(row[c] for c in columns): row for row in new[table]}
        result[table] = (
            len(after.keys() - before.keys()),
            sum(1 for key in after.keys() & before.keys() if after[key] != before[key]),
            len(before.keys() - after.keys()),
        )
    return result


def test_database_removed_document_takes_its_rows_and_comes_back(db, seeds_out, three_out):
    four_rows, three_rows = folder_rows(seeds_out), folder_rows(three_out)
    load(seeds_out, db)
    before, plain = dump(db), dump(db, versions=False)

    removed = load(three_out, db)
    expected = _diff(four_rows, three_rows)
    for table in ("documents", "roles", "dates", "statements", "mentions"):  # exactly the removed document's rows
        own = sum(1 for row in four_rows[table] if row["doc_id"] == REMOVED)
        assert own > 0 or table == "dates"
        assert (expected[table][0], expected[table][2]) == (0, own), table
    # The people only it named go; a person it shares may take another canonical name from the documents left
    # (and so may that person's roles elsewhere): those rows are updated, as their JSONL lines changed.
    assert expected["people"][0] == 0 and expected["people"][2] > 0
    for table in TABLE_ORDER:
        changes = removed.tables[table]
        assert (changes.inserted, changes.updated, changes.deleted) == expected[table], table
        assert count(db, table) == jsonl_counts(three_out)[table], table
    after = dump(db)
    for table in TABLE_ORDER:  # the rows not written are the very rows that were there (same xmin on PostgreSQL)
        untouched = set(after[table]) & set(before[table])
        assert len(untouched) == len(after[table]) - expected[table][0] - expected[table][1], table
    assert count(db, "documents", f"WHERE doc_id = '{REMOVED}'") == 0
    assert count(db, "mentions", f"WHERE doc_id = '{REMOVED}'") == 0

    back = load(seeds_out, db)
    for table in TABLE_ORDER:
        changes = back.tables[table]
        assert (changes.inserted, changes.updated, changes.deleted) == _diff(three_rows, four_rows)[table], table
    assert {table: len(rows) for table, rows in dump(db).items()} == jsonl_counts(seeds_out)
    assert dump(db, versions=False) == plain


def test_database_changed_record_is_updated_and_vanished_record_deleted(db, seeds_out):
    load(seeds_out, db)
    roles = lines(seeds_out, "roles.jsonl")
    roles[0]["title"] = "Changed Title"
    dropped = roles.pop()
    (seeds_out / "roles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in roles), encoding="utf-8")
    summary = load(seeds_out, db)
    assert (summary.tables["roles"].inserted, summary.tables["roles"].updated, summary.tables["roles"].deleted) == (
        0,
        1,
        1,
    )
    assert summary.changed == 2
    assert count(db, "roles", f"WHERE role_id = '{dropped['role_id']}'") == 0
    assert count(db, "roles", "WHERE title = 'Changed Title'") == 1


def test_database_enforces_foreign_keys(db, seeds_out):
    load(seeds_out, db)
    engine = make_engine(db)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO aliases (person_id, alias) VALUES ('person_nobody', 'Nobody')"))
    engine.dispose()


def test_database_failed_load_leaves_the_database_as_it_was(db, seeds_out, tmp_path):
    load(seeds_out, db)
    before = dump(db)
    broken = tmp_path / "broken"
    shutil.copytree(seeds_out, broken)
    roles = lines(broken, "roles.jsonl")
    roles[-1]["person_id"] = "person_0000000000000000"  # a holder no people.jsonl line knows
    (broken / "roles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in roles), encoding="utf-8")
    with pytest.raises(DatabaseError, match="loading into"):
        load(broken, db)
    assert dump(db) == before


# -- the README's queries -------------------------------------------------------------------


def readme_queries(root: Path) -> list[str]:
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Ready queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)\n```", section, flags=re.S)


def test_database_readme_queries_answer_on_the_seeds(db, seeds_out, root):
    queries = readme_queries(root)
    assert len(queries) == 4
    load(seeds_out, db)
    engine = make_engine(db)
    with engine.connect() as connection:
        holders, career, by_person, by_office = (connection.execute(text(query)).all() for query in queries)
    engine.dispose()
    assert [row[0] for row in holders] == [
        "Qian Yongnian",
        "Liu Shuqing",
        "Qi Huaiyuan",
        "Liu Huaqiu",
        "Liu Huaqiu",
        "Liu Huaqiu",
        "Dai Bingguo",
        "Yang Jiechi",
        "Yang Jiechi",
        "Wang Yi",
    ]
    assert [(row[3], row[4]) for row in holders][:2] == [("1988-06", "1989-12"), ("1989-12", "1991-08")]
    assert holders[-1][3:6] == ("2023-01", None, True)
    assert [(row[0], row[2]) for row in career] == [
        ("Director", "2013-08"),
        ("State Councilor", "2017-10"),
        ("Director", "2018-03"),
        ("Member", None),
    ]
    assert [(row[0], row[1], row[2]) for row in by_person] == [("2021-04", "Fang Jianming", "said")]
    assert [(row[0], row[2]) for row in by_office] == [("2021-04", "stating"), ("2022-09", "saying")]


# -- URLs, schema, CLI ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://user:secret@127.0.0.1:5432/ocmfa", "postgresql+psycopg://user:secret@127.0.0.1:5432/ocmfa"),
        ("postgres://user@localhost/ocmfa", "postgresql+psycopg://user@localhost/ocmfa"),
        ("postgresql+psycopg://user@localhost/ocmfa", "postgresql+psycopg://user@localhost/ocmfa"),
        ("sqlite:////var/data/x.sqlite", "sqlite:////var/data/x.sqlite"),
    ],
)
def test_database_url_forms(given, expected):
    assert database_url(given) == expected


def test_database_url_plain_path_is_an_absolute_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert database_url("sub/x.sqlite") == f"sqlite:///{tmp_path.resolve()}/sub/x.sqlite"


@pytest.mark.parametrize("given", ["mysql://user@localhost/ocmfa", "oracle://x", "::not a url://"])
def test_database_url_other_databases_are_refused(given):
    with pytest.raises(DatabaseError):
        database_url(given)


def test_database_refuses_tables_it_did_not_make(tmp_path, seeds_out):
    path = tmp_path / "foreign.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE roles (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseError, match="roles"):
        load(seeds_out, path)


def test_database_refuses_another_schema_version(tmp_path, seeds_out):
    path = tmp_path / "old.sqlite"
    load(seeds_out, path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE ocmfa_schema SET fingerprint = 'older'")
    with pytest.raises(DatabaseError, match="another ocmfa-extract schema"):
        load(seeds_out, path)


def test_database_malformed_folder_names_file_and_line(tmp_path, seeds_out):
    with (seeds_out / "roles.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"role_id": "role_x"}\n')
    with pytest.raises(OutputFolderError, match=r"roles\.jsonl, line 46"):
        load(seeds_out, tmp_path / "x.sqlite")


def test_database_cli_load_twice(seeds_out):
    first = runner.invoke(app, ["load", str(seeds_out)])
    assert first.exit_code == 0, first.output
    assert (seeds_out / "ocmfa.sqlite").is_file()
    assert re.search(r"roles\s*│\s*45\s*│\s*0\s*│\s*0\s*│\s*45", first.output)
    assert f"{sum(jsonl_counts(seeds_out).values())} rows changed" in first.output
    second = runner.invoke(app, ["load", str(seeds_out), "--db", str(seeds_out / "ocmfa.sqlite")])
    assert second.exit_code == 0, second.output
    assert "0 rows changed" in second.output


def test_database_cli_errors_exit_2(tmp_path, seeds_out):
    (seeds_out / "people.jsonl").unlink()
    missing = runner.invoke(app, ["load", str(seeds_out)])
    assert missing.exit_code == 2
    assert "people.jsonl is missing" in missing.output
    other = runner.invoke(app, ["load", str(tmp_path), "--db", "mysql://x@localhost/y"])
    assert other.exit_code == 2


def test_database_postgres_is_reachable_when_required(request):
    """With OCMFA_REQUIRE_POSTGRES=1 the PostgreSQL cases cannot be skipped away."""
    if os.environ.get("OCMFA_REQUIRE_POSTGRES") != "1":
        pytest.skip("PostgreSQL not required here")
    url = request.getfixturevalue("postgres_server")
    engine = create_engine(database_url(url))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()
