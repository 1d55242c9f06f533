"""Endnote layouts (paper/endnotes.py): written fresh for these tests, one per layout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.paper.endnotes import extract_endnotes, tidy

NOTES = [
    "毛泽东：《建国以来毛泽东文稿》第7册，中央文献出版社1992年版，第85页。",
    "出处同注1。",
    "吴冷西：《十年论战：1956—1966中苏关系回忆录》，中央文献出版社1999年版，第120—122页。",
    "Lorenz M. Lüthi, The Sino-Soviet Split (Princeton: Princeton University Press, 2008), 80.",
    "《人民日报》1958年10月6日，第1版。",
]
BODY = "一、问题的提出\n大跃进与中苏关系{m1}。学者看法不一{m2}。\n\n二、档案\n新的档案{m3}表明{m4}，且见报道{m5}。\n"

LAYOUTS = {
    "square": ("[{n}]", "[{n}] "),
    "fullwidth-square": ("［{n}］", "［{n}］"),
    "tortoise": ("〔{n}〕", "〔 {n} 〕 "),
    "paren": ("（{n}）", "（{n}）"),
    "dot": ("[{n}]", "{n}. "),
    "dunhao": ("[{n}]", "{n}、"),
    "circled": ("{c}", "{c}"),
    "superscript": ("{s}", "{n}. "),
    "superscript-both": ("{s}", "{s}"),
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _paper(body_mark: str, note_mark: str, heading: str = "注释：", glue: str = "\n") -> str:
    def mk(pattern: str, n: int) -> str:
        return pattern.format(n=n, c=_CIRCLED[n - 1], s=str(n).translate(_SUPERSCRIPT))
    body = BODY.format(**{f"m{i}": mk(body_mark, i) for i in range(1, 6)})
    notes = glue.join(mk(note_mark, i) + text for i, text in enumerate(NOTES, 1))
    return f"标题\n作者\n\n{body}\n{heading}\n{notes}\n"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(
    "heading", ["注释：", "【注释】", "註釋", "注釋", "Notes", "Endnotes", "附注", "注 释", "[注释]"])
def test_every_note_found_with_its_number_and_text(layout: str, heading: str) -> None:
    body_mark, note_mark = LAYOUTS[layout]
    paper = extract_endnotes(_paper(body_mark, note_mark, heading))
    assert paper is not None
    assert [(f.n, f.text) for f in paper.footnotes] == list(enumerate(NOTES, 1))
    assert [m.n for m in paper.markers] == [1, 2, 3, 4, 5]
    assert [f.section for f in paper.footnotes] == ["一", "一", "二", "二", "二"]
    assert paper.markers[0].sentence == "大跃进与中苏关系"


@pytest.mark.parametrize(
    "layout", ["square", "tortoise", "paren", "circled", "dot", "dunhao", "superscript-both"])
def test_notes_glued_on_one_line(layout: str) -> None:
    body_mark, note_mark = LAYOUTS[layout]
    paper = extract_endnotes(_paper(body_mark, note_mark, glue=" "))
    assert paper is not None
    assert [f.text for f in paper.footnotes] == NOTES


def test_spaces_inside_markers_and_web_spacing() -> None:
    text = "正文[1]。\n注释：\n[  1  ] 中央文献出版社  2006  年  1  月版，第  85  －  87  页。\n〔  2  〕 同上。\n"
    paper = extract_endnotes(text)
    assert paper is not None
    assert [f.text for f in paper.footnotes] == ["中央文献出版社2006年1月版，第85－87页。", "同上。"]


def test_a_note_that_lost_its_opening_bracket_keeps_its_number() -> None:
    lines = [f"〔{n}〕 第{n}条注释。" for n in range(1, 26)] + ["26  〕 丢了左括号的注释。", "〔27〕 最后。"]
    paper = extract_endnotes("正文。\n注释\n" + "\n".join(lines))
    assert paper is not None
    assert [f.n for f in paper.footnotes] == list(range(1, 28))
    assert paper.footnotes[25].text == "丢了左括号的注释。"


def test_numbers_inside_notes_never_start_a_note() -> None:
    text = "正文[1][2]。\n注释：\n[1] 见《文稿》第2册，第3页；又见[3]页。\n[2] 1958年，第2版。\n"
    paper = extract_endnotes(text)
    assert paper is not None
    assert [f.text for f in paper.footnotes] == ["见《文稿》第2册，第3页；又见[3]页。", "1958年，第2版。"]


def test_circled_numbers_that_restart_are_renumbered_in_order() -> None:
    text = "甲①乙②。\n丙①。\n注释：\n①第一页注一。②第一页注二。\n①第二页注一。\n"
    paper = extract_endnotes(text)
    assert paper is not None
    assert [(f.n, f.text) for f in paper.footnotes] == [(1, "第一页注一。"), (2, "第一页注二。"), (3, "第二页注一。")]
    assert [m.n for m in paper.markers] == [1, 2, 3]


@pytest.mark.parametrize("glue", ["\n", " "])
def test_more_than_a_thousand_notes(glue: str) -> None:
    notes = [f"作者{n}：《书名{n}》，出版社，1990年，第{n % 300 + 1}页。" for n in range(1, 1006)]
    body = "".join(f"句子{n}[{n}]。" for n in range(1, 1006))
    text = body + "\n注释：\n" + glue.join(f"[{n}] {t}" for n, t in enumerate(notes, 1))
    paper = extract_endnotes(text)
    assert paper is not None
    assert [f.text for f in paper.footnotes] == notes
    assert len(paper.markers) == 1005


def test_block_ends_at_references() -> None:
    text = "正文[1]。\n注释：\n[1] 一条注释。\n参考文献：\n[1] 不是注释。\n"
    paper = extract_endnotes(text)
    assert paper is not None
    assert [f.text for f in paper.footnotes] == ["一条注释。"]


def test_no_heading_no_endnotes() -> None:
    assert extract_endnotes("正文，没有注释。\n第二段。\n") is None
    assert extract_endnotes("正文。\n注释：\n没有编号的文字。\n") is None


@given(st.lists(st.text(alphabet="大跃进中苏关系年月第页版，。 1234567890", min_size=1, max_size=30)
                .filter(lambda s: s.strip()), min_size=1, max_size=12))
def test_property_round_trip(texts: list[str]) -> None:
    """Any note texts, numbered [n] on their own lines, come back as tidied."""
    text = "正文。\n注释：\n" + "\n".join(f"[{n}] {t}" for n, t in enumerate(texts, 1))
    paper = extract_endnotes(text)
    assert paper is not None
    # The alphabet has no bracket, so only the [n] markers can start a note.
    assert [f.text for f in paper.footnotes] == [tidy(t) for t in texts]


def test_the_paper_reader_chooses_endnotes_and_parse_links_them() -> None:
    """paper.footnotes.extract (the text reader of every command) reads an endnote
    paper; the back-reference 出处同注1 links to note 1's work."""
    from sinosoviet_cli.grammar import segment
    from sinosoviet_cli.link import resolve
    from sinosoviet_cli.paper.footnotes import extract

    text = ("一、问题\n大跃进〔1〕。中苏〔2〕。\n注释：\n"
            "〔 1 〕 杨奎松：《走向破裂》，三联书店（香港）1999年版，第  85  －  87  页。"
            "〔 2 〕 出处同注1，第90页。\n")
    paper = extract(text)
    assert [f.text for f in paper.footnotes] == [
        "杨奎松：《走向破裂》，三联书店（香港）1999年版，第85－87页。", "出处同注1，第90页。"]
    bib = resolve.resolve([(f.n, segment(f.text)) for f in paper.footnotes])
    assert [(link.form, link.pages) for link in bib.links] == [("full", "85--87"), ("short", "90")]
    assert bib.links[0].key == bib.links[1].key != ""


