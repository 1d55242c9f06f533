"""Every change sinosoviet makes to citeproc-py, in one table (``PATCHES``).

citeproc-py builds each style's tree with an lxml namespace class lookup made inside
``CitationStylesXML.__init__`` from ``CitationStylesElement.__subclasses__()``, and
parses locale files through a second class the same way; several fixes sit on mixins
(``Parent``, ``Formatted``) and on ``CitationItem``. Subclasses would mean replacing
both constructors, so the fixes stay attribute replacements: one ``Patch`` row per
replaced attribute, applied once by ``patch_citeproc`` (after ``check_citeproc``
confirms the installed release has every attribute), undone by ``unpatched`` (tests
compare with stock), and all memo state in one ``_Memo`` (``fastpaths``).

Speed: the replacements that change nothing but speed live in ``fastpaths`` (the
style tree never changes while rendering, so what its elements' attributes decide is
looked up once); this table lists them with the fixes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sinosoviet_cli.csl import conditions, fastpaths
from sinosoviet_cli.csl.fastpaths import children as _children
from sinosoviet_cli.csl.styles import clear_styles
from sinosoviet_cli.csl.titlecase import chicago_lowercase, title_case
from sinosoviet_cli.errors import SinosovietError


class CiteprocError(SinosovietError):
    """The installed citeproc-py lacks what sinosoviet's fixes replace."""


@dataclass(frozen=True, slots=True)
class Patch:
    """One replaced attribute of a citeproc-py class: ``owner`` is ``module.Class``
    under ``citeproc`` ("model.Name"), ``new`` the replacement, or (``wraps``) a
    function of the original returning it; ``name`` keys ``_originals``. ``speed``:
    the row changes nothing but speed (tests render with and without such rows)."""

    name: str
    owner: str
    attr: str
    new: Any
    wraps: bool = False
    speed: bool = False


_memo = fastpaths._memo
_recording, _last_delimiter = _memo.recording, _memo.last_delimiter
_classes, _originals = fastpaths._classes, fastpaths._originals
_patch_lock = threading.Lock()
_patched = False
# Set by patch_citeproc (hot paths avoid import statements).
_VariableError: Any = Exception


def memo_sizes() -> dict[str, int]:
    """How many entries each memo holds (tests check they do not grow with entries)."""
    return _memo.sizes()


def _owner(path: str) -> Any:
    import importlib

    module, _, cls = path.rpartition(".")
    if not module:  # a module's function ("string": citeproc.string)
        return importlib.import_module(f"citeproc.{path}")
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
    global _patched, _VariableError
    with _patch_lock:
        if _patched:
            return
        check_citeproc()
        import citeproc
        from citeproc import model
        from citeproc.source import VariableError
        from citeproc.string import String

        _VariableError = VariableError
        # CSL 1.0.2's compiler name variable (Chicago 18 prints "comp."): citeproc-py
        # 0.11 reads it as a plain string unless it is listed among the names.
        for listed in (citeproc.NAMES, citeproc.VARIABLES):
            if "compiler" not in listed:
                listed.append("compiler")
        _classes.update(Choose=model.Choose, Else=model.Else, Locale=model.Locale,
                        Names=model.Names, String=String, Text=model.Text)
        _originals.update({p.name: getattr(_owner(p.owner), p.attr) for p in PATCHES})
        fastpaths.bind()
        _install({p.name: p.new(_originals[p.name]) if p.wraps else p.new for p in PATCHES})
        _patched = True


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


def _name_get_option(self: Any, name: str, context: Any = None,
                     sort_options: Any = None) -> Any:
    # W1: initialize="false" means given names are printed in full.
    if name == "initialize-with" and self.get("initialize", "true").lower() == "false":
        return None
    if name == "delimiter-precedes-last" and _last_delimiter:
        return _last_delimiter[-1]
    return fastpaths.name_option(self, name, context, sort_options)


