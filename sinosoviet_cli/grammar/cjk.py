"""Chinese citations: 《書》〈篇〉 with their persons, containers and events, and
back-references (前引書) that print no title."""

from __future__ import annotations

import re
from functools import cache

from sinosoviet_cli.grammar.draft import _Draft
from sinosoviet_cli.grammar.japanese import rewrite as _rewrite_japanese
from sinosoviet_cli.grammar.lexical import (
    _QUOTES_CLOSE,
    _QUOTES_OPEN,
    _TITLE_OPEN,
    _clean,
    _cue_cut,
    _date_of,
    _find_title,
    _is_date,
    _match_close,
    _split_top,
)
from sinosoviet_cli.grammar.persons import _name_clause
from sinosoviet_cli.grammar.tail import _read_tail
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.text.normalize import CJK_CHAR, has_cjk, has_kana


def japanese_work(rest: str) -> bool:
    """The citation from its title on is of a Japanese work: kana in it, a Japanese
    place or a Japanese publisher's ending (grammar.toml [japanese]). Its authors' names
    may then run to 6 kanji (下斗米伸夫, 五百旗頭真)."""
    return has_kana(rest) or _japanese_imprint().search(rest) is not None


@cache
def _japanese_imprint() -> re.Pattern[str]:
    """（東京：… / …書房，2002: a Japanese place before its publisher, or a publisher's
    ending before the year — not the same words inside a title (《東京審判》)."""
    v = _vocab()
    places = "|".join(map(re.escape, v.japanese_places))
    endings = "|".join(map(re.escape, v.japanese_publishers))
    return re.compile(rf"[（(]\s*(?:{places})\s*[：:]|(?:{endings})\s*[，,、]?\s*\d{{4}}")


def _read_prefix(d: _Draft, prefix: str, *, japanese: bool = False) -> bool:
    """Read the persons before the first title; False if some clause is not a name."""
    ok = True
    clauses = [prefix[a:b] for a, b in _split_top(prefix, "，,：:")]
    for k, clause in enumerate(clauses):
        clause = clause.strip()
        if k == len(clauses) - 1:
            clause = clause.removesuffix("的")  # 參見楊奎松的《走向破裂》
        if k == 0 and clause:
            cut = _cue_cut(clause)
            if cut >= 0 and _name_clause(clause, japanese=japanese) is None:
                clause = clause[cut:].strip()
        if not clause:
            continue
        names = _name_clause(clause, japanese=japanese)
        if names is None:
            ok = False
            continue
        d.add_names(names, default="author")
    return ok


def _backref_clause(prefix: str) -> bool:
    """A clause before the title is a back-reference word (前引, 前掲), not a name."""
    earlier = _vocab().earlier
    return any(earlier.fullmatch(prefix[a:b].strip()) for a, b in _split_top(prefix, "，,：:"))


_NOTHING = re.compile("")


def _editors_only(between: str) -> re.Match[str] | None:
    """〈篇〉，楊奎松主編，《書》 / 「章」鈴木一郎編『書』: only the volume's editors stand
    between a chapter and its volume (no 收入); an empty match then, like a marker's."""
    clauses = [between[a:b].strip() for a, b in _split_top(between, "，,：:")]
    names = [_name_clause(c) if c else None for c in clauses]
    last = names[-1] if names else None
    if not (last and last.role == "editor" and all(n is not None for n in names)):
        return None
    return _NOTHING.match(between)


