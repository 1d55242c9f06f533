"""Tail rules: the items after a title (places, publishers, dates, volumes, pages,
archives), one ordered rule table; the bracketed publication group is ``group``."""

from __future__ import annotations

import re
from functools import cache

from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.group import GROUP_RULES, TailRule, _first, _pub_group
from sinosoviet_cli.grammar.lexical import (
    _D,
    _EDITION,
    _NUM,
    _QUOTES_CLOSE,
    _QUOTES_OPEN,
    _URL,
    _YEAR,
    _clean,
    _cn_number,
    _date_of,
    _depths,
    _is_date,
    _is_pages,
    _match_close,
    _pages,
    _roc,
)
from sinosoviet_cli.grammar.persons import _name_clause
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.text.normalize import has_cjk

__all__ = ["GROUP_RULES", "TAIL_RULES", "TailRule", "_pub_group", "_read_tail"]


# ── the items after the title(s) ────────────────────────────────────────────


def _item_url(d: _Draft, item: str) -> bool | None:
    url = _URL.search(item)
    if not url:
        return None
    d.url = url.group(0).rstrip(".,")  # 網址：http://… or a bare address
    return True


def _item_archive_abbr(d: _Draft, item: str) -> bool | None:
    """АПРФ，ф.45，оп.1，д.331，л.65-67: a Russian archive (then fond/opis'/delo, leaves)."""
    if not _vocab().archive_abbr.fullmatch(item) or d.institution or d.publishers:
        return None
    d.institution, d.extra["archive"] = item, "1"
    return True


def _item_call_part(d: _Draft, item: str) -> bool | None:
    if not (d.extra.get("archive") and _vocab().call_part.fullmatch(item)):
        return None
    d.number = f"{d.number}, {item}" if d.number else item
    return True


def _item_leaves(d: _Draft, item: str) -> bool | None:
    leaves = _vocab().leaves.fullmatch(item) if d.extra.get("archive") else None
    if not (leaves and _is_pages(leaves.group(1).replace("об", ""))):
        return None
    d.pages = _pages(leaves.group(1))
    return True


def _item_access(d: _Draft, item: str) -> bool | None:
    access = _vocab().access.match(item)
    if not (access and _is_date(item[access.end():])):
        return None
    d.extra["urldate"] = _date_of(item[access.end():])[1]
    return True


def _item_edition(d: _Draft, item: str) -> bool | None:
    if not _EDITION.fullmatch(item) or (d.date and _is_pages(item)):
        return None  # 第1版 after a dated newspaper is a page; after a book an edition
    d.extra["edition"] = item
    return True


def _item_remark(d: _Draft, item: str) -> bool | None:
    """（内部发行） / 内刊 / （光盘版）: how the work circulated, kept in ``note``."""
    body = item[1:-1].strip() if item[:1] in "（(" and item[-1:] in "）)" else item
    if not _vocab().remark.fullmatch(body):
        return None
    d.note = f"{d.note}；{body}" if d.note else body
    return True


_VOLUME_IN_BRACKETS = re.compile(r"[（(]\s*([上中下]|[一二三四五六七八九十]{1,3})\s*[）)]")


@cache
def _unit_in_brackets() -> re.Pattern[str]:
    """（上册） / （第3卷）: a volume word inside the brackets."""
    v = _vocab()
    return re.compile(rf"[（(]\s*(?:第\s*({_NUM}+)|([{v.volume_parts}]))\s*[{v.volume_units}]"
                      r"\s*[）)]")


def _item_volume_in_brackets(d: _Draft, item: str) -> bool | None:
    """《十年論戰》（上） / 《回憶錄》（一） / （上册） / （第3卷）: the volume cited; a bare
    part or numeral is kept as printed, 第N卷 as a number."""
    if d.volume:
        return None
    m = _VOLUME_IN_BRACKETS.fullmatch(item)
    if m:
        d.volume = m.group(1)
        return True
    u = _unit_in_brackets().fullmatch(item)
    if not u:
        return None
    d.volume = _cn_number(u.group(1)) if u.group(1) else u.group(2)
    return True


def _item_group(d: _Draft, item: str) -> bool | None:
    if not (item[0] in "（(" and _match_close(item, 0) == len(item) - 1):
        return None
    return _pub_group(d, item[1:-1])


def _item_pages(d: _Draft, item: str) -> bool | None:
    if not _is_pages(item):
        return None
    d.pages = _pages(item)
    # 第1版 / 版1 (Taiwanese order): a newspaper page
    word = next((w for w in _vocab().newspaper_words if item.endswith(w) or item.startswith(w)),
                "")
    if word:
        d.extra["locator"] = word
    return True


