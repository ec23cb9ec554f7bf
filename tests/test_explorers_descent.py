"""Chapter 03 explorers: numerical derivative, gradient descent and the learning rate, mini-batches."""

from __future__ import annotations

from dlnotes.explorers.descent import descent_explorer


def test_descent_explorer_says_converged_oscillating_and_diverged():
    e = descent_explorer()
    e.set(function="x0² + x1²", lr=0.1, steps=100)
    assert e.status.startswith("Converged")
    e.set(lr=0.9)
    assert "zig-zag" in e.status
    e.set(lr=3.0)
    assert e.status.startswith("Diverged") and e.error is None and not e.warnings
