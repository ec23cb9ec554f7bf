"""Convolution arithmetic (卷积): output size, im2col / col2im, a loop-by-loop convolution, layouts.

Shapes follow the book "Deep Learning from Scratch" and PyTorch, channels first (NCHW):

- input / feature map ``x``: (N, C, H, W) — batch, channels (通道), height, width;
- filters (滤波器 / 卷积核) ``W``: (FN, C, FH, FW) — number of filters, channels, height, width;
- bias ``b``: (FN,);
- output: (N, FN, OH, OW) with ``OH = (H + 2P - FH) / S + 1`` (see :func:`output_size`).

Keras and ``tf.nn.conv2d`` use channels last (NHWC) and filters (FH, FW, C, FN); the
``*_to_*`` helpers convert. The layers built on these functions (``Conv2D``, ``MaxPool2D``,
``AvgPool2D``) live with every other layer in :mod:`dlnotes.layers`; the small CNN is
:func:`dlnotes.network.simple_cnn`.
"""

from __future__ import annotations

import numpy as np

from dlnotes import checks
from dlnotes.language import tr

__all__ = [
    "col2im",
    "conv2d_naive",
    "convolve_image",
    "filters_from_hwio",
    "filters_to_hwio",
    "im2col",
    "nchw_to_nhwc",
    "nhwc_to_nchw",
    "output_size",
]


# --- the output-size formula -----------------------------------------------------------------
def output_size(H: int, FH: int, P: int = 0, S: int = 1, *, strict: bool = True) -> int:
    """Output length OH = (H + 2P - FH) / S + 1 of a convolution or pooling along one axis.

    ``H`` input size, ``FH`` window (filter) size, ``P`` padding (填充) on each side,
    ``S`` stride (步幅). With ``strict=True`` a stride that leaves part of the padded input
    uncovered raises a ValueError that says why (in the reader's language); with ``strict=False`` the leftover rows
    are dropped (rounding down, as Keras ``padding="valid"`` and PyTorch do).
    """
    H = checks.integer(H, "H (the input size)", "output_size", minimum=1)
    FH = checks.integer(FH, "FH (the window size)", "output_size", minimum=1)
    P = checks.integer(P, "P (the padding)", "output_size", minimum=0)
    S = checks.integer(S, "S (the stride)", "output_size", minimum=1)
    span = H + 2 * P - FH
    if span < 0:
        raise ValueError(tr(
            f"the window (FH={FH}) is larger than the padded input (H + 2P = {H} + 2·{P} = {H + 2 * P}): "
            f"it does not fit even once; use a smaller window or more padding"
        ))
    if strict and span % S:
        leftover = span % S
        raise ValueError(tr(
            f"stride S={S} does not fit: (H + 2P - FH) / S = ({H} + 2·{P} - {FH}) / {S} = {span}/{S} is not an integer, "
            f"so the last {leftover} row(s) would be left uncovered; change S, P or FH so that "
            f"{span} is a multiple of S (frameworks silently round down to {span // S + 1} outputs)"
        ))
    return span // S + 1


# --- layout conversions ---------------------------------------------------------------------
def _layout(x, name, where, layout):
    """A 4-D array of numbers (its dtype kept), or a clear error naming the expected layout."""
    return checks.array(x, name, where, ndim=4, dtype=None, hint=f"{name} is {layout}")


def nchw_to_nhwc(x):
    """Channels-first (N, C, H, W) -> channels-last (N, H, W, C), the Keras / TF layout."""
    return _layout(x, "x", "nchw_to_nhwc", "(N, C, H, W)").transpose(0, 2, 3, 1)


def nhwc_to_nchw(x):
    """Channels-last (N, H, W, C) -> channels-first (N, C, H, W)."""
    return _layout(x, "x", "nhwc_to_nchw", "(N, H, W, C)").transpose(0, 3, 1, 2)


def filters_to_hwio(W):
    """Filters (FN, C, FH, FW) -> (FH, FW, C, FN), the kernel layout of tf.nn.conv2d and Keras."""
    return _layout(W, "W", "filters_to_hwio", "(FN, C, FH, FW)").transpose(2, 3, 1, 0)


def filters_from_hwio(K):
    """Keras / TF kernel (FH, FW, C, FN) -> filters (FN, C, FH, FW)."""
    return _layout(K, "K", "filters_from_hwio", "(FH, FW, C, FN)").transpose(3, 2, 0, 1)


# --- im2col / col2im -----------------------------------------------------------------------
def _images(x, where):
    """Images (N, C, H, W) as a float array (float32 stays float32)."""
    x = checks.array(x, "x", where, ndim=4, dtype=None, hint="x is (N, C, H, W); one grey image (H, W) is x[None, None]")
    return x if x.dtype.kind == "f" else x.astype(float)


def _window(FH, FW, S, P, where):
    """The window arguments as ints: FH, FW, S >= 1 and P >= 0."""
    return (checks.integer(FH, "FH (the window height)", where, minimum=1),
            checks.integer(FW, "FW (the window width)", where, minimum=1),
            checks.integer(S, "S (the stride)", where, minimum=1),
            checks.integer(P, "P (the padding)", where, minimum=0))


def _out_hw(H, W, FH, FW, S, P, strict):
    return output_size(H, FH, P, S, strict=strict), output_size(W, FW, P, S, strict=strict)


def im2col(x, FH, FW, S=1, P=0, *, pad_value=0.0, strict=True):
    """Unroll every window of ``x`` (N, C, H, W) into a row: returns (N*OH*OW, C*FH*FW).

    Row ``(n*OH + i)*OW + j`` holds the window whose top-left corner is at (i*S - P, j*S - P)
    in sample ``n``, its entries ordered (c, fh, fw) like a filter reshaped to a row.
    """
    x = _images(x, "im2col")
    FH, FW, S, P = _window(FH, FW, S, P, "im2col")
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
    N, C, H, W = checks.shape_tuple(input_shape, "input_shape", "col2im", length=4)
    FH, FW, S, P = _window(FH, FW, S, P, "col2im")
    OH, OW = _out_hw(H, W, FH, FW, S, P, strict)
    col = checks.array(col, "col", "col2im", shape=(N * OH * OW, C * FH * FW), dtype=None,
                       hint=f"one row of C*FH*FW numbers per window of an input {input_shape}")
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
    x = _images(x, "conv2d_naive")
    W = checks.array(W, "W", "conv2d_naive", shape=(None, x.shape[1], None, None),
                     hint=f"filters are (FN, C, FH, FW) with the input's C={x.shape[1]} channels")
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    S, P = _window(FH, FW, S, P, "conv2d_naive")[2:]
    OH, OW = _out_hw(H, Wd, FH, FW, S, P, strict)
    b = np.zeros(FN) if b is None else checks.array(b, "b", "conv2d_naive", shape=(FN,), hint="one bias per filter")
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
    image = checks.array(image, "image", "convolve_image", ndim=2, hint="one grey image is (H, W)")
    kernel = checks.array(kernel, "kernel", "convolve_image", ndim=2, hint="one kernel is (FH, FW)")
    FH, FW = kernel.shape
    OH = output_size(image.shape[0], FH, P, S, strict=strict)
    OW = output_size(image.shape[1], FW, P, S, strict=strict)
    col = im2col(image[None, None], FH, FW, S, P, strict=strict)
    return (col @ kernel.ravel()).reshape(OH, OW)
