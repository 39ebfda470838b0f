"""The ``ocmfa_people`` stage: people's names and their mentions (see :mod:`.component`).

The names other modules and tests import from ``ocmfa_extract.components.people``.
"""

from ...extensions import KIND_FLAGS, PEOPLE_KEY
from .authorship import authored_title, only_honorifics
from .component import PeopleComponent, make_people
from .prefilter import name_runs, required_kinds
from .words import _HYPHEN_FLAG, _RUN_WORD_FLAG, KIND_BITS

__all__ = [
    "KIND_BITS",
    "KIND_FLAGS",
    "PEOPLE_KEY",
    "_HYPHEN_FLAG",
    "_RUN_WORD_FLAG",
    "PeopleComponent",
    "authored_title",
    "make_people",
    "name_runs",
    "only_honorifics",
    "required_kinds",
]
