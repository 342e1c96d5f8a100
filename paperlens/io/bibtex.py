"""BibTeX: read ``.bib`` files into papers, and write a corpus as BibTeX.

Reading uses bibtexparser 2 to split the file into blocks (entries, ``@string``,
``@preamble``, comments, and blocks it could not parse), then does the rest
itself, because the library leaves it to middlewares that do not cover it:

* field values are evaluated as BibTeX does: ``{...}`` and ``"..."`` parts,
  bare numbers, ``@string`` macros (case-insensitive) and the month macros
  ``jan`` ... ``dec``, joined with ``#``;
* ``crossref`` children get the fields they lack from their parent (except
  identifiers, title and abstract), and a parent's title becomes a missing
  ``booktitle``;
* LaTeX becomes Unicode with pylatexenc (``{\\"o}`` → ö, ``{\\r a}`` → å,
  ``{GPU}`` → GPU); math between ``$`` signs is kept as written, so it stays
  readable and writes back unchanged;
* authors are split with BibTeX's rules and given as "First von Last, Jr"
  (``and others`` sets ``extra["et_al"]``);
* JabRef explicit groups (``@comment{jabref-meta: groupstree: ...}``) become
  ``extra["groups"]``.

Fields map to :class:`~paperlens.Paper` as: title, abstract, author, year (+
month, day or a biblatex ``date``), journal or booktitle → venue, keywords →
keywords, ``primaryclass`` (arXiv's primary class) and ``categories`` (as
paperlens writes them) → categories, doi, eprint/arxiv → arxiv_id, url. Every other
field is kept in ``extra`` under its lower-case name, with the entry key in
``extra["bibtex_key"]`` and the entry type in ``extra["bibtex_type"]``.

Every entry is accounted for: a block the library could not parse is a skip in
the report, with its line. An entry without a key (``@article{,``) or with a key
an earlier entry has is kept, as Zotero does, under a generated key (``line12``,
``smith2020-2``), the key as written in ``extra["bibtex_key_original"]`` and the
clash in the report's notes (``report.counts["generated keys"]``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import PaperlensError, ParseError
from ..ids import normalize_arxiv_id, normalize_doi, parse_identifier
from ..record import Paper
from ..report import FileReport
from ..text import normalize_space
from .annotations import annote_text, parse_annote, split_tags, tag_keywords
from .base import Parsed, assemble, one_or_many, output, read_text
from .mapping import RecordError, parse_year

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["latex_to_text", "parse_bibtex", "read_bibtex", "write_bibtex"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Fields whose value is not LaTeX text: kept as written (escaped characters unescaped).
_VERBATIM = frozenset(
    {"url", "doi", "eprint", "file", "pdf", "arxiv", "arxivid", "isbn", "issn", "crossref", "bibtex_key_original"}
)
# Fields a crossref child never takes from its parent.
_NOT_INHERITED = frozenset(
    {"title", "abstract", "doi", "url", "eprint", "arxiv", "arxivid", "archiveprefix", "eprinttype", "crossref", "ids"}
)
_IN_TYPES = frozenset({"inproceedings", "incollection", "inbook", "conference", "inreference", "suppbook"})
# Entry types whose venue the writer puts in booktitle (journal for the rest).
_BOOK_TYPES = _IN_TYPES | {"proceedings", "book", "collection", "mvbook", "mvcollection", "mvproceedings", "reference"}
_FIELD_NAME = re.compile(r"^[A-Za-z][\w+:.\-]*$")
_KEY = re.compile(r"^[^\s,{}()=#%\"\\]+$")


# --------------------------------------------------------------------------- LaTeX


_decoder_cache: dict[str, Any] = {}

LOGOS = {
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2ε",
    "BibTeX": "BibTeX",
    "MF": "METAFONT",
    "MP": "METAPOST",
    "METAFONT": "METAFONT",
    "METAPOST": "METAPOST",
    "AmS": "AMS",
    "AMS": "AMS",
    "AmSTeX": "AMS-TeX",
    "AMSTeX": "AMS-TeX",
    "AmSLaTeX": "AMS-LaTeX",
    "LAMSTeX": "LAMS-TeX",
    "SliTeX": "SliTeX",
    "PiCTeX": "PiCTeX",
    "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX",
    "LuaLaTeX": "LuaLaTeX",
    "ConTeXt": "ConTeXt",
    "eTeX": "ε-TeX",
    "pdfTeX": "pdfTeX",
    "pdfLaTeX": "pdfLaTeX",
    "plainTeX": "plain TeX",
    "TUB": "TUGboat",
    "TUG": "TUG",
    "WEB": "WEB",
    "CWEB": "CWEB",
}
"""TeX-world logos (as TUGboat and the LaTeX companion spell them) and the names they read as."""

# Spacing, font switches and other layout commands: no text of their own.
_SILENT = frozenset(
    """
    bf it sc rm em tt sf sl md up small large Large LARGE footnotesize scriptsize tiny normalsize huge Huge
    upshape itshape slshape bfseries mdseries scshape rmfamily sffamily ttfamily normalfont relax noindent kern
    null break hfil hfill hss hskip vskip protect ignorespaces unskip nobreak allowbreak linebreak newline par
    smallskip medskip bigskip thinspace enspace enskip penalty strut leavevmode phantom hphantom vphantom
    nolinebreak nopagebreak pagebreak newpage clearpage mathstrut displaystyle textstyle scriptstyle
    """.split()  # noqa: SIM905
)

_unknown_seen: list[str] = []
"""Names of the unknown macros kept as text since the reader last looked (it counts them per file)."""


def _source_after(node: Any) -> str:
    """The LaTeX source right after a macro's name."""
    source = getattr(getattr(node, "parsing_state", None), "s", None) or ""
    return source[node.pos + 1 + len(node.macroname) :]


