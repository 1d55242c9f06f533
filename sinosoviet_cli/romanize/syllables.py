"""Tables, segmentation and syllables: the layer every romaniser shares. Heavy libraries
(pypinyin, rjieba, OpenCC) are imported inside functions, on first use."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from sinosoviet_cli.text.normalize import has_cjk, has_kana, nfc, to_simplified

# Syllables starting with a, o or e take an apostrophe inside a word (Xi'an, Yan'an).
_VOWEL_START = re.compile(r"^[aoe]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# Chinese numerals written as digits (一九五八, 二十一, 七十年): one word each (GB/T 16159).
_DIGIT = "[〇零一二三四五六七八九十百千]"
# 第一个, 八届, 四个: the numeral apart from what it counts.
NUMERAL_WORD = re.compile(f"^(第?{_DIGIT}+)([^〇零一二三四五六七八九十百千]+)$")
_NUMERAL_RUN = re.compile(f"{_DIGIT}{{3,}}|{_DIGIT}{{2}}(?=年)")


@dataclass(frozen=True, slots=True)
class Tables:
    """The romanisation tables of ``data/romanize/romanize.toml``, keys in Simplified."""

    compound_surnames: frozenset[str]
    common_surnames: frozenset[str]
    lexicon: tuple[str, ...]
    history_words: frozenset[str]
    proper_nouns: dict[str, str]
    word_readings: dict[str, str]
    surname_readings: dict[str, str]
    preferred: dict[str, str]
    places: dict[str, str]


def _simplified_keys(table: dict[str, str]) -> dict[str, str]:
    # Both scripts are accepted: the Traditional key and its Simplified fold.
    out = {nfc(k): v for k, v in table.items()}
    out.update({to_simplified(nfc(k)): v for k, v in table.items()})
    return out


@cache
def tables() -> Tables:
    """The bundled tables, loaded once."""
    text = resources.files("sinosoviet_cli").joinpath("data/romanize/romanize.toml")
    raw: dict[str, Any] = tomllib.loads(text.read_text("utf-8"))
    surnames = [to_simplified(nfc(s)) for s in raw["compound_surnames"]]
    return Tables(
        compound_surnames=frozenset(surnames),
        common_surnames=frozenset("".join(raw["common_surnames"].split())),
        lexicon=tuple(to_simplified(nfc(w)) for w in raw["lexicon"]),
        history_words=frozenset(to_simplified(nfc(w)) for w in raw["history_words"]),
        proper_nouns=_simplified_keys(raw["proper_nouns"]),
        word_readings=_simplified_keys(raw["word_readings"]),
        surname_readings=_simplified_keys(raw["surname_readings"]),
        preferred=_simplified_keys(raw["preferred"]),
        places=_simplified_keys(raw["places"]),
    )


@cache
def _segmenter() -> Any:
    # rjieba (Rust) over jieba: ~0.4 s cold start against ~2.9 s for jieba's first cut,
    # and no dictionary cache file written to the user's temp directory.
    import rjieba

    for word in tables().lexicon:
        rjieba.add_word(word, 200000, "n")
    return rjieba


def is_japanese(text: str) -> bool:
    """Kana betray Japanese: such text never gets pinyin."""
    return has_kana(text)


def is_chinese(text: str) -> bool:
    return has_cjk(text) and not is_japanese(text)


def simplified(text: str) -> str:
    """NFC and Simplified: pypinyin reads 重慶, 長沙 wrongly in Traditional."""
    text = nfc(text)
    return to_simplified(text) if has_cjk(text) else text


def tag_words(text: str) -> list[tuple[str, str]]:
    """Words of Simplified ``text`` with jieba part-of-speech tags; numeral runs
    (一九五八) are kept whole with tag ``m``."""
    out: list[tuple[str, str]] = []
    pos = 0
    for match in _NUMERAL_RUN.finditer(text):
        out.extend(_tag_plain(text[pos : match.start()]))
        out.append((match.group(), "m"))
        pos = match.end()
    out.extend(_tag_plain(text[pos:]))
    return out


def _tag_plain(text: str) -> list[tuple[str, str]]:
    if not text:
        return []
    return [(w, t) for w, t in _segmenter().tag(text) if w]


def history_suffix(word: str) -> str:
    """The 史 ending written apart from the rest of ``word``: 中共党史 → 党史,
    关系史 → 史; empty if ``word`` does not end in 史 or is itself one word (近代史)."""
    if not word.endswith("史") or word in tables().history_words:
        return ""
    head = word[:-1]
    if head in tables().proper_nouns or _segmenter().has_word(head):
        return "史"  # 中国史 → Zhongguo shi, not 中 + 国史
    joined = [w for w in tables().history_words if word.endswith(w)]
    return max(joined, key=len) if joined else "史"


def sub_words(word: str) -> list[str] | None:
    """A long word split into dictionary words (北京大学出版社 → 北京 大学 出版社), fewest
    pieces first; None when no split into pieces of two or more characters exists."""
    known = {w for w in _segmenter().cut_for_search(word) if 2 <= len(w) < len(word)}
    known.update(w for w in tables().lexicon if w in word and len(w) < len(word))
    known.update(w for w in tables().proper_nouns if w in word and len(w) < len(word))
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(2, len(word) + 1):
        for start in range(end - 2, -1, -1):
            prev = best[start]
            if prev is not None and word[start:end] in known:
                cand = [*prev, word[start:end]]
                current = best[end]
                if current is None or len(cand) < len(current):
                    best[end] = cand
    return best[len(word)]


def syllables(text: str) -> list[str]:
    """Toneless pinyin syllables of Simplified text (ü kept), one per CJK character."""
    from pypinyin import lazy_pinyin

    return [str(s) for s in lazy_pinyin(text, v_to_u=True, errors="ignore")]


@lru_cache(maxsize=65536)
def word_pinyin(word: str) -> str:
    """One word's pinyin, syllables joined, apostrophe before a/o/e inside the word
    (memoised: a bibliography repeats 的, 关系, 出版社 endlessly)."""
    reading = tables().word_readings.get(word)
    if reading is not None:
        return reading
    parts = syllables(word)
    out = parts[:1]
    for part in parts[1:]:
        out.append("'" + part if _VOWEL_START.match(part) else part)
    return "".join(out)


def romanize_text(text: str) -> str:
    """Toneless pinyin syllables of the CJK characters, separated by spaces (for citation
    keys and sorting: join them as needed); other characters are dropped."""
    return " ".join(s for run in _CJK_RUN.findall(simplified(text)) for s in syllables(run))
