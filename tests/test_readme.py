"""The README's example records are real lines of the committed outputs."""

from __future__ import annotations

import re
from pathlib import Path


def test_readme_example_records_are_real(root: Path):
    readme = (root / "README.md").read_text(encoding="utf-8")
    outputs = "".join(
        (root / "outputs" / f"{name}.jsonl").read_text(encoding="utf-8")
        for name in ("documents", "people", "roles", "dates", "statements")
    )
    blocks = re.findall(r"`(\w+)\.jsonl`[^\n]*\n```json\n(.*?)\n```", readme, flags=re.S)
    assert len(blocks) == 6
    for name, block in blocks:
        if name != "errors":  # the seeds have no bad file to show
            assert block + "\n" in outputs, f"the README's {name}.jsonl example is not in outputs/"
