"""The compiled fit of the concept model gives what the Python fit gave, bit for bit.

:func:`reference_fit` is :meth:`ConceptModel.fit` as it was before the counting
was compiled (every phrase listed in Python by the analyzer, counted with a dict,
columns sorted as strings, display names from the analyzer): the compiled fit
must give the same phrases in the same columns, the same names, idf and float32
matrix, on the sample corpus, on every fixture the readers read, on hostile and
unicode text, and with every parameter that changes the vocabulary.
"""

from __future__ import annotations

import json
import lzma
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paperlens as pl
from paperlens.graphs import concepts
from paperlens.graphs.concepts import ConceptModel

FIXTURES = Path(__file__).parent / "fixtures"
BENCH_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "arxiv_abstracts_75k.jsonl.xz"


def reference_fit(papers, **params) -> ConceptModel:
    """A model whose fitted attributes are computed as ``ConceptModel.fit`` computed them in Python."""
    model = ConceptModel(**params)
    corpus = papers if isinstance(papers, pl.Corpus) else pl.Corpus(papers)
    low, high = model._validate()
    table = corpus.df
    n_docs = len(table)
    docs = list(zip(table["title"].tolist(), table["abstract"].tolist(), strict=True))
    analyzer = concepts._Analyzer(concepts._stop_words(model.stop_words), (low, high), int(model.title_weight))
    counts, stems = concepts._count_python(analyzer, docs)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = (df >= concepts._limit(model.min_df, n_docs, "min_df")) & (
        df <= concepts._limit(model.max_df, n_docs, "max_df")
    )
    if model.max_features is not None and keep.sum() > int(model.max_features):
        totals = np.asarray(counts.sum(axis=0)).ravel()
        best = np.flatnonzero(keep)[np.argsort(-totals[keep], kind="stable")[: int(model.max_features)]]
        keep = np.zeros_like(keep)
        keep[best] = True
    if not keep.any():
        raise pl.PaperlensError("cannot fit a concept model on this corpus: no phrase left")
    by_column = np.empty(len(stems), dtype=object)
    by_column[list(stems.values())] = list(stems.keys())
    kept = np.flatnonzero(keep)
    kept = kept[np.argsort(by_column[kept].astype(str), kind="stable")]
    counts = counts[:, kept].tocsr()
    idf = (np.log((1 + n_docs) / (1 + df[kept])) + 1).astype(np.float32)
    matrix = concepts._weigh(counts, idf, bool(model.sublinear_tf))
    names = analyzer.display_names(by_column[kept].tolist())
    model._analyzer = analyzer
    model._stems = {stem: j for j, stem in enumerate(by_column[kept].tolist())}
    model.terms_ = np.array(names, dtype=object)
    model.vocabulary_ = {name: j for j, name in enumerate(names)}
    model.idf_ = idf
    model.ids_ = table["id"].tolist()
    model._titles = table["title"].to_numpy(dtype=object)
    model.has_text_ = np.diff(matrix.indptr) > 0
    model.corpus_ = corpus
    model.matrix_ = matrix
    model._knn = {}
    return model


def assert_same_model(new: ConceptModel, old: ConceptModel) -> None:
    assert new.terms_.tolist() == old.terms_.tolist()
    assert list(new.vocabulary_.items()) == list(old.vocabulary_.items())
    assert list(new._stems.items()) == list(old._stems.items())
    assert new.idf_.dtype == old.idf_.dtype == np.float32
    assert np.array_equal(new.idf_.view(np.uint32), old.idf_.view(np.uint32))
    a, b = new.matrix_, old.matrix_
    assert a.shape == b.shape and a.dtype == b.dtype == np.float32
    assert a.indices.dtype == b.indices.dtype and a.indptr.dtype == b.indptr.dtype
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data.view(np.uint32), b.data.view(np.uint32))  # bit for bit
    assert a.has_sorted_indices == b.has_sorted_indices
    assert np.array_equal(new.has_text_, old.has_text_)
    spelled = {k: v for k, v in new._analyzer.folded.items() if v is not None}
    assert list(spelled.items()) == [(k, v) for k, v in old._analyzer.folded.items() if v is not None]


