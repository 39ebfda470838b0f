"""One position of one person, stated once: the roles of a document (or of its parts) merged."""

from __future__ import annotations

from ...facts import RoleFact


def merge_roles(facts: list[RoleFact]) -> list[RoleFact]:
    """Merge statements of the same position of the same person whose dates agree."""
    merged: list[RoleFact] = []
    by_position: dict[tuple[str, str], list[int]] = {}  # only the same person and title can merge
    for fact in facts:
        group = by_position.setdefault((fact.person_key, fact.title.casefold()), [])
        for index in group:
            known = merged[index]
            if _same_position(known, fact) and _compatible(known, fact):
                merged[index] = known.model_copy(
                    update={
                        "organization": known.organization or fact.organization,
                        "start": known.start or fact.start,
                        "end": known.end or fact.end,
                        "current": known.current or fact.current,
                    }
                )
                break
        else:
            group.append(len(merged))
            merged.append(fact)
    return merged


def _same_position(a: RoleFact, b: RoleFact) -> bool:
    if a.person_key != b.person_key or a.title.casefold() != b.title.casefold():
        return False
    return a.organization is None or b.organization is None or a.organization.casefold() == b.organization.casefold()


def _compatible(a: RoleFact, b: RoleFact) -> bool:
    return all(x is None or y is None or x == y for x, y in ((a.start, b.start), (a.end, b.end)))
