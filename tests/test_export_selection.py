"""``export`` of a selection (``--cited-in``, ``--school``): a draft that cites nothing
in the bibliography is reported, and CSL-JSON chapters keep their volume's container
when the volume itself is not selected (crossref resolved against the whole library)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sinosoviet_cli.cli import app

_BIB = """@collection{yang2006lengzhan,
  editor = {{楊奎松}},
  title = {冷戰時期的中國對外關係},
  publisher = {北京大學出版社},
  address = {北京},
  year = {2006},
  langid = {chinese},
}

@incollection{chen2006geming,
  author = {{陳兼}},
  title = {革命與危機的年代},
  pages = {1--30},
  crossref = {yang2006lengzhan},
  langid = {chinese},
}

@book{zagoria1962sino,
  author = {Zagoria, Donald S.},
  title = {The Sino-Soviet Conflict, 1956--1961},
  publisher = {Princeton University Press},
  address = {Princeton},
  year = {1962},
}
"""


def _bib(tmp_path: Path) -> Path:
    bib = tmp_path / "refs.bib"
    bib.write_text(_BIB, encoding="utf-8")
    return bib


def test_cited_in_a_draft_citing_nothing_here_says_so(runner: CliRunner,
                                                      tmp_path: Path) -> None:
    bib, draft, out = _bib(tmp_path), tmp_path / "draft.md", tmp_path / "out.txt"
    draft.write_text("Elsewhere.[@westad2005global]\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "--bib", str(bib), "--cited-in", str(draft)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"no works of {bib} cited in {draft}")
    assert "nothing written" in result.stderr and len(result.stderr.splitlines()) == 1
    result = runner.invoke(app, ["export", "--bib", str(bib), "--cited-in", str(draft),
                                 "-o", str(out)])
    assert result.exit_code == 0 and not out.exists()


def test_csl_json_of_a_cited_chapter_carries_its_volume(runner: CliRunner,
                                                         tmp_path: Path) -> None:
    bib, draft = _bib(tmp_path), tmp_path / "draft.md"
    draft.write_text("A chapter.[@chen2006geming]\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "--bib", str(bib), "--cited-in", str(draft),
                                 "--format", "csl-json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [i["id"] for i in items] == ["chen2006geming"]
    assert items[0]["container-title"] == "冷戰時期的中國對外關係"
    assert items[0]["publisher"] == "北京大學出版社"
    assert items[0]["issued"] == {"date-parts": [[2006]]}