def _parse_cjk(text: str) -> tuple[_Draft, int] | None:
    """Read a Chinese-style citation from ``text``; (draft, end of what was read)."""
    v = _vocab()
    t = _find_title(text)
    if t < 0:
        return None
    if _backref_clause(text[:t]):
        return None  # 楊奎松，前引《走向破裂》: a back-reference (_parse_backref)
    d = _Draft()
    if not _read_prefix(d, text[:t], japanese=japanese_work(text[t:])):
        d.extra["prefix"] = _clean(text[:t])
    close = _match_close(text, t)
    if close < 0:
        d.title, d.title_kind = _clean(text[t + 1:]), text[t]
        return d, len(text)
    d.title, d.title_kind = _clean(text[t + 1:close]), text[t]
    pos = close + 1
    # Between the title and a container: 〈篇名〉，收入 編者主編，《書名》 / 〈篇名〉，《期刊》
    nxt = _find_title(text, pos)
    if nxt >= 0:
        between = text[pos:nxt].strip(" ，,：:")
        marker = v.container_cjk.match(between) or _editors_only(between)
        if marker or not between:
            people = between[marker.end():] if marker else ""
            for a, b in _split_top(people, "，,：:"):
                clause = people[a:b].strip()
                names = _name_clause(clause) if clause else None
                if names is not None:
                    d.add_names(names, default="editor", container=True)
            cclose = _match_close(text, nxt)
            if cclose < 0:
                d.container = _clean(text[nxt + 1:])
                return d, len(text)
            d.container = _clean(text[nxt + 1:cclose])
            d.chapter = bool(marker)
            pos = cclose + 1
    pos = _periodical_place(d, text, pos)
    # The journal's web edition is printed right after its title: 《二十一世紀》網路版
    m = v.edition.match(text, pos)
    if m:
        d.note = m.group(0)
        pos = m.end()
    # The event a paper was read at: 〈…〉「…研討會」 / 〈…〉，發表於「…」學術研討會（…）
    m = re.match(r"\s*[，,]?\s*", text[pos:])
    q = pos + (m.end() if m else 0)
    em = v.event_markers.match(text, q)
    q2 = em.end() if em else q
    stop = re.search(r"[，,（(]", text[q2:])
    event = text[q2: q2 + stop.start()] if stop else text[q2:]
    if (em or event[:1] in _QUOTES_OPEN) and v.conference.search(event):
        name = _clean(re.sub(f"[{_QUOTES_OPEN}{_QUOTES_CLOSE}]", "", event))
        if v.proceedings.search(name):
            d.container = name
        else:
            d.eventtitle = name
        pos = q2 + len(event)
    end = _read_tail(d, text[pos:], pos)
    # Back-references after the persons: 楊奎松，前引書 … are read by _parse_backref.
    return d, max(end, pos)


_PLACE_BRACKET = re.compile(r"\s*[（(]\s*([^（()）：:，,\d]{1,8}?)\s*[）)]")
_ISSUE_NEXT = re.compile(
    r"\s*[，,]?\s*(?:[總总]?第\s*\S|\d{4}\s*年|\d{1,4}\s*[期卷號号]|[（(]\s*\d{4})"
)


def _periodical_place(d: _Draft, text: str, pos: int) -> int:
    """《二十一世紀》（香港），第58期 / 《明報月刊》（香港）第5期 / …（香港）2000年4月號: a
    city in brackets right after a periodical's name, then its issue, is where the
    periodical appears — not a book's place of publication. biblatex's @article has no
    field for it, so it is kept aside (``extra["journalplace"]``), never as ``places``."""
    m = _PLACE_BRACKET.match(text, pos)
    if not (m and m.group(1) in _vocab().places and _ISSUE_NEXT.match(text, m.end())):
        return pos
    d.extra["journalplace"] = m.group(1)
    return m.end()


#: The longest name (in characters) read before 前引書 without a role word or ‧.
_BACKREF_NAME_LIMIT = 8


def _parse_backref(text: str) -> tuple[_Draft, int] | None:
    """``楊奎松，前引書，頁12`` / ``Zagoria, op. cit., 78`` (no title printed)."""
    v = _vocab()
    m = v.earlier.search(text)
    if not m:
        return None
    d = _Draft()
    head = text[: m.start()].strip(" ，,：:")
    if head and not _read_prefix(d, head):
        if not has_cjk(head):
            names = _name_clause(head)
            if names is None:
                return None
            d.add_names(names, default="author")
        else:
            # 鮑里索夫、科洛斯科夫，前引書: before 前引書 a clause is a name list, so a
            # transliterated name printed without ‧ may be longer than a Chinese one.
            names = _name_clause(head, plain_limit=_BACKREF_NAME_LIMIT)
            if names is None or not names.persons:
                return None
            d = _Draft()
            d.add_names(names, default="author")
    d.extra["backref"] = m.group(0)
    pos = m.end()
    # 前引楊奎松書 / 前引楊奎松，《走向破裂》: the author after the back-reference word
    nm = re.match(r"([^，,：:《〈（(]{2,12}?)(?:[書书文]|\s*[，,：:]\s*(?=[《〈]))", text[pos:])
    if nm and not d.authors and has_cjk(nm.group(1)):
        names = _name_clause(nm.group(1))
        if names is not None:
            d.add_names(names, default="author")
            pos += nm.end()
    # 前引《書名》 / 前引書《書名》
    after = text[pos:].lstrip()
    if after[:1] in _TITLE_OPEN:
        t = pos + (len(text[pos:]) - len(after))
        close = _match_close(text, t)
        if close > 0:
            d.title, d.title_kind = _clean(text[t + 1:close]), text[t]
            pos = close + 1
    end = _read_tail(d, text[pos:], pos)
    return d, max(end, pos)


