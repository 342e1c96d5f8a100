"""The ``paperlens`` command: inspect, graph and convert bibliographies from a terminal.

Examples (from a shell)::

    paperlens info refs.bib more.ris          # counts, years, the load report
    paperlens graph refs.bib --kind concept -o graph.html
    paperlens export refs.bib -o refs.ris     # .bib .ris .csv .jsonl .parquet
    paperlens lab                             # JupyterLab on the example notebooks

Bad input prints one clear message (file, record, problem) and exits with status 1;
usage errors exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .errors import InvalidArgumentError, LoadWarning, MissingDependencyError, PaperlensError

__all__ = ["main"]

EXPORTS = {".bib": "to_bibtex", ".ris": "to_ris", ".csv": "to_csv", ".jsonl": "to_jsonl", ".parquet": "save"}

# Control characters (ESC sequences can retitle, clear or recolour a terminal) and bidi overrides.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _say(text: str, file: TextIO | None = None) -> None:
    """Print text that holds data (titles, categories, file names) with control characters shown as escapes.

    >>> _say("title\x1b[2J")
    title\\x1b[2J
    """
    print(_UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1], text), file=file or sys.stdout)


def _load(paths: Sequence[str], use_sample: bool = False):
    import paperlens as pl

    if use_sample:
        return pl.load_sample()
    if not paths:
        raise InvalidArgumentError("give at least one file (or --sample for the bundled sample corpus)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LoadWarning)  # the report is printed instead
        return pl.read(list(paths))


def _info(args: argparse.Namespace) -> int:
    corpus = _load(args.files, args.sample)
    out = [repr(corpus)]
    df = corpus.df
    years = df["year"].dropna()
    if len(years):
        out.append(f"years: {int(years.min())}–{int(years.max())} ({int(df['year'].isna().sum())} without a year)")
    out.append(f"with abstract: {int(df['abstract'].notna().sum())} of {len(df)}")
    out.append(f"with references: {int(df['references'].map(len).gt(0).sum())} of {len(df)}")
    ids = {name: int(df[name].notna().sum()) for name in ("doi", "arxiv_id", "openalex_id", "s2_id")}
    out.append("identifiers: " + ", ".join(f"{k} {v}" for k, v in ids.items()))
    for name in ("categories", "keywords"):
        counts = Counter(c for values in df[name] for c in values)
        if counts:
            out.append(f"top {name}: " + ", ".join(f"{c} ({n})" for c, n in counts.most_common(5)))
    out.append("")
    out.append(str(corpus.report))
    _say("\n".join(out))
    return 0


def _graph(args: argparse.Namespace) -> int:
    corpus = _load(args.files, args.sample)
    options = {"layout": args.layout}
    if args.max_nodes:
        options["max_nodes"] = args.max_nodes
    view = corpus.graph(kind=args.kind, **options)
    path = view.save(args.output)
    graph = view.networkx
    _say(f"wrote {path}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges ({args.kind})")
    return 0


def _export(args: argparse.Namespace) -> int:
    corpus = _load(args.files, args.sample)
    suffix = Path(args.output).suffix.lower()
    if suffix not in EXPORTS:
        raise InvalidArgumentError(
            f"cannot export to {suffix or 'a file without extension'}: use one of {', '.join(EXPORTS)}"
        )
    getattr(corpus, EXPORTS[suffix])(args.output)
    _say(f"wrote {len(corpus)} papers to {args.output}")
    return 0


def examples_dir() -> Path:
    """The example notebooks: the source checkout's ``examples/`` or the copy shipped in the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "examples", here / "_examples"):
        if candidate.is_dir() and any(candidate.glob("*.ipynb")):
            return candidate
    raise PaperlensError("the example notebooks are not installed with this copy of paperlens")


def _lab(args: argparse.Namespace) -> int:
    source = examples_dir()
    target = Path(args.dir).resolve() if args.dir else source
    if target != source:
        target.mkdir(parents=True, exist_ok=True)
        for notebook in [*source.glob("*.ipynb"), *source.glob("data/*")]:  # data/: files the notebooks read
            copy = target / notebook.relative_to(source)
            if notebook.is_file() and not copy.exists():  # never overwrite a user's edited copy
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(notebook, copy)
    jupyter = shutil.which("jupyter")
    if jupyter is None:
        raise MissingDependencyError("JupyterLab is not installed: pip install 'paperlens[lab]'")
    command = [jupyter, "lab", str(target / "01_quickstart.ipynb"), *args.lab_args]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in command:
        command.append("--allow-root")
    return subprocess.call(command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="paperlens", description="Explore a corpus of research papers.")
    sub = parser.add_subparsers(dest="command", required=True)

    def files(p: argparse.ArgumentParser) -> None:
        p.add_argument("files", nargs="*", help="BibTeX, RIS, CSV, JSON(L), Parquet, Daily Papers files")
        p.add_argument("--sample", action="store_true", help="use the bundled sample corpus")

    info = sub.add_parser("info", help="counts, years and the load report")
    files(info)
    info.set_defaults(run=_info)

    graph = sub.add_parser("graph", help="write a standalone offline HTML graph")
    files(graph)
    graph.add_argument("--kind", choices=("citation", "concept", "both"), default="both")
    graph.add_argument("--layout", choices=("force", "time"), default="force")
    graph.add_argument("--max-nodes", type=int, default=None)
    graph.add_argument("-o", "--output", required=True, help="the .html file to write")
    graph.set_defaults(run=_graph)

    export = sub.add_parser("export", help="convert to .bib, .ris, .csv, .jsonl or .parquet")
    files(export)
    export.add_argument("-o", "--output", required=True)
    export.set_defaults(run=_export)

    lab = sub.add_parser("lab", help="open JupyterLab on the example notebooks")
    lab.add_argument("--dir", help="copy the examples here first (kept if already there)")
    lab.add_argument("lab_args", nargs=argparse.REMAINDER, help="passed on to jupyter lab")
    lab.set_defaults(run=_lab)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PaperlensError as exc:
        _say(f"paperlens: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. an output folder that does not exist
        _say(f"paperlens: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
