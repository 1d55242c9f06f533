"""Reading thesis drafts: Markdown (pandoc), LaTeX, plain text in the paper's layout and
Word ``.docx``, each into the same value, a :class:`Draft`.

A draft is a sequence of *notes* in reading order. A note is a footnote (its hand-typed
text, with any key citations inside it) or a key citation in the body text (``[@key]``,
``\\cite{key}``), which a note style turns into a footnote of its own. Every character of
a note's text knows where it came from (line and column, 1-based, in characters), so that
findings point into the draft. Readers never judge citations: that is ``checks``.
"""

from __future__ import annotations

import bisect
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from xml.etree import ElementTree

from sinosoviet_cli.errors import InputError
from sinosoviet_cli.files import read_bytes, read_text
from sinosoviet_cli.model import Unparsed


class DraftFormat(StrEnum):
    MARKDOWN = "markdown"
    LATEX = "latex"
    PLAIN = "plain"
    DOCX = "docx"


_SUFFIXES = {
    ".md": DraftFormat.MARKDOWN, ".markdown": DraftFormat.MARKDOWN, ".qmd": DraftFormat.MARKDOWN,
    ".rmd": DraftFormat.MARKDOWN, ".pandoc": DraftFormat.MARKDOWN, ".tex": DraftFormat.LATEX,
    ".ltx": DraftFormat.LATEX, ".latex": DraftFormat.LATEX, ".docx": DraftFormat.DOCX,
    ".txt": DraftFormat.PLAIN, ".text": DraftFormat.PLAIN,
}


@dataclass(frozen=True, slots=True)
class KeyCite:
    """A citation by bibliography key: ``[see @key, p. 12]`` or ``\\cite[12]{key}``."""

    key: str
    line: int
    column: int
    prefix: str = ""
    locator: str = ""


@dataclass(frozen=True, slots=True)
class DraftNote:
    """One note in reading order. ``n`` is the footnote number (``None`` for a key
    citation in the body). ``breaks`` maps text offsets back to the source: each
    ``(offset, line, column)`` starts a run of characters on one source line."""

    n: int | None
    text: str
    line: int
    column: int
    keys: tuple[KeyCite, ...] = ()
    breaks: tuple[tuple[int, int, int], ...] = ()

    def where(self, offset: int) -> tuple[int, int]:
        """Line and column of ``text[offset]`` in the draft."""
        if not self.breaks:
            return self.line, self.column
        i = bisect.bisect_right(self.breaks, (offset, 1 << 62, 0)) - 1
        start, line, column = self.breaks[max(i, 0)]
        return line, column + max(offset - start, 0)


@dataclass(frozen=True, slots=True)
class Draft:
    path: str
    format: DraftFormat
    notes: tuple[DraftNote, ...]
    bibliographies: tuple[str, ...] = ()  # named by the draft itself (YAML, \addbibresource)
    nocite_all: bool = False  # ``\nocite{*}`` / ``nocite: '@*'``: every entry is used
    problems: tuple[Unparsed, ...] = field(default=())


# ── shared helpers ───────────────────────────────────────────────────────────


