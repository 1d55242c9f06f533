"""Endnote layouts: notes gathered after a heading at the end of a text.

This is how journal websites, CNKI-style HTML copies and many mainland journals print
notes::

    …正文〔1〕……正文[2]……
    注释：
    〔1〕 毛泽东：《建国以来毛泽东文稿》第7册，中央文献出版社1992年版，第85页。
    [2] 出处同注[1]。

Markers may be ``[n]`` ``［n］`` ``〔n〕`` ``（n）`` ``(n)`` ``n.`` ``n、`` or circled
(``①…⑳``, numbering that restarts on every printed page), with spaces inside
(``〔  1  〕``); notes may all stand on one physical line; a note may have lost its
opening bracket (``26  〕…``). Only the *next* number in sequence starts a note, so a
page or a year inside a note never does. Notes are numbered 1… in reading order
(circled numbers that restart are renumbered, the printed number kept in the text).

Spacing artefacts of web copies (``2006  年  1  月版``, ``第  85  －  87  页``) are
removed as a reader would: spaces between CJK characters and digits go.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sinosoviet_cli.model import Footnote, Marker, Paper, Paragraph, Unparsed
from sinosoviet_cli.text.normalize import CJK_CHAR, nfc

# The heading that opens the notes: 注释 / 注釋 / 註釋 / 【注释】 / 附注 / Notes / Endnotes.
_HEADING = re.compile(
    r"^[ \t\u3000]*[【\[［]?\s*(?:注\s*释|注\s*釋|註\s*釋|註\s*解|附\s*注|附\s*註|注|註|"
    r"[Ee]nd\s*[Nn]otes|N[Oo][Tt][Ee][Ss])\s*[】\]］]?\s*[:：]?[ \t\u3000]*$"
)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_N = r"\d{1,5}"
# A marker anywhere: bracketed, or an opening bracket lost at a line start.
_BRACKETED = re.compile(
    rf"[\[［]\s*(?P<a>{_N})\s*[\]］]|〔\s*(?P<b>{_N})\s*〕|[（(]\s*(?P<c>{_N})\s*[）)]"
    rf"|(?P<circled>[{_CIRCLED}])|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
)
# A marker that counts only at the start of a line: `12.`, `12、`, `12 〕` (lost bracket).
_LINE_START = re.compile(rf"(?m)^[ \t\u3000]*(?P<n>{_N})\s*(?:(?P<dot>[.．、])|[\]］〕）)])\s*")
# In a block whose first note opens `1.` or `1、`, the same marker after a note's closing
# punctuation, inside a line: notes glued on one physical line (`…第85页。2. 同上。`).
_GLUED_DOT = re.compile(
    rf"(?<=[。．.!?！？)）」”』\]])[ \t\u3000]*(?P<n>{_N})[ \t\u3000]*(?P<dot>、|[.．](?!\d))"
    r"[ \t\u3000]*(?=\S)"
)
_WIDE = rf"{CJK_CHAR[1:-1]}（）。，、：；《》〈〉「」『』－—"
# A space run that a web copy put between CJK characters, or between CJK and digits
# (``2006  年``); never between two Latin words or two numbers.
# One space before a span of years printed whole (``中ソ関係史の研究 1945–1950``) is the
# title's own: a copy's artefacts space every token (``第  85  －  87  页``, ``2006 年``).
_SPACED = re.compile(rf"(?<=[{_WIDE}])(?<![（）。，、：；《》〈〉「」『』－—])"
                     r"(?! (?:1[89]|20)\d\d[-–—](?:1[89]|20)\d\d(?![\d年]))"
                     rf"[ \t\u3000]+(?=[0-9{_WIDE}])"
                     rf"|(?<=[（）。，、：；《》〈〉「」『』－—])[ \t\u3000]+(?=[0-9{_WIDE}])"
                     rf"|(?<=[0-9])[ \t\u3000]+(?=[{_WIDE}])")
_SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s)|[.!?]\d{1,3}(?=\s+[A-Z“\"‘])")
# A web copy of an English paper prints its note numbers as plain digits glued to the
# word or punctuation before them (``…in Vietnam.1 The``, ``…in 1958.12 Its``); only
# the next number in sequence counts, so a year or a decimal never does.
_GLUED_DIGITS = re.compile(r"(?<=[A-Za-z.,;:!?’”\"')\]])(\d{1,3})(?=\s|$)")
_SECTION = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})[、．.]\s*\S.{0,40}$")


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    n: int  # the number printed (circled: 1–50)
    circled: bool


def _marks(text: str, *, line_starts: bool) -> Iterator[_Mark]:
    """Every candidate marker in ``text``, in order."""
    found: list[_Mark] = []
    for m in _BRACKETED.finditer(text):
        if m["circled"]:
            found.append(_Mark(m.start(), m.end(), _CIRCLED.index(m["circled"]) + 1, True))
        elif m["sup"]:
            found.append(_Mark(m.start(), m.end(), int(m["sup"].translate(_SUPERSCRIPT)), False))
        else:
            found.append(_Mark(m.start(), m.end(), int(m["a"] or m["b"] or m["c"]), False))
    if line_starts:
        taken = {mk.start for mk in found}
        starts = list(_LINE_START.finditer(text))
        first = next((m for m in starts if m["n"] == "1"), None)
        if first is not None and first["dot"]:
            starts += [m for m in _GLUED_DOT.finditer(text) if m["dot"] == first["dot"]]
        for m in starts:
            if m.start("n") not in taken and not any(
                    mk.start <= m.start("n") < mk.end for mk in found):
                taken.add(m.start("n"))
                found.append(_Mark(m.start("n"), m.end(), int(m["n"]), False))
    return iter(sorted(found, key=lambda mk: mk.start))


def _in_sequence(marks: Iterator[_Mark]) -> list[_Mark]:
    """The markers that continue the numbering 1, 2, 3 … (circled ones may restart)."""
    chosen: list[_Mark] = []
    expected = 1
    for mark in marks:
        if mark.n == expected or (mark.circled and mark.n == 1 and chosen):
            chosen.append(mark)
            expected = mark.n + 1
    return chosen


@cache
def _trailers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What ends a note block (``[endnotes] trailers`` of ``data/layout.toml``): a line
    opening with a trailer word, and the same word right after a note's closing
    punctuation and before a colon, bracket or number (a block on one physical line:
    ``…第3期。（责任编辑：陈晓）``, never ``…。本文作者感谢…``)."""
    source = resources.files("sinosoviet_cli") / "data" / "layout.toml"
    words = tomllib.loads(source.read_text(encoding="utf-8"))["endnotes"]["trailers"]
    spaced = "|".join(r"\s*".join(re.escape(ch) for ch in word) for word in words)
    opening = r"[（(\[［【〔]?[ \t\u3000]*"
    return (re.compile(rf"^[ \t\u3000]*{opening}(?:{spaced})"),
            re.compile(rf"(?<=[。.）)」”])[ \t\u3000]*{opening}(?:{spaced})"
                       r"(?=[ \t\u3000]*[:：】\]］〕）)\[［〔©\d])"))


