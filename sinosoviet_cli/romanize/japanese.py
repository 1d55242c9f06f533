"""Japanese names in bibliography order (issue 16 #8): 和田春樹 files as *Wada Haruki*,
by the reading ``data/japanese.toml`` gives it, not by the pinyin of its characters
(hé tián); a Japanese work whose name has no known reading files after every
romanised name, since a guessed pinyin order would be wrong for it."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sinosoviet_cli.text.normalize import has_cjk, has_kana, nfc, to_simplified

#: Sorts after every romanised sort string (a code point above any letter).
AFTER_ROMANISED = "\U0010ffff"
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}


@dataclass(frozen=True, slots=True)
class _Tables:
    readings: Mapping[str, str]  # name (NFC, and its Simplified form) -> kana reading
    syllables: Mapping[str, str]  # hiragana -> Hepburn


@cache
def _tables() -> _Tables:
    raw = tomllib.loads((resources.files("sinosoviet_cli") / "data" / "japanese.toml")
                        .read_text(encoding="utf-8"))
    readings: dict[str, str] = {}
    for name, reading in raw.get("readings", {}).items():
        key = _name_key(name)
        readings[key] = readings[to_simplified(key)] = str(reading)
    pairs = str(raw.get("kana", {}).get("syllables", "")).split()
    return _Tables(readings, dict(zip(pairs[::2], pairs[1::2], strict=True)))


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", nfc(name))


def romaji(kana: str) -> str:
    """Hepburn without macrons (``しもとまい のぶお`` → ``shimotomai nobuo``); katakana
    is read as hiragana; anything else is kept."""
    syllables = _tables().syllables
    out: list[str] = []
    double = False
    for ch in kana:
        if "\u30a1" <= ch <= "\u30f6":
            ch = chr(ord(ch) - 0x60)  # katakana -> hiragana
        if ch in ("っ", "ッ"):
            double = True
            continue
        if ch in _SMALL_Y and out and out[-1].endswith("i") and len(out[-1]) > 1:
            stem = out.pop()[:-1]  # き+ゃ kya, し+ゃ sha, じ+ゃ ja
            out.append(stem + ("" if stem.endswith(("sh", "ch", "j")) else "y") + _SMALL_Y[ch])
            continue
        if ch == "ー" and out and out[-1]:
            out.append(out[-1][-1])  # a long vowel: the vowel again
            continue
        syllable = syllables.get(ch, ch)
        if double and syllable[:1].isalpha():
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double = False
        out.append(syllable)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def reading(name: str) -> str:
    """The romanised reading of a Japanese name in the table (family name first),
    or "" if the table does not know it."""
    key = _name_key(name)
    readings = _tables().readings
    kana = readings.get(key) or readings.get(to_simplified(key), "")
    return romaji(kana) if kana else ""


def is_japanese(fields: Mapping[str, str]) -> bool:
    """A work in Japanese: ``langid = japanese``, or kana in its title or names."""
    if fields.get("langid", "").strip().lower() == "japanese":
        return True
    return any(has_kana(fields.get(f, "")) for f in ("title", "author", "editor"))


def file_after_romanised(first: str, printed: str, fields: Mapping[str, str],
                         read: bool) -> str:
    """A Japanese work's sort string when no reading was found for what it files by
    (``printed``, CJK): after every romanised name, in the printed form's order;
    else ``first`` unchanged."""
    if read or not has_cjk(printed) or not is_japanese(fields):
        return first
    return AFTER_ROMANISED + printed