_JAPANESE_BOOK = re.compile(
    rf"(?<=[，,：:\s]|{CJK_CHAR})『([^『』「」《》]{{1,80}})』(?=\s*[，,（(]|\s*$)"
)


_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _quote_titles(text: str) -> str:
    """``作者，「篇名」，《期刊》`` / ``“篇名”`` -> ``〈篇名〉``: some writers quote article
    titles instead of bracketing them; Japanese works print books in 『』 (-> 《》), and
    native Japanese notation is rewritten whole (``grammar.japanese``). Full-width
    digits become ASCII. Same length, so offsets stay valid."""
    text = _rewrite_japanese(text.translate(_DIGITS))
    text = _JAPANESE_BOOK.sub(lambda m: f"《{m.group(1)}》", text)
    return _vocab().quote_title.sub(lambda m: f"〈{m.group(1)}〉", text)


_HELD = re.compile(r"(?:藏)?(?:档案|檔案)?$")


def _parse_archive(text: str) -> tuple[_Draft, int] | None:
    """A file cited by its repository and call number, without a title:
    ``АПРФ，ф.45，оп.1，д.331，л.65-67`` / ``АВП РФ, ф. 0100, оп. 51`` /
    ``江苏省档案馆藏，3011-永久-123`` / ``外交部档案馆，档号109-00872-01`` /
    ``中央档案馆藏档案，全宗号…``."""
    v = _vocab()
    described = _described_document(text)
    if described is not None:
        return described
    m = re.match(rf"({v.archive_abbr.pattern})\s*[,，]\s*", text)
    if m:
        institution = m.group(1)
    else:
        m = re.match(r"([^，,：:《〈（(]{2,30}?)\s*[,，]\s*", text)
        repository = _HELD.sub("", m.group(1)) if m else ""
        if not (m and repository.endswith(v.archives)):
            return None
        institution = repository
    d = _Draft(institution=institution, extra={"archive": "1"})
    end = _read_tail(d, text[m.end():], m.end())
    return (d, end) if d.number else None


_DATE_END = re.compile(r"[,，]\s*([^,，]{4,30})$")


def _described_document(text: str) -> tuple[_Draft, int] | None:
    """A document described, dated, then filed by fond / opis' / delo: ``Record of
    conversation between … and Zhou Enlai, 14 March 1962, AVPRF, f. 0100, op. 55, d. 12,
    l. 3–5``. The description (with its date, as printed) is the title; the date must
    end it, so prose before an archive is never taken for a document."""
    v = _vocab()
    for m in re.finditer(rf"[,，]\s*({v.archive_abbr.pattern})\s*[,，]\s*(?={v.call_part.pattern})",
                         text):
        title = _clean(text[:m.start()])
        dated = _DATE_END.search(title)
        if not dated or not _is_date(dated.group(1)):
            return None
        longer = _DATE_END.search(title[:dated.start()])  # "June 2, 1958"
        when = dated.group(1)
        if longer and _is_date(f"{longer.group(1)}, {when}"):
            when = f"{longer.group(1)}, {when}"
        year, date = _date_of(when)
        d = _Draft(title=title, title_kind="plain", institution=m.group(1),
                   year=year, date=date, extra={"archive": "1"})
        end = _read_tail(d, text[m.end():], m.end())
        return (d, end) if d.number else None
    return None
