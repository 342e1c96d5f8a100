"""A click on a node of the explorer's graph pane selects that paper, in a real JupyterLab (headless Chromium).

The sample corpus's explorer (citation graph, all 69 papers drawn) is opened with a read-back cell that
shows, from the kernel, ``explorer.selected`` and the graph widget's ``selected_id``. Then, as a person
would:

* click a node inside the pane's iframe (a paper of the table's first page, the one farthest from the
  others, found through vis-network): the table marks its row, the detail pane shows its title, the kernel
  reads the same id back, and the graph is not redrawn (its caption's ``data-draw`` stays);
* click another row of the table: vis-network, inside the iframe, has that node selected and ringed
  (one ring), still without a redraw;
* post forged messages (from the notebook page itself, from another sandboxed frame, and an id that is
  not drawn from the graph's own frame): the selection does not move.

Without the relay (the page's ``postMessage`` or the widget's listener) the first step times out.
The pane fills its frame: the frame is most of the window tall and the drawn nodes spread over most of it.
A taller window makes the frame taller (72 % of the window, at most 900 px) and the graph is fitted again;
the node is clicked once more for the picture. Screenshots go to ``artifacts/screenshots/``
(``docs/images/explorer-graph-click.png`` is a copy of the last one).
"""

from __future__ import annotations

import json

import pytest
from lab import JS_NODE_RINGED, JupyterLab, open_explorer, require_chromium, wait_readback, write_notebook

import paperlens as pl

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI = ".paperlens-explorer"
PAGE = 10
CELLS = [
    "import html, json, ipywidgets as w\nimport paperlens as pl",
    f'explorer = pl.load_sample().explore(graph_kind="citation", page_size={PAGE}, neighbours=0)\nexplorer',
    'readback = w.HTML("<pre>{}</pre>")\nreadback.add_class("pl-readback")\n'
    "def show(_change=None):\n"
    "    state = {'selected': explorer.selected.id if explorer.selected is not None else None,\n"
    "             'graph': explorer.graph_pane.view.selected_id}\n"
    "    readback.value = '<pre>' + html.escape(json.dumps(state, sort_keys=True)) + '</pre>'\n"
    "explorer.observe(show, names='selected')\n"
    "explorer.graph_pane.view.observe(show, names='selected_id')\nshow()\nreadback",
]

# Inside the graph frame: every node's paper id and place (frame coordinates), and the drawing area.
JS_NODES = """() => {
  const data = JSON.parse(document.getElementById('pl-data').textContent);
  const box = document.getElementById('pl-graph').getBoundingClientRect();
  const at = network.getPositions();
  const nodes = data.papers.map((p, i) => {
    const d = network.canvasToDOM(at[i]);
    return {i, id: p.id, x: box.left + d.x, y: box.top + d.y, size: data.nodes[i].size};
  });
  return {nodes, box: {left: box.left, top: box.top, width: box.width, height: box.height},
          body: [document.body.clientWidth, document.body.clientHeight]};
}"""


def _readback(page) -> dict:
    return json.loads(page.locator(".pl-readback pre").inner_text())


def _draws(page) -> int:
    return int(page.locator(f"{UI} [data-draw]").first.get_attribute("data-draw"))


def _selected_row(explorer) -> list[str]:
    return explorer.locator(".pl-table button.pl-row.mod-info").all_inner_texts()


def _pick_node(nodes: list[dict], ids: list[str]) -> dict:
    """Of the nodes of these papers, the one farthest from any other node (a click there hits only it)."""

    def room(node: dict) -> float:
        return min((node["x"] - o["x"]) ** 2 + (node["y"] - o["y"]) ** 2 for o in nodes if o is not node)

    return max((n for n in nodes if n["id"] in ids), key=room)


def _assert_fills(pane, frame, height: float) -> dict:
    """The frame is ``height`` pixels tall, the page and its drawing area fill it, the graph spans the area."""
    frame_box = pane.bounding_box()
    assert abs(frame_box["height"] - height) < 3, (frame_box, height)
    placed = frame.evaluate(JS_NODES)
    assert abs(placed["body"][1] - frame_box["height"]) < 8, (placed["body"], frame_box)  # the page: all of it
    box = placed["box"]
    assert box["height"] > 0.6 * frame_box["height"], box  # the drawing area takes most of it
    xs = [n["x"] - box["left"] for n in placed["nodes"]]
    ys = [n["y"] - box["top"] for n in placed["nodes"]]
    assert min(xs) >= 0 and min(ys) >= 0 and max(xs) <= box["width"] and max(ys) <= box["height"], box
    spread = max((max(xs) - min(xs)) / box["width"], (max(ys) - min(ys)) / box["height"])
    assert spread > 0.7, f"the graph is drawn small in its frame: it spans {spread:.0%} of it ({box})"
    return placed


