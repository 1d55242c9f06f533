"""The rendering engine: one loaded style, our works as citeproc-py items, and
entries or notes rendered one cite at a time (W3, W4, W6, W8, W17); bibliographies of
``PARALLEL_MIN`` or more entries render in two forked processes while the parent sorts.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sinosoviet_cli.bibtex.bibio import inherit
from sinosoviet_cli.csl.formats import _escaper, _formatter
from sinosoviet_cli.csl.items import _ET_AL, _by_key, _language, to_csl
from sinosoviet_cli.csl.patches import patch_citeproc
from sinosoviet_cli.csl.styles import (
    _load_style,
    _prints_places,
    bibliography_fallback,
    both_scripts,
    style_facts,
    style_path,
    western_style,
)
from sinosoviet_cli.model import Work


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
    lang: str = ""  # BCP 47 tag of the work's language (HTML ``lang``), "" if unknown


@dataclass
class _Engine:
    style_file: Path
    fmt: str
    works: Sequence[Work]
    _style: Any = None
    _source: Any = None
    _pending: dict[str, Work] = field(default_factory=dict)
    _by_key: Mapping[str, Work] = field(default_factory=dict)
    _escape: Callable[[str], str] = str
    _pair: bool = False
    _both: bool = False
    _substitute: str | None = None
    _piq: bool = False
    year_suffix: bool = False
    by_date: bool = False
    locale: str = "en-US"

    western: _Engine | None = None
    _western_keys: frozenset[str] = frozenset()
    _fallback: _Engine | None = None

    def load(self) -> _Engine:
        """Load the style; works become citeproc-py items only when first rendered
        (``_ensure``), so a forked worker converts only its own slice."""
        from citeproc.source.json import CiteProcJSON

        patch_citeproc()
        self._by_key = _by_key(self.works)
        self._escape = _escaper(self.fmt)
        self._style = _load_style(self.style_file)
        self.locale = self._style.root.get("default-locale", "en-US")
        self._pair = _prints_places(self.style_file, self._style)
        self._both = both_scripts(self.style_file)
        self._pending = {w.key.lower(): w for w in self.works}
        self._source = CiteProcJSON([])
        companion = western_style(self.style_file)
        if companion is not None:
            self.western = _Engine(style_path(companion), self.fmt, self.works).load()
            self._western_keys = frozenset(
                k for k, w in self._pending.items()
                if not _language(inherit(w, self._by_key)).startswith(("zh", "ja", "ko")))
        facts = style_facts(self.style_file)
        self._substitute, self.by_date = facts.substitute, facts.by_date
        self.year_suffix = facts.year_suffix
        option = self._style.root.get_locale_option("punctuation-in-quote")
        self._piq = str(option).lower() == "true"
        return self

    def _ensure(self, keys: Iterable[str]) -> None:
        """Convert the works of ``keys`` not converted yet into citeproc-py items."""
        from citeproc.source.json import CiteProcJSON

        todo = [self._pending.pop(k) for k in {k.lower() for k in keys} if k in self._pending]
        if not todo:
            return
        items = [to_csl(w, self._by_key, self._escape, self.locale, pair_places=self._pair,
                        both_scripts=self._both) for w in todo]
        with warnings.catch_warnings():
            # citeproc-py 0.11 predates CSL 1.0.2's event-title; it keeps and renders
            # it, but warns once per process.
            warnings.filterwarnings("ignore", message=r".*unsupported: event_title$")
            self._source.update(CiteProcJSON(items))

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
        self._ensure(keys)
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
        self._ensure(c.key for c in cites)
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


_T = TypeVar("_T")

# Both cores: a forked worker inherits the loaded engine and renders a slice.
_worker_engine: _Engine | None = None
# Measured on 2 idle cores: at 100 entries two processes save ~15 ms of ~190 (the fork
# and the workers' own first-render warm-up cost the rest); below that, one.
PARALLEL_MIN = 100


def _render_slice(job: tuple[int, Sequence[str]]) -> tuple[int, list[str]]:
    assert _worker_engine is not None
    return job[0], _worker_engine.entries(job[1])


def _entries_parallel(engine: _Engine, keys: Sequence[str], jobs: int,
                      meanwhile: Callable[[], _T]) -> tuple[_T, list[str]]:
    """Render ``keys`` in ``jobs`` forked workers (they inherit the loaded style) while
    this process runs ``meanwhile`` (the sort keys); entries come back in ``keys``'
    order, with what ``meanwhile`` returned."""
    import multiprocessing

    global _worker_engine
    # A few slices a worker: a worker on a busy core takes fewer of them.
    size = max(1, -(-len(keys) // (jobs * 4)))
    chunks = [list(keys[i:i + size]) for i in range(0, len(keys), size)]
    _worker_engine = engine
    rendered: dict[str, str] = {}
    try:
        ctx = multiprocessing.get_context("fork")
        # Workers ignore Ctrl-C: the parent alone is interrupted and terminates the pool.
        # Ctrl-C waits while the pool is being made: interrupted half-made, it left a
        # worker and the pool's threads that the exit then waited for (a hang).
        with contextlib.ExitStack() as stack:
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:  # the pool is in the stack before a waiting Ctrl-C can arrive
                pool = stack.enter_context(ctx.Pool(jobs, initializer=_ignore_sigint))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            pending = pool.imap_unordered(_render_slice, enumerate(chunks))
            computed = meanwhile()
            for index, out in pending:
                rendered.update(zip(chunks[index], out, strict=True))
    finally:
        _worker_engine = None
    return computed, [rendered[k] for k in keys]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _jobs(n: int, jobs: int | None) -> int:
    if jobs is not None:
        return max(1, jobs)
    if n < PARALLEL_MIN or os.name != "posix":
        return 1
    return min(2, os.cpu_count() or 1)


