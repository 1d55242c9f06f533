"""The unseen draft (issue 6, "Done when", second bullet): an independent measurement.

``fixtures/unseen_draft/`` holds a thesis-chapter draft written apart from the checker
(invented prose; hand-typed Taiwanese, mainland Simplified and Chicago citations of the
works in the bundled ``references.bib``) with eight planted citation errors among 32
notes, as Markdown and LaTeX; the Word version is built here from the Markdown with real
footnotes. ``expected.toml`` is the answer key. For each format, ``sinosoviet check``
must report at least 7 in 8 planted errors (right rule at the right footnote) and no
finding of severity "error" on a clean note. Findings of lower severity on clean notes
are printed, not failed (run with ``-s`` to see the figures).
"""

from __future__ import annotations

import json
import re
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sinosoviet_cli.cli import app
from tests.conftest import FIXTURES, ROOT
from tests.docx_builder import W, build_docx

UNSEEN = FIXTURES / "unseen_draft"
BIB = ROOT / "references.bib"
KEY: dict[str, Any] = tomllib.loads((UNSEEN / "expected.toml").read_text(encoding="utf-8"))
PLANTED: set[tuple[int, str]] = {(p["footnote"], p["rule"]) for p in KEY["planted"]}
CLEAN: set[int] = set(KEY["clean"])
RECALL_MIN = Fraction(7, 8)

_NOTE_DEF = re.compile(r"^\[\^(\d+)\]: (.*)$", re.M)
_MARKER = re.compile(r" ?\[\^(\d+)\]")

Finding = dict[str, Any]


# ── the draft in each format ────────────────────────────────────────────────


def markdown_notes() -> dict[int, str]:
    text = (UNSEEN / "draft.md").read_text(encoding="utf-8")
    return {int(n): body for n, body in _NOTE_DEF.findall(text)}


def markdown_body() -> list[tuple[str, list[int]]]:
    """Body text cut after each marker: (text up to the marker, [its footnote])."""
    text = _NOTE_DEF.sub("", (UNSEEN / "draft.md").read_text(encoding="utf-8"))
    chunks: list[tuple[str, list[int]]] = []
    for block in text.split("\n\n"):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            chunks.append((block.lstrip("# "), []))
            continue
        start = 0
        for m in _MARKER.finditer(block):
            chunks.append((block[start:m.start()].strip(), [int(m.group(1))]))
            start = m.end()
        if block[start:].strip():
            chunks.append((block[start:].strip(), []))
    return chunks


def latex_notes() -> list[str]:
    """The \\footnote{…} bodies of draft.tex in order (braces balanced)."""
    text = (UNSEEN / "draft.tex").read_text(encoding="utf-8")
    notes: list[str] = []
    for m in re.finditer(r"\\footnote\{", text):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        notes.append(text[m.end():i - 1])
    return notes


def build_word_draft(path: Path) -> Path:
    # Word holds plain runs: the Markdown emphasis marks are not typed in a .docx.
    notes: dict[int, Sequence[str]] = {
        n: [t.replace("*", "")] for n, t in markdown_notes().items()}
    return build_docx(path, markdown_body(), notes)


def draft_path(fmt: str, tmp_path: Path) -> Path:
    if fmt == "docx":
        return build_word_draft(tmp_path / "draft.docx")
    return UNSEEN / f"draft.{fmt}"


# ── scoring ─────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Score:
    hits: frozenset[tuple[int, str]]
    misses: frozenset[tuple[int, str]]
    clean_errors: tuple[Finding, ...]
    clean_other: tuple[Finding, ...]

    @property
    def recall(self) -> Fraction:
        return Fraction(len(self.hits), len(self.hits) + len(self.misses))

    def report(self, fmt: str, found: Sequence[Finding]) -> str:
        lines = [f"[{fmt}] recall {len(self.hits)}/{len(self.hits) + len(self.misses)}; "
                 f"errors on clean notes: {len(self.clean_errors)}; "
                 f"other findings on clean notes: {len(self.clean_other)}"]
        for fn, rule in sorted(self.misses):
            got = [f"{f['rule']}: {f['message']}" for f in found if f["footnote"] == fn]
            lines.append(f"  miss fn {fn} {rule}; reported there: {got or 'nothing'}")
        for f in (*self.clean_errors, *self.clean_other):
            lines.append(f"  clean fn {f['footnote']} {f['severity']} {f['rule']}: "
                         f"{f['message']}")
        return "\n".join(lines)


