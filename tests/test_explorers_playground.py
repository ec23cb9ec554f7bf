"""Chapter 04 playground: controls change what they should, LR keeps weights, data/architecture restart."""

from __future__ import annotations

import time

import numpy as np
import pytest

from dlnotes.explorers.base import REGISTRY
from dlnotes.layers import Identity, ReLU, Sigmoid, Tanh
from dlnotes.explorers.playground import Playground, PlaygroundState, playground


@pytest.fixture(scope="module")
def pg():
    return playground()


def _tick(ex: Playground, n: int = 1):
    """What the Play widget does while playing: advance its value once per frame."""
    for _ in range(n):
        ex.play.value += 1


def _weights(ex):
    return {k: v.copy() for k, v in ex.state.net.params.items()}


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_playground_is_registered_and_starts_clean():
    assert "explorers.playground.playground" in REGISTRY
    ex = playground()
    assert ex.error is None and ex.warnings == [] and ex.png
    assert ex.state.epoch == 0 and ex.state.steps == 0
    assert "epoch 0.0" in ex.status


def test_play_ticks_train_and_redraw(pg):
    pg.set(dataset="circle", hidden_layers=2, neurons=4, activation="tanh", learning_rate=0.1)
    steps, png = pg.state.steps, pg.png
    _tick(pg, 3)
    assert pg.error is None
    assert pg.state.steps > steps and pg.state.epoch == pytest.approx(3.0)
    assert pg.png != png
    assert len(pg.state.history["train_loss"]) == 4 and len(pg.state.history["test_loss"]) == 4


def test_stopping_the_play_widget_does_not_train(pg):
    _tick(pg, 2)
    steps = pg.state.steps
    pg.play.value = 0  # what the widget's stop button does
    assert pg.state.steps == steps


def test_ticks_queued_by_a_busy_kernel_are_dropped_while_playing():
    ex = playground()
    ex.play.playing = True
    _tick(ex, 3)  # three ticks arriving back to back: only the first trains
    assert ex.state.epoch == pytest.approx(1.0)
    time.sleep(ex.min_tick_gap)
    _tick(ex)
    assert ex.state.epoch == pytest.approx(2.0), "a tick that arrives on time trains"


def test_step_button_trains_one_frame_and_reset_restarts(pg):
    pg.set(dataset="xor")
    pg.buttons["step"].click()
    assert pg.error is None and pg.state.epoch == pytest.approx(1.0)
    before = _weights(pg)
    pg.buttons["reset"].click()
    assert pg.state.steps == 0 and pg.state.epoch == 0
    assert not _same(before, _weights(pg)), "reset draws fresh weights"


def test_playground_learns_the_circle():
    ex = playground()
    ex.set(dataset="circle", activation="tanh", hidden_layers=2, neurons=4, learning_rate=0.3)
    _tick(ex, 40)
    train_acc, test_acc = ex.state.accuracy()
    assert train_acc > 0.9 and test_acc > 0.9, (train_acc, test_acc)
    losses = ex.state.history["train_loss"]
    assert losses[-1] < 0.5 * losses[0]


@pytest.mark.parametrize("name,value,attribute", [
    ("learning_rate", 0.01, lambda s: s.optimizer.lr),
    ("batch_size", 32, lambda s: s.batch_size),
    ("l2", 0.01, lambda s: s.net.l2),
])
def test_mid_training_settings_keep_the_weights(pg, name, value, attribute):
    pg.set(dataset="moons", hidden_layers=1, neurons=6, activation="relu", learning_rate=0.1, batch_size=10, l2=0.0)
    _tick(pg, 2)
    before, steps, png = _weights(pg), pg.state.steps, pg.png
    pg.set(**{name: value})
    assert pg.error is None
    assert attribute(pg.state) == pytest.approx(value), f"{name} must reach the trainer"
    assert _same(before, _weights(pg)), f"changing {name} must keep the weights (as in Playground)"
    assert pg.state.steps == steps and pg.state.epoch > 0
    _tick(pg)
    assert not _same(before, _weights(pg)), "training continues from the same weights"


