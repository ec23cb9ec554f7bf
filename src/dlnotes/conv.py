"""Convolution (卷积) and pooling (池化) layers in numpy, built on im2col.

Shapes follow the book "Deep Learning from Scratch" and PyTorch, channels first (NCHW):

- input / feature map ``x``: (N, C, H, W) — batch, channels (通道), height, width;
- filters (滤波器 / 卷积核) ``W``: (FN, C, FH, FW) — number of filters, channels, height, width;
- bias ``b``: (FN,);
- output: (N, FN, OH, OW) with ``OH = (H + 2P - FH) / S + 1`` (see :func:`output_size`).

Keras and ``tf.nn.conv2d`` use channels last (NHWC) and filters (FH, FW, C, FN); the
``*_to_*`` helpers convert. Layers share the chapter-04 interface: ``params`` / ``grads``
dicts, ``forward(x, train=True)`` and ``backward(dout)``.
"""

from __future__ import annotations

import numpy as np

from dlnotes.layers import Layer

__all__ = [
    "AvgPool2D",
    "Conv2D",
    "MaxPool2D",
    "accuracy_in_batches",
    "col2im",
    "conv2d_naive",
    "convolve_image",
    "filters_from_hwio",
    "filters_to_hwio",
    "im2col",
    "nchw_to_nhwc",
    "nhwc_to_nchw",
    "output_size",
    "simple_cnn",
]


# --- the output-size formula -----------------------------------------------------------------
def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def output_size(H: int, FH: int, P: int = 0, S: int = 1, *, strict: bool = True) -> int:
    """Output length OH = (H + 2P - FH) / S + 1 of a convolution or pooling along one axis.

    ``H`` input size, ``FH`` window (filter) size, ``P`` padding (填充) on each side,
    ``S`` stride (步幅). With ``strict=True`` a stride that leaves part of the padded input
    uncovered raises a ValueError that says why; with ``strict=False`` the leftover rows
    are dropped (rounding down, as Keras ``padding="valid"`` and PyTorch do).
    """
    H = _check_int("input size H", H, 1)
    FH = _check_int("window size FH", FH, 1)
    P = _check_int("padding P", P, 0)
    S = _check_int("stride S", S, 1)
    span = H + 2 * P - FH
    if span < 0:
        raise ValueError(
            f"the window (FH={FH}) is larger than the padded input (H + 2P = {H} + 2·{P} = {H + 2 * P}): "
            f"it does not fit even once; use a smaller window or more padding"
        )
    if strict and span % S:
        leftover = span % S
        raise ValueError(
            f"stride S={S} does not fit: (H + 2P - FH) / S = ({H} + 2·{P} - {FH}) / {S} = {span}/{S} is not an integer, "
            f"so the last {leftover} row(s) would be left uncovered; change S, P or FH so that "
            f"{span} is a multiple of S (frameworks silently round down to {span // S + 1} outputs)"
        )
    return span // S + 1


# --- layout conversions ---------------------------------------------------------------------
def nchw_to_nhwc(x):
    """Channels-first (N, C, H, W) -> channels-last (N, H, W, C), the Keras / TF layout."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"expected a 4-D array (N, C, H, W), got shape {x.shape}")
    return x.transpose(0, 2, 3, 1)


def nhwc_to_nchw(x):
    """Channels-last (N, H, W, C) -> channels-first (N, C, H, W)."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"expected a 4-D array (N, H, W, C), got shape {x.shape}")
    return x.transpose(0, 3, 1, 2)


def filters_to_hwio(W):
    """Filters (FN, C, FH, FW) -> (FH, FW, C, FN), the kernel layout of tf.nn.conv2d and Keras."""
    W = np.asarray(W)
    if W.ndim != 4:
        raise ValueError(f"expected filters of shape (FN, C, FH, FW), got shape {W.shape}")
    return W.transpose(2, 3, 1, 0)


def filters_from_hwio(K):
    """Keras / TF kernel (FH, FW, C, FN) -> filters (FN, C, FH, FW)."""
    K = np.asarray(K)
    if K.ndim != 4:
        raise ValueError(f"expected a kernel of shape (FH, FW, C, FN), got shape {K.shape}")
    return K.transpose(3, 2, 0, 1)


