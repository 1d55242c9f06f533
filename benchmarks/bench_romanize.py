"""Romanise 1,000 titles in a fresh interpreter; the budget is 2 s including start-up.
Run: python benchmarks/bench_romanize.py"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODE = """
from sinosoviet_cli.romanize import romanize_title
heads = ["中蘇關係", "大躍進", "人民公社", "抗美援朝", "文化大革命", "中美關係", "冷戰",
         "毛澤東", "周恩來", "赫魯曉夫", "廬山會議", "土地改革", "知識分子", "金門炮戰",
         "農業合作化", "重慶談判", "西安事變", "長征", "延安整風", "國共關係", "珍寶島事件"]
mids = ["與", "和", "時期的", "對", "中的", "以來的", "視野下的"]
tails = ["史綱", "研究", "起源", "中國外交", "新探", "演變", "再認識", "檔案選編",
         "回憶錄", "社會變遷", "決策過程", "國際環境", "意識形態"]
titles = [f"{heads[n % 21]}{mids[n // 21 % 7]}{tails[n // 147 % 13]}（{1949 + n % 40}）"
          for n in range(1000)]
for t in titles:
    romanize_title(t)
"""


def _bib(path: Path) -> None:
    """1,000 Chinese books (the titles of CODE) with authors, publishers and places."""
    namespace: dict[str, object] = {}
    exec(CODE.split("for t in titles")[0].replace(
        "from sinosoviet_cli.romanize import romanize_title", ""), namespace)
    titles = namespace["titles"]
    assert isinstance(titles, list)
    people = ["楊奎松", "沈志華", "牛軍", "歐陽修", "單少傑", "曾國藩"]
    path.write_text("".join(
        f"@book{{k{n},\n  author = {{{{{people[n % 6]}}}}},\n  title = {{{t}}},\n"
        f"  publisher = {{人民出版社}},\n  address = {{北京}},\n  year = {{1999}},\n}}\n\n"
        for n, t in enumerate(titles)), "utf-8")


def main() -> None:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CODE], check=True)
    elapsed = time.perf_counter() - start
    print(f"1,000 titles incl. start-up: {elapsed:.2f} s (budget 2 s)")
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "thousand.bib"
        _bib(bib)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sinosoviet_cli", "romanize", "--bib", str(bib),
                        "--json"], check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        print(f"`sinosoviet romanize --json` on 1,000 works (4,000 values), whole process: "
              f"{elapsed:.2f} s (budget 2 s)")


if __name__ == "__main__":
    main()
