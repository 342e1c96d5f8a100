"""The compiled rule that picks a few readable phrases from a ranked list (numba, imported on first use).

Used by :mod:`paperlens.graphs.concepts` for a paper's concepts, the phrases two papers share (every edge of a
concept graph: tens of thousands of lists at once) and the names of communities.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def _subset(word_ptr, words, a, b):  # pragma: no cover - compiled
    """Whether the words of term ``a`` are all words of term ``b`` (both sorted, distinct)."""
    i, i_end = word_ptr[a], word_ptr[a + 1]
    j, j_end = word_ptr[b], word_ptr[b + 1]
    if i_end - i > j_end - j:
        return False
    while i < i_end:
        while j < j_end and words[j] < words[i]:
            j += 1
        if j == j_end or words[j] != words[i]:
            return False
        i += 1
        j += 1
    return True


@njit(cache=True, nogil=True)
def pick_phrases(counts, terms, scores, word_ptr, words, n):  # pragma: no cover - compiled
    """For each row of a ranked list of ``(terms[r, i], scores[r, i])`` (best first, ``counts[r]`` entries), the
    ``n`` best terms without repeating words: ``(picked, picked_scores)``, each ``(rows, n)``, ``-1``/0 padded.

    A term whose words all belong to a better one already picked is skipped ("rank" after "low rank"); a
    longer phrase scoring at least half as much as shorter picked ones it contains takes the place of the
    first of them and the others go ("model soups" instead of "soups"); at most ``2 n`` are kept, then the
    best ``n`` by score (equal scores in the order picked). The list stops at the first score <= 0. Term
    ``t``'s words are ``words[word_ptr[t]:word_ptr[t + 1]]`` (word numbers, sorted, distinct).
    """
    rows = len(counts)
    cap = 2 * n
    picked = np.full((rows, n), -1, dtype=np.int64)
    picked_scores = np.zeros((rows, n), dtype=np.float64)
    kept = np.empty(cap + 1, dtype=np.int64)
    kept_scores = np.empty(cap + 1, dtype=np.float64)
    for r in range(rows):
        m = 0
        for e in range(counts[r]):
            t, s = terms[r, e], scores[r, e]
            if s <= 0:
                break
            covered = False
            for q in range(m):
                if _subset(word_ptr, words, t, kept[q]):
                    covered = True
                    break
            if covered:
                continue
            first = -1
            w = 0  # kept entries are compacted in place: those inside the new phrase leave, but the first
            for q in range(m):
                size_q = word_ptr[kept[q] + 1] - word_ptr[kept[q]]
                size_t = word_ptr[t + 1] - word_ptr[t]
                inside = size_q < size_t and s >= 0.5 * kept_scores[q] and _subset(word_ptr, words, kept[q], t)
                if inside and first >= 0:
                    continue
                if inside:
                    first = w
                kept[w] = kept[q]
                kept_scores[w] = kept_scores[q]
                w += 1
            if first >= 0:
                kept[first] = t
                kept_scores[first] = s
                m = w
            elif m < cap:
                kept[m] = t
                kept_scores[m] = s
                m += 1
        # Best first, equal scores in the order kept (a stable insertion sort of at most 2n entries).
        for q in range(1, m):
            t, s = kept[q], kept_scores[q]
            p = q
            while p > 0 and kept_scores[p - 1] < s:
                kept[p] = kept[p - 1]
                kept_scores[p] = kept_scores[p - 1]
                p -= 1
            kept[p] = t
            kept_scores[p] = s
        for q in range(min(m, n)):
            picked[r, q] = kept[q]
            picked_scores[r, q] = kept_scores[q]
    return picked, picked_scores
