"""A PDF page's rows laid out: column gutters, frames in reading order (full-width
blocks, then a two-column block's left and right columns), and where each frame's notes
start (below a footnote rule, or trailing smaller type). Part of ``paper.pdf``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sinosoviet_cli.paper.pdf import _PageData, _Row


def _segments(row: _Row) -> list[tuple[float, float]]:
    chars = sorted((c for c in row.chars if c.text.strip()), key=lambda c: c.x0)
    spans: list[tuple[float, float]] = []
    for c in chars:
        if spans and c.x0 - spans[-1][1] <= 1.5 * row.size:
            spans[-1] = (spans[-1][0], max(spans[-1][1], c.x1))
        else:
            spans.append((c.x0, c.x1))
    return spans


def _gutter(rows: list[_Row], width: float, body: float, least: int = 1) -> float | None:
    """The x of a column gutter: the middle of the widest band crossed by fewest
    body-text rows (notes in smaller type may run across the page under two columns),
    with rows of text on both sides of it (at least ``least`` on the shorter side)."""
    spans = [_segments(row) for row in rows if row.size >= 0.9 * body]
    scores: list[tuple[int, float]] = []
    x = width * 0.3
    while x <= width * 0.7:
        crossing = sum(1 for s in spans if any(a < x < b for a, b in s))
        left = sum(1 for s in spans if s and s[0][0] < x and not any(a < x < b for a, b in s))
        right = sum(1 for s in spans if s and s[-1][1] > x and not any(a < x < b for a, b in s))
        sides = min(left, right)  # a last column may hold a single line
        if max(left, right) >= 3 and sides >= least and crossing <= sides // 6:
            scores.append((crossing, x))
        x += 2.0
    return _widest_band(scores)


def _widest_band(scores: list[tuple[int, float]]) -> float | None:
    """The middle of the widest run of neighbouring x positions crossed by fewest rows:
    the gutter's centre, not its edge (a note line may reach the edge)."""
    if not scores:
        return None
    fewest = min(c for c, _ in scores)
    bands: list[list[float]] = []
    for crossing, x in scores:
        if crossing != fewest:
            continue
        if bands and x - bands[-1][-1] <= 2.5:
            bands[-1].append(x)
        else:
            bands.append([x])
    widest = max(bands, key=len)
    return (widest[0] + widest[-1]) / 2


def frames(rows: list[_Row], width: float, body: float) -> list[list[_Row]]:
    """The page's rows as frames in reading order: full-width blocks, and within a
    two-column block the left column, then the right."""
    # Columns of smaller type only (endnotes set in two columns) have a gutter too,
    # crossed by no row at all, with several rows on each side.
    gutter = _gutter(rows, width, body) or _gutter(rows, width, 0.0, least=6)
    if gutter is None:
        return [rows]
    frames: list[list[_Row]] = []
    left: list[_Row] = []
    right: list[_Row] = []
    spanning: list[_Row] = []

    def flush_columns() -> None:
        frames.extend(f for f in (left[:], right[:]) if f)
        left.clear()
        right.clear()

    for row in rows:
        if any(a < gutter < b for a, b in _segments(row)):
            flush_columns()
            spanning.append(row)
            continue
        if spanning:
            frames.append(spanning[:])
            spanning.clear()
        parts = (
            [c for c in row.chars if c.x1 <= gutter],
            [c for c in row.chars if c.x1 > gutter],
        )
        for target, chars in zip((left, right), parts, strict=True):
            if any(c.text.strip() for c in chars):
                target.append(type(row)(row.base, row.size, chars))
    flush_columns()
    if spanning:
        frames.append(spanning)
    return frames


def note_start(
    frame: list[_Row], page: _PageData, body: float, follows: bool
) -> int:
    """Index of the first note row of a frame: below a short rule (under its text, or
    just above a frame that ``follows`` another, e.g. notes across two columns), or else
    the trailing rows in smaller type; ``len(frame)`` when there are none."""
    if not frame:
        return 0
    left, right = min(r.x0 for r in frame), max(r.x1 for r in frame)
    for x0, x1, y in page.rules:  # a short rule starting at the frame's left edge
        if left - 3 * body <= x0 <= (left + right) / 2 and x1 - x0 < 0.6 * page.width:
            below = [i for i, row in enumerate(frame) if row.base < y]
            if below and (below[0] > 0 or (follows and y - frame[0].base < 3 * frame[0].size)):
                return below[0]
    start = len(frame)
    while start > 0 and frame[start - 1].size < 0.9 * body:
        start -= 1
    return start if start > 0 or follows else len(frame)


def note_lefts(rows: list[_Row]) -> dict[int, float]:
    """The left edge of the notes each note row belongs to (by ``id``): the leftmost
    note row of the page that shares some of its width. Notes set across the page
    fall into several frames (a short line fits beside the gutter), so a frame of
    note lines that all open indented would not show their indentation; notes under
    each column keep their column's edge."""
    return {id(row): min(r.x0 for r in rows if r.x0 <= row.x1 and r.x1 >= row.x0)
            for row in rows}
