"""Romanisation suggestions (pinyin, GB/T 16159 word joining) for Chinese bibliographic
data. Nothing heavy is imported here: pypinyin, rjieba and OpenCC load on first use, so
commands that never romanise pay nothing for them."""

from __future__ import annotations

from sinosoviet_cli.romanize.bodies import english_place, romanize_body
from sinosoviet_cli.romanize.names import romanize_name
from sinosoviet_cli.romanize.suggest import Suggestion, suggest
from sinosoviet_cli.romanize.syllables import romanize_text
from sinosoviet_cli.romanize.titles import romanize_title

__all__ = [
    "Suggestion",
    "english_place",
    "romanize_body",
    "romanize_name",
    "romanize_text",
    "romanize_title",
    "suggest",
]
