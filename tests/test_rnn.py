"""Chapter 11: recurrent cells in numpy, backpropagation through time, and the gradient through time.

Every cell's forward pass equals the Keras layer of the same name, and its hand-written
backward pass (BPTT) agrees with a numerical gradient and with ``tf.GradientTape`` in float64.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.functions import numerical_gradient, relative_error
from dlnotes.rnn import CELLS, GRU, LSTM, SimpleRNN, gradient_through_time, recurrent_layer

N, T, D, H = 3, 5, 4, 6


def _setup(cell, seed=1):
    """A cell with random (non-default) weights, a batch x, initial states and an upstream gradient G."""
    rng = np.random.default_rng(seed)
    layer = recurrent_layer(cell, D, H, keep_bias=0.5, seed=seed)
    for value in layer.params.values():
        value += 0.2 * rng.normal(size=value.shape)  # move off the initialiser's zeros and symmetries
    x = rng.normal(size=(N, T, D))
    states = [rng.normal(size=(N, H)) for _ in range(layer.n_states)]
    initial = states[0] if layer.n_states == 1 else tuple(states)
    G = rng.normal(size=(N, T, H))  # L = sum(hs * G): any upstream gradient at every step
    return layer, x, states, initial, G


def _keras_layer(cell, layer):
    import keras

    k = getattr(keras.layers, cell)(H, return_sequences=True, dtype="float64")
    k.build((N, T, D))
    k.set_weights(layer.keras_weights())
    return k


@pytest.mark.parametrize("cell", list(CELLS))
def test_forward_equals_the_keras_layer_of_the_same_name(cell):
    layer, x, states, initial, _ = _setup(cell)
    keras_hs = _keras_layer(cell, layer)(x, initial_state=states)
    assert relative_error(layer.forward(x, initial_state=initial), np.asarray(keras_hs)) < 1e-12


@pytest.mark.parametrize("cell", list(CELLS))
def test_bptt_matches_the_numerical_gradient(cell):
    layer, x, _, initial, G = _setup(cell)
    layer.forward(x, initial_state=initial)
    dx = layer.backward(G)
    grads = {k: g.copy() for k, g in layer.grads.items()}

    def loss(_):
        return np.sum(layer.forward(x, initial_state=initial) * G)

    for name, param in layer.params.items():
        err = relative_error(grads[name], numerical_gradient(loss, param))
        assert err < 1e-7, f"{cell}: dL/d{name} differs from the numerical gradient (relative error {err:.1e})"
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7, f"{cell}: dL/dx is wrong"


@pytest.mark.parametrize("cell", list(CELLS))
def test_bptt_matches_gradient_tape_in_float64(cell):
    import tensorflow as tf

    layer, x, states, initial, G = _setup(cell)
    layer.forward(x, initial_state=initial)
    dx = layer.backward(G)
    ours = [dx, *(layer.grads[k] for k in ("Wx", "Wh", "b")),
            *([layer.dstate0] if layer.n_states == 1 else layer.dstate0)]
    k = _keras_layer(cell, layer)
    tx, ts = tf.Variable(x), [tf.Variable(s) for s in states]
    with tf.GradientTape() as tape:
        L = tf.reduce_sum(k(tx, initial_state=ts) * G)
    tape_grads = tape.gradient(L, [tx, *k.trainable_weights, *ts])
    names = ["x", "Wx", "Wh", "b"] + [f"state0[{i}]" for i in range(len(ts))]
    for name, a, b in zip(names, ours, tape_grads):
        err = relative_error(a, b.numpy())
        assert err < 1e-7, f"{cell}: dL/d{name} differs from GradientTape (relative error {err:.1e})"


def test_weights_are_shared_through_time():
    layer = recurrent_layer("SimpleRNN", D, H)
    sizes = {k: v.shape for k, v in layer.params.items()}
    rng = np.random.default_rng(0)
    for steps in (1, 7, 50):
        assert layer.forward(rng.normal(size=(2, steps, D))).shape == (2, steps, H)
    assert {k: v.shape for k, v in layer.params.items()} == sizes, "the parameters do not depend on T"


def test_each_hidden_state_depends_only_on_the_past():
    layer = recurrent_layer("SimpleRNN", D, H, seed=1)
    x = np.random.default_rng(0).normal(size=(1, 6, D))
    later = x.copy()
    later[:, 3] += 1.0  # change step 4 only
    a, b = layer.forward(x), layer.forward(later)
    assert np.array_equal(a[:, :3], b[:, :3]), "h_1..h_3 cannot see step 4"
    assert not np.allclose(a[:, 3:], b[:, 3:]), "h_4 and later carry step 4 forward"


def test_the_simple_cell_is_one_line_of_math():
    rng = np.random.default_rng(2)
    Wx, Wh, b = rng.normal(size=(D, H)), rng.normal(size=(H, H)) * 0.3, rng.normal(size=H)
    x = rng.normal(size=(2, 3, D))
    h = np.zeros((2, H))
    for t in range(3):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
    assert np.allclose(SimpleRNN(Wx, Wh, b).forward(x)[:, -1], h)


def test_keras_default_initialisers():
    layer = recurrent_layer("LSTM", D, H)
    Wh = layer.params["Wh"]
    assert np.allclose(Wh @ Wh.T, np.eye(H)), "orthogonal recurrent kernel: rows of length 1, at right angles"
    assert np.all(layer.params["b"][H:2 * H] == 1.0) and np.all(np.delete(layer.params["b"], np.s_[H:2 * H]) == 0)
    gru = recurrent_layer("GRU", D, H, keep_bias=3.0)
    assert gru.params["b"].shape == (2, 3 * H) and np.all(gru.params["b"][0, :H] == 3.0)
    assert np.allclose(np.linalg.svd(recurrent_layer("SimpleRNN", D, H, recurrent_scale=1.5).params["Wh"])[1], 1.5)


def test_simple_rnn_gradient_vanishes_with_small_recurrent_weights_and_explodes_with_large():
    small = gradient_through_time("SimpleRNN", 40, recurrent_scale=0.5)
    large = gradient_through_time("SimpleRNN", 40, recurrent_scale=2.0)
    assert small[0] / small[-1] < 1e-8, "scale 0.5: the gradient reaching step 1 vanishes"
    assert large[0] / large[-1] > 1e2, "scale 2 with small inputs: the gradient grows going back"


def test_an_open_keep_gate_carries_the_gradient_back():
    for cell in ("LSTM", "GRU"):
        closed = gradient_through_time(cell, 40, keep_bias=-1.0)
        open_ = gradient_through_time(cell, 40, keep_bias=5.0)
        assert closed[0] / closed[-1] < 1e-8, f"{cell} with its keep gate nearly shut forgets"
        assert open_[0] / open_[-1] > 1e-2, f"{cell} with its keep gate open keeps the gradient"


def test_every_end_at_once_equals_one_run_per_length():
    table = gradient_through_time("GRU", 12, keep_bias=2.0, every_end=True)
    assert table.shape == (12, 12) and np.all(np.triu(table, 1) == 0), "nothing reaches the steps after the loss"
    for steps in (1, 5, 12):
        assert np.allclose(table[steps - 1, :steps], gradient_through_time("GRU", steps, keep_bias=2.0))


@pytest.mark.parametrize("cls,shapes,match", [
    (SimpleRNN, [(4, 6), (6, 5), (6,)], r"SimpleRNN: Wh must be of shape \(H, 1H\).*got shape \(6, 5\)"),
    (LSTM, [(4, 24), (6, 24), (6,)], r"LSTM: b must be of shape \(24,\), got shape \(6,\)"),
    (GRU, [(4, 12), (6, 18), (2, 18)], r"GRU: Wx must be of shape \(any, 18\), got shape \(4, 12\)"),
])
def test_weights_of_the_wrong_shape_are_named(cls, shapes, match):
    with pytest.raises(ValueError, match=match):
        cls(*(np.zeros(s) for s in shapes))


def test_bad_inputs_get_clear_errors():
    layer = recurrent_layer("LSTM", D, H)
    with pytest.raises(RuntimeError, match="LSTM.backward called before forward"):
        layer.backward(np.zeros((1, 2, H)))
    with pytest.raises(ValueError, match=r"LSTM.forward: x must be of shape \(N, T, 4\), got shape \(2, 4\)"):
        layer.forward(np.zeros((2, D)))
    with pytest.raises(TypeError, match=r"initial_state must be a pair \(h0, c0\)"):
        layer.forward(np.zeros((2, 3, D)), initial_state=np.zeros((2, H)))
    with pytest.raises(ValueError, match=r"initial_state\[1\] must be of shape \(2, 6\)"):
        layer.forward(np.zeros((2, 3, D)), initial_state=(np.zeros((2, H)), np.zeros((3, H))))
    with pytest.raises(TypeError, match="x must be an array of real numbers"):
        layer.forward("abc")
    layer.forward(np.zeros((2, 3, D)))
    with pytest.raises(ValueError, match=r"LSTM.backward: dout must be of shape \(2, 3, 6\), got shape \(2, 3, 4\)"):
        layer.backward(np.zeros((2, 3, D)))
    with pytest.raises(ValueError, match="recurrent_layer: cell must be one of"):
        recurrent_layer("RNN", D, H)
    with pytest.raises(ValueError, match="gradient_through_time: steps must be an integer at least 1"):
        gradient_through_time("LSTM", 0)
