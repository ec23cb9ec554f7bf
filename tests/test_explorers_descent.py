"""Chapter 03 explorers: numerical derivative, gradient descent and the learning rate, mini-batches."""

from __future__ import annotations

import pytest

from dlnotes.explorers.descent import derivative_explorer, descent_explorer, minibatch_explorer
from explorer_checks import assert_each_control_changes_the_figure, assert_survives_random_settings

FACTORIES = [derivative_explorer, descent_explorer, minibatch_explorer]


@pytest.mark.parametrize("factory", FACTORIES)
def test_each_control_changes_the_figure(factory):
    assert_each_control_changes_the_figure(factory)


@pytest.mark.parametrize("factory", FACTORIES)
def test_explorer_survives_200_random_settings(factory):
    assert_survives_random_settings(factory)


def test_descent_explorer_says_converged_oscillating_and_diverged():
    e = descent_explorer()
    e.set(function="x0² + x1²", lr=0.1, steps=100)
    assert e.status.startswith("Converged")
    e.set(lr=0.9)
    assert "zig-zag" in e.status
    e.set(lr=3.0)
    assert e.status.startswith("Diverged") and e.error is None and not e.warnings
