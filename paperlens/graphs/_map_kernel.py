"""The field map's optimiser (numba, imported on first use): UMAP's epochs, the same on any number of threads.

umap-learn's optimiser is either single-threaded (reproducible: 28-32 s for 75,000 papers) or parallel with
races between threads (positions that change from run to run). This one runs umap-learn's stochastic gradient
descent (each fuzzy-graph edge pulls its two ends together when its epoch comes, ``negative_rate`` random
pushes on its head per pull, the step shrinking linearly to 0) so that the threads do not matter. One change
to umap-learn's steps: a pull's pushes are all computed from where the head stands after the pull and added
together (umap-learn moves the head after each push, so each push waits for the one before it): 18% faster at
75,000 papers, with as many concept neighbours kept near. Threads: the nodes are cut into :data:`BLOCKS` fixed
runs with about equal work (:func:`block_bounds`), and in an epoch the edges whose head lies in a block are
run in order by one thread. A pull moves both ends at once when they share the block, as umap-learn does; when
the tail lies in another block its move is kept with the edge and applied when the epoch ends (each node's
kept moves in the order of its edges), and the head reads that tail as it was when the epoch began. Each node
draws its negative samples from its own random stream. Threads only decide who runs which block: 1 or 16 of
them give the same positions, bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

BLOCKS = 2
"""Fixed blocks of nodes, the unit of parallel work (their number shapes the result, the threads' does not).

Two: on the bench corpus the map keeps as many concept neighbours near as umap-learn's (within 0.5%
at 4,000 to 75,000 papers) in about half its time; with 8 or 64 blocks more pulls wait for the epoch's
end and 2-5% of them are lost (``benchmarks/bench_map.py``)."""

_CLIP = 4.0  # umap-learn's gradient clip

# x ** b as 2 ** (b * log2 x), from x's exponent bits and two degree-6 polynomials on [0, 1): log2(1 + t), 0 at
# t = 0, and 2 ** f, 1 at f = 0 (least squares at 4,001 Chebyshev points; absolute error 2.5e-6, relative 2.1e-9),
# so x ** b is within 1.7e-6 * |b| of the C library's, exact for x = 2 ** e where b * e is whole (1 ** b is 1)
# (tests/test_map_kernel.py). With the C library's pow, six powers per pull were over half of the optimiser's time,
# and that pow may differ from one C library to the next; these are plain products and sums, the same on every
# machine. The optimiser alone: 30% faster at 75,000 papers, as many concept neighbours kept near
# (benchmarks/README.md).
_LOG2 = (
    0.0,
    1.4425347674600675,
    -0.7180333966704111,
    0.45715712483557175,
    -0.27733943211353723,
    0.12147073453438206,
    -0.025791527612024134,
)
_EXP2 = (
    1.0,
    0.6931470422768936,
    0.24022932541726297,
    0.05548521868076775,
    0.009675536061656359,
    0.0012467340706669855,
    0.00021613944195300605,
)
_L0, _L1, _L2, _L3, _L4, _L5, _L6 = _LOG2
_E0, _E1, _E2, _E3, _E4, _E5, _E6 = _EXP2
_MANTISSA = 0xFFFFFFFFFFFFF
_ONE = 0x3FF0000000000000  # the bits of 1.0


@njit(cache=True, inline="always")
def _power(x, b):  # pragma: no cover - compiled
    """``x ** b`` for ``x > 0``, within ``1.7e-6 * |b|`` (subnormal ``x``, or ``x ** b`` beyond the normal
    numbers: the C library's). ``x = 2 ** e * (1 + t)``, so ``x ** b = 2 ** (b * (e + log2(1 + t)))``."""
    bits = np.float64(x).view(np.int64)
    e = (bits >> np.int64(52)) - np.int64(1023)
    t = np.int64((bits & np.int64(_MANTISSA)) | np.int64(_ONE)).view(np.float64) - 1.0
    t2 = t * t
    log2 = (_L0 + _L1 * t) + t2 * (_L2 + _L3 * t) + t2 * t2 * ((_L4 + _L5 * t) + t2 * _L6)
    y = b * (log2 + e)
    whole = np.floor(y)
    f = y - whole
    f2 = f * f
    fraction = (_E0 + _E1 * f) + f2 * (_E2 + _E3 * f) + f2 * f2 * ((_E4 + _E5 * f) + f2 * _E6)
    biased = np.int64(whole) + np.int64(1023)
    if e <= -1022 or biased <= 0 or biased >= 2047:
        return x**b
    return fraction * np.int64(biased << np.int64(52)).view(np.float64)


@njit(cache=True, nogil=True)
def _seeds(n, seed):  # pragma: no cover - compiled
    """One xorshift state per node, from the seed and the node's number (never 0)."""
    state = np.empty(n, np.uint64)
    for v in range(n):
        x = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(v + 1) * np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(31)
        state[v] = x | np.uint64(1)
    return state


def block_bounds(head: np.ndarray, epochs_per_sample: np.ndarray, n: int, blocks: int) -> np.ndarray:
    """Where the ``blocks`` runs of nodes begin and end (``blocks + 1`` numbers from 0 to ``n``), cut so that
    each holds about the same share of the pulls (an edge pulls once every ``epochs_per_sample`` epochs; each
    pull brings its pushes); at 75k papers equal numbers of nodes held 53.5% and 46.5% of the pulls. The cut
    depends on the graph only, never on the threads.

    >>> block_bounds(np.array([0, 0, 0, 1, 2, 3]), np.ones(6), 4, 2).tolist()
    [0, 1, 4]
    """
    work = np.bincount(head, weights=1.0 / np.asarray(epochs_per_sample, dtype=np.float64), minlength=n)
    total = np.cumsum(work)
    inner = np.searchsorted(total, total[-1] * np.arange(1, blocks) / blocks, side="left") + 1 if n else []
    return np.concatenate([[0], inner, [n]]).astype(np.int64)  # each inner cut is at most n (its share < total)


def run_epochs(
    points: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    epochs_per_sample: np.ndarray,
    a: float,
    b: float,
    n_epochs: int,
    seed: int,
    negative_rate: float,
    blocks: int = BLOCKS,
) -> np.ndarray:
    """:func:`optimise` over ``blocks`` blocks, with the edge orders it reads derived from ``head`` / ``tail``
    (the edges sorted by head). ``points`` is copied, not changed."""
    n = len(points)
    head, tail = np.asarray(head, dtype=np.int64), np.asarray(tail, dtype=np.int64)
    bounds = block_bounds(head, epochs_per_sample, n, blocks)
    block_edges = np.searchsorted(head, bounds).astype(np.int64)
    incoming = np.argsort(tail, kind="stable").astype(np.int64)
    incoming_ptr = np.searchsorted(tail[incoming], np.arange(n + 1)).astype(np.int64)
    return optimise(
        np.array(points, dtype=np.float64),
        head,
        tail,
        bounds,
        block_edges,
        incoming,
        incoming_ptr,
        np.asarray(epochs_per_sample, dtype=np.float64),
        float(a),
        float(b),
        int(n_epochs),
        int(seed),
        float(negative_rate),
    )


@njit(parallel=True, cache=True, nogil=True)
def optimise(  # pragma: no cover - compiled
    points,
    head,
    tail,
    bounds,
    block_edges,
    incoming,
    incoming_ptr,
    epochs_per_sample,
    a,
    b,
    n_epochs,
    seed,
    negative_rate,
):
    """Run ``n_epochs`` epochs on ``points`` (``n x 2``, float64, changed in place and returned).

    ``head`` / ``tail``: the fuzzy graph's edges sorted by head; block ``i`` holds the nodes
    ``bounds[i]`` to ``bounds[i + 1]`` and ``block_edges[i]:block_edges[i + 1]`` are the edges whose head lies in it;
    ``incoming[incoming_ptr[v]:incoming_ptr[v + 1]]``: the edges whose tail is ``v``, in order;
    ``epochs_per_sample``: umap-learn's (an edge is sampled every so many epochs); ``a``, ``b``: the
    curve ``1 / (1 + a d^2b)``.
    """
    n = points.shape[0]
    blocks = len(block_edges) - 1
    negative_every = epochs_per_sample / negative_rate
    next_sample = epochs_per_sample.copy()
    next_negative = negative_every.copy()
    start = points.copy()
    pull = np.zeros((len(head), 2))  # each sampled edge's move of its tail, applied when the epoch ends
    state = _seeds(n, seed)
    for epoch in range(n_epochs):
        alpha = 1.0 - epoch / n_epochs
        start[:] = points
        for block in prange(blocks):
            low = bounds[block]
            high = bounds[block + 1]
            for e in range(block_edges[block], block_edges[block + 1]):
                if next_sample[e] > epoch:
                    continue
                j = head[e]
                k = tail[e]
                own = low <= k < high
                dx = points[j, 0] - (points[k, 0] if own else start[k, 0])
                dy = points[j, 1] - (points[k, 1] if own else start[k, 1])
                d2 = dx * dx + dy * dy
                if d2 > 0.0:
                    power = _power(d2, b)
                    grad = -2.0 * a * b * (power / d2) / (a * power + 1.0)
                    gx = alpha * min(_CLIP, max(-_CLIP, grad * dx))
                    gy = alpha * min(_CLIP, max(-_CLIP, grad * dy))
                    points[j, 0] += gx
                    points[j, 1] += gy
                    if own:
                        points[k, 0] -= gx
                        points[k, 1] -= gy
                    else:
                        pull[e, 0] = -gx
                        pull[e, 1] = -gy
                next_sample[e] += epochs_per_sample[e]
                negatives = int((epoch - next_negative[e]) / negative_every[e])
                # The pushes are all computed from where the head stands after its pull and applied
                # together: no push waits for the one before it (umap-learn applies each at once).
                px = points[j, 0]
                py = points[j, 1]
                push_x = 0.0
                push_y = 0.0
                for _ in range(negatives):
                    x = state[j]
                    x ^= x << np.uint64(13)
                    x ^= x >> np.uint64(7)
                    x ^= x << np.uint64(17)
                    state[j] = x
                    k = int(((x >> np.uint64(32)) * np.uint64(n)) >> np.uint64(32))  # in [0, n)
                    if k == j:
                        continue
                    own = low <= k < high
                    dx = px - (points[k, 0] if own else start[k, 0])
                    dy = py - (points[k, 1] if own else start[k, 1])
                    d2 = dx * dx + dy * dy
                    if d2 > 0.0:
                        grad = 2.0 * b / ((0.001 + d2) * (a * _power(d2, b) + 1.0))
                        push_x += alpha * min(_CLIP, max(-_CLIP, grad * dx))
                        push_y += alpha * min(_CLIP, max(-_CLIP, grad * dy))
                points[j, 0] = px + push_x
                points[j, 1] = py + push_y
                next_negative[e] += negatives * negative_every[e]
        for block in prange(blocks):  # the tails' moves, each node's in the order of its edges
            for v in range(bounds[block], bounds[block + 1]):
                for slot in range(incoming_ptr[v], incoming_ptr[v + 1]):
                    e = incoming[slot]
                    points[v, 0] += pull[e, 0]
                    points[v, 1] += pull[e, 1]
                    pull[e, 0] = 0.0
                    pull[e, 1] = 0.0
    return points
