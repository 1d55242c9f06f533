"""Rules on the draft's citations: keys, matches against the entries, and the order
of full, short and ibid forms."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from sinosoviet_cli.checks.analysis import Analysis
from sinosoviet_cli.checks.findings import Finding
from sinosoviet_cli.checks.fold import short as _short
from sinosoviet_cli.checks.match import title_score
from sinosoviet_cli.checks.names import (
    Name,
    name_similarity,
    person_names,
    same_person,
    same_script,
)
from sinosoviet_cli.checks.registry import (
    bib_key,
    finding,
    first_in_note,
    label,
    matched,
    offset_of,
    previous_works,
)
from sinosoviet_cli.model import Form, Person, Reference
from sinosoviet_cli.text.normalize import has_cjk
from sinosoviet_cli.text.years import years_in


def unknown_key(a: Analysis) -> Iterator[Finding]:
    keys = list(a.index.keys)
    hints: dict[str, str] = {}  # one search of the keys per unknown key, not per citation
    for c in a.cites:
        if c.keyed and not c.work:
            if c.text not in hints:
                close = difflib.get_close_matches(c.text, keys, n=1, cutoff=0.75)
                folded = [k for k in keys if k.casefold() == c.text.casefold()]
                hints[c.text] = (folded or close or [""])[0]
            hint = hints[c.text]
            yield finding(a, c, "unknown-key", f"citation key '{c.text}' is not in the "
                           "bibliography", key=c.text,
                           fix=f"did you mean '{hint}'?" if hint else "add the entry to the "
                           "bibliography or correct the key")

def not_in_bibliography(a: Analysis) -> Iterator[Finding]:
    for c in a.cites:
        if c.keyed or c.form is Form.IBID or c.reference is None:
            continue
        if c.match is None or (not c.match.entry.in_bib and c.form is Form.FULL):
            what = "short citation" if c.form is Form.SHORT else "citation"
            yield finding(a, c, "not-in-bibliography",
                           f"{what} of '{_short(c.reference.title or c.text)}' matches no "
                           "entry in the bibliography")


def _printed_names(ref: Reference) -> list[tuple[Person, list[Name]]]:
    return [(p, person_names(p)) for p in (ref.authors or ref.editors)]


def author_mismatch(a: Analysis) -> Iterator[Finding]:
    for c, e, ref in matched(a):
        if not e.people:
            continue
        for person, forms in _printed_names(ref):
            # A name in another script than the entry's (莫里斯·邁斯納, Maurice Meisner)
            # cannot be compared: a transliteration is not a misprint.
            forms = [f for f in forms if any(same_script(f, p) for p in e.people)]
            if not forms or any(same_person(f, p) for f in forms for p in e.people):
                continue
            shown = forms[0].shown
            closest = max((p for p in e.people if same_script(forms[0], p)),
                          key=lambda p: name_similarity(forms[0], p))
            yield finding(a, c, "author-mismatch",
                           f"author '{shown}' differs from '{closest.shown}' in entry {e.key}",
                           key=e.key, fix=f"write '{closest.shown}'",
                           offset=offset_of(c.text, person.literal or person.family or shown))


def title_mismatch(a: Analysis) -> Iterator[Finding]:
    for c, e, ref in matched(a):
        if ref.title and title_score(ref.title, e, short=c.form is Form.SHORT) < 0.999:
            yield finding(a, c, "title-mismatch",
                           f"title '{ref.title}' differs from '{e.title}' in entry {e.key}",
                           key=e.key, fix=f"write '{e.title}'", offset=offset_of(c.text, ref.title))


def year_mismatch(a: Analysis) -> Iterator[Finding]:
    for c, e, ref in matched(a):
        printed = set(years_in(ref.year))
        if printed and e.years and not printed & e.years:
            yield finding(a, c, "year-mismatch",
                           f"year {ref.year} differs from {e.year} in entry {e.key}",
                           key=e.key, fix=f"write {e.year}", offset=offset_of(c.text, ref.year))

def short_before_full(a: Analysis) -> Iterator[Finding]:
    seen_full: set[str] = set()
    for c in a.cites:
        if not c.work:
            continue
        if c.form is Form.SHORT and c.work not in seen_full:
            yield finding(a, c, "short-before-full",
                           f"short citation of {label(a, c.work)} comes before any full one",
                           key=bib_key(a, c.work))
        seen_full.add(c.work)  # after one report, later short forms are not "first"


def ambiguous_ibid(a: Analysis) -> Iterator[Finding]:
    for c in a.cites:
        if c.form is Form.IBID and len(c.ibid_of) > 1:
            works = ", ".join(label(a, w) if w else "an unmatched citation" for w in c.ibid_of)
            yield finding(a, c, "ambiguous-ibid",
                           f"'{_short(c.text, 12)}' follows a note citing several works ({works})")


def orphan_ibid(a: Analysis) -> Iterator[Finding]:
    for c in a.cites:
        if c.form is Form.IBID and not c.ibid_of:
            yield finding(a, c, "orphan-ibid",
                           f"'{_short(c.text, 12)}' has no citation in the note before it")


def should_be_ibid(a: Analysis) -> Iterator[Finding]:
    full: set[str] = set()  # the first full citation of a work stays full
    for c in a.cites:
        first_full = c.form is Form.FULL and c.work not in full
        if c.form is Form.FULL or c.keyed:
            full.add(c.work)
        if c.keyed or c.form is Form.IBID or not c.work or not first_in_note(a, c):
            continue
        previous = previous_works(a, c.note)
        if previous == (c.work,) and not first_full:
            word = "同上" if has_cjk(c.text) else "Ibid."
            yield finding(a, c, "should-be-ibid",
                           f"cites {label(a, c.work)}, the only work of the previous note",
                           key=bib_key(a, c.work), fix=f"write '{word}'")

