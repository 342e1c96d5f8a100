"""Text helpers shared by search, concepts and readers: LaTeX stripping, tokens."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

__all__ = [
    "STOP_WORDS",
    "normalize_space",
    "plural",
    "readable",
    "repair_mojibake",
    "sort_key",
    "strip_latex",
    "strip_markup",
    "times",
    "tokenize",
]

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S)
_CMD_WITH_ARG = re.compile(
    r"\\(?:emph|textbf|textit|texttt|textrm|textsc|mathrm|mathbf|mathit|text|url|href|cite[tp]?)\*?\{([^{}]*)\}"
)
_CMD = re.compile(r"\\[a-zA-Z]+\*?")
_BRACES = re.compile(r"[{}]")


def plural(n: int, noun: str, nouns: str | None = None, *, digits: str = "") -> str:
    """``n`` and the noun in the number it needs: ``1 paper``, ``2 papers``, ``1 community``.

    ``nouns`` is the plural when adding "s" is wrong; ``digits`` a format spec for ``n`` (``","``).

    >>> plural(1, "paper"), plural(0, "paper"), plural(1, "smaller community", "smaller communities")
    ('1 paper', '0 papers', '1 smaller community')
    >>> plural(12345, "link", digits=",")
    '12,345 links'
    """
    word = noun if n == 1 else (nouns or noun + "s")
    return f"{n:{digits}} {word}"


def times(n: int) -> str:
    """How many times, in words for one and two: ``once``, ``twice``, ``3 times``.

    >>> times(1), times(2), times(0), times(1200)
    ('once', 'twice', '0 times', '1,200 times')
    """
    return {1: "once", 2: "twice"}.get(n, f"{n:,} times")


def normalize_space(text: str) -> str:
    """Collapse every run of white space (hard line breaks included) into one space."""
    return " ".join(text.split())


def strip_latex(text: str, *, keep_math: bool = True, tidy: bool = True) -> str:
    """Remove LaTeX markup, keeping the words.

    ``tidy=False`` leaves white space and the spaces before punctuation as they are
    (the same words, three times faster: the search index only needs the words).

    >>> strip_latex(r"We \\emph{propose} $O(n \\log n)$ sorting of {GPU} data")
    'We propose O(n n) sorting of GPU data'
    >>> strip_latex(r"a $\\alpha$-test", keep_math=False)
    'a -test'
    """
    if not keep_math:
        text = _MATH.sub(" ", text)
    else:
        text = _MATH.sub(lambda m: m.group(0).strip("$"), text)
    for _ in range(3):  # nested \emph{\textbf{x}}
        new = _CMD_WITH_ARG.sub(r"\1", text)
        if new == text:
            break
        text = new
    text = _CMD.sub(" ", text)
    text = _BRACES.sub("", text)
    if tidy:
        text = re.sub(r" +([,.;:)])", r"\1", normalize_space(text))
    return text


_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
# Elements that end a block of text: a space keeps the words on either side apart.
_BLOCKS = frozenset(
    {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "title", "sec", "abstract"}
    | {"abstracttext", "table", "tr", "td", "th", "label", "caption"}
)


def strip_markup(text: str) -> str:
    """Publisher markup as plain text: tags dropped (their words kept), entities decoded.

    OpenAlex and Crossref titles and abstracts carry JATS/HTML tags (``<i>``, ``<scp>``,
    ``<sub>``, ``<jats:p>``); the standard library's HTML parser reads them. Inline tags
    join (``CO<sub>2</sub>`` → "CO2"), block tags separate. Text without a tag or an
    entity is returned as it is; a lone ``<`` (``a < b``) is kept.

    >>> strip_markup("<b>Purpose:</b> study <i>in vivo</i> CO<sub>2</sub> &amp; <scp>RNA</scp><jats:p>Next</jats:p>")
    'Purpose: study in vivo CO2 & RNA Next'
    >>> strip_markup("if a < b and c > d")
    'if a < b and c > d'
    """
    if not isinstance(text, str) or not _TAG.search(text):
        return text
    from html.parser import HTMLParser

    pieces: list[str] = []

    class _Text(HTMLParser):
        def handle_starttag(self, tag: str, attrs: Any = None) -> None:
            if tag.rsplit(":", 1)[-1] in _BLOCKS:
                pieces.append(" ")

        def handle_endtag(self, tag: str) -> None:
            self.handle_starttag(tag)

        def handle_data(self, data: str) -> None:
            pieces.append(data)

    parser = _Text(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return normalize_space("".join(pieces))


_READER: list = []


@functools.lru_cache(maxsize=65536)
def _latex_piece(text: str) -> str:
    if not _READER:
        from pylatexenc.latex2text import LatexNodes2Text

        _READER.append(LatexNodes2Text(math_mode="text"))
    try:
        return _READER[0].latex_to_text(text, tolerant_parsing=True)
    except Exception:  # pylatexenc raises assorted errors on broken markup
        return strip_latex(text)


_MARKUP_PIECE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\S*\\\S*")


def _readable(text: str) -> str:
    # Only the math and the words with a backslash go through pylatexenc (a whole abstract is slow to walk).
    return normalize_space(_MARKUP_PIECE.sub(lambda m: _latex_piece(m.group(0)), text))


def readable(text: object) -> str:
    r"""Text with its LaTeX (math included) read as text, for tables, tooltips and sorting.

    The stored value is unchanged (it writes back as written); only what is shown differs.
    Text without ``$`` or ``\`` is returned as it is.

    >>> readable(r"$\mathcal{B}^{3}$-Net: fast $O(n \log n)$ search")
    'ℬ^3-Net: fast O(n log n) search'
    >>> readable("Plain title"), readable(None)
    ('Plain title', '')
    """
    if not isinstance(text, str):
        return ""
    if "$" not in text and "\\" not in text:
        return text
    return _readable(text)


# A character that starts a UTF-8 sequence read as Latin-1/Windows-1252 ("Ã", "Î", "â"...), followed by one
# that continues it (U+0080-U+00BF, or what Windows-1252 shows for the bytes 0x80-0x9F).
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|\u00c2\\s"
)

# A no-break space garbled to "Â\xa0" whose second character a reader already turned into a plain space:
# "20Â mg", "-Â 300 mV", "from Â 7.5". Â ends a word only in capitals (Vietnamese, Portuguese): kept there.
_LOST_NO_BREAK_SPACE = re.compile(r"(?<![A-Z\u00c0-\u00de])\u00c2(?=\s)")


def repair_mojibake(text: str) -> str:
    r"""Text whose UTF-8 bytes were once decoded as Latin-1 or Windows-1252, read back as meant.

    Recorded arXiv answers, old exports and copy-pasted abstracts carry such text ("Î±" for "α",
    "â€™" for "’"). Only the encoding is fixed (ftfy's ``fix_encoding``, which changes nothing it is
    not sure of); quotes, spaces and everything else stay as written. ASCII and text without a
    telltale pair of characters are returned as they are, at once.

    >>> repair_mojibake("type-I error at most $Î±$ and $Ï\x89$Test")
    'type-I error at most $α$ and $ω$Test'
    >>> repair_mojibake("at 300Â Â°C for 2Â h")  # a garbled no-break space, already read as a space
    'at 300 °C for 2 h'
    >>> repair_mojibake("Müller’s café, naïve"), repair_mojibake("ROMÂNIA, CÂMARA"), repair_mojibake("plain")
    ('Müller’s café, naïve', 'ROMÂNIA, CÂMARA', 'plain')
    """
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text
    import ftfy  # a few ms to import, only when a text needs it

    return ftfy.fix_encoding(_LOST_NO_BREAK_SPACE.sub("", text))


def sort_key(text: object) -> str | None:
    r"""A title as it sorts: read as text, case folded, leading markup and punctuation ignored.

    >>> sorted(["Zebra", r"$\mathcal{K}$-theory", "$k$-means", "{B}ees", "(Almost) all"], key=sort_key)
    ['(Almost) all', '{B}ees', '$k$-means', '$\\mathcal{K}$-theory', 'Zebra']
    """
    if not isinstance(text, str):
        return None
    folded = unicodedata.normalize("NFKD", readable(text).replace("{", "").replace("}", ""))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))  # É sorts with E, 𝒦 with K
    return re.sub(r"^\W+", "", folded).casefold()


# A compact English stop list (articles, pronouns, auxiliaries, prepositions) plus
# words that carry no topic in abstracts.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves however thus therefore via using
    use used based paper propose proposed show shows shown present presents approach method methods
    new results result work also well may might must one two three first second many much often
    across within without us et al e g i e eg ie
    """.split()  # noqa: SIM905
)

WORD = re.compile(r"[a-z0-9]+")
"""A raw word of lower-cased text (hyphens and apostrophes split words)."""


def normalize_token(token: str) -> str | None:
    """A raw word as an index term: ``None`` for stop words and single letters, plurals folded.

    >>> normalize_token("models"), normalize_token("the"), normalize_token("studies")
    ('model', None, 'study')
    """
    if token in STOP_WORDS or (len(token) == 1 and token.isalpha()):
        return None
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokenize(text: str | None) -> list[str]:
    """Lower-cased word tokens without stop words, plurals folded, hyphens split.

    >>> tokenize("Low-Rank Adaptation of Large Language Models")
    ['low', 'rank', 'adaptation', 'large', 'language', 'model']
    """
    if not text:
        return []
    return [term for term in map(normalize_token, WORD.findall(text.lower())) if term]
