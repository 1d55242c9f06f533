"""``sinosoviet show KEY``: one work with its school evidence, footnotes and relatives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sinosoviet_cli.cli._common import (
    BibOpt,
    JsonOpt,
    SchoolsOpt,
    emit,
    library,
    print_json,
    school_heading,
    warn,
    work_row,
)

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from sinosoviet_cli.bibtex.bibio import Library
    from sinosoviet_cli.model import Work
    from sinosoviet_cli.schools.tagging import Rules
else:
    from sinosoviet_cli._lazy import LazyClass

    Table = LazyClass("rich.table", "Table")
    Text = LazyClass("rich.text", "Text")

_RULES_EXPLAINED = {
    "marker": "the body sentence a citing footnote closes names the author or title",
    "proponent": "the section's body text names the author",
    "section": "cited in the school's section",
    "kind": "the kind of work (memoir, documents, theory)",
    "inherited": "a volume: the tag of its chapters",
    "override": "a reviewed override",
    "none": "no school supported by the paper",
}


@dataclass(frozen=True, slots=True)
class _Shown:
    """Everything ``show`` prints about one work."""

    work: Work
    rules: Rules
    parent: Work | None
    children: list[Work]
    notes: tuple[int, ...]
    via_chapters: list[int]
    index: dict[str, Work]
    evidence: dict[str, Any]


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
    schools_file: SchoolsOpt = None,
    overrides: Annotated[
        Path | None,
        typer.Option("--school-overrides", metavar="FILE", help="With --paper: reviewed "
                     "school decisions, as for parse.", show_default=False),
    ] = None,
) -> None:
    """Show one work: all fields, its school with the evidence, the footnotes citing it,
    its volume or chapters."""
    from sinosoviet_cli.bibtex.bibio import default_path
    from sinosoviet_cli.pipeline import load_schools
    from sinosoviet_cli.schools.model import beside

    schools_file = schools_file or beside(default_path(bib))
    rules = load_schools(schools_file)
    loaded = library(bib, rules)
    work = _find(loaded, key)
    evidence = _evidence(work, paper, loaded, schools_file, overrides)
    shown = _gather(work, loaded, rules, evidence)
    if as_json:
        print_json(_as_json(shown))
    else:
        _print(shown)


def _find(loaded: Library, key: str) -> Work:
    import difflib

    from sinosoviet_cli.errors import UsageError

    work = loaded.get(key)
    if work is not None:
        return work
    keys = {w.key.casefold(): w.key for w in loaded.works}
    close = difflib.get_close_matches(key.casefold(), list(keys), n=5, cutoff=0.5)
    raise UsageError(f"no entry {key!r} in {loaded.path}",
                     fix=("did you mean: " + ", ".join(keys[c] for c in close)) if close
                     else "run `sinosoviet list` to see the keys")


def _evidence(work: Work, paper: Path | None, loaded: Library, schools_file: Path | None,
              overrides: Path | None) -> dict[str, Any]:
    """The evidence as stored in the bib, or recomputed from the paper (with sentences)
    from the same inputs as ``parse`` (the seed's sections and overrides only if named)."""
    from sinosoviet_cli import pipeline
    from sinosoviet_cli.schools import tagging as schools

    if paper is not None:
        inputs = pipeline.paper_inputs(schools=schools_file, overrides=overrides)
        tag = pipeline.evidence(work, pipeline.read_paper(paper), loaded.works,
                                schools=inputs.schools, overrides=inputs.overrides)
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


def _gather(work: Work, loaded: Library, rules: Rules, evidence: dict[str, Any]) -> _Shown:
    from sinosoviet_cli.schools import tagging as schools

    crossref = work.get("crossref")
    children = [w for w in loaded.works if w.get("crossref").casefold() == work.key.casefold()]
    # A volume is often cited only through its chapters: their notes are its notes too.
    via_chapters = sorted({n for c in children for n in schools.footnotes_of(c)})
    return _Shown(work, rules, loaded.get(crossref) if crossref else None, children,
                  schools.footnotes_of(work), via_chapters, schools.by_key(loaded.works),
                  evidence)


def _as_json(s: _Shown) -> dict[str, Any]:
    from sinosoviet_cli.schools import tagging as schools

    school_id = schools.school_of(s.work)
    school = s.rules.get(school_id) if school_id else None
    return {
        "key": s.work.key, "type": s.work.entry_type, "fields": dict(s.work.fields),
        "school": {"id": school_id, "known": school is not None,
                   "name_zh": school.name_zh if school else None,
                   "name_en": school.name_en if school else None,
                   "evidence": s.evidence},
        "footnotes": list(s.notes),
        "chapter_footnotes": s.via_chapters,
        "parent": work_row(s.parent, s.index) if s.parent else None,
        "children": [{**work_row(c, s.index), "footnotes": list(schools.footnotes_of(c))}
                     for c in s.children],
    }


def _print(s: _Shown) -> None:
    from sinosoviet_cli.schools import tagging as schools

    fields = Table(title=Text(f"{s.work.key}  @{s.work.entry_type}", style="bold"),
                   title_justify="left", box=None, pad_edge=False, show_header=False)
    fields.add_column("field", style="dim", no_wrap=True)
    fields.add_column("value", overflow="fold")
    # Names as Text too: a str cell goes through rich's markup and emoji parsers, whose
    # emoji table alone costs several ms of start-up (field names hold neither).
    for name, value in s.work.fields.items():
        fields.add_row(Text(name), Text(value))
    emit(fields)
    emit()
    emit(Text("school: "), school_heading(schools.school_of(s.work) or "untagged", s.rules),
         sep="")
    emit(_facts(s.evidence))
    emit()
    cited = [", ".join(map(str, s.notes))] if s.notes else []
    if s.via_chapters:
        cited.append("via chapters: " + ", ".join(map(str, s.via_chapters)))
    emit(Text("cited in footnotes: " + ("; ".join(cited) or "none")))
    if s.parent is not None:
        emit(Text(f"in volume: {s.parent.key} — {schools.short_title(s.parent)}"))
    for child in s.children:
        own = ", ".join(map(str, schools.footnotes_of(child)))
        emit(Text(f"chapter: {child.key} — {schools.short_title(child)}"
                  + (f" (footnotes {own})" if own else "")))


def _facts(evidence: dict[str, Any]) -> Table:
    shown = dict(evidence)
    rule = shown.pop("rule", "")
    facts = Table(box=None, pad_edge=False, show_header=False)
    facts.add_column("what", style="dim", no_wrap=True)
    facts.add_column("value", overflow="fold")
    if rule:
        facts.add_row(Text("rule"), Text(f"{rule}: {_RULES_EXPLAINED.get(rule, '')}".rstrip(": ")))
    for name, value in shown.items():
        facts.add_row(Text(name), Text(", ".join(map(str, value)) if isinstance(value, list)
                                 else str(value)))
    return facts
