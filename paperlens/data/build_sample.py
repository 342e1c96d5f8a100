"""Regenerate ``sample.jsonl``, the bundled sample corpus, from the files in ``seed/``.

Run ``python -m paperlens.data.build_sample`` after changing a seed file. The
sample is the 69-paper Hugging Face Daily Papers listing (``seed/daily_papers_snapshot.txt``)
joined, paper by paper in the same order, with ``seed/seed_metadata.tsv`` (arXiv
id, first-version date, authors, primary category, where each was confirmed and
how confidently) and ``seed/seed_citations.tsv`` (13 evidenced citation links,
which become ``references``). Blank metadata stays missing: nothing is guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from paperlens.ids import normalize_arxiv_id, title_key
from paperlens.io.daily_papers import parse_daily_papers_text
from paperlens.io.jsonl import write_jsonl

HERE = Path(__file__).parent
SEED = HERE / "seed"
OUTPUT = HERE / "sample.jsonl"


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))  # every cell stays text


def build():
    """The sample corpus built from the seed files (a :class:`paperlens.Corpus`)."""
    from paperlens.corpus import Corpus

    papers, _ = parse_daily_papers_text(
        (SEED / "daily_papers_snapshot.txt").read_text(encoding="utf-8"), "daily_papers_snapshot.txt"
    )
    metadata = _tsv(SEED / "seed_metadata.tsv")
    if len(metadata) != len(papers):
        raise SystemExit(f"{len(papers)} papers in the listing but {len(metadata)} metadata rows")
    citations: dict[str, list[tuple[str, str]]] = {}
    for row in _tsv(SEED / "seed_citations.tsv"):
        citing, cited = normalize_arxiv_id(row["citing_arxiv_id"]), normalize_arxiv_id(row["cited_arxiv_id"])
        citations.setdefault(citing, []).append((cited, row["evidence"]))
    built = []
    for number, (paper, meta) in enumerate(zip(papers, metadata, strict=True), start=1):
        if title_key(meta["title"]) != title_key(paper.title):
            raise SystemExit(f"metadata row {number}: title {meta['title']!r} != listing {paper.title!r}")
        arxiv = normalize_arxiv_id(meta["arxiv_id"])
        if arxiv is None:
            raise SystemExit(f"metadata row {number}: {meta['arxiv_id']!r} is not an arXiv id")
        date = dt.date.fromisoformat(meta["published"]) if meta["published"].strip() else None
        cited = citations.get(arxiv, [])
        built.append(
            paper.replace(
                id=arxiv,
                arxiv_id=arxiv,
                date=date,
                year=date.year if date else None,
                authors=tuple(a.strip() for a in meta["authors"].split(";") if a.strip()),
                categories=(meta["primary_category"].strip(),) if meta["primary_category"].strip() else (),
                url=f"https://arxiv.org/abs/{arxiv}",
                references=tuple(c for c, _ in cited),
                source="hf-daily-papers",
                extra={
                    "metadata_source": meta["source"],
                    "metadata_confidence": meta["confidence"],
                    **({"citation_evidence": {c: e for c, e in cited}} if cited else {}),
                },
            )
        )
    return Corpus(built)


def main() -> int:
    corpus = build()
    write_jsonl(corpus, OUTPUT)
    print(f"wrote {len(corpus)} papers to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
