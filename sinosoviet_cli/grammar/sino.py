"""Sinological Chicago: English notes that print each Chinese or Japanese name and title
twice, romanised then in characters::

    Sima Qian 司馬遷, Shiji 史記 (Beijing: Zhonghua shuju, 1982), 10.432.
    Shi Nianhai 史念海, ed., Xi'an lishi dituji 西安歷史地圖集 (Xi'an: …, 1996), 89.
    Rong Xinjiang 榮新江, "Sui Tang Chang'an yanjiu" 隋唐長安研究, Tang yanjiu 唐研究 9 (2003): 1–8.

The characters are the values (author 司馬遷, title 史記, journal 唐研究 when printed);
the romanised forms go to ``extra``: ``romanized_names``, ``romanized_title``,
``romanized_container``, and each person keeps its romanised family/given beside the
literal (``Person(literal="司馬遷", family="Sima", given="Qian")``), so that a short form
``Sima, Shiji`` links. Names are family first (the sinological convention). A juan.page
locator (``10.432``) is kept as printed in ``pages``.
"""

from __future__ import annotations

import re

from sinosoviet_cli.grammar import emphasis
from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.lexical import _YEAR, _clean, _date_of, _match_close, _pages
from sinosoviet_cli.grammar.persons import _latin_names
from sinosoviet_cli.grammar.tail import _pub_group
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Person
from sinosoviet_cli.text.normalize import CJK_CHAR

_ROM_WORD = r"[A-Z\u00c0-\u024f][\w'’\-\u00c0-\u024f\u0300-\u036f]*"
_ROM_NAME = rf"{_ROM_WORD}(?:\s+[\w'’\-\u00c0-\u024f]+){{0,5}}?"
_CJK_NAME = rf"{CJK_CHAR}{{2,20}}"
_PERSON = re.compile(rf"({_ROM_NAME})\s+({_CJK_NAME})")
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)")
_ED = re.compile(r"\s*,?\s*(eds?\.|comp\.|trans\.)\s*,\s*")
# A title in characters may hold full-width brackets (…（1949–1960）) and open with a
# year (1962：…).
_CJK_RUN = rf"(?:{CJK_CHAR}|[、，,：:《》〈〉「」『』（）·・\-—–0-9 ])"
# It may also end with years after full-width punctuation (毛澤東傳，1949–1976).
_CJK_END = rf"(?:{CJK_CHAR}|[》〉」』）]|[，：、]\s*[0-9]{{4}}(?:\s*[-–—]\s*[0-9]{{2,4}})?)"
_CJK_TITLE = rf"(?:[0-9]{{1,4}}[：:]\s*)?{CJK_CHAR}(?:{_CJK_RUN}*{_CJK_END})?"
# "Romanised title" 漢字 / "Romanised title 漢字," / "Romanised," 漢字 / Romanised 漢字
_QUOTED = re.compile(
    rf"[\"“]\s*([^\"“”]+?)\s*(?:[,，]?\s*[\"”]\s*[,，]?\s*({_CJK_TITLE})|\s+({_CJK_TITLE})"
    rf"\s*[,，]?\s*[\"”])\s*[,，]?\s*"
)
_PLAIN = re.compile(rf"([^\"“”(（),，]+?(?:,\s+[^\"“”(（),，]+?)?)\s*({_CJK_TITLE})\s*[,，]?\s*")
_RANGE = r"\d+(?:\s*[-–—]+\s*\d+)?"
# CMOS 14.152: "1:153–55" is volume 1, pages 153–55; "246–94, at 258" cites page 258 of
# a chapter whose span is 246–94.
_LOCATOR = re.compile(
    rf"[,:]?\s*(?:(\d{{1,3}}):(?=\d))?((?:\d+\.)?{_RANGE}(?:\s*,\s*{_RANGE})*)"
    rf"(?:\s*,\s*at\s+({_RANGE}))?\s*\.?"
)
# CMOS 14.120: ", 2 vols." (the set) / ", vol. 7" (the volume cited) after the title.
_VOLS = re.compile(r"\s*,?\s*(?:(\d{1,3})\s+vols\.|vol\.\s*(\d{1,3}))\s*,?\s*")
# "Lishi yanjiu 歷史研究, no. 3 (2004)": an issue number without a volume (CMOS 14.175).
_ISSUE = re.compile(
    rf"(?:(?P<cjk>{CJK_CHAR}[^\d(]*?)[,，]?\s+)?"
    r"(?:(?P<vol>\d{1,4})(?:\s*,\s*no\.\s*(?P<no>\d+))?\s*|no\.\s*(?P<only>\d+)\s*)?"
    rf"(?:\(\s*(?:[A-Z][a-z]+\s+)?(?P<year>{_YEAR})\s*\)|(?P<y2>{_YEAR})\.(?P<n2>\d{{1,2}}))"
)