def _block_end(lines: list[str], head: int) -> int:
    """The index of the line that ends the note block after line ``head``: the first
    trailer line, else the text's end."""
    return next((i for i in range(head + 1, len(lines)) if ends_notes(lines[i])), len(lines))


def ends_notes(line: str) -> bool:
    """True for a line that ends an endnote block (``（责任编辑：陈晓）``, ``参考文献``…)."""
    return bool(_trailers()[0].match(line))


def _cut_trailer(zone: str, last: int) -> str:
    """The zone without a trailer glued after the last note (``…第3期。（责任编辑：陈晓）``)."""
    _, glued = _trailers()
    found = glued.search(zone, last)
    return zone[: found.start()] if found else zone


def tidy(text: str) -> str:
    """A note's text as a reader reads it: one line, web spacing artefacts removed."""
    text = re.sub(r"\s*\n\s*", " ", text.strip())
    text = _SPACED.sub("", text)
    return re.sub(r"[ \t\u3000]{2,}", " ", text).strip()


def is_notes_heading(line: str) -> bool:
    """True for a line that opens an endnote block (注释, 【注释】, Notes …)."""
    return bool(_HEADING.match(line))


def _heading_line(lines: list[str]) -> int | None:
    """The index of the last endnote heading that has notes after it."""
    for i in range(len(lines) - 1, -1, -1):
        if _HEADING.match(lines[i]) and any(line.strip() for line in lines[i + 1:]):
            return i
    return None


