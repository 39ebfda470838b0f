"""The ``ocmfa_dates`` stage."""

from .component import *  # noqa: F403
from .component import _DATELINE_BEFORE, _STAMP_WORDS, _TIME  # noqa: F401
