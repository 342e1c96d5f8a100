import pytest

from paperlens.ids import (
    fallback_id,
    normalize_arxiv_id,
    normalize_doi,
    normalize_openalex_id,
    normalize_s2_id,
    paper_id,
    parse_identifier,
    title_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("https://doi.org/10.1145/ABC.def", "10.1145/abc.def"),
        ("http://dx.doi.org/10.1000/XYZ", "10.1000/xyz"),
        ("doi:10.1000/xyz.", "10.1000/xyz"),
        ("  DOI: 10.1000/xyz  ", "10.1000/xyz"),
        ("10.1/too-short", None),
        ("not a doi", None),
        (None, None),
        (12.5, None),
    ],
)
def test_normalize_doi(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2203.05482", "2203.05482"),
        ("2203.05482v3", "2203.05482"),
        ("arXiv:2203.05482v1", "2203.05482"),
        ("https://arxiv.org/abs/2203.05482v2", "2203.05482"),
        ("https://arxiv.org/pdf/2203.05482v2.pdf", "2203.05482"),
        ("10.48550/arXiv.2203.05482", "2203.05482"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("quant-ph/0201082v1", "quant-ph/0201082"),
        ("http://arxiv.org/abs/math.AG/0101001v1", "math.AG/0101001"),
        ("2310.107", None),  # a number-mangled id is not an id
        ("abc", None),
        ("10.1000/xyz", None),
    ],
)
def test_normalize_arxiv_id(raw, expected):
    assert normalize_arxiv_id(raw) == expected


def test_openalex_and_s2():
    assert normalize_openalex_id("https://openalex.org/W2741809807") == "W2741809807"
    assert normalize_openalex_id("w123") == "W123"
    assert normalize_openalex_id("A123") is None
    hexid = "649def34f8be52c8b66281af98ae884c09aef38b"
    assert normalize_s2_id(hexid.upper()) == hexid
    assert normalize_s2_id(f"https://www.semanticscholar.org/paper/Some-Title/{hexid}") == hexid
    assert normalize_s2_id("xyz") is None


def test_parse_identifier_kinds():
    assert parse_identifier("arXiv:1706.03762") == ("arxiv", "1706.03762")
    assert parse_identifier("https://doi.org/10.1000/A") == ("doi", "10.1000/a")
    assert parse_identifier("10.48550/arxiv.1706.03762") == ("arxiv", "1706.03762")
    assert parse_identifier("W1") == ("openalex", "W1")
    assert parse_identifier("Attention is all you need") is None
    assert parse_identifier("") is None


def test_title_key_folds_case_accents_markup_punctuation():
    assert title_key("Schrödinger's  {Cat}: a \\emph{Study}") == title_key("schrodinger s cat a study")
    assert title_key(None) == ""


def test_fallback_id_is_stable_and_depends_on_title_and_year():
    a = fallback_id("A Study", 2020)
    assert a == fallback_id("a   study", 2020)
    assert a != fallback_id("A Study", 2021)
    assert a.startswith("pl:") and len(a) == 15


def test_paper_id_priority():
    assert paper_id(arxiv_id="1", doi="d", openalex_id="W", s2_id="s") == "1"
    assert paper_id(doi="d", openalex_id="W") == "d"
    assert paper_id(openalex_id="W1", s2_id="s") == "W1"
    assert paper_id(title="T", year=1).startswith("pl:")
