"""Benchmark: the concept graph and its nearest-neighbour search at 10k, 25k and 75k papers.

For each size, on the first N papers of ``../shared/bench/arxiv_abstracts_75k.jsonl.xz``:

* ``fit``: build the corpus's :class:`paperlens.ConceptModel` (TF-IDF of titles and abstracts);
* ``graph``: ``corpus.concept_graph(k=10)`` end to end (neighbours with ``method="auto"``, shared
  concepts of every edge, the networkx graph), then on random subsets of 150 and 3,000 papers (the
  explorer's case: the root's model is reused, neighbours are searched inside the subset);
* ``knn``: the neighbour search alone, for each method, on the model's TF-IDF matrix (the approximate
  one in this process only, then with the worker processes ``kneighbors`` starts by default);
* ``naive``: what a user would otherwise write, end to end: scikit-learn
  ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")`` on title + abstract, then
  ``NearestNeighbors(metric="cosine", algorithm="brute")`` (extrapolated like the baseline above the max); the
  speed-up row compares it with paperlens's fit + ``concept_graph``, whose time is also split into the
  neighbour search, the shared concepts and the rest (networkx graph);
* ``baseline``: scikit-learn ``NearestNeighbors(metric="cosine", algorithm="brute")`` on THE SAME
  matrix. Above ``--full-baseline-max`` papers it runs on ``--baseline-sample`` random query rows and
  its time is extrapolated to all rows (marked ``*``); recall is then measured on those rows.

* ``fit, by hand`` vs ``fit, scikit-learn``: the model's own TF-IDF fit (``_count`` + ``_weigh``) against
  ``TfidfVectorizer(analyzer=model._analyzer, sublinear_tf=True)`` on the same papers (the same phrases),
  time and peak memory (issue 12, point 5);
* ``jit``: the first call of the compiled neighbour kernels in a fresh process, with numba's cache empty
  (compilation, what a user waits for once per installation) and with it filled (loading the cached code).

Each timed step is the median of ``--repeats`` runs (3), each run in a fresh process; the load average
(``os.getloadavg()``, 1 minute) is printed on every row. ``--busy`` runs a CPU-bound process beside the
whole benchmark (the busy-machine case of issue 15, point 3). ``knn exact, 1 thread`` runs with
``NUMBA_NUM_THREADS=1``; the other rows with numba's default threads (one per core).

Every step runs in its own process, so "peak MB" is that process's peak resident memory
(``resource.getrusage``), matrix and interpreter included; while the search runs worker processes, the
largest sum of their resident memory and this process's (sampled every 20 ms) if that is higher.
recall@10 counts the true neighbours (similarity > 0) that were returned; "ties" also accepts a returned
neighbour whose exact similarity equals the true 10th one (float32 rounding can order equal similarities
either way).

Run from the repository root (the machine has 2 shared cores: run it once, when it is quiet)::

    .venv/bin/python benchmarks/bench_concept_graph.py                     # 10k, 25k, 75k
    .venv/bin/python benchmarks/bench_concept_graph.py --sizes 10000 --methods exact
    .venv/bin/python benchmarks/bench_concept_graph.py --busy                # beside a CPU-bound process
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "bench" / "arxiv_abstracts_75k.jsonl.xz"
K = 10


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants now (Linux ``/proc``).

    A child caught between fork and exec still shares its parent's pages and would count them twice: a
    descendant is counted only once it runs a program of its own (another command line).
    """

    def read(path: str) -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    total_kb, todo = 0, [pid]
    command = read(f"/proc/{pid}/cmdline")
    while todo:
        current = todo.pop()
        try:
            if current == pid or read(f"/proc/{current}/cmdline") != command:
                status = read(f"/proc/{current}/status").decode()
                total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(child) for child in read(f"/proc/{current}/task/{task}/children").split()]
        except OSError:  # it ended meanwhile
            continue
    return total_kb / 1024


