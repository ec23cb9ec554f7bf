"""Chapter 05 explorer: SGD, Momentum, AdaGrad, RMSProp and Adam (优化器) racing on a 2-D loss surface.

The paths come from :func:`dlnotes.descent.trajectory`, the optimisers from
:mod:`dlnotes.optimizers`, the contour lines and colours from :mod:`dlnotes.figures`.
"""

from __future__ import annotations

from dlnotes.descent import SURFACES, trajectory
from dlnotes.explorers.base import Explorer, checkbox, dropdown, figure, int_slider, log_slider, register
from dlnotes.figures import plot_surface
from dlnotes.optimizers import OPTIMIZERS, make_optimizer
from dlnotes.style import OPTIMIZER_COLORS

__all__ = ["optimizer_explorer"]


@register
def optimizer_explorer():
    """SGD, Momentum, AdaGrad, RMSProp and Adam racing on a 2-D loss surface."""
    fig, ax = figure(figsize=(5.8, 3.4))
    contours = {name: (plot_surface(ax, s), ax.lines[-1]) for name, s in SURFACES.items()}
    (start,) = ax.plot([], [], "ks", ms=6, zorder=5)
    lines = {name: ax.plot([], [], "o-", ms=2.5, lw=1.4, color=c, label=name)[0] for name, c in OPTIMIZER_COLORS.items()}
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.locator_params(nbins=5)
    title = ax.set_title("")

    def update(surface, lr, steps, **shown):
        s = SURFACES[surface]
        for name, artists in contours.items():
            for artist in artists:
                artist.set_visible(name == surface)
        ax.set_xlim(*s.xlim)
        ax.set_ylim(*s.ylim)
        start.set_data([s.start[0]], [s.start[1]])
        title.set_text(f"{s.title}, lr = {lr:.3g}, {steps} steps")
        notes = []
        for name, line in lines.items():
            on = shown[name]
            line.set_visible(on)
            if not on:
                continue
            path, diverged = _cached_trajectory(name, surface, lr, steps)
            line.set_data(path[:, 0], path[:, 1])
            if diverged:
                notes.append(f"{name}: diverged at step {diverged}")
            else:
                notes.append(f"{name}: f = {s.f(*path[-1]):.3g}")
        return " · ".join(notes) if notes else "Tick at least one optimiser to draw its path."

    cache: dict = {}

    def _cached_trajectory(name, surface, lr, steps):
        # Moving only the step slider or a tick box re-uses the path already computed.
        key = (name, surface, lr)
        if key in cache:
            path, diverged = cache[key]
            if diverged is not None and diverged <= steps:
                return path, diverged
            if len(path) > steps:
                return path[:steps + 1], None
        if len(cache) > 64:
            cache.clear()
        cache[key] = trajectory(make_optimizer(name, lr=lr), surface, steps)
        return cache[key]

    controls = {
        "surface": dropdown("surface", [("elongated bowl", "bowl"), ("saddle", "saddle")], "bowl"),
        "lr": log_slider("learning rate", 1e-3, 3.0, 0.1),
        "steps": int_slider("steps", 1, 300, 50),
    }
    # The boxes carry each path's colour: they are the figure's legend.
    controls.update({name: checkbox(name, True, color=OPTIMIZER_COLORS[name], help=f"draw {name}'s path")
                     for name in OPTIMIZERS})
    # A plain redraw: blitting saved only 13 % here (make bench), not worth a cached background.
    return Explorer(update, controls, fig, title="Optimiser trajectories")
