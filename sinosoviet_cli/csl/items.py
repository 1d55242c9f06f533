"""CSL-JSON items from our ``Work`` values (W2, W11, W12): citeproc-py's own BibTeX
reader is unusable on this data, so the fields are mapped here, with LaTeX decoded
(``delatex``) and persons as CSL names (CJK names whole, as ``literal``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.model import Work, split_persons
from sinosoviet_cli.text import names
from sinosoviet_cli.text.latex import delatex, unbrace
from sinosoviet_cli.text.normalize import has_cjk

_TYPES = {
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "reference": "book", "incollection": "chapter",
    "inbook": "chapter", "inreference": "entry-encyclopedia", "article": "article-journal",
    "periodical": "periodical", "phdthesis": "thesis", "mastersthesis": "thesis",
    "thesis": "thesis", "inproceedings": "paper-conference", "unpublished": "manuscript",
    "online": "webpage", "www": "webpage", "report": "report", "techreport": "report",
    "misc": "document", "manual": "book", "booklet": "pamphlet", "patent": "patent",
    "software": "software", "dataset": "dataset", "video": "motion_picture",
}
_LANGUAGES = {"chinese": "zh-TW", "english": "en-US", "russian": "ru-RU", "japanese": "ja-JP",
              "german": "de-DE", "french": "fr-FR"}
_GENRES = {
    ("phdthesis", "zh"): "博士論文", ("mastersthesis", "zh"): "碩士論文",
    ("phdthesis", "en"): "PhD diss.", ("mastersthesis", "en"): "Master's thesis",
}


def csl_name(person: str) -> dict[str, str]:
    """One BibTeX person as a CSL name (``text.names``, the one parser): braced or CJK
    names whole (``literal``, W2); Western given names as Chicago prints initials."""
    name = names.csl_name(names.parse_person(person))
    if "given" in name:
        name["given"] = _initials(name["given"])
    return name


def _initials(given: str) -> str:
    # "J.J." and "J B" are printed "J. J." and "J. B." in Chicago (and by biblatex).
    given = re.sub(r"\.(?=[A-Z])", ". ", given)
    return re.sub(r"\b([A-Z])(?=\s|$)(?!\.)", r"\1.", given)


def _date(value: str) -> dict[str, Any] | None:
    value = value.strip()
    if not value:
        return None
    m = re.fullmatch(r"(\d{3,4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value)
    if m:
        return {"date-parts": [[int(g) for g in m.groups() if g]]}
    m = re.fullmatch(r"(\d{3,4})\s*(?:--?|–|/)\s*(\d{3,4})", value)
    if m:
        return {"date-parts": [[int(m.group(1))], [int(m.group(2))]]}
    return {"literal": value}


def _title(fields: Mapping[str, str], main: str, sub: str) -> tuple[str, str]:
    """Title and short title: a subtitle (separate field or after a colon) is dropped
    from the short title, as Chicago's short notes expect."""
    title, subtitle = fields.get(main, ""), fields.get(sub, "")
    if subtitle:
        sep = "：" if has_cjk(title) else ": "
        return title + sep + subtitle, title
    m = re.search(r"：|: ", title)
    return title, (title[: m.start()] if m else "")


@dataclass(frozen=True, slots=True)
class _Source:
    """What the field table reads for one work: its (crossref-inherited) fields and
    the decisions several rows share."""

    f: Mapping[str, str]
    entry_type: str
    ctype: str
    locale: str
    escape: Callable[[str], str]
    journal: str  # the journal (or web site) container; "" for a book's chapter
    publisher: str  # the publisher as first printed ("" lets later rows supply one)
    place: str
    both_scripts: bool = False

    def get(self, name: str) -> str:
        return self.f.get(name, "")


