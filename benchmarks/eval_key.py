"""Score ``footnotes`` + ``parse`` on a paper against an answer key written blind.

    .venv/bin/python benchmarks/eval_key.py PAPER KEY [--misses]

The key (TOML) lists ``[[notes]]`` (``n``, ``text``, ``[[notes.citations]]`` with
``work``, ``form``, ``pages``, ``volume``) and ``[works.ID]`` (``type`` and BibTeX
fields; persons as lists). Printed figures:

- notes found exactly: the note's text equals the key's after removing whitespace;
- citations linked right: the produced key of a citation equals the key the work's
  first *full* citation produced (so the mapping key-work -> produced-key is built
  from full citations, and every later citation must agree with it);
- forms, pages, volume right (over the citations that print them in the key);
- fields right per work: each key field (``type`` included, ``note`` excluded — it is
  the key writer's free commentary, reported apart) against the mapped entry's, NFC,
  braces stripped, persons compared as lists, ``footnotes`` as sets.

Citations are paired by position within a note (the i-th of the key with the i-th
produced). The scoring is pure over plain values; reading and parsing is in ``run``.
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from sinosoviet_cli.cli.parse import printed_form  # noqa: E402
from sinosoviet_cli.model import Bibliography, Work, split_persons  # noqa: E402

PERSON_FIELDS = ("author", "editor", "translator")
UNSCORED = ("note", "reason", "comment")  # free prose, read by a person


@dataclass
class Score:
    """Hits and totals per figure, with the misses for reading."""

    hits: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool, miss: str = "") -> None:
        self.totals[name] = self.totals.get(name, 0) + 1
        self.hits[name] = self.hits.get(name, 0) + int(ok)
        if not ok and miss:
            self.misses.append(f"[{name}] {miss}")

    def ratio(self, name: str) -> float:
        total = self.totals.get(name, 0)
        return self.hits.get(name, 0) / total if total else 1.0


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _value(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def _persons(value: str) -> tuple[str, ...]:
    return tuple(_value(p) for p in split_persons(value) if p.strip().lower() != "others")


def field_ok(name: str, expected: Any, work: Work | None, parent: Work | None = None) -> bool:
    """One key field against the produced entry (a field it lacks is inherited from its
    ``crossref`` parent, as biber and citeproc do)."""
    if work is None:
        return False
    if parent is not None and name not in ("type", "footnotes") and not work.get(name):
        work = parent
    if name == "type":
        return work.entry_type == expected
    if name == "school" and work.entry_type not in ("phdthesis", "mastersthesis", "thesis"):
        # A key's `school` outside a thesis is the historiographical school, which
        # this project writes as `keywords = {school:ID}` (BibTeX's school is the
        # thesis institution).
        return f"school:{expected}" in work.get("keywords")
    got = work.get(name)
    if name == "year" and not got:
        got = work.get("date")[:4]  # biblatex's date carries the year where a day is known
    if name == "address" and not got:
        got = work.get("location")
    if name in PERSON_FIELDS:
        want = tuple(_value(p) for p in (expected if isinstance(expected, list) else [expected]))
        return _persons(got) == want
    if name == "footnotes":
        nums = {int(x) for x in re.findall(r"\d+", got)}
        return nums == {int(x) for x in expected}
    return _value(got) == _value(str(expected))


def _shown(name: str, work: Work | None) -> str:
    if work is None:
        return "(no work)"
    return work.entry_type if name == "type" else work.get(name)


def score(key: Mapping[str, Any], notes: Mapping[int, str], bib: Bibliography) -> Score:
    """All figures for one paper (pure: plain values in, a Score out)."""
    s = Score()
    by_note: dict[int, list[Any]] = {}
    for link in bib.links:
        by_note.setdefault(link.footnote, []).append(link)
    works = {w.key: w for w in bib.works}
    mapping: dict[str, str] = {}
    pairs: list[tuple[int, Mapping[str, Any], Any]] = []
    for note in key["notes"]:
        n = int(note["n"])
        got = notes.get(n)
        s.add("notes", got is not None and _squash(got) == _squash(note["text"]),
              f"{n}: {got!r}")
        produced = by_note.get(n, [])
        for i, cit in enumerate(note.get("citations", [])):
            link = produced[i] if i < len(produced) else None
            pairs.append((n, cit, link))
            if link is not None and cit["form"] == "full" and link.key:
                mapping.setdefault(cit["work"], link.key)
    # A work the paper never cites in full (a volume met first through its chapter)
    # maps at its first use.
    for _n, cit, link in pairs:
        if link is not None and link.key:
            mapping.setdefault(cit["work"], link.key)
    for n, cit, link in pairs:
        got_key = link.key if link is not None else ""
        s.add("links", bool(got_key) and mapping.get(cit["work"]) == got_key,
              f"{n}: {cit['work']} -> {got_key or '(none)'}")
        form = printed_form(link) if link is not None else None
        s.add("forms", form == cit["form"], f"{n}: {cit['form']} got {form}")
        if "pages" in cit:
            s.add("pages", link is not None and link.pages == cit["pages"],
                  f"{n}: {cit['pages']} got {link.pages if link else None}")
        if "volume" in cit:
            got_volume = getattr(link, "volume", "") if link is not None else ""
            s.add("volume", got_volume == cit["volume"], f"{n}: {cit['volume']} got {got_volume!r}")
    for wid, expected in key.get("works", {}).items():
        work = works.get(mapping.get(wid, ""))
        for name, value in expected.items():
            bucket = "note (unscored)" if name in UNSCORED else "fields"
            parent = works.get(work.get("crossref")) if work is not None else None
            ok = field_ok(name, value, work, parent)
            s.add(bucket, ok,
                  f"{wid}.{name}: {value!r} got {_shown(name, work)!r}"
                  if bucket == "fields" else "")
    return s


def run(paper: Path, key_path: Path) -> Score:
    """Read the paper as ``parse`` does and score it against the key."""
    from sinosoviet_cli import pipeline
    from sinosoviet_cli.grammar.emphasis import strip_marks
    from sinosoviet_cli.paper.read import read_paper

    with key_path.open("rb") as fh:
        key = tomllib.load(fh)
    parsed = read_paper(paper)  # any form: text, Markdown, LaTeX, Word, PDF
    # As `parse` runs with no files named: the bundled debate model tags the schools.
    inputs = pipeline.paper_inputs()
    bib = pipeline.parse_paper(parsed, schools=inputs.schools).bibliography
    # The notes as `footnotes --json` prints them (a Markdown paper's *italics* unmarked).
    return score(key, {f.n: strip_marks(f.text) for f in parsed.footnotes}, bib)


FIGURES = ("notes", "links", "forms", "pages", "volume", "fields", "note (unscored)")


def main(argv: Sequence[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print("usage: eval_key.py PAPER KEY [--misses]", file=sys.stderr)
        return 2
    s = run(Path(args[0]), Path(args[1]))
    for name in FIGURES:
        print(f"{name:18} {s.hits.get(name, 0):4}/{s.totals.get(name, 0):<4} {s.ratio(name):7.1%}")
    if "--misses" in argv:
        for miss in s.misses:
            print(miss)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
