"""Small lexical helpers shared by every grammar: brackets, pages, numbers, dates,
cue words. Pure functions over strings."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk, has_kana
from sinosoviet_cli.text.pages import normalize_pages
from sinosoviet_cli.text.years import YEAR

_OPEN = "《〈（(［[【〔"
_CLOSE = "》〉）)］]】〕"
_TITLE_OPEN = "《〈"
_PAIR = dict(zip(_OPEN, _CLOSE, strict=True))
_DASH = "-–—─－―~～‐‑━"
_D = re.escape(_DASH)  # for use inside character classes
_QUOTES_OPEN = "“\"「『‘"
_QUOTES_CLOSE = "”\"」』’"
_SPACES = re.compile(r"\s+")
_CJK_RE = re.compile(CJK_CHAR)
_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "［": "[",
                        "］": "]", "．": ".", "。": "."})
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
#: Entries kept by each memoised reader of this module (their inputs repeat across notes).
_MEMO = 1 << 16
_YEAR = YEAR  # the one year pattern (text.years)
_NUM = "[0-9一二三四五六七八九十百〇]"


@lru_cache(maxsize=_MEMO)  # pure; a draft repeats its names, imprints and dates
def _clean(text: str) -> str:
    """Collapse whitespace and drop spaces before punctuation (``Hinton ,``)."""
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"\s+([,:;.?!，：；。])", r"\1", text)
    return text.strip(" ,;，；、")


def _cn_number(text: str) -> str:
    """``十五`` -> ``15``; digits pass through; anything else unchanged."""
    text = text.strip()
    if text.isdigit() or not text or any(c not in _CN_DIGITS and c not in "十百" for c in text):
        return text
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        else:
            unit = 10 if char == "十" else 100
            total += (current or 1) * unit
            current = 0
    return str(total + current)


@lru_cache(maxsize=_MEMO)  # pure; a draft repeats its names, imprints and dates
def _pages(text: str) -> str:
    """A locator as BibTeX wants it: the grammar's page words (grammar.toml) dropped,
    then the one page reader (``text.pages``) for ranges and lists."""
    text = text.strip().strip("。.．,，;；")
    prefix, suffix = _page_affixes()
    text = _range_word().sub("-", text)  # 第55至60页 -> 55-60
    return normalize_pages(suffix.sub("", prefix.sub("", text)))


@cache
def _range_word() -> re.Pattern[str]:
    """至 / 到 between two page numbers (grammar.toml [pages] range_words), with the
    page words repeated or not: 第55至60页, 第55页至第60页."""
    return re.compile(rf"(?<=\d){_range_word_body()}(?=\d)")


def _range_word_body() -> str:
    v = _vocab()
    return rf"\s*(?:{v.page_cjk})?\s*(?:{v.page_range_words})\s*(?:{v.page_ordinal})?\s*"


def _page_words(*extra: str) -> str:
    """A regex alternation: the CJK page and newspaper-page words, plus ``extra``."""
    v = _vocab()
    return "|".join((*extra, v.page_cjk, v.page_newspaper))


@cache
def _page_affixes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Words a locator may start with (``pp.``, ``頁``, ``第``) or end with (``頁``, ``版``)."""
    v = _vocab()
    return (re.compile(rf"^(?:{_page_words(v.page_latin_any, v.page_ordinal)})\s*"),
            re.compile(rf"\s*(?:{_page_words()})$"))


@cache
def _pages_re() -> re.Pattern[str]:
    """A whole printed locator: ``頁12``, ``pp. 3-5``, ``第1版``, ``12、15``, ``xiv``."""
    v = _vocab()
    words = _page_words()
    return re.compile(
        rf"^(?:(?:{_page_words(v.page_latin)})\s*)?(?:(?:{v.page_ordinal})\s*)?"
        rf"[0-9ivxlcIVXLC]+(?:n\d+)?(?:\s*[{_D}]+\s*[0-9ivxlcIVXLC]+"
        rf"|{_range_word_body()}[0-9]+)?"
        rf"(?:\s*[、,，]\s*[0-9]+(?:\s*[{_D}]+\s*[0-9]+)?)*"
        rf"\s*(?:{words})?\s*$"
    )


def _is_pages(text: str) -> bool:
    text = text.strip().strip("。.．")
    if not _pages_re().match(text):
        return False
    # A bare year or a span of years is not a page: "1999", "1956-1961".
    return not re.fullmatch(
        rf"{_YEAR}(?:\s*(?:[{_D}]+|{_vocab().page_range_words})\s*{_YEAR})?", text)


_BRACKET = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")


def _depths(text: str) -> list[int]:
    """Bracket depth *before* each character (《〈（( and their closers; clamped at 0).
    Only the brackets are visited: the runs between them are filled at once."""
    out: list[int] = []
    depth = last = 0
    for found in _BRACKET.finditer(text):
        i = found.start()
        out.extend([depth] * (i + 1 - last))
        last = i + 1
        if found.group() in _OPEN:
            depth += 1
        elif depth:
            depth -= 1
    out.extend([depth] * (len(text) - last))
    return out


@cache
def _marks(seps: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(_OPEN + _CLOSE + seps) + "]")


