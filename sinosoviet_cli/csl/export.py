"""Bibliographies and whole export documents: entries in our order (W9), with the
fixes applied after rendering (W5 year suffixes, W13 repeated-author dashes), laid out
as text, markdown or an HTML page.
"""

from __future__ import annotations

import gc
import html
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.csl.cache import Cached, EntryCache, context_digest, entry_digest
from sinosoviet_cli.csl.engine import Entry, _Engine, _entries_parallel, _jobs
from sinosoviet_cli.csl.formats import _markdown_escape
from sinosoviet_cli.csl.items import _by_key, _language, csl_name
from sinosoviet_cli.csl.sort import sort_key
from sinosoviet_cli.csl.styles import (
    DEFAULT_STYLE,
    FORMATS,
    StyleFacts,
    bibliography_fallback,
    bundled_styles_dir,
    require_style,
    style_facts,
    style_path,
    western_style,
)
from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import Work, split_persons


def bibliography(works: Sequence[Work], *, style: str = DEFAULT_STYLE, fmt: str = "text",
                 context: Sequence[Work] = (), jobs: int | None = None,
                 cache: EntryCache | None = None,
                 options: Mapping[str, Any] | None = None) -> list[Entry]:
    """``works`` rendered as bibliography entries in Chicago order. ``context`` holds
    further works a crossref may point to (they are not printed). With ``cache``,
    entries rendered before (same entry, style, format, ``options``, versions) are
    read back instead of rendered; the result is the same either way."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", fix="use one of " + ", ".join(FORMATS))
    path = require_style(style, "bibliography")
    facts = style_facts(path)
    all_works = list({w.key: w for w in [*context, *works]}.values())
    by_key = _by_key(all_works)
    if facts.numbered:
        # [n] is the entry's position: rendered in order, in one process, never cached.
        return _numbered(path, fmt, all_works, works, by_key, facts)
    digests: dict[str, str] = {}
    found: dict[str, Cached] = {}
    run = ""
    if cache is not None:
        run = context_digest(_styles_used(path), fmt, options or {})
        packed = cache.pack(run)
        for w in works:
            digests[w.key] = entry_digest(run, w.key, w.entry_type, inherit(w, by_key))
            hit = packed.get(digests[w.key])
            if hit is not None:
                found[w.key] = hit
    missing = [w for w in works if w.key not in found]
    if missing:
        with _quiet_gc():
            found.update(_render(path, fmt, all_works, missing, by_key, facts.by_date, jobs))
    if cache is not None:  # written when something was rendered
        cache.store(run, {digests[w.key]: found[w.key] for w in works}, write=bool(missing))
    ordered = sorted(works, key=lambda w: found[w.key].sort) if facts.sorted else list(works)
    texts = [found[w.key].text for w in ordered]
    if facts.year_suffix:
        texts = add_year_suffixes(ordered, texts, all_works)
    texts = substitute_repeated_authors(ordered, texts, facts.substitute, all_works)
    return [Entry(w.key, t, html_lang(inherit(w, by_key)))
            for w, t in zip(ordered, texts, strict=True)]


def _numbered(path: Path, fmt: str, all_works: Sequence[Work], works: Sequence[Work],
              by_key: Mapping[str, Work], facts: StyleFacts) -> list[Entry]:
    """A numeric style (GB/T 7714 numeric): entries in citation (input) order unless the
    style sorts its bibliography, numbered in that order."""
    ordered = sorted(works, key=lambda w: sort_key(w, by_key, by_date=facts.by_date)) \
        if facts.sorted else list(works)
    with _quiet_gc():
        texts = _Engine(path, fmt, all_works).load().entries([w.key for w in ordered])
    return [Entry(w.key, t, html_lang(inherit(w, by_key)))
            for w, t in zip(ordered, texts, strict=True)]


_HTML_LANG = {"zh-TW": "zh-Hant", "zh-CN": "zh-Hans", "en-US": "en", "ja-JP": "ja",
              "ru-RU": "ru", "de-DE": "de", "fr-FR": "fr"}


def html_lang(fields: Mapping[str, str]) -> str:
    """The HTML ``lang`` of an entry, from its ``langid`` (else its title's script), so
    that an English entry in a page of Chinese ones is not marked zh-Hant."""
    csl = _language(fields)
    return _HTML_LANG.get(csl, csl)


def _styles_used(path: Path) -> list[Path]:
    """The style and the styles it hands entries to (W17 fallback, Western companion),
    with ``styles.toml`` that names them: what a cache key must cover."""
    named = [western_style(path), bibliography_fallback(path)]
    return [path, bundled_styles_dir() / "styles.toml",
            *(style_path(name) for name in named if name)]


def _render(path: Path, fmt: str, all_works: Sequence[Work], works: Sequence[Work],
            by_key: Mapping[str, Work], by_date: bool, jobs: int | None,
            ) -> dict[str, Cached]:
    """Render ``works`` and compute their sort keys (in parallel for many entries:
    entries render independently of their order, so the sort keys are computed
    meanwhile)."""
    engine = _Engine(path, fmt, all_works).load()
    keys = [w.key for w in works]

    def sort_keys() -> dict[str, tuple[str, ...]]:
        return {w.key: sort_key(w, by_key, by_date=by_date) for w in works}

    n_jobs = _jobs(len(works), jobs)
    if n_jobs == 1:
        texts, sorts = engine.entries(keys), sort_keys()
    else:
        sorts, texts = _entries_parallel(engine, keys, n_jobs, sort_keys)
    return {k: Cached(t, sorts[k]) for k, t in zip(keys, texts, strict=True)}


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """Rendering allocates many short-lived objects and few cycles: the collector is
    frozen (existing objects) and disabled while it runs, and restored after."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()


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
           jobs: int | None = None, cache: EntryCache | None = None,
           options: Mapping[str, Any] | None = None) -> str:
    """A whole bibliography document in ``fmt``: ``works`` in one untitled section, or
    the caller's ``(heading, works)`` sections (the grouping is the caller's: render
    knows no schools); entries in Chicago order within each. Crossrefs resolve
    against all of ``works``."""
    require_style(style, "bibliography")  # an unusable style fails before any work
    chosen = [("", works)] if sections is None else sections
    parts = [(heading, bibliography(ws, style=style, fmt=fmt, context=works, jobs=jobs,
                                       cache=cache, options=options))
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
            body.extend(f'  <div class="csl-entry" id="ref-{html.escape(e.key, quote=True)}"'
                        + (f' lang="{html.escape(e.lang, quote=True)}"' if e.lang else "")
                        + f">{e.text}</div>" for e in entries)
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

