"""``sinosoviet footnotes PAPER``: the footnotes as extracted, for checking the reader."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sinosoviet_cli.cli._common import (
    JsonOpt,
    PaperArg,
    emit,
    input_name,
    out,
    print_json,
    warn_all,
)

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text
else:
    from sinosoviet_cli._lazy import LazyClass

    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")


FullOpt = Annotated[bool, typer.Option("--full", help="Show each note's whole text, wrapped "
                                      "(default: one line per note, cut to the terminal).")]


def footnotes(paper: PaperArg, as_json: JsonOpt = False, full: FullOpt = False) -> None:
    """List the paper's footnotes: number, page, section and text."""
    from sinosoviet_cli.grammar.emphasis import strip_marks
    from sinosoviet_cli.pipeline import read_paper

    result = read_paper(paper)
    # Problems go to stderr in both modes: with --json they were dropped silently.
    warn_all([f"{paper}:{p.line}: {p.reason}: {p.text[:60]}" for p in result.problems])
    # A note as a reader reads it: a Markdown paper's *italics* (kept for the grammar,
    # where they mark titles) print without their marks, so one paper gives the same
    # notes as Markdown, Word or PDF.
    shown = [(f, strip_marks(f.text)) for f in result.footnotes]
    if as_json:
        print_json([{"n": f.n, "page": f.page, "section": f.section, "text": text}
                    for f, text in shown])
        return
    table = Table(title=Text(f"{len(result.footnotes)} footnotes in {input_name(paper)}"),
                  expand=False)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("page", justify="right", no_wrap=True)
    table.add_column("§", no_wrap=True)
    # A bounded text column: unbounded, rich squeezes the short columns to ellipses to
    # make room for the long (CJK, double-width) note text. 21 = other columns + rules.
    width = max(10, out.width - 21)
    table.add_column("text", overflow="ellipsis", no_wrap=True, max_width=width)
    for f, plain in shown:
        text = "\n".join(_wrapped(plain, width)) if full else plain
        table.add_row(str(f.n), str(f.page or "?"), f.section or "", Text(text))
    emit(table)


def _wrapped(text: str, width: int) -> list[str]:
    """The whole note in lines of ``width`` cells, broken where CJK and Latin text may
    break (rich's own wrapping breaks only at spaces, and CJK notes have none)."""
    from sinosoviet_cli.text.normalize import wrap_cjk

    return [line for part in text.split("\n") for line in wrap_cjk(part, width)]
