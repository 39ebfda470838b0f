"""A saved pipeline is self-contained: ``nlp.to_disk`` then ``spacy.load`` elsewhere gives the same facts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ocmfa_extract.extract import document_result
from ocmfa_extract.models import DocumentRecord
from ocmfa_extract.pipeline import build_pipeline

RECORD = DocumentRecord(
    doc_id="d", path="d.txt", sha256="0" * 64, title=None, published=None, encoding="utf-8", text_path=None, also_at=[]
)

LOAD_AND_EXTRACT = """
import json, sys
import spacy
from ocmfa_extract.extract import document_result
from ocmfa_extract.models import DocumentRecord
nlp = spacy.load(sys.argv[1])
record = DocumentRecord.model_validate_json(sys.argv[3])
text = open(sys.argv[2], encoding="utf-8").read()
print(document_result(nlp(text), record).model_dump_json())
"""


def test_saved_pipeline_loads_elsewhere_without_its_patterns_folder(patterns_dir: Path, root: Path, tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(patterns_dir, rules)
    nlp = build_pipeline(rules)
    text_file = root / "seeds" / "001_2f133d9d5432853c.txt"
    text = text_file.read_text(encoding="utf-8")
    expected = document_result(nlp(text), RECORD)
    assert expected.roles and expected.statements and expected.dates and expected.people
    saved = tmp_path / "saved"
    nlp.to_disk(saved)
    shutil.rmtree(rules)  # the saved pipeline must carry its own patterns
    done = subprocess.run(
        [sys.executable, "-c", LOAD_AND_EXTRACT, str(saved), str(text_file), RECORD.model_dump_json()],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(expected.model_dump_json())


def test_stages_declare_what_they_read_and_write(patterns_dir: Path):
    nlp = build_pipeline(patterns_dir)
    analysis = nlp.analyze_pipes(pretty=False)
    assert all(not problems for problems in analysis["problems"].values()), analysis["problems"]
    assert "doc._.ocmfa_author" in analysis["summary"]["ocmfa_people"]["assigns"]
    assert "doc._.ocmfa_author" in analysis["summary"]["ocmfa_statements"]["requires"]
    nlp.remove_pipe("ocmfa_people")  # statements and roles now read what no earlier stage writes
    problems = nlp.analyze_pipes(pretty=False)["problems"]
    assert "doc._.ocmfa_author" in problems["ocmfa_statements"]