class _Text:
    """Accumulates a note's text together with its source positions."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.breaks: list[tuple[int, int, int]] = []
        self._next: tuple[int, int] | None = None  # where a contiguous run would continue

    def add(self, text: str, line: int, column: int) -> None:
        if not text:
            return
        if self._next != (line, column):
            self.breaks.append((self.length, line, column))
        self.parts.append(text)
        self.length += len(text)
        self._next = (line, column + len(text)) if "\n" not in text else None

    def add_source(self, source: str, start: int, end: int, lines: _Lines) -> None:
        """Add ``source[start:end]`` one source line at a time."""
        pos = start
        while pos < end:
            nl = source.find("\n", pos, end)
            stop = end if nl < 0 else nl
            if pos > start:  # continuation lines: their indentation is layout, not text
                while pos < stop and source[pos] in " \t\u3000":
                    pos += 1
            line, column = lines.at(pos)
            self.add(source[pos:stop], line, column)
            if nl < 0:
                break
            self.add(" ", line, column + (stop - pos))  # a line break reads as a space
            pos = nl + 1

    def value(self) -> str:
        return "".join(self.parts)


class _Lines:
    """Offset → (line, column), both 1-based."""

    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def _note(n: int | None, built: _Text, keys: list[KeyCite], line: int, column: int) -> DraftNote:
    raw = built.value()
    # Strip, shifting the breaks so that offsets still point at the same characters.
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    breaks = []
    for offset, bl, bc in built.breaks:
        if offset < lead:  # the run starts in the stripped whitespace
            bc += lead - offset
            offset = lead
        if offset - lead <= len(text):
            breaks.append((offset - lead, bl, bc))
    # Two breaks at the same offset after the shift: keep the last.
    dedup: dict[int, tuple[int, int, int]] = {b[0]: b for b in breaks}
    ordered = tuple(sorted(dedup.values()))
    if ordered:
        line, column = ordered[0][1], ordered[0][2]
    return DraftNote(n, text, line, column, tuple(keys), ordered)


# ── Markdown (pandoc) ────────────────────────────────────────────────────────

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
_NOT_TEXT = re.compile(r"</?[A-Za-z][^<>\n]*>|\]\([^()\s]*(?:\s+\"[^\"]*\")?\)|\w+://[^\s<>\]]+")
_QUARTO_XREF = re.compile(r"(?:fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|sol|rem)-")
_YAML_BIB = re.compile(r"^bibliography:\s*(.*)$")
_YAML_ITEM = re.compile(r"^\s+-\s+(.*)$")


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` falls in one of ``spans`` (sorted, not overlapping)."""
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _blank(source: str, start: int, end: int) -> str:
    """Replace a span by spaces (newlines kept), so offsets elsewhere stay valid."""
    return _blank_all(source, [(start, end)])


def _blank_all(source: str, spans: Iterable[tuple[int, int]]) -> str:
    """:func:`_blank` for many spans in one pass (drafts have thousands of notes)."""
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        start = max(start, pos)
        if end <= start:
            continue
        parts += [source[pos:start], re.sub(r"[^\n]", " ", source[start:end])]
        pos = end
    parts.append(source[pos:])
    return "".join(parts)


def read_markdown(source: str, path: str = "<string>") -> Draft:
    """Pandoc Markdown: ``[^n]`` and ``^[…]`` footnotes with hand-typed citations,
    ``[@key]``, ``[see @a, 12; @b]``, ``@key`` and ``[-@key]`` citations."""
    lines = _Lines(source)
    quarto = path.lower().endswith(".qmd")
    text, bibs, nocite_all = _mask_markdown(source)
    defs = _footnote_definitions(text)
    # Footnote bodies are blanked out of the body text once collected.
    body = _blank_all(text, [(start, end) for start, end, _label, _cstart in defs])
    # Inline notes ^[...] (brackets balanced).
    inline: list[tuple[int, int]] = []
    for m in re.finditer(r"\^\[", body):
        end = _balanced_end(body, m.end() - 1, "[", "]")
        if end > 0 and not _inside(inline, m.start()):
            inline.append((m.start(), end))
    units: list[tuple[int, str, int, int]] = []  # (reading position, kind, start, end)
    first_ref: dict[str, int] = {}
    for m in _FN_REF.finditer(body):
        first_ref.setdefault(m.group("label"), m.start())
    for start, end in inline:
        units.append((start, "inline", start + 2, end - 1))
    for start, end, label, cstart in defs:
        units.append((first_ref.get(label, start), "def", cstart, end))
    body_only = _blank_all(body, inline)
    for kc_start, kc_end in _key_spans(body_only):
        units.append((kc_start, "body", kc_start, kc_end))
    units.sort()
    notes: list[DraftNote] = []
    counter = 0
    for _pos, kind, start, end in units:
        n: int | None = None
        if kind != "body":
            counter += 1
            n = counter
        segment = text[start:end] if kind != "inline" else body[start:end]
        keys, spans = _markdown_keys(segment, start, lines)
        if quarto:  # @fig-…, @tbl-… are Quarto cross-references, not citations
            keys = [k for k in keys if not _QUARTO_XREF.match(k.key)]
        built = _Text()
        pos = start
        if kind != "body":
            for s, e in spans:  # key citations are not hand-typed text
                built.add_source(text, pos, s, lines)
                pos = e
            built.add_source(text, pos, end, lines)
            built = _without_markup(built)
        line, column = lines.at(start)
        notes.append(_note(n, built, keys, line, column))
    return Draft(path, DraftFormat.MARKDOWN, tuple(notes), tuple(bibs), nocite_all)


