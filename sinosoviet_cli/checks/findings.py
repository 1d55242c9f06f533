"""What ``check`` reports: a :class:`Finding` value per problem, with its severity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: where it is, which rule found it, and what to do about it."""

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    footnote: int | None = None
    key: str = ""
    fix: str = ""
    source: Mapping[str, str] | None = None  # the reference-manager field and record

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "line": self.line, "column": self.column,
                "footnote": self.footnote, "rule": self.rule, "severity": str(self.severity),
                "message": self.message, "key": self.key, "fix": self.fix}
        if self.source is not None:
            data["source"] = dict(self.source)
        return data
