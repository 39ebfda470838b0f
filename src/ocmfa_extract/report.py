"""An HTML review page of one output folder: highlighted documents, people, a timeline of tenures.

The page is one self-contained file (inline CSS and SVG, no script, nothing fetched)
and the same folder always gives the same bytes. Every piece of text from the records
or the documents is HTML-escaped.

A document's text is found, in this order: the extracted text an HTML input's
``text_path`` points to under the output folder; the file at the document's ``path``
(or one of ``also_at``) under a source folder given with ``--source``, when its bytes
still have the recorded digest; the text kept with the run's results in
``OUT/.ocmfa/results/``. A document whose text is found nowhere is shown with its
records but without highlighting.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy import displacy

from .cache import CACHE_DIR, RESULT_SUFFIX, BrokenResultError, read_stored
from .io import InputError, decode_text, write_files_atomically
from .models import (
    KIND,
    DateRecord,
    DateValue,
    DocumentRecord,
    ErrorRecord,
    PersonRecord,
    RoleRecord,
    Span,
    StatementRecord,
)
from .outputs import DEFAULT_REPORT_NAME, read_records
from .state import current_state

LABEL_COLORS: dict[str, str] = {
    "PERSON": "#7aecec",
    "TITLE": "#feca74",
    "DATE": "#bfe1d9",
    "STATEMENT": "#c887fb",
}


@dataclass(frozen=True)
class Highlight:
    """A labelled character range of a document's text."""

    start: int
    end: int
    label: str


@dataclass
class Folder:
    """The records of one output folder."""

    documents: list[DocumentRecord]
    people: list[PersonRecord]
    roles: list[RoleRecord]
    dates: list[DateRecord]
    statements: list[StatementRecord]
    errors: list[ErrorRecord]

    @classmethod
    def read(cls, out: Path) -> Folder:
        """Read the six output files of ``out``, all of one state (:func:`.state.current_state`).

        Raises:
            OutputFolderError: when a file is missing or malformed.
        """
        out = current_state(out)
        return cls(
            documents=list(read_records(out / KIND["documents"].file, DocumentRecord)),
            people=list(read_records(out / KIND["people"].file, PersonRecord)),
            roles=list(read_records(out / KIND["roles"].file, RoleRecord)),
            dates=list(read_records(out / KIND["dates"].file, DateRecord)),
            statements=list(read_records(out / KIND["statements"].file, StatementRecord)),
            errors=list(read_records(out / KIND["errors"].file, ErrorRecord)),
        )


@dataclass(frozen=True)
class WrittenReport:
    """Where the page was written and how many documents it shows with their text."""

    path: Path
    documents: int
    with_text: int


@dataclass
class _DocumentView:
    record: DocumentRecord
    text: str | None
    text_from: str
    highlights: list[Highlight] = field(default_factory=list)
    unplaced: int = 0  # records whose span does not slice the text found


# -- finding a document's text --------------------------------------------------------------


def document_text(out: Path, document: DocumentRecord, sources: Sequence[Path] = ()) -> tuple[str | None, str]:
    """The text a document's offsets refer to, and where it was found (see the module docstring)."""
    if document.text_path:
        stored = current_state(out) / document.text_path
        # Only inside the output folder: a crafted text_path ("../secret", "/etc/...") reads nothing.
        if stored.resolve().is_relative_to(out.resolve()) and stored.is_file():
            return stored.read_bytes().decode("utf-8"), document.text_path
    else:
        for source in sources:
            for relative in (document.path, *document.also_at):
                candidate = source / relative
                if not candidate.is_file():
                    continue
                data = candidate.read_bytes()
                if hashlib.sha256(data).hexdigest() != document.sha256:
                    continue  # changed since the run: its offsets would not fit
                try:
                    return decode_text(data, relative)[0], f"{source.name}/{relative}"
                except InputError:
                    continue
    kept = out / CACHE_DIR / "results" / f"{document.sha256}{RESULT_SUFFIX}"
    if kept.is_file():
        try:
            return read_stored(kept).text(), f"{CACHE_DIR}/results/{kept.name}"
        except (BrokenResultError, OSError, UnicodeDecodeError):
            pass  # an unreadable result is like a missing one
    return None, "not found: give the folder it was read from with --source"


# -- highlighting --------------------------------------------------------------------------------


