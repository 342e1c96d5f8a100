"""Keys on the detail pane and several rows ticked at once: the headless state first, then the widgets."""

from __future__ import annotations

import pytest

import paperlens as pl
from paperlens.display.explorer_keys import KEYS, press
from paperlens.display.explorer_state import ExplorerState
from paperlens.errors import InvalidArgumentError, PaperlensError


@pytest.fixture(scope="module")
def reviewed() -> pl.Corpus:
    return pl.load_sample("donners2021")


def test_checked_is_a_validated_trait_and_labels_go_to_the_ticked_rows(reviewed):
    state = ExplorerState(reviewed, communities=False, page_size=10)
    ids = list(reviewed.ids)
    seen = []
    state.observe(lambda change: seen.append(change["new"]), names="checked")
    state.check(ids[3])
    state.check([ids[5], ids[3], ids[7]])  # no duplicates; order of ticking kept
    assert state.checked == (ids[3], ids[5], ids[7]) and len(seen) == 2
    state.check(ids[5], on=False)
    assert state.checked == (ids[3], ids[7])
    with pytest.raises(PaperlensError):
        state.checked = ["no-such-paper"]
    state.select(ids[0])
    assert state.label_targets() == (ids[3], ids[7])  # the ticks win over the selection
    state.label_chosen("relevant")
    assert state.labels == {ids[3]: "relevant", ids[7]: "relevant"}
    state.checked = None
    assert state.label_targets() == (ids[0],)
    state.label_chosen("irrelevant")
    assert state.labels[ids[0]] == "irrelevant" and len(state.labels) == 3
    state.selected = None
    with pytest.raises(InvalidArgumentError, match="select a paper first"):
        state.label_chosen("relevant")


def test_check_range_ticks_the_rows_between_in_table_order(reviewed):
    state = ExplorerState(reviewed, communities=False, page_size=10, query="dose")
    order = [reviewed.ids[p] for p in state.positions]
    assert len(order) >= 6
    state.check_range(order[4], order[1])  # either direction
    assert set(state.checked) == set(order[1:5]) and len(state.checked) == 4
    outside = next(pid for pid in reviewed.ids if pid not in order)
    with pytest.raises(InvalidArgumentError, match="both ends"):
        state.check_range(order[0], outside)


def test_step_selection_walks_the_table_and_turns_pages(reviewed):
    state = ExplorerState(reviewed, communities=False, page_size=10)
    order = [reviewed.ids[p] for p in state.positions]
    assert state.step_selection(1).id == order[0]  # nothing selected: the page's first paper
    for i in range(1, 12):
        assert state.step_selection(1).id == order[i]
    assert state.page == 2  # the 11th paper is on page 2
    assert state.step_selection(-2).id == order[9] and state.page == 1
    state.select(order[-1])
    assert state.step_selection(1).id == order[-1]  # stays on the last
    state.select(order[0])
    assert state.step_selection(-1).id == order[0]


def test_press_maps_every_key(reviewed):
    state = ExplorerState(reviewed, communities=False, page_size=10)
    order = [reviewed.ids[p] for p in state.positions]
    assert set(KEYS) == {"r", "i", "u", "0", "j", "n", "k", "p"}
    assert [press(state, k) for k in "jnn"] == ["select"] * 3 and state.selected.id == order[2]
    assert press(state, "p") == "select" and state.selected.id == order[1]
    assert press(state, "k") == "select" and state.selected.id == order[0]
    assert press(state, "r") == "relevant" and state.labels == {order[0]: "relevant"}
    assert press(state, "i") == "irrelevant" and state.labels == {order[0]: "irrelevant"}
    assert press(state, "0") == "clear" and state.labels == {}
    press(state, "r")
    assert press(state, "u") == "clear" and state.labels == {}
    assert press(state, "R") is None and press(state, "Enter") is None and state.labels == {}


