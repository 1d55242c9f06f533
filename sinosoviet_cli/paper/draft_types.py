"""The value every draft reader returns: a :class:`Draft` of :class:`DraftNote` in
reading order, each knowing where its characters came from in the source."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum

from sinosoviet_cli.model import Unparsed


class DraftFormat(StrEnum):
    MARKDOWN = "markdown"
    LATEX = "latex"
    PLAIN = "plain"
    DOCX = "docx"



@dataclass(frozen=True, slots=True)
class KeyCite:
    """A citation by bibliography key: ``[see @key, p. 12]`` or ``\\cite[12]{key}``."""

    key: str
    line: int
    column: int
    prefix: str = ""
    locator: str = ""


@dataclass(frozen=True, slots=True)
class DraftNote:
    """One note in reading order. ``n`` is the footnote number (``None`` for a key
    citation in the body). ``breaks`` maps text offsets back to the source: each
    ``(offset, line, column)`` starts a run of characters on one source line."""

    n: int | None
    text: str
    line: int
    column: int
    keys: tuple[KeyCite, ...] = ()
    breaks: tuple[tuple[int, int, int], ...] = ()

    def where(self, offset: int) -> tuple[int, int]:
        """Line and column of ``text[offset]`` in the draft."""
        if not self.breaks:
            return self.line, self.column
        i = bisect.bisect_right(self.breaks, (offset, 1 << 62, 0)) - 1
        start, line, column = self.breaks[max(i, 0)]
        return line, column + max(offset - start, 0)


@dataclass(frozen=True, slots=True)
class Draft:
    path: str
    format: DraftFormat
    notes: tuple[DraftNote, ...]
    bibliographies: tuple[str, ...] = ()  # named by the draft itself (YAML, \addbibresource)
    nocite_all: bool = False  # ``\nocite{*}`` / ``nocite: '@*'``: every entry is used
    problems: tuple[Unparsed, ...] = field(default=())
