"""Chapter 11 explorer (循环神经网络): how much of the gradient reaches each earlier time step, per cell.

The numbers come from :func:`dlnotes.rnn.gradient_through_time` (hand-written BPTT through
small seeded SimpleRNN / LSTM / GRU cells). For one setting of the weights, every sequence
length up to :data:`MAX_STEPS` is computed in one batched pass and kept, so moving the
sequence-length slider or choosing another cell only redraws the three curves (blitted over
a background drawn once).
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib.ticker import FixedLocator

from dlnotes.depth import verdict
from dlnotes.explorers.base import dropdown, figure, int_slider, register, slider
from dlnotes.explorers.blit import BlitExplorer, Blitter
from dlnotes.rnn import CELLS, gradient_through_time
from dlnotes.style import BLUE, GREEN, VERMILLION, log_axis

__all__ = ["MAX_STEPS", "gradient_through_time_explorer"]

MAX_STEPS = 60
"""Longest sequence the explorer shows."""
FLOOR, CEILING = 1e-16, 1e6
"""The plot's range: smaller or larger values are drawn at the edge and named in the message."""
COLORS = {"SimpleRNN": VERMILLION, "LSTM": BLUE, "GRU": GREEN}


@register
def gradient_through_time_explorer():
    """Sequence length, cell, recurrent-weight scale and keep-gate bias → ‖∂L/∂x_t‖ for every step t."""
    fig, ax = figure(figsize=(5.8, 3.5))
    ax.axhline(1.0, color="0.6", lw=0.8, ls="--", zorder=1)
    # The curves are blitted over everything else, so they sit above the axes' lines (zorder 2.5) and
    # the legend stays outside the plot: a full redraw would stack them the same way.
    lines = {cell: ax.plot([0, 1], [1, 1], "-", color=COLORS[cell], label=cell, zorder=3)[0] for cell in CELLS}
    # Fixed axes and plain tick labels: text is what costs time when a figure is drawn.
    ax.set_xlim(-0.5, MAX_STEPS - 0.5)
    ax.set_ylim(FLOOR, CEILING)
    log_axis(ax.yaxis, ticks=[1e-16, 1e-12, 1e-8, 1e-4, 1, 1e4])
    ax.set_ylim(FLOOR, CEILING)
    ax.xaxis.set_major_locator(FixedLocator(range(0, MAX_STEPS, 10)))
    ax.set_xlabel("k: steps back from the step T where the loss is read")
    ax.set_ylabel(r"$\|\partial L/\partial x_{T-k}\| \;/\; \|\partial L/\partial x_T\|$")
    fig.suptitle("How much of the gradient reaches k steps back")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(CELLS), fontsize=9, frameon=False)

    @functools.lru_cache(maxsize=None)  # 3 cells × 7 scales × 7 biases at most
    def every_length(cell, scale, keep_bias):
        """(MAX_STEPS, MAX_STEPS): row T-1 is the gradient through time for a loss read at step T."""
        return gradient_through_time(cell, MAX_STEPS, recurrent_scale=scale, keep_bias=keep_bias, every_end=True)

    def table(cell, scale, keep_bias):
        return every_length(cell, scale, None if cell == "SimpleRNN" else keep_bias)  # the simple cell has no gate

    def update(cell, steps, scale, keep_bias):
        back = np.arange(steps)  # k = T - t
        for name, line in lines.items():
            g = table(name, scale, keep_bias)[steps - 1, :steps]
            line.set_data(back, np.clip(g[::-1] / g[-1], FLOOR, CEILING))
            chosen = name == cell
            line.set_linewidth(2.6 if chosen else 1.0)
            line.set_alpha(1.0 if chosen else 0.45)
            line.set_zorder(4 if chosen else 3)
        g = table(cell, scale, keep_bias)[steps - 1, :steps]
        if steps == 1:
            return "With one step there is nothing to go back through: choose T > 1."
        ratio = g[0] / g[-1]
        factor = ratio ** (1.0 / (steps - 1))
        msg = (f"{cell}, T = {steps}: the first step receives {ratio:.1e} × the gradient at step T; "
               f"each step back multiplies it by {factor:.2f} on average")
        msg += {"vanishing": " — vanishing: what came first barely influences learning.",
                "exploding": " — exploding: updates from what came first would be huge (clip the gradient).",
                "reaches": " — the gradient reaches the first step."}[verdict(ratio)]
        if ratio < FLOOR or ratio > CEILING:
            msg += " (Beyond the plot's range: drawn at its edge.)"
        if cell == "SimpleRNN":
            msg += " The simple cell has no gate: the keep-gate bias moves only the LSTM and GRU curves."
        return msg

    controls = {
        "cell": dropdown("cell", list(CELLS), "SimpleRNN"),
        "steps": int_slider("sequence length T", 1, MAX_STEPS, 50, unit="steps"),
        "scale": slider("recurrent weight scale", 0.5, 2.0, 0.25, 1.0),
        "keep_bias": slider("keep-gate bias", -1.0, 5.0, 1.0, 1.0,
                            help="the bias of the LSTM's forget gate f and of the GRU's update gate z"),
    }
    # Only the three curves move: draw axes, ticks and legend once and blit the curves over them.
    return BlitExplorer(update, controls, fig, blitter=Blitter(fig, lines.values()), title="Gradients through time")
