"""The explorer's glance pane: the field at a glance (:class:`~paperlens.display.glance.Glance`) of the filtered papers.

:class:`GlancePane` is an ``ipywidgets.Output`` whose one output is the glance's mimebundle
(Vega-Lite 5, drawn by Jupyter's own Vega renderer), set as data (``output.outputs``), so it
needs no kernel context and can be read back in tests. The explorer redraws it after every
refresh of its results, behind a debouncer. The years are stacked by the explorer's topics when
it has found them, else as :func:`paperlens.display.glance.glance` chooses (``by="auto"``). The
static picture is left out of the live pane (the browser draws the chart; Jupyter keeps a PNG of
it in the saved notebook itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from .glance import Glance
from .tables import esc

if TYPE_CHECKING:
    from ..corpus import Corpus

__all__ = ["GlancePane"]


class GlancePane(widgets.VBox):
    """A caption and an ``ipywidgets.Output`` holding the glance of the papers the filters keep.

    Parameters
    ----------
    n : int
        Bars in each top-N chart.
    """

    def __init__(self, *, n: int = 10) -> None:
        self.n = int(n)
        self.draws = 0  # how many times the glance was drawn (the caption carries it as data-draw)
        self.view: Glance | None = None
        self.caption = widgets.HTML()
        self.output = widgets.Output(layout=widgets.Layout(min_height="120px", overflow="auto"))
        super().__init__([self.caption, self.output], layout=widgets.Layout(width="100%"))
        self.add_class("pl-glance")
        self.add_class("pl-pane")

    def draw(self, corpus: Corpus, groups: Sequence[Any] | None = None, of_papers: int | None = None) -> Glance:
        """Show the glance of ``corpus`` (``groups``: each paper's topic, in corpus order; ``None``: auto)."""
        view = Glance(corpus, by="auto" if groups is None else list(groups), n=self.n, static=False)
        if groups is not None:
            view.by_name = "topic"
        data, metadata = view._repr_mimebundle_()
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)
        self.view = view
        self.draws += 1
        total = f" of {of_papers:,}" if of_papers is not None else ""
        notes = "".join(f"<br><small style='color:#666'>{esc(note)}</small>" for note in view.notes)
        self.caption.value = (
            f"<span class='pl-glance-caption' data-draw='{self.draws}' data-papers='{len(corpus)}'>"
            f"<b>The field at a glance</b>: {len(corpus):,}{total} papers</span>{notes}"
        )
        return view
