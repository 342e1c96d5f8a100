"""The BM25F index (search.py, counted by compiled code) against an independent count and BM25F in plain Python.

Truth: each text's words are ``tokenize(text)`` of the text without LaTeX (the
tokenizer the query side uses), counted with ``collections.Counter``; BM25F is
written out here from its definition (per-field length norms, title and keywords
weighted, the usual idf). Corpora: the bundled sample, the Donners 2021 OpenAlex
set, and hostile texts (non-ASCII, LaTeX, empty, long and repeated words).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import paperlens as pl
from paperlens.search import SearchIndex
from paperlens.text import strip_latex, tokenize

DONNERS = Path(__file__).parent / "fixtures" / "openalex_citation_sets" / "Donners_2021" / "works_1.zip"
HOSTILE = [
    "Ünïcödé wörds, naïve café — and İstanbul KELVIN \u212a",
    r"We \emph{propose} $O(n \log n)$ sorting of {GPU} data a$b$c {x}y",
    "",
    None,
    "supercalifragilisticexpialidocious " * 3 + "supercalifragilisticexpialidociousness",
    "aaaaaaaab aaaaaaaac aaaaaaaab models studies study the of 1 2 x99 covid-19",
    "line\nbreaks\tand\u00a0spaces   everywhere",
    "1 2 3 4 5 6 7 8 9 " * 200,  # short words: more words than the compiled splitter first makes room for
]


def _plain(text):
    if not isinstance(text, str) or not text:
        return ""
    return strip_latex(text) if ("\\" in text or "$" in text) else text


def _texts(corpus):
    return (
        [p.title for p in corpus],
        [p.abstract for p in corpus],
        [list(p.keywords) for p in corpus],
    )


@pytest.fixture(scope="module", params=["sample", "donners", "hostile"])
def fields(request):
    if request.param == "sample":
        return _texts(pl.load_sample())
    if request.param == "donners":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pl.LoadWarning)
            return _texts(pl.read(DONNERS))
    titles = HOSTILE + ["Graph networks"] * 3
    abstracts = [*reversed(HOSTILE), "nodes and edges", None, "graph graph graph"]
    keywords = [["to read", "Ünï"], [], None, ["graph"]] + [[]] * (len(titles) - 4)
    return titles, abstracts, keywords


def test_counts_equal_tokenize(fields):
    titles, abstracts, _ = fields
    for texts in (titles, abstracts):
        index = SearchIndex(texts, [None] * len(texts))
        index._term_of = {}
        (counted,) = index._count([_plain(t) for t in texts])
        columns = {j: term for term, j in index.vocabulary.items()}
        for row, text in enumerate(texts):
            lo, hi = counted.indptr[row], counted.indptr[row + 1]
            got = {columns[j]: int(c) for j, c in zip(counted.indices[lo:hi], counted.data[lo:hi], strict=True)}
            assert got == dict(Counter(tokenize(_plain(text)))), text


def test_counts_do_not_depend_on_chunks_or_threads(fields):
    """Small chunks spread each field over many compiled calls in two threads: the vocabulary (its order
    included) and the counts are those of one chunk per field."""
    titles, abstracts, _ = fields
    texts = ([_plain(t) for t in titles], [_plain(a) for a in abstracts])
    whole, pieces = SearchIndex([], []), SearchIndex([], [])
    whole._term_of, pieces._term_of = {}, {}
    one = whole._count(*texts, chunk=10**9)
    many = pieces._count(*texts, chunk=3)
    assert list(whole.vocabulary.items()) == list(pieces.vocabulary.items())
    for a, b in zip(one, many, strict=True):
        assert a.shape == b.shape and (a != b).nnz == 0
        assert np.array_equal(a.indices, b.indices) and np.array_equal(a.indptr, b.indptr)


def bm25f(titles, abstracts, keywords, query, k1=1.2, b=0.75, title_weight=2.5, keyword_weight=2.5):
    """BM25F from its definition, in floats, one paper at a time."""
    kw = ["; ".join(k) if k else "" for k in keywords]
    bags = [[Counter(tokenize(_plain(t))) for t in field] for field in (titles, abstracts, kw)]
    weights = (title_weight, 1.0, keyword_weight)
    means = [sum(sum(c.values()) for c in field) / len(field) or 1.0 for field in bags]
    n = len(titles)
    terms = list(dict.fromkeys(tokenize(query)))
    scores = []
    for i in range(n):
        score = 0.0
        for term in terms:
            df = sum(1 for j in range(n) if any(field[j][term] for field in bags))
            if not df:
                continue
            idf = math.log1p((n - df + 0.5) / (df + 0.5))
            tf = sum(
                w * field[i][term] / (1 - b + b * sum(field[i].values()) / mean)
                for field, w, mean in zip(bags, weights, means, strict=True)
            )
            if tf:
                score += idf * tf * (k1 + 1) / (tf + k1)
        scores.append(score if all(any(field[i][t] for field in bags) for t in terms) else 0.0)
    return np.array(scores)


QUERIES = [
    "graph",
    "language model",
    "emicizumab prophylaxis",
    "naive cafe",
    "study",
    "supercalifragilisticexpialidocious",
]


@pytest.mark.parametrize("query", QUERIES)
def test_scores_equal_independent_bm25f(fields, query):
    titles, abstracts, keywords = fields
    index = SearchIndex(titles, abstracts, keywords)
    expected = bm25f(titles, abstracts, [k or [] for k in keywords], query)
    got = index.scores(query)
    got[got <= 1e-9] = 0.0
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-9)
    assert (got > 0).sum() == (expected > 0).sum()


def test_the_independent_bm25f_can_fail():
    titles, abstracts, keywords = _texts(pl.load_sample())
    index = SearchIndex(titles, abstracts, keywords, title_weight=1.0)
    assert not np.allclose(index.scores("language model"), bm25f(titles, abstracts, keywords, "language model"))
