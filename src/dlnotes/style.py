"""The one visual style of every figure in the collection: fonts, sizes, colours, log ticks.

Importing :mod:`dlnotes` applies it (:func:`use`), so a notebook's own ``plt.subplots``
figures, the static figures of :mod:`dlnotes.figures` and every explorer look alike:

- **fonts**: :data:`FONTS` is the one font list (a CJK font found on the machine is added
  as a fallback, so Chinese labels render; add another font there and nowhere else);
  nothing smaller than :data:`MIN_FONT_PT` (9 pt) at the size a figure is shown;
- **colours** that colour-blind readers can tell apart (Okabe & Ito's palette):
  :data:`PALETTE` (the colour cycle), :data:`CLASS_COLORS` (class 0 orange, 1 blue,
  2 green, 3 purple, 4 vermilion, in every chapter), :data:`OPTIMIZER_COLORS`, and named roles —
  :data:`TRAIN` / :data:`TEST` curves, :data:`HIGHLIGHT` (what the slider picks),
  :data:`GOOD` / :data:`BAD` (right / wrong), :data:`NEUTRAL` (reference lines);
  :data:`BOUNDARY_CMAP` (orange → white → blue) and :data:`DIVERGING_CMAP` for signed values;
- **log axes** with plain-number ticks (0.01, 0.1, 1, 10; 10⁻⁸ for far decades), never a
  lone tick: :func:`log_axis`.

Sizes are in points; figures are drawn at 96 px per inch (:data:`CSS_DPI`), the
browser's own ratio, so a 9-pt label in a figure is as large as 9-pt text on the page.
"""

from __future__ import annotations

import importlib.util
import logging
import math
from pathlib import Path

import matplotlib as mpl
import numpy as np
from cycler import cycler
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.font_manager import fontManager
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import FixedLocator, FuncFormatter, Locator, MaxNLocator, NullLocator

__all__ = [
    "BAD",
    "BLUE",
    "BOUNDARY_CMAP",
    "CLASS_COLORS",
    "CSS_DPI",
    "DIVERGING_CMAP",
    "FONTS",
    "GOOD",
    "GREEN",
    "GREY",
    "HIGHLIGHT",
    "MIN_FONT_PT",
    "NEUTRAL",
    "OPTIMIZER_COLORS",
    "ORANGE",
    "PALETTE",
    "PURPLE",
    "RC",
    "SECOND",
    "SIZE",
    "SKY",
    "SMALL",
    "TEST",
    "TRAIN",
    "VERMILLION",
    "image_axes",
    "log_axis",
    "plain_number",
    "use",
]

# --- fonts ---------------------------------------------------------------------------------------
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Microsoft YaHei", "PingFang SC", "SimHei")
"""Fonts with Chinese glyphs, in order of preference; the first one installed becomes a fallback."""

CJK_FONT_FILE = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
"""Where the Chinese font comes from on every machine: Noto Sans CJK SC (SIL Open Font License),
as shipped by the ``mplfonts`` package, a dependency. It is registered with matplotlib from that
file (no system install, nothing copied); a CJK font of the system in :data:`CJK_FONTS` is the
fallback when the package is missing."""


def _bundled_cjk_font() -> str | None:
    """Register the packaged Noto Sans CJK SC with matplotlib; its family name, or None if absent."""
    spec = importlib.util.find_spec(CJK_FONT_FILE[0])  # located, not imported: importing it costs 0.3 s
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / CJK_FONT_FILE[1]
    if not path.is_file():
        return None
    if not any(f.fname == str(path) for f in fontManager.ttflist):
        fontManager.addfont(str(path))
    return FT2Font(str(path)).family_name


def _fonts() -> list[str]:
    # The CJK font has one weight: bold Chinese falls back to regular, which is what we want, and
    # matplotlib need not log "Failed to find font weight bold" into the notebook for it.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    bundled = _bundled_cjk_font()
    if bundled:
        return ["DejaVu Sans", bundled]
    installed = {f.name for f in fontManager.ttflist}
    cjk = [name for name in CJK_FONTS if name in installed][:1]
    return ["DejaVu Sans", *cjk]


FONTS = _fonts()
"""The font list of every figure: DejaVu Sans (ships with matplotlib), then a CJK fallback if installed."""

CSS_DPI = 96
"""Figure inches to page pixels: 96 px per inch, as CSS defines it, so 1 pt in a figure = 1 pt on the page."""

SIZE = 10.0
"""Body text of a figure: axis labels, titles, annotations (points)."""
SMALL = 9.0
"""Tick labels, legends, small notes (points): the smallest text in the collection."""
MIN_FONT_PT = SMALL
"""No text in any figure is smaller than this at the size it is shown (tests check it)."""

# --- colours (Okabe & Ito, "Color Universal Design", 2008) -----------------------------------------
BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#666666")
"""The named colours of the palette (use a role below when there is one)."""

PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, GREY]
"""The colour cycle (C0, C1, ... in matplotlib): distinguishable with every common colour-vision deficiency."""

TRAIN = BLUE
"""Training-set curves (loss, accuracy) in every chapter."""
TEST = VERMILLION
"""Test / validation curves in every chapter."""
HIGHLIGHT = VERMILLION
"""What the learner's slider points at: the chosen window, the current point, the tangent."""
SECOND = ORANGE
"""A second highlighted thing beside :data:`HIGHLIGHT` (the next window, the numerical secant)."""
GOOD = GREEN
"""Right / kept / best (a ✓, the restored epoch)."""
BAD = VERMILLION
"""Wrong / dropped (a ✗, uncovered cells)."""
NEUTRAL = "#999999"
"""Reference lines and context: zero lines, epoch marks, contour lines."""

