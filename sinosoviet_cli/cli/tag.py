"""``sinosoviet tag KEY… --school ID [--reason T]`` / ``--clear``: a work's school by hand.

Only the ``keywords`` and ``schoolevidence`` lines of those entries change (a textual
edit, written atomically); ``parse --force`` into the file keeps the hand-set schools
unless ``--retag``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sinosoviet_cli.cli._common import BibOpt, SchoolsOpt, emit


def tag(
    keys: Annotated[list[str], typer.Argument(help="Keys of the works to tag.",
                                              show_default=False, metavar="KEY…")],
    school: Annotated[
        str | None,
        typer.Option("--school", help="The school: its id, Chinese or English name (any case).",
                     show_default=False),
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why (kept in the work's schoolevidence).")
    ] = "",
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the school and its evidence instead "
                           "(the next parse tags the work again).")
    ] = False,
    bib: BibOpt = None,
    schools_file: SchoolsOpt = None,
) -> None:
    """Set (or clear) the school of works by hand; nothing else in the file changes."""
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.errors import UsageError
    from sinosoviet_cli.files import read_text, write_atomic
    from sinosoviet_cli.pipeline import load_schools
    from sinosoviet_cli.schools import edit

    if clear == (school is not None):
        raise UsageError("give either --school ID or --clear",
                         fix="e.g. sinosoviet tag KEY --school kinmen --reason '...'")
    path = _writable(bib, bibio.default_path(bib))
    rules = load_schools(schools_file or _beside(path))
    text = read_text(path)
    known = {w.key.casefold(): w.key for w in bibio.parse(text, str(path)).works}
    exact = [_known(k, known, path) for k in keys]
    if clear:
        new, what = edit.clear_text(text, exact), "cleared"
    else:
        found = rules.find(school or "")
        if found is None:
            raise UsageError(f"unknown school {school!r}",
                             fix="valid: " + ", ".join(f"{s.id} ({s.name_en})"
                                                       for s in rules.schools))
        new, what = edit.tag_text(text, exact, found.id, reason), f"school:{found.id}"
    if new != text:
        write_atomic(path, new, force=True)
    emit(f"{path}: {', '.join(exact)}: {what}")


def _beside(path: Path) -> Path | None:
    beside = path.parent / "schools.toml"
    return beside if beside.is_file() else None


def _writable(option: list[Path] | None, path: Path) -> Path:
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.errors import UsageError

    if option and len(option) > 1:
        raise UsageError("tag writes one bibliography, and several --bib were given",
                         fix="give the one file to change with --bib PATH")
    if bibio.is_fallback(option):
        raise UsageError("no ./references.bib to tag (the bundled copy is read-only)",
                         fix="give --bib PATH, or run where your references.bib is")
    return path


def _known(key: str, known: dict[str, str], path: Path) -> str:
    import difflib

    from sinosoviet_cli.errors import BibError

    exact = known.get(key.casefold())
    if exact is None:
        near = difflib.get_close_matches(key.casefold(), list(known), n=1)
        raise BibError(f"no entry {key!r}", path=str(path),
                       fix=f"did you mean: {known[near[0]]}" if near
                       else "`sinosoviet list` shows the keys")
    return exact
