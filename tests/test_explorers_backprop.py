"""Chapter 04: the computational-graph drawing and its explorer."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from dlnotes.autograd import Value, topological_order
from dlnotes.explorers.backprop import draw_graph, graph_explorer, neuron_expression
from dlnotes.explorers.base import figure, randomize


def test_draw_graph_shows_every_labelled_node_with_data_and_grad():
    L = neuron_expression()
    L.backward()
    fig, ax = figure()
    drawing = draw_graph(L, ax)
    labels = [t.get_text().split("\n")[0] for t in drawing.texts]
    assert labels == [n.label for n in drawing.nodes]
    assert set(labels) == {"w", "x", "w·x", "b", "a", "y", "t", "y−t", "L"}
    w_box = drawing.texts[labels.index("w")].get_text()
    assert f"{L.data:.4g}" in drawing.texts[-1].get_text() and "grad" in w_box
    L2 = neuron_expression(x=-1.0)
    L2.backward()
    drawing.update(L2)
    assert drawing.texts[labels.index("w")].get_text() != w_box


def test_graph_explorer_every_control_changes_the_picture():
    before = len(plt.get_fignums())
    ex = graph_explorer()
    assert ex.error is None
    for name, value in {"x": -2.0, "w": 2.5, "b": -1.0, "t": 0.0, "backward": False}.items():
        png = ex.png
        ex.set(**{name: value})
        assert ex.error is None and ex.png != png, name
    rng = np.random.default_rng(0)
    for _ in range(200):
        randomize(ex, rng)
        assert ex.error is None and ex.warnings == []
    assert len(plt.get_fignums()) == before


def test_graph_explorer_blitted_frames_match_a_full_redraw():
    ex = graph_explorer()
    ex.set(w=0.7, b=-2.0)
    fast = ex.png
    ex.blitter.stale = True
    ex.refresh()
    assert ex.png == fast, "only the boxes change, and the cached background must not leave stale pixels"


def test_helper_nodes_of_subtraction_division_and_negation_are_not_drawn():
    a, b = Value(3.0, label="a"), Value(2.0, label="b")
    d = a - b
    d.label = "d"
    q = d / b
    q.label = "q"
    n = -q
    n.label = "n"
    n.backward()
    fig, ax = figure()
    drawing = draw_graph(n, ax)
    assert [node.label for node in drawing.nodes] == ["a", "b", "d", "q", "n"]
    assert len(topological_order(n)) > len(drawing.nodes), "the engine still has the helper nodes"
