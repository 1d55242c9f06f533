"""Western (Chicago) citations: family-first authors, quoted titles, containers,
publication parentheses and short forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

from sinosoviet_cli.grammar import emphasis
from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.lexical import (
    _URL,
    _WIDTH,
    _YEAR,
    _clean,
    _date_of,
    _depths,
    _is_pages,
    _match_close,
    _pages,
    _split_top,
)
from sinosoviet_cli.grammar.persons import _latin_names
from sinosoviet_cli.grammar.tail import _pub_group
from sinosoviet_cli.grammar.vocab import _alt, _vocab
from sinosoviet_cli.model import Person


class _RoleWords(NamedTuple):
    """Regex alternations of the Latin role words in grammar.toml, by shape."""

    into: str  # in
    ed: str  # ed. / eds.
    ed_bare: str  # ed / eds
    ed_phrase: str  # edited by
    ed_paren: str  # (ed.) / (eds.)
    ed_noun: str  # editor / editors
    trans: str  # trans. / translated by
    trans_words: frozenset[str]


@cache
def _roles() -> _RoleWords:
    v = _vocab()
    eds = v.latin_editor
    return _RoleWords(
        into=_alt(v.latin_in),
        ed=_alt(w for w in eds if w.endswith(".") and not w.startswith("(")),
        ed_bare=_alt(w for w in eds if w.isalpha()),
        ed_phrase=_alt(w for w in eds if " " in w),
        ed_paren=_alt(w for w in eds if w.startswith("(")),
        ed_noun=_alt(v.latin_editor_nouns),
        trans=_alt(v.latin_translator),
        trans_words=frozenset(v.latin_translator),
    )


class _LatinPatterns(NamedTuple):
    """Locator patterns of Chicago notes, built from the page words in grammar.toml."""

    tail_pages: re.Pattern[str]  # after the publication group: ", 13." / ": 74-117."
    only_pages: re.Pattern[str]  # a quoted title followed by pages only
    final_pages: re.Pattern[str]  # ", 45." ending a loose tail
    joined: re.Pattern[str]  # "…, 80-85, and Chen Jian, …": a locator then the next citation
    short_pages: re.Pattern[str]  # ", 80-85" / ", 2:80" ending a short form's clause


@cache
def _latin_patterns() -> _LatinPatterns:
    v = _vocab()
    p = rf"(?:(?:{v.page_latin})\s*)?"
    return _LatinPatterns(
        tail_pages=re.compile(
            rf"\s*[,:]?\s*((?:(?:{v.page_latin}|{v.page_cjk})\s*)?[0-9ivxlc]+(?:n\d+)?"
            r"(?:\s*[-–—─]+\s*[0-9ivxlc]+)?(?:\s*,\s*\d+(?:\s*[-–—─]+\s*\d+)?)*)\s*\.?"
        ),
        only_pages=re.compile(rf"^\s*,?\s*({p}\d[\d\s\-–—,]*)\.?\s*$"),
        final_pages=re.compile(rf",\s*({p}\d+(?:\s*[-–—]+\s*\d+)?)\.?\s*$"),
        joined=re.compile(
            rf",\s*({p}\d+(?:\s*[-–—─]+\s*\d+)?)\s*[,;]\s*(?:and\s+)?(?=[A-Z])"
        ),
        short_pages=re.compile(
            rf"\s*,\s*(?:(\d{{1,3}}):(?=\d))?({p}[0-9ivxlc]+(?:\s*[-–—─]+\s*[0-9ivxlc]+)?)"
            r"\s*(?=[,.;]|$)"
        ),
    )


_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


_FAMILY_FIRST = re.compile(
    r"^(?P<family>[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?),\s*"
    r"(?P<given>(?:[A-Z][a-z'’\-]+\s+)*(?:[A-Z]\.\s*)+|[A-Z][a-z'’\-]+(?:\s[A-Z][a-z'’\-]+)?\.)"
    r"[\s,]*(?=[A-Z“\"‘'0-9])"
)


_FAMILY_FIRST_COMMA = re.compile(
    r"^(?P<family>[A-Z][\w'’\-]+),\s*(?P<given>[A-Z][a-z\-]+(?:\s[A-Z][a-z\-]+){0,2}),\s*"
)


def _pub_paren(text: str) -> tuple[int, int] | None:
    """The top-level parenthesis that holds publication facts, if any."""
    depths = _depths(text)
    best = None
    for i, char in enumerate(text):
        if char in "(（" and depths[i] == 0:
            close = _match_close(text, i)
            if close < 0:
                continue
            body = text[i + 1:close]
            v = _vocab()
            if re.search(_YEAR, body) or ":" in body or "：" in body or v.phd.search(body):
                best = (i, close)
    return best


_AT_PAGE = re.compile(r"\s*,?\s*at\s+(\d+(?:\s*[-–—]+\s*\d+)?)\s*\.?")


def _latin_tail(d: _Draft, text: str, offset: int) -> int:
    """Pages after the publication group: ``, 13.`` / ``: 74-117.`` / ``,78.``"""
    vp = re.match(r"\s*,\s*(\d{1,2}):(\d+(?:\s*[-–—─]+\s*\d+)?)\s*\.?", text)
    if vp:  # "…, 1986), 2:100": volume 2, page 100
        d.volume, d.pages = vp.group(1), _pages(vp.group(2))
        return offset + vp.end()
    m = _latin_patterns().tail_pages.match(text)
    if m and m.group(1) and _is_pages(m.group(1)):
        d.pages = _pages(m.group(1))
        at = _AT_PAGE.match(text, m.end())
        if at:  # "246–94, at 258": a chapter's span, then the page cited (CMOS 14.110)
            d.extra["extent"] = d.pages  # the span is the work's own (biblatex pages)
            d.pages = _pages(at.group(1))
            return offset + at.end()
        return offset + m.end()
    m = re.match(r"\s*\.?", text)
    return offset + (m.end() if m else 0)


def _latin_date() -> str:
    """A regex for a printed Western date: ``March 3, 1963`` / ``3 March 1963`` / ``1963``."""
    mo = f"(?:{_vocab().month_re})\\.?"
    return rf"(?:{mo}\s+\d{{1,2}},?\s+|\d{{1,2}}\s+{mo}\s+|{mo}\s+)?{_YEAR}"


#: Where a multi-volume work's main title ends and the volume's own title begins.
_MAIN = "\x01"


def _main_title(d: _Draft, container: str) -> None:
    """``The Cambridge History of the Cold War, vol. 2, Crises and Détente``: the chapter
    is in the volume titled Crises and Détente (the container); the set's title is its
    ``maintitle`` (biblatex), the volume number ``volume``."""
    main, _, own = container.partition(_MAIN)
    if own.strip(" ,"):
        d.extra["maintitle"] = _clean(main)
        d.container = _clean(own)
    else:
        d.container = _clean(main)


def _repository(d: _Draft, text: str) -> bool:
    """``"Report …," 20 September 1958, Shanghai Municipal Archives, B34-2-123``: after a
    document's title, a repository (grammar.toml [archives] suffixes) and its call
    number, not a journal: an archival document (``institution``, ``number``)."""
    m = re.fullmatch(r"([^,]{3,80}?)\s*,\s*([^,\s]*\d[^,\s]*)\s*\.?", text.strip())
    if not (m and m.group(1).endswith(_vocab().archives)):
        return False
    d.institution, d.number = _clean(m.group(1)), m.group(2).rstrip(".")
    d.extra["archive"] = "1"
    return True


def _latin_container(d: _Draft, text: str) -> None:
    """After a quoted title: ``in Eds eds. Book (…)`` / ``in Book, ed. Eds (…)`` /
    ``Journal 11, no. 4 (2009)`` / ``Working Paper no. 22 (…)``."""
    v = _vocab()
    text = text.strip().lstrip(",").strip()
    # A document's own date before its container: "22 July 1958, in …"
    dm = re.match(rf"^({_latin_date()})\s*,\s*", text)
    if dm:
        d.extra["docdate"] = _date_of(dm.group(1))[1] or dm.group(1)
        text = text[dm.end():]
    r = _roles()
    m = re.match(rf"^(?:{r.into})\s*(.*)$", text, re.S)
    journal_like = re.search(r"(?:\bno\.\s*\S+|\s\d{1,4})\s*$", text)
    if m and not (journal_like and not re.search(rf"\b(?:{r.ed})|{r.ed_phrase}", text)):
        d.chapter = True
        body = m.group(1).strip()
        vol = re.search(r",?\s*\b[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\b", body)
        if vol:  # "in Book, vol. 14, ed. …" / "in Book, vol. 2, Volume Title, ed. …"
            own = body[vol.end():].lstrip(" ,")
            titled = own and not re.match(rf"(?:{r.ed}|{r.ed_phrase})", own)
            d.volume = vol.group(1)
            body = (body[: vol.start()] + (_MAIN if titled else "") + body[vol.end():]).strip()
        m3 = re.match(rf"^(.+?),\s*(?:{r.ed}|{r.ed_phrase})\s*(.+?)[\s,]*$", body)
        if m3 and _latin_names(m3.group(2)):
            _main_title(d, m3.group(1))
            d.container_editors = _latin_names(m3.group(2)) or ()
            return
        m2 = re.match(rf"^(.+?)\s*,?\s*\(?\b(?:{r.ed}|{r.ed_bare})\)?(?=[\s.A-Z])\.?\s*(.+)$",
                      body)
        names = _latin_names(m2.group(1)) if m2 else None
        if m2 and names:
            d.container_editors = names
            _main_title(d, m2.group(2))
            return
        _main_title(d, body)
        return
    if _repository(d, text):
        return
    # Journal / report series: "China Quarterly 11, no. 4" / "Working Paper no. 22"
    text = re.sub(rf"^(?:{r.into})\s+", "", text)
    m = re.match(r"^(.*?)\s*(?:(?:vol\.\s*)?(\d+))?\s*(?:,?\s*no\.\s*(\S+?))?\s*$", text)
    if m:
        d.container = _clean(m.group(1))
        d.volume = m.group(2) or ""
        d.number = (m.group(3) or "").strip(",")
        if v.report.search(d.container):
            d.report = True
    if not d.container and text:
        d.container = _clean(text)


_HeadRule = Callable[[_Draft, str], "int | None"]


@cache
def _head_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(editors before a title, a title then trans./edited by, ``, ed.,`` after names)."""
    r = _roles()
    return (
        re.compile(rf"^(.+?)\s*,?\s*\(?\b(?:{r.ed})\)?,?\s*(?=[A-Z“\"])"),
        re.compile(rf"^[^,(“\"]+,\s*(?:{r.trans}|{r.ed_phrase})\s+[A-Z]"),
        re.compile(rf"(?:{r.ed}|{r.ed_noun}|{r.ed_paren})\s*,?\s*"),
    )


