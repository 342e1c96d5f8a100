"""The bundled sample corpus equals what the seed files say, and rebuilds identically."""

import csv
from importlib.resources import files

import paperlens as pl
from paperlens.data.build_sample import build
from paperlens.io.jsonl import write_jsonl

SEED = files("paperlens.data") / "seed"


def _tsv(name):
    with (SEED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_sample_matches_seed_metadata_row_by_row():
    corpus = pl.load_sample()
    rows = _tsv("seed_metadata.tsv")
    assert len(corpus) == len(rows) == 69
    for paper, row in zip(corpus, rows, strict=True):
        assert paper.arxiv_id == row["arxiv_id"]  # read as text: 2310.10700 keeps its trailing zero
        assert paper.authors == tuple(a.strip() for a in row["authors"].split(";"))
        if row["published"]:
            assert paper.date.isoformat() == row["published"] and paper.date_source is None
        else:  # blank: the year and month the arXiv id encodes (YYMM.NNNNN), marked as derived
            yymm = row["arxiv_id"].split(".")[0]
            assert (paper.year, paper.date.month, paper.date.day) == (2000 + int(yymm[:2]), int(yymm[2:]), 1)
            assert paper.date_source == "arxiv id"
        assert paper.categories == ((row["primary_category"],) if row["primary_category"] else ())
        assert paper.abstract and len(paper.abstract) > 200


def test_sample_references_are_the_seed_citations():
    corpus = pl.load_sample()
    expected = {(r["citing_arxiv_id"], r["cited_arxiv_id"]) for r in _tsv("seed_citations.tsv")}
    found = {(p.id, ref) for p in corpus for ref in p.references}
    assert found == expected and len(found) == 13


def test_shipped_sample_is_what_the_build_script_makes():
    shipped = (files("paperlens.data") / "sample.jsonl").read_text(encoding="utf-8")
    assert write_jsonl(build()) == shipped


def test_listing_chrome_is_reported_not_loaded():
    corpus = pl.read_daily_papers(SEED / "daily_papers_snapshot.txt")
    report = corpus.report.files[0]
    assert report.records == 69 and report.loaded == 69 and not report.skipped
    assert "Get trending papers in your email inbox!" in report.notes[0]
    assert "2310.10700" in {p.arxiv_id for p in pl.load_sample()}


def test_bundled_samples_load_without_warnings(recwarn):
    import warnings

    pl.load_sample.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(pl.load_sample()) == 69
        assert len(pl.load_sample("donners2021")) == 258


def test_load_warning_points_at_the_callers_line(tmp_path):
    import warnings

    path = tmp_path / "twice.jsonl"
    pl.load_sample()[:2].to_jsonl(path)
    path.write_text(path.read_text() * 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pl.read(path)
    (warning,) = [w for w in caught if issubclass(w.category, pl.LoadWarning)]
    assert warning.filename == __file__ and "2 merged" in str(warning.message)
