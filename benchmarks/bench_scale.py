"""75k papers end to end, within 3 GB: load, filter, search, a capped graph, the explorer; in process and in a kernel.

    python benchmarks/bench_scale.py [--papers 74728] [--no-notebook] [--limit-gb 3]

Data: ``../shared/bench/arxiv_abstracts_75k.jsonl.xz`` (lzma, JSON lines: id,
title, abstract, authors, categories). It is decompressed and written as a plain
JSONL file into a temporary folder, so the load goes through ``pl.read`` exactly
as a user's file does; a second corpus is built with ``pl.Corpus`` from Paper
objects.

Each step runs in this process and prints its wall time, CPU time, the peak RSS
so far (``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the high-water mark, it never
goes down; Linux carries it over from the parent into a child, so the kernel runs
first), the process's own high-water mark (``VmHWM`` in ``/proc/self/status``) and the
current RSS (``/proc/self/statm``). Then the same step code
runs as the cells of a notebook through nbclient (a real ipykernel), and the
kernel reports its own peak RSS the same way. The run fails (exit 1) when a peak
passes ``--limit-gb``.

Steps (the same code in both places):

1. ``pl.read`` of the JSONL file (74,728 records; the report must account for all);
2. ``pl.Corpus`` of the same papers as Paper objects (dedup, frame);
3. filters: categories, an author substring, has-abstract, chained;
4. search: the first query builds the BM25 index (once per corpus), then three more;
5. graph: ``corpus.graph(kind="citation")`` (the default cap shows the top 2,000 by
   PageRank; this data has no references, so no links) and its inline HTML;
6. explorer: ``corpus.explore()`` (the widget, its filter index, the first table page,
   its first graph of 150 papers) and one search typed into it.
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "arxiv_abstracts_75k.jsonl.xz"

PRELUDE = """\
import json, os, resource, time, warnings
warnings.simplefilter("ignore")
import paperlens as pl
from paperlens.io.mapping import paper_from_mapping
_PAGE = os.sysconf("SC_PAGE_SIZE")

def _rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20

def _hwm_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024

def _report(name, wall, cpu, extra=""):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": name, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(peak),
                      "hwm_mb": round(_hwm_mb()), "rss_mb": round(_rss_mb()), "note": extra}))
"""

# Each step: (name, code). The code sets `note` to a short text about what it did.
STEPS = [
    (
        "read JSONL (pl.read)",
        """\
corpus = pl.read(PATH)
report = corpus.report
assert report.records == report.loaded + report.merged + len(report.skipped)
note = f"{len(corpus):,} papers; report: {report.summary()}"
""",
    ),
    (
        "Corpus from Paper objects",
        """\
with open(PATH, encoding="utf-8") as handle:
    papers = [paper_from_mapping(json.loads(line), source="bench") for line in handle]
second = pl.Corpus(papers)
del papers
assert second.ids == corpus.ids
note = f"{len(second):,} papers, same ids as pl.read"
del second
""",
    ),
    (
        "filters",
        """\
lg = corpus.filter(categories="cs.LG")
wang = corpus.filter(authors="Wang")
both = corpus.filter(categories=["cs.CL", "cs.LG"], authors="Zhang", has_abstract=True)
chained = lg.filter(authors="Li").sort_by("title").head(100)
note = f"cs.LG {len(lg):,}; Wang {len(wang):,}; cs.CL|cs.LG & Zhang {len(both):,}; chained {len(chained)}"
""",
    ),
    (
        "search (first query builds the index)",
        """\
first = corpus.search("graph neural network", top=20)
note = f"{len(first)} hits, best {first[0].title[:40]!r}"
""",
    ),
    (
        "search, three more queries",
        """\
hits = [len(corpus.search(q, top=50)) for q in ("diffusion model", "quantum error correction", "protein folding")]
note = f"hits {hits}"
""",
    ),
    (
        "citation graph, capped, with its HTML",
        """\
view = corpus.graph(kind="citation")
html = view._repr_html_()
note = f"{view!r}; {len(html) / 2**20:.1f} MB of HTML; {view.note}"
del html
""",
    ),
    (
        "explorer widget",
        """\
