"""Citation keys: romanised family name of the first person + year + first title word.

``{楊奎松}`` / 1999 / 走向破裂：… → ``yang1999zouxiang``; ``Zagoria, Donald`` / 1962 /
The Sino-Soviet Conflict → ``zagoria1962sino``. Keys are lower-case ASCII, a pure function
of the fields (the same entry always gets the same key), and made unique without regard
to case by ``a``/``b``… suffixes on every member of a colliding group.

Chinese is romanised by ``romanize`` (its surname tables; pypinyin underneath).
pypinyin's phrase dictionary only holds words whose reading is not the characters'
default one, so for the first *word* of a title we take its phrase when it finds one at
the start, and otherwise the first two characters (most Chinese words have two):
走向破裂 → zouxiang, 毛澤東的中國 → maozedong.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sinosoviet_cli.model import split_persons
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk, is_cjk, nfc, to_simplified
from sinosoviet_cli.text.years import first_year

_LATIN_WORD = re.compile(r"[^\W_]+")
_CJK_RUN = re.compile(f"{CJK_CHAR}+")
_NAME_DOTS = re.compile(r"[‧·・•．.]")


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    latin_stopwords: frozenset[str]
    corporate_endings: str


@cache
def _vocabulary() -> _Vocabulary:
    raw = tomllib.loads(
        resources.files("sinosoviet_cli").joinpath("data/keys.toml").read_text("utf-8")
    )
    return _Vocabulary(frozenset(raw["latin_stopwords"]), str(raw["corporate_endings"]))


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only (Schürmann → schurmann)."""
    decomposed = unicodedata.normalize("NFKD", nfc(text))
    return "".join(c for c in decomposed.casefold() if c.isascii() and c.isalnum())


def romanise(text: str) -> str:
    """Toneless pinyin of the CJK characters, other letters ASCII-folded, no spaces (the
    one romanisation, ``romanize.romanize_text``)."""
    from sinosoviet_cli.romanize.syllables import romanize_text

    if not has_cjk(text):
        return ascii_fold(text)
    return ascii_fold(romanize_text(text).replace(" ", ""))




def family_part(person: str) -> str:
    """The part of one BibTeX person that names the family, unromanised."""
    person = person.strip()
    if person.startswith("{") and person.endswith("}"):
        literal = person[1:-1].strip()
        if not has_cjk(literal):
            return literal
        # A transliterated foreign name (莫里斯‧邁斯納): the family name comes last.
        pieces = [p for p in _NAME_DOTS.split(literal) if p.strip()]
        if len(pieces) > 1:
            return pieces[-1]
        return literal
    if "," in person:
        return person.split(",", 1)[0].strip()
    words = person.split()
    return words[-1] if words else ""


def romanise_family(person: str) -> str:
    """Romanised family name: 楊奎松 → yang, 歐陽修 → ouyang, 人民出版社 → renmin,
    ``Zagoria, Donald`` → zagoria."""
    family = family_part(person)
    if not has_cjk(family):
        return ascii_fold(family)
    vocab = _vocabulary()
    cjk = "".join(_CJK_RUN.findall(family))
    is_person_literal = person.strip().startswith("{")
    from sinosoviet_cli.romanize.japanese import reading as japanese_reading

    known = japanese_reading(cjk) if is_person_literal else ""
    if known:  # 和田春樹 → wada (its reading in data/japanese.toml), not pinyin he
        return ascii_fold(known.split()[0])
    if cjk and cjk[-1] in vocab.corporate_endings and len(cjk) > 3:
        return first_title_word(cjk)
    if is_person_literal and family != person.strip()[1:-1].strip():
        return romanise(family)  # transliterated foreign family name, already isolated
    if len(cjk) > 4:  # a name this long is a transliteration or a body: take its start
        return first_title_word(cjk)
    # The surname tables of the romanize module: one list of compounds and readings.
    from sinosoviet_cli.romanize.names import split_surname
    from sinosoviet_cli.romanize.syllables import simplified, tables

    surname, _ = split_surname(simplified(cjk))
    reading = tables().surname_readings.get(surname)
    return ascii_fold(reading) if reading else romanise(surname)


