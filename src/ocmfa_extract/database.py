"""Load an output folder into a relational database: SQLite by default, PostgreSQL by URL.

One table per record kind (``documents``, ``people``, ``roles``, ``dates``,
``statements``, ``errors``) and two link tables (``mentions``, ``aliases``). The columns
are derived from the Pydantic models in :mod:`ocmfa_extract.models`, so the database
follows the output schema without a second description of it:

- a plain field is one column of the same name;
- a :class:`~ocmfa_extract.models.DateValue` field ``f`` is two columns, ``f_value`` and
  ``f_precision`` (``value`` and ``end_value`` of a date become ``value``/``precision``
  and ``end_value``/``end_precision``);
- a :class:`~ocmfa_extract.models.Span` field ``f`` is ``f_doc_id``, ``f_start``,
  ``f_end`` and ``f_text``;
- a person's ``aliases`` and ``mentions`` go to the link tables; any other list is
  stored as a JSON array in a text column.

The primary keys are the record ids (``path`` for errors; the natural keys for the link
tables), with foreign keys from every record to its document and person. A load makes
the database mirror the folder in one transaction: rows that are new are inserted, rows
that differ are updated, rows whose key is no longer in the folder are deleted, and rows
that are the same are not written at all, so loading the same folder twice changes
nothing.
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    inspect,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.sql.type_api import TypeEngine

from .models import (
    RECORD_KINDS,
    DateValue,
    PersonRecord,
    Record,
    RecordKind,
    Span,
)
from .outputs import DEFAULT_DB_NAME, OutputFolderError, read_records
from .state import current_state

SCHEMA_TABLE = "ocmfa_schema"


class DatabaseError(Exception):
    """A database that cannot be used: a bad URL, an unreachable server, a foreign schema."""


#: The record kinds, parents first (``models.RECORD_KINDS``): one table each, named as the kind.
KINDS: tuple[RecordKind, ...] = RECORD_KINDS

# Parents first: rows are written in this order and deleted in the reverse one.
TABLE_ORDER: tuple[str, ...] = (
    "documents",
    "people",
    "aliases",
    "mentions",
    "roles",
    "dates",
    "statements",
    "errors",
)


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and whether None is allowed."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return members[0], True
    return annotation, False


def _sql_type(annotation: Any) -> TypeEngine[Any]:
    if annotation is bool:
        return Boolean()
    if annotation is int:
        return Integer()
    if annotation is float:
        return Float()
    if annotation is str or get_origin(annotation) is Literal:
        return Text()
    if get_origin(annotation) is list:
        return Text()  # a JSON array
    raise TypeError(f"no column type for {annotation!r}")


def _date_columns(name: str) -> tuple[str, str]:
    """The value and precision columns of a DateValue field (``start`` → ``start_value``, ``start_precision``)."""
    base = name.removesuffix("value").rstrip("_")
    return (f"{base}_value", f"{base}_precision") if base else ("value", "precision")


def _model_columns(kind: RecordKind) -> list[Column[Any]]:
    """The columns of a record kind, derived from its model's fields."""
    columns: list[Column[Any]] = []
    for name, info in kind.model.model_fields.items():
        if name in kind.link_fields:
            continue
        annotation, nullable = _unwrap_optional(info.annotation)
        if annotation is DateValue:
            value, precision = _date_columns(name)
            columns += [Column(value, Text, nullable=nullable), Column(precision, Text, nullable=nullable)]
        elif annotation is Span:
            columns += [
                Column(f"{name}_doc_id", Text, nullable=nullable),
                Column(f"{name}_start", Integer, nullable=nullable),
                Column(f"{name}_end", Integer, nullable=nullable),
                Column(f"{name}_text", Text, nullable=nullable),
            ]
        else:
            columns.append(Column(name, _sql_type(annotation), nullable=nullable, primary_key=name in kind.key))
    return columns


