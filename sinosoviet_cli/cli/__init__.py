"""The command-line interface: one module per command, each a thin Typer function
that reads its inputs, calls one ``pipeline`` (or core) function, and renders.

This module builds the app and owns the one boundary, :func:`main`, that turns every
``SinosovietError`` into one line on stderr and exit 2. Command modules import only
Typer and ``_common`` at import time, so ``--help`` stays cheap (``test_startup``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from sinosoviet_cli import __version__
from sinosoviet_cli.cli._common import err, out
from sinosoviet_cli.cli._fastparams import FastGroup
from sinosoviet_cli.cli.check import check
from sinosoviet_cli.cli.export import export, export_heading
from sinosoviet_cli.cli.footnotes import footnotes
from sinosoviet_cli.cli.list import list_
from sinosoviet_cli.cli.notes import notes
from sinosoviet_cli.cli.parse import parse
from sinosoviet_cli.cli.romanize import romanize
from sinosoviet_cli.cli.schools import schools_
from sinosoviet_cli.cli.show import show
from sinosoviet_cli.cli.tag import tag
from sinosoviet_cli.errors import ExitCode, SinosovietError

if TYPE_CHECKING:
    from rich.text import Text
else:
    from sinosoviet_cli._lazy import LazyClass

    Text = LazyClass("rich.text", "Text")

__all__ = ["app", "main"]

#: Kept for callers of the old single-module CLI.
_export_heading = export_heading

app = typer.Typer(
    name="sinosoviet",
    # Coerces the invoked command's parameters without pydantic (see _fastparams).
    cls=FastGroup,
    help="Footnotes to BibTeX, schools, Chicago export and draft checks for historians "
    "of the Sino-Soviet split.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's plain help: Typer's rich help imports rich and markdown-it, which made
    # `--help` 2.4x as slow as `import typer` (target: at most 1.5x).
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"sinosoviet {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """sinosoviet: a bibliography tool for the historiography of the Sino-Soviet split."""


# The order here is the order of `sinosoviet --help`.
app.command()(footnotes)
app.command()(parse)
app.command()(export)
app.command()(check)
app.command("list")(list_)
app.command()(show)
app.command("schools")(schools_)
app.command()(notes)
app.command()(tag)
app.command()(romanize)

#: Exit status of an interrupted command (128 + SIGINT), as shells report it.
_INTERRUPTED = 130


def _interrupted() -> SystemExit:
    # Every output is written atomically (a temporary file renamed), so an interrupted
    # command has written nothing: say so, once.
    err.print(Text("interrupted; nothing written", style="bold red"))
    return SystemExit(_INTERRUPTED)


def main() -> None:
    """Run the app; every ``SinosovietError`` becomes one line on stderr and exit 2.

    Nothing else reaches the user as a traceback either: Ctrl-C is one line and exit
    130, a closed pipe (``sinosoviet list | head``) exits quietly, and an unexpected
    exception (a bug) is one line asking for a report, with the traceback under
    ``SINOSOVIET_DEBUG=1``. A terminal or pipe that cannot encode Chinese gets
    ``\\uXXXX`` escapes instead of a crash (JSON stays valid: they are JSON escapes too)."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if not encoding.startswith("utf"):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        app()
    except SinosovietError as exc:
        err.print(Text("error: ", style="bold red"), Text(str(exc)), sep="")
        raise SystemExit(ExitCode.USAGE) from None
    except KeyboardInterrupt:
        raise _interrupted() from None
    except SystemExit as exc:
        # Typer turns Ctrl-C inside a command into a silent exit 130.
        if exc.code == _INTERRUPTED:
            raise _interrupted() from None
        raise
    except BrokenPipeError:
        # The reader went away: silence the flush at exit, end as SIGPIPE would.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(141) from None
    except Exception as exc:
        if os.environ.get("SINOSOVIET_DEBUG"):
            raise
        err.print(
            Text("error: internal error: ", style="bold red"),
            Text(f"{type(exc).__name__}: {exc}"),
            Text(" (this is a bug in sinosoviet; please report it with the command you ran; "
                 "SINOSOVIET_DEBUG=1 shows the traceback)"),
            sep="",
        )
        raise SystemExit(ExitCode.INTERNAL) from None
