"""paper/body.py: a Markdown paper's body — paragraphs, sections from its headings and
the sentence each note marker closes — as school tagging reads it; and a model of
another debate that names its sections by heading tags a Markdown paper by them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.paper.markdown import markdown_body, read_markdown
from sinosoviet_cli.paper.read import read_paper
from sinosoviet_cli.text.sections import section_id

# Our own prose about another debate (the causes of the 1959-61 famine).
PAPER = """\
---
title: Explaining the famine
---

# Introduction

Three explanations compete. Demographers disagree on the toll.[^toll] The party
blamed the weather for two decades.^[中共中央：〈關於建國以來黨的若干歷史問題的決議〉，《人民日報》1981年7月1日，第1版。]

## 1. Political radicalism

Yang Jisheng argues that the *political system* silenced every report of hunger.[^yang]
Dikötter stresses coercion by cadres.[^dik]

## The Extraction School

Bernstein traces the deaths to grain procurement in 1959.[^bern] See also the
county studies.[^yang2]

[^toll]: Judith Banister, *China's Changing Population* (Stanford: Stanford University Press, 1987), 85.
[^yang]: Yang Jisheng, *Tombstone* (New York: Farrar, Straus and Giroux, 2012), 12.
[^dik]: Frank Dikötter, *Mao's Great Famine* (London: Bloomsbury, 2010), 292.
[^bern]: Thomas P. Bernstein, "Stalinism, Famine, and Chinese Peasants," *Theory and Society* 13, no. 3 (1984): 339--377.
[^yang2]: Yang, *Tombstone*, 30.
"""


def test_markers_close_their_sentences_in_their_sections() -> None:
    body = markdown_body(PAPER)
    got = {m.n: (m.section, m.sentence) for m in body.markers}
    assert got[1] == ("introduction", "Demographers disagree on the toll.")
    assert got[2] == ("introduction", "The party blamed the weather for two decades.")
    assert got[3] == ("1", "Yang Jisheng argues that the political system silenced every "
                           "report of hunger.")
    assert got[4][1] == "Dikötter stresses coercion by cadres."
    assert got[5] == ("the extraction school",
                      "Bernstein traces the deaths to grain procurement in 1959.")
    assert got[6] == ("the extraction school", "See also the county studies.")
    assert dict(body.headings) == {"introduction": "Introduction", "1": "1. Political radicalism",
                                   "the extraction school": "The Extraction School"}
    assert [p.section for p in body.paragraphs] == ["introduction", "1", "the extraction school"]
    assert "[^" not in " ".join(p.text for p in body.paragraphs)
    assert "*" not in body.paragraphs[1].text  # emphasis marks are not read


def test_body_numbers_notes_as_the_notes_reader_does() -> None:
    notes = [n for n in read_markdown(PAPER, as_paper=True).notes if n.n is not None]
    by_n = {m.n: m for m in markdown_body(PAPER).markers}
    assert sorted(by_n) == [n.n for n in notes]
    assert "Bernstein" in next(n.text for n in notes if n.n == 5)
    assert "Bernstein" in by_n[5].sentence


def test_read_paper_gives_each_note_its_section(tmp_path: Path) -> None:
    path = tmp_path / "famine.md"
    path.write_text(PAPER, encoding="utf-8")
    paper = read_paper(path)
    assert [(f.n, f.section) for f in paper.footnotes] == [
        (1, "introduction"), (2, "introduction"), (3, "1"), (4, "1"),
        (5, "the extraction school"), (6, "the extraction school")]
    assert len(paper.markers) == 6 and len(paper.paragraphs) == 3


@pytest.mark.parametrize(("heading", "sid"), [
    ("二、意識型態的衝突", "二"), ("三．金門", "三"), ("第四節 毛澤東", "四"),
    ("2. The Leap", "2"), ("II. The Leap", "II"), ("10 Conclusions", "10"),
    ("The Extraction School:", "the extraction school"), ("  The   famine ", "the famine"),
    ("二", "二"), ("II", "II"), ("ii", "II"), ("2", "2"),
    ("1959 and after", "1959 and after")])
def test_section_ids(heading: str, sid: str) -> None:
    assert section_id(heading) == sid


@given(st.text(max_size=40))
def test_section_id_is_idempotent(heading: str) -> None:
    once = section_id(heading)
    assert section_id(once) == once


MODEL = """\
min_score = 2
volume_own_score = 3
fallback = "context"
claim_words = ["argue", "stress"]

