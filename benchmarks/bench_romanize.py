"""Romanise 1,000 titles in a fresh interpreter; the budget is 2 s including start-up.
Run: python benchmarks/bench_romanize.py"""

from __future__ import annotations

import subprocess
import sys
import time

CODE = """
from sinosoviet_cli.romanize import romanize_title
heads = ["中蘇關係", "大躍進", "人民公社", "抗美援朝", "文化大革命", "中美關係", "冷戰"]
tails = ["史綱", "研究", "的起源", "與中國外交", "新探", "的演變", "再認識"]
titles = [f"{h}{t}（{1949 + n % 40}）" for n in range(1000)
          for h, t in [(heads[n % 7], tails[n // 7 % 7])]]
for t in titles:
    romanize_title(t)
"""


def main() -> None:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CODE], check=True)
    elapsed = time.perf_counter() - start
    print(f"1,000 titles incl. start-up: {elapsed:.2f} s (budget 2 s)")


if __name__ == "__main__":
    main()