def score(found: Sequence[Finding], planted: set[tuple[int, str]],
          clean: set[int]) -> Score:
    reported = {(f["footnote"], f["rule"]) for f in found}
    on_clean = [f for f in found if f["footnote"] in clean]
    return Score(
        hits=frozenset(planted & reported),
        misses=frozenset(planted - reported),
        clean_errors=tuple(f for f in on_clean if f["severity"] == "error"),
        clean_other=tuple(f for f in on_clean if f["severity"] != "error"),
    )


def run_check(runner: CliRunner, path: Path) -> list[Finding]:
    result = runner.invoke(app, ["check", str(path), "--bib", str(BIB), "--json"])
    assert result.exit_code in (0, 1), result.output
    found: list[Finding] = json.loads(result.stdout)["findings"]
    return found


# ── tests ───────────────────────────────────────────────────────────────────


def test_answer_key_covers_every_note_once() -> None:
    numbers = [p["footnote"] for p in KEY["planted"]] + KEY["clean"]
    assert sorted(numbers) == list(range(1, KEY["notes"] + 1))
    assert len(PLANTED) == 8 and len({rule for _, rule in PLANTED}) == 8
    assert (UNSEEN / KEY["bib"]).resolve() == BIB.resolve()


def test_the_formats_hold_the_same_notes(tmp_path: Path) -> None:
    md = markdown_notes()
    assert sorted(md) == list(range(1, KEY["notes"] + 1))
    assert [n for _, ids in markdown_body() for n in ids] == sorted(md)

    def plain(note: str) -> str:  # LaTeX markup back to what the Markdown says
        note = re.sub(r"\\textit\{([^{}]*)\}", r"*\1*", note)
        return note.replace("``", '"').replace("''", '"').replace("--", "-")

    assert [plain(t) for t in latex_notes()] == [md[n] for n in sorted(md)]
    with zipfile.ZipFile(build_word_draft(tmp_path / "d.docx")) as z:
        body, notes = z.read("word/document.xml"), z.read("word/footnotes.xml")
    refs = [int(r.get(f"{{{W}}}id", ""))
            for r in ET.fromstring(body).iter(f"{{{W}}}footnoteReference")]
    assert refs == sorted(md)
    word = {int(f.get(f"{{{W}}}id", "")): "".join(t.text or "" for t in f.iter(f"{{{W}}}t"))
            for f in ET.fromstring(notes) if f.get(f"{{{W}}}type") is None}
    assert word == {n: t.replace("*", "") for n, t in md.items()}


def test_scorer_counts_only_the_right_rule_at_the_right_note() -> None:
    found: list[Finding] = [
        {"footnote": 4, "rule": "year-mismatch", "severity": "error", "message": "m"},
        {"footnote": 5, "rule": "author-mismatch", "severity": "error", "message": "m"},
        {"footnote": 6, "rule": "title-mismatch", "severity": "error", "message": "m"},
        {"footnote": 7, "rule": "should-be-ibid", "severity": "info", "message": "m"},
    ]
    s = score(found, {(4, "year-mismatch"), (6, "short-before-full")}, {5, 7})
    assert s.recall == Fraction(1, 2)
    assert s.misses == {(6, "short-before-full")}
    assert [f["footnote"] for f in s.clean_errors] == [5]
    assert [f["footnote"] for f in s.clean_other] == [7]


@pytest.mark.parametrize("fmt", ["md", "tex", "docx"])
def test_unseen_draft_recall_and_clean_notes(runner: CliRunner, tmp_path: Path,
                                             fmt: str) -> None:
    found = run_check(runner, draft_path(fmt, tmp_path))
    s = score(found, PLANTED, CLEAN)
    report = s.report(fmt, found)
    print(report)
    assert s.recall >= RECALL_MIN, report
    assert not s.clean_errors, report
