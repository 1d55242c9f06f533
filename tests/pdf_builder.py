"""A small test-side typesetter: source texts (tests/fixtures/pdf/*.json) to PDFs.

It writes PDF by hand so that the fixtures need no font file and no third-party writer:
Latin text in the standard Times-Roman font; CJK text in a Type0 font (Identity-H, CIDs
of Adobe-CNS1 where pdfminer's UniCNS-UCS2-H map knows them) with a ToUnicode map, so
that compatibility ideographs (U+F9E1) survive into the file exactly as printed. Body
text wraps greedily, footnote markers are raised smaller digits, notes go to the foot of
their column below a rule and run over to the next column or page when they do not fit.

``python tests/pdf_builder.py`` regenerates the committed fixtures.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdfminer.cmapdb import CMapDB
from pdfminer.fontmetrics import FONT_METRICS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pdf"
_MARK = re.compile(r"\{(\d+)\}")
_NO_LINE_START = frozenset("。．，、；：？！）」』》〉】〕,.;:?!)]")
_LATIN_WIDTHS: dict[str, int] = FONT_METRICS["Times-Roman"][1]


@dataclass(frozen=True)
class Layout:
    """Page geometry and the paper's conventions (all sizes in points)."""

    width: float = 420.0
    height: float = 595.0
    margin: float = 50.0
    columns: int = 1
    gutter: float = 18.0
    body: float = 10.5
    note: float = 8.0
    heading: float = 12.0
    note_number: str = "plain"  # "plain": `1 text`; "super": a raised number; "circled": ①
    markers: str = "super"  # body markers: "super" (raised digits) or "circled" (①)
    header: str = ""  # e.g. "{title}　．{n}．|．{n}．　{journal}" (odd|even pages)
    footer: str = ""  # e.g. "— {n} —"
    first_page: int = 1
    endnotes: str = ""  # a heading such as "注釋": notes go to the end, not the foot
    span_notes: bool = False  # notes across the full page width under the columns
    journal: str = ""


@dataclass(frozen=True)
class Source:
    """What is typeset: paragraphs (``{n}`` marks note n; ``# `` starts a heading)."""

    title: str
    paragraphs: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Run:
    text: str
    cjk: bool
    size: float
    rise: float = 0.0


@dataclass
class _Line:
    runs: list[_Run]
    size: float
    indent: float = 0.0


@dataclass
class _Column:
    x: float
    width: float
    top: float
    bottom: float
    y: float  # baseline of the last body line placed
    notes: list[_Line] = field(default_factory=list)


def _is_cjk(ch: str) -> bool:
    return ord(ch) > 0x2000 and ch not in "—–‘’“”…"


def _width(run: _Run) -> float:
    if run.cjk:
        return run.size * len(run.text)
    return sum(_LATIN_WIDTHS.get(c, 500) for c in run.text) * run.size / 1000


# ---------------------------------------------------------------- line breaking


def _marker(n: int, size: float, style: str) -> _Run:
    if style == "circled":
        return _Run(chr(0x245F + n), True, size)
    return _Run(str(n), False, size * 0.6, size * 0.38)


def _marker_number(run: _Run) -> int | None:
    if run.rise and not run.cjk and run.text.isdigit():
        return int(run.text)
    if run.cjk and len(run.text) == 1 and "\u2460" <= run.text <= "\u2473":
        return ord(run.text) - 0x245F
    return None


def _tokens(text: str, size: float, style: str = "super") -> list[list[_Run]]:
    """Unbreakable groups of runs: one CJK character, one Latin word with its space, or a
    marker (glued to what precedes it, as is punctuation that may not start a line)."""
    groups: list[list[_Run]] = []
    pos = 0
    for piece in re.finditer(r"\{\d+\}|[^\s{]+\s*|\s+|\{", text):
        raw = piece.group()
        pos = piece.end()
        mark = _MARK.fullmatch(raw)
        if mark is not None:
            run = _marker(int(mark.group(1)), size, style)
            if groups:
                groups[-1].append(run)
            else:
                groups.append([run])
            continue
        for chunk in re.findall(r"[^\x00-\u2000]|[\x00-\u2000]+", raw):
            cjk = _is_cjk(chunk[0])
            parts = list(chunk) if cjk else [chunk]
            for part in parts:
                run = _Run(part, cjk, size)
                glue = groups and (
                    part[0] in _NO_LINE_START
                    or (not cjk and not groups[-1][-1].cjk and not groups[-1][-1].text[-1:].isspace()
                        and groups[-1][-1].rise == 0)
                )
                if glue:
                    groups[-1].append(run)
                else:
                    groups.append([run])
    del pos
    return groups


