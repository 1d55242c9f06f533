"""English Chicago notes as journal web pages print them: the notes end before the
page's trailer (Cite this article, Received/Accepted, Published online …); bracketed
translations of romanised titles (CMOS 14.98) stay out of titles and journals; a dated
document filed by fond/opis'/delo is an unpublished document; a romanised body as
editor; a chapter in one volume of a multi-volume work (maintitle). Notes written
fresh for these tests."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import one_citation, person_name

from sinosoviet_cli.grammar import segment
from sinosoviet_cli.link.resolve import resolve
from sinosoviet_cli.paper.footnotes import extract


def _check(text: str, **want: Any) -> None:
    ref = one_citation(text)
    got = {
        "type": ref.entry_type, "form": ref.form.value,
        "authors": [person_name(p) for p in ref.authors],
        "editors": [person_name(p) for p in ref.editors],
        "container_editors": [person_name(p) for p in ref.container_editors],
        "title": ref.title, "container": ref.container, "places": list(ref.places),
        "publishers": list(ref.publishers), "year": ref.year, "date": ref.date,
        "volume": ref.volume, "number": ref.number, "pages": ref.pages,
        "institution": ref.institution,
        **{f"extra.{k}": v for k, v in ref.extra.items()},
    }
    wrong = {k: (got.get(k, ""), v) for k, v in want.items() if got.get(k, "") != v}
    assert not wrong, f"{text}: (got, expected) {wrong}"


# ── the notes end before the web page's trailer ─────────────────────────────

def _web_page(trailer: str) -> str:
    return (
        "The Leap began in 1958.1 Its costs were known by 1960.2\n\nNotes\n\n"
        "1. Frank Dikötter, Mao's Great Famine (London: Bloomsbury, 2010), 33.\n\n"
        "2. Dikötter, Mao's Great Famine, 40–41.\n\n" + trailer
    )


@pytest.mark.parametrize("trailer", [
    'Cite this article: Doe, Jane. "A Title." Some Journal 3, no. 1 (2021): 1–20.\n',
    "How to cite this article\nDoe, J. (2021) A title. Some Journal 3(1), 1–20.\n",
    "To cite this article: Jane Doe (2021) A title, Some Journal, 3:1, 1-20\n",
    "Received 3 May 2020; Accepted 9 June 2021\n",
    "Published online: 12 July 2021\n\nDownload citation\n",
    "Article history\nReceived: 3 May 2020\n",
])
def test_the_last_note_ends_before_the_pages_trailer(trailer: str) -> None:
    paper = extract(_web_page(trailer))
    assert [f.text for f in paper.footnotes] == [
        "Frank Dikötter, Mao's Great Famine (London: Bloomsbury, 2010), 33.",
        "Dikötter, Mao's Great Famine, 40–41."]


def test_note_numbers_glued_to_the_body_text_are_markers() -> None:
    """``…in 1958.1 Its`` / ``…by 3.5 million.2``: digits glued to a word or a stop are
    the markers, in sequence; a year, a decimal or a later number is text."""
    text = (
        "The Leap began in 1958.1 Its output fell by 3.5 million tons, as the 12 "
        "provinces reported.2 Famine followed in 1959–1961.3\n\n"
        "A second paragraph cites the Selected Works of 1977.4\n\nNotes\n\n"
        + "".join(f"{n}. Dikötter, Mao's Great Famine, {n}.\n\n" for n in range(1, 5))
        + "Received 3 May 2020\n"
    )
    paper = extract(text)
    assert [m.n for m in paper.markers] == [1, 2, 3, 4]
    assert [m.sentence for m in paper.markers] == [
        "The Leap began in 1958.",
        "Its output fell by 3.5 million tons, as the 12 provinces reported.",
        "Famine followed in 1959–1961.",
        "A second paragraph cites the Selected Works of 1977."]
    assert paper.paragraphs[0].text.startswith("The Leap began in 1958. Its output")
    assert len(paper.footnotes) == 4


# ── CMOS 14.98: a bracketed translation is not part of the title ────────────

def test_a_book_title_keeps_its_translation_apart() -> None:
    _check("Wu Lengxi, Shinian lunzhan, 1956–1966: Zhong-Su guanxi huiyilu [Ten years of "
           "polemics: A memoir of Sino-Soviet relations] (Beijing: Zhongyang wenxian "
           "chubanshe, 1999), 1:205.",
           type="book", title="Shinian lunzhan, 1956–1966: Zhong-Su guanxi huiyilu",
           places=["Beijing"], publishers=["Zhongyang wenxian chubanshe"], year="1999",
           **{"extra.translated_title":
              "Ten years of polemics: A memoir of Sino-Soviet relations"})
    _check("Bo Yibo, Ruogan zhongda juece yu shijian de huigu [Reflections on certain "
           "major decisions and events], vol. 2 (Beijing: Zhonggong zhongyang dangxiao "
           "chubanshe, 1993), 730.",
           title="Ruogan zhongda juece yu shijian de huigu", volume="2", year="1993",
           **{"extra.translated_title": "Reflections on certain major decisions and events"})


def test_an_article_title_and_its_journal_keep_the_translation_apart() -> None:
    _check('Niu Jun, "1962: Zhongguo duiwai zhengce \'zuo\' zhuan de qianye" [1962: The eve '
           "of the left turn in China's foreign policy], Lishi yanjiu, no. 3 (2003): 23–41.",
           type="article", title="1962: Zhongguo duiwai zhengce 'zuo' zhuan de qianye",
           container="Lishi yanjiu", number="3", year="2003")
    _check('Yang Kuisong, "Mao Zedong yu liang ci Taihai weiji" [Mao Zedong and the two '
           'Taiwan Strait crises], Guoshi yanjiu 4 (1998): 12.',
           type="article", container="Guoshi yanjiu", volume="4", year="1998",
           **{"extra.translated_title": "Mao Zedong and the two Taiwan Strait crises"})


def test_a_supplied_word_in_brackets_is_not_a_translation() -> None:
    ref = one_citation("Roderick MacFarquhar, The Origins of the Cultural Revolution [sic] "
               "(New York: Columbia University Press, 1983), 12.")
    assert "translated_title" not in ref.extra


# ── a dated document in a Russian archive ───────────────────────────────────

@pytest.mark.parametrize(("note", "title", "date", "archive", "number", "pages"), [
    ("Memorandum of conversation between N. S. Khrushchev and Mao Zedong, 2 October "
     "1959, APRF, f. 52, op. 1, d. 499, ll. 1–33.",
     "Memorandum of conversation between N. S. Khrushchev and Mao Zedong, 2 October 1959",
     "1959-10-02", "APRF", "f. 52, op. 1, d. 499", "1--33"),
    ("Telegram from the Soviet embassy in Beijing, July 31, 1958, AVPRF, f. 0100, op. 51, "
     "d. 6, l. 14.",
     "Telegram from the Soviet embassy in Beijing, July 31, 1958",
     "1958-07-31", "AVPRF", "f. 0100, op. 51, d. 6", "14"),
])
def test_a_dated_document_with_its_file(note: str, title: str, date: str, archive: str,
                                        number: str, pages: str) -> None:
    _check(note, type="unpublished", title=title, date=date, year=date[:4],
           institution=archive, number=number, pages=pages)


def test_prose_before_an_archive_is_not_a_document() -> None:
    note = "The telegram is kept at AVPRF, f. 0100, op. 55, d. 12, l. 3."
    assert [s.kind for s in segment(note)] == ["commentary"]


# ── a romanised body as editor, a volume of a multi-volume work ─────────────

def test_a_romanised_body_edits_a_multi_volume_work() -> None:
    _check("Zhonggong zhongyang dang'anguan, ed., Zhonggong zhongyang wenjian xuanji, "
           "vol. 18 (Beijing: Zhonggong zhongyang dangxiao chubanshe, 1992), 44.",
           type="collection", editors=["Zhonggong zhongyang dang'anguan"],
           title="Zhonggong zhongyang wenjian xuanji", volume="18", year="1992", pages="44")
    _check("Zhonggong zhongyang wenxian yanjiushi, ed., Jianguo yilai Mao Zedong wengao "
           "[Mao Zedong's manuscripts since the founding of the state], vol. 7 (Beijing: "
           "Zhongyang wenxian chubanshe, 1992), 85.",
           editors=["Zhonggong zhongyang wenxian yanjiushi"],
           title="Jianguo yilai Mao Zedong wengao", volume="7", pages="85")


@pytest.mark.parametrize("note", [
    'Chen Jian, "China\'s Strategies," in The Cambridge History of the Cold War, vol. 1, '
    "Origins, ed. Melvyn P. Leffler and Odd Arne Westad (Cambridge: Cambridge University "
    "Press, 2010), 60.",
    'Chen Jian, "China\'s Strategies," in Melvyn P. Leffler and Odd Arne Westad, eds., '
    "The Cambridge History of the Cold War, vol. 1, Origins (Cambridge: Cambridge "
    "University Press, 2010), 60.",
])
def test_a_chapter_in_one_volume_of_a_set(note: str) -> None:
    _check(note, type="incollection", title="China's Strategies", container="Origins",
           volume="1", container_editors=["Leffler, Melvyn P.", "Westad, Odd Arne"],
           **{"extra.maintitle": "The Cambridge History of the Cold War"})


def test_a_volume_without_its_own_title_has_no_maintitle() -> None:
    ref = one_citation('Chen Jian, "China\'s Strategies," in The Cambridge History of the Cold War, '
               "vol. 1, ed. Melvyn P. Leffler and Odd Arne Westad (Cambridge: Cambridge "
               "University Press, 2010), 60.")
    assert (ref.container, ref.volume) == ("The Cambridge History of the Cold War", "1")
    assert "maintitle" not in ref.extra


def test_maintitle_reaches_the_entries() -> None:
    note = ('Chen Jian, "China\'s Strategies," in The Cambridge History of the Cold War, '
            "vol. 1, Origins, ed. Melvyn P. Leffler and Odd Arne Westad (Cambridge: "
            "Cambridge University Press, 2010), 60.")
    bib = resolve([(1, segment(note))])
    chapter = next(w for w in bib.works if w.key == bib.links[0].key)
    assert chapter.fields["booktitle"] == "Origins"
    assert chapter.fields["maintitle"] == "The Cambridge History of the Cold War"
    parent = next(w for w in bib.works if w.key == chapter.fields["crossref"])
    assert (parent.fields["title"], parent.fields["volume"]) == ("Origins", "1")
    assert parent.fields["maintitle"] == "The Cambridge History of the Cold War"
