"""Properties across the whole tool, checked with hypothesis.

Each module's own tests hold its local properties (extract never raises, escape round
trips, ``keys.unique``...). These hold the joins between them, on generated inputs that
look like the real thing: whole papers in the journal's layout whose notes mix every
citation convention with ``{ } \\ % # & $ _ ~`` and CJK in the values.

- decoding: any UTF-8 text is read exactly; any bytes give text or an ``InputError``;
- loading: any text parses into works and problems, never an exception;
- parsing: any such paper gives works that ``bibio`` writes and reads back exactly
  (``parse`` never refuses to save), keys unique without regard to case, links and
  crossrefs that point at existing works;
- matching: ``check`` never raises on such drafts, and ``[@key]`` findings are exact;
- rendering: any works export in every format.

The default run is quick; ``HYPOTHESIS_EXAMPLES=5000 pytest tests/test_properties.py``
runs thousands of examples per property.
"""

from __future__ import annotations

import os
import re
from types import MappingProxyType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.errors import SinosovietError
from sinosoviet_cli.files import decode
from sinosoviet_cli.model import Work

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "200"))
SLOW = max(10, EXAMPLES // 4)  # for properties that run the whole pipeline or citeproc


def _examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ── generated bibliographic material ────────────────────────────────────────

SPECIALS = "{}\\%#&$_~"
_cjk_name = st.text(alphabet="楊奎松沈志華李丹慧牛軍陳兼王張劉羅平漢", min_size=2, max_size=3)
_cjk_title = st.text(alphabet=f"中蘇關係史綱走向破裂冷戰時期的研究與毛澤東大躍進：{SPECIALS}ab 1",
                     min_size=1, max_size=16).filter(lambda t: t.strip())
_latin_word = st.sampled_from(["The", "Sino-Soviet", "Split", "Conflict", "{Cold}", "War",
                               "50%", "#1", "A&B", "back\\slash", "Mao's", "China", "Lüthi's",
                               "$5", "under_score", "~", "Ideology"])
_latin_title = st.lists(_latin_word, min_size=1, max_size=6).map(" ".join)
_family = st.sampled_from(["Zagoria", "Hinton", "Lüthi", "O'Neil", "Westad", "Chen", "Gurtov",
                           "Schurmann", "MacFarquhar", "Li"])
_given = st.sampled_from(["Donald", "Harold", "Lorenz", "Odd Arne", "Jian", "Melvin", "C. G.",
                          "Franz", "Roderick", "A&B"])
_place = st.sampled_from(["北京", "香港", "台北", "長沙", "Princeton", "New York", "Chapel Hill"])
_publisher = st.sampled_from(["三聯書店", "人民出版社", "新華出版社", "Princeton University Press",
                              "A & B Press", "50% Books", "Smith {and} Sons"])
_year = st.integers(1900, 2025).map(str)
_pages = st.one_of(st.integers(1, 999).map(str),
                   st.tuples(st.integers(1, 500), st.integers(1, 499)).map(
                       lambda t: f"{t[0]}-{t[0] + t[1]}"))


@st.composite
def _note(draw: st.DrawFn) -> str:
    """One footnote: one to three citations in any convention, maybe with commentary."""
    forms = [
        st.builds(lambda a, t, pl, pu, y, p: f"{a}，《{t}》（{pl}：{pu}，{y}），{p}。",
                  _cjk_name, _cjk_title, _place, _publisher, _year, _pages),
        st.builds(lambda a, t, j, n, y, p: f"{a}，〈{t}〉，《{j}》，第{n}期（{y}），頁{p}。",
                  _cjk_name, _cjk_title, _cjk_title, st.integers(1, 40), _year, _pages),
        st.builds(lambda a, t, e, b, pl, pu, y, p:
                  f"{a}，〈{t}〉，收入{e}主編，《{b}》（{pl}：{pu}，{y}），{p}。",
                  _cjk_name, _cjk_title, _cjk_name, _cjk_title, _place, _publisher, _year,
                  _pages),
        st.builds(lambda a, t, pu, y, p: f"{a}：《{t}》，{pu}{y}年版，第{p}页。",
                  _cjk_name, _cjk_title, _publisher, _year, _pages),
        st.builds(lambda g, f, t, pl, pu, y, p: f"{g} {f}, {t} ({pl}: {pu}, {y}), {p}.",
                  _given, _family, _latin_title, _place, _publisher, _year, _pages),
        st.builds(lambda g, f, t, j, v, n, y, p:
                  f'{g} {f}, "{t}," {j} {v}, no. {n} ({y}): {p}.',
                  _given, _family, _latin_title, _latin_title, st.integers(1, 60),
                  st.integers(1, 12), _year, _pages),
        st.builds(lambda a, t, p: f"{a}，《{t}》，頁{p}。", _cjk_name, _cjk_title, _pages),
        st.builds(lambda f, t, p: f"{f}, {t}, {p}.", _family, _latin_title, _pages),
        st.builds(lambda p: f"同上，頁{p}。", _pages),
        st.builds(lambda p: f"Ibid., {p}.", _pages),
        st.builds(lambda a: f"{a}，前引書，頁 12。", _cjk_name),
        st.builds(lambda f: f"{f}, op. cit., 12.", _family),
    ]
    parts = draw(st.lists(st.one_of(forms), min_size=1, max_size=3))
    if draw(st.booleans()):
        parts.insert(0, draw(st.sampled_from(["參見", "另見", "See ", "例如", "關於這一點，"])))
    return "".join(parts)


@st.composite
def _paper(draw: st.DrawFn) -> str:
    """A paper in the journal's layout: title, a section, body sentences ending in
    markers, a separator, and the notes (a few wrapped over two lines)."""
    notes = draw(st.lists(_note(), min_size=1, max_size=8))
    lines = ["測試論文的題目", "", "一、 前言"]
    lines += [f"  正文第{i}句說明研究的問題。{i}" for i in range(1, len(notes) + 1)]
    lines.append(" " * 54)
    for i, note in enumerate(notes, 1):
        cut = draw(st.integers(0, len(note))) if draw(st.booleans()) else len(note)
        lines.append(f"  {i} {note[:cut]}")
        if note[cut:]:
            lines.append(note[cut:])
    return "".join(line + " \n\n" for line in lines)


# ── decoding and loading ─────────────────────────────────────────────────────

_MAGIC = ("%PDF-", "PK\x03\x04", "{\\rtf")


@_examples(EXAMPLES)
@given(st.text(min_size=1).filter(
    lambda t: "\x00" not in t and not t.startswith(("\ufeff", *_MAGIC))))
def test_any_utf8_text_is_read_exactly(text: str) -> None:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates are not text
        return
    assert decode(data, "x.txt") == text


@_examples(EXAMPLES)
@given(st.binary(max_size=2000))
def test_any_bytes_give_text_or_an_input_error(data: bytes) -> None:
    try:
        result = decode(data, "x.bin")
    except SinosovietError as exc:
        assert str(exc).startswith("x.bin: ")
    else:
        assert isinstance(result, str)


_bibish = st.lists(st.sampled_from([*"@{}=,\"#%\\ \nabkey0123楊奎松", "@book{", "@string{",
                                    "@comment{", "title = ", "author = {", "crossref = {k}",
                                    "}\n", "@preamble{"]),
                   max_size=80).map("".join)


@_examples(EXAMPLES)
@given(_bibish)
def test_bibtex_loading_never_raises(text: str) -> None:
    library = bibio.parse(text, "x.bib")
    n_lines = text.count("\n") + 1
    for problem in library.problems:
        assert problem.line is None or 1 <= problem.line <= n_lines
    for work in library.works:
        assert all(name == name.lower() for name in work.fields)


# ── parsing whole papers ─────────────────────────────────────────────────────


@_examples(SLOW)
@given(_paper())
def test_any_paper_parses_into_bibtex_that_reads_back(text: str) -> None:
    footnotes = pytest.importorskip("sinosoviet_cli.paper.footnotes")
    pipeline = pytest.importorskip("sinosoviet_cli.pipeline")
    bib, _ = pipeline.parse_paper(footnotes.extract(text), schools=pipeline.debate_model(None))
    works = bib.works
    # Keys: lower-case ASCII, unique without regard to case (citeproc-py lower-cases).
    keys = [w.key for w in works]
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_:.-]*", k) for k in keys), keys
    assert len({k.casefold() for k in keys}) == len(keys), keys
    # Every link and crossref points at a work that exists.
    assert {link.key for link in bib.links} <= {*keys, ""}
    assert {w.get("crossref") for w in works} <= {*keys, ""}
    # Written and read back, every work is exactly what was written (so `parse` never
    # has to refuse to save).
    back = bibio.parse(bibio.dumps(works, header=["generated % # & { test"]))
    assert back.problems == ()
    assert [(w.key, w.entry_type, dict(w.fields)) for w in back.works] == [
        (w.key, w.entry_type, {k: v for k, v in w.fields.items() if v}) for w in works]


