"""Resolution: from parsed citation spans to works and links.

``resolve`` walks the notes in order. A full citation becomes a work, or is merged into
an earlier one with the same title and persons (titles and names compared through
``text.fold_strict``: NFC, Traditional/Simplified, width, punctuation, spacing; names
also by family name, so ``Chan, Alfred L.`` and ``Alfred L. Chan`` are one person).
A short form links to the earlier work whose full title, main title, subtitle or the
start of its title it prints, preferring one by the same author; a short form whose
author differs from its only candidate's still links, with a ``problem`` saying so.
``前引書``/``op. cit.`` with an author links to that author's unique earlier work;
``同上``/``Ibid.`` to the previous citation in the same note, else to the single work
of the previous note that cites something (unresolved where that note cites several);
``同註5`` to the single work of note 5. A work's first citation counts as full even when
printed short (a chapter whose volume is cited in full elsewhere).

A chapter (``incollection``) gets a ``collection`` entry for its volume (shared by all
its chapters) and a ``crossref`` to it. Keys come from ``keys``; ``footnotes`` lists
where the paper cites a work. Works are ordered by first citation, each volume right
after the last of its chapters (classic BibTeX wants crossref parents after children).

Corrections (``data/corrections.toml``) are reviewed fixes of evident misprints in a
work's fields, applied by ``apply_corrections`` only on request: the footnote text is
never changed, so checks of the paper still see the misprint.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.grammar import langid
from sinosoviet_cli.link import keys
from sinosoviet_cli.model import (
    Bibliography,
    CitationLink,
    Form,
    Paper,
    Person,
    Reference,
    Unparsed,
    Work,
    split_persons,
)
from sinosoviet_cli.text.normalize import fold_strict as _fold_strict
from sinosoviet_cli.text.normalize import has_cjk, nfc

#: Titles and names are folded again and again while matching; OpenCC is not free.
fold_strict = lru_cache(maxsize=65536)(_fold_strict)


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


# ── escaping ─────────────────────────────────────────────────────────────────

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "#": r"\#",
            "&": r"\&", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}"}
_SPECIAL_RE = re.compile(r"[\\{}%#&$_~^]")
# biber's parser counts braces even after a backslash, so a lone brace is spelled out.
_LONE_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def escape(text: str) -> str:
    """Plain text → a BibTeX value that LaTeX, biber and pandoc read back as the text.
    Paired braces become ``\\{ \\}`` (pandoc reads those); unpaired ones, which would
    break biber's brace counting, ``\\textbraceleft{}``."""
    table = _SPECIAL if _balanced_braces(text) else {**_SPECIAL, **_LONE_BRACE}
    return _SPECIAL_RE.sub(lambda m: table[m.group(0)], text)


def _balanced_braces(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


_UNESCAPE = {v: k for table in (_SPECIAL, _LONE_BRACE) for k, v in table.items()}
_UNESCAPE_RE = re.compile("|".join(re.escape(v) for v in sorted(_UNESCAPE, key=len,
                                                                 reverse=True)))


def unescape(value: str) -> str:
    """Inverse of ``escape`` (for display of values read from a .bib)."""
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group(0)], value)


# ── matching ─────────────────────────────────────────────────────────────────

_SUBTITLE_SPLIT = re.compile(r"\s*[:：]\s*|\s*[—―─－]+\s*|\s+--\s+")


@lru_cache(maxsize=4096)
def _name_keys(person: Person) -> frozenset[str]:
    """Every way a person may be matched: whole literal, family name (+ alt form)."""
    found: set[str] = set()
    for form in (person.literal, person.alt):
        if not form:
            continue
        if has_cjk(form):
            found.add(fold_strict(form))
            # 莫里斯‧邁斯納 is also cited as 邁斯納: its last part is the family name;
            # so is the transliterated part of O. B. 鮑里索夫 (cited as 鮑里索夫).
            bare = _LATIN_INITIALS.sub("", form)
            parts = [x for x in _NAME_DOT.split(bare) if x.strip()]
            if len(parts) > 1 or bare != form:
                found.add(fold_strict(parts[-1]))
        else:
            words = form.replace(",", " ").split()
            if "," in form:
                found.add(fold_strict(form.split(",", 1)[0]))
            elif words:
                found.add(fold_strict(words[-1]))
    if person.family:
        found.add(fold_strict(person.family))
    return frozenset(k for k in found if k)


