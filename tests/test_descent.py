"""Chapter 03, second half: numerical derivatives, gradient descent and the learning rate, mini-batches;
chapter 05: optimiser paths on 2-D loss surfaces."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlnotes.descent import (
    CRITICAL_LR,
    gradient_descent,
    iterations_per_epoch,
    line_loss,
    line_loss_grad,
    minibatch_sgd,
    minibatches,
    numerical_derivative,
    regression_data,
    square_sum,
    square_sum_grad,
    trajectory,
)
from dlnotes.functions import numerical_gradient, relative_error
from dlnotes.optimizers import SGD, make_optimizer


# --- derivatives -------------------------------------------------------------------------------
def test_square_sum_gradient_matches_numerical_and_tape():
    tf = pytest.importorskip("tensorflow")
    x = np.array([-3.0, 4.0])
    assert relative_error(square_sum_grad(x), numerical_gradient(square_sum, x.copy())) < 1e-7
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        f = tf.reduce_sum(v**2)
    assert np.isclose(f.numpy(), square_sum(x))
    assert relative_error(square_sum_grad(x), tape.gradient(f, v).numpy()) < 1e-7


def test_line_loss_gradient_matches_numerical_and_tape():
    tf = pytest.importorskip("tensorflow")
    x, t = regression_data(20)
    p = np.array([0.3, -0.7])
    g = line_loss_grad(p, x, t)
    assert relative_error(g, numerical_gradient(lambda q: line_loss(q[0], q[1], x, t), p.copy())) < 1e-7
    v = tf.Variable(p)
    with tf.GradientTape() as tape:
        loss = 0.5 * tf.reduce_mean((v[0] * x + v[1] - t) ** 2)
    assert np.isclose(loss.numpy(), line_loss(p[0], p[1], x, t), rtol=1e-12)
    assert relative_error(g, tape.gradient(loss, v).numpy()) < 1e-7


def test_central_difference_beats_forward_difference():
    f, df, x = np.exp, np.exp, 1.0
    central = abs(numerical_derivative(f, x, 1e-4, "central") - df(x))
    forward = abs(numerical_derivative(f, x, 1e-4, "forward") - df(x))
    assert central < forward / 100


def test_derivative_error_is_smallest_for_a_middle_step():
    err = {h: abs(numerical_derivative(np.sin, 1.0, h) - np.cos(1.0)) for h in (1e-1, 1e-5, 1e-13)}
    assert err[1e-5] < err[1e-1] / 100 and err[1e-5] < err[1e-13] / 100
    assert numerical_derivative(np.sin, 1.0, 1e-17) == 0.0, "1 + 1e-17 rounds to 1: the difference is 0"
    with pytest.raises(ValueError, match="positive"):
        numerical_derivative(np.sin, 1.0, 0.0)


# --- gradient descent ---------------------------------------------------------------------------
@pytest.mark.parametrize("lr", [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_gradient_descent_converges_below_the_critical_learning_rate(lr):
    res = gradient_descent(square_sum_grad, [-3.0, 4.0], lr, 5000)
    assert res.converged and not res.diverged, res.message
    assert np.linalg.norm(res.path[-1]) < 1e-5


@pytest.mark.parametrize("lr", [1.01, 1.2, 2.0, 10.0, 1e6])
def test_gradient_descent_is_reported_diverging_above_it(lr):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        res = gradient_descent(square_sum_grad, [-3.0, 4.0], lr, 10_000)
    assert res.status == "diverged" and "diverged" in res.message
    assert np.all(np.isfinite(res.path)), "a blow-up is stopped, never stored as inf/nan"
    assert lr > CRITICAL_LR


def test_few_steps_above_the_critical_rate_still_say_diverging():
    res = gradient_descent(square_sum_grad, [-3.0, 4.0], 1.1, 5)
    assert res.diverged and "diverging" in res.message


def test_critical_learning_rate_bounces_forever():
    res = gradient_descent(square_sum_grad, [-3.0, 4.0], 1.0, 50)
    assert res.status == "no progress" and res.oscillating
    assert np.allclose(res.path[-1], [-3.0, 4.0])


def test_oscillation_is_flagged_only_above_half_the_critical_rate():
    assert gradient_descent(square_sum_grad, [-3.0, 4.0], 0.8, 100).oscillating
    assert not gradient_descent(square_sum_grad, [-3.0, 4.0], 0.3, 100).oscillating


def test_a_tiny_learning_rate_is_reported_as_too_slow():
    res = gradient_descent(square_sum_grad, [-3.0, 4.0], 1e-3, 20)
    assert res.status == "not yet converged"
    with pytest.raises(ValueError, match="learning rate"):
        gradient_descent(square_sum_grad, [1.0, 1.0], -0.1, 5)


# --- mini-batches --------------------------------------------------------------------------------
def test_epochs_and_iterations():
    assert iterations_per_epoch(100, 10) == 10
    assert iterations_per_epoch(100, 32) == 4
    batches = minibatches(100, 32, np.random.default_rng(0))
    assert [len(b) for b in batches] == [32, 32, 32, 4]
    assert sorted(np.concatenate(batches).tolist()) == list(range(100)), "one epoch uses every sample once"


def test_minibatch_sgd_reaches_the_least_squares_line():
    x, t = regression_data()
    best = np.polyfit(x, t, 1)
    params, losses, status = minibatch_sgd(x, t, batch_size=10, lr=0.05, epochs=30)
    assert status == "ok"
    assert len(losses) == 30 * 10 + 1
    assert losses[-1] < line_loss(best[0], best[1], x, t) * 1.05


def test_full_batch_is_plain_gradient_descent():
    x, t = regression_data()
    params, _, _ = minibatch_sgd(x, t, batch_size=x.size, lr=0.1, epochs=3)
    p = np.array([-2.0, 3.0])
    for _ in range(3):
        p = p - 0.1 * line_loss_grad(p, x, t)
    assert np.allclose(params[-1], p)


def test_smaller_batches_give_a_noisier_path():
    x, t = regression_data()

    def roughness(bs):
        params, _, _ = minibatch_sgd(x, t, bs, 0.02, 5)
        steps = np.diff(params, axis=0)
        return np.mean(np.linalg.norm(np.diff(steps, axis=0), axis=1) / np.linalg.norm(steps[1:], axis=1))

    assert roughness(1) > 3 * roughness(50)


def test_minibatch_divergence_is_reported():
    x, t = regression_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params, losses, status = minibatch_sgd(x, t, 1, 3.0, 10)
    assert status == "diverged" and np.all(np.isfinite(losses))
    _, losses, status = minibatch_sgd(x, t, x.size, 3.0, 3)  # too few updates to blow up, but growing
    assert status == "diverging" and losses[-1] > losses[0]
    with pytest.raises(ValueError, match="batch size"):
        minibatch_sgd(x, t, 0, 0.1, 1)


# --- optimiser paths on 2-D surfaces [05] ------------------------------------------------------
@pytest.mark.parametrize("name,lr", [("SGD", 0.9), ("Momentum", 0.1), ("AdaGrad", 1.5), ("RMSProp", 0.02), ("Adam", 0.3)])
def test_every_optimizer_path_ends_near_the_bowl_minimum(name, lr):
    path, diverged = trajectory(make_optimizer(name, lr=lr), "bowl", 600)
    assert diverged is None
    assert np.linalg.norm(path[-1]) < 0.1, f"{name} ended at {path[-1]}"


def test_sgd_zigzags_in_y_and_crawls_in_x_on_the_elongated_bowl():
    path, _ = trajectory(SGD(lr=0.9), "bowl", 20)
    dy = np.sign(path[1:, 1])
    assert np.all(dy[1:] != dy[:-1]), "with lr 0.9 the steep y direction overshoots every step"
    assert abs(path[-1, 0]) > 0.1 * 7, "the flat x direction has moved less than 90 % of the way"


def test_too_large_a_learning_rate_diverges_and_is_reported():
    path, diverged = trajectory(SGD(lr=1.2), "bowl", 200)
    assert diverged is not None and len(path) == diverged
    assert np.all(np.isfinite(path))


def test_adaptive_methods_leave_the_saddle_sooner_than_sgd():
    def steps_to_leave(name):
        path, _ = trajectory(make_optimizer(name, lr=0.01), "saddle", 2000)
        return int(np.argmax(np.abs(path[:, 1]) > 0.5))

    sgd = steps_to_leave("SGD")
    assert 0 < steps_to_leave("Adam") < sgd / 2 and 0 < steps_to_leave("RMSProp") < sgd / 2
