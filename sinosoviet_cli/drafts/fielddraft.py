"""A Word draft's reference-manager fields folded into the draft ``check`` reads.

Each manager item is matched to the bibliography (stored citation key, then DOI/ISBN,
then the hand-typed-citation matcher on the record's names, title and year) and becomes
a key citation of its note, so that hand-typed ibids and short forms after a field note
resolve as they do after ``[@key]``. The field's rendered text is blanked (offsets kept)
so that the text typed outside fields is checked as today and the manager's own output
is not re-parsed. The field records themselves travel in :class:`FieldDraft` for the
manager rules (``checks.managers``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sinosoviet_cli.checks.index import Index
from sinosoviet_cli.checks.match import match
from sinosoviet_cli.drafts.csljson import csl_citation_key, csl_to_fields
from sinosoviet_cli.drafts.fields import FieldCitation, NoteWithFields
from sinosoviet_cli.drafts.managers import ManagerItem, item_identity
from sinosoviet_cli.model import Reference, Work
from sinosoviet_cli.paper.draft_types import Draft, DraftFormat, DraftNote, KeyCite
from sinosoviet_cli.text.names import parse_persons


@dataclass(frozen=True, slots=True)
class ItemMatch:
    """One manager item and the bibliography entry it cites (``key`` empty if none)."""

    item: ManagerItem
    identity: str  # the manager's URI (see ``item_identity``), never its local id
    record: Work  # the manager's record in BibTeX fields
    key: str = ""
    matched_by: str = ""  # citation-key | doi | isbn | record


@dataclass(frozen=True, slots=True)
class FieldCite:
    """A citation field where ``check`` reports it: ``note`` indexes ``draft.notes``."""

    citation: FieldCitation
    note: int
    line: int
    column: int
    items: tuple[ItemMatch, ...]


@dataclass(frozen=True, slots=True)
class FieldDraft(Draft):
    """A draft whose notes hold reference-manager fields (the records kept)."""

    fields: tuple[FieldCite, ...] = ()


class ItemMatcher:
    """The bibliography indexed once for manager records."""

    def __init__(self, works: Sequence[Work]) -> None:
        self.by_key = {w.key.casefold(): w.key for w in works}
        self.by_doi: dict[str, str] = {}
        self.by_isbn: dict[str, str] = {}
        for w in works:
            if w.get("doi"):
                self.by_doi.setdefault(_doi(w.get("doi")), w.key)
            for isbn in re.split(r"[,;\s]+", w.get("isbn")):
                if _isbn(isbn):
                    self.by_isbn.setdefault(_isbn(isbn), w.key)
        self.index = Index(works)

    def match(self, item: ManagerItem) -> ItemMatch:
        entry_type, fields = csl_to_fields(item.csl)
        record = Work(csl_citation_key(item.csl) or str(item.csl.get("id", "")), entry_type,
                      fields)
        identity = item_identity(item)
        key = csl_citation_key(item.csl).casefold()
        if key in self.by_key:
            return ItemMatch(item, identity, record, self.by_key[key], "citation-key")
        doi = _doi(str(item.csl.get("DOI", "")))
        if doi and doi in self.by_doi:
            return ItemMatch(item, identity, record, self.by_doi[doi], "doi")
        for isbn in re.split(r"[,;\s]+", str(item.csl.get("ISBN", ""))):
            if _isbn(isbn) in self.by_isbn:
                return ItemMatch(item, identity, record, self.by_isbn[_isbn(isbn)], "isbn")
        found = match(reference_of(record), self.index)
        if found is not None and found.entry.in_bib:
            return ItemMatch(item, identity, record, found.entry.key, "record")
        return ItemMatch(item, identity, record)


def reference_of(record: Work) -> Reference:
    """A manager's record as the matcher's citation value (names via ``text.names``)."""
    f = record.fields
    title = f.get("title", "")
    if f.get("subtitle"):
        title = f"{title}：{f['subtitle']}"
    year = f.get("year") or f.get("date", "")[:4]
    return Reference(title, entry_type=record.entry_type,
                     authors=parse_persons(f.get("author", "")),
                     editors=parse_persons(f.get("editor", "")), title=title,
                     container=f.get("journal") or f.get("booktitle", ""),
                     places=tuple(p for p in (f.get("address", ""),) if p),
                     publishers=tuple(p for p in (f.get("publisher", ""),) if p), year=year)


def _doi(value: str) -> str:
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", value.strip().lower())


def _isbn(value: str) -> str:
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    return digits if len(digits) in (10, 13) else ""


def with_fields(draft: Draft, notes: Sequence[NoteWithFields],
                works: Sequence[Work], *, rebuild: bool = False) -> Draft:
    """``draft`` with its fields read: unchanged when the document has none (unless
    ``rebuild``); otherwise the notes rebuilt from ``notes`` (footnotes, endnotes after
    them, and body paragraphs holding fields, as in an author-date draft) with the
    fields' items as key citations."""
    if not rebuild and not any(n.fields for n in notes):
        return draft
    matcher = ItemMatcher(works)
    memo: dict[str, ItemMatch] = {}
    rebuilt: list[DraftNote] = []
    cites: list[FieldCite] = []
    footnotes = sum(1 for n in notes if n.part == "footnote")
    for note in notes:
        if note.bibliography or (note.part == "body" and not note.fields):
            continue
        number = note.note
        if number is not None and note.part == "endnote":
            number += footnotes
        text, keys = note.text, []
        i = len(rebuilt)
        for field in note.fields:
            items = tuple(_matched(matcher, memo, item) for item in field.items)
            cites.append(FieldCite(field, i, note.paragraph_index, field.start + 1, items))
            text = text[:field.start] + " " * (field.end - field.start) + text[field.end:]
            keys += [KeyCite(m.key or unmatched_key(m), note.paragraph_index, field.start + 1,
                             m.item.prefix, m.item.locator) for m in items]
        if note.part == "body":
            text = ""  # body text is not read as notes (as without fields)
        rebuilt.append(DraftNote(number, text, note.paragraph_index, 1, tuple(keys),
                                 ((0, note.paragraph_index, 1),)))
    return FieldDraft(draft.path, draft.format, tuple(rebuilt), draft.bibliographies,
                      draft.nocite_all, draft.problems, tuple(cites))