def assert_same_fit(papers, **params) -> ConceptModel:
    try:
        old = reference_fit(papers, **params)
    except pl.PaperlensError:
        with pytest.raises(pl.PaperlensError, match="no phrase left"):
            ConceptModel(**params).fit(papers)
        return None
    new = ConceptModel(**params).fit(papers)
    assert_same_model(new, old)
    return new


def assert_same_readings(new: ConceptModel, old: ConceptModel, rows: list[int]) -> None:
    """The public outputs that read the model: concepts, explain, similar, neighbours, transform."""
    for r in rows:
        assert new.concepts(r, 8) == old.concepts(r, 8)
        assert new.explain(r, rows[0], 5) == old.explain(r, rows[0], 5)
    assert new.similar(rows[0], 5).equals(old.similar(rows[0], 5))
    for got, want in zip(new.kneighbors(5, method="exact"), old.kneighbors(5, method="exact"), strict=True):
        assert np.array_equal(got, want)
    papers = [new.corpus_[r] for r in rows]
    assert (new.transform(papers) != old.transform(papers)).nnz == 0


@pytest.fixture(scope="module")
def sample():
    return pl.load_sample()


def fixture_papers() -> list[pl.Paper]:
    papers = []
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix.lower() in (".md", ".py"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                papers.extend(pl.read(path).papers)
        except Exception:  # a fixture no reader takes: not the concept model's business
            continue
    return papers


# --------------------------------------------------------------------------- corpora


def test_the_sample_fits_as_before_and_reads_the_same(sample):
    new = assert_same_fit(sample)
    old = reference_fit(sample)
    assert_same_readings(new, old, [0, 5, 17, 40, 68])
    assert new.describe(sample.ids[:20], 5) == old.describe(sample.ids[:20], 5)


def test_the_graph_of_the_sample_is_the_same(sample):
    corpus = pl.Corpus(sample.papers)
    graph = corpus.concept_graph(k=5)
    fresh = pl.Corpus(sample.papers)
    concepts._models(fresh)[concepts._model_key({})] = reference_fit(fresh)
    before = fresh.concept_graph(k=5)
    assert list(graph.edges(data=True)) == list(before.edges(data=True))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ngram_range": (1, 1)},
        {"ngram_range": (1, 3)},
        {"ngram_range": (2, 3)},
        {"ngram_range": (3, 3)},
        {"min_df": 2},
        {"min_df": 0.05, "max_df": 0.5},
        {"max_df": 3},
        {"max_features": 500},
        {"max_features": 37, "ngram_range": (1, 3)},
        {"stop_words": None},
        {"stop_words": ["Model", "learning", "the"]},
        {"title_weight": 1},
        {"title_weight": 3, "sublinear_tf": False},
    ],
)
def test_every_parameter_fits_as_before(sample, params):
    assert_same_fit(sample, **params)


def test_the_fixtures_of_every_reader_fit_as_before():
    papers = fixture_papers()
    assert len(papers) > 100
    new = assert_same_fit(papers)
    assert_same_fit(papers, ngram_range=(1, 3), min_df=2)
    assert new is not None and any(not t.isascii() for t in new.terms_)


@pytest.mark.parametrize("chunk", [1, 2, 7])
def test_chunks_share_one_numbering(sample, monkeypatch, chunk):
    monkeypatch.setattr(concepts, "_CHUNK", chunk)
    assert_same_fit(sample[:25], ngram_range=(1, 3))


def test_the_python_counting_gives_the_same_phrases(sample):
    docs = list(zip(sample.df["title"], sample.df["abstract"], strict=True))
    fast = concepts._Analyzer(concepts._stop_words("english"), (1, 2), 2)
    slow = concepts._Analyzer(concepts._stop_words("english"), (1, 2), 2)
    counts, vocabulary = concepts._count(fast, docs)
    want_counts, want_vocabulary = concepts._count_python(slow, docs)
    assert list(vocabulary.items()) == list(want_vocabulary.items())
    assert (counts != want_counts).nnz == 0 and counts.has_canonical_format


