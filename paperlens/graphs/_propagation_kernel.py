"""The compiled kernel of :mod:`paperlens.graphs.propagation` (imported on first use: importing numba takes a while)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def next_word(mt: np.ndarray, pos: np.ndarray) -> np.uint32:  # CPython's genrand_uint32 (Modules/_randommodule.c)
    if pos[0] >= 624:
        for kk in range(624):
            y = (mt[kk] & np.uint32(0x80000000)) | (mt[(kk + 1) % 624] & np.uint32(0x7FFFFFFF))
            value = mt[(kk + 397) % 624] ^ (y >> np.uint32(1))
            if y & np.uint32(1):
                value ^= np.uint32(0x9908B0DF)
            mt[kk] = value
        pos[0] = 0
    y = mt[pos[0]]
    pos[0] += 1
    y ^= y >> np.uint32(11)
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    y ^= y >> np.uint32(18)
    return y


@numba.njit(cache=True, nogil=True)
def below(mt: np.ndarray, pos: np.ndarray, n: int) -> int:  # random.Random._randbelow_with_getrandbits(n)
    k = 0
    m = n
    while m:
        k += 1
        m >>= 1
    shift = np.uint32(32 - k)
    r = int(next_word(mt, pos) >> shift)
    while r >= n:
        r = int(next_word(mt, pos) >> shift)
    return r


@numba.njit(cache=True, nogil=True)
def propagate(
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, mt: np.ndarray, pos: np.ndarray
) -> np.ndarray:
    n = len(indptr) - 1
    # The first queue: the nodes in graph order, shuffled as random.shuffle does.
    queue = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = below(mt, pos, i + 1)
        queue[i], queue[j] = queue[j], queue[i]
    labels = np.arange(n)
    waiting = np.ones(n, np.bool_)
    head = 0
    visit = 0  # seen[label] == visit: label already listed for the node at hand
    size = n  # a ring buffer: a node is in the queue at most once, so n places suffice
    freq = np.zeros(n)
    seen = np.full(n, -1)
    found = np.empty(n, np.int64)  # labels among the neighbours, in order of first appearance
    tied = np.empty(n, np.int64)
    while size:
        node = queue[head]
        head = head + 1 if head + 1 < n else 0
        size -= 1
        waiting[node] = False
        start, stop = indptr[node], indptr[node + 1]
        if stop == start:
            continue  # isolated nodes keep their label
        visit += 1
        count = 0
        for e in range(start, stop):
            label = labels[indices[e]]
            if seen[label] != visit:
                seen[label] = visit
                freq[label] = 0.0
                found[count] = label
                count += 1
            freq[label] += weights[e]
        best = freq[found[0]]
        for t in range(1, count):
            if freq[found[t]] > best:
                best = freq[found[t]]
        ties = 0
        for t in range(count):
            if freq[found[t]] == best:
                tied[ties] = found[t]
                ties += 1
        chosen = tied[below(mt, pos, ties)]
        if labels[node] != chosen:
            labels[node] = chosen
            for e in range(start, stop):
                other = indices[e]
                if labels[other] != chosen and not waiting[other]:
                    tail = head + size
                    if tail >= n:
                        tail -= n
                    queue[tail] = other
                    size += 1
                    waiting[other] = True
    return labels
