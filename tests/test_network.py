"""Chapter 04: the numpy MLP — whole-network gradient checks, evaluation, training on toy data."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.data import make_toy
from dlnotes.functions import numerical_gradient, relative_error
from dlnotes.layers import Affine, Identity, InputFeatures, MSELoss, ReLU, Sigmoid, SoftmaxWithLoss, Tanh
from dlnotes.network import MLP, Sequential, one_hidden_layer_fit, two_layer_forward, two_layer_gradients
from dlnotes.optimizers import SGD, Adam
from dlnotes.training import train

tf = pytest.importorskip("tensorflow")

TOL = 1e-7
NUM_FLOOR = 1e-3  # see tests/test_layers.py: entries below this are compared by absolute error / 1e-3
TF_ACT = {ReLU: tf.nn.relu, Sigmoid: tf.sigmoid, Tanh: tf.tanh, Identity: tf.identity}


def tape_gradients(net: Sequential, x, t):
    """The same network rebuilt in TensorFlow on identical weights: loss and dL/dparam by GradientTape."""
    from test_layers import TF_FEATURES

    variables = {k: tf.Variable(v, dtype=tf.float64) for k, v in net.params.items()}
    K = net.layers[[i for i, layer in enumerate(net.layers) if isinstance(layer, Affine)][-1]].W.shape[1]
    with tf.GradientTape() as tape:
        h = tf.constant(x.reshape(len(x), -1), dtype=tf.float64)
        for i, layer in enumerate(net.layers):
            if isinstance(layer, Affine):
                h = h @ variables[f"L{i}.W"] + variables[f"L{i}.b"]
            elif isinstance(layer, InputFeatures):
                h = tf.stack([TF_FEATURES[f](h[:, 0], h[:, 1]) for f in layer.features], axis=1)
            else:
                h = TF_ACT[type(layer)](h)
        if isinstance(net.loss_layer, MSELoss):
            loss = 0.5 * tf.reduce_sum((h - t.reshape(len(x), K)) ** 2) / len(x)
        else:
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=np.eye(K)[t], logits=h))
        weights = [v for k, v in variables.items() if k.endswith(".W")]
        loss += 0.5 * net.l2 * sum(tf.reduce_sum(v**2) for v in weights)
        loss += net.l1 * sum(tf.reduce_sum(tf.abs(v)) for v in weights)
    grads = tape.gradient(loss, variables)
    return float(loss), {k: g.numpy() for k, g in grads.items()}


def _problem(seed, n_hidden, activation, l2):
    rng = np.random.default_rng(seed)
    D, K, N = 3, 3, 6
    hidden = list(rng.integers(2, 6, size=n_hidden))
    net = MLP(D, hidden, K, activation=activation, l2=l2, weight_init="glorot_normal", seed=seed)
    for p in net.params.values():  # non-zero biases so every path is exercised
        p += 0.1 * rng.normal(size=p.shape)
    return net, rng.normal(size=(N, D)), rng.integers(0, K, size=N)


@pytest.mark.parametrize("n_hidden", [0, 1, 2, 3])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
def test_mlp_gradient_matches_numerical_gradient(n_hidden, activation):
    net, x, t = _problem(10 * n_hidden + len(activation), n_hidden, activation, l2=0.1)
    grads = {k: g.copy() for k, g in net.gradient(x, t).items()}
    for key, p in net.params.items():
        num = numerical_gradient(lambda _: net.loss(x, t), p)
        err = relative_error(grads[key], num, NUM_FLOOR)
        assert err < TOL, f"{key}: relative error {err:.2e} between backprop and numerical gradient"


@pytest.mark.parametrize("n_hidden", [0, 1, 2, 3])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "identity"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_mlp_gradient_matches_gradient_tape_on_identical_weights(n_hidden, activation, l2):
    net, x, t = _problem(7 + n_hidden, n_hidden, activation, l2=l2)
    grads = net.gradient(x, t)
    tf_loss, tf_grads = tape_gradients(net, x, t)
    assert abs(net.loss(x, t) - tf_loss) < 1e-12
    assert set(grads) == set(tf_grads) == set(net.params)
    for key in grads:
        assert relative_error(grads[key], tf_grads[key]) < TOL, key


@pytest.mark.parametrize("features", [None, ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(pi*x1)", "sin(pi*x2)")])
@pytest.mark.parametrize("loss", ["softmax", "mse"])
@pytest.mark.parametrize("l1", [0.0, 0.2])
def test_l1_features_and_squared_error_match_numerical_gradient_and_tape(features, loss, l1):
    rng = np.random.default_rng(3)
    K = 3 if loss == "softmax" else 1
    net = MLP(2, [4, 3], K, activation="tanh", l2=0.1, l1=l1, features=features, loss=loss, seed=5)
    for p in net.params.values():
        p += 0.1 * rng.normal(size=p.shape)
        p[np.abs(p) < 1e-3] = 0.01  # |W| is not differentiable at 0: keep the central difference off it
    x = rng.uniform(-1, 1, size=(6, 2))
    t = rng.integers(0, K, size=6) if loss == "softmax" else rng.normal(size=6)
    grads = {k: g.copy() for k, g in net.gradient(x, t).items()}
    tf_loss, tf_grads = tape_gradients(net, x, t)
    assert abs(net.loss(x, t) - tf_loss) < 1e-12
    for key, p in net.params.items():
        num = numerical_gradient(lambda _: net.loss(x, t), p)
        assert relative_error(grads[key], num, NUM_FLOOR) < TOL, f"{key}: backprop vs numerical"
        assert relative_error(grads[key], tf_grads[key]) < TOL, f"{key}: backprop vs GradientTape"


def test_l1_penalty_is_lambda_times_sum_of_absolute_weights_and_sits_beside_l2():
    net = MLP(2, [4], 3, l1=0.3, l2=0.2, seed=1)
    Ws = [net.params["L0.W"], net.params["L2.W"]]
    expected = 0.3 * sum(np.abs(W).sum() for W in Ws) + 0.1 * sum((W**2).sum() for W in Ws)
    assert net.penalty() == pytest.approx(expected)


def test_proximal_step_is_soft_thresholding_the_minimiser_of_the_l1_prox_problem():
    net = MLP(2, [5], 2, l1=0.5, l1_proximal=True, seed=2)
    before = {k: v.copy() for k, v in net.params.items()}
    step = 0.3
    net.proximal_step(step)
    for key, w in before.items():
        if not key.endswith(".W"):
            assert np.array_equal(net.params[key], w), "biases are not penalised"
            continue
        # prox of step*l1*|z| at w: argmin_z 0.5 (z - w)^2 + step * l1 * |z|, by brute force on a fine grid
        z = np.linspace(-3, 3, 600001)
        brute = np.array([z[np.argmin(0.5 * (z - wi) ** 2 + step * 0.5 * np.abs(z))] for wi in w.ravel()])
        np.testing.assert_allclose(net.params[key].ravel(), brute, atol=1e-5)
        assert np.all(net.params[key][np.abs(w) <= step * 0.5] == 0.0)
    plain = MLP(2, [5], 2, l1=0.5, seed=2)
    w0 = plain.params["L0.W"].copy()
    plain.proximal_step(step)
    assert np.array_equal(plain.params["L0.W"], w0), "without l1_proximal the step does nothing"


def test_proximal_l1_gives_exact_zeros_where_subgradient_l1_only_hovers_near_zero():
    data = make_toy("circle", n=200, seed=0)
    counts = {}
    for proximal in (False, True):
        net = MLP(2, [8, 8], 2, activation="tanh", l1=0.01, l1_proximal=proximal, seed=0)
        train(net, data, SGD(0.1), epochs=20, batch_size=10)
        W = np.concatenate([w.ravel() for w in net._weights()])
        counts[proximal] = (int(np.sum(W == 0.0)), int(np.sum(np.abs(W) < 2e-3)))
    assert counts[False][0] == 0 < counts[False][1], f"subgradient: none exactly 0, some near it {counts}"
    assert counts[True][0] >= counts[False][1] // 2 > 0, f"proximal: exact zeros {counts}"


def test_regression_mlp_learns_the_plane_and_reports_no_accuracy():
    data = make_toy("plane", n=200, noise=0.0, seed=0)
    net = MLP(2, [], 1, loss="mse", seed=0)
    hist = train(net, data, Adam(0.05), epochs=40, batch_size=10)
    assert hist["test_loss"][-1] < 1e-3, hist["test_loss"][-1]
    assert np.isnan(hist["test_acc"][-1]), "regression has no accuracy"


def test_features_let_a_network_without_hidden_layers_separate_the_circle():
    data = make_toy("circle", n=200, seed=0)
    acc = {}
    for features in (("x1", "x2"), ("x1", "x2", "x1^2", "x2^2")):
        net = MLP(2, [], 2, features=features, seed=0)
        acc[features] = train(net, data, SGD(0.3), epochs=40, batch_size=10)["test_acc"][-1]
    assert acc[("x1", "x2")] < 0.75 < 0.95 < acc[("x1", "x2", "x1^2", "x2^2")], acc


def test_params_are_the_layers_own_arrays_so_an_optimizer_trains_the_layers():
    net = MLP(2, [3], 2, seed=0)
    before = net.layers[0].W.copy()
    x, t = np.ones((4, 2)), np.array([0, 1, 0, 1])
    SGD(0.5).update(net.params, net.gradient(x, t))
    assert net.params["L0.W"] is net.layers[0].W
    assert not np.allclose(net.layers[0].W, before), "the update must reach the layer"
    assert set(net.params) == {"L0.W", "L0.b", "L2.W", "L2.b"}


def test_l2_penalty_is_half_lambda_times_sum_of_squared_weights():
    net = MLP(2, [4], 3, l2=0.2, seed=1)
    x, t = np.random.default_rng(0).normal(size=(5, 2)), np.array([0, 1, 2, 1, 0])
    data = SoftmaxWithLoss().forward(net.predict(x), t)
    squares = np.sum(net.layers[0].W ** 2) + np.sum(net.layers[2].W ** 2)
    assert net.loss(x, t) == pytest.approx(data + 0.1 * squares, rel=1e-12)


def test_accuracy_accepts_labels_or_one_hot():
    net = MLP(2, [], 2, seed=0)
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    pred = np.argmax(net.predict(x), axis=1)
    assert net.accuracy(x, pred) == 1.0
    assert net.accuracy(x, np.eye(2)[pred]) == 1.0
    assert net.accuracy(x, 1 - pred) == 0.0


def test_mlp_rejects_bad_settings_with_clear_messages():
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [3], 2, activation="swish")
    with pytest.raises(ValueError, match=r"hidden_sizes\[0\] must be an integer at least 1"):
        MLP(2, [0], 2)
    with pytest.raises(TypeError, match="hidden_sizes must be a list of layer widths"):
        MLP(2, 5, 2)
    with pytest.raises(ValueError, match="weight_init"):
        MLP(2, [3], 2, weight_init="orthogonal")
    with pytest.raises(ValueError, match="l2"):
        MLP(2, [3], 2, l2=-1)


def test_accuracy_in_batches_equals_whole_batch_accuracy():
    rng = np.random.default_rng(5)
    net = MLP(4, [6], 3, seed=2)
    x, t = rng.normal(size=(23, 4)), rng.integers(0, 3, size=23)
    assert net.accuracy(x, t, batch_size=5) == net.accuracy(x, t)
    assert net.evaluate(x, t, batch_size=7) == pytest.approx(net.evaluate(x, t), rel=1e-12)
    with pytest.raises(ValueError, match="same length"):
        net.accuracy(x, t[:-1])


def test_mlp_is_seeded():
    a, b = MLP(2, [5, 5], 3, seed=4), MLP(2, [5, 5], 3, seed=4)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)


# --- it learns --------------------------------------------------------------------------------
def _epochs_to_reach(name, classes, target, max_epochs=300):
    """Train a 2-32-32-K ReLU MLP with SGD until training accuracy >= target; returns (epochs, best accuracy)."""
    data = make_toy(name, n=300, noise=0.1, test_ratio=0.0, seed=0)
    net = MLP(2, [32, 32], classes, activation="relu", seed=0)
    hist = train(net, data, SGD(0.3), epochs=max_epochs, batch_size=32, seed=0,
                 callback=lambda epoch, h: h["train_acc"][-1] >= target)
    return hist["epoch"][-1], max(hist["train_acc"])


def test_mlp_reaches_97_percent_on_the_two_class_spiral():
    epochs, acc = _epochs_to_reach("spiral", 2, 0.97)
    assert acc >= 0.97, f"2-class spiral: best training accuracy {acc:.3f} in {epochs} epochs (~10 steps each)"


def test_mlp_reaches_90_percent_on_the_three_class_spiral():
    epochs, acc = _epochs_to_reach("spiral3", 3, 0.90)
    assert acc >= 0.90, f"3-class spiral: best training accuracy {acc:.3f} in {epochs} epochs (~10 steps each)"


def test_mlp_separates_xor_and_a_linear_model_cannot():
    data = make_toy("xor", n=200, noise=0.05, test_ratio=0.5, seed=0)
    net = MLP(2, [8], 2, activation="tanh", seed=0)
    hist = train(net, data, SGD(0.5), epochs=150, batch_size=16, seed=0)
    assert hist["train_acc"][-1] >= 0.97 and hist["test_acc"][-1] >= 0.9, hist["test_acc"][-1]
    linear = MLP(2, [], 2, seed=0)
    hist = train(linear, data, SGD(0.5), epochs=150, batch_size=16, seed=0)
    assert hist["train_acc"][-1] < 0.75, "no straight line separates XOR"


def test_two_layer_backprop_matches_numerical_gradient_and_tape():
    from dlnotes.data import seed_points

    x, labels = seed_points()
    t = labels.reshape(-1, 1).astype(float)
    rng = np.random.default_rng(3)
    params = {"W1": rng.uniform(-1, 1, (2, 4)), "b1": rng.normal(size=4),
              "W2": rng.uniform(-1, 1, (4, 1)), "b2": rng.normal(size=1)}
    loss, grads = two_layer_gradients(params, x, t)
    z1, y = two_layer_forward(params, x)
    assert z1.shape == (8, 4) and y.shape == (8, 1)
    assert np.isclose(loss, 0.5 * np.sum((y - t) ** 2))
    for key, value in params.items():
        numeric = numerical_gradient(lambda _: two_layer_gradients(params, x, t)[0], value)
        assert relative_error(grads[key], numeric) < 1e-7, f"d loss / d {key} disagrees with the numerical gradient"
    tp = {k: tf.Variable(v) for k, v in params.items()}
    with tf.GradientTape() as tape:
        h = tf.sigmoid(tf.constant(x) @ tp["W1"] + tp["b1"])
        tf_loss = 0.5 * tf.reduce_sum((tf.sigmoid(h @ tp["W2"] + tp["b2"]) - t) ** 2)
    tf_grads = tape.gradient(tf_loss, tp)
    assert np.isclose(loss, float(tf_loss), rtol=1e-12)
    for key in params:
        assert relative_error(grads[key], tf_grads[key].numpy()) < 1e-7, f"d loss / d {key} disagrees with the tape"


def test_one_hidden_layer_approximates_better_with_more_units():
    x = np.linspace(-3, 3, 400)
    target = lambda v: np.sin(3 * v) + 0.3 * v**2
    errors = [np.max(np.abs(one_hidden_layer_fit(target, h, x) - target(x))) for h in (4, 16, 64)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 0.01


def test_one_hidden_layer_fit_names_bad_arguments():
    with pytest.raises(ValueError, match="hidden"):
        one_hidden_layer_fit(np.sin, 0, np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="1 axis"):
        one_hidden_layer_fit(np.sin, 3, np.zeros((2, 2)))
