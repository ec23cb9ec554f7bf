"""When things go wrong in an explorer: an interrupted training run, a run cache that cannot keep a run.

Interrupting the kernel raises KeyboardInterrupt wherever Python is; here it is raised
from inside a Keras ``fit`` (a Keras callback) and from the numpy training loop's
per-epoch callback. Afterwards the explorer must work again on the next action, with
its error state cleared, and the run cache must hold no partial entry. Run-cache
problems (nowhere to store, a bad entry) must reach the learner in the explorer's
message line, never as a crash. Smoke sizes: every run trains for a second or two.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from dlnotes.explorers import hyperparameters as hyper
from dlnotes.explorers.base import discover
from dlnotes.keras_models import prepare
from dlnotes.network import MLP
from dlnotes.optimizers import SGD
from dlnotes.runcache import RunCache
from dlnotes.training import train


@pytest.fixture(scope="module")
def tiny(shared_data):
    from dlnotes.data import load_mnist

    return prepare(*load_mnist(), n_train=300, n_val=100, n_test=200)


def _explorer(tiny, directory, epochs=1):
    return hyper.HyperExplorer(tiny, cache=RunCache(directory), max_epochs=2, epochs=epochs)


def _train(ex, **values):
    """Move controls as a learner does (that only recalls), then press Train."""
    ex.set(**values)
    ex.buttons["train"].click()


def _interrupting_callback(progress, epochs, **kwargs):
    """Stands in for the explorer's progress callback: a Keras callback interrupted in epoch 2, batch 2."""
    import keras

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == 1 and batch == 1:
                raise KeyboardInterrupt  # what "interrupt the kernel" raises inside fit

    return Interrupt()


def test_keras_fit_interrupted_from_a_callback_then_the_explorer_works_again(tiny, tmp_path, monkeypatch):
    ex = _explorer(tiny, tmp_path / "runs", epochs=2)
    # first an action that fails, so there is an error state to clear
    monkeypatch.setattr(hyper, "train", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no memory left")))
    _train(ex, lr=2e-3)
    assert ex.error == "RuntimeError: no memory left" and "cannot be drawn" in ex.message.value
    monkeypatch.undo()

    monkeypatch.setattr(hyper, "progress_callback", _interrupting_callback)
    with pytest.raises(KeyboardInterrupt):
        _train(ex, lr=3e-3)
    monkeypatch.undo()
    assert ex.runs == [] and ex.cache.entries() == []
    assert sorted(p.name for p in (tmp_path / "runs").glob("*")) == [], "no partial entry, no temporary file"

    _train(ex, lr=2e-3)
    assert ex.error is None and "trained in" in ex.status and "cannot be drawn" not in ex.message.value
    assert ex.progress.value == ex.progress.max and len(ex.cache.entries()) == 1
    _train(ex, lr=3e-3)  # the interrupted setting trains from scratch: nothing of it was kept
    assert ex.error is None and ex.last["recalled"] is False and len(ex.last["result"]["history"]["loss"]) == 2
    assert len(ex.cache.entries()) == 2 and len(ex.runs) == 2


def test_numpy_training_interrupted_from_the_epoch_callback_can_train_again():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(64, 2)), rng.integers(0, 2, 64)
    net = MLP(2, [8], 2, seed=0)
    seen = []

    def interrupt(epoch, history):
        seen.append(epoch)
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(net, (x, t), SGD(lr=0.1), epochs=5, batch_size=16, callback=interrupt)
    assert seen == [1, 2]
    assert all(np.all(np.isfinite(p)) for p in net.params.values()), "weights stay usable after the interrupt"
    hist = train(net, (x, t), SGD(lr=0.1), epochs=2, batch_size=16)
    assert hist["epoch"] == [1, 2] and np.all(np.isfinite(hist["train_loss"]))


def test_a_numpy_training_explorer_recovers_from_an_interrupt(monkeypatch):
    factory = next(f for name, f in discover().items() if name.endswith(".regularization_explorer"))
    ex = factory()
    assert ex.error is None
    png = ex.png
    calls = []

    def interrupt(done, total, text=""):
        calls.append(done)
        if done >= 2:  # called after every epoch: interrupt in epoch 2
            raise KeyboardInterrupt

    monkeypatch.setattr(ex, "_report", interrupt)
    with pytest.raises(KeyboardInterrupt):
        ex.set(dropout=0.3)
    monkeypatch.undo()
    assert calls[-1] == 2
    ex.set(dropout=0.5)
    assert ex.error is None and ex.warnings == [] and ex.png != png
    assert ex.progress.value == ex.progress.max


def test_a_run_that_cannot_be_stored_is_shown_with_the_reason(tiny, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    ex = _explorer(tiny, blocker)
    _train(ex, lr=3e-3)
    assert ex.error is None and ex.warnings == []
    assert ex.last["result"]["history"]["val_accuracy"], "the trained run is shown"
    assert "could not be stored" in ex.message.value, "the reason is shown as a notice under the figure"
    assert ex.cache_notes and str(blocker) in ex.cache_notes[0]


def _store(ex, result):
    """Put ``result`` in the explorer's cache under its current setting's key, as a past run would have."""
    cfg = ex.config(**ex.values)
    return ex.cache.put(cfg.as_dict(), result, data=ex.data.describe(), seed=ex.seed)


FAKE = {"history": {"loss": [1.0], "accuracy": [0.5], "val_loss": [1.0], "val_accuracy": [0.5]},
        "test_accuracy": 0.5}


def test_a_bad_cache_entry_is_set_aside_and_retrained_with_a_note(tiny, tmp_path):
    ex = _explorer(tiny, tmp_path / "runs")
    path = _store(ex, FAKE)
    entry = json.loads(path.read_text())
    path.write_text(json.dumps({**entry, "result": 5}))  # parses, but is not a result: it used to raise TypeError
    ex.refresh()  # moving a control meets the bad entry: it is set aside and the setting is untrained
    assert ex.error is None, ex.error
    assert "set aside" in ex.message.value and "not trained yet" in ex.status
    assert path.with_suffix(".bad").exists() and not path.exists()
    ex.buttons["train"].click()
    assert ex.error is None, ex.error
    assert ex.last["recalled"] is False and path.exists()
    ex.refresh()
    assert ex.last["recalled"] is True and ex.cache_notes == [] and "⚠" not in ex.status


def test_a_bad_entry_met_while_the_explorer_is_built_is_reported(tiny, tmp_path):
    path = _store(_explorer(tiny, tmp_path / "runs"), FAKE)
    entry = json.loads(path.read_text())
    del entry["result"]["history"]
    path.write_text(json.dumps(entry))
    ex = _explorer(tiny, tmp_path / "runs")
    assert ex.error is None and "not trained yet" in ex.status and "set aside" in ex.message.value
