"""Segmentation: a footnote tiled into citation and commentary spans."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from sinosoviet_cli.grammar import emphasis
from sinosoviet_cli.grammar.cjk import _parse_archive, _parse_backref, _quote_titles, japanese_work
from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.japanese import japanese_notation
from sinosoviet_cli.grammar.latin import _parse_latin
from sinosoviet_cli.grammar.lexical import (
    _CJK_RE,
    _CLOSE,
    _OPEN,
    _TITLE_OPEN,
    _WIDTH,
    _cue_cut,
    _is_pages,
    _pages,
    _split_top,
)
from sinosoviet_cli.grammar.parse import _ibid, _parse
from sinosoviet_cli.grammar.persons import _name_clause
from sinosoviet_cli.grammar.sino import _parse_sino
from sinosoviet_cli.grammar.types import _build
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Form, Reference, Unparsed
from sinosoviet_cli.text.normalize import has_cjk, nfc


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a footnote: a citation (parsed) or the author's commentary."""

    kind: Literal["citation", "commentary"]
    text: str
    start: int  # offsets into the note text; segments cover the note in order
    end: int
    reference: Reference | None = None  # parsed, for citations
    problem: str = ""  # why a citation-looking span could not be parsed


_NAME_STOP = re.compile(r"(?:[A-Za-z.]*\s)?[A-Z][\w'’\-]+,\s*[A-Z][a-z'’\-]+(?:\s[A-Z][a-z'’\-]+)?")


def _period_ends_sentence(note: str, start: int, i: int) -> bool:
    """A Western full stop at ``i`` ends a sentence unless it closes an abbreviation, an
    initial or a family-first name, and only before CJK, a capital or an opening quote."""
    word = re.search(r"([A-Za-z.]*)$", note[max(start, i - 40):i])
    token = word.group(1) if word else ""
    abbrev = (
        token in _vocab().abbreviations
        or re.fullmatch(r"[A-Z]", token) is not None
        or "." in token
        # "Westad, Odd Arne. The Global …": a family-first name, not a sentence
        or (i - start < 60 and _NAME_STOP.fullmatch(note[start:i].strip()) is not None)
    )
    if abbrev:
        return False
    nxt = note[i + 1]
    if _CJK_RE.match(nxt):
        return True
    after = note[i + 1:].lstrip()
    return nxt.isspace() and bool(after[:1]) and (
        after[0].isupper() or _CJK_RE.match(after[0]) is not None or after[0] in "“\"「"
    )


def _cuts_at_top(note: str, start: int, i: int) -> bool:
    """At bracket depth 0: ？！；; always end a sentence, a full stop sometimes."""
    char = note[i]
    if char in "？！；;":
        return True
    return char == "." and i + 1 < len(note) and _period_ends_sentence(note, start, i)


#: The characters a sentence cut depends on (brackets and stops); the rest is skipped.
_SENTENCE_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE + "。？！；;.") + "]")


def _sentences(note: str) -> list[tuple[int, int]]:
    """Tile the note into sentences: at 。 (always), at ？！；; at depth 0, and at a
    Western full stop (not after an abbreviation or an initial). Only brackets and
    stops are visited (the note is not walked character by character)."""
    spans: list[tuple[int, int]] = []
    start = depth = 0
    n = len(note)
    for found in _SENTENCE_MARKS.finditer(note):
        i = found.start()
        if i < start:
            continue  # inside the spaces a cut already skipped (never a mark)
        char = note[i]
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char == "。":
            depth = 0
        if char == "。" or (depth == 0 and _cuts_at_top(note, start, i)):
            j = i + 1
            while j < n and note[j].isspace():
                j += 1
            spans.append((start, j))
            start = j
    if start < n:
        spans.append((start, n))
    return spans


_LOOKBACK = 240  # persons before a title never run longer than this
_MAX_TITLES = 40  # title brackets tried per sentence (bounds the work on runaway text)


