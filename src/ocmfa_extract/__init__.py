"""ocmfa-extract: people, roles, dates and statements from documents about foreign-affairs bodies.

The Python API::

    from ocmfa_extract import extract_texts
    records = extract_texts({"note": "Ambassador Margaret Holloway said that ..."})
    records.people, records.roles, records.dates, records.statements

and the spaCy components, registered as ``ocmfa_layout``, ``ocmfa_dates``,
``ocmfa_people``, ``ocmfa_organizations``, ``ocmfa_roles`` and ``ocmfa_statements``.
"""

from importlib.metadata import version

from .corpus import CorpusRecords
from .pipeline import build_pipeline
from .runner import extract_texts, run

__all__ = ["CorpusRecords", "build_pipeline", "extract_texts", "run"]
__version__ = version("ocmfa-extract")