def _without_markup(built: _Text) -> _Text:
    """Drop Markdown emphasis marks (``*``/``_`` runs) but keep positions."""
    value = built.value()
    clean = _Text()
    keep = [not (ch in "*_" and _is_emphasis(value, i)) for i, ch in enumerate(value)]
    for i, ch in enumerate(value):
        if keep[i]:
            bi = bisect.bisect_right(built.breaks, (i, 1 << 62, 0)) - 1
            start, line, column = built.breaks[bi]
            clean.add(ch, line, column + (i - start))
    return clean


def _is_emphasis(text: str, i: int) -> bool:
    # An underscore inside a word (snake_case) is literal in pandoc; stars always mark.
    if text[i] == "*":
        return True
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


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
                text = _blank(text, 0, min(end, len(text)))
                break
    offset = 0
    fence: str | None = None
    fence_start = 0
    for ln in text.split("\n"):
        m = _FENCE.match(ln)
        if fence is None and m:
            fence, fence_start = m.group(1)[0] * 3, offset
        elif fence is not None and ln.strip().startswith(fence):
            text = _blank(text, fence_start, offset + len(ln))
            fence = None
        offset += len(ln) + 1
    if fence is not None:
        text = _blank(text, fence_start, len(text))
    for pattern in (_COMMENT, _INLINE_CODE, _NOT_TEXT):
        # Keep the ``]`` of a link, so that ``[text](url)`` stays a link.
        text = _blank_all(text, [(m.start() + m.group(0).startswith("]("), m.end())
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


def _balanced_end(text: str, open_at: int, opener: str, closer: str) -> int:
    """Offset just after the bracket matching ``text[open_at]``, or -1."""
    depth = 0
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch == "\\":
            continue
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def _key_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of key citations: a bracketed group ``[…@key…]`` or a bare ``@key``."""
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
        if not _inside(brackets, m.start()):
            taken.append((m.start(), m.end()))
    yield from sorted(taken)


def _markdown_keys(
    segment: str, base: int, lines: _Lines
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


# ── LaTeX ────────────────────────────────────────────────────────────────────

_CITE_CMD = re.compile(
    r"\\(?P<cmd>(?:[Ff]oot|[Pp]aren|[Aa]uto|[Tt]ext|[Ss]mart|[Ss]uper|[Ff]ull|[Ff]ootfull|no)?"
    r"[Cc]ite(?:s|p|t|alp|alt|author|year|title|text|url|date)?(?:text)?)(?![A-Za-z])\*?"
)
_MULTI = {"cites", "Cites", "parencites", "Parencites", "footcites", "autocites", "Autocites",
          "textcites", "Textcites", "smartcites", "supercites"}
_FOOTNOTE = re.compile(r"\\footnote(?![A-Za-z])(?:\[[^\]]*\])?\s*\{")
_BIBRESOURCE = re.compile(r"\\(?:addbibresource(?:\[[^\]]*\])?|bibliography)\{([^}]*)\}")
_STRIP_ARG = re.compile(
    r"\\(?:emph|textit|textbf|textsc|textup|textrm|textsf|mkbibquote|mkbibemph|enquote|"
    r"mbox|hbox|text|uline|underline)\s*\{"
)
_LATEX_REPL = (("---", "—"), ("--", "-"), ("``", "“"), ("''", "”"), ("~", " "), ("\\&", "&"),
               ("\\%", "%"), ("\\$", "$"), ("\\#", "#"), ("\\_", "_"), ("\\,", " "),
               ("\\ ", " "), ("\\\\", " "))


def read_latex(source: str, path: str = "<string>") -> Draft:
    """LaTeX: ``\\cite``-family commands (pre/post notes, several keys, ``\\cites``) and
    ``\\footnote{…}`` with hand-typed citations. ``\\footcite`` and ``\\footnote`` number
    the notes; a ``\\cite`` in the body is a note of its own without a number."""
    lines = _Lines(source)
    text = _mask_latex(source)
    bibs = [b.strip() for m in _BIBRESOURCE.finditer(text) for b in m.group(1).split(",")]
    begin = text.find("\\begin{document}")
    if begin > 0:
        text = _blank(text, 0, begin)
    footnotes: list[tuple[int, int]] = []  # content spans
    for m in _FOOTNOTE.finditer(text):
        if _inside(footnotes, m.start()):
            continue  # a footnote inside a footnote is part of the outer one
        end = _balanced_end(text, m.end() - 1, "{", "}")
        if end > 0:
            footnotes.append((m.end(), end - 1))
    cites = list(_latex_cites(text, lines))
    cite_starts = [c[0] for c in cites]
    nocite_all = any(c[2] == "nocite" and any(k.key == "*" for k in c[3]) for c in cites)
    events: list[tuple[int, str, int, int]] = [(s, "footnote", s, e) for s, e in footnotes]
    for start, end, cmd, _keys in cites:
        if cmd == "nocite" or _inside(footnotes, start):
            continue
        events.append((start, "foot" if cmd.lower().startswith("foot") else "body", start, end))
    events.sort()
    notes: list[DraftNote] = []
    counter = 0
    for _pos, kind, start, end in events:
        n: int | None = None
        if kind in ("footnote", "foot"):
            counter += 1
            n = counter
        lo = bisect.bisect_left(cite_starts, start)
        hi = bisect.bisect_left(cite_starts, end)
        inside = [c for c in cites[lo:hi] if c[2] != "nocite"]
        keys = [k for c in inside for k in c[3]]
        built = _Text()
        if kind == "footnote":
            _latex_text(source, text, start, end, [(c[0], c[1]) for c in inside], lines, built)
        line, column = lines.at(start)
        notes.append(_note(n, built, keys, line, column))
    nocited = [k for c in cites if c[2] == "nocite" for k in c[3] if k.key != "*"]
    if nocited:
        notes.append(DraftNote(None, "", nocited[0].line, nocited[0].column, tuple(nocited)))
    return Draft(path, DraftFormat.LATEX, tuple(notes), tuple(b for b in bibs if b), nocite_all)


# What TeX does not read as commands, found left to right in one pass so that each
# hides the others: a ``%`` inside ``\verb|…|`` is no comment, a ``\verb`` in a comment
# is no verbatim, and an escaped ``\%`` (but not ``\\%``, a line break and a comment)
# is text.
_VERBATIM_ENVS = ("verbatim", "verbatim*", "Verbatim", "Verbatim*", "BVerbatim", "LVerbatim",
                  "lstlisting", "minted", "comment")
_LATEX_SKIP = re.compile(
    r"(?P<escape>\\[^A-Za-z])"
    r"|(?P<inline>\\(?:verb\*?|lstinline(?:\[[^\]\n]*\])?"
    r"|mintinline(?:\[[^\]\n]*\])?\{[^}\n]*\})(?![A-Za-z]))"
    r"|(?P<env>\\begin\{(?P<name>" + "|".join(re.escape(e) for e in _VERBATIM_ENVS) + r")\})"
    r"|(?P<comment>%[^\n]*)"
)


def _mask_latex(source: str) -> str:
    r"""Blank what TeX reads as no command: comments (``%`` to the end of the line), the
    verbatim environments (verbatim, lstlisting, minted, comment, …) and inline verbatim
    (``\verb|…|``, ``\lstinline``, ``\mintinline``), so that a ``\cite`` shown as
    code, or commented out, is not taken for a citation."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (m := _LATEX_SKIP.search(source, pos)) is not None:
        end = m.end()
        if m.group("inline") is not None:
            end = _inline_verbatim_end(source, end)
            if end < 0:  # no argument: not verbatim after all
                pos = m.end()
                continue
        elif m.group("env") is not None:
            close = source.find(f"\\end{{{m.group('name')}}}", end)
            end = len(source) if close < 0 else close + len(m.group("name")) + 6
        if m.group("escape") is None:
            spans.append((m.start(), end))
        pos = end
    return _blank_all(source, spans)


def _inline_verbatim_end(source: str, pos: int) -> int:
    """The end of an inline verbatim argument starting at ``pos``: delimited by any
    character repeated (``|…|``, ``+…+``) or, for listings and minted, by braces; it
    ends at the line's end at the latest. -1 if there is none."""
    if pos >= len(source) or source[pos] in " \t\n":
        return -1
    closer = "}" if source[pos] == "{" else source[pos]
    stop = source.find(closer, pos + 1)
    newline = source.find("\n", pos + 1)
    if stop < 0 or (0 <= newline < stop):
        return -1
    return stop + 1


def _latex_cites(text: str, lines: _Lines) -> Iterator[tuple[int, int, str, list[KeyCite]]]:
    for m in _CITE_CMD.finditer(text):
        cmd = m.group("cmd")
        pos = m.end()
        keys: list[KeyCite] = []
        if cmd in _MULTI:
            while pos < len(text) and text[pos] == "(":  # global pre/post notes
                close = _balanced_end(text, pos, "(", ")")
                pos = close if close > 0 else pos + 1
        while True:
            opts: list[str] = []
            q = pos
            while True:
                q = _skip_space(text, q)
                if q < len(text) and text[q] == "[":
                    close = _balanced_end(text, q, "[", "]")
                    if close < 0:
                        break
                    opts.append(text[q + 1 : close - 1].strip())
                    q = close
                else:
                    break
            q = _skip_space(text, q)
            if q >= len(text) or text[q] != "{":
                break
            close = _balanced_end(text, q, "{", "}")
            if close < 0:
                break
            # biblatex: one optional argument is the postnote, two are pre- and postnote.
            prefix, locator = (opts[0], opts[1]) if len(opts) >= 2 else ("", "".join(opts))
            offset = q + 1
            for part in text[q + 1 : close - 1].split(","):
                key = part.strip()
                if key and not re.search(r"[\s\\{}]", key):  # a macro is not a key
                    line, column = lines.at(offset + len(part) - len(part.lstrip()))
                    keys.append(KeyCite(key, line, column, prefix, locator))
                offset += len(part) + 1
            pos = close
            if cmd not in _MULTI:
                break
        if keys:
            yield m.start(), pos, cmd, keys


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    return pos


def _latex_text(source: str, masked: str, start: int, end: int, cut: list[tuple[int, int]],
                lines: _Lines, built: _Text) -> None:
    """The hand-typed text of a footnote: citation commands cut out, font commands and
    braces dropped, TeX ligatures (``--``, ``~``, ````…''``) turned into characters."""
    drop = [False] * (end - start)
    repl: dict[int, tuple[str, int]] = {}
    for s, e in cut:
        for i in range(max(s, start), min(e, end)):
            drop[i - start] = True
    for m in _STRIP_ARG.finditer(masked, start, end):
        for i in range(m.start(), m.end()):
            drop[i - start] = True
    i = start
    while i < end:
        if drop[i - start]:
            i += 1
            continue
        for old, new in _LATEX_REPL:
            if masked.startswith(old, i):
                repl[i] = (new, len(old))
                i += len(old)
                break
        else:
            ch = masked[i]
            if ch == "\\":
                cmd = re.match(r"\\[A-Za-z]+\*?\s*", masked[i:end])
                width = cmd.end() if cmd else 2
                for k in range(i, min(i + width, end)):
                    drop[k - start] = True
                i += width
                continue
            if ch in "{}":
                drop[i - start] = True
            i += 1
    i = start
    while i < end:
        if i in repl:
            new, width = repl[i]
            built.add(new, *lines.at(i))
            i += width
            continue
        if not drop[i - start]:
            ch = masked[i]
            built.add(" " if ch == "\n" else ch, *lines.at(i))
        i += 1


# ── plain text in the paper's layout ─────────────────────────────────────────


def read_plain(source: str, path: str = "<string>") -> Draft:
    """Plain text laid out like the paper (footnotes under a rule at page bottoms): the
    footnotes come from ``footnotes.extract``; positions are found back in the source."""
    from sinosoviet_cli.paper.footnotes import extract

    paper = extract(source)
    if not paper.footnotes:
        return Draft(path, DraftFormat.PLAIN, _numbered_notes(source))
    split = source.split("\n")
    lines = _Lines(source)
    notes = [_locate(f.n, f.text, max(f.line, 1), split, lines) for f in paper.footnotes]
    return Draft(path, DraftFormat.PLAIN, tuple(notes), problems=paper.problems)


_NUMBERED = re.compile(r"^[ \t\u3000]*[\[［(（]?(\d{1,4})[\]］)）.．、:：]?[ \t\u3000]*(?=\S)")


def _numbered_notes(source: str) -> tuple[DraftNote, ...]:
    """The simplest plain layout, notes at the end: lines starting with the next note
    number (``1 …``, ``[2] …``, ``3. …``), continued by the lines that follow."""
    notes: list[DraftNote] = []
    built: _Text | None = None
    n = 0
    expected = 1
    for number, raw in enumerate(source.split("\n"), start=1):
        m = _NUMBERED.match(raw)
        if m and int(m.group(1)) == expected:
            if built is not None:
                notes.append(_note(n, built, [], 0, 0))
            built, n = _Text(), expected
            expected += 1
            built.add(raw[m.end() :].rstrip(), number, m.end() + 1)
        elif built is not None and raw.strip():
            value = built.value()
            start = len(raw) - len(raw.lstrip())
            if value and value[-1].isascii() and raw.strip()[0].isascii():  # Latin words
                built.add(" ", number, start)
            built.add(raw.strip(), number, start + 1)
    if built is not None:
        notes.append(_note(n, built, [], 0, 0))
    return tuple(notes)


def _locate(n: int, text: str, first: int, split: list[str], lines: _Lines) -> DraftNote:
    """Align a joined footnote text with the source lines from ``first`` on, recording
    where each source line's piece starts. Lines that do not align (page headers
    between the parts of a note) are skipped."""
    breaks: list[tuple[int, int, int]] = []
    pos = 0
    line_no = first
    misses = 0
    while pos < len(text) and line_no <= len(split) and misses < 40:
        raw = split[line_no - 1]
        stripped = raw.strip()
        found = -1
        if stripped:
            for probe in (stripped, re.sub(r"^\d+\s*", "", stripped)):
                if probe:
                    k = text.find(probe[: max(8, min(len(probe), 30))], pos, pos + len(probe) + 8)
                    if k >= 0:
                        found, stripped = k, probe
                        break
        if found >= 0:
            column = raw.find(stripped) + 1
            breaks.append((found, line_no, column))
            pos = found + len(stripped)
            misses = 0
        else:
            misses += 1 if stripped else 0
        line_no += 1
    if not breaks:
        breaks.append((0, first, 1))
    return DraftNote(n, text, breaks[0][1], breaks[0][2], (), tuple(breaks))


# ── Word ─────────────────────────────────────────────────────────────────────

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str = "<string>") -> Draft:
    """Word: the real footnotes of ``word/footnotes.xml``, numbered in the order the body
    references them. Word has no lines: ``line`` is the body paragraph holding the
    footnote mark, ``column`` the character position in the footnote's text."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                raise InputError("is a zip file but not a Word document", path=path,
                                 fix="save it from Word as .docx")
            document = z.read("word/document.xml")
            footnotes = z.read("word/footnotes.xml") if "word/footnotes.xml" in names else b""
    except zipfile.BadZipFile as exc:
        raise InputError("is not a .docx file (not a zip archive)", path=path,
                         fix="save it from Word as .docx, or rename it to .txt if it is text"
                         ) from exc
    try:
        texts = _docx_footnotes(footnotes) if footnotes else {}
        refs = _docx_references(document)
    except ElementTree.ParseError as exc:
        raise InputError(f"has broken XML inside ({exc})", path=path,
                         fix="open it in Word and save it again") from exc
    notes = []
    for n, (fid, paragraph) in enumerate(refs, start=1):
        raw = texts.get(fid, "")
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        notes.append(DraftNote(n, text, paragraph, 1, (), ((0, paragraph, 1 + lead),)))
    return Draft(path, DraftFormat.DOCX, tuple(notes))


def _docx_references(document: bytes) -> list[tuple[str, int]]:
    root = ElementTree.fromstring(document)
    found: list[tuple[str, int]] = []
    for number, paragraph in enumerate(root.iter(f"{_W}p"), start=1):
        for ref in paragraph.iter(f"{_W}footnoteReference"):
            found.append((ref.get(f"{_W}id", ""), number))
    return found


def _docx_footnotes(xml: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(xml)
    out: dict[str, str] = {}
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        parts: list[str] = []
        for paragraph in note.iter(f"{_W}p"):
            if parts:
                parts.append(" ")
            for el in paragraph.iter():
                if el.tag == f"{_W}t" and el.text:
                    parts.append(el.text)
                elif el.tag in (f"{_W}tab", f"{_W}br"):
                    parts.append(" ")
        out[note.get(f"{_W}id", "")] = "".join(parts)
    return out


# ── entry point ──────────────────────────────────────────────────────────────


def detect(path: str | Path, text: str | None = None) -> DraftFormat:
    """The format by file suffix; for unknown suffixes, by what the text contains."""
    fmt = _SUFFIXES.get(Path(path).suffix.lower())
    if fmt is not None:
        return fmt
    if text is not None:
        if re.search(r"\\(?:footnote|[a-z]*cite[a-z]*)\s*[\[{]", text):
            return DraftFormat.LATEX
        if re.search(r"\[\^[^\]]+\]|\[@|(?<!\w)@\w", text):
            return DraftFormat.MARKDOWN
    return DraftFormat.PLAIN


def parse(source: str, fmt: DraftFormat, path: str = "<string>") -> Draft:
    """Read draft text of a known format (``.docx`` needs :func:`load`)."""
    if fmt is DraftFormat.MARKDOWN:
        return read_markdown(source, path)
    if fmt is DraftFormat.LATEX:
        return read_latex(source, path)
    if fmt is DraftFormat.PLAIN:
        return read_plain(source, path)
    raise ValueError("a .docx draft is bytes: use load()")


def load(path: str | Path) -> Draft:
    """Read a draft file of any supported format and encoding."""
    if Path(path).suffix.lower() == ".docx":
        return read_docx(read_bytes(path), str(path))
    source = read_text(path)
    if source.startswith("PK\x03\x04"):
        raise InputError("looks like a Word document without the .docx suffix", path=path,
                         fix="rename it to .docx")
    return parse(source, detect(path, source), str(path))
