"""Graph structure: co-citation and coupling weights against hand-computed and independently computed truth,
prior/derivative works, communities, PageRank and shortest connections."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from itertools import combinations, pairwise
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import paperlens as pl
from paperlens import Corpus, Paper
from paperlens.errors import PaperlensError, PaperNotFoundError
from paperlens.graphs.structure import (
    cocitation_graph,
    communities,
    community_table,
    corpus_communities,
    coupling_graph,
    derivative_works,
    label_communities,
    pagerank,
    prior_works,
    shortest_connection,
)

FIXTURE = Path(__file__).parent / "fixtures" / "openalex_citation_sets" / "Donners_2021" / "works_1.zip"


def weights(graph: nx.Graph) -> dict[frozenset[str], int]:
    return {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}


# --------------------------------------------------------------------------- a hand-made corpus


@pytest.fixture
def small() -> Corpus:
    """Three cited papers and four citing ones; identifiers written in different forms on purpose."""
    papers = [
        Paper.create(title="Paper A", arxiv_id="2001.00001", doi="10.1000/a"),
        Paper.create(title="Paper B", doi="10.1000/b"),
        Paper.create(title="Paper C", openalex_id="W100"),
        Paper.create(
            title="Citing one",
            doi="10.1000/p1",
            references=("2001.00001", "10.1000/b", "10.5555/x", "W123"),
        ),
        Paper.create(
            title="Citing two",
            doi="10.1000/p2",
            references=(
                "https://doi.org/10.1000/A",
                "arXiv:2001.00001v2",
                "doi:10.1000/B",
                "https://doi.org/10.5555/X",
            ),
        ),
        Paper.create(
            title="Citing three",
            doi="10.1000/p3",
            references=("10.48550/arXiv.2001.00001", "https://openalex.org/W100", "Some Outside Title"),
        ),
        Paper.create(
            title="Citing four",
            doi="10.1000/p4",
            references=("10.1000/b", "W100", "some outside title!", "https://openalex.org/W123"),
        ),
    ]
    return Corpus(papers)


A, B, C = "2001.00001", "10.1000/b", "W100"
P1, P2, P3, P4 = "10.1000/p1", "10.1000/p2", "10.1000/p3", "10.1000/p4"


def test_cocitation_weights_by_hand(small: Corpus) -> None:
    # P1 and P2 cite A and B; P3 cites A and C; P4 cites B and C.
    graph = cocitation_graph(small)
    assert weights(graph) == {frozenset((A, B)): 2, frozenset((A, C)): 1, frozenset((B, C)): 1}
    assert set(graph.nodes) == set(small.ids)
    assert not graph.is_directed()


def test_coupling_weights_by_hand(small: Corpus) -> None:
    # References: P1 {A, B, X, Y}, P2 {A, B, X}, P3 {A, C, T}, P4 {B, C, T, Y}
    # (P2 cites A twice, by DOI and by arXiv id: once).
    assert weights(coupling_graph(small)) == {
        frozenset((P1, P2)): 3,
        frozenset((P1, P3)): 1,
        frozenset((P1, P4)): 2,
        frozenset((P2, P3)): 1,
        frozenset((P2, P4)): 1,
        frozenset((P3, P4)): 2,
    }


def test_prior_works_by_hand(small: Corpus) -> None:
    table = prior_works(small, n=None)
    counts = dict(zip(table["reference"], table["count"], strict=True))
    assert counts == {A: 3, B: 3, C: 2, "10.5555/x": 2, "W123": 2, "Some Outside Title": 2}
    assert list(table["count"]) == sorted(table["count"], reverse=True)
    row = table[table["reference"] == A].iloc[0]
    assert row["kind"] == "corpus" and row["id"] == A and row["title"] == "Paper A"
    outside = table[table["reference"] == "10.5555/x"].iloc[0]
    # issue 16.7: an outside work shows its identifier; its title is unknown until looked up
    assert outside["kind"] == "doi" and outside["id"] == "10.5555/x" and pd.isna(outside["title"])
    text = table[table["reference"] == "Some Outside Title"].iloc[0]
    assert text["kind"] == "title" and text["id"] == "" and text["title"] == "Some Outside Title"
    assert len(prior_works(small, n=2)) == 2


def test_derivative_works_by_hand(small: Corpus) -> None:
    table = derivative_works(small, n=None)
    assert set(table["id"]) == {P1, P2, P3, P4}
    cited = dict(zip(table["id"], table["cited_ids"], strict=True))
    assert cited == {P1: sorted([A, B]), P2: sorted([A, B]), P3: sorted([A, C]), P4: sorted([B, C])}
    assert set(table["cites"]) == {2}
    assert table["share"].iloc[0] == pytest.approx(2 / 6)


# --------------------------------------------------------------------------- real OpenAlex records


def fixture_works() -> list[dict]:
    with zipfile.ZipFile(FIXTURE) as archive:
        return [
            work for name in archive.namelist() if name.endswith(".json") for work in json.loads(archive.read(name))
        ]


def fixture_corpus(works: list[dict]) -> Corpus:
    """Papers built straight from the JSON: title, OpenAlex id and referenced works (URLs, as OpenAlex gives them)."""
    papers = [
        Paper.create(title=w.get("title") or w["id"], openalex_id=w["id"], references=tuple(w["referenced_works"]))
        for w in works
    ]
    return Corpus(papers)


def short(url: str) -> str:
    return url.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def openalex_set() -> tuple[list[dict], Corpus]:
    works = fixture_works()
    return works, fixture_corpus(works)


def test_fixture_is_what_sources_md_says(openalex_set: tuple[list[dict], Corpus]) -> None:
    works, corpus = openalex_set
    assert len(works) == 258 and len(corpus) == 258


def test_cocitation_on_openalex_records_matches_plain_sets(openalex_set: tuple[list[dict], Corpus]) -> None:
    works, corpus = openalex_set
    ids = {w["id"] for w in works}
    refs = {w["id"]: set(w["referenced_works"]) for w in works}
    cited = sorted({r for w in works for r in refs[w["id"]] if r in ids})
    truth = {}
    for a, b in combinations(cited, 2):
        count = sum(1 for c in refs if a in refs[c] and b in refs[c])
        if count:
            truth[frozenset((short(a), short(b)))] = count
    assert len(truth) > 100  # the set has real co-citation structure
    assert weights(cocitation_graph(corpus)) == truth


def test_coupling_on_openalex_records_matches_plain_sets(openalex_set: tuple[list[dict], Corpus]) -> None:
    works, corpus = openalex_set
    truth = {}
    for a, b in combinations(works, 2):
        shared = len(set(a["referenced_works"]) & set(b["referenced_works"]))
        if shared:
            truth[frozenset((short(a["id"]), short(b["id"])))] = shared
    assert len(truth) > 1000
    assert weights(coupling_graph(corpus)) == truth


def test_citation_edges_on_openalex_records_match_plain_sets(openalex_set: tuple[list[dict], Corpus]) -> None:
    works, corpus = openalex_set
    ids = {w["id"] for w in works}
    truth = {(short(w["id"]), short(r)) for w in works for r in w["referenced_works"] if r in ids}
    graph = corpus.citation_graph(mentions=False)
    assert {(a, b) for a, b, k in graph.edges(data="kind") if k == "cites"} == truth
    assert graph.graph["references_total"] == sum(len(w["referenced_works"]) for w in works)
    assert graph.graph["references_resolved"] == len(truth)
    table = prior_works(corpus, n=5)
    counted = {}
    for w in works:
        for r in set(w["referenced_works"]):
            counted[short(r)] = counted.get(short(r), 0) + 1
    assert list(table["count"]) == sorted(counted.values(), reverse=True)[:5]
    assert all(counted[ref] == count for ref, count in zip(table["reference"], table["count"], strict=True))


def test_the_openalex_reader_gives_the_same_coupling(openalex_set: tuple[list[dict], Corpus]) -> None:
    """Through :func:`paperlens.read_openalex`, which merges duplicate records: papers untouched by a merge
    (same references as their JSON record) couple exactly as the JSON says."""
    from paperlens.io.openalex import read_openalex

    works, _ = openalex_set
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        loaded = read_openalex(FIXTURE)
    json_refs = {short(w["id"]): {short(r) for r in w["referenced_works"]} for w in works}
    clean = {
        p.id: p.openalex_id
        for p in loaded
        if p.openalex_id in json_refs and set(p.references) == json_refs[p.openalex_id]
    }
    assert len(clean) > 200
    found = weights(coupling_graph(loaded))
    for a, b in combinations(sorted(clean), 2):
        assert found.get(frozenset((a, b)), 0) == len(json_refs[clean[a]] & json_refs[clean[b]])


# --------------------------------------------------------------------------- communities and PageRank


def two_cliques() -> nx.Graph:
    graph = nx.Graph()
    graph.add_edges_from(combinations("abcde", 2))
    graph.add_edges_from(combinations("vwxyz", 2))
    graph.add_edge("e", "v")
    return graph


def test_louvain_finds_planted_communities() -> None:
    found = communities(two_cliques())
    assert {found[n] for n in "abcde"} != {found[n] for n in "vwxyz"}
    assert len({found[n] for n in "abcde"}) == 1 and len({found[n] for n in "vwxyz"}) == 1
    assert found["a"] == 0  # equal sizes: the group with the smallest node comes first


def test_louvain_is_deterministic() -> None:
    corpus = pl.load_sample()
    first = communities(corpus.citation_graph(), seed=7)
    for _ in range(3):
        assert communities(corpus.citation_graph(), seed=7) == first
    assert communities(corpus.citation_graph()) == communities(corpus.citation_graph())


def test_communities_of_the_sample_citation_graph() -> None:
    corpus = pl.load_sample()
    found = communities(corpus.citation_graph())
    assert set(found) == set(corpus.ids)
    clip_citers = {a for a, b in corpus.citation_graph().edges() if b == "2103.00020"}
    # each paper that cites only CLIP (and is cited by none) sits in CLIP's community
    graph = corpus.citation_graph()
    for paper in clip_citers:
        if graph.out_degree(paper) == 1 and graph.in_degree(paper) == 0:
            assert found[paper] == found["2103.00020"]
    isolated = [n for n in graph if graph.degree(n) == 0]
    assert len({found[n] for n in isolated}) == len(isolated)  # each alone
    sizes = [list(found.values()).count(k) for k in sorted(set(found.values()))]
    assert sizes == sorted(sizes, reverse=True)


def test_pagerank_ranks_the_most_cited_first_and_uses_weights() -> None:
    ranks = pagerank(pl.load_sample().citation_graph())
    assert next(iter(ranks)) == "2103.00020"
    assert sum(ranks.values()) == pytest.approx(1.0)
    graph = nx.DiGraph()
    graph.add_edge("s", "heavy", weight=9.0)
    graph.add_edge("s", "light", weight=1.0)
    weighted = pagerank(graph)
    assert weighted["heavy"] > weighted["light"]
    assert pagerank(nx.DiGraph()) == {}


def _share_using(corpus: Corpus, ids: Iterable[str], phrase: str) -> float:
    """The share of these papers whose title or abstract holds ``phrase`` (plural endings allowed), found by a
    plain regex over lower-cased words: independent of the concept model."""
    words = r"\s+".join(re.escape(word) + "(?:s|es)?" for word in phrase.split())
    ids = list(ids)
    found = [
        re.search(rf"\b{words}\b", re.sub(r"[^a-z0-9]+", " ", f"{corpus[i].title} {corpus[i].abstract}".lower()))
        for i in ids
    ]
    return sum(bool(f) for f in found) / len(ids)


def assert_labels_set_their_community_apart(corpus: Corpus, groups: Mapping[int, list[str]], labels) -> None:
    """Every label phrase is written in a larger share of its community's papers than of the other papers."""
    for number, ids in groups.items():
        rest = [i for i in corpus.ids if i not in set(ids)]
        for phrase in labels[number]:
            inside, outside = _share_using(corpus, ids, phrase), _share_using(corpus, rest, phrase)
            assert inside > outside, (number, phrase, inside, outside)


