"""BibTeX value escaping: plain text ↔ a value LaTeX, biber and pandoc read back alike.

Lives with BibTeX writing (not with resolution) so that every writer of values escapes
the same way; ``link.resolve`` re-exports both names for older callers.
"""

from __future__ import annotations

import re

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "#": r"\#",
            "&": r"\&", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}"}
_SPECIAL_RE = re.compile(r"[\\{}%#&$_~^]")
# biber's parser counts braces even after a backslash, so a lone brace is spelled out.
_LONE_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


def escape(text: str) -> str:
    """Plain text → a BibTeX value that LaTeX, biber and pandoc read back as the text.
    Paired braces become ``\\{ \\}`` (pandoc reads those); unpaired ones, which would
    break biber's brace counting, ``\\textbraceleft{}``."""
    table = _SPECIAL if _balanced_braces(text) else {**_SPECIAL, **_LONE_BRACE}
    return _SPECIAL_RE.sub(lambda m: table[m.group(0)], text)


def _balanced_braces(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


_UNESCAPE = {v: k for table in (_SPECIAL, _LONE_BRACE) for k, v in table.items()}
_UNESCAPE_RE = re.compile("|".join(re.escape(v) for v in sorted(_UNESCAPE, key=len,
                                                                 reverse=True)))


def unescape(value: str) -> str:
    """Inverse of ``escape`` (for display of values read from a .bib)."""
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group(0)], value)
