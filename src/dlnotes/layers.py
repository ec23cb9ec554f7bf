"""Every numpy layer (层): ``forward`` and ``backward``, the building blocks of backpropagation (误差反向传播).

All layers subclass one :class:`Layer` and share its interface, as in *Deep Learning from Scratch*:

- ``forward(x, train=True) -> y`` computes the output and caches only what ``backward``
  needs; ``train=False`` is the inference mode (推理) of dropout and batch norm;
- ``backward(dout) -> dx`` takes dL/dy and returns dL/dx, filling ``grads`` (dL/dparam)
  for every entry of ``params``;
- ``output_shape(input_shape)`` says what ``forward`` returns, and raises a clear error
  for an input the layer cannot take.

``params`` and ``grads`` are dicts name -> float64 ndarray with the same keys (empty for
parameter-free layers). An optimiser's ``update(params, grads)`` changes the very arrays
the layer computes with.

Chapter 04: Affine, ReLU, Sigmoid, Tanh, Identity, SoftmaxWithLoss, and for the playground
InputFeatures (x1, x2 -> x1², sin πx1, ...) and MSELoss (regression). Chapter 05: BatchNorm,
Dropout. Chapter 06: Conv2D, MaxPool2D, AvgPool2D (channels first, (N, C, H, W); the
convolution arithmetic — output size, im2col — is in :mod:`dlnotes.conv`).
Inputs are checked once, by ``_check_x`` / ``_check_dout`` (see :mod:`dlnotes.checks`).
"""

from __future__ import annotations

import functools

import numpy as np

from dlnotes import checks
from dlnotes.conv import col2im, im2col, output_size
from dlnotes.functions import log_softmax, sigmoid

__all__ = [
    "ACTIVATION_LAYERS",
    "Affine",
    "AvgPool2D",
    "BatchNorm",
    "Conv2D",
    "Dropout",
    "INPUT_FEATURES",
    "Identity",
    "InputFeatures",
    "Layer",
    "MSELoss",
    "MaxPool2D",
    "ReLU",
    "Sigmoid",
    "SoftmaxWithLoss",
    "Tanh",
]


@functools.cache
def _where(cls, method) -> str:
    return f"{cls.__name__}.{method}"


class Layer:
    """Base class: ``forward(x, train=True) -> y`` and ``backward(dout) -> dx``; ``params``/``grads`` dicts."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._out_shape = None  # shape of the last forward output: backward's dout must have it

    def forward(self, x, train=True):  # pragma: no cover - abstract
        """Output y for input x (shapes depend on the layer)."""
        raise NotImplementedError

    def backward(self, dout):  # pragma: no cover - abstract
        """Gradient dL/dx (shape of x) from dL/dy (shape of y)."""
        raise NotImplementedError

    def output_shape(self, input_shape) -> tuple:
        """Shape of ``forward``'s output for an input of ``input_shape`` (the same, unless the layer says otherwise)."""
        return tuple(input_shape)

    def _where(self, method):
        return _where(type(self), method)

    def _check_x(self, x) -> np.ndarray:
        """forward's one check: x as float64, of a shape this layer takes; remembers the output shape."""
        x = checks.array(x, "x", self._where("forward"))
        self._out_shape = self.output_shape(x.shape)
        return x

    def _check_dout(self, dout) -> np.ndarray:
        """backward's one check: forward has run, and dout (as float64) has the shape of its output."""
        if self._out_shape is None:
            raise RuntimeError(f"{self._where('backward')} called before forward: run forward(x) first")
        return checks.array(dout, "dout", self._where("backward"), shape=self._out_shape,
                            hint="dout is dL/dy and has the shape of forward's output y")

    def __repr__(self):
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


def _weights(where, W, b, layout):
    """The constructor check of weights W (layout "(D, M)" or "(FN, C, FH, FW)") and one bias per output: float64."""
    W = checks.array(W, "W", where, ndim=layout.count(",") + 1, finite=True, hint=f"W is {layout}")
    n_out = W.shape[1] if W.ndim == 2 else W.shape[0]
    b = checks.array(b, "b", where, shape=(n_out,), finite=True, hint=f"one bias per output, to match W {W.shape}")
    return W, b