@pytest.mark.parametrize("name,value", [
    ("dataset", "spiral"), ("noise", 0.3), ("test_ratio", 0.2),
    ("hidden_layers", 3), ("neurons", 9), ("activation", "sigmoid"),
])
def test_data_and_architecture_changes_restart_training(pg, name, value):
    pg.set(dataset="circle", noise=0.1, test_ratio=0.5, hidden_layers=2, neurons=4, activation="tanh")
    _tick(pg, 2)
    before, split, png = _weights(pg), pg.state.split, pg.png
    pg.play.playing = True
    pg.set(**{name: value})
    assert pg.error is None
    assert pg.state.steps == 0 and pg.state.epoch == 0, f"changing {name} restarts training"
    assert len(pg.state.history["train_loss"]) == 1
    assert not pg.play.playing, "a new problem starts paused"
    assert pg.png != png
    if name in ("dataset", "noise", "test_ratio"):
        assert pg.state.split is not split
    else:
        assert pg.state.split is split, "an architecture change keeps the data"
        assert not _same(before, _weights(pg))


def test_architecture_controls_shape_the_network(pg):
    pg.set(dataset="spiral3", hidden_layers=3, neurons=7, activation="sigmoid")
    net = pg.state.net
    assert net.sizes == [2, 7, 7, 7, 3], "3-class spiral needs 3 softmax outputs"
    assert sum(isinstance(layer, Sigmoid) for layer in net.layers) == 3
    pg.set(hidden_layers=0)
    assert pg.state.net.sizes == [2, 3] and pg.error is None
    assert "no hidden layer" in pg.view.neur_title.get_text()
    for label, cls in {"relu": ReLU, "tanh": Tanh, "identity": Identity}.items():
        pg.set(hidden_layers=1, activation=label)
        assert isinstance(pg.state.net.layers[1], cls)


def test_split_follows_the_test_share_and_noise(pg):
    pg.set(dataset="gaussian", test_ratio=0.2, noise=0.0)
    s = pg.state.split
    assert len(s.x_test) == round(0.2 * (len(s.x_train) + len(s.x_test)))
    spread = np.std(s.x_train)
    pg.set(noise=0.5)
    assert np.std(pg.state.split.x_train) > spread


def test_seed_points_work_in_the_playground(pg):
    pg.set(dataset="seed8", test_ratio=0.5, hidden_layers=1, neurons=4, activation="sigmoid", learning_rate=1.0)
    assert len(pg.state.split.x_train) + len(pg.state.split.x_test) == 8
    _tick(pg, 5)
    assert pg.error is None and pg.warnings == []
    assert np.all(np.abs(pg.state.x_train) <= 1.0 + 1e-9), "inputs are scaled to [-1, 1]"


def test_a_huge_learning_rate_diverges_with_a_readable_message():
    ex = playground()
    ex.set(dataset="circle", activation="relu", hidden_layers=4, neurons=16, learning_rate=3.0, batch_size=1)
    _tick(ex, 30)
    assert ex.state.diverged
    assert ex.error is None and ex.warnings == [], "divergence is reported, not raised or warned"
    assert "diverged" in ex.status and "learning rate" in ex.status
    ex.play.playing = True
    _tick(ex)
    assert not ex.play.playing, "playing stops when training diverges"
    ex.set(learning_rate=0.01)
    ex.buttons["reset"].click()
    assert not ex.state.diverged and "diverged" not in ex.status


def test_state_rejects_unknown_settings_clearly():
    state = PlaygroundState()
    with pytest.raises(ValueError, match="dataset"):
        state.configure(dataset="mnist")
    with pytest.raises(ValueError, match="hidden layers"):
        state.configure(hidden_layers=7)
