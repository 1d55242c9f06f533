"""Citation grammars (sinosoviet_cli.grammar): hand-written notes with their expected fields,
segmentation of prose and several citations, the seed's 49 citations, and hypothesis
properties (never raises; segments tile the note)."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, person_name
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli import grammar
from sinosoviet_cli.grammar import Segment, parse_citation, segment
from sinosoviet_cli.model import Form, Person, Reference, Unparsed

NOTES = FIXTURES / "notes"


def _load(name: str) -> dict[str, Any]:
    with (NOTES / name).open("rb") as fh:
        return tomllib.load(fh)



def _fields(ref: Reference) -> dict[str, Any]:
    """The reference as the plain values the fixture files use."""
    return {
        "form": ref.form.value,
        "type": ref.entry_type,
        "authors": [person_name(p) for p in ref.authors],
        "editors": [person_name(p) for p in ref.editors],
        "translators": [person_name(p) for p in ref.translators],
        "alt": [p.alt for p in ref.authors],
        "title": ref.title,
        "container": ref.container,
        "container_editors": [person_name(p) for p in ref.container_editors],
        "places": list(ref.places),
        "publishers": list(ref.publishers),
        "year": ref.year,
        "date": ref.date,
        "volume": ref.volume,
        "number": ref.number,
        "pages": ref.pages,
        "institution": ref.institution,
        "eventtitle": ref.eventtitle,
        "note": ref.note,
        "langid": ref.langid,
        "backref": ref.extra.get("backref", ""),
        "etal": ref.extra.get("etal", ""),
        "volumes": ref.extra.get("volumes", ""),
        "locator": ref.extra.get("locator", ""),
    }


def _check(ref: Reference, expect: dict[str, Any]) -> None:
    got = _fields(ref)
    want = {"form": "full", "authors": [], **expect}
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    assert not wrong, f"{ref.text}: (got, expected) {wrong}"


# ── hand-written notes, one citation each ───────────────────────────────────

CASES = _load("cases.toml")["case"]


def test_enough_cases() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:24] for c in CASES])
def test_case_parses(case: dict[str, Any]) -> None:
    text = case["text"]
    segs = segment(text)
    cue = case.get("cue", "")
    citations = [s for s in segs if s.kind == "citation"]
    assert len(citations) == 1, [(s.kind, s.text) for s in segs]
    (cit,) = citations
    assert cit.reference is not None, cit.problem
    # The whole note is the citation, apart from the cue word (commentary).
    assert text[: cit.start] == cue
    assert not text[cit.end:].strip(" 。.")
    _check(cit.reference, case["expect"])
    if not cue:
        # parse_citation on the span agrees with segment()
        direct = parse_citation(text)
        assert isinstance(direct, Reference)
        _check(direct, case["expect"])


# ── segmentation ────────────────────────────────────────────────────────────


def _kinds(note: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segment(note)]


def test_prose_only_is_one_commentary() -> None:
    note = "這一問題在學界仍有爭議，下文將再討論。"
    assert _kinds(note) == [("commentary", note)]


def test_prose_then_cue_then_citation() -> None:
    note = "關於這一點的檔案依據，參見沈志華，《中蘇關係史綱》（北京：新華出版社，2007），頁224。"
    segs = segment(note)
    assert [s.kind for s in segs] == ["commentary", "citation"]
    assert segs[0].text.endswith("參見")
    ref = segs[1].reference
    assert ref is not None and ref.title == "中蘇關係史綱" and ref.pages == "224"


def test_citation_then_prose_after() -> None:
    note = "楊奎松，《走向破裂》（香港：三聯書店，1999），頁12。該書利用了大量俄國檔案。"
    segs = segment(note)
    assert [s.kind for s in segs] == ["citation", "commentary"]
    assert segs[1].text == "該書利用了大量俄國檔案。"
    assert segs[0].reference is not None and segs[0].reference.year == "1999"


def test_several_citations_in_one_note() -> None:
    note = (
        "例如李銳，《大躍進親歷記》（上海：上海遠東出版社，1996）。"
        "李銳，《廬山會議實錄》（北京：春秋出版社；長沙：湖南教育出版社，1989）。"
        "薄一波，《若干重大決策與事件的回顧》，上、下卷，（北京：中共中央黨校出版社，1991、1993）。"
    )
    segs = segment(note)
    assert [s.kind for s in segs] == ["commentary", "citation", "citation", "citation"]
    refs = [s.reference for s in segs[1:]]
    assert all(r is not None for r in refs)
    titles = [r.title for r in refs if r]
    assert titles == ["大躍進親歷記", "廬山會議實錄", "若干重大決策與事件的回顧"]
    second = refs[1]
    assert second is not None
    assert second.places == ("北京", "長沙")
    assert second.publishers == ("春秋出版社", "湖南教育出版社")


def test_semicolon_separates_citations() -> None:
    note = (
        "Lüthi, The Sino-Soviet Split, 92; Chen Jian, Mao's China and the Cold War "
        "(Chapel Hill: University of North Carolina Press, 2001), 49."
    )
    segs = [s for s in segment(note) if s.kind == "citation"]
    assert len(segs) == 2
    assert segs[0].reference is not None and segs[0].reference.form is Form.SHORT
    assert segs[1].reference is not None and segs[1].reference.year == "2001"


def test_two_english_citations_split_at_full_stop() -> None:
    note = (
        "Harold Hinton, China's Turbulent Quest (Bloomington: Indiana University, 1972), 94. "
        "Chan, Alfred L. Mao's Crusades (Oxford: Oxford University Press, 2001)."
    )
    refs = [s.reference for s in segment(note) if s.kind == "citation"]
    assert [r.authors[0].family for r in refs if r] == ["Hinton", "Chan"]
    assert refs[1] is not None and refs[1].authors[0].given == "Alfred L."


def test_title_mentioned_in_prose_is_not_a_citation() -> None:
    note = "作者的另一篇文章〈冷戰史研究的新趨勢〉對此有所補充。"
    assert _kinds(note) == [("commentary", note)]


def test_latin_name_in_chinese_prose_is_not_a_citation() -> None:
    note = "可以參考Westad的分析。"
    assert _kinds(note) == [("commentary", note)]


def test_english_cue_and_trailing_commentary() -> None:
    note = (
        "For the archives, see Chen Jian, Mao's China and the Cold War (Chapel Hill: "
        "University of North Carolina Press, 2001), 49. His reading differs."
    )
    kinds = [s.kind for s in segment(note)]
    assert kinds == ["commentary", "citation", "commentary"]


def test_unparsable_citation_is_reported_not_dropped() -> None:
    got = parse_citation("，，，")
    assert isinstance(got, Unparsed)
    assert got.reason


def test_ibid_after_cue_in_chinese() -> None:
    segs = segment("同上，頁5-6。")
    assert len(segs) == 1 and segs[0].reference is not None
    assert segs[0].reference.form is Form.IBID and segs[0].reference.pages == "5--6"


# ── the seed ────────────────────────────────────────────────────────────────

SEED_FACTS = _load("seed.toml")["note"]


def test_seed_every_citation(seed_path: Path) -> None:
    from sinosoviet_cli.files import read_text
    from sinosoviet_cli.paper.footnotes import extract

    paper = extract(read_text(seed_path))
    by_n = {f.n: f for f in paper.footnotes}
    expected_total = sum(len(n["citations"]) for n in SEED_FACTS)
    assert expected_total == 49
    total = 0
    for note in SEED_FACTS:
        segs = segment(by_n[note["n"]].text)
        cits = [s for s in segs if s.kind == "citation"]
        assert len(cits) == len(note["citations"]), (note["n"], [s.text for s in cits])
        for seg, want in zip(cits, note["citations"], strict=True):
            assert seg.reference is not None, (note["n"], seg.problem)
            _check(seg.reference, want)
            total += 1
    assert total == 49


def test_seed_segments_cover_every_note(seed_path: Path) -> None:
    from sinosoviet_cli.files import read_text
    from sinosoviet_cli.paper.footnotes import extract

    for f in extract(read_text(seed_path)).footnotes:
        _assert_tiles(f.text, segment(f.text))


# ── properties ──────────────────────────────────────────────────────────────


def _assert_tiles(note: str, segs: tuple[Segment, ...]) -> None:
    assert "".join(s.text for s in segs) == note
    pos = 0
    for s in segs:
        assert s.start == pos and s.end >= s.start and note[s.start:s.end] == s.text
        assert s.kind in ("citation", "commentary")
        assert s.kind == "citation" or s.reference is None
        pos = s.end
    assert pos == len(note)
    # no two adjacent commentary segments
    assert all(not (a.kind == b.kind == "commentary") for a, b in itertools.pairwise(segs))


_ALPHABET = st.sampled_from(
    list("楊奎松沈志華著編主譯等收入載於參見同上註前引書頁第卷期年月日版")
    + list("《》〈〉（）()「」“”\"，。：；、,.;: ")
    + list("ABCDEFGHabcdefgh0123456789-–—") + ["Ibid.", "op. cit.", "eds.", " in ", "PhD diss.",
                                                "博士論文", "網路版", "〔美〕", "\n", "\t"]
)
_NOTE = st.lists(_ALPHABET, max_size=60).map("".join)


@given(_NOTE)
def test_segment_tiles_arbitrary_text(note: str) -> None:
    _assert_tiles(note, segment(note))


@given(st.text(max_size=80))
def test_segment_and_parse_never_raise_on_any_text(note: str) -> None:
    _assert_tiles(note, segment(note))
    assert isinstance(parse_citation(note), Reference | Unparsed)


@given(_NOTE)
def test_parse_citation_never_raises(text: str) -> None:
    got = parse_citation(text)
    assert isinstance(got, Reference | Unparsed)
    if isinstance(got, Reference):
        assert got.form in (Form.FULL, Form.SHORT, Form.IBID)


_SURNAME = st.sampled_from(["李", "王", "張", "劉", "陳", "楊", "趙", "黃", "周", "吳"])
_GIVEN = st.text(alphabet="丹慧天新軍兼巧寧永發光明德", min_size=1, max_size=2)
_TITLE = st.text(alphabet="中蘇關係史綱冷戰外交研究論集與的年代", min_size=2, max_size=14)
_PLACE = st.sampled_from(["北京", "台北", "香港", "上海", "南京"])
_PUB = st.sampled_from(["人民出版社", "聯經", "三聯書店", "世界知識出版社", "五南書局"])


@given(_SURNAME, _GIVEN, _TITLE, _PLACE, _PUB, st.integers(1900, 2025),
       st.integers(1, 999), st.integers(0, 50))
def test_generated_taiwan_books_round_trip(
    surname: str, given_name: str, title: str, place: str, pub: str, year: int,
    page: int, span: int,
) -> None:
    pages = f"{page}-{page + span}" if span else str(page)
    note = f"{surname}{given_name}，《{title}》（{place}：{pub}，{year}），{pages}。"
    segs = segment(note)
    assert len(segs) == 1
    ref = segs[0].reference
    assert ref is not None
    assert ref.authors == (Person(literal=surname + given_name),)
    assert (ref.title, ref.places, ref.publishers, ref.year) == (title, (place,), (pub,), str(year))
    assert ref.pages == pages.replace("-", "--")
    assert ref.form is Form.FULL and ref.entry_type == "book"


_WORD = st.sampled_from(["Soviet", "China", "Cold", "War", "Alliance", "Split", "Mao",
                         "Politics", "Leap", "Forward", "Crisis"])


@given(st.sampled_from(["Donald", "Thomas", "Melvin", "Odd Arne", "Lorenz M."]),
       st.sampled_from(["Zagoria", "Robinson", "Gurtov", "Westad", "Lüthi"]),
       st.lists(_WORD, min_size=1, max_size=6), st.sampled_from(["New York", "Oxford"]),
       st.sampled_from(["Praeger", "Clarendon Press", "M.E. Sharpe"]),
       st.integers(1900, 2025), st.integers(1, 500))
def test_generated_chicago_books_round_trip(
    given_name: str, family: str, words: list[str], place: str, pub: str, year: int, page: int,
) -> None:
    title = "The " + " ".join(words)
    note = f"{given_name} {family}, {title} ({place}: {pub}, {year}), {page}."
    segs = segment(note)
    assert [s.kind for s in segs] == ["citation"]
    ref = segs[0].reference
    assert ref is not None
    assert ref.authors == (Person(family=family, given=given_name),)
    assert (ref.title, ref.places, ref.publishers, ref.year, ref.pages) == (
        title, (place,), (pub,), str(year), str(page))


def test_compatibility_ideographs_are_read_as_unified() -> None:
    # 李 U+F9E1 (a CJK compatibility ideograph, as PDF extraction produces) vs 李 U+674E
    note = "\uf9e1越然，《中蘇外交親歷記》（北京：世界知識出版社，2001），190。"
    (seg,) = segment(note)
    assert seg.text == note  # offsets are into the note as given
    assert seg.reference is not None
    assert seg.reference.authors == (Person(literal="\u674e越然"),)


def test_runaway_text_stays_fast() -> None:
    import time

    notes = ["毛澤東的" + "、的〈矛盾論〉" * 2000, "ab. " * 3000, "楊奎松，《a》（" * 2000,
             "Ab Cd, “x,” " + "(1999) " * 2000]
    began = time.perf_counter()
    for note in notes:
        _assert_tiles(note, segment(note))
    assert time.perf_counter() - began < 5  # quadratic behaviour would take minutes


def test_ibid_followed_by_prose_keeps_the_prose_apart() -> None:
    segs = segment("同上，楊奎松對此另有解釋。")
    assert [s.kind for s in segs] == ["citation", "commentary"]
    assert segs[1].text == "楊奎松對此另有解釋。"


def test_note_reference_names_the_footnote() -> None:
    (seg,) = segment("同前註12，頁3。")
    assert seg.reference is not None
    assert seg.reference.form is Form.SHORT
    assert seg.reference.extra["footnote"] == "12"
    assert seg.reference.pages == "3"


def test_url_and_access_date_are_kept() -> None:
    got = parse_citation("Chen Jian, “Title,” Wilson Center, accessed May 3, 2010, "
                         "http://www.example.org/x.")
    assert isinstance(got, Reference)
    assert got.url == "http://www.example.org/x"
    assert got.extra["urldate"] == "2010-05-03"


def test_quoted_word_in_prose_is_not_a_title() -> None:
    segs = segment("他稱之為「修正主義」，《人民日報》，1963年9月6日，第1版。")
    assert [s.kind for s in segs] == ["commentary", "citation"]
    ref = segs[1].reference
    assert ref is not None and ref.container == "人民日報" and ref.title == ""


@pytest.mark.parametrize("note", [
    "毛澤東說，《人民日報》的社論很好。",
    "這本書，《走向破裂》，是重要的研究。",
    "Zagoria, however, disagreed with this view.",
    "楊奎松在《走向破裂》一書中指出這一點。",
    "他說，頁12的說法有誤。",
])
def test_prose_around_titles_and_names_stays_commentary(note: str) -> None:
    assert _kinds(note) == [("commentary", note)]


def test_possessive_author_before_title() -> None:
    segs = segment("參見楊奎松的《走向破裂》（香港：三聯書店，1999），頁12。")
    assert [s.kind for s in segs] == ["commentary", "citation"]
    ref = segs[1].reference
    assert ref is not None and ref.authors == (Person(literal="楊奎松"),) and ref.year == "1999"


def test_prose_after_the_locator_is_commentary() -> None:
    segs = segment("參見楊奎松，《走向破裂》，頁12，該書利用了檔案。")
    assert [s.kind for s in segs] == ["commentary", "citation", "commentary"]
    assert segs[2].text == "該書利用了檔案。"
    assert segs[1].reference is not None and segs[1].reference.pages == "12"


@given(_SURNAME, _GIVEN, _TITLE, _SURNAME, _GIVEN, _TITLE, _PLACE, _PUB,
       st.integers(1900, 2025), st.integers(1, 999), st.sampled_from(["收入", "載於", "收於"]),
       st.sampled_from(["主編", "編"]))
def test_generated_chapters_round_trip(
    s1: str, g1: str, chapter: str, s2: str, g2: str, book: str, place: str, pub: str,
    year: int, page: int, marker: str, role: str,
) -> None:
    note = f"{s1}{g1}，〈{chapter}〉，{marker}{s2}{g2}{role}，《{book}》（{place}：{pub}，{year}），{page}。"
    (seg,) = segment(note)
    ref = seg.reference
    assert ref is not None and ref.entry_type == "incollection" and ref.form is Form.FULL
    assert ref.authors == (Person(literal=s1 + g1),)
    assert ref.container_editors == (Person(literal=s2 + g2),)
    assert (ref.title, ref.container, ref.year, ref.pages) == (chapter, book, str(year), str(page))


@given(_SURNAME, _GIVEN, _TITLE, _PUB, st.integers(1950, 2025), st.integers(1, 999))
def test_generated_mainland_books_round_trip(
    surname: str, given_name: str, title: str, pub: str, year: int, page: int,
) -> None:
    note = f"{surname}{given_name}：《{title}》，{pub}{year}年版，第{page}页。"
    (seg,) = segment(note)
    ref = seg.reference
    assert ref is not None and ref.form is Form.FULL and ref.entry_type == "book"
    assert ref.authors == (Person(literal=surname + given_name),)
    assert (ref.title, ref.publishers, ref.year, ref.pages) == (title, (pub,), str(year), str(page))


def test_english_short_form_followed_by_prose() -> None:
    segs = segment("For a useful overview, see Lüthi, Sino-Soviet Split, 80-85, who argues "
                   "that ideology mattered.")
    assert [s.kind for s in segs] == ["commentary", "citation", "commentary"]
    ref = segs[1].reference
    assert ref is not None and ref.title == "Sino-Soviet Split" and ref.pages == "80--85"
    assert segs[2].text.startswith(", who argues")


def test_short_title_with_years_keeps_them() -> None:
    ref = parse_citation("Westad, Brothers in Arms: The Rise and Fall of the Sino-Soviet "
                         "Alliance, 1945-1963, 12.")
    assert isinstance(ref, Reference)
    assert ref.title.endswith("Alliance, 1945-1963") and ref.pages == "12"


@pytest.mark.parametrize(("note", "titles"), [
    ("參見楊奎松，《走向破裂》，頁1，沈志華，《中蘇關係史綱》，頁2。", ["走向破裂", "中蘇關係史綱"]),
    ("See Lüthi, Sino-Soviet Split, 80-85, and Chen Jian, Mao's China and the Cold War "
     "(Chapel Hill: University of North Carolina Press, 2001), 49.",
     ["Sino-Soviet Split", "Mao's China and the Cold War"]),
])
def test_citations_separated_only_by_commas(note: str, titles: list[str]) -> None:
    refs = [s.reference for s in segment(note) if s.kind == "citation"]
    assert [r.title for r in refs if r is not None] == titles


@pytest.mark.parametrize(("text", "kind", "container"), [
    ("李四，「某篇」，收錄於王五編，《某書》（北京：人民出版社，2001年），頁3。", "incollection", "某書"),
    ("李四，「某篇」，刊於《某刊》，第3期（2001年），頁3。", "article", "某刊"),
    ("李四，「某篇」，選自《某集》（上海：三聯書店，1999年），頁8。", "incollection", "某集"),
])
def test_quoted_title_before_any_chapter_word_of_the_grammar(
        text: str, kind: str, container: str) -> None:
    """「篇名」 then a chapter word: every word in grammar.toml [containers].cjk counts,
    not a subset written into the code."""
    ref = grammar.parse_citation(text)
    assert isinstance(ref, Reference)
    assert (ref.entry_type, ref.title, ref.container) == (kind, "某篇", container)


def test_one_langid_rule_for_notes_and_resolve() -> None:
    from sinosoviet_cli.link import resolve

    assert resolve.langid is grammar.langid
    assert grammar.langid("Cold War", "冷戰") == "chinese"
    assert grammar.langid("Cold War", "") == "english"
    # kana betray Japanese; kanji alone (和田春樹) cannot tell, and stay "chinese"
    assert grammar.langid("アジア冷戦史", "") == "japanese"
    assert grammar.langid("朝鮮戦争全史", "") == "chinese"


def test_a_japanese_book_is_tagged_japanese_with_its_imprint() -> None:
    ref = grammar.parse_citation("佐藤一郎，《ソ連と中国の同盟》（東京：岩波書店，1999），頁12。")
    assert isinstance(ref, Reference)
    assert (ref.langid, ref.title, ref.publishers, ref.places, ref.year) == (
        "japanese", "ソ連と中国の同盟", ("岩波書店",), ("東京",), "1999")


# ── the entry-type decision table ────────────────────────────────────────────


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (grammar.EntryFacts(title=True, editors=True), "collection"),
        (grammar.EntryFacts(title=True, editors=True, authors=True), "book"),
        # 载《历史研究》2001年第2期: a journal issue beats the chapter marker
        (grammar.EntryFacts(title=True, title_kind="〈", container=True, chapter=True,
                            issue=True), "article"),
        (grammar.EntryFacts(title=True, title_kind="〈", container=True, chapter=True,
                            issue=True, publishers=True), "incollection"),
        (grammar.EntryFacts(title=True, container=True, online_container=True), "online"),
        (grammar.EntryFacts(title=True, container=True, online_container=True, issue=True),
         "article"),
        (grammar.EntryFacts(title=True, event=True), "unpublished"),
        (grammar.EntryFacts(title=True, event=True, container=True), "inproceedings"),
        (grammar.EntryFacts(title=True, title_kind="《", day_date=True), "article"),
        (grammar.EntryFacts(title=True, title_kind="《", day_date=True,
                            form=Form.SHORT), "book"),
        (grammar.EntryFacts(), "misc"),
    ],
)
def test_entry_type_table(facts: grammar.EntryFacts, expected: str) -> None:
    assert grammar.entry_type(facts) == expected


def test_entry_type_rules_are_named_once() -> None:
    names = [rule.name for rule in grammar.ENTRY_TYPE_RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("note", "number", "pages"), [
    ("出处同注3。", "3", ""),
    ("出處同註〔 2 〕，頁9。", "2", "9"),
    ("同注[5]，第12页。", "5", "12"),
    ("見註 12，頁3。", "12", "3"),
    ("参见注7。", "7", ""),
    ("See note 4 above.", "4", ""),
    ("n. 7 above, 45.", "7", "45"),
    ("Note 1012, p. 3.", "1012", "3"),
])
def test_back_reference_to_a_note_number(note: str, number: str, pages: str) -> None:
    (seg,) = [s for s in segment(note) if s.kind == "citation"]  # a cue ("See") is apart
    assert seg.reference is not None
    assert (seg.reference.form, seg.reference.extra["footnote"], seg.reference.pages) == (
        Form.SHORT, number, pages)


def test_a_note_that_is_only_a_remark_is_no_back_reference() -> None:
    assert all(s.reference is None or "footnote" not in s.reference.extra
               for s in segment("Note that the figures differ."))


def test_chapter_span_then_the_page_cited() -> None:
    ref = parse_citation('Ann Lee, "Border Trade," in Frontier Studies, ed. Tom Hill '
                         "(Boston: Beacon Press, 2001), 120–45, at 131.")
    assert isinstance(ref, Reference)
    assert ref.entry_type == "incollection"
    assert ref.pages == "131"


def test_short_form_volume_colon_page() -> None:
    ref = parse_citation("Gu Jiegang, Gushi bian, 3:201.")
    assert isinstance(ref, Reference)
    assert (ref.form, ref.title, ref.volume, ref.pages) == (Form.SHORT, "Gushi bian", "3", "201")


@pytest.mark.parametrize("mark", ["（修订本）", "（增訂本）", "（修订版）"])
def test_an_edition_mark_keeps_a_full_citation_full(mark: str) -> None:
    """Issue 16 #4: 修订本 after the title is an edition mark, not the end of a short form."""
    got = parse_citation(f"杨奎松：《毛泽东与莫斯科的恩恩怨怨》{mark}，江西人民出版社2005年版，第12页。")
    assert isinstance(got, Reference)
    assert (got.form, got.publishers, got.year, got.pages) == (
        Form.FULL, ("江西人民出版社",), "2005", "12")
