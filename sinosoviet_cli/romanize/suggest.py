"""Suggestions for a reviewer: one per Chinese name, title, booktitle, journal,
publisher and place of every work; Japanese works and non-Chinese values are skipped."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sinosoviet_cli.model import Work
from sinosoviet_cli.romanize.bodies import place_flags, romanize_body_flags
from sinosoviet_cli.romanize.names import name_flags, romanize_name
from sinosoviet_cli.romanize.syllables import is_chinese, is_japanese
from sinosoviet_cli.romanize.titles import Romanized, romanize_title_flags

PERSON_FIELDS = ("author", "editor", "translator")
# Characters a corporate author's name ends with (人民出版社): romanised as a body.
_BODY_ENDINGS = "社會会部院所局館馆室處处委黨党組组司校報报網网廳厅店"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One romanisation for the reviewer: which work and field, the value, the
    suggested form and what to double-check."""

    key: str
    field: str
    original: str
    romanized: str
    flags: tuple[str, ...] = ()


def _person(name: str, preferred: Mapping[str, str] | None) -> Romanized:
    plain = name.strip().strip("{}").strip()
    if plain[-1:] in _BODY_ENDINGS and len(plain) >= 3:
        return romanize_body_flags(plain)
    return Romanized(romanize_name(plain, preferred), name_flags(plain))


_VALUE_FIELDS: dict[str, Callable[[str], Romanized]] = {
    "title": romanize_title_flags,
    "booktitle": romanize_title_flags,
    "journal": romanize_body_flags,
    "publisher": romanize_body_flags,
    "address": place_flags,
    "school": romanize_body_flags,  # a thesis's institution
    "institution": romanize_body_flags,
}


def _split_persons(value: str) -> list[str]:
    return [p.strip().strip("{}").strip() for p in value.split(" and ") if p.strip()]


def suggest_work(work: Work, preferred: Mapping[str, str] | None = None) -> list[Suggestion]:
    """The suggestions for one work, persons first, in field order."""
    if work.get("langid").strip().lower() == "japanese" or is_japanese(work.get("title")):
        return []
    out: list[Suggestion] = []
    for field in PERSON_FIELDS:
        for person in _split_persons(work.get(field)):
            if is_chinese(person):
                done = _person(person, preferred)
                out.append(Suggestion(work.key, field, person, done.text, done.flags))
    for field, romanizer in _VALUE_FIELDS.items():
        value = work.get(field).strip()
        if not is_chinese(value):
            continue
        if field == "publisher" and " and " in value:
            parts = [romanizer(p) for p in _split_persons(value)]
            text = " and ".join(p.text for p in parts)
            flags = tuple(sorted({f for p in parts for f in p.flags}))
            out.append(Suggestion(work.key, field, value, text, flags))
            continue
        done = romanizer(value)
        out.append(Suggestion(work.key, field, value, done.text, done.flags))
    return out


def suggest(
    works: Sequence[Work], preferred: Mapping[str, str] | None = None
) -> list[Suggestion]:
    """Suggestions for every work in order; ``preferred`` spellings win over pinyin."""
    return [s for work in works for s in suggest_work(work, preferred)]
