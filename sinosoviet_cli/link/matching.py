"""How resolution recognises a work again: folded titles and their variants, the name
keys of persons, dates, and the mutable drafts and links a resolution run builds.

Titles and names are compared through ``text.fold_strict`` (NFC, Traditional/Simplified,
width, punctuation, spacing); names also by family name, so ``Chan, Alfred L.`` and
``Alfred L. Chan`` are one person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from sinosoviet_cli.model import Form, Person, Reference
from sinosoviet_cli.text.normalize import fold_strict as _fold_strict
from sinosoviet_cli.text.normalize import has_cjk
from sinosoviet_cli.text.titles import main_title, title_parts

#: Titles and names are folded again and again while matching; OpenCC is not free.
fold_strict = lru_cache(maxsize=65536)(_fold_strict)

_NAME_DOT = re.compile(r"[‧·・•]")
_LATIN_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.\s*)+")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TRAILING_PAGES = re.compile(r"[,，]\s*([0-9]+(?:\s*[-–—]+\s*[0-9]+)?)\s*$")


def _cjk_name_keys(form: str) -> set[str]:
    found = {fold_strict(form)}
    # 莫里斯‧邁斯納 is also cited as 邁斯納: its last part is the family name;
    # so is the transliterated part of O. B. 鮑里索夫 (cited as 鮑里索夫).
    bare = _LATIN_INITIALS.sub("", form)
    parts = [x for x in _NAME_DOT.split(bare) if x.strip()]
    if len(parts) > 1 or bare != form:
        found.add(fold_strict(parts[-1]))
    return found


def _latin_name_keys(form: str) -> set[str]:
    if "," in form:
        return {fold_strict(form.split(",", 1)[0])}
    words = form.replace(",", " ").split()
    return {fold_strict(words[-1])} if words else set()


@lru_cache(maxsize=4096)
def name_keys(person: Person) -> frozenset[str]:
    """Every way a person may be matched: whole literal, family name (+ alt form)."""
    found: set[str] = set()
    for form in (person.literal, person.alt):
        if form:
            found |= _cjk_name_keys(form) if has_cjk(form) else _latin_name_keys(form)
    if person.family:
        found.add(fold_strict(person.family))
    if person.family and person.given:
        # The whole name in either order: "Seo Tatsuhiko" printed alone (read as given
        # Seo, family Tatsuhiko) is the Seo Tatsuhiko 妹尾達彥 printed with characters.
        found.add(fold_strict(f"{person.given} {person.family}"))
        found.add(fold_strict(f"{person.family} {person.given}"))
    return frozenset(k for k in found if k)


@lru_cache(maxsize=4096)
def all_name_keys(persons: tuple[Person, ...]) -> frozenset[str]:
    return frozenset().union(*(name_keys(p) for p in persons))


def persons_of(ref: Reference) -> tuple[Person, ...]:
    return ref.authors + ref.editors + ref.translators


def title_variants(title: str) -> frozenset[str]:
    """Whole title, main title, subtitle; each also without a leading English article
    (``Sino-Soviet Split`` is a short form of ``The Sino-Soviet Split``)."""
    parts = list(title_parts(title))
    parts += [_LEADING_ARTICLE.sub("", p.strip()) for p in parts]
    return frozenset(k for k in (fold_strict(p) for p in parts) if k)


@lru_cache(maxsize=65536)
def main_key(title: str) -> str:
    return fold_strict(main_title(title))


def short_title_key(title: str) -> str:
    return fold_strict(_LEADING_ARTICLE.sub("", title.strip()))


def when(fields: Mapping[str, str]) -> tuple[str, str] | None:
    """(year, full date) of a work's fields, None if undated."""
    date = fields.get("date", "")
    year = fields.get("year", "") or date[:4]
    return (year, date or year) if year else None


def split_trailing_pages(ref: Reference) -> Reference:
    """A short title never ends in a page number: ``Sino-Soviet Split, 90`` is the
    title ``Sino-Soviet Split`` cited at page 90."""
    found = _TRAILING_PAGES.search(ref.title)
    if not found:
        return ref
    pages = ref.pages or re.sub(r"\s*[-–—]+\s*", "--", found.group(1))
    return replace(ref, title=ref.title[: found.start()].rstrip(), pages=pages)


@dataclass
class Draft:
    """A work being assembled (mutable while resolving; frozen into ``Work`` at the end)."""

    entry_type: str
    fields: dict[str, str]
    persons: tuple[Person, ...]
    title_key: str
    variants: frozenset[str]
    main_key: str = ""  # the title before its subtitle
    cited: list[int] = field(default_factory=list)
    volumes: set[str] = field(default_factory=set)  # volumes cited of a multi-volume set
    parent: int | None = None  # index of the volume a chapter is in
    is_parent: bool = False

    def name_keys(self) -> frozenset[str]:
        return all_name_keys(self.persons)

    def display_authors(self) -> str:
        return "、".join(p.display for p in self.persons[:2])


@dataclass
class Link:
    """One citation as resolved so far: the draft it points to, if any."""

    footnote: int
    text: str
    form: Form
    draft: int | None
    pages: str
    problem: str = ""
    volume: str = ""  # the volume cited, beside the pages
