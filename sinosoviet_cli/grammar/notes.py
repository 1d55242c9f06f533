"""Citation grammars: split a footnote into citations and commentary, and parse each
citation into a typed :class:`~sinosoviet_cli.model.Reference`.

Contract (``resolve``, ``parse`` and ``check`` rely on it)::

    segment(note: str) -> tuple[Segment, ...]
        Split a note and parse every citation span. The segments cover the note in
        order, without gaps or overlaps: ``"".join(s.text for s in segs) == note`` and
        ``segs[i].end == segs[i + 1].start``. Commentary (the author's prose, including
        cue words such as 參見 / see) is never parsed into fields. A span that looks like
        a citation but cannot be read is a citation segment with ``reference=None`` and
        a ``problem``.
    parse_citation(text: str) -> Reference | Unparsed
        One citation span. Never raises.

What a ``Reference`` holds:

- ``form``: FULL (publication facts printed), SHORT (author/title only, 前引書,
  op. cit.), IBID (同上, 同上註, 同前註, Ibid.) — IBID fills ``pages`` (and ``volume``
  for 同上，第2卷 / Ibid., 2:45) only; a back-reference word goes to ``extra["backref"]``.
- persons: CJK and corporate names whole in ``Person.literal``; Western names as
  family/given. A name printed in two scripts (``莫里斯‧邁斯納（Maurice Meisner）``)
  is stored in its Western form with the Chinese form in ``alt`` (and vice versa for
  ``Maurice Meisner（莫里斯‧邁斯納）``). Corporate bodies are kept whole like CJK names;
  whoever 編/主編 a work without an author is its editor (``人民出版社編`` ->
  ``collection`` edited by 人民出版社).
- ``title`` without 《》〈〉 and without surrounding quotes; ``container`` is the
  journal, newspaper, web site or the volume a chapter is in (``container_editors``).
- ``places``/``publishers`` in printed order (several for co-publications); ``year``;
  ``date`` in ISO 8601 (``2007-10-22``, ``2003-03``, or a range ``1991/1993``).
- ``pages``: the cited locator, ranges with ``--``; ``extra["locator"] = "版"`` for a
  newspaper page. ``volume``/``number`` (Chinese numerals converted); a multi-volume
  set (上、下卷) gives ``extra["volumes"]``.
- ``institution``: thesis school, report institution or conference organisers;
  ``eventtitle`` for conference papers; ``note`` keeps 網路版 and the like.
- ``langid``: "chinese" when the title or container is CJK, else "english".
- ``extra`` (all optional strings): ``backref`` (同上, 前引書, op. cit., 同註 …);
  ``footnote`` (the note a 同註5 refers to; form SHORT); ``author_only`` ("1" for a
  short form printing only an author and pages: 楊奎松，頁12 / Zagoria, 78); ``etal``
  (which person lists ended in 等 / et al.: "authors", "translators",
  "container_editors"); ``volumes`` (number of volumes of a set, 上、下卷 -> "2");
  ``locator`` ("版" for newspaper pages); ``editortype`` / ``containereditortype``
  ("compiler" when the editors are printed with 編 rather than 主編);
  ``part`` (第三編); ``edition`` (修訂版, 2nd ed.); ``urldate`` (ISO access date);
  ``archive`` ("1" for a document in an archive: ``institution`` is the repository,
  ``number`` the call number); ``docdate`` (a document's own date when the citation
  also prints a publication year); ``series`` (a report series); ``parenthesis`` (a
  parenthesis that was not publication facts); ``prefix`` (text before the title that
  was not names — parse_citation only).

Entry types: book, collection (edited, no author), incollection (〈篇〉 in a volume with
收入/載於/in, or in a book with publisher), article (journal, newspaper), online (a web
site container or a URL), phdthesis / mastersthesis, unpublished (conference paper
without proceedings; archival document), inproceedings (in 論文集/Proceedings), report,
misc (only a back-reference).

Values are NFC; full-width digits, 民國 years (民國54年) and years, months and days in
Chinese numerals (一九七九年三月) are read as Western digits. The vocabularies (role
words, cue words, back-references, thesis words, publishing cities, archives, …) are
data: ``sinosoviet_cli/data/grammar.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from sinosoviet_cli.model import Form, Person, Reference, Unparsed
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk, nfc

__all__ = ["Segment", "parse_citation", "segment"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a footnote: a citation (parsed) or the author's commentary."""

    kind: Literal["citation", "commentary"]
    text: str
    start: int  # offsets into the note text; segments cover the note in order
    end: int
    reference: Reference | None = None  # parsed, for citations
    problem: str = ""  # why a citation-looking span could not be parsed


# ── vocabulary ───────────────────────────────────────────────────────────────


def _alt(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Vocab:
    roles: Mapping[str, str]  # role word -> "author" | "editor" | "translator"
    compilers: frozenset[str]  # editor words meaning "compiled by" (編, not 主編)
    role_re: re.Pattern[str]  # name list + optional 等 + role word at the end
    container_cjk: re.Pattern[str]
    quote_title: re.Pattern[str]  # 「篇名」 before 《 or a chapter word: an article title
    cue_cjk: re.Pattern[str]
    cue_latin: re.Pattern[str]
    cue_latin_any: re.Pattern[str]
    ibid: re.Pattern[str]
    note_ref: re.Pattern[str]
    archives: tuple[str, ...]
    call_number: re.Pattern[str]
    archive_abbr: re.Pattern[str]
    call_part: re.Pattern[str]
    leaves: re.Pattern[str]
    earlier: re.Pattern[str]
    nationality: re.Pattern[str]
    phd: re.Pattern[str]
    masters: re.Pattern[str]
    online_suffixes: tuple[str, ...]
    edition: re.Pattern[str]
    access: re.Pattern[str]
    report: re.Pattern[str]
    conference: re.Pattern[str]
    proceedings: re.Pattern[str]
    corporate: tuple[str, ...]
    publisher_suffixes: tuple[str, ...]
    volume_units: str
    volume_parts: str
    abbreviations: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    self_refs: frozenset[str]
    prose: re.Pattern[str]
    places: frozenset[str]
    months: Mapping[str, int]
    month_re: str
    season_re: str
    event_markers: re.Pattern[str]
    surnames: frozenset[str]


@cache
def _vocab() -> _Vocab:
    raw: dict[str, Any] = tomllib.loads(
        (resources.files("sinosoviet_cli") / "data" / "grammar.toml").read_text("utf-8")
    )
    roles = {w: role for role in ("author", "editor", "translator") for w in raw["roles"][role]}
    nat = raw["nationality"]
    months = {k: int(v) for k, v in raw["months"].items()}
    return _Vocab(
        roles=MappingProxyType(roles),
        compilers=frozenset(raw["roles"]["compiler"]),
        role_re=re.compile(f"(?P<etal>{_alt(raw['roles']['etal'])})?(?P<role>{_alt(roles)})$"),
        container_cjk=re.compile(f"^(?:{_alt(raw['containers']['cjk'])})"),
        quote_title=re.compile(
            rf"(?:^|(?<=[，,：:\s])|(?<={CJK_CHAR}))[「“]([^「」“”《》]{{1,80}})[」”]"
            rf"(?=\s*[，,]?\s*(?:《|{_alt(raw['containers']['cjk'])}))"
        ),
        cue_cjk=re.compile(_alt(raw["cues"]["cjk"])),
        cue_latin=re.compile(f"^(?:{_alt(raw['cues']['latin'])})(?=[\\s\u4e00-\u9fff])\\s*"),
        cue_latin_any=re.compile(f"(?<![\\w.])(?:{_alt(raw['cues']['latin'])})\\s+"),
        ibid=re.compile(f"^(?:{_alt(raw['backrefs']['ibid'])})"),
        note_ref=re.compile(f"^(?P<word>{_alt(raw['backrefs']['note_ref'])})\\s*(?P<n>\\d{{1,3}})(?!\\d)"),
        archives=tuple(raw["archives"]["suffixes"]),
        archive_abbr=re.compile(raw["archives"]["abbreviation"]),
        call_part=re.compile(f"(?:{_alt(raw['archives']['call_parts'])})\\.\\s*[\\w/\\-]+"),
        leaves=re.compile(f"(?:{_alt(raw['archives']['leaves'])})\\.\\s*(.+)"),
        call_number=re.compile(f"^(?:{_alt(raw['archives']['call_numbers'])})\\s*[：:]?\\s*(\\S+)$"),
        earlier=re.compile(_alt(raw["backrefs"]["earlier"])),
        nationality=re.compile(
            f"^[{re.escape(''.join(nat['open']))}]\\s*(?:{_alt(nat['countries'])})\\s*"
            f"[{re.escape(''.join(nat['close']))}]\\s*"
        ),
        phd=re.compile(_alt(raw["theses"]["phd"])),
        masters=re.compile(_alt(raw["theses"]["masters"])),
        online_suffixes=tuple(raw["online"]["container_suffixes"]),
        edition=re.compile(_alt(raw["online"]["edition_words"])),
        access=re.compile(f"^(?:{_alt(raw['online']['access_words'])})\\s*[：:]?\\s*"),
        report=re.compile(_alt(raw["reports"]["words"])),
        conference=re.compile(_alt(raw["conference"]["words"])),
        proceedings=re.compile(_alt(raw["conference"]["proceedings"])),
        corporate=tuple(raw["corporate"]["suffixes"]),
        publisher_suffixes=tuple(raw["publishers"]["suffixes"]),
        volume_units="".join(u for u in raw["volumes"]["units"] if len(u) == 1),
        volume_parts="".join(raw["volumes"]["parts"]),
        abbreviations=frozenset(raw["latin"]["abbreviations"]),
        particles=frozenset(raw["latin"]["particles"]),
        not_names=frozenset(raw["prose"]["not_names"]),
        self_refs=frozenset(raw["prose"]["self_refs"]),
        prose=re.compile(_alt(raw["prose"]["markers"])),
        places=frozenset(raw["places"]["cjk"] + raw["places"]["latin"]),
        months=MappingProxyType(months),
        month_re=_alt(months),
        season_re=_alt(raw["seasons"]["words"]),
        event_markers=re.compile(f"(?:{_alt(raw['conference']['markers'])})\\s*"),
        surnames=frozenset(raw["pinyin"]["surnames"]),
    )


# ── small lexical helpers ────────────────────────────────────────────────────

_OPEN = "《〈（(［[【〔"
_CLOSE = "》〉）)］]】〕"
_TITLE_OPEN = "《〈"
_PAIR = dict(zip(_OPEN, _CLOSE, strict=True))
_DASH = "-–—─－―~～‐‑━"
_D = re.escape(_DASH)  # for use inside character classes
_QUOTES_OPEN = "“\"「『‘"
_QUOTES_CLOSE = "”\"」』’"
_SPACES = re.compile(r"\s+")
_CJK_RE = re.compile(CJK_CHAR)
_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "［": "[",
                        "］": "]", "．": ".", "。": "."})
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_NUM = "[0-9一二三四五六七八九十百〇]"


