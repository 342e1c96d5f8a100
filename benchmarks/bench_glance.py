"""Benchmark: the field at a glance at 75k papers (issue 13 point 7): tables, Vega-Lite spec, static picture.

On ``../shared/bench/arxiv_abstracts_75k.jsonl.xz`` (the explorer benchmark's loader: 74,728 arXiv
papers, year from the id), for the whole corpus, half of it and a search:

* ``tables``: the four :mod:`paperlens.graphs.trends` tables (papers per year by category, top
  authors, venues, categories), as the explorer's glance pane computes them on a filter change;
* ``spec``: the altair charts turned into the Vega-Lite 5 dict (what the browser receives), and its
  JSON size;
* ``png``: the matplotlib static picture, and its size;
* ``pane``: a whole redraw of the explorer's glance pane (tables + spec, no PNG);
* baseline: ``root.subset(positions)``, the corpus the explorer builds for the same filter, so the
  ratio says how much more the glance pane costs than that.

With ``--vl-convert`` (and ``vl-convert-python`` importable) the spec is also rendered to PNG by
vl-convert, for the comparison in the notes. Medians of ``--repeats`` runs; the load average is printed.

Run from the repository root, when the machine is quiet::

    .venv/bin/python benchmarks/bench_glance.py
    .venv/bin/python benchmarks/bench_glance.py --limit 20000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_explorer import load  # noqa: E402  (the same papers as the explorer benchmark)


def median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N papers (default: all 74,728)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--vl-convert", action="store_true", help="also time vl-convert's PNG of the spec")
    parser.add_argument("--dump-spec", type=Path, default=None, help="write the whole corpus's spec (JSON) there")
    args = parser.parse_args()

    from paperlens.display.explorer_glance import GlancePane
    from paperlens.display.explorer_state import ExplorerState
    from paperlens.display.glance import Glance
    from paperlens.graphs import trends

    print(f"load average before: {os.getloadavg()}")
    started = time.perf_counter()
    corpus = load(args.limit)
    print(f"loaded {len(corpus):,} papers in {time.perf_counter() - started:.1f} s")
    state = ExplorerState(corpus, communities=False)
    cold = median_ms(lambda: [f(corpus, 10) for f in (trends.top_authors, trends.top_venues, trends.top_categories)], 1)
    print(f"first tables of the root (builds the per-root code arrays, once): {cold:.0f} ms")
    Glance(corpus.head(50)).spec()  # import altair once, outside the timings
    cases = {"all": "", "search 'diffusion model'": "diffusion model", "search 'graph'": "graph"}
    pane = GlancePane()
    print(
        f"{'papers':>8}  {'case':<28} {'subset':>8} {'tables':>8} {'spec':>8} {'png':>8} {'pane':>8} "
        f"{'spec KB':>8} {'png KB':>7}  pane/subset"
    )
    for name, query in cases.items():
        state.query = query
        refresh = median_ms(lambda p=state.positions: corpus.root.subset(p), args.repeats)
        subset = corpus.root.subset(state.positions)

        def tables(s=subset):
            trends.papers_per_year(s, by="category", n=10)
            trends.top_authors(s, 10)
            trends.top_venues(s, 10)
            trends.top_categories(s, 10)

        view = Glance(subset, by="category", static=False)
        t_tables = median_ms(tables, args.repeats)
        t_spec = median_ms(lambda v=view: (setattr(v, "_charts", None), v.spec()), args.repeats)
        t_png = median_ms(view.to_png, max(1, args.repeats // 2))
        t_pane = median_ms(lambda s=subset: pane.draw(s), args.repeats)
        spec_kb = len(json.dumps(view.spec())) / 1024
        png_kb = len(view.to_png()) / 1024
        print(
            f"{len(subset):>8,}  {name:<28} {refresh:>7.1f}  {t_tables:>7.1f}  {t_spec:>7.1f}  {t_png:>7.1f}  "
            f"{t_pane:>7.1f}  {spec_kb:>7.1f}  {png_kb:>6.1f}   {t_pane / refresh:>6.1f}x"
        )
        if args.dump_spec is not None and not query:
            args.dump_spec.write_text(json.dumps(view.spec()), encoding="utf-8")
        if args.vl_convert:
            try:
                import vl_convert as vlc
            except ImportError:
                print("  vl-convert-python is not installed: skipped")
            else:
                spec = view.spec()
                t_vlc = median_ms(lambda sp=spec: vlc.vegalite_to_png(sp, scale=1), max(1, args.repeats // 2))
                print(f"  vl-convert PNG: {t_vlc:.1f} ms, {len(vlc.vegalite_to_png(spec, scale=1)) / 1024:.1f} KB")
    print("times in ms (median of runs); subset = root.subset(positions), the baseline")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
