"""The field map's own optimiser (``paperlens.graphs._map_kernel``).

Truth comes from elsewhere: the steps from a plain-Python reading of the rules in the module's docstring
(run here on a small graph, block by block, one edge at a time), the map's quality from umap-learn's own
optimiser on the same fuzzy graph and start, neighbours from scikit-learn. Threads: fresh interpreters
with numba's threads at 1 and 2.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from fresh_process import arrays_from_fresh_process
from sklearn.neighbors import NearestNeighbors

from paperlens.graphs import _map_kernel
from paperlens.graphs.layout import map_layout

MASK = (1 << 64) - 1


def _clip(value: float) -> float:
    return min(4.0, max(-4.0, value))


def _reference(points, head, tail, blocks, epochs_per_sample, a, b, n_epochs, seed, negative_rate):
    """The optimiser's rules, one edge at a time in plain Python floats (the blocks one after the other).

    ``x ** b`` is the kernel's own (``_map_kernel._power``, checked against Python's below): the epochs amplify
    any difference in the last digits, so the steps can only be compared with the same powers."""
    power = _map_kernel._power
    points = [list(p) for p in points]
    n = len(points)
    work = [0.0] * n  # pulls per epoch of each node's edges: the blocks are cut where the running sum passes i/blocks
    for h, every in zip(head, epochs_per_sample, strict=True):
        work[int(h)] += 1.0 / every
    running, bounds = 0.0, [0]
    for v in range(n):
        running += work[v]
        while len(bounds) < blocks and running >= sum(work) * len(bounds) / blocks:
            bounds.append(v + 1)
    bounds.append(n)
    state = []
    for v in range(n):
        x = (seed * 0x9E3779B97F4A7C15 + (v + 1) * 0xBF58476D1CE4E5B9) & MASK
        state.append((x ^ (x >> 31)) | 1)
    negative_every = [e / negative_rate for e in epochs_per_sample]
    next_sample, next_negative = list(epochs_per_sample), list(negative_every)
    for epoch in range(n_epochs):
        alpha = 1.0 - epoch / n_epochs
        start = [list(p) for p in points]
        kept = {}  # edge -> the move of its tail, applied when the epoch ends
        for block in range(blocks):
            low, high = bounds[block], bounds[block + 1]

            def other(k, low=low, high=high, start=start):
                return points[k] if low <= k < high else start[k]

            for e in (e for e in range(len(head)) if low <= head[e] < high):  # the block's edges, in order
                if next_sample[e] > epoch:
                    continue
                j, k = int(head[e]), int(tail[e])
                dx, dy = points[j][0] - other(k)[0], points[j][1] - other(k)[1]
                d2 = dx * dx + dy * dy
                if d2 > 0.0:
                    grad = -2.0 * a * b * (power(d2, b) / d2) / (a * power(d2, b) + 1.0)
                    gx, gy = alpha * _clip(grad * dx), alpha * _clip(grad * dy)
                    points[j][0] += gx
                    points[j][1] += gy
                    if low <= k < high:
                        points[k][0] -= gx
                        points[k][1] -= gy
                    else:
                        kept[e] = (-gx, -gy)
                next_sample[e] += epochs_per_sample[e]
                negatives = int((epoch - next_negative[e]) / negative_every[e])
                pushed = [0.0, 0.0]  # the pushes, all from where the head stands now, added at the end
                for _ in range(negatives):
                    x = state[j]
                    x ^= (x << 13) & MASK
                    x ^= x >> 7
                    x ^= (x << 17) & MASK
                    state[j] = x
                    k = ((x >> 32) * n) >> 32
                    if k == j:
                        continue
                    dx, dy = points[j][0] - other(k)[0], points[j][1] - other(k)[1]
                    d2 = dx * dx + dy * dy
                    if d2 > 0.0:
                        grad = 2.0 * b / ((0.001 + d2) * (a * power(d2, b) + 1.0))
                        pushed[0] += alpha * _clip(grad * dx)
                        pushed[1] += alpha * _clip(grad * dy)
                points[j][0] += pushed[0]
                points[j][1] += pushed[1]
                next_negative[e] += negatives * negative_every[e]
        for v in range(n):  # each node's kept moves in the order of its edges (edge numbers, by tail)
            for e in sorted(e for e in kept if tail[e] == v):
                points[v][0] += kept[e][0]
                points[v][1] += kept[e][1]
    return np.array(points)


@pytest.mark.parametrize("b", [0.8950608778515733, 0.5, 1.0, -0.1, -0.95])  # the map's b first
def test_the_kernels_power_is_pythons_within_its_bound(b):
    rng = np.random.default_rng(0)
    xs = np.concatenate([np.exp(rng.uniform(-700, 700, 20_000)), 2.0 ** np.arange(-1021, 1023), [1.0, 1 - 1e-16]])
    xs = xs[np.isfinite(xs**b) & (xs**b > 1e-300)]
    got = np.array([_map_kernel._power(float(x), b) for x in xs])
    assert np.abs(got / xs**b - 1).max() < 1.7e-6 * abs(b) + 1e-8
    assert _map_kernel._power(1.0, b) == 1.0 and _map_kernel._power(2.0**-8, 0.5) == 2.0**-4
    for x in (5e-324, 1e-310, 2.0**-1022):  # subnormal (and the least normal) x: the C library's x ** b
        assert _map_kernel._power(x, b) == x**b


def _small_graph(n: int, seed: int):
    """A symmetric random graph with umap-like weights, its edges sorted by head."""
    rng = np.random.default_rng(seed)
    pairs = {(int(i), int(j)) for i, j in rng.integers(0, n, (4 * n, 2)) if i != j}
    pairs |= {(j, i) for i, j in pairs}
    head, tail = np.array(sorted(pairs)).T
    weight = {p: float(rng.uniform(0.05, 1.0)) for p in pairs if p[0] < p[1]}
    w = np.array([weight[(min(h, t), max(h, t))] for h, t in zip(head, tail, strict=True)])
    return head.astype(np.int64), tail.astype(np.int64), w.max() / w, rng.uniform(0, 10, (n, 2))


@pytest.mark.parametrize("blocks", [1, 2, 3])
def test_the_kernel_follows_its_rules_step_by_step(blocks):
    n = 40
    head, tail, epochs_per_sample, start = _small_graph(n, seed=blocks)
    rules = (epochs_per_sample, 1.58, 0.9, 30, 7, 5.0)  # a, b, epochs, seed, negative rate
    expected = _reference(start, head, tail, blocks, *rules)
    got = _map_kernel.run_epochs(start, head, tail, *rules, blocks=blocks)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert not np.allclose(got, start)  # the epochs moved the points


def _clusters(n: int = 1500, seed: int = 0):
    """Points in 12 Gaussian clusters of a 20-d space and their 15 cosine nearest neighbours (scikit-learn)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((12, 20)) * 3
    data = centres[rng.integers(0, 12, n)] + rng.standard_normal((n, 20))
    dist, idx = NearestNeighbors(n_neighbors=16, metric="cosine").fit(data).kneighbors(data)
    return idx[:, 1:], 1 - dist[:, 1:]


