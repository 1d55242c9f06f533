"""Footnote extraction: split a paper's PDF text into body, footnotes and markers.

The layout is that of a journal page as a PDF text extractor prints it::

    <title> ．155．                  running header (odd pages; even: ．156．<author> <journal>)
      body paragraph, indented …     body lines; a new paragraph is indented
    <spaces or ─── separator>
      1 first footnote …              a footnote starts at its (right-aligned) number
    continuation line
     11 …                            … and runs until the next number or the page end
     next page's first body line     a page whose header did not survive starts with a
                                      space-led line right after the footnote block

A footnote may run over a page break: its tail opens the next page's footnote block,
before that page's first new note. Numbers inside a note (years, pages) never start a
note: only the *next* number in sequence does. Everything this module cannot place is
returned as an ``Unparsed`` value, never dropped.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.model import Footnote, Marker, Paper, Paragraph, Unparsed
from sinosoviet_cli.paper.endnotes import extract_endnotes
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk, join_lines, nfc

# A footnote separator: a long run of spaces, or of rule characters.
_RULE = re.compile(r"^\s*[─━—―_\-－=]{5,}\s*$")
_SEPARATOR_MIN_SPACES = 20
# A footnote's first line: optional indent, its number, then text (glued or not).
_NOTE_START = re.compile(
    r"^(?P<indent>[ \t\u3000]*)(?P<n>\d{1,3})(?![\d\-–.,，、）)年月日%％])\s*(?P<text>.*)$"
)
# Where a sentence ends, and what may close it after the terminator.
_TERMINATORS = "。！？!?"
_CLOSERS = "」』”’）)》〉"
# A line that ends a paragraph when it is also short: terminal punctuation, maybe a marker.
_TERMINAL_END = re.compile(r"[。！？：!?:」』”]\d{0,3}$")
_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[A-Za-z0-9]")
_CJK_OR_PUNCT = re.compile(f"{CJK_CHAR}|[\u3000-\u303f\uff00-\uffef]")


@dataclass(slots=True)
class _Note:
    """A footnote being assembled."""

    n: int
    line: int
    page: int  # page index (0-based order of pages in the text)
    section: str | None
    lines: list[str] = field(default_factory=list)
    restarted: bool = False  # part of a numbering that restarted: reported, not kept


@dataclass(frozen=True, slots=True)
class _BodyLine:
    no: int  # 1-based source line
    page: int  # page index
    text: str  # raw line, trailing whitespace removed


@dataclass(slots=True)
class _Para:
    section: str | None
    page: int
    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, page index)


@dataclass(frozen=True, slots=True)
class Layout:
    """A journal's page layout (``data/layout.toml``): what makes a number in the body a
    quantity rather than a marker, the running page header, the section headings, and
    whether trailing Latin-only lines are back matter. Loaded once; ``extract`` takes
    it explicitly, the bundled layout by default."""

    units_after: tuple[str, ...]
    ordinal_before: str
    range_before: str
    header: re.Pattern[str]
    header_max_length: int
    heading: re.Pattern[str]
    sections: tuple[str, ...]
    trailing_latin_is_back_matter: bool


def layout_from(data: Mapping[str, Any]) -> Layout:
    """A ``Layout`` from parsed TOML (the shape of ``data/layout.toml``)."""
    markers, page, sections = data["markers"], data["page"], data["sections"]
    return Layout(
        tuple(markers["units_after"]), markers["ordinal_before"], markers["range_before"],
        re.compile(page["header"]), int(page["header_max_length"]),
        re.compile(sections["heading"]), tuple(sections["numbers"]),
        bool(data.get("back_matter", {}).get("trailing_latin", False)),
    )


@cache
def bundled_layout() -> Layout:
    """The packaged layout (the journal of the seed paper)."""
    source = resources.files("sinosoviet_cli") / "data" / "layout.toml"
    return layout_from(tomllib.loads(source.read_text(encoding="utf-8")))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _indent(line: str) -> int:
    stripped = line.lstrip(" \t\u3000")
    head = line[: len(line) - len(stripped)]
    return sum(2 if c == "\u3000" else 1 for c in head)


def _is_separator(line: str) -> bool:
    if _RULE.match(line):
        return True
    return not line.strip() and len(line) >= _SEPARATOR_MIN_SPACES


def _header_number(line: str, layout: Layout) -> int | None:
    match = layout.header.match(line)
    if match is None or len(line.strip()) > layout.header_max_length:
        return None
    return int(match["num"])


@dataclass(slots=True)
class _Scan:
    """State of the line-by-line scan: which page, body or notes, which note."""

    layout: Layout

    page: int = 0
    page_has_content: bool = False
    in_notes: bool = False
    block_lines: int = 0  # footnote-block lines seen since the separator
    headers: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    body: list[_BodyLine] = field(default_factory=list)
    notes: list[_Note] = field(default_factory=list)
    problems: list[Unparsed] = field(default_factory=list)
    last_n: int = 0  # the last footnote number of the current numbering
    # How the paper's note starts are laid out so far: indented, or flush left. Once a
    # paper has shown that its notes start indented, a flush-left line that begins with
    # the next number is a wrapped line (`3期，頁6-21。`), not a new note.
    indented_starts: int = 0
    flush_starts: int = 0
    section: str | None = None  # section in effect (last heading seen)

    def new_page(self) -> None:
        self.page += 1
        self.page_has_content = False
        self.in_notes = False
        self.block_lines = 0


def _scan(lines: list[str], layout: Layout) -> _Scan:
    scan = _Scan(layout)
    for no, raw in enumerate(lines, 1):
        # A form feed is an explicit page break; text after it is on the next page.
        for index, part in enumerate(raw.split("\f")):
            if index and scan.page_has_content:
                scan.new_page()
            _line(scan, no, part)
    return scan


def _line(scan: _Scan, no: int, line: str) -> None:
    if _is_separator(line):
        scan.in_notes = True
        scan.block_lines = 0
        return
    line = line.rstrip()
    if not line.strip():
        return
    number = _header_number(line, scan.layout)
    if number is not None:
        if scan.page_has_content:
            scan.new_page()
        scan.headers.setdefault(scan.page, []).append((number, no))
        scan.in_notes = False
        return
    if scan.in_notes:
        _note_line(scan, no, line)
    else:
        _body_line(scan, no, line)


def _note_line(scan: _Scan, no: int, line: str) -> None:
    start = _NOTE_START.match(line)
    expected = scan.last_n + 1
    if start is not None and not start["text"].startswith(scan.layout.units_after):
        n = int(start["n"])
        led = bool(start["indent"])
        layout_says_wrap = not led and scan.indented_starts >= 3 and scan.flush_starts == 0
        if not layout_says_wrap and (n == expected or (led and n == 1 and scan.last_n > 1)):
            if led:
                scan.indented_starts += 1
            else:
                scan.flush_starts += 1
            restarted = n == 1 and scan.last_n > 1
            if restarted or (scan.notes and scan.notes[-1].restarted):
                restarted = True
            scan.notes.append(_Note(n, no, scan.page, scan.section, [start["text"]], restarted))
            scan.last_n = n
            scan.block_lines += 1
            scan.page_has_content = True
            return
    if scan.block_lines > 0 and _indent(line) > 0:
        # A space-led line after footnotes is the first body line of a new page whose
        # header did not survive.
        scan.new_page()
        _body_line(scan, no, line)
        return
    scan.block_lines += 1
    scan.page_has_content = True
    if scan.notes:
        scan.notes[-1].lines.append(line)
    else:
        scan.problems.append(
            Unparsed(
                "line",
                line.strip(),
                "text after a footnote separator but before any numbered footnote",
                line=no,
            )
        )


def _body_line(scan: _Scan, no: int, line: str) -> None:
    heading = scan.layout.heading.match(line.strip())
    if heading is not None and _next_section(scan.section, scan.layout) == heading["num"]:
        scan.section = heading["num"]
    scan.body.append(_BodyLine(no, scan.page, line))
    scan.page_has_content = True


def _next_section(section: str | None, layout: Layout) -> str:
    numbers = layout.sections
    if section is None:
        return numbers[0]
    index = numbers.index(section) + 1 if section in numbers else len(numbers)
    return numbers[index] if index < len(numbers) else ""


def _page_numbers(scan: _Scan) -> tuple[dict[int, int], list[Unparsed]]:
    """Map page indexes to printed page numbers from the headers that survived; pages
    without a header count on from the nearest one (pages are consecutive)."""
    problems: list[Unparsed] = []
    anchors = sorted((index, found[0][0], found[0][1]) for index, found in scan.headers.items())
    if not anchors:
        return {}, problems
    offsets = {number - index for index, number, _ in anchors}
    if len(offsets) > 1:
        for index, number, no in anchors[1:]:
            prev = max(a for a in anchors if a[0] < index)
            if number - index != prev[1] - prev[0]:
                problems.append(
                    Unparsed(
                        "header",
                        str(number),
                        f"page header {number} does not follow header {prev[1]} in page order",
                        line=no,
                    )
                )
    pages: dict[int, int] = {}
    for index in range(scan.page + 1):
        before = [a for a in anchors if a[0] <= index]
        anchor = before[-1] if before else anchors[0]
        pages[index] = anchor[1] + index - anchor[0]
    return pages, problems


def _paragraphs(body: list[_BodyLine], layout: Layout) -> tuple[list[_Para], dict[str, str], int]:
    """Group body lines into paragraphs; headings set the section and are kept apart.
    Also returns the index of the first back-matter paragraph (an English abstract)."""
    typical = _typical_width(body)
    back_line = _back_matter_start(body) if layout.trailing_latin_is_back_matter else -1
    headings: dict[str, str] = {}
    paras: list[_Para] = []
    back = -1
    section: str | None = None
    prev_raw = ""
    for index, b in enumerate(body):
        stripped = b.text.strip()
        heading = layout.heading.match(stripped)
        if heading is not None and _next_section(section, layout) == heading["num"]:
            section = heading["num"]
            headings[section] = heading["title"]
            prev_raw = ""
            paras.append(_Para(section, b.page))  # an empty paragraph closes the previous
            continue
        starts_para = (
            not paras
            or not paras[-1].text
            or index == back_line
            or _indent(b.text) >= 2
            or _ends_paragraph(prev_raw, typical)
        )
        if starts_para:
            if paras and not paras[-1].text:
                paras.pop()
            paras.append(_Para(section, b.page))
        if index == back_line:
            back = len(paras) - 1
        para = paras[-1]
        joined = join_lines([para.text, stripped])
        # join_lines may insert one space: the line starts after it.
        para.starts.append((len(joined) - len(stripped) if para.text else 0, b.page))
        para.text = joined
        prev_raw = stripped
    paras = [p for p in paras if p.text]
    if back < 0:
        back = len(paras)
    return paras, headings, back


def _typical_width(body: list[_BodyLine]) -> int:
    """The width of a full line of CJK body text (the most common width)."""
    widths = Counter(
        _width(b.text.strip()) for b in body if has_cjk(b.text) and not _LATIN.search(b.text)
    )
    return widths.most_common(1)[0][0] if widths else 0


def _back_matter_start(body: list[_BodyLine]) -> int:
    """Index of the first of the trailing body lines without CJK text (an English
    abstract after a Chinese paper), or -1."""
    if not any(has_cjk(b.text) for b in body):
        return -1
    start = len(body)
    while start > 0 and not has_cjk(body[start - 1].text):
        start -= 1
    return start if start < len(body) else -1


def _ends_paragraph(prev: str, typical: int) -> bool:
    """A short line with terminal punctuation ends its paragraph (a block quotation and
    the line before it are not indented, so indentation alone cannot tell)."""
    if not prev or _TERMINAL_END.search(prev) is None:
        return False
    if _LATIN.search(prev):
        return _width(prev) < typical * 0.75
    return _width(prev) <= typical - 4  # at least two characters short of a full line


def _page_at(para: _Para, offset: int) -> int:
    page = para.page
    for start, p in para.starts:
        if start > offset:
            break
        page = p
    return page


def _in_quantity(text: str, start: int, end: int, layout: Layout) -> bool:
    """The digit run is part of a range, an ordinal or a quantity (never a marker)."""
    before = text[start - 1] if start else ""
    if before and before in layout.range_before and start >= 2 and text[start - 2].isdigit():
        return True  # 1958-1960, 2003.3, 10/22
    previous = text[:start].rstrip()[-1:]
    return bool(previous) and previous in layout.ordinal_before  # 第3, 約20


def _bare_is_quantity(text: str, end: int, layout: Layout) -> bool:
    """A run that is exactly the marker number but reads as a quantity or range start."""
    if text[end:].lstrip(" ").startswith(layout.units_after):
        return True
    tail = text[end : end + 2]
    return len(tail) == 2 and tail[0] in "-–.,:" and tail[1].isdigit()


def _year(rest: str, digits: str, after: str) -> bool:
    return len(rest) == 4 and 1000 <= int(rest) <= 2099 and after.startswith("年")


def _decade(rest: str, digits: str, after: str) -> bool:
    whole_is_year = len(digits) == 4 and 1500 <= int(digits) <= 2099
    return len(rest) == 2 and after.startswith("年代") and not whole_is_year


def _month(rest: str, digits: str, after: str) -> bool:
    return after.startswith("月") and int(digits) > 12 and 1 <= int(rest) <= 12


def _day(rest: str, digits: str, after: str) -> bool:
    return after.startswith("日") and int(digits) > 31 and 1 <= int(rest) <= 31


#: A marker glued to the number after it, when the whole run cannot be one number:
#: `221981 年` (22, then 1981), `3180 年代` (31, then the 80s), `299 月 11 日` (29, then
#: September), `3015 日` (30, then the 15th).
_GLUED: tuple[Callable[[str, str, str], bool], ...] = (_year, _decade, _month, _day)


def _marker_length(text: str, match: re.Match[str], n: int, layout: Layout) -> int:
    """How many leading digits of this digit run are footnote marker ``n`` (0: none)."""
    digits, start, end = match.group(), match.start(), match.end()
    wanted = str(n)
    if not digits.startswith(wanted) or _in_quantity(text, start, end, layout):
        return 0
    if digits == wanted:
        return 0 if _bare_is_quantity(text, end, layout) else len(wanted)
    rest = digits[len(wanted) :]
    if rest.startswith("0"):
        return 0
    after = text[end:].lstrip(" ")
    return len(wanted) if any(rule(rest, digits, after) for rule in _GLUED) else 0


@dataclass(frozen=True, slots=True)
class _Found:
    para: int
    start: int
    length: int


def _find_markers(
    paras: list[_Para], notes: list[_Note], layout: Layout
) -> tuple[dict[int, _Found], list[Unparsed]]:
    """Find each footnote's marker on the page where the footnote starts, in order."""
    found: dict[int, _Found] = {}
    problems: list[Unparsed] = []
    cursor = (0, 0)
    for note in notes:
        hit = _search(paras, note, cursor, layout) or _search(paras, note, (0, 0), layout)
        if hit is None:
            problems.append(
                Unparsed(
                    "marker",
                    "",
                    f"no marker for footnote {note.n} in the body of its page",
                    line=note.line,
                    footnote=note.n,
                )
            )
            continue
        found[note.n] = hit
        cursor = (hit.para, hit.start + hit.length)
    return found, problems


