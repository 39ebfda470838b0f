"""Run the command line as ``python -m ocmfa_extract``."""

from .cli import app

app(prog_name="ocmfa-extract")
