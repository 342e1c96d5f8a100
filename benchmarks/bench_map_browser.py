"""Benchmark: the field map in headless Chromium (JupyterLab) at 75,000 points (issue 13's browser targets).

Draws ``corpus.map(positions=...)`` of N synthetic papers in twelve clusters (the drawing is measured, not
the layout) and reports, from the harness of ``tests/browser``:

* ``first draw``: seconds from the map's output element appearing in the page to a canvas with ink
  (polled by element screenshots every ~0.1 s, so the figure is an upper bound);
* ``dim``: seconds from clicking a button whose callback runs ``view.highlight(one year)`` to a canvas
  with less than 85 % of the strong pixels (same polling), and the kernel-side cost of ``highlight``.

Run from the repository root (needs /usr/bin/chromium)::

    .venv/bin/python benchmarks/bench_map_browser.py            # 75,000 points
    .venv/bin/python benchmarks/bench_map_browser.py --n 20000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))


def main() -> None:
    from lab import JupyterLab, write_notebook
    from test_map_browser import CANVAS, SETUP, strong_pixels

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=75_000)
    args = parser.parse_args()
    print(f"load average: {os.getloadavg()}")
    setup = SETUP.replace("n = 20000", f"n = {args.n}")
    setup = setup.replace(
        "dim.on_click(lambda _: view.highlight(corpus.filter(year=2003)))",
        "recent = corpus.filter(year=2003)\n"
        "def on_dim(_):\n    t = time.perf_counter(); view.highlight(recent)\n"
        "    check.value = f'highlight {time.perf_counter() - t:.3f} s'\n"
        "dim.on_click(on_dim)",
    )
    with tempfile.TemporaryDirectory() as folder, JupyterLab(Path(folder)) as lab:
        write_notebook(Path(folder) / "map.ipynb", [setup])
        page = lab.open("map.ipynb")
        lab.run_all(page, timeout_ms=600_000)
        canvas = page.locator(CANVAS).first
        canvas.wait_for(state="attached", timeout=120_000)
        t0 = time.monotonic()
        ink = 0
        while time.monotonic() - t0 < 60:
            ink = strong_pixels(canvas.screenshot())
            if ink > 2000:
                break
        first = time.monotonic() - t0
        print(f"{args.n:,} points: first draw <= {first:.2f} s after the output arrived ({ink} strong pixels)")
        page.wait_for_timeout(1000)
        ink = strong_pixels(canvas.screenshot())
        t0 = time.monotonic()
        page.locator(".pl-map-dim button, button.pl-map-dim").first.click()
        dimmed = ink
        while time.monotonic() - t0 < 60:
            dimmed = strong_pixels(canvas.screenshot())
            if dimmed < ink * 0.85:  # 75,000 overlapping dim points keep many pixels dark: any clear drop
                break
        print(
            f"filter -> dimmed map <= {time.monotonic() - t0:.2f} s ({ink} -> {dimmed} strong pixels); kernel: "
            f"{page.locator('.pl-map-check').inner_text()}"
        )
        print(f"external requests: {lab.external_requests}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
