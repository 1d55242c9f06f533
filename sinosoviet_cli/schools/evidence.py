"""Evidence: each school's support for one work, from the paper's own body text.

``marker`` (4) — the body sentence a citing footnote closes, in a school's section,
names the work's author or title; ``proponent`` (3 / 2) — the section's body names the
author (3 if the work is also cited there); ``section`` (1) — cited there unnamed. A
scholar the body names as *not* holding the view (``negation``) loses the school.
The paper is read once into a ``PaperView`` shared by all works; a section's sentences
are indexed by their character pairs the first time a work is looked for there, so each
work's names are searched only in the sentences that contain them (issue 15: the body
was scanned once per work).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

from sinosoviet_cli.model import CitationLink, Marker, Paper, Person, Work
from sinosoviet_cli.schools.debate import (
    CueIndex,
    Hit,
    index_cues,
    key_work_hits,
    proponent_hits,
    sentence_hits,
)
from sinosoviet_cli.schools.model import Rules, School
from sinosoviet_cli.schools.works import footnotes_of, persons_of, plain, short_title
from sinosoviet_cli.text.names import family_name, transliteration_parts
from sinosoviet_cli.text.normalize import fold, has_cjk
from sinosoviet_cli.text.sections import section_id

_SCORE_MARKER, _SCORE_IN_SECTION, _SCORE_ELSEWHERE, _SCORE_SECTION = 4, 3, 2, 1

#: The model's words and the works' names are folded again for every work.
_fold_word = lru_cache(maxsize=16384)(fold)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One school's support for one work."""

    school: str
    rule: str  # work | proponent | claim | marker | cue | section
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
class _Needle:
    display: str
    pattern: re.Pattern[str]
    literal: str = ""  # the folded text the pattern looks for (for the pair index)


def _needles(person: Person, rules: Rules) -> list[_Needle]:
    """Regexes (over folded text) that find a person named in the body."""
    forms: list[tuple[str, bool]] = []
    family = family_name(person)
    display = person.display or person.literal
    if not person.literal or not has_cjk(person.literal):
        if len(family) >= 2:
            forms.append((family, True))
        forms += [(alias, False) for alias in rules.aliases.get(family, ())]
    else:
        forms.append((person.literal, False))
        # 莫里斯‧邁斯納: the body may use the family part alone.
        forms += [(p, False) for p in transliteration_parts(person.literal)[1:] if len(p) >= 2]
    result = []
    for form, word in forms:
        literal = _fold_word(form)
        folded = re.escape(literal)
        pattern = rf"(?<![a-z]){folded}(?![a-z])" if word else folded
        result.append(_Needle(display, re.compile(pattern), literal))
    return result


def _title_needle(work: Work) -> re.Pattern[str] | None:
    title = fold(short_title(work))
    long_enough = len(title) >= (4 if has_cjk(title) else 12)
    return re.compile(re.escape(title)) if title and long_enough else None


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    folded: str
    section: str | None


def body_of(paper: Paper) -> list[Sentence]:
    return [Sentence(s.strip(), fold(s), _section(p.section))
            for p in paper.paragraphs for s in _SENTENCE_END.split(p.text) if s.strip()]


def kind_of(work: Work, rules: Rules) -> str | None:
    """A role from the kind of work: memoir/documents (``primary``) or theory."""
    title = fold(plain(" ".join([work.get("title"), work.get("subtitle")])))
    bodies = fold(" ".join([work.get("author"), work.get("editor")]))
    for school in rules.schools:
        if school.kind != "role":
            continue
        if any(_fold_word(w) in title for w in school.title_words):
            return school.id
        if any(_fold_word(w) in bodies for w in school.corporate_words):
            return school.id
        if _of_the_period(work, school):
            return school.id
    return None


def _of_the_period(work: Work, school: School) -> bool:
    """An issue of a period periodical (《人民日報》 1958): a source, not scholarship."""
    if not school.periodicals or school.period is None:
        return False
    where = fold(plain(" ".join([work.get("journal"), work.get("journaltitle"),
                                 work.get("booktitle"), work.get("publisher")])))
    year = re.search(r"1[89]\d\d|20\d\d", work.get("year") or work.get("date"))
    return (year is not None and school.period[0] <= int(year.group()) <= school.period[1]
            and any(_fold_word(p) in where for p in school.periodicals))


