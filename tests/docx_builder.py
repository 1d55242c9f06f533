"""Build small Word drafts with real footnotes for the tests: python-docx writes the
document (it has no footnote API), then ``word/footnotes.xml`` is added the way Word
stores it (a part, a relationship and a content-type override)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = ('<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>')
_OVERRIDE = ('<Override PartName="/word/footnotes.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')


def build_docx(path: Path, paragraphs: Sequence[tuple[str, Sequence[int]]],
               footnotes: dict[int, Sequence[str]]) -> Path:
    """``paragraphs``: body text and the footnote ids referenced at its end (in order);
    ``footnotes``: id → the note's paragraphs (each may be split into runs by ``|``)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    for text, ids in paragraphs:
        paragraph = document.add_paragraph(text)
        for fid in ids:
            paragraph._p.append(parse_xml(
                f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{fid}"/></w:r>'))
    buffer = io.BytesIO()
    document.save(buffer)
    notes = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
             '</w:footnote>',
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
             '<w:continuationSeparator/></w:r></w:p></w:footnote>']
    for fid, paras in footnotes.items():
        body = "".join(
            "<w:p><w:r><w:footnoteRef/></w:r>"
            + "".join(f'<w:r><w:t xml:space="preserve">{escape(run)}</w:t></w:r>'
                      for run in para.split("|"))
            + "</w:p>"
            for para in paras)
        notes.append(f'<w:footnote w:id="{fid}">{body}</w:footnote>')
    footnotes_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     f'<w:footnotes xmlns:w="{W}">{"".join(notes)}</w:footnotes>')
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", _REL.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", _OVERRIDE.encode() + b"</Types>")
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", footnotes_xml.encode("utf-8"))
    path.write_bytes(out.getvalue())
    return path
