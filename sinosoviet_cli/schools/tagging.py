"""Historiographical schools: which explanation of the Great Leap and the Sino-Soviet
split each cited work stands behind, with the evidence from the paper itself.

The stage is split by role: ``model`` (the debate model from toml, a frozen value),
``works`` (persons, titles, keywords and the evidence field of bib entries),
``evidence`` (each school's support for a work), ``tag`` (tags, overrides, volumes).
This module reads a tagged bibliography (groups, proponents, decades, the ``schools``
summary) and re-exports the names callers use (``schools.apply``, ``tag_works``…).

The body sentence is kept at run time only (``Tag.sentence``); what goes into the .bib
(``keywords = {school:<id>}``, ``schoolevidence``) holds no sentence of the paper.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import Work
from sinosoviet_cli.schools.edit import MANUAL
from sinosoviet_cli.schools.evidence import Candidate, candidates
from sinosoviet_cli.schools.model import (
    Override,
    Rules,
    School,
    bundled_model,
    load_model,
    load_overrides,
    load_rules,
    model_for,
    overrides_from,
    rules_from,
)
from sinosoviet_cli.schools.tag import (
    apply,
    is_manual,
    keep_manual,
    retag,
    tag_work,
    tag_works,
)
from sinosoviet_cli.schools.works import (
    EVIDENCE_FIELD,
    KEYWORD_PREFIX,
    Tag,
    footnotes_of,
    full_title,
    parse_evidence,
    persons_of,
    plain,
    school_of,
    short_title,
    unknown_schools,
    with_school,
    year_of,
)
from sinosoviet_cli.text.latex import plain_text
from sinosoviet_cli.text.names import family_name, parse_persons
from sinosoviet_cli.text.normalize import fold, has_cjk
from sinosoviet_cli.text.years import first_year

__all__ = [
    "EVIDENCE_FIELD",
    "KEYWORD_PREFIX",
    "MANUAL",
    "UNTAGGED",
    "Candidate",
    "Override",
    "Rules",
    "School",
    "Tag",
    "apply",
    "author_label",
    "bundled_model",
    "by_key",
    "candidates",
    "containers",
    "decades",
    "footnotes_of",
    "full_title",
    "group",
    "inherited_year",
    "is_manual",
    "keep_manual",
    "language",
    "load_model",
    "load_overrides",
    "load_rules",
    "model_for",
    "original_year",
    "overrides_from",
    "parse_evidence",
    "persons_of",
    "plain",
    "proponents",
    "require_school",
    "retag",
    "rules_from",
    "school_of",
    "short_title",
    "sort_works",
    "summary",
    "tag_work",
    "tag_works",
    "unknown_schools",
    "with_school",
    "year_of",
]

UNTAGGED = "untagged"


def group(works: Iterable[Work], rules: Rules) -> list[tuple[str, list[Work]]]:
    """Works grouped by school: the known ids in data order, unknown ids, then untagged.
    Empty groups are left out."""
    groups: dict[str, list[Work]] = {}
    for w in works:
        groups.setdefault(school_of(w) or UNTAGGED, []).append(w)
    unknown = sorted(k for k in groups if k not in rules.ids and k != UNTAGGED)
    order = [*rules.ids, *unknown, UNTAGGED]
    return [(k, groups[k]) for k in order if k in groups]


def language(work: Work) -> str:
    """``zh`` or ``en``: the ``langid`` field, else whether the title has CJK."""
    langid = work.get("langid").casefold()
    if langid.startswith(("chinese", "zh", "japanese", "korean")):
        return "zh"
    if langid:
        return "en"
    return "zh" if has_cjk(work.get("title") + work.get("author")) else "en"


def author_label(work: Work) -> str:
    """``楊奎松``, ``Zagoria``, ``Robinson & Shambaugh (eds.)``, ``Teiwes et al.``."""
    people, suffix = parse_persons(work.get("author")), ""
    if not people:
        people = parse_persons(work.get("editor"))
        suffix = (" (eds.)" if len(people) > 1 else " (ed.)") if people else ""
    if not people:
        return ""
    short = [plain_text(p.literal or family_name(p)) for p in people]
    label = short[0] if len(short) == 1 else (
        f"{short[0]} & {short[1]}" if len(short) == 2 else f"{short[0]} et al.")
    return label + suffix


def proponents(works: Iterable[Work]) -> list[str]:
    """The scholars behind a school's works, as the bibliography names them (its
    corrected names, not a paper's misprints): authors, else editors; nobody for
    inherited tags (a volume's editors do not hold its chapters' views)."""
    found: dict[str, None] = {}
    for w in works:
        tag = parse_evidence(w.get(EVIDENCE_FIELD))
        if tag is not None and tag.rule == "inherited":
            continue
        found.update(dict.fromkeys(p.display for p in persons_of(w) if p.display))
    return list(found)


def by_key(works: Iterable[Work]) -> dict[str, Work]:
    """Works by case-folded key (BibTeX keys, and crossrefs, ignore case)."""
    return {w.key.casefold(): w for w in works}


def inherited_year(work: Work, context: Mapping[str, Work]) -> int | None:
    """The work's year, or the year of its crossref volume (a chapter is dated by its
    book), with biblatex's inheritance (``bibio.inherit``)."""
    from sinosoviet_cli.bibtex.bibio import inherit

    if work.get("year") or work.get("date") or not work.get("crossref"):
        return year_of(work)
    return year_of(replace(work, fields=MappingProxyType(inherit(work, context))))


