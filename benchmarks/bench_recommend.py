"""Re-ranking speed of ``recommend`` at 75k papers, once the concept model is fitted (target: 1 s or less).

    python benchmarks/bench_recommend.py [--papers 74728] [--repeat 7]

Data: ``../shared/bench/arxiv_abstracts_75k.jsonl.xz`` (no references: the citation part is empty, as
it is for arXiv listings). The concept model is fitted once (timed, not part of the target). Then, each
timed ``repeat`` times with a new draw of labels (median reported):

* seeds only: 5 relevant papers (cosine similarity to them);
* labels: 10 relevant + 40 irrelevant (the linear SVM), as after a few minutes of screening;
* labels, 200 + 800: late in a screening session;
* baseline, same run: ``corpus.search(query)`` (BM25 over the same papers, index built) — the ratio is
  recommend / search.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_explorer import load

from paperlens.graphs.recommend import recommend_table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    start = time.perf_counter()
    corpus = load(args.papers)
    print(f"{len(corpus)} papers loaded in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    corpus.concept_model()
    print(f"concept model fitted in {time.perf_counter() - start:.1f} s (once per corpus)")
    corpus.search("warm up the index")
    rng = np.random.default_rng(0)
    ids = np.array(corpus.ids, dtype=object)
    cases = {"seeds only (5)": (5, 0), "labels 10 + 40": (10, 40), "labels 200 + 800": (200, 800)}
    times: dict[str, list[float]] = {name: [] for name in cases}
    baseline: list[float] = []
    words = ["graph neural network", "diffusion model", "language model", "reinforcement learning", "robot"]
    for i in range(args.repeat):
        for name, (n_rel, n_irr) in cases.items():
            picked = rng.choice(len(ids), n_rel + n_irr, replace=False)
            start = time.perf_counter()
            table = recommend_table(corpus, list(ids[picked[:n_rel]]), list(ids[picked[n_rel:]]) or None, n=20)
            times[name].append(time.perf_counter() - start)
            assert len(table) == 20
        start = time.perf_counter()
        corpus.search(words[i % len(words)] + f" {i}")
        baseline.append(time.perf_counter() - start)
    base = statistics.median(baseline)
    print(f"\nmedian of {args.repeat}; load average at end: {os.getloadavg()}")
    print(f"{'case':<20}{'median':>10}{'max':>10}{'x search':>10}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<20}{med * 1000:>8.0f}ms{max(values) * 1000:>8.0f}ms{med / base:>10.2f}")
    print(f"{'search (baseline)':<20}{base * 1000:>8.0f}ms")


if __name__ == "__main__":
    main()
