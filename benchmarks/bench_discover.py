"""Screening simulation on the SYNERGY review sets: paperlens's recommendations against ASReview's default model.

As ``asreview simulate`` does: a reviewer starts from 1 included + 1 excluded paper (the priors; several
seeded draws per set), then screens the top recommendation each round and labels it with the reviewers'
real decision (``labels.csv``), until every record is screened. Reported per set, as the mean over the
prior draws (priors not counted, as ASReview's insights do): recall of the included papers after screening
5 %, 10 % and 25 % of the records, and WSS@95 (the share of records one need not screen to find 95 % of the
included ones, minus 5 %).

Compared side by side in one run, on the same records, labels and priors:

- ``asreview``: ASReview's default model (ELAS u4: TF-IDF 1-2 grams, linear SVM, balanced sampling,
  maximum querier), run in ASReview's own virtual environment (``--asreview-python``, default
  ``/work/asreview-venv/bin/python``; install there with ``pip install asreview``);
- ``paperlens text``: ``recommend_table(..., citations=False)``;
- ``paperlens text+cit``: ``recommend_table(...)`` (text and citation proximity).

Run by hand (not in the test suite)::

    .venv/bin/python benchmarks/bench_discover.py [--priors 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import paperlens as pl
from paperlens.graphs.recommend import recommend_table
from paperlens.ids import normalize_openalex_id

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "tests" / "fixtures" / "openalex_citation_sets"
NAMES = ("Donners_2021", "Nelson_2002", "Sep_2021")
SHARES = (0.05, 0.10, 0.25)


def load(name: str) -> tuple[pl.Corpus, np.ndarray]:
    folder = SETS / name
    corpus = pl.read_openalex(folder / "works_1.zip", warn=False)
    with open(folder / "labels.csv", encoding="utf-8") as handle:
        labels = {normalize_openalex_id(r["openalex_id"]): r["label_included"] == "1" for r in csv.DictReader(handle)}
    truth = np.array([labels[p.openalex_id] for p in corpus], dtype=bool)
    return corpus, truth


def draw_priors(truth: np.ndarray, count: int, seed: int) -> list[tuple[int, int]]:
    rng = np.random.default_rng(seed)
    included, excluded = np.flatnonzero(truth), np.flatnonzero(~truth)
    return [(int(rng.choice(included)), int(rng.choice(excluded))) for _ in range(count)]


def paperlens_order(corpus: pl.Corpus, truth: np.ndarray, prior: tuple[int, int], citations: bool) -> list[int]:
    ids = corpus.ids
    relevant, irrelevant = [ids[prior[0]]], [ids[prior[1]]]
    order = list(prior)
    while len(order) < len(corpus):
        top = recommend_table(corpus, relevant, irrelevant, n=1, citations=citations)
        row = int(top["position"].iloc[0])
        order.append(row)
        (relevant if truth[row] else irrelevant).append(ids[row])
    return order


def asreview_orders(python: str, corpus: pl.Corpus, truth: np.ndarray, priors: list, seed: int) -> list[list[int]]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        with open(data, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["title", "abstract", "label_included"])
            for paper, label in zip(corpus, truth, strict=True):
                writer.writerow([paper.title, paper.abstract or "", int(label)])
        (Path(tmp) / "priors.json").write_text(json.dumps(priors))
        script = Path(__file__).with_name("_asreview_simulate.py")
        done = subprocess.run(
            [python, str(script), str(data), str(Path(tmp) / "priors.json"), str(seed)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        )
        return json.loads(done.stdout.strip().splitlines()[-1])


def metrics(order: list[int], truth: np.ndarray, n_priors: int = 2) -> dict[str, float]:
    screened = np.asarray(order[n_priors:])
    if sorted(order) != list(range(len(truth))):
        raise SystemExit("a simulation did not screen every record exactly once")
    hits = truth[screened]
    total, n = int(hits.sum()), len(screened)
    found = np.cumsum(hits)
    out = {}
    for share in SHARES:
        k = math.ceil(share * n)
        out[f"recall@{int(share * 100)}%"] = float(found[k - 1] / total)
    needed = math.ceil(0.95 * total)
    n95 = int(np.searchsorted(found, needed) + 1)
    out["WSS@95"] = float((n - n95) / n - 0.05)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--priors", type=int, default=5, help="prior draws per set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--asreview-python", default="/work/asreview-venv/bin/python")
    parser.add_argument("--no-asreview", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    columns = [f"recall@{int(s * 100)}%" for s in SHARES] + ["WSS@95"]
    rows = []
    for name in NAMES:
        corpus, truth = load(name)
        priors = draw_priors(truth, args.priors, args.seed)
        print(f"\n{name}: {len(corpus)} records, {int(truth.sum())} included; priors {priors}", flush=True)
        runs: dict[str, list[list[int]]] = {}
        if not args.no_asreview:
            start = time.perf_counter()
            runs["asreview (elas_u4)"] = asreview_orders(args.asreview_python, corpus, truth, priors, args.seed)
            print(f"  asreview: {time.perf_counter() - start:.1f} s", flush=True)
        for label, citations in (("paperlens text", False), ("paperlens text+cit", True)):
            start = time.perf_counter()
            runs[label] = [paperlens_order(corpus, truth, prior, citations) for prior in priors]
            print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
        for label, orders in runs.items():
            values = [metrics(o, truth) for o in orders]
            mean = {c: float(np.mean([v[c] for v in values])) for c in columns}
            low = {c: float(np.min([v[c] for v in values])) for c in columns}
            rows.append((name, label, mean, low))
    print(f"\nmean over {args.priors} prior draws (min in brackets); load average at end: {os.getloadavg()}")
    print(f"{'set':<14}{'model':<22}" + "".join(f"{c:>18}" for c in columns))
    for name, label, mean, low in rows:
        print(f"{name:<14}{label:<22}" + "".join(f"{mean[c]:>10.3f} ({low[c]:.2f})" for c in columns))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
