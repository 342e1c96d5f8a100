"""Hostile papers in a real JupyterLab: every output shows the attacks as text and nothing runs.

A notebook shows a corpus of papers whose every field is an attack (script and
attribute breakers, ``javascript:``/``data:`` URLs, ``<img onerror>``, ``<svg onload>``,
comments, U+2028, template braces): its ``Corpus`` repr, each ``Paper`` repr, a
citation graph and an explorer. It is run through the menu; then, as a person
would, the test hovers every table cell and title, clicks the hostile rows,
hovers a graph node (tooltip) and clicks it (details), and tabs through the page.

Before any page loads, an init script (in every frame, srcdoc iframes too)
replaces ``alert``/``confirm``/``prompt``/``print``/``open`` with recorders; the
payloads set ``window.__pwned``. The test asserts: no dialog, no recorder hit,
no ``__pwned`` in any frame, no request for ``x`` (an ``<img src=x>`` being
built), no element with an ``on*`` attribute and no ``<img>``/``<svg>`` built
from the data anywhere in the notebook's outputs or graph frames, and every
payload visible as text.
"""

from __future__ import annotations

import pytest
from lab import JupyterLab, require_chromium, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    "</script><script>window.__pwned=2</script>",
    '<img src=x onerror="window.__pwned=3;alert(3)">',
    '" onmouseover="window.__pwned=4;alert(4)" x="',
    "' onfocus='window.__pwned=5' autofocus='",
    "</iframe><script>window.__pwned=6</script>",
    "<!-- <svg/onload=window.__pwned=7>",
    "line\u2028separator{{constructor.constructor('window.__pwned=8')()}}",
    "&lt;b&gt;pre-escaped&lt;/b&gt; <a href=javascript:window.__pwned=9>link</a>",
]
URLS = ["javascript:window.__pwned=10", "data:text/html,<script>alert(11)</script>", " JaVaScRiPt:alert(12)"]

SETUP = f"""\
import paperlens as pl
from paperlens.record import Paper
PAYLOADS = {PAYLOADS!r}
URLS = {URLS!r}
papers = [
    Paper.create(
        title=f"{{p}} graph {{i}}", authors=(p, "Doe, Jane"), abstract=f"graph {{p}} {{PAYLOADS[i - 1]}}",
        venue=p, categories=(p, "cs.LG"), year=2018 + i, url=URLS[i % len(URLS)],
        arxiv_id=f"2001.{{i:05d}}", references=tuple(f"2001.{{j:05d}}" for j in range(i)),
    )
    for i, p in enumerate(PAYLOADS)
]
hostile = pl.Corpus(papers)
hostile"""

PAPERS = """\
from IPython.display import display
for paper in hostile:
    display(paper)"""

GRAPH = 'hostile.graph("citation", labels=50, title=PAYLOADS[3], height=420)'

EXPLORER = 'hostile.explore(graph_kind="citation", page_size=20, communities=False, neighbours=0)'

# Runs first in every frame: the dangerous calls become recorders (readable from the test).
HOOKS = """
(() => {
  const hits = [];
  Object.defineProperty(window, "__hits", {value: hits});
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    try { window[name] = (...args) => { hits.push(name + ":" + String(args[0])); return null; }; } catch (e) {}
  }
})();
"""

# Inside any document: elements carrying on* attributes, and elements a payload would build.
JS_INJECTED = """(root) => {
  const scope = root ? document.querySelector(root) : document;
  const all = scope ? [...scope.querySelectorAll('*')] : [];
  const handlers = (e) => [...e.attributes].filter(a => /^on/i.test(a.name)).map(a => e.tagName + ' ' + a.name);
  return {
    on_attributes: all.flatMap(handlers),
    built: all.filter(e => ['IMG', 'SVG', 'svg'].includes(e.tagName) && !e.closest('.pl-legend')
                      && !e.hasAttribute('data-icon'))  // JupyterLab's own icons
      .map(e => e.outerHTML.slice(0, 80)),
    autofocus: all.filter(e => e.hasAttribute('autofocus') || e.hasAttribute('x')).length,
    bad_links: [...scope.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
      .filter(h => !/^https?:\\/\\//.test(h)),
  };
}"""

