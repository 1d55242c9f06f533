"""Entry-type decision and the Reference built from a draft.

The entry type is ONE ordered decision table (:data:`ENTRY_TYPE_RULES`) over a small set
of facts (:class:`EntryFacts`): the first rule that holds names the type. Other stages
that classify works can build an ``EntryFacts`` and call :func:`entry_type` instead of
keeping their own classifier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.lexical import langid
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Form, Reference

__all__ = ["ENTRY_TYPE_RULES", "EntryFacts", "TypeRule", "entry_type", "facts_of"]


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """What the entry-type decision looks at, reduced to flags and a few strings."""

    form: Form = Form.FULL
    title: bool = False
    title_kind: str = ""  # "《", "〈", "quote", "plain", ""
    container: bool = False
    chapter: bool = False  # 收入/載於/in: the title is a part of the container
    thesis: str = ""  # "phdthesis" | "mastersthesis" | ""
    event: bool = False  # read at a conference (eventtitle)
    report: bool = False
    archive: bool = False
    fonds: bool = False  # the container names a body's records (《外交部檔案》), not a periodical
    url: bool = False
    issue: bool = False  # volume or number printed
    publishers: bool = False
    places: bool = False
    container_editors: bool = False
    editors: bool = False
    authors: bool = False
    day_date: bool = False  # the date has more than a year (1962-12-15, 2003-03)
    online_container: bool = False  # the container's name ends like a web site (…網)
    online_title: bool = False  # the title's name ends like a web site


@dataclass(frozen=True, slots=True)
class TypeRule:
    """One row of the entry-type table: when ``applies`` holds, the type is ``entry_type``."""

    name: str
    applies: Callable[[EntryFacts], bool]
    entry_type: str


def _journal_issue(f: EntryFacts) -> bool:
    return f.issue and not (f.publishers or f.places or f.container_editors)


def _short_titled(f: EntryFacts) -> bool:
    return f.title_kind in ("〈", "quote")


def _newspaper_issue(f: EntryFacts) -> bool:
    """《人民日報》，1962年12月15日，第1版: a periodical cited by its dated issue."""
    return (f.title_kind == "《" and not f.publishers and f.day_date
            and f.form is Form.FULL)


#: Ordered: the first rule that applies decides.
ENTRY_TYPE_RULES: tuple[TypeRule, ...] = (
    TypeRule("thesis-phd", lambda f: f.thesis == "phdthesis", "phdthesis"),
    TypeRule("thesis-masters", lambda f: f.thesis == "mastersthesis", "mastersthesis"),
    TypeRule("paper-in-proceedings", lambda f: f.event and f.container, "inproceedings"),
    TypeRule("conference-paper", lambda f: f.event, "unpublished"),
    TypeRule("report", lambda f: f.report, "report"),
    TypeRule("archival-document", lambda f: f.archive and not f.container, "unpublished"),
    TypeRule("archival-record-group", lambda f: f.archive and f.fonds, "unpublished"),
    # 载《历史研究》2001年第2期: a journal, whatever the marker says
    TypeRule("journal-despite-marker",
             lambda f: f.chapter and _journal_issue(f) and f.title_kind in ("〈", "《"),
             "article"),
    TypeRule("chapter", lambda f: f.chapter, "incollection"),
    # 〈篇〉，《毛澤東選集》（北京：人民出版社，1977）: a journal has no publisher
    TypeRule("chapter-in-published-volume",
             lambda f: f.container and f.title_kind == "〈" and (f.publishers or f.places),
             "incollection"),
    TypeRule("web-page",
             lambda f: f.container and (f.url or f.online_container) and not f.issue,
             "online"),
    TypeRule("periodical", lambda f: f.container, "article"),
    TypeRule("short-title-online", lambda f: _short_titled(f) and f.url, "online"),
    TypeRule("short-title-short-form",
             lambda f: _short_titled(f) and f.form is Form.SHORT, "article"),
    TypeRule("short-title", _short_titled, "misc"),
    TypeRule("web-site-issue", lambda f: _newspaper_issue(f) and f.online_title, "online"),
    TypeRule("newspaper-issue", _newspaper_issue, "article"),
    TypeRule("edited-volume", lambda f: f.editors and not f.authors, "collection"),
    # *Huaxi dushi bao*, <https://…>, accessed …: an italic title with only its address
    TypeRule("titled-web-source", lambda f: f.url and f.title_kind == "plain"
             and not (f.publishers or f.places), "online"),
    TypeRule("book", lambda f: f.title, "book"),
)


def entry_type(facts: EntryFacts, rules: tuple[TypeRule, ...] = ENTRY_TYPE_RULES) -> str:
    """The BibTeX entry type the first applicable rule names (``misc`` if none)."""
    return next((rule.entry_type for rule in rules if rule.applies(facts)), "misc")


def facts_of(d: _Draft, form: Form) -> EntryFacts:
    """The decision facts of a grammar draft."""
    suffixes = _vocab().online_suffixes
    return EntryFacts(
        form=form, title=bool(d.title), title_kind=d.title_kind,
        container=bool(d.container), chapter=d.chapter, thesis=d.thesis,
        event=bool(d.eventtitle), report=d.report, archive=bool(d.extra.get("archive")),
        fonds=bool(d.container) and d.container.endswith(_vocab().record_groups),
        url=bool(d.url), issue=bool(d.volume or d.number),
        publishers=bool(d.publishers), places=bool(d.places),
        container_editors=bool(d.container_editors), editors=bool(d.editors),
        authors=bool(d.authors), day_date=bool(d.date[5:]),
        online_container=bool(d.container) and d.container.endswith(suffixes),
        online_title=d.title.endswith(suffixes),
    )


def _is_full(d: _Draft) -> bool:
    """Publication facts printed (and no back-reference word): a full citation."""
    printed = bool(
        d.places or d.publishers or d.year or d.date or d.institution or d.url or d.eventtitle
        or (d.container and (d.volume or d.number) and not d.chapter)
    )
    return printed and "backref" not in d.extra


def _title_and_container(d: _Draft, kind: str) -> tuple[str, str]:
    """A periodical or web site cited by issue only: its 《name》 is the container."""
    by_issue = (kind == "article" and d.date) or kind == "online"
    if by_issue and d.title_kind == "《" and not d.container:
        return "", d.title
    return d.title, d.container


def _langid(d: _Draft, title: str, container: str, institution: str) -> str:
    """As :func:`langid`, and ``japanese`` for a work in kanji only (和田春樹，《朝鮮戦争
    全史》) whose imprint is Japanese (東京, …書房, …出版会: grammar.toml [japanese])."""
    lang = langid(title, container, *(p.literal for p in d.authors), institution)
    v = _vocab()
    imprint = any(p in v.japanese_places for p in d.places) or any(
        p.endswith(v.japanese_publishers) for p in d.publishers)
    return "japanese" if lang == "chinese" and imprint else lang


def _build(d: _Draft, text: str) -> Reference:
    docdate = d.extra.get("docdate", "")
    if not d.year and not d.date and docdate[:4].isdigit():
        d.year, d.date = docdate[:4], docdate  # an archival document dated only by itself
    form = Form.FULL if _is_full(d) else Form.SHORT
    kind = entry_type(facts_of(d, form))
    title, container = _title_and_container(d, kind)
    publishers, institution = d.publishers, d.institution
    if d.eventtitle and not d.container and publishers and not institution:
        institution, publishers = "、".join(publishers), ()  # the organiser of the event
    return Reference(
        text=text,
        form=form,
        entry_type=kind,
        authors=tuple(d.authors),
        editors=tuple(d.editors),
        translators=tuple(d.translators),
        title=title,
        container=container,
        container_editors=tuple(d.container_editors),
        places=d.places,
        publishers=publishers,
        year=d.year,
        date=d.date,
        volume=d.volume,
        number=d.number,
        pages=d.pages,
        institution=institution,
        eventtitle=d.eventtitle,
        url=d.url,
        note=d.note,
        langid=_langid(d, title, container, institution),
        extra=MappingProxyType({k: v for k, v in d.extra.items() if k != "callparts"}),
    )
