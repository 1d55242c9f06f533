"""The rule registry (papis ``doctor`` style): each rule is a plain function
``Analysis -> Iterable[Finding]``, registered by id with its severity, a summary and the
fix it suggests; running ``check`` is a loop over the chosen ids."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from sinosoviet_cli.checks.analysis import Analysis, Cite
from sinosoviet_cli.checks.findings import Finding, Severity
from sinosoviet_cli.checks.fold import short as _short
from sinosoviet_cli.checks.index import Entry
from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import Reference

RuleFn = Callable[[Analysis], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's table row: ``fix`` is what a finding suggests unless it names a
    better one (``write '…'``)."""

    id: str
    severity: Severity
    summary: str
    fix: str
    run: RuleFn
    default: bool = True  # opt-in rules run only when asked for


RULES: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Add rules to the registry, in the order ``select`` lists them."""
    for r in rules:
        RULES[r.id] = r


def finding(a: Analysis, c: Cite, rule_id: str, message: str, *, key: str = "",
            fix: str = "", offset: int | None = None) -> Finding:
    """A finding at citation ``c`` (at ``offset`` in its text when given)."""
    line, column = c.line, c.column
    if offset is not None and not c.keyed:
        line, column = a.draft.notes[c.note].where(c.start + offset)
    r = RULES[rule_id]
    return Finding(a.draft.path, line, column, rule_id, r.severity, message,
                   c.footnote, key, fix or r.fix)


def bib_finding(a: Analysis, rule_id: str, line: int | None, message: str, key: str,
                fix: str = "") -> Finding:
    """A finding in the bibliography file rather than the draft."""
    r = RULES[rule_id]
    return Finding(a.bib_path, line or 1, 1, rule_id, r.severity, message, None, key,
                   fix or r.fix)


# ── helpers for the rules ────────────────────────────────────────────────────


def matched(a: Analysis) -> Iterator[tuple[Cite, Entry, Reference]]:
    for c in a.cites:
        if c.match is not None and c.reference is not None and c.match.entry.in_bib:
            yield c, c.match.entry, c.reference


def first_in_note(a: Analysis, c: Cite) -> bool:
    return a.by_note.get(c.note, (c,))[0] is c


def previous_works(a: Analysis, note: int) -> tuple[str, ...]:
    before = a.by_note.get(note - 1, ())
    return tuple(dict.fromkeys(c.work for c in before)) if before else ()


def label(a: Analysis, work: str) -> str:
    entry = next((e for e in a.index.entries if e.key == work), None)
    if entry is None or entry.in_bib:
        return work
    return f"'{_short(entry.title)}'"


def bib_key(a: Analysis, work: str) -> str:
    return "" if work.startswith("?") else work


def offset_of(text: str, value: str) -> int | None:
    k = text.find(value) if value else -1
    return k if k >= 0 else None


# ── running the rules ────────────────────────────────────────────────────────


def select(ids: Iterable[str] | None, *, unused: bool = False) -> list[str]:
    """The rule ids to run: the default ones (plus ``unused-entry`` if asked), or exactly
    ``ids``. Unknown ids, or ``ids`` that name no rule at all (``--rules ""``, which
    would otherwise check nothing and report a clean draft), raise ``UsageError``
    whose fix lists the valid ids."""
    if ids is None:
        chosen = [r.id for r in RULES.values() if r.default or (unused and r.id == "unused-entry")]
        return chosen
    valid = "valid ids: " + ", ".join(RULES)
    wanted = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not wanted:
        raise UsageError("--rules names no rule", fix=valid)
    unknown = [i for i in wanted if i not in RULES]
    if unknown:
        raise UsageError(f"unknown rule id: {', '.join(unknown)}", fix=valid)
    if unused and "unused-entry" not in wanted:
        wanted.append("unused-entry")
    return wanted


def without(rule_ids: Sequence[str], ignore: Iterable[str]) -> list[str]:
    """``rule_ids`` less the ids of ``--ignore``; an unknown id there is a
    ``UsageError`` too (a typo would otherwise silence nothing, unnoticed)."""
    dropped = {i.strip() for i in ignore if i.strip()}
    unknown = sorted(dropped - set(RULES))
    if unknown:
        raise UsageError(f"unknown rule id: {', '.join(unknown)}",
                         fix="valid ids: " + ", ".join(RULES))
    return [r for r in rule_ids if r not in dropped]


def run(analysis: Analysis, rule_ids: Sequence[str]) -> tuple[Finding, ...]:
    """Findings of the given rules, in the order of the draft (bibliography ones last)."""
    found = [f for rid in rule_ids for f in RULES[rid].run(analysis)]
    draft_path = analysis.draft.path
    # A Word paragraph (``line``) holds several footnotes: their order breaks the tie.
    return tuple(sorted(found, key=lambda f: (f.path != draft_path, f.line, f.footnote or 0,
                                              f.column, f.rule)))
