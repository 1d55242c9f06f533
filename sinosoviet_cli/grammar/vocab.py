"""Vocabulary: grammar.toml loaded once into a frozen, compiled :class:`_Vocab`
(the grammar's words are data; the code only compiles them into patterns)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.text.normalize import CJK_CHAR


def _alt(words: Iterable[str]) -> str:
    """A regex alternation trying longer words first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Vocab:
    roles: Mapping[str, str]  # role word -> "author" | "editor" | "translator" | "reviser"
    compilers: frozenset[str]  # editor words meaning "compiled by" (編, not 主編)
    compiled_titles: tuple[str, ...]  # title words of a compilation of documents
    bodies: tuple[str, ...]  # name endings of a corporate editor
    role_re: re.Pattern[str]  # name list + optional 等 + role word at the end
    container_cjk: re.Pattern[str]
    quote_title: re.Pattern[str]  # 「篇名」 before 《 or a chapter word: an article title
    cue_cjk: re.Pattern[str]
    cue_latin: re.Pattern[str]
    cue_latin_any: re.Pattern[str]
    ibid: re.Pattern[str]
    note_ref: re.Pattern[str]
    archives: tuple[str, ...]
    record_groups: tuple[str, ...]  # 外交部檔案: a body's records, cited like a container
    call_number: re.Pattern[str]
    archive_abbr: re.Pattern[str]
    call_part: re.Pattern[str]
    leaves: re.Pattern[str]
    earlier: re.Pattern[str]
    nationality: re.Pattern[str]
    phd: re.Pattern[str]
    masters: re.Pattern[str]
    online_suffixes: tuple[str, ...]
    edition: re.Pattern[str]
    access: re.Pattern[str]
    report: re.Pattern[str]
    remark: re.Pattern[str]  # 内部发行 / 光盘版: how a work circulated (-> note)
    conference: re.Pattern[str]
    proceedings: re.Pattern[str]
    corporate: tuple[str, ...]
    corporate_romanized: tuple[str, ...]  # yanjiushi, weiyuanhui: a romanised body's end
    publisher_suffixes: tuple[str, ...]
    volume_units: str
    volume_parts: str
    abbreviations: frozenset[str]
    particles: frozenset[str]
    not_names: frozenset[str]
    self_refs: frozenset[str]
    prose: re.Pattern[str]
    places: frozenset[str]
    months: Mapping[str, int]
    month_re: str
    season_re: str
    event_markers: re.Pattern[str]
    surnames: frozenset[str]
    sino_prose: frozenset[str]  # English prose words never inside a romanised name
    latin_in: tuple[str, ...]  # "in": a chapter's container follows
    latin_editor: tuple[str, ...]  # ed. / eds. / edited by / (eds.)
    latin_editor_nouns: tuple[str, ...]  # editor / editors
    latin_translator: tuple[str, ...]  # trans. / translated by
    page_latin: str  # regex: the dotted Latin page prefixes (pp.|p.)
    page_latin_any: str  # regex: every Latin page prefix (pp.|p.|pp|p)
    page_cjk: str  # regex: the page word (頁|页)
    page_ordinal: str  # regex: 第
    page_newspaper: str  # regex: 版
    newspaper_words: tuple[str, ...]  # 版: a locator that is a newspaper page
    page_range_words: str  # regex: 至 / 到 between the two ends of a page range
    front_page: frozenset[str]  # 头版: page 1 of a newspaper
    japanese_families: tuple[str, ...]  # 下斗米, 佐々木: a 5-6 character name is Japanese
    japanese_places: frozenset[str]  # 東京, 京都: a Japanese imprint
    japanese_publishers: tuple[str, ...]  # 書房, 出版会: endings of Japanese publishers


