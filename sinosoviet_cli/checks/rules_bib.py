"""Rules on the bibliography itself: entries never cited, works entered twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sinosoviet_cli.checks.analysis import Analysis
from sinosoviet_cli.checks.findings import Finding
from sinosoviet_cli.checks.fold import short as _short
from sinosoviet_cli.checks.index import Entry
from sinosoviet_cli.checks.registry import bib_finding


def unused_entry(a: Analysis) -> Iterator[Finding]:
    if a.draft.nocite_all:
        return
    used = {c.work for c in a.cites if c.work}
    parents = {w.get("crossref") for w in a.index.works if w.key in used and w.get("crossref")}
    used |= parents
    for e in a.index.entries:
        if e.in_bib and e.key not in used:
            yield bib_finding(a, "unused-entry", e.line,
                              f"entry {e.key} ({_short(e.title)}) is never cited", e.key)

def duplicate_entry(a: Analysis) -> Iterator[Finding]:
    for problem in a.bib_problems:
        if problem.what == "duplicate-key":
            key = re.search(r"'([^']+)'", problem.reason)
            yield bib_finding(a, "duplicate-entry", problem.line, problem.reason,
                              key.group(1) if key else "", "remove or rename one of the entries")
    seen: dict[tuple[str, str, frozenset[str]], Entry] = {}
    for e in a.index.entries:
        if not e.in_bib or not e.titles:
            continue
        first_person = (e.people[0].family or e.people[0].whole) if e.people else ""
        sig = (e.titles[0], first_person, e.years)
        if sig in seen:
            first = seen[sig]
            yield bib_finding(a, "duplicate-entry", e.line,
                              f"entry {e.key} is the same work as {first.key} "
                              f"(line {first.line}): {_short(e.title)}", e.key,
                              f"keep one entry and cite {first.key}")
        else:
            seen[sig] = e

