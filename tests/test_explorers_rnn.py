"""Chapter 11 explorer: the gradient through time for SimpleRNN, LSTM and GRU."""

from __future__ import annotations

import numpy as np

from dlnotes.explorers.rnn import MAX_STEPS, gradient_through_time_explorer
from dlnotes.rnn import gradient_through_time


def test_the_curves_are_the_gradients_through_time():
    e = gradient_through_time_explorer()
    e.set(cell="GRU", steps=25, scale=1.25, keep_bias=3.0)
    g = gradient_through_time("GRU", 25, recurrent_scale=1.25, keep_bias=3.0)
    drawn = e.blitter.dynamic[2]  # SimpleRNN, LSTM, GRU
    assert np.allclose(drawn.get_xdata(), np.arange(25)), "x: steps back from the last step"
    assert np.allclose(drawn.get_ydata(), g[::-1] / g[-1]), "y: the gradient relative to the last step's"
    assert drawn.get_linewidth() > e.blitter.dynamic[0].get_linewidth(), "the chosen cell is drawn bold"


def test_the_message_names_what_happens():
    e = gradient_through_time_explorer()
    e.set(cell="SimpleRNN", steps=MAX_STEPS, scale=0.5)
    assert "vanishing" in e.status
    e.set(scale=2.0)
    assert "exploding" in e.status and "clip" in e.status
    e.set(cell="LSTM", scale=1.0, keep_bias=5.0)
    assert "reaches" in e.status
    e.set(steps=1)
    assert e.error is None and "nothing to go back through" in e.status


def test_moving_the_sequence_length_reuses_the_computed_gradients(monkeypatch):
    import dlnotes.explorers.rnn as module

    e = gradient_through_time_explorer()
    calls = []
    real = module.gradient_through_time
    monkeypatch.setattr(module, "gradient_through_time", lambda *a, **k: calls.append(a) or real(*a, **k))
    for steps in (5, 17, 42, MAX_STEPS):
        e.set(steps=steps)
    assert calls == [], "every sequence length of a weight setting is computed once"
    e.set(scale=1.5)
    assert len(calls) == 3, "a new weight setting computes the three cells once each"
