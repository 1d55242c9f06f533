"""``list`` into a file or pipe writes its table as plain lines instead of rendering it
through rich (most of its run time after start-up): the lines must be exactly rich's."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from rich.console import Console

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import list as list_cli
from sinosoviet_cli.cli._common import work_row
from sinosoviet_cli.schools import tagging as schools

_ALPHABET = "abcdefghij XYZ中蘇關係史綱毛澤東éü—–·・（）《》…-.,:'0123456789"


def _through_rich(rows: list[dict[str, Any]], width: int) -> str:
    layout = list_cli._layout(rows, width)
    assert layout is not None
    console = Console(file=io.StringIO(), width=width, highlight=False, soft_wrap=False,
                      force_terminal=False, color_system=None)
    with console.capture() as captured:
        console.print(list_cli._list_table(rows, layout))
    text = captured.get()
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return "".join(line.rstrip() + "\n" for line in lines)


def _random_rows(rng: random.Random) -> list[dict[str, Any]]:
    def text(most: int) -> str:
        return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, most))).strip()

    return [{"key": text(20) or "k", "author": text(25), "short_title": text(60),
             "year": rng.choice(["", "1999", "19", 1962, None])}
            for _ in range(rng.randint(1, 8))]


def test_plain_table_is_what_rich_prints() -> None:
    lib = bibio.load(bibio.bundled_path())
    index = schools.by_key(lib.works)
    bundled = [work_row(w, index) for w in lib.works]
    rng = random.Random(1958)
    compared = 0
    for trial in range(600):
        rows = bundled if trial < 60 else _random_rows(rng)
        width = rng.randint(20, 140)
        layout = list_cli._layout(rows, width)
        plain = None if layout is None else list_cli._plain_table(rows, layout)
        if plain is None:
            continue
        compared += 1
        assert plain == _through_rich(rows, width), (width, rows)
    assert compared > 400  # CJK and Latin, cut with an ellipsis or whole, with and without author


@pytest.mark.parametrize("cell", ["a\tb", "x\ny", "e\u0301", "\x1b[31m"])
def test_cells_rich_measures_itself_go_through_rich(cell: str) -> None:
    rows = [{"key": "k2000x", "author": cell, "short_title": "T", "year": "2000"}]
    layout = list_cli._layout(rows, 80)
    assert layout is not None
    assert list_cli._plain_table(rows, layout) is None
