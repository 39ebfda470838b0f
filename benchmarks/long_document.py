"""One long document: time and peak memory of `ocmfa-extract run` on a single file of N MB.

    python benchmarks/long_document.py --megabytes 5 20

The document is the synthetic corpus (benchmarks/corpus.py) joined into one file. A
document longer than 200,000 characters is read in parts cut at paragraph breaks, so
peak memory should depend on the part, not on the document (the text itself, its
result and the output files still grow with it).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from corpus import build_corpus
from throughput import measure_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, nargs="+", default=[5, 20])
    args = parser.parse_args()
    for megabytes in args.megabytes:
        with tempfile.TemporaryDirectory() as tmp:
            paths = build_corpus(Path(tmp) / "parts", 0, target_bytes=int(megabytes * 1e6))
            folder = Path(tmp) / "one"
            folder.mkdir()
            document = folder / "long.txt"
            document.write_text("\n\n".join(path.read_text(encoding="utf-8") for path in paths), encoding="utf-8")
            size = document.stat().st_size / 1e6
            figures = measure_run(folder, Path(tmp) / "out", 1, extra=["--max-bytes", str(10**9)])
            print(
                f"one document of {size:.1f} MB: {figures.seconds:.1f} s ({size / figures.seconds:.3f} MB/s), "
                f"peak RSS {figures.peak_mb:.1f} MB"
            )


if __name__ == "__main__":
    main()
