"""Imprint and tail rules: publication groups and the items after a title
(places, publishers, dates, volumes, pages, archives)."""

from __future__ import annotations

import re

from sinosoviet_cli.grammar.draft import _Draft
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


def _pub_group(d: _Draft, body: str) -> bool:
    """Read a parenthesised publication group: ``北京：春秋出版社；長沙：湖南教育出版社，1989``,
    ``台北：…研究所博士論文，1996``, ``2003.3``. False if it is something else."""
    v = _vocab()
    body = _roc(body.strip())
    if not body:
        return False
    if _EDITION.fullmatch(body):
        d.extra["edition"] = body  # 《書名》（修訂版）
        return True
    edition = re.search(rf"[，,\s]*({_EDITION.pattern})\s*$", body)
    if edition and re.search(_YEAR, body[: edition.start()]):
        d.extra["edition"] = edition.group(1)  # （台北：聯經，2001年初版）
        body = body[: edition.start()]
    issue = re.fullmatch(rf"({_YEAR})\s*年\s*第?\s*({_NUM}+)\s*[期號号]", body)
    if issue:
        d.year, d.number = issue.group(1), _cn_number(issue.group(2))  # 《歷史研究》（1998年第2期）
        return True
    if _is_date(body):
        d.year, d.date = _date_of(body)
        return True
    thesis = v.phd.search(body) or v.masters.search(body)
    if thesis:
        d.thesis = "phdthesis" if v.phd.search(body) else "mastersthesis"
        before, after = body[: thesis.start()], body[thesis.end():]
        # 台北：國立政治大學東亞研究所博士論文，1996 / PhD diss., Harvard University, 1990
        place, _, inst = before.rpartition("：") if "：" in before else before.rpartition(":")
        inst = inst.strip(" ,，")
        after_parts = [p.strip() for p in re.split(r"[,，]", after) if p.strip()]
        years = [p for p in after_parts if _is_date(p)]
        if not inst:
            inst = ", ".join(p for p in after_parts if not _is_date(p))
        d.institution = _clean(inst)
        if place.strip():
            d.places = (_clean(place),)
        if years:
            d.year, d.date = _date_of(years[-1])
        return True
    # Split off the trailing date: "…，2001" / ", 1962" / "，1991、1993" / "1999年".
    m = re.search(
        rf"[,，\s]*({_YEAR}(?:\s*年)?(?:\s*[、,，{_D}/]\s*{_YEAR}\s*年?)?(?:\s*\d{{1,2}}\s*月)?"
        r"(?:\s*\d{1,2}\s*日)?(?:\s*版)?)\s*$",
        body,
    )
    head = body
    if m:
        head = body[: m.start()]
        d.year, d.date = _date_of(m.group(1).replace("版", ""))
    head = head.strip(" ,，")
    if not head:
        return bool(m)
    places: list[str] = []
    publishers: list[str] = []
    for part in re.split(r"\s*[；;]\s*", head):
        if not part:
            continue
        if re.search(r"[：:]", part):
            place, publisher = re.split(r"\s*[：:]\s*", part, maxsplit=1)
            places.append(_clean(place))
            publishers.append(_clean(publisher))
        elif part.strip() in v.places:
            places.append(_clean(part))  # （北京，1999）: a city without a publisher
        else:
            publishers.append(_clean(part))
    if not m and not places:
        return False  # "(a remark)" without a year, a city or "place: publisher"
    d.places, d.publishers = tuple(p for p in places if p), tuple(p for p in publishers if p)
    return True


