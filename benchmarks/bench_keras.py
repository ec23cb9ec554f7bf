"""Keras training speed on MNIST: the fast MLP and CNN recipes of chapters 08 and 09.

Full mode (``run(full=True)``) trains on all 55,000 training images and reports test accuracy
on the 10,000 test images, seconds per epoch and in total, and for the CNN the ratio of its
wall time to a compute lower bound (about 14.3 MFLOP per training image for the forward and
backward pass of that convnet, divided by this machine's measured float32 matrix-multiply
speed). The seed's own MLP setting (Adam, batch 128, 20 epochs, dropout 0.3) is timed beside
the fast MLP recipe for comparison. Smoke mode trains each recipe briefly on a subset.

    python benchmarks/bench_keras.py          # full
    DLNOTES_SMOKE=1 python benchmarks/bench_keras.py
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

CNN_FLOP_PER_SAMPLE = 14.3e6
"""Forward + backward multiply-adds ×2 of the compact CNN per training image (≈ 3 × 4.8 MFLOP forward)."""
NOMINAL_GFLOPS = 135.0
"""This machine's float32 BLAS speed when it is not shared (120–150 GFLOP/s); used for a second ratio."""
MLP_FLOP_PER_SAMPLE = 6 * (784 * 128 + 128 * 128 + 128 * 10)
"""Forward + backward FLOP of the 784-128-128-10 MLP per training image (6 × weights)."""


def blas_gflops(n: int = 1024, repeats: int = 5) -> float:
    """Best-of-``repeats`` float32 matrix-multiply speed of this machine, in GFLOP/s."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _summary(config, result, n_train, flop_per_sample, gflops):
    epochs = result["epoch_seconds"]
    lower = flop_per_sample * n_train * len(epochs) / (gflops * 1e9)
    return {
        "config": config.as_dict(),
        "label": config.label(),
        "test_accuracy": result["test_accuracy"],
        "seconds_per_epoch": epochs,
        "mean_seconds_per_epoch_after_first": float(np.mean(epochs[1:])) if len(epochs) > 1 else epochs[0],
        "train_seconds": result["train_seconds"],
        "params": result["params"],
        "compute_lower_bound_seconds": lower,
        "ratio_to_lower_bound": result["train_seconds"] / lower,
        "ratio_to_lower_bound_at_nominal_gflops": result["train_seconds"] * NOMINAL_GFLOPS / (gflops * lower),
    }


def run(full: bool, only=None) -> dict:
    """Train the MLP and CNN recipes (full: all of MNIST; else a short subset run); returns the numbers.

    ``only``: names of the runs to do ("cnn", "mlp", "mlp_seed_setting"); default all.
    """
    import keras
    import tensorflow as tf

    from dlnotes import keras_models as km
    from dlnotes.data import load_mnist

    mnist = load_mnist()
    n_train = None if full else 2048
    flat = km.prepare(*mnist, n_val=0, n_train=n_train, flatten=True, seed=0)
    images = km.prepare(*mnist, n_val=0, n_train=n_train, flatten=False, seed=0)
    gflops = blas_gflops()
    out = {
        "mode": "full" if full else "smoke",
        "n_train": len(flat.x_train), "n_test": len(flat.x_test),
        "blas_gflops": gflops,
        "cpu_count": os.cpu_count(),
        "tf_threads": {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                       "inter_op": tf.config.threading.get_inter_op_parallelism_threads()},
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__},
    }
    runs = [("cnn", km.CNN_RECIPE, images, CNN_FLOP_PER_SAMPLE), ("mlp", km.MLP_RECIPE, flat, MLP_FLOP_PER_SAMPLE)]
    if full:
        seed_mlp = km.SEED_TABLE[-1][1]  # Adam, dropout 0.3, batch 128, 20 epochs, constant rate
        runs.append(("mlp_seed_setting", seed_mlp, flat, MLP_FLOP_PER_SAMPLE))
    for name, cfg, data, flop in runs:
        if only and name not in only:
            continue
        if not full:
            cfg = cfg.replace(epochs=1)
        _, result = km.train(cfg, data, seed=0, validate=False)
        out[name] = _summary(cfg, result, len(data.x_train), flop, gflops)
        print(f"{name:18s} {cfg.label():45s} test {result['test_accuracy']:.4f}  "
              f"{result['train_seconds']:6.1f} s  per epoch {[round(s, 1) for s in result['epoch_seconds']]}", flush=True)
    if full:
        out["targets_met"] = {f"{k}_test_accuracy_ge_{t}": out[k]["test_accuracy"] >= t
                              for k, t in (("mlp", 0.98), ("cnn", 0.992)) if k in out}
    return out


if __name__ == "__main__":
    from dlnotes.config import is_smoke

    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    results = run(full=not is_smoke(), only=only)
    target = Path(__file__).resolve().parent / "results" / "bench_keras.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    if only and target.is_file():  # keep the other runs' numbers from the last full benchmark
        previous = json.loads(target.read_text())
        if previous.get("mode") == results["mode"]:
            results = {**previous, **results,
                       "targets_met": {**previous.get("targets_met", {}), **results.get("targets_met", {})}}
    target.write_text(json.dumps(results, indent=1))
    print(json.dumps({k: v for k, v in results.items() if k not in ("mlp", "cnn", "mlp_seed_setting")}, indent=1))
    print("written to", target, file=sys.stderr)
