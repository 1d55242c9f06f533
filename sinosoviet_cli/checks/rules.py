"""Checking a draft's citations against a bibliography.

Three stages, all pure: an index of the bibliography's folded fields (built once), the
*analysis* of a draft (every citation resolved to an entry, or not), and the *rules*:
one small function each, registered by id, returning ``Finding`` values.

Matching folds what a reader would not count as a difference: NFC, width,
Traditional/Simplified, punctuation, case and name order (``Hinton, Harold`` is
``Harold Hinton``; ``楊奎松`` is ``杨奎松``). It is fuzzy enough to find an entry whose
author is misprinted (``羅漢平`` for ``羅平漢``) by its title, and then reports the
misprint; a printed value that a reader would accept (a title without its subtitle, a
publisher named in short) is not a mismatch.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import Form, Person, Reference, Unparsed, Work, split_persons
from sinosoviet_cli.paper.drafts import Draft
from sinosoviet_cli.text import normalize as _text
from sinosoviet_cli.text.normalize import has_cjk

# Matching folds the same few strings over and over (a draft cites a work many times).
fold = lru_cache(maxsize=1 << 16)(_text.fold)
fold_strict = lru_cache(maxsize=1 << 16)(_text.fold_strict)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: where it is, which rule found it, and what to do about it."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    footnote: int | None = None
    key: str = ""
    fix: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column,
                "footnote": self.footnote, "rule": self.rule, "severity": str(self.severity),
                "message": self.message, "key": self.key, "fix": self.fix}


# ── the bibliography, folded once ────────────────────────────────────────────

_AND = re.compile(r"\s+and\s+", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_TITLE_SPLIT = re.compile(r"[:：—–―]|--|\s-\s|[.?!]\s")
_BIGRAM_MIN = 0.3  # share of a title's bigrams a candidate must have
_NAME_CANDIDATES = 12  # works by a matching author scored for a title not found


@dataclass(frozen=True, slots=True)
class Name:
    """A person's matching forms: the printed form, its folded whole and word set."""

    shown: str
    whole: str  # fold_strict of the name
    words: frozenset[str]
    family: str = ""  # folded family name where known


def name_of(raw: str) -> Name:
    """A name as BibTeX prints it: ``{楊奎松}``, ``Family, Given`` or ``Given Family``."""
    shown = raw.strip().strip("{}").strip()
    family = ""
    if "," in shown and not has_cjk(shown):
        family = fold_strict(shown.split(",", 1)[0])
        shown = " ".join(p.strip() for p in reversed(shown.split(",", 1)))
    elif not has_cjk(shown) and shown.split():
        family = fold_strict(shown.split()[-1])
    return _name(shown, family)


def _name(shown: str, family: str = "") -> Name:
    folded = fold(shown)
    words = frozenset(re.findall(r"\w+", folded))
    if not family and has_cjk(folded) and "·" in folded:
        family = fold_strict(folded.rsplit("·", 1)[-1])  # 亨利·基辛格: the family is 基辛格
    return Name(shown, fold_strict(shown), words, family)


def person_names(person: Person) -> list[Name]:
    """Every form a parsed person may match by: the literal, the alternate script, the
    split name."""
    forms: list[Name] = []
    if person.literal:
        forms.append(_name(person.literal))
    if person.family or person.given:
        forms.append(_name(f"{person.given} {person.family}".strip(), fold_strict(person.family)))
    if person.alt:
        forms.append(name_of(person.alt))
    return [f for f in forms if f.whole]


def same_person(a: Name, b: Name) -> bool:
    """Equal after folding and in any word order; initials stand for given names
    (``D. Zagoria`` is ``Donald Zagoria``); a name printed without some of its given
    names (``Harold Hinton`` for ``Harold C. Hinton``) is the same person."""
    if a.whole == b.whole or (a.words and a.words == b.words):
        return True
    if (a.family and a.family == b.whole) or (b.family and b.family == a.whole):
        return True  # the family name alone, as short forms print it
    if has_cjk(a.whole) or has_cjk(b.whole) or not a.words or not b.words:
        return False
    small, large = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    if small <= large and any(len(w) > 1 for w in small):
        return True
    return _initials_agree(small, large)


