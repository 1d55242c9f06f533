"""Mainland notation through segment + resolve: multi-volume sets, the volume beside the
page in every citation, 同上 / 出处同注N keeping the place cited (notes written fresh)."""

from __future__ import annotations

from sinosoviet_cli.grammar import segment
from sinosoviet_cli.link.resolve import resolve
from sinosoviet_cli.model import Bibliography, Form

NOTES = [
    "中共中央文献研究室编：《建国以来刘少奇文稿》第4册，中央文献出版社2005年版，第12页。",
    "同上，第15页。",
    "《建国以来刘少奇文稿》第6册，中央文献出版社2008年版，第301页。",
    "〔美〕傅高义：《邓小平时代》，冯克利译，生活·读书·新知三联书店（香港）2012年版，第88页。",
    "出处同注1。",
    "《建国以来刘少奇文稿》第4册，第40页。",
    "薄一波：《若干重大决策与事件的回顾》（上），中共党史出版社2008年版，第200页。",
    "薄一波：《若干重大决策与事件的回顾》（下），第530页。",
    "同上书，第533页。",
]


def _bib() -> Bibliography:
    return resolve([(n, segment(text)) for n, text in enumerate(NOTES, 1)])


def test_volumes_of_one_set_are_one_work_and_each_citation_keeps_its_volume() -> None:
    bib = _bib()
    got = [(link.footnote, link.form, link.pages, link.volume) for link in bib.links]
    assert got == [
        (1, Form.FULL, "12", "4"), (2, Form.IBID, "15", "4"), (3, Form.FULL, "301", "6"),
        (4, Form.FULL, "88", ""), (5, Form.SHORT, "12", "4"), (6, Form.SHORT, "40", "4"),
        (7, Form.FULL, "200", "上"), (8, Form.SHORT, "530", "下"), (9, Form.IBID, "533", "下"),
    ]
    keys = [link.key for link in bib.links]
    assert keys[0] == keys[1] == keys[2] == keys[4] == keys[5]
    assert keys[6] == keys[7] == keys[8] != keys[0]
    works = {w.key: w for w in bib.works}
    wengao = works[keys[0]]
    assert wengao.get("title") == "建国以来刘少奇文稿"
    assert "volume" not in wengao.fields  # the set, not one volume
    assert wengao.get("year") == "2005"
    assert wengao.get("footnotes") == "1, 2, 3, 5, 6"
    assert "volume" not in works[keys[6]].fields


def test_publisher_with_place_in_brackets_and_nationality_prefix() -> None:
    vogel = {w.key: w for w in _bib().works}[_bib().links[3].key]
    assert vogel.get("author") == "{傅高义}"
    assert vogel.get("translator") == "{冯克利}"
    assert vogel.get("publisher") == "生活·读书·新知三联书店"
    assert (vogel.get("address") or vogel.get("location")) == "香港"