_KANA_RUN = re.compile("[\u3041-\u3096\u30a1-\u30fa\u30fc]+")
_LATEX_COMMAND = re.compile(r"\\(?:[A-Za-z]+(?:\{\})?|.)")


def first_title_word(title: str) -> str:
    """The first word of a title, romanised: ``The Sino-Soviet Conflict`` → sino,
    ``走向破裂：…`` → zouxiang, ``「大躍進」親歷記`` → dayuejin."""
    # LaTeX control words (``\textbraceleft{}``, ``\emph``) and escapes (``\&``) are
    # markup, not words: the key comes from the text they mark up.
    title = _LATEX_COMMAND.sub(" ", nfc(title)).strip()
    start = next((i for i, c in enumerate(title) if c.isalnum() or is_cjk(c)), None)
    if start is None:
        return ""
    title = title[start:]
    if title[0].isdigit() and title[0].isascii():
        return re.match(r"[0-9]+", title).group(0)  # type: ignore[union-attr]
    kana = _KANA_RUN.match(title)
    if kana:  # アジア冷戦史 → ajia: a Japanese title opening with kana, read as it sounds
        from sinosoviet_cli.romanize.japanese import romaji

        return ascii_fold(romaji(kana.group(0))).replace(" ", "")
    if is_cjk(title[0]):
        run = _CJK_RUN.match(title)
        assert run is not None
        return romanise(_first_cjk_word(run.group(0)))
    stop = _vocabulary().latin_stopwords
    words = [ascii_fold(w) for w in _LATIN_WORD.findall(title)]
    words = [w for w in words if w]
    content = [w for w in words if w not in stop]
    return (content or words or [""])[0]


def _first_cjk_word(run: str) -> str:
    from pypinyin.seg.mmseg import seg

    simplified = to_simplified(run)
    pieces = list(seg.cut(simplified))
    first = pieces[0] if pieces else ""
    if len(first) >= 2:
        return run[: min(len(first), 4)]
    return run[:2]


def year_of(fields: Mapping[str, str]) -> str:
    """The key's year: the first year of ``year`` or ``date``; ``nd`` (no date)."""
    for name in ("year", "date"):
        found = first_year(fields.get(name, ""))
        if found is not None:
            return str(found)
    return "nd"


def base_key(fields: Mapping[str, str]) -> str:
    """The key before collision suffixes, from a work's BibTeX fields."""
    name = ""
    for role in ("author", "editor", "translator"):
        persons = split_persons(fields.get(role, ""))
        if persons:
            name = romanise_family(persons[0])
            break
    printed = fields.get("usera", "").split()
    if printed:
        # Sinological entries print their romanisation (family first): Seo, not "mei"
        # from reading 妹尾 as Chinese.
        name = ascii_fold(printed[0]).lower() or name
    word = first_title_word(fields.get("title", ""))
    year = year_of(fields)
    if year == "nd":  # a word of its own: luo-nd-wenge, not luondwenge
        return "-".join(filter(None, (name or "anon", year, word)))
    return f"{name or 'anon'}{year}{word}"


def unique(bases: Sequence[str]) -> list[str]:
    """Make keys unique without regard to case: every member of a group that shares a
    base gets ``a``, ``b``, … in order, so no key silently means another work."""
    folded = [b.casefold() for b in bases]
    counts: dict[str, int] = {}
    for b in folded:
        counts[b] = counts.get(b, 0) + 1
    seen: dict[str, int] = {}
    taken = {b for b in folded if counts[b] == 1}
    result: list[str] = []
    for b in folded:
        if counts[b] == 1:
            result.append(b)
            continue
        n = seen.get(b, 0)
        while True:
            candidate = b + _suffix(n)
            n += 1
            if candidate not in taken:
                break
        seen[b] = n
        taken.add(candidate)
        result.append(candidate)
    return result


def _suffix(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def assign(works_fields: Sequence[Mapping[str, str]]) -> list[str]:
    """Keys for a list of works (in bibliography order)."""
    return unique([base_key(f) for f in works_fields])
