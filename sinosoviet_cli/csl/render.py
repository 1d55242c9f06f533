"""The public face of the ``csl`` stage: every name callers use, re-exported.

Callers write ``from sinosoviet_cli.csl import render`` and ``render.export(...)``;
the modules behind it (``items``, ``sort``, ``styles``, ``formats``, ``patches``,
``titlecase``, ``engine``, ``notes``, ``export``) are internal and may move.
"""

from __future__ import annotations

from sinosoviet_cli.csl.cache import EntryCache
from sinosoviet_cli.csl.engine import PARALLEL_MIN, Cite, Entry, nest_quotes
from sinosoviet_cli.csl.export import (
    add_year_suffixes,
    bibliography,
    document,
    export,
)
from sinosoviet_cli.csl.items import csl_name, to_csl
from sinosoviet_cli.csl.notes import Part, RenderedNote, note_parts, notes, paper_notes, positions
from sinosoviet_cli.csl.patches import check_citeproc, patch_citeproc, unpatched
from sinosoviet_cli.csl.sort import romanise, romanise_name, sort_key, sort_works
from sinosoviet_cli.csl.styles import (
    DEFAULT_STYLE,
    FORMATS,
    STYLES,
    bibliography_fallback,
    bundled_styles_dir,
    iter_styles,
    require_style,
    style_facts,
    style_path,
    western_style,
)
from sinosoviet_cli.model import split_persons
from sinosoviet_cli.text.latex import delatex

__all__ = [
    "DEFAULT_STYLE", "FORMATS", "PARALLEL_MIN", "STYLES", "Cite", "Entry", "EntryCache", "Part",
    "RenderedNote", "add_year_suffixes", "bibliography", "bibliography_fallback",
    "bundled_styles_dir", "check_citeproc", "csl_name", "delatex", "document", "export",
    "iter_styles", "nest_quotes", "note_parts", "notes", "paper_notes", "patch_citeproc",
    "positions", "require_style", "romanise", "romanise_name", "sort_key", "sort_works",
    "split_persons", "style_facts", "style_path", "to_csl", "unpatched", "western_style",
]
