"""Concept similarity: TF-IDF key phrases, nearest papers, and the concept graph.

:class:`ConceptModel` is a scikit-learn style estimator: ``__init__`` only stores
parameters, :meth:`ConceptModel.fit` reads a corpus and sets the attributes that
end in ``_``. Each paper becomes one L2-normalised TF-IDF row over its title
(counted ``title_weight`` times) and abstract, with LaTeX markup stripped,
English stop words removed and plurals folded. The features are key phrases:
single words and pairs of adjacent words, never across punctuation or a stop
word, so "low-rank adaptation" yields "low", "rank", "adaptation", "low rank"
and "rank adaptation".

The module functions below are what :class:`paperlens.Corpus` delegates to
(``corpus.concept_graph()``, ``corpus.similar()``, ``corpus.concepts()``,
``corpus.concept_model()``). A model is fitted once per corpus and parameter
set and cached on the *root* corpus: a filtered or searched subset reuses the
root's model (its vocabulary and weights) and only restricts the neighbours to
its own papers, which takes a fraction of a second on a few thousand papers.

Examples
--------
>>> import paperlens as pl
>>> corpus = pl.load_sample()
>>> model = pl.ConceptModel().fit(corpus)
>>> model.matrix_.shape[0] == len(corpus)
True
>>> "low rank" in dict(model.concepts("2410.13618", 10))  # LoLDU: Low-Rank Adaptation via ...
True
>>> graph = corpus.concept_graph(k=5)
>>> all(0 < w <= 1 for _, _, w in graph.edges(data="weight"))
True
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidArgumentError, NotFittedError, PaperlensError, PaperNotFoundError
from ..record import Paper
from ..text import STOP_WORDS, strip_latex

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from scipy import sparse

    from ..corpus import Corpus

__all__ = [
    "ConceptModel",
    "NotFittedError",
    "concept_graph",
    "concept_links",
    "concepts",
    "find_fitted_model",
    "fitted_model",
    "links_graph",
    "shared_concepts",
    "similar",
]


# --------------------------------------------------------------------------- text analysis

# Phrases never run across punctuation, brackets, quotes, symbols or a stop word; hyphens and dashes
# separate words but not phrases ("low-rank" gives "low rank").
_BREAK = "\x00"
_TEXT_TABLE = str.maketrans(
    {
        **{ch: f" {_BREAK} " for ch in '.,;:!?()[]{}"“”«»<>=/|\\+*&^%#@~`$§•·…'},
        **{ch: " " for ch in "-‐‑‒–—_"},
        "’": "'",
        "‘": "'",
    }
)


def _ascii_table() -> bytes:
    """:data:`_TEXT_TABLE`, lower case and white space for ASCII bytes, one byte each: a phrase break
    becomes NUL (spaced out after), white space a space, a NUL of the text ``\\x01`` (still no term)."""
    table = bytearray(range(256))
    for byte in range(128):
        char = chr(byte).translate(_TEXT_TABLE).lower()
        if char == f" {_BREAK} ":
            table[byte] = 0
        elif char.isspace():  # what str.split() splits on, "-" and "_" included (they became a space)
            table[byte] = 32
        elif char == _BREAK:
            table[byte] = 1
        else:
            table[byte] = ord(char)
    return bytes(table)


_ASCII_TABLE = _ascii_table()
_BREAK_BYTES = f" {_BREAK} ".encode("ascii")
_LATEX_CHARS = re.compile(r"[$\\{}]")  # strip_latex changes no text without one of them


def _fold_plural(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class _Analyzer:
    """Turns a (title, abstract) pair into key-phrase features, remembering how each word was written."""

    def __init__(self, stop_words: frozenset[str], ngram_range: tuple[int, int], title_weight: int) -> None:
        self.stop_words = stop_words
        self.low, self.high = ngram_range
        self.title_weight = title_weight
        self.folded: dict[str, str | None] = {}  # token as written -> folded word (None: not a term)

    def _fold(self, token: str) -> str | None:
        word = token.strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        if (
            len(word) < 2
            or word in self.stop_words
            or not word.isalnum()  # symbols, inner apostrophes ("don't"), the phrase break
            or word.isdigit()
        ):
            return None
        folded = _fold_plural(word)
        return None if folded in self.stop_words else folded

    @staticmethod
    def tokens(text: str) -> list[str]:
        """The text's tokens as written (lower case), phrase breaks included (``_BREAK``)."""
        return strip_latex(text).translate(_TEXT_TABLE).lower().split()

    def encode(self, text: str) -> bytes:
        """The text's tokens as bytes, space-separated, for the compiled counting (:func:`_count_phrases`).

        ASCII text is translated at C speed (:data:`_ASCII_TABLE`, markup stripped only if the text has
        any); any other goes through :meth:`tokens`. Both give the tokens of :meth:`tokens`, in UTF-8,
        except that a NUL inside an ASCII token reads as ``\\x01`` (such a token is never a term).
        """
        if text.isascii():
            if _LATEX_CHARS.search(text):
                text = strip_latex(text, tidy=False)  # tidying only moves spaces: the same tokens
            return text.encode("ascii").translate(_ASCII_TABLE).replace(b"\x00", _BREAK_BYTES)
        return " ".join(self.tokens(text)).encode("utf-8", "surrogatepass")

    def phrases(self, text: str) -> list[str]:
        out: list[str] = []
        append = out.append
        folded, fold = self.folded, self._fold
        tokens = self.tokens(text)
        if (self.low, self.high) == (1, 2):  # the common case, kept lean
            prev = None
            for token in tokens:
                term = folded.get(token, "")
                if term == "":
                    term = folded[token] = fold(token)
                if term is None:
                    prev = None
                    continue
                append(term)
                if prev is not None:
                    append(prev + " " + term)
                prev = term
            return out
        run: list[str] = []
        low, high = self.low, self.high
        for token in tokens:
            term = folded.get(token, "")
            if term == "":
                term = folded[token] = fold(token)
            if term is None:
                run = []
                continue
            run.append(term)
            for n in range(low, min(high, len(run)) + 1):
                append(term if n == 1 else " ".join(run[-n:]))
        return out

    def __call__(self, doc: tuple[str | None, str | None]) -> list[str]:
        title, abstract = doc
        out = self.phrases(title) * self.title_weight if isinstance(title, str) else []
        if isinstance(abstract, str):
            out.extend(self.phrases(abstract))
        return out

    def spellings(self) -> dict[str, str]:
        """Each folded word as written: the folded word if it occurs as such, else its first spelling."""
        spelled: dict[str, str] = {}
        for token, term in self.folded.items():
            if term is None:
                continue
            word = token.strip("'")
            word = word[:-2] if word.endswith("'s") else word
            if term not in spelled or word == term:
                spelled[term] = word
        return spelled

    def display_names(self, terms: Sequence[str]) -> list[str]:
        """Show each folded term as written (see :meth:`spellings`)."""
        spelled = self.spellings()
        return [" ".join(spelled.get(w, w) for w in term.split(" ")) for term in terms]


