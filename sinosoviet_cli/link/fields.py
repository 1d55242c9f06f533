"""From a parsed ``Reference`` to the BibTeX fields of its entry (escaped, NFC, empty
fields left out): persons, dates biber accepts, the container field each entry type
uses, the imprint. Entry-type decisions are here too (``normalised_type``), so that
the type and its fields are chosen together.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

from sinosoviet_cli.bibtex.escape import escape
from sinosoviet_cli.grammar import is_compilation, langid
from sinosoviet_cli.model import Form, Person, Reference
from sinosoviet_cli.text.names import ALT_ANNOTATION, alt_annotation
from sinosoviet_cli.text.normalize import has_cjk, nfc

_YEAR = re.compile(r"[0-9]{4}")
_ISO_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_ISO_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_SERIES_NUMBER = re.compile(r"[\s,]*(?:no\.?|number|nr\.?|#)?\s*$", re.IGNORECASE)
_ORDINAL_EDITION = re.compile(r"^([0-9]+)\s*(?:st|nd|rd|th)?\.?\s*(?:ed\.?|edition)?$",
                              re.IGNORECASE)


def split_western(name: str) -> tuple[str, str]:
    """``Family, Given`` or ``Given Family`` → (family, given)."""
    name = " ".join(name.split())
    if "," in name:
        family, given = name.split(",", 1)
        return family.strip(), given.strip()
    words = name.split(" ")
    return words[-1], " ".join(words[:-1])


def person_field(persons: Sequence[Person], etal: bool = False) -> str:
    """A BibTeX name list: Chinese names braced whole, Western ``Family, Given``."""
    out: list[str] = []
    for p in persons:
        # A foreign author printed in two scripts keeps the Latin one (DESIGN: Meisner).
        if p.literal and p.alt and has_cjk(p.literal) and not has_cjk(p.alt):
            family, given = split_western(p.alt)
            p = Person(family=family, given=given)
        if p.literal:
            out.append("{" + escape(nfc(p.literal)) + "}")
        elif p.family == "others":
            out.append("others")
        else:
            out.append(escape(nfc(p.bibtex())))
    if etal and out and out[-1] != "others":
        out.append("others")  # 等譯 / et al.
    return " and ".join(out)


def alt_fields(ref: Reference, *roles: str) -> dict[str, str]:
    """``author+an:alt = {1="莫里斯‧邁斯納"}``: the other script of the persons a
    field holds in Latin (README, conventions: names in two scripts)."""
    persons = {"author": ref.authors, "editor": ref.editors, "translator": ref.translators}
    return {role + ALT_ANNOTATION: escape(nfc(alt_annotation(persons[role]))) for role in roles}


def _etal(ref: Reference, role: str) -> bool:
    return role in ref.extra.get("etal", "").replace(",", " ").split()


def _dates(ref: Reference) -> dict[str, str]:
    """``year`` (+ ``month``), or ``date`` for ranges and exact days: biber wants a
    numeric year, and warns when both ``year`` and ``date`` are given."""
    date = ref.date.strip()
    years = sorted(set(_YEAR.findall(ref.year)) | set(_YEAR.findall(date)))
    if len(years) >= 2:  # 1991、1993: a multi-volume work published over a range of years
        return {"date": f"{years[0]}/{years[-1]}"}
    day = _ISO_DAY.match(date)
    if day:
        return {"date": date}
    month = _ISO_MONTH.match(date)
    if month:
        return {"year": month.group(1), "month": str(int(month.group(2)))}
    if years:
        return {"year": years[0]}
    found = _YEAR.search(date)
    return {"year": found.group(0)} if found else {}


def normalised_type(ref: Reference) -> str:
    """The entry type biber's data model accepts for what the reference prints."""
    kind = ref.entry_type or "misc"
    if kind == "book" and not ref.authors and ref.editors:
        return "collection"  # 人民出版社編《…》, 沈志華主編《…》: an edited volume
    if kind == "incollection" and not ref.container:
        return "book"
    if kind == "inproceedings" and not ref.container:
        return "unpublished"  # a conference paper without proceedings (biber wants booktitle)
    if kind == "online" and not ref.url:
        # A web page printed without its address (《中國冷戰網》，2007年10月22日) is
        # @misc with howpublished (biber's @online needs url); anything with volume,
        # issue or pages, or without a full date, reads as an article.
        page = len(ref.date) == 10 and not (ref.volume or ref.number or ref.pages)
        return "misc" if page or not ref.container else "article"
    return kind