class TreePeak(threading.Thread):
    """The largest resident memory of this process and its worker processes together, sampled every 20 ms.

    ``getrusage`` cannot tell it: a child's ``ru_maxrss`` starts from its parent's at ``fork``.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()))
            self.done.wait(0.02)

    def __enter__(self) -> TreePeak:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.join()


def load_corpus(n: int):
    import paperlens as pl

    papers = []
    with lzma.open(DATA, "rt", encoding="utf-8") as handle:
        for line in handle:
            if len(papers) >= n:
                break
            row = json.loads(line)
            papers.append(
                pl.Paper.create(
                    title=row["title"],
                    abstract=row.get("abstract"),
                    authors=tuple(row.get("authors") or ()),
                    categories=tuple(row.get("categories") or ()),
                    arxiv_id=row["id"],
                )
            )
    return pl.Corpus(papers)


# --------------------------------------------------------------------------- workers (one process each)


def work_graph(n: int, folder: Path) -> dict:
    """Fit the model and build the graph; save the matrix for the other steps."""
    from scipy import sparse

    from paperlens.graphs.concepts import fitted_model

    started = time.perf_counter()
    corpus = load_corpus(n)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    model = fitted_model(corpus)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    with TreePeak() as tree:
        graph = corpus.concept_graph(k=K)
    graph_s = time.perf_counter() - started
    parts = time_parts(corpus, model, graph)
    subsets = {}
    for size in (150, 3000):  # the explorer's case: a filtered subset, the root's model already fitted
        subset = corpus.sample(min(size, len(corpus)), seed=1)
        started = time.perf_counter()
        subset.concept_graph(k=K)
        subsets[str(len(subset))] = time.perf_counter() - started
    sparse.save_npz(folder / "matrix.npz", model.matrix_, compressed=False)
    return {
        "subsets": subsets,
        "papers": len(corpus),
        "load_s": load_s,
        "fit_s": fit_s,
        "graph_s": graph_s,
        "total_s": fit_s + graph_s,
        "parts": parts,
        "terms": len(model.terms_),
        "nnz_per_paper": model.matrix_.nnz / max(len(corpus), 1),
        "edges": graph.number_of_edges(),
        "peak_mb": max(peak_mb(), tree.peak_mb),  # with the neighbour search's worker processes
    }


def time_parts(corpus, model, graph) -> dict:
    """Where ``concept_graph`` spends its time, each part timed again on its own: the neighbour search,
    the shared concepts of every edge, and the rest (pairs, nodes and edges of the networkx graph)."""
    from paperlens.graphs.concepts import _shared_concepts

    model._knn.clear()  # the search again, as concept_graph ran it
    started = time.perf_counter()
    model.kneighbors(K)
    search_s = time.perf_counter() - started
    position = {pid: i for i, pid in enumerate(model.ids_)}
    a = np.array([position[u] for u, v in graph.edges()], dtype=np.int64)
    b = np.array([position[v] for u, v in graph.edges()], dtype=np.int64)
    started = time.perf_counter()
    _shared_concepts(model, a, b, 3)
    shared_s = time.perf_counter() - started
    started = time.perf_counter()
    corpus.concept_graph(k=K)  # neighbours cached now: shared concepts + networkx
    rest_s = time.perf_counter() - started - shared_s
    return {"search": search_s, "shared concepts": shared_s, "networkx and the rest": max(rest_s, 0.0)}


def work_naive(n: int, sample: int) -> dict:
    """What a user would write: scikit-learn TF-IDF of title + abstract, then brute-force cosine neighbours
    (above ``sample`` rows the search runs on ``sample`` random rows and is extrapolated)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    corpus = load_corpus(n)
    texts = [f"{t or ''} {a or ''}" for t, a in zip(corpus.column("title"), corpus.column("abstract"), strict=True)]
    started = time.perf_counter()
    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit_transform(texts)
    fit_s = time.perf_counter() - started
    rows = X.shape[0]
    queries = np.arange(rows) if sample >= rows else np.random.default_rng(0).choice(rows, sample, replace=False)
    started = time.perf_counter()
    NearestNeighbors(n_neighbors=K + 1, metric="cosine", algorithm="brute").fit(X).kneighbors(X[queries])
    search_s = (time.perf_counter() - started) * rows / len(queries)
    return {
        "fit_s": fit_s,
        "search_s": search_s,
        "total_s": fit_s + search_s,
        "queries": len(queries),
        "peak_mb": peak_mb(),
    }


def load_matrix(folder: Path):
    from scipy import sparse

    return sparse.load_npz(folder / "matrix.npz").tocsr()


def work_knn(spec: str, folder: Path) -> dict:
    """``spec`` is a method, or ``approximate:J`` for the approximate method in J processes."""
    import scipy.linalg.blas  # noqa: F401  imported before timing, as the baseline's scikit-learn is
    import sklearn.utils.sparsefuncs  # noqa: F401

    from paperlens.graphs.knn import default_jobs, kneighbors

    method, _, jobs = spec.partition(":")
    X = load_matrix(folder)
    kneighbors(X[:300], K, method="exact")  # the compiled kernels loaded from numba's cache (see the jit rows)
    from paperlens.graphs.knn import AUTO_EXACT_MAX_ROWS

    chose = method if method != "auto" else ("exact" if X.shape[0] <= AUTO_EXACT_MAX_ROWS else "approximate")
    n_jobs = int(jobs) if jobs else (default_jobs(X.shape[0]) if chose == "approximate" else 1)
    with TreePeak() as tree:
        started = time.perf_counter()
        indices, sims = kneighbors(X, K, method=method, n_jobs=n_jobs)
        seconds = time.perf_counter() - started
    np.save(folder / f"knn_{spec}_indices.npy", indices)
    np.save(folder / f"knn_{spec}_sims.npy", sims)
    return {"seconds": seconds, "peak_mb": max(peak_mb(), tree.peak_mb), "jobs": n_jobs, "chose": chose}


