"""Style rules: what a careful reader of hand-typed notes marks that matching does not.

Each rule reads the printed text of a citation (or of the whole note) beside what the
grammar parsed from it: a Western name printed family-first, ``eds.`` for one editor,
a short form by the subtitle, a number left in the prose, full-width punctuation in an
English citation, a comma before the imprint, mixed 頁/页, ``p.``/``pp.`` misuse, a
year still to come. None of them is an error: the citation is readable, only untidy.
"""

from __future__ import annotations

import datetime
import re
import tomllib
import weakref
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from sinosoviet_cli.checks.analysis import Analysis, Cite
from sinosoviet_cli.checks.findings import Finding
from sinosoviet_cli.checks.fold import fold_strict
from sinosoviet_cli.checks.index import Index
from sinosoviet_cli.checks.registry import RULES, finding, offset_of
from sinosoviet_cli.model import Form, Person, Reference, Work
from sinosoviet_cli.text.names import parse_persons
from sinosoviet_cli.text.normalize import has_cjk, to_simplified
from sinosoviet_cli.text.titles import split_title
from sinosoviet_cli.text.years import years_in

# ── shared helpers ───────────────────────────────────────────────────────────


@cache
def western_given_names() -> frozenset[str]:
    """The given names of ``data/check.toml`` ``[names]``, case-folded."""
    raw: dict[str, Any] = tomllib.loads(
        (resources.files("sinosoviet_cli") / "data" / "check.toml").read_text("utf-8"))
    return frozenset(n.casefold() for n in raw["names"]["western_given"])


_INITIAL = "(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)"
_FINAL = ("(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|er|ia|ie|in|"
          "iu|ou|ua|ui|un|uo|ue|a|e|i|o|u|v)")
_PINYIN_WORD = re.compile(f"(?:{_INITIAL}?{_FINAL}){{1,3}}")


@lru_cache(maxsize=1 << 14)  # a draft asks this of the same few names thousands of times
def looks_chinese(given: str) -> bool:
    """A romanised Chinese given name (``Jian``, ``Zhihua``, ``Yung-fa``): printed after
    the family name by right, so never a family-first finding."""
    words = [w for w in re.split(r"[\s\-'’]+", given.casefold()) if w]
    if not words:
        return False
    if "-" in given:
        return True  # Wade-Giles joins the syllables of a given name with a hyphen
    return all(_PINYIN_WORD.fullmatch(w) for w in words)


def note_finding(a: Analysis, note: int, offset: int, rule_id: str, message: str,
                 fix: str = "") -> Finding:
    """A finding at ``offset`` in a note's text (a rule on the prose, not a citation)."""
    n = a.draft.notes[note]
    line, column = n.where(offset)
    r = RULES[rule_id]
    return Finding(a.draft.path, line, column, rule_id, r.severity, message, n.n, "",
                   fix or r.fix)


def typed(a: Analysis) -> Iterator[tuple[Cite, Reference]]:
    """The hand-typed full and short citations with what the grammar read from them."""
    for c in a.cites:
        if not c.keyed and c.reference is not None and c.form is not Form.IBID:
            yield c, c.reference


_BY_KEY: weakref.WeakKeyDictionary[Index, dict[str, Work]] = weakref.WeakKeyDictionary()


def work_of(a: Analysis, key: str) -> Work | None:
    """The bibliography's work under ``key`` (a dictionary built once per index: a long
    draft against a large bibliography asks this for every citation)."""
    if not key:
        return None
    by_key = _BY_KEY.get(a.index)
    if by_key is None:
        by_key = {}
        for w in a.index.works:
            by_key.setdefault(w.key, w)
        _BY_KEY[a.index] = by_key
    return by_key.get(key)


def entry_persons(a: Analysis, key: str) -> tuple[Person, ...]:
    """The authors and editors of an entry and of its ``crossref`` volume, parsed."""
    work = work_of(a, key)
    if work is None:
        return ()
    people = [*parse_persons(work.get("author")), *parse_persons(work.get("editor"))]
    parent = work_of(a, work.get("crossref"))
    if parent is not None:
        people += [*parse_persons(parent.get("author")), *parse_persons(parent.get("editor"))]
    return tuple(people)


# ── a Western name printed family-first ──────────────────────────────────────


def _words(text: str) -> list[str]:
    return [w.casefold().strip(".") for w in text.split() if w.strip(".")]


def _reversed_of(printed: Person, entry: Person) -> bool:
    """``printed`` is ``entry`` with its given and family names swapped (``Sun Warren``
    parsed as given ``Sun``, family ``Warren``, for the entry's ``Sun, Warren``)."""
    if entry.literal or not entry.given or not entry.family or looks_chinese(entry.given):
        return False
    return (printed.family.casefold() == _words(entry.given)[0]
            and entry.family.casefold() in _words(printed.given))


def _shape_reversed(printed: Person) -> bool:
    """No entry to go by: the last word is a common Western given name and the first
    is not (``Ellison Herbert``), and the first is no romanised Chinese family name
    followed by its given name."""
    given = western_given_names()
    first = _words(printed.given)
    return (len(first) == 1 and printed.family.casefold() in given
            and first[0] not in given and not looks_chinese(printed.family))


