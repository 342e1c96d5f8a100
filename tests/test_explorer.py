"""The explorer, in process (no browser): controls -> filters -> corpus, count, table, detail pane, graph.

Truth comes from elsewhere: ``Corpus.filter`` / ``Corpus.search`` (the core's own
filtering, written independently of the explorer's numpy index) and plain Python
over the papers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import paperlens as pl
from paperlens.display.explorer import FILTERS, Explorer
from paperlens.display.explorer_detail import detail_html, highlight
from paperlens.display.explorer_index import FilterIndex

HOSTILE_TITLE = "<script>alert('x')</script> Graph & <b>networks</b>"
HOSTILE_AUTHOR = '"><img src=x onerror=alert(1)>'
VENUES = ("NeurIPS", "ICML", "ACL", None)
CATEGORIES = ("cs.LG", "cs.CL", "cs.CV", "stat.ML")
POOL = ("Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth")
WORDS = ("graph", "network", "language", "model", "vision", "transformer", "kernel", "soup", "sparse", "attention")


def _arxiv(i: int) -> str:
    """Paper i's arXiv id; the undated papers' ids encode no month (``2300.``), so no year is read from them."""
    return f"{2300 if i % 11 == 3 else 2301}.{i:05d}"


def _papers() -> list[pl.Paper]:
    rng = np.random.default_rng(7)
    papers = []
    for i in range(45):
        year = None if i % 11 == 3 else int(2016 + i % 8)
        date = dt.date(year, 1 + i % 12, 1 + i % 27) if year is not None and i % 3 else None
        words = [WORDS[j] for j in rng.choice(len(WORDS), 3, replace=False)]
        authors = tuple(POOL[j] for j in sorted(rng.choice(len(POOL), 1 + i % 3, replace=False)))
        refs = tuple(_arxiv(j) for j in range(max(0, i - 3), i) if (i + j) % 4 == 0)
        papers.append(
            pl.Paper.create(
                title=f"Study {i:02d} of {' '.join(words)}",
                abstract=None if i % 7 == 5 else f"We look at {words[0]} and {words[1]} with care; {words[2]}.",
                authors=authors,
                year=year,
                date=date,
                venue=VENUES[i % 4],
                categories=(CATEGORIES[i % 4],) + ((CATEGORIES[(i + 1) % 4],) if i % 5 == 0 else ()),
                arxiv_id=_arxiv(i),
                citation_count=None if i % 6 == 1 else (i * 7) % 50,
                references=refs,
            )
        )
    papers.append(
        pl.Paper.create(
            title=HOSTILE_TITLE,
            abstract='A graph <i>abstract</i> with R&D and "quotes" about networks.',
            authors=(HOSTILE_AUTHOR, "Alan Turing"),
            year=2020,
            venue="ICML",
            categories=("cs.LG",),
            arxiv_id="2301.99999",
            url="javascript:alert(1)",
            citation_count=3,
            references=("2301.00001", "2301.00002"),
        )
    )
    return papers


@pytest.fixture(scope="module")
def corpus() -> pl.Corpus:
    return pl.Corpus(_papers())


@pytest.fixture
def explorer(corpus: pl.Corpus) -> Explorer:
    return Explorer(corpus, graph=False, page_size=10)


def ids_of(corpus: pl.Corpus) -> set[str]:
    return set(corpus.ids)


def count_in(html_text: str) -> tuple[int, int]:
    text = re.sub("<[^>]+>", "", html_text)
    match = re.search(r"([\d,]+) of ([\d,]+) papers", text)
    assert match, text
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


# --------------------------------------------------------------------------- opening


def test_opens_on_the_whole_corpus(corpus, explorer):
    assert isinstance(explorer, pl.Explorer)  # the lazy public name is this class
    assert explorer.corpus.ids == corpus.ids  # relevance without a query: corpus order
    assert count_in(explorer.count.value) == (len(corpus), len(corpus))
    assert explorer.table_ids == corpus.ids[:10]
    assert explorer.controls["years"].value == (2016, 2023)
    assert explorer.selected is None
    assert "Click a paper" in explorer.detail.value


def test_corpus_explore_delegates_and_displays_as_a_widget(corpus):
    import ipywidgets

    explorer = corpus.explore(graph=False, query="graph")
    assert isinstance(explorer, ipywidgets.VBox)
    assert explorer.query == "graph" and explorer.controls["query"].value == "graph"
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.model_id


def test_bad_options_are_clear_errors(corpus):
    with pytest.raises(pl.PaperlensError, match="did you mean 'query'"):
        Explorer(corpus, qurey="x")
    with pytest.raises(pl.PaperlensError, match="Corpus"):
        Explorer(corpus.df)
    with pytest.raises(pl.PaperlensError, match="graph_kind"):
        Explorer(corpus, graph_kind="cites")


# --------------------------------------------------------------------------- filters from the controls


def test_search_box_ranks_like_corpus_search(corpus, explorer):
    explorer.controls["query"].value = "graph network"  # no event loop here: applied at once
    truth = corpus.search("graph network")
    assert explorer.query == "graph network"
    assert explorer.corpus.ids == truth.ids  # same papers, same ranking
    assert np.allclose(explorer.corpus.scores.to_numpy(), truth.scores.to_numpy())
    assert count_in(explorer.count.value) == (len(truth), len(corpus))
    assert explorer.table_ids == truth.ids[:10]
    assert "best match first" in explorer.count.value


def test_year_slider_filters_and_unknown_years(corpus, explorer):
    no_year = {p.id for p in corpus if p.year is None}
    assert no_year and no_year <= ids_of(explorer.corpus)  # the full span keeps papers of unknown year
    explorer.controls["years"].value = (2018, 2020)
    assert explorer.years == (2018, 2020)
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(year=(2018, 2020)))
    assert not no_year & ids_of(explorer.corpus)


def test_author_tags_match_parts_of_names_like_corpus_filter(corpus, explorer):
    explorer.controls["authors"].value = ["hopper", "Knuth"]
    assert explorer.authors == ("hopper", "Knuth")
    truth = corpus.filter(authors=["hopper", "Knuth"])
    assert ids_of(explorer.corpus) == ids_of(truth)
    assert 0 < len(truth) < len(corpus)


def test_author_typeahead_suggests_then_adds(corpus, explorer):
    box = explorer.filters_box.author_box
    box.value = "ov"
    assert set(box.options) == {"Barbara Liskov", "Ada Lovelace"}  # every author whose name contains "ov"
    box.value = "Barbara Liskov"  # picking a suggestion
    assert explorer.authors == ("Barbara Liskov",)
    assert explorer.controls["authors"].value == ["Barbara Liskov"]
    assert box.value == ""
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(authors="Barbara Liskov"))


def test_venue_categories_citations_abstract_controls(corpus, explorer):
    c = explorer.controls
    assert "NeurIPS" in [v for _, v in c["venue"].options]
    c["venue"].value = "ICML"
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(venue="ICML"))
    c["venue"].value = ""  # "any venue"
    assert explorer.venue is None and c["venue"].label == "any venue"
    c["categories"].value = ["cs.CL", "stat.ML"]
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(categories=["cs.CL", "stat.ML"]))
    c["categories"].value = []
    c["min_citations"].value = 20
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(min_citations=20))
    c["min_citations"].value = 0
    c["has_abstract"].value = True
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(has_abstract=True))


def test_all_filters_together(corpus, explorer):
    explorer.set_filters(
        query="graph",
        years=(2017, 2022),
        authors=("Turing",),
        categories=("cs.LG", "cs.CV"),
        min_citations=1,
        has_abstract=True,
    )
    truth = corpus.search("graph").filter(
        year=(2017, 2022), authors="Turing", categories=["cs.LG", "cs.CV"], min_citations=1, has_abstract=True
    )
    assert explorer.corpus.ids == truth.ids
    assert explorer.count_text == f"{len(truth)} of {len(corpus)} papers"


# --------------------------------------------------------------------------- filters from code


def test_setting_filters_from_code_updates_the_controls(corpus, explorer):
    explorer.query = "language"
    explorer.years = (2019, None)  # open end
    explorer.authors = "Lovelace"  # one name is fine
    explorer.venue = "acl"  # any case
    explorer.categories = ("cs.CL",)
    explorer.min_citations = 2
    explorer.has_abstract = True
    c = explorer.controls
    assert c["query"].value == "language"
    assert c["years"].value == (2019, 2023)
    assert c["authors"].value == ["Lovelace"]
    assert c["venue"].value == "ACL"
    assert c["categories"].value == ["cs.CL"]
    assert c["min_citations"].value == 2
    assert c["has_abstract"].value is True
    truth = corpus.search("language").filter(
        year=(2019, None), authors="Lovelace", venue="ACL", categories="cs.CL", min_citations=2, has_abstract=True
    )
    assert ids_of(explorer.corpus) == ids_of(truth)


def test_invalid_values_from_code_raise_with_hints(explorer):
    with pytest.raises(pl.PaperlensError, match=r"did you mean 'cs\.CL'"):
        explorer.categories = ("cs.CLL",)
    with pytest.raises(pl.PaperlensError, match="venue 'ICLR'"):
        explorer.venue = "ICLR"
    with pytest.raises(pl.PaperlensError, match="pair"):
        explorer.years = (2019, 2020, 2021)
    with pytest.raises(pl.PaperlensError, match="sort_by"):
        explorer.sort_by = "color"
    with pytest.raises(pl.PaperNotFoundError):
        explorer.selected = "9999.99999"
    assert explorer.categories == () and explorer.venue is None  # nothing half-applied


def test_years_are_clamped_and_ordered(explorer):
    explorer.years = (2030, 1990)
    assert explorer.years == (2016, 2023)
    explorer.years = 2019
    assert explorer.years == (2019, 2019) and explorer.controls["years"].value == (2019, 2019)


def test_an_error_after_a_click_is_shown_not_raised(explorer, monkeypatch):
    def broken(query):
        raise pl.PaperlensError(f"<b>search of {query!r} failed</b>")

    monkeypatch.setattr(explorer, "_search_scores", broken)
    explorer.controls["query"].value = "graph"  # as typed in the browser: nobody to raise to
    assert "&lt;b&gt;search of &#x27;graph&#x27; failed" in explorer.status.value  # shown, escaped
    monkeypatch.undo()
    explorer.reset()
    assert explorer.status.value == ""


def test_reset_clears_everything(corpus, explorer):
    explorer.set_filters(query="graph", years=(2018, 2019), authors=("Knuth",), venue="ACL", has_abstract=True)
    explorer.filters_box.author_box.value = "kn"
    assert len(explorer.corpus) < len(corpus)
    explorer.filters_box.reset_button.click()
    assert explorer.corpus.ids == corpus.ids
    assert (explorer.query, explorer.years, explorer.authors, explorer.venue) == ("", (2016, 2023), (), None)
    assert explorer.controls["venue"].label == "any venue"
    assert explorer.controls["query"].value == "" and explorer.controls["years"].value == (2016, 2023)
    assert explorer.filters_box.author_box.value == ""
    assert explorer.count_text == f"{len(corpus)} of {len(corpus)} papers"


def test_set_filters_refreshes_once(explorer):
    changes = []
    explorer.observe(changes.append, names="corpus")
    explorer.set_filters(query="graph", years=(2018, 2021), has_abstract=True)
    assert len(changes) == 1
    with pytest.raises(pl.PaperlensError, match="unknown filter"):
        explorer.set_filters(yeras=(2018, 2020))


# --------------------------------------------------------------------------- callbacks


def test_callbacks_fire_on_corpus_and_selection(corpus, explorer):
    seen_corpus, seen_selected = [], []
    explorer.observe(lambda change: seen_corpus.append(change["new"]), names="corpus")
    explorer.observe(lambda change: seen_selected.append(change["new"]), names="selected")
    explorer.controls["query"].value = "kernel"
    assert len(seen_corpus) == 1 and seen_corpus[0] is explorer.corpus
    assert seen_corpus[0].ids == corpus.search("kernel").ids
    explorer.table.click(explorer.table_ids[1])
    assert [p.id for p in seen_selected] == [explorer.table_ids[1]]
    explorer.controls["query"].value = "kernel"  # no change: no notification
    assert len(seen_corpus) == 1


def test_corpus_is_built_when_read_or_observed(corpus, explorer):
    explorer.query = "graph"
    assert explorer._corpus is None  # nobody asked: no Corpus built at the keyboard
    first = explorer.corpus
    assert explorer.corpus is first  # kept until the next change
    with pytest.raises(AttributeError):
        explorer.corpus = corpus  # read-only
    seen = []
    explorer.observe(seen.append, names="corpus")
    explorer.query = "kernel"
    assert len(seen) == 1 and seen[0]["old"] is first and seen[0]["new"] is explorer.corpus
    assert seen[0]["new"].ids == corpus.search("kernel").ids
    explorer.sort_by = "relevance"  # same papers, same order: nothing to report
    explorer.page_size = 10
    assert len(seen) == 1


# --------------------------------------------------------------------------- table: paging and sorting


def test_paging(corpus, explorer):
    ids = corpus.ids
    pages = -(-len(ids) // 10)
    assert explorer.page_count == pages
    assert explorer.table.page_label.value == f"page 1 of {pages}"
    assert explorer.table.prev.disabled and not explorer.table.next.disabled
    explorer.table.next.click()
    assert explorer.page == 2 and explorer.table_ids == ids[10:20]
    explorer.page = pages
    assert explorer.table_ids == ids[(pages - 1) * 10 :] and explorer.table.next.disabled
    explorer.page = 99  # clamped
    assert explorer.page == pages
    explorer.table.prev.click()
    assert explorer.table_ids == ids[(pages - 2) * 10 : (pages - 1) * 10]
    explorer.table.page_size.value = 20
    assert explorer.page_size == 20 and explorer.page == 1 and explorer.table_ids == ids[:20]
    explorer.query = "graph"  # a new filter goes back to page 1
    assert explorer.page == 1


def test_sort_by_clicking_headers(corpus, explorer):
    explorer.table.headers["title"].click()
    by_title = sorted(corpus, key=lambda p: p.title.casefold())
    assert explorer.corpus.ids == [p.id for p in by_title]
    assert explorer.table.headers["title"].description == "title ▲"
    explorer.table.headers["title"].click()  # again: reversed
    assert explorer.ascending is False
    assert explorer.corpus.ids[:5] == [p.id for p in reversed(by_title)][:5]
    assert explorer.table.headers["title"].description == "title ▼"

    explorer.table.headers["year"].click()  # newest first, unknown years last
    papers = explorer.corpus.papers
    years = [p.year for p in papers]
    known = [y for y in years if y is not None]
    assert known == sorted(known, reverse=True)
    assert years[len(known) :] == [None] * (len(years) - len(known))
    dated = [(p.year, p.date) for p in papers if p.date is not None]
    for (y1, d1), (y2, d2) in itertools.pairwise(dated):
        assert y1 > y2 or d1 >= d2  # within a year, by date

    explorer.table.headers["citations"].click()  # most cited first, unknown counts last
    counts = [p.citation_count for p in explorer.corpus]
    known = [c for c in counts if c is not None]
    assert known == sorted(known, reverse=True) and counts[len(known) :] == [None] * (len(counts) - len(known))


def test_sort_survives_filters_and_relevance_comes_back(corpus, explorer):
    explorer.sort_by = "id"
    explorer.ascending = False
    explorer.query = "graph"
    assert explorer.corpus.ids == sorted(corpus.search("graph").ids, reverse=True)
    explorer.sort_by = "relevance"
    explorer.ascending = False
    assert explorer.corpus.ids == corpus.search("graph").ids


def test_the_score_header_marks_the_order_only_while_searching(explorer):
    arrows = lambda: {key: b.description for key, b in explorer.table.headers.items() if b.description[-1] in "▲▼"}  # noqa: E731
    assert explorer.sort_by == "relevance" and arrows() == {}  # no query: the corpus's own order, no column shows it
    explorer.query = "graph"
    assert arrows() == {"relevance": "score ▼"}
    explorer.query = ""
    assert arrows() == {}


def test_table_cells_show_escaped_values(corpus, explorer):
    explorer.query = "script alert"
    assert explorer.table_ids[0] == "2301.99999"
    title_button, cells = explorer.table._pool[0]
    assert title_button.description == HOSTILE_TITLE  # a Button shows plain text, never HTML
    cell_html = "".join(cell.value for cell in cells)
    assert "<img" not in cell_html and "&lt;img" in cell_html
    assert "2301.99999" in cell_html


# --------------------------------------------------------------------------- detail pane


def test_clicking_a_row_shows_the_paper(corpus, explorer):
    explorer.query = "graph networks"
    explorer.table.click("2301.99999")  # the hostile paper
    assert explorer.selected == corpus["2301.99999"]
    assert explorer.table._pool[explorer.table_ids.index("2301.99999")][0].button_style == "info"
    pane = explorer.detail.value
    assert "<script" not in pane and "<img" not in pane and "<b>networks" not in pane
    assert "&lt;script&gt;" in pane and "&lt;img src=x onerror=alert(1)&gt;" in pane
    assert "javascript:" not in pane  # unsafe URL left out
    assert "https://arxiv.org/abs/2301.99999" in pane
    assert "<mark>Graph</mark> &amp; &lt;b&gt;<mark>networks</mark>&lt;/b&gt;" in pane  # escaped, then marked
    assert "R&amp;D" in pane and "&quot;quotes&quot;" in pane
    # in-corpus citations, both ways
    cited_by_truth = sorted(p.id for p in corpus if "2301.00002" in p.references)
    explorer.select("2301.00002")
    pane = explorer.detail.value
    listed = re.findall(r"<li data-paper-id='([^']+)'", pane.split("Cited by")[1])
    assert sorted(listed) == cited_by_truth and cited_by_truth
    explorer.select(None)
    assert "Click a paper" in explorer.detail.value


def test_highlight_escapes_before_marking():
    assert highlight("R&D amp & <amp>", ["amp"]) == "R&amp;D <mark>amp</mark> &amp; &lt;<mark>amp</mark>&gt;"
    assert highlight('quot "quoted"', ["quot"]) == "<mark>quot</mark> &quot;quoted&quot;"
    assert highlight("x27 it's", ["x27"]) == "<mark>x27</mark> it&#x27;s"  # the entity stays whole
    assert highlight("Graphs and graph-based models", ["graph"]) == (
        "<mark>Graphs</mark> and <mark>graph</mark>-based models"
    )
    assert highlight(None, ["x"]) == ""


def test_detail_html_without_a_paper_and_with_a_message():
    paper = pl.Paper.create(title="T", abstract="<a>")
    out = detail_html(paper, neighbours="<not available>")
    assert "&lt;not available&gt;" in out and "&lt;a&gt;" in out


# --------------------------------------------------------------------------- explorer on a subset, index vs core


def test_explorer_on_a_subset_stays_inside_it(corpus):
    subset = corpus.filter(venue=["ICML", "ACL"])
    explorer = Explorer(subset, graph=False)
    assert explorer.count_text == f"{len(subset)} of {len(subset)} papers"
    assert explorer.corpus.ids == subset.ids
    explorer.query = "graph"
    assert ids_of(explorer.corpus) == ids_of(subset.search("graph"))
    assert sorted(v for _, v in explorer.controls["venue"].options) == ["", "ACL", "ICML"]


@settings(max_examples=60, deadline=None)
@given(
    years=st.none() | st.tuples(st.integers(2015, 2024), st.integers(2015, 2024)).map(sorted).map(tuple),
    authors=st.lists(st.sampled_from(["ada", "Turing", "hop", "Liskov", "zzz"]), max_size=2),
    venue=st.sampled_from([None, "NeurIPS", "ICML", "ACL"]),
    categories=st.lists(st.sampled_from(CATEGORIES), max_size=2),
    min_citations=st.integers(0, 40),
    has_abstract=st.booleans(),
)
def test_index_mask_equals_corpus_filter(corpus, years, authors, venue, categories, min_citations, has_abstract):
    index = FilterIndex.of(corpus)
    mask = index.mask(
        years=years,
        authors=authors,
        venue=venue,
        categories=categories,
        min_citations=min_citations,
        has_abstract=has_abstract,
    )
    criteria = {
        "year": years,
        "authors": authors or None,
        "venue": venue,
        "categories": categories or None,
        "min_citations": min_citations or None,
        "has_abstract": True if has_abstract else None,
    }
    truth = corpus.filter(**criteria)
    assert {corpus.ids[i] for i in np.flatnonzero(mask)} == ids_of(truth)


def test_filters_constant_lists_every_trait(explorer):
    for name in FILTERS:
        assert explorer.has_trait(name) and name in explorer.controls


# --------------------------------------------------------------------------- debouncing (with an event loop)


def test_typing_is_debounced_on_an_event_loop(corpus):
    async def scenario() -> None:
        explorer = Explorer(corpus, graph=False, debounce=0.05)
        searches = []
        original = explorer._search_scores
        explorer._search_scores = lambda q: searches.append(q) or original(q)
        for text in ("g", "gr", "gra", "graph"):
            explorer.controls["query"].value = text  # keystrokes
        assert explorer.query == "" and explorer.count_text == f"{len(corpus)} of {len(corpus)} papers"
        await asyncio.sleep(0.15)
        assert explorer.query == "graph" and searches == ["graph"]  # one search, after the pause
        assert explorer.corpus.ids == corpus.search("graph").ids
        explorer.controls["query"].value = "kern"
        explorer.query = "soup"  # code wins over a pending keystroke
        await asyncio.sleep(0.15)
        assert explorer.query == "soup" and explorer.controls["query"].value == "soup"

    asyncio.run(scenario())


FIXTURES = Path(__file__).parent / "fixtures"


# --------------------------------------------------------------------------- graph pane


def test_graph_redraws_on_filters_and_says_what_is_hidden(corpus):
    explorer = Explorer(corpus, graph_kind="citation", max_nodes=12, page_size=5)
    pane = explorer.graph_pane
    first = pane.draws
    assert first >= 1 and pane.view.doc.startswith("<!DOCTYPE html>") and len(pane.drawn_ids) == 12
    assert f"of {len(corpus)} papers" in pane.caption.value
    assert f"{len(corpus) - 12} more hidden" in pane.caption.value
    explorer.query = "graph"
    assert pane.draws == first + 1
    shown = min(12, len(corpus.search("graph")))
    assert f"data-nodes='{shown}'" in pane.caption.value
    drawn = pane.drawn_ids
    explorer.select(drawn[-1])  # a paper already drawn is ringed in place: no redraw
    assert pane.draws == first + 1 and pane.view.selected_id == drawn[-1] and pane.drawn_ids == drawn
    explorer.query = ""
    assert pane.draws == first + 2 and len(pane.drawn_ids) == 12
    # the selected paper is drawn even when it is past the cap (a redraw, as it was not in the picture)
    last = next(pid for pid in explorer.corpus.ids[::-1] if pid not in pane.drawn_ids)
    explorer.select(last)
    assert pane.draws == first + 3
    assert last in pane.drawn_ids and len(pane.drawn_ids) == 12 and pane.view.selected_id == last
    explorer.graph_pane.kind_control.value = "citation"  # unchanged: no redraw
    assert pane.draws == first + 3


def test_graph_drawing_waits_for_a_pause_on_an_event_loop(corpus):

    async def scenario() -> None:
        explorer = Explorer(corpus, graph_kind="citation", graph_delay=0.05)
        assert explorer.graph_pane.draws == 1  # a small corpus is drawn with the cell
        explorer.query = "graph"
        explorer.years = (2017, 2021)
        explorer.select(explorer.corpus.ids[0])
        assert explorer.graph_pane.draws == 1  # scheduled, not drawn
        await asyncio.sleep(0.3)
        assert explorer.graph_pane.draws == 2  # one redraw for the burst of changes

    asyncio.run(scenario())


def test_empty_corpus_and_papers_without_years():
    empty = Explorer(pl.Corpus([]), graph=False)
    assert empty.count_text == "0 of 0 papers" and empty.table_ids == [] and empty.years is None
    empty.query = "anything"
    assert empty.count_text == "0 of 0 papers"
    assert empty.table.empty.layout.display != "none"  # "No paper matches" is shown
    undated = pl.Corpus([pl.Paper.create(title="A graph"), pl.Paper.create(title="B nets", abstract="graph")])
    explorer = Explorer(undated, graph=False)
    assert explorer.years is None and explorer.controls["years"].disabled
    explorer.years = (2000, 2001)  # nothing to filter on: ignored, not an error
    assert explorer.years is None and explorer.count_text == "2 of 2 papers"


def test_a_failing_graph_does_not_stop_the_explorer(corpus, monkeypatch):
    import paperlens.display.graphview as graphview

    def broken(*args, **kwargs):
        raise pl.PaperlensError("no graph today")

    monkeypatch.setattr(graphview, "graph", broken)
    explorer = Explorer(corpus, graph_kind="citation")
    assert "no graph today" in explorer.status.value
    explorer.query = "graph"  # still filters
    assert explorer.corpus.ids == corpus.search("graph").ids


def test_the_selected_paper_is_marked_in_the_graph(corpus, monkeypatch):
    import paperlens.display.graphview as graphview

    views = []
    real = graphview.graph

    def spy(*args, **kwargs):
        views.append(real(*args, **kwargs))
        return views[-1]

    monkeypatch.setattr(graphview, "graph", spy)
    explorer = Explorer(corpus, graph_kind="citation", max_nodes=10)
    assert views[-1].highlight == ()
    last = explorer.corpus.ids[-1]  # past the cap of 10: drawn anyway, marked
    explorer.select(last)
    scene = views[-1].scene
    nodes = scene.nodes
    assert [nodes[i] for i in scene.highlight] == [last]
    assert len(nodes) == 10 and last in nodes
    page = views[-1].to_html()
    assert f'"highlight":[{nodes.index(last)}]' in page


def test_find_topics_runs_in_a_thread_and_fills_the_select(corpus):
    import threading

    from paperlens.display.explorer_state import TOPIC_STAGES
    from paperlens.graphs.structure import community_table

    explorer = Explorer(corpus, graph=False, communities=False)
    assert not explorer.topics
    started = threading.Event()
    release = threading.Event()
    real = explorer.load_topics

    def slow(on_step) -> bool:  # stands for minutes of fitting and Louvain
        started.set()
        release.wait(30)
        return real(on_step)

    explorer.load_topics = slow
    bar = explorer.filters_box.topics_progress
    assert bar.layout.display == "none"
    shown = []
    bar.observe(lambda change: shown.append((change["new"], explorer.status.value)), "value")
    explorer.filters_box.find_topics.click()  # returns at once: the kernel is free meanwhile
    assert started.wait(30)
    button = explorer.filters_box.find_topics
    assert button.disabled and "finding" in button.description and "background" in explorer.status.value
    assert bar.layout.display is None and bar.value == 0.0  # the bar shows from the start
    explorer.community = None  # the explorer still answers
    release.set()
    explorer._topics_thread.join(60)
    # The bar went through the stages in order, each named in the status line, and is hidden again.
    assert [value for value, _ in shown] == [*TOPIC_STAGES[1:], 1.0]
    assert "neighbours" in shown[0][1] and "Louvain" in shown[1][1] and "naming" in shown[2][1]
    assert bar.layout.display == "none"
    table = community_table(corpus, kind="concept")
    assert len(explorer.topics) == sum(len(ids) >= 2 for ids in table["ids"]) > 0
    assert len(explorer.controls["community"].options) == len(explorer.topics) + 1
    assert not button.disabled


def test_load_topics_stages_do_each_piece_of_work_once(monkeypatch):
    """The stages load_topics runs one by one are the ones community_table would run: nothing is done twice."""
    import paperlens.graphs.knn as knn
    from paperlens.display.explorer_state import ExplorerState
    from paperlens.graphs.concepts import ConceptModel
    from paperlens.graphs.structure import community_table

    calls = {"fit": 0, "kneighbors": 0}
    real_fit, real_search = ConceptModel.fit, knn.kneighbors

    def fit(self, *args, **kwargs):
        calls["fit"] += 1
        return real_fit(self, *args, **kwargs)

    def search(*args, **kwargs):
        calls["kneighbors"] += 1
        return real_search(*args, **kwargs)

    monkeypatch.setattr(ConceptModel, "fit", fit)
    monkeypatch.setattr(knn, "kneighbors", search)
    fresh = pl.Corpus(_papers())
    state = ExplorerState(fresh, communities=False)
    assert calls == {"fit": 0, "kneighbors": 0}
    assert state.load_topics(lambda done, stage: None)
    assert calls == {"fit": 1, "kneighbors": 1}
    community_table(fresh, kind="concept")  # what the stages filled is what community_table reads
    assert calls == {"fit": 1, "kneighbors": 1}


def test_topics_and_concept_neighbours(corpus):
    from paperlens.graphs.structure import community_table

    explorer = Explorer(corpus, graph=False)
    table = community_table(corpus, kind="concept")
    groups = [sorted(ids) for ids in table["ids"] if len(ids) >= 2]
    assert len(explorer.topics) == len(groups) > 0
    options = explorer.controls["community"].options
    assert options[0] == ("any topic", -1) and len(options) == len(groups) + 1
    code = options[1][1]
    explorer.controls["community"].value = code
    assert sorted(explorer.corpus.ids) in groups
    assert explorer.community == code
    explorer.community = None
    assert explorer.controls["community"].label == "any topic" and len(explorer.corpus) == len(corpus)
    explorer.community = explorer.topics[code]  # by label too
    assert explorer.community == code
    with pytest.raises(pl.PaperlensError, match="unknown topic"):
        explorer.community = "not a topic at all"

    paper = corpus["2301.00002"]
    explorer.select(paper)
    explorer.flush()
    truth = corpus.similar(paper, n=5)
    pane = explorer.detail.value.split("Nearest by concepts")[1].split("Cites (")[0]
    assert re.findall(r"<li data-paper-id='([^']+)'", pane) == truth["id"].tolist()
    first_shared = truth["shared_concepts"].iloc[0]
    first_shared = first_shared if isinstance(first_shared, str) else "; ".join(first_shared)
    assert html.escape(first_shared.split(";")[0].strip()) in pane


def test_big_corpora_do_not_fit_the_concept_model_unasked(monkeypatch):
    import paperlens.display.explorer_state as state_module
    from paperlens.graphs.concepts import find_fitted_model

    monkeypatch.setattr(state_module, "_CONCEPT_AUTO_LIMIT", 10)  # "big" = more than 10 papers here
    fresh = pl.Corpus(_papers())
    explorer = Explorer(fresh, graph=False)
    assert explorer.graph_kind == "citation"  # the default avoids a first fit
    explorer.select("2301.00002")
    assert "not fitted yet" in explorer.detail.value
    assert find_fitted_model(fresh) is None
    fresh.concept_model()  # the user fits it once
    explorer.select("2301.00004")
    assert "not fitted yet" not in explorer.detail.value and "shared:" in explorer.detail.value
    assert Explorer(fresh, graph=False).graph_kind == "both"


# --------------------------------------------------------------------------- issue 11: keywords, no years


def _keyword_corpus() -> pl.Corpus:
    return pl.Corpus(
        [
            pl.Paper.create(title="Soups", keywords=("to read", "Weight averaging"), year=2022),
            pl.Paper.create(title="Adapters", keywords=("weight averaging",), year=2021),
            pl.Paper.create(title="Attention", categories=("to read",), year=2017),  # a category, not a keyword
            pl.Paper.create(title="Graphs", year=2020),
        ]
    )


def test_keywords_filter_like_corpus_filter_and_only_offer_what_is_there():
    corpus = _keyword_corpus()
    explorer = Explorer(corpus, graph=False)
    # Every keyword of the papers as spelt (one paper each: first seen first); not the "to read" category.
    assert explorer.controls["keywords"].allowed_tags == ["to read", "Weight averaging", "weight averaging"]
    explorer.controls["keywords"].value = ["weight averaging"]
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(keywords="weight averaging")) == {corpus[0].id, corpus[1].id}
    explorer.keywords = ("TO READ",)  # any case, shown as the papers spell it
    assert explorer.keywords == ("to read",) and ids_of(explorer.corpus) == {corpus[0].id}
    with pytest.raises(pl.FieldError, match="keyword"):
        explorer.keywords = ("cs.LG",)
    explorer.reset()
    assert explorer.keywords == () and len(explorer.corpus) == 4


def test_the_keywords_row_is_hidden_when_no_paper_has_keywords(corpus):
    explorer = Explorer(corpus, graph=False)
    row = next(box for box in explorer.filters_box.children if explorer.controls["keywords"] in box.children)
    assert row.layout.display == "none"
    shown = Explorer(_keyword_corpus(), graph=False)
    row = next(box for box in shown.filters_box.children if shown.controls["keywords"] in box.children)
    assert row.layout.display != "none"


def test_the_year_slider_says_why_it_is_off_when_no_paper_has_a_year():
    undated = pl.Corpus([pl.Paper.create(title="A"), pl.Paper.create(title="B", doi="10.1000/b")])
    explorer = Explorer(undated, graph=False)
    years = explorer.controls["years"]
    assert years.disabled and not years.readout  # no "0 – 0"
    assert years.tooltip == "no paper here has a year"
    note = explorer.filters_box.years_note
    assert note.layout.display != "none" and "no paper here has a year" in note.value
    dated = Explorer(_keyword_corpus(), graph=False)
    assert not dated.controls["years"].disabled and dated.controls["years"].readout
    assert dated.filters_box.years_note.layout.display == "none"


def _press_enter(box) -> None:
    """What the front end sends when Enter is pressed in a text box."""
    box._handle_custom_msg({"event": "submit"}, [])


def test_enter_in_the_type_ahead_boxes_adds_the_typed_value(corpus):
    explorer = Explorer(corpus, graph=False)
    boxes = explorer.filters_box
    boxes.author_box.value = "hop"  # part of a name, no suggestion picked
    assert explorer.authors == ()
    _press_enter(boxes.author_box)
    assert explorer.authors == ("hop",) and boxes.author_box.value == ""
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(authors="hop"))
    boxes.category_box.value = CATEGORIES[1].upper()  # any case; added as the papers spell it
    _press_enter(boxes.category_box)
    assert explorer.categories == (CATEGORIES[1],) and boxes.category_box.value == ""
    assert ids_of(explorer.corpus) == ids_of(corpus.filter(authors="hop", categories=CATEGORIES[1]))
    boxes.category_box.value = "no such category"
    _press_enter(boxes.category_box)
    assert explorer.categories == (CATEGORIES[1],) and boxes.category_box.value == "no such category"
    boxes.category_box.value = CATEGORIES[2]  # picking a suggestion adds it without Enter
    assert explorer.categories == (CATEGORIES[1], CATEGORIES[2])


def test_enter_adds_a_keyword():
    explorer = Explorer(_keyword_corpus(), graph=False)
    explorer.filters_box.keyword_box.value = "to read"
    assert explorer.keywords == ("to read",)  # a suggestion: added as typed
    explorer.filters_box.keyword_box.value = "WEIGHT AVERAGING"
    _press_enter(explorer.filters_box.keyword_box)
    assert explorer.keywords == ("to read", "Weight averaging")


def test_graph_draws_the_top_papers_by_ranking_not_table_order_and_its_size_is_chosen(monkeypatch):
    # issue 16.8 on a real OpenAlex set: after an alphabetical sort the graph still shows the most cited
    # papers (or the best matches of a query), and the "papers" box sets how many.
    import warnings as _warnings

    from paperlens.display import graphview

    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", pl.LoadWarning)
        real_set = pl.read(FIXTURES / "openalex_citation_sets" / "Donners_2021" / "works_1.zip")
    views = []
    real = graphview.graph

    def spy(*args, **kwargs):
        views.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(graphview, "graph", spy)
    explorer = Explorer(real_set, graph_kind="citation", max_nodes=10)
    explorer.sort_by, explorer.ascending = "title", True
    explorer._draw_graph()
    df = real_set.df
    table = df.set_index("id").loc[explorer.corpus.ids]
    expected = table["citation_count"].fillna(-1).sort_values(ascending=False, kind="stable").index[:10]
    assert set(views[-1].ids) == set(expected)
    assert set(views[-1].ids) != set(explorer.corpus.ids[:10])  # not the first ten of the alphabetical order
    assert "the 10 most cited" in explorer.graph_pane.caption.value
    explorer.query = "emicizumab prophylaxis"
    explorer._draw_graph()
    assert set(views[-1].ids) == set(real_set.search("emicizumab prophylaxis", top=10).ids)
    explorer.graph_pane.size_control.value = 25
    explorer._draw_graph()
    assert len(views[-1]) == 25 and "data-nodes='25'" in explorer.graph_pane.caption.value


def test_count_says_the_syntax_and_why_nothing_matched(corpus):
    explorer = Explorer(corpus, graph=False)
    explorer.query = "language zzyzx"
    count = explorer.count.value
    assert "data-count='0'" in count and "no paper matches &#x27;zzyzx&#x27;" in count
    assert "every word must match" in count and "year:2020..2023" in count
    explorer.query = "language model"
    assert "pl-why" not in explorer.count.value
