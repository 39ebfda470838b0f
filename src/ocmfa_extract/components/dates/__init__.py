"""The ``ocmfa_dates`` stage: date expressions, their ranges and the document's own date.

Modules: :mod:`.component` (the spaCy factory; it matches the candidates and applies the
rules in order), :mod:`.document` (what the rules of one document read),
:mod:`.candidates` (which candidates are dates, which read as the future),
:mod:`.published` (the document's own date), :mod:`.ranges` (joining ranges) and
:mod:`.normalizer` (the registered date normalisers). The rules' settings are
``patterns/rules/dates.jsonl``.
"""

from .component import DatesComponent, make_dates
from .document import DocDates
from .normalizer import DateNormalizer, cut_to_precision, fast_date, make_date_normalizer, make_date_normalizer_v2

__all__ = [
    "DateNormalizer",
    "DatesComponent",
    "DocDates",
    "cut_to_precision",
    "fast_date",
    "make_date_normalizer",
    "make_date_normalizer_v2",
    "make_dates",
]
