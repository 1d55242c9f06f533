"""Resolution: from parsed citation spans to works and links.

``resolve`` walks the notes in order. A full citation becomes a work, or is merged into
an earlier one with the same title and persons (see ``matching``; the candidates come
from ``index``, so a citation is not compared with every earlier work); short forms, ibids
and ``同註N`` link to earlier works by the rules of ``backrefs`` (the one home of the
ibid rule). A work's first citation counts as full even when printed short (a chapter
whose volume is cited in full elsewhere).

A chapter (``incollection``) gets a ``collection`` entry for its volume (shared by all
its chapters) and a ``crossref`` to it. Fields come from ``fields``, keys from ``keys``;
``footnotes`` lists where the paper cites a work. Works are ordered by first citation,
each volume right after the last of its chapters (classic BibTeX wants crossref parents
after children).

Corrections (``corrections``) are reviewed fixes of evident misprints, applied by
``apply_corrections`` only on request. This module re-exports the names callers used
before the split (``escape``, ``Correction``, ``load_corrections``, …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Protocol

from sinosoviet_cli.bibtex.escape import escape, unescape
from sinosoviet_cli.grammar import langid, printed_persons
from sinosoviet_cli.link import backrefs, keys
from sinosoviet_cli.link.corrections import (
    Correction,
    apply_corrections,
    bundled_corrections,
    load_corrections,
)
from sinosoviet_cli.link.corrections import correct as _correct
from sinosoviet_cli.link.fields import normalised_type, own_fields, volume_fields
from sinosoviet_cli.link.index import DraftIndex
from sinosoviet_cli.link.matching import (
    Draft,
    Link,
    all_name_keys,
    fold_strict,
    main_key,
    persons_of,
    split_trailing_pages,
    title_variants,
    when,
)
from sinosoviet_cli.model import (
    Bibliography,
    CitationLink,
    Form,
    Paper,
    Person,
    Reference,
    Unparsed,
    Work,
)
from sinosoviet_cli.text.normalize import has_cjk

__all__ = [
    "Correction", "SegmentLike", "apply_corrections", "build", "bundled_corrections",
    "escape", "fold_strict", "fold_title", "langid", "load_corrections", "resolve",
    "unescape",
]


class SegmentLike(Protocol):
    """What ``resolve`` needs of a ``notes.Segment``."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def reference(self) -> Reference | None: ...
    @property
    def problem(self) -> str: ...


def _whole_name(person: Person) -> frozenset[str]:
    """A romanised name's words, folded, in no order (Seo Tatsuhiko = Tatsuhiko Seo)."""
    return frozenset(fold_strict(w) for w in f"{person.family} {person.given}".split())