def _initials_agree(small: frozenset[str], large: frozenset[str]) -> bool:
    full_small = {w for w in small if len(w) > 1}
    full_large = {w for w in large if len(w) > 1}
    if not full_small or not full_small <= full_large:
        return False
    initials = {w for w in small if len(w) == 1}
    return all(any(w.startswith(i) for w in full_large - full_small) for i in initials)


def _same_script(a: Name, b: Name) -> bool:
    return has_cjk(a.whole) == has_cjk(b.whole)


@lru_cache(maxsize=1 << 16)
def name_similarity(a: Name, b: Name) -> float:
    """How alike two names look (1.0 = the same person): a transposed or misprinted
    character (``羅漢平``/``羅平漢``) still scores high, so that the entry is found."""
    if same_person(a, b):
        return 1.0
    if not _same_script(a, b):
        return 0.5  # a transliteration: neither for nor against
    ratio = difflib.SequenceMatcher(None, a.whole, b.whole).ratio()
    if has_cjk(a.whole) and sorted(a.whole) == sorted(b.whole):
        ratio = max(ratio, 0.9)  # the same characters in another order
    return ratio


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

    @property
    def main_title(self) -> str:
        return self.titles[0] if self.titles else ""


def _people(value: str) -> list[str]:
    """The persons of a BibTeX name list, without BibTeX's ``and others``."""
    return [p for p in split_persons(value) if p.lower() != "others"]


@lru_cache(maxsize=1 << 14)
def _title_variants(*titles: str) -> tuple[str, ...]:
    variants: list[str] = []
    for title in titles:
        if not title:
            continue
        whole = fold_strict(title)
        pieces = [fold_strict(p) for p in _TITLE_SPLIT.split(fold(title)) if fold_strict(p)]
        for v in (whole, *pieces):
            if v and v not in variants:
                variants.append(v)
    return tuple(variants)


def _bare(value: str) -> str:
    return re.sub(r"[{}]", "", value).strip()


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
    titles = _title_variants(full, title, _bare(work.get("shorttitle")))
    people_raw = [*_people(work.get("author")), *_people(work.get("editor"))]
    if not people_raw and parent is not None:
        people_raw = _people(parent.get("editor"))
    people = tuple(name_of(p) for p in people_raw)
    year = get("year", "date")
    publisher = get("publisher", "institution", "school")
    venues = (get("journal", "journaltitle", "booktitle"), _bare(parent.get("title")) if parent
              else "", publisher)
    return Entry(work.key, titles, full, people, frozenset(_YEAR.findall(year)), year,
                 publisher, get("address", "location"), line=work.line,
                 venues=tuple(v for v in map(fold_strict, venues) if len(v) >= 2))


def entry_of_reference(ref: Reference, key: str) -> Entry:
    """A work the draft cites in full that the bibliography lacks, so that its short
    forms and ibids still resolve."""
    people = tuple(n for p in (*ref.authors, *ref.editors) for n in person_names(p)[:1])
    return Entry(key, _title_variants(ref.title), ref.title, people,
                 frozenset(_YEAR.findall(ref.year)), ref.year,
                 "、".join(ref.publishers), "、".join(ref.places), in_bib=False)


@lru_cache(maxsize=1 << 14)
def _bigrams(text: str) -> frozenset[str]:
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
            for g in _bigrams(t):
                self._grams[g].add(i)
        for p in e.people:
            for w in (*p.words, p.whole):
                self._words[w].add(i)

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)
        self._add(len(self.entries) - 1, entry)

    def by_title(self, title: str, limit: int = 8) -> list[Entry]:
        grams = _bigrams(title)
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


# ── resolving a hand-typed citation ──────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    title_score: float
    name_score: float


def _ref_names(ref: Reference) -> list[Name]:
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
    if _title_variants(printed)[1:2] == entry.titles[:1]:
        return 1.0
    return max(_ratio(t, v) for v in entry.titles)


def _part_of(printed: str, folded: str, entry: Entry) -> bool:
    """A short title is part of the entry's title: a run of its characters (Chinese) or
    of its whole words (``Sino-Soviet Relation`` is not part of ``… Relations …``)."""
    if has_cjk(folded):
        return any(folded in v for v in entry.titles)
    words = _spaced_words(printed)
    return any(words in v for v in _word_titles(entry.title))


