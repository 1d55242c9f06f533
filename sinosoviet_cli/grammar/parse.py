"""One citation span -> Reference: ibid. first, then the grammars in order."""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType

from sinosoviet_cli.grammar import emphasis
from sinosoviet_cli.grammar.cjk import _parse_archive, _parse_backref, _parse_cjk, _quote_titles
from sinosoviet_cli.grammar.latin import _parse_latin
from sinosoviet_cli.grammar.lexical import _D, _NUM, _cn_number, _find_title, _pages, langid
from sinosoviet_cli.grammar.sino import _parse_sino
from sinosoviet_cli.grammar.types import _build
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Form, Reference, Unparsed
from sinosoviet_cli.text.normalize import has_cjk, nfc


def _ibid(text: str) -> tuple[Reference, int] | None:
    """同上 / 同上註，頁12 / Ibid., 45."""
    v = _vocab()
    nref = v.note_ref.match(text)
    m = nref or v.ibid.match(text)
    if not m:
        return None
    earlier = v.earlier.match(text)
    if earlier and earlier.end() > m.end():
        return None  # 同前引書 is a back-reference to an earlier work, not 同前 (ibid)
    rest = text[m.end():]
    volume = ""
    vm = re.match(
        rf"^[\s,，、]*(?:第\s*({_NUM}+)\s*[卷巻冊册]|(?:vol\.\s*)?(\d{{1,2}})\s*:(?=\s*\d))", rest
    )
    if vm:
        volume = _cn_number(vm.group(1) or vm.group(2))
        rest = rest[vm.end():]
    rm = re.match(rf"^[\s,，、：:]*((?:{v.page_latin}|{v.page_cjk}|{v.page_ordinal})?\s*[0-9ivxlc]+"
                  rf"(?:\s*[{_D}]+\s*[0-9ivxlc]+)?"
                  rf"(?:\s*[、,，]\s*\d+)*\s*(?:{v.page_cjk})?)?\s*[.。．]?\s*", rest)
    end = len(text) - len(rest) + (rm.end() if rm else 0)
    pages = _pages(rm.group(1)) if rm and rm.group(1) else ""
    if nref:
        # 同註5，頁12: a short form pointing at the work(s) of footnote 5
        return (
            Reference(text=text, form=Form.SHORT, pages=pages,
                      langid=langid(nref.group(0)),
                      extra=MappingProxyType({"backref": nref.group("word").strip(),
                                              "footnote": nref.group("n")})),
            end,
        )
    return (
        Reference(text=text, form=Form.IBID, pages=pages, volume=volume,
                  langid=langid(m.group(0)),
                  extra=MappingProxyType({"backref": m.group(0)})),
        end,
    )


def _parse(text: str) -> tuple[Reference, int] | Unparsed:
    """Parse one citation; also report how much of ``text`` it consumed."""
    marked = emphasis.encode(_quote_titles(text.rstrip()))  # italics: Chicago titles
    stripped = emphasis.plain(marked)
    ib = _ibid(stripped.strip())
    if ib is not None:
        return ib
    # Sinological Chicago (Sima Qian 司馬遷, Shiji 史記 (…)) before the bracket grammar:
    # its Chinese titles may contain 《》 themselves.
    got = _parse_sino(marked) if has_cjk(stripped) and stripped.lstrip()[:1].isupper() else None
    # 《》〈〉 belong to the Chinese grammar, whatever script the names are in.
    if got is None:
        got = _parse_cjk(stripped) if _find_title(stripped) >= 0 else None
    if got is None and has_cjk(stripped):
        got = _parse_backref(stripped)
    if got is None:
        got = _parse_archive(stripped)
    if got is None:
        got = _parse_latin(marked)
    if got is None:
        got = _parse_backref(stripped)
    if got is None:
        return Unparsed("citation", text, "no title, author or back-reference recognised")
    d, end = got
    if not (d.title or d.container or d.authors or d.institution or "backref" in d.extra):
        return Unparsed("citation", text, "no title recognised")
    return _build(d, text), end


def parse_citation(text: str) -> Reference | Unparsed:
    """Parse one citation span into a Reference (or say why not). Never raises."""
    text = nfc(text)
    try:
        got = _parse(text.strip())
    except (ValueError, IndexError, KeyError) as exc:  # pragma: no cover - defensive
        return Unparsed("citation", text, f"internal parse error: {exc}")
    if isinstance(got, Unparsed):
        return got
    return replace(got[0], text=text.strip())