CLASS_COLORS = np.array([mpl.colors.to_rgb(c) for c in (ORANGE, BLUE, GREEN, PURPLE, VERMILLION)])
"""RGB of class 0 (orange), 1 (blue), 2 (green), 3 (purple) and 4 (vermilion), the same in every figure."""

OPTIMIZER_COLORS = {"SGD": BLUE, "Momentum": ORANGE, "AdaGrad": GREEN, "RMSProp": VERMILLION, "Adam": PURPLE}
"""One colour per optimiser, the same in every figure of chapter 05."""

BOUNDARY_CMAP = LinearSegmentedColormap.from_list("dlnotes_boundary", [CLASS_COLORS[0], (1.0, 1.0, 1.0),
                                                                       CLASS_COLORS[1]])
"""Orange (class 0) through white (undecided) to blue (class 1)."""

DIVERGING_CMAP = "RdBu_r"
"""Signed values (kernels, weights): blue negative, white zero, red positive."""

# --- the rc settings ---------------------------------------------------------------------------
RC = {
    "font.family": FONTS,  # a list, not "sans-serif": matplotlib falls back glyph by glyph only along it
    "font.sans-serif": FONTS,
    "font.size": SIZE,
    "axes.titlesize": SIZE,
    "axes.labelsize": SIZE,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "legend.title_fontsize": SMALL,
    "figure.titlesize": SIZE + 1,
    "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "axes.titlepad": 5.0,
    "axes.titley": 1.0,  # a fixed title place: no tick-label measuring on every redraw (ticks are never on top)
    "axes.labelpad": 3.0,
    "axes.unicode_minus": True,
    "axes.formatter.use_mathtext": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5.0,
    "legend.frameon": True,
    "legend.framealpha": 0.85,
    "legend.edgecolor": "0.85",
    "legend.borderaxespad": 0.4,
    "legend.handlelength": 1.6,
    "xtick.major.size": 3.0,
    "ytick.major.size": 3.0,
    "grid.color": "0.9",
    "grid.linewidth": 0.6,
    "image.interpolation": "nearest",
    "figure.dpi": CSS_DPI,
    "savefig.dpi": "figure",
    "figure.facecolor": "white",
}
"""matplotlib settings of the collection's style (see the module docstring)."""


def use() -> None:
    """Apply :data:`RC` to matplotlib (importing :mod:`dlnotes` does this once)."""
    mpl.rcParams.update(RC)


# --- log axes ---------------------------------------------------------------------------------------
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def plain_number(v: float, _pos=None) -> str:
    """A tick label as a reader writes it: 0.001, 0.5, 20, 1000; 10⁻⁸ or 2×10⁻⁸ far from 1 (no mathtext)."""
    if v == 0 or not math.isfinite(v):
        return "0" if v == 0 else ""
    exponent = math.floor(math.log10(abs(v)) + 1e-9)
    if -3 <= exponent <= 4:
        return f"{v:.{2 - exponent}f}".rstrip("0").rstrip(".") if exponent < 0 else f"{v:g}"
    mantissa = v / 10.0**exponent
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if abs(mantissa - 1) < 1e-6 else f"{mantissa:.2g}×{power}"


class PlainLogLocator(Locator):
    """Log-axis ticks that always label at least two places: whole decades when the view spans
    two or more (at most ``numticks``, thinned evenly), else 1-2-5 steps, and within less than
    a decade evenly spaced round numbers (0.8, 1, 1.2, 1.4)."""

    def __init__(self, numticks: int = 5):
        self.numticks = int(numticks)

    def __call__(self):
        lo, hi = self.axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin, vmax):
        lo, hi = sorted((vmin, vmax))
        if not (hi > 0 and math.isfinite(hi)):
            return np.array([])
        lo = max(lo, hi * 1e-300, 1e-300)
        if hi / lo < 10:
            ticks = MaxNLocator(self.numticks, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
            return np.array([t for t in ticks if lo * (1 - 1e-9) <= t <= hi * (1 + 1e-9)])
        e0, e1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        for mantissas in ((1,), (1, 2, 5)):
            ticks = [m * 10.0**e for e in range(e0, e1 + 1) for m in mantissas]
            inside = [t for t in ticks if lo * (1 - 1e-9) <= t <= hi * (1 + 1e-9)]
            if len(inside) >= 2:
                stride = max(1, math.ceil(len(inside) / self.numticks))
                if stride > 1:  # thin whole decades so that 1 (10⁰) stays a tick when in view
                    inside = [t for t in inside if round(math.log10(t)) % stride == 0] or inside[::stride]
                return np.array(inside)
        return np.array([lo, hi])


def log_axis(axis, numticks: int = 5, ticks=None) -> None:
    """Make ``axis`` (``ax.xaxis`` / ``ax.yaxis``) logarithmic with plain-number tick labels.

    Ticks are ``ticks`` when given, else chosen by :class:`PlainLogLocator` (never a lone tick).
    """
    if axis.get_scale() != "log":
        (axis.axes.set_xscale if axis.axis_name == "x" else axis.axes.set_yscale)("log")
    axis.set_major_locator(FixedLocator(ticks) if ticks is not None else PlainLogLocator(numticks))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(plain_number))


def image_axes(ax, ticks: bool = False) -> None:
    """An axes that shows a picture (an image, a decision boundary): a thin frame on all four sides
    (the style hides the top and right spines of plots), and no ticks unless ``ticks``."""
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.6)
        spine.set_color("0.5")
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])
