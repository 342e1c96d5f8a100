"""Keys and ticked rows in a real JupyterLab and Notebook 7 (headless Chromium): ``r`` on the detail pane labels the
selected paper, ``j``/``k`` move through the table, three ticked rows are labelled by one click, and
``explorer.labels`` / ``explorer.checked`` read it all back from the kernel; JupyterLab's command-mode
shortcuts (``r`` = make the cell raw, ``j``/``k`` = move to another cell) do not fire meanwhile, while the
same ``r`` outside the explorer does (so the check can fail)."""

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

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI = ".paperlens-explorer"
JS_NOTEBOOK = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return {
    cells: cells.length,
    raw: document.querySelectorAll('.jp-Notebook .jp-RawCell').length,
    active: cells.findIndex((c) => c.classList.contains('jp-mod-active')),
    command: !!document.querySelector('.jp-Notebook.jp-mod-commandMode'),
  };
}"""


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_keys_label_and_move_and_ticked_rows_are_labelled_together(tmp_path, app):
    require_chromium()
    reviewed = pl.load_sample("donners2021")
    order = list(reviewed.ids[:10])  # the first page: no filter, the corpus order

    write_notebook(tmp_path / "keys.ipynb", EXPLORER_READBACK_CELLS)
    with JupyterLab(tmp_path, app=app, viewport=(1400, 1100)) as lab:
        page, explorer = open_explorer(lab, "keys.ipynb")
        explorer.locator(".pl-keys-hint").wait_for(state="visible", timeout=60_000)
        wait_readback(page, {"labels": {}, "checked": []})

        page.keyboard.press("Escape")  # command mode, where a bare r / j / k are JupyterLab's shortcuts
        explorer.locator(".pl-table button.pl-row").first.click()
        wait_detail(page, order[0])
        before = page.evaluate(JS_NOTEBOOK)
        assert before["command"] and before["raw"] == 0, before

        page.keyboard.press("r")
        wait_readback(page, {"labels": {order[0]: "relevant"}, "checked": []})
        explorer.locator(".pl-detail").first.click()  # the pane's text (not a button) also takes the keys
        page.keyboard.press("j")
        page.keyboard.press("j")
        wait_detail(page, order[2])
        page.keyboard.press("k")
        wait_detail(page, order[1])
        page.keyboard.press("i")
        wait_readback(page, {"labels": {order[0]: "relevant", order[1]: "irrelevant"}, "checked": []})
        page.keyboard.press("u")
        wait_readback(page, {"labels": {order[0]: "relevant"}, "checked": []})
        after = page.evaluate(JS_NOTEBOOK)
        assert after == before, (before, after)  # no cell became raw, the active cell did not move

        # Typing in the search box is typing: the letters go to the box, not to the shortcuts.
        search = explorer.locator("input[type='text']").first
        search.click()
        search.type("rij")
        assert search.input_value() == "rij"
        search.fill("")
        page.wait_for_timeout(800)

        boxes = explorer.locator(".pl-check input[type='checkbox']")
        for row in (3, 4, 5):
            boxes.nth(row).click()
        wait_readback(page, {"labels": {order[0]: "relevant"}, "checked": sorted(order[3:6])})
        explorer.locator(".pl-label-summary .pl-ticked").wait_for(state="visible", timeout=30_000)
        explorer.locator("button.pl-label-button", has_text="✓ relevant").click()
        want = {
            "labels": {order[0]: "relevant", **dict.fromkeys(order[3:6], "relevant")},
            "checked": sorted(order[3:6]),
        }
        wait_readback(page, want)
        lab.screenshot(explorer, f"explorer-keys-{app}.png")  # artifacts/screenshots (docs/images holds a copy)

        # A shift-click ticks the rows between it and the box clicked before it.
        boxes.nth(7).click()
        boxes.nth(9).click(modifiers=["Shift"])
        wait_readback(page, {**want, "checked": sorted([*order[3:6], *order[7:10]])})
        assert page.evaluate(JS_NOTEBOOK) == before

        # The control: the same key outside the explorer is JupyterLab's (the first cell becomes raw).
        page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("r")
        page.wait_for_function("() => document.querySelectorAll('.jp-Notebook .jp-RawCell').length === 1")
        assert lab.external_requests == []
