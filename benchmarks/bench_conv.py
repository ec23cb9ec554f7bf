"""Convolution timings for chapter 06: naive loops vs im2col vs tf.nn.conv2d, and the numpy CNN's epoch time.

Run ``python benchmarks/bench_conv.py`` (or call :func:`run`); numbers are medians over repeats.
Set ``OPENBLAS_NUM_THREADS=1`` on a busy machine: oversubscribed BLAS threads slow numpy a lot.
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np


def _median_seconds(fn, repeats):
    fn()  # warm-up (first-call allocations, TF kernel selection)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def conv_layer_timings(N=32, C=16, H=14, FN=32, F=3, repeats=5, naive_repeats=2, seed=0) -> dict:
    """Forward time of one conv layer (N, C, H, H) * (FN, C, F, F), pad F//2: loops, im2col, TensorFlow (float32 and 64)."""
    import tensorflow as tf

    from dlnotes.conv import conv2d_naive, filters_to_hwio, nchw_to_nhwc
    from dlnotes.layers import Conv2D

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, C, H, H))
    W, b = rng.normal(size=(FN, C, F, F)), np.zeros(FN)
    P = F // 2
    layer = Conv2D(W, b, 1, P)
    x64, k64 = tf.constant(nchw_to_nhwc(x)), tf.constant(filters_to_hwio(W))
    x32, k32 = tf.cast(x64, tf.float32), tf.cast(k64, tf.float32)
    t_naive = _median_seconds(lambda: conv2d_naive(x, W, b, 1, P), naive_repeats)
    t_im2col = _median_seconds(lambda: layer.forward(x), repeats)
    t_tf64 = _median_seconds(lambda: tf.nn.conv2d(x64, k64, 1, "SAME").numpy(), repeats)
    t_tf32 = _median_seconds(lambda: tf.nn.conv2d(x32, k32, 1, "SAME").numpy(), repeats)
    return {
        "layer": f"x ({N}, {C}, {H}, {H}), W ({FN}, {C}, {F}, {F}), stride 1, pad {P}",
        "naive_ms": t_naive * 1e3,
        "im2col_ms": t_im2col * 1e3,
        "tf_float64_ms": t_tf64 * 1e3,
        "tf_float32_ms": t_tf32 * 1e3,
        "naive_over_im2col": t_naive / t_im2col,
        "im2col_over_tf_float64": t_im2col / t_tf64,
        "im2col_over_tf_float32": t_im2col / t_tf32,
    }


def cnn_epoch_time(n_train=2000, batch_size=100, filters=16, seed=0) -> dict:
    """Seconds for one training epoch of dlnotes.network.simple_cnn with Adam on ``n_train`` MNIST digits."""
    from dlnotes.data import load_mnist
    from dlnotes.network import simple_cnn
    from dlnotes.optimizers import Adam
    from dlnotes.training import Trainer

    (x_train, y_train), _ = load_mnist(download=False)
    x, t = x_train[:n_train, None] / 255.0, y_train[:n_train]
    trainer = Trainer(simple_cnn(filters=filters, seed=seed), Adam(1e-3), x, t, batch_size=batch_size, seed=seed)
    t0 = time.perf_counter()
    trainer.run(-(-n_train // batch_size))
    seconds = time.perf_counter() - t0
    return {
        "cnn": f"simple_cnn(filters={filters}), Adam, batch {batch_size}",
        "n_train": n_train,
        "epoch_s": seconds,
        "ms_per_sample": seconds / n_train * 1e3,
        "full_epoch_55k_s_estimate": seconds / n_train * 55_000,
    }


def run() -> dict:
    """All chapter-06 timings as one dict (with the environment they were measured in)."""
    out = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "conv": conv_layer_timings(),
    }
    try:
        out["cnn_epoch"] = cnn_epoch_time()
    except Exception as exc:  # noqa: BLE001 - no MNIST copy: report why, keep the conv timings
        out["cnn_epoch"] = {"skipped": f"{type(exc).__name__}: {exc}"}
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
