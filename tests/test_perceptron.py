"""Chapter 01: the perceptron, its learning rule, and XOR with two layers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dlnotes.data import truth_table
from dlnotes.perceptron import (
    GATE_WEIGHTS,
    error_form_update,
    gate,
    perceptron,
    perceptron_update,
    to_pm1,
    train_perceptron,
    xor_two_layers,
)

LINEAR_GATES = ["AND", "OR", "NAND"]


@pytest.mark.parametrize("name", LINEAR_GATES + ["XOR"])
def test_hand_weights_compute_each_gate(name):
    x, y = truth_table(name)
    assert np.array_equal(gate(name, x), y)


def test_bias_is_minus_the_threshold():
    w, theta = np.array([0.5, 0.5]), 0.7
    x = np.random.default_rng(0).uniform(-1, 2, (50, 2))
    assert np.array_equal(perceptron(x, w, -theta), (x @ w > theta).astype(int))


def test_xor_is_nand_and_or_fed_into_and():
    x, y = truth_table("XOR")
    s, out = xor_two_layers(x)
    assert np.array_equal(s, np.array([[1, 0], [1, 1], [1, 1], [0, 1]]))
    assert np.array_equal(out, y)


def test_no_single_line_computes_xor():
    x, y = truth_table("XOR")
    grid = np.linspace(-2, 2, 41)
    for w1, w2, b in itertools.product(grid, grid, grid):
        assert not np.array_equal(perceptron(x, [w1, w2], b), y)


@pytest.mark.parametrize("name", LINEAR_GATES)
@pytest.mark.parametrize("lr", [0.001, 0.1, 1.0, 10.0])
def test_rule_converges_on_linear_gates_from_zero_weights(name, lr):
    x, y = truth_table(name)
    res = train_perceptron(x, y, lr=lr, max_epochs=1000)
    assert res.converged and res.epochs <= 20, res.message
    assert np.array_equal(perceptron(x, res.w, res.b), y)


@pytest.mark.parametrize("name", LINEAR_GATES)
def test_rule_converges_on_linear_gates_from_random_weights(name):
    x, y = truth_table(name)
    for seed in range(10):
        rng = np.random.default_rng(seed)
        for lr in (0.1, 1.0, 10.0):
            res = train_perceptron(x, y, lr=lr, max_epochs=1000, w0=rng.uniform(-1, 1, 2), b0=rng.uniform(-1, 1))
            assert res.converged and res.epochs <= 50, (seed, lr, res.message)


@pytest.mark.parametrize("lr", [0.001, 0.1, 1.0, 10.0])
def test_rule_never_converges_on_xor(lr):
    x, y = truth_table("XOR")
    for w0, b0 in [(None, 0.0), ([0.3, -0.2], 0.1), ([-1.0, 2.0], -0.5)]:
        res = train_perceptron(x, y, lr=lr, max_epochs=500, w0=w0, b0=b0, stop_on_cycle=False)
        assert not res.converged and min(res.mistakes) > 0
        assert "no convergence" in res.message
        if w0 is None:  # from zero weights the rule is back at its start after one epoch
            assert res.cycle, "the weights should come back to earlier values: a cycle"


def test_update_moves_the_line_towards_a_wrong_point():
    w, b, wrong = perceptron_update(np.zeros(2), 0.0, np.array([1.0, 1.0]), 1, 0.5)
    assert wrong and np.allclose(w, [0.5, 0.5]) and b == 0.5
    w2, b2, wrong2 = perceptron_update(w, b, np.array([1.0, 1.0]), 1, 0.5)
    assert not wrong2 and np.allclose(w2, w) and b2 == b


def test_error_form_with_0_1_labels_equals_the_pm1_rule_off_the_line():
    rng = np.random.default_rng(1)
    for _ in range(200):
        w, b, x, t, lr = rng.normal(size=2), rng.normal(), rng.integers(0, 2, 2).astype(float), int(rng.integers(2)), 0.3
        if w @ x + b == 0:
            continue
        w1, b1, _ = perceptron_update(w, b, x, 1 if t else -1, lr)
        w2, b2, _ = error_form_update(w, b, x, t, lr)
        assert np.allclose(w1, w2) and np.isclose(b1, b2)


def test_labels_are_checked():
    assert np.array_equal(to_pm1([0, 1, 1]), [-1, 1, 1])
    with pytest.raises(ValueError, match="0/1 or -1/\\+1"):
        to_pm1([0, 2])
    with pytest.raises(ValueError, match="learning rate"):
        train_perceptron(*truth_table("AND"), lr=0)
    with pytest.raises(ValueError, match="features"):
        perceptron(np.zeros((4, 3)), GATE_WEIGHTS["AND"][0], 0.0)
