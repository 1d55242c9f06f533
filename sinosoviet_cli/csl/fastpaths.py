"""citeproc-py's hot methods, replaced for speed only (``patches.PATCHES`` lists them),
and the memo every replacement keeps.

The style tree never changes while rendering (citeproc-py sets no attribute on it),
so what an element's attributes decide is looked up once per element: xpath
queries, ``calls_variable``, children, affixes, what a cs:text renders and how it is
marked up, and (``conditions``) how a cs:choose picks its branch. Each replacement
returns what citeproc-py's own method (with ``patches``' fixes) returns:
``tests/test_render_speed_identity.py`` compares them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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
    branches: dict[Any, Any] = field(default_factory=dict)  # conditions._Choice
    formatted: dict[Any, bool] = field(default_factory=dict)
    roots: dict[Any, Any] = field(default_factory=dict)
    text_kinds: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    affixes: dict[Any, tuple[str, str]] = field(default_factory=dict)
    plans: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    groups: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    options: dict[tuple[Any, str, Any], Any] = field(default_factory=dict)
    terms: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    term_texts: dict[tuple[Any, Any, str], Any] = field(default_factory=dict)
    variables: dict[Any, tuple[str, str | None, str | None]] = field(default_factory=dict)
    layouts: dict[Any, Any] = field(default_factory=dict)
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
_find_memo, _affix_memo, _plan_memo = _memo.find, _memo.affixes, _memo.plans
_group_memo, _option_memo = _memo.groups, _memo.options
_term_memo, _term_text_memo = _memo.terms, _memo.term_texts
_variable_memo, _layout_memo = _memo.variables, _memo.layouts
_formatted_memo, _roots_memo = _memo.formatted, _memo.roots
_text_kinds_memo, _branches_memo = _memo.text_kinds, _memo.branches
#: citeproc-py's classes and original attributes (filled by ``patches.patch_citeproc``).
_classes: dict[str, Any] = {}
_originals: dict[str, Any] = {}
# Bound by ``bind`` (hot paths avoid import statements and dict look-ups).
_VariableError: Any = Exception
_join: Any = None
_String: Any = str
_UNCHANGED: frozenset[type] = frozenset((str,))
_MixedString: Any = list
_strip_first_char: Any = None
_Choose: Any = None
_Text: Any = None


def bind() -> None:
    """Read citeproc-py's names the hot paths use (after ``_classes`` is filled)."""
    global _VariableError, _join, _String, _Choose, _Text, _UNCHANGED, _MixedString
    global _strip_first_char
    from citeproc import string
    from citeproc.source import VariableError
    from citeproc.string import MixedString, String, join

    _VariableError, _join, _MixedString = VariableError, join, MixedString
    _strip_first_char = string._strip_first_char
    _String, _Choose, _Text = String, _classes["Choose"], _classes["Text"]
    _UNCHANGED = frozenset((str, String, MixedString))


def xpath_search(self: Any, expression: str) -> Any:
    # The style tree is fixed while rendering, so every (element, expression) query
    # has one answer. Keys hold the element proxies, so they stay alive and lxml
    # returns the same proxy object for the same node.
    key = (self, expression)
    found = _xpath_memo.get(key)
    if found is None:
        found = self.xpath(expression, namespaces=self.nsmap)
        _xpath_memo[key] = found
    return found


def find_child(self: Any, name: str) -> Any:
    # ``element.layout``, ``style.root.bibliography`` and the like are lxml ``find``
    # calls (~20 µs each, ~18 an entry); one answer per (element, name).
    key = (self, name)
    try:
        return _find_memo[key]
    except KeyError:
        found = _find_memo[key] = self.find("cs:" + name, self.nsmap)
        return found


def item_reference(self: Any) -> Any:
    # `item.reference` walks three properties and two dict subclasses and is read
    # ~500 times per entry; a cite's reference never changes, so keep it.
    found = dict.get(self, "_sinosoviet_reference")
    if found is None:
        found = self.citation.bibliography.source[self.key]
        dict.__setitem__(self, "_sinosoviet_reference", found)
    return found


def children(element: Any) -> tuple[Any, ...]:
    found = _children_memo.get(element)
    if found is None:
        found = _children_memo[element] = tuple(element.iterchildren())
    return found


def _child_plan(element: Any) -> tuple[tuple[Any, bool], ...]:
    """``(child, is cs:choose)`` per child."""
    found = _plan_memo.get(element)
    if found is None:
        found = _plan_memo[element] = tuple(
            (child, isinstance(child, _Choose)) for child in children(element))
    return found


def _group_plan(group: Any) -> tuple[tuple[Any, bool, bool, bool], ...]:
    """``(child, is cs:choose, calls a variable, is a cs:text macro call)`` per child
    of a cs:group."""
    found = _group_memo.get(group)
    if found is None:
        found = _group_memo[group] = tuple(
            (child, is_choose, bool(child.calls_variable()),
             isinstance(child, _Text) and child.get("macro") is not None)
            for child, is_choose in _child_plan(group))
    return found


