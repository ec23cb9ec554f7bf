"""Chapter 05 explorers: optimisers (优化器), initialisation (初始化), batch norm, dropout, L2, early stopping.

The explorers reuse the package: optimisers from :mod:`dlnotes.optimizers`,
initialisers from :mod:`dlnotes.initializers`, the numpy :func:`dlnotes.network.MLP`
and the layers of :mod:`dlnotes.regularization`. The functions they are built on
(:func:`trajectory`, :func:`layer_statistics`, :func:`fit`) are public, so tests and
the notebook can use the numbers without a figure.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dlnotes.blit import BlitExplorer, Blitter
from dlnotes.config import size
from dlnotes.data import Split, make_toy
from dlnotes.explorer import Explorer, checkbox, dropdown, figure, int_slider, log_slider, register, slider
from dlnotes.functions import ACTIVATIONS, cross_entropy_with_logits
from dlnotes.initializers import INITIALIZERS, initialize
from dlnotes.optimizers import OPTIMIZERS, Momentum, Optimizer, make_optimizer
from dlnotes.regularization import EarlyStopping

__all__ = [
    "COLORS",
    "SURFACES",
    "Surface",
    "batchnorm_explorer",
    "early_stopping_explorer",
    "fit",
    "initializer_explorer",
    "layer_statistics",
    "optimizer_explorer",
    "overfitting_data",
    "plot_surface",
    "regularization_explorer",
    "trajectory",
]

COLORS = {"SGD": "#1f77b4", "Momentum": "#ff7f0e", "AdaGrad": "#2ca02c", "RMSProp": "#d62728", "Adam": "#9467bd"}
"""One colour per optimiser, the same in every figure of the chapter."""


# --- 1. optimiser trajectories on 2-D surfaces ---------------------------------------------
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


def trajectory(optimizer: Optimizer, surface, steps: int, start=None, bound: float = 1e3):
    """Points (k+1, 2) visited by ``optimizer`` from ``start`` over ``steps`` steps, and the step it diverged (or None).

    A run stops early, and reports the step, once a point leaves the box |x|, |y| < ``bound``.
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


def plot_surface(ax, surface, resolution=(160, 120)):
    """Draw the contour lines of ``surface`` (a name or :class:`Surface`) on ``ax``; returns the ContourSet."""
    s = SURFACES[surface] if isinstance(surface, str) else surface
    gx, gy = np.meshgrid(np.linspace(*s.xlim, resolution[0]), np.linspace(*s.ylim, resolution[1]))
    z = s.f(gx, gy)
    levels = np.unique(np.quantile(z, np.linspace(0.0, 1.0, 16) ** 2))
    cs = ax.contour(gx, gy, z, levels=levels, cmap="Greys", linewidths=0.7, alpha=0.7)
    ax.plot(*zip(*s.minima), "k*", ms=12, zorder=5)
    ax.set_xlim(*s.xlim)
    ax.set_ylim(*s.ylim)
    return cs


@register
def optimizer_explorer():
    """SGD, Momentum, AdaGrad, RMSProp and Adam racing on a 2-D loss surface."""
    fig, ax = figure(figsize=(6.4, 3.8))
    contours = {name: (plot_surface(ax, s), ax.lines[-1]) for name, s in SURFACES.items()}
    (start,) = ax.plot([], [], "ks", ms=6, zorder=5)
    lines = {name: ax.plot([], [], "o-", ms=2.5, lw=1.2, color=c, label=name)[0] for name, c in COLORS.items()}
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.locator_params(nbins=5)  # fewer tick labels: text is most of the drawing time
    title = ax.set_title("")

    stars = [star for _, star in contours.values()]  # the minima: on top of the paths
    blitter = Blitter(fig, [start, *lines.values(), *stars, title])  # contours, axes and legend are drawn once
    drawn_surface = [None]

    def update(surface, lr, steps, **shown):
        s = SURFACES[surface]
        if surface != drawn_surface[0]:
            blitter.stale = True  # a new background: other contours and limits
            drawn_surface[0] = surface
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
    controls.update({name: checkbox(name, True) for name in OPTIMIZERS})
    return BlitExplorer(update, controls, fig, blitter=blitter, title="Optimiser trajectories")


# --- 2. initialisation: activation and gradient histograms -------------------------------------
_DERIVATIVE_FROM_OUTPUT = {
    "sigmoid": lambda a, z: a * (1.0 - a),
    "tanh": lambda a, z: 1.0 - a * a,
    "relu": lambda a, z: (z > 0).astype(float),
}


