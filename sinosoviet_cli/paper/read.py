"""The one reader of papers: any file a historian has → ``Paper`` (notes, body, markers).

Every command that reads a paper (``footnotes``, ``parse``, ``notes``, ``show --paper``)
goes through :func:`read_paper`, and ``check`` reads drafts through the same format
detection, so all commands agree on what the notes of a file are.

The format comes from the content first, then the file name:

- PDF (``%PDF-``)                      → ``paper.pdf`` (characters with size and position)
- Word .docx / LibreOffice .odt (zip)  → footnotes and endnotes (``paper.drafts``)
- Markdown (``[^n]``, ``^[…]``) and LaTeX (``\\footnote``, ``\\endnote``) → their notes
- plain text                           → an endnote block after a heading, else page
  footnotes in the journal layout (``paper.footnotes``), else lines numbered 1, 2, 3 …
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.files import decode, read_bytes
from sinosoviet_cli.model import Footnote, Paper
from sinosoviet_cli.paper import drafts
from sinosoviet_cli.paper.body import Body
from sinosoviet_cli.paper.docx import docx_body
from sinosoviet_cli.paper.footnotes import Layout, extract
from sinosoviet_cli.paper.latex import latex_body
from sinosoviet_cli.paper.markdown import markdown_body, read_markdown
from sinosoviet_cli.text.normalize import nfc

_OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: str | Path, data: bytes) -> str:
    """``pdf``, ``docx``, ``odt`` or ``text`` from the bytes (the name only breaks ties)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(Path(path)) as archive:
                names = set(archive.namelist())
        except (OSError, zipfile.BadZipFile) as exc:
            raise InputError("is a damaged ZIP archive", path=path,
                             fix="save the document again from Word or LibreOffice") from exc
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "odt"
        raise InputError("is a ZIP archive but not a Word or LibreOffice document", path=path,
                         fix="give the paper as .pdf, .docx, .md, .tex or text")
    if data.startswith(_OLD_WORD):
        raise InputError("is an old Word .doc file", path=path,
                         fix="save it as .docx (File → Save As) or as plain UTF-8 text")
    return "text"


def read_paper(path: str | Path, *, layout: Layout | None = None) -> Paper:
    """The notes of a paper in any supported form (see the module docstring)."""
    data = read_bytes(path)
    kind = sniff(path, data)
    if kind == "pdf":
        from sinosoviet_cli.paper.pdf import read_pdf

        return read_pdf(Path(path))
    if kind == "odt":
        raise InputError("is a LibreOffice document", path=path,
                         fix="save it as .docx, or export its text as .txt")
    if kind == "docx":
        paper = _from_draft(drafts.read_docx(data, str(path), as_paper=True))
        return with_body(paper, docx_body(data))
    text = nfc(decode(data, path).replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise InputError("is empty", path=path, fix="give a file with text in it")
    fmt = drafts.detect(path, text)
    if fmt is drafts.DraftFormat.DOCX:  # text named .docx: read_docx says it is no Word file
        return _from_draft(drafts.read_docx(data, str(path)))
    if fmt is drafts.DraftFormat.MARKDOWN:
        # A paper's italics are its title marks (Chicago) and its URLs its addresses.
        paper = _from_draft(read_markdown(text, str(path), as_paper=True))
        return _smart_dashes(with_body(paper, markdown_body(text)))
    if fmt is drafts.DraftFormat.LATEX:
        return with_body(_from_draft(drafts.parse(text, fmt, str(path))), latex_body(text))
    if fmt is not drafts.DraftFormat.PLAIN:
        return _from_draft(drafts.parse(text, fmt, str(path)))
    paper = extract(text, layout)
    if paper.footnotes:
        return paper
    return _from_draft(drafts.parse(text, fmt, str(path)))


def read_draft(path: str | Path) -> drafts.Draft:
    """A draft for ``check``, its format found as :func:`read_paper` finds it: a PDF's
    notes are checked as plain notes (no positions beyond the note), a Word file is
    read whatever its name."""
    data = read_bytes(path)
    kind = sniff(path, data)
    if kind == "pdf":
        paper = read_paper(path)
        notes = tuple(drafts.DraftNote(f.n, f.text, f.line, 1) for f in paper.footnotes)
        return drafts.Draft(str(path), drafts.DraftFormat.PLAIN, notes, problems=paper.problems)
    if kind == "docx":  # italics kept as *…*, the grammar's titles, as in Markdown
        return drafts.read_docx(data, str(path), as_paper=True)
    if kind == "odt":
        raise InputError("is a LibreOffice document", path=path,
                         fix="save it as .docx, or export its text as .txt")
    return drafts.load(path)


_DASHES = re.compile(r"(?<![-/])(---?)(?![->])")
_URL = re.compile(r"<https?://[^>\s]+>|https?://[^\s<>()]+")


def _smart_dashes(paper: Paper) -> Paper:
    """A Markdown paper's ``--`` and ``---`` as pandoc prints them (– and —), so its notes
    read as the same paper typeset or in Word; URLs keep theirs."""
    def dashes(text: str) -> str:
        if "--" not in text:
            return text
        out, pos = [], 0
        for m in _URL.finditer(text):
            out.append(_DASHES.sub(_dash, text[pos:m.start()]))
            out.append(m.group(0))
            pos = m.end()
        out.append(_DASHES.sub(_dash, text[pos:]))
        return "".join(out)

    notes = tuple(replace(f, text=dashes(f.text)) for f in paper.footnotes)
    return replace(paper, footnotes=notes)


def _dash(m: re.Match[str]) -> str:
    return "—" if m.group(1) == "---" else "–"


def with_body(paper: Paper, body: Body) -> Paper:
    """``paper`` with its body: paragraphs, markers, headings, each note's section."""
    notes = tuple(replace(f, section=body.note_sections.get(f.n, f.section))
                  for f in paper.footnotes)
    return replace(paper, footnotes=notes, paragraphs=body.paragraphs, markers=body.markers,
                   headings=body.headings)


def _from_draft(draft: drafts.Draft) -> Paper:
    """A draft's numbered notes as a paper's footnotes (body citations by key are not
    notes; they are for ``check``)."""
    notes = tuple(Footnote(note.n, note.text, None, None, note.line)
                  for note in draft.notes if note.n is not None)
    return Paper(notes, problems=draft.problems)
