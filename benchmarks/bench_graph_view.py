"""Benchmark: ``corpus.graph(kind="concept")`` end to end, from raw papers, with its stages (issue 15, point 7).

On the first N papers of ``../shared/bench/arxiv_abstracts_75k.jsonl.xz`` (as ``bench_concept_graph.py`` loads
them), each run in a fresh process: build the corpus, then time ``corpus.graph(kind="concept")`` (it shows the
top 2,000 papers by PageRank, placed by the field map, from 300 papers). The stages are timed by wrapping the
functions that do them (the outermost stage running gets the time, so nothing counts twice):

* ``fit``: the concept model (TF-IDF of titles and abstracts);
* ``kNN search``: the neighbour search (one exact search at the map's k = 15; the graph's k = 10 is cut from it);
* ``map layout (UMAP)``: UMAP of that kNN graph (:func:`paperlens.graphs.layout.map_layout`);
* ``Louvain``: the concept communities (compiled, the same partition as networkx);
* ``community labels``: their top concepts (:func:`paperlens.graphs.structure.label_communities`);
* ``thinned graph``: the concept graph's 3 strongest links per paper, as a networkx graph;
* ``shown links' concepts`` and ``scene``: the shared concepts of the links drawn, and the picture
  (PageRank, the cap, colours, the legend's labels);
* ``other``: the rest (caches, positions, the first imports).

Each figure is the median of ``--repeats`` runs (3); the load average (``os.getloadavg()``, 1 minute) is printed
before and after every run. The machine has 2 shared cores: run it when it is quiet, or say the load.

Run from the repository root::

    .venv/bin/python benchmarks/bench_graph_view.py                 # 75k papers, 3 runs
    .venv/bin/python benchmarks/bench_graph_view.py --sizes 10000 75000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STAGES = (
    "fit",
    "kNN search",
    "map layout (UMAP)",
    "Louvain",
    "community labels",
    "thinned graph",
    "shown links' concepts",
    "scene",
)


def time_stages(targets: dict[str, tuple[object, str]]) -> dict[str, float]:
    """Wrap ``getattr(owner, name)`` for each ``stage: (owner, name)``; returns the dict the wrappers add their
    times to. Only the outermost stage running gets the time, so nothing counts twice."""
    spent = dict.fromkeys(targets, 0.0)
    active = [0]

    def wrap(owner: object, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            if active[0]:
                return original(*args, **kwargs)
            active[0] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started
                active[0] -= 1

        setattr(owner, name, timed)

    for stage, (owner, name) in targets.items():
        wrap(owner, name, stage)
    return spent


def fresh_runs(script: str, n: int, repeats: int, say: Callable[[dict], str] = lambda run: "") -> list[dict]:
    """Run ``script --worker n`` ``repeats`` times, each in a fresh process; its last line is a JSON dict.

    Prints each run's total and the load average before and after it (and ``say(run)``).
    """
    runs = []
    for repeat in range(repeats):
        out = subprocess.run(
            [sys.executable, script, "--worker", str(n)], check=True, capture_output=True, text=True
        ).stdout
        run = json.loads(out.strip().splitlines()[-1])
        runs.append(run)
        print(
            f"  run {repeat + 1}: {run['total']:.1f} s{say(run)} (load average {run['load before']:.2f} -> "
            f"{run['load after']:.2f})",
            flush=True,
        )
    return runs


def _timed_stages() -> dict[str, float]:
    """The stages of ``corpus.graph(kind="concept")`` (:data:`STAGES`), timed by :func:`time_stages`."""
    import paperlens.display.graphview as graphview
    import paperlens.graphs.knn as knn
    import paperlens.graphs.layout as layout
    import paperlens.graphs.structure as structure
    from paperlens.graphs.concepts import ConceptModel

    targets = (
        (ConceptModel, "fit"),
        (knn, "kneighbors"),
        (layout, "map_layout"),
        (structure, "louvain_numbers"),
        (structure, "label_communities"),
        (graphview, "_strongest_concept_graph"),
        (graphview, "_label_shown_links"),
        (graphview, "build_scene"),
    )
    return time_stages(dict(zip(STAGES, targets, strict=True)))


def worker(n: int) -> dict:
    """One run in this process: load, then time the graph view and its stages."""
    from bench_concept_graph import load_corpus

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    corpus = load_corpus(n)
    loaded = time.perf_counter() - started
    spent = _timed_stages()
    started = time.perf_counter()
    view = corpus.graph(kind="concept")
    total = time.perf_counter() - started
    return {
        "papers": len(corpus),
        "load corpus": loaded,
        "total": total,
        **spent,
        "other": total - sum(spent.values()),
        "shown": len(view.scene.nodes),
        "load before": load_before,
        "load after": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[75_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    print(f"load average at start: {os.getloadavg()}")
    for n in args.sizes:
        runs = fresh_runs(__file__, n, args.repeats)
        papers = runs[0]["papers"]
        print(f'\ncorpus.graph(kind="concept") at {papers:,} papers, median of {len(runs)} (s):')
        for name in ("load corpus", "total", *STAGES, "other"):
            print(f"  {name:<24}{statistics.median(run[name] for run in runs):8.1f}")
        fit_knn = statistics.median(run["fit"] + run["kNN search"] for run in runs)
        print(f"  {'fit + kNN search':<24}{fit_knn:8.1f}")
        print(f"  shown papers: {runs[0]['shown']:,}\n")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
