"""Compiled phrase counting for :meth:`paperlens.ConceptModel.fit` (imported on first use: numba loads slowly).

The words of the texts are numbered by :func:`paperlens._words_kernel.split_words`;
Python folds each distinct word once (stop words, plurals) into a term number, or -1
where a phrase breaks. :class:`GramTable` then numbers the phrases: a phrase of
``n`` words is the pair (its first ``n - 1`` words, its last word), looked up in a
hash table keyed by the two numbers themselves (no hash is taken on trust). Columns
are given in the order phrases are first seen, as the Python analyzer's dict gives them.
"""

from __future__ import annotations

import numba
import numpy as np

_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # no key is all ones: a key's high half is a gram number + 1 < 2**32 - 1


@numba.njit(cache=True, nogil=True, inline="always")
def _slot(key: np.uint64, bits: int) -> int:
    return np.int64((key * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits))


@numba.njit(cache=True, nogil=True)
def _grow(slots: np.ndarray, bits: int) -> np.ndarray:
    """The table twice as large, every entry moved."""
    new = np.full((2 * len(slots), 2), _EMPTY, np.uint64)
    mask = len(new) - 1
    for o in range(len(slots)):
        if slots[o, 0] != _EMPTY:
            slot = _slot(slots[o, 0], bits + 1)
            while new[slot, 0] != _EMPTY:
                slot = (slot + 1) & mask
            new[slot, 0], new[slot, 1] = slots[o, 0], slots[o, 1]
    return new


