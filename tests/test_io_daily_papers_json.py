"""Hugging Face ``api/daily_papers`` JSON: real responses from 2024 to 2026."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.errors import ParseError
from paperlens.io.daily_papers import parse_daily_papers_json

DAYS = Path(__file__).parent / "fixtures" / "hf_daily_papers"


def load(name: str):
    return json.loads((DAYS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(DAYS.glob("*.json")), ids=lambda p: p.name)
def test_every_entry_becomes_its_arxiv_paper(path):
    entries = json.loads(path.read_text(encoding="utf-8"))
    corpus = pl.read_daily_papers(path)
    assert corpus.report.files[0].format == "daily-papers-json"
    assert corpus.ids == [e["paper"]["id"] for e in entries]
    for paper, entry in zip(corpus, entries, strict=True):
        assert paper.title == " ".join(entry["paper"]["title"].split())
        assert paper.authors == tuple(a["name"] for a in entry["paper"]["authors"])
        assert paper.date == dt.date.fromisoformat(entry["paper"]["publishedAt"][:10])
        assert paper.abstract == " ".join(entry["paper"]["summary"].split())
        assert paper.extra["upvotes"] == entry["paper"]["upvotes"]
        assert paper.url == f"https://arxiv.org/abs/{entry['paper']['id']}"
        assert paper.source == "hf-daily-papers"


def test_the_oldest_shape_2024():
    first = pl.read(DAYS / "2024-05-27.json")[0]
    assert first.id == "2405.15738"
    assert first.title == "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"
    assert first.authors[:3] == ("Chunjiang Ge", "Sijie Cheng", "Ziming Wang") and len(first.authors) == 9
    assert (first.date, first.year) == (dt.date(2024, 5, 24), 2024)
    assert (first.extra["upvotes"], first.extra["num_comments"]) == (32, 3)
    assert first.extra["daily_published_at"] == "2024-05-27T03:50:58.348Z"
    assert "thumbnail" not in first.extra and "media_url" not in first.extra


def test_fields_that_appeared_later_are_kept():
    (entry,) = [e for e in load("2025-06-25.json") if e["paper"]["id"] == "2506.19851"]
    paper = pl.read(DAYS / "2025-06-25.json")["2506.19851"]
    assert paper.extra["github_repo"] == "https://github.com/anima-x/anima-x"
    assert (paper.extra["github_stars"], paper.extra["project_page"]) == (20, "https://anima-x.github.io/")
    assert paper.extra["ai_keywords"] == tuple(entry["paper"]["ai_keywords"])
    assert paper.extra["ai_summary"] == entry["paper"]["ai_summary"]
    assert paper.extra["submitted_on_daily_at"] == "2025-06-25"
    assert paper.extra["submitted_by"] == "fanhongxing"
    assert paper.extra["media_urls"] == tuple(entry["paper"]["mediaUrls"])
    newest = pl.read(DAYS / "2026-08-20.json")["2608.16590"]
    assert newest.extra["ai_summary_model"] == "thinkingmachines/Inkling-Small"
    assert newest.extra["is_author_participating"] is True


def test_bad_entries_are_skipped_and_bad_files_are_errors():
    entries = [
        {"paper": {"id": "2203.05482", "title": "Model soups"}},
        {"paper": {"id": "2203.05483"}},
        "not an entry",
        {"paper": {"id": "not-arxiv", "title": "Another site id"}},
    ]
    papers, report = parse_daily_papers_json(json.dumps(entries), "day.json")
    assert report.records == 4
    assert [(s.where, s.reason) for s in report.skipped] == [
        ("record 3", "expected a JSON object, got str"),
    ]
    assert (papers[1].id, papers[1].title) == ("2203.05483", "")  # untitled, but its arXiv id identifies it
    assert papers[2].arxiv_id is None and papers[2].extra["hf_paper_id"] == "not-arxiv"
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        parse_daily_papers_json('[{"paper": ', "cut.json")
    assert caught.value.file == "cut.json" and caught.value.line == 1
    with pytest.raises(ParseError, match="expected a JSON list"):
        parse_daily_papers_json('"text"', "odd.json")


def test_the_listing_text_still_reads():
    from importlib.resources import files

    corpus = pl.read_daily_papers(files("paperlens.data") / "seed" / "daily_papers_snapshot.txt")
    assert len(corpus) == 69 and corpus.report.files[0].format == "daily-papers-text"