def _head_family_first(d: _Draft, work: str) -> int | None:
    """"Spence, Jonathan." — the period closes the name; an initial keeps its own."""
    m = _FAMILY_FIRST.match(work)
    if not m or "(" in m.group("given"):
        return None
    given = _clean(m.group("given"))
    if given.endswith(".") and not re.search(r"\b[A-Z]\.$", given):
        given = given[:-1]
    d.authors.append(Person(family=m.group("family"), given=given))
    return m.end()


def _head_family_comma(d: _Draft, work: str) -> int | None:
    """"Westad, Odd Arne, The Global Cold War (…)": family first, then a comma."""
    ff = _FAMILY_FIRST_COMMA.match(work)
    if not (ff and (_pub_paren(work[ff.end():]) or work[ff.end():][:1] in "“\"")):
        return None
    d.authors.append(Person(family=ff.group("family"), given=ff.group("given")))
    return ff.end()


def _head_editors(d: _Draft, work: str) -> int | None:
    """"Thomas Robinson and David Shambaugh eds. Chinese Foreign Policy (…)"."""
    eds = _head_patterns()[0].match(work)
    names = _latin_names(eds.group(1)) if eds and "," not in eds.group(1) else None
    if eds is None or not names:
        return None
    d.editors.extend(names)
    return eds.end()