def _title_in(evidence: Span, title: str, text: str) -> Highlight | None:
    """Where a role's title stands in its evidence, matched without case and across spacing."""
    words = [re.escape(word) for word in title.split()]
    if not words:
        return None
    match = re.search(r"\b" + r"\s+".join(words) + r"\b", text[evidence.start : evidence.end], flags=re.I)
    if match is None:
        return None
    return Highlight(evidence.start + match.start(), evidence.start + match.end(), "TITLE")


def document_highlights(folder: Folder, doc_id: str, text: str) -> tuple[list[Highlight], int]:
    """The people, titles, dates and statement contents of one document, and how many did not fit its text."""
    candidates: list[tuple[Highlight, str]] = []
    for person in folder.people:
        for mention in person.mentions:
            if mention.doc_id == doc_id:
                candidates.append((Highlight(mention.start, mention.end, "PERSON"), mention.text))
    for date in folder.dates:
        if date.doc_id == doc_id:
            candidates.append((Highlight(date.start, date.end, "DATE"), date.text))
    for statement in folder.statements:
        if statement.doc_id == doc_id:
            span = statement.content_span
            candidates.append((Highlight(span.start, span.end, "STATEMENT"), span.text))
    unplaced = 0
    placed: set[Highlight] = set()
    for highlight, surface in candidates:
        if text[highlight.start : highlight.end] == surface:
            placed.add(highlight)
        else:
            unplaced += 1
    for role in folder.roles:
        if role.doc_id != doc_id:
            continue
        evidence = role.evidence
        if text[evidence.start : evidence.end] != evidence.text:
            unplaced += 1
            continue
        title = _title_in(evidence, role.title, text)
        if title is not None:
            placed.add(title)
    return sorted(placed, key=lambda h: (h.start, -h.end, h.label)), unplaced


def _pieces(line: str, offset: int, cuts: set[int]) -> list[tuple[int, int]]:
    """The line's words, also cut where a highlight starts or ends (absolute offsets)."""
    pieces: list[tuple[int, int]] = []
    for word in re.finditer(r"\S+", line):
        start, end = word.start() + offset, word.end() + offset
        inner = sorted(cut for cut in cuts if start < cut < end)
        for left, right in zip([start, *inner], [*inner, end], strict=True):
            pieces.append((left, right))
    return pieces


def highlighted_html(text: str, highlights: Sequence[Highlight]) -> str:
    """The text as displaCy span markup (manual mode), one block per line, every piece escaped."""
    cuts = {h.start for h in highlights} | {h.end for h in highlights}
    parsed: list[dict[str, Any]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line)
        offset = end
        if not line.strip():
            continue
        pieces = _pieces(line, start, cuts)
        spans = []
        for highlight in highlights:
            if highlight.end <= start or highlight.start >= end:
                continue
            inside = [i for i, (left, right) in enumerate(pieces) if highlight.start <= left and right <= highlight.end]
            if inside:
                spans.append({"start_token": inside[0], "end_token": inside[-1] + 1, "label": highlight.label})
        parsed.append({"text": line, "tokens": [text[left:right] for left, right in pieces], "spans": spans})
    if not parsed:
        return ""
    return displacy.render(
        parsed, style="span", manual=True, page=False, jupyter=False, options={"colors": LABEL_COLORS}
    )


# -- the timeline ------------------------------------------------------------------------------------


def date_bounds(date: DateValue) -> tuple[float, float]:
    """The first and last moment a date covers, as fractional years ("1988-06" → 1988.417, 1988.5)."""
    if date.precision == "decade":
        first = int(date.value) * 10
        return float(first), float(first + 10)
    if date.precision == "year":
        year = int(date.value)
        return float(year), float(year + 1)
    if date.precision == "month":
        year, month = (int(part) for part in date.value.split("-"))
        return year + (month - 1) / 12, year + month / 12
    day = datetime.date.fromisoformat(date.value)
    first_day = datetime.date(day.year, 1, 1)
    length = (datetime.date(day.year + 1, 1, 1) - first_day).days
    begin = day.year + (day - first_day).days / length
    return begin, begin + 1 / length


@dataclass(frozen=True)
class _Bar:
    begin: float
    end: float
    kind: str  # "tenure", "current", "from" (start only), "until" (end only)
    tip: str


def _tenure_text(role: RoleRecord) -> str:
    start = role.start.value if role.start else "?"
    end = role.end.value if role.end else ("now" if role.current else "?")
    return f"{start} – {end}"


