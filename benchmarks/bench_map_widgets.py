"""Benchmark: the WebGL widget candidates for the field map, in headless Chromium (JupyterLab), at 75,000 points.

Candidates (issue 13, point 3): jupyter-scatter (regl-scatterplot; what ``corpus.map()`` uses), ipysigma
(sigma.js) and embedding-atlas (Apple's, anywidget + DuckDB). Only jupyter-scatter is a paperlens
dependency; install the others into your own venv to run this (``pip install ipysigma embedding-atlas``).

The same N points (twelve seeded clusters, a title each) are shown by each candidate in its own notebook
and page. Measured inside the page with ``tests/browser/lab.py``'s ``GL_PROBE`` (WebGL draw calls, mouse
presses, ``performance.now()``):

* ``first draw``: output element in the page -> first WebGL draw of (nearly) all points, else the last draw
  of the first burst (the canvas then still for 0.5 s); also the kernel's time to build the widget;
* ``pan/zoom``: a mouse drag (40 steps) and 20 wheel ticks over the canvas; the interval between
  successive WebGL draws while it moves (median and 95th percentile; 16.7 ms = 60 frames a second),
  and the wall time of the whole gesture;
* ``JS heap``: V8's used heap of the page after a forced garbage collection (JupyterLab itself included);
* ``selection``: the time from the mouse release of a selection gesture (jupyter-scatter: lasso;
  ipysigma: a click on a node, it has no lasso; embedding-atlas: a shift-drag box) until the kernel's
  observer has written what was selected into a widget in the page;
* ``offline``: requests that left 127.0.0.1 (a CDN) and page errors.

Run from the repository root (needs /usr/bin/chromium), when the machine is quiet::

    .venv/bin/python benchmarks/bench_map_widgets.py                 # 75,000 points, every candidate
    .venv/bin/python benchmarks/bench_map_widgets.py --n 20000 --only jscatter,ipysigma
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_map_browser import CLUSTERED_POINTS  # noqa: E402

DATA = (
    CLUSTERED_POINTS
    + """\
titles = [f"paper {{i}} of cluster {{g}}" for i, g in enumerate(group.tolist())]
check = widgets.HTML("selected: none")
check.add_class("pl-check")
display(check)
"""
)

CANDIDATES = {
    "jupyter-scatter": (
        "jscatter",
        """\
import paperlens as pl
corpus = pl.Corpus(pl.Paper.create(title=t, year=2000 + int(g), arxiv_id=f"2401.{i:05d}")
                   for i, (t, g) in enumerate(zip(titles, group.tolist())))
positions = pd.DataFrame({"id": corpus.ids, "x": xy[:, 0], "y": xy[:, 1], "community": group})
t = time.perf_counter()
shown = corpus.map(positions=positions, size_by=None, height=600)
shown.observe(lambda chosen: setattr(check, "value", f"selected: {len(chosen)}"))
shown.widget
print(f"built in {time.perf_counter() - t:.2f} s")
display(shown)""",
    ),
    "ipysigma": (
        "ipysigma",
        """\
import networkx as nx
from ipysigma import Sigma
t = time.perf_counter()
graph = nx.Graph()
graph.add_nodes_from((i, {"label": titles[i], "group": int(group[i])}) for i in range(n))
shown = Sigma(graph, layout={i: {"x": float(xy[i, 0]), "y": float(xy[i, 1])} for i in range(n)},
              node_color="group", height=600, start_layout=False)
shown.observe(lambda change: setattr(check, "value", f"selected: {change['new']}"), names="selected_node")
print(f"built in {time.perf_counter() - t:.2f} s")
display(shown)""",
    ),
    "embedding-atlas": (
        "embedding_atlas",
        """\
