"""Adversarial inputs: seconds per MB of one extraction for each family, beside normal text.

    python benchmarks/adversarial.py --kilobytes 50 200 1000
    python benchmarks/adversarial.py --kilobytes 20 --only stamp_dates --profile

Each family is one document built to hit one rule's worst case (a long line of dates
near the top, a run of quotation marks, a flood of ``&amp;`` in a page, ...); normal text
is the real documents of ``seeds/`` and ``tests/data/*/docs`` joined into one. Every
document is extracted as ``ocmfa-extract run`` extracts it (HTML through
``html_to_text``, then ``extract_document``, which reads a long text in parts), timed
with the process's CPU clock (the fastest of ``--repeats``: this machine is noisy). A
family whose seconds per MB stay flat as it grows is linear; the target is every family
within 3x of normal text.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import time
from collections.abc import Callable

from corpus import ROOT

from ocmfa_extract.extract import extract_document
from ocmfa_extract.io import html_to_text
from ocmfa_extract.models import DocumentRecord
from ocmfa_extract.pipeline import build_pipeline

RECORD = DocumentRecord(
    doc_id="d", path="d.txt", sha256="0" * 64, title=None, published=None, encoding="utf-8", text_path=None, also_at=[]
)
_DOC_FOLDERS = ("seeds", "tests/data/docs") + tuple(
    f"tests/data/{name}/docs" for name in ("heldout", "heldout2", "heldout3", "tune3")
)
_HEAD = "Press release\n\n"
_TAIL = "\n\nThe talks went on.\n"


def normal_text() -> str:
    """The real documents of the repository, joined with blank lines."""
    paths = sorted(path for folder in _DOC_FOLDERS for path in (ROOT / folder).glob("*.txt"))
    return "\n\n".join(path.read_text(encoding="utf-8").strip() for path in paths)


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` characters."""
    return unit * max(1, size // len(unit))


def _lines(make: Callable[[int], str], size: int) -> str:
    """Lines ``make(0)``, ``make(1)``, ... up to about ``size`` characters."""
    lines: list[str] = []
    total = 0
    while total < size:
        lines.append(make(len(lines)))
        total += len(lines[-1]) + 1
    return "\n".join(lines)


_NAMES = ("Anna Berg", "Carl Dunn", "Eva Falk", "Gus Holm", "Ida Kern", "Jon Lund")
_MONTHS = ("January", "March", "May", "July", "October", "December")


def _appointment(i: int) -> str:
    return f"{_NAMES[i % 6]} was named ambassador in {_MONTHS[i % 6]} {1950 + i % 70}."


#: Each family: (builder of a text of about ``size`` characters, whether it is HTML).
FAMILIES: dict[str, tuple[Callable[[str, int], str], bool]] = {
    "normal text": (lambda normal, size: (normal * (size // len(normal) + 1))[:size], False),
    "one long line": (lambda normal, size: " ".join((normal * (size // len(normal) + 1))[:size].split()), False),
    "stamp dates": (lambda _, size: _repeat("June 1988, ", size) + _TAIL, False),
    "dates at the end": (lambda normal, size: normal[:2000] + "\n\n" + _repeat("June 1988, ", size), False),
    "date ranges": (lambda _, size: _HEAD + _repeat("1 June 2021 – 2 July 2022, ", size) + _TAIL, False),
    "many dates": (lambda _, size: _HEAD + _repeat("On 3 May 2001 and in June 1999 ", size) + _TAIL, False),
    "quote run": (lambda _, size: _HEAD + '"' * size + _TAIL, False),
    "paren run": (lambda _, size: _HEAD + "(" * size + _TAIL, False),
    "mixed punctuation": (lambda _, size: _HEAD + _repeat("(\"'[.,;-", size) + _TAIL, False),
    "random punctuation": (
        lambda _, size: _HEAD + "".join(random.Random(0).choices("(\"'[{<*.,;:!?-)]}>", k=size)) + _TAIL,
        False,
    ),
    "names said": (lambda _, size: _HEAD + _repeat(" ".join(f"{n} said" for n in _NAMES) + " ", size) + _TAIL, False),
    "capitalised words": (lambda _, size: _HEAD + _repeat("Foreign Minister Anna Berg Of The Office ", size), False),
    "quotation marks": (lambda _, size: _HEAD + _repeat("“Yes,” Anna Berg said. “No ", size) + _TAIL, False),
    "open quotes": (lambda _, size: _HEAD + _repeat("“ said ", size) + _TAIL, False),
    "space runs": (lambda _, size: _HEAD + _repeat(" " * 999 + "\n", size) + _TAIL, False),
    "repeated titles": (
        lambda _, size: _HEAD + _repeat("Ambassador and Minister of Foreign Affairs Deputy Consul General ", size),
        False,
    ),
    "many people lines": (lambda _, size: _lines(_appointment, size), False),
    "bullets": (lambda _, size: _lines(lambda i: f"• {_NAMES[i % 6]}, Minister of State", size), False),
    "amp flood (HTML)": (
        lambda _, size: f"<html><body><article><p>{_repeat('&amp;', size)}</p></article></body></html>",
        True,
    ),
    "bold flood (HTML)": (
        lambda _, size: f"<html><body><article><p>{_repeat('<b>x</b> ', size)}</p></article></body></html>",
        True,
    ),
    "normal page (HTML)": (
        lambda normal, size: (
            "<html><body><article>"
            + "".join(f"<p>{p}</p>\n" for p in (normal * (size // len(normal) + 1))[:size].split("\n\n"))
            + "</article></body></html>"
        ),
        True,
    ),
}


def extract_seconds(nlp, text: str, html: bool) -> float:
    """CPU seconds of one extraction of ``text`` (an HTML page when ``html``)."""
    started = time.process_time()
    body = html_to_text(text) if html else text
    extract_document(nlp, body, RECORD)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kilobytes", type=float, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--only", nargs="+", default=None, help="families whose names contain one of these words")
    parser.add_argument("--repeats", type=int, default=2, help="extractions of each text; the fastest counts")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of each extraction")
    args = parser.parse_args()
    nlp = build_pipeline(ROOT / "patterns")
    normal = normal_text()
    extract_seconds(nlp, normal[:20000], False)  # warm up: imports, caches, dateparser
    baseline: dict[float, float] = {}
    print(f"{'family':22s} " + " ".join(f"{f'{kb:g} KB s/MB':>14s}" for kb in args.kilobytes) + "  worst/normal")
    for name, (build, html) in FAMILIES.items():
        if args.only and name != "normal text" and not any(word in name for word in args.only):
            continue
        figures = []
        for kilobytes in args.kilobytes:
            text = build(normal, int(kilobytes * 1000))
            megabytes = len(text.encode("utf-8")) / 1e6
            if args.profile and name != "normal text":
                profile = cProfile.Profile()
                profile.enable()
            seconds = min(extract_seconds(nlp, text, html) for _ in range(1 if args.profile else args.repeats))
            if args.profile and name != "normal text":
                profile.disable()
                print(f"--- {name}, {kilobytes:g} KB")
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            figures.append(seconds / megabytes)
        if name == "normal text":
            baseline = dict(zip(args.kilobytes, figures, strict=True))
        ratio = max(figure / baseline[kb] for kb, figure in zip(args.kilobytes, figures, strict=True))
        print(f"{name:22s} " + " ".join(f"{figure:14.2f}" for figure in figures) + f"  {ratio:11.1f}x", flush=True)


if __name__ == "__main__":
    main()
