"""What ``check`` could not read: text of a note that looks like a citation (an imprint
in brackets, a title in 《》 with a page after it) but that the citation grammar left
as prose. Reported so that a silent pass never hides an unchecked citation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sinosoviet_cli.checks.analysis import IMPRINT, Analysis
from sinosoviet_cli.checks.findings import Finding
from sinosoviet_cli.checks.fold import short as _short
from sinosoviet_cli.checks.registry import RULES
from sinosoviet_cli.grammar.emphasis import strip_marks

_TITLE_AND_PAGE = re.compile(r"[《〈][^《》〈〉]{2,}[》〉]\s*[，,]?\s*(?:頁|页|第|pp?\.)?\s*\d")


@dataclass(frozen=True, slots=True)
class Unread:
    """A stretch of a note that looks like a citation the grammar did not read."""

    note: int  # index in reading order
    offset: int
    text: str
    whole_note: bool  # no citation at all was read in the note


def _looks_cited(text: str) -> bool:
    return bool(IMPRINT.search(text) or _TITLE_AND_PAGE.search(text))


#: The last analysis read, and what was found: the rule and the summary's counts both
#: ask (one draft per run; a new analysis replaces it).
_LAST: list[tuple[Analysis, tuple[Unread, ...]]] = []


def unread(a: Analysis) -> tuple[Unread, ...]:
    """Every stretch of every note left unread that looks like a citation."""
    if _LAST and _LAST[0][0] is a:
        return _LAST[0][1]
    found = _unread(a)
    _LAST[:] = [(a, found)]
    return found


def _unread(a: Analysis) -> tuple[Unread, ...]:
    found: list[Unread] = []
    for i, note in enumerate(a.draft.notes):
        cites = [c for c in a.by_note.get(i, ()) if not c.keyed]
        if not note.text:
            continue
        gaps, at = [], 0
        for c in sorted(cites, key=lambda c: c.start):
            gaps.append((at, note.text[at:c.start]))
            at = max(at, c.start + len(c.text))
        gaps.append((at, note.text[at:]))
        for offset, gap in gaps:
            if _looks_cited(gap):
                lead = len(gap) - len(gap.lstrip())
                found.append(Unread(i, offset + lead, strip_marks(gap.strip()),
                                    not a.by_note.get(i)))
    return tuple(found)


def unread_note(a: Analysis) -> Iterator[Finding]:
    rule = RULES["unread-note"]
    for u in unread(a):
        note = a.draft.notes[u.note]
        line, column = note.where(u.offset)
        what = (f"no citation could be read in this note ('{_short(u.text)}'): nothing in "
                "it is checked" if u.whole_note else
                f"'{_short(u.text)}' was not read as part of a citation: what it prints "
                "(place, publisher, year) is not checked")
        yield Finding(a.draft.path, line, column, "unread-note", rule.severity, what,
                      note.n, "", rule.fix)
