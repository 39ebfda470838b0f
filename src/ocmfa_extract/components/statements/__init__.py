"""The statements stage: who said, wrote or declared what, and when (see ``component.py``)."""

from __future__ import annotations

from .component import Speaker, StatementsComponent, _ByToken, _DocStatements, find_quotes, make_statements

__all__ = ["Speaker", "StatementsComponent", "_ByToken", "_DocStatements", "find_quotes", "make_statements"]