# In prose: two or three capitalised words, then the name in characters (2-4).
_PROSE_PERSON = re.compile(
    rf"(?<![\w'’])([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){{1,2}})\s+({CJK_CHAR}{{2,4}})"
    rf"(?!{CJK_CHAR})")


def printed_persons(text: str) -> list[Person]:
    """Persons a note's prose names in both scripts (``started by Xu Song 徐松 (1781–
    1848)``): resolution then knows the romanised name where it recurs alone."""
    return [Person(literal=m.group(2), family=words[0], given=" ".join(words[1:]))
            for m in _PROSE_PERSON.finditer(text)
            for words in [m.group(1).split()]]


def _pairs(text: str) -> list[tuple[int, int, Person, str]]:
    """The ``Rom 漢字`` pairs at the start, joined by commas or ``and``: (start, end,
    person, romanised) each. The last ones may be the title: the caller decides."""
    pairs: list[tuple[int, int, Person, str]] = []
    pos = 0
    while len(pairs) < 12:
        m = _PERSON.match(text, pos)
        if not m:
            break
        rom, cjk = _clean(m.group(1)), m.group(2)
        words = rom.split()
        if any(w.lower() in _vocab().sino_prose for w in words):
            break
        pairs.append((m.start(), m.end(),
                      Person(literal=cjk, family=words[0], given=" ".join(words[1:])), rom))
        sep = _SEP.match(text, m.end())
        if not sep:
            break
        pos = sep.end()
    return pairs


def _persons(d: _Draft, text: str, pairs: list[tuple[int, int, Person, str]]) -> int:
    """Take ``pairs`` as the persons (``, ed.,`` makes them editors); return the end."""
    pos = pairs[-1][1]
    role = "author"
    ed = _ED.match(text, pos)
    if ed:
        role = "translator" if ed.group(1).startswith("trans") else "editor"
        pos = ed.end()
    getattr(d, f"{role}s").extend(p for _, _, p, _ in pairs)
    d.extra["romanized_names"] = " and ".join(rom for _, _, _, rom in pairs)
    return pos + len(text[pos:]) - len(text[pos:].lstrip(" ,"))


_MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?")
_ISSUE_DATE = re.compile(
    rf"\s*[,，]?\s*((?:{_MONTH}\s+\d{{1,2}},?\s+|\d{{1,2}}\s+{_MONTH}\s+){_YEAR})")
_ISSUE_PAGE = re.compile(r"\s*,\s*(\d{1,3})\s*\.?")

# An italic romanised title, then its characters: *Shiji* 史記 (CMOS 14.94: italic = book).
_AFTER_ITALIC = re.compile(rf"\s*[,，]?\s*({_CJK_TITLE})\s*[,，]?\s*")


# CMOS 14.98: an English translation of the title may follow it in brackets.
_TRANSLATION = re.compile(r"\s*\[([^\[\]]+)\]\s*[,，]?\s*")


def _title(d: _Draft, text: str, pos: int, marked: str = "") -> int:
    """The title at ``pos`` and a bracketed translation after it (kept in ``extra``)."""
    end = _title_only(d, text, pos, marked)
    m = _TRANSLATION.match(text, end) if end else None
    if m:
        d.extra["translated_title"] = _clean(m.group(1))
        return m.end()
    return end


def _title_only(d: _Draft, text: str, pos: int, marked: str = "") -> int:
    """The title at ``pos``: italic (``marked``: ``grammar.emphasis``), quoted or plain."""
    span = emphasis.span_at(marked, pos) if marked else None
    after = _AFTER_ITALIC.match(text, span[1]) if span else None
    if span and after:  # the italics say where the romanised title ends, parentheses and all
        d.title_kind = "plain"
        d.extra["romanized_title"] = _clean(text[span[0]:span[1]])
        d.title = _clean(after.group(1))
        return after.end()
    m = _QUOTED.match(text, pos)
    if m:
        d.title_kind = "quote"
        d.extra["romanized_title"] = _clean(m.group(1).rstrip(", "))
        d.title = _clean(m.group(2) or m.group(3))
        return m.end()
    m = _PLAIN.match(text, pos)
    if not m:
        return 0
    d.title_kind = "plain"
    d.extra["romanized_title"] = _clean(m.group(1))
    d.title = _clean(m.group(2))
    return m.end()