def _item_web_edition(d: _Draft, item: str) -> bool | None:
    if not _vocab().edition.fullmatch(item):
        return None
    d.note = item  # 網路版
    return True


@cache
def _volume_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """上、下卷 (a set) / 第二卷, 上冊 (one volume) / 第2、3卷, 第二至四卷 (several)."""
    v = _vocab()
    units, parts = v.volume_units, v.volume_parts
    return (
        re.compile(rf"([{parts}](?:\s*、\s*[{parts}])+)\s*[{units}]"),
        re.compile(rf"(?:第\s*({_NUM}+)|([{parts}]))\s*[{units}]"),
        re.compile(rf"第?\s*({_NUM}+)\s*([、,，]|至|到|[{_D}])\s*第?\s*({_NUM}+)\s*[{units}]"),
    )


def _item_volume_set(d: _Draft, item: str) -> bool | None:
    m = _volume_patterns()[0].fullmatch(item)
    if not m:
        return None
    d.extra["volumes"] = str(len(re.findall(f"[{_vocab().volume_parts}]", m.group(1))))
    return True


def _item_volume(d: _Draft, item: str) -> bool | None:
    m = _volume_patterns()[1].fullmatch(item)
    if not m:
        return None
    d.volume = _cn_number(m.group(1)) if m.group(1) else m.group(2)
    return True


def _item_volumes(d: _Draft, item: str) -> bool | None:
    m = _volume_patterns()[2].fullmatch(item)
    if not m:
        return None
    sep = ", " if m.group(2) in "、,，" else "--"
    d.volume = f"{_cn_number(m.group(1))}{sep}{_cn_number(m.group(3))}"
    return True


_PART = re.compile(rf"第\s*({_NUM}+)\s*[編编章節节篇]")
_JOURNAL_ISSUE = re.compile(
    rf"(?:({_YEAR})\s*年\s*)?(?:第?\s*({_NUM}+)\s*卷\s*)?(?:[總总]?第?\s*({_NUM}+)\s*[期號号])?"
)
_VOLUME_NUMBER = re.compile(r"(?:vol\.\s*)?(\d{1,4})(?:\s*[:：]\s*(\d{1,3}))?")
_MAINLAND_IMPRINT = re.compile(
    rf"(?:(.+?)\s*[：:]\s*)?(.+?)\s*({_YEAR})\s*年(?:\d{{1,2}}月)?\s*版?"
)
_PLACE_PUBLISHER = re.compile(r"([^：:\s]{1,12})\s*[：:]\s*(.+)")


def _item_part(d: _Draft, item: str) -> bool | None:
    if not _PART.fullmatch(item):
        return None
    d.extra["part"] = item  # 第三編 / 第五章: a part of the book, not a volume
    return True


def _item_journal_issue(d: _Draft, item: str) -> bool | None:
    """第15卷第3期 / 15卷3期 / 第十五期 / 2003年第3期"""
    m = _JOURNAL_ISSUE.fullmatch(item)
    if not (m and (m.group(2) or m.group(3))):
        return None
    if m.group(1):
        d.year = m.group(1)
    d.volume = _cn_number(m.group(2) or "") or d.volume
    d.number = _cn_number(m.group(3) or "") or d.number
    return True


def _item_volume_number(d: _Draft, item: str) -> bool | None:
    """``12`` / ``vol. 12`` / ``12:3`` after a journal."""
    m = _VOLUME_NUMBER.fullmatch(item)
    if not (m and d.container and not d.volume and not d.pages) or re.fullmatch(_YEAR, item):
        return None
    d.volume = m.group(1)
    d.number = m.group(2) or ""
    return True


def _item_date(d: _Draft, item: str) -> bool | None:
    """1999年版 / 2007年10月22日 / 1962"""
    if not _is_date(item.removesuffix("版")):
        return None
    d.year, d.date = _date_of(item.removesuffix("版"))
    return True


_MONTH_ISSUE = re.compile(rf"({_YEAR}\s*年\s*\d{{1,2}}\s*月)\s*[號号]")


def _item_month_issue(d: _Draft, item: str) -> bool | None:
    """《二十一世紀》2000年4月號: a monthly dated by its issue month (date 2000-04)."""
    m = _MONTH_ISSUE.fullmatch(item)
    if not m:
        return None
    d.year, d.date = _date_of(m.group(1))
    return True


_DATED_PAGE = re.compile(rf"({_YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)\s*(第.+|[头頭]版)")


