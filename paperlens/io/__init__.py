"""Readers and writers, and :func:`read`, which tells the format of a file by itself.

:func:`read` looks at a file's content first (its first bytes: ``PAR1``, ``@article{``,
``TY  - ``, ``<feed``, the shape of its JSON, a header row, title + abstract
paragraphs) and at its extension second. Each format is an entry of
:data:`FORMATS`: its name, the parse function (imported only when used), the
extensions it goes by and the test of its content. A reader whose module is not
installed is left out of the guessing.

Examples
--------
>>> import paperlens as pl, tempfile, os
>>> folder = tempfile.mkdtemp()
>>> sample = pl.load_sample()
>>> _ = sample.to_bibtex(os.path.join(folder, "refs.txt"))  # the content tells it is BibTeX
>>> _ = sample[:10].to_ris(os.path.join(folder, "more.ris"))
>>> corpus = pl.read([os.path.join(folder, "refs.txt"), os.path.join(folder, "more.ris")], warn=False)
>>> len(corpus), corpus.report.merged
(69, 10)
>>> pl.read(os.path.join(folder, "nothing.bib"))
Traceback (most recent call last):
...
paperlens.errors.MissingFileError: .../nothing.bib: no such file
"""

from __future__ import annotations

import gzip
import importlib
import inspect
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..docstrings import shared_doc
from ..errors import InvalidArgumentError, MissingFileError, ParseError, UnknownFormatError
from ..report import FileReport
from .base import Parsed, assemble, decode

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["FORMATS", "Format", "detect_format", "read"]

_SNIFF_CHARS = 65536


class _Content:
    """A file's bytes with the views sniffers need, computed once."""

    def __init__(self, data: bytes, name: str, options: Mapping[str, Any]) -> None:
        self.data = data
        self.name = name
        self.options = options
        self._text: str | None = None
        self._json: Any = None
        self._json_done = False

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = decode(self.data, self.name)
        return self._text

    @property
    def head(self) -> str:
        return self.text[:_SNIFF_CHARS]

    @property
    def json(self) -> Any:
        """The parsed JSON, or ``None`` when the text is not one JSON value."""
        if not self._json_done:
            self._json_done = True
            stripped = self.text.lstrip()
            if stripped[:1] in ("[", "{"):
                try:
                    self._json = json.loads(stripped)
                except json.JSONDecodeError:
                    self._json = None
        return self._json


@dataclass(frozen=True)
class Format:
    """One file format :func:`read` knows.

    ``parser`` is ``"module:function"``, imported when first used; the function
    takes ``(text, file, **options)``, or ``(path, file, **options)`` when
    ``binary``, and returns ``(papers, FileReport)``. ``sniff`` tells from a
    file's content whether it is in this format; ``weak`` sniffers (a header
    row, paragraphs of text) give way to the file's extension.
    """

    name: str
    parser: str
    extensions: tuple[str, ...]
    sniff: Callable[[_Content], bool] | None
    description: str
    binary: bool = False
    weak: bool = False

    @property
    def module(self) -> str:
        return self.parser.split(":")[0]

    def available(self) -> bool:
        """Whether this reader's function exists (every built-in reader's does).

        Readers depend only on paperlens's own dependencies: an ImportError while
        importing one is a bug and is raised, never taken for "format unknown".
        """
        module_name, function = self.parser.split(":")
        return hasattr(importlib.import_module(module_name), function)

    def load(self) -> Callable[..., Parsed]:
        """The parse function (imported on first use; an ImportError is raised as it is)."""
        module_name, function = self.parser.split(":")
        return getattr(importlib.import_module(module_name), function)


# --------------------------------------------------------------------------- sniffers


def _json_items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data[:5]
    if isinstance(data, Mapping):
        for key in ("results", "data", "papers", "items"):
            if isinstance(data.get(key), list):
                return data[key][:5]
        return [data]
    return []


def _is_daily_papers(content: _Content) -> bool:
    return any(
        isinstance(item, Mapping) and isinstance(item.get("paper"), Mapping) and "title" in item["paper"]
        for item in _json_items(content.json)
    )


