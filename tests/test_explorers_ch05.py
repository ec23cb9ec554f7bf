"""Chapter 05 explorers — optimiser paths, initialisation, dropout/L2, batch norm, early stopping —
and the training runs behind them."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlnotes.data import make_toy, overfitting_data
from dlnotes.explorers.base import randomize
from dlnotes.explorers.initializers import initializer_explorer
from dlnotes.explorers.optimizers import optimizer_explorer
from dlnotes.explorers.regularization import batchnorm_explorer, early_stopping_explorer, regularization_explorer
from dlnotes.network import MLP
from dlnotes.optimizers import SGD, Momentum
from dlnotes.training import train

FACTORIES = {f.__name__: f for f in (optimizer_explorer, initializer_explorer, early_stopping_explorer,
                                     regularization_explorer, batchnorm_explorer)}
CHEAP = ["optimizer_explorer", "initializer_explorer", "early_stopping_explorer"]
EXPENSIVE = ["regularization_explorer", "batchnorm_explorer"]


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


# --- explorers: controls, random settings, no leaks -------------------------------------------------
def _other_values(w):
    if isinstance(w, W.Checkbox):
        return [not w.value]
    if isinstance(w, (W.Dropdown, W.ToggleButtons)):
        return [o[1] if isinstance(o, tuple) else o for o in w.options if (o[1] if isinstance(o, tuple) else o) != w.value]
    if isinstance(w, W.FloatLogSlider):
        return [w.base**w.max, w.base**w.min]
    return [w.max, w.min, type(w.value)((w.min + w.max) / 2)]


@pytest.mark.parametrize("name", CHEAP + EXPENSIVE)
def test_every_control_changes_the_figure(name):
    e = FACTORIES[name]()
    assert e.error is None, e.error
    if "epochs" in e.controls:  # keep training short: epochs still changes, just within a small range
        e.controls["epochs"].max = e.controls["epochs"].min + 2 * e.controls["epochs"].step
        e.set(epochs=e.controls["epochs"].min)
    for cname, w in e.controls.items():
        start = dict(e.values)
        before = e.png
        changed = False
        for v in _other_values(w):
            e.set(**{cname: v})
            assert e.error is None, f"{name}: {cname}={v!r} failed: {e.error}"
            if e.png != before:
                changed = True
                break
        assert changed, f"{name}: moving {cname} did not change the figure"
        e.set(**start)


@pytest.mark.parametrize("name", CHEAP)
def test_cheap_explorer_survives_200_random_settings_without_leaking_figures(name):
    before = len(plt.get_fignums())
    e = FACTORIES[name]()
    rng = np.random.default_rng(0)
    for _ in range(200):
        values = randomize(e, rng)
        assert e.error is None, f"{name} failed at {values}: {e.error}"
        assert not e.warnings, f"{name} warned at {values}: {e.warnings}"
    assert len(plt.get_fignums()) == before


@pytest.mark.parametrize("name", EXPENSIVE)
def test_expensive_explorer_survives_random_settings_without_leaking_figures(name):
    before = len(plt.get_fignums())
    e = FACTORIES[name]()
    e.controls["epochs"].max = e.controls["epochs"].min + e.controls["epochs"].step  # short runs
    rng = np.random.default_rng(0)
    for _ in range(12):
        values = randomize(e, rng)
        assert e.error is None, f"{name} failed at {values}: {e.error}"
        assert not e.warnings, f"{name} warned at {values}: {e.warnings}"
    assert e.progress.value == e.progress.max, "the progress bar reaches the end"
    assert len(plt.get_fignums()) == before


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
