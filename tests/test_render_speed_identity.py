"""csl/fastpaths.py: every speed-only replacement gives what the straightforward code
gives. Whole bibliographies and notes are rendered with the fixes alone (the
``speed`` rows of ``patches.PATCHES`` undone, the compiled cs:choose replaced by the
plain evaluator) and with everything, and compared byte for byte; the compiled
branch conditions and the affix fast path are checked on random inputs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.csl import conditions, fastpaths, patches, render
from sinosoviet_cli.csl.engine import _Engine
from sinosoviet_cli.csl.styles import clear_styles
from sinosoviet_cli.model import Work

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "golden" / "input" / "sample.bib"
sys.path.insert(0, str(ROOT / "benchmarks"))


def _plain_chosen(choose: Any, item: Any, context: Any) -> Any:
    """The first branch whose conditions hold, every branch evaluated in full."""
    for branch, is_else, match, tests in conditions.branch_specs(choose):
        if is_else or conditions.matches(branch, item, context, match, tests):
            return branch
    return None


def _stock_name_option(self: Any, name: str, context: Any = None,
                       sort_options: Any = None) -> Any:
    return patches._originals["name_option"](self, name, context, sort_options)


@contextmanager
def fixes_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """citeproc-py with sinosoviet's fixes but none of its speed-only replacements."""
    render.patch_citeproc()
    rows = [p for p in patches.PATCHES if p.speed]
    owners = [patches._owner(p.owner) for p in rows]
    saved = [owner.__dict__[p.attr] for owner, p in zip(owners, rows, strict=True)]
    try:
        for owner, p in zip(owners, rows, strict=True):
            setattr(owner, p.attr, patches._originals[p.name])
        with monkeypatch.context() as m:
            m.setattr(conditions, "chosen", _plain_chosen)
            m.setattr(fastpaths, "no_names", lambda names, item, roles: False)
            m.setattr(fastpaths, "name_option", _stock_name_option)
            m.setattr(fastpaths, "text_variable", patches._originals["text_variable"])
            clear_styles()
            patches._memo.clear()
            yield
    finally:
        for owner, p, value in zip(owners, rows, saved, strict=True):
            setattr(owner, p.attr, value)
        clear_styles()
        patches._memo.clear()


def _works() -> list[Work]:
    import bench_export as bench

    works = list(bibio.load(SAMPLE).works)
    works += bibio.parse(bench.synthetic_bib(60, seed=7)).works
    return works


def _notes(works: list[Work]) -> list[list[render.Part]]:
    """Cites at every position: first, ibid, ibid with a page, near-note, subsequent."""
    keys = [w.key for w in works[:12]]
    out: list[list[render.Part]] = []
    for i, key in enumerate(keys):
        out += [[render.Cite(key, "12")], [render.Cite(key, "12")], [render.Cite(key, "15")]]
        out.append(["See ", render.Cite(keys[i - 1]), render.Cite(keys[i - 3], "3--9")])
    return out


def _render_all(works: list[Work], style: str, fmt: str) -> tuple[list[str], list[str]]:
    engine = _Engine(render.style_path(style), fmt, works).load()
    entries = engine.entries([w.key for w in works])
    return entries, render.notes(_notes(works), works, style=style, fmt=fmt)


CASES = [("chicago-notes-bibliography", "text"), ("chicago-notes-bibliography", "html"),
         ("chicago-author-date", "markdown"), ("zhengda-shicui", "text"),
         ("chicago-notes-bibliography-subsequent-ibid", "text"),
         ("china-national-standard-gb-t-7714-2015-numeric", "html")]


