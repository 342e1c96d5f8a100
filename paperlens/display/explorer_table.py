"""The explorer's results table: one page of papers as standard ipywidgets, clickable and sortable.

A ``GridBox`` holds a header row of sort buttons and one row per paper: a tick box
(several rows ticked at once are labelled together; the header's box ticks the whole
page), the title as a ``Button`` (clicking it selects the paper in Python), the other
cells as ``HTML`` widgets with escaped text. Row widgets are created once and reused,
so a refresh only changes values (one comm message per changed widget). A pager
(previous / "page i of n" / next / page size) sits underneath.

The table is a view: it holds no corpus. :class:`paperlens.display.explorer.Explorer`
hands it rows and state and receives clicks through the callbacks given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

import ipywidgets as widgets

from ..errors import InvalidArgumentError
from .tables import esc

__all__ = ["COLUMNS", "ResultsTable", "Row"]


class Column(NamedTuple):
    name: str  # the Row field shown
    header: str  # header text
    sort_key: str  # the Explorer sort key it sorts by
    width: str  # CSS grid track


#: Every column the table can show; the explorer leaves out those with no data.
COLUMNS = (
    Column("title", "title", "title", "minmax(14em, 1fr)"),
    Column("authors", "authors", "authors", "minmax(6em, 10em)"),
    Column("year", "year", "year", "3.6em"),
    Column("venue", "venue", "venue", "minmax(4em, 7em)"),
    Column("citations", "cited", "citations", "3.8em"),
    Column("score", "score", "relevance", "4.8em"),
    Column("id", "id", "id", "6.4em"),
)
_NUMERIC = {"year", "citations", "score"}


class Row(NamedTuple):
    """One paper as the table shows it (plain values; the table escapes them)."""

    id: str
    title: str
    authors: str
    year: str
    venue: str
    citations: str
    score: str


class ResultsTable(widgets.VBox):
    """A page of papers with sort headers, clickable titles and a pager.

    Parameters
    ----------
    columns : names of :data:`COLUMNS` to show, in order (``title`` is required).
    on_sort : called with a sort key when a header is clicked.
    on_select : called with a paper id when a title is clicked.
    on_page : called with the new 1-based page number.
    on_page_size : called with the new page size.
    on_check : called with a list of paper ids and whether they were ticked (a row's box, or the header's
        box for the whole page); the explorer keeps the ticks in its ``checked`` trait.
    page_sizes : choices of the page-size dropdown.
    """

    def __init__(
        self,
        columns: Sequence[str],
        *,
        on_sort: Callable[[str], Any],
        on_select: Callable[[str], Any],
        on_page: Callable[[int], Any],
        on_page_size: Callable[[int], Any],
        on_check: Callable[[list[str], bool], Any] = lambda _ids, _on: None,
        page_size: int = 20,
        page_sizes: Sequence[int] = (10, 20, 50, 100),
    ) -> None:
        known = {c.name: c for c in COLUMNS}
        self.columns = [known[name] for name in columns]
        if not self.columns or self.columns[0].name != "title":
            raise InvalidArgumentError("the first column of the results table must be 'title'")
        self._on_select = on_select
        self._on_page = on_page
        self._on_check = on_check
        self._updating = False  # set while update() moves the tick boxes (their observers stay quiet)
        self._page = 1
        self._n_pages = 1
        self.row_ids: list[str] = []  # ids of the rows shown, in order
        self._pool: list[tuple[widgets.Button, list[widgets.HTML]]] = []
        self._boxes: list[widgets.Checkbox] = []  # the tick box of each pooled row
        self.check_all = self._checkbox("tick every paper on this page")
        self.check_all.add_class("pl-check-all")
        self.check_all.observe(self._tick_page, names="value")

        self.headers: dict[str, widgets.Button] = {}
        for column in self.columns:
            button = widgets.Button(
                description=column.header,
                tooltip=f"sort by {column.sort_key}; click again to reverse",
                layout=widgets.Layout(width="auto", height="28px", margin="0"),
            )
            button.add_class("pl-head")
            button.on_click(lambda _b, key=column.sort_key: on_sort(key))
            self.headers[column.sort_key] = button
        self.grid = widgets.GridBox(
            layout=widgets.Layout(
                grid_template_columns=" ".join(["1.7em", *(c.width for c in self.columns)]),
                grid_gap="1px 6px",
                width="100%",
                align_items="center",
            )
        )
        self.grid.add_class("pl-table")
        self.empty = widgets.HTML("<i>No paper matches these filters.</i>", layout=widgets.Layout(display="none"))

        self.prev = widgets.Button(description="◀ prev", layout=widgets.Layout(width="6.5em"))
        self.next = widgets.Button(description="next ▶", layout=widgets.Layout(width="6.5em"))
        self.prev.on_click(lambda _b: self._on_page(self._page - 1))
        self.next.on_click(lambda _b: self._on_page(self._page + 1))
        self.page_label = widgets.HTML(layout=widgets.Layout(margin="0 8px"))
        self.page_size = widgets.Dropdown(
            options=sorted({*page_sizes, page_size}),
            value=page_size,
            description="per page",
            layout=widgets.Layout(width="10.5em"),
            style={"description_width": "4.5em"},
        )
        self.page_size.observe(lambda change: on_page_size(change["new"]), names="value")
        pager = widgets.HBox([self.prev, self.page_label, self.next, self.page_size])
        pager.add_class("pl-pager")
        super().__init__([self.grid, self.empty, pager], layout=widgets.Layout(width="100%"))

    @staticmethod
    def _checkbox(tip: str) -> widgets.Checkbox:
        box = widgets.Checkbox(value=False, indent=False, description_allow_html=False, tooltip=tip)
        box.layout = widgets.Layout(width="1.6em", margin="0")
        return box

    def _tick_page(self, change: dict[str, Any]) -> None:
        if not self._updating and self.row_ids:
            self._on_check(list(self.row_ids), bool(change["new"]))

    def _tick(self, slot: int, change: dict[str, Any]) -> None:
        if not self._updating and slot < len(self.row_ids):
            self._on_check([self.row_ids[slot]], bool(change["new"]))

    def _row_widgets(self, i: int) -> tuple[widgets.Button, list[widgets.HTML]]:
        while len(self._pool) <= i:
            slot = len(self._pool)
            box = self._checkbox("tick to label several papers at once")
            box.add_class("pl-check")
            box.observe(lambda change, slot=slot: self._tick(slot, change), names="value")
            title = widgets.Button(layout=widgets.Layout(width="auto", height="auto", min_height="26px", margin="0"))
            title.add_class("pl-row")
            title.on_click(lambda _b, slot=slot: self._click(slot))
            cells = [widgets.HTML(layout=widgets.Layout(margin="0")) for _ in self.columns[1:]]
            for cell in cells:
                cell.add_class("pl-cell")
            self._pool.append((title, cells))
            self._boxes.append(box)
        return self._pool[i]

    def _click(self, slot: int) -> None:
        if slot < len(self.row_ids):
            self._on_select(self.row_ids[slot])

    def update(
        self,
        rows: Sequence[Row],
        *,
        page: int,
        n_pages: int,
        sort_key: str,
        ascending: bool,
        selected: str | None,
        checked: Collection[str] = (),
    ) -> None:
        """Show ``rows`` (one page) with the given pager and sort state, ``checked`` ids ticked."""
        self._updating = True  # the tick boxes' observers stay quiet while they are moved here
        try:
            self._page, self._n_pages = page, n_pages
            self.row_ids = [row.id for row in rows]
            ticked = set(checked)
            children = [*self._show_header(rows, sort_key, ascending, ticked), *self._show_rows(rows, selected, ticked)]
        finally:
            self._updating = False
        if tuple(children) != self.grid.children:
            self.grid.children = tuple(children)
        self.empty.layout.display = "none" if rows else ""
        self.page_label.value = f"page {page} of {n_pages}"
        self.prev.disabled = page <= 1
        self.next.disabled = page >= n_pages

    def _show_header(
        self, rows: Sequence[Row], sort_key: str, ascending: bool, checked: set[str]
    ) -> list[widgets.Widget]:
        """The header cells: "tick the page" (ticked when every row is) and the sort buttons with their arrow."""
        all_ticked = bool(rows) and all(row.id in checked for row in rows)
        if self.check_all.value != all_ticked:
            self.check_all.value = all_ticked
        children: list[widgets.Widget] = [self.check_all]
        for key, button in self.headers.items():
            column = next(c for c in self.columns if c.sort_key == key)
            arrow = (" ▲" if ascending else " ▼") if key == sort_key else ""
            if button.description != column.header + arrow:
                button.description = column.header + arrow
            children.append(button)
        return children

    def _show_rows(self, rows: Sequence[Row], selected: str | None, checked: set[str]) -> list[widgets.Widget]:
        """The cells of ``rows``, from the pool of row widgets, changed only where they differ."""
        children: list[widgets.Widget] = []
        for i, row in enumerate(rows):
            title, cells = self._row_widgets(i)
            box = self._boxes[i]
            if box.value != (row.id in checked):
                box.value = row.id in checked
            style = "info" if row.id == selected else ""
            with title.hold_sync():
                title.description = row.title
                title.tooltip = f"{row.title}\n{row.id}: click to show details"
                title.button_style = style
            for cell, column in zip(cells, self.columns[1:], strict=True):
                text = getattr(row, column.name)
                if column.name == "id":
                    value = f"<code style='font-size:11px' title='{esc(text)}'>{esc(text)}</code>"
                elif column.name in _NUMERIC:
                    value = f"<span style='float:right'>{esc(text)}</span>"
                else:
                    value = f"<span title='{esc(text)}'>{esc(text)}</span>"
                if cell.value != value:
                    cell.value = value
            children.extend([box, title, *cells])
        return children

    def click(self, paper_id: str) -> None:
        """Click the title of the row showing ``paper_id`` (as a person would)."""
        slot = self.row_ids.index(paper_id)
        self._pool[slot][0].click()

    def tick(self, paper_id: str, on: bool = True) -> None:
        """Tick (or untick) the box of the row showing ``paper_id`` (as a person would)."""
        self._boxes[self.row_ids.index(paper_id)].value = on
