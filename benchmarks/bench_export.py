"""Export speed and agreement: sinosoviet (citeproc-py, patched) against pandoc's
citeproc on the same synthetic .bib and the same CSL file.

Run alone: ``.venv/bin/python benchmarks/bench_export.py [N ...]`` (default 1000 5000);
the lead's runner calls :func:`run`. Prints wall times (median of ``repeat`` runs,
whole processes: ``sinosoviet export`` and ``pandoc --citeproc``), the ratio, and the
share of entries whose letters and digits agree with pandoc's.
"""

from __future__ import annotations

import html
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

_FAMILIES = ["Zagoria", "Schurmann", "Meisner", "Hinton", "Robinson", "Shambaugh", "Teiwes",
             "Chan", "Westad", "Lüthi", "Radchenko", "Gittings", "Brzezinski", "MacFarquhar",
             "Whiting", "Goldstein", "Christensen", "Jersild", "Friedman", "Ó Buachalla"]
_GIVENS = ["Donald S.", "Franz", "Maurice", "Harold C.", "Thomas W.", "David", "Frederick C.",
           "Alfred L.", "Odd Arne", "Lorenz M.", "Sergey", "John", "Zbigniew", "Roderick",
           "Allen S.", "Steven M.", "Thomas J.", "Austin", "Jeremy", "Éamonn"]
_CJK_NAMES = ["楊奎松", "沈志華", "牛軍", "李丹慧", "陳兼", "徐天新", "羅平漢", "陳永發", "林碧炤",
              "李銳", "關向光", "李越然", "吳冷西", "閻明復", "章百家", "牛大勇", "朱丹", "宮力"]
_WORDS = ["Soviet", "China", "Alliance", "Conflict", "Revolution", "Leap", "Crisis", "Strait",
          "Ideology", "Diplomacy", "Mao", "Khrushchev", "Cold", "War", "Moscow", "Beijing",
          "Split", "Origins", "Politics", "Policy", "Power", "Socialist", "Camp", "Party"]
_CJK_WORDS = ["中蘇", "關係", "同盟", "破裂", "大躍進", "冷戰", "外交", "毛澤東", "莫斯科", "危機",
              "金門", "砲擊", "意識型態", "論戰", "檔案", "決策", "歷史", "研究", "國際", "共產"]
_PLACES = [("New York", "Columbia University Press"), ("Princeton", "Princeton University Press"),
           ("Stanford", "Stanford University Press"), ("Oxford", "Clarendon Press"),
           ("Cambridge, MA", "Harvard University Press")]
_CJK_PLACES = [("北京", "世界知識出版社"), ("香港", "三聯書店"), ("台北", "聯經"),
               ("上海", "上海遠東出版社"), ("北京", "北京大學出版社")]
_JOURNALS = ["China Quarterly", "Cold War History", "Foreign Affairs",
             "Journal of Cold War Studies"]
_CJK_JOURNALS = ["政大史粹", "中共黨史研究", "二十一世紀", "近代史研究"]


def synthetic_bib(n: int, seed: int = 1958) -> str:
    """``n`` BibTeX entries in the project's conventions: Western and Chinese books,
    articles, chapters with ``crossref`` volumes, translations, theses (deterministic)."""
    rng = random.Random(seed)
    out: list[str] = []
    volumes: list[str] = []
    for i in range(n):
        kind = rng.random()
        chinese = rng.random() < 0.45
        year = rng.randint(1955, 2012)
        key = f"w{i:05d}"

        def person(chinese: bool = chinese) -> str:
            if chinese:
                return "{" + rng.choice(_CJK_NAMES) + "}"
            return f"{rng.choice(_FAMILIES)}, {rng.choice(_GIVENS)}"

        def title(chinese: bool = chinese) -> str:
            if chinese:
                return "".join(rng.sample(_CJK_WORDS, rng.randint(2, 4))) + (
                    "：" + "".join(rng.sample(_CJK_WORDS, 2)) if rng.random() < 0.3 else "")
            words = rng.sample(_WORDS, rng.randint(2, 5))
            main = " ".join(words)
            return main + (": " + " ".join(rng.sample(_WORDS, 3)) if rng.random() < 0.3 else "")

        place, publisher = rng.choice(_CJK_PLACES if chinese else _PLACES)
        lang = "chinese" if chinese else "english"
        authors = " and ".join(person() for _ in range(rng.choice([1, 1, 1, 2, 3])))
        if kind < 0.4 or (kind < 0.55 and not volumes):
            fields = {"author": authors, "title": title(), "address": place,
                      "publisher": publisher, "year": str(year)}
            if chinese and rng.random() < 0.25:
                fields["author"] = f"{rng.choice(_FAMILIES)}, {rng.choice(_GIVENS)}"
                fields["translator"] = person()
            etype = "book"
        elif kind < 0.55:
            fields = {"author": authors, "title": title(), "crossref": rng.choice(volumes),
                      "pages": f"{(p := rng.randint(1, 400))}--{p + rng.randint(5, 40)}"}
            etype = "incollection"
        elif kind < 0.63:
            fields = {"editor": authors, "title": title(), "address": place,
                      "publisher": publisher, "year": str(year)}
            etype = "collection"
            volumes.append(key)
        elif kind < 0.93:
            fields = {"author": authors, "title": title(),
                      "journal": rng.choice(_CJK_JOURNALS if chinese else _JOURNALS),
                      "volume": str(rng.randint(1, 60)), "number": str(rng.randint(1, 4)),
                      "pages": f"{(p := rng.randint(1, 900))}--{p + rng.randint(5, 30)}",
                      "year": str(year)}
            etype = "article"
        else:
            fields = {"author": person(), "title": title(),
                      "school": "國立政治大學" if chinese else "Harvard University",
                      "address": "台北" if chinese else "Cambridge, MA", "year": str(year)}
            etype = "phdthesis"
        fields["langid"] = lang
        body = "".join(f"  {k} = {{{v}}},\n" for k, v in fields.items())
        out.append(f"@{etype}{{{key},\n{body}}}\n")
    # Volumes are defined after the chapters that cite them, as biber allows.
    return "\n".join(out)


