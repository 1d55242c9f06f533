"""Corrections: reviewed fixes of evident misprints in a work's fields
(``data/corrections.toml``), applied by ``apply_corrections`` only on request. The
footnote text is never changed, so checks of the paper still see the misprint.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from sinosoviet_cli.bibtex.escape import escape
from sinosoviet_cli.errors import InputError
from sinosoviet_cli.link.fields import split_western
from sinosoviet_cli.model import Bibliography, split_persons
from sinosoviet_cli.text.normalize import has_cjk, nfc


@dataclass(frozen=True, slots=True)
class Correction:
    """A reviewed fix of an evident misprint in one field of a work the paper cites."""

    footnote: int
    field: str
    printed: str
    corrected: str
    reason: str


def bundled_corrections() -> Path:
    return Path(str(resources.files("sinosoviet_cli") / "data" / "corrections.toml"))


@lru_cache(maxsize=1)
def bundled() -> tuple[Correction, ...]:
    """The packaged corrections, read once."""
    return load_corrections()


def load_corrections(path: str | Path | None = None) -> tuple[Correction, ...]:
    """Read corrections (the bundled file by default); bad entries are an InputError."""
    source = Path(path) if path is not None else bundled_corrections()
    from sinosoviet_cli.files import read_text

    try:
        raw = tomllib.loads(read_text(source))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"malformed corrections file: {exc}", path=source,
                         fix="fix the TOML syntax") from None
    found: list[Correction] = []
    for i, entry in enumerate(raw.get("correction", []), 1):
        try:
            found.append(Correction(int(entry["footnote"]), str(entry["field"]),
                                    nfc(str(entry["printed"])), nfc(str(entry["corrected"])),
                                    str(entry["reason"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"correction {i} lacks or mistypes {exc}", path=source,
                             fix="give footnote, field, printed, corrected and reason") from None
    return tuple(found)


_PERSON_FIELDS = frozenset({"author", "editor", "translator", "bookauthor"})


def _as_person(name: str) -> str:
    """A printed name as one person of a BibTeX name list (as ``fields.person_field``
    writes it): Chinese whole and braced; Western ``Family, Given`` (printed order read
    as Western unless a comma says otherwise)."""
    name = nfc(" ".join(name.split()))
    if has_cjk(name):
        return "{" + escape(name) + "}"
    family, given = split_western(name)
    return escape(f"{family}, {given}" if given else family)


def correct(fields: dict[str, str], c: Correction) -> bool:
    """Apply one correction to a work's fields in place; True if it matched. In a name
    list a correction replaces a whole person (``Sun Warren`` → ``Sun, Warren``), never
    part of a name; elsewhere the printed text inside the value."""
    value = fields.get(c.field, "")
    if not value:
        return False
    if c.field in _PERSON_FIELDS:
        persons = split_persons(value)
        wanted = _as_person(c.printed)
        if wanted not in persons:
            return False
        fields[c.field] = " and ".join(_as_person(c.corrected) if p == wanted else p
                                       for p in persons)
        return True
    if escape(c.printed) not in value:
        return False
    fields[c.field] = value.replace(escape(c.printed), escape(c.corrected))
    return True


def _cited_keys(bib: Bibliography) -> dict[int, set[str]]:
    """Per footnote, the keys it cites and their crossref volumes."""
    by_key = {w.key: w for w in bib.works}
    cited: dict[int, set[str]] = {}
    for link in bib.links:
        if link.key:
            cited.setdefault(link.footnote, set()).add(link.key)
            parent = by_key[link.key].get("crossref") if link.key in by_key else ""
            if parent:
                cited[link.footnote].add(parent)
    return cited


def apply_corrections(bib: Bibliography, corrections: Sequence[Correction]
                      ) -> tuple[Bibliography, tuple[Correction, ...]]:
    """Apply each correction to the works cited in its footnote (and their volumes)
    whose field holds the printed value. Returns the new bibliography and the
    corrections that matched nothing (for the caller to warn about). Keys stay as
    they were, so a corrected and an uncorrected bibliography cite alike."""
    cited = _cited_keys(bib)
    fields = {w.key: dict(w.fields) for w in bib.works}
    unused: list[Correction] = []
    for c in corrections:
        hit = False
        for key in sorted(cited.get(c.footnote, ())):
            if key in fields and correct(fields[key], c):
                hit = True
        if not hit:
            unused.append(c)
    works = tuple(replace(w, fields=MappingProxyType(fields[w.key])) for w in bib.works)
    return replace(bib, works=works), tuple(unused)
