"""Analysing a draft: every citation resolved to an entry, or not.

Full citations match the bibliography, or become draft-only works so that their short
forms resolve; short forms match the bibliography and the draft's earlier works; an
ibid takes the previous citation. The rules only read the resulting :class:`Analysis`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from sinosoviet_cli.checks import parallel
from sinosoviet_cli.checks.fold import fold_strict
from sinosoviet_cli.checks.index import Entry, Index, entry_of_reference
from sinosoviet_cli.checks.match import Match, match, ref_names
from sinosoviet_cli.checks.names import Name, person_names, same_person
from sinosoviet_cli.model import Form, Reference, Unparsed, Work
from sinosoviet_cli.paper.drafts import Draft, DraftNote
from sinosoviet_cli.text.normalize import has_cjk


@dataclass(frozen=True, slots=True)
class Cite:
    """One citation of the draft, resolved: ``work`` is the cited entry's key (a key
    citation's own key; ``""`` when unknown)."""

    note: int  # index of the note in reading order
    footnote: int | None
    line: int
    column: int
    text: str
    form: Form
    keyed: bool
    work: str = ""
    reference: Reference | None = None
    match: Match | None = None
    start: int = 0  # offset in the note's text
    ibid_of: tuple[str, ...] = ()  # what an ibid may refer to


@dataclass(frozen=True, slots=True)
class Analysis:
    draft: Draft
    index: Index
    cites: tuple[Cite, ...]
    bib_path: str = ""
    bib_problems: tuple[Unparsed, ...] = ()
    by_note: Mapping[int, tuple[Cite, ...]] = field(default_factory=dict)


Segmenter = Callable[[str], Sequence[tuple[int, Reference]]]


def default_segmenter() -> Segmenter:
    """Hand-typed notes split into citations by ``notes.segment`` (commentary dropped);
    each distinct note text is parsed once."""
    from sinosoviet_cli import grammar as notes
    from sinosoviet_cli.checks import romanised

    @cache
    def segment(text: str) -> tuple[tuple[int, Reference], ...]:
        found: list[tuple[int, Reference]] = []
        for seg in notes.segment(text):
            if seg.kind == "citation" and isinstance(seg.reference, Reference):
                found.append((seg.start, seg.reference))
        stripped = None if found else romanised.without_characters(text)
        if stripped is not None:  # ``Yang Kuisong 楊奎松, *Zouxiang polie* 走向破裂 …``
            found = [(stripped[1][s.start] if s.start < len(stripped[1]) else s.start,
                      s.reference) for s in notes.segment(stripped[0])
                     if s.kind == "citation" and isinstance(s.reference, Reference)]
        return tuple(found)

    return segment


def analyse(draft: Draft, works: Sequence[Work], *, segmenter: Segmenter | None = None,
            index: Index | None = None, bib_path: str = "",
            bib_problems: Sequence[Unparsed] = (),
            progress: Callable[[int], None] | None = None,
            jobs: int | None = None) -> Analysis:
    """Resolve every citation of the draft, note by note (see the module docstring).
    A long draft's notes are segmented first, on both cores (``jobs``: 1 forces one
    process); resolution stays in order."""
    segment = segmenter if segmenter is not None else default_segmenter()
    indexed = [index] if index is not None else []
    if jobs is not None or len(draft.notes) >= parallel.PARALLEL_MIN:
        # The bibliography is indexed here while the worker has begun segmenting.
        segment = _presegmented(segment, draft, jobs,
                                None if indexed else lambda: indexed.append(Index(works)))
    resolver = _Resolver(indexed[0] if indexed else Index(works), segment)
    cites: list[Cite] = []
    by_note: dict[int, tuple[Cite, ...]] = {}
    previous: tuple[str, ...] = ()
    for i, note in enumerate(draft.notes):
        here = resolver.note(i, note, previous)
        cites.extend(here)
        by_note[i] = tuple(here)
        previous = tuple(dict.fromkeys(x for c in here for x in _identities(c)))
        if progress is not None:
            progress(i + 1)
    return Analysis(draft, resolver.index, tuple(cites), bib_path, tuple(bib_problems),
                    by_note)


def _presegmented(segment: Segmenter, draft: Draft, jobs: int | None,
                  meanwhile: Callable[[], object] | None = None) -> Segmenter:
    """``segment`` with every note of ``draft`` already segmented (see ``parallel``)."""
    done = parallel.map_distinct(segment, (n.text for n in draft.notes), jobs=jobs,
                                 meanwhile=meanwhile)

    def segmented(text: str) -> Sequence[tuple[int, Reference]]:
        found = done.get(text)
        return found if found is not None else segment(text)

    return segmented


