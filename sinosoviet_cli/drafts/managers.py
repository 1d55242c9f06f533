"""The payloads reference managers store in Word fields, read into one shape.

Zotero (``ADDIN ZOTERO_ITEM CSL_CITATION {json}``), Mendeley (legacy ``ADDIN
CSL_CITATION {json}``, and Mendeley Cite's ``MENDELEY_CITATION_v3_<base64 json>``
content-control tags) and EndNote (``ADDIN EN.CITE <EndNote>…`` inline or base64 in
``w:fldData``; ``<record>`` and the old ``<MDL>``) each become a :class:`Payload`: the
items (CSL-JSON, EndNote records converted), what the manager last rendered, and whether
the user froze it. Bad payloads are values (``problem``), never exceptions.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from xml.etree import ElementTree

from sinosoviet_cli.drafts.csljson import csl_citation_key
from sinosoviet_cli.text.normalize import fold, nfc


@dataclass(frozen=True, slots=True)
class ManagerItem:
    """One cited item of a field: the manager's record as CSL-JSON, its stable
    addresses (``uris``), and the citation's locator, label, prefix and suffix."""

    csl: Mapping[str, Any]
    uris: tuple[str, ...] = ()
    locator: str = ""
    label: str = ""
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Payload:
    """What a citation field's data says, before we know where the field is."""

    manager: str  # zotero | mendeley | endnote | citavi | word
    items: tuple[ManagerItem, ...] = ()
    rendered: str = ""
    frozen: bool = False
    citation_id: str = ""
    problem: str = ""  # why the data could not be read, or why it cannot be checked


def item_identity(item: ManagerItem) -> str:
    """A stable identity of the cited work across citations: the manager's URI, else
    the DOI, else author + year + title folded. Never the local ``id``: Mendeley
    numbers items ``ITEM-1`` in every citation, whatever the work."""
    if item.uris:
        return item.uris[0]
    csl = item.csl
    doi = str(csl.get("DOI", "")).strip().lower()
    if doi:
        return "doi:" + doi
    key = csl_citation_key(csl)
    if key:
        return "key:" + key
    names = csl.get("author") or csl.get("editor") or []
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], Mapping) else {}
    who = str(first.get("literal") or (str(first.get("family", "")) + str(first.get("given", ""))))
    issued = csl.get("issued")
    year = ""
    if isinstance(issued, Mapping):
        m = re.search(r"\d{4}", json.dumps(issued))
        year = m.group(0) if m else ""
    return "csl:" + "|".join(fold(x) for x in (who, year, str(csl.get("title", ""))))


# ── CSL-JSON payloads (Zotero, Mendeley) ─────────────────────────────────────


def parse_csl_citation(manager: str, text: str) -> Payload:
    """The JSON after ``CSL_CITATION`` (Zotero, legacy Mendeley) or decoded from a
    Mendeley Cite tag. Text after the closing brace (Word pads fields) is ignored."""
    start = text.find("{")
    if start < 0:
        return Payload(manager, problem="the field holds no citation data")
    try:
        data, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as exc:
        return Payload(manager, problem=f"the field's citation data is not valid JSON ({exc.msg})")
    if not isinstance(data, dict):
        return Payload(manager, problem="the field's citation data is not a CSL citation")
    props = _mapping(data.get("properties"))
    mendeley = _mapping(data.get("mendeley"))
    override = _mapping(data.get("manualOverride"))
    rendered = (_text(props.get("plainCitation"))
                or _text(mendeley.get("previouslyFormattedCitation"))
                or _text(override.get("manualOverrideText"))
                or _text(override.get("citeprocText"))
                or _text(mendeley.get("plainTextFormattedCitation"))
                or _text(mendeley.get("formattedCitation"))
                or _text(props.get("formattedCitation")))
    items = tuple(_csl_item(i, manager) for i in _list(data.get("citationItems"))
                  if isinstance(i, Mapping))
    frozen = bool(props.get("dontUpdate")) or bool(override.get("isManuallyOverridden"))
    return Payload(manager, items, _plain(rendered), frozen, _text(data.get("citationID")))


