"""Word ``.docx`` drafts: the footnotes of ``word/footnotes.xml`` in body order."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.paper.draft_types import Draft, DraftFormat, DraftNote

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str = "<string>") -> Draft:
    """Word: the real footnotes of ``word/footnotes.xml``, numbered in the order the body
    references them. Word has no lines: ``line`` is the body paragraph holding the
    footnote mark, ``column`` the character position in the footnote's text."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise InputError("is a zip file but not a Word document", path=path,
                                 fix="save it from Word as .docx")
            document = z.read("word/document.xml")
            footnotes = z.read("word/footnotes.xml") if "word/footnotes.xml" in names else b""
    except zipfile.BadZipFile as exc:
        raise InputError("is not a .docx file (not a zip archive)", path=path,
                         fix="save it from Word as .docx, or rename it to .txt if it is text"
                         ) from exc
    try:
        texts = _docx_footnotes(footnotes) if footnotes else {}
        refs = _docx_references(document)
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


def _docx_references(document: bytes) -> list[tuple[str, int]]:
    root = ElementTree.fromstring(document)
    found: list[tuple[str, int]] = []
    for number, paragraph in enumerate(root.iter(f"{_W}p"), start=1):
        for ref in paragraph.iter(f"{_W}footnoteReference"):
            found.append((ref.get(f"{_W}id", ""), number))
    return found


def _docx_footnotes(xml: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(xml)
    out: dict[str, str] = {}
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        parts: list[str] = []
        for paragraph in note.iter(f"{_W}p"):
            if parts:
                parts.append(" ")
            for el in paragraph.iter():
                if el.tag == f"{_W}t" and el.text:
                    parts.append(el.text)
                elif el.tag in (f"{_W}tab", f"{_W}br"):
                    parts.append(" ")
        out[note.get(f"{_W}id", "")] = "".join(parts)
    return out