def _head_title_first(d: _Draft, work: str) -> int | None:
    """"Khrushchev Remembers, trans. Strobe Talbott (…)": a title first."""
    return 0 if _head_patterns()[1].match(work) else None


def _head_names(d: _Draft, work: str) -> int | None:
    """"Donald S. Zagoria, …" / "Li, Wang et al., …": names up to the first comma; -1
    when an unquoted start is not a name list (then this is no Chicago citation)."""
    if work[:1] in "“\"":
        return 0
    comma = next((a for a, _b in _split_top(work, ",")[1:]), -1)
    if comma <= 0:
        return -1
    head = work[: comma - 1]
    etal = re.search(r",?\s+et\s+al\.?$", head)
    if etal:
        head, d.extra["etal"] = head[: etal.start()], "authors"
    names = _latin_names(head)
    if names is None:
        return -1
    d.authors.extend(names)
    return comma


#: Ordered readers of the persons that open a Chicago note; each returns where the
#: rest starts, None (not mine), or -1 (not a citation).
HEAD_RULES: tuple[tuple[str, _HeadRule], ...] = (
    ("family-first", _head_family_first),
    ("family-first-comma", _head_family_comma),
    ("editors", _head_editors),
    ("title-first", _head_title_first),
    ("names", _head_names),
)


