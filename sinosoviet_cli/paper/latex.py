"""LaTeX drafts: ``\\cite``-family commands and ``\\footnote{…}`` with hand-typed
citations."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

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
_LATEX_REPL = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("~", " "), ("\\&", "&"),
               ("\\%", "%"), ("\\$", "$"), ("\\#", "#"), ("\\_", "_"), ("\\,", " "),
               ("\\ ", " "), ("\\\\", " "))
_REPLACE = dict(_LATEX_REPL)
# In order of precedence at one position: a ligature or escape, a command with the
# spaces after it, any other backslash and the character after it, a brace.
_TOKEN = re.compile("|".join(re.escape(old) for old, _new in _LATEX_REPL)
                    + r"|\\[A-Za-z]+\*?\s*|\\.?|[{}]", re.S)


class _Cite(NamedTuple):
    """A ``\\cite``-family command: its span, name and keys."""

    start: int
    end: int
    cmd: str
    keys: list[KeyCite]


def read_latex(source: str, path: str = "<string>") -> Draft:
    """LaTeX: ``\\cite``-family commands (pre/post notes, several keys, ``\\cites``) and
    ``\\footnote{…}`` with hand-typed citations. ``\\footcite`` and ``\\footnote`` number
    the notes; a ``\\cite`` in the body is a note of its own without a number."""
    lines = Lines(source)
    text = mask_latex(source)
    bibs = [b.strip() for m in _BIBRESOURCE.finditer(text) for b in m.group(1).split(",")]
    begin = text.find("\\begin{document}")
    if begin > 0:
        text = blank(text, 0, begin)
    footnotes = _footnote_spans(text)
    cites = [_Cite(*c) for c in _latex_cites(text, lines)]
    nocite_all = any(c.cmd == "nocite" and any(k.key == "*" for k in c.keys) for c in cites)
    starts = [c.start for c in cites]
    notes = [_latex_note(n, kind, start, end, text, cites, starts, lines)
             for n, (_pos, kind, start, end) in _numbered(_events(footnotes, cites))]
    nocited = [k for c in cites if c.cmd == "nocite" for k in c.keys if k.key != "*"]
    if nocited:
        notes.append(DraftNote(None, "", nocited[0].line, nocited[0].column, tuple(nocited)))
    return Draft(path, DraftFormat.LATEX, tuple(notes), tuple(b for b in bibs if b), nocite_all)


_HEADING = re.compile(r"^\s*\\(?:part|chapter|section|subsection|subsubsection)\*?"
                      r"(?:\[[^\]]*\])?\s*\{(?P<title>.*)\}\s*$")


def latex_body(source: str) -> Body:
    """A LaTeX paper's body (``paper.body``): ``\\section`` and its kin make the
    sections, ``\\footnote`` and ``\\footcite`` the markers, numbered as
    :func:`read_latex` numbers them; citation commands in the body are not read."""
    lines = Lines(source)
    text = mask_latex(source)
    begin = text.find("\\begin{document}")
    if begin > 0:
        text = blank(text, 0, begin + len("\\begin{document}"))
    footnotes = _footnote_spans(text)
    cites = [_Cite(*c) for c in _latex_cites(text, lines)]
    heads = {e: m.start() for m in _FOOTNOTE.finditer(text)
             if (e := balanced_end(text, m.end() - 1, "{", "}")) > 0}
    markers = [(heads.get(end + 1, start) if kind == "footnote" else start, n)
               for n, (start, kind, _s, end) in _numbered(_events(footnotes, cites))
               if n is not None]
    cut = [(heads.get(e + 1, s), e + 1) for s, e in footnotes]
    cut += [(c.start, c.end) for c in cites if not inside(footnotes, c.start)]

    def heading(line: str) -> str | None:
        m = _HEADING.match(line)
        return _read(m.group("title")).strip() if m else None

    return assemble(blank_all(text, cut), markers, heading, _read)


def _read(run: str) -> str:
    """A run of LaTeX as read: ligatures and escapes as characters, commands and braces
    dropped (their arguments kept)."""
    return _TOKEN.sub(lambda m: _REPLACE.get(m.group(), ""), _NOT_READ.sub("", run))


# Commands whose argument is no text a reader reads.
_NOT_READ = re.compile(r"\\(?:begin|end|label|ref|eqref|pageref|includegraphics|vspace|hspace"
                       r"|setlength|maketitle|tableofcontents)\*?(?:\[[^\]]*\])?(?:\{[^{}]*\})?")


def _footnote_spans(text: str) -> list[tuple[int, int]]:
    """The content spans of ``\\footnote{…}``; a footnote inside a footnote is part of
    the outer one."""
    footnotes: list[tuple[int, int]] = []
    for m in _FOOTNOTE.finditer(text):
        if inside(footnotes, m.start()):
            continue
        end = balanced_end(text, m.end() - 1, "{", "}")
        if end > 0:
            footnotes.append((m.end(), end - 1))
    return footnotes


def _events(footnotes: list[tuple[int, int]], cites: list[_Cite]
            ) -> list[tuple[int, str, int, int]]:
    """Notes in reading order: footnotes, then ``\\footcite`` (``foot``) and body
    citations (``body``) outside any footnote."""
    events = [(s, "footnote", s, e) for s, e in footnotes]
    for c in cites:
        if c.cmd != "nocite" and not inside(footnotes, c.start):
            kind = "foot" if c.cmd.lower().startswith("foot") else "body"
            events.append((c.start, kind, c.start, c.end))
    return sorted(events)


def _numbered(events: list[tuple[int, str, int, int]]
              ) -> Iterator[tuple[int | None, tuple[int, str, int, int]]]:
    """Each event with its footnote number (``None`` for a citation in the body)."""
    counter = 0
    for event in events:
        if event[1] == "body":
            yield None, event
        else:
            counter += 1
            yield counter, event


def _latex_note(n: int | None, kind: str, start: int, end: int, text: str,
                cites: list[_Cite], cite_starts: list[int], lines: Lines) -> DraftNote:
    lo = bisect.bisect_left(cite_starts, start)
    hi = bisect.bisect_left(cite_starts, end)
    within = [c for c in cites[lo:hi] if c.cmd != "nocite"]
    keys = [k for c in within for k in c.keys]
    built = SourceText()
    if kind == "footnote":
        _latex_text(text, start, end, [(c.start, c.end) for c in within], lines, built)
    line, column = lines.at(start)
    return make_note(n, built, keys, line, column)


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


def mask_latex(source: str) -> str:
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
    return blank_all(source, spans)


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


def _latex_cites(text: str, lines: Lines) -> Iterator[tuple[int, int, str, list[KeyCite]]]:
    for m in _CITE_CMD.finditer(text):
        cmd = m.group("cmd")
        pos = m.end()
        keys: list[KeyCite] = []
        if cmd in _MULTI:
            while pos < len(text) and text[pos] == "(":  # global pre/post notes
                close = balanced_end(text, pos, "(", ")")
                pos = close if close > 0 else pos + 1
        while True:
            opts: list[str] = []
            q = pos
            while True:
                q = _skip_space(text, q)
                if q < len(text) and text[q] == "[":
                    close = balanced_end(text, q, "[", "]")
                    if close < 0:
                        break
                    opts.append(text[q + 1 : close - 1].strip())
                    q = close
                else:
                    break
            q = _skip_space(text, q)
            if q >= len(text) or text[q] != "{":
                break
            close = balanced_end(text, q, "{", "}")
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


def _latex_text(masked: str, start: int, end: int, cut: list[tuple[int, int]],
                lines: Lines, built: SourceText) -> None:
    """The hand-typed text of a footnote: citation commands cut out, font commands and
    braces dropped, TeX ligatures (``--``, ``~``, ````…''``) turned into characters.

    One regex finds the next token (ligature, command, brace) from left to right; the
    text between tokens is added a run at a time. Cut spans and the heads of font
    commands (``\\emph{``) are not read at all."""
    dropped = _merged([(max(s, start), min(e, end)) for s, e in cut]
                      + [(m.start(), m.end()) for m in _STRIP_ARG.finditer(masked, start, end)])
    pos = plain = start
    while (m := _TOKEN.search(masked, pos, end)) is not None:
        if inside(dropped, m.start()):
            pos = m.start() + 1  # a dropped character starts no token
            continue
        _add_kept(masked, plain, m.start(), dropped, lines, built)
        new = _REPLACE.get(m.group())
        if new is not None:
            built.add(new, *lines.at(m.start()))
        pos = plain = max(m.end(), m.start() + 1)
    _add_kept(masked, plain, end, dropped, lines, built)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, overlapping or touching ones joined, empty ones left out."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _add_kept(masked: str, start: int, end: int, dropped: list[tuple[int, int]],
              lines: Lines, built: SourceText) -> None:
    """Add ``masked[start:end]`` less the dropped spans."""
    i = bisect.bisect_right(dropped, (start, 1 << 62)) - 1
    i = max(i, 0)
    pos = start
    while pos < end:
        while i < len(dropped) and dropped[i][1] <= pos:
            i += 1
        if i < len(dropped) and dropped[i][0] <= pos:
            pos = dropped[i][1]
            continue
        stop = min(end, dropped[i][0]) if i < len(dropped) else end
        built.add_raw(masked, pos, stop, lines)
        pos = stop