def _bar(role: RoleRecord, now: float) -> _Bar | None:
    tip = f"{role.person}: {_position_label(role)}, {_tenure_text(role)}"
    if role.start and role.end:
        return _Bar(date_bounds(role.start)[0], date_bounds(role.end)[1], "tenure", tip)
    if role.start and role.current:
        return _Bar(date_bounds(role.start)[0], max(now, date_bounds(role.start)[1]), "current", tip)
    if role.start:
        return _Bar(*date_bounds(role.start), "from", tip)
    if role.end:
        return _Bar(*date_bounds(role.end), "until", tip)
    return None


def _position_label(role: RoleRecord) -> str:
    return f"{role.title}, {role.organization}" if role.organization else role.title


def _ticks(first: int, last: int) -> list[int]:
    span = max(last - first, 1)
    step = next((step for step in (1, 2, 5, 10, 20, 50, 100) if span / step <= 12), 200)
    return list(range(first - first % step + (step if first % step else 0), last + 1, step))


_LABEL_WIDTH = 240
_CHART_WIDTH = 860
_ROW = 18
_HEADER = 24


_Block = tuple[float, str, list[tuple[str, list["_Bar"]]]]  # (first year, position, holders and their bars)


def _timeline_blocks(dated: dict[str, list[RoleRecord]], now: float) -> list[_Block]:
    """Each dated position's holders with their bars, holders and positions in the order they are drawn."""
    blocks: list[_Block] = []
    for label, group in dated.items():
        holders: dict[str, list[_Bar | None]] = defaultdict(list)  # None: a role with no dated tenure
        for role in group:
            holders[role.person].append(_bar(role, now))
        rows = []
        for person, bars in holders.items():
            drawn = sorted((bar for bar in bars if bar is not None), key=lambda bar: (bar.begin, bar.end, bar.kind))
            rows.append((person, drawn))
        rows.sort(key=lambda row: (not row[1], row[1][0].begin if row[1] else 0.0, row[0]))
        blocks.append((min(bar.begin for _, bars in rows for bar in bars), label, rows))
    blocks.sort(key=lambda block: (block[0], block[1]))
    return blocks


def _timeline_rows(blocks: list[_Block], x: Callable[[float], float]) -> tuple[list[str], int]:
    """The SVG of each position's rows, and the height they take."""
    body: list[str] = []
    y = 28
    for _, label, rows in blocks:
        body.append(f'<text class="position" x="4" y="{y + 16}">{html.escape(label)}</text>')
        y += _HEADER
        for person, person_bars in rows:
            body.append(f'<g class="holder"><text class="holder-name" x="12" y="{y + 13}">{html.escape(person)}</text>')
            if not person_bars:
                body.append(f'<text class="no-dates" x="{_LABEL_WIDTH + 4}" y="{y + 13}">no dates</text>')
            for bar in person_bars:
                left, right = x(bar.begin), x(bar.end)
                body.append(
                    f'<rect class="bar {bar.kind}" x="{left:.1f}" y="{y + 3}" width="{max(right - left, 2):.1f}" '
                    f'height="{_ROW - 6}" rx="2"><title>{html.escape(bar.tip)}</title></rect>'
                )
            body.append("</g>")
            y += _ROW
    return body, y


def _known_years(roles: Sequence[RoleRecord], documents: Sequence[DocumentRecord]) -> list[float]:
    """Every year bound the roles' tenures and the documents' dates give."""
    dates = [date for role in roles for date in (role.start, role.end) if date]
    dates += [document.published for document in documents if document.published]
    return [bound for date in dates for bound in date_bounds(date)]


