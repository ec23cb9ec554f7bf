"""Chapter 07: dtype tables generated from the libraries, traced graphs, TensorFlow twins of numpy code."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from dlnotes.data import make_toy  # noqa: E402
from dlnotes.functions import cross_entropy, cross_entropy_with_logits, mse, relative_error, softmax  # noqa: E402
from dlnotes.network import MLP  # noqa: E402
from dlnotes.tfbasics import (  # noqa: E402
    NUMPY_DTYPES,
    TF_DTYPES,
    dtype_table,
    graph_ops,
    markdown_table,
    sequential_loss_tf,
    tf_dtype_info,
)


# --- dtype tables ------------------------------------------------------------------------------------
def test_numpy_table_states_the_facts_the_seed_types_by_hand():
    rows = {r["dtype"]: r for r in dtype_table("numpy")}
    assert set(rows) == set(NUMPY_DTYPES)
    assert (rows["int8"]["min"], rows["int8"]["max"]) == (-128, 127)
    assert rows["uint64"]["max"] == 2**64 - 1
    assert rows["int64"]["min"] == -(2**63)
    assert rows["float16"]["layout"] == "1 sign, 5 exponent, 10 mantissa bits" and rows["float16"]["max"] == 65504
    assert rows["float32"]["layout"] == "1 sign, 8 exponent, 23 mantissa bits" and rows["float32"]["eps"] == 2.0**-23
    assert rows["float64"]["layout"] == "1 sign, 11 exponent, 52 mantissa bits" and rows["float64"]["eps"] == 2.0**-52
    for name, r in rows.items():
        assert r["bits"] == np.dtype(name).itemsize * 8


def test_tensorflow_table_reads_min_max_from_tensorflow():
    rows = {r["dtype"]: r for r in dtype_table("tensorflow")}
    assert set(rows) == set(TF_DTYPES)
    for name, r in rows.items():
        d = tf.dtypes.as_dtype(name)
        if d.is_integer:
            assert (r["min"], r["max"]) == (int(d.min), int(d.max)), name
        if d.is_floating:
            assert (r["min"], r["max"]) == (float(d.min), float(d.max)), name
        if d.is_floating or d.is_integer:
            assert r["bits"] == d.size * 8
    # bfloat16 keeps float32's 8 exponent bits (same range) and gives up mantissa bits (precision)
    assert rows["bfloat16"]["layout"] == "1 sign, 8 exponent, 7 mantissa bits"
    assert rows["bfloat16"]["max"] == pytest.approx(rows["float32"]["max"], rel=1e-2)
    assert rows["bfloat16"]["digits"] < rows["float16"]["digits"]
    assert (rows["qint8"]["min"], rows["quint8"]["max"]) == (-128, 255)


def test_numpy_and_tensorflow_agree_on_the_types_they_share():
    np_rows = {r["dtype"]: r for r in dtype_table("numpy")}
    for r in dtype_table("tensorflow"):
        if r["dtype"] in np_rows:
            other = np_rows[r["dtype"]]
            for key in ("bits", "min", "max", "digits", "eps"):
                assert r.get(key) == other.get(key), (r["dtype"], key)


def test_markdown_table_has_a_header_and_one_line_per_row():
    rows = dtype_table("numpy", ["int8", "float32"])
    lines = markdown_table(rows).splitlines()
    assert len(lines) == 4 and lines[0].startswith("| dtype") and "| int8 |" in lines[2]


def test_bad_table_requests_give_clear_errors():
    with pytest.raises(ValueError, match=r"library must be one of \['numpy', 'np', 'tensorflow', 'tf'\], got 'torch'"):
        dtype_table("torch")
    with pytest.raises(ValueError, match="name must be a TensorFlow dtype name such as 'float32', got 'float7'"):
        tf_dtype_info("float7")


# --- data-flow graphs -----------------------------------------------------------------------------------
def _seed_example(a, b):
    return tf.add(a, b, name="add") * 2.0


def test_graph_ops_lists_the_traced_data_flow_graph():
    spec = tf.TensorSpec([2], tf.float32)
    ops = graph_ops(_seed_example, spec, spec)
    types = [o["type"] for o in ops]
    assert types.count("Placeholder") == 2 and "AddV2" in types and "Mul" in types
    add = next(o for o in ops if o["type"] == "AddV2")
    mul = next(o for o in ops if o["type"] == "Mul")
    assert add["inputs"] == ["a:0", "b:0"], "the add node's edges come from the two inputs"
    assert add["outputs"][0] in mul["inputs"], "the multiply node consumes the add node's output"


def test_the_seed_tf1_session_example_runs_through_compat_v1():
    assert not hasattr(tf, "session") and not hasattr(tf, "Session"), "TF2 has no top-level Session"
    g = tf.Graph()
    with g.as_default():
        result = tf.add(tf.constant([1.0, 2.0]), tf.constant([2.0, 3.0]))
        with tf.compat.v1.Session(graph=g) as sess:
            assert np.array_equal(sess.run(result), [3.0, 5.0])
    assert np.array_equal(tf.function(_seed_example)(tf.constant([1.0, 2.0]), tf.constant([2.0, 3.0])), [6.0, 10.0])


# --- chapter 04's network, differentiated by GradientTape -------------------------------------------------
@pytest.mark.parametrize("activation, l2", [("relu", 0.0), ("sigmoid", 0.0), ("tanh", 0.01)])
def test_gradient_tape_reproduces_the_hand_derived_gradients(activation, l2):
    data = make_toy("moons", n=40, seed=1)
    net = MLP(2, [5, 4], 2, activation=activation, l2=l2, seed=3)
    grads = {k: g.copy() for k, g in net.gradient(data.x_train, data.y_train).items()}
    variables = {k: tf.Variable(v) for k, v in net.params.items()}
    with tf.GradientTape() as tape:
        loss = sequential_loss_tf(net, variables, data.x_train, data.y_train)
    tape_grads = tape.gradient(loss, variables)
    assert relative_error(float(loss), net.loss(data.x_train, data.y_train)) < 1e-12
    for key in grads:
        assert relative_error(grads[key], tape_grads[key].numpy()) < 1e-9, f"{key}: backprop and GradientTape disagree"


def test_sequential_loss_tf_rejects_layers_it_cannot_translate():
    from dlnotes.layers import Layer
    from dlnotes.network import Sequential

    class Odd(Layer):
        def forward(self, x, train=True):
            return x

        def backward(self, dout):
            return dout

    net = Sequential([Odd()])
    with pytest.raises(TypeError, match="no TensorFlow twin"):
        sequential_loss_tf(net, {}, np.zeros((1, 2)), np.zeros(1, int))


# --- losses -----------------------------------------------------------------------------------------------
def test_mse_in_tensorflow_equals_dlnotes_mse():
    rng = np.random.default_rng(0)
    y, t = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    ours = mse(y, t)  # 0.5 * sum / N
    tf_same = 0.5 * tf.reduce_sum(tf.square(y - t)) / y.shape[0]
    seed_version = tf.reduce_mean(tf.square(y - t))  # the seed's loss: mean over all N*K entries, no 1/2
    assert relative_error(ours, float(tf_same)) < 1e-12
    assert relative_error(ours, float(seed_version) * y.shape[1] / 2) < 1e-12
    assert relative_error(float(seed_version), float(keras.losses.MeanSquaredError(dtype="float64")(t, y))) < 1e-12


def test_cross_entropy_in_tensorflow_equals_dlnotes_cross_entropy():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(8, 4)) * 3
    labels = rng.integers(0, 4, size=8)
    onehot = np.eye(4)[labels]
    ours = cross_entropy_with_logits(logits, labels)
    tf_ce = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits))
    keras_ce = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")(onehot, logits)
    assert relative_error(ours, float(tf_ce)) < 1e-12
    assert relative_error(ours, float(keras_ce)) < 1e-12
    assert relative_error(cross_entropy(softmax(logits), labels), ours) < 1e-12
