"""The one style of every figure (dlnotes.style): fonts, colours, plain-number log ticks."""

from __future__ import annotations

import itertools

import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Text

import dlnotes  # noqa: F401 - importing the package applies the style
from dlnotes import figures as F
from dlnotes import style
from dlnotes.evaluation import confusion_matrix

# Colour-vision-deficiency simulation matrices (Machado, Oliveira & Fernandes 2009, severity 1), on linear RGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _seen_by(matrix, color):
    rgb = np.asarray(mcolors.to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    sim = np.clip(np.asarray(matrix) @ linear, 0, 1)
    return np.where(sim <= 0.0031308, 12.92 * sim, 1.055 * sim ** (1 / 2.4) - 0.055)


@pytest.mark.parametrize("deficiency", sorted(CVD))
@pytest.mark.parametrize("group", ["classes", "optimizers", "train/test"])
def test_colours_that_mean_different_things_stay_apart_for_colour_blind_readers(deficiency, group):
    colors = {"classes": list(style.CLASS_COLORS), "optimizers": list(style.OPTIMIZER_COLORS.values()),
              "train/test": [style.TRAIN, style.TEST]}[group]
    seen = [_seen_by(CVD[deficiency], c) for c in colors]
    closest = min(np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2))
    assert closest > 0.1, f"two {group} colours look alike with {deficiency} (distance {closest:.3f})"


def test_importing_dlnotes_applies_the_style():
    assert mpl.rcParams["font.size"] == style.SIZE
    assert mpl.rcParams["xtick.labelsize"] >= style.MIN_FONT_PT
    assert [c["color"] for c in mpl.rcParams["axes.prop_cycle"]] == style.PALETTE
    assert mpl.rcParams["font.sans-serif"][: len(style.FONTS)] == style.FONTS


@pytest.mark.parametrize("value, text", [(0.001, "0.001"), (0.25, "0.25"), (1, "1"), (20, "20"), (10000, "10000"),
                                         (1e-8, "10⁻⁸"), (2e-5, "2×10⁻⁵"), (1e6, "10⁶"), (0.30000000000000004, "0.3")])
def test_tick_labels_read_as_plain_numbers(value, text):
    assert style.plain_number(value) == text


@pytest.mark.parametrize("lo, hi", [(0.7, 1.4), (1e-3, 10), (1e-17, 10), (0.05, 0.5), (90, 110), (1e-31, 100)])
def test_a_log_axis_never_shows_a_lone_tick_or_scientific_notation(lo, hi):
    fig, ax = plt.subplots()
    try:
        ax.plot([1, 2], [lo, hi])
        style.log_axis(ax.yaxis)
        ax.set_ylim(lo, hi)
        fig.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels() if lo <= t.get_position()[1] <= hi]
        assert len(labels) >= 2, f"{lo}..{hi}: {labels}"
        assert not any("e" in t or "$" in t for t in labels), labels
        assert len(labels) <= 6
    finally:
        plt.close(fig)


def _small_texts(fig):
    fig.canvas.draw()
    return {t.get_text()[:30] for t in fig.findobj(Text)
            if t.get_visible() and t.get_text() and t.get_fontsize() < style.MIN_FONT_PT}


@pytest.mark.parametrize("draw", ["ai_ml_dl", "pipelines", "timeline", "confusion", "xor", "axis_picture"])
def test_static_figures_have_no_text_under_9_points(draw):
    fig, ax = plt.subplots()
    try:
        if draw == "ai_ml_dl":
            F.draw_ai_ml_dl(ax)
        elif draw == "pipelines":
            F.draw_pipelines(ax)
        elif draw == "timeline":
            F.plot_timeline(ax)
        elif draw == "confusion":
            y = np.arange(100) % 10
            F.plot_confusion(ax, confusion_matrix(y, np.roll(y, 1)))
        elif draw == "xor":
            fig.clf()
            axes = fig.subplots(1, 2)
            x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
            F.plot_xor_spaces(axes, x, x, np.array([0, 1, 1, 0]))
        else:
            F.draw_axis_picture(ax)
        assert not _small_texts(fig)
    finally:
        plt.close(fig)
