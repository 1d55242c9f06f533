"""The style rules of `check` (checks/rules_style.py) on notes written for these tests,
read by the real citation grammar against the bundled references.bib: each rule fires
on its planted note and stays quiet on the correct form of the same citation."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.checks import rules as checks
from sinosoviet_cli.checks import rules_style
from sinosoviet_cli.paper import drafts
from tests.conftest import ROOT

BIB = bibio.load(ROOT / "references.bib")
STYLE = ["family-first", "editor-number", "subtitle-short-form", "stray-number",
         "mixed-punctuation", "comma-before-imprint", "mixed-page-mark", "page-abbreviation",
         "future-year"]


def found(*notes: str, rules: Sequence[str] = STYLE) -> set[tuple[int | None, str]]:
    """(footnote, rule) of a Markdown draft whose footnote i is ``notes[i - 1]``."""
    body = " ".join(f"Sentence {i}.[^{i}]" for i in range(1, len(notes) + 1))
    defs = "\n".join(f"[^{i}]: {t}" for i, t in enumerate(notes, start=1))
    draft = drafts.read_markdown(f"{body}\n\n{defs}\n", "d.md")
    return {(f.footnote, f.rule) for f in checks.check(draft, BIB.works, rules)}


TEIWES = ("Frederick C. Teiwes and Warren Sun, China's Road to Disaster (Armonk, N.Y.: "
          "M.E. Sharpe, 1999), 12.")


def test_family_first_from_the_matched_entry() -> None:
    assert found(TEIWES) == set()
    assert found(TEIWES.replace("Warren Sun", "Sun Warren")) == {(1, "family-first")}


def test_family_first_with_a_comma_in_a_note() -> None:
    right = ("Alfred L. Chan, Mao's Crusades: Politics and Policy Implementation in China's "
             "Great Leap Forward (Oxford: Oxford University Press, 2001), 7.")
    inverted = right.replace("Alfred L. Chan,", "Chan, Alfred L.")
    assert found(right) == set()
    assert found(inverted) == {(1, "family-first")}


def test_family_first_by_word_shape_where_no_entry_matches() -> None:
    note = "{} , A Book Nobody Has Catalogued (Boston: Beacon Press, 1990), 3."
    assert found(note.format("Ellison Herbert")) == {(1, "family-first")}
    assert found(note.format("Herbert Ellison")) == set()
    # A Chinese name in its own order is right, with or without an entry.
    assert found(note.format("Chen Jian")) == set()
    assert found(note.format("Chen Yung-fa")) == set()


def test_chinese_given_names_are_recognised() -> None:
    assert rules_style.looks_chinese("Zhihua") and rules_style.looks_chinese("Yung-fa")
    assert not rules_style.looks_chinese("Warren")
    assert not rules_style.looks_chinese("Herbert")


CHAPTER = ("Donald Treadgold, \u201cAlternative Western View Of The Sino-Soviet Conflict,\u201d "
           "in {} The Sino-Soviet Conflict (Seattle: University Of Washington, 1982), 326.")


def test_eds_for_one_editor_and_the_editor_family_first() -> None:
    after = CHAPTER.replace("in {} The Sino-Soviet Conflict", "in The Sino-Soviet Conflict, {}")
    assert found(after.format("ed. Herbert Ellison")) == set()
    assert found(after.format("eds. Herbert Ellison")) == {(1, "editor-number")}
    assert found(CHAPTER.format("Ellison Herbert eds.")) == {
        (1, "editor-number"), (1, "family-first")}


def test_ed_for_two_editors() -> None:
    note = ("Thomas Robinson, \u201cChinese Foreign Policy From The 1940s To The 1990s,\u201d "
            "in Chinese Foreign Policy, {} Thomas Robinson and David Shambaugh (Oxford: "
            "Clarendon Press, 1994), 556.")
    assert found(note.format("eds."), note.format("ed.").replace(" and David Shambaugh", "")
                 ) == set()
    assert found(note.format("ed.")) == {(1, "editor-number")}


YANG = "楊奎松，《走向破裂：毛澤東與莫斯科的恩恩怨怨》（香港：三聯書店，1999），388。"


def test_short_form_by_the_subtitle() -> None:
    assert found(YANG, "楊奎松，《走向破裂》，400。") == set()
    assert found(YANG, "楊奎松，《毛澤東與莫斯科的恩恩怨怨》，400。") == {
        (2, "subtitle-short-form")}


def test_stray_number_in_the_prose() -> None:
    prose = "作者以為會議並未改變路線。{}此後的爭論轉向經濟。"
    assert found(prose.format("")) == set()
    assert found(prose.format("7")) == {(1, "stray-number")}
    # A quantity or a date after a sentence is not a stray.
    assert found(prose.format("3月")) == set()
    assert found("The debate changed.4 Later authors disagreed.") == {(1, "stray-number")}
    assert found("See the debate in the press, p.4 Later authors disagreed.") == set()


def test_full_width_punctuation_in_an_english_citation() -> None:
    right = ("Donald Zagoria, The Sino-Soviet Conflict 1956-1961 (Princeton: Princeton "
             "University Press, 1962), 78.")
    assert found(right) == set()
    assert found(right.replace("(Princeton:", "(Princeton：")) == {(1, "mixed-punctuation")}
    assert found(right.replace("1962)", "1962）")) == {(1, "mixed-punctuation")}


def test_a_bracket_closed_with_the_other_width_in_a_chinese_citation() -> None:
    assert found(YANG.replace("1999）", "1999)")) == {(1, "mixed-punctuation")}


def test_comma_before_a_parenthesised_imprint() -> None:
    note = "李越然，《中蘇外交親歷記》{}（北京：世界知識出版社，2001），190。"
    assert found(note.format("")) == set()
    assert found(note.format("，")) == {(1, "comma-before-imprint")}


def test_simplified_page_mark_in_a_traditional_citation() -> None:
    note = "李越然，《中蘇外交親歷記》（北京：世界知識出版社，2001），{}190。"
    assert found(note.format("頁")) == set()
    assert found(note.format("页")) == {(1, "mixed-page-mark")}
    # A mainland citation beside a Taiwanese one keeps its own script.
    mainland = "李越然：《中苏外交亲历记》，北京：世界知识出版社2001年版，第190页。"
    assert found(note.format("頁") + mainland) == set()


def test_p_and_pp() -> None:
    note = ("Harold Hinton, Chinese Policymaking Under Soviet Pressure (Washington D.C: "
            "Stanford University, 1971), {}.")
    assert found(note.format("pp. 13-15"), note.format("p. 13")) == set()
    assert found(note.format("p. 13-15")) == {(1, "page-abbreviation")}
    assert found(note.format("pp. 13")) == {(1, "page-abbreviation")}


def test_a_year_still_to_come() -> None:
    note = ("Harold Hinton, Chinese Policymaking Under Soviet Pressure (Washington D.C: "
            "Stanford University, {}), 13.")
    assert found(note.format(1971), rules=["future-year"]) == set()
    assert found(note.format(2098), rules=["future-year"]) == {(1, "future-year")}
    draft = drafts.read_markdown(f"A.[^1]\n\n[^1]: {note.format(2027)}\n", "d.md")
    analysis = checks.analyse(draft, BIB.works)
    years = list(rules_style.future_year(analysis, today=datetime.date(2026, 1, 1)))
    assert [f.message for f in years] == ["year 2027 is still to come"]


@pytest.mark.parametrize("rule", STYLE)
def test_style_rules_are_registered_and_never_errors(rule: str) -> None:
    assert rule in checks.select(None)
    assert checks.RULES[rule].severity is not checks.Severity.ERROR


_PIECES = st.sampled_from([
    "楊奎松", "，", "《走向破裂》", "（北京：人民出版社，2001）", "頁", "页", "。", "21", "eds.",
    "ed.", "Sun Warren", "Chan, Alfred L.", " ", "(", ")", "（", "）", "：", "p. 3-4", "pp. 5",
    "*", "_", "2098", "Donald Zagoria, The Sino-Soviet Conflict 1956-1961", ", 78.",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=12).map("".join))
def test_no_note_text_crashes_the_rules(note: str) -> None:
    draft = drafts.read_markdown(f"A.[^1]\n\n[^1]: {note}\n", "d.md")
    for f in checks.check(draft, BIB.works, [*STYLE, "unread-note"]):
        assert f.severity is not checks.Severity.ERROR
