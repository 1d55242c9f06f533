"""PDF reading speed: milliseconds a page (issue target: within 50 ms a page).

    .venv/bin/python benchmarks/bench_pdf.py [PDF]

Reads the 20-page test fixture (or PDF) once to import pdfminer and load its CMaps,
then times five reads and prints the best and median per page. Speed is measured here,
not asserted in the test suite (a shared machine's load would make such a test flaky).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sinosoviet_cli.paper import pdf  # noqa: E402


def main() -> None:
    default = ROOT / "tests" / "fixtures" / "pdf" / "long.pdf"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    pdf.read_pdf(path)  # warm-up: the import and the CMaps
    pages = len(pdf._load(path))
    times = []
    for _ in range(5):
        start = time.perf_counter()
        pdf.read_pdf(path)
        times.append(time.perf_counter() - start)
    print(f"{path.name}: {pages} pages; ms a page: best {min(times) / pages * 1000:.1f}, "
          f"median {statistics.median(times) / pages * 1000:.1f} (target 50)")


if __name__ == "__main__":
    main()
