"""The indexes of ``parse`` change speed, never results. Resolution: on random papers (full citations
in Chinese and English, subtitles dropped and kept, other editions, chapters in shared
volumes, short forms, 前引書, 同上, Ibid., 同註N) the indexed resolution gives the same
Bibliography as the brute-force reference that compares each citation with every
earlier work. School tagging: the same tags with the body's sentence index as with a
full search of every section for every work."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli import pipeline
from sinosoviet_cli.grammar import segment
from sinosoviet_cli.link import resolve as rs
from sinosoviet_cli.model import Bibliography, Footnote, Marker, Paper, Paragraph
from sinosoviet_cli.schools.tag import tag_works
from sinosoviet_cli.schools.works import Tag

_ZH = [("楊奎松", "走向破裂", "毛澤東與莫斯科的恩恩怨怨"), ("沈志華", "思考與選擇", "從知識分子會議到反右派運動"),
       ("牛軍", "冷戰與新中國外交的緣起", ""), ("李丹慧", "北京與莫斯科", "從聯盟走向對抗"),
       ("楊奎松", "毛澤東與莫斯科的恩恩怨怨", ""), ("沈志華", "走向破裂", "")]
_EN = [("Donald S.", "Zagoria", "The Sino-Soviet Conflict", "1956-1961"),
       ("Lorenz M.", "Lüthi", "The Sino-Soviet Split", "Cold War in the Communist World"),
       ("Odd Arne", "Westad", "Brothers in Arms", "The Rise and Fall of the Sino-Soviet Alliance"),
       ("Harold C.", "Hinton", "The Sino-Soviet Split", ""),
       ("Thomas W.", "Robinson", "Chinese Foreign Policy", "Theory and Practice")]
_PLACES = [("北京", "人民出版社"), ("香港", "三聯書店"), ("台北", "東大圖書公司")]
_EN_PLACES = [("Princeton", "Princeton University Press"), ("Oxford", "Clarendon Press")]
_VOLUMES = [("楊奎松", "冷戰時期的中國對外關係"), ("章百家", "中蘇關係史綱")]
_CHAPTERS = [("陳兼", "革命與危機的年代"), ("牛大勇", "中蘇同盟的破裂"), ("宮力", "毛澤東與中蘇論戰")]


def _zh_full(r: random.Random) -> str:
    author, title, sub = r.choice(_ZH)
    shown = f"{title}：{sub}" if sub and r.random() < 0.6 else title
    place, publisher = r.choice(_PLACES)
    return f"{author}，《{shown}》（{place}：{publisher}，{r.choice([1999, 1999, 2003])}），頁{r.randint(1, 400)}"


def _en_full(r: random.Random) -> str:
    given, family, title, sub = r.choice(_EN)
    shown = f"{title}: {sub}" if sub and r.random() < 0.6 else title
    place, publisher = r.choice(_EN_PLACES)
    return (f"{given} {family}, {shown} ({place}: {publisher}, {r.choice([1962, 1962, 2008])}), "
            f"{r.randint(1, 400)}")


def _chapter(r: random.Random) -> str:
    author, title = r.choice(_CHAPTERS)
    editor, volume = r.choice(_VOLUMES)
    return (f"{author}，〈{title}〉，收入{editor}主編，《{volume}》（北京：北京大學出版社，2006），"
            f"頁{r.randint(1, 300)}")


def _short(r: random.Random) -> str:
    cut = r.random() < 0.3  # the start of a title (冷戰與新中國, Chinese Foreign)
    if r.random() < 0.5:
        author, title, _ = r.choice(_ZH)
        return f"{author}，《{title[:6] if cut else title}》，頁{r.randint(1, 400)}"
    _, family, title, _ = r.choice(_EN)
    title = title.removeprefix("The ")
    return f"{family}, {' '.join(title.split()[:2]) if cut else title}, {r.randint(1, 400)}"


def _backref(r: random.Random, n: int) -> str:
    roll = r.random()
    if roll < 0.35:
        return f"同上，頁{r.randint(1, 400)}"
    if roll < 0.6:
        return f"Ibid., {r.randint(1, 400)}"
    if roll < 0.8 and n > 1:
        return f"同註{r.randint(1, n - 1)}"
    author = r.choice(_ZH)[0]
    return f"{author}，前引書，頁{r.randint(1, 400)}"


def random_notes(seed: int, count: int) -> list[tuple[int, str]]:
    """``count`` numbered notes of one or two citations each, reproducible from ``seed``."""
    r = random.Random(seed)
    makers = [_zh_full, _en_full, _chapter, _short]
    notes = []
    for n in range(1, count + 1):
        parts = []
        for _ in range(1 if r.random() < 0.8 else 2):
            parts.append(_backref(r, n) if r.random() < 0.25 else r.choice(makers)(r))
        notes.append((n, "；".join(parts) + "。"))
    return notes


def both(notes: list[tuple[int, str]]) -> tuple[Bibliography, Bibliography]:
    segmented = [(n, segment(text)) for n, text in notes]
    return (rs.resolve(segmented), rs.resolve(segmented, brute=True))


def _plain(bib: Bibliography) -> tuple[object, ...]:
    return (tuple((w.key, w.entry_type, dict(w.fields)) for w in bib.works), bib.links,
            bib.unparsed)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 60))
def test_index_gives_the_brute_force_bibliography(seed: int, count: int) -> None:
    indexed, brute = both(random_notes(seed, count))
    assert _plain(indexed) == _plain(brute)


def test_a_long_random_paper_exercises_every_path() -> None:
    """One long paper: the same result, and it did merge, link short forms and ibids,
    and make volumes (so the property above is not vacuous)."""
    indexed, brute = both(random_notes(7, 400))
    assert _plain(indexed) == _plain(brute)
    forms = {str(link.form) for link in indexed.links if link.key}
    assert {"full", "short", "ibid"} <= forms
    fulls = sum(1 for link in indexed.links if str(link.form) == "full")
    assert len(indexed.works) < fulls  # works cited in full twice were merged
    assert any(w.entry_type == "collection" for w in indexed.works)
    assert any(w.get("crossref") for w in indexed.works)
    assert any(link.problem for link in indexed.links)  # ambiguous ones stay unresolved


# ── school tagging: the body's pair index against a full search ─────────────

_BODY = ["{who}認為，中蘇分歧源於意識形態與發展模式之爭。", "{who}指出，金門砲擊破壞了和平共處。",
         "{who}強調毛澤東的認知與個人期待。", "{who}並不支持此說。", "關於這段經過，可參考{who}的研究。",
         "{who} argues that the polemic was at the core of the split.",
         "{who} stresses Mao's perception of the Taiwan Strait crisis.", "這一點仍有爭議。"]
_WHO = ["楊奎松", "沈志華", "牛軍", "李丹慧", "陳兼", "Zagoria", "Lüthi", "Westad", "Hinton",
        "Robinson", "邁斯納", "Meisner", "舒曼"]
_SECTION_NUMBERS = ["一", "二", "三", "四", "五"]


def random_paper(seed: int, count: int) -> Paper:
    """A paper of ``count`` notes (``random_notes``) whose body sentences, spread over
    five sections, close with the notes' markers and name the debate's scholars."""
    r = random.Random(seed)
    footnotes, markers, paragraphs = [], [], []
    for n, text in random_notes(seed, count):
        section = _SECTION_NUMBERS[(n - 1) * len(_SECTION_NUMBERS) // count]
        sentence = r.choice(_BODY).format(who=r.choice(_WHO))
        extra = r.choice(_BODY).format(who=r.choice(_WHO))
        footnotes.append(Footnote(n, text, section=section))
        markers.append(Marker(n, sentence, section))
        paragraphs.append(Paragraph(extra + sentence, section))
    return Paper(tuple(footnotes), tuple(paragraphs), tuple(markers))


def _tags_both(paper: Paper) -> tuple[dict[str, Tag], dict[str, Tag]]:
    rules = pipeline.load_schools(pipeline.bundled_data("models/wang-2008-zhengda.toml"))
    bib = rs.build(paper)
    return (tag_works(paper, bib.works, bib.links, rules),
            tag_works(paper, bib.works, bib.links, rules, indexed=False))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 60))
def test_tagging_index_gives_the_full_search_tags(seed: int, count: int) -> None:
    indexed, full = _tags_both(random_paper(seed, count))
    assert indexed == full


def test_a_long_random_paper_is_tagged_by_its_body() -> None:
    """The same tags, and the body decided some of them (proponent, marker, negation
    rules fired), so the property above is not vacuous."""
    indexed, full = _tags_both(random_paper(11, 300))
    assert indexed == full
    rules = {t.rule for t in indexed.values()}
    assert {"marker", "proponent"} & rules
    assert any("negated" in other for t in indexed.values() for other in t.others)
