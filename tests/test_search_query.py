"""Search that narrows, on a real OpenAlex set (issue 16.5): all words, phrases, OR, exclusion, fields.

The truth is computed here from the texts with plain regular expressions, not with the index.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import paperlens as pl

DONNERS = Path(__file__).parent / "fixtures" / "openalex_citation_sets" / "Donners_2021" / "works_1.zip"


@pytest.fixture(scope="module")
def corpus():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        return pl.read(DONNERS)


def _text(paper) -> str:
    return " ".join([paper.title or "", paper.abstract or "", " ".join(paper.keywords)]).casefold()


def _having(corpus, pattern: str) -> set[str]:
    return {p.id for p in corpus if re.search(pattern, _text(p))}


def test_every_word_must_match_and_more_words_narrow(corpus):
    one = set(corpus.search("emicizumab").ids)
    both = set(corpus.search("emicizumab prophylaxis").ids)
    truth = _having(corpus, r"\bemicizumabs?\b") & _having(corpus, r"\bprophylax[ie]s\b")
    assert both == truth and both < one
    three = set(corpus.search("emicizumab prophylaxis inhibitors").ids)
    assert three <= both
    assert set(corpus.search("for the emicizumab").ids) == one  # stop words are not required


def test_phrase_or_and_exclusion(corpus):
    phrase = set(corpus.search('"factor viii"').ids)
    # plurals fold and single letters and stop words between are skipped, as for words: "factor (F) VIII"
    assert phrase == _having(corpus, r"\bfactors?\W+(?:(?:[a-z]|of|the)\W+)*viii\b")
    assert phrase <= set(corpus.search("factor viii").ids)
    either = set(corpus.search("emicizumab OR concizumab").ids)
    assert either == _having(corpus, r"\bemicizumabs?\b") | _having(corpus, r"\bconcizumabs?\b")
    without = set(corpus.search("emicizumab -inhibitors").ids)
    assert without == _having(corpus, r"\bemicizumabs?\b") - _having(corpus, r"\binhibitors?\b")


def test_fields_title_year_author_venue(corpus):
    titled = set(corpus.search("title:emicizumab").ids)
    assert titled == {p.id for p in corpus if re.search(r"\bemicizumabs?\b", p.title.casefold())}
    ranged = corpus.search("emicizumab year:2018..2019")
    assert set(ranged.ids) == {p.id for p in corpus.search("emicizumab") if p.year in (2018, 2019)}
    assert len(corpus.search("year:2019")) == sum(1 for p in corpus if p.year == 2019)
    author = corpus[0].authors[0].split()[-1]
    assert set(corpus.search(f"author:{author}").ids) == {
        p.id for p in corpus if any(author.casefold() in a.casefold() for a in p.authors)
    }
    assert set(corpus.search('venue:"haemophilia"').ids) == {
        p.id for p in corpus if p.venue and "haemophilia" in p.venue.casefold()
    }


def test_a_query_that_matches_nothing_says_why(corpus):
    with pytest.warns(pl.PaperlensWarning, match="no paper matches 'zebrafishium'"):
        assert len(corpus.search("emicizumab zebrafishium")) == 0
    assert corpus.search_explain("emicizumab zebrafishium") == "no paper matches 'zebrafishium'"
    assert corpus.search_explain("emicizumab") is None
    why = corpus.search_explain("title:emicizumab year:..2015")
    assert why.startswith("each part matches papers, but none has them all")
