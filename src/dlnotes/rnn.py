"""Recurrent networks (循环神经网络) in numpy: a cell run through time, and backpropagation through time.

A recurrent layer reads a batch of sequences ``x`` of shape (N, T, D) — N sequences of T
time steps with D numbers per step — one step at a time, carrying a hidden state (隐状态)
``h`` of shape (N, H) from each step to the next. The *same* weights are used at every step
(参数共享, shared through time), so the number of parameters does not depend on T.

Three cells, each computing exactly what the Keras layer of the same name computes (the
tests set Keras' weights to ours and compare in float64):

- :class:`SimpleRNN` — ``h_t = tanh(x_t Wx + h_{t-1} Wh + b)``; Wx (D, H), Wh (H, H), b (H,);
- :class:`LSTM` — ``x_t Wx + h_{t-1} Wh + b`` has 4H columns, in Keras' order: input gate i,
  forget gate f, candidate c~, output gate o; ``c_t = f ⊙ c_{t-1} + i ⊙ c~_t``,
  ``h_t = o ⊙ tanh(c_t)``: the memory cell c is a second state carried through time;
- :class:`GRU` — Keras' default ``reset_after=True`` form: update gate z, reset gate r,
  candidate ``h~_t``, and ``h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h~_t``; b has shape (2, 3H)
  (input bias, recurrent bias).

Every cell is a :class:`Recurrent` layer with the interface of :mod:`dlnotes.layers`:
``forward(x)`` returns all hidden states (N, T, H) (Keras' ``return_sequences=True``) and
``backward(dout)`` takes dL/dh_t from the loss at every step and returns dL/dx, filling
``grads`` and ``dstate0`` (the gradient reaching the initial state). Inputs are checked once,
at the boundary (``Layer._check_x`` / ``_check_dout`` and :mod:`dlnotes.checks`). The loop
through time is written once in :class:`Recurrent`; a cell only says what one step does (``step``) and how its
gradient goes back one step (``step_backward``). That backward loop *is* backpropagation
through time (BPTT, 通过时间反向传播): the ordinary chain rule on the unrolled network,
with every shared weight's gradient summed over the steps.

:func:`recurrent_layer` builds a cell with Keras' default initialisers, and
:func:`gradient_through_time` measures how much of the gradient of a loss read at the last
step reaches the input of each earlier step (vanishing / exploding gradients, chapter 11).
"""

from __future__ import annotations

import numpy as np

from dlnotes import checks
from dlnotes.functions import sigmoid
from dlnotes.initializers import initialize
from dlnotes.layers import Layer

__all__ = ["CELLS", "GRU", "LSTM", "Recurrent", "SimpleRNN", "gradient_through_time", "recurrent_layer"]


