"""Chapter 04: the computational graph (计算图) of a small expression, drawn, and an explorer on it.

:func:`draw_graph` draws a :class:`dlnotes.autograd.Value` expression on a matplotlib Axes,
forward value and gradient in every box, with no graphviz needed; :func:`graph_explorer`
puts sliders on the chapter's example :func:`neuron_expression`.
"""

from __future__ import annotations

from dlnotes.autograd import Value, topological_order
from dlnotes.explorers.base import Explorer, checkbox, figure, register, slider
from dlnotes.explorers.blit import BlitExplorer, Blitter

__all__ = ["CHAIN_RULE", "GraphDrawing", "draw_graph", "graph_explorer", "neuron_expression"]


def neuron_expression(x=2.0, w=-1.5, b=1.0, t=1.0) -> Value:
    """The chapter's example: L = (sigmoid(w*x + b) - t)**2, every node labelled; returns L."""
    x, w, b, t = Value(x, label="x"), Value(w, label="w"), Value(b, label="b"), Value(t, label="t")
    wx = w * x
    wx.label = "w·x"
    a = wx + b
    a.label = "a"
    y = a.sigmoid()
    y.label = "y"
    d = y - t
    d.label = "y−t"
    L = d**2
    L.label = "L"
    return L


_BOX = dict(boxstyle="round,pad=0.35", fc="#eef4fb", ec="#4a78a8", lw=1.0)
_LEAF = dict(boxstyle="round,pad=0.35", fc="#fdf3e1", ec="#b7862f", lw=1.0)
_OP = dict(boxstyle="circle,pad=0.25", fc="white", ec="#555555", lw=1.0)


def _node_text(node, show_grad):
    name = node.label or "·"
    text = f"{name}\ndata {node.data:.3g}"
    if show_grad:
        text += f"\ngrad {node.grad:.3g}"
    return text


_COMPOSITES = ("neg", "−", "/")
"""The ops of :class:`Value`'s composite operations -a = a·(−1), a − b = a + (−b), a / b = a·b⁻¹:
the second input of each is a helper node that the drawing skips."""


def _visible(order):
    """The nodes worth drawing: all but the helpers that composites (a - b, a / b, -a) create."""
    helpers = {id(n._prev[1]) for n in order if n._op in _COMPOSITES and len(n._prev) == 2}
    return [n for n in order if id(n) not in helpers]


class GraphDrawing:
    """The artists of a drawn graph; :meth:`update` rewrites the numbers in place (no re-plotting)."""

    def __init__(self, ax, texts, nodes, show_grad, note, ops=()):
        self.ax, self.texts, self.nodes, self.show_grad, self.note = ax, texts, nodes, show_grad, note
        self.ops = list(ops)  # the operation badges, drawn over the left edge of their boxes

    def update(self, root: Value) -> None:
        """Show the data/grad of ``root``'s graph (same structure as when drawn) in the existing boxes."""
        nodes = _visible(topological_order(root))
        if len(nodes) != len(self.texts):
            raise ValueError("this expression has a different graph from the one drawn; call draw_graph again")
        for node, text in zip(nodes, self.texts):
            text.set_text(_node_text(node, self.show_grad))
        self.nodes = nodes


CHAIN_RULE = r"chain rule: $\partial L/\partial u = \partial L/\partial v \cdot \partial v/\partial u$ along every arrow u → v"


