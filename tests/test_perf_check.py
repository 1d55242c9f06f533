"""``check`` on long drafts: notes segmented in a forked worker give exactly the serial
analysis and findings; a failing worker costs time, never results."""

from __future__ import annotations

import os
import pickle
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.checks import parallel
from sinosoviet_cli.checks import rules as checks
from sinosoviet_cli.cli import app
from sinosoviet_cli.paper import drafts
from sinosoviet_cli.paper.draft_types import DraftFormat
from tests.conftest import ROOT

needs_fork = pytest.mark.skipif(not parallel._can_fork(), reason="no fork on this platform")


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    import bench_check

    return bench_check


def _generated(bench, n: int, fmt: str):  # type: ignore[no-untyped-def]
    rng = random.Random(n)
    bib_text, works = bench.make_bib(max(n // 4, 10), rng)
    notes = bench.make_notes(n, works, rng)
    source = bench.markdown(notes) if fmt == "md" else bench.latex(notes)
    kind = DraftFormat.MARKDOWN if fmt == "md" else DraftFormat.LATEX
    return drafts.parse(source, kind, f"draft.{fmt}"), bibio.parse(bib_text).works


@needs_fork
@pytest.mark.parametrize("fmt", ["md", "tex"])
def test_parallel_analysis_is_the_serial_one(bench, fmt: str) -> None:  # type: ignore[no-untyped-def]
    draft, works = _generated(bench, 600, fmt)
    serial = checks.analyse(draft, works, jobs=1)
    forked = checks.analyse(draft, works, jobs=2)
    assert forked.cites == serial.cites
    ids = checks.select(None, unused=True)
    found = checks.run(serial, ids)
    assert found and checks.run(forked, ids) == found


@needs_fork
def test_map_distinct_keeps_every_text_and_its_result() -> None:
    texts = [f"note {i % 700}" for i in range(2000)] + [""]
    got = parallel.map_distinct(str.upper, texts, jobs=2)
    assert got == {t: t.upper() for t in texts if t}


def _fails_in_worker(parent: int):  # type: ignore[no-untyped-def]
    def func(text: str) -> str:
        if os.getpid() != parent:
            raise RuntimeError("worker only")
        return text[::-1]
    return func


@needs_fork
def test_a_failing_worker_leaves_its_chunks_to_the_parent() -> None:
    texts = [f"t{i}" for i in range(1000)]
    got = parallel.map_distinct(_fails_in_worker(os.getpid()), texts, jobs=2)
    assert got == {t: t[::-1] for t in texts}


def test_an_error_of_the_function_is_raised_as_in_one_process() -> None:
    def boom(text: str) -> str:
        raise ValueError(text)

    with pytest.raises(ValueError, match=r"^t\d+$"):
        parallel.map_distinct(boom, [f"t{i}" for i in range(1000)], jobs=2)


def test_short_drafts_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_run_forked", None)  # a fork would fail
    assert parallel.map_distinct(str.lower, ["A", "B", "A"]) == {"A": "a", "B": "b"}


def test_read_only_mappings_travel_between_processes() -> None:
    value = {"extra": MappingProxyType({"author_only": "1"})}
    back = pickle.loads(parallel.dumps(value))
    assert back == {"extra": {"author_only": "1"}}
    assert isinstance(back["extra"], MappingProxyType)


def test_check_cli_on_a_long_draft_is_the_serial_result(
        bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        runner: CliRunner) -> None:
    """The command's JSON is the same whether the notes are segmented in two processes
    or one (``jobs`` defaults to both cores from PARALLEL_MIN notes)."""
    rng = random.Random(7)
    bib_text, works = bench.make_bib(120, rng)
    draft = tmp_path / "draft.md"
    draft.write_text(bench.markdown(bench.make_notes(parallel.PARALLEL_MIN + 50, works, rng)),
                     encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text(bib_text, encoding="utf-8")
    args = ["check", str(draft), "--bib", str(bib), "--json"]
    both = runner.invoke(app, args)
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    one = runner.invoke(app, args)
    assert both.exit_code == one.exit_code == 1
    assert both.stdout == one.stdout


@needs_fork
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the worker")
def test_ctrl_c_while_the_worker_runs_is_one_line_and_130(
        bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C reaches the whole process group (the worker too): the worker ignores it,
    the parent ends it and says one line."""
    rng = random.Random(3)
    # Long enough (~1 s of segmentation) that Ctrl-C arrives while the worker runs.
    bib_text, works = bench.make_bib(3000, rng)
    draft = tmp_path / "draft.md"
    draft.write_text(bench.markdown(bench.make_notes(12000, works, rng)), encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text(bib_text, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sinosoviet_cli", "check", str(draft),
                             "--bib", str(bib), "--json"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    seen = []
    while proc.poll() is None and not seen:
        try:
            seen = children.read_text().split()
        except OSError:
            break
        time.sleep(0.01)
    if not seen:
        proc.communicate()
        pytest.skip("the check ended before its worker could be seen")
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if proc.returncode in (0, 1) and out.endswith("}\n"):
        pytest.skip("the check had ended before Ctrl-C reached it (a loaded machine)")
    assert proc.returncode == 130, (proc.returncode, err[-500:])
    assert err == "interrupted; nothing written\n"
    assert out == ""
    assert not Path(f"/proc/{seen[0]}").exists() or "Z" in _state(seen[0])


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return "Z"


# ── the single-process shortcuts equal what they replaced ─────────────────────

_OLD_NOT_TEXT = re.compile(
    r"</?[A-Za-z][^<>\n]*>|\]\([^()\s]*(?:\s+\"[^\"]*\")?\)|\w+://[^\s<>\]]+")
_MARKUP = st.lists(st.sampled_from(["http", "://", "x", "楊奎松", " ", "\n", "<a>", "</b", ">",
                                    "](", ")", "]", "[", "@k", "\"t\"", "é", "_", "。", "1"]),
                   max_size=40).map("".join)


@given(_MARKUP)
def test_urls_are_found_where_the_old_pattern_found_them(text: str) -> None:
    from sinosoviet_cli.paper.markdown import _NOT_TEXT

    assert [m.span() for m in _NOT_TEXT.finditer(text)] == \
        [m.span() for m in _OLD_NOT_TEXT.finditer(text)]


@given(st.text(alphabet="ab \n\t楊", max_size=30),
       st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=4))
def test_blanking_keeps_newlines_and_offsets(text: str, spans: list[tuple[int, int]]) -> None:
    from sinosoviet_cli.paper.positions import blank_all

    expected, pos = [], 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        expected += [text[pos:start], re.sub(r"[^\n]", " ", text[start:end])]
        pos = end
    expected.append(text[pos:])
    assert blank_all(text, spans) == "".join(expected)


def _mismatched_by_characters(text: str) -> int | None:
    stack: list[str] = []
    for k, ch in enumerate(text):
        if ch in "(（":
            stack.append(ch)
        elif ch in ")）" and stack and {"(": ")", "（": "）"}[stack.pop()] != ch:
            return k
    return None


@given(st.text(alphabet="()（）a北，", max_size=30))
def test_mismatched_bracket_is_the_character_walk(text: str) -> None:
    from sinosoviet_cli.checks.rules_style import _mismatched_bracket

    assert _mismatched_bracket(text) == _mismatched_by_characters(text)


@given(st.text(alphabet="：，（）；。、！？a(楊", max_size=20))
def test_full_width_deleted_as_the_pattern_deleted_it(text: str) -> None:
    from sinosoviet_cli.checks.rules_style import _FULL_WIDTH, _NO_FULL_WIDTH

    assert text.translate(_NO_FULL_WIDTH) == re.sub(f"[{_FULL_WIDTH}]", "", text)


def test_unread_is_computed_once_per_analysis(bench) -> None:  # type: ignore[no-untyped-def]
    from sinosoviet_cli.checks import rules_read

    draft, works = _generated(bench, 60, "md")
    first = checks.analyse(draft, works)
    assert rules_read.unread(first) is rules_read.unread(first)
    second = checks.analyse(draft, works)
    assert rules_read.unread(first) == rules_read.unread(second)
    assert rules_read._LAST[0][0] is second  # the cache holds the last analysis only


def _balanced_end_by_characters(text: str, open_at: int, opener: str, closer: str) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == opener:
            depth += 1
        elif text[i] == closer:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


@given(st.text(alphabet="{}[]()\\a楊 ", max_size=30), st.integers(0, 32),
       st.sampled_from([("{", "}"), ("[", "]"), ("(", ")")]))
def test_balanced_end_is_the_character_walk(text: str, at: int, pair: tuple[str, str]) -> None:
    from sinosoviet_cli.paper.positions import balanced_end

    assert balanced_end(text, at, *pair) == _balanced_end_by_characters(text, at, *pair)


# ── memoised grammar readers: the same answers as the functions they wrap ─────

_GRAMMAR_BITS = ["楊奎松", "、", "沈志華", "等", "著", "編", "譯", "主編", " ", "，", "（", "）",
                 "Donald", "Zagoria", " and ", "1999", "年", "10", "月", "3", "日", "民國",
                 "54", "一九九九", "頁", "12-15", "pp.", "第", "至", "Hinton, Harold", ".",
                 "et al.", "May", "Spring", "、1993"]
_GRAMMAR_TEXT = st.lists(st.sampled_from(_GRAMMAR_BITS), max_size=8).map("".join)


@given(_GRAMMAR_TEXT, st.integers(2, 6), st.booleans())
def test_memoised_readers_equal_the_unmemoised(text: str, limit: int, japanese: bool) -> None:
    from sinosoviet_cli.grammar import lexical, persons

    for func in (lexical._clean, lexical._pages, lexical._date_of, lexical._is_date,
                 lexical._roc, persons._latin_names):
        assert func(text) == func.__wrapped__(text)
        assert func(text) == func.__wrapped__(text)  # a hit, too
    clause = persons._name_clause
    assert clause(text, plain_limit=limit, japanese=japanese) == \
        clause.__wrapped__(text, plain_limit=limit, japanese=japanese)


def _match_close_by_characters(text: str, i: int) -> int:
    from sinosoviet_cli.grammar.lexical import _PAIR

    opener = text[i]
    openers, closers = ("（(", "）)") if opener in "（(" else (opener, _PAIR.get(opener, ""))
    depth = 0
    for j in range(i, len(text)):
        if text[j] in openers:
            depth += 1
        elif text[j] in closers:
            depth -= 1
            if depth == 0:
                return j
    return -1


@given(st.text(alphabet="《》〈〉（）()「」a楊", min_size=1, max_size=24), st.data())
def test_match_close_is_the_character_walk(text: str, data: st.DataObject) -> None:
    from sinosoviet_cli.grammar.lexical import _match_close

    i = data.draw(st.integers(0, len(text) - 1))
    assert _match_close(text, i) == _match_close_by_characters(text, i)
