"""The debate model: schools and roles, their proponents, key works and cue phrases,
from ``data/schools.toml`` or a user's ``--schools`` file, loaded once into frozen
values that the tagger takes as an explicit parameter.

A model file may ``extends`` another (``extends = "schools.toml"``, a bundled name, or
a path relative to the file): the seed paper's own model
(``data/models/wang-2008-zhengda.toml``) adds its section→school map and its reviewed
overrides to the bundled debate model. Nothing paper-specific is in the bundled model.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.errors import BibError

#: The role of a work without evidence when the model file names none (DESIGN: context).
DEFAULT_FALLBACK = "context"
#: The bundled debate model, and the folder of bundled paper models.
BUNDLED = "schools.toml"
MODELS = "models"


@dataclass(frozen=True, slots=True)
class School:
    """A school (an explanation of the debate) or a role (primary, theory, context)."""

    id: str
    kind: str  # "school" or "role"
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    section: str | None = None  # a paper model's section presenting the school
    title_words: tuple[str, ...] = ()
    corporate_words: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()  # phrases of a citing sentence that argue for it
    periodicals: tuple[str, ...] = ()  # role: journals whose period issues are sources
    period: tuple[int, int] | None = None  # the years those issues are sources for

    def names(self) -> tuple[str, ...]:
        return (self.id, self.name_zh, self.name_en)


@dataclass(frozen=True, slots=True)
class Proponent:
    """A scholar the historiography places in a school (or a role: a theorist, a
    context historian), with every printed form of the name and why."""

    school: str
    names: tuple[str, ...]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class KeyWork:
    """A work the historiography places in a school, known by its title."""

    school: str
    title: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Override:
    """A reviewed decision: the work with this key or title gets this school."""

    school: str
    reason: str
    key: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything the tagger knows that is not code."""

    schools: tuple[School, ...]
    aliases: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}))
    negation_words: tuple[str, ...] = ()
    negation_gap: int = 8
    min_score: int = 2
    volume_own_score: int = 3
    fallback: str = DEFAULT_FALLBACK  # the role of a work no school is supported for
    proponents: tuple[Proponent, ...] = ()
    key_works: tuple[KeyWork, ...] = ()
    overrides: tuple[Override, ...] = ()
    claim_words: tuple[str, ...] = ()  # 認為, argues …: a sentence stating a view
    source: str = BUNDLED  # the file the model came from (for messages)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.schools)

    def get(self, school_id: str) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)

    def find(self, name: str) -> School | None:
        """A school by id, Chinese or English name, in any letter case."""
        wanted = name.strip().casefold()
        return next((s for s in self.schools
                     if wanted in (n.casefold() for n in s.names() if n)), None)


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _school(s: Mapping[str, Any], sections: Mapping[str, str]) -> School:
    period = s.get("period")
    return School(
        id=str(s["id"]), kind=str(s.get("kind", "school")),
        name_zh=str(s.get("name_zh", "")), name_en=str(s.get("name_en", "")),
        description_zh=str(s.get("description_zh", "")),
        description_en=str(s.get("description_en", "")),
        section=s.get("section") or sections.get(str(s["id"])),
        title_words=_strings(s.get("title_words")),
        corporate_words=_strings(s.get("corporate_words")),
        cues=_strings(s.get("cues")), periodicals=_strings(s.get("periodicals")),
        period=(int(period[0]), int(period[1])) if isinstance(period, list) else None,
    )


def rules_from(data: Mapping[str, Any], source: str = BUNDLED) -> Rules:
    """Build ``Rules`` from parsed TOML (the shape of ``data/schools.toml``). Raises
    ``KeyError``/``ValueError``/``TypeError`` on a malformed shape (see ``load_model``)."""
    sections = {str(v): str(k) for k, v in data.get("sections", {}).items()}
    schools = tuple(_school(s, sections) for s in data.get("school", []))
    negation = data.get("negation", {})
    rules = Rules(
        schools=schools,
        aliases=MappingProxyType({str(k): _strings(v)
                                  for k, v in data.get("aliases", {}).items()}),
        negation_words=_strings(negation.get("words")), negation_gap=int(negation.get("gap", 8)),
        min_score=int(data.get("min_score", 2)),
        volume_own_score=int(data.get("volume_own_score", 3)),
        fallback=str(data.get("fallback", DEFAULT_FALLBACK)),
        proponents=tuple(Proponent(str(p["school"]), _strings(p["names"]),
                                   str(p.get("reason", "")))
                         for p in data.get("proponent", [])),
        key_works=tuple(KeyWork(str(w["school"]), str(w["title"]), str(w.get("reason", "")))
                        for w in data.get("work", [])),
        claim_words=_strings(data.get("claim_words")),
        source=source,
    )
    return _with_overrides(rules, data)


def _with_overrides(rules: Rules, data: Mapping[str, Any]) -> Rules:
    from dataclasses import replace

    return replace(rules, overrides=overrides_from(data, rules))


