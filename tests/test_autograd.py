"""Chapter 04: the scalar autograd engine agrees with tf.GradientTape."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlnotes.autograd import Value, topological_order
from dlnotes.explorers.backprop import neuron_expression
from dlnotes.functions import relative_error

tf = pytest.importorskip("tensorflow")

TOL = 1e-7


def _expression(a, b, c, ops):
    """One expression using every operation; ``ops`` is the module (Value methods or tf)."""
    if ops == "value":
        exp, tanh, relu, sig = (lambda v: v.exp()), (lambda v: v.tanh()), (lambda v: v.relu()), (lambda v: v.sigmoid())
    else:
        exp, tanh, relu, sig = tf.exp, tf.tanh, tf.nn.relu, tf.sigmoid
    d = a * b + c
    e = (d - a) / (1.0 + c * c)
    f = tanh(e) * 2.0 + relu(d) - sig(a * 3.0)
    g = exp(b * 0.5) + f**2 + (-c) + 1.0 / (2.0 + b * b) - 3.0 * f
    return g * g / 4.0


@pytest.mark.parametrize("seed", range(6))
def test_value_gradients_match_gradient_tape(seed):
    rng = np.random.default_rng(seed)
    a0, b0, c0 = rng.normal(scale=1.5, size=3)
    a, b, c = Value(a0), Value(b0), Value(c0)
    out = _expression(a, b, c, "value")
    out.backward()
    ta, tb, tc = (tf.Variable(v, dtype=tf.float64) for v in (a0, b0, c0))
    with tf.GradientTape() as tape:
        tout = _expression(ta, tb, tc, "tf")
    grads = tape.gradient(tout, [ta, tb, tc])
    assert abs(out.data - float(tout)) < 1e-12 * max(1.0, abs(out.data))
    assert relative_error([a.grad, b.grad, c.grad], [g.numpy() for g in grads]) < TOL


def test_add_node_passes_gradient_and_multiply_node_swaps_inputs():
    x, y = Value(3.0), Value(-4.0)
    z = x * y + x
    z.backward()
    assert x.grad == -4.0 + 1.0 and y.grad == 3.0


def test_a_value_used_twice_accumulates_its_gradient():
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert x.grad == 2 * 3.0 + 1.0


def test_backward_twice_gives_the_same_gradients():
    L = neuron_expression()
    L.backward()
    first = [n.grad for n in topological_order(L)]
    L.backward()
    assert [n.grad for n in topological_order(L)] == first


def test_neuron_expression_matches_hand_derivation():
    x, w, b, t = 2.0, -1.5, 1.0, 1.0
    L = neuron_expression(x, w, b, t)
    L.backward()
    s = 1 / (1 + math.exp(-(w * x + b)))
    dz = 2 * (s - t) * s * (1 - s)
    grads = {n.label: n.grad for n in topological_order(L) if n.label}
    assert L.data == pytest.approx((s - t) ** 2, rel=1e-14)
    assert grads["w"] == pytest.approx(dz * x, rel=1e-12)
    assert grads["x"] == pytest.approx(dz * w, rel=1e-12)
    assert grads["b"] == pytest.approx(dz, rel=1e-12)


def test_sigmoid_and_tanh_are_stable_for_extreme_values():
    for v in (-1e4, 1e4):
        for node in (Value(v).sigmoid(), Value(v).tanh()):
            node.backward()
            assert math.isfinite(node.data)


def test_bad_operations_raise_clear_errors():
    with pytest.raises(ValueError, match="overflow"):
        Value(1000.0).exp()
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0.0
    with pytest.raises(TypeError, match="constant"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()


def test_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0


def test_a_value_is_data_grad_inputs_op_label_and_a_local_backward():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = a * b
    assert (c.data, c.grad, c._prev, c._op, c.label) == (6.0, 0.0, (a, b), "*", "")
    c.grad = 1.0
    c._backward()
    assert (a.grad, b.grad) == (3.0, 2.0)
