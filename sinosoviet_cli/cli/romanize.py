"""``sinosoviet romanize``: pinyin suggestions for every Chinese name, title, journal,
publisher and place, and the review that approves, sets and translates them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sinosoviet_cli.cli._common import BibOpt, JsonOpt, emit, err, print_json

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from sinosoviet_cli.model import Work
    from sinosoviet_cli.romanize.review import Item
else:
    from sinosoviet_cli._lazy import LazyClass

    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")

PreferredOpt = Annotated[
    Path | None,
    typer.Option("--preferred", help='Preferred spellings (TOML: "陳永發" = "Chen Yung-fa"); '
                 "they win over pinyin.", show_default=False),
]
ApproveOpt = Annotated[
    list[str] | None,
    typer.Option("--approve", help="Approve the shown value of KEY, KEY:FIELD or "
                 "KEY:FIELD.N (the N-th person); repeatable.", show_default=False),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Set and approve a value: KEY:FIELD[.N]=VALUE; repeatable.",
                 show_default=False),
]
RomanizeOpt = Annotated[
    bool,
    typer.Option("--romanize", help="Chinese works romanised (name + characters, title + "
                 "characters + [translation], publisher, English place), reviewed values "
                 "from NAME.romanized.toml (see `romanize`)."),
]
TranslateOpt = Annotated[
    list[str] | None,
    typer.Option("--translate", help="Add a translation of a title: KEY[:FIELD]=TEXT; "
                 "repeatable.", show_default=False),
]


def romanize(bib: BibOpt = None, as_json: JsonOpt = False, preferred: PreferredOpt = None,
             approve: ApproveOpt = None, set_: SetOpt = None,
             translate: TranslateOpt = None) -> None:
    """Suggest pinyin for the Chinese names, titles, journals, publishers and places.

    Reviewed values live beside the bibliography in NAME.romanized.toml; only
    --approve, --set and --translate write it. Approved values are never replaced by
    a suggestion; one whose original changed in the .bib is shown as stale."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.files import write_atomic
    from sinosoviet_cli.romanize import review

    path = bibio.default_path(bib)
    loaded = bibio.load(path)
    target = review.review_path(path)
    items, stored = review.reviewed(loaded.works, target, review.load_preferred(preferred))
    if approve or set_ or translate:
        if bibio.is_fallback(bib):
            from sinosoviet_cli.errors import UsageError

            raise UsageError("the bundled bibliography is read-only",
                             fix="copy it and pass --bib PATH to review its romanisations")
        items = review.approve(items, approve or [])
        for spec in set_ or []:
            items = review.set_value(items, spec)
        for spec in translate or []:
            items = review.translate(items, spec)
        write_atomic(target, review.dump(items, stored), force=True, inputs=[path])
        err.print(Text(f"wrote {target}"))
    if as_json:
        print_json([i.as_json() for i in items])
        return
    _table(items)


def _table(items: list[Item]) -> None:
    table = Table(title=Text(f"{len(items)} romanised values"), expand=False)
    for name in ("key", "field", "original", "romanized", "status / flags"):
        table.add_column(name, overflow="fold")
    for i in items:
        note = ", ".join((i.status, *i.flags))
        roman = i.romanized + (f" [{i.translation}]" if i.translation else "")
        field = i.field + (f".{i.n + 1}" if i.n else "")
        table.add_row(Text(i.key), field, Text(i.original), Text(roman), Text(note))
    emit(table)


def require_english_style(style: str) -> None:
    """``--romanize`` writes pinyin for English-language writing: a style whose
    default locale is Chinese (zhengda-shicui, GB/T 7714) would print it mixed with the
    characters, so it is refused with a clear error."""
    from sinosoviet_cli.csl import render
    from sinosoviet_cli.errors import UsageError

    path = render.style_path(style)
    if render.style_facts(path).locale.lower().startswith("zh"):
        raise UsageError(f"--romanize is for English-language styles; {path.stem} writes "
                         "Chinese", fix="drop --romanize, or give a Chicago style")


def romanised_output(works: Sequence[Work], bib: str | Path) -> list[Work]:
    """``export``/``notes --romanize``: the works romanised with the review beside
    ``bib``; works that use an unapproved suggestion are named on stderr."""
    from sinosoviet_cli.cli._common import warn
    from sinosoviet_cli.romanize.display import romanised_works

    done, unapproved = romanised_works(works, bib)
    if unapproved:
        warn(f"{len(unapproved)} works use unreviewed romanisation suggestions "
             f"({', '.join(unapproved[:4])}{', …' if len(unapproved) > 4 else ''}); review "
             f"them with `sinosoviet romanize --bib {bib} --approve KEY`")
    return done
