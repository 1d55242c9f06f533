"""``sinosoviet list``: the sources grouped by school, as a table that fits the terminal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sinosoviet_cli.cli._common import (
    BibOpt,
    JsonOpt,
    SchoolsOpt,
    emit,
    library,
    out,
    print_json,
    school_heading,
    work_row,
)

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from sinosoviet_cli.model import Work
else:
    from sinosoviet_cli._lazy import LazyClass

    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")

SchoolOpt = Annotated[
    str | None,
    typer.Option("--school", help="Only this school or role: its id, Chinese or English "
                 "name, any case (or 'untagged').", show_default=False),
]


def list_(
    bib: BibOpt = None,
    school: SchoolOpt = None,
    entry_type: Annotated[
        str | None, typer.Option("--type", help="Only this BibTeX entry type (book, article…; "
                                 "one the bibliography has).", show_default=False)
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only Chinese (zh) or Western (en) works.",
                                 show_default=False)
    ] = None,
    as_json: JsonOpt = False,
    schools_file: SchoolsOpt = None,
    sort: Annotated[
        str, typer.Option("--sort", help="Order within a school: year (then author), "
                          "author or title.")
    ] = "year",
) -> None:
    """List the sources grouped by school: key, author, short title, year."""
    from sinosoviet_cli.bibtex.bibio import default_path
    from sinosoviet_cli.errors import UsageError
    from sinosoviet_cli.pipeline import load_schools
    from sinosoviet_cli.schools import tagging as schools
    from sinosoviet_cli.schools.model import beside

    rules = load_schools(schools_file or beside(default_path(bib)))
    if school is not None:
        school = schools.require_school(school, rules)
    if lang is not None and lang not in ("zh", "en"):
        raise UsageError(f"unknown language {lang!r}", fix="use --lang zh or --lang en")
    loaded = library(bib, rules)
    _require_type(entry_type, loaded.works, str(loaded.path))
    index = schools.by_key(loaded.works)
    works = [w for w in loaded.works
             if (entry_type is None or w.entry_type == entry_type.casefold())
             and (lang is None or schools.language(w) == lang)]
    groups = [(g, schools.sort_works(ws, sort, index))
              for g, ws in schools.group(works, rules) if school in (None, g)]
    if as_json:
        print_json({"bib": str(loaded.path), "groups": [
            {"school": g, "works": [work_row(w, index) for w in ws]} for g, ws in groups]})
        return
    if not groups:
        emit(Text(f"No works in {loaded.path} match."))
        return
    for g, ws in groups:
        emit(school_heading(g, rules, len(ws)))
        _print_rows([work_row(w, index) for w in ws])
        emit()


def _require_type(entry_type: str | None, works: tuple[Work, ...], path: str) -> None:
    """A type the bibliography does not have is a typo far more often than a query."""
    from sinosoviet_cli.errors import UsageError

    present = sorted({w.entry_type for w in works})
    if entry_type is not None and entry_type.casefold() not in present:
        raise UsageError(f"no entries of type {entry_type!r} in {path}",
                         fix="types in it: " + (", ".join(present) or "none"))


def _print_rows(rows: list[dict[str, Any]]) -> None:
    layout = _layout(rows, out.width)
    if layout is None:
        for row in rows:  # too narrow for a table: whole keys and years, the terminal wraps
            emit(Text(f"{row['key']}  {row['year'] or '----'}  {row['short_title']}"),
                 soft_wrap=True)
        return
    plain = None if out.is_terminal else _plain_table(rows, layout)
    if plain is not None:
        sys.stdout.write(plain)
        return
    emit(_list_table(rows, layout))


_MIN_TITLE, _MIN_AUTHOR, _MAX_AUTHOR = 8, 6, 14

#: Column widths: key, author (0: no author column), title, year.
_Layout = tuple[int, int, int, int]


def _cells(row: dict[str, Any]) -> list[str]:
    return [row["key"], row["author"], row["short_title"], str(row["year"] or "")]


def _layout(rows: list[dict[str, Any]], width: int) -> _Layout | None:
    """``list``'s columns at ``width`` cells. Keys and years are never cut (keys are what
    users copy): the title gives way first, then the author, then the author column
    goes. ``None`` if not even key, year and a short title fit."""
    from rich.cells import cell_len

    def need(name: str) -> int:
        column = "short_title" if name == "title" else name  # the table shows short titles
        return max([cell_len(name), *(cell_len(str(r[column] or "")) for r in rows)])

    fixed = need("key") + 4  # the year
    free = width - fixed - 6  # three gaps of two spaces between four columns
    author = min(need("author"), max(_MAX_AUTHOR, free - need("title")))
    title = min(need("title"), free - author)
    if title < _MIN_TITLE:
        title = min(need("title"), _MIN_TITLE)
        author = free - title
    if author < _MIN_AUTHOR:
        title = min(need("title"), width - fixed - 4)
        if title < min(need("title"), _MIN_TITLE):
            return None
        author = 0
    return need("key"), author, title, 4


def _list_table(rows: list[dict[str, Any]], layout: _Layout) -> Table:
    """The table for a terminal (rich: styles, the header dimmed)."""
    key, author, title, _year = layout
    table = Table(box=None, pad_edge=False, expand=False, header_style="dim")
    table.add_column("key", no_wrap=True, width=key)
    if author:
        table.add_column("author", no_wrap=True, width=author, overflow="ellipsis")
    table.add_column("title", no_wrap=True, width=title, overflow="ellipsis")
    table.add_column("year", no_wrap=True, justify="right", width=4)
    for row in rows:
        cells = [Text(cell) for cell in _cells(row)]
        table.add_row(*(cells if author else [cells[0], *cells[2:]]))
    return table


def _plain_table(rows: list[dict[str, Any]], layout: _Layout) -> str | None:
    """The same table as plain lines for a file or pipe, what rich prints there (no
    trailing spaces) without rendering it cell by cell through rich, most of ``list``'s
    run time after start-up. ``None`` when a cell holds characters whose width rich
    works out itself (controls, tabs, combining marks): the caller uses rich then."""
    from rich.cells import cell_len, set_cell_size

    key, author, title, year = layout
    widths = [key, author, title, year] if author else [key, title, year]
    lines = []
    for cells in [["key", "author", "title", "year"], *map(_cells, rows)]:
        if not all(_simple(cell) for cell in cells) or cell_len(cells[3]) > year:
            return None
        shown = cells if author else [cells[0], *cells[2:]]
        out_cells = []
        for i, (cell, width) in enumerate(zip(shown, widths, strict=True)):
            if cell_len(cell) > width:  # the key never is: its column fits the longest
                cell = set_cell_size(cell, width - 1) + "…"
            pad = " " * (width - cell_len(cell))
            out_cells.append(pad + cell if i == len(widths) - 1 else cell + pad)
        lines.append("  ".join(out_cells).rstrip() + "\n")
    return "".join(lines)


def _simple(text: str) -> bool:
    import unicodedata

    return text.isprintable() and not any(unicodedata.combining(c) for c in text)
