"""A Western name printed in two scripts (issue 16 #10): ``莫里斯‧邁斯納（Maurice Meisner）``
keeps the Latin form in the name field and the CJK form in the field's biblatex data
annotation (``author+an:alt``); the paper's own note style prints both again, and
``check`` matches a draft citing either form. Notes written for these tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.cli import app
from sinosoviet_cli.model import Person
from sinosoviet_cli.text import names

_PAPER = """\
# 測試

一。[^1] 二。[^2] 三。[^3] 四。[^4] 五。[^5]

[^1]: 莫里斯‧邁斯納（Maurice Meisner）著，杜蒲譯，《毛澤東的中國及其後—中華人民共和國史》（香港：中文大學，2005），頁12。
[^2]: （美）費正清（John K. Fairbank）著，張理京譯，《美國與中國》（北京：世界知識出版社，1999），頁30。
[^3]: 參考Allen Whiting，〈中蘇分裂〉，收入羅德里克‧麥克法夸爾（Roderick MacFarquhar）、費正清（John K. Fairbank）主編，王建朗等譯，《劍橋中華人民共和國史1949-1965》（北京：中國社會科學出版社，2006），445-446。
[^4]: 邁斯納，《毛澤東的中國及其後》，頁40。
[^5]: Jerome Ch'en（陳志讓）著，《毛澤東與中國革命》（香港：虛構書店，1970），頁3。
"""

BIBER_CONF = Path(__file__).resolve().parent / "fixtures" / "resolve" / "biber-tool.conf"


@pytest.fixture
def parsed(runner: CliRunner, tmp_path: Path) -> Path:
    paper = tmp_path / "paper.md"
    paper.write_text(_PAPER, encoding="utf-8")
    out = tmp_path / "refs.bib"
    result = runner.invoke(app, ["parse", str(paper), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_annotation_round_trip() -> None:
    persons = (Person(family="MacFarquhar", given="Roderick", alt="羅德里克‧麥克法夸爾"),
               Person(literal="王建朗"),
               Person(literal="費正清", alt="John K. Fairbank"))
    value = names.alt_annotation(persons)
    assert value == '1="羅德里克‧麥克法夸爾"; 3="費正清"'
    assert names.parse_alt_annotation(value) == {1: "羅德里克‧麥克法夸爾", 3: "費正清"}
    # biber's tool mode writes the items back without quotes
    assert names.parse_alt_annotation("1=羅德里克‧麥克法夸爾;3=費正清") == {
        1: "羅德里克‧麥克法夸爾", 3: "費正清"}
    # a parenthesis that is not a name in the other script is no alternate form
    assert names.alt_annotation((Person(literal="楊奎松", alt="1953-"),)) == ""


def test_persons_of_attaches_the_alternate_forms() -> None:
    fields = {"editor": "MacFarquhar, Roderick and Fairbank, John K.",
              "editor+an:alt": '1="羅德里克‧麥克法夸爾"; 2="費正清"'}
    people = names.persons_of(fields, "editor")
    assert [(p.family, p.alt) for p in people] == [
        ("MacFarquhar", "羅德里克‧麥克法夸爾"), ("Fairbank", "費正清")]
    assert names.persons_of({"author": "{楊奎松}"}, "author") == (Person(literal="楊奎松"),)


def test_parse_keeps_both_forms(parsed: Path) -> None:
    works = {w.key: w for w in bibio.load(parsed).works}
    meisner = works["meisner2005maozedong"]
    assert (meisner.get("author"), meisner.get("author+an:alt")) == (
        "Meisner, Maurice", '1="莫里斯‧邁斯納"')
    fairbank = works["fairbank1999meiguo"]  # （美） is dropped, as CMOS does
    assert (fairbank.get("author"), fairbank.get("author+an:alt")) == (
        "Fairbank, John K.", '1="費正清"')
    volume = works["macfarquhar2006jianqiao"]
    assert volume.get("editor+an:alt") == '1="羅德里克‧麥克法夸爾"; 2="費正清"'
    assert "author+an:alt" not in works["whiting2006zhongsu"].fields
    chen = next(w for w in works.values() if "毛澤東與中國革命" in w.get("title"))
    assert (chen.get("author"), chen.get("author+an:alt")) == (
        "Ch'en, Jerome", '1="陳志讓"')  # the Latin form printed first
    text = parsed.read_text(encoding="utf-8")
    assert "  author         = {Meisner, Maurice},\n  author+an:alt  = {1=" in text


def test_the_papers_note_style_prints_both_forms(runner: CliRunner, parsed: Path) -> None:
    paper = parsed.parent / "paper.md"
    result = runner.invoke(app, ["notes", str(paper), "--bib", str(parsed),
                                 "--style", "zhengda-shicui"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. 莫里斯‧邁斯納（Maurice Meisner）著，杜蒲譯，《毛澤東的中國及其後")
    assert lines[1].startswith("2. 費正清（John K. Fairbank）著，張理京譯，《美國與中國》")
    assert ("收入羅德里克‧麥克法夸爾（Roderick MacFarquhar）、費正清（John K. Fairbank）主編，"
            in lines[2])
    # Chicago prints the field's Latin form only
    result = runner.invoke(app, ["export", "--bib", str(parsed)])
    assert "Meisner, Maurice." in result.stdout and "邁斯納" not in result.stdout


_DRAFT = """\
# 草稿