def test_a_node_click_selects_the_paper_and_a_row_click_rings_the_node(tmp_path):
    require_chromium()
    corpus = pl.load_sample()
    first_page = list(corpus.ids[:PAGE])  # no query: the corpus order
    write_notebook(tmp_path / "click.ipynb", CELLS)
    with JupyterLab(tmp_path, viewport=(1400, 1000)) as lab:
        page, explorer = open_explorer(lab, "click.ipynb")
        wait_readback(page, {"graph": "", "selected": None})
        page.wait_for_function(
            f"() => Number(document.querySelector('{UI} [data-draw]')?.dataset.nodes) === {len(corpus)}",
            timeout=60_000,
        )
        pane = explorer.locator(".paperlens-graph iframe")
        probe = lab.probe_graph(pane)
        assert probe.get("vis_loaded") and probe["nodes"] == len(corpus) and probe["ink_pixels"] > 2000, probe
        assert probe["in_view"] == len(corpus), probe
        draws = _draws(page)

        # --- the pane fills its frame: most of the window tall, the nodes spread over the drawing area
        handle = pane.element_handle()
        frame = handle.content_frame()
        placed = _assert_fills(pane, frame, 0.72 * 1000)
        lab.screenshot(explorer, "graph-click-1-opened.png")

        # --- click a node: the row, the detail pane and the kernel follow; no redraw
        target = _pick_node(placed["nodes"], first_page)
        paper = corpus[target["id"]]
        hit_test = (
            "(i) => { const d = network.canvasToDOM(network.getPositions([i])[i]);"
            " return {hit: network.getNodeAt(d), at: d, box: network.body.nodes[i].shape.boundingBox,"
            " scale: network.getScale(), w: network.body.container.clientWidth,"
            " h: network.body.container.clientHeight}; }"
        )
        try:  # vis-network hit-tests with the boxes of its last drawn frame: wait for one at this view
            frame.wait_for_function(f"(i) => ({hit_test})(i).hit === i", arg=target["i"], timeout=10_000)
        except Exception:
            raise AssertionError(
                f"node {target} is not where vis-network draws it: {frame.evaluate(hit_test, target['i'])}"
            ) from None
        x, y = lab.node_point(handle, target["i"])
        page.mouse.click(x, y)
        wait_readback(page, {"graph": paper.id, "selected": paper.id})
        explorer.locator(f".pl-detail [data-paper-id='{paper.id}']").first.wait_for(timeout=30_000)
        title = " ".join(paper.title.split())
        assert title[:40] in " ".join(explorer.locator(".pl-detail").inner_text().split())
        page.wait_for_function(
            f"(t) => [...document.querySelectorAll('{UI} .pl-table button.pl-row.mod-info')]"
            ".map((b) => b.innerText).join('|') === t",
            arg=title,
            timeout=30_000,
        )
        frame.wait_for_function(JS_NODE_RINGED, arg=paper.id, timeout=10_000)
        assert _draws(page) == draws  # ringed in place, not redrawn
        lab.screenshot(explorer, "graph-click-2-clicked.png")

        # --- select another row: the node is ringed in the same frame, no redraw
        other = next(pid for pid in first_page if pid != paper.id)
        row = first_page.index(other)
        explorer.locator(".pl-table button.pl-row").nth(row).click()
        wait_readback(page, {"graph": other, "selected": other})
        frame.wait_for_function(JS_NODE_RINGED, arg=other, timeout=10_000)
        assert _draws(page) == draws
        assert not frame.is_detached() and frame.evaluate("() => document.body.dataset.ready") == "1"  # same page
        lab.screenshot(explorer, "graph-click-3-row.png")

        # --- forged messages move nothing: from the notebook page, from another frame, an id not drawn
        page.evaluate(
            "(id) => window.postMessage({type: 'paperlens-node', id}, '*')",
            paper.id,
        )
        page.evaluate(
            """(id) => {
              const f = document.createElement('iframe');
              f.setAttribute('sandbox', 'allow-scripts');
              f.srcdoc = '<script>parent.postMessage({type: "paperlens-node", id: ' + JSON.stringify(id) + '}, "*")'
                + '<' + '/script>';
              document.body.appendChild(f);
            }""",
            paper.id,
        )
        frame.evaluate("() => window.parent.postMessage({type: 'paperlens-node', id: 'no-such-paper'}, '*')")
        frame.evaluate("(id) => window.parent.postMessage({type: 'something-else', id}, '*')", paper.id)
        page.wait_for_timeout(2_500)
        assert _readback(page) == {"graph": other, "selected": other}
        frame.wait_for_function(JS_NODE_RINGED, arg=other, timeout=5_000)
        assert _draws(page) == draws

        # --- a taller window: the frame grows (to its 900 px cap) and the graph is fitted again
        page.set_viewport_size({"width": 1400, "height": 1800})
        page.wait_for_timeout(1_500)
        _assert_fills(pane, frame, 900)
        assert explorer.bounding_box()["height"] < 1800 - 120  # the whole explorer on screen: the picture below
        x, y = lab.node_point(handle, target["i"])
        frame.wait_for_function(f"(i) => ({hit_test})(i).hit === i", arg=target["i"], timeout=10_000)
        page.mouse.click(x, y)
        wait_readback(page, {"graph": paper.id, "selected": paper.id})
        frame.wait_for_function(JS_NODE_RINGED, arg=paper.id, timeout=10_000)
        explorer.locator(f".pl-detail [data-paper-id='{paper.id}']").first.wait_for(timeout=30_000)
        corner = pane.bounding_box()  # the pointer to an empty corner of the drawing area: no tooltip
        page.mouse.move(corner["x"] + 4, corner["y"] + placed["box"]["top"] + 4)
        page.wait_for_timeout(600)
        lab.screenshot(explorer, "explorer-graph-click.png")  # docs/images/ holds a copy
        assert _draws(page) == draws

    assert lab.events["page_errors"] == []
    assert lab.events["dialogs"] == []
    assert lab.external_requests == []
