"""Every change sinosoviet makes to citeproc-py, in one table (``PATCHES``).

citeproc-py builds each style's tree with an lxml namespace class lookup made inside
``CitationStylesXML.__init__`` from ``CitationStylesElement.__subclasses__()``, and
parses locale files through a second class the same way; several fixes sit on mixins
(``Parent``, ``Formatted``) and on ``CitationItem``. Subclasses would mean replacing
both constructors, so the fixes stay attribute replacements: one ``Patch`` row per
replaced attribute, applied once by ``patch_citeproc`` (after ``check_citeproc``
confirms the installed release has every attribute), undone by ``unpatched`` (tests
compare with stock), and all memo state in one ``_Memo``.

Speed: the style tree never changes while rendering, so xpath queries,
``calls_variable``, children lists, branch conditions, cs:text kinds and references
are looked up once; cs:choose branches are chosen without an exception per failed
branch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sinosoviet_cli.csl.styles import clear_styles
from sinosoviet_cli.csl.titlecase import chicago_lowercase, title_case
from sinosoviet_cli.errors import SinosovietError


class CiteprocError(SinosovietError):
    """The installed citeproc-py lacks what sinosoviet's fixes replace."""


@dataclass(frozen=True, slots=True)
class Patch:
    """One replaced attribute of a citeproc-py class: ``owner`` is ``module.Class``
    under ``citeproc`` ("model.Name"), ``new`` the replacement, or (``wraps``) a
    function of the original returning it; ``name`` keys ``_originals``."""

    name: str
    owner: str
    attr: str
    new: Any
    wraps: bool = False


@dataclass
class _Memo:
    """Everything the patches remember while rendering, in one place.

    Keys are style elements (lxml proxies), never entries, so the sizes are bounded by
    the styles loaded. The dicts hold the proxies strongly on purpose: lxml then hands
    back the same proxy for the same node, and citeproc-py keeps per-render state
    (``layout.repressed``) as attributes on them. ``recording`` and
    ``last_delimiter`` are stacks used during one render (W7, W19)."""

    xpath: dict[tuple[Any, str], Any] = field(default_factory=dict)
    find: dict[tuple[Any, str], Any] = field(default_factory=dict)
    calls: dict[Any, bool] = field(default_factory=dict)
    children: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    branches: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    formatted: dict[Any, bool] = field(default_factory=dict)
    roots: dict[Any, Any] = field(default_factory=dict)
    text_kinds: dict[Any, tuple[str, Any]] = field(default_factory=dict)
    stop_words: dict[Any, frozenset[str]] = field(default_factory=dict)
    recording: list[set[tuple[str, str]]] = field(default_factory=list)
    last_delimiter: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for value in vars(self).values():
            value.clear()

    def sizes(self) -> dict[str, int]:
        return {k: len(v) for k, v in vars(self).items()}


_memo = _Memo()
# Hot paths read the memo's dicts through these names (the same objects; ``clear``
# empties them in place).
_xpath_memo, _calls_memo, _children_memo = _memo.xpath, _memo.calls, _memo.children
_find_memo = _memo.find
_formatted_memo, _roots_memo = _memo.formatted, _memo.roots
_text_kinds_memo, _branches_memo = _memo.text_kinds, _memo.branches
_recording, _last_delimiter = _memo.recording, _memo.last_delimiter
_patch_lock = threading.Lock()
_patched = False
_originals: dict[str, Any] = {}
_classes: dict[str, Any] = {}
# Set by patch_citeproc (hot paths avoid import statements).
_VariableError: Any = Exception
_join: Any = None


def memo_sizes() -> dict[str, int]:
    """How many entries each memo holds (tests check they do not grow with entries)."""
    return _memo.sizes()


def _owner(path: str) -> Any:
    import importlib

    module, _, cls = path.rpartition(".")
    return getattr(importlib.import_module(f"citeproc.{module}"), cls, None)


def check_citeproc(patches: Sequence[Patch] | None = None) -> None:
    """Fail fast, naming the installed version, when citeproc-py lacks an attribute
    a patch replaces (another release would be patched wrongly, not just slowly)."""
    from sinosoviet_cli.csl.cache import package_version  # not importlib.metadata: ~10 ms

    installed = package_version("citeproc-py", "citeproc")
    installed = "unknown" if installed == "none" else installed
    for patch in PATCHES if patches is None else patches:
        owner = _owner(patch.owner)
        if owner is None or not hasattr(owner, patch.attr):
            raise CiteprocError(
                f"citeproc-py {installed} has no {patch.owner}.{patch.attr}, which "
                "sinosoviet's fixes replace",
                fix=f"install a supported release: pip install '{SUPPORTED}'")


