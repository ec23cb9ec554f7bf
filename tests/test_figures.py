"""The static figures: each draws on the axes it is given, shows what its name says, opens no window."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlnotes import figures as F
from dlnotes.conv import im2col
from dlnotes.data import truth_table
from dlnotes.evaluation import confusion_matrix
from dlnotes.explorers.base import figure
from dlnotes.perceptron import xor_two_layers


@pytest.fixture(autouse=True)
def _no_pyplot_figures():
    before = len(plt.get_fignums())
    yield
    assert len(plt.get_fignums()) == before, "figures must draw on the axes they are given"


def test_chapter_00_figures_draw_and_the_timeline_runs_1958_to_2016_in_order():
    fig, axes = figure(1, 3)
    F.draw_ai_ml_dl(axes[0])
    F.draw_pipelines(axes[1])
    F.plot_timeline(axes[2])
    years = [year for year, _, _ in F.HISTORY]
    assert years == sorted(years) and years[0] == 1958 and int(years[-1]) == 2016
    assert len(axes[2].lines) == 2 * (len(F.HISTORY) + len(F.DEPTH_ENABLERS))
    assert {t.get_text() for t in axes[0].texts} >= {"Deep learning (DL)", "Machine learning (ML)"}


def test_xor_figure_draws_the_gate_lines_in_both_spaces():
    x, y = truth_table("XOR")
    s, _ = xor_two_layers(x)
    fig, axes = figure(1, 2)
    F.plot_xor_spaces(axes, x, s, y)
    assert [l.get_label() for l in axes[0].lines] == ["NAND line", "OR line"]
    assert [l.get_label() for l in axes[1].lines] == ["AND line"]
    np.testing.assert_array_equal(axes[1].collections[0].get_offsets(), s)


def test_axis_picture_shows_column_and_row_sums():
    fig, ax = figure()
    F.draw_axis_picture(ax, np.array([[1, 2, 3], [4, 5, 6]]))
    texts = {t.get_text() for t in ax.texts}
    assert {"5", "7", "9", "6", "15"} <= texts
    with pytest.raises(ValueError, match="2-D"):
        F.draw_axis_picture(ax, np.zeros(3))


def test_probability_image_colours_class_0_orange_undecided_white_and_class_1_blue():
    p1 = np.array([0.0, 0.5, 1.0, 0.0])
    rgb = F.probability_image(p1, (2, 2))
    assert rgb.shape == (2, 2, 3)
    orange, white, blue = rgb[0, 0], rgb[0, 1], rgb[1, 0]
    assert orange[0] > orange[2] and blue[2] > blue[0] and np.all(white > 0.99)
    np.testing.assert_allclose(F.probability_image(np.column_stack([1 - p1, p1]), (2, 2)), rgb)
    three = F.probability_image(np.eye(3)[[0, 1, 2, 2]], (2, 2))
    assert three[1, 0, 1] > three[1, 0, 0], "class 2 is green"
    five = F.probability_image(np.eye(5)[[3, 4, 0, 0]], (2, 2))
    np.testing.assert_allclose(five[0, 0], 0.35 + 0.65 * F.CLASS_COLORS[3], err_msg="a sure class 3 is purple")
    with pytest.raises(ValueError, match="at most 5 classes"):
        F.probability_image(np.full((4, 6), 1 / 6), (2, 2))


def test_discrete_output_shows_each_pixels_class_in_full_colour():
    p = np.array([[0.6, 0.4], [0.45, 0.55], [0.9, 0.1], [0.0, 1.0]])
    rgb = F.probability_image(p, (2, 2), discrete=True)
    np.testing.assert_allclose(rgb[0, 0], rgb[1, 0], err_msg="0.6 and 0.9 for class 0 look the same")
    np.testing.assert_allclose(rgb[0, 1], rgb[1, 1])
    values = F.value_image(np.array([-0.2, 0.0, 0.7, 3.0]), (2, 2))
    assert values[0, 0, 0] > values[0, 0, 2] and values[1, 1, 2] > values[1, 1, 0], "negative orange, positive blue"
    np.testing.assert_allclose(F.value_image(np.array([-0.2, -1.0]), (1, 2), discrete=True)[0, 0],
                               F.value_image(np.array([-1.0]), (1, 1))[0, 0])


@pytest.mark.parametrize("K", [2, 3, 5])
def test_boundary_lines_run_where_the_most_probable_class_changes(K):
    extent, G = (-1.0, 1.0, -1.0, 1.0), 41
    grid = F.plane_grid(extent, G)
    centres = np.column_stack([np.cos(2 * np.pi * np.arange(K) / K), np.sin(2 * np.pi * np.arange(K) / K)])
    logits = -4 * ((grid[:, None, :] - centres[None]) ** 2).sum(-1)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    lines = F.boundary_lines(p, extent, G)
    assert lines, "there is a boundary"
    pts = np.vstack(lines)
    # on a boundary the two most probable classes tie (up to the grid's linear interpolation)
    q = np.exp(-4 * ((pts[:, None, :] - centres[None]) ** 2).sum(-1))
    top2 = np.sort(q / q.sum(1, keepdims=True), axis=1)[:, -2:]
    assert np.max(top2[:, 1] - top2[:, 0]) < 0.1
    assert F.boundary_lines(np.full((G * G, K), 1 / K) * [1] + np.eye(K)[0] * 0.01, extent, G) == []


def test_decision_boundary_covers_the_points_and_follows_the_classifier():
    x = np.array([[-1.0, -2.0], [2.0, 1.0]])
    fig, ax = figure()
    b = F.plot_decision_boundary(ax, lambda p: (p[:, 0] > 0).astype(float), x, np.array([0, 1]), resolution=20,
                                 title="right half is class 1")
    x0, x1, y0, y1 = b.extent
    assert x0 < -1 and x1 > 2 and y0 < -2 and y1 > 1
    assert b.grid.shape == (400, 2) and ax.get_title() == "right half is class 1"
    img = b.image.get_array()
    assert img[10, 0, 0] > img[10, 0, 2] and img[10, -1, 2] > img[10, -1, 0], "left orange, right blue"
    np.testing.assert_allclose(b.train_points.get_facecolors()[:, :3], F.CLASS_COLORS[[0, 1]])
    assert len(b.test_points.get_offsets()) == 0
    assert b.lines.get_segments() == [] and b.legend is None, "lines and legend only when asked for"
    b.contours = True
    b.show((b.grid[:, 0] > 0.5).astype(float))
    (seg,) = b.lines.get_segments()
    assert np.all(np.abs(seg[:, 0] - 0.5) < 0.25), "a vertical line near x = 0.5"
    b.set_legend(3)
    assert [t.get_text() for t in b.legend.get_texts()] == ["class 0", "class 1", "class 2"]
    b.set_legend(None)
    assert b.legend is None and ax.get_legend() is None


def test_plane_grid_runs_x_fastest_as_imshow_draws_it():
    g = F.plane_grid((0, 1, 10, 11), 3)
    np.testing.assert_allclose(g[:3], [[0, 10], [0.5, 10], [1, 10]])
    np.testing.assert_allclose(g[-1], [1, 11])


def test_surface_plot_marks_the_minima():
    fig, ax = figure()
    F.plot_surface(ax, "saddle")
    (stars,) = ax.lines
    np.testing.assert_allclose(stars.get_ydata(), [1.0, -1.0])


def test_im2col_picture_outlines_two_windows_and_their_rows():
    x = np.arange(16.0).reshape(4, 4)
    col = im2col(x[None, None], 3, 3)
    fig, axes = figure(1, 2)
    F.draw_im2col(axes, x, col, 3, 3)
    assert len(axes[0].patches) == 2 and len(axes[1].patches) == 2
    assert len(axes[1].texts) == col.size and axes[1].patches[1].get_y() == 0.5


def test_filters_are_drawn_symmetric_around_zero():
    fig, axes = figure(1, 3)
    F.plot_filters(axes, np.stack([np.eye(3), -2 * np.eye(3)]))
    assert axes[1].images[0].get_clim() == (-2.0, 2.0) and not axes[2].images
    with pytest.raises(ValueError, match=r"\(K, h, w\)"):
        F.plot_filters(axes, np.zeros((3, 3)))


def test_history_plot_draws_train_dashed_and_validation_solid():
    fig, ax = figure()
    F.plot_history(ax, {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, "loss", ylabel="cross-entropy")
    train, val = ax.lines
    assert train.get_linestyle() == "--" and val.get_linestyle() == "-" and ax.get_ylabel() == "cross-entropy"
    with pytest.raises(ValueError, match="no 'accuracy'"):
        F.plot_history(ax, {"loss": [1.0]}, "accuracy")


def test_evaluation_plots_draw_on_the_given_axes():
    fig, axes = figure(1, 3)
    cm = confusion_matrix(np.arange(20) % 10, (np.arange(20) + 1) % 10)
    F.plot_confusion(axes[0], cm)
    probs = np.full((20, 10), 0.05)
    probs[np.arange(20), (np.arange(20) + 1) % 10] = 0.55
    images = np.random.default_rng(0).random((20, 28, 28))
    F.plot_prediction(axes[1], axes[2], images[0], probs[0], true_label=0)
    assert len(axes[2].patches) == 10
    fig2, axes2 = figure(2, 3)
    F.plot_mistakes(axes2, images, np.arange(20) % 10, probs, [0, 1, 2])
    assert axes2[0, 0].get_title() == "0→1 (0.55)"


def test_mosaic_tiles_channels_into_one_image():
    tiles = F.mosaic(np.random.default_rng(0).random((5, 5, 64)), cols=8)
    assert tiles.shape == (8 * 6 - 1, 8 * 6 - 1)
    assert np.nanmin(tiles) == 0 and np.nanmax(tiles) == 1
    assert np.isnan(tiles[5]).all(), "a row of NaN between tile rows"


def test_symmetric_mosaic_keeps_zero_in_the_middle_and_an_empty_one_is_one_blank_row():
    maps = np.stack([np.full((2, 2), -3.0), np.full((2, 2), 0.0), np.array([[1.0, -0.5], [0.0, 0.25]])], axis=-1)
    tiles = F.mosaic(maps, cols=4, pad=1, symmetric=True)
    assert tiles.shape == (2, 11)
    np.testing.assert_allclose(tiles[:, :2], 0.0)
    np.testing.assert_allclose(tiles[:, 3:5], 0.5)
    np.testing.assert_allclose(tiles[:, 6:8], [[1.0, 0.25], [0.5, 0.625]])
    assert np.isnan(F.mosaic(np.zeros((2, 2, 0)), cols=4)).all()


def test_feature_map_grid_shows_the_input_then_channels_per_layer():
    maps = {"conv1": np.random.default_rng(0).random((1, 6, 6, 4)), "pool1": np.ones((1, 3, 3, 2))}
    fig, axes = figure(2, 4)
    F.plot_feature_maps(axes, np.zeros((8, 8, 1)), maps)
    assert [row[0].get_title() for row in axes] == ["conv1", "pool1"]
    assert len(axes[0, 3].images) == 1 and not axes[1, 3].images, "pool1 has only 2 channels"
    with pytest.raises(ValueError, match="rows of axes"):
        F.plot_feature_maps(axes[:1], np.zeros((8, 8)), maps)


def test_unscaled_mosaic_keeps_pixel_values_so_images_compare():
    images = np.stack([np.full((2, 2), 0.2), np.full((2, 2), 0.9)], axis=-1)
    tiles = F.mosaic(images, cols=2, scale=False)
    np.testing.assert_allclose(tiles[:, :2], 0.2)
    np.testing.assert_allclose(tiles[:, 3:], 0.9)
