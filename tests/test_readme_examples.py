"""Every `sinosoviet …` example in README.md runs as written, from the repository root,
in a fresh working folder: exit 0 (1 for `check`, which exits 1 when it finds
something), no traceback. Examples that name a file of the reader's own (PAPER,
thesis.md, my-debate.toml…) are placeholders and are not run."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_main

# Names standing for the reader's own files in README's examples.
PLACEHOLDERS = {"PAPER", "thesis.md", "thesis.tex", "thesis.docx", "paper.txt",
                "my-debate.toml", "path/to/any.csl", "spellings.toml"}


def readme_examples() -> list[str]:
    """The `sinosoviet` command lines of README's sh blocks, continuations joined and
    comments dropped, in README order (later ones may read what earlier ones wrote)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for command in block.replace("\\\n", " ").splitlines():
            if command.startswith("sinosoviet "):
                lines.append(command)
    return lines


def _argv(command: str) -> tuple[list[str], str | None]:
    """The arguments after `sinosoviet`, and the file a `> FILE` redirect names."""
    words = shlex.split(command, comments=True)[1:]
    if ">" in words:
        at = words.index(">")
        return words[:at], words[at + 1]
    return words, None


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = ROOT.parent / "shared"
    if not (shared / "seed").is_dir():
        pytest.skip(f"{shared}/seed not found (README's examples read the seed paper)")
    top = tmp_path_factory.mktemp("readme")
    repo = top / "repo"
    repo.mkdir()
    (top / "shared").symlink_to(shared)
    for name in ("sinosoviet_cli", "examples"):
        (repo / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "references.bib", repo / "references.bib")
    return repo


def test_readme_has_examples_to_run() -> None:
    runnable = [c for c in readme_examples() if not PLACEHOLDERS & set(_argv(c)[0])]
    assert len(runnable) >= 25, runnable


def test_every_readme_example_runs_as_written(
        sandbox: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(sandbox)
    monkeypatch.setenv("XDG_CACHE_HOME", str(sandbox.parent / "cache"))
    failures = []
    for command in readme_examples():
        args, redirect = _argv(command)
        if PLACEHOLDERS & set(args) or any(a.startswith("KEY:") for a in args):
            continue
        code, out, err = run_main(args, monkeypatch, capsys)
        if redirect:
            (sandbox / redirect).write_text(out, encoding="utf-8")
        allowed = {0, 1} if args[0] == "check" else {0}
        if code not in allowed or "Traceback" in err:
            failures.append(f"{command}\n  exit {code}: {err.strip()[-300:]}")
    assert not failures, "\n".join(failures)
