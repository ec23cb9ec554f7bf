"""Chapter 06: convolution and pooling layers — output size, im2col, gradients, agreement with TensorFlow."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dlnotes.conv import (
    col2im,
    conv2d_naive,
    convolve_image,
    filters_from_hwio,
    filters_to_hwio,
    im2col,
    nchw_to_nhwc,
    nhwc_to_nchw,
    output_size,
)
from dlnotes.functions import numerical_gradient, relative_error
from dlnotes.layers import AvgPool2D, Conv2D, MaxPool2D
from dlnotes.network import simple_cnn

GRAD_TOL = 1e-7
TF_TOL = 1e-9


# --- output size ----------------------------------------------------------------------------
def _brute_force_windows(H, FH, P, S):
    """Slide a window of FH over the padded axis [-P, H+P) by S; return (count, last row covered)."""
    starts = [s for s in range(-P, H + P, S) if s + FH <= H + P]
    return len(starts), (starts[-1] + FH - 1 if starts else None)


@pytest.mark.parametrize("H, FH, P, S", list(itertools.product(range(1, 11), range(1, 7), range(0, 4), range(1, 5))))
def test_output_size_formula_matches_brute_force_window_counting(H, FH, P, S):
    count, last = _brute_force_windows(H, FH, P, S)
    if count == 0:
        with pytest.raises(ValueError, match="larger than the padded input"):
            output_size(H, FH, P, S)
        return
    assert output_size(H, FH, P, S, strict=False) == count
    if last == H + P - 1:  # the windows cover the padded input exactly
        assert output_size(H, FH, P, S) == count
    else:
        with pytest.raises(ValueError, match="does not fit"):
            output_size(H, FH, P, S)


def test_output_size_message_says_why_the_stride_does_not_fit():
    with pytest.raises(ValueError) as info:
        output_size(7, 3, 0, 3)
    msg = str(info.value)
    assert "(7 + 2·0 - 3) / 3" in msg and "4/3" in msg and "not an integer" in msg


@pytest.mark.parametrize("args, exc", [((7, 3, 0, 0), ValueError), ((7, 3, -1, 1), ValueError),
                                       ((7, 3.0, 0, 1), TypeError), ((0, 1, 0, 1), ValueError)])
def test_output_size_rejects_bad_arguments_with_clear_errors(args, exc):
    with pytest.raises(exc, match="must"):
        output_size(*args)


# --- im2col / col2im / layouts ------------------------------------------------------------------
def test_im2col_rows_are_the_windows():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    col = im2col(x, 2, 3, S=1, P=0)
    assert col.shape == (2 * 3 * 3, 3 * 2 * 3)
    # row for sample 1, output position (2, 1) is the window x[1, :, 2:4, 1:4]
    assert np.array_equal(col[(1 * 3 + 2) * 3 + 1], x[1, :, 2:4, 1:4].ravel())


@pytest.mark.parametrize("S, P", [(1, 0), (2, 1), (3, 2), (2, 0)])
def test_col2im_is_the_adjoint_of_im2col(S, P):
    rng = np.random.default_rng(S * 10 + P)
    x = rng.normal(size=(2, 3, 7, 6))
    col = im2col(x, 3, 2, S, P, strict=False)
    c = rng.normal(size=col.shape)
    lhs = np.sum(col * c)
    rhs = np.sum(x * col2im(c, x.shape, 3, 2, S, P, strict=False))
    assert relative_error(lhs, rhs) < 1e-12, "col2im must add every window back where im2col took it from"


def test_layout_helpers_round_trip():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 4, 5))
    W = rng.normal(size=(6, 3, 2, 2))
    assert nchw_to_nhwc(x).shape == (2, 4, 5, 3)
    assert np.array_equal(nhwc_to_nchw(nchw_to_nhwc(x)), x)
    assert filters_to_hwio(W).shape == (2, 2, 3, 6)
    assert np.array_equal(filters_from_hwio(filters_to_hwio(W)), W)
    with pytest.raises(ValueError, match=r"x must be an array with 4 axes, got shape \(3, 4\)"):
        nchw_to_nhwc(np.zeros((3, 4)))


# --- forward ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("S, P", [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_conv2d_im2col_equals_naive_loops(S, P):
    rng = np.random.default_rng(S + 7 * P)
    x = rng.normal(size=(2, 3, 8, 7))
    W = rng.normal(size=(4, 3, 3, 2))
    b = rng.normal(size=4)
    layer = Conv2D(W, b, S, P, strict=False)
    out = layer.forward(x)
    assert out.shape == layer.output_shape(x.shape)
    assert relative_error(out, conv2d_naive(x, W, b, S, P, strict=False)) < 1e-12


def test_convolve_image_applies_one_kernel_without_flipping():
    img = np.zeros((5, 5))
    img[2, 2] = 1.0
    k = np.arange(9.0).reshape(3, 3)
    fmap = convolve_image(img, k, P=1)
    # cross-correlation: an impulse reproduces the kernel rotated by 180°
    assert np.array_equal(fmap[1:4, 1:4], k[::-1, ::-1])


def test_max_and_average_pooling_by_hand():
    x = np.array([[1, 2, 0, 1], [3, 4, 1, 0], [0, 1, 5, 6], [2, 2, 7, 8]], float)[None, None]
    assert np.array_equal(MaxPool2D(2).forward(x)[0, 0], [[4, 1], [2, 8]])
    assert np.array_equal(AvgPool2D(2).forward(x)[0, 0], [[2.5, 0.5], [1.25, 6.5]])


def test_conv2d_rejects_mismatched_channels_with_a_readable_message():
    layer = Conv2D(np.zeros((2, 3, 3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"x must have shape \(N, C, H, W\) with C=3 channels .* got shape \(1, 1, 5, 5\)"):
        layer.forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        layer.forward(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="bias"):
        Conv2D(np.zeros((2, 3, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="does not fit"):
        Conv2D(np.zeros((2, 3, 3, 3)), np.zeros(2), stride=2).forward(np.zeros((1, 3, 6, 6)))
    with pytest.raises(ValueError, match="smaller than the pool window"):
        MaxPool2D(2, pad=2)


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="before forward"):
        Conv2D(np.zeros((1, 1, 2, 2)), np.zeros(1)).backward(np.zeros((1, 1, 1, 1)))


def test_max_pool_padding_never_wins():
    x = -np.ones((1, 1, 4, 4))
    assert np.all(MaxPool2D(3, stride=1, pad=1).forward(x) == -1.0)


# --- gradients -----------------------------------------------------------------------------------
def _check_layer_gradients(layer, x, seed, h):
    rng = np.random.default_rng(seed)
    dout = rng.normal(size=layer.forward(x).shape)
    dx = layer.backward(dout)

    def loss(_):
        return float(np.sum(layer.forward(x) * dout))

    assert relative_error(dx, numerical_gradient(loss, x, h=h)) < GRAD_TOL, "dL/dx differs from the numerical gradient"
    for name, p in layer.params.items():
        assert relative_error(layer.grads[name], numerical_gradient(loss, p, h=h)) < GRAD_TOL, f"dL/d{name} is wrong"


@pytest.mark.parametrize("seed", range(6))
def test_conv2d_backward_matches_numerical_gradient(seed):
    rng = np.random.default_rng(seed)
    N, C, FN = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 4)
    FH, FW = rng.integers(1, 4, size=2)
    S, P = int(rng.integers(1, 3)), int(rng.integers(0, 3))
    H, W = rng.integers(FH, 8), rng.integers(FW, 8)
    x = rng.normal(size=(N, C, H, W))
    layer = Conv2D(rng.normal(size=(FN, C, FH, FW)), rng.normal(size=FN), S, P, strict=False)
    _check_layer_gradients(layer, x, seed, h=1e-3)  # the loss is linear in x, W, b: a large h is exact


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("seed", range(4))
def test_pooling_backward_matches_numerical_gradient(cls, seed):
    rng = np.random.default_rng(100 + seed)
    ph, pw = (int(v) for v in rng.integers(1, 4, size=2))
    S, P = int(rng.integers(1, 3)), int(rng.integers(0, min(ph, pw)))
    x = rng.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 10.0  # distinct values: no ties for max
    _check_layer_gradients(cls(ph, pw, S, P, strict=False), x, seed, h=1e-4)


def test_small_cnn_gradient_matches_numerical_gradient():
    rng = np.random.default_rng(3)
    net = simple_cnn(input_shape=(2, 8, 8), filters=3, kernel=3, hidden=5, classes=4, seed=1)
    x = rng.normal(size=(3, 2, 8, 8))
    t = np.array([0, 3, 1])
    grads = {k: v.copy() for k, v in net.gradient(x, t).items()}
    for key, p in net.params.items():
        num = numerical_gradient(lambda _: net.loss(x, t), p)
        assert relative_error(grads[key], num) < GRAD_TOL, f"{key}: backprop and numerical gradient disagree"


# --- agreement with TensorFlow / Keras --------------------------------------------------------------
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")


def _tf_grads(fn, x, *variables, dout):
    xv = tf.Variable(nchw_to_nhwc(x))
    with tf.GradientTape() as tape:
        y = fn(xv)
        loss = tf.reduce_sum(y * tf.constant(nchw_to_nhwc(dout)))
    grads = tape.gradient(loss, [xv, *variables])
    return nhwc_to_nchw(y.numpy()), [g.numpy() for g in grads]


@pytest.mark.parametrize("seed", range(8))
def test_conv2d_equals_tf_nn_conv2d_forward_and_gradients(seed):
    rng = np.random.default_rng(200 + seed)
    N, C, FN = (int(v) for v in rng.integers(1, 4, size=3))
    FH, FW = (int(v) for v in rng.integers(1, 5, size=2))
    S, P = int(rng.integers(1, 4)), int(rng.integers(0, 3))
    H, W = int(rng.integers(FH, 10)), int(rng.integers(FW, 10))
    x, Wt, b = rng.normal(size=(N, C, H, W)), rng.normal(size=(FN, C, FH, FW)), rng.normal(size=FN)
    layer = Conv2D(Wt, b, S, P, strict=False)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)

    kv, bv = tf.Variable(filters_to_hwio(Wt)), tf.Variable(b)
    pads = [[0, 0], [P, P], [P, P], [0, 0]]
    y, (gx, gk, gb) = _tf_grads(lambda xv: tf.nn.conv2d(xv, kv, S, pads) + bv, x, kv, bv, dout=dout)
    assert relative_error(out, y) < TF_TOL
    assert relative_error(dx, nhwc_to_nchw(gx)) < TF_TOL
    assert relative_error(layer.grads["W"], filters_from_hwio(gk)) < TF_TOL
    assert relative_error(layer.grads["b"], gb) < TF_TOL


@pytest.mark.parametrize("padding, S", [("valid", 1), ("valid", 2), ("same", 1)])
def test_conv2d_equals_keras_conv2d(padding, S):
    rng = np.random.default_rng(hash((padding, S)) % 1000)
    x = rng.normal(size=(2, 3, 9, 9))
    Wt, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    P = 1 if padding == "same" else 0
    layer = Conv2D(Wt, b, S, P)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)

    k = keras.layers.Conv2D(4, 3, strides=S, padding=padding, dtype="float64")
    k.build((None, 9, 9, 3))
    k.set_weights([filters_to_hwio(Wt), b])
    y, (gx, gk, gb) = _tf_grads(k, x, k.kernel, k.bias, dout=dout)
    assert relative_error(out, y) < TF_TOL
    assert relative_error(dx, nhwc_to_nchw(gx)) < TF_TOL
    assert relative_error(layer.grads["W"], filters_from_hwio(gk)) < TF_TOL
    assert relative_error(layer.grads["b"], gb) < TF_TOL


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("seed", range(6))
def test_pooling_equals_tensorflow_forward_and_gradients(cls, seed):
    rng = np.random.default_rng(300 + seed)
    ph, pw = (int(v) for v in rng.integers(1, 4, size=2))
    S, P = int(rng.integers(1, 4)), int(rng.integers(0, min(ph, pw)))
    x = rng.normal(size=(2, 3, int(rng.integers(ph + 1, 10)), int(rng.integers(pw + 1, 10))))
    layer = cls(ph, pw, S, P, strict=False)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)

    fill = -np.inf if cls is MaxPool2D else 0.0
    pool = tf.nn.max_pool2d if cls is MaxPool2D else tf.nn.avg_pool2d

    def f(xv):
        xp = tf.pad(xv, [[0, 0], [P, P], [P, P], [0, 0]], constant_values=fill)
        return pool(xp, (ph, pw), S, "VALID")

    y, (gx,) = _tf_grads(f, x, dout=dout)
    assert relative_error(out, y) < TF_TOL
    assert relative_error(dx, nhwc_to_nchw(gx)) < TF_TOL


@pytest.mark.parametrize("pool, S", [(2, 2), (3, 2), (2, 1)])
def test_max_pool_equals_keras_max_pooling2d(pool, S):
    rng = np.random.default_rng(pool * 10 + S)
    x = rng.normal(size=(2, 3, 9, 8))
    layer = MaxPool2D(pool, pool, S, strict=False)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)
    k = keras.layers.MaxPooling2D(pool, strides=S, padding="valid", dtype="float64")
    y, (gx,) = _tf_grads(k, x, dout=dout)
    assert relative_error(out, y) < TF_TOL
    assert relative_error(dx, nhwc_to_nchw(gx)) < TF_TOL


# --- the small CNN learns ---------------------------------------------------------------------------
def test_small_cnn_learns_mnist_digits(shared_data, monkeypatch):
    from dlnotes.data import load_mnist
    from dlnotes.optimizers import Adam
    from dlnotes.training import train

    (xtr, ytr), (xte, yte) = load_mnist(shared_data / "mnist.npz")
    net = simple_cnn(filters=8, seed=0)
    hist = train(net, (xtr[:600, None] / 255.0, ytr[:600], xte[:300, None] / 255.0, yte[:300]),
                 Adam(2e-3), epochs=2, batch_size=50, seed=0)
    assert hist["test_acc"][-1] > 0.75, f"600 digits, 2 epochs should beat 75% test accuracy, got {hist['test_acc'][-1]:.3f}"


def test_cnn_accuracy_in_batches_equals_whole_batch_accuracy():
    rng = np.random.default_rng(5)
    net = simple_cnn(input_shape=(1, 10, 10), filters=2, kernel=3, hidden=6, classes=3, seed=2)
    x, t = rng.normal(size=(23, 1, 10, 10)), rng.integers(0, 3, size=23)
    assert net.accuracy(x, t, batch_size=5) == net.accuracy(x, t)


def test_simple_cnn_has_the_stated_shapes():
    net = simple_cnn(filters=16, kernel=5, hidden=100)
    shapes = [p.shape for p in net.params.values()]
    assert shapes == [(16, 1, 5, 5), (16,), (16 * 12 * 12, 100), (100,), (100, 10), (10,)]
    assert net.predict(np.zeros((2, 1, 28, 28))).shape == (2, 10)
