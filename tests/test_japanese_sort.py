"""Japanese authors in bibliography order (issue 16 #8): by their reading where
``data/japanese.toml`` knows it (和田春樹 as Wada Haruki), else after the romanised
names; not by the pinyin of their characters."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from typer.testing import CliRunner

from sinosoviet_cli.cli import app
from sinosoviet_cli.csl import render
from sinosoviet_cli.model import Work
from sinosoviet_cli.romanize import japanese


def _book(key: str, author: str, title: str, langid: str = "chinese") -> Work:
    return Work(key, "book", MappingProxyType({
        "author": author, "title": title, "year": "2000", "langid": langid}))


_WORKS = [
    _book("yamada", "{山田太郎}", "冷戦と日本", "japanese"),  # no reading in the table
    _book("zagoria", "Zagoria, Donald S.", "The Sino-Soviet Conflict", "english"),
    _book("wada", "{和田春樹}", "朝鮮戰爭全史"),  # Chinese translation, Japanese author
    _book("yang", "{楊奎松}", "走向破裂"),
    _book("shimotomai", "{下斗米伸夫}", "アジア冷戦史", "japanese"),
    _book("shen", "{沈志華}", "毛澤東、斯大林與朝鮮戰爭"),
]


def test_japanese_names_file_by_their_reading() -> None:
    order = [w.key for w in render.sort_works(_WORKS)]
    # shen < shimotomai < wada < yang < zagoria; pinyin would file 和田 as "he tian"
    # and 下斗米 as "xia dou mi"; 山田太郎 (unknown reading) comes last
    assert order == ["shen", "shimotomai", "wada", "yang", "zagoria", "yamada"]


def test_kana_romanisation() -> None:
    assert japanese.romaji("しもとまい のぶお") == "shimotomai nobuo"
    assert japanese.romaji("きゃく しゃしん がっこう") == "kyaku shashin gakkou"
    assert japanese.romaji("コーヒー") == "koohii"  # katakana, long vowel
    assert japanese.reading("國分良成") == "kokubun ryousei"  # any character form
    assert japanese.reading("和田 春樹") == "wada haruki"
    assert japanese.reading("楊奎松") == ""


def test_export_orders_japanese_authors(runner: CliRunner, tmp_path: Path) -> None:
    bib = tmp_path / "ja.bib"
    bib.write_text("".join(
        f"@book{{{w.key},\n" + "".join(f"  {k} = {{{v}}},\n" for k, v in w.fields.items())
        + "}\n\n" for w in _WORKS), encoding="utf-8")
    result = runner.invoke(app, ["export", "--bib", str(bib)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    found = [text.index(n) for n in ("沈志華", "下斗米伸夫", "和田春樹", "楊奎松", "Zagoria",
                                     "山田太郎")]
    assert found == sorted(found)
