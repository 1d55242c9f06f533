"""Native Japanese notation, rewritten into the Chinese grammar's marks.

``下斗米伸夫『アジア冷戦史』中央公論新社、2004年、45頁。`` prints a book in 『』, an
article or chapter in 「」 (``石井明「…」『国際政治』第95号、1990年、10–25頁``) and
separates the items with 、. The Chinese grammar reads 《》〈〉 and ，, so a citation in
this notation is rewritten character for character (same length: offsets stay valid)
before it is read: top-level 『』 -> 《》, a top-level 「」 before a 『』 -> 〈〉, and a
separating 、 -> ，. In Chinese notation 『』 and 「」 are quotation marks, so the
rewrite is done only when the text is in Japanese notation (:func:`japanese_notation`).
"""

from __future__ import annotations

import re
from functools import cache

from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.text.normalize import has_kana

_PAIRS = {"『": "』", "「": "」", "《": "》", "〈": "〉", "（": "）", "(": ")", "“": "”"}
_CLOSERS = frozenset(_PAIRS.values())
#: The page word after its number (45頁, 10–25頁): Chinese notation prints 頁45 or 第45頁.
_PAGE_AFTER = re.compile(r"(?<![第\d])\d+(?:\s*[-–—~〜～]\s*\d+)?\s*頁")
#: The longest role word with its 等 (編著, 等譯…) is shorter than this.
_ROLE_SPAN = 8
#: How far a 「」 article title may stand before the 『』 it is in (editors between).
_ARTICLE_GAP = 30


@cache
def _backref_words() -> re.Pattern[str]:
    """前掲 (Japanese form; Chinese prints 前揭): a back-reference only Japanese uses."""
    return re.compile("前掲")


@cache
def _imprint() -> re.Pattern[str]:
    endings = "|".join(map(re.escape, _vocab().japanese_publishers))
    return re.compile(rf"(?:{endings})\s*[、，,]")


def _top_level(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the bracket pairs at depth 0 (unclosed: close = -1)."""
    pairs: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []
    for i, char in enumerate(text):
        if char in _PAIRS:
            stack.append((i, _PAIRS[char]))
        elif char in _CLOSERS and stack and stack[-1][1] == char:
            start, _ = stack.pop()
            if not stack:
                pairs.append((start, i))
    pairs.extend((start, -1) for start, _ in stack[:1])
    return sorted(pairs)


def japanese_notation(text: str) -> bool:
    """True for a citation in native Japanese notation: a 『』 title outside every other
    bracket with one more Japanese mark (kana, the page word after its number, a Japanese
    publisher's ending before the next item, 訳), or the back-reference word 前掲."""
    if _backref_words().search(text):
        return True
    if "『" not in text:
        return False
    if not any(text[a] == "『" and b > a for a, b in _top_level(text)):
        return False
    return (has_kana(text) or "訳" in text or _PAGE_AFTER.search(text) is not None
            or _imprint().search(text) is not None)


def rewrite(text: str) -> str:
    """The citation with Japanese marks rewritten as the Chinese grammar's (same length);
    ``text`` unchanged unless :func:`japanese_notation`."""
    if not japanese_notation(text):
        return text
    chars = list(text)
    pairs = [(a, b) for a, b in _top_level(text) if b > a]
    books = [a for a, _ in pairs if text[a] == "『"]
    for a, b in pairs:
        if text[a] == "『":
            chars[a], chars[b] = "《", "》"
        elif text[a] == "「" and _before_book(text, b, books):
            chars[a], chars[b] = "〈", "〉"
    first = min((a for a, _ in pairs if chars[a] in "《〈"), default=len(text))
    inside = {i for a, b in pairs for i in range(a, b + 1)}
    for i, char in enumerate(text):
        if char == "、" and i not in inside and _separates(text, i, first):
            chars[i] = "，"
    return "".join(chars)


def _before_book(text: str, close: int, books: list[int]) -> bool:
    """A 「」 closing at ``close`` is an article or chapter title when a 『』 (its journal
    or book) follows within a few characters with no other quote or stop between."""
    nxt = next((a for a in books if a > close), -1)
    if nxt < 0 or nxt - close > _ARTICLE_GAP:
        return False
    return not re.search("[「」。]", text[close + 1:nxt])


def _separates(text: str, i: int, first_title: int) -> bool:
    """A 、 separates items (not names of one list): after the first title, after a role
    word (沈志華著、朱建栄訳), or before a back-reference (下斗米伸夫、前掲) or a number."""
    if i > first_title:
        return True
    after = text[i + 1:].lstrip()
    if after[:1].isdigit() or after.startswith(("前掲", "同上", "同前")):
        return True
    # a role word is a few characters long: look at the end of the text before the 、
    return _vocab().role_re.search(text[max(0, i - _ROLE_SPAN):i].rstrip()) is not None
