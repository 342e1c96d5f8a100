"""A graph picture as a widget whose node clicks reach Python: the explorer's graph pane.

The graph page (:func:`paperlens.display.vis.document`) lives in a sandboxed ``<iframe srcdoc>``, so a
click inside it never reaches the kernel by itself. :class:`GraphWidget` is a small `anywidget
<https://anywidget.dev>`_ (as :class:`~paperlens.display.explorer_keys.KeyCatcher` is) that puts the page
into its own iframe and relays through ``window.postMessage``, both ways:

* a click on a node: the page (drawn with ``relay=True``) posts ``{type: "paperlens-node", id}`` to its
  parent; the widget's script accepts it only from *its* iframe (``event.source``) and with that type tag,
  and sets the ``selected_id`` trait;
* ``selected_id`` set from Python (the explorer links it to its selected paper): the script posts
  ``{type: "paperlens-select", id}`` into the iframe, whose page rings that node *in place* (no redraw),
  selects it, opens its card and pans to it when it is out of view. An id that is not drawn rings nothing.

Python ignores an id from the front end that is not one of the nodes drawn (:attr:`GraphWidget.node_ids`)
and puts the front end back on its value. The page itself is built, escaped and offline exactly as a
saved graph is (the standalone page, :meth:`GraphView.save`, posts nothing). The frame is ``height`` tall
(a CSS length, default 72 % of the window between 420 and 900 pixels); the page takes the frame's whole
height, and the graph is fitted to the drawing area's real size once drawn and whenever the frame is
resized (until the reader zooms or pans).

Examples
--------
>>> import paperlens as pl
>>> widget = GraphWidget()
>>> widget.show(pl.load_sample().graph("citation", color_by=None))
>>> len(widget.node_ids), '"relay":true' in widget.doc
(69, True)
>>> widget.selected_id = "2203.05482"  # rings that node in the browser
>>> widget.set_state({"selected_id": "not drawn"})  # as the front end would send it: ignored
>>> widget.selected_id
'2203.05482'
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from . import vis

if TYPE_CHECKING:
    from .graphview import GraphView

__all__ = ["NODE_MESSAGE", "SELECT_MESSAGE", "GraphWidget"]

#: The type tag of the message the page posts on a node click (``{type, id}``).
NODE_MESSAGE = "paperlens-node"
#: The type tag of the message the widget posts into the page to ring a node (``{type, id}``).
SELECT_MESSAGE = "paperlens-select"
#: The page says it has drawn (and asks for the current selection).
READY_MESSAGE = "paperlens-ready"

_ESM = """
const NODE = %(node)s, SELECT = %(select)s, READY = %(ready)s;
export default {
  render({ model, el }) {
    el.classList.add("paperlens-graph", "pl-graph-widget");
    const frame = document.createElement("iframe");
    frame.setAttribute("sandbox", %(sandbox)s);
    frame.setAttribute("loading", "eager");
    frame.className = "pl-graph-frame";
    el.appendChild(frame);
    const send = () => {
      const id = model.get("selected_id") || "";
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: SELECT, id }, "*");
    };
    const load = () => {
      frame.setAttribute("title", model.get("title") || "graph");
      frame.srcdoc = model.get("doc") || "";
    };
    const size = () => { frame.style.height = model.get("height") || "520px"; };
    // Only messages from this widget's own frame, with our type tag and a string id, are heard.
    const onMessage = (event) => {
      if (!frame.contentWindow || event.source !== frame.contentWindow) return;
      const message = event.data;
      if (!message || typeof message !== "object") return;
      if (message.type === READY) { send(); return; }
      if (message.type !== NODE || typeof message.id !== "string" || !message.id) return;
      if (message.id === model.get("selected_id")) return;
      model.set("selected_id", message.id);
      model.save_changes();
    };
    window.addEventListener("message", onMessage);
    model.on("change:doc", load);
    model.on("change:title", load);
    model.on("change:height", size);
    model.on("change:selected_id", send);
    size();
    load();
    return () => {
      window.removeEventListener("message", onMessage);
      model.off("change:doc", load);
      model.off("change:title", load);
      model.off("change:height", size);
      model.off("change:selected_id", send);
    };
  },
};
"""


def _js(value: str) -> str:
    """A JavaScript string literal."""
    return json.dumps(value)


class GraphWidget(anywidget.AnyWidget):
    """A vis-network graph page in an iframe, with ``selected_id`` synced both ways (see the module).

    Attributes
    ----------
    doc : str
        The page drawn (``vis.document(scene, relay=True)``; set it with :meth:`show`).
    selected_id : str
        The paper ringed in the graph (``""``: none). A node click sets it; setting it rings the node in
        place. From the front end, only ids of drawn nodes are taken.
    height : str
        The frame's CSS height (default ``"clamp(420px, 72vh, 900px)"``: most of the window, within bounds).
    title : str
        The frame's accessible title.
    node_ids : tuple of str
        The paper ids drawn (Python only).
    """

    _esm = traitlets.Unicode(
        _ESM
        % {
            "node": _js(NODE_MESSAGE),
            "select": _js(SELECT_MESSAGE),
            "ready": _js(READY_MESSAGE),
            "sandbox": _js(vis.SANDBOX),
        }
    ).tag(sync=True)
    _css = traitlets.Unicode(
        ".pl-graph-widget {width:100%;}"
        ".pl-graph-widget iframe.pl-graph-frame {display:block; width:100%; box-sizing:border-box;"
        " border:1px solid #ddd; border-radius:3px;}"
    ).tag(sync=True)
    doc = traitlets.Unicode("").tag(sync=True)
    selected_id = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Unicode("clamp(420px, 72vh, 900px)").tag(sync=True)
    title = traitlets.Unicode("graph").tag(sync=True)
    node_ids = traitlets.Tuple()

    def __init__(self, *, resolve: Callable[[str], str] | None = None, **kwargs: Any) -> None:
        #: Turns a ``selected_id`` set from Python into the paper's id, or raises (the explorer passes its
        #: corpus's look-up, so an unknown id is refused before the trait changes, not half-applied).
        self.resolve = resolve
        super().__init__(**kwargs)

    @traitlets.validate("selected_id")
    def _validate_selected_id(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        resolve = getattr(self, "resolve", None)
        return resolve(value) if value and resolve is not None else value

    def show(self, view: GraphView) -> None:
        """Draw ``view`` (a :class:`~paperlens.display.graphview.GraphView`): its page, relaying clicks."""
        scene = view.scene
        with self.hold_sync():
            self.node_ids = tuple(str(node) for node in scene.ids)
            self.title = scene.title
            self.doc = vis.document(scene, relay=True)

    def clear(self) -> None:
        """Draw nothing."""
        with self.hold_sync():
            self.node_ids = ()
            self.doc = ""

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Take a state from the front end; a ``selected_id`` that is not a drawn node is ignored."""
        sync_data = dict(sync_data)
        refused = "selected_id" in sync_data and sync_data["selected_id"] not in self.node_ids
        if refused:
            del sync_data["selected_id"]
        if sync_data:
            super().set_state(sync_data)
        if refused:
            self.send_state("selected_id")  # the front end goes back to the kernel's value