# --- chapter 04 --------------------------------------------------------------------------------
class Affine(Layer):
    """Affine (仿射) layer y = x W + b: x (N, ...) flattened to (N, D), W (D, M), b (M,) -> y (N, M)."""

    def __init__(self, W, b):
        super().__init__()
        W, b = _weights("Affine", W, b, "(D, M)")
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self._x = None
        self._x_shape = None

    @property
    def W(self) -> np.ndarray:
        """Weights (D, M) — the same array as ``params['W']``."""
        return self.params["W"]

    @property
    def b(self) -> np.ndarray:
        """Bias (M,) — the same array as ``params['b']``."""
        return self.params["b"]

    def output_shape(self, input_shape):
        """(N, M) for an input (N, ...) holding D = W.shape[0] numbers per sample."""
        checks.batch_of(input_shape, self.W.shape[0], "x", "Affine.forward",
                        hint=f"W has shape {self.W.shape}; one sample is x[None]")
        return (input_shape[0], self.W.shape[1])

    def forward(self, x, train=True):
        """x (N, ...) -> x.reshape(N, D) @ W + b, shape (N, M)."""
        x = self._check_x(x)
        self._x_shape = x.shape
        self._x = x.reshape(len(x), -1)
        return self._x @ self.W + self.b

    def backward(self, dout):
        """dout (N, M) -> dx (shape of x); sets grads W = x^T dout (D, M), b = sum_n dout (M,)."""
        dout = self._check_dout(dout)
        self.grads["W"] = self._x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self._x_shape)


class ReLU(Layer):
    """ReLU: y = max(0, x), any shape; backward lets dout through where x > 0 (a switch, 开关)."""

    def __init__(self):
        super().__init__()
        self._mask = None

    def forward(self, x, train=True):
        """x (any shape) -> max(0, x) (same shape)."""
        x = self._check_x(x)
        self._mask = x > 0
        return np.maximum(x, 0.0)

    def backward(self, dout):
        """dout (shape of x) -> dout where x > 0, else 0."""
        dout = self._check_dout(dout)
        return np.where(self._mask, dout, 0.0)


class Sigmoid(Layer):
    """Sigmoid: y = 1 / (1 + e^-x), any shape; backward dx = dout * y (1 - y) (caches y only)."""

    def __init__(self):
        super().__init__()
        self._y = None

    def forward(self, x, train=True):
        """x (any shape) -> sigmoid(x) (same shape), overflow-free."""
        self._y = sigmoid(self._check_x(x))
        return self._y

    def backward(self, dout):
        """dout (shape of x) -> dout * y (1 - y)."""
        dout = self._check_dout(dout)
        return dout * self._y * (1.0 - self._y)


class Tanh(Layer):
    """Tanh: y = tanh(x), any shape; backward dx = dout * (1 - y^2) (caches y only)."""

    def __init__(self):
        super().__init__()
        self._y = None

    def forward(self, x, train=True):
        """x (any shape) -> tanh(x) (same shape)."""
        self._y = np.tanh(self._check_x(x))
        return self._y

    def backward(self, dout):
        """dout (shape of x) -> dout * (1 - y^2)."""
        dout = self._check_dout(dout)
        return dout * (1.0 - self._y**2)


class Identity(Layer):
    """Identity (恒等) activation: y = x; backward passes dout through unchanged."""

    def forward(self, x, train=True):
        """x (any shape) -> x as float64."""
        return self._check_x(x)

    def backward(self, dout):
        """dout -> dout."""
        return self._check_dout(dout)


ACTIVATION_LAYERS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "identity": Identity, "linear": Identity}
"""Activation name -> layer class ("linear" is another name for "identity")."""