def _clean(text: str) -> str:
    """Collapse whitespace and drop spaces before punctuation (``Hinton ,``)."""
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"\s+([,:;.?!，：；。])", r"\1", text)
    return text.strip(" ,;，；、")


def _cn_number(text: str) -> str:
    """``十五`` -> ``15``; digits pass through; anything else unchanged."""
    text = text.strip()
    if text.isdigit() or not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return text
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        else:
            unit = 10 if char == "十" else 100
            total += (current or 1) * unit
            current = 0
    return str(total + current)


def _pages(text: str) -> str:
    """A locator as BibTeX wants it: prefixes dropped, ranges with ``--``."""
    text = text.strip().strip("。.．,，;；")
    text = re.sub(r"^(?:pp?\.?|頁|页|第|版)\s*", "", text)
    text = re.sub(r"\s*(?:頁|页|版)$", "", text)
    text = re.sub(f"\\s*[{_D}]+\\s*", "--", text)
    text = re.sub(r"\s*[、,，]\s*", ", ", text)
    return text.strip()


_PAGES_RE = re.compile(
    r"^(?:(?:pp?\.|頁|页|版)\s*)?(?:第\s*)?"
    rf"[0-9ivxlcIVXLC]+(?:n\d+)?(?:\s*[{_D}]+\s*[0-9ivxlcIVXLC]+)?"
    rf"(?:\s*[、,，]\s*[0-9]+(?:\s*[{_D}]+\s*[0-9]+)?)*"
    r"\s*(?:頁|页|版)?\s*$"
)


def _is_pages(text: str) -> bool:
    text = text.strip().strip("。.．")
    if not _PAGES_RE.match(text):
        return False
    # A bare year or a span of years is not a page: "1999", "1956-1961".
    return not re.fullmatch(rf"{_YEAR}(?:\s*[{_D}]+\s*{_YEAR})?", text)


def _depths(text: str) -> list[int]:
    """Bracket depth *before* each character (《〈（( and their closers; clamped at 0)."""
    out: list[int] = []
    depth = 0
    for char in text:
        out.append(depth)
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
    return out


