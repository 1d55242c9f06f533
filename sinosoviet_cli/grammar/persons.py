"""Printed names in citations: one Chinese or Western name, a name clause with its
role word (著/編/譯, ed./trans.), a Latin name list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from sinosoviet_cli.grammar.lexical import _CJK_RE, _clean, _split_top
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Person
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk

_LATIN_TOKEN = r"(?:[A-Z][\w'’.\-]*|[a-z]{1,4})"
_LATIN_NAME = re.compile(rf"^[A-Z][\w'’.\-]*(?:\s+{_LATIN_TOKEN}){{0,4}}$")


def _western(name: str, *, alt: str = "") -> Person:
    """``Donald Zagoria`` / ``Chan, Alfred L.`` -> family and given."""
    name = _clean(name)
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return Person(family=family, given=given, alt=alt)
    tokens = name.split()
    if len(tokens) == 1:
        return Person(family=tokens[0], alt=alt)
    if len(tokens) == 2 and tokens[0] in _vocab().surnames and _PINYIN.fullmatch(
        tokens[1].replace("-", "").replace("’", "").replace("'", "").lower()
    ):
        return Person(family=tokens[0], given=tokens[1], alt=alt)  # "Chen Jian"
    # Particles (van, de) belong to the family name.
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1] in _vocab().particles:
        cut -= 1
    return Person(family=" ".join(tokens[cut:]), given=" ".join(tokens[:cut]), alt=alt)


_SYLLABLE = (
    "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    "|ua|uo|ui|un|ue|ve|üe|a|o|e|i|u|v|ü)"
)
_PINYIN = re.compile(f"(?:{_SYLLABLE}){{1,2}}")


def _is_latin_name(name: str) -> bool:
    if not _LATIN_NAME.match(name) or has_cjk(name):
        return False
    return all(t[0].isupper() or t in _vocab().particles for t in name.split())


def _is_corporate(name: str) -> bool:
    return name.endswith(_vocab().corporate) and len(name) >= 3


_ROMANIZED_BODY = re.compile(r"[A-Z][a-z'’\-]+(?: [a-z'’\-]+){1,7}")


def _is_romanized_body(name: str) -> bool:
    """``Zhonggong zhongyang wenxian yanjiushi``: a body's name in pinyin, capitalised
    once, ending with a body's word (grammar.toml [corporate] romanized_suffixes)."""
    return (_ROMANIZED_BODY.fullmatch(name) is not None
            and name.endswith(_vocab().corporate_romanized))


#: The longest Japanese name in kanji read without a role word (下斗米伸夫, 五百旗頭真).
JAPANESE_NAME_LIMIT = 6


def _japanese_family(core: str) -> bool:
    """The name starts with a known Japanese family name (grammar.toml [japanese]) and
    leaves at least one character for the given name."""
    lengths, families = _japanese_families()
    return any(len(core) > k and core[:k] in families for k in lengths)


@cache
def _japanese_families() -> tuple[tuple[int, ...], frozenset[str]]:
    """The family names as a set and their lengths: a name looks up its prefixes
    instead of testing every family name (this runs for every CJK name clause)."""
    families = frozenset(_vocab().japanese_families)
    return tuple(sorted({len(f) for f in families})), families


def _prose_like(core: str) -> bool:
    """此外還可參考: a cue word inside, or a prose opener (此外, 參見) at the start."""
    v = _vocab()
    return bool(v.cue_cjk.search(core)) or core.startswith(tuple(v.not_names))


def _plain_limit(core: str, plain_limit: int, japanese: bool) -> int:
    """A bare CJK name stops at ``plain_limit`` characters (4 for Chinese), or at 6 when
    the work is Japanese or the name starts with a Japanese family name."""
    if japanese or _japanese_family(core):
        return max(plain_limit, JAPANESE_NAME_LIMIT)
    return plain_limit


def _cjk_person(item: str, alt: str, *, has_role: bool, foreign: bool, plain_limit: int,
                japanese: bool) -> Person | None:
    """A name in characters. A role word or an alternate form vouches for it (prose words
    are not checked); with a nationality prefix too, it may be long."""
    v = _vocab()
    # "A. M. 列多夫斯基": Latin initials before a transliterated name
    core = re.sub(r"[‧·・•．.\s]", "", re.sub(r"^(?:[A-Z]\.\s*)+", "", item))
    if not core or not all(_CJK_RE.match(c) for c in core):
        return None
    if _is_corporate(core) and len(core) <= 24:
        return Person(literal=item, alt=alt)
    # 卓也, 達也: a Japanese given name may end in 也, which elsewhere marks prose
    checked = core.removesuffix("也") if _japanese_family(core) else core
    if item in v.not_names or (not has_role and not alt and v.prose.search(checked)):
        return None
    limit = (16 if (has_role or alt or foreign or len(core) != len(item))
             else _plain_limit(core, plain_limit, japanese))
    if not 2 <= len(core) <= limit or (len(core) > plain_limit and _prose_like(core)):
        return None
    item = re.sub(f"(?<={CJK_CHAR})\\s+(?={CJK_CHAR})", "", item)  # 楊 奎松 (PDF spacing)
    if alt and _is_latin_name(alt):
        return _western(alt, alt=item)
    return Person(literal=item, alt=alt)