# CMOS 14.98: a bracketed English translation after a romanised (or other non-English)
# title, before the publication facts, the journal or the note's end. Words with a
# space (not a supplied [Beijing] or [sic]), capitalised, outside any parenthesis.
_TRANSLATION = re.compile(
    r"(?<=[\w”\"’)\x03]) \[([A-Z0-9][^\[\]()]*\s[^\[\]()]*)\](?=\s*(?:[,(.]|$))")


def _cut_translation(text: str) -> tuple[str, str]:
    """``text`` with a title's bracketed translation blanked out (same length, so
    offsets hold) and the translation; the translation is not part of the title, nor
    the start of an article's journal."""
    depths = _depths(text)
    for m in _TRANSLATION.finditer(text):
        if depths[m.start()] == 0:
            blank = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
            return blank, _clean(m.group(1))
    return text, ""


def _parse_latin(text: str) -> tuple[_Draft, int] | None:
    """Read a Chicago-style note: books, articles, chapters, theses, short forms. An
    italic span (``grammar.emphasis``) where the title starts is the title, whole. A
    bracketed translation of the title goes to ``extra["translated_title"]``."""
    marked, translation = _cut_translation(text.translate(_WIDTH))
    got = _parse_marked(marked)
    if got is not None and translation:
        got[0].extra["translated_title"] = translation
    if got is not None and got[0].title_kind == "plain":
        _volume_in_title(got[0])
    return got


_VOL_IN_TITLE = re.compile(r",\s*[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\s*,\s*\S")


def _volume_in_title(d: _Draft) -> None:
    """``The Origins of the Cultural Revolution, vol. 2, The Great Leap Forward`` read as
    one plain title: the work is the set, the volume cited is 2 (CMOS 14.123, as an
    italic title is read: the volume's own title is not the work's)."""
    m = _VOL_IN_TITLE.search(d.title)
    if m and not d.volume:
        d.title, d.volume = d.title[:m.start()].strip(), m.group(1)


def _parse_marked(marked: str) -> tuple[_Draft, int] | None:
    work = emphasis.plain(marked)
    if work == marked:
        return _read_latin(work)
    got = _italic_first(work, marked) or _read_latin(work)
    if got is None:
        return None
    d, end = got
    cut = _italic_title(d, work, marked) if d.title_kind == "plain" and d.title else None
    if cut is not None:  # "Seo, *Chōan*, and *Gurōbaru* (…)": the short form ends at its title
        again = _read_latin(work[:cut])
        return (again[0], cut) if again is not None else None
    return d, end


_VOL_AFTER_TITLE = re.compile(r"\s*,?\s*\b[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\b")
_NEXT_WORK = re.compile(r",\s*(?:and|or)\s+\S")
_WEB = re.compile(r"\s*,\s*<?https?://")


def _italic_first(work: str, marked: str) -> tuple[_Draft, int] | None:
    """A work without an author opens with its italic title (CMOS 14.79); here only a
    web source, ``*Huaxi dushi bao*, <https://…>, accessed July 30, 2023``."""
    span = emphasis.span_at(marked, 0)
    if span is None or not _WEB.match(work, span[1]):
        return None
    d = _Draft(title=_clean(work[span[0]:span[1]]), title_kind="plain")
    _loose_tail(d, work[span[1]:].strip(" ,"))
    return d, len(work)


