"""CSL-JSON ↔ :class:`~sinosoviet_cli.model.Work`.

Reference managers speak CSL-JSON: Zotero's "Export Library… → CSL JSON", and the
``itemData`` every Zotero or Mendeley field in a Word draft carries. This module maps it
to the project's BibTeX conventions (DESIGN.md) and back, so that a CSL-JSON library is
one more ``--bib`` and ``export --format csl-json`` writes what Zotero imports again.

The mapping is a pair of tables walked by small loops; what the CSL variables cannot
hold (BibTeX ``crossref``, a journal subtitle, "and others", the ``footnotes`` list)
travels as ``tex.<field>: <value>`` lines of ``note`` (:mod:`.csltex`), so that bib →
CSL-JSON → works gives the same entries. The school tag travels twice, as a ``keyword``
and as a ``school: <id>`` line of ``note`` (Zotero's *Extra*, which Zotero keeps on
import while it may drop unknown variables).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.bibtex.bibio import FIELD_ORDER, inherit
from sinosoviet_cli.drafts import csltex
from sinosoviet_cli.errors import BibError
from sinosoviet_cli.files import read_text
from sinosoviet_cli.link.keys import assign
from sinosoviet_cli.model import Work, split_persons
from sinosoviet_cli.text import names
from sinosoviet_cli.text.normalize import has_cjk, nfc

SCHOOL_PREFIX = "school:"

#: CSL type → BibTeX type (the default; :func:`_entry_type` refines books and theses).
_FROM_CSL = {
    "book": "book", "chapter": "incollection", "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection", "entry": "incollection",
    "article-journal": "article", "article-magazine": "article",
    "article-newspaper": "article", "article": "article", "review": "article",
    "review-book": "article", "thesis": "phdthesis", "paper-conference": "inproceedings",
    "manuscript": "unpublished", "speech": "unpublished", "webpage": "online",
    "post": "online", "post-weblog": "online", "report": "report", "document": "misc",
    "interview": "misc", "personal_communication": "misc", "pamphlet": "booklet",
}
_TO_CSL = {
    "book": "book", "collection": "book", "mvbook": "book", "incollection": "chapter",
    "inbook": "chapter", "article": "article-journal", "phdthesis": "thesis",
    "mastersthesis": "thesis", "inproceedings": "paper-conference",
    "unpublished": "manuscript", "online": "webpage", "report": "report", "misc": "document",
    "booklet": "pamphlet",
}
#: CSL variables copied one-to-one (CSL name, BibTeX field).
_PLAIN = (
    ("title", "title"), ("title-short", "shorttitle"), ("publisher-place", "address"),
    ("volume", "volume"), ("issue", "number"), ("edition", "edition"),
    ("number-of-volumes", "volumes"), ("URL", "url"), ("DOI", "doi"), ("ISBN", "isbn"),
    ("collection-title", "series"), ("event-title", "eventtitle"), ("abstract", "abstract"),
)
#: CSL name variables and the BibTeX field each becomes.
_NAMES = (("author", "author"), ("editor", "editor"), ("translator", "translator"),
          ("container-author", "bookauthor"))
_LANGUAGES = {"zh": "chinese", "en": "english", "ru": "russian", "ja": "japanese",
              "de": "german", "fr": "french"}
_LANG_CODES = {"chinese": "zh-TW", "english": "en-US", "russian": "ru-RU",
               "japanese": "ja-JP", "german": "de-DE", "french": "fr-FR"}
_MASTERS = re.compile(r"master|碩士|硕士|\bM\.?A\b|\bM\.?Phil", re.IGNORECASE)
_NOTE_LINE = re.compile(r"^\s*(citation key|school)\s*:\s*(\S.*?)\s*$", re.IGNORECASE)
_FIX = "export it from Zotero with File → Export Library… → CSL JSON"


# ── names ────────────────────────────────────────────────────────────────────


def join_cjk_name(family: str, given: str) -> str:
    """``杨`` + ``奎松`` → ``杨奎松``: a Chinese name a manager split into family and
    given is one unit (the project's ``{楊奎松}``). Returns ``""`` when the parts are
    not both CJK, so callers can tell a Western name (``Meisner``, ``Maurice``)."""
    family, given = nfc(family.strip()), nfc(given.strip())
    if not family or not has_cjk(family) or (given and not has_cjk(given)):
        return ""
    if re.search(r"[A-Za-z]", family + given):
        return ""
    return re.sub(r"\s+", "", family + given)


def csl_name_to_bibtex(name: Mapping[str, Any]) -> str:
    """One CSL name as a BibTeX person: literals and Chinese names braced whole,
    Western names ``Family, Given`` (particles kept with the family name)."""
    literal = _str(name.get("literal"))
    if literal:
        return "{" + literal + "}"
    family = " ".join(p for p in (_str(name.get("non-dropping-particle")),
                                  _str(name.get("family"))) if p)
    given = " ".join(p for p in (_str(name.get("given")),
                                 _str(name.get("dropping-particle"))) if p)
    whole = join_cjk_name(family, given)
    if whole:
        return "{" + whole + "}"
    suffix = _str(name.get("suffix"))
    if family and given:
        return f"{family}, {suffix}, {given}" if suffix else f"{family}, {given}"
    single = family or given
    return single if " " not in single else "{" + single + "}"


def bibtex_to_csl_name(person: str) -> dict[str, str]:
    """One BibTeX person as a CSL name, by the one names layer (``text.names``):
    braced or CJK names as ``literal`` (Zotero and citeproc then print them whole)."""
    return names.csl_name(names.parse_person(person))


# ── CSL-JSON → Work ──────────────────────────────────────────────────────────


def csl_to_fields(item: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A CSL-JSON item as a BibTeX type and fields (the project's conventions)."""
    ctype = _str(item.get("type")) or "document"
    fields: dict[str, str] = {}
    for csl, bib in _NAMES:
        people = [csl_name_to_bibtex(n) for n in _names(item.get(csl))]
        if people:
            fields[bib] = " and ".join(people)
            alts = names.alternates_of(_names(item.get(csl)))
            if alts:
                fields[bib + names.ALT_ANNOTATION] = alts
    compilers = [csl_name_to_bibtex(n) for n in _names(item.get("compiler"))]
    if compilers and "editor" not in fields:
        fields["editor"] = " and ".join(compilers)
        fields["editortype"] = "compiler"
    for csl, bib in _PLAIN:
        value = _str(item.get(csl))
        if value:
            fields[bib] = value
    entry_type = _entry_type(ctype, item, fields)
    _container(entry_type, ctype, item, fields)
    page = _str(item.get("page"))
    if page:
        fields["pages"] = re.sub(r"\s*[-–]+\s*", "--", page)
    # A paper read at a meeting is dated and placed by its event (export writes these).
    fields.update(_dates(item.get("issued")) or _dates(item.get("event-date")))
    if "address" not in fields and _str(item.get("event-place")):
        fields["address"] = _str(item.get("event-place"))
    accessed = _dates(item.get("accessed"))
    if accessed:
        fields["urldate"] = accessed.get("date") or accessed.get("year", "")
    language = _str(item.get("language"))
    if language:
        fields["langid"] = _LANGUAGES.get(language[:2].lower(), language.lower())
    elif has_cjk(fields.get("title", "")):
        fields["langid"] = "chinese"
    carried = _note_and_keywords(item, fields)
    _publisher(entry_type, item, fields)
    return csltex.apply(entry_type, fields, carried), fields


def csl_citation_key(item: Mapping[str, Any]) -> str:
    """The citation key a manager stores: Zotero 7's ``citation-key`` or a
    ``Citation Key: …`` line in ``note`` (Better BibTeX); ``""`` if none."""
    key = _str(item.get("citation-key")) or _str(item.get("citationKey"))
    if key:
        return key
    for line in _str(item.get("note")).splitlines():
        m = _NOTE_LINE.match(line)
        if m and m.group(1).lower() == "citation key":
            return m.group(2)
    return ""


def items_to_works(items: Sequence[Mapping[str, Any]]) -> tuple[Work, ...]:
    """CSL-JSON items as works; items without a stored citation key get the project's
    keys (romanised family name + year + first title word), unique without case."""
    converted = [csl_to_fields(item) for item in items]
    stored = [csl_citation_key(item) for item in items]
    # Romanising every key costs more than reading the items: only when one is needed.
    generated = assign([f for _, f in converted]) if not all(stored) else list(stored)
    keys: list[str] = []
    taken = {key.casefold() for key in stored} - {""}
    for own, key in zip(stored, generated, strict=True):
        if not own:
            own = key
            while own.casefold() in taken:
                own += "x"
            taken.add(own.casefold())
        keys.append(own)
    parents = {key.casefold(): Work(key, t, f)
               for key, (t, f) in zip(keys, converted, strict=True)}
    for item, (_, fields) in zip(items, converted, strict=True):
        _own_fields_only(fields, parents, set(csltex.overrides(_note_lines(item))))
    return tuple(Work(key, entry_type, MappingProxyType(_in_bibtex_order(fields)))
                 for key, (entry_type, fields) in zip(keys, converted, strict=True))


_RANK = {name: i for i, name in enumerate(FIELD_ORDER)}


def _in_bibtex_order(fields: Mapping[str, str]) -> dict[str, str]:
    """Fields in the order references.bib writes them (``show`` prints that order)."""
    return dict(sorted(fields.items(), key=lambda kv: (_RANK.get(kv[0], len(_RANK)), kv[0])))


def _own_fields_only(fields: dict[str, str], by_key: Mapping[str, Work],
                     kept: set[str]) -> None:
    """A chapter whose ``crossref`` volume is in the same library drops the fields it
    has from that volume (a CSL item carries them all), as biblatex would inherit
    them; ``kept``: fields its ``tex.`` lines set, which are its own."""
    parent = fields.get("crossref", "")
    if not parent or parent.casefold() not in by_key:
        return
    inherited = inherit(Work("", "", {"crossref": parent}), by_key)
    for name in [n for n in fields if n not in kept and n != "crossref"]:
        if inherited.get(name) == fields[name]:
            del fields[name]


def load_csl_json(path: str | Path) -> tuple[Work, ...]:
    """A CSL-JSON bibliography file (a list of items, or an object of items by id)."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BibError(f"is not valid JSON (line {exc.lineno}: {exc.msg})", path=path,
                       fix=_FIX) from exc
    if isinstance(data, dict):
        data = data.get("items", list(data.values()))
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise BibError("is JSON but not a CSL-JSON list of items", path=path, fix=_FIX)
    bad = next((n for n, i in enumerate(data, 1) if not (i.get("type") or i.get("title"))),
               None)
    if bad is not None:
        raise BibError(f"item {bad} has neither a type nor a title: not CSL-JSON",
                       path=path, fix=_FIX)
    return items_to_works([_nfc(i) for i in data])


def _entry_type(ctype: str, item: Mapping[str, Any], fields: Mapping[str, str]) -> str:
    entry_type = _FROM_CSL.get(ctype, "misc")
    if entry_type == "book" and "author" not in fields and "editor" in fields:
        return "collection"
    if entry_type == "phdthesis" and _MASTERS.search(_str(item.get("genre"))):
        return "mastersthesis"
    if entry_type == "inproceedings" and not _str(item.get("container-title")):
        return "unpublished"
    if entry_type == "online" and not (fields.get("url") or fields.get("doi")):
        return "misc"  # biber requires an address for @online
    return entry_type


def _container(entry_type: str, ctype: str, item: Mapping[str, Any],
               fields: dict[str, str]) -> None:
    container = _str(item.get("container-title"))
    if not container:
        return
    if entry_type == "article":
        fields["journal"] = container
        if ctype in ("article-newspaper", "article-magazine"):
            fields["entrysubtype"] = ctype.split("-")[1]
    elif entry_type in ("incollection", "inproceedings"):
        fields["booktitle"] = container
    else:
        fields["howpublished"] = container


def _publisher(entry_type: str, item: Mapping[str, Any], fields: dict[str, str]) -> None:
    publisher = _str(item.get("publisher"))
    if not publisher:
        return
    if entry_type in ("phdthesis", "mastersthesis"):
        fields["school"] = publisher
    elif entry_type == "unpublished" and "note" not in fields:
        fields["note"] = publisher  # the project keeps an @unpublished's institution there
    elif entry_type == "report":
        fields["institution"] = publisher
    else:
        fields["publisher"] = publisher
    if entry_type == "report" and _str(item.get("number")):
        fields["number"] = _str(item.get("number"))


def _dates(value: Any) -> dict[str, str]:
    """CSL dates as ``year`` (a year alone) or ``date`` (ISO, ``/`` for ranges)."""
    if not isinstance(value, Mapping):
        return {}
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        ends = [_iso(p) for p in parts[:2] if isinstance(p, list) and p]
        ends = [e for e in ends if e]
        if len(ends) == 1 and re.fullmatch(r"\d{4}", ends[0]):
            return {"year": ends[0]}
        if len(ends) == 1 and re.fullmatch(r"\d{4}-\d\d", ends[0]):
            return {"year": ends[0][:4], "month": str(int(ends[0][5:]))}  # BibTeX's form
        if ends:
            return {"date": "/".join(ends)}
    raw = _str(value.get("raw")) or _str(value.get("literal"))
    m = re.search(r"\d{4}", raw)
    return {"year": m.group(0)} if m else {}


def _iso(part: list[Any]) -> str:
    try:
        numbers = [int(str(x)) for x in part[:3]]
    except ValueError:
        return ""
    if not numbers or numbers[0] <= 0:
        return ""
    return "-".join([f"{numbers[0]:04d}", *(f"{x:02d}" for x in numbers[1:])])


def _note_and_keywords(item: Mapping[str, Any], fields: dict[str, str]) -> dict[str, str]:
    """``note`` without the lines that are data (``Citation Key:``, ``school:``,
    ``tex.<field>:``); the school joins ``keywords`` as ``school:<id>``. Returns the
    fields the ``tex.`` lines carry."""
    keywords = [k.strip() for k in re.split(r"[,;]", _str(item.get("keyword"))) if k.strip()]
    kept: list[str] = []
    lines = _note_lines(item)
    for line in lines:
        m = _NOTE_LINE.match(line)
        if m and m.group(1).lower() == "school":
            keywords.append(SCHOOL_PREFIX + m.group(2))
        elif not m and csltex.decode(line) is None:
            kept.append(line)
    if "\n".join(kept).strip():
        fields["note"] = "\n".join(kept).strip()
    unique = list(dict.fromkeys(keywords))
    if unique:
        fields["keywords"] = ", ".join(unique)
    return csltex.overrides(lines)


def _note_lines(item: Mapping[str, Any]) -> list[str]:
    return _str(item.get("note")).splitlines()


# ── Work → CSL-JSON ──────────────────────────────────────────────────────────


def work_to_csl(work: Work, by_key: Mapping[str, Work] | None = None) -> dict[str, Any]:
    """One work as a CSL-JSON item Zotero imports: Chinese names as ``literal``,
    ``language`` set, the key as ``citation-key``, the school in ``keyword`` and as a
    ``school: <id>`` line of ``note``. A chapter takes its ``crossref`` volume's fields
    (``by_key``: works by case-folded key), since CSL items stand alone. Whatever the
    CSL variables would not give back (:func:`csl_to_fields`) is added to ``note`` as
    ``tex.<field>:`` lines, so that reading the item back gives ``work`` again."""
    by_key = by_key or {}
    item = _variables(work, by_key)
    back_type, back = csl_to_fields(item)
    wanted = {k: v for k, v in work.fields.items() if v != ""}
    lines = []
    if wanted.get("crossref") and back.get("crossref") != wanted["crossref"]:
        lines.append(csltex.encode("crossref", wanted["crossref"]))
        back["crossref"] = wanted["crossref"]  # read back first, then inherited from
    _own_fields_only(back, by_key, set())
    lines += csltex.difference(work.entry_type, wanted, back_type, back)
    if lines:
        item["note"] = "\n".join([*([item["note"]] if item.get("note") else []), *lines])
    return item


def _variables(work: Work, by_key: Mapping[str, Work]) -> dict[str, Any]:
    f = inherit(work, by_key)
    journal, subtitle = f.get("journal") or f.get("journaltitle", ""), f.get("journalsubtitle")
    if journal and subtitle:  # 《二十一世紀》網路版: CSL has no journal subtitle
        f["journal"] = journal + ("：" if has_cjk(journal) else ": ") + subtitle
    work = Work(work.key, work.entry_type, f)
    item: dict[str, Any] = {"id": work.key, "citation-key": work.key,
                            "type": _csl_type(work)}
    for csl, bib in _NAMES:
        # biblatex's "and others" has no CSL form: Zotero would import a person "others".
        people = [bibtex_to_csl_name(p) for p in split_persons(f.get(bib, ""))
                  if p != "others"]
        if people:
            item[csl] = names.with_alternates(people, f.get(bib + names.ALT_ANNOTATION, ""))
    if f.get("editortype", "").strip().lower() == "compiler" and "editor" in item:
        item["compiler"] = item.pop("editor")
    for csl, bib in _PLAIN:
        if f.get(bib, "").strip():
            item[csl] = f[bib].strip()
    _csl_container_and_publisher(work, item)
    if f.get("pages", "").strip():
        item["page"] = f["pages"].strip().replace("--", "-")
    issued = _csl_date(f.get("date", "") or _year_month(f))
    if issued:
        item["issued"] = issued
    accessed = _csl_date(f.get("urldate", ""))
    if accessed:
        item["accessed"] = accessed
    item["language"] = _LANG_CODES.get(f.get("langid", "").strip().lower(), "") or (
        "zh-TW" if has_cjk(f.get("title", "")) else "en-US")
    if item["type"] == "paper-conference" and "container-title" not in item:
        f = _at_meeting(f, item)
    _csl_note_and_keywords(f, item)
    return item


def _at_meeting(f: dict[str, str], item: dict[str, Any]) -> dict[str, str]:
    """A paper read at a meeting (an ``@unpublished`` with an event): dated and placed
    by its event, as the Chicago styles print it ("Paper presented at <event>, <date>,
    <place>"; an ``issued`` date would be printed a second time), and its institution
    (kept in ``note``, biblatex's @unpublished having no field for it; the paper prints
    台中：中興大學國際政治所…) as ``publisher``. Without a publisher the Chicago 18
    notes-bibliography style leaves the paper out of a bibliography (CMOS 18 14.115),
    which pandoc reports as an entry with no printed form. Returns the fields left
    for ``note``."""
    event_date = _csl_date(f.get("eventdate", "")) or item.pop("issued", None)
    if event_date:
        item["event-date"] = event_date
    place = f.get("venue", "").strip() or item.pop("publisher-place", "")
    if place:
        item["event-place"] = place
    note = f.get("note", "").strip()
    if note and "publisher" not in item and "\n" not in note:
        item["publisher"] = note
        return {k: v for k, v in f.items() if k != "note"}
    return f


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _year_month(f: Mapping[str, str]) -> str:
    """BibTeX's ``year`` with its ``month`` (a number or ``mar``) as ``2003-03``."""
    year, month = f.get("year", "").strip(), f.get("month", "").strip().lower()
    number = int(month) if month.isdigit() else _MONTHS.get(month[:3], 0)
    if re.fullmatch(r"\d{4}", year) and 1 <= number <= 12:
        return f"{year}-{number:02d}"
    return year


def works_to_csl_json(works: Iterable[Work]) -> list[dict[str, Any]]:
    """Works as a CSL-JSON list (``export --format csl-json``)."""
    listed = list(works)
    by_key = {w.key.casefold(): w for w in listed}
    return [work_to_csl(w, by_key) for w in listed]


def _csl_container_and_publisher(work: Work, item: dict[str, Any]) -> None:
    f = work.fields
    container = (f.get("journal") or f.get("journaltitle") or f.get("booktitle")
                 or f.get("howpublished") or "")
    if container.strip():
        item["container-title"] = container.strip()
    publisher = f.get("publisher") or f.get("school") or f.get("institution") or ""
    if publisher.strip():
        item["publisher"] = publisher.strip()
    if work.entry_type == "report" and "issue" in item:
        item["number"] = item.pop("issue")
    if work.entry_type in ("phdthesis", "mastersthesis"):
        item["genre"] = "PhD diss." if work.entry_type == "phdthesis" else "Master's thesis"


def _csl_type(work: Work) -> str:
    ctype = _TO_CSL.get(work.entry_type, "document")
    subtype = work.fields.get("entrysubtype", "").strip().lower()
    if ctype == "article-journal" and subtype in ("newspaper", "magazine"):
        return f"article-{subtype}"
    if ctype == "manuscript" and any(
            work.fields.get(n, "").strip() for n in ("eventtitle", "eventdate", "venue")):
        # biblatex has no type for a paper read at a meeting: CSL's paper-conference
        # (as csl.items renders it), not a manuscript, which styles print as one.
        return "paper-conference"
    return ctype


def _csl_date(value: str) -> dict[str, Any] | None:
    ends = [e.strip() for e in re.split(r"/|--", value.strip()) if e.strip()]
    parts = []
    for end in ends[:2]:
        m = re.fullmatch(r"(\d{3,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", end)
        if not m:
            return {"literal": value.strip()} if value.strip() else None
        parts.append([int(g) for g in m.groups() if g])
    return {"date-parts": parts} if parts else None


def _csl_note_and_keywords(f: Mapping[str, str], item: dict[str, Any]) -> None:
    keywords = [k.strip() for k in f.get("keywords", "").split(",") if k.strip()]
    schools = [k[len(SCHOOL_PREFIX):] for k in keywords if k.startswith(SCHOOL_PREFIX)]
    lines = [f.get("note", "").strip()] if f.get("note", "").strip() else []
    lines += [f"school: {s}" for s in schools]
    if lines:
        item["note"] = "\n".join(lines)
    if keywords:
        item["keyword"] = ", ".join(keywords)


# ── helpers ──────────────────────────────────────────────────────────────────


def _str(value: Any) -> str:
    """A CSL variable as text: numbers (``"volume": 3``) become strings."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return nfc(value).strip() if isinstance(value, str) else ""


def _names(value: Any) -> list[Mapping[str, Any]]:
    return [n for n in value if isinstance(n, Mapping)] if isinstance(value, list) else []


def _compact(d: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in d.items() if v}


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value
