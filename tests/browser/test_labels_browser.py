"""Labelling in a real JupyterLab (headless Chromium): label three papers in the explorer, watch the
"rank by my labels" order change after each, and read ``explorer.labels`` back from the kernel.

The expected orders are computed here, in the test process, by driving the headless
``ExplorerState`` through the same clicks (the first row of the page each time)."""

from __future__ import annotations

import pytest
from lab import (
    EXPLORER_READBACK_CELLS,
    JupyterLab,
    open_explorer,
    require_chromium,
    wait_detail,
    wait_readback,
    write_notebook,
)

import paperlens as pl
from paperlens.display.explorer_state import LABEL_RANKING, ExplorerState

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI = ".paperlens-explorer"
STEPS = ("relevant", "relevant", "irrelevant")


def _titles(explorer) -> list[str]:
    return explorer.locator(".pl-table button.pl-row").all_inner_texts()


def _wait_titles(page, titles: list[str]) -> None:
    page.wait_for_function(
        """(want) => {
          const rows = [...document.querySelector('.paperlens-explorer').querySelectorAll('.pl-table button.pl-row')];
          return JSON.stringify(rows.map(r => r.innerText)) === JSON.stringify(want);
        }""",
        arg=titles,
        timeout=60_000,
    )


def test_label_three_papers_and_the_ranking_follows(tmp_path):
    require_chromium()
    reviewed = pl.load_sample("donners2021")
    state = ExplorerState(reviewed, communities=False, page_size=10)
    state.sort_by = LABEL_RANKING
    pages = [[" ".join(reviewed[int(p)].title.split()) for p in state.page_positions]]
    chosen = []
    for label in STEPS:
        paper_id = reviewed.ids[int(state.page_positions[0])]
        chosen.append(paper_id)
        state.set_label(paper_id, label)
        pages.append([" ".join(reviewed[int(p)].title.split()) for p in state.page_positions])
    assert pages[1] != pages[0] and pages[2] != pages[1] and pages[3] != pages[2]
    expected_labels = dict(zip(chosen, STEPS, strict=True))

    write_notebook(tmp_path / "labels.ipynb", EXPLORER_READBACK_CELLS)
    with JupyterLab(tmp_path, viewport=(1400, 1100)) as lab:
        page, explorer = open_explorer(lab, "labels.ipynb")
        explorer.locator(".pl-label-rank button, button.pl-label-rank").first.click()
        _wait_titles(page, pages[0])
        for step, label in enumerate(STEPS, start=1):
            explorer.locator(".pl-table button.pl-row").first.click()
            wait_detail(page, chosen[step - 1])
            button = "✓ relevant" if label == "relevant" else "✗ irrelevant"
            explorer.locator("button.pl-label-button", has_text=button).click()
            _wait_titles(page, pages[step])  # re-ranked after the label
            lab.screenshot(explorer, f"labels-{step}.png")
        assert _titles(explorer) == pages[3]
        summary = explorer.locator(".pl-label-summary").inner_text()
        assert "2 relevant, 1 irrelevant" in summary, summary
        wait_readback(page, {"labels": expected_labels, "checked": []}, timeout=60_000)
        assert lab.external_requests == []
