"""The one reader of papers (paper/read.py): every form gives the same notes."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

import pytest

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.grammar.emphasis import strip_marks
from sinosoviet_cli.paper.read import read_paper, sniff

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT / "tests" / "fixtures" / "pdf"
NOTES = [
    "Lorenz M. Lüthi, The Sino-Soviet Split (Princeton: Princeton University Press, 2008), 80.",
    "楊奎松，《走向破裂》（香港：三聯書店，1999），頁420。",
    "Ibid., 81.",
]


def _texts(path: Path) -> list[tuple[int, str]]:
    return [(f.n, f.text) for f in read_paper(path).footnotes]


def test_markdown_latex_text_and_word_papers_give_the_same_notes(tmp_path: Path) -> None:
    from docx_builder import build_docx

    md = tmp_path / "paper.md"
    md.write_text("Body one.[^1] Body two.[^2] Inline.^[" + NOTES[2] + "]\n\n"
                  f"[^1]: {NOTES[0]}\n[^2]: {NOTES[1]}\n", encoding="utf-8")
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\n"
                   + "".join(f"Body.\\footnote{{{n}}}\n" for n in NOTES)
                   + "\\end{document}\n", encoding="utf-8")
    txt = tmp_path / "paper.txt"
    txt.write_text("Body.[1] More.[2] End.[3]\n\nNotes\n"
                   + "".join(f"[{i}] {n}\n" for i, n in enumerate(NOTES, 1)), encoding="utf-8")
    docx = build_docx(tmp_path / "paper.docx", [("Body.", [1, 2, 3])],
                      {i: [n] for i, n in enumerate(NOTES, 1)})
    expected = list(enumerate(NOTES, 1))
    for path in (md, tex, txt, docx):
        assert _texts(path) == expected, path.name


def test_format_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    from docx_builder import build_docx

    docx = build_docx(tmp_path / "x.docx", [("Body.", [1])], {1: [NOTES[0]]})
    renamed = tmp_path / "paper.txt"
    renamed.write_bytes(docx.read_bytes())
    assert _texts(renamed) == [(1, NOTES[0])]
    pdf = tmp_path / "paper.txt.bin"
    pdf.write_bytes((PDFS / "latin_one_column.pdf").read_bytes())
    assert sniff(pdf, pdf.read_bytes()) == "pdf"
    md = tmp_path / "notes"
    md.write_text(f"Body.[^1]\n\n[^1]: {NOTES[0]}\n", encoding="utf-8")
    assert _texts(md) == [(1, NOTES[0])]


@pytest.mark.parametrize("name", ["latin_one_column", "latin_two_columns", "cjk_footnotes",
                                  "cjk_endnotes", "cjk_circled"])
def test_pdf_papers_give_their_source_notes(name: str) -> None:
    source = json.loads((PDFS / f"{name}.json").read_text(encoding="utf-8"))
    def bare(text: str) -> str:  # whitespace and compatibility ideographs aside
        return "".join(unicodedata.normalize("NFC", text).split())
    got = [bare(text) for _, text in _texts(PDFS / f"{name}.pdf")]
    assert got == [bare(text) for text in source["notes"]]


def test_the_examples_word_and_markdown_drafts_agree() -> None:
    """The same notes, the Markdown paper's with its italics (its title marks) kept."""
    md = _texts(ROOT / "examples" / "draft.md")
    assert len(md) == 6 and any("*" in text for _, text in md)
    assert _texts(ROOT / "examples" / "draft.docx") == [(n, strip_marks(t)) for n, t in md]


def test_external_markdown_paper(external_dir: Path) -> None:
    notes = read_paper(external_dir / "startwords" / "toward-deep-map.md").footnotes
    assert [f.n for f in notes] == list(range(1, 34))
    assert all(f.text for f in notes)


def test_seed_from_text(seed_path: Path) -> None:
    assert [f.n for f in read_paper(seed_path).footnotes] == list(range(1, 44))


@pytest.mark.parametrize(("data", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Word .doc"),
    (b"", "empty"),
])
def test_unreadable_papers_are_clear_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "paper.doc"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_paper(path)


def test_a_zip_that_is_no_document(tmp_path: Path) -> None:
    path = tmp_path / "paper.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match="not a Word or LibreOffice document"):
        read_paper(path)


@pytest.mark.parametrize("path", [
    ROOT / "examples" / "draft.md", ROOT / "examples" / "draft.docx",
    PDFS / "latin_one_column.pdf", PDFS / "cjk_endnotes.pdf"])
