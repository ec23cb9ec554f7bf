"""Optimisers (优化器) sharing one interface: ``update(params, grads)`` changes params in place.

``params`` and ``grads`` are dicts name -> ndarray with the same keys (e.g. a
network's ``params`` and ``grads``). State (velocities, moment estimates) is kept per
name, so one optimiser object serves one model.

Every update rule is the one ``keras.optimizers`` (Keras 3) applies, with the same
hyperparameter names and defaults, so a learner can move from these numpy versions
to ``keras.optimizers.Adam()`` and get the same steps:

==========  ==============================================================  =======================
class       update (g = gradient, all operations element-wise)              Keras equivalent
==========  ==============================================================  =======================
SGD         w -= lr * g                                                     ``SGD()``
Momentum    v = momentum * v - lr * g;  w += v                              ``SGD(momentum=0.9)``
AdaGrad     s += g²;  w -= lr * g / sqrt(s + eps)   (s starts at 0.1)       ``Adagrad()``
RMSProp     s = rho * s + (1 - rho) g²;  w -= lr * g / sqrt(s + eps)        ``RMSprop()``
Adam        m += (1-beta_1)(g - m);  v += (1-beta_2)(g² - v);               ``Adam()``
            w -= lr_k * m / (sqrt(v) + eps),
            lr_k = lr * sqrt(1 - beta_2^k) / (1 - beta_1^k) at step k = 1, 2, ...
==========  ==============================================================  =======================
"""

from __future__ import annotations

import numpy as np

__all__ = ["AdaGrad", "Adam", "Momentum", "OPTIMIZERS", "Optimizer", "RMSProp", "SGD", "make_optimizer"]


def _check_rate(name, value, *, low=0.0, high=None, low_inclusive=False):
    value = float(value)
    ok = np.isfinite(value) and (value >= low if low_inclusive else value > low)
    if high is not None:
        ok = ok and value < high
    if not ok:
        rng = f"{'[' if low_inclusive else '('}{low}, {high if high is not None else '∞'})"
        raise ValueError(f"{name} must be a number in {rng}, got {value}")
    return value


class Optimizer:
    """Base class: subclasses implement ``_step(key, w, g)``; ``lr`` may change between steps."""

    def __init__(self, lr: float):
        if not isinstance(lr, (int, float, np.number)) or isinstance(lr, bool):
            raise TypeError(f"learning rate must be a number, got {type(lr).__name__}")
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning rate must be a positive number, got {lr}")
        self.lr = float(lr)
        self.state: dict = {}
        self.iterations = 0

    def reset(self) -> None:
        """Forget all state (velocities, moments, step count), as a freshly built optimiser."""
        self.state = {}
        self.iterations = 0

    def update(self, params: dict, grads: dict, *, validate: bool = True) -> None:
        """One step: change every array in ``params`` in place using ``grads`` (same keys and shapes).

        ``validate=False`` skips the key / shape / dtype checks (for tight loops that checked once).
        """
        self.iterations += 1
        if not validate:
            for key in params:
                self._step(key, params[key], grads[key])
            return
        missing = [k for k in params if k not in grads]
        if missing:
            raise ValueError(f"no gradient for parameter(s) {missing}; grads has keys {sorted(grads)}")
        for key in params:
            w, g = params[key], np.asarray(grads[key])
            if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.floating):
                raise TypeError(f"parameter {key!r} must be a float numpy array (updated in place)")
            if g.shape != w.shape:
                raise ValueError(f"gradient {key!r} has shape {g.shape} but the parameter has shape {w.shape}")
        for key in params:
            self._step(key, params[key], np.asarray(grads[key], dtype=params[key].dtype))

    def _step(self, key, w, g):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        extra = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({extra})"

    def hyperparameters(self) -> dict:
        """The constructor arguments, by name."""
        return {"lr": self.lr}


class SGD(Optimizer):
    """Stochastic gradient descent (随机梯度下降): W <- W - lr * dW (Keras ``SGD()``)."""

    def __init__(self, lr: float = 0.01):
        super().__init__(lr)

    def _step(self, key, w, g):
        w -= self.lr * g