def _matched(matcher: ItemMatcher, memo: dict[str, ItemMatch], item: ManagerItem) -> ItemMatch:
    """One match per record (a draft cites a work many times); the item's own locator."""
    signature = repr(sorted(item.csl.items(), key=lambda kv: kv[0]))
    if signature not in memo:
        memo[signature] = matcher.match(item)
    found = memo[signature]
    return ItemMatch(item, item_identity(item), found.record, found.key, found.matched_by)


def unmatched_key(m: ItemMatch) -> str:
    """The key citation standing for a record the bibliography lacks: it resolves to no
    entry, but a hand-typed 同上 after it follows it rather than being an orphan. The
    manager rules report it (not ``unknown-key``)."""
    return "?field:" + m.identity


def field_fields(draft: Draft) -> tuple[FieldCite, ...]:
    """The field citations of a draft (none unless it was read with its fields)."""
    return draft.fields if isinstance(draft, FieldDraft) else ()


def record_value(record: Work, name: str) -> str:
    """A record's field as the rules compare it."""
    fields: Mapping[str, str] = record.fields
    if name == "year":
        return fields.get("year") or fields.get("date", "")[:4]
    return fields.get(name, "")


def read_draft(path: str | Path) -> Draft:
    """``paper.read.read_draft``, and a LibreOffice ``.odt`` as an empty draft whose
    notes :func:`read_with_fields` fills (its Zotero reference marks need the works)."""
    from sinosoviet_cli.files import read_bytes
    from sinosoviet_cli.paper import read

    if read.sniff(path, read_bytes(path)) == "odt":
        return Draft(str(path), DraftFormat.DOCX, ())
    return read.read_draft(path)


def read_with_fields(path: str | Path, draft: Draft, works: Sequence[Work]) -> Draft:
    """``draft`` (read from ``path`` by :func:`read_draft`) with its reference-manager
    fields if it is a Word file that has any, or an ``.odt``; other drafts as they are."""
    if draft.format is not DraftFormat.DOCX:
        return draft
    if not draft.notes and Path(path).suffix.lower() == ".odt":
        from sinosoviet_cli.drafts.odt import load_odt_notes_with_fields

        return with_fields(draft, load_odt_notes_with_fields(path), works, rebuild=True)
    from sinosoviet_cli.drafts.fields import load_notes_with_fields

    return with_fields(draft, load_notes_with_fields(path), works)


def cited_works(path: str | Path, works: Sequence[Work]) -> tuple[Work, ...]:
    """The works of ``works`` a draft cites (any draft format, fields included; every
    work for ``\\nocite{*}``), in bibliography order: ``export --cited-in``."""
    from sinosoviet_cli.checks.analysis import analyse

    draft = read_with_fields(path, read_draft(path), works)
    if draft.nocite_all:
        return tuple(works)
    keys = {c.work for c in analyse(draft, works).cites if c.work}
    return tuple(w for w in works if w.key in keys)
