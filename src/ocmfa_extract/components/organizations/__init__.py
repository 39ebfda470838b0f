"""The ``ocmfa_organizations`` stage."""

from .component import *  # noqa: F403
