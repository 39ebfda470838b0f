"""The ``ocmfa_roles`` component: who held which position in which body, from when to when.

Reads ``doc._.ocmfa_layout`` and the spans of the earlier stages (people, organisations,
dates). Adds ``doc._.ocmfa_roles``: a list of :class:`RoleFact`, merged so that one
position of one person is stated once per document, and ``doc.spans["ocmfa_titles"]``:
every title as grown ("Deputy Director of the Treaty Department").

Titles are found from ``titles.jsonl`` (heads such as "director", rank words such as
"deputy") and grown into "Deputy Director of the X Office". A title is linked to a
person by the way the text states it:

- infobox pairs (``- Chief1 Name: X`` with ``- Chief1 Position: Y``);
- leader lists (``; Director of the X`` then ``1. Name (June 1988 – December 1989, notes)``);
- a title right before a name ("Commissioner X", "US ambassador X");
- appositions ("the deputy commissioner, X," / "X, then the deputy director of Y,");
- brackets ("X (Assistant Minister of ... and Director of ...)");
- "X was appointed as the group leader", "X is the director", "with X as the director
  and Y, Z as deputy directors", "the current commissioner is X";
- a signature: a line with a name, then a line with a title.

A date in the same sentence becomes the start of a role the sentence reports as an
appointment ("In 1981, ... with X as group leader"). ``current`` is True only where the
text says so ("Incumbent", "current", "currently").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ...extensions import DATES_KEY, ORGS_KEY, PEOPLE_KEY, PRONOUNS_KEY, TITLES_KEY
from ...facts import RoleFact
from ...patterns import Patterns
from ..layout import (
    InfoboxField,
    document_text,
    sentence_of,
    sentences,
    token_lowers,
    token_words,
    tokens_among,
)
from ..organizations import content_words
from ..people import only_honorifics
from ..rules import PhraseRuleMatcher, RangeIndex, cached_patterns, patterns_dir_or_default

_SMALL_WORDS = frozenset({"of", "for", "on", "in", "and", "the", "to"})
_INNER_WORDS = frozenset({"and", "&", "of", "'s", "’s"})  # inside a field's name: "Commerce and Industry"
_APPOINTMENT = frozenset(
    {
        "appointed",
        "named",
        "elected",
        "became",
        "becomes",
        "promoted",
        "nominated",
        "assumed",
        "took",
        "takes",
        "presented",
    }
)
_COPULA = frozenset(
    {"is", "was", "been", "became", "becomes", "remains", "remained", "served", "serves", "acted", "acts", "worked"}
)
_CURRENT_WORDS = frozenset({"current", "currently", "incumbent", "now", "present"})
# Words between a subject's verb and the title: "was appointed as the", "took up her post as".
_LINKING = frozenset(
    {
        "as",
        "the",
        "a",
        "an",
        "appointed",
        "named",
        "elected",
        "promoted",
        "nominated",
        "to",
        "up",
        "post",
        "position",
        "role",
        "office",
        "duties",
        "functions",
        "credentials",  # "presented her credentials as"
        "my",
        "his",
        "her",
        "their",
    }
)
_ADVERBS = frozenset(
    {
        "also",
        "later",
        "earlier",
        "previously",
        "subsequently",
        "then",
        "briefly",
        "once",
        "formerly",
        "concurrently",
        "still",
        "again",
        "jointly",
        "first",
        "successively",
        "former",
    }
)
# Verbs that date a role stated before: "left the post in", "arrived in", "served here since".
_TENURE_EVENT_VERBS = {
    "left": "end",
    "resigned": "end",
    "retired": "end",
    "stepped": "end",
    "led": "end",
    "headed": "end",
    "held": "end",
    "arrived": "start",
    "took": "start",
    "assumed": "start",
    "served": "start_since",
}
_EVENT_PREPOSITIONS = {"end": {"in", "on", "until", "till"}, "start": {"in", "on", "since"}, "start_since": {"since"}}
_AUXILIARIES = frozenset({"been", "has", "had", "have", "was", "is", "were"})


@dataclass(frozen=True)
class Title:
    """A position as written: its normalised title, its body, its tokens."""

    start: int
    end: int
    title: str
    organization: str | None
    plural: bool
    current: bool


def title_case(words: list[str]) -> str:
    """Title-case a title's words, keeping acronyms and small words as they are."""
    cased: list[str] = []
    for index, word in enumerate(words):
        if word.isupper() and len(word) > 1:
            cased.append(word)
        elif index > 0 and word.casefold() in _SMALL_WORDS:
            cased.append(word.casefold())
        else:
            cased.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(cased)


