"""Chapter 05: batch norm and dropout layers (gradient-checked) and early stopping (Keras' rules)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from dlnotes.functions import numerical_gradient, relative_error
from dlnotes.regularization import BatchNorm, Dropout, EarlyStopping

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


# --- batch normalization -------------------------------------------------------------------
def _bn_setup(shape=(6, 4), seed=0):
    rng = np.random.default_rng(seed)
    bn = BatchNorm(shape[1])
    bn.params["gamma"][:] = rng.uniform(0.5, 2.0, size=shape[1])
    bn.params["beta"][:] = rng.normal(size=shape[1])
    x = rng.normal(1.0, 3.0, size=shape)
    r = rng.normal(size=shape)  # loss = sum(y * r), so dL/dy = r
    return bn, x, r


@pytest.mark.parametrize("shape", [(6, 4), (5, 3, 2, 2)])
def test_batchnorm_backward_matches_numerical_gradient(shape):
    bn, x, r = _bn_setup(shape)
    bn.forward(x, train=True)
    dx = bn.backward(r)
    grads = {k: v.copy() for k, v in bn.grads.items()}

    def loss(_):
        return np.sum(bn.forward(x, train=True) * r)

    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-6
    for name in ("gamma", "beta"):
        num = numerical_gradient(loss, bn.params[name])
        assert relative_error(grads[name], num) < 1e-6, f"d{name} is wrong"


def test_batchnorm_inference_backward_matches_numerical_gradient():
    bn, x, r = _bn_setup()
    for _ in range(3):
        bn.forward(x + 0.1, train=True)
    bn.forward(x, train=False)
    dx = bn.backward(r)
    grads = {k: v.copy() for k, v in bn.grads.items()}

    def loss(_):
        return np.sum(bn.forward(x, train=False) * r)

    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-6
    assert relative_error(grads["gamma"], numerical_gradient(loss, bn.params["gamma"])) < 1e-6


def test_batchnorm_backward_matches_tf_gradient_tape():
    import tensorflow as tf

    bn, x, r = _bn_setup((8, 5), seed=3)
    bn.forward(x, train=True)
    dx = bn.backward(r)
    xt = tf.Variable(x)
    gt = tf.Variable(bn.params["gamma"])
    bt = tf.Variable(bn.params["beta"])
    with tf.GradientTape() as tape:
        mean, var = tf.nn.moments(xt, axes=[0])
        y = gt * (xt - mean) / tf.sqrt(var + bn.epsilon) + bt
        loss = tf.reduce_sum(y * r)
    tdx, tdg, tdb = tape.gradient(loss, [xt, gt, bt])
    assert relative_error(dx, tdx.numpy()) < 1e-9
    assert relative_error(bn.grads["gamma"], tdg.numpy()) < 1e-9
    assert relative_error(bn.grads["beta"], tdb.numpy()) < 1e-9


def test_batchnorm_matches_keras_batchnormalization_in_both_modes():
    import keras

    rng = np.random.default_rng(1)
    ours = BatchNorm(3, momentum=0.9, epsilon=1e-3)
    theirs = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3, dtype="float64")
    for _ in range(4):
        xb = rng.normal(2.0, 5.0, size=(16, 3))
        y_ours = ours.forward(xb, train=True)
        y_keras = np.asarray(theirs(xb, training=True))
        assert relative_error(y_ours, y_keras) < 1e-6, "training-mode output differs from Keras"
    assert relative_error(ours.running_mean, np.asarray(theirs.moving_mean)) < 1e-6
    assert relative_error(ours.running_var, np.asarray(theirs.moving_variance)) < 1e-6
    xt = rng.normal(size=(7, 3))
    assert relative_error(ours.forward(xt, train=False), np.asarray(theirs(xt, training=False))) < 1e-6


def test_batchnorm_training_output_has_zero_mean_unit_variance():
    bn, x, _ = _bn_setup((200, 3))
    bn.params["gamma"][:] = 1.0
    bn.params["beta"][:] = 0.0
    y = bn.forward(x * 1e3 + 5e3, train=True)
    assert np.allclose(y.mean(axis=0), 0.0, atol=1e-9)
    assert np.allclose(y.std(axis=0), 1.0, atol=1e-3)


def test_batchnorm_on_a_batch_of_one_outputs_beta_without_warnings():
    bn = BatchNorm(3)
    bn.params["beta"][:] = [1.0, 2.0, 3.0]
    with np.errstate(all="raise"):
        y = bn.forward(np.array([[5.0, -1.0, 0.5]]), train=True)
        dx = bn.backward(np.ones((1, 3)))
    assert np.allclose(y, [[1.0, 2.0, 3.0]]) and np.allclose(dx, 0.0)


def test_batchnorm_bad_inputs_are_clear_errors():
    bn = BatchNorm(4)
    with pytest.raises(ValueError, match=r"\(N, 4"):
        bn.forward(np.zeros((3, 5)))
    with pytest.raises(RuntimeError, match="before forward"):
        BatchNorm(2).backward(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="num_features"):
        BatchNorm(0)


def test_network_with_batchnorm_and_dropout_matches_numerical_gradient():
    from dlnotes.network import MLP

    net = MLP(3, [5, 4], 2, activation="tanh", batchnorm=True, dropout=0.3, seed=2)
    for layer in net.layers:
        if isinstance(layer, Dropout):
            layer.fixed_mask = True
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    grads = {k: v.copy() for k, v in net.gradient(x, t).items()}
    for key, p in net.params.items():
        num = numerical_gradient(lambda _: net.loss(x, t, train=True), p)
        if np.max(np.abs(num)) < 1e-8:  # a bias just before batch norm: the mean subtraction cancels it
            assert np.max(np.abs(grads[key])) < 1e-12, f"{key} should get no gradient through batch norm"
        else:
            assert relative_error(grads[key], num) < 1e-6, f"gradient of {key} is wrong"


# --- dropout --------------------------------------------------------------------------------
def test_dropout_backward_with_fixed_mask_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    drop = Dropout(0.4, seed=1, fixed_mask=True)
    x, r = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    drop.forward(x)
    dx = drop.backward(r)
    num = numerical_gradient(lambda _: np.sum(drop.forward(x) * r), x)
    assert relative_error(dx, num) < 1e-8
    assert 0 < drop.mask.sum() < drop.mask.size, "a 0.4 dropout on 30 units should drop some, keep some"


def test_dropout_backward_matches_tf_gradient_tape():
    import tensorflow as tf

    rng = np.random.default_rng(2)
    drop = Dropout(0.5, seed=3)
    x, r = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    drop.forward(x)
    dx = drop.backward(r)
    mask = tf.constant(drop.mask.astype(np.float64))
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(xt * mask / (1 - 0.5) * r)
    assert relative_error(dx, tape.gradient(loss, xt).numpy()) < 1e-12


def test_dropout_preserves_the_expected_activation():
    x = np.full((1000, 1000), 2.0)
    for rate in (0.1, 0.5, 0.8):
        y = Dropout(rate, seed=0).forward(x, train=True)
        kept = np.mean(y != 0)
        assert abs(kept - (1 - rate)) < 5e-3, f"rate {rate}: kept {kept:.3f} of units"
        assert abs(y.mean() - 2.0) < 0.02, f"rate {rate}: mean activation {y.mean():.4f}, expected 2"
        assert np.allclose(y[y != 0], 2.0 / (1 - rate)), "kept units are scaled by 1 / (1 - rate)"


def test_dropout_is_the_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(3, 7))
    drop = Dropout(0.9, seed=0)
    assert np.array_equal(drop.forward(x, train=False), x)
    assert np.array_equal(drop.backward(np.ones_like(x)), np.ones_like(x))


def test_dropout_has_keras_semantics():
    import keras

    x = np.random.default_rng(0).uniform(1, 2, size=(200, 50))
    y = np.asarray(keras.layers.Dropout(0.3, seed=0, dtype="float64")(x, training=True))
    ours = Dropout(0.3, seed=0).forward(x, train=True)
    for out in (y, ours):
        kept = out != 0
        assert np.allclose(out[kept], x[kept] / 0.7)
        assert abs(kept.mean() - 0.7) < 0.02
    assert np.array_equal(np.asarray(keras.layers.Dropout(0.3, dtype="float64")(x, training=False)), x)


def test_fresh_masks_differ_between_steps_unless_fixed():
    x = np.ones((10, 10))
    d = Dropout(0.5, seed=0)
    assert not np.array_equal(d.forward(x), d.forward(x))
    f = Dropout(0.5, seed=0, fixed_mask=True)
    assert np.array_equal(f.forward(x), f.forward(x))


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5])
def test_bad_dropout_rate_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="dropout rate"):
        Dropout(bad)


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
    from dlnotes.data import make_toy
    from dlnotes.network import MLP, train
    from dlnotes.optimizers import Adam

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
