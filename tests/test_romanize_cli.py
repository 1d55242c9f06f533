"""``sinosoviet romanize``: JSON and table output, and the review file (approve, set,
translate, stale originals, atomic and refused writes)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sinosoviet_cli.bibtex.bibio import bundled_path
from sinosoviet_cli.cli import app
from tests.conftest import run_main


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    target = tmp_path / "references.bib"
    shutil.copy(bundled_path(), target)
    return target


def _rows(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, ["romanize", *args, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def _one(rows: list[dict[str, object]], key: str, field: str) -> dict[str, object]:
    found = [r for r in rows if r["key"] == key and r["field"] == field]
    assert len(found) == 1, found
    return found[0]


def test_json_has_one_item_per_person_and_every_field(runner: CliRunner, bib: Path) -> None:
    rows = _rows(runner, "--bib", str(bib))
    assert {"key", "field", "original", "romanized", "flags"} <= set(rows[0])
    assert _one(rows, "yang1999zouxiang", "author")["romanized"] == "Yang Kuisong"
    assert _one(rows, "yang1999zouxiang", "address")["romanized"] == "Hong Kong"
    fields = {r["field"] for r in rows}
    assert {"author", "title", "publisher", "address"} <= fields
    assert not (bib.parent / "references.romanized.toml").exists()  # reading writes nothing


def test_table_keeps_bracketed_text(runner: CliRunner, bib: Path) -> None:
    result = runner.invoke(app, ["romanize", "--bib", str(bib)])
    assert result.exit_code == 0
    assert "Yang Kuisong" in result.stdout and "romanised values" in result.stdout


def test_preferred_spelling_wins(runner: CliRunner, bib: Path, tmp_path: Path) -> None:
    pref = tmp_path / "pref.toml"
    pref.write_text('"楊奎松" = "Yang Kuisung"\n', "utf-8")
    rows = _rows(runner, "--bib", str(bib), "--preferred", str(pref))
    assert _one(rows, "yang1999zouxiang", "author")["romanized"] == "Yang Kuisung"


def test_approve_set_translate_and_stale(runner: CliRunner, bib: Path) -> None:
    review = bib.parent / "references.romanized.toml"
    rows = _rows(runner, "--bib", str(bib), "--set",
                 "yang1999zouxiang:title=Zouxiang polie: Mao Zedong yu Mosike de enen "
                 "yuanyuan", "--translate", "yang1999zouxiang=Toward the split",
                 "--approve", "yang1999zouxiang:author")
    title = _one(rows, "yang1999zouxiang", "title")
    assert title["status"] == "approved" and title["translation"] == "Toward the split"
    stored = tomllib.loads(review.read_text("utf-8"))["item"]
    assert {(i["field"], i["status"]) for i in stored} == {("title", "approved"),
                                                           ("author", "approved")}
    # An approved value survives a later run and further approvals.
    rows = _rows(runner, "--bib", str(bib), "--approve", "yang1999zouxiang:publisher")
    assert _one(rows, "yang1999zouxiang", "title")["romanized"].startswith(  # type: ignore[union-attr]
        "Zouxiang polie: Mao Zedong yu Mosike de enen")
    # The source changes: the item is stale, the suggestion shown, the old value kept.
    text = bib.read_text("utf-8").replace("走向破裂：毛澤東與莫斯科的恩恩怨怨", "走向破裂")
    bib.write_text(text, "utf-8")
    rows = _rows(runner, "--bib", str(bib))
    title = _one(rows, "yang1999zouxiang", "title")
    assert title["status"] == "stale" and title["romanized"] == "Zouxiang polie"
    _rows(runner, "--bib", str(bib), "--approve", "yang1999zouxiang:publisher")
    kept = tomllib.loads(review.read_text("utf-8"))["item"]
    assert any(i["field"] == "title" and i["romanized"].endswith("yuanyuan") for i in kept)


@pytest.mark.parametrize("args", [
    ["--approve", "nosuchkey"],
    ["--set", "yang1999zouxiang:title"],
    ["--translate", "yang1999zouxiang:author=Yang"],
])
def test_bad_review_commands_are_one_line_errors(
        args: list[str], bib: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run_main(["romanize", "--bib", str(bib), *args], monkeypatch, capsys)
    assert code == 2 and stderr.count("\n") == 1 and "error:" in stderr
    assert not (bib.parent / "references.romanized.toml").exists()


def test_bundled_bib_is_never_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_main(["romanize", "--approve", "yang1999zouxiang"], monkeypatch,
                               capsys)
    assert code == 2 and "--bib" in stderr


def test_unreadable_review_file(bib: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    (bib.parent / "references.romanized.toml").write_text("[[item]\n", "utf-8")
    code, _, stderr = run_main(["romanize", "--bib", str(bib)], monkeypatch, capsys)
    assert code == 2 and "references.romanized.toml" in stderr


@pytest.mark.parametrize("args", [["list"], ["show", "yang1999zouxiang"], ["schools"],
                                  ["export", "--no-cache"]])
def test_other_commands_do_not_load_the_segmenter(args: list[str]) -> None:
    # Romanisation's heavy part (rjieba's dictionary, ~0.3 s) is for romanize and
    # --romanize only; export's sort reads pypinyin syllables, nothing more.
    code = ("import sys\nfrom sinosoviet_cli.cli import main\n"
            f"sys.argv = ['sinosoviet', *{args!r}, '--bib', {str(bundled_path())!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', 'rjieba' in sys.modules, file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert "LOADED False" in run.stderr, run.stderr[-500:]


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_unreadable_preferred_file_is_one_plain_line(
        make: str, bib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    pref = tmp_path / "spellings.toml"
    if make == "folder":
        pref.mkdir()
    code, _, stderr = run_main(["romanize", "--bib", str(bib), "--preferred", str(pref)],
                               monkeypatch, capsys)
    assert code == 2 and str(pref) in stderr and "Errno" not in stderr
    assert len(stderr.strip().splitlines()) == 1