def _cjk_start(s: str, t: int, *, adjacent_name: bool = False) -> int | None:
    """Where a Chinese citation whose first title is at ``t`` starts in sentence ``s``:
    walk back over the name clauses before the title (``莫里斯‧邁斯納…著，杜蒲譯，``),
    stopping at a cue word (參見) or prose. None if prose runs into the title. A
    back-reference word (楊奎松，前引《…》) is passed over. ``adjacent_name``: the notation
    prints a bare author right before the title (Japanese 下斗米伸夫『…』)."""
    base = max(0, t - _LOOKBACK)
    prefix = s[base:t]
    clauses = _split_top(prefix, "，,：:")
    japanese = japanese_work(s[t:])  # its authors' names may run to 6 kanji
    last = len(clauses) - 1
    empty_last = not prefix[clauses[last][0]:clauses[last][1]].strip()
    start: int | None = None
    for k in range(last, -1, -1):
        a, b = clauses[k]
        clause = prefix[a:b]
        lead = len(clause) - len(clause.lstrip())
        if k == 0 and base:
            break  # a clause cut by the look-back window is prose
        if k == last and empty_last:
            if k == 0:
                return base + a + lead  # the title opens the sentence
            continue
        cut = _cue_cut(clause)
        if cut >= 0:
            rest = clause[cut:]
            bare = rest.strip().removesuffix("的") if k == last else rest.strip()
            if not bare or _name_clause(bare) is not None:
                return base + a + cut + len(rest) - len(rest.lstrip())
        if k == last and _vocab().earlier.fullmatch(clause.strip()):
            start = base + a + lead  # 楊奎松，前引《走向破裂》
            continue
        cue_first = _vocab().cue_cjk.match(clause.strip())
        names = (_name_clause(clause, japanese=japanese)
                 if clause.strip() and not cue_first else None)
        bare_ok = adjacent_name and k == last
        if names is None or (k == last and not names.role and not bare_ok):
            break  # a bare name must be followed by ，/： — 「楊奎松在《…》一書中」 is prose
        start = base + a + lead
        if not names.role:
            return start  # at most one clause without a role word (the first author)
    if start is None:
        return t if empty_last else None
    return start


_Found = tuple[int, int, Reference | None, str]  # (start, end, reference, problem)
_Finder = Callable[[str, str], "_Found | None"]
_END_PUNCT = " 。．.，,;；"


@cache
def _author_pages() -> re.Pattern[str]:
    """``楊奎松，頁12``: a name clause, then a printed page locator, then nothing."""
    v = _vocab()
    return re.compile(rf"([^，,：:。]{{2,24}}?)\s*[，,：:]\s*((?:{v.page_cjk}|{v.page_ordinal})"
                      r"\s*\d[^。；;]*?)\s*[。．.；;]?\s*$")


def _to_end(s: str, body: str, end: int, punct: str = _END_PUNCT) -> int:
    """A citation followed only by punctuation runs to the end of the sentence."""
    return len(s) if not body[end:].strip(punct) else end


def _begins(body: str) -> list[int]:
    """Where a citation may begin: after the last cue word (參見), then the sentence
    start; leading spaces skipped."""
    return [b + len(body[b:]) - len(body[b:].lstrip())
            for b in sorted({0, max(_cue_cut(body), 0)}, reverse=True)]


def _find_ibid(s: str, body: str) -> _Found | None:
    """Ibid. and 同註N at the start (after a cue)."""
    for b in _begins(body):
        cue = _vocab().cue_latin.match(body[b:])
        if cue:
            b += cue.end()
        ib = _ibid(body[b:])
        if ib is not None:
            return b, _to_end(s, body, b + ib[1]), ib[0], ""
    return None


def _find_titled(s: str, body: str) -> _Found | None:
    """Chinese: the first title bracket with a valid start."""
    if not _has_title_mark(body):
        return None  # most Western notes: no bracket depths to count
    titles = _top_titles(body)
    native = japanese_notation(s)
    for t in titles[:_MAX_TITLES]:
        start = _cjk_start(body, t, adjacent_name=native and s[t:t + 1] in "『「")
        if start is None:
            continue
        got = _parse(body[start:])
        if isinstance(got, Unparsed):
            return start, len(s), None, got.reason
        ref, used = got
        title_first = start == t and t > 0 and _cue_cut(body[:t]) < 0
        if title_first and ref.form is not Form.FULL:
            continue
        return start, _to_end(s, body, start + used), ref, ""
    return None


def _has_title_mark(body: str) -> bool:
    return any(mark in body for mark in _TITLE_OPEN)


_BRACKETS = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")


