"""Graphs and the explorer in a real Jupyter Notebook 7 (headless Chromium), offline.

JupyterLab is not the only front end: Notebook 7 (``jupyter notebook``) is built
from JupyterLab's components but has its own shell, page (``/notebooks/<path>``),
kernel indicators and output handling. One notebook, one server: a citation
graph and a concept graph of the sample corpus, a graph of a paper titled
``<img src=x onerror=alert(1)>``, and the explorer. It is run through the menu
(Run > Run All Cells), then every graph iframe is probed (vis loaded, the nodes
and edges in its DataSet, ink on its canvas, every node inside the drawn area),
the explorer's table rows are read,
and the page is checked for dialogs, errors and requests that left 127.0.0.1.
Truth (node and edge counts, titles) is computed here, in the test process.
Screenshots go to ``artifacts/screenshots/notebook7-*.png``.
"""

from __future__ import annotations

import pytest
from lab import JupyterLab, require_chromium, write_notebook

import paperlens as pl

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IMG = "<img src=x onerror=alert(1)>"

SETUP = """\
import paperlens as pl
from paperlens.record import Paper

corpus = pl.load_sample()
print(corpus)"""

CITATION = 'corpus.graph("citation", title="Citations in the sample corpus")'

CONCEPT = 'corpus.graph("concept", title="Concept similarity in the sample corpus")'

HOSTILE = f"""\
hostile = pl.Corpus([
    Paper.create(title={IMG!r}, year=2020, arxiv_id="2001.00001"),
    Paper.create(title="A harmless neighbour", year=2021, arxiv_id="2001.00002", references=("2001.00001",)),
])
hostile.graph("citation", height=360)"""

EXPLORER = "pl.load_sample().explore()"

UI = ".paperlens-explorer"
JS_ROW_TITLES = f"() => [...document.querySelectorAll('{UI} .pl-table button.pl-row')].map(r => r.innerText)"
JS_TITLES = "() => JSON.parse(document.getElementById('pl-data').textContent).papers.map(p => p.title)"
JS_PANE_DRAWN = f"(n) => Number(document.querySelector('{UI} [data-draw]')?.dataset.nodes) === n"

# Notebook 7's own start-up race (jupyter/notebook#7862): its shortcuts plugin reads the schema of a
# settings plugin it does not hold. It fires while the page loads, before any cell has run.
NOTEBOOK7_STARTUP_ERRORS = {"Cannot read properties of undefined (reading 'schema')"}


def test_graphs_and_explorer_draw_in_notebook7(tmp_path):
    require_chromium()
    corpus = pl.load_sample()
    citations = corpus.citation_graph()
    cells = [SETUP, CITATION, CONCEPT, HOSTILE, EXPLORER]
    write_notebook(tmp_path / "notebook7.ipynb", cells)
    with JupyterLab(tmp_path, app="notebook", viewport=(1400, 1000)) as nb:
        page = nb.open("notebook7.ipynb")
        # Really Notebook 7: its page and shell, no JupyterLab status bar; every cell in the DOM (no windowing).
        assert page.url.startswith(f"{nb.url}/notebooks/notebook7.ipynb"), page.url
        assert page.locator("#main-panel .jp-NotebookPanel").count() == 1
        assert page.locator("#jp-main-statusbar").count() == 0
        assert page.locator(".jp-Notebook .jp-Cell").count() == len(cells)
        startup_errors = list(nb.events["page_errors"])
        assert set(startup_errors) <= NOTEBOOK7_STARTUP_ERRORS, startup_errors

        nb.run_all(page)
        assert nb.cell_errors(page) == []
        frames = nb.graph_frames(page, expected=4)  # three graph cells and the explorer's graph pane
        assert len(frames) == 4
        page.wait_for_function(JS_PANE_DRAWN, arg=len(corpus), timeout=60_000)
        citation, concept, hostile, pane = probes = [nb.probe_graph(frame) for frame in frames]

        for probe in (citation, concept, pane):
            assert probe.get("vis_loaded") and probe["ready"], probe
            assert probe["nodes"] == len(corpus), probe
        assert citation["edges"] == citations.number_of_edges() > 0, citation
        assert concept["edges"] > 0, concept
        assert pane["edges"] > citation["edges"], pane  # the explorer draws both kinds of links
        assert hostile.get("vis_loaded") and hostile["nodes"] == 2 and hostile["edges"] == 1, hostile
        for frame in frames:
            box = frame.bounding_box()
            assert box and box["height"] > 300, box

        # The hostile title is data, shown as text: in the graph's data, never as an element.
        inside = frames[2].content_frame()
        assert IMG in inside.evaluate(JS_TITLES)
        assert inside.evaluate("() => document.querySelectorAll('img').length") == 0
        assert all(frame.content_frame().evaluate("() => window.__pwned === undefined") for frame in frames)

        # The explorer: its first page of rows shows the corpus's first titles.
        explorer = page.locator(UI).first
        explorer.wait_for(state="visible", timeout=30_000)
        rows = page.evaluate(JS_ROW_TITLES)
        assert 0 < len(rows) <= len(corpus)
        assert rows == [" ".join(p.title.split()) for p in corpus[: len(rows)]]

        nb.screenshot(frames[0], "notebook7-citation.png")
        nb.screenshot(frames[3], "notebook7-explorer-graph.png")
        nb.screenshot(page, "notebook7-notebook.png", whole_notebook=True)

        # Drawn where one can see it: ink on every canvas, and every node inside its drawing area
        # (a view fitted while its frame had no size yet stays at scale 1 and shows only a corner).
        names = ("citation", "concept", "hostile", "explorer pane")
        for name, probe, least_ink in zip(names, probes, (2000, 2000, 200, 2000), strict=True):
            assert probe["in_view"] == probe["nodes"], (
                f"{name}: {probe['in_view']} of {probe['nodes']} in view: {probe}"
            )
            assert probe["ink_pixels"] > least_ink, f"{name}: canvas looks blank: {probe}"

    assert nb.events["dialogs"] == []
    assert not [url for url in nb.events["requests"] if url.split("?")[0].rstrip("/").endswith("/x")]
    assert nb.external_requests == []
    assert nb.events["page_errors"] == startup_errors, nb.events["page_errors"]
    assert nb.events["console_errors"] == [], nb.events["console_errors"]