class _Resolver:
    def __init__(self, corrections: Sequence[Correction] = (), *, brute: bool = False) -> None:
        self.corrections = tuple(corrections)  # for keys only (see ``resolve``)
        self.drafts: list[Draft] = []
        self.index = DraftIndex(brute=brute)  # brute: every draft a candidate (tests)
        self.links: list[Link] = []
        self.unparsed: list[Unparsed] = []
        self.by_note: dict[int, list[Link]] = {}  # for 同註5
        self.romanised: dict[frozenset[str], Person] = {}  # see _known_persons
        self.in_note: list[Person] = []  # persons the current note's prose names

    # Works ------------------------------------------------------------------

    def _new(self, kind: str, fields: dict[str, str], persons: tuple[Person, ...],
             title: str) -> int:
        # A sinological entry is also cited by its romanised title (Shi, Xi'an lishi dituji).
        variants = title_variants(title) | title_variants(fields.get("userb", ""))
        draft = Draft(kind, fields, persons, fold_strict(title), variants, main_key(title))
        self.drafts.append(draft)
        return self.index.add(draft)

    def _same_as(self, title: str, persons: tuple[Person, ...], fields: Mapping[str, str],
                 kinds: tuple[str, ...] = ()) -> int | None:
        """The first earlier draft (of one of ``kinds``, if given) that is this work:
        the index offers the candidates, ``_same_work`` decides."""
        if not title:
            return None
        for i in self.index.same_title(fold_strict(title), main_key(title)):
            d = self.drafts[i]
            if (not kinds or d.entry_type in kinds) and self._same_work(
                    i, title, persons, fields):
                return i
        return None

    def _same_work(self, i: int, title: str, persons: tuple[Person, ...],
                   fields: Mapping[str, str]) -> bool:
        """One work printed twice: same title (or, for the same persons and year, the
        same main title with and without its subtitle), persons and dates that agree."""
        d = self.drafts[i]
        if not title:
            return False
        same_persons = bool(persons and d.persons) and bool(
            self.index.name_keys(i) & all_name_keys(persons))
        if persons and d.persons and not same_persons:
            return False
        mine, theirs = when(fields), when(d.fields)
        volume, their_volume = fields.get("volume", ""), d.fields.get("volume", "")
        if volume and their_volume and volume != their_volume:
            # 《文稿》第7册 (1992), 第8册 (1993): volumes of one set, each with its own year
            mine = theirs = None
        if mine and theirs and (mine[0] != theirs[0] or
                                (len(mine[1]) == len(theirs[1]) == 10 and mine != theirs)):
            return False  # another edition, or another day's newspaper
        if d.title_key == fold_strict(title):
            return True
        return (same_persons and bool(mine and theirs) and bool(d.main_key)
                and d.main_key == main_key(title))

    def _merge(self, index: int, fields: Mapping[str, str]) -> None:
        """Add what a later full citation prints. A work cited in several of its volumes
        is the whole set: its entry has no ``volume`` (each citation keeps its own)."""
        draft = self.drafts[index]
        volumes = {v for v in (draft.fields.get("volume"), fields.get("volume")) if v}
        draft.volumes |= volumes
        if len(draft.volumes) > 1:
            draft.fields.pop("volume", None)
            fields = {k: v for k, v in fields.items() if k != "volume"}
        for name, value in fields.items():
            draft.fields.setdefault(name, value)

    def _volume(self, ref: Reference) -> int:
        persons = ref.container_editors or ref.editors
        fields = volume_fields(ref)
        found = self._same_as(ref.container, persons, fields, ("collection", "book"))
        if found is not None:
            self._merge(found, fields)
            self.drafts[found].is_parent = True
            return found
        i = self._new("collection", fields, persons, ref.container)
        self.drafts[i].is_parent = True
        return i

    def _known_persons(self, ref: Reference) -> Reference:
        """A romanised name the paper printed once with its characters (Seo Tatsuhiko
        妹尾達彥) is that person where it recurs without them, in either order: the
        characters go to the field, the romanised form beside them, as printed first."""
        printed = [p for p in ref.authors if has_cjk(p.literal)]
        for p in printed:
            if p.family and p.given:
                self.romanised.setdefault(_whole_name(p), p)
        if not ref.authors or printed:
            return ref  # only a citation whose every author lacks characters gains them
        known = [self._known(p) for p in ref.authors]
        persons = tuple(p for p in known if p is not None)
        if len(persons) != len(known):
            return ref
        extra = {**ref.extra, "romanized_names": " and ".join(
            f"{p.family} {p.given}" for p in persons)}
        return replace(ref, authors=persons, extra=extra)

    def _known(self, person: Person) -> Person | None:
        """The person printed with characters whose romanised name this is; a bare
        family name (``see Li, …``) is the one person of that family the same note's
        prose has just named (Li Jianchao 李建超)."""
        if person.given:
            return self.romanised.get(_whole_name(person))
        family = fold_strict(person.family)
        here = [p for p in self.in_note if fold_strict(p.family) == family]
        return here[0] if len(here) == 1 else None

    def _prose_persons(self, text: str) -> None:
        """Names the prose prints in both scripts (by Xu Song 徐松) count as printed."""
        if has_cjk(text):
            for p in printed_persons(text):
                self.romanised.setdefault(_whole_name(p), p)
                self.in_note.append(p)

    def full(self, ref: Reference) -> tuple[int, str]:
        if not ref.title and ref.container and ref.entry_type == "article":
            # 《人民日報》，1962年12月15日: an issue cited without an article title.
            ref = replace(ref, title=ref.container)
        ref = self._known_persons(ref)
        kind = normalised_type(ref)
        persons = persons_of(ref) if kind != "incollection" else ref.authors
        fields = own_fields(ref, kind)
        found = self._same_as(ref.title, persons, fields)
        if found is not None:
            self._merge(found, fields)
            d = self.drafts[found]
            if kind == "incollection" and d.parent is None and ref.container:
                d.parent = self._volume(ref)
            return found, ""
        index = self._new(kind, fields, persons, ref.title)
        if kind == "incollection":
            self.drafts[index].parent = self._volume(ref)
        return index, ""

    def short(self, ref: Reference) -> tuple[int | None, str]:
        """The earlier work a short form points to (``backrefs.short``). A short form
        with nothing earlier becomes a work of its own, problem ``NO_EARLIER``
        (``_one`` then counts it as the work's full citation)."""
        target, problem = backrefs.short(self.drafts, ref, self.index)
        if problem == backrefs.NO_EARLIER:
            # Nothing earlier to point to: keep the work rather than drop the citation.
            index, _ = self.full(replace(ref, form=Form.FULL))
            return index, problem
        return target, problem

    # Notes ------------------------------------------------------------------

    def run(self, notes: Iterable[tuple[int, Sequence[SegmentLike]]]) -> None:
        previous: list[Link] = []
        for n, segments in notes:
            here: list[Link] = []
            self.in_note = []
            for seg in segments:
                if seg.kind != "citation":
                    self._prose_persons(seg.text)
                    continue
                link = self._one(n, seg, here, previous)
                here.append(link)
                self.links.append(link)
                if link.draft is not None and n not in self.drafts[link.draft].cited:
                    self.drafts[link.draft].cited.append(n)
            self.by_note[n] = here
            if here:
                previous = here

    def _one(self, n: int, seg: SegmentLike, here: list[Link],
             previous: list[Link]) -> Link:
        ref = seg.reference
        if ref is None:
            reason = seg.problem or "citation could not be parsed"
            self.unparsed.append(Unparsed("citation", seg.text, reason, footnote=n))
            return Link(n, seg.text, Form.FULL, None, "", reason)
        if ref.form is Form.SHORT:
            ref = split_trailing_pages(ref)
        pages, volume = ref.pages, ref.volume
        if ref.form is Form.IBID:
            target, problem = backrefs.ibid(here, previous)
            if target is not None:
                # 同上 keeps the place cited before: its pages if none printed, and the
                # volume unless it names one (同上，第2卷).
                before = (here or previous)[-1]
                pages, volume = pages or before.pages, volume or before.volume
            return Link(n, seg.text, Form.IBID, target, pages, problem, volume)
        if ref.form is Form.SHORT and ref.extra.get("footnote"):
            target, problem = backrefs.same_note(self.by_note, n, ref.extra["footnote"])
            if target is not None:
                # 出处同注3 printing no place means the same place as note 3.
                cited = self.by_note[int(ref.extra["footnote"])][-1]
                volume = volume or cited.volume
                pages = pages or (cited.pages if not ref.pages else "")
            return Link(n, seg.text, Form.SHORT, target, pages, problem, volume)
        if ref.form is Form.SHORT and not ref.title and not persons_of(ref):
            # 前引書 with neither author nor title: the work just cited, as for ibid.
            target, problem = backrefs.ibid(here, previous)
            return Link(n, seg.text, Form.SHORT, target, pages, problem, volume)
        if ref.form is Form.SHORT:
            target, problem = self.short(ref)
            # A work's first mention is its full citation even when printed without
            # publication facts (a chapter whose volume the paper cites in full elsewhere).
            form = Form.FULL if problem == backrefs.NO_EARLIER else Form.SHORT
            if target is not None and volume:
                self._note_volume(target, volume)
            return Link(n, seg.text, form, target, pages, problem, volume)
        target, problem = self.full(ref)
        return Link(n, seg.text, Form.FULL, target, pages, problem, volume)

    def _note_volume(self, index: int, volume: str) -> None:
        """A short form citing another volume of a work makes it a multi-volume set."""
        draft = self.drafts[index]
        draft.volumes |= {v for v in (draft.fields.get("volume"), volume) if v}
        if len(draft.volumes) > 1:
            draft.fields.pop("volume", None)

    # Result -----------------------------------------------------------------

    def result(self) -> Bibliography:
        order = self._order()
        for d in self.drafts:
            if d.cited:
                d.fields["footnotes"] = ", ".join(str(n) for n in sorted(d.cited))
        # A chapter's key takes the year (and so on) its volume gives it through crossref.
        assigned = keys.assign([self._key_fields(i) for i in order])
        key_of = dict(zip(order, assigned, strict=True))
        works: list[Work] = []
        for i in order:
            d = self.drafts[i]
            fields = dict(d.fields)
            if d.parent is not None:
                fields["crossref"] = key_of[d.parent]
            works.append(Work(key_of[i], d.entry_type, MappingProxyType(fields)))
        links = tuple(
            CitationLink(link.footnote, link.text, link.form,
                         "" if link.draft is None else key_of[link.draft],
                         link.pages, link.problem, link.volume)
            for link in self.links
        )
        return Bibliography(tuple(works), links, tuple(self.unparsed))

    def _key_fields(self, index: int) -> dict[str, str]:
        """The fields a key is made from: inherited from the volume, with the reviewed
        corrections of the notes that cite the work (or, for a volume, its chapters)."""
        if not self.corrections:
            return self._inherited(index)
        footnotes = set(self.drafts[index].cited)
        parent = self.drafts[index].parent
        for d in self.drafts:
            if d.parent == index:
                footnotes.update(d.cited)
        if parent is not None:
            footnotes.update(self.drafts[parent].cited)
        fields = dict(self._inherited(index))  # a copy: the values stay as printed
        for c in self.corrections:
            if c.footnote in footnotes:
                _correct(fields, c)
        return fields

    def _inherited(self, index: int) -> dict[str, str]:
        d = self.drafts[index]
        if d.parent is None:
            return d.fields
        return {**self.drafts[d.parent].fields, **d.fields}

    def _order(self) -> list[int]:
        first = {i: min(d.cited) if d.cited else 10**9 for i, d in enumerate(self.drafts)}
        parents = {d.parent for d in self.drafts if d.parent is not None}
        children: dict[int, list[int]] = {}
        for i, d in enumerate(self.drafts):
            if d.parent is not None:
                children.setdefault(d.parent, []).append(i)
        rest = sorted((i for i in range(len(self.drafts)) if i not in parents),
                      key=lambda i: (first[i], i))
        order: list[int] = []
        placed: set[int] = set()
        for i in rest:
            order.append(i)
            parent = self.drafts[i].parent
            if parent is not None and parent not in placed and all(
                c in order for c in children[parent]
            ):
                order.append(parent)
                placed.add(parent)
        order.extend(p for p in sorted(parents, key=lambda i: (first[i], i)) if p not in placed)
        return order