[sections]
"1. Political radicalism" = "radicalism"
"the extraction school" = "extraction"

[[school]]
id = "radicalism"
kind = "school"
name_zh = "政治激進論"
name_en = "Political radicalism"
description_zh = "政治激進。"
description_en = "Radical politics caused the famine."
cues = ["political system"]

[[school]]
id = "extraction"
kind = "school"
name_zh = "徵購論"
name_en = "Extraction"
description_zh = "徵購。"
description_en = "State procurement caused the famine."
cues = ["procurement"]

[[school]]
id = "primary"
kind = "role"
name_zh = "史料"
name_en = "Primary sources"
description_zh = "文件。"
description_en = "Documents."
title_words = ["決議"]

[[school]]
id = "context"
kind = "role"
name_zh = "背景"
name_en = "Context"
description_zh = "其他。"
description_en = "Everything else."
"""


def test_another_debates_model_tags_a_markdown_paper_by_its_sections(tmp_path: Path) -> None:
    """No proponent is listed: the schools come from the sections the paper presents
    them in (and the cue words of the sentences citing them)."""
    from sinosoviet_cli import pipeline

    (tmp_path / "famine.md").write_text(PAPER, encoding="utf-8")
    (tmp_path / "famine.toml").write_text(MODEL, encoding="utf-8")
    rules = pipeline.load_schools(tmp_path / "famine.toml")
    bib = pipeline.parse_paper(read_paper(tmp_path / "famine.md"), schools=rules).bibliography
    schools = {w.key: w.get("keywords") for w in bib.works}
    by_title = {w.get("title"): schools[w.key] for w in bib.works}
    assert by_title["Tombstone"] == "school:radicalism"
    assert by_title["Mao's Great Famine"] == "school:radicalism"
    assert by_title["Stalinism, Famine, and Chinese Peasants"] == "school:extraction"
    assert by_title["China's Changing Population"] == "school:context"


LATEX = r"""\documentclass{article}
\usepackage{xeCJK}
\begin{document}
\section{一、前言}
學界對饑荒的成因仍有爭論。楊繼繩認為政治體制使
災情無法上報。\footnote{楊繼繩，《墓碑》（香港：天地圖書，2008），頁12。}