def _split_top(text: str, seps: str) -> list[tuple[int, int]]:
    """Spans of ``text`` between top-level separators (the separators excluded); only
    brackets and separators are visited."""
    spans: list[tuple[int, int]] = []
    start = depth = 0
    for found in _marks(seps).finditer(text):
        i, char = found.start(), found.group()
        if depth == 0 and char in seps:
            spans.append((start, i))
            start = i + 1
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
    spans.append((start, len(text)))
    return spans


def _match_close(text: str, i: int) -> int:
    """Index of the bracket closing the one at ``i`` (or -1)."""
    opener = text[i]
    closer = _PAIR.get(opener, "")
    if opener in "（(":
        openers, closers = "（(", "）)"
    else:
        openers, closers = opener, closer
    depth = 0
    for found in _marks_of(openers + closers).finditer(text, i):  # the brackets only
        if found.group() in openers:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return found.start()
    return -1


@cache
def _marks_of(chars: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(chars) + "]")


def langid(*texts: str) -> str:
    """``japanese`` when any of the texts (title, container, names) has kana, ``chinese`` when
    any has CJK, else ``english``: the one rule for notes and resolve."""
    if any(has_kana(t) for t in texts):
        return "japanese"
    return "chinese" if any(has_cjk(t) for t in texts) else "english"


@lru_cache(maxsize=_MEMO)  # pure; a draft repeats its names, imprints and dates
def _date_of(text: str) -> tuple[str, str]:
    """(year, ISO date) from ``2007年10月22日`` / ``2003.3`` / ``1991、1993`` / ``1962``."""
    text = text.strip()
    m = re.search(rf"({_YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(?:(\d{{1,2}})\s*日)?", text)
    if m:
        y, mo, d = m.group(1), int(m.group(2)), m.group(3)
        return y, f"{y}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
    m = re.fullmatch(rf"({_YEAR})\s*[.．/\-]\s*(\d{{1,2}})(?:\s*[.．/\-]\s*(\d{{1,2}}))?", text)
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo, d = m.group(1), int(m.group(2)), m.group(3)
        return y, f"{y}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
    v = _vocab()
    m = re.search(rf"\b({v.month_re})\.?\s+(\d{{1,2}}),?\s+({_YEAR})\b", text)
    if m:
        mo = v.months[m.group(1)]
        return m.group(3), f"{m.group(3)}-{mo:02d}-{int(m.group(2)):02d}"
    m = re.search(rf"\b(\d{{1,2}})\s+({v.month_re})\.?\s+({_YEAR})\b", text)
    if m:
        mo = v.months[m.group(2)]
        return m.group(3), f"{m.group(3)}-{mo:02d}-{int(m.group(1)):02d}"
    m = re.search(rf"\b({v.month_re})\.?\s+({_YEAR})\b", text)
    if m:
        return m.group(2), f"{m.group(2)}-{v.months[m.group(1)]:02d}"
    years = re.findall(rf"(?<!\d)({_YEAR})(?!\d)", text)
    if len(years) >= 2 and re.fullmatch(rf"{_YEAR}\s*年?\s*[、,，{_D}/]+\s*{_YEAR}\s*年?", text):
        return years[0], f"{years[0]}/{years[-1]}"
    if years:
        return years[0], ""
    return "", ""


@lru_cache(maxsize=_MEMO)  # pure; a draft repeats its names, imprints and dates
def _is_date(text: str) -> bool:
    text = text.strip()
    if not text or not re.search(_YEAR, text):
        return False
    rest = re.sub(rf"{_YEAR}|\d{{1,2}}|[年月日版.．/、,，\s{_D}]", "", text)
    rest = re.sub(_vocab().month_re, "", rest)
    rest = re.sub(_vocab().season_re, "", rest)
    return rest == ""


_ROC = re.compile(r"民國\s*(\d{1,3})\s*年")
# 修订本/增訂本 (a revised edition) is an edition mark like 修订版 (issue 16 #4).
_EDITION = re.compile(rf"(?:修訂|修订|增訂|增订|重印|再|新|初|第?\s*(?:{_NUM}+))\s*版"
                      r"|(?:修訂|修订|增訂|增订)\s*本")
_URL = re.compile(r"https?://[^\s，。；、）)<>＞]+")


_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年|\s*$|\s*[，,）)])")


@lru_cache(maxsize=_MEMO)  # pure; a draft repeats its names, imprints and dates
def _roc(text: str) -> str:
    """Years as Western digits: 民國54年 -> 1965年, 一九九九年 -> 1999年."""
    text = _CN_YEAR.sub(
        lambda m: "".join(str(_CN_DIGITS.get(c, 0)) for c in m.group(0)), text
    )
    # 三月 / 二十二日 after a year or a month
    text = re.sub(r"(?<=[年月])\s*([一二三四五六七八九十]{1,3})(?=\s*[月日])",
                  lambda m: _cn_number(m.group(1)), text)
    return _ROC.sub(lambda m: f"{1911 + int(m.group(1))}年", text)


def _find_title(text: str, start: int = 0) -> int:
    depths = _depths(text)
    for i in range(start, len(text)):
        if text[i] in _TITLE_OPEN and depths[i] == 0:
            return i
    return -1


def _cue_cut(text: str) -> int:
    """Offset just after the last cue word (參見 / see) in ``text``, or -1."""
    v = _vocab()
    last = -1
    for m in v.cue_cjk.finditer(text):
        last = m.end()
    return last
