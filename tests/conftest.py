"""Shared fixtures: the seed paper (skipped where absent), a CLI runner at fixed width."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from sinosoviet_cli.model import Person, Reference

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_6653d7c0def87b6d.txt"
EXTERNAL = ROOT.parent / "shared" / "external"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Property tests run 200 examples each by default (the suite stays quick), from a fixed
# seed so a CI run is reproducible; HYPOTHESIS_EXAMPLES=5000 runs thousands, and
# HYPOTHESIS_RANDOM=1 explores fresh examples (a failure found so is then pinned with
# @example beside the property).
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "200"))
settings.register_profile("sinosoviet", max_examples=EXAMPLES, deadline=None,
                          derandomize=not os.environ.get("HYPOTHESIS_RANDOM"))
settings.load_profile("sinosoviet")


@pytest.fixture
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"seed paper not found at {SEED} (shared/ is not beside this checkout)")
    return SEED


@pytest.fixture
def external_dir() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip(f"external corpus not found at {EXTERNAL}")
    return EXTERNAL


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # Pin rich's width so that table layout in assertions does not depend on the terminal.
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    return CliRunner()


def run_main(args: list[str], monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str], *,
             columns: int | None = None) -> tuple[int, str, str]:
    """Run the CLI through ``cli.main()``, the boundary that turns errors into one line
    and exit 2: (exit code, stdout, stderr)."""
    from sinosoviet_cli.cli import main

    if columns is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setattr(sys, "argv", ["sinosoviet", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def load_eval_parse() -> ModuleType:
    """``benchmarks/eval_parse.py`` (the parser's scorer) as a module, loaded once."""
    if "eval_parse" in sys.modules:
        return sys.modules["eval_parse"]
    spec = importlib.util.spec_from_file_location(
        "eval_parse", ROOT / "benchmarks" / "eval_parse.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def one_citation(text: str) -> Reference:
    """The one citation of a note, read as the pipeline reads it (``grammar.segment``)."""
    from sinosoviet_cli.grammar import segment

    cites = [s for s in segment(text) if s.kind == "citation"]
    assert len(cites) == 1, [(s.kind, s.text) for s in segment(text)]
    ref = cites[0].reference
    assert ref is not None, cites[0].problem
    return ref


def person_name(p: Person) -> str:
    """A parsed person as the grammar tests write one: literal, else "Family, Given"."""
    return p.literal or (f"{p.family}, {p.given}" if p.given else p.family)
