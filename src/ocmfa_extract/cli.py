"""The ``ocmfa-extract`` command line: parses arguments, calls the library, reports."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .evaluation import GoldFormatError, OutputFormatError, evaluate, format_report
from .io import DEFAULT_MAX_BYTES
from .models import output_json_schema
from .outputs import DEFAULT_DB_NAME, DEFAULT_REPORT_NAME, OutputFolderError
from .patterns import PatternError
from .pipeline import BaseModelError
from .runner import OutputLocationError
from .runner import run as run_extraction

app = typer.Typer(
    help="Extract people, roles, dates and statements from foreign-affairs documents.",
    no_args_is_help=True,
    add_completion=False,
)
stderr = Console(stderr=True)

# A progress bar is worth drawing only for runs longer than a moment.
_PROGRESS_THRESHOLD = 20


@app.command()
def run(
    sources: Annotated[
        list[Path], typer.Argument(exists=True, resolve_path=True, help="Folders or files (.txt, .md, .html, .htm).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", resolve_path=True, help="Output folder.")] = Path("outputs"),
    patterns: Annotated[
        Path | None,
        typer.Option(
            "--patterns",
            exists=True,
            file_okay=False,
            resolve_path=True,
            help="Patterns folder (default: ./patterns, else the packaged copy).",
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Extract every document again, ignoring earlier results.")
    ] = False,
    keep_missing: Annotated[
        bool, typer.Option("--keep-missing", help="Keep the records of documents no longer in the sources.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes to extract with.")] = 1,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="An installed spaCy pipeline (such as en_core_web_sm) whose entity recogniser proposes "
            "people for the rules to confirm. Default: none (rules only, no model).",
        ),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Files larger than this are reported, not read.")
    ] = DEFAULT_MAX_BYTES,
) -> None:
    """Extract records from every document under SOURCES into the output folder.

    A rerun into the same folder extracts only new and changed documents.
    """
    progress = Progress(
        TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=True
    )
    task = progress.add_task("extract", total=None)

    def on_total(total: int) -> None:
        progress.update(task, total=total)
        # Started only now, once the run's workers exist: a bar's refresh thread must not
        # be running when they are forked.
        if total >= _PROGRESS_THRESHOLD:
            progress.start()

    try:
        summary = run_extraction(
            sources,
            out,
            patterns,
            on_progress=lambda n: progress.advance(task, n),
            on_total=on_total,
            full=full,
            keep_missing=keep_missing,
            max_bytes=max_bytes,
            workers=workers,
            base_model=model,
        )
    except PatternError as error:
        stderr.print(f"[red]error:[/red] bad pattern file: {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(code=2) from error
    except (OutputLocationError, BaseModelError) as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(code=2) from error
    finally:
        progress.stop()
    table = Table(title=f"ocmfa-extract → {out}")
    for column in ("documents", "people", "roles", "dates", "statements", "errors"):
        table.add_column(column, justify="right")
    table.add_row(
        *(
            str(n)
            for n in (
                summary.documents,
                summary.people,
                summary.roles,
                summary.dates,
                summary.statements,
                len(summary.errors),
            )
        )
    )
    stderr.print(table)
    stderr.print(
        f"sources: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.removed} removed; {summary.extracted} extracted",
        soft_wrap=True,
    )
    for error in summary.errors:
        stderr.print(f"[yellow]{error.error}[/yellow] {escape(error.path)}: {escape(error.message)}", soft_wrap=True)
    if summary.nothing_processed:
        stderr.print("[red]error:[/red] no document could be processed")
        raise typer.Exit(code=1)


@app.command("eval")
def eval_command(
    gold: Annotated[
        Path, typer.Option("--gold", exists=True, file_okay=False, resolve_path=True, help="Folder of gold JSON files.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", exists=True, file_okay=False, resolve_path=True, help="Output folder to score."),
    ] = Path("outputs"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    details: Annotated[bool, typer.Option("--details", help="List missed and wrong items.")] = False,
) -> None:
    """Score an output folder against gold files (precision, recall, F1 per kind)."""
    try:
        report = evaluate(gold, out)
    except (GoldFormatError, OutputFormatError) as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(code=2) from error
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report, details=details) + "\n")


@app.command()
def schema() -> None:
    """Print the JSON Schema of every output file, generated from the models."""
    sys.stdout.write(json.dumps(output_json_schema(), indent=2, sort_keys=True) + "\n")


@app.command("load")
def load_command(
    out: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, resolve_path=True, help="The output folder to load.")
    ],
    db: Annotated[
        str | None,
        typer.Option("--db", help=f"A SQLite file path or a postgresql:// URL (default: OUT/{DEFAULT_DB_NAME})."),
    ] = None,
) -> None:
    """Load an output folder into a database: SQLite (a file) or PostgreSQL (a URL).

    The database then mirrors the folder: new rows are inserted, changed rows updated,
    rows of records no longer in the folder deleted, and unchanged rows left alone.
    """
    from .database import DatabaseError  # imported here: SQLAlchemy is slow to import for `run`
    from .database import load as load_database

    try:
        summary = load_database(out, db)
    except (OutputFolderError, DatabaseError) as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(code=2) from error
    table = Table(title=f"{out} → {summary.url}")
    for column in ("table", "inserted", "updated", "deleted", "rows"):
        table.add_column(column, justify="left" if column == "table" else "right")
    for name, changes in summary.tables.items():
        table.add_row(name, *(str(n) for n in (changes.inserted, changes.updated, changes.deleted, changes.rows)))
    stderr.print(table)
    stderr.print(f"{summary.changed} rows changed")


@app.command()
def report(
    out: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, resolve_path=True, help="The output folder to show.")
    ],
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", dir_okay=False, resolve_path=True, help=f"The page to write (default: OUT/{DEFAULT_REPORT_NAME})."
        ),
    ] = None,
    source: Annotated[
        list[Path] | None,
        typer.Option(
            "--source",
            exists=True,
            file_okay=False,
            resolve_path=True,
            help="The folder the documents were read from, to show their text (repeatable).",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML page: highlighted documents, people and their roles, a timeline."""
    from .report import write_report  # imported here: it is not needed by the other commands

    try:
        written = write_report(out, html, source or [])
    except OutputFolderError as error:
        stderr.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(code=2) from error
    stderr.print(
        f"wrote {escape(str(written.path))}: {written.documents} documents, {written.with_text} with their text",
        soft_wrap=True,
    )
