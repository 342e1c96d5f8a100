"""corpus.graph(kind="concept" or "both") puts shared concepts on the links it shows only: the same picture.

Truth: the graph view of the full concept graph, every link labelled
(``corpus.concept_graph()``), built the way ``graph()`` built it before (its code
copied here): the drawn nodes, links, their attributes (``concepts`` included), the
tooltips and the page must be equal. With a cap (``max_nodes``) and with the
field-map layout of big corpora (its threshold lowered for the sample).
"""

from __future__ import annotations

import pytest

import paperlens as pl
from paperlens.display import graphview
from paperlens.display.graphview import GraphView, combine_graphs
from paperlens.graphs.concepts import concept_graph, shared_concepts


def before(corpus, kind: str, **options) -> GraphView:
    """graphview.graph as it was: every similarity link labelled first."""
    if kind == "concept":
        shown = corpus.concept_graph()
        title = "Concept similarity"
    else:
        shown = combine_graphs(corpus.citation_graph(), corpus.concept_graph())
        title = "Citations and concept similarity"
    if len(corpus) >= graphview.MAP_LAYOUT_MIN and "layout" not in options:
        from paperlens.graphs.layout import map_positions, set_positions, spread, strongest_edges

        placed = map_positions(corpus)
        placed[["x", "y"]] = spread(placed[["x", "y"]].to_numpy())
        shown, hidden = strongest_edges(set_positions(shown.copy(), placed), graphview.THIN_PER_NODE)
        options["layout"] = "map"
        if hidden:
            title += f" (the {graphview.THIN_PER_NODE} strongest links of each paper; {hidden:,} more hidden)"
    options.setdefault("title", title)
    return GraphView.from_networkx(shown, corpus, **options)


def drawn(view: GraphView):
    graph = view.networkx
    nodes = sorted((str(n), sorted(d.items())) for n, d in graph.nodes(data=True))
    edges = sorted((str(u), str(v), sorted(d.items())) for u, v, d in graph.edges(data=True))
    return nodes, edges


@pytest.mark.parametrize("kind", ["concept", "both"])
@pytest.mark.parametrize("max_nodes", [None, 25])
def test_the_picture_is_the_same(kind, max_nodes):
    corpus = pl.load_sample()
    new = corpus.graph(kind, max_nodes=max_nodes)
    old = before(corpus, kind, max_nodes=max_nodes)
    assert drawn(new) == drawn(old)
    assert new.to_html() == old.to_html()
    labelled = [d for _, _, d in new.networkx.edges(data=True) if d.get("kind") == "similar"]
    assert labelled and all(d["concepts"] for d in labelled)  # the comparison sees concepts, not two empty sets


@pytest.mark.parametrize("kind", ["concept", "both"])
def test_the_map_layout_picture_is_the_same(kind, monkeypatch):
    monkeypatch.setattr(graphview, "MAP_LAYOUT_MIN", 50)
    corpus = pl.load_sample()
    new = corpus.graph(kind, max_nodes=30)
    old = before(corpus, kind, max_nodes=30)
    assert drawn(new) == drawn(old)
    assert new.to_html() == old.to_html()


def test_the_comparison_can_fail():
    corpus = pl.load_sample()
    new = corpus.graph("concept", max_nodes=25)
    unlabelled = GraphView.from_networkx(corpus.concept_graph(n_concepts=0), corpus, max_nodes=25)
    assert drawn(new) != drawn(unlabelled)


def test_shared_concepts_are_the_graphs():
    corpus = pl.load_sample()
    graph = concept_graph(corpus)
    pairs = [(u, v) for u, v in graph.edges]
    assert shared_concepts(corpus, pairs) == [graph.edges[p]["concepts"] for p in pairs]
    assert shared_concepts(corpus, [(v, u) for u, v in pairs]) == [graph.edges[p]["concepts"] for p in pairs]
