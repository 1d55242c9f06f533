"""Text normalisation: NFC for stored text, and folded *matching keys* for comparison.

Stored text is only ever NFC-normalised: the extracted paper is full of CJK
compatibility ideographs (U+F900-FAFF) that look like ordinary ones but compare
unequal. Matching keys additionally fold width, Traditional/Simplified, punctuation
variants and whitespace; they are for comparing, never for storing or printing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3040-\u30ff\u3100-\u312f"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
CJK_CHAR = f"[{_CJK}]"
# The first code point of any CJK range above: text whose largest character is below
# it has no CJK, decided without the regexes.
_CJK_FIRST = "\u2e80"
# CJK punctuation (full-width forms and brackets) joins without spaces too.
_CJK_OR_PUNCT_CHAR = f"[{_CJK}\u3000-\u303f\uff00-\uffef\u2014\u2015\u2500\u2027]"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """The patterns of this module are compiled on first use, not at import: their
    astral-plane classes cost milliseconds every start-up of commands (list, show)
    that may never need them."""
    return re.compile(pattern)


def nfc(text: str) -> str:
    """NFC-normalise: maps compatibility ideographs (李 U+F9E1) to unified ones."""
    return unicodedata.normalize("NFC", text)


def is_cjk(char: str) -> bool:
    return char[:1] >= _CJK_FIRST and _compiled(CJK_CHAR).match(char) is not None


def has_cjk(text: str) -> bool:
    return bool(text) and max(text) >= _CJK_FIRST \
        and _compiled(CJK_CHAR).search(text) is not None


def has_kana(text: str) -> bool:
    """Hiragana or katakana betray Japanese (kanji alone do not)."""
    return bool(text) and max(text) >= "\u3040" \
        and _compiled("[\u3040-\u30ff]").search(text) is not None


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines as a reader would: nothing between two CJK characters (or
    CJK punctuation), one space between Latin words. Hyphenated Latin line breaks are
    kept as they are, since a PDF's hyphen may be real (``Sino-``/``Soviet``)."""
    out = ""
    joins = _compiled(_CJK_OR_PUNCT_CHAR).match
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif joins(out[-1]) or joins(line[0]) or out.endswith("-"):
            out += line
        else:
            out += " " + line
    return out


_PUNCT_FOLD = str.maketrans(
    {
        "：": ":", "，": ",", "；": ";", "。": ".", "、": ",", "．": ".", "（": "(", "）": ")",
        "—": "-", "─": "-", "－": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "━": "-",
        "‧": "·", "・": "·", "•": "·", "“": '"', "”": '"', "「": '"', "」": '"', "『": '"',
        "』": '"', "‘": "'", "’": "'", "《": "", "》": "", "〈": "", "〉": "", "〔": "[",
        "〕": "]", "【": "[", "】": "]",
    }
)


@cache
def _t2s() -> Any:
    # OpenCC is imported lazily: it costs start-up time and only matching needs it.
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def fold(text: str) -> str:
    """A matching key: NFKC (width), Simplified, unified punctuation, lower case,
    collapsed whitespace. Two spellings of one title fold to the same key."""
    text = unicodedata.normalize("NFKC", nfc(text).translate(_PUNCT_FOLD))
    if has_cjk(text):
        text = to_simplified(text)
    return _compiled(r"\s+").sub(" ", text.casefold()).strip()


def fold_strict(text: str) -> str:
    """``fold`` with all punctuation and spaces removed: for titles and names, where
    ``Hinton , Harold`` and ``Hinton, Harold`` must compare equal."""
    return _compiled(r"[\W_]+").sub("", fold(text))


# ── wrapping CJK text for the terminal ───────────────────────────────────────

# Kinsoku (禁則): characters that may not start a line (closing punctuation, small
# marks) and that may not end one (opening brackets). Rich's wrapper breaks between any
# two CJK characters and so can put a lone "。" at the start of a line.
_NO_LINE_START = frozenset("。．，、；：？！）」』》〉】〕］｝’”…‥ー々・‧,.;:?!)]}%")
_NO_LINE_END = frozenset("（「『《〈【〔［｛‘“([{")
# One token per CJK character or CJK/full-width punctuation mark (a break may fall
# between any two); Latin words (with curly quotes, dashes) stay whole.
_BREAKABLE = f"{_CJK}\u3000-\u303f\uff00-\uffef"
_WRAP_TOKEN = rf"\s+|[{_BREAKABLE}]|[^\s{_BREAKABLE}]+"


def cell_width(text: str) -> int:
    """Terminal cells: 2 for wide (CJK, full-width) characters, 0 for combining marks."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def wrap_cjk(text: str, width: int) -> list[str]:
    """Wrap ``text`` into lines of at most ``width`` cells: between CJK characters or at
    spaces, never with closing punctuation at the start of a line or an opening bracket
    at its end: the character before moves down with it. The rule gives way where it
    would empty a line or overfill the next (a Latin word as wide as the line); CJK
    text with at most two marks in a row always keeps it. Runs of spaces collapse; a
    word wider than the line is cut."""
    width = max(width, 2)
    lines: list[list[str]] = [[]]
    for token in _compiled(_WRAP_TOKEN).findall(text.strip()):
        line = lines[-1]
        if token.isspace():
            if line and line[-1] != " ":
                line.append(" ")
            continue
        while cell_width(token) > width:  # cut an over-long word to fit
            cut = len(token)
            while cut > 1 and cell_width(token[:cut]) > width:
                cut -= 1
            if line:
                lines.append(line := [])
            line.append(token[:cut])
            token = token[cut:]
        if cell_width("".join(line) + token) <= width:
            line.append(token)
            continue
        carry, kept = [token], list(line)  # carry: what starts the next line
        while line:
            while line and line[-1] == " ":  # a space between carried words stays
                carry.insert(0, line.pop())
            if not line:
                break
            head = next(t for t in carry if t != " ")
            alone = sum(t != " " for t in line) == 1  # a line is never emptied
            if alone or not (head[0] in _NO_LINE_START or line[-1][-1] in _NO_LINE_END):
                break
            carry.insert(0, line.pop())
        while carry and carry[0] == " ":
            carry.pop(0)
        if cell_width("".join(carry)) > width:  # the width wins over the rule
            line[:] = kept  # (a trailing space goes at the end)
            carry = [token]
        lines.append(carry)
    return ["".join(line).rstrip() for line in lines if line]
