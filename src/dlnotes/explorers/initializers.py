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
from dlnotes.language import tr
from dlnotes.style import BLUE, VERMILLION

__all__ = ["initializer_explorer"]


@functools.lru_cache(maxsize=256)
def _histograms(initializer, activation, depth, bins):
    """Histogram rows (scaled to height 0.9) of :func:`layer_statistics`, cached per setting (all 168 of
    them fit: 7 initialisers × 3 activations × 8 depths, a few KiB each)."""
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
    fig, (ax_a, ax_g) = figure(1, 2, figsize=(5.8, 3.6))
    edges0 = np.linspace(0, 1, bins + 1)
    steps, sigmas = {}, {}
    for ax, color in ((ax_a, BLUE), (ax_g, VERMILLION)):
        steps[ax] = [ax.stairs(np.zeros(bins), edges0, baseline=k, fill=True, color=color, alpha=0.8)
                     for k in range(max_depth)]
        sigmas[ax] = [ax.text(1.0, k + 0.45, "", transform=ax.get_yaxis_transform(), ha="right", va="center",
                              fontsize=9, color="0.2", bbox=dict(fc="white", ec="none", alpha=0.75, pad=0.5))
                      for k in range(max_depth)]
        ax.set_xlim(-1, 1)
        ax.set_ylim(-0.1, max_depth)
        ax.set_xticks([-1, 0, 1])
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    ax_a.set_yticks(np.arange(max_depth) + 0.45, [f"layer {k + 1}" for k in range(max_depth)])
    ax_g.set_yticks([])
    ax_g.set_xlabel("dL/dW ÷ scale")
    titles = {ax_a: ax_a.set_title(""), ax_g: ax_g.set_title("")}
    # Fixed axes for every setting: only bars, σ labels and titles are redrawn (blitting);
    # the activation axis label changes with the activation, and then the background is redrawn.
    dynamic = [a for ax in (ax_a, ax_g) for a in (*steps[ax], *sigmas[ax], titles[ax])]
    blitter = Blitter(fig, dynamic)

    def update(initializer, activation, depth):
        (lo, hi), g, counts, a_std, g_std = _histograms(initializer, activation, depth, bins)
        a_scale = hi if activation == "relu" else 1.0
        rows = [tr(f"layer {k + 1}") if k < depth else "" for k in range(max_depth)]  # as the axis shows them
        if [t.get_text() for t in ax_a.get_yticklabels()] != rows:  # name only the layers there are
            ax_a.set_yticks(np.arange(max_depth) + 0.45, rows)
            blitter.stale = True
        for k in range(max_depth):
            on = k < depth
            for ax in (ax_a, ax_g):
                steps[ax][k].set_visible(on)
                sigmas[ax][k].set_visible(on)
            if on:
                steps[ax_a][k].set_data(k + counts[k][0], np.linspace(lo, hi, bins + 1) / a_scale, baseline=k)
                steps[ax_g][k].set_data(k + counts[k][1], np.linspace(-1, 1, bins + 1), baseline=k)
                sigmas[ax_a][k].set_text(f"σ {a_std[k]:.2g}")
                sigmas[ax_g][k].set_text(f"σ {g_std[k]:.2g}")
        label = "activation ÷ scale" if activation == "relu" else f"{activation}(z)"
        if ax_a.get_xlabel() != label:
            ax_a.set_xlabel(label)
            blitter.stale = True
        titles[ax_a].set_text("activations" + (f", scale {hi:.2g}" if activation == "relu" else ""))
        titles[ax_g].set_text(f"gradients dL/dW, scale {g:.2g}")
        return (f"activation σ: layer 1 {a_std[0]:.2g} → layer {depth} {a_std[-1]:.2g}; "
                f"weight-gradient σ: layer 1 {g_std[0]:.2g} → layer {depth} {g_std[-1]:.2g}")

    controls = {
        "initializer": dropdown("kernel_initializer", list(INITIALIZERS), "random_normal",
                                help="how each layer's weights are drawn (Keras names)"),
        "activation": dropdown("activation", ["sigmoid", "tanh", "relu"], "sigmoid"),
        "depth": int_slider("layers", 1, max_depth, 5, help="depth of the stack of dense layers"),
    }
    return BlitExplorer(update, controls, fig, blitter=blitter, title="Initialisation × activation")