@lru_cache(maxsize=4096)
def _all_name_keys(persons: tuple[Person, ...]) -> frozenset[str]:
    return frozenset().union(*(_name_keys(p) for p in persons))


def _persons_of(ref: Reference) -> tuple[Person, ...]:
    return ref.authors + ref.editors + ref.translators


_NAME_DOT = re.compile(r"[‧·・•]")
_LATIN_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.\s*)+")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _title_variants(title: str) -> frozenset[str]:
    """Whole title, main title, subtitle; each also without a leading English article
    (``Sino-Soviet Split`` is a short form of ``The Sino-Soviet Split``)."""
    parts = [title, *(_SUBTITLE_SPLIT.split(title))]
    parts += [_LEADING_ARTICLE.sub("", p.strip()) for p in parts]
    return frozenset(k for k in (fold_strict(p) for p in parts) if k)


@lru_cache(maxsize=65536)
def _main_key(title: str) -> str:
    return fold_strict(_SUBTITLE_SPLIT.split(title.strip())[0])


def _when(fields: Mapping[str, str]) -> tuple[str, str] | None:
    """(year, full date) of a work's fields, None if undated."""
    date = fields.get("date", "")
    year = fields.get("year", "") or date[:4]
    return (year, date or year) if year else None


_TRAILING_PAGES = re.compile(r"[,，]\s*([0-9]+(?:\s*[-–—]+\s*[0-9]+)?)\s*$")


def _split_trailing_pages(ref: Reference) -> Reference:
    """A short title never ends in a page number: ``Sino-Soviet Split, 90`` is the
    title ``Sino-Soviet Split`` cited at page 90."""
    found = _TRAILING_PAGES.search(ref.title)
    if not found:
        return ref
    pages = ref.pages or re.sub(r"\s*[-–—]+\s*", "--", found.group(1))
    return replace(ref, title=ref.title[: found.start()].rstrip(), pages=pages)


def _short_title_key(title: str) -> str:
    return fold_strict(_LEADING_ARTICLE.sub("", title.strip()))


@dataclass
class _Draft:
    """A work being assembled (mutable while resolving; frozen into ``Work`` at the end)."""

    entry_type: str
    fields: dict[str, str]
    persons: tuple[Person, ...]
    title_key: str
    variants: frozenset[str]
    main_key: str = ""  # the title before its subtitle
    cited: list[int] = field(default_factory=list)
    parent: int | None = None  # index of the volume a chapter is in
    is_parent: bool = False

    def name_keys(self) -> frozenset[str]:
        return _all_name_keys(self.persons)

    def display_authors(self) -> str:
        return "、".join(p.display for p in self.persons[:2])


@dataclass
class _Link:
    footnote: int
    text: str
    form: Form
    draft: int | None
    pages: str
    problem: str = ""


# ── fields ───────────────────────────────────────────────────────────────────

_YEAR = re.compile(r"[0-9]{4}")
_ISO_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_ISO_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")


def _person_field(persons: Sequence[Person], etal: bool = False) -> str:
    out: list[str] = []
    for p in persons:
        # A foreign author printed in two scripts keeps the Latin one (DESIGN: Meisner).
        if p.literal and p.alt and has_cjk(p.literal) and not has_cjk(p.alt):
            family, given = _split_western(p.alt)
            p = Person(family=family, given=given)
        if p.literal:
            out.append("{" + escape(nfc(p.literal)) + "}")
        elif p.family == "others":
            out.append("others")
        else:
            out.append(escape(nfc(p.bibtex())))
    if etal and out and out[-1] != "others":
        out.append("others")  # 等譯 / et al.
    return " and ".join(out)


def _etal(ref: Reference, role: str) -> bool:
    return role in ref.extra.get("etal", "").replace(",", " ").split()


def _split_western(name: str) -> tuple[str, str]:
    name = " ".join(name.split())
    if "," in name:
        family, given = name.split(",", 1)
        return family.strip(), given.strip()
    words = name.split(" ")
    return words[-1], " ".join(words[:-1])


