"""``check`` on Word documents shaped exactly as Zotero 6/7 writes them.

The shapes were read from real Zotero documents (pandoc's test/docx/zotero_citations.docx,
zotero-word-for-windows-integration): `` ADDIN ZOTERO_ITEM CSL_CITATION {json} `` with
``citationID``, ``properties`` (``formattedCitation`` — RTF where the style italicises —,
``plainCitation``, ``noteIndex``), ``citationItems`` (numeric local ``id``, ``uris``,
``itemData``, locator/prefix/suffix) and ``schema``; one item cited again in a later field;
the `` ADDIN ZOTERO_BIBL {"uncited":[],"omitted":[],"custom":[]} CSL_BIBLIOGRAPHY ``
field holding the rendered bibliography; the document preferences in
``docProps/custom.xml`` as ``ZOTERO_PREF_1``, ``ZOTERO_PREF_2``…. Nothing is copied
from those documents: tests.docx_builder writes the same shapes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from sinosoviet_cli.cli import app
from tests.docx_builder import (
    PARA,
    build_fields_docx,
    field,
    footnote_ref,
    run,
    zotero_bibl_instr,
    zotero_instr,
    zotero_item,
    zotero_prefs,
)

# Three works the bundled bibliography does not have (Zotero 7 records: string years).
CHEN: dict[str, Any] = {
    "id": 109, "type": "book", "title": "Mao's China and the Cold War",
    "author": [{"family": "Chen", "given": "Jian"}], "publisher": "University of North "
    "Carolina Press", "publisher-place": "Chapel Hill", "language": "en",
    "issued": {"date-parts": [["2001", 3]]}, "ISBN": "978-0-8078-4932-2"}
WESTAD: dict[str, Any] = {
    "id": 6, "type": "chapter", "title": "The Sino-Soviet Alliance and the United States",
    "container-title": "Brothers in Arms", "author": [{"family": "Westad", "given":
    "Odd Arne"}], "editor": [{"family": "Westad", "given": "Odd Arne"}],
    "page": "165–188", "publisher": "Stanford University Press", "publisher-place":
    "Stanford", "issued": {"date-parts": [["1998"]]}}
NIU: dict[str, Any] = {
    "id": 10, "type": "article-journal", "title": "1958年炮擊金門決策的再探討",
    "container-title": "國際政治研究", "issue": "3", "page": "155-168",
    "author": [{"family": "牛", "given": "軍"}], "language": "zh-CN",
    "issued": {"date-parts": [["2003"]]}}


def _citation(items: list[dict[str, Any]], shown: str, cid: str, *, note: int = 0,
              formatted: str | None = None) -> str:
    return field(zotero_instr(items, shown, citation_id=cid, formatted=formatted,
                              note_index=note), shown, pieces=3)


def _bibliography(entries: list[str]) -> str:
    return field(zotero_bibl_instr(), PARA.join(entries))


def _check(runner: CliRunner, draft: Path, *bib: str) -> tuple[int, dict[str, Any]]:
    args = ["check", str(draft), "--json", *(a for b in bib for a in ("--bib", b))]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def author_date_document(path: Path) -> Path:
    """Three paragraphs as in Zotero's own test document: one item; two items of which
    one is cited again; prefix, suffix and page; then the bibliography field (APA)."""
    body = [
        run("This is a citation ")
        + _citation([zotero_item(CHEN, "3GKMD43T")], "(Chen, 2001)", "CCwugFas"),
        run("This is a citation with two sources ")
        + _citation([zotero_item(WESTAD, "EIZFK2E5"), zotero_item(CHEN, "3GKMD43T")],
                    "(Chen, 2001; Westad, 1998)", "uiTXG3S5") + run("."),
        run("This is a citation with additional prefix, suffix and a page number ")
        + _citation([zotero_item(NIU, "7LTQT8XK", locator="2", prefix="prefix",
                                 suffix="suffix")], "(prefix 牛軍, 2003, p. 2 suffix)",
                    "8PpiSmGi"),
        run("References"),
        _bibliography(["Chen, J. (2001). Mao’s China and the Cold War. University of North "
                       "Carolina Press.", "Westad, O. A. (1998). The Sino-Soviet Alliance "
                       "and the United States. In O. A. Westad (Ed.), Brothers in Arms "
                       "(pp. 165–188). Stanford University Press.",
                       "牛軍. (2003). 1958年炮擊金門決策的再探討. 國際政治研究, 3, 155-168."]),
    ]
    return build_fields_docx(path, body, {}, custom=zotero_prefs("apa"))


def note_document(path: Path) -> Path:
    """Chicago notes: the fields in footnotes (``noteIndex`` = the note's number), the
    style's own ibid, RTF in ``formattedCitation`` for the italic title, and a
    bibliography field in the body. Preferences long enough to take two properties."""
    footnotes = {
        1: _citation([zotero_item(CHEN, "3GKMD43T", locator="12")],
                     "Jian Chen, Mao’s China and the Cold War (Chapel Hill: University of "
                     "North Carolina Press, 2001), 12.", "n1", note=1,
                     formatted="{\\rtf Jian Chen, {\\i{}Mao\\uc0\\u8217{}s China and the "
                     "Cold War} (Chapel Hill: University of North Carolina Press, 2001), "
                     "12.}"),
        2: _citation([zotero_item(CHEN, "3GKMD43T", locator="45")], "Ibid., 45.", "n2",
                     note=2),
        3: run("See ") + _citation([zotero_item(WESTAD, "EIZFK2E5")],
                                   "Odd Arne Westad, “The Sino-Soviet Alliance and the "
                                   "United States,” in Brothers in Arms, ed. Odd Arne Westad "
                                   "(Stanford: Stanford University Press, 1998), 165–188.",
                                   "n3", note=3) + run(" on the alliance."),
        4: _citation([zotero_item(NIU, "7LTQT8XK")], "牛軍, “1958年炮擊金門決策的再探討,” "
                     "國際政治研究, no. 3 (2003): 155-168.", "n4", note=4),
    }
    body = [run("正文") + "".join(footnote_ref(n) for n in footnotes),
            run("Bibliography"),
            _bibliography(["Chen, Jian. Mao’s China and the Cold War. Chapel Hill: "
                           "University of North Carolina Press, 2001."])]
    prefs = zotero_prefs("chicago-notes-bibliography", note_type=1, locale="zh-TW",
                         session="a" * 200)
    return build_fields_docx(path, body, footnotes, custom=prefs)


def test_builder_writes_zoteros_shapes(tmp_path: Path) -> None:
    draft = note_document(tmp_path / "notes.docx")
    with zipfile.ZipFile(draft) as z:
        custom = z.read("docProps/custom.xml").decode("utf-8")
        notes = z.read("word/footnotes.xml").decode("utf-8")
        assert "docProps/custom.xml" in z.read("_rels/.rels").decode("utf-8")
    assert 'name="ZOTERO_PREF_1"' in custom and 'name="ZOTERO_PREF_2"' in custom
    assert '&lt;pref name="noteType" value="1"/&gt;' in custom
    assert '"noteIndex": 2' in notes and '"uris": ["http://zotero.org/users/40613/items/' \
        '3GKMD43T"]' in notes


def test_author_date_document_three_items_not_in_bibliography(runner: CliRunner,
                                                              tmp_path: Path) -> None:
    code, data = _check(runner, author_date_document(tmp_path / "ad.docx"))
    assert code == 1
    findings = data["findings"]
    assert [f["rule"] for f in findings] == ["not-in-bibliography"] * 3
    assert [f["source"]["citation_id"] for f in findings] == ["CCwugFas", "uiTXG3S5",
                                                               "8PpiSmGi"]
    assert {f["source"]["part"] for f in findings} == {"body"}
    assert data["summary"]["citations"] == 4  # Chen cited twice, reported once


def test_note_document_three_items_not_in_bibliography(runner: CliRunner,
                                                       tmp_path: Path) -> None:
    code, data = _check(runner, note_document(tmp_path / "notes.docx"))
    assert code == 1
    findings = data["findings"]
    assert [(f["footnote"], f["rule"]) for f in findings] == [
        (1, "not-in-bibliography"), (3, "not-in-bibliography"), (4, "not-in-bibliography")]
    assert all(f["source"]["manager"] == "zotero" for f in findings)


def test_the_same_documents_are_clean_against_a_bibliography_with_the_works(
        runner: CliRunner, tmp_path: Path) -> None:
    bib = tmp_path / "works.bib"
    bib.write_text(
        "@book{chen2001mao, author = {Chen, Jian}, title = {Mao's China and the Cold War},"
        " address = {Chapel Hill}, publisher = {University of North Carolina Press},"
        " year = {2001}, month = {3}}\n"
        "@incollection{westad1998sino, author = {Westad, Odd Arne}, title = {The "
        "Sino-Soviet Alliance and the United States}, booktitle = {Brothers in Arms},"
        " editor = {Westad, Odd Arne}, pages = {165--188}, address = {Stanford},"
        " publisher = {Stanford University Press}, year = {1998}}\n"
        "@article{niu2003paoji, author = {{牛軍}}, title = {1958年炮擊金門決策的再探討},"
        " journal = {國際政治研究}, number = {3}, pages = {155--168}, year = {2003},"
        " langid = {chinese}}\n", encoding="utf-8")
    for draft in (author_date_document(tmp_path / "ad.docx"),
                  note_document(tmp_path / "notes.docx")):
        code, data = _check(runner, draft, str(bib))
        assert (code, data["findings"]) == (0, []), draft.name
        assert {m["by"] for m in data["matched"]} <= {"record", "ibid", "key",
                                                      "title and author"}
