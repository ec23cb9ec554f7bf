"""The one numpy training loop: mini-batch training (小批量学习) of a :class:`dlnotes.network.Sequential`.

- :class:`Trainer` takes one mini-batch step at a time (the playground animates with it);
- :func:`train` runs whole epochs on top of it and records a history;
- :class:`EarlyStopping` (早停) is a per-epoch callback for :func:`train`.

Losses in histories and :attr:`Trainer.last_loss` are the **data loss** (cross-entropy, or
squared error for regression), without the L1/L2 penalty — so runs with different ``l2`` can
be compared on one axis. The gradient still includes the penalty (see
:meth:`dlnotes.network.Sequential.loss`); an L1 penalty with ``l1_proximal`` is applied after
each update by :meth:`~dlnotes.network.Sequential.proximal_step`.

A run **diverges** (发散) when a batch loss or a weight stops being finite, a weight
exceeds :data:`MAX_WEIGHT` in size, or the loss exceeds :data:`MAX_LOSS`; training then
stops, and :func:`train` records the epoch in ``history["diverged"]``.
"""

from __future__ import annotations

import numpy as np

from dlnotes import checks
from dlnotes.network import Sequential
from dlnotes.optimizers import Optimizer

__all__ = ["EarlyStopping", "MAX_LOSS", "MAX_WEIGHT", "Trainer", "train"]

MAX_WEIGHT = 1e6
"""A weight larger than this in size means training has blown up."""
MAX_LOSS = 1e3
"""A mean cross-entropy above this means logits wrong by about a thousand: blown up (chance level is log K)."""
EVAL_BATCH = 1000
"""Samples evaluated at a time after each epoch (a CNN's im2col would need gigabytes for all at once)."""


class Trainer:
    """Step-wise mini-batch training of a numpy network (the playground animates with it).

    Each epoch visits the training samples in a fresh random order (seeded by ``seed``),
    ``batch_size`` at a time; the last batch of an epoch holds what is left.
    ``batch_size=None`` takes the whole set (full-batch gradient descent).
    """

    def __init__(self, net, optimizer, x, t, *, batch_size=32, seed=0):
        where = "Trainer"
        if not isinstance(net, Sequential):
            raise TypeError(f"{where}: net must be a dlnotes.network.Sequential (e.g. MLP(...)), got {checks.describe(net)}")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{where}: optimizer must be a dlnotes.optimizers optimiser such as SGD(0.1), "
                            f"got {checks.describe(optimizer)}")
        x = checks.array(x, "x", where, nonempty=True, finite=True)
        n = checks.same_length(where, x=x, t=checks.array(t, "t", where, dtype=None))
        net.targets(t, (n, net.predict(x[:1]).shape[1]), where)
        self.net, self.optimizer, self.x, self.t = net, optimizer, x, np.asarray(t)
        self.batch_size = n if batch_size is None else min(checks.integer(batch_size, "batch_size", where, minimum=1), n)
        self._rng = np.random.default_rng(checks.integer(seed, "seed", where, minimum=0))
        self._order, self._cursor = None, n
        self.steps = 0
        self.samples_seen = 0
        self.last_loss: float | None = None
        self.diverged = False

    @property
    def epoch(self) -> float:
        """Passes over the training set so far (fractional while an epoch is under way)."""
        return self.samples_seen / len(self.x)

    def step(self) -> float:
        """One mini-batch update; returns that batch's data loss (before the update)."""
        if self._cursor >= len(self.x):  # a new epoch: a new order
            self._order, self._cursor = self._rng.permutation(len(self.x)), 0
        idx = self._order[self._cursor:self._cursor + self.batch_size]
        self._cursor += len(idx)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            grads = self.net.gradient(self.x[idx], self.t[idx])
            self.optimizer.update(self.net.params, grads, validate=self.steps == 0)  # checked once
            self.net.proximal_step(self.optimizer.lr)  # L1 by soft-thresholding, if the net asks for it
        self.steps += 1
        self.samples_seen += len(idx)
        self.last_loss = self.net.last_loss
        if not (self.last_loss < MAX_LOSS and all(np.all(np.abs(p) < MAX_WEIGHT) for p in self.net.params.values())):
            self.diverged = True  # (NaN fails every comparison, so it lands here too)
        return self.last_loss

    def run(self, steps: int) -> int:
        """Up to ``steps`` updates; stops early once diverged; returns the number of steps done."""
        steps = checks.integer(steps, "steps", "Trainer.run", minimum=0)
        done = 0
        while done < steps and not self.diverged:
            self.step()
            done += 1
        return done


def _split_data(data, where):
    """(x_train, t_train, x_test, t_test) from a Split, (x, t) or a 4-tuple; test parts may be None."""
    if hasattr(data, "x_train"):
        return data.x_train, data.y_train, data.x_test, data.y_test
    if isinstance(data, (tuple, list)) and len(data) in (2, 4):
        return tuple(data) + (None, None) if len(data) == 2 else tuple(data)
    raise TypeError(f"{where}: data must be a Split, (x, t) or (x_train, t_train, x_test, t_test), "
                    f"got {checks.describe(data)}")