def _dates(ref: Reference) -> dict[str, str]:
    """``year`` (+ ``month``), or ``date`` for ranges and exact days: biber wants a
    numeric year, and warns when both ``year`` and ``date`` are given."""
    date = ref.date.strip()
    years = sorted(set(_YEAR.findall(ref.year)) | set(_YEAR.findall(date)))
    if len(years) >= 2:  # 1991、1993: a multi-volume work published over a range of years
        return {"date": f"{years[0]}/{years[-1]}"}
    day = _ISO_DAY.match(date)
    if day:
        return {"date": date}
    month = _ISO_MONTH.match(date)
    if month:
        return {"year": month.group(1), "month": str(int(month.group(2)))}
    if years:
        return {"year": years[0]}
    found = _YEAR.search(date)
    return {"year": found.group(0)} if found else {}


def _normalised_type(ref: Reference) -> str:
    kind = ref.entry_type or "misc"
    if kind == "book" and not ref.authors and ref.editors:
        return "collection"  # 人民出版社編《…》, 沈志華主編《…》: an edited volume
    if kind == "incollection" and not ref.container:
        return "book"
    if kind == "inproceedings" and not ref.container:
        return "unpublished"  # a conference paper without proceedings (biber wants booktitle)
    if kind == "online" and not ref.url:
        # A web page printed without its address (《中國冷戰網》，2007年10月22日) is
        # @misc with howpublished (biber's @online needs url); anything with volume,
        # issue or pages, or without a full date, reads as an article.
        page = len(ref.date) == 10 and not (ref.volume or ref.number or ref.pages)
        return "misc" if page or not ref.container else "article"
    return kind


_SERIES_NUMBER = re.compile(r"[\s,]*(?:no\.?|number|nr\.?|#)?\s*$", re.IGNORECASE)
_ORDINAL_EDITION = re.compile(r"^([0-9]+)\s*(?:st|nd|rd|th)?\.?\s*(?:ed\.?|edition)?$",
                              re.IGNORECASE)


def _edition(value: str) -> str:
    """``2nd ed.`` → ``2`` (biblatex prints the ordinal itself); words stay as printed."""
    found = _ORDINAL_EDITION.match(value.strip())
    return found.group(1) if found else _text(value)


def _text(value: str) -> str:
    return escape(nfc(" ".join(value.split())))


@lru_cache(maxsize=1)
def _web_editions() -> frozenset[str]:
    """Words for a journal's web edition (網路版), from the citation grammar's data."""
    raw = tomllib.loads(resources.files("sinosoviet_cli").joinpath("data/grammar.toml")
                        .read_text("utf-8"))
    return frozenset(nfc(w) for w in raw["online"]["edition_words"])


def _web_edition(ref: Reference) -> Reference:
    """《二十一世紀》網路版，12（2003.3）: the web edition goes to ``journalsubtitle``
    (exports print it with the journal) and its lone number is an issue (期) number:
    web editions are numbered by issue, not by volume."""
    if ref.note.strip() not in _web_editions():
        return ref
    extra = {**ref.extra, "journalsubtitle": ref.note.strip()}
    if ref.volume and not ref.number:
        ref = replace(ref, number=ref.volume, volume="")
    return replace(ref, note="", extra=MappingProxyType(extra))


