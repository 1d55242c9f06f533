"""csl/cache.py: rendered entries cached on disk give the same bytes as rendering,
a fully cached export imports neither citeproc nor pypinyin, and the cache is keyed,
located, written and pruned as documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.csl import render
from sinosoviet_cli.csl.cache import MAX_AGE, EntryCache, cache_root
from sinosoviet_cli.model import Work
from sinosoviet_cli.schools import tagging as schools

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bibio.bundled_path()


def _sections(works: tuple[Work, ...]) -> list[tuple[str, list[Work]]]:
    return [(g, ws) for g, ws in schools.group(works, schools.load_rules())]


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
@pytest.mark.parametrize("by_school", [False, True])
def test_cached_export_is_byte_identical(tmp_path: Path, fmt: str, by_school: bool) -> None:
    works = bibio.load(BUNDLED).works
    sections = _sections(works) if by_school else None
    plain = render.export(works, fmt=fmt, sections=sections)
    cache = EntryCache(tmp_path)
    cold = render.export(works, fmt=fmt, sections=sections, cache=cache)
    (pack,) = (tmp_path / "packs").glob("*.json")  # one file for every entry
    assert len(json.loads(pack.read_bytes())) == len(works)
    warm = render.export(works, fmt=fmt, sections=sections, cache=cache)
    assert cold.encode() == plain.encode() == warm.encode()


def test_author_date_year_suffixes_survive_the_cache(tmp_path: Path) -> None:
    works = bibio.load(BUNDLED).works
    plain = render.export(works, style="chicago-author-date")
    cache = EntryCache(tmp_path)
    render.export(works, style="chicago-author-date", cache=cache)
    assert render.export(works, style="chicago-author-date", cache=cache) == plain


def test_key_covers_entry_format_style_and_options(tmp_path: Path) -> None:
    book = Work("b", "book", MappingProxyType({"author": "Meisner, Maurice",
                                              "title": "Mao's China", "year": "1977"}))
    cache = EntryCache(tmp_path)

    def count() -> int:  # entries stored, over every context's pack
        return sum(len(json.loads(p.read_bytes())) for p in (tmp_path / "packs").glob("*.json"))

    render.bibliography([book], cache=cache)
    render.bibliography([book], cache=cache)
    assert count() == 1
    edited = Work("b", "book", MappingProxyType({**book.fields, "year": "1986"}))
    assert "1986" in render.bibliography([edited], cache=cache)[0].text
    render.bibliography([book], fmt="html", cache=cache)
    render.bibliography([book], style="chicago-author-date", cache=cache)
    render.bibliography([book], cache=cache, options={"romanize": True})
    assert count() == 5


def test_crossref_parent_change_misses(tmp_path: Path) -> None:
    parent = Work("v", "collection", MappingProxyType({"editor": "{楊奎松}", "title": "冷戰",
                                                     "year": "2006", "langid": "chinese"}))
    child = Work("c", "incollection", MappingProxyType({"author": "{陳兼}", "title": "革命",
                                                       "crossref": "v", "langid": "chinese"}))
    cache = EntryCache(tmp_path)
    render.bibliography([child], context=[parent], cache=cache)
    moved = Work("v", "collection", MappingProxyType({**parent.fields, "year": "2007"}))
    text = render.bibliography([child], context=[moved], cache=cache)[0].text
    assert "2007" in text and "2006" not in text


def test_unreadable_cache_file_is_a_miss(tmp_path: Path) -> None:
    works = bibio.load(BUNDLED).works[:5]
    plain = render.export(works)
    render.export(works, cache=EntryCache(tmp_path))
    (pack,) = (tmp_path / "packs").glob("*.json")
    for garbage in ('{"digest": ["half', "[1, 2]", '{"d": 3}', ""):
        pack.write_text(garbage, encoding="utf-8")
        assert render.export(works, cache=EntryCache(tmp_path)) == plain
        assert len(json.loads(pack.read_bytes())) == len(works)  # rendered and rewritten


def test_pack_keeps_other_bibliographies_up_to_its_bound(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack holds this export's entries first, then earlier ones under the same
    context (another bibliography with the same style), up to ``PACK_MAX``."""
    from sinosoviet_cli.csl import cache as cache_mod

    works = bibio.load(BUNDLED).works
    first, second = works[:6], works[6:10]
    render.export(first, cache=EntryCache(tmp_path))
    render.export(second, cache=EntryCache(tmp_path))
    (pack,) = (tmp_path / "packs").glob("*.json")
    assert len(json.loads(pack.read_bytes())) == 10
    fresh = EntryCache(tmp_path)
    monkeypatch.setattr("sinosoviet_cli.csl.export._render", None)  # nothing to render
    assert render.export(first, cache=fresh) == render.export(first, cache=fresh)
    monkeypatch.undo()
    monkeypatch.setattr(cache_mod, "PACK_MAX", 7)
    third = works[10:13]
    render.export(third, cache=EntryCache(tmp_path))
    kept = json.loads(pack.read_bytes())
    assert len(kept) == 7
    texts = {e.text for e in render.bibliography(third)}
    assert texts <= {t for t, _ in kept.values()}  # this export's entries are kept


