"""Stand-ins that import a module on first use, so that `sinosoviet --help` costs no
more than Typer itself (rich's console and tables cost ~25 ms to import, more than a
third of Typer's own start-up), while command code keeps writing ``Text(...)`` and
``out.print(...)`` as usual."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class LazyClass:
    """A class imported on first use: calling it, its attributes and ``isinstance``
    all go to the real class."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)
        self._cls: Any = None

    def _real(self) -> Any:
        if self._cls is None:
            module, name = self._where
            self._cls = getattr(importlib.import_module(module), name)
        return self._cls

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._real()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __instancecheck__(self, obj: object) -> bool:
        return isinstance(obj, self._real())

    def __repr__(self) -> str:
        return f"<lazy {'.'.join(self._where)}>"


class _LazyObject:
    def __init__(self, factory: Callable[[], object]) -> None:
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_obj", None)

    def _real(self) -> Any:
        obj = object.__getattribute__(self, "_obj")
        if obj is None:
            obj = object.__getattribute__(self, "_factory")()
            object.__setattr__(self, "_obj", obj)
        return obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._real(), name, value)


def lazy(factory: Callable[[], T]) -> T:
    """An object made by ``factory`` the first time one of its attributes is used."""
    return cast(T, _LazyObject(factory))
