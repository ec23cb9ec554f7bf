"""The perceptron (感知机): weighted sum + threshold, its learning rule, and XOR by stacking.

A perceptron with weights ``w`` (2,) and bias ``b`` outputs

    y = 1 if w·x + b > 0 else 0          (bias b = −threshold θ)

Learning uses ±1 targets as in seed 003: a sample ``(x, t)`` with ``t ∈ {−1, +1}`` is
misclassified when ``t (w·x + b) <= 0`` and then ``w ← w + η t x``, ``b ← b + η t``.
With 0/1 labels the same rule reads ``w ← w + η (t − o) x`` where ``o`` is the
perceptron's 0/1 output (the "error form"): ``t − o`` is +1 or −1 exactly when the
sample is wrong, i.e. the ±1 label, and 0 when it is right. (The two differ only for a
point lying exactly on the line, which the ±1 rule counts as wrong.)

Chapter 01's explorers are in :mod:`dlnotes.explorers.perceptron`, its XOR figure is
:func:`dlnotes.figures.plot_xor_spaces`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlnotes.language import tr

__all__ = [
    "GATE_WEIGHTS",
    "PerceptronResult",
    "error_form_update",
    "gate",
    "perceptron",
    "perceptron_update",
    "to_pm1",
    "train_perceptron",
    "xor_two_layers",
]

GATE_WEIGHTS = {
    "AND": (np.array([0.5, 0.5]), -0.7),
    "OR": (np.array([0.5, 0.5]), -0.2),
    "NAND": (np.array([-0.5, -0.5]), 0.7),
}
"""Hand-picked (w, b) that make one perceptron compute AND / OR / NAND (there is none for XOR)."""


def perceptron(x, w, b):
    """0/1 output of a perceptron: step(x @ w + b); x (N, 2) or (2,), w (2,), b scalar -> (N,) or scalar."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features per sample but w has {w.shape[0]} weights")
    return (x @ w + b > 0).astype(int)


def gate(name, x):
    """Compute logic gate ``name`` (AND, OR, NAND, XOR) with perceptrons; x (N, 2) of 0/1 -> (N,)."""
    key = str(name).upper()
    if key == "XOR":
        return xor_two_layers(x)[1]
    if key not in GATE_WEIGHTS:
        raise ValueError(f"unknown gate {name!r}; choose one of AND, OR, NAND, XOR")
    w, b = GATE_WEIGHTS[key]
    return perceptron(x, w, b)


def xor_two_layers(x):
    """XOR as two layers: hidden s = (NAND(x), OR(x)) (N, 2), output AND(s) (N,); returns (s, y)."""
    x = np.asarray(x, dtype=float)
    s = np.stack([gate("NAND", x), gate("OR", x)], axis=-1)
    return s, gate("AND", s)


def to_pm1(t):
    """Targets 0/1 (or already ±1) -> ±1 as floats, shape unchanged."""
    t = np.asarray(t)
    values = set(np.unique(t).tolist())
    if values <= {0, 1}:
        return np.where(t == 1, 1.0, -1.0)
    if values <= {-1, 1}:
        return t.astype(float)
    raise ValueError(f"perceptron labels must be 0/1 or -1/+1, got values {sorted(values)}")


def perceptron_update(w, b, x, t, lr):
    """One step of the rule for one sample: if t (w·x + b) <= 0, w += lr·t·x and b += lr·t.

    ``x`` (2,), ``t`` the target, ±1. Returns (new w, new b, whether it was wrong).
    """
    w = np.asarray(w, dtype=float)
    x = np.asarray(x, dtype=float)
    wrong = t * (w @ x + b) <= 0
    if wrong:
        return w + lr * t * x, b + lr * t, True
    return w.copy(), float(b), False


def error_form_update(w, b, x, t, lr):
    """The same rule written with 0/1 targets: w += lr (t − o) x, b += lr (t − o), o = perceptron output.

    ``x`` (2,), ``t`` 0 or 1. Returns (new w, new b, t − o).
    """
    w = np.asarray(w, dtype=float)
    err = t - int(perceptron(x, w, b))
    return w + lr * err * np.asarray(x, dtype=float), b + lr * err, err


@dataclass
class PerceptronResult:
    """What :func:`train_perceptron` found: final w (2,), b, whether and when it converged, and every step."""

    w: np.ndarray
    b: float
    converged: bool
    epochs: int
    mistakes: list = field(default_factory=list)  # mistakes per epoch
    steps: list = field(default_factory=list)  # (epoch, sample index, w before, b before, wrong)
    cycle: bool = False  # True when an epoch started from weights seen before: it loops forever

    @property
    def message(self) -> str:
        """One sentence saying what happened (in the reader's language: chapters print it)."""
        if self.converged:
            return tr(f"converged after {self.epochs} epoch(s): every point is on the right side")
        if self.cycle:
            return tr(f"no convergence: after {self.epochs} epoch(s) the weights came back to values seen "
                      "before, so the rule will cycle forever (the data are not linearly separable)")
        return tr(f"no convergence after {self.epochs} epochs (still {self.mistakes[-1]} mistake(s) per epoch)")


def train_perceptron(x, t, lr=1.0, max_epochs=100, w0=None, b0=0.0, stop_on_cycle=True):
    """Run the perceptron rule over the samples in order, epoch after epoch, until an epoch has no mistake.

    x (N, 2); t (N,) the targets, 0/1 or ±1; ``w0`` (2,) initial weights (zeros by default).
    Stops after ``max_epochs``, or (``stop_on_cycle``) as soon as an epoch starts from weights seen
    before: then the rule is in a cycle and can never converge.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be (N, features), got shape {x.shape}")
    tpm = to_pm1(t)
    if tpm.shape != (x.shape[0],):
        raise ValueError(f"t must have one target per row of x: x {x.shape}, t {np.shape(t)}")
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    w = np.zeros(x.shape[1]) if w0 is None else np.array(w0, dtype=float)
    b = float(b0)
    seen = set()
    res = PerceptronResult(w, b, False, 0)
    for epoch in range(1, int(max_epochs) + 1):
        key = (tuple(np.round(w, 12)), round(b, 12))
        if key in seen:
            res.cycle = True
            if stop_on_cycle:
                break
        seen.add(key)
        mistakes = 0
        for i in range(len(x)):
            w_before, b_before = w, b
            w, b, wrong = perceptron_update(w, b, x[i], tpm[i], lr)
            res.steps.append((epoch, i, w_before, b_before, wrong))
            mistakes += wrong
        res.mistakes.append(mistakes)
        res.epochs = epoch
        if mistakes == 0:
            res.converged = True
            break
    res.w, res.b = w, b
    return res