\section*{二、徵購}
Bernstein stresses \emph{procurement}.\footcite{bernstein1984} 羅平漢指出統購統銷
加重了農村的負擔。\footnote{羅平漢，《大鍋飯》（北京：中共黨史出版社，2001），頁45。}
% a comment.\footnote{not a note}
\end{document}
"""


def test_latex_body_sections_markers_and_numbering(tmp_path: Path) -> None:
    path = tmp_path / "paper.tex"
    path.write_text(LATEX, encoding="utf-8")
    paper = read_paper(path)
    assert dict(paper.headings) == {"一": "一、前言", "二": "二、徵購"}
    got = [(m.n, m.section, m.sentence) for m in paper.markers]
    assert got == [(1, "一", "楊繼繩認為政治體制使災情無法上報。"),
                   (2, "二", "Bernstein stresses procurement."),
                   (3, "二", "羅平漢指出統購統銷加重了農村的負擔。")]
    assert [(f.n, f.section) for f in paper.footnotes] == [(1, "一"), (2, "二"), (3, "二")]
    assert [p.section for p in paper.paragraphs] == ["一", "二"]
    assert "footnote" not in paper.paragraphs[1].text and "墓碑" not in paper.paragraphs[0].text


def test_word_paper_body_has_the_markdown_papers_sections_and_markers(tmp_path: Path) -> None:
    """The same paper in Word (Heading 1 paragraphs, real footnotes) and in Markdown
    gives the same markers, sections and paragraphs."""
    from docx_builder import build_docx

    paras = [("# Introduction", []), ("Three explanations compete. Demographers disagree.", [1]),
             ("# The Extraction School", []),
             ("Bernstein traces the deaths to procurement. Walker counts the grain.", [2, 3])]
    notes = {1: ["Banister, *China's Changing Population*, 85."],
             2: ["Bernstein, \"Stalinism, Famine, and Chinese Peasants,\" 340."],
             3: ["Walker, *Food Grain Procurement*, 12."]}
    word = read_paper(build_docx(tmp_path / "p.docx", paras, notes))
    markdown = "\n\n".join(
        (t if t.startswith("# ") else t + "".join(f"[^{i}]" for i in ids)) for t, ids in paras)
    markdown += "\n\n" + "\n".join(f"[^{i}]: {n[0]}" for i, n in notes.items()) + "\n"
    (tmp_path / "p.md").write_text(markdown, encoding="utf-8")
    md = read_paper(tmp_path / "p.md")
    assert word.markers == md.markers
    assert [(m.n, m.section) for m in word.markers] == [
        (1, "introduction"), (2, "the extraction school"), (3, "the extraction school")]
    assert word.markers[1].sentence == word.markers[2].sentence == \
        "Walker counts the grain."
    assert word.paragraphs == md.paragraphs and dict(word.headings) == dict(md.headings)


_WORDS = st.sampled_from(["Mao", "argued", "the", "Leap", "中蘇", "關係", "破裂", "grain", "*famine*",
                          "procurement.", "認為", "。", "1959.", "(see", "below)"])
_PARA = st.lists(_WORDS, min_size=1, max_size=8).map(" ".join)


@given(st.lists(st.tuples(st.booleans(), _PARA, st.integers(0, 2)), min_size=1, max_size=8))
def test_markdown_body_never_loses_a_marker(blocks: list[tuple[bool, str, int]]) -> None:
    """Random headings and paragraphs, each paragraph closed by 0-2 notes: every note
    the notes reader numbers has one marker, in its paragraph's section, and no
    paragraph keeps a note mark."""
    parts, defs, n, sections = [], [], 0, {}
    section = None
    for is_heading, text, notes in blocks:
        if is_heading:
            parts.append(f"## {text}")
            section = text.replace("*", "")  # a heading is read without its marks
            continue
        marks = ""
        for _ in range(notes):
            n += 1
            marks += f"[^{n}]"
            defs.append(f"[^{n}]: Chen Jian, *Mao's China* (2001), {n}.")
            sections[n] = section
        parts.append(text + marks)
    source = "\n\n".join(parts) + "\n\n" + "\n".join(defs) + "\n"
    body = markdown_body(source)
    numbered = [x.n for x in read_markdown(source, as_paper=True).notes if x.n is not None]
    assert [m.n for m in body.markers] == numbered == list(range(1, n + 1))
    for m in body.markers:
        expected = sections[m.n]
        assert m.section == (section_id(expected) if expected is not None else None)
    assert not any("[^" in p.text for p in body.paragraphs)


@given(st.lists(st.tuples(st.booleans(), _PARA, st.integers(0, 2)), min_size=1, max_size=8))
def test_latex_body_never_loses_a_marker(blocks: list[tuple[bool, str, int]]) -> None:
    """The same for LaTeX: \\section headings, \\footnote markers numbered as the notes
    reader numbers them, no footnote text left in the body."""
    from sinosoviet_cli.paper.latex import latex_body, read_latex

    parts, n, sections = [], 0, {}
    section = None
    for is_heading, text, notes in blocks:
        plain = text.replace("*", "")
        if is_heading:
            parts.append(f"\\section{{{plain}}}")
            section = plain
            continue
        marks = ""
        for _ in range(notes):
            n += 1
            marks += f"\\footnote{{陳兼，《毛澤東的中國》（臺北：聯經，2001），頁{n}。}}"
            sections[n] = section
        parts.append(plain + marks)
    source = "\\begin{document}\n" + "\n\n".join(parts) + "\n\\end{document}\n"
    body = latex_body(source)
    numbered = [x.n for x in read_latex(source).notes if x.n is not None]
    assert [m.n for m in body.markers] == numbered == list(range(1, n + 1))
    for m in body.markers:
        expected = sections[m.n]
        assert m.section == (section_id(expected) if expected is not None else None)
    assert not any("聯經" in p.text or "footnote" in p.text for p in body.paragraphs)
