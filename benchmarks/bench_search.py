"""Search at 75k papers: the first search (it builds the BM25 index) and how much queries narrow.

    python benchmarks/bench_search.py [--papers 74728] [--repeat 3]

Data: ``../shared/bench/arxiv_abstracts_75k.jsonl.xz``, read as ``bench_explorer.py`` reads it.

* first search: ``corpus.search(q)`` on a corpus whose index is not built yet (the index is
  dropped between runs by building it afresh from the same columns, exactly as
  ``Corpus._search_index`` does); median of ``--repeat`` runs, with the load average;
* narrowing: for each query, the papers it matches (every word must match) against the
  papers matching ANY of its words (what the search did before issue 16.5), counted in
  the same run from the index's own term columns.
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

from paperlens.search import SearchIndex

QUERIES = ("protein structure", "protein structure prediction", "diffusion models for protein structure")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = load(args.papers)
    df = corpus.df
    print(f"{len(corpus)} papers; load average {os.getloadavg()}")
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        index = SearchIndex(df["title"].tolist(), df["abstract"].tolist(), df["keywords"].tolist(), fields=df)
        index.scores("warm up the index")
        times.append(time.perf_counter() - start)
    print(f"first search (builds the index): median {statistics.median(times):.2f} s of {[round(t, 2) for t in times]}")
    print(f"load average after: {os.getloadavg()}")
    for query in QUERIES:
        any_word = np.zeros(index.n_docs, dtype=bool)
        for term in index.query_terms(query):
            any_word |= index._term_mask(term, index._tf)
        every = int((index.scores(query) > 0).sum())
        print(f"{query!r}: {every} papers with every word (before, any word: {int(any_word.sum())})")


if __name__ == "__main__":
    main()
