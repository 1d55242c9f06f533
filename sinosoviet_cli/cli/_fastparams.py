"""Typer without pydantic for our plain parameters: start-up of a command.

Typer 0.29 coerces every parameter of the invoked command through a pydantic
``TypeAdapter``, built on first use even for an option left at its default; the first
adapter imports pydantic and pydantic-core (~0.1 s, more than Typer itself). Our
parameters are only ``str``, ``Path``, ``bool`` (optionally ``| None`` or a list of them),
so :class:`FastGroup` gives each parameter of the command it is about to run a coercion
that does what Typer's adapter does for these types, without pydantic. Any other
annotation keeps Typer's own coercion. The usage line also names a required argument
``PAPER``, not ``{PAPER}``.

:class:`LazyGroup` goes further for :func:`sinosoviet_cli.cli.main`: each command is a
stand-in carrying its one-line summary until it runs, so a run imports and builds one
command's parameters instead of all ten (~20 ms, a quarter of ``--help``).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from typer._click import Command, Context
from typer._coercion import RuntimeParam
from typer._param_types import coerce_cli_path
from typer.core import TyperArgument, TyperCommand, TyperGroup, _TyperParameter

__all__ = ["FastGroup", "LazyGroup"]

_PLAIN = (str, Path, bool)


def _leaf(annotation: Any) -> type | None:
    """``str``/``Path``/``bool`` behind ``X | None`` and ``list[X]``, else None."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _leaf(args[0]) if len(args) == 1 else None
    if origin is list:
        (item,) = get_args(annotation) or (None,)
        return _leaf(item)
    return annotation if annotation in _PLAIN else None


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    """str, Path or bool coerced the way Typer's adapters do, without pydantic."""

    leaf: type

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if isinstance(value, (list, tuple)):
            return [self._one(v, param, ctx) for v in value]
        return self._one(value, param, ctx)

    def _one(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        if self.leaf is Path:
            return coerce_cli_path(Path(value), self.parameter_info, path_type=Path,
                                   param=param, ctx=ctx)
        if self.leaf is str:
            return value if isinstance(value, str) else str(value)
        return _bool(value)


def _bool(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    word = value.strip().casefold()
    if word in ("", "0", "false", "f", "no", "n", "off"):
        return False
    if word in ("1", "true", "t", "yes", "y", "on"):
        return True
    raise ValueError(f"{value!r} is not a valid boolean")


def speed_up(command: Any, ctx: Context) -> None:
    """Give the command's plain parameters (its help option too, made on demand) the
    pydantic-free coercion."""
    params = command.get_params(ctx) if command is not None else ()
    for param in params:
        if isinstance(param, TyperArgument):
            param._usage_display_name = types.MethodType(_usage_name, param)  # type: ignore[method-assign]
        if not isinstance(param, _TyperParameter) or param._runtime_param is not None:
            continue
        descriptor = param.type_descriptor
        leaf = _leaf(descriptor.annotation)
        if leaf is None or descriptor.file_annotation is not None:
            continue
        param._runtime_param = _Plain(parameter_info=descriptor.parameter_info,
                                      annotation=descriptor.annotation, leaf=leaf)


def _usage_name(self: TyperArgument) -> str:
    """``PAPER`` for a required argument, ``[PAPER]`` for an optional one, as Click and
    every man page write them (Typer 0.29 writes ``{PAPER}``)."""
    name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
    return name + ("..." if self.nargs != 1 else "")


class FastGroup(TyperGroup):
    """The app's group: the command about to run (and the group's own options) skip
    pydantic."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        speed_up(command, ctx)
        return command

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        speed_up(self, ctx)
        return super().parse_args(ctx, args)


class _Deferred(TyperCommand):
    """A command known by name and summary; the real one is built when it runs (or its
    own ``--help`` is asked for)."""

    def __init__(self, name: str, summary: str) -> None:
        super().__init__(name, help=summary)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Context | None = None, **extra: Any) -> Context:
        import gc

        from sinosoviet_cli.cli import COLLECTING

        real = _build(self.name or "")
        if self.name in COLLECTING:  # start-up objects stay out of every collection
            gc.freeze()
            gc.enable()
        if parent is not None:
            speed_up(real, parent)
        return real.make_context(info_name, args, parent=parent, **extra)


def _build(name: str) -> Command:
    """The Typer command ``name``, from its function, as the whole app would build it."""
    from typer.main import get_command_from_info
    from typer.models import CommandInfo

    from sinosoviet_cli.cli import command_function

    info = CommandInfo(name=name, callback=command_function(name))
    return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)


class LazyGroup(FastGroup):
    """The group :func:`sinosoviet_cli.cli.main` runs: every command a stand-in until it
    is invoked, in the order of ``COMMANDS``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from sinosoviet_cli.cli import COMMANDS

        for name, (_module, _attr, summary) in COMMANDS.items():
            self.commands.setdefault(name, _Deferred(name, summary))
