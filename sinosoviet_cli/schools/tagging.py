"""Historiographical schools: which explanation of the Great Leap and the Sino-Soviet
split each cited work stands behind, with the evidence from the paper itself.

Evidence, strongest first (scores are compared per work; ``min_score`` in
``data/schools.toml`` decides whether a school is supported at all):

- ``kind`` — the work is a memoir / document collection (``primary``) or an IR theory
  text (``theory``): a role, whatever section cites it;
- ``marker`` (4) — the body sentence a citing footnote closes, in a school's section,
  names the work's author or title;
- ``proponent`` (3 / 2) — the body of a school's section names the author; 3 if the work
  is also cited in that section, 2 if only elsewhere;
- ``section`` (1) — the work is cited in a school's section without being named there.

A scholar the body names as *not* holding a section's view (``negation`` in the data)
loses that school. Volumes (crossref parents) take their chapters' tag unless their own
evidence is direct. Reviewed overrides (``data/school_overrides.toml``) win, and say so.

The body sentence is kept at run time only (``Tag.sentence``); what goes into the .bib
(``keywords = {school:<id>}``, ``schoolevidence``) holds no sentence of the paper.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.errors import BibError, UsageError
from sinosoviet_cli.model import Bibliography, CitationLink, Paper, Work, split_persons
from sinosoviet_cli.text.normalize import fold, has_cjk

UNTAGGED = "untagged"
EVIDENCE_FIELD = "schoolevidence"
KEYWORD_PREFIX = "school:"

_SCORE_MARKER, _SCORE_IN_SECTION, _SCORE_ELSEWHERE, _SCORE_SECTION = 4, 3, 2, 1


# ── the school model (data) ──────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class School:
    """A school (an explanation presented in a section of the paper) or a role."""

    id: str
    kind: str  # "school" or "role"
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    section: str | None = None
    title_words: tuple[str, ...] = ()
    corporate_words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything the tagger knows that is not code: schools, aliases, negation words."""

    schools: tuple[School, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    negation_words: tuple[str, ...] = ()
    negation_gap: int = 8
    min_score: int = 2
    volume_own_score: int = 3

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.schools)

    def get(self, school_id: str) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)


@dataclass(frozen=True, slots=True)
class Override:
    """A reviewed decision: the work with this key or title gets this school."""

    school: str
    reason: str
    key: str = ""
    title: str = ""


def _data(name: str) -> dict[str, Any]:
    source = resources.files("sinosoviet_cli") / "data" / name
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:  # a broken package data file is our bug
        raise BibError(f"invalid package data: {exc}", path=str(source),
                       fix="restore the file from the sinosoviet distribution") from exc


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def rules_from(data: Mapping[str, Any]) -> Rules:
    """Build ``Rules`` from parsed TOML (the shape of ``data/schools.toml``)."""
    schools = tuple(
        School(
            id=str(s["id"]), kind=str(s.get("kind", "school")),
            name_zh=str(s.get("name_zh", "")), name_en=str(s.get("name_en", "")),
            description_zh=str(s.get("description_zh", "")),
            description_en=str(s.get("description_en", "")),
            section=s.get("section"), title_words=_strings(s.get("title_words")),
            corporate_words=_strings(s.get("corporate_words")),
        )
        for s in data.get("school", [])
    )
    aliases = {str(k): _strings(v) for k, v in data.get("aliases", {}).items()}
    negation = data.get("negation", {})
    return Rules(
        schools=schools, aliases=MappingProxyType(aliases),
        negation_words=_strings(negation.get("words")), negation_gap=int(negation.get("gap", 8)),
        min_score=int(data.get("min_score", 2)),
        volume_own_score=int(data.get("volume_own_score", 3)),
    )


@cache
def load_rules() -> Rules:
    """The packaged school model."""
    return rules_from(_data("schools.toml"))