def original_year(work: Work) -> int | None:
    """The year of the original of a translation (``origdate``/``origyear``), if known."""
    return first_year(work.get("origdate") or work.get("origyear"))


def sort_works(works: Iterable[Work], by: str, index: Mapping[str, Work]) -> list[Work]:
    """Works in the order ``list`` shows within a school: ``year`` (then author, then
    title), ``author`` (then year) or ``title``; undated works last."""
    def year(w: Work) -> int:
        found = inherited_year(w, index)
        return found if found is not None else 9999

    def author(w: Work) -> str:
        # Keys begin with the first person's romanised family name (DESIGN: keys), a
        # pinyin order for Chinese names that code points would not give.
        match = re.match(r"[a-z]+", w.key.casefold())
        return (match.group() if match else "") + " " + fold(author_label(w))

    def title(w: Work) -> str:
        return fold(short_title(w))

    keys: dict[str, Callable[[Work], tuple[object, ...]]] = {
        "year": lambda w: (year(w), author(w), title(w)),
        "author": lambda w: (author(w), year(w), title(w)),
        "title": lambda w: (title(w), year(w)),
    }
    if by not in keys:
        raise UsageError(f"unknown sort {by!r}", fix="use --sort year, author or title")
    return sorted(works, key=keys[by])


def containers(works: Iterable[Work]) -> set[str]:
    """Keys (case-folded) of volumes cited only through their chapters: some entry
    crossrefs them and they have no footnotes of their own."""
    works = tuple(works)
    parents = {w.get("crossref").casefold() for w in works if w.get("crossref")}
    return {w.key.casefold() for w in works
            if w.key.casefold() in parents and not footnotes_of(w)}


def decades(works: Iterable[Work], context: Iterable[Work] = ()) -> dict[int, int]:
    """Number of works per decade of publication (1960 for 1960-1969).

    ``context`` is the whole bibliography: chapters take their volume's year from it,
    and a volume cited only through its chapters (see :func:`containers`) is not
    counted, so that a book counts once, by the chapters the paper cites."""
    works = tuple(works)
    everything = (*works, *context)
    index, skip = by_key(everything), containers(everything)
    years = (original_year(w) or inherited_year(w, index)
             for w in works if w.key.casefold() not in skip)
    counts = Counter(y // 10 * 10 for y in years if y is not None)
    return dict(sorted(counts.items()))


def require_school(school_id: str, rules: Rules) -> str:
    """A ``--school`` value: an id, or a school's Chinese or English name in any letter
    case, or ``untagged``; returns the id."""
    if school_id.strip().casefold() == UNTAGGED:
        return UNTAGGED
    found = rules.find(school_id)
    if found is None:
        raise UsageError(f"unknown school {school_id!r}",
                         fix="valid ids: " + ", ".join((*rules.ids, UNTAGGED))
                         + " (or a school's Chinese or English name)")
    return found.id


def summary(works: Sequence[Work], rules: Rules) -> list[dict[str, Any]]:
    """Each school and role with its works, proponents and works per decade, in the
    order of ``schools.toml`` (unknown ids after). The decades count each work once: a
    chapter by its volume's year, and a volume cited only through its chapters not
    again itself; ``counted_via_chapters`` and ``undated`` say why a school's decades
    may add up to fewer than its works."""
    groups = dict(group(works, rules))
    ids = [*rules.ids, *(g for g in groups if g not in rules.ids)]
    index, volumes = by_key(works), containers(works)
    rows: list[dict[str, Any]] = []
    for school_id in ids:
        school, ws = rules.get(school_id), groups.get(school_id, [])
        rows.append({
            "id": school_id, "kind": school.kind if school else None,
            "name_zh": school.name_zh if school else None,
            "name_en": school.name_en if school else None,
            "description_zh": school.description_zh if school else None,
            "description_en": school.description_en if school else None,
            "section": school.section if school else None,
            "works": [w.key for w in ws], "proponents": proponents(ws),
            "decades": {str(d): n for d, n in decades(ws, works).items()},
            "counted_via_chapters": [w.key for w in ws if w.key.casefold() in volumes],
            "undated": [w.key for w in ws if w.key.casefold() not in volumes
                        and inherited_year(w, index) is None],
        })
    return rows
