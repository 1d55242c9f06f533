"""The rules of `check`, on citations given as parsed `Reference` values (so that these
tests do not depend on the citation parser): one planted case and one clean case per
rule, matching across scripts, name orders and misprints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.checks import rules as checks
from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import Form, Person, Reference, Work
from sinosoviet_cli.paper import drafts
from tests.conftest import FIXTURES

BIB = bibio.load(FIXTURES / "drafts" / "refs.bib")


def cjk(name: str) -> Person:
    return Person(literal=name)


def west(given: str, family: str) -> Person:
    return Person(family=family, given=given)


def full(title: str, *people: Person, place: str = "", publisher: str = "", year: str = "",
         form: Form = Form.FULL) -> Reference:
    return Reference(title, form, "book", tuple(people), title=title,
                     places=(place,) if place else (), publishers=(publisher,) if publisher else (),
                     year=year)


def short(title: str, *people: Person) -> Reference:
    return Reference(title, Form.SHORT, authors=tuple(people), title=title)


IBID = Reference("同上", Form.IBID)


def run(notes: Sequence[Sequence[Reference] | str], *, rules: Sequence[str] | None = None,
        works: Sequence[Work] = BIB.works) -> list[tuple[int | None, str, str]]:
    """Check a Markdown draft whose footnote i holds the references ``notes[i]`` (a string
    is a key citation). Returns (footnote, rule, key) triples."""
    table: dict[str, tuple[tuple[int, Reference], ...]] = {}
    lines = []
    defs = []
    for i, note in enumerate(notes, start=1):
        lines.append(f"Sentence {i}.[^{i}]")
        if isinstance(note, str):
            defs.append(f"[^{i}]: {note}")
            continue
        token = f"N{i}"
        table[token] = tuple((0, ref) for ref in note)
        defs.append(f"[^{i}]: {token}")
    draft = drafts.read_markdown("\n".join(lines) + "\n\n" + "\n".join(defs) + "\n", "d.md")
    found = checks.check(draft, works, rules if rules is not None else checks.select(None),
                         segmenter=lambda text: table.get(text, ()), bib_path="refs.bib",
                         bib_problems=BIB.problems)
    return [(f.footnote, f.rule, f.key) for f in found if f.path == "d.md"]


LI = full("中蘇外交親歷記", cjk("李越然"), place="北京", publisher="世界知識出版社", year="2001")
YANG = full("走向破裂：毛澤東與莫斯科的恩恩怨怨", cjk("楊奎松"), place="香港", publisher="三聯書店",
            year="1999")
ZAGORIA = full("The Sino-Soviet Conflict 1956-1961", west("Donald", "Zagoria"), place="Princeton",
               publisher="Princeton University Press", year="1962")


def test_clean_notes_stay_clean() -> None:
    notes: list[Sequence[Reference] | str] = [
        [LI], [IBID], [YANG], [ZAGORIA], [short("毛澤東與莫斯科的恩恩怨怨", cjk("楊奎松"))],
        [short("The Sino-Soviet Conflict", west("", "Zagoria"))], "[@shen2007zhongsu, 12]",
        [LI, YANG], [short("中蘇外交親歷記", cjk("李越然"))],
    ]
    assert run(notes) == []


def test_simplified_mainland_citation_of_a_traditional_entry_is_the_same_work() -> None:
    simplified = full("文革前夜的中国", cjk("罗平汉"), place="北京", publisher="人民出版社",
                      year="2007")
    assert run([[simplified]]) == []
    found = checks.match(simplified, checks.Index(BIB.works))
    assert found is not None and found.entry.key == "luo2007wenge"


def test_full_width_and_punctuation_do_not_matter() -> None:
    ref = full("走向破裂:毛泽东与莫斯科的恩恩怨怨", cjk("杨奎松"), place="香港",
               publisher="三联书店", year="１９９９")
    assert run([[ref]]) == []


def test_name_order_and_initials_do_not_matter() -> None:
    assert run([[full("Sino-Soviet Relations since Mao", west("C.G", "Jacobsen"),
                      place="New York", publisher="Praeger", year="1981")]]) == []
    reversed_name = Reference("x", Form.FULL, authors=(Person(literal="Gaddis John Lewis"),),
                              title="We Now Know: Rethinking Cold War History", year="1997")
    assert run([[reversed_name]]) == []


def test_misprinted_author_is_found_by_title_and_reported() -> None:
    # The seed's fn 12 prints 羅漢平 for 羅平漢.
    full_luo = full("文革前夜的中國", cjk("羅平漢"), place="北京", publisher="人民出版社",
                    year="2007")
    found = run([[full_luo], [LI], [short("文革前夜的中國", cjk("羅漢平"))]])
    assert found == [(3, "author-mismatch", "luo2007wenge")]


def test_mismatch_messages_name_both_values_and_the_key() -> None:
    wrong = full("The Sino-Soviet Conflict 1956-1961", west("Donald", "Zagoria"),
                 place="New Jersey", publisher="Princeton University Press", year="1963")
    draft = drafts.read_markdown("x[^1]\n\n[^1]: N1\n", "d.md")
    found = checks.check(draft, BIB.works, segmenter=lambda t: ((0, wrong),))
    found = tuple(f for f in found if f.path == "d.md")
    messages = {f.rule: f.message for f in found}
    assert set(messages) == {"year-mismatch", "place-mismatch"}
    assert "1963" in messages["year-mismatch"] and "1962" in messages["year-mismatch"]
    assert "zagoria1962sino" in messages["year-mismatch"]
    assert "'New Jersey'" in messages["place-mismatch"] and "'Princeton'" in messages[
        "place-mismatch"]
    assert all(f.severity in (checks.Severity.ERROR, checks.Severity.WARNING) for f in found)


def test_a_misspelt_publisher_is_a_warning_with_the_entrys_spelling() -> None:
    misspelt = replace(ZAGORIA, publishers=("Princetn University Press",))
    draft = drafts.read_markdown("x[^1]\n\n[^1]: N1\n", "d.md")
    found = checks.check(draft, BIB.works, segmenter=lambda t: ((0, misspelt),))
    assert [(f.rule, f.severity, f.key, f.fix) for f in found if f.path == "d.md"] == [
        ("publisher-mismatch", checks.Severity.WARNING, "zagoria1962sino",
         "write 'Princeton University Press'")]


@pytest.mark.parametrize(
    ("ref", "rule"),
    [
        (replace(LI, places=("上海",)), "place-mismatch"),
        (replace(LI, publishers=("人民出版社",)), "publisher-mismatch"),
        (replace(LI, year="2011"), "year-mismatch"),
        (replace(LI, title="中蘇外交親歷"), "title-mismatch"),
        (full("走向破裂", cjk("楊奎松"), place="香港", publisher="三聯書店", year="1999"), None),
        (full("Sino-Soviet Relations since Mao: A Study", west("C. G.", "Jacobsen"),
              place="New York", publisher="Praeger", year="1981"), None),
        (full("China under Siege: The Politics of Strategy and Diplomacy",
              west("Melvin", "Gurtov"), place="Baltimore",
              publisher="Johns Hopkins University Press", year="1980"), "title-mismatch"),
        (replace(LI, authors=(cjk("李然越"),)), "author-mismatch"),
    ],
    ids=["place", "publisher", "year", "truncated-title", "main-title-only", "added-subtitle",
         "title", "author"],
)
def test_each_field_mismatch(ref: Reference, rule: str | None) -> None:
    found = run([[ref]])
    if rule is None:
        assert found == []
    else:
        assert found == [(1, rule, ref_key(ref))]


def ref_key(ref: Reference) -> str:
    found = checks.match(ref, checks.Index(BIB.works))
    assert found is not None
    return found.entry.key


def test_not_in_bibliography_and_its_short_form_resolves_to_the_draft_work() -> None:
    missing = full("不存在的研究", cjk("王大明"), place="上海", publisher="上海人民出版社",
                   year="1990")
    found = run([[missing], [LI], [short("不存在的研究", cjk("王大明"))]])
    assert found == [(1, "not-in-bibliography", "")]
    assert run([[short("不存在的研究", cjk("王大明"))]]) == [(1, "not-in-bibliography", "")]


def test_short_before_full() -> None:
    assert run([[short("中國共產革命七十年", cjk("陳永發"))], [LI],
                [full("中國共產革命七十年", cjk("陳永發"), place="台北", publisher="聯經",
                      year="2001")]]) == [(1, "short-before-full", "chen2001zhongguo")]
    # A key citation is a full citation: its short form after it is fine.
    assert run(["[@li2001zhongsu]", [YANG], [short("中蘇外交親歷記", cjk("李越然"))]]) == []


def test_ibid_rules() -> None:
    assert run([[IBID]]) == [(1, "orphan-ibid", "")]
    assert run([[LI], "no citation here", [IBID]]) == [(3, "orphan-ibid", "")]
    assert run([[LI, YANG], [IBID]]) == [(2, "ambiguous-ibid", "")]
    # Within a note, ibid repeats the citation just before it: not ambiguous.
    assert run([[LI, YANG, IBID]]) == []
    assert run([[LI], [IBID], [IBID]]) == []


def test_should_be_ibid_is_info_only() -> None:
    found = run([[LI], [short("中蘇外交親歷記", cjk("李越然"))]])
    assert found == [(2, "should-be-ibid", "li2001zhongsu")]
    draft = drafts.read_markdown("a[^1] b[^2]\n\n[^1]: N1\n[^2]: N2\n", "d.md")
    table = {"N1": ((0, LI),), "N2": ((0, short("中蘇外交親歷記", cjk("李越然"))),)}
    findings = [f for f in checks.check(draft, BIB.works, segmenter=lambda t: table.get(t, ()))
                if f.path == "d.md"]
    assert [f.severity for f in findings] == [checks.Severity.INFO]
    assert checks.exit_status(findings) == 0
    assert "同上" in findings[0].fix


def test_unknown_key_suggests_the_close_one() -> None:
    draft = drafts.read_markdown("See [@li2001zhongsu; @li2001zongsu] and @nothing.\n", "d.md")
    found = checks.check(draft, BIB.works, ["unknown-key"], segmenter=lambda t: ())
    assert [(f.rule, f.key, f.line, f.column) for f in found] == [
        ("unknown-key", "li2001zongsu", 1, 22), ("unknown-key", "nothing", 1, 41)]
    assert "li2001zhongsu" in found[0].fix


def test_duplicate_and_unused_entries() -> None:
    draft = drafts.read_markdown("[@li2001zhongsu] [@robinson1994chinese]\n", "d.md")
    analysis = checks.analyse(draft, BIB.works, segmenter=lambda t: (), bib_path="refs.bib",
                              bib_problems=BIB.problems)
    dup = checks.run(analysis, ["duplicate-entry"])
    assert [(f.rule, f.key, f.path) for f in dup] == [
        ("duplicate-entry", "chen2001zhongguob", "refs.bib")]
    unused = {f.key for f in checks.run(analysis, ["unused-entry"])}
    cited = {"li2001zhongsu", "robinson1994chinese", "robinson1994foreign"}  # + crossref parent
    assert unused == {w.key for w in BIB.works} - cited
    assert "unused-entry" not in checks.select(None)
    assert "unused-entry" in checks.select(None, unused=True)


def test_duplicate_key_in_the_bib_is_reported() -> None:
    lib = bibio.parse("@book{a, title={X}, year={2000}}\n@book{a, title={Y}, year={2001}}\n",
                      "dup.bib")
    draft = drafts.read_markdown("[@a]\n", "d.md")
    found = checks.check(draft, lib.works, ["duplicate-entry"], segmenter=lambda t: (),
                         bib_path="dup.bib", bib_problems=lib.problems)
    assert [(f.rule, f.key, f.line) for f in found] == [("duplicate-entry", "a", 2)]


def test_select_rejects_unknown_ids() -> None:
    with pytest.raises(UsageError, match="unknown rule id: nope") as exc:
        checks.select(["unknown-key", "nope"])
    assert exc.value.fix is not None and all(r in exc.value.fix for r in checks.RULES)
    assert checks.select(["orphan-ibid"]) == ["orphan-ibid"]
    assert checks.select(["orphan-ibid", " orphan-ibid"]) == ["orphan-ibid"]


@pytest.mark.parametrize("ids", [[], [""], ["", ""], [" ", "  "]])
def test_select_refuses_an_empty_selection(ids: list[str]) -> None:
    # Running no rule would report a clean draft that was never checked.
    for unused in (False, True):
        with pytest.raises(UsageError, match="names no rule") as exc:
            checks.select(ids, unused=unused)
        assert exc.value.fix is not None and all(r in exc.value.fix for r in checks.RULES)


def test_every_rule_of_the_issue_is_registered() -> None:
    assert set(checks.RULES) == {
        "unknown-key", "unused-entry", "not-in-bibliography", "author-mismatch",
        "title-mismatch", "year-mismatch", "publisher-mismatch", "place-mismatch",
        "short-before-full", "ambiguous-ibid", "orphan-ibid", "should-be-ibid",
        "duplicate-entry", "edited-citation", "duplicate-item", "stale-ibid", "not-checkable"}


_CJK_NAME = st.text(alphabet="王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓", min_size=2,
                    max_size=4)


@given(_CJK_NAME)
def test_a_name_matches_its_simplified_form_and_not_a_different_name(name: str) -> None:
    from sinosoviet_cli.text.normalize import to_simplified

    a = checks.name_of("{" + name + "}")
    assert checks.same_person(a, checks.name_of(to_simplified(name)))
    other = name[::-1]
    if to_simplified(other) != to_simplified(name):
        assert not checks.same_person(a, checks.name_of(other))


@given(st.text(min_size=1, max_size=30))
def test_matching_never_crashes(title: str) -> None:
    ref = Reference(title, Form.FULL, authors=(Person(literal=title[:3]),), title=title,
                    year=title[:4])
    result = checks.match(ref, checks.Index(BIB.works))
    assert result is None or result.entry.key in {w.key for w in BIB.works}


@pytest.mark.parametrize(
    ("printed", "expected", "same"),
    [("Oxford UP", "Oxford University Press", True),
     ("Princeton U. Press", "Princeton University Press", True),
     ("Harvard University Press", "Oxford University Press", False),
     ("上海人民出版社", "人民出版社", False),  # a place in front: another firm
     ("生活·讀書·新知三聯書店", "三聯書店", True), ("聯經出版事業公司", "聯經", True),
     ("三联书店", "三聯書店", True), ("Frederick A. Praeger", "Praeger", True),
     ("人民出版社", "世界知識出版社", False),
     # Generic words, abbreviations, initials and word order are not differences ...
     ("University of California Press", "California UP", True),
     ("F. A. Praeger", "Frederick A. Praeger", True), ("M.E. Sharpe", "M. E. Sharpe", True),
     ("W.W. Norton & Company", "W. W. Norton", True), ("The MIT Press", "MIT Press", True),
     ("Columbia Univ. Press", "Columbia University Press", True),
     ("Hoover Inst. Press", "Hoover Institution Press", True),
     ("中共中央党校出版社", "中共中央黨校出版社", True),
     # ... but a name a letter or two off is a misprint (the seed's fn 8 and fn 17).
     ("Standford University", "Stanford University", False),
     ("Frederick A.Peaeger", "Frederick A. Praeger", False),
     ("Praege", "Praeger", False), ("世界智識出版社", "世界知識出版社", False)],
)
def test_same_publisher(printed: str, expected: str, same: bool) -> None:
    assert checks.same_publisher(printed, expected) is same


@pytest.mark.parametrize(
    ("printed", "expected", "same"),
    [("Peking", "北京", True), ("臺北", "台北", True), ("Cambridge, Mass.", "Cambridge", True),
     ("北京市", "北京", True), ("Boston", "Berkeley", False), ("上海", "北京", False),
     ("New York, NY", "New York", True), ("Washington D.C.", "Washington", True),
     ("Cambrige", "Cambridge", False), ("Standford", "Stanford", False),
     ("York", "New York", False)],
)
def test_same_place(printed: str, expected: str, same: bool) -> None:
    assert checks.same_place(printed, expected) is same


def test_a_short_title_shared_with_another_authors_work_goes_to_the_author() -> None:
    twin = Work("herbert1982sino", "collection", {"editor": "Herbert, Ellison",
                "title": "The Sino-Soviet Conflict", "year": "1982"})
    works = [*BIB.works, twin]
    ref = short("The Sino-Soviet Conflict", west("", "Zagoria"))
    found = checks.match(ref, checks.Index(works))
    assert found is not None and found.entry.key == "zagoria1962sino"
    assert run([[ref], [LI], [ZAGORIA]], works=works) == [
        (1, "short-before-full", "zagoria1962sino")]


def test_a_short_form_with_an_imprint_counts_as_full() -> None:
    # The parser may call an article with its journal "short"; a journal makes it full.
    article = Reference("x", Form.SHORT, authors=(cjk("李越然"),), title="中蘇外交親歷記",
                        container="某刊", year="2001")
    assert run([[article], [YANG], [short("中蘇外交親歷記", cjk("李越然"))]]) == []


def test_the_first_full_citation_is_not_asked_to_be_ibid() -> None:
    found = run([[short("中蘇外交親歷記", cjk("李越然"))], [LI], [LI]])
    assert found == [(1, "short-before-full", "li2001zhongsu"), (3, "should-be-ibid",
                                                                  "li2001zhongsu")]


def test_a_name_in_another_script_is_not_a_misprint() -> None:
    # 莫里斯·邁斯納 is Maurice Meisner transliterated: nothing to compare, nothing to report.
    meisner = Work("meisner2005", "book", {"author": "Meisner, Maurice", "title": "毛澤東的中國及其後",
                                          "year": "2005"})
    ref = full("毛泽东的中国及其后", cjk("莫里斯·迈斯纳"), year="2005")
    assert run([[ref]], works=[meisner]) == []


def test_a_short_english_title_is_whole_words_of_the_title() -> None:
    jacobsen = full("Sino-Soviet Relations since Mao", west("C. G.", "Jacobsen"),
                    place="New York", publisher="Praeger", year="1981")
    ok = short("Sino-Soviet Relations", west("", "Jacobsen"))
    cut = short("Sino-Soviet Relation", west("", "Jacobsen"))
    assert run([[jacobsen], [LI], [ok]]) == []
    assert run([[jacobsen], [LI], [cut]]) == [(3, "title-mismatch", "jacobsen1981sino")]


def test_a_short_form_naming_its_publisher_is_a_full_citation() -> None:
    # The parser may miss the imprint; the publisher's name in the note still shows it.
    draft = drafts.read_markdown("x[^1]\n\n[^1]: 李越然，《中蘇外交親歷記》，世界知識出版社。\n", "d.md")
    ref = short("中蘇外交親歷記", cjk("李越然"))
    found = checks.check(draft, BIB.works, ["short-before-full"], segmenter=lambda t: ((0, ref),))
    assert found == ()


_FRAGMENTS = ["李越然，", "《中蘇外交親歷記》", "（北京：世界知識出版社，2001）", "，190。", "同上，", "Ibid.",
              "Donald Zagoria, ", "The Sino-Soviet Conflict", " (Princeton: Princeton University "
              "Press, 1962)", ", 12.", "[@li2001zhongsu]", "[@nokey, 3]", "參見", "；", "〈", "〉",
              "羅漢平", "2007", "前引書", "op. cit.", "\n    "]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=8).map("".join),
                min_size=1, max_size=5))
def test_checking_any_draft_never_crashes(notes: list[str]) -> None:
    text = "".join(f"x[^{i}]" for i in range(1, len(notes) + 1)) + "\n\n" + "".join(
        f"[^{i}]: {note}\n" for i, note in enumerate(notes, start=1))
    found = checks.check(drafts.read_markdown(text, "d.md"), BIB.works,
                         checks.select(None, unused=True))
    assert all(f.rule in checks.RULES and f.line >= 1 and f.column >= 1 for f in found)


def test_op_cit_takes_the_work_last_cited_under_that_name() -> None:
    vogel = Work("vogel2012deng", "book", {"author": "Vogel, Ezra F.", "title": "鄧小平改變中國",
                                          "year": "2012"})
    first = Reference("x", Form.FULL, authors=(Person("Vogel", "Ezra F.", alt="傅高義"),),
                      title="鄧小平改變中國", year="2012")
    op_cit = Reference("傅高義，前引書，頁120", Form.SHORT, authors=(cjk("傅高義"),))
    assert run([[first], [LI], [op_cit]], works=[*BIB.works, vogel]) == []
    # Without an earlier citation, op. cit. finds the author's work and is out of place.
    assert run([[Reference("x", Form.SHORT, authors=(cjk("李越然"),))]]) == [
        (1, "short-before-full", "li2001zhongsu")]


def test_a_transliterated_family_name_alone_is_the_person() -> None:
    assert checks.same_person(checks.name_of("{亨利·基辛格}"), checks.name_of("基辛格"))
    assert not checks.same_person(checks.name_of("{亨利·基辛格}"), checks.name_of("亨利"))