def test_label_communities_uses_concepts() -> None:
    corpus = pl.load_sample()
    found = communities(corpus.citation_graph())
    labels = label_communities(corpus, found, n=2)
    assert set(labels) == set(found.values())
    assert all(1 <= len(words) <= 2 for words in labels.values())
    groups = {number: [i for i in found if found[i] == number] for number in labels}
    assert_labels_set_their_community_apart(corpus, groups, labels)
    clip = found["2103.00020"]  # CLIP and the five papers citing it (see their reference lists)
    assert sorted(groups[clip]) == ["2103.00020", "2306.01669", "2307.11315", "2307.12226", "2311.15075", "2405.02793"]
    assert "clip" in labels[clip]
    groups = [[a for a in found if found[a] == 0]]
    assert label_communities(corpus, groups, n=2)[0] == labels[0]


@pytest.mark.parametrize("kind", ["citation", "concept"])
def test_community_table(kind: str) -> None:
    corpus = pl.load_sample()
    table = community_table(corpus, kind=kind)
    assert list(table.columns) == ["community", "size", "label", "concepts", "ids"]
    assert table["size"].sum() == len(corpus)
    assert sorted(i for ids in table["ids"] for i in ids) == sorted(corpus.ids)
    assert all(label == ", ".join(words) for label, words in zip(table["label"], table["concepts"], strict=True))
    assert list(table["size"]) == sorted(table["size"], reverse=True)
    assert all(len(words) == 3 for words in table["concepts"])
    assert_labels_set_their_community_apart(corpus, dict(enumerate(table["ids"])), dict(enumerate(table["concepts"])))
    low_rank = {"2310.10700", "2410.13618"}  # PELA and LoLDU: low-rank methods by their titles
    if kind == "concept":
        (row,) = [r for _, r in table.iterrows() if low_rank <= set(r["ids"])]
        assert "low rank" in row["concepts"]