# Fitting counts the phrases with compiled code (:func:`_count_phrases`); ``False`` counts them in Python,
# one document after the other, as :meth:`ConceptModel.transform` does (the tests compare the two).
_COMPILED = True
_CHUNK = 8192  # papers whose texts the compiled counting reads at once (one chunk read while another is counted)
_DICT_SLICE = 100_000  # keys added to a big dict at once (the GIL is released between slices)


class _Phrases:
    """The phrases of a corpus, counted.

    ``counts`` is papers x phrases (CSR, float32, sorted indices, columns in order of first sight, as the
    analyzer lists the phrases); ``words`` is each column's words as positions in ``stems`` (the folded
    words, each once), in order and padded with -1.
    """

    def __init__(self, counts: sparse.csr_matrix | None, words: np.ndarray, stems: list[str]) -> None:
        self.counts, self.words, self.stems = counts, words, stems

    def alphabetical(self, columns: np.ndarray) -> np.ndarray:
        """The order that sorts ``columns`` by their phrase, as strings sort.

        Words hold no space and sort after it, so phrases sort as their sequences of word ranks
        (a shorter phrase before a longer one it begins).
        """
        rank = np.empty(len(self.stems), dtype=np.int64)
        rank[sorted(range(len(self.stems)), key=self.stems.__getitem__)] = np.arange(len(self.stems))
        words = self.words[columns]
        ranks = np.where(words >= 0, rank[np.maximum(words, 0)], -1) + 1  # 0: no word
        base = len(self.stems) + 1
        if base ** words.shape[1] < 2**62:  # one integer per phrase
            key = np.zeros(len(columns), dtype=np.int64)
            for n in range(words.shape[1]):
                key = key * base + ranks[:, n]
            return np.argsort(key, kind="stable")
        return np.lexsort(ranks.T[::-1])

    def text(self, columns: np.ndarray, spelling: Sequence[str]) -> list[str]:
        """Each column's phrase, word ``i`` written ``spelling[i]`` (the stems, or how they are shown)."""
        from ._concepts_kernel import join_words

        if len(columns) == 0:
            return []
        encoded = [word.encode("utf-8", "surrogatepass") for word in spelling]
        starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=starts[1:])
        joined = join_words(self.words[columns], np.frombuffer(b"".join(encoded), dtype=np.uint8), starts)
        return joined.tobytes().decode("utf-8", "surrogatepass").split("\n")


def _count_phrases(analyzer: _Analyzer, docs: Sequence[tuple[Any, Any]]) -> _Phrases:
    """The phrases of ``docs`` ((title, abstract) pairs) counted as :func:`_count_python` counts them.

    The texts of :data:`_CHUNK` papers at a time become one byte buffer (:meth:`_Analyzer.encode`); compiled
    code numbers its tokens (:func:`paperlens._words_kernel.split_words`); each distinct token is folded
    once, in Python (:meth:`_Analyzer._fold`, recorded in ``analyzer.folded`` in order of first sight, as
    the Python analyzer records it); compiled code numbers the phrases
    (:class:`paperlens.graphs._concepts_kernel.GramTable`) and counts them per paper
    (:func:`paperlens._words_kernel.count_terms`).
    """
    from scipy import sparse

    if not _COMPILED:
        counts, vocabulary = _count_python(analyzer, docs)
        stems: dict[str, int] = {}
        words = np.full((len(vocabulary), analyzer.high), -1, dtype=np.int64)
        for j, phrase in enumerate(vocabulary):  # in column order
            for n, word in enumerate(phrase.split(" ")):
                words[j, n] = stems.setdefault(word, len(stems))
        return _Phrases(counts, words, list(stems))

    from concurrent.futures import ThreadPoolExecutor

    from .._words_kernel import count_terms
    from ._concepts_kernel import GramTable

    table = GramTable(analyzer.low, analyzer.high, analyzer.title_weight)
    folded, fold = analyzer.folded, analyzer._fold
    term_of: dict[bytes, int] = {}  # token -> its folded word's number in stems, -1: not a term
    stems = {}
    indptrs, indices, values = [np.zeros(1, dtype=np.int64)], [], []
    parts = [docs[start : start + _CHUNK] for start in range(0, len(docs), _CHUNK)]
    # A chunk's reading (encoding, splitting) and counting (once its phrases are numbered) depend on no other
    # chunk: one thread does them, the next chunk's reading while this one's phrases are numbered, in order.
    # Words are folded and phrases numbered here, chunk after chunk, as one thread would: the same result.
    with ThreadPoolExecutor(1) as helper:
        ahead = helper.submit(_read_chunk, analyzer.encode, parts[0]) if parts else None
        counted = []
        for i, part in enumerate(parts):
            tokens, texts, distinct = ahead.result()
            if i + 1 < len(parts):
                ahead = helper.submit(_read_chunk, analyzer.encode, parts[i + 1])
            for word in distinct:
                if word not in term_of:  # a new token, in order of first sight
                    token = word.decode("utf-8", "surrogatepass")
                    term = folded.get(token, "")
                    if term == "":
                        term = folded[token] = fold(token)
                    term_of[word] = -1 if term is None else stems.setdefault(term, len(stems))
            term_of_token = np.fromiter(map(term_of.__getitem__, distinct), np.int64, len(distinct))
            del distinct
            grams, doc_of = table.feed(tokens, texts, term_of_token)
            # gram_column's entries for this chunk's phrases are final: the next chunks only add phrases
            counted.append(helper.submit(count_terms, grams, doc_of, table.gram_column, len(part)))
        for done in counted:
            indptr, columns, counts = done.result()
            indptrs.append(indptr[1:] + indptrs[-1][-1])
            indices.append(columns)
            values.append(counts)
    counts = sparse.csr_matrix(
        (
            np.concatenate(values) if values else np.zeros(0, dtype=np.float32),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
            np.concatenate(indptrs),
        ),
        shape=(len(docs), table.n_columns),
    )
    counts.has_sorted_indices = True  # and no duplicates: canonical, as sum_duplicates leaves it
    return _Phrases(counts, table.words(), list(stems))


def _read_chunk(
    encode: Callable[[str], bytes], part: Sequence[tuple[Any, Any]]
) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """A chunk of papers' tokens: ``(word, text, distinct)``, each occurrence's word number and text number
    (:func:`paperlens._words_kernel.split_words`), and each word number's bytes."""
    from .._words_kernel import split_words

    pieces = [encode(text) if isinstance(text, str) else b"" for doc in part for text in doc]
    ends = np.cumsum(np.fromiter(map(len, pieces), np.int64, len(pieces)) + 1)
    joined = b" ".join(pieces)
    del pieces
    tokens, texts, first, lengths = split_words(np.frombuffer(joined, dtype=np.uint8), ends)
    return tokens, texts, [joined[s : s + n] for s, n in zip(first.tolist(), lengths.tolist(), strict=True)]


def _count(analyzer: _Analyzer, docs: Sequence[tuple[Any, Any]], vocabulary: dict[str, int] | None = None):
    """Phrase counts of each document (CSR, float32) and the phrase -> column mapping.

    Without a ``vocabulary``, every phrase seen gets a column, in order of first sight (compiled:
    :func:`_count_phrases`); with one, unknown phrases are ignored (:func:`_count_python`).
    """
    if vocabulary is not None or not _COMPILED:
        return _count_python(analyzer, docs, vocabulary)
    found = _count_phrases(analyzer, docs)
    n = found.counts.shape[1]
    return found.counts, dict(zip(found.text(np.arange(n), found.stems), range(n), strict=True))


