"""No markup left in text: publisher tags in real OpenAlex titles and abstracts read as plain words (issue 16.4)."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.display.tables import paper_html
from paperlens.io.openalex import abstract_from_inverted_index

SETS = Path(__file__).parent / "fixtures" / "openalex_citation_sets"
TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>")


def _works(name: str) -> list[dict]:
    with zipfile.ZipFile(SETS / name / "works_1.zip") as archive:
        works = []
        for member in archive.namelist():
            data = json.loads(archive.read(member))
            works.extend(data["results"] if isinstance(data, dict) else data)
    return works


class _Words(HTMLParser):  # independent truth: the words a browser shows for the markup
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def _shown(markup: str) -> str:
    parser = _Words()
    parser.feed(markup)
    return re.sub(r"\s+", "", "".join(parser.words))


@pytest.mark.parametrize("name", ["Donners_2021", "Nelson_2002", "Sep_2021"])
def test_real_titles_and_abstracts_with_tags_read_as_their_words(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pl.LoadWarning)
        corpus = pl.read(SETS / name / "works_1.zip")
    by_openalex = {p.openalex_id: p for p in corpus}
    checked = 0
    for work in _works(name):
        paper = by_openalex.get(work["id"].rsplit("/", 1)[-1])
        if paper is None:
            continue
        for field, raw in (
            ("title", work.get("title")),
            ("abstract", abstract_from_inverted_index(work.get("abstract_inverted_index"))),
        ):
            if not raw or not TAG.search(raw):
                continue
            text = getattr(paper, field)
            assert not TAG.search(text), (field, text[:200])
            assert re.sub(r"\s+", "", text) == _shown(raw)  # same characters, no tag, entities decoded
            assert not re.search(r"&lt;/?[A-Za-z][\w:.-]*(?:\s[^&]*)?&gt;", paper_html(paper))  # words, not tags
            checked += 1
    assert checked >= 3
