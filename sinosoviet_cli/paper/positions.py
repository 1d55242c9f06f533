"""What every draft reader shares: a note's text built up with its source positions,
offsets turned into lines and columns, and spans blanked out so that offsets stay valid."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cache

from sinosoviet_cli.paper.draft_types import DraftNote, KeyCite


class SourceText:
    """Accumulates a note's text together with its source positions."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.breaks: list[tuple[int, int, int]] = []
        self._next: tuple[int, int] | None = None  # where a contiguous run would continue

    def add(self, text: str, line: int, column: int) -> None:
        if not text:
            return
        if self._next != (line, column):
            self.breaks.append((self.length, line, column))
        self.parts.append(text)
        self.length += len(text)
        self._next = (line, column + len(text)) if "\n" not in text else None

    def add_source(self, source: str, start: int, end: int, lines: Lines) -> None:
        """Add ``source[start:end]`` one source line at a time."""
        pos = start
        while pos < end:
            nl = source.find("\n", pos, end)
            stop = end if nl < 0 else nl
            if pos > start:  # continuation lines: their indentation is layout, not text
                while pos < stop and source[pos] in " \t\u3000":
                    pos += 1
            line, column = lines.at(pos)
            self.add(source[pos:stop], line, column)
            if nl < 0:
                break
            self.add(" ", line, column + (stop - pos))  # a line break reads as a space
            pos = nl + 1

    def add_raw(self, source: str, start: int, end: int, lines: Lines) -> None:
        """Add ``source[start:end]`` as it is, each line break read as a space."""
        pos = start
        while pos < end:
            nl = source.find("\n", pos, end)
            stop = end if nl < 0 else nl
            self.add(source[pos:stop], *lines.at(pos))
            if nl < 0:
                break
            self.add(" ", *lines.at(nl))
            pos = nl + 1

    def without(self, offsets: Iterable[int]) -> SourceText:
        """The text with the characters at ``offsets`` (sorted) left out, every other
        character keeping its source position."""
        value = self.value()
        gone = list(offsets)
        if not gone:
            return self
        clean = SourceText()
        kept = 0
        for stop in [*gone, len(value)]:
            self._copy(value, kept, stop, clean)
            kept = stop + 1
        return clean

    def _copy(self, value: str, start: int, end: int, into: SourceText) -> None:
        """Add ``value[start:end]`` to ``into``, run by run of the source."""
        if start >= end:
            return
        bi = bisect.bisect_right(self.breaks, (start, 1 << 62, 0)) - 1
        pos = start
        while pos < end:
            run_start, line, column = self.breaks[bi]
            run_end = self.breaks[bi + 1][0] if bi + 1 < len(self.breaks) else len(value)
            stop = min(end, run_end)
            into.add(value[pos:stop], line, column + (pos - run_start))
            pos = stop
            bi += 1

    def value(self) -> str:
        return "".join(self.parts)


class Lines:
    """Offset → (line, column), both 1-based."""

    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def make_note(n: int | None, built: SourceText, keys: list[KeyCite], line: int,
              column: int) -> DraftNote:
    """The note built so far, stripped, its breaks shifted to match."""
    raw = built.value()
    # Strip, shifting the breaks so that offsets still point at the same characters.
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    breaks = []
    for offset, bl, bc in built.breaks:
        if offset < lead:  # the run starts in the stripped whitespace
            bc += lead - offset
            offset = lead
        if offset - lead <= len(text):
            breaks.append((offset - lead, bl, bc))
    # Two breaks at the same offset after the shift: keep the last.
    dedup: dict[int, tuple[int, int, int]] = {b[0]: b for b in breaks}
    ordered = tuple(sorted(dedup.values()))
    if ordered:
        line, column = ordered[0][1], ordered[0][2]
    return DraftNote(n, text, line, column, tuple(keys), ordered)


def inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` falls in one of ``spans`` (sorted, not overlapping)."""
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def blank(source: str, start: int, end: int) -> str:
    """Replace a span by spaces (newlines kept), so offsets elsewhere stay valid."""
    return blank_all(source, [(start, end)])


def blank_all(source: str, spans: Iterable[tuple[int, int]]) -> str:
    """:func:`_blank` for many spans in one pass (drafts have thousands of notes)."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts += [source[pos:start], _spaces(source[start:end])]
        pos = end
    parts.append(source[pos:])
    return "".join(parts)


def _spaces(text: str) -> str:
    """Every character but a newline as a space (sized by lines, not char by char)."""
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(line) for line in text.split("\n"))


def balanced_end(text: str, open_at: int, opener: str, closer: str) -> int:
    """Offset just after the bracket matching ``text[open_at]``, or -1."""
    depth = 0
    for m in _brackets(opener, closer).finditer(text, open_at):  # the brackets only
        if m.group() == opener:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


@cache
def _brackets(opener: str, closer: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(opener + closer)}]")