def overrides_from(data: Mapping[str, Any], rules: Rules) -> tuple[Override, ...]:
    """Overrides from parsed TOML; each needs a known school, a reason, and a key or title."""
    result: list[Override] = []
    for i, item in enumerate(data.get("override", []), 1):
        school, reason = str(item.get("school", "")), str(item.get("reason", "")).strip()
        key, title = str(item.get("key", "")), str(item.get("title", ""))
        problem = ("unknown school " + repr(school) if school not in rules.ids
                   else "no reason" if not reason
                   else "neither key nor title" if not (key or title)
                   else "';' in the reason" if ";" in reason else "")
        if problem:
            raise BibError(f"school override #{i}: {problem}", path="school_overrides.toml",
                           fix="each [[override]] needs key or title, school and reason")
        result.append(Override(school, reason, key, title))
    return tuple(result)


@cache
def load_overrides() -> tuple[Override, ...]:
    """The packaged, reviewed overrides."""
    return overrides_from(_data("school_overrides.toml"), load_rules())


# ── persons and titles as the bib stores them ────────────────────────────────


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


# ── evidence ─────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Candidate:
    """One school's support for one work."""

    school: str
    rule: str  # marker | proponent | section | kind
    score: int
    sections: tuple[str, ...] = ()
    footnotes: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    sentence: str = ""
    negated: bool = False

    @property
    def label(self) -> str:
        return f"{self.school} ({'negated' if self.negated else self.rule})"


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


@dataclass(frozen=True, slots=True)
class _Needle:
    display: str
    pattern: re.Pattern[str]


def _needles(person: Name, rules: Rules) -> list[_Needle]:
    """Regexes (over folded text) that find a person named in the body."""
    forms: list[tuple[str, bool]] = []
    if person.latin:
        if len(person.family) >= 2:
            forms.append((person.family, True))
        forms += [(alias, False) for alias in rules.aliases.get(person.family, ())]
    else:
        forms.append((person.family, False))
        # 莫里斯‧邁斯納: the body may use the family part alone.
        forms += [(p, False) for p in re.split(r"[‧·・•.]", person.family)[1:] if len(p) >= 2]
    result = []
    for form, word in forms:
        folded = re.escape(fold(form))
        pattern = rf"(?<![a-z]){folded}(?![a-z])" if word else folded
        result.append(_Needle(person.display, re.compile(pattern)))
    return result


def _title_needle(work: Work) -> re.Pattern[str] | None:
    title = fold(short_title(work))
    long_enough = len(title) >= (4 if has_cjk(title) else 12)
    return re.compile(re.escape(title)) if title and long_enough else None


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    folded: str
    section: str | None


def _body(paper: Paper) -> list[_Sentence]:
    return [_Sentence(s.strip(), fold(s), p.section)
            for p in paper.paragraphs for s in _SENTENCE_END.split(p.text) if s.strip()]


def _kind(work: Work, rules: Rules) -> str | None:
    """A role from the kind of work: memoir/documents (``primary``) or theory."""
    title = fold(plain(" ".join([work.get("title"), work.get("subtitle")])))
    bodies = fold(" ".join([work.get("author"), work.get("editor")]))
    for school in rules.schools:
        if school.kind != "role":
            continue
        if any(fold(w) in title for w in school.title_words):
            return school.id
        if any(fold(w) in bodies for w in school.corporate_words):
            return school.id
    return None


