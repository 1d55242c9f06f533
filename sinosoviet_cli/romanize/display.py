"""Works rewritten for romanised Chicago (``export``/``notes --romanize``): romanised
name + characters, romanised title + characters + [translation], romanised publisher,
English place. The rewritten works go through the ordinary CSL path, so sorting (by the
romanised name, first in the literal) and rendering need nothing of their own; ``langid``
stays ``chinese`` so that citeproc does not title-case the pinyin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sinosoviet_cli.model import Work
from sinosoviet_cli.romanize.review import APPROVED, Item, review_path, reviewed
from sinosoviet_cli.romanize.suggest import PERSON_FIELDS


def _title(item: Item) -> str:
    text = f"{item.romanized} {item.original}"
    return f"{text} [{item.translation}]" if item.translation else text


def _value(item: Item) -> str:
    if item.field in ("title", "booktitle", "journal"):
        return _title(item)
    return item.romanized  # publisher romanised, place in English


def romanised_work(work: Work, items: Sequence[Item]) -> Work:
    """``work`` with every romanised value in place (persons as ``{Yang Kuisong 楊奎松}``)."""
    mine = [i for i in items if i.key == work.key]
    if not mine:
        return work
    fields = dict(work.fields)
    for field in PERSON_FIELDS:
        people = {i.original: i for i in mine if i.field == field}
        if not people:
            continue
        parts = []
        for raw in fields.get(field, "").split(" and "):
            plain = raw.strip().strip("{}").strip()
            hit = people.get(plain)
            parts.append("{" + f"{hit.romanized} {hit.original}" + "}" if hit else raw.strip())
        fields[field] = " and ".join(parts)
    for item in mine:
        if item.field not in PERSON_FIELDS:
            fields[item.field] = _value(item)
    return replace(work, fields=fields)


def romanised_works(works: Sequence[Work], bib: str | Path | None = None
                    ) -> tuple[list[Work], list[str]]:
    """The works romanised with the review beside ``bib`` (if any), and the keys of the
    works that use a suggestion nobody approved (the caller says so on stderr)."""
    items, _ = reviewed(works, review_path(bib) if bib else Path("/nonexistent"))
    unapproved = list(dict.fromkeys(i.key for i in items if i.status != APPROVED))
    return [romanised_work(w, items) for w in works], unapproved
