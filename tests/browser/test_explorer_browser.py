"""The explorer in a real JupyterLab (headless Chromium): type, see the count and table change, click, see details.

A copy of ``examples/01_quickstart.ipynb`` (which opens ``corpus.explore()`` and
then sets ``explorer.years`` from code), with a second explorer over papers whose
fields are attacks appended, is opened in a private JupyterLab and run through
the menu. Then, as a person would: check the year slider followed the code,
press reset, type a query into
the search box, wait for the "N of M papers" line and the table to change (a
kernel round trip through the debounce timer), click a row, read the detail
pane, watch the graph pane redraw with the new node count and ring the clicked paper in place (no
redraw), sort by a header and page on. Truth (counts, ids, titles) is computed here, in the test process, with
the core's ``Corpus.search``. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from lab import JS_NODE_RINGED, JupyterLab, require_chromium, write_notebook

import paperlens as pl

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI = ".paperlens-explorer"
QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "01_quickstart.ipynb"
QUERY = "soup"
README_QUERY = "pre-training"
PAYLOAD = '<img src=x onerror="window.__pwned=1;alert(1)">'

HOSTILE = f"""\
from paperlens.record import Paper
PAYLOAD = {PAYLOAD!r}
hostile = pl.Corpus([
    Paper.create(title=PAYLOAD + " graph", authors=(PAYLOAD,),
                 abstract="graph " + PAYLOAD + " </script><script>window.__pwned=2</script>",
                 venue='" onmouseover="window.__pwned=3', url="javascript:window.__pwned=4", year=2020,
                 arxiv_id="2001.00001"),
    Paper.create(title="A harmless graph neighbour", year=2021, arxiv_id="2001.00002", references=("2001.00001",)),
])
hostile.explore(graph_kind="citation", page_size=5)"""


JS_COUNT_IS = "(n) => document.querySelector('.paperlens-explorer .pl-count').innerText.startsWith(n)"


def _count(page, nth: int = 0) -> str:
    return page.locator(f"{UI} .pl-count").nth(nth).inner_text()


def _caption(page) -> dict[str, int]:
    span = page.locator(f"{UI} [data-draw]").first
    return {"draw": int(span.get_attribute("data-draw")), "nodes": int(span.get_attribute("data-nodes"))}


def _titles(page, nth: int = 0) -> list[str]:
    return page.locator(UI).nth(nth).locator(".pl-table button.pl-row").all_inner_texts()


def _wait_titles(page, titles: list[str], timeout_ms: int = 30_000) -> None:
    """Wait until the first explorer's table shows exactly these titles (the widgets update one by one)."""
    page.wait_for_function(
        """(want) => {
          const rows = [...document.querySelector('.paperlens-explorer').querySelectorAll('.pl-table button.pl-row')];
          return JSON.stringify(rows.map(r => r.innerText)) === JSON.stringify(want);
        }""",
        arg=titles,
        timeout=timeout_ms,
    )
    assert _titles(page) == titles


def _notebook(tmp_path: Path) -> str:
    """A copy of examples/01_quickstart.ipynb plus a hostile explorer (or a generated notebook without it)."""
    import nbformat
    from nbformat.v4 import new_code_cell

    if QUICKSTART.exists():
        notebook = nbformat.read(QUICKSTART, as_version=4)
        # Without the field map's cell: jupyter-scatter's regl logs "invalid renderbuffer size" page errors when
        # its canvas is laid out off-screen, and this test asserts no page error of the explorer's.
        notebook.cells = [c for c in notebook.cells if ".map(" not in c.source]
        notebook.cells.append(new_code_cell(HOSTILE))
        nbformat.write(notebook, tmp_path / "quickstart.ipynb")
        return "quickstart.ipynb"
    has_concepts = importlib.util.find_spec("paperlens.graphs.concepts") is not None
    open_explorer = "pl.load_sample().explore()" if has_concepts else 'pl.load_sample().explore(graph_kind="citation")'
    write_notebook(tmp_path / "explorer.ipynb", ["import paperlens as pl", open_explorer, HOSTILE])
    return "explorer.ipynb"


