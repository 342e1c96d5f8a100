"""Ranked full-text search: BM25 over title, abstract and keywords, title and keywords weighted (BM25F).

The index is built once per corpus (lazily, on the first search) and reused by
every subset of that corpus: a filtered corpus searches with its parent's index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ._gc import gc_paused
from .text import normalize_token, strip_latex, tokenize

__all__ = ["QUERY_HELP", "SearchIndex", "parse_query"]

# bytes.translate table: a-z and 0-9 stay, every other byte (and "?" for a non-ASCII character) is a space.
_SEPARATORS = bytes(c if chr(c).isascii() and (chr(c).isdigit() or "a" <= chr(c) <= "z") else 32 for c in range(256))


def _words_only(text: object) -> str:
    """:func:`_plain` for counting words: the same words, white space left untidied (faster)."""
    if not isinstance(text, str) or not text:
        return ""
    return strip_latex(text, tidy=False) if ("\\" in text or "$" in text) else text


def _plain(text: object) -> str:
    """The text without LaTeX markup; a missing (None/NaN) text is empty.

    Only texts with markup characters pay for stripping.
    """
    if not isinstance(text, str) or not text:
        return ""
    return strip_latex(text) if ("\\" in text or "$" in text) else text


class SearchIndex:
    """A BM25F index over three fields.

    Parameters
    ----------
    titles, abstracts : sequences of str or None, one per paper.
    keywords : a sequence of keyword lists, one per paper (optional).
    fields : a DataFrame, one row per paper, for the field queries ``author:``, ``venue:``,
        ``year:`` and ``tag:`` (its ``authors``, ``venue``, ``year`` and ``tags``/``keywords`` columns).

    Queries (:meth:`scores`, :meth:`explain`; the syntax is :data:`QUERY_HELP`): every word
    must match (AND), ranked by BM25F; ``"exact phrase"``; ``a OR b``; ``-word`` excludes;
    ``title:word``, ``author:name``, ``venue:name``, ``year:2020..2023`` (or ``year:2020``,
    ``year:2020..``, ``year:..2020``), ``tag:name``. Stop words are ignored, also inside phrases.
    title_weight, keyword_weight : how much a title or keyword occurrence counts against one in the abstract.
    k1, b : the usual BM25 saturation and length-normalisation parameters.

    Examples
    --------
    >>> index = SearchIndex(["Graph networks", "Language models"], ["nodes and edges", None])
    >>> index.scores("graph").round(3).tolist()
    [1.03, 0.0]
    >>> SearchIndex(["A", "B"], [None, None], keywords=[(), ("to read",)]).scores("read").round(3).tolist()
    [0.0, 0.829]
    """

    def __init__(
        self,
        titles: Sequence[str | None],
        abstracts: Sequence[str | None],
        keywords: Sequence[Sequence[str]] | None = None,
        *,
        fields: Any = None,
        title_weight: float = 2.5,
        keyword_weight: float = 2.5,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:

        self.title_weight = title_weight
        self.k1 = k1
        self.b = b
        self.vocabulary: dict[str, int] = {}
        self._titles, self._abstracts = titles, abstracts  # for phrases: only the candidates are read again
        self._fields = fields  # a DataFrame with authors, venue, year, tags/keywords columns (field queries)
        self._folded: dict[str, list[str]] = {}
        self._term_of: dict[bytes, int] = {}
        with gc_paused():
            self._build(titles, abstracts, keywords, title_weight, keyword_weight, b)

    def _build(self, titles, abstracts, keywords, title_weight: float, keyword_weight: float, b: float) -> None:
        from scipy import sparse

        keyword_texts = ["; ".join(k) if k is not None and len(k) else "" for k in keywords or ()]
        title_matrix, abstract_matrix, keyword_matrix = self._count(
            [_words_only(t) for t in titles],
            [_words_only(a) for a in abstracts],
            [_words_only(k) for k in keyword_texts] or [""] * len(titles),
        )
        n_terms = len(self.vocabulary)
        title_matrix.resize((len(titles), n_terms))
        abstract_matrix.resize((len(abstracts), n_terms))
        keyword_matrix.resize((len(titles), n_terms))
        self.n_docs = len(titles)

        # Papers containing each term: the stored entries per column of the summed fields. With positive
        # weights the weighted sum below stores the same entries (sums of positive numbers), so it counts them.
        positive = title_weight > 0 and keyword_weight > 0 and 0 <= b <= 1
        doc_freq = None if positive else np.diff((title_matrix + abstract_matrix + keyword_matrix).tocsc().indptr)

        def normalise(matrix: sparse.csr_matrix, weight: float) -> None:
            """Scale each row in place: term frequency over the field's BM25 length norm, times the weight."""
            lengths = np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel()
            mean = lengths.mean() if len(lengths) and lengths.mean() > 0 else 1.0
            factor = weight / (1.0 - b + b * lengths / mean)
            matrix.data *= np.repeat(factor, np.diff(matrix.indptr)).astype(matrix.dtype)

        # Per-field length-normalised term frequencies, then one weighted sum (BM25F).
        normalise(title_matrix, title_weight)
        self._title_tf = title_matrix.tocsc()  # for title: queries
        normalise(abstract_matrix, 1.0)
        if keyword_matrix.nnz:
            normalise(keyword_matrix, keyword_weight)
        summed = title_matrix + abstract_matrix + keyword_matrix
        del title_matrix, abstract_matrix, keyword_matrix
        self._tf = summed.tocsc()
        del summed
        if doc_freq is None:
            doc_freq = np.diff(self._tf.indptr)
        self._idf = np.log1p((self.n_docs - doc_freq + 0.5) / (doc_freq + 0.5))
        del self._term_of

    def _count(self, *fields: list[str], chunk: int = 32768) -> list[Any]:
        """Term counts per text of each field (a CSR matrix per field), as :func:`tokenize` would count them,
        at C speed.

        Texts are read in chunks (memory stays small at any size). The raw words of a
        text are what ``WORD.findall(text.lower())`` finds: every character that is not
        ``a-z0-9`` becomes a space (one ``bytes.translate`` of the chunk's texts joined),
        then compiled code numbers the words (:mod:`paperlens._words_kernel`), so no
        Python object is made per word. The stop-word and plural rules run once per
        distinct word, not per occurrence.

        The compiled steps release the GIL, so two threads share the chunks; terms get
        their columns here, one chunk after the other in the fields' order, so the
        vocabulary and every count are the same with any number of threads.
        """
        from concurrent.futures import ThreadPoolExecutor

        from scipy import sparse

        from ._words_kernel import count_terms, split_words

        vocab = self.vocabulary
        term_of = self._term_of  # raw word -> term column, -1 for stop words (shared by the fields)

        def split(part: list[str]) -> tuple[int, bytes, tuple[np.ndarray, ...]]:
            encoded = [text.lower().encode("ascii", "replace") for text in part]
            ends = np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)) + 1)
            joined = b" ".join(encoded).translate(_SEPARATORS)
            return len(encoded), joined, split_words(np.frombuffer(joined, dtype=np.uint8), ends)

        parts = [
            (f, texts[start : start + chunk]) for f, texts in enumerate(fields) for start in range(0, len(texts), chunk)
        ]
        blocks: list[list[Any]] = [[] for _ in fields]
        with ThreadPoolExecutor(max_workers=2) as pool:
            counted = []
            for (f, _), (rows, joined, (words, docs, first, lengths)) in zip(
                parts, pool.map(split, [part for _, part in parts]), strict=True
            ):
                distinct = [joined[s : s + n] for s, n in zip(first.tolist(), lengths.tolist(), strict=True)]
                for word in [word for word in distinct if word not in term_of]:  # new words, in order of first use
                    normal = normalize_token(word.decode("ascii"))
                    term_of[word] = -1 if normal is None else vocab.setdefault(normal, len(vocab))
                term_of_word = np.fromiter(map(term_of.__getitem__, distinct), np.int64, len(distinct))
                counted.append((f, rows, len(vocab), pool.submit(count_terms, words, docs, term_of_word, rows)))
            for f, rows, width, job in counted:
                indptr, indices, counts = job.result()
                block = sparse.csr_matrix((counts, indices, indptr), shape=(rows, width))
                block.has_sorted_indices = True
                blocks[f].append(block)
        n_terms = max(len(vocab), 1)
        out = []
        for field_blocks in blocks:
            if not field_blocks:
                out.append(sparse.csr_matrix((0, n_terms)))
                continue
            for block in field_blocks:  # earlier blocks were made when the vocabulary was smaller
                block.resize((block.shape[0], n_terms))
            out.append(sparse.vstack(field_blocks, format="csr"))
        return out

    def query_terms(self, query: str) -> list[str]:
        """The text tokens of a query that the index knows (the ones that score)."""
        return [t for t in dict.fromkeys(self._positive_tokens(parse_query(query))) if t in self.vocabulary]

    def scores(self, query: str) -> np.ndarray:
        """The BM25F score of every paper for the query, 0 where the paper does not match.

        A matching paper always scores above 0 (a query of fields only, ``year:2020``, ranks its
        papers equally).
        """
        return self.match(query)[1]

    def match(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """``(mask, scores)``: which papers match the query, and their BM25F scores (0 elsewhere)."""
        groups = parse_query(query)
        mask = self._mask(groups)
        if mask is None:  # only stop words: nothing to match
            mask = np.zeros(self.n_docs, dtype=bool)
        out = np.zeros(self.n_docs)
        for term in dict.fromkeys(self._positive_tokens(groups)):
            column_id = self.vocabulary.get(term)
            if column_id is None:
                continue
            column = self._tf[:, column_id]
            tf = column.data
            out[column.indices] += self._idf[column_id] * tf * (self.k1 + 1) / (tf + self.k1)
        out[~mask] = 0.0
        out[mask] = np.maximum(out[mask], _FLOOR)
        return mask, out

    def explain(self, query: str) -> str | None:
        """Why a query matches nothing (``None`` if it matches a paper): the term that matched nothing,
        or that each part matches papers but no paper has them all.

        >>> index = SearchIndex(["Graph networks", "Language models"], ["nodes and edges", None])
        >>> index.explain("graph zebra")
        "no paper matches 'zebra'"
        >>> index.explain("graph language")
        "each part matches papers, but none has them all: 'graph' (1), 'language' (1)"
        """
        groups = parse_query(query)
        mask = self._mask(groups)
        if mask is not None and mask.any():
            return None
        if mask is None:
            return "the query has only stop words (the, of, for ...), which are not searched"
        counts = []
        for group in groups:
            got = self._group_mask(group)
            if got is None:
                continue
            n = int(got.sum())
            if n == 0 and not group.negated:
                return f"no paper matches {group.text!r}"
            if n == len(got) and group.negated:
                return f"{group.text!r} excludes every paper"
            counts.append(f"{group.text!r} ({n if not group.negated else len(got) - n})")
        return "each part matches papers, but none has them all: " + ", ".join(counts)

    # ------------------------------------------------------------------ evaluation

    def _positive_tokens(self, groups: list[_Group]) -> list[str]:
        return [
            t for g in groups if not g.negated for atom in g.atoms if atom.field in (None, "title") for t in atom.tokens
        ]

    def _mask(self, groups: list[_Group]) -> np.ndarray | None:
        mask = None
        for group in groups:
            got = self._group_mask(group)
            if got is None:
                continue
            got = ~got if group.negated else got
            mask = got if mask is None else mask & got
        return mask

    def _group_mask(self, group: _Group) -> np.ndarray | None:
        mask = None
        for atom in group.atoms:
            got = self._atom_mask(atom)
            if got is not None:
                mask = got if mask is None else mask | got
        return mask

    def _term_mask(self, term: str, matrix: Any) -> np.ndarray:
        mask = np.zeros(self.n_docs, dtype=bool)
        column_id = self.vocabulary.get(term)
        if column_id is not None:
            mask[matrix.indices[matrix.indptr[column_id] : matrix.indptr[column_id + 1]]] = True
        return mask

    def _atom_mask(self, atom: _Atom) -> np.ndarray | None:
        if atom.field in (None, "title"):
            if not atom.tokens:
                return None  # stop words only
            matrix = self._title_tf if atom.field == "title" else self._tf
            mask = np.ones(self.n_docs, dtype=bool)
            for term in atom.tokens:
                mask &= self._term_mask(term, matrix)
            if len(atom.tokens) > 1 and mask.any():
                texts = (self._titles,) if atom.field == "title" else (self._titles, self._abstracts)
                for pos in np.flatnonzero(mask):
                    mask[pos] = any(_has_sequence(tokenize(_plain(t[pos])), atom.tokens) for t in texts)
            return mask
        if atom.field == "year":
            return self._year_mask(atom.value)
        columns = {"author": ("authors",), "venue": ("venue",), "tag": ("tags", "keywords")}[atom.field]
        wanted = atom.value.casefold()
        mask = np.zeros(self.n_docs, dtype=bool)
        for name in columns:
            for pos, text in enumerate(self._folded_column(name)):
                if wanted in text:
                    mask[pos] = True
        return mask

    def _folded_column(self, name: str) -> list[str]:
        """A field of every paper as one case-folded string (list items joined by newlines)."""
        if name not in self._folded:
            df = self._fields
            if df is None or name not in getattr(df, "columns", ()):
                self._folded[name] = [""] * self.n_docs
            else:
                self._folded[name] = [
                    "\n".join(map(str, v)).casefold()
                    if isinstance(v, (tuple, list))
                    else (v.casefold() if isinstance(v, str) else "")
                    for v in df[name].tolist()
                ]
        return self._folded[name]

    def _year_mask(self, value: str) -> np.ndarray:
        low, high = _year_range(value)
        df = self._fields
        if df is None or "year" not in getattr(df, "columns", ()):
            return np.zeros(self.n_docs, dtype=bool)
        years = df["year"].to_numpy(dtype="float64", na_value=np.nan)
        mask = ~np.isnan(years)
        if low is not None:
            mask &= years >= low
        if high is not None:
            mask &= years <= high
        return mask


_FLOOR = 1e-9
"""The score of a matching paper that no scored word ranks (a query of fields only)."""

QUERY_HELP = (
    'all words must match · "exact phrase" · a OR b · -exclude · title:word · author:name · '
    "venue:name · year:2020..2023 · tag:name"
)
"""The query syntax in one line (the explorer shows it as its hint)."""

FIELDS = ("title", "author", "venue", "year", "tag")
_ALIASES = {"authors": "author", "tags": "tag", "keyword": "tag", "keywords": "tag", "ti": "title"}
_TOKEN = re.compile(r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))|(?P<junk>")')


class _Atom(NamedTuple):
    field: str | None  # None: title, abstract and keywords
    value: str
    tokens: tuple[str, ...]


class _Group(NamedTuple):
    atoms: tuple[_Atom, ...]  # any of them (OR)
    negated: bool
    text: str


def parse_query(query: str) -> list[_Group]:
    """A query as groups that must all match (AND); a group matches if any of its atoms does (OR).

    >>> [(g.text, g.negated, len(g.atoms)) for g in parse_query('"deep nets" -survey year:2020 a OR title:b')]
    [('"deep nets"', False, 1), ('-survey', True, 1), ('year:2020', False, 1), ('a OR title:b', False, 2)]
    >>> [(a.field, a.tokens) for a in parse_query('title:"graph networks"')[0].atoms]
    [('title', ('graph', 'network'))]
    """
    groups: list[_Group] = []
    join = False
    for match in _TOKEN.finditer(query or ""):
        if match.group("junk"):
            continue
        raw = match.group(0)
        field = match.group("field")
        value = match.group("phrase") if match.group("phrase") is not None else match.group("word")
        if field is None and match.group("neg") is None and value in ("OR", "|"):
            join = bool(groups)
            continue
        name = _ALIASES.get(field.lower(), field.lower()) if field else None
        if name is not None and name not in FIELDS:  # not a field: "covid-19:" or "C:" is text
            name, value = None, f"{field}:{value}"
        tokens = tuple(tokenize(value)) if name in (None, "title") else ()
        atom = _Atom(name, value, tokens)
        negated = match.group("neg") is not None
        if join and groups and not negated and not groups[-1].negated:
            last = groups.pop()
            groups.append(_Group((*last.atoms, atom), False, f"{last.text} OR {raw}"))
        else:
            groups.append(_Group((atom,), negated, raw))
        join = False
    return groups


def _has_sequence(tokens: list[str], wanted: tuple[str, ...]) -> bool:
    n = len(wanted)
    first = wanted[0]
    return any(tokens[i : i + n] == list(wanted) for i, t in enumerate(tokens) if t == first)


def _year_range(value: str) -> tuple[int | None, int | None]:
    """``2020`` → (2020, 2020); ``2020..2023``, ``2020-2023``, ``2020..``, ``..2020``, ``>=2020``, ``<2020``."""
    text = value.strip()
    match = re.fullmatch(r"(\d{4})?\s*(?:\.\.|-|–)\s*(\d{4})?", text)
    if match and (match.group(1) or match.group(2)):
        low, high = match.group(1), match.group(2)
        return (int(low) if low else None, int(high) if high else None)
    match = re.fullmatch(r"(>=|<=|>|<)?\s*(\d{4})", text)
    if match:
        op, year = match.group(1), int(match.group(2))
        return {
            None: (year, year),
            ">=": (year, None),
            ">": (year + 1, None),
            "<=": (None, year),
            "<": (None, year - 1),
        }[op]
    from .errors import InvalidArgumentError

    raise InvalidArgumentError(f"year:{value} is not a year or a range; write year:2020 or year:2020..2023")
