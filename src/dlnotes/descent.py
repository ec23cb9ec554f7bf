"""Gradient descent (梯度下降): numerical derivatives, the learning rate, mini-batches, optimiser paths.

- :func:`numerical_derivative` and its error against the step size h [03];
- :func:`gradient_descent` on any gradient, reporting convergence, oscillation and divergence
  in words (a blow-up is detected and stopped, never carried on to inf / nan) [03];
- mini-batch SGD on a small seeded regression problem: :func:`minibatch_sgd` [03];
- 2-D loss surfaces (:data:`SURFACES`) and the path an optimiser takes on one,
  :func:`trajectory` [05].

The explorers built on these live in :mod:`dlnotes.explorers.descent` and
:mod:`dlnotes.explorers.optimizers`.

The running example is f(x0, x1) = x0² + x1² with gradient (2 x0, 2 x1): the update
x ← x − η·2x = (1 − 2η) x shrinks x exactly when |1 − 2η| < 1, i.e. 0 < η < 1
(:data:`CRITICAL_LR`); for 0.5 < η < 1 it zig-zags across the minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dlnotes.language import tr

__all__ = [
    "CRITICAL_LR",
    "DescentResult",
    "FUNCTIONS",
    "SURFACES",
    "Surface",
    "gradient_descent",
    "iterations_per_epoch",
    "line_loss",
    "line_loss_grad",
    "minibatch_sgd",
    "minibatches",
    "numerical_derivative",
    "regression_data",
    "square_sum",
    "square_sum_grad",
    "trajectory",
]

CRITICAL_LR = 1.0
"""Gradient descent on x0² + x1² converges for 0 < η < 1 and diverges for η > 1."""


def square_sum(x):
    """f(x) = sum of squares, x0² + x1² for x (2,) (or (..., 2) -> (...))."""
    x = np.asarray(x, dtype=float)
    return np.sum(x**2, axis=-1)


def square_sum_grad(x):
    """Gradient of :func:`square_sum`: 2x (same shape as x)."""
    return 2.0 * np.asarray(x, dtype=float)


# --- 2-D loss surfaces ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface f(x, y) with its gradient, a start point, a view box and its minima."""

    title: str
    f: Callable
    grad: Callable
    start: tuple
    xlim: tuple
    ylim: tuple
    minima: tuple


SURFACES = {
    "bowl": Surface(
        "elongated bowl f = x²/20 + y²",
        lambda x, y: x**2 / 20.0 + y**2,
        lambda x, y: np.array([x / 10.0, 2.0 * y]),
        (-7.0, 2.0), (-8.0, 8.0), (-3.0, 3.0), ((0.0, 0.0),),
    ),
    "saddle": Surface(
        "saddle f = x²/2 + y⁴/4 − y²/2",
        lambda x, y: x**2 / 2.0 + y**4 / 4.0 - y**2 / 2.0,
        lambda x, y: np.array([x, y**3 - y]),
        (-2.5, 0.02), (-3.0, 3.0), (-1.8, 1.8), ((0.0, 1.0), (0.0, -1.0)),
    ),
}
"""Name -> :class:`Surface`. The bowl is 20x steeper in y than in x; the saddle point (鞍点) sits at the origin."""

_BOWL = SURFACES["bowl"]

FUNCTIONS = {
    "x0² + x1²": (square_sum, square_sum_grad),
    "x0²/20 + x1² (a long valley)": (lambda p: _BOWL.f(*np.moveaxis(np.asarray(p, dtype=float), -1, 0)),
                                     lambda p: _BOWL.grad(*p)),
}
"""Name -> (f(p), grad f(p)) of a point p = (x0, x1) for the descent explorer; both have critical learning rate 1."""


def trajectory(optimizer, surface, steps: int, start=None, bound: float = 1e3):
    """Points (k+1, 2) visited by ``optimizer`` from ``start`` over ``steps`` steps, and the step it diverged (or None).

    ``optimizer``: any :mod:`dlnotes.optimizers` optimiser; ``surface``: a name of
    :data:`SURFACES` or a :class:`Surface`. A run stops early, and reports the step, once a
    point leaves the box |x|, |y| < ``bound``.
    """
    surface = SURFACES[surface] if isinstance(surface, str) else surface
    if int(steps) < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    p = np.array(surface.start if start is None else start, dtype=float)
    if p.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got {start!r}")
    params = {"p": p}
    path = np.empty((int(steps) + 1, 2))
    path[0] = p
    grad = surface.grad
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(steps) + 1):
            optimizer.update(params, {"p": grad(p[0], p[1])}, validate=k == 1)
            x, y = float(p[0]), float(p[1])
            if not (abs(x) <= bound and abs(y) <= bound):  # also catches nan
                return path[:k], k
            path[k] = p
    return path, None


# --- numerical differentiation ---------------------------------------------------------------
def numerical_derivative(f, x, h=1e-4, method="central"):
    """Derivative of scalar f at scalar x by differences: central (f(x+h) − f(x−h)) / 2h or forward (f(x+h) − f(x)) / h."""
    if not h > 0:
        raise ValueError(f"the step h must be positive, got {h}")
    if method == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    if method == "forward":
        return (f(x + h) - f(x)) / h
    raise ValueError(f"method must be 'central' or 'forward', got {method!r}")


