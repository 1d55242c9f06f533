"""The one exception family of sinosoviet, and the exit codes the CLI maps it to.

Core functions raise these only for I/O failures and unusable input; problems inside
otherwise readable data (an unparsable footnote, a dubious citation) are returned as
values instead (``Unparsed``, ``Finding``).
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # `check` found warnings or errors
    USAGE = 2  # bad usage or unreadable input
    INTERNAL = 70  # a bug: an unexpected exception (sysexits' EX_SOFTWARE)


class SinosovietError(Exception):
    """An error with a message a user can act on: what, where, and how to fix it."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.fix = fix

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        text = where + self.message
        if self.fix:
            text += f" ({self.fix})"
        return text


class InputError(SinosovietError):
    """A file that cannot be read: missing, a directory, binary, undecodable."""


class BibError(SinosovietError):
    """A bibliography that cannot be used: malformed BibTeX, unknown keys or schools."""


class UsageError(SinosovietError):
    """An option value that makes no sense: unknown style, school id, format."""


class OutputError(SinosovietError):
    """A file that must not or cannot be written (exists without --force, no permission)."""
