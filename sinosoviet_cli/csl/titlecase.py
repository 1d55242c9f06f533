"""English title case as Chicago prints it (W18), over citeproc-py's words.

citeproc-py only leaves lower-case stop words alone; CSL and pandoc also lower-case
stop words written capitalised ("Survey Of The" -> "Survey of the") except first, last
(of a title or subtitle) and after a colon. Chicago styles also lower-case prepositions
of any length ("China under Threat", ``title-case.toml``). A word after an opening
quote is capitalised ("“Human"); abbreviations ("c. 1800") and Greek letters from math
("α-helix") are left as printed. Kept apart from the patch that calls it so the rule
can be read (and tested) without citeproc's element classes.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import cache
from typing import Any

from sinosoviet_cli.csl.styles import bundled_styles_dir

#: Characters that may open a word (quotes, brackets) before its first letter.
_OPENERS = "“‘\"'([{«"
_CLOSERS = ".,;:!?”’\"')]}»"
#: Abbreviations printed lower-case in any title ("c. 1800", "vs.").
_AS_PRINTED = re.compile(r"(?:[a-z]\.)+|(?:ca|cf|vs|viz|etc)\.")
_GREEK_LOWER = frozenset(chr(c) for c in range(0x3B1, 0x3CA))
_SENTENCE_MARKS = (":", ".", "?", "!")


@cache
def chicago_lowercase() -> frozenset[str]:
    """CMOS's words kept lower-case in titles besides CSL's stop words."""
    table = tomllib.loads((bundled_styles_dir() / "title-case.toml").read_text(
        encoding="utf-8"))
    return frozenset(table["chicago"]["lowercase"])


def title_case(words: Sequence[Any], stop: frozenset[str]) -> str:
    """``words`` (citeproc-py ``String`` words, or ``str``) in title case, joined by
    spaces; ``stop`` are the words lower-cased inside a title."""
    output, prev = [], ":"
    for i, word in enumerate(words):
        s = str(word)
        last = i == len(words) - 1 or s.lstrip(_OPENERS).endswith(":")
        output.append(_case_word(word, stop, after=prev, last=last))
        prev = s[-1:] or prev
    return " ".join(str(w) for w in output)


def _case_word(word: Any, stop: frozenset[str], *, after: str, last: bool) -> Any:
    """One word of a title; ``after`` is the last character of the word before."""
    s = str(word)
    core = s.lstrip(_OPENERS)
    lead = len(s) - len(core)
    bare = core.rstrip(_CLOSERS)
    if not core or _AS_PRINTED.fullmatch(core) or core[0] in _GREEK_LOWER:
        return word
    if (bare.lower() in stop and after not in _SENTENCE_MARKS and not lead and not last
            and (bare.islower() or (bare[:1].isupper() and bare[1:].islower()))):
        return word.lower()
    if core.islower():
        parts = core.split("-")
        head = "-".join(p[:1].upper() + p[1:] if j == 0 or p.lower() not in stop else p
                        for j, p in enumerate(parts))
        return type(word)(s[:lead] + head)
    if "-" in core and core[:1].isupper() and core[1:].replace("-", "").islower():
        return type(word)(s[:lead] + "-".join(p[:1].upper() + p[1:] if p.lower() not in stop
                                              else p for p in core.split("-")))
    return word
