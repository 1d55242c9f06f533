"""The written BibTeX against other readers: bibtexparser (bibio), pandoc 3 and biber.

The shipped references.bib must be exactly what the documented command makes from the
seed (``pipeline.REGENERATE``), load cleanly everywhere, and round trips must keep every
value, including ``{ } \\ % # &`` and CJK text.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli import pipeline
from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.link import resolve as rs
from sinosoviet_cli.model import Work

SHIPPED = ROOT / "references.bib"
BIBER_CONF = FIXTURES / "resolve" / "biber-tool.conf"

_RAW = st.text(
    alphabet=st.sampled_from(list("aZ 09{}\\%#&$_~^@\"=,楊奎松走向破裂：《》（）—‧éß")), max_size=25
)
_KEY = st.from_regex(r"[a-z][a-z0-9]{0,12}", fullmatch=True)
_TYPE = st.sampled_from(["book", "article", "incollection", "collection", "phdthesis",
                         "unpublished", "misc"])


def _pandoc() -> str:
    pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (test extra) not installed")
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError:
        pytest.skip("pandoc binary not available")


@given(st.lists(st.tuples(_KEY, _TYPE, _RAW, _RAW, _RAW), max_size=6,
                unique_by=lambda t: t[0]))
def test_write_read_round_trip(rows: list[tuple[str, str, str, str, str]]) -> None:
    works = [
        Work(key, kind, MappingProxyType({
            k: v for k, v in {"author": "{" + rs.escape(a) + "}" if a.strip() else "",
                              "title": rs.escape(t), "publisher": rs.escape(p),
                              "langid": "chinese"}.items() if v}))
        for key, kind, a, t, p in rows
    ]
    back = bibio.parse(bibio.dumps(works, header=["a header % with # specials"]))
    assert back.problems == ()
    assert [(w.key, w.entry_type, dict(w.fields)) for w in back.works] == [
        (w.key, w.entry_type, dict(w.fields)) for w in works]
    for (_, _, _, title, _), w in zip(rows, back.works, strict=True):
        assert rs.unescape(w.get("title")) == title


def test_pandoc_reads_escaped_values_back(tmp_path: Path) -> None:
    # (A lone brace is written \textbraceleft{} for biber's sake; pandoc drops that
    # command, so it is left out here: no spelling satisfies both readers.)
    titles = ["50% of #1 & co", "A {braced} word", "Back\\slash",
              "走向破裂：毛澤東與莫斯科的恩恩怨怨", "Tilde ~ caret ^ dollar $ under_score"]
    works = [Work(f"k{i}", "book", MappingProxyType({"author": "{楊奎松}", "title": rs.escape(t),
                                                     "year": "1999"}))
             for i, t in enumerate(titles)]
    bib = tmp_path / "t.bib"
    bibio.save(bib, works)
    run = subprocess.run([_pandoc(), str(bib), "-f", "biblatex", "-t", "csljson"],
                         capture_output=True, text=True, timeout=60, check=True)
    assert run.stderr == ""
    got = {item["id"]: item["title"] for item in json.loads(run.stdout)}
    assert [got[f"k{i}"] for i in range(len(titles))] == titles


# ── the shipped references.bib ───────────────────────────────────────────────


def test_shipped_bib_loads_cleanly() -> None:
    library = bibio.load(SHIPPED)
    assert library.problems == ()
    assert len(library.works) >= 40
    keys = [w.key for w in library.works]
    assert len({k.casefold() for k in keys}) == len(keys)
    for w in library.works:
        assert w.get("title"), w.key
        assert w.get("langid") in ("chinese", "english"), w.key
        if w.entry_type == "incollection":
            assert library.get(w.get("crossref")) is not None, w.key


def test_shipped_bib_is_what_the_documented_command_makes(seed_path: Path) -> None:
    from sinosoviet_cli.files import read_text
    from sinosoviet_cli.paper.footnotes import extract

    paper = extract(read_text(seed_path))
    seed = pipeline.seed_inputs()
    bib, unused = pipeline.parse_paper(paper, schools=seed.schools, overrides=seed.overrides,
                                       corrections=seed.corrections)
    assert unused == ()
    text = bibio.dumps(bib.works, header=pipeline.header(seed_path.name, bib, named=seed.named))
    assert SHIPPED.read_text(encoding="utf-8") == text, (
        f"references.bib is stale: regenerate it with `{pipeline.REGENERATE}`")


def test_pandoc_citeproc_on_shipped_bib_without_warnings(tmp_path: Path) -> None:
    doc = tmp_path / "all.md"
    doc.write_text('---\nnocite: "@*"\n---\n\nAll works.\n', encoding="utf-8")
    run = subprocess.run([_pandoc(), str(doc), "--citeproc", "--bibliography", str(SHIPPED),
                          "-t", "plain"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    for title in ("走向破裂：毛澤東與莫斯科的恩恩怨怨", "We Now Know", "冷戰時期的中國對外關係"):
        assert title in run.stdout.replace("\n", " ")


def test_biber_validates_shipped_bib(tmp_path: Path) -> None:
    biber = shutil.which("biber")
    if biber is None:
        pytest.skip("biber not installed (Debian package `biber`)")
    # biber writes its .blg beside the input: work on a copy in a scratch folder.
    shutil.copyfile(SHIPPED, tmp_path / "references.bib")
    run = subprocess.run(
        [biber, "--tool", f"--configfile={BIBER_CONF}", "--validate-datamodel",
         "--output-resolve", "--output-file=out.bib", "references.bib"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    log = run.stdout + run.stderr
    problems = [line for line in log.splitlines() if line.startswith(("WARN", "ERROR"))]
    assert run.returncode == 0 and problems == [], "\n".join(problems)


def test_biber_validates_every_kind_of_entry_resolve_writes(tmp_path: Path) -> None:
    """Each convention the grammar knows, through resolve, is a valid biblatex entry.
    (Except an unsigned newspaper article: it stays @article without an author, as
    printed, and biber warns about the missing author.)"""
    biber = shutil.which("biber")
    if biber is None:
        pytest.skip("biber not installed (Debian package `biber`)")
    from sinosoviet_cli.model import Form, Person, Reference

    zh, en = (lambda n: Person(literal=n)), (lambda f, g="": Person(family=f, given=g))
    refs = [
        Reference("a", entry_type="book", authors=(zh("薄一波"),), title="若干重大事件與決策的回顧",
                  places=("北京",), publishers=("中共中央黨校出版社",), year="1991、1993",
                  extra=MappingProxyType({"volumes": "2"})),
        Reference("b", entry_type="book", editors=(zh("人民出版社"),), title="論戰", year="1965"),
        Reference("c", entry_type="incollection", authors=(zh("陳兼"),), title="革命",
                  container="冷戰時期", container_editors=(zh("楊奎松"),), places=("北京",),
                  publishers=("北大",), year="2006"),
        Reference("d", entry_type="article", authors=(zh("沈志華"),), title="反應",
                  container="二十一世紀", volume="12", date="2003-03", note="網路版"),
        Reference("e", entry_type="online", authors=(zh("沈志華"),), title="試論",
                  container="中國冷戰網", date="2007-10-22"),
        Reference("f", entry_type="online", authors=(zh("沈志華"),), title="網文",
                  container="中國冷戰網", date="2007-10-22", url="http://example.org/a%20b",
                  extra=MappingProxyType({"urldate": "2010-01-05"})),
        Reference("g", entry_type="inproceedings", authors=(zh("王瑞婷"),), title="中蘇分歧",
                  eventtitle="論文發表會", places=("台中",), institution="中興大學",
                  date="2008-12-06"),
        Reference("h", entry_type="phdthesis", authors=(zh("關向光"),), title="論中共",
                  places=("台北",), institution="政治大學", year="1996"),
        Reference("i", entry_type="mastersthesis", authors=(en("Doe", "Jane"),), title="Thesis",
                  institution="Some University", year="2001"),
        Reference("j", entry_type="report", authors=(en("Doe", "John"),), title="A Report",
                  institution="CWIHP", number="12", year="1995"),
        Reference("l", entry_type="misc", authors=(zh("中共中央"),), title="文件", year="1958"),
        Reference("m", entry_type="book", authors=(en("Lüthi", "Lorenz M."),),
                  title="The Sino-Soviet Split", places=("Princeton",), publishers=("PUP",),
                  year="2010", extra=MappingProxyType({"edition": "2nd ed."})),
        Reference("n", form=Form.SHORT, authors=(zh("薄一波"),)),
    ]

    class Seg:
        kind = "citation"
        problem = ""

        def __init__(self, ref: Reference) -> None:
            self.text, self.reference = ref.text, ref

    bib = rs.resolve([(i, [Seg(r)]) for i, r in enumerate(refs, 1)])
    assert all(link.key for link in bib.links)
    bibio.save(tmp_path / "all.bib", bib.works)
    run = subprocess.run(
        [biber, "--tool", f"--configfile={BIBER_CONF}", "--validate-datamodel",
         "--output-resolve", "--output-file=out.bib", "all.bib"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    problems = [line for line in (run.stdout + run.stderr).splitlines()
                if line.startswith(("WARN", "ERROR"))]
    assert run.returncode == 0 and problems == [], "\n".join(problems)


def test_export_prints_a_journal_web_edition_and_its_issue() -> None:
    from sinosoviet_cli.csl import render

    work = Work("shen2003sulian", "article", MappingProxyType({
        "author": "{沈志華}", "title": "蘇聯的反應", "journal": "二十一世紀",
        "journalsubtitle": "網路版", "number": "12", "year": "2003", "month": "3",
        "langid": "chinese"}))
    item = render.to_csl(work, {work.key: work}, lambda s: s)
    assert item["container-title"] == "二十一世紀：網路版"
    assert item["issue"] == "12" and "volume" not in item
    text = render.export((work,), style="zhengda-shicui")
    assert "《二十一世紀：網路版》" in text and "第12卷" not in text
