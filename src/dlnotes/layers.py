"""Layers (层) with ``forward`` and ``backward``: the building blocks of backpropagation (误差反向传播).

Every layer shares one interface, as in *Deep Learning from Scratch*:

- ``forward(x, train=True) -> y`` computes the output and caches only what
  ``backward`` needs;
- ``backward(dout) -> dx`` takes dL/dy and returns dL/dx, filling ``grads``
  (dL/dparam) for every entry of ``params``.

``params`` and ``grads`` are dicts name -> float64 ndarray with the same keys (empty for
parameter-free layers). An optimiser's ``update(params, grads)`` changes the very arrays
the layer computes with.
"""

from __future__ import annotations

import numpy as np

from dlnotes.functions import log_softmax, sigmoid

__all__ = ["ACTIVATION_LAYERS", "Affine", "Identity", "Layer", "ReLU", "Sigmoid", "SoftmaxWithLoss", "Tanh"]


def _as_float(x, name="x") -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be numeric array-like, got {type(x).__name__}") from exc
    return arr


class Layer:
    """Base class: ``forward(x, train=True) -> y`` and ``backward(dout) -> dx``; ``params``/``grads`` dicts."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x, train=True):  # pragma: no cover - abstract
        """Output y for input x (shapes depend on the layer)."""
        raise NotImplementedError

    def backward(self, dout):  # pragma: no cover - abstract
        """Gradient dL/dx (shape of x) from dL/dy (shape of y)."""
        raise NotImplementedError

    def _need_forward(self, attr):
        if getattr(self, attr, None) is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")

    def __repr__(self):
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Affine(Layer):
    """Affine (仿射) layer y = x W + b: x (N, ...) flattened to (N, D), W (D, M), b (M,) -> y (N, M)."""

    def __init__(self, W, b):
        super().__init__()
        W = _as_float(W, "W")
        b = _as_float(b, "b")
        if W.ndim != 2:
            raise ValueError(f"Affine weights W must be 2-D (D, M), got shape {W.shape}")
        if b.shape != (W.shape[1],):
            raise ValueError(f"Affine bias b must have shape ({W.shape[1]},) to match W {W.shape}, got {b.shape}")
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

    def forward(self, x, train=True):
        """x (N, ...) -> x.reshape(N, D) @ W + b, shape (N, M)."""
        x = _as_float(x)
        if x.ndim < 1:
            raise ValueError("Affine input must have a batch axis: shape (N, ...)")
        x2 = x.reshape(x.shape[0], -1) if x.ndim != 2 else x
        D = self.params["W"].shape[0]
        if x2.shape[1] != D:
            raise ValueError(
                f"Affine expects {D} features per sample (W has shape {self.params['W'].shape}), "
                f"but x of shape {x.shape} has {x2.shape[1]}"
            )
        self._x, self._x_shape = x2, x.shape
        return x2 @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        """dout (N, M) -> dx (shape of x); sets grads W = x^T dout (D, M), b = sum_n dout (M,)."""
        self._need_forward("_x")
        dout = _as_float(dout, "dout")
        self.grads["W"] = self._x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return (dout @ self.params["W"].T).reshape(self._x_shape)


class ReLU(Layer):
    """ReLU: y = max(0, x), any shape; backward lets dout through where x > 0 (a switch, 开关)."""

    def __init__(self):
        super().__init__()
        self._mask = None

    def forward(self, x, train=True):
        """x (any shape) -> max(0, x) (same shape)."""
        x = _as_float(x)
        self._mask = x > 0
        return np.where(self._mask, x, 0.0)

    def backward(self, dout):
        """dout (shape of x) -> dout where x > 0, else 0."""
        self._need_forward("_mask")
        return np.where(self._mask, dout, 0.0)


class Sigmoid(Layer):
    """Sigmoid: y = 1 / (1 + e^-x), any shape; backward dx = dout * y (1 - y) (caches y only)."""

    def __init__(self):
        super().__init__()
        self._y = None

    def forward(self, x, train=True):
        """x (any shape) -> sigmoid(x) (same shape), overflow-free."""
        self._y = sigmoid(_as_float(x))
        return self._y

    def backward(self, dout):
        """dout (shape of x) -> dout * y (1 - y)."""
        self._need_forward("_y")
        return dout * self._y * (1.0 - self._y)


class Tanh(Layer):
    """Tanh: y = tanh(x), any shape; backward dx = dout * (1 - y^2) (caches y only)."""

    def __init__(self):
        super().__init__()
        self._y = None

    def forward(self, x, train=True):
        """x (any shape) -> tanh(x) (same shape)."""
        self._y = np.tanh(_as_float(x))
        return self._y

    def backward(self, dout):
        """dout (shape of x) -> dout * (1 - y^2)."""
        self._need_forward("_y")
        return dout * (1.0 - self._y**2)


class Identity(Layer):
    """Identity (恒等) activation: y = x; backward passes dout through unchanged."""

    def forward(self, x, train=True):
        """x (any shape) -> x as float64."""
        return _as_float(x)

    def backward(self, dout):
        """dout -> dout."""
        return _as_float(dout, "dout")


ACTIVATION_LAYERS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "identity": Identity, "linear": Identity}
"""Activation name -> layer class ("linear" is another name for "identity")."""


def _targets(t, n, k) -> np.ndarray:
    """Integer labels (N,) or one-hot / soft targets (N, K) -> float one-hot (N, K), with clear errors."""
    t = np.asarray(t)
    if t.ndim == 1:
        if t.shape[0] != n:
            raise ValueError(f"got {t.shape[0]} labels for {n} samples")
        if not (np.issubdtype(t.dtype, np.integer) or (np.issubdtype(t.dtype, np.floating) and np.all(t == np.round(t)))):
            raise TypeError(f"labels must be integers 0..{k - 1}, got dtype {t.dtype}")
        labels = t.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= k):
            raise ValueError(f"labels must lie in 0..{k - 1} for {k} classes, got {labels.min()}..{labels.max()}")
        out = np.zeros((n, k))
        out[np.arange(n), labels] = 1.0
        return out
    if t.shape != (n, k):
        raise ValueError(f"targets must be labels ({n},) or one-hot ({n}, {k}), got shape {t.shape}")
    return _as_float(t, "t")


class SoftmaxWithLoss(Layer):
    """Softmax + cross-entropy (交叉熵) on logits (N, K): scalar mean loss; backward (softmax - onehot) / N."""

    def __init__(self):
        super().__init__()
        self._y = None
        self._t = None
        self.loss = None

    def forward(self, x, t=None, train=True):
        """logits x (N, K), targets t labels (N,) or one-hot (N, K) -> mean cross-entropy (float)."""
        if t is None:
            raise TypeError("SoftmaxWithLoss.forward needs targets: forward(logits, t)")
        a = _as_float(x, "logits")
        if a.ndim != 2:
            raise ValueError(f"logits must have shape (N, K), got {a.shape}")
        onehot = _targets(t, a.shape[0], a.shape[1])
        logp = log_softmax(a, axis=1)
        self._y = np.exp(logp)
        self._t = onehot
        self.loss = float(-np.sum(onehot * logp) / a.shape[0])
        return self.loss

    @property
    def probabilities(self) -> np.ndarray:
        """softmax of the last logits, (N, K)."""
        self._need_forward("_y")
        return self._y

    def backward(self, dout=1.0):
        """dout (scalar dL/dloss) -> dlogits (N, K) = (softmax - onehot) / N * dout."""
        self._need_forward("_y")
        return (self._y - self._t) * (float(dout) / self._y.shape[0])