def _top_titles(body: str) -> list[int]:
    """Offsets of the title brackets 《〈 at depth 0 (``_depths``' rule: depth before the
    character, closers clamped at 0), visiting the brackets only."""
    titles: list[int] = []
    depth = 0
    for found in _BRACKETS.finditer(body):
        char = found.group()
        if char in _TITLE_OPEN and not depth:
            titles.append(found.start())
        if char in _OPEN:
            depth += 1
        elif depth:
            depth -= 1
    return titles


def _find_backref(s: str, body: str) -> _Found | None:
    """楊奎松，前引書，頁12 / 前引書，頁12 (no title printed)."""
    v = _vocab()
    if not (v.earlier.search(body) and has_cjk(body)):
        return None
    for st in _begins(body):
        got = _parse_backref(body[st:])
        if got is None:
            continue
        d, used = got
        if d.authors or d.title or v.earlier.match(body[st:]):
            end = _to_end(s, body, st + used)
            return st, end, _build(d, body[st:end]), ""
    return None


def _find_author_pages(s: str, body: str) -> _Found | None:
    """楊奎松，頁12: an author and a printed page locator only (a short form)."""
    for st in _begins(body):
        m = _author_pages().match(body[st:])
        names = _name_clause(m.group(1)) if m and _is_pages(m.group(2)) else None
        if m and names is not None and names.persons:
            d = _Draft(pages=_pages(m.group(2)), extra={"author_only": "1"})
            d.add_names(names, default="author")
            return st, len(s), _build(d, body[st:]), ""
    return None


def _find_archive(s: str, body: str) -> _Found | None:
    """A Russian-style archival reference at the start or after a cue."""
    for b in _begins(body):
        got = _parse_archive(body[b:])
        if got is not None:
            end = _to_end(s, body, b + got[1])
            return b, end, _build(got[0], body[b:end]), ""
    return None


_SINO_START = re.compile(  # \x02: an italic title opens it (grammar.emphasis.OPEN)
    r"(?:(?<=\s)|^)[A-Z\u00c0-\u024f\x02](?=[^\n]{0,80}?[\u3040-\u30ff\u3400-\u9fff])")


def _find_sino(s: str, body: str) -> _Found | None:
    """Sinological Chicago (``Sima Qian 司馬遷, Shiji 史記 (…)``) at the sentence start,
    after a Chinese cue or after a Latin cue (``See …``)."""
    if not has_cjk(body):
        return None
    # Any capitalised word not far before characters may start one: prose words are
    # never part of a romanised name (grammar.toml [sinological]).
    starts = [m.start() for m in _SINO_START.finditer(body)]
    for b in starts:
        if _vocab().cue_latin.match(body[b:]):
            continue
        got = _parse_sino(body[b:])
        if got is not None:
            end = _to_end(s, body, b + got[1], " .,;")
            return b, end, _build(got[0], body[b:end]), ""
    return None


_NAME_THEN_ITALIC = re.compile(
    rf"(?<=\s)[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){{0,2}},\s*{emphasis.OPEN}")


_ITALIC_THEN_URL = re.compile(
    rf"{emphasis.OPEN}+[^{emphasis.OPEN}{emphasis.CLOSE}]+{emphasis.CLOSE}+\s*,\s*<?https?://")


_QUOTED_IN_ITALIC = re.compile(rf"(?<=\s)[“\"][^”\"]+,[”\"]\s*{emphasis.OPEN}")


def _find_latin(s: str, body: str) -> _Found | None:
    """Western: at the sentence start, after a Chinese cue or after any Latin cue."""
    starts = [0]
    cut = _cue_cut(body)
    if cut >= 0:
        starts.append(cut)
    starts.extend(m.end() for m in _vocab().cue_latin_any.finditer(body))
    # "… the essays in Westad, *Brothers in Arms*": a name, then an italic title; and
    # "the report of *Huaxi dushi bao*, <https://…>": an italic title, then its address.
    starts.extend(m.start() for m in _NAME_THEN_ITALIC.finditer(body))
    starts.extend(m.start() for m in _ITALIC_THEN_URL.finditer(body))
    # "my forthcoming article, “Title,” *Journal*": a quoted title in an italic journal.
    starts.extend(m.start() for m in _QUOTED_IN_ITALIC.finditer(body))
    for begin in starts:
        found = _latin_at(s, body, begin + len(body[begin:]) - len(body[begin:].lstrip()))
        if found is not None:
            return found
    return None


