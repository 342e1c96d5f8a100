"""Graphs in a real JupyterLab (headless Chromium): several draw in one notebook, hostile data runs nothing.

The notebook is written here with nbformat, opened in a private JupyterLab and
run through the menu (Run > Run All Cells), as a person would. Each graph is
probed inside its own iframe: vis-network loaded, the nodes in its DataSet, and
ink on its canvas. A paper whose title, authors, abstract, venue and URL are
attacks is hovered (its tooltip must show the text literally) and clicked (only
http(s) links appear). Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import importlib.util

import pytest
from lab import JupyterLab, require_chromium, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = '<img src=x onerror="window.__pwned=1;alert(1)">'

SETUP = """\
import networkx as nx
import paperlens as pl
from paperlens.display.graphview import GraphView, combine_graphs
from paperlens.record import Paper

corpus = pl.load_sample()
print(corpus)"""

CITATION = 'corpus.graph("citation", title="Citations in the sample corpus")'

BOTH = 'corpus.graph("both", title="Citations and concept similarity")'

# Until paperlens.graphs.concepts exists: papers sharing words of their titles and abstracts.
BOTH_FALLBACK = """\
import re

words = [set(w for w in re.findall(r"[a-z]{5,}", f"{p.title} {p.abstract or ''}".lower())) for p in corpus]
similar = nx.Graph()
for i, a in enumerate(words):
    scores = sorted(((len(a & b) / len(a | b), j) for j, b in enumerate(words) if j != i and a | b), reverse=True)
    for score, j in scores[:3]:
        if score > 0.08:
            similar.add_edge(corpus.ids[i], corpus.ids[j], kind="similar", weight=score,
                             concepts="; ".join(sorted(a & words[j])[:4]))