def _count_python(analyzer: _Analyzer, docs: Sequence[tuple[Any, Any]], vocabulary: dict[str, int] | None = None):
    """Phrase counts of each document (CSR, float32) and the phrase -> column mapping.

    Without a ``vocabulary``, every phrase seen gets a column; with one, unknown phrases are ignored.
    """
    from collections import defaultdict

    from scipy import sparse

    grow = vocabulary is None
    if grow:
        vocabulary = defaultdict(None)
        vocabulary.default_factory = vocabulary.__len__  # a new phrase gets the next column
        lookup = vocabulary.__getitem__
    else:
        get = vocabulary.get
    columns: list[np.ndarray] = []  # one small int32 array per document: far less memory than a list of ints
    lengths = np.zeros(len(docs), dtype=np.int64)
    for i, doc in enumerate(docs):
        features = analyzer(doc)
        if grow:
            found = np.fromiter(map(lookup, features), dtype=np.int32, count=len(features))
        else:
            found = np.fromiter((j for j in map(get, features) if j is not None), dtype=np.int32)
        columns.append(found)
        lengths[i] = len(found)
    if grow:
        vocabulary.default_factory = None  # from now on an unknown phrase is a KeyError, as in a dict
    indices = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32)
    del columns
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    counts = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(docs), len(vocabulary))
    )
    counts.sum_duplicates()
    return counts, vocabulary