def _split_top(text: str, seps: str) -> list[tuple[int, int]]:
    """Spans of ``text`` between top-level separators (the separators excluded)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i, (char, d) in enumerate(zip(text, _depths(text), strict=True)):
        if d == 0 and char in seps:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


def _match_close(text: str, i: int) -> int:
    """Index of the bracket closing the one at ``i`` (or -1)."""
    opener = text[i]
    closer = _PAIR.get(opener, "")
    if opener in "（(":
        openers, closers = "（(", "）)"
    else:
        openers, closers = opener, closer
    depth = 0
    for j in range(i, len(text)):
        if text[j] in openers:
            depth += 1
        elif text[j] in closers:
            depth -= 1
            if depth == 0:
                return j
    return -1


def langid(*texts: str) -> str:
    """``chinese`` when any of the texts (title, container, names) has CJK, else
    ``english``: the one rule for notes and resolve."""
    return "chinese" if any(has_cjk(t) for t in texts) else "english"


# ── persons ──────────────────────────────────────────────────────────────────

_LATIN_TOKEN = r"(?:[A-Z][\w'’.\-]*|[a-z]{1,4})"
_LATIN_NAME = re.compile(rf"^[A-Z][\w'’.\-]*(?:\s+{_LATIN_TOKEN}){{0,4}}$")


def _western(name: str, *, alt: str = "") -> Person:
    """``Donald Zagoria`` / ``Chan, Alfred L.`` -> family and given."""
    name = _clean(name)
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return Person(family=family, given=given, alt=alt)
    tokens = name.split()
    if len(tokens) == 1:
        return Person(family=tokens[0], alt=alt)
    if len(tokens) == 2 and tokens[0] in _vocab().surnames and _PINYIN.fullmatch(
        tokens[1].replace("-", "").replace("’", "").replace("'", "").lower()
    ):
        return Person(family=tokens[0], given=tokens[1], alt=alt)  # "Chen Jian"
    # Particles (van, de) belong to the family name.
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1] in _vocab().particles:
        cut -= 1
    return Person(family=" ".join(tokens[cut:]), given=" ".join(tokens[:cut]), alt=alt)


_SYLLABLE = (
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    "|ua|uo|ui|un|ue|ve|üe|a|o|e|i|u|v|ü)"
)
_PINYIN = re.compile(f"(?:{_SYLLABLE}){{1,2}}")


def _is_latin_name(name: str) -> bool:
    if not _LATIN_NAME.match(name) or has_cjk(name):
        return False
    return all(t[0].isupper() or t in _vocab().particles for t in name.split())


def _is_corporate(name: str) -> bool:
    return name.endswith(_vocab().corporate) and len(name) >= 3


def _person(item: str, *, has_role: bool, plain_limit: int = 4) -> Person | None:
    """One printed name, or None if it does not look like one. ``plain_limit``: the
    longest Chinese name accepted without a role word, alternate form or separator."""
    v = _vocab()
    item = v.nationality.sub("", item.strip()).strip()
    if not item:
        return None
    alt = ""
    m = re.fullmatch(r"(.+?)\s*[（(]([^()（）]+)[)）]", item)
    if m:
        item, alt = m.group(1).strip(), _clean(m.group(2))
    if has_cjk(item):
        # "A. M. 列多夫斯基": Latin initials before a transliterated name
        core = re.sub(r"[‧·・•．.\s]", "", re.sub(r"^(?:[A-Z]\.\s*)+", "", item))
        if not core or not all(_CJK_RE.match(c) for c in core):
            return None
        if _is_corporate(core) and len(core) <= 24:
            return Person(literal=item, alt=alt)
        if item in v.not_names or (not has_role and not alt and v.prose.search(core)):
            return None
        limit = 16 if (has_role or alt or len(core) != len(item)) else plain_limit
        if not 2 <= len(core) <= limit:
            return None
        item = re.sub(f"(?<={CJK_CHAR})\\s+(?={CJK_CHAR})", "", item)  # 楊 奎松 (PDF spacing)
        if alt and _is_latin_name(alt):
            return _western(alt, alt=item)
        return Person(literal=item, alt=alt)
    if _is_latin_name(item):
        return _western(item, alt=alt)
    return None


@dataclass(frozen=True, slots=True)
class _Names:
    role: str  # "author" | "editor" | "translator" | "" (no role word)
    persons: tuple[Person, ...]
    etal: bool
    word: str  # the role word as printed


def _name_clause(clause: str, *, plain_limit: int = 4) -> _Names | None:
    """``閻學通、陳寒溪等譯`` -> translators; ``李越然`` -> unnamed role; else None."""
    v = _vocab()
    clause = clause.strip()
    if clause in v.self_refs:
        # 氏著: "his/her own work" — the author is named in the prose, not here
        return _Names(v.roles.get(clause[1:], "author"), (), False, clause[1:])
    role, word, etal = "", "", False
    m = v.role_re.search(clause)
    if m and m.start() > 0:
        word = m.group("role")
        role = v.roles[word]
        etal = bool(m.group("etal"))
        clause = clause[: m.start()].strip()
    elif clause.endswith(("等", "et al.", "et al")):
        etal = True
        clause = re.sub(r"\s*(?:等|et al\.?)$", "", clause)
    if not clause:
        return None
    if has_cjk(clause):
        items = [clause[a:b] for a, b in _split_top(clause, "、")]
    else:
        items = re.split(r",?\s+(?:and|&)\s+|\s*、\s*", clause)
    persons = []
    for item in items:
        person = _person(item, has_role=bool(role) or etal, plain_limit=plain_limit)
        if person is not None:
            persons.append(person)
            continue
        # 楊奎松與沈志華 / 楊奎松和沈志華: two names joined by a conjunction
        pair = re.fullmatch(r"(.{2,16}?)\s*[與和及与]\s*(.{2,16})", item)
        both = [_person(x, has_role=bool(role) or etal) for x in pair.groups()] if pair else []
        if not both or None in both:
            return None
        persons.extend(p for p in both if p is not None)
    return _Names(role, tuple(persons), etal, word)


# ── Chinese citations ────────────────────────────────────────────────────────


@dataclass
class _Draft:
    """Fields gathered while reading a citation (turned into a Reference at the end)."""

    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    translators: list[Person] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    title: str = ""
    title_kind: str = ""  # "《", "〈", "quote", "plain", ""
    container: str = ""
    container_editors: tuple[Person, ...] = ()
    chapter: bool = False
    places: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    year: str = ""
    date: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    institution: str = ""
    thesis: str = ""  # "phdthesis" | "mastersthesis"
    eventtitle: str = ""
    report: bool = False
    url: str = ""
    note: str = ""

    def add_names(self, names: _Names, *, default: str, container: bool = False) -> None:
        role = names.role or default
        if container and role in ("editor", "author"):
            self.container_editors += names.persons
        elif role == "translator":
            self.translators.extend(names.persons)
        elif role == "editor":
            self.editors.extend(names.persons)
        else:
            self.authors.extend(names.persons)
        if role == "editor" and names.word in _vocab().compilers:
            # 人民出版社編 (compiled by) is not 楊奎松主編 (chief editor): biblatex's editortype
            self.extra["containereditortype" if container else "editortype"] = "compiler"
        if names.etal:
            key = {"translator": "translators", "editor": "editors"}.get(role, "authors")
            if container and role != "translator":
                key = "container_editors"
            self.extra["etal"] = ", ".join(filter(None, (self.extra.get("etal"), key)))


def _date_of(text: str) -> tuple[str, str]:
    """(year, ISO date) from ``2007年10月22日`` / ``2003.3`` / ``1991、1993`` / ``1962``."""
    text = text.strip()
    m = re.search(rf"({_YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(?:(\d{{1,2}})\s*日)?", text)
    if m:
        y, mo, d = m.group(1), int(m.group(2)), m.group(3)
        return y, f"{y}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
    m = re.fullmatch(rf"({_YEAR})\s*[.．/\-]\s*(\d{{1,2}})(?:\s*[.．/\-]\s*(\d{{1,2}}))?", text)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo, d = m.group(1), int(m.group(2)), m.group(3)
        return y, f"{y}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
    v = _vocab()
    m = re.search(rf"\b({v.month_re})\.?\s+(\d{{1,2}}),?\s+({_YEAR})\b", text)
    if m:
        mo = v.months[m.group(1)]
        return m.group(3), f"{m.group(3)}-{mo:02d}-{int(m.group(2)):02d}"
    m = re.search(rf"\b(\d{{1,2}})\s+({v.month_re})\.?\s+({_YEAR})\b", text)
    if m:
        mo = v.months[m.group(2)]
        return m.group(3), f"{m.group(3)}-{mo:02d}-{int(m.group(1)):02d}"
    m = re.search(rf"\b({v.month_re})\.?\s+({_YEAR})\b", text)
    if m:
        return m.group(2), f"{m.group(2)}-{v.months[m.group(1)]:02d}"
    years = re.findall(rf"(?<!\d)({_YEAR})(?!\d)", text)
    if len(years) >= 2 and re.fullmatch(rf"{_YEAR}\s*年?\s*[、,，{_D}/]+\s*{_YEAR}\s*年?", text):
        return years[0], f"{years[0]}/{years[-1]}"
    if years:
        return years[0], ""
    return "", ""


def _is_date(text: str) -> bool:
    text = text.strip()
    if not text or not re.search(_YEAR, text):
        return False
    rest = re.sub(rf"{_YEAR}|\d{{1,2}}|[年月日版.．/、,，\s{_D}]", "", text)
    rest = re.sub(_vocab().month_re, "", rest)
    rest = re.sub(_vocab().season_re, "", rest)
    return rest == ""


_ROC = re.compile(r"民國\s*(\d{1,3})\s*年")
_EDITION = re.compile(rf"(?:修訂|修订|增訂|增订|重印|再|新|初|第?\s*(?:{_NUM}+))\s*版")
_URL = re.compile(r"https?://[^\s，。；、）)<>＞]+")


_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年|\s*$|\s*[，,）)])")


def _roc(text: str) -> str:
    """Years as Western digits: 民國54年 -> 1965年, 一九九九年 -> 1999年."""
    text = _CN_YEAR.sub(
        lambda m: "".join(str(_CN_DIGITS.get(c, 0)) for c in m.group(0)), text
    )
    # 三月 / 二十二日 after a year or a month
    text = re.sub(r"(?<=[年月])\s*([一二三四五六七八九十]{1,3})(?=\s*[月日])",
                  lambda m: _cn_number(m.group(1)), text)
    return _ROC.sub(lambda m: f"{1911 + int(m.group(1))}年", text)


def _pub_group(d: _Draft, body: str) -> bool:
    """Read a parenthesised publication group: ``北京：春秋出版社；長沙：湖南教育出版社，1989``,
    ``台北：…研究所博士論文，1996``, ``2003.3``. False if it is something else."""
    v = _vocab()
    body = _roc(body.strip())
    if not body:
        return False
    if _EDITION.fullmatch(body):
        d.extra["edition"] = body  # 《書名》（修訂版）
        return True
    edition = re.search(rf"[，,\s]*({_EDITION.pattern})\s*$", body)
    if edition and re.search(_YEAR, body[: edition.start()]):
        d.extra["edition"] = edition.group(1)  # （台北：聯經，2001年初版）
        body = body[: edition.start()]
    issue = re.fullmatch(rf"({_YEAR})\s*年\s*第?\s*({_NUM}+)\s*[期號号]", body)
    if issue:
        d.year, d.number = issue.group(1), _cn_number(issue.group(2))  # 《歷史研究》（1998年第2期）
        return True
    if _is_date(body):
        d.year, d.date = _date_of(body)
        return True
    thesis = v.phd.search(body) or v.masters.search(body)
    if thesis:
        d.thesis = "phdthesis" if v.phd.search(body) else "mastersthesis"
        before, after = body[: thesis.start()], body[thesis.end():]
        # 台北：國立政治大學東亞研究所博士論文，1996 / PhD diss., Harvard University, 1990
        place, _, inst = before.rpartition("：") if "：" in before else before.rpartition(":")
        inst = inst.strip(" ,，")
        after_parts = [p.strip() for p in re.split(r"[,，]", after) if p.strip()]
        years = [p for p in after_parts if _is_date(p)]
        if not inst:
            inst = ", ".join(p for p in after_parts if not _is_date(p))
        d.institution = _clean(inst)
        if place.strip():
            d.places = (_clean(place),)
        if years:
            d.year, d.date = _date_of(years[-1])
        return True
    # Split off the trailing date: "…，2001" / ", 1962" / "，1991、1993" / "1999年".
    m = re.search(
        rf"[,，\s]*({_YEAR}(?:\s*年)?(?:\s*[、,，{_D}/]\s*{_YEAR}\s*年?)?(?:\s*\d{{1,2}}\s*月)?"
        r"(?:\s*\d{1,2}\s*日)?(?:\s*版)?)\s*$",
        body,
    )
    head = body
    if m:
        head = body[: m.start()]
        d.year, d.date = _date_of(m.group(1).replace("版", ""))
    head = head.strip(" ,，")
    if not head:
        return bool(m)
    places: list[str] = []
    publishers: list[str] = []
    for part in re.split(r"\s*[；;]\s*", head):
        if not part:
            continue
        if re.search(r"[：:]", part):
            place, publisher = re.split(r"\s*[：:]\s*", part, maxsplit=1)
            places.append(_clean(place))
            publishers.append(_clean(publisher))
        elif part.strip() in v.places:
            places.append(_clean(part))  # （北京，1999）: a city without a publisher
        else:
            publishers.append(_clean(part))
    if not m and not places:
        return False  # "(a remark)" without a year, a city or "place: publisher"
    d.places, d.publishers = tuple(p for p in places if p), tuple(p for p in publishers if p)
    return True


def _tail_item(d: _Draft, item: str) -> bool:
    """One comma-separated item after the title(s); False if it is not bibliographic."""
    v = _vocab()
    item = _roc(item.strip().strip("。．"))
    if not item:
        return True
    url = _URL.search(item)
    if url:
        d.url = url.group(0).rstrip(".,")  # 網址：http://… or a bare address
        return True
    # АПРФ，ф.45，оп.1，д.331，л.65-67: a Russian archive, its fond/opis'/delo, the leaves
    if v.archive_abbr.fullmatch(item) and not d.institution and not d.publishers:
        d.institution, d.extra["archive"] = item, "1"
        return True
    if d.extra.get("archive") and v.call_part.fullmatch(item):
        d.number = f"{d.number}, {item}" if d.number else item
        return True
    leaves = v.leaves.fullmatch(item) if d.extra.get("archive") else None
    if leaves and _is_pages(leaves.group(1).replace("об", "")):
        d.pages = _pages(leaves.group(1))
        return True
    access = v.access.match(item)
    if access and _is_date(item[access.end():]):
        d.extra["urldate"] = _date_of(item[access.end():])[1]
        return True
    # 第1版 after a dated newspaper is a page; after a book it is an edition.
    if d.date:
        item = re.sub(r"^第\s*([一二三四五六七八九十]{1,3})\s*版$",
                      lambda m: f"第{_cn_number(m.group(1))}版", item)
    if _EDITION.fullmatch(item) and not (d.date and _is_pages(item)):
        d.extra["edition"] = item
        return True
    if item[0] in "（(" and _match_close(item, 0) == len(item) - 1:
        return _pub_group(d, item[1:-1])
    if _is_pages(item):
        d.pages = _pages(item)
        if item.endswith("版"):
            d.extra["locator"] = "版"
        return True
    edition = v.edition.fullmatch(item)
    if edition:
        d.note = item
        return True
    # 上、下卷 / 第二卷 / 卷三 / 上冊
    units = v.volume_units
    m = re.fullmatch(rf"([{v.volume_parts}](?:\s*、\s*[{v.volume_parts}])+)\s*[{units}]", item)
    if m:
        d.extra["volumes"] = str(len(re.findall(f"[{v.volume_parts}]", m.group(1))))
        return True
    m = re.fullmatch(rf"(?:第\s*({_NUM}+)|([{v.volume_parts}]))\s*[{units}]", item)
    if m:
        d.volume = _cn_number(m.group(1)) if m.group(1) else m.group(2)
        return True
    # 第2、3卷 / 第二至四卷: several volumes of a set cited at once
    m = re.fullmatch(
        rf"第?\s*({_NUM}+)\s*([、,，]|至|到|[{_D}])\s*第?\s*({_NUM}+)\s*[{units}]", item
    )
    if m:
        sep = ", " if m.group(2) in "、,，" else "--"
        d.volume = f"{_cn_number(m.group(1))}{sep}{_cn_number(m.group(3))}"
        return True
    # 第三編 / 第五章: a part of the book, kept but not a volume
    m = re.fullmatch(rf"第\s*({_NUM}+)\s*[編编章節节篇]", item)
    if m:
        d.extra["part"] = item
        return True
    # Journal volume and issue: 第15卷第3期 / 15卷3期 / 第十五期 / 2003年第3期 / 12
    m = re.fullmatch(
        r"(?:({y})\s*年\s*)?(?:第?\s*({_NUM}+)\s*卷\s*)?"
        r"(?:[總总]?第?\s*({_NUM}+)\s*[期號号])?".replace("{y}", _YEAR).replace("{_NUM}", _NUM),
        item,
    )
    if m and (m.group(2) or m.group(3)):
        if m.group(1):
            d.year = m.group(1)
        d.volume = _cn_number(m.group(2) or "") or d.volume
        d.number = _cn_number(m.group(3) or "") or d.number
        return True
    m = re.fullmatch(r"(?:vol\.\s*)?(\d{1,4})(?:\s*[:：]\s*(\d{1,3}))?", item)
    if m and d.container and not d.volume and not d.pages and not re.fullmatch(_YEAR, item):
        d.volume = m.group(1)
        d.number = m.group(2) or ""
        return True
    # 1999年版 / 2007年10月22日 / 1962
    if _is_date(item.removesuffix("版")):
        d.year, d.date = _date_of(item.removesuffix("版"))
        return True
    # Mainland: 人民出版社1999年版 / 北京：人民出版社1999年版
    m = re.fullmatch(rf"(?:(.+?)\s*[：:]\s*)?(.+?)\s*({_YEAR})\s*年(?:\d{{1,2}}月)?\s*版?", item)
    if m and has_cjk(m.group(2)):
        if m.group(1):
            d.places = (*d.places, _clean(m.group(1)))
        d.publishers = (*d.publishers, _clean(m.group(2)))
        d.year = m.group(3)
        return True
    cm = v.call_number.match(item)
    if cm:
        d.number, d.extra["archive"] = cm.group(1), d.extra.get("archive", "") or "1"
        return True
    if item.endswith(v.archives) or item.removesuffix("藏").endswith(v.archives):
        # 外交部檔案館藏: the repository of a document
        d.institution = _clean(item.removesuffix("藏"))
        d.extra["archive"] = "1"
        return True
    # 陈瑶华等译 after the title (mainland order)
    names = _name_clause(item) if has_cjk(item) else None
    if names is not None and names.role:
        d.add_names(names, default="author")
        return True
    # 「…論文發表會」
    if item[0] in _QUOTES_OPEN and item[-1] in _QUOTES_CLOSE and v.conference.search(item):
        d.eventtitle = item[1:-1].strip()
        return True
    # 台中：中興大學國際政治所 / 北京：人民出版社
    m = re.fullmatch(r"([^：:\s]{1,12})\s*[：:]\s*(.+)", item)
    if m and not v.prose.search(m.group(2)):
        if d.eventtitle or d.thesis:
            d.places = (*d.places, _clean(m.group(1)))
            d.institution = _clean(m.group(2))
        else:
            d.places = (*d.places, _clean(m.group(1)))
            d.publishers = (*d.publishers, _clean(m.group(2)))
        return True
    if has_cjk(item) and item.endswith(v.publisher_suffixes) and len(item) <= 20:
        d.publishers = (*d.publishers, item)
        return True
    return False


def _tail_items(text: str) -> list[tuple[int, int]]:
    """Split the tail after a title into items: top-level bracket groups stand alone,
    the rest is split at ，；; and at a half-width comma not between two digits."""
    items: list[tuple[int, int]] = []
    depths = _depths(text)
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if depths[i] == 0 and char in "（(":
            close = _match_close(text, i)
            close = len(text) - 1 if close < 0 else close
            items.append((start, i))
            items.append((i, close + 1))
            i = start = close + 1
            continue
        between_digits = (
            char == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit()
            and text[i + 1].isdigit()
        )
        if depths[i] == 0 and char in "，；;," and not between_digits:
            items.append((start, i))
            start = i + 1
        i += 1
    items.append((start, len(text)))
    return [(a, b) for a, b in items if a < b]


def _read_tail(d: _Draft, text: str, offset: int) -> int:
    """Read bibliographic items after the titles; return the end offset (relative to
    the whole citation) of what was recognised."""
    end = offset
    items = [(a, b) for a, b in _tail_items(text) if text[a:b].strip(" ，,。．.;；")]
    for k, (a, b) in enumerate(items):
        item = text[a:b].strip(" ，,;；。．")
        nxt = text[items[k + 1][0]:items[k + 1][1]].strip() if k + 1 < len(items) else ""
        # 《二十一世紀》，12（2003.3）: a bare number before a dated group is the volume.
        if (re.fullmatch(r"\d{1,4}", item) and d.container and not d.chapter and not d.volume
                and nxt[:1] in "（(" and _is_date(nxt[1:-1])):
            d.volume = item
        elif not _tail_item(d, item):
            break
        end = offset + b
    rest = text[end - offset:]
    return end + (len(rest) - len(rest.lstrip(" ，,;；。．.")))


def _find_title(text: str, start: int = 0) -> int:
    depths = _depths(text)
    for i in range(start, len(text)):
        if text[i] in _TITLE_OPEN and depths[i] == 0:
            return i
    return -1


def _read_prefix(d: _Draft, prefix: str) -> bool:
    """Read the persons before the first title; False if some clause is not a name."""
    ok = True
    clauses = [prefix[a:b] for a, b in _split_top(prefix, "，,：:")]
    for k, clause in enumerate(clauses):
        clause = clause.strip()
        if k == len(clauses) - 1:
            clause = clause.removesuffix("的")  # 參見楊奎松的《走向破裂》
        if k == 0 and clause:
            cut = _cue_cut(clause)
            if cut >= 0 and _name_clause(clause) is None:
                clause = clause[cut:].strip()
        if not clause:
            continue
        names = _name_clause(clause)
        if names is None:
            ok = False
            continue
        d.add_names(names, default="author")
    return ok


def _parse_cjk(text: str) -> tuple[_Draft, int] | None:
    """Read a Chinese-style citation from ``text``; (draft, end of what was read)."""
    v = _vocab()
    t = _find_title(text)
    if t < 0:
        return None
    d = _Draft()
    if not _read_prefix(d, text[:t]):
        d.extra["prefix"] = _clean(text[:t])
    close = _match_close(text, t)
    if close < 0:
        d.title, d.title_kind = _clean(text[t + 1:]), text[t]
        return d, len(text)
    d.title, d.title_kind = _clean(text[t + 1:close]), text[t]
    pos = close + 1
    # Between the title and a container: 〈篇名〉，收入 編者主編，《書名》 / 〈篇名〉，《期刊》
    nxt = _find_title(text, pos)
    if nxt >= 0:
        between = text[pos:nxt].strip(" ，,：:")
        marker = v.container_cjk.match(between)
        if marker or not between:
            people = between[marker.end():] if marker else ""
            for a, b in _split_top(people, "，,：:"):
                clause = people[a:b].strip()
                names = _name_clause(clause) if clause else None
                if names is not None:
                    d.add_names(names, default="editor", container=True)
            cclose = _match_close(text, nxt)
            if cclose < 0:
                d.container = _clean(text[nxt + 1:])
                return d, len(text)
            d.container = _clean(text[nxt + 1:cclose])
            d.chapter = bool(marker)
            pos = cclose + 1
    # The journal's web edition is printed right after its title: 《二十一世紀》網路版
    m = v.edition.match(text, pos)
    if m:
        d.note = m.group(0)
        pos = m.end()
    # The event a paper was read at: 〈…〉「…研討會」 / 〈…〉，發表於「…」學術研討會（…）
    m = re.match(r"\s*[，,]?\s*", text[pos:])
    q = pos + (m.end() if m else 0)
    em = v.event_markers.match(text, q)
    q2 = em.end() if em else q
    stop = re.search(r"[，,（(]", text[q2:])
    event = text[q2: q2 + stop.start()] if stop else text[q2:]
    if (em or event[:1] in _QUOTES_OPEN) and v.conference.search(event):
        name = _clean(re.sub(f"[{_QUOTES_OPEN}{_QUOTES_CLOSE}]", "", event))
        if v.proceedings.search(name):
            d.container = name
        else:
            d.eventtitle = name
        pos = q2 + len(event)
    end = _read_tail(d, text[pos:], pos)
    # Back-references after the persons: 楊奎松，前引書 … are read by _parse_backref.
    return d, max(end, pos)


#: The longest name (in characters) read before 前引書 without a role word or ‧.
_BACKREF_NAME_LIMIT = 8


def _parse_backref(text: str) -> tuple[_Draft, int] | None:
    """``楊奎松，前引書，頁12`` / ``Zagoria, op. cit., 78`` (no title printed)."""
    v = _vocab()
    m = v.earlier.search(text)
    if not m:
        return None
    d = _Draft()
    head = text[: m.start()].strip(" ，,：:")
    if head and not _read_prefix(d, head):
        if not has_cjk(head):
            names = _name_clause(head)
            if names is None:
                return None
            d.add_names(names, default="author")
        else:
            # 鮑里索夫、科洛斯科夫，前引書: before 前引書 a clause is a name list, so a
            # transliterated name printed without ‧ may be longer than a Chinese one.
            names = _name_clause(head, plain_limit=_BACKREF_NAME_LIMIT)
            if names is None or not names.persons:
                return None
            d = _Draft()
            d.add_names(names, default="author")
    d.extra["backref"] = m.group(0)
    pos = m.end()
    # 前引楊奎松書 / 前引楊奎松，《走向破裂》: the author after the back-reference word
    nm = re.match(r"([^，,：:《〈（(]{2,12}?)(?:[書书文]|\s*[，,：:]\s*(?=[《〈]))", text[pos:])
    if nm and not d.authors and has_cjk(nm.group(1)):
        names = _name_clause(nm.group(1))
        if names is not None:
            d.add_names(names, default="author")
            pos += nm.end()
    # 前引《書名》 / 前引書《書名》
    after = text[pos:].lstrip()
    if after[:1] in _TITLE_OPEN:
        t = pos + (len(text[pos:]) - len(after))
        close = _match_close(text, t)
        if close > 0:
            d.title, d.title_kind = _clean(text[t + 1:close]), text[t]
            pos = close + 1
    end = _read_tail(d, text[pos:], pos)
    return d, max(end, pos)


# ── Western (Chicago) citations ──────────────────────────────────────────────

_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


def _latin_names(text: str) -> tuple[Person, ...] | None:
    text = _clean(text)
    if not text or has_cjk(text):
        return None
    parts = re.split(r",?\s+(?:and|&)\s+", text)
    if len(parts) == 1 and text.count(",") == 1:
        # "Chan, Alfred L." — family-first
        family, given = (p.strip() for p in text.split(","))
        if _is_latin_name(family) and _is_latin_name(given):
            return (Person(family=family, given=given),)
    persons = []
    for part in parts:
        part = part.strip()
        if not _is_latin_name(part) or len(part.split()) > 5:
            return None
        persons.append(Person(literal=part) if _is_corporate(part) else _western(part))
    return tuple(persons)


_FAMILY_FIRST = re.compile(
    r"^(?P<family>[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?),\s*"
    r"(?P<given>(?:[A-Z][a-z'’\-]+\s+)*(?:[A-Z]\.\s*)+|[A-Z][a-z'’\-]+(?:\s[A-Z][a-z'’\-]+)?\.)"
    r"[\s,]*(?=[A-Z“\"‘'0-9])"
)


_FAMILY_FIRST_COMMA = re.compile(
    r"^(?P<family>[A-Z][\w'’\-]+),\s*(?P<given>[A-Z][a-z\-]+(?:\s[A-Z][a-z\-]+){0,2}),\s*"
)


def _pub_paren(text: str) -> tuple[int, int] | None:
    """The top-level parenthesis that holds publication facts, if any."""
    depths = _depths(text)
    best = None
    for i, char in enumerate(text):
        if char in "(（" and depths[i] == 0:
            close = _match_close(text, i)
            if close < 0:
                continue
            body = text[i + 1:close]
            v = _vocab()
            if re.search(_YEAR, body) or ":" in body or "：" in body or v.phd.search(body):
                best = (i, close)
    return best


def _latin_tail(d: _Draft, text: str, offset: int) -> int:
    """Pages after the publication group: ``, 13.`` / ``: 74-117.`` / ``,78.``"""
    vp = re.match(r"\s*,\s*(\d{1,2}):(\d+(?:\s*[-–—─]+\s*\d+)?)\s*\.?", text)
    if vp:  # "…, 1986), 2:100": volume 2, page 100
        d.volume, d.pages = vp.group(1), _pages(vp.group(2))
        return offset + vp.end()
    m = re.match(r"\s*[,:]?\s*((?:pp?\.\s*|頁\s*|页\s*)?[0-9ivxlc]+(?:n\d+)?"
                 r"(?:\s*[-–—─]+\s*[0-9ivxlc]+)?(?:\s*,\s*\d+(?:\s*[-–—─]+\s*\d+)?)*)\s*\.?",
                 text)
    if m and m.group(1) and _is_pages(m.group(1)):
        d.pages = _pages(m.group(1))
        return offset + m.end()
    m = re.match(r"\s*\.?", text)
    return offset + (m.end() if m else 0)


def _latin_date() -> str:
    """A regex for a printed Western date: ``March 3, 1963`` / ``3 March 1963`` / ``1963``."""
    mo = f"(?:{_vocab().month_re})\\.?"
    return rf"(?:{mo}\s+\d{{1,2}},?\s+|\d{{1,2}}\s+{mo}\s+|{mo}\s+)?{_YEAR}"


def _latin_container(d: _Draft, text: str) -> None:
    """After a quoted title: ``in Eds eds. Book (…)`` / ``in Book, ed. Eds (…)`` /
    ``Journal 11, no. 4 (2009)`` / ``Working Paper no. 22 (…)``."""
    v = _vocab()
    text = text.strip().lstrip(",").strip()
    # A document's own date before its container: "22 July 1958, in …"
    dm = re.match(rf"^({_latin_date()})\s*,\s*", text)
    if dm:
        d.extra["docdate"] = _date_of(dm.group(1))[1] or dm.group(1)
        text = text[dm.end():]
    m = re.match(r"^in\s*(.*)$", text, re.S)
    journal_like = re.search(r"(?:\bno\.\s*\S+|\s\d{1,4})\s*$", text)
    if m and not (journal_like and not re.search(r"\beds?\.|edited by", text)):
        d.chapter = True
        body = m.group(1).strip()
        vol = re.search(r",?\s*\b[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\b", body)
        if vol:  # "in Book, vol. 14, ed. …"
            d.volume, body = vol.group(1), (body[: vol.start()] + body[vol.end():]).strip()
        m3 = re.match(r"^(.+?),\s*(?:eds?\.|edited by)\s*(.+?)[\s,]*$", body)
        if m3 and _latin_names(m3.group(2)):
            d.container = _clean(m3.group(1))
            d.container_editors = _latin_names(m3.group(2)) or ()
            return
        m2 = re.match(r"^(.+?)\s*,?\s*\(?\beds?\.?\)?(?=[\s.A-Z])\.?\s*(.+)$", body)
        names = _latin_names(m2.group(1)) if m2 else None
        if m2 and names:
            d.container_editors = names
            d.container = _clean(m2.group(2))
            return
        d.container = _clean(body)
        return
    # Journal / report series: "China Quarterly 11, no. 4" / "Working Paper no. 22"
    text = re.sub(r"^in\s+", "", text)
    m = re.match(r"^(.*?)\s*(?:(?:vol\.\s*)?(\d+))?\s*(?:,?\s*no\.\s*(\S+?))?\s*$", text)
    if m:
        d.container = _clean(m.group(1))
        d.volume = m.group(2) or ""
        d.number = (m.group(3) or "").strip(",")
        if v.report.search(d.container):
            d.report = True
    if not d.container and text:
        d.container = _clean(text)


def _parse_latin(text: str) -> tuple[_Draft, int] | None:
    """Read a Chicago-style note: books, articles, chapters, theses, short forms."""
    v = _vocab()
    work = text.translate(_WIDTH)
    d = _Draft()
    pos = 0
    m = _FAMILY_FIRST.match(work)
    ff = _FAMILY_FIRST_COMMA.match(work)
    eds = re.match(r"^(.+?)\s*,?\s*\(?\beds?\.\)?,?\s*(?=[A-Z“\"])", work)
    if m and "(" not in m.group("given"):
        # "Spence, Jonathan." — the period closes the name; an initial keeps its own
        given = _clean(m.group("given"))
        if given.endswith(".") and not re.search(r"\b[A-Z]\.$", given):
            given = given[:-1]
        d.authors.append(Person(family=m.group("family"), given=given))
        pos = m.end()
    elif ff and (_pub_paren(work[ff.end():]) or work[ff.end():][:1] in "“\""):
        # "Westad, Odd Arne, The Global Cold War (…)": family first, then a comma
        d.authors.append(Person(family=ff.group("family"), given=ff.group("given")))
        pos = ff.end()
    elif eds and "," not in eds.group(1) and _latin_names(eds.group(1)):
        # "Thomas Robinson and David Shambaugh eds. Chinese Foreign Policy (…)"
        d.editors.extend(_latin_names(eds.group(1)) or ())
        pos = eds.end()
    elif re.match(r"^[^,(“\"]+,\s*(?:trans\.|translated by|edited by)\s+[A-Z]", work):
        pos = 0  # "Khrushchev Remembers, trans. Strobe Talbott (…)": a title first
    elif work[:1] not in "“\"":
        comma = next((a for a, _b in _split_top(work, ",")[1:]), -1)
        if comma <= 0:
            return None
        head = work[: comma - 1]
        etal = re.search(r",?\s+et\s+al\.?$", head)
        if etal:
            head, d.extra["etal"] = head[: etal.start()], "authors"
        names = _latin_names(head)
        if names is None:
            return None
        d.authors.extend(names)
        pos = comma
    rest = work[pos:]
    lead = len(rest) - len(rest.lstrip(" ,"))
    pos += lead
    rest = work[pos:]
    # "Odd Arne Westad, ed., Brothers in Arms": the persons are editors
    role = re.match(r"(?:eds?\.|editors?|\(eds?\.\))\s*,?\s*", rest)
    if role and d.authors:
        d.editors, d.authors = d.authors, []
        pos += role.end()
        rest = work[pos:]
    # op. cit.
    oc = v.earlier.match(rest)
    if oc:
        d.extra["backref"] = oc.group(0)
        pos += oc.end()
        return d, _latin_tail(d, work[pos:], pos)
    q = _QUOTED.match(rest)
    if q:
        d.title, d.title_kind = _clean(q.group(1)), "quote"
        pos += q.end()
        after = work[pos:]
        paren = _pub_paren(after)
        if paren:
            head, body = after[: paren[0]], after[paren[0] + 1: paren[1]]
            _latin_container(d, head)
            if not _pub_group(d, body):
                d.extra["parenthesis"] = body
            end = pos + paren[1] + 1
            return d, _latin_tail(d, work[end:], end)
        # "Journal 11 (2009)" without a colon group is caught above; here: short forms
        m2 = re.match(r"^\s*,?\s*((?:pp?\.\s*)?\d[\d\s\-–—,]*)\.?\s*$", after)
        if m2:
            d.pages = _pages(m2.group(1))
            return d, len(work)
        if after.strip(" .,"):
            tail = after.strip()
            pages = re.search(r",\s*((?:pp?\.\s*)?\d+(?:\s*[-–—]+\s*\d+)?)\.?\s*$", tail)
            if pages:
                d.pages = _pages(pages.group(1))
                tail = tail[: pages.start()]
            url = _URL.search(tail)
            if url:
                d.url = url.group(0).rstrip(".,")
                tail = (tail[: url.start()] + tail[url.end():]).strip(" ,.<>")
            access = v.access.pattern.removeprefix("^")  # "accessed May 3, 2010"
            acc = re.search(rf",?\s*{access}({_latin_date()})", tail)
            if acc:
                d.extra["urldate"] = _date_of(acc.group(1))[1] or acc.group(1)
                tail = (tail[: acc.start()] + tail[acc.end():]).strip(" ,")
            # a newspaper or an archive: "New York Times, March 3, 1963" / "March 2, 1959, …"
            dm = re.search(rf"(?:^|,)\s*({_latin_date()})\s*(?=,|$)", tail)
            if dm:
                d.year, d.date = _date_of(dm.group(1))
                tail = (tail[: dm.start()] + tail[dm.end():]).strip(" ,")
            _latin_container(d, tail)
        return d, len(work)
    # Unquoted title: a book (or a thesis, report) or a short form.
    paren = _pub_paren(rest)
    # "Lüthi, Sino-Soviet Split, 80-85, and Chen Jian, Mao's China (…)": a short form
    # ends at its locator even when a later citation in the sentence has a parenthesis.
    joined = re.search(r",\s*((?:pp?\.\s*)?\d+(?:\s*[-–—─]+\s*\d+)?)\s*[,;]\s*(?:and\s+)?(?=[A-Z])",
                       rest[: paren[0]] if paren else "")
    if joined and _is_pages(joined.group(1)):
        d.pages = _pages(joined.group(1))
        _latin_title(d, rest[: joined.start()])
        return d, pos + joined.start(1) + len(joined.group(1))
    if paren:
        head, body = rest[: paren[0]], rest[paren[0] + 1: paren[1]]
        _latin_title(d, head)
        if not _pub_group(d, body):
            d.extra["parenthesis"] = body
        end = pos + paren[1] + 1
        return d, _latin_tail(d, work[end:], end)
    # Short form: Title[, pages] — or only the pages: "Zagoria, 78."
    body = rest.strip()
    if d.authors and _is_pages(body.rstrip(".;, ")):
        d.pages = _pages(body.rstrip(".;, "))
        d.extra["author_only"] = "1"
        return d, len(work)
    # The first ", <pages>" that ends a clause ends the citation: what follows
    # ("…, 80-85, who argues …") is the author's prose.
    for pages in re.finditer(r"\s*,\s*((?:pp?\.\s*)?[0-9ivxlc]+(?:\s*[-–—─]+\s*[0-9ivxlc]+)?)"
                             r"\s*(?=[,.;]|$)", body):
        if _is_pages(pages.group(1)):
            d.pages = _pages(pages.group(1))
            _latin_title(d, body[: pages.start()])
            end = pos + (len(rest) - len(rest.lstrip())) + pages.end()
            if work[end:end + 1] == ".":
                end += 1
            return d, end
    _latin_title(d, body)
    return d, len(work)


def _latin_title(d: _Draft, head: str) -> None:
    """A book title, possibly followed by ``, trans. X`` / ``, ed. X`` / a report series."""
    v = _vocab()
    head = head.strip()
    vol = re.search(r",?\s*\b[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\s*$", head)
    if vol:
        d.volume, head = vol.group(1), head[: vol.start()]
    vols = re.search(r",\s*(\d+)\s+vols\.?\s*$", head)
    if vols:  # "The Origins of the Cultural Revolution, 3 vols."
        d.extra["volumes"], head = vols.group(1), head[: vols.start()]
    edition = re.search(r",\s*(\d+(?:st|nd|rd|th)\s+ed\.|rev\.\s+ed\.)\s*$", head)
    if edition:
        d.extra["edition"], head = edition.group(1), head[: edition.start()]
    m = re.search(r",\s*(trans\.|translated by|ed\.|eds\.|edited by)\s*(.+)$", head)
    if m:
        names = _latin_names(m.group(2))
        if names:
            if m.group(1).startswith("trans"):
                d.translators.extend(names)
            else:
                d.editors.extend(names)
            head = head[: m.start()]
    m = re.search(r",\s*([^,]*?(?:" + v.report.pattern + r")[^,]*)$", head)
    if m:
        d.report = True
        series = m.group(1)
        num = re.search(r"(?:no\.|No\.|number)\s*(\S+)", series)
        if num:
            d.number = num.group(1)
        d.extra["series"] = _clean(series)
        head = head[: m.start()]
    d.title, d.title_kind = _clean(head.rstrip(". ")), "plain"


# ── building a Reference ─────────────────────────────────────────────────────


def _entry_type(d: _Draft, form: Form) -> str:
    v = _vocab()
    if d.thesis:
        return d.thesis
    if d.eventtitle:
        return "inproceedings" if d.container else "unpublished"
    if d.report:
        return "report"
    if d.extra.get("archive") and not d.container:
        return "unpublished"  # a document in an archive
    journal_issue = (d.number or d.volume) and not (d.publishers or d.places or d.container_editors)
    if d.chapter and journal_issue and d.title_kind in ("〈", "《"):
        return "article"  # 载《历史研究》2001年第2期: a journal, whatever the marker says
    if d.chapter or (d.container and d.title_kind == "〈" and (d.publishers or d.places)):
        # 〈篇〉，《毛澤東選集》（北京：人民出版社，1977）: a journal has no publisher
        return "incollection"
    online = d.url or (d.container and d.container.endswith(v.online_suffixes))
    if d.container:
        if online and not d.volume and not d.number:
            return "online"
        return "article"
    if d.title_kind in ("〈", "quote"):
        return "online" if d.url else ("article" if form is Form.SHORT else "misc")
    if d.title_kind == "《" and not d.publishers and d.date[5:] and form is Form.FULL:
        # 《人民日報》，1962年12月15日，第1版: a newspaper issue
        return "online" if d.title.endswith(v.online_suffixes) else "article"
    if d.editors and not d.authors:
        return "collection"
    if d.title:
        return "book"
    return "misc"


def _build(d: _Draft, text: str) -> Reference:
    docdate = d.extra.get("docdate", "")
    if not d.year and not d.date and docdate[:4].isdigit():
        d.year, d.date = docdate[:4], docdate  # an archival document dated only by itself
    full = bool(
        d.places or d.publishers or d.year or d.date or d.institution or d.url or d.eventtitle
        or (d.container and (d.volume or d.number) and not d.chapter)
    )
    form = Form.FULL if full and "backref" not in d.extra else Form.SHORT
    entry_type = _entry_type(d, form)
    title, container = d.title, d.container
    if entry_type == "article" and d.title_kind == "《" and not container and d.date:
        title, container = "", d.title  # a newspaper cited by issue only
    if entry_type == "online" and d.title_kind == "《" and not container:
        title, container = "", d.title
    extra = dict(d.extra)
    publishers, institution = d.publishers, d.institution
    if d.eventtitle and not d.container and publishers and not institution:
        institution, publishers = "、".join(publishers), ()  # the organiser of the event
    return Reference(
        text=text,
        form=form,
        entry_type=entry_type,
        authors=tuple(d.authors),
        editors=tuple(d.editors),
        translators=tuple(d.translators),
        title=title,
        container=container,
        container_editors=tuple(d.container_editors),
        places=d.places,
        publishers=publishers,
        year=d.year,
        date=d.date,
        volume=d.volume,
        number=d.number,
        pages=d.pages,
        institution=institution,
        eventtitle=d.eventtitle,
        url=d.url,
        note=d.note,
        langid=langid(title, container, *(p.literal for p in d.authors)),
        extra=MappingProxyType(extra),
    )


def _ibid(text: str) -> tuple[Reference, int] | None:
    """同上 / 同上註，頁12 / Ibid., 45."""
    v = _vocab()
    nref = v.note_ref.match(text)
    m = nref or v.ibid.match(text)
    if not m:
        return None
    earlier = v.earlier.match(text)
    if earlier and earlier.end() > m.end():
        return None  # 同前引書 is a back-reference to an earlier work, not 同前 (ibid)
    rest = text[m.end():]
    volume = ""
    vm = re.match(
        rf"^[\s,，、]*(?:第\s*({_NUM}+)\s*[卷冊册]|(?:vol\.\s*)?(\d{{1,2}})\s*:(?=\s*\d))", rest
    )
    if vm:
        volume = _cn_number(vm.group(1) or vm.group(2))
        rest = rest[vm.end():]
    rm = re.match(r"^[\s,，、：:]*((?:pp?\.|頁|页|第)?\s*[0-9ivxlc]+"
                  rf"(?:\s*[{_D}]+\s*[0-9ivxlc]+)?"
                  r"(?:\s*[、,，]\s*\d+)*\s*(?:頁|页)?)?\s*[.。．]?\s*", rest)
    end = len(text) - len(rest) + (rm.end() if rm else 0)
    pages = _pages(rm.group(1)) if rm and rm.group(1) else ""
    if nref:
        # 同註5，頁12: a short form pointing at the work(s) of footnote 5
        return (
            Reference(text=text, form=Form.SHORT, pages=pages,
                      langid=langid(nref.group(0)),
                      extra=MappingProxyType({"backref": nref.group("word").strip(),
                                              "footnote": nref.group("n")})),
            end,
        )
    return (
        Reference(text=text, form=Form.IBID, pages=pages, volume=volume,
                  langid=langid(m.group(0)),
                  extra=MappingProxyType({"backref": m.group(0)})),
        end,
    )




_JAPANESE_BOOK = re.compile(
    rf"(?<=[，,：:\s]|{CJK_CHAR})『([^『』「」《》]{{1,80}})』(?=\s*[，,（(]|\s*$)"
)


_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _quote_titles(text: str) -> str:
    """``作者，「篇名」，《期刊》`` / ``“篇名”`` -> ``〈篇名〉``: some writers quote article
    titles instead of bracketing them; Japanese works print books in 『』 (-> 《》).
    Full-width digits become ASCII. Same length, so offsets stay valid."""
    text = _JAPANESE_BOOK.sub(lambda m: f"《{m.group(1)}》", text.translate(_DIGITS))
    return _vocab().quote_title.sub(lambda m: f"〈{m.group(1)}〉", text)


def _parse_archive(text: str) -> tuple[_Draft, int] | None:
    """``АПРФ，ф.45，оп.1，д.331，л.65-67`` / ``RGANI, f. 5, op. 30, d. 268, ll. 1-5``."""
    v = _vocab()
    m = re.match(rf"({v.archive_abbr.pattern})\s*[,，]\s*", text)
    if not m:
        return None
    d = _Draft(institution=m.group(1), extra={"archive": "1"})
    end = _read_tail(d, text[m.end():], m.end())
    return (d, end) if d.number else None


def _parse(text: str) -> tuple[Reference, int] | Unparsed:
    """Parse one citation; also report how much of ``text`` it consumed."""
    stripped = _quote_titles(text.rstrip())
    ib = _ibid(stripped.strip())
    if ib is not None:
        return ib
    # 《》〈〉 belong to the Chinese grammar, whatever script the names are in.
    got = _parse_cjk(stripped) if _find_title(stripped) >= 0 else None
    if got is None and has_cjk(stripped):
        got = _parse_backref(stripped)
    if got is None:
        got = _parse_archive(stripped)
    if got is None:
        got = _parse_latin(stripped)
    if got is None:
        got = _parse_backref(stripped)
    if got is None:
        return Unparsed("citation", text, "no title, author or back-reference recognised")
    d, end = got
    if not (d.title or d.container or d.authors or d.institution or "backref" in d.extra):
        return Unparsed("citation", text, "no title recognised")
    return _build(d, text), end


def parse_citation(text: str) -> Reference | Unparsed:
    """Parse one citation span into a Reference (or say why not). Never raises."""
    text = nfc(text)
    try:
        got = _parse(text.strip())
    except (ValueError, IndexError, KeyError) as exc:  # pragma: no cover - defensive
        return Unparsed("citation", text, f"internal parse error: {exc}")
    if isinstance(got, Unparsed):
        return got
    return replace(got[0], text=text.strip())


# ── segmentation ─────────────────────────────────────────────────────────────


_NAME_STOP = re.compile(r"(?:[A-Za-z.]*\s)?[A-Z][\w'’\-]+,\s*[A-Z][a-z'’\-]+(?:\s[A-Z][a-z'’\-]+)?")


def _sentences(note: str) -> list[tuple[int, int]]:
    """Tile the note into sentences: at 。 (always), at ？！；; at depth 0, and at a
    Western full stop (not after an abbreviation or an initial)."""
    v = _vocab()
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    n = len(note)
    i = 0
    while i < n:
        char = note[i]
        cut = False
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char == "。":
            cut, depth = True, 0
        elif depth == 0 and char in "？！；;":
            cut = True
        elif depth == 0 and char == "." and i + 1 < n:
            word = re.search(r"([A-Za-z.]*)$", note[max(start, i - 40):i])
            token = word.group(1) if word else ""
            nxt = note[i + 1]
            after = note[i + 1:].lstrip()
            abbrev = (
                token in v.abbreviations
                or re.fullmatch(r"[A-Z]", token) is not None
                or "." in token
                # "Westad, Odd Arne. The Global …": a family-first name, not a sentence
                or (i - start < 60 and _NAME_STOP.fullmatch(note[start:i].strip()) is not None)
            )
            if not abbrev and (
                _CJK_RE.match(nxt)
                or (nxt.isspace() and after[:1] and (after[0].isupper() or _CJK_RE.match(after[0])
                                                     or after[0] in "“\"「"))
            ):
                cut = True
        if cut:
            j = i + 1
            while j < n and note[j].isspace():
                j += 1
            spans.append((start, j))
            start = j
            i = j
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return spans


def _cue_cut(text: str) -> int:
    """Offset just after the last cue word (參見 / see) in ``text``, or -1."""
    v = _vocab()
    last = -1
    for m in v.cue_cjk.finditer(text):
        last = m.end()
    return last


_LOOKBACK = 240  # persons before a title never run longer than this
_MAX_TITLES = 40  # title brackets tried per sentence (bounds the work on runaway text)


def _cjk_start(s: str, t: int) -> int | None:
    """Where a Chinese citation whose first title is at ``t`` starts in sentence ``s``:
    walk back over the name clauses before the title (``莫里斯‧邁斯納…著，杜蒲譯，``),
    stopping at a cue word (參見) or prose. None if prose runs into the title."""
    base = max(0, t - _LOOKBACK)
    prefix = s[base:t]
    clauses = _split_top(prefix, "，,：:")
    last = len(clauses) - 1
    empty_last = not prefix[clauses[last][0]:clauses[last][1]].strip()
    start: int | None = None
    for k in range(last, -1, -1):
        a, b = clauses[k]
        clause = prefix[a:b]
        lead = len(clause) - len(clause.lstrip())
        if k == 0 and base:
            break  # a clause cut by the look-back window is prose
        if k == last and empty_last:
            if k == 0:
                return base + a + lead  # the title opens the sentence
            continue
        cut = _cue_cut(clause)
        if cut >= 0:
            rest = clause[cut:]
            bare = rest.strip().removesuffix("的") if k == last else rest.strip()
            if not bare or _name_clause(bare) is not None:
                return base + a + cut + len(rest) - len(rest.lstrip())
        cue_first = _vocab().cue_cjk.match(clause.strip())
        names = _name_clause(clause) if clause.strip() and not cue_first else None
        if names is None or (k == last and not names.role):
            break  # a bare name must be followed by ，/： — 「楊奎松在《…》一書中」 is prose
        start = base + a + lead
        if not names.role:
            return start  # at most one clause without a role word (the first author)
    if start is None:
        return t if empty_last else None
    return start


def _find_citation(s: str) -> tuple[int, int, Reference | None, str] | None:
    """The citation in sentence ``s``: (start, end, reference, problem)."""
    v = _vocab()
    body = _quote_titles(s.rstrip())
    # Ibid. and back-references at the start (after a cue).
    for begin in sorted({0, max(_cue_cut(body), 0)}, reverse=True):
        lead = len(body[begin:]) - len(body[begin:].lstrip())
        b = begin + lead
        cue = v.cue_latin.match(body[b:])
        if cue:
            b += cue.end()
        ib = _ibid(body[b:])
        if ib is not None:
            end = b + ib[1]
            end = len(s) if not body[end:].strip(" 。．.，,;；") else end
            return b, end, ib[0], ""
    # Chinese: the first title bracket with a valid start.
    depths = _depths(body)
    titles = [t for t, char in enumerate(body) if char in _TITLE_OPEN and not depths[t]]
    for t in titles[:_MAX_TITLES]:
        start = _cjk_start(body, t)
        if start is None:
            continue
        got = _parse(body[start:])
        if isinstance(got, Unparsed):
            return start, len(s), None, got.reason
        ref, used = got
        title_first = start == t and t > 0 and _cue_cut(body[:t]) < 0
        if title_first and ref.form is not Form.FULL:
            continue
        end = start + used
        end = len(s) if not body[end:].strip(" 。．.，,;；") else end
        return start, end, ref, ""
    # 楊奎松，前引書，頁12 / 前引書，頁12 (no title printed)
    if v.earlier.search(body) and has_cjk(body):
        for begin in sorted({0, max(_cue_cut(body), 0)}, reverse=True):
            st = begin + len(body[begin:]) - len(body[begin:].lstrip())
            got_b = _parse_backref(body[st:])
            if got_b is None:
                continue
            d, used = got_b
            if d.authors or d.title or v.earlier.match(body[st:]):
                end = st + used
                end = len(s) if not body[end:].strip(" 。．.，,;；") else end
                return st, end, _build(d, body[st:end]), ""
    # 楊奎松，頁12: an author and a printed page locator only (a short form)
    for begin in sorted({0, max(_cue_cut(body), 0)}, reverse=True):
        st = begin + len(body[begin:]) - len(body[begin:].lstrip())
        m = re.match(r"([^，,：:。]{2,24}?)\s*[，,：:]\s*((?:頁|页|第)\s*\d[^。；;]*?)"
                     r"\s*[。．.；;]?\s*$", body[st:])
        names = _name_clause(m.group(1)) if m and _is_pages(m.group(2)) else None
        if m and names is not None and names.persons:
            d = _Draft(pages=_pages(m.group(2)), extra={"author_only": "1"})
            d.add_names(names, default="author")
            return st, len(s), _build(d, body[st:]), ""
    # A Russian-style archival reference at the start or after a cue.
    for begin in sorted({0, max(_cue_cut(body), 0)}, reverse=True):
        b = begin + len(body[begin:]) - len(body[begin:].lstrip())
        got_a = _parse_archive(body[b:])
        if got_a is not None:
            end = b + got_a[1]
            end = len(s) if not body[end:].strip(" 。．.，,;；") else end
            return b, end, _build(got_a[0], body[b:end]), ""
    # Western: at the sentence start or after a cue.
    starts = [0]
    cut = _cue_cut(body)
    if cut >= 0:
        starts.append(cut)
    starts.extend(m.end() for m in v.cue_latin_any.finditer(body))
    for begin in starts:
        b = begin + len(body[begin:]) - len(body[begin:].lstrip())
        joiner = re.match(r"[\s,;]*(?:(?:and|also)\s+)?", body[b:])  # ", and X, …"
        b += joiner.end() if joiner else 0
        cue = v.cue_latin.match(body[b:])
        if cue:
            b += cue.end()
        cand = body[b:]
        if not cand or has_cjk(cand[:1]):
            continue
        wide = cand.translate(_WIDTH)
        got_l = _parse_latin(wide) if not has_cjk(wide.split(",")[0]) else None
        if got_l is None:
            continue
        d, used = got_l
        if not _looks_latin(d, cand):
            continue
        ref = _build(d, cand[:used].strip())
        end = b + used
        end = len(s) if not body[end:].strip(" .,;") else end
        return b, end, ref, ""
    return None


def _looks_latin(d: _Draft, text: str) -> bool:
    """Enough structure to call a Latin span a citation rather than prose."""
    if "backref" in d.extra or "author_only" in d.extra:
        return bool(d.authors)
    if not d.title or has_cjk(d.title):
        return False
    first = d.title.lstrip("‘'“\"")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if d.title_kind == "quote" or d.places or d.publishers or d.year or d.institution:
        return True
    # Short form: Author, Title[, pages] — a few words of title, no verb-like prose.
    return bool(d.authors) and len(d.title.split()) <= 25


def segment(note: str) -> tuple[Segment, ...]:
    """Split a footnote into citation and commentary segments that tile it exactly."""
    segs: list[Segment] = []

    def add(kind: Literal["citation", "commentary"], a: int, b: int,
            ref: Reference | None = None, problem: str = "") -> None:
        if a >= b:
            return
        if kind == "commentary" and segs and segs[-1].kind == "commentary":
            prev = segs.pop()
            a = prev.start
        segs.append(Segment(kind, note[a:b], a, b, ref, problem))

    for s0, s1 in _sentences(note):
        pos = s0
        # Several citations may share a sentence when only commas separate them
        # (參見A，《…》，頁1，B，《…》，頁2): look again after each one.
        for _ in range(_MAX_TITLES):
            sentence = note[pos:s1]
            # Parse NFC text (compatibility ideographs -> unified) where that keeps offsets.
            normal = nfc(sentence)
            try:
                found = _find_citation(normal if len(normal) == len(sentence) else sentence)
            except (ValueError, IndexError, KeyError):  # pragma: no cover - defensive
                found = None
            if found is None:
                break
            a, b, ref, problem = found
            a, b = pos + a, pos + min(b, s1 - pos)
            if b <= a:
                break
            add("commentary", pos, a)
            if ref is not None:
                ref = replace(ref, text=_strip_end(nfc(note[a:b])))
            add("citation", a, b, ref, problem)
            pos = b
        add("commentary", pos, s1)
    return tuple(segs)


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。．")