def work_baseline(sample: int, folder: Path) -> dict:
    from sklearn.neighbors import NearestNeighbors

    X = load_matrix(folder)
    n = X.shape[0]
    queries = np.arange(n) if sample >= n else np.sort(np.random.default_rng(0).choice(n, sample, replace=False))
    started = time.perf_counter()
    search = NearestNeighbors(n_neighbors=K + 1, metric="cosine", algorithm="brute").fit(X)
    distances, indices = search.kneighbors(X[queries])
    seconds = time.perf_counter() - started
    np.save(folder / "baseline_queries.npy", queries)
    np.save(folder / "baseline_indices.npy", indices)
    np.save(folder / "baseline_sims.npy", 1.0 - distances)
    return {"seconds": seconds, "queries": len(queries), "peak_mb": peak_mb()}


# --------------------------------------------------------------------------- the TF-IDF fit by hand


def hand_fit(analyzer, docs) -> object:
    """``ConceptModel.fit``'s counting and weighing (``_count``, ``_weigh``; default parameters: no df limits)."""
    from paperlens.graphs.concepts import _count, _weigh

    counts, stems = _count(analyzer, docs)
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    by_column = np.empty(len(stems), dtype=object)
    by_column[list(stems.values())] = list(stems.keys())
    kept = np.argsort(by_column.astype(str), kind="stable")  # alphabetical, like scikit-learn
    counts = counts[:, kept].tocsr()
    idf = (np.log((1 + n_docs) / (1 + df[kept])) + 1).astype(np.float32)
    return _weigh(counts, idf, True)


def work_fit(n: int, variant: str) -> dict:
    """The TF-IDF fit alone, with the model's analyzer: ``hand`` (:func:`hand_fit`, what ``ConceptModel.fit``
    runs) or ``sklearn`` (``TfidfVectorizer(analyzer=...)``); peak memory above the loaded corpus too."""
    import paperlens.graphs.concepts as concepts

    corpus = load_corpus(n)
    table = corpus.df
    before = peak_mb()
    started = time.perf_counter()
    docs = list(zip(table["title"].tolist(), table["abstract"].tolist(), strict=True))
    analyzer = concepts._Analyzer(concepts._stop_words("english"), (1, 2), 2)
    if variant == "hand":
        matrix = hand_fit(analyzer, docs)
    else:
        from sklearn.feature_extraction.text import TfidfVectorizer

        matrix = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float32).fit_transform(docs)
    seconds = time.perf_counter() - started
    shape = matrix.shape
    return {"seconds": seconds, "peak_mb": peak_mb(), "above_corpus_mb": peak_mb() - before, "shape": shape}


def work_jit(cache: str) -> dict:
    """Time of the first ``kneighbors`` calls in this fresh process (numba's cache dir is set by the caller)."""
    from scipy import sparse

    started = time.perf_counter()
    from paperlens.graphs import knn

    X = sparse.random(300, 200, density=0.05, random_state=0, format="csr", dtype=np.float32)
    knn.kneighbors(X, 5, method="exact")
    knn._product_into(X, X.T.tocsr(), np.empty((300, 300), dtype=np.float32))
    from paperlens.graphs._knn_kernels import pair_top_products

    pair_top_products(*knn._csr_arrays(X), np.arange(10), np.arange(10, 20), 12)  # the shared concepts' kernel
    return {"seconds": time.perf_counter() - started, "cache": cache}


class Busy:
    """A CPU-bound process beside the benchmark (``--busy``)."""

    def __enter__(self) -> Busy:
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


def run_worker(args: list[str], env: dict[str, str] | None = None) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- recall


