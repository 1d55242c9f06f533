"""Chinese person names: surname first, no comma, given name joined (Yang Kuisong).
Surname readings come from a table (單 Shan, 曾 Zeng); a preferred spelling wins."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sinosoviet_cli.romanize.syllables import simplified, tables, word_pinyin

# The middle dots that separate the parts of a transliterated foreign name.
_NAME_DOTS = re.compile(r"[‧・·•．.]")

SURNAME_TRAP = "surname trap"
FOREIGN_NAME = "transliterated foreign name"


def _preferred(name: str, preferred: Mapping[str, str] | None) -> str | None:
    for table in (preferred or {}, tables().preferred):
        for key in (name, simplified(name)):
            if key in table:
                return table[key]
    return None


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given) of a Simplified Chinese name: two characters for 欧阳修."""
    if name[:2] in tables().compound_surnames and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def name_flags(name: str) -> tuple[str, ...]:
    """Reviewer flags for one name (before any preferred spelling is applied)."""
    plain = simplified(name.strip().strip("{}"))
    if _NAME_DOTS.search(plain):
        return (FOREIGN_NAME,)
    surname, _ = split_surname(plain)
    return (SURNAME_TRAP,) if surname in tables().surname_readings else ()


def romanize_name(name: str, preferred: Mapping[str, str] | None = None) -> str:
    """``楊奎松`` → ``Yang Kuisong``; ``歐陽修`` → ``Ouyang Xiu``; ``單少傑`` → ``Shan
    Shaojie``; ``詹姆斯‧多爾蒂`` → its preferred original, else ``Zhanmusi Duoerdi``."""
    name = name.strip().strip("{}").strip()
    chosen = _preferred(name, preferred)
    if chosen is not None:
        return chosen
    plain = simplified(name)
    if "," in plain:  # ``楊, 奎松`` as BibTeX splits it: family first, nothing to guess
        family, given = (p.strip() for p in plain.split(",", 1))
        return _join(tables().surname_readings.get(family) or word_pinyin(family), given)
    parts = [p for p in _NAME_DOTS.split(plain) if p.strip()]
    if len(parts) > 1:  # a foreign name in characters: each part one capitalised word
        return " ".join(word_pinyin(p.strip()).capitalize() for p in parts)
    surname, given = split_surname(plain)
    return _join(tables().surname_readings.get(surname) or word_pinyin(surname), given)


def _join(family: str, given: str) -> str:
    family = family.capitalize()
    return f"{family} {word_pinyin(given).capitalize()}" if given else family
