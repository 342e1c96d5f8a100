"""Benchmark: the field map's 2-D layout at 10k, 25k and 75k papers (issue 13).

For each size, on the first N papers of ``../shared/bench/arxiv_abstracts_75k.jsonl.xz``, the corpus's
:class:`paperlens.ConceptModel` is fitted and its concept kNN graph (k = 15) computed once; then each
layout runs on it and is scored:

* ``random``: uniform random points (the floor);
* ``svd``: TruncatedSVD to 2 dimensions of the TF-IDF matrix (PCA for sparse data);
* ``umap-knn``: what paperlens uses, ``map_layout``: umap-learn's fuzzy graph of the concept kNN graph,
  its epochs in paperlens's own optimiser (two fixed blocks in parallel, the same on any thread count);
* ``umap-learn-knn``: umap-learn's own optimiser (one thread, reproducible) on the same kNN graph
  (``precomputed_knn``) from the same start: what paperlens used before (issue 15);
* ``tsne-knn``: openTSNE on affinities built from the same kNN graph (``PrecomputedAffinities``);
* ``pacmap``: PaCMAP on the 50-d SVD of the TF-IDF matrix (it takes no kNN graph);
* ``umap-default``: umap-learn with its own defaults (its own neighbour search, cosine) on THE SAME
  TF-IDF matrix: the baseline the "reuse the kNN graph" ratio is printed against.

Quality = kNN preservation: for each paper with text, the share of its 10 concept neighbours that are
among its 30 nearest points on the map. Time = the layout alone (the kNN graph is shared and timed
once). Each layout runs in this process, one after the other; ``--repeats`` runs of the cheap ones
give a median.

``--determinism`` runs ``paperlens.graphs.layout.map_layout`` in child processes under
``OPENBLAS_NUM_THREADS=1/2`` and ``NUMBA_NUM_THREADS=1/2`` and checks the positions are identical.
``--end-to-end`` measures 75k raw records -> ``corpus.map_positions()`` -> the map's HTML page, in a
child process, with its peak resident memory.

Run from the repository root, when the machine is quiet::

    .venv/bin/python benchmarks/bench_map.py                          # all sizes, all methods
    .venv/bin/python benchmarks/bench_map.py --sizes 10000 --methods umap-knn,svd,random
    .venv/bin/python benchmarks/bench_map.py --determinism --end-to-end --sizes 0
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # also when imported as benchmarks.bench_map by the child processes
from bench_concept_graph import load_corpus  # noqa: E402  (the same papers as the concept graph benchmark)

ROOT = HERE.parent
K_GRAPH = 15
K_TRUE = 10
K_MAP = 30
METHODS = ("random", "svd", "umap-knn", "umap-learn-knn", "tsne-knn", "pacmap", "umap-default")
CHEAP = ("random", "svd")


def preservation(positions: np.ndarray, true_neighbours: np.ndarray) -> float:
    """Mean share of each row's true neighbours (>= 0) among its K_MAP nearest points of ``positions``."""
    from sklearn.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=K_MAP + 1).fit(positions)
    _, near = nn.kneighbors(positions)
    near = near[:, 1:]
    shares = []
    for i in range(len(positions)):
        truth = true_neighbours[i][true_neighbours[i] >= 0]
        if len(truth):
            shares.append(np.isin(truth, near[i]).mean())
    return float(np.mean(shares))


def run_method(name: str, model, indices: np.ndarray, sims: np.ndarray, seed: int) -> np.ndarray:
    X = model.matrix_ if model is not None else None
    n = len(indices)
    if name == "random":
        return np.random.default_rng(seed).random((n, 2))
    if name == "svd":
        from sklearn.decomposition import TruncatedSVD

        return TruncatedSVD(2, random_state=seed, algorithm="arpack").fit_transform(X)
    if name == "umap-knn":
        from paperlens.graphs.layout import map_layout

        return map_layout(indices, sims, seed=seed)
    if name == "umap-learn-knn":
        import umap

        from paperlens.graphs.layout import _start, knn_matrix, umap_knn

        graph = knn_matrix(indices, sims)
        knn_i, knn_d = umap_knn(indices, sims)
        start = _start(graph + graph.T, seed)
        reducer = umap.UMAP(
            n_neighbors=indices.shape[1] + 1,
            metric="cosine",
            precomputed_knn=(knn_i, knn_d, None),
            init=start,
            random_state=seed,
        )
        return reducer.fit_transform(np.zeros((n, 1), np.float32))
    if name == "tsne-knn":
        from openTSNE import TSNEEmbedding, affinity, initialization

        from paperlens.graphs.layout import knn_matrix

        P = knn_matrix(indices, sims)
        P = P + P.T
        P = P.multiply(1 / P.sum()).tocsr()
        aff = affinity.PrecomputedAffinities(P, normalize=False)
        init = initialization.spectral(P, random_state=seed) if n > 1 else np.zeros((n, 2))
        emb = TSNEEmbedding(init, aff, n_jobs=1, random_state=seed, negative_gradient_method="fft")
        emb = emb.optimize(250, exaggeration=12, momentum=0.5)
        emb = emb.optimize(500, momentum=0.8)
        return np.asarray(emb)
    if name == "pacmap":
        import pacmap
        from sklearn.decomposition import TruncatedSVD

        Y = TruncatedSVD(50, random_state=seed).fit_transform(X)
        return pacmap.PaCMAP(n_components=2, n_neighbors=10, random_state=seed).fit_transform(Y, init="pca")
    if name == "umap-default":
        import umap

        return umap.UMAP(metric="cosine", random_state=seed).fit_transform(X)
    raise ValueError(name)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the neighbour search's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def warm_up() -> None:
    """Compile umap-learn's numba functions once, so no layout's time includes the compilation."""
    from paperlens.graphs.layout import map_layout

    rng = np.random.default_rng(0)
    indices = np.array([rng.permutation([j for j in range(60) if j != i])[:15] for i in range(60)])
    map_layout(indices, np.full(indices.shape, 0.5), seed=0, n_epochs=5)
    run_method("umap-learn-knn", None, indices, np.full(indices.shape, 0.5), 0)


