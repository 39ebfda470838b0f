"""The ``ocmfa_roles`` stage: who held which position in which body, from when to when.

The component and its factory are in :mod:`.component`; the state the rules share in
:mod:`.document`; the rules in :mod:`.titles`, :mod:`.layout_rules`, :mod:`.rows`, :mod:`.linkers` and
:mod:`.dating`; the merging of a document's roles in :mod:`.merging`.
"""

from .component import RolesComponent, make_roles
from .merging import merge_roles
from .titles import title_case

__all__ = ["RolesComponent", "make_roles", "merge_roles", "title_case"]
