"""Rules on reference-manager fields (Zotero, Mendeley, EndNote) in Word drafts.

The manager's record is what the next refresh prints, so its errors are reported
against the curated bibliography with the fix "correct the record, then refresh";
the existing ids (``not-in-bibliography``, ``author-mismatch``, …) gain the field
findings, and new ids cover what only fields have: an edited rendered citation, two
records of one work, a style-rendered ibid whose items changed, and fields no rule can
read. Every finding carries a ``source`` object saying which field and record it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import chain

from sinosoviet_cli.checks.analysis import Analysis
from sinosoviet_cli.checks.findings import Finding, Severity
from sinosoviet_cli.checks.fold import YEAR
from sinosoviet_cli.checks.fold import short as _short
from sinosoviet_cli.checks.index import Entry
from sinosoviet_cli.checks.match import title_score
from sinosoviet_cli.checks.names import person_names, same_person, same_script
from sinosoviet_cli.checks.registry import RULES, Rule, register
from sinosoviet_cli.checks.rules_imprint import same_place, same_publisher
from sinosoviet_cli.drafts.fielddraft import (
    FieldCite,
    ItemMatch,
    field_fields,
    record_value,
    unmatched_key,
)
from sinosoviet_cli.model import Work
from sinosoviet_cli.text.names import parse_persons
from sinosoviet_cli.text.normalize import nfc

_MANAGERS = {"zotero": "Zotero", "mendeley": "Mendeley", "endnote": "EndNote",
             "citavi": "Citavi", "word": "Word"}
_IBID = re.compile(r"^\W*(?:ibid|id\.|同上|同前|出處同上|出处同上)", re.IGNORECASE)


def _manager(fc: FieldCite) -> str:
    return _MANAGERS.get(fc.citation.manager, fc.citation.manager)


def _refresh(fc: FieldCite) -> str:
    return f"correct the record in {_manager(fc)}, then refresh the citation"


def _finding(a: Analysis, fc: FieldCite, rule_id: str, message: str, *, key: str = "",
             fix: str = "", severity: Severity | None = None, m: ItemMatch | None = None,
             field: str = "", found: str = "", expected: str = "") -> Finding:
    r = RULES[rule_id]
    c = fc.citation
    source = {"manager": c.manager, "part": c.part, "citation_id": c.citation_id,
              "matched_by": m.matched_by if m is not None else "", "field": field,
              "found": found, "expected": expected}
    return Finding(a.draft.path, fc.line, fc.column, rule_id, severity or r.severity,
                   message, a.draft.notes[fc.note].n, key, fix or r.fix, source)


def _title(m: ItemMatch) -> str:
    return _short(m.record.get("title") or m.identity)


# ── rules ────────────────────────────────────────────────────────────────────


def not_in_bibliography(a: Analysis) -> Iterator[Finding]:
    """Once per record (at its first citation), however often the draft cites it."""
    seen: set[str] = set()
    for fc in field_fields(a.draft):
        for m in fc.items:
            if not m.key and m.identity not in seen:
                seen.add(m.identity)
                yield _finding(a, fc, "not-in-bibliography",
                               f"{_manager(fc)} item '{_title(m)}' matches no entry in the "
                               "bibliography", m=m, field="title",
                               found=m.record.get("title"),
                               fix="add the work to the bibliography (or store its citation "
                               f"key in the {_manager(fc)} record)")


def _entries(a: Analysis) -> dict[str, Entry]:
    return {e.key: e for e in a.index.entries if e.in_bib}


def _matched(a: Analysis) -> Iterator[tuple[FieldCite, ItemMatch, Entry, Work | None]]:
    entries = _entries(a)
    printed = {w.key: w for w in a.index.works}
    for fc in field_fields(a.draft):
        for m in fc.items:
            if m.key in entries:
                yield fc, m, entries[m.key], printed.get(m.key)


_Differs = Callable[[ItemMatch, Entry, Work | None], tuple[str, str] | None]


def _mismatch(rule_id: str, what: str,
              differs: _Differs) -> Callable[[Analysis], Iterator[Finding]]:
    def run(a: Analysis) -> Iterator[Finding]:
        seen: set[tuple[str, str]] = set()  # one finding per record, not per citation
        for fc, m, entry, work in _matched(a):
            pair = differs(m, entry, work)
            if pair is None or (m.identity, m.key) in seen:
                continue
            seen.add((m.identity, m.key))
            found, expected = pair
            yield _finding(a, fc, rule_id, f"the {_manager(fc)} record gives {what} "
                           f"'{_short(found)}'; the bibliography has '{_short(expected)}'",
                           key=m.key, fix=_refresh(fc), m=m, field=what, found=found,
                           expected=expected)
    return run


def _author(m: ItemMatch, entry: Entry, work: Work | None) -> tuple[str, str] | None:
    printed = m.record.get("author") or m.record.get("editor")
    if not printed or not entry.people:
        return None
    for person in parse_persons(printed):
        names = person_names(person)
        comparable = [p for p in entry.people if any(same_script(n, p) for n in names)]
        if comparable and not any(same_person(n, p) for n in names for p in comparable):
            expected = (work.get("author") or work.get("editor")) if work else ""
            return (person.literal or f"{person.family}, {person.given}",
                    expected.replace("{", "").replace("}", "")
                    or "; ".join(p.whole for p in entry.people))
    return None


def _title_differs(m: ItemMatch, entry: Entry, _work: Work | None) -> tuple[str, str] | None:
    title = m.record.get("title")
    if title and entry.titles and title_score(title, entry) < 0.999:
        return title, entry.title
    return None


def _year(m: ItemMatch, entry: Entry, _work: Work | None) -> tuple[str, str] | None:
    years = set(YEAR.findall(record_value(m.record, "year")))
    if years and entry.years and not years & entry.years:
        return record_value(m.record, "year"), entry.year
    return None


def _publisher(m: ItemMatch, entry: Entry, _work: Work | None) -> tuple[str, str] | None:
    value = m.record.get("publisher")
    if value and entry.publisher and not same_publisher(value, entry.publisher):
        return value, entry.publisher
    return None


def _place(m: ItemMatch, entry: Entry, _work: Work | None) -> tuple[str, str] | None:
    value = m.record.get("address")
    if value and entry.place and not same_place(value, entry.place):
        return value, entry.place
    return None


def edited_citation(a: Analysis) -> Iterator[Finding]:
    for fc in field_fields(a.draft):
        c = fc.citation
        if not c.rendered or not c.shown or c.problem:
            continue
        shown = _plain(c.shown)
        # EndNote may repeat the whole display text in every <Cite> of the field.
        if _plain(c.rendered) in (shown, "; ".join([shown] * max(len(fc.items), 1))):
            continue
        frozen = " (kept: the citation is frozen)" if c.frozen else ""
        yield _finding(a, fc, "edited-citation",
                       f"the {_manager(fc)} citation was edited by hand{frozen}: shows "
                       f"'{_short(c.shown)}', {_manager(fc)} rendered '{_short(c.rendered)}'",
                       severity=Severity.INFO if c.frozen else None, field="citation",
                       found=c.shown, expected=c.rendered,
                       key=next((m.key for m in fc.items if m.key), ""),
                       m=fc.items[0] if fc.items else None)


def _plain(text: str) -> str:
    """Text as a reader sees it: NFC, runs of white space as one (every bracket and
    punctuation mark counts: an edit may be one character)."""
    return " ".join(nfc(text).split())


def duplicate_item(a: Analysis) -> Iterator[Finding]:
    first: dict[str, str] = {}  # bibliography key → the first record's identity
    reported: set[str] = set()
    for fc in field_fields(a.draft):
        for m in fc.items:
            if not m.key:
                continue
            seen = first.setdefault(m.key, m.identity)
            if seen != m.identity and m.identity not in reported:
                reported.add(m.identity)
                yield _finding(a, fc, "duplicate-item",
                               f"{_manager(fc)} holds '{m.key}' twice ({seen} and "
                               f"{m.identity})", key=m.key, m=m, field="uris",
                               found=m.identity, expected=seen,
                               fix=f"merge the two records in {_manager(fc)}, then refresh")


def stale_ibid(a: Analysis) -> Iterator[Finding]:
    """A style-rendered ibid is right when the field's items are the previous note's
    works, whether that note is a field or typed by hand."""
    fields_of: dict[int, tuple[str, ...]] = {}
    for fc in field_fields(a.draft):
        fields_of[fc.note] = fields_of.get(fc.note, ()) + tuple(m.identity for m in fc.items)
    for fc in field_fields(a.draft):
        shown = fc.citation.shown or fc.citation.rendered
        if not _IBID.match(shown) or not fc.items:
            continue
        if all(m.key for m in fc.items):
            before = {c.work for c in a.by_note.get(fc.note - 1, ()) if c.work}
            stale = {m.key for m in fc.items} != before
        else:
            stale = set(fields_of.get(fc.note - 1, ())) != {m.identity for m in fc.items}
        if stale:
            yield _finding(a, fc, "stale-ibid",
                           f"'{_short(shown, 12)}' but the field cites "
                           f"{', '.join(m.key or _title(m) for m in fc.items)}, not the work "
                           "of the previous note", key=fc.items[0].key, field="citation",
                           found=shown)


def not_checkable(a: Analysis) -> Iterator[Finding]:
    for fc in field_fields(a.draft):
        c = fc.citation
        if c.problem or c.manager in ("citavi", "word"):
            why = c.problem or "its data is not a record this tool reads"
            yield _finding(a, fc, "not-checkable",
                           f"a {_manager(fc)} citation field that cannot be checked ({why}): "
                           f"'{_short(c.shown)}'", field="citation", found=c.shown)


def _extend(rule_id: str, extra: Callable[[Analysis], Iterable[Finding]]) -> None:
    """Add the field findings to an existing rule id (same severity, same selection)."""
    base = RULES[rule_id]
    register(replace(base, run=lambda a: chain(base.run(a), extra(a))))


def _not_field_keys(rule_id: str) -> None:
    """The key citations standing for unmatched records are ``not-in-bibliography``
    findings with their ``source``, not unknown keys."""
    base = RULES[rule_id]

    def run(a: Analysis) -> Iterator[Finding]:
        stand_ins = {unmatched_key(m) for fc in field_fields(a.draft) for m in fc.items
                     if not m.key}
        return (f for f in base.run(a) if f.key not in stand_ins)

    register(replace(base, run=run))


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_not_field_keys("unknown-key")
_extend("not-in-bibliography", not_in_bibliography)
for _rule_id, _what, _fn in (("author-mismatch", "author", _author),
                             ("title-mismatch", "title", _title_differs),
                             ("year-mismatch", "year", _year),
                             ("publisher-mismatch", "publisher", _publisher),
                             ("place-mismatch", "place", _place)):
    _extend(_rule_id, _mismatch(_rule_id, _what, _fn))
register(
    Rule("edited-citation", _W, "a manager's citation edited by hand",
         "undo the edit and change the record in the manager, or freeze it deliberately",
         edited_citation),
    Rule("duplicate-item", _W, "two records of the reference manager for one work",
         "merge the records in the manager, then refresh", duplicate_item),
    Rule("stale-ibid", _E, "a style-rendered ibid whose items differ from the previous note's",
         "refresh the citations in the manager", stale_ibid),
    Rule("not-checkable", _I, "a citation field whose data this tool cannot read",
         "convert it to a Zotero, Mendeley or EndNote citation, or check it by hand",
         not_checkable),
)