# ── matching drafts ──────────────────────────────────────────────────────────

_BIB_KEYS = ["yang1999zouxiang", "shen2007zhongsu", "zagoria1962sinosoviet"]


def _works() -> list[Work]:
    return [
        Work("yang1999zouxiang", "book", MappingProxyType({
            "author": "{楊奎松}", "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨",
            "address": "香港", "publisher": "三聯書店", "year": "1999"})),
        Work("shen2007zhongsu", "collection", MappingProxyType({
            "editor": "{沈志華}", "title": "中蘇關係史綱", "address": "北京",
            "publisher": "新華出版社", "year": "2007"})),
        Work("zagoria1962sinosoviet", "book", MappingProxyType({
            "author": "Zagoria, Donald", "title": "The Sino-Soviet Conflict, 1956--1961",
            "address": "Princeton", "publisher": "Princeton University Press",
            "year": "1962"})),
    ]


@_examples(SLOW)
@given(_paper())
def test_check_never_raises_on_any_draft(text: str) -> None:
    drafts = pytest.importorskip("sinosoviet_cli.paper.drafts")
    checks = pytest.importorskip("sinosoviet_cli.checks.rules")
    draft = drafts.read_plain(text, "draft.txt")
    n_lines = text.count("\n") + 1
    findings = checks.check(draft, _works(), checks.select(None, unused=True))
    for f in findings:
        assert f.rule in checks.RULES
        assert f.path != "draft.txt" or 1 <= f.line <= n_lines


