"""Build small Word drafts with real footnotes for the tests: python-docx writes the
document (it has no footnote API), then ``word/footnotes.xml`` is added the way Word
stores it (a part, a relationship and a content-type override)."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = ('<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>')
_OVERRIDE = ('<Override PartName="/word/footnotes.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')


def build_docx(path: Path, paragraphs: Sequence[tuple[str, Sequence[int]]],
               footnotes: dict[int, Sequence[str]]) -> Path:
    """``paragraphs``: body text and the footnote ids referenced at its end (in order;
    a text starting ``# `` is a Heading 1); ``footnotes``: id → the note's paragraphs
    (each may be split into runs by ``|``)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    for text, ids in paragraphs:
        if text.startswith("# "):
            paragraph = document.add_heading(text[2:], level=1)
        else:
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


# ── Word drafts with reference-manager fields ────────────────────────────────
#
# Built by hand, part by part, so that tests control every run: a field's instruction
# split over runs and paragraphs, base64 ``w:fldData``, nested fields, content controls.

#: Put between run fragments of a note or body paragraph: a paragraph break.
PARA = "\x00PARA\x00"

_NS = f'xmlns:w="{W}"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/word/endnotes.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.endnotes+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/footnotes" Target="footnotes.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/endnotes" Target="endnotes.xml"/></Relationships>')


def run(text: str) -> str:
    """One run of visible text."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def footnote_ref(fid: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{fid}"/></w:r>'


def endnote_ref(eid: int) -> str:
    return f'<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr><w:endnoteReference w:id="{eid}"/></w:r>'


def _pieces(text: str, n: int) -> list[str]:
    size = max(1, -(-len(text) // max(n, 1)))
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def field(instr: str, shown: str, *, pieces: int = 1, break_after: int | None = None,
          fld_data: str = "", nested: Sequence[str] = (), shown_runs: int = 1) -> str:
    """A complex field as Word writes it: begin (with ``w:fldData``), the instruction in
    ``pieces`` runs (a paragraph break after piece ``break_after``), nested fields inside
    the instruction, separate, the shown text in ``shown_runs`` runs, end."""
    data = (f'<w:fldData xml:space="preserve">{fld_data}</w:fldData>' if fld_data else "")
    out = [f'<w:r><w:fldChar w:fldCharType="begin">{data}</w:fldChar></w:r>']
    for i, piece in enumerate(_pieces(instr, pieces)):
        out.append(f'<w:r><w:instrText xml:space="preserve">{escape(piece)}</w:instrText></w:r>')
        if break_after is not None and i == break_after:
            out.append(PARA)
    out.extend(nested)
    out.append('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    for i, segment in enumerate(shown.split(PARA)):  # a result may span paragraphs
        if i:
            out.append(PARA)
        out.extend(run(p) for p in _pieces(segment, shown_runs) if p)
    out.append('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return "".join(out)


def simple_field(instr: str, shown: str) -> str:
    return f'<w:fldSimple w:instr="{escape(instr, {chr(34): "&quot;"})}">{run(shown)}</w:fldSimple>'


def content_control(tag: str, inner: str, alias: str = "") -> str:
    alias_xml = f'<w:alias w:val="{escape(alias)}"/>' if alias else ""
    return (f'<w:sdt><w:sdtPr>{alias_xml}<w:tag w:val="{escape(tag)}"/></w:sdtPr>'
            f'<w:sdtContent>{inner}</w:sdtContent></w:sdt>')


def zotero_instr(items: Sequence[dict[str, object]], plain: str, *, citation_id: str = "abc",
                 formatted: str | None = None, dont_update: bool = False,
                 note_index: int = 1) -> str:
    """``ADDIN ZOTERO_ITEM CSL_CITATION {json}``: ``items`` are citationItems."""
    props: dict[str, object] = {"formattedCitation": formatted if formatted is not None else plain,
                                "plainCitation": plain, "noteIndex": note_index}
    if dont_update:
        props["dontUpdate"] = True
    payload = {"citationID": citation_id, "properties": props, "citationItems": list(items),
               "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}
    return " ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(payload, ensure_ascii=False) + " "


def zotero_item(item_data: Mapping[str, object], item_key: str, *, library: str = "users/40613",
                locator: str = "", label: str = "page", prefix: str = "", suffix: str = "",
                legacy_uri: bool = False) -> dict[str, object]:
    """One ``citationItems`` entry as Zotero writes it: the numeric local ``id`` (the
    same as ``itemData.id``), ``uris`` (Zotero 5 also wrote ``uri``), the record, then
    locator, label, prefix and suffix when given."""
    uri = f"http://zotero.org/{library}/items/{item_key}"
    out: dict[str, object] = {"id": item_data["id"], "uris": [uri]}
    if legacy_uri:
        out["uri"] = [uri]
    out["itemData"] = dict(item_data)
    for name, value in (("locator", locator), ("label", label if locator else ""),
                        ("prefix", prefix), ("suffix", suffix)):
        if value:
            out[name] = value
    return out


def zotero_bibl_instr(uncited: Sequence[str] = (), omitted: Sequence[str] = ()) -> str:
    """The bibliography field: `` ADDIN ZOTERO_BIBL {"uncited":[],…} CSL_BIBLIOGRAPHY ``."""
    data = {"uncited": [[u] for u in uncited], "omitted": [[o] for o in omitted],
            "custom": []}
    return (" ADDIN ZOTERO_BIBL " + json.dumps(data, separators=(",", ":"))
            + " CSL_BIBLIOGRAPHY ")


def zotero_prefs(style: str, *, note_type: int = 0, locale: str = "en-US",
                 version: str = "7.0.11", session: str = "RYC4roRa") -> dict[str, str]:
    """The document preferences Zotero keeps in ``docProps/custom.xml``: a ``<data>``
    element split into ``ZOTERO_PREF_1``, ``ZOTERO_PREF_2``… of at most 255 characters
    (Word's limit for a property). ``note_type``: 0 in-text, 1 footnotes, 2 endnotes."""
    prefs = '<pref name="fieldType" value="Field"/>'
    if note_type:
        prefs += f'<pref name="noteType" value="{note_type}"/>'
    data = (f'<data data-version="3" zotero-version="{version}"><session id="{session}"/>'
            f'<style id="http://www.zotero.org/styles/{style}" locale="{locale}" '
            f'hasBibliography="1" bibliographyStyleHasBeenSet="1"/><prefs>{prefs}</prefs></data>')
    return {f"ZOTERO_PREF_{i // 255 + 1}": data[i:i + 255] for i in range(0, len(data), 255)}


def _custom_xml(properties: Mapping[str, str]) -> str:
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" '
        f'name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for i, (name, value) in enumerate(properties.items(), 2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes">{props}</Properties>')


