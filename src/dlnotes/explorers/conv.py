"""Chapter 06 explorers: output size, feature maps (特征图) of a real image, max vs average pooling.

Every figure is built once and updated in place. Images come from
:func:`dlnotes.data.load_image`: matplotlib's bundled sample photo (works offline) or,
when the course copy is present, an MNIST digit.
"""

from __future__ import annotations

import re

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from dlnotes.conv import convolve_image, output_size
from dlnotes.data import load_image, mnist_available
from dlnotes.explorers.base import Explorer, Reply, dropdown, figure, int_slider, register, show_image, slider, toggle
from dlnotes.language import language
from dlnotes.layers import AvgPool2D, MaxPool2D
from dlnotes.style import BLUE, DIVERGING_CMAP, HIGHLIGHT, SECOND, image_axes

__all__ = ["KERNELS", "feature_map_explorer", "output_size_explorer", "pooling_explorer", "window_positions"]

KERNELS = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
    "vertical edge (Sobel x)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
    "horizontal edge (Sobel y)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
    "edge (Laplacian)": np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]], float),
    "box blur": np.full((3, 3), 1 / 9),
    "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], float) / 16,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
}
"""Name -> 3×3 kernel (卷积核) for the feature-map explorer; "custom" uses the sliders instead."""


def _image_options():
    """Image dropdown options: the photo always; the digit only when the MNIST copy is on disk."""
    opts = [("photo (Grace Hopper, 96×96)", "photo")]
    if mnist_available():  # no local MNIST: the photo alone still teaches
        opts.append(("MNIST digit (28×28)", "digit"))
    return opts


def _grid_segments(h, w):
    """Line segments outlining every cell of an h×w image drawn with imshow."""
    rows = [((-0.5, y - 0.5), (w - 0.5, y - 0.5)) for y in range(h + 1)]
    cols = [((x - 0.5, -0.5), (x - 0.5, h - 0.5)) for x in range(w + 1)]
    return rows + cols


# --- output size ----------------------------------------------------------------------------
def window_positions(H, FH, P, S):
    """Top-left coordinates (in the padded input) of every window along one axis that fits, (OH,)."""
    span = H + 2 * P - FH
    if span < 0:
        return np.zeros(0, int)
    return np.arange(0, span + 1, S)


