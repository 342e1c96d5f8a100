"""The field map: positions (layout, caching, determinism), edge thinning, links, and the map view.

Truth comes from elsewhere: neighbours on the map from scikit-learn's NearestNeighbors, the strongest
edges per node by a brute-force loop over networkx's edges, HTML structure from ``html.parser``.
"""

from __future__ import annotations

import base64
import html.parser
import json
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import paperlens as pl
from paperlens.graphs.layout import knn_matrix, map_layout, map_links, pack_components, set_positions, strongest_edges

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def sample():
    return pl.load_sample()


@pytest.fixture(scope="module")
def positions(sample):
    return sample.map_positions()


def test_positions_are_a_table_of_every_paper(sample, positions):
    assert list(positions.columns) == ["id", "x", "y", "community"]
    assert positions["id"].tolist() == sample.ids
    assert positions[["x", "y"]].abs().to_numpy().max() <= 1.0
    assert np.isfinite(positions[["x", "y"]].to_numpy()).all()
    # Communities are those of the concept graph's community table.
    table = sample.communities(kind="concept")
    expected = {i: c for c, ids in zip(table["community"], table["ids"], strict=True) for i in ids}
    assert positions.set_index("id")["community"].to_dict() == expected


def test_positions_are_cached_and_subsets_keep_their_place(sample, positions):
    assert sample.map_positions() is not positions  # a copy each time...
    pd.testing.assert_frame_equal(sample.map_positions(), positions)  # ...of the same layout
    subset = sample.filter(year=2024)
    part = subset.map_positions()
    assert part["id"].tolist() == subset.ids
    whole = positions.set_index("id").loc[part["id"]].reset_index()
    pd.testing.assert_frame_equal(part, whole)


def test_same_seed_same_positions_other_seed_other_positions(sample, positions):
    fresh = pl.load_sample()  # a new corpus: nothing cached
    pd.testing.assert_frame_equal(fresh.map_positions(), positions)
    other = fresh.map_positions(seed=1)
    assert not np.allclose(other[["x", "y"]].to_numpy(), positions[["x", "y"]].to_numpy())


def test_the_map_keeps_concept_neighbours_near(sample, positions):
    from sklearn.neighbors import NearestNeighbors

    indices, _ = sample.concept_model().kneighbors(5)
    xy = positions[["x", "y"]].to_numpy()
    near = NearestNeighbors(n_neighbors=11).fit(xy).kneighbors(xy)[1][:, 1:]
    shares = [np.isin(row[row >= 0], near[i]).mean() for i, row in enumerate(indices) if (row >= 0).any()]
    chance = 10 / (len(sample) - 1)
    assert np.mean(shares) > 2.5 * chance


