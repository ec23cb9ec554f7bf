"""Chapter 04: the computational-graph drawing and its explorer."""

from __future__ import annotations

from dlnotes.autograd import Value, topological_order
from dlnotes.explorers.backprop import draw_graph, neuron_expression
from dlnotes.explorers.base import figure


def test_draw_graph_shows_every_labelled_node_with_data_and_grad():
    L = neuron_expression()
    L.backward()
    fig, ax = figure()
    drawing = draw_graph(L, ax)
    labels = [t.get_text().split("\n")[0] for t in drawing.texts]
    assert labels == [n.label for n in drawing.nodes]
    assert set(labels) == {"w", "x", "w·x", "b", "a", "y", "t", "y−t", "L"}
    w_box = drawing.texts[labels.index("w")].get_text()
    assert f"{L.data:.3g}" in drawing.texts[-1].get_text() and "grad" in w_box
    L2 = neuron_expression(x=-1.0)
    L2.backward()
    drawing.update(L2)
    assert drawing.texts[labels.index("w")].get_text() != w_box


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
