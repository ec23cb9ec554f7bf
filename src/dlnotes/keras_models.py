"""The seed-004 Keras models (Keras 3) and the MNIST data preparation they share.

Models (all end in a 10-way softmax, 输出层):

==================  ==========================================================  ===========
builder             layers                                                      parameters
==================  ==========================================================  ===========
``softmax_model``   Input(784) → Dense(10, softmax)                             7,850
``mlp``             Input(784) → Dense(128, relu) → [Dropout] → Dense(128,      118,282
                    relu) → [Dropout] → Dense(10, softmax)
``cnn``             Input(28,28,1) → Conv2D(32,3×3,relu) → MaxPool(2) →         34,826
                    Conv2D(64,3×3,relu) → MaxPool(2) → Flatten → Dropout(0.5)
                    → Dense(10, softmax)   (keras-io ``mnist_convnet``)
``rnn``             Input(28,28,1) → Reshape(28, 28): 28 rows as 28 time       LSTM(128):
                    steps of 28 pixels → SimpleRNN / LSTM / GRU(units) →       81,674
                    Dense(10, softmax)   (chapter 11)
==================  ==========================================================  ===========

A Dense layer from ``n_in`` to ``n_out`` units has ``n_in * n_out`` weights plus
``n_out`` biases; a Conv2D layer with ``k×k`` kernels from ``c_in`` to ``c_out``
channels has ``k*k*c_in*c_out + c_out``. A recurrent layer with ``H`` units on ``D``
inputs per step has ``g * (D*H + H*H + H)`` for ``g`` = 1 (SimpleRNN), 4 (LSTM) or 3 (GRU,
plus ``3*H`` for its second bias) — independent of the number of steps. Dropout, pooling,
Flatten, Reshape and activations have no parameters. :func:`dense_params`,
:func:`mlp_params`, :func:`cnn_params` and :func:`rnn_params` compute these counts so tests
and notebooks can check ``model.count_params()``.

:func:`prepare` turns the uint8 images of :mod:`dlnotes.data` into normalised float32
arrays with a seeded train / validation split; :func:`train` fits a :class:`RunConfig`
and returns the model with a JSON-friendly result (history, test metrics, timings).
The Keras optimisers a run may use are :data:`KERAS_OPTIMIZERS` (built by
:func:`make_keras_optimizer`); the numpy ones are :mod:`dlnotes.optimizers`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass

import numpy as np

from dlnotes import checks
from dlnotes.functions import one_hot

__all__ = [
    "CNN_RECIPE",
    "KERAS_OPTIMIZERS",
    "MLP_RECIPE",
    "LSTM_RECIPE",
    "BN_MOMENTUM",
    "FAST_CNN_RECIPE",
    "FAST_CNN_VARIANTS",
    "MODELS",
    "RNN_CELLS",
    "Prepared",
    "RunConfig",
    "SEED_TABLE",
    "SEED_VARIATIONS",
    "SIMPLE_RNN_RECIPE",
    "cnn",
    "cnn_params",
    "compile_model",
    "dense_params",
    "fast_cnn",
    "layer_table",
    "make_keras_optimizer",
    "mlp",
    "mlp_functional",
    "mlp_params",
    "normalize",
    "prepare",
    "rnn",
    "rnn_params",
    "softmax_model",
    "to_one_hot",
    "train",
]

RNN_CELLS = {"simple_rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
"""Recurrent model names a :class:`RunConfig` may ask for -> the Keras layer they use."""
FAST_CNN_VARIANTS = {
    "fast_cnn": {},
    "fast_cnn_no_bn": {"batchnorm": False},
    "fast_cnn_bn_after_relu": {"bn_after_relu": True},
    "fast_cnn_augment": {"augment": 0.1},
    "fast_cnn_residual": {"residual": True},
}
"""Chapter 09's fast CNN (:func:`fast_cnn`) and the variants its measurements compare: name -> arguments."""
BN_MOMENTUM = 0.9
"""Batch normalisation's moving-average momentum in :func:`fast_cnn` (Keras' default is 0.99). The moving
mean and variance are what the network uses at test time; with 0.99 they lag about 100 steps behind
the batch statistics, and a short run (smoke mode: 2,048 images) is then right in training and near
chance at test time. 0.9 (PyTorch's default) follows within about 10 steps."""
MODELS = ("softmax", "mlp", "cnn", *FAST_CNN_VARIANTS, *RNN_CELLS)
"""Model names a :class:`RunConfig` may ask for (``hidden`` is the recurrent layer's units for an RNN, the
dense layer's for the fast CNN)."""
KERAS_OPTIMIZERS = {"adam": "Adam", "rmsprop": "RMSprop", "sgd": "SGD"}
"""Keras optimiser name a :class:`RunConfig` may ask for -> its ``keras.optimizers`` class (Keras' defaults
apart from the learning rate). The numpy optimisers are :data:`dlnotes.optimizers.OPTIMIZERS`."""
SCHEDULES = ("constant", "cosine")
"""Learning-rate schedules: constant, or cosine decay from ``lr`` to 0 over all steps."""


