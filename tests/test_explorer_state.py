"""The explorer's headless state, without any widget: filters in, ordered papers out.

Truth comes from ``Corpus.filter`` / ``Corpus.search`` (the core's own filtering,
independent of the explorer's numpy index), ``community_table`` and plain Python
sorting over the papers.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import paperlens as pl
from paperlens.display.explorer_state import FILTERS, SORT_KEYS, ExplorerState


@pytest.fixture(scope="module")
def corpus() -> pl.Corpus:
    return pl.load_sample()


@pytest.fixture
def state(corpus: pl.Corpus) -> ExplorerState:
    return ExplorerState(corpus, page_size=10, communities=False)


def test_the_state_imports_and_runs_without_ipywidgets():
    code = (
        "import sys, paperlens as pl\n"
        "from paperlens.display.explorer_state import ExplorerState\n"
        "s = ExplorerState(pl.load_sample(), query='vision', communities=False)\n"
        "s.select(s.corpus.ids[0])\n"
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets was imported'\n"
        "print(len(s.corpus))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == len(pl.load_sample().search("vision"))


def test_filters_give_what_corpus_filter_and_search_give(corpus, state):
    state.set_filters(query="language model", years=(2022, 2024), categories=("cs.CL",), has_abstract=True)
    truth = corpus.search("language model").filter(year=(2022, 2024), categories="cs.CL", has_abstract=True)
    assert state.corpus.ids == truth.ids  # same papers, same ranking
    assert np.allclose(state.corpus.scores.to_numpy(), truth.scores.to_numpy())
    assert [corpus.ids[p] for p in state.positions] == truth.ids
    assert state.count_text == f"{len(truth)} of {len(corpus)} papers"
    assert [corpus.ids[p] for p in state.page_positions] == truth.ids[:10]
    state.reset()
    assert state.corpus.ids == corpus.ids and state.years == state.year_bounds


def test_validation_normalises_or_refuses_without_half_applying(corpus, state):
    state.authors = "  Hinton "
    assert state.authors == ("Hinton",)
    state.venue = None
    known = state.base_categories[0]
    with pytest.raises(pl.PaperlensError, match="did you mean"):
        state.categories = (known + "x",)
    assert state.categories == ()
    with pytest.raises(pl.PaperlensError, match="sort_by"):
        state.sort_by = "colour"
    with pytest.raises(pl.PaperNotFoundError):
        state.selected = "9999.99999"
    state.years = (2030, 1990)
    assert state.years == state.year_bounds


def test_base_categories_and_venues_are_those_of_the_base_corpus(corpus):
    subset = corpus.filter(year=2023)
    state = ExplorerState(subset, communities=False)
    truth = {c for p in subset for c in p.categories}
    assert set(state.base_categories) == truth
    assert set(state.base_venues) == {p.venue for p in subset if p.venue and p.venue.strip()}
    assert state.corpus.ids == subset.ids


def test_one_revision_per_change_and_corpus_observers_only(corpus, state):
    revisions, corpora = [], []
    state.observe(lambda change: revisions.append(change["new"]), names="revision")
    state.set_filters(query="vision", years=(2021, 2024))
    assert len(revisions) == 1
    state.sort_by = "title"
    assert len(revisions) == 2
    assert state._corpus is None  # nobody reads or observes it: never built
    state.observe(corpora.append, names="corpus")
    state.sort_by = "year"
    assert len(corpora) == 1 and corpora[0]["new"] is state.corpus
    state.unobserve(corpora.append, names="corpus")
    state.sort_by = "id"
    assert len(corpora) == 1 and state._corpus is None


def test_sorting_by_title_matches_python_sorting(corpus, state):
    state.sort_by = "title"
    state.ascending = state.natural_ascending("title")
    assert state.corpus.ids == [p.id for p in sorted(corpus, key=lambda p: p.title.casefold())]
    assert state.sorted_by_column == "title"
    state.sort_by = "relevance"
    assert state.sorted_by_column == ""  # no query: the corpus's own order, no column marks it


def test_an_added_ranking_orders_by_its_scores_with_ties_in_corpus_order(corpus, state):
    labelled = ["2401.02460", "2203.05482"]
    for paper_id in labelled:
        state.set_label(paper_id, "relevant")

    def cited_by_labelled(s: ExplorerState) -> np.ndarray:
        """How often each paper is cited by a labelled one (depends on the state's labels)."""
        out = np.zeros(len(s.root))
        for paper_id in s.labels:
            for ref in s.root[paper_id].references:
                if ref in s.root:
                    out[s.root.position(ref)] += 1
        return out

    state.add_ranking("labelled", cited_by_labelled)
    assert "labelled" in state.sort_keys and set(SORT_KEYS) < set(state.sort_keys)
    state.sort_by = "labelled"
    graph = corpus.citation_graph()  # truth: the citation graph's links out of the labelled papers
    times = {i: sum(graph.has_edge(source, i) for source in labelled) for i in corpus.ids}
    assert sorted(times.values())[-2:] == [1, 2]  # one paper cited by both, one by one of them
    truth = sorted(corpus.ids, key=lambda i: (-times[i], corpus.ids.index(i)))
    assert state.corpus.ids == truth
    state.set_label("2401.02460", None)
    state.refresh()  # the ranking's input changed: sort again
    assert set(state.corpus.ids[:1]) == set(graph.successors("2203.05482"))
    with pytest.raises(pl.PaperlensError, match="built in"):
        state.add_ranking("title", cited_by_labelled)


def test_labels_and_highlight_take_any_identifier_form(corpus, state):
    paper = corpus["2203.05482"]
    seen = []
    state.observe(lambda change: seen.append(dict(change["new"])), names="labels")
    state.set_label(f"arXiv:{paper.arxiv_id}", "relevant")
    assert state.labels == {paper.id: "relevant"} and len(seen) == 1
    state.set_label(paper, None)
    assert state.labels == {}
    with pytest.raises(pl.PaperNotFoundError):
        state.labels = {"9999.99999": "x"}
    state.highlight = [paper, paper.id]
    assert state.highlight == (paper.id,)
    state.highlight = None
    assert state.highlight == ()


def test_topics_filter_to_one_community(corpus):
    from paperlens.graphs.structure import community_table

    state = ExplorerState(corpus, communities=True)
    table = community_table(corpus, kind="concept")
    groups = [sorted(ids) for ids in table["ids"] if len(ids) >= 2]
    assert len(state.topics) == len(groups) > 0
    code = next(iter(state.topics))
    state.community = code
    assert sorted(state.corpus.ids) in groups
    assert state.topic_size(code) == len(state.corpus)
    state.community = state.topics[code]  # by label
    assert state.community == code
    assert sorted(corpus.ids[p] for p in np.flatnonzero(state.topic_of(np.arange(len(corpus))) == code)) == sorted(
        state.corpus.ids
    )


def test_topics_turned_off_say_so(corpus, state):
    assert state.topics == {} and "turned off" in state.topics_note


def test_filters_constant_lists_every_trait(state):
    for name in FILTERS:
        assert state.has_trait(name)