def parse_mendeley_tag(tag: str) -> Payload:
    """A Mendeley Cite content-control tag: ``MENDELEY_CITATION_v3_`` + base64 JSON."""
    encoded = tag.split("MENDELEY_CITATION_v3_", 1)[-1]
    raw = _b64(encoded)
    if raw is None:
        return Payload("mendeley", problem="the Mendeley Cite data is not valid base64")
    return parse_csl_citation("mendeley", raw.decode("utf-8", "replace"))


def _csl_item(raw: Mapping[str, Any], manager: str) -> ManagerItem:
    data = _mapping(raw.get("itemData"))
    uris = raw.get("uris", raw.get("uri", ()))
    found = tuple(_text(u) for u in _list(uris) if _text(u))
    if not found and manager == "mendeley" and _UUID.fullmatch(_text(raw.get("id"))):
        found = (f"mendeley:{_text(raw.get('id')).lower()}",)  # Mendeley Cite: a document id
    return ManagerItem(MappingProxyType(nfc_json(data)), found, _text(raw.get("locator")),
                       _text(raw.get("label")), _text(raw.get("prefix")),
                       _text(raw.get("suffix")))


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


# ── EndNote ──────────────────────────────────────────────────────────────────


def parse_endnote(instr: str, fld_data: Sequence[str] = ()) -> Payload:
    """``ADDIN EN.CITE`` with the ``<EndNote>`` XML inline, or base64 in ``w:fldData``
    (EndNote writes it on the field and again on its nested ``EN.CITE.DATA`` field:
    the first copy that decodes is used)."""
    start = instr.find("<EndNote")
    xml = instr[start:] if start >= 0 else ""
    chunks = [c for c in fld_data if c.strip()]
    for chunk in chunks if not xml else ():
        raw = _b64(chunk)
        decoded = raw.decode("utf-8", "replace") if raw is not None else ""
        if "<EndNote" in decoded:
            xml = decoded[decoded.find("<EndNote"):]
            break
    if not xml.strip():
        problem = ("the EndNote field data is not valid base64" if chunks
                   else "the EndNote field holds no citation data")
        return Payload("endnote", problem=problem)
    end = xml.rfind("</EndNote>")
    xml = xml[: end + len("</EndNote>")] if end >= 0 else xml
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        return Payload("endnote", problem=f"the EndNote citation data is broken XML ({exc})")
    items, shown, ids = [], [], []
    for cite in root.iter("Cite"):
        items.append(_endnote_item(cite))
        shown.append(_all_text(cite.find("DisplayText")))
        ids.append(_all_text(cite.find("RecNum")))
    return Payload("endnote", tuple(items), _plain("; ".join(s for s in shown if s)),
                   citation_id=",".join(i for i in ids if i))


#: EndNote ``<record>`` elements → CSL variables (single values).
_RECORD = (("titles/title", "title"), ("titles/secondary-title", "container-title"),
           ("titles/short-title", "title-short"), ("pub-location", "publisher-place"),
           ("publisher", "publisher"), ("pages", "page"), ("volume", "volume"),
           ("number", "issue"), ("isbn", "ISBN"), ("electronic-resource-num", "DOI"),
           ("edition", "edition"), ("language", "language"))
#: The old ``<MDL>`` records (EndNote ≤ 8) → CSL variables.
_MDL = (("TITLE", "title"), ("SECONDARY_TITLE", "container-title"),
        ("PLACE_PUBLISHED", "publisher-place"), ("PUBLISHER", "publisher"),
        ("PAGES", "page"), ("VOLUME", "volume"), ("NUMBER", "issue"), ("ISBN", "ISBN"),
        ("ISBN_ISSN", "ISBN"), ("ELECTRONIC_RESOURCE_NUMBER", "DOI"))
#: EndNote reference types (by name) → CSL types.
_EN_TYPES = {"book": "book", "edited book": "book", "book section": "chapter",
             "journal article": "article-journal", "newspaper article": "article-newspaper",
             "magazine article": "article-magazine", "thesis": "thesis",
             "conference paper": "paper-conference", "conference proceedings": "paper-conference",
             "report": "report", "web page": "webpage", "manuscript": "manuscript",
             "electronic article": "article-journal", "generic": "document"}


