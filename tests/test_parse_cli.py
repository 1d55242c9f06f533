"""The ``parse`` command: writes BibTeX atomically, never overwrites without --force,
summarises, prints JSON, applies corrections only when asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_main
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import app

MINI = FIXTURES / "resolve" / "mini.txt"
DATA = Path(__file__).resolve().parent.parent / "sinosoviet_cli" / "data"
BUNDLED_CORRECTIONS = DATA / "corrections.toml"

# A paper written for these tests (not the seed): its sections 二/三/四 are about rice
# farming, markets and population, not the seed's three schools. Footnote 8 prints the
# publisher misprint the seed's corrections fix in the seed's footnote 8.
_SMALL_PAPER = """\
 江南稻作史的三種寫法

測試者＊

摘要：一篇為測試而寫的虛構短文，談明清江南的稻作與市場。

關鍵字：稻作、江南、市場



江南稻作史的三種寫法 ．1．

一、 前言

  江南的稻米產量在明清之際持續增加。1關於市場的研究已經很多。2

<rule>

  1 周甲，《江南米糧的流通》（香港：虛構書店，1998），10-12。

  2 Mark Elvin, The Pattern of the Chinese Past (Stanford: Stanford University Press, 1973), 113.

．2．測試者 虛構學報第三期

二、 技術的改良

  王丙主張雙季稻的推廣是產量增加的主因。3王丙又以太湖周邊的村落為例。4

此後的研究大多沿用這個看法。5

<rule>

  3 王丙，《明清江南的雙季稻》（台北：虛構出版社，2001），45。

  4 王丙，前引書，60-62。

  5 李丁，〈太湖的圩田〉，《虛構農史》第2期（1995），33。

．3．測試者 虛構學報第三期

三、 市場的擴張

  米價的變動反映了長程貿易的規模。6

<rule>

  6 陳戊，《清代米價研究》（北京：虛構大學出版社，2005），88。

．4．測試者 虛構學報第三期

四、 人口的壓力

  人口增長使每戶耕地縮小。7也有學者從革命的起源回看這個問題。8

<rule>

  7 趙己，《江南人口史》（上海：虛構人民出版社，2000），120。

  8 Lucien Bianco, Origins of the Chinese Revolution, 1915-1949 (Stanford: Standford University Press, 1971), 87.