@pytest.mark.slow
def test_positions_do_not_depend_on_threads(sample, positions):
    code = (
        "import paperlens as pl, json; p = pl.load_sample().map_positions(); "
        "print(json.dumps(p[['x', 'y']].to_numpy().tolist()))"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2", NUMBA_NUM_THREADS="2", OMP_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert np.array_equal(np.array(json.loads(out.stdout.strip().splitlines()[-1])), positions[["x", "y"]].to_numpy())


def test_layout_of_tiny_and_linkless_inputs():
    assert map_layout(np.zeros((0, 3), dtype=int), np.zeros((0, 3))).shape == (0, 2)
    lonely = map_layout(np.full((3, 2), -1), np.zeros((3, 2)), seed=3)
    assert lonely.shape == (3, 2) and np.isfinite(lonely).all()


def test_parts_without_links_between_them_are_packed_side_by_side(sample):
    # Two copies of the sample's own kNN graph with no link between them: UMAP alone lets the copies
    # drift apart; packed, each copy fills its own box, the boxes touch (no sea of white) and never overlap.
    indices, sims = sample.concept_model().kneighbors(10)
    n = len(indices)
    both_i = np.vstack([indices, np.where(indices >= 0, indices + n, -1)])
    both_s = np.vstack([sims, sims])
    points = map_layout(both_i, both_s, seed=0)
    left, right = points[:n], points[n:]
    boxes = [(p.min(axis=0), p.max(axis=0)) for p in (left, right)]
    overlap = np.minimum(boxes[0][1], boxes[1][1]) - np.maximum(boxes[0][0], boxes[1][0])
    assert (overlap <= 0).any()  # apart on at least one axis
    gap = -overlap.min()
    assert 0 < gap < 0.25 * 2  # a margin, not a sea: under a quarter of the map's width
    # Within a part the layout is only moved and scaled: the same neighbours stay nearest.
    packed = pack_components(np.vstack([left, right * 3 + 100]), knn_matrix(both_i, both_s))
    assert np.allclose(np.corrcoef(packed[:n, 0], left[:, 0])[0, 1], 1)
    assert np.allclose(np.corrcoef(packed[n:, 1], right[:, 1])[0, 1], 1)


def test_knn_matrix_against_hand_built_matrix():
    m = knn_matrix(np.array([[2, -1], [0, 2], [1, 0]]), np.array([[0.3, 0.0], [0.5, 0.0], [0.7, 0.2]]))
    assert m.toarray().tolist() == [[0, 0, 0.3], [0.5, 0, 0], [0.2, 0.7, 0]]


def test_set_positions_writes_node_attributes(sample, positions):
    graph = set_positions(sample.citation_graph(), positions)
    row = positions.iloc[5]
    assert graph.nodes[row["id"]]["x"] == pytest.approx(row["x"])
    assert graph.nodes[row["id"]]["community"] == row["community"]
    nx.write_graphml(graph, os.devnull)  # plain scalars: exportable


def test_strongest_edges_against_brute_force():
    rng = np.random.default_rng(4)
    graph = nx.gnm_random_graph(40, 200, seed=4)
    for u, v in graph.edges():
        graph.edges[u, v]["weight"] = float(rng.integers(1, 1000))
    kept, hidden = strongest_edges(graph, per_node=2)
    expected = set()
    for node in graph:
        ranked = sorted(graph.edges(node, data="weight"), key=lambda e: (-e[2], str(e[1])))
        expected |= {frozenset((a, b)) for a, b, _ in ranked[:2]}
    assert {frozenset(e) for e in kept.edges()} == expected
    assert hidden == graph.number_of_edges() - len(expected) == kept.graph["hidden_edges"]
    assert set(kept.nodes) == set(graph.nodes)
    with pytest.raises(pl.PaperlensError):
        strongest_edges(graph, per_node=0)


def test_map_links_citations_and_similarities(sample):
    graph = sample.citation_graph()
    pairs, total = map_links(sample, sample, "citation", limit=4)
    assert total == graph.number_of_edges() and len(pairs) == 4
    assert all(graph.has_edge(a, b) for a, b in pairs)
    cited = dict(graph.in_degree())
    assert [cited[b] for _, b in pairs] == sorted((cited[b] for _, b in graph.edges()), reverse=True)[:4]
    # A paper's neighbourhood: every similar link touching it.
    paper = "2103.00020"
    near, count = map_links(sample, sample.subset([sample.position(paper)]), "similar", neighbourhood=True)
    assert count == len(near) > 0 and all(paper in pair for pair in near)
    indices, _ = sample.concept_model().kneighbors(15)
    row = sample.position(paper)
    expected = {sample.ids[j] for j in indices[row] if j >= 0} | {
        sample.ids[i] for i in range(len(sample)) if row in indices[i]
    }
    assert {a if b == paper else b for a, b in near} == expected


# --------------------------------------------------------------------------- the view


@pytest.fixture
def hostile_corpus():
    papers = [
        pl.Paper.create(title=f"{HOSTILE} paper {i}", authors=(HOSTILE,), year=2000 + i % 3, arxiv_id=f"2401.{i:05d}")
        for i in range(30)
    ]
    return pl.Corpus(papers)


def _given(corpus):
    rng = np.random.default_rng(0)
    group = np.arange(len(corpus)) % 3
    xy = rng.normal(size=(len(corpus), 2)) + group[:, None] * 5
    return pd.DataFrame({"id": corpus.ids, "x": xy[:, 0], "y": xy[:, 1], "community": group, "label": HOSTILE})


def test_selection_from_the_map_reaches_python(sample):
    view = sample.map()
    seen = []
    view.observe(seen.append)
    view.widget  # noqa: B018 - builds the widget and its selection observer
    view.scatter.widget.selection = np.array([4, 2], dtype=np.uint32)  # what a lasso sends back
    assert view.selected.ids == [sample.ids[2], sample.ids[4]]
    assert [c.ids for c in seen] == [[sample.ids[2], sample.ids[4]]]
    view.select(["2103.00020", "2203.05482"])
    assert sorted(view.scatter.widget.selection.tolist()) == sorted(
        [sample.position("2103.00020"), sample.position("2203.05482")]
    )
    assert set(view.selected.ids) == {"2103.00020", "2203.05482"}
    with pytest.raises(pl.PaperlensError, match="not on this map"):
        view.select(["no-such-paper"])


def test_highlight_dims_the_others(sample):
    # Before the map is shown, the scatter's own opacity channel dims (what save() and to_html() write).
    view = sample.map(size_by="pagerank")
    recent = sample.filter(year=2024)
    lit = np.isin(np.arange(len(sample)), [sample.position(i) for i in recent.ids])
    view.highlight(recent)
    opacity = view.scatter.widget.points[:, 3]
    assert opacity[lit].min() > 0.5 > opacity[~lit].max()
    assert view.highlighted.ids == [i for i in sample.ids if i in set(recent.ids)]
    # Once shown, one bit a paper goes to the browser; the scatter's points stay as they were drawn.
    view.widget  # noqa: B018
    assert view.lit_mask.tolist() == lit.tolist()
    view.highlight(None)
    assert view.highlighted is sample and view.lit_mask is None
    before = view.scatter.widget.points.copy()
    view.highlight(recent)
    assert view.lit_mask.tolist() == lit.tolist()
    assert np.array_equal(view.scatter.widget.points, before)  # nothing re-sent
    assert len(view._dimmer.mask) == (len(sample) + 7) // 8 + 1


def test_links_note_says_what_is_hidden(sample):
    view = sample.map()
    view.show_links("citation", "all", max_links=3)
    total = sample.citation_graph().number_of_edges()
    assert view.links_note == f"3 citation links drawn, {total - 3:,} more hidden (the 3 strongest shown)"
    assert len(view.scatter.widget.annotations) == 3  # drawn when the widget is built after the call
    view.show_links("similar", "all", max_links=5)
    assert len(view.scatter.widget.annotations) == 5  # and redrawn on the live widget
    view.show_links(None)
    assert view.links_note == ""
    with pytest.raises(pl.FieldError):
        view.show_links("cocitation")


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_header_and_page_escape_hostile_titles(hostile_corpus, tmp_path):
    view = hostile_corpus.map(positions=_given(hostile_corpus))
    view.select([hostile_corpus.ids[0]])
    parser = _Tags()
    parser.feed(view._header_html())
    assert {tag for tag, _ in parser.tags} <= {"div", "b", "br", "code"}
    path = view.save(tmp_path / "map.html")
    page = path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert "img" not in tags and "link" not in tags
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert [s.get("type") for s in scripts] == ["application/json", "application/json", "module"]
    assert not any("src" in s for s in scripts)  # everything inline: no file or server to fetch
    assert page.count("</script>") == 3


def test_static_picture_in_the_mimebundle(hostile_corpus):
    from PIL import Image

    view = hostile_corpus.map(positions=_given(hostile_corpus), color_by="year")
    bundle = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    import io

    image = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))).convert("L")
    assert image.size[0] >= 400
    assert sum(1 for value in image.get_flattened_data() if value < 200) > 100  # points drawn
    assert bundle["text/plain"] == repr(view)


