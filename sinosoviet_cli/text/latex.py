"""LaTeX in BibTeX field values, decoded to Unicode text (the one implementation:
``csl`` export, ``list`` and ``show`` call ``delatex``)."""

from __future__ import annotations

import re
import unicodedata

_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
            "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
_GREEK = {name: chr(code) for name, code in (
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E),
    ("Pi", 0x3A0), ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9),
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4),
    ("epsilon", 0x3B5), ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("kappa", 0x3BA),
    ("lambda", 0x3BB), ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0),
    ("rho", 0x3C1), ("sigma", 0x3C3), ("tau", 0x3C4), ("phi", 0x3C6), ("chi", 0x3C7),
    ("psi", 0x3C8), ("omega", 0x3C9))}
_SYMBOLS = {"quad": "\u2003", "qquad": "\u2003\u2003", "enspace": "\u2002",
            "thinspace": "\u2009", ",": "\u2009", ";": "\u2005", " ": " ", "ldots": "…",
            "dots": "…", "textbackslash": "\\"}
_ESCAPED = {"&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}"}


def delatex(text: str) -> str:
    """LaTeX as BibTeX files from other tools write it, in Unicode: accents
    (``Dik\\"otter``), special letters, escaped characters, font commands (their
    contents kept), spacing commands (``\\quad`` an em space, as GB/T 7714 titles
    separate their parts), ``--``/``---`` dashes and ``~`` spaces. Braces are left
    alone. The one LaTeX-to-text function: export, list and show all call it."""
    if not any(c in text for c in ("\\", "--", "~", "`", "''", "$")):
        return text

    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)])

    if "$" in text:  # inline math: Greek letters as themselves, the dollars dropped
        text = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(0)), text)
        text = re.sub(r"(?<!\\)\$", "", text)

    text = re.sub(r"\\([`'^\"~=.])\s*\{?\s*([A-Za-z])\}?", accent, text)
    text = re.sub(r"\\([uvHckr])(?:\s+|\{)\s*([A-Za-z])\}?", accent, text)
    text = re.sub(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s?",
                  lambda m: _LETTERS[m.group(1)], text)
    text = re.sub(r"\\([&%$_#{}])", lambda m: _ESCAPED[m.group(1)], text)
    text = re.sub(r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|mkbibquote|"
                  r"mkbibemph|url|mbox|text)\s*(?=\{)", "", text)
    text = re.sub(r"\\(?:em|it|bf|sc|rm)\s+", "", text)
    if "\\" in text:  # spacing commands and named symbols (信息与文献\quad 资源描述)
        text = re.sub(r"\\(qquad|quad|enspace|thinspace|ldots|dots|textbackslash|[ ,;])"
                      r"(?:\{\}|(?<=[A-Za-z])\s+)?", lambda m: _SYMBOLS[m.group(1)], text)
    text = text.replace("``", "“").replace("''", "”").replace("`", "‘")
    if "‘" in text:  # `resource wars' closes with a straight quote: ‘resource wars’
        text = re.sub(r"‘((?:[^‘’']|'(?=[A-Za-z]))*)'(?![A-Za-z])", r"‘\1’", text)
    return text.replace("---", "—").replace("--", "–").replace("~", "\u00a0")


def unbrace(text: str) -> str:
    """A value without BibTeX's grouping braces (``{楊奎松}``, ``{Sino}``)."""
    return text.replace("{", "").replace("}", "")


def plain_text(value: str) -> str:
    """A field value as a reader sees it: LaTeX decoded, braces dropped."""
    return unbrace(delatex(value))