def _wrap(
    text: str, size: float, width: float, indent: float, style: str = "super"
) -> list[_Line]:
    lines: list[_Line] = []
    current: list[_Run] = []
    used = indent
    for group in _tokens(text, size, style):
        w = sum(_width(r) for r in group)
        trailing = group[-1].text.endswith(" ")
        fit = w - (_width(_Run(" ", False, size)) if trailing else 0)
        if current and used + fit > width:
            lines.append(_Line(current, size, indent if not lines else 0.0))
            current, used = [], 0.0
        current.extend(group)
        used += w
    if current:
        lines.append(_Line(current, size, indent if not lines else 0.0))
    for line in lines:
        last = line.runs[-1]
        if last.text.endswith(" "):
            line.runs[-1] = _Run(last.text.rstrip(), last.cjk, last.size, last.rise)
    return lines


def _note_lines(n: int, text: str, layout: Layout, width: float) -> list[_Line]:
    size = layout.note
    if layout.note_number == "super":
        lines = _wrap(text, size, width, size * 1.6)
        lines[0].runs.insert(0, _Run(str(n), False, size * 0.65, size * 0.35))
        lines[0].indent = size
        return lines
    if layout.note_number == "circled":
        return _wrap(f"{chr(0x245F + n)}{text}", size, width, size)
    return _wrap(f"{n} {text}", size, width, size)


# ---------------------------------------------------------------- page layout


class _Typesetter:
    def __init__(self, source: Source, layout: Layout) -> None:
        self.source = source
        self.layout = layout
        self.pages: list[list[_Column]] = []
        self.column = -1
        self.carry: list[_Line] = []

    def current(self) -> _Column:
        return self.pages[-1][self.column]

    def next_column(self) -> _Column:
        lay = self.layout
        if not self.pages or self.column == lay.columns - 1:
            width = (lay.width - 2 * lay.margin - (lay.columns - 1) * lay.gutter) / lay.columns
            top = lay.height - lay.margin
            self.pages.append(
                [
                    _Column(lay.margin + i * (width + lay.gutter), width, top, lay.margin, top)
                    for i in range(lay.columns)
                ]
            )
            self.column = 0
        else:
            self.column += 1
        column = self.current()
        if not self.layout.span_notes or self.column == 0:
            column.notes, self.carry = self.carry, []
        return column

    def _notes_height(self, count: int) -> float:
        if not count:
            return 0.0
        return self.layout.note * 1.4 * count + self.layout.note * 1.5

    def place(self, line: _Line, notes: list[_Line]) -> None:
        pitch = line.size * 1.6
        column = self.current() if self.pages else self.next_column()
        while True:
            # Spanning notes live with the page's first column and sit below every column.
            store = self.pages[-1][0].notes if self.layout.span_notes else column.notes
            floor = min([c.y for c in self.pages[-1][: self.column]] + [column.y - pitch])
            room = (floor if self.layout.span_notes else column.y - pitch) - column.bottom
            if room >= self._notes_height(len(store) + len(notes)):
                store.extend(notes)
                break
            fit = 0
            while fit < len(notes) and room >= self._notes_height(len(store) + fit + 1):
                fit += 1
            if fit:  # the note starts here and runs over to the next column or page
                store.extend(notes[:fit])
                self.carry = notes[fit:]
                break
            column = self.next_column()
        column.y -= pitch
        column_lines = getattr(column, "body", None)
        if column_lines is None:
            column_lines = []
            column.body = column_lines  # type: ignore[attr-defined]
        column_lines.append((line, column.y))

    def run(self) -> list[list[_Column]]:
        lay = self.layout
        notes_at_end: list[_Line] = []
        for para in self.source.paragraphs:
            heading = para.startswith("# ")
            text = para[2:] if heading else para
            size = lay.heading if heading else lay.body
            width = self.current().width if self.pages else self._first_width()
            note_width = lay.width - 2 * lay.margin if lay.span_notes else width
            indent = 0.0 if heading else 2 * size
            for line in _wrap(text, size, width, indent, lay.markers):
                notes: list[_Line] = []
                for run in line.runs:
                    n = _marker_number(run)
                    if n is not None:
                        made = _note_lines(n, self.source.notes[n - 1], lay, note_width)
                        (notes_at_end if lay.endnotes else notes).extend(made)
                self.place(line, notes)
        if lay.endnotes:
            width = self.current().width
            self.place(_wrap(lay.endnotes, lay.heading, width, 0.0)[0], [])
            for line in notes_at_end:
                self.place(line, [])
        while self.carry:
            self.next_column()
            self.current().y = self.current().top
        return self.pages

    def _first_width(self) -> float:
        self.next_column()
        return self.current().width


