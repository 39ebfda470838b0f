"""``--workers N``: the same outputs as one process, however the workers are started."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ocmfa_extract.cli import app
from ocmfa_extract.io import TEXTS_DIR
from ocmfa_extract.pool import start_method
from ocmfa_extract.runner import run
from ocmfa_extract.writer import OUTPUT_FILES

DATA = Path(__file__).resolve().parent / "data"


def outputs(out: Path) -> dict[str, bytes]:
    """The output files, and the texts extracted from HTML pages."""
    files = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    texts = sorted(path for path in (out / TEXTS_DIR).rglob("*") if path.is_file())
    assert texts  # the HTML page's
    return files | {path.relative_to(out).as_posix(): path.read_bytes() for path in texts}


@pytest.fixture(scope="module")
def many_documents(tmp_path_factory, root) -> Path:
    """Over twenty documents of every style (enough for the CLI to draw its progress bar), and bad input."""
    folder = tmp_path_factory.mktemp("many")
    for source in [root / "seeds", DATA / "docs", DATA / "heldout" / "docs", DATA / "heldout2" / "docs"]:
        for path in sorted(source.glob("*.txt")):
            shutil.copy(path, folder / f"{source.parent.name}_{source.name}_{path.name}")
    shutil.copytree(DATA / "nasty", folder / "nasty")  # errors, duplicates, an HTML page
    assert len(list(folder.iterdir())) > 20
    return folder


@pytest.fixture(scope="module")
def one_process(tmp_path_factory, many_documents, patterns_dir) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("one")
    run([many_documents], out, patterns_dir, full=True)
    return outputs(out)


def test_workers_fork_only_while_no_other_thread_runs(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    assert start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr("sys.platform", "darwin")
    assert start_method() == "spawn"


def test_workers_cli_with_progress_bar_gives_the_same_outputs(tmp_path, many_documents, patterns_dir, one_process):
    result = CliRunner().invoke(
        app, ["run", str(many_documents), "--out", str(tmp_path), "--patterns", str(patterns_dir), "--workers", "2"]
    )
    assert result.exit_code == 1, result.output  # 1: the bad inputs are in errors.jsonl, the others written
    assert outputs(tmp_path) == one_process


def test_workers_spawned_beside_another_thread_give_the_same_outputs(
    tmp_path, many_documents, patterns_dir, one_process
):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # a caller's thread: the workers are spawned
    other.start()
    try:
        summary = run([many_documents], tmp_path, patterns_dir, full=True, workers=2)
    finally:
        stop.set()
        other.join()
    assert summary.extracted == summary.documents > 20
    assert summary.errors
    assert outputs(tmp_path) == one_process


def test_map_in_windows_keeps_the_order_across_windows():
    from multiprocessing import get_context

    from ocmfa_extract.pool import map_in_windows

    consumed = []

    def items():
        for number in range(23):
            consumed.append(number)
            yield number

    with get_context(start_method()).Pool(2) as pool:
        outcomes = map_in_windows(pool, abs, (-n for n in items()), window=5)
        assert next(outcomes) == 0
        assert len(consumed) == 10  # this window and the next, not the whole stream
        assert list(outcomes) == list(range(1, 23))
        assert list(map_in_windows(pool, abs, [], window=5)) == []
