"""No data loss: a write interrupted at any point leaves the old file intact and no
temporary files; an existing bibliography is never overwritten without ``--force``."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sinosoviet_cli.bibtex import bibio
from sinosoviet_cli.errors import BibError, OutputError
from sinosoviet_cli.files import write_atomic
from sinosoviet_cli.model import Work

OLD = "@book{old2000,\n  title = {舊的書目},\n  year  = {2000},\n}\n"
NEW = "新的內容 new content\n" * 50_000  # ~1 MB, so that half a write is a real half

# A child that writes NEW over the target but stops half-way through its first
# os.write, says "ready", and waits to be killed.
_CHILD = """
import os, sys, time
from sinosoviet_cli.files import write_atomic
real_write = os.write
def half_write(fd, data):
    n = real_write(fd, bytes(data[: len(data) // 2]))
    sys.stdout.write("ready\\n"); sys.stdout.flush()
    time.sleep(120)
    return n
os.write = half_write
write_atomic(sys.argv[1], sys.argv[2] * 50_000, force=True)
"""


def _only(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "references.bib"
    path.write_text(OLD, encoding="utf-8")
    return path


@pytest.fixture(params=["anonymous", "named"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of writing: Linux's unnamed O_TMPFILE, and the portable named temp file."""
    if request.param == "named":
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    elif not hasattr(os, "O_TMPFILE"):
        pytest.skip("no O_TMPFILE on this platform")
    return str(request.param)


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="a killed process can clean up "
                    "nothing; only an unnamed temp file (Linux O_TMPFILE) leaves no trace")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_process_killed_mid_write_leaves_old_file_and_no_temp(target: Path, sig: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(target), "新的內容 new content\n"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n", child.stderr.read() if child.stderr else ""
        # Half of the new text is on disk somewhere, yet the old file is untouched.
        assert target.read_text(encoding="utf-8") == OLD
        child.send_signal(sig)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -sig
    assert target.read_text(encoding="utf-8") == OLD
    assert _only(target.parent) == ["references.bib"]


@pytest.mark.parametrize(
    "exc", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "ctrl-c"],
)
def test_exception_mid_write_leaves_old_file_and_no_temp(
    target: Path, mode: str, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    real_write = os.write

    def half_then_fail(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise exc

    monkeypatch.setattr(os, "write", half_then_fail)
    expected = OutputError if isinstance(exc, OSError) else KeyboardInterrupt
    with pytest.raises(expected) as info:
        write_atomic(target, NEW, force=True)
    monkeypatch.undo()
    if isinstance(exc, OSError):
        assert str(target) in str(info.value)
        assert "No space left" in str(info.value)
    assert target.read_text(encoding="utf-8") == OLD
    assert _only(target.parent) == ["references.bib"]


def test_failed_rename_leaves_old_file_and_no_temp(
    target: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        write_atomic(target, NEW, force=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == OLD
    assert _only(target.parent) == ["references.bib"]


def test_complete_write_replaces_and_keeps_mode(target: Path, mode: str) -> None:
    target.chmod(0o640)
    write_atomic(target, NEW, force=True)
    assert target.read_text(encoding="utf-8") == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _only(target.parent) == ["references.bib"]


def test_new_file_gets_the_umask_default(tmp_path: Path, mode: str) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "out.bib", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.bib").stat().st_mode) == 0o640


def test_symlinked_target_is_written_through(target: Path, mode: str) -> None:
    link = target.parent / "link.bib"
    link.symlink_to(target.name)
    write_atomic(link, NEW, force=True)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == NEW
    assert _only(target.parent) == ["link.bib", "references.bib"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing/out.bib", "folder does not exist"), (".", "is a directory")],
)
def test_unwritable_targets_are_output_errors(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(OutputError, match=message):
        write_atomic(tmp_path / name, "x")
    assert _only(tmp_path) == []


def test_existing_file_needs_force(target: Path) -> None:
    with pytest.raises(OutputError) as info:
        write_atomic(target, NEW, force=False)
    assert "--force" in str(info.value) and str(target) in str(info.value)
    assert target.read_text(encoding="utf-8") == OLD


@pytest.mark.parametrize(
    "title", ["an unbalanced } brace", "an open { brace", "}{", "trailing \\", "{{楊奎松}"]
)
def test_save_writes_only_bibtex_that_reads_back(target: Path, title: str) -> None:
    """Either the file reads back exactly as written, or nothing is written at all."""
    works = [Work("bad2001", "book", {"title": title, "year": "2001"}),
             Work("next2002", "book", {"title": "after it", "year": "2002"})]
    try:
        bibio.save(target, works, force=True)
    except BibError as exc:
        assert str(target) in str(exc)
        assert target.read_text(encoding="utf-8") == OLD
    else:
        back = bibio.load(target)
        assert [(w.key, dict(w.fields)) for w in back.works] == [
            (w.key, dict(w.fields)) for w in works
        ]
    assert _only(target.parent) == ["references.bib"]


def _has_command(name: str) -> bool:
    import typer.main

    from sinosoviet_cli.cli import app

    return name in typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.skipif(not _has_command("parse"), reason="the parse command has not landed yet")
def test_parse_never_overwrites_without_force(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sinosoviet_cli.cli import main

    monkeypatch.chdir(tmp_path)
    Path("references.bib").write_text(OLD, encoding="utf-8")
    for args in (["parse", str(seed_path)], ["parse", str(seed_path), "-o", "references.bib"]):
        monkeypatch.setattr(sys, "argv", ["sinosoviet", *args])
        with pytest.raises(SystemExit) as info:
            main()
        captured = capsys.readouterr()
        assert info.value.code == 2, captured.err
        assert "--force" in captured.err and "references.bib" in captured.err
        assert "Traceback" not in captured.err
        assert Path("references.bib").read_text(encoding="utf-8") == OLD
    monkeypatch.setattr(sys, "argv", ["sinosoviet", "parse", str(seed_path), "--force"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code in (0, None), capsys.readouterr().err
    written = Path("references.bib").read_text(encoding="utf-8")
    assert written != OLD and "@" in written
    assert bibio.parse(written).problems == ()
    assert _only(tmp_path) == ["references.bib"]


def test_an_input_is_never_overwritten_even_with_force(target: Path) -> None:
    alias = target.parent / "alias.bib"
    alias.symlink_to(target.name)
    for inputs in ([target], [str(alias)], [target.parent / "." / target.name]):
        with pytest.raises(OutputError, match="input") as info:
            write_atomic(target, NEW, force=True, inputs=inputs)
        assert "another file" in str(info.value)
    with pytest.raises(OutputError, match="input"):
        bibio.save(target, [Work("k2001", "book", {"title": "t"})], force=True, inputs=[alias])
    assert target.read_text(encoding="utf-8") == OLD
    write_atomic(target.parent / "new.bib", NEW, inputs=[target])  # other files are fine
    assert (target.parent / "new.bib").read_text(encoding="utf-8") == NEW


def _run_main(args: list[str], monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from sinosoviet_cli.cli import main

    monkeypatch.setattr(sys, "argv", ["sinosoviet", *args])
    with pytest.raises(SystemExit) as info:
        main()
    code = info.value.code
    return (code if isinstance(code, int) else 0), capsys.readouterr().err


_SLIPS = [
    pytest.param("export", ["export", "--bib", "refs.bib", "-o", "refs.bib", "--force"],
                 "refs.bib", id="export-over-its-bib"),
    pytest.param("parse", ["parse", "paper.txt", "-o", "paper.txt", "--force"], "paper.txt",
                 id="parse-over-its-paper"),
]


@pytest.mark.parametrize(("command", "args", "victim"), _SLIPS)
def test_a_command_never_writes_over_its_own_input(
    command: str, args: list[str], victim: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from conftest import FIXTURES

    if not _has_command(command):
        pytest.skip(f"the {command} command has not landed yet")
    monkeypatch.chdir(tmp_path)
    source = {"refs.bib": FIXTURES / "bad" / "good.bib",
              "paper.txt": FIXTURES / "bad" / "paper_mini.txt"}[victim]
    Path(victim).write_bytes(source.read_bytes())
    code, err = _run_main(args, monkeypatch, capsys)
    assert Path(victim).read_bytes() == source.read_bytes(), f"{victim} was overwritten"
    assert code == 2 and "input" in err, err


_WRITER = """
import sys
from sinosoviet_cli.files import write_atomic
for _ in range(5):
    write_atomic(sys.argv[1], sys.argv[2] * 400_000, force=True)
"""


def test_concurrent_writers_leave_one_whole_file(target: Path) -> None:
    """Two `parse --force` runs racing on one file: the result is one run's whole
    output, never a mix, and no temporary file is left."""
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(target), ch])
               for ch in "ab"]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    text = target.read_text(encoding="utf-8")
    assert text in ("a" * 400_000, "b" * 400_000)
    assert _only(target.parent) == ["references.bib"]


def test_endless_input_is_refused_not_read_forever() -> None:
    from sinosoviet_cli.errors import InputError
    from sinosoviet_cli.files import read_text

    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(InputError, match="larger than"):
        read_text("/dev/zero")