# --- gradient descent --------------------------------------------------------------------------
@dataclass
class DescentResult:
    """Gradient-descent outcome: visited points ``path`` (k+1, d) and ``status`` in words.

    ``status`` is one of "converged", "diverged", "no progress" (stuck bouncing at the
    critical learning rate), "growing" (will diverge) or "not yet converged" (too slow).
    """

    path: np.ndarray
    status: str
    oscillating: bool
    steps: int

    @property
    def diverged(self) -> bool:
        """True when the iterates blew up (or were growing) instead of settling."""
        return self.status in ("diverged", "growing")

    @property
    def converged(self) -> bool:
        """True when the iterates reached the minimum (within the tolerance)."""
        return self.status == "converged"

    @property
    def message(self) -> str:
        """One sentence for a learner (in the reader's language: chapters print it)."""
        k = self.steps
        text = {
            "converged": f"converged: reached the minimum within {k} step(s)",
            "diverged": f"diverged: |x| passed the blow-up limit after {k} step(s), so the run was stopped",
            "growing": f"diverging: |x| grew over {k} step(s) and would keep growing",
            "no progress": f"no progress: after {k} step(s) |x| is no smaller (the learning rate is at the edge)",
            "not yet converged": f"not yet converged after {k} step(s): still descending, the learning rate is small",
        }[self.status]
        if self.oscillating and self.status != "diverged":
            text += "; it zig-zags across the minimum (oscillation)"
        elif self.oscillating:
            text += "; each step overshoots further than the last"
        return tr(text)


def gradient_descent(grad, x0, lr, steps, *, tol=1e-6, blowup=1e8):
    """Run x ← x − lr·grad(x) for up to ``steps`` steps from ``x0`` (d,); stops early at convergence or blow-up.

    Converged: |x| < ``tol`` · max(1, |x0|) (the minimum at 0, as for x0² + x1²).
    Diverged: |x| > ``blowup`` (the run stops there, before inf/nan could appear).
    """
    if not (isinstance(lr, (int, float, np.floating)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate must be a positive number, got {lr!r}")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    x = np.array(x0, dtype=float)
    path = [x.copy()]
    start = float(np.linalg.norm(x))
    status = None
    flips = False
    for _ in range(steps):
        new = x - lr * grad(x)
        if not np.all(np.isfinite(new)) or np.linalg.norm(new) > blowup:
            status = "diverged"
            flips = flips or bool(np.any(np.sign(new) * np.sign(x) < 0))
            break
        flips = flips or bool(np.any(np.sign(new) * np.sign(x) < 0))
        x = new
        path.append(x.copy())
        if np.linalg.norm(x) < tol * max(1.0, start):
            status = "converged"
            break
    if status is None:
        end = float(np.linalg.norm(x))
        if steps == 0 or end < start * (1 - 1e-12):
            status = "not yet converged"
        elif end > start * (1 + 1e-12):
            status = "growing"
        else:
            status = "no progress"
    return DescentResult(np.array(path), status, flips, len(path) - 1)


# --- mini-batches ------------------------------------------------------------------------------
def regression_data(n=100, seed=0):
    """Seeded 1-D regression data: x (n,) uniform in [−2, 2], t = 2x − 1 + noise (std 0.5)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, n)
    t = 2 * x - 1 + 0.5 * rng.normal(size=n)
    return x, t


def iterations_per_epoch(n, batch_size):
    """Updates per epoch (one pass over n samples in batches): ceil(n / batch_size)."""
    if not 1 <= batch_size:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    return math.ceil(n / batch_size)


def minibatches(n, batch_size, rng):
    """Index arrays for one epoch: a seeded shuffle of range(n) cut into batches (the last may be smaller)."""
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


def line_loss(w, b, x, t):
    """½·mean((w x + b − t)²) of the line y = w x + b over x, t (N,); w, b scalars or equal-shaped grids."""
    return 0.5 * np.mean((np.multiply.outer(w, x) + np.asarray(b)[..., None] - t) ** 2, axis=-1)


def line_loss_grad(p, x, t):
    """Gradient of ½·mean((w x + b − t)²) with respect to p = (w, b): (mean(e x), mean(e)) with e = w x + b − t."""
    e = p[0] * x + p[1] - t
    return np.array([np.mean(e * x), np.mean(e)])


def minibatch_sgd(x, t, batch_size, lr, epochs, w0=(-2.0, 3.0), seed=0, blowup=1e6):
    """Fit y = w x + b by mini-batch SGD on ½·mean((y − t)²); x, t (N,).

    Returns (params (k+1, 2) of (w, b) after each iteration, full-data loss (k+1,), status)
    where status is "ok", "diverged" (stopped when |params| passes ``blowup``) or "diverging"
    (the loss ended higher than it started: too large a learning rate, caught early).
    """
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    n = x.size
    if not 1 <= int(batch_size) <= n:
        raise ValueError(f"batch size must be between 1 and N = {n}, got {batch_size}")
    rng = np.random.default_rng(seed)
    p = np.array(w0, dtype=float)
    params = [p.copy()]
    status = "ok"
    for _ in range(int(epochs)):
        for idx in minibatches(n, int(batch_size), rng):
            p = p - lr * line_loss_grad(p, x[idx], t[idx])
            if np.abs(p).max() > blowup:
                status = "diverged"
                break
            params.append(p.copy())
        if status != "ok":
            break
    params = np.array(params)
    losses = line_loss(params[:, 0], params[:, 1], x, t)
    if status == "ok" and losses[-1] > losses[0]:
        status = "diverging"
    return params, losses, status
