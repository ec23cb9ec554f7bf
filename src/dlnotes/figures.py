"""The static figures the chapters draw.

Each ``draw_*`` / ``plot_*`` function draws on the matplotlib Axes it is given first
(``fig, ax = plt.subplots(...)`` in a notebook, :func:`dlnotes.explorers.base.figure` in an
explorer), so the notebook keeps the figure size and nothing here opens a window. Fonts,
sizes and colours (class colours, optimiser colours, train / test) come from
:mod:`dlnotes.style`, the one look of every figure.

- [00] :func:`draw_ai_ml_dl`, :func:`draw_pipelines`, :func:`plot_timeline` (:data:`HISTORY`);
- [01] :func:`plot_xor_spaces` — XOR in the input space and in the hidden space;
- [03] :func:`draw_axis_picture` — what ``axis=0`` and ``axis=1`` sum over;
- [04, 05, 07] the one decision boundary (决策边界): :class:`DecisionBoundary` (updated in
  place by the explorers; probabilities or regression values as colour, boundary lines, a
  class legend) and :func:`plot_decision_boundary` (one call, for notebooks);
- [05] :func:`plot_surface` — contour lines of a 2-D loss surface;
- [06] :func:`draw_im2col`, :func:`plot_filters`;
- [08] :func:`plot_history`, :func:`plot_confusion`, :func:`plot_mistakes`, :func:`plot_prediction`;
- [09, 10] :func:`mosaic` (the one tiling of channels into an image, also used by the
  playground's neuron thumbnails and chapter 10's digit grids) and :func:`plot_feature_maps`.
"""

from __future__ import annotations

import contourpy
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Ellipse, Patch, Rectangle

from dlnotes.descent import SURFACES
from dlnotes.evaluation import as_labels, predict_classes
from dlnotes.perceptron import GATE_WEIGHTS
from dlnotes.style import (BAD, BLUE, BOUNDARY_CMAP, CLASS_COLORS, DIVERGING_CMAP, GOOD, HIGHLIGHT, ORANGE, TEST, TRAIN,
                           image_axes)

__all__ = [
    "DEPTH_ENABLERS",
    "DecisionBoundary",
    "HISTORY",
    "PIPELINES",
    "boundary_extent",
    "draw_ai_ml_dl",
    "draw_axis_picture",
    "draw_im2col",
    "draw_pipelines",
    "mosaic",
    "plot_confusion",
    "plot_decision_boundary",
    "plot_feature_maps",
    "plot_filters",
    "plot_history",
    "plot_mistakes",
    "plot_prediction",
    "plot_surface",
    "plot_timeline",
    "plot_xor_spaces",
    "plane_grid",
    "probability_image",
    "value_image",
]

# --- [00] what deep learning is, and its history ----------------------------------------------
def draw_ai_ml_dl(ax) -> None:
    """AI ⊃ ML ⊃ DL as nested ellipses on ``ax``."""
    for (w, h, y, color, label, sub) in [
        (9.0, 6.0, 3.0, "#dbe9f6", "Artificial intelligence (AI)", "machines that act intelligently"),
        (6.5, 4.2, 2.2, "#a9cbe8", "Machine learning (ML)", "learn rules from data"),
        (3.8, 2.3, 1.3, "#5b9bd5", "Deep learning (DL)", "many-layer neural networks"),
    ]:
        ax.add_patch(Ellipse((4.5, y), w, h, facecolor=color, edgecolor="#2f5597"))
        ax.text(4.5, y + h / 2 - 0.55, label, ha="center", fontsize=11, weight="bold")
        ax.text(4.5, y + h / 2 - 0.95, sub, ha="center", fontsize=9, style="italic")
    ax.set_xlim(0, 9)
    ax.set_ylim(0, 6.2)
    ax.set_aspect("equal")
    ax.axis("off")


PIPELINES = {
    "Classic machine learning": ["raw data", "hand-made features", "choose a model\n(SVM, trees…)", "train", "predict"],
    "Deep learning (DL)": ["raw pixels", "simple features\n(edges) — learned", "complex features\n(shapes) — learned", "train end to end", "predict"],
}