def test_cache_root_respects_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "sinosoviet"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    assert cache_root() == Path.home() / ".cache" / "sinosoviet"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == Path.home() / ".cache" / "sinosoviet"


def test_prune_removes_old_and_oversized(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sinosoviet_cli.csl import cache as cache_mod

    entries = tmp_path / "packs"
    entries.mkdir(parents=True)
    legacy = tmp_path / "entries" / "ab" / "one.json"  # earlier builds' per-entry files
    legacy.parent.mkdir(parents=True)
    legacy.write_text("{}", encoding="utf-8")
    now = time.time()
    old = entries / "old.json"
    old.write_text("{}", encoding="utf-8")
    os.utime(old, (now - MAX_AGE - 10, now - MAX_AGE - 10))
    young = [entries / f"y{i}.json" for i in range(4)]
    for i, path in enumerate(young):
        path.write_bytes(b"x" * 100)
        os.utime(path, (now - 100 + i, now - 100 + i))
    monkeypatch.setattr(cache_mod, "MAX_BYTES", 250)
    cache = EntryCache(tmp_path)
    assert cache.prune(now=now) == 3  # the old one, then the two oldest young ones
    assert sorted(p.name for p in entries.glob("*.json")) == ["y2.json", "y3.json"]
    assert not legacy.exists()
    assert cache.prune(now=now) == 0  # at most once a day
    assert (entries / ".pruned").exists()


_PROBE = """
import sys
from pathlib import Path
from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.csl import render
from sinosoviet_cli.csl.cache import EntryCache
works = bibio.load(bibio.bundled_path()).works
out = render.export(works, cache=EntryCache(Path(sys.argv[1])))
sys.stdout.write(out)
sys.stderr.write(" ".join(m for m in ("citeproc", "pypinyin", "lxml") if m in sys.modules))
"""


def test_fully_cached_export_imports_neither_citeproc_nor_pypinyin(tmp_path: Path) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path)], cwd=ROOT,
                              capture_output=True, text=True, check=True)

    cold, warm = run(), run()
    assert "citeproc" in cold.stderr.split()
    assert warm.stderr.split() == []
    assert warm.stdout == cold.stdout


# ── sort readings without pypinyin (csl/readings.py) ─────────────────────────


@pytest.mark.parametrize(("han", "reading"), [
    ("銀行", "yinhang"), ("重建", "chongjian"), ("重慶", "chongqing"), ("長沙", "changsha"),
    ("楊奎松", "yangkuisong"), ("沈志華", "shenzhihua"), ("綠", "lu")])
def test_readings_in_context(han: str, reading: str) -> None:
    from sinosoviet_cli.csl.readings import romanise_han

    assert romanise_han(han) == reading


def _bibliographies() -> list[Path]:
    golden = ROOT / "tests" / "golden" / "input"
    external = ROOT.parent / "shared" / "external"
    return [BUNDLED, *sorted(golden.glob("*.bib")), *sorted(external.glob("*/*.bib"))]


