"""Reading a paper's PDF: characters with size and position, laid out into lines.

pdfminer.six reads the characters (MIT, pure Python; its CMaps decode the Adobe CJK
character collections, and it honours ToUnicode maps). pdfplumber is a layer over the
same library with more than we need; pypdfium2 binds the native PDFium library (a binary
wheel per platform); PyMuPDF is AGPL. pdfminer is imported only when a PDF is read, and
through a small device of our own that records characters, rules and images only.

This module turns each page into ``Line`` values in reading order: running heads and
footers (repeated on several pages, or a bare page number) removed and their page
numbers kept, two columns read left then right, each line in the body or the note zone
(below a footnote rule, or trailing smaller text), raised smaller digits and circled
numbers as footnote markers. ``pdf_notes`` assembles the lines into a ``Paper``.
A PDF without decodable text raises ``InputError`` saying to OCR it.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.model import Paper
from sinosoviet_cli.paper.pdf_columns import frames, note_lefts, note_start
from sinosoviet_cli.text.normalize import is_cjk

_OCR_FIX = "OCR it first, e.g. `ocrmypdf --force-ocr IN.pdf OUT.pdf`, or give its text as .txt"
# Superscript and circled digits are markers whatever their size.
_MARKER_CHARS = {
    **{ch: i for i, ch in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")},
    **{chr(0x2460 + i): i + 1 for i in range(20)},  # ①..⑳
}
# A bare folio: `5`, `- 5 -`, `— 5 —`, `．155．`, `[5]`, `第5頁`.
_PAGE_NUMBER_ONLY = re.compile(
    r"^[\s\-–—－．.·•|\[(〔]*第?\d{1,4}[頁页]?[\s\-–—－．.·•|\])〕]*$"
)
_STANDALONE_NUMBER = re.compile(r"(?<![\d\-–.,/])\d{1,4}(?![\d\-–/])")
_UNDECODED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff]")


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    base: float  # baseline
    size: float


@dataclass(slots=True)
class _Row:
    """Characters on one baseline (raised smaller characters merged in)."""

    base: float
    size: float
    chars: list[_Char] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    def text(self, *, raised: bool = True) -> str:
        """The row's characters left to right; without the raised smaller ones (markers)
        if ``raised`` is false."""
        chars = sorted(self.chars, key=lambda c: c.x0)
        if not raised:
            chars = [c for c in chars if c.size > 0.85 * self.size]
        return "".join(c.text for c in chars).strip()


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line in reading order: text without markers, where each marker stood
    (offset into ``text``, number), and where the line sits."""

    text: str
    markers: tuple[tuple[int, int], ...]
    page: int  # PDF page index (0-based)
    zone: str  # "body" or "notes"
    size: float
    indent: float  # distance from its column's left edge, in points
    lead: int | None = None  # a raised/circled number opening the line (a note's number)


@dataclass(frozen=True, slots=True)
class _PageData:
    rows: list[_Row]
    rules: list[tuple[float, float, float]]  # (x0, x1, y) of horizontal rules
    images: int
    width: float
    height: float


# ---------------------------------------------------------------- loading


@dataclass(slots=True)
class _Sink:
    """What the device collects from one page."""

    chars: list[_Char] = field(default_factory=list)
    rules: list[tuple[float, float, float]] = field(default_factory=list)
    images: int = 0


def _device(manager: Any, sink: _Sink) -> Any:
    """A pdfminer device that records characters, rules and images and nothing else:
    no layout objects, which would cost a third of the reading time."""
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
    from pdfminer.pdfinterp import PDFGraphicState
    from pdfminer.pdftypes import PDFStream

    class Device(PDFTextDevice):
        def render_char(
            self,
            matrix: tuple[float, float, float, float, float, float],
            font: PDFFont,
            fontsize: float,
            scaling: float,
            rise: float,
            cid: int,
            ncs: Any,
            graphicstate: PDFGraphicState,
        ) -> float:
            try:
                text = font.to_unichr(cid)
            except PDFUnicodeNotDefined:
                text = f"(cid:{cid})"
            adv: float = font.char_width(cid) * fontsize * scaling
            a, b, c, d, e, f = matrix
            if abs(b) < 1e-3 and abs(c) < 1e-3 and a > 0 and d > 0:  # upright text only
                x0 = e
                sink.chars.append(_Char(text, x0, x0 + adv * a, f + rise * d, fontsize * d))
            return adv

        def paint_path(
            self, graphicstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool,
            path: Any,
        ) -> None:
            ctm = self.ctm or (1, 0, 0, 1, 0, 0)
            points: list[tuple[float, float]] = []
            for segment in path:
                numbers = [v for v in segment[1:] if isinstance(v, int | float)]
                if segment[0] == "re" and len(numbers) == 4:
                    x, y, w, h = numbers
                    numbers = [x, y, x + w, y + h]
                points += list(zip(numbers[::2], numbers[1::2], strict=False))
            if points:
                xs = [ctm[0] * x + ctm[2] * y + ctm[4] for x, y in points]
                ys = [ctm[1] * x + ctm[3] * y + ctm[5] for x, y in points]
                if max(ys) - min(ys) < 2 and max(xs) - min(xs) > 20:
                    sink.rules.append((min(xs), max(xs), (max(ys) + min(ys)) / 2))

        def render_image(self, name: str, stream: PDFStream) -> None:
            sink.images += 1

    return Device(manager)