def test_given_positions_must_cover_the_corpus(hostile_corpus):
    given = _given(hostile_corpus).iloc[1:]
    with pytest.raises(pl.PaperlensError, match="lack 1 papers"):
        hostile_corpus.map(positions=given)
    with pytest.raises(pl.PaperlensError, match="missing: y"):
        hostile_corpus.map(positions=given.drop(columns="y"))
    with pytest.raises(pl.FieldError):
        hostile_corpus.map(color_by="venue")


# --------------------------------------------------------------------------- corpus.graph() on a big review


def test_big_graphs_are_placed_by_the_map_and_thinned():
    from pathlib import Path

    from paperlens.display.graphview import MAP_LAYOUT_MIN, THIN_PER_NODE

    works = Path(__file__).parent / "fixtures" / "openalex_citation_sets" / "Nelson_2002" / "works_1.zip"
    corpus = pl.read_openalex(works, warn=False)
    assert len(corpus) >= MAP_LAYOUT_MIN
    view = corpus.graph("citation")
    assert view.layout == "map"
    full = corpus.citation_graph()
    kept, hidden = strongest_edges(full, THIN_PER_NODE)
    shown = view.networkx
    assert shown.number_of_edges() == kept.number_of_edges() == full.number_of_edges() - hidden
    assert f"{hidden:,} more hidden" in view._scene.title
    # Drawn where the (spread) map puts them: the order along x is the map's.
    placed = corpus.map_positions().set_index("id")
    nodes = list(shown.nodes)
    drawn_x = np.array([shown.nodes[n]["x"] for n in nodes])
    map_x = placed.loc[nodes, "x"].to_numpy()
    assert (np.argsort(np.argsort(drawn_x)) == np.argsort(np.argsort(map_x))).mean() > 0.99
    # Small corpora keep the force layout and every link.
    small = pl.load_sample().graph("citation")
    assert small.layout == "force"


