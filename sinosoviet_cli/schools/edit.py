"""Tagging by hand: set or clear a work's school in a .bib file as a textual edit.

Only the ``keywords`` and ``schoolevidence`` lines of the named entries change; every
other byte of the file stays as it was (comments, field order, alignment, other
entries), which a parse-and-reserialise round trip cannot promise. The caller writes
the result atomically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sinosoviet_cli.errors import BibError
from sinosoviet_cli.schools.works import (
    EVIDENCE_FIELD,
    KEYWORD_PREFIX,
    Tag,
    parse_evidence,
    plain,
    with_school,
)

MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a field's value sits in the text (``start``/``end`` of the value itself,
    ``line_start``/``line_end`` of the whole line)."""

    start: int
    end: int
    line_start: int
    line_end: int


def _entry(text: str, key: str) -> tuple[int, int]:
    """The body of entry ``key`` (after ``@type{key,`` up to its closing brace)."""
    pattern = re.compile(r"@\s*(\w+)\s*[{(]\s*" + re.escape(key) + r"\s*,", re.IGNORECASE)
    for match in pattern.finditer(text):
        if match.group(1).lower() in ("comment", "string", "preamble"):
            continue
        depth, i = 1, match.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            return match.end(), i - 1
    raise BibError(f"no entry {key!r}", fix="give the key as `sinosoviet list` shows it")


def _value_end(text: str, i: int, stop: int) -> int:
    """The end of a field value starting at ``i`` (braced, quoted or bare)."""
    if text[i] == "{":
        depth = 0
        for j in range(i, stop):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            if depth == 0:
                return j + 1
    if text[i] == '"':
        j = text.find('"', i + 1, stop)
        return j + 1 if j > 0 else stop
    match = re.compile(r"[,\n}]").search(text, i, stop)
    return match.start() if match else stop


def _field(text: str, start: int, stop: int, name: str) -> Span | None:
    match = re.compile(r"^[ \t]*" + name + r"[ \t]*=[ \t]*",
                       re.IGNORECASE | re.MULTILINE).search(text, start, stop)
    if match is None:
        return None
    end = _value_end(text, match.end(), stop)
    line_end = text.find("\n", end, stop + 1)
    return Span(match.end(), end, match.start(), stop if line_end < 0 else line_end + 1)


def _value(text: str, span: Span) -> str:
    raw = text[span.start:span.end]
    return raw[1:-1] if raw[:1] in "{\"" and len(raw) >= 2 else raw


def _new_line(text: str, start: int, stop: int, name: str, value: str) -> tuple[int, str]:
    """Where to insert a new field line and the line: first in the entry (after its
    ``@type{key,`` line, so no other line needs a comma), aligned like its fields."""
    fields = list(re.compile(r"^([ \t]*)(\w+)([ \t]*)=", re.MULTILINE).finditer(text, start,
                                                                               stop))
    newline = text.find("\n", start, stop)
    if not fields or newline < 0:
        return start, f"\n  {name} = {{{value}}},"
    first = fields[0]
    width = len(first.group(2)) + len(first.group(3))
    label = name.ljust(width) if first.group(3) else name + " "
    return newline + 1, f"{first.group(1)}{label}= {{{value}}},\n"


def _set(text: str, key: str, name: str, value: str | None) -> str:
    start, stop = _entry(text, key)
    span = _field(text, start, stop, name)
    if value is None:
        return text if span is None else text[:span.line_start] + text[span.line_end:]
    if span is not None:
        return text[:span.start] + "{" + value + "}" + text[span.end:]
    at, line = _new_line(text, start, stop, name, value)
    return text[:at] + line + text[at:]


def _get(text: str, key: str, name: str) -> str:
    start, stop = _entry(text, key)
    span = _field(text, start, stop, name)
    return "" if span is None else _value(text, span)


def _safe(reason: str) -> str:
    return reason.replace("{", "(").replace("}", ")").replace(";", ",").strip()


def tag_text(text: str, keys: Sequence[str], school: str, reason: str = "") -> str:
    """``text`` with each entry's school set to ``school`` by hand: ``keywords`` gets
    ``school:<id>`` (its other keywords kept) and the evidence says ``rule: manual``
    with the reason and what the tag was before."""
    for key in keys:
        keywords = _get(text, key, "keywords")
        old = next((plain(k)[len(KEYWORD_PREFIX):] for k in re.split(r"[,;]", keywords)
                    if plain(k).casefold().startswith(KEYWORD_PREFIX)), "")
        before = parse_evidence(_get(text, key, EVIDENCE_FIELD))
        was = f"{old} ({before.rule})" if old and before and before.rule != MANUAL else (
            before.was if before and before.rule == MANUAL else old)
        evidence = Tag(school, MANUAL, reason=_safe(reason), was=was).field()
        text = _set(text, key, "keywords", with_school(keywords, school))
        text = _set(text, key, EVIDENCE_FIELD, evidence)
    return text


def clear_text(text: str, keys: Sequence[str]) -> str:
    """``text`` without the entries' school keyword and evidence (a later ``parse``
    tags them again); an emptied ``keywords`` line goes."""
    for key in keys:
        keywords = _get(text, key, "keywords")
        kept = ", ".join(k.strip() for k in re.split(r"[,;]", keywords)
                         if k.strip() and not plain(k).casefold().startswith(KEYWORD_PREFIX))
        if kept != keywords:
            text = _set(text, key, "keywords", kept or None)
        text = _set(text, key, EVIDENCE_FIELD, None)
    return text
