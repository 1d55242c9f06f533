"""File I/O at the edges: decoding input files and writing output atomically.

Every read goes through :func:`read_text`, every write through :func:`write_atomic`,
so that unreadable input always becomes an ``InputError`` naming the file, and no
output file is ever left half written.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError, OutputError
from .text import nfc

_FIX_ENCODING = "save it as UTF-8 and try again"


def read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=p, fix="check the path")
    if p.is_dir():
        raise InputError("is a directory, not a file", path=p, fix="give the path of a file")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=p, fix="check permissions") from exc


def decode(data: bytes, path: str | Path) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 (BOM); failing that, Big5 or
    GB18030 as charset-normalizer detects them; otherwise an ``InputError``."""
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


def read_text(path: str | Path) -> str:
    """Read a text file of any supported encoding, NFC-normalised, with ``\\n`` line ends."""
    text = decode(read_bytes(path), path)
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
    return None if "\x00" in text else text


def _detect_cjk_encodings(data: bytes) -> list[str]:
    # Lazy: charset-normalizer is only needed for legacy-encoded drafts.
    from charset_normalizer import from_bytes

    found = [m.encoding for m in from_bytes(data, cp_isolation=["big5", "gb18030", "utf_16"])]
    # Big5 text often also decodes as GB18030 (a superset of GBK): keep the detector's
    # order, then try both, so that a failed guess still gets the other.
    return [*found, "big5", "gb18030"]


def write_atomic(path: str | Path, text: str, *, force: bool = True) -> None:
    """Write ``text`` as UTF-8 through a temporary file renamed over ``path``: the old
    file stays intact until the new one is complete. Without ``force`` an existing file
    is an ``OutputError``."""
    p = Path(path)
    if p.is_dir():
        raise OutputError("is a directory", path=p, fix="give a file name")
    if not force and p.exists():
        raise OutputError("already exists", path=p, fix="pass --force to overwrite it")
    directory = p.parent if str(p.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError("its folder does not exist", path=p, fix="create the folder first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path=p, fix="check permissions") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
