"""Rules on the imprint of a full citation: publisher and place, compared with the
vocabulary of ``data/check.toml`` (generic firm words, abbreviations, place aliases)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from sinosoviet_cli.checks.analysis import Analysis
from sinosoviet_cli.checks.findings import Finding
from sinosoviet_cli.checks.fold import fold, fold_strict
from sinosoviet_cli.checks.index import Entry
from sinosoviet_cli.checks.registry import finding, matched, offset_of
from sinosoviet_cli.model import Form, Reference
from sinosoviet_cli.text.normalize import has_cjk


@cache
def _vocab() -> tuple[tuple[str, ...], Mapping[str, str], Mapping[str, int]]:
    """Generic publisher words (longest first), abbreviations, and place → alias group."""
    raw: dict[str, Any] = tomllib.loads(
        (resources.files("sinosoviet_cli") / "data" / "check.toml").read_text("utf-8"))
    generic = sorted({fold(w) for w in raw["publishers"]["generic"]}, key=len, reverse=True)
    abbreviations = {fold(k): fold(v) for k, v in raw["publishers"]["abbreviations"].items()}
    places = {fold_strict(name): i for i, group in enumerate(raw["places"]["aliases"])
              for name in group}
    return tuple(generic), abbreviations, places


def _publisher_words(name: str) -> list[str]:
    """The words that name the firm: abbreviations spelled out, generic words dropped;
    CJK generic words are suffixes inside a word (人民出版社) and are cut out of it."""
    generic, abbreviations, _places = _vocab()
    words = [abbreviations.get(w, w) for w in re.findall(r"\w+|&", fold(name))]
    kept: list[str] = []
    for w in words:
        if not w or w in generic:
            continue
        if has_cjk(w):
            for g in generic:
                if has_cjk(g):
                    w = w.replace(fold_strict(g), "")
        if w:
            kept.append(fold_strict(w))
    return kept


def _publisher_core(name: str) -> str:
    return "".join(_publisher_words(name)) or fold_strict(name)


def _abbreviates(short: str, word: str) -> bool:
    """``short`` is an initial or a cut-off abbreviation of ``word`` (F. for Frederick,
    Inst. for Institution): at least two letters shorter, so that a misspelt word
    (Praege for Praeger) is not taken for one."""
    return short == word or (word.startswith(short) and len(word) - len(short) >= 2)


def _same_words(printed: list[str], expected: list[str]) -> bool:
    """The same words in any order, ``of`` aside (California UP, University of
    California Press); a word of either name may be an initial or abbreviation of the
    other's (F. A. Praeger, Frederick A. Praeger)."""
    a = [w for w in printed if w != "of"]
    b = [w for w in expected if w != "of"]
    if len(a) != len(b) or not a or any(has_cjk(w) for w in (*a, *b)):
        return False
    if sorted(a) == sorted(b):
        return True
    return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(a, b, strict=True))


@lru_cache(maxsize=1 << 14)  # a draft compares the same few names thousands of times
def same_publisher(printed: str, expected: str) -> bool:
    """The same firm: generic words (出版社, Press, Inc.) and abbreviations (UP) aside,
    the same words, or one name contains the other (三聯書店, 生活·讀書·新知三聯書店)
    unless what is left is a place (上海人民出版社 is not 人民出版社). A name one or two
    letters off (Standford for Stanford, Peaeger for Praeger) is not the same: it is a
    misprint to report."""
    if has_cjk(printed) != has_cjk(expected):  # Sanlian shudian for 三聯書店
        from sinosoviet_cli.checks.romanised import same_romanised

        return same_romanised(printed, expected)
    p, q = _publisher_core(printed), _publisher_core(expected)
    pw, qw = _publisher_words(printed), _publisher_words(expected)
    if p == q or _same_words(pw, qw):
        return True
    if not has_cjk(p + q):  # whole words inside the other name: Praege is not Praeger
        short_w, long_w = sorted((pw, qw), key=len)
        return bool(short_w) and f" {' '.join(short_w)} " in f" {' '.join(long_w)} "
    short, long = sorted((p, q), key=len)
    if short and short in long:
        rest = long.replace(short, "", 1)
        return rest not in _vocab()[2] and not any(rest.startswith(x) for x in _vocab()[2]
                                                   if has_cjk(x))
    return False


@lru_cache(maxsize=1 << 14)
def same_place(printed: str, expected: str) -> bool:
    """The same place under any of its names (北京, Peking, Beijing), or one name
    beginning the other (Cambridge, Cambridge, Mass.; 北京, 北京市) - beginning, not
    merely inside it: York is not New York. A misspelt name (Cambrige) is not the
    same place."""
    places = _vocab()[2]
    p, q = fold_strict(printed), fold_strict(expected)
    if p == q or (p in places and places.get(p) == places.get(q)):
        return True
    if has_cjk(printed) != has_cjk(expected):  # Nanchang for 南昌: its English form
        from sinosoviet_cli.romanize import english_place

        latin, cjk = (p, expected) if has_cjk(expected) else (q, printed)
        return latin == fold_strict(english_place(cjk))
    return bool(p and q and (p.startswith(q) or q.startswith(p)))


def _imprint_mismatch(a: Analysis, rule_id: str, label: str,
                      printed_of: Callable[[Reference], Sequence[str]],
                      expected_of: Callable[[Entry], str],
                      same: Callable[[str, str], bool]) -> Iterator[Finding]:
    """A full citation whose printed publisher (or place) is none of the entry's."""
    for c, e, ref in matched(a):
        printed, expected = printed_of(ref), expected_of(e)
        if c.form is not Form.FULL or not printed or not expected:
            continue
        if e.japanese and has_cjk(expected) and not any(map(has_cjk, printed)):
            continue  # Tokyo, Iwanami shoten: romaji this module cannot verify
        if not any(same(p, expected) for p in printed):
            yield finding(a, c, rule_id,
                           f"{label} '{'、'.join(printed)}' differs from '{expected}' "
                           f"in entry {e.key}",
                           key=e.key, fix=f"write '{expected}'",
                           offset=offset_of(c.text, printed[0]))


def publisher_mismatch(a: Analysis) -> Iterator[Finding]:
    return _imprint_mismatch(a, "publisher-mismatch", "publisher", lambda r: r.publishers,
                             lambda e: e.publisher, same_publisher)


def place_mismatch(a: Analysis) -> Iterator[Finding]:
    return _imprint_mismatch(a, "place-mismatch", "place", lambda r: r.places,
                             lambda e: e.place, same_place)

