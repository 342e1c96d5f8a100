"""The field map in a real JupyterLab and Notebook 7 (headless Chromium).

A corpus of 20,000 papers with hostile titles and authors is drawn with ``corpus.map(positions=...)``
(twelve clusters of points: the drawing, not the layout, is under test; the layout has its own
in-process tests). The test checks the WebGL canvas has ink, draws a lasso with the mouse and waits for
the selection to reach Python (an ``observe`` callback writes the count into a widget), presses a
button that highlights one cluster and checks the map is dimmed (far fewer strong pixels), hovers a
point (the tooltip shows the hostile title as text) and checks no script ran and no request left
127.0.0.1.
"""

from __future__ import annotations

import io

import pytest
from lab import JupyterLab, lasso_middle, require_chromium, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

N = 20_000
PAYLOAD = '<img src=x onerror="window.__pwned=1">'

SETUP = f"""\
import time
import ipywidgets as widgets
import numpy as np
import pandas as pd
import paperlens as pl

rng = np.random.default_rng(0)
n = {N}
centres = rng.normal(size=(12, 2)) * 6
group = rng.integers(0, 12, n)
xy = centres[group] + rng.normal(size=(n, 2))
PAYLOAD = {PAYLOAD!r}
corpus = pl.Corpus(
    pl.Paper.create(title=f"{{PAYLOAD}} paper {{i}} </script><script>window.__pwned=2</script>",
                    authors=(PAYLOAD, "B. Author"), year=2000 + int(group[i]), arxiv_id=f"2401.{{i:05d}}")
    for i in range(n)
)
positions = pd.DataFrame({{"id": corpus.ids, "x": xy[:, 0], "y": xy[:, 1], "community": group,
                          "label": [f"cluster {{g}} " + PAYLOAD for g in group]}})
view = corpus.map(positions=positions, size_by=None, height=500)
check = widgets.HTML("selected 0")
check.add_class("pl-map-check")
view.observe(lambda chosen: setattr(check, "value", f"selected {{len(chosen)}}"))
dim = widgets.Button(description="dim")
dim.add_class("pl-map-dim")
dim.on_click(lambda _: view.highlight(corpus.filter(year=2003)))
display(widgets.HBox([check, dim]))
view"""

CANVAS = ".jp-OutputArea canvas"


def strong_pixels(png: bytes) -> int:
    """Pixels clearly darker than the white background (points drawn at full strength)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(1 for value in image.get_flattened_data() if value < 200)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_map_draws_selects_dims_and_stays_safe(tmp_path, app):
    require_chromium()
    write_notebook(tmp_path / "map.ipynb", [SETUP])
    with JupyterLab(tmp_path, app=app) as lab:
        page = lab.open("map.ipynb")
        lab.run_all(page, timeout_ms=240_000)
        assert lab.cell_errors(page) == []
        canvas = page.locator(CANVAS).first
        canvas.wait_for(state="visible", timeout=60_000)
        canvas.scroll_into_view_if_needed()
        ink = 0
        for _ in range(40):  # the first frame may follow the output by a moment
            ink = strong_pixels(canvas.screenshot())
            if ink > 2000:
                break
            page.wait_for_timeout(250)
        assert ink > 2000, f"the map's canvas has no ink ({ink} strong pixels)"
        lab.screenshot(canvas, f"map_{app}_20k.png")

        # A lasso (the toolbar's lasso button, then a drag) around the middle of the map reaches
        # view.selected in the kernel.
        lasso_middle(page, canvas, page.locator(".jp-OutputArea button[title='Activate lasso selection']").first, 30)
        check = page.locator(".pl-map-check")
        page.wait_for_function(
            "() => { const e = document.querySelector('.pl-map-check'); "
            "return e && !/selected 0$/.test(e.textContent.trim()); }",
            timeout=20_000,
        )
        chosen = int(check.inner_text().split()[-1])
        assert 0 < chosen < N

        # The filter button dims every paper outside one cluster: far fewer strong pixels.
        page.keyboard.press("Escape")
        page.locator(".pl-map-dim button, button.pl-map-dim").first.click()
        dimmed = ink
        for _ in range(40):
            page.wait_for_timeout(250)
            dimmed = strong_pixels(canvas.screenshot())
            if dimmed < ink * 0.6:
                break
        assert dimmed < ink * 0.6, f"the map was not dimmed ({ink} -> {dimmed} strong pixels)"
        lab.screenshot(canvas, f"map_{app}_dimmed.png")

        # Hovering points shows tooltips with the hostile title as text; nothing ran.
        box = canvas.bounding_box()
        for dx in range(-40, 41, 8):
            page.mouse.move(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
            page.wait_for_timeout(60)
        assert page.evaluate("() => window.__pwned === undefined")
        assert page.locator(".jp-OutputArea img[src='x']").count() == 0
        assert lab.external_requests == []


HIDDEN = """\
import ipywidgets as widgets
import numpy as np
import pandas as pd
import paperlens as pl

rng = np.random.default_rng(1)
n = 5000
xy = rng.normal(size=(n, 2))
corpus = pl.Corpus(pl.Paper.create(title=f"paper {i}", year=2000 + i % 5, arxiv_id=f"2401.{i:05d}") for i in range(n))
positions = pd.DataFrame({"id": corpus.ids, "x": xy[:, 0], "y": xy[:, 1], "community": np.arange(n) % 5})
view = corpus.map(positions=positions, size_by=None, height=400)
pane = widgets.Box([view.widget], layout=widgets.Layout(display="none", width="100%"))
show = widgets.Button(description="show")
show.add_class("pl-show")
show.on_click(lambda _: setattr(pane.layout, "display", "block"))
shown = widgets.VBox([show, pane])
shown.add_class("pl-hidden-map")
shown"""


def test_map_drawn_in_a_hidden_pane_draws_when_shown(tmp_path):
    """A map first laid out in a pane of zero size (display: none) draws once the pane is shown
    (regl-scatterplot resizes its canvas itself, with a ResizeObserver)."""
    from lab import GL_PROBE

    require_chromium()
    write_notebook(tmp_path / "hidden.ipynb", [HIDDEN])
    with JupyterLab(tmp_path, init_scripts=[GL_PROBE]) as lab:
        page = lab.open("hidden.ipynb")
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        page.locator(".pl-hidden-map .paperlens-map").first.wait_for(state="attached", timeout=60_000)
        sizes = page.evaluate("() => [...document.querySelectorAll('.pl-hidden-map canvas')].map(c => c.clientWidth)")
        assert sizes and max(sizes) == 0  # laid out with no size
        shown_at = page.evaluate("() => performance.now()")
        page.locator(".pl-show button, button.pl-show").first.click()
        page.wait_for_function(
            "(t) => window.__plProbe.draws.some((d) => d.t > t && d.count >= 5000)", arg=shown_at, timeout=30_000
        )
        canvas = page.locator(".pl-hidden-map canvas").first
        page.wait_for_function("() => document.querySelector('.pl-hidden-map canvas').width > 0", timeout=30_000)
        ink = 0
        for _ in range(40):  # the drawn frame reaches the screen a moment after the draw call
            ink = strong_pixels(canvas.screenshot())
            if ink > 2000:
                break
            page.wait_for_timeout(100)
        assert ink > 2000, f"the map shown after being hidden has no ink ({ink} strong pixels)"
        assert lab.events["page_errors"] == []
