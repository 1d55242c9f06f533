"""Entry-type decision and the Reference built from a draft."""

from __future__ import annotations

from types import MappingProxyType

from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.lexical import langid
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Form, Reference


def _entry_type(d: _Draft, form: Form) -> str:
    v = _vocab()
    if d.thesis:
        return d.thesis
    if d.eventtitle:
        return "inproceedings" if d.container else "unpublished"
    if d.report:
        return "report"
    if d.extra.get("archive") and not d.container:
        return "unpublished"  # a document in an archive
    journal_issue = (d.number or d.volume) and not (d.publishers or d.places or d.container_editors)
    if d.chapter and journal_issue and d.title_kind in ("〈", "《"):
        return "article"  # 载《历史研究》2001年第2期: a journal, whatever the marker says
    if d.chapter or (d.container and d.title_kind == "〈" and (d.publishers or d.places)):
        # 〈篇〉，《毛澤東選集》（北京：人民出版社，1977）: a journal has no publisher
        return "incollection"
    online = d.url or (d.container and d.container.endswith(v.online_suffixes))
    if d.container:
        if online and not d.volume and not d.number:
            return "online"
        return "article"
    if d.title_kind in ("〈", "quote"):
        return "online" if d.url else ("article" if form is Form.SHORT else "misc")
    if d.title_kind == "《" and not d.publishers and d.date[5:] and form is Form.FULL:
        # 《人民日報》，1962年12月15日，第1版: a newspaper issue
        return "online" if d.title.endswith(v.online_suffixes) else "article"
    if d.editors and not d.authors:
        return "collection"
    if d.title:
        return "book"
    return "misc"


def _build(d: _Draft, text: str) -> Reference:
    docdate = d.extra.get("docdate", "")
    if not d.year and not d.date and docdate[:4].isdigit():
        d.year, d.date = docdate[:4], docdate  # an archival document dated only by itself
    full = bool(
        d.places or d.publishers or d.year or d.date or d.institution or d.url or d.eventtitle
        or (d.container and (d.volume or d.number) and not d.chapter)
    )
    form = Form.FULL if full and "backref" not in d.extra else Form.SHORT
    entry_type = _entry_type(d, form)
    title, container = d.title, d.container
    if entry_type == "article" and d.title_kind == "《" and not container and d.date:
        title, container = "", d.title  # a newspaper cited by issue only
    if entry_type == "online" and d.title_kind == "《" and not container:
        title, container = "", d.title
    extra = dict(d.extra)
    publishers, institution = d.publishers, d.institution
    if d.eventtitle and not d.container and publishers and not institution:
        institution, publishers = "、".join(publishers), ()  # the organiser of the event
    return Reference(
        text=text,
        form=form,
        entry_type=entry_type,
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
        langid=langid(title, container, *(p.literal for p in d.authors)),
        extra=MappingProxyType(extra),
    )
