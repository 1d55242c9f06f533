"""Speed of ``parse`` on generated papers: does it grow linearly with the notes?

Run alone: ``.venv/bin/python benchmarks/bench_parse.py [N ...]`` (default 100 1000).
For each N it writes a fresh paper of N footnotes in the journal layout ``parse`` reads
from an extracted PDF (running headers with page numbers, numbered section headings,
body paragraphs whose sentences close with footnote markers, a separator line, wrapped
note blocks) and times the in-process pipeline (``read_paper`` + ``parse_paper`` +
``dumps``; median of ``repeat`` runs after a warm-up, so the ratio measures growth and
not start-up), once with the bundled debate model and once with a model that gives the
sections schools (the body is then searched for the works' authors).

Everything is synthetic: the notes mix Chinese and English full citations (books,
articles, chapters of shared edited volumes, other editions), short forms, 同上,
Ibid., 前引書, 同註N and several citations in one note; the body sentences name the
cited authors with the debate's cue words. :func:`paper` is deterministic (a seed), so
the output of a run is comparable before and after a change: ``--digest`` prints a hash
of the BibTeX and links each size gives.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_ZH_AUTHORS = ["楊奎松", "沈志華", "牛軍", "李丹慧", "陳兼", "徐天新", "羅平漢", "陳永發", "關向光",
               "李越然", "吳冷西", "閻明復", "張盛發", "牛大勇", "宮力", "戴超武", "楊尚昆", "師哲"]
_ZH_WORDS = ["中蘇", "關係", "同盟", "破裂", "大躍進", "冷戰", "外交", "毛澤東", "莫斯科", "危機",
             "金門", "論戰", "檔案", "決策", "歷史", "研究", "赫魯雪夫", "人民公社", "砲擊", "分歧"]
_ZH_SUBS = ["兼論中蘇關係", "一九五八年的抉擇", "新檔案的解讀", "從結盟到對抗", "回憶與反思"]
_ZH_PLACES = [("北京", "人民出版社"), ("香港", "三聯書店"), ("台北", "聯經出版事業公司"),
              ("上海", "上海人民出版社"), ("北京", "中央文獻出版社"), ("南昌", "江西人民出版社")]
_ZH_JOURNALS = ["中共黨史研究", "當代中國史研究", "歷史研究", "近代史研究", "二十一世紀"]
_EN_AUTHORS = [("Donald S.", "Zagoria"), ("Franz", "Schurmann"), ("Maurice", "Meisner"),
               ("Harold C.", "Hinton"), ("Thomas W.", "Robinson"), ("David", "Shambaugh"),
               ("Frederick C.", "Teiwes"), ("Odd Arne", "Westad"), ("Sergey", "Radchenko"),
               ("John", "Gittings"), ("Lorenz M.", "Lüthi"), ("Roderick", "MacFarquhar"),
               ("Allen S.", "Whiting"), ("Chen", "Jian"), ("Melvin", "Gurtov")]
_EN_WORDS = ["Soviet", "China", "Alliance", "Conflict", "Revolution", "Leap", "Crisis",
             "Strait", "Ideology", "Diplomacy", "Moscow", "Beijing", "Split", "Origins",
             "Politics", "Power", "Mao", "Khrushchev", "Brothers", "Arms", "Cold", "War"]
_EN_SUBS = ["The Sino-Soviet Alliance", "Documents and Analysis", "A Reinterpretation",
            "Cold War in the Communist World", "Theory and Practice"]
_EN_PLACES = [("New York", "Columbia University Press"), ("Stanford", "Stanford University Press"),
              ("Oxford", "Clarendon Press"), ("Princeton", "Princeton University Press"),
              ("Washington, D.C.", "Woodrow Wilson Center Press")]
_EN_JOURNALS = ["China Quarterly", "Cold War History", "Journal of Cold War Studies",
                "Diplomatic History", "Modern China"]
_CLAIMS = ["{who}認為，{topic}的根源在於意識形態的分歧，雙方在發展模式上互不相讓。",
           "{who}指出，金門砲擊使中蘇在和平共處問題上公開分歧。",
           "{who}強調毛澤東的認知與個人期待，並引用新檔案說明決策的過程。",
           "依據{who}的研究，{topic}與國內政治的變化密切相關。",
           "{who}的看法是，{topic}並不是一次偶然的事件。",
           "關於{topic}的經過，可參考{who}的著作。",
           "{who} argues that the polemic over revisionism was at the core of the split.",
           "{who} stresses Mao's perception of Soviet intentions after the Taiwan Strait crisis.",
           "{who} describes the negotiations over {topic} in some detail."]
_HEADINGS = ["前言", "意識型態衝突論", "金門事件分歧說", "毛澤東認知論", "新檔案與新解釋",
             "大躍進的國際背景", "赫魯雪夫的回應", "人民公社與蘇聯模式", "文獻的再檢討", "結論"]
_SECTIONS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


@dataclass(frozen=True)
class _Work:
    zh: bool
    author: str  # 楊奎松 | Westad, Odd Arne
    title: str
    sub: str
    place: str
    publisher: str
    year: int
    journal: str = ""  # an article
    volume: tuple[str, str] | None = None  # a chapter: (editor, volume title)


def _works(n: int, rng: random.Random) -> list[_Work]:
    works: list[_Work] = []
    volumes = [(rng.choice(_ZH_AUTHORS), "".join(rng.sample(_ZH_WORDS, 3)) + "論集")
               for _ in range(max(n // 40, 2))]
    for i in range(n):
        zh = rng.random() < 0.55
        year = 1958 + rng.randint(0, 60)
        kind = rng.random()
        if zh:
            place, publisher = rng.choice(_ZH_PLACES)
            title = "".join(rng.sample(_ZH_WORDS, rng.randint(2, 4))) + _ZH_WORDS[i % 20]
            sub = rng.choice(_ZH_SUBS) if rng.random() < 0.3 else ""
            author = rng.choice(_ZH_AUTHORS)
            journal = rng.choice(_ZH_JOURNALS) if 0.6 <= kind < 0.8 else ""
            volume = rng.choice(volumes) if kind >= 0.9 else None
        else:
            place, publisher = rng.choice(_EN_PLACES)
            title = " ".join(rng.sample(_EN_WORDS, rng.randint(2, 4))) + f" {1900 + i % 100}"
            sub = rng.choice(_EN_SUBS) if rng.random() < 0.3 else ""
            given, family = rng.choice(_EN_AUTHORS)
            author = f"{family}, {given}"
            journal = rng.choice(_EN_JOURNALS) if kind >= 0.75 else ""
            volume = None
        works.append(_Work(zh, author, title, sub, place, publisher, year, journal, volume))
    return works


def _full(w: _Work, page: int, rng: random.Random) -> str:
    if w.zh:
        title = f"{w.title}：{w.sub}" if w.sub else w.title
        if w.volume:
            editor, book = w.volume
            return (f"{w.author}，〈{title}〉，收入{editor}主編，《{book}》"
                    f"（{w.place}：{w.publisher}，{w.year}），頁{page}。")
        if w.journal:
            issue = rng.randint(1, 6)
            return f"{w.author}，〈{title}〉，《{w.journal}》，{w.year}年第{issue}期，頁{page}。"
        return f"{w.author}，《{title}》（{w.place}：{w.publisher}，{w.year}），頁{page}。"
    family, given = w.author.split(", ")
    title = f"{w.title}: {w.sub}" if w.sub else w.title
    if w.journal:
        return (f"{given} {family}, “{title},” {w.journal} {rng.randint(1, 200)} "
                f"({w.year}): {page}.")
    return f"{given} {family}, {title} ({w.place}: {w.publisher}, {w.year}), {page}."


def _short(w: _Work, page: int) -> str:
    if w.zh:
        marks = "〈〉" if w.journal or w.volume else "《》"
        return f"{w.author}，{marks[0]}{w.title}{marks[1]}，頁{page}。"
    title = f"“{w.title}”" if w.journal else w.title
    return f"{w.author.split(', ')[0]}, {title}, {page}."


def _commentary(rng: random.Random) -> str:
    return rng.choice(["此說另見下文的討論。", "相關的爭論，詳見第三節。",
                       "See also the discussion below.", "引文略有刪節。"])


def notes(n: int, works: Sequence[_Work], rng: random.Random) -> list[str]:
    """``n`` notes: about 45% full citations (some a later edition or a second full
    citation), 25% short forms, 20% 同上/Ibid., the rest 前引書, 同註N, two citations or
    commentary with a citation."""
    cited: list[int] = []
    out: list[str] = []
    for i in range(1, n + 1):
        page = rng.randint(1, 600)
        roll = rng.random()
        fresh = rng.randrange(len(works))
        again = rng.choice(cited) if cited else fresh
        if roll < 0.45 or not cited:
            out.append(_full(works[fresh], page, rng))
            cited.append(fresh)
        elif roll < 0.70:
            out.append(_short(works[again], page))
        elif roll < 0.80:
            out.append(f"同上，頁{page}。" if works[again].zh else f"Ibid., {page}.")
        elif roll < 0.90:
            out.append("Ibid." if rng.random() < 0.3 else "同上。")
        elif roll < 0.93:
            out.append(f"同註{rng.randint(max(1, i - 30), max(1, i - 1))}。" if i > 1 else "同上。")
        elif roll < 0.95 and works[again].zh:
            out.append(f"{works[again].author}，前引書，頁{page}。")
        elif roll < 0.98:
            other = rng.randrange(len(works))
            out.append(_full(works[fresh], page, rng)[:-1] + "；" + _full(works[other], page, rng))
            cited += [fresh, other]
        else:
            out.append(_commentary(rng) + _full(works[fresh], page, rng))
            cited.append(fresh)
    return out


def wrap_lines(text: str, width: int) -> list[str]:
    """Lines of about ``width`` characters, cut where the paper's line joiner puts the
    text back unchanged: at a space, or between two CJK characters."""
    from sinosoviet_cli.text.normalize import is_cjk

    lines: list[str] = []
    while len(text) > width:
        cut = next((i for i in range(width, max(width // 2, 1), -1)
                    if text[i] == " " or (is_cjk(text[i - 1]) and is_cjk(text[i]))), -1)
        if cut < 0:
            cut = text.find(" ", width)
            if cut < 0:
                break
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    lines.append(text)
    return lines


def _who(note: str, works: Sequence[_Work]) -> str:
    for w in works:
        name = w.author if w.zh else w.author.split(", ")[0]
        if note.startswith(name) or f" {name}," in note[:40]:
            return name
    return ""


def paper(n: int, seed: int | None = None) -> str:
    """A paper of ``n`` footnotes in the journal layout (deterministic for a seed)."""
    rng = random.Random(n if seed is None else seed)
    works = _works(max(n // 3, 10), rng)
    texts = notes(n, works, rng)
    out: list[str] = []

    def emit(line: str) -> None:  # the extracted-PDF layout: a blank line after each line
        out.append(line + " \n\n")

    per_section = -(-n // len(_SECTIONS))
    section = -1
    for first in range(1, n + 1, 4):
        page = (first - 1) // 4 + 1
        emit(f"．{page}．中蘇關係研究 第十五期" if page % 2 == 0
             else f"大躍進與中蘇關係 ．{page}．")
        block = range(first, min(first + 4, n + 1))
        if (first - 1) // per_section != section:
            section = (first - 1) // per_section
            emit(f"{_SECTIONS[section]}、 {_HEADINGS[section]}")
        body = ""
        for k in block:
            who = _who(texts[k - 1], works) or rng.choice(_ZH_AUTHORS)
            topic = "".join(rng.sample(_ZH_WORDS, 2))
            body += rng.choice(_CLAIMS).format(who=who, topic=topic) + str(k)
            body += " " if body[-2] in ".?" else ""
        for i, line in enumerate(wrap_lines(body.strip(), 26)):
            emit(("  " if i == 0 else "") + line)
        emit(" " * 54)
        for k in block:
            for i, line in enumerate(wrap_lines(texts[k - 1], 38)):
                emit(f"  {k} {line}" if i == 0 else line)
    return "".join(out)


_SECTIONED = """extends = "schools.toml"
[sections]
"二" = "ideology"
"三" = "kinmen"
"四" = "mao-cognition"
"""


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(sizes: Sequence[int] = (100, 1000), repeat: int = 5, *, digest: bool = False
        ) -> dict[str, dict[int, float]]:
    """Median seconds of the in-process parse, by model and size; printed with the
    growth ratio of each size to the first (linear: the ratio of the note counts)."""
    from sinosoviet_cli import pipeline as flow
    from sinosoviet_cli.bibtex import bibio

    results: dict[str, dict[int, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        model_path = Path(tmp) / "sectioned.toml"
        model_path.write_text(_SECTIONED, encoding="utf-8")
        models = {"debate": flow.debate_model(None),
                  "sectioned": flow.load_schools(model_path)}
        for name, model in models.items():
            results[name] = {}
            for n in sizes:
                path = Path(tmp) / f"paper{n}.txt"
                path.write_text(paper(n), encoding="utf-8")

                def once(path: Path = path, model: flow.SchoolModel = model) -> str:
                    bib, _ = flow.parse_paper(flow.read_paper(path), schools=model)
                    return bibio.dumps(bib.works) + "\n".join(map(repr, bib.links))

                out = once()  # warm-up: tables load once per process
                results[name][n] = _median(once, repeat)
                base = results[name][sizes[0]]
                print(f"parse {name:9} {n:6} notes: {results[name][n]:7.3f} s  "
                      f"{results[name][n] / base:5.1f}x the {sizes[0]}-note paper"
                      + (f"  digest {hashlib.sha256(out.encode()).hexdigest()[:16]}"
                         if digest else ""))
    return results


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    run([int(a) for a in args] or [100, 1000], digest="--digest" in sys.argv)
