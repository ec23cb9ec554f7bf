"""Networks built from :mod:`dlnotes.layers`: ``Sequential``, the numpy ``MLP`` (多层感知机) and ``train``;
the seed notes' 2-4-1 sigmoid network with its backward pass written out (chapter 04, checked in 07);
and a one-hidden-layer ReLU fit that shows universal approximation (chapter 02).

A :class:`Sequential` runs its layers forward, the loss layer on top, and backward in
reverse order (误差反向传播). Its ``params`` and ``grads`` are flat dicts
``"L{i}.{name}"`` -> ndarray holding the *same* array objects as the layers, so any
optimiser from :mod:`dlnotes.optimizers` (``update(params, grads)``) trains it.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from dlnotes.functions import sigmoid
from dlnotes.initializers import INITIALIZERS, initialize
from dlnotes.layers import ACTIVATION_LAYERS, Affine, Layer, SoftmaxWithLoss

__all__ = ["MLP", "Sequential", "as_arrays", "train", "train_step", "hidden_kinks", "one_hidden_layer_fit", "two_layer_forward", "two_layer_gradients"]


class Sequential:
    """Layers applied in order, then ``loss_layer``; optional L2 penalty 0.5 * l2 * sum(W**2)."""

    def __init__(self, layers: list, loss_layer=None, l2: float = 0.0):
        layers = list(layers)
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward") and hasattr(layer, "params")):
                raise TypeError(f"layer {i} ({type(layer).__name__}) is not a Layer with forward/backward/params")
        l2 = float(l2)
        if not np.isfinite(l2) or l2 < 0:
            raise ValueError(f"l2 must be a non-negative number, got {l2}")
        self.layers: list[Layer] = layers
        self.loss_layer = SoftmaxWithLoss() if loss_layer is None else loss_layer
        self.l2 = l2
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
        """The weight matrices the L2 penalty acts on: every parameter named 'W'."""
        return [layer.params["W"] for layer in self.layers if "W" in layer.params]

    # -- forward / backward ---------------------------------------------------------------
    def predict(self, x, train=False) -> np.ndarray:
        """Logits (N, K) for inputs x (N, ...); ``train=False`` puts dropout/batch norm in inference mode."""
        out = np.asarray(x, dtype=np.float64)
        for layer in self.layers:
            out = layer.forward(out, train=train)
        return out

    def probabilities(self, x) -> np.ndarray:
        """Softmax class probabilities (N, K) for inputs x (N, ...)."""
        from dlnotes.functions import softmax

        return softmax(self.predict(x, train=False), axis=1)

    def penalty(self) -> float:
        """The L2 term 0.5 * l2 * sum over weights of W**2 (0 when l2 == 0)."""
        if self.l2 == 0.0:
            return 0.0
        return 0.5 * self.l2 * float(sum(np.sum(W * W) for W in self._weights()))

    def loss(self, x, t, train=True) -> float:
        """Data loss of the loss layer on x (N, ...) and targets t (labels (N,) or one-hot (N, K)), plus L2."""
        logits = self.predict(x, train=train)
        data_loss = self.loss_layer.forward(logits, t)
        return float(data_loss) + self.penalty()

    def gradient(self, x, t) -> dict:
        """Forward + backward on a batch; returns ``grads`` (dL/dparam, L2 term included)."""
        self.last_loss = self.loss(x, t, train=True)
        dout = self.loss_layer.backward(1.0)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        if self.l2:
            for layer in self.layers:
                if "W" in layer.params:
                    layer.grads["W"] = layer.grads["W"] + self.l2 * layer.params["W"]
        return self.grads

    def accuracy(self, x, t) -> float:
        """Fraction of samples whose arg-max logit equals the label; t is labels (N,) or one-hot (N, K)."""
        pred = np.argmax(self.predict(x, train=False), axis=1)
        t = np.asarray(t)
        labels = np.argmax(t, axis=1) if t.ndim == 2 else t
        if labels.shape != pred.shape:
            raise ValueError(f"got {labels.shape[0]} targets for {pred.shape[0]} samples")
        return float(np.mean(pred == labels))

    def __repr__(self):
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}], l2={self.l2})"


def two_layer_forward(params: dict, x):
    """The seed notes' 2-H-1 sigmoid network, forward [04]: hidden outputs z1 (N, H) and outputs y (N, 1).

    ``params`` holds W1 (2, H), b1 (H,), W2 (H, 1), b2 (1,); ``x`` is (N, 2).
    """
    z1 = sigmoid(x @ params["W1"] + params["b1"])
    return z1, sigmoid(z1 @ params["W2"] + params["b2"])


def two_layer_gradients(params: dict, x, t):
    """Loss 0.5 * sum((y - t)**2) of :func:`two_layer_forward` and its gradients, backprop written out [04].

    ``t`` is (N, 1); returns ``(loss, grads)`` with ``grads`` keyed like ``params``.
    """
    z1, y = two_layer_forward(params, x)
    delta2 = (y - t) * y * (1 - y)                        # dL/da2 (N, 1)
    delta1 = (delta2 @ params["W2"].T) * z1 * (1 - z1)    # dL/da1 (N, H): W2 of the forward pass
    grads = {"W2": z1.T @ delta2, "b2": delta2.sum(axis=0), "W1": x.T @ delta1, "b1": delta1.sum(axis=0)}
    return 0.5 * float(np.sum((y - t) ** 2)), grads


def hidden_kinks(x, hidden: int) -> np.ndarray:
    """The kinks c_j (hidden,) of :func:`one_hidden_layer_fit`: spread evenly from min(x), below max(x)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"x must be a 1-D array of at least 2 points, got shape {x.shape}")
    if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or hidden < 1:
        raise ValueError(f"hidden must be a positive number of units, got {hidden!r}")
    return np.linspace(x.min(), x.max(), int(hidden), endpoint=False)


