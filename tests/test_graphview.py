"""The inline graph view: offline HTML, escaping, isolation, cap, time layout, legend, export.

HTML is checked by parsing it (``html.parser``, which splits ``<script>`` content
the way browsers do), never by guessing with regular expressions.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import itertools
import json
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperlens as pl
from paperlens.display import vis
from paperlens.display.graphview import GraphView, combine_graphs, pagerank
from paperlens.display.layout import force_layout
from paperlens.errors import FieldError, GraphWarning, MissingDependencyError, PaperlensError
from paperlens.record import Paper

IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(1)</script>"
ATTR = '" onmouseover="x'
JS_URL = "javascript:alert(1)"
DATA_URL = "data:text/html,<script>alert(1)</script>"


# --------------------------------------------------------------------------- parsing helpers


class Page(HTMLParser):
    """Every element (tag + attributes), every script (attributes + text) and the visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self._hidden = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._script, self._script_text = attrs, []
        elif tag in ("style", "title"):
            self._hidden += 1

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        elif tag in ("style", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)
        elif not self._hidden:
            self.text.append(data)

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def by_class(self, cls: str) -> list[tuple[str, dict[str, str | None]]]:
        return [(t, a) for t, a in self.elements if cls in (a.get("class") or "").split()]

    @property
    def visible_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def inner_pages(outer_html: str) -> list[Page]:
    """The documents inside each ``<iframe srcdoc>`` (the parser undoes the attribute escaping)."""
    outer = Page(outer_html)
    return [Page(frame["srcdoc"]) for frame in outer.find("iframe")]


