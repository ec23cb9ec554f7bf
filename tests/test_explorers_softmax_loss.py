"""Chapter 03 explorers, first half: softmax overflow and temperature, MSE vs cross-entropy, the logit gradient."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlnotes.explorers.softmax_loss import logit_gradient_explorer, naive_softmax, prediction, softmax_explorer
from dlnotes.functions import cross_entropy, mse, softmax


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


# --- explorers -------------------------------------------------------------------------------
def test_softmax_explorer_reports_naive_overflow_in_words():
    e = softmax_explorer()
    e.set(logits="overflow example (1010, 1000, 990)", temperature=1.0, shift=0)
    assert "overflowed" in e.status and e.error is None and not e.warnings
    e.set(logits="book example (0.3, 2.9, 4.0)")
    assert "overflowed" not in e.status


def test_logit_gradient_explorer_says_when_mse_has_gone_quiet():
    e = logit_gradient_explorer()
    e.set(logit=-10.0)
    assert "confidently wrong" in e.status and e.error is None
    e.set(logit=2.0)
    assert "confidently wrong" not in e.status
