"""The ``ocmfa_organizations`` stage: bodies' names, acronyms, references and the document's subject.

Modules: :mod:`.component` (the spaCy factory; it matches head words and references and
applies the rules in order), :mod:`.document` (what the rules of one document read),
:mod:`.words` (what a name is made of), :mod:`.names` (full names and acronyms) and
:mod:`.resolution` (the subject, and what each mention stands for). The rules' settings
are ``patterns/rules/organizations.jsonl``.
"""

from .component import OrganizationsComponent, make_organizations
from .document import DocOrganizations
from .words import content_words

__all__ = ["DocOrganizations", "OrganizationsComponent", "content_words", "make_organizations"]