def candidates(work: Work, paper: Paper, rules: Rules,
               links: Iterable[CitationLink] = (),
               body: Sequence[_Sentence] | None = None) -> list[Candidate]:
    """Every school's support for one work, strongest first (unsupported schools left out)."""
    body = _body(paper) if body is None else body
    notes = footnotes_of(work, links)
    markers = {m.n: m for m in paper.markers}
    note_sections = {f.n: f.section for f in paper.footnotes}
    cited_in: dict[str, list[int]] = {}
    for n in notes:
        section = markers[n].section if n in markers else note_sections.get(n)
        if section:
            cited_in.setdefault(section, []).append(n)
    needles = [nd for person in persons_of(work) for nd in _needles(person, rules)]
    title = _title_needle(work)
    negations = [fold(w) for w in rules.negation_words]
    result = []
    for school in rules.schools:
        section = school.section
        if school.kind != "school" or section is None:
            continue
        in_section = [s for s in body if s.section == section]
        named = [(nd, s) for s in in_section for nd in needles if nd.pattern.search(s.folded)]
        who = tuple(dict.fromkeys(nd.display for nd, _ in named))
        notes_here = tuple(cited_in.get(section, ()))
        if any(_negated(nd.pattern, s.folded, negations, rules.negation_gap) for nd, s in named):
            result.append(Candidate(school.id, "proponent", 0, (section,), notes_here, who,
                                    negated=True))
            continue
        marker = next(
            (markers[n] for n in notes_here if n in markers
             and (any(nd.pattern.search(fold(markers[n].sentence)) for nd in needles)
                  or (title is not None and title.search(fold(markers[n].sentence))))),
            None)
        if marker is not None:
            result.append(Candidate(school.id, "marker", _SCORE_MARKER, (section,), notes_here,
                                    who, marker.sentence))
        elif named:
            score = _SCORE_IN_SECTION if notes_here else _SCORE_ELSEWHERE
            result.append(Candidate(school.id, "proponent", score, (section,), notes_here, who,
                                    named[0][1].text))
        elif notes_here:
            result.append(Candidate(school.id, "section", _SCORE_SECTION, (section,), notes_here))
    return sorted(result, key=lambda c: (-c.score, -len(c.footnotes)))


def _negated(needle: re.Pattern[str], sentence: str, words: list[str], gap: int) -> bool:
    for match in needle.finditer(sentence):
        tail = sentence[match.end():match.end() + gap + max(map(len, words), default=0)]
        stop = re.search(r"[,.;]", tail)
        tail = tail[:stop.start()] if stop else tail
        if any(0 <= tail.find(w) <= gap for w in words):
            return True
    return False


def tag_work(work: Work, paper: Paper, rules: Rules, links: Iterable[CitationLink] = (),
             body: Sequence[_Sentence] | None = None) -> Tag:
    """The tag of one work from its own evidence (no volumes, no overrides)."""
    found = candidates(work, paper, rules, links, body)
    notes = footnotes_of(work, links)
    kind = _kind(work, rules)
    others = tuple(c.label for c in found)
    if kind is not None:
        return Tag(kind, "kind", footnotes=notes, others=others)
    best = found[0] if found and not found[0].negated else None
    if best is None or best.score < rules.min_score:
        return Tag("context", "none", footnotes=notes, others=others)
    sections = tuple(dict.fromkeys([*best.sections, *(s for c in found for s in c.sections)]))
    return Tag(best.school, best.rule, sections, notes, best.names,
               tuple(c.label for c in found[1:]), sentence=best.sentence)


def _matches(override: Override, work: Work) -> bool:
    if override.key:
        return override.key.casefold() == work.key.casefold()
    return fold(plain(override.title)) == fold(plain(work.get("title")))


