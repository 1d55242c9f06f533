"""The ``csl`` stage: Chicago (and other CSL) bibliographies and notes through citeproc-py.

The only package that imports citeproc; no citeproc type leaves it. Its public surface
is one module, ``render``: callers write ``from sinosoviet_cli.csl import render`` and
use ``render.export``, ``render.bibliography``, ``render.notes``, ``render.paper_notes``,
``render.sort_works``, ``render.style_path``, ``render.require_style``,
``render.iter_styles``, ``render.Cite``, ``render.Entry``, ``render.document``,
``render.delatex``, ``render.to_csl``... (``render.__all__``). The modules behind it
each have one role:

- ``items``     Work -> CSL-JSON item; person names. LaTeX decoding is ``text.latex``
                (``render.delatex`` re-exports it until callers import it from there).
- ``sort``      bibliography sort keys (romanised through ``readings``, a compact
                table built from pypinyin's data, without importing pypinyin).
- ``cache``     rendered entries cached on disk (``export``), byte-identical output.
- ``styles``    style names, lookup, loading, ``styles.toml``.
- ``formats``   citeproc formatters and data escaping per output format.
- ``patches``   every citeproc-py fix: one ``PATCHES`` table, applied and undone by
                one walk, version checked (``check_citeproc``); memo state in one place.
- ``fastpaths`` / ``conditions``  the table's speed-only replacements (same output;
                cs:choose compiled once per element).
- ``titlecase`` English title case (W18), used by the ``TextCased.case`` patch.
- ``engine``    the rendering engine over one style; parallel rendering.
- ``notes``     note positions and re-rendered footnotes.
- ``export``    bibliographies and whole export documents.

citeproc-py 0.11 is wrong or slow on this data in measured ways
(``shared/CITEPROC-NOTES.md``). Each workaround is named ``W<n>`` after the gap it
handles, and ``tests/test_render.py`` has a test per workaround:

- W1  ``initialize="false"`` ignored: patched ``Name.get_option``.
- W2  CJK names split: persons in braces (``{楊奎松}``) or all-CJK become ``literal``.
- W3  ibid: positions are computed here (``positions``: previous note's single work,
      pages compared) and the condition evaluator reads them; ``ibid`` is capitalised
      at the start of a note.
- W4  punctuation outside quotes: moved inside after rendering when the locale says so.
- W5  ``disambiguate="true"`` treated as always true: never true here (no
      disambiguation), except author-date year suffixes, added after rendering.
- W6  bibliography takes a citation's locator: bibliography items carry no locator.
- W7  substitution through macros / ``cs:choose``: patched ``Substitute`` records the
      variables it actually rendered and ``Names``/``Text`` suppress them afterwards.
- W8  several cites per note re-sorted: every cite is rendered on its own, in order.
- W9  sorting by code point: ``sort_works`` sorts with keys computed once (romanised).
- W10 HTML not escaped: data is escaped before it reaches citeproc (markdown too).
- W11 its BibTeX reader: CSL-JSON is built here from ``Work`` fields (crossref, LaTeX).
- W12 ``MixedString`` results: ``str()``-ed; dates given as ``date-parts``.
- W13 ``subsequent-author-substitute`` unimplemented: applied after rendering.
- W14 ``cs:label`` prints its term when its variable is empty: patched ``Label.process``.
- W15 cs:choose inside cs:substitute: each element of the chosen branch is a candidate.
- W16 page locators ignore ``page-range-format`` (``171–173``): formatted like ``page``.
- W17 (a style choice, not a bug) Chicago 18 omits unpublished documents and papers
      presented at meetings from a bibliography; export prints them as Chicago 17's
      bibliography does (``styles.toml`` ``bibliography_fallback``), else in full-note
      form, instead of dropping them. An ``@unpublished`` with an event (``eventtitle``,
      ``eventdate`` or ``venue``) is a ``paper-conference``.
- W18 title case keeps capitalised stop words ("Survey Of The"): patched ``TextCased.case``
      (also: Chicago's prepositions of any length, ``title-case.toml``; last word and a
      word after an opening quote capitalised; "c. 1800" and Greek from math as printed).
      A double-quoted title inside quotes gets single quotes (``nest_quotes``).
- W19 ``delimiter-precedes-last``: "after-inverted-name" ignored, and "always" puts a
      comma after a literal (never inverted) name: patched ``Name.process`` decides from
      the name before last (pandoc prints "李英明, and 關向光"; Chicago does not).
- W20 a cs:group with an empty variable and a macro of text values is suppressed
      (GB/T 7714's [M]/[J]/[C]): a macro that prints counts as a rendered variable, as
      in citeproc-js and pandoc. Numeric styles (``citation-number``) render in one
      process in citation order (input order unless the bibliography has a <sort>),
      never from the cache.

Speed (rendering ~13x faster than stock citeproc-py on 300 synthetic entries, same
output where stock is right): see ``patches`` and ``engine``.
"""
