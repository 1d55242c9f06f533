"""Pages: the one reader of page locators.

Printed forms: ``pp. 12-15``, ``p. 7``, ``頁12``, ``第85－87页``, ``12—15頁``,
``第3版`` (a newspaper page), ``xii``, ``12n3``, lists ``12、15``. Stored form: BibTeX's
``12--15`` (ranges with ``--``, an abbreviated second number completed: ``390–95`` →
``390--395``; lists with ``, ``)."""

from __future__ import annotations

import re

from sinosoviet_cli.text.years import YEAR

#: Dashes a printed range may use (ASCII, en/em, full-width, box-drawing, tilde).
DASHES = "-–—―－─~～‐‑━"
_D = re.escape(DASHES)
_PREFIX = re.compile(r"^(?:pp?\.?|頁|页|第|版)\s*")
_SUFFIX = re.compile(r"\s*(?:頁|页|版)$")
_RANGE = re.compile(rf"\s*[{_D}]+\s*")
_LIST = re.compile(r"\s*[、,，]\s*")
_NUMBER = r"[0-9ivxlcIVXLC]+(?:n\d+)?"
_PAGES = re.compile(
    r"^(?:(?:pp?\.|頁|页|版)\s*)?(?:第\s*)?"
    rf"{_NUMBER}(?:\s*[{_D}]+\s*{_NUMBER})?"
    rf"(?:\s*[、,，]\s*[0-9]+(?:\s*[{_D}]+\s*[0-9]+)?)*"
    r"\s*(?:頁|页|版)?\s*$"
)
_YEARS_ONLY = re.compile(rf"{YEAR}(?:\s*[{_D}]+\s*{YEAR})?")


def normalize_pages(text: str) -> str:
    """A printed locator as stored: prefixes and units dropped, ``--`` ranges."""
    text = text.strip().strip("。.．,，;；")
    text = _SUFFIX.sub("", _PREFIX.sub("", text))
    text = _RANGE.sub("--", text)
    return _SHORT_RANGE.sub(_expand, _LIST.sub(", ", text).strip())


_SHORT_RANGE = re.compile(r"(?<![\d.])(\d+)--(\d+)(?![\d.])")


def _expand(m: re.Match[str]) -> str:
    """CMOS 9.61 abbreviates a range's second number (``390–95``); stored in full
    (``390--395``) so that the range reads alone. A second number that is already full,
    or that would not exceed the first once completed, is left as printed."""
    first, last = m.group(1), m.group(2)
    if len(last) >= len(first):
        return m.group(0)
    full = first[: len(first) - len(last)] + last
    return f"{first}--{full}" if int(full) > int(first) else m.group(0)


def is_pages(text: str) -> bool:
    """True where ``text`` is a page locator and nothing else. A bare year or a span
    of years (``1999``, ``1956-1961``) is not."""
    text = text.strip().strip("。.．")
    return bool(_PAGES.match(text)) and not _YEARS_ONLY.fullmatch(text)


def printed_range(pages: str) -> str:
    """A stored locator for display: ``12--15`` → ``12-15``, spaces removed."""
    return re.sub(rf"\s|[{_D}]+", "-", pages.strip())
