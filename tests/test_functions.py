"""Activations, softmax and losses: the properties chapters 02 and 03 teach, checked in float64."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlnotes.functions import (
    ACTIVATIONS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_with_logits,
    d_binary_cross_entropy_with_logits,
    d_cross_entropy_with_logits,
    d_mse,
    log_softmax,
    logit_gradients,
    mse,
    numerical_gradient,
    one_hot,
    relative_error,
    sigmoid,
    softmax,
)

tf = pytest.importorskip("tensorflow")

EXTREME = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -3.0]])


class strict:
    """Turn every warning into an error and make numpy raise on overflow / invalid / divide (not underflow)."""

    def __enter__(self):
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error")
        self._e = np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")
        self._e.__enter__()

    def __exit__(self, *exc):
        self._e.__exit__(*exc)
        self._w.__exit__(*exc)


def _points(seed=0, n=24, low=-3.0, high=3.0, away_from=0.0, gap=0.05):
    """Seeded float64 points in [low, high], at least ``gap`` away from a kink at ``away_from``."""
    x = np.random.default_rng(seed).uniform(low, high, n)
    return np.where(np.abs(x - away_from) < gap, x + np.sign(x - away_from + 1e-9) * 2 * gap, x)


# --- softmax -----------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_sums_to_one_along_its_axis(axis):
    a = np.random.default_rng(0).normal(size=(4, 5)) * 3
    p = softmax(a, axis=axis)
    assert np.allclose(p.sum(axis=axis), 1.0, atol=1e-12)
    assert np.all(p > 0)


def test_softmax_is_shift_invariant():
    a = np.random.default_rng(1).normal(size=(3, 6))
    for c in (-1000.0, -1.0, 7.5, 1e4):
        assert np.allclose(softmax(a + c), softmax(a), atol=1e-12)


def test_softmax_matches_the_textbook_formula_on_ordinary_logits():
    a = np.array([0.3, 2.9, 4.0])  # the book's example
    assert np.allclose(softmax(a), np.exp(a) / np.sum(np.exp(a)))


def test_softmax_is_stable_for_large_logits():
    with strict():
        p = softmax(EXTREME)
        lp = log_softmax(EXTREME)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(lp))
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p[0], [1, 0, 0]) and np.allclose(p[1], [1 / 3] * 3)


def test_log_softmax_is_the_log_of_softmax():
    a = np.random.default_rng(2).normal(size=(5, 4))
    assert np.allclose(log_softmax(a), np.log(softmax(a)))


def test_activations_are_finite_without_warnings_for_extreme_inputs():
    x = np.array([-1e4, -800.0, -1.0, 0.0, 1.0, 800.0, 1e4])
    with strict():
        for name, (f, df) in ACTIVATIONS.items():
            assert np.all(np.isfinite(f(x))), name
            assert np.all(np.isfinite(df(x))), name
    assert sigmoid(-1e4) == 0.0 and sigmoid(1e4) == 1.0


# --- derivatives ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_numerical_gradient(name):
    f, df = ACTIVATIONS[name]
    x = _points(seed=3)  # away from the kink at 0 of step / ReLU / leaky ReLU
    numeric = numerical_gradient(lambda v: np.sum(f(v)), x.copy())
    assert relative_error(df(x), numeric) < 1e-7


_TF = {
    "step": lambda x: tf.cast(x > 0, x.dtype),
    "sigmoid": tf.sigmoid,
    "tanh": tf.tanh,
    "relu": tf.nn.relu,
    "leaky_relu": lambda x: tf.nn.leaky_relu(x, alpha=0.01),
    "identity": tf.identity,
}


def _tape_grad(fn, *values):
    """Gradients of scalar fn(*tensors) with respect to each float64 value, by tf.GradientTape."""
    ts = [tf.Variable(np.asarray(v, dtype=np.float64)) for v in values]
    with tf.GradientTape() as tape:
        out = fn(*ts)
    grads = tape.gradient(out, ts, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return float(out.numpy()), [g.numpy() for g in grads]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_gradient_tape(name):
    f, df = ACTIVATIONS[name]
    x = _points(seed=4)
    value, (g,) = _tape_grad(lambda v: tf.reduce_sum(_TF[name](v)), x)
    assert np.isclose(value, np.sum(f(x)), rtol=1e-12)
    assert relative_error(df(x), g) < 1e-7


def _loss_case(seed=5, n=4, k=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, k)) * 2, one_hot(rng.integers(0, k, n), k)


def test_cross_entropy_with_logits_gradient_matches_numerical_and_tape():
    a, t = _loss_case()
    g = d_cross_entropy_with_logits(a, t)
    numeric = numerical_gradient(lambda v: cross_entropy_with_logits(v, t), a.copy())
    assert relative_error(g, numeric) < 1e-7
    value, (tg,) = _tape_grad(
        lambda v: tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=v)), a)
    assert np.isclose(value, cross_entropy_with_logits(a, t), rtol=1e-12)
    assert relative_error(g, tg) < 1e-7


def test_binary_cross_entropy_with_logits_gradient_matches_numerical_and_tape():
    rng = np.random.default_rng(6)
    z, t = rng.normal(size=(5, 2)) * 2, rng.integers(0, 2, (5, 2)).astype(float)
    g = d_binary_cross_entropy_with_logits(z, t)
    assert relative_error(g, numerical_gradient(lambda v: binary_cross_entropy_with_logits(v, t), z.copy())) < 1e-7
    value, (tg,) = _tape_grad(lambda v: tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=v)), z)
    assert np.isclose(value, binary_cross_entropy_with_logits(z, t), rtol=1e-12)
    assert relative_error(g, tg) < 1e-7


def test_mse_gradient_matches_numerical_and_tape():
    rng = np.random.default_rng(7)
    y, t = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    g = d_mse(y, t)
    assert relative_error(g, numerical_gradient(lambda v: mse(v, t), y.copy())) < 1e-7
    value, (tg,) = _tape_grad(lambda v: 0.5 * tf.reduce_sum((v - t) ** 2) / 4, y)
    assert np.isclose(value, mse(y, t), rtol=1e-12)
    assert relative_error(g, tg) < 1e-7


def test_logit_gradients_match_numerical_and_tape():
    a = np.array([-9.0, -3.0, 0.0, 2.5])
    y, ce, ms = logit_gradients(a)
    assert np.allclose(y, sigmoid(a), rtol=1e-15)
    ce_loss = lambda v: np.sum(np.logaddexp(0.0, -v))                      # -log sigmoid(a), target 1
    ms_loss = lambda v: np.sum(0.5 * (sigmoid(v) - 1.0) ** 2)
    assert relative_error(ce, numerical_gradient(ce_loss, a.copy())) < 1e-7
    assert relative_error(ms, numerical_gradient(ms_loss, a.copy())) < 1e-7
    _, (tce,) = _tape_grad(lambda v: tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(v),
                                                                                          logits=v)), a)
    _, (tms,) = _tape_grad(lambda v: tf.reduce_sum(0.5 * (tf.sigmoid(v) - 1.0) ** 2), a)
    assert relative_error(ce, tce) < 1e-7 and relative_error(ms, tms) < 1e-7


def test_cross_entropy_pushes_a_confidently_wrong_logit_harder_than_mse():
    with strict():
        _, ce, ms = logit_gradients(-10.0)
    assert abs(ce) > 0.99 and abs(ms) < 1e-4


# --- losses ---------------------------------------------------------------------------------------
def test_mse_equals_the_direct_formula():
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])  # the book's example
    t = one_hot(np.array([2]), 10)[0]
    assert np.isclose(mse(y, t), 0.5 * np.sum((y - t) ** 2))
    assert np.isclose(mse(y, t), 0.0975)


def test_cross_entropy_equals_the_direct_formula_with_labels_or_one_hot():
    rng = np.random.default_rng(8)
    y = softmax(rng.normal(size=(6, 4)))
    labels = rng.integers(0, 4, 6)
    direct = -np.mean(np.log(y[np.arange(6), labels]))
    assert np.isclose(cross_entropy(y, labels), direct)
    assert np.isclose(cross_entropy(y, one_hot(labels, 4)), direct)
    assert np.isclose(cross_entropy(y[0], labels[0]), -np.log(y[0, labels[0]]))
    assert np.isclose(cross_entropy(y[0], one_hot(labels[:1], 4)[0]), -np.log(y[0, labels[0]]))


def test_cross_entropy_with_logits_equals_cross_entropy_of_softmax():
    a, t = _loss_case(seed=9)
    assert np.isclose(cross_entropy_with_logits(a, t), cross_entropy(softmax(a), t))
    assert np.isclose(cross_entropy_with_logits(a, t.argmax(1)), cross_entropy(softmax(a), t))


def test_cross_entropy_stays_finite_on_extreme_inputs():
    labels = np.array([1, 2, 2])
    with strict():
        ce_logits = cross_entropy_with_logits(EXTREME, labels)
        ce_probs = cross_entropy(np.array([[1.0, 0.0, 0.0]]), np.array([1]))
        bce = binary_cross_entropy_with_logits(np.array([1e4, -1e4]), np.array([0.0, 1.0]))
        bce_p = binary_cross_entropy(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert np.isfinite([ce_logits, ce_probs, bce, bce_p]).all()
    # exact values, row by row: 1e4 - (-1e4); log 3 (three equal logits); 1e4 + log 2 - (-3)
    assert np.isclose(ce_logits, (2e4 + np.log(3) + 1e4 + np.log(2) + 3) / 3, rtol=1e-12)
    assert np.isclose(ce_probs, -np.log(1e-12))  # a confident wrong answer: large but finite
    assert np.isclose(cross_entropy_with_logits([[1e4, -1e4]], [1]), 2e4)
    assert np.isclose(bce, 1e4)


def test_binary_cross_entropy_equals_the_direct_formula():
    p, t = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])
    direct = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert np.isclose(binary_cross_entropy(p, t), direct)
    z = np.log(p / (1 - p))
    assert np.isclose(binary_cross_entropy_with_logits(z, t), direct)


def test_losses_reject_mismatched_shapes_with_a_clear_message():
    with pytest.raises(ValueError, match="shape"):
        mse(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="targets"):
        cross_entropy(np.full((2, 3), 1 / 3), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"labels must be class labels in 0..2 \(3 classes\)"):
        one_hot(np.array([0, 5]), 3)
    with pytest.raises(TypeError, match="float"):
        numerical_gradient(lambda v: v.sum(), np.arange(3))
