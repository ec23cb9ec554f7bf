"""Chapter 02: linear layers collapse without activations; gradients vanish through sigmoids; explorers."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.activations import (
    activation_explorer,
    chain_backward,
    chain_gradients,
    collapse_linear,
    forward_linear,
    vanishing_gradient_explorer,
)
from dlnotes.functions import numerical_gradient, relative_error, relu


def _layers(sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]


def test_stacked_linear_layers_collapse_into_one():
    layers = _layers([3, 5, 4, 2])
    x = np.random.default_rng(1).normal(size=(7, 3))
    w, b = collapse_linear(layers)
    assert w.shape == (3, 2) and b.shape == (2,)
    assert np.allclose(forward_linear(x, layers), x @ w + b)


def test_a_relu_between_layers_breaks_the_collapse():
    layers = _layers([3, 5, 2])
    x = np.random.default_rng(2).normal(size=(50, 3))
    w, b = collapse_linear(layers)
    (w1, b1), (w2, b2) = layers
    with_relu = relu(x @ w1 + b1) @ w2 + b2
    assert not np.allclose(with_relu, x @ w + b)


def test_collapse_rejects_mismatched_layers():
    with pytest.raises(ValueError, match="layer 1"):
        collapse_linear([(np.zeros((3, 4)), np.zeros(4)), (np.zeros((5, 2)), np.zeros(2))])


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_chain_backward_matches_numerical_gradient_and_tape(activation):
    tf = pytest.importorskip("tensorflow")
    # Seed 21: no pre-activation lies within h of ReLU's kink and no gradient entry cancels to
    # almost 0 (where an element-wise relative error would only measure rounding noise).
    rng = np.random.default_rng(21)
    x = rng.uniform(0.5, 1.5, size=(2, 4))
    weights = [rng.normal(size=(4, 4)) for _ in range(3)]
    loss, grads = chain_backward(x, weights, activation)
    for layer in range(3):
        def f(w, layer=layer):
            ws = list(weights)
            ws[layer] = w
            return chain_backward(x, ws, activation)[0]

        numeric = numerical_gradient(f, weights[layer].copy())
        assert relative_error(grads[layer], numeric) < 1e-7, layer

    act = {"sigmoid": tf.sigmoid, "tanh": tf.tanh, "relu": tf.nn.relu,
           "leaky_relu": lambda z: tf.nn.leaky_relu(z, alpha=0.1)}[activation]
    ws = [tf.Variable(w) for w in weights]
    with tf.GradientTape() as tape:
        h = tf.constant(x)
        for w in ws:
            h = act(h @ w)
        out = tf.reduce_sum(h) / x.shape[0]
    assert np.isclose(out.numpy(), loss, rtol=1e-12)
    for g, tg in zip(grads, tape.gradient(out, ws)):
        assert relative_error(g, tg.numpy()) < 1e-7


def test_gradients_vanish_through_sigmoid_but_not_relu_with_he_init():
    sig = chain_gradients(20, "sigmoid", "glorot_normal")
    rel = chain_gradients(20, "relu", "he_normal")
    assert sig[0] / sig[-1] < 1e-6, "the sigmoid chain's first layer should get almost no gradient"
    assert 1e-2 < rel[0] / rel[-1] < 1e2, "the ReLU chain should pass the gradient through"
    assert np.all(np.isfinite(sig)) and np.all(np.isfinite(rel))


def test_chain_gradients_are_seeded():
    assert np.array_equal(chain_gradients(5, "tanh"), chain_gradients(5, "tanh"))
    with pytest.raises(ValueError, match="depth"):
        chain_gradients(0)


# --- explorers -------------------------------------------------------------------------------
def test_activation_explorer_explains_kinks_and_saturation():
    e = activation_explorer()
    e.set(function="relu", x0=0.0)
    assert "undefined" in e.status
    e.set(function="sigmoid", x0=5.0)
    assert "saturated" in e.status


def test_vanishing_gradient_explorer_names_what_happens():
    e = vanishing_gradient_explorer()
    e.set(activation="sigmoid", init="glorot_normal", depth=30)
    assert "vanishing" in e.status
    e.set(activation="relu", init="he_normal")
    assert "reaches" in e.status
