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
    e.buttons["next"].click()
    assert e.controls["step"].value == 1 and e.png != png and e.error is None
    e.set(step=e.controls["step"].max, gate_name="OR", lr=1.0)
    assert "converged" in e.status
    e.set(gate_name="XOR")
    assert "wrong" in e.status or "cycle" in e.status


def test_the_step_slider_ends_where_the_run_ends():
    e = learning_rule_explorer().set(gate_name="OR", lr=1.0, step=0)
    n = e.controls["step"].max
    assert 0 < n < 60 and e.active("step")
    e.set(step=n)
    assert "after all" in e.status and e.active("step"), "the slider still moves back through the run"
    assert e.buttons["next"].disabled and "ended" in e.buttons["next"].tooltip, "step ▶ has nothing left to do"
