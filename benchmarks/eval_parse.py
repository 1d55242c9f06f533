"""Score the citation parser on a paper it was not written against.

    .venv/bin/python benchmarks/eval_parse.py [PAPER [KEY]]

Default: the held-out paper ``tests/fixtures/heldout/paper.txt`` and its hand-made
answer key ``expected.toml`` (see that file for the key's conventions). Runs
``footnotes.extract`` + ``resolve.build``, matches the produced works to the expected
ones by folded title, and prints (a) field accuracy over every expected field and (b)
the share of citations linked to the right work, with a per-field table and every miss.
``tests/test_heldout.py`` asserts the same figures (>= 0.95 each).

The scoring functions are pure and take plain values, so the test can check the
scorer itself on hand-made bibliographies.
"""

from __future__ import annotations

import difflib
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from sinosoviet_cli.model import Bibliography, CitationLink, Form, Work  # noqa: E402
from sinosoviet_cli.text.normalize import fold_strict, has_cjk  # noqa: E402

HELDOUT = ROOT / "tests" / "fixtures" / "heldout"
PERSON_FIELDS = ("authors", "editors", "translators")
LIST_FIELDS = (*PERSON_FIELDS, "places", "publishers")
FIELDS = (
    "entry_type", "authors", "editors", "translators", "title", "container",
    "institution", "places", "publishers", "year",
)
# Fields a chapter inherits from its volume through ``crossref`` (biblatex's rules).
INHERITED = ("editor", "address", "location", "publisher", "year", "date")

Value = str | tuple[str, ...]


# ── reading the answer key ───────────────────────────────────────────────────