def _endnote_item(cite: ElementTree.Element) -> ManagerItem:
    record, mdl = cite.find("record"), cite.find("MDL")
    csl: dict[str, Any]
    uris: tuple[str, ...] = ()
    if record is not None:
        csl = _from_record(record)
        key = record.find("foreign-keys/key")
        num = _all_text(record.find("rec-number")) or _all_text(cite.find("RecNum"))
        db = key.get("db-id", "") if key is not None else ""
        if db and num:
            uris = (f"endnote:{db}/{num}",)
    elif mdl is not None:
        csl = _from_mdl(mdl)
    else:  # a Cite without its record: only what the citation prints
        csl = {"type": "document"}
        _put_names(csl, "author", [_all_text(cite.find("Author"))])
        _put_year(csl, _all_text(cite.find("Year")))
    return ManagerItem(MappingProxyType(csl), uris, _all_text(cite.find("Pages")),
                       "page" if cite.find("Pages") is not None else "",
                       _all_text(cite.find("Prefix")), _all_text(cite.find("Suffix")))


def _from_record(record: ElementTree.Element) -> dict[str, Any]:
    ref_type = record.find("ref-type")
    name = (ref_type.get("name", "") if ref_type is not None else "").lower()
    csl: dict[str, Any] = {"type": _EN_TYPES.get(name, "document")}
    roles = (("authors", "author"), ("secondary-authors", "editor"),
             ("translated-authors", "translator"), ("tertiary-authors", "editor"))
    for tag, role in roles:
        found = [_all_text(a) for a in record.findall(f"contributors/{tag}/author")]
        if role == "editor" and "editor" in csl:
            continue
        _put_names(csl, role, found)
    for path, var in _RECORD:
        value = _all_text(record.find(path))
        if value:
            csl.setdefault(var, value)
    _put_year(csl, _all_text(record.find("dates/year")))
    if name == "edited book" and "author" in csl and "editor" not in csl:
        csl["editor"] = csl.pop("author")
    return csl


def _from_mdl(mdl: ElementTree.Element) -> dict[str, Any]:
    name = mdl.get("Ref_Type", "").lower()
    csl: dict[str, Any] = {"type": _EN_TYPES.get(name, "document")}
    _put_names(csl, "author", [_all_text(a) for a in mdl.iter("AUTHOR")])
    _put_names(csl, "editor", [_all_text(a) for a in mdl.iter("SECONDARY_AUTHOR")])
    for tag, var in _MDL:
        value = _all_text(mdl.find(tag))
        if value:
            csl.setdefault(var, value)
    _put_year(csl, _all_text(mdl.find("YEAR")))
    return csl


def _put_names(csl: dict[str, Any], role: str, names: list[str]) -> None:
    people = [_en_name(n) for n in names if n.strip()]
    if people:
        csl[role] = people


def _en_name(name: str) -> dict[str, str]:
    """EndNote stores ``Family, Given`` or a whole name; CJK names stay whole."""
    name = name.strip().rstrip(",")
    if re.search(r"[\u3400-\u9fff]", name):
        return {"literal": name.replace(",", "").replace(" ", "")}
    family, comma, given = name.partition(",")
    if comma:
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def _put_year(csl: dict[str, Any], year: str) -> None:
    m = re.search(r"\d{4}", year)
    if m:
        csl["issued"] = {"date-parts": [[int(m.group(0))]]}


# ── helpers ──────────────────────────────────────────────────────────────────


def _all_text(el: ElementTree.Element | None) -> str:
    """An element's text, ``<style>`` runs included (EndNote wraps values in them)."""
    return "" if el is None else nfc("".join(el.itertext())).strip()


def _b64(text: str) -> bytes | None:
    cleaned = re.sub(r"\s+", "", text)
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(cleaned)
        except (binascii.Error, ValueError):
            return None


def _plain(text: str) -> str:
    """A rendered citation as the reader sees it: HTML tags and RTF groups removed."""
    if text.startswith("{\\rtf"):
        text = re.sub(r"\\[a-z]+-?\d* ?|[{}]", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    return nfc(text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")).strip()


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    return nfc(str(value)).strip() if isinstance(value, str | int | float) else ""


def nfc_json(value: Any) -> Any:
    """NFC every string of a JSON value (CJK compatibility ideographs, DESIGN.md)."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [nfc_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): nfc_json(v) for k, v in value.items()}
    return value

