"""Draft readers: where every footnote and key citation is, in each format and encoding."""

from __future__ import annotations

import codecs
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.files import read_text
from sinosoviet_cli.paper import drafts, latex
from sinosoviet_cli.paper.drafts import DraftFormat
from tests.conftest import FIXTURES
from tests.docx_builder import build_docx

DRAFTS = FIXTURES / "drafts"


def keys(draft: drafts.Draft) -> list[tuple[int | None, str, str, str]]:
    return [(n.n, k.key, k.prefix, k.locator) for n in draft.notes for k in n.keys]


def char_at(source: str, line: int, column: int) -> str:
    return source.split("\n")[line - 1][column - 1]


# ── Markdown ─────────────────────────────────────────────────────────────────

MD = """\
---
title: 草稿
bibliography: [refs.bib, more.bib]
---
正文[^b]，再见 [see @li2001zhongsu, p. 190; @yang1999zouxiang]。@zagoria1962sino 说过。[^a]

寫信到 someone@example.org；`@code` 与 <!-- @comment --> 不算。

```
@fenced
```

行内注^[陳永發，《中國共產革命七十年》（台北：聯經，2001），759。]结束。

[^a]: 同上，191。

[^b]: 李越然，《中蘇外交親歷記》（北京：世界知識出版社，
    2001），190。另见 [@luo2007wenge, 148]。
"""


def test_markdown_notes_in_reading_order_with_positions() -> None:
    draft = drafts.read_markdown(MD, "d.md")
    assert draft.bibliographies == ("refs.bib", "more.bib")
    assert [(n.n, n.text) for n in draft.notes] == [
        (1, "李越然，《中蘇外交親歷記》（北京：世界知識出版社， 2001），190。另见 。"),
        (None, ""), (None, ""), (2, "同上，191。"),
        (3, "陳永發，《中國共產革命七十年》（台北：聯經，2001），759。"),
    ]
    assert keys(draft) == [
        (1, "luo2007wenge", "", "148"), (None, "li2001zhongsu", "see", "p. 190"),
        (None, "yang1999zouxiang", "", ""), (None, "zagoria1962sino", "", ""),
    ]
    for note in draft.notes:
        for k in note.keys:
            assert MD.split("\n")[k.line - 1][k.column - 1 :].startswith("@" + k.key)
        for i, ch in enumerate(note.text):
            line, column = note.where(i)
            if ch != " ":  # a line break inside a note reads as one space
                assert char_at(MD, line, column) == ch


def test_markdown_without_citations_has_no_notes() -> None:
    assert drafts.read_markdown("Plain prose, an email a@b.org, `@x`.\n").notes == ()


def test_markdown_key_syntax_follows_pandoc() -> None:
    text = "[@a:b.c-d] @{braced.key} -@sup @dot. [-@x_y, 12] <span>@html</span> [l](http://x/@no)\n"
    assert [k for _n, k, _p, _l in keys(drafts.read_markdown(text))] == [
        "a:b.c-d", "braced.key", "sup", "dot", "x_y", "html"]


@given(st.text(alphabet=st.sampled_from(list("ab @[]^:;,-_.`{}\n 中文。1")), max_size=80))
def test_markdown_reader_never_crashes_and_positions_are_in_range(text: str) -> None:
    draft = drafts.read_markdown(text)
    lines = text.split("\n")
    for note in draft.notes:
        for k in note.keys:
            assert lines[k.line - 1][k.column - 1] == "@" or lines[k.line - 1][k.column - 1] == "-"


# ── LaTeX ────────────────────────────────────────────────────────────────────

TEX = r"""\documentclass{article}
\addbibresource{refs.bib}
\begin{document}
正文\footcite[388--392]{yang1999zouxiang}。又\parencite[见][12]{li2001zhongsu,luo2007wenge}。
% \cite{commented}
注\footnote{羅平漢，\emph{文革前夜的中國}（北京：人民出版社，2007），148--149。另见\cite{li2001zhongsu}。}
多\cites[p.~1]{zagoria1962sino}[2]{gaddis1997we} 50\% done.
\footnote{同上，150。}
\end{document}
"""