def timeline_svg(roles: Sequence[RoleRecord], documents: Sequence[DocumentRecord] = ()) -> tuple[str, list[str]]:
    """An SVG chart of tenures per position, and the positions no role of which is dated.

    Positions with at least one dated role get a block of rows, one per holder, with a
    bar per tenure; their holders with no dates are listed without a bar. "Now", where a
    tenure is current, is the latest date the records know.
    """
    by_position: dict[str, list[RoleRecord]] = defaultdict(list)
    for role in roles:
        by_position[_position_label(role)].append(role)
    known = _known_years(roles, documents)
    dated = {label: group for label, group in by_position.items() if any(r.start or r.end for r in group)}
    undated = sorted(label for label in by_position if label not in dated)
    if not dated:
        return "", undated
    now = max(known)
    first, last = int(min(known)), int(now) + (0 if now == int(now) else 1)
    last = max(last, first + 1)

    def x(year: float) -> float:
        return _LABEL_WIDTH + (year - first) / (last - first) * _CHART_WIDTH

    blocks = _timeline_blocks(dated, now)
    body, y = _timeline_rows(blocks, x)
    height = y + 10
    axis = [f'<line class="axis" x1="{_LABEL_WIDTH}" y1="20" x2="{_LABEL_WIDTH}" y2="{height}"/>']
    axis += [
        f'<line class="tick" x1="{x(year):.1f}" y1="20" x2="{x(year):.1f}" y2="{height}"/>'
        f'<text class="year" x="{x(year):.1f}" y="14" text-anchor="middle">{year}</text>'
        for year in _ticks(first, last)
    ]
    width = _LABEL_WIDTH + _CHART_WIDTH + 20
    svg = (
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Tenures by position">'
        + "".join(axis)
        + "".join(body)
        + "</svg>"
    )
    return svg, undated


# -- the page -------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1160px;
  padding: 1rem 2rem; color: #1d1d1d; background: #fff; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.5rem; }