from embedding_atlas.widget import EmbeddingAtlasWidget
t = time.perf_counter()
frame = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "title": titles, "group": group})
shown = EmbeddingAtlasWidget(frame, x="x", y="y", text="title")
shown.observe(lambda change: setattr(check, "value", f"selected: {len(shown.selection())}"), names="_predicate")
print(f"built in {time.perf_counter() - t:.2f} s")
display(shown)""",
    ),
}

JS_HEAP = "() => window.__plHeap"


def heap(page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("HeapProfiler.collectGarbage")
    used = session.send("Runtime.getHeapUsage")["usedSize"]
    session.detach()
    return used / 1e6


def first_draw(page, after: float, n: int, timeout_ms: int = 300_000) -> tuple[float, str]:
    """Page time of the first draw of ~all points after ``after``, else of the end of the first burst."""
    js = """([after, n]) => {
      const d = window.__plProbe.draws.filter((d) => d.t > after);
      const all = d.find((d) => d.count * d.instances >= 0.9 * n);
      if (all) return [all.t, 'points'];
      if (d.length && performance.now() - d[d.length - 1].t > 500) return [d[d.length - 1].t, 'burst'];
      return null; }"""
    t, how = page.wait_for_function(js, arg=[after, n], timeout=timeout_ms, polling=50).json_value()
    return float(t), how


def largest_canvas(page):
    canvases = page.locator(".jp-OutputArea-output canvas")
    sizes = [(b["width"] * b["height"] if b else 0) for b in (c.bounding_box() for c in canvases.all())]
    return canvases.nth(sizes.index(max(sizes)))


def frames(page, gesture, n: int) -> tuple[float, float, float, int]:
    """Run ``gesture()``; return median and p95 interval between WebGL draws during it (ms), its wall time, draws."""
    start = float(page.evaluate("() => performance.now()"))
    t0 = time.monotonic()
    gesture()
    wall = time.monotonic() - t0
    page.wait_for_timeout(300)
    times = page.evaluate(  # the draws of (nearly) every point: one a frame
        """([s, n]) => { const d = window.__plProbe.draws.filter((d) => d.t > s);
             const big = d.filter((d) => d.count * d.instances >= 0.5 * n);
             return (big.length > 1 ? big : d).map((d) => d.t); }""",
        [start, n],
    )
    gaps = sorted(b - a for a, b in itertools.pairwise(times) if b - a > 1)
    if not gaps:
        return float("nan"), float("nan"), wall, len(times)
    return statistics.median(gaps), gaps[int(0.95 * (len(gaps) - 1))], wall, len(times)


def selection(page, name: str, canvas) -> float | None:
    """Seconds from the release of a selection gesture to the kernel's answer in the page, or None."""
    box = canvas.bounding_box()
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["height"] / 5
    before = page.locator(".pl-check").inner_text()
    attempts = []
    if name == "jupyter-scatter":
        page.locator(".jp-OutputArea button[title='Activate lasso selection']").first.click()

        def lasso():
            page.mouse.move(cx - r, cy - r)
            page.mouse.down()
            for x, y in [(cx + r, cy - r), (cx + r, cy + r), (cx - r, cy + r), (cx - r, cy - r + 2)]:
                page.mouse.move(x, y, steps=8)
            page.mouse.up()

        attempts = [lasso]
    elif name == "ipysigma":
        grid = [
            (fx * box["width"] / 2, fy * box["height"] / 2) for fy in (-0.5, 0, 0.5) for fx in (-0.6, -0.3, 0, 0.3, 0.6)
        ]
        attempts = [(lambda dx=dx, dy=dy: page.mouse.click(cx + dx, cy + dy)) for dx, dy in grid]  # a node somewhere
    else:

        def box_drag():
            page.keyboard.down("Shift")
            page.mouse.move(cx - r, cy - r)
            page.mouse.down()
            page.mouse.move(cx + r, cy + r, steps=10)
            page.mouse.up()
            page.keyboard.up("Shift")

        attempts = [box_drag]
    for gesture in attempts:
        gesture()
        released = float(page.evaluate("() => window.__plProbe.ups[window.__plProbe.ups.length - 1]"))
        try:
            page.wait_for_function(
                "(b) => document.querySelector('.pl-check').textContent !== b", arg=before, timeout=3_000, polling=20
            )
        except Exception:
            continue
        answered = float(page.evaluate("() => performance.now()"))
        print(f"    selection answer: {page.locator('.pl-check').inner_text()}")
        return (answered - released) / 1000
    return None


