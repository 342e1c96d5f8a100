"""The OpenAlex citation sets load through read_openalex and keep every in-set citation link.

The truth is counted here with nothing but zipfile and json: a node is a work of
the set, an edge a work's ``referenced_works`` entry naming another work of the
same set. Works whose title is null cannot become papers (the loader skips them
and says why), so the links the corpus can hold are the edges between titled
works; both counts are checked.
"""

from __future__ import annotations

import csv

import pytest
from sources_support import CITATION_SETS, SET_NAMES, set_works, short_id

import paperlens as pl

# Counted by hand with an independent script (see the report); the test recounts them below.
EXPECTED = {
    "Donners_2021": {"nodes": 258, "edges": 801, "untitled": 1, "edges_titled": 801},
    "Nelson_2002": {"nodes": 366, "edges": 364, "untitled": 1, "edges_titled": 363},
    "Sep_2021": {"nodes": 271, "edges": 413, "untitled": 0, "edges_titled": 413},
}


def _truth(name: str) -> dict:
    works = set_works(name)
    nodes = {short_id(w["id"]) for w in works}
    titled = {short_id(w["id"]) for w in works if w.get("title") or w.get("display_name")}
    edges = set()
    for work in works:
        source = short_id(work["id"])
        for ref in work.get("referenced_works") or ():
            target = short_id(ref)
            if target in nodes and target != source:
                edges.add((source, target))
    return {
        "nodes": len(nodes),
        "edges": len(edges),
        "untitled": len(nodes - titled),
        "edges_titled": sum(1 for s, t in edges if s in titled and t in titled),
        "edge_set": edges,
        "titled": titled,
    }


@pytest.mark.parametrize("name", SET_NAMES)
def test_independent_counts(name):
    truth = _truth(name)
    assert {k: truth[k] for k in EXPECTED[name]} == EXPECTED[name]
    with open(CITATION_SETS / name / "labels.csv", newline="", encoding="utf-8") as handle:
        labelled = {short_id(row["openalex_id"]) for row in csv.DictReader(handle)}
    assert len(labelled) == truth["nodes"]  # the set's own label file lists the same works


@pytest.mark.parametrize("name", SET_NAMES)
def test_references_resolve_to_the_in_set_links(name):
    truth = _truth(name)
    corpus = pl.read_openalex(CITATION_SETS / name / "works_1.zip", warn=False)
    report = corpus.report
    assert report.records == truth["nodes"]
    # A work whose title is null is kept, untitled: its OpenAlex id identifies it.
    assert not report.skipped
    assert sum(p.title == "" for p in corpus) == truth["untitled"]
    # Distinct works sharing a generic title and year ("Abstracts", 2018) have different DOIs: not merged.
    assert report.merged == 0
    assert len(corpus) == truth["nodes"]
    by_work = {p.openalex_id: p.id for p in corpus}
    assert len(by_work) == truth["nodes"] and truth["titled"] <= set(by_work)
    links = set()
    for paper in corpus:
        for ref in paper.references:
            target = by_work.get(ref)
            if target is not None and target != paper.id:
                links.add((paper.id, target))
    expected = {(by_work[s], by_work[t]) for s, t in truth["edge_set"] if s in by_work and t in by_work}
    assert links == expected
    assert len(links) == truth["edges"]


@pytest.mark.parametrize("name", SET_NAMES)
def test_citation_graph_edge_count(name):
    from paperlens.graphs import citation

    truth = _truth(name)
    corpus = pl.read_openalex(CITATION_SETS / name / "works_1.zip", warn=False)
    graph = citation.citation_graph(corpus, mentions=False)
    assert graph.number_of_edges() == truth["edges"]
