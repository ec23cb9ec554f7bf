"""The one training loop: Trainer steps, train's history, divergence, callbacks and early stopping (Keras' rules)."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.data import make_toy
from dlnotes.network import MLP
from dlnotes.optimizers import SGD, Adam
from dlnotes.training import EarlyStopping, Trainer, train


# --- train: the epoch loop ------------------------------------------------------------------------
def test_train_records_history_and_callback_can_stop_early():
    data = make_toy("gaussian", n=60, seed=1)
    net = MLP(2, [4], 2, seed=0)
    hist = train(net, data, SGD(0.1), epochs=10, batch_size=8, callback=lambda epoch, h: epoch == 3)
    assert hist["epoch"] == [1, 2, 3] and hist["diverged"] is None
    assert set(hist) == {"epoch", "train_loss", "train_acc", "test_loss", "test_acc", "diverged"}
    assert all(len(v) == 3 for k, v in hist.items() if k != "diverged")


def test_train_without_test_data_records_only_training_numbers():
    data = make_toy("gaussian", n=60, seed=1)
    hist = train(MLP(2, [4], 2, seed=0), (data.x_train, data.y_train), SGD(0.1), epochs=2)
    assert set(hist) == {"epoch", "train_loss", "train_acc", "diverged"}


def test_training_is_reproducible():
    data = make_toy("moons", n=80, seed=0)
    runs = [train(MLP(2, [8], 2, seed=3), data, SGD(0.2), epochs=5, batch_size=10, seed=5) for _ in range(2)]
    assert runs[0] == runs[1]


def test_history_losses_are_the_data_loss_without_the_l2_penalty():
    data = make_toy("moons", n=80, seed=0)
    net = MLP(2, [8], 2, l2=0.5, seed=0)
    hist = train(net, data, SGD(0.1), epochs=2, batch_size=10)
    assert net.penalty() > 0.01
    assert hist["train_loss"][-1] == pytest.approx(net.data_loss(data.x_train, data.y_train, train=False), rel=1e-12)
    assert hist["test_loss"][-1] == pytest.approx(net.loss(data.x_test, data.y_test, train=False) - net.penalty())


def test_progress_and_snapshots():
    data = make_toy("moons", n=40, seed=0)
    calls = []
    net = MLP(2, [4], 2, seed=0)
    hist = train(net, data, SGD(0.1), epochs=3, batch_size=10, snapshots=True, label="run A: ",
                 progress=lambda done, total, text: calls.append((done, total, text)))
    assert calls == [(1, 3, "run A: epoch 1/3"), (2, 3, "run A: epoch 2/3"), (3, 3, "run A: epoch 3/3")]
    assert len(hist["snapshots"]) == 3 and set(hist["snapshots"][-1]) == set(net.params)
    assert all(np.array_equal(hist["snapshots"][-1][k], v) for k, v in net.params.items())
    assert hist["snapshots"][0]["L0.W"] is not net.params["L0.W"], "snapshots are copies"


@pytest.mark.parametrize("lr", [1e3, 1e6])
def test_a_huge_learning_rate_stops_training_and_records_the_epoch(lr):
    data = make_toy("spiral", n=200, seed=0)
    net = MLP(2, [32, 32], 2, seed=0)
    with np.errstate(all="raise"):  # divergence is reported, not a flood of overflow warnings
        hist = train(net, data, SGD(lr), epochs=50, batch_size=20)
    assert hist["diverged"] == hist["epoch"][-1] < 50


def test_a_diverged_network_reports_nan_accuracy_not_class_zero():
    data = make_toy("gaussian", n=40, seed=0)
    net = MLP(2, [4], 2, seed=0)
    net.params["L0.W"][:] = np.nan  # argmax of NaN logits is 0: a plausible-looking accuracy
    assert np.isnan(net.accuracy(data.x_test, data.y_test))
    loss, acc = net.evaluate(data.x_test, data.y_test)
    assert np.isnan(loss) and np.isnan(acc)


# --- Trainer: one step at a time ----------------------------------------------------------------------
def test_trainer_step_returns_the_batch_loss_and_lowers_it():
    data = make_toy("gaussian", n=40, seed=2)
    x, t = data.x_train, data.y_train
    net = MLP(2, [6], 2, seed=0)
    trainer = Trainer(net, SGD(0.1), x, t, batch_size=len(x))
    first = trainer.step()
    assert first == pytest.approx(MLP(2, [6], 2, seed=0).data_loss(x, t), rel=1e-12), "the loss before the update"
    assert net.data_loss(x, t) < first
    assert trainer.steps == 1 and trainer.epoch == 1.0


def test_trainer_counts_fractional_epochs_and_matches_train():
    data = make_toy("moons", n=100, seed=0)   # 50 training points
    a, b = MLP(2, [8], 2, seed=1), MLP(2, [8], 2, seed=1)
    trainer = Trainer(a, SGD(0.2), data.x_train, data.y_train, batch_size=20, seed=4)
    assert trainer.run(2) == 2 and trainer.epoch == pytest.approx(0.8)
    trainer.run(4)  # 3 steps per epoch (20, 20, 10): 6 steps = 2 epochs
    assert trainer.epoch == pytest.approx(2.0)
    train(b, data, SGD(0.2), epochs=2, batch_size=20, seed=4)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params), "Trainer and train take the same steps"


def test_trainer_run_stops_once_diverged():
    data = make_toy("spiral", n=200, seed=0)
    trainer = Trainer(MLP(2, [32, 32], 2, seed=0), SGD(1e6), data.x_train, data.y_train, batch_size=10)
    done = trainer.run(1000)
    assert trainer.diverged and done < 1000
    assert trainer.run(5) == 0, "a diverged trainer takes no more steps"


# --- early stopping ----------------------------------------------------------------------------
SCRIPT = [1.00, 0.80, 0.70, 0.72, 0.71, 0.69, 0.75, 0.80, 0.90, 1.0]


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    # patience 2: epochs 4 (0.72) and 5 (0.71) do not beat 0.70 -> stop at 5, best epoch 3.
    es = EarlyStopping(patience=2)
    assert es.run(SCRIPT) == 5 and es.best_epoch == 3
    # patience 3 waits long enough to see epoch 6 (0.69) improve; 7, 8, 9 do not -> stop at 9.
    es = EarlyStopping(patience=3)
    assert es.run(SCRIPT) == 9 and es.best_epoch == 6 and es.best == 0.69


def test_early_stopping_min_delta_counts_tiny_gains_as_no_improvement():
    es = EarlyStopping(patience=2, min_delta=0.05)
    # 1.0 -> 0.8 -> 0.7 improve by >= 0.05; 0.72, 0.71 do not: stop at epoch 5.
    assert es.run(SCRIPT) == 5
    assert es.best_epoch == 3 and es.best == 0.70


def test_early_stopping_never_stops_on_a_falling_loss():
    es = EarlyStopping(patience=0)
    assert es.run([5, 4, 3, 2, 1]) == 5 and not es.stopped


def test_early_stopping_restores_the_best_weights():
    es = EarlyStopping(patience=3)
    params = {"W": np.zeros((2, 2)), "b": np.zeros(2)}
    for epoch, loss in enumerate(SCRIPT, start=1):
        params["W"][:] = epoch  # the weights "after epoch k" are all k
        params["b"][:] = -epoch
        if es.step(loss, params):
            break
    assert params["W"][0, 0] == es.stopped_epoch
    es.restore(params)
    assert np.all(params["W"] == 6) and np.all(params["b"] == -6), "epoch 6 had the lowest loss"


def test_early_stopping_agrees_with_keras_callback():
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    for patience, min_delta in [(0, 0.0), (1, 0.0), (2, 0.0), (2, 0.05), (3, 0.0), (5, 0.0)]:
        cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta)
        cb.set_model(model)
        model.stop_training = False
        cb.on_train_begin()
        keras_stop = len(SCRIPT)
        for epoch, v in enumerate(SCRIPT):
            cb.on_epoch_end(epoch, {"val_loss": v})
            if model.stop_training:
                keras_stop = epoch + 1
                break
        ours = EarlyStopping(patience=patience, min_delta=min_delta).run(SCRIPT)
        assert ours == keras_stop, f"patience={patience}, min_delta={min_delta}: we stop at {ours}, Keras at {keras_stop}"


def test_early_stopping_as_a_training_callback_restores_weights():
    data = make_toy("moons", n=80, noise=0.3, seed=0)
    net = MLP(2, [64, 64], 2, seed=0)
    es = EarlyStopping(patience=5)
    hist = train(net, data, Adam(lr=0.02), epochs=200, batch_size=40, callback=es.callback(net.params))
    assert es.stopped and len(hist["epoch"]) == es.stopped_epoch < 200
    best = min(hist["test_loss"])
    assert np.isclose(net.loss(data.x_test, data.y_test, train=False), best), "restored net has the best test loss"


def test_bad_patience_is_a_clear_error():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)
