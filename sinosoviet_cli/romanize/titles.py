"""Titles in pinyin, sentence case, words joined per GB/T 16159: Traditional folded to
Simplified, segmented by a dictionary, long compounds split into their words, doubled
forms (恩恩怨怨) split, numerals one word, proper nouns capitalised (Mao Zedong, Zhong-Su)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sinosoviet_cli.romanize.syllables import (
    NUMERAL_WORD,
    history_suffix,
    simplified,
    sub_words,
    tables,
    tag_words,
    word_pinyin,
)
from sinosoviet_cli.text.normalize import has_cjk, is_cjk

LONG_WORD = "long unsegmented word"
# Measure words written apart from a numeral before them (三年 san nian, 八届 ba jie).
_MEASURES = "年届次个位条项种卷册期"

# Punctuation of Chinese titles and its romanised form; "cap" marks a subtitle start.
_PUNCT: dict[str, tuple[str, bool]] = {
    "：": (": ", True), ":": (": ", True),
    "—": (": ", True), "─": (": ", True), "──": (": ", True), "－": (": ", True),
    "——": (": ", True), "―": (": ", True),
    "，": (", ", False), ",": (", ", False), "、": (", ", False), "；": ("; ", False),
    "。": (". ", True), "？": ("? ", True), "！": ("! ", True),
    "「": (" “", True), "」": ("” ", False), "『": (" ‘", True), "』": ("’ ", False),
    "“": (" “", True), "”": ("” ", False), "《": (" ", False), "》": (" ", False),
    "〈": (" ", False), "〉": (" ", False), "（": (" (", False), "）": (") ", False),
    "(": (" (", False), ")": (") ", False),
}


# A run of dashes is one subtitle dash; a dash between years is a range (1949年─1960年).
_DASHES = re.compile(r"[─—－―]+")
_RANGE = re.compile(r"(?<=[0-9年])—(?=[0-9])")


@dataclass(frozen=True, slots=True)
class Romanized:
    """A romanised value and the reviewer flags raised on the way."""

    text: str
    flags: tuple[str, ...] = ()


def _person(word: str) -> str | None:
    # A three-character name the segmenter tagged as a person (毛泽东 → Mao Zedong).
    from sinosoviet_cli.romanize.names import romanize_name

    if len(word) != 3 or word[0] not in tables().common_surnames:
        return None
    return romanize_name(word)


def _pieces(word: str, tag: str) -> tuple[list[tuple[str, str]], bool]:
    """A word split per GB/T 16159 into (piece, tag); True if left long and unsplit."""
    if len(word) == 4 and word[0] == word[1] and word[2] == word[3]:
        return [(word[:2], tag), (word[2:], tag)], False  # 恩恩怨怨 → enen yuanyuan
    measured = tag == "m" or (len(word) == 2 and word[1] in _MEASURES)
    numeral = NUMERAL_WORD.match(word) if measured else None
    if numeral is not None:  # 三年 → san nian, 第一个 → di-yi ge
        return [(numeral.group(1), "m"), (numeral.group(2), tag)], False
    if tag == "i" and len(word) == 4:  # a four-character idiom: baihua-qifang
        return [(word, "i")], False
    suffix = history_suffix(word) if len(word) >= 3 else ""
    if suffix:  # 关系史 → guanxi shi, 中共党史 → Zhonggong dangshi, 近代史 stays whole
        head, long = _pieces(word[: -len(suffix)], tag)
        return [*head, (suffix, tag)], long
    if len(word) < 4 or word in tables().proper_nouns or tag == "m":
        return [(word, tag)], False
    split = sub_words(word)
    if split is None:
        return [(word, tag)], len(word) >= 5
    return [(p, tag) for p in split], False


def _word(word: str, tag: str) -> str:
    proper = tables().proper_nouns.get(word)
    if proper is not None:
        return proper
    if tag == "nr":
        person = _person(word)
        if person is not None:
            return person
    if tag == "i" and len(word) == 4:
        return f"{word_pinyin(word[:2])}-{word_pinyin(word[2:])}"
    if tag == "m" and word.startswith("第") and len(word) > 1:
        return f"di-{word_pinyin(word[1:])}"
    reading = word_pinyin(word)
    return reading.capitalize() if tag == "ns" else reading


def _capitalize_first(text: str) -> str:
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :]
    return text


def romanize_words(value: str) -> Romanized:
    """Pinyin words of a Chinese value, lower case but for proper nouns; the caller
    applies title or name case. Latin letters and digits pass through."""
    flags: set[str] = set()
    out: list[str] = []
    cap_next = True
    value = _RANGE.sub("-", _DASHES.sub("—", simplified(value)))
    for token, tag in tag_words(value):
        if token in _PUNCT:
            text, cap_next = _PUNCT[token]
            out.append(text)
            continue
        if not has_cjk(token):
            out.append(f" {token} " if token.strip() else " ")
            cap_next = cap_next and not token.strip()
            continue
        pieces, long = _pieces(token, tag)
        if long:
            flags.add(LONG_WORD)
        for piece, piece_tag in pieces:
            word = _word(piece, piece_tag) if all(is_cjk(c) for c in piece) else piece
            out.append(" " + (_capitalize_first(word) if cap_next else word) + " ")
            cap_next = False
    text = " ".join("".join(out).split())
    for before, after in ((" :", ":"), (" ,", ","), (" ;", ";"), ("( ", "("), (" )", ")")):
        text = text.replace(before, after)
    text = text.replace("“ ", "“").replace(" ”", "”").replace(" - ", "-")
    return Romanized(text, tuple(sorted(flags)))


def romanize_title_flags(title: str) -> Romanized:
    """A title in sentence case with its flags."""
    done = romanize_words(title)
    return Romanized(_capitalize_first(done.text), done.flags)


def romanize_title(title: str) -> str:
    """``走向破裂：毛澤東與莫斯科的恩恩怨怨`` → ``Zouxiang polie: Mao Zedong yu Mosike
    de en'en yuanyuan``."""
    return romanize_title_flags(title).text