def test_latex_cites_and_footnotes() -> None:
    draft = drafts.read_latex(TEX, "d.tex")
    assert draft.bibliographies == ("refs.bib",)
    assert keys(draft) == [
        (1, "yang1999zouxiang", "", "388--392"), (None, "li2001zhongsu", "见", "12"),
        (None, "luo2007wenge", "见", "12"), (2, "li2001zhongsu", "", ""),
        (None, "zagoria1962sino", "", "p.~1"), (None, "gaddis1997we", "", "2"),
    ]
    texts = [n.text for n in draft.notes if n.text]
    assert texts == ["羅平漢，文革前夜的中國（北京：人民出版社，2007），148–149。另见。",
                     "同上，150。"]
    for note in draft.notes:
        for k in note.keys:
            assert TEX.split("\n")[k.line - 1][k.column - 1 :].startswith(k.key)
        for i, ch in enumerate(note.text):
            if ch not in "– ":  # `--` becomes `–`
                assert char_at(TEX, *note.where(i)) == ch


VERBATIM_TEX = r"""\begin{document}
A\verb|\cite{inverb}| B\cite{real1} \verb+50% \cite{inverb2}+ \cite{real2}
\lstinline{\cite{lst}} \mintinline{latex}{\cite{mi}} \mintinline{tex}|\cite{mi2}| \cite{real3}
\begin{verbatim}
\cite{verbatim} 100% \end{verbatim} \cite{real4}
\begin{lstlisting}[language=TeX]
\footnote{\cite{lstlisting}}
\end{lstlisting}
\begin{minted}{latex}
\cite{minted}
\end{minted}
\begin{comment}
\cite{comment}
\end{comment}
50\% \cite{real5} % \cite{commented}
a line break\\% \cite{commented2}
\verbatimfont \cite{real6}\footnote{\verb|\cite{fnverb}| \cite{real7}}
\end{document}
"""


def test_latex_verbatim_and_comments_are_not_citations() -> None:
    # A \cite shown as code (\verb, lstlisting, minted, ...) or commented out is not read;
    # a % inside \verb starts no comment, so the \cite after it on the line is.
    draft = drafts.read_latex(VERBATIM_TEX, "v.tex")
    found = [k for n in draft.notes for k in n.keys]
    assert [k.key for k in found] == [f"real{i}" for i in range(1, 8)]
    for k in found:
        assert VERBATIM_TEX.split("\n")[k.line - 1][k.column - 1 :].startswith(k.key)
    # The \footnote inside lstlisting is no note: the one of the last line is note 1,
    # and its text holds nothing of the \verb.
    numbered = [n for n in draft.notes if n.n is not None]
    assert [(n.n, n.line) for n in numbered] == [(1, 17)]
    assert "fnverb" not in numbered[0].text and "cite" not in numbered[0].text


_DELIMS = st.sampled_from("|+!/=")


@given(_DELIMS, st.text(alphabet="abc{}\\%#[] \u4e2d", max_size=20),
       st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True))
def test_latex_inline_verbatim_hides_any_content(delim: str, junk: str, key: str) -> None:
    inside = junk.replace(delim, "") + f"\\cite{{{key}x}}"
    source = f"\\verb{delim}{inside}{delim} \\cite{{{key}}}\n"
    masked = latex.mask_latex(source)
    assert len(masked) == len(source) and masked.count("\n") == source.count("\n")
    draft = drafts.read_latex(source)
    assert [k.key for n in draft.notes for k in n.keys] == [key]


def test_latex_nocite_star_marks_everything_used() -> None:
    draft = drafts.read_latex("\\nocite{*}\\cite{a}\n")
    assert draft.nocite_all and keys(draft) == [(None, "a", "", "")]


