"""Native Japanese notation (``著者『書名』出版社、2004年、45頁。``): books in 『』, articles
and chapters in 「」 before their 『』, 、 between the items, translators (訳), volumes
(上巻, 第2巻), and the back-references 同上、 / 前掲『書名』 / 著者、前掲書 / 前掲注N, in
papers that mix them with mainland Chinese notes. Notes written fresh for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import one_citation, person_name
from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.grammar import parse_citation, segment
from sinosoviet_cli.grammar.japanese import japanese_notation, rewrite
from sinosoviet_cli.link.resolve import resolve
from sinosoviet_cli.model import Reference
from sinosoviet_cli.paper.footnotes import extract


def _check(text: str, **want: Any) -> None:
    ref = one_citation(text)
    got = {
        "type": ref.entry_type, "form": ref.form.value, "langid": ref.langid,
        "authors": [person_name(p) for p in ref.authors],
        "editors": [person_name(p) for p in ref.editors],
        "translators": [person_name(p) for p in ref.translators],
        "title": ref.title, "container": ref.container, "publishers": list(ref.publishers),
        "year": ref.year, "volume": ref.volume, "number": ref.number, "pages": ref.pages,
        **{f"extra.{k}": v for k, v in ref.extra.items()},
    }
    want = {"form": "full", **want}
    wrong = {k: (got.get(k, ""), v) for k, v in want.items() if got.get(k, "") != v}
    assert not wrong, f"{text}: (got, expected) {wrong}"


BOOKS = [
    ("国分良成『現代中国の政治と官僚制』慶應義塾大学出版会、2004年、33頁。",
     "国分良成", "現代中国の政治と官僚制", "慶應義塾大学出版会", "2004", "33"),
    ("久保亨『社会主義への挑戦 1945-1971』岩波書店、2011年、102–105頁。",
     "久保亨", "社会主義への挑戦 1945-1971", "岩波書店", "2011", "102--105"),
    ("毛里和子『中国とソ連』岩波新書、1989年、7頁。",
     "毛里和子", "中国とソ連", "岩波新書", "1989", "7"),
    # kanji only: the page word after its number and the 、 before the year say Japanese
    ("添谷芳秀『日本外交と中国』慶應通信、1995年、88頁",
     "添谷芳秀", "日本外交と中国", "慶應通信", "1995", "88"),
]


@pytest.mark.parametrize(("note", "author", "title", "publisher", "year", "pages"), BOOKS)
def test_a_book_in_native_notation(note: str, author: str, title: str, publisher: str,
                                   year: str, pages: str) -> None:
    _check(note, type="book", authors=[author], title=title, publishers=[publisher],
           year=year, pages=pages, langid="japanese")


def test_an_article_in_its_journal() -> None:
    _check("岡部達味「中国外交の五十年」『国際問題』第470号、1999年、2–17頁。",
           type="article", authors=["岡部達味"], title="中国外交の五十年",
           container="国際問題", number="470", year="1999", pages="2--17")
    _check("家近亮子「蔣介石の外交戦略」『東洋学報』第80巻、1998年、33頁。",
           type="article", authors=["家近亮子"], title="蔣介石の外交戦略",
           container="東洋学報", year="1998", pages="33")


@pytest.mark.parametrize("note", [
    "山極晃「冷戦と東アジア」細谷千博編『日米関係史』有斐閣、1995年、45頁。",
    "山極晃「冷戦と東アジア」、細谷千博編『日米関係史』有斐閣、1995年、45頁。",
])
def test_a_chapter_in_an_edited_volume(note: str) -> None:
    """Only the volume's editors stand between the chapter and its volume (no 所収)."""
    _check(note, type="incollection", authors=["山極晃"], title="冷戦と東アジア",
           container="日米関係史", publishers=["有斐閣"], year="1995", pages="45")
    assert [person_name(p) for p in one_citation(note).container_editors] == ["細谷千博"]


def test_a_chinese_chapter_with_its_editor_and_no_marker() -> None:
    """〈篇〉，編者主編，《書》: the same rule in Chinese notation (收入 left out)."""
    note = "陳兼，〈革命與危機的年代〉，楊奎松主編，《冷戰時期的中國對外關係》（北京：北京大學出版社，2006），頁12。"
    _check(note, type="incollection", authors=["陳兼"], title="革命與危機的年代",
           container="冷戰時期的中國對外關係", publishers=["北京大學出版社"], pages="12")
    assert [person_name(p) for p in one_citation(note).container_editors] == ["楊奎松"]


def test_a_translated_book_with_its_volume() -> None:
    _check("李志綏著、新庄哲夫訳『毛沢東の私生活』上巻、文藝春秋、1994年、210頁。",
           type="book", authors=["李志綏"], translators=["新庄哲夫"], title="毛沢東の私生活",
           publishers=["文藝春秋"], year="1994", volume="上", pages="210")
    _check("楊奎松著、大沢武彦訳『中国革命の深層』第2巻、東方書店、2010年、15頁。",
           authors=["楊奎松"], translators=["大沢武彦"], title="中国革命の深層",
           volume="2", pages="15")


def test_a_title_with_quotes_inside_keeps_them() -> None:
    _check("天児慧『「中国革命」再考』筑摩書房、2003年、9頁。",
           authors=["天児慧"], title="「中国革命」再考", publishers=["筑摩書房"])