def mendeley_instr(items: Sequence[dict[str, object]], previous: str) -> str:
    """Legacy Mendeley Desktop: ``ADDIN CSL_CITATION {json}`` with ``ITEM-n`` ids."""
    payload = {"citationItems": list(items),
               "mendeley": {"formattedCitation": previous, "plainTextFormattedCitation": previous,
                            "previouslyFormattedCitation": previous},
               "properties": {"noteIndex": 1},
               "schema": "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"}
    return "ADDIN CSL_CITATION " + json.dumps(payload, ensure_ascii=False)


def mendeley_v3_tag(items: Sequence[dict[str, object]], text: str,
                    citation_id: str = "MENDELEY_CITATION_1") -> str:
    payload = {"citationID": citation_id, "properties": {"noteIndex": 0}, "isEdited": False,
               "manualOverride": {"isManuallyOverridden": False, "citeprocText": text,
                                  "manualOverrideText": ""},
               "citationItems": list(items)}
    raw = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return "MENDELEY_CITATION_v3_" + base64.b64encode(raw).decode("ascii")


def endnote_cite(author: str, year: str, display: str, record: str, *, rec_num: int = 1,
                 pages: str = "") -> str:
    """One ``<Cite>`` of an EndNote field; ``record`` is a ``<record>`` or ``<MDL>``."""
    pages_xml = f"<Pages>{escape(pages)}</Pages>" if pages else ""
    return (f"<Cite><Author>{escape(author)}</Author><Year>{year}</Year>"
            f"<RecNum>{rec_num}</RecNum>{pages_xml}<DisplayText>{escape(display)}</DisplayText>"
            f"{record}</Cite>")


def endnote_record(ref_type: str, authors: Sequence[str], title: str, year: str, *,
                   rec_num: int = 1, db_id: str = "x9fdwz", secondary_title: str = "",
                   **extra: str) -> str:
    """An EndNote ``<record>`` with values wrapped in ``<style>`` as EndNote writes
    them; ``extra`` are element paths (``pub_location`` → ``<pub-location>``)."""
    def styled(value: str) -> str:
        return f'<style face="normal" font="default" size="100%">{escape(value)}</style>'
    people = "".join(f"<author>{styled(a)}</author>" for a in authors)
    more = "".join(f"<{k.replace('_', '-')}>{styled(v)}</{k.replace('_', '-')}>"
                   for k, v in extra.items())
    return (f'<record><rec-number>{rec_num}</rec-number><foreign-keys><key app="EN" '
            f'db-id="{db_id}">{rec_num}</key></foreign-keys><ref-type name="{ref_type}">6'
            f"</ref-type><contributors><authors>{people}</authors></contributors>"
            f"<titles><title>{styled(title)}</title>"
            + (f"<secondary-title>{styled(secondary_title)}</secondary-title>"
               if secondary_title else "")
            + "</titles>"
            f"<dates><year>{styled(year)}</year></dates>{more}</record>")