def tag_works(paper: Paper, works: Sequence[Work], links: Iterable[CitationLink] = (),
              rules: Rules | None = None,
              overrides: Sequence[Override] = ()) -> dict[str, Tag]:
    """Tags for all works: own evidence, then overrides, then volumes from their chapters."""
    rules = rules or load_rules()
    links = tuple(links)
    body = _body(paper)
    raw = {w.key: tag_work(w, paper, rules, links, body) for w in works}
    scores = {w.key: max((c.score for c in candidates(w, paper, rules, links, body)
                          if not c.negated), default=0) for w in works}

    def overridden(work: Work, tag: Tag) -> Tag:
        rule = next((o for o in overrides if _matches(o, work)), None)
        if rule is None:
            return tag
        # The rules' sections and names argued for the old school: the reason replaces them.
        others = tuple(o for o in tag.others if not o.startswith(rule.school + " "))
        return replace(tag, school=rule.school, rule="override", reason=rule.reason,
                       was=f"{tag.school} ({tag.rule})", others=others, sections=(),
                       names=(), sentence="")

    tags = {w.key: overridden(w, raw[w.key]) for w in works}
    children: dict[str, list[str]] = {}
    for w in works:
        parent = w.get("crossref").casefold()
        if parent:
            children.setdefault(parent, []).append(w.key)
    for w in works:
        kids = children.get(w.key.casefold(), [])
        own = raw[w.key]
        if not kids or own.rule == "kind" or scores[w.key] >= rules.volume_own_score:
            continue
        counts = Counter(tags[k].school for k in kids)
        school = max(counts, key=lambda s: (counts[s], -rules.ids.index(s)
                                            if s in rules.ids else 0))
        notes = tuple(sorted({n for k in kids for n in tags[k].footnotes} | set(own.footnotes)))
        inherited = Tag(school, "inherited", footnotes=notes, source=tuple(kids),
                        others=(f"{own.school} ({own.rule})",) if own.school != school else ())
        tags[w.key] = overridden(w, inherited)
    return tags


def apply(paper: Paper, bibliography: Bibliography) -> Bibliography:
    """Return the bibliography with ``keywords = {school:<id>}`` and ``schoolevidence``
    set on every work."""
    tags = tag_works(paper, bibliography.works, bibliography.links, load_rules(),
                     load_overrides())
    return replace(bibliography, works=tuple(retag(w, tags[w.key]) for w in bibliography.works))


def retag(work: Work, tag: Tag) -> Work:
    """The work with its school keyword and evidence field set from ``tag``."""
    fields = dict(work.fields)
    fields["keywords"] = with_school(fields.get("keywords", ""), tag.school)
    fields[EVIDENCE_FIELD] = tag.field()
    return replace(work, fields=MappingProxyType(fields))


# ── reading a tagged bibliography ────────────────────────────────────────────


def group(works: Iterable[Work], rules: Rules) -> list[tuple[str, list[Work]]]:
    """Works grouped by school: the known ids in data order, unknown ids, then untagged.
    Empty groups are left out."""
    groups: dict[str, list[Work]] = {}
    for w in works:
        groups.setdefault(school_of(w) or UNTAGGED, []).append(w)
    unknown = sorted(k for k in groups if k not in rules.ids and k != UNTAGGED)
    order = [*rules.ids, *unknown, UNTAGGED]
    return [(k, groups[k]) for k in order if k in groups]


def unknown_schools(works: Iterable[Work], rules: Rules) -> dict[str, list[str]]:
    """School ids in keywords that the model does not know, with the keys using them."""
    found: dict[str, list[str]] = {}
    for w in works:
        school = school_of(w)
        if school is not None and school not in rules.ids:
            found.setdefault(school, []).append(w.key)
    return found


def language(work: Work) -> str:
    """``zh`` or ``en``: the ``langid`` field, else whether the title has CJK."""
    langid = work.get("langid").casefold()
    if langid.startswith(("chinese", "zh", "japanese", "korean")):
        return "zh"
    if langid:
        return "en"
    return "zh" if has_cjk(work.get("title") + work.get("author")) else "en"


def author_label(work: Work) -> str:
    """``楊奎松``, ``Zagoria``, ``Robinson & Shambaugh (eds.)``, ``Teiwes et al.``."""
    people, suffix = names(work.get("author")), ""
    if not people:
        people = names(work.get("editor"))
        suffix = " (ed.)" if people else ""
    if not people:
        return ""
    short = [p.family for p in people]
    label = short[0] if len(short) == 1 else (
        f"{short[0]} & {short[1]}" if len(short) == 2 else f"{short[0]} et al.")
    return label + suffix