def page_data(page: Page) -> dict:
    blocks = [text for attrs, text in page.scripts if attrs.get("type") == "application/json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def remote_references(page: Page) -> list[str]:
    found = []
    for tag, attrs in page.elements:
        for name in ("src", "href"):
            value = (attrs.get(name) or "").strip().lower()
            remote = value.startswith(("http:", "https:", "//"))
            if remote and tag in ("script", "link", "iframe", "img", "embed", "object", "source"):
                found.append(f"<{tag} {name}={value}>")
    return found


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample():
    return pl.load_sample()


@pytest.fixture(scope="module")
def hostile():
    """Papers whose every text field is an attack, plus a harmless one to link them."""
    papers = [
        Paper.create(
            title=IMG,
            authors=(BREAKOUT, ATTR),
            abstract=f"{BREAKOUT} {IMG} {ATTR}",
            venue=ATTR + IMG,
            categories=(IMG,),
            url=JS_URL,
            year=2020,
            arxiv_id="2001.00001",
        ),
        Paper.create(title=BREAKOUT, url=DATA_URL, year=2021, doi='10.1000/x"<b>'),
        Paper.create(title=ATTR, url=" JavaScript:alert(2)", year=2022),
        Paper.create(title="A harmless paper", url="https://example.org/paper", year=2019),
    ]
    corpus = pl.Corpus(papers)
    graph = nx.DiGraph()
    ids = corpus.ids
    graph.add_nodes_from(ids)
    graph.add_edge(ids[1], ids[0], kind="cites")
    graph.add_edge(ids[2], ids[0], kind="mentions")
    graph.add_edge(ids[0], ids[3], kind="cites")
    return corpus, graph


def small_citation_graph(n: int = 40, seed: int = 1) -> nx.DiGraph:
    """Papers with citation-graph style attributes: newer papers cite older ones."""
    rng = np.random.default_rng(seed)
    graph = nx.DiGraph()
    for i in range(n):
        date = dt.date(2000 + i % 20, 1 + i % 12, 1 + i % 27)
        graph.add_node(
            f"p{i:03d}",
            title=f"Paper number {i}",
            year=date.year,
            date=date.isoformat(),
            authors=f"Author {i}; Coauthor {i + 1}",
            venue="Venue",
            categories="cs.LG; cs.CL" if i % 2 else "cs.CV",
            citation_count=int(i),
        )
    nodes = list(graph)
    for i in range(1, n):
        for j in rng.choice(i, size=min(i, 2), replace=False):
            graph.add_edge(nodes[i], nodes[int(j)], kind="cites")
    return graph


def snapshot(graph: nx.Graph):
    return (
        type(graph),
        copy.deepcopy(dict(graph.graph)),
        [(n, copy.deepcopy(d)) for n, d in graph.nodes(data=True)],
        [(u, v, copy.deepcopy(d)) for u, v, d in graph.edges(data=True)],
    )


# --------------------------------------------------------------------------- offline


def test_the_page_and_its_iframe_load_nothing_remote(sample):
    view = GraphView.from_networkx(sample.citation_graph(), sample)
    outer_html = view._repr_html_()
    outer = Page(outer_html)
    assert remote_references(outer) == []
    assert [t for t, _ in outer.elements] == ["div", "iframe"]
    (inner,) = inner_pages(outer_html)
    assert remote_references(inner) == []
    # Everything is inline: no script or stylesheet is loaded from anywhere, not even locally.
    assert all("src" not in attrs for attrs, _ in inner.scripts)
    assert inner.find("link") == []
    assert len(inner.scripts) == 3  # the data, vis-network, the drawing script
    assert "new vis.Network(" in inner.scripts[2][1]


def test_vis_network_is_read_from_the_installed_pyvis_package():
    spec = importlib.util.find_spec("pyvis")
    folder = Path(next(iter(spec.submodule_search_locations)))
    candidates = sorted(folder.glob("lib/vis-*/vis-network.min.js"))
    assert candidates, "pyvis ships vis-network under lib/"
    script = vis.vis_network_js()
    assert script in {path.read_text(encoding="utf-8") for path in candidates}
    doc = vis.document(GraphView.from_networkx(nx.Graph()).scene)
    assert script in doc


def test_a_missing_vis_network_script_is_a_clear_error_shown_in_the_repr(monkeypatch, sample):
    view = GraphView.from_networkx(sample.citation_graph(), sample)

    def missing():
        raise MissingDependencyError("the graph view inlines the vis-network script shipped with pyvis")

    monkeypatch.setattr(vis, "vis_network_js", missing)
    shown = view._repr_html_()
    assert shown.startswith("<pre>") and "vis-network script shipped with pyvis" in shown
    with pytest.raises(MissingDependencyError):
        view.to_html()


def test_repr_html_writes_no_file(tmp_path, monkeypatch, sample):
    monkeypatch.chdir(tmp_path)
    view = GraphView.from_networkx(sample.citation_graph(), sample, layout="time")
    view._repr_html_()
    view.embed_html()
    repr(view)
    _ = view.networkx
    assert list(tmp_path.iterdir()) == []


def test_save_writes_one_standalone_offline_file(tmp_path, sample):
    view = GraphView.from_networkx(sample.citation_graph(), sample)
    path = view.save(tmp_path / "graph.html")
    assert list(tmp_path.iterdir()) == [path]
    text = path.read_text(encoding="utf-8")
    assert text == view.to_html()
    page = Page(text)
    assert remote_references(page) == []
    assert page_data(page)["nodes"] and len(page_data(page)["nodes"]) == len(sample)


# --------------------------------------------------------------------------- hostile data


def test_hostile_text_appears_only_escaped(hostile):
    corpus, graph = hostile
    outer_html = GraphView.from_networkx(graph, corpus, color_by="category", title=IMG)._repr_html_()
    outer = Page(outer_html)
    (inner,) = inner_pages(outer_html)
    for page in (outer, inner):
        tags = {tag for tag, _ in page.elements}
        assert "img" not in tags
        handlers = [(t, name) for t, attrs in page.elements for name in attrs if name.lower().startswith("on")]
        assert handlers == []
    # Only our three scripts, whatever the titles say.
    assert len(inner.scripts) == 3
    assert not any("alert(1)" in text for attrs, text in inner.scripts if attrs.get("type") != "application/json")
    # The data block holds the hostile strings as data, with no raw "<" that could end the block.
    raw = next(text for attrs, text in inner.scripts if attrs.get("type") == "application/json")
    assert "<" not in raw and ">" not in raw and "&" not in raw
    papers = {p["title"]: p for p in page_data(inner)["papers"]}
    assert set(papers) == {IMG, BREAKOUT, ATTR, "A harmless paper"}
    assert papers[IMG]["authors"] == f"{BREAKOUT}, {ATTR}"
    assert IMG in papers[IMG]["abstract"]
    assert papers[IMG]["venue"] == ATTR + IMG
    # The legend and the heading show the hostile category and title as text.
    assert IMG in inner.visible_text
    inner_title = [text for text in inner.text]  # <title> is hidden from visible text; check it separately
    assert inner_title
    assert Page(outer_html).find("iframe")[0]["title"] == IMG


def test_srcdoc_attribute_is_fully_escaped(hostile):
    corpus, graph = hostile
    outer_html = GraphView.from_networkx(graph, corpus, title=ATTR)._repr_html_()
    start = outer_html.index('srcdoc="') + len('srcdoc="')
    end = outer_html.index('"></iframe>')
    value = outer_html[start:end]
    assert '"' not in value and "<" not in value and ">" not in value


def test_unsafe_urls_never_become_links(hostile):
    corpus, graph = hostile
    (inner,) = inner_pages(GraphView.from_networkx(graph, corpus)._repr_html_())
    papers = page_data(inner)["papers"]
    links = [url for paper in papers for _, url in paper.get("links", [])]
    assert links, "the arXiv, DOI and https links are kept"
    assert all(url.startswith("https://") for url in links)
    assert not any(bad in json.dumps(papers).lower() for bad in ("javascript:", "data:text"))
    by_title = {p["title"]: p for p in papers}
    assert by_title["A harmless paper"]["links"] == [["link", "https://example.org/paper"]]
    assert by_title[IMG]["links"] == [["arXiv", "https://arxiv.org/abs/2001.00001"]]
    assert by_title[BREAKOUT]["links"] == [["DOI", "https://doi.org/10.1000/x%22%3Cb%3E"]]
    # The drawing script checks again before it makes an <a>.
    assert "safeHref" in inner.scripts[2][1] and "innerHTML" not in inner.scripts[2][1]


def test_json_script_cannot_be_broken_out_of():
    block = vis.json_script({"title": BREAKOUT, "amp": "a & b", "line": "\u2028"}, "data")
    page = Page(block)
    assert len(page.scripts) == 1 and page.elements == [("script", {"type": "application/json", "id": "data"})]
    assert json.loads(page.scripts[0][1]) == {"title": BREAKOUT, "amp": "a & b", "line": "\u2028"}


# --------------------------------------------------------------------------- the caller's graph


def test_callers_graph_is_never_changed(hostile, sample):
    corpus, graph = hostile
    big = small_citation_graph(120)
    for g, c, options in [
        (graph, corpus, {}),
        (big, None, {"max_nodes": 30, "layout": "time", "color_by": "year", "size_by": "citations"}),
        (sample.citation_graph(), sample, {"color_by": "category"}),
    ]:
        before = snapshot(g)
        view = GraphView.from_networkx(g, c, **options)
        view._repr_html_()
        shown = view.networkx
        shown.add_node("new")
        for _, attrs in shown.nodes(data=True):
            attrs["changed"] = True
        assert snapshot(g) == before
        assert "changed" not in view.networkx.nodes[next(iter(view.networkx))]


def test_later_changes_to_the_callers_graph_do_not_change_the_view():
    graph = small_citation_graph(10)
    view = GraphView.from_networkx(graph, color_by=None)
    graph.add_edge("p000", "p009", kind="cites")
    graph.nodes["p001"]["title"] = "changed"
    assert not view.networkx.has_edge("p000", "p009")
    assert view.networkx.nodes["p001"]["title"] == "Paper number 1"


# --------------------------------------------------------------------------- cap


def test_past_max_nodes_the_top_papers_by_pagerank_are_shown_and_the_picture_says_so():
    graph = small_citation_graph(300, seed=3)
    view = GraphView.from_networkx(graph, max_nodes=50)
    expected = nx.pagerank(graph)
    top = sorted(expected, key=lambda n: -expected[n])[:50]
    assert set(view.networkx) == set(top)
    assert view.networkx.number_of_edges() == graph.subgraph(top).number_of_edges()
    assert view.note.startswith("showing 50 of 300 papers, the top by PageRank")
    (inner,) = inner_pages(view._repr_html_())
    notes = inner.by_class("pl-note")
    assert len(notes) == 1
    assert "showing 50 of 300 papers, the top by PageRank" in inner.visible_text
    assert len(page_data(inner)["nodes"]) == 50


def test_thousands_are_written_with_separators_and_no_note_when_everything_fits():
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i}" for i in range(2500))
    graph.add_edges_from((f"n{i}", f"n{i // 2}") for i in range(1, 2500))
    view = GraphView.from_networkx(graph, color_by=None)
    assert view.note.startswith("showing 2,000 of 2,500 papers")
    assert GraphView.from_networkx(small_citation_graph(20)).note is None


