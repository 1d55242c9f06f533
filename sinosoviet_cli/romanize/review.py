"""The reviewed romanisations of a bibliography, kept beside it in ``NAME.romanized.toml``
(``references.bib`` → ``references.romanized.toml``).

Why a separate file rather than bib fields: biber's data model and pandoc know no
``title-romanized`` field, and a reviewer's decisions must survive ``parse`` rewriting
the .bib. The file holds only human decisions (approved or hand-set values and
translations); suggestions are recomputed on every run. Each item stores a hash of the
original it romanises: when the bib's value changes, the item goes *stale* and the fresh
suggestion is shown (and used) until a person approves again. Approved values are never
replaced by a suggestion.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sinosoviet_cli.errors import BibError, UsageError
from sinosoviet_cli.romanize.suggest import Suggestion
from sinosoviet_cli.text.normalize import nfc

APPROVED = "approved"
SUGGESTED = "suggested"
STALE = "stale"
# Fields a translation belongs to: a title is translated, a name never is.
TRANSLATABLE = ("title", "booktitle", "journal")


def review_path(bib: str | Path) -> Path:
    """``refs/references.bib`` → ``refs/references.romanized.toml``."""
    p = Path(bib)
    return p.with_name(p.stem + ".romanized.toml")


def digest(original: str) -> str:
    """A short hash of the NFC original: an item is stale when it no longer matches."""
    return hashlib.sha256(nfc(original).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Item:
    """One romanised value: ``n`` counts the persons of a name field (0 otherwise)."""

    key: str
    field: str
    n: int
    original: str
    romanized: str
    flags: tuple[str, ...] = ()
    status: str = SUGGESTED
    translation: str = ""
    digest: str = ""

    @property
    def ident(self) -> tuple[str, str, int]:
        return (self.key.casefold(), self.field, self.n)

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"key": self.key, "field": self.field,
                               "original": self.original, "romanized": self.romanized,
                               "flags": list(self.flags), "status": self.status}
        if self.translation:
            row["translation"] = self.translation
        return row


def from_suggestions(suggestions: Sequence[Suggestion]) -> list[Item]:
    """Suggestions as unreviewed items, persons numbered within their field."""
    counts: dict[tuple[str, str], int] = {}
    items: list[Item] = []
    for s in suggestions:
        n = counts.get((s.key, s.field), 0)
        counts[(s.key, s.field)] = n + 1
        items.append(Item(s.key, s.field, n, s.original, s.romanized, s.flags,
                          digest=digest(s.original)))
    return items


def load(path: Path) -> dict[tuple[str, str, int], Item]:
    """The stored decisions; a missing file is an empty review."""
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
        stored = [_stored(row) for row in raw.get("item", [])]
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError,
            ValueError) as exc:
        raise BibError(f"unreadable romanisation review ({exc})", path=path,
                       fix="fix the file by hand, or move it away to start the review "
                       "again") from None
    return {item.ident: item for item in stored}


def _stored(row: dict[str, Any]) -> Item:
    return Item(str(row["key"]), str(row["field"]), int(row.get("n", 0)),
                str(row["original"]), str(row.get("romanized", "")),
                status=str(row.get("status", SUGGESTED)),
                translation=str(row.get("translation", "")), digest=str(row["hash"]))


def merge(fresh: Sequence[Item], stored: dict[tuple[str, str, int], Item]) -> list[Item]:
    """Fresh suggestions overlaid with the stored decisions: an approved value whose
    original is unchanged wins; one whose original changed is *stale* (the suggestion
    is shown, the old value and translation kept for the reviewer)."""
    out: list[Item] = []
    for item in fresh:
        old = stored.get(item.ident)
        if old is None:
            out.append(item)
        elif old.digest != item.digest:
            out.append(replace(item, status=STALE, translation=old.translation,
                               flags=(*item.flags, f"stale: was {old.original!r}")))
        elif old.status == APPROVED:
            out.append(replace(item, romanized=old.romanized, status=APPROVED,
                               translation=old.translation))
        else:
            out.append(replace(item, translation=old.translation))
    return out


def _targets(items: Sequence[Item], spec: str) -> list[Item]:
    key, _, field = spec.partition(":")
    field, _, number = field.partition(".")
    found = [i for i in items if i.key.casefold() == key.strip().casefold()
             and (not field or i.field == field.strip())
             and (not number or str(i.n + 1) == number)]
    if not found:
        raise UsageError(f"no romanised value matches {spec!r}",
                         fix="give KEY, KEY:FIELD or KEY:FIELD.N as listed by "
                         "`sinosoviet romanize`")
    return found


def approve(items: Sequence[Item], specs: Iterable[str]) -> list[Item]:
    """Approve the current value of every item ``KEY[:FIELD[.N]]`` names."""
    chosen = {i.ident for spec in specs for i in _targets(items, spec)}
    return [replace(i, status=APPROVED) if i.ident in chosen else i for i in items]


def set_value(items: Sequence[Item], spec: str) -> list[Item]:
    """``KEY:FIELD[.N]=VALUE``: a hand-written value, approved."""
    target, sep, value = spec.partition("=")
    if not sep or not value.strip() or ":" not in target:
        raise UsageError(f"--set needs KEY:FIELD=VALUE, got {spec!r}",
                         fix="e.g. --set 'chen1982yanan:author=Chen Yung-fa'")
    found = _targets(items, target)
    if len(found) > 1:
        raise UsageError(f"{target!r} names {len(found)} values",
                         fix="add the person's number, e.g. KEY:author.2")
    chosen = found[0].ident
    return [replace(i, romanized=nfc(value.strip()), status=APPROVED)
            if i.ident == chosen else i for i in items]


def translate(items: Sequence[Item], spec: str) -> list[Item]:
    """``KEY[:FIELD]=TEXT``: an English translation (human-only) of a title."""
    target, sep, text = spec.partition("=")
    if not sep or not text.strip():
        raise UsageError(f"--translate needs KEY[:FIELD]=TEXT, got {spec!r}",
                         fix="e.g. --translate 'yang1999zouxiang=Toward the split'")
    if ":" not in target:
        target += ":title"
    found = [i for i in _targets(items, target) if i.field in TRANSLATABLE]
    if not found:
        raise UsageError(f"{target!r} is not a title", fix="translate a title, booktitle "
                         "or journal; names are not translated")
    chosen = {i.ident for i in found}
    return [replace(i, translation=nfc(text.strip())) if i.ident in chosen else i
            for i in items]


def _q(value: str) -> str:
    # A JSON string is a valid TOML basic string (\\uXXXX and \\" escapes alike).
    return json.dumps(value, ensure_ascii=False)


def dump(items: Sequence[Item], stored: dict[tuple[str, str, int], Item]) -> str:
    """The review file: only items a person decided on (approved or translated). A
    stale item and a stored one no longer in the bibliography are kept as they were."""
    lines = ["# Reviewed romanisations (sinosoviet romanize --approve/--set/--translate).",
             "# `hash` is the hash of `original`: when the bibliography changes, the",
             "# item goes stale and must be approved again.", ""]
    current = {i.ident for i in items}
    kept = [stored[i.ident] if i.status == STALE else i for i in items]
    kept += [old for ident, old in stored.items() if ident not in current]
    for i in kept:
        if i.status != APPROVED and not i.translation:
            continue
        lines += ["[[item]]", f"key = {_q(i.key)}", f"field = {_q(i.field)}",
                  f"n = {i.n}", f"original = {_q(i.original)}", f"hash = {_q(i.digest)}",
                  f"romanized = {_q(i.romanized)}",
                  f"status = {_q(APPROVED if i.status == APPROVED else SUGGESTED)}"]
        if i.translation:
            lines.append(f"translation = {_q(i.translation)}")
        lines.append("")
    return "\n".join(lines)


def load_preferred(path: Path | None) -> dict[str, str]:
    """A user's preferred spellings (TOML ``"陳永發" = "Chen Yung-fa"``, top level or in a
    ``[preferred]`` table); they win over pinyin and over the bundled table."""
    if path is None:
        return {}
    from sinosoviet_cli.files import read_text

    text = read_text(path)  # a missing file, a folder, a bad encoding: one clear line
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"cannot read preferred spellings ({exc})", path=path,
                         fix='give a TOML file of lines like "陳永發" = "Chen Yung-fa"'
                         ) from None
    table = raw.get("preferred", raw)
    return {nfc(k): nfc(v) for k, v in table.items() if isinstance(v, str)}


def reviewed(works: Sequence[Any], path: Path,
             preferred: dict[str, str] | None = None) -> tuple[list[Item], dict[
                 tuple[str, str, int], Item]]:
    """Every romanised value of ``works`` with the decisions stored at ``path``."""
    from sinosoviet_cli.romanize.suggest import suggest

    stored = load(path)
    return merge(from_suggestions(suggest(works, preferred)), stored), stored