def render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
    # citeproc-py's Parent.render_children over the cached children.
    output = []
    for child, is_choose in _child_plan(self):
        try:
            if is_choose:
                text = child.render(item, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, **kwargs)
            if text is not None:
                output.append(text)
        except _VariableError:
            pass
    return _join(output, delimiter) if output else None


def group_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # citeproc-py's Group.process over the cached children, but (W20) a macro that
    # prints something counts as a rendered variable, as citeproc-js and pandoc count
    # it: GB/T 7714's [M]/[J]/[C] type marks are a macro of text values grouped with
    # an empty medium variable, and were suppressed.
    output = []
    variable_called = variable_rendered = False
    delimiter = self.get("delimiter", "")
    for child, is_choose, calls, macro in _group_plan(self):
        variable_called = variable_called or calls
        try:
            if is_choose:
                text = child.render(item, context=context, delimiter=delimiter, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
            if text is not None:
                output.append(text)
                variable_rendered = variable_rendered or calls or macro
        except _VariableError:
            pass
    if output and (not variable_called or variable_rendered):
        return self.join(output)
    raise _VariableError


# ── cs:text and mark-up ──────────────────────────────────────────────────────

def _text_kind(self: Any) -> tuple[Any, ...]:
    """What a cs:text renders (variable, macro, term, value) and how it is marked up:
    ``(what, extra, strip_periods, text_case, formatted, quoted)``."""
    kind: tuple[Any, ...] | None = _text_kinds_memo.get(self)
    if kind is None:
        if self.get("variable") is not None:
            what, extra = "variable", None
        elif self.get("macro") is not None:
            what, extra = "macro", self.get_macro(self.get("macro"))
        elif self.get("term") is not None:
            what, extra = "term", None
        else:
            what, extra = "value", self.get("value")
        kind = _text_kinds_memo[self] = (
            what, extra, self.get("strip-periods", "false").lower() == "true",
            self.get("text-case") is not None, _has_format(self),
            self.get("quotes", "false").lower() == "true")
    return kind


def text_process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # citeproc-py's Text.process with what the element renders looked up once.
    if context is None:
        context = self
    kind = _text_kinds_memo.get(self) or _text_kind(self)
    what, extra = kind[0], kind[1]
    reference = dict.get(item, "_sinosoviet_reference") or item.reference
    language = dict.get(reference, "language")
    language = (language or self.get_root().get("default-locale", "en"))[:2]
    if what == "variable":
        text = self._variable(item, context)
    elif what == "macro":
        text = extra.render(item, context) if extra is not None else None
    elif what == "term":
        text = self._term(item)
    else:
        text = _String(self.preformat(extra)) if extra is not None else None
    return text, language


def text_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    # citeproc-py's Text.render (process, then markup) in one call, with the element's
    # kind and mark-up steps decided once: a step its attributes leave out is not
    # called, and the item's language is read only for text-case.
    what, extra, strip, cased, formatted, quoted = (
        _text_kinds_memo.get(self) or _text_kind(self))
    if context is None:
        context = self
    if what == "variable":
        text = self._variable(item, context)
    elif what == "macro":  # Macro.render, which passes no sort options
        text = (extra.render_children(item, context=context, sort_options=None)
                if extra is not None else None)
    elif what == "term":
        text = self._term(item)
    else:
        text = _String(self.preformat(extra)) if extra is not None else None
    if not text:
        return None
    if strip:
        text = text.replace(".", "")
    if cased:
        reference = dict.get(item, "_sinosoviet_reference") or item.reference
        language = dict.get(reference, "language")
        language = (language or self.get_root().get("default-locale", "en"))[:2]
        text = self.case(text, language)
    if formatted:
        text = _originals["format"](self, text)
    elif isinstance(text, int | float):
        text = str(text)
    if quoted:
        text = self.quote(text)
    return wrap(self, text)


def text_variable(self: Any, item: Any, context: Any) -> Any:
    """citeproc-py's ``Text._variable`` with the element's variable names read once."""
    spec = _variable_memo.get(self)
    if spec is None:
        variable = self.get("variable")
        short = variable + "-short" if self.get("form") == "short" else None
        spec = _variable_memo[self] = (variable, short,
                                       short.replace("-", "_") if short else None)
    variable, short, short_key = spec
    repressed = context.get_layout().repressed
    tag = self.tag
    if tag in repressed and variable in repressed[tag]:
        return None
    reference = dict.get(item, "_sinosoviet_reference") or item.reference
    if short is not None and short_key in reference:
        variable = short
    if variable.startswith("page"):
        return self._process(reference.page, variable)
    if variable == "citation-number":
        return item.number
    if variable == "locator":
        en_dash = self.unicode_character("EN DASH")
        return str(item.locator.identifier).replace("-", en_dash)
    return reference[variable.replace("-", "_")]


def wrap(self: Any, string: Any) -> Any:
    # citeproc-py's Affixed.wrap with the affixes read once; no affix, no seams.
    if string is None:
        return None
    affixes = _affix_memo.get(self)
    if affixes is None:
        affixes = _affix_memo[self] = (self.get("prefix", ""), self.get("suffix", ""))
    prefix, suffix = affixes
    if not prefix and not suffix and type(string) in _UNCHANGED:
        return string  # what '' + string + '' gives (a TagWrapper would become str)
    string = normalize_seam(prefix, string)
    text = prefix + string
    return text + normalize_seam(text, suffix)


_SEAM_MARKS = frozenset(".,;:!?")  # citeproc.string.SEAM_PUNCTUATION


def normalize_seam(left: Any, other: Any) -> Any:
    """citeproc-py's ``normalize_seam`` (no double space or doubled mark where
    ``other`` is appended to ``left``), reading only the characters at the seam: its
    ``str()`` of a ``MixedString`` joins every segment, at every join."""
    last = _edge(left, True)
    if not last:
        return other
    first = _edge(other, False)
    if not first:
        return other
    if (last == " " and first == " ") or (last == first and first in _SEAM_MARKS):
        return _strip_first_char(other)
    return other


def _edge(value: Any, last: bool) -> str:
    """The last (or first) character of ``str(value)``, "" if it is empty."""
    if type(value) is _MixedString:
        for segment in (reversed(value) if last else value):
            found = _edge(segment, last)
            if found:
                return found
        return ""
    text = str(value)
    return text[-1:] if last else text[:1]


def quote(self: Any, string: Any) -> Any:
    # citeproc-py looks up punctuation-in-quote here and never uses it (W4).
    if self.get("quotes", "false").lower() == "true":
        return (self.get_single_term(name="open-quote") + string
                + self.get_single_term(name="close-quote"))
    return string


_FORMAT_ATTRS = ("font-style", "font-variant", "font-weight", "text-decoration",
                 "vertical-align")


def _has_format(self: Any) -> bool:
    has = _formatted_memo.get(self)
    if has is None:
        has = _formatted_memo[self] = any(self.get(a) is not None for a in _FORMAT_ATTRS)
    return has


def format_(self: Any, string: Any) -> Any:
    # Most elements carry no font attributes; skip the five formatter calls.
    if not _has_format(self):
        return str(string) if isinstance(string, int | float) else string
    return _originals["format"](self, string)


def get_formatter(self: Any) -> Any:
    root = _roots_memo.get(self)
    if root is None:
        root = self.get_root()
        root = _roots_memo[self] = root.style if isinstance(root, _classes["Locale"]) else root
    return root.formatter


def no_names(names: Any, item: Any, roles: list[str]) -> bool:
    """Whether citeproc-py's ``Names.process`` would only raise ``VariableError``: none
    of ``roles`` is in the reference and there is no cs:substitute (about 13 cs:names
    an entry, each through two exceptions)."""
    reference = item.reference
    for role in roles:
        if role in reference:
            return False
    return names.substitute() is None


def group_render(self: Any, item: Any, *args: Any, **kwargs: Any) -> Any:
    # citeproc-py's render (process, then markup) for a cs:group or cs:names, whose
    # markup is wrap(format(text)), in one call.
    text = self.process(item, *args, **kwargs)
    return wrap(self, format_(self, text)) if text else None


def get_layout(self: Any) -> Any:
    # The cs:layout an element is in, one answer per element.
    found = _layout_memo.get(self)
    if found is None:
        found = _layout_memo[self] = self.xpath_search("./ancestor-or-self::cs:layout[1]")[0]
    return found


def name_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
    """citeproc-py's ``Name.get_option``, which reads only the style: one answer per
    (cs:name, option, context) unless sort options override it."""
    if sort_options is not None:
        return _originals["name_option"](self, name, context, sort_options)
    key = (self, name, context)
    try:
        return _option_memo[key]
    except KeyError:
        found = _option_memo[key] = _originals["name_option"](self, name, context, None)
        return found


def memo_term(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_term(self: Any, name: str, form: Any = None, fallback_locale: bool = True,
                 zero_padded: bool = False) -> Any:
        # A term is found in the style's locales, which are fixed once it is loaded.
        key = (self, name, form, fallback_locale, zero_padded)
        try:
            return _term_memo[key]
        except KeyError:
            found = _term_memo[key] = original(self, name, form, fallback_locale, zero_padded)
            return found

    return get_term


def _term_text(original: Any, attr: str) -> Any:
    def text(self: Any) -> Any:
        # A term's text, preformatted for the output format (escaped in HTML).
        key = (self, self.get_formatter().preformat, attr)
        try:
            return _term_text_memo[key]
        except KeyError:
            found = _term_text_memo[key] = original.fget(self)
            return found

    return property(text)


def term_single(original: Any) -> Any:
    return _term_text(original, "single")


def term_multiple(original: Any) -> Any:
    return _term_text(original, "multiple")


def memo_calls(original: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def calls_variable(self: Any) -> bool:
        found = _calls_memo.get(self)
        if found is None:
            found = _calls_memo[self] = bool(original(self))
        return found

    return calls_variable
