"""``sinosoviet schools``: each school's description, works, proponents and decades."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sinosoviet_cli.cli._common import (
    BibOpt,
    JsonOpt,
    SchoolsOpt,
    emit,
    library,
    out,
    print_json,
    school_heading,
)

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from sinosoviet_cli.schools.tagging import Rules
else:
    from sinosoviet_cli._lazy import LazyClass

    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")

_BLOCKS = " ▁▂▃▄▅▆▇█"


def schools_(bib: BibOpt = None, as_json: JsonOpt = False,
             schools_file: SchoolsOpt = None) -> None:
    """The schools: description (zh and en), works, proponents, and a chart of
    publication years by decade.

    The chart counts each work once: a chapter by its volume's year; a volume cited
    only through its chapters is counted by those chapters, not again itself."""
    from sinosoviet_cli.bibtex.bibio import default_path
    from sinosoviet_cli.pipeline import load_schools
    from sinosoviet_cli.schools import tagging as schools
    from sinosoviet_cli.schools.model import beside

    rules = load_schools(schools_file or beside(default_path(bib)))
    loaded = library(bib, rules)
    rows = schools.summary(loaded.works, rules)
    if as_json:
        print_json({"bib": str(loaded.path), "schools": rows})
        return
    for row in rows:
        if row["works"] or row["kind"] == "school":
            _print_school(row, rules)
    _decade_chart([(r["id"], {int(d): n for d, n in r["decades"].items()}) for r in rows])


def _print_school(row: dict[str, Any], rules: Rules) -> None:
    from sinosoviet_cli.text.normalize import wrap_cjk

    emit(school_heading(row["id"], rules, len(row["works"])))
    if row["section"]:
        emit(Text(f"section {row['section']} of the paper", style="dim"))
    for text in (row["description_zh"], row["description_en"]):
        if text:  # wrapped here: rich would start a line with "。"
            emit(Text("\n".join(wrap_cjk(text, out.width))))
    people = row["proponents"]
    label = "proponents" if row["kind"] == "school" else "authors"
    if people:
        emit(Text(f"{label}: " + _first(people)))
    if row["works"]:
        emit(Text("works: " + _first(row["works"]), style="dim"))
    emit()


def _first(items: list[str]) -> str:
    """Every item: the summary shows every work and every proponent, never "(+2)"."""
    return ", ".join(items)


def _columns(rows: list[tuple[str, dict[int, int]]]
             ) -> tuple[list[int], list[tuple[str, dict[int, int]]]]:
    """The chart's decades; past ten (80 columns), the oldest fold into one, ``-1``."""
    decades = sorted({d for _, counts in rows for d in counts})
    decades = list(range(decades[0], decades[-1] + 10, 10))
    if len(decades) <= 10:
        return decades, rows
    head, decades = decades[: len(decades) - 9], decades[len(decades) - 9:]
    rows = [(s, {**{d: n for d, n in c.items() if d >= decades[0]},
                 -1: sum(n for d, n in c.items() if d in head)}) for s, c in rows]
    return [-1, *decades], rows


def _decade_chart(rows: list[tuple[str, dict[int, int]]]) -> None:
    """Schools × decades: a block whose height is the count, then the count."""
    rows = [(school, counts) for school, counts in rows if counts]
    if not rows:
        emit(Text("No publication years to chart."))
        return
    decades, rows = _columns(rows)
    peak = max(n for _, counts in rows for n in counts.values())
    chart = Table(title=Text("Works by decade of publication", style="bold"),
                  title_justify="left", box=None, pad_edge=False)
    chart.add_column("", no_wrap=True)
    for d in decades:
        chart.add_column("older" if d == -1 else f"{d}s", justify="right", no_wrap=True)
    for school, counts in rows:
        cells = []
        for d in decades:
            n = counts.get(d, 0)
            block = _BLOCKS[max(1, round(n / peak * 8))] if n else ""
            cells.append(Text(f"{block}{n}" if n else "·", style="" if n else "dim"))
        chart.add_row(Text(school), *cells)
    emit(chart)
    emit(Text("Chapters are dated by their volume; a volume cited only through its "
              "chapters counts once, through them.", style="dim"))