def _install(values: Mapping[str, Any]) -> None:
    """Set every patched attribute to ``values[patch.name]`` (the one walk of the
    table, used to apply and to undo)."""
    for patch in PATCHES:
        setattr(_owner(patch.owner), patch.attr, values[patch.name])


def patch_citeproc() -> None:
    """Apply ``PATCHES`` once per process (idempotent), after ``check_citeproc``.
    They change citeproc-py only where the package docstring names a gap."""
    global _patched, _VariableError, _join
    with _patch_lock:
        if _patched:
            return
        check_citeproc()
        import citeproc
        from citeproc import model
        from citeproc.source import VariableError
        from citeproc.string import String, join

        _VariableError, _join = VariableError, join
        # CSL 1.0.2's compiler name variable (Chicago 18 prints "comp."): citeproc-py
        # 0.11 reads it as a plain string unless it is listed among the names.
        for listed in (citeproc.NAMES, citeproc.VARIABLES):
            if "compiler" not in listed:
                listed.append("compiler")
        _classes.update(Choose=model.Choose, Else=model.Else, Locale=model.Locale,
                        Names=model.Names, String=String, Text=model.Text)
        _originals.update({p.name: getattr(_owner(p.owner), p.attr) for p in PATCHES})
        _install({p.name: p.new(_originals[p.name]) if p.wraps else p.new for p in PATCHES})
        _patched = True


def _xpath_search(self: Any, expression: str) -> Any:
    # Speed: the style tree is fixed while rendering, so every (element, expression)
    # query has one answer. Keys hold the element proxies, so they stay alive and
    # lxml returns the same proxy object for the same node.
    key = (self, expression)
    found = _xpath_memo.get(key)
    if found is None:
        found = self.xpath(expression, namespaces=self.nsmap)
        _xpath_memo[key] = found
    return found


def _find_child(self: Any, name: str) -> Any:
    # Speed: ``element.layout``, ``style.root.bibliography`` and the like are lxml
    # ``find`` calls (~20 µs each, ~18 an entry); the tree is fixed, so one answer
    # per (element, name), held like ``_xpath_search``'s.
    key = (self, name)
    try:
        return _find_memo[key]
    except KeyError:
        found = _find_memo[key] = self.find("cs:" + name, self.nsmap)
        return found


def _item_reference(self: Any) -> Any:
    # Speed: `item.reference` walks three properties and two dict subclasses and is
    # read ~500 times per entry; a cite's reference never changes, so keep it.
    found = dict.get(self, "_sinosoviet_reference")
    if found is None:
        found = self.citation.bibliography.source[self.key]
        dict.__setitem__(self, "_sinosoviet_reference", found)
    return found


# Speed: the style tree is fixed while rendering, so children lists, condition specs
# and "has formatting" flags are computed once per element (in ``_memo``).
_FORMAT_ATTRS = ("font-style", "font-variant", "font-weight", "text-decoration",
                 "vertical-align")


def _children(element: Any) -> tuple[Any, ...]:
    found = _children_memo.get(element)
    if found is None:
        found = _children_memo[element] = tuple(element.iterchildren())
    return found


def _render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
    # Same as citeproc-py's Parent.render_children, over cached children.
    output = []
    for child in _children(self):
        try:
            if isinstance(child, _classes["Choose"]):
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
            if text is not None:
                output.append(text)
        except _VariableError:
            pass
    return _join(output, delimiter) if output else None