@lru_cache(maxsize=1 << 14)
def _word_titles(title: str) -> tuple[str, ...]:
    pieces = [fold(title), *_TITLE_SPLIT.split(fold(title))]
    return tuple(_spaced_words(p) for p in pieces)


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
    """The entry a full or short citation cites, or ``None``."""
    short = ref.form is Form.SHORT
    names = _ref_names(ref)
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
            grams = _bigrams(printed)
            by_name.sort(key=lambda e: -max((len(grams & _bigrams(v)) for v in e.titles),
                                            default=0))
        for e in by_name[:_NAME_CANDIDATES]:
            candidates.setdefault(e.key, e)
    best: Match | None = None
    best_score = -1.0
    years = set(_YEAR.findall(ref.year))
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


# ── analysing a draft ────────────────────────────────────────────────────────


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

    @cache
    def segment(text: str) -> tuple[tuple[int, Reference], ...]:
        found: list[tuple[int, Reference]] = []
        for seg in notes.segment(text):
            if seg.kind == "citation" and isinstance(seg.reference, Reference):
                found.append((seg.start, seg.reference))
        return tuple(found)

    return segment


def analyse(draft: Draft, works: Sequence[Work], *, segmenter: Segmenter | None = None,
            index: Index | None = None, bib_path: str = "",
            bib_problems: Sequence[Unparsed] = (),
            progress: Callable[[int], None] | None = None) -> Analysis:
    """Resolve every citation of the draft. Full citations match the bibliography, or
    become draft-only works so that their short forms resolve; short forms match the
    bibliography and the draft's earlier works; an ibid takes the previous citation."""
    index = index if index is not None else Index(works)
    segment = segmenter if segmenter is not None else default_segmenter()
    matched: dict[tuple[Form, str, str, str], Match | None] = {}
    cites: list[Cite] = []
    by_note: dict[int, tuple[Cite, ...]] = {}
    previous: tuple[str, ...] = ()
    recent: list[tuple[Name, Entry]] = []  # printed names of the works cited so far
    draft_only = 0
    for i, note in enumerate(draft.notes):
        here: list[Cite] = []
        for k in note.keys:
            here.append(Cite(i, note.n, k.line, k.column, k.key, Form.FULL, True,
                             k.key if k.key in index.keys else ""))
        typed = segment(note.text) if note.text else ()
        for j, (start, ref) in enumerate(typed):
            end = typed[j + 1][0] if j + 1 < len(typed) else len(note.text)
            if ref.form is Form.SHORT and _has_imprint(ref):
                ref = replace(ref, form=Form.FULL)  # a journal or a year makes it full
            line, column = note.where(start)
            base = Cite(i, note.n, line, column, ref.text, ref.form, False, reference=ref,
                        start=start)
            if ref.form is Form.IBID:
                # Within a note, an ibid repeats the citation just before it.
                target = _identities(here[-1]) if here else previous
                work = target[0] if len(target) == 1 else ""
                here.append(_with(base, work=work, ibid_of=target))
                continue
            memo = (ref.form, ref.title, _names_key(ref), ref.year)
            m: Match | None = None
            if ref.form is Form.SHORT and not ref.title:
                # 前引書 / op. cit.: the work last cited under this name in the draft.
                m = _cited_before(ref, recent)
            if m is None:
                if memo not in matched:
                    matched[memo] = match(ref, index)
                m = matched[memo]
            if m is None and ref.form is Form.FULL and (ref.title or ref.authors):
                draft_only += 1
                entry = entry_of_reference(ref, f"?{note.n or i + 1}.{draft_only}")
                index.add(entry)
                m = Match(entry, 1.0, 1.0)
                matched[memo] = m
            if (m is not None and ref.form is Form.SHORT
                    and _names_venue(note.text[start:end], m.entry)):
                base = _with(base, form=Form.FULL)  # a short form never names the journal
            here.append(_with(base, work=m.entry.key if m else "", match=m))
            if m is not None:
                recent += [(n, m.entry) for p in (*ref.authors, *ref.editors)
                           for n in person_names(p)]
        cites.extend(here)
        by_note[i] = tuple(here)
        previous = tuple(dict.fromkeys(x for c in here for x in _identities(c)))
        if progress is not None:
            progress(i + 1)
    return Analysis(draft, index, tuple(cites), bib_path, tuple(bib_problems), by_note)


def _cited_before(ref: Reference, recent: list[tuple[Name, Entry]]) -> Match | None:
    names = _ref_names(ref)
    for printed, entry in reversed(recent):
        if any(same_person(n, printed) for n in names):
            return Match(entry, 1.0, 1.0)
    return None