def test_communities_are_networkx_partitions() -> None:
    graph = pl.load_sample().concept_graph()
    for seed in (0, 3):
        truth = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        found = communities(graph, seed=seed, method="louvain")
        assert sorted(map(sorted, truth)) == sorted(map(sorted, _as_groups(found)))
        assert communities(graph, seed=seed) == communities(graph, seed=seed, method="auto") == found
        lp = nx.community.fast_label_propagation_communities(graph, weight="weight", seed=seed)
        assert sorted(map(sorted, lp)) == sorted(
            map(sorted, _as_groups(communities(graph, seed=seed, method="label_propagation")))
        )
    assert nx.community.modularity(graph, _as_groups(found)) == pytest.approx(nx.community.modularity(graph, truth))
    with pytest.raises(ValueError, match="louvain"):
        communities(graph, method="leiden")


def _as_groups(found: dict) -> list[set]:
    groups: dict[int, set] = {}
    for node, number in found.items():
        groups.setdefault(number, set()).add(node)
    return list(groups.values())


def test_one_partition_per_corpus_and_kind() -> None:
    corpus = pl.Corpus(list(pl.load_sample()))
    for kind, graph in (("concept", corpus.concept_graph()), ("citation", corpus.citation_graph())):
        found = corpus_communities(corpus, kind)
        assert found == communities(graph)  # the graph function, with the same default seed
        table = community_table(corpus, kind=kind)
        assert {i: row.community for row in table.itertuples() for i in row.ids} == found
        assert corpus.communities(kind).equals(table)  # the Corpus delegate: the same table
        assert corpus_communities(corpus, kind) is found  # found once
    assert corpus_communities(corpus, "concept", seed=5) == communities(corpus.concept_graph(), seed=5)


