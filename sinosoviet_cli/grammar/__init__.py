"""Citation grammars: split a footnote into citations and commentary, and parse each
citation into a typed :class:`~sinosoviet_cli.model.Reference`.

Contract (``resolve``, ``parse`` and ``check`` rely on it)::

    segment(note: str) -> tuple[Segment, ...]
        Split a note and parse every citation span. The segments cover the note in
        order, without gaps or overlaps: ``"".join(s.text for s in segs) == note`` and
        ``segs[i].end == segs[i + 1].start``. Commentary (the author's prose, including
        cue words such as 參見 / see) is never parsed into fields. A span that looks like
        a citation but cannot be read is a citation segment with ``reference=None`` and
        a ``problem``.
    parse_citation(text: str) -> Reference | Unparsed
        One citation span. Never raises.

What a ``Reference`` holds:

- ``form``: FULL (publication facts printed), SHORT (author/title only, 前引書,
  op. cit.), IBID (同上, 同上註, 同前註, Ibid.) — IBID fills ``pages`` (and ``volume``
  for 同上，第2卷 / Ibid., 2:45) only; a back-reference word goes to ``extra["backref"]``.
- persons: CJK and corporate names whole in ``Person.literal``; Western names as
  family/given. A name printed in two scripts (``莫里斯‧邁斯納（Maurice Meisner）``)
  is stored in its Western form with the Chinese form in ``alt`` (and vice versa for
  ``Maurice Meisner（莫里斯‧邁斯納）``). Corporate bodies are kept whole like CJK names;
  whoever 編/主編 a work without an author is its editor (``人民出版社編`` ->
  ``collection`` edited by 人民出版社).
- ``title`` without 《》〈〉 and without surrounding quotes; ``container`` is the
  journal, newspaper, web site or the volume a chapter is in (``container_editors``).
- ``places``/``publishers`` in printed order (several for co-publications); ``year``;
  ``date`` in ISO 8601 (``2007-10-22``, ``2003-03``, or a range ``1991/1993``).
- ``pages``: the cited locator, ranges with ``--``; ``extra["locator"] = "版"`` for a
  newspaper page. ``volume``/``number`` (Chinese numerals converted); a multi-volume
  set (上、下卷) gives ``extra["volumes"]``.
- ``institution``: thesis school, report institution or conference organisers;
  ``eventtitle`` for conference papers; ``note`` keeps 網路版 and the like.
- ``langid``: "chinese" when the title or container is CJK, else "english".
- ``extra`` (all optional strings): ``backref`` (同上, 前引書, op. cit., 同註 …);
  ``footnote`` (the note a 同註5 refers to; form SHORT); ``author_only`` ("1" for a
  short form printing only an author and pages: 楊奎松，頁12 / Zagoria, 78); ``etal``
  (which person lists ended in 等 / et al.: "authors", "translators",
  "container_editors"); ``volumes`` (number of volumes of a set, 上、下卷 -> "2");
  ``locator`` ("版" for newspaper pages); ``editortype`` / ``containereditortype``
  ("compiler" when the editors are printed with 編 rather than 主編);
  ``part`` (第三編); ``edition`` (修訂版, 2nd ed.); ``urldate`` (ISO access date);
  ``archive`` ("1" for a document in an archive: ``institution`` is the repository,
  ``number`` the call number); ``extent`` (a chapter's or article's
  own page span printed beside the page cited, ``246–94, at 258``: the entry's
  ``pages``); ``docdate`` (a document's own date when the citation
  also prints a publication year); ``series`` (a report series); ``parenthesis`` (a
  parenthesis that was not publication facts); ``prefix`` (text before the title that
  was not names — parse_citation only); ``journalplace`` (《二十一世紀》（香港）: where a
  periodical appears — biblatex's @article has no field for it, so never ``places``);
  ``editora`` + ``editoratype`` ("reviser": 唐少杰校, biblatex's "revised by"; editora
  is ready BibTeX, ``{唐少杰}``); ``totalnumber`` (總第58期 beside 第4期);
  ``translated_title`` (CMOS 14.98: ``Sikao yu xuanze [Reflections and choices]``, kept
  out of title and journal); ``maintitle`` (``in The Cambridge History of the Cold
  War, vol. 2, Crises and Détente``: the set's title; ``container`` is the volume's).

Entry types: book, collection (edited, no author), incollection (〈篇〉 in a volume with
收入/載於/in, or in a book with publisher), article (journal, newspaper), online (a web
site container or a URL), phdthesis / mastersthesis, unpublished (conference paper
without proceedings; archival document), inproceedings (in 論文集/Proceedings), report,
misc (only a back-reference).

Mainland / Hong Kong notation (decisions): a nationality prefix (``[美]`` ``〔美〕``
``（美）`` ``[苏]``) marks a transliterated foreign name and is dropped, as CMOS does;
a volume after a title (``第7册``, ``第2卷``, ``（上）``, ``（一）``) is ``volume`` as
printed (Chinese numerals kept in brackets); resolve keeps it on each citation
(``CitationLink.volume``) and a work cited in several volumes is one set without a
volume. ``（内部发行）`` / ``内刊`` / ``（光盘版）`` go to ``note`` (grammar.toml
``[remarks]``); ``出版社（北京）`` gives publisher and place. Archival files are
``unpublished`` with the repository in ``institution`` (biblatex ``note`` in the entry)
and the call number in ``number`` (one part: the number only; several: as printed,
``全宗号A36，目录号1，卷56``); a document in a compiled periodical (``载《斗争》第5期``)
is an ``article`` in that journal.

Sinological Chicago (``sino``): ``Sima Qian 司馬遷, Shiji 史記 (Beijing: …, 1982),
10.432``: the characters are the values; the romanised forms go to ``extra``
(``romanized_names``, ``romanized_title``, ``romanized_container``) and from there to
biblatex's standard ``usera``/``userb``/``userc`` (valid in every entry type, no
datamodel declaration needed); each person keeps its romanised family/given beside the
literal, so ``Shi, Xi'an lishi dituji`` links. ``juan.page`` locators stay as printed.

Values are NFC; full-width digits, 民國 years (民國54年) and years, months and days in
Chinese numerals (一九七九年三月) are read as Western digits. The vocabularies (role
words, cue words, back-references, thesis words, publishing cities, archives, …) are
data: ``sinosoviet_cli/data/grammar.toml``.

Japanese notation (``下斗米伸夫『アジア冷戦史』中央公論新社、2004年、45頁``): a citation with
a top-level 『』 and a Japanese mark (kana, 45頁, a Japanese imprint, 訳) or 前掲 is
rewritten into the Chinese marks (『』 -> 《》, 「」 before 『』 -> 〈〉, separating 、 -> ，)
by ``japanese``; its works get ``langid = japanese``. In Chinese notation 『』 and 「」
stay quotation marks.

Modules: ``vocab`` (grammar.toml), ``japanese`` (native Japanese notation),
``lexical`` (brackets, pages, dates), ``persons``,
``draft``, ``group`` (the bracketed publication group), ``tail`` (the items after a
title), ``cjk``, ``latin``, ``sino``, ``types`` (entry-type decision table), ``parse``
(one span), ``segment`` (a whole note).
"""

from sinosoviet_cli.grammar.lexical import langid
from sinosoviet_cli.grammar.parse import parse_citation
from sinosoviet_cli.grammar.segment import Segment, segment
from sinosoviet_cli.grammar.sino import printed_persons
from sinosoviet_cli.grammar.types import ENTRY_TYPE_RULES, EntryFacts, TypeRule, entry_type
from sinosoviet_cli.grammar.vocab import is_compilation

__all__ = ["ENTRY_TYPE_RULES", "EntryFacts", "Segment", "TypeRule", "entry_type",
           "is_compilation", "langid", "parse_citation", "printed_persons", "segment"]