class Recurrent(Layer):
    """A cell run through time: ``forward(x)`` (N, T, D) -> hidden states (N, T, H); ``backward`` is BPTT.

    Subclasses set ``params`` (Wx, Wh, b), ``n_states`` (1, or 2 for the LSTM's (h, c)) and
    define ``step`` and ``step_backward``.
    """

    n_states = 1

    def __init__(self, Wx, Wh, b, *, gates: int, bias_shape):
        super().__init__()
        where = type(self).__name__
        Wh = checks.array(Wh, "Wh", where, ndim=2, finite=True, hint=f"Wh is (H, {gates}H) for H hidden units")
        H = Wh.shape[0]
        if Wh.shape[1] != gates * H:
            checks.fail(where, "Wh", f"of shape (H, {gates}H) for H hidden units", f"shape {Wh.shape}")
        Wx = checks.array(Wx, "Wx", where, shape=(None, gates * H), finite=True,
                          hint=f"Wx is (D, {gates * H}) for D inputs per step, to match Wh {Wh.shape}")
        b = checks.array(b, "b", where, shape=bias_shape(H), finite=True, hint=f"to match Wh {Wh.shape}")
        self.params = {"Wx": Wx, "Wh": Wh, "b": b}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.units, self.input_dim = H, Wx.shape[0]
        self.dstate0 = None
        self._caches = None

    # -- the loop through time (the same for every cell) ---------------------------------
    def forward(self, x, train=True, *, initial_state=None):
        """x (N, T, D) -> hidden states (N, T, H); ``initial_state``: h0 (N, H) (LSTM: (h0, c0)), default zeros."""
        x = self._check_x(x)
        state = self._check_state(initial_state, len(x))
        self._x_shape, self._caches = x.shape, []
        hs = np.empty((x.shape[0], x.shape[1], self.units))
        for t in range(x.shape[1]):
            state, cache = self.step(x[:, t], state)
            hs[:, t] = state[0]
            self._caches.append(cache)
        return hs

    def backward(self, dout):
        """dout (N, T, H), dout[:, t] = dL/dh_t from the loss -> dL/dx (N, T, D); fills ``grads`` and ``dstate0``."""
        dout = self._check_dout(dout)
        for g in self.grads.values():
            g[...] = 0.0
        dx = np.empty(self._x_shape)
        dstate = [np.zeros_like(dout[:, 0]) for _ in range(self.n_states)]  # nothing comes from after step T
        for t in reversed(range(dout.shape[1])):
            dstate[0] = dstate[0] + dout[:, t]  # h_t feeds the loss directly and the next step
            dx[:, t], dstate = self.step_backward(dstate, self._caches[t])
        self.dstate0 = dstate[0] if self.n_states == 1 else tuple(dstate)
        return dx

    def step(self, x_t, state):  # pragma: no cover - abstract
        """One step: x_t (N, D), state (list of (N, H)) -> (new state, cache for step_backward)."""
        raise NotImplementedError

    def step_backward(self, dstate, cache):  # pragma: no cover - abstract
        """One step back: dL/dstate_t -> (dL/dx_t, dL/dstate_{t-1}); adds this step's share to ``grads``."""
        raise NotImplementedError

    # -- the checks at the boundary (x and dout: Layer._check_x / _check_dout) ---------------------
    def output_shape(self, input_shape):
        """(N, T, H) for an input (N, T, D) with D = Wx.shape[0]."""
        if len(input_shape) != 3 or input_shape[1] < 1 or input_shape[2] != self.input_dim:
            checks.fail(self._where("forward"), "x", f"of shape (N, T, {self.input_dim})",
                        f"shape {tuple(input_shape)}", hint=f"N sequences of T >= 1 steps with {self.input_dim} numbers each "
                             f"(Wx has shape {self.params['Wx'].shape})")
        return (input_shape[0], input_shape[1], self.units)

    def _check_state(self, initial_state, n):
        """forward's initial state: zeros by default, else h0 (n, H) — for the LSTM a pair (h0, c0)."""
        if initial_state is None:
            return [np.zeros((n, self.units)) for _ in range(self.n_states)]
        where, shape = self._where("forward"), (n, self.units)
        if self.n_states == 1:
            return [checks.array(initial_state, "initial_state", where, shape=shape, hint="h0, one row per sequence")]
        if not isinstance(initial_state, (tuple, list)) or len(initial_state) != self.n_states:
            checks.fail(where, "initial_state", f"a pair (h0, c0) of arrays of shape {shape}",
                        checks.describe(initial_state), TypeError)
        return [checks.array(s, f"initial_state[{i}]", where, shape=shape) for i, s in enumerate(initial_state)]

    def keras_weights(self) -> list:
        """The weights in Keras' order [kernel, recurrent_kernel, bias], for ``layer.set_weights``."""
        return [self.params["Wx"], self.params["Wh"], self.params["b"]]

    def __repr__(self):
        return f"{type(self).__name__}(input_dim={self.input_dim}, units={self.units})"


class SimpleRNN(Recurrent):
    """The simple recurrent cell h_t = tanh(x_t Wx + h_{t-1} Wh + b): Wx (D, H), Wh (H, H), b (H,)."""

    def __init__(self, Wx, Wh, b):
        super().__init__(Wx, Wh, b, gates=1, bias_shape=lambda H: (H,))

    def step(self, x_t, state):
        (h_prev,) = state
        h = np.tanh(x_t @ self.params["Wx"] + h_prev @ self.params["Wh"] + self.params["b"])
        return [h], (x_t, h_prev, h)

    def step_backward(self, dstate, cache):
        x_t, h_prev, h = cache
        (dh,) = dstate
        da = dh * (1.0 - h**2)                    # back through tanh: its slope is 1 - h^2
        self.grads["Wx"] += x_t.T @ da            # shared weights: add this step's share
        self.grads["Wh"] += h_prev.T @ da
        self.grads["b"] += da.sum(axis=0)
        return da @ self.params["Wx"].T, [da @ self.params["Wh"].T]   # to x_t, and to h_{t-1}