def _own_fields(ref: Reference, kind: str) -> dict[str, str]:
    """The fields a reference gives its own entry (not its volume's)."""
    f: dict[str, str] = {}
    if kind == "article":
        ref = _web_edition(ref)
    f["author"] = _person_field(ref.authors, _etal(ref, "authors"))
    if kind not in ("incollection",):
        f["editor"] = _person_field(ref.editors, _etal(ref, "editors"))
        if ref.editors:  # 編 (compiled by) vs 主編: biblatex prints "comp." for compiler
            f["editortype"] = ref.extra.get("editortype", "")
        f["translator"] = _person_field(ref.translators, _etal(ref, "translators"))
    f["title"] = _text(ref.title)
    if kind == "incollection":
        f["booktitle"] = _text(ref.container)
    elif kind == "article":
        f["journal"] = _text(ref.container)
        f["journalsubtitle"] = _text(ref.extra.get("journalsubtitle", ""))
    elif kind in ("unpublished", "inproceedings"):
        f["eventtitle"] = _text(ref.eventtitle or ref.container)
    elif kind == "online":
        f["organization"] = _text(ref.container)
    elif kind == "misc":
        f["howpublished"] = _text(ref.container)
    if kind != "incollection":
        f["volume"] = _text(ref.volume)
        f["volumes"] = _text(ref.extra.get("volumes", ""))  # 上、下卷
        f["edition"] = _edition(ref.extra.get("edition", ""))
        f["series"] = _text(ref.extra.get("series", ""))
        f["part"] = _text(ref.extra.get("part", ""))
        f["number"] = _text(ref.number)
        f["address"] = " and ".join(_text(p) for p in ref.places)
        publishers = " and ".join(_text(p) for p in ref.publishers)
        institution = _text(ref.institution)
        if kind in ("phdthesis", "mastersthesis"):
            f["school"] = institution or publishers
        elif kind == "report":
            # biblatex: `type` is the report series (or kind), `number` its number.
            f["institution"] = institution or publishers
            f["type"] = _text(_SERIES_NUMBER.sub("", ref.container)) or "report"
            f["number"] = _text(ref.number or ref.volume)
            f.pop("volume", None)
        elif kind in ("unpublished",):
            f["note"] = institution
        else:
            f["publisher"] = publishers
        f.update(_dates(ref))
    if ref.url:
        f["url"] = nfc(ref.url.strip())  # url is verbatim in biblatex: no escaping
        f["urldate"] = _text(ref.extra.get("urldate", ""))
    if ref.note:
        f["note"] = "; ".join(x for x in (f.get("note", ""), _text(ref.note)) if x)
    f["langid"] = ref.langid or langid(ref.title, ref.container,
                                       *(p.display for p in ref.authors))
    return {k: v for k, v in f.items() if v}


def _volume_fields(ref: Reference) -> dict[str, str]:
    """The ``collection`` entry for the volume a chapter is in."""
    volume = Reference(
        text=ref.text,
        entry_type="collection",
        editors=ref.container_editors or ref.editors,
        translators=ref.translators,
        title=ref.container,
        places=ref.places,
        publishers=ref.publishers,
        year=ref.year,
        date=ref.date,
        volume=ref.volume,
        langid=ref.langid,
        extra=MappingProxyType({**ref.extra, "editortype": ref.extra.get(
            "containereditortype" if ref.container_editors else "editortype", "")}),
    )
    return _own_fields(volume, "collection")


# ── resolution ───────────────────────────────────────────────────────────────


_NO_EARLIER = "short form with no earlier full citation"