def build_metadata() -> MetaData:
    """The tables of the database, derived from the output models."""
    metadata = MetaData()
    for kind in KINDS:
        table = Table(kind.name, metadata, *_model_columns(kind))
        for column, parent, parent_column in kind.references:
            table.append_constraint(
                ForeignKeyConstraint([column], [f"{parent}.{parent_column}"], name=f"fk_{kind.name}_{column}")
            )
            Index(f"ix_{kind.name}_{column}", table.c[column])
    span_fields = [name for name in Span.model_fields if name != "doc_id"]
    mentions = Table(
        "mentions",
        metadata,
        Column("person_id", Text, primary_key=True),
        Column("doc_id", Text, primary_key=True),
        *(
            Column(name, _sql_type(Span.model_fields[name].annotation), primary_key=name != "text", nullable=False)
            for name in span_fields
        ),
        ForeignKeyConstraint(["person_id"], ["people.person_id"], name="fk_mentions_person_id"),
        ForeignKeyConstraint(["doc_id"], ["documents.doc_id"], name="fk_mentions_doc_id"),
    )
    Index("ix_mentions_doc_id", mentions.c.doc_id)
    Table(
        "aliases",
        metadata,
        Column("person_id", Text, primary_key=True),
        Column("alias", Text, primary_key=True),
        ForeignKeyConstraint(["person_id"], ["people.person_id"], name="fk_aliases_person_id"),
    )
    Table(SCHEMA_TABLE, metadata, Column("fingerprint", Text, primary_key=True))
    return metadata


METADATA = build_metadata()


