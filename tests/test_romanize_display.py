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
