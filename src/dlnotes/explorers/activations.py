"""Chapter 02 explorers: an activation function (激活函数) and its slope; gradients through a deep chain;
one hidden layer approximating a function (通用近似定理).

The functions live in :mod:`dlnotes.functions`, the deep chain in :mod:`dlnotes.depth`, the
one-hidden-layer fit behind the universal-approximation explorer in :mod:`dlnotes.network`.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import MaxNLocator

from dlnotes.depth import chain_gradients, verdict
from dlnotes.explorers.base import Explorer, dropdown, figure, int_slider, register, slider
from dlnotes.functions import ACTIVATIONS
from dlnotes.network import hidden_kinks, one_hidden_layer_fit
from dlnotes.style import BLUE, GREEN, HIGHLIGHT, NEUTRAL, ORANGE, log_axis

__all__ = ["LEAKY_ALPHA", "activation_explorer", "universal_approximation_explorer", "vanishing_gradient_explorer"]

LEAKY_ALPHA = 0.1
"""Slope of leaky ReLU for x < 0 in the explorers (0.01 is common but hard to see on a plot)."""

_NAMES = {
    "step": "step",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "ReLU": "relu",
    f"leaky ReLU (α={LEAKY_ALPHA})": "leaky_relu",
    "identity": "identity",
}


def _activation(name):
    """(f, f') for a name of :data:`dlnotes.functions.ACTIVATIONS`; leaky ReLU uses LEAKY_ALPHA."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    f, df = ACTIVATIONS[name]
    if name == "leaky_relu":
        return (lambda x: f(x, LEAKY_ALPHA)), (lambda x: df(x, LEAKY_ALPHA))
    return f, df


# --- explorers -----------------------------------------------------------------------------
@register
def activation_explorer():
    """Pick an activation function; see it, its derivative, and the tangent at a point x0."""
    fig, (ax_f, ax_d) = figure(1, 2, figsize=(5.8, 3.0))
    x = np.linspace(-6, 6, 241)
    (curve,) = ax_f.plot([], [], lw=2)
    (tangent,) = ax_f.plot([], [], "--", color=HIGHLIGHT)
    (dot_f,) = ax_f.plot([], [], "o", color=HIGHLIGHT)
    (dcurve,) = ax_d.plot([], [], lw=2, color=GREEN)
    (dot_d,) = ax_d.plot([], [], "o", color=HIGHLIGHT)
    for ax in (ax_f, ax_d):
        ax.set_xlim(-6, 6)
        ax.set_xticks([-6, -3, 0, 3, 6])
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.axhline(0, color=NEUTRAL, lw=0.8)
        ax.axvline(0, color=NEUTRAL, lw=0.8)
        ax.set_xlabel("x")
    names = {v: k for k, v in _NAMES.items()}
    ylims = {"step": (-0.2, 1.2), "sigmoid": (-0.2, 1.2), "tanh": (-1.2, 1.2),
             "relu": (-1, 6), "leaky_relu": (-1, 6), "identity": (-6, 6)}
    dylims = {"step": (-0.1, 1.1), "sigmoid": (-0.02, 0.3), "tanh": (-0.1, 1.1),
              "relu": (-0.1, 1.1), "leaky_relu": (-0.1, 1.1), "identity": (-0.1, 1.1)}

    def update(function, x0):
        f, df = _activation(function)
        y, dy = f(x), df(x)
        if function == "step":  # draw the jump as a jump, not a steep line
            xx = np.concatenate([x[x <= 0], [np.nan], x[x > 0]])
            curve.set_data(xx, np.concatenate([y[x <= 0], [np.nan], y[x > 0]]))
        else:
            curve.set_data(x, y)
        dcurve.set_data(x, dy)
        fx0, slope = float(f(x0)), float(df(x0))
        dot_f.set_data([x0], [fx0])
        dot_d.set_data([x0], [slope])
        tx = np.array([x0 - 1.5, x0 + 1.5])
        tangent.set_data(tx, fx0 + slope * (tx - x0))
        ax_f.set_ylim(*ylims[function])
        ax_d.set_ylim(*dylims[function])
        ax_f.set_title(f"{names[function]}: f({x0:.1f}) = {fx0:.3g}")
        ax_d.set_title(f"slope f'({x0:.1f}) = {slope:.3g}")
        if function in ("step", "relu", "leaky_relu") and x0 == 0:
            return (f"At x = 0 the {function} has a kink/jump: the derivative is undefined there; "
                    f"code uses {slope:g}.")
        msg = f"f({x0:.2f}) = {fx0:.4g}, slope f'({x0:.2f}) = {slope:.4g}"
        if function == "step":
            msg += " — zero slope everywhere: gradient descent gets no signal."
        elif function in ("sigmoid", "tanh") and abs(x0) > 4:
            msg += " — saturated: the slope is almost 0, so gradients vanish here."
        return msg

    controls = {
        "function": dropdown("activation", list(_NAMES.items()), "sigmoid"),
        "x0": slider("point x0", -6, 6, 0.1, 1.0),
    }
    explorer = Explorer(update, controls, fig, title="Activation and its derivative")
    return explorer


_INITS = [("Glorot / Xavier", "glorot_normal"), ("He", "he_normal"),
          ("N(0, 0.05²) — random_normal", "random_normal")]


@register
def vanishing_gradient_explorer():
    """Depth slider + activation choice: the gradient norm reaching each layer of a deep chain (seeded)."""
    fig, ax = figure(figsize=(5.6, 3.2))
    (line,) = ax.plot([1, 2], [1, 1], "o-", ms=4)
    log_axis(ax.yaxis, numticks=6)
    ax.set_xlabel("layer l (1 = next to the input)")
    ax.set_ylabel(r"gradient size $\|\partial L/\partial W_l\|$")
    title = ax.set_title("")
    max_depth = 40
    names = {v: k for k, v in _NAMES.items()}
    inits = {v: k.split(" — ")[0] for k, v in _INITS}

    @functools.lru_cache(maxsize=None)  # a few hundred settings at most
    def gradients(depth, activation, init):
        return chain_gradients(depth, _activation(activation), init)

    def update(depth, activation, init):
        g = gradients(depth, activation, init)
        layers = np.arange(1, depth + 1)
        zero = g <= 0
        shown = np.where(zero, 1e-300, g)
        line.set_data(layers, shown)
        pos = g[~zero]
        lo = pos.min() if pos.size else 1e-10
        hi = pos.max() if pos.size else 1.0
        ax.set_ylim(max(lo / 5, 1e-300), hi * 5)
        ax.set_xlim(0.5, max(depth, 2) + 0.5)
        title.set_text(f"{names[activation]}, {inits[init]}, depth {depth}")
        if zero.all():
            return "Every gradient is exactly 0: all units are dead (ReLU outputs 0 everywhere)."
        if g[0] == 0:
            return "The first layer gets an exactly zero gradient: nothing reaches it."
        ratio = g[0] / g[-1]
        msg = f"gradient at layer 1 / gradient at layer {depth} = {ratio:.2g}"
        msg += {"vanishing": " — vanishing: the early layers barely learn.",
                "exploding": " — exploding: the early layers get huge updates.",
                "reaches": " — the gradient reaches the early layers."}[verdict(ratio)]
        if hi < 1e-6:
            msg += f" But every layer's gradient is tiny (at most {hi:.1e}): the weights are too small, so the signal dies."
        return msg

    controls = {
        "depth": int_slider("depth (layers)", 1, max_depth, 10),
        "activation": dropdown("activation", [(k, v) for k, v in _NAMES.items() if v not in ("step", "identity")],
                               "sigmoid"),
        "init": dropdown("weights drawn by", _INITS, "glorot_normal",
                         help="the initialiser that draws each layer's weights"),
    }
    explorer = Explorer(update, controls, fig, title="Vanishing gradients in a deep chain")
    return explorer


APPROXIMATION_TARGETS = {
    "sin(3x) + 0.3x²": lambda x: np.sin(3 * x) + 0.3 * x**2,
    "|x|": np.abs,
    "step": lambda x: (x > 0).astype(float),
    "sin(8x): fast wiggles": lambda x: np.sin(8 * x),
}
"""Functions the universal-approximation explorer fits, by label."""


@register
def universal_approximation_explorer():
    """Hidden-units slider: one hidden layer of ReLU hinges, output layer fitted, against a 1-D target."""
    fig, ax = figure(figsize=(5.8, 3.2))
    x = np.linspace(-3, 3, 600)
    (target_line,) = ax.plot([], [], color="0.7", lw=4, label="target")
    (fit_line,) = ax.plot([], [], color=ORANGE, lw=1.8, label="network")
    kinks = ax.scatter([], [], marker="|", s=60, color=BLUE, label="kinks c_j")
    ax.set_xlim(-3, 3)
    ax.set_xlabel("x")
    ax.legend(loc="upper center", ncol=3)
    title = ax.set_title("")

    def update(hidden, target):
        f = APPROXIMATION_TARGETS[target]
        t, y = f(x), one_hidden_layer_fit(f, hidden, x)
        target_line.set_data(x, t)
        fit_line.set_data(x, y)
        c = hidden_kinks(x, hidden)
        lo, hi = min(t.min(), y.min()), max(t.max(), y.max())
        pad = 0.15 * (hi - lo) + 0.1
        ax.set_ylim(lo - pad, hi + 2 * pad)
        kinks.set_offsets(np.column_stack([c, np.full_like(c, lo - 0.6 * pad)]))
        err = float(np.max(np.abs(y - t)))
        title.set_text(f"{hidden} hidden ReLU units, largest error {err:.3g}")
        msg = f"largest error {err:.3g} with {hidden} hidden units ({hidden + 1} output weights fitted)"
        if target == "step":
            msg += " — a jump is not continuous: the error next to it never goes away, it only gets narrower."
        return msg

    controls = {
        "hidden": int_slider("hidden units", 1, 64, 4),
        "target": dropdown("target function", list(APPROXIMATION_TARGETS), "sin(3x) + 0.3x²",
                           help="the 1-D function the hidden units approximate"),
    }
    return Explorer(update, controls, fig, title="One hidden layer approximates a function")