def test_type_click_and_redraw_in_jupyterlab(tmp_path):
    require_chromium()
    corpus = pl.load_sample()
    hits = corpus.search(QUERY)
    assert 0 < len(hits) < 20
    with JupyterLab(tmp_path, viewport=(1400, 1100)) as lab:
        page = lab.open(_notebook(tmp_path))
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        explorer = page.locator(UI).first
        explorer.wait_for(state="visible", timeout=30_000)
        lab.screenshot(page, "explorer-1-notebook-run.png", whole_notebook=True)

        # --- the quickstart sets explorer.years = (2023, 2024) from code: the widgets followed
        if QUICKSTART.exists():
            recent = corpus.filter(year=(2023, 2024))
            page.wait_for_function(JS_COUNT_IS, arg=f"{len(recent)} of 69 papers", timeout=30_000)
            assert "2023 – 2024" in explorer.locator(".pl-filter-years").inner_text()
            explorer.locator(".pl-controls button", has_text="reset").click()

        # --- all papers, a full first page, the graph of all 69 drawn
        page.wait_for_function(JS_COUNT_IS, arg="69 of 69 papers", timeout=30_000)
        _wait_titles(page, [" ".join(p.title.split()) for p in corpus[:20]])
        page.wait_for_function(
            "() => Number(document.querySelector('.paperlens-explorer [data-draw]')?.dataset.nodes) === 69",
            timeout=60_000,
        )
        first_draw = _caption(page)
        pane = explorer.locator(".paperlens-graph iframe")  # a locator: the pane's frame is replaced on redraws
        probe = lab.probe_graph(pane)
        assert probe.get("vis_loaded") and probe["nodes"] == 69 and probe["ink_pixels"] > 2000, probe
        assert probe["in_view"] == 69, f"the pane's view is not fitted to its frame: {probe}"
        lab.screenshot(explorer, "explorer-1-opened.png")
        assert not explorer.locator(".pl-status").inner_text().strip()

        # --- type a query: count, table and graph follow
        search = explorer.locator(".pl-filter-query input")
        search.click()
        search.press_sequentially(QUERY, delay=60)
        page.wait_for_function(JS_COUNT_IS, arg=f"{len(hits)} of 69 papers", timeout=30_000)
        assert f"for “{QUERY}”" in _count(page) or QUERY in _count(page)
        _wait_titles(page, [" ".join(p.title.split()) for p in hits])
        page.wait_for_function(
            f"() => Number(document.querySelector('.paperlens-explorer [data-draw]').dataset.nodes) === {len(hits)}",
            timeout=60_000,
        )
        redrawn = _caption(page)
        assert redrawn["draw"] > first_draw["draw"]
        probe = lab.probe_graph(pane)
        assert probe["nodes"] == len(hits) and probe["ink_pixels"] > 200, probe
        lab.screenshot(explorer, "explorer-2-typed.png")

        # --- click the first row: the detail pane shows it, terms marked; the row is highlighted
        best = hits[0]
        explorer.locator(".pl-table button.pl-row").first.click()
        detail = explorer.locator(".pl-detail")
        detail.locator(f"[data-paper-id='{best.id}']").first.wait_for(timeout=30_000)
        text = detail.inner_text()
        assert " ".join(best.title.split())[:40] in " ".join(text.split())
        assert best.authors[0] in text
        marks = detail.locator("mark").all_inner_texts()
        assert marks and all(m.lower().startswith(QUERY) for m in marks), marks
        hrefs = detail.locator("a").evaluate_all("(links) => links.map(a => a.getAttribute('href'))")
        assert f"https://arxiv.org/abs/{best.id}" in hrefs
        assert all(h.startswith("https://") for h in hrefs), hrefs
        expect_cites = len(best.references)
        assert re.search(rf"Cites \({expect_cites} in this corpus\)", text), text[-400:]
        page.wait_for_function(
            "() => !/finding the papers/.test(document.querySelector('.paperlens-explorer .pl-detail').innerText)",
            timeout=120_000,
        )
        assert "mod-info" in (explorer.locator(".pl-table button.pl-row").first.get_attribute("class") or "")
        # the drawn paper is ringed in place (selected in vis-network, its card open), the graph not redrawn
        frame = pane.element_handle().content_frame()
        frame.wait_for_function(JS_NODE_RINGED, arg=best.id, timeout=30_000)
        assert lab.probe_graph(pane)["nodes"] == len(hits)
        marked = frame.evaluate(
            """() => ({card: document.querySelector('#pl-details .pl-title').textContent,
                       rings: network.body.data.nodes.get().filter(n => n.borderWidth === 5).length})"""
        )
        assert marked == {"card": best.title, "rings": 1}, marked
        assert _caption(page)["draw"] == redrawn["draw"]
        lab.screenshot(explorer, "explorer-3-clicked.png")

        # --- clear the query, sort by title, page on
        search.fill("")
        page.wait_for_function(
            "() => /^69 of 69 papers/.test(document.querySelector('.paperlens-explorer .pl-count').innerText)",
            timeout=30_000,
        )
        explorer.locator(".pl-table button.pl-head", has_text="title").click()
        by_title = sorted(corpus, key=lambda p: p.title.casefold())
        want = " ".join(by_title[0].title.split())
        page.wait_for_function(
            "(t) => document.querySelector('.paperlens-explorer .pl-table button.pl-row').innerText === t", arg=want
        )
        explorer.locator(".pl-pager button", has_text="next").click()
        page.wait_for_function(
            "() => /page 2 of 4/.test(document.querySelector('.paperlens-explorer .pl-pager').innerText)"
        )
        _wait_titles(page, [" ".join(p.title.split()) for p in by_title[20:40]])
        lab.screenshot(page, "explorer-4-notebook.png", whole_notebook=True)

        # --- the picture for the README: a broader query, its best match clicked, the graph of all matches
        wide = corpus.search(README_QUERY)
        explorer.locator(".pl-table button.pl-head", has_text="score").click()  # back to best match first
        heads = "[...document.querySelectorAll('.paperlens-explorer .pl-table button.pl-head')].map(b => b.innerText)"
        page.wait_for_function(f"() => !{heads}.some(t => /[▲▼]/.test(t))")  # no query: the corpus's own order
        search.fill(README_QUERY)
        page.wait_for_function(JS_COUNT_IS, arg=f"{len(wide)} of 69 papers", timeout=30_000)
        page.wait_for_function(f"() => {heads}.some(t => /score ▼/.test(t))")  # searching: best match first
        _wait_titles(page, [" ".join(p.title.split()) for p in wide[:20]])
        page.wait_for_function(
            f"() => Number(document.querySelector('{UI} [data-draw]').dataset.nodes) === {len(wide)}",
            timeout=60_000,
        )  # the graph of the matches drawn; the click below rings its best match in place
        explorer.locator(".pl-table button.pl-row").first.click()
        explorer.locator(f".pl-detail [data-paper-id='{wide[0].id}']").first.wait_for(timeout=30_000)
        pane.element_handle().content_frame().wait_for_function(JS_NODE_RINGED, arg=wide[0].id, timeout=30_000)
        probe = lab.probe_graph(pane)
        assert probe["nodes"] == len(wide) and probe["ink_pixels"] > 2000, probe
        page.wait_for_function(
            "() => !/finding the papers/.test(document.querySelector('.paperlens-explorer .pl-detail').innerText)",
            timeout=120_000,
        )
        lab.screenshot(explorer, "explorer-readme.png")

        # --- the hostile explorer: click its paper; nothing runs, text shows literally
        hostile = page.locator(UI).nth(1)
        hostile.locator(".pl-table button.pl-row").first.click()
        hostile.locator(".pl-detail [data-paper-id='2001.00001']").first.wait_for(timeout=30_000)
        shown = hostile.locator(".pl-detail").inner_text()
        assert PAYLOAD in shown
        assert hostile.locator(".pl-detail img, .pl-table img").count() == 0
        hrefs = hostile.locator(".pl-detail a").evaluate_all("(links) => links.map(a => a.getAttribute('href'))")
        assert hrefs == ["https://arxiv.org/abs/2001.00001"], hrefs
        assert page.evaluate("() => window.__pwned === undefined")
        lab.screenshot(hostile, "explorer-5-hostile.png")

    assert lab.events["dialogs"] == []
    assert lab.external_requests == []
    assert lab.events["page_errors"] == []