# --- im2col / col2im -----------------------------------------------------------------------
def _check_x(x, what="input"):
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(
            f"{what} must be 4-D (N, C, H, W), got shape {x.shape}; "
            f"a single grey image (H, W) becomes x[None, None]"
        )
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(float)
    return x


def _out_hw(H, W, FH, FW, S, P, strict):
    return output_size(H, FH, P, S, strict=strict), output_size(W, FW, P, S, strict=strict)


def im2col(x, FH, FW, S=1, P=0, *, pad_value=0.0, strict=True):
    """Unroll every window of ``x`` (N, C, H, W) into a row: returns (N*OH*OW, C*FH*FW).

    Row ``(n*OH + i)*OW + j`` holds the window whose top-left corner is at (i*S - P, j*S - P)
    in sample ``n``, its entries ordered (c, fh, fw) like a filter reshaped to a row.
    """
    x = _check_x(x)
    N, C, H, W = x.shape
    OH, OW = _out_hw(H, W, FH, FW, S, P, strict)
    img = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)], constant_values=pad_value) if P else x
    col = np.empty((N, C, FH, FW, OH, OW), dtype=x.dtype)
    for y in range(FH):
        y_max = y + S * OH
        for xx in range(FW):
            x_max = xx + S * OW
            col[:, :, y, xx, :, :] = img[:, :, y:y_max:S, xx:x_max:S]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(N * OH * OW, -1)


def col2im(col, input_shape, FH, FW, S=1, P=0, *, strict=True):
    """Inverse bookkeeping of :func:`im2col`: add each row back onto its window; returns (N, C, H, W).

    Overlapping windows add up, which is exactly what the backward pass needs.
    """
    N, C, H, W = (int(v) for v in input_shape)
    OH, OW = _out_hw(H, W, FH, FW, S, P, strict)
    col = np.asarray(col)
    if col.shape != (N * OH * OW, C * FH * FW):
        raise ValueError(f"col has shape {col.shape}; expected {(N * OH * OW, C * FH * FW)} for input {input_shape}")
    col = col.reshape(N, OH, OW, C, FH, FW).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * P + S - 1, W + 2 * P + S - 1), dtype=col.dtype)
    for y in range(FH):
        y_max = y + S * OH
        for xx in range(FW):
            x_max = xx + S * OW
            img[:, :, y:y_max:S, xx:x_max:S] += col[:, :, y, xx, :, :]
    return img[:, :, P:H + P, P:W + P]


# --- the teaching version -------------------------------------------------------------------
def conv2d_naive(x, W, b=None, S=1, P=0, *, strict=True):
    """Convolution by loops over samples, filters and output positions: (N, C, H, W) -> (N, FN, OH, OW).

    Each output is one multiply-accumulate (乘积累加) of a window with a filter. Slow; for teaching and timing.
    """
    x = _check_x(x)
    W = np.asarray(W, dtype=float)
    N, C, H, Wd = x.shape
    FN, C2, FH, FW = W.shape
    if C2 != C:
        raise ValueError(f"filters have {C2} channels but the input has {C}")
    OH, OW = _out_hw(H, Wd, FH, FW, S, P, strict)
    b = np.zeros(FN) if b is None else np.asarray(b, dtype=float)
    img = np.pad(x, [(0, 0), (0, 0), (P, P), (P, P)]) if P else x
    out = np.empty((N, FN, OH, OW))
    for n in range(N):
        for f in range(FN):
            for i in range(OH):
                for j in range(OW):
                    window = img[n, :, i * S:i * S + FH, j * S:j * S + FW]
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out