def draw_graph(root: Value, ax=None, *, show_grad=True, note=CHAIN_RULE) -> GraphDrawing:
    """Draw ``root``'s computational graph on ``ax``: inputs left, ``root`` right, one box per labelled node.

    Each box shows the node's forward value (data) and, if ``show_grad``, dL/dnode (grad);
    each operation is a circle between its inputs and its output. Returns the drawing,
    whose :meth:`GraphDrawing.update` refreshes the numbers in place.
    """
    if ax is None:
        _, ax = figure(figsize=(5.8, 2.7))
    nodes = _visible(topological_order(root))
    ids = {id(n) for n in nodes}

    def visible_inputs(node):
        """Nearest visible ancestors of ``node`` (skipping hidden helper nodes)."""
        out, stack = [], list(node._prev)
        while stack:
            c = stack.pop(0)
            if id(c) in ids:
                out.append(c)
            else:
                stack = list(c._prev) + stack
        return out

    inputs = {id(n): visible_inputs(n) for n in nodes}
    depth = {}
    for n in nodes:  # topological order: a node's inputs are placed before it
        depth[id(n)] = 1 + max((depth[id(c)] for c in inputs[id(n)]), default=-1)
    for n in nodes:  # an input leaf sits one column before its first consumer
        if not inputs[id(n)]:
            used_at = [depth[id(m)] for m in nodes if any(c is n for c in inputs[id(m)])]
            if used_at:
                depth[id(n)] = max(0, min(used_at) - 1)
    columns: dict[int, list] = {}
    for n in nodes:
        columns.setdefault(depth[id(n)], []).append(n)
    ncol = max(columns) + 1
    pos = {}
    for col, members in columns.items():
        for j, n in enumerate(members):
            pos[id(n)] = (col, (len(members) - 1) / 2.0 - j)

    ax.set_xlim(-0.6, ncol - 0.4)
    ymax = max(len(m) for m in columns.values()) / 2.0 + 0.3
    ax.set_ylim(-ymax, ymax)
    ax.set_axis_off()
    texts, ops = [], []
    for n in nodes:
        x, y = pos[id(n)]
        style = _LEAF if not inputs[id(n)] else _BOX
        # zorder 3: a box covers the arrows it touches; its operation badge (zorder 4) sits on its corner
        texts.append(ax.text(x, y, _node_text(n, show_grad), ha="center", va="center", fontsize=9, bbox=style, zorder=3))
        if inputs[id(n)]:
            ox, oy = x - 0.37, y + 0.22  # the operation sits on the top-left corner of the box it computes
            op = {"sigmoid": "σ", "**2": "x²", "exp": "eˣ"}.get(n._op, n._op or "f")
            style = _OP if len(op) <= 2 else dict(_OP, boxstyle="round,pad=0.2")
            ops.append(ax.text(ox, oy, op, ha="center", va="center", fontsize=9, bbox=style, zorder=4))
            for c in inputs[id(n)]:
                cx, cy = pos[id(c)]
                ax.annotate("", xy=(ox - 0.06, oy), xytext=(cx + 0.25, cy),
                            arrowprops=dict(arrowstyle="->", color="#888888", shrinkA=2, shrinkB=2), zorder=1)
    if note:
        ax.text(0.5, -0.02, note, transform=ax.transAxes, ha="center", va="top", fontsize=9)
    return GraphDrawing(ax, texts, nodes, show_grad, note, ops)


@register
def graph_explorer() -> Explorer:
    """Sliders for x, w, b and the target t of L = (sigmoid(w x + b) - t)^2; the graph shows every data and grad."""
    fig, ax = figure(figsize=(5.8, 2.7))
    drawing = draw_graph(neuron_expression(), ax)

    def update(x, w, b, t, backward):
        L = neuron_expression(x, w, b, t)
        if backward:
            L.backward()
        drawing.show_grad = True
        drawing.update(L)
        if not backward:
            for text in drawing.texts:  # grads are still 0: the backward pass has not run
                text.set_text(text.get_text().rsplit("\n", 1)[0] + "\ngrad ?")
        leaves = {n.label: n.grad for n in drawing.nodes if n.label in ("x", "w", "b")}
        if not backward:
            return f"forward pass only: L = {L.data:.4g}. Tick 'backward pass' to send gradients back."
        return "  ".join(f"∂L/∂{k} = {v:.4g}" for k, v in leaves.items()) + f"   (L = {L.data:.4g})"

    controls = {
        "x": slider("input x", -3, 3, 0.1, 2.0),
        "w": slider("weight w", -3, 3, 0.1, -1.5),
        "b": slider("bias b", -3, 3, 0.1, 1.0),
        "t": slider("target t", 0, 1, 0.05, 1.0),
        "backward": checkbox("backward pass", True),
    }
    # Only the boxes' numbers change: draw arrows and circles once, blit the boxes.
    return BlitExplorer(update, controls, fig, blitter=Blitter(fig, drawing.texts + drawing.ops), title="L = (sigmoid(w·x + b) − t)²")