# --------------------------------------------------------------------------- hostile text

HOSTILE = [
    "Low-Rank Adaptation of Large Language Models",
    "LOW—RANK “adaptation” ‘models’ « soups » §2 • item · dot… end",
    "studies of classes, buses and analyses; the bus's analysis' 'quoted' ''",
    "model's models' don't rock'n'roll o'clock 'tis",
    "a\x00b c\x00 \x00d e\x01f g\x7fh \x00",
    "tab\tnew\nline\x0bvt\x0cff\rcr\x1cfs\x1dgs\x1ers\x1fus end",
    "no\xa0break\u2028line\u2029para\u3000ideo\x85nel\u200bzero\u2060join",
    "Straße ß İstanbul ǅungla ΣΊΣΥΦΟΣ ς ﬁnance ﬀ Ⅻ chapters ² ³ ٣٤ ½ 一二三",
    "naïve café résumé Müller’s Zürich-based ÉCOLE",
    "emoji 🙂 models 🙂🙂 and 𝒦-theory 𝔸lgebra",
    "combining e\u0301cole n\u0303 cafe\u0301s",
    r"We \emph{propose} $O(n \log n)$ sorting of {GPU} data $$x^2$$ \textbf{\emph{nested}} \cite{x}",
    r"unbalanced $math and {braces} \\ \unknown* command\ edge $x$-test a$b$c",
    "1990s 2020 3d 3D 42 x1 x 1x a b c",
    "it is the of and with",
    "Ünïcödé ÜNÏCÖDÉ ünïcödé",
    "",
    "   ",
    "a-b_c-d__e--f",
    'symbols !"#$%&()*+,./:;<=>?@[\\]^`{|}~ inside a!b?c#d',
]
SURROGATES = ["\ud800 lone surrogate \udfff here"]  # a corpus cannot hold them (pyarrow strings); the analyzer can


def hostile_papers() -> list[pl.Paper]:
    papers = []
    for i, title in enumerate(HOSTILE):
        abstract = HOSTILE[(i * 7 + 3) % len(HOSTILE)] + " " + HOSTILE[(i * 5 + 1) % len(HOSTILE)]
        try:
            papers.append(pl.Paper.create(title=title or "untitled", abstract=abstract, arxiv_id=f"2401.{i:05d}"))
        except pl.PaperlensError:
            papers.append(pl.Paper.create(title="fallback title", abstract=abstract, arxiv_id=f"2401.{i:05d}"))
    papers.append(pl.Paper.create(title="No abstract here", arxiv_id="2401.09999"))
    return papers


@pytest.mark.parametrize("params", [{}, {"ngram_range": (1, 3)}, {"stop_words": None, "title_weight": 1}])
def test_hostile_and_unicode_text_fits_as_before(params):
    papers = hostile_papers()
    new = assert_same_fit(papers, **params)
    assert new is not None
    old = reference_fit(papers, **params)
    assert_same_readings(new, old, [0, 1, 7, 9])


ALPHABET = "abcXYZ019 '’‘-—_.,;$\\{}()\"\t\n\x00\x01\x1c\x85\xa0\u2028\u200béÉßİǅΣςﬁⅫ²٣一🙂\u0301" + "".join(
    chr(c) for c in range(33, 127)
)
WORDS = ["model", "models", "studies", "the", "low", "rank", "class", "bus's", "'s", "mixture", "of", "ΣΟΦΙΑ"]


@st.composite
def texts(draw):
    parts = draw(st.lists(st.one_of(st.text(ALPHABET, max_size=12), st.sampled_from(WORDS)), max_size=25))
    return " ".join(parts) if draw(st.booleans()) else "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts(), st.one_of(st.none(), texts())), min_size=1, max_size=6))
