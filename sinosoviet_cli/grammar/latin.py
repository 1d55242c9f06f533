"""Western (Chicago) citations: family-first authors, quoted titles, containers,
publication parentheses and short forms."""

from __future__ import annotations

import re

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
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Person

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


def _latin_tail(d: _Draft, text: str, offset: int) -> int:
    """Pages after the publication group: ``, 13.`` / ``: 74-117.`` / ``,78.``"""
    vp = re.match(r"\s*,\s*(\d{1,2}):(\d+(?:\s*[-–—─]+\s*\d+)?)\s*\.?", text)
    if vp:  # "…, 1986), 2:100": volume 2, page 100
        d.volume, d.pages = vp.group(1), _pages(vp.group(2))
        return offset + vp.end()
    m = re.match(r"\s*[,:]?\s*((?:pp?\.\s*|頁\s*|页\s*)?[0-9ivxlc]+(?:n\d+)?"
                 r"(?:\s*[-–—─]+\s*[0-9ivxlc]+)?(?:\s*,\s*\d+(?:\s*[-–—─]+\s*\d+)?)*)\s*\.?",
                 text)
    if m and m.group(1) and _is_pages(m.group(1)):
        d.pages = _pages(m.group(1))
        return offset + m.end()
    m = re.match(r"\s*\.?", text)
    return offset + (m.end() if m else 0)


def _latin_date() -> str:
    """A regex for a printed Western date: ``March 3, 1963`` / ``3 March 1963`` / ``1963``."""
    mo = f"(?:{_vocab().month_re})\\.?"
    return rf"(?:{mo}\s+\d{{1,2}},?\s+|\d{{1,2}}\s+{mo}\s+|{mo}\s+)?{_YEAR}"


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
    m = re.match(r"^in\s*(.*)$", text, re.S)
    journal_like = re.search(r"(?:\bno\.\s*\S+|\s\d{1,4})\s*$", text)
    if m and not (journal_like and not re.search(r"\beds?\.|edited by", text)):
        d.chapter = True
        body = m.group(1).strip()
        vol = re.search(r",?\s*\b[Vv]ol(?:ume)?\.?\s*(\d+|[IVX]+)\b", body)
        if vol:  # "in Book, vol. 14, ed. …"
            d.volume, body = vol.group(1), (body[: vol.start()] + body[vol.end():]).strip()
        m3 = re.match(r"^(.+?),\s*(?:eds?\.|edited by)\s*(.+?)[\s,]*$", body)
        if m3 and _latin_names(m3.group(2)):
            d.container = _clean(m3.group(1))
            d.container_editors = _latin_names(m3.group(2)) or ()
            return
        m2 = re.match(r"^(.+?)\s*,?\s*\(?\beds?\.?\)?(?=[\s.A-Z])\.?\s*(.+)$", body)
        names = _latin_names(m2.group(1)) if m2 else None
        if m2 and names:
            d.container_editors = names
            d.container = _clean(m2.group(2))
            return
        d.container = _clean(body)
        return
    # Journal / report series: "China Quarterly 11, no. 4" / "Working Paper no. 22"
    text = re.sub(r"^in\s+", "", text)
    m = re.match(r"^(.*?)\s*(?:(?:vol\.\s*)?(\d+))?\s*(?:,?\s*no\.\s*(\S+?))?\s*$", text)
    if m:
        d.container = _clean(m.group(1))
        d.volume = m.group(2) or ""
        d.number = (m.group(3) or "").strip(",")
        if v.report.search(d.container):
            d.report = True
    if not d.container and text:
        d.container = _clean(text)


