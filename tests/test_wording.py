"""Small words and first views (issue 11, item 7): counts of one read as English, the load report
shows as a table in a notebook, and the explorer opens on the links the corpus has."""

from __future__ import annotations

from html.parser import HTMLParser

import networkx as nx
import pytest

import paperlens as pl
from paperlens.display.explorer import Explorer
from paperlens.display.explorer_detail import detail_html
from paperlens.display.graphview import GraphView
from paperlens.display.scene import PALETTE
from paperlens.report import FileReport, LoadReport


@pytest.mark.parametrize(("count", "words"), [(1, "cited once"), (2, "cited twice"), (7, "cited 7 times")])
def test_the_detail_pane_says_cited_once(count, words):
    html = detail_html(pl.Paper.create(title="A", citation_count=count))
    assert words in html and "1 times" not in html


def test_one_smaller_community_is_singular():
    graph = nx.Graph()
    for i in range(len(PALETTE) + 1):  # one two-paper community more than there are colours
        graph.add_edge(f"a{i}", f"b{i}")
    (legend,) = [
        g for g in GraphView.from_networkx(graph, color_by="community").scene.legend if "community" in g.heading
    ]
    assert legend.items[-1][1] == "1 smaller community, 2 papers (colours repeat)"


def test_a_report_of_one_record_says_record():
    step = FileReport(file="one.bib", format="bibtex", records=1, loaded=1)
    assert str(step) == "one.bib (bibtex): 1 record, 1 loaded, 0 merged, 0 skipped"
    assert LoadReport([step]).summary() == "read 1 file: 1 record, 1 loaded, 0 merged as duplicates, 0 skipped"


def test_citation_notes_count_one_reference_in_the_singular():
    corpus = pl.Corpus([pl.Paper.create(title="A", references=("10.1000/elsewhere",)), pl.Paper.create(title="B")])
    with pytest.warns(pl.GraphWarning):
        notes = corpus.citation_graph().graph["notes"]
    assert notes.startswith("No citation links: the 2 papers list 1 reference, but it does not point to another")
    assert "(1 is an identifier of works outside this corpus)" in notes


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self._cell: list[str] | None = None
        self._in_li = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "li":
            self._in_li = True
            self.items.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "li":
            self._in_li = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_li:
            self.items[-1] += data


def test_the_load_report_shows_as_an_escaped_table(tmp_path):
    path = tmp_path / "<img src=x onerror=alert(1)>&.bib"
    path.write_text("@misc{a, title={A}}\n@misc{b, note={<script>alert(1)</script> no title}}\n", encoding="utf-8")
    report = pl.read(path, warn=False).report
    html = report._repr_html_()
    assert "<script>" not in html and "<img" not in html  # every value escaped
    cells = _Cells()
    cells.feed(html)
    assert cells.rows[0] == ["file", "format", "records", "loaded", "merged", "skipped"]
    assert cells.rows[1:] == [[str(path), "bibtex", "2", "1", "0", "1"]]
    (skip,) = report.skipped
    assert cells.items == [f"{path}, {skip.where} skipped: {skip.reason}"]


def test_the_explorer_opens_on_the_links_the_corpus_has(tmp_path):
    pl.load_sample()[:12].to_bibtex(tmp_path / "lib.bib")  # BibTeX holds no references
    library = pl.read(tmp_path / "lib.bib", warn=False)
    assert len(library) == 12 and not any(p.references for p in library)
    assert Explorer(library, graph=False).graph_kind == "concept"  # no reference lists: no citation to draw
    assert Explorer(pl.load_sample(), graph=False).graph_kind == "both"  # the sample cites itself
