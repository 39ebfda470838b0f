"""Where the time goes: seconds per MB of each pipeline stage, documents read one after another.

    python benchmarks/stages.py --megabytes 5

Builds a synthetic corpus (benchmarks/corpus.py), then runs the tokenizer and each
component over every document in turn, as `ocmfa-extract run` does, timing each stage
with the process's CPU clock. Reading, caching and writing are not included (see
throughput.py for the whole run).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from corpus import ROOT, build_corpus

from ocmfa_extract.extract import document_result
from ocmfa_extract.models import DocumentRecord
from ocmfa_extract.pipeline import build_pipeline

RECORD = DocumentRecord(
    doc_id="d", path="d.txt", sha256="0" * 64, title=None, published=None, encoding="utf-8", text_path=None, also_at=[]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=5)
    parser.add_argument("--model", default=None, help="an installed spaCy pipeline to build on (as --model)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = build_corpus(Path(tmp), 0, target_bytes=int(args.megabytes * 1e6))
        texts = [path.read_text(encoding="utf-8") for path in paths]
    nlp = build_pipeline(ROOT / "patterns", args.model)
    seconds: dict[str, float] = defaultdict(float)
    clock = time.process_time
    for text in texts:
        started = clock()
        doc = nlp.make_doc(text)
        doc._.ocmfa_text = text
        seconds["tokenizer"] += clock() - started
        for name, component in nlp.pipeline:
            started = clock()
            doc = component(doc)
            seconds[name] += clock() - started
        started = clock()
        document_result(doc, RECORD)
        seconds["collect result"] += clock() - started
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    total = sum(seconds.values())
    print(f"{megabytes:.1f} MB, {len(texts)} documents")
    print(f"{'stage':22s} {'s/MB':>6s} {'share':>6s}")
    for stage, spent in seconds.items():
        print(f"{stage:22s} {spent / megabytes:6.3f} {spent / total:6.1%}")
    print(f"{'total':22s} {total / megabytes:6.3f}  -> {megabytes / total:.3f} MB/s")


if __name__ == "__main__":
    main()
