"""The quickstart and the teaching exercise in a real JupyterLab (headless Chromium), run as a reader would.

Copies of ``examples/01_quickstart.ipynb`` and ``examples/05_teaching_exercise.ipynb``
(the stored files are never opened, so nothing is saved into them) are opened in a
private JupyterLab and run with Run > Run All Cells. Then: no cell errors, the
explorer widget is visible with the count its cells set, every graph iframe loaded
vis-network and drew on its canvas, typing into the explorer filters it (a kernel
round trip), the exercise's checks answer, and nothing left 127.0.0.1.
Screenshots go to ``artifacts/screenshots/examples-*.png``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lab import JS_NODE_RINGED, JupyterLab, open_explorer, require_chromium

import paperlens as pl

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
UI = ".paperlens-explorer"
JS_COUNT_STARTS = "(n) => document.querySelector('.paperlens-explorer .pl-count').innerText.startsWith(n)"
JS_DRAWS = "Number(document.querySelector('.paperlens-explorer [data-draw]')?.dataset.draw || 0)"
# The explorer's graph shows n papers (its caption carries data-draw / data-nodes).
JS_DRAWN_NODES = (
    "(n) => { const c = document.querySelector('.paperlens-explorer [data-draw]');"
    " return c !== null && Number(c.dataset.nodes) === n; }"
)


def _draws(page) -> int:
    return int(page.evaluate(f"() => {JS_DRAWS}"))


def _copy_examples(target: Path) -> None:
    for name in ("01_quickstart.ipynb", "05_teaching_exercise.ipynb"):
        shutil.copy2(EXAMPLES / name, target / name)


def _graphs_drew(lab: JupyterLab, page, expected: int, nodes: set[int]) -> list[dict]:
    frames = lab.graph_frames(page, expected=expected)
    assert len(frames) == expected
    probes = [lab.probe_graph(frame) for frame in frames]
    for probe in probes:
        assert probe.get("vis_loaded") and probe["canvas"], probe
        # A blank canvas has 0 ink; a drawn one well over 500 (1,500-9,000 seen, depending on zoom and
        # on whether physics is still fitting the view when probed).
        assert probe["nodes"] in nodes and probe["ink_pixels"] > 500, probe
    return probes


def test_quickstart_and_exercise_run_and_draw_in_jupyterlab(tmp_path):
    require_chromium()
    _copy_examples(tmp_path)
    corpus = pl.load_sample()
    in_years = corpus.filter(year=(2023, 2024))
    clip = corpus.search("clip").filter(year=(2023, 2024))
    assert 0 < len(clip) < len(in_years)

    with JupyterLab(tmp_path, viewport=(1400, 1000)) as lab:
        # --- the quickstart: run everything, as a reader would
        page, explorer = open_explorer(lab, "01_quickstart.ipynb", timeout=30_000)
        page.wait_for_function(JS_COUNT_STARTS, arg=f"{len(in_years)} of 69 papers", timeout=30_000)

        # the explorer's graph pane (redrawn for the years the next cell set) and the two graph cells:
        # vis-network loaded, the canvas drew
        page.wait_for_function(JS_DRAWN_NODES, arg=len(in_years), timeout=60_000)
        probes = _graphs_drew(lab, page, expected=3, nodes={69, len(in_years)})
        assert sorted(p["nodes"] for p in probes) == sorted([len(in_years), 69, 69])
        lab.screenshot(page, "examples-quickstart-notebook.png", whole_notebook=True)  # grows the viewport
        lab.screenshot(page.locator(".jp-CodeCell", has=explorer), "examples-quickstart-explorer-cell.png")
        page.set_viewport_size({"width": 1400, "height": 1000})

        # type into the explorer: a kernel round trip filters the table and redraws the graph
        search = explorer.locator(".pl-filter-query input")
        search.scroll_into_view_if_needed()
        search.click()
        search.press_sequentially("clip", delay=50)
        page.wait_for_function(JS_COUNT_STARTS, arg=f"{len(clip)} of 69 papers", timeout=30_000)
        page.wait_for_function(JS_DRAWN_NODES, arg=len(clip), timeout=60_000)
        draws = _draws(page)
        explorer.locator(".pl-table button.pl-row").first.click()  # details open; the graph rings the paper
        explorer.locator(f".pl-detail [data-paper-id='{clip[0].id}']").first.wait_for(timeout=30_000)
        page.wait_for_function(
            "() => !/finding the papers/.test(document.querySelector('.paperlens-explorer .pl-detail').innerText)",
            timeout=60_000,
        )
        pane = explorer.locator(".paperlens-graph iframe")
        pane.element_handle().content_frame().wait_for_function(JS_NODE_RINGED, arg=clip[0].id, timeout=60_000)
        assert _draws(page) == draws  # ringed in place, not redrawn
        probe = lab.probe_graph(pane)
        assert probe["nodes"] == len(clip) and probe["ink_pixels"] > 1000, probe
        lab.screenshot(explorer, "examples-quickstart-explorer.png")
        graph_cell = page.locator(".jp-CodeCell", has=page.locator(".paperlens-graph")).nth(1)
        lab.screenshot(graph_cell, "examples-quickstart-graph.png")

        # --- the exercise: runs with no answers, every check says so, the graphs draw
        page = lab.open("05_teaching_exercise.ipynb")
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        page.locator(UI).first.wait_for(state="visible", timeout=30_000)
        page.wait_for_function(JS_COUNT_STARTS, arg="69 of 69 papers", timeout=30_000)
        replies = page.locator(".paperlens-check").all_inner_texts()
        assert len(replies) == 6 and all("no answer yet" in reply for reply in replies), replies
        page.wait_for_function(JS_DRAWN_NODES, arg=69, timeout=60_000)
        _graphs_drew(lab, page, expected=3, nodes={69})
        lab.screenshot(page, "examples-exercise-notebook.png", whole_notebook=True)

    assert lab.external_requests == []
    assert not [e for e in lab.events["page_errors"] if "paperlens" in e.lower()], lab.events["page_errors"]
    print("\nbrowser timings (s):", lab.timings)


def test_what_to_read_next_runs_in_jupyterlab(tmp_path):
    """06: labels, recommendations and the explorer sorted by "my labels" show in a real JupyterLab."""
    require_chromium()
    shutil.copy2(EXAMPLES / "06_what_to_read_next.ipynb", tmp_path / "06_what_to_read_next.ipynb")
    reviewed = pl.load_sample("donners2021")
    with JupyterLab(tmp_path, viewport=(1400, 1000)) as lab:
        page, explorer = open_explorer(lab, "06_what_to_read_next.ipynb", timeout=30_000)
        page.wait_for_function(JS_COUNT_STARTS, arg=f"{len(reviewed)} of {len(reviewed)} papers", timeout=30_000)
        # the table's first row is the top recommendation (same ranking as recommend() on the labels)
        top = reviewed.annotate(["10.1056/nejmoa1511769", "10.1016/s2352-3026(19)30054-7"], "relevant").annotate(
            "10.1186/s13643-016-0384-4", "irrelevant"
        )
        first = top.recommend(n=1)[0]
        row = explorer.locator(".pl-table button.pl-row").first
        row.wait_for(timeout=30_000)
        assert first.title[:30] in row.inner_text()
        lab.screenshot(page, "examples-read-next-notebook.png", whole_notebook=True)
    assert lab.external_requests == []