def _group_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # citeproc-py's Group.process over cached children, but (W20) a macro that prints
    # something counts as a rendered variable, as citeproc-js and pandoc count it:
    # GB/T 7714's [M]/[J]/[C] type marks are a macro of text values grouped with an
    # empty medium variable, and were suppressed.
    output = []
    variable_called = variable_rendered = False
    delimiter = self.get("delimiter", "")
    for child in _children(self):
        calls = child.calls_variable()
        variable_called = variable_called or calls
        try:
            if isinstance(child, _classes["Choose"]):
                text = child.render(item, context=context, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
            if text is not None:
                output.append(text)
                variable_rendered = variable_rendered or calls or (
                    isinstance(child, _classes["Text"]) and child.get("macro") is not None)
        except _VariableError:
            pass
    if output and (not variable_called or variable_rendered):
        return self.join(output)
    raise _VariableError


def _branches(choose: Any) -> tuple[Any, ...]:
    """``(element, is_else, match, tests)`` per branch of a cs:choose."""
    found = _branches_memo.get(choose)
    if found is None:

        branches: list[tuple[Any, bool, str, tuple[tuple[str, tuple[str, ...]], ...]]] = []
        for child in _children(choose):
            if isinstance(child, _classes["Else"]):
                branches.append((child, True, "all", ()))
                continue
            tests = tuple((name, _test_values(name, child.get(name)))
                          for name in ("type", "variable", "is-numeric", "is-uncertain-date",
                                       "locator", "position", "disambiguate")
                          if child.get(name) is not None)
            branches.append((child, False, child.get("match", "all"), tests))
        found = _branches_memo[choose] = tuple(branches)
    return found


def _test_values(name: str, value: str) -> tuple[str, ...]:
    words = value.split()
    if name == "type":
        return tuple(w.lower() for w in words)
    if name == "variable":  # CSL names to citeproc-py's attribute names
        return tuple(w if w == "locator" else w.replace("-", "_") for w in words)
    return tuple(words)


def _choose_render(self: Any, item: Any, context: Any = None, delimiter: str = "",
                   **kwargs: Any) -> Any:
    # Speed: conditions are evaluated from cached specs without raising an exception
    # per failed branch. W5 lives here: `disambiguate="true"` is never true.
    for branch, is_else, match, tests in _branches(self):
        if is_else or _matches(branch, item, context, match, tests):
            return branch.render_children(item, context=context, delimiter=delimiter, **kwargs)
    return None


def _matches(branch: Any, item: Any, context: Any, match: str,
             tests: tuple[tuple[str, tuple[str, ...]], ...]) -> bool:
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
            results += _position(branch, item, context)
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


def _text_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # Speed: what a cs:text renders (variable, macro, term, value) and its macro are
    # looked up once per element; otherwise as citeproc-py's Text.process.
    if context is None:
        context = self
    kind: tuple[str, Any] | None = _text_kinds_memo.get(self)
    if kind is None:
        if self.get("variable") is not None:
            kind = ("variable", None)
        elif self.get("macro") is not None:
            kind = ("macro", self.get_macro(self.get("macro")))
        elif self.get("term") is not None:
            kind = ("term", None)
        else:
            kind = ("value", self.get("value"))
        _text_kinds_memo[self] = kind
    language = dict.get(item.reference, "language")
    language = (language or self.get_root().get("default-locale", "en"))[:2]
    what, extra = kind
    if what == "variable":
        text = self._variable(item, context)
    elif what == "macro":
        text = extra.render(item, context) if extra is not None else None
    elif what == "term":
        text = self._term(item)
    else:
        text = _classes["String"](self.preformat(extra)) if extra is not None else None
    return text, language


def _quote(self: Any, string: Any) -> Any:
    # Speed: citeproc-py looks up punctuation-in-quote here and never uses it (W4).
    if self.get("quotes", "false").lower() == "true":
        return (self.get_single_term(name="open-quote") + string
                + self.get_single_term(name="close-quote"))
    return string


def _title_stop_words(element: Any) -> frozenset[str]:
    """CSL's stop words, plus CMOS's prepositions for a Chicago style (title-case.toml)."""
    root = _get_root_style(element)
    found = _memo.stop_words.get(root)
    if found is None:
        words = set(element._stop_words)
        titles = root.xpath_search("./cs:info/cs:title")
        if titles and "chicago" in (titles[0].text or "").lower():
            words.update(chicago_lowercase())
        found = _memo.stop_words[root] = frozenset(words)
    return found


def _get_root_style(element: Any) -> Any:
    root = element.get_root()
    return root.style if isinstance(root, _classes["Locale"]) else root


def _case(self: Any, text: Any, language: Any = None) -> Any:
    # W18 (``titlecase``): English title case as CSL, pandoc and Chicago print it.
    if self.get("text-case") != "title" or language != "en":
        return _originals["case"](self, text, language)
    return title_case(list(text.words()), _title_stop_words(self))


def _format(self: Any, string: Any) -> Any:
    # Speed: most elements carry no font attributes; skip the five formatter calls.
    has = _formatted_memo.get(self)
    if has is None:
        has = _formatted_memo[self] = any(self.get(a) is not None for a in _FORMAT_ATTRS)
    if not has:
        return str(string) if isinstance(string, int | float) else string
    return _originals["format"](self, string)


def _get_formatter(self: Any) -> Any:
    root = _roots_memo.get(self)
    if root is None:
        root = self.get_root()
        root = _roots_memo[self] = root.style if isinstance(root, _classes["Locale"]) else root
    return root.formatter


def _label_process(self: Any, item: Any, variable: Any = None, plural: Any = None,
                   context: Any = None, **kwargs: Any) -> Any:
    # W14: a cs:label prints nothing when its variable is empty ("Edition." otherwise).
    if variable is None:
        own = self.get("variable", "")
        present = ("locator" in item) if own == "locator" else (
            own.replace("-", "_") in item.reference)
        if not present:
            return None
        if own.startswith("number-of-") and plural is None:
            # citeproc-py reads this count from the cite, not the reference.
            count = str(item.reference[own.replace("-", "_")])
            plural = count.isdigit() and int(count) > 1
    return _originals["label_process"](self, item, variable=variable, plural=plural,
                                       context=context, **kwargs)


def _memo_calls(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def calls_variable(self: Any) -> bool:
        found = _calls_memo.get(self)
        if found is None:
            found = _calls_memo[self] = bool(original(self))
        return found

    return calls_variable


def _name_get_option(self: Any, name: str, context: Any = None,
                     sort_options: Any = None) -> Any:
    # W1: initialize="false" means given names are printed in full.
    if name == "initialize-with" and self.get("initialize", "true").lower() == "false":
        return None
    if name == "delimiter-precedes-last" and _last_delimiter:
        return _last_delimiter[-1]
    return _originals["name_option"](self, name, context, sort_options)


def _name_process(self: Any, item: Any, variable: Any, context: Any = None,
                  sort_options: Any = None, **kwargs: Any) -> Any:
    # W19: the comma before "and" follows an inverted name ("Smith, John, and Jane
    # Doe"); a literal name ("李英明") is never inverted, so two names read "李英明 and
    # 關向光" ("always" keeps the serial comma of three or more names). citeproc-py
    # also ignores "after-inverted-name"; it is decided here from the name before last.
    option = _originals["name_option"](self, "delimiter-precedes-last", context, sort_options)
    names = item.reference.get(variable, [])
    if option not in ("always", "after-inverted-name") or len(names) < 2:
        return _originals["name_process"](self, item, variable, context=context,
                                          sort_options=sort_options, **kwargs)
    order = self.get_option("name-as-sort-order", context, sort_options)
    form = self.get_option("form", context, sort_options)
    before_last = len(names) - 2
    inverted = (form == "long" and names[before_last].parts()[0] is not None
                and (order == "all" or (order == "first" and before_last == 0)))
    if option == "always":
        chosen = "always" if inverted or len(names) > 2 else "never"
    else:
        chosen = "always" if inverted else "never"
    _last_delimiter.append(chosen)
    try:
        return _originals["name_process"](self, item, variable, context=context,
                                          sort_options=sort_options, **kwargs)
    finally:
        _last_delimiter.pop()


#: What each position satisfies (CSL 1.0.2: ibid-with-locator implies ibid, and ibid
#: and near-note imply subsequent).
_POSITIONS = {
    "first": {"first"},
    "subsequent": {"subsequent"},
    "near-note": {"subsequent", "near-note"},
    "ibid": {"subsequent", "near-note", "ibid"},
    "ibid-with-locator": {"subsequent", "near-note", "ibid", "ibid-with-locator"},
}


def _position(self: Any, item: Any, context: Any) -> list[bool]:
    # W3: positions are decided by `notes_positions`, stored on the item.
    if "sinosoviet_position" not in item:
        return list(_originals["position"](self, item, context))
    holds = _POSITIONS[item["sinosoviet_position"]]
    return [p in holds for p in self.get("position").split()]


def _substitute_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # W7: shorthand cs:names take the enclosing cs:names' name and label; the
    # variables the chosen substitute rendered (through macros too) are recorded and
    # suppressed in the rest of the entry. W15: the elements of a cs:choose branch
    # are candidates one by one, not one block.
    parent = self.xpath_search("./parent::cs:names[1]")
    for child in _candidates(_children(self), item, context):
        _recording.append(set())
        try:
            if isinstance(child, _classes["Names"]) and parent and child.name is None:
                text = child.render(item, names_context=parent[0], context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except _VariableError:
            continue
        finally:
            used = _recording.pop()
        if text:
            layout = (context if context is not None else self).get_layout()
            for tag, variable in used:
                layout.repressed.setdefault(tag, []).append(variable)
            if _recording:
                _recording[-1].update(used)
            return text
    return None


def _candidates(children: Iterable[Any], item: Any, context: Any) -> Iterator[Any]:
    for child in children:
        if isinstance(child, _classes["Choose"]):
            for branch, is_else, match, tests in _branches(child):
                if is_else or _matches(branch, item, context, match, tests):
                    yield from _candidates(_children(branch), item, context)
                    break
        else:
            yield child


def _names_process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                   **kwargs: Any) -> Any:

    if names_context is not None and self.name is not None:
        names_context = self  # its own cs:name wins over an inherited one
    layout = (context if context is not None else self).get_layout()
    suppressed = getattr(layout, "repressed", {}).get(self.tag, ())
    roles = self.get("variable", "").split()
    kept = [r for r in roles if r not in suppressed]
    if suppressed and roles and not kept:
        raise _VariableError
    if len(kept) != len(roles):
        self.set("variable", " ".join(kept))  # render the rest only, then restore
    try:
        text = _originals["names_process"](self, item, names_context=names_context,
                                           context=context, **kwargs)
    finally:
        if len(kept) != len(roles):
            self.set("variable", " ".join(roles))
    if text and _recording:
        _recording[-1].update((self.tag, r) for r in kept
                                   if r.replace("-", "_") in item.reference)
    return text


def _text_variable(self: Any, item: Any, context: Any) -> Any:
    # W16: a page locator follows the style's page-range-format, as `page` does.
    if (self.get("variable") == "locator" and "locator" in item
            and item.locator.label == "page"):
        text = self._process(str(item.locator.identifier), "page")
    else:
        text = _originals["text_variable"](self, item, context)
    if text is not None and _recording:
        _recording[-1].add((self.tag, self.get("variable")))
    return text


#: The supported citeproc-py releases (pyproject.toml pins the same range).
SUPPORTED = "citeproc-py>=0.11,<0.12"

#: Every citeproc-py attribute sinosoviet replaces, and why (W<n>: package docstring).
PATCHES: tuple[Patch, ...] = (
    Patch("xpath_search", "model.CitationStylesElement", "xpath_search", _xpath_search),
    Patch("find_child", "model.SomewhatObjectifiedElement", "__getattr__", _find_child),
    Patch("parent_calls", "model.Parent", "calls_variable", _memo_calls, wraps=True),
    Patch("text_calls", "model.Text", "calls_variable", _memo_calls, wraps=True),
    Patch("name_option", "model.Name", "get_option", _name_get_option),  # W1, W19
    Patch("position", "model.If", "_position", _position),  # W3
    Patch("substitute", "model.Substitute", "render", _substitute_render),  # W7, W15
    Patch("names_process", "model.Names", "process", _names_process),  # W7
    Patch("text_variable", "model.Text", "_variable", _text_variable),  # W7, W16
    Patch("reference", "source.CitationItem", "reference", property(_item_reference)),
    Patch("choose_render", "model.Choose", "render", _choose_render),  # W5
    Patch("render_children", "model.Parent", "render_children", _render_children),
    Patch("group_process", "model.Group", "process", _group_process),
    Patch("format", "model.Formatted", "format", _format),
    Patch("get_formatter", "model.CitationStylesElement", "get_formatter", _get_formatter),
    Patch("label_process", "model.Label", "process", _label_process),  # W14
    Patch("text_process", "model.Text", "process", _text_process),
    Patch("quote", "model.Quoted", "quote", _quote),
    Patch("case", "model.TextCased", "case", _case),  # W18
    Patch("name_process", "model.Name", "process", _name_process),  # W19
)


@contextmanager
def unpatched() -> Iterator[None]:
    """Temporarily restore citeproc-py's own functions (tests compare with them);
    styles and memos are dropped on the way in and out, as each side keeps its own."""
    patch_citeproc()
    saved = {p.name: getattr(_owner(p.owner), p.attr) for p in PATCHES}
    try:
        _install(_originals)
        clear_styles()
        _memo.clear()
        yield
    finally:
        _install(saved)
        clear_styles()
        _memo.clear()
