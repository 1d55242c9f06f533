"""Reading thesis drafts: Markdown (pandoc), LaTeX, plain text in the paper's layout and
Word ``.docx``, each into the same value, a :class:`Draft`.

A draft is a sequence of *notes* in reading order. A note is a footnote (its hand-typed
text, with any key citations inside it) or a key citation in the body text (``[@key]``,
``\\cite{key}``), which a note style turns into a footnote of its own. Every character of
a note's text knows where it came from (line and column, 1-based, in characters), so that
findings point into the draft. Readers never judge citations: that is ``checks``.

One module per format (``markdown``, ``latex``, ``plain``, ``docx``); this one picks the
reader and keeps the names callers use.
"""

from __future__ import annotations

import re
from pathlib import Path

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.files import read_bytes, read_text
from sinosoviet_cli.paper.docx import read_docx
from sinosoviet_cli.paper.draft_types import Draft, DraftFormat, DraftNote, KeyCite
from sinosoviet_cli.paper.latex import read_latex
from sinosoviet_cli.paper.markdown import read_markdown
from sinosoviet_cli.paper.plain import read_plain

__all__ = ["Draft", "DraftFormat", "DraftNote", "KeyCite", "detect", "load", "parse",
           "read_docx", "read_latex", "read_markdown", "read_plain"]

_SUFFIXES = {
    ".md": DraftFormat.MARKDOWN, ".markdown": DraftFormat.MARKDOWN, ".qmd": DraftFormat.MARKDOWN,
    ".rmd": DraftFormat.MARKDOWN, ".pandoc": DraftFormat.MARKDOWN, ".tex": DraftFormat.LATEX,
    ".ltx": DraftFormat.LATEX, ".latex": DraftFormat.LATEX, ".docx": DraftFormat.DOCX,
    ".txt": DraftFormat.PLAIN, ".text": DraftFormat.PLAIN,
}




def detect(path: str | Path, text: str | None = None) -> DraftFormat:
    """The format by file suffix; for unknown suffixes, by what the text contains."""
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is not None:
        return fmt
    if text is not None:
        if re.search(r"\\(?:footnote|[a-z]*cite[a-z]*)\s*[\[{]", text):
            return DraftFormat.LATEX
        if re.search(r"\[\^[^\]]+\]|\[@|(?<!\w)@\w", text):
            return DraftFormat.MARKDOWN
    return DraftFormat.PLAIN


def parse(source: str, fmt: DraftFormat, path: str = "<string>") -> Draft:
    """Read draft text of a known format (``.docx`` needs :func:`load`)."""
    if fmt is DraftFormat.MARKDOWN:
        return read_markdown(source, path)
    if fmt is DraftFormat.LATEX:
        return read_latex(source, path)
    if fmt is DraftFormat.PLAIN:
        return read_plain(source, path)
    raise ValueError("a .docx draft is bytes: use load()")


def load(path: str | Path) -> Draft:
    """Read a draft file of any supported format and encoding."""
    if Path(path).suffix.lower() == ".docx":
        return read_docx(read_bytes(path), str(path))
    source = read_text(path)
    if source.startswith("PK\x03\x04"):
        raise InputError("looks like a Word document without the .docx suffix", path=path,
                         fix="rename it to .docx")
    return parse(source, detect(path, source), str(path))
