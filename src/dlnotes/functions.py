"""Activation functions (激活函数), softmax, losses (损失函数) and numerical gradients.

Every function works element-wise on arrays of any shape unless a shape is stated,
and stays finite without overflow warnings for extreme inputs (logits of ±1e4 and more).
"""

from __future__ import annotations

import numpy as np

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
    return (np.asarray(x) > 0).astype(float)


def d_step(x):
    """Derivative of the step function: 0 everywhere (undefined at 0; we use 0)."""
    return np.zeros_like(np.asarray(x, dtype=float))


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), computed without overflow for any x."""
    x = np.asarray(x, dtype=float)
    # e^{-|x|} is in (0, 1]: never overflows. For x >= 0: 1/(1+e^-x); for x < 0: e^x/(1+e^x).
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def d_sigmoid(x):
    """Derivative of the sigmoid: s(x) (1 - s(x))."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    """Hyperbolic tangent (numpy's is already stable)."""
    return np.tanh(np.asarray(x, dtype=float))


def d_tanh(x):
    """Derivative of tanh: 1 - tanh(x)^2."""
    return 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2


def relu(x):
    """Rectified linear unit max(0, x)."""
    return np.maximum(0.0, np.asarray(x, dtype=float))


def d_relu(x):
    """Derivative of ReLU: 1 where x > 0, else 0."""
    return (np.asarray(x) > 0).astype(float)


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: x where x > 0, else alpha * x."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def d_leaky_relu(x, alpha=0.01):
    """Derivative of leaky ReLU: 1 where x > 0, else alpha."""
    return np.where(np.asarray(x) > 0, 1.0, alpha)


def identity(x):
    """Identity (恒等函数): the output activation for regression."""
    return np.asarray(x, dtype=float)


def d_identity(x):
    """Derivative of the identity: 1 everywhere."""
    return np.ones_like(np.asarray(x, dtype=float))


ACTIVATIONS = {
    "step": (step, d_step),
    "sigmoid": (sigmoid, d_sigmoid),
    "tanh": (tanh, d_tanh),
    "relu": (relu, d_relu),
    "leaky_relu": (leaky_relu, d_leaky_relu),
    "identity": (identity, d_identity),
}
"""Name -> (function, derivative), for explorers and layers that pick by name."""


# --- softmax ---------------------------------------------------------------------------
def softmax(a, axis=-1):
    """Softmax along ``axis``: exp(a - max) / sum(exp(a - max)); rows sum to 1, never overflows.

    ``a``: logits of any shape, e.g. (N, K) for N samples and K classes.
    """
    a = np.asarray(a, dtype=float)
    shifted = a - np.max(a, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(a, axis=-1):
    """log(softmax(a)) computed as (a - max) - log(sum(exp(a - max))): finite for any logits."""
    a = np.asarray(a, dtype=float)
    shifted = a - np.max(a, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def one_hot(labels, num_classes=None):
    """Integer labels of shape (N,) -> one-hot matrix (N, K) (独热编码)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"one_hot expects a 1-D array of integer labels, got shape {labels.shape} dtype {labels.dtype}")
    k = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}, got {labels.min()}..{labels.max()}")
    out = np.zeros((labels.size, k))
    out[np.arange(labels.size), labels] = 1.0
    return out


# --- losses ----------------------------------------------------------------------------
def mse(y, t):
    """Mean squared error 0.5 * sum((y - t)^2) / N over a batch (N, ...) (the book's 1/2 convention).

    For a single sample (1-D ``y``) N = 1.
    """
    y, t = _same_shape(y, t, "mse")
    n = y.shape[0] if y.ndim > 1 else 1
    return 0.5 * np.sum((y - t) ** 2) / n


def _targets(t, y_shape, single, name):
    """Targets -> one-hot / soft targets of shape ``y_shape`` (N, K).

    ``t`` is one-hot or soft targets shaped like the predictions, integer labels (N,),
    or, when the predictions are one sample (``single``), one integer label.
    """
    t = np.asarray(t)
    if single and t.shape == tuple(y_shape[1:]):  # one sample: a one-hot / soft vector (K,)
        return t[None, :].astype(float)
    if not single and t.shape == tuple(y_shape):  # a batch of one-hot / soft targets (N, K)
        return t.astype(float)
    if np.issubdtype(t.dtype, np.integer) and t.shape == ((y_shape[0],) if not single else ()):
        return one_hot(np.atleast_1d(t), y_shape[-1])
    raise ValueError(
        f"{name}: targets of shape {t.shape} fit neither one-hot targets of shape {tuple(y_shape)} "
        f"nor integer labels of shape ({y_shape[0]},)"
    )


def cross_entropy(y, t, eps=1e-12):
    """Categorical cross-entropy -sum(t log y) / N for probabilities ``y`` (N, K).

    ``t`` is integer labels (N,) or one-hot / soft targets (N, K). Probabilities are
    clipped to [eps, 1] so a confident wrong answer gives a large finite loss, not inf.
    """
    y = np.asarray(y, dtype=float)
    single = y.ndim == 1
    y = np.atleast_2d(y)
    t = _targets(t, y.shape, single, "cross_entropy")
    y, t = _same_shape(y, t, "cross_entropy")
    return -np.sum(t * np.log(np.clip(y, eps, 1.0))) / y.shape[0]


def cross_entropy_with_logits(a, t):
    """Categorical cross-entropy of softmax(a) against ``t``, computed from logits (N, K).

    Uses log-softmax, so it is exact and finite even for logits of ±1e4.
    """
    a = np.asarray(a, dtype=float)
    single = a.ndim == 1
    a = np.atleast_2d(a)
    t = _targets(t, a.shape, single, "cross_entropy_with_logits")
    a, t = _same_shape(a, t, "cross_entropy_with_logits")
    return -np.sum(t * log_softmax(a, axis=-1)) / a.shape[0]


def binary_cross_entropy(p, t, eps=1e-12):
    """Binary cross-entropy -mean(t log p + (1-t) log(1-p)) for probabilities ``p`` (any shape)."""
    p, t = _same_shape(p, t, "binary_cross_entropy")
    p = np.clip(p, eps, 1.0 - eps)
    return -np.mean(t * np.log(p) + (1.0 - t) * np.log(1.0 - p))


def binary_cross_entropy_with_logits(z, t):
    """Binary cross-entropy of sigmoid(z) against ``t`` from logits: mean(max(z,0) - z t + log(1+e^-|z|))."""
    z, t = _same_shape(z, t, "binary_cross_entropy_with_logits")
    return np.mean(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z))))


def d_mse(y, t):
    """Gradient of :func:`mse` with respect to ``y``: (y - t) / N (same shape as y)."""
    y, t = _same_shape(y, t, "d_mse")
    n = y.shape[0] if y.ndim > 1 else 1
    return (y - t) / n


def d_cross_entropy_with_logits(a, t):
    """Gradient of :func:`cross_entropy_with_logits` with respect to the logits: (softmax(a) - t) / N, shape (N, K)."""
    a = np.asarray(a, dtype=float)
    single = a.ndim == 1
    a2 = np.atleast_2d(a)
    t = _targets(t, a2.shape, single, "d_cross_entropy_with_logits")
    g = (softmax(a2, axis=-1) - t) / a2.shape[0]
    return g[0] if single else g


def d_binary_cross_entropy_with_logits(z, t):
    """Gradient of :func:`binary_cross_entropy_with_logits` with respect to ``z``: (sigmoid(z) - t) / z.size."""
    z, t = _same_shape(z, t, "d_binary_cross_entropy_with_logits")
    return (sigmoid(z) - t) / z.size


def logit_gradients(a):
    """For one sigmoid output y = sigmoid(a) with target t = 1: (y, dCE/da, dMSE/da), any shape of ``a``.

    Cross-entropy -log y has the gradient y - t = y - 1; MSE (y - 1)² / 2 has (y - 1) y (1 - y):
    the sigmoid's slope y (1 - y) makes MSE's push fade when the output is confidently wrong.
    """
    y = sigmoid(np.asarray(a, dtype=float))
    return y, y - 1.0, (y - 1.0) * y * (1.0 - y)

def _same_shape(a, b, name):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"{name}: predictions have shape {a.shape} but targets have shape {b.shape}; they must match")
    return a, b


# --- numerical differentiation -------------------------------------------------------------
def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient (f(x+h) - f(x-h)) / 2h of scalar ``f`` at array ``x`` (same shape as x).

    ``x`` is perturbed in place one entry at a time and restored, so ``f`` may close
    over it (as the book's ``numerical_gradient(lambda w: net.loss(x, t), net.W)`` does).
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError("numerical_gradient needs a float array (an int array cannot hold x + h)")
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i].copy()
        x[i] = old + h
        fp = float(f(x))
        x[i] = old - h
        fm = float(f(x))
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def relative_error(a, b, floor=1e-12):
    """max |a - b| / max(|a| + |b|, floor): the gradient-check metric (0 when equal)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))