def to_csl(work: Work, by_key: Mapping[str, Work], escape: Callable[[str], str],
           locale: str = "en", *, pair_places: bool = False,
           both_scripts: bool = False) -> dict[str, Any]:
    """One work as a CSL-JSON item. ``escape`` is applied to every printed string
    (W10: HTML and markdown formats escape data before citeproc sees it). Generated
    words (a thesis's "PhD diss.") are in the style's ``locale`` language.

    ``pair_places`` (the style prints places): as many places as publishers are
    paired, each place with its publisher, in ``publisher`` ("北京: 春秋出版社; 長沙:
    湖南教育出版社"), since CSL has one place and one publisher per item.

    ``both_scripts`` (``styles.both_scripts``): a person with an ``+an:alt`` form is
    one literal name, ``莫里斯‧邁斯納（Maurice Meisner）`` (CSL has no alternate-name
    variable); otherwise the field's own form only.

    The variables are filled by walking ``_FIELDS`` in order (the item's key order
    is the table's)."""
    f = inherit(work, by_key)
    ctype = _csl_type(work.entry_type, f)
    src = _source(work.entry_type, f, ctype, locale, escape, pair_places, both_scripts)
    item: dict[str, Any] = {"id": work.key, "type": ctype, "language": _language(f)}
    for variable, get, convert in _FIELDS:
        value = convert(get(src), src)
        if value is not None:
            item[variable] = value
    return item


def _csl_type(entry_type: str, f: Mapping[str, str]) -> str:
    ctype = _TYPES.get(entry_type, "document")
    subtype = f.get("entrysubtype", "").lower()
    if entry_type == "misc" and f.get("howpublished") and (
            f.get("url") or re.fullmatch(r"\d{4}-\d\d-\d\d", f.get("date", "").strip())):
        # A dated page on a site (howpublished = {中國冷戰網}, date = {2007-10-22}) is a
        # web page: the site is its container, printed with the full date.
        ctype = "webpage"
    if ctype == "article-journal" and subtype in ("newspaper", "magazine"):
        ctype = f"article-{subtype}"
    if ctype == "manuscript" and (f.get("eventtitle") or f.get("eventdate") or f.get("venue")):
        # biblatex has no conference-paper type: an @unpublished with an event is a
        # paper presented at a meeting ("Paper presented at <event>, <place>, <date>").
        ctype = "paper-conference"
    return ctype


def _language(f: Mapping[str, str]) -> str:
    lang = _LANGUAGES.get(f.get("langid", "").lower(), "")
    return lang or ("zh-TW" if has_cjk(f.get("title", "")) else "en-US")


def _source(entry_type: str, f: Mapping[str, str], ctype: str, locale: str,
            escape: Callable[[str], str], pair_places: bool,
            both_scripts: bool = False) -> _Source:
    journal = f.get("journaltitle") or f.get("journal") or ""
    if journal and f.get("journalsubtitle"):  # 《二十一世紀》網路版: the web edition
        journal = _title({"t": journal, "s": f["journalsubtitle"]}, "t", "s")[0]
    place = f.get("location") or f.get("address", "")
    places = split_persons(place) if pair_places else []
    publishers = split_persons(f.get("publisher", "")) if pair_places else []
    if pair_places and len(places) == len(publishers) > 1:
        zh = locale.startswith("zh")
        publisher = ("；" if zh else "; ").join(
            f"{p}{'：' if zh else ': '}{name}" for p, name in zip(
                places, publishers, strict=True))
        place = ""
    else:
        publisher = _list(f.get("publisher", ""), locale)
        place = _list(place, locale)
    if ctype in ("thesis", "report") and not publisher:
        publisher = f.get("school") or f.get("institution", "")
    if ctype == "paper-conference" and not journal:
        place = ""  # printed as the event's place instead
    return _Source(f, entry_type, ctype, locale, escape, journal, publisher, place,
                   both_scripts)


def _genre(s: _Source) -> str:
    genre = s.get("type")
    if genre.lower() in ("phdthesis", "mathesis", "mastersthesis"):
        kind = "phdthesis" if genre.lower() == "phdthesis" else "mastersthesis"
        genre = _GENRES.get((kind, s.locale[:2]), _GENRES[(kind, "en")])
    return genre or _GENRES.get((s.entry_type, s.locale[:2]),
                                _GENRES.get((s.entry_type, "en"), ""))


