"""The values that flow through the pipeline: plain frozen dataclasses, no behaviour
beyond small derived properties. No third-party types appear here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

SECTIONS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True, slots=True)
class Footnote:
    """One footnote of the paper, its lines joined the way a reader reads them."""

    n: int
    text: str
    page: int | None = None
    section: str | None = None
    line: int = 0  # 1-based line of the source text where the footnote starts


@dataclass(frozen=True, slots=True)
class Marker:
    """A footnote marker in the body text and the sentence it closes."""

    n: int
    sentence: str
    section: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph (markers removed), with its section and first page."""

    text: str
    section: str | None = None
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Unparsed:
    """Something the pipeline could not interpret, kept so that nothing is dropped."""

    what: str  # e.g. "line", "footnote", "citation"
    text: str
    reason: str
    line: int | None = None
    footnote: int | None = None


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper's text split into footnotes and body, with where every footnote is cited."""

    footnotes: tuple[Footnote, ...]
    paragraphs: tuple[Paragraph, ...] = ()
    markers: tuple[Marker, ...] = ()
    headings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[Unparsed, ...] = ()


class Form(StrEnum):
    """How a citation refers to its work."""

    FULL = "full"
    SHORT = "short"
    IBID = "ibid"


@dataclass(frozen=True, slots=True)
class Person:
    """A person or a body. CJK and corporate names are kept whole in ``literal``;
    Western names are split into family and given (with biblatex's suffix and
    particle). ``alt`` keeps a second form the source prints
    (``莫里斯‧邁斯納（Maurice Meisner）``). Parsing lives in ``text.names``."""

    family: str = ""
    given: str = ""
    literal: str = ""
    alt: str = ""
    suffix: str = ""  # Jr, III
    particle: str = ""  # de, von
    particle_kept: bool = False  # biblatex useprefix: the particle sorts with the family

    @property
    def display(self) -> str:
        """Given-name-first form for reading (``Donald S. Zagoria``, ``楊奎松``)."""
        if self.literal:
            return self.literal
        family = f"{self.particle} {self.family}".strip()
        name = f"{self.given} {family}".strip()
        return f"{name}, {self.suffix}" if self.suffix else name

    def bibtex(self) -> str:
        """The BibTeX form: ``{楊奎松}`` for literals, ``Family, Given`` otherwise."""
        if self.literal:
            return "{" + self.literal + "}"
        family = f"{self.particle} {self.family}".strip()
        if self.suffix:
            return f"{family}, {self.suffix}, {self.given}"
        return f"{family}, {self.given}" if self.given else family


def split_persons(value: str) -> list[str]:
    """Split a BibTeX name list on `` and `` (any case) outside braces, so that
    ``{人民出版社 and 中華書局}`` stays one body. ``others`` is kept: callers decide."""
    parts: list[str] = []
    depth = start = i = 0
    lower = value.lower()
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and lower.startswith(" and ", i):
            parts.append(value[start:i])
            start = i = i + 5
            continue
        i += 1
    parts.append(value[start:])
    return [p for p in (x.strip() for x in parts) if p]


@dataclass(frozen=True, slots=True)
class Reference:
    """One citation span parsed into typed fields, before resolution.

    A full citation fills what it prints; a short form or ibid fills only what it has
    (e.g. author and short title) and leaves the rest empty for ``resolve`` to link.
    """

    text: str
    form: Form = Form.FULL
    entry_type: str = "misc"  # BibTeX type: book, article, incollection, phdthesis, ...
    authors: tuple[Person, ...] = ()
    editors: tuple[Person, ...] = ()
    translators: tuple[Person, ...] = ()
    title: str = ""
    container: str = ""  # journal, newspaper or the volume a chapter is in
    container_editors: tuple[Person, ...] = ()
    places: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    year: str = ""
    date: str = ""  # ISO 8601 where a day or month is printed
    volume: str = ""
    number: str = ""
    pages: str = ""  # the pages cited (a locator), ``--`` for ranges
    institution: str = ""  # thesis school / report institution / conference organiser
    eventtitle: str = ""
    url: str = ""
    note: str = ""
    langid: str = ""  # "chinese" or "english"
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Work:
    """One bibliography entry: a BibTeX type, key and fields (lower-case names,
    persons joined with `` and ``). This is what ``bibio`` reads and writes."""

    key: str
    entry_type: str
    fields: Mapping[str, str]
    line: int | None = None  # where the entry starts in the .bib it came from

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


@dataclass(frozen=True, slots=True)
class CitationLink:
    """A citation in a footnote, linked to the work it cites (``key`` empty if unresolved)."""

    footnote: int
    text: str
    form: Form
    key: str = ""
    pages: str = ""
    problem: str = ""  # why it is unresolved or doubtful
    volume: str = ""  # the volume cited of a multi-volume work (第7册, （上）, 2:45)


@dataclass(frozen=True, slots=True)
class Bibliography:
    """The result of ``parse``: works, every citation's link, and what was not parsed."""

    works: tuple[Work, ...]
    links: tuple[CitationLink, ...]
    unparsed: tuple[Unparsed, ...] = ()
