"""Works as the tagger reads them: persons and titles of a bib entry, its school
keyword, and the ``schoolevidence`` field (``Tag``) written to and read from a .bib.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sinosoviet_cli.model import CitationLink, Work, split_persons
from sinosoviet_cli.text.normalize import has_cjk

EVIDENCE_FIELD = "schoolevidence"
KEYWORD_PREFIX = "school:"


@dataclass(frozen=True, slots=True)
class Name:
    """One person of a person field: what to show, and the forms to look for in text."""

    display: str
    family: str  # Latin family name, or the whole CJK/corporate literal
    latin: bool




_EXTENDED = re.compile(r"(\w+)\s*=\s*([^,=]*?)\s*(?=,|\s+\w+\s*=|$)")


def names(value: str) -> list[Name]:
    """The persons of an ``author``/``editor`` value: ``{楊奎松}`` and CJK names whole,
    ``Family, Given`` or ``Given Family`` split to the family name."""
    result = []
    for raw in split_persons(value):
        text = raw.strip()
        if text.startswith("{") and text.endswith("}"):
            text = text[1:-1]
        text = text.replace("{", "").replace("}", "").strip()
        if not text or text.lower() == "others":
            continue
        if "=" in text:  # biblatex extended name format: family=Brauw, given=Alan
            parts = dict(_EXTENDED.findall(text))
            family = " ".join(parts[k] for k in ("prefix", "family") if parts.get(k))
            given = parts.get("given", "")
            display = f"{given} {family}".strip()
            if display:
                result.append(Name(display, family.split()[-1] if family else given,
                                   latin=not has_cjk(text)))
        elif has_cjk(text) or raw.startswith("{"):
            result.append(Name(text, text, latin=False))
        elif "," in text:
            family, given = (p.strip() for p in text.split(",", 1))
            if family or given:
                result.append(Name(f"{given} {family}".strip(), family or given, latin=True))
        else:
            result.append(Name(text, text.split()[-1], latin=True))
    return result


def persons_of(work: Work) -> list[Name]:
    """Whose view a work stands for: its authors, else its editors."""
    return names(work.get("author")) or names(work.get("editor"))


def plain(value: str) -> str:
    """A field value without BibTeX braces."""
    return value.replace("{", "").replace("}", "").strip()


_SUBTITLE = re.compile(r"\s*(?:[：:—─]|--|\s-\s)\s*")


def short_title(work: Work) -> str:
    """The main title (before a subtitle), or the booktitle of an untitled entry."""
    title = plain(work.get("title") or work.get("booktitle"))
    main = _SUBTITLE.split(title, maxsplit=1)[0].strip()
    return main or title


def year_of(work: Work) -> int | None:
    """The first four-digit year of ``year`` or ``date``."""
    match = re.search(r"(1[5-9]\d\d|20\d\d)", work.get("year") or work.get("date"))
    return int(match.group(1)) if match else None


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