def _event_place(s: _Source) -> str:
    if s.ctype == "paper-conference" and not s.journal:
        return s.get("venue") or s.get("location") or s.get("address")
    return s.get("venue")


def _late_publisher(s: _Source) -> str:
    """A publisher from ``howpublished`` (a document) or ``organization`` when the
    imprint names none (a web page's site is its container instead)."""
    if s.publisher or (s.ctype == "webpage" and not s.journal):
        return ""
    return s.get("howpublished") if s.ctype == "document" else s.get("organization")


def _when(s: _Source) -> str:
    when = s.get("date") or s.get("year")
    month = s.get("month").strip()
    if re.fullmatch(r"\d{3,4}", when.strip()) and month.isdigit() and 1 <= int(month) <= 12:
        when = f"{when.strip()}-{int(month):02d}"
    return when


# Converters: a field's raw value -> the CSL value, or None to leave it out.

def _text(value: str, s: _Source) -> str | None:
    # BibTeX braces protect case; Chicago title-cases English titles anyway, and
    # citeproc-py's nocase spans put spaces into words ("China 's"), so they go.
    value = value.strip()
    return s.escape(unbrace(delatex(value))) if value else None


def _address(value: str, s: _Source) -> str | None:
    # URLs and DOIs are not LaTeX: `~` and `--` stay.
    return s.escape(value.strip()) if value.strip() else None


def _names(value: str, s: _Source, alts: Mapping[int, str] | None = None
           ) -> list[dict[str, str]] | None:
    # biblatex's "and others" is printed "et al." (tidied after rendering).
    people = [{"literal": _ET_AL} if p == "others" else _both(csl_name(p), (alts or {}).get(i))
              for i, p in enumerate(split_persons(value), 1)]
    return [{k: s.escape(delatex(v)) for k, v in n.items()} for n in people] or None


def _both(name: dict[str, str], alt: str | None) -> dict[str, str]:
    """莫里斯‧邁斯納（Maurice Meisner）: the CJK form, then the field's Latin form."""
    if not alt:
        return name
    latin = name.get("literal") or " ".join(
        x for x in (name.get("given"), name.get("dropping-particle"),
                    name.get("non-dropping-particle"), name.get("family")) if x)
    return {"literal": f"{alt}（{latin}）"}


def _role(field: str) -> Callable[[str, _Source], list[dict[str, str]] | None]:
    """The names converter for a name field, with its ``+an:alt`` forms where the
    style prints both scripts."""

    def convert(value: str, s: _Source) -> list[dict[str, str]] | None:
        if not value.strip():
            return None  # no person (most fields of most works)
        alts = (names.parse_alt_annotation(s.get(field + names.ALT_ANNOTATION))
                if s.both_scripts else None)
        return _names(value, s, alts)

    return convert


def _issued(value: str, s: _Source) -> dict[str, Any] | None:
    issued = _date(value)
    if issued is not None and "literal" in issued:
        issued["literal"] = s.escape(issued["literal"])
    return issued


def _accessed(value: str, s: _Source) -> dict[str, Any] | None:
    accessed = _date(value)
    return accessed if accessed is not None and "date-parts" in accessed else None


def _field(name: str) -> Callable[[_Source], str]:
    return lambda s: s.get(name)


def _when_type(test: Callable[[_Source], bool], name: str) -> Callable[[_Source], str]:
    return lambda s: s.get(name) if test(s) else ""


_CONTAINED = frozenset(("incollection", "inbook", "inproceedings", "inreference"))


def _archival(s: _Source) -> bool:
    """A document kept in an archive, as ``parse`` writes one: an @unpublished with its
    call number in ``number`` and its repository in ``note`` (no event: not a paper)."""
    return (s.entry_type == "unpublished" and bool(s.get("number")) and bool(s.get("note"))
            and not s.get("eventtitle"))


