"""The output folder is always one whole state: generations, one switch, a lock, no silent loss, a full disk."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ocmfa_extract.cli import app
from ocmfa_extract.runner import run
from ocmfa_extract.state import (
    CACHE_DIR,
    OUTPUT_FILES,
    DiskFullError,
    OutputFolder,
    OutputLocationError,
    current_state,
)

SEEDS = ["000_d940e1d24a226e43.txt", "001_2f133d9d5432853c.txt", "002_21901f927dcaa4ed.txt", "003_1f1d3acaa8eb629d.txt"]
PAGE = (
    "<html><body><article><h1>Consulate notice</h1><p>Consul General Peter Mensah said on 4 May 2022 that"
    " the consulate would open a new visa office.</p></article></body></html>"
)


def state_of(out: Path) -> dict[str, bytes]:
    """What a reader sees through the folder's contract files, and the texts of HTML pages."""
    files = {name: (out / name).read_bytes() for name in OUTPUT_FILES if (out / name).exists()}
    texts = out / "texts"
    if texts.is_dir():
        files |= {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(texts.rglob("*")) if p.is_file()}
    return files


def copy_seeds(root: Path, folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(root / "seeds" / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory: pytest.TempPathFactory, root: Path, patterns_dir: Path):
    """Two complete states: the first three seeds, then all four and an HTML page."""
    work = tmp_path_factory.mktemp("states")
    old_sources = copy_seeds(root, work / "old-in", SEEDS[:3])
    new_sources = copy_seeds(root, work / "new-in", SEEDS)
    (new_sources / "notice.html").write_text(PAGE, encoding="utf-8")
    old, new = work / "old", work / "new"
    run([old_sources], old, patterns_dir)
    run([new_sources], new, patterns_dir)
    return old_sources, new_sources, state_of(old), state_of(new), old


def test_state_layout_links_through_one_current_generation(tmp_path: Path, root: Path, patterns_dir: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS)
    (sources / "notice.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    for name in (*OUTPUT_FILES, "texts"):
        assert os.readlink(out / name) == f"{CACHE_DIR}/current/{name}"
    generation = current_state(out)
    assert generation.parent == (out / CACHE_DIR / "generations").resolve()
    assert (generation / "manifest.json").is_file()
    assert (out / "texts" / "notice.html.txt").read_text(encoding="utf-8").startswith("Consulate notice")
    before = state_of(out)
    run([sources], out, patterns_dir)  # the same inputs: the same generation, nothing switched
    assert current_state(out) == generation
    assert state_of(out) == before
    assert list((out / CACHE_DIR / "tmp").iterdir()) == []  # the run's scratch folder is gone


_EVENTS = ("os.rename", "os.symlink", "os.remove", "shutil.rmtree")  # every step that changes the folder


def _killed_child(kill_at: int, sources: str, out: str, patterns: str, counts: str) -> None:
    seen = 0

    def hook(event: str, args: tuple) -> None:
        nonlocal seen
        if event in _EVENTS:
            seen += 1
            Path(counts).write_text(str(seen))
            if seen == kill_at:
                os._exit(137)  # as if killed: no cleanup, no exception handling, no finally

    sys.addaudithook(hook)
    run([Path(sources)], Path(out), Path(patterns))
    os._exit(0)


def _run_killed_at(kill_at: int, sources: Path, out: Path, patterns_dir: Path, counts: Path) -> int | None:
    process = multiprocessing.get_context("fork").Process(
        target=_killed_child, args=(kill_at, str(sources), str(out), str(patterns_dir), str(counts))
    )
    process.start()
    process.join(300)
    return process.exitcode


def test_state_a_kill_at_any_rename_leaves_the_old_state_or_the_new(tmp_path: Path, old_and_new, patterns_dir: Path):
    _, new_sources, old_state, new_state, old = old_and_new
    counts = tmp_path / "count"
    probe = tmp_path / "probe"
    shutil.copytree(old, probe, symlinks=True)
    assert _run_killed_at(0, new_sources, probe, patterns_dir, counts) == 0  # 0: never killed, counts the steps
    steps = int(counts.read_text())
    assert steps >= 8  # results, the generation's files, the generation, the switch, the texts link
    outcomes = []
    for kill_at in range(1, steps + 1):
        out = tmp_path / f"killed-{kill_at}"
        shutil.copytree(old, out, symlinks=True)
        assert _run_killed_at(kill_at, new_sources, out, patterns_dir, counts) == 137
        seen = state_of(out)
        assert seen in (old_state, new_state), f"a mix after a kill at step {kill_at}"
        outcomes.append("new" if seen == new_state else "old")
        resumed = run([new_sources], out, patterns_dir)
        assert state_of(out) == new_state
        assert resumed.documents == 5
        assert list((out / CACHE_DIR / "tmp").iterdir()) == []
        assert len(list((out / CACHE_DIR / "generations").iterdir())) <= 2
    assert outcomes[0] == "old" and outcomes[-1] == "new"  # the kill points span the switch


def test_state_second_run_on_a_locked_folder_is_refused(tmp_path: Path, root: Path, patterns_dir: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:1])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    before = state_of(out)
    holder = OutputFolder(out)
    holder.acquire()
    try:
        with pytest.raises(OutputLocationError, match="another ocmfa-extract run"):
            run([sources], out, patterns_dir, full=True)
        result = CliRunner().invoke(app, ["run", str(sources), "--out", str(out)])
        assert result.exit_code == 2
        assert "another ocmfa-extract run" in result.output
    finally:
        holder.release()
    assert state_of(out) == before
    run([sources], out, patterns_dir, full=True)  # free again


def test_state_leftovers_of_killed_runs_are_removed_at_the_next_start(tmp_path: Path, root: Path, patterns_dir: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:1])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    (out / CACHE_DIR / "tmp" / "dead-run" / "generation").mkdir(parents=True)
    (out / CACHE_DIR / "tmp" / "dead-run" / "generation" / "roles.jsonl").write_text("half")
    (out / CACHE_DIR / "results" / ".abc.jsonl.x1y2.tmp").write_text("half")
    (out / ".records.dead").mkdir()  # an older version's scratch folder
    run([sources], out, patterns_dir)
    assert list((out / CACHE_DIR / "tmp").iterdir()) == []
    assert not list((out / CACHE_DIR / "results").glob(".*.tmp"))
    assert not (out / ".records.dead").exists()


