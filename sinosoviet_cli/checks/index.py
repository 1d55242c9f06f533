"""The bibliography folded once for matching: an :class:`Entry` per work, and an
:class:`Index` of title bigrams and name words."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from sinosoviet_cli.checks.fold import fold_strict
from sinosoviet_cli.checks.names import Name, name_of, person_names
from sinosoviet_cli.model import Reference, Work, split_persons
from sinosoviet_cli.romanize.japanese import is_japanese
from sinosoviet_cli.text.names import ALT_ANNOTATION, key_of, parse_alt_annotation
from sinosoviet_cli.text.titles import title_parts
from sinosoviet_cli.text.years import years_in

_BIGRAM_MIN = 0.3  # share of a title's bigrams a candidate must have


@dataclass(frozen=True, slots=True)
class Entry:
    """A bibliography entry (or a work the draft cites in full but the bibliography
    lacks) as matching sees it: folded values, printed values kept for messages."""

    key: str
    titles: tuple[str, ...]  # folded variants: whole, main title, subtitle, short title
    title: str  # as printed
    people: tuple[Name, ...]
    years: frozenset[str]
    year: str
    publisher: str
    place: str
    in_bib: bool = True
    line: int | None = None
    venues: tuple[str, ...] = ()  # folded journal, volume title, publisher: full-form signs
    japanese: bool = False  # a Japanese work: its romanised values cannot be checked here

    @property
    def main_title(self) -> str:
        return self.titles[0] if self.titles else ""


def _people(value: str) -> list[str]:
    """The persons of a BibTeX name list, without BibTeX's ``and others``."""
    return [p for p in split_persons(value) if p.lower() != "others"]


@lru_cache(maxsize=1 << 14)
def title_variants(*titles: str) -> tuple[str, ...]:
    variants: list[str] = []
    for title in titles:
        if not title:
            continue
        # The whole title, then its parts between subtitle separators (text.titles).
        for v in (fold_strict(p) for p in title_parts(title)):
            if v and v not in variants:
                variants.append(v)
    return tuple(variants)


def _bare(value: str) -> str:
    return re.sub(r"[{}]", "", value).strip()


def _alternates(work: Work, parent: Work | None) -> list[Name]:
    """The other script of the entry's persons (``author+an:alt``: 莫里斯‧邁斯納 for
    Meisner, Maurice), after the field's own forms, so a draft may cite either."""
    sources = [(work, r) for r in ("author", "editor") if work.get(r)]
    if not sources and parent is not None:
        sources = [(parent, "editor")]
    return [Name(alt, key_of(alt)) for w, role in sources
            for alt in parse_alt_annotation(w.get(role + ALT_ANNOTATION)).values()]


def entry_of(work: Work, parent: Work | None = None) -> Entry:
    """Fold a work once; a ``crossref`` child inherits its volume's fields."""

    def get(name: str, *alternatives: str) -> str:
        for n in (name, *alternatives):
            value = work.get(n) or (parent.get(n) if parent else "")
            if value:
                return _bare(value)
        return ""

    title = _bare(work.get("title"))
    subtitle = _bare(work.get("subtitle"))
    full = f"{title}：{subtitle}" if subtitle else title
    titles = title_variants(full, title, _bare(work.get("shorttitle")))
    people_raw = [*_people(work.get("author")), *_people(work.get("editor"))]
    if not people_raw and parent is not None:
        people_raw = _people(parent.get("editor"))
    people = (*(name_of(p) for p in people_raw), *_alternates(work, parent))
    year = get("year", "date")
    publisher = get("publisher", "institution", "school")
    venues = (get("journal", "journaltitle", "booktitle"), _bare(parent.get("title")) if parent
              else "", publisher)
    return Entry(work.key, titles, full, people, frozenset(years_in(year)), year,
                 publisher, get("address", "location"), line=work.line,
                 venues=tuple(v for v in map(fold_strict, venues) if len(v) >= 2),
                 japanese=is_japanese(parent.fields if parent and not work.get("title")
                                      else work.fields))


def entry_of_reference(ref: Reference, key: str) -> Entry:
    """A work the draft cites in full that the bibliography lacks, so that its short
    forms and ibids still resolve."""
    people = tuple(n for p in (*ref.authors, *ref.editors) for n in person_names(p)[:1])
    return Entry(key, title_variants(ref.title), ref.title, people,
                 frozenset(years_in(ref.year)), ref.year,
                 "、".join(ref.publishers), "、".join(ref.places), in_bib=False)


@lru_cache(maxsize=1 << 14)
def bigrams(text: str) -> frozenset[str]:
    grams = {text[i : i + 2] for i in range(len(text) - 1)}
    return frozenset(grams or ({text} if text else set()))


class Index:
    """The bibliography folded once: entries by key, title bigrams and name words."""

    def __init__(self, works: Sequence[Work]) -> None:
        by_key = {w.key.casefold(): w for w in works}
        self.works = tuple(works)
        self.entries: list[Entry] = []
        self.keys: dict[str, str] = {}  # exact key → key; pandoc and biber are case-sensitive
        for w in works:
            if w.key in self.keys:
                continue
            self.keys[w.key] = w.key
            parent = by_key.get(w.get("crossref").casefold()) if w.get("crossref") else None
            self.entries.append(entry_of(w, parent))
        self.exact: dict[str, list[Entry]] = defaultdict(list)  # folded title variant
        self._grams: dict[str, set[int]] = defaultdict(set)
        self._words: dict[str, set[int]] = defaultdict(set)
        for i, e in enumerate(self.entries):
            self._add(i, e)

    def _add(self, i: int, e: Entry) -> None:
        for t in e.titles:
            self.exact[t].append(e)
            for g in bigrams(t):
                self._grams[g].add(i)
        for p in e.people:
            for w in (*p.words, p.whole):
                self._words[w].add(i)

    def with_titles(self, entry: Entry, titles: Iterable[str]) -> Entry:
        """``entry`` with more folded titles, put in its place in the index: the
        romanised title a draft prints beside a Chinese or Japanese one, so that the
        draft's short forms by it find the work."""
        extra = tuple(t for t in dict.fromkeys(titles) if t and t not in entry.titles)
        if not extra or entry not in self.entries:
            return entry
        new = replace(entry, titles=(*entry.titles, *extra))
        i = self.entries.index(entry)
        self.entries[i] = new
        for variants in self.exact.values():
            variants[:] = [new if e is entry else e for e in variants]
        self._add(i, new)
        return new

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self._add(len(self.entries) - 1, entry)

    def by_title(self, title: str, limit: int = 8) -> list[Entry]:
        grams = bigrams(title)
        if not grams:
            return []
        counts: Counter[int] = Counter()
        for g in grams:
            for i in self._grams.get(g, ()):
                counts[i] += 1
        need = max(1, int(len(grams) * _BIGRAM_MIN))
        return [self.entries[i] for i, c in counts.most_common(limit) if c >= need]

    def by_names(self, names: Iterable[Name]) -> list[Entry]:
        found: set[int] = set()
        for n in names:
            for w in (*n.words, n.whole):
                if len(w) > 1:
                    found |= self._words.get(w, set())
        return [self.entries[i] for i in sorted(found)]
