"""Gradient descent (梯度下降): numerical derivatives, the learning rate, mini-batches, epochs.

- :func:`numerical_derivative` and its error against the step size h;
- :func:`gradient_descent` on any gradient, reporting convergence, oscillation and divergence
  in words (a blow-up is detected and stopped, never carried on to inf / nan);
- mini-batch SGD on a small seeded regression problem: :func:`minibatch_sgd`;
- explorers: :func:`derivative_explorer`, :func:`descent_explorer`, :func:`minibatch_explorer`.

The running example is f(x0, x1) = x0² + x1² with gradient (2 x0, 2 x1): the update
x ← x − η·2x = (1 − 2η) x shrinks x exactly when |1 − 2η| < 1, i.e. 0 < η < 1
(:data:`CRITICAL_LR`); for 0.5 < η < 1 it zig-zags across the minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from dlnotes.explorer import Explorer, dropdown, figure, int_slider, log_slider, register, slider, toggle
from dlnotes.functions import sigmoid

__all__ = [
    "CRITICAL_LR",
    "DescentResult",
    "FUNCTIONS",
    "derivative_explorer",
    "descent_explorer",
    "gradient_descent",
    "iterations_per_epoch",
    "line_loss",
    "line_loss_grad",
    "minibatch_explorer",
    "minibatch_sgd",
    "minibatches",
    "numerical_derivative",
    "regression_data",
    "square_sum",
    "square_sum_grad",
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


FUNCTIONS = {
    "x0² + x1²": (lambda x: square_sum(x), square_sum_grad),
    "x0²/20 + x1² (a long valley)": (
        lambda x: np.asarray(x)[..., 0] ** 2 / 20 + np.asarray(x)[..., 1] ** 2,
        lambda x: np.asarray(x, dtype=float) * np.array([0.1, 2.0]),
    ),
}
"""Name -> (f, grad f) for the descent explorer; both have critical learning rate 1."""


def _few_log_ticks(axis, ticks=None):
    """At most ~5 labelled decades and no minor ticks on a log axis: tick labels dominate render time."""
    if ticks is None:
        axis.set_major_locator(LogLocator(numticks=5))
    else:
        axis.set_ticks(ticks)
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(_DECADE)


_DECADE = FuncFormatter(lambda v, _pos: f"1e{round(np.log10(v)):d}" if v > 0 else "0")
"""Plain-text decade labels (1e-8): much cheaper to render than mathtext 10^{-8}."""


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


_DERIV_FUNCS = {
    "x²": (lambda x: x * x, lambda x: 2 * x),
    "sin x": (np.sin, np.cos),
    "eˣ": (np.exp, np.exp),
    "sigmoid": (lambda x: float(sigmoid(x)), lambda x: float(sigmoid(x) * (1 - sigmoid(x)))),
}


@register
def derivative_explorer():
    """Numerical derivative of a function at x0: the secant for step h, and the error against h (log–log)."""
    fig, (ax_f, ax_e) = figure(1, 2, figsize=(7.6, 3.3))
    xs = np.linspace(-3, 3, 200)
    (curve,) = ax_f.plot([], [], lw=2)
    (secant,) = ax_f.plot([], [], "-", color="C1", label="secant (numerical)")
    (tangent,) = ax_f.plot([], [], "--", color="C2", label="tangent (true)")
    ax_f.set_xlim(-3, 3)
    ax_f.yaxis.set_major_locator(MaxNLocator(nbins=4))  # few tick labels: text dominates render time
    ax_f.legend(fontsize=8, loc="upper left")
    hs = np.logspace(-16, 0, 97)
    (err_line,) = ax_e.loglog(hs, np.ones_like(hs), color="0.4")
    (err_dot,) = ax_e.loglog([1e-4], [1.0], "o", color="C1", ms=8)
    ax_e.set_xlim(1e-16, 1)
    ax_e.set_ylim(1e-17, 10)
    _few_log_ticks(ax_e.xaxis, [1e-16, 1e-12, 1e-8, 1e-4, 1])
    _few_log_ticks(ax_e.yaxis, [1e-16, 1e-12, 1e-8, 1e-4, 1])
    ax_e.set_xlabel("step h")
    ax_e.set_title("|numerical − true derivative|", fontsize=10)
    floor = 1e-17
    cache = {}

    def errors(function, x0, method):
        key = (function, x0, method)
        if key not in cache:
            cache.clear()
            f, df = _DERIV_FUNCS[function]
            true = df(x0)
            cache[key] = np.array([abs(numerical_derivative(f, x0, h, method) - true) for h in hs])
        return cache[key]

    def update(function, method, h, x0):
        f, df = _DERIV_FUNCS[function]
        ys = np.array([f(x) for x in xs])
        curve.set_data(xs, ys)
        lo, hi = ys.min(), ys.max()
        pad = 0.1 * (hi - lo)
        ax_f.set_ylim(lo - pad, hi + pad)
        num = numerical_derivative(f, x0, h, method)
        true = df(x0)
        line_x = np.array([x0 - 1.5, x0 + 1.5])
        secant.set_data(line_x, f(x0) + num * (line_x - x0))
        tangent.set_data(line_x, f(x0) + true * (line_x - x0))
        ax_f.set_title(f"{function} at x0 = {x0:.2f}; points x0±h" if method == "central"
                       else f"{function} at x0 = {x0:.2f}; points x0, x0+h", fontsize=10)
        err = errors(function, x0, method)
        err_line.set_data(hs, np.maximum(err, floor))
        e = abs(num - true)
        err_dot.set_data([h], [max(e, floor)])
        msg = f"{method} difference with h = {h:.2g}: {num:.10g} (true {true:.10g}), error {e:.2g}."
        if x0 + h == x0 and (method == "forward" or x0 - h == x0):
            msg += " x0 + h rounds back to x0 in float64: h is below the rounding step, so the difference is 0."
        elif e == 0:
            msg += " The error is exactly 0 here (lucky rounding); it is drawn at the bottom edge."
        elif h < 1e-8:
            msg += " h is tiny: rounding error (≈ 1e-16 / h) dominates."
        elif h > 1e-2:
            msg += " h is large: the secant is not the tangent (truncation error)."
        return msg

    controls = {
        "function": dropdown("function f", list(_DERIV_FUNCS), "x²"),
        "method": toggle("difference", ["central", "forward"], "central"),
        "h": log_slider("step h", 1e-16, 1, 1e-4),
        "x0": slider("point x0", -2, 2, 0.25, 1.0),
    }
    explorer = Explorer(update, controls, fig, title="Numerical differentiation")
    return explorer


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
        """One sentence for a learner."""
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
        return text


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


@register
def descent_explorer():
    """Gradient descent on x0² + x1² (or a long valley) from (−3, 4): learning-rate log slider, steps slider."""
    fig, (ax, ax_f) = figure(1, 2, figsize=(7.8, 3.6))
    g = np.linspace(-5, 5, 81)
    gx, gy = np.meshgrid(g, g)
    contours = {}
    for name, (f, _) in FUNCTIONS.items():
        cs = ax.contour(gx, gy, f(np.stack([gx, gy], -1)), levels=[0.5, 2, 5, 10, 18, 28, 40], colors="0.75",
                        linewidths=0.8)
        contours[name] = cs
    (path_line,) = ax.plot([], [], "o-", color="C3", ms=3, lw=1)
    ax.plot([0], [0], "k+", ms=10)
    ax.set_xlim(-5, 5)
    ax.set_ylim(-5, 5)
    ax.set_aspect("equal")
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    (f_line,) = ax_f.semilogy([0, 1], [1, 1], "o-", ms=3, color="C3")
    _few_log_ticks(ax_f.yaxis)
    ax_f.set_xlabel("step")
    ax_f.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax_f.set_title("f(x) at each step (log scale)", fontsize=10)
    title = ax.set_title("", fontsize=10)
    start = np.array([-3.0, 4.0])

    def update(function, lr, steps):
        f, grad = FUNCTIONS[function]
        for name, cs in contours.items():
            cs.set_visible(name == function)
        res = gradient_descent(grad, start, lr, steps)
        path_line.set_data(res.path[:, 0], res.path[:, 1])
        fs = np.maximum(f(res.path), 1e-30)
        f_line.set_data(np.arange(len(fs)), fs)
        ax_f.set_xlim(-0.5, max(steps, 1) + 0.5)
        ax_f.set_ylim(max(fs.min() / 10, 1e-31), max(fs.max() * 10, 100))
        title.set_text(f"η = {lr:.3g}: x ← x − η∇f")
        msg = res.message
        if res.status == "diverged":
            msg += f" (η = {lr:.3g} > critical η = {CRITICAL_LR:g})."
        elif np.any(f(res.path) == 0):
            msg += " (f reached exactly 0: with η = 0.5 one step lands on the minimum of x0² + x1².)"
        return msg[0].upper() + msg[1:]

    controls = {
        "function": dropdown("function f", list(FUNCTIONS), "x0² + x1²"),
        "lr": log_slider("learning rate η", 0.001, 3, 0.1),
        "steps": int_slider("steps", 1, 100, 20),
    }
    explorer = Explorer(update, controls, fig, title="Gradient descent and the learning rate")
    return explorer


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


@register
def minibatch_explorer():
    """Mini-batch SGD fitting a line: batch-size slider shows the noisier path; epochs vs iterations."""
    x, t = regression_data()
    n = x.size
    fig, (ax, ax_l) = figure(1, 2, figsize=(7.8, 3.6))
    ws, bs = np.linspace(-3, 5, 60), np.linspace(-4, 4, 60)
    gw, gb = np.meshgrid(ws, bs)
    loss_grid = line_loss(gw, gb, x, t)
    ax.contour(gw, gb, loss_grid, levels=np.geomspace(loss_grid.min() * 1.05, loss_grid.max(), 10), colors="0.75",
               linewidths=0.8)
    best = np.linalg.lstsq(np.stack([x, np.ones(n)], 1), t, rcond=None)[0]
    ax.plot([best[0]], [best[1]], "k*", ms=10)
    (path_line,) = ax.plot([], [], "-", color="C3", lw=1)
    (end_dot,) = ax.plot([], [], "o", color="C3")
    ax.set_xlim(-3, 5)
    ax.set_ylim(-4, 4)
    ax.set_xlabel("slope w")
    ax.set_ylabel("intercept b")
    (loss_line,) = ax_l.semilogy([0, 1], [1, 1], color="C3", lw=1)
    _few_log_ticks(ax_l.yaxis)
    ax_l.axhline(line_loss(best[0], best[1], x, t), color="k", ls=":", lw=1)
    ax_l.set_xlabel("iteration (one update)")
    ax_l.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax_l.set_title("loss on all N points", fontsize=10)
    epoch_marks = ax_l.vlines([], 0, 1, colors="0.8", lw=0.8)
    title = ax.set_title("", fontsize=10)

    def update(batch_size, lr, epochs):
        params, losses, status = minibatch_sgd(x, t, batch_size, lr, epochs)
        path_line.set_data(params[:, 0], params[:, 1])
        end_dot.set_data(params[-1:, 0], params[-1:, 1])
        k = len(losses) - 1
        loss_line.set_data(np.arange(k + 1), losses)
        ax_l.set_xlim(0, max(k, 1))
        ax_l.set_ylim(max(losses.min(), 1e-3) / 2, max(losses.max(), 1.0) * 2)
        ipe = iterations_per_epoch(n, batch_size)
        ticks = np.arange(1, epochs + 1) * ipe
        epoch_marks.set_segments([[(e, 1e-300), (e, 1e300)] for e in ticks if e <= k])
        title.set_text(f"batch {batch_size}, η = {lr:.3g}")
        msg = (f"N = {n} points, batch size {batch_size} → {ipe} iteration(s) per epoch; "
               f"{epochs} epoch(s) = {ipe * epochs} iterations (grey lines mark epoch ends).")
        if status == "diverged":
            msg = f"Diverged after {k} iterations: η = {lr:.3g} is too large for this batch size; stopped. " + msg
        elif status == "diverging":
            msg = f"Diverging: the loss grew from {losses[0]:.3g} to {losses[-1]:.3g}; η = {lr:.3g} is too large. " + msg
        else:
            msg += f" Final loss {losses[-1]:.4f} (best possible {line_loss(best[0], best[1], x, t):.4f})."
        return msg

    controls = {
        "batch_size": int_slider("batch size", 1, n, 10),
        "lr": log_slider("learning rate η", 0.001, 3, 0.1),
        "epochs": int_slider("epochs", 1, 10, 3),
    }
    explorer = Explorer(update, controls, fig, title="Mini-batch gradient descent")
    return explorer
