"""Compiled word splitting for :class:`paperlens.search.SearchIndex` (imported on first use: numba loads slowly).

:func:`split_words` reads a byte buffer of ``a-z0-9`` words separated by spaces
(``bytes.translate`` made it) and gives each word occurrence a number, the same
number to the same word. Words are looked up in a hash table by a 64-bit hash and
compared exactly on every hit: length and first 8 bytes (packed in an integer),
then the bytes after the 8th against the word's first occurrence. No collision is
taken on trust.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def _word_count(buf: np.ndarray) -> int:
    """How many words (runs of bytes other than a space) ``buf`` holds."""
    count = 0
    previous = np.uint8(32)
    for byte in buf:
        if byte != 32 and previous == 32:
            count += 1
        previous = byte
    return count


@numba.njit(cache=True, nogil=True)
def _scan(buf: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each word's start, length, first 8 bytes, hash (FNV-1a, high half folded in) and text number."""
    n = len(buf)
    space = np.uint8(32)
    size = _word_count(buf)  # counted first: arrays grown inside the loop made the loop 4x slower
    starts = np.empty(size, np.int64)
    lengths = np.empty(size, np.int32)
    keys = np.empty(size, np.uint64)
    hashes = np.empty(size, np.uint64)
    docs = np.empty(size, np.int32)
    count = 0
    doc = 0
    i = 0
    while i < n:
        if buf[i] == space:
            i += 1
            continue
        h = np.uint64(14695981039346656037)
        key = np.uint64(0)
        j = i
        while j < n and buf[j] != space:
            byte = np.uint64(buf[j])
            h = (h ^ byte) * np.uint64(1099511628211)
            if j - i < 8:
                key |= byte << np.uint64(8 * (j - i))
            j += 1
        while doc < len(ends) - 1 and ends[doc] <= i:
            doc += 1
        starts[count], lengths[count], keys[count], hashes[count] = i, j - i, key, h ^ (h >> np.uint64(32))
        docs[count] = doc
        count += 1
        i = j
    return starts, lengths, keys, hashes, docs


@numba.njit(cache=True, nogil=True)
def _number(
    buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray, keys: np.ndarray, hashes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A number per distinct word (in order of first occurrence) for every word, and each number's first word."""
    capacity = 1 << 12  # grows: a table sized for the distinct words stays in the processor's cache
    slot_hash = np.zeros(capacity, np.uint64)
    slot_id = np.full(capacity, -1, np.int64)
    out = np.empty(len(hashes), np.int32)
    first = np.empty(len(hashes), np.int64)  # at most one new word per word: never grown in the loop
    distinct = 0
    for k in range(len(hashes)):
        h = hashes[k]
        mask = capacity - 1
        slot = np.int64(h & np.uint64(mask))
        found = -1
        while slot_id[slot] >= 0:
            if slot_hash[slot] == h:
                f = first[slot_id[slot]]
                length = lengths[k]
                same = lengths[f] == length and keys[f] == keys[k]
                if same and length > 8:
                    a, b = starts[k], starts[f]
                    for t in range(8, length):
                        if buf[a + t] != buf[b + t]:
                            same = False
                            break
                if same:
                    found = slot_id[slot]
                    break
            slot = (slot + 1) & mask
        if found >= 0:
            out[k] = found
            continue
        slot_id[slot], slot_hash[slot] = distinct, h
        first[distinct] = k
        out[k] = distinct
        distinct += 1
        if 2 * distinct > capacity:  # at most half full: every entry moves to a table twice as large
            old_hash, old_id = slot_hash, slot_id
            capacity *= 2
            mask = capacity - 1
            slot_hash = np.zeros(capacity, np.uint64)
            slot_id = np.full(capacity, -1, np.int64)
            for o in range(len(old_id)):
                if old_id[o] >= 0:
                    slot = np.int64(old_hash[o] & np.uint64(mask))
                    while slot_id[slot] >= 0:
                        slot = (slot + 1) & mask
                    slot_id[slot], slot_hash[slot] = old_id[o], old_hash[o]
    return out, first[:distinct]


def split_words(buf: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(word, doc, first_start, first_length)``: for each occurrence its word number and text number; for
    each word number where it first occurs in ``buf`` and its length. Text ``d`` ends at ``ends[d]``.
    """
    starts, lengths, keys, hashes, docs = _scan(buf, ends)
    words, first = _number(buf, starts, lengths, keys, hashes)
    return words, docs, starts[first], lengths[first].astype(np.int64)


@numba.njit(cache=True, nogil=True)
def count_terms(
    words: np.ndarray, docs: np.ndarray, term_of_word: np.ndarray, n_docs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR ``(indptr, indices, counts)`` of the term counts per text (sorted indices; words of term -1 left out).

    ``docs`` is ascending (words in text order), ``term_of_word`` the term column of each word number.
    """
    indptr = np.zeros(n_docs + 1, np.int64)
    indices = np.empty(len(words), np.int32)
    counts = np.empty(len(words), np.float32)
    buffer = np.empty(len(words), np.int64)
    out = 0
    k = 0
    for doc in range(n_docs):
        m = 0
        while k < len(words) and docs[k] == doc:
            term = term_of_word[words[k]]
            if term >= 0:
                buffer[m] = term
                m += 1
            k += 1
        if m:
            terms = buffer[:m]
            terms.sort()  # in place: no array made per text
            run = 1
            for t in range(1, m + 1):
                if t < m and terms[t] == terms[t - 1]:
                    run += 1
                else:
                    indices[out] = terms[t - 1]
                    counts[out] = run
                    out += 1
                    run = 1
        indptr[doc + 1] = out
    return indptr, indices[:out].copy(), counts[:out].copy()
