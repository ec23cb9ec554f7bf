"""Chapter 05 explorers and the numbers behind them: optimiser paths, initialisation, dropout/L2, batch norm, early stopping."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes import techniques as T
from dlnotes.network import MLP
from dlnotes.optimizers import SGD, Adam, Momentum, make_optimizer


# --- the numbers the chapter's prose claims --------------------------------------------------
@pytest.mark.parametrize("name,lr", [("SGD", 0.9), ("Momentum", 0.1), ("AdaGrad", 1.5), ("RMSProp", 0.02), ("Adam", 0.3)])
def test_every_optimizer_path_ends_near_the_bowl_minimum(name, lr):
    path, diverged = T.trajectory(make_optimizer(name, lr=lr), "bowl", 600)
    assert diverged is None
    assert np.linalg.norm(path[-1]) < 0.1, f"{name} ended at {path[-1]}"


def test_sgd_zigzags_in_y_and_crawls_in_x_on_the_elongated_bowl():
    path, _ = T.trajectory(SGD(lr=0.9), "bowl", 20)
    dy = np.sign(path[1:, 1])
    assert np.all(dy[1:] != dy[:-1]), "with lr 0.9 the steep y direction overshoots every step"
    assert abs(path[-1, 0]) > 0.1 * 7, "the flat x direction has moved less than 90 % of the way"


def test_too_large_a_learning_rate_diverges_and_is_reported():
    path, diverged = T.trajectory(SGD(lr=1.2), "bowl", 200)
    assert diverged is not None and len(path) == diverged
    assert np.all(np.isfinite(path))


def test_adaptive_methods_leave_the_saddle_sooner_than_sgd():
    def steps_to_leave(name):
        path, _ = T.trajectory(make_optimizer(name, lr=0.01), "saddle", 2000)
        return int(np.argmax(np.abs(path[:, 1]) > 0.5))

    sgd = steps_to_leave("SGD")
    assert 0 < steps_to_leave("Adam") < sgd / 2 and 0 < steps_to_leave("RMSProp") < sgd / 2


def test_layer_statistics_shapes():
    acts, grads = T.layer_statistics("he_normal", "relu", 3, width=20, n=50)
    assert [a.shape for a in acts] == [(50, 20)] * 3 and [g.shape for g in grads] == [(20, 20)] * 3


def test_layer_statistics_gradient_matches_numerical_gradient():
    from dlnotes.functions import ACTIVATIONS, numerical_gradient, relative_error
    from dlnotes.initializers import initialize

    for act in ("sigmoid", "tanh", "relu"):
        acts, grads = T.layer_statistics("glorot_normal", act, 2, width=4, n=6, seed=3)
        rng = np.random.default_rng(3)  # replay the same draws as layer_statistics
        x = rng.normal(size=(6, 4))
        Ws = [initialize("glorot_normal", (4, 4), rng) for _ in range(2)]
        dout = rng.normal(size=(6, 4)) / 6
        f = ACTIVATIONS[act][0]

        def loss(_):
            return np.sum(f(f(x @ Ws[0]) @ Ws[1]) * dout)

        assert relative_error(grads[0], numerical_gradient(loss, Ws[0])) < 1e-6, act
        assert relative_error(grads[1], numerical_gradient(loss, Ws[1])) < 1e-6, act


def test_he_init_keeps_relu_activations_alive_while_small_random_normal_shrinks_them():
    he, _ = T.layer_statistics("he_normal", "relu", 8)
    small, _ = T.layer_statistics("random_normal", "relu", 8)
    assert 0.5 < he[-1].std() / he[0].std() < 2.0
    assert small[-1].std() / small[0].std() < 1e-2


def test_sigmoid_with_small_weights_makes_every_sample_look_alike_and_zeros_init_is_symmetric():
    acts, _ = T.layer_statistics("random_normal", "sigmoid", 5)
    assert np.all(np.abs(acts[-1] - 0.5) < 0.25), "small weights keep sigmoid near its middle"
    assert acts[-1].std(axis=0).max() < 0.01, "by layer 5 each unit outputs nearly the same value for every input"
    zeros, grads = T.layer_statistics("zeros", "tanh", 3)
    assert np.all(zeros[-1] == 0) and np.all(grads[-1] == 0), "all-zero weights: every unit computes the same thing"


def test_dropout_and_l2_pull_train_and_test_loss_together():
    data = T.overfitting_data()

    def gap(**kw):
        h = T.fit(MLP(2, [100, 100], 2, seed=0, **kw), data, Momentum(lr=0.05), 200, batch_size=20)
        return h["test_loss"][-1] - h["train_loss"][-1]

    plain = gap()
    assert plain > 0.3, "without regularisation the tiny training set is overfitted"
    assert gap(dropout=0.5) < 0.6 * plain
    assert gap(l2=0.01) < plain / 2


def test_batchnorm_trains_a_deep_net_with_tiny_initial_weights():
    from dlnotes.data import make_toy

    data = make_toy("spiral3", n=450, noise=0.1, test_ratio=1 / 3, seed=0)
    accs = {}
    for bn in (False, True):
        net = MLP(2, [50] * 5, 3, weight_init="random_normal", batchnorm=bn, seed=0)
        accs[bn] = T.fit(net, data, SGD(lr=0.05), 25, batch_size=50)["test_acc"][-1]
    assert accs[False] < 0.4, "without batch norm the signal vanishes: chance level"
    assert accs[True] > 0.5


def test_fit_reports_divergence_instead_of_warning(recwarn):
    data = T.overfitting_data()
    net = MLP(2, [50, 50], 2, seed=0)
    hist = T.fit(net, data, SGD(lr=1e4), 20, batch_size=20)
    assert hist["diverged"] is not None
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_fit_snapshots_and_progress():
    calls = []
    data = T.overfitting_data()
    hist = T.fit(MLP(2, [8], 2, seed=0), data, Adam(lr=0.01), 5, snapshots=True,
                 progress=lambda d, n, text: calls.append((d, n)))
    assert len(hist["snapshots"]) == 5 and calls[-1] == (5, 5)
    assert set(hist) >= {"train_loss", "test_loss", "train_acc", "test_acc"}


# --- explorers -------------------------------------------------------------------------------------
def test_optimizer_explorer_reports_divergence_in_words():
    e = T.optimizer_explorer().set(lr=3.0, steps=300, surface="bowl")
    assert e.error is None and "SGD: diverged at step" in e.status


def test_optimizer_explorer_with_nothing_ticked_explains_itself():
    e = T.optimizer_explorer().set(SGD=False, Momentum=False, AdaGrad=False, RMSProp=False, Adam=False)
    assert e.error is None and "Tick at least one" in e.status


def test_early_stopping_explorer_restores_the_best_epoch_it_saw():
    e = T.early_stopping_explorer().set(patience=10, min_delta=0.0)
    assert "stops at epoch" in e.status and "restores epoch" in e.status
    short = e.status
    e.set(patience=0)
    assert e.status != short


@pytest.mark.parametrize("name", ["random_uniform", "random_normal", "glorot_uniform", "glorot_normal",
                                  "he_uniform", "he_normal"])
def test_initializers_draw_like_the_keras_initializers_of_the_same_name(name):
    import keras

    from dlnotes.initializers import initialize

    shape = (200, 300)
    ours = initialize(name, shape, np.random.default_rng(0))
    theirs = np.asarray(keras.initializers.get(name)(shape), dtype=float)
    assert abs(ours.std() / theirs.std() - 1) < 0.03, f"{name}: std {ours.std():.4g} vs Keras {theirs.std():.4g}"
    # the 99th percentile of |w| sees the bounds of uniform and truncated draws, yet is not
    # as noisy as the maximum of an untruncated normal sample (Keras' draw is unseeded)
    q_ours, q_theirs = np.quantile(np.abs(ours), 0.99), np.quantile(np.abs(theirs), 0.99)
    assert abs(q_ours / q_theirs - 1) < 0.03, f"{name}: range differs from Keras ({q_ours:.4g} vs {q_theirs:.4g})"
    assert abs(ours.mean()) < 3 * ours.std() / np.sqrt(ours.size)


def test_random_uniform_draws_at_random_not_at_equal_intervals():
    from dlnotes.initializers import initialize

    w = np.sort(initialize("random_uniform", (100, 100), np.random.default_rng(0)).ravel())
    gaps = np.diff(w)
    assert w.min() >= -0.05 and w.max() <= 0.05
    assert gaps.std() > 0.5 * gaps.mean(), "evenly spaced values would have (almost) equal gaps"