def draw_pipelines(ax) -> None:
    """The classic-ML and deep-learning pipelines as two rows of boxes on ``ax``."""
    for row, (title, steps) in enumerate(PIPELINES.items()):
        y = 1.6 - row * 1.5
        ax.text(-0.1, y + 0.55, title, fontsize=11, weight="bold")
        previous = None
        for i, step in enumerate(steps):
            learned = "learned" in step or "end to end" in step
            box = ax.text(i * 2.3 + 0.9, y, step, ha="center", va="center", fontsize=9,
                          bbox=dict(boxstyle="round", fc="#c6e0b4" if learned else "#fce4d6", ec="gray"))
            if previous is not None:
                ax.annotate("", xy=(0, 0.5), xycoords=box, xytext=(1, 0.5), textcoords=previous,
                            arrowprops=dict(arrowstyle="->", shrinkA=4, shrinkB=4))
            previous = box
    ax.text(11.2, -0.3, "green: learned from data", ha="right", fontsize=9, color="#548235")
    ax.set_xlim(-0.2, 11.3)
    ax.set_ylim(-0.4, 2.4)
    ax.axis("off")


HISTORY = [
    (1958, "Perceptron (linear model)", "感知机"),
    (1969, "Perceptrons cannot learn XOR", "感知机的局限"),
    (1980, "Multi-layer perceptron", "多层感知机"),
    (1986, "Backpropagation", "反向传播"),
    (1989, "One hidden layer is 'good enough'?", "万能近似"),
    (2006, "RBM pre-training", "RBM 预训练"),
    (2009, "GPUs for training", "GPU 训练"),
    (2011, "Speech recognition", "语音识别"),
    (2012, "AlexNet wins ILSVRC", "ImageNet 竞赛"),
    (2015.1, "Image recognition beats humans", "超越人类的图像识别"),
    (2016.2, "AlphaGo beats Lee Sedol", "AlphaGo"),
    (2016.8, "Speech recognition on par with humans", "语音识别达到人类水平"),
]
"""(year, event, 中文) — the 1958–2016 timeline of seed 003."""

DEPTH_ENABLERS = [
    (2010, "Glorot initialisation"),
    (2011, "ReLU in deep nets"),
    (2015.0, "He init, batch norm, ResNet (152 layers)"),
]
"""Why "only networks of a few layers can use BP" is outdated: what made depth trainable."""


def plot_timeline(ax) -> None:
    """The 1958–2016 history on ``ax``, one row per event, with what made deep nets trainable in orange."""
    events = [(y, e, BLUE) for y, e, _ in HISTORY] + [(y, e, HIGHLIGHT) for y, e in DEPTH_ENABLERS]
    events.sort(key=lambda ev: ev[0])
    ax.axvspan(1970, 2005, color="gray", alpha=0.12)
    ax.text(1987.5, len(events) - 0.3, "decades when deep nets were hard to train", ha="center", fontsize=9, color="gray")
    for row, (year, event, color) in enumerate(events):
        y = len(events) - 1 - row
        ax.plot([1955, year], [y, y], color=color, lw=0.6, alpha=0.5)
        ax.plot(year, y, "o", color=color)
        right = year < 2000
        ax.text(year + (1 if right else -1), y, f"{int(year)}  {event}", va="center", fontsize=9,
                ha="left" if right else "right", color=color)
    ax.set_xlim(1955, 2019)
    ax.set_ylim(-0.8, len(events))
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("year (blue: milestones; orange: what made deep networks trainable)")


# --- [01] XOR by stacking --------------------------------------------------------------------------
def _gate_line(ax, name, style):
    """The line w·x + b = 0 of gate ``name`` (hand-picked weights) across the unit square's view."""
    (w1, w2), b = GATE_WEIGHTS[name]
    t = np.array([-0.5, 1.5])
    ax.plot(t, -(w1 * t + b) / w2, style, label=f"{name} line")