def _as_text(text: str) -> Any:
    """A logo's replacement; a space written after ``\\MF`` stays (TeX would eat it: "METAFONTfonts")."""

    def replace(node: Any) -> str:
        return text + " " if _source_after(node)[:1].isspace() else text

    return replace


def _unknown_macro(node: Any) -> str:
    """An unknown macro reads as its name (``\\VAX`` → "VAX"), unless a braced argument follows
    (``\\acro{GNU}``): then it is markup around that text, which reads as itself."""
    after = _source_after(node)
    rest = after.lstrip()
    if rest.startswith("{") and not rest.startswith("{}"):
        return ""
    _unknown_seen.append(node.macroname)
    return node.macroname + " " if after[:1].isspace() else node.macroname


def _decoder() -> tuple[Any, Any]:
    """The pylatexenc decoder and parser context, built once."""
    if not _decoder_cache:
        from pylatexenc import latexwalker, macrospec
        from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

        parsing = latexwalker.get_default_latex_context_db()
        parsing.add_context_category(
            "paperlens-bibtex",
            prepend=True,
            macros=[
                macrospec.MacroSpec("noopsort", "{"),
                macrospec.MacroSpec("switchargs", "{{"),
                macrospec.MacroSpec("printfirst", "{{"),
                macrospec.MacroSpec("singleletter", "{"),
                macrospec.MacroSpec("href", "{{"),
                macrospec.MacroSpec("mbox", "{"),
                macrospec.MacroSpec("url", "{"),
            ],
        )
        text = get_default_latex_context_db()
        text.add_context_category(
            "paperlens-bibtex",
            prepend=True,
            macros=[
                # Sorting tricks of classic .bib files (xampl.bib defines them in its @preamble).
                MacroTextSpec("noopsort", simplify_repl=""),
                MacroTextSpec("switchargs", simplify_repl="%(2)s%(1)s"),
                MacroTextSpec("printfirst", simplify_repl="%(1)s"),
                MacroTextSpec("singleletter", simplify_repl="%(1)s"),
                MacroTextSpec("url", simplify_repl="%s"),
                MacroTextSpec("href", simplify_repl="%(2)s"),
                MacroTextSpec("mbox", simplify_repl="%s"),
                MacroTextSpec("textasciicircum", simplify_repl="^"),
                *(MacroTextSpec(name, simplify_repl=_as_text(logo)) for name, logo in LOGOS.items()),
                *(MacroTextSpec(name, discard=True) for name in _SILENT),
            ],
        )
        text.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
        _decoder_cache["text"] = LatexNodes2Text(latex_context=text, math_mode="verbatim")
        _decoder_cache["parsing"] = parsing
    return _decoder_cache["text"], _decoder_cache["parsing"]


_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_HTML_ENTITY = re.compile(r"(?<!\\)&([a-zA-Z]{2,8}|#\d{1,6}|#x[0-9a-fA-F]{1,6});")


_SPECIAL = re.compile(r"[\\{}$~%]|--|``|''|[?!]`")


def _words(value: str) -> list[str]:
    """The value cut at white space outside braces and math, each piece complete LaTeX.

    A piece ending in a bare control sequence (``\\v``, ``\\sc``) keeps the next
    piece with it, since the command may act on it.
    """
    pieces: list[str] = []
    start = 0
    depth = 0
    math = False
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == "$" and depth == 0:
            math = not math
        elif ch.isspace() and depth == 0 and not math:
            piece = value[start:i]
            if piece and not re.search(r"\\(?:[A-Za-z]+|.)$", piece):
                pieces.append(piece)
                start = i + 1
            elif not piece:
                start = i + 1
        i += 1
    if value[start:]:
        pieces.append(value[start:])
    return pieces


def _decode(latex: str) -> str:
    decoder, parsing = _decoder()
    try:
        return decoder.latex_to_text(latex, latex_context=parsing, tolerant_parsing=True)
    except Exception:  # pylatexenc raises assorted errors on broken markup
        from ..text import strip_latex

        return strip_latex(latex)