_latexish = st.lists(st.sampled_from([*"{}[]\\%$&#^_~ \n中文。1a", "\\cite{", "\\footnote{",
                                      "\\citep[12]{", "\\begin{document}", "\\end{",
                                      "\\input{", "\\verb|", "yang1999zouxiang", "}",
                                      "\\\\", "\\cite{yang1999zouxiang,shen2007zhongsu}"]),
                     max_size=60).map("".join)


@_examples(EXAMPLES)
@given(_latexish)
def test_latex_and_plain_readers_never_raise(text: str) -> None:
    drafts = pytest.importorskip("sinosoviet_cli.paper.drafts")
    checks = pytest.importorskip("sinosoviet_cli.checks.rules")
    n_lines = text.count("\n") + 1
    for draft in (drafts.read_latex(text, "d.tex"), drafts.read_plain(text, "d.txt")):
        for f in checks.check(draft, _works()):
            assert f.path != draft.path or 1 <= f.line <= n_lines


@_examples(EXAMPLES)
@given(st.binary(max_size=400), st.booleans())
def test_docx_reader_gives_a_draft_or_an_input_error(data: bytes, zipped: bool) -> None:
    drafts = pytest.importorskip("sinosoviet_cli.paper.drafts")
    if zipped:  # a real zip whose parts are garbage
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", data)
            z.writestr("word/document.xml", data)
            z.writestr("word/footnotes.xml", data)
        data = buf.getvalue()
    try:
        drafts.read_docx(data, "d.docx")
    except SinosovietError as exc:
        assert str(exc).startswith("d.docx: ")


_cited = st.lists(st.one_of(st.sampled_from(_BIB_KEYS),
                            st.from_regex(r"[a-z]{2,8}[0-9]{4}[a-z]{0,6}", fullmatch=True)),
                  min_size=1, max_size=8)


@_examples(EXAMPLES)
@given(_cited)
def test_check_reports_exactly_the_unknown_keys(cited: list[str]) -> None:
    drafts = pytest.importorskip("sinosoviet_cli.paper.drafts")
    checks = pytest.importorskip("sinosoviet_cli.checks.rules")
    text = "".join(f"Sentence {i}.[^{i}]\n" for i in range(1, len(cited) + 1)) + "\n" + "".join(
        f"[^{i}]: See [@{key}, 12].\n" for i, key in enumerate(cited, 1))
    draft = drafts.read_markdown(text, "draft.md")
    findings = checks.check(draft, _works(), ["unknown-key"])
    assert sorted(f.key for f in findings) == sorted(k for k in cited if k not in _BIB_KEYS)


# ── rendering ────────────────────────────────────────────────────────────────

_person = st.one_of(_cjk_name.map(lambda n: "{" + n + "}"),
                    st.builds(lambda f, g: f"{f}, {g}", _family, _given))
_work_fields = st.fixed_dictionaries(
    {"author": st.lists(_person, min_size=1, max_size=3).map(" and ".join),
     "title": st.one_of(_cjk_title, _latin_title), "year": _year},
    optional={"address": _place, "publisher": _publisher, "pages": _pages,
              "journal": _latin_title, "langid": st.sampled_from(["chinese", "english"])},
)


@_examples(max(10, EXAMPLES // 10))
@given(st.lists(st.tuples(st.sampled_from(["book", "article", "incollection", "phdthesis",
                                           "online", "report", "misc"]), _work_fields),
                min_size=1, max_size=4),
       st.sampled_from(["text", "html", "markdown"]))
def test_any_works_export_in_every_format(rows: list[tuple[str, dict[str, str]]],
                                          fmt: str) -> None:
    render = pytest.importorskip("sinosoviet_cli.csl.render")
    resolve = pytest.importorskip("sinosoviet_cli.link.resolve")
    works = [Work(f"k{i}", kind, MappingProxyType(
        {k: (resolve.escape(v) if k in ("title", "journal", "publisher") else v)
         for k, v in fields.items()})) for i, (kind, fields) in enumerate(rows)]
    text = render.export(works, fmt=fmt)
    # No entry is dropped: every year is printed (as often as works have it).
    for year in {w.get("year") for w in works}:
        assert text.count(year) >= sum(w.get("year") == year for w in works), text
    if fmt == "html":
        assert "<script" not in text


def test_misc_entry_is_not_dropped() -> None:
    render = pytest.importorskip("sinosoviet_cli.csl.render")
    work = Work("k0", "misc", MappingProxyType({"author": "{楊奎松}", "title": "談話記錄",
                                                "year": "1958"}))
    assert "1958" in render.export([work])
