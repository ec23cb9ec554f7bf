"""Input contracts: bad inputs across the public numerics API give clear errors (see dlnotes.checks).

Each row is one bad call: the exception it must raise and a pattern the message must
match. Every pattern reads "<argument> must ... <what was expected>", so a passing row
proves the message names the argument and says what was expected (and, for shapes and
values, what was given). Rows whose exception is ``NAN`` must instead return NaN.
"""

from __future__ import annotations

import importlib
import re

import numpy as np
import pytest

ALIASES: dict = {}
"""Where each ``module:attr`` lives, when measuring an older layout of the package (empty here)."""

NAN = "nan"


def api(path):
    """The public object ``dlnotes.<module>.<attr>`` named by ``"module:attr"``."""
    module, attr = ALIASES.get(path, path).split(":")
    return getattr(importlib.import_module(f"dlnotes.{module}"), attr)


# --- small fixtures (built inside each call, so a failing row cannot break the others) ---------
def Z(*shape, dtype=float):
    return np.zeros(shape, dtype=dtype)


def net():
    """A 2-3-2 ReLU MLP."""
    return api("network:MLP")(2, [3], 2, seed=0)


def toy():
    """x (8, 2), labels t (8,) in {0, 1}."""
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 2)), np.arange(8) % 2


def after_forward(layer, x):
    layer.forward(x)
    return layer


def with_nan(x):
    x = x.copy()
    x[3, 1] = np.nan
    return x


def nan_net():
    n = net()
    n.params["L0.W"][:] = np.nan  # weights that blew up
    return n


def affine():
    return api("layers:Affine")(Z(3, 2), Z(2))


def conv():
    return api("layers:Conv2D")(Z(2, 3, 3, 3), Z(2))


def fake_mnist(n=20):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n) % 10


def train_(data, opt=None, n=None, **kw):
    return api("training:train")(net() if n is None else n, data, api("optimizers:SGD")(0.1) if opt is None else opt,
                                 epochs=kw.pop("epochs", 1), **kw)


