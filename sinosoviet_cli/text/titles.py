"""Titles: the one subtitle rule and the one short-title rule.

A subtitle follows a colon (``：`` or ``:``) or a dash used as a separator (``—``,
``─``, ``――``, a spaced ``--``/``–``). A dash between digits is a range
(``1949--1979``, ``1800–1949``), never a subtitle separator, so ``Sino-Russian
Relations, 1800--1949`` and ``1949--1979 …`` keep their years.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sinosoviet_cli.text.normalize import has_cjk

# Candidates only: _separators() drops ranges and unspaced dashes inside Latin words.
_SEPARATOR = re.compile(r"\s*[:：]\s*|\s*(?:[—―─－]+|--|–)\s*")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _separators(title: str) -> list[re.Match[str]]:
    found = []
    for m in _SEPARATOR.finditer(title):
        text = m.group(0).strip()
        if text in (":", "："):
            found.append(m)
            continue
        before, after = title[: m.start()], title[m.end():]
        if before[-1:].isdigit() and after[:1].isdigit():
            continue  # a range: 1949--1979
        if text in ("--", "–") and not (m.group(0).startswith(" ") or has_cjk(before[-1:])):
            continue  # an unspaced en dash inside Latin words: Sino–Soviet
        if before.strip():
            found.append(m)
    return found


def split_title(title: str) -> tuple[str, str]:
    """(main title, subtitle); the subtitle is empty where there is none."""
    title = title.strip()
    seps = _separators(title)
    if not seps:
        return title, ""
    m = seps[0]
    return title[: m.start()].strip(), title[m.end():].strip()


def main_title(title: str) -> str:
    """The title before its subtitle."""
    return split_title(title)[0] or title.strip()


def title_parts(title: str) -> tuple[str, ...]:
    """The whole title, then each part between subtitle separators (for matching a
    short form that uses any of them)."""
    title = title.strip()
    pieces, start = [], 0
    for m in _separators(title):
        pieces.append(title[start: m.start()].strip())
        start = m.end()
    pieces.append(title[start:].strip())
    return (title, *(p for p in pieces if p and p != title))


def without_article(title: str) -> str:
    """``The Sino-Soviet Split`` → ``Sino-Soviet Split`` (short forms drop it)."""
    return _LEADING_ARTICLE.sub("", title.strip())


def full_title(fields: Mapping[str, str], main: str = "title", sub: str = "subtitle") -> str:
    """The title with its ``subtitle`` field joined as the title's script wants."""
    title, subtitle = fields.get(main, "").strip(), fields.get(sub, "").strip()
    if not subtitle:
        return title
    return title + ("：" if has_cjk(title) else ": ") + subtitle


def short_title(fields: Mapping[str, str], main: str = "title", sub: str = "subtitle") -> str:
    """The short title a work is cited by: its ``shorttitle`` field, else the main title
    (a ``subtitle`` field, or the part before the first separator)."""
    given = fields.get("short" + main, "").strip()
    if given:
        return given
    title = fields.get(main, "").strip()
    if fields.get(sub, "").strip():
        return title
    return main_title(title)