def test_parse_json_gives_the_volume_of_a_multi_volume_set(tmp_path, monkeypatch, capsys) -> None:
    """One work for the set, the volume beside the page in each citation (issue 11 §5)."""
    import json

    from conftest import run_main

    paper = tmp_path / "paper.txt"
    paper.write_text(
        "正文〔1〕。又〔2〕。\n注释：\n"
        "〔1〕中共中央文献研究室编：《建国以来毛泽东文稿》第7册，中央文献出版社1992年版，第85页。\n"
        "〔2〕中共中央文献研究室编：《建国以来毛泽东文稿》第8册，中央文献出版社1993年版，第12页。\n",
        encoding="utf-8")
    code, out, err = run_main(["parse", str(paper), "--json"], monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    cites = [c for f in data["footnotes"] for c in f["citations"]]
    assert [(c["volume"], c["pages"]) for c in cites] == [("7", "85"), ("8", "12")]
    assert cites[0]["key"] == cites[1]["key"] and data["entries"] == 1


@pytest.mark.parametrize("trailer", [
    "\n\n（责任编辑：陈晓）\n", "（责任编辑：陈晓）", "\n[责任编辑 王五]\n", "\n【责任编辑】李四\n",
    "\n作者单位：北京大学历史学系\n", "\n收稿日期：2010-01-02\n", "\n© 2010 某某杂志社\n",
    "\n本文原载《当代中国史研究》2009年第1期。\n", "\n参考文献：\n[1] 不是注释。\n",
    " 参考文献：[1] 不是注释。", "\n责 任 编 辑 ： 张三\n", "\nCopyright 2010 Some Press.\n",
])
def test_the_last_note_ends_before_a_trailer(trailer: str) -> None:
    """A web copy's editor, affiliation, date, copyright or references after the notes
    (the trailer words are data: ``[endnotes] trailers`` in layout.toml)."""
    text = ("正文[1]。又[2]。\n注释：\n[1] 第一条。\n"
            "[2] 牛军：《1962：中国对外政策“左”转的前夜》，《历史研究》2003年第3期。" + trailer)
    paper = extract_endnotes(text)
    assert paper is not None
    assert [f.text for f in paper.footnotes] == [
        "第一条。", "牛军：《1962：中国对外政策“左”转的前夜》，《历史研究》2003年第3期。"]


def test_a_trailer_word_inside_a_note_is_note_text() -> None:
    text = "正文[1]。\n注释：\n[1] 见该书附录。本文作者感谢某某先生提供资料。\n"
    paper = extract_endnotes(text)
    assert paper is not None
    assert paper.footnotes[0].text == "见该书附录。本文作者感谢某某先生提供资料。"


def test_glued_dot_markers_need_a_closed_note_before_them() -> None:
    """In a one-line `1.` block, `2.` starts a note only after a note's closing
    punctuation: a section `第2、3节` or a volume `vol. 2, 12` stays in its note."""
    text = ("正文[1][2][3]。\n注释：\n1. 参见该书第2、3节。2. Zagoria, Conflict, vol. 3, 12. "
            "3. 同上。\n")
    paper = extract_endnotes(text)
    assert paper is not None
    assert [f.text for f in paper.footnotes] == [
        "参见该书第2、3节。", "Zagoria, Conflict, vol. 3, 12.", "同上。"]


_PIECES = st.sampled_from([
    "毛泽东：", "《建国以来毛泽东文稿》第7册，", "中央文献出版社1992年版，", "第85页。", "同上。",
    "出处同注1。", "[美]肯尼思·华尔兹：", "（1956—1961）", "第2、3节。", "上海市档案馆藏，全宗号A36，",
    "Chen Jian, Mao's China (Chapel Hill: UNC Press, 2001), pp. 49-84.", "vol. 2, 12.", "1958年",
])


@given(
    notes=st.lists(st.lists(_PIECES, min_size=1, max_size=6).map("".join), min_size=1, max_size=25),
    layout=st.sampled_from(sorted(LAYOUTS)),
    glue=st.sampled_from(["\n", " ", "\n\n"]),
    heading=st.sampled_from(["注释：", "【注释】", "Notes", "註釋"]),
)
def test_property_any_layout_round_trip(notes: list[str], layout: str, glue: str,
                                        heading: str) -> None:
    """Citation-like notes in any layout, on separate lines or glued on one, come back
    exactly (circled numbers only go to 10 here, glued ones need a closed note)."""
    body_mark, note_mark = LAYOUTS[layout]
    if layout == "circled":
        notes = notes[:10]
    if glue == " " and layout in ("dot", "dunhao", "superscript"):
        notes = [n if n.endswith(("。", ".")) else n + "。" for n in notes]

    def mk(pattern: str, n: int) -> str:
        return pattern.format(n=n, c=_CIRCLED[(n - 1) % 10], s=str(n).translate(_SUPERSCRIPT))
    body = "".join(f"句子{mk(body_mark, n)}。" for n in range(1, len(notes) + 1))
    block = glue.join(mk(note_mark, n) + t for n, t in enumerate(notes, 1))
    paper = extract_endnotes(f"{body}\n{heading}\n{block}\n")
    assert paper is not None
    assert [f.text for f in paper.footnotes] == [tidy(t) for t in notes]
