"""CSL-JSON items from our ``Work`` values (W2, W11, W12): citeproc-py's own BibTeX
reader is unusable on this data, so the fields are mapped here, with LaTeX decoded
(``delatex``) and persons as CSL names (CJK names whole, as ``literal``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.model import Work, split_persons
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
    """One BibTeX person as a CSL name: braced or CJK names whole (``literal``, W2),
    ``Family, Given`` and ``Given Family`` split."""
    if person.startswith("{") and person.endswith("}") and _balanced(person[1:-1]):
        return {"literal": person[1:-1].strip()}
    plain = _unbrace(person)
    if re.search(r"\b(?:family|given)=", plain):
        return _extended_name(plain)
    if has_cjk(plain) or not plain.strip():
        return {"literal": plain.strip()}
    if plain.count(",") >= 2:  # "Peebles, Jr, Peyton Z." (BibTeX's von Last, Jr, First)
        family, suffix, given = (s.strip() for s in plain.split(",", 2))
        return _drop_empty({"family": family, "given": _initials(given), "suffix": suffix})
    if "," in plain:
        family, _, given = plain.partition(",")
        return _drop_empty({"family": family.strip(), "given": _initials(given.strip())})
    words = plain.split()
    if len(words) == 1:
        return {"family": words[0]}
    return {"family": words[-1], "given": _initials(" ".join(words[:-1]))}


def _extended_name(text: str) -> dict[str, str]:
    """biblatex's extended name format: ``given=Alan, prefix=de, family=Brauw``."""
    parts = dict(p.strip().partition("=")[::2] for p in text.split(","))
    name = {"family": parts.get("family", "").strip(),
            "given": _initials(parts.get("given", "").strip()),
            "suffix": parts.get("suffix", "").strip()}
    prefix = parts.get("prefix", "").strip()
    if prefix:
        name["non-dropping-particle" if parts.get("useprefix", "").strip() == "true"
             else "dropping-particle"] = prefix
    return _drop_empty(name)


def _initials(given: str) -> str:
    # "J.J." and "J B" are printed "J. J." and "J. B." in Chicago (and by biblatex).
    given = re.sub(r"\.(?=[A-Z])", ". ", given)
    return re.sub(r"\b([A-Z])(?=\s|$)(?!\.)", r"\1.", given)


def _drop_empty(d: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in d.items() if v}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _unbrace(text: str) -> str:
    return text.replace("{", "").replace("}", "")


_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
            "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
_GREEK = {name: chr(code) for name, code in (
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E),
    ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9),
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
    ("epsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("kappa", 0x3BA),
    ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
    ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3C6), ("chi", 0x3C7),
    ("psi", 0x3C8), ("omega", 0x3C9))}
_ESCAPED = {"&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}"}


def delatex(text: str) -> str:
    """LaTeX as BibTeX files from other tools write it, in Unicode: accents
    (``Dik\\"otter``), special letters, escaped characters, font commands (their
    contents kept), ``--``/``---`` dashes and ``~`` spaces. Braces are left alone."""
    if not any(c in text for c in ("\\", "--", "~", "`", "''", "$")):
        return text

    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)])

    if "$" in text:  # inline math: Greek letters as themselves, the dollars dropped
        text = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(0)), text)
        text = re.sub(r"(?<!\\)\$", "", text)

    text = re.sub(r"\\([`'^\"~=.])\s*\{?\s*([A-Za-z])\}?", accent, text)
    text = re.sub(r"\\([uvHckr])(?:\s+|\{)\s*([A-Za-z])\}?", accent, text)
    text = re.sub(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s?",
                  lambda m: _LETTERS[m.group(1)], text)
    text = re.sub(r"\\([&%$_#{}])", lambda m: _ESCAPED[m.group(1)], text)
    text = re.sub(r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|mkbibquote|"
                  r"mkbibemph|url|mbox|text)\s*(?=\{)", "", text)
    text = re.sub(r"\\(?:em|it|bf|sc|rm)\s+", "", text)
    text = text.replace("``", "“").replace("''", "”").replace("`", "‘")
    if "‘" in text:  # `resource wars' closes with a straight quote: ‘resource wars’
        text = re.sub(r"‘((?:[^‘’']|'(?=[A-Za-z]))*)'(?![A-Za-z])", r"‘\1’", text)
    return text.replace("---", "—").replace("--", "–").replace("~", "\u00a0")


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


