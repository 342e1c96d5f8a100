"""How a paper's label, tags and note travel through BibTeX and RIS, so they read back unchanged.

Reference managers have no field for a screening decision, so paperlens uses the conventions a
Zotero or ASReview user already meets:

- **Tags** are written among the keywords (BibTeX ``keywords``, RIS ``KW``) with a ``paperlens:``
  prefix: ``paperlens:to read``. Zotero imports keywords as tags, so they show there as
  ``paperlens:…`` tags, apart from the paper's own keywords; reading them back, exactly the
  prefixed ones become tags again.
- **The label** is written as ASReview's marker, ``ASReview_relevant`` or ``ASReview_irrelevant``
  (what ASReview writes into the notes of its RIS export; Zotero wraps a note in ``<p>…</p>``,
  which is understood too). ASReview reads a file paperlens wrote with its labels as priors.
- **The note** is BibTeX's ``annote`` (Zotero imports and exports notes there); in RIS, where
  other tools put their own remarks in ``N1`` too, one ``N1`` line per line of the note, each
  starting ``paperlens note:``.

In BibTeX the label marker is the first line of ``annote``; a note that would itself start with
a marker is written after an ``ASReview_not_seen`` line, so the round trip is exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = [
    "TAG_PREFIX",
    "annote_text",
    "label_marker",
    "parse_annote",
    "parse_ris_notes",
    "ris_notes",
    "split_tags",
    "tag_keywords",
]

TAG_PREFIX = "paperlens:"
NOTE_PREFIX = "paperlens note:"
_MARKERS = {"relevant": "ASReview_relevant", "irrelevant": "ASReview_irrelevant", None: "ASReview_not_seen"}
_MARKER = re.compile(r"^\s*(?:<p>\s*)?ASReview_(relevant|irrelevant|not_seen)\s*(?:</p>)?(?:\s*\n|\s*$)")
_HTML_P = re.compile(r"^\s*<p>(.*)</p>\s*$", re.S)


def tag_keywords(tags: Iterable[str]) -> list[str]:
    """Tags as prefixed keywords.

    >>> tag_keywords(["to read", "MSC"])
    ['paperlens:to read', 'paperlens:MSC']
    """
    return [f"{TAG_PREFIX}{t}" for t in tags]


def split_tags(keywords: Iterable[str]) -> tuple[list[str], list[str]]:
    """Keywords as ``(plain keywords, tags)``: the ``paperlens:``-prefixed ones are tags.

    >>> split_tags(["cartilage", "paperlens:to read"])
    (['cartilage'], ['to read'])
    """
    plain, tags = [], []
    for keyword in keywords:
        if keyword.startswith(TAG_PREFIX) and keyword[len(TAG_PREFIX) :].strip():
            tags.append(keyword[len(TAG_PREFIX) :].strip())
        else:
            plain.append(keyword)
    return plain, tags


def label_marker(label: str | None) -> str:
    """ASReview's marker for a label (``None``: ``ASReview_not_seen``)."""
    return _MARKERS[label]


def _marker(text: str) -> tuple[bool, str | None, str]:
    """Whether ``text`` starts with a label marker, the label, and the text after it."""
    match = _MARKER.match(text)
    if not match:
        return False, None, text
    label = None if match.group(1) == "not_seen" else match.group(1)
    return True, label, text[match.end() :]


def annote_text(label: str | None, note: str | None) -> str | None:
    """The BibTeX ``annote`` for a label and note (``None`` when there is neither).

    >>> annote_text("relevant", "read the methods")
    'ASReview_relevant\\nread the methods'
    >>> parse_annote(annote_text(None, "ASReview_relevant is what ASReview writes"))
    (None, 'ASReview_relevant is what ASReview writes')
    """
    if label is None and not note:
        return None
    if label is None:
        return f"{label_marker(None)}\n{note}" if _marker(note or "")[0] else note
    return label_marker(label) + (f"\n{note}" if note else "")


def parse_annote(text: str | None) -> tuple[str | None, str | None]:
    """``(label, note)`` from a BibTeX ``annote``; an annote without a marker is all note.

    >>> parse_annote("ASReview_irrelevant\\nwrong population")
    ('irrelevant', 'wrong population')
    >>> parse_annote("Zotero note")
    (None, 'Zotero note')
    """
    if not text or not text.strip():
        return None, None
    _, label, rest = _marker(text)
    return label, rest.strip() or None


def ris_notes(label: str | None, note: str | None) -> list[str]:
    """The RIS ``N1`` lines for a label and note."""
    lines = [label_marker(label)] if label is not None else []
    if note:
        lines.extend(f"{NOTE_PREFIX} {line}".rstrip() for line in note.split("\n"))
    return lines


def parse_ris_notes(notes: Sequence[str]) -> tuple[str | None, str | None, list[str]]:
    """``(label, note, other notes)`` from a record's ``N1`` values.

    >>> parse_ris_notes(["<p>ASReview_relevant</p>", "Export Date: 18 November 2019"])
    ('relevant', None, ['Export Date: 18 November 2019'])
    >>> parse_ris_notes(ris_notes("irrelevant", "line one\\nline two"))
    ('irrelevant', 'line one\\nline two', [])
    """
    label, lines, other = None, [], []
    for value in notes:
        text = _HTML_P.sub(r"\1", value) if isinstance(value, str) else str(value)
        found, found_label, rest = _marker(text)
        if found and not rest.strip():
            label = found_label
        elif text.startswith(NOTE_PREFIX):
            lines.append(text[len(NOTE_PREFIX) :].removeprefix(" "))
        else:
            other.append(value)
    note = "\n".join(lines).strip() or None
    return label, note, other
