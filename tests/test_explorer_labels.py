"""Labels in the explorer: buttons, filters, 'rank by my labels' (the active-learning loop), two-way traits."""

from __future__ import annotations

import pytest

import paperlens as pl
from paperlens.display.explorer_state import LABEL_RANKING, ExplorerState
from paperlens.errors import InvalidArgumentError
from paperlens.graphs.recommend import recommend_table


@pytest.fixture(scope="module")
def reviewed() -> pl.Corpus:
    return pl.load_sample("donners2021")


def truth(corpus: pl.Corpus) -> tuple[list[str], list[str]]:
    yes = [p.id for p in corpus if p.extra.get("included")]
    no = [p.id for p in corpus if p.extra.get("included") is False]
    return yes, no


def test_labels_start_from_the_corpus_and_come_back_as_annotations(reviewed):
    yes, no = truth(reviewed)
    state = ExplorerState(reviewed.annotate(yes[:2], "relevant"), communities=False)
    assert state.labels == {yes[0]: "relevant", yes[1]: "relevant"}
    state.set_labels(no[:3], "irrelevant")
    state.set_label(yes[0], None)
    annotated = state.annotated()
    assert annotated.labels.to_dict() == {yes[1]: "relevant", **{i: "irrelevant" for i in no[:3]}}
    assert [p.replace(label=None) for p in annotated] == [p.replace(label=None) for p in reviewed]


def test_label_and_tag_filters_count_what_the_corpus_filter_counts(reviewed):
    yes, no = truth(reviewed)
    tagged = reviewed.annotate(yes[:4], tags=["dosing"]).annotate(no[:2], tags=["dosing", "other"])
    state = ExplorerState(tagged, communities=False)
    state.set_labels(yes[:3], "relevant")
    state.set_labels(no[:5], "irrelevant")
    expected = {"relevant": 3, "irrelevant": 5, "labelled": 8, "unlabelled": len(reviewed) - 8, "any": len(reviewed)}
    for name, count in expected.items():
        state.label_filter = name
        assert len(state.positions) == count, name
    state.label_filter = "any"
    state.tag_filter = ["other"]
    assert sorted(state.corpus.ids) == sorted(tagged.filter(tags="other").ids)
    state.tag_filter = ("dosing",)
    assert len(state.positions) == 6
    with pytest.raises(InvalidArgumentError, match="label_filter must be one of"):
        state.label_filter = "maybe"


def test_rank_by_my_labels_follows_every_label(reviewed):
    yes, no = truth(reviewed)
    state = ExplorerState(reviewed, communities=False, page_size=10)
    state.sort_by = LABEL_RANKING
    assert list(state.positions) == list(range(len(reviewed)))  # no relevant label: the corpus order
    state.set_label(yes[0], "relevant")
    first = [reviewed.ids[p] for p in state.positions[:20]]
    expected = recommend_table(reviewed, [yes[0]], n=20, corpus_labels=False)["id"].tolist()
    assert first == expected
    state.set_labels(no[:2], "irrelevant")
    state.set_label(yes[1], "relevant")
    second = [reviewed.ids[p] for p in state.positions[:20]]
    assert second == recommend_table(reviewed, yes[:2], no[:2], n=20, corpus_labels=False)["id"].tolist()
    assert second != first and not {yes[0], yes[1], *no[:2]} & set(second)
    # The labelled papers come last: relevant, then irrelevant.
    tail = [reviewed.ids[p] for p in state.positions[-4:]]
    assert set(tail[:2]) == {yes[0], yes[1]} and set(tail[2:]) == set(no[:2])


def test_explorer_buttons_label_the_selected_paper_and_the_page(reviewed):
    yes, _ = truth(reviewed)
    explorer = reviewed.explore(graph=False, communities=False, page_size=10)
    with pytest.raises(InvalidArgumentError, match="select a paper first"):
        explorer.label_chosen("relevant")
    explorer.select(yes[0])
    explorer.label_bar.relevant.click()
    assert explorer.labels == {yes[0]: "relevant"}
    assert "1 relevant, 0 irrelevant" in explorer.label_bar.summary.value
    assert "this paper: <b>relevant</b>" in explorer.label_bar.summary.value
    explorer.label_bar.rank.value = True
    assert explorer.sort_by == LABEL_RANKING
    page = explorer.table_ids
    explorer.label_bar.page_irrelevant.click()
    assert {k for k, v in explorer.labels.items() if v == "irrelevant"} == set(page)
    assert explorer.table_ids != page  # re-ranked: the page's papers are labelled now and move down
    titles = [b.description for b in explorer.table.children[0].children if "pl-row" in b._dom_classes]
    assert titles and not any(t.startswith("✗") for t in titles[:3])
    explorer.labels = {}  # code sets the trait: the bar follows
    assert "0 relevant, 0 irrelevant" in explorer.label_bar.summary.value
    explorer.label_bar.filter.value = "irrelevant"
    assert explorer.label_filter == "irrelevant" and len(explorer.positions) == 0
    explorer.label_filter = "any"
    assert explorer.label_bar.filter.value == "any"
    explorer.label_bar.rank.value = False
    assert explorer.sort_by == "relevance"
