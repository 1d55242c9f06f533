"""``check`` on Word drafts written with Zotero, Mendeley or EndNote: the manager's
records matched to the bibliography and checked (sinosoviet_cli.checks.managers).

Every draft is built here with tests.docx_builder, run by run."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sinosoviet_cli.cli import app
from sinosoviet_cli.drafts.fielddraft import FieldDraft, ItemMatcher, with_fields
from sinosoviet_cli.drafts.fields import load_notes_with_fields
from sinosoviet_cli.drafts.managers import ManagerItem
from sinosoviet_cli.model import Work
from sinosoviet_cli.paper.drafts import load
from tests.docx_builder import (
    build_fields_docx,
    build_odt,
    content_control,
    endnote_cite,
    endnote_record,
    endnote_xml,
    field,
    footnote_ref,
    mendeley_instr,
    mendeley_v3_tag,
    odt_citation,
    odt_note,
    run,
    simple_field,
    zotero_instr,
)

BIB = """@book{yang1999zouxiang,
  author = {{楊奎松}}, title = {走向破裂：毛澤東與莫斯科的恩恩怨怨},
  address = {香港}, publisher = {三聯書店}, year = {1999}, langid = {chinese},
}
@book{zagoria1962sino,
  author = {Zagoria, Donald}, title = {The Sino-Soviet Conflict 1956-1961},
  address = {Princeton}, publisher = {Princeton University Press}, year = {1962},
}
@book{shen2003maozedong,
  author = {{沈志華}}, title = {毛澤東、斯大林與朝鮮戰爭}, address = {廣州},
  publisher = {廣東人民出版社}, year = {2003},
}
"""
ZOTERO = "http://zotero.org/users/4711/items/"
YANG: dict[str, Any] = {  # Simplified title, name in two parts: still the entry
    "id": 1, "type": "book", "title": "走向破裂：毛泽东与莫斯科的恩恩怨怨",
    "author": [{"family": "楊", "given": "奎松"}], "publisher": "三聯書店",
    "publisher-place": "香港", "issued": {"date-parts": [["1999"]]}}
ZAGORIA: dict[str, Any] = {
    "id": 2, "type": "book", "title": "The Sino-Soviet Conflict 1956-1961",
    "author": [{"family": "Zagoira", "given": "Donald"}],  # misspelled in the library
    "publisher": "Princeton University Press", "issued": {"date-parts": [[1962]]}}
SHEN: dict[str, Any] = {
    "id": 3, "type": "book", "title": "毛澤東、斯大林與朝鮮戰爭", "citation-key": "shen2003maozedong",
    "author": [{"literal": "沈志華"}], "publisher": "廣東人民出版社",
    "publisher-place": "廣州", "issued": {"date-parts": [[2003]]}}
SHEN_DUP = {**SHEN, "id": 4, "issued": {"date-parts": [[2004]]}}  # a second record
SHEN_DUP.pop("citation-key")
WESTAD: dict[str, Any] = {
    "id": 5, "type": "book", "title": "Brothers in Arms", "author": [
        {"family": "Westad", "given": "Odd Arne"}], "issued": {"date-parts": [[1998]]}}


def _cite(item: dict[str, Any], key: str, locator: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"id": item["id"], "uris": [ZOTERO + key], "itemData": item}
    if locator:
        out.update(locator=locator, label="page")
    return out


def _zfield(item: dict[str, Any], key: str, shown: str, *, plain: str | None = None,
            cid: str = "c", frozen: bool = False, pieces: int = 1, locator: str = "") -> str:
    instr = zotero_instr([_cite(item, key, locator)], plain if plain is not None else shown,
                         citation_id=cid, dont_update=frozen)
    return field(instr, shown, pieces=pieces)


def _check(runner: CliRunner, tmp_path: Path, draft: Path,
           bib: str = BIB) -> tuple[int, list[dict[str, Any]]]:
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--bib", str(tmp_path / "refs.bib"),
                                 "--json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)["findings"]


@pytest.fixture()
def zotero_draft(tmp_path: Path) -> Path:
    footnotes = {
        # 1: clean, the instruction split over 9 runs, words typed around the field
        1: run("參見") + _zfield(YANG, "AAAA", "楊奎松，《走向破裂》，頁12", cid="c1", pieces=9,
                               locator="12") + run("；另參本文第二節。"),
        # 2: a record with a misspelled author
        2: _zfield(ZAGORIA, "BBBB", "Zagoira, The Sino-Soviet Conflict.", cid="c2"),
        # 3: the rendered citation edited by hand
        3: _zfield(SHEN, "CCCC", "沈志華，《毛澤東、斯大林與朝鮮戰爭》，頁5。",
                   plain="沈志華，《毛澤東、斯大林與朝鮮戰爭》。", cid="c3"),
        # 4: an ibid the style rendered (same work as note 3: clean)
        4: _zfield(SHEN, "CCCC", "同上，頁8。", cid="c4", locator="8"),
        # 5: a hand-typed 同上 after it: follows the field's work, clean
        5: run("同上，頁9。"),
        # 6: a work not in the bibliography
        6: _zfield(WESTAD, "EEEE", "Westad, Brothers in Arms.", cid="c6"),
        # 7: a second record of Shen's book, with a wrong year
        7: _zfield(SHEN_DUP, "DDDD", "沈志華，《毛澤東、斯大林與朝鮮戰爭》，2004。", cid="c7"),
        # 8: a style-rendered ibid left over after the items changed
        8: _zfield(YANG, "AAAA", "同上。", cid="c8"),
    }
    body = [run("正文") + "".join(footnote_ref(n) for n in footnotes)]
    return build_fields_docx(tmp_path / "zotero.docx", body, footnotes)


def test_zotero_planted_problems_all_found(runner: CliRunner, tmp_path: Path,
                                           zotero_draft: Path) -> None:
    code, findings = _check(runner, tmp_path, zotero_draft)
    assert code == 1
    got = {(f["footnote"], f["rule"]) for f in findings}
    assert (2, "author-mismatch") in got
    assert (3, "edited-citation") in got
    assert (6, "not-in-bibliography") in got
    assert (7, "duplicate-item") in got
    assert (7, "year-mismatch") in got
    assert (8, "stale-ibid") in got
    # the clean notes: the split instruction, the style's ibid, the hand-typed 同上
    assert not [f for f in findings if f["footnote"] in (1, 4, 5)], findings
    edited = next(f for f in findings if f["rule"] == "edited-citation")
    assert edited["severity"] == "warning"
    assert edited["source"]["found"] == "沈志華，《毛澤東、斯大林與朝鮮戰爭》，頁5。"
    assert edited["source"]["expected"] == "沈志華，《毛澤東、斯大林與朝鮮戰爭》。"
    author = next(f for f in findings if f["rule"] == "author-mismatch")
    assert author["source"] == {
        "manager": "zotero", "part": "footnote", "citation_id": "c2", "matched_by": "record",
        "field": "author", "found": "Zagoira, Donald", "expected": "Zagoria, Donald"}
    # findings in the order of the notes, though all sit in one Word paragraph
    assert [f["footnote"] for f in findings] == sorted(f["footnote"] for f in findings)
    assert "correct the record in Zotero, then refresh" in author["fix"]
    assert "retype" not in json.dumps(findings)


def test_frozen_edit_is_info(runner: CliRunner, tmp_path: Path) -> None:
    footnotes = {1: _zfield(YANG, "AAAA", "楊奎松，《走向破裂》。", plain="楊奎松，走向破裂。",
                            frozen=True)}
    draft = build_fields_docx(tmp_path / "f.docx", [run("x") + footnote_ref(1)], footnotes)
    code, findings = _check(runner, tmp_path, draft)
    assert [(f["rule"], f["severity"]) for f in findings] == [("edited-citation", "info")]
    assert code == 0


def test_three_items_none_in_bibliography(runner: CliRunner, tmp_path: Path) -> None:
    others = [{"id": i, "type": "book", "title": f"Unknown Work {i}",
               "author": [{"family": f"Nobody{i}", "given": "A."}],
               "issued": {"date-parts": [[2000 + i]]}} for i in range(3)]
    footnotes = {i + 1: _zfield(item, f"K{i}", f"Nobody{i}, Unknown Work {i}.", cid=f"x{i}")
                 for i, item in enumerate(others)}
    body = [run("text") + "".join(footnote_ref(n) for n in footnotes)]
    draft = build_fields_docx(tmp_path / "three.docx", body, footnotes)
    code, findings = _check(runner, tmp_path, draft)
    assert code == 1
    assert [f["rule"] for f in findings] == ["not-in-bibliography"] * 3
    assert [f["source"]["manager"] for f in findings] == ["zotero"] * 3


def test_author_date_fields_in_body(runner: CliRunner, tmp_path: Path) -> None:
    body = [run("As argued ") + _zfield(ZAGORIA, "BBBB", "(Zagoira 1962)") + run(" and ")
            + _zfield(WESTAD, "EEEE", "(Westad 1998)"),
            run("Also ") + _zfield(YANG, "AAAA", "(楊奎松 1999)")]
    draft = build_fields_docx(tmp_path / "ad.docx", body, {})
    code, findings = _check(runner, tmp_path, draft)
    assert code == 1
    assert sorted(f["rule"] for f in findings) == ["author-mismatch", "not-in-bibliography"]
    assert all(f["footnote"] is None for f in findings)
    assert {f["line"] for f in findings} == {1}


def test_endnote_fld_data(runner: CliRunner, tmp_path: Path) -> None:
    record = endnote_record("Book", ["Zagoria, Donald"], "The Sino-Soviet Conflict 1956-1961",
                            "1963", rec_num=7)
    xml = endnote_xml([endnote_cite("Zagoria", "1963", "Zagoria, Conflict.", record,
                                    rec_num=7)])
    data = base64.b64encode(xml.encode("utf-8")).decode("ascii")
    footnotes = {1: field(" ADDIN EN.CITE ", "Zagoria, Conflict.", fld_data=data,
                          nested=[field(" ADDIN EN.CITE.DATA ", "", fld_data=data)])}
    draft = build_fields_docx(tmp_path / "en.docx", [run("x") + footnote_ref(1)], footnotes)
    code, findings = _check(runner, tmp_path, draft)
    assert code == 1
    assert [(f["rule"], f["source"]["manager"]) for f in findings] == [
        ("year-mismatch", "endnote")]
    assert findings[0]["source"]["found"] == "1963"


def test_mendeley_colliding_ids(runner: CliRunner, tmp_path: Path) -> None:
    def item(data: dict[str, Any], uuid: str) -> dict[str, Any]:
        return {"id": "ITEM-1", "uris": [f"http://www.mendeley.com/documents/?uuid={uuid}"],
                "itemData": {**data, "id": "ITEM-1"}}

    footnotes = {
        1: field(mendeley_instr([item(YANG, "u-yang")], "楊奎松，《走向破裂》。"),
                 "楊奎松，《走向破裂》。"),
        2: field(mendeley_instr([item(SHEN, "u-shen")], "沈志華，《毛澤東、斯大林與朝鮮戰爭》。"),
                 "沈志華，《毛澤東、斯大林與朝鮮戰爭》。"),
    }
    body = [run("x") + footnote_ref(1) + footnote_ref(2)]
    draft = build_fields_docx(tmp_path / "m.docx", body, footnotes)
    code, findings = _check(runner, tmp_path, draft)
    assert (code, findings) == (0, [])  # ITEM-1 twice is two works, not a duplicate


def test_mendeley_v3_and_citavi_not_silently_passed(runner: CliRunner, tmp_path: Path) -> None:
    tag = mendeley_v3_tag([{"id": "x", "uris": ["http://www.mendeley.com/documents/?uuid=w"],
                            "itemData": WESTAD}], "Westad 1998")
    footnotes = {1: content_control(tag, run("Westad 1998")),
                 2: simple_field(" ADDIN CITAVI.PLACEHOLDER abc ", "Citavi text")}
    body = [run("x") + footnote_ref(1) + footnote_ref(2)]
    draft = build_fields_docx(tmp_path / "v3.docx", body, footnotes)
    _, findings = _check(runner, tmp_path, draft)
    rules = {(f["footnote"], f["rule"], f["severity"]) for f in findings}
    assert (1, "not-in-bibliography", "warning") in rules
    assert (2, "not-checkable", "info") in rules


def test_docx_without_fields_unchanged(tmp_path: Path) -> None:
    footnotes = {1: run("楊奎松，《走向破裂》，頁12。")}
    draft = build_fields_docx(tmp_path / "plain.docx", [run("x") + footnote_ref(1)], footnotes)
    doc = load(draft)
    assert with_fields(doc, load_notes_with_fields(draft), []) is doc


def test_field_items_become_key_citations(zotero_draft: Path) -> None:
    works = [Work("yang1999zouxiang", "book", {"author": "{楊奎松}", "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨",
                                               "year": "1999"})]
    doc = with_fields(load(zotero_draft), load_notes_with_fields(zotero_draft), works)
    assert isinstance(doc, FieldDraft)
    first = doc.notes[0]
    assert [k.key for k in first.keys] == ["yang1999zouxiang"]
    assert first.keys[0].locator == "12"
    # the field's text is the manager's, not re-parsed; what was typed around it stays
    assert first.text == "參見" + " " * len("楊奎松，《走向破裂》，頁12") + "；另參本文第二節。"
    assert doc.notes[4].text == "同上，頁9。"


@pytest.mark.parametrize(("csl", "by"), [
    ({"type": "book", "title": "X", "citation-key": "Yang1999Zouxiang"}, "citation-key"),
    ({"type": "book", "title": "X", "note": "Citation Key: yang1999zouxiang"}, "citation-key"),
    ({"type": "book", "title": "X", "DOI": "https://doi.org/10.1/ABC"}, "doi"),
    ({"type": "book", "title": "X", "ISBN": "962-04-1234-5"}, "isbn"),
    ({"type": "book", "title": "走向破裂", "author": [{"family": "杨", "given": "奎松"}],
      "issued": {"date-parts": [[1999]]}}, "record"),
])
def test_match_order(csl: dict[str, Any], by: str) -> None:
    work = Work("yang1999zouxiang", "book", {"author": "{楊奎松}", "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨",
                                            "year": "1999", "doi": "10.1/abc",
                                            "isbn": "9620412345"})
    m = ItemMatcher([work]).match(ManagerItem(csl))
    assert (m.key, m.matched_by) == ("yang1999zouxiang", by)


def test_unknown_record_matches_nothing() -> None:
    work = Work("yang1999zouxiang", "book", {"author": "{楊奎松}", "title": "走向破裂", "year": "1999"})
    m = ItemMatcher([work]).match(ManagerItem(WESTAD))
    assert (m.key, m.matched_by) == ("", "")


def test_export_cited_in_word_fields(runner: CliRunner, tmp_path: Path,
                                     zotero_draft: Path) -> None:
    extra = "@book{other2000x, author = {Other, Ann}, title = {Never Cited}, year = {2000}}\n"
    (tmp_path / "refs.bib").write_text(BIB + extra, encoding="utf-8")
    result = runner.invoke(app, ["export", "--bib", str(tmp_path / "refs.bib"),
                                 "--cited-in", str(zotero_draft)])
    assert result.exit_code == 0, result.output
    for cited in ("走向破裂", "Sino-Soviet Conflict", "朝鮮戰爭"):
        assert cited in result.stdout
    assert "Never Cited" not in result.stdout


def test_style_ibid_after_a_hand_typed_note(runner: CliRunner, tmp_path: Path) -> None:
    footnotes = {1: run("楊奎松，《走向破裂：毛澤東與莫斯科的恩恩怨怨》（香港：三聯書店，1999），頁3。"),
                 2: _zfield(YANG, "AAAA", "同上，頁4。", cid="i1", locator="4"),
                 3: _zfield(SHEN, "CCCC", "同上，頁5。", cid="i2", locator="5")}
    body = [run("x") + "".join(footnote_ref(n) for n in footnotes)]
    draft = build_fields_docx(tmp_path / "i.docx", body, footnotes)
    _, findings = _check(runner, tmp_path, draft)
    assert [(f["footnote"], f["rule"]) for f in findings] == [(3, "stale-ibid")]


def test_one_finding_per_missing_record(runner: CliRunner, tmp_path: Path) -> None:
    footnotes = {n: _zfield(WESTAD, "EEEE", "Westad, Brothers in Arms.", cid=f"w{n}")
                 for n in (1, 2)}
    body = [run("x") + footnote_ref(1) + footnote_ref(2)]
    _, findings = _check(runner, tmp_path, build_fields_docx(tmp_path / "w.docx", body,
                                                             footnotes))
    assert [(f["footnote"], f["rule"]) for f in findings] == [(1, "not-in-bibliography")]


def test_odt_zotero_marks_checked(runner: CliRunner, tmp_path: Path) -> None:
    zagoria = zotero_instr([_cite(ZAGORIA, "BBBB")], "Zagoira, The Sino-Soviet Conflict.")
    westad = zotero_instr([_cite(WESTAD, "EEEE")], "Westad, Brothers in Arms.")
    draft = build_odt(tmp_path / "d.odt", [
        "正文" + odt_note(1, odt_citation(zagoria, "Zagoira, The Sino-Soviet Conflict."))
        + odt_note(2, "同上，頁3。")
        + odt_note(3, odt_citation(westad, "Westad, Brothers in Arms.", rnd="RNDb"))])
    code, findings = _check(runner, tmp_path, draft)
    assert code == 1
    assert [(f["footnote"], f["rule"]) for f in findings] == [
        (1, "author-mismatch"), (3, "not-in-bibliography")]


def test_endnote_two_cites_one_display_text(runner: CliRunner, tmp_path: Path) -> None:
    yang = endnote_record("Book", ["楊奎松"], "走向破裂：毛澤東與莫斯科的恩恩怨怨", "1999", rec_num=1)
    shen = endnote_record("Book", ["沈志華"], "毛澤東、斯大林與朝鮮戰爭", "2003", rec_num=2)
    shown = "(楊奎松 1999; 沈志華 2003)"
    for repeated in (False, True):
        xml = endnote_xml([endnote_cite("楊奎松", "1999", shown, yang, rec_num=1),
                           endnote_cite("沈志華", "2003", shown if repeated else "", shen,
                                        rec_num=2)])
        body = [run("x ") + field(" ADDIN EN.CITE " + xml + " ", shown)]
        draft = build_fields_docx(tmp_path / f"e{repeated}.docx", body, {})
        code, findings = _check(runner, tmp_path, draft)
        assert (code, findings) == (0, []), findings


def test_hand_typed_ibid_after_a_record_not_in_the_bibliography(runner: CliRunner,
                                                                 tmp_path: Path) -> None:
    footnotes = {1: _zfield(WESTAD, "EEEE", "Westad, Brothers in Arms, 3.", locator="3"),
                 2: run("Ibid., 4.")}
    body = [run("x") + footnote_ref(1) + footnote_ref(2)]
    _, findings = _check(runner, tmp_path, build_fields_docx(tmp_path / "o.docx", body,
                                                             footnotes))
    assert [(f["footnote"], f["rule"]) for f in findings] == [(1, "not-in-bibliography")]