nav ol { columns: 2; } table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } .meta { color: #555; font-size: 0.9rem; } .note { color: #a33; }
.legend span { display: inline-block; padding: 0.1rem 0.5rem; margin-right: 0.4rem; border-radius: 3px; }
article.document { border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 1rem 1rem; margin: 1.5rem 0; }
.text { max-height: 40rem; overflow-y: auto; border-top: 1px solid #eee; }
svg.timeline text { font-size: 12px; fill: #222; } svg.timeline text.position { font-weight: bold; }
svg.timeline text.year { fill: #555; } svg.timeline text.no-dates { fill: #999; font-style: italic; }
svg.timeline .axis { stroke: #888; } svg.timeline .tick { stroke: #e4e4e4; }
svg.timeline .bar { fill: #3b7dd8; } svg.timeline .bar.current { fill: #2a9d5b; }
svg.timeline .bar.from, svg.timeline .bar.until { fill: #9dbbe6; }
ul.roles { margin: 0; padding-left: 1.1rem; }
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _date_text(date: DateValue | None) -> str:
    return date.value if date else ""


def _people_table(folder: Folder) -> str:
    roles_of: dict[str, list[RoleRecord]] = defaultdict(list)
    for role in folder.roles:
        roles_of[role.person_id].append(role)
    rows = []
    for person in sorted(folder.people, key=lambda p: (p.name.casefold(), p.person_id)):
        documents = sorted({mention.doc_id for mention in person.mentions})
        roles = sorted(
            roles_of[person.person_id],
            key=lambda r: (_date_text(r.start) or _date_text(r.end) or "~", r.title, r.organization or "", r.role_id),
        )
        role_items = "".join(
            f'<li>{_esc(_position_label(role))} <span class="meta">({_esc(_tenure_text(role))}; '
            f"{_esc(role.doc_id)})</span></li>"
            for role in roles
        )
        role_list = f'<ul class="roles">{role_items}</ul>' if role_items else ""
        rows.append(
            f'<tr class="person" id="{_esc(person.person_id)}"><td>{_esc(person.name)}</td>'
            f"<td>{_esc(', '.join(person.aliases))}</td><td>{len(person.mentions)}</td>"
            f"<td>{_esc(', '.join(documents))}</td><td>{role_list}</td></tr>"
        )
    return (
        '<table class="people"><thead><tr><th>person</th><th>aliases</th><th>mentions</th><th>documents</th>'
        "<th>roles</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _statements_table(statements: Iterable[StatementRecord]) -> str:
    rows = [
        f'<tr class="statement"><td>{_esc(s.speaker)}</td><td>{_esc(s.speaker_type)}</td><td>{_esc(s.cue)}</td>'
        f"<td>{_esc(_date_text(s.date))}</td><td>{'direct' if s.direct else 'reported'}</td>"
        f"<td>{_esc(s.content)}</td></tr>"
        for s in statements
    ]
    if not rows:
        return ""
    return (
        '<table class="statements"><thead><tr><th>speaker</th><th>type</th><th>cue</th><th>date</th><th>form</th>'
        "<th>content</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _document_article(view: _DocumentView, folder: Folder) -> str:
    record = view.record
    heading = record.title or record.path
    meta = [f"id {record.doc_id}", f"file {record.path}"]
    if record.published:
        meta.append(f"published {record.published.value}")
    if record.also_at:
        meta.append("also at " + ", ".join(record.also_at))
    counts = (
        f"{sum(1 for r in folder.roles if r.doc_id == record.doc_id)} roles, "
        f"{sum(1 for d in folder.dates if d.doc_id == record.doc_id)} dates, "
        f"{sum(1 for s in folder.statements if s.doc_id == record.doc_id)} statements"
    )
    parts = [
        f'<article class="document" id="doc-{_esc(record.doc_id)}">',
        f'<h3 class="document-title">{_esc(heading)}</h3>',
        f'<p class="meta">{_esc(" · ".join(meta))} · {_esc(counts)} · text from {_esc(view.text_from)}</p>',
    ]
    if view.unplaced:
        parts.append(f'<p class="note">{view.unplaced} records do not fit this text and are not highlighted.</p>')
    if view.text is None:
        parts.append('<p class="note">The text of this document was not found; its records are listed below.</p>')
    else:
        parts.append(f'<div class="text">{highlighted_html(view.text, view.highlights)}</div>')
    parts.append(_statements_table(s for s in folder.statements if s.doc_id == record.doc_id))
    parts.append("</article>")
    return "".join(parts)


def render_report(out: Path, sources: Sequence[Path] = ()) -> tuple[str, list[_DocumentView]]:
    """The HTML page of the output folder ``out`` and the documents it shows.

    Raises:
        OutputFolderError: when a file of the folder is missing or malformed.
    """
    folder = Folder.read(out)
    views = []
    for record in folder.documents:
        text, text_from = document_text(out, record, sources)
        view = _DocumentView(record, text, text_from)
        if text is not None:
            view.highlights, view.unplaced = document_highlights(folder, record.doc_id, text)
        views.append(view)
    svg, undated = timeline_svg(folder.roles, folder.documents)
    summary = (
        f"{len(folder.documents)} documents, {len(folder.people)} people, {len(folder.roles)} roles, "
        f"{len(folder.dates)} dates, {len(folder.statements)} statements, {len(folder.errors)} errors"
    )
    legend = "".join(
        f'<span style="background: {color}">{_esc(label.lower())}</span>' for label, color in LABEL_COLORS.items()
    )
    contents = "".join(
        f'<li><a href="#doc-{_esc(view.record.doc_id)}">{_esc(view.record.title or view.record.path)}</a></li>'
        for view in views
    )
    page = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ocmfa-extract report</title><style>{_CSS}</style></head><body>",
        f'<header><h1>ocmfa-extract report</h1><p class="meta" id="summary">{_esc(summary)}</p>',
        f'<nav><ol class="contents">{contents}</ol></nav></header>',
        '<section id="timeline"><h2>Tenures by position</h2>',
        '<p class="meta">Dark bars: a tenure with both ends; green: current; light: only its start or only '
        "its end is known. Hover a bar for its dates.</p>",
        svg or '<p class="note">No role has a date.</p>',
    ]
    if undated:
        page.append(
            '<h3>Positions with no dated tenure</h3><ul class="undated">'
            + "".join(f"<li>{_esc(label)}</li>" for label in undated)
            + "</ul>"
        )
    page += [
        "</section>",
        f'<section id="people"><h2>People</h2>{_people_table(folder)}</section>',
        f'<section id="documents"><h2>Documents</h2><p class="legend">{legend}</p>',
        *(_document_article(view, folder) for view in views),
        "</section>",
    ]
    if folder.errors:
        rows = "".join(
            f"<tr><td>{_esc(e.path)}</td><td>{_esc(e.error)}</td><td>{_esc(e.message)}</td></tr>" for e in folder.errors
        )
        page.append(
            '<section id="errors"><h2>Inputs that could not be read</h2><table class="errors"><thead><tr>'
            f"<th>path</th><th>error</th><th>message</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )
    page.append("</body></html>\n")
    return "".join(page), views


def write_report(out: Path, html_path: Path | None = None, sources: Sequence[Path] = ()) -> WrittenReport:
    """Write the HTML page of ``out`` to ``html_path`` (default ``out/report.html``).

    Raises:
        OutputFolderError: when a file of the folder is missing or malformed.
    """
    target = html_path if html_path is not None else out / DEFAULT_REPORT_NAME
    page, views = render_report(out, sources)
    write_files_atomically(target.parent, {target.name: page})
    return WrittenReport(target, len(views), sum(1 for view in views if view.text is not None))