def _printed_with_comma(text: str, p: Person) -> int | None:
    """Offset of ``Family, Given`` in the citation text (a bibliography's order)."""
    if not p.family or not p.given:
        return None
    m = _comma_pattern(p.family, p.given).search(text)
    return m.start() if m else None


@lru_cache(maxsize=1 << 12)
def _comma_pattern(family: str, given: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(family)},\s*{re.escape(given)}")


def _people(ref: Reference) -> tuple[Person, ...]:
    return (*ref.authors, *ref.editors, *ref.container_editors)


def family_first(a: Analysis) -> Iterator[Finding]:
    for c, ref in typed(a):
        known = entry_persons(a, c.work) if c.match is not None else ()
        for p in _people(ref):
            if p.literal or not p.family or has_cjk(p.display):
                continue
            comma = _printed_with_comma(c.text, p)
            if comma is not None:
                shown, right = f"{p.family}, {p.given}", f"{p.given} {p.family}"
            elif any(_reversed_of(p, e) for e in known) or (not known and _shape_reversed(p)):
                shown, right = f"{p.given} {p.family}", f"{p.family} {p.given}"
            else:
                continue
            yield finding(a, c, "family-first",
                          f"'{shown}' is printed family name first; a note prints the "
                          "given name first", key=c.work if known else "",
                          fix=f"write '{right}'",
                          offset=comma if comma is not None else offset_of(c.text, shown))


# ── editors ──────────────────────────────────────────────────────────────────

_EDS = re.compile(r"(?<!\w)(eds?)\.", re.IGNORECASE)
_SPAN_START = re.compile(r"(?:^|\bin\s|[“”\"])", re.IGNORECASE)


def _names_beside(text: str, m: re.Match[str]) -> str:
    """The text the editors' names are printed in: before ``eds.`` back to ``in``
    (``in Thomas Robinson and David Shambaugh, eds.``), or after ``ed.`` up to the
    next bracket or comma (``ed. Herbert Ellison (Seattle``)."""
    before = text[: m.start()]
    starts = [s.end() for s in _SPAN_START.finditer(before)]
    after = re.split(r"[,(（，]", text[m.end():], maxsplit=1)[0]
    return before[starts[-1] if starts else 0:] + " | " + after


def editor_number(a: Analysis) -> Iterator[Finding]:
    """Counts only the editors the grammar read beside the marker: where it read others
    (a title taken for a name), the count is not trusted and nothing is said."""
    for c, ref in typed(a):
        editors = ref.container_editors or ref.editors
        m = _EDS.search(c.text)
        if not editors or m is None:
            continue
        span = _names_beside(c.text, m).casefold()
        if not all((p.family or p.literal).casefold() in span for p in editors):
            continue
        word = m.group(1)
        plural = word.casefold() == "eds"
        if plural == (len(editors) > 1):
            continue
        right = word[:2] + "." if plural else word + "s."
        count = "one editor" if len(editors) == 1 else f"{len(editors)} editors"
        yield finding(a, c, "editor-number", f"'{m.group(0)}' for {count}",
                      key=c.work if c.match else "", fix=f"write '{right}'",
                      offset=m.start())


# ── short forms ──────────────────────────────────────────────────────────────


def subtitle_short_form(a: Analysis) -> Iterator[Finding]:
    for c, ref in typed(a):
        work = work_of(a, c.work) if c.form is Form.SHORT and ref.title else None
        if work is None:
            continue
        subtitle = work.get("subtitle").strip("{} ")
        main, sub = (work.get("title").strip("{} "), subtitle) if subtitle else \
            split_title(work.get("title").strip("{} "))
        printed = fold_strict(ref.title)
        shorttitle = fold_strict(work.get("shorttitle"))
        if not sub or printed != fold_strict(sub) or printed in (fold_strict(main), shorttitle):
            continue
        quoted = f"《{main}》" if has_cjk(main) else main
        yield finding(a, c, "subtitle-short-form",
                      f"short form '{ref.title}' is the subtitle of {c.work}, not its "
                      "main title", key=c.work, fix=f"write {quoted}",
                      offset=offset_of(c.text, ref.title))


# ── the prose of a note ──────────────────────────────────────────────────────

# A number glued between the end of a sentence and the next: a note marker typed into
# the text (``…群眾。21大躍進…``, ``…the Leap.21 Mao…``). Counters and dates after
# the number (1958年, 10月, 3次) make it a quantity, not a stray.
_STRAY_CJK = re.compile(
    r"(?<=[。！？；」』])\s?(\d{1,3})(?=[\u3400-\u9fff「『〈《])"
    r"(?![年月日歲岁世個个次位人名萬万億亿多餘余頁页章節节條条卷期號号版冊册點点種种])")
