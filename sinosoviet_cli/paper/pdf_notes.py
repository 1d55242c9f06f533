"""A PDF's lines (``pdf.Line``) assembled into a ``Paper``: notes numbered as printed and
joined across lines and page breaks the way a reader reads them, body paragraphs with
their markers removed, and the sentence each marker closes.

A note starts at a line that opens with the next number in sequence (plain digits,
raised or circled); every other note-zone line continues the note before it, so a note
that runs over a page break continues at the top of the next page's notes. Papers with
endnotes instead (a heading 注釋/註釋/Notes, then the numbered notes) are read too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType

from sinosoviet_cli.model import Footnote, Marker, Paper, Paragraph, Unparsed
from sinosoviet_cli.paper.endnotes import ends_notes, is_notes_heading
from sinosoviet_cli.paper.footnotes import _sentence_before, bundled_layout
from sinosoviet_cli.paper.pdf import Line
from sinosoviet_cli.text.normalize import join_lines, nfc

# A note's first line: its number, then text (a year, range or page is no number).
_NOTE_START = re.compile(r"^(?P<n>\d{1,3})(?![\d\-–.,，、）)年月日%％])\s*(?P<text>.*)$")


@dataclass(slots=True)
class _Note:
    n: int
    page: int
    section: str | None
    line: int
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Para:
    section: str | None
    page: int
    text: str = ""
    markers: list[tuple[int, int, int]] = field(default_factory=list)  # (offset, n, page)


def _soft_join(lines: list[str]) -> str:
    """Lines joined as a reader reads them; a soft hyphen at a line end joins the word."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].endswith("\u00ad"):
            out[-1] = out[-1][:-1] + line.strip()
        else:
            out.append(line)
    return join_lines(out).replace("\u00ad", "")


def _note_number(line: Line, expected: int, first: bool) -> tuple[int, str] | None:
    """The note number a note-zone line opens with, if it opens the next note: a raised
    or circled number, or plain digits followed by note text."""
    if line.lead is not None:
        n, text = line.lead, line.text
    else:
        match = _NOTE_START.match(line.text)
        if match is None or not match["text"]:
            return None
        n, text = int(match["n"]), match["text"]
    return (n, text) if n == expected or (first and n >= 1) else None


@dataclass(slots=True)
class _Assembly:
    printed: list[int]
    body_size: float
    notes: list[_Note] = field(default_factory=list)
    paras: list[_Para] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)
    problems: list[Unparsed] = field(default_factory=list)
    section: str | None = None
    endnotes: bool = False
    back_matter: bool = False  # after the endnotes: an editor's line, references …
    indented_starts: int = 0  # plain-number note starts seen indented
    flush_starts: int = 0  # ... and flush left
    lead_starts: int = 0  # note starts with a raised or circled number
    indented_pages: frozenset[int] = frozenset()  # pages with an indented note line
    new_para: bool = True

    def note_line(self, no: int, line: Line) -> None:
        expected = self.notes[-1].n + 1 if self.notes else 1
        start = _note_number(line, expected, not self.notes)
        indented = line.indent >= 0.5 * line.size
        if start is not None and line.lead is None and self._wrapped_number(indented, line):
            start = None
        if start is not None:
            n, text = start
            self.lead_starts += line.lead is not None
            if line.lead is None:
                self.indented_starts += indented
                self.flush_starts += not indented
            self.notes.append(_Note(n, self.printed[line.page], self.section, no, [text]))
        elif self.notes:
            self.notes[-1].lines.append(line.text)
        elif line.text:
            self.problems.append(
                Unparsed("line", line.text, "note text before any numbered note", line=no)
            )

    def _wrapped_number(self, indented: bool, line: Line) -> bool:
        """A plain number opening a note line is a wrapped part of the note before when
        the paper's notes are numbered otherwise: with raised or circled numbers, or
        indented where this line is flush left (`4 頁。`, a page number wrapped) on a
        page whose note lines show indentation at all."""
        if self.lead_starts and not self.indented_starts and not self.flush_starts:
            return True
        return (not indented and self.indented_starts >= 1 and not self.flush_starts
                and line.page in self.indented_pages)

    def body_line(self, line: Line) -> None:
        text = line.text
        heading = bundled_layout().heading.match(text)
        if heading is not None:
            self.section = heading["num"]
            self.headings[self.section] = heading["title"]
            self.new_para = True
            return
        if is_notes_heading(text):
            self.endnotes = True
            return
        display = line.size > 1.1 * self.body_size  # a heading in larger type
        if display or self.new_para or line.indent >= 0.8 * line.size or not self.paras:
            self.paras.append(_Para(self.section, self.printed[line.page]))
        self.new_para = display
        para = self.paras[-1]
        joined = join_lines([para.text, text]) if para.text else text
        start = len(joined) - len(text)
        for pos, n in line.markers:
            para.markers.append((start + pos, n, self.printed[line.page]))
        para.text = joined


def _paper(work: _Assembly) -> Paper:
    numbers = {note.n for note in work.notes}
    paragraphs: list[Paragraph] = []
    markers: dict[int, Marker] = {}
    for para in work.paras:
        text = re.sub(r" {2,}", " ", para.text).strip()
        paragraphs.append(Paragraph(text, para.section, para.page))
        for offset, n, page in para.markers:
            if n in numbers and n not in markers:
                sentence = _sentence_before(para.text, offset)
                markers[n] = Marker(n, sentence, para.section, page)
    footnotes = []
    for note in work.notes:
        marker = markers.get(note.n)
        section = marker.section if marker is not None else note.section
        footnotes.append(Footnote(note.n, _soft_join(note.lines), note.page, section, note.line))
        if marker is None:
            work.problems.append(
                Unparsed(
                    "marker",
                    "",
                    f"no marker for footnote {note.n} in the body",
                    line=note.line,
                    footnote=note.n,
                )
            )
    return Paper(
        footnotes=tuple(footnotes),
        paragraphs=tuple(paragraphs),
        markers=tuple(sorted(markers.values(), key=lambda m: m.n)),
        headings=MappingProxyType(dict(work.headings)),
        problems=tuple(work.problems),
    )


def assemble(lines: list[Line], printed: list[int]) -> Paper:
    """The paper of a PDF's lines (in reading order) and its printed page numbers."""
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.zone == "body":
            sizes[line.size] += len(line.text)
    work = _Assembly(printed, sizes.most_common(1)[0][0] if sizes else 10.0)
    heading = next((i for i, line in enumerate(lines)
                    if line.zone == "body" and is_notes_heading(line.text)), len(lines))
    work.indented_pages = frozenset(
        line.page for i, line in enumerate(lines)
        if (line.zone == "notes" or i > heading) and line.indent >= 0.5 * line.size)
    for no, raw in enumerate(lines, 1):
        line = Line(
            nfc(raw.text), raw.markers, raw.page, raw.zone, raw.size, raw.indent, raw.lead
        )
        if not line.text and line.lead is None:
            continue
        if work.endnotes and (work.back_matter or ends_notes(line.text)):
            work.back_matter = True  # no note's text, no body paragraph
        elif line.zone == "notes" or work.endnotes:
            work.note_line(no, line)
        else:
            work.body_line(line)
    return _paper(work)