def test_partition_does_not_depend_on_blas_threads(tmp_path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "import json, paperlens as pl\n"
        "from paperlens.graphs.structure import corpus_communities\n"
        "print(json.dumps(corpus_communities(pl.load_sample(), 'concept'), sort_keys=True))\n"
    )
    runs = set()
    for threads in ("1", "2"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads}
        runs.add(
            subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        )
    assert len(runs) == 1


JABREF = (
    Path(__file__).parent
    / "fixtures"
    / "bibtex"
    / ("Maintain_the_JabRef_group_and_subgroup_structure_when_importing_a_BibTeX_db_97.bib")
)
# Function words of the French, German, Italian and Russian abstracts and titles of that bibliography.
FOREIGN = {
    "la",
    "le",
    "les",
    "des",
    "du",
    "une",
    "sur",
    "der",
    "die",
    "und",
    "mit",
    "von",
    "für",
    "del",
    "di",
    "на",
    "при",
}


@pytest.mark.parametrize("seed", [0, 42])
def test_labels_drop_other_languages_stop_words_and_never_repeat(seed: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = pl.read(JABREF)
    table = community_table(corpus, kind="concept", seed=seed)
    words = {word for label in table["concepts"] for phrase in label for word in phrase.split(" ")}
    assert not words & FOREIGN
    named = [label for label in table["label"] if label]
    assert len(named) == len(set(named)) and len(named) >= 15
    # the labels say what the papers are about: each phrase of the largest communities is in its papers' text
    text = {p.id: f"{p.title} {p.abstract or ''}".lower().replace("-", " ") for p in corpus}
    for row in table.head(5).itertuples():
        for phrase in row.concepts:
            first = phrase.split(" ")[0]
            assert sum(first in text[i] for i in row.ids) >= 2, (phrase, row.label)


def test_english_corpus_keeps_its_words() -> None:
    from paperlens.graphs.structure import _label_skip_words

    corpus = pl.load_sample()
    assert _label_skip_words(corpus.concept_model()) == frozenset()  # no other language found


def _mixed_corpus() -> Corpus:
    texts = [
        "Die Methode und der Ansatz mit einem neuen Modell für die Analyse von Daten",  # German, plainly
        "Une méthode pour les données avec des réseaux dans le cas des graphes",  # French
        "Модель для анализа данных на графах при обучении",  # another script: one word tells
        "A study of la vida with de facto methods and per se results in English text",  # a few, not a fifth
        "Graph neural networks for molecules and proteins in biology",
    ]
    return Corpus([Paper.create(title=f"Paper {i}", abstract=text) for i, text in enumerate(texts)])


@pytest.mark.parametrize("which", ["sample", "jabref", "mixed"])
def test_language_hits_are_the_column_slice_counts(which: str) -> None:
    from stop_words import get_stop_words

    from paperlens.graphs.structure import LABEL_LANGUAGES, _label_skip_words, _language_hits

    if which == "sample":
        corpus = pl.load_sample()
    elif which == "jabref":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            corpus = pl.read(JABREF)
    else:
        corpus = _mixed_corpus()
    model = pl.ConceptModel(min_df=1).fit(corpus)
    words_of_paper, languages = _language_hits(model)  # from the phrases' word numbers (no _stems yet)
    column = dict(model._stems)
    again = _language_hits(model)  # from _stems, now built
    assert again[0].tolist() == words_of_paper.tolist()
    assert [(w, h.tolist()) for w, h in again[1]] == [(w, h.tolist()) for w, h in languages]
    X = model.matrix_
    single = [j for term, j in column.items() if " " not in term]
    assert words_of_paper.tolist() == X[:, single].getnnz(axis=1).tolist()
    assert len(languages) == len(LABEL_LANGUAGES)
    counted = 0
    for language, (words, hits) in zip(LABEL_LANGUAGES, languages, strict=True):
        assert words <= {w.lower() for w in get_stop_words(language)}
        cols = sorted({column[w] for w in words if w in column})
        assert hits.tolist() == (X[:, cols].getnnz(axis=1).tolist() if cols else [0] * X.shape[0])
        counted += int(hits.sum())
    assert counted > 0 or which == "sample"  # the counts compared hold something
    if which != "sample":
        assert _label_skip_words(model) & FOREIGN


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3)])
def test_phrase_columns_and_skipped_phrases_match_the_text(ngram_range: tuple[int, int]) -> None:
    import numpy as np

    papers = [*_mixed_corpus(), Paper.create(title="¿Por qué? Por qué los modelos", abstract="por qué no, qué por")]
    model = pl.ConceptModel(min_df=1, ngram_range=ngram_range).fit(Corpus(papers))
    stems = dict(model._stems)
    fresh = pl.ConceptModel(min_df=1, ngram_range=ngram_range).fit(Corpus(papers))  # no _stems: the arrays
    wanted = frozenset([*stems, "por qué", "qué por", "por qué no", "nope", "", "der und"])
    found, single = fresh._phrase_columns(wanted)
    assert found == {phrase: stems[phrase] for phrase in wanted if phrase in stems}
    assert "por qué" in found or ngram_range == (1, 1)
    assert sorted(single.tolist()) == sorted(j for term, j in stems.items() if " " not in term)
    for skip in (frozenset({"der", "les", "por"}), frozenset({"qué"}), frozenset({"nothing"})):
        by_text = [not skip.intersection(term.split(" ")) for term in fresh.terms_.tolist()]
        assert fresh._without_words(skip).tolist() == by_text
        del fresh.__dict__["_kept_phrases"]  # the text's way, as a model without the word numbers does it
        assert fresh._without_words(skip).tolist() == by_text
        fresh._kept_phrases = model._kept_phrases
    assert np.array_equal(fresh.matrix_.indices, model.matrix_.indices)


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (2, 3)])
def test_group_descriptions_from_word_numbers_match_the_text(ngram_range: tuple[int, int]) -> None:
    corpus = pl.load_sample()
    model = pl.ConceptModel(ngram_range=ngram_range).fit(corpus)
    found = communities(corpus.concept_graph())
    groups = [[i for i, c in found.items() if c == number] for number in sorted(set(found.values()))]
    groups += [corpus.ids, [], corpus.ids[:1]]
    for skip in ((), ("model", "learning")):
        by_numbers = model.describe_groups(groups, 5, skip_words=skip)
        kept = model.__dict__.pop("_kept_phrases")  # the terms' text instead
        model.__dict__.pop("_allowed", None)
        assert model.describe_groups(groups, 5, skip_words=skip) == by_numbers
        model._kept_phrases = kept
        model.__dict__.pop("_allowed", None)
    assert [model.describe(g, 5) for g in groups[:3]] == model.describe_groups(groups[:3], 5)