def schema_fingerprint(metadata: MetaData = METADATA) -> str:
    """A digest of the tables' names, columns, types and keys: another schema is refused, not mixed."""
    parts = []
    for table in sorted(metadata.tables.values(), key=lambda table: table.name):
        for column in table.columns:
            parts.append(f"{table.name}.{column.name}:{column.type}:{column.primary_key}:{column.nullable}")
        for key in sorted(table.foreign_key_constraints, key=lambda key: str(key.name)):
            parts.append(f"{table.name}:{key.name}:{[element.target_fullname for element in key.elements]}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# -- URLs and engines -----------------------------------------------------------------


def database_url(db: str | Path) -> str:
    """The SQLAlchemy URL of ``db``: a file path (SQLite), ``sqlite:///...`` or ``postgresql://...``.

    A plain path becomes ``sqlite:///<absolute path>``; ``postgresql://`` and ``postgres://``
    use the psycopg (version 3) driver.

    Raises:
        DatabaseError: for another kind of database or a malformed URL.
    """
    text = str(db)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text.removeprefix(prefix)
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {_redacted(text)}") from error
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(f"{backend} is not supported: use a file path (SQLite) or a postgresql:// URL")
    return text


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable URL>"


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(db: str | Path) -> Engine:
    """An engine for ``db`` (see :func:`database_url`); SQLite enforces foreign keys.

    Raises:
        DatabaseError: for an unsupported or malformed URL, or a missing driver.
    """
    url = database_url(db)
    try:
        engine = create_engine(url)
    except (ArgumentError, ImportError) as error:
        raise DatabaseError(f"cannot use {_redacted(url)}: {error}") from error
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


# -- reading the output folder ----------------------------------------------------------


def _row(kind: RecordKind, record: Record) -> dict[str, Any]:
    """A record as a row of its table (see the module docstring for the mapping)."""
    row: dict[str, Any] = {}
    for name, info in kind.model.model_fields.items():
        if name in kind.link_fields:
            continue
        value = getattr(record, name)
        annotation, _ = _unwrap_optional(info.annotation)
        if annotation is DateValue:
            value_column, precision_column = _date_columns(name)
            row[value_column] = value.value if value is not None else None
            row[precision_column] = value.precision if value is not None else None
        elif annotation is Span:
            for part in Span.model_fields:
                row[f"{name}_{part}"] = getattr(value, part) if value is not None else None
        elif get_origin(annotation) is list:
            row[name] = json.dumps(value, ensure_ascii=False)
        else:
            row[name] = value
    return row


def folder_rows(out: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row an output folder holds, by table.

    Raises:
        OutputFolderError: for a missing file, a malformed line, or two records with one key.
    """
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_ORDER}
    for kind in KINDS:
        for record in read_records(out / kind.file, kind.model):
            rows[kind.name].append(_row(kind, record))
            if isinstance(record, PersonRecord):
                rows["aliases"] += [{"person_id": record.person_id, "alias": alias} for alias in record.aliases]
                rows["mentions"] += [
                    {"person_id": record.person_id, **mention.model_dump()} for mention in record.mentions
                ]
    for table in ("aliases", "mentions"):  # the same mention or alias twice is one fact
        rows[table] = list({_key(METADATA.tables[table], row): row for row in rows[table]}.values())
    for kind in KINDS:
        keys = [_key(METADATA.tables[kind.name], row) for row in rows[kind.name]]
        if len(set(keys)) != len(keys):
            duplicate = next(key for key in keys if keys.count(key) > 1)
            raise OutputFolderError(f"{out / kind.file} holds two records with the key {duplicate}")
    return rows


# -- loading ------------------------------------------------------------------------------


@dataclass
class TableChanges:
    """What a load did to one table."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    rows: int = 0

    @property
    def changed(self) -> int:
        """Rows written or removed."""
        return self.inserted + self.updated + self.deleted


@dataclass
class LoadSummary:
    """What a load did, table by table (in :data:`TABLE_ORDER`)."""

    url: str
    tables: dict[str, TableChanges] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        """Rows written or removed in all tables."""
        return sum(changes.changed for changes in self.tables.values())


def _key(table: Table, row: Mapping[str, Any] | RowMapping) -> tuple[Any, ...]:
    return tuple(row[column.name] for column in table.primary_key.columns)


def _check_schema(connection: Connection) -> None:
    """Create the tables in an empty database; refuse one made by another version of the schema."""
    existing = set(inspect(connection).get_table_names())
    ours = set(METADATA.tables)
    fingerprint = schema_fingerprint()
    if SCHEMA_TABLE in existing:
        stored = connection.execute(select(METADATA.tables[SCHEMA_TABLE].c.fingerprint)).scalars().all()
        if stored != [fingerprint]:
            raise DatabaseError(
                f"the database holds tables of another ocmfa-extract schema ({', '.join(stored) or 'none'}, "
                f"this version writes {fingerprint}): load into a new database, or drop its tables first"
            )
        return
    clashes = sorted(existing & ours)
    if clashes:
        raise DatabaseError(
            f"the database already has tables named {', '.join(clashes)} that ocmfa-extract did not create: "
            "use another database"
        )
    METADATA.create_all(connection)
    connection.execute(METADATA.tables[SCHEMA_TABLE].insert().values(fingerprint=fingerprint))


def _upsert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, or update the row with the same key where any column differs."""
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    others = [column for column in table.columns if column.name not in keys]
    if others:
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={column.name: statement.excluded[column.name] for column in others},
            where=or_(*(column.is_distinct_from(statement.excluded[column.name]) for column in others)),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    for start in range(0, len(rows), 500):
        connection.execute(statement, rows[start : start + 500])


def _delete(connection: Connection, table: Table, keys: list[tuple[Any, ...]]) -> None:
    if not keys:
        return
    columns = list(table.primary_key.columns)
    statement = delete(table).where(and_(*(column == bindparam(f"key_{column.name}") for column in columns)))
    connection.execute(
        statement, [{f"key_{c.name}": value for c, value in zip(columns, key, strict=True)} for key in keys]
    )


def sync_rows(connection: Connection, rows: Mapping[str, Iterable[dict[str, Any]]]) -> dict[str, TableChanges]:
    """Make the tables hold exactly ``rows``, writing only the rows that are new or differ.

    Parents are written before their children and deleted after them, so the foreign
    keys hold at every statement.
    """
    changes: dict[str, TableChanges] = {}
    stale: dict[str, list[tuple[Any, ...]]] = {}
    for name in TABLE_ORDER:
        table = METADATA.tables[name]
        wanted = {_key(table, row): row for row in rows[name]}
        existing = {_key(table, row): dict(row) for row in connection.execute(select(table)).mappings()}
        new = [row for key, row in wanted.items() if key not in existing]
        different = [row for key, row in wanted.items() if key in existing and existing[key] != row]
        stale[name] = sorted(key for key in existing if key not in wanted)
        _upsert(connection, table, new + different)
        changes[name] = TableChanges(
            inserted=len(new), updated=len(different), deleted=len(stale[name]), rows=len(wanted)
        )
    for name in reversed(TABLE_ORDER):
        _delete(connection, METADATA.tables[name], stale[name])
    return changes


def load(out: Path, db: str | Path | None = None) -> LoadSummary:
    """Load the output folder ``out`` into the database ``db`` (default: ``out/ocmfa.sqlite``).

    The whole load is one transaction: afterwards the database mirrors the folder, or,
    when anything fails, it is as it was.

    Raises:
        OutputFolderError: when the folder's files are missing or malformed.
        DatabaseError: when the database cannot be reached, holds a foreign schema, or
            refuses the rows.
    """
    rows = folder_rows(current_state(out))  # every file of one state, even if a run switches it meanwhile
    engine = make_engine(db if db is not None else out / DEFAULT_DB_NAME)
    summary = LoadSummary(url=engine.url.render_as_string(hide_password=True))
    try:
        with engine.begin() as connection:
            _check_schema(connection)
            summary.tables = sync_rows(connection, rows)
    except SQLAlchemyError as error:
        raise DatabaseError(f"loading into {summary.url} failed: {error}") from error
    finally:
        engine.dispose()
    return summary
