"""Chapter 00 explorer: one neuron y = f(w·x + b), the first slider a learner moves."""

from __future__ import annotations

import numpy as np

from dlnotes.explorers.base import Explorer, dropdown, figure, register, slider
from dlnotes.functions import ACTIVATIONS

__all__ = ["neuron_explorer"]


@register
def neuron_explorer() -> Explorer:
    """One neuron y = f(w·x + b): sliders for w and b, a dropdown for f. Redraws on every move."""
    fig, ax = figure(figsize=(5.0, 3.2))
    x = np.linspace(-5, 5, 201)
    (line,) = ax.plot(x, x, lw=2)
    (mark,) = ax.plot([], [], "o", color="C3")
    ax.set_xlim(-5, 5)
    ax.set_ylim(-1.2, 5.2)
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_xlabel("input x")
    ax.set_ylabel("output y")
    title = ax.set_title("")

    def update(w, b, activation):
        f, _ = ACTIVATIONS[activation]
        line.set_ydata(f(w * x + b))
        x0 = -b / w if w else np.nan
        mark.set_data([x0], [float(f(0.0))] if np.isfinite(x0) and -5 <= x0 <= 5 else [np.nan])
        title.set_text(f"y = {activation}({w:.2g}·x + {b:.2g})")
        return "The dot marks where w·x + b = 0 (the neuron's threshold)." if w else "w = 0: the output no longer depends on x."

    controls = {
        "w": slider("weight w", -3, 3, 0.1, 1.0),
        "b": slider("bias b", -3, 3, 0.1, 0.0),
        "activation": dropdown("activation f", ["sigmoid", "relu", "tanh", "step", "identity"], "sigmoid"),
    }
    return Explorer(update, controls, fig, title="One neuron (神经元)")
