"""Sinological Chicago (issue 11 §6): notes written fresh, then the CC BY development
paper in shared/external/startwords read from there (skipped if absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sinosoviet_cli.grammar import parse_citation, segment
from sinosoviet_cli.link.resolve import resolve
from sinosoviet_cli.model import Form, Reference

STARTWORDS = Path(__file__).resolve().parents[2] / "shared" / "external" / "startwords"
PAPER = STARTWORDS / "toward-deep-map.md"


def _parsed(text: str) -> Reference:
    ref = parse_citation(text)
    assert isinstance(ref, Reference), ref
    return ref


def test_book_characters_in_fields_romanisation_apart() -> None:
    ref = _parsed("Ge Jianxiong 葛劍雄, Tongyi yu fenlie 統一與分裂 "
                  "(Beijing: Zhonghua shuju, 2008), 3.45.")
    assert ref.entry_type == "book"
    assert [p.literal for p in ref.authors] == ["葛劍雄"]
    assert (ref.authors[0].family, ref.authors[0].given) == ("Ge", "Jianxiong")
    assert ref.title == "統一與分裂"
    assert ref.extra["romanized_title"] == "Tongyi yu fenlie"
    assert ref.extra["romanized_names"] == "Ge Jianxiong"
    assert (ref.places, ref.publishers, ref.year) == (("Beijing",), ("Zhonghua shuju",), "2008")
    assert ref.pages == "3.45"  # juan.page kept as printed
    assert ref.langid == "chinese"


def test_editor_and_japanese_title() -> None:
    ref = _parsed("Tan Qixiang 譚其驤, ed., Zhongguo lishi dituji 中國歷史地圖集 "
                  "(Beijing: Ditu chubanshe, 1982), 5.")
    assert ref.entry_type == "collection"
    assert [p.literal for p in ref.editors] == ["譚其驤"] and not ref.authors
    assert ref.title == "中國歷史地圖集" and ref.pages == "5"
    ja = _parsed("Hiraoka Takeo 平岡武夫, Chōan to Rakuyō 長安と洛陽 "
                 "(Kyoto: Kyōto daigaku jinbun kagaku kenkyūjo, 1956), 12.")
    assert ja.title == "長安と洛陽" and ja.extra["romanized_title"] == "Chōan to Rakuyō"
    assert [p.literal for p in ja.authors] == ["平岡武夫"] and ja.year == "1956"


def test_article_with_journal_in_both_scripts() -> None:
    ref = _parsed("Rong Xinjiang 榮新江, \"Sui Tang Chang'an yanjiu de ji dian sikao\" "
                  "隋唐長安研究的幾點思考, Tang yanjiu 唐研究 9 (2003): 1–8.")
    assert ref.entry_type == "article"
    assert ref.title == "隋唐長安研究的幾點思考"
    assert ref.container == "唐研究" and ref.extra["romanized_container"] == "Tang yanjiu"
    assert (ref.volume, ref.year, ref.pages) == ("9", "2003", "1--8")


def test_short_form_links_by_romanised_title_and_fields_are_written() -> None:
    notes = [
        "On the city plan, see Ge Jianxiong 葛劍雄, Tongyi yu fenlie 統一與分裂 "
        "(Beijing: Zhonghua shuju, 2008), 12.",
        "Ge, Tongyi yu fenlie, 40.",
    ]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    assert [(link.form, link.key, link.pages) for link in bib.links] == [
        (Form.FULL, "ge2008tongyi", "12"), (Form.SHORT, "ge2008tongyi", "40")]
    (work,) = bib.works
    assert work.get("author") == "{葛劍雄}" and work.get("title") == "統一與分裂"
    assert (work.get("usera"), work.get("userb")) == ("Ge Jianxiong", "Tongyi yu fenlie")


# ── the development paper (CC BY 4.0, read from shared/external) ─────────────

#: Per note, the works its citations link to (written by reading the paper).
EXPECTED = {
    1: ["司馬遷 史記"], 2: ["胡海帆"], 4: ["史念海 西安歷史地圖集", "妹尾達彥 長安の都市計画"],
    6: ["李芳瑤", "楊曉春"], 7: ["韋述 兩京新記輯校"], 9: ["陝西省考古研究院"], 11: ["嚴少飛"],
    12: ["程大昌 雍錄"], 24: ["何清谷"], 25: ["駱天驤"], 26: ["辛德勇"],
    33: ["妹尾達彥"],  # printed "Seo Tatsuhiko" alone: the person of note 4
    **{n: ["史念海 西安歷史地圖集"] for n in range(14, 21)},
}


@pytest.mark.skipif(not PAPER.exists(), reason=f"development paper absent: {PAPER}")
@pytest.mark.parametrize("as_paper", [False, True], ids=["draft-text", "paper-with-italics"])
def test_startwords_paper_links_every_sinological_citation(as_paper: bool) -> None:
    from sinosoviet_cli.paper.drafts import load
    from sinosoviet_cli.paper.read import read_paper

    notes = ([(f.n, f.text) for f in read_paper(PAPER).footnotes] if as_paper
             else [(note.n, note.text) for note in load(PAPER).notes if note.n is not None])
    bib = resolve([(n, segment(text)) for n, text in notes])
    works = {w.key: w for w in bib.works}
    for n, wanted in EXPECTED.items():
        links = [link for link in bib.links if link.footnote == n]
        got = [works[link.key] for link in links if link.key]
        assert len(got) == len(wanted), (n, [link.text for link in links])
        for work, want in zip(got, wanted, strict=True):
            person, *title = want.split()
            names = work.get("author") + work.get("editor")
            assert person in names, (n, dict(work.fields))
            assert not title or work.get("title") == title[0], (n, dict(work.fields))
    shi = works[next(link.key for link in bib.links if link.footnote == 4)]
    assert shi.get("footnotes") == "4, 14, 15, 16, 17, 18, 19, 20"
    assert shi.get("userb") == "Xi'an lishi dituji"
    assert all(link.form is Form.SHORT for link in bib.links if 14 <= link.footnote <= 20)


def test_set_of_volumes_and_volume_colon_page_locator() -> None:
    ref = _parsed("Gu Jiegang 顧頡剛, Gushi bian 古史辨, 7 vols. "
                  "(Shanghai: Shanghai guji chubanshe, 1982), 3:214–16.")
    assert ref.title == "古史辨"
    assert ref.extra["volumes"] == "7"
    assert (ref.volume, ref.pages) == ("3", "214--216")


def test_single_volume_cited_after_the_title() -> None:
    ref = _parsed("Qian Mu 錢穆, Guoshi dagang 國史大綱, vol. 2 "
                  "(Beijing: Shangwu yinshuguan, 1996), 88.")
    assert ref.title == "國史大綱"
    assert (ref.volume, ref.pages, ref.year) == ("2", "88", "1996")


def test_journal_issue_number_without_volume() -> None:
    ref = _parsed('Luo Zhitian 羅志田, "Jindai Zhongguo shixue" 近代中國史學, '
                  "Jindaishi yanjiu 近代史研究, no. 4 (2001): 12–40.")
    assert ref.entry_type == "article"
    assert (ref.container, ref.number, ref.volume, ref.year) == ("近代史研究", "4", "", "2001")
    assert ref.extra["romanized_container"] == "Jindaishi yanjiu"
    assert ref.pages == "12--40"


def test_memoir_as_told_to_gives_an_editor_not_a_second_author() -> None:
    ref = _parsed("Wang Li 王力, Huiyilu 回憶錄, as told to Zhao Yi 趙毅 "
                  "(Beijing: Renmin chubanshe, 1991), 57.")
    assert [p.literal for p in ref.authors] == ["王力"]
    assert [p.literal for p in ref.editors] == ["趙毅"]
    assert (ref.title, ref.pages, ref.year) == ("回憶錄", "57", "1991")


def test_character_title_with_bracketed_years_or_opening_year() -> None:
    ref = _parsed('Zhang San 張三, "Tudi gaige (1950–1952)" 土地改革（1950–1952）, '
                  "Dangshi yanjiu 黨史研究, no. 2 (1999): 5.")
    assert ref.title == "土地改革（1950–1952）"
    assert (ref.container, ref.number) == ("黨史研究", "2")
    ref = _parsed('Li Si 李四, "1958: Dayuejin de qianye" 1958：大躍進的前夜, '
                  "Dangshi yanjiu 黨史研究, no. 1 (2000): 9.")
    assert ref.title == "1958：大躍進的前夜"
    assert ref.extra["romanized_title"] == "1958: Dayuejin de qianye"


def test_a_bracketed_translation_after_the_title_is_read_past() -> None:
    """CMOS 14.98: an English translation may follow a title in brackets; the journal
    and issue after it are still read."""
    ref = parse_citation(
        'Wang Wu 王五, "Nongcun yu chengshi" 農村與城市 [Countryside and city], '
        "*Jindaishi yanjiu* 近代史研究, no. 2 (2004): 33.")
    assert isinstance(ref, Reference)
    assert (ref.entry_type, ref.title, ref.container, ref.number, ref.year, ref.pages) == (
        "article", "農村與城市", "近代史研究", "2", "2004", "33")
    assert ref.extra["translated_title"] == "Countryside and city"


def test_an_article_cited_whole_keeps_its_span_but_a_chinese_page_range_does_not() -> None:
    """`…(2009): 74–117.` in a Chicago note is the article's span (its entry's pages);
    第85—87页 in a Chinese note is the pages cited, not the article's extent."""
    from sinosoviet_cli.link.fields import own_fields

    chicago = parse_citation('A. Writer, "An Essay," *Journal of Things* 11, no. 4 (2009): '
                             "74–117.")
    chinese = parse_citation("张三：《论某事》，《历史研究》2004年第3期，第85—87页。")
    assert isinstance(chicago, Reference) and isinstance(chinese, Reference)
    assert own_fields(chicago, "article")["pages"] == "74--117"
    assert chinese.entry_type == "article" and "pages" not in own_fields(chinese, "article")


