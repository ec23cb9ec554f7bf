"""Activation functions (激活函数), softmax, losses (损失函数) and numerical gradients.

Every function works element-wise on arrays of any shape unless a shape is stated,
and stays finite without overflow warnings for extreme inputs (logits of ±1e4 and more).
Arguments are checked once at the top of each function (:mod:`dlnotes.checks`).
"""

from __future__ import annotations

import numpy as np

from dlnotes import checks

__all__ = [
    "ACTIVATIONS",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_with_logits",
    "d_binary_cross_entropy_with_logits",
    "d_cross_entropy_with_logits",
    "d_identity",
    "d_leaky_relu",
    "d_mse",
    "d_relu",
    "d_sigmoid",
    "d_step",
    "d_tanh",
    "identity",
    "leaky_relu",
    "logit_gradients",
    "log_softmax",
    "mse",
    "numerical_gradient",
    "one_hot",
    "relative_error",
    "relu",
    "sigmoid",
    "softmax",
    "step",
    "tanh",
]


# --- activations and their derivatives ---------------------------------------------
def step(x):
    """Step function: 1 where x > 0, else 0 (same shape as x)."""
    return (checks.array(x, "x", "step") > 0).astype(float)


def d_step(x):
    """Derivative of the step function: 0 everywhere (undefined at 0; we use 0)."""
    return np.zeros_like(checks.array(x, "x", "d_step"))


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), computed without overflow for any x."""
    x = checks.array(x, "x", "sigmoid")
    # e^{-|x|} is in (0, 1]: never overflows. For x >= 0: 1/(1+e^-x); for x < 0: e^x/(1+e^x).
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def d_sigmoid(x):
    """Derivative of the sigmoid: s(x) (1 - s(x))."""
    s = sigmoid(checks.array(x, "x", "d_sigmoid"))
    return s * (1.0 - s)


def tanh(x):
    """Hyperbolic tangent (numpy's is already stable)."""
    return np.tanh(checks.array(x, "x", "tanh"))


def d_tanh(x):
    """Derivative of tanh: 1 - tanh(x)^2."""
    return 1.0 - np.tanh(checks.array(x, "x", "d_tanh")) ** 2


def relu(x):
    """Rectified linear unit max(0, x)."""
    return np.maximum(0.0, checks.array(x, "x", "relu"))


def d_relu(x):
    """Derivative of ReLU: 1 where x > 0, else 0."""
    return (checks.array(x, "x", "d_relu") > 0).astype(float)


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x where x > 0, else alpha * x."""
    x = checks.array(x, "x", "leaky_relu")
    alpha = checks.number(alpha, "alpha", "leaky_relu")
    return np.where(x > 0, x, alpha * x)


def d_leaky_relu(x, alpha=0.01):
    """Derivative of leaky ReLU: 1 where x > 0, else alpha."""
    x = checks.array(x, "x", "d_leaky_relu")
    return np.where(x > 0, 1.0, checks.number(alpha, "alpha", "d_leaky_relu"))


def identity(x):
    """Identity (恒等函数): the output activation for regression."""
    return checks.array(x, "x", "identity")


def d_identity(x):
    """Derivative of the identity: 1 everywhere."""
    return np.ones_like(checks.array(x, "x", "d_identity"))


ACTIVATIONS = {
    "step": (step, d_step),
    "sigmoid": (sigmoid, d_sigmoid),
    "tanh": (tanh, d_tanh),
    "relu": (relu, d_relu),
    "leaky_relu": (leaky_relu, d_leaky_relu),
    "identity": (identity, d_identity),
}
"""Name -> (function, derivative), for explorers and layers that pick by name."""


# --- softmax ---------------------------------------------------------------------------------
def _logits(a, axis, where):
    """Logits as float64 and a valid ``axis`` along which there is at least one entry."""
    a = checks.array(a, "a", where, nonempty=True)
    if a.ndim == 0:
        checks.fail(where, "a", "an array of logits with at least one axis", checks.describe(a))
    checks.integer(axis, "axis", where, minimum=-a.ndim, maximum=a.ndim - 1)
    return a


def softmax(a, axis=-1):
    """Softmax along ``axis``: exp(a - max) / sum(exp(a - max)); rows sum to 1, never overflows.

    ``a``: logits of any shape, e.g. (N, K) for N samples and K classes.
    """
    a = _logits(a, axis, "softmax")
    shifted = a - np.max(a, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(a, axis=-1):
    """log(softmax(a)) computed as (a - max) - log(sum(exp(a - max))): finite for any logits."""
    a = _logits(a, axis, "log_softmax")
    shifted = a - np.max(a, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def one_hot(labels, num_classes=None):
    """Integer labels of shape (N,) -> one-hot matrix (N, K) (独热编码); K = max label + 1 unless given."""
    if num_classes is not None:
        num_classes = checks.integer(num_classes, "num_classes", "one_hot", minimum=1)
    labels = checks.labels(labels, "labels", "one_hot", k=num_classes)
    if num_classes is None and labels.size == 0:
        raise ValueError("one_hot: num_classes must be given for an empty labels array (there is no largest label)")
    k = int(labels.max()) + 1 if num_classes is None else num_classes
    out = np.zeros((labels.size, k))
    out[np.arange(labels.size), labels] = 1.0
    return out


# --- losses ----------------------------------------------------------------------------
def _pair(y, t, where, y_name="y"):
    """Predictions and targets of the same shape, as float64 (a loss of nothing is an error)."""
    y = checks.array(y, y_name, where, nonempty=True)
    return y, checks.array(t, "t", where, shape=y.shape, hint=f"targets have the shape of {y_name}")


def _with_targets(y, t, where, y_name="y"):
    """A batch (N, K) or one sample (K,) of predictions, and targets -> float (N, K) both, and whether it was one sample.

    ``t`` is labels (N,) or one-hot / soft targets (N, K); for one sample, one label or a (K,) vector.
    """
    y = checks.array(y, y_name, where, ndim=(1, 2), nonempty=True, hint=f"{y_name} is (N, K) or one sample (K,)")
    single = y.ndim == 1
    if single:
        t = checks.array(t, "t", where, dtype=None)
        y, t = y[None], (t[None] if t.ndim == 1 else t.reshape(1) if t.ndim == 0 else t)
    return y, checks.targets(t, y.shape, "t", where), single


def mse(y, t):
    """Mean squared error 0.5 * sum((y - t)^2) / N over a batch (N, ...) (the book's 1/2 convention).

    For a single sample (1-D ``y``) N = 1.
    """
    y, t = _pair(y, t, "mse")
    n = y.shape[0] if y.ndim > 1 else 1
    return 0.5 * np.sum((y - t) ** 2) / n


def cross_entropy(y, t, eps=1e-12):
    """Categorical cross-entropy -sum(t log y) / N for probabilities ``y`` (N, K).

    ``t`` is integer labels (N,) or one-hot / soft targets (N, K). Probabilities are
    clipped to [eps, 1] so a confident wrong answer gives a large finite loss, not inf.
    """
    y, t, _ = _with_targets(y, t, "cross_entropy")
    eps = checks.number(eps, "eps", "cross_entropy", low=0.0, high=1.0, low_open=True, high_open=True)
    if np.any(y < 0) or np.any(y > 1):
        raise ValueError(f"cross_entropy: y must be probabilities in [0, 1], got values {y.min():.3g}..{y.max():.3g}; "
                         f"for logits use cross_entropy_with_logits")
    return -np.sum(t * np.log(np.clip(y, eps, 1.0))) / y.shape[0]


def cross_entropy_with_logits(a, t):
    """Categorical cross-entropy of softmax(a) against ``t``, computed from logits (N, K).

    Uses log-softmax, so it is exact and finite even for logits of ±1e4.
    """
    a, t, _ = _with_targets(a, t, "cross_entropy_with_logits", "a")
    return -np.sum(t * log_softmax(a, axis=-1)) / a.shape[0]


def _probabilities(p, t, where):
    p, t = _pair(p, t, where, "p")
    for name, v in (("p", p), ("t", t)):
        if np.any(v < 0) or np.any(v > 1):
            raise ValueError(f"{where}: {name} must lie in [0, 1], got values {v.min():.3g}..{v.max():.3g}")
    return p, t


def binary_cross_entropy(p, t, eps=1e-12):
    """Binary cross-entropy -mean(t log p + (1-t) log(1-p)) for probabilities ``p`` (any shape)."""
    p, t = _probabilities(p, t, "binary_cross_entropy")
    eps = checks.number(eps, "eps", "binary_cross_entropy", low=0.0, high=0.5, low_open=True, high_open=True)
    p = np.clip(p, eps, 1.0 - eps)
    return -np.mean(t * np.log(p) + (1.0 - t) * np.log(1.0 - p))


def binary_cross_entropy_with_logits(z, t):
    """Binary cross-entropy of sigmoid(z) against ``t`` from logits: mean(max(z,0) - z t + log(1+e^-|z|))."""
    z, t = _pair(z, t, "binary_cross_entropy_with_logits", "z")
    return np.mean(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z))))


def d_mse(y, t):
    """Gradient of :func:`mse` with respect to ``y``: (y - t) / N (same shape as y)."""
    y, t = _pair(y, t, "d_mse")
    n = y.shape[0] if y.ndim > 1 else 1
    return (y - t) / n


def d_cross_entropy_with_logits(a, t):
    """Gradient of :func:`cross_entropy_with_logits` with respect to the logits: (softmax(a) - t) / N, shape (N, K)."""
    a, t, single = _with_targets(a, t, "d_cross_entropy_with_logits", "a")
    g = (softmax(a, axis=-1) - t) / a.shape[0]
    return g[0] if single else g


def d_binary_cross_entropy_with_logits(z, t):
    """Gradient of :func:`binary_cross_entropy_with_logits` with respect to ``z``: (sigmoid(z) - t) / z.size."""
    z, t = _pair(z, t, "d_binary_cross_entropy_with_logits", "z")
    return (sigmoid(z) - t) / z.size


def logit_gradients(a):
    """For one sigmoid output y = sigmoid(a) with target t = 1: (y, dCE/da, dMSE/da), any shape of ``a``.

    Cross-entropy -log y has the gradient y - t = y - 1; MSE (y - 1)² / 2 has (y - 1) y (1 - y):
    the sigmoid's slope y (1 - y) makes MSE's push fade when the output is confidently wrong.
    """
    y = sigmoid(checks.array(a, "a", "logit_gradients"))
    return y, y - 1.0, (y - 1.0) * y * (1.0 - y)


# --- numerical differentiation -------------------------------------------------------------
def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient (f(x+h) - f(x-h)) / 2h of scalar ``f`` at array ``x`` (same shape as x).

    ``x`` is perturbed in place one entry at a time and restored, so ``f`` may close
    over it (as the book's ``numerical_gradient(lambda w: net.loss(x, t), net.W)`` does).
    """
    where = "numerical_gradient"
    checks.function(f, "f", where)
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"{where}: x must be a float numpy array (it is changed in place by ±h, which an int "
                        f"array cannot hold), got {checks.describe(x)}")
    h = checks.number(h, "h", where, low=0.0, low_open=True)
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i].copy()
        x[i] = old + h
        fp = _scalar(f(x), where)
        x[i] = old - h
        fm = _scalar(f(x), where)
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def _scalar(value, where) -> float:
    if np.size(value) != 1 or np.asarray(value).dtype.kind not in "biuf":
        raise TypeError(f"{where}: f must return one number (a scalar loss), got {checks.describe(value)}")
    return float(np.asarray(value).reshape(()))


def relative_error(a, b, floor=1e-12):
    """max |a - b| / max(|a| + |b|, floor): the gradient-check metric (0 when equal)."""
    a = checks.array(a, "a", "relative_error", nonempty=True)
    b = checks.array(b, "b", "relative_error", shape=a.shape, hint="compare arrays of the same shape")
    floor = checks.number(floor, "floor", "relative_error", low=0.0, low_open=True)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