# --------------------------------------------------------------------------- the explorer's map


def test_explorer_map_dims_filters_and_follows_the_lasso(sample):
    explorer = sample.explore(map=True)
    view = explorer.map_view
    assert view.highlighted is sample  # nothing filtered: every paper lit
    explorer.years = (2024, 2024)
    expected = [i for i in sample.ids if sample[i].year == 2024]
    assert sorted(view.highlighted.ids) == sorted(expected) and 0 < len(expected) < len(sample)
    explorer.years = explorer.year_bounds
    # A lasso of three papers filters the table to them; one paper opens it in the detail pane.
    picked = [sample.ids[3], sample.ids[10], sample.ids[20]]
    view.scatter.widget.selection = np.array([sample.position(i) for i in picked], dtype=np.uint32)
    assert sorted(explorer.corpus.ids) == sorted(picked)
    view.scatter.widget.selection = np.array([sample.position("2103.00020")], dtype=np.uint32)
    assert explorer.selected is not None and explorer.selected.id == "2103.00020"
    view.scatter.widget.selection = np.array([], dtype=np.uint32)
    assert len(explorer.corpus) == len(sample)


@pytest.mark.parametrize("color_by", ["category", "year"])
def test_a_paper_has_one_colour_on_the_map_and_in_the_graph(sample, color_by):
    view = sample.map(color_by=color_by)
    scene = sample.graph(kind="citation", color_by=color_by, max_nodes=None).scene
    on_map = dict(zip(view.data["id"], view.data["color"], strict=True))
    assert len(scene.ids) == len(sample)
    assert {pid: on_map[pid] for pid in scene.ids} == dict(zip(scene.ids, scene.colors, strict=True))
    assert view.legend in scene.legend  # the same legend group, heading, items and ramp
    # and the widget draws those colours
    settings = view.scatter.color()
    if color_by == "category":
        from matplotlib.colors import to_rgba

        order = view.data["category"].cat.categories.tolist()
        wanted = {c: to_rgba(view.data.loc[view.data["category"] == c, "color"].iloc[0]) for c in order}
        # code i (the i-th category) is drawn with map[order[i]]
        drawn = {c: tuple(settings["map"][settings["order"][i]]) for i, c in enumerate(order)}
        assert drawn == wanted
        # and its legend names each colour rightly
        legend = {name: tuple(rgba) for name, rgba, _ in view.scatter.widget.legend_encoding["color"]["values"]}
        assert legend == wanted