def resolve(notes: Sequence[tuple[int, Sequence[SegmentLike]]], *,
            corrections: Sequence[Correction] = (), brute: bool = False) -> Bibliography:
    """Works and links from the segmented notes ``[(footnote number, segments)]``.
    ``links`` has one entry per citation segment, in note order and segment order.

    ``corrections`` shape the keys only (``Sun Warren`` printed family-first is keyed
    by Sun's co-author's and Sun's right names): values stay as printed until
    ``apply_corrections``, so a corrected and an uncorrected bibliography cite alike.
    ``brute`` compares each citation with every earlier work instead of its candidates
    in the index (the slow reference the tests hold the index to)."""
    resolver = _Resolver(corrections, brute=brute)
    resolver.run(notes)
    return resolver.result()


def build(paper: Paper, *, corrections: Sequence[Correction] = (),
          segmented: Sequence[tuple[int, Sequence[SegmentLike]]] | None = None
          ) -> Bibliography:
    """Segment every footnote of the paper (unless ``segmented`` already holds its
    notes' segments), then resolve; keys follow ``corrections`` (none unless given:
    the bundled ones are the seed paper's), values stay as printed."""
    if segmented is None:
        from sinosoviet_cli.grammar import segment

        segmented = [(f.n, segment(f.text)) for f in paper.footnotes]
    result = resolve(segmented, corrections=corrections)
    return replace(result, unparsed=tuple(paper.problems) + result.unparsed)


def fold_title(title: str) -> str:
    """The matching key ``resolve`` uses for titles (exposed for evaluation code)."""
    return fold_strict(title)
