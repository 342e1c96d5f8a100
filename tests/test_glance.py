"""The glance view (display/glance.py) and the explorer's glance pane, without a browser."""

from __future__ import annotations

import base64
import io
import json
from html.parser import HTMLParser

import pandas as pd
import pytest

import paperlens as pl
from paperlens.display.glance import VEGALITE_MIME, Glance
from paperlens.graphs import trends

HOSTILE = '<img src=x onerror="alert(1)">"); alert(2); ("'


@pytest.fixture(scope="module")
def sample() -> pl.Corpus:
    return pl.load_sample()


def datasets_of(spec: dict) -> list[list[dict]]:
    return list(spec["datasets"].values())


def rows_with(spec: dict, key: str) -> list[dict]:
    """The inline data rows that have ``key``, from every dataset of the spec."""
    return [row for rows in datasets_of(spec) for row in rows if key in row]


def test_the_bundle_is_vega_lite_5_with_text_and_a_png(sample):
    data, metadata = sample.glance()._repr_mimebundle_()
    assert set(data) == {VEGALITE_MIME, "text/plain", "image/png"}
    assert VEGALITE_MIME == "application/vnd.vegalite.v5+json"
    spec = data[VEGALITE_MIME]
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v5.json"
    json.dumps(spec)  # JSON-ready, as a kernel sends it
    assert metadata[VEGALITE_MIME]["embed_options"]["actions"]["editor"] is False  # no link out to the Vega editor
    assert "69 papers" in data["text/plain"]


def test_the_png_decodes_to_a_picture(sample):
    from PIL import Image

    png = base64.b64decode(sample.glance()._repr_mimebundle_()[0]["image/png"])
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    assert picture.width > 400 and picture.height > 300
    colours = picture.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 20  # bars and text, not a blank canvas


def test_static_false_leaves_the_png_out(sample):
    data, _ = sample.glance(static=False)._repr_mimebundle_()
    assert "image/png" not in data


def test_the_spec_carries_the_trends_tables(sample):
    view = sample.glance(by="category")
    spec = view.spec()
    years = trends.papers_per_year(sample, by="category", n=10)
    got = sorted((r["year"], r["group"], r["papers"]) for r in rows_with(spec, "group"))
    want = sorted((int(y), g, int(p)) for y, g, p in years.dropna(subset=["year"]).itertuples(index=False))
    assert got == want
    authors = trends.top_authors(sample, 10)
    assert [(r["author"], r["papers"]) for r in rows_with(spec, "author")] == list(
        zip(authors["author"], authors["papers"].tolist(), strict=True)
    )
    categories = trends.top_categories(sample, 10)
    assert [r["category"] for r in rows_with(spec, "category")] == categories["category"].tolist()
    assert rows_with(spec, "venue") == []  # no paper of the sample has a venue: no chart, and a note says so
    assert any("No venue for 69 of 69" in note for note in view.notes)


def test_by_topic_stacks_the_map_s_topics(sample):
    spec = sample.glance(by="topic").spec()
    topics = set(trends.paper_topics(sample))
    groups = {r["group"] for r in rows_with(spec, "group")}
    assert groups <= topics | {trends.OTHER}
    assert len(groups - {trends.OTHER}) >= 5


def test_auto_does_not_find_topics_of_a_big_uncomputed_root(monkeypatch, sample):
    from paperlens.display import glance

    monkeypatch.setattr(glance, "TOPICS_AUTO_LIMIT", 10)
    fresh = pl.Corpus(list(sample))  # a new root: no topics found on it yet
    view = fresh.glance()
    assert view.by_name == "category"
    assert "not found yet" in view.notes[0]
    assert not trends.topics_known(fresh)


def test_hostile_values_are_data_not_html_nor_expressions(sample):
    papers = [
        pl.Paper.create(title=HOSTILE, authors=(HOSTILE, "B"), venue=HOSTILE, categories=(HOSTILE,), year=2020 + i % 2)
        for i in range(6)
    ]
    view = pl.Corpus(papers).glance(by="category")
    spec = view.spec()
    data_free = {k: v for k, v in spec.items() if k != "datasets"}
    text = json.dumps(data_free)
    # outside the inline data the hostile string appears only as values of the colour scale's domain
    for chart in spec["vconcat"][0:1]:
        assert chart["encoding"]["color"]["scale"]["domain"] == [HOSTILE]
    assert text.count(json.dumps(HOSTILE)[1:-1]) == 1
    assert "expr" not in text and "calculate" not in text
    assert {r["author"] for r in rows_with(spec, "author")} == {HOSTILE, "B"}

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

    parser = Tags()
    parser.feed(view.to_html())
    assert parser.tags.count("img") == 1  # the picture; the hostile <img> is text
    assert "script" not in parser.tags


def test_save_writes_the_formats(tmp_path, sample):
    view = sample.glance()
    assert view.save(tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in view.save(tmp_path / "g.svg").read_text("utf-8")[:400]
    assert json.loads(view.save(tmp_path / "g.json").read_text("utf-8"))["$schema"] == view.spec()["$schema"]
    page = view.save(tmp_path / "g.html").read_text("utf-8")
    assert "http://" not in page and "<script" not in page  # offline: the only https:// would be a link
    with pytest.raises(pl.InvalidArgumentError, match=r"\.png"):
        view.save(tmp_path / "g.xlsx")


def test_glance_of_an_empty_corpus_still_displays():
    data, _ = pl.Corpus([]).glance()._repr_mimebundle_()
    assert data["text/plain"].startswith("<Glance: 0 papers")


def test_the_explorer_pane_follows_the_filters(sample):
    explorer = sample.explore(graph=False, glance=True)
    pane = explorer.glance_pane
    before = pane.output.outputs[0]["data"][VEGALITE_MIME]
    assert sum(r["papers"] for r in rows_with(before, "group")) == 69
    explorer.years = (2023, 2023)
    after = pane.output.outputs[0]["data"][VEGALITE_MIME]
    years = {r["year"] for r in rows_with(after, "group")}
    assert years == {2023}
    assert sum(r["papers"] for r in rows_with(after, "group")) == len(sample.filter(year=(2023, 2023))) == 23
    # stacked by the explorer's own topics (its topic filter's names)
    topic_names = set(explorer.topics.values()) | {"none", trends.OTHER}
    assert {r["group"] for r in rows_with(after, "group")} <= topic_names
    assert "data-papers='23'" in pane.caption.value
    explorer.query = "language model"
    final = pane.output.outputs[0]["data"][VEGALITE_MIME]
    wanted = sample.search("language model").filter(year=(2023, 2023))
    counted = pd.Series([a for p in wanted for a in dict.fromkeys(p.authors)]).value_counts()
    top = rows_with(final, "author")[0]
    assert top["papers"] == counted.max()


def test_the_explorer_has_no_glance_pane_unless_asked(sample):
    assert sample.explore(graph=False).glance_pane is None


def test_glance_is_not_a_corpus_only_name():
    assert Glance.__module__ == "paperlens.display.glance"


def test_a_topic_has_the_maps_colour_in_the_glance():
    corpus = pl.load_sample()
    view = corpus.map()
    scale = corpus.glance(by="topic").charts["years"].to_dict()["encoding"]["color"]["scale"]
    glance_colors = dict(zip(scale["domain"], scale["range"], strict=True))
    named = [g for g in view.data["community"].unique() if g in glance_colors]
    assert len(named) >= 5  # the map's labelled communities are the glance's topics
    for topic in named:
        on_map = set(view.data.loc[view.data["community"] == topic, "color"])
        assert on_map == {glance_colors[topic]}, topic
