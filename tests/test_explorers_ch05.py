"""Chapter 05 explorers — optimiser paths, initialisation, dropout/L2, batch norm, early stopping —
and the training runs behind them."""

from __future__ import annotations

from dlnotes.data import make_toy, overfitting_data
from dlnotes.explorers.optimizers import optimizer_explorer
from dlnotes.explorers.regularization import early_stopping_explorer
from dlnotes.network import MLP
from dlnotes.optimizers import SGD, Momentum
from dlnotes.training import train


# --- the training runs the chapter's prose claims ------------------------------------------------
def test_dropout_and_l2_pull_train_and_test_loss_together():
    data = overfitting_data()

    def gap(**kw):
        h = train(MLP(2, [100, 100], 2, seed=0, **kw), data, Momentum(lr=0.05), 200, batch_size=20)
        return h["test_loss"][-1] - h["train_loss"][-1]

    plain = gap()
    assert plain > 0.3, "without regularisation the tiny training set is overfitted"
    assert gap(dropout=0.5) < 0.6 * plain
    assert gap(l2=0.01) < plain / 2


def test_batchnorm_trains_a_deep_net_with_tiny_initial_weights():
    data = make_toy("spiral3", n=450, noise=0.1, test_ratio=1 / 3, seed=0)
    accs = {}
    for bn in (False, True):
        net = MLP(2, [50] * 5, 3, weight_init="random_normal", batchnorm=bn, seed=0)
        accs[bn] = train(net, data, SGD(lr=0.05), 25, batch_size=50)["test_acc"][-1]
    assert accs[False] < 0.4, "without batch norm the signal vanishes: chance level"
    assert accs[True] > 0.5


# --- explorers (the shared checks are in test_explorer_contract.py) ------------------------------
def test_optimizer_explorer_reports_divergence_in_words():
    e = optimizer_explorer().set(lr=3.0, steps=300, surface="bowl")
    assert e.error is None and "SGD: diverged at step" in e.status


def test_optimizer_explorer_with_nothing_ticked_explains_itself():
    e = optimizer_explorer().set(SGD=False, Momentum=False, AdaGrad=False, RMSProp=False, Adam=False)
    assert e.error is None and "Tick at least one" in e.status


def test_early_stopping_explorer_restores_the_best_epoch_it_saw():
    e = early_stopping_explorer().set(patience=10, min_delta=0.0)
    assert "stops at epoch" in e.status and "restores epoch" in e.status
    short = e.status
    e.set(patience=0)
    assert e.status != short