def latex_to_text(value: str) -> str:
    """LaTeX markup of a BibTeX value as plain Unicode text; math between ``$`` is kept as written.

    An unescaped ``%`` is a percent sign (not a LaTeX comment) and an unescaped
    HTML entity (``&amp;``, from Crossref) is decoded. Only the words with markup
    go through pylatexenc (plain words are most of an abstract, and slow to walk).

    >>> latex_to_text(r"Radim {\\v R}eh{\\r u}{\\v r}ek, {GPU}s and $t$-$J$ models: 5% faster")
    'Radim Řehůřek, GPUs and $t$-$J$ models: 5% faster'
    """
    if "&" in value:  # before LaTeX decoding, which would make an escaped \&lt; an entity too
        value = _HTML_ENTITY.sub(lambda m: _escape_plain(html.unescape(m.group(0))), value)
    if _SPECIAL.search(value):
        prepared = _UNESCAPED_PERCENT.sub(r"\\%", value)
        text = " ".join(_decode(word) if _SPECIAL.search(word) else word for word in _words(prepared))
    else:
        text = value
    return normalize_space(text.replace("\xad", ""))


def _annote(value: str) -> str:
    """An ``annote`` as text with its paragraphs (blank-line separated) as lines."""
    return "\n".join(latex_to_text(part) for part in re.split(r"\n[ \t]*\n", value))


_PATHS = frozenset({"file", "pdf"})
"""Verbatim fields that are file paths: their spaces are real (a URL's are line breaks)."""


def _verbatim(value: str, *, keep_spaces: bool = False) -> str:
    """A URL-like value: ``\\url{...}`` unwrapped, backslash escapes removed, no LaTeX decoding.

    White space is removed (a long URL or DOI broken over lines), or with ``keep_spaces``
    (file paths) folded to single spaces.
    """
    text = value.strip()
    match = re.fullmatch(r"\\url\s*\{(.*)\}", text, re.S)
    if match:
        text = match.group(1)
    if text.startswith("{") and text.endswith("}") and _balanced(text[1:-1]):
        text = text[1:-1]
    return (" " if keep_spaces else "").join(re.sub(r"\\([\\_%&#{}$~])", r"\1", text).split())


def _balanced(text: str) -> bool:
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", text):
        depth += 1 if match.group(0) == "{" else -1
        if depth < 0:
            return False
    return depth == 0


# --------------------------------------------------------------------------- values


class _ValueError(ValueError):
    pass


def _evaluate(raw: str, strings: Mapping[str, str], unknown: list[str]) -> str:
    """The LaTeX text of a field value: parts in braces or quotes, numbers, macros, joined by ``#``."""
    parts: list[str] = []
    i, n = 0, len(raw)
    expect_part = True
    while i < n:
        ch = raw[i]
        if ch.isspace():
            i += 1
            continue
        if not expect_part:
            if ch != "#":
                raise _ValueError(f"expected '#' between parts of the value, found {raw[i : i + 20]!r}")
            expect_part = True
            i += 1
            continue
        if ch == "{":
            end = _closing(raw, i, "{")
            parts.append(raw[i + 1 : end])
            i = end + 1
        elif ch == '"':
            end = _closing(raw, i, '"')
            parts.append(raw[i + 1 : end])
            i = end + 1
        else:
            match = re.compile(r"[^\s#{}\"]+").match(raw, i)
            if match is None:  # pragma: no cover - the character classes above cover the rest
                raise _ValueError(f"unexpected {raw[i : i + 20]!r}")
            word = match.group(0)
            i = match.end()
            if word.isdigit():
                parts.append(word)
            elif word.lower() in strings:
                parts.append(strings[word.lower()])
            elif word.lower() in _MONTHS:
                parts.append(_MONTH_NAMES[_MONTHS.index(word.lower())])
            else:
                unknown.append(word)
                parts.append(word)
        expect_part = False
    if expect_part and parts:
        raise _ValueError("the value ends with '#'")
    return "".join(parts)


def _closing(raw: str, start: int, opener: str) -> int:
    """Where the value opened at ``start`` by ``{`` or ``"`` closes (backslash escapes skipped).

    A braced value ends at its matching brace; a quoted one at the first ``"`` outside braces.
    """
    depth = 0
    i = start + (1 if opener == '"' else 0)
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and opener == "{":
                return i
        elif ch == '"' and depth == 0 and opener == '"':
            return i
        i += 1
    raise _ValueError("unbalanced braces in the value" if opener == "{" else "no closing '\"' in the value")


# --------------------------------------------------------------------------- names


def _split_and(value: str) -> list[str]:
    """A BibTeX name list split on the word ``and`` outside braces.

    (bibtexparser's ``split_multiple_persons_names`` drops the first characters of
    a name that starts with a backslash after an ``and``: ``A and \\"Ozt\\"urk``.)
    """
    words: list[str] = []
    word: list[str] = []
    depth = 0
    previous = ""
    for ch in value:
        if previous != "\\":
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth = max(depth - 1, 0)
        if ch.isspace() and depth == 0:
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(ch)
        previous = "" if previous == "\\" else ch
    if word:
        words.append("".join(word))
    names: list[list[str]] = [[]]
    for w in words:
        if w.lower() == "and":
            names.append([])
        else:
            names[-1].append(w)
    return [" ".join(n) for n in names if n]


