"""The compiled kernels of :mod:`paperlens.graphs.louvain` (imported on first use: importing numba takes a while).

Each kernel repeats, on arrays, what :func:`networkx.community.louvain_partitions` does on dicts, in the
same order and with the same floating-point operations (see that module).
"""

from __future__ import annotations

import numba
import numpy as np

from ._propagation_kernel import below


@numba.njit(cache=True, nogil=True)
def degrees(indptr: np.ndarray, nbr: np.ndarray, wt: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """networkx's weighted degree: the weights in adjacency order, then a self-loop's once more."""
    n = len(indptr) - 1
    out = np.empty(n)
    for u in range(n):
        total = 0.0
        loop = 0.0
        for e in range(indptr[u], indptr[u + 1]):
            total += wt[e]
            if nbr[e] == u:
                loop = wt[e]
        out[u] = total + loop
    return out


@numba.njit(cache=True, nogil=True)
def one_level(
    indptr: np.ndarray,
    nbr: np.ndarray,
    wt: np.ndarray,
    m: float,
    two_m2: float,
    resolution: float,
    mt: np.ndarray,
    pos: np.ndarray,
) -> tuple[np.ndarray, bool]:  # pragma: no cover - compiled
    """networkx's ``_one_level``: the community (a node index) of each node, and whether any node moved.

    ``two_m2`` is ``2 * m**2`` as Python computes it; ``mt``/``pos`` the generator's state, advanced.
    """
    n = len(indptr) - 1
    deg = degrees(indptr, nbr, wt)
    stot = deg.copy()
    node2com = np.arange(n)
    order = np.arange(n)
    for i in range(n - 1, 0, -1):  # random.shuffle
        j = below(mt, pos, i + 1)
        order[i], order[j] = order[j], order[i]
    seen = np.full(n, -1)
    acc = np.zeros(n)
    found = np.empty(n + 1, np.int64)  # neighbour communities in order of first appearance, then the own one
    visit = 0
    moves = 1
    improvement = False
    while moves > 0:
        moves = 0
        for u in order:
            own = node2com[u]
            best = own
            best_mod = 0.0
            visit += 1
            count = 0
            for e in range(indptr[u], indptr[u + 1]):
                v = nbr[e]
                if v == u:
                    continue
                c = node2com[v]
                if seen[c] != visit:
                    seen[c] = visit
                    acc[c] = 0.0
                    found[count] = c
                    count += 1
                acc[c] += wt[e]
            if seen[own] != visit:  # reading a defaultdict adds the key: the own community comes last
                seen[own] = visit
                acc[own] = 0.0
                found[count] = own
                count += 1
            degree = deg[u]
            stot[own] -= degree
            remove_cost = -acc[own] / m + resolution * (stot[own] * degree) / two_m2
            for t in range(count):
                c = found[t]
                gain = remove_cost + acc[c] / m - resolution * (stot[c] * degree) / two_m2
                if gain > best_mod:
                    best_mod = gain
                    best = c
            stot[best] += degree
            if best != own:
                node2com[u] = best
                moves += 1
                improvement = True
    return node2com, improvement


@numba.njit(cache=True, nogil=True)
def renumber(node2com: np.ndarray) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled
    """Communities numbered 0, 1, ... in the order of their index (networkx drops the empty ones in order)."""
    n = len(node2com)
    present = np.zeros(n, np.bool_)
    for u in range(n):
        present[node2com[u]] = True
    number = np.full(n, -1)
    k = 0
    for c in range(n):
        if present[c]:
            number[c] = k
            k += 1
    out = np.empty(n, np.int64)
    for u in range(n):
        out[u] = number[node2com[u]]
    return out, k


@numba.njit(cache=True, nogil=True)
def modularity(
    indptr: np.ndarray, nbr: np.ndarray, wt: np.ndarray, group: np.ndarray, k: int, resolution: float
) -> float:  # pragma: no cover - compiled
    """networkx's ``modularity`` of the partition ``group`` (numbers 0..k-1), communities in number order.

    Inside a community networkx adds up in the order of a Python set; here in node order (so the last
    bits may differ: it only decides whether a level gained more than the threshold).
    """
    n = len(indptr) - 1
    deg = degrees(indptr, nbr, wt)
    deg_sum = 0.0
    for u in range(n):
        deg_sum += deg[u]
    m = deg_sum / 2
    norm = 1 / (deg_sum * deg_sum)
    inner = np.zeros(k)
    total = np.zeros(k)
    for u in range(n):
        c = group[u]
        total[c] += deg[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = nbr[e]
            if v >= u and group[v] == c:  # each link once
                inner[c] += wt[e]
    out = 0.0
    for c in range(k):
        out += inner[c] / m - resolution * total[c] * total[c] * norm
    return out


@numba.njit(cache=True, nogil=True)
def aggregate(
    indptr: np.ndarray, nbr: np.ndarray, wt: np.ndarray, group: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """networkx's ``_gen_graph``: one node per community, the links between communities summed.

    The links are read in networkx's edge order (nodes in order, each node's neighbours in adjacency
    order, each link once); a link between two communities is created, at the end of both adjacency
    lists, the first time it is met, and later links add their weight to it.
    """
    n = len(indptr) - 1
    slot_of = numba.typed.Dict.empty(numba.types.int64, numba.types.int64)
    pair_a = np.empty(len(nbr), np.int64)
    pair_b = np.empty(len(nbr), np.int64)
    weight = np.empty(len(nbr))
    pairs = 0
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = nbr[e]
            if v < u:
                continue
            a, b = group[u], group[v]
            key = min(a, b) * k + max(a, b)
            if key in slot_of:
                slot = slot_of[key]
                weight[slot] = wt[e] + weight[slot]
            else:
                slot_of[key] = pairs
                pair_a[pairs] = a
                pair_b[pairs] = b
                weight[pairs] = wt[e]
                pairs += 1
    count = np.zeros(k + 1, np.int64)
    for p in range(pairs):
        count[pair_a[p] + 1] += 1
        if pair_b[p] != pair_a[p]:
            count[pair_b[p] + 1] += 1
    out_indptr = np.cumsum(count)
    fill = out_indptr[:-1].copy()
    out_nbr = np.empty(out_indptr[-1], np.int64)
    out_wt = np.empty(out_indptr[-1])
    for p in range(pairs):
        a, b = pair_a[p], pair_b[p]
        out_nbr[fill[a]] = b
        out_wt[fill[a]] = weight[p]
        fill[a] += 1
        if b != a:
            out_nbr[fill[b]] = a
            out_wt[fill[b]] = weight[p]
            fill[b] += 1
    return out_indptr, out_nbr, out_wt