def layer_statistics(initializer: str, activation: str, depth: int, width: int = 100, n: int = 500, seed: int = 0):
    """Activations and weight gradients of a ``depth``-layer, ``width``-unit network on random inputs.

    Returns (acts, grads): lists of ``depth`` arrays, acts[k] (n, width) the output of
    layer k+1, grads[k] (width, width) dL/dW of layer k+1 for a random upstream gradient.
    Layers have no bias, as in the classic experiment: a_k = f(a_{k-1} @ W_k).
    """
    if initializer not in INITIALIZERS:
        raise ValueError(f"unknown initializer {initializer!r}; choose one of {sorted(INITIALIZERS)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    if int(depth) < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    f, df = ACTIVATIONS[activation]
    df_out = _DERIVATIVE_FROM_OUTPUT.get(activation, lambda a, z: df(z))
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, width))
    weights = [initialize(initializer, (width, width), rng) for _ in range(int(depth))]
    inputs, local, acts = [], [], []
    a = x
    for W in weights:
        inputs.append(a)
        z = a @ W
        a = f(z)
        local.append(df_out(a, z))
        acts.append(a)
    dout = rng.normal(size=(n, width)) / n  # the gradient a loss would send back
    grads = [None] * len(weights)
    for k in reversed(range(len(weights))):
        dz = dout * local[k]
        grads[k] = inputs[k].T @ dz
        dout = dz @ weights[k].T
    return acts, grads


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


# --- shared training loop ----------------------------------------------------------------------
def overfitting_data(n_train: int = 40, n_test: int = 500, noise: float = 0.2, seed: int = 0) -> Split:
    """A noisy two-moons split with few training points (n_train, 2) and many test points (n_test, 2): easy to overfit."""
    return make_toy("moons", n=n_train + n_test, noise=noise, test_ratio=n_test / (n_train + n_test), seed=seed)


def fit(net, data, optimizer, epochs: int, batch_size: int | None = None, seed: int = 0,
        progress=None, snapshots: bool = False, label: str = "") -> dict:
    """Train ``net`` with mini-batches; per-epoch data loss (no L2 term) and accuracy on train and test.

    Returns a dict of lists "train_loss", "test_loss", "train_acc", "test_acc" (and
    "snapshots": copies of the parameters after each epoch, if asked), plus "diverged":
    the epoch at which the loss stopped being finite, or None.
    ``progress(done, total, text)`` is called after every epoch.
    """
    x, t, xt, tt = data.x_train, data.y_train, data.x_test, data.y_test
    n = len(x)
    batch_size = n if batch_size is None else max(1, min(int(batch_size), n))
    rng = np.random.default_rng(seed)
    hist = {"train_loss": [], "test_loss": [], "train_acc": [], "test_acc": [], "diverged": None}
    if snapshots:
        hist["snapshots"] = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(1, int(epochs) + 1):
            order = rng.permutation(n)
            for s in range(0, n, batch_size):
                idx = order[s:s + batch_size]
                optimizer.update(net.params, net.gradient(x[idx], t[idx]))
            for part, xs, ts in (("train", x, t), ("test", xt, tt)):
                logits = net.predict(xs, train=False)
                hist[f"{part}_loss"].append(float(cross_entropy_with_logits(logits, ts)))
                hist[f"{part}_acc"].append(float(np.mean(np.argmax(logits, axis=1) == ts)))
            if snapshots:
                hist["snapshots"].append({k: v.copy() for k, v in net.params.items()})
            if not (np.isfinite(hist["train_loss"][-1]) and hist["train_loss"][-1] < 1e3):
                hist["diverged"] = epoch
                break
            if progress is not None:
                progress(epoch, epochs, f"{label}epoch {epoch}/{epochs}")
    return hist


def _boundary_grid(data, res=70):
    lo = np.minimum(data.x_train.min(0), data.x_test.min(0)) - 0.2
    hi = np.maximum(data.x_train.max(0), data.x_test.max(0)) + 0.2
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], res), np.linspace(lo[1], hi[1], res))
    return np.column_stack([gx.ravel(), gy.ravel()]), (lo[0], hi[0], lo[1], hi[1]), gx.shape


def _class1_probability(net, grid):
    from dlnotes.functions import softmax

    with np.errstate(over="ignore", invalid="ignore"):
        return softmax(net.predict(grid, train=False), axis=1)[:, 1]


def _boundary_axes(ax, data, extent):
    img = ax.imshow(np.full((2, 2), 0.5), origin="lower", extent=extent, cmap="RdBu", vmin=0, vmax=1,
                    aspect="auto", alpha=0.6, interpolation="bilinear")
    ax.scatter(*data.x_test.T, c=data.y_test, cmap="RdBu", vmin=-0.3, vmax=1.3, s=4, alpha=0.35, lw=0)
    ax.scatter(*data.x_train.T, c=data.y_train, cmap="RdBu", vmin=0, vmax=1, s=22, edgecolors="k", lw=0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    return img


def _plain_log_axis(ax):
    """A log-scale y axis with major ticks only (minor tick labels are slow to draw and add little)."""
    from matplotlib.ticker import NullLocator

    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())


