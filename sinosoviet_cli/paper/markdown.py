"""Pandoc Markdown drafts: ``[^n]`` and ``^[…]`` footnotes, ``[@key]`` citations."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sinosoviet_cli.paper.body import Body, assemble
from sinosoviet_cli.paper.draft_types import Draft, DraftFormat, DraftNote, KeyCite
from sinosoviet_cli.paper.positions import (
    Lines,
    SourceText,
    balanced_end,
    blank,
    blank_all,
    inside,
    make_note,
)

# pandoc: a key starts with a letter, digit or _, and may contain internal punctuation.
_KEY = r"(?:\{(?P<bkey>[^{}]+)\}|(?P<key>\w+(?:[:.#$%&\-+?<>~/]+\w+)*))"
_MD_CITE = re.compile(r"(?<![\w@])(?P<minus>-?)@" + _KEY)
_MD_BRACKET = re.compile(r"\[(?P<body>[^\[\]]*(?:\[[^\[\]]*\][^\[\]]*)*)\]")
_FN_DEF = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\]:[ \t]?")
_FN_REF = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Raw HTML tags, link destinations and URLs: an @ inside them is not a citation.
# A URL's scheme is tried at word starts only (the same matches: one starting inside a
# word would have started at the word's start; \w+ retried at every position of a
# word is quadratic in its length).
_NOT_TEXT = re.compile(r"</?[A-Za-z][^<>\n]*>|\]\([^()\s]*(?:\s+\"[^\"]*\")?\)"
                       r"|(?<!\w)\w+://[^\s<>\]]+")
_QUARTO_XREF = re.compile(r"(?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem)-")
_YAML_BIB = re.compile(r"^bibliography:\s*(.*)$")
_YAML_ITEM = re.compile(r"^\s+-\s+(.*)$")


def read_markdown(source: str, path: str = "<string>", *, as_paper: bool = False) -> Draft:
    """Pandoc Markdown: ``[^n]`` and ``^[…]`` footnotes with hand-typed citations,
    ``[@key]``, ``[see @a, 12; @b]``, ``@key`` and ``[-@key]`` citations.

    A note keeps its ``*…*``/``_…_``: italics are a Chicago note's title marks, read by
    ``grammar.emphasis`` (a draft's ``check`` and a paper's ``parse`` alike; dropping
    them left romanised titles unread). ``as_paper`` also keeps its URLs and links
    (``check`` compares drafts without them)."""
    lines = Lines(source)
    quarto = path.lower().endswith(".qmd")
    text, bibs, nocite_all = _mask_markdown(source)
    body, units, _refs = _note_units(text)
    notes: list[DraftNote] = []
    counter = 0
    printed = _unmasked(source) if as_paper else text
    for _pos, kind, start, end in units:
        n: int | None = None
        if kind != "body":
            counter += 1
            n = counter
        segment = text[start:end] if kind != "inline" else body[start:end]
        keys, spans = _markdown_keys(segment, start, lines)
        if quarto:  # @fig-…, @tbl-… are Quarto cross-references, not citations
            keys = [k for k in keys if not _QUARTO_XREF.match(k.key)]
        built = SourceText()
        pos = start
        if kind != "body":
            for s, e in spans:  # key citations are not hand-typed text
                built.add_source(printed, pos, s, lines)
                pos = e
            built.add_source(printed, pos, end, lines)
        line, column = lines.at(start)
        notes.append(make_note(n, built, keys, line, column))
    return Draft(path, DraftFormat.MARKDOWN, tuple(notes), tuple(bibs), nocite_all)


def _note_units(text: str) -> tuple[str, list[tuple[int, str, int, int]], list[int]]:
    """The body (footnote definitions blanked), the notes and key citations in reading
    order as (reading position, kind, start, end), and the body offset of each numbered
    note's marker (its first ``[^label]``, or its ``^[``; -1 for a note never referenced)."""
    defs = _footnote_definitions(text)
    # Footnote bodies are blanked out of the body text once collected.
    body = blank_all(text, [(start, end) for start, end, _label, _cstart in defs])
    # Inline notes ^[...] (brackets balanced).
    inline: list[tuple[int, int]] = []
    for m in re.finditer(r"\^\[", body):
        end = balanced_end(body, m.end() - 1, "[", "]")
        if end > 0 and not inside(inline, m.start()):
            inline.append((m.start(), end))
    units: list[tuple[int, str, int, int]] = []  # (reading position, kind, start, end)
    first_ref: dict[str, int] = {}
    for m in _FN_REF.finditer(body):
        first_ref.setdefault(m.group("label"), m.start())
    for start, end in inline:
        units.append((start, "inline", start + 2, end - 1))
    for start, end, label, cstart in defs:
        units.append((first_ref.get(label, start), "def", cstart, end))
    referenced = set(first_ref.values()) | {start for start, _end in inline}
    body_only = blank_all(body, inline)
    for kc_start, kc_end in _key_spans(body_only):
        units.append((kc_start, "body", kc_start, kc_end))
    units.sort()
    refs = [pos if pos in referenced else -1 for pos, kind, _s, _e in units if kind != "body"]
    return body, units, refs


