"""Reading and writing BibTeX. The only module that imports bibtexparser: its types
never leave this module; callers get our own ``Work`` values.

Field values are kept as BibTeX-level strings without the outer braces (so a Chinese
person stays ``{楊奎松}`` inside ``author``), field names lower-cased.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.errors import BibError
from sinosoviet_cli.files import read_bytes, read_text, write_atomic
from sinosoviet_cli.model import Unparsed, Work

#: The order fields are written in; the rest follow alphabetically.
FIELD_ORDER = (
    "author", "editor", "editortype", "translator", "editora", "editoratype", "title",
    "subtitle", "crossref", "maintitle", "booktitle", "journal", "journaltitle", "journalsubtitle",
    "howpublished", "edition",
    "volume", "number", "pages",
    "address", "location", "publisher", "institution", "school", "type", "eventtitle", "year",
    "date", "month", "url", "urldate", "doi", "note", "langid", "keywords", "footnotes",
)
_RANK = {name: i for i, name in enumerate(FIELD_ORDER)}


@dataclass(frozen=True, slots=True)
class Library:
    """A loaded bibliography: its works in file order and what could not be used."""

    path: str  # the file, or the files joined with ", " when several were read
    works: tuple[Work, ...]
    problems: tuple[Unparsed, ...] = ()
    paths: tuple[str, ...] = ()  # every file read (empty: just ``path``)
    problem_paths: tuple[str, ...] = ()  # the file of each problem (empty: ``path``)
    work_paths: tuple[str, ...] = ()  # the file of each work (empty: ``path``)

    def where(self, problem: Unparsed) -> str:
        """``file:line`` of one of this library's problems."""
        i = next((i for i, p in enumerate(self.problems) if p is problem), -1)
        path = self.problem_paths[i] if 0 <= i < len(self.problem_paths) else self.path
        return f"{path}:{problem.line}" if problem.line is not None else path

    def file_of(self, key: str) -> str:
        """The file the entry ``key`` was read from (``path`` for one file)."""
        folded = key.casefold()
        i = next((i for i, w in enumerate(self.works) if w.key.casefold() == folded), -1)
        return self.work_paths[i] if 0 <= i < len(self.work_paths) else self.path

    def get(self, key: str) -> Work | None:
        """Find a work by key; keys compare without regard to case as in BibTeX."""
        folded = key.casefold()
        return next((w for w in self.works if w.key.casefold() == folded), None)


#: biblatex crossref inheritance: fields a child takes from its parent under a new name,
#: and fields that stay the child's own.
_INHERIT_AS = {"title": "booktitle", "subtitle": "booksubtitle", "author": "bookauthor"}
_NO_INHERIT = {"crossref", "keywords", "footnotes", "ids", "shorttitle", "pages"}


def inherit(work: Work, by_key: Mapping[str, Work]) -> dict[str, str]:
    """A work's fields with its crossref parent's filled in, as biblatex does: the
    parent's title becomes the child's ``booktitle``, other fields keep their name."""
    fields = dict(work.fields)
    parent_key = fields.get("crossref", "")
    parent = by_key.get(parent_key.casefold()) if parent_key else None
    if parent is not None:
        for name, value in parent.fields.items():
            base, plus, _ = name.partition("+")
            if name in _NO_INHERIT or (plus and base in work.fields):
                continue  # an annotation (editor+an:alt) goes with its own field only
            target = _INHERIT_AS.get(name, name)
            fields.setdefault(target, value)
    return fields


def bundled_path() -> Path:
    """The bundled ``references.bib``: package data in an installed wheel, the repo
    root's file in a source checkout or editable install."""
    packaged = resources.files("sinosoviet_cli") / "data" / "references.bib"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "references.bib"


def default_path(option: str | Path | Sequence[str | Path] | None) -> Path:
    """``--bib`` if given (the first, where several are), else ``./references.bib`` if
    present, else the bundled copy."""
    if isinstance(option, (str, Path)):
        return Path(option)
    if option:
        return Path(option[0])
    local = Path("references.bib")
    return local if local.is_file() else bundled_path()


