"""Ranked full-text search: BM25 over title and abstract, title weighted (BM25F).

The index is built once per corpus (lazily, on the first search) and reused by
every subset of that corpus: a filtered corpus searches with its parent's index.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from .text import WORD, normalize_token, strip_latex, tokenize

__all__ = ["SearchIndex"]


def _plain(text: object) -> str:
    """The text without LaTeX markup; a missing (None/NaN) text is empty.

    Only texts with markup characters pay for stripping.
    """
    if not isinstance(text, str) or not text:
        return ""
    return strip_latex(text) if ("\\" in text or "$" in text) else text


class SearchIndex:
    """A BM25F index over two fields.

    Parameters
    ----------
    titles, abstracts : sequences of str or None, one per paper.
    title_weight : how much a title occurrence counts against one in the abstract.
    k1, b : the usual BM25 saturation and length-normalisation parameters.

    Examples
    --------
    >>> index = SearchIndex(["Graph networks", "Language models"], ["nodes and edges", None])
    >>> index.scores("graph").round(3).tolist()
    [1.03, 0.0]
    """

    def __init__(
        self,
        titles: Sequence[str | None],
        abstracts: Sequence[str | None],
        *,
        title_weight: float = 2.5,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        from scipy import sparse

        self.title_weight = title_weight
        self.k1 = k1
        self.b = b
        self.vocabulary: dict[str, int] = {}
        title_matrix = self._count([_plain(t) for t in titles])
        abstract_matrix = self._count([_plain(a) for a in abstracts])
        n_terms = len(self.vocabulary)
        title_matrix.resize((len(titles), n_terms))
        abstract_matrix.resize((len(abstracts), n_terms))
        self.n_docs = len(titles)

        def normalised(matrix: sparse.csr_matrix) -> sparse.csc_matrix:
            lengths = np.asarray(matrix.sum(axis=1)).ravel()
            mean = lengths.mean() if len(lengths) and lengths.mean() > 0 else 1.0
            norm = 1.0 - b + b * lengths / mean
            return sparse.csc_matrix(sparse.diags(1.0 / norm) @ matrix)

        # Per-field length-normalised term frequencies, then one weighted sum (BM25F).
        self._tf = (title_weight * normalised(title_matrix) + normalised(abstract_matrix)).tocsc()
        doc_freq = np.asarray(((title_matrix + abstract_matrix) > 0).sum(axis=0)).ravel()
        self._idf = np.log1p((self.n_docs - doc_freq + 0.5) / (doc_freq + 0.5))

    def _count(self, texts: list[str]):
        """Term counts per text, as :func:`tokenize` would count them, at C speed.

        The raw words of all texts are found with one regex call per text; the
        stop-word and plural rules then run once per distinct word, not per occurrence.
        """
        from scipy import sparse

        words = [WORD.findall(text.lower()) for text in texts]
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        flat = list(itertools.chain.from_iterable(words))
        distinct = list(dict.fromkeys(flat))
        raw_index = {word: i for i, word in enumerate(distinct)}
        vocab = self.vocabulary
        term_of_word = np.full(len(distinct), -1, dtype=np.int64)
        for i, word in enumerate(distinct):
            term = normalize_token(word)
            if term is not None:
                term_of_word[i] = vocab.setdefault(term, len(vocab))
        raw = np.fromiter(map(raw_index.__getitem__, flat), dtype=np.int64, count=len(flat))
        terms = term_of_word[raw]
        rows = np.repeat(np.arange(len(texts)), lengths)
        keep = terms >= 0
        data = np.ones(int(keep.sum()), dtype=np.float64)
        matrix = sparse.coo_matrix((data, (rows[keep], terms[keep])), shape=(len(texts), max(len(vocab), 1)))
        return matrix.tocsr()  # duplicates summed

    def query_terms(self, query: str) -> list[str]:
        """The tokens of a query that the index knows."""
        return [t for t in dict.fromkeys(tokenize(query)) if t in self.vocabulary]

    def scores(self, query: str) -> np.ndarray:
        """The BM25F score of every paper for the query (0 where no term matches)."""
        out = np.zeros(self.n_docs)
        for term in self.query_terms(query):
            column = self._tf[:, self.vocabulary[term]]
            tf = column.data
            out[column.indices] += self._idf[self.vocabulary[term]] * tf * (self.k1 + 1) / (tf + self.k1)
        return out