class SoftmaxWithLoss(Layer):
    """Softmax + cross-entropy (交叉熵) on logits (N, K): scalar mean loss; backward (softmax - onehot) / N."""

    def __init__(self):
        super().__init__()
        self._y = None
        self._t = None
        self.loss = None

    def forward(self, x, t=None, train=True):
        """logits x (N, K), targets t labels (N,) or one-hot (N, K) -> mean cross-entropy (float)."""
        x, self._t = self._check_inputs(x, t)
        logp = log_softmax(x, axis=1)
        self._y = np.exp(logp)
        self.loss = float(-np.sum(self._t * logp) / len(x))
        return self.loss

    def backward(self, dout=1.0):
        """dout (scalar dL/dloss) -> dlogits (N, K) = (softmax - onehot) / N * dout."""
        dout = self._check_dout(dout)
        return (self._y - self._t) * dout / len(self._y)

    def output_shape(self, input_shape):
        """() — the loss is one number, so backward's dout is one number too."""
        return ()

    @property
    def probabilities(self) -> np.ndarray:
        """softmax of the last logits, (N, K)."""
        if self._y is None:
            raise RuntimeError("SoftmaxWithLoss.probabilities: run forward(x, t) first")
        return self._y

    @staticmethod
    def targets(t, shape, name, where) -> np.ndarray:
        """Class targets for logits of ``shape`` (N, K): labels (N,) or one-hot / soft rows (N, K) -> float (N, K)."""
        return checks.targets(t, shape, name, where)

    def _check_inputs(self, x, t):
        where = self._where("forward")
        if t is None:
            raise TypeError(f"{where}: t (the targets) is missing: call forward(logits, t)")
        x = checks.array(x, "x (the logits)", where, ndim=2, nonempty=True, hint="logits are (N, K)")
        self._out_shape = self.output_shape(x.shape)
        return x, self.targets(t, x.shape, "t", where)


def _sin_pi(x):
    return np.sin(np.pi * x)


def _d_sin_pi(x):
    return np.pi * np.cos(np.pi * x)


INPUT_FEATURES = {
    # name: (f(x1, x2), df/dx1, df/dx2)
    "x1": (lambda a, b: a, lambda a, b: np.ones_like(a), lambda a, b: np.zeros_like(a)),
    "x2": (lambda a, b: b, lambda a, b: np.zeros_like(a), lambda a, b: np.ones_like(a)),
    "x1^2": (lambda a, b: a * a, lambda a, b: 2.0 * a, lambda a, b: np.zeros_like(a)),
    "x2^2": (lambda a, b: b * b, lambda a, b: np.zeros_like(a), lambda a, b: 2.0 * b),
    "x1*x2": (lambda a, b: a * b, lambda a, b: b, lambda a, b: a),
    "sin(pi*x1)": (lambda a, b: _sin_pi(a), lambda a, b: _d_sin_pi(a), lambda a, b: np.zeros_like(a)),
    "sin(pi*x2)": (lambda a, b: _sin_pi(b), lambda a, b: np.zeros_like(a), lambda a, b: _d_sin_pi(b)),
}
"""Feature name -> (value, d/dx1, d/dx2) of the point (x1, x2): TensorFlow Playground's seven inputs.

Playground's points span -6..6, so its sin x1 covers about two periods; the playground here
scales inputs to -1..1, so the sine features are sin(πx1), sin(πx2): one full period."""


