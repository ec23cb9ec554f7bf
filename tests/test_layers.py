"""Every layer's backward pass matches a numerical gradient and tf.GradientTape (chapters 04 and 05; conv layers: test_conv.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlnotes.functions import numerical_gradient, relative_error, softmax
from dlnotes.layers import (INPUT_FEATURES, Affine, BatchNorm, Dropout, Identity, InputFeatures, Layer, MSELoss, ReLU,
                            Sigmoid, SoftmaxWithLoss, Tanh)

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
    with pytest.raises(ValueError, match=r"x must be a batch \(N, ...\) with 3 features per sample, got shape \(4, 5\)"):
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


# --- the playground's input features and squared-error loss ------------------------------------
TF_FEATURES = {
    "x1": lambda a, b: a, "x2": lambda a, b: b, "x1^2": lambda a, b: a * a, "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b, "sin(pi*x1)": lambda a, b: tf.sin(np.pi * a),
    "sin(pi*x2)": lambda a, b: tf.sin(np.pi * b),
}


@pytest.mark.parametrize("features", [tuple(INPUT_FEATURES), ("x1^2", "x2^2"), ("sin(pi*x2)", "x1*x2", "x1")])
def test_input_features_backward_matches_numerical_gradient_and_tape(features):
    assert set(TF_FEATURES) == set(INPUT_FEATURES)
    rng = np.random.default_rng(len(features))
    x, dout = rng.uniform(-1, 1, size=(6, 2)), rng.normal(size=(6, len(features)))
    layer = InputFeatures(features)
    y = layer.forward(x)
    dx = layer.backward(dout)
    assert y.shape == (6, len(features)) and dx.shape == x.shape and layer.params == {}
    num = numerical_gradient(lambda _: np.sum(InputFeatures(features).forward(x) * dout), x)
    (tape,) = _tape_grads(lambda x_: tf.reduce_sum(
        tf.stack([TF_FEATURES[f](x_[:, 0], x_[:, 1]) for f in features], axis=1) * dout), x)
    assert relative_error(dx, num, NUM_FLOOR) < TOL, "analytic vs numerical"
    assert relative_error(dx, tape) < TOL, "analytic vs GradientTape"
    ty = tf.stack([TF_FEATURES[f](tf.constant(x[:, 0]), tf.constant(x[:, 1])) for f in features], axis=1)
    assert relative_error(y, ty.numpy()) < 1e-12


def test_input_features_make_the_circle_linear():
    x = np.array([[0.3, 0.4], [-0.6, 0.8], [0.0, -1.0]])
    y = InputFeatures(["x1^2", "x2^2"]).forward(x)
    np.testing.assert_allclose(y.sum(axis=1), [0.25, 1.0, 1.0])  # r² = x1² + x2²: one weighted sum


def test_input_features_reject_bad_names_and_shapes():
    with pytest.raises(ValueError, match=r"features\[1\] must be one of"):
        InputFeatures(["x1", "x3"])
    with pytest.raises(TypeError, match="features must be a list"):
        InputFeatures("x1")
    with pytest.raises(ValueError, match="must not repeat"):
        InputFeatures(["x1", "x1"])
    with pytest.raises(ValueError, match=r"x must be points of shape \(N, 2\), got shape \(4, 3\)"):
        InputFeatures().forward(np.zeros((4, 3)))


@pytest.mark.parametrize("K", [1, 3])
def test_mse_loss_backward_matches_numerical_gradient_and_tape(K):
    rng = np.random.default_rng(K)
    x, t = rng.normal(size=(5, K)), rng.normal(size=(5, K))
    layer = MSELoss()
    loss = layer.forward(x, t)
    dx = layer.backward(1.0)
    num = numerical_gradient(lambda _: MSELoss().forward(x, t), x)
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        tl = 0.5 * tf.reduce_sum((xt - t) ** 2) / 5
    assert abs(loss - float(tl)) < 1e-12
    assert relative_error(dx, num, NUM_FLOOR) < TOL
    assert relative_error(dx, tape.gradient(tl, xt).numpy()) < TOL
    if K == 1:
        assert MSELoss().forward(x, t[:, 0]) == pytest.approx(loss), "one output: targets (N,) are fine"


def test_mse_loss_rejects_bad_targets_clearly():
    with pytest.raises(ValueError, match=r"t must be .*shape \(3, 2\)"):
        MSELoss().forward(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(TypeError, match="targets"):
        MSELoss().forward(np.zeros((3, 1)))


def test_every_layer_shares_the_interface():
    for layer in [Affine(np.zeros((2, 2)), np.zeros(2)), ReLU(), Sigmoid(), Tanh(), Identity(), InputFeatures(),
                  MSELoss()]:
        assert isinstance(layer, Layer)
        assert set(layer.params) == set(layer.grads)


# --- batch normalization -------------------------------------------------------------------
def _bn_setup(shape=(6, 4), seed=0):
    rng = np.random.default_rng(seed)
    bn = BatchNorm(shape[1])
    bn.params["gamma"][:] = rng.uniform(0.5, 2.0, size=shape[1])
    bn.params["beta"][:] = rng.normal(size=shape[1])
    x = rng.normal(1.0, 3.0, size=shape)
    r = rng.normal(size=shape)  # loss = sum(y * r), so dL/dy = r
    return bn, x, r


@pytest.mark.parametrize("shape, train", [((6, 4), True), ((5, 3, 2, 2), True), ((6, 4), False), ((5, 3, 2, 2), False)])
def test_batchnorm_backward_matches_numerical_gradient(shape, train):
    bn, x, r = _bn_setup(shape)
    for _ in range(3):  # running statistics that differ from this batch's (used when train=False)
        bn.forward(x + 0.1, train=True)
    bn.forward(x, train=train)
    dx = bn.backward(r)
    grads = {k: v.copy() for k, v in bn.grads.items()}

    def loss(_):
        return np.sum(bn.forward(x, train=train) * r)

    assert relative_error(dx, numerical_gradient(loss, x), NUM_FLOOR) < TOL
    for name in ("gamma", "beta"):
        num = numerical_gradient(loss, bn.params[name])
        assert relative_error(grads[name], num, NUM_FLOOR) < TOL, f"d{name} is wrong"


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_backward_matches_tf_gradient_tape(train):
    bn, x, r = _bn_setup((8, 5), seed=3)
    bn.forward(x + 0.5, train=True)
    bn.forward(x, train=train)
    dx = bn.backward(r)
    xt = tf.Variable(x)
    gt = tf.Variable(bn.params["gamma"])
    bt = tf.Variable(bn.params["beta"])
    with tf.GradientTape() as tape:
        mean, var = tf.nn.moments(xt, axes=[0]) if train else (bn.running_mean, bn.running_var)
        y = gt * (xt - mean) / tf.sqrt(var + bn.epsilon) + bt
        loss = tf.reduce_sum(y * r)
    tdx, tdg, tdb = tape.gradient(loss, [xt, gt, bt])
    assert relative_error(dx, tdx.numpy()) < TOL
    assert relative_error(bn.grads["gamma"], tdg.numpy()) < TOL
    assert relative_error(bn.grads["beta"], tdb.numpy()) < TOL


def test_batchnorm_matches_keras_batchnormalization_in_both_modes():
    import keras

    rng = np.random.default_rng(1)
    ours = BatchNorm(3, momentum=0.9, epsilon=1e-3)
    theirs = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3, dtype="float64")
    for _ in range(4):
        xb = rng.normal(2.0, 5.0, size=(16, 3))
        y_ours = ours.forward(xb, train=True)
        y_keras = np.asarray(theirs(xb, training=True))
        assert relative_error(y_ours, y_keras) < 1e-6, "training-mode output differs from Keras"
    assert relative_error(ours.running_mean, np.asarray(theirs.moving_mean)) < 1e-6
    assert relative_error(ours.running_var, np.asarray(theirs.moving_variance)) < 1e-6
    xt = rng.normal(size=(7, 3))
    assert relative_error(ours.forward(xt, train=False), np.asarray(theirs(xt, training=False))) < 1e-6


def test_batchnorm_training_output_has_zero_mean_unit_variance():
    bn, x, _ = _bn_setup((200, 3))
    bn.params["gamma"][:] = 1.0
    bn.params["beta"][:] = 0.0
    y = bn.forward(x * 1e3 + 5e3, train=True)
    assert np.allclose(y.mean(axis=0), 0.0, atol=1e-9)
    assert np.allclose(y.std(axis=0), 1.0, atol=1e-3)


def test_batchnorm_on_a_batch_of_one_outputs_beta_without_warnings():
    bn = BatchNorm(3)
    bn.params["beta"][:] = [1.0, 2.0, 3.0]
    with np.errstate(all="raise"):
        y = bn.forward(np.array([[5.0, -1.0, 0.5]]), train=True)
        dx = bn.backward(np.ones((1, 3)))
    assert np.allclose(y, [[1.0, 2.0, 3.0]]) and np.allclose(dx, 0.0)


def test_batchnorm_bad_inputs_are_clear_errors():
    bn = BatchNorm(4)
    with pytest.raises(ValueError, match=r"\(N, 4"):
        bn.forward(np.zeros((3, 5)))
    with pytest.raises(RuntimeError, match="before forward"):
        BatchNorm(2).backward(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(0)


def test_network_with_batchnorm_and_dropout_matches_numerical_gradient():
    from dlnotes.network import MLP

    net = MLP(3, [5, 4], 2, activation="tanh", batchnorm=True, dropout=0.3, seed=2)
    for layer in net.layers:
        if isinstance(layer, Dropout):
            layer.fixed_mask = True
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    grads = {k: v.copy() for k, v in net.gradient(x, t).items()}
    for key, p in net.params.items():
        num = numerical_gradient(lambda _: net.loss(x, t, train=True), p)
        if np.max(np.abs(num)) < 1e-8:  # a bias just before batch norm: the mean subtraction cancels it
            assert np.max(np.abs(grads[key])) < 1e-12, f"{key} should get no gradient through batch norm"
        else:
            assert relative_error(grads[key], num, NUM_FLOOR) < TOL, f"gradient of {key} is wrong"


# --- dropout --------------------------------------------------------------------------------
def test_dropout_backward_with_fixed_mask_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    drop = Dropout(0.4, seed=1, fixed_mask=True)
    x, r = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    drop.forward(x)
    dx = drop.backward(r)
    num = numerical_gradient(lambda _: np.sum(drop.forward(x) * r), x)
    assert relative_error(dx, num) < 1e-8
    assert 0 < drop.mask.sum() < drop.mask.size, "a 0.4 dropout on 30 units should drop some, keep some"


def test_dropout_backward_matches_tf_gradient_tape():
    rng = np.random.default_rng(2)
    drop = Dropout(0.5, seed=3)
    x, r = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    drop.forward(x)
    dx = drop.backward(r)
    mask = tf.constant(drop.mask.astype(np.float64))
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(xt * mask / (1 - 0.5) * r)
    assert relative_error(dx, tape.gradient(loss, xt).numpy()) < 1e-12


def test_dropout_preserves_the_expected_activation():
    x = np.full((1000, 1000), 2.0)
    for rate in (0.1, 0.5, 0.8):
        y = Dropout(rate, seed=0).forward(x, train=True)
        kept = np.mean(y != 0)
        assert abs(kept - (1 - rate)) < 5e-3, f"rate {rate}: kept {kept:.3f} of units"
        assert abs(y.mean() - 2.0) < 0.02, f"rate {rate}: mean activation {y.mean():.4f}, expected 2"
        assert np.allclose(y[y != 0], 2.0 / (1 - rate)), "kept units are scaled by 1 / (1 - rate)"


def test_dropout_is_the_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(3, 7))
    drop = Dropout(0.9, seed=0)
    assert np.array_equal(drop.forward(x, train=False), x)
    assert np.array_equal(drop.backward(np.ones_like(x)), np.ones_like(x))


def test_dropout_has_keras_semantics():
    import keras

    x = np.random.default_rng(0).uniform(1, 2, size=(200, 50))
    y = np.asarray(keras.layers.Dropout(0.3, seed=0, dtype="float64")(x, training=True))
    ours = Dropout(0.3, seed=0).forward(x, train=True)
    for out in (y, ours):
        kept = out != 0
        assert np.allclose(out[kept], x[kept] / 0.7)
        assert abs(kept.mean() - 0.7) < 0.02
    assert np.array_equal(np.asarray(keras.layers.Dropout(0.3, dtype="float64")(x, training=False)), x)


def test_fresh_masks_differ_between_steps_unless_fixed():
    x = np.ones((10, 10))
    d = Dropout(0.5, seed=0)
    assert not np.array_equal(d.forward(x), d.forward(x))
    f = Dropout(0.5, seed=0, fixed_mask=True)
    assert np.array_equal(f.forward(x), f.forward(x))


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5])
def test_bad_dropout_rate_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="dropout rate"):
        Dropout(bad)