def test_pagerank_matches_networkx():
    graph = nx.gnm_random_graph(200, 600, seed=5, directed=True)
    graph.add_nodes_from(range(200, 210))  # dangling and isolated nodes
    nodes = list(graph)
    index = {n: i for i, n in enumerate(nodes)}
    src = np.array([index[u] for u, _ in graph.edges()])
    dst = np.array([index[v] for _, v in graph.edges()])
    ours = pagerank(len(nodes), src, dst)
    theirs = nx.pagerank(graph, tol=1e-12)
    assert np.allclose(ours, [theirs[n] for n in nodes], atol=1e-9)


# --------------------------------------------------------------------------- layouts


def test_time_layout_x_follows_the_date_and_undated_papers_stand_apart(sample):
    # Every sample paper has a year (read from its arXiv id at worst): add two without, citing sample papers.
    undated_papers = [Paper.create(title=f"Undated note {k}", references=(sample[k].id,)) for k in range(2)]
    sample = sample | pl.Corpus(undated_papers)
    view = GraphView.from_networkx(sample.citation_graph(), sample, layout="time")
    shown = view.networkx
    dated, undated = [], []
    for paper in sample:
        x = shown.nodes[paper.id]["x"]
        when = paper.date or (dt.date(paper.year, 7, 1) if paper.year else None)
        (dated if when else undated).append((when, x))
    assert undated, "the sample has papers without a date"
    dated.sort()
    for (d1, x1), (d2, x2) in itertools.pairwise(dated):
        if d1 < d2:
            assert x1 < x2, (d1, d2)
    assert max(x for _, x in undated) < min(x for _, x in dated)
    (inner,) = inner_pages(view._repr_html_())
    data = page_data(inner)
    assert data["options"]["physics"]["enabled"] is False
    assert data["axis"]["columns"][0][1] == f"no date ({len(undated)})"
    assert f"{len(undated)} without a date in the left column" in inner.visible_text
    labels = [label for _, label in data["axis"]["labels"]]
    years = sorted({p.year for p in sample if p.year})
    assert labels == [str(y) for y in range(years[0], years[-1] + 1)]


