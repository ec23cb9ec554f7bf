"""Signals and gradients through a deep stack (深层网络): the one deep-chain forward/backward.

A chain of square layers without biases, h_l = f(h_{l-1} @ W_l), is the classic
experiment behind two chapters:

- chapter 02: the gradient norm that reaches each layer, :func:`chain_gradients`
  (through sigmoids it vanishes, 梯度消失; through ReLU with He weights it does not);
- chapter 05: every layer's activations and weight gradients for an initialiser,
  :func:`layer_statistics` (the initialiser explorer draws them as histograms);
- chapter 11: a recurrent network unrolled in time is such a chain with one shared W
  (:mod:`dlnotes.rnn`); :func:`verdict` names what a ratio of gradients means in both.

Both run :func:`chain_backward`, backpropagation by hand one layer at a time. Chapter 02's
other point about depth is here too: without activations a stack of linear layers is one
linear layer (:func:`collapse_linear`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlnotes import checks
from dlnotes.functions import ACTIVATIONS
from dlnotes.initializers import initialize

__all__ = ["ChainPass", "chain_backward", "chain_gradients", "collapse_linear", "forward_linear", "layer_statistics",
           "verdict"]

VANISHING, EXPLODING = 1e-3, 1e3
"""Below / above these, the gradient at the first layer (or step) over the one at the last is called vanishing / exploding."""


# --- stacked linear layers collapse into one ----------------------------------------------------
def forward_linear(x, layers):
    """Apply linear layers in turn: x ← x @ W + b for each (W (in, out), b (out,)); x (N, in) -> (N, out)."""
    x = np.asarray(x, dtype=float)
    for i, (w, b) in enumerate(layers):
        if x.shape[-1] != np.shape(w)[0]:
            raise ValueError(f"forward_linear: layer {i}: input has {x.shape[-1]} features but W has shape "
                             f"{np.shape(w)}")
        x = x @ w + b
    return x


def collapse_linear(layers):
    """The single (W, b) equal to a stack of linear layers [(W1, b1), (W2, b2), ...] without activations.

    x @ W1 + b1, then @ W2 + b2, ... equals x @ (W1 @ W2 @ ...) + ((b1 @ W2 + b2) @ W3 + ...).
    """
    layers = list(layers)
    if not layers:
        raise ValueError("collapse_linear: layers must hold at least one (W, b) pair, got none")
    w_total = np.asarray(layers[0][0], dtype=float)
    b_total = np.asarray(layers[0][1], dtype=float)
    for i, (w, b) in enumerate(layers[1:], start=1):
        w = np.asarray(w, dtype=float)
        if w_total.shape[1] != w.shape[0]:
            raise ValueError(f"collapse_linear: layer {i}: W has shape {w.shape} but the previous layer outputs "
                             f"{w_total.shape[1]} features")
        w_total = w_total @ w
        b_total = b_total @ w + b
    return w_total, b_total


# --- the deep chain -------------------------------------------------------------------------------
class ChainPass(NamedTuple):
    """What :func:`chain_backward` computed: the loss, each layer's output h_l and dL/dW_l (layer 1 first)."""

    loss: float
    activations: list
    grads: list


def _activation(activation, where):
    """(f, f') for a name of :data:`dlnotes.functions.ACTIVATIONS`, or the pair itself."""
    if isinstance(activation, str):
        return ACTIVATIONS[checks.choice(activation, "activation", sorted(ACTIVATIONS), where)]
    if isinstance(activation, tuple) and len(activation) == 2 and all(map(callable, activation)):
        return activation
    checks.fail(where, "activation", "a name of ACTIVATIONS or an (f, f') pair of functions",
                checks.describe(activation), TypeError)


def chain_backward(x, weights, activation="sigmoid", upstream=None) -> ChainPass:
    """Forward h_l = f(h_{l-1} @ W_l), then backward for the loss L = sum(upstream * h_last).

    x (N, width); weights: a list of (width, width) arrays; ``activation`` a name of
    :data:`~dlnotes.functions.ACTIVATIONS` or an (f, f') pair. ``upstream`` is dL/dh_last
    (N, width); by default 1/N everywhere, i.e. L = mean over the batch of sum(h_last).
    Each gradient has the shape of its W.
    """
    where = "chain_backward"
    f, df = _activation(activation, where)
    x = checks.array(x, "x", where, ndim=2, nonempty=True)
    hs, zs = [x], []
    for i, w in enumerate(weights):
        w = checks.array(w, f"weights[{i}]", where, ndim=2, shape=(hs[-1].shape[1], None),
                         hint="each W maps the previous layer's width to the next")
        zs.append(hs[-1] @ w)
        hs.append(f(zs[-1]))
    if upstream is None:
        g = np.full(hs[-1].shape, 1.0 / x.shape[0])
    else:
        g = checks.array(upstream, "upstream", where, shape=hs[-1].shape, hint="dL/dh_last has the shape of h_last")
    loss = float(np.sum(g * hs[-1]))
    grads = [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        g_z = g * df(zs[layer])  # through the activation: multiply by its slope
        grads[layer] = hs[layer].T @ g_z
        g = g_z @ weights[layer].T  # through the weights: back to the previous layer
    return ChainPass(loss, hs[1:], grads)


def _random_chain(initializer, depth, width, n, rng, where):
    """Seeded inputs x (n, width) ~ N(0, 1) and ``depth`` weights (width, width) drawn by ``initializer``."""
    depth = checks.integer(depth, "depth", where, minimum=1)
    width = checks.integer(width, "width", where, minimum=1)
    n = checks.integer(n, "the batch size", where, minimum=1)
    x = rng.normal(size=(n, width))
    return x, [initialize(initializer, (width, width), rng) for _ in range(depth)]


def chain_gradients(depth, activation="sigmoid", init="glorot_normal", width=32, batch=64, seed=0):
    """Gradient norm ||dL/dW_l|| for each layer l = 1..depth of a seeded deep chain; array (depth,), layer 1 first.

    Inputs (batch, width) ~ N(0, 1), weights drawn by ``init``, L = mean over the batch of
    sum(h_last) (see :func:`chain_backward`).
    """
    _activation(activation, "chain_gradients")
    x, weights = _random_chain(init, depth, width, batch, np.random.default_rng(seed), "chain_gradients")
    return np.array([np.linalg.norm(g) for g in chain_backward(x, weights, activation).grads])


def layer_statistics(initializer: str, activation: str, depth: int, width: int = 100, n: int = 500, seed: int = 0):
    """Activations and weight gradients of a ``depth``-layer, ``width``-unit chain on random inputs.

    Returns (acts, grads): lists of ``depth`` arrays, acts[k] (n, width) the output of
    layer k+1, grads[k] (width, width) dL/dW of layer k+1 for a random upstream gradient
    (N(0, 1) / n, what a loss would send back). Layers have no bias, as in the classic
    experiment: a_k = f(a_{k-1} @ W_k).
    """
    _activation(activation, "layer_statistics")
    rng = np.random.default_rng(seed)
    x, weights = _random_chain(initializer, depth, width, n, rng, "layer_statistics")
    upstream = rng.normal(size=(n, width)) / n
    result = chain_backward(x, weights, activation, upstream)
    return result.activations, result.grads


def verdict(ratio: float) -> str:
    """"vanishing", "exploding" or "reaches": ``ratio`` is the gradient at the first layer (or time step) over the last."""
    if ratio < VANISHING:
        return "vanishing"
    return "exploding" if ratio > EXPLODING else "reaches"
