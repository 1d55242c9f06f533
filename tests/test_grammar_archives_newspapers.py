"""Archival documents filed in a record group or a named repository, newspaper articles
(the page an article is printed on is its own), sinological newspaper articles, and a
plain multi-volume title. Notes written fresh for these tests."""

from __future__ import annotations

import pytest
from conftest import one_citation

from sinosoviet_cli.grammar import segment
from sinosoviet_cli.link.resolve import resolve
from sinosoviet_cli.model import Work


def _work(text: str) -> Work:
    bib = resolve([(1, segment(text))])
    return next(w for w in bib.works if w.key == bib.links[0].key)


# ── archival documents ──────────────────────────────────────────────────────

@pytest.mark.parametrize(("note", "title", "number", "note_field"), [
    ("〈中共對蘇聯態度之研判〉，《外交部檔案》，檔號：11-EAP-00123，國史館藏。",
     "中共對蘇聯態度之研判", "11-EAP-00123", "外交部檔案，國史館"),
    ("〈关于中苏边界问题的报告〉，《外交部档案》，档号：105-01234-05，外交部档案馆藏。",
     "关于中苏边界问题的报告", "105-01234-05", "外交部档案，外交部档案馆"),
])
def test_a_document_in_a_record_group_is_unpublished(note: str, title: str, number: str,
                                                      note_field: str) -> None:
    """《外交部檔案》 is the body's records, not a periodical: the document is unpublished,
    filed by its record group and repository (note), never an event or a journal."""
    ref = one_citation(note)
    assert (ref.entry_type, ref.title, ref.number) == ("unpublished", title, number)
    work = _work(note)
    assert work.fields["note"] == note_field
    assert "eventtitle" not in work.fields and "journal" not in work.fields


def test_a_periodical_named_for_archives_is_still_a_journal() -> None:
    ref = one_citation("王五：〈档案里的大跃进〉，《北京档案》2009年第4期，第12页。")
    assert (ref.entry_type, ref.container, ref.number) == ("article", "北京档案", "4")


@pytest.mark.parametrize(("note", "archive", "number", "date"), [
    ('"Minutes of the Municipal Committee on Grain Supply," 12 March 1960, Shanghai '
     "Municipal Archives, A72-2-417.", "Shanghai Municipal Archives", "A72-2-417",
     "1960-03-12"),
    ('"Report on the Communes of Xushui County," August 30, 1958, Hebei Provincial '
     "Archives, 855-4-1271.", "Hebei Provincial Archives", "855-4-1271", "1958-08-30"),
])
def test_a_quoted_document_in_a_named_repository(note: str, archive: str, number: str,
                                                 date: str) -> None:
    ref = one_citation(note)
    assert (ref.entry_type, ref.institution, ref.number, ref.date) == (
        "unpublished", archive, number, date)
    assert ref.container == ""


# ── newspapers ───────────────────────────────────────────────────────────────

@pytest.mark.parametrize(("note", "page"), [
    ("社论：《人民公社好》，《人民日报》1958年8月13日，第1版。", "1"),
    ("〈再論無產階級專政的歷史經驗〉，《人民日報》，1956年12月29日，第2版。", "2"),
])
def test_a_newspaper_article_keeps_its_page(note: str, page: str) -> None:
    """第1版 is the page the article is printed on: the entry's pages as well as the
    citation's locator."""
    work = _work(note)
    assert work.fields["pages"] == page and work.entry_type == "article"


def test_a_journal_article_cited_at_a_page_keeps_no_entry_pages() -> None:
    work = _work("李四：《论某事》，《历史研究》2004年第3期，第85页。")
    assert "pages" not in work.fields


@pytest.mark.parametrize(("note", "author", "title", "paper", "date", "pages"), [
    ('Zhonggong zhongyang 中共中央, "Guanyu renmin gongshe ruogan wenti de jueyi" '
     "關於人民公社若干問題的決議, *Renmin ribao* 人民日報, December 19, 1958, 1.",
     "中共中央", "關於人民公社若干問題的決議", "人民日報", "1958-12-19", "1"),
    ('Wu Lengxi 吳冷西, "Jiaoyu renmin" 教育人民 [Educate the people], Guangming ribao '
     "光明日報, 3 May 1957, 2.",
     "吳冷西", "教育人民", "光明日報", "1957-05-03", "2"),
])
def test_a_sinological_newspaper_article(note: str, author: str, title: str, paper: str,
                                         date: str, pages: str) -> None:
    ref = one_citation(note)
    assert (ref.entry_type, [p.literal for p in ref.authors], ref.title, ref.container,
            ref.date, ref.pages) == ("article", [author], title, paper, date, pages)


# ── a multi-volume title printed plain ──────────────────────────────────────

@pytest.mark.parametrize("note", [
    "Roderick MacFarquhar, The Origins of the Cultural Revolution, vol. 3, The Coming of "
    "the Cataclysm, 1961-1966 (New York: Columbia University Press, 1997), 12.",
    "Jonathan Spence, The Search for Modern China, vol. 1, Before the Revolution (New "
    "York: Norton, 1990), 12.",
])
def test_a_plain_title_with_a_volume_is_the_set_cited_at_a_volume(note: str) -> None:
    ref = one_citation(note)
    assert "vol." not in ref.title and ref.volume in ("1", "3")
    assert ref.title in ("The Origins of the Cultural Revolution", "The Search for Modern China")