""".replace("<rule>", " " * 54)  # a footnote rule: a line of spaces


def _flat(text: str) -> str:
    return " ".join(text.split())

def test_parse_writes_bib_and_summary(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    result = runner.invoke(app, ["parse", str(MINI), "-o", str(out)])
    assert result.exit_code == 0, result.output
    summary = _flat(result.stdout)
    assert "mini.txt: 9 footnotes, 10 citations (4 full, 4 short, 2 ibid)" in summary
    assert "5 entries (2 book, 2 incollection, 1 collection)" in summary
    library = bibio.load(out)
    assert library.problems == ()
    assert [w.key for w in library.works] == [
        "wang1999xugou", "li2004diyi", "sun2004dier", "zhao2004xugou", "smith1999imagined"]
    assert library.get("wang1999xugou").get("footnotes") == "1, 2, 7, 9"  # type: ignore[union-attr]
    assert out.read_text(encoding="utf-8").startswith("% The works cited in mini.txt")


def test_parse_default_output_is_references_bib_in_cwd(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["parse", str(MINI)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "references.bib").is_file()


def test_parse_json(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(MINI), "-o", str(tmp_path / "r.bib"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entries"] == 5
    assert data["unparsed"] == []
    assert [f["n"] for f in data["footnotes"]] == list(range(1, 10))
    cites = {f["n"]: f["citations"] for f in data["footnotes"]}
    assert cites[2] == [{"key": "wang1999xugou", "form": "ibid", "pages": "20",
                         "text": "同上，20。", "problem": ""}]
    assert [(c["key"], c["form"], c["pages"]) for c in cites[6]] == [
        ("smith1999imagined", "ibid", "47")]
    assert [(c["key"], c["form"]) for c in cites[7]] == [("wang1999xugou", "short")]  # 前引書
    assert [(c["key"], c["pages"]) for c in cites[9]] == [
        ("wang1999xugou", "40"), ("li2004diyi", "35")]


def test_json_and_summary_agree_on_a_short_form_with_nothing_earlier(
        runner: CliRunner, tmp_path: Path) -> None:
    """The paper prints note 1 short (the resolver keeps it as its work's first
    citation): --json says "short", as the summary counts it, with the problem."""
    paper = tmp_path / "p.md"
    paper.write_text("Text.[^1] More.[^2]\n\n[^1]: Westad, *Brothers in Arms*, 45.\n"
                     "[^2]: 楊奎松：《走向破裂》，北京：三聯書店，1999年，第12頁。\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["parse", str(paper), "-o", str(tmp_path / "r.bib"), "--json"])
    assert result.exit_code == 0, result.output
    cites = [c for f in json.loads(result.stdout)["footnotes"] for c in f["citations"]]
    assert [(c["form"], c["pages"], bool(c["problem"])) for c in cites] == [
        ("short", "45", True), ("full", "12", False)]
    summary = runner.invoke(app, ["parse", str(paper), "-o", str(tmp_path / "s.bib")])
    assert "2 citations (1 full, 1 short, 0 ibid)" in summary.output


def test_existing_output_needs_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("% mine\n", encoding="utf-8")
    code, stdout, stderr = run_main(["parse", str(MINI), "-o", str(out)], monkeypatch, capsys, columns=200)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith(f"error: {out}: already exists")
    assert "--force" in stderr
    assert out.read_text(encoding="utf-8") == "% mine\n"
    code, _, _ = run_main(["parse", str(MINI), "-o", str(out), "--force"], monkeypatch, capsys, columns=200)
    assert code == 0
    assert "@book{wang1999xugou," in out.read_text(encoding="utf-8")


def test_missing_paper_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    args = ["parse", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "r.bib")]
    code, _, stderr = run_main(args, monkeypatch, capsys, columns=200)
    assert code == 2
    assert "nope.txt" in stderr
    assert not (tmp_path / "r.bib").exists()


def test_output_folder_missing_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    args = ["parse", str(MINI), "-o", str(tmp_path / "no" / "r.bib")]
    code, _, stderr = run_main(args, monkeypatch, capsys, columns=200)
    assert code == 2
    assert "folder" in stderr


def test_corrections_only_when_asked(runner: CliRunner, tmp_path: Path, seed_path: Path) -> None:
    plain, fixed = tmp_path / "plain.bib", tmp_path / "fixed.bib"
    assert runner.invoke(app, ["parse", str(seed_path), "-o", str(plain)]).exit_code == 0
    result = runner.invoke(app, ["parse", str(seed_path), "-o", str(fixed),
                                 "--corrections", str(BUNDLED_CORRECTIONS)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # every correction found its field
    a, b = bibio.load(plain), bibio.load(fixed)
    assert len(a.works) == len(b.works)
    # Without the file the paper's misprints stay, in values and in keys.
    assert a.get("brzezinski1961soviet").get("publisher") == "Frederick A.Peaeger"  # type: ignore[union-attr]
    assert b.get("brzezinski1961soviet").get("publisher") == "Frederick A. Praeger"  # type: ignore[union-attr]
    assert "Disaster" in b.get("teiwes1999china").get("title")  # type: ignore[union-attr]
    assert a.get("gitting1968survey") is not None and a.get("gittings1968survey") is None
    assert b.get("gittings1968survey") is not None
    lines = fixed.read_text(encoding="utf-8").splitlines()
    assert "corrected" in lines[3]
    assert f"--corrections {BUNDLED_CORRECTIONS.as_posix()}" in lines[4]


def test_corrections_file_that_is_not_toml_is_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paper = tmp_path / "paper.txt"
    paper.write_text(_SMALL_PAPER, encoding="utf-8")
    bad = tmp_path / "fixes.toml"
    bad.write_text("[[correction]]\nfootnote = \n", encoding="utf-8")
    code, out, err = run_main(["parse", str(paper), "-o", str(tmp_path / "r.bib"),
                               "--corrections", str(bad)], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(bad) in err and "line 2" in err
    assert not (tmp_path / "r.bib").exists()


def test_seed_summary_lists_the_doubtful_link(runner: CliRunner, tmp_path: Path,
                                              seed_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(seed_path), "-o", str(tmp_path / "r.bib")])
    assert result.exit_code == 0, result.output
    assert "43 footnotes, 49 citations" in _flat(result.stdout)
    assert "luo2007wenge" in result.stdout and "羅漢平" in result.stdout


def test_paper_without_footnotes_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    paper = tmp_path / "plain.txt"
    paper.write_text("一篇沒有腳註的文章。\n\n只有正文。\n", encoding="utf-8")
    code, stdout, stderr = run_main(["parse", str(paper), "-o", str(tmp_path / "r.bib")],
                                 monkeypatch, capsys)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith(f"error: {paper}: no footnotes found")
    assert not (tmp_path / "r.bib").exists()


# ── output safety and the --json / -o contract ───────────────────────────────


def test_output_that_is_the_paper_is_refused_even_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paper = tmp_path / "p.txt"
    paper.write_bytes(MINI.read_bytes())
    monkeypatch.chdir(tmp_path)
    for target in ("p.txt", str(paper), "./sub/../p.txt"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code, stdout, stderr = run_main(["parse", "p.txt", "-o", target, "--force"],
                                     monkeypatch, capsys)
        assert code == 2, target
        assert stdout == ""
        assert "is also an input of this command" in stderr
        assert paper.read_bytes() == MINI.read_bytes()
    link = tmp_path / "link.txt"
    link.symlink_to(paper)  # a second name for the paper is the paper too
    code, _, stderr = run_main(["parse", "p.txt", "-o", str(link), "--force"], monkeypatch, capsys, columns=200)
    assert code == 2 and "is also an input of this command" in stderr
    assert paper.read_bytes() == MINI.read_bytes()


def test_json_writes_no_file_unless_o_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # twice: no leftover file makes the second run fail
        code, stdout, stderr = run_main(["parse", str(MINI), "--json"], monkeypatch, capsys, columns=200)
        assert code == 0, stderr
        assert json.loads(stdout)["entries"] == 5
        assert list(tmp_path.iterdir()) == []
    code, stdout, _ = run_main(["parse", str(MINI), "--json", "-o", "r.bib"], monkeypatch, capsys, columns=200)
    assert code == 0
    assert json.loads(stdout)["entries"] == 5
    assert "@book{wang1999xugou," in (tmp_path / "r.bib").read_text(encoding="utf-8")


def test_output_dash_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_main(["parse", str(MINI), "-o", "-"], monkeypatch, capsys, columns=200)
    assert code == 0, stderr
    assert list(tmp_path.iterdir()) == []  # no file named "-"
    library = bibio.parse(stdout)
    assert library.problems == ()
    assert len(library.works) == 5
    assert "5 entries" in _flat(stderr)  # the summary moves to stderr
    code, _, stderr = run_main(["parse", str(MINI), "-o", "-", "--json"], monkeypatch, capsys, columns=200)
    assert code == 2
    assert "--json" in stderr


def test_output_directory_is_said_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ([], ["--force"]):
        code, stdout, stderr = run_main(["parse", str(MINI), "-o", str(tmp_path), *extra],
                                     monkeypatch, capsys)
        assert code == 2
        assert stdout == ""
        assert stderr.startswith(f"error: {tmp_path}: is a directory")
        assert "already exists" not in stderr


def test_help_documents_the_output_contract(runner: CliRunner) -> None:
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0
    text = _flat(result.stdout)
    assert "--json" in text and "only with -o" in text
    assert "'-' for stdout" in text


def test_a_new_paper_gets_no_seed_corrections_or_sections_unless_named(
        runner: CliRunner, tmp_path: Path) -> None:
    paper = tmp_path / "rice.txt"
    paper.write_text(_SMALL_PAPER, encoding="utf-8")
    plain, named = tmp_path / "plain.bib", tmp_path / "named.bib"
    result = runner.invoke(app, ["parse", str(paper), "-o", str(plain)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    works = {w.key: w for w in bibio.load(plain).works}
    # 王丙 is named in the body of section 二 and cited there: the seed's section 二 is
    # the ideology school, this paper's is about farming techniques.
    assert works["wang2001mingqing"].get("keywords") == "school:context"
    assert not any("ideology" in w.get("keywords") for w in works.values())
    assert works["bianco1971origins"].get("publisher") == "Standford University Press"
    assert "no corrections applied" in plain.read_text(encoding="utf-8")

    result = runner.invoke(app, ["parse", str(paper), "-o", str(named),
                                 "--schools", str(DATA / "models" / "wang-2008-zhengda.toml"),
                                 "--corrections", str(BUNDLED_CORRECTIONS)])
    assert result.exit_code == 0, result.output
    works = {w.key: w for w in bibio.load(named).works}
    assert works["wang2001mingqing"].get("keywords") == "school:ideology"
    assert works["bianco1971origins"].get("publisher") == "Stanford University Press"
    assert "footnote 17" in result.stderr  # the seed's other corrections match nothing here


def test_schools_file_replaces_the_model(runner: CliRunner, tmp_path: Path) -> None:
    paper = tmp_path / "rice.txt"
    paper.write_text(_SMALL_PAPER, encoding="utf-8")
    model = tmp_path / "rice-schools.toml"
    model.write_text('''
[[school]]
id = "technique"
kind = "school"
section = "二"
name_zh = "技術論"
name_en = "Technique"

[[school]]
id = "context"
kind = "role"
name_zh = "背景"
name_en = "Context"
''', encoding="utf-8")
    out = tmp_path / "r.bib"
    result = runner.invoke(app, ["parse", str(paper), "-o", str(out), "--schools", str(model)])
    assert result.exit_code == 0, result.output
    works = {w.key: w for w in bibio.load(out).works}
    assert works["wang2001mingqing"].get("keywords") == "school:technique"
    listed = runner.invoke(app, ["list", "--bib", str(out), "--schools", str(model), "--json"])
    assert listed.exit_code == 0, listed.output
    assert listed.stderr == ""  # "technique" is known to this model
    groups = {g["school"]: [w["key"] for w in g["works"]] for g in json.loads(listed.stdout)["groups"]}
    assert groups["technique"] == ["wang2001mingqing"]


@pytest.mark.parametrize("text, where", [
    ("[[school]\nid = 1\n", "line 1"),
    ("min_score = 2\n[[school]]\nname_en = \"no id\"\n", "schools.toml:2: "),
])
def test_malformed_schools_file_is_exit_2(text: str, where: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "schools.toml"
    bad.write_text(text, encoding="utf-8")
    for args in (["parse", str(MINI), "-o", str(tmp_path / "r.bib")], ["list"], ["schools"],
                 ["show", "x"], ["export"]):
        code, out, err = run_main([*args, "--schools", str(bad)], monkeypatch, capsys)
        assert code == 2 and out == "", args
        assert len(err.strip().splitlines()) == 1, err
        assert str(bad) in err and where in err, err
    assert not (tmp_path / "r.bib").exists()


def test_parse_to_stdout_says_where_the_bibtex_went(tmp_path: Path) -> None:
    """Issue 16 #8: `parse -o -` said `wrote -:`; the paper may come from stdin too."""
    text = MINI.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", "-", "-o", "-"], input=text)
    assert result.exit_code == 0, result.output
    assert "@" in result.stdout and "wrote -" not in result.stderr
    assert "BibTeX on stdout:" in result.stderr
    assert result.stderr.startswith("stdin: ")


def test_warnings_are_printed_in_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 §4: a long paper's warnings are collected and printed once, not one rich
    print per warning; each stays one line starting `warning: `."""
    from sinosoviet_cli.cli import _common

    printed: list[str] = []

    class Console:
        def print(self, *objects: object, **_: object) -> None:
            printed.append("".join(getattr(o, "plain", str(o)) for o in objects))

    monkeypatch.setattr(_common, "err", Console())
    _common.warn_all([f"paper.txt: footnote {n}: no citation: [x{n}]" for n in range(1, 301)])
    _common.warn_all([])
    assert len(printed) == 1
    lines = printed[0].split("\n")
    assert len(lines) == 300 and all(line.startswith("warning: paper.txt: ") for line in lines)
    assert lines[-1].endswith("[x300]")


def test_a_missing_paper_is_reported_before_an_existing_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """With ./references.bib present, `parse missing.pdf` must name the missing paper,
    not ask for --force."""
    from conftest import run_main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    code, _, err = run_main(["parse", str(tmp_path / "missing.pdf")], monkeypatch, capsys)
    assert code == 2
    assert "missing.pdf: no such file" in err and "--force" not in err