def _names_venue(text: str, entry: Entry) -> bool:
    folded = fold_strict(text)
    return any(v in folded for v in entry.venues)


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


def _with(c: Cite, **changes: Any) -> Cite:
    return replace(c, **changes)


# ── rules ────────────────────────────────────────────────────────────────────

RuleFn = Callable[[Analysis], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    run: RuleFn
    default: bool = True  # opt-in rules run only when asked for


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, summary: str, *,
         default: bool = True) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = Rule(rule_id, severity, summary, fn, default)
        return fn

    return register


def _finding(a: Analysis, c: Cite, rule_id: str, message: str, *, key: str = "",
             fix: str = "", offset: int | None = None) -> Finding:
    line, column = c.line, c.column
    if offset is not None and not c.keyed:
        line, column = a.draft.notes[c.note].where(c.start + offset)
    return Finding(a.draft.path, line, column, rule_id, RULES[rule_id].severity, message,
                   c.footnote, key, fix)


@rule("unknown-key", Severity.ERROR, "a citation key that is not in the bibliography")
def unknown_key(a: Analysis) -> Iterator[Finding]:
    keys = list(a.index.keys)
    for c in a.cites:
        if c.keyed and not c.work:
            close = difflib.get_close_matches(c.text, keys, n=1, cutoff=0.75)
            folded = [k for k in keys if k.casefold() == c.text.casefold()]
            hint = (folded or close or [""])[0]
            yield _finding(a, c, "unknown-key", f"citation key '{c.text}' is not in the "
                           "bibliography", key=c.text,
                           fix=f"did you mean '{hint}'?" if hint else "add the entry to the "
                           "bibliography or correct the key")


@rule("unused-entry", Severity.WARNING, "a bibliography entry the draft never cites",
      default=False)
def unused_entry(a: Analysis) -> Iterator[Finding]:
    if a.draft.nocite_all:
        return
    used = {c.work for c in a.cites if c.work}
    parents = {w.get("crossref") for w in a.index.works if w.key in used and w.get("crossref")}
    used |= parents
    for e in a.index.entries:
        if e.in_bib and e.key not in used:
            yield Finding(a.bib_path, e.line or 1, 1, "unused-entry", Severity.WARNING,
                          f"entry {e.key} ({_short(e.title)}) is never cited", None, e.key,
                          "cite it or remove it from the bibliography")


@rule("not-in-bibliography", Severity.WARNING, "a citation that matches no bibliography entry")
def not_in_bibliography(a: Analysis) -> Iterator[Finding]:
    for c in a.cites:
        if c.keyed or c.form is Form.IBID or c.reference is None:
            continue
        if c.match is None or (not c.match.entry.in_bib and c.form is Form.FULL):
            what = "short citation" if c.form is Form.SHORT else "citation"
            yield _finding(a, c, "not-in-bibliography",
                           f"{what} of '{_short(c.reference.title or c.text)}' matches no "
                           "entry in the bibliography",
                           fix="add the work to the bibliography, or correct the citation")


def _printed_names(ref: Reference) -> list[tuple[Person, list[Name]]]:
    return [(p, person_names(p)) for p in (ref.authors or ref.editors)]


@rule("author-mismatch", Severity.ERROR, "the author differs from the entry's")
def author_mismatch(a: Analysis) -> Iterator[Finding]:
    for c, e, ref in _matched(a):
        if not e.people:
            continue
        for person, forms in _printed_names(ref):
            # A name in another script than the entry's (莫里斯·邁斯納, Maurice Meisner)
            # cannot be compared: a transliteration is not a misprint.
            forms = [f for f in forms if any(_same_script(f, p) for p in e.people)]
            if not forms or any(same_person(f, p) for f in forms for p in e.people):
                continue
            shown = forms[0].shown
            closest = max((p for p in e.people if _same_script(forms[0], p)),
                          key=lambda p: name_similarity(forms[0], p))
            yield _finding(a, c, "author-mismatch",
                           f"author '{shown}' differs from '{closest.shown}' in entry {e.key}",
                           key=e.key, fix=f"write '{closest.shown}'",
                           offset=_offset(c.text, person.literal or person.family or shown))