def train(net, data, optimizer, epochs=10, batch_size=32, *, seed=0, callback=None, progress=None,
          snapshots=False, label="") -> dict:
    """The one epoch loop: ``epochs`` passes of mini-batch training; returns the history.

    ``data``: a :class:`dlnotes.data.Split`, (x, t) or (x_train, t_train, x_test, t_test).
    History: per-epoch lists "epoch", "train_loss", "train_acc" and, with test data,
    "test_loss", "test_acc" (data loss and accuracy in inference mode after the epoch);
    "diverged": the epoch training diverged in, or None; with ``snapshots`` also
    "snapshots", copies of the parameters after each epoch.
    ``callback(epoch, history)`` runs after each epoch; returning True stops training.
    ``progress(done, total, text)`` is called after each epoch, ``text`` starting with ``label``.
    """
    where = "train"
    x_tr, t_tr, x_te, t_te = _split_data(data, where)
    epochs = checks.integer(epochs, "epochs", where, minimum=0)
    checks.function(callback, "callback", where, allow_none=True)
    checks.function(progress, "progress", where, allow_none=True)
    snapshots = checks.flag(snapshots, "snapshots", where)
    if not isinstance(label, str):
        raise TypeError(f"{where}: label must be a str, got {checks.describe(label)}")
    trainer = Trainer(net, optimizer, x_tr, t_tr, batch_size=batch_size, seed=seed)
    has_test = x_te is not None and np.size(x_te) > 0
    if has_test:
        x_te = checks.array(x_te, "x_test", where, shape=(None, *trainer.x.shape[1:]), finite=True,
                            hint="test inputs have the shape of the training inputs")
        checks.same_length(where, x_test=x_te, t_test=checks.array(t_te, "t_test", where, dtype=None))
    steps_per_epoch = -(-len(trainer.x) // trainer.batch_size)
    hist = {"epoch": [], "train_loss": [], "train_acc": []}
    if has_test:
        hist.update(test_loss=[], test_acc=[])
    hist["diverged"] = None
    if snapshots:
        hist["snapshots"] = []
    for epoch in range(1, epochs + 1):
        trainer.run(steps_per_epoch)
        hist["epoch"].append(epoch)
        parts = [("train", trainer.x, trainer.t)] + ([("test", x_te, t_te)] if has_test else [])
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for part, xs, ts in parts:
                loss, acc = net.evaluate(xs, ts, batch_size=EVAL_BATCH)
                hist[f"{part}_loss"].append(loss)
                hist[f"{part}_acc"].append(acc)
        if snapshots:
            hist["snapshots"].append({k: v.copy() for k, v in net.params.items()})
        if trainer.diverged or not hist["train_loss"][-1] < MAX_LOSS:
            hist["diverged"] = epoch
        if progress is not None:
            progress(epoch, epochs, f"{label}epoch {epoch}/{epochs}")
        if hist["diverged"] or (callback is not None and callback(epoch, hist)):
            break
    return hist


class EarlyStopping:
    """Early stopping (早停) on a monitored loss, with Keras' rules (``keras.callbacks.EarlyStopping``).

    Call :meth:`step` once per epoch with the validation loss (and the parameters).
    An epoch improves when its loss is below ``best - min_delta``; training stops once
    ``patience`` epochs in a row have not improved. With ``restore_best_weights`` a copy
    of the parameters from the best epoch is kept and :meth:`restore` writes it back.
    Epochs are counted from 1, as Keras prints them.
    """

    def __init__(self, patience: int = 0, min_delta: float = 0.0, restore_best_weights: bool = True):
        self.patience = checks.integer(patience, "patience", "EarlyStopping", minimum=0)
        self.min_delta = abs(checks.number(min_delta, "min_delta", "EarlyStopping"))
        self.restore_best_weights = checks.flag(restore_best_weights, "restore_best_weights", "EarlyStopping")
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
        value = self._check_step(value, params)
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
        if not isinstance(params, dict) or set(params) != set(self.best_weights):
            raise ValueError(f"EarlyStopping.restore: params must be the dict of arrays given to step, with keys "
                             f"{sorted(self.best_weights)}, got {checks.describe(params)}")
        for k, v in params.items():
            v[...] = self.best_weights[k]

    def run(self, losses) -> int:
        """Feed a whole loss sequence (no weights); returns the epoch it stops at (len(losses) if never)."""
        losses = checks.array(losses, "losses", "EarlyStopping.run", ndim=1)
        self.reset()
        for value in losses:
            if self.step(value):
                return self.stopped_epoch
        return self.epoch

    def callback(self, params: dict, monitor: str = "test_loss"):
        """A ``callback(epoch, history)`` for :func:`train`: steps on ``history[monitor]``.

        When it stops training it restores the best weights; call :meth:`restore` after
        a run that ended without stopping to get them as well (Keras does both at train end).
        """
        if not isinstance(params, dict):
            raise TypeError(f"EarlyStopping.callback: params must be a dict of arrays such as net.params, "
                            f"got {checks.describe(params)}")
        checks.choice(monitor, "monitor", ["train_loss", "test_loss"], "EarlyStopping.callback")
        self.reset()

        def on_epoch_end(epoch, history):
            if monitor not in history:
                raise ValueError(f"EarlyStopping: history has no {monitor!r} (keys {sorted(history)}); "
                                 f"pass test data to train")
            stop = self.step(history[monitor][-1], params)
            if stop:
                self.restore(params)
            return stop

        return on_epoch_end

    def _check_step(self, value, params) -> float:
        where = "EarlyStopping.step"
        if params is not None and not isinstance(params, dict):
            raise TypeError(f"{where}: params must be a dict of arrays or None, got {checks.describe(params)}")
        if isinstance(value, (float, np.floating)) and not np.isfinite(value):
            return float(value)  # a diverged epoch: NaN or inf never improves
        return checks.number(value, "value (the monitored loss)", where)

    def __repr__(self):
        return f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta})"
