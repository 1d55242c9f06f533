"""Tagging: each work's school from its own evidence, then reviewed overrides, then
volumes from their chapters. The school model (``Rules``) and the overrides are
explicit parameters; ``apply`` defaults to the bundled ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from types import MappingProxyType

from sinosoviet_cli.model import Bibliography, CitationLink, Paper, Work
from sinosoviet_cli.schools.edit import MANUAL
from sinosoviet_cli.schools.evidence import (
    Candidate,
    PaperView,
    Sentence,
    candidates_in,
    kind_of,
    view,
)
from sinosoviet_cli.schools.model import Override, Rules, load_rules
from sinosoviet_cli.schools.works import (
    EVIDENCE_FIELD,
    Tag,
    footnotes_of,
    plain,
    short_title,
    with_school,
)
from sinosoviet_cli.text.normalize import fold


def tag_work(work: Work, paper: Paper, rules: Rules, links: Iterable[CitationLink] = (),
             body: Sequence[Sentence] | None = None) -> Tag:
    """The tag of one work from its own evidence (no volumes, no overrides)."""
    links = tuple(links)
    return _own_tag(work, candidates_in(work, view(paper, body, rules), rules, links), rules,
                    links)


def _own_tag(work: Work, found: list[Candidate], rules: Rules,
             links: Sequence[CitationLink]) -> Tag:
    notes = footnotes_of(work, links)
    kind = kind_of(work, rules)
    others = tuple(c.label for c in found)
    if kind is not None:
        return Tag(kind, "kind", footnotes=notes, others=others)
    best = found[0] if found and not found[0].negated else None
    if best is None or best.score < rules.min_score:
        return Tag(rules.fallback, "none", footnotes=notes, others=others)
    sections = tuple(dict.fromkeys([*best.sections, *(s for c in found for s in c.sections)]))
    return Tag(best.school, best.rule, sections, notes, best.names,
               tuple(c.label for c in found[1:]), sentence=best.sentence)


def _matches(override: Override, work: Work) -> bool:
    if override.key:
        return override.key.casefold() == work.key.casefold()
    wanted = fold(plain(override.title))
    return wanted in (fold(plain(work.get("title"))), fold(short_title(work)))


def _overridden(work: Work, tag: Tag, overrides: Sequence[Override]) -> Tag:
    rule = next((o for o in overrides if _matches(o, work)), None)
    if rule is None:
        return tag
    # The rules' sections and names argued for the old school: the reason replaces them.
    others = tuple(o for o in tag.others if not o.startswith(rule.school + " "))
    return replace(tag, school=rule.school, rule="override", reason=rule.reason,
                   was=f"{tag.school} ({tag.rule})", others=others, sections=(),
                   names=(), sentence="")


def _inherited(own: Tag, kids: list[str], tags: dict[str, Tag], rules: Rules) -> Tag:
    """A volume's tag from its chapters' (the most common school, data order on ties)."""
    counts = Counter(tags[k].school for k in kids)
    school = max(counts, key=lambda s: (counts[s], -rules.ids.index(s)
                                        if s in rules.ids else 0))
    notes = tuple(sorted({n for k in kids for n in tags[k].footnotes} | set(own.footnotes)))
    return Tag(school, "inherited", footnotes=notes, source=tuple(kids),
               others=(f"{own.school} ({own.rule})",) if own.school != school else ())


def tag_works(paper: Paper, works: Sequence[Work], links: Iterable[CitationLink] = (),
              rules: Rules | None = None,
              overrides: Sequence[Override] = (), *, indexed: bool = True) -> dict[str, Tag]:
    """Tags for all works: own evidence, then overrides (those given, then the model's
    own), then volumes from their chapters.
    The paper is read once, the links grouped by key once, and each work's candidates
    are computed once (``indexed=False``: the body searched in full for every work, the
    slow reference of the tests)."""
    rules = rules or load_rules()
    overrides = (*overrides, *rules.overrides)  # given first, then the model's own
    by_key: dict[str, list[CitationLink]] = {}
    for link in links:
        by_key.setdefault(link.key, []).append(link)
    seen: PaperView = view(paper, rules=rules, indexed=indexed)
    found = {w.key: candidates_in(w, seen, rules, by_key.get(w.key, ())) for w in works}
    raw = {w.key: _own_tag(w, found[w.key], rules, by_key.get(w.key, ())) for w in works}
    scores = {w.key: max((c.score for c in found[w.key] if not c.negated), default=0)
              for w in works}
    tags = {w.key: _overridden(w, raw[w.key], overrides) for w in works}
    children: dict[str, list[str]] = {}
    for w in works:
        parent = w.get("crossref").casefold()
        if parent:
            children.setdefault(parent, []).append(w.key)
    for w in works:
        kids = children.get(w.key.casefold(), [])
        own = raw[w.key]
        if not kids or own.rule == "kind" or scores[w.key] >= rules.volume_own_score:
            continue
        tags[w.key] = _overridden(w, _inherited(own, kids, tags, rules), overrides)
    return tags


def apply(paper: Paper, bibliography: Bibliography, rules: Rules | None = None,
          overrides: Sequence[Override] | None = None) -> Bibliography:
    """Return the bibliography with ``keywords = {school:<id>}`` and ``schoolevidence``
    set on every work. ``rules`` and ``overrides`` default to the bundled model."""
    rules = rules or load_rules()
    overrides = rules.overrides if overrides is None else overrides
    tags = tag_works(paper, bibliography.works, bibliography.links, rules, overrides)
    return replace(bibliography, works=tuple(retag(w, tags[w.key]) for w in bibliography.works))


def retag(work: Work, tag: Tag) -> Work:
    """The work with its school keyword and evidence field set from ``tag``."""
    fields = dict(work.fields)
    fields["keywords"] = with_school(fields.get("keywords", ""), tag.school)
    fields[EVIDENCE_FIELD] = tag.field()
    return replace(work, fields=MappingProxyType(fields))



def is_manual(work: Work) -> bool:
    """True where a person set the work's school by hand (``tag``)."""
    from sinosoviet_cli.schools.works import parse_evidence

    tag = parse_evidence(work.get(EVIDENCE_FIELD))
    return tag is not None and tag.rule == MANUAL


def keep_manual(bibliography: Bibliography, previous: Iterable[Work]) -> Bibliography:
    """The bibliography with the hand-set schools of ``previous`` (the file a
    regenerating ``parse --force`` replaces) kept on the works of the same key."""
    manual = {w.key.casefold(): w for w in previous if is_manual(w)}
    if not manual:
        return bibliography

    def kept(work: Work) -> Work:
        old = manual.get(work.key.casefold())
        if old is None:
            return work
        fields = dict(work.fields)
        fields["keywords"] = old.get("keywords")
        fields[EVIDENCE_FIELD] = old.get(EVIDENCE_FIELD)
        return replace(work, fields=MappingProxyType(fields))

    return replace(bibliography, works=tuple(kept(w) for w in bibliography.works))
