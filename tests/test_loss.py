"""Chapter 03, first half: softmax overflow, temperature, MSE vs cross-entropy, numpy's axis."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlnotes.functions import cross_entropy, mse, softmax
from dlnotes.loss import draw_axis_picture, naive_softmax, prediction, softmax_explorer

matplotlib.use("Agg")


def test_naive_softmax_agrees_on_small_logits_and_overflows_on_large_ones():
    a = np.array([0.3, 2.9, 4.0])
    assert np.allclose(naive_softmax(a), softmax(a))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = naive_softmax(np.array([1010.0, 1000.0, 990.0]))
    assert np.isnan(big).all(), "the naive formula should give nan here: that is the lesson"
    assert np.allclose(softmax(np.array([1010.0, 1000.0, 990.0])), [9.99954600e-01, 4.53978686e-05, 2.06106005e-09])


def test_prediction_puts_p_on_the_right_class():
    for spread in ("even", "one"):
        y = prediction(0.7, 5, spread)
        assert np.isclose(y.sum(), 1) and y[0] == 0.7
    assert np.allclose(prediction(0.4, 4, "even")[1:], 0.2)
    with pytest.raises(ValueError, match="spread"):
        prediction(0.5, 3, "sideways")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        prediction(1.5, 3)


def test_cross_entropy_only_sees_the_right_class_but_mse_sees_them_all():
    t = np.eye(5)[0]
    even, one = prediction(0.6, 5, "even"), prediction(0.6, 5, "one")
    assert np.isclose(cross_entropy(even, t), cross_entropy(one, t))
    assert np.isclose(cross_entropy(even, t), -np.log(0.6))
    assert mse(even, t) < mse(one, t)


def test_axis_picture_shows_column_and_row_sums():
    fig = Figure()
    ax = fig.subplots()
    draw_axis_picture(ax, np.array([[1, 2, 3], [4, 5, 6]]))
    texts = {t.get_text() for t in ax.texts}
    assert {"5", "7", "9", "6", "15"} <= texts
    with pytest.raises(ValueError, match="2-D"):
        draw_axis_picture(ax, np.zeros(3))


# --- explorers -------------------------------------------------------------------------------
def test_softmax_explorer_reports_naive_overflow_in_words():
    e = softmax_explorer()
    e.set(logits="overflow example (1010, 1000, 990)", temperature=1.0, shift=0)
    assert "overflowed" in e.status and e.error is None and not e.warnings
    e.set(logits="book example (0.3, 2.9, 4.0)")
    assert "overflowed" not in e.status