def _container(d: _Draft, text: str, pos: int) -> int:
    """Tang yanjiu 唐研究 9 (2003): 1–8 / Wenxian 2012.3, 93 / Kaogu 8 (2010): 46–52."""
    head = re.match(r"([^\d(,]+?)\s+(?=\d|\(|" + CJK_CHAR + ")", text[pos:])
    if not head:
        return pos
    q = pos + head.end()
    m = _ISSUE.match(text, q)
    if not m:
        return pos
    d.container = _clean(m["cjk"] or head.group(1))
    if m["cjk"]:
        d.extra["romanized_container"] = _clean(head.group(1))
    else:
        d.extra["romanized_container"] = d.container
    d.volume = m["vol"] or ""
    d.number = m["no"] or m["only"] or m["n2"] or ""
    d.year = m["year"] or m["y2"]
    return m.end()


def _parse_sino(text: str) -> tuple[_Draft, int] | None:
    """A sinological citation at the start of ``text``; (draft, end) or None. The
    leading pairs are persons up to the first reading whose rest is a title and
    publication facts (``Sima Qian 司馬遷, Shiji 史記 (…)``: one person, then the title)."""
    marked, text = text, emphasis.plain(text)
    if emphasis.span_at(marked, 0):
        return _periodical_issue(text, marked)
    pairs = _pairs(text)
    for k in range(1, len(pairs) + 1):
        got = _after_persons(text, pairs[:k], marked)
        if got is not None:
            return got
    # Xu Song, Tang liangjing chengfangkao 唐兩京城坊考 (…): the author's characters were
    # printed earlier in the note; only the romanised name here.
    m = _LATIN_AUTHOR.match(text)
    if m and not any(w.lower() in _vocab().sino_prose for w in m.group(1).split()):
        words = m.group(1).split()
        person = Person(family=words[0], given=" ".join(words[1:]))
        got = _after_persons(text[m.end():], [], marked[m.end():])
        if got is not None:
            d, end = got
            d.authors.insert(0, person)
            d.extra["romanized_names"] = m.group(1)
            return d, m.end() + end
    return None


# "ed. Xin Deyong 辛德勇" / "as told to Li Ming 李明" (a memoir's amanuensis: CMOS 14.104
# — the recorder is not a second author; kept as editor).
_AFTER_TITLE_EDITOR = re.compile(r"\s*,?\s*(ed\.|as told to|trans\.|translated by)\s+")
# "trans. Zhang Ming (Beijing: …)": a person printed in romanisation only.
_LATIN_PERSON = re.compile(r"[A-Z][^,(（;]*?(?=\s*[,(（;]|$)")
_LATIN_AUTHOR = re.compile(rf"({_ROM_WORD}(?:\s+{_ROM_WORD}){{0,2}}),\s+")


def _after_persons(text: str, pairs: list[tuple[int, int, Person, str]], marked: str = ""
                   ) -> tuple[_Draft, int] | None:
    """The title, then the steps of CMOS 14.x in their printed order: an editor after the
    title, the volume a chapter is in, edition and volumes, the publication facts (or a
    journal), the locator."""
    d = _Draft()
    pos = _title(d, text, _persons(d, text, pairs) if pairs else 0, marked)
    if not pos:
        return None
    pos = _title_editor(d, text, pos)
    pos = _in_volume(d, text, pos, marked)
    pos = _volumes(d, text, pos)
    pos = _imprint(d, text, pos, marked)
    if pos < 0:
        return None
    end = _locator(d, text, pos)
    if d.year or d.publishers or d.container:
        return d, end
    # "Gao, *Hong taiyang* 紅太陽, 20.": a short form, the title in both scripts
    return (d, end) if d.pages and not text[end:].strip(" .;") else None


def _title_editor(d: _Draft, text: str, pos: int) -> int:
    """Liangjing xinji jijiao 兩京新記輯校 ed. Xin Deyong 辛德勇 / as told to Li Ming 李明."""
    ed = _AFTER_TITLE_EDITOR.match(text[pos:])
    if not ed:
        return pos
    start = pos + ed.end()
    pairs = _pairs(text[start:])
    if pairs:
        people, end = [p for _, _, p, _ in pairs], start + pairs[-1][1]
    else:
        latin = _LATIN_PERSON.match(text, start)
        names = _latin_names(latin.group(0)) if latin else None
        if not (latin and names):
            return pos
        people, end = list(names), latin.end()
    if ed.group(1).startswith("trans"):
        d.translators.extend(people)
    elif d.chapter:
        d.container_editors += tuple(people)
    else:
        d.editors.extend(people)
    return end


