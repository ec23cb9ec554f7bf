"""Optimisers (优化器) sharing one interface: ``update(params, grads)`` changes params in place.

``params`` and ``grads`` are dicts name -> ndarray with the same keys (e.g. a
network's ``params`` and ``grads``). State (velocities, moment estimates) is kept per
name, so one optimiser object serves one model.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Optimizer", "SGD"]


class Optimizer:
    """Base class: subclasses implement ``update(params, grads)``; ``lr`` may change between steps."""

    def __init__(self, lr: float):
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning rate must be a positive number, got {lr}")
        self.lr = float(lr)

    def update(self, params: dict, grads: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent (随机梯度下降): W <- W - lr * dW."""

    def __init__(self, lr: float = 0.01):
        super().__init__(lr)

    def update(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key]
