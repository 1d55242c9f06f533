"""What ``check`` tells besides its findings: which entry each citation matched and by
what, and the counts of its summary line (notes, citations, notes not read)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sinosoviet_cli.checks.analysis import Analysis, Cite
from sinosoviet_cli.checks.findings import Finding
from sinosoviet_cli.checks.rules_read import unread
from sinosoviet_cli.model import Form

if TYPE_CHECKING:
    from sinosoviet_cli.bibtex.bibio import Library


def matched_by(c: Cite) -> str:
    """How a citation found its entry: ``key``, ``ibid``, ``title and author``,
    ``title``, ``author`` (op. cit.), ``similar title`` (a misprint), ``draft`` (a
    work cited in full that the bibliography lacks) or ``none``."""
    if c.keyed:
        return "key" if c.work else "none"
    if c.form is Form.IBID:
        return "ibid" if c.work else "none"
    m = c.match
    if m is None:
        return "none"
    if not m.entry.in_bib:
        return "draft"
    if c.reference is not None and not c.reference.title:
        return "author"
    if m.title_score >= 0.999:
        return "title and author" if m.name_score >= 0.99 else "title"
    return "similar title"


def matches(a: Analysis, library: Library | None = None) -> list[dict[str, Any]]:
    """One item per citation, in the draft's order: ``{"footnote", "line", "column",
    "form", "key", "by", "text"}``; ``key`` is ``None`` where no bibliography entry
    was matched. Given a ``library`` read from several files, each item also names the
    ``bib`` file its entry came from (``None`` without an entry)."""
    files = _files(library) if library is not None and len(library.paths) > 1 else None
    items: list[dict[str, Any]] = []
    for c in a.cites:
        by = matched_by(c)
        text = c.text if c.keyed else a.draft.notes[c.note].text[c.start:c.start + len(c.text)]
        key = c.work if by not in ("none", "draft") and not c.work.startswith("?") else None
        item = {"footnote": c.footnote, "line": c.line, "column": c.column,
                "form": str(c.form), "key": key or None, "by": by, "text": text}
        if files is not None:
            item["bib"] = files.get(key.casefold()) if key else None
        items.append(item)
    return items


_ALSO_IN = re.compile(r": also in (.+?); the first entry is used")


def locate(findings: Iterable[Finding], library: Library) -> tuple[Finding, ...]:
    """Findings about the bibliography read from several files point at the file of
    their entry (not the files joined) and say it in ``source.bib``; a key found in two
    files is reported at the later one, with the first place (``source.also_in``)."""
    if len(library.paths) < 2:
        return tuple(findings)
    files = _files(library)
    located: list[Finding] = []
    for f in findings:
        if f.footnote is not None or f.path != library.path:
            located.append(f)
            continue
        path = files.get(f.key.casefold(), f.path)
        source = {"bib": path}
        if f.rule == "duplicate-entry":
            for problem, where in zip(library.problems, library.problem_paths, strict=True):
                if problem.what == "duplicate-key" and problem.reason == f.message:
                    path = source["bib"] = where
                    also = _ALSO_IN.search(f.message)
                    if also:
                        source["also_in"] = also.group(1)
                    break
        located.append(replace(f, path=path, source={**(f.source or {}), **source}))
    return tuple(located)


def _files(library: Library) -> dict[str, str]:
    """Case-folded key → the file its entry was read from."""
    paths = library.work_paths or (library.path,) * len(library.works)
    return {w.key.casefold(): p for w, p in zip(library.works, paths, strict=True)}


@dataclass(frozen=True, slots=True)
class Counts:
    notes: int
    citations: int
    unread: int  # notes with text that looks cited but was not read

    def words(self) -> str:
        """``1 note (1 citation)``, ``20 notes (16 citations; 4 notes not read)``."""
        text = f"{_n(self.notes, 'note')} ({_n(self.citations, 'citation')}"
        if self.unread:
            text += f"; {_n(self.unread, 'note')} not fully read"
        return text + ")"

    def as_json(self) -> dict[str, int]:
        return {"notes": self.notes, "citations": self.citations, "unread_notes": self.unread}


def counts(a: Analysis) -> Counts:
    return Counts(len(a.draft.notes), len(a.cites), len({u.note for u in unread(a)}))


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
