"""The explorer's filter controls: standard ipywidgets, one per filter, plus type-ahead boxes and reset.

:class:`FilterControls` only builds and lays out the widgets;
:class:`paperlens.display.explorer.Explorer` links each control's ``value`` to its
filter trait (both ways). Authors, categories and keywords are each typed into a
``Combobox`` whose suggestions follow what is typed; picking a suggestion, or
pressing Enter, adds the text to the ``TagsInput`` of chosen values beside it. (A
``TagsInput``'s own text box lets the notebook take the Enter key in JupyterLab 4;
a ``Combobox`` keeps it and reports it.) A typed author is part of a name, as in
``Corpus.filter(authors=...)``; a typed category or keyword must be one of the
papers' (any case).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

if TYPE_CHECKING:
    from .explorer_index import FilterIndex

__all__ = ["ANY_TOPIC", "ANY_VENUE", "FilterControls"]

_SUGGESTIONS = 12
#: The dropdown value meaning "no filter" (a Dropdown shows nothing for a ``None`` value).
ANY_VENUE = ""
ANY_TOPIC = -1
_VENUE_OPTIONS = 500
#: Why the year slider is off.
NO_YEARS = "no paper here has a year"  # the dropdown lists the most frequent venues; others can still be set from code


class FilterControls(widgets.VBox):
    """The filter widgets of an explorer, by filter name in :attr:`controls`.

    Parameters
    ----------
    index : the explorer's :class:`~paperlens.display.explorer_index.FilterIndex` (author suggestions).
    year_bounds : the first and last year of the papers, or ``None`` when no year is known.
    categories, keywords, venues : the values offered (most frequent first); the keywords row is
        hidden when no paper has a keyword.
    has_citations : whether any paper has a citation count (else the control is disabled).
    """

    def __init__(
        self,
        index: FilterIndex,
        *,
        year_bounds: tuple[int, int] | None,
        categories: Sequence[str],
        venues: Sequence[str],
        keywords: Sequence[str] = (),
        has_citations: bool,
    ) -> None:
        self.index = index
        style = {"description_width": "6em"}
        self.controls: dict[str, widgets.ValueWidget] = {}
        self.controls["query"] = widgets.Text(
            placeholder='all words · "exact phrase" · a OR b · -word · title: author: venue: year:2020..2023 tag:',
            description="search",
            continuous_update=True,
            layout=widgets.Layout(width="auto", flex="1 1 20em"),
            style=style,
        )
        low, high = year_bounds or (0, 0)
        self.controls["years"] = widgets.IntRangeSlider(
            value=(low, high),
            min=low,
            max=high,
            description="years",
            continuous_update=False,
            disabled=year_bounds is None,
            readout=year_bounds is not None,  # not "0 – 0"
            tooltip=NO_YEARS if year_bounds is None else "",
            layout=widgets.Layout(width="auto", flex="1 1 20em"),
            style=style,
        )
        self.years_note = widgets.HTML(
            f"<span style='color:#777'>{NO_YEARS}</span>" if year_bounds is None else "",
            layout=widgets.Layout(display=None if year_bounds is None else "none"),
        )
        self.years_note.add_class("pl-years-note")
        self.author_box = widgets.Combobox(
            placeholder="type part of a name, Enter",
            options=tuple(index.suggest_authors("", _SUGGESTIONS)),
            description="authors",
            ensure_option=False,
            continuous_update=True,
            layout=widgets.Layout(width="22em"),
            style=style,
        )
        self.author_box.add_class("pl-add-authors")
        self.author_box.observe(self._on_author_typed, names="value")
        self.controls["authors"] = widgets.TagsInput(
            allowed_tags=[],
            allow_duplicates=False,
            placeholder="chosen authors",
            layout=widgets.Layout(width="auto", flex="1 1 24em", min_width="16em"),
        )
        self.controls["categories"] = widgets.TagsInput(
            allowed_tags=list(categories),
            allow_duplicates=False,
            placeholder="chosen categories",
            layout=widgets.Layout(width="auto", flex="1 1 24em", min_width="16em"),
        )
        self.controls["keywords"] = widgets.TagsInput(
            allowed_tags=list(keywords),
            allow_duplicates=False,
            placeholder="chosen keywords",
            layout=widgets.Layout(width="auto", flex="1 1 24em", min_width="16em"),
        )
        self.category_box = self._picker("categories", "category", categories)
        self.keyword_box = self._picker("keywords", "keyword", keywords)
        _on_enter(self.author_box, lambda text: self.add("authors", text))
        self.controls["venue"] = widgets.Dropdown(
            options=[("any venue", ANY_VENUE), *((v, v) for v in venues[:_VENUE_OPTIONS])],
            value=ANY_VENUE,
            description="venue",
            disabled=not venues,
            layout=widgets.Layout(width="18em"),
            style=style,
        )
        self.controls["community"] = widgets.Dropdown(
            options=[("any topic", ANY_TOPIC)],
            value=ANY_TOPIC,
            description="topic",
            layout=widgets.Layout(width="22em"),
            style={"description_width": "3.5em"},
        )
        self.find_topics = widgets.Button(
            description="find topics",
            tooltip="group the papers into topics (communities of the citation and concept graph)",
            layout=widgets.Layout(width="8em"),
        )
        self.topics_progress = widgets.FloatProgress(  # shown while "find topics" works
            value=0.0,
            min=0.0,
            max=1.0,
            bar_style="info",
            tooltip="finding topics (the stage is named below the table)",
            layout=widgets.Layout(width="8em", display="none"),
        )
        self.find_topics.add_class("pl-find-topics")
        self.topics_progress.add_class("pl-topics-progress")
        self.controls["min_citations"] = widgets.BoundedIntText(
            value=0,
            min=0,
            max=10**9,
            description="min cited",
            disabled=not has_citations,
            tooltip="" if has_citations else "no citation counts in this corpus",
            layout=widgets.Layout(width="12em"),
            style={"description_width": "5em"},
        )
        self.controls["has_abstract"] = widgets.Checkbox(
            value=False, description="with abstract only", indent=False, layout=widgets.Layout(width="11em")
        )
        self.reset_button = widgets.Button(
            description="reset", icon="undo", tooltip="clear every filter", layout=widgets.Layout(width="6em")
        )
        for name, control in self.controls.items():
            control.add_class(f"pl-filter-{name}")

        row = widgets.Layout(width="100%", align_items="center", flex_flow="row wrap")
        c = self.controls
        super().__init__(
            [
                widgets.HBox([c["query"], c["years"], self.years_note], layout=row),
                widgets.HBox([self.author_box, c["authors"]], layout=row),
                widgets.HBox([self.category_box, c["categories"]], layout=row),
                widgets.HBox(
                    [self.keyword_box, c["keywords"]],
                    layout=widgets.Layout(
                        width="100%", align_items="center", flex_flow="row wrap", display=None if keywords else "none"
                    ),
                ),
                widgets.HBox(
                    [
                        c["venue"],
                        c["community"],
                        self.find_topics,
                        self.topics_progress,
                        c["min_citations"],
                        c["has_abstract"],
                        self.reset_button,
                    ],
                    layout=row,
                ),
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("pl-controls")

    def _picker(self, name: str, noun: str, values: Sequence[str]) -> widgets.Combobox:
        """A type-ahead box for a list filter: picking one of ``values`` or pressing Enter adds it."""
        box = widgets.Combobox(
            placeholder=f"type a {noun}, Enter",
            options=tuple(values[:_VENUE_OPTIONS]),
            description=name,
            ensure_option=False,
            continuous_update=True,
            layout=widgets.Layout(width="22em"),
            style={"description_width": "6em"},
        )
        box.add_class(f"pl-add-{name}")

        def typed(change: dict[str, Any]) -> None:
            text = change["new"].strip()
            if text and text in box.options:  # a suggestion picked
                self.add(name, text)

        box.observe(typed, names="value")
        _on_enter(box, lambda text: self.add(name, text))
        return box

    def add(self, name: str, text: str) -> bool:
        """Add ``text`` to the chosen ``authors``, ``categories`` or ``keywords`` (a category or keyword
        as the papers spell it, matched in any case); clear the box it was typed in. False if not one of them.
        """
        text = text.strip()
        tags = self.controls[name]
        if not text:
            return False
        if name != "authors":  # one of the papers' categories / keywords
            spelt = [t for t in tags.allowed_tags if t == text] or [
                t for t in tags.allowed_tags if t.casefold() == text.casefold()
            ]
            if not spelt:
                return False
            text = spelt[0]
        if text not in tags.value:
            tags.value = [*tags.value, text]
        box = {"authors": self.author_box, "categories": self.category_box, "keywords": self.keyword_box}[name]
        box.value = ""
        return True

    def _on_author_typed(self, change: dict[str, Any]) -> None:
        """A suggestion picked (the text equals one): add it to the chosen authors; else refresh suggestions."""
        text = change["new"].strip()
        picked = [a for a in self.author_box.options if a.casefold() == text.casefold()] if text else []
        if picked:
            chosen = self.controls["authors"]
            if picked[0] not in chosen.value:
                chosen.value = [*chosen.value, picked[0]]
            self.author_box.value = ""
            return
        self.author_box.options = tuple(self.index.suggest_authors(text, _SUGGESTIONS))

    def set_topics(self, options: Sequence[tuple[str, Any]]) -> None:
        """Offer these ``(label, value)`` topics (after "any topic") and hide the "find topics" button."""
        self.controls["community"].options = [("any topic", ANY_TOPIC), *options]
        self.controls["community"].disabled = False
        self.find_topics.layout.display = "none"

    def topics_unavailable(self, why: str) -> None:
        """Disable the topic select with a tooltip saying why."""
        self.controls["community"].disabled = True
        self.controls["community"].tooltip = why
        self.find_topics.layout.display = "none"


def _on_enter(box: widgets.Text, add: Any) -> None:
    """Call ``add(text)`` when Enter is pressed in ``box`` (the front end's "submit" message)."""

    def handle(_widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            add(box.value)

    box.on_msg(handle)
