"""Section ids: how a paper's heading and a school model's ``[sections]`` name the same
section (the one rule both sides use)."""

from __future__ import annotations

import re
from functools import cache

# A heading's own number: 二、 / 2. / 2 / II. / 第二節 — the section id a model names.
_NUMBERED = (
    r"^\s*(?:第\s*(?P<ordinal>[一二三四五六七八九十\d]{1,3})\s*[章節节部分]"
    r"|(?P<zh>[一二三四五六七八九十]{1,3})\s*[、．.]"
    r"|(?P<num>\d{1,2})(?:\.(?!\d)|\s)"
    r"|(?P<roman>[IVX]{1,5})\.\s)")

_BARE = r"[一二三四五六七八九十]{1,3}|\d{1,2}|[IVXivx]{1,5}"


@cache  # a paper has a handful of sections, asked for once per sentence
def section_id(heading: str) -> str:
    """The id of a section: the heading's number if it has one (``二、冷戰`` → 二,
    ``2. The Leap`` → 2, ``II. The Leap`` → II, ``第三節`` → 三), else its text case-
    and space-folded without closing punctuation (``The Famine:`` → ``the famine``)."""
    # Patterns compiled at first use (re's cache): `list` imports this and never calls it.
    m = re.match(_NUMBERED, heading)
    if m:
        return next(g for g in m.groups() if g)
    if re.fullmatch(_BARE, heading.strip()):  # a model's key: 二, 2, II
        return heading.strip().upper()
    return " ".join(heading.split()).rstrip(".:：。").casefold()