JS_FRAME_STATE = "() => ({pwned: window.__pwned === undefined ? null : window.__pwned, hits: window.__hits || []})"
JS_TOOLTIP_SHOWN = """() => {
  const t = document.querySelector('div.vis-tooltip');
  return !!t && t.style.visibility === 'visible' && t.textContent.length > 0;
}"""
OUTPUTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea"


def _frames_state(page) -> list[dict]:
    return [frame.evaluate(JS_FRAME_STATE) for frame in page.frames]


def test_hostile_outputs_run_nothing_in_jupyterlab(tmp_path):
    require_chromium()
    write_notebook(tmp_path / "hostile.ipynb", [SETUP, PAPERS, GRAPH, EXPLORER])
    with JupyterLab(tmp_path, viewport=(1400, 1000)) as lab:
        lab._context.add_init_script(HOOKS)
        page = lab.open("hostile.ipynb")
        lab.run_all(page)
        assert lab.cell_errors(page) == []
        explorer = page.locator(".paperlens-explorer").first
        explorer.wait_for(state="visible", timeout=30_000)
        rows = explorer.locator(".pl-table button.pl-row")
        page.wait_for_function(
            "(n) => document.querySelectorAll('.paperlens-explorer .pl-table button.pl-row').length === n",
            arg=len(PAYLOADS),
            timeout=30_000,
        )
        frames = lab.graph_frames(page, expected=2)  # the graph cell and the explorer's graph pane
        assert len(frames) == 2
        standalone = lab.probe_graph(frames[0])
        assert standalone.get("ready") and standalone["nodes"] == len(PAYLOADS), standalone

        # Every payload is on the page as text: in the corpus table, the paper cards, the explorer.
        text = page.locator(OUTPUTS).all_inner_texts()
        joined = " ".join(" ".join(t.split()) for t in text)
        for payload in PAYLOADS:
            assert " ".join(payload.split())[:30] in joined, payload

        # Hover every table cell and button, click every hostile row, tab around.
        for cell in explorer.locator(".pl-table .pl-cell:visible, .pl-table button:visible").all():
            if cell.bounding_box() and cell.bounding_box()["width"] > 0:  # empty score cells have no size
                cell.hover(timeout=5_000)
        for i in range(len(PAYLOADS)):
            rows.nth(i).click()
            explorer.locator(f".pl-detail [data-paper-id='2001.{i:05d}']").first.wait_for(timeout=30_000)
        for _ in range(12):
            page.keyboard.press("Tab")

        # Hover and click a node of the standalone graph: the tooltip and the card show the text.
        frame = frames[0].content_frame()
        x, y = lab.node_point(frames[0], 2)
        page.mouse.move(x - 40, y - 40)
        page.mouse.move(x, y, steps=5)
        frame.wait_for_function(JS_TOOLTIP_SHOWN, timeout=10_000)
        tooltip = frame.evaluate("() => document.querySelector('div.vis-tooltip').textContent")
        assert PAYLOADS[2] in tooltip, tooltip
        page.mouse.click(x, y)
        frame.wait_for_function("() => document.querySelector('#pl-details .pl-title') !== null", timeout=10_000)
        assert frame.evaluate("() => document.querySelector('#pl-details .pl-title').textContent").startswith(
            PAYLOADS[2]
        )
        page.wait_for_timeout(500)  # let any timer or late handler fire before looking
        lab.screenshot(page, "hostile-notebook.png", whole_notebook=True)

        # Nothing ran, anywhere; nothing was built from the data.
        states = _frames_state(page)
        assert len(states) >= 3 and all(s == {"pwned": None, "hits": []} for s in states), states
        found = page.evaluate(JS_INJECTED, OUTPUTS)
        assert found["on_attributes"] == [] and found["built"] == [], found
        assert found["autofocus"] == 0 and found["bad_links"] == [], found
        for handle in lab.graph_frames(page):
            inside = handle.content_frame().evaluate(JS_INJECTED, None)
            assert inside["on_attributes"] == [] and inside["built"] == [] and inside["bad_links"] == [], inside

    assert lab.events["dialogs"] == []
    assert not [line for line in lab.events["console"] if "pwned" in line.lower()]
    assert not [url for url in lab.events["requests"] if url.split("?")[0].rstrip("/").endswith("/x")]
    assert lab.external_requests == []
    assert lab.events["page_errors"] == []
