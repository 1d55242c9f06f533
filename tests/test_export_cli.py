"""`sinosoviet export` and `sinosoviet notes` through the CLI runner."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import run_main
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import app

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = GOLDEN / "input" / "sample.bib"
PAPER = GOLDEN / "input" / "notes-paper.txt"
PAPER_BIB = GOLDEN / "input" / "notes-paper.bib"
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_export_default_style(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "export", "--bib", str(SAMPLE))
    assert code == 0, err
    entries = out.strip().split("\n\n")
    assert len(entries) == len(bibio.load(SAMPLE).works)
    assert entries[0] == "陳兼. “革命與危機的年代.” In 冷戰時期的中國對外關係, edited by 楊奎松. " \
        "北京大學出版社, 2006."
    assert (GOLDEN / "chicago-notes-bibliography.txt").read_text(encoding="utf-8") == out


def test_export_formats(runner: CliRunner) -> None:
    code, page, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--format", "html")
    assert code == 0
    root = ET.fromstring(page.split("\n", 1)[1])
    assert len(root.findall(".//div[@class='csl-entry']")) == 12
    code, md, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--format", "markdown",
                         "--style", "chicago-author-date")
    assert code == 0 and md.startswith("# Bibliography\n\n")
    assert "Schurmann, Franz. 1966. *Ideology and Organization in Communist China*." in md


def test_export_one_school_and_by_school(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--school", "ideology")
    assert code == 0
    assert [line.split(",")[0] for line in out.strip().split("\n\n")[1:]] == [
        "Meisner", "Schurmann", "Zagoria"]
    code, out, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--by-school")
    assert code == 0
    assert out.index("Ideological conflict") < out.index("Kinmen crisis") < out.index(
        "Mao's perceptions")


@pytest.mark.parametrize(("args", "message"), [
    (["--style", "chicago-fullnote-bibliography"], "chicago-notes-bibliography, "),
    (["--school", "maoism"], "ideology, kinmen, mao-cognition"),
    (["--format", "pdf"], "text, html, markdown"),
    (["--school", "kinmen", "--by-school"], "exclude each other"),
])
def test_export_bad_options(args: list[str], message: str, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    # Through main(), the real boundary: exit 2 and one line on stderr, nothing else.
    code, out, err = run_main(["export", "--bib", str(SAMPLE), *args], monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ") and message in err


def test_export_usage_errors_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("sinosoviet")
    proc = subprocess.run([str(exe), "export", "--bib", str(SAMPLE), "--style", "nope"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unknown style 'nope'")
    assert "Traceback" not in proc.stderr
    proc = subprocess.run([str(exe), "export", "--bib", str(tmp_path / "none.bib")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "none.bib: no such file" in proc.stderr


_SCHOOLED = """
@book{a1958,
  author = {Hinton, Harold C.}, title = {China's Turbulent Quest}, publisher = {Macmillan},
  year = {1970}, keywords = {School:kinmen},
}
@book{b1960,
  author = {Zagoria, Donald S.}, title = {The Sino-Soviet Conflict},
  publisher = {Princeton University Press}, year = {1962}, keywords = {school: kinmen},
}
@book{c1966,
  author = {Schurmann, Franz}, title = {Ideology and Organization}, publisher = {UC Press},
  year = {1966}, keywords = {school:maoism},
}
"""


def test_export_groups_by_schools_model(runner: CliRunner, tmp_path: Path) -> None:
    """export groups as list does (schools.py): `School:kinmen` and `school: kinmen` are
    kinmen (export printed only the heading, and --by-school filed them as Untagged),
    and an unknown id is warned about and gets its own section."""
    bib = tmp_path / "s.bib"
    bib.write_text(_SCHOOLED, encoding="utf-8")
    code, out, err = invoke(runner, "export", "--bib", str(bib), "--school", "kinmen")
    assert code == 0, err
    blocks = out.strip().split("\n\n")
    assert blocks[0].startswith("Kinmen crisis")
    assert [b.split(",")[0] for b in blocks[1:]] == ["Hinton", "Zagoria"]
    assert "unknown school id 'maoism' on 1 entry (c1966)" in " ".join(err.split())
    code, out, err = invoke(runner, "export", "--bib", str(bib), "--by-school")
    assert code == 0, err
    blocks = out.strip().split("\n\n")
    assert blocks[0].startswith("Kinmen crisis") and blocks[3] == "maoism"
    assert [b.split(",")[0] for b in blocks[1:3]] == ["Hinton", "Zagoria"]
    assert blocks[4].startswith("Schurmann") and "Untagged" not in out
    listed = json.loads(invoke(runner, "list", "--bib", str(bib), "--json")[1])
    assert [(g["school"], [w["key"] for w in g["works"]]) for g in listed["groups"]] == [
        ("kinmen", ["b1960", "a1958"]), ("maoism", ["c1966"])]  # by year within a school


_NO_PARTS = ('<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
             'class="note" version="1.0"><info><title>Broken</title></info></style>\n')


@pytest.mark.parametrize(("command", "missing"), [("export", "bibliography"),
                                                  ("notes", "citation")])
def test_a_style_without_the_part_a_command_renders_is_exit_2(
        tmp_path: Path, command: str, missing: str) -> None:
    """A well-formed CSL file without <bibliography> (export) or <citation> (notes) was
    an internal error (exit 70) deep in citeproc-py; it is a usage error naming the file."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("sinosoviet")
    style = tmp_path / "broken.csl"
    style.write_text(_NO_PARTS, encoding="utf-8")
    junk = tmp_path / "junk.csl"
    junk.write_text("not xml {", encoding="utf-8")
    head = [command, str(PAPER)] if command == "notes" else [command]
    proc = subprocess.run([str(exe), *head, "--bib", str(PAPER_BIB if command == "notes"
                                                         else SAMPLE), "--style", str(style)],
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"error: {style}: style broken.csl has no <{missing}> (")
    assert "--style chicago-notes-bibliography" in proc.stderr
    assert proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    proc = subprocess.run([str(exe), *head, "--style", str(junk)], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {junk}: cannot read CSL style")


def test_export_output_file_atomic(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bib.md"
    target.write_text("old", encoding="utf-8")
    code, out, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--format", "markdown",
                          "-o", str(target), "--force")
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8") == (
        GOLDEN / "chicago-notes-bibliography.md").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["bib.md"]  # no temporary left
    code, _, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--style", "nope",
                        "-o", str(target), "--force")
    assert code != 0
    assert target.read_text(encoding="utf-8").startswith("# Bibliography")