class LSTM(Recurrent):
    """Long short-term memory (长短期记忆网络): Wx (D, 4H), Wh (H, 4H), b (4H,); Keras' order i, f, c~, o."""

    n_states = 2

    def __init__(self, Wx, Wh, b):
        super().__init__(Wx, Wh, b, gates=4, bias_shape=lambda H: (4 * H,))

    def step(self, x_t, state):
        h_prev, c_prev = state
        a = x_t @ self.params["Wx"] + h_prev @ self.params["Wh"] + self.params["b"]
        H = self.units
        gates = sigmoid(a)                        # i, f and o are sigmoids of their quarter of a
        i, f, o = gates[:, :H], gates[:, H:2 * H], gates[:, 3 * H:]
        c_tilde = np.tanh(a[:, 2 * H:3 * H])      # the candidate memory
        c = f * c_prev + i * c_tilde              # the memory cell: keep a share f, add a share i of c~
        tanh_c = np.tanh(c)
        h = o * tanh_c
        return [h, c], (x_t, h_prev, c_prev, i, f, c_tilde, o, tanh_c)

    def step_backward(self, dstate, cache):
        x_t, h_prev, c_prev, i, f, c_tilde, o, tanh_c = cache
        dh, dc = dstate
        dc = dc + dh * o * (1.0 - tanh_c**2)      # c_t reaches the loss directly and through h_t
        da = np.concatenate([dc * c_tilde * i * (1 - i),   # input gate
                             dc * c_prev * f * (1 - f),    # forget gate
                             dc * i * (1 - c_tilde**2),    # candidate
                             dh * tanh_c * o * (1 - o)],   # output gate
                            axis=1)
        self.grads["Wx"] += x_t.T @ da
        self.grads["Wh"] += h_prev.T @ da
        self.grads["b"] += da.sum(axis=0)
        return da @ self.params["Wx"].T, [da @ self.params["Wh"].T, dc * f]   # along c: times f, nothing else


class GRU(Recurrent):
    """Gated recurrent unit (门控循环单元), Keras' reset_after form: Wx (D, 3H), Wh (H, 3H), b (2, 3H); z, r, h~."""

    def __init__(self, Wx, Wh, b):
        super().__init__(Wx, Wh, b, gates=3, bias_shape=lambda H: (2, 3 * H))

    def step(self, x_t, state):
        (h_prev,) = state
        H = self.units
        ax = x_t @ self.params["Wx"] + self.params["b"][0]
        ah = h_prev @ self.params["Wh"] + self.params["b"][1]
        zr = sigmoid(ax[:, :2 * H] + ah[:, :2 * H])
        z, r = zr[:, :H], zr[:, H:]               # update gate z, reset gate r
        ax_h, ah_h = ax[:, 2 * H:], ah[:, 2 * H:]
        h_tilde = np.tanh(ax_h + r * ah_h)       # the candidate: r decides how much of h_{t-1} it sees
        h = z * h_prev + (1.0 - z) * h_tilde      # keep a share z of the old state
        return [h], (x_t, h_prev, z, r, ah_h, h_tilde)

    def step_backward(self, dstate, cache):
        x_t, h_prev, z, r, ah_h, h_tilde = cache
        (dh,) = dstate
        da_h = dh * (1.0 - z) * (1.0 - h_tilde**2)
        da_z = dh * (h_prev - h_tilde) * z * (1 - z)
        da_r = da_h * ah_h * r * (1 - r)
        dax = np.concatenate([da_z, da_r, da_h], axis=1)        # into x_t Wx + b[0]
        dah = np.concatenate([da_z, da_r, da_h * r], axis=1)    # into h_{t-1} Wh + b[1]
        self.grads["Wx"] += x_t.T @ dax
        self.grads["Wh"] += h_prev.T @ dah
        self.grads["b"] += np.stack([dax.sum(axis=0), dah.sum(axis=0)])
        return dax @ self.params["Wx"].T, [dah @ self.params["Wh"].T + dh * z]


CELLS = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}
"""Cell name (as Keras names the layer) -> class."""
_GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