def _check(rules: Rules) -> str:
    """The first inconsistency of a model, or ''."""
    ids = set(rules.ids)
    if not rules.schools:
        return "no [[school]] defined"
    if len(ids) != len(rules.schools):
        return "two [[school]] tables with one id"
    if rules.fallback not in ids:
        return f"fallback {rules.fallback!r} is not a school id"
    for p in rules.proponents:
        if p.school not in ids:
            return f"proponent {p.names[:1]} names unknown school {p.school!r}"
        if not p.names:
            return "a [[proponent]] without names"
    for w in rules.key_works:
        if w.school not in ids:
            return f"work {w.title!r} names unknown school {w.school!r}"
    return ""


def _merge(parent: dict[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent``: tables merge, lists of tables append (a [[school]]
    with a known id replaces it), other values replace."""
    merged = dict(parent)
    for key, value in child.items():
        if key == "extends":
            continue
        old = merged.get(key)
        if key == "school" and isinstance(old, list):
            ids = {str(s.get("id")) for s in value}
            merged[key] = [s for s in old if str(s.get("id")) not in ids] + list(value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + value
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        else:
            merged[key] = value
    return merged


_REQUIRED = {"school": ("id",), "proponent": ("school", "names"), "work": ("school", "title")}


def _bad_table_line(text: str, data: Mapping[str, Any]) -> int | None:
    """The header line of the first [[school]]/[[proponent]]/[[work]] lacking a key."""
    for table, keys in _REQUIRED.items():
        items = data.get(table)
        if not isinstance(items, list):
            continue
        bad = next((i for i, t in enumerate(items)
                    if not isinstance(t, dict) or any(k not in t for k in keys)), None)
        if bad is None:
            continue
        headers = [n for n, line in enumerate(text.splitlines(), 1)
                   if line.strip() == f"[[{table}]]"]
        return headers[bad] if bad < len(headers) else None
    return None


def _line_of(text: str, needle: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if needle and needle in line:
            return i
    return None


def _read(path: Path | None, name: str, depth: int = 0) -> tuple[dict[str, Any], str]:
    """Parsed TOML of a model file (bundled when ``path`` is None) with its
    ``extends`` chain merged in, and its text."""
    source: Any = path if path is not None else resources.files("sinosoviet_cli") / "data" / name
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BibError(f"cannot read the school model: {exc}", path=str(source),
                       fix="give --schools an existing UTF-8 TOML file") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise BibError(f"invalid TOML: {exc}", path=str(source),
                       line=int(match.group(1)) if match else None,
                       fix="correct the TOML syntax at that line") from exc
    parent = data.get("extends")
    if isinstance(parent, str) and depth < 5:
        base = (path.parent / parent) if path is not None else None
        if base is not None and not base.exists():
            base = None  # a bundled name: schools.toml, models/…
        parent_data, _ = _read(base, parent, depth + 1)
        data = _merge(parent_data, data)
    return data, text


def load_model(path: Path | None = None, name: str = BUNDLED) -> Rules:
    """A school model from a file (or the bundled one): errors name the file and line."""
    data, text = _read(path, name)
    own = tomllib.loads(text)  # the file's own tables, for line numbers
    where = str(path) if path is not None else name
    try:
        rules = rules_from(data, source=where)
    except BibError:
        raise
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise BibError(f"malformed school model: missing or bad value {exc}", path=where,
                       line=_bad_table_line(text, own) or _line_of(text, str(exc).strip("'")),
                       fix="each [[school]] needs an id; each [[proponent]] a school "
                           "and names; each [[work]] a school and title") from exc
    problem = _check(rules)
    if problem:
        needle = (re.findall(r"'([^']+)'", problem) or [""])[-1]  # the bad value
        raise BibError(f"malformed school model: {problem}", path=where,
                       line=_line_of(text, needle),
                       fix="use the ids of the file's [[school]] tables")
    return rules


def bundled_model(name: str) -> Path | None:
    """The path inside the package of a bundled paper model (``wang-2008-zhengda``)."""
    stem = name.removesuffix(".toml")
    candidate = resources.files("sinosoviet_cli") / "data" / MODELS / f"{stem}.toml"
    return Path(str(candidate)) if candidate.is_file() else None


def model_for(option: Path | None, bib: Path | None = None) -> Rules:
    """The model a command uses: ``--schools FILE`` (or the name of a bundled paper
    model), else a ``schools.toml`` beside the bibliography, else the bundled one."""
    if option is not None:
        if not option.exists():
            bundled = bundled_model(option.name) if option.parent == Path() else None
            if bundled is None:
                raise BibError("no such school model", path=str(option),
                               fix="give --schools a TOML file (see data/schools.toml)")
            option = bundled
        return load_model(option)
    if bib is not None:
        beside = bib.parent / "schools.toml"
        if beside.is_file():
            return load_model(beside)
    return load_rules()


def beside(bib: Path | None) -> Path | None:
    """A ``schools.toml`` beside the bibliography (the user's own debate), if present."""
    if bib is None:
        return None
    candidate = bib.parent / "schools.toml"
    return candidate if candidate.is_file() else None


@cache
def load_rules() -> Rules:
    """The bundled debate model."""
    return load_model()


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
            raise BibError(f"school override #{i}: {problem}", path=rules.source,
                           fix="each [[override]] needs key or title, school and reason")
        result.append(Override(school, reason, key, title))
    return tuple(result)


def load_overrides() -> tuple[Override, ...]:
    """The bundled model's overrides (none: overrides belong to a paper's model)."""
    return load_rules().overrides
