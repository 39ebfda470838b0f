"""The ``ocmfa-extract`` command line: parses arguments, calls the library, reports."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from spacy import __version__ as spacy_version

from . import __version__
from .components.rules import cached_patterns, packaged_patterns_dir
from .evaluation import GoldFormatError, OutputFormatError, evaluate, format_report
from .io import DEFAULT_MAX_BYTES
from .models import RECORD_KINDS, output_json_schema
from .outputs import DEFAULT_DB_NAME, DEFAULT_REPORT_NAME, OutputFolderError
from .patterns import PatternError
from .pipeline import BaseModelError
from .runner import DEFAULT_DOC_TIMEOUT, RunSummary
from .runner import run as run_extraction
from .state import DiskFullError, OutputLocationError

#: Where ``run`` writes without ``--out``: a folder of its own in the current folder, never a project's outputs/.
DEFAULT_OUT = "ocmfa-out"

app = typer.Typer(
    help="Extract people, roles, dates and statements from foreign-affairs documents.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True)
log = logging.getLogger("ocmfa_extract")

# A progress bar is worth drawing only for runs longer than a moment.
_PROGRESS_THRESHOLD = 20

#: The exit codes of ``run`` (the README lists them too).
EXIT_OK = 0  # every input was read and extracted
EXIT_DOCUMENTS_FAILED = 1  # some inputs are in errors.jsonl, or none could be read (the old outputs are kept then)
EXIT_UNUSABLE = 2  # nothing was done: bad arguments, patterns, output folder, or the folder is locked
EXIT_DISK_FULL = 3  # the disk filled up: the old outputs are kept, nothing half-written is left


def _error(message: str, code: int) -> typer.Exit:
    """Print one error line in the CLI's one style and return the exit to raise."""
    stderr.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=code)


def _version(value: bool) -> None:
    if value:
        digest = cached_patterns(packaged_patterns_dir()).digest
        sys.stdout.write(f"ocmfa-extract {__version__} (spaCy {spacy_version}, packaged patterns {digest[:12]})\n")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and the patterns' digest."),
    ] = False,
) -> None:
    """Extract people, roles, dates and statements from foreign-affairs documents."""


def _set_verbosity(quiet: bool, verbose: bool) -> None:
    """Log to standard error: errors only (``--quiet``), or also each skipped file and rule count (``--verbose``)."""
    level = logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)


_QUIET = typer.Option("--quiet", "-q", help="Print errors only.")
_VERBOSE = typer.Option("--verbose", "-v", help="Also list each file not read and how often each rule fired.")


@app.command()
def run(
    sources: Annotated[
        list[Path],
        typer.Argument(
            exists=True, resolve_path=True, metavar="SOURCE", help="Folders or files (.txt, .md, .html, .htm)."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", resolve_path=True, metavar="DIR", help="Output folder (new, empty, or an earlier run's)."
        ),
    ] = Path(DEFAULT_OUT),
    patterns: Annotated[
        Path | None,
        typer.Option(
            "--patterns",
            exists=True,
            file_okay=False,
            resolve_path=True,
            metavar="DIR",
            help="Use the rules in this patterns folder instead of the packaged ones.",
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Extract every document again, ignoring earlier results.")
    ] = False,
    keep_missing: Annotated[
        bool, typer.Option("--keep-missing", help="Keep the records of documents no longer in the sources.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, metavar="N", help="Processes to extract with.")] = 1,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            metavar="NAME",
            help="An installed spaCy pipeline (such as en_core_web_sm) whose entity recogniser proposes "
            "people for the rules to confirm. Default: none (rules only, no model).",
        ),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, metavar="BYTES", help="Files larger than this are reported, not read.")
    ] = DEFAULT_MAX_BYTES,
    doc_timeout: Annotated[
        float,
        typer.Option(
            "--doc-timeout",
            min=0.001,
            metavar="SECONDS",
            help="A document whose extraction takes longer is stopped and reported (kind timeout).",
        ),
    ] = DEFAULT_DOC_TIMEOUT,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Also read links that lead outside the source folders.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on standard output.")] = False,
    quiet: Annotated[bool, _QUIET] = False,
    verbose: Annotated[bool, _VERBOSE] = False,
) -> None:
    """Extract records from every document under SOURCE... into the output folder.

    A rerun into the same folder extracts only new and changed documents. Exit codes:
    0 all read; 1 some inputs failed (see errors.jsonl) or none could be read (the
    folder is left as it was); 2 nothing done (bad arguments, patterns or output
    folder, or another run is writing it); 3 the disk is full (the folder is left as it
    was).
    """
    _set_verbosity(quiet, verbose)
    progress = Progress(
        TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr, transient=True
    )
    task = progress.add_task("extract", total=None)

    def on_total(total: int) -> None:
        progress.update(task, total=total)
        # Started only now, once the run's workers exist: a bar's refresh thread must not
        # be running when they are forked.
        if total >= _PROGRESS_THRESHOLD and not (quiet or as_json):
            progress.start()
            drawn.append(True)

    drawn: list[bool] = []

    rules = patterns or packaged_patterns_dir()
    try:
        summary = run_extraction(
            sources,
            out,
            rules,
            on_progress=lambda n: progress.advance(task, n),
            on_total=on_total,
            full=full,
            keep_missing=keep_missing,
            max_bytes=max_bytes,
            workers=workers,
            base_model=model,
            follow_links=follow_links,
            doc_timeout=doc_timeout,
        )
    except PatternError as error:
        raise _error(f"bad pattern file: {error}", EXIT_UNUSABLE) from error
    except (OutputLocationError, BaseModelError) as error:
        raise _error(str(error), EXIT_UNUSABLE) from error
    except DiskFullError as error:
        raise _error(str(error.strerror), EXIT_DISK_FULL) from error
    finally:
        if drawn:
            progress.stop()
    digest = cached_patterns(rules).digest
    rules_name = "packaged" if patterns is None else str(patterns)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_json(out, rules_name, digest), ensure_ascii=False, indent=2) + "\n")
    elif not quiet:
        _print_run_summary(summary, out, rules_name, digest)
        for failed in summary.errors:
            stderr.print(
                f"[yellow]{failed.error}[/yellow] {escape(failed.path)}: {escape(failed.message)}", soft_wrap=True
            )
    for rule, count in sorted(summary.rules.items()):
        log.info("rule %s fired %d times", rule, count)
    if summary.nothing_processed:
        kept = f": the earlier outputs in {out} were left as they were" if summary.kept_previous else ""
        raise _error(f"no document could be read from the sources{kept}", EXIT_DOCUMENTS_FAILED)
    if summary.errors:
        raise typer.Exit(code=EXIT_DOCUMENTS_FAILED)


