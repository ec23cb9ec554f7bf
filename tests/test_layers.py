"""Chapter 04: every layer's backward pass matches a numerical gradient and tf.GradientTape."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlnotes.functions import numerical_gradient, relative_error, softmax
from dlnotes.layers import Affine, Identity, Layer, ReLU, Sigmoid, SoftmaxWithLoss, Tanh

tf = pytest.importorskip("tensorflow")

TOL = 1e-7
NUM_FLOOR = 1e-3
"""Entries smaller than this are compared by absolute error / NUM_FLOOR: a central difference
carries ~1e-11 of round-off, which would swamp the *relative* error of a 1e-6 gradient entry."""
ACTIVATIONS = {"relu": (ReLU, tf.nn.relu), "sigmoid": (Sigmoid, tf.sigmoid), "tanh": (Tanh, tf.tanh), "identity": (Identity, tf.identity)}


def _away_from_kinks(x, eps=1e-3):
    """Move entries off 0 so a central difference never straddles ReLU's kink."""
    return np.where(np.abs(x) < eps, eps * np.sign(x + 1e-300) + eps, x)


def _tape_grads(fn, *arrays):
    """Gradients of the scalar fn(*tensors) with respect to each float64 array, via tf.GradientTape."""
    vs = [tf.Variable(a, dtype=tf.float64) for a in arrays]
    with tf.GradientTape() as tape:
        out = fn(*vs)
    return [g.numpy() for g in tape.gradient(out, vs)]


# --- Affine ---------------------------------------------------------------------------------
@pytest.mark.parametrize("x_shape", [(5, 3), (4, 2, 3), (2, 3, 2, 2), (1, 7)])
def test_affine_backward_matches_numerical_gradient(x_shape):
    rng = np.random.default_rng(sum(x_shape))
    D, M = int(np.prod(x_shape[1:])), 4
    x, W, b = rng.normal(size=x_shape), rng.normal(size=(D, M)), rng.normal(size=M)
    dout = rng.normal(size=(x_shape[0], M))
    layer = Affine(W, b)
    layer.forward(x)
    dx = layer.backward(dout)
    assert dx.shape == x.shape, "dx must have the shape of the input, not of the flattened input"

    def f(_):
        return np.sum(Affine(W, b).forward(x) * dout)

    assert relative_error(dx, numerical_gradient(f, x), NUM_FLOOR) < TOL
    assert relative_error(layer.grads["W"], numerical_gradient(f, W), NUM_FLOOR) < TOL
    assert relative_error(layer.grads["b"], numerical_gradient(f, b), NUM_FLOOR) < TOL


@pytest.mark.parametrize("seed", range(4))
def test_affine_backward_matches_gradient_tape_on_random_shapes(seed):
    rng = np.random.default_rng(seed)
    N, M = rng.integers(1, 6, size=2)
    x_shape = (N, *rng.integers(1, 4, size=rng.integers(1, 4)))
    D = int(np.prod(x_shape[1:]))
    x, W, b = rng.normal(size=x_shape), rng.normal(size=(D, M)), rng.normal(size=M)
    dout = rng.normal(size=(N, M))
    layer = Affine(W, b)
    layer.forward(x)
    dx = layer.backward(dout)
    tx, tW, tb = _tape_grads(lambda x_, W_, b_: tf.reduce_sum((tf.reshape(x_, (N, -1)) @ W_ + b_) * dout), x, W, b)
    assert relative_error(dx, tx) < TOL
    assert relative_error(layer.grads["W"], tW) < TOL
    assert relative_error(layer.grads["b"], tb) < TOL


def test_affine_params_are_the_arrays_it_computes_with():
    W, b = np.ones((2, 3)), np.zeros(3)
    layer = Affine(W, b)
    layer.params["W"] -= 1.0  # what an optimiser does
    assert np.all(layer.forward(np.ones((1, 2))) == 0.0), "in-place updates of params must change the layer"
    assert layer.params["W"] is W and layer.W is W


def test_affine_rejects_wrong_input_width_with_a_clear_message():
    layer = Affine(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="expects 3 features"):
        layer.forward(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="bias"):
        Affine(np.zeros((3, 2)), np.zeros(3))


def test_backward_before_forward_says_so():
    with pytest.raises(RuntimeError, match="before forward"):
        ReLU().backward(np.ones(3))


