"""Chapter 01 explorers: the decision line over a truth table, the learning rule step by step."""

from __future__ import annotations

from dlnotes.explorers.perceptron import decision_line_explorer, learning_rule_explorer


def test_decision_line_counts_right_points_and_says_xor_is_impossible():
    e = decision_line_explorer()
    e.set(gate_name="AND", w1=0.5, w2=0.5, b=-0.7)
    assert e.status.startswith("4 of 4")
    e.set(gate_name="XOR")
    assert "No single line" in e.status
    e.set(w1=0.0, w2=0.0)
    assert "no line" in e.status and e.error is None


def test_step_button_advances_the_learning_rule():
    e = learning_rule_explorer()
    e.set(gate_name="AND", step=0)
    png = e.png
    e.buttons["step"].click()
    assert e.controls["step"].value == 1 and e.png != png and e.error is None
    e.set(step=e.controls["step"].max, gate_name="OR", lr=1.0)
    assert "converged" in e.status
    e.set(gate_name="XOR")
    assert "wrong" in e.status or "cycle" in e.status
