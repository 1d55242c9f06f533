"""Reference-manager fields in Word drafts (sinosoviet_cli.drafts.fields / managers).

Every draft is built here with tests.docx_builder, run by run, the way Word stores
Zotero, Mendeley and EndNote citations."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.drafts.csljson import csl_to_fields
from sinosoviet_cli.drafts.fields import (
    NoteWithFields,
    citations,
    docx_notes_with_fields,
    field_kind,
    load_notes_with_fields,
    payload_for,
)
from sinosoviet_cli.drafts.managers import (
    ManagerItem,
    item_identity,
    parse_csl_citation,
    parse_mendeley_tag,
)
from sinosoviet_cli.drafts.odt import load_odt_notes_with_fields, odt_notes_with_fields
from sinosoviet_cli.errors import InputError
from tests.docx_builder import (
    PARA,
    build_fields_docx,
    build_odt,
    content_control,
    endnote_cite,
    endnote_record,
    endnote_ref,
    endnote_xml,
    field,
    footnote_ref,
    mendeley_instr,
    mendeley_v3_tag,
    odt_citation,
    odt_note,
    odt_section,
    run,
    simple_field,
    zotero_instr,
)

ZOTERO = "http://zotero.org/users/4711/items/"
YANG: dict[str, Any] = {
    "id": 101, "type": "book", "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨",
    "author": [{"family": "楊", "given": "奎松"}], "publisher": "三聯書店",
    "publisher-place": "香港", "issued": {"date-parts": [["1999"]]}, "language": "zh-TW"}
ZAGORIA: dict[str, Any] = {
    "id": 102, "type": "book", "title": "The Sino-Soviet Conflict, 1956-1961",
    "author": [{"family": "Zagoira", "given": "Donald S."}],  # misspelled in the library
    "publisher": "Princeton University Press", "issued": {"date-parts": [[1962]]}}
SHEN_1: dict[str, Any] = {
    "id": 103, "type": "book", "title": "毛澤東、斯大林與朝鮮戰爭",
    "author": [{"literal": "沈志華"}], "issued": {"date-parts": [[2003]]}}
SHEN_2 = {**SHEN_1, "id": 104, "issued": {"date-parts": [[2004]]}}  # the same work, twice


def _cite(item: dict[str, Any], key: str, locator: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"id": item["id"], "uris": [ZOTERO + key], "itemData": item}
    if locator:
        out.update(locator=locator, label="page")
    return out


@pytest.fixture()
def zotero_notes(tmp_path: Path) -> list[NoteWithFields]:
    fn1 = zotero_instr([_cite(YANG, "AAAA1111", "12")], "楊奎松，《走向破裂》，頁12。",
                       citation_id="c1")
    fn3 = zotero_instr([_cite(ZAGORIA, "BBBB2222", "45")],
                       "Zagoira, The Sino-Soviet Conflict, 45.", citation_id="c3",
                       dont_update=True)
    footnotes = {
        # the instruction over 7 runs, with a paragraph break inside it
        1: run("參見") + field(fn1, "楊奎松，《走向破裂》，頁12。", pieces=7, break_after=3,
                             shown_runs=3),
        2: field(zotero_instr([_cite(ZAGORIA, "BBBB2222")], "Zagoira, The Sino-Soviet Conflict.",
                              citation_id="c2"),
                 "Zagoira, The Sino-Soviet Conflict."),
        # the user corrected the shown text by hand; Zotero froze the field
        3: field(fn3, "Zagoria, The Sino-Soviet Conflict, 45."),
        4: field(zotero_instr([_cite(SHEN_1, "CCCC3333")], "沈志華，《毛澤東、斯大林與朝鮮戰爭》。",
                              citation_id="c4"), "沈志華，《毛澤東、斯大林與朝鮮戰爭》。"),
        5: field(zotero_instr([_cite(SHEN_2, "DDDD4444")], "沈志華，《毛澤東、斯大林與朝鮮戰爭》。",
                              citation_id="c5"), "沈志華，《毛澤東、斯大林與朝鮮戰爭》。"),
        6: field(zotero_instr([_cite(SHEN_2, "DDDD4444", "8")], "Ibid., 8.", citation_id="c6"),
                 "Ibid., 8."),
        7: run("同上，頁12。"),  # typed by hand after a field note
    }
    body = [run("大躍進") + footnote_ref(1) + run("與中蘇分裂") + footnote_ref(2),
            run("第二段") + "".join(footnote_ref(n) for n in range(3, 8))]
    return load_notes_with_fields(build_fields_docx(tmp_path / "z.docx", body, footnotes))


def test_zotero_footnotes_read_in_order(zotero_notes: list[NoteWithFields]) -> None:
    notes = [n for n in zotero_notes if n.part == "footnote"]
    assert [n.note for n in notes] == [1, 2, 3, 4, 5, 6, 7]
    assert [n.paragraph_index for n in notes] == [1, 1, 2, 2, 2, 2, 2]
    assert [n.part for n in zotero_notes][:3] == ["body", "footnote", "footnote"]
    assert zotero_notes[0].text == "大躍進與中蘇分裂"


def test_instruction_split_over_runs_and_paragraphs(zotero_notes: list[NoteWithFields]) -> None:
    first = zotero_notes[1]
    (cite,) = first.fields
    assert cite.manager == "zotero" and cite.citation_id == "c1" and cite.note == 1
    assert first.text == "參見楊奎松，《走向破裂》，頁12。"  # instruction text is not note text
    assert first.text[cite.start:cite.end] == cite.shown == cite.rendered
    (item,) = cite.items
    assert item.uris == (ZOTERO + "AAAA1111",)
    assert (item.locator, item.label) == ("12", "page")
    assert csl_to_fields(item.csl)[1]["author"] == "{楊奎松}"


def test_misspelled_record_is_reported_as_recorded(zotero_notes: list[NoteWithFields]) -> None:
    second = citations(zotero_notes)[1]
    assert second.items[0].csl["author"] == [{"family": "Zagoira", "given": "Donald S."}]
    assert csl_to_fields(second.items[0].csl)[1]["author"] == "Zagoira, Donald S."


def test_hand_edited_field_keeps_both_texts(zotero_notes: list[NoteWithFields]) -> None:
    third = citations(zotero_notes)[2]
    assert third.shown == "Zagoria, The Sino-Soviet Conflict, 45."
    assert third.rendered == "Zagoira, The Sino-Soviet Conflict, 45."
    assert third.frozen and not citations(zotero_notes)[1].frozen


def test_duplicate_records_of_one_work(zotero_notes: list[NoteWithFields]) -> None:
    fourth, fifth, sixth = citations(zotero_notes)[3:6]
    a, b = fourth.items[0], fifth.items[0]
    assert item_identity(a) != item_identity(b)  # two records: the matcher must judge
    fa, fb = csl_to_fields(a.csl)[1], csl_to_fields(b.csl)[1]
    assert (fa["year"], fb["year"]) == ("2003", "2004")
    assert fa["title"] == fb["title"] and fa["author"] == fb["author"] == "{沈志華}"
    assert sixth.shown == "Ibid., 8." and item_identity(sixth.items[0]) == item_identity(b)


def test_hand_typed_ibid_is_plain_text(zotero_notes: list[NoteWithFields]) -> None:
    last = zotero_notes[-1]
    assert (last.note, last.text, last.fields) == (7, "同上，頁12。", ())


def test_mendeley_item_ids_collide(tmp_path: Path) -> None:
    def item(title: str, uuid: str, who: str) -> dict[str, Any]:
        return {"id": "ITEM-1", "uris": [f"http://www.mendeley.com/documents/?uuid={uuid}"],
                "itemData": {"id": "ITEM-1", "type": "book", "title": title,
                             "author": [{"family": who, "given": "A."}]}}
    one = mendeley_instr([item("China Crosses the Yalu", "u-1", "Whiting")], "Whiting 1960")
    two = mendeley_instr([item("The Sino-Soviet Conflict", "u-2", "Zagoria")], "Zagoria 1962")
    notes = load_notes_with_fields(build_fields_docx(
        tmp_path / "m.docx", [footnote_ref(1) + footnote_ref(2)],
        {1: field(one, "Whiting 1960"), 2: field(two, "Zagoria 1962")}))
    a, b = citations(notes)
    assert a.manager == b.manager == "mendeley"
    assert a.items[0].csl["id"] == b.items[0].csl["id"] == "ITEM-1"
    assert item_identity(a.items[0]) != item_identity(b.items[0])
    assert a.rendered == "Whiting 1960"
    # without uris, identity still comes from the work, never from "ITEM-1"
    bare_a = ManagerItem({**a.items[0].csl})
    bare_b = ManagerItem({**b.items[0].csl})
    assert item_identity(bare_a) != item_identity(bare_b)


def test_mendeley_cite_content_control(tmp_path: Path) -> None:
    items = [{"id": "8a0c3f9e-1d2b-4c5d-9e6f-0a1b2c3d4e5f", "itemData": YANG,
              "isTemporary": False}]
    tag = mendeley_v3_tag(items, "(楊奎松 1999)")
    notes = load_notes_with_fields(build_fields_docx(
        tmp_path / "v3.docx", [run("見") + content_control(tag, run("(楊奎松 1999)"),
                                                          alias="Mendeley Citation")]))
    (cite,) = citations(notes)
    assert (cite.manager, cite.part, cite.note, cite.shown) == ("mendeley", "body", None,
                                                                "(楊奎松 1999)")
    assert cite.rendered == "(楊奎松 1999)" and cite.citation_id == "MENDELEY_CITATION_1"
    assert item_identity(cite.items[0]) == "mendeley:8a0c3f9e-1d2b-4c5d-9e6f-0a1b2c3d4e5f"
    assert notes[0].text == "見(楊奎松 1999)"


def test_endnote_payload_in_fld_data(tmp_path: Path) -> None:
    record = endnote_record("Book", ["Zagoria, Donald S."], "The Sino-Soviet Conflict", "1962",
                            rec_num=7, pub_location="Princeton",
                            publisher="Princeton University Press", isbn="0691087326")
    xml = endnote_xml([endnote_cite("Zagoria", "1962", "Zagoria, <i>Conflict</i>", record,
                                    rec_num=7, pages="45")])
    data = base64.b64encode(xml.encode("utf-8")).decode("ascii")
    nested = field(" ADDIN EN.CITE.DATA ", "", fld_data=data)
    chunked = "\n".join(data[i:i + 76] for i in range(0, len(data), 76))  # Word wraps it
    nested_chunked = field(" ADDIN EN.CITE.DATA ", "", fld_data=chunked)
    inline = endnote_xml([endnote_cite("楊奎松", "1999", "楊奎松，《走向破裂》", endnote_record(
        "Book", ["楊奎松"], "走向破裂", "1999", rec_num=9), rec_num=9)])
    notes = load_notes_with_fields(build_fields_docx(
        tmp_path / "en.docx", [footnote_ref(1)], {1: field(" ADDIN EN.CITE ", "Zagoria, Conflict, 45.",
                                                           fld_data=data, nested=[nested])},
        endnotes={1: field(" ADDIN EN.CITE ", "Zagoria.", nested=[nested_chunked]),
                  2: field(" ADDIN EN.CITE " + inline, "楊奎松，《走向破裂》。")}))
    notes_out = [n for n in notes if n.part != "body"]
    assert [(n.part, n.note) for n in notes_out] == [("footnote", 1)]  # endnotes unreferenced
    (cite,) = notes_out[0].fields
    assert cite.manager == "endnote" and cite.rendered == "Zagoria, Conflict"
    assert cite.shown == "Zagoria, Conflict, 45."
    (item,) = cite.items
    assert item.csl["author"] == [{"family": "Zagoria", "given": "Donald S."}]
    assert item.csl["publisher-place"] == "Princeton" and item.csl["ISBN"] == "0691087326"
    assert item.csl["issued"] == {"date-parts": [[1962]]} and item.locator == "45"
    assert item.uris == ("endnote:x9fdwz/7",)


def test_endnote_endnotes_inline_and_wrapped_base64(tmp_path: Path) -> None:
    record = endnote_record("Book Section", ["楊奎松"], "走向破裂", "1999", rec_num=9,
                            secondary_title="冷戰時期的中國對外關係")
    inline = endnote_xml([endnote_cite("楊奎松", "1999", "楊奎松，〈走向破裂〉", record, rec_num=9)])
    data = base64.b64encode(inline.encode("utf-8")).decode("ascii")
    wrapped = "\n".join(data[i:i + 76] for i in range(0, len(data), 76))
    notes = load_notes_with_fields(build_fields_docx(
        tmp_path / "en2.docx", [endnote_ref(5) + endnote_ref(6)],
        endnotes={5: field(" ADDIN EN.CITE " + inline, "楊奎松，〈走向破裂〉。", pieces=9),
                  6: field(" ADDIN EN.CITE ", "同前。",
                           nested=[field(" ADDIN EN.CITE.DATA ", "", fld_data=wrapped)])}))
    a, b = citations(notes)
    assert (a.part, a.note, b.note) == ("endnote", 1, 2)
    for cite in (a, b):
        fields = csl_to_fields(cite.items[0].csl)
        assert fields == ("incollection", {"author": "{楊奎松}", "title": "走向破裂",
                                           "booktitle": "冷戰時期的中國對外關係",
                                           "year": "1999", "langid": "chinese"})


def test_endnote_old_mdl_record(tmp_path: Path) -> None:
    mdl = ('<MDL Ref_Type="Journal Article"><REFERENCE_TYPE>0</REFERENCE_TYPE><REFNUM>3</REFNUM>'
           "<AUTHORS><AUTHOR>Hinton, Harold C.</AUTHOR></AUTHORS><YEAR>1966</YEAR>"
           "<TITLE>Communist China in World Politics</TITLE><PLACE_PUBLISHED>Boston"
           "</PLACE_PUBLISHED><PUBLISHER>Houghton Mifflin</PUBLISHER></MDL>")
    instr = " ADDIN EN.CITE " + endnote_xml([endnote_cite("Hinton", "1966", "Hinton 1966", mdl)])
    notes = load_notes_with_fields(build_fields_docx(
        tmp_path / "mdl.docx", [footnote_ref(1)], {1: field(instr, "Hinton 1966")}))
    (cite,) = citations(notes)
    assert cite.items[0].csl["type"] == "article-journal"
    assert cite.items[0].csl["author"] == [{"family": "Hinton", "given": "Harold C."}]
    assert cite.items[0].csl["publisher"] == "Houghton Mifflin"


def test_author_date_body_bibliography_citavi_word(tmp_path: Path) -> None:
    z = zotero_instr([_cite(YANG, "AAAA1111")], "(楊奎松 1999)", note_index=0)
    bibl = ' ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY '
    body = [
        run("毛澤東的認知 ") + field(z, "(楊奎松 1999)") + run("，見前文。"),
        run("另見 ") + simple_field(z, "(楊奎松 1999)"),
        run("又見 ") + field(" ADDIN CitaviPlaceholder{eyJ9} ", "(Zagoria 1962)")
        + run(" 與 ") + field(" CITATION Zag62 \\p 45 \\l 1033 ", "(Zagoria, 1962)"),
        run("參考書目"),
        field(bibl, "楊奎松. 1999. 走向破裂." + PARA + "Zagoria, Donald. 1962. Conflict.",
              shown_runs=1),
        run("後記") + field(" PAGE ", "3"),
    ]
    notes = load_notes_with_fields(build_fields_docx(tmp_path / "ad.docx", body))
    texts = [(n.paragraph_index, n.text, n.bibliography) for n in notes]
    assert texts == [
        (1, "毛澤東的認知 (楊奎松 1999)，見前文。", False), (2, "另見 (楊奎松 1999)", False),
        (3, "又見 (Zagoria 1962) 與 (Zagoria, 1962)", False), (4, "參考書目", False),
        (5, "楊奎松. 1999. 走向破裂.", True), (6, "Zagoria, Donald. 1962. Conflict.", True),
        (7, "後記3", False)]
    found = citations(notes)
    assert [(c.manager, c.paragraph_index) for c in found] == [
        ("zotero", 1), ("zotero", 2), ("citavi", 3), ("word", 3)]
    assert all(c.part == "body" and c.note is None for c in found)
    assert notes[0].text[found[0].start:found[0].end] == "(楊奎松 1999)"
    assert found[0].problem == "" and "not checked" in found[2].problem
    assert found[3].citation_id == "Zag62" and "not checked" in found[3].problem


def test_bad_payloads_are_problems_not_crashes(tmp_path: Path) -> None:
    notes = load_notes_with_fields(build_fields_docx(
        tmp_path / "bad.docx", [footnote_ref(1) + footnote_ref(2) + footnote_ref(3)],
        {1: field(' ADDIN ZOTERO_ITEM CSL_CITATION {"citationItems": [', "x"),
         2: field(" ADDIN EN.CITE ", "y", fld_data="!!!not base64!!!"),
         3: field(" ADDIN EN.CITE <EndNote><Cite><Author>A", "z")}))
    problems = [c.problem for c in citations(notes)]
    assert "not valid JSON" in problems[0]
    assert "base64" in problems[1] and "broken XML" in problems[2]


def test_unreadable_files_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a \.docx file"):
        docx_notes_with_fields(b"plain text", "draft.docx")
    bad = tmp_path / "broken.docx"
    build_fields_docx(bad, ["<w:r><w:t>unclosed</w:r>"])
    with pytest.raises(InputError, match=r"broken XML") as info:
        load_notes_with_fields(bad)
    assert str(bad) in str(info.value) and "save it again" in str(info.value)
    with pytest.raises(InputError, match=r"not an \.odt file"):
        odt_notes_with_fields(b"plain text", "draft.odt")


@pytest.mark.parametrize(("instr", "kind"), [
    (" ADDIN ZOTERO_ITEM CSL_CITATION {}", "zotero"), ("ADDIN CSL_CITATION {}", "mendeley"),
    ("ADDIN Mendeley Bibliography CSL_BIBLIOGRAPHY", "bibliography"),
    (" ADDIN EN.REFLIST ", "bibliography"), (" ADDIN EN.CITE.DATA ", "data"),
    (" ADDIN EN.CITE <EndNote/>", "endnote"), (" BIBLIOGRAPHY ", "bibliography"),
    (" HYPERLINK \"https://example.org\" ", ""), (" NOTEREF _Ref1 \\h ", ""),
])
def test_field_kinds(instr: str, kind: str) -> None:
    assert field_kind(instr) == kind


def test_zotero_legacy_uri_and_rtf_rendering() -> None:
    payload = parse_csl_citation("zotero", ' ADDIN ZOTERO_ITEM CSL_CITATION ' + json.dumps({
        "citationID": "q", "properties": {"formattedCitation": "{\\rtf Meisner, {\\i{}Mao}}"},
        "citationItems": [{"id": 1, "uri": ["http://zotero.org/groups/9/items/X"],
                           "itemData": {"type": "book", "title": "Mao"}}]}) + " ")
    assert payload.rendered == "Meisner, Mao"
    assert payload.items[0].uris == ("http://zotero.org/groups/9/items/X",)


@settings(max_examples=40, deadline=None)
@given(pieces=st.integers(1, 40), shown_runs=st.integers(1, 6), lead=st.text(
    alphabet="見參 ab", max_size=4), brk=st.none() | st.integers(0, 39))
def test_any_run_split_reads_the_same(tmp_path_factory: pytest.TempPathFactory, pieces: int,
                                      shown_runs: int, lead: str, brk: int | None) -> None:
    shown = "楊奎松，《走向破裂》，頁12。"
    instr = zotero_instr([_cite(YANG, "AAAA1111", "12")], shown)
    path = tmp_path_factory.mktemp("split") / "s.docx"
    notes = load_notes_with_fields(build_fields_docx(path, [footnote_ref(1)], {
        1: run(lead) + field(instr, shown, pieces=pieces, break_after=brk,
                             shown_runs=shown_runs)}))
    (cite,) = citations(notes)
    assert cite.shown == shown and cite.items[0].locator == "12"
    assert notes[-1].text == (lead + shown).strip()
    assert notes[-1].text[cite.start:cite.end] == shown


def test_odt_zotero_reference_marks(tmp_path: Path) -> None:
    yang = zotero_instr([_cite(YANG, "AAAA1111", "12")], "楊奎松，《走向破裂》，頁12。")
    bibl = ' ADDIN ZOTERO_BIBL {"uncited":[]} CSL_BIBLIOGRAPHY '
    path = build_odt(tmp_path / "draft.odt", [
        "大躍進" + odt_note(1, "參見" + odt_citation(yang, "楊奎松，《走向破裂》，頁12。"))
        + "與分裂<text:s text:c=\"2\"/>" + odt_note(2, "同上。"),
        odt_section(bibl, ["楊奎松. 1999. 走向破裂."]),
    ])
    notes = load_odt_notes_with_fields(path)
    assert [(n.part, n.note, n.text, n.bibliography) for n in notes] == [
        ("body", None, "大躍進與分裂", False),
        ("footnote", 1, "參見楊奎松，《走向破裂》，頁12。", False),
        ("footnote", 2, "同上。", False),
        ("body", None, "楊奎松. 1999. 走向破裂.", True)]
    (cite,) = notes[1].fields
    assert (cite.manager, cite.note, cite.paragraph_index) == ("zotero", 1, 1)
    assert notes[1].text[cite.start:cite.end] == cite.shown == cite.rendered
    assert cite.items[0].uris == (ZOTERO + "AAAA1111",) and cite.items[0].locator == "12"


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["citationItems", "itemData", "uris", "properties", "plainCitation",
                         "author", "issued", "date-parts", "id", "locator", "mendeley",
                         "manualOverride", "title", "family", "given", "literal"]),
        inner, max_size=4), max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(payload=_JSONISH, junk=st.text(max_size=30))
def test_payload_parsers_never_raise(payload: object, junk: str) -> None:
    text = json.dumps(payload)
    for instr in (f" ADDIN ZOTERO_ITEM CSL_CITATION {text} {junk}", f"ADDIN CSL_CITATION {junk}",
                  f" ADDIN EN.CITE <EndNote>{junk}", " CITATION " + junk):
        found = payload_for(instr, [junk, base64.b64encode(junk.encode()).decode()])
        assert found is not None
        for item in found.items:
            item_identity(item)
            csl_to_fields(item.csl)
    parse_mendeley_tag("MENDELEY_CITATION_v3_" + base64.b64encode(text.encode()).decode())


def test_identity_without_uris_never_uses_the_local_id() -> None:
    doi = ManagerItem({"id": "ITEM-1", "DOI": "10.1017/S0305741000XYZ", "title": "A"})
    keyed = ManagerItem({"id": "ITEM-1", "note": "Citation Key: zagoria1962sino"})
    bare_1 = ManagerItem({"id": "ITEM-1", "title": "走向破裂", "author": [{"literal": "楊奎松"}]})
    bare_2 = ManagerItem({"id": "ITEM-1", "title": "走向破裂", "author": [{"literal": "杨奎松"}]})
    assert item_identity(doi) == "doi:10.1017/s0305741000xyz"
    assert item_identity(keyed) == "key:zagoria1962sino"
    assert item_identity(bare_1) == item_identity(bare_2)  # folded: Traditional = Simplified
    assert "ITEM-1" not in item_identity(bare_1)