# --- parameter counts ------------------------------------------------------------------------
def dense_params(n_in: int, n_out: int) -> int:
    """Parameters of a Dense layer: n_in*n_out weights + n_out biases."""
    n_in = checks.integer(n_in, "n_in", "dense_params", minimum=1)
    n_out = checks.integer(n_out, "n_out", "dense_params", minimum=1)
    return n_in * n_out + n_out


def mlp_params(hidden: int = 128, input_dim: int = 784, classes: int = 10, layers: int = 2) -> int:
    """Parameters of an MLP input_dim → hidden (×layers) → classes; 118,282 for 784-128-128-10."""
    hidden = checks.integer(hidden, "hidden", "mlp_params", minimum=1)
    layers = checks.integer(layers, "layers", "mlp_params", minimum=0)
    sizes = [input_dim] + [hidden] * layers + [classes]
    return sum(dense_params(a, b) for a, b in zip(sizes[:-1], sizes[1:]))


def cnn_params(filters=(32, 64), kernel: int = 3, image: int = 28, channels: int = 1, classes: int = 10) -> int:
    """Parameters of the compact CNN (conv–pool–conv–pool–dense); 34,826 for MNIST."""
    where = "cnn_params"
    filters = checks.shape_tuple(filters, "filters", where)
    kernel = checks.integer(kernel, "kernel", where, minimum=1)
    total = 0
    c_in = checks.integer(channels, "channels", where, minimum=1)
    side = checks.integer(image, "image", where, minimum=1)
    for c_out in filters:
        if side < kernel + 1:
            raise ValueError(f"{where}: image must be large enough for {len(filters)} conv + 2×2 pool stages with "
                             f"kernel {kernel}, got image={image} (a {side}×{side} feature map cannot take another stage)")
        total += kernel * kernel * c_in * c_out + c_out
        side = (side - kernel + 1) // 2  # 'valid' convolution, then 2×2 max pooling
        c_in = c_out
    return total + dense_params(side * side * c_in, classes)


def rnn_params(cell: str = "lstm", units: int = 128, input_dim: int = 28, classes: int = 10) -> int:
    """Parameters of :func:`rnn`: the recurrent layer (any number of steps) + Dense(classes); 81,674 for LSTM(128)."""
    checks.choice(cell, "cell", RNN_CELLS, "rnn_params")
    gates = {"simple_rnn": 1, "lstm": 4, "gru": 3}[cell]
    recurrent = gates * (input_dim * units + units * units + units) + (gates * units if cell == "gru" else 0)
    return recurrent + dense_params(units, classes)


# --- data ----------------------------------------------------------------------------------------
def normalize(images, *, flatten: bool = True) -> np.ndarray:
    """uint8 images (N, 28, 28) → float32 in [0, 1]: (N, 784) if ``flatten`` else (N, 28, 28, 1)."""
    images = checks.array(images, "images", "normalize", ndim=3, dtype=None, hint="images are (N, height, width)")
    if images.dtype.kind not in "iu" or (images.size and (images.min() < 0 or images.max() > 255)):
        raise TypeError(f"normalize: images must be integer pixel values 0..255 (uint8, as load_mnist returns), got "
                        f"{checks.describe(images)}; images already scaled to [0, 1] need no normalize")
    flatten = checks.flag(flatten, "flatten", "normalize")
    x = images.astype(np.float32) / 255.0
    return x.reshape(len(x), images.shape[1] * images.shape[2]) if flatten else x[..., None]


