"""Build a synthetic corpus from the seed documents, varied so that no cache can cheat.

Each document takes a seed, keeps its first lines (title, stamps), shuffles the rest of
its paragraphs, renames its people with names drawn from the lexicons, shifts its years
and swaps its months. The result is deterministic for a given size and seed.

    python benchmarks/corpus.py OUT_DIR --documents 2000
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_PLACES = {"Hong Kong", "Wan Chai"}
# Months swap within groups of the same length, so every day stays a real date.
_MONTH_GROUPS = (
    ("January", "March", "May", "July", "August", "October", "December"),
    ("April", "June", "September", "November"),
)
_MONTH = re.compile(r"\b(" + "|".join(m for group in _MONTH_GROUPS for m in group) + r")\b")


def _lexicon(name: str) -> list[str]:
    lines = (ROOT / "patterns" / "lexicons" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def make_document(seed_text: str, rng: random.Random, surnames: list[str], syllables: list[str]) -> str:
    """One varied document from one seed."""
    paragraphs = seed_text.split("\n\n")
    head, body = paragraphs[:2], paragraphs[2:]
    rng.shuffle(body)
    text = "\n\n".join(head + body)
    shift = rng.randint(-15, 3)
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    months: dict[str, str] = {}
    for group in _MONTH_GROUPS:
        months.update(zip(group, rng.sample(group, len(group)), strict=True))
    text = _MONTH.sub(lambda m: months[m.group(1)], text)

    renames: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        if match.group(0) in _PLACES:
            return match.group(0)
        if match.group(0) not in renames:
            new_given = "".join(rng.choice(syllables) for _ in range(2)).capitalize()
            renames[match.group(0)] = f"{rng.choice(surnames).capitalize()} {new_given}"
        return renames[match.group(0)]

    return name_pattern(surnames).sub(rename, text)


def name_pattern(surnames: list[str]) -> re.Pattern[str]:
    """Chinese-style names: a listed surname, then a capitalised given name."""
    alternatives = "|".join(sorted((s.capitalize() for s in surnames), key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives}) [A-Z][a-z]+(?:['’-][a-z]{(2,)})?\b")


def build_corpus(out: Path, documents: int, seed: int = 7, target_bytes: int | None = None) -> list[Path]:
    """Write ``documents`` files (or as many as reach ``target_bytes``) into ``out``."""
    rng = random.Random(seed)
    surnames = [s for s in _lexicon("chinese_surnames") if s.isalpha() and len(s) > 1]
    syllables = [s for s in _lexicon("pinyin_syllables") if len(s) > 1]
    seeds = [path.read_text(encoding="utf-8") for path in SEEDS]
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total = 0
    index = 0
    while (target_bytes is None and index < documents) or (target_bytes is not None and total < target_bytes):
        text = make_document(seeds[index % len(seeds)], rng, surnames, syllables)
        path = out / f"doc_{index:06d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        total += len(text.encode("utf-8"))
        index += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = build_corpus(args.out, args.documents, args.seed)
    print(f"wrote {len(paths)} documents to {args.out}")


if __name__ == "__main__":
    main()