def _italic_title(d: _Draft, work: str, marked: str) -> int | None:
    """The title is the italic span it starts with: what the plain reading took after
    it (``*Origins of the Cultural Revolution*, vol. 2, *The Great Leap Forward*``) is
    the volume cited (CMOS 14.123: the volume's own title is not the work's). Where
    another work follows (``, and …``), the end of the italic span, else None."""
    for span in emphasis.spans(marked):
        italic = _clean(work[span[0]:span[1]])
        rest = d.title[len(italic):] if d.title.startswith(italic) else ""
        if rest.startswith(","):
            break
    else:
        return None
    if _NEXT_WORK.match(rest) and d.authors:
        return span[1]
    vol = _VOL_AFTER_TITLE.match(rest)
    if vol:
        d.volume = d.volume or vol.group(1)
    d.title = italic
    return None


def _note_ref(d: _Draft, work: str, pos: int) -> int | None:
    """``see note 4 above`` / ``Wu, n. 7 above, 2:512`` (CMOS 14.31): a short form that
    names the earlier note instead of the title; resolve links it to that note's work."""
    ref = _vocab().note_ref.match(work[pos:])
    if ref is None:
        return None
    d.extra["backref"], d.extra["footnote"] = ref.group("word").strip(), ref.group("n")
    pos += ref.end()
    return _latin_tail(d, work[pos:], pos)


def _read_latin(work: str) -> tuple[_Draft, int] | None:
    d = _Draft()
    end = _note_ref(d, work, 0)
    if end is not None:
        return d, end
    pos = next((p for _n, rule in HEAD_RULES if (p := rule(d, work)) is not None), 0)
    if pos < 0:
        return None
    rest = work[pos:]
    pos += len(rest) - len(rest.lstrip(" ,"))
    rest = work[pos:]
    # "Odd Arne Westad, ed., Brothers in Arms": the persons are editors
    role = _head_patterns()[2].match(rest)
    if role and d.authors:
        d.editors, d.authors = d.authors, []
        pos += role.end()
        rest = work[pos:]
    end = _note_ref(d, work, pos) if d.authors else None
    if end is not None:
        return d, end
    oc = _vocab().earlier.match(rest)
    if oc:  # op. cit.
        d.extra["backref"] = oc.group(0)
        pos += oc.end()
        return d, _latin_tail(d, work[pos:], pos)
    q = _QUOTED.match(rest)
    if q:
        d.title, d.title_kind = _clean(q.group(1)), "quote"
        return d, _after_quoted(d, work, pos + q.end())
    return d, _after_head(d, work, pos)


def _with_pub_group(d: _Draft, work: str, pos: int, paren: tuple[int, int]) -> int:
    """Read the publication parenthesis at ``pos + paren`` and the pages after it."""
    if not _pub_group(d, work[pos + paren[0] + 1: pos + paren[1]]):
        d.extra["parenthesis"] = work[pos + paren[0] + 1: pos + paren[1]]
    end = pos + paren[1] + 1
    return _latin_tail(d, work[end:], end)


def _after_quoted(d: _Draft, work: str, pos: int) -> int:
    """After a quoted title: the container and publication facts, or a short form."""
    after = work[pos:]
    paren = _pub_paren(after)
    if paren:
        _latin_container(d, after[: paren[0]])
        return _with_pub_group(d, work, pos, paren)
    # "Journal 11 (2009)" without a colon group is caught above; here: short forms
    m2 = _latin_patterns().only_pages.match(after)
    if m2:
        d.pages = _pages(m2.group(1))
    elif after.strip(" .,"):
        # The note's own full stop is not the container's ("Journal of Song Yuan Studies.")
        _loose_tail(d, re.sub(r"(?<=[a-z]{3})\s*\.$", "", after.strip()))
    return len(work)


def _cut(tail: str, m: re.Match[str], strip: str) -> str:
    return (tail[: m.start()] + tail[m.end():]).strip(strip)


