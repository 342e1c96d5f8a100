"""Labels, tags and notes: Corpus.annotate, filters, merging, and every writer/reader round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.corpus import merge_papers
from paperlens.errors import PaperlensError, RecordError
from paperlens.io.base import read_text
from paperlens.io.bibtex import parse_bibtex
from paperlens.io.ris import parse_ris
from paperlens.record import Paper

RIS = Path(__file__).parent / "fixtures" / "ris"
FIELDS = ("label", "tags", "note")


def annotated() -> pl.Corpus:
    corpus = pl.load_sample()
    ids = corpus.ids
    corpus = corpus.annotate(ids[:2], "relevant", tags=["to read", "a, b"], note="first line\nsecond {x} 50% $y$")
    corpus = corpus.annotate(ids[2], "irrelevant", note="ASReview_relevant, said the other reviewer")
    # No label, but a note that starts like a label marker: must not read back as a label.
    corpus = corpus.annotate(ids[3], None, tags=["paperlens:nested"], note="ASReview_relevant\nis not my label")
    return corpus.annotate(ids[4], tags=["only a tag"])


def test_annotate_sets_only_what_is_given_and_leaves_the_original_alone():
    corpus = pl.load_sample()
    first, second = corpus.ids[:2]
    marked = corpus.annotate([first, second], "relevant", tags=["x"])
    assert [marked[first].label, marked[second].label] == ["relevant", "relevant"]
    assert corpus[first].label is None and corpus[first].tags == ()
    noted = marked.annotate(first, note="why")
    assert noted[first].label == "relevant" and noted[first].tags == ("x",) and noted[first].note == "why"
    more = noted.annotate([first, second], add_tags=["y"], remove_tags=["x"])
    assert more[first].tags == ("y",) and more[second].tags == ("y",)
    cleared = more.annotate(first, None, note="")
    assert cleared[first].label is None and cleared[first].note is None and cleared[first].tags == ("y",)
    # Every other paper and field is unchanged.
    untouched = [p for p in cleared if p.id not in (first, second)]
    assert untouched == [p for p in corpus if p.id not in (first, second)]
    assert [p.replace(label=None, tags=(), note=None) for p in cleared] == corpus.papers
    assert cleared.labels.to_dict() == {second: "relevant"}


def test_annotate_by_any_identifier_and_errors():
    corpus = pl.load_sample()
    paper = corpus[5]
    marked = corpus.annotate(f"https://arxiv.org/abs/{paper.arxiv_id}", "irrelevant")
    assert marked[paper.id].label == "irrelevant"
    with pytest.raises(PaperlensError, match="label must be one of"):
        corpus.annotate(paper.id, "maybe")
    with pytest.raises(PaperlensError, match="list of strings"):
        corpus.annotate(paper.id, tags="to read")
    with pytest.raises(pl.PaperNotFoundError):
        corpus.annotate("no such paper", "relevant")
    with pytest.raises(RecordError, match="label 'yes' is not one of"):
        Paper.create(title="A", label="yes")


def test_annotating_a_filtered_corpus_keeps_its_rows_and_annotates_the_root():
    corpus = pl.load_sample()
    hits = corpus.search("language model", top=5)
    marked = hits.annotate(hits.ids[0], "relevant")
    assert marked.ids == hits.ids and marked.scores.tolist() == hits.scores.tolist()
    assert marked.root[hits.ids[0]].label == "relevant" and len(marked.root) == len(corpus)
    assert corpus[hits.ids[0]].label is None


def test_annotate_carries_computed_models_over():
    corpus = pl.load_sample()
    model = corpus.concept_model()
    marked = corpus.annotate(corpus.ids[0], "relevant")
    assert marked.concept_model() is model  # not fitted again after a label


def test_filters_by_label_and_tag():
    corpus = annotated()
    relevant = corpus.filter(label="relevant").ids
    assert relevant == [p.id for p in corpus if p.label == "relevant"] and len(relevant) == 2
    assert len(corpus.filter(label="unlabelled")) == sum(p.label is None for p in corpus)
    assert len(corpus.filter(label=["relevant", "irrelevant"])) == 3
    assert corpus.filter(tags="only a tag").ids == [corpus.ids[4]]
    with pytest.raises(PaperlensError, match="filter label= takes"):
        corpus.filter(label="maybe")


def test_merge_unites_tags_and_keeps_the_first_label_and_note():
    a = Paper.create(title="T", doi="10.1000/x", label="relevant", tags=("a",), note="mine")
    b = Paper.create(title="T", doi="10.1000/x", label="irrelevant", tags=("b", "a"), note="theirs")
    merged = merge_papers(a, b)
    assert (merged.label, merged.tags, merged.note) == ("relevant", ("a", "b"), "mine")
    c = Paper.create(title="T", doi="10.1000/x", tags=("c",))
    assert merge_papers(c, b).label == "irrelevant"


@pytest.mark.parametrize("ext", ["parquet", "jsonl", "csv", "bib", "ris"])
def test_annotations_survive_every_format(tmp_path, ext):
    corpus = annotated()
    path = tmp_path / f"corpus.{ext}"
    writers = {"jsonl": corpus.to_jsonl, "csv": corpus.to_csv, "bib": corpus.to_bibtex, "ris": corpus.to_ris}
    corpus.save(path) if ext == "parquet" else writers[ext](path)
    back = pl.read(path)
    expected = {p.id: tuple(getattr(p, f) for f in FIELDS) for p in corpus}
    assert {p.id: tuple(getattr(p, f) for f in FIELDS) for p in back} == expected
    if ext in ("parquet", "jsonl", "csv"):
        assert back == corpus


def test_bibtex_and_ris_text_use_the_conventions_documented():
    corpus = annotated()
    first = corpus.subset([0])
    bib = first.to_bibtex()
    keywords = re.search(r"keywords = \{(.*)\},", bib).group(1)
    assert "paperlens:to read" in keywords and r"paperlens:a, b" in keywords
    assert re.search(r"annote = \{ASReview\\_relevant\n\nfirst line\n\nsecond", bib)
    ris = first.to_ris()
    assert "KW  - paperlens:to read" in ris.splitlines()
    assert "N1  - ASReview_relevant" in ris.splitlines()
    assert "N1  - paperlens note: first line" in ris.splitlines()


def test_foreign_annote_is_the_note_and_foreign_keywords_are_not_tags():
    papers, _ = parse_bibtex(
        "@article{a, title={A}, year=2020, keywords={to read, paperlens:mine}, annote={A Zotero note.\n\n Two.}}"
    )
    (paper,) = papers
    assert paper.label is None and paper.note == "A Zotero note.\nTwo." and paper.tags == ("mine",)
    assert paper.keywords == ("to read",)


def test_asreview_zotero_export_labels_are_read():
    # A real ASReview export through Zotero: each record has N1 <p>ASReview_relevant|irrelevant|not_seen</p>.
    text = read_text(RIS / "baseline_zotero.ris")
    expected = []
    for record in re.split(r"\nER  -", text):
        if "TY  - " not in record:
            continue
        marker = re.search(r"N1  - <p>ASReview_(\w+)</p>", record)
        expected.append({"relevant": "relevant", "irrelevant": "irrelevant"}.get(marker.group(1)) if marker else None)
    papers, report = parse_ris(text, "baseline_zotero.ris")
    assert len(papers) == len(expected) == 100 and not report.skipped
    assert [p.label for p in papers] == expected
    assert expected.count("relevant") == 3 and expected.count("irrelevant") == 3
    assert not any("ASReview" in n for p in papers for n in p.extra.get("notes", ()))


def test_scopus_notes_stay_in_extra():
    papers, _ = parse_ris(read_text(RIS / "scopus.ris"), "scopus.ris")
    assert papers[0].extra["notes"][0] == "Export Date: 18 November 2019" and papers[0].note is None


def test_csv_labels_in_asreview_style():
    import pandas as pd

    frame = pd.DataFrame({"title": ["A", "B", "C"], "label_included": [1, 0, -1], "tags": ["x; y", "", None]})
    corpus = pl.from_dataframe(frame)
    assert [p.label for p in corpus] == ["relevant", "irrelevant", None]
    assert corpus[0].tags == ("x", "y") and corpus[0].categories == () and corpus[0].keywords == ()
    bad = pl.from_dataframe(pd.DataFrame({"title": ["A"], "label": ["perhaps"]}), warn=False)
    assert len(bad) == 0 and "label 'perhaps'" in bad.report.skipped[0].reason


def test_a_tag_with_the_separator_is_refused():
    with pytest.raises(RecordError, match="has a ';'"):
        pl.load_sample().annotate(pl.load_sample().ids[0], tags=["a; b"])