def test_keys_reach_the_explorer_through_the_catchers_trait(reviewed):
    explorer = reviewed.explore(graph=False, communities=False, page_size=10)
    catcher = explorer.key_catcher
    assert catcher in explorer.children[4].children[1].children[0].children  # in the detail pane
    order = list(explorer.table_ids)
    for n, key in enumerate("jjr", start=1):  # what the front end sends: the key and a press count
        catcher.keypress = {"key": key, "n": n}
    assert explorer.selected.id == order[1]
    assert explorer.labels == {order[1]: "relevant"}
    assert "this paper: <b>relevant</b>" in explorer.label_bar.summary.value
    catcher.keypress = {"key": "x", "n": 4}  # not a shortcut: nothing happens, nothing is shown
    assert explorer.labels == {order[1]: "relevant"} and explorer.status.value == ""
    explorer.selected = None
    catcher.keypress = {"key": "i", "n": 5}  # an error goes to the status line, not into the front end
    assert "select a paper first" in explorer.status.value
    assert "(r)" in explorer.label_bar.relevant.description and "key r" in explorer.label_bar.relevant.tooltip
    assert "(i)" in explorer.label_bar.irrelevant.description and "(u)" in explorer.label_bar.clear.description
    assert "'r'" in catcher._esm and "stopPropagation" in catcher._esm


def test_ticking_rows_in_the_table_labels_them_all(reviewed):
    explorer = reviewed.explore(graph=False, communities=False, page_size=10)
    page = list(explorer.table_ids)
    for paper_id in page[2:5]:
        explorer.table.tick(paper_id)
    assert explorer.checked == tuple(page[2:5])
    assert "3 ticked" in explorer.label_bar.summary.value
    explorer.select(page[0])
    explorer.label_bar.relevant.click()  # the ticked rows, not the selected paper
    assert explorer.labels == dict.fromkeys(page[2:5], "relevant")
    explorer.table.tick(page[3], on=False)
    assert explorer.checked == (page[2], page[4])
    explorer.checked = [page[7]]  # code sets the trait: the boxes follow
    assert [box.value for box in explorer.table._boxes[:10]] == [i == 7 for i in range(10)]
    assert not explorer.table.check_all.value
    explorer.table.check_all.value = True  # the header's box ticks the whole page
    assert set(explorer.checked) == set(page) and len(explorer.checked) == 10
    assert all(box.value for box in explorer.table._boxes[:10]) and explorer.table.check_all.value
    explorer.label_bar.irrelevant.click()
    assert {k for k, v in explorer.labels.items() if v == "irrelevant"} == set(page)
    explorer.page = 2
    assert not explorer.table.check_all.value and not any(b.value for b in explorer.table._boxes[:10])
    explorer.label_bar.untick.click()
    assert explorer.checked == () and explorer.label_bar.untick.layout.display == "none"


def test_a_shift_click_ticks_the_rows_between(reviewed):
    state = ExplorerState(reviewed, communities=False, page_size=10)
    order = [reviewed.ids[p] for p in state.positions]
    state.check_range(order[6], order[2])
    assert set(state.checked) == set(order[2:7]) and len(state.checked) == 5
    state.check_range(order[3], order[5], on=False)  # a shift-click that unticks unticks the range
    assert set(state.checked) == {order[2], order[6]}

    explorer = reviewed.explore(graph=False, communities=False, page_size=10)
    page = list(explorer.table_ids)
    explorer.table.tick(page[1])
    # What the front end sends on a shift-click on row 4's box after a click on row 1's: both ends and the
    # box's new state in one message (the box's own change may come before or after it).
    explorer.key_catcher.shift_click = {"n": 1, "anchor": 1, "row": 4, "on": True}
    explorer.table.tick(page[4])
    assert set(explorer.checked) == set(page[1:5]) and len(explorer.checked) == 4
    assert [box.value for box in explorer.table._boxes[:10]] == [1 <= i <= 4 for i in range(10)]
    explorer.key_catcher.shift_click = {"n": 2, "anchor": 4, "row": 3, "on": False}
    assert set(explorer.checked) == {page[1], page[2]}
    explorer.key_catcher.shift_click = {"n": 3, "anchor": 40, "row": 3, "on": True}  # off the page: ignored
    assert set(explorer.checked) == {page[1], page[2]} and explorer.status.value == ""