@pytest.mark.parametrize(("note", "form", "pages", "extra"), [
    ("同上、50頁。", "ibid", "50", {"backref": "同上"}),
    ("同上書、12–14頁。", "ibid", "12--14", {"backref": "同上書"}),
    ("国分良成、前掲書、40頁。", "short", "40", {"backref": "前掲書"}),
    ("前掲注3、71頁。", "short", "71", {"backref": "前掲注", "footnote": "3"}),
])
def test_back_references(note: str, form: str, pages: str, extra: dict[str, str]) -> None:
    ref = parse_citation(note)
    assert isinstance(ref, Reference)
    assert (ref.form.value, ref.pages) == (form, pages)
    assert {k: ref.extra.get(k) for k in extra} == extra
    assert [s.kind for s in segment(note)] == ["citation"]


def test_an_earlier_title_with_its_author() -> None:
    _check("国分良成、前掲『現代中国の政治と官僚制』、88頁。", form="short",
           authors=["国分良成"], title="現代中国の政治と官僚制", pages="88")


def test_a_chinese_back_reference_before_a_title_is_not_aperson_name() -> None:
    """楊奎松，前引《走向破裂》: 前引 is the back-reference, not a second author."""
    _check("楊奎松，前引《走向破裂》，頁12。", form="short", authors=["楊奎松"],
           title="走向破裂", pages="12")


@pytest.mark.parametrize("note", [
    # Chinese notation: 『』 nested in 「」 is a quotation, 「」 a quotation too
    "他說：「毛澤東曾指出『東風壓倒西風』」，見楊奎松，《走向破裂》，頁12。",
    "所謂「一邊倒」，參見沈志華，《中蘇同盟》，頁5。",
    "牛军：《冷战与新中国外交的缘起》，社会科学文献出版社，2012年，第210页。",
])
def test_chinese_notation_is_not_rewritten(note: str) -> None:
    assert not japanese_notation(note)
    assert rewrite(note) == note


def test_the_rewrite_keeps_length_and_names_lists() -> None:
    """Co-authors joined by 、 before the title stay one list (the 、 is not an item
    separator there); after the title every 、 separates items."""
    note = "高原明生、前田宏子『開発主義の時代へ』岩波書店、2014年、5頁。"
    out = rewrite(note)
    assert len(out) == len(note)
    assert out == "高原明生、前田宏子《開発主義の時代へ》岩波書店，2014年，5頁。"


def test_a_paper_mixing_japanese_and_mainland_notes_links_every_citation() -> None:
    """Endnotes of a web copy: Japanese and mainland notes, ibid in both notations,
    前掲 back to an earlier note, a trailer after the last note."""
    text = (
        "一、问题\n正文[1]。又[2]。再[3]。另[4]。后[5]。末[6]。\n注释\n"
        "[1] 国分良成『現代中国の政治と官僚制』慶應義塾大学出版会、2004年、33頁。\n"
        "[2] 同上、35頁。\n"
        "[3] 牛军：《冷战与新中国外交的缘起》，社会科学文献出版社，2012年，第210页。\n"
        "[4] 同上书，第215页。\n"
        "[5] 国分良成、前掲『現代中国の政治と官僚制』、88頁。\n"
        "[6] 岡部達味「中国外交の五十年」『国際問題』第470号、1999年、2–17頁。\n"
        "[7] 前掲注3、230頁。\n"
        "版权所有 © 某某编辑部\n"
    )
    paper = extract(text.replace("末[6]。", "末[6]。终[7]。"))
    assert len(paper.footnotes) == 7
    bib = resolve([(f.n, segment(f.text)) for f in paper.footnotes])
    links = [(link.form, link.pages) for link in bib.links]
    assert links == [("full", "33"), ("ibid", "35"), ("full", "210"), ("ibid", "215"),
                     ("short", "88"), ("full", "2--17"), ("short", "230")]
    keys = [link.key for link in bib.links]
    assert keys[0] == keys[1] == keys[4] and keys[2] == keys[3] == keys[6]
    assert len(set(keys)) == 3
    japanese = next(w for w in bib.works if w.key == keys[0])
    assert japanese.fields["langid"] == "japanese"
    assert japanese.fields["publisher"] == "慶應義塾大学出版会"


def test_a_title_opening_with_kana_gives_its_key_word_by_sound() -> None:
    """国分良成『アジア時代の日中関係』: the key is the author's reading, the year and the
    title's first word read as it sounds (ajia), not an empty word."""
    bib = resolve([(1, segment("国分良成『アジア時代の日中関係』東京大学出版会、2001年、12頁。"))])
    assert bib.links[0].key == "kokubun2001ajia"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="『』「」《》（）、，。前掲頁訳著編アジ中国12 ", max_size=60))
def test_property_the_rewrite_keeps_length_and_segments_still_tile(note: str) -> None:
    out = rewrite(note)
    assert len(out) == len(note)
    assert "".join(s.text for s in segment(note)) == note


@pytest.mark.parametrize(("raw", "read"), [
    ("添谷芳秀『日本外交と中国 1945–1972』慶應通信、1995年", "添谷芳秀『日本外交と中国 1945–1972』慶應通信、1995年"),
    ("久保亨『社会主義への挑戦 1945-1971』岩波書店", "久保亨『社会主義への挑戦 1945-1971』岩波書店"),
    # a copy's spacing artefacts still go: doubled spaces, spaced tokens, after brackets
    ("《文稿  1949-1976》，2006  年  1  月版", "《文稿1949-1976》，2006年1月版"),
    ("（ 1949—1976 ），第  85  －  87  页", "（1949—1976），第85－87页"),
])
def test_a_title_keeps_the_space_before_its_span_of_years(raw: str, read: str) -> None:
    from sinosoviet_cli.paper.endnotes import tidy

    assert tidy(raw) == read
