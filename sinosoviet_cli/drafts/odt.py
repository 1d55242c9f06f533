"""Zotero citations in OpenDocument drafts (LibreOffice ``.odt``).

Zotero's LibreOffice plugin stores a citation as a pair of reference marks whose
*name* is the field instruction Word would have (``ZOTERO_ITEM CSL_CITATION {json}
RND<id>``); the text between start and end is what the reader sees. The bibliography
is a section named ``ZOTERO_BIBL … CSL_BIBLIOGRAPHY``. The result has the same shape as
the Word reader's (:class:`~sinosoviet_cli.drafts.fields.NoteWithFields`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from sinosoviet_cli.drafts.fields import FieldCitation, NoteWithFields, payload_for
from sinosoviet_cli.errors import InputError
from sinosoviet_cli.files import read_bytes
from sinosoviet_cli.text.normalize import nfc

_T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_FIX = "save it from LibreOffice as .odt"
#: The note's printed number, deleted text and comments are not the reader's text.
_SKIP = frozenset((f"{_T}note-citation", f"{_T}tracked-changes",
                   "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation"))


@dataclass(slots=True)
class _Unit:
    part: str
    paragraph: int
    parts: list[str] = field(default_factory=list)
    length: int = 0
    bibliography: bool = False
    notes: list[_Unit] = field(default_factory=list)
    cites: list[FieldCitation] = field(default_factory=list)
    number: int | None = None


@dataclass(slots=True)
class _Mark:
    unit: _Unit
    start: int
    shown: list[str] = field(default_factory=list)


class _Walker:
    def __init__(self) -> None:
        self.units: list[_Unit] = []  # body paragraphs
        self.current: _Unit | None = None
        self.marks: dict[str, _Mark] = {}
        self.counters = {"footnote": 0, "endnote": 0}
        self.in_bibliography = False

    def text(self, value: str | None) -> None:
        if not value or self.current is None:
            return
        self.current.parts.append(value)
        self.current.length += len(value)
        for mark in self.marks.values():
            if mark.unit is self.current:
                mark.shown.append(value)

    def visit(self, el: ElementTree.Element) -> None:
        tag = el.tag
        if tag in (f"{_T}p", f"{_T}h"):
            self.paragraph(el)
        elif tag == f"{_T}note":
            self.note(el)
        elif tag == f"{_T}section":
            self.section(el)
        elif tag in (f"{_T}reference-mark-start", f"{_T}reference-mark-end"):
            self.mark(el)
        elif tag == f"{_T}s":
            count = el.get(f"{_T}c", "1")
            self.text(" " * (min(int(count), 1000) if count.isdigit() else 1))
        elif tag in (f"{_T}tab", f"{_T}line-break"):
            self.text(" ")
        elif tag not in _SKIP:
            self._children(el)

    def _children(self, el: ElementTree.Element) -> None:
        self.text(el.text)
        for child in el:
            self.visit(child)
            self.text(child.tail)

    def paragraph(self, el: ElementTree.Element) -> None:
        if self.current is not None and self.current.part != "body":
            if self.current.parts:
                self.text(" ")
            self._children(el)
            return
        unit = _Unit("body", len(self.units) + 1, bibliography=self.in_bibliography)
        self.units.append(unit)
        outer, self.current = self.current, unit
        self._children(el)
        self.current = outer

    def note(self, el: ElementTree.Element) -> None:
        outer = self.current
        part = "endnote" if el.get(f"{_T}note-class") == "endnote" else "footnote"
        self.counters[part] += 1
        paragraph = outer.paragraph if outer is not None else 0
        unit = _Unit(part, paragraph, number=self.counters[part])
        if outer is not None:
            outer.notes.append(unit)
        self.current = unit
        body = el.find(f"{_T}note-body")
        if body is not None:
            self._children(body)
        self.current = outer

    def section(self, el: ElementTree.Element) -> None:
        before = self.in_bibliography
        name = el.get(f"{_T}name", "")
        self.in_bibliography = before or "CSL_BIBLIOGRAPHY" in name or "ZOTERO_BIBL" in name
        self._children(el)
        self.in_bibliography = before

    def mark(self, el: ElementTree.Element) -> None:
        name = el.get(f"{_T}name", "")
        if el.tag == f"{_T}reference-mark-start":
            if self.current is not None:
                self.marks[name] = _Mark(self.current, self.current.length)
            return
        mark = self.marks.pop(name, None)
        payload = payload_for("ADDIN " + name)
        if mark is None or payload is None:
            return
        unit = mark.unit
        unit.cites.append(FieldCitation(
            unit.part, unit.number, unit.paragraph, payload.manager, payload.items,
            nfc("".join(mark.shown)).strip(), payload.rendered, payload.frozen,
            payload.citation_id, payload.problem, mark.start, unit.length))


def _value(unit: _Unit) -> NoteWithFields:
    raw = nfc("".join(unit.parts))
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()

    def clamp(offset: int) -> int:
        return max(0, min(offset - lead, len(text)))

    cites = tuple(
        FieldCitation(c.part, c.note, c.paragraph_index, c.manager, c.items, c.shown,
                      c.rendered, c.frozen, c.citation_id, c.problem, clamp(c.start),
                      clamp(c.end))
        for c in unit.cites)
    return NoteWithFields(unit.part, unit.number, unit.paragraph, text, cites,
                          bibliography=unit.bibliography)


def _notes(walker: _Walker) -> Iterator[NoteWithFields]:
    for unit in walker.units:
        if "".join(unit.parts).strip() or unit.cites:
            yield _value(unit)
        for note in unit.notes:
            yield _value(note)


def odt_notes_with_fields(data: bytes, path: str = "<string>") -> list[NoteWithFields]:
    """Body paragraphs, footnotes and endnotes of an ``.odt`` in reading order, with
    their plain text and Zotero citations (as :func:`docx_notes_with_fields`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "content.xml" not in z.namelist():
                raise InputError("is a zip file but not an OpenDocument text", path=path,
                                 fix=_FIX)
            content = z.read("content.xml")
    except zipfile.BadZipFile as exc:
        raise InputError("is not an .odt file (not a zip archive)", path=path, fix=_FIX) from exc
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise InputError(f"has broken XML inside ({exc})", path=path,
                         fix="open it in LibreOffice and save it again") from exc
    walker = _Walker()
    walker.visit(root)
    return list(_notes(walker))


def load_odt_notes_with_fields(path: str | Path) -> list[NoteWithFields]:
    """:func:`odt_notes_with_fields` of a file."""
    return odt_notes_with_fields(read_bytes(path), str(path))
