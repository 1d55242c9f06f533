"""File I/O at the edges: decoding input files and writing output atomically.

Every read goes through :func:`read_text`, every write through :func:`write_atomic`,
so that unreadable input always becomes an ``InputError`` naming the file, and no
output file is ever left half written.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from sinosoviet_cli.errors import InputError, OutputError
from sinosoviet_cli.text.normalize import nfc

_FIX_ENCODING = "save it as UTF-8 and try again"
#: The largest input read (a 5,000-entry bibliography is about 2 MB).
MAX_INPUT_BYTES = 64 * 2**20


#: The path that means standard input (``sinosoviet footnotes -``, ``parse -``, ``check -``).
STDIN = "-"


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, bounded; ``-`` reads standard input."""
    p = Path(path)
    if str(path) == STDIN:
        return _stdin_bytes(p)
    if not p.exists():
        raise InputError("no such file", path=p, fix="check the path")
    if p.is_dir():
        raise InputError("is a directory, not a file", path=p, fix="give the path of a file")
    try:
        with p.open("rb") as fh:  # bounded: /dev/zero or a runaway pipe must not hang us
            data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=p, fix="check permissions") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"is larger than {MAX_INPUT_BYTES // 2**20} MB, too large for a paper, "
                         "draft or bibliography", path=p, fix="give the text file itself")
    return data


#: (the stream, what it gave): a new stdin (a test runner's) is read afresh.
_stdin_read: list[tuple[object, bytes]] = []


def _stdin_bytes(p: Path) -> bytes:
    """Standard input, read once: a command may read its input twice (``check`` looks
    for the draft's bibliography, then reads its notes)."""
    import sys

    stream = sys.stdin.buffer
    if not _stdin_read or _stdin_read[0][0] is not stream:
        _stdin_read[:] = [(stream, stream.read(MAX_INPUT_BYTES + 1))]
    data = _stdin_read[0][1]
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"is larger than {MAX_INPUT_BYTES // 2**20} MB", path=p,
                         fix="give the text file itself")
    return data


#: Formats people give instead of text (the paper as a PDF, a draft as Word): what the
#: file is and how to get text out of it.
_NOT_TEXT = (
    (b"%PDF-", "is a PDF, not text",
     "extract its text first, e.g. pdftotext -layout FILE.pdf FILE.txt"),
    (b"PK\x03\x04", "is a ZIP archive (a Word .docx?), not text",
     "save it as plain UTF-8 text; `check` also reads .docx drafts named *.docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old Word .doc file, not text",
     "save it as .docx or as plain UTF-8 text"),
    (b"{\\rtf", "is an RTF file, not plain text", "save it as plain UTF-8 text"),
)


