"""Years: the one year pattern and its readers.

A year is four digits from 1500 to 2099 not inside a longer number; Chinese numerals
(一九五八年) are read as digits first (``arabic_years``)."""

from __future__ import annotations

import re

#: The pattern of one year, for building larger patterns (no groups).
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR_RE = re.compile(rf"(?<!\d)({YEAR})(?!\d)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年|\s*$|\s*[，,）)])")


def years_in(text: str) -> tuple[str, ...]:
    """Every year printed in ``text``, in order (``1991、1993`` → both)."""
    return tuple(_YEAR_RE.findall(text))


def first_year(text: str) -> int | None:
    """The first year in ``text`` (a ``year`` or ``date`` field, a printed imprint)."""
    found = _YEAR_RE.search(text)
    return int(found.group(1)) if found else None


def arabic_years(text: str) -> str:
    """``一九五八年`` → ``1958年``: years printed in Chinese numerals as digits."""
    return _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)