def test_force_layout_puts_linked_nodes_together():
    a = nx.complete_graph(12)
    b = nx.relabel_nodes(nx.complete_graph(12), lambda i: i + 12)
    graph = nx.union(a, b)
    graph.add_edge(0, 12)
    src = np.array([u for u, _ in graph.edges()])
    dst = np.array([v for _, v in graph.edges()])
    pos = force_layout(24, src, dst, seed=2)
    within = np.mean([np.linalg.norm(pos[i] - pos[j]) for i in range(12) for j in range(i + 1, 12)])
    across = np.mean([np.linalg.norm(pos[i] - pos[j]) for i in range(12) for j in range(12, 24)])
    assert within < across / 2


def test_small_graphs_use_browser_physics_and_big_ones_a_python_layout():
    small = page_data(Page(GraphView.from_networkx(small_citation_graph(50)).to_html()))
    assert small["options"]["physics"]["enabled"] is True
    big = page_data(Page(GraphView.from_networkx(small_citation_graph(600), color_by="year").to_html()))
    assert big["options"]["physics"]["enabled"] is False
    assert all("x" in node and "y" in node for node in big["nodes"])
    assert len({(node["x"], node["y"]) for node in big["nodes"]}) == 600


# --------------------------------------------------------------------------- legend and look


