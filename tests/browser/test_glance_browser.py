"""The field at a glance in a real JupyterLab 4 and Notebook 7 (headless Chromium), offline.

One notebook: ``corpus.glance()`` of the sample corpus, the glance of a real OpenAlex review set
(Donners 2021: years, venues, topics), the glance of papers whose title, authors, venue and category
are ``<img src=x onerror=...>``, and an explorer with its glance pane. Run through the menu, then:

* each chart is drawn by Jupyter's own Vega renderer (the ``application/vnd.vegalite.v5+json``
  output), as SVG: its bars are counted against the tables computed here, in the test process;
* hovering a hostile bar shows the tooltip with the payload as text (no ``<img>``, no dialog);
* typing a query in the explorer redraws its glance pane for the papers the search keeps;
* no request left 127.0.0.1 (no CDN), no dialog, no console error.

Screenshots go to ``artifacts/screenshots/glance-*.png`` (``docs/images/field-glance.png`` is a
copy made by hand).
"""

from __future__ import annotations

import warnings

import pytest
from lab import JupyterLab, require_chromium, write_notebook

import paperlens as pl
from paperlens.graphs import trends

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOAD = '<img src=x onerror="window.__pwned=1;alert(1)">'
QUERY = "language model"
VEGA = "application/vnd.vegalite.v5+json"
OUTPUT = ".jp-OutputArea-output.jp-RenderedVegaLite"  # what Jupyter's Vega renderer draws ({VEGA})
UI = ".paperlens-explorer"

SETUP = """\
import warnings
import paperlens as pl
from paperlens.record import Paper

corpus = pl.load_sample()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", pl.LoadWarning)
    review = pl.load_sample("donners2021")"""
SAMPLE = "corpus.glance()"
REVIEW = "review.glance()"
HOSTILE = f"""\
PAYLOAD = {PAYLOAD!r}
hostile = pl.Corpus([
    Paper.create(title=PAYLOAD, authors=(PAYLOAD,), venue=PAYLOAD, categories=(PAYLOAD,), year=2020 + i % 2)
    for i in range(4)
])
hostile.glance(by="category")"""
EXPLORER = "explorer = corpus.explore(graph=False, glance=True)\nexplorer"

JS_BARS = """(sel) => [...document.querySelectorAll(sel)].map(o => ({
  svgs: o.querySelectorAll('svg').length,
  bars: o.querySelectorAll('g.mark-rect path').length,
  text: o.querySelector('svg') ? o.querySelector('svg').textContent : '',
  imgs: o.querySelectorAll('img').length,
}))"""


def bars(corpus: pl.Corpus, by: str | list, n: int = 10) -> int:
    """How many bars the glance draws: one per (known year, group), one per top author, venue, category."""
    per_year = trends.papers_per_year(corpus, by=by, n=n)
    tops = [trends.top_authors(corpus, n), trends.top_venues(corpus, n), trends.top_categories(corpus, n)]
    return int(per_year["year"].notna().sum()) + sum(len(t) for t in tops)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_glance_draws_offline_and_follows_the_explorer(tmp_path, app):
    require_chromium()
    corpus = pl.load_sample()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        review = pl.load_sample("donners2021")
    cells = [SETUP, SAMPLE, REVIEW, HOSTILE, EXPLORER]
    write_notebook(tmp_path / "glance.ipynb", cells)
    with JupyterLab(tmp_path, app=app, viewport=(1400, 1000)) as lab:
        page = lab.open("glance.ipynb")
        startup_errors = list(lab.events["page_errors"])
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        page.wait_for_function(
            f"() => [...document.querySelectorAll(\"{OUTPUT}\")].filter(o => o.querySelector('g.mark-rect path'))"
            ".length >= 4",
            timeout=60_000,
        )
        sample, real, hostile, pane = page.evaluate(JS_BARS, OUTPUT)
        assert sample["svgs"] >= 1 and sample["bars"] == bars(corpus, "topic"), sample
        assert real["bars"] == bars(review, "topic"), real
        assert "Top venues" in real["text"] and "Blood" in real["text"]  # the review's top venue, drawn as text
        assert hostile["bars"] == 2 + 3, hostile  # two years of one category; one author, venue, category
        assert PAYLOAD[:20] in hostile["text"] and hostile["imgs"] == 0, hostile

        # Hover a hostile bar: the tooltip shows the payload as text.
        output = page.locator(OUTPUT).nth(2)
        output.scroll_into_view_if_needed()
        bar = output.locator("g.mark-rect path").last
        bar.hover()  # scrolls it into view and moves the mouse onto it: Vega shows its tooltip
        tooltip = page.locator(".vg-tooltip").first
        page.wait_for_function(
            "(p) => [...document.querySelectorAll('.vg-tooltip')].some(t => t.innerText.includes(p))",
            arg=PAYLOAD,
            timeout=10_000,
        )
        assert PAYLOAD in tooltip.inner_text()
        assert tooltip.locator("img").count() == 0
        assert page.evaluate("() => window.__pwned === undefined")

        # The explorer's pane: a search redraws it for the papers the search keeps.
        caption = page.locator(f"{UI} .pl-glance-caption")
        caption.wait_for(timeout=30_000)
        assert caption.get_attribute("data-papers") == str(len(corpus))
        drawn = int(caption.get_attribute("data-draw"))
        before = pane["bars"]
        page.locator(f"{UI} .pl-filter-query input").fill(QUERY)
        hits = corpus.search(QUERY)
        page.wait_for_function(
            "([n, d]) => { const c = document.querySelector('.paperlens-explorer .pl-glance-caption');"
            " return c && c.dataset.papers === String(n) && Number(c.dataset.draw) > d; }",
            arg=[len(hits), drawn],
            timeout=30_000,
        )
        page.wait_for_function(
            f'() => document.querySelector("{UI} {OUTPUT} g.mark-rect path") !== null', timeout=30_000
        )
        after = page.evaluate(JS_BARS, f"{UI} {OUTPUT}")[0]
        assert after["bars"] != before and after["bars"] > 0, (before, after)
        authors = trends.top_authors(hits, 10)["author"].tolist()
        assert all(name in after["text"] for name in authors[:3]), after["text"][:500]

        shot = page.locator(OUTPUT).nth(1)
        lab.screenshot(shot, f"glance-review-{app}.png")
        lab.screenshot(page.locator(f"{UI} .pl-glance").first, f"glance-explorer-{app}.png")

    assert lab.events["dialogs"] == []
    assert lab.external_requests == []
    assert not [url for url in lab.events["requests"] if url.split("?")[0].rstrip("/").endswith("/x")]
    assert lab.events["page_errors"] == startup_errors, lab.events["page_errors"]
    assert lab.events["console_errors"] == [], lab.events["console_errors"]
