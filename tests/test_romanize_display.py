"""Works rewritten for romanised Chicago: the pattern of issue 13 on the bundled bib."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from sinosoviet_cli.bibtex.bibio import bundled_path, load
from sinosoviet_cli.cli import app
from sinosoviet_cli.romanize.display import romanised_works


def test_bundled_work_follows_the_pattern(tmp_path: Path, runner: CliRunner) -> None:
    bib = tmp_path / "references.bib"
    shutil.copy(bundled_path(), bib)
    result = runner.invoke(app, ["romanize", "--bib", str(bib), "--approve",
                                 "yang1999zouxiang", "--translate",
                                 "yang1999zouxiang=Toward the split"])
    assert result.exit_code == 0, result.output
    works, unapproved = romanised_works(load(bib).works, bib)
    yang = next(w for w in works if w.key == "yang1999zouxiang")
    assert yang.get("author") == "{Yang Kuisong 楊奎松}"
    assert yang.get("title").startswith("Zouxiang polie: Mao Zedong yu Mosike de ")
    assert yang.get("title").endswith(" 走向破裂：毛澤東與莫斯科的恩恩怨怨 [Toward the split]")
    assert (yang.get("publisher"), yang.get("address")) == ("Sanlian shudian", "Hong Kong")
    assert yang.get("langid") == "chinese"  # citeproc must not title-case the pinyin
    assert "yang1999zouxiang" not in unapproved and "li2001zhongsu" in unapproved
    zagoria = next(w for w in works if w.get("author").startswith("Zagoria"))
    assert zagoria.fields == next(w for w in load(bib).works if w.key == zagoria.key).fields


def test_export_romanize_both_editions(tmp_path: Path, runner: CliRunner) -> None:
    bib = tmp_path / "references.bib"
    shutil.copy(bundled_path(), bib)
    runner.invoke(app, ["romanize", "--bib", str(bib), "--approve", "yang1999zouxiang",
                        "--translate", "yang1999zouxiang=Toward the split"])
    result = runner.invoke(app, ["export", "--bib", str(bib), "--romanize", "--no-cache",
                                 "--style", "chicago-notes-bibliography-17th-edition"])
    assert result.exit_code == 0, result.output
    assert ("Zouxiang polie: Mao Zedong yu Mosike de en'en yuanyuan 走向破裂：毛澤東與莫斯科的"
            "恩恩怨怨 [Toward the split]. Hong Kong: Sanlian shudian, 1999.") in result.stdout
    assert "unreviewed romanisation" in result.stderr and "yang1999zouxiang" not in (
        result.stderr.split("(")[1].split(")")[0])
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    # Sorted by the romanised name: Xu Tianxin, Yang Kuisong, Zagoria.
    order = [next(i for i, ln in enumerate(lines) if ln.startswith(name))
             for name in ("Xu Tianxin 徐天新", "Yang Kuisong 楊奎松", "Zagoria, Donald")]
    assert order == sorted(order)
    result18 = runner.invoke(app, ["export", "--bib", str(bib), "--romanize", "--no-cache"])
    assert "Yang Kuisong 楊奎松. Zouxiang polie: Mao Zedong" in result18.stdout


def test_notes_romanize(tmp_path: Path, runner: CliRunner, seed_path: Path) -> None:
    result = runner.invoke(app, ["notes", str(seed_path), "--bib", str(bundled_path()),
                                 "--romanize"])
    assert result.exit_code == 0, result.output
    assert "Luo Pinghan 羅平漢, Wenge qianye de Zhongguo 文革前夜的中國" in result.stdout