def test_citations_are_arrows_and_similarity_dashed_lines_with_a_legend(sample):
    citations = sample.citation_graph()
    similarity = nx.Graph()
    ids = sample.ids
    for i in range(0, 20, 2):
        similarity.add_edge(ids[i], ids[i + 1], weight=0.3 + i / 100, concepts="graphs; language")
    both = combine_graphs(citations, similarity)
    assert both.number_of_edges() == citations.number_of_edges() + 10
    view = GraphView.from_networkx(both, sample, color_by="year", title="Both")
    (inner,) = inner_pages(view._repr_html_())
    kinds = {k["name"]: k for k in page_data(inner)["edge_kinds"]}
    assert kinds["cites"]["arrow"] is True and kinds["cites"]["dashes"] is False
    assert kinds["similar"]["arrow"] is False and kinds["similar"]["dashes"]
    assert kinds["cites"]["color"] != kinds["similar"]["color"]
    legend = inner.visible_text
    assert f"cites ({citations.number_of_edges()})" in legend
    assert "similar concepts (10)" in legend
    assert "colour: year" in legend and "size: PageRank" in legend
    lines = inner.find("line")
    assert any(attrs.get("stroke-dasharray") for attrs in lines)  # the similarity symbol
    assert len(inner.find("polygon")) == 1  # one arrow head: cites
    years = sorted({p.year for p in sample if p.year})
    assert f"{years[0]}" in legend and f"{years[-1]}" in legend
    tips = [edge[4] for edge in page_data(inner)["edges"] if len(edge) > 4]
    assert len(tips) == 10 and all("shared concepts: graphs, language" in tip for tip in tips)


def test_community_colours_and_legend(sample):
    citations = sample.citation_graph()
    view = GraphView.from_networkx(citations, sample, seed=3)
    shown = view.networkx
    expected = nx.community.louvain_communities(citations.to_undirected(), seed=3)
    found: dict[int, set[str]] = {}
    for node, attrs in shown.nodes(data=True):
        found.setdefault(attrs["community"], set()).add(node)
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, expected))
    linked = [group for number, group in sorted(found.items()) if len(group) > 1]
    colors = [{shown.nodes[n]["color"] for n in group} for group in linked]
    assert all(len(c) == 1 for c in colors), "one colour per community"
    assert len({next(iter(c)) for c in colors}) == len(linked), "a different colour for each"
    (inner,) = inner_pages(view._repr_html_())
    assert len(linked) <= 12  # so each has its own legend entry
    assert len(inner.by_class("pl-swatch")) == len(linked) + 1  # + the grey of unlinked papers
    assert "colour: community (Louvain)" in inner.visible_text
    assert f"unlinked papers ({len(sample) - sum(map(len, linked))})" in inner.visible_text


def test_tooltip_data_has_title_authors_year_venue_abstract_and_link(sample):
    (inner,) = inner_pages(GraphView.from_networkx(sample.citation_graph(), sample)._repr_html_())
    paper = sample["2203.05482"]
    data = page_data(inner)
    shown = next(p for p in data["papers"] if p["id"] == paper.id)
    assert shown["title"] == paper.title
    assert shown["authors"].startswith(", ".join(paper.authors[:2]))
    assert shown["abstract"].startswith(paper.abstract[:100])
    assert len(shown["abstract"]) <= 321
    assert ["arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}"] in shown["links"]


def test_two_views_draw_in_two_separate_sandboxed_iframes(sample):
    first = GraphView.from_networkx(sample.citation_graph(), sample)._repr_html_()
    second = GraphView.from_networkx(small_citation_graph(30), layout="time")._repr_html_()
    frames = Page(first + second).find("iframe")
    assert len(frames) == 2
    assert frames[0]["srcdoc"] != frames[1]["srcdoc"]
    for frame in frames:
        sandbox = frame["sandbox"].split()
        assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox
        page = Page(frame["srcdoc"])
        assert [a for t, a in page.elements if a.get("id") == "pl-graph"]


# --------------------------------------------------------------------------- export


def test_graphml_and_gexf_round_trip(tmp_path, hostile, sample):
    corpus, graph = hostile
    view = GraphView.from_networkx(graph, corpus)
    back = nx.read_graphml(view.to_graphml(tmp_path / "g.graphml"))
    assert set(back) == set(graph)
    assert back.number_of_edges() == graph.number_of_edges()
    titles = {back.nodes[n]["title"] for n in back}
    assert titles == {IMG, BREAKOUT, ATTR, "A harmless paper"}
    for _, attrs in back.nodes(data=True):
        assert {"color", "size", "x", "y", "pagerank", "community"} <= set(attrs)
    gexf = nx.read_gexf(view.to_gexf(tmp_path / "g.gexf"))
    assert set(gexf) == set(graph)

    similarity = nx.Graph()
    similarity.add_edge(sample.ids[0], sample.ids[1], weight=0.5, concepts=("a", "b"))
    both = GraphView.from_networkx(combine_graphs(sample.citation_graph(), similarity), sample)
    multi = nx.read_graphml(both.to_graphml(tmp_path / "both.graphml"), force_multigraph=True)
    assert multi.is_multigraph() and multi.number_of_edges() == both.networkx.number_of_edges()
    kinds = sorted(d["kind"] for _, _, d in multi.edges(data=True))
    assert kinds.count("similar") == 1
    assert nx.read_gexf(both.to_gexf(tmp_path / "both.gexf")).number_of_nodes() == len(sample)


