"""Emphasis as a title mark: in a Chicago note an italic span is the title of a book or a
journal (CMOS 14.94, 14.170), as 《》 is in a Chinese note. Markdown papers keep their
``*…*`` / ``_…_`` marks in the note text; the grammar reads them here.

Two views of one string, always the same length (segment offsets stay valid):

- :func:`encode` — the marks become OPEN/CLOSE characters, for the grammars that take an
  emphasised span as a title (``sino``, ``latin``: :func:`span_at`);
- :func:`plain` — the marks become spaces, so every other grammar reads the words as if
  they had never been emphasised.

Pandoc's rules, simplified: a run of one to three ``*`` or ``_`` opens when a non-space
follows it and closes when a non-space precedes it; an ``_`` inside a word (snake_case)
is literal; an unmatched run is literal.
"""

from __future__ import annotations

import re
from functools import lru_cache

_RUN = re.compile(r"(?<!\\)(?:\*{1,3}|_{1,3})")


@lru_cache(maxsize=4096)
def _pairs(text: str) -> tuple[tuple[int, int, int, int], ...]:
    """Matched mark runs: (opening start, opening end, closing start, closing end)."""
    if "*" not in text and "_" not in text:
        return ()
    opened: list[tuple[str, int, int]] = []  # (run, start, end)
    found: list[tuple[int, int, int, int]] = []
    for m in _RUN.finditer(text):
        run, a, b = m.group(0), m.start(), m.end()
        before = text[a - 1] if a else " "
        after = text[b] if b < len(text) else " "
        if run[0] == "_" and before.isalnum() and after.isalnum():
            continue  # snake_case
        match = next((k for k in range(len(opened) - 1, -1, -1) if opened[k][0] == run), -1)
        if not before.isspace() and match >= 0:
            _, oa, ob = opened[match]
            del opened[match:]
            found.append((oa, ob, a, b))
        elif not after.isspace():
            opened.append((run, a, b))
    return tuple(sorted(found))


#: The marks of an emphasised span once encoded (see :func:`encode`): control characters
#: no reader leaves in a note, so a slice of the text still knows which mark opens.
OPEN, CLOSE = "\x02", "\x03"
_CODED = re.compile("[\x02\x03]")
_SPAN = re.compile("\x02+([^\x02\x03]*)\x03+")


def encode(text: str) -> str:
    """``text`` with each matched mark run as OPEN or CLOSE characters (same length);
    literal ``*`` and ``_`` (``2 * 3``, snake_case) stay as they are."""
    pairs = _pairs(text)
    if not pairs:
        return text
    chars = list(text)
    for oa, ob, ca, cb in pairs:
        chars[oa:ob] = OPEN * (ob - oa)
        chars[ca:cb] = CLOSE * (cb - ca)
    return "".join(chars)


def plain(coded: str) -> str:
    """Encoded text with its marks as spaces: the words as if never emphasised."""
    return _CODED.sub(" ", coded) if OPEN in coded or CLOSE in coded else coded


def span_at(coded: str, pos: int) -> tuple[int, int] | None:
    """The emphasised span opening at ``pos`` of encoded text (spaces skipped):
    (content start, end after the closing marks); None if no span opens there."""
    while pos < len(coded) and coded[pos].isspace():
        pos += 1
    while pos and coded[pos - 1] == OPEN:  # a reader that skipped the marks as spaces
        pos -= 1
    m = _SPAN.match(coded, pos)
    return (m.start(1), m.end()) if m else None


def spans(coded: str) -> list[tuple[int, int]]:
    """Every emphasised span of encoded text: (content start, end after the closing marks)."""
    return [(m.start(1), m.end()) for m in _SPAN.finditer(coded)] if OPEN in coded else []


def strip_marks(text: str) -> str:
    """``text`` (raw or encoded) without its emphasis marks: a value is stored unmarked."""
    return _CODED.sub("", encode(text))