class Momentum(Optimizer):
    """Momentum (动量法): v <- momentum * v - lr * dW; W <- W + v (Keras ``SGD(momentum=...)``).

    The velocity ``v`` remembers past steps, so steps along a consistent direction
    grow (up to 1 / (1 - momentum) times) while zig-zag components cancel.
    ``nesterov=True`` looks ahead: W <- W + momentum * v - lr * dW.
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, nesterov: bool = False):
        super().__init__(lr)
        self.momentum = _check_rate("momentum", momentum, low=0.0, high=1.0, low_inclusive=True)
        self.nesterov = bool(nesterov)

    def hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _step(self, key, w, g):
        v = self.state.setdefault(key, np.zeros_like(w))
        v *= self.momentum
        v -= self.lr * g
        if self.nesterov:
            w += self.momentum * v - self.lr * g
        else:
            w += v


class AdaGrad(Optimizer):
    """AdaGrad (自适应梯度): s <- s + dW²; W <- W - lr * dW / sqrt(s + eps) (Keras ``Adagrad()``).

    Each weight gets its own step size, shrinking as its squared gradients pile up;
    ``s`` starts at ``initial_accumulator_value`` (0.1 in Keras), so the first step is finite.
    """

    def __init__(self, lr: float = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7):
        super().__init__(lr)
        self.initial_accumulator_value = _check_rate(
            "initial_accumulator_value", initial_accumulator_value, low=0.0, low_inclusive=True)
        self.epsilon = _check_rate("epsilon", epsilon, low=0.0)

    def hyperparameters(self):
        return {"lr": self.lr, "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}

    def _step(self, key, w, g):
        s = self.state.setdefault(key, np.full_like(w, self.initial_accumulator_value))
        s += g * g
        w -= self.lr * g / np.sqrt(s + self.epsilon)


class RMSProp(Optimizer):
    """RMSProp: s <- rho s + (1 - rho) dW²; W <- W - lr * dW / sqrt(s + eps) (Keras ``RMSprop()``).

    Like AdaGrad, but ``s`` is a moving average (指数移动平均) that forgets old
    gradients, so the step size does not decay to zero.
    """

    def __init__(self, lr: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7):
        super().__init__(lr)
        self.rho = _check_rate("rho", rho, low=0.0, high=1.0, low_inclusive=True)
        self.epsilon = _check_rate("epsilon", epsilon, low=0.0)

    def hyperparameters(self):
        return {"lr": self.lr, "rho": self.rho, "epsilon": self.epsilon}

    def _step(self, key, w, g):
        s = self.state.setdefault(key, np.zeros_like(w))
        s *= self.rho
        s += (1.0 - self.rho) * g * g
        w -= self.lr * g / np.sqrt(s + self.epsilon)


class Adam(Optimizer):
    """Adam: momentum (m) plus RMSProp scaling (v), with bias correction (Keras ``Adam()``).

    m <- m + (1 - beta_1)(dW - m); v <- v + (1 - beta_2)(dW² - v);
    W <- W - lr_k * m / (sqrt(v) + eps) with lr_k = lr * sqrt(1 - beta_2^k) / (1 - beta_1^k),
    k = 1, 2, ... the step number. (Keras folds the bias correction into lr_k, so
    ``eps`` is added to the uncorrected sqrt(v).)
    """

    def __init__(self, lr: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(lr)
        self.beta_1 = _check_rate("beta_1", beta_1, low=0.0, high=1.0, low_inclusive=True)
        self.beta_2 = _check_rate("beta_2", beta_2, low=0.0, high=1.0, low_inclusive=True)
        self.epsilon = _check_rate("epsilon", epsilon, low=0.0)

    def hyperparameters(self):
        return {"lr": self.lr, "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

    def _step(self, key, w, g):
        m, v = self.state.setdefault(key, (np.zeros_like(w), np.zeros_like(w)))
        k = self.iterations
        lr_k = self.lr * np.sqrt(1.0 - self.beta_2**k) / (1.0 - self.beta_1**k)
        m += (1.0 - self.beta_1) * (g - m)
        v += (1.0 - self.beta_2) * (g * g - v)
        w -= lr_k * m / (np.sqrt(v) + self.epsilon)


OPTIMIZERS = {"SGD": SGD, "Momentum": Momentum, "AdaGrad": AdaGrad, "RMSProp": RMSProp, "Adam": Adam}
"""Name -> optimiser class, in the order the chapter introduces them."""


def make_optimizer(name: str, **kwargs) -> Optimizer:
    """Build the optimiser called ``name`` (a key of :data:`OPTIMIZERS`, case-insensitive)."""
    lookup = {k.lower(): cls for k, cls in OPTIMIZERS.items()}
    if not isinstance(name, str) or name.lower() not in lookup:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {list(OPTIMIZERS)}")
    return lookup[name.lower()](**kwargs)
