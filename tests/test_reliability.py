"""The bad-input corpus, run through every command it applies to.

Every case goes through the real entry point, ``cli.main()`` (the error boundary), in
process. For each (command, case) one of these is expected:

- ``error``: exit 2; stderr is ONE line ``error: <path>[:<line>]: <message> (<fix>)``
  naming the file (and the line where there is one); stdout empty; no traceback;
  nothing written (an existing output file is unchanged, no new file appears).
- ``same``: a re-encoded copy (Big5, GB18030, UTF-16, BOM, CRLF) gives exactly the
  output of the UTF-8 original: same exit code, stdout and written file.
- ``warn``: the command works (exit 0, or 1 for ``check`` findings) and stderr names the
  file and line of the problem.
- ``survive``: no traceback and no hang; exit 0/1, or 2 with a one-line error.

Commands that have not landed yet are skipped with a reason. The corpus files live in
``tests/fixtures/bad/``; binary and re-encoded ones are generated here from them.
"""

from __future__ import annotations

import codecs
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

BAD = FIXTURES / "bad"
PAPER = BAD / "paper_mini.txt"
GOOD_BIB = BAD / "good.bib"
OLD = "OLD OUTPUT: must survive a failed run\n"
TIME_LIMIT = 30  # seconds per run: a hang (catastrophic regex) fails instead of blocking


