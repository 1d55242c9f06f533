"""Works as the tagger reads them: persons and titles of a bib entry, its school
keyword, and the ``schoolevidence`` field (``Tag``) written to and read from a .bib.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass

from sinosoviet_cli.model import CitationLink, Person, Work
from sinosoviet_cli.text import titles
from sinosoviet_cli.text.latex import plain_text
from sinosoviet_cli.text.names import parse_persons
from sinosoviet_cli.text.years import first_year

EVIDENCE_FIELD = "schoolevidence"
KEYWORD_PREFIX = "school:"


def persons_of(work: Work) -> list[Person]:
    """Whose view a work stands for: its authors, else its editors (parsed by the one
    names layer, ``text.names``)."""
    return list(parse_persons(work.get("author")) or parse_persons(work.get("editor")))


def plain(value: str) -> str:
    """A field value without BibTeX braces."""
    return value.replace("{", "").replace("}", "").strip()


def full_title(work: Work) -> str:
    """The title as a reader sees it (LaTeX decoded, ``subtitle`` joined), or the
    booktitle of an untitled entry."""
    main = "title" if work.get("title") else "booktitle"
    fields = {k: plain_text(work.get(k)) for k in (main, "subtitle")}
    return titles.full_title(fields, main)


def short_title(work: Work) -> str:
    """The short title (``shorttitle``, else the main title before a subtitle; ranges
    such as ``1949--1979`` are no subtitle), LaTeX decoded: ``text.titles``' rule."""
    main = "title" if work.get("title") else "booktitle"
    fields = {k: plain_text(work.get(k)) for k in (main, "subtitle", "short" + main)}
    return titles.short_title(fields, main) or fields[main]


def year_of(work: Work) -> int | None:
    """The first year of ``year`` or ``date``."""
    return first_year(work.get("year") or work.get("date"))


def footnotes_of(work: Work, links: Iterable[CitationLink] = ()) -> tuple[int, ...]:
    """The footnotes citing a work: its ``footnotes`` field and any links to its key."""
    found = {int(n) for n in re.findall(r"\d+", work.get("footnotes"))}
    found |= {link.footnote for link in links if link.key == work.key}
    return tuple(sorted(found))


def school_of(work: Work) -> str | None:
    """The ``school:<id>`` keyword of a work, if any."""
    for keyword in re.split(r"[,;]", work.get("keywords")):
        keyword = plain(keyword)
        if keyword.casefold().startswith(KEYWORD_PREFIX):
            return keyword[len(KEYWORD_PREFIX):].strip()
    return None


def unknown_schools(works: Iterable[Work], known: Container[str]) -> dict[str, list[str]]:
    """School ids in keywords that are not ``known`` (a model's ids), with the keys
    using them."""
    found: dict[str, list[str]] = {}
    for w in works:
        school = school_of(w)
        if school is not None and school not in known:
            found.setdefault(school, []).append(w.key)
    return found


def with_school(keywords: str, school: str) -> str:
    """``keywords`` with its ``school:`` keyword replaced (other keywords kept)."""
    kept = [k.strip() for k in re.split(r"[,;]", keywords)
            if k.strip() and not plain(k).casefold().startswith(KEYWORD_PREFIX)]
    return ", ".join([*kept, KEYWORD_PREFIX + school])


@dataclass(frozen=True, slots=True)
class Tag:
    """A work's school and why. ``sentence`` (the body sentence that names the author)
    exists at run time only and is never written to a file."""

    school: str
    rule: str  # marker | proponent | kind | inherited | override | none
    sections: tuple[str, ...] = ()
    footnotes: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    others: tuple[str, ...] = ()  # other candidates, e.g. "kinmen (negated)"
    source: tuple[str, ...] = ()  # chapters a volume inherits from
    reason: str = ""  # the override's reason
    was: str = ""  # what the rules said before an override
    sentence: str = ""

    def field(self) -> str:
        """The ``schoolevidence`` value: ``rule: …; sections: …; footnotes: …``."""
        parts = [("rule", self.rule), ("sections", ", ".join(self.sections)),
                 ("footnotes", ", ".join(map(str, self.footnotes))),
                 ("names", ", ".join(self.names)), ("others", ", ".join(self.others)),
                 ("from", ", ".join(self.source)), ("was", self.was),
                 ("reason", self.reason)]
        return "; ".join(f"{k}: {_safe(v)}" for k, v in parts if v)


def _safe(value: str) -> str:
    # Braces would unbalance the BibTeX value and ';' would split the evidence.
    return value.replace("{", "(").replace("}", ")").replace(";", ",")


def parse_evidence(text: str) -> Tag | None:
    """Read a ``schoolevidence`` value back (``None`` if it has no rule)."""
    fields: dict[str, str] = {}
    for part in plain(text).split(";"):
        key, sep, value = part.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()

    def items(name: str) -> tuple[str, ...]:
        return tuple(v.strip() for v in fields.get(name, "").split(",") if v.strip())

    if "rule" not in fields:
        return None
    return Tag(school="", rule=fields["rule"], sections=items("sections"),
               footnotes=tuple(int(n) for n in items("footnotes") if n.isdigit()),
               names=items("names"), others=items("others"), source=items("from"),
               reason=fields.get("reason", ""), was=fields.get("was", ""))


