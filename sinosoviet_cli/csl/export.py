"""Bibliographies and whole export documents: entries in our order (W9), with the
fixes applied after rendering (W5 year suffixes, W13 repeated-author dashes), laid out
as text, markdown or an HTML page.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.csl.engine import Entry, _Engine, _entries_parallel, _jobs
from sinosoviet_cli.csl.formats import _markdown_escape
from sinosoviet_cli.csl.items import _by_key, csl_name
from sinosoviet_cli.csl.sort import sort_works
from sinosoviet_cli.csl.styles import DEFAULT_STYLE, FORMATS, require_style
from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import Work, split_persons


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

