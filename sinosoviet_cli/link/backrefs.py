"""Back-references: which earlier work a short form, ``同上``/``Ibid.`` or ``同註5``
points to. This is the one place where the paper's ibid rule lives.

A short form links to the earlier work whose full title, main title, subtitle or the
start of its title it prints, preferring one by the same author; a short form whose
author differs from its only candidate's still links, with a problem saying so.
``前引書``/``op. cit.`` with an author links to that author's unique earlier work;
``同上``/``Ibid.`` to the previous citation in the same note, else to the single work
of the previous note that cites something (unresolved where that note cites several);
``同註5`` to the single work of note 5.

Each function returns ``(draft index or None, problem)``; ``problem`` is empty when
the link is certain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sinosoviet_cli.link.index import DraftIndex
from sinosoviet_cli.link.matching import (
    Draft,
    Link,
    all_name_keys,
    persons_of,
    short_title_key,
)
from sinosoviet_cli.model import Person, Reference
from sinosoviet_cli.text.normalize import has_cjk

#: The problem of a short form with nothing earlier to point to (it becomes a work).
NO_EARLIER = "short form with no earlier full citation"

Target = tuple[int | None, str]


def ibid(here: Sequence[Link], previous: Sequence[Link]) -> Target:
    """``同上``/``Ibid.``: the previous citation of this note, else the single work of
    the previous note that cites something."""
    if here:
        last = here[-1]
        if last.draft is None:
            return None, "ibid after a citation that is unresolved"
        return last.draft, ""
    if not previous:
        return None, "ibid with no earlier citation"
    works = {link.draft for link in previous}
    if len(previous) > 1 and len(works) > 1:
        return None, f"ibid after a note that cites {len(previous)} works"
    target = previous[-1].draft
    if target is None:
        return None, "ibid after a citation that is unresolved"
    return target, ""


def same_note(by_note: Mapping[int, Sequence[Link]], n: int, number: str) -> Target:
    """同註5: the single work note 5 cites (unresolved where it cites several)."""
    cited = by_note.get(int(number)) if int(number) != n else None
    if cited is None:
        return None, f"同註{number}: note {number} is not an earlier note of the paper"
    works = [link.draft for link in cited]
    if not works:
        return None, f"同註{number}: note {number} cites no work"
    if len(set(works)) > 1:
        return None, f"同註{number}: note {number} cites {len(set(works))} works"
    if works[0] is None:
        return None, f"同註{number}: the citation of note {number} is unresolved"
    return works[0], ""


def short(drafts: Sequence[Draft], ref: Reference, index: DraftIndex | None = None
          ) -> Target:
    """The earlier work a short form points to. ``(None, NO_EARLIER)`` when no earlier
    title matches: the caller then keeps the citation as a work of its own. ``index``
    (the drafts', kept by the caller) narrows the drafts looked at; without it, all."""
    persons = persons_of(ref)
    wanted = all_name_keys(persons)
    title = short_title_key(ref.title)
    if not title:
        pool = index.by_names(wanted) if index is not None else range(len(drafts))
        return _by_author_only(drafts, pool, ref, persons, wanted)
    prefix_ok = len(title) >= (4 if has_cjk(ref.title) else 8)
    pool = (index.by_title_start(title, prefix=prefix_ok) if index is not None
            else range(len(drafts)))
    scored = _scored(drafts, pool, title, prefix_ok=prefix_ok)
    if not scored and wanted:  # a one-word short title with its author: "MacFarquhar, Origins"
        pool = index.by_names(wanted) if index is not None else range(len(drafts))
        scored = [(s, i) for s, i in _scored(drafts, pool, title, prefix_ok=True)
                  if drafts[i].name_keys() & wanted]
    if not scored:
        return None, NO_EARLIER
    return _choose(drafts, scored, persons, wanted)


def _by_author_only(drafts: Sequence[Draft], pool: Iterable[int], ref: Reference,
                    persons: tuple[Person, ...], wanted: frozenset[str]) -> Target:
    """``前引書`` with an author: that author's unique earlier work."""
    if not wanted:
        backref = ref.extra.get("backref", "")
        return None, f"{backref or 'short form'} names neither author nor title"
    found = [i for i in pool if drafts[i].cited and drafts[i].name_keys() & wanted]
    if len(found) == 1:
        return found[0], ""
    who = "、".join(p.display for p in persons)
    if not found:
        return None, f"no earlier work by {who}"
    return None, f"{who} has {len(found)} earlier works; the citation does not say which"


def _scored(drafts: Sequence[Draft], pool: Iterable[int], title: str, *,
            prefix_ok: bool) -> list[tuple[int, int]]:
    """(2, i) for a draft of ``pool`` (indices in order) with this exact title
    variant, (1, i) for a title prefix."""
    scored: list[tuple[int, int]] = []
    for i in pool:
        d = drafts[i]
        if title in d.variants:
            scored.append((2, i))
        elif prefix_ok and any(v.startswith(title) for v in d.variants):
            scored.append((1, i))
    return scored


def _choose(drafts: Sequence[Draft], scored: list[tuple[int, int]],
            persons: tuple[Person, ...], wanted: frozenset[str]) -> Target:
    # The author decides first (Zagoria's "Sino-Soviet Conflict 1956-1961" over an
    # edited "Sino-Soviet Conflict"), then exact title over title prefix, then works
    # cited before over volumes known only as containers.
    by_author = [(s, i) for s, i in scored if not wanted or drafts[i].name_keys() & wanted]
    if by_author:
        best = max(s for s, _ in by_author)
        top = [i for s, i in by_author if s == best]
        cited_first = [i for i in top if drafts[i].cited] or top
        if len(cited_first) == 1:
            return cited_first[0], ""
        return None, f"title matches {len(cited_first)} earlier works"
    best = max(s for s, _ in scored)
    top = [i for s, i in scored if s == best]
    if len(top) == 1:
        printed = "、".join(p.display for p in persons)
        return top[0], (f"author printed as {printed}; the work's author is "
                        f"{drafts[top[0]].display_authors()}")
    return None, f"title matches {len(top)} earlier works by other authors"