def load_key(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _alternatives(value: str | Sequence[str]) -> frozenset[str]:
    values = [value] if isinstance(value, str) else list(value)
    return frozenset(fold_strict(v) for v in values)


def readings(expected: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The expected work under each of its defensible readings (base, then ``alt``)."""
    base = {k: v for k, v in expected.items() if k in FIELDS}
    return [base] + [{**base, **alt} for alt in expected.get("alt", [])]


# ── reading a produced entry ─────────────────────────────────────────────────


def _split(value: str, seps: Sequence[str]) -> tuple[str, ...]:
    parts = [value]
    for sep in seps:
        parts = [p for part in parts for p in part.split(sep)]
    return tuple(p.strip() for p in parts if p.strip())


def _person(name: str) -> str:
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        name = name[1:-1]
    return fold_strict(name)


def work_values(work: Work, by_key: Mapping[str, Work]) -> dict[str, Value]:
    """What the entry says, folded, with what a chapter inherits from its volume."""
    fields = dict(work.fields)
    parent = by_key.get(fields.get("crossref", ""))
    if parent is not None:
        for name in INHERITED:
            if not fields.get(name) and parent.get(name):
                fields[name] = parent.get(name)

    def title_of(f: Mapping[str, str]) -> str:
        title, sub = f.get("title", ""), f.get("subtitle", "")
        return f"{title}: {sub}" if sub else title

    container = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle", "")
    if not container and parent is not None:
        container = title_of(parent.fields)
    publishers = fields.get("publisher", "")
    if not publishers and work.entry_type == "report":
        publishers = fields.get("institution", "")
    year = fields.get("year") or fields.get("date", "")[:4]
    return {
        "entry_type": work.entry_type.lower(),
        "authors": tuple(_person(p) for p in _split(fields.get("author", ""), [" and "])),
        "editors": tuple(_person(p) for p in _split(fields.get("editor", ""), [" and "])),
        "translators": tuple(
            _person(p) for p in _split(fields.get("translator", ""), [" and "])
        ),
        "title": fold_strict(title_of(fields)),
        "container": fold_strict(container),
        "institution": fold_strict(fields.get("school") or fields.get("institution", "")),
        "places": tuple(
            fold_strict(p)
            for p in _split(fields.get("address") or fields.get("location", ""),
                            [" and ", ";", "；"])
        ),
        "publishers": tuple(fold_strict(p) for p in _split(publishers, [" and ", ";", "；"])),
        "year": fold_strict(year),
    }


def field_ok(name: str, expected: Any, got: Value) -> bool:
    """One field right? Lists are ordered; ``a | b`` and scalar lists are alternatives."""
    if name in LIST_FIELDS:
        assert isinstance(got, tuple)
        want = [frozenset(fold_strict(a) for a in str(e).split(" | ")) for e in expected]
        return len(want) == len(got) and all(g in w for g, w in zip(got, want, strict=True))
    if name == "entry_type":
        types = [expected] if isinstance(expected, str) else expected
        return got in {t.lower() for t in types}
    return got in _alternatives(expected)


# ── matching and scoring ─────────────────────────────────────────────────────


def match_works(
    expected: Mapping[str, Mapping[str, Any]], works: Sequence[Work]
) -> dict[str, str]:
    """Expected id -> produced key: equal folded titles first (same type preferred),
    then the closest remaining title (ratio >= 0.75) so that a slightly misparsed
    title costs one field, not the whole entry."""
    by_key = {w.key: w for w in works}
    titles = {w.key: str(work_values(w, by_key)["title"]) for w in works}
    types = {w.key: w.entry_type.lower() for w in works}
    used: set[str] = set()
    result: dict[str, str] = {}
    for wid, exp in expected.items():
        want = fold_strict(exp["title"])
        kinds = {exp["entry_type"]} if isinstance(exp["entry_type"], str) else set(
            exp["entry_type"]
        )
        same = [k for k, t in titles.items() if t == want and k not in used]
        same.sort(key=lambda k: types[k] not in kinds)
        if same:
            result[wid] = same[0]
            used.add(same[0])
    for wid, exp in expected.items():
        if wid in result:
            continue
        want = fold_strict(exp["title"])
        best, best_ratio = "", 0.75
        for key, title in titles.items():
            if key in used:
                continue
            ratio = difflib.SequenceMatcher(None, want, title).ratio()
            if ratio >= best_ratio:
                best, best_ratio = key, ratio
        if best:
            result[wid] = best
            used.add(best)
    return result


@dataclass
class Report:
    fields_right: int = 0
    fields_total: int = 0
    per_field: dict[str, list[int]] = field(default_factory=dict)  # name -> [right, total]
    field_misses: list[tuple[str, str, str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    links_right: int = 0
    links_total: int = 0
    link_misses: list[tuple[int, str, str]] = field(default_factory=list)
    forms_right: int = 0
    pages_right: int = 0
    pages_total: int = 0
    other_misses: list[tuple[int, str, str, str]] = field(default_factory=list)
    spurious: list[tuple[int, str, str]] = field(default_factory=list)
    works_produced: int = 0

    @property
    def field_accuracy(self) -> float:
        return self.fields_right / self.fields_total if self.fields_total else 0.0

    @property
    def link_accuracy(self) -> float:
        return self.links_right / self.links_total if self.links_total else 0.0


def _show(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value) or "—"
    return str(value) or "—"


def score_fields(
    key: Mapping[str, Any], bib: Bibliography, matched: Mapping[str, str], report: Report
) -> None:
    by_key = {w.key: w for w in bib.works}
    for wid, exp in key["works"].items():
        options = readings(exp)
        names = [n for n in FIELDS if n in options[0]]
        produced = by_key.get(matched.get(wid, ""))
        if produced is None:
            report.unmatched.append(wid)
            oks = {n: False for n in names}
            got: Mapping[str, Value] = {}
        else:
            got = work_values(produced, by_key)
            scored = [{n: field_ok(n, r[n], got[n]) for n in names} for r in options]
            oks = max(scored, key=lambda s: sum(s.values()))
        for n in names:
            right_total = report.per_field.setdefault(n, [0, 0])
            right_total[1] += 1
            report.fields_total += 1
            if oks[n]:
                right_total[0] += 1
                report.fields_right += 1
            else:
                shown = _show(got[n]) if produced is not None else "(no entry)"
                report.field_misses.append((wid, n, _show(exp[n]), shown))


def _pages(text: str) -> str:
    for dash in ("—", "–", "－", "‐"):
        text = text.replace(dash, "-")
    while "---" in text:
        text = text.replace("---", "--")
    return text.replace("--", "-").strip()


def score_links(
    key: Mapping[str, Any], bib: Bibliography, matched: Mapping[str, str], report: Report
) -> None:
    to_id = {k: wid for wid, k in matched.items()}
    by_note: dict[int, list[Any]] = {}
    for link in bib.links:
        by_note.setdefault(link.footnote, []).append(link)
    for note in key["footnotes"]:
        n = int(note["n"])
        links = by_note.get(n, [])
        consumed: set[int] = set()
        for cit in note["citations"]:
            report.links_total += 1
            want = cit["work"]
            hit = next(
                (
                    i for i, link in enumerate(links)
                    if i not in consumed
                    and (link.key == "" if want == "" else to_id.get(link.key) == want)
                ),
                None,
            )
            if hit is None:
                got = ", ".join(to_id.get(lk.key, lk.key) or "(unresolved)" for lk in links)
                report.link_misses.append((n, want or "(unresolved)", got or "(no citation)"))
                continue
            consumed.add(hit)
            report.links_right += 1
            link = links[hit]
            forms = {cit["form"]} if isinstance(cit["form"], str) else set(cit["form"])
            if str(link.form) in forms:
                report.forms_right += 1
            else:
                report.other_misses.append((n, want, "form", f"{link.form} not {_show(forms)}"))
            if "pages" in cit:
                report.pages_total += 1
                if _pages(link.pages) == _pages(cit["pages"]):
                    report.pages_right += 1
                else:
                    report.other_misses.append(
                        (n, want, "pages", f"{link.pages or '—'} not {cit['pages']}")
                    )
        for i, link in enumerate(links):
            if i not in consumed:
                report.spurious.append((n, link.key or "(unresolved)", link.text[:50]))


def evaluate(key: Mapping[str, Any], bib: Bibliography) -> Report:
    """Score a produced bibliography against an answer key (pure)."""
    report = Report(works_produced=len(bib.works))
    matched = match_works(key["works"], bib.works)
    score_fields(key, bib, matched, report)
    score_links(key, bib, matched, report)
    return report


# ── running the pipeline ─────────────────────────────────────────────────────


def _first(value: str | list[str]) -> str:
    return value if isinstance(value, str) else value[0]


def _person_field(entries: list[str]) -> str:
    names = [e.split(" | ")[0] for e in entries]
    return " and ".join("{" + n + "}" if has_cjk(n) else n for n in names)


def perfect_bibliography(key: Mapping[str, Any]) -> Bibliography:
    """The bibliography an answer key describes, written the way DESIGN.md writes
    entries (chapters hold only their own fields and a crossref to their volume): the
    scorer must give it full marks."""
    works_key: Mapping[str, Any] = key["works"]
    volumes = {w["title"]: wid for wid, w in works_key.items() if w["entry_type"] == "collection"}
    works = []
    for wid, w in works_key.items():
        kind = _first(w["entry_type"])
        fields = {
            "author": _person_field(w.get("authors", [])),
            "editor": _person_field(w.get("editors", [])),
            "translator": _person_field(w.get("translators", [])),
            "title": w["title"],
            "address": " and ".join(e.split(" | ")[0] for e in w.get("places", [])),
            "publisher": " and ".join(e.split(" | ")[0] for e in w.get("publishers", [])),
            "school": w.get("institution", ""),
            "year": _first(w["year"]),
        }
        if kind == "incollection":
            fields = {
                "author": fields["author"], "title": fields["title"],
                "crossref": volumes[_first(w["container"])],
            }
        elif w.get("container"):
            fields["journal"] = _first(w["container"])
        works.append(Work(wid, kind, {k: v for k, v in fields.items() if v}))
    links = [
        CitationLink(note["n"], "…", Form(_first(cit["form"])), cit["work"], cit.get("pages", ""))
        for note in key["footnotes"]
        for cit in note["citations"]
    ]
    return Bibliography(tuple(works), tuple(links))


def run_pipeline(paper: Path) -> Bibliography:
    from sinosoviet_cli.files import read_text
    from sinosoviet_cli.link import resolve
    from sinosoviet_cli.paper import footnotes

    # The key names the seed's corrected keys (gittings, ellison): build with them.
    return resolve.build(footnotes.extract(read_text(paper)),
                         corrections=resolve.load_corrections(resolve.bundled_corrections()))


def format_report(report: Report, *, verbose: bool = True) -> str:
    lines = [
        f"fields right : {report.fields_right}/{report.fields_total} = "
        f"{report.field_accuracy:.1%}",
        f"citations linked right : {report.links_right}/{report.links_total} = "
        f"{report.link_accuracy:.1%}",
        f"forms right (of linked) : {report.forms_right}/{report.links_right}; "
        f"pages right : {report.pages_right}/{report.pages_total}; "
        f"extra citations : {len(report.spurious)}; works produced : {report.works_produced}",
    ]
    if not verbose:
        return "\n".join(lines)
    lines += ["", f"{'field':<12} {'right':>5} {'total':>5}  share"]
    for name in FIELDS:
        if name in report.per_field:
            right, total = report.per_field[name]
            lines.append(f"{name:<12} {right:>5} {total:>5}  {right / total:.1%}")
    if report.unmatched:
        lines += ["", "expected works with no produced entry: " + ", ".join(report.unmatched)]
    if report.field_misses:
        lines += ["", "field misses (work, field: expected | produced):"]
        lines += [f"  {w}, {n}: {e} | {g}" for w, n, e, g in report.field_misses]
    if report.link_misses:
        lines += ["", "citation misses (footnote: expected | produced in that note):"]
        lines += [f"  fn {n}: {w} | {g}" for n, w, g in report.link_misses]
    if report.other_misses:
        lines += ["", "form/pages misses on linked citations:"]
        lines += [f"  fn {n} {w} {what}: {detail}" for n, w, what, detail in report.other_misses]
    if report.spurious:
        lines += ["", "citations the key does not have:"]
        lines += [f"  fn {n}: {k} {t}" for n, k, t in report.spurious]
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    paper = Path(argv[0]) if argv else HELDOUT / "paper.txt"
    key_path = Path(argv[1]) if len(argv) > 1 else paper.with_name("expected.toml")
    report = evaluate(load_key(key_path), run_pipeline(paper))
    print(f"{paper}\n")
    print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