def is_fallback(option: str | Path | Sequence[str | Path] | None) -> bool:
    """True when :func:`default_path` falls back to the bundled copy: neither ``--bib``
    nor a ``./references.bib`` named a file of the user's. Commands that write refuse
    then; a ``./references.bib`` is the user's even when it is the checkout's own file
    (an editable install's bundled copy is that file)."""
    return not option and not Path("references.bib").is_file()


def parse(text: str, path: str = "<string>") -> Library:
    """Parse BibTeX text into a ``Library``. Syntax errors and duplicate keys become
    ``Unparsed`` problems with their line numbers; nothing raises."""
    from bibtexparser import model as bm
    from bibtexparser.entrypoint import parse_string

    # bibtexparser logs parse failures itself; we report them as values instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    lib = parse_string(text)
    works: list[Work] = []
    problems: list[Unparsed] = []
    seen: dict[str, Work] = {}
    for block in lib.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bm.DuplicateBlockKeyBlock):
            problems.append(
                Unparsed("duplicate-key", (block.raw or "").strip()[:200],
                         f"duplicate key {block.key!r}; the first entry is used", line=line)
            )
        elif isinstance(block, bm.DuplicateFieldKeyBlock):
            names = ", ".join(sorted(block.duplicate_keys))
            problems.append(Unparsed("syntax", (block.raw or "").strip()[:200],
                                     f"field {names} given twice in one entry", line=line))
        elif isinstance(block, bm.ParsingFailedBlock):
            raw = block.raw or ""
            problems.append(
                Unparsed("syntax", raw.strip()[:200],
                         _unbalanced(raw) or _first_line(str(block.error)), line=line)
            )
        elif isinstance(block, bm.Entry):
            fields = {f.key.lower(): _value(f.value) for f in block.fields}
            raw = (block.raw or "").strip()[:200]
            wrong = _malformed(block.key, fields)
            if wrong:
                problems.append(Unparsed("syntax", raw, wrong, line=line))
                continue
            first = seen.get(block.key.casefold())
            if first is not None:
                # bibtexparser keeps keys that differ only in case; BibTeX, biber and
                # citeproc-py (which lower-cases keys) take them for one.
                problems.append(Unparsed(
                    "duplicate-key", raw, f"key {block.key!r} differs from {first.key!r} "
                    f"(line {first.line}) only in case; the first entry is used", line=line))
                continue
            work = Work(block.key, block.entry_type.lower(), MappingProxyType(fields), line)
            seen[block.key.casefold()] = work
            works.append(work)
    keys = set(seen)
    for w in works:
        parent = w.get("crossref")
        if parent and parent.casefold() not in keys:
            problems.append(
                Unparsed("crossref", w.key, f"crossref to missing entry {parent!r}", line=w.line)
            )
    return Library(path, tuple(works), tuple(problems))


_BAD_KEY_CHAR = re.compile(r"[\s,{}\"#%'()=\\]")
# A field value that runs on into the next field: `title = {X}` + newline + `year = {..}`.
_RUN_ON = re.compile(r"[}\"]\s*\n\s*([A-Za-z][\w-]*)\s*=\s*[{\"\w]")


def _malformed(key: str, fields: Mapping[str, str]) -> str:
    """What BibTeX would reject in an entry bibtexparser accepted ('' if nothing): no
    key, a character keys cannot hold, a missing comma that merged two fields."""
    if not key.strip():
        return "an entry without a key"
    bad = _BAD_KEY_CHAR.search(key)
    if bad:
        return f"key {key!r} contains {bad.group()!r}, which BibTeX keys cannot hold"
    for name, value in fields.items():
        run_on = _RUN_ON.search(value)
        if run_on:
            return (f"missing comma before field {run_on.group(1)!r} (it was read as part "
                    f"of {name!r})")
    return ""


