"""Networks built from :mod:`dlnotes.layers`: ``Sequential`` and the builders ``MLP`` (多层感知机) and ``simple_cnn``;
the seed notes' 2-4-1 sigmoid network with its backward pass written out (chapter 04, checked in 07);
and a one-hidden-layer ReLU fit that shows universal approximation (chapter 02).

A :class:`Sequential` runs its layers forward, the loss layer on top, and backward in
reverse order (误差反向传播). Its ``params`` and ``grads`` are flat dicts
``"L{i}.{name}"`` -> ndarray holding the *same* array objects as the layers, so any
optimiser from :mod:`dlnotes.optimizers` (``update(params, grads)``) trains it. The
training loop is :mod:`dlnotes.training`.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from dlnotes import checks
from dlnotes.conv import output_size
from dlnotes.functions import sigmoid, softmax
from dlnotes.initializers import INITIALIZERS, initialize
from dlnotes.layers import (ACTIVATION_LAYERS, Affine, BatchNorm, Conv2D, Dropout, InputFeatures, Layer, MaxPool2D,
                            MSELoss, ReLU, SoftmaxWithLoss)

__all__ = ["LOSS_LAYERS", "MLP", "Sequential", "hidden_kinks", "one_hidden_layer_fit", "simple_cnn",
           "two_layer_forward", "two_layer_gradients"]

LOSS_LAYERS = {"softmax": SoftmaxWithLoss, "mse": MSELoss}
"""Loss name -> loss layer: softmax + cross-entropy (classification), squared error (regression)."""


class Sequential:
    """Layers applied in order, then ``loss_layer``; optional weight penalty l1 * sum|W| + 0.5 * l2 * sum(W**2).

    ``loss`` is the objective that ``gradient`` differentiates: the data loss plus the
    penalty. ``data_loss`` and ``evaluate`` leave the penalty out; training histories
    (:mod:`dlnotes.training`) record the data loss, so runs with different ``l2`` compare.

    L1 (L1 正则化) by plain (sub)gradient descent adds l1 * sign(W) to each weight's
    gradient: a weight near zero is pushed across it and back, so it hovers around zero but
    is almost never exactly zero. With ``l1_proximal=True`` the L1 term is left out of
    ``gradient`` and applied after each update by :meth:`proximal_step` (soft-thresholding,
    软阈值): a weight within lr * l1 of zero becomes exactly zero — sparse weights, as L1 is
    meant to give. With SGD that is proximal gradient descent (ISTA); with Momentum or Adam the
    shrink is still lr * l1 per step.
    """

    def __init__(self, layers: list, loss_layer=None, l2: float = 0.0, l1: float = 0.0, l1_proximal: bool = False):
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential: layers must be a list of Layer objects, got {checks.describe(layers)}")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential: layers[{i}] must be a Layer (dlnotes.layers), got {checks.describe(layer)}")
        if loss_layer is not None and not isinstance(loss_layer, Layer):
            raise TypeError(f"Sequential: loss_layer must be a loss Layer such as SoftmaxWithLoss() or None, "
                            f"got {checks.describe(loss_layer)}")
        self.layers: list[Layer] = list(layers)
        self.loss_layer = SoftmaxWithLoss() if loss_layer is None else loss_layer
        self.l2 = checks.number(l2, "l2", "Sequential", low=0.0)
        self.l1 = checks.number(l1, "l1", "Sequential", low=0.0)
        self.l1_proximal = checks.flag(l1_proximal, "l1_proximal", "Sequential")
        self.last_loss: float | None = None

    # -- parameters ---------------------------------------------------------------------
    @property
    def params(self) -> dict:
        """"L{i}.{name}" -> the layers' own parameter arrays (updating these updates the layers)."""
        return {f"L{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self) -> dict:
        """"L{i}.{name}" -> gradient arrays from the last :meth:`gradient` call (same keys as params)."""
        return {f"L{i}.{k}": layer.grads[k] for i, layer in enumerate(self.layers) for k in layer.params}

    def _weights(self):
        """The weight matrices the L1 / L2 penalty acts on: every parameter named 'W' (biases are free)."""
        return [layer.params["W"] for layer in self.layers if "W" in layer.params]

    # -- forward / backward ---------------------------------------------------------------
    def predict(self, x, train=False) -> np.ndarray:
        """Logits (N, K) for inputs x (N, ...); ``train=False`` puts dropout/batch norm in inference mode."""
        out = x
        for layer in self.layers:
            out = layer.forward(out, train=train)
        return out

    def probabilities(self, x) -> np.ndarray:
        """Softmax class probabilities (N, K) for inputs x (N, ...)."""
        return softmax(self.predict(x, train=False), axis=1)

    def penalty(self) -> float:
        """The weight penalty l1 * sum |W| + 0.5 * l2 * sum W**2 over every weight matrix (0 when both are 0)."""
        total = 0.0
        if self.l1:
            total += self.l1 * float(sum(np.sum(np.abs(W)) for W in self._weights()))
        if self.l2:
            total += 0.5 * self.l2 * float(sum(np.sum(W * W) for W in self._weights()))
        return total

    def proximal_step(self, step: float) -> None:
        """After an update, the L1 proximal step: every W <- sign(W) * max(|W| - step * l1, 0), in place.

        ``step`` is the learning rate. Weights within step * l1 of zero become exactly zero.
        Nothing happens unless ``l1 > 0`` and ``l1_proximal`` (the Trainer calls it after every update).
        """
        if not (self.l1 and self.l1_proximal):
            return
        shrink = float(step) * self.l1
        for W in self._weights():
            np.copysign(np.maximum(np.abs(W) - shrink, 0.0), W, out=W)

    def data_loss(self, x, t, train=True) -> float:
        """The loss layer's mean loss on x (N, ...) and targets t (labels (N,) or one-hot (N, K)), no L2 term."""
        return float(self.loss_layer.forward(self.predict(x, train=train), t))

    def loss(self, x, t, train=True) -> float:
        """The objective: :meth:`data_loss` plus the penalty (what :meth:`gradient` differentiates;
        with ``l1_proximal`` its L1 part is applied by :meth:`proximal_step` instead)."""
        return self.data_loss(x, t, train=train) + self.penalty()

    def gradient(self, x, t) -> dict:
        """Forward + backward on a batch; returns ``grads`` (dL/dparam, penalty included).

        The penalty adds l2 * W and, unless ``l1_proximal``, l1 * sign(W) (sign(0) = 0: the
        subgradient). ``last_loss`` keeps this batch's data loss (before the update, no penalty).
        """
        self.last_loss = self.data_loss(x, t, train=True)
        dout = self.loss_layer.backward(1.0)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        l1 = 0.0 if self.l1_proximal else self.l1
        if self.l2 or l1:
            for layer in self.layers:
                if "W" in layer.params:
                    W = layer.params["W"]
                    layer.grads["W"] = layer.grads["W"] + self.l2 * W + l1 * np.sign(W)
        return self.grads

    def targets(self, t, shape, where: str) -> np.ndarray:
        """Targets ``t`` for outputs of ``shape`` (N, K) as the loss layer takes them, checked: float (N, K)."""
        check = getattr(self.loss_layer, "targets", checks.targets)
        return check(t, shape, "t", where)

    # -- evaluation -------------------------------------------------------------------------
    def evaluate(self, x, t, batch_size=None) -> tuple[float, float]:
        """(data loss, accuracy) in inference mode, ``batch_size`` samples at a time (None: all at once).

        A regression network (an :class:`~dlnotes.layers.MSELoss` on top) has no accuracy: NaN.
        A CNN's im2col copies each image FH·FW times, so a whole test set at once can need
        gigabytes: pass e.g. ``batch_size=500``. Both numbers are NaN when a weight or an
        output is not finite (a diverged run), never a plausible-looking accuracy.
        """
        where = "Sequential.evaluate"
        x = checks.array(x, "x", where, nonempty=True)
        n = checks.same_length(where, x=x, t=checks.array(t, "t", where, dtype=None))
        step = n if batch_size is None else checks.integer(batch_size, "batch_size", where, minimum=1)
        logits = np.concatenate([self.predict(x[i:i + step], train=False) for i in range(0, n, step)])
        onehot = self.targets(t, logits.shape, where)
        if not (np.all(np.isfinite(logits)) and all(np.all(np.isfinite(p)) for p in self.params.values())):
            return float("nan"), float("nan")
        loss = float(self.loss_layer.forward(logits, onehot))
        if isinstance(self.loss_layer, MSELoss):
            return loss, float("nan")
        return loss, float(np.mean(np.argmax(logits, axis=1) == np.argmax(onehot, axis=1)))

    def accuracy(self, x, t, batch_size=None) -> float:
        """Fraction of samples whose arg-max logit is the label (t: labels (N,) or one-hot (N, K)); see :meth:`evaluate`.

        NaN when a weight or an output is not finite (argmax of NaN logits would say class 0).
        """
        return self.evaluate(x, t, batch_size)[1]

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        l1 = f", l1={self.l1}" + (", l1_proximal=True" if self.l1_proximal else "") if self.l1 else ""
        return f"Sequential([{inner}], l2={self.l2}{l1})"


def two_layer_forward(params: dict, x):
    """The seed notes' 2-H-1 sigmoid network, forward [04]: hidden outputs z1 (N, H) and outputs y (N, 1).

    ``params`` holds W1 (2, H), b1 (H,), W2 (H, 1), b2 (1,); ``x`` is (N, 2).
    """
    x = checks.array(x, "x", "two_layer_forward", ndim=2)
    missing = sorted({"W1", "b1", "W2", "b2"} - set(params))
    if missing:
        checks.fail("two_layer_forward", "params", "a dict with W1, b1, W2, b2", f"no {', '.join(missing)}", KeyError)
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    return z1, sigmoid(z1 @ params["W2"] + params["b2"])


def two_layer_gradients(params: dict, x, t):
    """Loss 0.5 * sum((y - t)**2) of :func:`two_layer_forward` and its gradients, backprop written out [04].

    ``t`` is (N, 1); returns ``(loss, grads)`` with ``grads`` keyed like ``params``.
    """
    z1, y = two_layer_forward(params, x)
    t = checks.array(t, "t", "two_layer_gradients", shape=y.shape, hint="targets (N, 1), one per sample")
    delta2 = (y - t) * y * (1 - y)                        # dL/da2 (N, 1)
    delta1 = (delta2 @ params["W2"].T) * z1 * (1 - z1)    # dL/da1 (N, H): W2 of the forward pass
    grads = {"W2": z1.T @ delta2, "b2": delta2.sum(axis=0), "W1": x.T @ delta1, "b1": delta1.sum(axis=0)}
    return 0.5 * float(np.sum((y - t) ** 2)), grads


def hidden_kinks(x, hidden: int) -> np.ndarray:
    """The kinks c_j (hidden,) of :func:`one_hidden_layer_fit`: spread evenly from min(x), below max(x)."""
    x = checks.array(x, "x", "hidden_kinks", ndim=1, finite=True)
    if x.size < 2:
        checks.fail("hidden_kinks", "x", "at least 2 points", f"shape {x.shape}")
    hidden = checks.integer(hidden, "hidden", "hidden_kinks", minimum=1)
    return np.linspace(x.min(), x.max(), hidden, endpoint=False)


def one_hidden_layer_fit(target, hidden: int, x):
    """Outputs (N,) on x (N,) of a 1-hidden-layer ReLU network fitted to ``target`` [02].

    Hidden unit j is relu(x - c_j) (weight 1, bias -c_j, kinks from :func:`hidden_kinks`); the
    output layer's weights and bias are the least-squares fit to ``target(x)``.
    """
    x = checks.array(x, "x", "one_hidden_layer_fit", ndim=1, finite=True)
    c = hidden_kinks(x, hidden)
    z = np.column_stack([np.maximum(0.0, x[:, None] - c), np.ones_like(x)])   # hidden outputs, plus 1 for the bias
    v, *_ = np.linalg.lstsq(z, target(x), rcond=None)                         # output weights by least squares
    return z @ v


# --- builders ------------------------------------------------------------------------------------
def _mlp_sizes(input_size, hidden_sizes, output_size) -> list:
    where = "MLP"
    if isinstance(hidden_sizes, (Integral, str)) or not isinstance(hidden_sizes, (list, tuple, np.ndarray)):
        raise TypeError(f"{where}: hidden_sizes must be a list of layer widths such as [5] or [64, 64] "
                        f"([] for no hidden layer), got {checks.describe(hidden_sizes)}")
    return ([checks.integer(input_size, "input_size", where, minimum=1)]
            + [checks.integer(s, f"hidden_sizes[{i}]", where, minimum=1) for i, s in enumerate(hidden_sizes)]
            + [checks.integer(output_size, "output_size", where, minimum=1)])


def MLP(
    input_size: int,
    hidden_sizes: list,
    output_size: int,
    activation: str = "relu",
    weight_init: str | None = None,
    l2: float = 0.0,
    batchnorm: bool = False,
    dropout: float = 0.0,
    seed: int = 0,
    *,
    l1: float = 0.0,
    l1_proximal: bool = False,
    features=None,
    loss: str = "softmax",
) -> Sequential:
    """A fully connected network input_size -> hidden_sizes... -> output_size (logits) with softmax loss.

    ``hidden_sizes`` is a list of widths, e.g. ``[64, 64]`` (``[]``: no hidden layer).
    ``activation``: "relu", "tanh", "sigmoid" or "identity" ("linear"). ``weight_init``: a key of
    :data:`dlnotes.initializers.INITIALIZERS`; None picks He (relu) or Glorot (others).
    ``batchnorm`` inserts BatchNorm after each hidden Affine; ``dropout`` > 0 inserts Dropout
    after each hidden activation. Biases start at zero; everything is seeded by ``seed``.
    ``l1``, ``l1_proximal``, ``l2``: the weight penalty (see :class:`Sequential`).
    ``features``: names of :data:`dlnotes.layers.INPUT_FEATURES` — an
    :class:`~dlnotes.layers.InputFeatures` layer first maps each point (input_size must be 2)
    to them. ``loss``: "softmax" (softmax + cross-entropy, classes) or "mse" (squared error,
    regression: the outputs are the predictions). ``net.sizes`` lists the widths the Affine
    layers see, from the first layer's input to the output.
    """
    if features is not None:
        features = InputFeatures(features)
        if checks.integer(input_size, "input_size", "MLP", minimum=1) != 2:
            raise ValueError(f"MLP: input_size must be 2 (points x1, x2) when features are given, got {input_size}")
        input_size = len(features.features)
    checks.choice(loss, "loss", LOSS_LAYERS, "MLP")
    sizes = _mlp_sizes(input_size, hidden_sizes, output_size)
    checks.choice(activation, "activation", ACTIVATION_LAYERS, "MLP")
    if weight_init is None:
        weight_init = "he_normal" if activation == "relu" else "glorot_normal"
    checks.choice(weight_init, "weight_init", INITIALIZERS, "MLP")
    batchnorm = checks.flag(batchnorm, "batchnorm", "MLP")
    dropout = checks.number(dropout, "dropout", "MLP", low=0.0, high=1.0, high_open=True)
    seed = checks.integer(seed, "seed", "MLP", minimum=0)
    rng = np.random.default_rng(seed)
    layers: list = [] if features is None else [features]
    n_hidden = len(sizes) - 2
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Affine(initialize(weight_init, (fan_in, fan_out), rng), np.zeros(fan_out)))
        if i < n_hidden:
            if batchnorm:
                layers.append(BatchNorm(fan_out))
            layers.append(ACTIVATION_LAYERS[activation]())
            if dropout > 0:
                layers.append(Dropout(dropout, seed=seed + 1 + i))
    net = Sequential(layers, LOSS_LAYERS[loss](), l2=l2, l1=l1, l1_proximal=l1_proximal)
    net.sizes = sizes
    net.activation = activation
    return net