# ── running the CLI through its real boundary ───────────────────────────────


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def run_cli(args: list[str | Path], monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Run:
    from sinosoviet_cli.cli import main

    monkeypatch.setattr(sys, "argv", ["sinosoviet", *map(str, args)])
    # Let unexpected exceptions through main()'s "internal error" line, to tell a
    # module that has not landed (skip) from a bug (fail, with its traceback).
    monkeypatch.setenv("SINOSOVIET_DEBUG", "1")
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(TIME_LIMIT)
    code: int
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except _Timeout:
        pytest.fail(f"sinosoviet {' '.join(map(str, args))} ran over {TIME_LIMIT} s")
    except ModuleNotFoundError as exc:
        if (exc.name or "").startswith("sinosoviet_cli"):
            pytest.skip(f"{exc.name} has not landed yet")
        raise
    except Exception as exc:  # what a user would see as a traceback
        pytest.fail(f"uncaught {type(exc).__name__} (a traceback for the user): {exc}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def _options(command: str) -> set[str] | None:
    """The option strings a command accepts, or None when it does not exist (yet)."""
    import typer.main

    from sinosoviet_cli.cli import app

    group: Any = typer.main.get_command(app)
    cmd = group.commands.get(command)
    if cmd is None:
        return None
    return {opt for param in cmd.params for opt in param.opts}


def _needs(command: str, *options: str) -> set[str]:
    have = _options(command)
    if have is None:
        pytest.skip(f"the {command} command has not landed yet")
    missing = [o for o in options if o not in have]
    if missing:
        pytest.skip(f"{command} has no {', '.join(missing)} option yet")
    return have


# ── the commands, by the role the bad file plays ─────────────────────────────
# Each builder gets the input path and a work folder holding pre-existing output files.

Builder = Callable[[Path, Path], list[str | Path]]


def _json(command: str) -> list[str | Path]:
    return ["--json"] if "--json" in (_options(command) or set()) else []


def _force(command: str) -> list[str | Path]:
    # Output files exist beforehand (to show a failed run leaves them alone): a good run
    # must be allowed to replace them.
    return ["--force"] if "--force" in (_options(command) or set()) else []


PAPER_COMMANDS: dict[str, tuple[tuple[str, ...], Builder]] = {
    "footnotes": ((), lambda p, w: ["footnotes", p, *_json("footnotes")]),
    "parse": (("-o", "--force"),
              lambda p, w: ["parse", p, "-o", w / "out.bib", "--force", *_json("parse")]),
    "notes": ((), lambda p, w: ["notes", p]),
    "check": (("--bib",), lambda p, w: ["check", p, "--bib", GOOD_BIB, *_json("check")]),
}
BIB_COMMANDS: dict[str, tuple[tuple[str, ...], Builder]] = {
    "list": (("--bib",), lambda b, w: ["list", "--bib", b, *_json("list")]),
    "show": (("--bib",), lambda b, w: ["show", "yang1999zouxiang", "--bib", b]),
    "schools": (("--bib",), lambda b, w: ["schools", "--bib", b]),
    "export": (("--bib", "-o"),
               lambda b, w: ["export", "--bib", b, "-o", w / "out.txt", *_force("export")]),
    "check": (("--bib",), lambda b, w: ["check", PAPER, "--bib", b, *_json("check")]),
    "notes": (("--bib",), lambda b, w: ["notes", PAPER, "--bib", b]),
}
OUTPUTS = ("out.bib", "out.txt")


# ── the corpus ───────────────────────────────────────────────────────────────


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _long_line(base: str) -> str:
    # A 1 MB line without a break (a PDF extraction that lost its newlines) inside the body.
    filler = "中蘇關係 Sino-Soviet relations, 1958（頁 12）；" * 25_000
    lines = base.splitlines(keepends=True)
    return "".join([*lines[:12], filler + "\n", *lines[12:]])


@dataclass(frozen=True)
class Case:
    """One corpus file: ``make(base_text) -> bytes`` (None: the path is missing; a str
    "dir": the path is a folder), the file name it gets, and what is expected."""

    name: str
    make: Callable[[str], bytes | str | None]
    expect: str  # error | same | warn | survive
    filename: str = ""
    line: int | None = None  # the line an error or warning must name
    says: str = ""  # a word the message must contain


def _utf16_nobom(text: str) -> bytes:
    return text.encode("utf-16-le")


FILE_CASES = [
    Case("missing", lambda t: None, "error", says="no such file"),
    Case("directory", lambda t: "dir", "error", says="directory"),
    Case("empty", lambda t: b"", "error", says="empty"),
    Case("blank", lambda t: b"\n  \n\t\n\r\n", "error", says="empty"),
    Case("binary", lambda t: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
         "error", says="binary"),
    Case("fake-docx", lambda t: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00\xff" * 300, "error",
         filename="draft.docx"),
    Case("latin-1", lambda t: ("Résumé of the café débat, naïve " * 40).encode("latin-1"),
         "error", says="UTF-8"),
]
ENCODING_CASES = [
    Case("utf8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "same"),
    Case("utf16-le-bom", lambda t: t.encode("utf-16"), "same"),
    Case("utf16-be-bom", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "same"),
    Case("utf16-le-nobom", lambda t: _utf16_nobom(t), "same"),
    Case("big5", lambda t: t.encode("big5"), "same"),
    Case("gb18030", lambda t: t.encode("gb18030"), "same"),
    Case("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8"), "same"),
    Case("big5-crlf", lambda t: t.replace("\n", "\r\n").encode("big5"), "same"),
]
PAPER_CASES = [
    Case("numbering-restarts", lambda t: _text(BAD / "paper_restart.txt").encode("utf-8"),
         "warn", says="restart"),
    Case("long-line", lambda t: _long_line(t).encode("utf-8"), "survive"),
]
BIB_CASES = [
    Case("unclosed-brace", lambda t: _text(BAD / "unclosed_brace.bib").encode("utf-8"),
         "error", line=34),
    Case("missing-comma", lambda t: _text(BAD / "missing_comma.bib").encode("utf-8"),
         "error", line=34, says="comma"),
    Case("no-key", lambda t: _text(BAD / "no_key.bib").encode("utf-8"), "error", line=34,
         says="key"),
    Case("key-with-space", lambda t: _text(BAD / "key_with_space.bib").encode("utf-8"),
         "error", line=34, says="zagoria 1962"),
    Case("duplicate-field", lambda t: _text(BAD / "duplicate_field.bib").encode("utf-8"),
         "error", line=34, says="year"),
    Case("duplicate-key", lambda t: _text(BAD / "duplicate_key.bib").encode("utf-8"),
         "warn", line=56, says="yang1999zouxiang"),
    Case("case-duplicate-key",
         lambda t: _text(BAD / "case_duplicate_key.bib").encode("utf-8"),
         "warn", line=56, says="Yang1999Zouxiang"),
    Case("missing-crossref", lambda t: _text(BAD / "missing_crossref.bib").encode("utf-8"),
         "warn", line=25, says="shen2007missing"),
    Case("unknown-school", lambda t: _text(BAD / "unknown_school.bib").encode("utf-8"),
         "warn", says="revisionism"),
    Case("long-field", lambda t: t.replace("title     = {Ideology and Organization",
                                           "title     = {" + "Ideology " * 100_000
                                           ).encode("utf-8"), "survive"),
]
#: Which commands must warn (rather than merely survive) for a bib content case.
WARN_COMMANDS = {
    # A thesis whose notes restart in each chapter: whatever a command makes of the
    # later chapters, it must not pass over them in silence.
    "numbering-restarts": {"footnotes", "parse", "check", "notes"},
    "duplicate-key": {"list", "show", "schools", "export", "check"},
    "case-duplicate-key": {"list", "show", "schools", "export", "check"},
    "missing-crossref": {"list", "show", "schools", "export", "check"},
    "unknown-school": {"list", "show", "schools"},
}


def _materialise(case: Case, base: Path, work: Path) -> Path:
    folder = work / "input"
    folder.mkdir()
    path = folder / (case.filename or base.name)
    made = case.make(_text(base))
    if made == "dir":
        path.mkdir()
    elif isinstance(made, bytes):
        path.write_bytes(made)
    return path


def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    for name in OUTPUTS:
        (work / name).write_text(OLD, encoding="utf-8")
    monkeypatch.chdir(work)  # a default ./references.bib must never be read or written
    return work


def _snapshot(work: Path) -> dict[str, bytes]:
    """The work folder's output files (inputs live in a sub-folder), paths normalised."""
    return {p.name: p.read_bytes().replace(str(work).encode(), b"<W>")
            for p in work.iterdir() if p.is_file()}


def _normalised(run: Run, work: Path) -> tuple[int, str]:
    return run.code, run.out.replace(str(work), "<W>")


# ── assertions ───────────────────────────────────────────────────────────────


def _assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.err + run.out, run.err


def _assert_error(run: Run, path: Path, case: Case, before: dict[str, bytes],
                  work: Path) -> None:
    _assert_no_traceback(run)
    assert run.code == 2, f"exit {run.code}, stderr: {run.err!r}"
    assert len(run.err_lines) == 1, f"want one line, got: {run.err!r}"
    line = run.err_lines[0]
    assert line.startswith("error: "), line
    assert str(path) in line, f"the message does not name {path}: {line}"
    if case.line is not None:
        assert f"{path}:{case.line}:" in line, f"the message does not name line {case.line}"
    if case.says:
        assert case.says.lower() in line.lower(), line
    assert line.rstrip().endswith(")") and " (" in line, f"no fix in: {line}"
    assert run.out == "", f"stdout must stay empty on error: {run.out[:200]!r}"
    assert _snapshot(work) == before, "a failed run wrote or changed an output file"


def _assert_survived(run: Run, path: Path, check: bool) -> None:
    _assert_no_traceback(run)
    allowed = {0, 1, 2} if check else {0, 2}
    assert run.code in allowed, run.err
    if run.code == 2:
        assert len(run.err_lines) == 1 and run.err_lines[0].startswith("error: "), run.err
        assert str(path) in run.err_lines[0]


# ── the matrix ───────────────────────────────────────────────────────────────


#: Known gaps, each reported to the command's owner: strict, so that a fix shows up
#: as XPASS and the marker gets removed.
KNOWN_GAPS: dict[str, str] = {}


def _matrix() -> Iterator[Any]:
    for role, commands, cases in (
        ("paper", PAPER_COMMANDS, [*FILE_CASES, *ENCODING_CASES, *PAPER_CASES]),
        ("bib", BIB_COMMANDS, [*FILE_CASES, *ENCODING_CASES, *BIB_CASES]),
    ):
        for command in commands:
            for case in cases:
                name = f"{role}-{command}-{case.name}"
                gap = KNOWN_GAPS.get(name)
                marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
                yield pytest.param(role, command, case, id=name, marks=marks)


_REFERENCE: dict[tuple[str, str], tuple[tuple[int, str], dict[str, bytes]]] = {}


def _reference(role: str, command: str, builder: Builder, base: Path, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
               ) -> tuple[tuple[int, str], dict[str, bytes]]:
    """The output for the clean UTF-8 input, computed once per command."""
    key = (role, command)
    if key not in _REFERENCE:
        ref_root = tmp_path / "reference"
        ref_root.mkdir()
        work = _workdir(ref_root, monkeypatch)
        folder = work / "input"
        folder.mkdir()
        path = folder / base.name
        path.write_bytes(base.read_bytes())
        run = run_cli(builder(path, work), monkeypatch, capsys)
        _assert_no_traceback(run)
        assert run.code in (0, 1), f"the clean input fails: {run.err}"
        _REFERENCE[key] = (_normalised(run, work), _snapshot(work))
    return _REFERENCE[key]


@pytest.mark.parametrize(("role", "command", "case"), list(_matrix()))
def test_corpus(role: str, command: str, case: Case, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    needed, builder = (PAPER_COMMANDS if role == "paper" else BIB_COMMANDS)[command]
    _needs(command, *needed)
    base = PAPER if role == "paper" else GOOD_BIB
    reference = None
    if case.expect == "same":
        reference = _reference(role, command, builder, base, tmp_path, monkeypatch, capsys)
    work = _workdir(tmp_path, monkeypatch)
    path = _materialise(case, base, work)
    before = _snapshot(work)
    args = builder(path, work)
    run = run_cli(args, monkeypatch, capsys)

    if case.expect == "error":
        _assert_error(run, path, case, before, work)
    elif case.expect == "same":
        assert reference is not None
        _assert_no_traceback(run)
        assert _normalised(run, work) == reference[0], run.err
        assert _snapshot(work) == reference[1]
    elif case.expect == "warn" and command in WARN_COMMANDS.get(case.name, set()):
        _assert_no_traceback(run)
        assert run.code in ({0, 1} if command == "check" else {0}), run.err
        warning = "\n".join(line for line in run.err_lines if str(path) in line)
        where = f"{path}:{case.line}"
        if not warning and "--json" in map(str, args) and case.says in run.out:
            # Machine output may carry the problem in the JSON instead of on stderr.
            warning, where = run.out, f'"line": {case.line}'
        assert warning, f"no warning naming {path} on stderr or in the JSON: {run.err!r}"
        if case.line is not None:
            assert where in warning, warning
        assert case.says in warning, warning
    else:
        _assert_survived(run, path, check=command == "check")


# ── bad option values ────────────────────────────────────────────────────────


@dataclass(frozen=True)
class OptionCase:
    name: str
    command: str
    args: Callable[[Path], list[str | Path]]
    says: str  # the message must contain this (a valid value, or the file)
    needs: tuple[str, ...] = ()


def _broken_csl(work: Path) -> Path:
    path = work / "input" / "broken.csl"
    path.parent.mkdir(exist_ok=True)
    path.write_text("<style xmlns='http://purl.org/net/xbiblio/csl'><citation>", "utf-8")
    return path


OPTION_CASES = [
    OptionCase("unknown-school", "list",
               lambda w: ["list", "--school", "revisionism", "--bib", GOOD_BIB], "ideology",
               ("--school",)),
    OptionCase("unknown-school", "export",
               lambda w: ["export", "--school", "revisionism", "--bib", GOOD_BIB, "-o",
                          w / "out.txt", *_force("export")], "ideology", ("--school", "-o")),
    OptionCase("unknown-style", "export",
               lambda w: ["export", "--style", "chicago-nonsense", "--bib", GOOD_BIB, "-o",
                          w / "out.txt", *_force("export")], "chicago-notes-bibliography", ("--style", "-o")),
    OptionCase("missing-style-file", "export",
               lambda w: ["export", "--style", w / "input" / "missing.csl", "--bib", GOOD_BIB,
                          "-o", w / "out.txt", *_force("export")], "missing.csl", ("--style", "-o")),
    OptionCase("broken-style-file", "export",
               lambda w: ["export", "--style", _broken_csl(w), "--bib", GOOD_BIB, "-o",
                          w / "out.txt", *_force("export")], "broken.csl", ("--style", "-o")),
    OptionCase("unknown-style", "notes",
               lambda w: ["notes", PAPER, "--style", "chicago-nonsense"],
               "chicago-notes-bibliography", ("--style",)),
    OptionCase("unknown-key", "show",
               lambda w: ["show", "yang1999zouxian", "--bib", GOOD_BIB], "yang1999zouxiang"),
    OptionCase("missing-folder", "export",
               lambda w: ["export", "--bib", GOOD_BIB, "-o", w / "nowhere" / "out.txt"],
               "folder", ("-o",)),
    OptionCase("missing-folder", "parse",
               lambda w: ["parse", PAPER, "-o", w / "nowhere" / "out.bib"], "folder", ("-o",)),
    OptionCase("unknown-rule", "check",
               lambda w: ["check", PAPER, "--bib", GOOD_BIB, "--rules", "no-such-rule"],
               "unknown-key", ("--rules",)),
]


@pytest.mark.parametrize("case", OPTION_CASES, ids=lambda c: f"{c.command}-{c.name}")
def test_bad_option_values(case: OptionCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    _needs(case.command, *case.needs)
    work = _workdir(tmp_path, monkeypatch)
    args = case.args(work)
    before = _snapshot(work)
    run = run_cli(args, monkeypatch, capsys)
    _assert_no_traceback(run)
    assert run.code == 2, f"exit {run.code}, stderr: {run.err!r}"
    assert len(run.err_lines) == 1 and run.err_lines[0].startswith("error: "), run.err
    assert case.says in run.err_lines[0], run.err_lines[0]
    assert run.out == ""
    assert _snapshot(work) == before
    assert not (work / "nowhere").exists()


# ── the boundary itself: nothing but a clean line, whatever happens ──────────

_BOUNDARY = """
import sys
from sinosoviet_cli import cli

@cli.app.command("boom")
def boom(kind: str) -> None:
    if kind == "bug":
        raise KeyError("no such thing")
    if kind == "interrupt":
        raise KeyboardInterrupt
    for i in range(200_000):
        print(f"line {i} 中蘇關係")

cli.main()
"""


def _boundary(kind: str, *, read_one_line: bool = False) -> tuple[int, str]:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "SINOSOVIET_DEBUG"}
    child = subprocess.Popen([sys.executable, "-c", _BOUNDARY, "boom", kind],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    if read_one_line:
        child.stdout.readline()
    child.stdout.close()  # the reader goes away (``| head -1``)
    stderr = child.stderr.read().decode("utf-8", "replace")
    return child.wait(timeout=60), stderr


def test_unexpected_exception_is_one_line_not_a_traceback() -> None:
    code, stderr = _boundary("bug")
    assert "Traceback" not in stderr
    assert code == 70
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: internal error: KeyError"), stderr
    assert "SINOSOVIET_DEBUG=1" in lines[0]


def test_ctrl_c_is_one_line() -> None:
    code, stderr = _boundary("interrupt")
    assert "Traceback" not in stderr
    assert code == 130
    # A command interrupted inside Typer (which exits 130 silently) still says so, once.
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "interrupted; nothing written"], stderr


def test_closed_pipe_is_quiet() -> None:
    code, stderr = _boundary("flood", read_one_line=True)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert code in (1, 141)  # Typer's Click ends a broken pipe with 1; main() with 141


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_cannot_encode_chinese_gets_escapes_not_a_crash(encoding: str) -> None:
    import json
    import os
    import subprocess

    if _options("footnotes") is None:
        pytest.skip("the footnotes command has not landed yet")
    exe = [sys.executable, "-m", "sinosoviet_cli", "footnotes", str(PAPER), "--json"]
    env = {k: v for k, v in os.environ.items() if k != "SINOSOVIET_DEBUG"}
    utf8 = subprocess.run(exe, capture_output=True, timeout=60,
                          env={**env, "PYTHONIOENCODING": "utf-8"})
    narrow = subprocess.run(exe, capture_output=True, timeout=60,
                            env={**env, "PYTHONIOENCODING": encoding})
    assert narrow.returncode == utf8.returncode == 0, narrow.stderr.decode(encoding, "replace")
    assert b"Traceback" not in narrow.stderr
    narrow.stdout.decode("ascii")  # only escapes went out
    assert json.loads(narrow.stdout) == json.loads(utf8.stdout.decode("utf-8"))


def _interrupt_after(args: list[str], cwd: Path, wait: float | None) -> tuple[int, str, bool]:
    """Run ``sinosoviet ARGS`` in a real process, Ctrl-C it after ``wait`` s (``None``:
    as soon as it has forked a worker, i.e. while the workers run): exit code, stderr,
    and whether any worker process outlived it."""
    import os
    import subprocess
    import time

    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "sinosoviet_cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    if wait is not None:
        time.sleep(wait)
    else:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        while proc.poll() is None:
            try:
                if children.read_text().split():
                    break
            except OSError:
                break
            time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, stderr = proc.communicate(timeout=60)
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
    return proc.returncode, stderr, bool(children.stdout.strip())


def test_ctrl_c_during_a_parallel_export_is_one_line(tmp_path: Path) -> None:
    """Issue 16 #1: workers ignore SIGINT, the parent terminates the pool, one line."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "benchmarks"))
    import bench_export

    bib = tmp_path / "big.bib"
    bib.write_text(bench_export.synthetic_bib(6000), encoding="utf-8")
    out = tmp_path / "out.txt"
    code, stderr, lingering = _interrupt_after(
        ["export", "--bib", str(bib), "--no-cache", "-o", str(out)] if _has_no_cache()
        else ["export", "--bib", str(bib), "-o", str(out)], tmp_path,
        None if Path("/proc/self/task").is_dir() else 2.0)
    if code == 0:
        pytest.skip("export finished before the interrupt (a very fast machine)")
    assert code == 130, stderr
    assert stderr.strip().splitlines() == ["interrupted; nothing written"], stderr
    assert not out.exists() and not lingering


def _has_no_cache() -> bool:
    from typer.testing import CliRunner

    from sinosoviet_cli.cli import app

    return "--no-cache" in CliRunner().invoke(app, ["export", "--help"]).stdout


@pytest.mark.parametrize("command", ["check", "parse"])
def test_ctrl_c_during_check_and_parse_is_one_line(command: str, tmp_path: Path) -> None:
    notes = "".join(f"{n}. 楊奎松，《走向破裂》（香港：三聯書店，1999），頁{n}。\n"
                    for n in range(1, 40001))
    paper = tmp_path / "paper.txt"
    paper.write_text(notes, encoding="utf-8")
    args = [command, str(paper)] + (["-o", str(tmp_path / "o.bib")] if command == "parse" else [])
    code, stderr, _ = _interrupt_after(args, tmp_path, 2.5)
    if code in (0, 1):
        pytest.skip(f"{command} finished before the interrupt")
    assert code == 130, stderr
    assert stderr.strip().splitlines() == ["interrupted; nothing written"], stderr
