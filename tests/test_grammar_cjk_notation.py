"""Chinese and Japanese notation in the citation grammar (issue 11 §3/§5): Japanese
authors of 5-6 kanji, periodicals with their place in brackets, mainland imprints
without 版, translated books with a reviser (校), collected works without an author,
newspapers, and the common journal notations (年月號, 總第N期, 第N輯, 上/中/下冊,
口述/整理, 頁N至M). Notes written fresh for these tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import one_citation, person_name

from sinosoviet_cli.grammar import parse_citation, segment
from sinosoviet_cli.link.resolve import resolve
from sinosoviet_cli.model import Bibliography, Reference, Work


def _fields(ref: Reference) -> dict[str, Any]:
    return {
        "type": ref.entry_type, "form": ref.form.value,
        "authors": [person_name(p) for p in ref.authors],
        "editors": [person_name(p) for p in ref.editors],
        "translators": [person_name(p) for p in ref.translators],
        "title": ref.title, "container": ref.container, "places": list(ref.places),
        "publishers": list(ref.publishers), "year": ref.year, "date": ref.date,
        "volume": ref.volume, "number": ref.number, "pages": ref.pages,
        **{f"extra.{k}": v for k, v in ref.extra.items()},
    }


def _check(text: str, **want: Any) -> None:
    got = _fields(one_citation(text))
    want = {"form": "full", "authors": [], **want}
    wrong = {k: (got.get(k, ""), v) for k, v in want.items() if got.get(k, "") != v}
    assert not wrong, f"{text}: (got, expected) {wrong}"


# ── 1. Japanese authors of 5-6 kanji ────────────────────────────────────────

JAPANESE = [
    # a known Japanese family name (grammar.toml [japanese])
    ("下斗米伸夫，《アジア冷戦史》（東京：中央公論新社，2004），頁112。", "下斗米伸夫"),
    ("五百旗頭真，《日米戦争と戦後日本》（東京：講談社，2005），頁5。", "五百旗頭真"),
    ("佐々木卓也，《封じ込めの形成と変容》（東京：三嶺書房，1993），頁5。", "佐々木卓也"),
    ("松本三之介，《近代日本の中国認識》（東京：以文社，2011），頁5。", "松本三之介"),
    # 4 kanji as before
    ("和田春樹，《朝鮮戦争全史》（東京：岩波書店，2002），頁45。", "和田春樹"),
]


@pytest.mark.parametrize(("text", "author"), JAPANESE, ids=[a for _, a in JAPANESE])
def test_japanese_author_of_five_or_six_kanji_is_kept(text: str, author: str) -> None:
    year = re.search(r"\d{4}", text)
    assert year is not None
    _check(text, type="book", authors=[author], places=["東京"], year=year.group(0))


def test_japanese_work_allows_a_long_name_without_a_known_family() -> None:
    """Kana in the title or a Japanese imprint: the work is Japanese, so 6 kanji pass."""
    got = parse_citation("井口治夫，《鮎川義介と経済的国際主義》（名古屋：名古屋大学出版会，2012），頁5。")
    assert isinstance(got, Reference)
    assert [p.literal for p in got.authors] == ["井口治夫"]
    got = parse_citation("鳥居民三郎，《昭和二十年》（東京：草思社，1985），頁5。")
    assert isinstance(got, Reference)
    assert [p.literal for p in got.authors] == ["鳥居民三郎"]


def test_a_chinese_five_character_clause_is_still_not_aperson_name() -> None:
    got = parse_citation("鳥居民三郎，《中國史綱》（北京：人民出版社，1985），頁5。")
    assert isinstance(got, Reference)
    assert got.authors == ()


def test_a_japanese_place_inside_a_chinese_title_does_not_make_the_work_japanese() -> None:
    got = parse_citation("鳥居民三郎，《東京審判》（北京：人民出版社，2012），頁5。")
    assert isinstance(got, Reference)
    assert got.authors == () and got.langid == "chinese"


def test_a_work_with_a_japanese_imprint_is_japanese_even_in_kanji_only() -> None:
    """和田春樹，《朝鮮戦争全史》（東京：岩波書店）: no kana, but a Japanese imprint."""
    assert one_citation(JAPANESE[-1][0]).langid == "japanese"
    assert one_citation("楊奎松，《走向破裂》（香港：三聯書店，1999），頁5。").langid == "chinese"


@pytest.mark.parametrize("prose", ["此外還可參考", "另一種看法", "此外"])
def test_prose_before_a_japanese_title_is_never_an_author(prose: str) -> None:
    text = f"{prose}，《アジア冷戦史》（東京：中央公論新社，2004），頁112。"
    got = parse_citation(text)
    assert isinstance(got, Reference) and got.authors == ()
    cites = [s for s in segment(text) if s.kind == "citation"]
    assert cites and cites[0].text.startswith("《")


# ── 2. a periodical with its place in brackets ──────────────────────────────

PERIODICALS = [
    ("高華，〈大饑荒與四清運動的起源〉，《二十一世紀》（香港），第58期（2000年4月），頁55。",
     {"number": "58", "date": "2000-04", "pages": "55"}),
    ("高華，〈大饑荒與四清運動的起源〉，《二十一世紀》（香港）2000年4月號，頁55。",
     {"number": "", "date": "2000-04", "pages": "55"}),
    ("金鐘，〈毛澤東的晚年〉，《明報月刊》（香港）第5期，頁22。",
     {"number": "5", "date": "", "pages": "22"}),
]


@pytest.mark.parametrize(("text", "want"), PERIODICALS, ids=["number", "month-issue", "monthly"])
def test_periodical_with_place_in_brackets_is_an_article(text: str, want: dict[str, str]
                                                         ) -> None:
    ref = one_citation(text)
    assert ref.entry_type == "article"
    assert ref.container in ("二十一世紀", "明報月刊")
    assert ref.places == ()  # not a book's place of publication
    assert ref.extra["journalplace"] == "香港"
    assert {k: getattr(ref, k) for k in want} == want


def test_periodical_cited_by_its_issue_with_place_in_brackets() -> None:
    _check("《明報月刊》（香港）1998年4月號，頁5。", type="article", title="",
           container="明報月刊", date="1998-04", places=[], pages="5",
           **{"extra.journalplace": "香港"})


def test_periodical_article_entry_has_journal_and_no_address() -> None:
    bib = _bib(PERIODICALS[0][0], PERIODICALS[1][0])
    assert len(bib.works) == 1  # one article, no @collection parent
    work = bib.works[0]
    assert work.entry_type == "article"
    assert work.get("journal") == "二十一世紀"
    assert work.get("number") == "58"
    assert (work.get("year"), work.get("month")) == ("2000", "4")
    assert "address" not in work.fields and "crossref" not in work.fields


def test_a_book_in_a_volume_keeps_its_place() -> None:
    _check("陳兼，〈革命與危機的年代〉，收入楊奎松主編，《冷戰時期的中國對外關係》（北京：北京大學出版社，"
           "2006），頁12。", type="incollection", places=["北京"],
           publishers=["北京大學出版社"], authors=["陳兼"])


# ── 3. mainland imprints without 版 ─────────────────────────────────────────

def test_publisher_before_the_year_whatever_its_ending() -> None:
    _check("王明：《江南旧事》，岳麓书社，2008年，第23页。", type="book", authors=["王明"],
           publishers=["岳麓书社"], year="2008", pages="23")
    _check("王明：《江南旧事》，天地图书，2008年，第23页。", publishers=["天地图书"],
           authors=["王明"], year="2008", pages="23")


def test_bracket_inside_a_publisherperson_name() -> None:
    _check("杨奎松：《毛泽东与莫斯科的恩恩怨怨》，三联书店（香港）有限公司，2008年，第23页。",
           type="book", authors=["杨奎松"], publishers=["三联书店（香港）有限公司"],
           places=[], year="2008", pages="23")


def test_translated_book_with_a_reviser() -> None:
    text = ("[美]麦克法夸尔、沈迈克：《毛泽东最后的革命》，关心译，唐少杰校，"
            "星克尔出版（香港）有限公司，2009年，第52页。")
    _check(text, type="book", authors=["麦克法夸尔", "沈迈克"], translators=["关心"],
           title="毛泽东最后的革命", publishers=["星克尔出版（香港）有限公司"], year="2009",
           pages="52", editors=[], **{"extra.editora": "{唐少杰}",
                                      "extra.editoratype": "reviser"})


def test_a_body_ending_in_the_reviser_word_is_not_a_reviser() -> None:
    _check("中共中央党校编：《党史文献选编》，中共中央党校出版社，1985年，第3页。",
           type="collection", editors=["中共中央党校"], publishers=["中共中央党校出版社"],
           year="1985", pages="3")


def test_prose_before_the_year_is_not_a_publisher() -> None:
    ref = parse_citation("王明：《江南旧事》，我们认为，2008年，第23页。")
    assert isinstance(ref, Reference) and ref.publishers == ()


# ── 4. collected works without an author ────────────────────────────────────

def test_collected_works_without_an_author() -> None:
    text = "《刘少奇选集》下卷，人民出版社，1985年，第419页。"
    _check(text, type="book", authors=[], editors=[], title="刘少奇选集", volume="下",
           publishers=["人民出版社"], year="1985", pages="419")
    bib = _bib(text)
    (work,) = bib.works
    assert "author" not in work.fields and "editor" not in work.fields
    assert work.get("volume") == "下"
    assert bib.links[0].pages == "419"


# ── 5. newspapers ───────────────────────────────────────────────────────────

NEWSPAPERS = [
    "《关于人民公社若干问题的决议》，《人民日报》1958年12月19日，第1版。",
    "社论：《人民公社万岁》，《人民日报》1958年12月19日，头版。",
    "《人民公社万岁》，《人民日报》1958年12月19日第1版。",
]


@pytest.mark.parametrize("text", NEWSPAPERS, ids=["comma", "editorial-front-page", "glued"])
def test_newspaper_article_has_journal_date_and_cited_page(text: str) -> None:
    bib = _bib(text)
    (work,) = bib.works
    assert work.entry_type == "article"
    assert work.get("journal") == "人民日报"
    assert work.get("date") == "1958-12-19"
    assert "author" not in work.fields  # 社论 is a genre label, not a person
    assert bib.links[0].pages == "1"


def test_taiwanese_newspaper_page_printed_after_its_word() -> None:
    """〈社論〉，《中央日報》（台北），1958年8月24日，版1: page 1 of a newspaper."""
    ref = one_citation("〈社論〉，《中央日報》（台北），1958年8月24日，版1。")
    assert (ref.entry_type, ref.container, ref.date) == ("article", "中央日報", "1958-08-24")
    assert (ref.pages, ref.extra.get("locator"), ref.places) == ("1", "版", ())


def test_newspaper_issue_without_an_article_title() -> None:
    _check("《人民日报》1958年12月19日第1版。", type="article", container="人民日报",
           date="1958-12-19", pages="1")


# ── 6. more journal and book notation ───────────────────────────────────────

NOTATION = [
    ("沈志华：《中苏关系史纲》，新华出版社，2007年，第55至60页。",
     {"publishers": ["新华出版社"], "pages": "55--60", "authors": ["沈志华"]}),
    ("沈志華，《中蘇關係史綱》（台北：聯經，2007），頁55~60。",
     {"pages": "55--60", "authors": ["沈志華"]}),
    ("高華，〈大饑荒〉，《二十一世紀》2000年第4期（總第58期），頁55。",
     {"type": "article", "number": "4", "year": "2000", "pages": "55", "authors": ["高華"],
      "extra.totalnumber": "58"}),
    ("高華，〈大饑荒〉，《當代中國研究》總第58期，頁55。",
     {"type": "article", "number": "58", "pages": "55", "authors": ["高華"]}),
    ("王丹：〈文章〉，《中共党史资料》第55辑，中共党史出版社1995年版，第20页。",
     {"volume": "55", "container": "中共党史资料", "pages": "20", "authors": ["王丹"]}),
    ("李丹慧：〈关于中苏分裂〉，《冷战国际史研究》第9辑，2010年，第12页。",
     {"type": "article", "volume": "9", "pages": "12", "authors": ["李丹慧"]}),
    ("中共中央文献研究室编：《周恩来年谱（1949—1976）》中卷，中央文献出版社1997年版，第120页。",
     {"type": "collection", "volume": "中", "editors": ["中共中央文献研究室"]}),
    ("中共中央文献研究室编：《周恩来年谱（1949—1976）》上册，中央文献出版社1997年版，第120页。",
     {"volume": "上", "pages": "120", "editors": ["中共中央文献研究室"]}),
    ("师哲口述，李海文整理：《在历史巨人身边》，中央文献出版社1991年版，第12页。",
     {"authors": ["师哲"], "editors": ["李海文"], "year": "1991"}),
    ("吴冷西编著：《忆毛主席》，新华出版社1995年版，第12页。",
     {"authors": ["吴冷西"], "editors": [], "publishers": ["新华出版社"]}),
    ("沈志华：《中苏关系史纲》，社会科学文献出版社2011年版，第55页至第60页。",
     {"pages": "55--60", "year": "2011", "authors": ["沈志华"]}),
    ("逄先知主编：《毛泽东传（1949—1976）》（上册），中央文献出版社2003年版，第5页。",
     {"type": "collection", "volume": "上", "editors": ["逄先知"], "year": "2003",
      "pages": "5"}),
    ("中共中央文献研究室编：《毛泽东年谱（1949—1976）》（第三卷），中央文献出版社2013年版，"
     "第540页。", {"volume": "3", "pages": "540", "editors": ["中共中央文献研究室"]}),
    ("郭廷以、王聿均訪問，劉鳳翰紀錄，《馬超俊先生訪問紀錄》（台北：中央研究院近代史研究所，"
     "1992），頁5。", {"editors": ["郭廷以", "王聿均", "劉鳳翰"], "year": "1992", "pages": "5"}),
    ("李捷，〈論文〉，《當代中國史研究》（北京）1998年第2期，頁5。",
     {"type": "article", "places": [], "number": "2", "year": "1998", "authors": ["李捷"],
      "extra.journalplace": "北京"}),
]


@pytest.mark.parametrize(("text", "want"), NOTATION, ids=[t[:14] for t, _ in NOTATION])
def test_common_notation(text: str, want: dict[str, Any]) -> None:
    _check(text, **want)


# ── helpers ─────────────────────────────────────────────────────────────────

def _bib(*notes: str) -> Bibliography:
    return resolve([(n, segment(text)) for n, text in enumerate(notes, 1)])


def test_works_helper_sees_every_note() -> None:
    bib = _bib(*NEWSPAPERS)
    assert sorted(link.footnote for link in bib.links) == [1, 2, 3]
    assert all(isinstance(w, Work) for w in bib.works)


def test_japanese_authors_and_revisers_reach_the_bibliography(tmp_path: Path) -> None:
    """Through the whole parse (segment → resolve → fields), not only parse_citation: a
    6-kanji Japanese author is kept and 校 is biblatex's editora with its role."""
    from sinosoviet_cli import pipeline
    from sinosoviet_cli.paper.read import read_paper

    paper = tmp_path / "p.txt"
    paper.write_text(
        "注释：\n"
        "[1] 五百旗頭真，《日米戦争と戦後日本》（東京：講談社，2005），頁3。\n"
        "[2] [美]某某：《某国史》，张三译，李四校，某某书社，2009年，第5页。\n",
        encoding="utf-8")
    bib = pipeline.parse_paper(read_paper(paper),
                               schools=pipeline.paper_inputs().schools).bibliography
    first, second = bib.works
    assert (first.get("author"), first.get("langid")) == ("{五百旗頭真}", "japanese")
    assert (second.get("translator"), second.get("editora"), second.get("editoratype"),
            second.get("publisher")) == ("{张三}", "{李四}", "reviser", "某某书社")