def measure(lab, folder: Path, name: str, code: str, n: int) -> dict:
    from lab import write_notebook

    path = folder / f"{name}.ipynb"
    write_notebook(path, [DATA.format(n=n), code])
    page = lab.open(path.name)
    lab.run_all(page, timeout_ms=600_000)  # the data cell, then the widget cell
    errors = lab.cell_errors(page)
    result: dict = {"name": name, "errors": errors}
    if errors:
        page.close()
        return result
    built = page.locator(".jp-OutputArea-output pre").last.inner_text().strip()
    result["kernel"] = built
    # The outputs: the check widget, the print, the widget. Its output is the last one before its first draw.
    try:
        drawn, how = first_draw(page, 0, n, timeout_ms=120_000)
    except Exception:
        result["errors"] = [
            f"no WebGL draw within 120 s ({len(page.evaluate('() => window.__plProbe.draws'))} draw calls); "
            f"page errors {lab.events['page_errors'][:3]}; console errors {lab.events['console_errors'][:3]}; "
            f"external requests {lab.external_requests[:3]}"
        ]
        page.screenshot(path=str(lab.screenshots / f"widgets-{name}-not-drawn.png"))
        page.close()
        return result
    arrived = float(page.evaluate(f"() => Math.max(...window.__plProbe.outputs.filter((t) => t < {drawn}))"))
    result["first_draw"] = (drawn - arrived) / 1000
    result["first_how"] = how
    page.wait_for_timeout(1500)  # settle (labels, tiles) before the gestures; not part of any figure
    canvas = largest_canvas(page)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def pan():
        page.mouse.move(cx - 150, cy)
        page.mouse.down()
        page.mouse.move(cx + 150, cy + 60, steps=40)
        page.mouse.up()

    def zoom():
        page.mouse.move(cx, cy)
        for k in range(20):
            page.mouse.wheel(0, -120 if k < 10 else 120)
            page.wait_for_timeout(16)

    result["pan"] = frames(page, pan, n)
    result["zoom"] = frames(page, zoom, n)
    result["heap"] = heap(page)
    result["selection"] = selection(page, name, canvas)
    result["external"] = list(lab.external_requests)
    result["page_errors"] = list(lab.events["page_errors"])
    page.close()
    return result


def main() -> None:
    from lab import GL_PROBE, JupyterLab

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=75_000)
    parser.add_argument("--only", default=",".join(CANDIDATES), help="comma-separated candidate names")
    args = parser.parse_args()
    print(f"load average at start: {tuple(round(v, 2) for v in os.getloadavg())}")
    print(f"{args.n:,} points, twelve clusters; one page per candidate")
    rows = []
    for name in args.only.split(","):
        module, code = CANDIDATES[name]
        if importlib.util.find_spec(module) is None:
            print(f"  {name}: not installed (pip install {name}), skipped")
            continue
        with tempfile.TemporaryDirectory() as folder, JupyterLab(Path(folder), init_scripts=[GL_PROBE]) as lab:
            result = measure(lab, Path(folder), name, code, args.n)
        print(f"  {name}: {result}")
        rows.append(result)
    print()
    print(
        f"{'candidate':<16} {'kernel':>10} {'first draw':>11} {'pan median/p95':>16} {'zoom median/p95':>16} "
        f"{'JS heap':>8} {'selection':>10} {'offline':>8}"
    )
    for r in rows:
        if r.get("errors"):
            print(f"{r['name']:<16} failed: {r['errors'][0][:400]}")
            continue
        pan, zoom = r["pan"], r["zoom"]
        sel = "n/a" if r["selection"] is None else f"{r['selection'] * 1000:.0f} ms"
        offline = "yes" if not r["external"] else f"NO ({len(r['external'])})"
        print(
            f"{r['name']:<16} {r['kernel'].split()[-2] + ' s':>10} {r['first_draw']:>9.2f} s "
            f"{pan[0]:>7.0f}/{pan[1]:<4.0f} ms {zoom[0]:>7.0f}/{zoom[1]:<4.0f} ms "
            f"{r['heap']:>6.0f} MB {sel:>10} {offline:>8}"
        )
    print(f"load average at end: {tuple(round(v, 2) for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