def _split_people(value: str) -> tuple[tuple[str, ...], bool]:
    """BibTeX names as "First von Last, Jr" and whether the list ended in ``and others``."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    people: list[str] = []
    et_al = False
    for raw in _split_and(value):
        raw = normalize_space(raw)
        if not raw:
            continue
        if raw.casefold() == "others":
            et_al = True
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        first = " ".join(latex_to_text(p) for p in parts.first)
        von_last = " ".join(latex_to_text(p) for p in (*parts.von, *parts.last))
        jr = " ".join(latex_to_text(p) for p in parts.jr)
        name = normalize_space(f"{first} {von_last}")
        if jr:
            name = f"{name}, {jr}"
        if name:
            people.append(name)
    return tuple(people), et_al


# --------------------------------------------------------------------------- reading


@contextlib.contextmanager
def _quiet_library() -> Iterator[None]:
    """bibtexparser logs a warning per broken block; we report them instead."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _without_comment_lines(text: str) -> str:
    """Blank the ``%`` comment lines between entries (a commented-out entry is not an entry).

    Lines are blanked, not removed, so line numbers stay right.
    """
    if "%" not in text:
        return text
    lines = text.split("\n")
    depth = 0
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if stripped.startswith("@"):
            depth = 0  # a block starts: whatever came before is closed or broken
        if depth == 0 and stripped.startswith("%"):
            lines[i] = ""
            continue
        for match in re.finditer(r"(?<!\\)[{}]", line):
            depth = depth + 1 if match.group(0) == "{" else max(depth - 1, 0)
    return "\n".join(lines)


def _block_kind(raw: str | None) -> str:
    match = re.match(r"\s*@\s*(\w+)", raw or "")
    return match.group(1).lower() if match else ""


def _jabref_groups(comment: str) -> dict[str, list[str]]:
    """Entry key -> group paths, from a JabRef ``groupstree`` comment (explicit groups)."""
    body = comment.split("groupstree:", 1)[1] if "groupstree:" in comment else ""
    body = body.replace("\n", "")
    members: dict[str, list[str]] = {}
    path: list[str] = []
    for match in re.finditer(r"(\d+) (\w+):((?:[^;\\]|\\.)*);", body):
        level, kind, spec = int(match.group(1)), match.group(2), match.group(3)
        parts = [p.replace("\\\\", "\\") for p in re.split(r"\\;", spec)]
        if level == 0:
            path = []
            continue
        del path[level - 1 :]
        path.append(parts[0])
        if kind == "ExplicitGroup":
            for key in parts[2:]:
                if key:
                    members.setdefault(key, []).append("/".join(path))
    return members


def _month_number(text: str) -> int | None:
    folded = text.strip().rstrip(".").casefold()
    if folded.isdigit() and 1 <= int(folded) <= 12:
        return int(folded)
    for number, (abbr, name) in enumerate(zip(_MONTHS, _MONTH_NAMES, strict=True), start=1):
        if folded in (abbr, name.casefold()):
            return number
    return None