def test_networkx_attributes_are_graphml_safe_scalars():
    graph = nx.Graph()
    graph.add_node("a", authors=("x", "y"), date=dt.date(2020, 1, 2), extra={"k": 1}, year=np.int64(2020))
    graph.add_node("b", year=2021.0)
    graph.add_edge("a", "b", kind="similar", weight=np.float32(0.5), concepts=["u", "v"])
    shown = GraphView.from_networkx(graph).networkx
    for _, attrs in shown.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in attrs.values()), attrs
    assert shown.nodes["a"]["authors"] == "x; y" and shown.nodes["a"]["date"] == "2020-01-02"
    assert isinstance(shown.nodes["a"]["year"], float)  # int in one node, float in another: one type
    assert shown.edges["a", "b"]["concepts"] == "u; v"


# --------------------------------------------------------------------------- options


def test_unknown_options_are_clear_errors(sample):
    with pytest.raises(FieldError, match="did you mean 'color_by'"):
        sample.graph("citation", colour_by="year")
    with pytest.raises(FieldError, match="unknown graph kind"):
        sample.graph("citations")
    with pytest.raises(FieldError, match="layout"):
        GraphView.from_networkx(nx.Graph(), layout="circle")
    with pytest.raises(PaperlensError, match="networkx graph"):
        GraphView.from_networkx({"a": "b"})
    with pytest.raises(PaperlensError, match="only apply"):
        sample.graph("citation", k=5)


def test_corpus_graph_draws_the_citation_graph(sample):
    view = sample.graph("citation", color_by="category", size_by="citations")
    assert isinstance(view, pl.GraphView)
    assert view.networkx.number_of_edges() == sample.citation_graph().number_of_edges()
    assert "size: citations within this graph" in inner_pages(view._repr_html_())[0].visible_text


def test_corpus_graph_both_combines_citations_and_concepts(sample):
    view = sample.graph("both")
    kinds = {d["kind"] for _, _, d in view.networkx.edges(data=True)}
    assert {"cites", "similar"} <= kinds
    assert repr(view).startswith(f"<GraphView: {len(sample)} papers")


def test_an_empty_graph_draws_an_empty_picture():
    view = GraphView.from_networkx(nx.Graph())
    (inner,) = inner_pages(view._repr_html_())
    assert page_data(inner)["nodes"] == []
    assert "0 papers, 0 links" in inner.visible_text


def test_the_reason_for_missing_citation_links_is_shown(sample):
    without = pl.Corpus([p.replace(references=()) for p in sample])
    with pytest.warns(GraphWarning):
        graph = without.citation_graph()
    assert graph.number_of_edges() == 0 or all(k == "mentions" for *_, k in graph.edges(data="kind"))
    (inner,) = inner_pages(GraphView.from_networkx(graph, without)._repr_html_())
    why = " ".join(graph.graph["notes"].splitlines()[0].split())
    assert why in inner.visible_text
    assert why.startswith("No citation links")


def test_big_graphs_get_communities_from_label_propagation(monkeypatch):
    from paperlens.graphs import structure

    # Two dense groups joined by one link: any community method must split them.
    graph = nx.Graph()
    for group in range(2):
        nodes = [f"g{group}-{i}" for i in range(40)]
        graph.add_edges_from((a, b, {"kind": "similar"}) for i, a in enumerate(nodes) for b in nodes[i + 1 : i + 6])
    graph.add_edge("g0-0", "g1-0", kind="similar")
    small = GraphView.from_networkx(graph)
    monkeypatch.setattr(structure, "LOUVAIN_LIMIT", 50)
    big = GraphView.from_networkx(graph)
    for view, method in ((small, "Louvain"), (big, "label propagation")):
        shown = view.networkx
        assert f"colour: community ({method})" in inner_pages(view._repr_html_())[0].visible_text
        first = {shown.nodes[f"g0-{i}"]["community"] for i in range(40)}
        second = {shown.nodes[f"g1-{i}"]["community"] for i in range(40)}
        assert first.isdisjoint(second)