_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_EMPHASIS = re.compile(r"(?<!\\)\*{1,3}|(?<![\w\\])_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")


def markdown_body(source: str) -> Body:
    """A Markdown paper's body (``paper.body``): ATX headings (``## 二、…``) make the
    sections, ``[^n]`` and ``^[…]`` the markers, notes numbered as :func:`read_markdown`
    numbers them."""
    text, _bibs, _nocite = _mask_markdown(source)
    body, units, refs = _note_units(text)
    notes = [(start, end) for _pos, kind, start, end in units if kind == "inline"]
    marks = [(m.start(), m.end()) for m in _FN_REF.finditer(body)]
    spans = [(s - 2, e + 1) for s, e in notes] + marks
    markers = [(pos, n) for n, pos in enumerate(refs, 1) if pos >= 0]

    def heading(line: str) -> str | None:
        m = _ATX.match(line)
        return _clean(m.group(1)) if m else None

    return assemble(blank_all(body, spans), markers, heading, _clean)


def _clean(run: str) -> str:
    """A run of Markdown as read: emphasis marks and escapes dropped."""
    return re.sub(r"\\(?=[^\w\s])", "", _EMPHASIS.sub("", run))


def _unmasked(source: str) -> str:
    """The source with only comments and code blanked: a paper's URLs and links are part
    of its citations (``<https://…>`` as printed)."""
    return blank_all(source, [(m.start(), m.end()) for pattern in (_COMMENT, _INLINE_CODE)
                              for m in pattern.finditer(source)])


def _mask_markdown(source: str) -> tuple[str, list[str], bool]:
    """Blank YAML front matter, fenced code, inline code and HTML comments; return the
    masked text, the YAML ``bibliography`` files and whether ``nocite`` has ``@*``."""
    text = source
    bibs: list[str] = []
    nocite_all = False
    split = text.split("\n")
    if split and split[0].strip() == "---":
        for i in range(1, len(split)):
            if split[i].strip() in ("---", "..."):
                yaml_lines = split[1:i]
                bibs = _yaml_bibliography(yaml_lines)
                nocite_all = any("@*" in ln for ln in yaml_lines)
                end = sum(len(s) + 1 for s in split[: i + 1])
                text = blank(text, 0, min(end, len(text)))
                break
    offset = 0
    fence: str | None = None
    fence_start = 0
    for ln in text.split("\n"):
        m = _FENCE.match(ln)
        if fence is None and m:
            fence, fence_start = m.group(1)[0] * 3, offset
        elif fence is not None and ln.strip().startswith(fence):
            text = blank(text, fence_start, offset + len(ln))
            fence = None
        offset += len(ln) + 1
    if fence is not None:
        text = blank(text, fence_start, len(text))
    for pattern in (_COMMENT, _INLINE_CODE, _NOT_TEXT):
        # Keep the ``]`` of a link, so that ``[text](url)`` stays a link.
        text = blank_all(text, [(m.start() + m.group(0).startswith("]("), m.end())
                                 for m in pattern.finditer(text)])
    return text, bibs, nocite_all