@cache
def _vocab() -> _Vocab:
    raw: dict[str, Any] = tomllib.loads(
        (resources.files("sinosoviet_cli") / "data" / "grammar.toml").read_text("utf-8")
    )
    roles = {w: role for role in ("author", "editor", "translator", "reviser")
             for w in raw["roles"][role]}
    nat = raw["nationality"]
    pages = raw["pages"]
    months = {k: int(v) for k, v in raw["months"].items()}
    return _Vocab(
        roles=MappingProxyType(roles),
        compilers=frozenset(raw["roles"]["compiler"]),
        compiled_titles=tuple(raw["roles"]["compiled_titles"]),
        bodies=tuple(raw["roles"]["bodies"]),
        role_re=re.compile(f"(?P<etal>{_alt(raw['roles']['etal'])})?(?P<role>{_alt(roles)})$"),
        container_cjk=re.compile(f"^(?:{_alt(raw['containers']['cjk'])})"),
        quote_title=re.compile(
            rf"(?:^|(?<=[，,：:\s])|(?<={CJK_CHAR}))[「“]([^「」“”《》]{{1,80}})[」”]"
            rf"(?=\s*[，,]?\s*(?:《|{_alt(raw['containers']['cjk'])}))"
        ),
        cue_cjk=re.compile(_alt(raw["cues"]["cjk"])),
        cue_latin=re.compile(f"^(?:{_alt(raw['cues']['latin'])})(?=[\\s\u4e00-\u9fff])\\s*"),
        cue_latin_any=re.compile(f"(?<![\\w.])(?:{_alt(raw['cues']['latin'])})\\s+"),
        ibid=re.compile(f"^(?:{_alt(raw['backrefs']['ibid'])})"),
        note_ref=re.compile(
            f"^(?P<word>{_alt(raw['backrefs']['note_ref'])})\\s*[\\[［〔(（]?\\s*"
            f"(?P<n>\\d{{1,4}})(?!\\d)\\s*[\\]］〕)）]?"
            f"(?:\\s*(?:{_alt(raw['backrefs']['note_ref_after'])})\\b)?"),
        archives=tuple(raw["archives"]["suffixes"]),
        record_groups=tuple(raw["archives"]["record_groups"]),
        archive_abbr=re.compile(raw["archives"]["abbreviation"]),
        call_part=re.compile(f"(?:{_alt(raw['archives']['call_parts'])})\\.\\s*[\\w/\\-]+"),
        leaves=re.compile(f"(?:{_alt(raw['archives']['leaves'])})\\.\\s*(.+)"),
        call_number=re.compile(f"^(?:{_alt(raw['archives']['call_numbers'])})\\s*[：:]?\\s*(\\S+)$"),
        earlier=re.compile(_alt(raw["backrefs"]["earlier"])),
        nationality=re.compile(
            f"^[{re.escape(''.join(nat['open']))}]\\s*(?:{_alt(nat['countries'])})\\s*"
            f"[{re.escape(''.join(nat['close']))}]\\s*"
        ),
        phd=re.compile(_alt(raw["theses"]["phd"])),
        masters=re.compile(_alt(raw["theses"]["masters"])),
        online_suffixes=tuple(raw["online"]["container_suffixes"]),
        edition=re.compile(_alt(raw["online"]["edition_words"])),
        access=re.compile(f"^(?:{_alt(raw['online']['access_words'])})\\s*[：:]?\\s*"),
        report=re.compile(_alt(raw["reports"]["words"])),
        remark=re.compile(f"(?:{_alt(raw['remarks']['words'])})"),
        conference=re.compile(_alt(raw["conference"]["words"])),
        proceedings=re.compile(_alt(raw["conference"]["proceedings"])),
        corporate=tuple(raw["corporate"]["suffixes"]),
        corporate_romanized=tuple(raw["corporate"]["romanized_suffixes"]),
        publisher_suffixes=tuple(raw["publishers"]["suffixes"]),
        volume_units="".join(u for u in raw["volumes"]["units"] if len(u) == 1),
        volume_parts="".join(raw["volumes"]["parts"]),
        abbreviations=frozenset(raw["latin"]["abbreviations"]),
        particles=frozenset(raw["latin"]["particles"]),
        not_names=frozenset(raw["prose"]["not_names"]),
        self_refs=frozenset(raw["prose"]["self_refs"]),
        prose=re.compile(_alt(raw["prose"]["markers"])),
        places=frozenset(raw["places"]["cjk"] + raw["places"]["latin"]),
        months=MappingProxyType(months),
        month_re=_alt(months),
        season_re=_alt(raw["seasons"]["words"]),
        event_markers=re.compile(f"(?:{_alt(raw['conference']['markers'])})\\s*"),
        surnames=frozenset(raw["pinyin"]["surnames"]),
        sino_prose=frozenset(raw["sinological"]["prose_words"]),
        latin_in=tuple(raw["containers"]["latin"]),
        latin_editor=tuple(raw["containers"]["latin_editor"]),
        latin_editor_nouns=tuple(raw["containers"]["latin_editor_nouns"]),
        latin_translator=tuple(raw["containers"]["latin_translator"]),
        page_latin=_alt(w for w in pages["latin_prefix"] if w.endswith(".")),
        page_latin_any=_alt(pages["latin_prefix"]),
        page_cjk=_alt(pages["cjk_page"]),
        page_ordinal=_alt(pages["cjk_ordinal"]),
        page_newspaper=_alt(pages["cjk_newspaper"]),
        newspaper_words=tuple(pages["cjk_newspaper"]),
        page_range_words=_alt(pages["range_words"]),
        front_page=frozenset(pages["front_page"]),
        japanese_families=tuple(sorted(set(raw["japanese"]["family_names"]), key=len,
                                       reverse=True)),
        japanese_places=frozenset(raw["japanese"]["places"]),
        japanese_publishers=tuple(raw["japanese"]["publisher_suffixes"]),
    )


def is_compilation(title: str, editors: Sequence[str]) -> bool:
    """True for a compilation of documents — a body as editor (人民出版社) or a title of
    documents (…文稿, …論戰) — whose 編 is "compiled by" (Chicago "comp."); a volume of
    essays edited with 編 is not ("ed.")."""
    v = _vocab()
    folded = title.casefold()
    return (any(w in folded for w in v.compiled_titles)
            or any(name.endswith(v.bodies) for name in editors))
