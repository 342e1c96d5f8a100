"""``GraphView.to_pyvis()`` in a real JupyterLab: the pyvis page it generates draws the same papers and links.

The notebook shows ``view.to_pyvis().generate_html()`` in a sandboxed iframe, as a
user showing it the pyvis way would see it. vis-network comes inline (nothing is
fetched for the graph); pyvis's own template still links Bootstrap from a CDN, which
this offline machine cannot reach: the graph must draw anyway, and those links are
the only requests that leave the machine.
"""

from __future__ import annotations

import pytest
from lab import JS_GRAPH_PROBE, JupyterLab, require_chromium, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELL = """\
import paperlens as pl
from IPython.display import HTML
from paperlens.display import vis

view = pl.load_sample().graph("citation", color_by="year")
net = view.to_pyvis(height="480px")
net.toggle_physics(False)  # customised the pyvis way
HTML(vis.iframe(net.generate_html(), height=520, title="pyvis", css_class="pyvis-graph"))"""


def test_the_pyvis_network_draws_the_papers_and_links(tmp_path):
    require_chromium()
    write_notebook(tmp_path / "pyvis.ipynb", ["# md: # to_pyvis", CELL])
    with JupyterLab(tmp_path) as lab:
        page = lab.open("pyvis.ipynb")
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        frame_element = page.locator(".pyvis-graph iframe").first
        frame_element.wait_for(state="attached", timeout=30_000)
        frame_element.scroll_into_view_if_needed()
        frame = frame_element.element_handle().content_frame()
        frame.wait_for_function("() => window.network && window.network.body", timeout=30_000)
        probe = frame.evaluate(JS_GRAPH_PROBE)
        for _ in range(40):
            if probe.get("ink_pixels"):
                break
            frame.wait_for_timeout(250)
            probe = frame.evaluate(JS_GRAPH_PROBE)
        lab.screenshot(frame_element, "graph-pyvis.png")
    assert probe["vis_loaded"] and probe["nodes"] == 69 and probe["edges"] == 13, probe
    assert probe["ink_pixels"] > 2000, f"canvas looks blank: {probe}"
    # pyvis's Bootstrap links are the only requests that leave the machine: nothing the graph needs.
    assert all("bootstrap" in url for url in lab.external_requests), lab.external_requests