def test_past_twelve_communities_colours_repeat_in_a_lighter_tint():
    graph = nx.Graph()
    for group in range(15):  # 15 separate triangles of different sizes: 15 communities
        nodes = [f"c{group}-{i}" for i in range(3 + (15 - group))]
        graph.add_edges_from((a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :])
    graph.add_node("alone")
    view = GraphView.from_networkx(graph, size_by=None)
    shown = view.networkx
    colors = {group: shown.nodes[f"c{group}-0"]["color"] for group in range(15)}
    assert len(set(colors[g] for g in range(12))) == 12
    assert colors[12] not in {colors[g] for g in range(12)}  # a tint, not the same colour
    assert shown.nodes["alone"]["color"] == "#c4c4c4"
    text = inner_pages(view._repr_html_())[0].visible_text
    assert "3 smaller communities, 15 papers (colours repeat)" in text  # sizes 6, 5 and 4
    assert "unlinked papers (1)" in text


def test_the_garbage_collector_is_back_on_after_a_view_even_when_building_fails(monkeypatch):
    import gc

    from paperlens.display import scene

    GraphView.from_networkx(small_citation_graph(10))._repr_html_()
    assert gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(scene, "force_layout", broken)
    with pytest.raises(RuntimeError, match="layout failed"):
        GraphView.from_networkx(small_citation_graph(10))
    assert gc.isenabled()
    monkeypatch.undo()
    gc.disable()
    try:
        GraphView.from_networkx(small_citation_graph(5)).to_html()
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


# --------------------------------------------------------------------------- scene, pyvis, communities


def test_to_pyvis_gives_a_ready_network_of_the_same_picture(sample):
    from pyvis.network import Network

    citations = sample.citation_graph()
    view = GraphView.from_networkx(citations, sample, color_by="year")
    net = view.to_pyvis()
    assert isinstance(net, Network) and net.directed is True
    shown = view.networkx  # the export, built separately from the same scene
    assert [node["id"] for node in net.nodes] == list(citations)  # every paper, in graph order
    for node in net.nodes:
        attrs = shown.nodes[node["id"]]
        assert (node["color"], node["x"], node["y"]) == (attrs["color"], attrs["x"], attrs["y"])
        assert node["title"].startswith(sample[node["id"]].title.split("\n")[0][:20])
    assert sorted((e["from"], e["to"]) for e in net.edges) == sorted(citations.edges())
    assert all(e["arrows"] == "to" for e in net.edges)
    assert net.get_nodes() == list(citations)  # pyvis's own bookkeeping is filled in
    net.add_node("extra", label="added the pyvis way")  # users customise it as any Network
    net.add_edge("extra", net.nodes[0]["id"])
    page = Page(net.generate_html())
    data_scripts = [text for attrs, text in page.scripts if "vis.DataSet" in text]
    assert data_scripts and "added the pyvis way" in data_scripts[0]
    assert any(vis.vis_network_js()[:200] in text for _, text in page.scripts)  # inline, not from a CDN
    undirected = GraphView.from_networkx(nx.path_graph(["a", "b", "c"]), color_by=None).to_pyvis(height="300px")
    assert undirected.directed is False and undirected.height == "300px"
    assert all("arrows" not in e for e in undirected.edges)


def test_communities_auto_is_louvain_for_small_graphs_and_label_propagation_beyond(monkeypatch):
    from paperlens.graphs import structure

    graph = nx.connected_caveman_graph(6, 8)
    small = structure.communities(graph, seed=4, method="auto")
    truth = nx.community.louvain_communities(graph, seed=4)
    assert sorted(map(sorted, structure._groups(small).values())) == sorted(map(sorted, truth))
    monkeypatch.setattr(structure, "LOUVAIN_LIMIT", 10)
    assert structure.community_method(graph, "auto") == "label_propagation"
    big = structure.communities(graph, seed=4, method="auto")
    truth = nx.community.fast_label_propagation_communities(graph, seed=4)
    assert sorted(map(sorted, structure._groups(big).values())) == sorted(map(sorted, truth))
    with pytest.raises(PaperlensError, match="method must be one of"):
        structure.communities(graph, method="leiden")


def test_a_redrawn_graph_reuses_its_partition_but_a_changed_one_does_not(monkeypatch):
    from paperlens.graphs import structure

    calls = []
    real = structure.communities
    monkeypatch.setattr(structure, "communities", lambda *a, **k: calls.append(1) or real(*a, **k))
    graph = nx.Graph()
    for group in range(3):
        nodes = [f"r{group}-{i}" for i in range(8)]
        graph.add_edges_from((a, b) for i, a in enumerate(nodes) for b in nodes[i + 1 :])
    graph.add_node("lonely")
    first = GraphView.from_networkx(graph, seed=11).networkx
    again = GraphView.from_networkx(graph, seed=11).networkx
    assert len(calls) == 1  # the same papers and links: found once
    assert {n: d["community"] for n, d in first.nodes(data=True)} == {
        n: d["community"] for n, d in again.nodes(data=True)
    }
    graph.add_edges_from(("lonely", f"r0-{i}") for i in range(8))  # the caller changes the graph
    changed = GraphView.from_networkx(graph, seed=11).networkx
    assert len(calls) == 2
    truth = nx.community.louvain_communities(graph, seed=11)
    found: dict[int, set[str]] = {}
    for node, attrs in changed.nodes(data=True):
        found.setdefault(attrs["community"], set()).add(node)
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, truth))
    assert any("lonely" in group and len(group) > 1 for group in found.values())


def test_the_scene_is_plain_data_a_map_can_reuse(sample):
    from paperlens.display.scene import LegendGroup, Scene, build_scene

    scene = build_scene(sample.citation_graph(), sample, color_by="category", size_by="citations")
    assert isinstance(scene, Scene) and all(isinstance(g, LegendGroup) for g in scene.legend)
    assert len(scene.ids) == len(scene.colors) == len(scene.sizes) == len(scene.x) == len(sample)
    first = {p.id: p.categories[0] for p in sample if p.categories}
    by_category: dict[str, set[str]] = {}
    for paper_id, color in zip(scene.ids, scene.colors, strict=True):
        if paper_id in first:
            by_category.setdefault(first[paper_id], set()).add(color)
    named = next(g for g in scene.legend if g.heading == "colour: primary category")
    for color, text in named.items:
        category = text.rsplit(" (", 1)[0]
        if category in by_category:
            assert by_category[category] == {color}
            assert text.endswith(f"({sum(c == category for c in first.values())})")
    assert all(p.citation_count is None for p in sample)  # so sizes count the citations inside the graph
    cited = dict(sample.citation_graph().in_degree())
    most = max(cited.values())
    for paper_id, size in zip(scene.ids, scene.sizes, strict=True):
        assert (size == max(scene.sizes)) == (cited[paper_id] == most)
    assert any(g.heading.startswith("size: citations within this graph") for g in scene.legend)


def test_text_orjson_refuses_is_still_drawn():
    graph = nx.Graph()
    graph.add_node("p1", title="broken \udcff surrogate <b>")
    graph.add_node("p2", title="fine")
    graph.add_edge("p1", "p2")
    page = GraphView.from_networkx(graph, color_by=None).to_html()
    assert "broken \udcff surrogate \\u003cb\\u003e" in page and "surrogate <b>" not in page


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(["a", "b", "é", " ", "\n", "\t", "\xa0", "\u2003", ",", "."])))
def test_shortening_equals_collapsing_every_whitespace_run_first(text):
    from paperlens.display.scene import shorten

    for limit in (5, 28, 320):
        collapsed = " ".join(text.split())  # the definition: every whitespace run is one space, ends trimmed
        word_cut = collapsed[:limit].rsplit(" ", 1)[0]  # then cut at the last word boundary before the limit
        cut = (word_cut if len(word_cut) > limit // 2 else collapsed[:limit]).rstrip(" ,.;:") + "…"
        assert shorten(text, limit) == (collapsed if len(collapsed) <= limit else cut)
