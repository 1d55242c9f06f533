"""Folding for matching, memoised: a draft cites the same few strings over and over."""

from __future__ import annotations

from functools import lru_cache

from sinosoviet_cli.text import normalize as _text

fold = lru_cache(maxsize=1 << 16)(_text.fold)
fold_strict = lru_cache(maxsize=1 << 16)(_text.fold_strict)


def short(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message."""
    return text if len(text) <= width else text[: width - 1] + "…"
