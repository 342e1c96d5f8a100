"""Enter adds a typed author, category or keyword in a real JupyterLab (issue 11, item 7).

In JupyterLab 4 a ``TagsInput``'s own text box loses the Enter key to the notebook, so
the explorer takes typed values in type-ahead boxes. Here a person types into them and
presses Enter (and, for the category, the Tab key that worked before is not used); the
"N of M papers" line must then show the count ``Corpus.filter`` gives, computed here.
"""

from __future__ import annotations

import pytest
from lab import JupyterLab, require_chromium, write_notebook

import paperlens as pl

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UI = ".paperlens-explorer"
JS_COUNT_IS = "(n) => document.querySelector('.paperlens-explorer .pl-count').innerText.startsWith(n)"


def _type_and_enter(page, css: str, text: str) -> None:
    box = page.locator(f"{UI} {css} input")
    box.click()
    box.press_sequentially(text, delay=40)
    box.press("Enter")


def test_enter_adds_what_was_typed(tmp_path):
    require_chromium()
    sample = pl.load_sample()
    write_notebook(tmp_path / "enter.ipynb", ["import paperlens as pl", "pl.load_sample().explore(graph=False)"])
    with JupyterLab(tmp_path, viewport=(1400, 1000)) as lab:
        page = lab.open("enter.ipynb")
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        page.locator(UI).first.wait_for(state="visible", timeout=30_000)
        page.wait_for_function(JS_COUNT_IS, arg=f"{len(sample)} of {len(sample)} papers", timeout=30_000)

        # "cs.C" is no category: typing it adds nothing; "cs.CL" + Enter does ("cs.CL" is also a suggestion,
        # so type it in another case to need the Enter).
        nlp = sample.filter(categories="cs.CL")
        _type_and_enter(page, ".pl-add-categories", "CS.CL")
        page.wait_for_function(JS_COUNT_IS, arg=f"{len(nlp)} of {len(sample)} papers", timeout=30_000)
        assert "cs.CL" in page.locator(f"{UI} .pl-filter-categories").inner_text()
        lab.screenshot(page.locator(UI).first, "explorer-enter-category.png")

        # Part of an author's name + Enter (no suggestion picked).
        both = sample.filter(categories="cs.CL", authors="zhang")
        _type_and_enter(page, ".pl-add-authors", "zhang")
        page.wait_for_function(JS_COUNT_IS, arg=f"{len(both)} of {len(sample)} papers", timeout=30_000)
        assert "zhang" in page.locator(f"{UI} .pl-filter-authors").inner_text()
        assert not page.locator(f"{UI} .pl-status").inner_text().strip()
