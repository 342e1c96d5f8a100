"""Hostile input through every HTML path: nothing from the data becomes markup, no link but http(s).

One payload set (script breakers, attribute breakers, ``javascript:`` / ``data:``
URLs, comments, U+2028, template braces, pre-escaped text) fills every text field
of a few papers. Each HTML path then renders them: ``Corpus._repr_html_``,
``Paper._repr_html_``, the graph view (``_repr_html_``, ``embed_html``, ``to_html``,
``save``, with hostile node ids, attributes, edge kinds and titles too), the
explorer (table, detail pane, graph pane, count line, status line) and the
``paperlens graph`` command's file. The same papers also go through each writer and
``pl.read`` first, so a reader cannot smuggle markup in either.

The HTML is parsed (``html.parser``; a ``srcdoc`` attribute is parsed as the
document it is) and checked against an allow-list: every element and attribute
name must be one paperlens writes itself, no ``on*`` attribute, every ``href`` is
http(s), scripts only inside graph documents and only the fixed ones (the vis
script, the drawing script, the JSON data block), no comments. Independently of
the allow-list, each payload must come back intact as text (or as a JSON string
in the graph's data block).
"""

from __future__ import annotations

import io
import itertools
import json
import re
import warnings
import xml.etree.ElementTree as ET
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from html.parser import HTMLParser

import networkx as nx
import pytest

import paperlens as pl
from paperlens import cli
from paperlens.display import vis
from paperlens.display.graphview import GraphView
from paperlens.display.tables import corpus_html, paper_html
from paperlens.record import Paper

# --------------------------------------------------------------------------- the payloads

PAYLOADS = {
    "script": "<script>window.__pwned=1;alert(1)</script>",
    "script_breakout": "</script><script>window.__pwned=2</script>",
    "img": "<img src=x onerror=alert(1)>",
    "attr_double": '" onmouseover="alert(1)',
    "attr_single": "' onfocus='x",
    "iframe_breakout": "</iframe><script>alert(3)</script>",
    "comment": "<!-- open comment",
    "line_separators": "line\u2028separator\u2029paragraph",
    "template": "{{constructor.constructor('alert(4)')()}} ${alert(5)}",
    "pre_escaped": "&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &#60;i&#62;",
    "svg": "<svg/onload=alert(6)>",
    "style": "<style>body{display:none}</style>",
}
URLS = (
    "javascript:alert(1)",
    " JaVaScRiPt:alert(2)",
    "data:text/html,<script>alert(3)</script>",
    "vbscript:msgbox(1)",
    'https://example.org/a"onmouseover="alert(4)',
    "https://example.org/a'><script>alert(5)</script>",
    "//example.org/protocol-relative",
    "java\nscript:alert(6)",
)
SAFE_URL = "https://example.org/fine?a=1&b=2"