def recall(folder: Path, method: str) -> tuple[float, float]:
    """(recall@10, recall@10 accepting ties) of a method against the baseline's query rows."""
    queries = np.load(folder / "baseline_queries.npy")
    true_i = np.load(folder / "baseline_indices.npy")
    true_s = np.load(folder / "baseline_sims.npy")
    got_i = np.load(folder / f"knn_{method}_indices.npy")[queries]
    got_s = np.load(folder / f"knn_{method}_sims.npy")[queries]
    hits = tie_hits = total = 0
    for r, q in enumerate(queries):
        keep = (true_i[r] != q) & (true_s[r] > 1e-6)
        truth, truth_s = true_i[r][keep][:K], true_s[r][keep][:K]
        if len(truth) == 0:
            continue
        total += len(truth)
        found = set(got_i[r][got_i[r] >= 0].tolist())
        hit = len(found & set(truth.tolist()))
        hits += hit
        kth = truth_s[-1] if len(truth) == K else 0.0
        close = int(((got_s[r] >= kth - 1e-5) & (got_i[r] >= 0)).sum())
        tie_hits += min(len(truth), max(hit, close))
    return hits / max(total, 1), tie_hits / max(total, 1)


# --------------------------------------------------------------------------- main


def median_run(repeats: int, args: list[str], env: dict[str, str] | None = None) -> tuple[dict, list[float]]:
    """``repeats`` runs of a worker: the run of median time (its other figures with it) and all the times."""
    runs = [run_worker(args, env) for _ in range(max(1, repeats))]
    key = "seconds" if "seconds" in runs[0] else "total_s"
    runs.sort(key=lambda run: run[key])
    return runs[len(runs) // 2], [run[key] for run in runs]


def load() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,25000,75000", help="comma-separated corpus sizes")
    parser.add_argument(
        "--methods",
        default="exact,exact@1,approximate:1,approximate,auto",
        help="neighbour methods to time; approximate:J runs it in J processes (default: as kneighbors picks); "
        "a trailing @T runs numba with T threads",
    )
    parser.add_argument("--baseline-sample", type=int, default=3000, help="query rows for the baseline above the max")
    parser.add_argument("--full-baseline-max", type=int, default=10000, help="run the full baseline up to this size")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each timed step (the median is printed)")
    parser.add_argument("--busy", action="store_true", help="run a CPU-bound process beside the benchmark")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: graph,naive,fit,knn,jit")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, folder = args.worker[0], Path(args.worker[-1])
        if kind == "graph":
            result = work_graph(int(args.worker[1]), folder)
        elif kind == "knn":
            result = work_knn(args.worker[1], folder)
        elif kind == "naive":
            result = work_naive(int(args.worker[1]), int(args.worker[2]))
        elif kind == "fit":
            result = work_fit(int(args.worker[1]), args.worker[2])
        elif kind == "jit":
            result = work_jit(args.worker[1])
        else:
            result = work_baseline(int(args.worker[1]), folder)
        print(json.dumps(result))
        return

    if not DATA.exists():
        raise SystemExit(f"benchmark data not found: {DATA}")
    if args.busy:
        with Busy():
            run_all(args)
    else:
        run_all(args)


def run_all(args) -> None:
    sizes = [int(s) for s in args.sizes.split(",") if s]
    methods = [m for m in args.methods.split(",") if m]
    skip = set(args.skip.split(","))
    repeats = args.repeats
    print(
        f"# concept graph benchmark, k={K}; load average at start {os.getloadavg()} (2 cores); "
        f"median of {repeats}{'; BESIDE A CPU-BOUND PROCESS (--busy)' if args.busy else ''}"
    )
    print(f"# {sys.executable} {' '.join(sys.argv)}")
    columns = [f"{'papers':>6}", f"{'step':<34}", f"{'time s':>8}", f"{'peak MB':>7}", f"{'recall@10':>9}"]
    header = "| " + " | ".join([*columns, f"{'ties':>6}", f"{'speed-up':>8}", f"{'load':>4}", "runs s"]) + " |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")

    def row(n, step, seconds, mb, rec="", ties="", speed="", runs=()):
        times = " ".join(f"{t:.2f}" for t in runs)
        print(
            f"| {n:>6} | {step:<34} | {seconds:>8} | {mb:>7.0f} | {rec:>9} | {ties:>6} | {speed:>8} | "
            f"{load():>4.1f} | {times} |",
            flush=True,
        )

    if "jit" not in skip:
        with tempfile.TemporaryDirectory(prefix="paperlens-numba-") as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            cold = run_worker(["jit", "cold", cache], env)
            warm, warm_runs = median_run(repeats, ["jit", "warm", cache], env)
            row(0, "jit: first call, empty numba cache", f"{cold['seconds']:.2f}", 0)
            row(0, "jit: first call, cache filled", f"{warm['seconds']:.2f}", 0, runs=warm_runs)
        run_worker(["jit", "default", "-"])  # fill the default cache for the steps below

    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="paperlens-bench-") as tmp:
            folder = Path(tmp)
            info, graph_runs = median_run(1 if "graph" in skip else repeats, ["graph", str(n), str(folder)])
            n = info["papers"]
            ours_s = info["fit_s"] + info["graph_s"]
            row(n, "fit (TF-IDF), in the graph run", f"{info['fit_s']:.1f}", info["peak_mb"])
            row(n, f"concept_graph(k={K}), auto", f"{info['graph_s']:.1f}", info["peak_mb"])
            for part, seconds in info["parts"].items():
                row(n, f"  of which {part}", f"{seconds:.1f}", info["peak_mb"])
            if "naive" not in skip:
                sample = n if n <= args.full_baseline_max else min(args.baseline_sample, n)
                naive, naive_runs = median_run(repeats, ["naive", str(n), str(sample), str(folder)])
                naive_s = naive["total_s"]
                mark = "" if naive["queries"] == n else "*"
                row(n, "naive: sklearn fit", f"{naive['fit_s']:.1f}", naive["peak_mb"])
                row(
                    n,
                    f"naive: + brute kNN{mark}",
                    f"{naive_s:.1f}{mark}",
                    naive["peak_mb"],
                    speed="1.0x",
                    runs=naive_runs,
                )
                row(
                    n,
                    "paperlens fit + concept_graph",
                    f"{ours_s:.1f}",
                    info["peak_mb"],
                    speed=f"{naive_s / ours_s:.1f}x",
                    runs=graph_runs,
                )
            for size, seconds in info["subsets"].items():
                row(n, f"  same on a {int(size):,}-paper subset", f"{seconds:.2f}", info["peak_mb"])
            if "fit" not in skip:
                hand, hand_runs = median_run(repeats, ["fit", str(n), "hand", str(folder)])
                skl, skl_runs = median_run(repeats, ["fit", str(n), "sklearn", str(folder)])
                for label, fit, runs in (("by hand", hand, hand_runs), ("scikit-learn", skl, skl_runs)):
                    row(n, f"fit alone, {label}", f"{fit['seconds']:.1f}", fit["peak_mb"], runs=runs)
                slower = skl["seconds"] / hand["seconds"] - 1
                leaner = 1 - skl["above_corpus_mb"] / max(hand["above_corpus_mb"], 1)
                print(
                    f"#   fit above the loaded corpus: by hand {hand['above_corpus_mb']:.0f} MB, "
                    f"scikit-learn {skl['above_corpus_mb']:.0f} MB; shapes {hand['shape']} {skl['shape']}; "
                    f"scikit-learn {slower:+.0%} time, {-leaner:+.0%} memory above the corpus: "
                    + (
                        "the hand fit is faster, so ConceptModel.fit keeps it"
                        if slower > 0
                        else "scikit-learn is not slower"
                    ),
                    flush=True,
                )
            if "knn" in skip:
                continue
            sample = n if n <= args.full_baseline_max else min(args.baseline_sample, n)
            base, base_runs = median_run(repeats, ["baseline", str(sample), str(folder)])
            base_s = base["seconds"] * n / base["queries"]
            base_runs = [t * n / base["queries"] for t in base_runs]
            mark = "" if base["queries"] == n else "*"
            row(n, f"baseline sklearn brute{mark}", f"{base_s:.1f}{mark}", base["peak_mb"], "1", "1", "1.0x", base_runs)
            for method in methods:
                spec, _, threads = method.partition("@")
                env = dict(os.environ, NUMBA_NUM_THREADS=threads) if threads else None
                result, runs = median_run(repeats, ["knn", spec, str(folder)], env)
                plain, ties = recall(folder, spec)
                jobs = result["jobs"]
                label = spec.partition(":")[0] + (f", {jobs} processes" if jobs > 1 else "")
                label += f", {threads} thread{'s' if threads != '1' else ''}" if threads else ""
                if spec == "auto":
                    label += f" (= {result['chose']})"
                row(
                    n,
                    f"knn {label}",
                    f"{result['seconds']:.2f}",
                    result["peak_mb"],
                    f"{plain:.4f}",
                    f"{ties:.4f}",
                    f"{base_s / result['seconds']:.1f}x",
                    runs,
                )
            print(
                f"#   {n} papers: {info['terms']} phrases, {info['nnz_per_paper']:.0f} per paper, "
                f"{info['edges']} edges; corpus built in {info['load_s']:.1f}s",
                flush=True,
            )
    print(f"# load average at end {os.getloadavg()}")
    if any(n > args.full_baseline_max for n in sizes):
        print(
            f"# * baseline run on {args.baseline_sample} random query rows, time extrapolated to all rows; "
            "recall measured on those rows"
        )


if __name__ == "__main__":
    main()
