"""Reference-manager fields in Word drafts.

A thesis written with Zotero, Mendeley or EndNote stores every citation as a Word
field: ``w:fldChar`` begin / instruction (``w:instrText``, often split over many runs and
sometimes over paragraphs) / separate / result / end, or a ``w:fldSimple``, or (Mendeley
Cite) a content control whose tag holds the data. The *instruction* carries the
manager's record of each cited work; the *result* is what the reader sees. ``check``
needs both, and the plain text of every note as well, since historians type ``同上``
or a short form by hand after a field note.

:func:`docx_notes_with_fields` walks ``word/document.xml``, ``word/footnotes.xml`` and
``word/endnotes.xml`` once each and returns every body paragraph, footnote and endnote
in reading order with its plain text and its citation fields. Bibliography fields are
skipped (their paragraphs flagged); Citavi and Word's own ``CITATION`` fields are
reported with a ``problem``, since their records are not in the field.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

from sinosoviet_cli.drafts.managers import (
    ManagerItem,
    Payload,
    parse_csl_citation,
    parse_endnote,
    parse_mendeley_tag,
)
from sinosoviet_cli.errors import InputError
from sinosoviet_cli.files import read_bytes
from sinosoviet_cli.text.normalize import nfc

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIX = "save it from Word as .docx"


@dataclass(frozen=True, slots=True)
class FieldCitation:
    """One citation field. ``note`` is the footnote/endnote number as the document
    numbers it (order of reference), ``None`` in the body; ``paragraph_index`` is the
    1-based body paragraph holding the note mark (or, in the body, the field's
    result). ``shown`` is what the reader sees, ``rendered`` what the manager last
    wrote (they differ when the user edited the text by hand); ``start``/``end``
    locate ``shown`` in the note's text."""

    part: str  # body | footnote | endnote
    note: int | None
    paragraph_index: int
    manager: str  # zotero | mendeley | endnote | citavi | word
    items: tuple[ManagerItem, ...]
    shown: str
    rendered: str
    frozen: bool
    citation_id: str
    problem: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class NoteWithFields:
    """A footnote, endnote or body paragraph: its full plain text (field results
    included, instructions not) and its citation fields in order."""

    part: str
    note: int | None
    paragraph_index: int
    text: str
    fields: tuple[FieldCitation, ...] = ()
    note_id: str = ""  # the w:id of a footnote or endnote
    bibliography: bool = False  # a paragraph of a manager's bibliography field


# (pattern on the instruction, what the field is). Order matters: EN.CITE.DATA before
# EN.CITE, bibliography fields before citations.
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in (
        (r"^ADDIN\s+ZOTERO_BIBL\b", "bibliography"),
        (r"^ADDIN\s+(?:Mendeley\s+Bibliography\s+)?CSL_BIBLIOGRAPHY\b", "bibliography"),
        (r"^ADDIN\s+EN\.REFLIST\b", "bibliography"),
        (r"^BIBLIOGRAPHY\b", "bibliography"),
        (r"^ADDIN\s+ZOTERO_ITEM\b", "zotero"),
        (r"^ADDIN\s+CSL_CITATION\b", "mendeley"),
        (r"^ADDIN\s+EN\.CITE\.DATA\b", "data"),
        (r"^ADDIN\s+EN\.CITE\b", "endnote"),
        (r"^ADDIN\s+Citavi", "citavi"),
        (r"^CITATION\b", "word"),
    ))
_NOT_CHECKABLE = {
    "citavi": "a Citavi field: Citavi keeps the record in its project, not in the document; "
              "not checked",
    "word": "a Word citation (References → Insert Citation): not checked; cite with Zotero, "
            "Mendeley or EndNote, or type the note",
}


def field_kind(instruction: str) -> str:
    """``zotero``, ``mendeley``, ``endnote``, ``citavi``, ``word``, ``bibliography``,
    ``data`` (EndNote's nested payload) or ``""`` (not a citation: PAGE, REF, …)."""
    text = instruction.strip()
    return next((kind for pattern, kind in _KINDS if pattern.match(text)), "")


def payload_for(instruction: str, fld_data: Sequence[str] = ()) -> Payload | None:
    """The payload of a citation field's instruction; ``None`` for other fields."""
    kind = field_kind(instruction)
    text = instruction.strip()
    if kind in ("zotero", "mendeley"):
        return parse_csl_citation(kind, text)
    if kind == "endnote":
        return parse_endnote(text, fld_data)
    if kind in _NOT_CHECKABLE:
        tag = text.split()[1] if kind == "word" and len(text.split()) > 1 else ""
        return Payload(kind, citation_id=tag, problem=_NOT_CHECKABLE[kind])
    return None


# ── the walk ─────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class _Unit:
    part: str
    paragraph: int
    note_id: str = ""
    parts: list[str] = field(default_factory=list)
    length: int = 0
    bibliography: bool = False
    refs: list[tuple[str, str]] = field(default_factory=list)  # (part, w:id) in order

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)