def _search(paras: list[_Para], note: _Note, cursor: tuple[int, int],
            layout: Layout) -> _Found | None:
    for index in range(cursor[0], len(paras)):
        para = paras[index]
        origin = cursor[1] if index == cursor[0] else 0
        if para.page > note.page:
            return None
        for match in _DIGITS.finditer(para.text, origin):
            if _page_at(para, match.start()) != note.page:
                continue
            length = _marker_length(para.text, match, note.n, layout)
            if length:
                return _Found(index, match.start(), length)
    return None


def _sentence_before(text: str, pos: int) -> str:
    """The sentence that ends at ``pos`` (where a marker stood)."""
    end = pos
    while end > 0 and (text[end - 1] in _TERMINATORS + _CLOSERS or text[end - 1] == " "):
        end -= 1
    start = max((text.rfind(t, 0, end) for t in _TERMINATORS), default=-1) + 1
    while start < end and text[start] in _CLOSERS + " ":
        start += 1
    return text[start:pos].strip()


def _remove_markers(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Text without the marker spans, and where each marker stood in the new text."""
    out: list[str] = []
    positions: list[int] = []
    last = 0
    length = 0
    for start, size in sorted(spans):
        piece = text[last:start]
        out.append(piece)
        length += len(piece)
        positions.append(length)
        last = start + size
        # `。22 兩人`: the space set the superscript off; without it, CJK text closes up.
        if text[last : last + 1] == " " and start and _CJK_OR_PUNCT.match(text[start - 1]):
            last += 1
    out.append(text[last:])
    cleaned = "".join(out)
    return cleaned, positions


def extract(text: str, layout: Layout | None = None) -> Paper:
    """Split a paper's text into footnotes, body paragraphs and markers: an endnote
    block after a heading (``paper.endnotes``) where there is one, else page footnotes
    by ``layout`` (the bundled journal layout unless given)."""
    endnotes = extract_endnotes(text)
    if endnotes is not None:
        return endnotes
    layout = layout or bundled_layout()
    scan = _scan(nfc(text).split("\n"), layout)
    pages, problems = _page_numbers(scan)
    paras, headings, back = _paragraphs(scan.body, layout)
    kept = [note for note in scan.notes if not note.restarted]
    markers_found, marker_problems = _find_markers(paras, kept, layout)
    problems.extend(marker_problems)

    spans: dict[int, list[tuple[int, int, int]]] = {}
    for n, hit in markers_found.items():
        spans.setdefault(hit.para, []).append((hit.start, hit.length, n))

    paragraphs: list[Paragraph] = []
    markers: list[Marker] = []
    marker_section: dict[int, str | None] = {}
    for index, para in enumerate(paras):
        section = para.section if index < back else None
        hits = sorted(spans.get(index, []))
        cleaned, positions = _remove_markers(para.text, [(s, size) for s, size, _ in hits])
        cleaned = re.sub(r" {2,}", " ", cleaned)
        for (start, _, n), pos in zip(hits, positions, strict=True):
            pos = min(pos, len(cleaned))
            page = pages.get(_page_at(para, start))
            markers.append(Marker(n, _sentence_before(cleaned, pos), section, page))
            marker_section[n] = section
        paragraphs.append(Paragraph(cleaned.strip(), section, pages.get(para.page)))
    markers.sort(key=lambda m: m.n)

    footnotes = tuple(
        Footnote(
            note.n,
            join_lines(note.lines),
            pages.get(note.page),
            marker_section.get(note.n, note.section),
            note.line,
        )
        for note in kept
    )
    last_kept = kept[-1].n if kept else 0
    for note in scan.notes:
        if note.restarted:
            problems.append(
                Unparsed(
                    "footnote",
                    join_lines(note.lines),
                    f"footnote numbering restarts at 1 after footnote {last_kept}: "
                    f"note {note.n} of the new numbering not kept",
                    line=note.line,
                    footnote=note.n,
                )
            )
    problems.extend(scan.problems)
    problems.sort(key=lambda p: p.line or 0)
    return Paper(
        footnotes=footnotes,
        paragraphs=tuple(paragraphs),
        markers=tuple(markers),
        headings=MappingProxyType(dict(headings)),
        problems=tuple(problems),
    )