class _Resolver:
    def __init__(self, corrections: Sequence[Correction] = ()) -> None:
        self.corrections = tuple(corrections)  # for keys only (see ``resolve``)
        self.drafts: list[_Draft] = []
        self.links: list[_Link] = []
        self.unparsed: list[Unparsed] = []
        self.by_note: dict[int, list[_Link]] = {}  # for 同註5

    # Works ------------------------------------------------------------------

    def _new(self, kind: str, fields: dict[str, str], persons: tuple[Person, ...],
             title: str) -> int:
        self.drafts.append(
            _Draft(kind, fields, persons, fold_strict(title), _title_variants(title),
                   _main_key(title))
        )
        return len(self.drafts) - 1

    def _same_work(self, d: _Draft, title: str, persons: tuple[Person, ...],
                   fields: Mapping[str, str]) -> bool:
        """One work printed twice: same title (or, for the same persons and year, the
        same main title with and without its subtitle), persons and dates that agree."""
        if not title:
            return False
        same_persons = bool(persons and d.persons) and bool(
            d.name_keys() & _all_name_keys(persons))
        if persons and d.persons and not same_persons:
            return False
        mine, theirs = _when(fields), _when(d.fields)
        if mine and theirs and (mine[0] != theirs[0] or
                                (len(mine[1]) == len(theirs[1]) == 10 and mine != theirs)):
            return False  # another edition, or another day's newspaper
        if d.title_key == fold_strict(title):
            return True
        return (same_persons and bool(mine and theirs) and bool(d.main_key)
                and d.main_key == _main_key(title))

    def _merge(self, index: int, fields: Mapping[str, str]) -> None:
        draft = self.drafts[index]
        for name, value in fields.items():
            draft.fields.setdefault(name, value)

    def _volume(self, ref: Reference) -> int:
        persons = ref.container_editors or ref.editors
        fields = _volume_fields(ref)
        for i, d in enumerate(self.drafts):
            if d.entry_type in ("collection", "book") and self._same_work(
                d, ref.container, persons, fields
            ):
                self._merge(i, fields)
                self.drafts[i].is_parent = True
                return i
        i = self._new("collection", fields, persons, ref.container)
        self.drafts[i].is_parent = True
        return i

    def full(self, ref: Reference) -> tuple[int, str]:
        if not ref.title and ref.container and ref.entry_type == "article":
            # 《人民日報》，1962年12月15日: an issue cited without an article title.
            ref = replace(ref, title=ref.container)
        kind = _normalised_type(ref)
        persons = _persons_of(ref) if kind != "incollection" else ref.authors
        fields = _own_fields(ref, kind)
        for i, d in enumerate(self.drafts):
            if self._same_work(d, ref.title, persons, fields):
                self._merge(i, fields)
                if kind == "incollection" and d.parent is None and ref.container:
                    d.parent = self._volume(ref)
                return i, ""
        index = self._new(kind, fields, persons, ref.title)
        if kind == "incollection":
            self.drafts[index].parent = self._volume(ref)
        return index, ""

    def short(self, ref: Reference) -> tuple[int | None, str]:
        """The earlier work a short form points to (see the module docstring). A short
        form with nothing earlier becomes a work of its own, problem "no earlier full
        citation" (``_one`` then counts it as the work's full citation)."""
        persons = _persons_of(ref)
        wanted = _all_name_keys(persons)
        title = _short_title_key(ref.title)
        backref = ref.extra.get("backref", "")
        if not title:
            if not wanted:
                return None, f"{backref or 'short form'} names neither author nor title"
            pool = [i for i, d in enumerate(self.drafts) if d.cited and d.name_keys() & wanted]
            if len(pool) == 1:
                return pool[0], ""
            who = "、".join(p.display for p in persons)
            if not pool:
                return None, f"no earlier work by {who}"
            return None, f"{who} has {len(pool)} earlier works; the citation does not say which"
        scored: list[tuple[int, int]] = []
        for i, d in enumerate(self.drafts):
            if title in d.variants:
                scored.append((2, i))
            elif len(title) >= (4 if has_cjk(ref.title) else 8) and any(
                v.startswith(title) for v in d.variants
            ):
                scored.append((1, i))
        if not scored:
            # Nothing earlier to point to: keep the work rather than drop the citation.
            index, _ = self.full(replace(ref, form=Form.FULL))
            return index, _NO_EARLIER
        # The author decides first (Zagoria's "Sino-Soviet Conflict 1956-1961" over an
        # edited "Sino-Soviet Conflict"), then exact title over title prefix, then works
        # cited before over volumes known only as containers.
        by_author = [(s, i) for s, i in scored
                     if not wanted or self.drafts[i].name_keys() & wanted]
        if by_author:
            best = max(s for s, _ in by_author)
            top = [i for s, i in by_author if s == best]
            cited_first = [i for i in top if self.drafts[i].cited] or top
            if len(cited_first) == 1:
                return cited_first[0], ""
            return None, f"title matches {len(cited_first)} earlier works"
        best = max(s for s, _ in scored)
        top = [i for s, i in scored if s == best]
        if len(top) == 1:
            d = self.drafts[top[0]]
            printed = "、".join(p.display for p in persons)
            return top[0], (f"author printed as {printed}; the work's author is "
                            f"{d.display_authors()}")
        return None, f"title matches {len(top)} earlier works by other authors"

    # Notes ------------------------------------------------------------------

    def run(self, notes: Iterable[tuple[int, Sequence[SegmentLike]]]) -> None:
        previous: list[_Link] = []
        for n, segments in notes:
            here: list[_Link] = []
            for seg in segments:
                if seg.kind != "citation":
                    continue
                link = self._one(n, seg, here, previous)
                here.append(link)
                self.links.append(link)
                if link.draft is not None and n not in self.drafts[link.draft].cited:
                    self.drafts[link.draft].cited.append(n)
            self.by_note[n] = here
            if here:
                previous = here

    def _one(self, n: int, seg: SegmentLike, here: list[_Link],
             previous: list[_Link]) -> _Link:
        ref = seg.reference
        if ref is None:
            reason = seg.problem or "citation could not be parsed"
            self.unparsed.append(Unparsed("citation", seg.text, reason, footnote=n))
            return _Link(n, seg.text, Form.FULL, None, "", reason)
        if ref.form is Form.SHORT:
            ref = _split_trailing_pages(ref)
        pages = ref.pages
        if ref.form is Form.IBID:
            target, problem = self._ibid(here, previous)
            if not pages and target is not None:
                before = (here or previous)[-1]
                pages = before.pages
            return _Link(n, seg.text, Form.IBID, target, pages, problem)
        if ref.form is Form.SHORT and ref.extra.get("footnote"):
            target, problem = self._same_note(n, ref.extra["footnote"])
            return _Link(n, seg.text, Form.SHORT, target, pages, problem)
        if ref.form is Form.SHORT and not ref.title and not _persons_of(ref):
            # 前引書 with neither author nor title: the work just cited, as for ibid.
            target, problem = self._ibid(here, previous)
            return _Link(n, seg.text, Form.SHORT, target, pages, problem)
        if ref.form is Form.SHORT:
            target, problem = self.short(ref)
            # A work's first mention is its full citation even when printed without
            # publication facts (a chapter whose volume the paper cites in full elsewhere).
            form = Form.FULL if problem == _NO_EARLIER else Form.SHORT
            return _Link(n, seg.text, form, target, pages, problem)
        target, problem = self.full(ref)
        return _Link(n, seg.text, Form.FULL, target, pages, problem)

    def _same_note(self, n: int, number: str) -> tuple[int | None, str]:
        """同註5: the single work note 5 cites (unresolved where it cites several)."""
        cited = self.by_note.get(int(number)) if int(number) != n else None
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

    def _ibid(self, here: list[_Link], previous: list[_Link]) -> tuple[int | None, str]:
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
                         link.pages, link.problem)
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
            corrections: Sequence[Correction] = ()) -> Bibliography:
    """Works and links from the segmented notes ``[(footnote number, segments)]``.
    ``links`` has one entry per citation segment, in note order and segment order.

    ``corrections`` shape the keys only (``Sun Warren`` printed family-first is keyed
    by Sun's co-author's and Sun's right names): values stay as printed until
    ``apply_corrections``, so a corrected and an uncorrected bibliography cite alike."""
    resolver = _Resolver(corrections)
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