def plot_xor_spaces(axes, x, hidden, y) -> None:
    """XOR's four points x (4, 2) with the NAND and OR lines, and the same points in the hidden space
    ``hidden`` = (NAND, OR) (4, 2), where the AND line separates them; ``y`` (4,) the XOR labels."""
    ax_in, ax_hidden = axes
    _gate_line(ax_in, "NAND", "C0--")
    _gate_line(ax_in, "OR", "C1--")
    _gate_line(ax_hidden, "AND", "C2--")
    for ax, pts, title in [(ax_in, x, "input space x"), (ax_hidden, hidden, "hidden space s = (NAND, OR)")]:
        pts = np.asarray(pts, dtype=float)
        ax.scatter(pts[:, 0], pts[:, 1], c=CLASS_COLORS[np.asarray(y)], s=120, edgecolors="k")
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), title=title, aspect="equal")
        ax.legend(loc="upper right")


# --- [03] numpy's axis ------------------------------------------------------------------------------
def _square(x, y, color):
    return Rectangle((x - 0.45, y - 0.45), 0.9, 0.9, facecolor=color, edgecolor="0.4")


def draw_axis_picture(ax, a=None):
    """Draw a small matrix and the sums along axis 0 (down each column) and axis 1 (along each row)."""
    a = np.array([[1, 2, 3], [4, 5, 6]]) if a is None else np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"draw_axis_picture shows a 2-D array, got shape {a.shape}")
    n, m = a.shape
    ax.set_xlim(-0.7, m + 1.6)
    ax.set_ylim(n + 1.4, -1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    for i in range(n):
        for j in range(m):
            ax.add_patch(_square(j, i, "#dde8f5"))
            ax.text(j, i, str(a[i, j]), ha="center", va="center", fontsize=12)
    s0, s1 = a.sum(axis=0), a.sum(axis=1)
    for j in range(m):
        ax.add_patch(_square(j, n + 0.4, "#f8e0c0"))
        ax.text(j, n + 0.4, str(s0[j]), ha="center", va="center", fontsize=12)
    for i in range(n):
        ax.add_patch(_square(m + 0.4, i, "#d8f0d8"))
        ax.text(m + 0.4, i, str(s1[i]), ha="center", va="center", fontsize=12)
    ax.annotate("", xy=(-0.6, n - 0.4), xytext=(-0.6, -0.5), arrowprops=dict(arrowstyle="->", color="C1", lw=2))
    ax.text(m / 2 - 0.5, n + 1.2, "a.sum(axis=0): down each column (collapses the rows)", ha="center",
            color="C1", fontsize=9)
    ax.annotate("", xy=(m - 0.4, -0.7), xytext=(-0.5, -0.7), arrowprops=dict(arrowstyle="->", color="C2", lw=2))
    ax.text(m / 2 - 0.5, -0.85, "a.sum(axis=1): along each row (collapses the columns)", ha="center",
            color="C2", fontsize=9)
    ax.set_title(f"a has shape {a.shape}: axis 0 indexes rows, axis 1 indexes columns", fontsize=10)
    return ax


# --- [04, 05, 07] the decision boundary -----------------------------------------------------------
def probability_image(p, shape, *, discrete: bool = False) -> np.ndarray:
    """RGB image (*shape, 3) from class probabilities p (G*G, K), or (G*G,) of class 1.

    Two classes: orange through white to blue (:data:`BOUNDARY_CMAP`); three to five: a mix of
    the :data:`CLASS_COLORS`, paler where the network is unsure. ``discrete``: each pixel in the
    full colour of its most probable class (TensorFlow Playground's "discretize output").
    Lightened, so points stand out.
    """
    p = np.asarray(p, dtype=float)
    if p.ndim == 1 or p.shape[1] == 1:
        p1 = p.reshape(-1)
        p = np.column_stack([1.0 - p1, p1])
    K = p.shape[1]
    if K > len(CLASS_COLORS):
        raise ValueError(f"at most {len(CLASS_COLORS)} classes can be coloured, got probabilities of shape {p.shape}")
    if discrete:
        p = np.eye(K)[np.argmax(np.nan_to_num(p, nan=0.0), axis=1)]
    if K == 2:
        rgb = BOUNDARY_CMAP(np.clip(p[:, 1], 0.0, 1.0))[:, :3]
    else:
        rgb = p @ CLASS_COLORS[:K]
        confidence = (np.max(p, axis=1, keepdims=True) - 1.0 / K) / (1.0 - 1.0 / K)  # 0 undecided .. 1 sure
        rgb = 1.0 - (1.0 - rgb) * confidence
    rgb = 0.35 + 0.65 * np.clip(rgb, 0, 1)
    return rgb.reshape(*shape, 3)


def value_image(v, shape, *, discrete: bool = False) -> np.ndarray:
    """RGB image (*shape, 3) of regression outputs v (G*G,): -1 orange, 0 white, +1 blue (clipped), lightened.

    ``discrete``: only the sign, in full colour (as TensorFlow Playground's "discretize output").
    """
    v = np.nan_to_num(np.asarray(v, dtype=float).reshape(-1), nan=0.0)
    if discrete:
        v = np.sign(v)
    rgb = BOUNDARY_CMAP(np.clip((v + 1.0) / 2.0, 0.0, 1.0))[:, :3]
    return (0.35 + 0.65 * rgb).reshape(*shape, 3)


def boundary_lines(p, extent, resolution: int) -> list:
    """The decision boundary as polylines [(M, 2), ...] in data coordinates, from probabilities p (G*G, K) on
    :func:`plane_grid` ``(extent, resolution)``: where p1 = 0.5 (two classes), else where a class's
    probability equals the largest of the others (the edge of its region)."""
    p = np.nan_to_num(np.asarray(p, dtype=float), nan=0.0)
    if p.ndim == 1 or p.shape[1] == 1:
        p = np.column_stack([1.0 - p.reshape(-1), p.reshape(-1)])
    G = int(resolution)
    gx, gy = np.linspace(extent[0], extent[1], G), np.linspace(extent[2], extent[3], G)
    if p.shape[1] == 2:
        margins = [p[:, 1] - p[:, 0]]
    else:
        margins = []
        for k in range(p.shape[1]):
            others = np.delete(p, k, axis=1).max(axis=1)
            margins.append(p[:, k] - others)
    lines = []
    for z in margins:
        z = z.reshape(G, G)
        if z.min() < 0 < z.max():
            lines += contourpy.contour_generator(gx, gy, z, line_type="Separate").lines(0.0)
    return lines


def boundary_extent(*point_sets, pad: float = 0.1) -> tuple:
    """(x_min, x_max, y_min, y_max) around every (N, 2) point set given (None ones skipped), padded by
    ``pad`` of the span plus ``pad``."""
    pts = np.vstack([np.asarray(p, dtype=float).reshape(-1, 2) for p in point_sets if p is not None and len(p)])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    margin = pad * (hi - lo) + pad
    return (lo[0] - margin[0], hi[0] + margin[0], lo[1] - margin[1], hi[1] + margin[1])


def plane_grid(extent, resolution: int) -> np.ndarray:
    """Points (G*G, 2) on a G×G grid over ``extent`` = (x_min, x_max, y_min, y_max), x varying fastest
    (row-major with y rows, as ``imshow(origin="lower")`` draws them)."""
    gx = np.linspace(extent[0], extent[1], int(resolution))
    gy = np.linspace(extent[2], extent[3], int(resolution))
    xx, yy = np.meshgrid(gx, gy)
    return np.column_stack([xx.ravel(), yy.ravel()])


class DecisionBoundary:
    """The one decision-boundary drawing on ``ax``: class probabilities over a grid as a coloured
    image, training points (circles, white edge) and test points (squares, black edge) on top;
    optionally the boundary as contour lines (``contours=True``) and a class legend (:meth:`set_legend`).

    Explorers keep it and call :meth:`show` with new probabilities on :attr:`grid` (G*G, 2), in
    data coordinates (:meth:`show_values` for a regression's outputs); :func:`plot_decision_boundary`
    does it all once for a notebook.
    """

    def __init__(self, ax, extent=(-1.0, 1.0, -1.0, 1.0), resolution: int = 60, *, point_size: float = 22,
                 test_size: float = 22, test_alpha: float = 1.0, contours: bool = False, image=None):
        """``image``: the artist that shows the colours (``set_data``, ``set_extent``, origin lower,
        bilinear); None makes an ``imshow`` image (an animation may pass a faster one)."""
        self.ax = ax
        self.resolution = int(resolution)
        self.contours = bool(contours)
        image_axes(ax, ticks=True)
        self.image = image if image is not None else ax.imshow(np.ones((2, 2, 3)), origin="lower", extent=extent,
                                                               aspect="auto", interpolation="bilinear")
        # under every point: an animation blits the boundary under the points' cached layer
        self.lines = LineCollection([], colors=[(0.15, 0.15, 0.15)], linewidths=1.3, zorder=1.5)
        ax.add_collection(self.lines, autolim=False)
        self.train_points = ax.scatter([], [], s=point_size, linewidths=0.8, edgecolors="white", zorder=3)
        self.test_points = ax.scatter([], [], s=test_size, linewidths=0.8, edgecolors="black", marker="s",
                                      alpha=test_alpha, zorder=2)
        self.legend = None
        self.set_extent(extent)

    def set_extent(self, extent) -> None:
        """Show the plane ``extent`` = (x_min, x_max, y_min, y_max); recomputes :attr:`grid`."""
        self.extent = tuple(float(v) for v in extent)
        self.image.set_extent(self.extent)
        self.ax.set_xlim(self.extent[:2])
        self.ax.set_ylim(self.extent[2:])
        self.grid = plane_grid(self.extent, self.resolution)

    def set_points(self, x_train, y_train, x_test=None, y_test=None) -> None:
        """Draw the labelled points: x (N, 2), y (N,) integer classes, or float regression targets in [-1, 1]."""
        for artist, x, y in ((self.train_points, x_train, y_train), (self.test_points, x_test, y_test)):
            if x is None or len(x) == 0:
                artist.set_offsets(np.empty((0, 2)))
                artist.set_facecolors(np.empty((0, 3)))
            else:
                artist.set_offsets(np.asarray(x, dtype=float))
                y = np.asarray(y)
                artist.set_facecolors(BOUNDARY_CMAP(np.clip((y + 1.0) / 2.0, 0, 1))[:, :3] if y.dtype.kind == "f"
                                      else CLASS_COLORS[y.astype(int)])

    def show(self, probabilities, *, discrete: bool = False) -> None:
        """Colour the plane by class probabilities on :attr:`grid`: (G*G, K), or (G*G,) of class 1; with
        ``contours``, draw the boundary lines too. ``discrete``: each pixel in its class's full colour."""
        G = self.resolution
        self.image.set_data(probability_image(probabilities, (G, G), discrete=discrete))
        self.lines.set_segments(boundary_lines(probabilities, self.extent, G) if self.contours else [])

    def show_values(self, values, *, discrete: bool = False) -> None:
        """Colour the plane by regression outputs (G*G,) on :attr:`grid` (-1 orange, 0 white, +1 blue); no lines."""
        G = self.resolution
        self.image.set_data(value_image(values, (G, G), discrete=discrete))
        self.lines.set_segments([])

    def set_legend(self, num_classes: int | None, **kwargs) -> None:
        """A legend of class colours ("class 0", ...) for ``num_classes`` >= 2; None or 0 removes it."""
        if self.legend is not None:
            self.legend.remove()
            self.legend = None
        if num_classes:
            handles = [Patch(facecolor=CLASS_COLORS[k], edgecolor="white", label=f"class {k}")
                       for k in range(num_classes)]
            self.legend = self.ax.legend(handles=handles, **{"loc": "upper right", "fontsize": 9, "framealpha": 0.85,
                                                             "handlelength": 1.0, "borderpad": 0.3,
                                                             "labelspacing": 0.2, **kwargs})


def plot_decision_boundary(ax, predict, x, y, *, x_test=None, y_test=None, resolution: int = 150,
                           title: str | None = None) -> DecisionBoundary:
    """Colour the plane by ``predict(points (M, 2))`` — class probabilities (M, K), or (M,) of class 1 —
    and draw the points x (N, 2) labelled y (N,) (and a test set, as squares) on top."""
    boundary = DecisionBoundary(ax, boundary_extent(x, x_test), resolution)
    boundary.set_points(x, y, x_test, y_test)
    with np.errstate(over="ignore", under="ignore"):
        boundary.show(np.asarray(predict(boundary.grid), dtype=float))
    if title:
        ax.set_title(title)
    return boundary


# --- [05] loss surfaces ----------------------------------------------------------------------------
def plot_surface(ax, surface, resolution=(160, 120)):
    """Draw the contour lines of ``surface`` (a name of :data:`dlnotes.descent.SURFACES` or a Surface) and
    its minima (stars) on ``ax``; returns the ContourSet."""
    s = SURFACES[surface] if isinstance(surface, str) else surface
    gx, gy = np.meshgrid(np.linspace(*s.xlim, resolution[0]), np.linspace(*s.ylim, resolution[1]))
    z = s.f(gx, gy)
    levels = np.unique(np.quantile(z, np.linspace(0.0, 1.0, 16) ** 2))
    cs = ax.contour(gx, gy, z, levels=levels, cmap="Greys", linewidths=0.7, alpha=0.7)
    ax.plot(*zip(*s.minima), "k*", ms=12, zorder=5)
    ax.set_xlim(*s.xlim)
    ax.set_ylim(*s.ylim)
    return cs


# --- [06] im2col and filters -----------------------------------------------------------------------
def draw_im2col(axes, x, col, FH: int, FW: int, S: int = 1) -> None:
    """A 2-D input x (H, W) with its first two FH×FW windows (stride S) beside ``col``, its im2col
    matrix (one window per row), with the same two rows outlined."""
    ax_in, ax_col = axes
    x, col = np.asarray(x), np.asarray(col)
    for ax, a in ((ax_in, x), (ax_col, col)):
        ax.imshow(a, cmap="Blues", aspect="equal" if ax is ax_in else "auto")
        for (r, c), v in np.ndenumerate(a):
            ax.text(c, r, f"{v:g}", ha="center", va="center")
        ax.set_xticks([])
        ax.set_yticks([])
    for k, (color, style) in enumerate(((HIGHLIGHT, "-"), (ORANGE, "--"))):
        ax_in.add_patch(Rectangle((k * S - 0.5, -0.5), FW, FH, fill=False, ec=color, lw=3, ls=style))
        ax_col.add_patch(Rectangle((-0.5, k - 0.5), col.shape[1], 1, fill=False, ec=color, lw=3, ls=style))
    ax_in.set_title("input: two of the windows")
    ax_col.set_title("col: one window per row")


def plot_filters(axes, kernels) -> None:
    """One filter (h, w) of ``kernels`` (K, h, w) per axes, red positive and blue negative around 0."""
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim != 3:
        raise ValueError(f"kernels must have shape (K, h, w), got {kernels.shape}")
    for ax in np.ravel(axes):
        ax.axis("off")
    for ax, k in zip(np.ravel(axes), kernels):
        lim = max(float(np.abs(k).max()), 1e-12)
        ax.imshow(k, cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim)


# --- [08] training curves and evaluation -----------------------------------------------------------
def plot_history(ax, history: dict, metric: str = "accuracy", ylabel: str | None = None) -> None:
    """A Keras history's ``metric`` per epoch: train dashed, validation (``val_`` + metric) solid."""
    if metric not in history:
        raise ValueError(f"the history has no {metric!r}; it has {sorted(history)}")
    epochs = np.arange(1, len(history[metric]) + 1)
    ax.plot(epochs, history[metric], "--", color=TRAIN, label="train")
    if f"val_{metric}" in history:
        ax.plot(epochs, history[f"val_{metric}"], color=TEST, label="validation")
    ax.set(xlabel="epoch", ylabel=ylabel or metric)


def plot_confusion(ax, cm, class_names=None):
    """Draw the confusion matrix ``cm`` (C, C) with counts in the cells; returns the image artist."""
    cm = np.asarray(cm)
    n = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    off = cm.astype(float).copy()
    np.fill_diagonal(off, np.nan)  # colour the mistakes; the diagonal would swamp the scale
    im = ax.imshow(off, cmap="Reds")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=9,
                    color="black" if i != j else GOOD, fontweight="bold" if i == j else "normal")
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted", ylabel="true")
    ax.set_xticklabels(names, rotation=45 if max(len(s) for s in names) > 2 else 0)
    ax.set_yticklabels(names)
    return im


