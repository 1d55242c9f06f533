"""``check`` on a draft in sinological Chicago style: romanised titles in italics with
their characters after them, romanised places and publishers, short forms by the
romanised title. Notes written for this test; the entries are real books."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sinosoviet_cli.checks.rules_imprint import same_place, same_publisher
from sinosoviet_cli.cli import app

BIB = """\
@book{shen2003mao,
  author = {{沈志華}}, title = {毛澤東、斯大林與朝鮮戰爭}, address = {廣州},
  publisher = {廣東人民出版社}, year = {2003}, langid = {chinese}}
@book{shimotomai2004ajia,
  author = {{下斗米伸夫}}, title = {アジア冷戦史}, address = {東京},
  publisher = {中央公論新社}, year = {2004}, langid = {japanese}}
@book{niu2012lengzhan,
  author = {{牛軍}}, title = {冷戰與新中國外交的緣起}, address = {武漢},
  publisher = {社會科學文獻出版社}, year = {2012}, langid = {chinese}}
"""

# Note 8 prints a wrong place, note 9 a short title that is not the work's.
NOTES = [
    "Shen Zhihua 沈志華, *Mao Zedong, Sidalin yu Chaoxian zhanzheng* 毛澤東、斯大林與朝鮮戰爭"
    " (Guangzhou: Guangdong renmin chubanshe, 2003), 88.",
    "Ibid., 92.",
    "Shimotomai Nobuo 下斗米伸夫, *Ajia reisenshi* アジア冷戦史 (Tokyo: Chūō kōron shinsha,"
    " 2004), 33.",
    "Niu Jun 牛軍, *Lengzhan yu xin Zhongguo waijiao de yuanqi* 冷戰與新中國外交的緣起"
    " (Wuhan: Shehui kexue wenxian chubanshe, 2012), 5.",
    "Shen, *Mao Zedong, Sidalin*, 101.",
    "Shimotomai, *Ajia reisenshi*, 40.",
    "Niu Jun, *Lengzhan yu xin Zhongguo*, 9.",
    "Niu Jun 牛軍, *Lengzhan yu xin Zhongguo waijiao de yuanqi* 冷戰與新中國外交的緣起"
    " (Shanghai: Shehui kexue wenxian chubanshe, 2012), 6.",
    "Niu, *Zhongguo yu Sulian*, 12.",
]


def _draft(tmp_path: Path, notes: list[str]) -> tuple[Path, Path]:
    body = " ".join(f"Text.[^{i}]" for i in range(1, len(notes) + 1))
    defs = "\n\n".join(f"[^{i}]: {n}" for i, n in enumerate(notes, 1))
    draft, bib = tmp_path / "draft.md", tmp_path / "refs.bib"
    draft.write_text(f"# Chapter\n\n{body}\n\n{defs}\n", "utf-8")
    bib.write_text(BIB, "utf-8")
    return draft, bib


def _check(runner: CliRunner, tmp_path: Path, notes: list[str]) -> dict[str, object]:
    draft, bib = _draft(tmp_path, notes)
    result = runner.invoke(app, ["check", str(draft), "--bib", str(bib), "--json"])
    assert result.exit_code in (0, 1), result.output
    out: dict[str, object] = json.loads(result.stdout)
    return out


def test_sinological_draft_finds_the_errors_and_nothing_else(runner: CliRunner,
                                                             tmp_path: Path) -> None:
    out = _check(runner, tmp_path, NOTES)
    findings = out["findings"]
    assert isinstance(findings, list)
    found = {(f["footnote"], f["rule"]) for f in findings if f["severity"] != "info"}
    assert found == {(8, "place-mismatch"), (9, "not-in-bibliography")}, findings


def test_italic_romanised_title_is_read_and_ibid_follows_it(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    out = _check(runner, tmp_path, NOTES[:2])
    matched = out["matched"]
    assert isinstance(matched, list)
    works = [m["key"] for m in matched]
    assert works == ["shen2003mao", "shen2003mao"], matched
    findings = out["findings"]
    assert isinstance(findings, list)
    assert not [f for f in findings if f["rule"] in ("unread-note", "orphan-ibid")]


def test_romanised_place_is_the_entry_place() -> None:
    assert same_place("Nanchang", "南昌")  # the romanize module's place table
    assert same_place("Tokyo", "東京")
    assert same_place("Wuhan", "武漢")  # pinyin of a place in no table
    assert not same_place("Wuhan", "南昌")
    assert not same_place("Shanghai", "武漢")


def test_romanised_publisher_is_the_entry_publisher() -> None:
    assert same_publisher("Jiangxi renmin chubanshe", "江西人民出版社")
    assert not same_publisher("Hubei renmin chubanshe", "江西人民出版社")


def test_japanese_names_take_their_reading_never_pinyin() -> None:
    from sinosoviet_cli.checks.romanised import _japanese_names

    assert [n.shown for n in _japanese_names("{和田春樹}")] == ["Wada Haruki"]
    assert _japanese_names("{無名氏子}") == []  # a name the reading table lacks


def test_romanised_title_start_is_a_short_title() -> None:
    from sinosoviet_cli.checks.match import _romanised_title

    title = "冷戰與新中國外交的緣起"
    assert _romanised_title("Lengzhan yu xin Zhongguo", title, short=True)
    assert _romanised_title("Lengzhan yu xin Zhongguo waijiao de yuanqi", title, short=False)
    assert not _romanised_title("Lengzhan yu xin Zhongguo", title, short=False)
    assert not _romanised_title("Lengzhan yu xin Zhong", title, short=True)  # half a word
    assert not _romanised_title("Lengzhan yu Sulian", title, short=True)


def test_romanised_title_of_an_earlier_full_note_names_the_work(runner: CliRunner,
                                                                tmp_path: Path) -> None:
    """The Japanese reading is no pinyin: the short form resolves only through the full
    note that printed it; without that note it matches nothing."""
    out = _check(runner, tmp_path, [NOTES[2], NOTES[5]])
    matched = out["matched"]
    assert isinstance(matched, list)
    assert [m["key"] for m in matched] == ["shimotomai2004ajia"] * 2, matched
    alone = _check(runner, tmp_path, [NOTES[5]])
    findings = alone["findings"]
    assert isinstance(findings, list)
    assert [f["rule"] for f in findings] == ["not-in-bibliography"], findings