def letters(text: str) -> str:
    """Letters and digits only, in order, case folded: the oracle comparison key. Case
    is left out because title case is where we follow CMOS over the CSL spec that
    pandoc follows (prepositions of any length lower case: "China under Threat")."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold()
                   if ch.isalnum())


class _Entries(HTMLParser):
    """Pandoc's HTML bibliography: ``<div id="ref-KEY" class="csl-entry">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: dict[str, str] = {}
        self._key: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if self._key is not None:
            self._depth += tag == "div"
        elif tag == "div" and "csl-entry" in (a.get("class") or ""):
            self._key = (a.get("id") or "")[len("ref-"):]
            self._depth = 1
            self.entries[self._key] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._key is not None and tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._key = None

    def handle_data(self, data: str) -> None:
        if self._key is not None:
            self.entries[self._key] += data


def pandoc_path() -> str:
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def pandoc_entries(bib: Path, csl: Path) -> dict[str, str]:
    """Pandoc's bibliography of every entry in ``bib``: key -> plain text."""
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "nocite.md"
        doc.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
        proc = subprocess.run(
            [pandoc_path(), str(doc), "--citeproc", "--bibliography", str(bib), "--csl", str(csl),
             "-t", "html", "--wrap=none"], capture_output=True, text=True, check=True)
    parser = _Entries()
    parser.feed(proc.stdout)
    return {k: re.sub(r"\s+", " ", v).strip() for k, v in parser.entries.items()}


def our_entries(bib: Path, style: str) -> dict[str, str]:
    from sinosoviet_cli.bibtex import bibio
    from sinosoviet_cli.csl import render

    works = bibio.load(bib).works
    return {e.key: html.unescape(re.sub(r"<[^>]+>", "", e.text))
            for e in render.bibliography(works, style=style, fmt="html")}


def agreement(ours: dict[str, str], theirs: dict[str, str]) -> tuple[float, list[str]]:
    """Share of our entries whose letters and digits equal pandoc's, and the keys that
    differ."""
    differ = [k for k, v in ours.items() if not same_entry(v, theirs.get(k, ""))]
    return (1 - len(differ) / len(ours) if ours else 1.0), differ


def same_entry(a: str, b: str) -> bool:
    """Same letters and digits in the same order. An entry whose names are replaced by
    the repeated-author dash (``———``) matches the other's if the rest agrees: the two
    processors file works in different orders, so their dashes fall differently."""
    la, lb = letters(a), letters(b)
    if la == lb:
        return True
    if a.startswith("———") and not b.startswith("———"):
        return bool(la) and lb.endswith(la)
    if b.startswith("———") and not a.startswith("———"):
        return bool(lb) and la.endswith(lb)
    return False


