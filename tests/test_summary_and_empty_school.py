"""Issue 16 #8: ``parse``'s summary counts a short form that has no earlier full
citation as short (it listed one while saying "0 short"); ``export --school X`` with
no works says so instead of printing a bare heading. Papers written for these tests."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sinosoviet_cli.cli import app

_ORPHAN_ONLY = """\
# Test

One.[^1] Two.[^2]

[^1]: Mark Elvin, The Pattern of the Chinese Past (Stanford: Stanford University Press, 1973), 113.
[^2]: Bianco, Origins of the Chinese Revolution, 87.
"""

_BOTH = """\
# 測試

一。[^1] 二。[^2] 三。[^3]

[^1]: 周甲，《江南米糧的流通》（香港：虛構書店，1998），10-12。
[^2]: 周甲，《江南米糧的流通》，20。
[^3]: 王丙，《明清江南的雙季稻》，45。
"""


def _parse(runner: CliRunner, tmp_path: Path, text: str) -> str:
    paper = tmp_path / "paper.md"
    paper.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(paper), "-o", str(tmp_path / "refs.bib"),
                                 "--force"])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


def test_summary_counts_a_short_form_without_a_full_one(runner: CliRunner,
                                                         tmp_path: Path) -> None:
    summary = _parse(runner, tmp_path, _ORPHAN_ONLY)
    assert "2 citations (1 full, 1 short, 0 ibid)" in summary
    assert "short form with no earlier full citation" in summary  # the table lists it
    summary = _parse(runner, tmp_path, _BOTH)
    assert "3 citations (1 full, 2 short, 0 ibid)" in summary


def test_export_of_a_school_without_works_says_so(runner: CliRunner, tmp_path: Path) -> None:
    _parse(runner, tmp_path, _ORPHAN_ONLY)  # no work of the kinmen school
    bib, out = tmp_path / "refs.bib", tmp_path / "kinmen.txt"
    result = runner.invoke(app, ["export", "--bib", str(bib), "--school", "kinmen"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("no works in school 'kinmen' in ")
    assert "nothing written" in result.stderr
    result = runner.invoke(app, ["export", "--bib", str(bib), "--school", "kinmen",
                                 "-o", str(out)])
    assert result.exit_code == 0 and not out.exists()