@numba.njit(cache=True, nogil=True)
def _longer(array: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(max(size, 2 * len(array)), array.dtype)
    out[: len(array)] = array
    return out


@numba.njit(cache=True, nogil=True)
def _phrases(
    words: np.ndarray,
    texts: np.ndarray,
    term_of_word: np.ndarray,
    low: int,
    high: int,
    title_weight: int,
    unigram: np.ndarray,
    slots: np.ndarray,
    bits: int,
    n_hashed: int,
    gram_prefix: np.ndarray,
    gram_term: np.ndarray,
    gram_column: np.ndarray,
    column_gram: np.ndarray,
    n_grams: int,
    n_columns: int,
):
    """The phrase stream of a chunk of texts (title ``2d``, abstract ``2d + 1`` of paper ``d``).

    A single word's gram is ``unigram[term]``; a longer one's is found in ``slots`` (key: its first
    words' gram + 1 and its last word's term, id: the gram). Returns ``(grams, docs, state...)``: the
    gram of every phrase occurrence (a title's ``title_weight`` times; ``gram_column`` gives its column)
    and its paper, in text order, and the table's state after the chunk.
    """
    size = 0  # the stream's length: counted first, never grown
    for k in range(len(words)):
        if term_of_word[words[k]] >= 0:
            size += (high - low + 1) * (title_weight if texts[k] % 2 == 0 else 1)
    out_grams = np.empty(size, np.int64)
    out_docs = np.empty(size, np.int32)
    out = 0
    run = np.empty(high, np.int64)  # run[n]: the gram of the n + 1 words ending here
    length = 0
    text = -1
    for k in range(len(words)):
        term = term_of_word[words[k]]
        if texts[k] != text:
            text = texts[k]
            length = 0
        if term < 0:
            length = 0
            continue
        length = min(length + 1, high)
        for n in range(length - 1, -1, -1):  # longest first: run[n - 1] is still the shorter gram ending before
            if n == 0:
                prefix = -1
                gram = unigram[term]
                found = gram >= 0
            else:
                prefix = run[n - 1]
                key = (np.uint64(prefix + 1) << np.uint64(32)) | np.uint64(term)
                mask = len(slots) - 1
                slot = _slot(key, bits)
                while slots[slot, 0] != _EMPTY and slots[slot, 0] != key:
                    slot = (slot + 1) & mask
                found = slots[slot, 0] == key
                gram = np.int64(slots[slot, 1])
            if not found:
                gram = n_grams
                n_grams += 1
                if gram >= len(gram_prefix):
                    gram_prefix = _longer(gram_prefix, gram + 1)
                    gram_term = _longer(gram_term, gram + 1)
                    gram_column = _longer(gram_column, gram + 1)
                gram_prefix[gram], gram_term[gram], gram_column[gram] = prefix, term, -1
                if n == 0:
                    unigram[term] = gram
                else:
                    slots[slot, 0], slots[slot, 1] = key, np.uint64(gram)
                    n_hashed += 1
                    if 2 * n_hashed > len(slots):  # at most half full
                        slots = _grow(slots, bits)
                        bits += 1
            run[n] = gram
        repeat = title_weight if text % 2 == 0 else 1
        for n in range(low - 1, length):  # shortest first, as the analyzer lists them
            gram = run[n]
            column = gram_column[gram]
            if column < 0:
                column = n_columns
                n_columns += 1
                if column >= len(column_gram):
                    column_gram = _longer(column_gram, column + 1)
                column_gram[column] = gram
                gram_column[gram] = column
            for _ in range(repeat):
                out_grams[out] = gram
                out_docs[out] = text // 2
                out += 1
    return (
        out_grams[:out],
        out_docs[:out],
        slots,
        bits,
        n_hashed,
        gram_prefix,
        gram_term,
        gram_column,
        column_gram,
        n_grams,
        n_columns,
    )


class GramTable:
    """Phrase numbers across chunks of texts: feed each chunk's words with :meth:`feed`."""

    def __init__(self, low: int, high: int, title_weight: int) -> None:
        self.low, self.high, self.title_weight = low, high, title_weight
        self.unigram = np.full(0, -1, np.int64)
        self.bits = 12
        self.slots = np.full((1 << self.bits, 2), _EMPTY, np.uint64)
        self.n_hashed = 0
        self.gram_prefix = np.empty(1024, np.int64)
        self.gram_term = np.empty(1024, np.int64)
        self.gram_column = np.empty(1024, np.int64)
        self.column_gram = np.empty(1024, np.int64)
        self.n_grams = 0
        self.n_columns = 0

    def feed(self, words: np.ndarray, texts: np.ndarray, term_of_word: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(grams, docs)`` of every phrase occurrence of the chunk (:attr:`gram_column` gives a gram's column),
        new phrases numbered on. ``term_of_word`` is each word's term, -1 for none."""
        terms = int(term_of_word.max()) + 1 if len(term_of_word) else 0
        if terms > len(self.unigram):
            self.unigram = np.concatenate([self.unigram, np.full(terms - len(self.unigram), -1, np.int64)])
        (
            grams,
            docs,
            self.slots,
            self.bits,
            self.n_hashed,
            self.gram_prefix,
            self.gram_term,
            self.gram_column,
            self.column_gram,
            self.n_grams,
            self.n_columns,
        ) = _phrases(
            words,
            texts,
            term_of_word,
            self.low,
            self.high,
            self.title_weight,
            self.unigram,
            self.slots,
            self.bits,
            self.n_hashed,
            self.gram_prefix,
            self.gram_term,
            self.gram_column,
            self.column_gram,
            self.n_grams,
            self.n_columns,
        )
        return grams, docs

    def words(self) -> np.ndarray:
        """``(n_columns, high)`` term numbers of each column's words, in order, padded with -1."""
        return _column_words(self.column_gram[: self.n_columns], self.gram_prefix, self.gram_term, self.high)


@numba.njit(cache=True, nogil=True)
def _column_words(column_gram: np.ndarray, gram_prefix: np.ndarray, gram_term: np.ndarray, high: int) -> np.ndarray:
    out = np.full((len(column_gram), high), -1, np.int64)
    for c in range(len(column_gram)):
        gram = column_gram[c]
        n = 0
        while gram >= 0:
            n += 1
            gram = gram_prefix[gram]
        gram = column_gram[c]
        while gram >= 0:
            n -= 1
            out[c, n] = gram_term[gram]
            gram = gram_prefix[gram]
    return out


@numba.njit(cache=True, nogil=True)
def join_words(column_words: np.ndarray, text: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The bytes of every row's words (word ``t`` is ``text[starts[t]:starts[t + 1]]``), space-separated,
    rows separated by a newline."""
    size = 0
    for c in range(column_words.shape[0]):
        for n in range(column_words.shape[1]):
            t = column_words[c, n]
            if t >= 0:
                size += starts[t + 1] - starts[t] + 1
    out = np.empty(max(size - 1, 0), np.uint8)
    i = 0
    for c in range(column_words.shape[0]):
        if c:
            out[i] = 10
            i += 1
        for n in range(column_words.shape[1]):
            t = column_words[c, n]
            if t < 0:
                break
            if n:
                out[i] = 32
                i += 1
            for b in range(starts[t], starts[t + 1]):
                out[i] = text[b]
                i += 1
    return out
