"""The explorer at 75k papers: time to open it, and filter-to-table updates, against Corpus.filter in the same run.

    python benchmarks/bench_explorer.py [--papers 74728] [--repeat 12] [--concept-graph]

Data: ``../shared/bench/arxiv_abstracts_75k.jsonl.xz`` (id, title, abstract,
authors, categories). Each record also gets the date its arXiv id encodes
(``2503.xxxxx`` -> 2025-03-01), so the year slider has something to do, and a
seeded random ``citation_count`` (the file has none), for the minimum-citations
control. Nothing else is changed.

What is timed (``time.perf_counter``, in process, inside a running asyncio event
loop as in a Jupyter kernel, so the graph redraw stays on its debounce timer and
is timed separately):

* open: ``Explorer(corpus)`` cold (builds the filter index) and warm (cached on the root);
* first search: builds the BM25 index (once per corpus, cached on the root);
* update: set one control's value (search box + its debounce timer flushed, year
  slider, category tags, author tags, "with abstract only", minimum citations,
  a header click, "next page"), until the count and the table are updated. Every
  search and author name is new (no cache hit). ``explorer.corpus`` is built when
  first read after a change: that read is timed separately ("then read .corpus"),
  and the benchmark reads it after every update, so each update also pays for
  freeing the previous one;
* graph: one redraw of the graph pane (``max_nodes`` papers), citation links; with
  ``--concept-graph`` also concept and both (the first one fits the concept model
  of all the papers, once: minutes at 75k);
* baseline: ``Corpus.filter`` / ``Corpus.search`` (the core's pandas path) for the
  same filter states; the ratio is explorer update / baseline.

Prints medians in milliseconds. The target is an update median of 100 ms or less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import lzma
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import paperlens as pl
from paperlens.display.explorer import Explorer
from paperlens.io.base import assemble
from paperlens.io.mapping import paper_from_mapping
from paperlens.report import FileReport

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "arxiv_abstracts_75k.jsonl.xz"
QUERIES = (
    "graph neural network",
    "diffusion model",
    "reinforcement learning agent",
    "protein structure",
    "large language model reasoning",
    "quantum error correction",
    "federated learning privacy",
    "image segmentation",
    "retrieval augmented generation",
    "speech recognition",
    "causal inference",
    "black hole",
    "sparse attention",
    "robot manipulation",
    "time series forecasting",
    "knowledge distillation",
)
AUTHORS = ("Wang", "Zhang", "Li", "Chen", "Liu", "Smith", "Kumar", "Müller", "Garcia", "Kim", "Nguyen", "Yang")
AUTHORS += ("Huang", "Zhao", "Wu", "Zhou")


def load(limit: int | None) -> pl.Corpus:
    rng = np.random.default_rng(0)
    report = FileReport(file=DATA.name, format="jsonl")
    papers = []
    with lzma.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(papers) >= limit:
                break
            record = json.loads(line)
            yymm = record["id"][:4]
            record["date"] = f"20{yymm[:2]}-{yymm[2:]}-01"
            record["citation_count"] = int(rng.zipf(1.8)) - 1
            report.records += 1
            papers.append(paper_from_mapping(record, source="bench"))
    return assemble([(papers, report)], warn=False)


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000.0


def median(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} ms" if values else "       -"


async def run(corpus: pl.Corpus, repeat: int, concept_graph: bool) -> None:
    n = len(corpus)
    explorer_cold = timed(lambda: Explorer(corpus))
    explorer_warm = timed(lambda: Explorer(corpus))
    search_build = timed(lambda: corpus.search("warm up the index"))
    explorer = Explorer(corpus)
    print(f"papers: {n:,}")
    print(f"open, cold (filter index built): {explorer_cold:8.1f} ms")
    print(f"open, warm (index cached):        {explorer_warm:8.1f} ms")
    print(f"first search (BM25 index, once):  {search_build:8.1f} ms")

    c = explorer.controls
    draws = explorer.graph_pane.draws
    updates: dict[str, list[float]] = {}
    baseline: dict[str, list[float]] = {}

    reads: list[float] = []

    def measure(name: str, action: Callable[[], Any], core: Callable[[], Any] | None = None) -> None:
        updates.setdefault(name, []).append(timed(action))
        reads.append(timed(lambda: explorer.corpus))  # built on first read after a change
        if core is not None:
            truth = None

            def run_core() -> None:
                nonlocal truth
                truth = core()

            baseline.setdefault(name, []).append(timed(run_core))
            assert len(truth) == len(explorer.corpus), (name, len(truth), len(explorer.corpus))
        assert explorer.graph_pane.draws == draws, "the graph must wait for its timer"

    def search(query: str) -> None:
        c["query"].value = query
        explorer._query_debouncer.flush()  # the debounce wait itself is by design, not work

    years = explorer.year_bounds
    categories = explorer.index.categories[:repeat]
    for i in range(repeat):
        query = QUERIES[i % len(QUERIES)] + ("" if i < len(QUERIES) else f" {i}")
        measure("search box", lambda q=query: search(q), lambda q=query: corpus.search(q))
        measure("search box (clear)", lambda: search(""), None)
        low = years[0] + (i % 2)
        measure(
            "year slider", lambda lo=low: setattr(c["years"], "value", (lo, lo)), lambda lo=low: corpus.filter(year=lo)
        )
        measure("year slider (all)", lambda: setattr(c["years"], "value", years), None)
        cat = categories[i % len(categories)]
        measure(
            "category tags",
            lambda k=cat: setattr(c["categories"], "value", [k]),
            lambda k=cat: corpus.filter(categories=k),
        )
        measure("category tags (clear)", lambda: setattr(c["categories"], "value", []), None)
        name = AUTHORS[i % len(AUTHORS)] + ("" if i < len(AUTHORS) else "a")
        measure(
            "author tags", lambda a=name: setattr(c["authors"], "value", [a]), lambda a=name: corpus.filter(authors=a)
        )
        measure("author tags (clear)", lambda: setattr(c["authors"], "value", []), None)
        measure("with abstract only", lambda: setattr(c["has_abstract"], "value", not c["has_abstract"].value), None)
        cites = 1 + i % 5
        measure(
            "min citations",
            lambda m=cites: setattr(c["min_citations"], "value", m),
            lambda m=cites: corpus.filter(min_citations=m),
        )
        measure("min citations (clear)", lambda: setattr(c["min_citations"], "value", 0), None)
        key = ("title", "year", "authors", "id")[i % 4]
        measure(
            "sort header click",
            lambda k=key: explorer.table.headers[k].click(),
            lambda k=key: corpus.sort_by({"title": "title", "year": "date", "authors": "authors", "id": "id"}[k]),
        )
        measure("next page click", lambda: explorer.table.next.click(), None)
    c["has_abstract"].value = False

    print(f"\nfilter-to-table update, median of {repeat} (count + table; graph excluded):")
    print(f"{'control':<24}{'explorer':>12}{'Corpus.filter':>16}{'ratio':>8}")
    for name, values in updates.items():
        core = baseline.get(name)
        ratio = f"{statistics.median(values) / statistics.median(core):7.2f}x" if core else ""
        print(f"{name:<24}{median(values):>12}{median(core or []):>16}{ratio:>8}")
    everything = [v for values in updates.values() for v in values]
    print(f"{'all updates':<24}{median(everything):>12}   (max {max(everything):.1f} ms, {len(everything)} updates)")
    built = f"(the filtered Corpus, built on first read; max {max(reads):.1f} ms)"
    print(f"{'then read .corpus':<24}{median(reads):>12}   {built}")

    graph_times = []
    for kind in ("citation", "concept", "both") if concept_graph else ("citation",):
        explorer.graph_kind = kind
        explorer._graph_debouncer.cancel()
        try:
            graph_times.append((kind, timed(explorer.redraw_graph)))
        except Exception as exc:  # the concept model may be missing or slow; report, do not stop
            graph_times.append((kind, f"failed: {type(exc).__name__}: {exc}"))
    drawn = f"{explorer.graph_pane.max_nodes} of {len(explorer.corpus):,} papers drawn"
    print(f"\ngraph redraw ({drawn}, after the debounce):")
    for kind, value in graph_times:
        print(f"  {kind:<9}{value:8.1f} ms" if isinstance(value, float) else f"  {kind:<9}{value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=None, help="use only the first N papers")
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument(
        "--concept-graph", action="store_true", help="also time concept/both redraws (fits the concept model: minutes)"
    )
    args = parser.parse_args()
    start = time.perf_counter()
    corpus = load(args.papers)
    print(f"loaded {len(corpus):,} papers in {time.perf_counter() - start:.1f} s (not part of the explorer)")
    asyncio.run(run(corpus, args.repeat, args.concept_graph))


if __name__ == "__main__":
    main()