def _edition(value: str) -> str:
    """``2nd ed.`` → ``2`` (biblatex prints the ordinal itself); words stay as printed."""
    found = _ORDINAL_EDITION.match(value.strip())
    return found.group(1) if found else text(value)


def text(value: str) -> str:
    """A printed value as a BibTeX value: spaces collapsed, NFC, escaped."""
    return escape(nfc(" ".join(value.split())))


@lru_cache(maxsize=1)
def _web_editions() -> frozenset[str]:
    """Words for a journal's web edition (網路版), from the citation grammar's data."""
    raw = tomllib.loads(resources.files("sinosoviet_cli").joinpath("data/grammar.toml")
                        .read_text("utf-8"))
    return frozenset(nfc(w) for w in raw["online"]["edition_words"])


def _web_edition(ref: Reference) -> Reference:
    """《二十一世紀》網路版，12（2003.3）: the web edition goes to ``journalsubtitle``
    (exports print it with the journal) and its lone number is an issue (期) number:
    web editions are numbered by issue, not by volume."""
    if ref.note.strip() not in _web_editions():
        return ref
    extra = {**ref.extra, "journalsubtitle": ref.note.strip()}
    if ref.volume and not ref.number:
        ref = replace(ref, number=ref.volume, volume="")
    return replace(ref, note="", extra=MappingProxyType(extra))


#: Where each entry type puts the reference's container (journal, volume, event…).
_CONTAINER: dict[str, tuple[tuple[str, Callable[[Reference], str]], ...]] = {
    "incollection": (("booktitle", lambda r: r.container),),
    "article": (("journal", lambda r: r.container),
                ("journalsubtitle", lambda r: r.extra.get("journalsubtitle", ""))),
    "unpublished": (("eventtitle", lambda r: r.eventtitle or _event_container(r)),),
    "inproceedings": (("eventtitle", lambda r: r.eventtitle or r.container),),
    "online": (("organization", lambda r: r.container),),
    "misc": (("howpublished", lambda r: r.container),),
}


def _editortype(printed: str, title: str, editors: Sequence[Person]) -> str:
    """``compiler`` (comp.) only for a compilation of documents; 編 of a volume of
    essays is an editor (ed.), as English-language sinology writes it (issue 16 #11)."""
    if printed != "compiler":
        return printed
    return printed if is_compilation(title, [p.literal or p.family for p in editors]) else ""


def _contributors(ref: Reference) -> dict[str, str]:
    """Editors and translators of the entry itself (a chapter's belong to its volume)."""
    f = {"editor": person_field(ref.editors, _etal(ref, "editors"))}
    if ref.editors:  # 編 (compiled by) vs 主編: biblatex prints "comp." for compiler
        f["editortype"] = _editortype(ref.extra.get("editortype", ""), ref.title, ref.editors)
    f["translator"] = person_field(ref.translators, _etal(ref, "translators"))
    f.update(alt_fields(ref, "editor", "translator"))
    if ref.extra.get("editora"):  # 校 (revised by): biblatex's editora with its role
        f["editora"] = ref.extra["editora"]
        f["editoratype"] = ref.extra.get("editoratype", "")
    return f


def _event_container(ref: Reference) -> str:
    """An unpublished paper's container is its event; an archival document's container
    is the record group it is filed in (《外交部檔案》), kept with its repository."""
    return "" if ref.extra.get("archive") else ref.container


def _archive_note(ref: Reference, institution: str) -> str:
    """Where an unpublished document is held: its record group, then the repository."""
    group = text(ref.container) if ref.extra.get("archive") else ""
    return ("，" if has_cjk(group) else ", ").join(x for x in (group, institution) if x)


def _imprint(ref: Reference, kind: str) -> dict[str, str]:
    """Volume, series, place, publisher (or its stand-in for the type) and dates."""
    f = {
        "volume": text(ref.volume),
        "volumes": text(ref.extra.get("volumes", "")),  # 上、下卷
        "edition": _edition(ref.extra.get("edition", "")),
        "series": text(ref.extra.get("series", "")),
        "part": text(ref.extra.get("part", "")),
        "number": text(ref.number),
        "address": " and ".join(text(p) for p in ref.places),
    }
    publishers = " and ".join(text(p) for p in ref.publishers)
    institution = text(ref.institution)
    if kind in ("phdthesis", "mastersthesis"):
        f["school"] = institution or publishers
    elif kind == "report":
        # biblatex: `type` is the report series (or kind), `number` its number.
        f["institution"] = institution or publishers
        f["type"] = text(_SERIES_NUMBER.sub("", ref.container)) or "report"
        f["number"] = text(ref.number or ref.volume)
        f.pop("volume", None)
    elif kind == "unpublished":
        f["note"] = _archive_note(ref, institution)
    else:
        f["publisher"] = publishers
    f.update(_dates(ref))
    return f