def decode(data: bytes, path: str | Path) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 (BOM); failing that, Big5 or
    GB18030 as charset-normalizer detects them; otherwise an ``InputError``."""
    for magic, what, fix in _NOT_TEXT:
        if data.startswith(magic):
            raise InputError(what, path=path, fix=fix)
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path)
    if b"\x00" in data[:4096]:
        guess = _utf16_without_bom(data)
        if guess is not None:
            return guess
        raise InputError("is a binary file, not text", path=path, fix=_FIX_ENCODING)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in _detect_cjk_encodings(data):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(
        "is not UTF-8, UTF-16, Big5 or GB18030 text", path=path, fix=_FIX_ENCODING
    )


def read_text(path: str | Path, *, allow_empty: bool = False) -> str:
    """Read a text file of any supported encoding, NFC-normalised, with ``\\n`` line ends.
    A file with nothing but whitespace is an ``InputError`` unless ``allow_empty``."""
    text = decode(read_bytes(path), path)
    if not allow_empty and not text.strip():
        raise InputError("is empty", path=path, fix="give a file with text in it")
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def _strict(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not valid {encoding} (byte {exc.start})", path=path, fix=_FIX_ENCODING
        ) from exc


def _utf16_without_bom(data: bytes) -> str | None:
    # Text in UTF-16 without a BOM has a NUL in every other byte for ASCII characters.
    even, odd = data[0::2].count(0), data[1::2].count(0)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Binary data often decodes too; real text has no control characters but layout.
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\v")
    return None if controls else text


def _detect_cjk_encodings(data: bytes) -> list[str]:
    # Lazy: charset-normalizer is only needed for legacy-encoded drafts.
    from charset_normalizer import from_bytes

    found = [m.encoding for m in from_bytes(data, cp_isolation=["big5", "gb18030", "utf_16"])]
    # Big5 text often also decodes as GB18030 (a superset of GBK): keep the detector's
    # order, then try both, so that a failed guess still gets the other.
    return [*found, "big5", "gb18030"]


def check_target(path: str | Path, *, force: bool, inputs: Iterable[str | Path]) -> None:
    """Refuse an output path before writing (and before any slow work): a directory,
    one of the command's ``inputs`` (even with ``force``), an existing file without
    ``force``, a missing folder. Each is an ``OutputError`` naming the fix."""
    p = Path(path)
    if p.is_dir():
        raise OutputError("is a directory", path=p, fix="give a file name")
    if any(_same_file(p, source) for source in inputs):
        raise OutputError("is also an input of this command; refusing to overwrite it",
                          path=p, fix="write the output to another file")
    if not force and (p.exists() or p.is_symlink()):
        raise OutputError("already exists", path=p, fix="pass --force to overwrite it")
    target = p.resolve() if p.is_symlink() else p
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise OutputError("its folder does not exist", path=p, fix="create the folder first")


def write_atomic(path: str | Path, text: str, *, force: bool = False,
                 inputs: Iterable[str | Path] = ()) -> None:
    """Write ``text`` as UTF-8 through a temporary file renamed over ``path``: the old
    file stays intact until the new one is complete. Without ``force`` an existing file
    is an ``OutputError``.

    On Linux the data goes to an anonymous file (``O_TMPFILE``) that gets a name only
    once it is complete and synced, so even a process killed mid-write leaves nothing
    behind; elsewhere a ``.NAME.*.tmp`` file is used and removed on any exception. A
    symlinked target is written through (the link stays a link), and the file keeps
    the permissions of the file it replaces (a new one gets the umask's default).

    ``inputs`` are the files the command read: writing over one of them (``export
    --bib refs.bib -o refs.bib``) is refused even with ``force``, since it is always a
    slip that would replace the user's data with the command's output."""
    p = Path(path)
    check_target(p, force=force, inputs=inputs)
    target = p.resolve() if p.is_symlink() else p
    directory = target.parent if str(target.parent) else Path(".")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OutputError(f"cannot encode the output as UTF-8 ({exc.reason})", path=p,
                          fix="this is a bug in sinosoviet; please report it") from exc
    mode = _mode_for(target)
    try:
        if not _write_anonymous(directory, target, data, mode):
            _write_named(directory, target, data, mode)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=p,
                          fix="check permissions and free disk space") from exc


def _same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except (OSError, RuntimeError):  # either does not exist (yet), or a symlink loop
        return False


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _write_anonymous(directory: Path, target: Path, data: bytes, mode: int) -> bool:
    """Linux: write to an unnamed inode, then link and rename it. False when the
    platform or file system cannot, so that the caller falls back to a named file."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return False
    try:
        fd = os.open(directory, flag | os.O_WRONLY | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return False
        raise
    tmp = directory / f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    try:
        os.fchmod(fd, mode)  # O_TMPFILE's mode is masked by the umask; keep the old one
        _write_all(fd, data)
        # linkat(AT_SYMLINK_FOLLOW) gives the anonymous inode a name; os.link calls
        # plain link() (which fails on /proc's magic links) unless a dir fd is passed.
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.link(f"/proc/self/fd/{fd}", tmp.name, dst_dir_fd=dir_fd, follow_symlinks=True)
        finally:
            os.close(dir_fd)
    finally:
        os.close(fd)
    _rename(tmp, target)
    return True


def _write_named(directory: Path, target: Path, data: bytes, mode: int) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    tmp = Path(name)
    try:
        os.fchmod(fd, mode)  # mkstemp creates 0600; keep the replaced file's mode
        _write_all(fd, data)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    _rename(tmp, target)


def _rename(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    # Make the rename itself durable (best effort: not every platform opens folders).
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
