"""Footnotes re-rendered: CSL positions computed here (W3, citeproc-py only knows the
previous citation), each cite rendered alone (W8) and joined with the author's
commentary and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sinosoviet_cli.csl.engine import Cite, _Engine
from sinosoviet_cli.csl.formats import _escaper
from sinosoviet_cli.csl.styles import DEFAULT_STYLE, FORMATS, require_style
from sinosoviet_cli.errors import UsageError
from sinosoviet_cli.model import CitationLink, Paper, Work
from sinosoviet_cli.text.normalize import has_cjk

if TYPE_CHECKING:
    from sinosoviet_cli.grammar.segment import Segment

Part = str | Cite


def positions(notes: Sequence[Sequence[Part]], near: int = 5) -> list[list[str]]:
    """The CSL position of every cite, note by note: ``first`` the first time a work
    is cited; ``ibid`` / ``ibid-with-locator`` for the first cite of a note when the
    previous note cites exactly that one work; else ``near-note`` within ``near``
    notes, else ``subsequent``."""
    seen: dict[str, int] = {}
    previous: list[Cite] = []
    out: list[list[str]] = []
    for n, note in enumerate(notes):
        cites = [p for p in note if isinstance(p, Cite) and p.key]
        result = []
        for i, cite in enumerate(cites):
            key = cite.key.casefold()
            last = previous[0] if len(previous) == 1 else None
            if key not in seen:
                pos = "first"
            elif i == 0 and last is not None and last.key.casefold() == key:
                same = _pages(cite.pages) == _pages(last.pages)
                # No pages after a cite with pages reads as "the same place": Ibid.
                pos = "ibid" if same or not cite.pages else "ibid-with-locator"
            elif n - seen[key] <= near:
                pos = "near-note"
            else:
                pos = "subsequent"
            result.append(pos)
            seen[key] = n
        out.append(result)
        previous = cites
    return out


def note_parts(segments: Sequence[tuple[str, str]], links: Sequence[CitationLink],
               known: Iterable[str]) -> list[Part]:
    """One footnote as render parts: ``segments`` are ``(kind, text)`` in order
    (``kind`` "citation" or "commentary") and ``links`` the note's citation links in
    the same order (``resolve`` makes one per citation segment). Commentary stays
    text; a citation becomes a ``Cite`` when its key is in ``known``, else its
    original text is kept."""
    keys = {k.casefold() for k in known}
    pending = iter(links)
    parts: list[Part] = []
    for kind, text in segments:
        if kind != "citation":
            parts.append(text)
            continue
        link = next(pending, None)
        if link is not None and link.key and link.key.casefold() in keys:
            stripped = text.rstrip()
            end = stripped[-1] if stripped and stripped[-1] in _ENDS else ""
            parts.append(Cite(link.key, link.pages, end))
        else:
            parts.append(text)
    return parts


def _pages(pages: str) -> str:
    return re.sub(r"\s|-+|–", "-", pages.strip())


@dataclass(frozen=True, slots=True)
class RenderedNote:
    """One footnote re-rendered: its number, text, and each rendered cite with the
    CSL position it was given."""

    n: int
    text: str
    cites: tuple[tuple[Cite, str], ...]


def paper_notes(paper: Paper, links: Sequence[CitationLink], works: Sequence[Work], *,
                style: str = DEFAULT_STYLE, fmt: str = "text",
                segments: Mapping[int, Sequence[Segment]] | None = None
                ) -> tuple[list[RenderedNote], list[str]]:
    """The paper's footnotes re-rendered in ``style``: each note segmented
    (``notes.segment``), its citation segments zipped with its ``links`` (one per
    citation segment, in order); citations of works not in ``works`` are kept as
    printed. Also returns the keys of those missing works. ``segments`` (footnote
    number -> its segments): notes the caller already segmented are not segmented again."""
    from sinosoviet_cli.grammar import segment

    done = segments or {}

    known = [w.key for w in works]
    by_note: dict[int, list[CitationLink]] = {}
    for link in links:
        by_note.setdefault(link.footnote, []).append(link)
    inputs = [note_parts([(x.kind, x.text) for x in done.get(f.n) or segment(f.text)],
                         by_note.get(f.n, []), known)
              for f in paper.footnotes]
    rendered = notes(inputs, works, style=style, fmt=fmt)
    out = [RenderedNote(f.n, text, tuple(zip([p for p in parts if isinstance(p, Cite)],
                                             where, strict=True)))
           for f, text, parts, where in zip(paper.footnotes, rendered, inputs,
                                            positions(inputs), strict=True)]
    have = {k.casefold() for k in known}
    missing = sorted({link.key for link in links if link.key and link.key.casefold() not in have})
    return out, missing


def notes(notes_in: Sequence[Sequence[Part]], works: Sequence[Work], *,
          style: str = DEFAULT_STYLE, fmt: str = "text") -> list[str]:
    """Each note re-rendered: commentary strings kept as they are, every ``Cite``
    rendered at its position; a cite to an unknown key keeps nothing (callers keep
    the original text as a string part instead)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", fix="use one of " + ", ".join(FORMATS))
    engine = _Engine(require_style(style, "citation"), fmt, works).load()
    escape = _escaper(fmt)
    out = []
    for note, pos in zip(notes_in, positions(notes_in), strict=True):
        cites = iter(pos)
        parts: list[str] = []
        previous_cite = False
        end = ""
        for part in note:
            if isinstance(part, Cite) and part.key:
                text = engine.note([part], [next(cites)])
                if previous_cite and parts:
                    # Two citations in a row: one note, citations joined by semicolons.
                    cjk = parts[-1].endswith("。")
                    parts[-1] = parts[-1].rstrip(".。") + ("；" if cjk else "; ")
                parts.append(_capitalise_ibid(text, at_start=_at_sentence_start(parts)))
                previous_cite = True
                end = part.end
            else:
                raw = part.key if isinstance(part, Cite) else part
                if not raw:
                    continue
                if previous_cite and raw[0] in _JOINERS:
                    # The author's punctuation after a citation replaces its period.
                    cjk = parts[-1].endswith("。")
                    parts[-1] = parts[-1].rstrip(".。")
                    raw = raw if cjk else _JOINERS[raw[0]] + raw[1:].lstrip()
                elif previous_cite and end:
                    # The citation ended with the author's 。/；/，: the commentary after
                    # it starts a new sentence (clause), so the mark stays between them.
                    parts[-1] = _close_citation(parts[-1], end)
                elif previous_cite and parts[-1].endswith(".") and not raw[0].isspace():
                    parts[-1] += " "  # the style's full stop ends a sentence too
                parts.append(escape(raw))
                previous_cite = False
        out.append(_tidy("".join(parts)))
    return out


