"""The flow from a paper (or draft) to a bibliography, notes, evidence or findings.

Commands read files and render; everything in between is here. Every input that
belongs to one paper (corrections of its misprints, which of its sections presents
which school, reviewed school overrides) is an explicit parameter whose default is
*not* the seed paper's: the bundled files apply only when a caller names them, so a
new paper is never silently "corrected" or tagged by the seed's section numbers.
Each footnote is segmented once; resolution and re-rendered notes share the segments.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sinosoviet_cli.errors import InputError

if TYPE_CHECKING:
    from sinosoviet_cli.checks.rules import Analysis, Finding
    from sinosoviet_cli.csl.notes import RenderedNote
    from sinosoviet_cli.grammar.segment import Segment
    from sinosoviet_cli.link.resolve import Correction
    from sinosoviet_cli.model import Bibliography, Paper, Unparsed, Work
    from sinosoviet_cli.paper.drafts import Draft
    from sinosoviet_cli.schools.tagging import Override, Rules, Tag

    #: The debate model: schools, roles, aliases, negation words (``data/schools.toml``).
    SchoolModel = Rules

#: The one documented command that makes the shipped references.bib (from the repo root):
#: every seed-specific input is named.
REGENERATE = ("sinosoviet parse ../shared/seed/000_6653d7c0def87b6d.txt "
              "--corrections sinosoviet_cli/data/corrections.toml "
              "--schools sinosoviet_cli/data/models/wang-2008-zhengda.toml "
              "-o references.bib --force")


def bundled_data(name: str) -> Path:
    """A package data file (for callers that must name the seed's files explicitly)."""
    return Path(str(resources.files("sinosoviet_cli") / "data" / name))


# ── inputs ───────────────────────────────────────────────────────────────────


def read_paper(path: Path) -> Paper:
    """The paper's footnotes, in any form ``paper.read`` reads (PDF, Word, Markdown,
    LaTeX, text); a file without any is not a paper (exit 2)."""
    from sinosoviet_cli.paper import read

    paper = read.read_paper(path)
    if not paper.footnotes:  # an empty .bib would help no one and load nowhere
        raise InputError("no footnotes found", path=path,
                         fix="give the text of a paper with numbered footnotes "
                             "(`sinosoviet footnotes PAPER` shows what is found)")
    return paper


def _toml(path: Path, what: str) -> dict[str, object]:
    from sinosoviet_cli.files import read_text

    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:  # its message says "(at line N, column M)"
        raise InputError(f"malformed {what} file: {exc}", path=path,
                         fix="fix the TOML syntax at that line") from None


def load_schools(path: Path | None) -> SchoolModel:
    """The school model of ``path`` (its ``extends`` chain merged), sections included;
    ``None``: the bundled debate model. Errors name the file and line (exit 2)."""
    from sinosoviet_cli.errors import SinosovietError
    from sinosoviet_cli.schools import model

    try:
        return model.model_for(path)
    except SinosovietError as exc:
        raise InputError(exc.message, path=path, line=exc.line, fix=exc.fix) from None


def debate_model(path: Path | None) -> SchoolModel:
    """The model ``parse`` tags with: ``path`` as given, else the bundled debate without
    its sections (they are the seed paper's: its 二/三/四 mean nothing elsewhere)."""
    rules = load_schools(path)
    if path is not None:
        return rules
    return replace(rules, schools=tuple(replace(s, section=None) for s in rules.schools))


def load_overrides(path: Path | None, schools: SchoolModel) -> tuple[Override, ...]:
    """Reviewed school overrides from ``path``; none unless a file is named."""
    from sinosoviet_cli.errors import SinosovietError
    from sinosoviet_cli.schools import tagging

    if path is None:
        return ()
    try:
        return tagging.overrides_from(_toml(path, "school overrides"), schools)
    except InputError:
        raise
    except SinosovietError as exc:
        raise InputError(exc.message, path=path, fix=exc.fix) from None


def load_corrections(path: Path | None) -> tuple[Correction, ...]:
    """Reviewed misprint corrections from ``path``; none unless a file is named."""
    from sinosoviet_cli.link import resolve

    return () if path is None else resolve.load_corrections(path)


@dataclass(frozen=True, slots=True)
class PaperInputs:
    """What one paper brings besides its text, each from a file the user named."""

    schools: SchoolModel
    overrides: tuple[Override, ...] = ()
    corrections: tuple[Correction, ...] = ()
    #: ``[(option, path)]`` as named, for the header of the written .bib.
    named: tuple[tuple[str, Path], ...] = ()


def paper_inputs(*, schools: Path | None = None, overrides: Path | None = None,
                 corrections: Path | None = None) -> PaperInputs:
    """Load the named files; ``None`` means none (the bundled debate without sections)."""
    model = debate_model(schools)
    named = tuple((option, path) for option, path in (
        ("--corrections", corrections), ("--schools", schools),
        ("--school-overrides", overrides)) if path is not None)
    return PaperInputs(model, load_overrides(overrides, model), load_corrections(corrections),
                       named)


#: The seed paper's own files, as ``REGENERATE`` names them (relative to the repo root).
SEED_FILES = {"corrections": "corrections.toml",
              "schools": "models/wang-2008-zhengda.toml"}


def seed_inputs() -> PaperInputs:
    """The seed paper's inputs (bundled), named as ``REGENERATE`` names them: for
    regenerating references.bib and for tests about the seed, never a default."""
    loaded = paper_inputs(**{k: bundled_data(v) for k, v in SEED_FILES.items()})
    data = bundled_data("")
    return replace(loaded, named=tuple((option, Path("sinosoviet_cli/data") /
                                        path.relative_to(data))
                                       for option, path in loaded.named))


# ── parse ────────────────────────────────────────────────────────────────────


class Parsed(NamedTuple):
    """A parsed paper: its bibliography, and the corrections that matched nothing."""

    bibliography: Bibliography
    unmatched: tuple[Correction, ...]


def segmented(paper: Paper) -> list[tuple[int, tuple[Segment, ...]]]:
    """Every footnote's citation spans, once, for resolution and for notes alike."""
    from sinosoviet_cli.grammar import segment

    return [(f.n, segment(f.text)) for f in paper.footnotes]


def _as_paper(paper: str | Paper) -> Paper:
    from sinosoviet_cli.paper.footnotes import extract

    return extract(paper) if isinstance(paper, str) else paper


def parse_paper(paper: str | Paper, *, schools: SchoolModel,
                overrides: Sequence[Override] = (),
                corrections: Sequence[Correction] | None = None,
                segments: Sequence[tuple[int, Sequence[Segment]]] | None = None) -> Parsed:
    """The whole ``parse`` stage: segment, resolve, tag schools, apply corrections.
    Schools come before corrections: they are found from the names as the paper prints
    them (a corrected name would no longer match the paper's body text)."""
    from sinosoviet_cli.link import resolve
    from sinosoviet_cli.schools import tagging

    paper = _as_paper(paper)
    fixes = tuple(corrections or ())
    bib = resolve.build(paper, corrections=fixes, segmented=segments)
    tags = tagging.tag_works(paper, bib.works, bib.links, schools, overrides)
    bib = replace(bib, works=tuple(tagging.retag(w, tags[w.key]) for w in bib.works))
    if not fixes:
        return Parsed(bib, ())
    return Parsed(*resolve.apply_corrections(bib, fixes))


def header(paper_name: str, bib: Bibliography, *,
           named: Sequence[tuple[str, Path]] = ()) -> tuple[str, ...]:
    """The comment lines at the top of a written .bib (deterministic: no dates);
    ``named`` is ``[(option, path)]`` as given, so the last line repeats the command."""
    cited = len({link.footnote for link in bib.links})
    lines = [
        f"The works cited in {paper_name}, as parsed by `sinosoviet parse`.",
        f"{len(bib.works)} entries; {len(bib.links)} citations in {cited} footnotes.",
        "`footnotes` lists where the paper cites a work; `keywords = {school:...}` its school.",
    ]
    fixes = [path for option, path in named if option == "--corrections"]
    if fixes:
        lines.append("Evident misprints of the paper are corrected in the entries (not in the "
                     f"paper) from {fixes[0].as_posix()}, reasons there.")
    else:
        lines.append("Values are as the paper prints them (no corrections applied).")
    lines.append(f"Made with: sinosoviet parse {paper_name}"
                 + "".join(f" {option} {path.as_posix()}" for option, path in named))
    return tuple(lines)


# ── notes, evidence, check ───────────────────────────────────────────────────


def paper_notes(paper: Paper, works: Sequence[Work], *, style: str,
                corrections: Sequence[Correction] | None = None
                ) -> tuple[list[RenderedNote], list[str]]:
    """The paper's footnotes re-rendered against ``works`` (``notes``): each note is
    segmented once, resolved, and its segments passed on to rendering. Returns the
    notes and the keys of cited works missing from ``works``."""
    from sinosoviet_cli.csl import render
    from sinosoviet_cli.link import resolve

    segments = segmented(paper)
    links = resolve.build(paper, corrections=tuple(corrections or ()),
                          segmented=segments).links
    return render.paper_notes(paper, links, works, style=style,
                              segments=dict(segments))


def evidence(work: Work, paper: Paper, works: Sequence[Work], *, schools: SchoolModel,
             overrides: Sequence[Override] = ()) -> Tag:
    """``work``'s school tag recomputed from the paper's text (``show --paper``)."""
    from sinosoviet_cli.schools import tagging

    return tagging.tag_works(paper, works, rules=schools, overrides=overrides)[work.key]


def check_draft(draft: Draft, works: Sequence[Work], rule_ids: Sequence[str], *,
                bib_path: str | Path, bib_problems: Sequence[Unparsed] = (),
                progress: Callable[[int], None] | None = None
                ) -> tuple[Analysis, tuple[Finding, ...]]:
    """The draft's citations resolved against ``works`` and the findings of the selected
    rules (``check``)."""
    from sinosoviet_cli.checks import rules as checks

    with _no_collection():
        analysis = checks.analyse(draft, works, bib_path=bib_path,  # type: ignore[arg-type]
                                  bib_problems=bib_problems, progress=progress)
        return analysis, checks.run(analysis, rule_ids)


@contextmanager
def _no_collection() -> Iterator[None]:
    """The garbage collector off while a draft is checked: analysis makes hundreds of
    thousands of small acyclic values (measured: the same peak memory without the
    collector on a 20,000-note draft, 8% less time), and a forked worker that never
    collects never touches, so never copies, the parent's pages."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