def parse_bibtex(text: str, file: str = "<bibtex>") -> Parsed:
    """Parse BibTeX text into papers and a report (one record per entry).

    >>> papers, report = parse_bibtex('''
    ... @string{nips = "Advances in Neural Information Processing Systems"}
    ... @inproceedings(vaswani2017,
    ...   title = {Attention Is All You Need},
    ...   author = {Vaswani, Ashish and Shazeer, Noam and others},
    ...   booktitle = nips # " 30", year = 2017, month = dec,
    ...   eprint = {1706.03762}, archivePrefix = {arXiv})
    ... @article{broken, title = {No closing brace}
    ... ''')
    >>> p = papers[0]
    >>> p.id, p.authors, p.year, p.extra["et_al"], p.extra["month"]
    ('1706.03762', ('Ashish Vaswani', 'Noam Shazeer'), 2017, True, 'dec')
    >>> p.venue
    'Advances in Neural Information Processing Systems 30'
    >>> report.records, [str(s) for s in report.skipped]  # doctest: +ELLIPSIS
    (2, ['<bibtex>, line 8: entry could not be parsed: ...'])
    """
    import bibtexparser
    from bibtexparser import model

    report = FileReport(file=file, format="bibtex")
    _unknown_seen.clear()
    try:
        with _quiet_library():
            library = bibtexparser.parse_string(_without_comment_lines(text), parse_stack=[])
    except Exception as exc:  # the library raises on states it calls its own bugs
        raise ParseError(f"bibtexparser could not split the file: {exc}", file=file) from None

    strings: dict[str, str] = {}
    entries: list[tuple[Any, dict[str, str]]] = []  # (Entry, evaluated LaTeX values by lower-case field)
    groups: dict[str, list[str]] = {}
    first_line: dict[str, int] = {}
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.String):
            unknown: list[str] = []
            try:
                strings[block.key.lower()] = _evaluate(block.value, strings, unknown)
            except _ValueError as exc:
                report.notes.append(f"line {line}: @string {block.key} ignored: {exc}")
            continue
        if isinstance(block, model.ParsingFailedBlock):
            kind = _block_kind(block.raw)
            if isinstance(block, model.DuplicateBlockKeyBlock):
                if kind == "string":
                    first = first_line.get(block.key.lower())
                    since = f" (first defined on line {first})" if first else ""
                    report.notes.append(f"line {line}: @string {block.key} defined again{since}; first value kept")
                    continue
                block = block.ignore_error_block  # a reused key: the entry is kept under a new key below
            elif isinstance(block, model.DuplicateFieldKeyBlock):
                entry = block.ignore_error_block
                report.notes.append(
                    f"line {line}: entry {entry.key!r} repeats field(s) "
                    f"{', '.join(sorted(block.duplicate_keys))}; the first value is kept"
                )
                block = entry
            else:
                reason = getattr(block.error, "abort_reason", None) or str(block.error)
                if kind in ("string", "comment", "preamble"):
                    report.notes.append(f"line {line}: @{kind} block could not be parsed ({reason}); ignored")
                    continue
                report.records += 1
                report.skip(f"line {line}", f"entry could not be parsed: {normalize_space(reason)}")
                continue
        if isinstance(block, model.ExplicitComment) and "jabref-meta: groupstree:" in block.comment:
            for key, paths in _jabref_groups(block.comment).items():
                groups.setdefault(key.lower(), []).extend(paths)
            continue
        if not isinstance(block, model.Entry):
            continue
        report.records += 1
        original = _distinct_key(block, line, first_line, report)
        values: dict[str, str] = {}
        for field in block.fields:
            name = field.key.strip().lower()
            if name in values:
                continue
            unknown = []
            try:
                values[name] = _evaluate(field.value, strings, unknown)
            except _ValueError as exc:
                report.notes.append(
                    f"line {field.start_line + 1}: field {name} of {block.key!r}: {exc}; kept as written"
                )
                values[name] = field.value.strip().strip('{}"')
            if unknown:
                report.notes.append(
                    f"line {field.start_line + 1}: field {name} of {block.key!r} uses undefined macro(s) "
                    f"{', '.join(unknown)}; kept as text"
                )
        if original is not None:
            values["bibtex_key_original"] = "{" + original + "}"
        entries.append((block, values))

    by_key = {entry.key.lower(): values for entry, values in entries}
    papers: list[Paper] = []
    for entry, values in entries:
        line = (entry.start_line or 0) + 1
        where = f"line {line}"
        fields = _with_crossref(entry, values, by_key, report, where)
        try:
            paper = _paper(entry, fields, groups.get(entry.key.lower()), report, where)
        except (RecordError, PaperlensError, ValueError) as exc:
            report.skip(where, f"entry {entry.key!r}: {exc}")
            continue
        papers.append(paper)
    if _unknown_seen:
        from collections import Counter

        names = Counter(_unknown_seen)
        report.counts["unknown macros kept as text"] = sum(names.values())
        shown = ", ".join(f"\\{name} ({n})" for name, n in names.most_common(8))
        report.notes.append(f"unknown LaTeX macros read as their names: {shown}{' ...' if len(names) > 8 else ''}")
        _unknown_seen.clear()
    return papers, report


def _distinct_key(entry: Any, line: int, first_line: dict[str, int], report: FileReport) -> str | None:
    """Give an entry without a key, or with a key an earlier entry has, a key of its own (as Zotero keeps both).

    The generated key is ``line<N>`` (no key) or ``<key>-2``, ``<key>-3`` ...; the key as
    written is kept in ``extra["bibtex_key_original"]`` and the clash is a note of the report.
    Keys are compared as BibTeX does, ignoring case.
    """
    original = entry.key.strip()
    if original and original.lower() not in first_line:
        first_line[original.lower()] = line
        return None
    if not original:
        key, n = f"line{line}", 1
        while key.lower() in first_line:
            n += 1
            key = f"line{line}-{n}"
        report.notes.append(f"line {line}: entry without a key kept as {key!r}")
    else:
        n = 2
        while f"{original}-{n}".lower() in first_line:
            n += 1
        key = f"{original}-{n}"
        report.notes.append(
            f"line {line}: entry key {original!r} already used on line {first_line[original.lower()]}; "
            f"this entry kept as {key!r}"
        )
    report.counts["generated keys"] = report.counts.get("generated keys", 0) + 1
    first_line[key.lower()] = line
    entry.key = key
    return original


def _with_crossref(
    entry: Any, values: dict[str, str], by_key: dict[str, dict[str, str]], report: FileReport, where: str
) -> dict[str, str]:
    """The entry's fields with those it lacks taken from its crossref parent (and grandparents)."""
    fields = dict(values)
    seen = {entry.key.lower()}
    target = values.get("crossref")
    while target:
        key = _verbatim(target).lower()
        if key in seen:
            report.notes.append(f"{where}: crossref cycle at {key!r}")
            break
        parent = by_key.get(key)
        if parent is None:
            report.notes.append(f"{where}: entry {entry.key!r} crossrefs {key!r}, which is not in the file")
            break
        seen.add(key)
        for name, value in parent.items():
            if name not in fields and name not in _NOT_INHERITED:
                fields[name] = value
        if "booktitle" not in fields and "title" in parent and entry.entry_type.lower() in _IN_TYPES:
            fields["booktitle"] = parent["title"]
        target = parent.get("crossref")
    return fields


