"""The explorer's labelling bar: mark papers relevant or irrelevant, show some labels only, rank by them.

Standard ipywidgets buttons between the count line and the results act on the rows ticked in the table
when any are, else on the selected paper (``relevant``, ``irrelevant``, ``clear``; their keys, shown on
them, are in :mod:`~paperlens.display.explorer_keys`), or on every paper of the table's page at once
(``page: relevant`` / ``page: irrelevant``). A dropdown shows papers by label; a toggle sorts the table by relevance to
the labels (:func:`~paperlens.display.explorer_state.relevance_to_labels`), re-ranked after every
label, as a screening tool does. The bar holds no state: the explorer passes the callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from .tables import esc

__all__ = ["LabelBar", "label_mark"]

_MARKS = {"relevant": "✓", "irrelevant": "✗"}


def label_mark(label: str | None) -> str:
    """The sign a table row shows before a labelled paper's title (``""`` when unlabelled)."""
    return _MARKS.get(label or "", "")


class LabelBar(widgets.VBox):
    """Label buttons, the label filter and the "rank by my labels" toggle.

    Parameters
    ----------
    on_label : called with ``"relevant"``, ``"irrelevant"`` or ``None`` for the ticked rows (or the selected paper).
    on_label_page : called with a label for every paper on the current page.
    filters : the label filter's choices; tags : the tags the papers have (a tag filter when any).
    on_untick : called when "untick all" is clicked.
    """

    def __init__(
        self,
        *,
        on_label: Callable[[str | None], Any],
        on_label_page: Callable[[str], Any],
        filters: Sequence[str],
        tags: Sequence[str] = (),
        on_untick: Callable[[], Any] = lambda: None,
    ) -> None:
        def button(text: str, tip: str, style: str, action: Callable[[], Any]) -> widgets.Button:
            made = widgets.Button(
                description=text, tooltip=tip, button_style=style, layout=widgets.Layout(width="auto")
            )
            made.add_class("pl-label-button")
            made.on_click(lambda _b: action())
            return made

        which = "the ticked rows (or the selected paper)"
        self.relevant = button(
            "✓ relevant (r)", f"mark {which} relevant; key r", "success", lambda: on_label("relevant")
        )
        self.irrelevant = button(
            "✗ irrelevant (i)", f"mark {which} irrelevant; key i", "danger", lambda: on_label("irrelevant")
        )
        self.clear = button("clear (u)", f"remove the label of {which}; key u or 0", "", lambda: on_label(None))
        self.untick = button("untick all", "untick every ticked row", "", on_untick)
        self.untick.layout.display = "none"
        self.page_relevant = button(
            "page: relevant", "mark every paper on this page relevant", "", lambda: on_label_page("relevant")
        )
        self.page_irrelevant = button(
            "page: irrelevant", "mark every paper on this page irrelevant", "", lambda: on_label_page("irrelevant")
        )
        self.filter = widgets.Dropdown(options=list(filters), value="any", description="show", layout={"width": "14em"})
        self.filter.add_class("pl-label-filter")
        self.rank = widgets.ToggleButton(
            value=False, description="rank by my labels", tooltip="sort by relevance to the papers marked relevant"
        )
        self.rank.add_class("pl-label-rank")
        self.tags = widgets.TagsInput(allowed_tags=list(tags), allow_duplicates=False, placeholder="tag")
        self.tags.add_class("pl-tag-filter")
        self.summary = widgets.HTML()
        self.summary.add_class("pl-label-summary")
        rows = [
            widgets.HBox(
                [self.relevant, self.irrelevant, self.clear, self.page_relevant, self.page_irrelevant, self.untick]
            ),
            widgets.HBox([self.filter, self.rank, *([self.tags] if tags else []), self.summary]),
        ]
        super().__init__(rows)
        self.add_class("pl-labels")

    def show(self, labels: Mapping[str, str], selected: str | None, checked: Sequence[str] = ()) -> None:
        """Count the labels, say the selected paper's, and how many rows are ticked (the buttons' target)."""
        counts = {name: sum(1 for v in labels.values() if v == name) for name in _MARKS}
        mine = labels.get(selected or "")
        selected_text = f"; this paper: <b>{esc(mine)}</b>" if mine else ""
        ticked = (
            f"; <b class='pl-ticked' data-ticked='{len(checked)}'>{len(checked)} ticked</b>: the buttons label them"
            if checked
            else ""
        )
        self.untick.layout.display = "" if checked else "none"
        self.summary.value = (
            f"<span>{counts['relevant']} relevant, {counts['irrelevant']} irrelevant{selected_text}{ticked}</span>"
        )
