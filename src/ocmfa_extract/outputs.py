"""Reading an output folder back: the records of its JSON Lines files, validated by the models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from .models import Record

#: Where ``ocmfa-extract load`` and ``report`` write inside an output folder by default.
DEFAULT_DB_NAME = "ocmfa.sqlite"
DEFAULT_REPORT_NAME = "report.html"

_R = TypeVar("_R", bound=Record)


class OutputFolderError(Exception):
    """An output folder that cannot be read: a missing file or a malformed line."""


def read_records(path: Path, model: type[_R]) -> Iterator[_R]:
    """The records of one JSON Lines output file, validated against its model.

    Raises:
        OutputFolderError: when the file is missing or a line is not a valid record.
    """
    if not path.is_file():
        raise OutputFolderError(f"{path} is missing: is {path.parent} an ocmfa-extract output folder?")
    with path.open(encoding="utf-8", newline="\n") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield model.model_validate_json(line)
            except ValidationError as error:
                problem = error.errors()[0]
                where = ".".join(str(part) for part in problem["loc"]) or "line"
                raise OutputFolderError(f"{path}, line {number}: {where}: {problem['msg']}") from error
