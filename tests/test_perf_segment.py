"""The fast walks of ``grammar.segment`` and ``grammar.lexical`` (visiting only brackets,
separators and stops) cut exactly where the character-by-character walks they replaced
cut."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sinosoviet_cli.grammar.lexical import _CLOSE, _OPEN, _TITLE_OPEN, _depths, _split_top
from sinosoviet_cli.grammar.segment import _cuts_at_top, _sentences, _top_titles, segment

_ALPHABET = [*(_OPEN + _CLOSE + "。？！；;.,，：: \n"),
             "Ibid", "Mao", "et al", "Vol", "頁12", "A", "楊奎松", "《走向破裂》"]
notes = st.lists(st.sampled_from(_ALPHABET), max_size=60).map("".join)


def slow_sentences(note: str) -> list[tuple[int, int]]:
    """The walk over every character (the reference)."""
    spans: list[tuple[int, int]] = []
    start = depth = i = 0
    n = len(note)
    while i < n:
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
            start = i = j
            continue
        i += 1
    if start < n:
        spans.append((start, n))
    return spans


@settings(max_examples=400, deadline=None)
@given(notes)
def test_sentences_cut_where_the_full_walk_cuts(note: str) -> None:
    assert _sentences(note) == slow_sentences(note)


@settings(max_examples=400, deadline=None)
@given(notes)
def test_top_titles_are_the_depth_zero_title_brackets(note: str) -> None:
    depths = _depths(note)
    assert _top_titles(note) == [t for t, c in enumerate(note)
                                 if c in _TITLE_OPEN and not depths[t]]


def test_a_note_of_several_sentences() -> None:
    note = "參見楊奎松，《走向破裂》（香港：三聯書店，1999），頁12。 See Mao (ed.). Ibid., 3."
    assert _sentences(note) == slow_sentences(note)
    assert len(_sentences(note)) >= 2
    assert [s.kind for s in segment(note)].count("citation") >= 2


def slow_depths(text: str) -> list[int]:
    out: list[int] = []
    depth = 0
    for char in text:
        out.append(depth)
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
    return out


def slow_split_top(text: str, seps: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for i, (char, d) in enumerate(zip(text, slow_depths(text), strict=True)):
        if d == 0 and char in seps:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


@settings(max_examples=400, deadline=None)
@given(notes, st.sampled_from(["，,：:", ",", "，,", "、", "；;", "（"]))
def test_bracket_walks_agree_with_the_character_walks(text: str, seps: str) -> None:
    assert _depths(text) == slow_depths(text)
    assert _split_top(text, seps) == slow_split_top(text, seps)
