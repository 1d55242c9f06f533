"""``export --format csl-json`` against pandoc's citeproc, an independent processor
(issue 14 Done-when: renders with 0 warnings and reads back to the same entries)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import app
from sinosoviet_cli.csl import render

STYLES = ("chicago-author-date", "chicago-notes-bibliography",
          "chicago-shortened-notes-bibliography")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csl") / "refs.json"
    result = CliRunner().invoke(app, ["export", "--format", "csl-json", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _pandoc(data: Path, style: str, body: str) -> subprocess.CompletedProcess[str]:
    pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (test extra) absent")
    doc = data.parent / "doc.md"
    doc.write_text(body, encoding="utf-8")
    return subprocess.run(
        [pypandoc.get_pandoc_path(), str(doc), "--citeproc", "--bibliography", str(data),
         "--csl", str(render.style_path(style)), "-t", "plain", "--wrap=none"],
        capture_output=True, text=True, check=True)


@pytest.mark.parametrize("style", STYLES)
def test_every_entry_prints_without_a_warning(exported: Path, style: str) -> None:
    """Chicago 18's note styles leave an unpublished paper out of a bibliography unless
    it names a publisher: the paper read at a meeting carries its institution."""
    proc = _pandoc(exported, style, '---\nnocite: "@*"\n---\n')
    assert proc.stderr == ""
    entries = [p for p in proc.stdout.split("\n\n") if p.strip()]
    assert len(entries) == len(bibio.load(bibio.bundled_path()).works)
    wang = next(e for e in entries if e.startswith("王瑞婷"))
    assert "Paper presented at 中興國際政治所與政治大學東亞所聯合論文發表會, " \
           "December 6, 2008, 台中." in wang


def test_a_note_cites_the_meeting_paper(exported: Path) -> None:
    proc = _pandoc(exported, "chicago-notes-bibliography", "Text.[@wang2008zhongsu]\n")
    assert proc.stderr == ""
    assert "paper presented at 中興國際政治所與政治大學東亞所聯合論文發表會, December 6, " \
           "2008, 台中." in proc.stdout


def test_reads_back_through_bib_to_the_same_entries(exported: Path) -> None:
    """``--bib refs.json`` gives every field of every entry of references.bib."""
    bundled = bibio.load(bibio.bundled_path()).works
    back = bibio.load_all([exported]).works
    assert [(w.key, w.entry_type, dict(w.fields)) for w in back] == [
        (w.key, w.entry_type, dict(w.fields)) for w in bundled]
    result = CliRunner().invoke(app, ["show", "yang1999zouxiang", "--bib", str(exported)])
    listed = CliRunner().invoke(app, ["show", "yang1999zouxiang"])
    assert result.exit_code == 0 and result.output == listed.output


def test_export_from_the_json_is_the_same_json(exported: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    result = CliRunner().invoke(app, ["export", "--format", "csl-json", "--bib", str(exported),
                                      "-o", str(again)])
    assert result.exit_code == 0, result.output
    assert json.loads(again.read_text("utf-8")) == json.loads(exported.read_text("utf-8"))