def _person(item: str, *, has_role: bool, plain_limit: int = 4,
            japanese: bool = False) -> Person | None:
    """One printed name, or None if it does not look like one. ``plain_limit``: the
    longest Chinese name accepted without a role word, alternate form or separator
    (raised to 6 for a Japanese name: ``japanese`` work, or a known family name)."""
    v = _vocab()
    # 〔美〕麥克法夸爾: a nationality prefix marks a transliterated foreign name, which may
    # be long without a separator; the prefix itself is dropped (as CMOS does).
    foreign = bool(v.nationality.match(item.strip()))
    item = v.nationality.sub("", item.strip()).strip()
    if not item:
        return None
    alt = ""
    m = re.fullmatch(r"(.+?)\s*[（(]([^()（）]+)[)）]", item)
    if m:
        item, alt = m.group(1).strip(), _clean(m.group(2))
    if has_cjk(item):
        return _cjk_person(item, alt, has_role=has_role, foreign=foreign,
                           plain_limit=plain_limit, japanese=japanese)
    if _is_latin_name(item):
        return _western(item, alt=alt)
    return None


@dataclass(frozen=True, slots=True)
class _Names:
    role: str  # "author" | "editor" | "translator" | "" (no role word)
    persons: tuple[Person, ...]
    etal: bool
    word: str  # the role word as printed


def _role_in_body(clause: str, word: str) -> bool:
    """校 ending 中共中央黨校 is part of a body's name (黨校), not the role "revised by"."""
    return any(clause.endswith(s) and len(s) > len(word) for s in _vocab().corporate)


@lru_cache(maxsize=1 << 16)  # pure, immutable result; a draft repeats its names
def _name_clause(clause: str, *, plain_limit: int = 4, japanese: bool = False) -> _Names | None:
    """``閻學通、陳寒溪等譯`` -> translators; ``李越然`` -> unnamed role; else None.
    ``japanese``: the work is Japanese, so a bare name may run to 6 kanji."""
    v = _vocab()
    clause = clause.strip()
    if clause in v.self_refs:
        # 氏著: "his/her own work" — the author is named in the prose, not here
        return _Names(v.roles.get(clause[1:], "author"), (), False, clause[1:])
    role, word, etal = "", "", False
    m = v.role_re.search(clause)
    if m and m.start() > 0 and not _role_in_body(clause, m.group("role")):
        word = m.group("role")
        role = v.roles[word]
        etal = bool(m.group("etal"))
        clause = clause[: m.start()].strip()
    elif clause.endswith(("等", "et al.", "et al")):
        etal = True
        clause = re.sub(r"\s*(?:等|et al\.?)$", "", clause)
    if not clause:
        return None
    if has_cjk(clause):
        items = [clause[a:b] for a, b in _split_top(clause, "、")]
    else:
        items = re.split(r",?\s+(?:and|&)\s+|\s*、\s*", clause)
    persons = []
    for item in items:
        person = _person(item, has_role=bool(role) or etal, plain_limit=plain_limit,
                         japanese=japanese)
        if person is not None:
            persons.append(person)
            continue
        # 楊奎松與沈志華 / 楊奎松和沈志華: two names joined by a conjunction
        pair = re.fullmatch(r"(.{2,16}?)\s*[與和及与]\s*(.{2,16})", item)
        both = [_person(x, has_role=bool(role) or etal) for x in pair.groups()] if pair else []
        if not both or None in both:
            return None
        persons.extend(p for p in both if p is not None)
    return _Names(role, tuple(persons), etal, word)


@lru_cache(maxsize=1 << 16)  # pure, immutable result; a draft repeats its names
def _latin_names(text: str) -> tuple[Person, ...] | None:
    text = _clean(text)
    if not text or has_cjk(text):
        return None
    parts = re.split(r",?\s+(?:and|&)\s+", text)
    if len(parts) == 1 and text.count(",") == 1:
        # "Chan, Alfred L." — family-first
        family, given = (p.strip() for p in text.split(","))
        if _is_latin_name(family) and _is_latin_name(given):
            return (Person(family=family, given=given),)
    persons = []
    for part in parts:
        part = part.strip()
        if _is_romanized_body(part):
            persons.append(Person(literal=part))
            continue
        if not _is_latin_name(part) or len(part.split()) > 5:
            return None
        persons.append(Person(literal=part) if _is_corporate(part) else _western(part))
    return tuple(persons)