def test_footnotes_and_check_agree_on_the_notes(path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """One reader layer: `footnotes --json` gives the same shape for every input, and
    `check` reads the same notes."""
    from conftest import run_main

    from sinosoviet_cli.paper.read import read_draft

    code, out, err = run_main(["footnotes", str(path), "--json"], monkeypatch, capsys)
    assert code == 0, err
    notes = json.loads(out)
    assert notes and all(set(n) == {"n", "page", "section", "text"} for n in notes)
    draft_notes = [(n.n, strip_marks(n.text)) for n in read_draft(path).notes
                   if n.n is not None]
    # Both keep a note's italics (the grammar reads them as titles); compared without.
    assert draft_notes == [(n["n"], strip_marks(n["text"])) for n in notes]


@pytest.mark.parametrize("command", [["footnotes"], ["parse", "--json"], ["notes"],
                                     ["show", "yang1999zouxiang", "--paper"], ["check"]])
def test_text_named_docx_is_one_clear_error_for_every_command(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import run_main

    fake = tmp_path / "fake.docx"
    fake.write_text("hello\n", encoding="utf-8")
    code, _, stderr = run_main([*command, str(fake)], monkeypatch, capsys)
    assert code == 2, stderr
    assert "fake.docx" in stderr and "not a zip archive" in stderr
    assert "internal error" not in stderr


def test_a_markdown_papers_dashes_read_as_pandoc_prints_them(tmp_path: Path) -> None:
    """`--` is an en dash and `---` an em dash in pandoc Markdown, as in LaTeX; a URL
    keeps its hyphens. The same note typeset or in Word reads the same."""
    paper = tmp_path / "p.md"
    paper.write_text(
        "Text.[^1] More.[^2]\n\n"
        "[^1]: A. Author, *A History, 1949--1976* (Place: Press, 2001), 12--15.\n"
        "[^2]: See <https://example.org/a--b>---a page.\n", encoding="utf-8")
    notes = [f.text for f in read_paper(paper).footnotes]
    assert strip_marks(notes[0]) == "A. Author, A History, 1949–1976 (Place: Press, 2001), 12–15."
    assert notes[1] == "See <https://example.org/a--b>—a page."


def _italic(text: str) -> str:
    return f'<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


@pytest.mark.parametrize("kind", ["footnotes", "endnotes"])
def test_a_word_papers_italics_are_its_titles_in_footnotes_or_endnotes(
        kind: str, tmp_path: Path) -> None:
    """Word italics mark a Chicago title as *…* does in Markdown: the grammar reads the
    title, the short form links to it, and the note prints without marks. A paper whose
    notes are Word endnotes is read as well as one with footnotes."""
    from docx_builder import build_fields_docx, endnote_ref, footnote_ref, run

    from sinosoviet_cli import pipeline

    ref = footnote_ref if kind == "footnotes" else endnote_ref
    notes = {1: run("Zhang San 張三, ") + _italic("Xiangcun shehui") + run(" 鄉村社會 (Beijing: "
                                                                         "Renmin chubanshe, 1990), 12."),
             2: run("Zhang, ") + _italic("Xiangcun shehui") + run(", 30.")}
    path = build_fields_docx(tmp_path / "p.docx", [run("Text.") + ref(1) + ref(2)],
                             **{kind: notes})
    paper = read_paper(path)
    assert [strip_marks(f.text) for f in paper.footnotes] == [
        "Zhang San 張三, Xiangcun shehui 鄉村社會 (Beijing: Renmin chubanshe, 1990), 12.",
        "Zhang, Xiangcun shehui, 30."]
    bib = pipeline.parse_paper(paper, schools=pipeline.paper_inputs().schools).bibliography
    (work,) = bib.works
    assert (work.get("author"), work.get("title"), work.get("year")) == (
        "{張三}", "鄉村社會", "1990")
    assert [(link.key, link.pages) for link in bib.links] == [(work.key, "12"), (work.key, "30")]


def test_check_reads_a_word_drafts_italic_titles_as_it_reads_markdowns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A romanised title with years in parentheses inside is bounded by its italics only:
    in Word as in Markdown, check reads the note (no unread-note) and finds the entry."""
    from conftest import run_main
    from docx_builder import build_fields_docx, footnote_ref, run

    bib = tmp_path / "refs.bib"
    bib.write_text("@book{zhou1990xiangcun,\n  author = {{周六}},\n"
                   "  title = {鄉村與城市：一個比較（1949—1959）},\n  address = {北京},\n"
                   "  publisher = {人民出版社},\n  year = {1990},\n  langid = {chinese},\n}\n",
                   encoding="utf-8")
    note = (run("Zhou Liu 周六, ") + _italic("Xiangcun yu chengshi: Yige bijiao (1949–1959)")
            + run(" 鄉村與城市：一個比較（1949—1959） (Beijing: Renmin chubanshe, 1990), 12."))
    path = build_fields_docx(tmp_path / "d.docx", [run("Text.") + footnote_ref(1)],
                             footnotes={1: note})
    code, out, _err = run_main(["check", str(path), "--bib", str(bib), "--json"],
                              monkeypatch, capsys)
    findings = json.loads(out)["findings"]
    assert code == 0 and not [f for f in findings if f["rule"] == "unread-note"], findings
