"""Where resolution finds an earlier work again: an index of the drafts built so far.

Without it every new citation was compared with every earlier work (parse of a
1,000-note paper took 16x the 100-note one). The index only narrows the candidates:
callers still apply their own test (``resolve._same_work``, ``backrefs._score``) to each
one, in draft order, so a result never depends on the index. ``DraftIndex(brute=True)``
offers every draft as a candidate: the reference the tests compare the index with.

Keys are the ones the tests use: a draft's folded title and main title (same work), its
title variants (short forms: exact, or the start of a variant), its persons' name keys
(``前引書`` with an author).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

from sinosoviet_cli.link.matching import Draft, all_name_keys


class DraftIndex:
    """Drafts by title key, main-title key, title variant and name key (append-only:
    those keys are fixed when a draft is made; ``_merge`` changes only its fields)."""

    def __init__(self, *, brute: bool = False) -> None:
        self.brute = brute
        self._count = 0
        self._names: list[frozenset[str]] = []
        self._by_title: dict[str, list[int]] = {}
        self._by_main: dict[str, list[int]] = {}
        self._by_variant: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        self._sorted_variants: list[tuple[str, int]] = []

    def add(self, draft: Draft) -> int:
        """Index the next draft (drafts are added in order); returns its index."""
        i = self._count
        self._count += 1
        names = all_name_keys(draft.persons)
        self._names.append(names)
        self._by_title.setdefault(draft.title_key, []).append(i)
        if draft.main_key:
            self._by_main.setdefault(draft.main_key, []).append(i)
        for v in draft.variants:
            self._by_variant.setdefault(v, []).append(i)
            insort(self._sorted_variants, (v, i))
        for k in names:
            self._by_name.setdefault(k, []).append(i)
        return i

    def name_keys(self, i: int) -> frozenset[str]:
        """The name keys of draft ``i``'s persons (computed once)."""
        return self._names[i]

    def _all(self) -> list[int]:
        return list(range(self._count))

    def same_title(self, title_key: str, main: str) -> list[int]:
        """Drafts that may be the work titled so: same folded title or main title."""
        if self.brute:
            return self._all()
        found = self._by_title.get(title_key, [])
        if main and main in self._by_main:
            return _merged(found, self._by_main[main])
        return list(found)

    def by_title_start(self, title: str, *, prefix: bool) -> list[int]:
        """Drafts with this title variant, or (``prefix``) a variant starting with it."""
        if self.brute:
            return self._all()
        if not prefix:
            return list(self._by_variant.get(title, []))
        found: set[int] = set()
        entries = self._sorted_variants
        at = bisect_left(entries, (title, -1))
        while at < len(entries) and entries[at][0].startswith(title):
            found.add(entries[at][1])
            at += 1
        return sorted(found)

    def by_names(self, wanted: Iterable[str]) -> list[int]:
        """Drafts sharing a name key with ``wanted``."""
        if self.brute:
            return self._all()
        found: set[int] = set()
        for k in wanted:
            found.update(self._by_name.get(k, ()))
        return sorted(found)


def _merged(a: list[int], b: list[int]) -> list[int]:
    return sorted(set(a) | set(b))