def plot_mistakes(axes, images, y_true, probs, indices, class_names=None):
    """Show ``images[indices]`` (28×28 each) on ``axes`` (any shape) titled 'true→pred (p)'."""
    y = as_labels(y_true, "y_true")
    names = class_names or [str(i) for i in range(np.asarray(probs).shape[1])]
    pred = predict_classes(probs)
    axes = np.ravel(axes)
    for ax in axes:
        ax.axis("off")
    for ax, i in zip(axes, indices):
        ax.imshow(np.asarray(images[i]).reshape(28, 28), cmap="gray_r")
        ax.set_title(f"{names[y[i]]}→{names[pred[i]]} ({probs[i, pred[i]]:.2f})", fontsize=9, color=BAD)


def plot_prediction(ax_image, ax_bar, image, probs, true_label=None, class_names=None):
    """One 28×28 image beside the bar chart of its class probabilities (C,)."""
    probs = np.asarray(probs).ravel()
    names = class_names or [str(i) for i in range(len(probs))]
    ax_image.imshow(np.asarray(image).reshape(28, 28), cmap="gray_r")
    ax_image.axis("off")
    title = f"predicted {names[int(probs.argmax())]}"
    if true_label is not None:
        title += f" (true {names[int(true_label)]})"
    ax_image.set_title(title, fontsize=9)
    colors = [BLUE] * len(probs)
    colors[int(probs.argmax())] = HIGHLIGHT
    ax_bar.bar(range(len(probs)), probs, color=colors)
    ax_bar.set(ylim=(0, 1), xticks=range(len(probs)), ylabel="probability")
    ax_bar.set_xticklabels(names, rotation=45 if max(len(s) for s in names) > 2 else 0)


