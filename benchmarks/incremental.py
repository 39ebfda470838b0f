"""Adding one document to a corpus of N: time of the incremental run against a full run.

    python benchmarks/incremental.py --documents 2000

Builds a synthetic corpus (benchmarks/corpus.py), runs `ocmfa_extract.run` on N-1
documents, then times a full run on all N (--full) and an incremental run after adding
the last document, and prints both and their ratio. The target is a ratio under 5%.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from corpus import ROOT, build_corpus

from ocmfa_extract.runner import run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    args = parser.parse_args()
    patterns = ROOT / "patterns"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        paths = build_corpus(corpus, args.documents)
        megabytes = sum(path.stat().st_size for path in paths) / 1e6
        held_back = work / paths[-1].name
        shutil.move(paths[-1], held_back)

        out = work / "out"
        run([corpus], out, patterns)  # the corpus as it was before the new document
        shutil.move(held_back, corpus / held_back.name)

        started = time.perf_counter()
        full = run([corpus], work / "full", patterns, full=True)
        full_seconds = time.perf_counter() - started

        started = time.perf_counter()
        incremental = run([corpus], out, patterns)
        incremental_seconds = time.perf_counter() - started

    print(f"documents: {full.documents} ({megabytes:.1f} MB)")
    print(f"full run:        {full_seconds:8.2f} s  ({full.extracted} extracted)")
    print(
        f"add one (incr.): {incremental_seconds:8.2f} s  ({incremental.extracted} extracted, "
        f"{incremental.unchanged} unchanged)"
    )
    print(f"ratio:           {incremental_seconds / full_seconds:8.2%}  (target < 5%)")


if __name__ == "__main__":
    main()