@register
def output_size_explorer():
    """Input size, kernel, padding, stride -> the grid, the windows and OH = (H + 2P − FH)/S + 1."""
    fig, (ax_in, ax_out) = figure(1, 2, figsize=(5.8, 3.4))
    ax_in.get_subplotspec().get_gridspec().set_width_ratios([1.6, 1])
    grid = ax_in.imshow(np.zeros((3, 3)), cmap=_GRID_CMAP, vmin=0, vmax=3)
    centers = ax_in.scatter([], [], s=12, c=BLUE, zorder=3)
    first = Rectangle((0, 0), 1, 1, fill=False, ec=BLUE, lw=2.5, zorder=4)
    chosen = Rectangle((0, 0), 1, 1, fill=False, ec=HIGHLIGHT, lw=2.5, zorder=5)
    ax_in.add_patch(first)
    ax_in.add_patch(chosen)
    lines_in = ax_in.add_collection(LineCollection([], colors="#999999", linewidths=0.6))
    out = ax_out.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1)
    lines_out = ax_out.add_collection(LineCollection([], colors="#999999", linewidths=0.6))
    out_mark = Rectangle((0, 0), 1, 1, fill=False, ec=HIGHLIGHT, lw=2.5)
    ax_out.add_patch(out_mark)
    # A teaching note, not an error: the notice colours of the explorer helper (amber), not red.
    note = ax_out.text(0.5, 0.5, "", transform=ax_out.transAxes, ha="center", va="center", fontsize=9,
                       color="#4a3800", zorder=6, bbox={"fc": "#fdf3dc", "ec": "#E69F00", "alpha": 0.95})
    formula = fig.suptitle("")
    for ax in (ax_in, ax_out):
        image_axes(ax)

    def update(H, FH, P, S, window):
        Hp = H + 2 * P
        span = H + 2 * P - FH
        cells = np.ones((Hp, Hp))
        if P:
            cells[:P, :] = cells[-P:, :] = cells[:, :P] = cells[:, -P:] = 0  # padding (填充)
        pos = window_positions(H, FH, P, S)
        fits = span >= 0 and span % S == 0
        if span >= 0 and not fits:  # rows/columns no window reaches
            reach = pos[-1] + FH
            cells[reach:, :] = np.where(cells[reach:, :] == 0, 2, 3)
            cells[:, reach:] = np.where(cells[:, reach:] == 0, 2, 3)
        show_image(ax_in, grid, cells)
        lines_in.set_segments(_grid_segments(Hp, Hp))
        ax_in.set_title(f"padded input {Hp}×{Hp}")
        n = len(pos)
        if n:
            yy, xx = np.meshgrid(pos + (FH - 1) / 2, pos + (FH - 1) / 2, indexing="ij")
            centers.set_offsets(np.c_[xx.ravel(), yy.ravel()])
            k = min(window, n * n - 1)
            i, j = divmod(k, n)
            first.set_bounds(-0.5, -0.5, FH, FH)
            chosen.set_bounds(pos[j] - 0.5, pos[i] - 0.5, FH, FH)
            first.set_visible(True)
            chosen.set_visible(True)
            o = np.zeros((n, n))
            o[i, j] = 1
            show_image(ax_out, out, o)
            lines_out.set_segments(_grid_segments(n, n))
            out.set_visible(True)
            out_mark.set_bounds(j - 0.5, i - 0.5, 1, 1)
            out_mark.set_visible(True)
            ax_out.set_title(f"output {n}×{n}")
        else:
            centers.set_offsets(np.empty((0, 2)))
            lines_out.set_segments([])
            for a in (first, chosen, out, out_mark):
                a.set_visible(False)
            ax_out.set_title("no output")
        note.set_visible(False)
        expr = f"OH = (H + 2P − FH)/S + 1 = ({H} + 2·{P} − {FH})/{S} + 1"
        # The window slider runs over the windows that exist (n × n of them).
        limits = {"window": (0, max(n * n - 1, 0))}
        inactive = {} if n * n > 1 else {"window": "there is only one window" if n else "no window fits"}
        try:
            OH = output_size(H, FH, P, S)
            note.set_text("")
            formula.set_text(f"{expr} = {OH}")
            return Reply(f"{n}×{n} windows; the red one is window {min(window, n * n - 1)} of {n * n} "
                         "and gives the red output cell.", limits=limits, inactive=inactive)
        except ValueError as exc:
            formula.set_text(f"{expr} = {span / S + 1:.3g}  ✗")
            msg = re.split("[;；]", str(exc))[0]  # why, without the advice (the message is in the reader's language)
            note.set_visible(True)
            if span < 0:
                note.set_text("The kernel is larger than\nthe padded input:\nno window fits.")
            else:
                note.set_text(f"S={S} does not fit:\n{span} is not a multiple of {S}.\n"
                              f"Shaded cells are never covered;\nframeworks drop them\nand return {n}×{n}.")
            end = "。" if language() == "zh" else "."
            return Reply(f"{n}×{n} windows.", notice=msg + end, limits=limits, inactive=inactive)

    controls = {
        "H": int_slider("input size H = W", 3, 12, 7, unit="px", help="height and width of the (square) input"),
        "FH": int_slider("kernel size FH = FW", 1, 7, 3, unit="px", help="height and width of the (square) kernel"),
        "P": int_slider("padding P", 0, 3, 0, unit="px", help="rows / columns of zeros added on every side"),
        "S": int_slider("stride S", 1, 4, 1, unit="px", help="how far the window moves per step"),
        "window": int_slider("highlighted window", 0, 48, 0,
                             help="which window (row by row) is drawn in red; the range follows the window count"),
    }
    return Explorer(update, controls, fig, title="Output size (输出大小)")


_GRID_CMAP = ListedColormap(["#c8c8c8", "#ffffff", "#e8a27a", "#f6d3bd"])
"""Cell colours of the output-size grid: 0 padding, 1 input, 2 uncovered padding, 3 uncovered input."""