def _tail_item(d: _Draft, item: str) -> bool:
    """One comma-separated item after the title(s); False if it is not bibliographic."""
    v = _vocab()
    item = _roc(item.strip().strip("。．"))
    if not item:
        return True
    url = _URL.search(item)
    if url:
        d.url = url.group(0).rstrip(".,")  # 網址：http://… or a bare address
        return True
    # АПРФ，ф.45，оп.1，д.331，л.65-67: a Russian archive, its fond/opis'/delo, the leaves
    if v.archive_abbr.fullmatch(item) and not d.institution and not d.publishers:
        d.institution, d.extra["archive"] = item, "1"
        return True
    if d.extra.get("archive") and v.call_part.fullmatch(item):
        d.number = f"{d.number}, {item}" if d.number else item
        return True
    leaves = v.leaves.fullmatch(item) if d.extra.get("archive") else None
    if leaves and _is_pages(leaves.group(1).replace("об", "")):
        d.pages = _pages(leaves.group(1))
        return True
    access = v.access.match(item)
    if access and _is_date(item[access.end():]):
        d.extra["urldate"] = _date_of(item[access.end():])[1]
        return True
    # 第1版 after a dated newspaper is a page; after a book it is an edition.
    if d.date:
        item = re.sub(r"^第\s*([一二三四五六七八九十]{1,3})\s*版$",
                      lambda m: f"第{_cn_number(m.group(1))}版", item)
    if _EDITION.fullmatch(item) and not (d.date and _is_pages(item)):
        d.extra["edition"] = item
        return True
    if item[0] in "（(" and _match_close(item, 0) == len(item) - 1:
        return _pub_group(d, item[1:-1])
    if _is_pages(item):
        d.pages = _pages(item)
        if item.endswith("版"):
            d.extra["locator"] = "版"
        return True
    edition = v.edition.fullmatch(item)
    if edition:
        d.note = item
        return True
    # 上、下卷 / 第二卷 / 卷三 / 上冊
    units = v.volume_units
    m = re.fullmatch(rf"([{v.volume_parts}](?:\s*、\s*[{v.volume_parts}])+)\s*[{units}]", item)
    if m:
        d.extra["volumes"] = str(len(re.findall(f"[{v.volume_parts}]", m.group(1))))
        return True
    m = re.fullmatch(rf"(?:第\s*({_NUM}+)|([{v.volume_parts}]))\s*[{units}]", item)
    if m:
        d.volume = _cn_number(m.group(1)) if m.group(1) else m.group(2)
        return True
    # 第2、3卷 / 第二至四卷: several volumes of a set cited at once
    m = re.fullmatch(
        rf"第?\s*({_NUM}+)\s*([、,，]|至|到|[{_D}])\s*第?\s*({_NUM}+)\s*[{units}]", item
    )
    if m:
        sep = ", " if m.group(2) in "、,，" else "--"
        d.volume = f"{_cn_number(m.group(1))}{sep}{_cn_number(m.group(3))}"
        return True
    # 第三編 / 第五章: a part of the book, kept but not a volume
    m = re.fullmatch(rf"第\s*({_NUM}+)\s*[編编章節节篇]", item)
    if m:
        d.extra["part"] = item
        return True
    # Journal volume and issue: 第15卷第3期 / 15卷3期 / 第十五期 / 2003年第3期 / 12
    m = re.fullmatch(
        r"(?:({y})\s*年\s*)?(?:第?\s*({_NUM}+)\s*卷\s*)?"
        r"(?:[總总]?第?\s*({_NUM}+)\s*[期號号])?".replace("{y}", _YEAR).replace("{_NUM}", _NUM),
        item,
    )
    if m and (m.group(2) or m.group(3)):
        if m.group(1):
            d.year = m.group(1)
        d.volume = _cn_number(m.group(2) or "") or d.volume
        d.number = _cn_number(m.group(3) or "") or d.number
        return True
    m = re.fullmatch(r"(?:vol\.\s*)?(\d{1,4})(?:\s*[:：]\s*(\d{1,3}))?", item)
    if m and d.container and not d.volume and not d.pages and not re.fullmatch(_YEAR, item):
        d.volume = m.group(1)
        d.number = m.group(2) or ""
        return True
    # 1999年版 / 2007年10月22日 / 1962
    if _is_date(item.removesuffix("版")):
        d.year, d.date = _date_of(item.removesuffix("版"))
        return True
    # Mainland: 人民出版社1999年版 / 北京：人民出版社1999年版
    m = re.fullmatch(rf"(?:(.+?)\s*[：:]\s*)?(.+?)\s*({_YEAR})\s*年(?:\d{{1,2}}月)?\s*版?", item)
    if m and has_cjk(m.group(2)):
        if m.group(1):
            d.places = (*d.places, _clean(m.group(1)))
        d.publishers = (*d.publishers, _clean(m.group(2)))
        d.year = m.group(3)
        return True
    cm = v.call_number.match(item)
    if cm:
        d.number, d.extra["archive"] = cm.group(1), d.extra.get("archive", "") or "1"
        return True
    if item.endswith(v.archives) or item.removesuffix("藏").endswith(v.archives):
        # 外交部檔案館藏: the repository of a document
        d.institution = _clean(item.removesuffix("藏"))
        d.extra["archive"] = "1"
        return True
    # 陈瑶华等译 after the title (mainland order)
    names = _name_clause(item) if has_cjk(item) else None
    if names is not None and names.role:
        d.add_names(names, default="author")
        return True
    # 「…論文發表會」
    if item[0] in _QUOTES_OPEN and item[-1] in _QUOTES_CLOSE and v.conference.search(item):
        d.eventtitle = item[1:-1].strip()
        return True
    # 台中：中興大學國際政治所 / 北京：人民出版社
    m = re.fullmatch(r"([^：:\s]{1,12})\s*[：:]\s*(.+)", item)
    if m and not v.prose.search(m.group(2)):
        if d.eventtitle or d.thesis:
            d.places = (*d.places, _clean(m.group(1)))
            d.institution = _clean(m.group(2))
        else:
            d.places = (*d.places, _clean(m.group(1)))
            d.publishers = (*d.publishers, _clean(m.group(2)))
        return True
    if has_cjk(item) and item.endswith(v.publisher_suffixes) and len(item) <= 20:
        d.publishers = (*d.publishers, item)
        return True
    return False


def _tail_items(text: str) -> list[tuple[int, int]]:
    """Split the tail after a title into items: top-level bracket groups stand alone,
    the rest is split at ，；; and at a half-width comma not between two digits."""
    items: list[tuple[int, int]] = []
    depths = _depths(text)
    start = 0
    i = 0
    while i < len(text):
        char = text[i]
        if depths[i] == 0 and char in "（(":
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
        elif not _tail_item(d, item):
            break
        end = offset + b
    rest = text[end - offset:]
    return end + (len(rest) - len(rest.lstrip(" ，,;；。．.")))