def to_one_hot(labels, classes: int = 10) -> np.ndarray:
    """Integer labels (N,) → one-hot float32 (N, classes) (独热编码), as ``keras.utils.to_categorical``."""
    return one_hot(labels, classes).astype(np.float32)


@dataclass
class Prepared:
    """Normalised arrays ready for Keras: x_* float32, y_* integer labels (N,) or one-hot (N, 10)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str = "mnist"
    seed: int = 0

    @property
    def sizes(self) -> dict:
        """Numbers of train / validation / test samples."""
        return {"train": len(self.x_train), "val": len(self.x_val), "test": len(self.x_test)}

    def describe(self) -> dict:
        """Everything that identifies this data for the run cache: name, sizes, input shape, seed."""
        return {
            "name": self.name,
            **self.sizes,
            "input_shape": list(self.x_train.shape[1:]),
            "one_hot": bool(self.y_train.ndim == 2),
            "split_seed": int(self.seed),
        }


def prepare(train, test, *, n_train=None, n_val=5000, n_test=None, flatten=True, one_hot=False,
            seed=0, name="mnist") -> Prepared:
    """Split ``(x, y)`` train/test pairs into normalised train / validation / test sets (seeded).

    ``n_val`` images are set aside from the (shuffled) training images for validation;
    ``n_train`` (default: all the rest) and ``n_test`` (default: all) take subsets.
    """
    where = "prepare"
    for which, pair in (("train", train), ("test", test)):  # not `name`: that is the data set's name
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise TypeError(f"{where}: {which} must be an (images, labels) pair as load_mnist returns, "
                            f"got {checks.describe(pair)}")
    (x_tr, y_tr), (x_te, y_te) = train, test
    checks.same_length(where, train_images=x_tr, train_labels=y_tr)
    checks.same_length(where, test_images=x_te, test_labels=y_te)
    n_val = checks.integer(n_val, "n_val", where, minimum=0, maximum=len(x_tr) - 1)
    rest = len(x_tr) - n_val
    n_train = rest if n_train is None else checks.integer(n_train, "n_train (left after validation)", where,
                                                          minimum=1, maximum=rest)
    n_test = len(x_te) if n_test is None else checks.integer(n_test, "n_test", where, minimum=1, maximum=len(x_te))
    order = np.random.default_rng(seed).permutation(len(x_tr))
    val_idx, tr_idx = order[:n_val], order[n_val:n_val + n_train]

    def labels(y):
        y = checks.labels(y, "labels", where, k=10 if one_hot else None)
        return to_one_hot(y) if one_hot else y

    return Prepared(
        normalize(x_tr[tr_idx], flatten=flatten), labels(y_tr[tr_idx]),
        normalize(x_tr[val_idx], flatten=flatten), labels(y_tr[val_idx]),
        normalize(x_te[:n_test], flatten=flatten), labels(y_te[:n_test]),
        name=name, seed=seed,
    )


# --- models ----------------------------------------------------------------------------------------
def _keras():
    import keras

    return keras


def softmax_model(input_dim: int = 784, classes: int = 10):
    """The seed's 1-layer model: Input(784) → Dense(10, softmax); 7,850 parameters."""
    keras = _keras()
    return keras.Sequential(
        [keras.Input((input_dim,)), keras.layers.Dense(classes, activation="softmax", name="softmax")],
        name="softmax_regression",
    )


def _check_rates(dropout, l2):
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1): a rate of 1 would drop every unit; got {dropout}")
    if float(l2) < 0:
        raise ValueError(f"the L2 factor must be >= 0, got {l2}")