# ---------------------------------------------------------------- PDF writing


class _Fonts:
    """CIDs for the CJK font: Adobe-CNS1 where known, private ones otherwise."""

    def __init__(self) -> None:
        self.cmap = CMapDB.get_cmap("UniCNS-UCS2-H")
        self.cids: dict[str, int] = {}
        self.taken: dict[int, str] = {}
        self.private = 30000

    def cid(self, ch: str) -> int:
        if ch not in self.cids:
            import unicodedata

            found = list(self.cmap.decode(unicodedata.normalize("NFC", ch).encode("utf-16-be")))
            cid = found[0] if len(found) == 1 and found[0] else 0
            if not cid or cid in self.taken:
                self.private += 1
                cid = self.private
            self.cids[ch] = cid
            self.taken[cid] = ch
        return self.cids[ch]


def _latin(text: str) -> str:
    raw = text.encode("cp1252", "replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _merged(runs: list[_Run]) -> list[_Run]:
    """Adjacent runs in one font, size and rise drawn as one string, as a typesetter does."""
    out: list[_Run] = []
    for run in runs:
        last = out[-1] if out else None
        if last is not None and (last.cjk, last.size, last.rise) == (run.cjk, run.size, run.rise):
            out[-1] = _Run(last.text + run.text, run.cjk, run.size, run.rise)
        else:
            out.append(run)
    return out


def _draw(line: _Line, x: float, y: float, fonts: _Fonts, out: list[str]) -> None:
    x += line.indent
    for run in _merged(line.runs):
        if run.cjk:
            code = "<" + "".join(f"{fonts.cid(c):04X}" for c in run.text) + ">"
            font = "F2"
        else:
            code, font = _latin(run.text), "F1"
        out.append(f"BT /{font} {run.size:.2f} Tf 1 0 0 1 {x:.2f} {y + run.rise:.2f} Tm {code} Tj ET")
        x += _width(run)


def _running(template: str, n: int, source: Source, layout: Layout) -> str:
    if not template:
        return ""
    odd, _, even = template.partition("|")
    chosen = even if even and n % 2 == 0 else odd
    return chosen.format(n=n, title=source.title, journal=layout.journal)


def _page_stream(
    columns: list[_Column], number: int, source: Source, layout: Layout, fonts: _Fonts
) -> bytes:
    out: list[str] = []
    size = layout.note
    for text, y in (
        (_running(layout.header, number, source, layout), layout.height - layout.margin + 16),
        (_running(layout.footer, number, source, layout), layout.margin - 26),
    ):
        if text:
            line = _wrap(text, size, layout.width, 0.0)[0]
            w = sum(_width(r) for r in line.runs)
            _draw(line, (layout.width - w) / 2, y, fonts, out)
    for column in columns:
        for line, y in getattr(column, "body", []):
            _draw(line, column.x, y, fonts, out)
        if column.notes:
            pitch = size * 1.4
            top = column.bottom + pitch * len(column.notes)
            rule = top + size * 0.5
            length = (layout.width - 2 * layout.margin if layout.span_notes else column.width) / 3
            out.append(f"0.5 w {column.x:.2f} {rule:.2f} m {column.x + length:.2f} {rule:.2f} l S")
            for i, line in enumerate(column.notes):
                _draw(line, column.x, top - size - i * pitch, fonts, out)
    return "\n".join(out).encode("latin-1")


def _to_unicode(fonts: _Fonts) -> bytes:
    pairs = sorted((cid, ch) for ch, cid in fonts.cids.items())
    body = []
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        body.append(f"{len(chunk)} beginbfchar")
        body += [f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for cid, ch in chunk]
        body.append("endbfchar")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
            *body,
            "endcmap CMapName currentdict /CMap defineresource pop end end",
        ]
    ).encode("ascii")


def _stream(data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data)
    head = f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode()
    return head + packed + b"\nendstream"


