"""A cache of rendered bibliography entries, so that a second export of the same
bibliography neither loads citeproc-py nor romanises a name.

An entry is stored under a hash of everything its text depends on: the entry itself
after crossref inheritance (key, type, fields), and the run's *context* — the style
file and its companion/fallback styles, ``styles.toml``, the output format, the
caller's options (e.g. romanisation), the citeproc-py version, the project's version,
``FIXES_VERSION`` and the source of this package (our citeproc fixes). Neighbours never
enter an entry's text: the repeated-author dash and year suffixes are applied after the
cache, in bibliography order.

Entries live under ``$XDG_CACHE_HOME/sinosoviet/packs`` (default ``~/.cache``), one
file per context (a *pack*): a cold export writes one file, a warm one reads one. A
pack is written to a temporary file and ``os.replace``-d, so concurrent runs never see
half of one; an unreadable pack counts as a miss. The directory is pruned at most once
a day: packs older than ``MAX_AGE`` go, then the oldest until it holds less than
``MAX_BYTES``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Bump when a citeproc fix or item mapping changes output without a version change.
FIXES_VERSION = "1"
MAX_BYTES = 64 * 1024 * 1024
MAX_AGE = 60 * 24 * 3600.0
#: A pack keeps the entries of the last export, then earlier versions of them up to
#: twice their number plus ``PACK_SLACK``, never more than ``PACK_MAX``.
PACK_MAX = 100_000
PACK_SLACK = 100
_PRUNE_EVERY = 24 * 3600.0


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/sinosoviet`` (an empty or relative variable is ignored, as the
    XDG specification says), else ``~/.cache/sinosoviet``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "sinosoviet"


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place, so
    that a concurrent reader sees the old file or the new one, never half of one."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True, slots=True)
class Cached:
    """A rendered entry and its bibliography sort key."""

    text: str
    sort: tuple[str, ...]


def _file_digest(paths: Iterable[Path]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in paths:
        h.update(str(path.name).encode())
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0missing")
    return h.hexdigest()


def _code_digest() -> str:
    """This package's source and the data files rendering reads: an edited fix or
    table invalidates the cache even when no version number changed."""
    package = Path(__file__).resolve().parent
    data = package.parent / "data"
    files = [*sorted(package.glob("*.py")), *sorted(data.glob("*.toml")),
             *sorted((data / "styles").glob("*"))]
    return _file_digest(files)


def package_version(dist: str, package: str) -> str:
    """The installed version of ``dist`` (whose import name is ``package``), from its
    ``.dist-info`` folder name beside the package: ``importlib.metadata`` costs ~10 ms
    to import, a tenth of a warm export."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        prefix = dist.replace("-", "_").lower() + "-"
        with contextlib.suppress(OSError):
            for entry in os.scandir(site):
                name = entry.name.lower()
                if name.startswith(prefix) and name.endswith(".dist-info"):
                    return name[len(prefix):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


def context_digest(styles: Sequence[Path], fmt: str, options: Mapping[str, Any]) -> str:
    """The part of every key shared by one run: styles, format, options, versions."""
    from sinosoviet_cli import __version__

    parts = {"styles": _file_digest(styles), "fmt": fmt, "options": dict(options),
             "citeproc": package_version("citeproc-py", "citeproc"),
             "pypinyin": package_version("pypinyin", "pypinyin"),
             "project": __version__, "fixes": FIXES_VERSION, "code": _code_digest()}
    return hashlib.blake2b(json.dumps(parts, sort_keys=True).encode(),
                           digest_size=16).hexdigest()


def entry_digest(context: str, key: str, entry_type: str, fields: Mapping[str, str]) -> str:
    """The key of one entry: its inherited fields under ``context``."""
    data = json.dumps([context, key, entry_type, sorted(fields.items())], ensure_ascii=False)
    return hashlib.blake2b(data.encode(), digest_size=20).hexdigest()


class EntryCache:
    """Rendered entries on disk, by ``entry_digest``: one *pack* file per context and
    ``scope`` (the bibliography files exported: each keeps its own pack, so a small
    bibliography never reads a large one's)."""

    def __init__(self, root: Path | None = None, scope: str = "") -> None:
        self.root = (root or cache_root()) / "packs"
        self.scope = scope
        self._packs: dict[str, dict[str, Cached]] = {}
        self._used: dict[str, dict[str, Cached]] = {}

    def _pack_path(self, context: str) -> Path:
        name = context if not self.scope else hashlib.blake2b(
            f"{context}\0{self.scope}".encode(), digest_size=16).hexdigest()
        return self.root / f"{name}.json"

    def pack(self, context: str) -> dict[str, Cached]:
        """The entries stored under ``context`` (read once per instance); ``{}`` if
        there are none or the file is unreadable."""
        found = self._packs.get(context)
        if found is None:
            try:
                data = json.loads(self._pack_path(context).read_bytes())
                found = {str(d): Cached(str(t), tuple(str(x) for x in s))
                         for d, (t, s) in data.items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                found = {}
            self._packs[context] = found
        return found

    def store(self, context: str, items: Mapping[str, Cached], *, write: bool = True) -> None:
        """Note the entries (digest -> entry) this run exported under ``context`` and,
        with ``write``, write its pack atomically: every entry this run exported (all
        its sections), then others stored before (an entry's earlier versions), up to
        twice as many as this run's plus ``PACK_SLACK`` and never beyond ``PACK_MAX``.
        One file per run however many entries were rendered (1,000 small files cost
        more than rendering them); two runs storing at once keep the last one's pack,
        which only costs speed. A cache that cannot be written (read-only home, full
        disk) is skipped silently."""
        used = self._used.setdefault(context, {})
        used.update(items)
        if not write:
            return
        limit = min(PACK_MAX, 2 * len(used) + PACK_SLACK)
        merged = dict(used)
        for digest, entry in self.pack(context).items():
            if len(merged) >= limit:
                break
            merged.setdefault(digest, entry)
        self._packs[context] = merged
        data = {d: [e.text, list(e.sort)] for d, e in merged.items()}
        try:
            write_atomic_bytes(self._pack_path(context),
                               json.dumps(data, ensure_ascii=False).encode())
            self.prune()
        except OSError:
            return

    def prune(self, *, now: float | None = None, force: bool = False) -> int:
        """Remove stale entries (older than ``MAX_AGE``, then the oldest beyond
        ``MAX_BYTES``), at most once every ``_PRUNE_EVERY`` unless ``force``; returns
        how many files were removed. Files another run removes meanwhile are ignored."""
        now = time.time() if now is None else now
        stamp = self.root / ".pruned"
        try:
            if not force and now - stamp.stat().st_mtime < _PRUNE_EVERY:
                return 0
        except FileNotFoundError:
            pass
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        # Earlier builds kept one file per entry in entries/: no longer read.
        shutil.rmtree(self.root.parent / "entries", ignore_errors=True)
        files: list[tuple[float, int, Path]] = []
        for path in self.root.glob("*.json"):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            files.append((st.st_mtime, st.st_size, path))
        files.sort()
        total = sum(size for _, size, _ in files)
        removed = 0
        for mtime, size, path in files:
            if now - mtime <= MAX_AGE and total <= MAX_BYTES:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed
