"""The explorer's graph widget, in process: a node click (as the front end sends it) selects the paper, a
selection rings the node without a redraw, the page relays only when embedded, ids stay data.

The browser half (the click inside the iframe, the ring read from vis-network) is
``tests/browser/test_graph_click_browser.py``.
"""

from __future__ import annotations

import json
import re
import warnings
from html.parser import HTMLParser

import networkx as nx
import pytest

import paperlens as pl
from paperlens.display import vis
from paperlens.display.explorer import Explorer
from paperlens.display.graph_widget import NODE_MESSAGE, SELECT_MESSAGE, GraphWidget


class _Page(HTMLParser):
    """The scripts of a page: ``[(attrs, body)]``."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def page_data(doc: str) -> dict:
    page = _Page()
    page.feed(doc)
    blocks = [body for attrs, body in page.scripts if attrs.get("id") == "pl-data"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture(scope="module")
def corpus() -> pl.Corpus:
    return pl.load_sample()


@pytest.fixture
def explorer(corpus) -> Explorer:
    return Explorer(corpus, graph_kind="citation", max_nodes=30, page_size=10, communities=False, neighbours=0)


def test_a_click_selects_the_paper_and_a_selection_rings_it_in_place(explorer):
    pane, widget = explorer.graph_pane, explorer.graph_pane.view
    drawn, draws = widget.node_ids, pane.draws
    assert len(drawn) == 30 and widget.selected_id == "" and explorer.selected is None
    clicked = next(pid for pid in drawn[1:] if pid in explorer.table_ids)  # a node whose row is on the page
    widget.set_state({"selected_id": clicked})  # what the front end sends for a click on that node
    assert explorer.selected is not None and explorer.selected.id == clicked
    assert f"data-paper-id='{clicked}'" in explorer.detail.value.replace('"', "'")
    title = " ".join(explorer.selected.title.split())
    assert title[:30] in " ".join(explorer.detail.value.split())
    button = explorer.table._pool[explorer.table_ids.index(clicked)][0]
    assert button.button_style == "info"  # the row is marked
    assert pane.draws == draws and widget.node_ids == drawn  # the graph was not redrawn
    explorer.select(drawn[2])  # a selection elsewhere (the table, a key): the node is ringed, not redrawn
    assert widget.selected_id == drawn[2] and pane.draws == draws
    explorer.select(None)
    assert widget.selected_id == "" and pane.draws == draws
    widget.selected_id = drawn[4]  # Python can drive it too: the link selects the paper
    assert explorer.selected.id == drawn[4]
    with pytest.raises(pl.PaperlensError):  # an unknown id from Python is refused before anything changes
        widget.selected_id = "no-such-paper"
    assert widget.selected_id == explorer.selected.id == drawn[4]
    arxiv = next((p for p in explorer.base if p.arxiv_id and p.id == p.arxiv_id and p.id in drawn), None)
    if arxiv is not None:  # any identifier form, as the state takes it
        widget.selected_id = f"arXiv:{arxiv.id}"
        assert widget.selected_id == explorer.selected.id == arxiv.id
        widget.selected_id = drawn[4]
    explorer.years = (2022, 2024)  # a redraw keeps the selection (the new page rings it once drawn)
    assert pane.draws == draws + 1
    assert widget.selected_id == explorer.selected.id == drawn[4]


def test_unknown_and_empty_ids_from_the_front_end_are_ignored(explorer):
    widget = explorer.graph_pane.view
    explorer.select(widget.node_ids[0])
    sent = []
    widget.send_state = lambda key=None: sent.append(key)  # the correction sent back to the front end
    for bogus in ("nope", "", explorer.root.ids[-1] if explorer.root.ids[-1] not in widget.node_ids else "x"):
        widget.set_state({"selected_id": bogus})
        assert explorer.selected.id == widget.node_ids[0] and widget.selected_id == widget.node_ids[0]
    assert sent == ["selected_id"] * 3
    widget.set_state({"height": "300px", "selected_id": "nope"})  # the rest of a state is still taken
    assert widget.height == "300px" and explorer.selected.id == widget.node_ids[0]


def test_the_script_hears_only_its_own_frame_and_the_page_relays_only_when_embedded(corpus):
    esm = GraphWidget._esm.default_value
    assert 'window.addEventListener("message", onMessage)' in esm
    assert "event.source !== frame.contentWindow" in esm and "message.type !== NODE" in esm
    assert json.dumps(NODE_MESSAGE) in esm and json.dumps(SELECT_MESSAGE) in esm
    assert "removeEventListener" in esm  # a view that goes away stops listening
    assert "http" not in esm  # nothing fetched
    widget = GraphWidget()
    view = corpus.graph("citation", color_by=None)
    widget.show(view)
    embedded = page_data(widget.doc)
    assert embedded["relay"] is True
    assert [p["id"] for p in embedded["papers"]] == list(widget.node_ids) == list(view.scene.ids)
    assert "relay" not in page_data(view.to_html())  # the standalone page (save()) posts nothing
    assert "event.source !== window.parent" in vis.SCRIPT and '"paperlens-node"' in vis.SCRIPT
    assert "new Map()" in vis.SCRIPT  # ids are looked up in a Map: "__proto__" is only a key
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", widget.doc, re.I)  # nothing loaded


def test_hostile_ids_are_escaped_in_the_json_and_round_trip(corpus):
    hostile = ["</script><script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "__proto__", "a&b\u2028c"]
    graph = nx.DiGraph()
    graph.add_edge(hostile[0], hostile[1], kind="cites")
    graph.add_edge(hostile[2], hostile[3], kind="cites")
    for node in hostile:
        graph.nodes[node]["title"] = node
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = pl.GraphView.from_networkx(graph, color_by=None)
    widget = GraphWidget()
    widget.show(view)
    block = widget.doc.split('<script type="application/json" id="pl-data">')[1].split("</script>")[0]
    assert "<" not in block and ">" not in block and "&" not in block and "\u2028" not in block
    assert {p["id"] for p in page_data(widget.doc)["papers"]} == set(hostile)
    assert set(widget.node_ids) == set(hostile)
    for node in hostile:
        widget.set_state({"selected_id": node})
        assert widget.selected_id == node


def test_the_explorer_without_a_graph_still_links(corpus):
    explorer = Explorer(corpus, graph=False, communities=False, neighbours=0)
    explorer.select(corpus.ids[3])
    assert explorer.graph_pane.view.selected_id == corpus.ids[3] and explorer.graph_pane.draws == 0
    explorer.graph_pane.view.set_state({"selected_id": corpus.ids[5]})  # nothing drawn: nothing to click
    assert explorer.selected.id == corpus.ids[3]
