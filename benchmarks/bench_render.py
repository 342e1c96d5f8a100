"""Render a big citation graph to HTML: paperlens's GraphView against pyvis, in the same run.

    python benchmarks/bench_render.py [--nodes 10000] [--edges 40000] [--repeat 3]
                                      [--pyvis directed,undirected|none]

The graph is random but shaped like a literature: papers in 30 topics, dated
1995-2024, each citing mostly earlier papers of its own topic, with titles,
authors, venues, categories, abstracts (about 120 words), arXiv ids and
citation counts as node attributes.

paperlens: ``GraphView.from_networkx(G, max_nodes=None, color_by=...).to_html()`` does
everything (colour by community twice: with the partition found afresh, and reused from
the view's cache of the last graphs drawn, as on a redraw of the same papers): PageRank
sizes, the colours, the layout (computed in Python: physics is off at this size), node/edge
JSON, legend, vis-network inlined. ``to_pyvis()`` (the same picture as a ready pyvis
``Network``) and pyvis's ``generate_html()`` of it are timed too.
pyvis: ``Network(cdn_resources="in_line", directed=...); net.from_nx(G.copy());
net.generate_html()`` (pyvis changes the graph it is given, hence the copy; its
vis physics lays the graph out later, in the browser). ``directed=True`` is what a
citation graph needs (arrows); pyvis's default ``Network()`` is undirected, and then
every ``add_edge`` scans all edges added so far.

Runs ``--repeat`` rounds (each variant, pyvis included, once per round, so load spells hit both sides)
and prints the medians, the ratios and the load average. The pyvis runs take minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from paperlens.display.graphview import GraphView
from paperlens.display.scene import _PARTITIONS

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


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--edges", type=int, default=40_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant (the median is kept), pyvis included")
    ap.add_argument(
        "--pyvis",
        default="directed,undirected",
        help="pyvis variants to time: 'directed' (Network(directed=True), arrows for citations) and/or "
        "'undirected' (pyvis's default Network()); 'none' skips pyvis",
    )
    args = ap.parse_args()

    print(f"load average before: {load_average()}")
    t0 = time.perf_counter()
    graph = literature_graph(args.nodes, args.edges)
    print(
        f"graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )

    forget = _PARTITIONS.clear  # the graph view keeps the partitions of the last graphs drawn
    variants = [
        ("all papers, color_by='year'", {"max_nodes": None, "color_by": "year"}, None),
        ("all papers, color_by='category'", {"max_nodes": None, "color_by": "category"}, None),
        ("all papers, community, partition found (cold)", {"max_nodes": None, "color_by": "community"}, forget),
        ("all papers, community, partition reused", {"max_nodes": None, "color_by": "community"}, None),
        ("defaults: top 2,000 by PageRank, community", {}, forget),
    ]
    wanted = [v for v in args.pyvis.split(",") if v and v != "none"]

    def pyvis_render(directed: bool) -> str:
        from pyvis.network import Network

        net = Network(height="600px", width="100%", directed=directed, notebook=False, cdn_resources="in_line")
        net.from_nx(graph.copy())
        return net.generate_html()

    def ours(options: dict, before) -> str:
        if before is not None:
            before()
        return GraphView.from_networkx(graph, **options).to_html()

    # Rounds: every variant, pyvis included, runs once per round, so a busy spell of the machine falls on both sides.
    jobs = [(f"pyvis {v}", lambda v=v: pyvis_render(v == "directed")) for v in wanted]
    jobs += [(label, lambda o=options, b=before: ours(o, b)) for label, options, before in variants]
    jobs.append(("to_pyvis", lambda: GraphView.from_networkx(graph, max_nodes=None).to_pyvis()))
    net = GraphView.from_networkx(graph, max_nodes=None, color_by="year").to_pyvis()
    jobs.append(("to_pyvis generate_html", net.generate_html))
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in jobs}
    sizes: dict[str, float] = {}
    for round_ in range(args.repeat):
        for name, work in jobs:
            w0, c0 = time.perf_counter(), time.process_time()
            page = work()
            times[name].append((time.perf_counter() - w0, time.process_time() - c0))
            if isinstance(page, str):
                sizes[name] = len(page) / 1e6
        print(f"round {round_ + 1} of {args.repeat} done, load average {load_average()}", flush=True)

    def median(name: str) -> tuple[float, float]:
        return statistics.median(w for w, _ in times[name]), statistics.median(c for _, c in times[name])

    for label, _, _ in variants:
        wall, cpu = median(label)
        print(f"paperlens GraphView, {label:47} {wall:7.2f} s wall {cpu:7.2f} s CPU  {sizes[label]:5.1f} MB")
    wall, cpu = median("to_pyvis")
    print(f"paperlens GraphView(...).to_pyvis() (a ready pyvis Network)        {wall:7.2f} s wall {cpu:7.2f} s CPU")
    wall, cpu = median("to_pyvis generate_html")
    print(f"  then pyvis's own generate_html() of it                          {wall:7.2f} s wall {cpu:7.2f} s CPU")
    for variant in wanted:
        wall, cpu = median(f"pyvis {variant}")
        label = "Network(directed=True)" if variant == "directed" else "Network() (undirected default)"
        mb = sizes[f"pyvis {variant}"]
        print(f"pyvis {label:30} + from_nx + generate_html {wall:7.2f} s wall {cpu:7.2f} s CPU  {mb:5.1f} MB")
    print(f"load average after: {load_average()}")
    if not wanted:
        return
    print("speed-up, pyvis / paperlens (wall, CPU; medians of the same rounds); target: at least 30x:")
    for variant in wanted:
        their_wall, their_cpu = median(f"pyvis {variant}")
        for label, _, _ in variants:
            our_wall, our_cpu = median(label)
            ratios = f"{their_wall / our_wall:6.1f}x wall {their_cpu / our_cpu:6.1f}x CPU"
            print(f"  vs pyvis {variant:10} | paperlens {label:47} {ratios}")


if __name__ == "__main__":
    main()
