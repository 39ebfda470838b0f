"""Joining a document's parts into one result: the one place where parts meet.

A long document is read in parts (:func:`.extract.split_into_parts`). What holds for the
whole document is made here, once, for both ways a result is kept: in memory
(:func:`join_parts`) and part by part on disk (:func:`.cache.store_parts`). Each part's
facts are moved to offsets into the whole text; each person keeps the most complete name
any part gives; roles are merged across the parts (a tenure's dates may come from
several), in memory up to a size and in a private SQLite file past it.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections.abc import Iterable

from .components.roles import merge_roles
from .extract import DocumentResult, PartFacts, add_names, shifted_facts
from .facts import LocalPerson, RoleFact
from .models import DocumentRecord

#: Roles of one document held as objects before they go to disk.
ROLES_IN_MEMORY = 2_000


class RoleStore:
    """A document's roles, merged across its parts once all are read (:func:`merge_roles`).

    Most documents have a few roles, kept in memory. A long one may have tens of
    thousands (about 2 KB each as objects): past :data:`ROLES_IN_MEMORY` they go to a
    private temporary SQLite database, and are merged person by person (merge_roles
    merges only roles of the same person) and handed out part by part.
    """

    def __init__(self) -> None:
        self._roles: list[RoleFact] = []
        self._db: sqlite3.Connection | None = None
        self._by_part: list[list[RoleFact]] = []

    def add(self, roles: list[RoleFact]) -> None:
        """Take in a part's roles."""
        if self._db is None and len(self._roles) + len(roles) <= ROLES_IN_MEMORY:
            self._roles += roles
            return
        if self._db is None:
            self._db = sqlite3.connect("")  # "": a private on-disk temporary database
            self._db.execute("CREATE TABLE role (seq INTEGER PRIMARY KEY, person TEXT, fact TEXT)")
            roles, self._roles = self._roles + roles, []
        self._db.executemany(
            "INSERT INTO role (person, fact) VALUES (?, ?)",
            [(role.person_key, role.model_dump_json()) for role in roles],
        )

    def merge(self, starts: list[int]) -> None:
        """Merge the roles and share them out among the parts that start at ``starts``."""
        self._by_part = [[] for _ in starts]
        if self._db is None:
            for role in merge_roles(self._roles):
                self._by_part[bisect_right(starts, role.evidence_start) - 1].append(role)
            return
        db = self._db
        db.execute("CREATE INDEX role_by_person ON role (person, seq)")
        db.execute("CREATE TABLE merged (part INT, person TEXT, number INT, fact TEXT)")
        for (person,) in db.execute("SELECT DISTINCT person FROM role").fetchall():
            rows = db.execute("SELECT fact FROM role WHERE person = ? ORDER BY seq", (person,))
            facts = merge_roles([RoleFact.model_validate_json(fact) for (fact,) in rows])
            db.executemany(
                "INSERT INTO merged VALUES (?, ?, ?, ?)",
                [
                    (bisect_right(starts, fact.evidence_start) - 1, person, number, fact.model_dump_json())
                    for number, fact in enumerate(facts)
                ],
            )
        db.execute("CREATE INDEX merged_by_part ON merged (part, person, number)")

    def of_part(self, number: int) -> list[RoleFact]:
        """The merged roles whose evidence lies in part ``number`` (a person's in their order)."""
        if self._db is None:
            return self._by_part[number]
        rows = self._db.execute("SELECT fact FROM merged WHERE part = ? ORDER BY person, number", (number,))
        return [RoleFact.model_validate_json(fact) for (fact,) in rows]

    def close(self) -> None:
        """Drop the temporary database, if one was made."""
        if self._db is not None:
            self._db.close()


class PartJoin:
    """The parts of one document, taken in order: their people, starts and roles, and each part's shifted facts."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # person key -> the most complete name so far
        self.first_named: list[int] = []  # the part each person of ``names`` (in order) is first named in
        self.starts: list[int] = []
        self.chars = 0
        self.document: DocumentRecord | None = None
        self.roles = RoleStore()

    def add(self, offset: int, part: DocumentResult) -> PartFacts:
        """Take in the next part, which starts at ``offset``; return its facts moved into the whole text."""
        if offset != self.chars:  # the parts must cover the text, in order
            raise ValueError(f"part {len(self.starts)} of {part.document.path} starts at {offset}, not {self.chars}")
        self.chars += len(part.text)
        self.document = self.document or part.document
        known = len(self.names)
        add_names(self.names, part.people)
        self.first_named += [len(self.starts)] * (len(self.names) - known)
        self.starts.append(offset)
        facts = shifted_facts(offset, part)
        self.roles.add(facts.roles)
        return facts

    def finish(self) -> DocumentRecord:
        """Merge the roles across the parts; returns the document's record."""
        if self.document is None:
            raise ValueError("a document has at least one part")
        self.roles.merge(self.starts)
        return self.document

    def people(self) -> list[LocalPerson]:
        """Every person of the document, by their most complete name, in order of first naming."""
        return [LocalPerson(key=key, name=name) for key, name in self.names.items()]

    def people_by_part(self) -> list[list[LocalPerson]]:
        """The people first named in each part."""
        by_part: list[list[LocalPerson]] = [[] for _ in self.starts]
        for (key, name), number in zip(self.names.items(), self.first_named, strict=True):
            by_part[number].append(LocalPerson(key=key, name=name))
        return by_part

    def close(self) -> None:
        """Drop the roles' temporary database, if one was made."""
        self.roles.close()


def join_parts(text: str, parts: Iterable[tuple[int, DocumentResult]]) -> DocumentResult:
    """One result from the results of a document's parts, each given with its start offset."""
    join = PartJoin()
    try:
        facts = [join.add(offset, part) for offset, part in parts]
        document = join.finish()
        roles = [role for number in range(len(join.starts)) for role in join.roles.of_part(number)]
    finally:
        join.close()
    return DocumentResult(
        document=document,
        text=text,
        people=join.people(),
        mentions=[m for part in facts for m in part.mentions],
        roles=roles,
        dates=[d for part in facts for d in part.dates],
        statements=[s for part in facts for s in part.statements],
    )