def _item_dated_page(d: _Draft, item: str) -> bool | None:
    """《人民日报》1958年12月19日第1版: the date and the page printed without a comma."""
    m = _DATED_PAGE.fullmatch(item)
    if not m:
        return None
    d.year, d.date = _date_of(m.group(1))
    return _tail_item(d, m.group(2))


def _item_mainland_imprint(d: _Draft, item: str) -> bool | None:
    """人民出版社1999年版 / 北京：人民出版社1999年版"""
    m = _MAINLAND_IMPRINT.fullmatch(item)
    if not (m and has_cjk(m.group(2))):
        return None
    if m.group(1):
        d.places = (*d.places, _clean(m.group(1)))
    d.publishers = (*d.publishers, _clean(m.group(2)))
    d.year = m.group(3)
    return True


def _add_call_part(d: _Draft, printed: str, number: str) -> None:
    """One part of a call number. A single part keeps only its number (档号109-00830-01
    -> ``109-00830-01``); several keep their words as printed (全宗号A36，目录号1，卷56)."""
    parts = [p for p in d.extra.get("callparts", "").split("\x1f") if p]
    parts.append(printed)
    d.extra["callparts"] = "\x1f".join(parts)
    d.number = number if len(parts) == 1 else "，".join(parts)
    d.extra["archive"] = d.extra.get("archive", "") or "1"


def _item_call_number(d: _Draft, item: str) -> bool | None:
    cm = _vocab().call_number.match(item)
    if not cm or not re.search(r"\d", cm.group(1)):
        return None
    _add_call_part(d, item, cm.group(1))
    return True


_BARE_CALL_NUMBER = re.compile(r"[A-Za-z]{0,3}\d[\w·.\-/－]*")


def _item_bare_call_number(d: _Draft, item: str) -> bool | None:
    """江苏省档案馆藏，3011-永久-123 / C39·1-22: a call number right after a repository."""
    if not (d.extra.get("archive") and d.institution and not d.number
            and _BARE_CALL_NUMBER.fullmatch(item) and not _is_date(item)):
        return None
    _add_call_part(d, item, item)
    return True


def _item_repository(d: _Draft, item: str) -> bool | None:
    """外交部檔案館藏: the repository of a document."""
    archives = _vocab().archives
    if not (item.endswith(archives) or item.removesuffix("藏").endswith(archives)):
        return None
    d.institution = _clean(item.removesuffix("藏"))
    d.extra["archive"] = "1"
    return True


def _item_names(d: _Draft, item: str) -> bool | None:
    """陈瑶华等译 after the title (mainland order)."""
    names = _name_clause(item) if has_cjk(item) else None
    if names is None or not names.role:
        return None
    d.add_names(names, default="author")
    return True


def _item_event(d: _Draft, item: str) -> bool | None:
    """「…論文發表會」"""
    quoted = item[0] in _QUOTES_OPEN and item[-1] in _QUOTES_CLOSE
    if not (quoted and _vocab().conference.search(item)):
        return None
    d.eventtitle = item[1:-1].strip()
    return True


def _item_place_publisher(d: _Draft, item: str) -> bool | None:
    """台中：中興大學國際政治所 / 北京：人民出版社"""
    m = _PLACE_PUBLISHER.fullmatch(item)
    if not m or _vocab().prose.search(m.group(2)):
        return None
    d.places = (*d.places, _clean(m.group(1)))
    if d.eventtitle or d.thesis:
        d.institution = _clean(m.group(2))
    else:
        d.publishers = (*d.publishers, _clean(m.group(2)))
    return True


def _item_publisher(d: _Draft, item: str) -> bool | None:
    """人民出版社: a clause ending like a publisher, without a place."""
    v = _vocab()
    endings = v.publisher_suffixes + v.japanese_publishers  # 有斐閣, 講談社: Japanese houses
    if not (has_cjk(item) and item.endswith(endings) and len(item) <= 20):
        return None
    d.publishers = (*d.publishers, item)
    return True


#: Ordered rules for one item after the title(s); the first that claims it decides.
TAIL_RULES: tuple[TailRule, ...] = (
    ("url", _item_url),
    ("archive-abbreviation", _item_archive_abbr),
    ("archive-call-part", _item_call_part),
    ("archive-leaves", _item_leaves),
    ("access-date", _item_access),
    ("edition", _item_edition),
    ("remark", _item_remark),
    ("volume-in-brackets", _item_volume_in_brackets),
    ("publication-group", _item_group),
    ("pages", _item_pages),
    ("web-edition", _item_web_edition),
    ("volume-set", _item_volume_set),
    ("volume", _item_volume),
    ("volumes", _item_volumes),
    ("part", _item_part),
    ("journal-issue", _item_journal_issue),
    ("volume-number", _item_volume_number),
    ("date", _item_date),
    ("month-issue", _item_month_issue),
    ("dated-page", _item_dated_page),
    ("mainland-imprint", _item_mainland_imprint),
    ("call-number", _item_call_number),
    ("repository", _item_repository),
    ("bare-call-number", _item_bare_call_number),
    ("role-names", _item_names),
    ("event", _item_event),
    ("place-publisher", _item_place_publisher),
    ("publisher", _item_publisher),
)