# --- feature maps ----------------------------------------------------------------------------
@register
def feature_map_explorer():
    """Pick a kernel (or edit a 3×3 one with sliders) and see the feature map it makes from a real image."""
    fig, (ax_img, ax_k, ax_out) = figure(1, 3, figsize=(5.8, 2.5))
    ax_img.get_subplotspec().get_gridspec().set_width_ratios([1, 0.62, 1])
    img_art = ax_img.imshow(np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1)
    k_art = ax_k.imshow(np.zeros((3, 3)), cmap=DIVERGING_CMAP, vmin=-2, vmax=2)
    k_txt = [[ax_k.text(j, i, "", ha="center", va="center", fontsize=9) for j in range(3)] for i in range(3)]
    out_art = ax_out.imshow(np.zeros((2, 2)), cmap="gray")
    for ax in (ax_img, ax_k, ax_out):
        image_axes(ax)
    ax_img.set_title("input")

    def update(image, kernel, stride, relu, **k):
        x = load_image(image)
        K = np.array([[k[f"k{i}{j}"] for j in range(3)] for i in range(3)]) if kernel == "custom" else KERNELS[kernel]
        fmap = convolve_image(x, K, S=stride, P=1)
        if relu:
            fmap = np.maximum(fmap, 0.0)
        show_image(ax_img, img_art, x)
        k_art.set_data(K)
        lim = max(2.0, float(np.abs(K).max()))
        k_art.set_clim(-lim, lim)
        for i in range(3):
            for j in range(3):
                k_txt[i][j].set_text(f"{K[i, j]:.2g}")
        show_image(ax_out, out_art, fmap)
        lo, hi = float(fmap.min()), float(fmap.max())
        out_art.set_clim(lo, hi if hi > lo else lo + 1e-9)
        ax_k.set_title("kernel" if kernel == "custom" else kernel.split(" (")[0])
        ax_out.set_title(f"map {fmap.shape[0]}×{fmap.shape[1]}" + (", ReLU" if relu else ""))
        return Reply(f"output range [{lo:.3g}, {hi:.3g}]; sum of kernel weights = {K.sum():.3g} "
                     "(1 keeps brightness, 0 keeps only changes).",
                     hidden=() if kernel == "custom" else custom)

    controls = {
        "image": dropdown("image", _image_options(), "photo"),
        "kernel": dropdown("kernel", [*KERNELS, "custom"], "vertical edge (Sobel x)"),
        "stride": int_slider("stride S", 1, 3, 1, unit="px"),
        "relu": toggle("then ReLU", [("no", False), ("yes", True)], False),
    }
    default = KERNELS["sharpen"]
    custom = [f"k{i}{j}" for i in range(3) for j in range(3)]
    for i in range(3):
        for j in range(3):
            controls[f"k{i}{j}"] = slider(f"k[{i},{j}]", -2.0, 2.0, 0.25, float(default[i, j]),
                                          help=f"row {i}, column {j} of the custom kernel (choose kernel: custom)")
    return Explorer(update, controls, fig, title="Feature maps (特征图)")


# --- pooling -------------------------------------------------------------------------------------
@register
def pooling_explorer():
    """Max vs average pooling (最大池化 / 平均池化) of a real image with window and stride controls."""
    fig, axes = figure(1, 3, figsize=(5.8, 2.4))
    arts = [ax.imshow(np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1) for ax in axes]
    win = Rectangle((0, 0), 1, 1, fill=False, ec=HIGHLIGHT, lw=2)
    nxt = Rectangle((0, 0), 1, 1, fill=False, ec=SECOND, lw=2, ls="--")
    axes[0].add_patch(win)
    axes[0].add_patch(nxt)
    for ax in axes:
        image_axes(ax)

    def update(image, size, stride):
        x = load_image(image, size=48)
        show_image(axes[0], arts[0], x)
        axes[0].set_title(f"input {x.shape[0]}×{x.shape[1]}")
        win.set_bounds(-0.5, -0.5, size, size)
        nxt.set_bounds(stride - 0.5, -0.5, size, size)  # the next window, one stride to the right
        batch = x[None, None]
        note = ""
        if (x.shape[0] - size) % stride:
            note = (f"stride {stride} does not fit {x.shape[0]} − {size} = {x.shape[0] - size}: "
                    "the last rows / columns are dropped.")
        for ax, art, cls, name in ((axes[1], arts[1], MaxPool2D, "max"), (axes[2], arts[2], AvgPool2D, "average")):
            y = cls(size, size, stride, strict=False).forward(batch)[0, 0]
            show_image(ax, art, y)
            ax.set_title(f"{name} → {y.shape[0]}×{y.shape[1]}")
        n = output_size(x.shape[0], size, 0, stride, strict=False)
        return Reply(f"window {size}×{size} (red; the dashed one is the next), stride {stride}: "
                     f"{x.shape[0]}×{x.shape[1]} → {n}×{n}.", notice=note)

    controls = {
        "image": dropdown("image", _image_options(), _image_options()[-1][1]),
        "size": int_slider("window", 1, 6, 2, unit="px"),
        "stride": int_slider("stride S", 1, 6, 2, unit="px"),
    }
    return Explorer(update, controls, fig, title="Pooling (池化)")
