"""Chapter 05 explorer: initialiser (初始化) × activation × depth -> every layer's activations and gradients.

The numbers come from :func:`dlnotes.depth.layer_statistics`, the one deep-chain
forward/backward.
"""

from __future__ import annotations

import functools

import numpy as np

from dlnotes.depth import layer_statistics
from dlnotes.explorers.base import dropdown, figure, int_slider, register
from dlnotes.explorers.blit import BlitExplorer, Blitter
from dlnotes.initializers import INITIALIZERS

__all__ = ["initializer_explorer"]


@functools.lru_cache(maxsize=64)
def _histograms(initializer, activation, depth, bins):
    """Histogram rows (scaled to height 0.9) of :func:`layer_statistics`, cached per setting."""
    acts, grads = layer_statistics(initializer, activation, depth)
    if activation == "sigmoid":
        lo, hi = 0.0, 1.0
    elif activation == "tanh":
        lo, hi = -1.0, 1.0
    else:
        lo, hi = 0.0, max(float(max(np.quantile(a, 0.995) for a in acts)), 1e-12)
    g = max(float(max(np.quantile(np.abs(gr), 0.995) for gr in grads)), 1e-300)
    counts = []
    for a, gr in zip(acts, grads):
        ca, _ = np.histogram(np.clip(a, lo, hi), bins=bins, range=(lo, hi))
        cg, _ = np.histogram(np.clip(gr, -g, g), bins=bins, range=(-g, g))
        counts.append((0.9 * ca / max(ca.max(), 1), 0.9 * cg / max(cg.max(), 1)))
    return (lo, hi), g, counts, [a.std() for a in acts], [gr.std() for gr in grads]


@register
def initializer_explorer():
    """Initialiser x activation x depth -> a histogram of every layer's activations and weight gradients.

    Each row of a panel is one layer (layer 1 at the bottom), its histogram scaled to
    the row height; the x axis is shared, so a distribution that narrows layer by layer
    (vanishing) or piles up at the ends (saturation, 饱和) is visible at a glance.
    ReLU activations and all gradients are drawn in units of a scale (their 99.5th
    percentile over all layers, given in the panel title), so the axes stay put (sigmoid
    and ReLU use the right half: they are never negative) and only the bars move.
    """
    max_depth = 8
    bins = 40
    fig, (ax_a, ax_g) = figure(1, 2, figsize=(8.0, 3.8))
    edges0 = np.linspace(0, 1, bins + 1)
    steps, sigmas = {}, {}
    for ax, color in ((ax_a, "#1f77b4"), (ax_g, "#d62728")):
        steps[ax] = [ax.stairs(np.zeros(bins), edges0, baseline=k, fill=True, color=color, alpha=0.8)
                     for k in range(max_depth)]
        sigmas[ax] = [ax.text(1.01, k + 0.45, "", transform=ax.get_yaxis_transform(), ha="left", va="center",
                              fontsize=7) for k in range(max_depth)]
        ax.tick_params(labelsize=7)
        ax.set_xlim(-1, 1)
        ax.set_ylim(-0.1, max_depth)
        ax.set_yticks(np.arange(max_depth) + 0.45, [f"layer {k + 1}" for k in range(max_depth)])
    ax_a.set_xlabel("activation (ReLU: in units of the scale above)", fontsize=8)
    ax_g.set_xlabel("dL/dW in units of the scale above", fontsize=8)
    titles = {ax_a: ax_a.set_title("", fontsize=9), ax_g: ax_g.set_title("", fontsize=9)}
    # Fixed axes for every setting: only bars, σ labels and titles are redrawn (blitting).
    dynamic = [a for ax in (ax_a, ax_g) for a in (*steps[ax], *sigmas[ax], titles[ax])]
    blitter = Blitter(fig, dynamic)

    def update(initializer, activation, depth):
        (lo, hi), g, counts, a_std, g_std = _histograms(initializer, activation, depth, bins)
        a_scale = hi if activation == "relu" else 1.0
        for k in range(max_depth):
            on = k < depth
            for ax in (ax_a, ax_g):
                steps[ax][k].set_visible(on)
                sigmas[ax][k].set_visible(on)
            if on:
                steps[ax_a][k].set_data(k + counts[k][0], np.linspace(lo, hi, bins + 1) / a_scale, baseline=k)
                steps[ax_g][k].set_data(k + counts[k][1], np.linspace(-1, 1, bins + 1), baseline=k)
                sigmas[ax_a][k].set_text(f"σ={a_std[k]:.2g}")
                sigmas[ax_g][k].set_text(f"σ={g_std[k]:.2g}")
        titles[ax_a].set_text("activations" + (f" (scale {hi:.2g})" if activation == "relu" else ""))
        titles[ax_g].set_text(f"weight gradients dL/dW (scale {g:.2g})")
        return (f"activation σ: layer 1 {a_std[0]:.2g} → layer {depth} {a_std[-1]:.2g}; "
                f"weight-gradient σ: layer 1 {g_std[0]:.2g} → layer {depth} {g_std[-1]:.2g}")

    controls = {
        "initializer": dropdown("kernel_initializer", list(INITIALIZERS), "random_normal"),
        "activation": dropdown("activation", ["sigmoid", "tanh", "relu"], "sigmoid"),
        "depth": int_slider("layers", 1, max_depth, 5),
    }
    return BlitExplorer(update, controls, fig, blitter=blitter, title="Initialisation × activation")
