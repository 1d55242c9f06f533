"""Bibliography order (W9): citeproc-py sorts by lower-cased code point, so works
are sorted here by keys computed once, Han text romanised as citation keys read it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.csl.items import _by_key, csl_name
from sinosoviet_cli.model import Work, split_persons
from sinosoviet_cli.romanize import japanese
from sinosoviet_cli.text.latex import unbrace
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk, nfc, to_simplified

_CJK_RUN = re.compile(f"{CJK_CHAR}+")


@cache
def romanise(text: str) -> str:
    """A sort string: Han characters as tone-less pinyin syllables, Latin letters
    without accents, case folded. Chinese works thus file among Western ones by the
    romanised name, as Chicago files romanised names."""
    if has_cjk(text):
        from sinosoviet_cli.csl.readings import romanise_han

        # Each run of Han characters read as citation keys read it (Simplified first,
        # so 重慶 is chongqing and 長沙 changsha, and phrases in context: 銀行
        # yinhang), from a compact table instead of pypinyin's phrase dictionary
        # (``readings``); the rest of the text (digits, Latin words) is kept here as
        # words of the sort string.
        text = _CJK_RUN.sub(lambda m: f" {romanise_han(nfc(m.group()))} ", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", stripped.casefold())).strip()


@cache
def _surnames() -> tuple[frozenset[str], dict[str, str], str]:
    """Compound surnames (Simplified), surname readings and corporate-name endings: the
    romanize tables, shared with citation keys (pypinyin 0.55 has no surname mode)."""
    import tomllib

    from sinosoviet_cli.romanize.syllables import tables

    data = resources.files("sinosoviet_cli") / "data"
    keys = tomllib.loads((data / "keys.toml").read_text(encoding="utf-8"))
    readings = {k: v.lower() for k, v in tables().surname_readings.items()}
    return (tables().compound_surnames, readings, str(keys.get("corporate_endings", "")))


def romanise_name(name: str) -> str:
    """A Chinese personal name's sort string, its surname read as a surname (曾 zeng,
    單 shan, 解 xie, 區 ou; 歐陽 ouyang). Names of bodies (人民出版社, 解放日報) and
    long transliterations (詹姆斯多爾蒂) are romanised as written; a transliteration
    with its separator (詹姆斯‧多爾蒂) files by the family name after the last ‧."""
    parts = [x for x in re.split(r"[‧·・•]", name) if x.strip()]
    if len(parts) > 1 and has_cjk(name):
        return f"{romanise(parts[-1])} {romanise(' '.join(parts[:-1]))}"
    if not has_cjk(name) or not all(has_cjk(ch) for ch in name):
        return romanise(name)
    compound, readings, corporate = _surnames()
    if len(name) > 4 or (len(name) > 3 and name[-1] in corporate):
        return romanise(name)
    size = 2 if to_simplified(name[:2]) in compound else 1
    surname = readings.get(name[:size]) or romanise(name[:size]).replace(" ", "")
    return f"{surname} {romanise(name[size:])}".strip()


def _literal_key(name: str) -> str:
    """A literal name's sort string: a Japanese name's reading where the table knows
    it (和田春樹 → wada haruki), else the name romanised as Chinese."""
    return japanese.reading(name) or romanise_name(name)


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def sort_key(work: Work, by_key: Mapping[str, Work], *,
             by_date: bool = False) -> tuple[str, ...]:
    """Chicago order: first person (author, else editor; family name first), then
    title without a leading article, then year; the original text breaks ties.
    ``by_date`` (author-date styles): person, then year (undated last), then title."""
    f = inherit(work, by_key)
    persons = f.get("author") or f.get("editor") or ""
    names, sortable = [], []
    for p in split_persons(persons):
        n = csl_name(p)
        names.append(n.get("literal") or f"{n.get('family', '')} {n.get('given', '')}")
        sortable.append(_literal_key(n["literal"]) if "literal" in n else romanise(names[-1]))
    title = unbrace(f.get("title", ""))
    first = " ; ".join(sortable) if names else romanise(_ARTICLE.sub("", title))
    # 和田春樹 files by its reading (above); an unread Japanese name after all romanised ones
    first = japanese.file_after_romanised(first, names[0] if names else title, f,
                                          read=bool(names) and bool(japanese.reading(names[0])))
    year = f.get("year", "") or f.get("date", "")
    if by_date:
        found = re.match(r"\s*(\d{3,4})", year)
        dated = f"{int(found.group(1)):04d}{year}" if found else "~"  # n.d. sorts last
        return (first, dated, romanise(_ARTICLE.sub("", title)), " ; ".join(names), title,
                work.key)
    return (first, romanise(_ARTICLE.sub("", title)), year, " ; ".join(names), title, work.key)


def sort_works(works: Sequence[Work], context: Sequence[Work] = (), *,
               by_date: bool = False) -> list[Work]:
    """Works in Chicago bibliography order (keys computed once per work); ``by_date``
    as the author-date styles sort (``sort_key``)."""
    by_key = _by_key([*context, *works])
    keyed = [(sort_key(w, by_key, by_date=by_date), w) for w in works]
    keyed.sort(key=lambda pair: pair[0])
    return [w for _, w in keyed]

