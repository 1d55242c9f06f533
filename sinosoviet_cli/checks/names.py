"""Person names as matching sees them: the shared names layer (``text/names.py``:
parsing, matching keys, ``same_person``) plus the printed form a message shows, and
the one checks-specific measure, :func:`name_similarity`, that finds a misprinted name
(``羅漢平`` for ``羅平漢``) close enough to report rather than to ignore."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from sinosoviet_cli.model import Person
from sinosoviet_cli.text import names as _names
from sinosoviet_cli.text.names import NameKey
from sinosoviet_cli.text.normalize import has_cjk


@dataclass(frozen=True, slots=True)
class Name:
    """A person's matching key (``text.names.NameKey``) with the form printed in
    messages (given name first)."""

    shown: str
    key: NameKey

    @property
    def whole(self) -> str:
        return self.key.whole

    @property
    def words(self) -> frozenset[str]:
        return self.key.words

    @property
    def family(self) -> str:
        return self.key.family


def _split_name(person: Person) -> Name:
    shown = f"{person.given} {person.family}".strip()
    return Name(shown, _names.key_of(shown, person.family))


def name_of(raw: str) -> Name:
    """A name as BibTeX prints it: ``{楊奎松}``, ``Family, Given`` or ``Given Family``."""
    person = _names.parse_person(raw)
    if person.literal:
        return Name(person.literal, _names.key_of(person.literal))
    return _split_name(person)


def person_names(person: Person) -> list[Name]:
    """Every form a parsed person may match by: the literal, the split name, the
    alternate script (``莫里斯‧邁斯納`` with ``Maurice Meisner``)."""
    return list(_person_names(person))


@lru_cache(maxsize=1 << 14)
def _person_names(person: Person) -> tuple[Name, ...]:
    """``person_names``, computed once per person: a draft cites the same people in
    thousands of notes, and every key is folded through OpenCC."""
    forms: list[Name] = []
    if person.literal:
        forms.append(Name(person.literal, _names.key_of(person.literal)))
    if person.family or person.given:
        forms.append(_split_name(person))
    if person.alt:
        forms.append(name_of(person.alt))
    return tuple(f for f in forms if f.whole)


def same_person(a: Name, b: Name) -> bool:
    """The shared rule (``text.names.same_person``): folding, word order, initials,
    a family name alone."""
    return _names.same_person(a.key, b.key)


def same_script(a: Name, b: Name) -> bool:
    return has_cjk(a.whole) == has_cjk(b.whole)


@lru_cache(maxsize=1 << 16)
def name_similarity(a: Name, b: Name) -> float:
    """How alike two names look (1.0 = the same person): a transposed or misprinted
    character (``羅漢平``/``羅平漢``) still scores high, so that the entry is found."""
    if same_person(a, b):
        return 1.0
    if not same_script(a, b):
        return 0.5  # a transliteration: neither for nor against
    ratio = difflib.SequenceMatcher(None, a.whole, b.whole).ratio()
    if has_cjk(a.whole) and sorted(a.whole) == sorted(b.whole):
        ratio = max(ratio, 0.9)  # the same characters in another order
    return ratio
