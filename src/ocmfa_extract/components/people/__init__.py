"""The ``ocmfa_people`` stage (see :mod:`.component`)."""

from .component import *  # noqa: F403  (temporary: the package split comes next)
from .component import _HYPHEN_FLAG, _RUN_WORD_FLAG  # noqa: F401
