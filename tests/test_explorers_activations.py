"""Chapter 02 explorers: an activation and its slope; gradients through a deep chain; universal approximation."""

from __future__ import annotations

from dlnotes.explorers.activations import (activation_explorer, universal_approximation_explorer,
                                          vanishing_gradient_explorer)


def test_activation_explorer_explains_kinks_and_saturation():
    e = activation_explorer()
    e.set(function="relu", x0=0.0)
    assert "undefined" in e.status
    e.set(function="sigmoid", x0=5.0)
    assert "saturated" in e.status


def test_vanishing_gradient_explorer_names_what_happens():
    e = vanishing_gradient_explorer()
    e.set(activation="sigmoid", init="glorot_normal", depth=30)
    assert "vanishing" in e.status
    e.set(activation="relu", init="he_normal")
    assert "reaches" in e.status


def test_universal_approximation_explorer_reports_the_error_and_the_step_caveat():
    e = universal_approximation_explorer()
    e.set(hidden=4, target="sin(3x) + 0.3x²")
    few = float(e.status.split("largest error ")[1].split()[0])
    e.set(hidden=64)
    assert float(e.status.split("largest error ")[1].split()[0]) < few and e.error is None
    e.set(target="step")
    assert "not continuous" in e.status