def _assemble(page_streams: list[bytes], resources: str, objects: list[bytes], width: float,
              height: float) -> bytes:
    """Objects 1-2 are the catalog and page tree; ``objects`` start at 3."""
    first_page = 3 + len(objects)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(page_streams)))
    allobj = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(page_streams)} >>".encode(),
        *objects,
    ]
    for i, content in enumerate(page_streams):
        allobj.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.0f} {height:.0f}] "
            f"/Resources {resources} /Contents {first_page + 2 * i + 1} 0 R >>".encode()
        )
        allobj.append(_stream(content))
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(allobj, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(allobj) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(allobj) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def build(source: Source, layout: Layout, *, to_unicode: bool = True) -> bytes:
    """The PDF of ``source``. Without ``to_unicode`` the CJK font has no ToUnicode map and
    an unknown character collection: its text cannot be decoded (an OCR case)."""
    pages = _Typesetter(source, layout).run()
    fonts = _Fonts()
    streams = [
        _page_stream(columns, layout.first_page + i, source, layout, fonts)
        for i, columns in enumerate(pages)
    ]
    ordering = "CNS1" if to_unicode else "Unknown"
    objects = [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /MSung-Light /Encoding /Identity-H "
        b"/DescendantFonts [5 0 R]" + (b" /ToUnicode 7 0 R" if to_unicode else b"") + b" >>",
        f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /MSung-Light /CIDSystemInfo "
        f"<< /Registry (Adobe) /Ordering ({ordering}) /Supplement 0 >> /FontDescriptor 6 0 R "
        f"/DW 1000 >>".encode(),
        b"<< /Type /FontDescriptor /FontName /MSung-Light /Flags 6 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        _stream(_to_unicode(fonts)),
    ]
    resources = "<< /Font << /F1 3 0 R /F2 4 0 R >> >>"
    return _assemble(streams, resources, objects, layout.width, layout.height)


def build_scanned(pages: int = 2, width: float = 420.0, height: float = 595.0) -> bytes:
    """A PDF of page images only (a scan): grey stripes where lines of text would be."""
    w, h = 210, 297
    rows = bytearray()
    for y in range(h):
        ink = 20 < y < h - 20 and (y // 4) % 2 == 0
        rows += b"\x00" + bytes((60 if ink and 15 < x < w - 15 else 255) for x in range(w))
    image = _stream(
        bytes(rows),
        f"/Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
        "/BitsPerComponent 8 /DecodeParms << /Predictor 15 /Colors 1 /Columns 210 >> ",
    )
    content = f"q {width:.0f} 0 0 {height:.0f} 0 0 cm /Im1 Do Q".encode()
    return _assemble([content] * pages, "<< /XObject << /Im1 3 0 R >> >>", [image], width, height)


# ---------------------------------------------------------------- fixtures


def load(path: Path) -> tuple[Source, Layout]:
    """A fixture's source text and layout from its JSON file."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    source = Source(data["title"], tuple(data["paragraphs"]), tuple(data["notes"]))
    return source, Layout(**data.get("layout", {}))


def long_source(source: Source, copies: int) -> Source:
    """``source`` repeated ``copies`` times with its notes renumbered: a long paper."""
    paragraphs: list[str] = []
    notes: list[str] = []
    for copy in range(copies):
        offset = copy * len(source.notes)
        for para in source.paragraphs:
            paragraphs.append(_MARK.sub(lambda m, k=offset: "{" + str(int(m[1]) + k) + "}", para))
        notes.extend(source.notes)
    return Source(source.title, tuple(paragraphs), tuple(notes))


def regenerate(directory: Path = FIXTURES) -> list[Path]:
    """Write every fixture PDF beside its JSON source, plus the error-path PDFs."""
    written: list[Path] = []
    for path in sorted(directory.glob("*.json")):
        source, layout = load(path)
        target = path.with_suffix(".pdf")
        target.write_bytes(build(source, layout))
        written.append(target)
    source, layout = load(directory / "cjk_footnotes.json")
    extra = {
        "long.pdf": build(long_source(source, 12), layout),
        "no_unicode.pdf": build(source, layout, to_unicode=False),
        "scanned.pdf": build_scanned(),
    }
    for name, data in extra.items():
        (directory / name).write_bytes(data)
        written.append(directory / name)
    return written


if __name__ == "__main__":
    for written in regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES):
        print(written)