def _load(path: Path) -> list[_PageData]:
    """The characters and rules of every page; ``InputError`` if it is no readable PDF."""
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    pages: list[_PageData] = []
    # pdfminer logs every damaged operator as a warning; the user gets one message.
    quiet = logging.getLogger("pdfminer")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with path.open("rb") as handle:
            manager = PDFResourceManager(caching=True)
            sink = _Sink()
            interpreter = PDFPageInterpreter(manager, _device(manager, sink))
            for page in PDFPage.get_pages(handle):
                sink.chars, sink.rules, sink.images = [], [], 0
                interpreter.process_page(page)
                x0, y0, x1, y1 = page.mediabox
                pages.append(
                    _PageData(_rows(sink.chars), sink.rules, sink.images, x1 - x0, y1 - y0)
                )
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=path) from exc
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        if "Password" in type(exc).__name__ or "Encryption" in type(exc).__name__:
            raise InputError(
                "is encrypted", path=path, fix="save an unprotected copy, or give its text as .txt"
            ) from exc
        raise InputError(
            f"is not a readable PDF: {type(exc).__name__}", path=path, fix=_OCR_FIX
        ) from exc
    finally:
        quiet.setLevel(level)
    _check_text(path, pages)
    return pages


def _check_text(path: Path, pages: list[_PageData]) -> None:
    """Refuse PDFs whose text is absent (scans) or undecodable (fonts without a
    Unicode map): garbage in would be garbage notes out."""
    texts = [c.text for page in pages for row in page.rows for c in row.chars]
    visible = [t for t in texts if t.strip()]
    if not visible:
        what = "has only page images, no text layer" if any(p.images for p in pages) else (
            "has no text"
        )
        raise InputError(f"{what}: a scanned paper?", path=path, fix=_OCR_FIX)
    bad = sum(1 for t in visible if _UNDECODED.search(t))
    if bad > max(3, len(visible) // 50):
        raise InputError(
            f"{bad} of {len(visible)} characters cannot be decoded: its fonts have no "
            "Unicode map",
            path=path,
            fix=_OCR_FIX,
        )


# ---------------------------------------------------------------- rows


def _rows(chars: list[_Char]) -> list[_Row]:
    """Group characters by baseline, then merge raised smaller groups (superscripts)
    into the line below them. Rows come out top to bottom."""
    groups: list[_Row] = []
    for char in sorted(chars, key=lambda c: -c.base):
        if not char.text:
            continue
        tolerance = 0.15 * max(char.size, 1.0)
        for group in reversed(groups):
            if group.base - char.base > tolerance:
                groups.append(_Row(char.base, char.size, [char]))
                break
            if 0.85 <= char.size / max(group.size, 0.1) <= 1.18:  # a raised small digit
                group.chars.append(char)  # on a neighbour column's baseline is no part
                break
        else:
            groups.append(_Row(char.base, char.size, [char]))
    for group in groups:
        sizes = Counter(round(c.size, 1) for c in group.chars if c.text.strip())
        group.size = sizes.most_common(1)[0][0] if sizes else group.chars[0].size
    merged: list[_Row] = []
    for index, group in enumerate(groups):
        kept: list[_Char] = []
        for char in group.chars:
            host = _host(char, group.size, groups[index + 1 :])
            if host is None:
                kept.append(char)
            else:
                host.chars.append(char)
        if kept:
            group.chars = kept
            merged.append(group)
    return merged


def _host(char: _Char, size: float, below: list[_Row]) -> _Row | None:
    """The row a raised smaller character belongs to: the nearest row below it, within
    a fraction of its size, with text beside it (in two columns, rows interleave)."""
    for row in below:
        if char.base - row.base > 0.7 * row.size:
            return None
        if (
            size <= 0.85 * row.size
            and char.base > row.base
            and any(c.x0 - row.size <= char.x0 and char.x1 <= c.x1 + row.size for c in row.chars)
        ):
            return row
    return None


# ---------------------------------------------------------------- running heads


def _running_key(row: _Row) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFC", row.text())))


def _is_apart(rows: list[_Row], index: int) -> bool:
    """A running head or foot stands apart from the text: a wider gap than line pitch."""
    if len(rows) < 2:
        return True
    row = rows[index]
    neighbour = rows[1] if index == 0 else rows[index - 1]
    return abs(neighbour.base - row.base) > 1.9 * max(row.size, neighbour.size)


def _strip_running(pages: list[_PageData]) -> tuple[list[list[_Row]], list[int]]:
    """Remove running heads and footers; return each page's remaining rows and its
    printed page number. A head or foot is a row set apart at the top or bottom of the
    page that repeats on other pages, is a bare number, or (the outermost row only)
    carries the page's number."""
    candidates: list[list[tuple[int, str, list[int], bool]]] = []
    keys: Counter[tuple[str, int]] = Counter()
    centred_feet: list[int] = []  # the row index of a centred foot, or -1
    for page in pages:
        found = _edge_rows(page.rows)
        keys.update(
            (_running_key(page.rows[index]), round(page.rows[index].base / 4))
            for index, *_ in found
        )
        candidates.append(found)
        rows = page.rows
        centred_feet.append(len(rows) - 1 if rows and _centred_foot(rows, page.width) else -1)
    printed, confirmed = _printed_pages(
        [
            [(n, max(_folio_weight(text, n), 2 * (index == centred)))
             for index, text, ns, outer in found
             for n in ns if outer or _PAGE_NUMBER_ONLY.match(text)]
            for found, centred in zip(candidates, centred_feet, strict=True)
        ]
    )
    result: list[list[_Row]] = []
    for number, page, found in zip(printed, pages, candidates, strict=True):
        drop: set[int] = set()
        for index, text, _numbers, outer in found:
            key = (_running_key(page.rows[index]), round(page.rows[index].base / 4))
            repeated = len(pages) > 1 and keys[key] >= 2
            folio = confirmed and outer and len(text) < 80 and _carries_folio(text, number)
            if repeated or folio or _PAGE_NUMBER_ONLY.match(text):
                drop.add(index)
        result.append([row for i, row in enumerate(page.rows) if i not in drop])
    return result, printed


def _edge_rows(rows: list[_Row]) -> list[tuple[int, str, list[int], bool]]:
    """The rows that may be a running head or foot: the two at the top and bottom set
    apart from the text, without note markers; with their text, the numbers in it, and
    whether each is the outermost row."""
    found: list[tuple[int, str, list[int], bool]] = []
    for index in sorted({0, 1, len(rows) - 2, len(rows) - 1}):
        if 0 <= index < len(rows) and _is_apart(rows, index):
            text = rows[index].text(raised=False)
            if text != rows[index].text():  # it carries a note marker: no running head
                continue
            numbers = [int(n) for n in _STANDALONE_NUMBER.findall(text)]
            found.append((index, text, numbers, index in (0, len(rows) - 1)))
    return found


def _centred_foot(rows: list[_Row], width: float) -> bool:
    """The page's last row is a short line centred on the page, set apart, ending with a
    number: a running foot even on a one-page paper, where nothing repeats."""
    row = rows[-1]
    text = row.text()
    centre = (row.x0 + row.x1) / 2
    return (len(rows) > 1 and _is_apart(rows, len(rows) - 1) and len(text) < 60
            and abs(centre - width / 2) < 0.05 * width and re.search(r"\d\W*$", text) is not None)


def _folio_weight(text: str, number: int) -> int:
    """How surely ``number`` in a running head or foot is the page number: a bare folio
    or one set off by folio marks (`．155．`, `— 5 —`) at once, others by recurrence."""
    if _PAGE_NUMBER_ONLY.match(text) or re.search(rf"[．—–-]\s?{number}\s?[．—–-]", text):
        return 3
    return 1


def _carries_folio(text: str, number: int) -> bool:
    """A running title carries its page number set off (`．155．`) or at its end
    (`Cold War Review · 12`); a note opens with its number (`1 See …`)."""
    return _folio_weight(text, number) > 1 or re.search(rf"(?<!\d){number}\W*$", text) is not None


def _printed_pages(numbers: list[list[tuple[int, int]]]) -> tuple[list[int], bool]:
    """The printed page number of every page: the offset (number - index) with most
    votes (a bare page number weighs more than a number in a running title), else the
    PDF page index + 1 (and False: no running head or foot carries it)."""
    offsets: Counter[int] = Counter()
    for index, found in enumerate(numbers):
        weights: dict[int, int] = {}
        for n, weight in found:  # one vote a page for each offset
            weights[n - index] = max(weight, weights.get(n - index, 0))
        offsets.update(weights)
    if not offsets:
        return [index + 1 for index in range(len(numbers))], False
    offset, votes = offsets.most_common(1)[0]
    # A number in a running title must recur on two pages; a bare folio counts at once.
    if votes < max(2, len(numbers) // 3):
        return [index + 1 for index in range(len(numbers))], False
    return [index + offset for index in range(len(numbers))], True


# ---------------------------------------------------------------- lines


def _line(row: _Row, page: int, zone: str, left: float) -> Line:
    """The row's text with markers taken out (offsets into the text kept)."""
    chars = sorted((c for c in row.chars if c.text), key=lambda c: c.x0)
    parts: list[str] = []
    markers: list[tuple[int, int]] = []
    length = 0
    digits = ""
    prev: _Char | None = None

    def close_marker() -> None:
        nonlocal digits
        if digits:
            markers.append((length, int(digits)))
            digits = ""

    for char in chars:
        raised = char.size <= 0.85 * row.size and char.base - row.base >= 0.15 * row.size
        if char.text in _MARKER_CHARS:
            close_marker()
            markers.append((length, _MARKER_CHARS[char.text]))
            prev = char
            continue
        if raised and char.text.isdigit():
            digits += char.text
            prev = char
            continue
        if raised and digits and char.text in ",，、-–":  # `¹,²`: two markers
            close_marker()
            prev = char
            continue
        close_marker()
        text = char.text
        spaced = parts and not parts[-1].endswith(" ")
        if spaced and prev is not None and text.strip() and _needs_space(prev, char, row.size):
            text = " " + text
        if text == " " and (not parts or parts[-1].endswith(" ")):
            prev = char
            continue
        parts.append(text)
        length += len(text)
        prev = char
    close_marker()
    raw = "".join(parts)
    stripped = raw.lstrip()
    shift = len(raw) - len(stripped)
    text = stripped.rstrip()
    moved = tuple((max(0, min(pos - shift, len(text))), n) for pos, n in markers)
    lead = None
    if moved and moved[0][0] == 0:
        lead, moved = moved[0][1], moved[1:]
    indent = (chars[0].x0 - left) if chars else 0.0
    return Line(text, moved, page, zone, row.size, indent, lead)


def _needs_space(prev: _Char, char: _Char, size: float) -> bool:
    if prev.text.isspace():
        return False
    if is_cjk(prev.text[-1]) or is_cjk(char.text[0]):
        return False
    return char.x0 - prev.x1 > 0.2 * size


def _body_size(pages: list[list[_Row]]) -> float:
    """The body text's size: the largest size that sets a good share of the characters.
    Not simply the commonest: in a short paper with long notes the notes' smaller type
    may outnumber the body's (headings in larger type are too few to count)."""
    sizes: Counter[float] = Counter()
    for rows in pages:
        for row in rows:
            sizes[row.size] += len(row.chars)
    if not sizes:
        return 10.0
    most = max(sizes.values())
    return max(size for size, count in sizes.items() if count >= 0.25 * most)


def read_lines(path: Path) -> tuple[list[Line], list[int]]:
    """Every line of the PDF in reading order, and each page's printed number."""
    pages = _load(path)
    page_rows, printed = _strip_running(pages)
    body = _body_size(page_rows)
    lines: list[Line] = []
    for index, (page, rows) in enumerate(zip(pages, page_rows, strict=True)):
        placed: list[tuple[_Row, str, float]] = []
        for number, frame in enumerate(frames(rows, page.width, body) if rows else []):
            split = note_start(frame, page, body, number > 0)
            left = min(r.x0 for r in frame)
            for position, row in enumerate(frame):
                placed.append((row, "notes" if position >= split else "body", left))
        lefts = note_lefts([row for row, zone, _ in placed if zone == "notes"])
        for row, zone, left in placed:
            lines.append(_line(row, index, zone, min(lefts.get(id(row), left), left)))
    return lines, printed


def read_pdf(path: Path) -> Paper:
    """A paper's PDF as footnotes, body paragraphs and markers (see ``pdf_notes``)."""
    from sinosoviet_cli.paper.pdf_notes import assemble

    lines, printed = read_lines(path)
    return assemble(lines, printed)
