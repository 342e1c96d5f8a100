"""arXiv Atom feeds: entries, old-style ids, the error feed, the empty feed, hostile XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from sources_support import FIXTURES

import paperlens as pl
from paperlens.errors import ParseError
from paperlens.io.arxiv_atom import parse_arxiv_atom, parse_arxiv_feed

ATOM = "{http://www.w3.org/2005/Atom}"


def _text(name: str) -> str:
    return (FIXTURES / "arxiv_atom" / name).read_text(encoding="utf-8")


def test_search_page_entries_match_the_xml():
    text = _text("q_testing_s0_m10_bc5a6c384fe9.xml")
    feed = parse_arxiv_feed(text, "page.xml")
    entries = ET.fromstring(text).findall(f"{ATOM}entry")
    assert feed.total_results == 214881 and feed.start_index == 0 and feed.entries == len(entries) == 10
    for paper, entry in zip(feed.papers, entries, strict=True):
        raw_id = entry.find(f"{ATOM}id").text
        assert paper.arxiv_id == re.sub(r"v\d+$", "", raw_id.rsplit("/abs/", 1)[1])
        assert paper.title == " ".join(entry.find(f"{ATOM}title").text.split())
        assert paper.authors == tuple(a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author"))
        assert paper.date.isoformat() == entry.find(f"{ATOM}published").text[:10]
    first = feed.papers[0]
    assert first.id == "2202.12139" and first.categories == ("cs.SE", "cs.LG")  # primary first
    assert first.doi == "10.1109/icstw55395.2022.00035" and "ICST" in first.extra["journal_ref"]
    assert first.url == "https://arxiv.org/abs/2202.12139" and first.extra["version"] == "v1"


def test_old_style_id():
    papers, report = parse_arxiv_atom(_text("id_quant-ph_0201082v1_s0_m100_86989fe779ef.xml"), "old.xml")
    (paper,) = papers
    assert paper.id == paper.arxiv_id == "quant-ph/0201082"
    assert paper.categories == ("quant-ph", "cs.PL") and paper.extra["comment"] == "32 pages"
    assert paper.authors == ("Stephen Blaha",) and report.records == 1


def test_error_feed_raises_with_arxivs_message():
    with pytest.raises(ParseError, match=r"abc\.xml: arXiv API error: incorrect id format for abc"):
        parse_arxiv_atom(_text("id_abc_s0_m100_b79c8dcf6bc3.xml"), "abc.xml")


def test_empty_feed_says_so():
    papers, report = parse_arxiv_atom(_text("id_0000.0000_s0_m100_8b51d9633a68.xml"), "empty.xml")
    assert papers == [] and report.records == 0
    assert report.notes == ["the feed has no entries (totalResults 0)"]


def test_broken_and_hostile_xml():
    text = _text("q_testing_s0_m10_bc5a6c384fe9.xml")
    with pytest.raises(ParseError, match="not well-formed XML"):
        parse_arxiv_atom(text[: len(text) // 2], "cut.xml")
    bomb = '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><feed xmlns="http://www.w3.org/2005/Atom"/>'
    with pytest.raises(ParseError, match="DOCTYPE"):
        parse_arxiv_atom(bomb, "bomb.xml")
    with pytest.raises(ParseError, match="expected an Atom <feed>"):
        parse_arxiv_atom("<html/>", "page.html")


def test_entry_without_title_is_kept_by_its_arxiv_id():
    feed = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2104.12255v1</id></entry></feed>'
    papers, report = parse_arxiv_atom(feed, "f.xml")
    assert [(p.id, p.title) for p in papers] == [("2104.12255", "")] and not report.skipped


def test_read_dispatcher(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text(_text("id_2104.12255v1_s0_m100_6ae69987ffe1.xml"), encoding="utf-8")
    assert pl.read(path).ids == ["2104.12255"]