def _parse_latin(text: str) -> tuple[_Draft, int] | None:
    """Read a Chicago-style note: books, articles, chapters, theses, short forms."""
    v = _vocab()
    work = text.translate(_WIDTH)
    d = _Draft()
    pos = 0
    m = _FAMILY_FIRST.match(work)
    ff = _FAMILY_FIRST_COMMA.match(work)
    eds = re.match(r"^(.+?)\s*,?\s*\(?\beds?\.\)?,?\s*(?=[A-Z“\"])", work)
    if m and "(" not in m.group("given"):
        # "Spence, Jonathan." — the period closes the name; an initial keeps its own
        given = _clean(m.group("given"))
        if given.endswith(".") and not re.search(r"\b[A-Z]\.$", given):
            given = given[:-1]
        d.authors.append(Person(family=m.group("family"), given=given))
        pos = m.end()
    elif ff and (_pub_paren(work[ff.end():]) or work[ff.end():][:1] in "“\""):
        # "Westad, Odd Arne, The Global Cold War (…)": family first, then a comma
        d.authors.append(Person(family=ff.group("family"), given=ff.group("given")))
        pos = ff.end()
    elif eds and "," not in eds.group(1) and _latin_names(eds.group(1)):
        # "Thomas Robinson and David Shambaugh eds. Chinese Foreign Policy (…)"
        d.editors.extend(_latin_names(eds.group(1)) or ())
        pos = eds.end()
    elif re.match(r"^[^,(“\"]+,\s*(?:trans\.|translated by|edited by)\s+[A-Z]", work):
        pos = 0  # "Khrushchev Remembers, trans. Strobe Talbott (…)": a title first
    elif work[:1] not in "“\"":
        comma = next((a for a, _b in _split_top(work, ",")[1:]), -1)
        if comma <= 0:
            return None
        head = work[: comma - 1]
        etal = re.search(r",?\s+et\s+al\.?$", head)
        if etal:
            head, d.extra["etal"] = head[: etal.start()], "authors"
        names = _latin_names(head)
        if names is None:
            return None
        d.authors.extend(names)
        pos = comma
    rest = work[pos:]
    lead = len(rest) - len(rest.lstrip(" ,"))
    pos += lead
    rest = work[pos:]
    # "Odd Arne Westad, ed., Brothers in Arms": the persons are editors
    role = re.match(r"(?:eds?\.|editors?|\(eds?\.\))\s*,?\s*", rest)
    if role and d.authors:
        d.editors, d.authors = d.authors, []
        pos += role.end()
        rest = work[pos:]
    # op. cit.
    oc = v.earlier.match(rest)
    if oc:
        d.extra["backref"] = oc.group(0)
        pos += oc.end()
        return d, _latin_tail(d, work[pos:], pos)
    q = _QUOTED.match(rest)
    if q:
        d.title, d.title_kind = _clean(q.group(1)), "quote"
        pos += q.end()
        after = work[pos:]
        paren = _pub_paren(after)
        if paren:
            head, body = after[: paren[0]], after[paren[0] + 1: paren[1]]
            _latin_container(d, head)
            if not _pub_group(d, body):
                d.extra["parenthesis"] = body
            end = pos + paren[1] + 1
            return d, _latin_tail(d, work[end:], end)
        # "Journal 11 (2009)" without a colon group is caught above; here: short forms
        m2 = re.match(r"^\s*,?\s*((?:pp?\.\s*)?\d[\d\s\-–—,]*)\.?\s*$", after)
        if m2:
            d.pages = _pages(m2.group(1))
            return d, len(work)
        if after.strip(" .,"):
            tail = after.strip()
            pages = re.search(r",\s*((?:pp?\.\s*)?\d+(?:\s*[-–—]+\s*\d+)?)\.?\s*$", tail)
            if pages:
                d.pages = _pages(pages.group(1))
                tail = tail[: pages.start()]
            url = _URL.search(tail)
            if url:
                d.url = url.group(0).rstrip(".,")
                tail = (tail[: url.start()] + tail[url.end():]).strip(" ,.<>")
            access = v.access.pattern.removeprefix("^")  # "accessed May 3, 2010"
            acc = re.search(rf",?\s*{access}({_latin_date()})", tail)
            if acc:
                d.extra["urldate"] = _date_of(acc.group(1))[1] or acc.group(1)
                tail = (tail[: acc.start()] + tail[acc.end():]).strip(" ,")
            # a newspaper or an archive: "New York Times, March 3, 1963" / "March 2, 1959, …"
            dm = re.search(rf"(?:^|,)\s*({_latin_date()})\s*(?=,|$)", tail)
            if dm:
                d.year, d.date = _date_of(dm.group(1))
                tail = (tail[: dm.start()] + tail[dm.end():]).strip(" ,")
            _latin_container(d, tail)
        return d, len(work)
    # Unquoted title: a book (or a thesis, report) or a short form.
    paren = _pub_paren(rest)
    # "Lüthi, Sino-Soviet Split, 80-85, and Chen Jian, Mao's China (…)": a short form
    # ends at its locator even when a later citation in the sentence has a parenthesis.
    joined = re.search(r",\s*((?:pp?\.\s*)?\d+(?:\s*[-–—─]+\s*\d+)?)\s*[,;]\s*(?:and\s+)?(?=[A-Z])",
                       rest[: paren[0]] if paren else "")
    if joined and _is_pages(joined.group(1)):
        d.pages = _pages(joined.group(1))
        _latin_title(d, rest[: joined.start()])
        return d, pos + joined.start(1) + len(joined.group(1))
    if paren:
        head, body = rest[: paren[0]], rest[paren[0] + 1: paren[1]]
        _latin_title(d, head)
        if not _pub_group(d, body):
            d.extra["parenthesis"] = body
        end = pos + paren[1] + 1
        return d, _latin_tail(d, work[end:], end)
    # Short form: Title[, pages] — or only the pages: "Zagoria, 78."
    body = rest.strip()
    if d.authors and _is_pages(body.rstrip(".;, ")):
        d.pages = _pages(body.rstrip(".;, "))
        d.extra["author_only"] = "1"
        return d, len(work)
    # The first ", <pages>" that ends a clause ends the citation: what follows
    # ("…, 80-85, who argues …") is the author's prose.
    for pages in re.finditer(r"\s*,\s*((?:pp?\.\s*)?[0-9ivxlc]+(?:\s*[-–—─]+\s*[0-9ivxlc]+)?)"
                             r"\s*(?=[,.;]|$)", body):
        if _is_pages(pages.group(1)):
            d.pages = _pages(pages.group(1))
            _latin_title(d, body[: pages.start()])
            end = pos + (len(rest) - len(rest.lstrip())) + pages.end()
            if work[end:end + 1] == ".":
                end += 1
            return d, end
    _latin_title(d, body)
    return d, len(work)


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
    m = re.search(r",\s*(trans\.|translated by|ed\.|eds\.|edited by)\s*(.+)$", head)
    if m:
        names = _latin_names(m.group(2))
        if names:
            if m.group(1).startswith("trans"):
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
