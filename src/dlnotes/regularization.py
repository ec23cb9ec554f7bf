"""Batch normalization (批归一化), dropout (随机失活) and early stopping (早停): layers and a callback.

``BatchNorm`` and ``Dropout`` share the layer interface of :mod:`dlnotes.layers`
(``params`` / ``grads`` dicts, ``forward(x, train=True)``, ``backward(dout)``), so
:func:`dlnotes.network.MLP` can insert them. ``train=True`` is the training mode
(batch statistics, random masks); ``train=False`` the inference mode (推理).
L2 weight decay (权值衰减) lives in :class:`dlnotes.network.Sequential` (``l2=``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["BatchNorm", "Dropout", "EarlyStopping"]


def _as_float(x, name="x") -> np.ndarray:
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}") from exc


class BatchNorm:
    """Batch normalization over features: x (N, D) or (N, C, ...) -> gamma * x_hat + beta, same shape.

    Training mode normalizes with the mini-batch mean and (biased) variance over every
    axis except axis 1 and updates the running averages
    ``running = momentum * running + (1 - momentum) * batch``; inference mode uses the
    running averages instead. ``params``: "gamma" (starts at 1) and "beta" (starts at 0),
    shape (D,). Keras' ``BatchNormalization`` uses the same formulas with
    ``momentum=0.99``; we default to 0.9 so short trainings get good running averages.
    """

    def __init__(self, num_features: int, momentum: float = 0.9, epsilon: float = 1e-3):
        if not isinstance(num_features, (int, np.integer)) or isinstance(num_features, bool) or num_features < 1:
            raise ValueError(f"num_features must be a positive integer, got {num_features!r}")
        if not 0.0 <= float(momentum) < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if not float(epsilon) > 0.0:
            raise ValueError(f"epsilon must be positive, got {epsilon}")
        self.num_features = int(num_features)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}
        self.grads = {"gamma": np.zeros(num_features), "beta": np.zeros(num_features)}
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self._cache = None

    def _axes_and_shape(self, x):
        if x.ndim < 2 or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm({self.num_features}) expects input of shape (N, {self.num_features}, ...), got {x.shape}")
        axes = (0,) + tuple(range(2, x.ndim))
        bshape = (1, self.num_features) + (1,) * (x.ndim - 2)
        return axes, bshape

    def forward(self, x, train=True):
        """x (N, D, ...) -> normalized, scaled and shifted output of the same shape."""
        x = _as_float(x)
        axes, bshape = self._axes_and_shape(x)
        gamma = self.params["gamma"].reshape(bshape)
        beta = self.params["beta"].reshape(bshape)
        if train:
            # (a batch of one has variance 0: x_hat = 0 and the output is beta, as in Keras)
            mu = x.mean(axis=axes)
            xc = x - mu.reshape(bshape)
            var = np.mean(xc * xc, axis=axes)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            xc = x - self.running_mean.reshape(bshape)
            var = self.running_var
        std = np.sqrt(var + self.epsilon).reshape(bshape)
        x_hat = xc / std
        self._cache = (x_hat, std, axes, bshape, bool(train))
        return gamma * x_hat + beta

    def backward(self, dout):
        """dout (shape of x) -> dx; fills grads "gamma" = sum(dout * x_hat), "beta" = sum(dout)."""
        if self._cache is None:
            raise RuntimeError("BatchNorm.backward called before forward")
        x_hat, std, axes, bshape, train = self._cache
        dout = _as_float(dout, "dout")
        if dout.shape != x_hat.shape:
            raise ValueError(f"dout has shape {dout.shape} but the forward output had shape {x_hat.shape}")
        self.grads["beta"] = dout.sum(axis=axes)
        self.grads["gamma"] = (dout * x_hat).sum(axis=axes)
        dx_hat = dout * self.params["gamma"].reshape(bshape)
        if not train:  # running statistics are constants: a per-feature affine map
            return dx_hat / std
        # dx = (dx_hat - mean(dx_hat) - x_hat * mean(dx_hat * x_hat)) / std
        mean_d = dx_hat.mean(axis=axes).reshape(bshape)
        mean_dx = (dx_hat * x_hat).mean(axis=axes).reshape(bshape)
        return (dx_hat - mean_d - x_hat * mean_dx) / std

    def __repr__(self):
        return f"BatchNorm({self.num_features}, momentum={self.momentum}, epsilon={self.epsilon})"


class Dropout:
    """Inverted dropout: at train time keep each unit with probability 1 - rate and scale by 1 / (1 - rate).

    At inference (``train=False``) it is the identity, exactly as Keras' ``Dropout(rate)``;
    the scaling keeps the expected activation unchanged. ``fixed_mask=True`` draws the
    mask once and reuses it on every later forward pass of the same shape, so a
    numerical gradient check sees one fixed function. No parameters.
    """

    def __init__(self, rate: float, seed: int | None = 0, fixed_mask: bool = False):
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)):
            raise TypeError(f"dropout rate must be a number, got {type(rate).__name__}")
        if not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"dropout rate must be in [0, 1) (the fraction of units dropped), got {rate}")
        self.rate = float(rate)
        self.rng = np.random.default_rng(seed)
        self.fixed_mask = bool(fixed_mask)
        self.params: dict = {}
        self.grads: dict = {}
        self.mask: np.ndarray | None = None
        self._scale = None

    def forward(self, x, train=True):
        """x (any shape) -> x * mask / (1 - rate) in training, x unchanged at inference."""
        x = _as_float(x)
        if not train or self.rate == 0.0:
            self._scale = 1.0
            return x
        if not (self.fixed_mask and self.mask is not None and self.mask.shape == x.shape):
            self.mask = self.rng.random(x.shape) >= self.rate
        self._scale = self.mask / (1.0 - self.rate)
        return x * self._scale

    def backward(self, dout):
        """dout (shape of x) -> dout * mask / (1 - rate) (the same units pass as in forward)."""
        if self._scale is None:
            raise RuntimeError("Dropout.backward called before forward")
        return _as_float(dout, "dout") * self._scale

    def __repr__(self):
        return f"Dropout({self.rate})"


class EarlyStopping:
    """Early stopping (早停) on a monitored loss, with Keras' rules (``keras.callbacks.EarlyStopping``).

    Call :meth:`step` once per epoch with the validation loss (and the parameters).
    An epoch improves when its loss is below ``best - min_delta``; training stops once
    ``patience`` epochs in a row have not improved. With ``restore_best_weights`` a copy
    of the parameters from the best epoch is kept and :meth:`restore` writes it back.
    Epochs are counted from 1, as Keras prints them.
    """

    def __init__(self, patience: int = 0, min_delta: float = 0.0, restore_best_weights: bool = True):
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 0:
            raise ValueError(f"patience must be a non-negative integer (epochs), got {patience!r}")
        if not np.isfinite(min_delta):
            raise ValueError(f"min_delta must be a finite number, got {min_delta}")
        self.patience = int(patience)
        self.min_delta = abs(float(min_delta))
        self.restore_best_weights = bool(restore_best_weights)
        self.reset()

    def reset(self) -> None:
        """Forget everything (a new training run)."""
        self.epoch = 0
        self.wait = 0
        self.best: float | None = None
        self.best_epoch = 0
        self.best_weights: dict | None = None
        self.stopped_epoch = 0
        self.history: list[float] = []

    @property
    def stopped(self) -> bool:
        """True once :meth:`step` has asked to stop."""
        return self.stopped_epoch > 0

    def step(self, value: float, params: dict | None = None) -> bool:
        """Record one epoch's monitored loss (and snapshot ``params`` if best); True means stop now."""
        value = float(value)
        self.epoch += 1
        self.history.append(value)
        if self.restore_best_weights and params is not None and self.best_weights is None:
            self.best_weights = {k: np.array(v, copy=True) for k, v in params.items()}
            self.best_epoch = self.epoch
        self.wait += 1
        if self.best is None or value < self.best - self.min_delta:
            self.best = value
            self.best_epoch = self.epoch
            if self.restore_best_weights and params is not None:
                self.best_weights = {k: np.array(v, copy=True) for k, v in params.items()}
            self.wait = 0
            return False
        if self.wait >= self.patience and self.epoch > 1:
            self.stopped_epoch = self.epoch
            return True
        return False

    def restore(self, params: dict) -> None:
        """Write the best epoch's weights back into ``params`` in place (no-op without a snapshot)."""
        if not self.restore_best_weights or self.best_weights is None:
            return
        for k, v in params.items():
            v[...] = self.best_weights[k]

    def run(self, losses) -> int:
        """Feed a whole loss sequence (no weights); returns the epoch it stops at (len(losses) if never)."""
        self.reset()
        for value in losses:
            if self.step(value):
                return self.stopped_epoch
        return self.epoch

    def callback(self, params: dict, monitor: str = "test_loss"):
        """A ``callback(epoch, history)`` for :func:`dlnotes.network.train`: steps on ``history[monitor]``.

        When it stops training it restores the best weights; call :meth:`restore` after
        a run that ended without stopping to get them as well (Keras does both at train end).
        """
        self.reset()

        def on_epoch_end(epoch, history):
            if monitor not in history:
                raise ValueError(f"history has no {monitor!r}; available: {sorted(history)} (pass test data to train)")
            stop = self.step(history[monitor][-1], params)
            if stop:
                self.restore(params)
            return stop

        return on_epoch_end

    def __repr__(self):
        return f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta})"