def load(path: str | Path, *, strict: bool = True) -> Library:
    """Read a .bib file. With ``strict``, a syntax error is a ``BibError`` naming the
    file and line (other problems stay in ``Library.problems`` for the caller to warn).

    What :func:`parse` makes of a file is cached by a hash of its bytes (see
    :func:`_cached_parse`): a second run on an unchanged file neither imports
    bibtexparser nor parses."""
    library = _cached_parse(path)
    if strict:
        for problem in library.problems:
            if problem.what == "syntax":
                raise BibError(
                    f"malformed BibTeX: {problem.reason}",
                    path=path,
                    line=problem.line,
                    fix="correct the entry that starts at that line",
                )
        if not library.works and not library.problems:
            # bibtexparser reads any text as comments: a draft given as --bib lands here.
            raise BibError("has no BibTeX entries", path=path,
                           fix="give a .bib file with entries such as @book{key, ...}")
    return library


#: Bump when what ``parse`` makes of the same bytes changes without a source change here.
_PARSED_VERSION = "1"
#: Parsed bibliographies kept in the cache (the least recently written go first).
_PARSED_KEEP = 32


def _cached_parse(path: str | Path) -> Library:
    """``parse(read_text(path))``, from ``$XDG_CACHE_HOME/sinosoviet/parsed`` when the
    same bytes were parsed before by the same code. Stored as marshal of plain tuples
    (~20x faster to read than to parse); an unreadable or corrupt file is a miss, a
    cache that cannot be written is skipped. Standard input is never cached."""
    import hashlib
    import marshal

    from sinosoviet_cli.csl.cache import cache_root, write_atomic_bytes

    if str(path) == "-":
        return parse(read_text(path), str(path))
    data = read_bytes(path)
    h = hashlib.blake2b(data, digest_size=20)
    h.update(_parser_identity())
    file = cache_root() / "parsed" / f"{h.hexdigest()}.marshal"
    try:
        return _from_plain(marshal.loads(file.read_bytes()), str(path))
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        pass
    library = parse(read_text(path), str(path))
    try:
        write_atomic_bytes(file, marshal.dumps(_to_plain(library)))
        _prune_parsed(file.parent)
    except OSError:
        pass
    return library


