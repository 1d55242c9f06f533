"""Evidence from knowledge of the debate, for any paper: a work's author, editor or
translator is a proponent the model places in a school; the work is a key work; the
citing paper's sentence around the marker makes a claim naming the author, or uses a
school's cue phrases. Names are compared only through ``text.names``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sinosoviet_cli.model import Marker, Person, Work
from sinosoviet_cli.schools.model import Proponent, Rules
from sinosoviet_cli.text.names import NameKey, any_same, key_of, keys_of, parse_persons
from sinosoviet_cli.text.normalize import fold, fold_strict, has_cjk

SCORE_KEY_WORK, SCORE_PROPONENT, SCORE_CLAIM = 6, 6, 5
#: A cue without a claim (no 認為/argues naming the author): kept in the evidence but
#: too weak to decide. Context works are cited inside every school's argument, and a
#: sentence may name an author for the facts of a book on the school's very topic.
SCORE_CUE = SCORE_UNNAMED_CUE = 1
_PERSON_FIELDS = ("author", "editor", "translator")


@dataclass(frozen=True, slots=True)
class Hit:
    """One school's support for a work from the debate model or a citing sentence."""

    school: str
    rule: str  # work | proponent | claim | cue
    score: int
    names: tuple[str, ...] = ()
    footnotes: tuple[int, ...] = ()
    sentence: str = ""


def people(work: Work) -> list[Person]:
    """The persons of a work whose view it may stand for: authors, editors, translators."""
    return [p for f in _PERSON_FIELDS for p in parse_persons(work.get(f))]


@lru_cache(maxsize=256)
def _proponent_keys(proponent: Proponent) -> tuple[NameKey, ...]:
    return tuple(key_of(n) for n in proponent.names)


def proponent_hits(work: Work, rules: Rules) -> list[Hit]:
    """Schools whose proponents wrote, edited or translated the work (authors first:
    a translator counts only where no author or editor is placed)."""
    found: dict[str, Hit] = {}
    for field in _PERSON_FIELDS:
        for person in parse_persons(work.get(field)):
            keys = keys_of(person)
            for p in rules.proponents:
                if p.school not in found and any_same(keys, _proponent_keys(p)):
                    found[p.school] = Hit(p.school, "proponent", SCORE_PROPONENT,
                                          (person.display or person.literal,))
        if found:
            break
    return list(found.values())


def key_work_hits(work: Work, rules: Rules) -> list[Hit]:
    """Schools naming this work among their key works (title compared folded)."""
    title = fold_strict(work.get("title").replace("{", "").replace("}", ""))
    who = tuple(p.display for p in people(work))[:3]
    return [Hit(w.school, "work", SCORE_KEY_WORK, who) for w in rules.key_works
            if title and fold_strict(w.title) and title.startswith(fold_strict(w.title))]


@dataclass(frozen=True, slots=True)
class CueIndex:
    """Every citing sentence read once: its school cues and whether it states a view.
    Built once per paper; each work then looks up its own footnotes."""

    cues: Mapping[int, tuple[str, ...]]  # footnote → schools whose cues the sentence uses
    claims: Mapping[int, bool]
    sentences: Mapping[int, str]  # folded


def _cue_pattern(cue: str) -> re.Pattern[str]:
    folded = re.escape(fold(cue))
    return re.compile(folded if has_cjk(cue) else rf"(?<![a-z]){folded}")


_LATIN_END = re.compile(r"(?<=[a-z0-9)\"'”’][.!?])\s+(?=[A-Z\"“‘(])")


def _last_sentence(text: str) -> str:
    """The sentence a marker closes: a Latin paragraph's earlier sentences (and their
    markers, already removed) are not about this note's work."""
    return _LATIN_END.split(text.strip())[-1]


def index_cues(markers: Mapping[int, Marker], rules: Rules) -> CueIndex:
    """Read every marker sentence once (issue 15: no scan per work)."""
    patterns = [(s.id, [_cue_pattern(c) for c in s.cues]) for s in rules.schools if s.cues]
    claim = [_cue_pattern(w) for w in rules.claim_words]
    cues: dict[int, tuple[str, ...]] = {}
    claims: dict[int, bool] = {}
    folded: dict[int, str] = {}
    for n, marker in markers.items():
        text = fold(_last_sentence(marker.sentence))
        folded[n] = text
        counts = {sid: sum(1 for p in ps if p.search(text)) for sid, ps in patterns}
        best = max(counts.values(), default=0)
        cues[n] = tuple(sid for sid, c in counts.items() if c and c == best)
        claims[n] = any(p.search(text) for p in claim)
    return CueIndex(cues, claims, folded)


def _named(sentence: str, persons: Sequence[Person], rules: Rules) -> str:
    """The person of the work the folded sentence names, or ''."""
    for person in persons:
        forms = [person.literal, person.alt, person.family]
        forms += [a for f in (person.family,) for a in rules.aliases.get(f, ())]
        for form in (f for f in forms if f and len(f) >= 2):
            if fold(form) in sentence:
                return person.display or person.literal
    return ""


def sentence_hits(work: Work, notes: Iterable[int], index: CueIndex,
                  rules: Rules) -> list[Hit]:
    """Schools the citing sentences argue for: a claim naming the work's author with a
    school's cues (``claim``), else cues alone (``cue``, too weak to decide); one
    school per sentence."""
    persons = people(work)
    found: dict[str, Hit] = {}
    for n in notes:
        schools = index.cues.get(n, ())
        if len(schools) != 1:
            continue  # no cue, or a sentence weighing several explanations
        who = _named(index.sentences.get(n, ""), persons, rules)
        claim = bool(who) and index.claims.get(n, False)
        score = SCORE_CLAIM if claim else SCORE_CUE if who else SCORE_UNNAMED_CUE
        hit = Hit(schools[0], "claim" if claim else "cue", score, (who,) if who else (), (n,))
        old = found.get(hit.school)
        if old is None or hit.score > old.score:
            found[hit.school] = hit
        elif hit.score == old.score:
            found[hit.school] = Hit(old.school, old.rule, old.score, old.names,
                                    (*old.footnotes, n))
    return sorted(found.values(), key=lambda h: (-h.score, -len(h.footnotes)))


__all__ = [
    "CueIndex",
    "Hit",
    "index_cues",
    "key_work_hits",
    "people",
    "proponent_hits",
    "sentence_hits",
]
