"""Plain-text drafts: the paper's page layout, or notes numbered at the end."""

from __future__ import annotations

import re

from sinosoviet_cli.paper.draft_types import Draft, DraftFormat, DraftNote
from sinosoviet_cli.paper.positions import Lines, SourceText, make_note


def read_plain(source: str, path: str = "<string>") -> Draft:
    """Plain text laid out like the paper (footnotes under a rule at page bottoms): the
    footnotes come from ``footnotes.extract``; positions are found back in the source."""
    from sinosoviet_cli.paper.footnotes import extract

    paper = extract(source)
    if not paper.footnotes:
        return Draft(path, DraftFormat.PLAIN, _numbered_notes(source))
    split = source.split("\n")
    lines = Lines(source)
    notes = [_locate(f.n, f.text, max(f.line, 1), split, lines) for f in paper.footnotes]
    return Draft(path, DraftFormat.PLAIN, tuple(notes), problems=paper.problems)


_NUMBERED = re.compile(r"^[ \t\u3000]*[\[［(（]?(\d{1,4})[\]］)）.．、:：]?[ \t\u3000]*(?=\S)")


def _numbered_notes(source: str) -> tuple[DraftNote, ...]:
    """The simplest plain layout, notes at the end: lines starting with the next note
    number (``1 …``, ``[2] …``, ``3. …``), continued by the lines that follow."""
    notes: list[DraftNote] = []
    built: SourceText | None = None
    n = 0
    expected = 1
    for number, raw in enumerate(source.split("\n"), start=1):
        m = _NUMBERED.match(raw)
        if m and int(m.group(1)) == expected:
            if built is not None:
                notes.append(make_note(n, built, [], 0, 0))
            built, n = SourceText(), expected
            expected += 1
            built.add(raw[m.end() :].rstrip(), number, m.end() + 1)
        elif built is not None and raw.strip():
            value = built.value()
            start = len(raw) - len(raw.lstrip())
            if value and value[-1].isascii() and raw.strip()[0].isascii():  # Latin words
                built.add(" ", number, start)
            built.add(raw.strip(), number, start + 1)
    if built is not None:
        notes.append(make_note(n, built, [], 0, 0))
    return tuple(notes)


def _locate(n: int, text: str, first: int, split: list[str], lines: Lines) -> DraftNote:
    """Align a joined footnote text with the source lines from ``first`` on, recording
    where each source line's piece starts. Lines that do not align (page headers
    between the parts of a note) are skipped."""
    breaks: list[tuple[int, int, int]] = []
    pos = 0
    line_no = first
    misses = 0
    while pos < len(text) and line_no <= len(split) and misses < 40:
        raw = split[line_no - 1]
        stripped = raw.strip()
        found = -1
        if stripped:
            for probe in (stripped, re.sub(r"^\d+\s*", "", stripped)):
                if probe:
                    k = text.find(probe[: max(8, min(len(probe), 30))], pos, pos + len(probe) + 8)
                    if k >= 0:
                        found, stripped = k, probe
                        break
        if found >= 0:
            column = raw.find(stripped) + 1
            breaks.append((found, line_no, column))
            pos = found + len(stripped)
            misses = 0
        else:
            misses += 1 if stripped else 0
        line_no += 1
    if not breaks:
        breaks.append((0, first, 1))
    return DraftNote(n, text, breaks[0][1], breaks[0][2], (), tuple(breaks))