_STRAY_LATIN = re.compile(r"(?<=[a-z][.!?])(\d{1,3})(?=\s+[A-Z\u3400-\u9fff])")
_LATIN_ABBREVIATION = re.compile(r"(?:\b(?:pp?|nos?|vols?|ch|chap|n|nn|fig|ed|eds|art)\.)$",
                                 re.IGNORECASE)


def stray_number(a: Analysis) -> Iterator[Finding]:
    for i, note in enumerate(a.draft.notes):
        text = note.text
        for m in (*_STRAY_CJK.finditer(text), *_STRAY_LATIN.finditer(text)):
            if _LATIN_ABBREVIATION.search(text[max(0, m.start(1) - 6):m.start(1)]):
                continue  # p.21 Mao…: a page, not a stray
            yield note_finding(a, i, m.start(1), "stray-number",
                               f"stray number '{m.group(1)}' inside the note's text "
                               "(a note marker typed into it?)")


# ── punctuation ──────────────────────────────────────────────────────────────

_FULL_WIDTH = "：，（）；。、！？"
_PAIRS = {"(": ")", "（": "）"}
_ROUND = re.compile("[()（）]")
_NO_FULL_WIDTH = str.maketrans(dict.fromkeys(_FULL_WIDTH))
_FULL_WIDTH_MARK = re.compile(f"[{_FULL_WIDTH}]")


def _mismatched_bracket(text: str) -> int | None:
    """Offset of a closing bracket of the other width than its opening one:
    ``(北京：人民出版社，2001）``."""
    stack: list[str] = []
    for m in _ROUND.finditer(text):  # the brackets only, not every character
        ch = m.group()
        if ch in _PAIRS:
            stack.append(ch)
        elif stack and _PAIRS[stack.pop()] != ch:
            return m.start()
    return None


def mixed_punctuation(a: Analysis) -> Iterator[Finding]:
    for c, _ref in typed(a):
        text = c.text
        if not has_cjk(text.translate(_NO_FULL_WIDTH)):
            mark = _FULL_WIDTH_MARK.search(text)  # the first, found without a walk
            if mark is not None:
                yield finding(a, c, "mixed-punctuation",
                              f"full-width '{mark.group()}' in an English citation",
                              key=c.work if c.match else "",
                              fix="use ASCII punctuation (: , ( ) ;) in an English note",
                              offset=mark.start())
                continue
        k = _mismatched_bracket(text)
        if k is not None:
            yield finding(a, c, "mixed-punctuation",
                          f"'{text[k]}' closes a bracket of the other width",
                          key=c.work if c.match else "",
                          fix="close a bracket with the same width it opens with", offset=k)


_COMMA_IMPRINT = re.compile(r"[，,]\s*(?=[（(][^（()）]*[:：][^（()）]*?(?:1[5-9]|20)\d\d)")


def comma_before_imprint(a: Analysis) -> Iterator[Finding]:
    for c, ref in typed(a):
        m = _COMMA_IMPRINT.search(c.text)
        if m is None or c.form is not Form.FULL or not (ref.places or ref.publishers):
            continue
        yield finding(a, c, "comma-before-imprint",
                      "a comma before the parenthesised place, publisher and year",
                      key=c.work if c.match else "", offset=m.start())


# ── pages and years ──────────────────────────────────────────────────────────


def mixed_page_mark(a: Analysis) -> Iterator[Finding]:
    """A citation printed in Traditional characters with the Simplified 页, or one that
    writes both marks. A mainland citation beside a Taiwanese one in the same note
    keeps its own script."""
    for c, _ref in typed(a):
        trad, simp = c.text.find("頁"), c.text.find("页")
        if simp < 0:
            continue
        rest = re.sub("[頁页]", "", c.text)
        if trad >= 0 or to_simplified(rest) != rest:
            yield finding(a, c, "mixed-page-mark",
                          "页 (Simplified) in a citation printed in Traditional characters",
                          key=c.work if c.match else "", fix="write 頁", offset=simp)


_P_RANGE = re.compile(r"(?<!\w)p\.\s*\d+\s*[-–—]\s*\d+")
_PP_SINGLE = re.compile(r"(?<!\w)pp\.\s*\d+(?!\s*[-–—,、\d]|\s*ff)")


def page_abbreviation(a: Analysis) -> Iterator[Finding]:
    for c, _ref in typed(a):
        for pattern, message, fix in (
                (_P_RANGE, "'p.' before a range of pages", "write 'pp.'"),
                (_PP_SINGLE, "'pp.' before a single page", "write 'p.'")):
            m = pattern.search(c.text)
            if m is not None:
                yield finding(a, c, "page-abbreviation", message,
                              key=c.work if c.match else "", fix=fix, offset=m.start())


def future_year(a: Analysis, *, today: datetime.date | None = None) -> Iterator[Finding]:
    now = (today or datetime.date.today()).year
    for c, ref in typed(a):
        late = [y for y in years_in(ref.year) if int(y) > now]
        if late:
            yield finding(a, c, "future-year", f"year {late[0]} is still to come",
                          key=c.work if c.match else "", offset=offset_of(c.text, late[0]))