@pytest.mark.parametrize(("style", "fmt"), CASES)
def test_fast_paths_render_what_the_fixes_alone_render(
        style: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    works = _works()
    fast = _render_all(works, style, fmt)
    with fixes_only(monkeypatch):
        assert conditions.chosen is _plain_chosen  # the slow side really is slow
        plain = _render_all(works, style, fmt)
    assert fast == plain
    assert sum(1 for text in fast[0] if text) == len(works)


def test_fixes_only_undoes_every_speed_row_and_restores_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    render.patch_citeproc()
    rows = [p for p in patches.PATCHES if p.speed]
    assert len(rows) >= 10

    def current() -> list[object]:
        return [patches._owner(p.owner).__dict__[p.attr] for p in rows]

    before = current()
    with fixes_only(monkeypatch):
        assert current() == [patches._originals[p.name] for p in rows]
    assert current() == before


# ── compiled cs:choose conditions ────────────────────────────────────────────

_TYPES = ["book", "chapter", "article-journal", "thesis"]
_VARIABLES = ["author", "editor", "container_title", "page", "locator"]


class _Item(dict[str, Any]):
    """A cite: ``"locator" in item`` and ``item.reference`` are all a condition reads."""

    def __init__(self, reference: dict[str, Any], locator: bool) -> None:
        super().__init__({"locator": "12"} if locator else {})
        self.reference = reference


_test = st.one_of(
    st.tuples(st.just("type"), st.lists(st.sampled_from(_TYPES), max_size=3).map(tuple)),
    st.tuples(st.just("variable"),
              st.lists(st.sampled_from(_VARIABLES), max_size=3).map(tuple)),
    st.tuples(st.just("disambiguate"),
              st.lists(st.sampled_from(["true", "false"]), max_size=2).map(tuple)))


@settings(max_examples=400, deadline=None)
@given(match=st.sampled_from(["all", "any", "none", "other"]),
       tests=st.lists(_test, max_size=3).map(tuple),
       kind=st.sampled_from(_TYPES),
       present=st.sets(st.sampled_from(_VARIABLES[:-1])),
       locator=st.booleans())
def test_compiled_condition_is_the_evaluated_one(
        match: str, tests: tuple[tuple[str, tuple[str, ...]], ...], kind: str,
        present: set[str], locator: bool) -> None:
    reference = {"type": kind, **{v: "x" for v in present}}
    item = _Item(reference, locator)
    holds = conditions._predicate(None, False, match, tests)
    assert holds(item, reference, None) == conditions.matches(None, item, None, match, tests)


# ── affixes ──────────────────────────────────────────────────────────────────

class _Affixed:
    """An element with affixes (``wrap`` reads ``get`` only)."""

    def __init__(self, prefix: str | None, suffix: str | None) -> None:
        self.attrib = {k: v for k, v in (("prefix", prefix), ("suffix", suffix)) if v is not None}

    def get(self, name: str, default: Any = None) -> Any:
        return self.attrib.get(name, default)


def _strings() -> list[Any]:
    from citeproc.formatter import html
    from citeproc.string import MixedString, NoCase, String

    return ["", "plain", " lead", ".dot", String("Title."), String(" s"), NoCase("iPhone"),
            MixedString([String("a "), NoCase("B.")]), MixedString([]),
            html.Italic("Ideology"), html.Bold(" x"), 12]


def _outcome(wrap: Any, element: _Affixed, string: Any) -> tuple[object, str]:
    try:
        out = wrap(element, string)
    except TypeError as error:  # citeproc-py cannot affix a number either
        return TypeError, str(error)
    return type(out), str(out)


@pytest.mark.parametrize("affixes", [(None, None), ("", ""), (" ", None), (None, "."),
                                     ("(", ")"), (". ", ", ")])
def test_wrap_fast_path_is_citeproc_wrap(affixes: tuple[str | None, str | None]) -> None:
    render.patch_citeproc()
    stock = patches._originals["wrap"]
    for string in _strings():
        element = _Affixed(*affixes)
        fast = _outcome(fastpaths.wrap, element, string)
        assert fast == _outcome(stock, element, string), (affixes, string)
    assert fastpaths.wrap(_Affixed("(", ")"), None) is None
    patches._memo.clear()


# ── seams ────────────────────────────────────────────────────────────────────

def _pieces() -> st.SearchStrategy[Any]:
    from citeproc.string import MixedString, NoCase, String

    text = st.text(alphabet=" .,;a<", max_size=3)
    leaf = st.one_of(text, text.map(String), text.map(NoCase))
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=3).map(MixedString),
                        max_leaves=6)


def _shape(value: Any) -> object:
    """A value's type and text, segment by segment."""
    if isinstance(value, list):
        return type(value), [_shape(v) for v in value]
    return type(value), str(value)


@settings(max_examples=500, deadline=None)
@given(left=_pieces(), other=_pieces())
def test_seam_reads_only_the_seam_but_answers_as_citeproc(left: Any, other: Any) -> None:
    render.patch_citeproc()
    stock = patches._originals["normalize_seam"]
    assert _shape(fastpaths.normalize_seam(left, other)) == _shape(stock(left, other))
