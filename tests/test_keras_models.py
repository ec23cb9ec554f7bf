"""Chapter 08/09 models: the documented layer structure and parameter counts, and data preparation."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes import keras_models as km


def test_softmax_model_is_one_dense_layer_with_7850_parameters():
    model = km.softmax_model()
    assert [t[1] for t in km.layer_table(model)] == ["Dense"]
    assert model.count_params() == 7850 == km.dense_params(784, 10)
    assert model.output_shape == (None, 10)


def test_mlp_has_the_seed_structure_and_118282_parameters():
    model = km.mlp()
    rows = km.layer_table(model)
    assert [(r[1], r[2]) for r in rows] == [("Dense", (128,)), ("Dense", (128,)), ("Dense", (10,))]
    assert [r[3] for r in rows] == [100480, 16512, 1290]
    assert model.count_params() == 118282 == km.mlp_params(128)


@pytest.mark.parametrize("hidden", [16, 64, 300])
def test_mlp_parameter_formula_matches_keras_for_any_width(hidden):
    assert km.mlp(hidden).count_params() == km.mlp_params(hidden) == 785 * hidden + (hidden + 1) * hidden + (hidden + 1) * 10


def test_dropout_adds_layers_but_no_parameters():
    model = km.mlp(dropout=0.3)
    kinds = [r[1] for r in km.layer_table(model)]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert model.count_params() == 118282
    assert model.get_layer("dropout1").rate == pytest.approx(0.3)


def test_l2_regulariser_adds_lambda_times_sum_of_squared_weights():
    import keras

    keras.utils.set_random_seed(0)
    model = km.mlp(hidden=8, l2=0.01)
    kernels = [l.kernel.numpy() for l in model.layers if hasattr(l, "kernel")]
    expected = 0.01 * sum(float((k.astype(np.float64) ** 2).sum()) for k in kernels)
    got = sum(float(x) for x in model.losses)
    assert got == pytest.approx(expected, rel=1e-5)


def test_cnn_matches_keras_io_mnist_convnet():
    rows = km.layer_table(km.cnn())
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("Conv2D", (26, 26, 32), 320), ("MaxPooling2D", (13, 13, 32), 0),
        ("Conv2D", (11, 11, 64), 18496), ("MaxPooling2D", (5, 5, 64), 0),
        ("Flatten", (1600,), 0), ("Dropout", (1600,), 0), ("Dense", (10,), 16010),
    ]
    assert km.cnn().count_params() == 34826 == km.cnn_params()


def test_sequential_and_functional_mlp_compute_the_same_function():
    seq, fun = km.mlp(hidden=32), km.mlp_functional(hidden=32)
    assert seq.count_params() == fun.count_params()
    fun.set_weights(seq.get_weights())
    x = np.random.default_rng(0).random((5, 784)).astype(np.float32)
    np.testing.assert_allclose(seq.predict(x, verbose=0), fun.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [({"dropout": 1.0}, "dropout"), ({"dropout": -0.1}, "dropout"),
                                            ({"l2": -1}, "L2"), ({"hidden": 0}, "hidden")])
def test_bad_model_settings_give_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        km.mlp(**kwargs)


def _fake_mnist(n_train=300, n_test=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)
    xt = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    return (x, np.arange(n_train) % 10), (xt, np.arange(n_test) % 10)


def test_prepare_normalises_splits_and_is_seeded():
    train, test = _fake_mnist()
    a = km.prepare(train, test, n_val=60, n_train=200, seed=3)
    b = km.prepare(train, test, n_val=60, n_train=200, seed=3)
    c = km.prepare(train, test, n_val=60, n_train=200, seed=4)
    assert a.sizes == {"train": 200, "val": 60, "test": 50}
    assert a.x_train.dtype == np.float32 and a.x_train.shape == (200, 784)
    assert 0.0 <= a.x_train.min() and a.x_train.max() <= 1.0
    np.testing.assert_array_equal(a.x_val, b.x_val)
    assert not np.array_equal(a.x_val, c.x_val)
    # train and validation never share an image
    rows = {r.tobytes() for r in a.x_train}
    assert not any(r.tobytes() in rows for r in a.x_val)


def test_prepare_one_hot_and_image_shape():
    train, test = _fake_mnist()
    p = km.prepare(train, test, n_val=10, flatten=False, one_hot=True)
    assert p.x_train.shape[1:] == (28, 28, 1)
    assert p.y_train.shape == (290, 10) and np.all(p.y_train.sum(axis=1) == 1)
    np.testing.assert_array_equal(p.y_test.argmax(axis=1), test[1])


def test_prepare_rejects_impossible_sizes():
    train, test = _fake_mnist()
    with pytest.raises(ValueError, match="n_train"):
        km.prepare(train, test, n_val=100, n_train=201)
    with pytest.raises(ValueError, match="n_val"):
        km.prepare(train, test, n_val=300)


def test_run_config_normalises_types_and_rejects_bad_values():
    assert km.RunConfig(hidden=128.0, lr=0.001) == km.RunConfig(hidden=128, lr=1e-3)
    for bad in ({"optimizer": "adamw"}, {"lr": 0}, {"lr": float("nan")}, {"model": "rnn"}, {"epochs": 0}):
        with pytest.raises(ValueError):
            km.RunConfig(**bad)


def test_seed_table_lists_the_five_seed_configurations():
    names = [n for n, _, _ in km.SEED_TABLE]
    assert len(names) == 5
    assert [c.optimizer for _, c, _ in km.SEED_TABLE] == ["sgd", "sgd", "sgd", "rmsprop", "adam"]
    assert [acc for _, _, acc in km.SEED_TABLE] == [0.9227, 0.9468, 0.9424, 0.9777, 0.9805]


def test_training_on_real_mnist_learns(shared_data):
    from dlnotes.data import load_mnist

    data = km.prepare(*load_mnist(), n_train=2000, n_val=500, n_test=1000)
    cfg = km.RunConfig(model="mlp", epochs=3, batch_size=64, lr=2e-3)
    _, a = km.train(cfg, data, seed=0)
    assert a["test_accuracy"] > 0.85, a["test_accuracy"]
    assert len(a["history"]["val_accuracy"]) == 3 and len(a["epoch_seconds"]) == 3
    assert a["params"] == 118282


def test_make_keras_optimizer_builds_each_named_optimizer():
    for name, cls in km.KERAS_OPTIMIZERS.items():
        opt = km.make_keras_optimizer(name, 0.01)
        assert type(opt).__name__ == cls and float(opt.learning_rate) == pytest.approx(0.01)
    cosine = km.make_keras_optimizer("adam", 0.01, decay_steps=10)
    assert type(cosine.learning_rate).__name__ != "float"
    with pytest.raises(ValueError, match=r"name must be one of \['adam', 'rmsprop', 'sgd'\]"):
        km.make_keras_optimizer("Momentum", 0.01)  # a numpy optimiser's name (dlnotes.optimizers.OPTIMIZERS)


# --- chapter 11: recurrent networks reading MNIST row by row ---------------------------------
@pytest.mark.parametrize("cell, layer", [("simple_rnn", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")])
def test_rnn_reads_28_rows_of_28_pixels_and_has_the_documented_parameters(cell, layer):
    rows = km.layer_table(km.rnn(cell, 32))
    assert [(r[1], r[2]) for r in rows] == [("Reshape", (28, 28)), (layer, (32,)), ("Dense", (10,))]
    assert sum(r[3] for r in rows) == km.rnn_params(cell, 32)
    assert km.rnn(cell, 32, input_shape=(28, 20, 1)).count_params() == km.rnn_params(cell, 32, input_dim=20)


def test_rnn_parameter_counts_do_not_depend_on_the_number_of_steps():
    assert km.rnn_params("lstm", 128) == 81674 and km.rnn_params("simple_rnn", 128) == 21386
    assert km.rnn("lstm", 16, input_shape=(7, 28, 1)).count_params() == km.rnn("lstm", 16).count_params()
    with pytest.raises(ValueError, match="cell must be one of"):
        km.rnn("rnn")


def test_clipnorm_is_a_setting_that_leaves_older_run_keys_alone():
    assert "clipnorm" not in km.RunConfig().as_dict(), "runs cached before clipnorm existed keep their keys"
    assert km.LSTM_RECIPE.as_dict()["clipnorm"] == 1.0 and km.LSTM_RECIPE.label().endswith("clip1")
    assert km.RunConfig(clipnorm=2) == km.RunConfig(clipnorm=2.0)
    with pytest.raises(ValueError, match="clipnorm"):
        km.RunConfig(clipnorm=0)


def test_lstm_reading_mnist_rows_learns_in_smoke_mode(shared_data):
    from dlnotes.data import load_mnist

    images = km.prepare(*load_mnist(), n_train=2048, n_val=256, n_test=2000, flatten=False, seed=0)
    _, result = km.train(km.LSTM_RECIPE.replace(epochs=2, batch_size=32), images, seed=0)
    assert result["test_accuracy"] > 0.5, f"chance is 0.1; the LSTM should learn, got {result['test_accuracy']:.3f}"
    assert result["params"] == 81674


def test_fast_cnn_puts_batch_norm_between_each_linear_layer_and_its_relu():
    model = km.fast_cnn()
    kinds = [(layer.name, type(layer).__name__) for layer in model.layers]
    names = [n for n, _ in kinds]
    for linear in ("conv1", "conv2", "dense"):
        i = names.index(linear)
        assert names[i + 1:i + 3] == [f"{linear}_bn", f"{linear}_relu"], names
        assert not model.get_layer(linear).use_bias, f"{linear}: BN's shift β does the bias's job"
    assert model.count_params() == 80_730
    channels = 16 + 32 + 128  # biases come back (+1 per channel); BN's γ, β, mean and variance go (−4)
    assert km.fast_cnn(batchnorm=False).count_params() == 80_730 + channels - 4 * channels == 80_202
    assert not any(type(layer).__name__ == "BatchNormalization" for layer in km.fast_cnn(batchnorm=False).layers)


def test_fast_cnn_residual_block_adds_its_input_to_its_output():
    model = km.fast_cnn(residual=True)
    skip = model.get_layer("skip")
    x, f = skip.input
    assert tuple(x.shape) == tuple(f.shape) == (None, 8, 8, 32), "x and F(x) need the same shape to be added"
    assert x is model.get_layer("conv2_relu").output
    block = ("res_conv1", "res_conv1_bn", "res_conv2", "res_conv2_bn")
    added = sum(model.get_layer(n).count_params() for n in block)
    assert added == 2 * 3 * 3 * 32 * 32 + 2 * 4 * 32 == model.count_params() - km.fast_cnn().count_params()


def test_fast_cnn_augmentation_shifts_training_images_only():
    model = km.fast_cnn(augment=0.1)
    shift = model.get_layer("shift")
    digit = np.zeros((1, 28, 28, 1), np.float32)
    digit[0, 10:18, 12:16] = 1.0
    np.testing.assert_array_equal(np.asarray(shift(digit, training=False)), digit)
    moved = [np.asarray(shift(digit, training=True)) for _ in range(5)]
    assert any(not np.array_equal(m, digit) for m in moved), "a training pass shifts the image"
    assert model.count_params() == km.fast_cnn().count_params(), "augmentation has no weights"
    with pytest.raises(ValueError, match=r"fast_cnn: augment must be .*\[0, 0.5\].*got 0.8"):
        km.fast_cnn(augment=0.8)


def test_fast_cnn_recipe_and_its_variants_are_run_configs():
    assert km.FAST_CNN_RECIPE.label() == "fast_cnn h128 drop0.25 adam lr0.003 bs128 4ep cosine"
    for name, kwargs in km.FAST_CNN_VARIANTS.items():
        model = km.build(km.FAST_CNN_RECIPE.replace(model=name), (28, 28, 1))
        assert model.count_params() == km.fast_cnn(**kwargs).count_params(), name


def test_fast_cnn_can_put_batch_norm_after_the_relu_as_seed_001_says():
    model = km.fast_cnn(bn_after_relu=True)
    names = [layer.name for layer in model.layers]
    i = names.index("conv1")
    assert names[i + 1:i + 3] == ["conv1_relu", "conv1_bn"]
    assert model.get_layer("conv1").use_bias, "BN no longer follows the convolution directly: the bias is back"


def test_fast_cnn_batch_norm_follows_the_batch_statistics_within_a_short_run():
    """Keras' default momentum 0.99 left smoke-mode runs right in training and near chance at test time."""
    bns = [layer for layer in km.fast_cnn(residual=True).layers if type(layer).__name__ == "BatchNormalization"]
    assert len(bns) == 5 and all(layer.momentum == km.BN_MOMENTUM == 0.9 for layer in bns)


def test_prepared_data_keeps_its_name_so_runs_on_different_data_never_share_a_cache_key():
    rng = np.random.default_rng(0)
    pair = (rng.integers(0, 255, (30, 28, 28), dtype=np.uint8), rng.integers(0, 10, 30))
    assert km.prepare(pair, pair, n_val=5).describe()["name"] == "mnist"
    fashion = km.prepare(pair, pair, n_val=5, name="fashion_mnist").describe()
    assert fashion["name"] == "fashion_mnist", "MNIST and Fashion-MNIST runs of one setting must not be confused"