def test_community_table_rejects_unknown_kinds() -> None:
    with pytest.raises(PaperlensError, match="'concept' or 'citation'"):
        community_table(pl.load_sample(), kind="citations")


# --------------------------------------------------------------------------- shortest connection


def test_shortest_connection_follows_citations_either_way(small: Corpus) -> None:
    steps = shortest_connection(small, P1, P3)
    assert steps[0] == (P1, None) and steps[-1] == (P3, "cited by")
    assert len(steps) == 3 and steps[1] == (A, "cites")
    assert shortest_connection(small, "Paper A", "https://doi.org/10.1000/B") in (
        [(A, None), (P1, "cited by"), (B, "cites")],
        [(A, None), (P2, "cited by"), (B, "cites")],
    )
    assert shortest_connection(small, A, A) == [(A, None)]


def test_shortest_connection_reports_mentions() -> None:
    base = Paper.create(title="ZEBRA: a retriever", abstract="A.", arxiv_id="2101.00001")
    user = Paper.create(title="User", abstract="We extend ZEBRA.", arxiv_id="2201.00001")
    corpus = Corpus([base, user])
    assert shortest_connection(corpus, base, user) == [("2101.00001", None), ("2201.00001", "mentioned by")]


def test_shortest_connection_errors(small: Corpus) -> None:
    lonely = small.merge(Corpus([Paper.create(title="Alone", doi="10.1000/alone")]))
    with pytest.raises(PaperlensError, match=r"no citation links connect 10\.1000/alone and"):
        shortest_connection(lonely, "10.1000/alone", A)
    with pytest.raises(PaperNotFoundError):
        shortest_connection(small, "10.1000/missing", A)
    with pytest.raises(PaperlensError, match="kind must be one of"):
        shortest_connection(small, A, B, kind="cocitation")