def _kept_near(points: np.ndarray, indices: np.ndarray) -> float:
    near = NearestNeighbors(n_neighbors=31).fit(points).kneighbors(points)[1][:, 1:]
    return float(np.mean([np.isin(indices[i, :10], near[i]).mean() for i in range(len(indices))]))


@pytest.mark.slow
def test_the_map_keeps_as_many_neighbours_near_as_umap_learn():
    import umap

    from paperlens.graphs.layout import _start, knn_matrix, umap_knn

    indices, sims = _clusters()
    ours = map_layout(indices, sims, seed=0)
    n = len(indices)
    graph = knn_matrix(indices, sims)
    knn_i, knn_d = umap_knn(indices, sims)
    theirs = umap.UMAP(
        n_neighbors=16,
        metric="cosine",
        precomputed_knn=(knn_i, knn_d, None),
        init=_start(graph + graph.T, 0),
        random_state=0,
    ).fit_transform(np.zeros((n, 1), np.float32))
    chance = 30 / (n - 1)
    assert _kept_near(theirs, indices) > 5 * chance  # umap-learn's map is a real map of the clusters...
    # ...and ours keeps about as much (measured: 0.4-2.5% less on such clusters, within 0.5% on the bench corpus).
    assert _kept_near(ours, indices) >= 0.95 * _kept_near(theirs, indices)


@pytest.mark.slow
def test_positions_are_the_same_on_one_and_two_threads(tmp_path):
    script = """
import sys
sys.path.insert(0, sys.argv[2])
import numpy as np
from test_map_kernel import _clusters
from paperlens.graphs.layout import map_layout
indices, sims = _clusters()
np.savez(sys.argv[1], points=map_layout(indices, sims, seed=3, n_epochs=60))
"""
    runs = [
        arrays_from_fresh_process(script, tmp_path / f"{threads}.npz", {**os.environ, "NUMBA_NUM_THREADS": threads})
        for threads in ("1", "2")
    ]
    assert np.array_equal(runs[0]["points"], runs[1]["points"])
    assert np.isfinite(runs[0]["points"]).all() and np.ptp(runs[0]["points"]) > 1