def _is_compiler(s: _Source) -> bool:
    # biblatex's editortype = {compiler} (the paper's 編, not 主編): CSL 1.0.2's
    # compiler, which Chicago prints "comp." / "compiled by" (CMOS 14.104).
    return s.get("editortype").strip().casefold() == "compiler"


def _at_meeting(s: _Source) -> bool:
    return s.ctype == "paper-conference" and not s.journal and not s.get("booktitle")


def _book(s: _Source) -> tuple[str, str]:
    if s.journal or not s.get("booktitle"):
        return ("", "")
    return _title(s.f, "booktitle", "booksubtitle")


_Row = tuple[str, Callable[[_Source], str], Callable[[str, _Source], Any]]

#: BibTeX/biblatex fields -> CSL variables, in the order the item is built.
_FIELDS: tuple[_Row, ...] = (
    ("author", _field("author"), _role("author")),
    ("container-author", _when_type(lambda s: s.entry_type in _CONTAINED, "bookauthor"),
     _role("bookauthor")),
    ("compiler", _when_type(_is_compiler, "editor"), _role("editor")),
    ("editor", _when_type(lambda s: not _is_compiler(s), "editor"), _role("editor")),
    ("translator", _field("translator"), _role("translator")),
    ("title", lambda s: _title(s.f, "title", "subtitle")[0], _text),
    ("title-short", lambda s: s.get("shorttitle") or _title(s.f, "title", "subtitle")[1],
     _text),
    ("container-title", lambda s: s.journal or _book(s)[0], _text),
    ("container-title-short", lambda s: _book(s)[1], _text),
    ("publisher-place", lambda s: s.place, _text),
    ("publisher", lambda s: s.publisher, _text),
    ("genre", _genre, _text),
    ("event-place", _event_place, _text),
    ("volume", _field("volume"), _text),
    ("issue", _when_type(lambda s: s.ctype != "report" and not _archival(s), "number"), _text),
    ("number", _when_type(lambda s: s.ctype in ("report", "patent"), "number"), _text),
    ("page", lambda s: s.get("pages").replace("--", "-").replace("–", "-"), _text),
    ("edition", _field("edition"), _text),
    ("number-of-volumes", _field("volumes"), _text),
    ("version", _field("version"), _text),
    ("container-title", lambda s: s.get("howpublished") or s.get("organization")
     if s.ctype == "webpage" and not s.journal else "", _text),
    ("publisher", _late_publisher, _text),
    ("URL", _field("url"), _address),
    ("DOI", _field("doi"), _address),
    ("note", _when_type(lambda s: not _archival(s), "note"), _text),
    # An archival document: the repository (note) and the call number (number) are
    # where Chicago's styles print them ("…, B34-2-123, Shanghai Municipal Archives").
    ("archive", _when_type(_archival, "note"), _text),
    ("archive_location", _when_type(_archival, "number"), _text),
    ("event-title", _field("eventtitle"), _text),  # CSL 1.0.2 (Chicago's styles)
    ("event", _field("eventtitle"), _text),  # CSL 1.0.1's name for it
    # A paper presented at a meeting (not in proceedings) is dated by its event: the
    # Chicago styles print "Paper presented at <event>, <date>, <place>." from
    # event-date, but append an issued date after a period ("…, 台中. December 6, 2008.").
    ("issued", lambda s: "" if _at_meeting(s) else _when(s), _issued),
    ("event-date", lambda s: s.get("eventdate") or (_when(s) if _at_meeting(s) else ""),
     _issued),
    ("accessed", _field("urldate"), _accessed),
)


_ET_AL = "et al."


def _list(value: str, locale: str = "en") -> str:
    """A biblatex literal list (``A and B``) as CSL prints several publishers (in
    Chinese, with the enumeration comma)."""
    if " and " not in value:
        return value
    return ("、" if locale.startswith("zh") else "; ").join(split_persons(value))


def _by_key(works: Iterable[Work]) -> dict[str, Work]:
    return {w.key.casefold(): w for w in works}