@rule("title-mismatch", Severity.ERROR, "the title differs from the entry's")
def title_mismatch(a: Analysis) -> Iterator[Finding]:
    for c, e, ref in _matched(a):
        if ref.title and title_score(ref.title, e, short=c.form is Form.SHORT) < 0.999:
            yield _finding(a, c, "title-mismatch",
                           f"title '{ref.title}' differs from '{e.title}' in entry {e.key}",
                           key=e.key, fix=f"write '{e.title}'", offset=_offset(c.text, ref.title))


@rule("year-mismatch", Severity.ERROR, "the year differs from the entry's")
def year_mismatch(a: Analysis) -> Iterator[Finding]:
    for c, e, ref in _matched(a):
        printed = set(_YEAR.findall(ref.year))
        if printed and e.years and not printed & e.years:
            yield _finding(a, c, "year-mismatch",
                           f"year {ref.year} differs from {e.year} in entry {e.key}",
                           key=e.key, fix=f"write {e.year}", offset=_offset(c.text, ref.year))


@cache
def _vocab() -> tuple[tuple[str, ...], Mapping[str, str], Mapping[str, int]]:
    """Generic publisher words (longest first), abbreviations, and place → alias group."""
    raw: dict[str, Any] = tomllib.loads(
        (resources.files("sinosoviet_cli") / "data" / "check.toml").read_text("utf-8"))
    generic = sorted({fold(w) for w in raw["publishers"]["generic"]}, key=len, reverse=True)
    abbreviations = {fold(k): fold(v) for k, v in raw["publishers"]["abbreviations"].items()}
    places = {fold_strict(name): i for i, group in enumerate(raw["places"]["aliases"])
              for name in group}
    return tuple(generic), abbreviations, places


def _publisher_words(name: str) -> list[str]:
    """The words that name the firm: abbreviations spelled out, generic words dropped;
    CJK generic words are suffixes inside a word (人民出版社) and are cut out of it."""
    generic, abbreviations, _places = _vocab()
    words = [abbreviations.get(w, w) for w in re.findall(r"\w+|&", fold(name))]
    kept: list[str] = []
    for w in words:
        if not w or w in generic:
            continue
        if has_cjk(w):
            for g in generic:
                if has_cjk(g):
                    w = w.replace(fold_strict(g), "")
        if w:
            kept.append(fold_strict(w))
    return kept


def _publisher_core(name: str) -> str:
    return "".join(_publisher_words(name)) or fold_strict(name)


def _abbreviates(short: str, word: str) -> bool:
    """``short`` is an initial or a cut-off abbreviation of ``word`` (F. for Frederick,
    Inst. for Institution): at least two letters shorter, so that a misspelt word
    (Praege for Praeger) is not taken for one."""
    return short == word or (word.startswith(short) and len(word) - len(short) >= 2)


def _same_words(printed: list[str], expected: list[str]) -> bool:
    """The same words in any order, ``of`` aside (California UP, University of
    California Press); a word of either name may be an initial or abbreviation of the
    other's (F. A. Praeger, Frederick A. Praeger)."""
    a = [w for w in printed if w != "of"]
    b = [w for w in expected if w != "of"]
    if len(a) != len(b) or not a or any(has_cjk(w) for w in (*a, *b)):
        return False
    if sorted(a) == sorted(b):
        return True
    return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(a, b, strict=True))


def same_publisher(printed: str, expected: str) -> bool:
    """The same firm: generic words (出版社, Press, Inc.) and abbreviations (UP) aside,
    the same words, or one name contains the other (三聯書店, 生活·讀書·新知三聯書店)
    unless what is left is a place (上海人民出版社 is not 人民出版社). A name one or two
    letters off (Standford for Stanford, Peaeger for Praeger) is not the same: it is a
    misprint to report."""
    p, q = _publisher_core(printed), _publisher_core(expected)
    pw, qw = _publisher_words(printed), _publisher_words(expected)
    if p == q or _same_words(pw, qw):
        return True
    if not has_cjk(p + q):  # whole words inside the other name: Praege is not Praeger
        short_w, long_w = sorted((pw, qw), key=len)
        return bool(short_w) and f" {' '.join(short_w)} " in f" {' '.join(long_w)} "
    short, long = sorted((p, q), key=len)
    if short and short in long:
        rest = long.replace(short, "", 1)
        return rest not in _vocab()[2] and not any(rest.startswith(x) for x in _vocab()[2]
                                                   if has_cjk(x))
    return False


