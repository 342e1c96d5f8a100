"""Ranked full-text search: BM25 over title, abstract and keywords, title and keywords weighted (BM25F).

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
    """A BM25F index over three fields.

    Parameters
    ----------
    titles, abstracts : sequences of str or None, one per paper.
    keywords : a sequence of keyword lists, one per paper (optional).
    title_weight, keyword_weight : how much a title or keyword occurrence counts against one in the abstract.
    k1, b : the usual BM25 saturation and length-normalisation parameters.

    Examples
    --------
    >>> index = SearchIndex(["Graph networks", "Language models"], ["nodes and edges", None])
    >>> index.scores("graph").round(3).tolist()
    [1.03, 0.0]
    >>> SearchIndex(["A", "B"], [None, None], keywords=[(), ("to read",)]).scores("read").round(3).tolist()
    [0.0, 0.829]
    """

    def __init__(
        self,
        titles: Sequence[str | None],
        abstracts: Sequence[str | None],
        keywords: Sequence[Sequence[str]] | None = None,
        *,
        title_weight: float = 2.5,
        keyword_weight: float = 2.5,
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
        keyword_texts = ["; ".join(k) if k is not None and len(k) else "" for k in keywords or ()]
        keyword_matrix = self._count([_plain(k) for k in keyword_texts] or [""] * len(titles))
        n_terms = len(self.vocabulary)
        title_matrix.resize((len(titles), n_terms))
        abstract_matrix.resize((len(abstracts), n_terms))
        keyword_matrix.resize((len(titles), n_terms))
        self.n_docs = len(titles)

        # Papers containing each term: the stored entries per column of the summed fields.
        doc_freq = np.diff((title_matrix + abstract_matrix + keyword_matrix).tocsc().indptr)

        def normalise(matrix: sparse.csr_matrix, weight: float) -> None:
            """Scale each row in place: term frequency over the field's BM25 length norm, times the weight."""
            lengths = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
            mean = lengths.mean() if len(lengths) and lengths.mean() > 0 else 1.0
            factor = weight / (1.0 - b + b * lengths / mean)
            matrix.data *= np.repeat(factor, np.diff(matrix.indptr)).astype(matrix.dtype)

        # Per-field length-normalised term frequencies, then one weighted sum (BM25F).
        normalise(title_matrix, title_weight)
        normalise(abstract_matrix, 1.0)
        if keyword_matrix.nnz:
            normalise(keyword_matrix, keyword_weight)
        summed = title_matrix + abstract_matrix + keyword_matrix
        del title_matrix, abstract_matrix, keyword_matrix
        self._tf = summed.tocsc()
        del summed
        self._idf = np.log1p((self.n_docs - doc_freq + 0.5) / (doc_freq + 0.5))

    def _count(self, texts: list[str], chunk: int = 4096):
        """Term counts per text, as :func:`tokenize` would count them, at C speed.

        Texts are read in chunks (memory stays small at any size): the raw words of a
        chunk are found with one regex call per text, and the stop-word and plural
        rules run once per distinct word, not per occurrence.
        """
        from scipy import sparse

        vocab = self.vocabulary
        term_of: dict[str, int] = {}  # raw word -> term column, -1 for stop words
        blocks = []
        for start in range(0, len(texts), chunk):
            words = [WORD.findall(text.lower()) for text in texts[start : start + chunk]]
            flat = list(itertools.chain.from_iterable(words))
            for word in set(flat).difference(term_of):
                term = normalize_token(word)
                term_of[word] = -1 if term is None else vocab.setdefault(term, len(vocab))
            terms = np.fromiter(map(term_of.__getitem__, flat), dtype=np.int64, count=len(flat))
            rows = np.repeat(np.arange(len(words)), np.fromiter(map(len, words), dtype=np.int64, count=len(words)))
            keep = terms >= 0
            ones = np.ones(int(keep.sum()), dtype=np.float32)
            block = sparse.coo_matrix((ones, (rows[keep], terms[keep])), shape=(len(words), len(vocab)))
            blocks.append(block.tocsr())  # duplicates summed, 32-bit indices: a third of the COO's memory
        n_terms = max(len(vocab), 1)
        if not blocks:
            return sparse.csr_matrix((0, n_terms))
        for block in blocks:  # earlier blocks were made when the vocabulary was smaller
            block.resize((block.shape[0], n_terms))
        return sparse.vstack(blocks, format="csr")

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