def _is_openalex(content: _Content) -> bool:
    data = content.json
    if isinstance(data, Mapping) and isinstance(data.get("meta"), Mapping) and isinstance(data.get("results"), list):
        return True
    for item in _json_items(data):
        if not isinstance(item, Mapping):
            continue
        if str(item.get("id", "")).startswith("https://openalex.org/W"):
            return True
        if "display_name" in item and ({"authorships", "referenced_works", "publication_year"} & item.keys()):
            return True
    return False


def _is_semantic_scholar(content: _Content) -> bool:
    return any(
        isinstance(item, Mapping) and ("paperId" in item or "citedPaper" in item or "citingPaper" in item)
        for item in _json_items(content.json)
    )


def _is_json(content: _Content) -> bool:
    return isinstance(content.json, (list, Mapping))


def _is_jsonl(content: _Content) -> bool:
    if content.json is not None:
        return False
    lines = [line for line in content.head.split("\n")[:5] if line.strip()]
    if not lines or not lines[0].lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(lines[0]), Mapping)
    except json.JSONDecodeError:
        return False


def _is_atom(content: _Content) -> bool:
    head = content.head.lstrip()[:4096]
    return head.startswith("<") and re.search(r"<(?:\w+:)?feed[\s>]", head) is not None


_BIBTEX_ENTRY = re.compile(r"(?<!\\)@\s*(\w+)\s*[{(]")


def _is_bibtex(content: _Content) -> bool:
    for line in content.head.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("%") or not stripped:
            continue
        match = _BIBTEX_ENTRY.search(stripped)
        if match and match.start() == 0:
            return True
    return False


def _is_ris(content: _Content) -> bool:
    lines = [line for line in content.head.split("\n")[:200] if line.strip()]
    return bool(lines) and any(re.match(r"TY {1,2}- ", line) for line in lines[:50])


def _header_cells(content: _Content) -> list[str]:
    first = next((line for line in content.head.split("\n") if line.strip()), "")
    sep = content.options.get("sep") or max(("\t", ",", ";", "|"), key=first.count)
    return [cell.strip().strip('"') for cell in first.split(sep)] if sep in first else []


def _is_table(content: _Content) -> bool:
    from .mapping import ALIASES, _key

    cells = _header_cells(content)
    if len(cells) < 2:
        return False
    if content.options.get("columns"):
        return all(c in cells for c in content.options["columns"].values())
    return any(_key(cell) in ALIASES["title"] for cell in cells)


def _is_tsv(content: _Content) -> bool:
    first = next((line for line in content.head.split("\n") if line.strip()), "")
    return _is_table(content) and (content.options.get("sep") == "\t" or "\t" in first)


def _is_daily_text(content: _Content) -> bool:
    from .daily_papers import _blocks, _is_abstract

    blocks = [b for _, b in _blocks(content.head)]
    return any(
        not _is_abstract(blocks[i]) and _is_abstract(blocks[i + 1]) and len(blocks[i]) < 300
        for i in range(len(blocks) - 1)
    )


# --------------------------------------------------------------------------- the registry

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("parquet", "paperlens.io.tabular:parse_parquet", (".parquet", ".pq"), None, "Parquet table", True),
        Format("arxiv-atom", "paperlens.io.arxiv_atom:parse_arxiv_atom", (".atom", ".xml"), _is_atom, "arXiv Atom"),
        Format(
            "daily-papers-json",
            "paperlens.io.daily_papers:parse_daily_papers_json",
            (),
            _is_daily_papers,
            "Hugging Face api/daily_papers JSON",
        ),
        Format("openalex", "paperlens.io.openalex:parse_openalex", (), _is_openalex, "OpenAlex works JSON / API page"),
        Format(
            "semantic-scholar",
            "paperlens.io.semantic_scholar:parse_semantic_scholar",
            (),
            _is_semantic_scholar,
            "Semantic Scholar Graph API JSON",
        ),
        Format("json", "paperlens.io.jsonl:parse_json", (".json",), _is_json, "JSON list of paper objects"),
        Format("jsonl", "paperlens.io.jsonl:parse_jsonl", (".jsonl", ".ndjson"), _is_jsonl, "JSON Lines"),
        Format("bibtex", "paperlens.io.bibtex:parse_bibtex", (".bib", ".bibtex"), _is_bibtex, "BibTeX"),
        Format("ris", "paperlens.io.ris:parse_ris", (".ris",), _is_ris, "RIS"),
        Format("tsv", "paperlens.io.tabular:parse_csv", (".tsv", ".tab"), _is_tsv, "TSV table", weak=True),
        Format("csv", "paperlens.io.tabular:parse_csv", (".csv",), _is_table, "CSV table", weak=True),
        Format(
            "daily-papers-text",
            "paperlens.io.daily_papers:parse_daily_papers_text",
            (),
            _is_daily_text,
            "Daily Papers listing copied as text",
            weak=True,
        ),
    )
}
"""Format name -> :class:`Format`, in the order their content tests are tried."""