def _loss_ylim(*curves):
    vals = np.concatenate([np.asarray(c, float) for c in curves if len(c)])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size == 0:
        return 1e-3, 10.0
    return max(vals.min() * 0.7, 1e-4), min(vals.max() * 1.4, 1e3)


# --- 3. dropout and L2 on an overfitting task ------------------------------------------------------
@register
def regularization_explorer():
    """Dropout rate and L2 strength on a tiny noisy training set: train vs test loss and the decision boundary."""
    from dlnotes.network import MLP

    data = overfitting_data()
    grid, extent, gshape = _boundary_grid(data)
    fig, (ax_b, ax_c) = figure(1, 2, figsize=(9.0, 3.6))
    img = _boundary_axes(ax_b, data, extent)
    ax_b.set_title("decision boundary (big dots: training set)", fontsize=9)
    (l_train,) = ax_c.plot([], [], color="#1f77b4", label="train loss")
    (l_test,) = ax_c.plot([], [], color="#d62728", label="test loss")
    _plain_log_axis(ax_c)
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("cross-entropy (no L2 term)")
    ax_c.legend(fontsize=8, loc="lower left")
    def update(dropout, l2, epochs, progress):
        net = MLP(2, [100, 100], 2, activation="relu", dropout=dropout, l2=l2, seed=0)
        hist = fit(net, data, Momentum(lr=0.05), epochs, batch_size=20, progress=progress)
        ep = np.arange(1, len(hist["train_loss"]) + 1)
        l_train.set_data(ep, hist["train_loss"])
        l_test.set_data(ep, hist["test_loss"])
        ax_c.set_xlim(0, max(epochs, 2))
        ax_c.set_ylim(*_loss_ylim(hist["train_loss"], hist["test_loss"]))
        img.set_data(_class1_probability(net, grid).reshape(gshape))
        tr, te = hist["train_loss"][-1], hist["test_loss"][-1]
        return (f"after {len(ep)} epochs: train loss {tr:.3f}, test loss {te:.3f} (gap {te - tr:.3f}); "
                f"train acc {hist['train_acc'][-1]:.0%}, test acc {hist['test_acc'][-1]:.0%}")

    controls = {
        "dropout": slider("dropout rate", 0.0, 0.8, 0.1, 0.0),
        "l2": slider("L2 strength λ", 0.0, 0.05, 0.001, 0.0),
        "epochs": int_slider("epochs", 20, 300, size(full=200, smoke=40), step=20),
    }
    return Explorer(update, controls, fig, expensive=True, title="Dropout and L2 vs overfitting")


# --- 4. batch norm on / off ----------------------------------------------------------------------------
@register
def batchnorm_explorer():
    """The same deep network trained with and without batch norm: loss and test accuracy per epoch."""
    from dlnotes.network import MLP
    from dlnotes.optimizers import SGD

    data = make_toy("spiral3", n=450, noise=0.1, test_ratio=1 / 3, seed=0)
    fig, (ax_l, ax_a) = figure(1, 2, figsize=(9.0, 3.4))
    lines = {}
    for bn, color in ((False, "#7f7f7f"), (True, "#2ca02c")):
        name = "with batch norm" if bn else "without"
        lines[bn] = (ax_l.plot([], [], color=color, label=name)[0], ax_a.plot([], [], color=color, label=name)[0])
    _plain_log_axis(ax_l)
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("training loss")
    ax_a.set_xlabel("epoch")
    ax_a.set_ylabel("test accuracy")
    ax_a.set_ylim(0, 1.02)
    ax_a.axhline(1 / 3, color="k", lw=0.6, ls=":")
    ax_a.legend(fontsize=8, loc="upper left")

    def update(initializer, lr, epochs, progress):
        notes, curves = [], []
        for i, bn in enumerate((False, True)):
            net = MLP(2, [50] * 5, 3, activation="relu", weight_init=initializer, batchnorm=bn, seed=0)

            def prog(done, total, text, i=i):
                progress(i * total + done, 2 * total, text)

            hist = fit(net, data, SGD(lr=lr), epochs, batch_size=50, progress=prog,
                       label="with BN: " if bn else "without BN: ")
            ep = np.arange(1, len(hist["train_loss"]) + 1)
            ll, la = lines[bn]
            ll.set_data(ep, hist["train_loss"])
            la.set_data(ep, hist["test_acc"])
            curves.append(hist["train_loss"])
            name = "with BN" if bn else "without BN"
            if hist["diverged"]:
                notes.append(f"{name}: diverged at epoch {hist['diverged']}")
            else:
                notes.append(f"{name}: test acc {hist['test_acc'][-1]:.0%}")
        for ax in (ax_l, ax_a):
            ax.set_xlim(0, max(epochs, 2))
        ax_l.set_ylim(*_loss_ylim(*curves))
        return " · ".join(notes)

    controls = {
        "initializer": dropdown("kernel_initializer", ["random_normal", "random_uniform", "glorot_normal", "he_normal"],
                                "random_normal"),
        "lr": log_slider("learning rate", 1e-3, 1.0, 0.05),
        "epochs": int_slider("epochs", 10, 150, size(full=60, smoke=10), step=10),
    }
    return Explorer(update, controls, fig, expensive=True, title="Batch normalization on / off")


