"""The command-line interface: one module per command, each a thin Typer function
that reads its inputs, calls one ``pipeline`` (or core) function, and renders.

This module builds the app and owns the one boundary, :func:`main`, that turns every
``SinosovietError`` into one line on stderr and exit 2. Command modules import only
Typer and ``_common`` at import time, so ``--help`` stays cheap (``test_startup``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sinosoviet_cli import __version__
from sinosoviet_cli.cli._common import err, out
from sinosoviet_cli.cli._fastparams import FastGroup, LazyGroup
from sinosoviet_cli.errors import ExitCode, SinosovietError

if TYPE_CHECKING:
    from rich.text import Text
else:
    from sinosoviet_cli._lazy import LazyClass

    Text = LazyClass("rich.text", "Text")

__all__ = ["COMMANDS", "app", "main"]

#: Every command: its name, the module and function that implement it, and the first
#: paragraph of its docstring (what `sinosoviet --help` lists), so that `main` imports
#: and builds only the command it runs. The order is the order of `sinosoviet --help`;
#: ``test_startup`` checks each summary against its docstring.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "footnotes": ("footnotes", "footnotes",
                  "List the paper's footnotes: number, page, section and text."),
    "parse": ("parse", "parse",
              "Parse the paper's footnotes into a cross-referenced BibTeX bibliography."),
    "export": ("export", "export",
               "Print the bibliography in a Chicago (or other CSL) style, sorted as Chicago "
               "sorts (Chinese names filed by their pinyin among the Western ones)."),
    "check": ("check", "check", "Check a draft's citations against the bibliography."),
    "list": ("list", "list_",
             "List the sources grouped by school: key, author, short title, year."),
    "show": ("show", "show",
             "Show one work: all fields, its school with the evidence, the footnotes citing "
             "it, its volume or chapters."),
    "schools": ("schools", "schools_",
                "The schools: description (zh and en), works, proponents, and a chart of "
                "publication years by decade."),
    "notes": ("notes", "notes",
              "Re-render the paper's footnotes as notes in a CSL style: the first citation "
              "of a work in full, later ones short, Ibid. (where the style has it) when the "
              "previous note cites that one work; the author's commentary is kept around "
              "the citations."),
    "tag": ("tag", "tag",
            "Set (or clear) the school of works by hand; nothing else in the file changes."),
    "romanize": ("romanize", "romanize",
                 "Suggest pinyin for the Chinese names, titles, journals, publishers and "
                 "places."),
}


def _version(value: bool) -> None:
    if value:
        out.print(f"sinosoviet {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """sinosoviet: a bibliography tool for the historiography of the Sino-Soviet split."""


def _typer(cls: type[FastGroup]) -> typer.Typer:
    """The app with its root options and no commands yet."""
    root = typer.Typer(
        name="sinosoviet",
        # Coerces the invoked command's parameters without pydantic (see _fastparams).
        cls=cls,
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
    root.callback()(_root)
    return root


def command_function(name: str) -> Any:
    """The function behind command ``name`` (its module imported now)."""
    import importlib

    module, attr, _summary = COMMANDS[name]
    return getattr(importlib.import_module(f"sinosoviet_cli.cli.{module}"), attr)


def full_app() -> typer.Typer:
    """The app with every command registered (tests, documentation): imports them all."""
    whole = _typer(FastGroup)
    for name in COMMANDS:
        whole.command(name)(command_function(name))
    return whole


def _lazy_app() -> typer.Typer:
    """What :func:`main` runs: every command a stand-in that imports and builds its
    function only when it runs (``LazyGroup``); root help lists the summaries above."""
    return _typer(LazyGroup)


def __getattr__(name: str) -> Any:
    # ``app`` (the whole Typer app) and the old helper are built on first use, so that
    # importing this package costs only Typer.
    if name == "app":
        globals()["app"] = built = full_app()
        return built
    if name == "_export_heading":  # kept for callers of the old single-module CLI
        from sinosoviet_cli.cli.export import export_heading

        return export_heading
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Commands whose work grows with a paper or draft and may leave reference cycles: the
#: collector runs for them. The others (a bibliography read, a table printed) allocate
#: module objects and few cycles, and run ~10% faster without it (``main``).
COLLECTING = frozenset({"footnotes", "parse", "check", "notes", "romanize"})

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
    import gc

    collecting = gc.isenabled()
    gc.disable()  # start-up makes modules, not garbage; COLLECTING commands turn it on
    try:
        _main()
    finally:  # as it was (main may run inside a test session or another program)
        gc.unfreeze()
        if collecting:
            gc.enable()


def _main() -> None:
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if not encoding.startswith("utf"):
            with contextlib.suppress(AttributeError, ValueError):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    # A caller that built ``app`` (and may have added commands to it) runs that app.
    runner = globals().get("app") or _lazy_app()
    try:
        runner()
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
