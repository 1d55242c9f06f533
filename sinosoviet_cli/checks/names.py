"""Person names as matching sees them: printed form, folded whole, word set, family.

Kept apart so that they can switch to the shared names layer (``text/names.py``) in
one place.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from sinosoviet_cli.checks.fold import fold, fold_strict
from sinosoviet_cli.model import Person
from sinosoviet_cli.text.normalize import has_cjk


@dataclass(frozen=True, slots=True)
class Name:
    """A person's matching forms: the printed form, its folded whole and word set."""

    shown: str
    whole: str  # fold_strict of the name
    words: frozenset[str]
    family: str = ""  # folded family name where known


def name_of(raw: str) -> Name:
    """A name as BibTeX prints it: ``{楊奎松}``, ``Family, Given`` or ``Given Family``."""
    shown = raw.strip().strip("{}").strip()
    family = ""
    if "," in shown and not has_cjk(shown):
        family = fold_strict(shown.split(",", 1)[0])
        shown = " ".join(p.strip() for p in reversed(shown.split(",", 1)))
    elif not has_cjk(shown) and shown.split():
        family = fold_strict(shown.split()[-1])
    return _name(shown, family)


def _name(shown: str, family: str = "") -> Name:
    folded = fold(shown)
    words = frozenset(re.findall(r"\w+", folded))
    if not family and has_cjk(folded) and "·" in folded:
        family = fold_strict(folded.rsplit("·", 1)[-1])  # 亨利·基辛格: the family is 基辛格
    return Name(shown, fold_strict(shown), words, family)


def person_names(person: Person) -> list[Name]:
    """Every form a parsed person may match by: the literal, the alternate script, the
    split name."""
    forms: list[Name] = []
    if person.literal:
        forms.append(_name(person.literal))
    if person.family or person.given:
        forms.append(_name(f"{person.given} {person.family}".strip(), fold_strict(person.family)))
    if person.alt:
        forms.append(name_of(person.alt))
    return [f for f in forms if f.whole]


def same_person(a: Name, b: Name) -> bool:
    """Equal after folding and in any word order; initials stand for given names
    (``D. Zagoria`` is ``Donald Zagoria``); a name printed without some of its given
    names (``Harold Hinton`` for ``Harold C. Hinton``) is the same person."""
    if a.whole == b.whole or (a.words and a.words == b.words):
        return True
    if (a.family and a.family == b.whole) or (b.family and b.family == a.whole):
        return True  # the family name alone, as short forms print it
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
    return all(any(w.startswith(i) for w in full_large - full_small) for i in initials)


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