# ── Word ─────────────────────────────────────────────────────────────────────


def test_docx_footnotes_in_reference_order(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "d.docx",
        [("第一段。", [5]), ("第二段。", []), ("第三段。", [2, 9])],
        {2: ["同上，", "191。"], 9: ["Ibid., 12."],
         5: ["李越然，《中蘇外交親歷記》|（北京：世界知識出版社，2001）|，190。"]},
    )
    draft = drafts.load(path)
    assert draft.format is DraftFormat.DOCX
    assert [(n.n, n.text, n.line) for n in draft.notes] == [
        (1, "李越然，《中蘇外交親歷記》（北京：世界知識出版社，2001），190。", 1),
        (2, "同上， 191。", 3), (3, "Ibid., 12.", 3)]
    import docx  # the file is a real Word document, not just a zip

    assert len(docx.Document(str(path)).paragraphs) == 3


def test_not_a_docx(tmp_path: Path) -> None:
    bad = tmp_path / "d.docx"
    bad.write_text("just text")
    with pytest.raises(InputError, match=r"not a \.docx"):
        drafts.load(bad)


# ── encodings ────────────────────────────────────────────────────────────────

TRAD_MD = "正文[^1]。\n\n[^1]: 李越然，《中蘇外交親歷記》（北京：世界知識出版社，2001），190。\n"


@pytest.mark.parametrize(
    "encode",
    [lambda t: t.encode("big5"), lambda t: t.encode("gb18030"), lambda t: t.encode("utf-16"),
     lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), lambda t: t.encode("utf-8")],
    ids=["big5", "gb18030", "utf-16", "utf-8-bom", "utf-8"],
)
def test_encodings_read_like_utf8(tmp_path: Path, encode: object) -> None:
    path = tmp_path / "d.md"
    path.write_bytes(encode(TRAD_MD))  # type: ignore[operator]
    draft = drafts.load(path)
    assert [(n.n, n.text, n.line, n.column) for n in draft.notes] == [
        (1, "李越然，《中蘇外交親歷記》（北京：世界知識出版社，2001），190。", 3, 7)]


def test_committed_encoded_fixtures_match_their_utf8_original() -> None:
    original = drafts.load(DRAFTS / "draft.md")
    for name in ("draft-big5.md", "draft-gb18030.md", "draft-utf16.md", "draft-bom.md"):
        variant = drafts.load(DRAFTS / name)
        assert [(n.n, n.text, n.keys) for n in variant.notes] == [
            (n.n, n.text, n.keys) for n in original.notes], name


# ── plain text in the paper's layout ─────────────────────────────────────────


def test_the_paper_itself_is_a_plain_text_draft(seed_path: Path) -> None:
    draft = drafts.load(seed_path)
    assert draft.format is DraftFormat.PLAIN
    assert [n.n for n in draft.notes] == list(range(1, 44))
    fn12 = draft.notes[11]
    assert fn12.text.startswith("羅漢平，《文革前夜的中國》")
    source = read_text(seed_path)
    assert char_at(source, fn12.line, fn12.column) == "羅"
    for note in draft.notes:  # every located character is the character in the source
        for i in range(0, len(note.text), 7):
            src = char_at(source, *note.where(i))
            assert src == note.text[i] or note.text[i] == " ", (note.n, i)


def test_plain_fixture_draft() -> None:
    draft = drafts.load(DRAFTS / "draft.txt")
    assert [n.n for n in draft.notes] == list(range(1, len(draft.notes) + 1))
    assert len(draft.notes) >= 10


def test_detect_by_suffix_then_content() -> None:
    assert drafts.detect("x.tex") is DraftFormat.LATEX
    assert drafts.detect("x.qmd") is DraftFormat.MARKDOWN
    assert drafts.detect("x", "see \\cite{a}") is DraftFormat.LATEX
    assert drafts.detect("x", "see [@a]") is DraftFormat.MARKDOWN
    assert drafts.detect("x", "plain") is DraftFormat.PLAIN


