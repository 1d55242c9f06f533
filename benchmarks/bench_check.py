"""Speed of ``sinosoviet check`` on a long generated draft.

Run alone: ``.venv/bin/python benchmarks/bench_check.py [N ...]`` (default 2000); the
lead's runner calls :func:`run`. For each N, generates a bibliography of N/4 works and a
Markdown and a LaTeX draft of N footnotes (hand-typed full, short and ibid citations in
Chinese and English, a few planted errors, key citations), then prints the wall time of
the whole ``sinosoviet check`` process (median of ``repeat`` runs) and the number of
findings, so that a regression in speed or in what is found shows at once; ``--digest``
adds a hash of the ``--json`` output (the draft's temporary path left out), to show that
a faster commit finds exactly what the one before found.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FAMILIES = ["Zagoria", "Schurmann", "Meisner", "Hinton", "Robinson", "Shambaugh", "Teiwes",
             "Westad", "Radchenko", "Gittings", "Brzezinski", "MacFarquhar", "Whiting"]
_GIVENS = ["Donald", "Franz", "Maurice", "Harold", "Thomas", "David", "Frederick", "Odd Arne",
           "Sergey", "John", "Zbigniew", "Roderick", "Allen"]
_CJK_NAMES = ["楊奎松", "沈志華", "牛軍", "李丹慧", "陳兼", "徐天新", "羅平漢", "陳永發", "關向光",
              "李越然", "吳冷西", "閻明復", "章百家", "牛大勇", "宮力"]
_WORDS = ["Soviet", "China", "Alliance", "Conflict", "Revolution", "Leap", "Crisis", "Strait",
          "Ideology", "Diplomacy", "Moscow", "Beijing", "Split", "Origins", "Politics", "Power"]
_CJK_WORDS = ["中蘇", "關係", "同盟", "破裂", "大躍進", "冷戰", "外交", "毛澤東", "莫斯科", "危機",
              "金門", "論戰", "檔案", "決策", "歷史", "研究"]
_PLACES = [("北京", "人民出版社"), ("香港", "三聯書店"), ("台北", "聯經"),
           ("上海", "上海人民出版社")]
_WEST_PLACES = [("New York", "Columbia University Press"),
                ("Stanford", "Stanford University Press"), ("Oxford", "Clarendon Press"),
                ("Princeton", "Princeton University Press")]


def make_bib(n: int, rng: random.Random) -> tuple[str, list[dict[str, str]]]:
    works = []
    for i in range(n):
        cjk = i % 2 == 0
        if cjk:
            title = "".join(rng.sample(_CJK_WORDS, 3)) + f"{i}"
            place, publisher = rng.choice(_PLACES)
            author = rng.choice(_CJK_NAMES)
        else:
            title = " ".join(rng.sample(_WORDS, 4)) + f" {i}"
            place, publisher = rng.choice(_WEST_PLACES)
            author = f"{rng.choice(_FAMILIES)}, {rng.choice(_GIVENS)}"
        works.append({"key": f"w{i}", "author": author, "title": title, "address": place,
                      "publisher": publisher, "year": str(1960 + i % 60),
                      "cjk": "1" if cjk else ""})
    text = "\n".join(
        f"@book{{{w['key']},\n  author = {{{_braced(w)}}},"
        f"\n  title = {{{w['title']}}},\n  address = {{{w['address']}}},\n"
        f"  publisher = {{{w['publisher']}}},\n  year = {{{w['year']}}},\n}}\n"
        for w in works)
    return text, works


def _braced(w: dict[str, str]) -> str:
    return "{" + w["author"] + "}" if w["cjk"] else w["author"]


def _full(w: dict[str, str], page: int, wrong_year: bool) -> str:
    year = str(int(w["year"]) + 1) if wrong_year else w["year"]
    if w["cjk"]:
        imprint = f"（{w['address']}：{w['publisher']}，{year}）"
        return f"{w['author']}，《{w['title']}》{imprint}，{page}。"
    family, given = w["author"].split(", ")
    return f"{given} {family}, {w['title']} ({w['address']}: {w['publisher']}, {year}), {page}."


def _short(w: dict[str, str], page: int) -> str:
    if w["cjk"]:
        return f"{w['author']}，《{w['title']}》，{page}。"
    return f"{w['author'].split(', ')[0]}, {w['title']}, {page}."


def make_notes(n: int, works: list[dict[str, str]], rng: random.Random,
               planted: dict[str, int] | None = None) -> list[str]:
    """Hand-typed notes; ``[KEY:x]`` stands for a key citation the format writes.
    ``planted`` counts the errors put in, by rule."""
    planted = planted if planted is not None else {}
    notes: list[str] = []
    cited: set[str] = set()
    for i in range(n):
        w = rng.choice(works)
        page = rng.randint(1, 500)
        roll = rng.random()
        if i and roll < 0.2:
            notes.append("同上，" + str(page) + "。" if rng.random() < 0.5 else f"Ibid., {page}.")
        elif roll < 0.4:
            missing = rng.random() >= 0.98
            notes.append(f"[KEY:{w['key']}]" if not missing else "[KEY:missing]")
            planted["unknown-key"] = planted.get("unknown-key", 0) + missing
            if not missing:
                cited.add(w["key"])
        elif roll < 0.65 and w["key"] in cited:
            notes.append(_short(w, page))
        else:
            wrong = rng.random() < 0.02
            notes.append(_full(w, page, wrong_year=wrong))
            planted["year-mismatch"] = planted.get("year-mismatch", 0) + wrong
            cited.add(w["key"])
    return notes


def markdown(notes: Sequence[str]) -> str:
    body = "".join(f"第{i}句。[^{i}]" + ("\n" if i % 10 == 0 else "")
                   for i in range(1, len(notes) + 1))
    defs = "\n".join(f"[^{i}]: " + note.replace("[KEY:", "[@").replace("]", "]")
                     for i, note in enumerate(notes, start=1))
    return body + "\n\n" + defs + "\n"


def latex(notes: Sequence[str]) -> str:
    parts = []
    for i, note in enumerate(notes, start=1):
        if note.startswith("[KEY:"):
            parts.append(f"第{i}句\\footcite[{i}]{{{note[5:-1]}}}。")
        else:
            parts.append(f"第{i}句\\footnote{{{note}}}。")
        if i % 5 == 0:
            parts.append("\n")
    return "\\documentclass{article}\n\\begin{document}\n" + "".join(parts) + "\n\\end{document}\n"


def _time(args: list[str], repeat: int) -> tuple[float, int, str]:
    times = []
    out = ""
    code = 0
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        out, code = proc.stdout, proc.returncode
        if code not in (0, 1):
            raise RuntimeError(proc.stderr)
    return statistics.median(times), code, out


def run(sizes: Sequence[int] = (2000,), repeat: int = 3, *, digest: bool = False
        ) -> dict[int, dict[str, float]]:
    """Time ``sinosoviet check --json`` on generated drafts; print and return the figures."""
    import json

    exe = [sys.executable, "-m", "sinosoviet_cli", "check"]
    results: dict[int, dict[str, float]] = {}
    for n in sizes:
        rng = random.Random(n)
        bib_text, works = make_bib(max(n // 4, 10), rng)
        planted: dict[str, int] = {}
        notes = make_notes(n, works, rng, planted)
        with tempfile.TemporaryDirectory() as tmp:
            bib = Path(tmp) / "refs.bib"
            bib.write_text(bib_text, encoding="utf-8")
            figures: dict[str, float] = {}
            for name, text in (("draft.md", markdown(notes)), ("draft.tex", latex(notes))):
                path = Path(tmp) / name
                path.write_text(text, encoding="utf-8")
                seconds, _code, out = _time([*exe, str(path), "--bib", str(bib), "--json"],
                                            repeat)
                found = json.loads(out)["findings"]
                rules: dict[str, int] = {}
                for f in found:
                    rules[f["rule"]] = rules.get(f["rule"], 0) + 1
                figures[name] = seconds
                hashed = hashlib.sha256(out.replace(str(path), name).encode()).hexdigest()
                print(f"check {name:9} {n:5} footnotes, {len(works):4} entries: "
                      f"{seconds:6.2f} s  findings {dict(sorted(rules.items()))}  "
                      f"planted {dict(sorted(planted.items()))}"
                      + (f"  digest {hashed[:16]}" if digest else ""))
            results[n] = figures
    return results


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    run([int(a) for a in args] or [2000], digest="--digest" in sys.argv)
