"""Prototype, not used by paperlens: a deterministic parallel UMAP-style layout (issue 15, point 7's decision).

umap-learn lays out the field map on one thread (its parallel mode is not reproducible): 28 s of the 55 s of
``corpus.graph(kind="concept")`` at 75k papers. This prototype keeps umap-learn's fuzzy graph, curve, epochs
per sample and paperlens's start, and changes the optimiser: nodes are cut into ``BLOCKS`` fixed blocks; in an
epoch a block's edges (heads in the block) move only its own nodes and read other blocks' nodes as they were
at the epoch's start, so the positions are the same on any number of threads (the threads only decide who
runs a block). Attraction moves the head only, twice as far (the reverse edge moves the other end).

It prints the time and the share of each paper's 15 concept neighbours among its 15 nearest on the map
(3,000 sampled papers), for the kNN graph ``/tmp/vs/knn75.npz`` (``i``, ``s`` = ``model.kneighbors(15)`` of
the 75k bench corpus)::

    NUMBA_NUM_THREADS=2 .venv/bin/python benchmarks/proto_parallel_layout.py 200 100

Measured 2026-12-03 (load 0.8-1.1): 200 epochs 15.7 s with 2 threads, 27.5 s with 1 (the same positions bit
for bit), share 0.136; 100 epochs 8.3 s, 0.119. umap-learn: 200 epochs 28.2 s, 0.118.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
from numba import njit, prange

BLOCKS = 64


@njit(parallel=True, nogil=True, cache=True, fastmath=False)
def epochs(emb, head, tail, block_edges, epochs_per_sample, a, b, n_epochs, seed, neg_rate):
    n = emb.shape[0]
    nb = len(block_edges) - 1
    eps_neg = epochs_per_sample / neg_rate
    next_s = epochs_per_sample.copy()
    next_n = eps_neg.copy()
    prev = emb.copy()
    bsize = (n + nb - 1) // nb
    rng = np.empty(n, np.uint64)
    for v in range(n):
        x = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(v + 1) * np.uint64(0xBF58476D1CE4E5B9)
        rng[v] = x | np.uint64(1)
    for ep in range(n_epochs):
        alpha = 1.0 - ep / n_epochs
        prev[:] = emb
        for blk in prange(nb):
            lo_node = blk * bsize
            hi_node = min(n, lo_node + bsize)
            for e in range(block_edges[blk], block_edges[blk + 1]):
                if next_s[e] > ep:
                    continue
                j = head[e]
                k = tail[e]
                own = lo_node <= k < hi_node
                ox = emb[k, 0] if own else prev[k, 0]
                oy = emb[k, 1] if own else prev[k, 1]
                dx = emb[j, 0] - ox
                dy = emb[j, 1] - oy
                d2 = dx * dx + dy * dy
                if d2 > 0.0:
                    g = -2.0 * a * b * d2 ** (b - 1.0) / (a * d2**b + 1.0)
                else:
                    g = 0.0
                gx = min(4.0, max(-4.0, g * dx))
                gy = min(4.0, max(-4.0, g * dy))
                emb[j, 0] += 2.0 * gx * alpha  # the reverse edge moves the other end
                emb[j, 1] += 2.0 * gy * alpha
                next_s[e] += epochs_per_sample[e]
                n_neg = int((ep - next_n[e]) / eps_neg[e])
                for _ in range(n_neg):
                    x = rng[j]
                    x ^= x << np.uint64(13)
                    x ^= x >> np.uint64(7)
                    x ^= x << np.uint64(17)
                    rng[j] = x
                    k2 = int(x % np.uint64(n))
                    if k2 == j:
                        continue
                    own2 = lo_node <= k2 < hi_node
                    ox = emb[k2, 0] if own2 else prev[k2, 0]
                    oy = emb[k2, 1] if own2 else prev[k2, 1]
                    dx = emb[j, 0] - ox
                    dy = emb[j, 1] - oy
                    d2 = dx * dx + dy * dy
                    if d2 > 0.0:
                        g = 2.0 * b / ((0.001 + d2) * (a * d2**b + 1.0))
                        gx = min(4.0, max(-4.0, g * dx))
                        gy = min(4.0, max(-4.0, g * dy))
                        emb[j, 0] += gx * alpha
                        emb[j, 1] += gy * alpha
                next_n[e] += n_neg * eps_neg[e]
    return emb


def layout(indices, sims, seed=0, n_epochs=200, min_dist=0.1):
    import umap.umap_ as uu

    from paperlens.graphs.layout import _start, knn_matrix

    n, k = indices.shape
    knn_i = np.hstack([np.arange(n)[:, None], indices]).astype(np.int32)
    knn_d = np.hstack([np.zeros((n, 1), np.float32), np.where(indices >= 0, 1 - sims, 0)]).astype(np.float32)
    knn_i[:, 1:][indices < 0] = -1
    graph, _, _ = uu.fuzzy_simplicial_set(
        np.zeros((n, 1), np.float32), k + 1, np.random.RandomState(seed), "cosine", knn_indices=knn_i, knn_dists=knn_d
    )
    graph = graph.tocoo()
    graph.sum_duplicates()
    graph.data[graph.data < graph.data.max() / n_epochs] = 0.0
    graph.eliminate_zeros()
    graph = graph.tocsr().tocoo()  # sorted by head
    eps = uu.make_epochs_per_sample(graph.data, n_epochs)
    a, b = uu.find_ab_params(1.0, min_dist)
    g = knn_matrix(indices, sims)
    init = _start(g + g.T, seed)
    emb = (10.0 * (init - init.min(0)) / (init.max(0) - init.min(0))).astype(np.float64)
    bsize = (n + BLOCKS - 1) // BLOCKS
    block_edges = np.searchsorted(graph.row, np.arange(BLOCKS + 1) * bsize).astype(np.int64)
    return epochs(
        emb,
        graph.row.astype(np.int64),
        graph.col.astype(np.int64),
        block_edges,
        eps.astype(np.float64),
        float(a),
        float(b),
        n_epochs,
        seed,
        5.0,
    )


if __name__ == "__main__":
    from sklearn.neighbors import NearestNeighbors

    d = np.load("/tmp/vs/knn75.npz")
    i, s = d["i"], d["s"]
    layout(np.minimum(i[:2000], 1999), s[:2000], n_epochs=5)  # compile
    for ep in [int(x) for x in sys.argv[1:]] or [200]:
        t = time.perf_counter()
        p = layout(i, s, n_epochs=ep)
        dt = time.perf_counter() - t
        sample = np.random.default_rng(0).choice(len(i), 3000, replace=False)
        _, got = NearestNeighbors(n_neighbors=16).fit(p).kneighbors(p[sample])
        shares = [len(set(got[r, 1:]) & set(i[q][i[q] >= 0])) / max(1, (i[q] >= 0).sum()) for r, q in enumerate(sample)]
        keep = np.mean(shares)
        threads = os.environ.get("NUMBA_NUM_THREADS", "default")
        load = os.getloadavg()[0]
        print(f"epochs {ep}: {dt:.1f} s, preserved {keep:.3f}, threads {threads}, load {load:.2f}", flush=True)