CASES = [
    # --- functions: activations, softmax, losses, numerical gradient --------------------------------
    ("softmax-str", TypeError, r"a must be an array of real numbers, got 'abc'", lambda: api("functions:softmax")("abc")),
    ("softmax-none", TypeError, r"a must be an array of real numbers, got None", lambda: api("functions:softmax")(None)),
    ("softmax-empty", ValueError, r"a must be non-empty", lambda: api("functions:softmax")([])),
    ("softmax-axis", ValueError, r"axis must be an integer between -2 and 1, got 2",
     lambda: api("functions:softmax")(Z(2, 3), axis=2)),
    ("softmax-ragged", TypeError, r"a must be a rectangular array", lambda: api("functions:softmax")([[1, 2], [3]])),
    ("log-softmax-empty", ValueError, r"a must be non-empty", lambda: api("functions:log_softmax")(Z(0))),
    ("sigmoid-str", TypeError, r"x must be an array of real numbers", lambda: api("functions:sigmoid")("x")),
    ("relu-none", TypeError, r"x must be an array of real numbers", lambda: api("functions:relu")(None)),
    ("tanh-complex", TypeError, r"x must be an array of real numbers", lambda: api("functions:tanh")([1 + 2j])),
    ("leaky-alpha", TypeError, r"alpha must be a number", lambda: api("functions:leaky_relu")(np.ones(3), alpha="0.1")),
    ("step-dict", TypeError, r"x must be an array of real numbers", lambda: api("functions:step")({"a": 1})),
    ("d-sigmoid-none", TypeError, r"x must be an array of real numbers", lambda: api("functions:d_sigmoid")(None)),
    ("one-hot-range", ValueError, r"labels must be class labels in 0\.\.2 \(3 classes\), got .*0\.\.5",
     lambda: api("functions:one_hot")(np.array([0, 5]), 3)),
    ("one-hot-float", TypeError, r"labels must be integer class labels",
     lambda: api("functions:one_hot")(np.array([0.5, 1.0]))),
    ("one-hot-empty", ValueError, r"num_classes must be given", lambda: api("functions:one_hot")(Z(0, dtype=int))),
    ("one-hot-k0", ValueError, r"num_classes must be an integer at least 1",
     lambda: api("functions:one_hot")(np.array([0, 1]), num_classes=0)),
    ("one-hot-2d", ValueError, r"labels must be an array with 1 axis, got shape \(1, 2\)",
     lambda: api("functions:one_hot")(np.array([[0, 1]]))),
    ("one-hot-negative", ValueError, r"labels must be class labels that are non-negative",
     lambda: api("functions:one_hot")(np.array([-1, 0]))),
    ("mse-shape", ValueError, r"t must be of shape \(3,\), got shape \(4,\)", lambda: api("functions:mse")(Z(3), Z(4))),
    ("mse-empty", ValueError, r"y must be non-empty", lambda: api("functions:mse")(Z(0, 2), Z(0, 2))),
    ("mse-str", TypeError, r"y must be an array of real numbers", lambda: api("functions:mse")("a", "b")),
    ("ce-targets", ValueError, r"t must be of shape \(2, 3\), got shape \(3,\)",
     lambda: api("functions:cross_entropy")(np.full((2, 3), 1 / 3), np.array([0, 1, 2]))),
    ("ce-logits", ValueError, r"y must be probabilities in \[0, 1\].*cross_entropy_with_logits",
     lambda: api("functions:cross_entropy")(np.array([[2.0, -1.0]]), [0])),
    ("ce-label-range", ValueError, r"t must be class labels in 0\.\.2",
     lambda: api("functions:cross_entropy")(np.full((2, 3), 1 / 3), np.array([0, 3]))),
    ("ce-eps", ValueError, r"eps must be a finite number in \(0, 1\)",
     lambda: api("functions:cross_entropy")(np.full((2, 3), 1 / 3), [0, 1], eps=0)),
    ("cel-soft", ValueError, r"t must be one-hot or soft targets",
     lambda: api("functions:cross_entropy_with_logits")(Z(2, 3), np.array([[1, 0, 0], [0, 2, 0]]))),
    ("cel-3d", ValueError, r"a must be an array with 1 or 2 axes",
     lambda: api("functions:cross_entropy_with_logits")(Z(2, 3, 4), [0, 1])),
    ("cel-fraction", TypeError, r"t must be integer class labels",
     lambda: api("functions:cross_entropy_with_logits")(Z(2, 3), np.array([0.5, 1.0]))),
    ("bce-range", ValueError, r"p must lie in \[0, 1\]",
     lambda: api("functions:binary_cross_entropy")(np.array([1.5, 0.2]), np.array([1, 0]))),
    ("bcel-shape", ValueError, r"t must be of shape \(3,\)",
     lambda: api("functions:binary_cross_entropy_with_logits")(Z(3), Z(2))),
    ("d-mse-shape", ValueError, r"t must be of shape \(2, 2\)", lambda: api("functions:d_mse")(Z(2, 2), Z(2, 3))),
    ("d-cel-shape", ValueError, r"t must be of shape \(2, 3\)",
     lambda: api("functions:d_cross_entropy_with_logits")(Z(2, 3), np.array([0, 1, 2]))),
    ("d-bcel-none", TypeError, r"z must be an array of real numbers",
     lambda: api("functions:d_binary_cross_entropy_with_logits")(None, Z(2))),
    ("numgrad-int", TypeError, r"x must be a float numpy array",
     lambda: api("functions:numerical_gradient")(lambda v: v.sum(), np.arange(3))),
    ("numgrad-f", TypeError, r"f must be a function", lambda: api("functions:numerical_gradient")("f", Z(3))),
    ("numgrad-vector", TypeError, r"f must return one number",
     lambda: api("functions:numerical_gradient")(lambda v: v * 2, Z(3))),
    ("numgrad-h", ValueError, r"h must be a finite number in \(0, ∞\)",
     lambda: api("functions:numerical_gradient")(lambda v: v.sum(), Z(3), h=0)),
    ("relerr-shape", ValueError, r"b must be of shape \(3,\), got shape \(4,\)",
     lambda: api("functions:relative_error")(Z(3), Z(4))),
    ("relerr-empty", ValueError, r"a must be non-empty", lambda: api("functions:relative_error")(Z(0), Z(0))),
    # --- layers ---------------------------------------------------------------------------------------
    ("affine-W-1d", ValueError, r"W must be an array with 2 axes", lambda: api("layers:Affine")(Z(3), Z(3))),
    ("affine-b", ValueError, r"b must be of shape \(2,\), got shape \(3,\)", lambda: api("layers:Affine")(Z(3, 2), Z(3))),
    ("affine-W-str", TypeError, r"W must be an array of real numbers", lambda: api("layers:Affine")("W", Z(2))),
    ("affine-W-nan", ValueError, r"W must be finite", lambda: api("layers:Affine")(np.full((2, 2), np.nan), Z(2))),
    ("affine-x-width", ValueError, r"x must be a batch \(N, \.\.\.\) with 3 features per sample, got shape \(4, 5\)",
     lambda: affine().forward(Z(4, 5))),
    ("affine-x-1d", ValueError, r"x must be a batch \(N, \.\.\.\) with 3 features per sample, got shape \(3,\)",
     lambda: affine().forward(Z(3))),
    ("affine-x-str", TypeError, r"x must be an array of real numbers", lambda: affine().forward("abc")),
    ("affine-dout", ValueError, r"dout must be of shape \(4, 2\), got shape \(4, 3\)",
     lambda: after_forward(affine(), Z(4, 3)).backward(Z(4, 3))),
    ("affine-before", RuntimeError, r"Affine.backward called before forward", lambda: affine().backward(Z(4, 2))),
    ("relu-dout-vector", ValueError, r"dout must be of shape \(4, 5\), got shape \(5,\)",
     lambda: after_forward(api("layers:ReLU")(), Z(4, 5)).backward(np.ones(5))),
    ("relu-dout-row", ValueError, r"dout must be of shape \(4, 5\), got shape \(1, 5\)",
     lambda: after_forward(api("layers:ReLU")(), Z(4, 5)).backward(np.ones((1, 5)))),
    ("sigmoid-dout", ValueError, r"dout must be of shape \(4, 5\), got shape \(5,\)",
     lambda: after_forward(api("layers:Sigmoid")(), Z(4, 5)).backward(np.ones(5))),
    ("tanh-dout", ValueError, r"dout must be of shape \(4, 5\), got shape \(4, 1\)",
     lambda: after_forward(api("layers:Tanh")(), Z(4, 5)).backward(np.ones((4, 1)))),
    ("identity-dout", ValueError, r"dout must be of shape \(4, 5\), got shape \(3,\)",
     lambda: after_forward(api("layers:Identity")(), Z(4, 5)).backward(np.ones(3))),
    ("relu-layer-none", TypeError, r"x must be an array of real numbers", lambda: api("layers:ReLU")().forward(None)),
    ("swl-no-t", TypeError, r"t \(the targets\) is missing", lambda: api("layers:SoftmaxWithLoss")().forward(Z(2, 3))),
    ("swl-range", ValueError, r"t must be class labels in 0\.\.2",
     lambda: api("layers:SoftmaxWithLoss")().forward(Z(2, 3), [0, 3])),
    ("swl-onehot-shape", ValueError, r"t must be of shape \(2, 3\), got shape \(2, 4\)",
     lambda: api("layers:SoftmaxWithLoss")().forward(Z(2, 3), Z(2, 4))),
    ("swl-empty", ValueError, r"x \(the logits\) must be non-empty",
     lambda: api("layers:SoftmaxWithLoss")().forward(Z(0, 3), Z(0, dtype=int))),
    ("swl-1d", ValueError, r"x \(the logits\) must be an array with 2 axes",
     lambda: api("layers:SoftmaxWithLoss")().forward(Z(3), [0])),
    ("swl-dout", ValueError, r"dout must be of shape \(\), got shape \(2,\)",
     lambda: (lambda s: (s.forward(Z(2, 3), [0, 1]), s.backward(np.ones(2))))(api("layers:SoftmaxWithLoss")())),
    ("swl-length", ValueError, r"t must be of shape \(2, 3\), got shape \(3,\)",
     lambda: api("layers:SoftmaxWithLoss")().forward(Z(2, 3), [0, 1, 2])),
    ("bn-zero", ValueError, r"num_features must be an integer at least 1", lambda: api("layers:BatchNorm")(0)),
    ("bn-float", TypeError, r"num_features must be an integer", lambda: api("layers:BatchNorm")(3.0)),
    ("bn-momentum", ValueError, r"momentum must be a finite number in \[0, 1\)",
     lambda: api("layers:BatchNorm")(3, momentum=1.0)),
    ("bn-epsilon", ValueError, r"epsilon must be a finite number in \(0, ∞\)",
     lambda: api("layers:BatchNorm")(3, epsilon=0)),
    ("bn-x", ValueError, r"x must have shape \(N, 4, \.\.\.\).*got shape \(3, 5\)",
     lambda: api("layers:BatchNorm")(4).forward(Z(3, 5))),
    ("bn-before", RuntimeError, r"BatchNorm.backward called before forward",
     lambda: api("layers:BatchNorm")(4).backward(Z(3, 4))),
    ("bn-dout", ValueError, r"dout must be of shape \(3, 4\), got shape \(3, 5\)",
     lambda: after_forward(api("layers:BatchNorm")(4), Z(3, 4)).backward(Z(3, 5))),
    ("dropout-one", ValueError, r"rate \(the dropout rate\) must be a finite number in \[0, 1\)",
     lambda: api("layers:Dropout")(1.0)),
    ("dropout-str", TypeError, r"rate \(the dropout rate\) must be a number", lambda: api("layers:Dropout")("0.5")),
    ("dropout-seed", ValueError, r"seed must be an integer at least 0", lambda: api("layers:Dropout")(0.5, seed=-1)),
    ("dropout-dout", ValueError, r"dout must be of shape \(3, 4\), got shape \(4,\)",
     lambda: after_forward(api("layers:Dropout")(0.5), Z(3, 4)).backward(np.ones(4))),
    ("dropout-flag", TypeError, r"fixed_mask must be True or False",
     lambda: api("layers:Dropout")(0.5, fixed_mask="yes")),
    ("features-name", ValueError, r"features\[1\] must be one of \[.*'x1\^2'.*\], got 'x3'",
     lambda: api("layers:InputFeatures")(["x1", "x3"])),
    ("features-str", TypeError, r"features must be a list of feature names", lambda: api("layers:InputFeatures")("x1")),
    ("features-x", ValueError, r"x must be points of shape \(N, 2\), got shape \(4, 3\)",
     lambda: api("layers:InputFeatures")().forward(Z(4, 3))),
    ("mse-t", ValueError, r"t must be of shape \(3, 2\), got shape \(3,\)",
     lambda: api("layers:MSELoss")().forward(Z(3, 2), Z(3))),
    ("mse-nan", ValueError, r"t must be .*finite", lambda: api("layers:MSELoss")().forward(Z(3, 1), with_nan(Z(5, 2))[1:4, 1])),
    ("conv-W", ValueError, r"W must be an array with 4 axes", lambda: api("layers:Conv2D")(Z(2, 3, 3), Z(2))),
    ("conv-b", ValueError, r"b must be of shape \(2,\), got shape \(3,\)", lambda: api("layers:Conv2D")(Z(2, 3, 3, 3), Z(3))),
    ("conv-stride", ValueError, r"stride must be an integer at least 1",
     lambda: api("layers:Conv2D")(Z(2, 3, 3, 3), Z(2), stride=0)),
    ("conv-pad", TypeError, r"pad must be an integer", lambda: api("layers:Conv2D")(Z(2, 3, 3, 3), Z(2), pad=1.5)),
    ("conv-channels", ValueError, r"x must have shape \(N, C, H, W\) with C=3 channels.*got shape \(1, 1, 5, 5\)",
     lambda: conv().forward(Z(1, 1, 5, 5))),
    ("conv-2d", ValueError, r"x must have shape \(N, C, H, W\).*got shape \(5, 5\).*x\[None, None\]",
     lambda: conv().forward(Z(5, 5))),
    ("conv-stride-fit", ValueError, r"stride S=2 does not fit",
     lambda: api("layers:Conv2D")(Z(2, 3, 3, 3), Z(2), stride=2).forward(Z(1, 3, 6, 6))),
    ("conv-dout", ValueError, r"dout must be of shape \(1, 2, 3, 3\), got shape \(1, 2, 5, 5\)",
     lambda: after_forward(conv(), Z(1, 3, 5, 5)).backward(Z(1, 2, 5, 5))),
    ("maxpool-zero", ValueError, r"pool_h must be an integer at least 1", lambda: api("layers:MaxPool2D")(0)),
    ("maxpool-pad", ValueError, r"pad=2 must be smaller than the pool window", lambda: api("layers:MaxPool2D")(2, pad=2)),
    ("maxpool-2d", ValueError, r"x must have shape \(N, C, H, W\), got shape \(4, 4\)",
     lambda: api("layers:MaxPool2D")(2).forward(Z(4, 4))),
    ("maxpool-dout", ValueError, r"dout must be of shape \(1, 1, 2, 2\), got shape \(1, 1, 4, 4\)",
     lambda: after_forward(api("layers:MaxPool2D")(2), Z(1, 1, 4, 4)).backward(Z(1, 1, 4, 4))),
    ("avgpool-str", TypeError, r"x must be an array of real numbers", lambda: api("layers:AvgPool2D")(2).forward("img")),
    # --- conv arithmetic ----------------------------------------------------------------------------------
    ("outsize-stride", ValueError, r"S \(the stride\) must be an integer at least 1",
     lambda: api("conv:output_size")(7, 3, 0, 0)),
    ("outsize-float", TypeError, r"FH \(the window size\) must be an integer", lambda: api("conv:output_size")(7, 3.0)),
    ("outsize-large", ValueError, r"window \(FH=5\) is larger than the padded input", lambda: api("conv:output_size")(3, 5)),
    ("im2col-2d", ValueError, r"x must be an array with 4 axes, got shape \(3, 4\)",
     lambda: api("conv:im2col")(Z(3, 4), 2, 2)),
    ("im2col-FH", ValueError, r"FH \(the window height\) must be an integer at least 1",
     lambda: api("conv:im2col")(Z(1, 1, 4, 4), 0, 2)),
    ("col2im-shape", ValueError, r"input_shape must be a tuple of 4 positive integers",
     lambda: api("conv:col2im")(Z(4, 4), (1, 1, 4), 2, 2)),
    ("col2im-col", ValueError, r"col must be of shape \(4, 4\), got shape \(5, 4\)",
     lambda: api("conv:col2im")(Z(5, 4), (1, 1, 4, 4), 2, 2, S=2)),
    ("naive-channels", ValueError, r"W must be of shape \(any, 1, any, any\), got shape \(2, 3, 2, 2\)",
     lambda: api("conv:conv2d_naive")(Z(1, 1, 4, 4), Z(2, 3, 2, 2))),
    ("naive-b", ValueError, r"b must be of shape \(2,\), got shape \(3,\)",
     lambda: api("conv:conv2d_naive")(Z(1, 1, 4, 4), Z(2, 1, 2, 2), b=Z(3))),
    ("convolve-3d", ValueError, r"image must be an array with 2 axes, got shape \(1, 4, 4\)",
     lambda: api("conv:convolve_image")(Z(1, 4, 4), Z(2, 2))),
    ("nchw-2d", ValueError, r"x must be an array with 4 axes, got shape \(3, 4\)", lambda: api("conv:nchw_to_nhwc")(Z(3, 4))),
    ("hwio-str", TypeError, r"W must be an array of real numbers", lambda: api("conv:filters_to_hwio")("W")),
    # --- network ---------------------------------------------------------------------------------------
    ("mlp-int-hidden", TypeError, r"hidden_sizes must be a list of layer widths such as \[5\].*got 5 \(int\)",
     lambda: api("network:MLP")(2, 5, 2)),
    ("mlp-zero-width", ValueError, r"hidden_sizes\[0\] must be an integer at least 1, got 0",
     lambda: api("network:MLP")(2, [0], 2)),
    ("mlp-float-width", TypeError, r"hidden_sizes\[0\] must be an integer, got 3\.5",
     lambda: api("network:MLP")(2, [3.5], 2)),
    ("mlp-input", ValueError, r"input_size must be an integer at least 1", lambda: api("network:MLP")(0, [3], 2)),
    ("mlp-activation", ValueError, r"activation must be one of \[.*'relu'.*\], got 'swish'",
     lambda: api("network:MLP")(2, [3], 2, activation="swish")),
    ("mlp-init", ValueError, r"weight_init must be one of \[.*'he_normal'.*\], got 'orthogonal'",
     lambda: api("network:MLP")(2, [3], 2, weight_init="orthogonal")),
    ("mlp-l2", ValueError, r"l2 must be a finite number in \[0, ∞\), got -1",
     lambda: api("network:MLP")(2, [3], 2, l2=-1)),
    ("mlp-dropout", ValueError, r"dropout must be a finite number in \[0, 1\), got 1\.0",
     lambda: api("network:MLP")(2, [3], 2, dropout=1.0)),
    ("mlp-l1", ValueError, r"l1 must be a finite number in \[0, ∞\), got -1",
     lambda: api("network:MLP")(2, [3], 2, l1=-1)),
    ("mlp-l1-proximal", TypeError, r"l1_proximal must be True or False",
     lambda: api("network:MLP")(2, [3], 2, l1_proximal="yes")),
    ("mlp-loss", ValueError, r"loss must be one of \['softmax', 'mse'\], got 'hinge'",
     lambda: api("network:MLP")(2, [3], 2, loss="hinge")),
    ("mlp-features-input", ValueError, r"input_size must be 2 \(points x1, x2\) when features are given, got 3",
     lambda: api("network:MLP")(3, [3], 2, features=["x1"])),
    ("mlp-batchnorm", TypeError, r"batchnorm must be True or False", lambda: api("network:MLP")(2, [3], 2, batchnorm="yes")),
    ("mlp-seed", TypeError, r"seed must be an integer, got 1\.5", lambda: api("network:MLP")(2, [3], 2, seed=1.5)),
    ("seq-not-list", TypeError, r"layers must be a list of Layer objects", lambda: api("network:Sequential")(affine())),
    ("seq-object", TypeError, r"layers\[0\] must be a Layer", lambda: api("network:Sequential")([object()])),
    ("seq-l2", TypeError, r"l2 must be a number, got 'big'", lambda: api("network:Sequential")([affine()], l2="big")),
    ("predict-width", ValueError, r"x must be a batch \(N, \.\.\.\) with 2 features per sample, got shape \(4, 3\)",
     lambda: net().predict(Z(4, 3))),
    ("loss-length", ValueError, r"t must be of shape \(4, 2\), got shape \(3,\)", lambda: net().loss(Z(4, 2), [0, 1, 0])),
    ("accuracy-length", ValueError, r"x and t must have the same length.*x has 4, t has 3",
     lambda: net().accuracy(Z(4, 2), [0, 1, 0])),
    ("accuracy-batch", ValueError, r"batch_size must be an integer at least 1",
     lambda: net().accuracy(Z(4, 2), [0, 1, 0, 1], batch_size=0)),
    ("accuracy-empty", ValueError, r"x must be non-empty", lambda: net().accuracy(Z(0, 2), [])),
    ("accuracy-nan-weights", NAN, "", lambda: nan_net().accuracy(*toy())),
    ("gradient-labels", ValueError, r"t must be class labels in 0\.\.1", lambda: net().gradient(Z(4, 2), [0, 1, 0, 5])),
    ("cnn-shape", ValueError, r"input_shape must be a tuple of 3 positive integers",
     lambda: api("network:simple_cnn")(input_shape=(28, 28))),
    ("cnn-kernel", ValueError, r"window \(FH=30\) is larger than the padded input",
     lambda: api("network:simple_cnn")(kernel=30)),
    ("cnn-filters", ValueError, r"filters must be an integer at least 1", lambda: api("network:simple_cnn")(filters=0)),
    # --- training ---------------------------------------------------------------------------------------
    ("train-length", ValueError, r"x and t must have the same length.*x has 8, t has 7",
     lambda: train_((toy()[0], toy()[1][:-1]))),
    ("train-epochs", ValueError, r"epochs must be an integer at least 0", lambda: train_(toy(), epochs=-1)),
    ("train-batch", ValueError, r"batch_size must be an integer at least 1", lambda: train_(toy(), batch_size=0)),
    ("train-empty", ValueError, r"x must be non-empty", lambda: train_((Z(0, 2), Z(0, dtype=int)))),
    ("train-bare-array", TypeError, r"data must be a Split, \(x, t\) or", lambda: train_(toy()[0])),
    ("train-optimizer", TypeError, r"optimizer must be a dlnotes.optimizers optimiser", lambda: train_(toy(), opt="sgd")),
    ("train-net", TypeError, r"net must be a dlnotes.network.Sequential", lambda: train_(toy(), n="net")),
    ("train-callback", TypeError, r"callback must be a function or None", lambda: train_(toy(), callback=5)),
    ("train-progress", TypeError, r"progress must be a function or None", lambda: train_(toy(), progress="yes")),
    ("train-nan-x", ValueError, r"x must be finite \(no NaN or inf\).*1 entry is NaN",
     lambda: train_((with_nan(toy()[0]), toy()[1]))),
    ("train-test-width", ValueError, r"x_test must be of shape \(any, 2\), got shape \(8, 1\)",
     lambda: train_((*toy(), toy()[0][:, :1], toy()[1]))),
    ("train-test-length", ValueError, r"x_test and t_test must have the same length",
     lambda: train_((*toy(), toy()[0], toy()[1][:-1]))),
    ("train-fraction-labels", TypeError, r"t must be integer class labels",
     lambda: train_((toy()[0], toy()[1] + 0.5))),
    ("train-label-range", ValueError, r"t must be class labels in 0\.\.1", lambda: train_((toy()[0], toy()[1] * 2))),
    ("train-seed", ValueError, r"seed must be an integer at least 0", lambda: train_(toy(), seed=-1)),
    ("trainer-steps", ValueError, r"steps must be an integer at least 0",
     lambda: api("training:Trainer")(net(), api("optimizers:SGD")(0.1), *toy()).run(-1)),
    ("es-patience", ValueError, r"patience must be an integer at least 0", lambda: api("training:EarlyStopping")(patience=-1)),
    ("es-min-delta", ValueError, r"min_delta must be a finite number",
     lambda: api("training:EarlyStopping")(min_delta=np.inf)),
    ("es-step", TypeError, r"value \(the monitored loss\) must be a number",
     lambda: api("training:EarlyStopping")().step("0.5")),
    ("es-monitor", ValueError, r"monitor must be one of \['train_loss', 'test_loss'\], got 'val_loss'",
     lambda: api("training:EarlyStopping")().callback({}, monitor="val_loss")),
    ("es-run", TypeError, r"losses must be an array of real numbers", lambda: api("training:EarlyStopping")().run("abc")),
    # --- optimizers ------------------------------------------------------------------------------------
    ("sgd-lr", ValueError, r"lr \(the learning rate\) must be a finite number in \(0, ∞\), got 0",
     lambda: api("optimizers:SGD")(lr=0)),
    ("sgd-lr-str", TypeError, r"lr \(the learning rate\) must be a number, got 'fast'",
     lambda: api("optimizers:SGD")(lr="fast")),
    ("momentum", ValueError, r"momentum must be a finite number in \[0, 1\), got 1\.5",
     lambda: api("optimizers:Momentum")(momentum=1.5)),
    ("nesterov", TypeError, r"nesterov must be True or False", lambda: api("optimizers:Momentum")(nesterov="yes")),
    ("adam-beta1", ValueError, r"beta_1 must be a finite number in \[0, 1\)", lambda: api("optimizers:Adam")(beta_1=1.0)),
    ("rmsprop-rho", ValueError, r"rho must be a finite number in \[0, 1\)", lambda: api("optimizers:RMSProp")(rho=-0.1)),
    ("adagrad-eps", ValueError, r"epsilon must be a finite number in \(0, ∞\)", lambda: api("optimizers:AdaGrad")(epsilon=0)),
    ("update-keys", ValueError, r"grads must be a gradient for every parameter; missing \['W'\]",
     lambda: api("optimizers:SGD")().update({"W": Z(2)}, {"b": Z(2)})),
    ("update-shape", ValueError, r"grads\['W'\] must be of shape \(2,\), got shape \(3,\)",
     lambda: api("optimizers:SGD")().update({"W": Z(2)}, {"W": Z(3)})),
    ("update-int-param", TypeError, r"params\['W'\] must be a float numpy array",
     lambda: api("optimizers:SGD")().update({"W": Z(2, dtype=int)}, {"W": Z(2)})),
    ("update-lists", TypeError, r"params must be a dict", lambda: api("optimizers:SGD")().update([Z(2)], [Z(2)])),
    ("make-optimizer", ValueError, r"name must be one of \['SGD', 'Momentum', 'AdaGrad', 'RMSProp', 'Adam'\]",
     lambda: api("optimizers:make_optimizer")("adamw")),
    ("make-optimizer-int", ValueError, r"name must be one of \[", lambda: api("optimizers:make_optimizer")(3)),
    # --- initializers -----------------------------------------------------------------------------------
    ("init-name", ValueError, r"name must be one of \[.*'glorot_normal'.*\], got 'orthogonal'",
     lambda: api("initializers:initialize")("orthogonal", (2, 3))),
    ("init-zero-dim", ValueError, r"shape\[1\] must be an integer at least 1, got 0",
     lambda: api("initializers:initialize")("he_normal", (2, 0))),
    ("init-3d", ValueError, r"shape must have 2 \(dense: in, out\) or 4 \(conv: FN, C, FH, FW\) entries",
     lambda: api("initializers:initialize")("he_normal", (2, 3, 4))),
    ("init-rng", TypeError, r"rng must be a numpy Generator", lambda: api("initializers:initialize")("he_normal", (2, 3), 0)),
    ("init-int-shape", TypeError, r"shape must be a tuple of positive integers",
     lambda: api("initializers:initialize")("he_normal", 5)),
    ("fans-1d", ValueError, r"shape must have 2 \(dense: in, out\) or 4", lambda: api("initializers:fans")((3,))),
    ("truncnorm-std", ValueError, r"std must be a finite number in \(0, ∞\)",
     lambda: api("initializers:truncated_normal")((2, 2), -1.0, np.random.default_rng(0))),
    # --- keras_models' numpy helpers --------------------------------------------------------------------
    ("dense-params", ValueError, r"n_in must be an integer at least 1", lambda: api("keras_models:dense_params")(0, 10)),
    ("mlp-params", ValueError, r"hidden must be an integer at least 1", lambda: api("keras_models:mlp_params")(hidden=-1)),
    ("cnn-params", ValueError, r"image must be large enough", lambda: api("keras_models:cnn_params")(image=5)),
    ("normalize-float", TypeError, r"images must be integer pixel values 0\.\.255",
     lambda: api("keras_models:normalize")(Z(2, 28, 28))),
    ("normalize-flat", ValueError, r"images must be an array with 3 axes, got shape \(2, 784\)",
     lambda: api("keras_models:normalize")(Z(2, 784, dtype=np.uint8))),
    ("one-hot-fraction", TypeError, r"labels must be integer class labels",
     lambda: api("keras_models:to_one_hot")(np.array([0.5, 1.0]))),
    ("one-hot-ten", ValueError, r"labels must be class labels in 0\.\.9",
     lambda: api("keras_models:to_one_hot")(np.array([0, 10]))),
    ("prepare-pair", TypeError, r"train must be an \(images, labels\) pair",
     lambda: api("keras_models:prepare")(fake_mnist()[0], fake_mnist(), n_val=2)),
    ("prepare-n-val", TypeError, r"n_val must be an integer, got 2\.5",
     lambda: api("keras_models:prepare")(fake_mnist(), fake_mnist(), n_val=2.5)),
    ("prepare-length", ValueError, r"train_images and train_labels must have the same length",
     lambda: api("keras_models:prepare")((fake_mnist()[0], fake_mnist()[1][:-1]), fake_mnist(), n_val=2)),
    ("keras-optimizer-name", ValueError, r"name must be one of \['adam', 'rmsprop', 'sgd'\], got 'Momentum'",
     lambda: api("keras_models:make_keras_optimizer")("Momentum", 0.01)),
    ("keras-optimizer-lr", ValueError, r"lr \(the learning rate\) must be a finite number in \(0, ∞\)",
     lambda: api("keras_models:make_keras_optimizer")("adam", -1)),
    # --- data: toy sets -------------------------------------------------------------------------------
    ("toy-name", ValueError, r"name must be one of \[.*'moons'.*\], got 'swiss-roll'",
     lambda: api("data:make_toy")("swiss-roll")),
    ("toy-n", ValueError, r"n \(the number of points\) must be an integer at least 2", lambda: api("data:circle")(1)),
    ("toy-noise", ValueError, r"noise must be a finite number in \[0, ∞\)", lambda: api("data:circle")(100, noise=-1)),
    ("toy-ratio", ValueError, r"test_ratio must be a finite number in \[0, 1\)",
     lambda: api("data:xor")(100, test_ratio=1.5)),
    ("toy-n-str", TypeError, r"n \(the number of points\) must be an integer, got '100'", lambda: api("data:moons")("100")),
    ("toy-classes", ValueError, r"classes must be an integer at least 2", lambda: api("data:spiral")(100, classes=1)),
    ("blobs-classes", ValueError, r"classes must be an integer at least 2", lambda: api("data:blobs")(100, classes=1)),
    ("plane-noise", ValueError, r"noise must be a finite number in \[0, ∞\)", lambda: api("data:plane")(100, noise=-1)),
    ("toy-seed", ValueError, r"seed must be an integer at least 0", lambda: api("data:gaussian")(100, seed=-1)),
    ("truth-table", ValueError, r"gate must be one of \['AND', 'NAND', 'OR', 'XOR'\]", lambda: api("data:truth_table")(3)),
    # --- generative: autoencoders, GANs, toy targets, sample measures --------------------------------------
    ("gen-target-name", ValueError, r"sample_target: name must be one of \['ring', 'line', 'moons'\], got 'spiral'",
     lambda: api("generative:sample_target")("spiral", 10)),
    ("gen-target-n", ValueError, r"n must be an integer at least 2, got 0", lambda: api("generative:sample_target")("ring", 0)),
    ("gen-target-n-float", TypeError, r"n must be an integer, got 10\.0",
     lambda: api("generative:sample_target")("ring", 10.0)),
    ("gen-target-seed", ValueError, r"seed must be an integer at least 0",
     lambda: api("generative:sample_target")("ring", 10, seed=-1)),
    ("gen-noise-level", ValueError, r"level must be a finite number in \[0, ∞\)",
     lambda: api("generative:add_noise")(Z(2, 784), -0.1)),
    ("gen-noise-x", TypeError, r"x must be an array of real numbers", lambda: api("generative:add_noise")("img", 0.1)),
    ("gen-pixel-shape", ValueError, r"y must be of shape \(2, 784\), got shape \(2, 10\)",
     lambda: api("generative:pixel_error")(Z(2, 10), Z(2, 784))),
    ("gen-energy-d", ValueError, r"y must be of shape \(any, 2\), got shape \(3, 1\)",
     lambda: api("generative:energy_distance")(Z(3, 2), Z(3, 1))),
    ("gen-energy-empty", ValueError, r"x must be non-empty", lambda: api("generative:energy_distance")(Z(0, 2), Z(3, 2))),
    ("gen-modes-shape", ValueError, r"samples must be of shape \(any, 2\)",
     lambda: api("generative:mode_coverage")(Z(5, 3))),
    ("gen-digits-probs", ValueError, r"probs must be an array with 2 axes",
     lambda: api("generative:digit_coverage")(Z(10))),
    ("gen-nearest-k", ValueError, r"k must be an integer between 1 and 3",
     lambda: api("generative:nearest_labels")(Z(3, 2), [0, 1, 2], [0.0, 0.0], k=5)),
    ("gen-nearest-labels", ValueError, r"labels must be 3 labels \(one per sample\)",
     lambda: api("generative:nearest_labels")(Z(3, 2), [0, 1], [0.0, 0.0])),
    ("gen-ae-code", ValueError, r"code_dim must be an integer at least 1, got 0",
     lambda: api("generative:dense_autoencoder")(code_dim=0)),
    ("gen-ae-hidden", TypeError, r"hidden must be a tuple of positive integers",
     lambda: api("generative:dense_autoencoder")(hidden=64)),
    ("gen-train-ae-epochs", TypeError, r"train_autoencoder: epochs must be an integer, got 2\.5",
     lambda: api("generative:train_autoencoder")(api("generative:dense_autoencoder")(hidden=(4,))[0], Z(4, 784),
                                                 epochs=2.5)),
    ("gen-train-ae-x", ValueError, r"train_autoencoder: x must be of shape \(any, 784\), got shape \(4, 10\)",
     lambda: api("generative:train_autoencoder")(api("generative:dense_autoencoder")(hidden=(4,))[0], Z(4, 10),
                                                 epochs=1)),
    ("gen-train-ae-lr", ValueError, r"lr must be a finite number in \(0, ∞\)",
     lambda: api("generative:train_autoencoder")(api("generative:dense_autoencoder")(hidden=(4,))[0], Z(4, 784),
                                                 epochs=1, lr=0)),
    ("gen-pca-test", ValueError, r"x_test must be of shape \(any, 3\), got shape \(2, 4\)",
     lambda: api("generative:pca_reconstruction_error")(Z(5, 3), Z(2, 4))),
    ("gen-digits-threshold", ValueError, r"threshold must be a finite number in \[0, 1\]",
     lambda: api("generative:digit_coverage")(Z(2, 10), threshold=1.5)),
    ("gen-pca-k", ValueError, r"k must be an integer between 1 and 3",
     lambda: api("generative:pca_reconstruction_error")(Z(5, 3), Z(2, 3), 0)),
    ("gen-loss-kind", ValueError, r"generator_loss: kind must be one of \['minimax', 'nonsaturating'\], got 'wasserstein'",
     lambda: api("generative:generator_loss")(Z(2), "wasserstein")),
    ("gen-slope-kind", ValueError, r"generator_loss_slope: kind must be one of",
     lambda: api("generative:generator_loss_slope")(0.5, "hinge")),
    ("gan-target", ValueError, r"ToyGAN: target must be one of \['ring', 'line', 'moons'\]",
     lambda: api("generative:ToyGAN")("spiral")),
    ("gan-loss", ValueError, r"ToyGAN: loss must be one of", lambda: api("generative:ToyGAN")(loss="least-squares")),
    ("gan-lr-d", ValueError, r"lr_d must be a finite number in \(0, ∞\), got 0\.0",
     lambda: api("generative:ToyGAN")(lr_d=0.0)),
    ("gan-d-steps", ValueError, r"d_steps must be an integer at least 1", lambda: api("generative:ToyGAN")(d_steps=0)),
    ("gan-noise-dim", TypeError, r"noise_dim must be an integer, got 2\.0", lambda: api("generative:ToyGAN")(noise_dim=2.0)),
    ("gan-real", ValueError, r"GAN: real must be an \(N, d\) array of at least 2 samples",
     lambda: api("generative:GAN")(api("generative:toy_generator")(), api("generative:toy_discriminator")(), Z(1, 2),
                                   noise_dim=2)),
    ("gan-noise-kind", ValueError, r"GAN: noise must be one of \['uniform', 'normal'\]",
     lambda: api("generative:GAN")(api("generative:toy_generator")(), api("generative:toy_discriminator")(), Z(4, 2),
                                   noise_dim=2, noise="cauchy")),
    ("gan-set-lr", ValueError, r"ToyGAN\.set: lr_g must be a finite number",
     lambda: api("generative:ToyGAN")().set(lr_g=float("nan"))),
    ("gan-train-rounds", ValueError, r"ToyGAN\.train: rounds must be an integer at least 0",
     lambda: api("generative:ToyGAN")().train(-1)),
    # --- config.size ---------------------------------------------------------------------------------------
    ("size-str", TypeError, r"full must be a number or None, got '20'", lambda: api("config:size")(full="20", smoke=2)),
    ("size-mixed", TypeError, r"full and smoke must both be ints \(counts\) or both floats",
     lambda: api("config:size")(full=20, smoke=2.5)),
    # --- tfbasics ----------------------------------------------------------------------------------------
    ("np-dtype", ValueError, r"name must be a numpy dtype name such as 'float32', got 'float7'",
     lambda: api("tfbasics:numpy_dtype_info")("float7")),
    ("np-dtype-int", TypeError, r"name must be a dtype name \(a str such as 'float32'\), got 3",
     lambda: api("tfbasics:numpy_dtype_info")(3)),
    ("dtype-table", ValueError, r"library must be one of \['numpy', 'np', 'tensorflow', 'tf'\], got 'torch'",
     lambda: api("tfbasics:dtype_table")("torch")),
    ("graph-ops", TypeError, r"fn must be a function", lambda: api("tfbasics:graph_ops")(5)),
    ("sequential-tf", ValueError, r"variables must be a dict with the keys of net.params",
     lambda: api("tfbasics:sequential_loss_tf")(net(), {}, *toy())),
]


def test_the_table_has_over_a_hundred_distinct_rows_that_each_name_an_argument():
    ids = [row[0] for row in CASES]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)
    for case_id, exc, pattern, _ in CASES:
        assert exc == NAN or " must " in pattern or "called before forward" in pattern or "is missing" in pattern \
            or "does not fit" in pattern or "larger than" in pattern, f"{case_id}: the pattern must name what is expected"


@pytest.mark.parametrize("case_id, exc, pattern, call", CASES, ids=[row[0] for row in CASES])
def test_bad_input_gives_a_clear_error(case_id, exc, pattern, call):
    if exc == NAN:
        with np.errstate(all="ignore"):
            assert np.isnan(call()), "a network with NaN weights must not report a plausible number"
        return
    with pytest.raises(exc) as info:
        call()
    assert re.search(pattern, str(info.value)), f"unclear message: {info.value}"
