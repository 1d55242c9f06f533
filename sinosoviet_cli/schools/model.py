"""The debate model: the schools and roles of ``data/schools.toml`` (or a ``--schools``
file) and the reviewed overrides, loaded once into frozen values that the tagger takes
as an explicit parameter. Nothing paper-specific lives in code: the fallback role for
works without evidence (``fallback``) is data too.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from sinosoviet_cli.errors import BibError

#: The role of a work without evidence when the model file names none (DESIGN: context).
DEFAULT_FALLBACK = "context"


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
    fallback: str = DEFAULT_FALLBACK  # the role of a work no school is supported for

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
        fallback=str(data.get("fallback", DEFAULT_FALLBACK)),
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