def _arxiv_from(fields: dict[str, str]) -> tuple[str | None, set[str]]:
    """The arXiv id given by eprint/arxiv fields (and the field names it consumed)."""
    prefix = latex_to_text(fields.get("archiveprefix", fields.get("eprinttype", ""))).casefold()
    for name in ("eprint", "arxiv", "arxivid"):
        if name not in fields:
            continue
        if name == "eprint" and prefix and prefix != "arxiv":
            continue
        arxiv = normalize_arxiv_id(_verbatim(fields[name]))
        if arxiv:
            used = {name}
            if name == "eprint" and prefix == "arxiv":
                used |= {"archiveprefix", "eprinttype"} & fields.keys()
            return arxiv, used
    journal = latex_to_text(fields.get("journal", ""))  # Google Scholar: "arXiv preprint arXiv:1706.03762"
    for match in re.finditer(r"\barXiv[:\s]+(\S+)", journal, re.I):
        arxiv = normalize_arxiv_id(match.group(1).rstrip(",.;"))
        if arxiv:
            return arxiv, set()
    return None, set()


def _split_words(value: str) -> list[str]:
    """A keywords (or categories) field as a list: split on ``;`` when it has one, else on ``,``."""
    text = latex_to_text(value)
    separator = ";" if ";" in text else ","
    return [normalize_space(k) for k in text.split(separator) if k.strip()]


def _join_words(words: tuple[str, ...]) -> str:
    """The field value :func:`_split_words` reads back as ``words``: each word escaped on its own, so that
    math signs of two words never pair up across the separator."""
    escaped = [_escape_text(w) for w in words]
    if not any("," in w for w in words):
        return ", ".join(escaped)
    return "; ".join(escaped) + (";" if len(words) == 1 else "")


def _paper(entry: Any, fields: dict[str, str], groups: list[str] | None, report: FileReport, where: str) -> Paper:
    key = entry.key
    used = {"title", "author", "abstract", "keywords", "primaryclass", "categories", "url", "doi", "annote"}
    title = latex_to_text(fields.get("title", ""))  # may be empty: Paper.create decides
    extra: dict[str, Any] = {"bibtex_key": key, "bibtex_type": entry.entry_type.lower()}

    authors, et_al = _split_people(fields.get("author", ""))
    if et_al:
        extra["et_al"] = True

    year = None
    if "year" in fields:
        year_text = latex_to_text(fields["year"])
        try:
            year = parse_year(year_text)
            used.add("year")
        except RecordError as exc:
            report.notes.append(f"{where}: entry {key!r}: {exc}; year left empty, kept in extra['year']")
    date = None
    month = _month_number(latex_to_text(fields["month"])) if "month" in fields else None
    if "date" in fields:
        date_text = latex_to_text(fields["date"])
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", date_text)
        if match:
            with contextlib.suppress(ValueError):
                if match.group(3):
                    date = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
                    used.add("date")
                elif (year is None or year == int(match.group(1))) and 1 <= int(match.group(2) or 1) <= 12:
                    year = int(match.group(1))
                    month = month or (int(match.group(2)) if match.group(2) else None)
                    used.add("date")
        elif year is None and re.match(r"\d{4}\b", date_text):
            year = int(date_text[:4])  # a range (2015/2020) or an approximate date: the year it starts; kept as written
    if date is None and year is not None and month is not None and "day" in fields:
        day_text = latex_to_text(fields["day"])
        if day_text.isdigit():
            with contextlib.suppress(ValueError):
                date = dt.date(year, month, int(day_text))
                used.add("day")
    if date is not None:
        if month == date.month:
            used.add("month")
        if "day" in fields and latex_to_text(fields["day"]).lstrip("0") == str(date.day):
            used.add("day")
    elif month is not None:
        extra["month"] = _MONTHS[month - 1]  # a month without a full date is kept as its macro name
        used.add("month")
    if year is None and date is not None:
        year = date.year

    venue = None
    for name in ("journal", "booktitle"):
        if fields.get(name) and venue is None:
            venue = latex_to_text(fields[name]) or None
            used.add(name)

    categories = [latex_to_text(fields.get("primaryclass", "")), *_split_words(fields.get("categories", ""))]
    keywords = _split_words(fields.get("keywords", ""))
    plain, tags = split_tags(keywords)
    keywords = tuple(plain)
    label, note = parse_annote(_annote(fields["annote"]) if "annote" in fields else None)

    doi = None
    if fields.get("doi"):
        doi = normalize_doi(_verbatim(fields["doi"]))
        if doi is None:
            used.discard("doi")
            report.notes.append(f"{where}: entry {key!r}: doi {_verbatim(fields['doi'])!r} is not a DOI; kept in extra")
    url = _verbatim(fields["url"]) if fields.get("url") else None
    arxiv, arxiv_fields = _arxiv_from(fields)
    used |= arxiv_fields
    if url and (doi is None or arxiv is None):
        found = parse_identifier(url) if re.match(r"https?://(dx\.)?doi\.org/|https?://arxiv\.org/abs/", url) else None
        if found and found[0] == "doi" and doi is None:
            doi = found[1]
        elif found and found[0] == "arxiv" and arxiv is None:
            arxiv = found[1]

    for name, value in fields.items():
        if name in used:
            continue
        text = _verbatim(value, keep_spaces=name in _PATHS) if name in _VERBATIM else latex_to_text(value)
        # An empty field is dropped, unless it stops a crossref parent's value from coming in.
        if text or "crossref" in fields:
            extra[name] = text
    if groups:
        extra["groups"] = ", ".join(dict.fromkeys(groups))
    abstract = latex_to_text(fields.get("abstract", "")) or None
    return Paper.create(
        title=title,
        abstract=abstract,
        authors=authors,
        year=year,
        date=date,
        venue=venue,
        categories=tuple(dict.fromkeys(c for c in categories if c)),
        keywords=tuple(dict.fromkeys(keywords)),
        doi=doi,
        arxiv_id=arxiv,
        url=url,
        source="bibtex",
        label=label,
        tags=tuple(tags),
        note=note,
        extra=extra,
    )