def to_csl(work: Work, by_key: Mapping[str, Work], escape: Callable[[str], str],
           locale: str = "en", *, pair_places: bool = False) -> dict[str, Any]:
    """One work as a CSL-JSON item. ``escape`` is applied to every printed string
    (W10: HTML and markdown formats escape data before citeproc sees it). Generated
    words (a thesis's "PhD diss.") are in the style's ``locale`` language.

    ``pair_places`` (the style prints places): as many places as publishers are
    paired, each place with its publisher, in ``publisher`` ("北京: 春秋出版社; 長沙:
    湖南教育出版社"), since CSL has one place and one publisher per item."""
    f = inherit(work, by_key)
    ctype = _TYPES.get(work.entry_type, "document")
    subtype = f.get("entrysubtype", "").lower()
    if work.entry_type == "misc" and f.get("howpublished") and (
            f.get("url") or re.fullmatch(r"\d{4}-\d\d-\d\d", f.get("date", "").strip())):
        # A dated page on a site (howpublished = {中國冷戰網}, date = {2007-10-22}) is a
        # web page: the site is its container, printed with the full date.
        ctype = "webpage"
    if ctype == "article-journal" and subtype in ("newspaper", "magazine"):
        ctype = f"article-{subtype}"
    event = f.get("eventtitle", "")
    if ctype == "manuscript" and (event or f.get("eventdate") or f.get("venue")):
        # biblatex has no conference-paper type: an @unpublished with an event is a
        # paper presented at a meeting ("Paper presented at <event>, <place>, <date>").
        ctype = "paper-conference"
    lang = _LANGUAGES.get(f.get("langid", "").lower(), "")
    if not lang:
        lang = "zh-TW" if has_cjk(f.get("title", "")) else "en-US"
    item: dict[str, Any] = {"id": work.key, "type": ctype, "language": lang}

    def text(value: str) -> str:
        # BibTeX braces protect case; Chicago title-cases English titles anyway, and
        # citeproc-py's nocase spans put spaces into words ("China 's"), so they go.
        return escape(_unbrace(delatex(value)))

    def put(name: str, value: str) -> None:
        if value.strip():
            item[name] = text(value.strip())

    def names(csl: str, value: str) -> None:
        # biblatex's "and others" is printed "et al." (tidied after rendering).
        people = [{"literal": _ET_AL} if p == "others" else csl_name(p)
                  for p in split_persons(value)]
        if people:
            item[csl] = [{k: escape(delatex(v)) for k, v in n.items()} for n in people]

    names("author", f.get("author", ""))
    if work.entry_type in ("incollection", "inbook", "inproceedings", "inreference"):
        names("container-author", f.get("bookauthor", ""))
    # biblatex's editortype = {compiler} (the paper's 編, not 主編): CSL 1.0.2's
    # compiler, which Chicago prints "comp." / "compiled by" (CMOS 14.104).
    compiler = f.get("editortype", "").strip().casefold() == "compiler"
    names("compiler" if compiler else "editor", f.get("editor", ""))
    names("translator", f.get("translator", ""))

    title, short = _title(f, "title", "subtitle")
    put("title", title)
    put("title-short", f.get("shorttitle", "") or short)
    container = f.get("journaltitle") or f.get("journal") or ""
    if container and f.get("journalsubtitle"):  # 《二十一世紀》網路版: the web edition
        container = _title({"t": container, "s": f["journalsubtitle"]}, "t", "s")[0]
    if container:
        put("container-title", container)
    elif f.get("booktitle"):
        book, book_short = _title(f, "booktitle", "booksubtitle")
        put("container-title", book)
        put("container-title-short", book_short)
    places = split_persons(f.get("location") or f.get("address", ""))
    publishers = split_persons(f.get("publisher", ""))
    if pair_places and len(places) == len(publishers) > 1:
        zh = locale.startswith("zh")
        publisher = ("；" if zh else "; ").join(
            f"{place}{'：' if zh else ': '}{name}" for place, name in zip(
                places, publishers, strict=True))
    else:
        put("publisher-place", _list(f.get("location") or f.get("address", ""), locale))
        publisher = _list(f.get("publisher", ""), locale)
    if ctype in ("thesis", "report") and not publisher:
        publisher = f.get("school") or f.get("institution", "")
    put("publisher", publisher)
    genre = f.get("type", "")
    if genre.lower() in ("phdthesis", "mathesis", "mastersthesis"):
        kind = "phdthesis" if genre.lower() == "phdthesis" else "mastersthesis"
        genre = _GENRES.get((kind, locale[:2]), _GENRES[(kind, "en")])
    put("genre", genre or _GENRES.get((work.entry_type, locale[:2]),
                                      _GENRES.get((work.entry_type, "en"), "")))
    if ctype == "paper-conference" and not container:
        put("event-place", f.get("venue", "") or f.get("location", "")
            or f.get("address", ""))
        item.pop("publisher-place", None)
    else:
        put("event-place", f.get("venue", ""))
    put("volume", f.get("volume", ""))
    put("issue", f.get("number", "") if ctype != "report" else "")
    if ctype in ("report", "patent"):
        put("number", f.get("number", ""))
    put("page", f.get("pages", "").replace("--", "-").replace("–", "-"))
    put("edition", f.get("edition", ""))
    put("number-of-volumes", f.get("volumes", ""))
    put("version", f.get("version", ""))
    if ctype == "webpage" and not container:
        put("container-title", f.get("howpublished", "") or f.get("organization", ""))
    elif ctype == "document" and not publisher:
        put("publisher", f.get("howpublished", ""))
    elif not publisher:
        put("publisher", f.get("organization", ""))
    for csl, bib in (("URL", "url"), ("DOI", "doi")):
        if f.get(bib, "").strip():  # addresses are not LaTeX: `~` and `--` stay
            item[csl] = escape(f[bib].strip())
    put("note", f.get("note", ""))
    put("event-title", event)  # CSL 1.0.2 (Chicago's styles); 1.0.1 named it "event"
    put("event", event)
    when = f.get("date", "") or f.get("year", "")
    month = f.get("month", "").strip()
    if re.fullmatch(r"\d{3,4}", when.strip()) and month.isdigit() and 1 <= int(month) <= 12:
        when = f"{when.strip()}-{int(month):02d}"
    issued = _date(when)
    if issued is not None:
        if "literal" in issued:
            issued["literal"] = escape(issued["literal"])
        item["issued"] = issued
    accessed = _date(f.get("urldate", ""))
    if accessed is not None and "date-parts" in accessed:
        item["accessed"] = accessed
    return item


_ET_AL = "et al."


def _list(value: str, locale: str = "en") -> str:
    """A biblatex literal list (``A and B``) as CSL prints several publishers (in
    Chinese, with the enumeration comma)."""
    if " and " not in value:
        return value
    return ("、" if locale.startswith("zh") else "; ").join(split_persons(value))


def _by_key(works: Iterable[Work]) -> dict[str, Work]:
    return {w.key.casefold(): w for w in works}

