"""Sinological Chicago papers (issue 11 §1/§6): a Markdown paper's italics are its title
marks, and the notation's short forms, note-number references and locators link. The
notes are written fresh for these tests; the same notes are read as a Markdown paper
and as plain text (where italics are lost, the rules that need them are not asked for).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sinosoviet_cli.grammar import emphasis, parse_citation, segment
from sinosoviet_cli.link.resolve import build, resolve
from sinosoviet_cli.model import Bibliography, Form, Reference
from sinosoviet_cli.paper.read import read_paper

NOTES = [
    "Li Danhui 李丹慧, *Beijing yu Mosike: Cong lianmeng zouxiang duikang (1949–1969)* "
    "北京與莫斯科：從聯盟走向對抗（1949–1969） (Guilin: Guangxi shifan daxue chubanshe, "
    "2002), 45.",
    "Li, *Beijing yu Mosike*, 61.",
    "Ann Mills, \"Border Talks in 1960,\" in *Frontiers of the Cold War: Essays on Asia*, "
    "ed. Peter Lang (Boston: Harbor Press; London: Tide Books, 2004), 101–40, at 115.",
    "For the essays as a whole, see Lang, *Frontiers of the Cold War*.",
    "Hu Qiaomu 胡喬木, *Hu Qiaomu wenji* 胡喬木文集, vol. 2 (Beijing: Renmin chubanshe, "
    "1993), 77.",
    "Ibid., 3:12.",
    "Walter Grant, *The Rise of the Communes*, vol. 2, *Harvest and Hunger, 1958–1961* "
    "(London: Field Press, 1987), 33.",
    "Grant, *Rise*, 2:40.",
    "On the same speech, see note 1 above.",
    "Li, n. 1 above, 72.",
    "See the city paper *Xinmin wanbao*, <https://example.org/xmwb/1958/0712.html>, "
    "accessed May 2, 2024.",
    "Compare Grant, *Rise*, and the photographs in *Fields of Iron* (London: Field Press, "
    "1991).",
    "A sequel is in preparation: \"Grain and Steel,\" *Rural History Review*.",
]

#: (note, key, form, pages, volume) of every citation, in order.
LINKS = [
    (1, "li2002beijing", Form.FULL, "45", ""),
    (2, "li2002beijing", Form.SHORT, "61", ""),
    (3, "mills2004border", Form.FULL, "115", ""),
    (4, "lang2004frontiers", Form.SHORT, "", ""),
    (5, "hu1993huqiao", Form.FULL, "77", "2"),
    (6, "hu1993huqiao", Form.IBID, "12", "3"),
    (7, "grant1987rise", Form.FULL, "33", "2"),
    (8, "grant1987rise", Form.SHORT, "40", "2"),
    (9, "li2002beijing", Form.SHORT, "45", ""),  # no page printed: note 1's page
    (10, "li2002beijing", Form.SHORT, "72", ""),
    (11, "anon-nd-xinmin", Form.FULL, "", ""),
    (12, "grant1987rise", Form.SHORT, "", ""),  # the short form ends at its italic title
    (13, "anon-nd-grain", Form.FULL, "", ""),
]


def _markdown(tmp_path: Path) -> Path:
    path = tmp_path / "paper.md"
    body = " ".join(f"Sentence {n}.[^{n}]" for n in range(1, len(NOTES) + 1))
    notes = "\n\n".join(f"[^{n}]: {text}" for n, text in enumerate(NOTES, 1))
    path.write_text(f"---\ntitle: Test\n---\n\n{body}\n\n{notes}\n", encoding="utf-8")
    return path


def _plain(tmp_path: Path) -> Path:
    path = tmp_path / "paper.txt"
    body = " ".join(f"Sentence {n}.[{n}]" for n in range(1, len(NOTES) + 1))
    notes = "".join(f"[{n}] {emphasis.strip_marks(text)}\n" for n, text in enumerate(NOTES, 1))
    path.write_text(f"{body}\n\nNotes\n{notes}", encoding="utf-8")
    return path


def _links(bib: Bibliography) -> list[tuple[int, str, Form, str, str]]:
    return [(ln.footnote, ln.key, ln.form, ln.pages, ln.volume) for ln in bib.links]


def test_a_markdown_paper_keeps_its_italics_and_urls(tmp_path: Path) -> None:
    notes = read_paper(_markdown(tmp_path)).footnotes
    assert [(f.n, f.text) for f in notes] == list(enumerate(NOTES, 1))
    assert "<https://example.org/xmwb/1958/0712.html>" in notes[10].text


def test_markdown_paper_links_every_citation(tmp_path: Path) -> None:
    bib = build(read_paper(_markdown(tmp_path)))
    assert _links(bib) == LINKS
    works = {w.key: w for w in bib.works}
    li = works["li2002beijing"]
    assert li.get("title") == "北京與莫斯科：從聯盟走向對抗（1949–1969）"
    assert li.get("userb") == "Beijing yu Mosike: Cong lianmeng zouxiang duikang (1949–1969)"
    assert (li.get("author"), li.get("usera")) == ("{李丹慧}", "Li Danhui")
    assert li.get("footnotes") == "1, 2, 9, 10"
    chapter, volume = works["mills2004border"], works["lang2004frontiers"]
    assert chapter.get("pages") == "101--140"  # the span beside "at 115"
    assert chapter.get("crossref") == "lang2004frontiers"
    assert volume.get("footnotes") == "4"
    grant = works["grant1987rise"]
    assert (grant.get("title"), grant.get("volume")) == ("The Rise of the Communes", "2")
    web = works["anon-nd-xinmin"]
    assert web.entry_type == "online" and web.get("title") == "Xinmin wanbao"
    assert (web.get("url"), web.get("urldate")) == (
        "https://example.org/xmwb/1958/0712.html", "2024-05-02")
    article = works["anon-nd-grain"]
    assert (article.entry_type, article.get("journal")) == ("article", "Rural History Review")


def test_the_same_notes_as_plain_text(tmp_path: Path) -> None:
    """Without italics a romanised title with parentheses has no end, nor has a title
    before ', vol. 2, Volume title': the other rules hold in plain text too."""
    bib = build(read_paper(_plain(tmp_path)))
    got = {(n, form, pages, volume): key for n, key, form, pages, volume in _links(bib)}
    for n, key, form, pages, volume in LINKS:
        if n not in (1, 2, 7, 8, 9, 10, 11, 12, 13):
            assert got.get((n, form, pages, volume)) == key, n


@pytest.mark.parametrize(("text", "title", "romanized"), [
    ("Zhou Wei 周偉, *Yan'an (1937–1947) yanjiu* 延安（1937–1947）研究 "
     "(Xi'an: Sanqin chubanshe, 2001), 5.", "延安（1937–1947）研究", "Yan'an (1937–1947) yanjiu"),
    ("Zhou Wei 周偉, _Yan'an yanjiu_ 延安研究 (Xi'an: Sanqin chubanshe, 2001), 5.",
     "延安研究", "Yan'an yanjiu"),
])
def test_an_italic_span_is_the_romanised_title(text: str, title: str, romanized: str) -> None:
    ref = parse_citation(text)
    assert isinstance(ref, Reference)
    assert (ref.title, ref.extra["romanized_title"], ref.pages) == (title, romanized, "5")


def test_literal_stars_and_snake_case_are_not_marks() -> None:
    assert emphasis.encode("2 * 3 * 4") == "2 * 3 * 4"
    assert emphasis.encode("file_name_here") == "file_name_here"
    coded = emphasis.encode("A, *B c*, 3.")
    assert len(coded) == len("A, *B c*, 3.") and emphasis.plain(coded) == "A,  B c , 3."
    assert emphasis.span_at(coded, 3) == (4, 8)


def test_segments_tile_a_note_with_italics() -> None:
    note = NOTES[3]
    segs = segment(note)
    assert "".join(s.text for s in segs) == note
    (cite,) = [s for s in segs if s.kind == "citation"]
    assert cite.text == "Lang, *Frontiers of the Cold War*."
    assert cite.reference is not None and cite.reference.title == "Frontiers of the Cold War"


def test_edition_and_set_then_volume_page() -> None:
    ref = parse_citation("Gao Hua 高華, *Hong taiyang shi zenyang shengqi de* 紅太陽是怎樣升起的, "
                         "rev. ed., 2 vols. (Hong Kong: Zhongwen daxue chubanshe, 2011), 2:301.")
    assert isinstance(ref, Reference)
    assert (ref.title, ref.extra["edition"], ref.extra["volumes"]) == (
        "紅太陽是怎樣升起的", "rev. ed.", "2")
    assert (ref.volume, ref.pages, ref.year) == ("2", "301", "2011")


def test_character_title_ending_in_years() -> None:
    ref = parse_citation("Ma Lin 馬林, ed., *Shanghai jingji, 1949–1978* 上海經濟，1949–1978 "
                         "(Shanghai: Renmin chubanshe, 1990), 12.")
    assert isinstance(ref, Reference)
    assert ref.title == "上海經濟，1949–1978" and [p.literal for p in ref.editors] == ["馬林"]


def test_sinological_chapter_in_an_edited_volume() -> None:
    notes = ["Zhou Ping 周平, \"Nongcun gongzuo\" 農村工作, in *Difang shi lunji* 地方史論集, "
             "ed. Qian Lu 錢路 (Jinan: Qilu shushe, 1994), 40–66, at 51.",
             "Qian, *Difang shi lunji*, 70."]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    works = {w.key: w for w in bib.works}
    chapter = works["zhou1994nongcun"]
    assert chapter.entry_type == "incollection"
    assert (chapter.get("booktitle"), chapter.get("userc"), chapter.get("pages")) == (
        "地方史論集", "Difang shi lunji", "40--66")
    volume = works[chapter.get("crossref")]
    assert (volume.get("editor"), volume.get("userb")) == ("{錢路}", "Difang shi lunji")
    assert not volume.get("pages") and not volume.get("usera")
    assert [(ln.key, ln.form, ln.pages) for ln in bib.links] == [
        ("zhou1994nongcun", Form.FULL, "51"), (volume.key, Form.SHORT, "70")]


def test_short_form_in_both_scripts_and_a_romanised_translator() -> None:
    notes = ["Tao Lu 陶魯, *Jiangnan jiyi* 江南記憶 (Nanjing: Fenghuang chubanshe, 2004), 8.",
             "Tao, *Jiangnan jiyi* 江南記憶, 19.",
             "Fang Yi 方毅, ed., *Beijing riji* 北京日記, trans. Liu Yun "
             "(Beijing: Dongfang chubanshe, 1999), 3."]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    assert [(ln.key, ln.form, ln.pages) for ln in bib.links] == [
        ("tao2004jiangnan", Form.FULL, "8"), ("tao2004jiangnan", Form.SHORT, "19"),
        ("fang1999beijing", Form.FULL, "3")]
    fang = {w.key: w for w in bib.works}["fang1999beijing"]
    assert (fang.get("editor"), fang.get("translator")) == ("{方毅}", "Liu, Yun")


def test_newspaper_issue_named_in_both_scripts() -> None:
    notes = ["*Jiefang ribao* 解放日報, August 3, 1958, 2.",
             "See *Wenhui bao* 文匯報, 9 May 1957, 3; and *Jiefang ribao* 解放日報, "
             "August 3, 1958, 4.",
             "*Wenhui bao* 文匯報 is a Shanghai paper."]
    bib = resolve([(n, segment(t)) for n, t in enumerate(notes, 1)])
    links = [(ln.footnote, ln.key, ln.pages) for ln in bib.links]
    assert links == [(1, "anon1958jiefang", "2"), (2, "anon1957wenhui", "3"),
                     (2, "anon1958jiefang", "4")]
    jiefang = {w.key: w for w in bib.works}["anon1958jiefang"]
    assert jiefang.entry_type == "article"
    assert (jiefang.get("journal"), jiefang.get("userc"), jiefang.get("date")) == (
        "解放日報", "Jiefang ribao", "1958-08-03")
