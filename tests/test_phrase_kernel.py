"""The compiled phrase picker against the rule written out in Python, on random ranked lists of 1-3 word
phrases built so that containment, equal word sets, equal scores, zero scores and the 2n cap all occur."""

from __future__ import annotations

import random

import numpy as np
import pytest

from paperlens.graphs._phrase_kernel import pick_phrases
from paperlens.graphs.concepts import _readable, _word_sets


def rule(ranked: list[tuple[str, float]], n: int) -> list[tuple[str, float]]:
    """The rule as the docstring says it, one entry at a time (the implementation before it was compiled)."""
    picked: list[tuple[str, float, frozenset[str]]] = []
    for term, score in ranked:
        words = frozenset(term.split(" "))
        if score <= 0:
            break
        if any(words <= other[2] for other in picked):
            continue
        inside = [i for i, other in enumerate(picked) if other[2] < words and score >= 0.5 * other[1]]
        if inside:
            picked[inside[0]] = (term, score, words)
            for i in reversed(inside[1:]):
                del picked[i]
        elif len(picked) < 2 * n:
            picked.append((term, score, words))
    picked.sort(key=lambda entry: -entry[1])
    return [(term, score) for term, score, _ in picked[:n]]


def random_list(rng: random.Random) -> list[tuple[str, float]]:
    vocabulary = [f"w{i}" for i in range(rng.randint(2, 9))]
    terms = set()
    for _ in range(rng.randint(0, 30)):
        terms.add(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 3))))
    scores = sorted((rng.choice([0.0, 0.25, 0.5, 1.0, rng.random()]) for _ in terms), reverse=True)
    return list(zip(sorted(terms, key=lambda _: rng.random()), scores, strict=True))


@pytest.mark.parametrize("seed", range(8))
def test_pick_phrases_is_the_rule(seed: int) -> None:
    rng = random.Random(seed)
    lists = [random_list(rng) for _ in range(300)]
    names = sorted({term for ranked in lists for term, _ in ranked})
    column = {term: i for i, term in enumerate(names)}
    width = max(len(ranked) for ranked in lists)
    for n in (1, 3, 5):
        terms = np.full((len(lists), width), -1, dtype=np.int64)
        scores = np.zeros((len(lists), width))
        for r, ranked in enumerate(lists):
            terms[r, : len(ranked)] = [column[t] for t, _ in ranked]
            scores[r, : len(ranked)] = [s for _, s in ranked]
        counts = np.array([len(ranked) for ranked in lists], dtype=np.int64)
        picked, picked_scores = pick_phrases(counts, terms, scores, *_word_sets(names), n)
        for r, ranked in enumerate(lists):
            got = [(names[t], s) for t, s in zip(picked[r], picked_scores[r], strict=True) if t >= 0]
            assert got == rule(ranked, n), ranked


def test_readable_prefers_the_longer_phrase() -> None:
    terms = np.array(["rank", "low rank", "model", "soups", "model soups", "deep"], dtype=object)
    scores = np.array([0.9, 0.8, 0.5, 0.6, 0.35, 0.1])
    assert _readable(terms, scores, 3) == [("low rank", 0.8), ("model soups", 0.35), ("deep", 0.1)]