def _loose_tail(d: _Draft, tail: str) -> None:
    """A quoted title's tail without a parenthesis: pages, a URL, an access date, a
    newspaper or archive date, then the container ("New York Times, March 3, 1963")."""
    access = _vocab().access.pattern.removeprefix("^")  # "accessed May 3, 2010"
    acc = re.search(rf",?\s*{access}({_latin_date()})", tail)
    if acc:  # before the pages: ", 2023." ending an access date is no page
        d.extra["urldate"] = _date_of(acc.group(1))[1] or acc.group(1)
        tail = _cut(tail, acc, " ,.")
    pages = _latin_patterns().final_pages.search(tail)
    if pages:
        d.pages = _pages(pages.group(1))
        tail = tail[: pages.start()]
    url = _URL.search(tail)
    if url:
        d.url = url.group(0).rstrip(".,")
        tail = _cut(tail, url, " ,.<>")
    dm = re.search(rf"(?:^|,)\s*({_latin_date()})\s*(?=,|$)", tail)
    if dm:
        d.year, d.date = _date_of(dm.group(1))
        tail = _cut(tail, dm, " ,")
    _latin_container(d, tail)




def _after_head(d: _Draft, work: str, pos: int) -> int:
    """Unquoted title: a book (or a thesis, report) or a short form."""
    rest = work[pos:]
    paren = _pub_paren(rest)
    # "Lüthi, Sino-Soviet Split, 80-85, and Chen Jian, Mao's China (…)": a short form
    # ends at its locator even when a later citation in the sentence has a parenthesis.
    joined = _latin_patterns().joined.search(rest[: paren[0]] if paren else "")
    if joined and _is_pages(joined.group(1)):
        d.pages = _pages(joined.group(1))
        _latin_title(d, rest[: joined.start()])
        return pos + joined.start(1) + len(joined.group(1))
    if paren:
        _latin_title(d, rest[: paren[0]])
        return _with_pub_group(d, work, pos, paren)
    # Short form: Title[, pages] — or only the pages: "Zagoria, 78."
    body = rest.strip()
    if d.authors and _is_pages(body.rstrip(".;, ")):
        d.pages = _pages(body.rstrip(".;, "))
        d.extra["author_only"] = "1"
        return len(work)
    # The first ", <pages>" that ends a clause ends the citation: what follows
    # ("…, 80-85, who argues …") is the author's prose.
    for pages in _latin_patterns().short_pages.finditer(body):
        if _is_pages(pages.group(2)):  # "Origins, 2:120": volume 2, page 120
            d.pages = _pages(pages.group(2))
            _latin_title(d, body[: pages.start()])
            d.volume = pages.group(1) or d.volume
            end = pos + (len(rest) - len(rest.lstrip())) + pages.end()
            return end + 1 if work[end:end + 1] == "." else end
    _latin_title(d, body)
    return len(work)


def _latin_title(d: _Draft, head: str) -> None:
    """A book title, possibly followed by ``, trans. X`` / ``, ed. X`` / a report series."""
    v = _vocab()
    head = head.strip()
    vol = re.search(r",?\s*\b[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\s*$", head)
    if vol:
        d.volume, head = vol.group(1), head[: vol.start()]
    vols = re.search(r",\s*(\d+)\s+vols\.?\s*$", head)
    if vols:  # "The Origins of the Cultural Revolution, 3 vols."
        d.extra["volumes"], head = vols.group(1), head[: vols.start()]
    edition = re.search(r",\s*(\d+(?:st|nd|rd|th)\s+ed\.|rev\.\s+ed\.)\s*$", head)
    if edition:
        d.extra["edition"], head = edition.group(1), head[: edition.start()]
    r = _roles()
    m = re.search(rf",\s*({r.trans}|{r.ed}|{r.ed_phrase})\s*(.+)$", head)
    if m:
        names = _latin_names(m.group(2))
        if names:
            if m.group(1) in r.trans_words:
                d.translators.extend(names)
            else:
                d.editors.extend(names)
            head = head[: m.start()]
    m = re.search(r",\s*([^,]*?(?:" + v.report.pattern + r")[^,]*)$", head)
    if m:
        d.report = True
        series = m.group(1)
        num = re.search(r"(?:no\.|No\.|number)\s*(\S+)", series)
        if num:
            d.number = num.group(1)
        d.extra["series"] = _clean(series)
        head = head[: m.start()]
    d.title, d.title_kind = _clean(head.rstrip(". ")), "plain"