# --- 5. early stopping ------------------------------------------------------------------------------------
@register
def early_stopping_explorer():
    """Patience and min_delta on a recorded overfitting run: where training stops and which weights come back."""
    from dlnotes.network import MLP

    full = overfitting_data()  # the same 40 training points as the dropout / L2 explorer
    half = len(full.x_test) // 2
    data = Split(full.x_train, full.y_train, full.x_test[:half], full.y_test[:half])  # test part = validation
    epochs = size(full=200, smoke=100)
    net = MLP(2, [100, 100], 2, activation="relu", seed=0)
    hist = fit(net, data, Momentum(lr=0.05), epochs, batch_size=20, snapshots=True)
    val = np.array(hist["test_loss"])
    ep = np.arange(1, len(val) + 1)
    grid, extent, gshape = _boundary_grid(data)

    fig, (ax_c, ax_b) = figure(1, 2, figsize=(9.0, 3.6))
    ax_c.plot(ep, hist["train_loss"], color="#1f77b4", label="train loss")
    ax_c.plot(ep, val, color="#d62728", label="validation loss")
    _plain_log_axis(ax_c)
    ax_c.set_ylim(*_loss_ylim(hist["train_loss"], val))
    ax_c.set_xlim(0, len(val) + 1)
    stop_line = ax_c.axvline(len(val), color="k", lw=1.2)
    (best_dot,) = ax_c.plot([], [], "o", ms=8, mfc="none", mec="#2ca02c", mew=2)
    shade = ax_c.axvspan(len(val), len(val) + 1, color="0.85", alpha=0.6, lw=0, zorder=2.2)  # greys the curves after the stop
    ax_c.set_xlabel("epoch")
    ax_c.legend(fontsize=8, loc="lower left")
    ax_c.locator_params(axis="x", nbins=5)
    _plain_log_axis(ax_c)
    c_title = ax_c.set_title("", fontsize=9)
    img = _boundary_axes(ax_b, data, extent)
    b_title = ax_b.set_title("", fontsize=9)
    # Only these change with the sliders; the curves, axes and legend are drawn once.
    # (The points are redrawn too, so they stay on top of the boundary image.)
    blitter = Blitter(fig, [shade, stop_line, best_dot, ax_c.get_legend(), c_title, img, *ax_b.collections, b_title])

    def update(patience, min_delta):
        es = EarlyStopping(patience=int(patience), min_delta=min_delta)
        stop = es.run(val)
        best = es.best_epoch
        stop_line.set_xdata([stop, stop])
        shade.set_x(stop)
        shade.set_width(max(len(val) + 1 - stop, 0))
        best_dot.set_data([best], [val[best - 1]])
        net_params = net.params
        for k, v in net_params.items():
            v[...] = hist["snapshots"][best - 1][k]
        img.set_data(_class1_probability(net, grid).reshape(gshape))
        b_title.set_text(f"restored weights of epoch {best} (validation loss {val[best - 1]:.3f})")
        c_title.set_text(f"patience {int(patience)}, min_delta {min_delta:.3f}: stops at epoch {stop} (black), "
                         f"best epoch {best} (green)")
        if not es.stopped:
            return f"never stopped within {len(val)} epochs; the best epoch was {best}"
        return (f"stops at epoch {stop} (saved {len(val) - stop} epochs) and restores epoch {best}: "
                f"validation loss {val[best - 1]:.3f} instead of {val[stop - 1]:.3f} at the stop "
                f"and {val[-1]:.3f} after all {len(val)} epochs")

    controls = {
        "patience": int_slider("patience", 0, 60, 10, unit="epochs"),
        "min_delta": slider("min_delta", 0.0, 0.05, 0.001, 0.0),
    }
    return BlitExplorer(update, controls, fig, blitter=blitter, title="Early stopping")