def _parser_identity() -> bytes:
    """What the parse result depends on besides the bytes: this module's and the
    model's source, bibtexparser's, the project's and Python's versions (marshal's
    format is Python's)."""
    import sys

    from sinosoviet_cli import __version__, files, model
    from sinosoviet_cli.csl.cache import package_version

    parts = [_PARSED_VERSION, __version__, sys.version,
             package_version("bibtexparser", "bibtexparser")]
    for module in (__file__, files.__file__, model.__file__):
        st = os.stat(module)
        parts.append(f"{module}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts).encode()


def _to_plain(library: Library) -> Any:
    return (tuple((w.key, w.entry_type, tuple(w.fields.items()), w.line)
                  for w in library.works),
            tuple((p.what, p.text, p.reason, p.line, p.footnote) for p in library.problems))


def _from_plain(plain: Any, path: str) -> Library:
    works, problems = plain
    return Library(path,
                   tuple(Work(k, t, MappingProxyType(dict(f)), line)
                         for k, t, f, line in works),
                   tuple(Unparsed(*p) for p in problems))


def _prune_parsed(folder: Path) -> None:
    """Keep the ``_PARSED_KEEP`` most recently written parses."""
    found = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".marshal"):
            try:
                found.append((entry.stat().st_mtime, entry.path))
            except OSError:
                continue
    for _mtime, old in sorted(found, reverse=True)[_PARSED_KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(old)


def load_one(path: str | Path) -> Library:
    """A ``.json`` CSL-JSON bibliography (Zotero's "Export Library… CSL JSON") or a .bib."""
    if Path(path).suffix.lower() == ".json":
        from sinosoviet_cli.drafts.csljson import load_csl_json  # imports this module

        return Library(str(path), load_csl_json(path))
    return load(path)


def load_all(option: str | Path | Sequence[str | Path] | None) -> Library:
    """``--bib`` given any number of times (or not at all: :func:`default_path`) as one
    library. A key already read from an earlier file is a ``duplicate-key`` problem of
    the later file; the first entry is used, as within one file."""
    if option is None or isinstance(option, (str, Path)):
        paths = [default_path(option)]
    else:
        paths = [Path(p) for p in option] or [default_path(None)]
    libraries = [load_one(p) for p in dict.fromkeys(paths)]
    if len(libraries) == 1:
        return libraries[0]
    works: list[Work] = []
    work_paths: list[str] = []
    problems: list[Unparsed] = []
    problem_paths: list[str] = []
    seen: dict[str, str] = {}  # folded key → where it was first read (file[:line])
    for lib in libraries:
        problems += lib.problems
        problem_paths += [lib.path] * len(lib.problems)
        for w in lib.works:
            first = seen.get(w.key.casefold())
            if first is None:
                seen[w.key.casefold()] = lib.path + (f":{w.line}" if w.line else "")
                works.append(w)
                work_paths.append(lib.path)
                continue
            here = lib.path + (f":{w.line}" if w.line else "")
            problems.append(Unparsed("duplicate-key", w.key, f"duplicate key {w.key!r} in "
                                     f"{here}: also in {first}; the first entry is used",
                                     line=w.line))
            problem_paths.append(lib.path)
    return Library(", ".join(lib.path for lib in libraries), tuple(works), tuple(problems),
                   tuple(lib.path for lib in libraries), tuple(problem_paths),
                   tuple(work_paths))


def _value(value: object) -> str:
    # bibtexparser's default middleware has already removed the enclosing braces or
    # quotes; stripping again would turn ``{{楊奎松}}`` into ``楊奎松`` instead of ``{楊奎松}``.
    return str(value)


def _unbalanced(raw: str) -> str:
    """Name the usual cause of a failed entry: braces or quotes that do not pair up."""
    opened, closed = raw.count("{") - raw.count("\\{"), raw.count("}") - raw.count("\\}")
    if opened != closed:
        return f"unbalanced braces: {opened} '{{' but {closed} '}}' in the entry"
    if raw.count('"') % 2:
        return "an unclosed quote (\") in the entry"
    return ""


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "syntax error"


def _ordered(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """Fields in ``FIELD_ORDER``; a data annotation (``author+an:alt``) right after
    the field it annotates."""

    def rank(name: str) -> tuple[int, str, str]:
        base, plus, _ = name.partition("+")
        return (_RANK.get(base if plus else name, len(_RANK)), base, name)

    return sorted(((k, v) for k, v in fields.items() if v != ""), key=lambda kv: rank(kv[0]))


def dumps(works: Iterable[Work], *, header: Sequence[str] = ()) -> str:
    """Serialise works as BibTeX with aligned ``=`` signs and braced values."""
    parts = [f"% {line}".rstrip() for line in header]
    if parts:
        parts.append("")
    for work in works:
        fields = _ordered(work.fields)
        width = max((len(k) for k, _ in fields), default=0)
        body = "".join(f"  {k.ljust(width)} = {{{v}}},\n" for k, v in fields)
        parts.append(f"@{work.entry_type}{{{work.key},\n{body}}}\n")
    return "\n".join(parts)


def save(path: str | Path, works: Iterable[Work], *, force: bool = False,
         header: Sequence[str] = (), inputs: Iterable[str | Path] = ()) -> None:
    """Write works atomically; an existing file needs ``force``, and one of the
    command's ``inputs`` is never overwritten (see ``files.write_atomic``)."""
    works = tuple(works)
    text = dumps(works, header=header)
    check = parse(text)
    problem = check.problems[0] if check.problems else _first_difference(works, check.works)
    if problem is not None:
        raise BibError(f"refusing to write BibTeX that would not read back: {problem.reason}",
                       path=path, line=problem.line,
                       fix="this is a bug in sinosoviet; please report it")
    write_atomic(path, text, force=force, inputs=inputs)


def _first_difference(written: Sequence[Work], read: Sequence[Work]) -> Unparsed | None:
    """The first work that does not read back exactly as written (an unbalanced brace
    in a value silently swallows the fields after it), or None."""
    for i, work in enumerate(written):
        back = read[i] if i < len(read) else None
        wanted = {k: v for k, v in work.fields.items() if v != ""}
        if (back is None or back.key != work.key or back.entry_type != work.entry_type.lower()
                or dict(back.fields) != wanted):
            return Unparsed("roundtrip", work.key, f"entry {work.key!r} changes when read back",
                            line=None if back is None else back.line)
    return None