GraphView.from_networkx(combine_graphs(corpus.citation_graph(), similar), corpus,
                        title="Citations and concept similarity")"""

HOSTILE = f"""\
IMG = {IMG!r}
PAYLOAD = {PAYLOAD!r}
hostile = pl.Corpus([
    Paper.create(title=IMG, authors=(PAYLOAD, '" onmouseover="window.__pwned=2'),
                 abstract=PAYLOAD + " </script><script>window.__pwned=3</script>",
                 venue='" onmouseover="window.__pwned=4', url="javascript:window.__pwned=5",
                 year=2020, arxiv_id="2001.00001"),
    Paper.create(title="A harmless neighbour", year=2021, url="data:text/html,<script>alert(1)</script>"),
    Paper.create(title="Another neighbour", year=2022, url="https://example.org/paper"),
])
g = nx.DiGraph()
g.add_edge(hostile.ids[1], hostile.ids[0], kind="cites")
g.add_edge(hostile.ids[2], hostile.ids[0], kind="cites")
GraphView.from_networkx(g, hostile, title=PAYLOAD, height=360)"""

JS_TOOLTIP_SHOWN = """() => {
  const t = document.querySelector('div.vis-tooltip');
  return !!t && t.style.visibility === 'visible' && t.textContent.length > 0;
}"""


def test_two_graphs_draw_and_hostile_text_runs_nothing(tmp_path):
    require_chromium()
    has_concepts = importlib.util.find_spec("paperlens.graphs.concepts") is not None
    write_notebook(
        tmp_path / "graphs.ipynb",
        [
            "# md: # paperlens graphs\nA citation graph, citations with concept similarity, and hostile data.",
            SETUP,
            CITATION,
            BOTH if has_concepts else BOTH_FALLBACK,
            HOSTILE,
        ],
    )
    with JupyterLab(tmp_path) as lab:
        page = lab.open("graphs.ipynb")
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        frames = lab.graph_frames(page, expected=3)
        assert len(frames) == 3

        citation, both, hostile = (lab.probe_graph(frame) for frame in frames)
        for probe in (citation, both):
            assert probe["vis_loaded"] and probe["ready"], probe
            assert probe["nodes"] == 69, probe
            assert probe["ink_pixels"] > 2000, f"canvas looks blank: {probe}"
            assert probe["in_view"] == probe["nodes"], f"the view is not fitted to the frame: {probe}"
        assert citation["edges"] == 13, citation  # the sample's in-corpus citations
        assert both["edges"] > citation["edges"], (citation, both)  # the similarity links on top
        assert hostile["nodes"] == 3 and hostile["edges"] == 2 and hostile["ink_pixels"] > 200, hostile
        for frame in frames:
            box = frame.bounding_box()
            assert box and box["height"] > 300, box

        lab.screenshot(frames[0], "graph-citation.png")
        lab.screenshot(frames[1], "graph-both.png")

        # Hover the hostile paper: the tooltip shows its title as text and nothing runs.
        frame = frames[2].content_frame()
        node = frame.evaluate(
            "(t) => JSON.parse(document.getElementById('pl-data').textContent).papers.findIndex(p => p.title === t)",
            IMG,
        )
        assert node >= 0
        x, y = lab.node_point(frames[2], node)
        page.mouse.move(x - 30, y - 30)
        page.mouse.move(x, y, steps=5)
        frame.wait_for_function(JS_TOOLTIP_SHOWN, timeout=10_000)
        tooltip = frame.evaluate("() => document.querySelector('div.vis-tooltip').textContent")
        assert IMG in tooltip and PAYLOAD in tooltip, tooltip
        lab.screenshot(frames[2], "graph-hostile-tooltip.png")

        # Click it: the details panel offers only http(s) links (the javascript: URL is dropped). Where the node is
        # drawn is read again: the screenshot above may have scrolled the notebook.
        x, y = lab.node_point(frames[2], node)
        page.mouse.click(x, y)
        frame.wait_for_function("() => document.querySelector('#pl-details .pl-title') !== null", timeout=10_000)
        details = frame.evaluate(
            """() => ({title: document.querySelector('#pl-details .pl-title').textContent,
                       hrefs: [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))})"""
        )
        assert details["title"] == IMG
        assert set(details["hrefs"]) == {"https://arxiv.org/abs/2001.00001"}, details  # tooltip and panel

        # Nothing ran, anywhere.
        assert frame.evaluate("() => document.querySelectorAll('img').length") == 0
        for probe_frame in (f.content_frame() for f in frames):
            assert probe_frame.evaluate("() => window.__pwned === undefined")
        assert page.evaluate("() => window.__pwned === undefined")
        lab.screenshot(page, "graphs-notebook.png", whole_notebook=True)

    assert lab.events["dialogs"] == []
    assert not [line for line in lab.events["console"] if "alert" in line or "pwned" in line]
    assert not [url for url in lab.events["requests"] if url.rstrip("/").endswith("/x")], "an <img src=x> was built"
    assert lab.external_requests == []
    assert lab.events["page_errors"] == []


FILLER = "print('a long output to scroll past\\n' * 80)"


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_graphs_draw_where_cells_are_virtualised(tmp_path, app):
    # Users keep the front end's default windowing: cells out of view are hidden or detached, and their
    # outputs come back when scrolled to. Every graph must then be drawn and fitted, also on the way back.
    require_chromium()
    cells = [SETUP, CITATION, *[FILLER] * 8, 'corpus.graph("concept")', *[FILLER] * 4, "corpus.explore()"]
    write_notebook(tmp_path / "virtualised.ipynb", cells)
    with JupyterLab(tmp_path, app=app, windowing=True) as lab:
        page = lab.open("virtualised.ipynb")
        lab.run_all(page)
        frames = page.locator(".paperlens-graph iframe")
        for i in [*range(3), 0]:  # down to the explorer's pane, then back up to the first graph
            frame = frames.nth(i)
            frame.scroll_into_view_if_needed()
            probe = lab.probe_graph(frame.element_handle())
            assert probe["nodes"] == 69 and probe["ink_pixels"] > 2000, (i, probe)
            assert probe["in_view"] == 69, (i, probe)
        lab.screenshot(frames.nth(0), f"graph-virtualised-{app}.png")
    assert lab.events["dialogs"] == [] and lab.external_requests == []
    assert lab.events["console_errors"] == [], lab.events["console_errors"]