def test_any_text_fits_as_before(rows):
    papers = []
    for i, (title, abstract) in enumerate(rows):
        try:
            papers.append(pl.Paper.create(title=title, abstract=abstract, arxiv_id=f"2402.{i:05d}"))
        except pl.PaperlensError:
            papers.append(pl.Paper.create(title="", abstract=abstract, arxiv_id=f"2402.{i:05d}"))
    assert_same_fit(papers)
    assert_same_fit(papers, ngram_range=(1, 3), title_weight=3)


def test_encoding_gives_the_python_tokens():
    """The same tokens, but that a NUL of an ASCII text reads as \\x01: never a term, as a NUL is not."""
    analyzer = concepts._Analyzer(frozenset(), (1, 2), 2)
    for text in HOSTILE + SURROGATES:
        want = analyzer.tokens(text)
        got = [t for t in analyzer.encode(text).decode("utf-8", "surrogatepass").split(" ") if t]
        assert [t.replace("\x01", "\x00") for t in got] == [t.replace("\x01", "\x00") for t in want], text
        assert [analyzer._fold(t) for t in got] == [analyzer._fold(t) for t in want], text


# --------------------------------------------------------------------------- the benchmark's papers


@pytest.mark.skipif(not BENCH_DATA.exists(), reason="benchmark data not here")
def test_a_slice_of_the_benchmark_papers_fits_as_before():
    papers = []
    with lzma.open(BENCH_DATA, "rt", encoding="utf-8") as handle:
        for i, line in enumerate(handle):
            if i >= 2000:
                break
            row = json.loads(line)
            papers.append(pl.Paper.create(title=row["title"], abstract=row.get("abstract"), arxiv_id=row["id"]))
    new = assert_same_fit(papers)
    assert_same_readings(new, reference_fit(papers), [0, 100, 1999])


def test_english_stop_words_are_scikit_learns_read_without_importing_it():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from paperlens.text import STOP_WORDS

    assert concepts._stop_words("english") == STOP_WORDS | ENGLISH_STOP_WORDS
    code = (
        "import sys, json, paperlens as pl\n"
        "pl.ConceptModel().fit(pl.load_sample())\n"
        "print(json.dumps('sklearn' in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False


# --------------------------------------------------------------------------- the graph's nodes


@pytest.mark.parametrize("which", ["sample", "fixtures", "hostile"])
def test_graph_nodes_carry_the_attributes_of_the_table_records(sample, which):
    papers = {"sample": sample.papers, "fixtures": fixture_papers(), "hostile": hostile_papers()}[which]
    corpus = pl.Corpus(papers)
    graph = corpus.concept_graph(k=3, n_concepts=0)
    want = [(r["id"], concepts._node_attributes(r)) for r in corpus.df.to_dict("records")]
    got = list(graph.nodes(data=True))
    assert [(u, list(a.items())) for u, a in got] == [(u, list(a.items())) for u, a in want]
    assert [[type(v) for v in a.values()] for _, a in got] == [[type(v) for v in a.values()] for _, a in want]


def test_the_mappings_made_on_first_use_follow_the_latest_fit(sample):
    model = ConceptModel()
    with pytest.raises(pl.NotFittedError):
        model.vocabulary_  # noqa: B018
    assert not hasattr(model, "_stems")
    model.fit(sample[:10])
    first = (dict(model.vocabulary_), dict(model._stems))
    model.fit(sample)
    assert model.vocabulary_ == reference_fit(sample).vocabulary_ != first[0]
    assert model._stems == reference_fit(sample)._stems != first[1]


def test_folded_phrase_table_filled_in_slices_is_the_whole_dict(monkeypatch):
    import paperlens.graphs.concepts as concepts

    monkeypatch.setattr(concepts, "_DICT_SLICE", 7)  # many slices, the last one short
    model = pl.ConceptModel().fit(pl.load_sample())
    phrases = model._kept_phrases
    folded = phrases.text(np.arange(len(phrases.words)), phrases.stems)
    whole = dict(zip(folded, range(len(folded)), strict=True))
    assert len(whole) > 7 * 3
    assert list(model._stems.items()) == list(whole.items())  # the same keys, columns and order