def test_a_romanised_name_printed_once_with_characters_keeps_them_later() -> None:
    """Seo Tatsuhiko 妹尾達彥 in one note, "Seo Tatsuhiko" alone later (which a Western
    reading takes as given Seo, family Tatsuhiko): one person, in characters, keyed seo."""
    notes = [
        "Ishida Akira 石田明, *Tōkyō no rekishi* 東京の歴史 (Tokyo: Heibonsha, 1999), 3.",
        'Ishida Akira, "Cities and Rivers," *Urban Studies* 5, no. 2 (2004): 10–20.',
    ]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    book, article = bib.works
    assert book.get("author") == article.get("author") == "{石田明}"
    assert article.key.startswith("ishida2004") and article.get("usera") == "Ishida Akira"
    assert article.get("pages") == "10--20"


def test_a_name_the_prose_prints_in_both_scripts_is_known_in_the_citation_after() -> None:
    notes = ["This survey was begun by Wang Fuzhi 王夫之 (1619–1692). See Wang Fuzhi, "
             "Du Tongjian lun 讀通鑑論 (Beijing: Zhonghua shuju, 1975), 8."]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    (work,) = bib.works
    assert (work.get("author"), work.get("usera"), work.get("title")) == (
        "{王夫之}", "Wang Fuzhi", "讀通鑑論")
    assert work.key.startswith("wang1975")


def test_a_bare_family_name_is_the_person_the_same_notes_prose_named() -> None:
    notes = ["Zhao Yi 趙翼 (1727–1814) extended the work. See Zhao, Nianershi zhaji "
             "廿二史劄記 (Beijing: Zhonghua shuju, 1984), 5.",
             "See Zhao, *Another Book* (Beijing: Somebody Press, 1990), 1."]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    first, second = bib.works
    assert (first.get("author"), first.get("usera")) == ("{趙翼}", "Zhao Yi")
    assert second.get("author") == "Zhao"  # another note: no prose names him there