def one_hidden_layer_fit(target, hidden: int, x):
    """Outputs (N,) on x (N,) of a 1-hidden-layer ReLU network fitted to ``target`` [02].

    Hidden unit j is relu(x - c_j) (weight 1, bias -c_j, kinks from :func:`hidden_kinks`); the
    output layer's weights and bias are the least-squares fit to ``target(x)``.
    """
    x = np.asarray(x, dtype=float)
    c = hidden_kinks(x, hidden)
    z = np.column_stack([np.maximum(0.0, x[:, None] - c), np.ones_like(x)])   # hidden outputs, plus 1 for the bias
    v, *_ = np.linalg.lstsq(z, target(x), rcond=None)                         # output weights by least squares
    return z @ v


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
) -> Sequential:
    """A fully connected network input_size -> hidden_sizes... -> output_size (logits) with softmax loss.

    ``activation``: "relu", "tanh", "sigmoid" or "identity" ("linear"). ``weight_init``: a key of
    :data:`dlnotes.initializers.INITIALIZERS`; None picks He (relu) or Glorot (others).
    ``batchnorm`` inserts BatchNorm after each hidden Affine; ``dropout`` > 0 inserts Dropout
    after each hidden activation. Biases start at zero; everything is seeded by ``seed``.
    """
    sizes = [input_size, *list(hidden_sizes), output_size]
    for s in sizes:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool) or s < 1:
            raise ValueError(f"layer sizes must be positive integers, got {sizes}")
    if activation not in ACTIVATION_LAYERS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATION_LAYERS)}")
    if weight_init is None:
        weight_init = "he_normal" if activation == "relu" else "glorot_normal"
    if weight_init not in INITIALIZERS:
        raise ValueError(f"unknown weight_init {weight_init!r}; choose one of {sorted(INITIALIZERS)}")
    if not 0.0 <= float(dropout) < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    reg = None
    if batchnorm or dropout > 0:
        from dlnotes import regularization as reg  # written by chapter 05; imported only when used

    rng = np.random.default_rng(seed)
    layers: list = []
    n_hidden = len(sizes) - 2
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = np.asarray(initialize(weight_init, (fan_in, fan_out), rng), dtype=np.float64)
        layers.append(Affine(W, np.zeros(fan_out)))
        if i < n_hidden:
            if batchnorm:
                layers.append(reg.BatchNorm(fan_out))
            layers.append(ACTIVATION_LAYERS[activation]())
            if dropout > 0:
                layers.append(reg.Dropout(float(dropout), seed=seed + 1 + i))
    net = Sequential(layers, SoftmaxWithLoss(), l2=l2)
    net.sizes = sizes
    net.activation = activation
    return net


def as_arrays(data):
    """(x_train, t_train, x_test, t_test) from a Split, (x, t) or a 4-tuple; test parts may be None."""
    if hasattr(data, "x_train"):
        return data.x_train, data.y_train, data.x_test, data.y_test
    data = tuple(data)
    if len(data) == 2:
        return data[0], data[1], None, None
    if len(data) == 4:
        return data
    raise ValueError("data must be a Split, (x, t) or (x_train, t_train, x_test, t_test)")


def train_step(net: Sequential, optimizer, x, t) -> float:
    """One gradient step on the batch x (B, ...), t (B,) or (B, K); returns the batch loss before it."""
    grads = net.gradient(x, t)
    optimizer.update(net.params, grads)
    return net.last_loss


def train(
    net: Sequential,
    data,
    optimizer,
    epochs: int = 10,
    batch_size: int = 32,
    seed: int = 0,
    callback: Callable | None = None,
) -> dict:
    """Mini-batch training (小批量) for ``epochs`` passes; returns a history dict of per-epoch lists.

    ``data``: a :class:`dlnotes.data.Split`, (x, t) or (x_train, t_train, x_test, t_test).
    History keys: "epoch", "train_loss", "train_acc" and, with test data, "test_loss",
    "test_acc" (measured in inference mode after each epoch). ``callback(epoch, history)``
    runs after each epoch; returning True stops training early.
    """
    x_tr, t_tr, x_te, t_te = as_arrays(data)
    x_tr = np.asarray(x_tr, dtype=np.float64)
    t_tr = np.asarray(t_tr)
    n = x_tr.shape[0]
    if n == 0:
        raise ValueError("no training samples")
    if int(epochs) < 0 or int(batch_size) < 1:
        raise ValueError(f"epochs must be >= 0 and batch_size >= 1, got {epochs} and {batch_size}")
    batch_size = min(int(batch_size), n)
    rng = np.random.default_rng(seed)
    has_test = x_te is not None and len(x_te) > 0
    hist = {"epoch": [], "train_loss": [], "train_acc": []}
    if has_test:
        hist.update(test_loss=[], test_acc=[])
    for epoch in range(1, int(epochs) + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            train_step(net, optimizer, x_tr[idx], t_tr[idx])
        hist["epoch"].append(epoch)
        hist["train_loss"].append(net.loss(x_tr, t_tr, train=False))
        hist["train_acc"].append(net.accuracy(x_tr, t_tr))
        if has_test:
            hist["test_loss"].append(net.loss(x_te, t_te, train=False))
            hist["test_acc"].append(net.accuracy(x_te, t_te))
        if callback is not None and callback(epoch, hist):
            break
    return hist