def mlp(hidden: int = 128, dropout: float = 0.0, l2: float = 0.0, input_dim: int = 784, classes: int = 10):
    """784 → hidden → hidden → 10 ReLU MLP, Dropout after each hidden layer when dropout > 0, L2 on kernels."""
    keras = _keras()
    _check_rates(dropout, l2)
    if int(hidden) < 1:
        raise ValueError(f"hidden must be a positive number of units, got {hidden}")
    reg = keras.regularizers.L2(float(l2)) if l2 else None
    layers = [keras.Input((input_dim,))]
    for i in (1, 2):
        layers.append(keras.layers.Dense(int(hidden), activation="relu", kernel_regularizer=reg, name=f"hidden{i}"))
        if dropout:
            layers.append(keras.layers.Dropout(float(dropout), name=f"dropout{i}"))
    layers.append(keras.layers.Dense(classes, activation="softmax", kernel_regularizer=reg, name="output"))
    return keras.Sequential(layers, name="mlp")


def mlp_functional(hidden: int = 128, dropout: float = 0.0, l2: float = 0.0, input_dim: int = 784, classes: int = 10):
    """The same MLP as :func:`mlp`, written with the functional API (inputs → outputs)."""
    keras = _keras()
    _check_rates(dropout, l2)
    reg = keras.regularizers.L2(float(l2)) if l2 else None
    inputs = keras.Input((input_dim,))
    h = inputs
    for i in (1, 2):
        h = keras.layers.Dense(int(hidden), activation="relu", kernel_regularizer=reg, name=f"hidden{i}")(h)
        if dropout:
            h = keras.layers.Dropout(float(dropout), name=f"dropout{i}")(h)
    outputs = keras.layers.Dense(classes, activation="softmax", kernel_regularizer=reg, name="output")(h)
    return keras.Model(inputs, outputs, name="mlp_functional")


def cnn(input_shape=(28, 28, 1), classes: int = 10, dropout: float = 0.5):
    """Conv(32)–Pool–Conv(64)–Pool–Flatten–Dropout–Dense(10), as keras-io mnist_convnet; 34,826 parameters."""
    keras = _keras()
    _check_rates(dropout, 0.0)
    L = keras.layers
    return keras.Sequential(
        [
            keras.Input(tuple(input_shape)),
            L.Conv2D(32, 3, activation="relu", name="conv1"),
            L.MaxPooling2D(2, name="pool1"),
            L.Conv2D(64, 3, activation="relu", name="conv2"),
            L.MaxPooling2D(2, name="pool2"),
            L.Flatten(name="flatten"),
            L.Dropout(float(dropout), name="dropout"),
            L.Dense(classes, activation="softmax", name="output"),
        ],
        name="cnn",
    )


def fast_cnn(input_shape=(28, 28, 1), classes: int = 10, *, hidden: int = 128, dropout: float = 0.25,
             batchnorm: bool = True, bn_after_relu: bool = False, residual: bool = False, augment: float = 0.0):
    """Chapter 09's fast CNN: Conv(16, 5×5)–BN–ReLU–Pool–Conv(32, 5×5)–BN–ReLU–Pool–Dense(hidden)–BN–ReLU–Dropout–Dense.

    Batch normalisation (批量规范化) sits between each linear layer and its ReLU, where Ioffe and
    Szegedy put it; those layers have no bias, because BN's shift β does its job. Variants for
    the chapter's comparisons: ``batchnorm=False`` (biases back, no BN); ``bn_after_relu=True``
    (linear → ReLU → BN, the order seed note 001 calls mainstream; the biases come back, since
    BN no longer follows the linear part directly); ``residual=True`` adds
    one residual block (残差块) after the second convolution — two 3×3 convolutions with 32
    filters whose output is added to the block's input, y = ReLU(x + F(x)); ``augment`` > 0
    shifts each training image at random by up to that share of its size (data augmentation,
    数据增广; a Keras preprocessing layer that does nothing at test time).
    """
    keras = _keras()
    _check_rates(dropout, 0.0)
    hidden = checks.integer(hidden, "hidden", "fast_cnn", minimum=1)
    augment = checks.number(augment, "augment", "fast_cnn", low=0.0, high=0.5)
    L = keras.layers

    def linear_bn_relu(h, layer, name):
        h = layer(h)
        if bn_after_relu:
            return L.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn")(L.ReLU(name=f"{name}_relu")(h))
        if batchnorm:
            h = L.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn")(h)
        return L.ReLU(name=f"{name}_relu")(h)

    bias = not batchnorm or bn_after_relu  # BN straight after a linear layer makes its bias redundant

    inputs = keras.Input(tuple(input_shape))
    h = L.RandomTranslation(augment, augment, fill_mode="constant", name="shift")(inputs) if augment else inputs
    h = linear_bn_relu(h, L.Conv2D(16, 5, use_bias=bias, name="conv1"), "conv1")
    h = L.MaxPooling2D(2, name="pool1")(h)
    h = linear_bn_relu(h, L.Conv2D(32, 5, use_bias=bias, name="conv2"), "conv2")
    if residual:
        x = h
        f = linear_bn_relu(h, L.Conv2D(32, 3, padding="same", use_bias=bias, name="res_conv1"), "res_conv1")
        f = L.Conv2D(32, 3, padding="same", use_bias=bias, name="res_conv2")(f)
        if batchnorm:
            f = L.BatchNormalization(momentum=BN_MOMENTUM, name="res_conv2_bn")(f)
        h = L.ReLU(name="res_relu")(L.Add(name="skip")([x, f]))  # y = ReLU(x + F(x))
    h = L.MaxPooling2D(2, name="pool2")(h)
    h = L.Flatten(name="flatten")(h)
    h = linear_bn_relu(h, L.Dense(hidden, use_bias=bias, name="dense"), "dense")
    h = L.Dropout(float(dropout), name="dropout")(h)
    outputs = L.Dense(classes, activation="softmax", name="output")(h)
    return keras.Model(inputs, outputs, name="fast_cnn")


