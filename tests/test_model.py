"""The BibTeX name-list convention shared by keys, render, schools and checks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.model import split_persons


def test_split_persons_on_top_level_and_only() -> None:
    assert split_persons("{楊奎松} and Meisner, Maurice") == ["{楊奎松}", "Meisner, Maurice"]
    assert split_persons("{人民出版社 and 中華書局}") == ["{人民出版社 and 中華書局}"]
    assert split_persons("Robinson, Thomas AND Shambaugh, David") == [
        "Robinson, Thomas",
        "Shambaugh, David",
    ]
    assert split_persons("{李英明} and {關向光} and others") == ["{李英明}", "{關向光}", "others"]
    assert split_persons("  ") == []
    # "and" inside a name is not a separator.
    assert split_persons("Anderson, Benedict") == ["Anderson, Benedict"]


_NAME = st.text(alphabet="abcXYZ楊奎松, ", min_size=1, max_size=12).filter(
    lambda s: s.strip() and " and " not in f" {s.lower()} "
)


@given(st.lists(_NAME, min_size=1, max_size=5))
def test_split_persons_inverts_join(names: list[str]) -> None:
    names = [n.strip() for n in names]
    assert split_persons(" and ".join(names)) == names
