"""The body of a marked-up paper (Markdown, LaTeX, Word): its paragraphs, its sections and
the sentence each note marker closes, as the PDF and plain-text readers give them, so
that school tagging finds its evidence (a claim naming the author, a school's cue, the
section presenting a school) in any form of the paper.

A reader hands over the source with note contents blanked out (offsets kept), where
each note's marker stands, and how it recognises a heading line and cleans a run of
text; :func:`assemble` does the rest.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sinosoviet_cli.model import Marker, Paragraph
from sinosoviet_cli.paper.endnotes import sentence_before, tidy
from sinosoviet_cli.text.normalize import CJK_CHAR
from sinosoviet_cli.text.sections import section_id


@dataclass(frozen=True, slots=True)
class Body:
    """What the body gives school tagging (``Paper``'s fields of the same names)."""

    paragraphs: tuple[Paragraph, ...] = ()
    markers: tuple[Marker, ...] = ()
    headings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    note_sections: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))


def assemble(text: str, markers: Iterable[tuple[int, int]],
             heading: Callable[[str], str | None], clean: Callable[[str], str]) -> Body:
    """Paragraphs (blank-line separated), sections and markers of ``text``.

    ``markers`` are (offset, note number) pairs, the first marker of each note;
    ``heading(line)`` returns a heading line's title (``None`` for other lines);
    ``clean(run)`` turns a run of source text between markers into reading text."""
    at = sorted(markers)
    paragraphs: list[Paragraph] = []
    found: list[Marker] = []
    headings: dict[str, str] = {}
    note_sections: dict[int, str] = {}
    section: str | None = None
    lines: list[tuple[int, str]] = []
    seen: set[int] = set()

    def flush() -> None:
        if not lines:
            return
        start, end = lines[0][0], lines[-1][0] + len(lines[-1][1])
        pieces: list[str] = []
        mine: list[Marker] = []  # this paragraph's
        pos = start
        for offset, n in at[bisect.bisect_left(at, (start, -1)):]:
            if offset > end:
                break
            if n in seen:
                continue
            piece = clean(_joined(text[pos:offset]))
            pieces.append(piece)
            seen.add(n)
            para = "".join(pieces)
            sentence = sentence_before(para, len(para))
            if not sentence and not piece.strip() and mine:  # [^2][^3]: the same sentence
                sentence = mine[-1].sentence
            mine.append(Marker(n, sentence, section, None))
            if section is not None:
                note_sections[n] = section
            pos = offset
        found.extend(mine)
        pieces.append(clean(_joined(text[pos:end])))
        para = tidy("".join(pieces))
        if para:
            paragraphs.append(Paragraph(para, section, None))
        lines.clear()

    offset = 0
    for line in text.split("\n"):
        title = heading(line)
        if title is not None:
            flush()
            section = section_id(title)
            headings.setdefault(section, title)
        elif not line.strip():
            flush()
        else:
            lines.append((offset, line))
        offset += len(line) + 1
    flush()
    return Body(tuple(paragraphs), tuple(found), MappingProxyType(headings),
                MappingProxyType(note_sections))


def _joined(run: str) -> str:
    """Source lines joined as read: a line break between two Han characters is no space."""
    def join(m: re.Match[str]) -> str:
        before, after = m.group(1) or "", m.group(2) or ""
        return before + ("" if before and after else " ") + after

    return _BREAK.sub(join, run)


_BREAK = re.compile(rf"({CJK_CHAR}|[，。、；：！？」』）》〉])?[ \t]*\n[ \t]*({CJK_CHAR})?")

