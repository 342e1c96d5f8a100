"""Render a big citation graph to HTML: paperlens's GraphView against pyvis, in the same run.

    python benchmarks/bench_render.py [--nodes 10000] [--edges 40000] [--skip-pyvis] [--repeat 3]

The graph is random but shaped like a literature: papers in 30 topics, dated
1995-2024, each citing mostly earlier papers of its own topic, with titles,
authors, venues, categories, abstracts (about 120 words), arXiv ids and
citation counts as node attributes.

paperlens: ``GraphView.from_networkx(G, max_nodes=None, color_by=..., size_by="pagerank").to_html()``
(everything: PageRank, communities or year colours, the layout computed in
Python since physics is off at this size, node/edge JSON, legend, vis-network inlined).
pyvis: ``Network(cdn_resources="in_line"); net.from_nx(G.copy()); net.generate_html()``
(pyvis mutates the graph it is given, hence the copy; its vis physics would lay
the graph out later, in the browser).

Prints both times and the ratio. The pyvis run takes over a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paperlens.display.graphview import GraphView

WORDS = (  # noqa: SIM905
    "learning neural network graph attention transformer retrieval language model vision causal inference "
    "representation contrastive diffusion sparse efficient robust federated adversarial benchmark dataset "
    "reasoning alignment embedding clustering optimization gradient kernel bayesian probabilistic citation "
    "scientific literature corpus topic semantic similarity knowledge structure dynamic temporal evaluation "
    "scaling pretraining finetuning adaptation compression distillation quantization multimodal speech audio "
    "protein molecule physics simulation control policy reinforcement agent planning memory"
).split()
SURNAMES = "Smith Chen Garcia Müller Rossi Kim Nguyen Okafor Silva Kowalski Haddad Tanaka Ivanova Dubois Patel".split()  # noqa: SIM905
VENUES = ("NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "CVPR", "KDD", "JMLR", "Nature", "arXiv")
CATEGORIES = ("cs.LG", "cs.CL", "cs.CV", "cs.AI", "cs.IR", "stat.ML", "cs.SI", "q-bio.QM", "physics.soc-ph")


def literature_graph(n: int = 10_000, m: int = 40_000, topics: int = 30, seed: int = 0) -> nx.DiGraph:
    """A random citation graph with realistic paper attributes (newer papers cite older ones)."""
    rng = random.Random(seed)
    graph = nx.DiGraph()
    topic_of, by_topic = [], [[] for _ in range(topics)]
    start = dt.date(1995, 1, 1).toordinal()
    span = dt.date(2024, 12, 31).toordinal() - start
    dates = sorted(dt.date.fromordinal(start + int(span * rng.random() ** 0.6)) for _ in range(n))
    for i, date in enumerate(dates):
        topic = rng.randrange(topics)
        topic_of.append(topic)
        by_topic[topic].append(i)
        words = [WORDS[(topic * 7 + rng.randrange(12)) % len(WORDS)] for _ in range(rng.randint(5, 11))]
        graph.add_node(
            f"{date:%y%m}.{i:05d}",
            title=" ".join(words).capitalize(),
            year=date.year,
            date=date.isoformat(),
            authors="; ".join(f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(SURNAMES)}" for _ in range(4)),
            venue=rng.choice(VENUES),
            categories="; ".join(rng.sample(CATEGORIES, 2)),
            abstract=" ".join(rng.choice(WORDS) for _ in range(120)).capitalize() + ".",
            arxiv_id=f"{date:%y%m}.{i:05d}",
            citation_count=int(rng.paretovariate(1.2) * 3),
        )
    ids = list(graph)
    edges: set[tuple[int, int]] = set()
    while len(edges) < m:
        citing = rng.randrange(1, n)
        pool = by_topic[topic_of[citing]] if rng.random() < 0.85 else range(n)
        cited = rng.choice(pool)
        if cited < citing:
            edges.add((citing, cited))
    graph.add_edges_from((ids[a], ids[b], {"kind": "cites"}) for a, b in sorted(edges))
    return graph


def best_of(repeat: int, work) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--edges", type=int, default=40_000)
    ap.add_argument("--repeat", type=int, default=3, help="paperlens runs (best is kept); pyvis runs once")
    ap.add_argument("--skip-pyvis", action="store_true")
    args = ap.parse_args()

    t0 = time.perf_counter()
    graph = literature_graph(args.nodes, args.edges)
    print(
        f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )

    results = {}
    for color_by in ("year", "community"):
        seconds, page = best_of(
            args.repeat,
            lambda color_by=color_by: GraphView.from_networkx(
                graph, max_nodes=None, color_by=color_by, size_by="pagerank"
            ).to_html(),
        )
        results[color_by] = seconds
        print(f"paperlens GraphView, color_by={color_by!r:12} {seconds:7.2f} s   {len(page) / 1e6:5.1f} MB of HTML")
    capped, page = best_of(args.repeat, lambda: GraphView.from_networkx(graph).to_html())
    print(f"paperlens GraphView, defaults (top 2,000)  {capped:7.2f} s   {len(page) / 1e6:5.1f} MB of HTML")

    if args.skip_pyvis:
        return
    from pyvis.network import Network

    def pyvis_render() -> str:
        net = Network(height="600px", width="100%", directed=True, notebook=False, cdn_resources="in_line")
        net.from_nx(graph.copy())
        return net.generate_html()

    pyvis_s, page = best_of(1, pyvis_render)
    print(f"pyvis Network.from_nx + generate_html      {pyvis_s:7.2f} s   {len(page) / 1e6:5.1f} MB of HTML")
    for color_by, seconds in results.items():
        print(f"speed-up, color_by={color_by!r:12}: {pyvis_s / seconds:5.1f}x  (target: at least 30x)")


if __name__ == "__main__":
    main()