class _Resolver:
    """The state resolution carries from note to note: matches already made (a draft
    cites a work many times), the names of the works cited so far, and the count of
    draft-only works."""

    def __init__(self, index: Index, segment: Segmenter) -> None:
        self.index = index
        self.segment = segment
        self.matched: dict[tuple[Form, str, str, str], Match | None] = {}
        self.recent: list[tuple[Name, Entry]] = []  # printed names of the works cited so far
        self.romanised: dict[str, Entry] = {}  # romanised titles printed in full notes
        self.draft_only = 0

    def note(self, i: int, note: DraftNote, previous: tuple[str, ...]) -> list[Cite]:
        """The citations of one note: its key citations, then its hand-typed ones."""
        here = [Cite(i, note.n, k.line, k.column, k.key, Form.FULL, True,
                     k.key if k.key in self.index.keys else "") for k in note.keys]
        typed = self.segment(note.text) if note.text else ()
        for j, (start, ref) in enumerate(typed):
            end = typed[j + 1][0] if j + 1 < len(typed) else len(note.text)
            here.append(self._cite(i, note, start, end, ref, here, previous))
        return here

    def _cite(self, i: int, note: DraftNote, start: int, end: int, ref: Reference,
              here: list[Cite], previous: tuple[str, ...]) -> Cite:
        if ref.form is Form.SHORT and _has_imprint(ref):
            ref = replace(ref, form=Form.FULL)  # a journal or a year makes it full
        line, column = note.where(start)
        if ref.form is Form.IBID:
            # Within a note, an ibid repeats the citation just before it.
            target = _identities(here[-1]) if here else previous
            return Cite(i, note.n, line, column, ref.text, ref.form, False,
                        target[0] if len(target) == 1 else "", ref, None, start, target)
        m = self._resolve(ref, f"?{note.n or i + 1}")
        if m is None:
            return Cite(i, note.n, line, column, ref.text, ref.form, False, reference=ref,
                        start=start)
        if ref.form is Form.FULL and m.entry.in_bib and has_cjk(m.entry.title):
            m = self._printed_romanised(note.text[start:end], m)
        form = ref.form
        if form is Form.SHORT and (_names_venue(note.text[start:end], m.entry)
                                   or imprint_follows(note.text, start + len(ref.text), end)):
            form = Form.FULL  # a short form never names the journal
        self.recent += [(n, m.entry) for p in (*ref.authors, *ref.editors)
                        for n in person_names(p)]
        # Built once, whole (``dataclasses.replace`` cost a tenth of the resolution).
        return Cite(i, note.n, line, column, ref.text, form, False, m.entry.key, ref, m, start)

    def _printed_romanised(self, text: str, m: Match) -> Match:
        """A full note that prints a Chinese or Japanese work's title romanised beside
        its characters (``*Chōsen sensō zenshi* 朝鮮戦争全史``): the romanised title
        names that work in the draft's short forms, even where no romanisation this
        tool makes would give it (Japanese readings, older spellings)."""
        from sinosoviet_cli.grammar import emphasis

        coded = emphasis.encode(text)
        titles = [fold_strict(coded[a:b].strip(emphasis.CLOSE))
                  for a, b in emphasis.spans(coded)]
        titles = [t for t in titles if t and not has_cjk(t)]
        if not titles:
            return m
        entry = self.index.with_titles(m.entry, titles)
        self.romanised.update(dict.fromkeys(titles, entry))
        return replace(m, entry=entry)

    def _resolve(self, ref: Reference, draft_key: str) -> Match | None:
        """The entry a full or short citation cites; a full citation the bibliography
        lacks becomes a draft-only entry keyed ``?note.k``."""
        memo = (ref.form, ref.title, _names_key(ref), ref.year)
        if ref.form is Form.SHORT and not ref.title:
            # 前引書 / op. cit.: the work last cited under this name in the draft.
            m = _cited_before(ref, self.recent)
            if m is not None:
                return m
        if memo not in self.matched:
            self.matched[memo] = match(ref, self.index)
        m = self.matched[memo]
        if m is None and ref.form is Form.SHORT and fold_strict(ref.title) in self.romanised:
            return Match(self.romanised[fold_strict(ref.title)], 1.0, 1.0)
        if m is None and ref.form is Form.FULL and (ref.title or ref.authors):
            self.draft_only += 1
            entry = entry_of_reference(ref, f"{draft_key}.{self.draft_only}")
            self.index.add(entry)
            m = Match(entry, 1.0, 1.0)
            self.matched[memo] = m
        return m


def _cited_before(ref: Reference, recent: list[tuple[Name, Entry]]) -> Match | None:
    names = ref_names(ref)
    for printed, entry in reversed(recent):
        if any(same_person(n, printed) for n in names):
            return Match(entry, 1.0, 1.0)
    return None


def _names_venue(text: str, entry: Entry) -> bool:
    folded = fold_strict(text)
    return any(v in folded for v in entry.venues)


IMPRINT = re.compile(r"[（(][^（()）]{0,60}[:：][^（()）]{0,80}?(?:1[5-9]|20)\d\d"
                     r"[^（()）]{0,20}[）)]")
_EDITION_MARK = re.compile(r"\s*[（(][^（()）]{1,8}[）)]")


def imprint_follows(text: str, at: int, end: int) -> bool:
    """The citation ends before a place, publisher and year it did not read (a
    bracketed edition mark the grammar does not know, ``（修订本）（北京：…，2007）``):
    it is a full citation all the same; the ``unread-note`` rule reports the rest."""
    rest = text[at:end]
    mark = _EDITION_MARK.match(rest)
    return bool((mark and IMPRINT.match(rest, mark.end())) or IMPRINT.match(rest.lstrip()))


def _has_imprint(ref: Reference) -> bool:
    return bool(ref.container or ref.publishers or ref.places or ref.year or ref.institution
                or ref.url)


def _names_key(ref: Reference) -> str:
    return "|".join(p.display + "/" + p.alt for p in (ref.authors or ref.editors))


def _identities(c: Cite) -> tuple[str, ...]:
    """What a later ibid may refer to: the cited work (``""`` if unresolved); an ibid
    that could not be resolved passes its own candidates on."""
    if c.form is Form.IBID and not c.work:
        return c.ibid_of
    return (c.work,)