def _latin_at(s: str, body: str, b: int) -> _Found | None:
    joiner = re.match(r"[\s,;]*(?:(?:and|also)\s+)?", body[b:])  # ", and X, …"
    b += joiner.end() if joiner else 0
    cue = _vocab().cue_latin.match(body[b:])
    if cue:
        b += cue.end()
    cand = body[b:]
    if not cand or has_cjk(cand[:1]):
        return None
    wide = cand.translate(_WIDTH)
    got = _parse_latin(wide) if not has_cjk(wide.split(",")[0]) else None
    if got is None or not _looks_latin(got[0], cand):
        return None
    d, used = got
    ref = _build(d, cand[:used].strip())
    return b, _to_end(s, body, b + used, " .,;"), ref, ""


#: Ordered: the first finder that recognises a citation in the sentence wins.
FINDERS: tuple[tuple[str, _Finder], ...] = (
    ("ibid", _find_ibid),
    ("sinological", _find_sino),
    ("titled", _find_titled),
    ("backref", _find_backref),
    ("author-pages", _find_author_pages),
    ("archive", _find_archive),
    ("latin", _find_latin),
)


#: Finders that read an emphasised span as a title (``grammar.emphasis``); the others
#: see the marks as spaces.
_READS_MARKS = frozenset({"sinological", "latin"})


def _find_citation(s: str) -> _Found | None:
    """The citation in sentence ``s``: (start, end, reference, problem)."""
    marked = emphasis.encode(_quote_titles(s.rstrip()))
    body = emphasis.plain(marked)
    for name, find in FINDERS:
        found = find(s, marked if name in _READS_MARKS else body)
        if found is not None:
            return found
    return None


def _looks_latin(d: _Draft, text: str) -> bool:
    """Enough structure to call a Latin span a citation rather than prose."""
    if "backref" in d.extra or "author_only" in d.extra:
        return bool(d.authors) or "footnote" in d.extra  # "see note 4 above"
    # A quoted English title may end with characters (… Nittō Guhō Junrei Kōki 入唐求法巡禮行記).
    if not d.title or (has_cjk(d.title) and not (d.title_kind == "quote" and d.container)):
        return False
    first = d.title.lstrip("‘'“\"")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if d.title_kind == "quote" or d.places or d.publishers or d.year or d.institution or d.url:
        return True
    # Short form: Author, Title[, pages] — a few words of title, no verb-like prose.
    return bool(d.authors) and len(d.title.split()) <= 25


def segment(note: str) -> tuple[Segment, ...]:
    """Split a footnote into citation and commentary segments that tile it exactly."""
    segs: list[Segment] = []

    def add(kind: Literal["citation", "commentary"], a: int, b: int,
            ref: Reference | None = None, problem: str = "") -> None:
        if a >= b:
            return
        if kind == "commentary" and segs and segs[-1].kind == "commentary":
            prev = segs.pop()
            a = prev.start
        segs.append(Segment(kind, note[a:b], a, b, ref, problem))

    for s0, s1 in _sentences(emphasis.plain(emphasis.encode(note))):
        pos = s0
        # Several citations may share a sentence when only commas separate them
        # (參見A，《…》，頁1，B，《…》，頁2): look again after each one.
        for _ in range(_MAX_TITLES):
            sentence = note[pos:s1]
            if not sentence.strip():
                break  # only the spaces after a citation are left: nothing to find
            # Parse NFC text (compatibility ideographs -> unified) where that keeps offsets.
            normal = nfc(sentence)
            try:
                found = _find_citation(normal if len(normal) == len(sentence) else sentence)
            except (ValueError, IndexError, KeyError):  # pragma: no cover - defensive
                found = None
            if found is None:
                break
            a, b, ref, problem = found
            a, b = pos + a, pos + min(b, s1 - pos)
            if b <= a:
                break
            add("commentary", pos, a)
            if ref is not None:
                ref = replace(ref, text=_strip_end(nfc(note[a:b])))
            add("citation", a, b, ref, problem)
            pos = b
        add("commentary", pos, s1)
    return tuple(segs)


def _strip_end(text: str) -> str:
    return text.strip().rstrip("。．")
