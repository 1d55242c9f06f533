"""All of sinosoviet's benchmarks in one run, side by side, as one Markdown table.

    .venv/bin/python benchmarks/run.py                  # everything (~10 minutes, 2 cores)
    .venv/bin/python benchmarks/run.py --quick          # fewer repeats, 100/1,000 entries
    .venv/bin/python benchmarks/run.py --only start,export

Rows: cold start of ``--help``, ``list --help``, ``list`` and ``show`` against
``python -c "import typer"``; export of 100 / 1,000 (/ 5,000 / 20,000) entries cold (no
cache), warm and with 1% of entries edited, and peak memory, against pandoc's citeproc
on the same .bib and CSL (``bench_export.run_cache``); export agreement with pandoc;
``parse`` of the seed paper, of a 20x longer paper rebuilt from its layout, and of
generated 100- and 1,000-note papers (in process, after a warm-up, so that the ratio
measures growth); ``check`` of 2,000- and 20,000-footnote drafts. Whole-process figures
are medians of runs made in turn with their reference, the ratio the median of the
per-round ratios (the machine's load drifts; pairing cancels it). The package is
byte-compiled first, as an installed one is. A row whose piece is missing says why.
Targets are issue 15's: ``--help`` <= 1.2x Typer, ``list``/``show`` <= 2.5x; export
cold <= 1.5x pandoc at 100 entries and <= 0.9x at 1,000, warm <= 0.3x, 1% edited
<= 0.7x, peak memory below pandoc's; check 20,000 notes <= 0.8x the figure before the
reader split; parse of 1,000 notes <= 12x 100 notes.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seed" / "000_6653d7c0def87b6d.txt"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_parse import wrap_lines  # noqa: E402  (the paper layout's one line cutter)


@dataclass
class Row:
    measure: str
    ours: float | None = None
    reference: float | None = None
    reference_name: str = ""
    target: float | None = None  # the largest acceptable ours/reference
    note: str = ""
    paired: float | None = None  # median of per-round ratios, when runs were paired
    unit: str = "s"

    @property
    def ratio(self) -> float | None:
        if self.paired is not None:
            return self.paired
        if self.ours is None or not self.reference:
            return None
        return self.ours / self.reference


# ── helpers ──────────────────────────────────────────────────────────────────


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}


def _wall(cmd: Sequence[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=_env(), cwd=cwd)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace')[-300:]}")
    return elapsed


def _rounds(cmds: Sequence[Sequence[str]], runs: int, cwd: Path | None = None
            ) -> list[list[float]]:
    """Wall times of each command over ``runs`` rounds, run in turn so that drift in
    machine load hits all of them alike; one unmeasured round first."""
    times: list[list[float]] = [[] for _ in cmds]
    for c in cmds:
        _wall(c, cwd)
    for _ in range(runs):
        for i, c in enumerate(cmds):
            times[i].append(_wall(c, cwd))
    return times


def _interleaved(cmds: Sequence[Sequence[str]], runs: int, cwd: Path | None = None
                 ) -> list[float]:
    """Median wall time of each command (:func:`_rounds`)."""
    return [statistics.median(t) for t in _rounds(cmds, runs, cwd)]


def _paired(times: Sequence[float], base: Sequence[float]) -> float:
    """The median of the per-round ratios: a change of load between rounds cancels."""
    return statistics.median(t / b for t, b in zip(times, base, strict=True))


def _median(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _has_command(name: str) -> bool:
    import typer.main

    from sinosoviet_cli.cli import app

    group: Any = typer.main.get_command(app)
    return name in group.commands


# ── the 20x paper ────────────────────────────────────────────────────────────

_ODD = re.compile(r"^(\S.*?)\s*．\d+．\s*$")
_EVEN = re.compile(r"^．\d+．\s*(\S.*?)\s*$")


def longer_paper(seed_text: str, copies: int) -> tuple[str, int]:
    """The seed's layout ``copies`` times over: its running headers, section headings,
    body paragraphs with their markers, separator lines and wrapped note blocks, page by
    page, with notes renumbered 1..N throughout. Returns the text and N."""
    from sinosoviet_cli.paper.footnotes import extract

    paper = extract(seed_text)
    lines = seed_text.splitlines()
    odd = next((m.group(1) for line in lines if (m := _ODD.match(line))), "Title")
    even = next((m.group(1) for line in lines if (m := _EVEN.match(line))), "Author Journal")
    notes_by_page: dict[int, list[Any]] = {}
    for f in paper.footnotes:
        notes_by_page.setdefault(f.page or 0, []).append(f)
    paras_by_page: dict[int, list[Any]] = {}
    for p in paper.paragraphs:
        if p.section:
            paras_by_page.setdefault(p.page or 0, []).append(p)
    markers = {m.n: m for m in paper.markers}
    pages = sorted(set(notes_by_page) | set(paras_by_page))
    n_seed = len(paper.footnotes)
    out: list[str] = []
    page_no = 1

    def emit(line: str) -> None:  # the extracted-PDF layout: a blank line after each line
        out.append(line + " \n\n")

    for copy in range(copies):
        section: str | None = None
        for page in pages:
            emit(f"．{page_no}．{even}" if page_no % 2 == 0 else f"{odd} ．{page_no}．")
            page_no += 1
            notes = notes_by_page.get(page, [])
            pending = [markers[f.n] for f in notes if f.n in markers]
            for para in paras_by_page.get(page, []):
                if para.section != section:
                    section = para.section
                    emit(f"{section}、 {paper.headings.get(section or '', '')}")
                text = para.text
                for m in list(pending):
                    at = text.find(m.sentence)
                    if m.sentence and at >= 0:
                        end = at + len(m.sentence)
                        text = f"{text[:end]}{m.n + copy * n_seed}{text[end:]}"
                        pending.remove(m)
                for i, line in enumerate(wrap_lines(text, 26)):
                    emit(("  " if i == 0 else "") + line)
            for m in pending:  # a marker whose sentence spans pages: its own line
                emit(f"  {m.sentence}{m.n + copy * n_seed}")
            if notes:
                emit(" " * 54)
                for f in notes:
                    for i, line in enumerate(wrap_lines(f.text, 38)):
                        emit(f"  {f.n + copy * n_seed} {line}" if i == 0 else line)
    return "".join(out), n_seed * copies


# ── the rows ─────────────────────────────────────────────────────────────────


def cold_start(runs: int) -> list[Row]:
    exe = str(BIN / "sinosoviet")
    typer = [sys.executable, "-c", "import typer"]
    commands = [("`sinosoviet --help`", [exe, "--help"], 1.2),
                ("`sinosoviet list --help`", [exe, "list", "--help"], 1.2),
                ("`sinosoviet list` (bundled bib)", [exe, "list"], 2.5),
                ("`sinosoviet show yang1999zouxiang`", [exe, "show", "yang1999zouxiang"], 2.5)]
    with tempfile.TemporaryDirectory() as tmp:
        t_typer, *times = _rounds([typer, *(cmd for _, cmd, _ in commands)], runs,
                                  cwd=Path(tmp))
    base = "`python -c 'import typer'`"
    return [Row(f"cold start {label}", statistics.median(t), statistics.median(t_typer), base,
                target, f"median of {runs}, in turn with Typer", paired=_paired(t, t_typer))
            for (label, _, target), t in zip(commands, times, strict=True)]


def numbered_paper(n: int) -> str:
    """A generated paper of ``n`` endnotes (``n. text`` lines), the hand-typed notes of
    ``bench_check`` with the key citations written out as full citations."""
    import random
    import re

    import bench_check

    rng = random.Random(n)
    _bib, works = bench_check.make_bib(max(n // 4, 10), rng)
    notes = bench_check.make_notes(n, works, rng)
    by_key = {w["key"]: w for w in works}

    def full(m: re.Match[str]) -> str:
        w = by_key.get(m.group(1))
        return bench_check._full(w, 1, wrong_year=False) if w else "Ibid., 3."

    key = re.compile(r"\[KEY:([^\]]+)\]")
    return "".join(f"{i}. {key.sub(full, note)}\n" for i, note in enumerate(notes, 1))


def parse_growth(runs: int) -> list[Row]:
    """``parse`` of a generated 100- and 1,000-note paper, in process: linear growth."""
    from sinosoviet_cli import pipeline as flow
    from sinosoviet_cli.bibtex import bibio

    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (100, 1000):
            path = Path(tmp) / f"paper{n}.txt"
            path.write_text(numbered_paper(n), encoding="utf-8")

            def once(path: Path = path) -> None:
                bib, _ = flow.parse_paper(flow.read_paper(path),
                                          schools=flow.debate_model(None))
                bibio.dumps(bib.works)

            once()  # warm-up: tables load once per process
            times[n] = _median(once, runs)
    return [Row("parse generated 100-note paper (in process)", times[100],
                note=f"median of {runs}"),
            Row("parse generated 1,000-note paper (in process)", times[1000], times[100],
                "the 100-note paper", 12.0, f"median of {runs}; 10x the notes")]


def parse_rows(runs: int) -> list[Row]:
    if not SEED.is_file():
        return [Row("parse", note=f"skipped: seed paper not found at {SEED}")]
    try:
        from sinosoviet_cli import pipeline as flow
        from sinosoviet_cli.bibtex import bibio
        from sinosoviet_cli.files import read_text
        from sinosoviet_cli.paper.footnotes import extract
    except ImportError as exc:
        return [Row("parse", note=f"skipped: {exc}")]
    seed = read_text(SEED)
    long_text, n_long = longer_paper(seed, 20)

    def pipeline(text: str) -> tuple[int, int, int]:
        paper = extract(text)
        bib, _ = flow.parse_paper(paper, schools=flow.debate_model(None))
        bibio.dumps(bib.works)
        return len(paper.footnotes), len(bib.links), len(bib.works)

    pipeline(seed)  # warm-up: OpenCC, pypinyin and grammar tables load once per process
    seed_counts = pipeline(seed)
    long_counts = pipeline(long_text)
    t_seed = _median(lambda: pipeline(seed), runs)
    t_long = _median(lambda: pipeline(long_text), max(1, runs // 2))
    rows = [
        Row(f"parse seed in process ({seed_counts[0]} notes, {seed_counts[1]} citations, "
            f"{seed_counts[2]} works)", t_seed, note=f"median of {runs}"),
        Row(f"parse 20x paper in process ({long_counts[0]}/{n_long} notes, "
            f"{long_counts[1]} citations, {long_counts[2]} works)", t_long, t_seed,
            "parse of the seed", 25.0,
            f"{len(long_text) / len(seed):.1f}x the characters"),
    ]
    if _has_command("parse"):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.bib"
            cmd = [str(BIN / "sinosoviet"), "parse", str(SEED), "-o", str(out), "--force"]
            (t_cli,) = _interleaved([cmd], max(3, runs // 2))
        rows.insert(0, Row("`sinosoviet parse` seed (whole process)", t_cli,
                           note=f"median of {max(3, runs // 2)}"))
    return rows


def export_rows(quick: bool) -> list[Row]:
    try:
        import bench_export
    except ImportError as exc:
        return [Row("export", note=f"skipped: benchmarks/bench_export.py missing ({exc})")]
    if not _has_command("export"):
        return [Row("export", note="skipped: the export command has not landed")]
    try:
        bench_export.pandoc_path()
    except Exception as exc:  # pypandoc-binary absent
        return [Row("export", note=f"skipped: pandoc not available ({exc})")]
    rows = cache_rows((100, 1000) if quick else (100, 1000, 5000, 20000), 1 if quick else 3)
    plan = [(1000, 1 if quick else 3, 2.5)] + ([] if quick else [(5000, 1, None)])
    for n, repeat, target in plan:
        (rec,) = bench_export.run([n], repeat=repeat, quiet=True)
        rows.append(Row(f"export {n:,} entries (Chicago notes-bibliography)", rec["ours_s"],
                        rec["pandoc_s"], "pandoc --citeproc, same bib+CSL", target,
                        f"median of {repeat}; {rec['agree']:.1%} entries agree with pandoc"))
    return rows


def cache_rows(sizes: Sequence[int], repeat: int) -> list[Row]:
    """Export cold (empty entry cache), warm and with 1% of entries edited, whole
    processes with ``$XDG_CACHE_HOME`` in a temporary directory, and peak memory, against
    pandoc on the same .bib and CSL (``bench_export.run_cache``)."""
    import bench_export

    if not hasattr(bench_export, "run_cache"):
        return [Row("export warm", note="n/a (no cache)")]
    targets = {"cold": {100: 1.5, 1000: 0.9}, "warm": {1000: 0.3}, "edited": {1000: 0.7}}
    rows = []
    for rec in bench_export.run_cache(sizes, repeat=repeat, quiet=True):
        n = rec["entries"]
        for mode in ("cold", "warm", "edited"):
            label = "1% edited" if mode == "edited" else mode
            rows.append(Row(f"export {n:,} entries, {label}", rec[f"{mode}_s"],
                            rec["pandoc_s"], "pandoc --citeproc (.bib)",
                            targets[mode].get(n), f"median of {repeat}, in turn with pandoc",
                            paired=rec[f"{mode}_ratio"]))
        rows.append(Row(f"export {n:,} entries, peak RSS (cold)", rec["peak_kb"] / 1024,
                        rec["pandoc_peak_kb"] / 1024, "pandoc", 1.0, unit="MB"))
    return rows


def check_rows(quick: bool) -> list[Row]:
    try:
        import bench_check
    except ImportError as exc:
        return [Row("check", note=f"skipped: benchmarks/bench_check.py missing ({exc})")]
    if not _has_command("check"):
        return [Row("check", note="skipped: the check command has not landed")]
    repeat = 1 if quick else 3
    import contextlib
    import io

    #: Before the draft readers were split (same generator, measured by the checks work).
    before = {"draft.md": 5.31, "draft.tex": 11.08}
    with contextlib.redirect_stdout(io.StringIO()):
        figures = bench_check.run([2000, 20000], repeat=repeat)
    rows = [Row(f"check 2,000-footnote draft ({name})", seconds, note=f"median of {repeat}")
            for name, seconds in figures[2000].items()]
    rows += [Row(f"check 20,000-footnote draft ({name})", seconds, before[name],
                 "before the reader split", 0.8, f"median of {repeat}")
             for name, seconds in figures[20000].items()]
    return rows


# ── the table ────────────────────────────────────────────────────────────────


def _s(value: float | None, unit: str = "s") -> str:
    if value is None:
        return ""
    if unit != "s":
        return f"{value:.0f} {unit}"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def table(rows: Sequence[Row]) -> str:
    lines = ["| measure | sinosoviet | reference | ratio | target | |",
             "|---|---:|---|---:|---:|---|"]
    for r in rows:
        if r.ours is None:
            lines.append(f"| {r.measure} | | | | | {r.note} |")
            continue
        ref = f"{_s(r.reference, r.unit)} {r.reference_name}".strip()
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}x"
        target = "" if r.target is None else f"<= {r.target:g}x"
        verdict = ""
        if r.target is not None and r.ratio is not None:
            verdict = "ok" if r.ratio <= r.target else "**over**"
        note = "; ".join(x for x in (verdict, r.note) if x)
        ours = _s(r.ours, r.unit)
        lines.append(f"| {r.measure} | {ours} | {ref} | {ratio} | {target} | {note} |")
    return "\n".join(lines)


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats and no 5,000-entry export (about a minute)")
    parser.add_argument("--runs", type=int, default=None,
                        help="fresh processes per cold-start figure (default 21, quick 7)")
    parser.add_argument("--only", default="",
                        help="comma-separated parts to run: start, parse, growth, export, "
                        "check (default: all)")
    args = parser.parse_args(argv)
    runs = args.runs or (7 if args.quick else 21)
    cpu = os.cpu_count()
    # Timings of an installed program: its modules compiled once, as pip does, even when
    # PYTHONDONTWRITEBYTECODE is set in this shell (compiling would be ~25 ms a run).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sinosoviet_cli")],
                   check=False, capture_output=True, env={**os.environ,
                                                          "PYTHONDONTWRITEBYTECODE": ""})
    print(f"sinosoviet benchmarks: Python {platform.python_version()}, {platform.system()} "
          f"{platform.machine()}, {cpu} CPUs, load average {_load()} at the start",
          flush=True)
    rows: list[Row] = []
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    for name, step in (("start", lambda: cold_start(runs)),
                       ("parse", lambda: parse_rows(3 if args.quick else 5)),
                       ("growth", lambda: parse_growth(3 if args.quick else 5)),
                       ("export", lambda: export_rows(args.quick)),
                       ("check", lambda: check_rows(args.quick))):
        if only and name not in only:
            continue
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            rows += step()
        except Exception as exc:  # one broken piece must not hide the other figures
            rows.append(Row(name, note=f"failed: {type(exc).__name__}: {exc}"[:300]))
    print(table(rows))
    print(f"\nload average {_load()} at the end")
    over = [r for r in rows if r.target is not None and r.ratio is not None
            and r.ratio > r.target]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