def same_place(printed: str, expected: str) -> bool:
    """The same place under any of its names (北京, Peking, Beijing), or one name
    beginning the other (Cambridge, Cambridge, Mass.; 北京, 北京市) - beginning, not
    merely inside it: York is not New York. A misspelt name (Cambrige) is not the
    same place."""
    places = _vocab()[2]
    p, q = fold_strict(printed), fold_strict(expected)
    if p == q or (p in places and places.get(p) == places.get(q)):
        return True
    return bool(p and q and (p.startswith(q) or q.startswith(p)))


def _imprint_mismatch(a: Analysis, rule_id: str, label: str,
                      printed_of: Callable[[Reference], Sequence[str]],
                      expected_of: Callable[[Entry], str],
                      same: Callable[[str, str], bool]) -> Iterator[Finding]:
    """A full citation whose printed publisher (or place) is none of the entry's."""
    for c, e, ref in _matched(a):
        printed, expected = printed_of(ref), expected_of(e)
        if c.form is not Form.FULL or not printed or not expected:
            continue
        if not any(same(p, expected) for p in printed):
            yield _finding(a, c, rule_id,
                           f"{label} '{'、'.join(printed)}' differs from '{expected}' "
                           f"in entry {e.key}",
                           key=e.key, fix=f"write '{expected}'",
                           offset=_offset(c.text, printed[0]))


@rule("publisher-mismatch", Severity.WARNING, "the publisher differs from the entry's")
def publisher_mismatch(a: Analysis) -> Iterator[Finding]:
    return _imprint_mismatch(a, "publisher-mismatch", "publisher", lambda r: r.publishers,
                             lambda e: e.publisher, same_publisher)


@rule("place-mismatch", Severity.WARNING, "the place of publication differs from the entry's")
def place_mismatch(a: Analysis) -> Iterator[Finding]:
    return _imprint_mismatch(a, "place-mismatch", "place", lambda r: r.places,
                             lambda e: e.place, same_place)


@rule("short-before-full", Severity.WARNING, "a short form before any full citation of the work")
def short_before_full(a: Analysis) -> Iterator[Finding]:
    seen_full: set[str] = set()
    for c in a.cites:
        if not c.work:
            continue
        if c.form is Form.SHORT and c.work not in seen_full:
            yield _finding(a, c, "short-before-full",
                           f"short citation of {_label(a, c.work)} comes before any full one",
                           key=_bib_key(a, c.work), fix="cite the work in full the first time")
        seen_full.add(c.work)  # after one report, later short forms are not "first"


@rule("ambiguous-ibid", Severity.WARNING, "an ibid after a note that cites several works")
def ambiguous_ibid(a: Analysis) -> Iterator[Finding]:
    for c in a.cites:
        if c.form is Form.IBID and len(c.ibid_of) > 1:
            works = ", ".join(_label(a, w) if w else "an unmatched citation" for w in c.ibid_of)
            yield _finding(a, c, "ambiguous-ibid",
                           f"'{_short(c.text, 12)}' follows a note citing several works ({works})",
                           fix="give the short form of the work meant instead")


@rule("orphan-ibid", Severity.ERROR, "an ibid with no citation before it")
def orphan_ibid(a: Analysis) -> Iterator[Finding]:
    for c in a.cites:
        if c.form is Form.IBID and not c.ibid_of:
            yield _finding(a, c, "orphan-ibid",
                           f"'{_short(c.text, 12)}' has no citation in the note before it",
                           fix="give the citation in full or in short form")


@rule("should-be-ibid", Severity.INFO, "a repeated citation of the previous note's only work")
def should_be_ibid(a: Analysis) -> Iterator[Finding]:
    full: set[str] = set()  # the first full citation of a work stays full
    for c in a.cites:
        first_full = c.form is Form.FULL and c.work not in full
        if c.form is Form.FULL or c.keyed:
            full.add(c.work)
        if c.keyed or c.form is Form.IBID or not c.work or not _first_in_note(a, c):
            continue
        previous = _previous_works(a, c.note)
        if previous == (c.work,) and not first_full:
            word = "同上" if has_cjk(c.text) else "Ibid."
            yield _finding(a, c, "should-be-ibid",
                           f"cites {_label(a, c.work)}, the only work of the previous note",
                           key=_bib_key(a, c.work), fix=f"write '{word}'")


