"""Several bibliographies: ``--bib`` repeated, CSL-JSON ``.json`` files, a draft's own
YAML ``bibliography:`` list and LaTeX ``\\addbibresource`` / ``\\bibliography{a,b}``
lines, and keys found in two files (sinosoviet_cli.bibtex.bibio.load_all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import app
from tests.conftest import run_main

A_BIB = """@book{yang1999zouxiang,
  author = {{楊奎松}}, title = {走向破裂：毛澤東與莫斯科的恩恩怨怨},
  address = {香港}, publisher = {三聯書店}, year = {1999}, langid = {chinese},
}
"""
B_BIB = """@book{zagoria1962sino,
  author = {Zagoria, Donald}, title = {The Sino-Soviet Conflict 1956-1961},
  address = {Princeton}, publisher = {Princeton University Press}, year = {1962},
}
"""
B_JSON = [{"id": "zagoria1962sino", "citation-key": "zagoria1962sino", "type": "book",
           "title": "The Sino-Soviet Conflict 1956-1961",
           "author": [{"family": "Zagoria", "given": "Donald"}],
           "publisher": "Princeton University Press", "publisher-place": "Princeton",
           "issued": {"date-parts": [[1962]]}}]


@pytest.fixture()
def bibs(tmp_path: Path) -> tuple[Path, Path, Path]:
    a = tmp_path / "a.bib"
    a.write_text(A_BIB, encoding="utf-8")
    b = tmp_path / "b.bib"
    b.write_text(B_BIB, encoding="utf-8")
    j = tmp_path / "b.json"
    j.write_text(json.dumps(B_JSON, ensure_ascii=False), encoding="utf-8")
    return a, b, j


def _keys(runner: CliRunner, *args: str) -> list[str]:
    result = runner.invoke(app, ["list", "--json", *args])
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    return sorted(w["key"] for g in groups for w in g["works"])


def test_bib_repeated_with_csl_json(runner: CliRunner, bibs: tuple[Path, Path, Path]) -> None:
    a, _, j = bibs
    assert _keys(runner, "--bib", str(a), "--bib", str(j)) == [
        "yang1999zouxiang", "zagoria1962sino"]
    assert _keys(runner, "--bib", str(a)) == ["yang1999zouxiang"]


def test_show_reads_the_second_bibliography(runner: CliRunner,
                                            bibs: tuple[Path, Path, Path]) -> None:
    a, b, _ = bibs
    result = runner.invoke(app, ["show", "zagoria1962sino", "--bib", str(a), "--bib", str(b)])
    assert result.exit_code == 0, result.output
    assert "Sino-Soviet Conflict" in result.stdout


def test_duplicate_key_across_files(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str],
                                    bibs: tuple[Path, Path, Path]) -> None:
    _, b, j = bibs
    code, out, err = run_main(["list", "--json", "--bib", str(b), "--bib", str(j)],
                              monkeypatch, capsys)
    assert code == 0
    assert f"duplicate key 'zagoria1962sino' in {j}: also in {b}:1" in err
    assert str(b) in err
    assert len([w for g in json.loads(out)["groups"] for w in g["works"]]) == 1


def test_load_all_one_file_is_load(bibs: tuple[Path, Path, Path]) -> None:
    a, b, _ = bibs
    assert bibio.load_all([a]) == bibio.load(a)
    assert bibio.load_all(a) == bibio.load(a)
    both = bibio.load_all([a, b])
    assert [w.key for w in both.works] == ["yang1999zouxiang", "zagoria1962sino"]
    assert both.paths == (str(a), str(b)) and not both.problems


def test_check_with_two_bibs(runner: CliRunner, bibs: tuple[Path, Path, Path],
                             tmp_path: Path) -> None:
    a, _, j = bibs
    draft = tmp_path / "d.md"
    draft.write_text("Text.[@yang1999zouxiang] More.[@zagoria1962sino]\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--bib", str(a), "--bib", str(j),
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []
    one = runner.invoke(app, ["check", str(draft), "--bib", str(a), "--json"])
    assert one.exit_code == 1
    assert [f["rule"] for f in json.loads(one.stdout)["findings"]] == ["unknown-key"]


@pytest.mark.parametrize("header", [
    "---\nbibliography:\n  - a.bib\n  - b.json\n---\n",
    "---\nbibliography: [a.bib, b.bib]\n---\n",
])
def test_markdown_yaml_list_resolves_keys_of_both(runner: CliRunner, header: str,
                                                   bibs: tuple[Path, Path, Path],
                                                   tmp_path: Path) -> None:
    draft = tmp_path / "yaml.md"
    draft.write_text(header + "Text.[@yang1999zouxiang] More.[@zagoria1962sino]\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize("lines", [
    "\\addbibresource{a.bib}\n\\addbibresource{b.bib}\n",
    "\\bibliography{a,b}\n",
])
def test_latex_bibliographies(runner: CliRunner, lines: str, bibs: tuple[Path, Path, Path],
                              tmp_path: Path) -> None:
    draft = tmp_path / "t.tex"
    draft.write_text(lines + "\\begin{document}\nText\\footcite{yang1999zouxiang} and "
                     "\\footcite{zagoria1962sino}.\n\\end{document}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


def test_a_missing_named_bibliography_is_said(runner: CliRunner, bibs: tuple[Path, Path, Path],
                                              tmp_path: Path) -> None:
    draft = tmp_path / "m.md"
    draft.write_text("---\nbibliography: [a.bib, gone.bib]\n---\nText.[@yang1999zouxiang]\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--json"])
    assert result.exit_code == 0, result.output
    assert "gone.bib, not found beside it" in result.stderr


def test_bad_json_bibliography_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, out, err = run_main(["list", "--bib", str(bad)], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert str(bad) in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_export_cited_in_markdown(runner: CliRunner, bibs: tuple[Path, Path, Path],
                                  tmp_path: Path) -> None:
    a, b, _ = bibs
    draft = tmp_path / "c.md"
    draft.write_text("Only one.[@zagoria1962sino]\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "--bib", str(a), "--bib", str(b),
                                 "--cited-in", str(draft)])
    assert result.exit_code == 0, result.output
    assert "Sino-Soviet Conflict" in result.stdout
    assert "走向破裂" not in result.stdout
    every = runner.invoke(app, ["export", "--bib", str(a), "--bib", str(b)])
    assert "走向破裂" in every.stdout and "Sino-Soviet Conflict" in every.stdout


def test_export_cited_in_never_overwrites_the_draft(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str],
                                                    bibs: tuple[Path, Path, Path],
                                                    tmp_path: Path) -> None:
    a, _, _ = bibs
    draft = tmp_path / "c.md"
    draft.write_text("x[@yang1999zouxiang]\n", encoding="utf-8")
    code, _, err = run_main(["export", "--bib", str(a), "--cited-in", str(draft), "-o",
                             str(draft), "--force"], monkeypatch, capsys)
    assert code == 2 and "Traceback" not in err
    assert draft.read_text(encoding="utf-8") == "x[@yang1999zouxiang]\n"


def test_check_json_names_the_file_of_each_entry(runner: CliRunner,
                                                 bibs: tuple[Path, Path, Path],
                                                 tmp_path: Path) -> None:
    """Issue 14 §4: with several --bib, each matched citation and each finding about an
    entry names its file; a key in two files is reported at the later one with both."""
    a, b, j = bibs
    draft = tmp_path / "d.md"
    draft.write_text("Text.[@yang1999zouxiang] More.[@zagoria1962sino]\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--bib", str(a), "--bib", str(b),
                                 "--bib", str(j), "--json", "--unused"])
    data = json.loads(result.stdout)
    assert [(m["key"], m["bib"]) for m in data["matched"]] == [
        ("yang1999zouxiang", str(a)), ("zagoria1962sino", str(b))]
    (dup,) = [f for f in data["findings"] if f["rule"] == "duplicate-entry"]
    assert dup["path"] == str(j) and dup["key"] == "zagoria1962sino"
    assert dup["source"] == {"bib": str(j), "also_in": f"{b}:1"}
    assert str(b) in dup["message"] and str(j) in dup["message"]
    assert result.exit_code == 1


def test_unused_entry_names_its_file(runner: CliRunner, bibs: tuple[Path, Path, Path],
                                     tmp_path: Path) -> None:
    a, b, _ = bibs
    draft = tmp_path / "d.md"
    draft.write_text("Text.[@yang1999zouxiang]\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--bib", str(a), "--bib", str(b),
                                 "--json", "--unused"])
    (unused,) = json.loads(result.stdout)["findings"]
    assert (unused["rule"], unused["path"], unused["source"]) == (
        "unused-entry", str(b), {"bib": str(b)})
    one = runner.invoke(app, ["check", str(draft), "--bib", str(a), "--json"])
    assert "bib" not in json.loads(one.stdout)["matched"][0]  # one file: as before
