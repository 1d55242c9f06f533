"""Normalisation and matching keys."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.text.normalize import fold, fold_strict, has_cjk, join_lines, nfc


def test_nfc_maps_compatibility_ideographs() -> None:
    compat = "\uf9e1"  # 李 as a CJK compatibility ideograph, as the PDF text has it
    assert compat != "李"
    assert nfc(compat) == "李"
    assert nfc(f"{compat}銳") == "李銳"


def test_join_lines_cjk_without_space_latin_with_one() -> None:
    assert join_lines(["楊奎松，《走向破裂：毛澤東與莫斯科的恩恩", "怨怨》"]) == (
        "楊奎松，《走向破裂：毛澤東與莫斯科的恩恩怨怨》"
    )
    assert join_lines(["Donald Zagoria, The Sino-Soviet Conflict (New Jersey：Princeton ",
                       "University Press,1962）."]) == (
        "Donald Zagoria, The Sino-Soviet Conflict (New Jersey：Princeton University Press,1962）."
    )
    # CJK then Latin: no space is invented where the paper has none at the line end.
    assert join_lines(["參見", "Donald Zagoria"]) == "參見Donald Zagoria"
    assert join_lines(["  ", "a", "", "b"]) == "a b"


def test_fold_traditional_simplified_width_punctuation() -> None:
    assert fold("《毛澤東與莫斯科的恩恩怨怨》") == fold("毛泽东与莫斯科的恩恩怨怨")
    assert fold("北京：人民出版社") == fold("北京:人民出版社")
    assert fold("ＡＢＣ　Conflict") == fold("abc conflict")
    assert fold("走向破裂—毛澤東") == fold("走向破裂-毛泽东")
    assert fold("羅平漢") != fold("羅漢平")


def test_fold_strict_ignores_spacing_and_punctuation() -> None:
    assert fold_strict("Hinton , Harold") == fold_strict("Hinton, Harold")
    assert fold_strict("China under threat : the politics") == fold_strict(
        "China Under Threat: The Politics"
    )


def test_has_cjk() -> None:
    assert has_cjk("Zagoria 的書")
    assert not has_cjk("Zagoria, The Sino-Soviet Conflict")


@given(st.text())
def test_fold_is_idempotent_and_nfc_stable(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert unicodedata.is_normalized("NFC", nfc(text))


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)))
def test_join_lines_never_adds_newlines(lines: list[str]) -> None:
    joined = join_lines([line.replace("\n", " ") for line in lines])
    assert "\n" not in joined.strip()