#: Punctuation that may follow a citation, and its Western form.
_JOINERS = {"；": "; ", ";": "; ", "，": ", ", ",": ", ", "。": ".", ".": ".", "：": ": ",
            ":": ": "}


#: Marks an original citation may end with that matter before commentary after it.
_ENDS = frozenset("。．.!！?？;；,，")
_SENTENCE_ENDS = frozenset("。．.!！?？")


def _close_citation(rendered: str, end: str) -> str:
    """A rendered citation followed by commentary, ending as the original did: a full
    stop and a space after Western text ("1991–1993). 關於"), 。 after Chinese
    ("…，1989）。關於"); a semicolon or comma likewise ("; " / "；")."""
    text = rendered.rstrip()
    if not text:
        return rendered
    if end in _SENTENCE_ENDS:
        if text[-1] in ".!?":
            return text + " "
        if text[-1] in "。！？":
            return text
        return text + ("。" if _wide(text[-1]) else ". ")
    mark = ";" if end in ";；" else ","
    western = not _wide(text[-1])
    text = text.rstrip(".。")
    return text + (f"{mark} " if western else {";": "；", ",": "，"}[mark])


def _wide(ch: str) -> bool:
    """A CJK character or full-width punctuation (。）」)."""
    return has_cjk(ch) or unicodedata.east_asian_width(ch) in ("F", "W")


def _at_sentence_start(parts: Sequence[str]) -> bool:
    before = "".join(parts).rstrip()
    return not before or before[-1] in ".。!?！？:：;；"


def _capitalise_ibid(text: str, *, at_start: bool) -> str:
    # W3: the CSL term is lower-case; Chicago capitalises it at the start of a note.
    if at_start and text.startswith("ibid"):
        return "I" + text[1:]
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\.\.(?!\.)", ".", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


