"""The shared text layer: persons, titles, years, pages (one implementation each)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.model import Person
from sinosoviet_cli.text.names import (
    family_name,
    has_others,
    key_of,
    keys_of,
    parse_person,
    parse_persons,
    same_person,
)
from sinosoviet_cli.text.pages import is_pages, normalize_pages
from sinosoviet_cli.text.titles import main_title, short_title, split_title, title_parts
from sinosoviet_cli.text.years import arabic_years, first_year, years_in


@pytest.mark.parametrize(("raw", "expected"), [
    ("{楊奎松}", Person(literal="楊奎松")),
    ("沈志华", Person(literal="沈志华")),
    ("{World Bank}", Person(literal="World Bank")),
    ("Zagoria, Donald S.", Person(family="Zagoria", given="Donald S.")),
    ("Donald S. Zagoria", Person(family="Zagoria", given="Donald S.")),
    ("Peebles, Jr, Peyton Z.", Person(family="Peebles", given="Peyton Z.", suffix="Jr")),
    ("family=Brauw, given=Alan, prefix=de, useprefix=true",
     Person(family="Brauw", given="Alan", particle="de", particle_kept=True)),
    ("L{\\\"u}thi", Person(family="L\\\"uthi")),
    ("Mao", Person(family="Mao")),
])
def test_parse_person(raw: str, expected: Person) -> None:
    assert parse_person(raw) == expected


def test_parse_persons_drops_others_and_keeps_braced_and() -> None:
    value = "{楊奎松} and Westad, Odd Arne and {人民出版社 and 中華書局} and others"
    persons = parse_persons(value)
    assert [p.literal or p.family for p in persons] == ["楊奎松", "Westad", "人民出版社 and 中華書局"]
    assert has_others(value) and not has_others("{楊奎松}")


def test_bibtex_form_round_trips() -> None:
    for raw in ("{楊奎松}", "Zagoria, Donald S.", "Peebles, Jr, Peyton Z.", "Mao"):
        assert parse_person(raw).bibtex() == raw


@pytest.mark.parametrize(("raw", "family"), [
    ("{莫里斯‧邁斯納}", "邁斯納"), ("{亨利·基辛格}", "基辛格"), ("{楊奎松}", "楊奎松"),
    ("Zagoria, Donald", "Zagoria"), ("{人民出版社}", "人民出版社"),
])
def test_family_name(raw: str, family: str) -> None:
    assert family_name(parse_person(raw)) == family


@pytest.mark.parametrize(("a", "b"), [
    ("沈志華", "沈志华"),  # Traditional / Simplified
    ("Shen Zhihua", "Zhihua Shen"),  # either order
    ("Chen Yung-fa", "Chen Yungfa"),  # hyphenated Wade-Giles
    ("C. G. Jacobsen", "Carl G. Jacobsen"),  # initials
    ("Harold Hinton", "Harold C. Hinton"),  # a given name left out
    ("Ｚａｇｏｒｉａ", "zagoria"),  # width and case
])
def test_same_person(a: str, b: str) -> None:
    assert same_person(key_of(a), key_of(b))


@pytest.mark.parametrize(("a", "b"), [
    ("沈志華", "沈志華生"), ("Shen Zhihua", "Shen Zhiyuan"), ("D. Zagoria", "Q. Zagoria Li"),
    ("楊奎松", "Yang Kuisong"),  # across scripts only through a romanisation table
])
def test_different_persons(a: str, b: str) -> None:
    assert not same_person(key_of(a), key_of(b))


def test_family_alone_matches_a_transliteration() -> None:
    person = parse_person("{莫里斯‧邁斯納}")
    assert any(same_person(k, key_of("邁斯納")) for k in keys_of(person))
    alt = Person(literal="莫里斯‧邁斯納", alt="Maurice Meisner")
    assert any(same_person(k, key_of("Meisner, Maurice".replace(",", ""))) for k in keys_of(alt))


@pytest.mark.parametrize(("title", "main", "sub"), [
    ("走向破裂：毛澤東與莫斯科的恩恩怨怨", "走向破裂", "毛澤東與莫斯科的恩恩怨怨"),
    ("毛澤東的中國及其後—中華人民共和國史", "毛澤東的中國及其後", "中華人民共和國史"),
    ("The Sino-Soviet Conflict: 1956--1961", "The Sino-Soviet Conflict", "1956--1961"),
    ("Sino-Russian Relations, 1800--1949", "Sino-Russian Relations, 1800--1949", ""),
    ("1949--1979 年的中國", "1949--1979 年的中國", ""),
    ("Sino–Soviet Relations", "Sino–Soviet Relations", ""),
    ("China -- The Split", "China", "The Split"),
    ("中蘇關係史綱──1917-1991", "中蘇關係史綱", "1917-1991"),
])
def test_split_title(title: str, main: str, sub: str) -> None:
    assert split_title(title) == (main, sub)
    assert main_title(title) == main


def test_short_title_prefers_the_field_then_the_main_title() -> None:
    assert short_title({"title": "A: B", "shorttitle": "Short"}) == "Short"
    assert short_title({"title": "A: B"}) == "A"
    assert short_title({"title": "Title", "subtitle": "Sub"}) == "Title"
    assert title_parts("走向破裂：毛澤東與莫斯科") == ("走向破裂：毛澤東與莫斯科", "走向破裂", "毛澤東與莫斯科")


@given(st.text(max_size=60))
def test_split_title_never_loses_text(title: str) -> None:
    main, sub = split_title(title)
    assert main in title and sub in title
    assert len(main) + len(sub) <= len(title.strip())


def test_years() -> None:
    assert years_in("1991、1993年") == ("1991", "1993")
    assert years_in("12345 and 1958") == ("1958",)
    assert first_year("n.d.") is None
    assert first_year("2006年1月版") == 2006
    assert arabic_years("一九五八年十月") == "1958年十月"


@pytest.mark.parametrize(("printed", "stored"), [
    ("pp. 12-15", "12--15"), ("p. 7", "7"), ("頁12", "12"), ("第85－87页", "85--87"),
    ("12—15頁", "12--15"), ("第3版", "3"), ("12、15", "12, 15"), ("xii", "xii"),
])
def test_pages(printed: str, stored: str) -> None:
    assert is_pages(printed)
    assert normalize_pages(printed) == stored


@pytest.mark.parametrize("text", ["1999", "1956-1961", "北京", "Harvard"])
def test_not_pages(text: str) -> None:
    assert not is_pages(text)


@pytest.mark.parametrize(("printed", "stored"), [
    ("390–95", "390--395"),       # Chicago's abbreviated second number, stored in full
    ("pp. 100-9", "100--109"),
    ("1:153–55", "1:153--155"),    # volume:page, the page range expanded
    ("12-15", "12--15"),           # already full
    ("95-100", "95--100"),
    ("3.45–47", "3.45--47"),       # juan.page left as printed
    ("xii–xv", "xii--xv"),
    ("80–3", "80--83"),
])
def test_abbreviated_page_ranges_are_stored_in_full(printed: str, stored: str) -> None:
    assert normalize_pages(printed) == stored
