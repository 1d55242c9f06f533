"""Persons: the one parser of BibTeX person fields and the one name matcher.

Every stage that reads a person from a bibliography (keys, schools, checks, CSL items,
romanisation) goes through :func:`parse_persons`, and every stage that asks "is this
the same person?" goes through :func:`same_person`. Printed notes are parsed into
:class:`~sinosoviet_cli.model.Person` values by the grammar; from there on they are
the same values.

Forms handled: ``{楊奎松}`` and any all-CJK name (kept whole, ``literal``); braced
bodies ``{World Bank}`` (whole); ``Family, Given``; ``Family, Jr, Given``;
``Given Family``; biblatex's extended format ``family=Brauw, given=Alan, prefix=de``.
A CJK transliteration of a foreign name (``莫里斯‧邁斯納``) files by the part after the
last separator; the separators are :data:`NAME_SEPARATORS`, the only such set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from sinosoviet_cli.model import Person, split_persons
from sinosoviet_cli.text.normalize import fold, fold_strict, has_cjk

#: Middle dots that separate the parts of a transliterated foreign name
#: (莫里斯‧邁斯納, 亨利·基辛格, ジョン・ダワー) — the one set every stage uses.
NAME_SEPARATORS = "‧·・•．"
_SEPARATOR_RE = re.compile(f"[{NAME_SEPARATORS}]")
_EXTENDED = re.compile(r"(\w+)\s*=\s*([^,=]*?)\s*(?=,|\s+\w+\s*=|$)")
_OTHERS = "others"


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def parse_person(raw: str) -> Person:
    """One BibTeX person. Braced and CJK names are literals; Latin names are split."""
    text = raw.strip()
    if len(text) > 1 and text[0] == "{" and text[-1] == "}" and _balanced(text[1:-1]):
        return Person(literal=text[1:-1].replace("{", "").replace("}", "").strip())
    plain = text.replace("{", "").replace("}", "").strip()
    if re.search(r"\b(?:family|given)\s*=", plain):
        return _extended(plain)
    if not plain or has_cjk(plain):
        family, comma, given = plain.partition(",")
        if comma and has_cjk(family) and has_cjk(given) and "," not in given:
            # Zotero's BibTeX export splits a Chinese name (杨, 奎松): one name, whole.
            return Person(literal=re.sub(r"\s+", "", family + given))
        return Person(literal=plain)
    if plain.count(",") >= 2:  # von Last, Jr, First
        family, suffix, given = (s.strip() for s in plain.split(",", 2))
        return Person(family=family, given=given, suffix=suffix)
    if "," in plain:
        family, _, given = plain.partition(",")
        return Person(family=family.strip(), given=given.strip())
    words = plain.split()
    if len(words) == 1:
        return Person(family=words[0])
    return Person(family=words[-1], given=" ".join(words[:-1]))


def _extended(text: str) -> Person:
    parts = {k.lower(): v.strip() for k, v in _EXTENDED.findall(text)}
    return Person(family=parts.get("family", ""), given=parts.get("given", ""),
                  suffix=parts.get("suffix", ""), particle=parts.get("prefix", ""),
                  particle_kept=parts.get("useprefix", "") == "true")


def csl_name(person: Person) -> dict[str, str]:
    """A person as a CSL-JSON name: literals whole (citeproc then never splits a
    Chinese name), else family/given/suffix and the particle."""
    if person.literal:
        return {"literal": person.literal}
    name = {"family": person.family, "given": person.given, "suffix": person.suffix}
    if person.particle:
        kind = "non-dropping-particle" if person.particle_kept else "dropping-particle"
        name[kind] = person.particle
    return {k: v for k, v in name.items() if v}


@lru_cache(maxsize=1 << 14)
def parse_persons(value: str) -> tuple[Person, ...]:
    """The persons of an ``author``/``editor``/``translator`` value, ``others`` left out
    (see :func:`has_others`)."""
    return tuple(parse_person(raw) for raw in split_persons(value)
                 if raw.strip().lower() != _OTHERS)


def has_others(value: str) -> bool:
    """True where the list ends in ``and others`` (et al.)."""
    return any(raw.strip().lower() == _OTHERS for raw in split_persons(value))


#: The biblatex data annotation that keeps the other script of a person's name:
#: ``author+an:alt = {1="莫里斯‧邁斯納"}`` beside ``author = {Meisner, Maurice}``
#: (item-level, per person, for any name field; biber and pandoc accept it).
ALT_ANNOTATION = "+an:alt"
_ANNOTATION_ITEM = re.compile(r'(\d+)\s*=\s*(?:"([^"]*)"|([^;]*))')


def alternate_form(person: Person) -> str:
    """The form of a person a name field does not hold: the CJK form of a Western
    name a paper prints in both scripts (莫里斯‧邁斯納（Maurice Meisner）), "" if none.
    (A field holds the Latin form: the key, sorting and Western styles use it.)"""
    latin_alt = bool(re.search(r"[^\W\d_]", person.alt)) and not has_cjk(person.alt)
    if person.literal and has_cjk(person.literal) and latin_alt:
        return person.literal
    if not person.literal and has_cjk(person.alt):
        return person.alt
    return ""


def alt_annotation(persons: Sequence[Person]) -> str:
    """The ``+an:alt`` value for a name list: ``1="莫里斯‧邁斯納"; 2="費正清"``, one
    item per person that has an alternate form (its 1-based position), "" if none."""
    items = []
    for i, person in enumerate(persons, 1):
        alt = alternate_form(person)
        if alt and not re.search(r'[";={}]', alt):
            items.append(f'{i}="{alt}"')
    return "; ".join(items)


def parse_alt_annotation(value: str) -> dict[int, str]:
    """``1="莫里斯‧邁斯納"; 2="費正清"`` → {1: …, 2: …} (quotes optional, as biber's
    tool mode writes them back without)."""
    out: dict[int, str] = {}
    for item in value.split(";"):
        found = _ANNOTATION_ITEM.fullmatch(item.strip())
        if found and (found.group(2) or found.group(3) or "").strip():
            out[int(found.group(1))] = (found.group(2) or found.group(3) or "").strip()
    return out


def with_alternates(csl_names: list[dict[str, str]], annotation: str) -> list[dict[str, Any]]:
    """CSL-JSON names with their ``+an:alt`` forms as Juris-M/CSL-M ``multi``
    (``{"multi": {"_key": {"zh": {"literal": "莫里斯‧邁斯納"}}}}``): CSL 1.0 has no
    alternate-name variable; processors without CSL-M ignore the key."""
    alts = parse_alt_annotation(annotation)
    return [{**n, "multi": {"_key": {"zh": {"literal": alts[i]}}}} if i in alts else dict(n)
            for i, n in enumerate(csl_names, 1)]


def alternates_of(csl_names: Sequence[Mapping[str, Any]]) -> str:
    """The ``+an:alt`` value of CSL-JSON names carrying ``multi`` forms ("" if none)."""
    items = []
    for i, name in enumerate(csl_names, 1):
        multi = name.get("multi")
        forms = multi.get("_key") if isinstance(multi, Mapping) else None
        for form in (forms.values() if isinstance(forms, Mapping) else ()):
            literal = form.get("literal") if isinstance(form, Mapping) else None
            if isinstance(literal, str) and literal.strip() and not re.search(r'[";={}]', literal):
                items.append(f'{i}="{literal.strip()}"')
                break
    return "; ".join(items)


def persons_of(fields: Mapping[str, str], role: str) -> tuple[Person, ...]:
    """The persons of a name field with the alternate forms its ``+an:alt``
    annotation gives them (``Person.alt``), so either form matches and prints."""
    persons = parse_persons(fields.get(role, ""))
    alts = parse_alt_annotation(fields.get(role + ALT_ANNOTATION, ""))
    if not alts:
        return persons
    return tuple(replace(p, alt=alts[i]) if i in alts else p
                 for i, p in enumerate(persons, 1))


def transliteration_parts(literal: str) -> list[str]:
    """The parts of a literal name split at the name separators (one part if none)."""
    return [p.strip() for p in _SEPARATOR_RE.split(literal) if p.strip()]


def family_name(person: Person) -> str:
    """The name a person files and is cited under: the Latin family name; for a literal,
    the part after the last separator of a transliteration (莫里斯‧邁斯納 → 邁斯納),
    else the whole literal (楊奎松, 人民出版社)."""
    if not person.literal:
        return person.family or person.given
    if has_cjk(person.literal):
        return transliteration_parts(person.literal)[-1] if person.literal else ""
    return person.literal


# ── matching ─────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class NameKey:
    """A person's forms for matching: the folded whole, its word set and family name.

    Folding (``text.fold``) unifies width, Traditional/Simplified and punctuation;
    hyphens and apostrophes inside pinyin and Wade-Giles are dropped, so ``Chen Yung-fa``
    is ``Chen Yungfa`` and ``Zhihua Shen`` is ``Shen Zhihua`` (words in any order).
    """

    whole: str
    words: frozenset[str]
    family: str = ""


_JOINERS = re.compile(r"(?<=\w)['’‘-](?=\w)")


def _words(folded: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", _JOINERS.sub("", folded)))


def key_of(text: str, family: str = "") -> NameKey:
    """The matching key of a name as printed (``Donald S. Zagoria``, ``沈志华``)."""
    folded = fold(text)
    if not family and has_cjk(folded):
        parts = transliteration_parts(text)
        if len(parts) > 1:
            family = parts[-1]
    return NameKey(fold_strict(_JOINERS.sub("", folded)), _words(folded),
                   fold_strict(family) if family else "")


def keys_of(person: Person) -> tuple[NameKey, ...]:
    """Every form a person may be matched by: literal, split name, the other script."""
    keys: list[NameKey] = []
    if person.literal:
        keys.append(key_of(person.literal))
    if person.family or person.given:
        keys.append(key_of(person.display, person.family))
    if person.alt:
        keys.append(key_of(person.alt))
    return tuple(k for k in keys if k.whole)


def same_person(a: NameKey, b: NameKey) -> bool:
    """Equal after folding and in any word order; initials stand for given names
    (``C. G. Jacobsen`` is ``Carl G. Jacobsen``); a name printed without some of its
    given names (``Harold Hinton`` for ``Harold C. Hinton``) or by its family name alone
    (as short forms print it) is the same person."""
    if a.whole == b.whole or (a.words and a.words == b.words):
        return True
    if (a.family and a.family == b.whole) or (b.family and b.family == a.whole):
        return True
    if has_cjk(a.whole) or has_cjk(b.whole) or not a.words or not b.words:
        return False
    small, large = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    if small <= large and any(len(w) > 1 for w in small):
        return True
    return _initials_agree(small, large)


def _initials_agree(small: frozenset[str], large: frozenset[str]) -> bool:
    full_small = {w for w in small if len(w) > 1}
    full_large = {w for w in large if len(w) > 1}
    if not full_small or not full_small <= full_large:
        return False
    initials = {w for w in small if len(w) == 1}
    spare = full_large - full_small
    return all(i in large or any(w.startswith(i) for w in spare) for i in initials)


def any_same(these: Iterable[NameKey], those: Iterable[NameKey]) -> bool:
    """True if some form of one list is the same person as some form of the other."""
    others = tuple(those)
    return any(same_person(a, b) for a in these for b in others)