class InputFeatures(Layer):
    """Input feature map (特征映射): points x (N, 2) -> the chosen features of (x1, x2), (N, F).

    ``features`` names entries of :data:`INPUT_FEATURES` ("x1", "x2", "x1^2", "x2^2", "x1*x2",
    "sin(pi*x1)", "sin(pi*x2)"), in the order of the output columns. With "x1^2" and "x2^2" a
    circle becomes a straight line in feature space. No parameters; ``backward`` returns
    dL/dx = sum over features of dout_f * grad f (the input plane's gradient).
    """

    def __init__(self, features=("x1", "x2")):
        super().__init__()
        where = "InputFeatures"
        if isinstance(features, str) or not isinstance(features, (list, tuple)):
            raise TypeError(f"{where}: features must be a list of feature names such as ['x1', 'x2', 'x1^2'], "
                            f"got {checks.describe(features)}")
        if not features:
            raise ValueError(f"{where}: features must name at least one feature of {list(INPUT_FEATURES)}, got []")
        for i, name in enumerate(features):
            checks.choice(name, f"features[{i}]", INPUT_FEATURES, where)
        if len(set(features)) != len(features):
            raise ValueError(f"{where}: features must not repeat a name, got {list(features)}")
        self.features = tuple(features)
        self._x = None

    def output_shape(self, input_shape):
        """(N, F) for points (N, 2), F = len(features)."""
        if len(input_shape) != 2 or input_shape[1] != 2:
            checks.fail("InputFeatures.forward", "x", "points of shape (N, 2)", f"shape {tuple(input_shape)}",
                        hint="one point is x[None]")
        return (input_shape[0], len(self.features))

    def forward(self, x, train=True):
        """x (N, 2) -> one column per feature, (N, F)."""
        self._x = x = self._check_x(x)
        a, b = x[:, 0], x[:, 1]
        return np.column_stack([INPUT_FEATURES[name][0](a, b) for name in self.features])

    def backward(self, dout):
        """dout (N, F) -> dx (N, 2): column j is sum_f dout[:, f] * df/dxj."""
        dout = self._check_dout(dout)
        a, b = self._x[:, 0], self._x[:, 1]
        dx = np.zeros_like(self._x)
        for f, name in enumerate(self.features):
            _, da, db = INPUT_FEATURES[name]
            dx[:, 0] += dout[:, f] * da(a, b)
            dx[:, 1] += dout[:, f] * db(a, b)
        return dx

    def __repr__(self):
        return f"InputFeatures({list(self.features)})"


class MSELoss(Layer):
    """Squared-error loss (均方误差) for regression: outputs x (N, K), targets t -> 0.5 * sum((x - t)^2) / N.

    The network's output is used as it is (no activation): a continuous prediction. This
    is :func:`dlnotes.functions.mse` as a layer (the book's 1/2 convention; TensorFlow
    Playground's "square" loss); backward gives (x - t) / N. Targets t: (N, K), or (N,) when K = 1.
    """

    def __init__(self):
        super().__init__()
        self._d = None
        self.loss = None

    def forward(self, x, t=None, train=True):
        """outputs x (N, K), targets t (N, K) or (N,) for K = 1 -> mean squared error (float)."""
        where = self._where("forward")
        if t is None:
            raise TypeError(f"{where}: t (the targets) is missing: call forward(outputs, t)")
        x = checks.array(x, "x (the outputs)", where, ndim=2, nonempty=True, hint="outputs are (N, K)")
        self._out_shape = ()
        self._d = x - self.targets(t, x.shape, "t", where)
        self.loss = float(0.5 * np.sum(self._d * self._d) / len(x))
        return self.loss

    def backward(self, dout=1.0):
        """dout (scalar dL/dloss) -> doutputs (N, K) = (x - t) / N * dout."""
        dout = self._check_dout(dout)
        return self._d * dout / len(self._d)

    def output_shape(self, input_shape):
        """() — the loss is one number."""
        return ()

    @staticmethod
    def targets(t, shape, name, where) -> np.ndarray:
        """Regression targets for outputs of ``shape`` (N, K): (N, K), or (N,) when K = 1 -> float (N, K)."""
        n, k = shape
        t = checks.array(t, name, where, finite=True, hint=f"regression targets are ({n}, {k}) numbers"
                         + (f" or ({n},)" if k == 1 else ""))
        if k == 1 and t.shape == (n,):
            return t[:, None]
        return checks.array(t, name, where, shape=(n, k), hint=f"regression targets are ({n}, {k}) numbers")