def rnn(cell: str = "lstm", units: int = 128, input_shape=(28, 28, 1), classes: int = 10):
    """Read an image row by row: Reshape to (rows, row pixels), a recurrent layer over the rows, Dense(10, softmax)."""
    keras = _keras()
    checks.choice(cell, "cell", RNN_CELLS, "rnn")
    units = checks.integer(units, "units", "rnn", minimum=1)
    rows, width = int(input_shape[0]), int(np.prod(input_shape[1:]))
    recurrent = getattr(keras.layers, RNN_CELLS[cell])
    return keras.Sequential(
        [
            keras.Input(tuple(input_shape)),
            keras.layers.Reshape((rows, width), name="rows"),  # each image row is one time step
            recurrent(units, name=cell),                  # returns the last hidden state h_T
            keras.layers.Dense(classes, activation="softmax", name="output"),
        ],
        name=f"{cell}_rows",
    )


def layer_table(model) -> list[tuple[str, str, tuple, int]]:
    """(name, layer class, output shape without the batch axis, parameters) for each layer."""
    rows = []
    for layer in model.layers:
        shape = tuple(layer.output.shape[1:])
        rows.append((layer.name, type(layer).__name__, shape, int(layer.count_params())))
    return rows


# --- training ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunConfig:
    """Every setting of one training run; two equal configs on the same data give the same run."""

    model: str = "mlp"
    hidden: int = 128
    dropout: float = 0.0
    l2: float = 0.0
    optimizer: str = "adam"
    lr: float = 1e-3
    batch_size: int = 128
    epochs: int = 5
    schedule: str = "constant"
    clipnorm: float | None = None
    """Gradient clipping (梯度裁剪): rescale each gradient whose norm exceeds this; None = off."""

    def __post_init__(self):
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose one of {MODELS}")
        if self.optimizer not in KERAS_OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; choose one of {list(KERAS_OPTIMIZERS)}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}; choose one of {SCHEDULES}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"the learning rate must be a positive number, got {self.lr}")
        if int(self.batch_size) < 1 or int(self.epochs) < 1 or int(self.hidden) < 1:
            raise ValueError("batch_size, epochs and hidden must be positive integers")
        _check_rates(self.dropout, self.l2)
        if self.clipnorm is not None:
            if not (math.isfinite(self.clipnorm) and self.clipnorm > 0):
                raise ValueError(f"clipnorm must be a positive number or None, got {self.clipnorm}")
            object.__setattr__(self, "clipnorm", float(self.clipnorm))
        # Normalise types so that equal settings give equal cache keys (128 vs 128.0).
        for f, kind in (("hidden", int), ("batch_size", int), ("epochs", int),
                        ("dropout", float), ("l2", float), ("lr", float)):
            object.__setattr__(self, f, kind(getattr(self, f)))
        object.__setattr__(self, "dropout", round(self.dropout, 6))
        object.__setattr__(self, "lr", float(f"{self.lr:.6g}"))

    def as_dict(self) -> dict:
        """The settings as a plain dict (JSON-friendly); clipnorm only when set, so older cache keys still match."""
        settings = dataclasses.asdict(self)
        if settings["clipnorm"] is None:
            del settings["clipnorm"]
        return settings

    def replace(self, **changes) -> "RunConfig":
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def label(self) -> str:
        """A short human-readable description, e.g. 'mlp h128 drop0.3 adam lr1e-3 bs128 20ep'."""
        parts = [self.model]
        if self.model == "mlp" or self.model in RNN_CELLS or self.model in FAST_CNN_VARIANTS:
            parts.append(f"h{self.hidden}")
        if self.dropout:
            parts.append(f"drop{self.dropout:g}")
        if self.l2:
            parts.append(f"l2={self.l2:g}")
        parts += [self.optimizer, f"lr{self.lr:.2g}", f"bs{self.batch_size}", f"{self.epochs}ep"]
        if self.schedule != "constant":
            parts.append(self.schedule)
        if self.clipnorm is not None:
            parts.append(f"clip{self.clipnorm:g}")
        return " ".join(parts)