explorer = corpus.explore()
explorer.query = "language model"
explorer.flush()
note = f"{explorer.count_text}; graph drawn {explorer.graph_pane.draws} time(s); rows {len(explorer.table_ids)}"
""",
    ),
]


def _decompress(limit: int | None, folder: Path) -> tuple[Path, int]:
    path = folder / "arxiv_75k.jsonl"
    count = 0
    with lzma.open(DATA, "rt", encoding="utf-8") as source, path.open("w", encoding="utf-8") as target:
        for line in source:
            if limit is not None and count >= limit:
                break
            target.write(line if line.endswith("\n") else line + "\n")
            count += 1
    return path, count


def _step_runner(name: str, code: str) -> str:
    """The step as code that times itself and prints one JSON line."""
    return (
        "_wall, _cpu = time.perf_counter(), time.process_time()\n"
        "note = ''\n"
        f"{code}"
        f"_report({name!r}, time.perf_counter() - _wall, time.process_time() - _cpu, note)\n"
    )


def _print_row(row: dict) -> None:
    print(
        f"  {row['step']:<40} {row['wall_s']:>8.2f} {row['cpu_s']:>8.2f} {row['peak_rss_mb']:>9,} {row['hwm_mb']:>8,}"
        f" {row['rss_mb']:>8,}"
        f"   {row['note']}",
        flush=True,
    )


def _header(title: str) -> None:
    print(f"\n{title}")
    print(f"  {'step':<40} {'wall s':>8} {'CPU s':>8} {'peak MB':>9} {'VmHWM':>8} {'RSS MB':>8}   what")


def run_in_process(path: Path) -> list[dict]:
    import contextlib
    import io

    _header("in this process")
    rows = []
    namespace: dict = {"PATH": str(path)}
    exec(PRELUDE, namespace)
    for name, code in STEPS:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(_step_runner(name, code), namespace)
        row = json.loads(buffer.getvalue().strip().splitlines()[-1])
        rows.append(row)
        _print_row(row)
    return rows


def run_in_kernel(path: Path, folder: Path) -> list[dict]:
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook

    _header("in a Jupyter kernel (nbclient)")
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    notebook.cells.append(new_code_cell(f"PATH = {str(path)!r}\n" + PRELUDE))
    for name, code in STEPS:
        notebook.cells.append(new_code_cell(_step_runner(name, code)))
    notebook.cells.append(new_code_cell("explorer"))  # the widget displayed, as a person would see it
    started = time.perf_counter()
    NotebookClient(
        notebook, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    rows = []
    for cell in notebook.cells[1 : 1 + len(STEPS)]:
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        row = json.loads(text.strip().splitlines()[-1])
        rows.append(row)
        _print_row(row)
    shown = notebook.cells[-1].outputs[0]["data"] if notebook.cells[-1].outputs else {}
    print(f"  notebook run, kernel start included: {time.perf_counter() - started:.1f} s wall; "
          f"last cell shows {sorted(shown)}")  # fmt: skip
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=None, help="read only the first N records")
    parser.add_argument("--no-notebook", action="store_true", help="skip the run in a kernel")
    parser.add_argument("--limit-gb", type=float, default=3.0)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"missing {DATA}", file=sys.stderr)
        return 2
    limit_mb = args.limit_gb * 1024
    with tempfile.TemporaryDirectory(prefix="paperlens-bench-scale-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path, count = _decompress(args.papers, folder)
        print(f"{count:,} records decompressed to {path.name} ({path.stat().st_size / 2**20:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s; {os.cpu_count()} cores; load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
        # The kernel first: a child inherits its parent's ru_maxrss high-water mark, so it must start small.
        kernel_rows = [] if args.no_notebook else run_in_kernel(path, folder)
        kernel_peak = max((r["peak_rss_mb"] for r in kernel_rows), default=0)
        if kernel_rows:
            print(f"  {'total':<40} {sum(r['wall_s'] for r in kernel_rows):>8.2f} {'':>8} {kernel_peak:>9,}")
        started = time.perf_counter()
        rows = run_in_process(path)
        total = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  {'total':<40} {total:>8.2f} {'':>8} {peak:>9,.0f}")
    worst = max(peak, kernel_peak, *(r["peak_rss_mb"] for r in rows))
    verdict = "within" if worst <= limit_mb else "OVER"
    print(
        f"\npeak RSS: this process {peak:,.0f} MB, kernel {kernel_peak:,} MB: {verdict} the {args.limit_gb:g} GB limit"
    )
    return 0 if worst <= limit_mb else 1


if __name__ == "__main__":
    sys.exit(main())
