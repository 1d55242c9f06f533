"""What every command shares: the two consoles, option types, JSON and table output,
and the bibliography loader that warns about unusable entries.

Nothing here imports rich or the core at import time: ``sinosoviet --help`` must cost
no more than Typer itself (see ``_lazy.py``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sinosoviet_cli._lazy import lazy

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from sinosoviet_cli.bibtex.bibio import Library
    from sinosoviet_cli.model import Work
    from sinosoviet_cli.schools.tagging import Rules
else:
    from sinosoviet_cli._lazy import LazyClass

    Console = LazyClass("rich.console", "Console")
    Text = LazyClass("rich.text", "Text")

out: Console = lazy(lambda: Console(highlight=False, soft_wrap=False))
# soft_wrap: a diagnostic is one line even past 80 columns (paths must not be broken).
err: Console = lazy(lambda: Console(stderr=True, highlight=False, soft_wrap=True))

PaperArg = Annotated[
    Path,
    typer.Argument(help="The paper: PDF, Word, Markdown, LaTeX or its text; '-' reads "
                   "standard input.", show_default=False, metavar="PAPER"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
BibOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--bib",
        help="Bibliography to read, .bib or CSL-JSON .json; repeat for several (default: "
        "./references.bib if present, else the bundled one).",
        show_default=False,
    ),
]
SchoolsOpt = Annotated[
    Path | None,
    typer.Option("--schools", help="A school model (TOML, the shape of "
                 "sinosoviet_cli/data/schools.toml) replacing the bundled one.",
                 show_default=False),
]


def input_name(path: Path) -> str:
    """The input's name for messages and headers: ``stdin`` for ``-``."""
    return "stdin" if str(path) == "-" else path.name


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8 as is (no \\u escapes: the data is Chinese)."""
    sys.stdout.write(json_text(data) + "\n")


_SCALARS = (str, int, float, bool, type(None))


def json_text(data: Any, pad: str = "") -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, faster: with
    ``indent`` the standard library uses its pure-Python encoder (a tenth of a
    20,000-note ``check --json``). A list of flat records is written by the C encoder
    in one call, with a NUL as separator (JSON escapes it inside strings, so every NUL
    is structural), then indented."""
    inner = pad + "  "
    if isinstance(data, dict) and data and all(type(k) is str for k in data):
        return "{\n" + ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {json_text(v, inner)}"
            for k, v in data.items()) + "\n" + pad + "}"
    if isinstance(data, list) and data:
        if all(_flat_record(v) for v in data):
            deeper = inner + "  "
            text = json.dumps(data, ensure_ascii=False, separators=(",\0", ": "))[2:-2]
            text = text.replace("},\0{", "\1").replace(",\0", ",\n" + deeper)
            text = text.replace("\1", f"\n{inner}}},\n{inner}{{\n{deeper}")
            return f"[\n{inner}{{\n{deeper}{text}\n{inner}}}\n{pad}]"
        return "[\n" + ",\n".join(inner + json_text(v, inner) for v in data) + \
            "\n" + pad + "]"
    text = json.dumps(data, ensure_ascii=False, indent=2)  # scalars, empties, the rest
    return text.replace("\n", "\n" + pad) if pad and "\n" in text else text


def _flat_record(value: Any) -> bool:
    return (isinstance(value, dict) and bool(value) and all(type(k) is str for k in value)
            and all(isinstance(v, _SCALARS) for v in value.values()))


def warn(message: str) -> None:
    err.print(Text("warning: ", style="yellow"), Text(message), sep="")


def warn_all(messages: list[str]) -> None:
    """Many warnings in one print: one rich render (and one write) instead of one per
    warning, which dominated a long paper's output time."""
    if not messages:
        return
    text = Text()
    for message in messages:
        text.append("warning: ", style="yellow")
        text.append(message + "\n")
    text.rstrip()
    err.print(text)


def emit(*objects: Any, **kwargs: Any) -> None:
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


def library(bib: Sequence[Path] | Path | None, rules: Rules) -> Library:
    """Load the bibliographies (``--bib``, repeatable), warning about unusable entries,
    keys found in two files and unknown school ids."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.schools.works import unknown_schools

    loaded = bibio.load_all(bib)
    for problem in loaded.problems:
        warn(f"{loaded.where(problem)}: {problem.reason}")
    for school, keys in unknown_schools(loaded.works, rules.ids).items():
        warn(f"{loaded.path}: unknown school id {school!r} on {len(keys)} "
             f"entr{'y' if len(keys) == 1 else 'ies'} ({', '.join(keys[:3])}"
             f"{', …' if len(keys) > 3 else ''}); valid ids: " + ", ".join(rules.ids))
    return loaded


def school_heading(school_id: str, rules: Rules, count: int | None = None) -> Text:
    school = rules.get(school_id)
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


def work_row(work: Work, index: dict[str, Work] | None = None) -> dict[str, Any]:
    """One work for list/show; ``index`` (``schools.by_key``) dates chapters by their
    volume."""
    from sinosoviet_cli.schools import tagging as schools

    year = schools.inherited_year(work, index or {})
    return {"key": work.key, "type": work.entry_type, "author": schools.author_label(work),
            "title": schools.full_title(work), "short_title": schools.short_title(work),
            "year": year,
            "lang": schools.language(work), "school": schools.school_of(work)}