def _article_span(ref: Reference, kind: str) -> str:
    """A Chicago full note of an article that prints a page range and no page of its
    own (``…(2009): 74–117.``) cites the whole article: the range is its span. Chinese
    notation prints the pages cited (第85—87页), so only Latin-script notes count."""
    chicago = "romanized_title" in ref.extra or not has_cjk(ref.title)
    if kind != "article" or not chicago or ref.form is not Form.FULL or "--" not in ref.pages:
        return ""
    return text(ref.pages)


def _newspaper_page(ref: Reference, kind: str) -> str:
    """《人民日報》1963年9月6日，第1版: the page (版) a newspaper article is printed on
    is the article's own, so its entry keeps it (biblatex ``pages``)."""
    if kind != "article" or ref.form is not Form.FULL or ref.extra.get("locator") != "版":
        return ""
    return text(ref.pages)


def own_fields(ref: Reference, kind: str) -> dict[str, str]:
    """The fields a reference gives its own entry (not its volume's)."""
    if kind == "article":
        ref = _web_edition(ref)
    f = {"author": person_field(ref.authors, _etal(ref, "authors")), **alt_fields(ref, "author")}
    if kind != "incollection":
        f.update(_contributors(ref))
    f["title"] = text(ref.title)
    # the set a volume belongs to (``…, vol. 2, Crises and Détente``): biblatex maintitle
    f["maintitle"] = text(ref.extra.get("maintitle", ""))
    f.update((name, text(get(ref))) for name, get in _CONTAINER.get(kind, ()))
    if kind != "incollection":
        f.update(_imprint(ref, kind))
    # "246–94, at 258": the span of a chapter or article printed beside the page cited.
    f["pages"] = (text(ref.extra.get("extent", "")) or _article_span(ref, kind)
                  or _newspaper_page(ref, kind))
    if ref.url:
        f["url"] = nfc(ref.url.strip())  # url is verbatim in biblatex: no escaping
        f["urldate"] = text(ref.extra.get("urldate", ""))
    if ref.note:
        f["note"] = "; ".join(x for x in (f.get("note", ""), text(ref.note)) if x)
    f.update(romanized_fields(ref))
    f["langid"] = ref.langid or langid(ref.title, ref.container,
                                       *(p.display for p in ref.authors))
    return {k: v for k, v in f.items() if v}


#: Where a sinological citation's romanised forms go: biblatex's standard literal
#: fields ``usera``–``userc`` (in every entry type, so biber's data model validates
#: them without a declaration); the characters stay in author/title/journal.
ROMANIZED_FIELDS = (("usera", "romanized_names"), ("userb", "romanized_title"),
                    ("userc", "romanized_container"))


def romanized_fields(ref: Reference) -> dict[str, str]:
    """``usera`` = Sima Qian, ``userb`` = Shiji, ``userc`` = Tang yanjiu (as printed)."""
    return {field: text(ref.extra[key]) for field, key in ROMANIZED_FIELDS
            if ref.extra.get(key)}


def _volume_extra(extra: Mapping[str, str]) -> dict[str, str]:
    """A chapter's extras as its volume's: the volume's romanised title is the chapter's
    romanised container; the chapter's romanised authors and page span are not the
    volume's."""
    out = {k: v for k, v in extra.items() if k not in (
        "romanized_names", "romanized_title", "romanized_container", "extent")}
    if extra.get("romanized_container"):
        out["romanized_title"] = extra["romanized_container"]
    return out


def volume_fields(ref: Reference) -> dict[str, str]:
    """The ``collection`` entry for the volume a chapter is in."""
    volume = Reference(
        text=ref.text,
        entry_type="collection",
        editors=ref.container_editors or ref.editors,
        translators=ref.translators,
        title=ref.container,
        places=ref.places,
        publishers=ref.publishers,
        year=ref.year,
        date=ref.date,
        volume=ref.volume,
        langid=ref.langid,
        extra=MappingProxyType({**_volume_extra(ref.extra), "editortype": _editortype(ref.extra.get(
            "containereditortype" if ref.container_editors else "editortype", ""),
            ref.container, ref.container_editors or ref.editors)}),
    )
    return own_fields(volume, "collection")