def _limit(value: int | float, n_docs: int, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or value < 0:
        raise InvalidArgumentError(f"{name} must be a number of papers or a fraction of them, not {value!r}")
    return float(value) * n_docs if isinstance(value, (float, np.floating)) else float(value)


def _weigh(counts, idf: np.ndarray, sublinear: bool):
    """TF-IDF rows: (1 + log tf) or tf, times idf, each row scaled to length 1 (empty rows stay 0)."""
    from scipy import sparse

    weights = counts.astype(np.float32, copy=True)
    if sublinear:
        np.log(weights.data, out=weights.data)
        weights.data += 1
    weights.data *= idf[weights.indices]
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    weights = sparse.diags(np.where(norms > 0, 1 / np.maximum(norms, 1e-30), 0).astype(np.float32)) @ weights
    weights = weights.astype(np.float32).tocsr()
    weights.sort_indices()
    return weights


def _stop_words(stop_words: str | Iterable[str] | None) -> frozenset[str]:
    if stop_words is None:
        return frozenset()
    if isinstance(stop_words, str):
        if stop_words != "english":
            raise InvalidArgumentError(f"stop_words must be 'english', None or a list of words, not {stop_words!r}")
        return frozenset(STOP_WORDS | _sklearn_stop_words())
    return frozenset(w.lower() for w in stop_words)


@functools.cache
def _sklearn_stop_words() -> frozenset[str]:
    """scikit-learn's ``ENGLISH_STOP_WORDS``, read from its file without importing scikit-learn (0.6 s).

    The list is a module of its own (``sklearn/feature_extraction/_stop_words.py``, one frozenset);
    if it is not where it was, scikit-learn is imported.
    """
    import importlib.util
    import sys
    from pathlib import Path

    loaded = sys.modules.get("sklearn.feature_extraction.text")
    if loaded is None:
        with contextlib.suppress(Exception):
            spec = importlib.util.find_spec("sklearn")
            folder = Path(next(iter(spec.submodule_search_locations)))
            path = folder / "feature_extraction" / "_stop_words.py"
            namespace: dict[str, Any] = {}
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
            words = namespace["ENGLISH_STOP_WORDS"]
            if isinstance(words, frozenset) and len(words) > 100 and all(isinstance(w, str) for w in words):
                return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _word_sets(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The words of each term as numbers, sorted and distinct: ``(word_ptr, words)``, term ``t``'s words being
    ``words[word_ptr[t]:word_ptr[t + 1]]`` (what :func:`paperlens.graphs._phrase_kernel.pick_phrases` reads)."""
    number: dict[str, int] = {}
    ptr, flat = [0], []
    for term in terms:
        flat.extend(sorted({number.setdefault(word, len(number)) for word in term.split(" ")}))
        ptr.append(len(flat))
    return np.array(ptr, dtype=np.int64), np.array(flat, dtype=np.int64)


def _number_sets(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_word_sets` of terms given as rows of word numbers (padded with -1): each row sorted, distinct."""
    rows = np.sort(words, axis=1)
    keep = rows >= 0
    keep[:, 1:] &= rows[:, 1:] != rows[:, :-1]
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(keep.sum(axis=1), out=ptr[1:])
    return ptr, rows[keep].astype(np.int64)


def _readable(terms: np.ndarray, scores: np.ndarray, n: int) -> list[tuple[str, float]]:
    """The ``n`` best terms by score, without repeating words (the rule of
    :func:`paperlens.graphs._phrase_kernel.pick_phrases`: "low rank" rather than "low rank" and "rank")."""
    return _readable_rows(terms, [(np.arange(len(scores)), scores)], n)[0]


def _readable_rows(
    terms: np.ndarray, rows: Sequence[tuple[np.ndarray, np.ndarray]], n: int, words: np.ndarray | None = None
) -> list[list[tuple[str, float]]]:
    """:func:`_readable` of many lists at once (one compiled pick): row ``r`` scores ``terms[rows[r][0]]``
    with ``rows[r][1]``. ``words``, if given, is each term's words as numbers (one per distinct word, padded
    with -1), read instead of splitting the terms' text."""
    from ._phrase_kernel import pick_phrases

    width = 4 * n + 10
    chosen, ranked = [], []  # each row's best columns and their scores, best first (equal scores in order)
    for cols, scores in rows:
        order = np.argsort(-scores, kind="stable")[:width]
        chosen.append(np.asarray(cols, dtype=np.int64)[order])
        ranked.append(np.asarray(scores, dtype=np.float64)[order])
    counts = np.array([len(c) for c in chosen], dtype=np.int64)
    every = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    used, local = np.unique(every, return_inverse=True)
    names = [str(term) for term in terms[used]]
    table = np.zeros((len(rows), int(counts.max()) if len(rows) else 0), dtype=np.int64)
    values = np.zeros(table.shape, dtype=np.float64)
    inside = np.arange(table.shape[1]) < counts[:, None]
    table[inside], values[inside] = local.reshape(-1), np.concatenate(ranked) if ranked else every
    sets = _word_sets(names) if words is None else _number_sets(words[used])
    picked, picked_scores = pick_phrases(counts, table, values, *sets, n)
    return [
        [(names[t], s) for t, s in zip(row, row_scores, strict=True) if t >= 0]
        for row, row_scores in zip(picked.tolist(), picked_scores.tolist(), strict=True)
    ]


# --------------------------------------------------------------------------- the estimator

_PARAMS = (
    "max_features",
    "ngram_range",
    "min_df",
    "max_df",
    "stop_words",
    "title_weight",
    "sublinear_tf",
    "n_neighbors",
    "method",
    "n_jobs",
    "random_state",
)
# Options of the neighbour search only: they never change the fitted model (nor, for n_jobs, the result).
_SEARCH_OPTIONS = ("method", "n_jobs")


class ConceptModel:
    """TF-IDF key phrases and nearest papers of a corpus (scikit-learn style).

    Parameters
    ----------
    max_features : int, optional
        Keep only the most frequent phrases (``None``: all).
    ngram_range : (int, int), default (1, 2)
        Shortest and longest phrase in words; ``(1, 2)`` = words and word pairs.
    min_df, max_df : int or float
        Drop phrases in fewer / more papers than this (a count, or a fraction of papers if float).
    stop_words : "english", list of str or None, default "english"
        ``"english"`` (paperlens's list plus scikit-learn's), ``None``, or your own list of words.
    title_weight : int, default 2
        How many times the title counts (the abstract counts once).
    sublinear_tf : bool, default True
        Use ``1 + log(tf)`` instead of raw counts.
    n_neighbors : int, default 10
        How many neighbours :attr:`neighbors_` holds per paper.
    method : {"auto", "exact", "approximate"}, default "auto"
        The neighbour search; see :mod:`paperlens.graphs.knn`.
    n_jobs : int, optional
        Processes the approximate search may use (``None``: :func:`paperlens.graphs.knn.default_jobs`,
        one per CPU up to 4 from 40,000 papers; ``1``: this process only). The result does not depend on it.
    random_state : int or None, default 0
        Kept for scikit-learn compatibility (both neighbour searches are deterministic).

    Attributes
    ----------
    vocabulary_ : dict
        Each phrase (as written in the papers) mapped to its column (set by :meth:`fit`, like every
        attribute here; this one is made on first use).
    terms_ : numpy.ndarray
        The phrases, by column.
    idf_ : numpy.ndarray
        Inverse document frequency of each phrase.
    matrix_ : scipy.sparse.csr_matrix
        Papers x phrases, float32, rows L2-normalised (empty rows stay 0).
    ids_ : list of str
        The paper ids, one per row.
    has_text_ : numpy.ndarray
        Boolean, ``False`` for papers with no phrase (no title words, no abstract).
    corpus_ : Corpus
        The fitted corpus.
    neighbors_, similarities_ : numpy.ndarray
        ``(n_papers, n_neighbors)`` arrays of row positions (-1: none) and cosine similarities, best
        first; computed on first access.

    Examples
    --------
    >>> import paperlens as pl
    >>> model = pl.ConceptModel(n_neighbors=3)
    >>> model
    ConceptModel(n_neighbors=3)
    >>> model.neighbors_
    Traceback (most recent call last):
    ...
    paperlens.errors.NotFittedError: This ConceptModel is not fitted yet: call fit(corpus) first.
    >>> model = model.fit(pl.load_sample())
    >>> model.neighbors_.shape
    (69, 3)
    >>> [phrase for phrase, _ in model.explain("2410.13618", "2310.10700", 2)]  # LoLDU and PELA
    ['low rank', 'parameter efficient']
    """

    def __init__(
        self,
        *,
        max_features: int | None = None,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int | float = 1,
        max_df: int | float = 1.0,
        stop_words: str | Iterable[str] | None = "english",
        title_weight: int = 2,
        sublinear_tf: bool = True,
        n_neighbors: int = 10,
        method: str = "auto",
        n_jobs: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.max_features = max_features
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.stop_words = stop_words
        self.title_weight = title_weight
        self.sublinear_tf = sublinear_tf
        self.n_neighbors = n_neighbors
        self.method = method
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ estimator protocol

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters, as a dict.

        >>> ConceptModel(min_df=2).get_params()["min_df"]
        2
        """
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> ConceptModel:
        """Change parameters (takes effect at the next :meth:`fit`); returns the model."""
        for name, value in params.items():
            if name not in _PARAMS:
                from ..errors import FieldError

                raise FieldError(name, _PARAMS, what="ConceptModel parameter")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = ConceptModel().get_params()
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k]]
        return f"ConceptModel({', '.join(changed)})"

    def _check_fitted(self) -> None:
        if "matrix_" not in self.__dict__:
            raise NotFittedError("This ConceptModel is not fitted yet: call fit(corpus) first.")

    def _validate(self) -> tuple[int, int]:
        from .knn import METHODS

        try:
            low, high = (int(v) for v in self.ngram_range)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"ngram_range must be a (low, high) pair, not {self.ngram_range!r}") from None
        if not 1 <= low <= high:
            raise InvalidArgumentError(f"ngram_range must satisfy 1 <= low <= high, not {self.ngram_range!r}")
        if self.method not in METHODS:
            raise InvalidArgumentError(f"method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if int(self.n_neighbors) < 1:
            raise InvalidArgumentError(f"n_neighbors must be at least 1, not {self.n_neighbors!r}")
        if int(self.title_weight) < 1:
            raise InvalidArgumentError(f"title_weight must be at least 1, not {self.title_weight!r}")
        return low, high

    def fit(self, corpus: Corpus | Iterable[Paper], y: Any = None) -> ConceptModel:
        """Learn the phrases and weights of a corpus (a :class:`~paperlens.Corpus` or papers); returns the model.

        The weights are scikit-learn's TF-IDF (smooth idf ``ln((1 + n) / (1 + df)) + 1``,
        optionally sublinear tf, rows scaled to length 1) over the phrases above.
        """
        from ..corpus import Corpus

        if not isinstance(corpus, Corpus):
            corpus = Corpus(corpus)
        low, high = self._validate()
        table = corpus.df
        n_docs = len(table)
        docs = list(zip(table["title"].tolist(), table["abstract"].tolist(), strict=True))
        analyzer = _Analyzer(_stop_words(self.stop_words), (low, high), int(self.title_weight))
        found = _count_phrases(analyzer, docs)
        counts = found.counts
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = (df >= _limit(self.min_df, n_docs, "min_df")) & (df <= _limit(self.max_df, n_docs, "max_df"))
        if self.max_features is not None and keep.sum() > int(self.max_features):
            totals = np.asarray(counts.sum(axis=0)).ravel()
            best = np.flatnonzero(keep)[np.argsort(-totals[keep], kind="stable")[: int(self.max_features)]]
            keep = np.zeros_like(keep)
            keep[best] = True
        if not keep.any():
            why = "no words besides stop words" if not counts.shape[1] else "min_df, max_df or max_features removed all"
            raise PaperlensError(f"cannot fit a concept model on this corpus: no phrase left ({why})")
        kept = np.flatnonzero(keep)
        kept = kept[found.alphabetical(kept)]  # alphabetical, like scikit-learn
        counts = counts[:, kept].tocsr()
        df = df[kept]
        idf = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
        matrix = _weigh(counts, idf, bool(self.sublinear_tf))
        spelled = analyzer.spellings()
        names = found.text(kept, [spelled.get(word, word) for word in found.stems])
        self._analyzer = analyzer
        for lazy in ("_vocabulary", "_stem_columns"):  # the mappings of an earlier fit
            self.__dict__.pop(lazy, None)
        self._kept_phrases = _Phrases(None, found.words[kept], found.stems)  # for _stems, built on first use
        self.terms_ = np.array(names, dtype=object)
        self.idf_ = idf
        self.ids_ = table["id"].tolist()
        self._titles = table["title"].to_numpy(dtype=object)
        self.has_text_ = np.diff(matrix.indptr) > 0
        self.corpus_ = corpus
        self.matrix_ = matrix
        self._knn: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        return self

    @property
    def vocabulary_(self) -> dict[str, int]:
        """Each phrase (as written in the papers) mapped to its column (made from :attr:`terms_` on first use)."""
        vocabulary = self.__dict__.get("_vocabulary")
        if vocabulary is None:
            self._check_fitted()
            terms = self.terms_.tolist()
            vocabulary = self.__dict__["_vocabulary"] = dict(zip(terms, range(len(terms)), strict=True))
        return vocabulary

    @vocabulary_.setter
    def vocabulary_(self, vocabulary: dict[str, int]) -> None:
        self.__dict__["_vocabulary"] = vocabulary

    @property
    def _stems(self) -> dict[str, int]:
        """Each phrase as folded (plurals, case) mapped to its column, made on first use (a transform)."""
        stems = self.__dict__.get("_stem_columns")
        if stems is None:
            self._check_fitted()
            phrases = self._kept_phrases
            folded = phrases.text(np.arange(len(phrases.words)), phrases.stems)
            # Filled a slice at a time: one dict(zip(...)) of 1.45M new strings holds the GIL for half a second,
            # which a thread finding the explorer's topics would take from the kernel (the same dict either way).
            stems = {}
            for lo in range(0, len(folded), _DICT_SLICE):
                part = folded[lo : lo + _DICT_SLICE]
                stems.update(zip(part, range(lo, lo + len(part)), strict=True))
            self.__dict__["_stem_columns"] = stems
        return stems

    @_stems.setter
    def _stems(self, stems: dict[str, int]) -> None:
        self.__dict__["_stem_columns"] = stems

    def transform(self, papers: Iterable[Paper] | Corpus) -> sparse.csr_matrix:
        """TF-IDF rows of (possibly new) papers with the fitted phrases and weights.

        >>> import paperlens as pl
        >>> model = pl.ConceptModel().fit(pl.load_sample())
        >>> new = pl.Paper.create(title="Low-rank adapters for model soups")
        >>> row = model.transform([new])
        >>> sorted(model.terms_[row.indices])[:3]
        ['adapter', 'low', 'low rank']
        """
        self._check_fitted()
        docs = [(p.title, p.abstract) for p in papers]
        counts, _ = _count(self._analyzer, docs, self._stems)
        return _weigh(counts, self.idf_, bool(self.sublinear_tf))

    # ------------------------------------------------------------------ neighbours

    def kneighbors(
        self,
        k: int | None = None,
        *,
        rows: Sequence[int] | np.ndarray | None = None,
        method: str | None = None,
        n_jobs: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar papers of every paper: ``(indices, similarities)``, best first.

        ``indices`` are row positions (-1: no neighbour). With ``rows`` (row
        positions of the fitted corpus), neighbours are searched among those rows
        only, and indices are positions *within* ``rows``.

        The exact search ranks each paper's neighbours in a total order (best first, equal
        similarities by smaller row), so the first ``k`` of an exact search for more are the
        search for ``k``: an exact search kept from an earlier call for a larger ``k`` is cut,
        not repeated (the concept graph's 10 from the map's 15). The approximate search is
        never cut (its candidates depend on ``k``).

        >>> import paperlens as pl
        >>> model = pl.ConceptModel().fit(pl.load_sample())
        >>> indices, similarities = model.kneighbors(3)
        >>> indices.shape, bool((similarities[:, 0] >= similarities[:, 2]).all())
        ((69, 3), True)
        >>> wide, cut = model.kneighbors(8), model.kneighbors(5)  # the 5 cut from the 8
        >>> searched = pl.ConceptModel().fit(pl.load_sample()).kneighbors(5)
        >>> bool((cut[0] == wide[0][:, :5]).all() and (cut[0] == searched[0]).all())
        True
        """
        from .knn import chosen_method, kneighbors

        self._check_fitted()
        k = int(self.n_neighbors if k is None else k)
        method = method or self.method
        n_jobs = self.n_jobs if n_jobs is None else n_jobs
        if rows is not None:
            return kneighbors(self.matrix_[np.asarray(rows, dtype=np.int64)], k, method=method, n_jobs=n_jobs)
        key = (k, method)  # not n_jobs: the neighbours do not depend on it
        if key not in self._knn:
            n = self.matrix_.shape[0]
            wider = [
                kept
                for kept in self._knn
                if kept[0] > k and chosen_method(kept[1], n) == "exact" == chosen_method(method, n)
            ]
            if wider:
                indices, sims = self._knn[min(wider)]
                self._knn[key] = (np.ascontiguousarray(indices[:, :k]), np.ascontiguousarray(sims[:, :k]))
            else:
                self._knn[key] = kneighbors(
                    self.matrix_, k, method=method, random_state=self.random_state, n_jobs=n_jobs
                )
        return self._knn[key]

    @property
    def neighbors_(self) -> np.ndarray:
        """Row positions of each paper's ``n_neighbors`` nearest papers (-1: none)."""
        self._check_fitted()
        return self.kneighbors()[0]

    @property
    def similarities_(self) -> np.ndarray:
        """Cosine similarities matching :attr:`neighbors_`."""
        self._check_fitted()
        return self.kneighbors()[1]

    # ------------------------------------------------------------------ reading the model

    def _row(self, paper: str | Paper | int) -> int:
        self._check_fitted()
        if isinstance(paper, (int, np.integer)) and not isinstance(paper, bool):
            if not -len(self.ids_) <= paper < len(self.ids_):
                raise PaperNotFoundError(paper)
            return int(paper) % len(self.ids_)
        return self.corpus_.position(paper)

    def _vector(self, paper: str | Paper | int) -> np.ndarray:
        """The dense TF-IDF row of a fitted paper, or of a new :class:`Paper`."""
        self._check_fitted()
        if isinstance(paper, Paper) and paper not in self.corpus_:
            return self.transform([paper]).toarray().ravel()
        return self.matrix_[self._row(paper)].toarray().ravel()

    def concepts(self, paper: str | Paper | int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` key phrases of a paper with their TF-IDF weights, strongest first.

        A phrase whose words are all in a stronger phrase is skipped ("rank"
        after "low rank"). ``paper`` is an id (any identifier form), a row
        position, or a :class:`Paper` (new papers are weighted with the fitted vocabulary).

        >>> import paperlens as pl
        >>> model = pl.ConceptModel().fit(pl.load_sample())
        >>> [phrase for phrase, _ in model.concepts("2203.05482", 3)]  # Model soups: averaging weights of ...
        ['model soup', 'hyperparameter', 'improve accuracy']
        """
        self._check_fitted()
        return _readable(self.terms_, self._vector(paper), n)

    def explain(self, a: str | Paper | int, b: str | Paper | int, n: int = 5) -> list[tuple[str, float]]:
        """The phrases two papers share that contribute most to their similarity.

        Each score is the product of the phrase's weights in both papers; the
        scores of all shared phrases add up to the cosine similarity.
        """
        self._check_fitted()
        return _readable(self.terms_, self._vector(a) * self._vector(b), n)

    def similar(self, paper: str | Paper | int, n: int = 10) -> pd.DataFrame:
        """The ``n`` papers most similar to ``paper``: id, title, similarity, shared_concepts.

        >>> import paperlens as pl
        >>> model = pl.ConceptModel().fit(pl.load_sample())
        >>> model.similar("2410.13618", 3).columns.tolist()
        ['id', 'title', 'similarity', 'shared_concepts']
        """
        self._check_fitted()
        return _similar_table(self, paper, n, np.arange(len(self.ids_)))

    def describe(self, ids: Iterable[str], n: int = 5) -> list[str]:
        """The ``n`` phrases that best describe a group of papers (e.g. a community), best first.

        Phrases are ranked by how much more weight they have in the group than
        in the whole corpus (the group's mean TF-IDF row minus the corpus's), so
        a label says what sets the group apart; for the whole corpus, by mean weight.

        >>> import paperlens as pl
        >>> corpus = pl.load_sample()
        >>> model = pl.ConceptModel().fit(corpus)
        >>> "low rank" in model.describe(corpus.search("low-rank").ids, 3)
        True
        """
        return self.describe_groups([ids], n)[0]

    def describe_groups(
        self, groups: Iterable[Iterable[str]], n: int = 5, *, skip_words: Iterable[str] = ()
    ) -> list[list[str]]:
        """:meth:`describe` of many groups at once (one sparse product, not one dense row per group).

        A phrase containing any of ``skip_words`` is left out (e.g. the stop
        words of other languages, which the English model keeps as phrases).

        >>> import paperlens as pl
        >>> corpus = pl.load_sample()
        >>> model = pl.ConceptModel().fit(corpus)
        >>> groups = [corpus.search("low-rank").ids, corpus.search("semi-supervised").ids]
        >>> model.describe_groups(groups, 3) == [model.describe(group, 3) for group in groups]
        True
        """
        from scipy import sparse

        self._check_fitted()
        members = [np.unique([self._row(i) for i in ids]).astype(np.int64) for ids in groups]
        sizes = np.array([len(rows) for rows in members], dtype=np.int64)
        n_rows = len(self.ids_)
        indicator = sparse.csr_matrix(
            (
                np.repeat(1.0 / np.maximum(sizes, 1), sizes),
                np.concatenate(members) if members else np.zeros(0, dtype=np.int64),
                np.concatenate([[0], np.cumsum(sizes)]),
            ),
            shape=(len(members), n_rows),
        )
        X = self.matrix_.astype(np.float64)
        means = (indicator @ X).tocsr()  # each group's mean row
        means.sort_indices()
        overall = np.asarray(X.mean(axis=0)).ravel()
        skip = frozenset(skip_words)
        allowed = None
        if skip:  # kept for the next call with the same words (a pass over every phrase)
            held = self.__dict__.get("_allowed")
            if held is None or held[0] != skip:
                held = (skip, self._without_words(skip))
                self.__dict__["_allowed"] = held
            allowed = held[1]
        rows = []
        for g, size in enumerate(sizes.tolist()):
            lo, hi = means.indptr[g], means.indptr[g + 1]
            cols, scores = means.indices[lo:hi], means.data[lo:hi]
            if size < n_rows:  # what sets the group apart; only its own phrases can score above 0
                scores = scores - overall[cols]
            if allowed is not None:
                keep = allowed[cols]
                cols, scores = cols[keep], scores[keep]
            rows.append((cols, scores))
        # The phrases' stem numbers serve as their words: distinct stems are shown as distinct words (a stem is
        # shown as a spelling that folds to it), so the picks are those of the shown words.
        phrases = self.__dict__.get("_kept_phrases")
        words = phrases.words if phrases is not None and len(phrases.words) == len(self.terms_) else None
        return [[phrase for phrase, _ in row] for row in _readable_rows(self.terms_, rows, n, words)]

    def _phrase_columns(self, phrases: frozenset[str]) -> tuple[dict[str, int], np.ndarray]:
        """The column of each of ``phrases`` (folded) the model has, and the columns of its single words.

        Read from the phrases' word numbers when the fit kept them (the model's folded phrases, 1.4 million strings
        at 75,000 papers, are not built), else from :attr:`_stems` (made if need be).
        """
        kept = self.__dict__.get("_kept_phrases")
        if kept is None or "_stem_columns" in self.__dict__:
            stems = self._stems  # folded single words and phrases -> column (read only)
            single = np.array([j for term, j in stems.items() if " " not in term], dtype=np.int64)
            return {phrase: stems[phrase] for phrase in phrases if phrase in stems}, single
        words = kept.words  # each column's words as stem numbers, padded with -1
        single = np.flatnonzero(words[:, 1] < 0) if words.shape[1] > 1 else np.arange(len(words), dtype=np.int64)
        single_column = np.full(len(kept.stems), -1, dtype=np.int64)
        single_column[words[single, 0]] = single
        number = {stem: i for i, stem in enumerate(kept.stems)}
        found = {}
        for phrase in phrases:
            ids = [number.get(word, -1) for word in phrase.split(" ")]
            if min(ids) < 0 or len(ids) > words.shape[1]:
                continue
            if len(ids) == 1:
                hit = single_column[ids[0] : ids[0] + 1]
                hit = hit[hit >= 0]
            else:  # a stop word of several words ("por qué"): the column of exactly those words
                match = (words[:, : len(ids)] == np.array(ids, dtype=np.int64)).all(axis=1)
                if len(ids) < words.shape[1]:
                    match &= words[:, len(ids)] < 0
                hit = np.flatnonzero(match)
            if len(hit):
                found[phrase] = int(hit[0])
        return found, single

    def _without_words(self, words: frozenset[str]) -> np.ndarray:
        """Whether each phrase (as shown, :attr:`terms_`) has none of ``words``: from the phrases' word numbers
        when the fit kept them (one pass over arrays), else from the phrases' text."""
        phrases = self.__dict__.get("_kept_phrases")
        if phrases is None or len(phrases.words) != len(self.terms_):
            return np.array([not words.intersection(term.split(" ")) for term in self.terms_.tolist()], dtype=bool)
        spelled = self._analyzer.spellings()  # how each folded word is shown, as fit wrote terms_
        listed = np.array([spelled.get(word, word) in words for word in phrases.stems] + [False], dtype=bool)
        return ~listed[phrases.words].any(axis=1)  # a -1 (no word) reads the last entry, False


# --------------------------------------------------------------------------- corpus functions


_MODELS = "concepts.models"  # the root's cache entry: {parameter key: fitted ConceptModel}


def _model_key(params: dict[str, Any]) -> str:
    return repr(sorted(params.items()))


def _models(corpus: Corpus) -> dict[str, ConceptModel]:
    return corpus.root.cached(_MODELS, dict)


def fitted_model(corpus: Corpus, **params: Any) -> ConceptModel:
    """The :class:`ConceptModel` of a corpus, fitted once per parameter set.

    The model is fitted on ``corpus.root`` and cached there: every subset of a
    corpus (filter, search, slice) shares its root's model, so its phrases and
    weights are those of the whole corpus (a phrase is rare or common relative to
    everything you loaded, not to the current selection).

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> corpus.concept_model() is corpus.filter(year=2024).concept_model()
    True
    """
    models = _models(corpus)
    key = _model_key(params)
    if key not in models:
        models[key] = ConceptModel(**params).fit(corpus.root)
    return models[key]


def find_fitted_model(corpus: Corpus, **params: Any) -> ConceptModel | None:
    """A :class:`ConceptModel` already fitted on ``corpus.root``, or ``None``; never fits one.

    With ``params``, the model of exactly that parameter set (as :func:`fitted_model`
    would return it). Without, the default model if it is fitted, else the first
    one fitted with other parameters: what tells whether concepts are at hand
    without paying for a fit.

    Parameters
    ----------
    corpus : Corpus
        Any corpus; its root's models are looked at.
    **params
        :class:`ConceptModel` parameters.

    Returns
    -------
    ConceptModel or None

    Examples
    --------
    >>> import paperlens as pl
    >>> fresh = pl.Corpus(pl.load_sample().papers)
    >>> find_fitted_model(fresh) is None
    True
    >>> model = fresh.concept_model(min_df=2)
    >>> find_fitted_model(fresh[:5]) is model, find_fitted_model(fresh) is model
    (True, True)
    >>> find_fitted_model(fresh, min_df=3) is None
    True
    """
    models = _models(corpus)
    if params or _model_key({}) in models:
        return models.get(_model_key(params))
    return next(iter(models.values()), None)


def _split_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Model parameters (a model is fitted per set) and neighbour-search options (``method``, ``n_jobs``)."""
    params = {k: v for k, v in options.items() if k not in _SEARCH_OPTIONS}
    unknown = [k for k in params if k not in _PARAMS]
    if unknown:
        from ..errors import FieldError

        raise FieldError(unknown[0], (*_PARAMS, "mutual", "n_concepts"), what="concept graph option")
    return params, {k: v for k, v in options.items() if k in _SEARCH_OPTIONS}


def _corpus_neighbours(
    corpus: Corpus, model: ConceptModel, k: int, search: dict[str, Any], params: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    """Neighbours of the corpus's papers among the corpus's papers, as row positions in the root."""
    rows = corpus.root_positions
    if corpus.root is corpus:
        return model.kneighbors(k, **search)

    def compute() -> tuple[np.ndarray, np.ndarray]:
        local, sims = model.kneighbors(k, rows=rows, **search)
        return np.where(local >= 0, rows[np.maximum(local, 0)], -1), sims

    return corpus.cached(f"concepts.neighbours:{_model_key(params)}:{k}:{search.get('method')}", compute)


def _shared_concepts(model: ConceptModel, a: np.ndarray, b: np.ndarray, n: int) -> list[str]:
    """For each pair of rows, the "; "-joined ``n`` phrases contributing most to their similarity."""
    if len(a) == 0:
        return []
    from ._knn_kernels import pair_top_products
    from ._phrase_kernel import pick_phrases
    from .knn import _as_csr, _csr_arrays

    X = _as_csr(model.matrix_)  # sorted indices
    # The 4n best products of each pair's shared phrases, best first (a compiled merge of the two rows).
    counts, cols, vals = pair_top_products(
        *_csr_arrays(X), np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64), 4 * n
    )
    # The phrases to pick from (a compiled rule, the same as for a paper's concepts: see _readable).
    used, local = np.unique(cols, return_inverse=True)  # empty slots (-1) come first: never read (counts)
    if len(used) and used[0] < 0:
        used, local = used[1:], local - 1
    names = [str(term) for term in model.terms_[used]]
    picked, _ = pick_phrases(counts, local.reshape(cols.shape), vals.astype(np.float64), *_word_sets(names), n)
    return ["; ".join([names[t] for t in row if t >= 0]) for row in picked.tolist()]


def shared_concepts(corpus: Corpus, pairs: Sequence[tuple[str, str]], n_concepts: int = 3) -> list[str]:
    """The phrases two papers share, for each pair of ids: what :func:`concept_graph` puts on its edges.

    Each entry is the ``n_concepts`` phrases contributing most to the pair's
    similarity, "; "-joined (the edges' ``concepts``), with the corpus's concept
    model (default parameters). Computing them for the few edges a picture shows,
    not all the graph's, is what keeps ``corpus.graph(kind="concept")`` fast at 75,000 papers.

    Parameters
    ----------
    corpus : Corpus
        The papers (its root's model is used).
    pairs : sequence of (str, str)
        Paper ids of the corpus.
    n_concepts : int
        Phrases per pair.

    Returns
    -------
    list of str
        One entry per pair.

    Examples
    --------
    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> graph = concept_graph(corpus)
    >>> u, v, data = next(iter(graph.edges(data=True)))
    >>> shared_concepts(corpus, [(u, v)]) == [data["concepts"]]
    True
    """
    model = fitted_model(corpus)
    row_of = model.__dict__.get("_row_of_id")
    if row_of is None:
        row_of = model.__dict__["_row_of_id"] = {paper: i for i, paper in enumerate(model.ids_)}
    a = np.fromiter((row_of[u] for u, _ in pairs), np.int64, len(pairs))
    b = np.fromiter((row_of[v] for _, v in pairs), np.int64, len(pairs))
    lo, hi = np.minimum(a, b), np.maximum(a, b)  # as concept_graph orders each pair
    return _shared_concepts(model, lo, hi, n_concepts) if n_concepts > 0 else [""] * len(pairs)


_NODE_COLUMNS = ("id", "title", "authors", "venue", "categories", "year", "citation_count")


def _node_rows(table: pd.DataFrame) -> Iterable[dict[str, Any]]:
    """The rows of the columns :func:`_node_attributes` reads, as ``table.to_dict("records")`` gives them
    (read column by column: the whole table's records took most of the graph's time after the search)."""
    columns = [table[name].tolist() for name in _NODE_COLUMNS]
    return (dict(zip(_NODE_COLUMNS, values, strict=True)) for values in zip(*columns, strict=True))


def _node_attributes(row: dict[str, Any]) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "title": row["title"] or "",
        "authors": "; ".join(row["authors"] or ()),
        "venue": row["venue"] if isinstance(row["venue"], str) else "",
        "categories": "; ".join(row["categories"] or ()),
    }
    for name in ("year", "citation_count"):
        value = row[name]
        if value is not None and not (isinstance(value, float) and np.isnan(value)):
            with contextlib.suppress(TypeError, ValueError):
                attrs[name] = int(value)
    return attrs


def concept_links(
    corpus: Corpus, k: int = 10, min_similarity: float = 0.1, *, mutual: bool = False, **options: Any
) -> tuple[ConceptModel, np.ndarray, np.ndarray, np.ndarray]:
    """The links of :func:`concept_graph` as arrays: ``(model, lo, hi, weight)``, in the order it adds them.

    ``lo < hi`` are the two papers' rows in the root corpus (``model.ids_[lo]``), sorted by ``(lo, hi)``;
    ``weight`` their cosine similarity (float32). Arguments as for :func:`concept_graph`.

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> model, lo, hi, weight = concept_links(corpus, k=5)
    >>> len(lo) == concept_graph(corpus, k=5).number_of_edges(), bool((lo < hi).all())
    (True, True)
    """
    params, search = _split_options(options)
    k = int(k)
    if k < 1:
        raise InvalidArgumentError(f"k must be at least 1, not {k!r}")
    model = fitted_model(corpus, **params)
    indices, sims = _corpus_neighbours(corpus, model, k, search, params)
    rows = corpus.root_positions
    source = np.repeat(rows, indices.shape[1])
    target = indices.ravel()
    weight = sims.ravel()
    keep = (target >= 0) & (weight >= min_similarity) & (weight > 0)
    source, target, weight = source[keep], target[keep], weight[keep]
    lo, hi = np.minimum(source, target), np.maximum(source, target)
    order = np.lexsort((hi, lo))
    lo, hi, weight = lo[order], hi[order], weight[order]
    pair = lo.astype(np.int64) * (len(model.ids_) + 1) + hi
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    if mutual:
        counts = np.diff(np.flatnonzero(np.r_[first, True]))
        first[first] = counts == 2
    return model, lo[first], hi[first], weight[first]


def concept_graph(
    corpus: Corpus,
    k: int = 10,
    min_similarity: float = 0.1,
    *,
    mutual: bool = False,
    n_concepts: int = 3,
    **options: Any,
) -> nx.Graph:
    """The concept-similarity graph: each paper linked to its ``k`` most similar papers.

    An undirected, weighted kNN graph over the corpus's papers. Paper ``a`` is
    linked to ``b`` when ``b`` is among the ``k`` nearest papers of ``a`` or the
    reverse (both, with ``mutual=True``) and their cosine similarity is at least
    ``min_similarity``. In a subset of a corpus, neighbours are searched among
    the subset's papers only, with the root corpus's model.

    Every edge has ``weight`` (cosine similarity, float in (0, 1]), ``concepts``
    (the ``n_concepts`` shared phrases that explain it, "; "-joined) and
    ``kind="similar"``. Every node has ``title``, ``authors``, ``venue``,
    ``categories`` (lists "; "-joined, so GraphML/GEXF export works) and
    ``year`` / ``citation_count`` when known. Papers without any text are nodes
    without edges; ``graph.graph["notes"]`` says how many.

    Other ``options``: ``method`` (``"auto"``, ``"exact"``, ``"approximate"``),
    ``n_jobs`` (processes for the approximate search; see :class:`ConceptModel`)
    and any other :class:`ConceptModel` parameter (a model is fitted per parameter set).

    >>> import paperlens as pl
    >>> graph = pl.load_sample().concept_graph(k=5)
    >>> graph.number_of_nodes()
    69
    >>> a, b, data = next(iter(graph.edges(data=True)))
    >>> sorted(data)
    ['concepts', 'kind', 'weight']
    """
    model, lo, hi, weight = concept_links(corpus, k, min_similarity, mutual=mutual, **options)
    labels = _shared_concepts(model, lo, hi, n_concepts) if n_concepts > 0 else [""] * len(lo)
    return links_graph(corpus, model, lo, hi, weight, labels, k=k, min_similarity=min_similarity, mutual=mutual)


def links_graph(
    corpus: Corpus,
    model: ConceptModel,
    lo: np.ndarray,
    hi: np.ndarray,
    weight: np.ndarray,
    labels: Sequence[str],
    *,
    k: int = 10,
    min_similarity: float = 0.1,
    mutual: bool = False,
) -> nx.Graph:
    """The graph :func:`concept_graph` returns, for links given as :func:`concept_links` gives them
    (all of them, or a part: e.g. the strongest few of each paper) with their shared concepts ``labels``.

    >>> import paperlens as pl
    >>> corpus = pl.load_sample()
    >>> model, lo, hi, weight = concept_links(corpus)
    >>> graph = links_graph(corpus, model, lo[:3], hi[:3], weight[:3], [""] * 3)
    >>> graph.number_of_nodes(), graph.number_of_edges()
    (69, 3)
    """
    import networkx as nx

    k = int(k)
    rows = corpus.root_positions
    n = len(rows)
    graph = nx.Graph()
    table = corpus.df
    graph.add_nodes_from((row["id"], _node_attributes(row)) for row in _node_rows(table))
    ids = model.ids_
    graph.add_edges_from(
        (ids[a], ids[b], {"weight": float(w), "concepts": c, "kind": "similar"})
        for a, b, w, c in zip(lo.tolist(), hi.tolist(), weight.tolist(), labels, strict=True)
    )
    silent = int((~model.has_text_[rows]).sum())
    notes = [f"{n} papers; edges link each paper to its {k} most similar papers (cosine of TF-IDF key phrases)"]
    if mutual:
        notes[0] += ", kept only when both are among each other's nearest"
    notes[0] += f", similarity >= {min_similarity:g}."
    if silent:
        notes.append(
            f"{silent} paper{'s have' if silent != 1 else ' has'} no text (no title words or abstract): no edges."
        )
    graph.graph.update(
        kind="concept",
        k=k,
        min_similarity=float(min_similarity),
        mutual=bool(mutual),
        papers_without_text=silent,
        notes=" ".join(notes),
    )
    return graph


def _similar_table(model: ConceptModel, paper: str | Paper | int, n: int, rows: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    vector = model._vector(paper)
    own = model._row(paper) if not (isinstance(paper, Paper) and paper not in model.corpus_) else -1
    scores = (model.matrix_ @ vector)[rows]
    scores[rows == own] = -np.inf
    order = np.argsort(-scores, kind="stable")
    order = order[scores[order] > 0][: max(int(n), 0)]
    picked = rows[order]
    shared = []
    for r in picked:
        row = model.matrix_[r]
        products = row.data * vector[row.indices]
        shared.append("; ".join(p for p, _ in _readable(model.terms_[row.indices], products, 3)))
    return pd.DataFrame(
        {
            "id": [model.ids_[r] for r in picked],
            "title": model._titles[picked].tolist(),
            "similarity": scores[order].astype(float),
            "shared_concepts": shared,
        }
    )


def similar(corpus: Corpus, paper: str | Paper, n: int = 10, **params: Any) -> pd.DataFrame:
    """The ``n`` papers of ``corpus`` most similar to ``paper``, with the concepts they share.

    ``paper`` may be outside a filtered corpus (it is looked up in the root
    corpus), or a new :class:`Paper`. Columns: id, title, similarity, shared_concepts.

    >>> import paperlens as pl
    >>> table = pl.load_sample().similar("2410.13618", n=3)
    >>> table.similarity.is_monotonic_decreasing
    True
    """
    model = fitted_model(corpus, **params)
    return _similar_table(model, paper, n, corpus.root_positions)


def concepts(corpus: Corpus, paper: str | Paper, n: int = 10, **params: Any) -> list[tuple[str, float]]:
    """The ``n`` key phrases of ``paper`` with their weights, strongest first (see :meth:`ConceptModel.concepts`).

    >>> import paperlens as pl
    >>> pl.load_sample().concepts("2410.13618", n=2)[0][0]
    'loldu'
    """
    return fitted_model(corpus, **params).concepts(paper, n)
