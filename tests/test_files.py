"""Decoding input files and atomic writes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from sinosoviet_cli.errors import InputError, OutputError
from sinosoviet_cli.files import check_target, read_text, write_atomic

TEXT = "楊奎松，《走向破裂》（香港：三聯書店，1999），388-392。\nZagoria, The Sino-Soviet Conflict\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", TEXT.encode("utf-8")),
        ("bom.txt", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
        ("utf16.txt", TEXT.encode("utf-16")),
        ("utf16le-nobom.txt", TEXT.encode("utf-16-le")),
        ("big5.txt", TEXT.encode("big5")),
        ("crlf.txt", TEXT.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_read_text_decodes_supported_encodings(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert read_text(path) == TEXT


def test_read_text_gb18030(tmp_path: Path) -> None:
    simplified = "杨奎松：《走向破裂》，三联书店1999年版，第388页。\n" * 3
    path = tmp_path / "gb.txt"
    path.write_bytes(simplified.encode("gb18030"))
    assert read_text(path) == simplified


def test_read_text_normalises_compatibility_ideographs(tmp_path: Path) -> None:
    path = tmp_path / "compat.txt"
    path.write_text("\uf9e1銳", encoding="utf-8")
    assert read_text(path) == "李銳"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a directory"),
        (lambda p: (p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50), p)[1], "binary"),
    ],
)
def test_read_text_errors_name_the_file(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "input.txt")
    with pytest.raises(InputError) as info:
        read_text(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_write_atomic_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        write_atomic(path, "new", force=False)
    assert path.read_text(encoding="utf-8") == "old"
    write_atomic(path, "new", force=True)
    assert path.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["references.bib"]


def test_write_atomic_does_not_overwrite_by_default(tmp_path: Path) -> None:
    path = tmp_path / "references.bib"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="already exists"):
        write_atomic(path, "new")  # the tool's contract: only --force overwrites
    assert path.read_text(encoding="utf-8") == "old"


def test_check_target_refuses_before_any_write(tmp_path: Path) -> None:
    paper = tmp_path / "paper.txt"
    paper.write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(paper)
    for target, force, message in (
        (tmp_path, True, "is a directory"),
        (paper, True, "is also an input"),
        (tmp_path / "link.txt", True, "is also an input"),
        (tmp_path / "sub" / ".." / "paper.txt", True, "is also an input"),
        (paper, False, "is also an input"),
        (tmp_path / "missing" / "out.bib", True, "folder does not exist"),
    ):
        with pytest.raises(OutputError, match=message):
            check_target(target, force=force, inputs=[paper])
    other = tmp_path / "out.bib"
    check_target(other, force=False, inputs=[paper])  # a new file is fine
    other.write_text("y", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        check_target(other, force=False, inputs=[paper])
    check_target(other, force=True, inputs=[paper])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "out.bib", "paper.txt"]
