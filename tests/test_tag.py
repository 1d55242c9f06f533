"""Tagging by hand (``sinosoviet tag``): only the keywords and evidence lines of the
named entries change, on our own bibliography and on others' (shared/external), and a
regenerating ``parse --force`` keeps hand-set schools unless ``--retag``."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from conftest import EXTERNAL, ROOT, run_main
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import app
from sinosoviet_cli.schools import tagging as schools

EXTERNAL_BIBS = ("gbt7714-bibtex-style/gbt7714-examples.bib",
                 "quarto-cn-tools/bibliography.bib", "thuthesis/refs.bib")
_OURS = ("keywords", "schoolevidence")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def changed_lines(before: str, after: str) -> list[str]:
    """The lines a diff shows as removed or added (no junk heuristic: a .bib has many
    identical ``}`` lines)."""
    a, b = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [line for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"
            for line in (*a[i1:i2], *b[j1:j2])]


def round_trip(runner: CliRunner, path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    works = bibio.load(path, strict=False).works
    keys = [w.key for w in works[:2]] + [works[-1].key]
    result = runner.invoke(app, ["tag", *keys, "--school", "Kinmen crisis",
                                 "--reason", "reviewed {by hand}; fn 3", "--bib", str(path)])
    assert result.exit_code == 0, result.output
    tagged = path.read_text(encoding="utf-8")
    lines = changed_lines(original, tagged)
    assert lines and all(line.strip().lower().startswith(_OURS) for line in lines), lines
    reread = {w.key: w for w in bibio.load(path, strict=False).works}
    for w in works:
        new = reread[w.key]
        assert {k: v for k, v in new.fields.items() if k not in _OURS} == {
            k: v for k, v in w.fields.items() if k not in _OURS}, w.key
        if w.key in keys:
            assert schools.school_of(new) == "kinmen"
            evidence = schools.parse_evidence(new.get("schoolevidence"))
            assert evidence is not None and evidence.rule == "manual"
            assert evidence.reason == "reviewed (by hand), fn 3"
        else:
            assert new.fields == w.fields
    result = runner.invoke(app, ["tag", *keys, "--clear", "--bib", str(path)])
    assert result.exit_code == 0, result.output
    lines = changed_lines(original, path.read_text(encoding="utf-8"))
    assert all(line.strip().lower().startswith(_OURS) for line in lines), lines


def test_tag_round_trips_on_the_bundled_bib(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    shutil.copy(ROOT / "references.bib", path)
    round_trip(runner, path)


@pytest.mark.parametrize("name", EXTERNAL_BIBS)
def test_tag_round_trips_on_external_bibliographies(runner: CliRunner, tmp_path: Path,
                                                    name: str) -> None:
    source = EXTERNAL / name
    if not source.is_file():
        pytest.skip(f"{source} not found (shared/external is not beside this checkout)")
    path = tmp_path / source.name
    shutil.copy(source, path)  # read from shared/, edited in a temporary copy
    round_trip(runner, path)


def test_tag_takes_a_school_by_name_in_any_case_and_says_what_it_was(
        runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    shutil.copy(ROOT / "references.bib", path)
    result = runner.invoke(app, ["tag", "YANG1999ZOUXIANG", "--school", "金門事件分歧說",
                                 "--bib", str(path)])
    assert result.exit_code == 0, result.output
    work = {w.key: w for w in bibio.load(path).works}["yang1999zouxiang"]
    assert schools.school_of(work) == "kinmen"
    assert work.get("schoolevidence").startswith("rule: manual; was: mao-cognition (")


@pytest.mark.parametrize("args, message", [
    (["yang1999zouxiang", "--school", "nope"], "unknown school 'nope'"),
    (["yang1999zouxiang"], "give either --school ID or --clear"),
    (["yang1999zouxiang", "--school", "kinmen", "--clear"], "give either"),
    (["yang1999zouxing", "--school", "kinmen"], "did you mean: yang1999zouxiang"),
])
def test_bad_tag_is_exit_2_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    path = tmp_path / "references.bib"
    shutil.copy(ROOT / "references.bib", path)
    before = path.read_bytes()
    code, out, err = run_main(["tag", *args, "--bib", str(path)], monkeypatch, capsys)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert out == ""
    assert path.read_bytes() == before


def test_parse_force_keeps_a_hand_set_school_unless_retag(runner: CliRunner, tmp_path: Path,
                                                          seed_path: Path) -> None:
    out = tmp_path / "refs.bib"
    assert runner.invoke(app, ["parse", str(seed_path), "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["tag", "yang1999zouxiang", "--school", "ideology",
                                 "--reason", "a test", "--bib", str(out)])
    assert result.exit_code == 0, result.output

    def school() -> str | None:
        return schools.school_of({w.key: w for w in bibio.load(out).works}["yang1999zouxiang"])

    assert runner.invoke(app, ["parse", str(seed_path), "-o", str(out), "--force"]
                         ).exit_code == 0
    assert school() == "ideology"
    assert runner.invoke(app, ["parse", str(seed_path), "-o", str(out), "--force", "--retag"]
                         ).exit_code == 0
    assert school() == "mao-cognition"


def test_tag_and_romanize_write_a_checkouts_own_references_bib(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a checkout (editable install) the bundled copy IS ./references.bib: run from
    the repository root as README says, `tag` and `romanize --approve` write it."""
    path = tmp_path / "references.bib"
    shutil.copy(ROOT / "references.bib", path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(bibio, "bundled_path", lambda: path)
    result = runner.invoke(app, ["tag", "yang1999zouxiang", "--school", "kinmen"])
    assert result.exit_code == 0, result.output
    tagged = {w.key: w for w in bibio.load(path).works}
    assert schools.school_of(tagged["yang1999zouxiang"]) == "kinmen"
    result = runner.invoke(app, ["romanize", "--approve", "yang1999zouxiang"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "references.romanized.toml").is_file()


def test_tag_refuses_the_bundled_copy_when_no_file_is_the_users(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no ./references.bib, no --bib: the bundled copy
    code, _, stderr = run_main(["tag", "yang1999zouxiang", "--school", "kinmen"],
                               monkeypatch, capsys)
    assert code == 2 and "read-only" in stderr
    code, _, stderr = run_main(["romanize", "--approve", "yang1999zouxiang"],
                               monkeypatch, capsys)
    assert code == 2 and "read-only" in stderr
