"""BibTeX fields CSL cannot hold, carried as ``tex.<field>: <value>`` lines of ``note``.

CSL-JSON has no ``crossref``, no journal subtitle, no "and others", no place for the
tool's own ``footnotes`` and school evidence. Better BibTeX keeps such fields as
``tex.<field>: <value>`` lines in Zotero's *Extra* (CSL ``note``), which Zotero keeps on
import and the CSL styles never print; ``export --format csl-json`` writes them for
exactly the fields the CSL variables would not give back, so that bib → CSL-JSON → works
is lossless. Read back, a line sets its field (an empty value removes it; the last line
for a field wins); ``tex.entrytype`` sets the BibTeX type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

ENTRY_TYPE = "entrytype"
_LINE = re.compile(r"^tex\.([a-z][a-z0-9_-]*)\s*:[ \t]?(.*)$")


def encode(name: str, value: str) -> str:
    """One field as a note line; a value a line cannot hold as is (a newline, outer
    spaces, a leading quote) is written as a JSON string."""
    plain = "\n" not in value and "\r" not in value and value == value.strip()
    shown = value if plain and not value.startswith('"') else json.dumps(
        value, ensure_ascii=False)
    return f"tex.{name}: {shown}"


def decode(line: str) -> tuple[str, str] | None:
    """``tex.month: 3`` → ``("month", "3")``; None for any other line."""
    m = _LINE.match(line)
    if not m:
        return None
    value = m.group(2).strip()
    if value.startswith('"'):
        try:
            loaded = json.loads(value)
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, str):
            return m.group(1), loaded
    return m.group(1), value


def overrides(lines: Iterable[str]) -> dict[str, str]:
    """The fields the ``tex.`` lines of a note set, in order (later lines win)."""
    found: dict[str, str] = {}
    for line in lines:
        pair = decode(line)
        if pair is not None:
            found[pair[0]] = pair[1]
    return found


def apply(entry_type: str, fields: dict[str, str],
          lines: Mapping[str, str]) -> str:
    """Set (or, for an empty value, remove) each carried field; the entry type."""
    for name, value in lines.items():
        if name == ENTRY_TYPE:
            entry_type = value.lower() or entry_type
        elif value:
            fields[name] = value
        else:
            fields.pop(name, None)
    return entry_type


def difference(entry_type: str, wanted: Mapping[str, str], back_type: str,
               back: Mapping[str, str]) -> list[str]:
    """The lines that turn what the CSL variables give back (``back_type``, ``back``)
    into the work as it was (``entry_type``, ``wanted``)."""
    lines = [encode(ENTRY_TYPE, entry_type)] if back_type != entry_type else []
    for name in sorted(set(wanted) | set(back)):
        if wanted.get(name, "") != back.get(name, ""):
            lines.append(encode(name, wanted.get(name, "")))
    return lines