# ── pandoc agrees on which keys are missing ──────────────────────────────────


def _pandoc_missing(draft: Path, bib: Path) -> set[str]:
    pypandoc = pytest.importorskip("pypandoc")
    proc = subprocess.run(
        [pypandoc.get_pandoc_path(), "--citeproc", "--bibliography", str(bib), "-t", "plain",
         str(draft), "-o", "/dev/null"], capture_output=True, text=True, timeout=120)
    return set(re.findall(r"citation (\S+) not found", proc.stderr))


def test_missing_keys_agree_with_pandoc(external_dir: Path, tmp_path: Path) -> None:
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.checks import rules as checks

    src = external_dir / "quarto-cn-tools"
    bib_text = (src / "bibliography.bib").read_text(encoding="utf-8")
    # Drop a few entries and misspell a few citations, so that there is something to find.
    dropped = ["qinhui2019", "fletcher1978a", "correia2024"]
    kept = "\n@".join(b for b in bib_text.split("\n@")
                      if not any(b.lstrip("@").split("{", 1)[-1].startswith(d + ",")
                                 for d in dropped))
    bib = tmp_path / "bib.bib"
    bib.write_text(kept, encoding="utf-8")
    works = bibio.load(bib).works
    for name in ("2-localize-cnbib.md", "3-sort-cnbib.md"):
        text = (src / name).read_text(encoding="utf-8")
        text += "\n\n见 [@acemoglu2091; @gao2023a, 12] 与 @nobody2000 。\n"
        draft_path = tmp_path / name
        draft_path.write_text(text, encoding="utf-8")
        expected = _pandoc_missing(draft_path, bib)
        found = checks.check(drafts.load(draft_path), works, ["unknown-key"],
                             segmenter=lambda t: ())
        assert {f.key for f in found} == expected, name
        assert expected >= {"acemoglu2091", "nobody2000"}


def test_plain_notes_numbered_at_the_end() -> None:
    text = ("正文一句。1又一句。2\n\n1 李越然，《中蘇外交親歷記》（北京：世界知識出版社，\n"
            "2001），190。\n[2] Donald Zagoria, The Sino-Soviet Conflict\n1956-1961, 12.\n"
            "4 not the next number, so part of note 2\n")
    draft = drafts.read_plain(text, "d.txt")
    assert [(n.n, n.text, n.line, n.column) for n in draft.notes] == [
        (1, "李越然，《中蘇外交親歷記》（北京：世界知識出版社，2001），190。", 3, 3),
        (2, "Donald Zagoria, The Sino-Soviet Conflict 1956-1961, 12. 4 not the next number, "
            "so part of note 2", 5, 5)]
    assert draft.notes[1].where(draft.notes[1].text.index("1956")) == (6, 1)


@given(st.lists(st.sampled_from([
    *"\\{}[]%~-`'ab ,\n中文。1", "\\footnote{", "\\cite{", "\\footcite[12]{", "\\cites{a}{",
    "\\emph{", "--"]), max_size=40).map("".join))
def test_latex_reader_never_crashes_and_keys_point_into_the_source(text: str) -> None:
    draft = drafts.read_latex(text)
    lines = text.split("\n")
    for note in draft.notes:
        for k in note.keys:
            assert lines[k.line - 1][k.column - 1 :].startswith(k.key)
        for i in range(len(note.text)):
            line, column = note.where(i)
            assert 1 <= line <= len(lines) and column >= 1


def test_quarto_cross_references_are_not_citations() -> None:
    text = "See @fig-map and [@tbl-one; @li2001zhongsu].\n"
    assert [k for _n, k, _p, _l in keys(drafts.read_markdown(text, "d.qmd"))] == [
        "li2001zhongsu"]
    assert len(keys(drafts.read_markdown(text, "d.md"))) == 3  # pandoc would look them up
