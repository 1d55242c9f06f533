"""Matching citations printed romanised (``Yang Kuisong 楊奎松, *Zouxiang polie* …``,
``Yang, *Zouxiang polie*, 421.``) to Chinese entries.

Two small hooks, both lazy so that a draft that never cites romanised pays nothing
(pypinyin and rjieba are loaded only when a Latin-script citation finds no entry):

- :func:`without_characters`: a note the grammar cannot parse because it prints the
  characters after the romanised name and title is parsed again without them;
- :func:`extend`: the Chinese entries of an index gain romanised titles, names,
  publishers and places (the ``romanize`` suggestions, and plain pinyin where a preferred
  spelling such as ``Chen Yung-fa`` differs), once per index.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import replace

from sinosoviet_cli.checks.fold import fold_strict
from sinosoviet_cli.checks.index import Entry, Index, title_variants
from sinosoviet_cli.checks.names import Name
from sinosoviet_cli.model import Reference, Work, split_persons
from sinosoviet_cli.text.names import key_of
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk

# Characters printed after a romanised word: ``Kuisong 楊奎松,`` ``yuanyuan* 走向破裂：…``.
_CHARACTERS = re.compile(rf"(?<=[A-Za-z*_’'.]) +({CJK_CHAR}[^,，(（)）A-Za-z]*?)(?=[,，(（]|$)")
_LATIN = re.compile(r"[A-Za-z]")
_done: weakref.WeakSet[Index] = weakref.WeakSet()


def without_characters(text: str) -> tuple[str, list[int]] | None:
    """``text`` without the characters printed after romanised words, and for every
    position of the result its position in ``text``; None if there are none."""
    if not has_cjk(text) or len(_LATIN.findall(text)) < 8:
        return None
    keep: list[int] = []
    last = 0
    for m in _CHARACTERS.finditer(text):
        keep.extend(range(last, m.start()))
        last = m.start() + len(m.group(0).rstrip())  # the space before ``(`` stays
    if not keep and last == 0:
        return None
    keep.extend(range(last, len(text)))
    return "".join(text[i] for i in keep), keep


def _is_latin(ref: Reference) -> bool:
    printed = ref.title + " ".join(p.display for p in (*ref.authors, *ref.editors))
    return bool(_LATIN.search(printed)) and not has_cjk(ref.title)


def extend(index: Index, ref: Reference) -> bool:
    """Give the index's Chinese entries their romanised forms, once, when a Latin-script
    citation found no entry; True if the index changed (match again)."""
    if index in _done or not _is_latin(ref):
        return False
    _done.add(index)
    works = {w.key: w for w in index.works}
    changed = False
    for i, entry in enumerate(index.entries):
        work = works.get(entry.key)
        if work is None or not (has_cjk(entry.title) or any(has_cjk(p.whole)
                                                              for p in entry.people)):
            continue
        romanised = _romanised(entry, work)
        if romanised == entry:
            continue
        index.entries[i] = romanised
        for variants in index.exact.values():
            variants[:] = [romanised if e is entry else e for e in variants]
        index._add(i, romanised)
        changed = True
    return changed


def _romanised(entry: Entry, work: Work) -> Entry:
    from sinosoviet_cli.romanize import romanize_body, romanize_title

    titles = [t for t in (work.get("title"), work.get("subtitle"), work.get("shorttitle"))
              if has_cjk(t)]
    extra = title_variants(*(romanize_title(t.strip("{}")) for t in titles))
    people = [*entry.people]
    for person in (*split_persons(work.get("author")), *split_persons(work.get("editor"))):
        names = _japanese_names(person) if entry.japanese else romanised_names(person)
        for name in names:
            if all(name.whole != p.whole for p in people):
                people.append(name)
    venues = [romanize_body(v) for v in (work.get("journal"), work.get("booktitle"),
                                         work.get("publisher")) if has_cjk(v)]
    return replace(entry, titles=tuple(dict.fromkeys((*entry.titles, *extra))),
                   people=tuple(people),
                   venues=tuple(dict.fromkeys((*entry.venues,
                                               *(fold_strict(v) for v in venues)))))


def _japanese_names(person: str) -> list[Name]:
    """和田春樹 → Wada Haruki where the reading table knows the name; never its pinyin
    (He Tianchunshu is no one's name)."""
    from sinosoviet_cli.romanize.japanese import reading

    form = " ".join(w.capitalize() for w in reading(person.strip().strip("{}")).split())
    return [Name(form, key_of(form, family=form.split()[0]))] if form else []


def romanised_names(person: str) -> list[Name]:
    """``{楊奎松}`` → Yang Kuisong (family ``yang``); a preferred spelling (Chen Yung-fa)
    and the plain pinyin (Chen Yongfa) both."""
    from sinosoviet_cli.romanize import romanize_name
    from sinosoviet_cli.romanize.names import split_surname
    from sinosoviet_cli.romanize.syllables import simplified, tables, word_pinyin

    plain = person.strip().strip("{}").strip()
    if not has_cjk(plain) or len(plain) > 4:
        return []
    surname, given = split_surname(simplified(plain))
    family = tables().surname_readings.get(surname) or word_pinyin(surname)
    pinyin = f"{family.capitalize()} {word_pinyin(given).capitalize()}".strip()
    out: list[Name] = []
    for form in dict.fromkeys((romanize_name(plain), pinyin)):
        parts = form.split()
        if parts:  # romanised Chinese names print the family name first
            out.append(Name(form, key_of(form, family=parts[0])))
    return out


def same_romanised(printed: str, expected: str) -> bool:
    """A body printed in one script and stored in the other is the same if its
    romanisation is (``Sanlian shudian`` and 三聯書店; case, spaces, hyphens aside)."""
    from sinosoviet_cli.romanize import romanize_body

    latin, chinese = (printed, expected) if has_cjk(expected) else (expected, printed)
    return fold_strict(latin) == fold_strict(romanize_body(chinese))