# --- chapter 05: batch normalization and dropout --------------------------------------------
class BatchNorm(Layer):
    """Batch normalisation (批量规范化) over features: x (N, D) or (N, C, ...) -> gamma * x_hat + beta, same shape.

    Training mode normalizes with the mini-batch mean and (biased) variance over every
    axis except axis 1 and updates the running averages
    ``running = momentum * running + (1 - momentum) * batch``; inference mode uses the
    running averages instead. ``params``: "gamma" (starts at 1) and "beta" (starts at 0),
    shape (D,). Keras' ``BatchNormalization`` uses the same formulas with
    ``momentum=0.99``; we default to 0.9 so short trainings get good running averages.
    """

    def __init__(self, num_features: int, momentum: float = 0.9, epsilon: float = 1e-3):
        super().__init__()
        self.num_features = checks.integer(num_features, "num_features", "BatchNorm", minimum=1)
        self.momentum = checks.number(momentum, "momentum", "BatchNorm", low=0.0, high=1.0, high_open=True)
        self.epsilon = checks.number(epsilon, "epsilon", "BatchNorm", low=0.0, low_open=True)
        D = self.num_features
        self.params = {"gamma": np.ones(D), "beta": np.zeros(D)}
        self.grads = {"gamma": np.zeros(D), "beta": np.zeros(D)}
        self.running_mean = np.zeros(D)
        self.running_var = np.ones(D)
        self._cache = None

    def output_shape(self, input_shape):
        """The input shape (N, D, ...), which must have D = num_features features on axis 1."""
        if len(input_shape) < 2 or input_shape[1] != self.num_features:
            raise ValueError(f"BatchNorm.forward: x must have shape (N, {self.num_features}, ...) "
                             f"(num_features={self.num_features}), got shape {tuple(input_shape)}")
        return tuple(input_shape)

    def forward(self, x, train=True):
        """x (N, D, ...) -> normalized, scaled and shifted output of the same shape."""
        x = self._check_x(x)
        axes = (0,) + tuple(range(2, x.ndim))             # every axis but the feature axis 1
        shape = (1, -1) + (1,) * (x.ndim - 2)              # (D,) vectors broadcast along those axes
        if train:
            # (a batch of one has variance 0: x_hat = 0 and the output is beta, as in Keras)
            mu = x.mean(axis=axes)
            xc = x - mu.reshape(shape)
            var = np.mean(xc * xc, axis=axes)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            xc = x - self.running_mean.reshape(shape)
            var = self.running_var
        std = np.sqrt(var + self.epsilon).reshape(shape)
        x_hat = xc / std
        self._cache = (x_hat, std, axes, shape, bool(train))
        return self.params["gamma"].reshape(shape) * x_hat + self.params["beta"].reshape(shape)

    def backward(self, dout):
        """dout (shape of x) -> dx; fills grads "gamma" = sum(dout * x_hat), "beta" = sum(dout)."""
        dout = self._check_dout(dout)
        x_hat, std, axes, shape, train = self._cache
        self.grads["beta"] = dout.sum(axis=axes)
        self.grads["gamma"] = (dout * x_hat).sum(axis=axes)
        dx_hat = dout * self.params["gamma"].reshape(shape)
        if not train:  # running statistics are constants: a per-feature affine map
            return dx_hat / std
        # dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std
        mean_d = dx_hat.mean(axis=axes).reshape(shape)
        mean_dx = (dx_hat * x_hat).mean(axis=axes).reshape(shape)
        return (dx_hat - mean_d - x_hat * mean_dx) / std

    def __repr__(self):
        return f"BatchNorm({self.num_features}, momentum={self.momentum}, epsilon={self.epsilon})"


class Dropout(Layer):
    """Inverted dropout (暂退法): at train time keep each unit with probability 1 - rate and scale by 1 / (1 - rate).

    At inference (``train=False``) it is the identity, exactly as Keras' ``Dropout(rate)``;
    the scaling keeps the expected activation unchanged. ``fixed_mask=True`` draws the
    mask once and reuses it on every later forward pass of the same shape, so a
    numerical gradient check sees one fixed function. No parameters.
    """

    def __init__(self, rate: float, seed: int | None = 0, fixed_mask: bool = False):
        super().__init__()
        self.rate = checks.number(rate, "rate (the dropout rate)", "Dropout", low=0.0, high=1.0, high_open=True)
        seed = None if seed is None else checks.integer(seed, "seed", "Dropout", minimum=0)
        self.rng = np.random.default_rng(seed)
        self.fixed_mask = checks.flag(fixed_mask, "fixed_mask", "Dropout")
        self.mask: np.ndarray | None = None
        self._scale = None

    def forward(self, x, train=True):
        """x (any shape) -> x * mask / (1 - rate) in training, x unchanged at inference."""
        x = self._check_x(x)
        if not train or self.rate == 0.0:
            self._scale = 1.0
            return x
        if not (self.fixed_mask and self.mask is not None and self.mask.shape == x.shape):
            self.mask = self.rng.random(x.shape) >= self.rate
        self._scale = self.mask / (1.0 - self.rate)
        return x * self._scale

    def backward(self, dout):
        """dout (shape of x) -> dout * mask / (1 - rate) (the same units pass as in forward)."""
        dout = self._check_dout(dout)
        return dout * self._scale

    def __repr__(self):
        return f"Dropout({self.rate})"