# ── corrections ──────────────────────────────────────────────────────────────


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
def _bundled_corrections() -> tuple[Correction, ...]:
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
    """A printed name as one person of a BibTeX name list (as ``_person_field`` writes
    it): Chinese whole and braced; Western ``Family, Given`` (printed order read as
    Western unless a comma says otherwise)."""
    name = nfc(" ".join(name.split()))
    if has_cjk(name):
        return "{" + escape(name) + "}"
    family, given = _split_western(name)
    return escape(f"{family}, {given}" if given else family)


def _correct(fields: dict[str, str], c: Correction) -> bool:
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


def apply_corrections(bib: Bibliography, corrections: Sequence[Correction]
                      ) -> tuple[Bibliography, tuple[Correction, ...]]:
    """Apply each correction to the works cited in its footnote (and their volumes)
    whose field holds the printed value. Returns the new bibliography and the
    corrections that matched nothing (for the caller to warn about). Keys stay as
    they were, so a corrected and an uncorrected bibliography cite alike."""
    by_key = {w.key: w for w in bib.works}
    cited: dict[int, set[str]] = {}
    for link in bib.links:
        if link.key:
            cited.setdefault(link.footnote, set()).add(link.key)
            parent = by_key[link.key].get("crossref") if link.key in by_key else ""
            if parent:
                cited[link.footnote].add(parent)
    fields = {w.key: dict(w.fields) for w in bib.works}
    unused: list[Correction] = []
    for c in corrections:
        hit = False
        for key in sorted(cited.get(c.footnote, ())):
            if key in fields and _correct(fields[key], c):
                hit = True
        if not hit:
            unused.append(c)
    works = tuple(replace(w, fields=MappingProxyType(fields[w.key])) for w in bib.works)
    return replace(bib, works=works), tuple(unused)


def fold_title(title: str) -> str:
    """The matching key ``resolve`` uses for titles (exposed for evaluation code)."""
    return fold_strict(title)
