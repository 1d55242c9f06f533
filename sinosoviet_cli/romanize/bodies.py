"""Names of bodies (publishers, journals, corporate authors) romanised, not translated
(Renmin chubanshe, Sanlian shudian); places of publication in their English form."""

from __future__ import annotations

from sinosoviet_cli.romanize.syllables import simplified, tables, word_pinyin
from sinosoviet_cli.romanize.titles import Romanized, romanize_title_flags
from sinosoviet_cli.text.normalize import nfc

UNKNOWN_PLACE = "unknown place"


def romanize_body_flags(name: str) -> Romanized:
    """A body's name, first word and proper nouns capitalised, with its flags."""
    return romanize_title_flags(name)


def romanize_body(name: str) -> str:
    """``北京大學出版社`` → ``Beijing daxue chubanshe``; ``二十一世紀`` → ``Ershiyi shiji``."""
    return romanize_body_flags(name).text


def place_flags(place: str) -> Romanized:
    """A place in English (香港 → Hong Kong); an unknown one in capitalised pinyin,
    flagged for the reviewer. Several places joined with `` and `` stay joined."""
    names: list[str] = []
    flags: set[str] = set()
    for part in nfc(place).split(" and "):
        part = part.strip()
        key = simplified(part)
        known = tables().places.get(part) or tables().places.get(key)
        if known is None:
            flags.add(UNKNOWN_PLACE)
            known = word_pinyin(key).capitalize()
        names.append(known)
    return Romanized(" and ".join(names), tuple(sorted(flags)))


def english_place(place: str) -> str:
    """``台北`` → ``Taipei``, ``北京 and 長沙`` → ``Beijing and Changsha``."""
    return place_flags(place).text
