"""Keyboard shortcuts for the explorer, as a screening tool has them: ``r`` relevant, ``i`` irrelevant,
``u`` (or ``0``) clear, ``j``/``n`` next paper, ``k``/``p`` previous paper.

ipywidgets has no key events, so a small `anywidget <https://anywidget.dev>`_ element, :class:`KeyCatcher`,
sits at the top of the detail pane. Its script (inline, nothing fetched) listens to ``keydown`` events
aimed at the explorer (the closest ``.paperlens-explorer`` element, made focusable so that a click
anywhere in it gives it the focus) and, for one of the keys above pressed without Ctrl/Alt/Meta outside a
text field (the search box, the tag input), stops the event before Jupyter's shortcuts see it (``r``
would make the cell raw, ``j``/``k`` move to another cell, ``i i`` interrupt the kernel). It listens on
``window`` in the capture phase, the first stop of every key event: JupyterLab handles shortcuts as the
event bubbles up to the document, but Notebook 7 catches them on the document on the way down, before
any listener on the explorer would run. Every other key goes on to Jupyter untouched. The press reaches Python as
the ``keypress`` trait (``{"key": "r", "n": 7}``; ``n`` counts presses, so the same key twice is two
changes), which :func:`press` turns into the state's actions: the keys do what the label bar's buttons
do (the ticked rows when any are ticked, else the selected paper) and move the selection in table order.

Why anywidget: it is already installed with jupyter-scatter (the field map's widget is one), it renders
in JupyterLab, Notebook 7 and VS Code without a front-end extension to build, and its model is an
ordinary ipywidgets model, so the trait syncs both ways and tests set it from Python.

Examples
--------
>>> import paperlens as pl
>>> from paperlens.display.explorer_state import ExplorerState
>>> state = ExplorerState(pl.load_sample(), communities=False)
>>> press(state, "j")  # nothing selected: the first paper of the page
'select'
>>> press(state, "r"), state.labels == {state.selected.id: "relevant"}
('relevant', True)
>>> press(state, "x") is None  # not a shortcut
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

if TYPE_CHECKING:
    from .explorer_state import ExplorerState

__all__ = ["KEYS", "KeyCatcher", "key_hint", "press"]

#: Key -> action: a label (``None`` clears it) or a step through the table's papers.
KEYS: dict[str, tuple[str, Any]] = {
    "r": ("label", "relevant"),
    "i": ("label", "irrelevant"),
    "u": ("label", None),
    "0": ("label", None),
    "j": ("step", 1),
    "n": ("step", 1),
    "k": ("step", -1),
    "p": ("step", -1),
}


def press(state: ExplorerState, key: str) -> str | None:
    """Do what ``key`` does on ``state``; returns the label given (``"clear"`` for none), ``"select"``
    after a move, or ``None`` when ``key`` is not a shortcut.

    Parameters
    ----------
    state : ExplorerState
        The explorer (or its headless state).
    key : str
        The key pressed, as the browser's ``KeyboardEvent.key`` names it (``"r"``, ``"j"``...).

    Returns
    -------
    str or None
        What happened.
    """
    action = KEYS.get(key)
    if action is None:
        return None
    kind, value = action
    if kind == "label":
        state.label_chosen(value)
        return value or "clear"
    state.step_selection(value)
    return "select"


def key_hint() -> str:
    """The line the key catcher shows (plain text).

    >>> key_hint()
    'keys: r relevant · i irrelevant · u clear · j/n next · k/p previous'
    """
    return "keys: r relevant · i irrelevant · u clear · j/n next · k/p previous"


_ESM = """
const KEYS = new Set(%(keys)s);
function typing(target) {
  return !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || ""));
}
export default {
  render({ model, el }) {
    el.classList.add("pl-keys-hint");
    el.textContent = model.get("hint");
    el.title = "Click in the explorer, then press a key (not while typing in a text field)";
    let host = null, timer = null, tries = 0;
    const onKey = (event) => {
      if (!host || !host.contains(event.target)) return;
      if (event.ctrlKey || event.metaKey || event.altKey || !KEYS.has(event.key) || typing(event.target)) return;
      event.stopPropagation();  // caught on the way down: Jupyter's shortcut handlers never see it
      event.preventDefault();
      const last = model.get("keypress") || {};
      model.set("keypress", { key: event.key, n: (last.n || 0) + 1 });
      model.save_changes();
    };
    let anchor = null;  // the row of the tick box clicked last (the start of a shift-click's range)
    const onClick = (event) => {
      const box = event.target.closest ? event.target.closest(".pl-check") : null;
      if (!box || !host) return;
      const row = [...host.querySelectorAll(".pl-check")].indexOf(box);
      if (event.shiftKey && anchor !== null && row >= 0) {
        // one message with both ends and the state: widgets' own messages may arrive in another order
        const last = model.get("shift_click") || {};
        const on = !!(box.querySelector("input") || {}).checked;
        model.set("shift_click", { n: (last.n || 0) + 1, anchor, row, on });
        model.save_changes();
      }
      anchor = row;
    };
    const attach = () => {
      host = el.closest(".paperlens-explorer") || el.parentElement;
      if (!host || !el.isConnected) {
        host = null;
        if (tries++ < 400) timer = setTimeout(attach, 50);
        return;
      }
      if (!host.hasAttribute("tabindex")) host.setAttribute("tabindex", "-1");
      window.addEventListener("keydown", onKey, true);
      host.addEventListener("click", onClick);
    };
    attach();
    return () => {
      clearTimeout(timer);
      window.removeEventListener("keydown", onKey, true);
      if (host) host.removeEventListener("click", onClick);
    };
  },
};
"""


class KeyCatcher(anywidget.AnyWidget):
    """The element that turns key presses in the explorer into the ``keypress`` trait.

    Attributes
    ----------
    keypress : dict
        The last key pressed, ``{"key": "r", "n": 7}`` (``n`` counts the presses).
    shift_click : dict
        The last shift-click on a table row's tick box: ``{"n": count, "anchor": row, "row": row, "on": bool}``
        (rows of the page from 0; ``anchor`` is the box clicked before): the rows between get ``on``.
    hint : str
        The line it shows.
    """

    _esm = traitlets.Unicode(_ESM % {"keys": sorted(KEYS).__repr__()}).tag(sync=True)
    _css = traitlets.Unicode(
        ".pl-keys-hint {font-size:11px; color:#888; margin-bottom:4px;}"
        ".paperlens-explorer:focus {outline:none;}"
        ".paperlens-explorer:focus-within .pl-keys-hint {color:#1a4f8b;}"
    ).tag(sync=True)
    keypress = traitlets.Dict().tag(sync=True)
    shift_click = traitlets.Dict().tag(sync=True)
    hint = traitlets.Unicode(key_hint()).tag(sync=True)