# '"Zai Chengdu huiyi" 在成都會議, in *Mao Zedong sixiang wansui* 毛澤東思想萬歲 (…)'
_IN = re.compile(r"\s*,?\s*in\s+")


def _in_volume(d: _Draft, text: str, pos: int, marked: str) -> int:
    """A chapter's volume, romanised then in characters (CMOS 14.106)."""
    into = _IN.match(text, pos) if d.title_kind == "quote" else None
    if into is None:
        return pos
    volume = _Draft()
    end = _title(volume, text, into.end(), marked)
    if not end:
        return pos
    d.chapter, d.container = True, volume.title
    d.extra["romanized_container"] = volume.extra.get("romanized_title", "")
    return _title_editor(d, text, end)


# CMOS 14.113, 14.120: ", rev. ed." / ", 2nd ed." then ", 2 vols." (the set) or
# ", vol. 7" (the volume cited) after the title.
_EDITION = re.compile(r"\s*,?\s*((?:\d+(?:st|nd|rd|th)|rev\.|[Rr]evised|enl\.)\s+ed\.)")


def _volumes(d: _Draft, text: str, pos: int) -> int:
    edition = _EDITION.match(text, pos)
    if edition:
        d.extra["edition"], pos = edition.group(1), edition.end()
    vols = _VOLS.match(text, pos)
    if vols:
        if vols.group(1):
            d.extra["volumes"] = vols.group(1)
        else:
            d.volume = vols.group(2)
        pos = vols.end()
    return pos


def _imprint(d: _Draft, text: str, pos: int, marked: str = "") -> int:
    """``(Beijing: Zhonghua shuju, 1982)`` or a journal (or newspaper) after an article;
    -1 if unread."""
    rest = text[pos:].lstrip(" ,")
    pos = len(text) - len(rest)
    if rest[:1] == "(":
        close = _match_close(text, pos)
        if close < 0 or not _pub_group(d, text[pos + 1:close]):
            return -1
        return close + 1
    if d.title_kind == "quote" and not d.chapter:
        end = _container(d, text, pos)
        return end if end != pos else _newspaper(d, text, pos, marked)
    return pos


def _newspaper(d: _Draft, text: str, pos: int, marked: str) -> int:
    """``"Jiaoyu renmin" 教育人民, *Renmin ribao* 人民日報, July 1, 1958, 1.``: an article
    in a newspaper's dated issue (CMOS 14.191), the paper's name in both scripts."""
    paper = _Draft()
    end = _title(paper, text, pos, marked)
    date = _ISSUE_DATE.match(text, end) if end else None
    if date is None or paper.title_kind == "quote":
        return pos
    d.container = paper.title
    d.extra["romanized_container"] = paper.extra.get("romanized_title", "")
    d.year, d.date = _date_of(date.group(1))
    return date.end()


def _locator(d: _Draft, text: str, pos: int) -> int:
    """``, 10.432`` (juan.page as printed) / ``, 1:153–55`` / ``246–94, at 258``."""
    loc = _LOCATOR.match(text, pos)
    if not (loc and loc.group(2)):
        return pos
    cited = loc.group(3) or loc.group(2)
    d.pages = _pages(cited) if "." not in cited else cited
    if loc.group(3):  # "246–94, at 258": the span is the work's own pages
        d.extra["extent"] = _pages(loc.group(2))
    d.volume = loc.group(1) or d.volume
    return loc.end()


def _periodical_issue(text: str, marked: str) -> tuple[_Draft, int] | None:
    """``*Renmin ribao* 人民日報, June 12, 1958, 1.``: a newspaper cited by its dated issue
    (CMOS 14.194), its name in both scripts; the name is the container and the title."""
    d = _Draft()
    pos = _title(d, text, 0, marked)
    date = _ISSUE_DATE.match(text, pos) if pos else None
    if date is None:
        return None
    d.container, d.extra["romanized_container"] = d.title, d.extra.pop("romanized_title")
    d.year, d.date = _date_of(date.group(1))
    pages = _ISSUE_PAGE.match(text, date.end())
    if pages:
        d.pages = _pages(pages.group(1))
        return d, pages.end()
    return d, date.end()