def _time(cmd: Sequence[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(sizes: Sequence[int] = (1000, 5000), style: str = "chicago-notes-bibliography",
        repeat: int = 3, quiet: bool = False) -> list[dict[str, Any]]:
    """Time ``sinosoviet export`` and pandoc on synthetic bibliographies; returns one
    record per size (``entries``, ``ours_s``, ``pandoc_s``, ``ratio``, ``agree``)."""
    from sinosoviet_cli.csl import render

    csl = render.style_path(style)
    exe = str(Path(sys.executable).with_name("sinosoviet"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "nocite.md"
        doc.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
        for n in sizes:
            bib = Path(tmp) / f"synthetic-{n}.bib"
            bib.write_text(synthetic_bib(n), encoding="utf-8")
            # --no-cache: every run renders (the cache's own rows are run_cache's).
            ours = _time([exe, "export", "--bib", str(bib), "--style", style, "--no-cache"],
                         repeat)
            theirs = _time([pandoc_path(), str(doc), "--citeproc", "--bibliography", str(bib),
                            "--csl", str(csl), "-t", "plain"], repeat)
            share, _ = agreement(our_entries(bib, style), pandoc_entries(bib, csl))
            record = {"entries": n, "ours_s": round(ours, 3), "pandoc_s": round(theirs, 3),
                      "ratio": round(ours / theirs, 2), "agree": round(share, 4)}
            results.append(record)
            if not quiet:
                print(f"export {n:>5} entries: sinosoviet {ours:6.2f} s, pandoc {theirs:5.2f} s, "
                      f"ratio {ours / theirs:4.2f}x, same letters+digits {share:6.1%}",
                      flush=True)
    return results


def _peak_kb(cmd: Sequence[str], env: dict[str, str]) -> int:
    """Peak resident memory of one whole process, in KB (its own rusage: ``wait4``)."""
    import os

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return int(usage.ru_maxrss)


def run_cache(sizes: Sequence[int] = (100, 1000), style: str = "chicago-notes-bibliography",
              repeat: int = 5, quiet: bool = False) -> list[dict[str, Any]]:
    """Export with the caches, whole processes, medians of ``repeat``: cold (no cached
    entry, pack or parsed .bib), warm (all cached), 1% of entries edited (the .bib
    parsed afresh, 99% of entries from the cache), against pandoc on the same .bib and
    CSL file, run in turn. The sort's reading table (built once per installation) is
    built before timing."""
    import os
    import shutil

    csl = render_style(style)
    exe = str(Path(sys.executable).with_name("sinosoviet"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "xdg")}
        cached = Path(tmp) / "xdg" / "sinosoviet"

        def clear() -> None:  # cold: no rendered entry, no pack, no parsed .bib
            for name in ("entries", "packs", "parsed"):
                shutil.rmtree(cached / name, ignore_errors=True)

        doc = Path(tmp) / "nocite.md"
        doc.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
        for n in sizes:
            bib = Path(tmp) / f"synthetic-{n}.bib"
            text = synthetic_bib(n)
            bib.write_text(text, encoding="utf-8")
            cmd = [exe, "export", "--bib", str(bib), "--style", style]
            subprocess.run(cmd, check=True, capture_output=True, env=env)  # reading table
            pandoc_cmd = [pandoc_path(), str(doc), "--citeproc", "--bibliography", str(bib),
                          "--csl", str(csl), "-t", "plain"]
            times: dict[str, list[float]] = {"cold": [], "warm": [], "edited": [],
                                             "pandoc": []}
            for i in range(repeat):  # in turn, so that a change of load hits all alike
                clear()
                times["cold"].append(_timed(cmd, env))
                times["pandoc"].append(_timed(pandoc_cmd, env))
                times["warm"].append(_timed(cmd, env))
                edited = _edit(text, max(1, n // 100), seed=i)
                bib.write_text(edited, encoding="utf-8")
                times["edited"].append(_timed(cmd, env))
                bib.write_text(text, encoding="utf-8")
                subprocess.run(cmd, check=True, capture_output=True, env=env)
            pandoc_times = times.pop("pandoc")
            pandoc = statistics.median(pandoc_times)
            clear()
            record: dict[str, Any] = {"entries": n, "pandoc_s": round(pandoc, 3)}
            for mode, values in times.items():
                record[f"{mode}_s"] = round(statistics.median(values), 3)
                # the median of the ratios of runs made in turn: drift in load cancels
                record[f"{mode}_ratio"] = round(statistics.median(
                    v / p for v, p in zip(values, pandoc_times, strict=True)), 2)
            record["peak_kb"] = _peak_kb(cmd, env)  # cold: the largest
            record["pandoc_peak_kb"] = _peak_kb(pandoc_cmd, env)
            results.append(record)
            if not quiet:
                print(json.dumps(record), flush=True)
    return results


def render_style(style: str) -> Path:
    from sinosoviet_cli.csl import render

    return render.style_path(style)


def _timed(cmd: Sequence[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - start


def _edit(bib: str, count: int, seed: int) -> str:
    """``bib`` with the year of ``count`` entries changed (1% edited)."""
    rng = random.Random(seed)
    chunks = bib.split("\n@")
    for i in rng.sample(range(1, len(chunks)), min(count, len(chunks) - 1)):
        chunks[i] = re.sub(r"(title\s*=\s*\{)", r"\1Revised ", chunks[i], count=1)
    return "\n@".join(chunks)


if __name__ == "__main__":
    if sys.argv[1:2] == ["cache"]:
        run_cache([int(a) for a in sys.argv[2:]] or (100, 1000))
    else:
        run([int(a) for a in sys.argv[1:]] or (1000, 5000))
