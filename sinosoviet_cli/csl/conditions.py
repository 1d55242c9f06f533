"""cs:choose compiled once per element (a speed-only replacement, ``fastpaths``'
companion): a cs:choose whose branches test only the item type becomes a lookup by
type; a branch testing only types, variables and ``disambiguate`` becomes a closure
that stops at the deciding test; any other branch is evaluated in full (``matches``,
citeproc-py's ``If.render`` without its exception per failed branch). W5 lives here:
``disambiguate="true"`` is never true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sinosoviet_cli.csl.fastpaths import _branches_memo, _classes, children

_Test = tuple[str, tuple[str, ...]]
#: (item, reference, context) -> whether a branch's conditions hold.
_Predicate = Callable[[Any, Any, Any], bool]
_PURE = frozenset(("type", "variable", "disambiguate"))
_BY_TYPE = frozenset(("type", "disambiguate"))


@dataclass(slots=True)
class _Choice:
    """A cs:choose compiled: ``branches`` are ``(element, predicate)`` in order;
    ``by_type`` (when no branch tests more than the item type) the branch each type
    takes, filled as types are met (``None``: no branch)."""

    branches: tuple[tuple[Any, _Predicate], ...]
    specs: tuple[tuple[Any, bool, str, tuple[_Test, ...]], ...]
    by_type: dict[Any, Any] | None


def branch_specs(choose: Any) -> tuple[tuple[Any, bool, str, tuple[_Test, ...]], ...]:
    """``(element, is_else, match, tests)`` per branch of a cs:choose."""
    return _choice(choose).specs


def _choice(choose: Any) -> _Choice:
    found = _branches_memo.get(choose)
    if found is None:
        specs: list[tuple[Any, bool, str, tuple[_Test, ...]]] = []
        for child in children(choose):
            if isinstance(child, _classes["Else"]):
                specs.append((child, True, "all", ()))
                continue
            tests = tuple((name, _test_values(name, child.get(name)))
                          for name in ("type", "variable", "is-numeric", "is-uncertain-date",
                                       "locator", "position", "disambiguate")
                          if child.get(name) is not None)
            specs.append((child, False, child.get("match", "all"), tests))
        typed = all(name in _BY_TYPE for _, _, _, tests in specs for name, _ in tests)
        found = _branches_memo[choose] = _Choice(
            tuple((branch, _predicate(branch, is_else, match, tests))
                  for branch, is_else, match, tests in specs),
            tuple(specs), {} if typed else None)
    return found


def _test_values(name: str, value: str) -> tuple[str, ...]:
    words = value.split()
    if name == "type":
        return tuple(w.lower() for w in words)
    if name == "variable":  # CSL names to citeproc-py's attribute names
        return tuple(w if w == "locator" else w.replace("-", "_") for w in words)
    return tuple(words)


def chosen(choose: Any, item: Any, context: Any) -> Any:
    """The branch of ``choose`` that ``item`` takes, or None."""
    choice = _branches_memo.get(choose) or _choice(choose)
    reference = dict.get(item, "_sinosoviet_reference") or item.reference
    by_type = choice.by_type
    if by_type is None:
        for branch, holds in choice.branches:
            if holds(item, reference, context):
                return branch
        return None
    kind = dict.get(reference, "type")
    try:
        return by_type[kind]
    except KeyError:
        found = by_type[kind] = next(
            (b for b, holds in choice.branches if holds(item, reference, context)), None)
        return found


def choose_render(self: Any, item: Any, context: Any = None, delimiter: str = "",
                  **kwargs: Any) -> Any:
    # Conditions are evaluated from compiled branches without raising an exception per
    # failed branch. W5 lives here: `disambiguate="true"` is never true.
    branch = chosen(self, item, context)
    if branch is None:
        return None
    return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)


def _predicate(branch: Any, is_else: bool, match: str, tests: tuple[_Test, ...]) -> _Predicate:
    """A branch's conditions as a function: ``matches`` itself for tests that read
    the cite (position, locator…); for type, variable and disambiguate tests (pure,
    so they may stop at the first deciding one) a closure giving the same answer."""
    if is_else:
        return lambda item, reference, context: True
    if any(name not in _PURE for name, _ in tests):
        return lambda item, reference, context: matches(branch, item, context, match, tests)
    types = frozenset(v for name, values in tests if name == "type" for v in values)
    variables = tuple(v for name, values in tests if name == "variable"
                      for v in values if v != "locator")
    locator = any(v == "locator" for name, values in tests if name == "variable"
                  for v in values)
    never = any(v == "true" for name, values in tests if name == "disambiguate"
                for v in values)
    if match in ("any", "none"):
        want = match == "any"

        def any_holds(item: Any, reference: Any, context: Any) -> bool:
            if (types and dict.__getitem__(reference, "type") in types) or (
                    locator and "locator" in item):
                return want
            for v in variables:
                if v in reference:
                    return want
            return not want

        return any_holds
    if never or len(types) > 1:
        return lambda item, reference, context: False
    kind = next(iter(types), None)

    def all_hold(item: Any, reference: Any, context: Any) -> bool:
        if kind is not None and dict.__getitem__(reference, "type") != kind:
            return False
        if locator and "locator" not in item:
            return False
        for v in variables:  # noqa: SIM110 (a loop: no generator per call)
            if v not in reference:
                return False
        return True

    return all_hold


def matches(branch: Any, item: Any, context: Any, match: str,
            tests: tuple[_Test, ...]) -> bool:
    """Whether a branch's conditions hold, every test evaluated (citeproc-py's If.render
    without the exception)."""
    results: list[bool] = []
    reference = item.reference
    for name, values in tests:
        if name == "type":
            actual = dict.__getitem__(reference, "type")
            results += [v == actual for v in values]
        elif name == "variable":
            results += [(v in item) if v == "locator" else (v in reference) for v in values]
        elif name == "disambiguate":
            results += [False for v in values if v == "true"]
        elif name == "position":
            results += branch._position(item, context)
        elif name == "is-numeric":
            results += branch._is_numeric(item)
        elif name == "is-uncertain-date":
            results += branch._is_uncertain_date(item)
        elif name == "locator":
            results += branch._locator(item)
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)