def endnote_xml(cites: Sequence[str]) -> str:
    return "<EndNote>" + "".join(cites) + "</EndNote>"


def _paragraphs(content: str) -> str:
    return "".join(f"<w:p>{part}</w:p>" for part in content.split(PARA))


def build_fields_docx(path: Path, body: Sequence[str], footnotes: Mapping[int, str] | None = None,
                      endnotes: Mapping[int, str] | None = None,
                      custom: Mapping[str, str] | None = None) -> Path:
    """A .docx whose body paragraphs, footnotes and endnotes are the given run XML
    (``PARA`` breaks paragraphs; a note's first paragraph starts with its mark);
    ``custom``: document properties (``docProps/custom.xml``, e.g. :func:`zotero_prefs`)."""
    def notes(kind: str, given: Mapping[int, str] | None) -> str:
        mark = "footnoteRef" if kind == "footnote" else "endnoteRef"
        out = [f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>',
               f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
               f'</w:r></w:p></w:{kind}>']
        for nid, content in (given or {}).items():
            out.append(f'<w:{kind} w:id="{nid}">'
                       + _paragraphs(f'<w:r><w:{mark}/></w:r>{run(" ")}' + content)
                       + f"</w:{kind}>")
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:{kind}s {_NS}>{"".join(out)}</w:{kind}s>')

    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                f'<w:document {_NS}><w:body>'
                + "".join(_paragraphs(p) for p in body)
                + "<w:sectPr/></w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        z.writestr("word/document.xml", document.encode("utf-8"))
        z.writestr("word/footnotes.xml", notes("footnote", footnotes).encode("utf-8"))
        z.writestr("word/endnotes.xml", notes("endnote", endnotes).encode("utf-8"))
        if custom:
            z.writestr("docProps/custom.xml", _custom_xml(custom).encode("utf-8"))
    if custom:  # the part needs its content type and a package relationship
        _add_custom_part(path, out)
        return path
    path.write_bytes(out.getvalue())
    return path


def _add_custom_part(path: Path, built: io.BytesIO) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(built) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name).decode("utf-8")
            if name == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/docProps/custom.xml" '
                                    'ContentType="application/vnd.openxmlformats-'
                                    'officedocument.custom-properties+xml"/></Types>')
            elif name == "_rels/.rels":
                data = data.replace("</Relationships>", '<Relationship Id="rId9" Type="http://'
                                    "schemas.openxmlformats.org/officeDocument/2006/"
                                    'relationships/custom-properties" Target="docProps/'
                                    'custom.xml"/></Relationships>')
            dst.writestr(name, data.encode("utf-8"))
    path.write_bytes(out.getvalue())


# ── OpenDocument drafts with Zotero reference marks ──────────────────────────

_ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def odt_citation(instr: str, shown: str, rnd: str = "RNDa1b2c3d4e5") -> str:
    """A Zotero citation in LibreOffice: reference marks named by the instruction."""
    name = escape(instr.strip().removeprefix("ADDIN ") + " " + rnd, {'"': "&quot;"})
    return (f'<text:reference-mark-start text:name="{name}"/>'
            f'<text:span>{escape(shown)}</text:span>'
            f'<text:reference-mark-end text:name="{name}"/>')


def odt_note(number: int, body: str, note_class: str = "footnote") -> str:
    return (f'<text:note text:id="ftn{number}" text:note-class="{note_class}">'
            f"<text:note-citation>{number}</text:note-citation>"
            f"<text:note-body><text:p>{body}</text:p></text:note-body></text:note>")


def odt_section(instr: str, paragraphs: Sequence[str], rnd: str = "RNDz9y8x7w6v5") -> str:
    """A section named by a field instruction (Zotero's bibliography)."""
    name = escape(instr.strip().removeprefix("ADDIN ") + " " + rnd, {'"': "&quot;"})
    return (f'<text:section text:name="{name}">'
            + "".join(f"<text:p>{p}</text:p>" for p in paragraphs) + "</text:section>")


def build_odt(path: Path, paragraphs: Sequence[str]) -> Path:
    """An .odt whose body paragraphs are the given ODF inline XML."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}>'
               "<office:body><office:text>"
               + "".join(p if p.startswith("<text:section") else f"<text:p>{p}</text:p>"
                         for p in paragraphs)
               + "</office:text></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content.encode("utf-8"), zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())
    return path
