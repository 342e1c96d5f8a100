"""Inferred mention links: a paper whose title or abstract names another corpus paper.

Many records come without reference lists, yet abstracts often name the work they
build on ("fine-tuning CLIP", "we used model soup"). This module finds such
mentions with general rules, nothing specific to any paper:

1. **Names a paper gives itself**, from its own record only:

   - the part of the title before a colon: one word (``"ELECTRA: Pre-training ..."``
     -> ``ELECTRA``) or a phrase of 2-3 words without stop words (``"Model soups: ..."``
     -> ``model soups``), not a topic (``"Knowledge Distillation: A Survey"``) nor a
     description opening with a gerund or "beyond/towards" (``"Bridging the Gap: ..."``);
   - the name of its code repository in the abstract (``github.com/OpenAI/CLIP`` ->
     ``CLIP``); words joined by dashes (``image-retrieval``) are not taken;
   - a term the abstract coins in a sentence where the authors claim it (``we
     propose/introduce/present/call ...``, ``this paper proposes ...``): quoted
     (``we call the results "model soups"``), after called/dubbed/termed/named
     (``a pre-training task called replaced token detection``), or an acronym in
     parentheses shortly after the claim (``We propose Self-supervised vIsion
     Transformers (SiT)``; not ``we propose to adopt ... (SSL)`` nor plurals like ``PLMs``).
     "A phenomenon called X" without a claim names something that exists already.

2. **Which names are kept.** A one-word name needs 3+ letters or digits and a
   name's shape: a digit (``UL2``), an inner capital (``LiST``, ``DR-Tune``), 4+
   capitals (``CLIP``; three capitals like ``ASR`` stand for too many things), or a
   capital first letter (``Lawma``), which is dropped when each of its words also
   occurs in lower case in the corpus (``Attention``). Capitals are dropped when
   the lower-case word is at least as common in the corpus (``POINTS`` beside
   "19.5 points"; ``CLIP`` stays while few papers write "clip"). One-word names
   match with their case (``CLIP`` never matches "clip"); a lower-case repository
   name (``welore``) matches only where written with inner capitals (``WeLore``).
   Phrases match without case, plurals folded (``model soups`` matches "model
   soup"), never across punctuation. A name is dropped when two papers claim it
   equally strongly (title beats repository beats abstract), when a paper that
   appeared before its claimant already used it (it was not coined there), or when
   too many papers use it (a phrase: more than 2 papers and 0.2% of the corpus; a
   one-word name: more than 3 papers and 25%).

3. **Links** go from a paper whose title or abstract (links stripped) contains a
   name to the paper that claims it, only when the named paper appeared no later
   than the naming one: by dates when both are known, else by month (from the date
   or a new- or old-style arXiv id), else by years.

Examples
--------
>>> import paperlens as pl
>>> corpus = pl.load_sample()
>>> sorted((m.citing, m.cited, m.evidence) for m in find_mentions(corpus) if m.cited == "2003.10555")
[('2112.07869', '2003.10555', 'ELECTRA'), ('2302.09268', '2003.10555', 'replaced token detection')]
>>> [(n.text, n.source) for n in paper_names(corpus["2203.05482"])]
[('Model soups', 'title')]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from ..text import STOP_WORDS

if TYPE_CHECKING:
    from ..corpus import Corpus
    from ..record import Paper

__all__ = ["Mention", "Name", "find_mentions", "paper_names"]

# Strength of the evidence that a name belongs to a paper: a tie between two papers drops the name.
STRENGTH = {"title": 3, "repository": 2, "abstract": 1}

# Words too common in abstracts (structured-abstract headings, generic nouns) to be a paper's name.
_COMMON_WORDS = frozenset(
    """
    abstract aim aims background conclusion conclusions context design discussion findings introduction
    limitations method methods motivation objective objectives outcome outcomes purpose results setting
    significance summary code codes data dataset datasets model models network networks benchmark
    learning system systems tool toolkit library framework official implementation release demo main
    project repo source src paper supplementary appendix the this our all none more less best
    """.split()  # noqa: SIM905
)
# Words that open descriptive titles ("Beyond Semantics: ...", "Towards ..."), not names.
_EDGE_WORDS = frozenset({"beyond", "toward", "towards", "inside", "outside", "via", "against"})
# A subtitle that makes the part before the colon a topic, not a name: "Knowledge Distillation: A Survey".
_TOPIC_SUBTITLE = re.compile(
    r"^\W*(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?(?:survey|review|overview|tutorial|primer|perspective|introduction)\b",
    re.I,
)
_GENERIC_REPO_PARTS = frozenset(
    "code codes official implementation impl pytorch tensorflow jax torch keras repo release main src public".split()  # noqa: SIM905
)

_WORD = re.compile(r"[^\W_]+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:github|gitlab|bitbucket)\.(?:com|org)/\S+", re.I)
_REPO = re.compile(r"\b(?:github|gitlab)\.com/[\w.-]+/([\w.-]+)", re.I)
# The authors naming their own contribution: "we (first) propose", "this paper introduces".
_CLAIM = re.compile(
    r"\bwe\s+(?:\w+\s+)?(?:propose|present|introduce|develop|design|call|name|term|dub|coin)\b"
    r"|\b(?:this|our)\s+(?:paper|work|study|article)\s+(?:proposes|presents|introduces|develops)\b",
    re.I,
)
_COINED = re.compile(r"(\S+)\s+(?:called|dubbed|termed|named|coined)\s+")
_QUOTED = re.compile(
    r"\b(?:we\s+)?(?:call|calls|called|term|terms|termed|dub|dubs|dubbed|name|names|named|coin|coined)\b"
    r"[^.\"“”]{0,40}?[\"“]([^\"”]{2,60}?)[.,]?[\"”]",
    re.I,
)
_PAREN_ACRONYM = re.compile(r"\(([A-Za-z][A-Za-z0-9-]{1,15})\)")
_QUOTE_MARKS = re.compile('["“”]')
_GAP = re.compile(r"\s*-?\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")


class Name(NamedTuple):
    """A name a paper gives itself.

    ``text`` as written; ``tokens`` what is matched (``mode="exact"``: case kept;
    ``"capitalised"``: like exact, once checked against ordinary words; ``"styled"``:
    lower case, matched only where written with capitals; ``"phrase"``: lower case,
    plurals folded); ``source``: ``"title"``, ``"repository"`` or ``"abstract"``.
    """

    text: str
    tokens: tuple[str, ...]
    mode: str
    source: str


class Mention(NamedTuple):
    """``citing`` names ``cited`` by ``evidence`` (the phrase as written in ``citing``)."""

    citing: str
    cited: str
    evidence: str
    name: str
    source: str


# --------------------------------------------------------------------------- words


@lru_cache(maxsize=1 << 16)
def _fold(token: str) -> str:
    """Lower case with plurals folded: ``soups`` -> ``soup``, ``studies`` -> ``study``."""
    token = token.casefold()
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def _strip_urls(text: str) -> str:
    return _URL.sub(" ", text) if "/" in text or "www." in text else text


def _word_shape(word: str) -> str | None:
    """How a one-word name is matched: ``"exact"``, ``"styled"``, ``"capitalised"``, or ``None`` (not a name)."""
    parts = _WORD.findall(word)
    letters = "".join(parts)
    if len(letters) < 3 or not any(ch.isalpha() for ch in letters) or len(parts) > 3:
        return None
    if any(ch.isdigit() for ch in letters):
        return "exact"  # UL2, T2Vid
    if letters.isupper():
        return "exact" if len(letters) >= 4 else None  # three capitals (ASR, FID) stand for too many things
    if any(any(ch.isupper() for ch in part[1:]) for part in parts):
        return "exact"  # LiST, DR-Tune, Mug-STAN
    if letters[0].isupper():
        return "capitalised"  # Selfie, Lugha-Llama, Inside-Out: checked against ordinary words
    return "styled" if len(letters) >= 4 else None  # a lower-case repository name: welore


def _phrase_ok(words: list[str]) -> bool:
    tokens = [t.casefold() for w in words for t in _WORD.findall(w)]
    if not 2 <= len(words) <= 5 or not tokens or len(tokens) > 7:
        return False
    if tokens[0] in STOP_WORDS or tokens[-1] in STOP_WORDS or tokens[0] in _EDGE_WORDS:
        return False
    if tokens[0].endswith("ing") and len(tokens[0]) > 5:
        return False  # "Bridging the Semantic Gaps", "Exploring ...": a description, not a name
    content = [t for t in tokens if t not in STOP_WORDS and len(t) >= 3]
    return len(content) >= 2


def _name(text: str, source: str) -> Name | None:
    """A candidate name from a piece of text, or ``None`` if it cannot be one."""
    text = text.strip().strip(".,;:!?\"'“”()[]{}")
    words = text.split()
    if not words:
        return None
    if len(words) == 1:
        shape = _word_shape(words[0])
        if shape is None:
            return None
        tokens = tuple(_WORD.findall(words[0]))
        if shape == "styled":
            tokens = tuple(t.casefold() for t in tokens)
        if "".join(tokens).casefold() in STOP_WORDS:
            return None
        return Name(text, tokens, shape, source)
    if not _phrase_ok(words):
        return None
    return Name(text, tuple(_fold(t) for t in _WORD.findall(text)), "phrase", source)


# --------------------------------------------------------------------------- names of one paper


def _repository_names(abstract: str) -> list[str]:
    """Names of the code repositories an abstract links to: ``CLIP``, ``DR-Tune``, or words (``model soups``)."""
    out = []
    for match in _REPO.finditer(abstract):
        repo = re.sub(r"\.git$", "", match.group(1).rstrip(".")).rstrip(".")
        parts = [p for p in re.split(r"[-_.]+", repo) if p]
        while parts and parts[-1].casefold() in _GENERIC_REPO_PARTS:
            parts.pop()
        while parts and parts[0].casefold() in _GENERIC_REPO_PARTS:
            parts.pop(0)
        if parts and not (len(parts) > 1 and all(p.islower() or p.isdigit() for p in parts)):
            out.append("-".join(parts))  # one name: CLIP, DR-Tune; not words joined by dashes (image-retrieval)
    return out


def _phrase_after(text: str) -> list[str]:
    """The words of a name that opens ``text``, up to punctuation or a stop word; ``[]`` if it was cut short.

    "replaced token detection. Instead" -> 3 words; "T2Vid to synthesize" -> 1 word;
    "Joint Flow and Feature Refinement (JFFRA)" -> [] (a longer name goes on after "and").
    """
    words: list[str] = []
    following = text.split()
    for i, word in enumerate(following[:6]):
        if word.startswith(("(", "[", '"', "“")):
            break
        bare = word.rstrip(".,;:!?)")
        if bare.casefold() in STOP_WORDS:
            after = following[i + 1] if i + 1 < len(following) else ""
            if after[:1].isupper():
                return []  # a Title Case name continues past the stop word: not this one
            break
        words.append(bare)
        if bare != word:
            break
    return words


def _coined_names(abstract: str) -> list[str]:
    """Terms an abstract introduces: quoted after call/term/dub/name, unquoted after called/termed/..., acronyms."""
    out = [m.group(1) for m in _QUOTED.finditer(abstract)] if _QUOTE_MARKS.search(abstract) else []
    if not _CLAIM.search(abstract):
        return out
    for sentence in _SENTENCE.split(abstract):
        claim = _CLAIM.search(sentence)
        if not claim:
            continue  # "a phenomenon called implicit personalization" names something that already exists
        for match in _COINED.finditer(sentence, claim.start()):
            if match.group(1).casefold().strip(",") in STOP_WORDS:
                continue  # "in named entity recognition", "is called for"
            words = _phrase_after(sentence[match.end() :])
            if words:
                out.append(" ".join(words))
        if claim:
            acronym = _PAREN_ACRONYM.search(sentence, claim.end())
            between = sentence[claim.end() : acronym.start()].split() if acronym else []
            if (
                acronym
                and sum(ch.isupper() for ch in acronym.group(1)) >= 2
                and not re.fullmatch(r"[A-Z]{2,}s", acronym.group(1))  # PLMs, LLMs: a kind of thing, not a name
                and 0 < len(between) <= 7
                and between[0].casefold() != "to"  # "we propose to adopt semi-supervised learning (SSL)"
                and not any(ch in ",;:" for ch in " ".join(between))  # "we propose X, a ... (PEFT) approach"
            ):
                out.append(acronym.group(1))
    return out


def paper_names(paper: Paper) -> list[Name]:
    """The names ``paper`` gives itself in its title and abstract (before any corpus-wide check).

    >>> import paperlens as pl
    >>> [(n.text, n.mode, n.source) for n in paper_names(pl.load_sample()["2103.00020"])]
    [('CLIP', 'exact', 'repository')]
    >>> [(n.text, n.mode) for n in paper_names(pl.load_sample()["2003.10555"])]
    [('ELECTRA', 'exact'), ('replaced token detection', 'phrase')]
    """
    title = paper.title or ""
    abstract = paper.abstract or ""
    candidates = []
    if ":" in title:
        head, subtitle = title.split(":", 1)
        words = head.split()
        if len(words) == 1 or (
            len(words) <= 3
            and not any(t.casefold() in STOP_WORDS for t in _WORD.findall(head))  # "Advancements in NLP"
            and not _TOPIC_SUBTITLE.match(subtitle)  # "Knowledge Distillation: A Survey"
        ):
            candidates.append((head, "title"))
    candidates += [(text, "repository") for text in _repository_names(abstract)]
    candidates += [(text, "abstract") for text in _coined_names(abstract)]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    names = []
    for text, source in candidates:
        name = _name(text, source)
        if name and (name.mode, name.tokens) not in seen:
            seen.add((name.mode, name.tokens))
            names.append(name)
    return names


# --------------------------------------------------------------------------- matching


_ARXIV_MONTH = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$|^[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}$")


def _month(paper: Paper) -> tuple[int, int] | None:
    """Year and month of first appearance: from the date, else from a new- or old-style arXiv id."""
    if paper.date is not None:
        return paper.date.year, paper.date.month
    match = _ARXIV_MONTH.match(paper.arxiv_id or "")
    if not match:
        return None
    yy, mm = (int(g) for g in (match.group(1, 2) if match.group(1) else match.group(3, 4)))
    return (2000 + yy if yy < 91 else 1900 + yy), mm


def _later(a: Paper, b: Paper) -> bool:
    """Whether ``a`` appeared after ``b``: by dates when both are known, else by month (dates or
    arXiv ids: ``2203.05482`` appeared in March 2022), else by years; unknown: no."""
    if a.date is not None and b.date is not None:
        return a.date > b.date
    month_a, month_b = _month(a), _month(b)
    if month_a is not None and month_b is not None:
        return month_a > month_b
    if a.year is not None and b.year is not None:
        return a.year > b.year
    return False


class _Matcher:
    """Finds every kept name in a text in one pass over its words."""

    def __init__(self, names: list[Name]) -> None:
        # Exact names by their first word as written; the others by their first (one word) or first two
        # (longer names) folded words: (words to match, name number, styled).
        self.exact: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self.folded: dict[tuple[str, ...], list[tuple[tuple[str, ...], int, bool]]] = defaultdict(list)
        self.first: set[str] = set()  # every lower-case spelling that folds to a first word
        for number, name in enumerate(names):
            if name.mode == "exact":
                self.exact[name.tokens[0]].append((name.tokens, number))
                continue
            tokens = tuple(_fold(t) for t in name.tokens)
            self.folded[tokens[:2]].append((tokens, number, name.mode == "styled"))
            head = tokens[0]
            self.first.update((head, head + "s", *((head[:-1] + "ies",) if head.endswith("y") else ())))

    def scan(self, text: str, words: list[str] | None = None) -> Iterable[tuple[int, str]]:
        """``(name number, evidence as written)`` for every name occurring in ``text`` (``words``: its words)."""
        unique = set(_WORD.findall(text) if words is None else words)
        candidates = (unique & self.exact.keys()) | {w for w in unique if w.casefold() in self.first}
        if not candidates:
            return
        matches = list(_WORD.finditer(text))
        words = [m.group() for m in matches]

        def evidence(i: int, n: int) -> str:
            return text[matches[i].start() : matches[i + n - 1].end()]

        def joined(i: int, n: int) -> bool:  # words of a name are apart by spaces or a dash, no punctuation
            return all(_GAP.fullmatch(text[matches[k].end() : matches[k + 1].start()]) for k in range(i, i + n - 1))

        for i in [i for i, w in enumerate(words) if w in candidates]:
            word = words[i]
            for tokens, number in self.exact.get(word, ()):
                if tuple(words[i : i + len(tokens)]) == tokens and joined(i, len(tokens)):
                    yield number, evidence(i, len(tokens))
            if word.casefold() not in self.first:
                continue
            head = _fold(word)
            entries = list(self.folded.get((head,), ()))
            if i + 1 < len(words):
                entries += self.folded.get((head, _fold(words[i + 1])), ())
            for tokens, number, styled in entries:
                n = len(tokens)
                if n > 2 and tuple(_fold(w) for w in words[i + 2 : i + n]) != tokens[2:]:
                    continue
                if len(words) - i < n or not joined(i, n):
                    continue
                if styled and not any(ch.isupper() for ch in word[1:]):
                    continue  # a lower-case repository name counts only where written with capitals: UDA
                yield number, evidence(i, n)


def find_mentions(corpus: Corpus, *, phrase_share: float = 0.002, word_share: float = 0.25) -> list[Mention]:
    """Every inferred mention link of ``corpus`` (cached per corpus and parameters).

    Parameters
    ----------
    corpus : the papers; names and links stay within it.
    phrase_share : a phrase name found in more than this share of the papers (and
        in more than 2) is too generic to be a name.
    word_share : the same limit for one-word names (and more than 3 papers).

    Returns
    -------
    list of Mention
        ``(citing, cited, evidence, name, source)``, one per linked pair, in corpus
        order; ``pandas.DataFrame(find_mentions(corpus))`` makes a table.

    Examples
    --------
    >>> import paperlens as pl
    >>> import pandas as pd
    >>> table = pd.DataFrame(find_mentions(pl.load_sample()))
    >>> table[table.cited == "2203.05482"][["citing", "evidence", "source"]].values.tolist()
    [['2409.04828', 'model soup', 'title']]
    """
    key = f"mentions:{phrase_share}:{word_share}"
    return corpus.cached(key, lambda: _find_mentions(corpus, phrase_share, word_share))


def _find_mentions(corpus: Corpus, phrase_share: float, word_share: float) -> list[Mention]:
    papers = corpus.papers
    n = len(papers)
    texts = [_strip_urls(f"{p.title or ''}. {p.abstract or ''}") for p in papers]

    # How many papers use each word, as written (so "seed" and "SEED" are counted apart).
    words = [_WORD.findall(text) for text in texts]
    written_df: Counter[str] = Counter()
    for found_words in words:
        written_df.update(set(found_words))
    lower_df = Counter({w: c for w, c in written_df.items() if w.islower()})

    def ordinary(name: Name) -> bool:
        word = "".join(name.tokens)
        folded = word.casefold()
        if folded in STOP_WORDS or folded in _COMMON_WORDS:
            return True
        if name.mode == "capitalised":  # Selfie, Inside-Out: each word could open a sentence
            return all(
                lower_df[t.casefold()] > 0 or lower_df[_fold(t)] > 0 or t.casefold() in STOP_WORDS for t in name.tokens
            )
        if word.isalpha() and (word.isupper() or word.islower()):  # POINTS ("19.5 points"), uda; not CLIP
            lower = sum(lower_df[form] for form in {folded, _fold(folded)})
            upper = written_df[word.upper()]
            return lower >= 2 and lower >= upper
        return False  # a digit or an inner capital: UL2, LiST

    # Claims: each distinct name -> the papers that give it, with the strongest source each.
    claims: dict[tuple[str, tuple[str, ...]], dict[int, Name]] = defaultdict(dict)
    for pos, paper in enumerate(papers):
        for name in paper_names(paper):
            if name.mode != "phrase" and ordinary(name):
                continue
            name = name._replace(mode="exact" if name.mode == "capitalised" else name.mode)
            held = claims[(name.mode, name.tokens)].get(pos)
            if held is None or STRENGTH[name.source] > STRENGTH[held.source]:
                claims[(name.mode, name.tokens)][pos] = name

    owners: list[int] = []
    names: list[Name] = []
    for holders in claims.values():
        best = max(STRENGTH[name.source] for name in holders.values())
        top = [pos for pos, name in holders.items() if STRENGTH[name.source] == best]
        if len(top) == 1:  # two papers claiming a name equally: it names neither
            owners.append(top[0])
            names.append(holders[top[0]])

    matcher = _Matcher(names)
    hits: dict[int, dict[int, str]] = defaultdict(dict)  # name number -> paper position -> evidence
    for pos, text in enumerate(texts):
        for number, evidence in matcher.scan(text, words[pos]):
            hits[number].setdefault(pos, evidence)

    found: dict[tuple[int, int], Mention] = {}
    for number, (owner, name) in enumerate(zip(owners, names, strict=True)):
        where = hits.get(number, {})
        others = [pos for pos in where if pos != owner]
        share, floor = (phrase_share, 2) if name.mode == "phrase" else (word_share, 3)
        if len(others) > max(floor, share * n):
            continue  # too common to single out one paper
        if any(_later(papers[owner], papers[pos]) for pos in others):
            continue  # used before its claimant appeared: not coined there, and no link goes back in time
        for pos in others:
            if (pos, owner) not in found:
                found[(pos, owner)] = Mention(papers[pos].id, papers[owner].id, where[pos], name.text, name.source)
    return [found[k] for k in sorted(found)]