@shared_doc
def read_bibtex(path: str | os.PathLike[str] | Any, *, warn: bool = True) -> Corpus:
    """Read BibTeX files into a Corpus (several paths: one corpus, duplicates merged).

    {reader sections}
    >>> import paperlens as pl, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "refs.bib")
    >>> _ = open(path, "w", encoding="utf-8").write(r'''
    ... @article{rehurek2010, title = {Software Framework for Topic Modelling},
    ...   author = {Radim {\\v R}eh{\\r u}{\\v r}ek and Sojka, Petr}, year = 2010, month = may, day = 22}
    ... ''')
    >>> paper = pl.read_bibtex(path)[0]
    >>> paper.authors, paper.date
    (('Radim Řehůřek', 'Petr Sojka'), datetime.date(2010, 5, 22))
    """
    # assemble() here, not read_files(): the LoadWarning then points at the caller's line
    return assemble([parse_bibtex(read_text(p), str(p)) for p in one_or_many(path)], warn=warn)


# --------------------------------------------------------------------------- writing


_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
# Inline math the writer keeps as math: plain symbols and \commands, no accents or stray backslashes.
_MATH = re.compile(r"\$(?=[^$\s])(?:[\w ^_{}()+\-*/=<>|.,:;!\[\]']|\\[A-Za-z]+|\\[{}|,;! ])+(?<=[^$\s\\])\$")


def _escape_plain(text: str) -> str:
    escaped = "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)
    return _LIGATURE.sub("{}", escaped)  # -- would become an en dash, `` a quote


def _escape_text(text: str, *, protect_case: bool = False) -> str:
    """Text as a BibTeX value that reads back equal; inline math (``$x^2$``) is kept as math.

    With ``protect_case``, words with capitals (and math with capitals) are put in
    braces, which BibTeX styles leave as they are when they lower-case a title.
    """
    pieces: list[tuple[bool, str]] = []  # (is math, text)
    last = 0
    for match in _MATH.finditer(text):
        if _balanced(match.group(0)):
            pieces.append((False, text[last : match.start()]))
            pieces.append((True, match.group(0)))
            last = match.end()
    pieces.append((False, text[last:]))
    out: list[str] = []
    first_char = True
    for is_math, piece in pieces:
        if is_math:
            capital = any(c.isupper() for c in piece)
            out.append("{" + piece + "}" if protect_case and capital else piece)
            first_char = False
            continue
        for word in re.split(r"( )", piece):
            if not word:
                continue
            escaped = _escape_plain(word)
            capitals = [c.isupper() for c in word]
            if first_char and capitals:
                capitals[0] = False
            if protect_case and any(capitals):
                escaped = "{" + escaped + "}"
            out.append(escaped)
            first_char = False
    return "".join(out)


def _name_to_bibtex(name: str) -> str:
    """ "First von Last, Jr" as "von Last, Jr, First" (unambiguous for BibTeX); institutions in braces."""
    jr = ""
    main = name
    match = re.fullmatch(r"(.*\S),\s*((?:Jr|Sr|[IVX]+)\.?)", name)
    if match:
        main, jr = match.group(1), match.group(2)
    tokens = main.split()
    cut = len(tokens) - 1
    while cut > 0 and tokens[cut - 1][:1].islower():
        cut -= 1
    caseless = any(not any(c.isalpha() for c in t) for t in tokens)  # BibTeX's name rules need letters
    unit = len(tokens) <= 1 or caseless or "," in main or re.search(r"\band\b", main, re.I)
    if unit or (jr and cut == 0):
        return "{" + _escape_text(name) + "}"  # one unit: BibTeX will not split it
    last = " ".join(_escape_text(t) for t in tokens[cut:])
    first = " ".join(_escape_text(t) for t in tokens[:cut])
    return ", ".join(p for p in (last, jr, first) if p)