def _yaml_bibliography(lines: list[str]) -> list[str]:
    found: list[str] = []
    for i, ln in enumerate(lines):
        m = _YAML_BIB.match(ln)
        if not m:
            continue
        value = m.group(1).strip()
        if value.startswith("["):
            found += [v.strip().strip("'\"") for v in value.strip("[]").split(",") if v.strip()]
        elif value:
            found.append(value.strip("'\""))
        else:
            for item in lines[i + 1 :]:
                im = _YAML_ITEM.match(item)
                if not im:
                    break
                found.append(im.group(1).strip().strip("'\""))
    return found


def _footnote_definitions(text: str) -> list[tuple[int, int, str, int]]:
    """``[^label]: …`` blocks: (start, end, label, content start). Continuation lines are
    indented, or unindented lines of the same paragraph (pandoc's lazy continuation)."""
    found: list[tuple[int, int, str, int]] = []
    split = text.split("\n")
    starts = []
    offset = 0
    for ln in split:
        starts.append(offset)
        offset += len(ln) + 1
    i = 0
    while i < len(split):
        m = _FN_DEF.match(split[i])
        if not m:
            i += 1
            continue
        j = i + 1
        last = i
        while j < len(split):
            ln = split[j]
            if _FN_DEF.match(ln):
                break
            if ln.strip() == "":
                # A blank line continues the note only if indented text follows.
                k = j
                while k < len(split) and split[k].strip() == "":
                    k += 1
                if k < len(split) and split[k].startswith(("    ", "\t")):
                    j = k
                    continue
                break
            if j == last + 1 or ln.startswith(("    ", "\t")):
                last = j
                j += 1
                continue
            break
        end = starts[last] + len(split[last])
        found.append((starts[i], end, m.group("label"), starts[i] + m.end()))
        i = last + 1
    return found



def _key_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of key citations: a bracketed group ``[…@key…]`` or a bare ``@key``."""
    if "@" not in text:
        return  # every key citation has an @ (most notes of a long draft have none)
    taken: list[tuple[int, int]] = []
    for m in _MD_BRACKET.finditer(text):
        body = m.group("body")
        if body.startswith("^") or not _MD_CITE.search(body):
            continue
        # ``[text](url)`` and ``[text][ref]`` are links, not citations.
        after = text[m.end() : m.end() + 1]
        if after in ("(", "["):
            continue
        taken.append((m.start(), m.end()))
    brackets = list(taken)
    for m in _MD_CITE.finditer(text):
        if not inside(brackets, m.start()):
            taken.append((m.start(), m.end()))
    yield from sorted(taken)


def _markdown_keys(
    segment: str, base: int, lines: Lines
) -> tuple[list[KeyCite], list[tuple[int, int]]]:
    keys: list[KeyCite] = []
    spans: list[tuple[int, int]] = []
    for start, end in _key_spans(segment):
        spans.append((base + start, base + end))
        chunk = segment[start:end]
        if chunk.startswith("["):
            for item_start, item in _split_items(chunk[1:-1], start + 1):
                m = _MD_CITE.search(item)
                if not m:
                    continue
                line, column = lines.at(base + item_start + m.start())
                locator = item[m.end() :].strip().lstrip(",").strip()
                keys.append(KeyCite(m.group("bkey") or m.group("key"), line, column,
                                    item[: m.start()].strip(), locator))
        else:
            m = _MD_CITE.match(chunk)
            if m:
                line, column = lines.at(base + start)
                keys.append(KeyCite(m.group("bkey") or m.group("key"), line, column))
    return keys, spans


def _split_items(body: str, base: int) -> Iterator[tuple[int, str]]:
    pos = 0
    for part in body.split(";"):
        yield base + pos, part
        pos += len(part) + 1

