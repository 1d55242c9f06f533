"""``check`` on a draft that cites the bundled bibliography's Chinese works romanised,
with or without characters, in full and short form: matched and checked like any other
citation, and romanisation libraries loaded only when needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sinosoviet_cli.bibtex.bibio import bundled_path
from sinosoviet_cli.checks.romanised import same_romanised, without_characters
from sinosoviet_cli.cli import app

# Notes written for this test (not from any paper); note 4 prints a wrong year, note 6
# a wrong author, note 7 a wrong short title.
DRAFT = """\
# Chapter

Text.[^1] More.[^2] More.[^3] More.[^4] More.[^5] More.[^6] More.[^7]

[^1]: Yang Kuisong 楊奎松, *Zouxiang polie: Mao Zedong yu Mosike de enen yuanyuan* 走向破裂：毛澤東與莫斯科的恩恩怨怨 (Hong Kong: Sanlian shudian, 1999), 420.

[^2]: Yang, *Zouxiang polie*, 421.

[^3]: Li Yueran, *Zhong-Su waijiao qinliji* (Beijing: Shijie zhishi chubanshe, 2001), 150.

[^4]: Li Yueran 李越然, *Zhong-Su waijiao qinliji* 中蘇外交親歷記 (Beijing: Shijie zhishi chubanshe, 1995), 151.

[^5]: Yang Kuisong, *Zouxiang polie*, 430.

[^6]: Lin Yueran, *Zhong Su waijiao qinli ji* (Beijing: Shijie zhishi chubanshe, 2001), 152.

[^7]: Yang, *Zouxiang fenlie*, 431.
"""


def _findings(runner: CliRunner, tmp_path: Path) -> list[dict[str, object]]:
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, "utf-8")
    result = runner.invoke(app, ["check", str(draft), "--bib", str(bundled_path()),
                                 "--json"])
    assert result.exit_code == 1, result.output
    found: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return found


def test_romanised_draft_finds_the_errors_and_nothing_else(runner: CliRunner,
                                                           tmp_path: Path) -> None:
    found = {(f["footnote"], f["rule"], f["key"]) for f in _findings(runner, tmp_path)
             if f["severity"] != "info"}  # should-be-ibid: consecutive notes, same work
    assert found == {(4, "year-mismatch", "li2001zhongsu"),
                     (6, "author-mismatch", "li2001zhongsu"),
                     (7, "title-mismatch", "yang1999zouxiang")}


def test_characters_after_romanised_words_are_dropped() -> None:
    text = "Luo Pinghan 羅平漢, *Wenge qianye* 文革前夜的中國 (Beijing: Renmin, 2007), 3."
    stripped = without_characters(text)
    assert stripped is not None
    plain, positions = stripped
    assert plain == "Luo Pinghan, *Wenge qianye* (Beijing: Renmin, 2007), 3."
    assert all(text[p] == c for p, c in zip(positions, plain, strict=True))
    assert without_characters("楊奎松，《走向破裂》（香港：三聯書店，1999），頁420。") is None


def test_publishers_in_either_script() -> None:
    assert same_romanised("Sanlian shudian", "三聯書店")
    assert same_romanised("Renmin chubanshe", "人民出版社")
    assert not same_romanised("Renmin chubanshe", "三聯書店")


def test_a_chinese_draft_does_not_load_romanisation(tmp_path: Path) -> None:
    draft = tmp_path / "zh.md"
    draft.write_text("Text.[^1]\n\n[^1]: 楊奎松，《走向破裂：毛澤東與莫斯科的恩恩怨怨》"
                     "（香港：三聯書店，1999），頁420。\n", "utf-8")
    code = ("import sys\nfrom sinosoviet_cli.cli import main\n"
            f"sys.argv = ['sinosoviet', 'check', {str(draft)!r}, '--bib', "
            f"{str(bundled_path())!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', [m for m in ('pypinyin', 'rjieba') if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False)
    assert "LOADED []" in run.stdout, run.stdout + run.stderr