def test_export_never_overwrites_without_force(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("sinosoviet")
    target = tmp_path / "bib.txt"
    target.write_text("mine", encoding="utf-8")
    proc = subprocess.run([str(exe), "export", "--bib", str(SAMPLE), "-o", str(target)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith(
        f"error: {target}: already exists (pass --force to overwrite it)")
    assert target.read_text(encoding="utf-8") == "mine"
    fresh = tmp_path / "new.txt"  # a new file needs no --force
    proc = subprocess.run([str(exe), "export", "--bib", str(SAMPLE), "-o", str(fresh)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and fresh.read_text(encoding="utf-8").strip()
    # The input bibliography is refused even with --force.
    bib = tmp_path / "refs.bib"
    bib.write_bytes(SAMPLE.read_bytes())
    proc = subprocess.run([str(exe), "export", "--bib", str(bib), "-o", str(bib), "--force"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "is also an input of this command" in proc.stderr
    assert bib.read_bytes() == SAMPLE.read_bytes()


def test_export_bundled_bibliography(runner: CliRunner) -> None:
    path = bibio.bundled_path()
    if not path.is_file():
        pytest.skip("no bundled references.bib yet")
    works = bibio.load(path).works
    code, out, err = invoke(runner, "export", "--bib", str(path))
    assert code == 0, err
    assert len(out.strip().split("\n\n")) == len(works)
    # Every Chinese name appears whole (names are literal, never split or initialised).
    for w in works:
        for field in ("author", "editor", "translator"):
            for name in re.findall(r"\{([^{}]+)\}", w.get(field)):
                if CJK_RUN.fullmatch(name) and len(name) >= 2:
                    assert name in out, (w.key, name)
                    family, given = name[0], name[1:]
                    for split in (f"{given} {family}", f"{family}, {given}",
                                  f"{given[0]}. {family}"):
                        assert split not in out, (w.key, split)


def test_export_external_bibliographies(runner: CliRunner, external_dir: Path) -> None:
    for bib in sorted(external_dir.glob("*/*.bib")):
        result = runner.invoke(app, ["export", "--bib", str(bib), "--format", "html"])
        assert result.exit_code == 0, (bib, result.exception)
        works = bibio.load(bib, strict=False).works
        assert result.stdout.count('class="csl-entry"') == len(works), bib


# ── notes ────────────────────────────────────────────────────────────────────


def test_notes_positions_on_a_small_paper(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "notes", str(PAPER), "--bib", str(PAPER_BIB),
                            "--style", "chicago-notes-bibliography-subsequent-ibid")
    assert code == 0, err
    lines = out.splitlines()
    assert lines == [
        "1. 周甲, 虛構的同盟 (虛構書店, 1998), 10–12.",
        "2. Ibid., 15.",
        "3. Ibid.",
        "4. 吳乙, “虛構的危機,” in 虛構的冷戰, ed. 鄭丙 (虛構出版社, 2005), 77.",
        "5. 參見 Mary Brown, Invented Quarrel: A Test Case (Nowhere Press, 2003), 9; "
        "另見周甲, 虛構的同盟, 20.",
        "6. 周甲, 虛構的同盟, 21.",
        "7. Brown, Invented Quarrel, 11.",
        "8. Ibid., 12.",
        "9. 吳乙, “虛構的危機,” 80. 此說可商。",  # the full stop ends a sentence
    ]


def test_notes_json_and_chinese_style(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "notes", str(PAPER), "--bib", str(PAPER_BIB), "--json")
    assert code == 0
    data = json.loads(out)
    assert [[c["position"] for c in n["citations"]] for n in data] == [
        ["first"], ["ibid-with-locator"], ["ibid"], ["first"], ["first", "near-note"],
        ["near-note"], ["near-note"], ["ibid-with-locator"], ["near-note"]]
    code, out, _ = invoke(runner, "notes", str(PAPER), "--bib", str(PAPER_BIB),
                          "--style", "zhengda-shicui")
    assert code == 0
    assert out.splitlines()[:3] == ["1. 周甲，《虛構的同盟》（香港：虛構書店，1998），10–12。",
                                    "2. 同上，15。", "3. 同上。"]


def test_notes_keep_citations_of_unknown_works(runner: CliRunner) -> None:
    code, out, err = invoke(runner, "notes", str(PAPER), "--bib", str(SAMPLE))
    assert code == 0
    assert out.splitlines()[0] == "1. 周甲，《虛構的同盟》（香港：虛構書店，1998），10-12。"
    assert "not in" in err


def test_notes_on_the_seed(runner: CliRunner, seed_path: Path) -> None:
    path = bibio.bundled_path()
    if not path.is_file():
        pytest.skip("no bundled references.bib yet")
    code, out, err = invoke(runner, "notes", str(seed_path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [n["n"] for n in data] == list(range(1, 44))
    seen: set[str] = set()
    previous: list[str] = []
    for note in data:
        keys = [c["key"] for c in note["citations"]]
        for i, cite in enumerate(note["citations"]):
            if cite["key"] not in seen:
                assert cite["position"] == "first", note["n"]
            elif cite["position"].startswith("ibid"):
                assert i == 0 and previous == [cite["key"]], note["n"]
            else:
                assert cite["position"] in ("subsequent", "near-note"), note["n"]
                assert not (i == 0 and previous == [cite["key"]]), note["n"]
            seen.add(cite["key"])
        previous = keys
    positions = [c["position"] for n in data for c in n["citations"]]
    assert positions.count("first") == len(seen)
    assert {"ibid", "ibid-with-locator"} & set(positions)
    assert {"subsequent", "near-note"} & set(positions)


# ── the entry cache through the CLI (issue 15) ───────────────────────────────


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
@pytest.mark.parametrize("grouping", [[], ["--by-school"], ["--school", "mao-cognition"]])
def test_export_cache_gives_the_same_bytes(runner: CliRunner, cache_home: Path, fmt: str,
                                           grouping: list[str]) -> None:
    args = ["export", "--format", fmt, *grouping]
    fresh = invoke(runner, *args, "--no-cache")
    packs = cache_home / "sinosoviet" / "packs"
    assert fresh[0] == 0 and not packs.exists()  # --no-cache caches no entry
    cold = invoke(runner, *args)
    assert len(list(packs.glob("*.json"))) == 1  # one file, however many entries
    warm = invoke(runner, *args)
    assert fresh == cold == warm
    assert fresh[1].encode() == warm[1].encode()


def test_warm_export_imports_neither_citeproc_nor_pypinyin(cache_home: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    cmd = [sys.executable, "-X", "importtime", "-m", "sinosoviet_cli", "export",
           "--format", "html"]
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)

    def imported(stderr: str) -> set[str]:
        names = {line.split("|")[-1].strip() for line in stderr.splitlines()
                 if line.startswith("import time:")}
        return {n.split(".")[0] for n in names} & {"citeproc", "pypinyin"}

    assert "citeproc" in imported(cold.stderr)
    assert imported(warm.stderr) == set()
    assert warm.stdout == cold.stdout


def test_html_lang_per_entry(runner: CliRunner) -> None:
    code, page, _ = invoke(runner, "export", "--bib", str(SAMPLE), "--format", "html",
                           "--no-cache")
    assert code == 0
    root = ET.fromstring(page.split("\n", 1)[1])
    langs = {div.get("id"): div.get("lang") for div in root.iter("div")
             if div.get("class") == "csl-entry"}
    assert langs["ref-yang1999zouxiang"] == "zh-Hant"
    assert langs["ref-schurmann1966ideology"] == "en"


def test_notes_segment_each_footnote_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline segments every note once and hands the segments to rendering."""
    from sinosoviet_cli import grammar, pipeline

    calls: list[str] = []
    real = grammar.segment

    def counting(text: str) -> Any:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(grammar, "segment", counting)
    paper = pipeline.read_paper(PAPER)
    rendered, missing = pipeline.paper_notes(paper, bibio.load(PAPER_BIB).works,
                                             style="chicago-notes-bibliography-subsequent-ibid")
    assert [n.n for n in rendered] == [f.n for f in paper.footnotes] and missing == []
    assert sorted(calls) == sorted(f.text for f in paper.footnotes)


def test_csl_json_export_renders_in_pandoc(runner: CliRunner, tmp_path: Path) -> None:
    """Issue 14 §5: the CSL-JSON export of the bundled bib (Chinese names as literals,
    language, citation-key) renders in pandoc's citeproc without a warning."""
    import subprocess

    pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (test extra) absent")
    code, out, err = invoke(runner, "export", "--format", "csl-json")
    assert code == 0, err
    items = json.loads(out)
    assert len(items) == len(bibio.load(bibio.bundled_path()).works)
    yang = next(i for i in items if i["id"] == "yang1999zouxiang")
    assert yang["author"] == [{"literal": "楊奎松"}] and yang["citation-key"] == "yang1999zouxiang"
    assert yang["language"].startswith("zh")
    data = tmp_path / "refs.json"
    data.write_text(out, encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
    from sinosoviet_cli.csl import render

    proc = subprocess.run(
        [pypandoc.get_pandoc_path(), str(doc), "--citeproc", "--bibliography", str(data),
         "--csl", str(render.style_path("chicago-author-date")), "-t", "plain"],
        capture_output=True, text=True, check=True)
    assert proc.stderr == ""
    assert "楊奎松. 1999." in proc.stdout


@pytest.mark.parametrize(("args", "says"), [
    (["export", "--romanize", "--style", "zhengda-shicui"], "--romanize is for English"),
    (["export", "--format", "csl-json", "--style", "no-such-style"], "unknown style"),
    (["export", "--format", "pdf"], "csl-json"),  # the message lists every format
])
def test_export_refuses_what_it_would_ignore_or_garble(
        args: list[str], says: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import run_main

    code, out, err = run_main(args, monkeypatch, capsys)
    assert code == 2 and says in err and not out