def simple_cnn(input_shape=(1, 28, 28), filters=16, kernel=5, hidden=100, classes=10, seed=0) -> Sequential:
    """conv(filters, kernel×kernel) - ReLU - maxpool 2×2 - affine(hidden) - ReLU - affine(classes) - softmax.

    ``input_shape`` is (C, H, W). Weights use He initialisation, seeded; returns a
    :class:`Sequential` (its loss layer is softmax-with-cross-entropy).
    """
    where = "simple_cnn"
    C, H, W = checks.shape_tuple(input_shape, "input_shape", where, length=3)
    filters = checks.integer(filters, "filters", where, minimum=1)
    kernel = checks.integer(kernel, "kernel", where, minimum=1)
    hidden = checks.integer(hidden, "hidden", where, minimum=1)
    classes = checks.integer(classes, "classes", where, minimum=1)
    rng = np.random.default_rng(checks.integer(seed, "seed", where, minimum=0))
    OH, OW = output_size(H, kernel, 0, 1), output_size(W, kernel, 0, 1)
    PH, PW = output_size(OH, 2, 0, 2, strict=False), output_size(OW, 2, 0, 2, strict=False)
    flat = filters * PH * PW
    layers = [
        Conv2D(initialize("he_normal", (filters, C, kernel, kernel), rng), np.zeros(filters)),
        ReLU(),
        MaxPool2D(2, 2, 2, strict=False),
        Affine(initialize("he_normal", (flat, hidden), rng), np.zeros(hidden)),
        ReLU(),
        Affine(initialize("he_normal", (hidden, classes), rng), np.zeros(classes)),
    ]
    return Sequential(layers)
