"""Benchmark: the explorer's "find topics" at 75k papers, and whether the kernel stays responsive meanwhile.

Issue 15, point 6. On the first N papers of ``../shared/bench/arxiv_abstracts_75k.jsonl.xz`` (loaded as
``bench_explorer.py`` loads them), each run in a fresh process: open ``Explorer(corpus)`` (above 5,000 papers
topics are found on request), press "find topics" (the work runs in a thread), and while it runs, the main
thread (where a Jupyter kernel handles the browser's messages) does what a user would:

* ``tick``: wakes every 20 ms and does a little Python work; the delay past 20 ms is how long a message from
  the browser would wait (the median, 95th percentile and largest delay are printed);
* ``update``: moves the year slider once a second and times the explorer's update (count and table), to
  compare with the same update when the machine is idle (before the button is pressed).

It prints the total time, the time of each stage (concept model fit, neighbour search, Louvain, labels),
the progress bar's values as the thread set them, and the load average before and after each run.
Each figure is the median of ``--repeats`` runs (3).

Run from the repository root::

    .venv/bin/python benchmarks/bench_topics.py                 # 74,728 papers, 3 runs
    .venv/bin/python benchmarks/bench_topics.py --papers 20000 --repeats 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STAGES = ("fit", "kNN search", "Louvain", "community labels")


def _timed_stages() -> dict[str, float]:
    """The stages of "find topics" (:data:`STAGES`), timed as ``bench_graph_view.py`` times its own."""
    from bench_graph_view import time_stages

    import paperlens.graphs.knn as knn
    import paperlens.graphs.structure as structure
    from paperlens.graphs.concepts import ConceptModel

    targets = (
        (ConceptModel, "fit"),
        (knn, "kneighbors"),
        (structure, "louvain_numbers"),
        (structure, "label_communities"),
    )
    return time_stages(dict(zip(STAGES, targets, strict=True)))


def worker(n: int) -> dict:
    """One run in this process: open the explorer, press "find topics", watch the main thread meanwhile."""
    from bench_explorer import load

    from paperlens.display.explorer import Explorer

    corpus = load(n)
    explorer = Explorer(corpus)
    years = sorted({paper.year for paper in corpus if paper.year})
    spans = [(years[0], years[-1]), (years[len(years) // 2], years[-1])]

    def update(step: int) -> float:
        started = time.perf_counter()
        explorer.years = spans[step % 2]  # the count and the table update before this returns
        return time.perf_counter() - started

    idle = [update(step) for step in range(6)]
    spent = _timed_stages()
    progress: list[tuple[float, float, str]] = []
    bar = explorer.filters_box.topics_progress
    bar.observe(lambda change: progress.append((time.perf_counter(), change["new"], explorer.status.value)), "value")
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    thread = explorer._find_topics()
    delays, busy, last_update, worst_at = [], [], started, 0.0
    while thread.is_alive():
        woke = time.perf_counter()
        time.sleep(0.02)
        delays.append(time.perf_counter() - woke - 0.02)
        if delays[-1] >= max(delays):
            worst_at = woke - started
        sum(range(1000))  # a little Python work, as handling a message would do
        if time.perf_counter() - last_update > 1.0:
            busy.append(update(len(busy)))
            last_update = time.perf_counter()
    total = time.perf_counter() - started
    delays.sort()
    return {
        "papers": len(corpus),
        "total": total,
        **spent,
        "topics": len(explorer.topics),
        "tick median ms": 1000 * statistics.median(delays),
        "tick p95 ms": 1000 * delays[int(0.95 * (len(delays) - 1))],
        "tick max ms": 1000 * delays[-1],
        "worst tick at s": worst_at,
        "update idle ms": 1000 * statistics.median(idle),
        "update during ms": 1000 * statistics.median(busy) if busy else float("nan"),
        "progress": [(round(t - started, 1), round(v, 3), d) for t, v, d in progress],
        "status after": explorer.status.value,
        "load before": load_before,
        "load after": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=74_728)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    print(f"load average at start: {os.getloadavg()}")
    from bench_graph_view import fresh_runs

    runs = fresh_runs(__file__, args.papers, args.repeats, lambda run: f", {run['topics']:,} topics")
    print(f'\n"find topics" at {runs[0]["papers"]:,} papers, median of {len(runs)}:')
    for name in ("total", *STAGES):
        print(f"  {name:<28}{statistics.median(run[name] for run in runs):8.1f} s")
    for name in (
        "tick median ms",
        "tick p95 ms",
        "tick max ms",
        "worst tick at s",
        "update idle ms",
        "update during ms",
    ):
        print(f"  {name:<28}{statistics.median(run[name] for run in runs):8.1f}")
    print("  progress bar (s, value, stage) in the first run:")
    for moment, value, stage in runs[0]["progress"]:
        print(f"    {moment:7.1f} {value:6.3f}  {stage[:100]}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
