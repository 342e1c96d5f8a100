"""paperlens against litstudy on the same tasks (run by hand; litstudy lives in its own venv).

Set-up (litstudy 1.0.6 does not import with bibtexparser 2, which pip picks today)::

    python3 -m venv /tmp/litvenv && /tmp/litvenv/bin/pip install litstudy "bibtexparser<2"
    .venv/bin/python benchmarks/compare_litstudy.py --litstudy-python /tmp/litvenv/bin/python

Task 1, loading: every BibTeX and RIS file of ../shared/fixtures: records in the file (counted by entry
starts, independently of both tools), what litstudy loads, what paperlens accounts for.
Task 2, bibliographic coupling on a real OpenAlex citation set: every edge weight against the truth
(plain set intersection of referenced_works).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import time
import warnings
import zipfile
from pathlib import Path

import paperlens as pl
from paperlens.graphs.structure import coupling_graph

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def records_in(path: Path) -> int:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ris":
        return len(re.findall(r"^\ufeff?TY  - ", text, re.M))
    starts = re.findall(r"^\s*@(\w+)\s*[{(]", text, re.M)
    return sum(1 for s in starts if s.lower() not in ("string", "comment", "preamble"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--litstudy-python", required=True)
    parser.add_argument("--set", default="Donners_2021")
    args = parser.parse_args()

    started = time.perf_counter()
    side = subprocess.run(
        [args.litstudy_python, str(Path(__file__).with_name("litstudy_side.py")), str(SHARED), args.set],
        capture_output=True,
        text=True,
        check=True,
    )
    litstudy = json.loads(side.stdout)
    litstudy_seconds = time.perf_counter() - started

    print("Task 1: loading the shared BibTeX and RIS fixtures")
    print(f"{'file':58} {'in file':>7} {'litstudy':>9} {'paperlens (loaded+merged+skipped)':>34}")
    totals = {"records": 0, "lit_ok": 0, "lit_fail_files": 0, "pl_accounted": 0, "lit_short_files": 0}
    for name, lit in litstudy["load"].items():
        path = SHARED / "fixtures" / name
        n = records_in(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = pl.read(path).report
        accounted = report.loaded + report.merged + len(report.skipped)
        totals["records"] += n
        totals["pl_accounted"] += accounted
        if isinstance(lit, int):
            totals["lit_ok"] += lit
            totals["lit_short_files"] += lit < n
        else:
            totals["lit_fail_files"] += 1
        shown = lit if isinstance(lit, int) else "ERROR"
        ours = f"{report.loaded}+{report.merged}+{len(report.skipped)} = {accounted}"
        print(f"{name[:58]:58} {n:7} {shown!s:>9} {ours:>34}")
    print(
        f"total: {totals['records']} records; litstudy loaded {totals['lit_ok']} "
        f"({totals['lit_fail_files']} files raised, {totals['lit_short_files']} files came back short, "
        "nothing reported); paperlens accounted for "
        f"{totals['pl_accounted']} (every skip with file, line and reason)"
    )

    print(f"\nTask 2: bibliographic coupling on {args.set} (weight = shared references)")
    archive = zipfile.ZipFile(SHARED / "fixtures" / "openalex_citation_sets" / args.set / "works_1.zip")
    works = []
    for name in archive.namelist():  # pages: a JSON list of works, or an API page {"results": [...]}
        page = json.loads(archive.read(name))
        works.extend(page["results"] if isinstance(page, dict) else page)
    refs = {w["id"]: set(w.get("referenced_works") or []) for w in works}
    truth = {}
    for a, b in itertools.combinations(sorted(refs), 2):
        shared = len(refs[a] & refs[b])
        if shared:
            truth[f"{a} {b}"] = shared
    started = time.perf_counter()
    corpus = pl.read(SHARED / "fixtures" / "openalex_citation_sets" / args.set / "works_1.zip", warn=False)
    graph = coupling_graph(corpus)
    ours_seconds = time.perf_counter() - started
    by_id = {p.id: "https://openalex.org/" + p.openalex_id for p in corpus}
    ours = {" ".join(sorted((by_id[a], by_id[b]))): d["weight"] for a, b, d in graph.edges(data=True)}

    def score(found: dict[str, int]) -> str:
        right = sum(1 for k, v in found.items() if truth.get(k) == v)
        wrong = sum(1 for k, v in found.items() if k in truth and truth[k] != v)
        spurious = sum(1 for k in found if k not in truth)
        missing = sum(1 for k in truth if k not in found)
        return f"{right} right, {wrong} wrong weight, {spurious} spurious, {missing} missing (of {len(truth)})"

    print(f"litstudy : {score(litstudy['coupling'])}")
    print(f"paperlens: {score(ours)}  ({ours_seconds:.2f} s read + build)")
    print(f"(litstudy side, both tasks: {litstudy_seconds:.1f} s in its own process)")


if __name__ == "__main__":
    main()