@rule("duplicate-entry", Severity.WARNING, "the bibliography holds a work twice")
def duplicate_entry(a: Analysis) -> Iterator[Finding]:
    for problem in a.bib_problems:
        if problem.what == "duplicate-key":
            key = re.search(r"'([^']+)'", problem.reason)
            yield Finding(a.bib_path, problem.line or 1, 1, "duplicate-entry", Severity.WARNING,
                          problem.reason, None, key.group(1) if key else "",
                          "remove or rename one of the entries")
    seen: dict[tuple[str, str, frozenset[str]], Entry] = {}
    for e in a.index.entries:
        if not e.in_bib or not e.titles:
            continue
        first_person = (e.people[0].family or e.people[0].whole) if e.people else ""
        sig = (e.titles[0], first_person, e.years)
        if sig in seen:
            first = seen[sig]
            yield Finding(a.bib_path, e.line or 1, 1, "duplicate-entry", Severity.WARNING,
                          f"entry {e.key} is the same work as {first.key} "
                          f"(line {first.line}): {_short(e.title)}", None, e.key,
                          f"keep one entry and cite {first.key}")
        else:
            seen[sig] = e


# ── helpers for the rules ────────────────────────────────────────────────────


def _matched(a: Analysis) -> Iterator[tuple[Cite, Entry, Reference]]:
    for c in a.cites:
        if c.match is not None and c.reference is not None and c.match.entry.in_bib:
            yield c, c.match.entry, c.reference


def _first_in_note(a: Analysis, c: Cite) -> bool:
    return a.by_note.get(c.note, (c,))[0] is c


def _previous_works(a: Analysis, note: int) -> tuple[str, ...]:
    before = a.by_note.get(note - 1, ())
    return tuple(dict.fromkeys(c.work for c in before)) if before else ()


def _label(a: Analysis, work: str) -> str:
    entry = next((e for e in a.index.entries if e.key == work), None)
    if entry is None or entry.in_bib:
        return work
    return f"'{_short(entry.title)}'"


def _bib_key(a: Analysis, work: str) -> str:
    return "" if work.startswith("?") else work


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _offset(text: str, value: str) -> int | None:
    k = text.find(value) if value else -1
    return k if k >= 0 else None


# ── running the rules ────────────────────────────────────────────────────────


def select(ids: Iterable[str] | None, *, unused: bool = False) -> list[str]:
    """The rule ids to run: the default ones (plus ``unused-entry`` if asked), or exactly
    ``ids``. Unknown ids, or ``ids`` that name no rule at all (``--rules ""``, which
    would otherwise check nothing and report a clean draft), raise ``UsageError``
    whose fix lists the valid ids."""
    if ids is None:
        chosen = [r.id for r in RULES.values() if r.default or (unused and r.id == "unused-entry")]
        return chosen
    valid = "valid ids: " + ", ".join(RULES)
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not wanted:
        raise UsageError("--rules names no rule", fix=valid)
    unknown = [i for i in wanted if i not in RULES]
    if unknown:
        raise UsageError(f"unknown rule id: {', '.join(unknown)}", fix=valid)
    if unused and "unused-entry" not in wanted:
        wanted.append("unused-entry")
    return wanted


def run(analysis: Analysis, rule_ids: Sequence[str]) -> tuple[Finding, ...]:
    """Findings of the given rules, in the order of the draft (bibliography ones last)."""
    found = [f for rid in rule_ids for f in RULES[rid].run(analysis)]
    draft_path = analysis.draft.path
    return tuple(sorted(found, key=lambda f: (f.path != draft_path, f.line, f.column, f.rule)))


def check(draft: Draft, works: Sequence[Work], rule_ids: Sequence[str] | None = None, *,
          segmenter: Segmenter | None = None, bib_path: str = "",
          bib_problems: Sequence[Unparsed] = ()) -> tuple[Finding, ...]:
    """Analyse the draft against the works and run the rules (default: the default set)."""
    analysis = analyse(draft, works, segmenter=segmenter, bib_path=bib_path,
                       bib_problems=bib_problems)
    return run(analysis, rule_ids if rule_ids is not None else select(None))


def exit_status(findings: Iterable[Finding]) -> int:
    """1 if any finding is a warning or an error, else 0."""
    return int(any(f.severity is not Severity.INFO for f in findings))