def test_sort_readings_agree_with_pypinyin() -> None:
    """The compact table reads the Han runs of every name and title as pypinyin does
    (``link.keys.romanise``): on the bundled, golden and external bibliographies only
    年长江… differs (pypinyin segments 年长 nianzhang; the table reads 长江 changjiang)."""
    import re

    from sinosoviet_cli.csl.readings import romanise_han
    from sinosoviet_cli.link import keys
    from sinosoviet_cli.text.normalize import CJK_CHAR

    runs = {m for path in _bibliographies() for w in bibio.load(path).works
            for field in ("author", "editor", "title", "booktitle")
            for m in re.findall(f"{CJK_CHAR}+", w.fields.get(field, ""))}
    assert len(runs) > 100
    differ = {r for r in runs if romanise_han(r) != keys.romanise(r)}
    assert differ <= {"年长江洪水的成因与减灾对策"}


_SORT_PROBE = """
import sys
from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.csl import render
works = bibio.load(bibio.bundled_path()).works
print(" ".join(w.key for w in render.sort_works(works)))
print("pypinyin" in sys.modules)
"""


def test_sorting_chinese_names_does_not_import_pypinyin() -> None:
    from sinosoviet_cli.csl import readings

    readings.table()  # built (and stored) here if this machine has no table yet
    proc = subprocess.run([sys.executable, "-c", _SORT_PROBE], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    order, imported = proc.stdout.splitlines()
    assert imported == "False"
    assert order.split() == [w.key for w in render.sort_works(bibio.load(BUNDLED).works)]


# ── parsed bibliographies (bibio._cached_parse) ──────────────────────────────

_PROBLEMS_BIB = """@book{a2000x, title = {甲}, year = {2000}}
@book{a2000x, title = {duplicate}, year = {2001}}
@incollection{b2001y, title = {乙}, crossref = {nowhere}}
@book{broken, title = {no closing brace
"""


def _same(a: bibio.Library, b: bibio.Library) -> None:
    assert [(w.key, w.entry_type, dict(w.fields), w.line) for w in a.works] == \
        [(w.key, w.entry_type, dict(w.fields), w.line) for w in b.works]
    assert a.problems == b.problems and a.path == b.path


def test_parsed_cache_gives_what_parse_gives(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    bib = tmp_path / "p.bib"
    bib.write_text(_PROBLEMS_BIB, encoding="utf-8")
    fresh = bibio.parse(bib.read_text(encoding="utf-8"), str(bib))
    assert fresh.problems  # the duplicate, the missing parent and the broken entry
    first = bibio.load(bib, strict=False)
    stored = list((tmp_path / "xdg" / "sinosoviet" / "parsed").glob("*.marshal"))
    assert len(stored) == 1
    second = bibio.load(bib, strict=False)
    _same(first, fresh)
    _same(second, fresh)
    assert isinstance(second.works[0].fields, MappingProxyType)
    with pytest.raises(Exception, match="malformed BibTeX"):  # strict still raises on a hit
        bibio.load(bib)


def test_corrupt_or_stale_parsed_cache_is_a_miss(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    bib = tmp_path / "b.bib"
    bib.write_bytes(BUNDLED.read_bytes())
    expected = bibio.load(bib)
    (stored,) = (tmp_path / "xdg" / "sinosoviet" / "parsed").glob("*.marshal")
    for garbage in (b"", b"\x00\x01not marshal", stored.read_bytes()[:40]):
        stored.write_bytes(garbage)
        _same(bibio.load(bib), expected)
    with bib.open("a", encoding="utf-8") as fh:  # new bytes: parsed afresh
        fh.write("\n@book{added2020x, title = {新}, year = {2020}}\n")
    edited = bibio.load(bib)
    assert [w.key for w in edited.works] == [w.key for w in expected.works] + ["added2020x"]


def test_parsed_cache_keeps_a_bounded_number(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(bibio, "_PARSED_KEEP", 3)
    for i in range(6):
        bib = tmp_path / f"{i}.bib"
        bib.write_text(f"@book{{k{i}, title = {{T{i}}}, year = {{200{i}}}}}\n",
                       encoding="utf-8")
        bibio.load(bib)
        time.sleep(0.01)
    assert len(list((tmp_path / "xdg" / "sinosoviet" / "parsed").glob("*.marshal"))) == 3


def test_warm_list_and_export_never_import_bibtexparser(tmp_path: Path) -> None:
    probe = ("import sys\nfrom sinosoviet_cli.cli import main\n"
             "sys.argv = ['sinosoviet', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(' '.join(m for m in ('bibtexparser', 'citeproc') if m in sys.modules),"
             " file=sys.stderr)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "COLUMNS": "80"}
    for args in (["list", "--bib", str(BUNDLED)], ["export", "--bib", str(BUNDLED)]):
        runs = [subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                               text=True, env=env, cwd=tmp_path) for _ in range(2)]
        if args[0] == "list":  # the first run ever parses (export then finds it parsed)
            assert "bibtexparser" in runs[0].stderr.split(), runs[0].stderr
        assert runs[1].stderr.split() == [], (args, runs[1].stderr)
        assert runs[1].stdout == runs[0].stdout and runs[0].stdout


def test_warm_export_renders_nothing_and_an_edit_renders_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sinosoviet_cli.csl import export as export_mod

    works = bibio.load(BUNDLED).works
    edited = (Work("zz2020new", "book", MappingProxyType({"title": "新書", "year": "2020"})),)
    plain = render.export(works + edited)
    cold = render.export(works, cache=EntryCache(tmp_path))
    rendered: list[str] = []
    real = export_mod._render

    def counted(*args: Any) -> Any:
        rendered.extend(w.key for w in args[3])
        return real(*args)

    monkeypatch.setattr(export_mod, "_render", counted)
    assert render.export(works, cache=EntryCache(tmp_path)) == cold
    assert rendered == []
    assert render.export(works + edited, cache=EntryCache(tmp_path)) == plain
    assert rendered == ["zz2020new"]  # the rest from the pack, the pack rewritten
    assert render.export(works + edited, cache=EntryCache(tmp_path)) == plain
    assert rendered == ["zz2020new"]


@pytest.mark.parametrize("args", [["--romanize"], ["--romanize", "--by-school"],
                                  ["--romanize", "--format", "html"],
                                  ["--format", "markdown", "--by-school"]])
def test_cli_export_same_bytes_without_cold_and_warm_caches(
        args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole command (parsed-bib cache, entry pack, entry files) against --no-cache
    with no cache at all: the same bytes, romanised or not."""
    from typer.testing import CliRunner

    from sinosoviet_cli.cli import app

    def run(*extra: str) -> bytes:
        result = CliRunner().invoke(app, ["export", "--bib", str(BUNDLED), *args, *extra])
        assert result.exit_code == 0, result.output
        return result.stdout_bytes

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "none"))
    fresh = run("--no-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cold, warm = run(), run()
    assert (tmp_path / "xdg" / "sinosoviet" / "packs").is_dir()
    assert (tmp_path / "xdg" / "sinosoviet" / "parsed").is_dir()
    assert fresh == cold == warm and fresh


def test_packed_reading_table_reads_every_character_as_built(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """The stored index (a syllable number per code point) gives each character the
    reading the built table gives it, and nothing for the rest; a damaged file is
    rebuilt, not trusted."""
    from sinosoviet_cli.csl import readings

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = readings._build()
    assert isinstance(built["chars"], dict)
    expected = {ch: r for r, members in built["chars"].items() for ch in members}
    chars = readings._unpack(readings._pack(built)).chars
    assert len(chars) == len(expected) and dict(chars) == expected
    assert any(ord(ch) >= 0x20000 for ch in expected)  # the ideographic planes too
    assert chars.get("a") == "" and chars.get("銀行") == "" and "a" not in chars
    readings.table.cache_clear()
    try:
        first = readings.table()
        readings._table_path().write_bytes(b'{"v": 2}\n\x00')  # truncated
        readings.table.cache_clear()
        assert dict(readings.table().chars) == dict(first.chars) == expected
    finally:
        readings.table.cache_clear()


def test_style_facts_and_probe_are_kept_in_the_cache(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A style's facts and its places probe are learnt once per style file and read
    back in later runs (another process: the in-memory caches are cleared here); an
    edited style is learnt afresh; a damaged file is a miss."""
    from sinosoviet_cli.csl import styles

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    style = tmp_path / "mine.csl"
    style.write_bytes(styles.style_path("chicago-notes-bibliography-17th-edition").read_bytes())
    monkeypatch.setattr(styles, "_facts_cache", {})
    monkeypatch.setattr(styles, "_places_cache", {})
    fresh = styles.style_facts(style)
    assert styles._prints_places(style, styles._load_style(style)) is True
    stored = styles._stored_path(style)
    assert stored is not None and stored.is_file()
    styles._facts_cache.clear()
    styles._places_cache.clear()
    monkeypatch.setattr(styles, "_load_style", None)  # a stored answer needs no citeproc
    assert styles.style_facts(style) == fresh
    assert styles._prints_places(style, None) is True
    stored.write_bytes(b"{not json")
    styles._facts_cache.clear()
    assert styles.style_facts(style) == fresh  # parsed again
    style.write_bytes(style.read_bytes().replace(b'class="note"',
                                                 b'class="note" default-locale="de-DE"', 1))
    styles._facts_cache.clear()
    assert styles.style_facts(style).locale == "de-DE"


def test_parallel_render_is_the_serial_one_and_is_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In two processes, the entries are those of a serial render, stored in one
    pack; a second export reads them all back without rendering."""
    from sinosoviet_cli.csl import export as export_mod

    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import bench_export as bench

    works = bibio.parse(bench.synthetic_bib(60)).works
    parallel = render.bibliography(works, jobs=2, cache=EntryCache(tmp_path))
    serial = render.bibliography(works, jobs=1)
    assert [(e.key, e.text) for e in parallel] == [(e.key, e.text) for e in serial]
    monkeypatch.setattr(export_mod, "_render", None)  # a render would fail
    assert render.bibliography(works, jobs=2, cache=EntryCache(tmp_path)) == parallel


def test_each_bibliography_has_its_own_pack_and_sections_share_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Packs are per scope (the bibliography files): a small bibliography never reads
    a large one's; an export by school keeps every section's entries in its one pack;
    earlier versions of edited entries are kept only up to twice the entries."""
    from sinosoviet_cli.csl import cache as cache_mod
    from sinosoviet_cli.csl import export as export_mod

    def sizes(root: Path) -> list[int]:
        return sorted(len(json.loads(p.read_bytes())) for p in (root / "packs").glob("*.json"))

    works = bibio.load(BUNDLED).works
    render.export(works, cache=EntryCache(tmp_path / "a", scope="/a/big.bib"))
    render.export(works[:3], cache=EntryCache(tmp_path / "a", scope="/a/small.bib"))
    assert sizes(tmp_path / "a") == [3, len(works)]

    sections = _sections(works)
    cold = render.export(works, sections=sections, cache=EntryCache(tmp_path / "b", scope="s"))
    assert sizes(tmp_path / "b") == [len(works)]
    monkeypatch.setattr(export_mod, "_render", None)  # warm: every section from the pack
    assert render.export(works, sections=sections,
                         cache=EntryCache(tmp_path / "b", scope="s")) == cold
    monkeypatch.undo()

    monkeypatch.setattr(cache_mod, "PACK_SLACK", 0)
    for version in range(4):  # three entries edited four times
        edited = tuple(Work(w.key, w.entry_type, MappingProxyType({**w.fields,
                                                                  "note": f"v{version}"}))
                       for w in works[:3])
        render.export(edited, cache=EntryCache(tmp_path / "c", scope="/c/small.bib"))
    assert sizes(tmp_path / "c") == [6]  # this version and the one before
