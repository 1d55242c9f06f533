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
    result = runner.invoke(app, ["parse", str(seed_path), "-o", str(fixed), "--corrections"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # every correction found its field
    a, b = bibio.load(plain), bibio.load(fixed)
    assert [w.key for w in a.works] == [w.key for w in b.works]
    assert a.get("brzezinski1961soviet").get("publisher") == "Frederick A.Peaeger"  # type: ignore[union-attr]
    assert b.get("brzezinski1961soviet").get("publisher") == "Frederick A. Praeger"  # type: ignore[union-attr]
    assert "Disaster" in b.get("teiwes1999china").get("title")  # type: ignore[union-attr]
    assert "corrected" in fixed.read_text(encoding="utf-8").splitlines()[3]


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
