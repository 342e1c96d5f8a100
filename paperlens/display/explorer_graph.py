"""The explorer's graph pane: the graph of the filtered papers, capped, with the clicked paper marked.

:class:`GraphPane` draws through :func:`paperlens.display.graphview.graph` into an
``ipywidgets.HTML`` (the view's ``<iframe srcdoc>``, which draws offline). At most
``max_nodes`` papers are drawn (the "papers" box sets how many): the top ones by
the ranking the explorer passes (the search score with a query, else citations;
ties and a missing ranking in table order), never "the first ones of an
alphabetical sort", plus the selected paper if it would be left out. The caption says how many papers are hidden and
repeats any warning the graph builder gave (e.g. "no citation links").
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from ..text import plural
from . import graphview
from .explorer_state import KINDS
from .graph_widget import GraphWidget
from .tables import esc

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["KINDS", "NO_COLOR", "GraphPane", "color_options"]


def color_options() -> list[tuple[str, str | None]]:
    """``(label, value)`` choices for colouring nodes, as the graph view offers them."""
    return [(c or "nothing", c) for c in graphview.COLOR_BY]


#: The colour dropdown's value for ``color_by=None`` (a Dropdown shows nothing for a ``None`` value).
NO_COLOR = "none"


class GraphPane(widgets.VBox):
    """Kind and colour controls, a caption, and the drawn graph.

    ``kind_control`` and ``color_control`` are plain widgets; the explorer links
    them to its ``graph_kind`` / ``color_by`` traits and calls :meth:`draw`.
    """

    def __init__(
        self, *, kind: str, color_by: str | None, max_nodes: int, resolve: Callable[[str], str] | None = None
    ) -> None:
        self.max_nodes = int(max_nodes)
        self.draws = 0  # how many times a graph was drawn (the caption carries it as data-draw)
        self.kind_control = widgets.ToggleButtons(
            options=[("citations", "citation"), ("concepts", "concept"), ("both", "both")],
            value=kind,
            description="links",
            style={"button_width": "6.5em", "description_width": "3em"},
        )
        self.color_control = widgets.Dropdown(
            options=[(label, NO_COLOR if value is None else value) for label, value in color_options()],
            value=NO_COLOR if color_by is None else color_by,
            description="colour by",
            layout=widgets.Layout(width="16em"),
            style={"description_width": "5em"},
        )
        self.size_control = widgets.BoundedIntText(
            value=self.max_nodes,
            min=10,
            max=5000,
            step=50,
            description="papers",
            layout=widgets.Layout(width="11em"),
            style={"description_width": "3.5em"},
        )
        self.size_control.observe(self._on_size, names="value")
        self.caption = widgets.HTML()
        self.view = GraphWidget(resolve=resolve, layout=widgets.Layout(width="100%"))
        self.view.add_class("pl-graph")
        super().__init__(
            [
                widgets.HBox(
                    [self.kind_control, self.color_control, self.size_control],
                    layout=widgets.Layout(align_items="center"),
                ),
                self.caption,
                self.view,
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("pl-pane")

    def _on_size(self, change: dict[str, Any]) -> None:
        self.max_nodes = int(change["new"])

    @property
    def drawn_ids(self) -> tuple[str, ...]:
        """The ids of the papers in the graph drawn last."""
        return self.view.node_ids

    def draw(
        self,
        root: Corpus,
        positions: np.ndarray,
        *,
        kind: str,
        color_by: str | None,
        selected: int | None = None,
        selected_id: str | None = None,
        busy: str | None = None,
        ranking: np.ndarray | None = None,
        ranking_name: str = "",
    ) -> None:
        """Draw the papers at root ``positions`` (table order), at most ``max_nodes`` of them: the top ones
        by ``ranking`` (root-length, higher first; ties in table order) when given.

        ``busy`` is shown in the caption while a slow drawing runs (e.g. a first concept model fit).
        """
        positions = np.asarray(positions)
        if ranking is not None and len(positions) > self.max_nodes:
            positions = positions[np.argsort(-np.asarray(ranking, dtype=np.float64)[positions], kind="stable")]
        total = len(positions)
        shown = positions[: self.max_nodes]
        if selected is not None and selected not in shown and bool((positions == selected).any()):
            shown = np.append(shown[: self.max_nodes - 1], selected)
        if len(shown) == 0:
            self.view.clear()
            self.caption.value = "<span data-draw='0' data-nodes='0'><i>No paper to draw.</i></span>"
            return
        known = graphview.OPTIONS
        options: dict[str, Any] = {"kind": kind, "color_by": color_by}
        if selected_id is not None and "highlight" in known:
            options["highlight"] = selected_id
        if busy:
            self.caption.value = f"<i>{esc(busy)}</i>"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            view = graphview.graph(root.subset(shown), **options)
        hidden = total - len(shown)
        note = ""
        if hidden > 0:
            also = " and the selected paper" if len(shown) and shown[-1] == selected else ""
            which = f"the {len(shown):,} {ranking_name}" if ranking is not None else ""
            which = which or f"the first {len(shown):,} in table order"
            note = f'; {hidden:,} more hidden: it shows {which}{also} (narrow the filters or raise "papers")'
        messages = dict.fromkeys(str(w.message).split(" See ")[0] for w in caught)
        warning = f"<br><small style='color:#8a5a00'>{esc(' '.join(messages))}</small>" if messages else ""
        self.draws += 1
        self.view.show(view)
        self.caption.value = (
            f"<span data-draw='{self.draws}' data-nodes='{len(shown)}'>Graph of <b>{len(shown):,}</b> of "
            f"{plural(total, 'paper', digits=',')} ({esc(kind)} links){esc(note)}</span>{warning}"
        )
