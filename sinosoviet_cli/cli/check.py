"""``sinosoviet check DRAFT``: a draft's citations against the bibliography."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sinosoviet_cli.cli import _common
from sinosoviet_cli.cli._common import BibOpt, JsonOpt, out, print_json, warn

if TYPE_CHECKING:
    from rich.text import Text

    from sinosoviet_cli.checks.report import Counts
    from sinosoviet_cli.checks.rules import Finding
else:
    from sinosoviet_cli._lazy import LazyClass

    Text = LazyClass("rich.text", "Text")

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def check(
    draft: Annotated[
        Path,
        typer.Argument(help="The draft: .md (pandoc), .tex, .docx, or .txt in the paper's layout.",
                       show_default=False, metavar="DRAFT"),
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
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Do not run this rule (an id; comma-separated or "
                     "repeated).", show_default=False, metavar="RULE"),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v",
                           help="Also list which entry each citation matched, and by what.")
    ] = False,
) -> None:
    """Check a draft's citations against the bibliography.

    Reports unknown keys, hand-typed citations that differ from their entry, and short
    forms and ibids out of place. Drafts: .md/.qmd (pandoc [@key] and [^n] footnotes),
    .tex (the \\cite family and \\footnote), .docx (Word footnotes; Zotero, Mendeley and
    EndNote citation fields: the manager's records against the bibliography, hand edits
    of rendered citations, duplicate records), .odt (Zotero marks), .txt (the paper's
    layout, or notes numbered 1, 2, ... at the end); UTF-8, UTF-16, Big5 or GB18030.
    --bib may be given several times; else the bibliographies the draft names are read.
    Exit 1 if anything of severity warning or error is found. The JSON also lists
    which entry each citation matched (``matched``) and the counts (``summary``)."""
    from sinosoviet_cli import pipeline
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.checks import rules as checks
    from sinosoviet_cli.drafts.fielddraft import read_draft, read_with_fields

    # An unknown id or an empty --rules is a UsageError listing the valid ids (exit 2).
    rule_ids = checks.select(rules.split(",") if rules is not None else None, unused=unused)
    rule_ids = checks.without(rule_ids, [i for v in ignore or () for i in v.split(",")])
    doc = read_draft(draft)  # .odt too (its Zotero marks are read below)
    library = bibio.load_all(_bib_paths(bib, draft, doc.bibliographies))
    doc = read_with_fields(draft, doc, library.works)  # Zotero/Mendeley/EndNote fields
    if not doc.notes:
        warn(f"{draft}: no footnotes or citations found (a {doc.format} draft; see "
             "`sinosoviet check --help` for the layouts read)")
    for problem in doc.problems:
        # e.g. a thesis whose note numbers restart by chapter: say what was not read.
        warn(f"{draft}:{problem.line}: {problem.reason}")
    for problem in library.problems:
        if problem.what != "duplicate-key":  # the duplicate-entry rule reports those
            warn(f"{library.where(problem)}: {problem.reason}")
    with _progress(len(doc.notes)) as progress:
        analysis, findings = pipeline.check_draft(
            doc, library.works, rule_ids, bib_path=library.path,
            bib_problems=library.problems, progress=progress)
    from sinosoviet_cli.checks import report

    counts = report.counts(analysis)
    findings = report.locate(findings, library)
    if as_json:
        print_json({"findings": [f.as_json() for f in findings],
                    "matched": report.matches(analysis, library), "summary": counts.as_json()})
    else:
        _print(findings, counts)
        if verbose:
            _print_matches(report.matches(analysis))
    raise typer.Exit(checks.exit_status(findings))


def _bib_paths(option: list[Path] | None, draft: Path,
               named: tuple[str, ...]) -> list[Path] | None:
    """``--bib`` (any number); else every bibliography the draft names (YAML
    ``bibliography:``, ``\\addbibresource``, ``\\bibliography{a,b}``) that exists beside
    it; else the default (``None``)."""
    if option:
        return option
    found: list[Path] = []
    missing: list[str] = []
    for name in named:
        candidate = next((c for c in (draft.parent / name, draft.parent / f"{name}.bib")
                          if c.is_file()), None)
        if candidate is None:
            missing.append(name)
        else:
            found.append(candidate)
    if missing:
        from sinosoviet_cli.bibtex import bibio

        using = ", ".join(map(str, found)) if found else str(bibio.default_path(None))
        warn(f"{draft}: names {', '.join(missing)}, not found beside it; using "
             f"{using} (give --bib)")
    return found or None


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long drafts (only on a terminal): the callback
    ``check_draft`` reports to, or ``None``."""
    if not _common.err.is_terminal or total < 200:
        yield None
        return
    from rich.progress import Progress

    with Progress(console=_common.err, transient=True) as bar:
        task = bar.add_task("checking notes", total=total)
        yield lambda done: bar.update(task, completed=done)


def _print_matches(items: Sequence[dict[str, object]]) -> None:
    """``--verbose``: one line per citation, the entry it matched and by what."""
    out.print(Text("── matches", style="bold"))
    for m in items:
        where = f"footnote {m['footnote']}" if m["footnote"] is not None else f"line {m['line']}"
        key = m["key"] or "(no entry)"
        out.print(Text(f"{where}: {key} ({m['form']}; by {m['by']})"), soft_wrap=True)


def _print(findings: Sequence[Finding], counts: Counts) -> None:
    """Compiler-style lines (``path:line:col: severity: message [rule]``) under one
    heading per footnote, the fix indented below, a count at the end."""
    group: object = None
    for f in findings:
        if f.footnote is not None:
            here: object = f.footnote
            heading = f"footnote {f.footnote}"
        elif f.rule in ("unused-entry", "duplicate-entry"):
            here, heading = ("bib", f.path), f"bibliography {f.path}"
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
    severities = {s: sum(1 for f in findings if str(f.severity) == s)
                  for s in ("error", "warning", "info")}
    if not findings:
        out.print(Text(f"no problems in {counts.words()}", style="green"))
        return
    summary = ", ".join(f"{n} {s}{'s' if n != 1 and s != 'info' else ''}"
                        for s, n in severities.items() if n)
    out.print(Text(f"{summary} in {counts.words()}"))
