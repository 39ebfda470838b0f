"""The Python API and the spaCy entry points, as a user's program would use them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ocmfa_extract import extract_texts


def test_api_extract_texts_returns_validated_records(patterns_dir: Path):
    text = "Commissioner Zhou Minghai said on 3 May 2021 that the office would expand. Mr Zhou left in 2022."
    records = extract_texts({"note": text}, patterns_dir=patterns_dir)
    assert [d.doc_id for d in records.documents] == ["note"]
    (person,) = records.people
    assert person.name == "Zhou Minghai"
    assert person.aliases == ["Mr Zhou"]
    assert [m.text for m in person.mentions] == ["Zhou Minghai", "Mr Zhou"]
    assert [(r.person_id, r.title) for r in records.roles] == [(person.person_id, "Commissioner")]
    assert [(d.text, d.value.value) for d in records.dates] == [("3 May 2021", "2021-05-03"), ("2022", "2022")]
    (statement,) = records.statements
    assert statement.speaker_id == person.person_id
    assert statement.content == "the office would expand"
    assert statement.date is not None and statement.date.value == "2021-05-03"


def test_api_components_load_through_spacy_entry_points(patterns_dir: Path, tmp_path: Path):
    """A user's own pipeline finds the factories without importing ocmfa_extract."""
    program = f"""
import spacy
nlp = spacy.blank("en")
nlp.add_pipe("ocmfa_layout")
for stage in ("ocmfa_dates", "ocmfa_people", "ocmfa_organizations", "ocmfa_roles", "ocmfa_statements"):
    nlp.add_pipe(stage, config={{"patterns_dir": {str(patterns_dir)!r}}})
doc = nlp("Ambassador Margaret Holloway arrived in June 1988.")
print([s.text for s in doc.spans["ocmfa_people"]], [s.text for s in doc.spans["ocmfa_dates"]])
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['Margaret Holloway'] ['June 1988']"