def bench_size(n: int, methods: list[str], repeats: int, seed: int) -> list[dict]:
    started = time.perf_counter()
    corpus = load_corpus(n)
    model = corpus.concept_model()
    fit_s = time.perf_counter() - started
    started, cpu0 = time.perf_counter(), _cpu()
    indices, sims = model.kneighbors(K_GRAPH)
    knn_wall, knn_s = time.perf_counter() - started, _cpu() - cpu0
    true = indices[:, :K_TRUE]
    print(
        f"\n== {n:,} papers: fit {fit_s:.1f} s, concept kNN (k={K_GRAPH}) {knn_wall:.1f} s wall, {knn_s:.1f} s CPU",
        flush=True,
    )
    rows = []
    for name in methods:
        times, cpu = [], []
        positions = None
        for _ in range(repeats if name in CHEAP else 1):
            t0, c0 = time.perf_counter(), time.process_time()
            positions = run_method(name, model, indices, sims, seed)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        quality = preservation(np.asarray(positions, dtype=np.float64), true)
        row = {
            "n": n,
            "method": name,
            "seconds": statistics.median(times),
            "cpu": statistics.median(cpu),
            "preservation": quality,
        }
        rows.append(row)
        print(
            f"{name:>13}: {row['seconds']:8.1f} s wall {row['cpu']:8.1f} s CPU   kNN preservation {quality:.3f}",
            flush=True,
        )
    by = {r["method"]: r for r in rows}
    if "umap-knn" in by:
        for other in ("random", "svd", "tsne-knn", "pacmap"):
            if other in by:
                ratio = by["umap-knn"]["preservation"] / by[other]["preservation"]
                print(f"  umap-knn / {other}: preservation x{ratio:.2f}")
        if "umap-default" in by:
            ratio = by["umap-default"]["cpu"] / by["umap-knn"]["cpu"]
            total = (by["umap-knn"]["cpu"] + knn_s) / by["umap-default"]["cpu"]
            print(
                f"  umap-default takes x{ratio:.1f} the CPU time of umap-knn "
                f"(umap-knn + the kNN search = {total:.2f} of umap-default)"
            )
    return rows


DETERMINISM_CHILD = """
import sys, numpy as np, hashlib
sys.path.insert(0, {root!r})
from benchmarks.bench_map import load_corpus
from paperlens.graphs.layout import map_layout
corpus = load_corpus({n})
i, s = corpus.concept_model().kneighbors(15)
p = map_layout(i, s, seed=7)
print(hashlib.sha256(np.ascontiguousarray(p).tobytes()).hexdigest())
"""


def determinism(n: int = 5000) -> None:
    print(f"\n== determinism of map_layout at {n:,} papers (positions hashed in child processes)")
    digests = {}
    for blas in ("1", "2"):
        for numba in ("1", "2"):
            env = dict(os.environ, OPENBLAS_NUM_THREADS=blas, NUMBA_NUM_THREADS=numba)
            out = subprocess.run(
                [sys.executable, "-c", DETERMINISM_CHILD.format(root=str(ROOT), n=n)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            digests[(blas, numba)] = out.stdout.strip().splitlines()[-1]
            print(f"  OPENBLAS_NUM_THREADS={blas} NUMBA_NUM_THREADS={numba}: {digests[(blas, numba)][:16]}")
    print("  identical" if len(set(digests.values())) == 1 else "  DIFFERENT: not deterministic")


END_TO_END_CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from benchmarks.bench_map import load_corpus
corpus = load_corpus({n})
t1 = time.perf_counter()
positions = corpus.map_positions()
t2 = time.perf_counter()
view = corpus.map()
html = view.to_html()
t3 = time.perf_counter()
print(f"load {{t1 - t0:.1f}} s, positions (fit + kNN + layout + communities) {{t2 - t1:.1f}} s, "
      f"view + page {{t3 - t2:.1f}} s ({{len(html) / 1e6:.1f}} MB); total {{t3 - t0:.1f}} s; "
      f"peak {{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MB")
"""


def end_to_end(n: int) -> None:
    print(f"\n== {n:,} raw records -> map page (child process)")
    out = subprocess.run(
        [sys.executable, "-c", END_TO_END_CHILD.format(root=str(ROOT), n=n)], capture_output=True, text=True
    )
    print("  " + (out.stdout.strip() or out.stderr.strip()[-2000:]))
    print(f"  (children's peak: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,25000,75000")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--determinism", action="store_true")
    parser.add_argument("--end-to-end", type=int, default=0, metavar="N", help="papers for the end-to-end run")
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    methods = [m for m in args.methods.split(",") if m]
    warm_up()
    for n in [int(s) for s in args.sizes.split(",") if int(s) > 0]:
        bench_size(n, methods, args.repeats, args.seed)
    if args.determinism:
        determinism()
    if args.end_to_end:
        end_to_end(args.end_to_end)
    print(f"\nload average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