@dataclass(slots=True)
class _Open:
    unit: _Unit
    instr: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    in_result: bool = False
    start: int = 0
    payload: Payload | None = None  # known up front for content controls
    kind: str = ""


@dataclass(slots=True)
class _Done:
    unit: _Unit
    payload: Payload
    shown: str
    start: int
    end: int


class _Walker:
    """Walks one XML part; field state survives paragraph boundaries."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.done: list[_Done] = []
        self.units: list[_Unit] = []
        self.current: _Unit | None = None

    def visit(self, el: ElementTree.Element) -> None:
        tag = el.tag
        handler = _HANDLERS.get(tag)
        if handler is not None:
            handler(self, el)
            return
        if tag in _SKIP:
            return
        for child in el:
            self.visit(child)

    # text
    def text(self, value: str) -> None:
        if not value or any(not f.in_result for f in self.stack):
            return  # instruction text, or the result of a field inside an instruction
        if self.current is not None:
            self.current.add(value)
        for f in self.stack:
            f.result.append(value)

    def t(self, el: ElementTree.Element) -> None:
        self.text(el.text or "")

    def space(self, el: ElementTree.Element) -> None:
        self.text(" ")

    def instr(self, el: ElementTree.Element) -> None:
        if self.stack and not self.stack[-1].in_result:
            self.stack[-1].instr.append(el.text or "")

    # complex fields
    def fld_char(self, el: ElementTree.Element) -> None:
        kind = el.get(f"{_W}fldCharType")
        if kind == "begin" and self.current is not None:
            data = el.find(f"{_W}fldData")
            opened = _Open(self.current)
            if data is not None and data.text:
                opened.data.append(data.text)
            self.stack.append(opened)
        elif kind == "separate" and self.stack:
            self._separate(self.stack[-1])
        elif kind == "end" and self.stack:
            self._close(self.stack.pop())

    def _separate(self, opened: _Open) -> None:
        if opened.in_result:
            return
        opened.in_result = True
        opened.unit = self.current or opened.unit  # the result may start a paragraph later
        opened.start = opened.unit.length
        opened.kind = opened.kind or field_kind("".join(opened.instr))

    def _close(self, opened: _Open) -> None:
        if not opened.in_result:  # no result: an EndNote data field, an empty citation
            self._separate(opened)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and not parent.in_result:  # EN.CITE.DATA inside EN.CITE
            parent.data.extend(opened.data)
            return
        if opened.kind == "bibliography":
            self._mark_bibliography(opened.unit)
            return
        payload = opened.payload or payload_for("".join(opened.instr), opened.data)
        if payload is None:
            return
        self.done.append(_Done(opened.unit, payload, nfc("".join(opened.result)).strip(),
                               opened.start, opened.unit.length))

    def _mark_bibliography(self, first: _Unit) -> None:
        marking = False
        for unit in self.units:
            marking = marking or unit is first
            if marking:
                unit.bibliography = True

    def simple(self, el: ElementTree.Element) -> None:
        if self.current is None:
            return
        opened = _Open(self.current, instr=[el.get(f"{_W}instr", "")])
        self.stack.append(opened)
        self._separate(opened)
        for child in el:
            self.visit(child)
        self._close(self.stack.pop())

    # content controls (Mendeley Cite, Citavi placeholders, bibliographies)
    def sdt(self, el: ElementTree.Element) -> None:
        props = el.find(f"{_W}sdtPr")
        content = el.find(f"{_W}sdtContent")
        tag = _sdt_value(props, "tag") + " " + _sdt_value(props, "alias")
        mendeley = next((t for t in tag.split() if "MENDELEY_CITATION_v3_" in t), "")
        if mendeley and self.current is not None:
            opened = _Open(self.current, payload=parse_mendeley_tag(mendeley))
            self.stack.append(opened)
            self._separate(opened)
            if content is not None:
                self.visit(content)
            self._close(self.stack.pop())
            return
        first = len(self.units)
        if content is not None:
            self.visit(content)
        if "MENDELEY_BIBLIOGRAPHY" in tag:
            for unit in self.units[first:]:
                unit.bibliography = True

    # paragraphs and note references
    def paragraph(self, el: ElementTree.Element) -> None:
        outer = self.current
        if outer is not None and outer.part != "body":  # a note: paragraphs join
            if outer.parts:
                self.text(" ")
            for child in el:
                self.visit(child)
            return
        unit = _Unit("body", len([u for u in self.units if u.part == "body"]) + 1)
        self.units.append(unit)
        self.current = unit
        for child in el:
            self.visit(child)
        self.current = outer if outer is not None else unit

    def reference(self, el: ElementTree.Element) -> None:
        if self.current is not None and self.current.part == "body":
            part = "footnote" if el.tag == f"{_W}footnoteReference" else "endnote"
            self.current.refs.append((part, el.get(f"{_W}id", "")))

    def note(self, el: ElementTree.Element) -> None:
        if el.get(f"{_W}type") in ("separator", "continuationSeparator",
                                   "continuationNotice"):
            return
        part = "footnote" if el.tag == f"{_W}footnote" else "endnote"
        unit = _Unit(part, 0, el.get(f"{_W}id", ""))
        self.units.append(unit)
        self.current = unit
        for child in el:
            self.visit(child)
        self.current = None
        self.stack.clear()  # a field never spans two notes


_HANDLERS = {
    f"{_W}t": _Walker.t, f"{_W}tab": _Walker.space, f"{_W}br": _Walker.space,
    f"{_W}cr": _Walker.space, f"{_W}instrText": _Walker.instr,
    f"{_W}fldChar": _Walker.fld_char, f"{_W}fldSimple": _Walker.simple,
    f"{_W}sdt": _Walker.sdt, f"{_W}p": _Walker.paragraph,
    f"{_W}footnoteReference": _Walker.reference, f"{_W}endnoteReference": _Walker.reference,
    f"{_W}footnote": _Walker.note, f"{_W}endnote": _Walker.note,
}
#: Deleted revisions and properties hold no text the reader sees.
_SKIP = frozenset(f"{_W}{t}" for t in ("del", "moveFrom", "rPr", "pPr", "sdtPr",
                                       "sdtEndPr", "delInstrText", "delText"))


def _sdt_value(props: ElementTree.Element | None, name: str) -> str:
    el = props.find(f"{_W}{name}") if props is not None else None
    return el.get(f"{_W}val", "") if el is not None else ""


def _walk(xml: bytes) -> _Walker:
    walker = _Walker()
    walker.visit(ElementTree.fromstring(xml))
    return walker


# ── assembling notes ─────────────────────────────────────────────────────────


def _note_value(unit: _Unit, number: int | None, paragraph: int,
                done: list[_Done]) -> NoteWithFields:
    raw = nfc("".join(unit.parts))
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    cites = tuple(
        FieldCitation(unit.part, number, paragraph, d.payload.manager, d.payload.items,
                      d.shown, d.payload.rendered, d.payload.frozen, d.payload.citation_id,
                      d.payload.problem, _clamp(d.start - lead, text),
                      _clamp(d.end - lead, text))
        for d in sorted(done, key=lambda d: d.start))
    return NoteWithFields(unit.part, number, paragraph, text, cites, unit.note_id,
                          unit.bibliography)


def _clamp(offset: int, text: str) -> int:
    return max(0, min(offset, len(text)))


def _notes(body: _Walker, notes: dict[str, _Walker]) -> Iterator[NoteWithFields]:
    by_unit: dict[int, list[_Done]] = {}
    for walker in (body, *notes.values()):
        for d in walker.done:
            by_unit.setdefault(id(d.unit), []).append(d)
    note_units = {(u.part, u.note_id): (u, w) for w in notes.values() for u in w.units}
    counters = {"footnote": 0, "endnote": 0}
    for unit in body.units:
        if "".join(unit.parts).strip() or id(unit) in by_unit:
            yield _note_value(unit, None, unit.paragraph, by_unit.get(id(unit), []))
        for part, note_id in unit.refs:
            counters[part] += 1
            found = note_units.get((part, note_id))
            if found is not None:
                yield _note_value(found[0], counters[part], unit.paragraph,
                                  by_unit.get(id(found[0]), []))


def docx_notes_with_fields(data: bytes, path: str = "<string>") -> list[NoteWithFields]:
    """Every body paragraph (with text or fields), footnote and endnote of a ``.docx``
    in reading order (a note right after the paragraph that references it), each with
    its plain text and citation fields. Unreadable input raises ``InputError``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise InputError("is a zip file but not a Word document", path=path, fix=_FIX)
            parts = {name: z.read(f"word/{name}.xml") for name in
                     ("document", "footnotes", "endnotes") if f"word/{name}.xml" in names}
    except zipfile.BadZipFile as exc:
        raise InputError("is not a .docx file (not a zip archive)", path=path,
                         fix="save it from Word as .docx") from exc
    try:
        body = _walk(parts.pop("document"))
        notes = {name: _walk(xml) for name, xml in parts.items()}
    except ElementTree.ParseError as exc:
        raise InputError(f"has broken XML inside ({exc})", path=path,
                         fix="open it in Word and save it again") from exc
    return list(_notes(body, notes))


def load_notes_with_fields(path: str | Path) -> list[NoteWithFields]:
    """:func:`docx_notes_with_fields` of a file."""
    return docx_notes_with_fields(read_bytes(path), str(path))


def citations(notes: list[NoteWithFields]) -> list[FieldCitation]:
    """All citation fields of a draft in reading order."""
    return [f for n in notes for f in n.fields]


def renumbered(note: NoteWithFields, number: int) -> NoteWithFields:
    """The note with another number (a caller merging footnotes and endnotes)."""
    return replace(note, note=number,
                   fields=tuple(replace(f, note=number) for f in note.fields))