一。[^1] 二。[^2] 三。[^3]

[^1]: 莫里斯‧邁斯納著，杜蒲譯，《毛澤東的中國及其後》（香港：中文大學，2005），頁12。
[^2]: Maurice Meisner著，杜蒲譯，《毛澤東的中國及其後》（香港：中文大學，2005），頁20。
[^3]: 莫里斯‧邁期納著，杜蒲譯，《毛澤東的中國及其後》（香港：中文大學，2005），頁22。
"""


def test_check_matches_either_form(runner: CliRunner, parsed: Path) -> None:
    draft = parsed.parent / "draft.md"
    draft.write_text(_DRAFT, encoding="utf-8")
    result = runner.invoke(app, ["check", str(draft), "--bib", str(parsed), "--json",
                                 "--verbose"])
    data = json.loads(result.stdout)
    mismatch = [f for f in data["findings"] if f["rule"] == "author-mismatch"]
    # the CJK form is compared with the annotation: only the misprint (邁期納) differs
    assert [f["footnote"] for f in mismatch] == [3], mismatch
    assert "莫里斯‧邁斯納" in mismatch[0]["message"]
    matches = json.dumps(data, ensure_ascii=False)
    assert "meisner2005maozedong" in matches


def test_biber_and_pandoc_read_the_annotation(parsed: Path) -> None:
    biber = shutil.which("biber")
    if biber is None:
        pytest.skip("biber not installed (Debian package `biber`)")
    run = subprocess.run(
        [biber, "--tool", f"--configfile={BIBER_CONF}", "--validate-datamodel",
         "--output-resolve", "--output-file=out.bib", parsed.name],
        capture_output=True, text=True, timeout=300, cwd=parsed.parent)
    problems = [line for line in (run.stdout + run.stderr).splitlines()
                if line.startswith(("WARN", "ERROR"))]
    assert run.returncode == 0 and problems == [], "\n".join(problems)
    assert "AUTHOR+an:alt = {1=莫里斯‧邁斯納}" in (parsed.parent / "out.bib").read_text("utf-8")


def test_csl_json_carries_the_alternate_as_multi(parsed: Path) -> None:
    from sinosoviet_cli.drafts.csljson import items_to_works, works_to_csl_json

    works = bibio.load(parsed).works
    items = {i["id"]: i for i in works_to_csl_json(works)}
    assert items["meisner2005maozedong"]["author"] == [
        {"family": "Meisner", "given": "Maurice",
         "multi": {"_key": {"zh": {"literal": "莫里斯‧邁斯納"}}}}]
    back = {w.key: w for w in items_to_works(list(items.values()))}
    assert back["macfarquhar2006jianqiao"].get("editor+an:alt") == (
        '1="羅德里克‧麥克法夸爾"; 2="費正清"')