SEED_TABLE = [
    ("1-layer softmax", RunConfig(model="softmax", optimizer="sgd", lr=0.01, batch_size=128, epochs=200), 0.9227),
    ("784-128-128-10 ReLU", RunConfig(model="mlp", optimizer="sgd", lr=0.01, batch_size=128, epochs=20), 0.9468),
    ("same + dropout 0.3", RunConfig(model="mlp", dropout=0.3, optimizer="sgd", lr=0.01, batch_size=128, epochs=20), 0.9424),
    ("same + dropout, RMSprop", RunConfig(model="mlp", dropout=0.3, optimizer="rmsprop", lr=0.001, batch_size=128, epochs=20), 0.9777),
    ("same + dropout, Adam", RunConfig(model="mlp", dropout=0.3, optimizer="adam", lr=0.001, batch_size=128, epochs=20), 0.9805),
]
"""Seed 004's five configurations: (name, config, the seed's reported test accuracy)."""
SEED_VARIATIONS = {"hidden": [32, 128, 512], "lr": [1e-4, 1e-3, 1e-2], "batch_size": [32, 128, 512]}
"""Chapter 08's one-at-a-time table: each value changed alone in the seed's dropout MLP with Adam."""


MLP_RECIPE = RunConfig(model="mlp", hidden=128, dropout=0.1, optimizer="adam", lr=3e-3, batch_size=256,
                       epochs=10, schedule="cosine")
"""The fast full-MNIST recipe for the seed's 784-128-128-10 MLP (≥ 98 % test accuracy; see benchmarks/)."""
CNN_RECIPE = RunConfig(model="cnn", dropout=0.5, optimizer="adam", lr=2e-3, batch_size=128, epochs=15,
                       schedule="cosine")
"""The full-MNIST recipe for keras-io's compact CNN (≥ 99.2 % test accuracy in about 200 s; see benchmarks/)."""
FAST_CNN_RECIPE = RunConfig(model="fast_cnn", hidden=128, dropout=0.25, optimizer="adam", lr=3e-3, batch_size=128,
                            epochs=4, schedule="cosine")
"""Chapter 09's fast CNN (:func:`fast_cnn`, batch normalisation): ≥ 99.2 % on MNIST in under a minute of
training on a 2-core laptop-class CPU (see benchmarks/results/keras.md)."""
LSTM_RECIPE = RunConfig(model="lstm", hidden=128, optimizer="adam", lr=2e-3, batch_size=128, epochs=3,
                        schedule="cosine", clipnorm=1.0)
"""Chapter 11: an LSTM(128) reading MNIST row by row, 3 epochs (≥ 97 % test accuracy; see benchmarks/bench_rnn.py)."""
SIMPLE_RNN_RECIPE = LSTM_RECIPE.replace(model="simple_rnn")
"""Chapter 11: the same recipe with a SimpleRNN(128)."""


