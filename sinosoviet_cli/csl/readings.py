"""Pinyin readings for bibliography sort keys without importing pypinyin.

``import pypinyin`` loads its phrase dictionary (~47,000 phrases, ~45 MB, a third of
a second) and builds a segmenter over it, for every export that sorts a Chinese name.
The sort needs much less: each character's first reading, and the readings of the
few thousand phrases whose reading differs from their characters' first readings (銀行
yinhang, 重建 chongjian, 重慶 chongqing, 長沙 changsha). This module builds that
compact table once from the installed pypinyin's data files (read as data, the
package never imported) and OpenCC's Traditional-to-Simplified mapping of each
character, and keeps it in the cache directory, keyed by both versions.

Readings agree with ``link.keys.romanise`` (pypinyin's ``lazy_pinyin`` on the
Simplified text, OpenCC-converted) except where pypinyin's segmentation over the
full dictionary picks a different phrase boundary than the longest match over the
differing phrases, or where OpenCC converts a character differently inside a phrase;
``tests/test_cache.py`` measures this on the bundled, golden and external
bibliographies.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_TABLE_VERSION = 2
# Indexed code points: the Basic Multilingual Plane and the Supplementary Ideographic
# and Tertiary Ideographic Planes (CJK extensions B-H end at U+3134F).
_INDEXED = 0x32000


class CharReadings(Mapping[str, str]):
    """Character -> reading, read from an index of code points up to U+31FFF (one
    16-bit syllable number each, loaded as raw bytes) and a dict for any beyond: a
    dict of all ~42,000 characters took ~50 ms to build on every cold export, the
    index takes well under a millisecond to load."""

    __slots__ = ("_astral", "_index", "_syllables")

    def __init__(self, syllables: list[str], index: array[int],
                 astral: dict[str, int]) -> None:
        self._syllables, self._index, self._astral = syllables, index, astral

    def get(self, key: str, default: str = "") -> str:  # type: ignore[override]
        if len(key) != 1:
            return default
        code = ord(key)
        number = self._index[code] if code < _INDEXED else self._astral.get(key, 0)
        return self._syllables[number] if number else default

    def __getitem__(self, key: str) -> str:
        found = self.get(key, "")
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        yield from (chr(c) for c, number in enumerate(self._index) if number)
        yield from self._astral

    def __len__(self) -> int:
        return sum(1 for number in self._index if number) + len(self._astral)


@dataclass(frozen=True, slots=True)
class Table:
    """Character -> toneless reading (of its Simplified form); Traditional character ->
    Simplified; differing phrase (Simplified) -> its syllables joined."""

    chars: Mapping[str, str]
    simple: dict[str, str]
    phrases: dict[str, str]
    longest: int


def _fold(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFKD", syllable)
    return "".join(c for c in decomposed.casefold() if c.isascii() and c.isalnum())


def _pypinyin_dir() -> Path:
    from importlib.util import find_spec

    spec = find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _build() -> dict[str, object]:
    """The table as stored: readings grouped by syllable (compact), the Traditional
    characters whose Simplified form differs, and the differing phrases."""
    from sinosoviet_cli.text.normalize import to_simplified

    base = _pypinyin_dir()
    raw = json.loads((base / "pinyin_dict.json").read_text(encoding="utf-8"))
    first = {chr(int(code)): _fold(value.split(",")[0]) for code, value in raw.items()}
    chars = "".join(first)
    simple = to_simplified(chars)
    simplified = dict(zip(chars, simple, strict=True)) if len(simple) == len(chars) else {
        c: to_simplified(c) for c in chars}
    simplified = {t: s for t, s in simplified.items() if t != s and len(s) == 1}
    by_reading: dict[str, list[str]] = {}
    for ch in chars:
        reading = first.get(simplified.get(ch, ch), first[ch])
        if reading:
            by_reading.setdefault(reading, []).append(ch)
    phrases: dict[str, str] = {}
    all_phrases = json.loads((base / "phrases_dict.json").read_text(encoding="utf-8"))
    for phrase, readings in all_phrases.items():
        said = [_fold(r[0]) for r in readings]
        if said != [first.get(c, "") for c in phrase]:
            phrases[phrase] = " ".join(said)
    return {"v": _TABLE_VERSION, "chars": {r: "".join(cs) for r, cs in by_reading.items()},
            "t2s": ["".join(simplified), "".join(simplified.values())], "phrases": phrases}


def _table_path() -> Path:
    from sinosoviet_cli.csl.cache import cache_root

    versions = "-".join(_version(d) for d in ("pypinyin", "opencc"))
    return cache_root() / f"readings-{versions}-v{_TABLE_VERSION}.bin"


def _pack(data: Mapping[str, object]) -> bytes:
    """The stored form: one line of JSON (syllables, characters beyond the index,
    Traditional->Simplified, phrases), then the index as native 16-bit numbers (the
    cache is this machine's)."""
    by_reading = data["chars"]
    assert isinstance(by_reading, dict)
    syllables = ["", *sorted(by_reading)]
    index = array("H", bytes(2 * _INDEXED))
    astral: dict[str, int] = {}
    for number, reading in enumerate(syllables[1:], 1):
        for ch in by_reading[reading]:
            if ord(ch) < _INDEXED:
                index[ord(ch)] = number
            else:
                astral[ch] = number
    head = {"v": _TABLE_VERSION, "syllables": syllables, "astral": astral,
            "t2s": data["t2s"], "phrases": data["phrases"]}
    return json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + index.tobytes()


def _unpack(raw: bytes) -> Table:
    """The table from its stored form; ``ValueError`` if it is not one."""
    line, _, body = raw.partition(b"\n")
    head = json.loads(line)
    index = array("H")
    index.frombytes(body)
    if head.get("v") != _TABLE_VERSION or len(index) != _INDEXED:
        raise ValueError("not a reading table of this version")
    trad, simp = head["t2s"]
    phrases = {p: r.replace(" ", "") for p, r in head["phrases"].items()}
    return Table(CharReadings(head["syllables"], index, head["astral"]),
                 dict(zip(trad, simp, strict=True)), phrases,
                 max(map(len, phrases), default=1))


def _version(dist: str) -> str:
    # From the dist-info folder name: importing importlib.metadata costs ~10 ms of a
    # cold export.
    from sinosoviet_cli.csl.cache import package_version

    return package_version(dist, dist)


@cache
def table() -> Table:
    """The reading table: from the cache directory, else built and stored there (a
    directory that cannot be written only costs the build on every run)."""
    path = _table_path()
    try:
        return _unpack(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        packed = _pack(_build())  # absent or unreadable: built again (a miss)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(packed)
        os.replace(tmp, path)
    except OSError:
        pass
    return _unpack(packed)


def romanise_han(run: str) -> str:
    """A run of Han characters as toneless pinyin, syllables joined (重慶 → chongqing):
    the longest differing phrase at each position, else each character's reading;
    characters without a reading are dropped (as ``lazy_pinyin(errors="ignore")``)."""
    t = table()
    text = "".join(t.simple.get(c, c) for c in run)
    out: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(t.longest, len(text) - i), 1, -1):
            reading = t.phrases.get(text[i:i + size])
            if reading is not None:
                out.append(reading)
                i += size
                break
        else:
            out.append(t.chars.get(text[i], ""))
            i += 1
    return "".join(out)
