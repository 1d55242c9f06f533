"""``sinosoviet notes PAPER``: the paper's footnotes re-rendered in a CSL style."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sinosoviet_cli.cli._common import BibOpt, JsonOpt, PaperArg, print_json, warn
from sinosoviet_cli.cli.romanize import RomanizeOpt, require_english_style, romanised_output


def notes(
    paper: PaperArg,
    style: Annotated[
        str,
        typer.Option("--style", help="CSL style (as for export); the default is Chicago 18 "
                     "notes with Ibid. for the same work in consecutive notes."),
    ] = "chicago-notes-bibliography-subsequent-ibid",
    bib: BibOpt = None,
    as_json: JsonOpt = False,
    corrections: Annotated[
        Path | None,
        typer.Option("--corrections", metavar="FILE",
                     help="The corrections the bibliography was parsed with (they shape "
                          "its keys), as for parse.", show_default=False),
    ] = None,
    romanize: RomanizeOpt = False,
) -> None:
    """Re-render the paper's footnotes as notes in a CSL style: the first citation of a
    work in full, later ones short, Ibid. (where the style has it) when the previous
    note cites that one work; the author's commentary is kept around the citations."""
    from sinosoviet_cli import pipeline
    from sinosoviet_cli.bibtex import bibio

    if romanize:
        require_english_style(style)
    library = bibio.load_all(bib)
    parsed = pipeline.read_paper(paper)
    for problem in parsed.problems:
        warn(f"{paper}:{problem.line}: {problem.reason}: {problem.text[:60]}")
    works = romanised_output(library.works, library.path) if romanize else library.works
    rendered, missing = pipeline.paper_notes(parsed, works, style=style,
                                             corrections=pipeline.load_corrections(corrections))
    if missing:
        warn(f"{len(missing)} cited works are not in {library.path}; their citations are "
             f"kept as printed: {', '.join(missing[:5])}")
    if as_json:
        print_json([{"n": note.n, "text": note.text,
                     "citations": [{"key": c.key, "pages": c.pages, "position": pos}
                                   for c, pos in note.cites]} for note in rendered])
        return
    sys.stdout.write("".join(f"{note.n}. {note.text}\n" for note in rendered))
