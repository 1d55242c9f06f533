"""CSL-JSON bibliographies ↔ works (sinosoviet_cli.drafts.csljson)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.drafts.csljson import (
    csl_citation_key,
    csl_name_to_bibtex,
    csl_to_fields,
    items_to_works,
    join_cjk_name,
    load_csl_json,
    work_to_csl,
    works_to_csl_json,
)
from sinosoviet_cli.drafts.managers import ManagerItem, item_identity
from sinosoviet_cli.errors import BibError, InputError
from sinosoviet_cli.model import Work

#: What Zotero's "Export Library… → CSL JSON" writes (trimmed to the fields used).
ZOTERO_EXPORT: list[dict[str, Any]] = [
    {"id": "http://zotero.org/users/1/items/A1", "type": "book",
     "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨", "publisher": "三聯書店",
     "publisher-place": "香港", "author": [{"family": "楊", "given": "奎松"}],
     "issued": {"date-parts": [["1999"]]}, "language": "zh-TW",
     "note": "school: mao-cognition"},
    {"id": "A2", "type": "book", "citation-key": "zagoria1962sino",
     "title": "The Sino-Soviet Conflict, 1956–1961",
     "author": [{"family": "Zagoria", "given": "Donald S."}],
     "publisher": "Princeton University Press", "publisher-place": "Princeton",
     "issued": {"date-parts": [[1962]]}, "language": "en", "keyword": "cold war"},
    {"id": "A3", "type": "chapter", "title": "革命與危機的年代",
     "container-title": "冷戰時期的中國對外關係", "author": [{"literal": "陳兼"}],
     "editor": [{"family": "杨", "given": "奎松"}], "page": "12 - 35",
     "issued": {"date-parts": [[2006]]}, "language": "zh-CN",
     "note": "Citation Key: chen2006geming\nsome remark"},
    {"id": "A4", "type": "book", "title": "冷戰時期的中國對外關係",
     "editor": [{"literal": "楊奎松"}], "issued": {"date-parts": [[2006]]}},
    {"id": "A5", "type": "thesis", "title": "中蘇同盟的破裂", "genre": "碩士論文",
     "publisher": "國立政治大學", "author": [{"literal": "王某"}],
     "issued": {"date-parts": [[2010, 6, 1]]}},
    {"id": "A6", "type": "article-newspaper", "title": "論修正主義",
     "container-title": "人民日報", "issued": {"date-parts": [[1963, 9, 6]]}},
    {"id": "A7", "type": "webpage", "title": "冷戰史研究"},
    {"id": "A8", "type": "article-journal", "title": "Mao's Foreign Policy",
     "container-title": "The China Quarterly", "volume": 12, "issue": "3",
     "author": [{"family": "Gaulle", "non-dropping-particle": "de", "given": "Charles"}],
     "issued": {"raw": "1967"}, "DOI": "10.1017/xyz"},
]


@pytest.fixture()
def works(tmp_path: Path) -> dict[str, Work]:
    path = tmp_path / "library.json"
    path.write_text(json.dumps(ZOTERO_EXPORT, ensure_ascii=False), encoding="utf-8")
    return {w.fields["title"]: w for w in load_csl_json(path)}


def test_chinese_names_keys_and_school(works: dict[str, Work]) -> None:
    yang = works["走向破裂：毛澤東與莫斯科的恩恩怨怨"]
    assert yang.key == "yang1999zouxiang"  # the project's key: no citation key stored
    assert yang.entry_type == "book"
    assert dict(yang.fields) == {
        "author": "{楊奎松}", "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨", "publisher": "三聯書店",
        "address": "香港", "year": "1999", "langid": "chinese",
        "keywords": "school:mao-cognition"}


def test_citation_keys_types_and_fields(works: dict[str, Work]) -> None:
    zagoria = works["The Sino-Soviet Conflict, 1956–1961"]
    assert (zagoria.key, zagoria.fields["author"]) == ("zagoria1962sino", "Zagoria, Donald S.")
    assert (zagoria.fields["langid"], zagoria.fields["keywords"]) == ("english", "cold war")
    chen = works["革命與危機的年代"]
    assert (chen.key, chen.entry_type) == ("chen2006geming", "incollection")
    assert chen.fields["editor"] == "{杨奎松}" and chen.fields["booktitle"] == "冷戰時期的中國對外關係"
    assert chen.fields["pages"] == "12--35" and chen.fields["note"] == "some remark"
    assert works["冷戰時期的中國對外關係"].entry_type == "collection"
    thesis = works["中蘇同盟的破裂"]
    assert (thesis.entry_type, thesis.fields["school"], thesis.fields["date"]) == (
        "mastersthesis", "國立政治大學", "2010-06-01")
    paper = works["論修正主義"]
    assert (paper.entry_type, paper.fields["journal"], paper.fields["entrysubtype"]) == (
        "article", "人民日報", "newspaper")
    assert works["冷戰史研究"].entry_type == "misc"  # @online needs an address
    article = works["Mao's Foreign Policy"]
    assert article.fields["author"] == "de Gaulle, Charles"
    assert (article.fields["volume"], article.fields["number"], article.fields["year"],
            article.fields["doi"]) == ("12", "3", "1967", "10.1017/xyz")


def test_generated_keys_are_unique_without_case() -> None:
    item = {"type": "book", "title": "走向破裂", "author": [{"literal": "楊奎松"}],
            "issued": {"date-parts": [[1999]]}}
    keyed = {**item, "citation-key": "yang1999zouxiang"}
    keys = [w.key for w in items_to_works([keyed, item, item])]
    assert len({k.casefold() for k in keys}) == 3 and keys[0] == "yang1999zouxiang"


def test_bad_files_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"type": "book",', encoding="utf-8")
    with pytest.raises(BibError) as info:
        load_csl_json(broken)
    assert str(broken) in str(info.value) and "CSL JSON" in str(info.value)
    other = tmp_path / "other.json"
    other.write_text('"just a string"', encoding="utf-8")
    with pytest.raises(BibError, match="not a CSL-JSON list"):
        load_csl_json(other)
    odd = tmp_path / "odd.json"
    odd.write_text('[{"id": 1}]', encoding="utf-8")
    with pytest.raises(BibError, match="item 1 has neither"):
        load_csl_json(odd)
    with pytest.raises(InputError, match="no such file"):
        load_csl_json(tmp_path / "missing.json")


@pytest.mark.parametrize(("family", "given_name", "whole"), [
    ("杨", "奎松", "杨奎松"), ("楊 ", " 奎 松", "楊奎松"), ("Meisner", "Maurice", ""),
    ("毛", "Zedong", ""), ("", "奎松", ""), ("沈志華", "", "沈志華"),
])
def test_join_cjk_name(family: str, given_name: str, whole: str) -> None:
    assert join_cjk_name(family, given_name) == whole


def test_zotero_two_part_bibtex_name_is_one_chinese_name() -> None:
    family, _, given_name = "杨, 奎松".partition(",")
    assert join_cjk_name(family, given_name) == "杨奎松"
    assert csl_name_to_bibtex({"family": "杨", "given": "奎松"}) == "{杨奎松}"
    assert csl_name_to_bibtex({"literal": "中共中央文獻研究室"}) == "{中共中央文獻研究室}"
    assert csl_name_to_bibtex({"family": "Peebles", "given": "Peyton Z.", "suffix": "Jr"}) == (
        "Peebles, Jr, Peyton Z.")


def test_citation_key_sources() -> None:
    assert csl_citation_key({"citation-key": "a1"}) == "a1"
    assert csl_citation_key({"note": "x\nCitation Key: b2\ny"}) == "b2"
    assert csl_citation_key({"note": "tex.key: c"}) == ""


def test_export_for_zotero() -> None:
    work = Work("meisner2005maozedong", "book", {
        "author": "Meisner, Maurice", "translator": "{杜蒲}", "title": "毛澤東的中國及其後",
        "address": "香港", "publisher": "中文大學", "year": "2005", "langid": "chinese",
        "keywords": "school:ideology", "footnotes": "20, 22"})
    item = work_to_csl(work)
    assert item == {
        "id": "meisner2005maozedong", "citation-key": "meisner2005maozedong", "type": "book",
        "author": [{"family": "Meisner", "given": "Maurice"}],
        "translator": [{"literal": "杜蒲"}], "title": "毛澤東的中國及其後",
        "publisher-place": "香港", "publisher": "中文大學",
        "issued": {"date-parts": [[2005]]}, "language": "zh-TW",
        "note": "school: ideology\ntex.footnotes: 20, 22", "keyword": "school:ideology"}


def test_chapter_takes_its_volume_on_export() -> None:
    volume = Work("yang2006lengzhan", "collection", {
        "editor": "{楊奎松}", "title": "冷戰時期的中國對外關係", "address": "北京",
        "publisher": "北京大學出版社", "year": "2006", "langid": "chinese"})
    chapter = Work("chen2006geming", "incollection", {
        "author": "{陳兼}", "title": "革命與危機的年代", "crossref": "yang2006lengzhan",
        "langid": "chinese"})
    _, item = works_to_csl_json([volume, chapter])
    assert (item["type"], item["container-title"], item["publisher"], item["editor"]) == (
        "chapter", "冷戰時期的中國對外關係", "北京大學出版社", [{"literal": "楊奎松"}])


#: The fields no CSL variable holds for the bundled bibliography: they travel as
#: ``tex.<field>:`` lines of ``note`` (a chapter's own copy of its volume's title and
#: language, "and others", the journal's 網路版, the tool's own fields).
_CARRIED_AS_LINES = {"footnotes", "crossref", "schoolevidence", "journalsubtitle",
                     "journal", "translator", "booktitle", "langid"}


def test_bundled_bibliography_round_trip(tmp_path: Path) -> None:
    library = bibio.load(bibio.bundled_path())
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(works_to_csl_json(library.works), ensure_ascii=False),
                    encoding="utf-8")
    back = bibio.load_one(path).works  # as `--bib refs.json` reads it
    assert [(w.key, w.entry_type, dict(w.fields)) for w in back] == [
        (w.key, w.entry_type, dict(w.fields)) for w in library.works]
    lines = {line.split(":")[0].removeprefix("tex.")
             for item in works_to_csl_json(library.works)
             for line in item.get("note", "").splitlines() if line.startswith("tex.")}
    assert lines == _CARRIED_AS_LINES
    shen = next(i for i in works_to_csl_json(library.works) if i["id"] == "shen2003sulian")
    assert shen["issued"] == {"date-parts": [[2003, 3]]}  # month in the date, not a line
    assert shen["container-title"] == "二十一世紀：網路版"


def test_paper_read_at_a_meeting_is_a_conference_paper_with_its_institution() -> None:
    work = Work("wang2008zhongsu", "unpublished", {
        "author": "{王瑞婷}", "title": "中蘇分歧研究", "address": "台中",
        "eventtitle": "聯合論文發表會", "date": "2008-12-06",
        "note": "中興大學國際政治所、政治大學東亞所", "langid": "chinese"})
    item = work_to_csl(work)
    assert item["type"] == "paper-conference"
    assert (item["event-title"], item["event-place"], item["event-date"], item["publisher"]) \
        == ("聯合論文發表會", "台中", {"date-parts": [[2008, 12, 6]]},
            "中興大學國際政治所、政治大學東亞所")
    assert "issued" not in item and "note" not in item
    (back,) = items_to_works([item])
    assert (back.entry_type, dict(back.fields)) == ("unpublished", dict(work.fields))


def test_tex_lines_are_read_from_a_zotero_extra() -> None:
    item = {"type": "book", "title": "T", "citation-key": "k",
            "author": [{"family": "Roe", "given": "Ann"}],
            "note": 'kept remark\ntex.footnotes: 4, 11\ntex.entrytype: collection\n'
                    'tex.note2: "two\\nlines"\ntex.title: '}
    (work,) = items_to_works([item])
    assert work.entry_type == "collection"
    assert dict(work.fields) == {"author": "Roe, Ann", "footnotes": "4, 11",
                                 "note": "kept remark", "note2": "two\nlines"}


# ── hypothesis: Work → CSL-JSON → Work ───────────────────────────────────────

_CJK = st.text(alphabet="楊奎松沈志華毛澤東牛軍陳兼", min_size=2, max_size=4)
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
_PERSON = st.one_of(
    _CJK.map(lambda s: "{" + s + "}"),
    st.tuples(_WORD, _WORD, st.booleans()).map(
        lambda t: f"{t[0].title()}, {t[1].title()}" + (" S." if t[2] else "")))
_PERSONS = st.tuples(st.lists(_PERSON, min_size=1, max_size=3), st.booleans()).map(
    lambda t: " and ".join([*t[0], *(["others"] if t[1] else [])]))
#: Notes as people write them, and lines that look like the data lines export adds.
_NOTE = st.one_of(
    st.text(alphabet="冷戰中蘇關係 Thesplitab：-", min_size=1, max_size=20).map(str.strip),
    st.sampled_from(["school: kinmen", "tex.title: other", "first\nsecond", " padded ",
                     '"quoted"', "Citation Key: x1", "a\n\nb"])).filter(bool)
_TEXT = st.text(alphabet="冷戰中蘇關係的起源 Thesplitab：-", min_size=1, max_size=20).map(
    str.strip).filter(bool)
_YEAR = st.integers(1900, 2025).map(str)


@st.composite
def works_strategy(draw: st.DrawFn) -> Work:
    entry_type = draw(st.sampled_from(["book", "collection", "incollection", "article",
                                       "phdthesis", "mastersthesis", "unpublished", "report",
                                       "misc", "online"]))
    f: dict[str, str] = {"title": draw(_TEXT),
                         "langid": draw(st.sampled_from(["chinese", "english"]))}
    if entry_type == "collection":
        f["editor"] = draw(_PERSONS)
    else:
        f["author"] = draw(_PERSONS)
    container = {"incollection": "booktitle", "article": "journal", "misc": "howpublished"}
    if entry_type in container:
        f[container[entry_type]] = draw(_TEXT)
    place = {"phdthesis": "school", "mastersthesis": "school", "report": "institution"}
    f[place.get(entry_type, "publisher")] = draw(_TEXT)
    if entry_type == "online":
        f["url"] = "https://example.org/" + draw(_WORD)
    when = draw(st.sampled_from(["year", "month", "date", "range"]))
    f["year" if when in ("year", "month") else "date"] = {
        "year": draw(_YEAR), "month": draw(_YEAR),
        "date": f"{draw(_YEAR)}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}",
        "range": f"{draw(_YEAR)}/{draw(_YEAR)}"}[when]
    if when == "month":
        f["month"] = draw(st.sampled_from([str(m) for m in range(1, 13)] + ["mar", "Dec"]))
    if entry_type == "unpublished" and draw(st.booleans()):  # a paper read at a meeting
        f["eventtitle"] = draw(_TEXT)
        f.pop("publisher")
    if entry_type == "article" and draw(st.booleans()):
        f["journalsubtitle"] = draw(st.sampled_from(["網路版", "New Series"]))
    optional = {"address": _TEXT, "volume": st.integers(1, 30).map(str),
                "number": st.integers(1, 12).map(str),
                "pages": st.tuples(st.integers(1, 99), st.integers(100, 500)).map(
                    lambda p: f"{p[0]}--{p[1]}"),
                "translator": _PERSONS, "doi": _WORD.map(lambda w: f"10.1000/{w}"),
                "isbn": st.integers(10**9, 10**10 - 1).map(str), "note": _NOTE,
                "keywords": st.sampled_from(["school:ideology", "school:kinmen",
                                             "cold war, school:mao-cognition"]),
                "footnotes": st.lists(st.integers(1, 99), min_size=1, max_size=4).map(
                    lambda ns: ", ".join(map(str, ns))),
                "schoolevidence": st.just("rule: proponent; sections: 四; names: 沈志華")}
    for name in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        f[name] = draw(optional[name])
    key = draw(_WORD) + draw(_YEAR)
    return Work(key, entry_type, f)


@settings(max_examples=300, deadline=None)
@given(works_strategy())
def test_round_trip_is_lossless(work: Work) -> None:
    item = json.loads(json.dumps(works_to_csl_json([work])[0], ensure_ascii=False))
    (back,) = items_to_works([item])
    assert (back.key, back.entry_type) == (work.key, work.entry_type)
    assert dict(back.fields) == dict(work.fields)


@settings(max_examples=150, deadline=None)
@given(works_strategy(), works_strategy(), st.sets(st.sampled_from(
    ["address", "publisher", "year", "langid", "editor", "booktitle"])))
def test_round_trip_of_a_chapter_and_its_volume(volume: Work, chapter: Work,
                                                own: set[str]) -> None:
    """A chapter's CSL item carries its volume's fields; read back, it has only its own
    again (``own``: fields it repeats from its volume, which it keeps)."""
    volume = Work("vol" + volume.key, "collection", {
        k: v for k, v in volume.fields.items() if k not in (
            "journal", "journalsubtitle", "howpublished", "booktitle", "eventtitle")})
    inherited = bibio.inherit(Work("c", "incollection", {"crossref": volume.key}),
                              {volume.key.casefold(): volume})
    chapter_own = {"author", "title", "pages", "note", "footnotes", "keywords", "langid",
                   "translator", "schoolevidence", "doi", "year", "month", "date"}
    fields = {k: v for k, v in chapter.fields.items()
              if k in chapter_own and k not in inherited}
    fields |= {k: inherited[k] for k in own if k in inherited}
    chapter = Work("ch" + chapter.key, "incollection", {**fields, "crossref": volume.key})
    items = json.loads(json.dumps(works_to_csl_json([volume, chapter]), ensure_ascii=False))
    assert items[1]["container-title"].startswith(inherited["booktitle"])
    back = items_to_works(items)
    assert [(w.key, w.entry_type, dict(w.fields)) for w in back] == [
        (w.key, w.entry_type, dict(w.fields)) for w in (volume, chapter)]


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.floats(allow_nan=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["family", "given", "literal", "date-parts", "raw", "suffix"]),
        inner, max_size=3), max_leaves=8)
_CSL_KEYS = ["type", "title", "author", "editor", "compiler", "issued", "accessed", "page",
             "container-title", "publisher", "genre", "language", "note", "keyword",
             "citation-key", "volume", "number", "DOI"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_CSL_KEYS), _ANY, max_size=8))
def test_any_csl_item_converts_without_error(item: dict[str, Any]) -> None:
    entry_type, fields = csl_to_fields(item)
    assert entry_type and all(isinstance(v, str) for v in fields.values())
    assert item_identity(ManagerItem(item))
