"""`list`, `show` and `schools` through the CLI: a small tagged bib, the external
bibliographies (no school keywords, odd types), errors with exit 2, width 80."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_main
from rich.cells import cell_len
from typer.testing import CliRunner

from sinosoviet_cli.cli import app

TAGGED = FIXTURES / "schools" / "tagged.bib"
IDS = ["ideology", "kinmen", "mao-cognition", "primary", "theory", "context"]

def widest(text: str) -> int:
    return max((cell_len(line.rstrip()) for line in text.splitlines()), default=0)


def at_width(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """Terminal width ``columns``: rich reads COLUMNS once, when the console is made
    (the first command of the test session), so the console is told as well."""
    from sinosoviet_cli import cli

    monkeypatch.setenv("COLUMNS", str(columns))
    console = cli.out._real()  # type: ignore[attr-defined]  # the Console behind the proxy
    monkeypatch.setattr(console, "width", columns)


# ── list ─────────────────────────────────────────────────────────────────────


def test_list_groups_by_school_in_model_order(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--bib", str(TAGGED)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    headings = [line for line in lines if ("work" in line and "  " in line and "[" in line)
                or line.startswith(("revisionism", "untagged"))]
    assert [h.split("  ")[0] for h in headings] == [
        "意識型態衝突論 · Ideological conflict", "金門事件分歧說 · Kinmen crisis",
        "毛澤東認知論 · Mao's perceptions", "一手史料 · Primary sources", "理論 · IR theory",
        "背景 · Context", "revisionism", "untagged"]
    row = next(line for line in lines if line.startswith("chen2006geming"))
    assert row.split() == ["chen2006geming", "陳兼", "革命與危機的年代", "2006"]  # volume's year
    assert "[Draft] The Sino-Soviet Split" in result.stdout  # brackets survive rich
    assert "unknown school id 'revisionism'" in result.stderr
    assert widest(result.stdout) <= 80


def test_list_json_and_filters(runner: CliRunner) -> None:
    def keys(*args: str) -> dict[str, list[str]]:
        result = runner.invoke(app, ["list", "--bib", str(TAGGED), "--json", *args])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return {g["school"]: [w["key"] for w in g["works"]] for g in data["groups"]}

    everything = keys()
    assert list(everything) == [*IDS, "revisionism", "untagged"]
    # within a school: by year, then author (chapters dated by their volume)
    assert everything["mao-cognition"] == ["yang1999zouxiang", "chen2006geming",
                                           "niu2006zhongguo", "yang2006lengzhan"]
    assert keys("--school", "kinmen") == {"kinmen": ["hinton1971chinese"]}
    assert keys("--school", "untagged") == {"untagged": ["whiting2006"]}
    assert keys("--type", "incollection") == {"mao-cognition": ["chen2006geming",
                                                                "niu2006zhongguo"]}
    english = keys("--lang", "en")
    assert sorted(k for ks in english.values() for k in ks) == [
        "gaddis1997we", "hinton1971chinese", "schurmann1966ideology", "whiting2006",
        "zagoria1962sino"]
    assert "yang1999zouxiang" in keys("--lang", "zh")["mao-cognition"]


def test_list_row_fields(runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--bib", str(TAGGED), "--json", "--school", "ideology"])
    row = json.loads(result.stdout)["groups"][0]["works"][0]
    assert row == {"key": "zagoria1962sino", "type": "book", "author": "Zagoria",
                   "title": "The Sino-Soviet Conflict 1956-1961",
                   "short_title": "The Sino-Soviet Conflict 1956-1961", "year": 1962, "lang": "en",
                   "school": "ideology"}


def test_unknown_school_option_exits_2_listing_valid_ids(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["list", "--bib", str(TAGGED), "--school", "maoism"],
                              monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert "unknown school 'maoism'" in err
    assert "ideology, kinmen, mao-cognition, primary, theory, context, untagged" in err


def test_unknown_entry_type_exits_2_listing_the_types_present(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["list", "--bib", str(TAGGED), "--type", "bogus"], monkeypatch,
                              capsys)
    assert code == 2
    assert out == ""
    assert "no entries of type 'bogus'" in err
    assert "types in it: article, book, collection, incollection, misc" in err
    code, out, _ = run_main(["list", "--bib", str(TAGGED), "--type", "Article", "--json"],
                            monkeypatch, capsys)
    assert code == 0 and "li2007zhongsu" in out


def bundled() -> Path:
    from sinosoviet_cli.bibtex import bibio

    path = bibio.bundled_path()
    if "@" not in path.read_text(encoding="utf-8"):
        pytest.skip("the bundled references.bib is not generated yet")
    return path


@pytest.mark.parametrize("columns", [80, 60, 40, 30, 20])
def test_list_never_cuts_keys_or_years(columns: int, runner: CliRunner,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from sinosoviet_cli.bibtex import bibio

    at_width(monkeypatch, columns)
    for bib in (bundled(), TAGGED):
        result = runner.invoke(app, ["list", "--bib", str(bib)])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        rows = {w["key"]: w for g in json.loads(runner.invoke(
            app, ["list", "--bib", str(bib), "--json"]).stdout)["groups"] for w in g["works"]}
        for work in bibio.load(bib).works:
            line = next((line for line in lines if line.split(" ")[0] == work.key), None)
            assert line is not None, (columns, work.key, result.stdout)
            if rows[work.key]["year"]:
                assert str(rows[work.key]["year"]) in line.split(), (columns, line)
        if columns >= 40:  # a table that fits, the title (then the author) shortened
            assert widest(result.stdout) <= columns
    if columns == 40:
        assert "key                       title" in result.stdout or "author" in result.stdout


def test_unknown_language_exits_2(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(["list", "--bib", str(TAGGED), "--lang", "ru"], monkeypatch, capsys)
    assert code == 2
    assert "--lang zh or --lang en" in err


# ── show ─────────────────────────────────────────────────────────────────────


def test_show_chapter_with_evidence_and_volume(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "CHEN2006geming", "--bib", str(TAGGED)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "chen2006geming  @incollection" in out
    assert "school: 毛澤東認知論 · Mao's perceptions  [mao-cognition]" in out
    assert "kinmen (negated)" in out
    assert "cited in footnotes: 30" in out
    assert "in volume: yang2006lengzhan — 冷戰時期的中國對外關係" in out
    assert widest(out) <= 80


def test_show_volume_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "yang2006lengzhan", "--bib", str(TAGGED), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["school"]["id"] == "mao-cognition" and data["school"]["known"]
    assert data["school"]["evidence"] == {
        "rule": "inherited", "footnotes": [30, 35, 36],
        "from": ["chen2006geming", "niu2006zhongguo"]}
    assert [c["key"] for c in data["children"]] == ["chen2006geming", "niu2006zhongguo"]
    assert data["parent"] is None
    assert data["fields"]["publisher"] == "北京大學出版社"


def test_show_volume_cited_through_its_chapters(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "yang2006lengzhan", "--bib", str(TAGGED)])
    assert result.exit_code == 0, result.output
    assert "cited in footnotes: via chapters: 30, 35, 36\n" in result.stdout
    assert "chapter: niu2006zhongguo — 中國外交的革命化進程 (footnotes 35, 36)" in result.stdout
    data = json.loads(runner.invoke(app, ["show", "yang2006lengzhan", "--bib", str(TAGGED),
                                          "--json"]).stdout)
    assert data["footnotes"] == [] and data["chapter_footnotes"] == [30, 35, 36]
    chapter = runner.invoke(app, ["show", "chen2006geming", "--bib", str(TAGGED)])
    assert "cited in footnotes: 30\n" in chapter.stdout  # a chapter has its own notes only


def test_show_unknown_school_id_is_reported(runner: CliRunner) -> None:
    result = runner.invoke(app, ["show", "gaddis1997we", "--bib", str(TAGGED), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["school"] == {
        "id": "revisionism", "known": False, "name_zh": None, "name_en": None, "evidence": {}}
    assert "unknown school id 'revisionism'" in result.stderr


def test_show_unknown_key_exits_2_with_close_matches(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(["show", "chen2006gemin", "--bib", str(TAGGED)], monkeypatch,
                              capsys)
    assert code == 2
    assert out == ""
    assert "no entry 'chen2006gemin'" in err
    assert "did you mean: chen2006geming" in err


def test_show_with_the_paper_recomputes_evidence_with_its_sentence(
        runner: CliRunner, seed_path: Path) -> None:
    pytest.importorskip("sinosoviet_cli.paper.footnotes")
    # The seed's sections and reviewed overrides are its own: named, never implied.
    data = Path(__file__).resolve().parent.parent / "sinosoviet_cli" / "data"
    result = runner.invoke(app, ["show", "chen2006geming", "--bib", str(TAGGED), "--paper",
                                 str(seed_path), "--json", "--schools",
                                 str(data / "models" / "wang-2008-zhengda.toml")])
    assert result.exit_code == 0, result.output
    evidence = json.loads(result.stdout)["school"]["evidence"]
    assert evidence["school"] == "mao-cognition"
    assert evidence["rule"] == "proponent"
    assert "kinmen (negated)" in evidence["others"]
    assert "陳兼" in evidence["sentence"]


# ── schools ──────────────────────────────────────────────────────────────────

#: The seed paper's own model (its sections): named, never implied.
SEED_MODEL = "wang-2008-zhengda"


def test_schools_describes_each_school_and_charts_decades(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schools", "--bib", str(TAGGED), "--schools", SEED_MODEL])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in ("意識型態衝突論 · Ideological conflict", "section 三 of the paper",
                 "proponents: Donald Zagoria, Franz Schurmann", "proponents: 楊奎松, 陳兼, 牛軍",
                 "authors: 李越然", "works: zagoria1962sino, schurmann1966ideology\n",
                 "Works by decade of publication"):
        assert text in out, text
    chart = out[out.index("Works by decade"):].splitlines()
    assert chart[1].split() == ["1960s", "1970s", "1980s", "1990s", "2000s"]
    ideology = next(line for line in chart if line.startswith("ideology")).split()
    assert ideology == ["ideology", "█2", "·", "·", "·", "·"]
    assert widest(out) <= 80


def test_schools_json(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schools", "--bib", str(TAGGED), "--json",
                                 "--schools", SEED_MODEL])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)["schools"]}
    assert list(rows) == [*IDS, "revisionism", "untagged"]
    assert rows["ideology"]["decades"] == {"1960": 2}
    # the two chapters dated by their volume (2006), which is counted through them
    assert rows["mao-cognition"]["decades"] == {"1990": 1, "2000": 2}
    assert rows["mao-cognition"]["counted_via_chapters"] == ["yang2006lengzhan"]
    assert rows["mao-cognition"]["undated"] == []
    assert rows["kinmen"]["section"] == "三"
    assert rows["kinmen"]["description_en"].startswith("Domestic radicalism")
    assert rows["untagged"]["works"] == ["whiting2006"]
    assert rows["untagged"]["name_zh"] is None


def test_schools_wraps_descriptions_without_line_initial_punctuation(
        runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    for columns in range(40, 81):
        at_width(monkeypatch, columns)
        result = runner.invoke(app, ["schools", "--bib", str(TAGGED)])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert not [line for line in lines if line[:1] in set("。，、；：）」』》")], columns
        assert widest(result.stdout) <= columns


def test_schools_chart_accounts_for_every_work(runner: CliRunner) -> None:
    """Bundled bib: chapters are charted by their volume's year (the reviewer found the
    chapters of mao-cognition missing); each work is charted, counted via its chapters,
    or undated."""
    result = runner.invoke(app, ["schools", "--bib", str(bundled()), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)["schools"]}
    for row in rows.values():
        assert len(row["works"]) == (sum(row["decades"].values())
                                     + len(row["counted_via_chapters"]) + len(row["undated"]))
    assert all(not row["undated"] for row in rows.values())  # every seed work has a year
    charted = {school: sum(rows[school]["decades"].values()) for school in IDS}
    via = {school: len(rows[school]["counted_via_chapters"]) for school in IDS}
    assert {s: charted[s] + via[s] for s in IDS} == {s: len(rows[s]["works"]) for s in IDS}
    assert via["mao-cognition"] >= 1 and via["kinmen"] >= 1


@pytest.mark.parametrize("command", [["list"], ["schools"], ["show", "yang2006lengzhan"]])
def test_piped_output_has_no_trailing_spaces(command: list[str], runner: CliRunner) -> None:
    result = runner.invoke(app, [*command, "--bib", str(TAGGED)])
    assert result.exit_code == 0, result.output
    padded = [line for line in result.stdout.splitlines() if line != line.rstrip()]
    assert not padded, padded[:3]


def test_footnotes_piped_has_no_trailing_spaces(runner: CliRunner, seed_path: Path) -> None:
    pytest.importorskip("sinosoviet_cli.paper.footnotes")
    result = runner.invoke(app, ["footnotes", str(seed_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) > 43
    assert not [line for line in lines if line != line.rstrip()]
    assert any(line.lstrip().startswith("43 ") for line in lines)


def test_footnotes_of_a_file_without_notes_says_so(runner: CliRunner, tmp_path: Path) -> None:
    """Text that is not a paper is an input error, as for parse (main() makes it exit 2;
    tests/test_footnotes.py checks the one-line message through main)."""
    from sinosoviet_cli.errors import InputError

    pytest.importorskip("sinosoviet_cli.paper.footnotes")
    text = tmp_path / "essay.txt"
    text.write_text("這是一篇沒有註腳的短文。\nNo notes here.\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        result = runner.invoke(app, ["footnotes", str(text), *extra])
        assert isinstance(result.exception, InputError)
        assert result.exception.message == "no footnotes found"
        assert result.stdout == ""


@pytest.mark.parametrize(("command", "metavar"), [
    ("footnotes", "PAPER"), ("parse", "PAPER"), ("notes", "PAPER"), ("show", "KEY"),
    ("check", "DRAFT")])
def test_usage_lines_name_arguments_in_capitals(command: str, metavar: str,
                                                runner: CliRunner) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    usage = next(line for line in result.stdout.splitlines() if line.startswith("Usage:"))
    # The metavar, not the parameter's name, and unbraced (issue 16 #8: Typer's {PAPER})
    assert usage.endswith(f" {metavar}"), usage
    assert "{" not in usage and metavar.lower() not in usage


# ── the external bibliographies: no keywords, odd types ──────────────────────


@pytest.mark.parametrize("command", ["list", "schools"])
def test_external_bibliographies_go_under_untagged(
        command: str, runner: CliRunner, external_dir: Path) -> None:
    for bib in sorted(external_dir.glob("*/*.bib")):
        result = runner.invoke(app, [command, "--bib", str(bib), "--json"])
        assert result.exit_code == 0, (bib, result.output)
        data = json.loads(result.stdout)
        if command == "list":
            assert [g["school"] for g in data["groups"]] == ["untagged"]
        else:
            untagged = next(r for r in data["schools"] if r["id"] == "untagged")
            assert untagged["works"]
        human = runner.invoke(app, [command, "--bib", str(bib)])
        assert human.exit_code == 0, (bib, human.output)
        assert widest(human.stdout) <= 80, bib


def test_show_every_external_entry_without_traceback(runner: CliRunner,
                                                     external_dir: Path) -> None:
    from sinosoviet_cli.bibtex import bibio

    for bib in sorted(external_dir.glob("*/*.bib")):
        for work in bibio.load(bib).works[:40]:
            result = runner.invoke(app, ["show", work.key, "--bib", str(bib), "--json"])
            assert result.exit_code == 0, (bib, work.key, result.output)
            assert json.loads(result.stdout)["key"] == work.key


def test_bundled_bibliography_is_listed_by_school(runner: CliRunner, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sinosoviet_cli.bibtex import bibio

    if "@" not in bibio.bundled_path().read_text(encoding="utf-8"):
        pytest.skip("the bundled references.bib is not generated yet")
    monkeypatch.chdir(tmp_path)  # no ./references.bib here: the bundled copy is used
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    groups = [g["school"] for g in json.loads(result.stdout)["groups"]]
    assert groups == IDS  # every entry tagged, every school and role present
    assert result.stderr == ""



def test_list_titles_latex_ranges_and_shorttitle(tmp_path: Path, runner: CliRunner) -> None:
    """Issue 16 #2, #3, #8: LaTeX decoded as export decodes it; a range (1800--1949) is
    no subtitle; `shorttitle` wins; JSON gives the full and the short title; (eds.)."""
    bib = tmp_path / "t.bib"
    bib.write_text(
        "@book{hsu1970rise,\n  author = {Hs\\\"u, Immanuel C. Y.},\n"
        "  title = {Sino-Russian Relations, 1800--1949},\n  year = {1970},\n}\n"
        "@book{a1980x,\n  author = {L\\\"uthi, Lorenz},\n"
        "  title = {1949--1979 \\emph{Sino}: A Study},\n  shorttitle = {Short One},\n"
        "  year = {1980},\n}\n"
        "@collection{b1994c,\n  editor = {Robinson, Thomas and Shambaugh, David},\n"
        "  title = {Chinese Foreign Policy:\\quad Theory and Practice},\n  year = {1994},\n}\n",
        encoding="utf-8")
    result = runner.invoke(app, ["list", "--bib", str(bib), "--json"])
    assert result.exit_code == 0, result.output
    rows = {w["key"]: w for g in json.loads(result.stdout)["groups"] for w in g["works"]}
    assert rows["hsu1970rise"]["author"] == "Hsü"
    assert rows["hsu1970rise"]["short_title"] == "Sino-Russian Relations, 1800–1949"
    assert rows["a1980x"]["author"] == "Lüthi"
    assert (rows["a1980x"]["title"], rows["a1980x"]["short_title"]) == (
        "1949–1979 Sino: A Study", "Short One")
    assert rows["b1994c"]["author"] == "Robinson & Shambaugh (eds.)"
    assert "\\quad" not in rows["b1994c"]["title"]
    assert rows["b1994c"]["short_title"] == "Chinese Foreign Policy"
