"""Chapter 03 explorers: numerical derivatives, gradient descent and the learning rate, mini-batches.

The numerics they show live in :mod:`dlnotes.descent`.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import MaxNLocator

from dlnotes.descent import (
    CRITICAL_LR,
    FUNCTIONS,
    gradient_descent,
    iterations_per_epoch,
    line_loss,
    minibatch_sgd,
    numerical_derivative,
    regression_data,
)
from dlnotes.explorers.base import (
    Explorer,
    dropdown,
    few_log_ticks,
    figure,
    int_slider,
    log_slider,
    register,
    slider,
    toggle,
)
from dlnotes.functions import sigmoid

__all__ = ["derivative_explorer", "descent_explorer", "minibatch_explorer"]


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
    few_log_ticks(ax_e.xaxis, [1e-16, 1e-12, 1e-8, 1e-4, 1])
    few_log_ticks(ax_e.yaxis, [1e-16, 1e-12, 1e-8, 1e-4, 1])
    ax_e.set_xlabel("step h")
    ax_e.set_title("|numerical − true derivative|", fontsize=10)
    floor = 1e-17

    @functools.lru_cache(maxsize=1)  # moving only h re-uses the curve
    def errors(function, x0, method):
        f, df = _DERIV_FUNCS[function]
        true = df(x0)
        return np.array([abs(numerical_derivative(f, x0, h, method) - true) for h in hs])

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
    few_log_ticks(ax_f.yaxis)
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
    few_log_ticks(ax_l.yaxis)
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