def test_shortest_connection_through_concepts() -> None:
    from paperlens.graphs import concepts

    corpus = pl.load_sample()
    similar = concepts.concept_graph(corpus)
    start = min((n for n in similar if similar.degree(n)), key=str)
    distances = nx.single_source_shortest_path_length(similar, start)
    end = min((n for n, d in distances.items() if d == 2), key=str)
    steps = shortest_connection(corpus, start, end, kind="concept")
    assert len(steps) == 3 and steps[0] == (start, None) and steps[-1][0] == end
    assert all(kind == "similar" for _, kind in steps[1:])
    assert all(similar.has_edge(a, b) for (a, _), (b, _) in pairwise(steps))
    # "both" is never longer than either kind alone, and keeps the citation chain when it is shortest
    both = shortest_connection(corpus, "2112.07869", "2302.09268", kind="both")
    assert both[0] == ("2112.07869", None) and both[-1][0] == "2302.09268" and len(both) <= 3
    assert len(shortest_connection(corpus, start, end, kind="both")) <= 3


def test_labels_of_a_subset_of_a_large_corpus_do_not_fit_the_whole_corpus(monkeypatch) -> None:
    from paperlens.graphs import structure

    corpus = pl.Corpus(list(pl.load_sample()))  # a root of its own: no concept model cached yet
    subset = corpus.filter(year=(2023, None))
    groups = [subset.ids[:4], subset.ids[4:9]]
    monkeypatch.setattr(structure, "LABEL_ROOT_LIMIT", 10)  # the sample now counts as "large"
    fitted = []
    monkeypatch.setattr("paperlens.graphs.concepts.fitted_model", lambda c, **p: fitted.append(c) or None)
    labels = structure.label_communities(subset, groups, n=3)
    assert not fitted and set(labels) == {0, 1} and all(labels.values())
    assert "structure.labelling_model" in subset.cached_keys()


