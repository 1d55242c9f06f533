"""Citation keys: romanised family name + year + first title word, unique, stable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinosoviet_cli.link import keys
from tests.conftest import ROOT, SEED


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"author": "{楊奎松}", "title": "走向破裂：毛澤東與莫斯科的恩恩怨怨", "year": "1999"},
         "yang1999zouxiang"),
        ({"editor": "{楊奎松}", "title": "冷戰時期的中國對外關係", "year": "2006"},
         "yang2006lengzhan"),
        ({"author": "{陳兼}", "title": "革命與危機的年代", "year": "2006"}, "chen2006geming"),
        ({"author": "Meisner, Maurice", "title": "毛澤東的中國及其後—中華人民共和國史",
          "year": "2005"}, "meisner2005maozedong"),
        ({"author": "Zagoria, Donald", "title": "The Sino-Soviet Conflict 1956-1961",
          "year": "1962"}, "zagoria1962sino"),
        ({"author": "{李銳}", "title": "「大躍進」親歷記", "year": "1996"}, "li1996dayuejin"),
        # Simplified and Traditional spellings romanise alike.
        ({"author": "{杨奎松}", "title": "走向破裂", "year": "1999"}, "yang1999zouxiang"),
        # Surname readings and compound surnames come from data/keys.toml.
        ({"author": "{薄一波}", "title": "若干重大事件與決策的回顧", "date": "1991/1993"},
         "bo1991ruogan"),
        ({"author": "{曾國藩}", "title": "家書", "year": "1990"}, "zeng1990jiashu"),
        ({"author": "{歐陽修}", "title": "新五代史", "year": "1974"}, "ouyang1974xinwu"),
        # A corporate author is romanised by its first word, not a "family name".
        ({"editor": "{人民出版社}", "title": "關於國際共產主義運動總路線的論戰",
          "year": "1965"}, "renmin1965guanyu"),
        # A transliterated foreign name: its last part is the family name.
        ({"author": "{莫里斯‧邁斯納}", "title": "毛澤東的中國", "year": "2005"},
         "maisina2005maozedong"),
        # Accents folded; English articles skipped; no year → nd; no person → anon.
        ({"author": "Schürmann, Franz", "title": "The Ideology", "year": "1966"},
         "schurmann1966ideology"),
        ({"author": "Gurtov, Melvin", "title": "China under threat"}, "gurtov-nd-china"),
        ({"title": "人民日報社論", "date": "1962-12-15"}, "anon1962renmin"),
        ({"author": "Hinton, Harold", "title": "1958 and After", "year": "1971"},
         "hinton19711958"),
        ({"author": "Harold Hinton", "title": "China’s Turbulent Quest", "year": "1972"},
         "hinton1972china"),
    ],
)
def test_base_key(fields: dict[str, str], key: str) -> None:
    assert keys.base_key(fields) == key


def test_split_persons_respects_braces() -> None:
    assert keys.split_persons("{楊奎松} and Robinson, Thomas and {Bread and Butter Co}") == [
        "{楊奎松}", "Robinson, Thomas", "{Bread and Butter Co}"]


def test_collisions_get_suffixes_on_every_member() -> None:
    assert keys.unique(["li1996dayuejin", "chen2001zhongguo", "li1996dayuejin"]) == [
        "li1996dayuejina", "chen2001zhongguo", "li1996dayuejinb"]


def test_suffix_never_takes_an_existing_key() -> None:
    assert keys.unique(["x1", "x1", "x1a"]) == ["x1b", "x1c", "x1a"]


@given(st.lists(st.text(alphabet="abcAB1", min_size=1, max_size=4), max_size=40))
def test_unique_is_unique_without_regard_to_case(bases: list[str]) -> None:
    result = keys.unique(bases)
    assert len(result) == len(bases)
    assert len({k.casefold() for k in result}) == len(result)
    # Stable: the same input always gives the same keys.
    assert keys.unique(bases) == result


_ANY_FIELD = st.text(
    alphabet=st.sampled_from(list("楊奎松走向破裂毛澤東abcXYZ éü, {}-：「」0123456789")),
    max_size=20,
)


@given(st.fixed_dictionaries({"author": _ANY_FIELD, "title": _ANY_FIELD, "year": _ANY_FIELD}))
def test_keys_are_lower_case_ascii(fields: dict[str, str]) -> None:
    key = keys.base_key(fields)
    assert re.fullmatch(r"[a-z0-9]+|[a-z0-9]+-nd(?:-[a-z0-9]+)?", key), key  # undated: -nd-
    assert keys.base_key(dict(fields)) == key


def test_transliterated_name_with_separator_keys_and_files_by_family() -> None:
    """詹姆斯‧多爾蒂 (James Dougherty): the key and Chicago's order both take the
    family name 多爾蒂 (duoerdi), so the work files under D, not under J/Z."""
    from types import MappingProxyType

    from sinosoviet_cli.csl import render
    from sinosoviet_cli.model import Work

    fields = {"author": "{詹姆斯‧多爾蒂} and {小羅伯特‧普琺爾次格拉夫}",
              "title": "爭辯中的國際關係理論", "year": "2003"}
    assert keys.base_key(fields) == "duoerdi2003zhengbian"

    def w(key: str, author: str) -> Work:
        return Work(key, "book", MappingProxyType({"author": author, "title": "書",
                                                   "year": "2000"}))

    works = [w("zagoria", "Zagoria, Donald"), w("dougherty", fields["author"]),
             w("hinton", "Hinton, Harold"), w("chen", "{陳兼}"), w("dallin", "Dallin, David"),
             w("eckstein", "Eckstein, Alexander")]
    assert [x.key for x in render.sort_works(works)] == [  # duoerdi: between da and e
        "chen", "dallin", "dougherty", "eckstein", "hinton", "zagoria"]


@pytest.mark.parametrize(
    ("title", "word"),
    [
        (r"\textbraceleft{}中蘇關係》", "zhongsu"),
        (r"\emph{Brothers} in Arms", "brothers"),
        (r"\{Cold\} War", "cold"),
    ],
)
def test_first_title_word_skips_latex_markup(title: str, word: str) -> None:
    # Escaped values (as resolve writes them) must key like the text they print.
    assert keys.first_title_word(title) == word


def test_keys_use_the_romanize_tables() -> None:
    # One romanisation: the surname readings and compounds of data/romanize/romanize.toml.
    from sinosoviet_cli.romanize.syllables import romanize_text

    assert keys.romanise("重慶") == romanize_text("重慶").replace(" ", "") == "chongqing"
    assert keys.romanise_family("{種一}") == "chong"  # romanize's reading, not zhong
    assert keys.romanise_family("{歐陽修}") == "ouyang"
    assert keys.romanise_family("{單少傑}") == "shan"
    assert keys.romanise_family("{都一}") == "du"


def test_regenerating_the_bundled_bib_keeps_every_key(tmp_path: Path) -> None:
    """The README's command regenerates references.bib with the same keys (and bytes,
    but for the command line in its header)."""
    if not SEED.is_file():
        pytest.skip(f"seed paper not found at {SEED}")
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("regenerated by exactly this command", 1)[1].split("```sh", 1)[1]
    words = block.split("```", 1)[0].replace("\\\n", " ").split()
    assert words[:2] == ["sinosoviet", "parse"] and "-o" in words
    words[words.index("-o") + 1] = str(tmp_path / "references.bib")
    args = [str(SEED) if w.endswith(SEED.name) else w for w in words[1:]]
    run = subprocess.run([sys.executable, "-m", "sinosoviet_cli", *args], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    regenerated = (tmp_path / "references.bib").read_text("utf-8").splitlines()
    bundled = (ROOT / "references.bib").read_text("utf-8").splitlines()
    assert [ln for ln in regenerated if not ln.startswith("% ")] == [
        ln for ln in bundled if not ln.startswith("% ")]


def test_undated_works_key_nd_as_a_word() -> None:
    """Issue 16 #8: no date gives `luo-nd-wenge`, not `luondwenge`."""
    from sinosoviet_cli.link.keys import base_key

    assert base_key({"author": "{羅平漢}", "title": "文革前夜的中國"}) == "luo-nd-wenge"
    assert base_key({"author": "{羅平漢}", "title": "文革前夜的中國", "date": "2007-05"}) == "luo2007wenge"


def test_a_japanese_authors_key_uses_the_reading_of_the_name_table() -> None:
    """和田春樹 keys as wada (data/japanese.toml), as it sorts; a Chinese name keeps
    its pinyin surname."""
    from sinosoviet_cli.link import keys

    assert keys.romanise_family("{和田春樹}") == "wada"
    assert keys.romanise_family("{下斗米伸夫}") == "shimotomai"
    assert keys.romanise_family("{楊奎松}") == "yang"
