"""A scalar autograd engine (自动微分) in the spirit of micrograd.

Each :class:`Value` holds ``data`` (its forward value) and ``grad`` (dL/dself), remembers
the values it was computed from (``_prev``), the operation (``_op``) and a small
``_backward`` that applies its local derivative — the chain rule (链式法则), one node at a
time. :meth:`Value.backward` visits the graph in reverse topological order (拓扑排序).

Chapter 04 draws these graphs with :func:`dlnotes.explorers.backprop.draw_graph`.
"""

from __future__ import annotations

import math

__all__ = ["Value", "topological_order"]

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
        out = self * Value(-1.0)
        out._op = "neg"
        return out

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        out = self + (-_wrap(other))
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
        out = self * other**-1
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
