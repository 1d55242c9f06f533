"""Resolving a hand-typed citation to a bibliography entry: title, names and year
scored together; the weaker the title, the more the rest must agree."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sinosoviet_cli.checks.fold import fold, fold_strict
from sinosoviet_cli.checks.index import Entry, Index, bigrams, title_variants
from sinosoviet_cli.checks.names import Name, name_similarity, person_names
from sinosoviet_cli.model import Form, Reference
from sinosoviet_cli.text.normalize import has_cjk
from sinosoviet_cli.text.titles import title_parts
from sinosoviet_cli.text.years import years_in

_NAME_CANDIDATES = 12  # works by a matching author scored for a title not found


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    title_score: float
    name_score: float


def ref_names(ref: Reference) -> list[Name]:
    people = ref.authors or ref.editors
    return [n for p in people for n in person_names(p)[:1]]


def title_score(printed: str, entry: Entry, *, short: bool = False) -> float:
    """1.0 when the printed title is one of the entry's titles (or, for a short form,
    part of one); otherwise how alike the strings are."""
    t = fold_strict(printed)
    if not t or not entry.titles:
        return 0.0
    if t in entry.titles:  # the whole title, the main title or the subtitle
        return 1.0
    if short and len(t) >= 2 and _part_of(printed, t, entry):
        return 1.0
    # The printed title adds a subtitle the entry lacks.
    if title_variants(printed)[1:2] == entry.titles[:1]:
        return 1.0
    if _romanised_title(printed, entry.title, short=short):
        return 1.0
    return max(_ratio(t, v) for v in entry.titles)


def _part_of(printed: str, folded: str, entry: Entry) -> bool:
    """A short title is part of the entry's title: a run of its characters (Chinese) or
    of its whole words (``Sino-Soviet Relation`` is not part of ``… Relations …``)."""
    if has_cjk(folded):
        return any(folded in v for v in entry.titles)
    words = _spaced_words(printed)
    return any(words in v for v in _word_titles(entry.title))


def _romanised_title(printed: str, title: str, *, short: bool) -> bool:
    """A Chinese title printed romanised (sinological Chicago): its pinyin, or for a
    short form the pinyin of its first whole words (``Mao Zedong yu Mosike`` for
    毛澤東與莫斯科的恩恩怨怨), word division, case and punctuation aside."""
    if has_cjk(printed) or not has_cjk(title):
        return False
    words = _WORD.findall(fold(printed))
    t = "".join(words)
    for joined, ends in _pinyin_parts(title):
        if t == joined or (short and len(words) >= 2 and len(t) in ends
                           and joined.startswith(t)):
            return True
    return False


@lru_cache(maxsize=1 << 12)
def _pinyin_parts(title: str) -> tuple[tuple[str, frozenset[int]], ...]:
    """Each part of a Chinese title (whole, main title, subtitle) romanised through the
    romanize module, as its letters run together and the offsets where words end."""
    from sinosoviet_cli.romanize import romanize_title

    out: list[tuple[str, frozenset[int]]] = []
    for part in title_parts(title):
        words = _WORD.findall(fold(romanize_title(part)))
        ends = frozenset(len("".join(words[: i + 1])) for i in range(len(words)))
        out.append(("".join(words), ends))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def _word_titles(title: str) -> tuple[str, ...]:
    return tuple(_spaced_words(p) for p in title_parts(title))


_WORD = re.compile(r"[^\W_]+")


def _spaced_words(text: str) -> str:
    return " " + " ".join(_WORD.findall(fold(text))) + " "


@lru_cache(maxsize=1 << 16)
def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def names_score(names: Sequence[Name], entry: Entry) -> float:
    if not names or not entry.people:
        return 0.5  # nothing to compare: neither for nor against
    return min(max(name_similarity(n, p) for p in entry.people) for n in names)


def match(ref: Reference, index: Index) -> Match | None:
    """The entry a full or short citation cites, or ``None``; a Latin-script citation
    that finds none is tried again against romanised Chinese entries."""
    from sinosoviet_cli.checks import romanised

    found = _match(ref, index)
    if found is None and romanised.extend(index, ref):
        found = _match(ref, index)
    return found


def _match(ref: Reference, index: Index) -> Match | None:
    short = ref.form is Form.SHORT
    names = ref_names(ref)
    candidates: dict[str, Entry] = {}
    printed = fold_strict(ref.title)
    exact = index.exact.get(printed, []) if printed else []
    # An exact title by a matching author settles it; otherwise search wider (two works
    # may share a title, or the printed title may be a short or misprinted one).
    settled = any(names_score(names, e) >= 0.5 for e in exact)
    for e in exact if settled else [*exact, *index.by_title(printed)]:
        candidates[e.key] = e
    if not settled:
        # Works by the same author, the most alike titles first: the title may be
        # misprinted, or (op. cit.) absent.
        by_name = index.by_names(names)
        if printed:
            grams = bigrams(printed)
            by_name.sort(key=lambda e: -max((len(grams & bigrams(v)) for v in e.titles),
                                            default=0))
        for e in by_name[:_NAME_CANDIDATES]:
            candidates.setdefault(e.key, e)
    best: Match | None = None
    best_score = -1.0
    years = set(years_in(ref.year))
    for e in candidates.values():
        t = title_score(ref.title, e, short=short) if ref.title else 0.0
        a = names_score(names, e)
        y = 0.5 if not years or not e.years else float(bool(years & e.years))
        if not _acceptable(t, a, y, has_title=bool(ref.title), short=short):
            continue
        score = t + 0.3 * a + 0.1 * y + (0.05 if e.in_bib else 0.0)
        if score > best_score:
            best, best_score = Match(e, t, a), score
    return best


def _acceptable(t: float, a: float, y: float, *, has_title: bool, short: bool) -> bool:
    if not has_title:
        return short and a >= 1.0  # an author alone: 前引書 / op. cit.
    """Whether title, name and year scores (``y``: 1 same, 0.5 unknown, 0 differs) make
    a match. The weaker the title, the more the rest must agree."""
    if t >= 0.999:
        return not short or a >= 0.5
    if t >= 0.85:
        return a >= 0.5
    if t >= 0.6:  # a misprinted title: the same author, and the same year if printed
        return a >= 0.99 and y >= 0.5
    return t >= 0.4 and a >= 0.99 and y >= 1.0