def proponents(works: Iterable[Work]) -> list[str]:
    """The scholars behind a school's works: the names in the evidence; the authors of
    works named by their title or without evidence; nobody for inherited tags (a
    volume's editors do not hold its chapters' views)."""
    found: dict[str, None] = {}
    for w in works:
        tag = parse_evidence(w.get(EVIDENCE_FIELD))
        if tag is not None and tag.names:
            people = tag.names
        elif tag is None or tag.rule in ("marker", "proponent", "kind", "none"):
            people = tuple(p.display for p in persons_of(w))
        else:
            people = ()
        found.update(dict.fromkeys(people))
    return list(found)


def by_key(works: Iterable[Work]) -> dict[str, Work]:
    """Works by case-folded key (BibTeX keys, and crossrefs, ignore case)."""
    return {w.key.casefold(): w for w in works}


def inherited_year(work: Work, context: Mapping[str, Work]) -> int | None:
    """The work's year, or the year of its crossref volume (a chapter is dated by its
    book), with biblatex's inheritance (``bibio.inherit``)."""
    from sinosoviet_cli.bibtex.bibio import inherit

    if work.get("year") or work.get("date") or not work.get("crossref"):
        return year_of(work)
    return year_of(replace(work, fields=MappingProxyType(inherit(work, context))))


def containers(works: Iterable[Work]) -> set[str]:
    """Keys (case-folded) of volumes cited only through their chapters: some entry
    crossrefs them and they have no footnotes of their own."""
    works = tuple(works)
    parents = {w.get("crossref").casefold() for w in works if w.get("crossref")}
    return {w.key.casefold() for w in works
            if w.key.casefold() in parents and not footnotes_of(w)}


def decades(works: Iterable[Work], context: Iterable[Work] = ()) -> dict[int, int]:
    """Number of works per decade of publication (1960 for 1960-1969).

    ``context`` is the whole bibliography: chapters take their volume's year from it,
    and a volume cited only through its chapters (see :func:`containers`) is not
    counted, so that a book counts once, by the chapters the paper cites."""
    works = tuple(works)
    everything = (*works, *context)
    index, skip = by_key(everything), containers(everything)
    years = (inherited_year(w, index) for w in works if w.key.casefold() not in skip)
    counts = Counter(y // 10 * 10 for y in years if y is not None)
    return dict(sorted(counts.items()))


def require_school(school_id: str, rules: Rules) -> None:
    """A ``--school`` value must be a known id or ``untagged``."""
    if school_id not in (*rules.ids, UNTAGGED):
        raise UsageError(f"unknown school {school_id!r}",
                         fix="valid ids: " + ", ".join((*rules.ids, UNTAGGED)))


def summary(works: Sequence[Work], rules: Rules) -> list[dict[str, Any]]:
    """Each school and role with its works, proponents and works per decade, in the
    order of ``schools.toml`` (unknown ids after). The decades count each work once: a
    chapter by its volume's year, and a volume cited only through its chapters not
    again itself; ``counted_via_chapters`` and ``undated`` say why a school's decades
    may add up to fewer than its works."""
    groups = dict(group(works, rules))
    ids = [*rules.ids, *(g for g in groups if g not in rules.ids)]
    index, volumes = by_key(works), containers(works)
    rows: list[dict[str, Any]] = []
    for school_id in ids:
        school, ws = rules.get(school_id), groups.get(school_id, [])
        rows.append({
            "id": school_id, "kind": school.kind if school else None,
            "name_zh": school.name_zh if school else None,
            "name_en": school.name_en if school else None,
            "description_zh": school.description_zh if school else None,
            "description_en": school.description_en if school else None,
            "section": school.section if school else None,
            "works": [w.key for w in ws], "proponents": proponents(ws),
            "decades": {str(d): n for d, n in decades(ws, works).items()},
            "counted_via_chapters": [w.key for w in ws if w.key.casefold() in volumes],
            "undated": [w.key for w in ws if w.key.casefold() not in volumes
                        and inherited_year(w, index) is None],
        })
    return rows