# Everything paperlens writes itself. Anything else in the output came from the data.
ALLOWED_TAGS = {
    "a", "b", "body", "br", "code", "div", "head", "html", "i", "iframe", "li", "line", "mark", "meta", "p",
    "polygon", "pre", "q", "script", "small", "span", "style", "svg", "table", "tbody", "td", "th", "thead",
    "title", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRS = {
    "aria-hidden", "charset", "class", "content", "data-count", "data-draw", "data-nodes", "data-paper-id",
    "fill", "height", "href", "id", "lang", "loading", "name", "points", "rel", "role", "sandbox", "srcdoc",
    "stroke", "stroke-dasharray", "stroke-width", "style", "target", "title", "type", "width", "x1", "x2",
    "y1", "y2",
}  # fmt: skip
# Attribute values that may hold data as text (the parser has decoded them).
TEXT_ATTRS = {"title", "data-paper-id"}
SAFE_STYLE = re.compile(r"[#\w\s:;%.,()'\-/]*\Z")


# --------------------------------------------------------------------------- the checker


@dataclass
class Parsed:
    """What one HTML document holds: elements, scripts, style blocks, comments, text; srcdoc documents inside."""

    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    scripts: list[tuple[dict[str, str], str]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    inner: list[Parsed] = field(default_factory=list)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()
        self._raw: tuple[str, dict[str, str]] | None = None
        self._raw_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.out.elements.append((tag, attrs))
        if tag in ("script", "style"):
            self._raw, self._raw_text = (tag, attrs), []
        if "srcdoc" in attrs:
            self.out.inner.append(parse(attrs["srcdoc"]))

    def handle_startendtag(self, tag, attrs):
        self.out.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            body = "".join(self._raw_text)
            if tag == "script":
                self.out.scripts.append((self._raw[1], body))
            else:
                self.out.styles.append(body)
            self._raw = None

    def handle_data(self, data):
        if self._raw is not None:
            self._raw_text.append(data)
        else:
            self.out.text.append(data)

    def handle_comment(self, data):
        self.out.comments.append(data)

    def unknown_decl(self, data):  # <![CDATA[ ... ]]> and the like
        self.out.comments.append(data)


def parse(html: str) -> Parsed:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.out


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


@dataclass
class Checked:
    """What the checker found: all text, attribute text and JSON strings, over every nested document."""

    text: str = ""
    attribute_text: list[str] = field(default_factory=list)
    json_strings: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    documents: int = 0

    def shows(self, payload: str) -> bool:
        """Whether ``payload`` is shown intact (whitespace runs may be collapsed) as text, attribute or JSON text."""
        want = " ".join(payload.split())
        pools = [self.text, *self.attribute_text, *self.json_strings]
        return any(want in " ".join(pool.split()) for pool in pools)


def check_html(html: str, *, graph_documents: int | None = None, standalone: bool = False) -> Checked:
    """Assert ``html`` holds no markup from the data; return what it shows, for the payload checks.

    ``standalone``: ``html`` is a graph page of its own (``GraphView.to_html``), whose fixed scripts are allowed.
    """
    result = Checked()
    _check(parse(html), result, top=not standalone)
    if graph_documents is not None:
        assert result.documents == graph_documents, f"{result.documents} srcdoc documents, not {graph_documents}"
    return result


def _check(doc: Parsed, result: Checked, *, top: bool) -> None:
    assert not doc.comments, f"a comment or declaration in the output: {doc.comments[:2]}"
    for tag, attrs in doc.elements:
        assert tag in ALLOWED_TAGS, f"element <{tag}> {attrs} does not come from paperlens"
        for name, value in attrs.items():
            assert name in ALLOWED_ATTRS and not name.startswith("on"), f"attribute {name}={value!r} on <{tag}>"
            if name == "href":
                assert re.match(r"https?://[^\s\"'<>]+\Z", value), f"unsafe link {value!r}"
                result.hrefs.append(value)
            elif name == "style":
                assert SAFE_STYLE.match(value) and "url(" not in value, f"style {value!r}"
            elif name in TEXT_ATTRS:
                result.attribute_text.append(value)
            elif name == "srcdoc":
                assert tag == "iframe"
                assert "allow-same-origin" not in attrs.get("sandbox", "allow-same-origin"), attrs.get("sandbox")
        if tag == "script":
            assert not top, "a <script> outside a sandboxed graph document"
            assert "src" not in attrs
    for style in doc.styles:
        assert style.strip() in (vis.STYLE.strip(),) or style.lstrip().startswith(".paperlens-explorer"), style[:80]
    for attrs, body in doc.scripts:
        if attrs.get("type") == "application/json":
            assert attrs.get("id") == "pl-data"
            assert not re.search(r"[<>&\u2028\u2029]", body), "a raw < > & or line separator in the data block"
            result.json_strings.extend(_json_strings(json.loads(body)))
        else:
            assert body in (vis.vis_network_js(), vis.SCRIPT), f"an unexpected script: {body[:80]!r}"
    result.text += doc.all_text
    for inner in doc.inner:
        result.documents += 1
        _check(inner, result, top=False)


# --------------------------------------------------------------------------- hostile papers


def hostile_papers() -> list[Paper]:
    """One paper per payload, each text field an attack; plus papers linking them by citations."""
    papers = []
    names = list(PAYLOADS)
    for i, name in enumerate(names):
        payload = PAYLOADS[name]
        papers.append(
            Paper.create(
                id=f"pl:{payload}" if i % 4 == 0 else None,  # an explicit id (e.g. a BibTeX key) is data too
                title=f"{payload} title {i}",
                authors=(payload, f"Doe, J. {i}", "{Brace}, A."),
                abstract=f"graph {payload} abstract {PAYLOADS[names[(i + 1) % len(names)]]}",
                venue=f"{payload} venue",
                categories=(payload, "cs.LG"),
                year=2015 + i,
                doi=f"10.1234/x{i}" if i % 3 else None,
                arxiv_id=f"2001.{i:05d}" if i % 3 == 1 else None,
                url=URLS[i % len(URLS)],
                references=tuple(f"10.1234/x{j}" for j in range(1, i) if j % 3),
                citation_count=i,
            )
        )
    papers.append(Paper.create(title="A harmless paper", year=2020, url=SAFE_URL, doi="10.1234/harmless"))
    return papers


@pytest.fixture(scope="module")
def hostile() -> pl.Corpus:
    return pl.Corpus(hostile_papers())


def assert_payloads_shown(checked: Checked, names=PAYLOADS) -> None:
    missing = [name for name in names if not checked.shows(PAYLOADS[name])]
    assert not missing, f"payloads not shown as text: {missing}"


def test_checker_catches_markup_from_data():
    """The checker itself can fail: unescaped output and bad links are caught."""
    for bad in (
        "<b>" + PAYLOADS["img"] + "</b>",
        "<span title='" + PAYLOADS["attr_single"] + "'>x</span>",
        '<span title="' + PAYLOADS["attr_double"] + '">x</span>',
        "<a href='javascript:alert(1)'>x</a>",
        "<p>" + PAYLOADS["comment"] + " --></p>",
        PAYLOADS["script"],
        '<iframe sandbox="allow-scripts" srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
        '<iframe sandbox="allow-scripts allow-same-origin" srcdoc="&lt;p&gt;x&lt;/p&gt;"></iframe>',
    ):
        with pytest.raises(AssertionError):
            check_html(bad)
    assert check_html("<b>&lt;img src=x onerror=alert(1)&gt;</b>").shows(PAYLOADS["img"])


# --------------------------------------------------------------------------- the HTML paths


def test_corpus_repr_html(hostile):
    checked = check_html(hostile._repr_html_(), graph_documents=0)
    assert checked.hrefs == []  # the table links nothing
    rest = check_html(corpus_html(hostile[10:]))  # the table shows 10 rows
    shown = [name for name in PAYLOADS if checked.shows(PAYLOADS[name]) or rest.shows(PAYLOADS[name])]
    assert shown == list(PAYLOADS)  # titles, authors and venues are in the table
    assert all(checked.shows(p.title) for p in hostile[:10])


def test_paper_repr_html_every_paper(hostile):
    for paper in hostile:
        checked = check_html(paper._repr_html_())
        assert checked.shows(paper.title) and (paper.abstract is None or checked.shows(paper.abstract))
        expected = {url for _, url in pl.display.tables.paper_links(paper)}
        assert set(checked.hrefs) == expected
        for href in checked.hrefs:  # only links we build: arXiv, DOI, or the paper's own clean http(s) URL
            assert href.startswith(("https://arxiv.org/abs/", "https://doi.org/")) or href == SAFE_URL, href
    assert_payloads_shown(check_html("".join(paper_html(p) for p in hostile)))


def _graph_of(corpus: pl.Corpus) -> nx.MultiDiGraph:
    """Citations, a similarity link with hostile concepts, and a node that is not in the corpus."""
    graph = nx.MultiDiGraph()
    ids = corpus.ids
    graph.add_nodes_from(ids)
    for a, b in itertools.pairwise(ids):
        graph.add_edge(a, b, kind="cites")
    graph.add_edge(ids[0], ids[2], kind="similar", weight=0.5, concepts=[PAYLOADS["img"], PAYLOADS["attr_single"]])
    graph.add_edge(ids[1], ids[3], kind=PAYLOADS["attr_double"])  # an unknown edge kind from a user's graph
    outsider = PAYLOADS["script_breakout"]  # a node id that is no paper of the corpus, with hostile attributes
    graph.add_node(outsider, title=PAYLOADS["iframe_breakout"], authors=PAYLOADS["img"], url="javascript:alert(9)")
    graph.add_edge(outsider, ids[0], kind="cites")
    return graph


@pytest.mark.parametrize("layout", ["force", "time"])
@pytest.mark.parametrize("color_by", ["community", "category", "year"])
def test_graph_view_from_a_hostile_graph(hostile, layout, color_by, tmp_path):
    view = GraphView.from_networkx(
        _graph_of(hostile), hostile, layout=layout, color_by=color_by, title=PAYLOADS["attr_single"], labels=100
    )
    checked = check_html(view._repr_html_(), graph_documents=1)
    assert_payloads_shown(checked)
    assert checked.shows(PAYLOADS["iframe_breakout"]) and checked.shows(PAYLOADS["attr_double"])
    for href in checked.hrefs:
        assert href.startswith(("https://arxiv.org/abs/", "https://doi.org/")) or href == SAFE_URL, href
    assert check_html(view.embed_html(), graph_documents=1).text == checked.text
    page = view.to_html()
    assert check_html(page, graph_documents=0, standalone=True).json_strings == checked.json_strings
    saved = view.save(tmp_path / "graph.html").read_text(encoding="utf-8")
    assert saved == page
    # GraphML and GEXF are XML: the hostile strings stay attribute/text values.
    for path in (view.to_graphml(tmp_path / "g.graphml"), view.to_gexf(tmp_path / "g.gexf")):
        root = ET.parse(path).getroot()
        tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
        assert tags <= {"graphml", "key", "graph", "node", "edge", "data", "default", "gexf", "meta", "creator",
                        "attributes", "attribute", "attvalues", "attvalue", "nodes", "edges", "color", "size",
                        "position", "lastmodifieddate", "description", "keywords"}, tags  # fmt: skip


def test_graph_through_corpus_graph_and_labels(hostile):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = hostile.graph("citation", labels=100, title=PAYLOADS["template"])
    checked = check_html(view._repr_html_(), graph_documents=1)
    data = json.loads(next(body for attrs, body in parse(view.to_html()).scripts if attrs.get("id") == "pl-data"))
    labels = [node["label"] for node in data["nodes"] if "label" in node]
    assert len(labels) == len(hostile)  # every paper labelled: the labels are drawn on the canvas, as text
    assert checked.shows(PAYLOADS["template"])


def test_explorer_every_pane(hostile):
    import ipywidgets as widgets

    from paperlens.display.explorer import Explorer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explorer = Explorer(hostile, graph_kind="citation", page_size=50, communities=False, neighbours=0)
        explorer.query = "graph"
        for paper in hostile:
            explorer.select(paper.id)
            explorer.flush()
            detail = check_html(explorer.detail.value, graph_documents=0)
            assert detail.shows(paper.title)
            if paper.abstract:
                assert detail.shows(paper.abstract.split(" abstract ")[0].removeprefix("graph "))
        explorer.redraw_graph()

    from paperlens.display import vis
    from paperlens.display.graph_widget import GraphWidget

    def html_of(widget) -> list[str]:
        found = [widget.value] if isinstance(widget, widgets.HTML) else []
        if isinstance(widget, GraphWidget) and widget.doc:  # the page its script puts into an <iframe srcdoc>
            found.append(vis.iframe(widget.doc, height=400, title=widget.title))
        for child in getattr(widget, "children", ()):
            found.extend(html_of(child))
        return found

    pieces = html_of(explorer)
    assert any("srcdoc" in piece for piece in pieces), "the graph pane drew nothing"
    everything = check_html("".join(p for p in pieces if not p.lstrip().startswith("<style>")), graph_documents=1)
    assert_payloads_shown(everything)
    # Button labels and tooltips (titles) are plain strings: ipywidgets sets them as text (the browser test proves it).
    titles = [button.description for button, _ in explorer.table._pool[: len(explorer.table.row_ids)]]
    assert set(titles) == {" ".join(p.title.split()) for p in hostile.search("graph")}
    # The status line shows an error made of data as text.
    explorer._show_error(ValueError(PAYLOADS["img"]))
    assert check_html(explorer.status.value).shows(PAYLOADS["img"])


def test_read_back_from_every_format_then_render(hostile, tmp_path):
    """Hostile papers written and read back through each format still render safely and keep their text."""
    writers = {"refs.bib": "to_bibtex", "refs.ris": "to_ris", "refs.csv": "to_csv", "refs.jsonl": "to_jsonl"}
    for name, method in writers.items():
        path = tmp_path / name
        getattr(hostile, method)(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            back = pl.read(path)
        assert len(back) == len(hostile), (name, back.report)
        checked = check_html(back._repr_html_() + "".join(p._repr_html_() for p in back))
        for payload in PAYLOADS.values():
            if "\u2028" in payload:
                continue  # line separators may become spaces in line-based formats
            assert checked.shows(payload), (name, payload)


def test_cli_graph_file_and_info_text(hostile, tmp_path):
    source = tmp_path / "hostile.jsonl"
    hostile.to_jsonl(source)
    out = tmp_path / "graph.html"
    with redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli.main(["graph", str(source), "--kind", "citation", "-o", str(out)]) == 0
    check_html(out.read_text(encoding="utf-8"), graph_documents=0, standalone=True)
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert cli.main(["info", str(source)]) == 0
    text = printed.getvalue()
    assert f"{len(hostile)} records, {len(hostile)} loaded" in text


def test_cli_info_prints_no_terminal_control_sequences(tmp_path):
    """Text from the data reaches a terminal: escape sequences in it must not (they can rewrite the screen)."""
    escape = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"
    corpus = pl.Corpus(
        [
            Paper.create(title=f"t{i} {escape}", categories=(f"cs.{escape}",), authors=(escape,), year=2020 + i)
            for i in range(3)
        ]
    )
    path = tmp_path / f"file{escape[:4]}.jsonl"
    corpus.to_jsonl(path)
    path.write_text(path.read_text(encoding="utf-8") + '{"title": "", "venue": "\\u001b[5m"}\n', encoding="utf-8")
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert cli.main(["info", str(path)]) == 0
    text = printed.getvalue()
    assert "3 loaded" in text and "1 skipped" in text, text
    controls = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0]
    assert not controls, f"control characters from the data reach the terminal: {controls[:5]}"