def convolve_image(image, kernel, S=1, P=0, *, strict=False):
    """Slide one kernel (FH, FW) over one grey image (H, W): the feature map (特征图) (OH, OW).

    Like every deep-learning "convolution" this is a cross-correlation: the kernel is not flipped.
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"expected a 2-D image and a 2-D kernel, got shapes {image.shape} and {kernel.shape}")
    FH, FW = kernel.shape
    OH = output_size(image.shape[0], FH, P, S, strict=strict)
    OW = output_size(image.shape[1], FW, P, S, strict=strict)
    col = im2col(image[None, None], FH, FW, S, P, strict=strict)
    return (col @ kernel.ravel()).reshape(OH, OW)


# --- layers ------------------------------------------------------------------------------
class Conv2D(Layer):
    """Convolution layer: filters ``W`` (FN, C, FH, FW), bias ``b`` (FN,), ``stride``, ``pad`` (zeros).

    ``forward`` maps (N, C, H, W) -> (N, FN, OH, OW) as one matrix product on :func:`im2col`;
    ``backward`` returns dL/dx and stores dL/dW, dL/db in ``grads``.
    """

    def __init__(self, W, b, stride=1, pad=0, *, strict=True):
        super().__init__()
        W = np.asarray(W, dtype=float)
        b = np.asarray(b, dtype=float)
        if W.ndim != 4:
            raise ValueError(f"filters W must have shape (FN, C, FH, FW), got {W.shape}")
        if b.shape != (W.shape[0],):
            raise ValueError(f"bias b must have shape (FN,) = ({W.shape[0]},), got {b.shape}")
        self.stride = _check_int("stride", stride, 1)
        self.pad = _check_int("pad", pad, 0)
        self.strict = strict
        self.params = {"W": W, "b": b}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros_like(b)}
        self._cache = None

    @property
    def W(self):
        return self.params["W"]

    @property
    def b(self):
        return self.params["b"]

    def output_shape(self, input_shape):
        """(N, FN, OH, OW) for an input of shape (N, C, H, W)."""
        N, C, H, W = input_shape
        FN, _, FH, FW = self.W.shape
        OH, OW = _out_hw(H, W, FH, FW, self.stride, self.pad, self.strict)
        return (N, FN, OH, OW)

    def forward(self, x, train=True):
        """(N, C, H, W) -> (N, FN, OH, OW)."""
        x = _check_x(x)
        FN, C, FH, FW = self.W.shape
        if x.shape[1] != C:
            raise ValueError(f"input has {x.shape[1]} channels but the filters expect C={C} (filters {self.W.shape})")
        N, _, OH, OW = self.output_shape(x.shape)
        col = im2col(x, FH, FW, self.stride, self.pad, strict=self.strict)  # (N*OH*OW, C*FH*FW)
        col_W = self.W.reshape(FN, -1).T                                    # (C*FH*FW, FN)
        out = col @ col_W + self.b                                          # (N*OH*OW, FN)
        self._cache = (x.shape, col, col_W)
        return out.reshape(N, OH, OW, FN).transpose(0, 3, 1, 2)

    def backward(self, dout):
        """dL/dout (N, FN, OH, OW) -> dL/dx (N, C, H, W); fills grads["W"], grads["b"]."""
        self._need_forward("_cache")
        x_shape, col, col_W = self._cache
        FN, C, FH, FW = self.W.shape
        dout = np.asarray(dout, dtype=float).transpose(0, 2, 3, 1).reshape(-1, FN)
        self.grads["b"] = dout.sum(axis=0)
        self.grads["W"] = (col.T @ dout).T.reshape(FN, C, FH, FW)
        dcol = dout @ col_W.T
        return col2im(dcol, x_shape, FH, FW, self.stride, self.pad, strict=self.strict)

    def __repr__(self):
        return f"Conv2D(W{self.W.shape}, stride={self.stride}, pad={self.pad})"


class _Pool2D(Layer):
    """Shared bookkeeping of the pooling layers (no parameters)."""

    pad_value = 0.0

    def __init__(self, pool_h=2, pool_w=None, stride=None, pad=0, *, strict=True):
        super().__init__()
        self.pool_h = _check_int("pool_h", pool_h, 1)
        self.pool_w = self.pool_h if pool_w is None else _check_int("pool_w", pool_w, 1)
        self.stride = self.pool_h if stride is None else _check_int("stride", stride, 1)
        self.pad = _check_int("pad", pad, 0)
        if self.pad >= min(self.pool_h, self.pool_w):
            raise ValueError(
                f"pad={self.pad} must be smaller than the pool window ({self.pool_h}×{self.pool_w}), "
                f"otherwise a window could hold nothing but padding"
            )
        self.strict = strict
        self._cache = None

    def output_shape(self, input_shape):
        """(N, C, OH, OW) for an input of shape (N, C, H, W)."""
        N, C, H, W = input_shape
        OH, OW = _out_hw(H, W, self.pool_h, self.pool_w, self.stride, self.pad, self.strict)
        return (N, C, OH, OW)

    def _windows(self, x):
        """(N*OH*OW*C, pool_h*pool_w): one row per (sample, position, channel) window."""
        x = _check_x(x)
        N, C, OH, OW = self.output_shape(x.shape)
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad,
                     pad_value=self.pad_value, strict=self.strict)
        return x.shape, (N, C, OH, OW), col.reshape(-1, self.pool_h * self.pool_w)

    def _to_image(self, dwin, x_shape, out_shape):
        N, C, OH, OW = out_shape
        dcol = dwin.reshape(N * OH * OW, C * self.pool_h * self.pool_w)
        return col2im(dcol, x_shape, self.pool_h, self.pool_w, self.stride, self.pad, strict=self.strict)

    def __repr__(self):
        return f"{type(self).__name__}({self.pool_h}×{self.pool_w}, stride={self.stride}, pad={self.pad})"


class MaxPool2D(_Pool2D):
    """Max pooling (最大池化): the largest value of each window, per channel. (N, C, H, W) -> (N, C, OH, OW).

    Padding, if any, never wins (it is -inf). The gradient flows only to each window's maximum.
    """

    pad_value = -np.inf

    def forward(self, x, train=True):
        """(N, C, H, W) -> (N, C, OH, OW)."""
        x_shape, out_shape, win = self._windows(x)
        arg = np.argmax(win, axis=1)
        out = win[np.arange(win.shape[0]), arg]
        self._cache = (x_shape, out_shape, arg)
        N, C, OH, OW = out_shape
        return out.reshape(N, OH, OW, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        """dL/dout (N, C, OH, OW) -> dL/dx (N, C, H, W)."""
        self._need_forward("_cache")
        x_shape, out_shape, arg = self._cache
        dflat = np.asarray(dout, dtype=float).transpose(0, 2, 3, 1).ravel()
        dwin = np.zeros((dflat.size, self.pool_h * self.pool_w))
        dwin[np.arange(dflat.size), arg] = dflat
        return self._to_image(dwin, x_shape, out_shape)


class AvgPool2D(_Pool2D):
    """Average pooling (平均池化): the mean of each window, per channel (zero padding counts). (N, C, H, W) -> (N, C, OH, OW)."""

    def forward(self, x, train=True):
        """(N, C, H, W) -> (N, C, OH, OW)."""
        x_shape, out_shape, win = self._windows(x)
        self._cache = (x_shape, out_shape)
        N, C, OH, OW = out_shape
        return win.mean(axis=1).reshape(N, OH, OW, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        """dL/dout (N, C, OH, OW) -> dL/dx (N, C, H, W): each window entry gets dout / (pool_h*pool_w)."""
        self._need_forward("_cache")
        x_shape, out_shape = self._cache
        k = self.pool_h * self.pool_w
        dflat = np.asarray(dout, dtype=float).transpose(0, 2, 3, 1).ravel()
        dwin = np.repeat(dflat[:, None] / k, k, axis=1)
        return self._to_image(dwin, x_shape, out_shape)


# --- a small CNN -----------------------------------------------------------------------------
def simple_cnn(input_shape=(1, 28, 28), filters=16, kernel=5, hidden=100, classes=10, seed=0):
    """conv(filters, kernel×kernel) - ReLU - maxpool 2×2 - affine(hidden) - ReLU - affine(classes) - softmax.

    ``input_shape`` is (C, H, W). Weights use He initialisation, seeded; returns a
    :class:`dlnotes.network.Sequential` (its loss layer is softmax-with-cross-entropy).
    """
    from dlnotes.initializers import initialize
    from dlnotes.layers import Affine, ReLU
    from dlnotes.network import Sequential

    C, H, W = (int(v) for v in input_shape)
    rng = np.random.default_rng(seed)
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


def accuracy_in_batches(net, x, t, batch_size=500):
    """Accuracy of ``net`` on x (N, C, H, W) and labels t (N,), evaluated ``batch_size`` samples at a time.

    A CNN's im2col copies each image FH·FW times, so a whole test set at once would need gigabytes.
    """
    x, t = np.asarray(x), np.asarray(t)
    if len(x) != len(t) or len(x) == 0:
        raise ValueError(f"need as many labels as samples (got {len(x)} samples and {len(t)} labels), and at least one")
    correct = 0
    for start in range(0, len(x), int(batch_size)):
        logits = net.predict(x[start:start + batch_size], train=False)
        correct += int(np.sum(np.argmax(logits, axis=1) == t[start:start + batch_size]))
    return correct / len(x)
