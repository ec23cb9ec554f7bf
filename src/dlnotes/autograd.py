"""A scalar autograd engine (自动微分) in the spirit of micrograd, and a computational-graph (计算图) drawing.

Each :class:`Value` remembers the values it was computed from and a small ``_backward``
that applies its local derivative — the chain rule (链式法则), one node at a time.
:meth:`Value.backward` visits the graph in reverse topological order (拓扑排序).

:func:`draw_graph` draws a small expression on a matplotlib Axes, forward value and
gradient in every box, with no graphviz needed; :func:`graph_explorer` puts sliders on it.
"""

from __future__ import annotations

import math

from dlnotes.blit import BlitExplorer, Blitter
from dlnotes.explorer import Explorer, checkbox, figure, register, slider

__all__ = ["GraphDrawing", "Value", "draw_graph", "graph_explorer", "neuron_expression", "topological_order"]

_EXP_MAX = 709.0  # math.exp overflows just above this


class Value:
    """A scalar that records how it was computed: ``data`` (forward value) and ``grad`` (dL/dself)."""

    def __init__(self, data, _children=(), _op="", label=""):
        if isinstance(data, Value):
            raise TypeError("Value(data) takes a number, not another Value")
        try:
            self.data = float(data)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Value needs a real number, got {type(data).__name__}") from exc
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
        self._hidden = False  # helper nodes made by composites (a - b, a / b) are not drawn

    # -- the operations, each with its local backward rule --------------------------------
    def __add__(self, other):
        other = _wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # add node: passes the upstream gradient to both inputs unchanged
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # multiply node: upstream gradient times the *other* input ("swapped")
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        if isinstance(k, Value) or not isinstance(k, (int, float)):
            raise TypeError("Value ** k supports a constant int/float exponent k only")
        if self.data == 0 and k < 1:
            raise ValueError(f"0 ** {k} has no finite derivative")
        if self.data < 0 and not float(k).is_integer():
            raise ValueError(f"a negative number to the power {k} is not real")
        out = Value(self.data**k, (self,), f"**{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        """e^self; raises a clear ValueError instead of overflowing."""
        if self.data > _EXP_MAX:
            raise ValueError(f"exp({self.data:g}) overflows a float; keep inputs below {_EXP_MAX:g}")
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        """Natural log of a positive Value."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive input, got {self.data:g}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        """tanh(self); local derivative 1 - tanh^2."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        """1 / (1 + e^-self), overflow-free; local derivative s (1 - s)."""
        z = math.exp(-abs(self.data))
        s = 1.0 / (1.0 + z) if self.data >= 0 else z / (1.0 + z)
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        """max(0, self); local derivative 1 where self > 0, else 0."""
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    # -- composites: built from the operations above -----------------------------------------
    def __neg__(self):
        out = self * _hide(Value(-1.0))  # the constant -1 is not drawn
        out._op = "neg"
        return out

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        out = self + _hide(-_wrap(other))
        out._op = "−"
        return out

    def __rsub__(self, other):
        return _wrap(other) - self

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = _wrap(other)
        if other.data == 0:
            raise ZeroDivisionError("division of a Value by zero")
        out = self * _hide(other**-1)
        out._op = "/"
        return out

    def __rtruediv__(self, other):
        return _wrap(other) / self

    # -- backward pass ---------------------------------------------------------------------------
    def backward(self):
        """Fill ``grad`` of every node below: d self / d node, by the chain rule in reverse topological order."""
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"


def _hide(v: Value) -> Value:
    """Mark a helper node made inside a composite operation, so drawings skip it."""
    v._hidden = True
    return v


def _wrap(x) -> Value:
    return x if isinstance(x, Value) else Value(x)


def topological_order(root: Value) -> list:
    """Every node that ``root`` depends on, each after its inputs (root last)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:  # iterative depth-first search: deep graphs do not hit the recursion limit
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node._prev) if id(child) not in seen)
    return order


def neuron_expression(x=2.0, w=-1.5, b=1.0, t=1.0) -> Value:
    """The chapter's example: L = (sigmoid(w*x + b) - t)**2, every node labelled; returns L."""
    x, w, b, t = Value(x, label="x"), Value(w, label="w"), Value(b, label="b"), Value(t, label="t")
    wx = w * x
    wx.label = "w·x"
    z = wx + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "y"
    d = y - t
    d.label = "y−t"
    L = d**2
    L.label = "L"
    return L


# --- drawing -------------------------------------------------------------------------------------
_BOX = dict(boxstyle="round,pad=0.35", fc="#eef4fb", ec="#4a78a8", lw=1.0)
_LEAF = dict(boxstyle="round,pad=0.35", fc="#fdf3e1", ec="#b7862f", lw=1.0)
_OP = dict(boxstyle="circle,pad=0.25", fc="white", ec="#555555", lw=1.0)


def _node_text(node, show_grad):
    name = node.label or "·"
    text = f"{name}\ndata {node.data:.4g}"
    if show_grad:
        text += f"\ngrad {node.grad:.4g}"
    return text


def _visible(order):
    """The nodes worth drawing: all but the helpers that composites (a - b, a / b, -a) create."""
    return [n for n in order if not n._hidden]


class GraphDrawing:
    """The artists of a drawn graph; :meth:`update` rewrites the numbers in place (no re-plotting)."""

    def __init__(self, ax, texts, nodes, show_grad, note):
        self.ax, self.texts, self.nodes, self.show_grad, self.note = ax, texts, nodes, show_grad, note

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
        _, ax = figure(figsize=(8.0, 3.6))
    order = topological_order(root)
    nodes = _visible(order)
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
    texts = []
    for n in nodes:
        x, y = pos[id(n)]
        style = _LEAF if not inputs[id(n)] else _BOX
        # zorder 4: a wide box covers the arrow and operation circle it touches (the explorer blits the boxes on top)
        texts.append(ax.text(x, y, _node_text(n, show_grad), ha="center", va="center", fontsize=8, bbox=style, zorder=4))
        if inputs[id(n)]:
            ox = x - 0.55
            op = {"sigmoid": "σ", "**2": "x²", "exp": "eˣ"}.get(n._op, n._op or "f")
            style = _OP if len(op) <= 2 else dict(_OP, boxstyle="round,pad=0.2")
            ax.text(ox, y, op, ha="center", va="center", fontsize=8, bbox=style, zorder=3)
            ax.annotate("", xy=(x - 0.33, y), xytext=(ox + 0.1, y), arrowprops=dict(arrowstyle="->", color="#555555"))
            for c in inputs[id(n)]:
                cx, cy = pos[id(c)]
                ax.annotate("", xy=(ox - 0.1, y), xytext=(cx + 0.25, cy),
                            arrowprops=dict(arrowstyle="->", color="#888888", shrinkA=2, shrinkB=2), zorder=1)
    if note:
        ax.text(0.5, -0.02, note, transform=ax.transAxes, ha="center", va="top", fontsize=8)
    return GraphDrawing(ax, texts, nodes, show_grad, note)


@register
def graph_explorer() -> Explorer:
    """Sliders for x, w, b and the target t of L = (sigmoid(w x + b) - t)^2; the graph shows every data and grad."""
    fig, ax = figure(figsize=(8.0, 3.4))
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
    return BlitExplorer(update, controls, fig, blitter=Blitter(fig, drawing.texts), title="L = (sigmoid(w·x + b) − t)²")