_ALIASES = {
    "bib": "bibtex",
    "tab": "tsv",
    "ndjson": "jsonl",
    "s2": "semantic-scholar",
    "semantic_scholar": "semantic-scholar",
    "arxiv": "arxiv-atom",
    "atom": "arxiv-atom",
    "daily-papers": "daily-papers-json",
    "hf-daily-papers": "daily-papers-json",
    "daily_papers": "daily-papers-json",
}
# Formats one extension may hold (content decides between them without a note).
_FAMILIES = ({"json", "daily-papers-json", "openalex", "semantic-scholar"}, {"csv", "tsv"})
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"


def _format_named(name: str, file: str | None = None) -> Format:
    key = _ALIASES.get(name.lower(), name.lower())
    if key in FORMATS:
        return FORMATS[key]
    import difflib

    close = difflib.get_close_matches(key, list(FORMATS) + list(_ALIASES), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    where = f"{file}: " if file else ""
    raise UnknownFormatError(f"{where}unknown format {name!r}{hint} (known: {', '.join(FORMATS)})")


def _known() -> str:
    return ", ".join(f"{f.name} ({', '.join(f.extensions) or 'by content'})" for f in FORMATS.values())


def detect_format(data: bytes, name: str = "<data>", **options: Any) -> tuple[str, str | None]:
    """The format of a file's bytes: ``(format name, note)``; the note says when name and content disagree.

    >>> detect_format(b"@article{key, title = {A}}", "refs.txt")
    ('bibtex', None)
    >>> detect_format(b"TY  - JOUR\\nTI  - A\\nER  - \\n", "refs.bib")
    ('ris', 'named .bib but the content is RIS; read as RIS')
    >>> detect_format(b"hello", "notes.txt")
    Traceback (most recent call last):
    ...
    paperlens.errors.UnknownFormatError: notes.txt: cannot tell the format from the name or the content ...
    """
    suffix = Path(name).suffix.lower()
    by_name = next((f for f in FORMATS.values() if suffix and suffix in f.extensions), None)
    if data.startswith(_PARQUET_MAGIC):
        found: Format | None = FORMATS["parquet"]
    else:
        content = _Content(data, name, options)
        found = None
        for fmt in FORMATS.values():
            if fmt.sniff is None:
                continue
            if fmt.weak and by_name is not None:
                continue  # a header row or paragraphs prove little: the extension decides
            if fmt.sniff(content):
                found = fmt
                break
    if found is None:
        if by_name is not None:
            return by_name.name, None
        preview = data[:40].decode("utf-8", "replace")
        raise UnknownFormatError(
            f"{name}: cannot tell the format from the name or the content (starts {preview!r}); "
            f"known formats: {_known()}; name one with format=..."
        )
    note = None
    same_family = by_name is not None and any({by_name.name, found.name} <= family for family in _FAMILIES)
    if by_name is not None and by_name.name != found.name and not same_family:
        note = f"named {suffix} but the content is {found.description}; read as {found.description}"
    return found.name, note


# --------------------------------------------------------------------------- reading


def _parse(fmt: Format, data: bytes, name: str, path: Path | None, options: dict[str, Any]) -> Parsed:
    parse = fmt.load()
    accepted = inspect.signature(parse).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    unknown = [k for k in options if k not in accepted and not takes_any]
    if unknown:
        raise InvalidArgumentError(f"{name}: option(s) {', '.join(unknown)} do not apply to {fmt.description} files")
    if fmt.binary:
        if path is None:  # a member of an archive
            import tempfile

            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / Path(name).name
                target.write_bytes(data)
                return parse(target, name, **options)
        return parse(path, name, **options)
    extra = dict(options)
    if fmt.name == "tsv":
        extra.setdefault("sep", "\t")
    return parse(decode(data, name), name, **extra)


def _natural(name: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _read_one(data: bytes, name: str, path: Path | None, format: str | None, options: dict[str, Any]) -> list[Parsed]:
    if data.startswith(_GZIP_MAGIC):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ParseError(f"not a readable gzip file ({exc})", file=name) from None
        inner_name = name[:-3] if name.lower().endswith(".gz") else name
        return _read_one(inner, inner_name, None, format, options)
    if data.startswith(_ZIP_MAGIC) and format is None:
        return _read_zip(data, name, options)
    note = None
    if format is not None:
        fmt = _format_named(format, name)
        if fmt.name == "daily-papers-json" and not decode(data[:4096], name).lstrip().startswith(("[", "{")):
            fmt = FORMATS["daily-papers-text"]
    else:
        found, note = detect_format(data, name, **options)
        fmt = FORMATS[found]
    papers, report = _parse(fmt, data, name, path, options)
    if note:
        report.notes.append(note)
    if report.records == 0 and data.strip():
        report.notes.append(f"no {fmt.description} records found")
    return [(papers, report)]


def _read_zip(data: bytes, name: str, options: dict[str, Any]) -> list[Parsed]:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError(f"not a readable zip file ({exc})", file=name) from None
    parts: list[Parsed] = []
    with archive:
        members = sorted(
            (m for m in archive.namelist() if not m.endswith("/") and not m.startswith("__MACOSX/")),
            key=_natural,
        )
        for member in members:
            member_name = f"{name}:{member}"
            member_data = archive.read(member)
            try:
                parts.extend(_read_one(member_data, member_name, None, None, options))
            except UnknownFormatError:
                report = FileReport(file=member_name, format="unknown")
                report.notes.append("format not recognised; not read")
                parts.append(([], report))
    if not parts:
        raise ParseError("the zip file holds no files", file=name)
    return parts


def _paths(paths: Any) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    if isinstance(paths, Iterable):
        return [Path(p) for p in paths]
    raise TypeError(f"read() takes a path or a list of paths, not {type(paths).__name__}")


@shared_doc
def read(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    format: str | None = None,
    *,
    warn: bool = True,
    dedupe: bool = True,
    **options: Any,
) -> Corpus:
    """Read papers from one or several files into one Corpus, the format of each told from its content and name.

    Also reads ``.zip`` archives (each file inside by its own format) and
    gzip-compressed files.

    Parameters
    ----------
    paths : str, path-like or iterable of them
        A path or several paths; records of the same paper across files are
        merged (counted as ``merged`` in ``corpus.report``).
    format : str, optional
        The format name when it cannot be guessed (see :data:`FORMATS`):
        ``"bibtex"``, ``"ris"``, ``"csv"``, ``"tsv"``, ``"parquet"``, ``"json"``,
        ``"jsonl"``, ``"daily-papers-json"``, ``"daily-papers-text"``,
        ``"openalex"``, ``"semantic-scholar"``, ``"arxiv-atom"``.
    {warn}
    dedupe : bool, default True
        Merge records of the same work (the rules: :mod:`paperlens.dedupe`); each
        merge is a row of ``corpus.report.merges`` and ``corpus.unmerge()`` undoes them.
        ``False`` keeps every record as read (ids made distinct).
    **options
        Passed to the reader, e.g. ``columns={"title": "Article Title"}``
        and ``sep=";"`` for tables.

    {reader returns}

    Raises
    ------
    ParseError
        For a directory or a missing file.
    UnknownFormatError
        For a file whose format cannot be told; the message lists the formats.

    Examples
    --------
    >>> import paperlens as pl, tempfile, os
    >>> path = pl.load_sample().save(os.path.join(tempfile.mkdtemp(), "corpus.parquet"))
    >>> pl.read(path) == pl.load_sample()
    True
    >>> pl.read(os.path.dirname(path))
    Traceback (most recent call last):
    ...
    paperlens.errors.ParseError: ...: is a directory, not a file (read the files in it: ...)
    """
    parts: list[Parsed] = []
    for path in _paths(paths):
        if path.is_dir():
            raise ParseError(
                "is a directory, not a file (read the files in it: sorted(Path(folder).glob('*.bib')))",
                file=str(path),
            )
        if not path.exists():
            raise MissingFileError(str(path))
        parts.extend(_read_one(path.read_bytes(), str(path), path, format, dict(options)))
    return assemble(parts, warn=warn, dedupe=dedupe)
