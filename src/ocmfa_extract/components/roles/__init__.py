"""The ``ocmfa_roles`` stage: who held which position in which body, from when to when."""

from .component import RolesComponent, make_roles, merge_roles, title_case

__all__ = ["RolesComponent", "make_roles", "merge_roles", "title_case"]
