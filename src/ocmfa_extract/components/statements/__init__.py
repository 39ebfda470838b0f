"""The statements stage: who said, wrote or declared what, and when (see ``component.py``).

Importing the package registers the ``ocmfa_statements`` factory and the stage's rules.
"""

from __future__ import annotations

from .component import StatementsComponent, make_statements
from .document import Speaker, _ByToken, _DocStatements, find_quotes

__all__ = ["Speaker", "StatementsComponent", "_ByToken", "_DocStatements", "find_quotes", "make_statements"]
