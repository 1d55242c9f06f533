"""Output formats (W10): citeproc-py formatters per format and the escaping applied
to data before citeproc sees it (citeproc-py does not escape HTML).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any


def _markdown_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def _md_wrap(mark: str) -> Callable[[Any], str]:
    def wrap(text: Any) -> str:
        s = str(text)
        return f"{mark}{s}{mark}" if s.strip() else s

    return wrap


def _identity(text: Any) -> str:
    return str(text)


def _formatter(fmt: str) -> Any:
    from citeproc import formatter

    if fmt == "html":
        return formatter.html
    if fmt == "markdown":
        return SimpleNamespace(
            preformat=_markdown_escape, Italic=_md_wrap("*"), Oblique=_md_wrap("*"),
            Bold=_md_wrap("**"), Light=_identity, Underline=_identity,
            Superscript=_md_wrap("^"), Subscript=_md_wrap("~"), SmallCaps=_identity,
        )
    return formatter.plain


def _escaper(fmt: str) -> Callable[[str], str]:
    if fmt == "html":
        return lambda s: html.escape(s, quote=False)
    if fmt == "markdown":
        return _markdown_escape
    return lambda s: s