@dataclass(frozen=True, slots=True)
class PaperView:
    """What the tagger reads of a paper, computed once for all its works."""

    body: tuple[Sentence, ...]
    markers: Mapping[int, Marker]
    note_sections: Mapping[int, str | None]
    cues: CueIndex | None = None  # the citing sentences read once for a model's cues
    by_section: Mapping[str | None, tuple[Sentence, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    #: ``False``: every sentence of a section is searched for every work (the slow
    #: reference the tests hold the index to).
    indexed: bool = True
    # Filled on first use: section → character pair → positions of the sentences
    # that contain it; footnote → its marker's sentence, folded.
    _pairs: dict[str | None, dict[str, list[int]]] = field(
        default_factory=dict, compare=False, repr=False)
    _marker_text: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    def pairs(self, section: str | None) -> dict[str, list[int]]:
        """The pair index of a section's sentences, built the first time it is asked."""
        found = self._pairs.get(section)
        if found is None:
            found = self._pairs[section] = _pair_index(self.by_section.get(section, ()))
        return found

    def marker_text(self, n: int) -> str | None:
        """The folded sentence marker ``n`` closes (``None``: no marker)."""
        if n not in self._marker_text:
            marker = self.markers.get(n)
            if marker is None:
                return None
            self._marker_text[n] = fold(marker.sentence)
        return self._marker_text[n]


def _pair_index(sentences: Sequence[Sentence]) -> dict[str, list[int]]:
    """Each sentence read once: which character pairs it contains."""
    index: dict[str, list[int]] = {}
    for pos, s in enumerate(sentences):
        text = s.folded
        for pair in {text[i:i + 2] for i in range(len(text) - 1)}:
            index.setdefault(pair, []).append(pos)
    return index


def _named_in(sentences: Sequence[Sentence], needles: Sequence[_Needle],
              pairs: Mapping[str, list[int]] | None) -> list[tuple[_Needle, Sentence]]:
    """Every (needle, sentence) where the sentence names the needle's person, in
    sentence order then needle order. With ``pairs`` a needle is tried only on the
    sentences that hold the rarest pair of its text (a sentence without it cannot
    match); without, on every sentence."""
    found: list[tuple[int, int]] = []
    everywhere = range(len(sentences))
    for k, nd in enumerate(needles):
        where: Iterable[int] = everywhere
        if pairs is not None and len(nd.literal) >= 2:
            postings: list[list[int]] = [pairs.get(nd.literal[i:i + 2], []) for i in
                                         range(len(nd.literal) - 1)]
            rarest: list[int] = min(postings, key=len)
            where = rarest
        found += [(pos, k) for pos in where if nd.pattern.search(sentences[pos].folded)]
    return [(needles[k], sentences[pos]) for pos, k in sorted(found)]


def _section(section: str | None) -> str | None:
    return section_id(section) if section else section


def view(paper: Paper, body: Sequence[Sentence] | None = None,
         rules: Rules | None = None, *, indexed: bool = True) -> PaperView:
    """The paper as the tagger reads it (``body`` if already split into sentences);
    with ``rules``, its citing sentences are indexed for that model's cues;
    ``indexed=False`` searches every sentence for every work (tests' reference)."""
    # Sections compared by id: a model's "The Famine" is a Markdown paper's "## The famine".
    markers = MappingProxyType({m.n: replace(m, section=_section(m.section))
                                for m in paper.markers})
    sentences = tuple(body_of(paper) if body is None else body)
    grouped: dict[str | None, list[Sentence]] = {}
    for s in sentences:
        grouped.setdefault(s.section, []).append(s)
    return PaperView(sentences, markers,
                     MappingProxyType({f.n: _section(f.section) for f in paper.footnotes}),
                     index_cues(markers, rules) if rules is not None else None,
                     MappingProxyType({k: tuple(v) for k, v in grouped.items()}), indexed)


def candidates(work: Work, paper: Paper, rules: Rules,
               links: Iterable[CitationLink] = (),
               body: Sequence[Sentence] | None = None) -> list[Candidate]:
    """Every school's support for one work, strongest first (unsupported schools left out)."""
    return candidates_in(work, view(paper, body, rules), rules, links)


@dataclass(frozen=True, slots=True)
class _Probe:
    """One work's needles and where the paper cites it."""

    needles: tuple[_Needle, ...]
    title: re.Pattern[str] | None
    cited_in: Mapping[str, tuple[int, ...]]


def candidates_in(work: Work, paper: PaperView, rules: Rules,
                  links: Iterable[CitationLink] = ()) -> list[Candidate]:
    """``candidates`` over a ``PaperView`` already made."""
    cited_in: dict[str, list[int]] = {}
    for n in footnotes_of(work, links):
        section = paper.markers[n].section if n in paper.markers else paper.note_sections.get(n)
        if section:
            cited_in.setdefault(section, []).append(n)
    probe = _Probe(tuple(nd for person in persons_of(work) for nd in _needles(person, rules)),
                   _title_needle(work), {k: tuple(v) for k, v in cited_in.items()})
    negations = [_fold_word(w) for w in rules.negation_words]
    found = (_school_candidate(school, probe, paper, negations, rules.negation_gap)
             for school in rules.schools)
    result = [c for c in found if c is not None]
    notes = footnotes_of(work, links)
    cues = paper.cues if paper.cues is not None else index_cues(paper.markers, rules)
    hits = [*key_work_hits(work, rules), *proponent_hits(work, rules),
            *sentence_hits(work, notes, cues, rules)]
    result += [_from_hit(h, notes) for h in hits]
    result = _best_per_school(result)
    return sorted(result, key=lambda c: (c.negated, -c.score, -len(c.footnotes)))


def _from_hit(hit: Hit, notes: tuple[int, ...]) -> Candidate:
    return Candidate(hit.school, hit.rule, hit.score, (), hit.footnotes or notes, hit.names,
                     hit.sentence)


def _best_per_school(found: list[Candidate]) -> list[Candidate]:
    """One candidate per school: a negation stands; otherwise the strongest."""
    best: dict[str, Candidate] = {}
    for c in found:
        old = best.get(c.school)
        if old is None or (not old.negated and (c.negated or c.score > old.score)):
            if old is not None and not c.negated:  # keep where the paper said it
                c = replace(c, sections=c.sections or old.sections,
                            names=c.names or old.names, sentence=c.sentence or old.sentence)
            best[c.school] = c
    return list(best.values())


def _school_candidate(school: School, probe: _Probe, paper: PaperView,
                      negations: list[str], gap: int) -> Candidate | None:
    """One school's support for the work, if any."""
    section = _section(school.section)
    if school.kind != "school" or section is None:
        return None
    here = paper.by_section.get(section) if paper.by_section else tuple(
        s for s in paper.body if s.section == section)
    pairs = paper.pairs(section) if paper.indexed and paper.by_section else None
    named = _named_in(here or (), probe.needles, pairs)
    who = tuple(dict.fromkeys(nd.display for nd, _ in named))
    notes_here = probe.cited_in.get(section, ())
    if any(_negated(nd.pattern, s.folded, negations, gap) for nd, s in named):
        return Candidate(school.id, "proponent", 0, (section,), notes_here, who, negated=True)
    marker = _marker_naming(probe, paper, notes_here)
    if marker is not None:
        return Candidate(school.id, "marker", _SCORE_MARKER, (section,), notes_here, who,
                         marker.sentence)
    if named:
        score = _SCORE_IN_SECTION if notes_here else _SCORE_ELSEWHERE
        return Candidate(school.id, "proponent", score, (section,), notes_here, who,
                         named[0][1].text)
    if notes_here:
        return Candidate(school.id, "section", _SCORE_SECTION, (section,), notes_here)
    return None


def _marker_naming(probe: _Probe, paper: PaperView, notes: Sequence[int]) -> Marker | None:
    """The first marker of these notes whose sentence names the work's author or title."""
    for n in notes:
        sentence = paper.marker_text(n)
        if sentence is None:
            continue
        if any(nd.pattern.search(sentence) for nd in probe.needles) or (
                probe.title is not None and probe.title.search(sentence)):
            return paper.markers[n]
    return None


def _negated(needle: re.Pattern[str], sentence: str, words: list[str], gap: int) -> bool:
    for match in needle.finditer(sentence):
        tail = sentence[match.end():match.end() + gap + max(map(len, words), default=0)]
        stop = re.search(r"[,.;]", tail)
        tail = tail[:stop.start()] if stop else tail
        if any(0 <= tail.find(w) <= gap for w in words):
            return True
    return False