@Language.factory(
    "ocmfa_roles",
    assigns=["doc._.ocmfa_roles", "doc.spans"],
    requires=["doc._.ocmfa_layout", "doc.spans"],
    default_config={"patterns_dir": None},
)
def make_roles(nlp: Language, name: str, patterns_dir: str | None) -> RolesComponent:
    """Create the roles component from the patterns in ``patterns_dir``."""
    return RolesComponent(nlp, name, cached_patterns(patterns_dir_or_default(patterns_dir)))


class RolesComponent:
    """Link titles to people, with organisations and tenures."""

    def __init__(self, nlp: Language, name: str, patterns: Patterns) -> None:
        """Build the title matcher from ``patterns``."""
        self.phrases = PhraseRuleMatcher(nlp, patterns.rules["titles"])

    def __call__(self, doc: Doc) -> Doc:
        """Annotate ``doc._.ocmfa_roles`` and the title spans ``doc.spans["ocmfa_titles"]``."""
        reader = _DocRoles(doc, self.phrases.match(doc))
        doc._.ocmfa_roles = merge_roles(reader.read())
        doc.spans[TITLES_KEY] = [Span(doc, title.start, title.end, label="TITLE") for title in reader.titles]
        return doc


class _DocRoles:
    """The role rules applied to one document."""

    def __init__(self, doc: Doc, title_matches: list[Span]) -> None:
        self.doc = doc
        self.text = document_text(doc)
        self.words, self.lowers = token_words(doc), token_lowers(doc)  # doc[i].text makes a Token each time
        self.subject: str | None = doc._.ocmfa_subject
        people = list(doc.spans[PEOPLE_KEY]) + list(doc.spans[PRONOUNS_KEY])
        self.person_at = {i: span for span in people for i in range(span.start, span.end)}
        self.org_at = {span.start: span for span in doc.spans[ORGS_KEY]}
        self.dates = list(doc.spans[DATES_KEY])
        self.date_tokens = {i for span in self.dates for i in range(span.start, span.end)}
        self.dates_by_token = RangeIndex(self.dates, lambda span: span.start)
        verbs = tokens_among(doc, _TENURE_EVENT_VERBS, LOWER)
        self.event_verbs = RangeIndex(numpy.flatnonzero(verbs).tolist(), lambda i: i)
        self.dates_by_char = RangeIndex(self.dates, lambda span: span.start_char)
        self.people_by_char = RangeIndex(doc.spans[PEOPLE_KEY], lambda span: span.start_char)
        self.ranks = {span.start for span in title_matches if span.label_ == "RANK"}
        self.tenure_words = {span.start: span.text.casefold() for span in title_matches if span.label_ == "TENURE"}
        heads = filter_spans([span for span in title_matches if span.label_ in {"TITLE", "TITLE_PLURAL"}])
        self.head_tokens = {i for span in heads for i in range(span.start, span.end)}
        self.titles = [self._grow_title(head) for head in heads]
        self.title_at = {i: title for title in self.titles for i in range(title.start, title.end)}
        self.titles_by_token = RangeIndex(self.titles, lambda title: title.start)
        self.titles_by_char = RangeIndex(self.titles, lambda title: doc[title.start].idx)

    # -- titles -------------------------------------------------------------------------

    def _grow_title(self, head: Span) -> Title:
        """Grow a title head into rank words before it and "of <body>" after it."""
        doc = self.doc
        start = head.start
        while start > 0 and (start - 1 in self.ranks or self.words[start - 1] == "-" and start - 2 in self.ranks):
            start -= 1
        modifier = (
            start > 0
            and self.words[start - 1].isupper()
            and self.words[start - 1].isalpha()
            and start - 1 not in self.person_at
        )
        if modifier:
            start -= 1  # "US ambassador", "UN envoy"
        head_words = [t.text for t in doc[start : head.end] if t.text != "-"]
        if head.label_ == "TITLE_PLURAL":
            head_words = head_words[: -len(head)] + head.id_.removeprefix("title:").split("_")
        end = head.end
        organization: str | None = None
        # "of/for <body or field>", then "in/to/at <place or body>": "Deputy Director of the
        # Treaty Department", "Secretary for Commerce and Economic Development", "Ambassador to
        # Hungary", "Consul General of Japan in Hong Kong".
        for connectors in ({"of", "for"}, {"in", "to", "at"}):
            if end >= len(doc) or self.lowers[end] not in connectors:
                continue
            phrase_end, body, words = self._phrase_after(end + 1)
            if phrase_end == end + 1:
                continue
            if body is not None and organization is None:
                organization = body
            else:
                head_words += [self.lowers[end], *words]
            end = phrase_end
        current = any(self.tenure_words.get(i) == "current" for i in range(max(0, start - 2), start))
        if organization is None and self.subject and self.lowers[head.end - 1] in content_words(self.subject):
            organization = self.subject  # "the deputy commissioner" of the Commissioner's Office
        return Title(start, end, title_case(head_words), organization, head.label_ == "TITLE_PLURAL", current)

    def _phrase_after(self, index: int) -> tuple[int, str | None, list[str]]:
        """The body ("the Treaty Department") or field ("Foreign Affairs") starting at ``index``.

        Returns where it ends, the body's full name (None for a field) and the field's words.
        """
        doc = self.doc
        start = index + (index < len(doc) and self.lowers[index] == "the")
        org = self.org_at.get(index) or self.org_at.get(start)
        field_end = self._field_end(start)
        if org is not None and org.label_ != "ORG_REF":
            name, end = self._joined_org(org.kb_id_, org.end)
            if end >= field_end:
                return end, name, []
        elif org is not None:  # "of the office": the body the reference resolves to
            return org.end, org.kb_id_, []
        return (field_end, None, [t.text for t in doc[start:field_end]]) if field_end > start else (index, None, [])

    def _field_end(self, start: int) -> int:
        """The end of a run of capitalised words ("Commerce and Economic Development")."""
        doc = self.doc
        end = start
        while end < len(doc) and end not in self.person_at and end not in self.date_tokens:
            word = self.words[end]
            if end in self.ranks or end in self.head_tokens:
                break
            inner = self.lowers[end] in _INNER_WORDS and end + 1 < len(doc) and self.words[end + 1].istitle()
            if not ((word.istitle() or word.isupper()) and word.isalpha()) and not (inner and end > start):
                break
            end += 1
        while end > start and self.lowers[end - 1] in _INNER_WORDS:
            end -= 1
        return end

    def _joined_org(self, organization: str, end: int) -> tuple[str, int]:
        """Join "Office of A and the Office of B": one position over two bodies."""
        doc = self.doc
        if (
            end + 2 < len(doc)
            and self.lowers[end] == "and"
            and self.lowers[end + 1] == "the"
            and end + 2 in self.org_at
        ):
            other = self.org_at[end + 2]
            if other.label_ == "ORG":
                return f"{organization} and the {other.kb_id_}", other.end
        return organization, end

    # -- rules --------------------------------------------------------------------------

    def read(self) -> list[RoleFact]:
        """Apply every rule and return the role facts, unmerged."""
        facts = self._infobox() + self._leader_lists() + self._signature()
        for sentence in sentences(self.doc):
            facts += self._sentence_roles(sentence)
            facts = self._tenure_events(sentence, facts)
        return facts

    def _tenure_events(self, sentence: Span, facts: list[RoleFact]) -> list[RoleFact]:
        """Give dates from a sentence to a role already stated.

        "She left the post in March 2022", "Zheng Haoming, who arrived in August 2020",
        "X, who had served here since 2020".

        The date goes to the latest role of the subject stated up to this sentence, and
        only fills a start or an end the text had left open.
        """
        for index in self.event_verbs.between(sentence.start, sentence.end):
            verb = self.doc[index]
            kind = _TENURE_EVENT_VERBS[verb.lower_]
            date = next(iter(self.dates_by_token.between(verb.i + 1, min(verb.i + 7, sentence.end))), None)
            if date is None or self._word_before(date) not in _EVENT_PREPOSITIONS[kind]:
                continue
            if kind == "start_since" and self._word_before(date) != "since":
                continue
            cursor, _ = self._skip_back(verb.i - 1, sentence.start, _AUXILIARIES | _ADVERBS)
            subjects = self._subject_ending_at(cursor, many=False) if cursor >= sentence.start else []
            if not subjects:
                continue
            key = subjects[0].kb_id_
            known = [i for i, f in enumerate(facts) if f.person_key == key and f.title_start < verb.idx]
            if not known:
                continue
            index = max(known, key=lambda i: facts[i].title_start)
            value = date._.ocmfa_date
            if kind == "end" and facts[index].end is None:
                facts[index] = facts[index].model_copy(update={"end": value})
            elif kind != "end" and facts[index].start is None:
                facts[index] = facts[index].model_copy(update={"start": value})
        return facts

    def _fact(self, person: Span, title: Title, evidence: tuple[int, int], rule: str, **dates: object) -> RoleFact:
        return RoleFact(
            person_key=person.kb_id_,
            title=title.title,
            organization=title.organization,
            start=dates.get("start"),  # type: ignore[arg-type]
            end=dates.get("end"),  # type: ignore[arg-type]
            current=True if (title.current or dates.get("current")) else None,
            evidence_start=evidence[0],
            evidence_end=evidence[1],
            rule_id=rule,
            title_start=self.doc[title.start].idx,
        )

    def _infobox(self) -> list[RoleFact]:
        """``- Chief1 Name: X`` with ``- Chief1 Position: Y``, and ``- Ambassador: X``."""
        fields = self.doc._.ocmfa_layout.infobox
        names = {f.key.text.rsplit(" ", 1)[0]: f for f in fields if f.key.text.casefold().endswith(" name")}
        facts: list[RoleFact] = []
        for field in fields:
            prefix, _, last = field.key.text.rpartition(" ")
            if last.casefold() in {"position", "title"} and prefix in names:
                name_field = names[prefix]
                person = self._first_person(name_field.value.start, name_field.value.end)
                titles = self._titles_between(field.value.start, field.value.end)
                evidence = (min(name_field.line.start, field.line.start), max(name_field.line.end, field.line.end))
            else:  # the key itself is the position
                person = self._first_person(field.value.start, field.value.end)
                titles = [t for t in self._titles_between(field.key.start, field.key.end) if self._spans_key(t, field)]
                evidence = (field.line.start, field.line.end)
            if person is None or not titles:
                continue
            title = titles[0]
            if title.organization is None:
                title = replace(title, organization=self.subject)
            facts.append(self._fact(person, title, evidence, "infobox"))
        return facts

    def _spans_key(self, title: Title, field: InfoboxField) -> bool:
        """Whether a title is the whole infobox key ("Deputy Chief of Mission")."""
        last = self.doc[title.end - 1]
        return self.doc[title.start].idx == field.key.start and last.idx + len(last) == field.key.end

    def _leader_lists(self) -> list[RoleFact]:
        """``; Director of the X`` headings over ``1. Name (start – end, notes)`` items."""
        facts: list[RoleFact] = []
        for item in self.doc._.ocmfa_layout.list_items:
            if item.heading is None:
                continue
            heading_titles = self._titles_between(item.heading.range.start, item.heading.range.end)
            person = self._first_person(item.body.start, item.body.end)
            if not heading_titles or person is None:
                continue
            evidence = (item.line.start, item.line.end)
            dates = self.dates_by_char.between(item.body.start, item.body.end)
            tenure = self._tenure(dates[0]) if dates else {}
            title = heading_titles[0]
            if title.organization is None:
                title = replace(title, organization=self.subject)
            facts.append(self._fact(person, title, evidence, "leader_list", **tenure))
            notes_start = dates[0].end_char if dates else person.end_char
            facts += self._notes(person, notes_start, item.body.end, evidence)
        return facts

    def _notes(self, person: Span, start: int, end: int, evidence: tuple[int, int]) -> list[RoleFact]:
        """Roles inside a list item's brackets: "concurrently Minister of X since July 2023"."""
        facts: list[RoleFact] = []
        segment_start = start
        text = self.text
        for match in list(re.finditer(r"[,;]", text[start:end])) + [None]:
            segment_end = start + match.start() if match else end
            titles = self._titles_between(segment_start, segment_end)
            for index, title in enumerate(titles):
                next_start = titles[index + 1].start if index + 1 < len(titles) else None
                title_end_char = self.doc[title.end - 1].idx + len(self.doc[title.end - 1])
                limit = self.doc[next_start].idx if next_start is not None else segment_end
                dates = self.dates_by_char.between(title_end_char, limit)
                tenure = self._tenure(dates[0]) if dates else {}
                facts.append(self._fact(person, title, evidence, "leader_list_note", **tenure))
            segment_start = segment_end + 1
        return facts

    def _signature(self) -> list[RoleFact]:
        """A line that is only a name (after an honorific: "Dr. X"), then a line that starts with a title."""
        lines = self.doc._.ocmfa_layout.lines
        facts: list[RoleFact] = []
        for line, following in zip(lines[-4:], lines[-3:], strict=False):
            person = self._first_person(line.start, line.end)
            if person is None or person.end_char != line.end:
                continue
            if not only_honorifics(self.doc, line.start, person.start_char):
                continue
            titles = self._titles_between(following.start, following.end)
            if titles and self.doc[titles[0].start].idx == following.start:
                facts.append(self._fact(person, titles[0], (line.start, following.end), "signature"))
        return facts

    def _sentence_roles(self, sentence: Span) -> list[RoleFact]:
        """The title-person links inside one sentence."""
        facts: list[RoleFact] = []
        doc = self.doc
        evidence = (sentence.start_char, sentence.end_char)
        for title in self.titles_by_token.between(sentence.start, sentence.end):
            # Title right before a name: "Commissioner X", "Vice Premier and Minister Y X".
            person = self._person_after(title.end, allow_title_chain=True)
            if person is not None:
                facts.append(self._fact(person, title, evidence, "title_before_name"))
                continue
            # "the deputy commissioner, X," / "..., currently X" / "the current commissioner is X".
            cursor = title.end
            if cursor < sentence.end and self.words[cursor] == ",":
                cursor += 1
                current = cursor < len(doc) and self.lowers[cursor] in _CURRENT_WORDS
                person = self._person_after(cursor + current)
                if person is not None and self._closes_apposition(person.end):
                    facts.append(self._fact(person, title, evidence, "title_apposition", current=current))
                    continue
            if cursor < sentence.end and self.lowers[cursor] in {"is", "was"}:
                person = self._person_after(cursor + 1)
                if person is not None:
                    facts.append(self._fact(person, title, evidence, "title_is_name", current=title.current or None))
                    continue
            facts += self._person_before_title(title, sentence, evidence)
        return facts

    def _person_before_title(self, title: Title, sentence: Span, evidence: tuple[int, int]) -> list[RoleFact]:
        """Links where the name comes first: apposition, brackets, "was", "served as", "as"."""
        doc = self.doc
        cursor, words = self._skip_back(title.start - 1, sentence.start, _LINKING | _CURRENT_WORDS | _ADVERBS)
        cursor = self._skip_possessor(cursor, sentence.start)  # "Singapore's", "the UAE's"
        cursor, more = self._skip_back(cursor, sentence.start, _LINKING | _CURRENT_WORDS | _ADVERBS)
        words += more
        if cursor < sentence.start:
            return []
        current = any(word in _CURRENT_WORDS for word in words) or None
        token = doc[cursor]
        if token.text == "," and cursor - 1 in self.person_at and "as" not in words:
            # "X, then the deputy director of Y," / "X, commissioner from 2015 to 2020,"
            person = self.person_at[cursor - 1]
            end, tenure = self._dates_after(title.end, sentence.end)
            if self._introduces_next_person(title.end) or not self._apposition_ends_soon(end, sentence.end):
                return []
            return [self._fact(person, title, evidence, "name_apposition", current=current, **tenure)]
        if token.text == "(" or (token.lower_ == "and" and self._in_brackets(cursor)):
            owner = self._bracket_owner(cursor)
            if owner is not None:
                return [self._fact(owner, title, evidence, "name_brackets", current=current)]
            return []
        if "as" in words:  # "served in Tokyo as", "worked at this Consulate-General as"
            cursor = self._skip_place_back(cursor, sentence.start)
            cursor, more = self._skip_back(cursor, sentence.start, _ADVERBS | {"back", "went", "returned", "moved"})
            words += more
        cursor, verbs = self._skip_back(cursor, sentence.start, _COPULA | _APPOINTMENT | _AUXILIARIES | _ADVERBS)
        words += verbs
        has_verb = any(word in _COPULA or word in _APPOINTMENT for word in words)
        if cursor < sentence.start or not (has_verb or "as" in words):
            return []
        people = self._subject_ending_at(cursor, many=title.plural and not has_verb)
        appointed = ("as" in words and not has_verb) or any(word in _APPOINTMENT for word in words)
        tenure = self._tenure_near(title, sentence, appointed)
        if {"has", "have"} & set(words) and "start" in tenure and "end" not in tenure:
            current = True  # "who has served as ambassador since April 2022"
        rule = "name_as_title" if "as" in words else "name_is_title"
        return [self._fact(p, title, evidence, rule, current=current, **tenure) for p in people]

    def _skip_place_back(self, cursor: int, limit: int) -> int:
        """Walk back over "in Tokyo", "at this Consulate-General", "to Geneva" before "as"."""
        run = cursor
        while run >= limit and (self.words[run].istitle() or self.words[run].isupper() or self.words[run] == "-"):
            run -= 1
        if run == cursor:
            return cursor
        if run >= limit and self.lowers[run] in {"the", "this", "our", "its", "their"}:
            run -= 1
        return run - 1 if run >= limit and self.lowers[run] in {"in", "to", "at"} else cursor

    def _skip_possessor(self, cursor: int, limit: int) -> int:
        """Walk back over a possessor before a title ("Singapore's", "the UAE's", "DFAT's")."""
        if (
            cursor - 1 >= limit
            and self.words[cursor] in {"'s", "’s"}
            and (self.words[cursor - 1].istitle() or self.words[cursor - 1].isupper())
        ):
            cursor -= 2
            while (
                cursor >= limit
                and (self.words[cursor].istitle() or self.words[cursor].isupper())
                and cursor not in self.person_at
            ):
                cursor -= 1
            if cursor >= limit and self.lowers[cursor] == "the":
                cursor -= 1
        return cursor

    def _introduces_next_person(self, index: int) -> bool:
        """A title followed by ", Mr X": it names the next person, not the one before."""
        doc = self.doc
        if index >= len(doc) or self.words[index] != ",":
            return False
        return self._person_after(index + 1) is not None

    def _apposition_ends_soon(self, index: int, limit: int) -> bool:
        """An apposition ends at the next comma, bracket or full stop, with no other name in between."""
        for cursor in range(index, min(limit, index + 15)):
            if cursor in self.person_at:
                return False
            if self._closes_apposition(cursor):
                return True
        return index >= limit

    def _skip_back(self, cursor: int, limit: int, skippable: frozenset[str]) -> tuple[int, list[str]]:
        """Walk back over ``skippable`` words; return where it stopped and what it passed."""
        words: list[str] = []
        while cursor >= limit and self.lowers[cursor] in skippable:
            words.append(self.lowers[cursor])
            cursor -= 1
        return cursor, words

    def _subject_ending_at(self, index: int, many: bool) -> list[Span]:
        """The subject of a verb: the name (or pronoun) before it, across "who" and an apposition.

        "X was ...", "X, who previously served as ...", "X, a specialist in Y, had earlier
        served as ..." all have X as their subject.
        """
        if index >= 0 and self.lowers[index] in {"who", "which"}:
            index -= 1
            if index >= 0 and self.words[index] != "," and index not in self.person_at:
                # "X (born 1964) is a diplomat who has served as ...": the sentence's subject.
                return self._sentence_subject(index)
        if index >= 0 and self.words[index] == ",":
            if index - 1 in self.person_at:
                return [self.person_at[index - 1]]
            opening = next((i for i in range(index - 1, max(-1, index - 25), -1) if self.words[i] == ","), None)
            if opening is not None and opening - 1 in self.person_at:
                return [self.person_at[opening - 1]]
            # "Xu, a speaker who ..., where he ..., led the office": the name that opens the sentence.
            return self._sentence_subject(index)
        return self._people_ending_at(index, many)

    def _sentence_subject(self, index: int) -> list[Span]:
        """The person who opens the sentence holding ``index``, followed by "," "(" or "is"/"was"."""
        doc = self.doc
        subject = self.person_at.get(sentence_of(doc, index).start)
        if subject is None or subject.end >= len(doc):
            return []
        return [subject] if self.words[subject.end] in {",", "("} or self.lowers[subject.end] in {"is", "was"} else []

    def _dates_after(self, index: int, limit: int) -> tuple[int, dict[str, object]]:
        """A tenure right after a title ("commissioner from March 2015 to August 2020")."""
        cursor = index
        while cursor < limit and self.lowers[cursor] in {"from", "since", "until", "between", "in"}:
            cursor += 1
        date = next(iter(self.dates_by_token.between(cursor, cursor + 1)), None)
        if cursor == index or date is None:
            return index, {}
        return date.end, self._tenure(date)

    def _tenure_near(self, title: Title, sentence: Span, appointed: bool) -> dict[str, object]:
        """The tenure a sentence gives a role.

        The dates of the title's own clause (between commas), else the date that opens the
        sentence ("In 1981, ..."); of these the nearest range or "since"/"until" date, or,
        for an appointment, the nearest date. An "until" date before the title ends
        something else ("a post she held until 2005, when she went back ... as counsellor").
        """
        clause_start, clause_end = self._clause(title, sentence)
        dates = self.dates_by_token.between(clause_start, clause_end)
        if not dates and self.lowers[clause_start] == "when":
            # "..., a post she held until 2005, when she went back to Geneva as counsellor"
            earlier = self.dates_by_token.between(sentence.start, clause_start)
            return {"start": earlier[-1]._.ocmfa_date} if earlier else {}
        if not dates:
            dates = [d for d in self.dates_by_token.between(sentence.start, sentence.start + 4) if d.end < title.start]
        dates = [d for d in dates if d.start >= title.end or self._word_before(d) not in {"until", "till"}]
        if not dates:
            return {}
        nearest = min(dates, key=lambda d: min(abs(d.start - title.end), abs(title.start - d.end)))
        ranged = nearest._.ocmfa_end_date is not None or self._word_before(nearest) in {"since", "until", "till"}
        tenure = self._tenure(nearest) if ranged or appointed else {}
        if "end" not in tenure:  # "..., a post she held until 2005"
            following = self.titles_by_token.between(title.end + 1, sentence.end)
            next_title = following[0].start if following else sentence.end
            ends = [
                d
                for d in self.dates_by_token.between(title.end, next_title)
                if self._word_before(d) in {"until", "till"}
            ]
            if ends:
                tenure["end"] = ends[0]._.ocmfa_date
        return tenure

    def _clause(self, title: Title, sentence: Span) -> tuple[int, int]:
        """The comma-delimited stretch of the sentence that holds a title.

        A ", with X as the director" clause belongs to the clause before it, which says
        when the body was set up.
        """
        start = title.start
        while start > sentence.start and self.words[start - 1] not in {",", ";"}:
            start -= 1
        if start > sentence.start and self.lowers[start] == "with":
            start -= 1
            while start > sentence.start and self.words[start - 1] not in {",", ";"}:
                start -= 1
        end = title.end
        while end < sentence.end and self.words[end] not in {",", ";"}:
            end += 1
        return start, end

    def _word_before(self, span: Span) -> str:
        return self.lowers[span.start - 1] if span.start > 0 else ""

    # -- helpers ------------------------------------------------------------------------

    def _person_after(self, index: int, allow_title_chain: bool = False) -> Span | None:
        """The person starting at ``index`` (after an honorific), if any."""
        doc = self.doc
        if index < len(doc) and doc[index]._.ocmfa_honorific:
            index += 1
        if allow_title_chain and index + 1 < len(doc) and self.lowers[index] == "and" and index + 1 in self.title_at:
            return self._person_after(self.title_at[index + 1].end, allow_title_chain=True)
        person = self.person_at.get(index)
        if person is None:
            return None
        # A mention starts at ``index``, or just before it when it keeps its honorific ("Mr Song").
        return person if person.start == index or doc[person.start]._.ocmfa_honorific else None

    def _closes_apposition(self, index: int) -> bool:
        """An apposition ends at a comma, a full stop, a bracket, "and" or the line's end."""
        doc = self.doc
        return (
            index >= len(doc)
            or self.words[index] in {",", ".", ")", ";"}
            or self.lowers[index] in {"and", "said"}
            or self.words[index].isspace()
        )

    def _in_brackets(self, index: int) -> bool:
        depth = 0
        for i in range(index, max(-1, index - 40), -1):
            depth += {")": 1, "(": -1}.get(self.words[i], 0)
            if depth < 0:
                return True
        return False

    def _bracket_owner(self, index: int) -> Span | None:
        """The person right before the bracket that holds ``index``."""
        depth = 0
        for i in range(index, max(-1, index - 40), -1):
            depth += {")": 1, "(": -1}.get(self.words[i], 0)
            if depth < 0:
                return self.person_at.get(i - 1)
        return None

    def _people_ending_at(self, index: int, many: bool) -> list[Span]:
        """The person ending at ``index``; with ``many``, the whole list "A, B (x) and C"."""
        people: list[Span] = []
        cursor = index
        while cursor >= 0:
            if self.words[cursor] == ")":
                depth = 0
                while cursor >= 0:
                    depth += {")": 1, "(": -1}.get(self.words[cursor], 0)
                    cursor -= 1
                    if depth == 0:
                        break
                continue
            person = self.person_at.get(cursor)
            if person is None:
                break
            people.append(person)
            if not many:
                break
            cursor = person.start - 1
            while cursor >= 0 and self.words[cursor] in {",", "and"}:
                cursor -= 1
        return list(reversed(people))

    def _first_person(self, start_char: int, end_char: int) -> Span | None:
        return next(
            (span for span in self.people_by_char.between(start_char, end_char) if span.end_char <= end_char), None
        )

    def _titles_between(self, start_char: int, end_char: int) -> list[Title]:
        return self.titles_by_char.between(start_char, end_char)

    @staticmethod
    def _tenure(date: Span) -> dict[str, object]:
        """Start, end and currency from a date span: a range, "since X", "until X" or "X"."""
        doc = date.doc
        before = doc[date.start - 1].lower_ if date.start > 0 else ""
        value, end_value = date._.ocmfa_date, date._.ocmfa_end_date
        if end_value is not None:
            return {"start": value, "end": end_value}
        if date._.ocmfa_open_end:
            return {"start": value, "current": True}
        if before in {"until", "till", "to"}:
            return {"end": value}
        return {"start": value}


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