def make_keras_optimizer(name: str, lr: float, *, decay_steps: int | None = None, clipnorm: float | None = None):
    """The Keras optimiser called ``name`` (a key of :data:`KERAS_OPTIMIZERS`) with learning rate ``lr``.

    With ``decay_steps`` the rate follows a cosine from ``lr`` to 0 over that many steps; with
    ``clipnorm`` every gradient whose norm exceeds it is scaled down to it (gradient clipping).
    """
    where = "make_keras_optimizer"
    checks.choice(name, "name", KERAS_OPTIMIZERS, where)
    lr = checks.number(lr, "lr (the learning rate)", where, low=0.0, low_open=True)
    if decay_steps is not None:
        decay_steps = checks.integer(decay_steps, "decay_steps", where, minimum=1)
    if clipnorm is not None:
        clipnorm = checks.number(clipnorm, "clipnorm", where, low=0.0, low_open=True)
    keras = _keras()
    rate = keras.optimizers.schedules.CosineDecay(lr, decay_steps) if decay_steps else lr
    return getattr(keras.optimizers, KERAS_OPTIMIZERS[name])(learning_rate=rate, clipnorm=clipnorm)


def build(config: RunConfig, input_shape):
    """The model a :class:`RunConfig` names, for inputs of ``input_shape`` (without the batch axis)."""
    if config.model == "softmax":
        return softmax_model(int(np.prod(input_shape)))
    if config.model == "mlp":
        return mlp(config.hidden, config.dropout, config.l2, input_dim=int(np.prod(input_shape)))
    if config.model in RNN_CELLS:
        return rnn(config.model, config.hidden, tuple(input_shape))
    if config.model in FAST_CNN_VARIANTS:
        return fast_cnn(tuple(input_shape), hidden=config.hidden, dropout=config.dropout,
                        **FAST_CNN_VARIANTS[config.model])
    return cnn(tuple(input_shape), dropout=config.dropout)


def compile_model(model, optimizer="adam", *, one_hot=False, **kw):
    """Compile with cross-entropy (categorical for one-hot labels, sparse for integers) and accuracy."""
    loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"], **kw)
    return model


def _timer_callback():
    keras = _keras()

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t0)

    return EpochTimer()


def train(config: RunConfig, data: Prepared, *, seed: int = 0, callbacks=(), verbose=0, validate=True):
    """Fit ``config`` on ``data`` after seeding Python, NumPy and TensorFlow with ``seed``; returns ``(model, result)``.

    ``result`` is a JSON-friendly dict: ``history`` (per-epoch lists ``loss``,
    ``accuracy`` and, with ``validate``, ``val_loss``, ``val_accuracy``),
    ``test_loss``, ``test_accuracy``, ``epoch_seconds`` (list), ``train_seconds``,
    ``params``.
    """
    keras = _keras()
    if not isinstance(config, RunConfig):
        raise TypeError(f"train: config must be a RunConfig, got {checks.describe(config)}")
    if not isinstance(data, Prepared):
        raise TypeError(f"train: data must be a Prepared (from prepare(...)), got {checks.describe(data)}")
    keras.utils.set_random_seed(int(seed))
    model = build(config, data.x_train.shape[1:])
    steps = math.ceil(len(data.x_train) / config.batch_size) * config.epochs
    opt = make_keras_optimizer(config.optimizer, config.lr, decay_steps=steps if config.schedule == "cosine" else None,
                               clipnorm=config.clipnorm)
    compile_model(model, opt, one_hot=data.y_train.ndim == 2)
    timer = _timer_callback()
    val = (data.x_val, data.y_val) if validate and len(data.x_val) else None
    t0 = time.perf_counter()
    hist = model.fit(
        data.x_train, data.y_train, batch_size=config.batch_size, epochs=config.epochs,
        validation_data=val, verbose=verbose, callbacks=[timer, *callbacks], shuffle=True,
    )
    train_seconds = time.perf_counter() - t0
    test_loss, test_acc = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
    history = {k: [float(v) for v in vs] for k, vs in hist.history.items()}
    result = {
        "history": history,
        "test_loss": float(test_loss),
        "test_accuracy": float(test_acc),
        "epoch_seconds": [float(s) for s in timer.seconds],
        "train_seconds": float(train_seconds),
        "params": int(model.count_params()),
    }
    return model, result
