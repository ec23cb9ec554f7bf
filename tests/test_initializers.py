"""Chapter 05 initialisers: each draws like the Keras initialiser of the same name."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.initializers import initialize


@pytest.mark.parametrize("name", ["random_uniform", "random_normal", "glorot_uniform", "glorot_normal",
                                  "he_uniform", "he_normal"])
def test_initializers_draw_like_the_keras_initializers_of_the_same_name(name):
    keras = pytest.importorskip("keras")

    shape = (200, 300)
    ours = initialize(name, shape, np.random.default_rng(0))
    theirs = np.asarray(keras.initializers.get(name)(shape), dtype=float)
    assert abs(ours.std() / theirs.std() - 1) < 0.03, f"{name}: std {ours.std():.4g} vs Keras {theirs.std():.4g}"
    # the 99th percentile of |w| sees the bounds of uniform and truncated draws, yet is not
    # as noisy as the maximum of an untruncated normal sample (Keras' draw is unseeded)
    q_ours, q_theirs = np.quantile(np.abs(ours), 0.99), np.quantile(np.abs(theirs), 0.99)
    assert abs(q_ours / q_theirs - 1) < 0.03, f"{name}: range differs from Keras ({q_ours:.4g} vs {q_theirs:.4g})"
    assert abs(ours.mean()) < 3 * ours.std() / np.sqrt(ours.size)


def test_random_uniform_draws_at_random_not_at_equal_intervals():
    w = np.sort(initialize("random_uniform", (100, 100), np.random.default_rng(0)).ravel())
    gaps = np.diff(w)
    assert w.min() >= -0.05 and w.max() <= 0.05
    assert gaps.std() > 0.5 * gaps.mean(), "evenly spaced values would have (almost) equal gaps"
