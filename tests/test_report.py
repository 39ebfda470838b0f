"""The HTML review page: its content, its escaping, and how a real headless browser shows it.

The browser test runs Debian's chromium; without it the test is skipped, unless
``OCMFA_REQUIRE_BROWSER=1``, when it fails.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from ocmfa_extract.cli import app
from ocmfa_extract.models import DateValue, DocumentRecord, RoleRecord
from ocmfa_extract.report import (
    Highlight,
    date_bounds,
    document_text,
    highlighted_html,
    render_report,
    timeline_svg,
)

CHROMIUM = "/usr/bin/chromium"
EVIL = (
    "Visit note <script>document.title='pwned'</script> & more\n\n"
    "Ambassador Margaret Holloway said that talks would resume in May 2024.\n"
)
runner = CliRunner()


def lines(out: Path, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, root: Path) -> Path:
    folder = tmp_path_factory.mktemp("report-in")
    for seed in sorted((root / "seeds").glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    (folder / "zz_evil.txt").write_text(EVIL, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, sources: Path) -> Path:
    folder = tmp_path_factory.mktemp("report-out")
    result = runner.invoke(app, ["run", str(sources), "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def page(out: Path, sources: Path) -> Path:
    target = out.parent / "review" / "report.html"
    target.parent.mkdir(exist_ok=True)
    result = runner.invoke(app, ["report", str(out), "--html", str(target), "--source", str(sources)])
    assert result.exit_code == 0, result.output
    assert "5 documents, 5 with their text" in result.output
    return target


# -- the page's content -------------------------------------------------------------------------


def test_report_is_deterministic_and_self_contained(page, out, sources):
    content = page.read_text(encoding="utf-8")
    assert render_report(out, [sources])[0] == content
    assert "<script" not in content.lower()
    for fetch in ("src=", "<link", "url(", "@import", "<iframe", "<object"):
        assert fetch not in content.lower(), fetch


def test_report_shows_every_document_with_its_highlights(page, out):
    content = page.read_text(encoding="utf-8")
    documents = lines(out, "documents.jsonl")
    assert len(documents) == 5
    for document in documents:
        assert f'<h3 class="document-title">{html.escape(document["title"] or document["path"])}</h3>' in content
    assert content.count('<article class="document"') == 5
    for label in ("PERSON", "DATE", "STATEMENT", "TITLE"):
        assert f"\n        {label}\n" in content, label
    assert "not found" not in content


def test_report_escapes_document_text_and_titles(page):
    content = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in content
    assert "<script>document.title" not in content


def test_report_people_table_and_timeline(page, out):
    content = page.read_text(encoding="utf-8")
    people = lines(out, "people.jsonl")
    assert content.count('<tr class="person"') == len(people)
    roles = lines(out, "roles.jsonl")
    dated = [role for role in roles if role["start"] or role["end"]]
    assert content.count('<rect class="bar') == len(dated) > 10
    assert content.count('<rect class="bar current"') == sum(1 for role in dated if role["current"] and not role["end"])


@pytest.mark.parametrize(
    ("value", "precision", "bounds"),
    [
        ("1988-06", "month", (1988 + 5 / 12, 1988.5)),
        ("1988", "year", (1988.0, 1989.0)),
        ("198", "decade", (1980.0, 1990.0)),
        ("2024-01-01", "day", (2024.0, 2024 + 1 / 366)),
    ],
)
def test_report_date_bounds(value, precision, bounds):
    assert date_bounds(DateValue(value=value, precision=precision)) == pytest.approx(bounds)


def _role(person: str, start: str | None, end: str | None, current: bool | None = None) -> RoleRecord:
    def date(value: str | None) -> DateValue | None:
        return DateValue(value=value, precision="year") if value else None

    return RoleRecord(
        role_id=f"role_{person}",
        person_id=f"person_{person}",
        person=person,
        title="Envoy",
        organization="Office <of> Tests",
        start=date(start),
        end=date(end),
        current=current,
        doc_id="d",
        evidence={"doc_id": "d", "start": 0, "end": 1, "text": "x"},
        rule_id="test",
    )


def test_report_timeline_orders_holders_and_lists_undated_ones():
    svg, undated = timeline_svg(
        [
            _role("Zed", "2001", "2004"),
            _role("Amy", "1990", "2001"),
            _role("Kim", "2004", None, True),
            _role("Lou", None, None),
        ]
    )
    names = re.findall(r'class="holder-name"[^>]*>([^<]+)<', svg)
    assert names == ["Amy", "Zed", "Kim", "Lou"]
    assert "Office &lt;of&gt; Tests" in svg
    assert svg.count('<rect class="bar') == 3 and svg.count("no dates") == 1
    widths = [float(w) for w in re.findall(r'<rect class="bar[^"]*" x="[\d.]+" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] > widths[1] > 0  # 11 years before 3
    assert undated == []
    assert timeline_svg([_role("Lou", None, None)]) == ("", ["Envoy, Office <of> Tests"])


def test_report_highlights_escape_and_label_overlapping_spans():
    text = 'Envoy <Zhou> said "a & b" in 1990.\nNext line.'
    markup = highlighted_html(
        text,
        [
            Highlight(6, 12, "PERSON"),
            Highlight(18, 25, "STATEMENT"),
            Highlight(19, 24, "DATE"),
            Highlight(0, 5, "TITLE"),
        ],
    )
    assert "&lt;Zhou&gt;" in markup and "<Zhou>" not in markup
    assert "&amp;" in markup
    for label in ("PERSON", "STATEMENT", "DATE", "TITLE"):
        assert label in markup
    assert markup.count('<div class="spans"') == 2  # one block per line


def test_report_text_source_must_match_its_digest(tmp_path, root):
    document = next(DocumentRecord.model_validate(record) for record in lines(root / "outputs", "documents.jsonl"))
    text, where = document_text(tmp_path, document, [root / "seeds"])
    assert text == (root / "seeds" / document.path).read_bytes().decode("utf-8")
    assert where == f"seeds/{document.path}"
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / document.path).write_text("something else", encoding="utf-8")
    assert document_text(tmp_path, document, [changed]) == (None, document_text(tmp_path, document)[1])
    assert document_text(tmp_path, document)[0] is None


def test_report_reads_text_kept_with_the_run(out):
    content, views = render_report(out)  # no --source: the texts come from OUT/.ocmfa
    assert all(view.text is not None and view.text_from.startswith(".ocmfa/") for view in views)
    assert "not found" not in content


def test_report_without_texts_lists_records_unhighlighted(tmp_path, root):
    folder = tmp_path / "bare"
    shutil.copytree(root / "outputs", folder, ignore=shutil.ignore_patterns(".ocmfa", "*.sqlite", "*.html"))
    result = runner.invoke(app, ["report", str(folder)])
    assert result.exit_code == 0, result.output
    content = (folder / "report.html").read_text(encoding="utf-8")
    assert content.count("The text of this document was not found") == 4
    assert content.count('<tr class="statement"') == 14
    assert 'class="spans"' not in content


def test_report_cli_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "documents.jsonl is missing" in result.output


# -- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).is_file():
        if os.environ.get("OCMFA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"OCMFA_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


def _chromium(binary: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def test_report_in_headless_chromium(chromium, page, out, tmp_path):
    screenshot = tmp_path / "report.png"
    shot = _chromium(
        chromium, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1280,2000", page.as_uri()
    )
    assert shot.returncode == 0 and screenshot.is_file(), shot.stderr[-2000:]
    with Image.open(screenshot) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1280, 2000)
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 50  # text, bars and highlights, not a blank page
        white = sum(n for n, colour in colours if colour == (255, 255, 255))
        assert white < 0.97 * rgb.size[0] * rgb.size[1]
        # the timeline's bar colour is on screen
        assert any(colour == (0x3B, 0x7D, 0xD8) for _, colour in colours)

    dumped = _chromium(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    assert "<title>ocmfa-extract report</title>" in dom  # the document's script did not run
    assert "pwned" in dom and "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    assert "<script" not in dom
    for document in lines(out, "documents.jsonl"):
        assert html.escape(document["title"] or document["path"], quote=False) in dom
    assert dom.count('<article class="document"') == 5
    assert re.search(r'<svg class="timeline"[^>]*>', dom)
    assert dom.count('<rect class="bar') > 10
    assert dom.count('<tr class="person"') == len(lines(out, "people.jsonl"))


@pytest.mark.parametrize("text_path", ["../secret.txt", "/etc/hostname", "texts/../../secret.txt"])
def test_report_reads_text_paths_only_inside_the_output_folder(tmp_path: Path, text_path: str):
    from ocmfa_extract.models import DocumentRecord
    from ocmfa_extract.report import document_text

    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "secret.txt").write_text("not for the report", encoding="utf-8")
    record = DocumentRecord(
        doc_id="page.html",
        path="page.html",
        sha256="0" * 64,
        title=None,
        published=None,
        encoding="utf-8",
        text_path=text_path,
        also_at=[],
    )
    text, found = document_text(out, record)
    assert text is None and found.startswith("not found")
