"""The mutable draft of fields a grammar gathers before a Reference is built."""

from __future__ import annotations

from dataclasses import dataclass, field

from sinosoviet_cli.grammar.persons import _Names
from sinosoviet_cli.grammar.vocab import _vocab
from sinosoviet_cli.model import Person


@dataclass
class _Draft:
    """Fields gathered while reading a citation (turned into a Reference at the end)."""

    authors: list[Person] = field(default_factory=list)
    editors: list[Person] = field(default_factory=list)
    translators: list[Person] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    title: str = ""
    title_kind: str = ""  # "《", "〈", "quote", "plain", ""
    container: str = ""
    container_editors: tuple[Person, ...] = ()
    chapter: bool = False
    places: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    year: str = ""
    date: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    institution: str = ""
    thesis: str = ""  # "phdthesis" | "mastersthesis"
    eventtitle: str = ""
    report: bool = False
    url: str = ""
    note: str = ""

    def add_names(self, names: _Names, *, default: str, container: bool = False) -> None:
        role = names.role or default
        if role == "reviser":
            # 唐少杰校: biblatex's editora with editoratype = reviser ("revised by")
            revisers = [x for x in (self.extra.get("editora", ""),) if x]
            revisers.extend(p.bibtex() for p in names.persons)
            self.extra["editora"] = " and ".join(revisers)
            self.extra["editoratype"] = "reviser"
            return
        if container and role in ("editor", "author"):
            self.container_editors += names.persons
        elif role == "translator":
            self.translators.extend(names.persons)
        elif role == "editor":
            self.editors.extend(names.persons)
        else:
            self.authors.extend(names.persons)
        if role == "editor" and names.word in _vocab().compilers:
            # 人民出版社編 (compiled by) is not 楊奎松主編 (chief editor): biblatex's editortype
            self.extra["containereditortype" if container else "editortype"] = "compiler"
        if names.etal:
            key = {"translator": "translators", "editor": "editors"}.get(role, "authors")
            if container and role != "translator":
                key = "container_editors"
            self.extra["etal"] = ", ".join(filter(None, (self.extra.get("etal"), key)))