# --- chapter 06: convolution and pooling ------------------------------------------------------
class Conv2D(Layer):
    """Convolution (卷积) layer: filters ``W`` (FN, C, FH, FW), bias ``b`` (FN,), ``stride``, ``pad`` (zeros).

    ``forward`` maps (N, C, H, W) -> (N, FN, OH, OW) as one matrix product on
    :func:`dlnotes.conv.im2col`; ``backward`` returns dL/dx and stores dL/dW, dL/db in ``grads``.
    """

    def __init__(self, W, b, stride=1, pad=0, *, strict=True):
        super().__init__()
        W, b = _weights("Conv2D", W, b, "(FN, C, FH, FW)")
        self.stride = checks.integer(stride, "stride", "Conv2D", minimum=1)
        self.pad = checks.integer(pad, "pad", "Conv2D", minimum=0)
        self.strict = checks.flag(strict, "strict", "Conv2D")
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self._cache = None

    @property
    def W(self):
        """Filters (FN, C, FH, FW) — the same array as ``params['W']``."""
        return self.params["W"]

    @property
    def b(self):
        """Bias (FN,) — the same array as ``params['b']``."""
        return self.params["b"]

    def output_shape(self, input_shape):
        """(N, FN, OH, OW) for an input of shape (N, C, H, W)."""
        FN, C, FH, FW = self.W.shape
        if len(input_shape) != 4 or input_shape[1] != C:
            raise ValueError(f"Conv2D.forward: x must have shape (N, C, H, W) with C={C} channels (filters "
                             f"{self.W.shape}), got shape {tuple(input_shape)}; one grey image (H, W) is x[None, None]")
        N, _, H, W = input_shape
        OH = output_size(H, FH, self.pad, self.stride, strict=self.strict)
        OW = output_size(W, FW, self.pad, self.stride, strict=self.strict)
        return (N, FN, OH, OW)

    def forward(self, x, train=True):
        """(N, C, H, W) -> (N, FN, OH, OW)."""
        x = self._check_x(x)
        FN, C, FH, FW = self.W.shape
        N, _, OH, OW = self.output_shape(x.shape)
        col = im2col(x, FH, FW, self.stride, self.pad, strict=self.strict)  # (N*OH*OW, C*FH*FW)
        col_W = self.W.reshape(FN, -1).T                                    # (C*FH*FW, FN)
        out = col @ col_W + self.b                                          # (N*OH*OW, FN)
        self._cache = (x.shape, col, col_W)
        return out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)

    def backward(self, dout):
        """dL/dout (N, FN, OH, OW) -> dL/dx (N, C, H, W); fills grads["W"], grads["b"]."""
        dout = self._check_dout(dout)
        x_shape, col, col_W = self._cache
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.grads["b"] = dout.sum(axis=0)
        self.grads["W"] = (col.T @ dout).T.reshape(FN, C, FH, FW)
        dcol = dout @ col_W.T
        return col2im(dcol, x_shape, FH, FW, self.stride, self.pad, strict=self.strict)

    def __repr__(self):
        return f"Conv2D(W{self.W.shape}, stride={self.stride}, pad={self.pad})"