def _line_of(offsets: list[int], pos: int) -> int:
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def extract_endnotes(text: str) -> Paper | None:
    """The paper's endnotes, body paragraphs and markers; ``None`` where the text has
    no endnote block (no heading followed by numbered notes)."""
    text = nfc(text)
    lines = text.splitlines()
    head = _heading_line(lines)
    if head is None:
        return None
    end = _block_end(lines, head)
    zone = "\n".join(lines[head + 1: end])
    chosen = _in_sequence(_marks(zone, line_starts=True))
    if not chosen:
        return None
    zone = _cut_trailer(zone, chosen[-1].end)
    offsets = [0]
    for raw in lines[head + 1: end]:
        offsets.append(offsets[-1] + len(raw) + 1)
    body = lines[:head]
    sections, paragraphs, markers = _body(body)
    notes: list[Footnote] = []
    for i, mark in enumerate(chosen, start=1):
        stop = chosen[i].start if i < len(chosen) else len(zone)
        note_text = tidy(zone[mark.end: stop])
        line = head + 2 + _line_of(offsets, mark.start)
        notes.append(Footnote(i, note_text, None, sections.get(i), line))
    problems = tuple(
        Unparsed("footnote", note.text or "(empty)", "an empty note", note.line, note.n)
        for note in notes if not note.text)
    return Paper(tuple(notes), tuple(paragraphs), tuple(markers), problems=problems)


def _body(lines: list[str]) -> tuple[dict[int, str], list[Paragraph], list[Marker]]:
    """Paragraphs and the markers in them, numbered in reading order, with sections."""
    paragraphs: list[Paragraph] = []
    markers: list[Marker] = []
    sections: dict[int, str] = {}
    section: str | None = None
    buffer: list[str] = []
    expected = 1
    # no bracketed, circled or superscript marker 1: note numbers glued to the text
    glued = not any(mk.n == 1 for mk in _marks("\n".join(lines), line_starts=False))

    def flush() -> None:
        nonlocal expected
        if not buffer:
            return
        para = " ".join(s.strip() for s in buffer)
        buffer.clear()
        clean, start = [], 0
        marks = _glued_marks(para) if glued else _marks(para, line_starts=False)
        for mark in _in_sequence_from(marks, expected):
            sentence = sentence_before(para, mark.start)
            markers.append(Marker(expected, sentence, section, None))
            if section:
                sections[expected] = section
            clean.append(para[start: mark.start])
            start = mark.end
            expected += 1
        clean.append(para[start:])
        paragraphs.append(Paragraph(tidy("".join(clean)), section, None))

    for line in lines:
        heading = _SECTION.match(line)
        if heading:
            flush()
            section = heading.group(1)
        elif not line.strip():
            flush()
        else:
            buffer.append(line)
    flush()
    return sections, paragraphs, markers


def _glued_marks(text: str) -> Iterator[_Mark]:
    return (_Mark(m.start(), m.end(), int(m.group(1)), False)
            for m in _GLUED_DIGITS.finditer(text))


def _in_sequence_from(marks: Iterator[_Mark], expected: int) -> list[_Mark]:
    chosen: list[_Mark] = []
    for mark in marks:
        if mark.n == expected + len(chosen) or (mark.circled and mark.n == 1):
            chosen.append(mark)
    return chosen


def sentence_before(text: str, pos: int) -> str:
    """The sentence a marker at ``pos`` closes (a bracketed marker inside it left out);
    the body readers of every form call this one."""
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, max(pos - 1, 0))]
    start = starts[-1] if starts else 0
    return tidy(_BRACKETED.sub("", text[start:pos]))
