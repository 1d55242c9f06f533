"""paper.pdf: PDFs typeset by tests/pdf_builder.py give back the notes of their source
text; PDFs without decodable text are refused with a message that says to OCR them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.model import Paper
from sinosoviet_cli.paper.footnotes import extract
from sinosoviet_cli.paper.pdf import read_pdf
from tests.pdf_builder import FIXTURES, Layout, Source, build, build_scanned, load, long_source

SOURCES = sorted(FIXTURES.glob("*.json"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _expected_notes(name: str) -> list[str]:
    source, _ = load(FIXTURES / f"{name}.json")
    return [unicodedata.normalize("NFC", note) for note in source.notes]


@pytest.fixture(scope="module")
def papers() -> dict[str, Paper]:
    return {path.stem: read_pdf(path.with_suffix(".pdf")) for path in SOURCES}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_fixture_is_what_the_builder_makes(source: Path) -> None:
    text, layout = load(source)
    assert build(text, layout) == source.with_suffix(".pdf").read_bytes(), (
        "fixture PDFs are stale: run `python tests/pdf_builder.py`"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notes_are_the_source_notes(source: Path, papers: dict[str, Paper]) -> None:
    paper = papers[source.stem]
    expected = _expected_notes(source.stem)
    assert [f.n for f in paper.footnotes] == list(range(1, len(expected) + 1))
    assert [_squash(f.text) for f in paper.footnotes] == [_squash(n) for n in expected]
    exact = sum(f.text == n for f, n in zip(paper.footnotes, expected, strict=True))
    assert exact / len(expected) >= 0.98
    assert not paper.problems


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_note_has_its_marker_and_paragraphs_lose_them(
    source: Path, papers: dict[str, Paper]
) -> None:
    paper = papers[source.stem]
    text, _ = load(source)
    assert [m.n for m in paper.markers] == [f.n for f in paper.footnotes]
    body = "".join(_squash(p.text) for p in paper.paragraphs)
    for para in text.paragraphs:
        if not para.startswith("# "):
            assert _squash(re.sub(r"\{\d+\}", "", para)) in body


def test_note_running_over_a_page_break_is_joined(papers: dict[str, Paper]) -> None:
    paper = papers["cjk_footnotes"]
    seven = paper.footnotes[6]
    assert seven.text == _expected_notes("cjk_footnotes")[6]
    assert seven.page == 201  # where it starts; its tail opens page 202's notes
    assert paper.footnotes[7].page == 202


def test_printed_page_numbers_from_running_heads_and_footers(papers: dict[str, Paper]) -> None:
    assert {f.page for f in papers["cjk_footnotes"].footnotes} == {201, 202}
    assert [f.page for f in papers["latin_one_column"].footnotes] == [87] * 4 + [88] * 6 + [89] * 2
    assert {f.page for f in papers["latin_two_columns"].footnotes} == {12, 13}
    assert [f.page for f in papers["latin_two_columns_wide_notes"].footnotes] == [301] * 5 + [
        302
    ] * 7
    for paper in papers.values():  # no running head or page number left in the text
        for para in paper.paragraphs:
            assert not re.search(r"．\d+．|— \d+ —|Review · \d+", para.text)


def test_markers_record_the_sentence_they_close(papers: dict[str, Paper]) -> None:
    markers = {m.n: m for m in papers["cjk_footnotes"].markers}
    assert markers[7].sentence == "這些新研究並未完全取代舊說。"
    assert markers[1].sentence.endswith("理解根本不同。")
    assert (markers[1].section, markers[4].section, markers[10].section) == ("一", "二", "三")
    assert markers[8].page == 202
    paragraphs = [p.text for p in papers["cjk_footnotes"].paragraphs]
    assert any("取代舊說。李丹慧與陳兼" in p for p in paragraphs)
    assert papers["cjk_footnotes"].headings["二"] == "檔案開放以後"


def test_compatibility_ideographs_are_nfc_normalised(papers: dict[str, Paper]) -> None:
    from sinosoviet_cli.paper import pdf

    raw = pdf._load(FIXTURES / "cjk_footnotes.pdf")
    printed = "".join(c.text for page in raw for row in page.rows for c in row.chars)
    assert "\uf9e1" in printed  # the file really carries the compatibility form
    paper = papers["cjk_footnotes"]
    everything = "".join(f.text for f in paper.footnotes) + "".join(
        p.text for p in paper.paragraphs
    )
    assert not re.search("[\uf900-\ufaff]", everything)
    assert paper.footnotes[7].text.startswith("李丹慧")  # U+674E


@pytest.mark.parametrize("name", ["latin_two_columns", "latin_two_columns_wide_notes"])
def test_two_columns_read_left_then_right(papers: dict[str, Paper], name: str) -> None:
    """Notes at the foot of each column, or across the page under both columns."""
    paper = papers[name]
    starts = [p.text.split()[0] for p in paper.paragraphs]
    assert starts == ["The", "Historians", "A", "The", "Yet", "Economic", "Finally,", "Taken"]
    assert [m.n for m in paper.markers] == list(range(1, 13))


def test_endnotes_under_a_heading(papers: dict[str, Paper]) -> None:
    paper = papers["cjk_endnotes"]
    assert len(paper.footnotes) == 12
    assert all("注釋" not in p.text for p in paper.paragraphs)


def _ocr_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_pdf(path)
    message = str(info.value)
    assert str(path) in message and "OCR" in message and "\n" not in message
    return message


def test_scanned_pdf_is_refused_with_ocr_advice() -> None:
    assert "no text layer" in _ocr_error(FIXTURES / "scanned.pdf")


def test_font_without_unicode_map_is_refused_with_ocr_advice() -> None:
    assert "cannot be decoded" in _ocr_error(FIXTURES / "no_unicode.pdf")


def test_builder_error_fixtures_are_current() -> None:
    source, layout = load(FIXTURES / "cjk_footnotes.json")
    assert build_scanned() == (FIXTURES / "scanned.pdf").read_bytes()
    assert build(source, layout, to_unicode=False) == (FIXTURES / "no_unicode.pdf").read_bytes()
    assert build(long_source(source, 12), layout) == (FIXTURES / "long.pdf").read_bytes()


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all\n", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"\x00\xff" * 500],
    ids=["empty", "text", "truncated", "binary"],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    _ocr_error(path)


def test_truncated_real_pdf_is_refused_or_read(tmp_path: Path) -> None:
    path = tmp_path / "half.pdf"
    whole = (FIXTURES / "cjk_footnotes.pdf").read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError) as info:
        read_pdf(path)
    assert "OCR" in str(info.value)


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.pdf"):
        read_pdf(tmp_path / "missing.pdf")


def test_pdf_library_is_imported_only_when_a_pdf_is_read() -> None:
    code = (
        "import sys\n"
        "import sinosoviet_cli.paper.pdf, sinosoviet_cli.cli\n"
        "assert not [m for m in sys.modules if m.startswith('pdfminer')], 'imported early'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _source_of(paper: Paper) -> Source:
    """A text-path paper back to builder input: headings, paragraphs with ``{n}`` where
    each marker closed its sentence, and the notes."""
    paragraphs: list[str] = []
    pending = sorted(paper.markers, key=lambda m: m.n)
    opened: set[str] = set()
    for para in paper.paragraphs:
        if para.section in paper.headings and para.section not in opened:
            opened.add(para.section)
            paragraphs.append(f"# {para.section}、 {paper.headings[para.section]}")
        inserts: list[tuple[int, int]] = []
        cursor = 0
        for marker in [m for m in pending if m.section == para.section]:
            found = para.text.find(marker.sentence, cursor) if marker.sentence else -1
            if found >= 0:
                inserts.append((found + len(marker.sentence), marker.n))
                cursor = found
                pending.remove(marker)
        text = para.text
        for at, n in sorted(inserts, reverse=True):
            text = f"{text[:at]}{{{n}}}{text[at:]}"
        paragraphs.append(text)
    assert not pending, "every marker placed"
    return Source("", tuple(paragraphs), tuple(f.text for f in paper.footnotes))


def test_seed_typeset_as_pdf_gives_the_text_paths_notes(seed_path: Path, tmp_path: Path) -> None:
    """The seed's content typeset in its own layout (generated here, never committed):
    the PDF path agrees with the text path on every note, section and marker."""
    expected = extract(seed_path.read_text(encoding="utf-8"))
    layout = Layout(header="．{n}．", first_page=expected.footnotes[0].page or 1)
    pdf = tmp_path / "seed.pdf"
    pdf.write_bytes(build(_source_of(expected), layout))
    got = read_pdf(pdf)
    assert len(got.footnotes) == len(expected.footnotes) == 43
    pairs = list(zip(got.footnotes, expected.footnotes, strict=True))
    assert all(_squash(a.text) == _squash(b.text) for a, b in pairs)
    assert sum(a.text == b.text for a, b in pairs) / len(pairs) >= 0.98
    assert [a.section for a, _ in pairs] == [b.section for _, b in pairs]
    assert [_squash(m.sentence) for m in got.markers] == [
        _squash(m.sentence) for m in expected.markers
    ]
    assert not got.problems


def test_lines_join_as_a_reader_reads_them() -> None:
    from sinosoviet_cli.paper.pdf import Line
    from sinosoviet_cli.paper.pdf_notes import assemble

    def note(text: str, lead: int | None = None) -> Line:
        return Line(text, (), 0, "notes", 8.0, 0.0, lead)

    paper = assemble(
        [
            Line("正文。", ((3, 1),), 0, "body", 10.0, 20.0),
            note("1 See the Sino-"),
            note("Soviet polemics and the Univer\u00ad"),
            note("sity press; 中文"),
            note("資料"),
            note("同上。", lead=2),
        ],
        [5],
    )
    assert [f.text for f in paper.footnotes] == [
        "See the Sino-Soviet polemics and the University press; 中文資料",
        "同上。",
    ]
    assert [(f.page, m.sentence) for f, m in zip(paper.footnotes, paper.markers, strict=False)] == [
        (5, "正文。")
    ]
    assert [p.footnote for p in paper.problems] == [2]  # no marker for note 2


def test_pdf_without_notes_gives_body_only(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    path.write_bytes(build(Source("t", ("A paragraph without notes.",), ()), Layout()))
    paper = read_pdf(path)
    assert paper.footnotes == () and paper.paragraphs[0].text == "A paragraph without notes."


@pytest.mark.parametrize("seed", range(12))
def test_damaged_pdf_gives_a_paper_or_an_input_error(tmp_path: Path, seed: int) -> None:
    import random

    data = bytearray((FIXTURES / "latin_one_column.pdf").read_bytes())
    chance = random.Random(seed)
    for _ in range(1 + seed):
        data[chance.randrange(len(data))] = chance.randrange(256)
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    try:
        paper = read_pdf(path)
    except InputError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(paper, Paper)


def test_markers_are_raised_smaller_digits_or_superscript_and_circled_characters() -> None:
    from sinosoviet_cli.paper.pdf import _Char, _line, _Row

    def char(text: str, x: float, base: float = 100.0, size: float = 10.0) -> _Char:
        return _Char(text, x, x + size * 0.6, base, size)

    row = _Row(
        100.0,
        10.0,
        [
            char("A", 10),
            char(".", 16),
            char("1", 19, 104, 6),  # raised, smaller: marker 1
            char("2", 22, 104, 6),  # ... 12, two digits
            char(" ", 25),
            char("B", 31),
            char("¹", 37),  # a superscript character: marker 1
            char("C", 43),
            char("③", 49),  # a circled number: marker 3
            char("1", 55),  # an ordinary digit stays text
            char("4", 58, 104, 6),  # raised `4,5`: markers 4 and 5
            char(",", 61, 104, 6),
            char("5", 63, 104, 6),
        ],
    )
    line = _line(row, 0, "body", 10.0)
    assert line.text == "A. BC1"
    assert line.markers == ((2, 12), (4, 1), (5, 3), (6, 4), (6, 5))
    assert line.lead is None and line.indent == 0.0


def test_a_heading_in_larger_type_is_its_own_paragraph() -> None:
    from sinosoviet_cli.paper.pdf import Line
    from sinosoviet_cli.paper.pdf_notes import assemble

    body = [
        Line("Conclusion", (), 0, "body", 12.0, 0.0),
        Line("The first paragraph after a heading", (), 0, "body", 10.0, 0.0),
        Line("is not indented.", (), 0, "body", 10.0, 0.0),
    ]
    paper = assemble(body, [1])
    assert [p.text for p in paper.paragraphs] == [
        "Conclusion",
        "The first paragraph after a heading is not indented.",
    ]


_CJK = "中蘇關係大躍進毛澤東楊奎松沈志華史研究頁年月日北京香港臺灣出版社論文\uf9e1"
_WORD = st.one_of(
    st.text(alphabet=_CJK, min_size=1, max_size=8),
    st.sampled_from(list("，。、；：「」《》〈〉（）")),
    st.from_regex(r"[A-Z][a-z]{1,9}[,.;:]?", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}(-[0-9]{1,4})?", fullmatch=True),
)


def _words(words: list[str]) -> str:
    out = ""
    for w in words:
        latin_meets_latin = out and w[0].isascii() and w[0].isalnum() and out[-1].isascii()
        out += (" " if latin_meets_latin else "") + w
    return out


# Typesetting is slow: 40 examples by default; HYPOTHESIS_EXAMPLES=3000 for a long run.
@settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")), deadline=None)
@example(  # a trailing `4` wrapped to a line of its own is text, not note 4's marker
    notes=["中", "中", "中" * 22 + "Aaaaaaa Aaaaaaa Aaaaaaaa Aaaaaaaaw 4"], style="super", columns=1
)
@given(
    notes=st.lists(st.lists(_WORD, min_size=1, max_size=40).map(_words), min_size=1, max_size=12),
    style=st.sampled_from(["plain", "super", "circled"]),
    columns=st.integers(1, 2),
)
def test_any_typeset_notes_read_back(notes: list[str], style: str, columns: int) -> None:
    """Whatever the notes say (numbers, brackets, mixed scripts), they come back."""
    body = "本段正文討論中蘇關係的研究，並引用文獻。" * 3
    paragraphs = tuple(f"{body}{{{i + 1}}}其後再說明。" for i in range(len(notes)))
    layout = Layout(
        note_number=style, columns=columns, width=420 if columns == 1 else 595, footer="{n}"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notes.pdf"
        path.write_bytes(build(Source("t", paragraphs, tuple(notes)), layout))
        paper = read_pdf(path)
    assert [_squash(f.text) for f in paper.footnotes] == [_squash(n) for n in notes]


def test_flush_left_wrapped_line_opening_with_the_next_number_continues_the_note() -> None:
    from sinosoviet_cli.paper.pdf import Line
    from sinosoviet_cli.paper.pdf_notes import assemble

    def note(text: str, indent: float) -> Line:
        return Line(text, (), 0, "notes", 8.0, indent)

    paper = assemble(
        [
            note("1 楊奎松，《走向破裂》，頁", 8.0),
            note("1。", 0.0),  # flush-left wrap, and 1 is no longer expected anyway
            note("2 同上，第", 8.0),
            note("3 冊，頁 5。", 0.0),  # wrapped line that opens with the next number
            note("3 沈志華，《無奈的選擇》。", 8.0),
        ],
        [1],
    )
    assert [(f.n, f.text) for f in paper.footnotes] == [
        (1, "楊奎松，《走向破裂》，頁1。"),
        (2, "同上，第3 冊，頁 5。"),
        (3, "沈志華，《無奈的選擇》。"),
    ]


def _cut(name: str, paragraphs: int, chars: int, **layout: object) -> tuple[Source, Layout]:
    """The first ``paragraphs`` of a fixture, ``chars`` characters cut off the last one,
    with the notes it cites, in a changed layout."""
    from dataclasses import replace

    source, base = load(FIXTURES / f"{name}.json")
    paras = list(source.paragraphs[:paragraphs])
    paras[-1] = paras[-1][: len(paras[-1]) - chars]
    cited = {int(n) for p in paras for n in re.findall(r"\{(\d+)\}", p)}
    return Source(source.title, tuple(paras), source.notes[: len(cited)]), replace(base, **layout)


@pytest.mark.parametrize(
    ("name", "paragraphs", "chars", "span"),
    [
        ("latin_two_columns_wide_notes", 5, 391, True),  # one page, its footer unrepeated
        ("latin_two_columns_wide_notes", 8, 0, True),
        ("latin_two_columns_wide_notes", 4, 92, False),
        ("cjk_footnotes", 6, 0, True),  # the notes' small type outnumbers the body's
        ("cjk_footnotes", 6, 69, True),
        ("cjk_footnotes", 5, 0, False),
    ],
)
@pytest.mark.parametrize("style", ["plain", "super", "circled"])
def test_two_columns_one_holding_a_single_line(
    tmp_path: Path, name: str, paragraphs: int, chars: int, span: bool, style: str
) -> None:
    """A two-column page whose last column holds one line, notes across the page or
    under each column: notes, body and markers all read back."""
    from tests.pdf_builder import _Typesetter

    source, layout = _cut(
        name, paragraphs, chars, columns=2, width=595, span_notes=span, note_number=style
    )
    last_page = _Typesetter(source, layout).run()[-1]
    assert 1 in [len(getattr(column, "body", [])) for column in last_page]  # the case
    path = tmp_path / "two.pdf"
    path.write_bytes(build(source, layout))
    paper = read_pdf(path)
    expected = [unicodedata.normalize("NFC", n) for n in source.notes]
    assert [f.text for f in paper.footnotes] == expected
    assert [m.n for m in paper.markers] == list(range(1, len(expected) + 1))
    body = "".join(_squash(p.text) for p in paper.paragraphs)
    for para in source.paragraphs:
        if not para.startswith("# "):
            assert _squash(re.sub(r"\{\d+\}", "", para)) in body
    assert not paper.problems


@pytest.mark.parametrize(
    "layout",
    [
        {"columns": 2, "width": 595, "span_notes": True, "note_number": "plain"},
        {"columns": 2, "width": 595, "span_notes": True, "note_number": "circled"},
        {"columns": 1, "endnotes": "注釋", "note_number": "plain"},
        {"columns": 1, "endnotes": "Notes", "note_number": "super"},
        {"columns": 2, "width": 595, "note_number": "super", "footer": "— {n} —"},
    ],
    ids=["span-plain", "span-circled", "endnotes-plain", "endnotes-super", "columns-super"],
)
def test_long_papers_in_other_layouts_read_back_exactly(tmp_path: Path, layout: dict[str, object]) -> None:
    """A 24-note paper over several pages: notes that run over page and column breaks,
    notes across two columns whose short lines fit beside the gutter, endnotes that
    continue on the next page."""
    from dataclasses import replace

    source, base = load(FIXTURES / "cjk_footnotes.json")
    source = long_source(source, 2 if layout.get("note_number") != "circled" else 1)
    path = tmp_path / "long.pdf"
    path.write_bytes(build(source, replace(base, **layout)))  # type: ignore[arg-type]
    paper = read_pdf(path)
    expected = [unicodedata.normalize("NFC", n) for n in source.notes]
    assert [f.text for f in paper.footnotes] == expected