class _Pool2D(Layer):
    """Shared bookkeeping of the pooling layers (no parameters)."""

    pad_value = 0.0

    def __init__(self, pool_h=2, pool_w=None, stride=None, pad=0, *, strict=True):
        super().__init__()
        where = type(self).__name__
        self.pool_h = checks.integer(pool_h, "pool_h", where, minimum=1)
        self.pool_w = self.pool_h if pool_w is None else checks.integer(pool_w, "pool_w", where, minimum=1)
        self.stride = self.pool_h if stride is None else checks.integer(stride, "stride", where, minimum=1)
        self.pad = checks.integer(pad, "pad", where, minimum=0)
        if self.pad >= min(self.pool_h, self.pool_w):
            raise ValueError(
                f"{where}: pad={self.pad} must be smaller than the pool window ({self.pool_h}×{self.pool_w}), "
                f"otherwise a window could hold nothing but padding")
        self.strict = checks.flag(strict, "strict", where)
        self._cache = None

    def output_shape(self, input_shape):
        """(N, C, OH, OW) for an input of shape (N, C, H, W)."""
        if len(input_shape) != 4:
            raise ValueError(f"{self._where('forward')}: x must have shape (N, C, H, W), got shape "
                             f"{tuple(input_shape)}; one grey image (H, W) is x[None, None]")
        N, C, H, W = input_shape
        OH = output_size(H, self.pool_h, self.pad, self.stride, strict=self.strict)
        OW = output_size(W, self.pool_w, self.pad, self.stride, strict=self.strict)
        return (N, C, OH, OW)

    def _windows(self, x):
        """(N*OH*OW*C, pool_h*pool_w): one row per (sample, position, channel) window."""
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad, pad_value=self.pad_value, strict=self.strict)
        return col.reshape(-1, self.pool_h * self.pool_w)

    def _to_image(self, dwin, x_shape):
        """Window gradients (N*OH*OW*C, pool_h*pool_w) -> dL/dx (N, C, H, W) via col2im."""
        N, C, OH, OW = self.output_shape(x_shape)
        dcol = dwin.reshape(N * OH * OW, C * self.pool_h * self.pool_w)
        return col2im(dcol, x_shape, self.pool_h, self.pool_w, self.stride, self.pad, strict=self.strict)

    def _to_output(self, values, x_shape):
        """One value per window (N*OH*OW*C,) -> the output (N, C, OH, OW)."""
        N, C, OH, OW = self.output_shape(x_shape)
        return values.reshape(N, OH, OW, C).transpose(0, 3, 1, 2)

    def __repr__(self):
        return f"{type(self).__name__}({self.pool_h}×{self.pool_w}, stride={self.stride}, pad={self.pad})"


class MaxPool2D(_Pool2D):
    """Max pooling (最大池化): the largest value of each window, per channel. (N, C, H, W) -> (N, C, OH, OW).

    Padding, if any, never wins (it is -inf). The gradient flows only to each window's maximum.
    """

    pad_value = -np.inf

    def forward(self, x, train=True):
        """(N, C, H, W) -> (N, C, OH, OW)."""
        x = self._check_x(x)
        win = self._windows(x)
        arg = np.argmax(win, axis=1)
        self._cache = (x.shape, arg)
        return self._to_output(win[np.arange(len(win)), arg], x.shape)

    def backward(self, dout):
        """dL/dout (N, C, OH, OW) -> dL/dx (N, C, H, W)."""
        dout = self._check_dout(dout)
        x_shape, arg = self._cache
        dflat = dout.transpose(0, 2, 3, 1).ravel()
        dwin = np.zeros((dflat.size, self.pool_h * self.pool_w))
        dwin[np.arange(dflat.size), arg] = dflat
        return self._to_image(dwin, x_shape)


class AvgPool2D(_Pool2D):
    """Average pooling (平均池化): the mean of each window, per channel (zero padding counts). (N, C, H, W) -> (N, C, OH, OW)."""

    def forward(self, x, train=True):
        """(N, C, H, W) -> (N, C, OH, OW)."""
        x = self._check_x(x)
        self._cache = x.shape
        return self._to_output(self._windows(x).mean(axis=1), x.shape)

    def backward(self, dout):
        """dL/dout (N, C, OH, OW) -> dL/dx (N, C, H, W): each window entry gets dout / (pool_h*pool_w)."""
        dout = self._check_dout(dout)
        k = self.pool_h * self.pool_w
        dflat = dout.transpose(0, 2, 3, 1).ravel()
        return self._to_image(np.repeat(dflat[:, None] / k, k, axis=1), self._cache)