def _print_run_summary(summary: RunSummary, out: Path, rules_name: str, digest: str) -> None:
    table = Table(title=f"ocmfa-extract → {out}")
    for kind in RECORD_KINDS:
        table.add_column(kind.name, justify="right")
    table.add_row(*(str(summary.count_of(kind.name)) for kind in RECORD_KINDS))
    stderr.print(table)
    stderr.print(
        f"sources: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
        f"{summary.removed} removed; {summary.extracted} extracted",
        soft_wrap=True,
    )
    if summary.skipped:
        skipped = ", ".join(f"{count} {suffix}" for suffix, count in summary.skipped.items())
        stderr.print(f"not read (not .txt, .md, .html or .htm): {escape(skipped)}", soft_wrap=True)
    if summary.guessed_encodings:
        stderr.print(
            f"encodings guessed with low confidence: {summary.guessed_encodings} documents"
            " (encoding_confidence < 0.5 in documents.jsonl): check them",
            soft_wrap=True,
        )
    stderr.print(f"rules: {escape(rules_name)} patterns, digest {digest[:12]}", soft_wrap=True)


@app.command("eval")
def eval_command(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold", exists=True, file_okay=False, resolve_path=True, metavar="DIR", help="Folder of gold JSON files."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            exists=True,
            file_okay=False,
            resolve_path=True,
            metavar="DIR",
            help="Output folder to score.",
        ),
    ] = Path(DEFAULT_OUT),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    details: Annotated[bool, typer.Option("--details", help="List missed and wrong items.")] = False,
) -> None:
    """Score an output folder against gold files (precision, recall, F1 per kind)."""
    try:
        report = evaluate(gold, out)
    except (GoldFormatError, OutputFormatError) as error:
        raise _error(str(error), EXIT_UNUSABLE) from error
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(format_report(report, details=details) + "\n")


@app.command("rules")
def rules_command(
    patterns: Annotated[
        Path | None,
        typer.Option(
            "--patterns",
            exists=True,
            file_okay=False,
            resolve_path=True,
            metavar="DIR",
            help="Another patterns folder.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List every rule: its id, stage, whether it is on, what it reads and emits, and its data."""
    from .pipeline import STAGES  # noqa: F401 - importing the pipeline registers every rule
    from .rulebook import all_rules, stage_rules

    loaded = cached_patterns(patterns or packaged_patterns_dir())
    try:
        enabled = {rule.spec.rule_id for stage in {s.stage for s in all_rules()} for rule in stage_rules(loaded, stage)}
    except PatternError as error:
        raise _error(f"bad pattern file: {error}", EXIT_UNUSABLE) from error
    rows: list[dict[str, Any]] = [
        {
            "id": spec.rule_id,
            "stage": spec.stage,
            "enabled": spec.rule_id in enabled,
            "reads": list(spec.reads),
            "emits": list(spec.emits),
            "data": list(spec.data),
            "summary": spec.summary,
        }
        for spec in all_rules()
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    for row in rows:  # one block a rule: a table would not fit a terminal
        sys.stdout.write(
            f"{row['id']}  [{row['stage']}, {'on' if row['enabled'] else 'off'}]\n  {row['summary']}\n"
            f"  reads: {', '.join(row['reads'])}\n  emits: {', '.join(row['emits'])}\n"
            f"  data:  {', '.join(row['data']) or '-'}\n"
        )
    sys.stdout.write(f"{len(rows)} rules\n")


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
        typer.Option(
            "--db",
            metavar="FILE|URL",
            help=f"A SQLite file path or a postgresql:// URL (default: OUT/{DEFAULT_DB_NAME}).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON on standard output.")] = False,
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
        raise _error(str(error), EXIT_UNUSABLE) from error
    if as_json:
        tables = {name: vars(changes) for name, changes in summary.tables.items()}
        payload = {"db": summary.url, "changed": summary.changed, "tables": tables}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
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
            "--html",
            dir_okay=False,
            resolve_path=True,
            metavar="FILE",
            help=f"The page to write (default: OUT/{DEFAULT_REPORT_NAME}).",
        ),
    ] = None,
    source: Annotated[
        list[Path] | None,
        typer.Option(
            "--source",
            exists=True,
            file_okay=False,
            resolve_path=True,
            metavar="DIR",
            help="The folder the documents were read from, to show their text (repeatable).",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML page: highlighted documents, people and their roles, a timeline."""
    from .report import write_report  # imported here: it is not needed by the other commands

    try:
        written = write_report(out, html, source or [])
    except OutputFolderError as error:
        raise _error(str(error), EXIT_UNUSABLE) from error
    stderr.print(
        f"wrote {escape(str(written.path))}: {written.documents} documents, {written.with_text} with their text",
        soft_wrap=True,
    )