# --------------------------------------------------------------------------- association strength (issue 16.8)


def test_cocitation_association_strength_by_hand(small: Corpus) -> None:
    # counts AB 2, AC 1, BC 1; totals A 3, B 3, C 2; m = 4; s_ij = 2m c_ij / (c_i c_j)
    graph = cocitation_graph(small, normalize="association")
    got = {frozenset((a, b)): w for a, b, w in graph.edges(data="weight")}
    assert got == pytest.approx({frozenset((A, B)): 16 / 9, frozenset((A, C)): 4 / 3, frozenset((B, C)): 4 / 3})
    assert graph.edges[A, B]["count"] == 2
    kept = cocitation_graph(small, min_weight=2, normalize="association")  # only AB: 2*2*2 / (2*2)
    assert [(frozenset((a, b)), w) for a, b, w in kept.edges(data="weight")] == [(frozenset((A, B)), 2.0)]
    assert weights(cocitation_graph(small, min_weight=2)) == {frozenset((A, B)): 2}


def test_coupling_association_strength_by_hand(small: Corpus) -> None:
    # counts P1P2 3, P1P3 1, P1P4 2, P2P3 1, P2P4 1, P3P4 2; totals P1 6, P2 5, P3 4, P4 5; m = 10
    got = {frozenset((a, b)): w for a, b, w in small.coupling_graph(normalize="association").edges(data="weight")}
    assert got == pytest.approx(
        {
            frozenset((P1, P2)): 2.0,
            frozenset((P1, P3)): 5 / 6,
            frozenset((P1, P4)): 4 / 3,
            frozenset((P2, P3)): 1.0,
            frozenset((P2, P4)): 0.8,
            frozenset((P3, P4)): 2.0,
        }
    )
    with pytest.raises(pl.PaperlensError, match="normalize must be"):
        small.coupling_graph(normalize="cosine")


def test_association_strength_on_a_real_set_matches_numpy() -> None:
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        corpus = pl.read(FIXTURE)
    raw = coupling_graph(corpus, min_weight=2)
    assert all(c >= 2 for _, _, c in raw.edges(data="weight"))
    nodes = sorted(raw.nodes)
    counts = nx.to_numpy_array(raw, nodelist=nodes, weight="weight")
    totals = counts.sum(axis=1)
    m = counts.sum() / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = 2 * m * counts / np.outer(totals, totals)
    got = nx.to_numpy_array(coupling_graph(corpus, min_weight=2, normalize="association"), nodelist=nodes)
    linked = counts > 0
    assert linked.sum() > 100
    np.testing.assert_allclose(got[linked], expected[linked], rtol=1e-12)
