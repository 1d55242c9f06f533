"""The publication group in brackets after a title: （北京：人民出版社，1999年）,
（台北：…研究所博士論文，1996）, （1998年第2期）, （總第58期）: one ordered rule table."""

from __future__ import annotations

import re
from collections.abc import Callable

from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.lexical import (
    _D,
    _EDITION,
    _NUM,
    _YEAR,
    _clean,
    _cn_number,
    _date_of,
    _is_date,
    _roc,
)
from sinosoviet_cli.grammar.vocab import _vocab

TailRule = tuple[str, Callable[[_Draft, str], "bool | None"]]
"""(name, read): ``read`` fills the draft and says True (an item of the citation), False
(the citation ends here) or None (not this rule's item: try the next one)."""


def _first(rules: tuple[TailRule, ...], d: _Draft, text: str) -> bool | None:
    """Walk an ordered rule table: the first rule that claims ``text`` decides."""
    for _name, read in rules:
        verdict = read(d, text)
        if verdict is not None:
            return verdict
    return None


# ── the publication group: （北京：人民出版社，1999年） ─────────────────────────

_ISSUE_GROUP = re.compile(rf"({_YEAR})\s*年\s*第?\s*({_NUM}+)\s*[期號号]")
_TRAILING_DATE = re.compile(
    rf"[,，\s]*({_YEAR}(?:\s*年)?(?:\s*[、,，{_D}/]\s*{_YEAR}\s*年?)?(?:\s*\d{{1,2}}\s*月)?"
    r"(?:\s*\d{1,2}\s*日)?(?:\s*版)?)\s*$"
)
_TRAILING_EDITION = re.compile(rf"[，,\s]*({_EDITION.pattern})\s*$")


def _group_issue(d: _Draft, body: str) -> bool | None:
    issue = _ISSUE_GROUP.fullmatch(body)
    if not issue:
        return None
    d.year, d.number = issue.group(1), _cn_number(issue.group(2))  # 《歷史研究》（1998年第2期）
    return True


_TOTAL_ISSUE = re.compile(rf"[總总]\s*第?\s*({_NUM}+)\s*[期號号]")


def _group_total_issue(d: _Draft, body: str) -> bool | None:
    """2000年第4期（總第58期）: the cumulative issue number; the number only when the
    issue of the year is not printed."""
    m = _TOTAL_ISSUE.fullmatch(body)
    if not m:
        return None
    total = _cn_number(m.group(1))
    if d.number:
        d.extra["totalnumber"] = total
    else:
        d.number = total
    return True


def _group_date(d: _Draft, body: str) -> bool | None:
    if not _is_date(body):
        return None
    d.year, d.date = _date_of(body)
    return True


def _group_thesis(d: _Draft, body: str) -> bool | None:
    """台北：國立政治大學東亞研究所博士論文，1996 / PhD diss., Harvard University, 1990"""
    v = _vocab()
    thesis = v.phd.search(body) or v.masters.search(body)
    if not thesis:
        return None
    d.thesis = "phdthesis" if v.phd.search(body) else "mastersthesis"
    before, after = body[: thesis.start()], body[thesis.end():]
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


def _group_imprint(d: _Draft, body: str) -> bool | None:
    """``北京：春秋出版社；長沙：湖南教育出版社，1989`` / ``北京，1999`` / ``聯經，2001``."""
    m = _TRAILING_DATE.search(body)
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
        _imprint_part(part, places, publishers)
    if not m and not places:
        return False  # "(a remark)" without a year, a city or "place: publisher"
    # 东方出版中心（上海）2015年版: the bracket gives the place of a publisher read before.
    d.places = tuple(p for p in places if p) or d.places
    d.publishers = tuple(p for p in publishers if p) or d.publishers
    return True


def _imprint_part(part: str, places: list[str], publishers: list[str]) -> None:
    """One ``place：publisher`` (or a bare city, or a bare publisher) of an imprint."""
    if not part:
        return
    if re.search(r"[：:]", part):
        place, publisher = re.split(r"\s*[：:]\s*", part, maxsplit=1)
        places.append(_clean(place))
        publishers.append(_clean(publisher))
    elif part.strip() in _vocab().places:
        places.append(_clean(part))  # （北京，1999）: a city without a publisher
    else:
        publishers.append(_clean(part))


#: Ordered rules for the body of a publication parenthesis.
GROUP_RULES: tuple[TailRule, ...] = (
    ("issue", _group_issue),
    ("total-issue", _group_total_issue),
    ("date", _group_date),
    ("thesis", _group_thesis),
    ("imprint", _group_imprint),
)


def _pub_group(d: _Draft, body: str) -> bool:
    """Read a parenthesised publication group: ``北京：春秋出版社；長沙：湖南教育出版社，1989``,
    ``台北：…研究所博士論文，1996``, ``2003.3``. False if it is something else."""
    body = _roc(body.strip())
    if not body:
        return False
    if _EDITION.fullmatch(body):
        d.extra["edition"] = body  # 《書名》（修訂版）
        return True
    edition = _TRAILING_EDITION.search(body)
    if edition and re.search(_YEAR, body[: edition.start()]):
        d.extra["edition"] = edition.group(1)  # （台北：聯經，2001年初版）
        body = body[: edition.start()]
    return bool(_first(GROUP_RULES, d, body))
