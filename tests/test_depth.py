"""Depth: linear layers collapse without activations; signals and gradients through a deep chain [02, 05]."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.depth import chain_backward, chain_gradients, collapse_linear, forward_linear, layer_statistics, verdict
from dlnotes.functions import ACTIVATIONS, leaky_relu, d_leaky_relu, numerical_gradient, relative_error, relu
from dlnotes.initializers import initialize


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
    loss, _, grads = chain_backward(x, weights, activation)
    for layer in range(3):
        def f(w, layer=layer):
            ws = list(weights)
            ws[layer] = w
            return chain_backward(x, ws, activation).loss

        numeric = numerical_gradient(f, weights[layer].copy())
        assert relative_error(grads[layer], numeric) < 1e-7, layer

    act = {"sigmoid": tf.sigmoid, "tanh": tf.tanh, "relu": tf.nn.relu,
           "leaky_relu": lambda z: tf.nn.leaky_relu(z, alpha=0.01)}[activation]
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


def test_layer_statistics_shapes():
    acts, grads = layer_statistics("he_normal", "relu", 3, width=20, n=50)
    assert [a.shape for a in acts] == [(50, 20)] * 3 and [g.shape for g in grads] == [(20, 20)] * 3


def test_layer_statistics_gradient_matches_numerical_gradient():
    for act in ("sigmoid", "tanh", "relu"):
        acts, grads = layer_statistics("glorot_normal", act, 2, width=4, n=6, seed=3)
        rng = np.random.default_rng(3)  # replay the same draws as layer_statistics
        x = rng.normal(size=(6, 4))
        Ws = [initialize("glorot_normal", (4, 4), rng) for _ in range(2)]
        dout = rng.normal(size=(6, 4)) / 6
        f = ACTIVATIONS[act][0]

        def loss(_):
            return np.sum(f(f(x @ Ws[0]) @ Ws[1]) * dout)

        assert relative_error(grads[0], numerical_gradient(loss, Ws[0])) < 1e-6, act
        assert relative_error(grads[1], numerical_gradient(loss, Ws[1])) < 1e-6, act


def test_he_init_keeps_relu_activations_alive_while_small_random_normal_shrinks_them():
    he, _ = layer_statistics("he_normal", "relu", 8)
    small, _ = layer_statistics("random_normal", "relu", 8)
    assert 0.5 < he[-1].std() / he[0].std() < 2.0
    assert small[-1].std() / small[0].std() < 1e-2


def test_sigmoid_with_small_weights_makes_every_sample_look_alike_and_zeros_init_is_symmetric():
    acts, _ = layer_statistics("random_normal", "sigmoid", 5)
    assert np.all(np.abs(acts[-1] - 0.5) < 0.25), "small weights keep sigmoid near its middle"
    assert acts[-1].std(axis=0).max() < 0.01, "by layer 5 each unit outputs nearly the same value for every input"
    zeros, grads = layer_statistics("zeros", "tanh", 3)
    assert np.all(zeros[-1] == 0) and np.all(grads[-1] == 0), "all-zero weights: every unit computes the same thing"


def test_chain_backward_takes_an_activation_pair_and_an_upstream_gradient():
    rng = np.random.default_rng(4)
    x, weights, upstream = rng.normal(size=(3, 4)), [rng.normal(size=(4, 4)) for _ in range(2)], rng.normal(size=(3, 4))
    pair = (lambda z: leaky_relu(z, 0.1), lambda z: d_leaky_relu(z, 0.1))
    result = chain_backward(x, weights, pair, upstream)
    f = pair[0]
    assert result.loss == pytest.approx(np.sum(upstream * f(f(x @ weights[0]) @ weights[1])), rel=1e-12)
    numeric = numerical_gradient(lambda w: np.sum(upstream * f(f(x @ w) @ weights[1])), weights[0].copy())
    assert relative_error(result.grads[0], numeric) < 1e-7
    assert [a.shape for a in result.activations] == [(3, 4), (3, 4)]


def test_deep_chain_names_the_bad_argument():
    with pytest.raises(ValueError, match=r"chain_gradients: activation must be one of \[.*'relu'.*\], got 'swish'"):
        chain_gradients(3, "swish")
    with pytest.raises(ValueError, match="'lecun'"):
        layer_statistics("lecun", "relu", 3)
    with pytest.raises(TypeError, match=r"chain_backward: activation must be a name of ACTIVATIONS or an \(f, f'\) pair"):
        chain_backward(np.ones((1, 2)), [np.eye(2)], 3)
    with pytest.raises(ValueError, match=r"chain_backward: weights\[1\]"):
        chain_backward(np.ones((1, 2)), [np.eye(2), np.ones((3, 3))])
    with pytest.raises(ValueError, match="upstream"):
        chain_backward(np.ones((1, 2)), [np.eye(2)], upstream=np.ones((2, 2)))
    with pytest.raises(ValueError, match="chain_gradients: depth must be an integer at least 1, got 0"):
        chain_gradients(0)


def test_verdict_names_vanishing_and_exploding_ratios():
    assert [verdict(r) for r in (1e-6, 0.5, 2.0, 1e6)] == ["vanishing", "reaches", "reaches", "exploding"]
