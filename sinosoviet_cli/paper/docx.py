"""Word ``.docx`` drafts: the footnotes of ``word/footnotes.xml`` in body order."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.paper.body import Body, assemble
from sinosoviet_cli.paper.draft_types import Draft, DraftFormat, DraftNote

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str = "<string>", *, as_paper: bool = False) -> Draft:
    """Word: the real footnotes of ``word/footnotes.xml`` (else the endnotes of
    ``word/endnotes.xml``), numbered in the order the body references them. Word has no
    lines: ``line`` is the body paragraph holding the note mark, ``column`` the
    character position in the note's text. ``as_paper`` writes italic runs as
    ``*…*``, a paper's title marks (read by ``grammar.emphasis``), as a Markdown paper
    keeps them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise InputError("is a zip file but not a Word document", path=path,
                                 fix="save it from Word as .docx")
            document = z.read("word/document.xml")
            parts = {kind: z.read(f"word/{kind}s.xml") if f"word/{kind}s.xml" in names
                     else b"" for kind in ("footnote", "endnote")}
    except zipfile.BadZipFile as exc:
        raise InputError("is not a .docx file (not a zip archive)", path=path,
                         fix="save it from Word as .docx, or rename it to .txt if it is text"
                         ) from exc
    try:
        kind, refs = "footnote", _docx_references(document, "footnote")
        if not refs:
            kind, refs = "endnote", _docx_references(document, "endnote")
        texts = _docx_notes(parts[kind], kind, italics=as_paper) if parts[kind] else {}
    except ElementTree.ParseError as exc:
        raise InputError(f"has broken XML inside ({exc})", path=path,
                         fix="open it in Word and save it again") from exc
    notes = []
    for n, (fid, paragraph) in enumerate(refs, start=1):
        raw = texts.get(fid, "")
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        notes.append(DraftNote(n, text, paragraph, 1, (), ((0, paragraph, 1 + lead),)))
    return Draft(path, DraftFormat.DOCX, tuple(notes))


_HEADING_MARK = "\x00"


def docx_body(data: bytes) -> Body:
    """A Word paper's body (``paper.body``): paragraphs styled Heading (or with an
    outline level) make the sections, note references the markers, numbered in body
    order as :func:`read_docx` numbers them. ``data`` has been read by ``read_docx``."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    kind = "footnote" if any(True for _ in root.iter(f"{_W}footnoteReference")) else "endnote"
    lines: list[str] = []
    markers: list[tuple[int, int]] = []
    offset = 0
    for paragraph in root.iter(f"{_W}p"):
        pieces = [_HEADING_MARK] if _is_heading(paragraph) else []
        for el in paragraph.iter():
            if el.tag == f"{_W}t" and el.text:
                pieces.append(el.text)
            elif el.tag in (f"{_W}tab", f"{_W}br"):
                pieces.append(" ")
            elif el.tag == f"{_W}{kind}Reference":
                markers.append((offset + sum(len(p) for p in pieces), len(markers) + 1))
        line = "".join(pieces).replace("\n", " ")
        lines += [line, ""]
        offset += len(line) + 2

    def heading(line: str) -> str | None:
        return line[1:].strip() if line.startswith(_HEADING_MARK) else None

    return assemble("\n".join(lines), markers, heading, str)


def _is_heading(paragraph: ElementTree.Element) -> bool:
    props = paragraph.find(f"{_W}pPr")
    if props is None:
        return False
    style = props.find(f"{_W}pStyle")
    name = (style.get(f"{_W}val", "") if style is not None else "").casefold()
    return name.startswith(("heading", "berschrift", "titre")) or \
        props.find(f"{_W}outlineLvl") is not None


def _docx_references(document: bytes, kind: str) -> list[tuple[str, int]]:
    root = ElementTree.fromstring(document)
    found: list[tuple[str, int]] = []
    for number, paragraph in enumerate(root.iter(f"{_W}p"), start=1):
        for ref in paragraph.iter(f"{_W}{kind}Reference"):
            found.append((ref.get(f"{_W}id", ""), number))
    return found


_OFF = ("0", "false", "off")


def _italic(run: ElementTree.Element) -> bool:
    props = run.find(f"{_W}rPr")
    mark = props.find(f"{_W}i") if props is not None else None
    return mark is not None and mark.get(f"{_W}val", "1").lower() not in _OFF


def _docx_notes(xml: bytes, kind: str, *, italics: bool) -> dict[str, str]:
    root = ElementTree.fromstring(xml)
    out: dict[str, str] = {}
    for note in root.iter(f"{_W}{kind}"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        parts: list[str] = []
        for paragraph in note.iter(f"{_W}p"):
            if parts:
                parts.append(" ")
            parts.append(_paragraph_text(paragraph, italics=italics))
        out[note.get(f"{_W}id", "")] = "".join(parts)
    return out


def _paragraph_text(paragraph: ElementTree.Element, *, italics: bool) -> str:
    """A paragraph's text; with ``italics``, each italic stretch (its runs merged) as
    ``*…*``, spaces kept outside the marks as Markdown wants them."""
    pieces: list[tuple[str, bool]] = []
    for run in paragraph.iter(f"{_W}r"):
        slant = italics and _italic(run)
        for el in run:
            if el.tag == f"{_W}t" and el.text:
                pieces.append((el.text, slant))
            elif el.tag in (f"{_W}tab", f"{_W}br"):
                pieces.append((" ", slant))
    out: list[str] = []
    i = 0
    while i < len(pieces):
        text, slant = pieces[i]
        j = i + 1
        while j < len(pieces) and pieces[j][1] == slant:
            text += pieces[j][0]
            j += 1
        core = text.strip()
        if slant and core:
            lead, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            text = f"{lead}*{core}*{tail}"
        out.append(text)
        i = j
    return "".join(out)
