"""The example drafts shipped for new users (examples/): `check` reports exactly their
deliberate mistakes and nothing on the correct notes, in Markdown and in Word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# (footnote or None for body text, rule): the mistakes examples/README.md lists.
PLANTED = {(2, "year-mismatch"), (5, "author-mismatch"), (6, "family-first")}
MARKDOWN_ONLY = {(None, "unknown-key")}


def _findings(draft: Path, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> set[tuple[int | None, str]]:
    code, out, err = run_main(["check", str(draft), "--json"], monkeypatch, capsys)
    assert code == 1, err
    return {(f["footnote"], f["rule"]) for f in json.loads(out)["findings"]
            if f["severity"] != "info"}


@pytest.mark.parametrize(("name", "expected"), [
    ("draft.md", PLANTED | MARKDOWN_ONLY), ("draft.docx", PLANTED)])
def test_check_finds_the_planted_mistakes_and_nothing_else(
        name: str, expected: set[tuple[int | None, str]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _findings(EXAMPLES / name, monkeypatch, capsys) == expected