#: A CJK letter (not punctuation, not a digit): what glues a bracket into a name.
_CJK_LETTER = re.compile(r"[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_NEWSPAPER_PAGE = re.compile(r"^第\s*([一二三四五六七八九十]{1,3})\s*版$")


def _tail_item(d: _Draft, item: str) -> bool:
    """One comma-separated item after the title(s); False if it is not bibliographic."""
    item = _roc(item.strip().strip("。．"))
    if not item:
        return True
    if d.date:  # 第一版 (头版) after a dated newspaper: a page, in digits
        item = "第1版" if item in _vocab().front_page else item
        item = _NEWSPAPER_PAGE.sub(lambda m: f"第{_cn_number(m.group(1))}版", item)
    return bool(_first(TAIL_RULES, d, item))


def _inside_name(text: str, i: int) -> bool:
    """三联书店（香港）有限公司 / 星克尔出版（香港）有限公司: a bracket glued to CJK
    letters on both sides is part of a name, not an item of its own."""
    close = _match_close(text, i)
    return (i > 0 and close > 0 and close + 1 < len(text)
            and _CJK_LETTER.match(text[i - 1]) is not None
            and _CJK_LETTER.match(text[close + 1]) is not None)


def _tail_items(text: str) -> list[tuple[int, int]]:
    """Split the tail after a title into items: top-level bracket groups stand alone,
    the rest is split at ，；; and at a half-width comma not between two digits."""
    items: list[tuple[int, int]] = []
    depths = _depths(text)
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if depths[i] == 0 and char in "（(" and not _inside_name(text, i):
            close = _match_close(text, i)
            close = len(text) - 1 if close < 0 else close
            items.append((start, i))
            items.append((i, close + 1))
            i = start = close + 1
            continue
        between_digits = (
            char == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit()
            and text[i + 1].isdigit()
        )
        if depths[i] == 0 and char in "，；;," and not between_digits:
            items.append((start, i))
            start = i + 1
        i += 1
    items.append((start, len(text)))
    return [(a, b) for a, b in items if a < b]


#: The longest publisher name read by its position alone (before the year).
_PUBLISHER_LIMIT = 30


def _publisher_before_year(d: _Draft, item: str, nxt: str) -> bool:
    """``《书名》，某某书社，2008年``: a CJK item right after the title(s) and right before
    the year, with no role word, no prose and no publisher yet, is the publisher, whatever
    its name ends with. Items that other rules read never get here."""
    if not (d.title and not d.publishers and not d.container and not d.year
            and has_cjk(item) and len(item) <= _PUBLISHER_LIMIT and _is_year_item(nxt)):
        return False
    v = _vocab()
    if v.prose.search(item) or v.cue_cjk.search(item) or item in v.not_names:
        return False
    if v.role_re.search(item) or re.search(r"[《》〈〉「」“”]", item):
        return False
    d.publishers = (_clean(item),)
    return True


def _is_year_item(item: str) -> bool:
    """2008年 / 2008年版 / 2008: a year (or a date), nothing else."""
    item = _roc(item.strip().strip("。．"))
    return _is_date(item.removesuffix("版")) and re.match(_YEAR, item) is not None


def _read_tail(d: _Draft, text: str, offset: int) -> int:
    """Read bibliographic items after the titles; return the end offset (relative to
    the whole citation) of what was recognised."""
    end = offset
    items = [(a, b) for a, b in _tail_items(text) if text[a:b].strip(" ，,。．.;；")]
    for k, (a, b) in enumerate(items):
        item = text[a:b].strip(" ，,;；。．")
        nxt = text[items[k + 1][0]:items[k + 1][1]].strip() if k + 1 < len(items) else ""
        # 《二十一世紀》，12（2003.3）: a bare number before a dated group is the volume.
        if (re.fullmatch(r"\d{1,4}", item) and d.container and not d.chapter and not d.volume
                and nxt[:1] in "（(" and _is_date(nxt[1:-1])):
            d.volume = item
        elif not _tail_item(d, item) and not _publisher_before_year(d, item, nxt):
            break
        end = offset + b
    rest = text[end - offset:]
    return end + (len(rest) - len(rest.lstrip(" ，,;；。．.")))