def _escape_verbatim(text: str) -> str:
    return re.sub(r"([\\{}])", r"\\\1", text)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def _key_for(paper: Paper, used: set[str]) -> str:
    wanted = paper.extra.get("bibtex_key")
    if isinstance(wanted, str) and _KEY.match(wanted) and wanted.lower() not in used:
        used.add(wanted.lower())
        return wanted
    surname = _fold(paper.authors[0].split(",")[0].split()[-1]) if paper.authors else ""
    word = next((_fold(w) for w in paper.title.split() if len(_fold(w)) > 3), "") or "paper"
    base = f"{surname.lower() or 'anon'}{paper.year or ''}{word.lower()}"
    key, n = base, 0
    while key.lower() in used:
        n += 1
        key = f"{base}{chr(ord('a') + n - 1)}" if n <= 26 else f"{base}{n}"
    used.add(key.lower())
    return key


def _entry(paper: Paper, used: set[str]) -> str:
    extra = dict(paper.extra)
    kind = extra.get("bibtex_type")
    if not (isinstance(kind, str) and re.fullmatch(r"[a-z]+", kind)):
        kind = "article" if paper.venue else "misc"
    fields: list[tuple[str, str]] = [("title", "{" + _escape_text(paper.title, protect_case=True) + "}")]
    names = [_name_to_bibtex(a) for a in paper.authors]
    if extra.get("et_al") is True:
        names.append("others")
    if names:
        fields.append(("author", "{" + " and ".join(names) + "}"))
    if paper.year is not None:
        fields.append(("year", f"{{{paper.year}}}"))
    if paper.date is not None:
        fields.append(("month", _MONTHS[paper.date.month - 1]))
        if paper.date_source is None:  # a month read from the arXiv id has no day
            fields.append(("date", f"{{{paper.date.isoformat()}}}"))
    elif extra.get("month") in _MONTHS:
        fields.append(("month", extra.pop("month")))
    if paper.venue:
        # The reader takes journal before booktitle: booktitle holds the venue only when no journal is about.
        in_book = kind in _BOOK_TYPES and "journal" not in extra and "booktitle" not in extra
        fields.append(("booktitle" if in_book else "journal", "{" + _escape_text(paper.venue) + "}"))
    if paper.abstract:
        fields.append(("abstract", "{" + _escape_text(paper.abstract) + "}"))
    listed = (*paper.keywords, *tag_keywords(paper.tags))
    if listed:
        fields.append(("keywords", "{" + _join_words(listed) + "}"))
    if paper.categories:
        # arXiv's own BibTeX gives the primary class; every category is kept in a field of its own.
        if paper.arxiv_id:
            fields.append(("primaryclass", "{" + _escape_text(paper.categories[0]) + "}"))
        if not paper.arxiv_id or len(paper.categories) > 1:
            fields.append(("categories", "{" + _join_words(paper.categories) + "}"))
    annote = annote_text(paper.label, paper.note)
    if annote:
        # A line break is a blank line (a paragraph); the file's own line breaks are white space.
        fields.append(("annote", "{" + "\n\n".join(_escape_text(line) for line in annote.split("\n")) + "}"))
    if paper.doi:
        fields.append(("doi", "{" + _escape_verbatim(paper.doi) + "}"))
    if paper.arxiv_id:
        fields.append(("eprint", "{" + _escape_verbatim(paper.arxiv_id) + "}"))
        fields.append(("archiveprefix", "{arXiv}"))
    if paper.url:
        fields.append(("url", "{" + _escape_verbatim(paper.url) + "}"))
    written = {name for name, _ in fields}
    for name, value in extra.items():
        lowered = str(name).lower()
        if lowered in ("bibtex_key", "bibtex_type", "bibtex_key_original", "et_al") or lowered in written:
            continue
        if not isinstance(value, str) or not _FIELD_NAME.match(str(name)):
            continue  # BibTeX holds text fields only
        # Own fields left in extra (a year or DOI the reader could not use) are written back as they were.
        text = _escape_verbatim(value) if lowered in _VERBATIM else _escape_text(value)
        fields.append((lowered, "{" + text + "}"))
        written.add(lowered)
    key = _key_for(paper, used)
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def write_bibtex(corpus: Any, path: str | os.PathLike[str] | None = None) -> str:
    """BibTeX text of a corpus (written to ``path`` if given): one entry per paper, unique keys.

    Special characters are escaped and capitals in titles protected, so the text
    reads back to the same titles, authors and fields. Kept: title, authors,
    year, date, venue, abstract, keywords, categories (the first as
    ``primaryclass`` for an arXiv paper, all in a ``categories`` field), DOI,
    arXiv id (as eprint), URL, tags (``paperlens:`` keywords), label and note
    (``annote``; see :mod:`paperlens.io.annotations`), and the text values of ``extra`` (the fields a BibTeX file
    had); not kept: references, citation count, OpenAlex/S2 ids, non-text extras.

    Examples
    --------
    >>> import paperlens as pl
    >>> sample = pl.load_sample()
    >>> text = sample.to_bibtex()
    >>> text.count("@misc{") == len(sample)
    True
    >>> from paperlens.io.bibtex import parse_bibtex
    >>> papers, _ = parse_bibtex(text)
    >>> [p.title for p in papers] == [p.title for p in sample]
    True
    """
    used: set[str] = set()
    entries = [_entry(paper, used) for paper in corpus]
    return output("\n".join(entries), path)