# --- [09] channels as one image ------------------------------------------------------------------
def mosaic(maps, cols: int = 8, pad: int = 1, *, symmetric: bool = False, scale: bool = True) -> np.ndarray:
    """Tile channels (H, W, C) into one 2-D image (rows*(H+pad) - pad, cols*(W+pad) - pad), NaN between tiles.

    Each channel is scaled on its own to [0, 1]: min to max, or with ``symmetric`` 0 to 0.5
    and ±max|value| to 0 / 1 (so the sign stays visible). ``scale=False`` keeps the values as
    they are (images already in [0, 1], compared with each other). With no channel, one empty row.
    """
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"expected maps of shape (H, W, C), got {maps.shape}")
    h, w, c = maps.shape
    rows = max(1, -(-c // cols))
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), np.nan)
    if not scale:
        scaled = maps
    elif symmetric:
        peak = np.maximum(np.max(np.abs(maps), axis=(0, 1)), 1e-12)
        scaled = (np.clip(maps / peak, -1.0, 1.0) + 1.0) / 2.0
    else:
        lo, hi = maps.min(axis=(0, 1)), maps.max(axis=(0, 1))
        scaled = (maps - lo) / np.where(hi - lo > 0, hi - lo, 1.0)
    for k in range(c):
        r, q = divmod(k, cols)
        out[r * (h + pad): r * (h + pad) + h, q * (w + pad): q * (w + pad) + w] = scaled[:, :, k]
    return out


def plot_feature_maps(axes, image, maps: dict) -> None:
    """One row of ``axes`` per layer: the input ``image`` (H, W) titled with the layer's name, then that
    layer's first channels of ``maps[name]`` (1, h, w, C) — as many as the row has axes left."""
    axes = np.atleast_2d(axes)
    if len(maps) > len(axes):
        raise ValueError(f"{len(maps)} layers need {len(maps)} rows of axes, got {len(axes)}")
    for row, (name, m) in zip(axes, maps.items()):
        row[0].imshow(np.asarray(image).squeeze(), cmap="gray_r")
        row[0].set_title(name, fontsize=9)
        for c, ax in enumerate(row[1:]):
            if c < m.shape[-1]:
                ax.imshow(m[0, :, :, c], cmap="viridis")
    for ax in axes.ravel():
        ax.axis("off")
