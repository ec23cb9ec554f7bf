"""The numpy optimisers (优化器) sharing one interface: ``update(params, grads)`` changes params in place.

(The Keras ones, by name, are :data:`dlnotes.keras_models.KERAS_OPTIMIZERS` / ``make_keras_optimizer``.)

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

from dlnotes import checks

__all__ = ["AdaGrad", "Adam", "Momentum", "OPTIMIZERS", "Optimizer", "RMSProp", "SGD", "make_optimizer"]


class Optimizer:
    """Base class: subclasses implement ``_step(key, w, g)``; ``lr`` may change between steps."""

    def __init__(self, lr: float):
        self.lr = checks.number(lr, "lr (the learning rate)", type(self).__name__, low=0.0, low_open=True)
        self.state: dict = {}
        self.iterations = 0

    def _rate(self, value, name, *, below_one=True, zero_ok=True):
        """A hyperparameter in [0, 1) (``below_one``) or (0, ∞) / [0, ∞), checked at construction."""
        return checks.number(value, name, type(self).__name__, low=0.0, low_open=not zero_ok,
                             high=1.0 if below_one else None, high_open=True)

    def reset(self) -> None:
        """Forget all state (velocities, moments, step count), as a freshly built optimiser."""
        self.state = {}
        self.iterations = 0

    def update(self, params: dict, grads: dict, *, validate: bool = True) -> None:
        """One step: change every array in ``params`` in place using ``grads`` (same keys and shapes).

        ``validate=False`` skips the key / shape / dtype checks (for tight loops that checked once).
        """
        if validate:
            grads = checks.params_and_grads(params, grads, f"{type(self).__name__}.update")
        self.iterations += 1
        for key, w in params.items():
            self._step(key, w, grads[key])

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
        self.momentum = self._rate(momentum, "momentum")
        self.nesterov = checks.flag(nesterov, "nesterov", "Momentum")

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
        self.initial_accumulator_value = self._rate(initial_accumulator_value, "initial_accumulator_value",
                                                    below_one=False)
        self.epsilon = self._rate(epsilon, "epsilon", below_one=False, zero_ok=False)

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
        self.rho = self._rate(rho, "rho")
        self.epsilon = self._rate(epsilon, "epsilon", below_one=False, zero_ok=False)

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
        self.beta_1 = self._rate(beta_1, "beta_1")
        self.beta_2 = self._rate(beta_2, "beta_2")
        self.epsilon = self._rate(epsilon, "epsilon", below_one=False, zero_ok=False)

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
        checks.fail("make_optimizer", "name", f"one of {list(OPTIMIZERS)} (any case)", checks.describe(name))
    return lookup[name.lower()](**kwargs)
