"""Checking a draft's citations against a bibliography: the rule table and the entry
points.

Three stages, all pure: an index of the bibliography's folded fields (``index``), the
*analysis* of a draft, every citation resolved to an entry or not (``analysis``,
``match``), and the *rules*: one small function each (``rules_*``), registered below by
id with severity, summary and fix (``registry``), returning ``Finding`` values.

Matching folds what a reader would not count as a difference: NFC, width,
Traditional/Simplified, punctuation, case and name order (``Hinton, Harold`` is
``Harold Hinton``; ``楊奎松`` is ``杨奎松``). It is fuzzy enough to find an entry whose
author is misprinted (``羅漢平`` for ``羅平漢``) by its title, and then reports the
misprint; a printed value that a reader would accept (a title without its subtitle, a
publisher named in short) is not a mismatch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sinosoviet_cli.checks import rules_bib, rules_citations, rules_imprint
from sinosoviet_cli.checks.analysis import Analysis, Cite, Segmenter, analyse, default_segmenter
from sinosoviet_cli.checks.findings import Finding, Severity
from sinosoviet_cli.checks.fold import fold, fold_strict
from sinosoviet_cli.checks.index import Entry, Index, entry_of, entry_of_reference
from sinosoviet_cli.checks.match import Match, match, names_score, title_score
from sinosoviet_cli.checks.names import Name, name_of, name_similarity, person_names, same_person
from sinosoviet_cli.checks.registry import RULES, Rule, register, run, select
from sinosoviet_cli.checks.rules_imprint import same_place, same_publisher
from sinosoviet_cli.model import Unparsed, Work
from sinosoviet_cli.paper.drafts import Draft

__all__ = [
    "RULES",
    "Analysis",
    "Cite",
    "Entry",
    "Finding",
    "Index",
    "Match",
    "Name",
    "Rule",
    "Segmenter",
    "Severity",
    "analyse",
    "check",
    "default_segmenter",
    "entry_of",
    "entry_of_reference",
    "exit_status",
    "fold",
    "fold_strict",
    "match",
    "name_of",
    "name_similarity",
    "names_score",
    "person_names",
    "run",
    "same_person",
    "same_place",
    "same_publisher",
    "select",
    "title_score",
]

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_WRITE = "write the entry's value"

# The order here is the order ``--rules`` help and errors list the ids in.
register(
    Rule("unknown-key", _E, "a citation key that is not in the bibliography",
         "correct the key, or add the entry to the bibliography", rules_citations.unknown_key),
    Rule("unused-entry", _W, "a bibliography entry the draft never cites",
         "cite it or remove it from the bibliography", rules_bib.unused_entry, default=False),
    Rule("not-in-bibliography", _W, "a citation that matches no bibliography entry",
         "add the work to the bibliography, or correct the citation",
         rules_citations.not_in_bibliography),
    Rule("author-mismatch", _E, "the author differs from the entry's", _WRITE,
         rules_citations.author_mismatch),
    Rule("title-mismatch", _E, "the title differs from the entry's", _WRITE,
         rules_citations.title_mismatch),
    Rule("year-mismatch", _E, "the year differs from the entry's", _WRITE,
         rules_citations.year_mismatch),
    Rule("publisher-mismatch", _W, "the publisher differs from the entry's", _WRITE,
         rules_imprint.publisher_mismatch),
    Rule("place-mismatch", _W, "the place of publication differs from the entry's", _WRITE,
         rules_imprint.place_mismatch),
    Rule("short-before-full", _W, "a short form before any full citation of the work",
         "cite the work in full the first time", rules_citations.short_before_full),
    Rule("ambiguous-ibid", _W, "an ibid after a note that cites several works",
         "give the short form of the work meant instead", rules_citations.ambiguous_ibid),
    Rule("orphan-ibid", _E, "an ibid with no citation before it",
         "give the citation in full or in short form", rules_citations.orphan_ibid),
    Rule("should-be-ibid", _I, "a repeated citation of the previous note's only work",
         "write 'Ibid.' (同上)", rules_citations.should_be_ibid),
    Rule("duplicate-entry", _W, "the bibliography holds a work twice",
         "remove or rename one of the entries", rules_bib.duplicate_entry),
)
# Reference-manager fields: extends the ids above and adds its own (after them).
from sinosoviet_cli.checks import managers as _managers  # noqa: E402,F401


def check(draft: Draft, works: Sequence[Work], rule_ids: Sequence[str] | None = None, *,
          segmenter: Segmenter | None = None, bib_path: str = "",
          bib_problems: Sequence[Unparsed] = ()) -> tuple[Finding, ...]:
    """Analyse the draft against the works and run the rules (default: the default set)."""
    analysis = analyse(draft, works, segmenter=segmenter, bib_path=bib_path,
                       bib_problems=bib_problems)
    return run(analysis, rule_ids if rule_ids is not None else select(None))


def exit_status(findings: Iterable[Finding]) -> int:
    """1 if any finding is a warning or an error, else 0."""
    return int(any(f.severity is not Severity.INFO for f in findings))