def test_state_sources_with_no_document_leave_the_outputs_untouched(tmp_path: Path, root: Path, patterns_dir: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:2])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    before = state_of(out)
    results = sorted((out / CACHE_DIR / "results").iterdir())
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("  \n")
    result = CliRunner().invoke(app, ["run", str(empty), "--out", str(out)])
    assert result.exit_code == 1
    assert "left as they were" in result.output
    assert state_of(out) == before
    assert sorted((out / CACHE_DIR / "results").iterdir()) == results
    rerun = run([sources], out, patterns_dir)
    assert rerun.extracted == 0  # nothing was lost from the cache either


def test_state_a_fresh_folder_with_nothing_readable_still_lists_the_errors(tmp_path: Path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    (error,) = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert error["error"] == "empty"


@pytest.mark.parametrize("where", ["a file", "a folder of other files", "the root"])
def test_state_out_that_is_no_output_folder_is_refused(tmp_path: Path, root: Path, where: str):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:1])
    if where == "a file":
        out = tmp_path / "notes.txt"
        out.write_text("mine")
    elif where == "a folder of other files":
        out = tmp_path / "mine"
        out.mkdir()
        (out / "thesis.docx").write_text("mine")
    else:
        out = Path("/")
    result = CliRunner().invoke(app, ["run", str(sources), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    if where == "a folder of other files":
        assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]


def test_state_default_out_is_its_own_folder_in_the_current_folder(tmp_path: Path, root: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:1])
    work = tmp_path / "work"
    (work / "outputs").mkdir(parents=True)
    (work / "outputs" / "roles.jsonl").write_text("a project's own outputs\n")
    done = subprocess.run(
        [sys.executable, "-m", "ocmfa_extract", "run", str(sources), "-q"], cwd=work, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (work / "ocmfa-out" / "documents.jsonl").is_file()
    assert (work / "outputs" / "roles.jsonl").read_text() == "a project's own outputs\n"


def test_state_an_older_versions_folder_becomes_links(tmp_path: Path, root: Path, patterns_dir: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:2])
    reference = tmp_path / "reference"
    run([sources], reference, patterns_dir)
    old = tmp_path / "old"
    old.mkdir()
    for name in OUTPUT_FILES:  # an older version wrote plain files, a manifest and texts/ in place
        (old / name).write_text('{"stale": true}\n')
    (old / "texts").mkdir()
    (old / "texts" / "gone.html.txt").write_text("stale")
    (old / CACHE_DIR).mkdir()
    (old / CACHE_DIR / "manifest.json").write_text('{"pipeline": "old", "patterns": "old", "documents": {}}')
    run([sources], old, patterns_dir)
    assert state_of(old) == state_of(reference)
    assert all((old / name).is_symlink() for name in OUTPUT_FILES)
    assert not (old / "texts").exists() and not (old / CACHE_DIR / "manifest.json").exists()