# --- activations ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", [(6,), (3, 4), (2, 3, 2)])
def test_activation_backward_matches_numerical_gradient_and_tape(name, shape):
    cls, tf_fn = ACTIVATIONS[name]
    rng = np.random.default_rng(len(shape))
    x = _away_from_kinks(rng.normal(size=shape))  # unsaturated: the difference quotient stays accurate
    dout = rng.normal(size=shape)
    layer = cls()
    y = layer.forward(x)
    dx = layer.backward(dout)
    assert y.shape == x.shape and dx.shape == x.shape
    assert layer.params == {} and layer.grads == {}
    num = numerical_gradient(lambda _: np.sum(cls().forward(x) * dout), x)
    (tape,) = _tape_grads(lambda x_: tf.reduce_sum(tf_fn(x_) * dout), x)
    assert relative_error(dx, num, NUM_FLOOR) < TOL, f"{name}: analytic vs numerical"
    assert relative_error(dx, tape) < TOL, f"{name}: analytic vs GradientTape"
    assert relative_error(y, tf_fn(tf.constant(x)).numpy()) < 1e-12


def test_relu_backward_is_a_switch():
    layer = ReLU()
    layer.forward(np.array([-2.0, 0.0, 3.0]))
    assert np.array_equal(layer.backward(np.array([5.0, 5.0, 5.0])), [0.0, 0.0, 5.0])


@pytest.mark.parametrize("cls", [Sigmoid, Tanh, ReLU])
def test_activations_are_stable_for_extreme_inputs(cls):
    x = np.array([-1e5, -800.0, -1.0, 0.0, 1.0, 800.0, 1e5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = cls()
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(x))
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


def test_sigmoid_caches_only_its_output():
    layer = Sigmoid()
    layer.forward(np.zeros(3))
    cached = {k: v for k, v in vars(layer).items() if isinstance(v, np.ndarray)}
    assert list(cached) == ["_y"], f"Sigmoid should cache y only, caches {list(cached)}"


# --- softmax with loss --------------------------------------------------------------------------
@pytest.mark.parametrize("N,K", [(1, 2), (5, 3), (8, 10)])
@pytest.mark.parametrize("one_hot_targets", [False, True])
def test_softmax_with_loss_backward_matches_numerical_gradient_and_tape(N, K, one_hot_targets):
    rng = np.random.default_rng(N * K)
    a = rng.normal(scale=3.0, size=(N, K))
    labels = rng.integers(0, K, size=N)
    t = np.eye(K)[labels] if one_hot_targets else labels
    layer = SoftmaxWithLoss()
    loss = layer.forward(a, t)
    da = layer.backward()
    num = numerical_gradient(lambda _: SoftmaxWithLoss().forward(a, t), a)
    (tape,) = _tape_grads(
        lambda a_: tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=np.eye(K)[labels], logits=a_)), a
    )
    tf_loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=np.eye(K)[labels], logits=a)).numpy()
    assert abs(loss - tf_loss) < 1e-12
    assert relative_error(da, num, NUM_FLOOR) < TOL
    assert relative_error(da, tape) < TOL
    assert np.allclose(da, (softmax(a) - np.eye(K)[labels]) / N)


def test_softmax_with_loss_scales_its_gradient_by_dout():
    layer = SoftmaxWithLoss()
    a = np.array([[1.0, 2.0, 0.5]])
    layer.forward(a, np.array([2]))
    assert np.allclose(layer.backward(3.0), 3.0 * layer.backward(1.0))


def test_softmax_with_loss_is_stable_for_extreme_logits():
    a = np.array([[1e4, -1e4, 0.0], [-1e5, 1e5, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer = SoftmaxWithLoss()
        right = layer.forward(a, np.array([0, 1]))
        d_right = layer.backward()
        wrong = SoftmaxWithLoss().forward(a, np.array([1, 0]))
    assert right == pytest.approx(0.0, abs=1e-12)
    assert np.isfinite(wrong) and wrong == pytest.approx((2e4 + 2e5) / 2)
    assert np.all(np.isfinite(d_right))


def test_softmax_with_loss_rejects_bad_targets_clearly():
    layer = SoftmaxWithLoss()
    with pytest.raises(ValueError, match="0..2"):
        layer.forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="one-hot"):
        layer.forward(np.zeros((2, 3)), np.zeros((2, 4)))
    with pytest.raises(TypeError, match="targets"):
        layer.forward(np.zeros((2, 3)))


def test_every_layer_shares_the_interface():
    for layer in [Affine(np.zeros((2, 2)), np.zeros(2)), ReLU(), Sigmoid(), Tanh(), Identity()]:
        assert isinstance(layer, Layer)
        assert set(layer.params) == set(layer.grads)