def _orthogonal(rows, cols, rng) -> np.ndarray:
    """Keras' ``orthogonal`` initialiser: a (rows, cols) matrix with orthonormal rows or columns."""
    a = rng.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    return q if rows >= cols else q.T


def recurrent_layer(cell: str, input_dim: int, units: int, *, recurrent_scale: float = 1.0,
                    keep_bias: float | None = None, seed: int = 0) -> Recurrent:
    """A ``cell`` ("SimpleRNN", "LSTM", "GRU") with Keras' default initial weights, seeded.

    Keras' defaults: Wx glorot_uniform, Wh orthogonal (every direction of h stretched by
    exactly 1), biases 0 except the LSTM's forget gate (1). ``recurrent_scale`` multiplies
    Wh; ``keep_bias`` sets the bias of the gate that keeps the old state (LSTM: forget
    gate f, GRU: update gate z; ignored by SimpleRNN).
    """
    where = "recurrent_layer"
    checks.choice(cell, "cell", CELLS, where)
    input_dim = checks.integer(input_dim, "input_dim", where, minimum=1)
    units = checks.integer(units, "units", where, minimum=1)
    recurrent_scale = checks.number(recurrent_scale, "recurrent_scale", where)
    if keep_bias is not None:
        keep_bias = checks.number(keep_bias, "keep_bias", where)
    rng = np.random.default_rng(seed)
    k = _GATES[cell]
    Wx = initialize("glorot_uniform", (input_dim, k * units), rng)
    Wh = recurrent_scale * _orthogonal(units, k * units, rng)
    if cell == "SimpleRNN":
        return SimpleRNN(Wx, Wh, np.zeros(units))
    if cell == "LSTM":
        b = np.zeros(4 * units)
        b[units:2 * units] = 1.0 if keep_bias is None else keep_bias  # Keras' unit_forget_bias
        return LSTM(Wx, Wh, b)
    b = np.zeros((2, 3 * units))
    b[0, :units] = 0.0 if keep_bias is None else keep_bias  # update gate z
    return GRU(Wx, Wh, b)


def gradient_through_time(cell: str, steps: int, *, units: int = 8, input_dim: int = 4, batch: int = 2,
                          input_scale: float = 0.3, recurrent_scale: float = 1.0, keep_bias: float | None = None,
                          seed: int = 0, every_end: bool = False) -> np.ndarray:
    """‖dL/dx_t‖ for t = 1..steps, for a loss read from the last hidden state only: L = mean_n h_T · w.

    Inputs x (batch, steps, input_dim) ~ N(0, input_scale²) and the readout w (units,) are seeded; the
    layer is :func:`recurrent_layer`'s. Returns an array (steps,): the gradient norm (averaged
    over the batch) reaching the input of each step; step ``steps`` is where the loss is read.

    ``every_end=True`` returns an array (steps, steps) instead, whose row T-1 holds the norms
    for a loss read at step T (zero after T): every sequence length up to ``steps`` in one
    batched pass (each sequence is repeated once per end).
    """
    where = "gradient_through_time"
    steps = checks.integer(steps, "steps", where, minimum=1)
    batch = checks.integer(batch, "batch", where, minimum=1)
    input_scale = checks.number(input_scale, "input_scale", where, low=0.0)
    layer = recurrent_layer(cell, input_dim, units, recurrent_scale=recurrent_scale, keep_bias=keep_bias, seed=seed)
    rng = np.random.default_rng(seed + 1)
    w = rng.normal(size=units) / np.sqrt(units)
    # drawn step by step, so that a longer sequence extends a shorter one with the same seed
    x = input_scale * rng.normal(size=(steps, batch, input_dim)).transpose(1, 0, 2)
    ends = np.arange(steps) if every_end else np.array([steps - 1])
    x = np.tile(x, (len(ends), 1, 1))                      # row e * batch + n: sequence n, loss read at step e
    dout = np.zeros((len(x), steps, units))
    dout[np.arange(len(x)), np.repeat(ends, batch)] = w / batch
    layer.forward(x)
    norms = np.linalg.norm(layer.backward(dout), axis=2)   # (ends * batch, steps)
    norms = norms.reshape(len(ends), batch, steps).mean(axis=1)
    return norms if every_end else norms[0]
