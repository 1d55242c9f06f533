"""``sinosoviet parse PAPER``: the paper's footnotes into a BibTeX bibliography.

Seed-specific inputs apply only when named: ``--corrections FILE`` (reviewed misprint
fixes), ``--schools FILE`` (a model whose sections say where the paper presents each
school), ``--school-overrides FILE`` (reviewed tags).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sinosoviet_cli.cli._common import PaperArg, err, input_name, out, print_json, warn, warn_all

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sinosoviet_cli.model import Bibliography, CitationLink, Paper
else:
    from sinosoviet_cli._lazy import LazyClass

    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")

OutputOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output",
                 help="Where to write the BibTeX bibliography, '-' for stdout "
                      "(default: ./references.bib; with --json, only with -o).",
                 show_default=False),
]
CorrectionsOpt = Annotated[
    Path | None,
    typer.Option("--corrections", metavar="FILE",
                 help="Apply these reviewed misprint corrections (TOML; the seed paper's are "
                      "sinosoviet_cli/data/corrections.toml) to the entries; the paper itself "
                      "is not changed.", show_default=False),
]
OverridesOpt = Annotated[
    Path | None,
    typer.Option("--school-overrides", metavar="FILE",
                 help="Reviewed school decisions by key or title (TOML; the seed paper's are "
                      "sinosoviet_cli/data/school_overrides.toml).", show_default=False),
]


def parse(
    paper: PaperArg,
    output: OutputOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists "
                           "(never the paper itself).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every citation (key, form, pages) as JSON "
                           "instead of the summary; writes the bibliography only with -o.")
    ] = False,
    corrections: CorrectionsOpt = None,
    schools: Annotated[
        Path | None,
        typer.Option("--schools", metavar="FILE",
                     help="A school model (TOML) whose `section`s say where the paper presents "
                          "each school (default: the bundled debate, no sections).",
                     show_default=False),
    ] = None,
    overrides: OverridesOpt = None,
    retag: Annotated[
        bool, typer.Option("--retag", help="With --force, re-tag works whose school was "
                           "set by hand (`sinosoviet tag`); kept otherwise.")
    ] = False,
) -> None:
    """Parse the paper's footnotes into a cross-referenced BibTeX bibliography."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.files import check_target

    output, to_stdout = _target(output, as_json)
    if str(paper) != "-" and not paper.is_file():  # the paper's own error comes first
        from sinosoviet_cli.files import read_bytes

        read_bytes(paper)
    if output is not None and not to_stdout:
        check_target(output, force=force, inputs=[paper])  # before any slow work
    from sinosoviet_cli import pipeline

    inputs = pipeline.paper_inputs(schools=schools, overrides=overrides,
                                   corrections=corrections)
    extracted = pipeline.read_paper(paper)
    bib, unmatched = pipeline.parse_paper(extracted, schools=inputs.schools,
                                          overrides=inputs.overrides,
                                          corrections=inputs.corrections)
    if output is not None and not to_stdout and output.is_file() and not retag:
        from sinosoviet_cli.schools.tag import keep_manual

        bib = keep_manual(bib, bibio.load(output, strict=False).works)  # hand-set stay
    header = pipeline.header(input_name(paper), bib, named=inputs.named)
    if to_stdout:
        sys.stdout.write(bibio.dumps(bib.works, header=header))
    elif output is not None:
        bibio.save(output, bib.works, force=force, header=header, inputs=[paper])
    for c in unmatched:
        warn(f"correction for footnote {c.footnote} ({c.field}: {c.printed}) matched nothing")
    if as_json:
        print_json(_parse_json(extracted, bib))
        return
    _summary(paper, output or Path("-"), extracted, bib, console=err if to_stdout else out)


def _target(output: Path | None, as_json: bool) -> tuple[Path | None, bool]:
    """The output file (``./references.bib`` by default) and whether it is stdout."""
    from sinosoviet_cli.errors import UsageError

    if output is None and not as_json:
        output = Path("references.bib")
    to_stdout = output is not None and str(output) == "-"
    if to_stdout and as_json:
        raise UsageError("-o - and --json would both print to stdout",
                         fix="give -o a file name, or drop one of them")
    return output, to_stdout


def printed_form(link: CitationLink) -> str:
    """The form the paper prints: a short form with nothing earlier is kept as its
    work's full citation (``link.form``), but it is printed short."""
    from sinosoviet_cli.link.backrefs import NO_EARLIER

    return "short" if link.problem == NO_EARLIER else str(link.form)


def _parse_json(paper: Paper, bib: Bibliography) -> dict[str, Any]:
    by_note: dict[int, list[dict[str, str]]] = {f.n: [] for f in paper.footnotes}
    for link in bib.links:
        cite = {"key": link.key, "form": printed_form(link), "pages": link.pages,
                "text": link.text, "problem": link.problem}
        if link.volume:  # the volume cited of a multi-volume set (one work)
            cite["volume"] = link.volume
        by_note.setdefault(link.footnote, []).append(cite)
    return {
        "footnotes": [{"n": n, "citations": cites} for n, cites in sorted(by_note.items())],
        "entries": len(bib.works),
        "unparsed": [{"what": u.what, "footnote": u.footnote, "line": u.line, "text": u.text,
                      "reason": u.reason} for u in bib.unparsed],
    }


def _summary(paper: Path, output: Path, extracted: Paper, bib: Bibliography,
             console: Console) -> None:
    """Counts, the written file, and the citations to look at; ``console`` is stderr
    when the bibliography itself goes to stdout."""
    from collections import Counter

    forms = Counter(printed_form(link) for link in bib.links)
    types = Counter(w.entry_type for w in bib.works)
    console.print(Text(f"{input_name(paper)}: {len(extracted.footnotes)} footnotes, "
                       f"{len(bib.links)} citations (" +
                       ", ".join(f"{forms[f]} {f}" for f in ("full", "short", "ibid")) + ")"))
    where = "BibTeX on stdout" if str(output) == "-" else f"wrote {output}"
    console.print(Text(f"{where}: {len(bib.works)} entries (" +
                       ", ".join(f"{n} {t}" for t, n in types.most_common()) + ")"))
    doubtful = [link for link in bib.links if link.problem]
    if doubtful:
        table = Table(title=Text("citations to look at"), expand=False)
        table.add_column("fn", justify="right", no_wrap=True)
        table.add_column("key", no_wrap=True)
        table.add_column("problem", ratio=1)
        for link in doubtful:
            table.add_row(str(link.footnote), Text(link.key or "(unresolved)"),
                          Text(link.problem))
        console.print(table)
    warn_all([f"{paper}: "
              f"{f'footnote {u.footnote}' if u.footnote else f'line {u.line}'}: "
              f"{u.reason}: {u.text[:60]}" for u in bib.unparsed])
