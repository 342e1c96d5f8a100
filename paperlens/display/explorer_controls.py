"""The explorer's filter controls: standard ipywidgets, one per filter, plus author type-ahead and reset.

:class:`FilterControls` only builds and lays out the widgets;
:class:`paperlens.display.explorer.Explorer` links each control's ``value`` to its
filter trait (both ways). The author picker is the one control with behaviour of
its own: a ``Combobox`` whose suggestions follow what is typed (the authors with
the most papers first); picking a suggestion adds that name to the ``TagsInput``
of chosen authors. Free text typed into the tags box works too: a tag matches
every author whose name contains it, as in ``Corpus.filter(authors=...)``.
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
            placeholder="type a name, pick to add",
            options=tuple(index.suggest_authors("", _SUGGESTIONS)),
            description="authors",
            ensure_option=False,
            continuous_update=True,
            layout=widgets.Layout(width="22em"),
            style=style,
        )
        self.author_box.observe(self._on_author_typed, names="value")
        self.controls["authors"] = widgets.TagsInput(
            allowed_tags=[],
            allow_duplicates=False,
            placeholder="chosen authors (or type part of a name, Enter)",
            layout=widgets.Layout(width="auto", flex="1 1 24em", min_width="16em"),
        )
        example = f", e.g. {categories[0]}" if categories else ""
        self.controls["categories"] = widgets.TagsInput(
            allowed_tags=list(categories),
            allow_duplicates=False,
            placeholder=f"type a category{example}, Enter",
            layout=widgets.Layout(width="auto", flex="1 1 24em", min_width="16em"),
        )
        example = f", e.g. {keywords[0]}" if keywords else ""
        self.controls["keywords"] = widgets.TagsInput(
            allowed_tags=list(keywords),
            allow_duplicates=False,
            placeholder=f"type a keyword{example}, Enter",
            layout=widgets.Layout(width="auto", flex="1 1 24em", min_width="16em"),
        )
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
                widgets.HBox(
                    [widgets.Label("categories", layout=widgets.Layout(width="6.5em")), c["categories"]], layout=row
                ),
                widgets.HBox(
                    [widgets.Label("keywords", layout=widgets.Layout(width="6.5em")), c["keywords"]],
                    layout=widgets.Layout(
                        width="100%", align_items="center", flex_flow="row wrap", display=None if keywords else "none"
                    ),
                ),
                widgets.HBox(
                    [
                        c["venue"],
                        c["community"],
                        self.find_topics,
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