def _name_process(self: Any, item: Any, variable: Any, context: Any = None,
                  sort_options: Any = None, **kwargs: Any) -> Any:
    # W19: the comma before "and" follows an inverted name ("Smith, John, and Jane
    # Doe"); a literal name ("李英明") is never inverted, so two names read "李英明 and
    # 關向光" ("always" keeps the serial comma of three or more names). citeproc-py
    # also ignores "after-inverted-name"; it is decided here from the name before last.
    option = fastpaths.name_option(self, "delimiter-precedes-last", context, sort_options)
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
            branch = conditions.chosen(child, item, context)
            if branch is not None:
                yield from _candidates(_children(branch), item, context)
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
    if kept and fastpaths.no_names(self, item, kept):
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
        text = fastpaths.text_variable(self, item, context)
    if text is not None and _recording:
        _recording[-1].add((self.tag, self.get("variable")))
    return text


#: The supported citeproc-py releases (pyproject.toml pins the same range).
SUPPORTED = "citeproc-py>=0.11,<0.12"

#: Every citeproc-py attribute sinosoviet replaces, and why (W<n>: package docstring).
PATCHES: tuple[Patch, ...] = (
    # Fixes (W<n>: the package docstring), some also memoised for speed.
    Patch("name_option", "model.Name", "get_option", _name_get_option),  # W1, W19
    Patch("position", "model.If", "_position", _position),  # W3
    Patch("substitute", "model.Substitute", "render", _substitute_render),  # W7, W15
    Patch("names_process", "model.Names", "process", _names_process),  # W7
    Patch("text_variable", "model.Text", "_variable", _text_variable),  # W7, W16
    Patch("choose_render", "model.Choose", "render", conditions.choose_render),  # W5
    Patch("group_process", "model.Group", "process", fastpaths.group_process),  # W20
    Patch("label_process", "model.Label", "process", _label_process),  # W14
    Patch("case", "model.TextCased", "case", _case),  # W18
    Patch("name_process", "model.Name", "process", _name_process),  # W19
    # Speed only (``fastpaths``): the same output, looked up once per style element.
    Patch("xpath_search", "model.CitationStylesElement", "xpath_search",
          fastpaths.xpath_search, speed=True),
    Patch("find_child", "model.SomewhatObjectifiedElement", "__getattr__",
          fastpaths.find_child, speed=True),
    Patch("parent_calls", "model.Parent", "calls_variable",
          fastpaths.memo_calls, wraps=True, speed=True),
    Patch("text_calls", "model.Text", "calls_variable",
          fastpaths.memo_calls, wraps=True, speed=True),
    Patch("reference", "source.CitationItem", "reference",
          property(fastpaths.item_reference), speed=True),
    Patch("render_children", "model.Parent", "render_children",
          fastpaths.render_children, speed=True),
    Patch("format", "model.Formatted", "format", fastpaths.format_, speed=True),
    Patch("get_formatter", "model.CitationStylesElement", "get_formatter",
          fastpaths.get_formatter, speed=True),
    Patch("text_process", "model.Text", "process", fastpaths.text_process, speed=True),
    Patch("text_render", "model.Text", "render", fastpaths.text_render, speed=True),
    Patch("wrap", "model.Affixed", "wrap", fastpaths.wrap, speed=True),
    Patch("quote", "model.Quoted", "quote", fastpaths.quote, speed=True),  # see W4
    Patch("group_render", "model.Group", "render", fastpaths.group_render, speed=True),
    Patch("names_render", "model.Names", "render", fastpaths.group_render, speed=True),
    Patch("get_layout", "model.CitationStylesElement", "get_layout", fastpaths.get_layout,
          speed=True),
    Patch("normalize_seam", "string", "normalize_seam", fastpaths.normalize_seam,
          speed=True),
    Patch("get_term", "model.CitationStylesElement", "get_term",
          fastpaths.memo_term, wraps=True, speed=True),
    Patch("term_single", "model.Term", "single", fastpaths.term_single, wraps=True, speed=True),
    Patch("term_multiple", "model.Term", "multiple",
          fastpaths.term_multiple, wraps=True, speed=True),
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