def test_state_removed_pages_take_their_texts_with_them(tmp_path: Path, root: Path, patterns_dir: Path):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:1])
    (sources / "notice.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    assert (out / "texts" / "notice.html.txt").is_file()
    (sources / "notice.html").unlink()
    run([sources], out, patterns_dir, full=True)
    assert not (out / "texts").exists()


def test_state_disk_full_keeps_the_old_state_and_leaves_nothing(
    tmp_path: Path, root: Path, patterns_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    sources = copy_seeds(root, tmp_path / "in", SEEDS[:2])
    out = tmp_path / "out"
    run([sources], out, patterns_dir)
    before = state_of(out)
    copy_seeds(root, sources, SEEDS[2:])
    from ocmfa_extract import writer

    real = writer.write_document_records
    calls = []

    def filling(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "write_document_records", filling)
    with pytest.raises(DiskFullError, match="is full"):
        run([sources], out, patterns_dir)
    assert state_of(out) == before
    assert list((out / CACHE_DIR / "tmp").iterdir()) == []
    calls.clear()
    result = CliRunner().invoke(app, ["run", str(sources), "--out", str(out)])
    assert result.exit_code == 3
    assert result.output.count("error:") == 1 and "Traceback" not in result.output
    assert state_of(out) == before


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


def test_state_disk_full_on_a_real_small_disk(tmp_path: Path, root: Path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "1m"):
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        sources = copy_seeds(root, tmp_path / "in", SEEDS[:1])
        out = disk / "out"
        command = [sys.executable, "-m", "ocmfa_extract", "run", str(sources), "--out", str(out), "-q"]
        assert subprocess.run(command, capture_output=True, check=False).returncode == 0
        before = state_of(out)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * (free - 20_000))  # leave less than the next state needs
        copy_seeds(root, sources, SEEDS[1:])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 3, done.stderr
        assert "full" in done.stderr and "Traceback" not in done.stderr
        assert state_of(out) == before
        assert list((out / CACHE_DIR / "tmp").iterdir()) == []
        assert not list((out / CACHE_DIR / "results").glob(".*.tmp"))
        (disk / "filler").unlink()
        assert subprocess.run(command, capture_output=True, check=False).returncode == 0
        assert json.loads((out / "documents.jsonl").read_text().splitlines()[-1])["doc_id"] == SEEDS[-1][:-4]
    finally:
        subprocess.run(["umount", str(disk)], check=False)
