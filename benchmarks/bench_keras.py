"""Keras training speed on MNIST: the fast MLP and CNN recipes of chapters 08 and 09.

Chapter 09's fast CNN (``km.FAST_CNN_RECIPE``: batch normalisation, 4 epochs) is timed against
keras-io's compact CNN (``km.CNN_RECIPE``, 15 epochs), and ``ablation`` trains the fast CNN
without batch normalisation, with data augmentation and with a residual block, on MNIST and
Fashion-MNIST (``python -m benchmarks.bench_keras --only fast_cnn,ablation``).

Full mode (``run(full=True)``) trains on all 55,000 training images and reports test accuracy
on the 10,000 test images, seconds per epoch and in total, and for the CNN the ratio of its
wall time to a compute lower bound: the training FLOP per image (:func:`training_flop_per_sample`,
three passes of each Conv2D and Dense layer's multiply-adds: 14.6 MFLOP for keras-io's convnet,
6.7 MFLOP for the fast CNN) times the images, divided by this machine's measured float32
matrix-multiply speed. The seed's own MLP setting (Adam, batch 128, 20 epochs, dropout 0.3) is timed beside
the fast MLP recipe for comparison. Smoke mode trains each recipe briefly on a subset.

    python -m benchmarks.bench_keras                    # full
    python -m benchmarks.bench_keras --record           # ... and results/keras.md (committed)
    DLNOTES_SMOKE=1 python -m benchmarks.bench_keras
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

NOMINAL_GFLOPS = 135.0
"""This machine's float32 BLAS speed when it is not shared (120–150 GFLOP/s); used for a second ratio."""
MLP_FLOP_PER_SAMPLE = 6 * (784 * 128 + 128 * 128 + 128 * 10)
"""Forward + backward FLOP of the 784-128-128-10 MLP per training image (6 × weights)."""


def training_flop_per_sample(model) -> float:
    """Forward + backward FLOP per training image of a Keras model: 3 × 2 × its multiply-adds (Conv2D, Dense)."""
    macs = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            kh, kw, c_in, c_out = layer.kernel.shape
            _, h, w, _ = layer.output.shape
            macs += h * w * c_out * kh * kw * c_in
        elif kind == "Dense":
            macs += int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
    return 6.0 * macs


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
    fast_flop = training_flop_per_sample(km.fast_cnn())
    runs = [("fast_cnn", km.FAST_CNN_RECIPE, images, fast_flop),
            ("cnn", km.CNN_RECIPE, images, training_flop_per_sample(km.cnn())), ("mlp", km.MLP_RECIPE, flat, MLP_FLOP_PER_SAMPLE)]
    if full:
        seed_mlp = km.SEED_TABLE[-1][1]  # Adam, dropout 0.3, batch 128, 20 epochs, constant rate
        runs.append(("mlp_seed_setting", seed_mlp, flat, MLP_FLOP_PER_SAMPLE))
    if not only or any(n == "ablation" or n.startswith("ablation/") for n in only):
        from dlnotes.data import load_fashion_mnist

        fashion = km.prepare(*load_fashion_mnist(), n_val=0, n_train=n_train, flatten=False, seed=0,
                             name="fashion_mnist")
        for data_name, data in (("mnist", images), ("fashion_mnist", fashion)):
            for model in km.FAST_CNN_VARIANTS:
                cfg = km.FAST_CNN_RECIPE.replace(model=model)
                flop = training_flop_per_sample(km.build(cfg, data.x_train.shape[1:]))
                runs.append((f"ablation/{data_name}/{model}", cfg, data, flop))
    for name, cfg, data, flop in runs:
        if only and name not in only and not (name.startswith("ablation/") and "ablation" in only):
            continue
        if not full:
            cfg = cfg.replace(epochs=1)
        if name == "ablation/mnist/fast_cnn" and "fast_cnn" in out:  # the same run as "fast_cnn"
            out[name] = out["fast_cnn"]
            continue
        _, result = km.train(cfg, data, seed=0, validate=False)
        out[name] = _summary(cfg, result, len(data.x_train), flop, gflops)
        print(f"{name:34s} {cfg.label():45s} test {result['test_accuracy']:.4f}  "
              f"{result['train_seconds']:6.1f} s  per epoch {[round(s, 1) for s in result['epoch_seconds']]}", flush=True)
    if full:
        out["targets_met"] = {f"{k}_test_accuracy_ge_{t}": out[k]["test_accuracy"] >= t
                              for k, t in (("mlp", 0.98), ("cnn", 0.992), ("fast_cnn", 0.992)) if k in out}
        if "fast_cnn" in out:
            out["targets_met"]["fast_cnn_train_seconds_le_60"] = out["fast_cnn"]["train_seconds"] <= 60
    return out


ABLATION_NAMES = {"fast_cnn": "fast CNN (batch normalisation)", "fast_cnn_no_bn": "same without batch normalisation",
                  "fast_cnn_bn_after_relu": "batch normalisation after the ReLU instead",
                  "fast_cnn_augment": "+ image augmentation (shifts up to 10 %)",
                  "fast_cnn_residual": "+ one residual block (two 3×3 convs, 32 filters)"}


def record(results: dict) -> str:
    """The committed record (``results/keras.md``): the numbers chapter 09's prose quotes."""
    import datetime as _dt
    import platform

    from benchmarks.__main__ import _table

    def table(rows):
        return _table(["model", "recipe", "test accuracy", "parameters", "training s", "s / epoch (median)",
                       "compute lower bound s", "wall / bound"],
                      [[label, f"`{r['label']}`", f"{r['test_accuracy']:.2%}", f"{r['params']:,}",
                        f"{r['train_seconds']:.1f}", f"{np.median(r['seconds_per_epoch']):.1f}",
                        f"{r['compute_lower_bound_seconds']:.1f}", f"{r['ratio_to_lower_bound']:.1f}×"]
                       for label, r in rows])
    lines = [f"# Chapter 09 — recorded Keras runs ({results['mode']} mode)", "",
             f"`python -m benchmarks.bench_keras --record` on {_dt.date.today().isoformat()}: {platform.machine()}, "
             f"{results['cpu_count']} cores, TensorFlow {results['versions']['tensorflow']}, Keras "
             f"{results['versions']['keras']}; float32 matrix multiply {results['blas_gflops']:.0f} GFLOP/s (the "
             f"compute lower bound is the training FLOP divided by it); {results['n_train']:,} training images, "
             f"{results['n_test']:,} test images, seed 0.", ""]
    if "fast_cnn" in results and "cnn" in results:
        lines += ["## The fast CNN against keras-io's compact CNN (MNIST)", "",
                  *table([("fast CNN (batch normalisation)", results["fast_cnn"]),
                          ("keras-io compact CNN", results["cnn"])]), ""]
    for data, title in (("mnist", "MNIST"), ("fashion_mnist", "Fashion-MNIST")):
        names = [n for n in ABLATION_NAMES if f"ablation/{data}/{n}" in results]
        if names:
            epochs = len(results[f"ablation/{data}/{names[0]}"]["seconds_per_epoch"])
            lines += [f"## What each ingredient does: {title}, {epochs} epochs each", "",
                      *table([(ABLATION_NAMES[n], results[f"ablation/{data}/{n}"]) for n in names]), ""]
    lines.append(f"Load average at the end: {results.get('load_average_1min_after', float('nan')):.1f} (above 2 means "
                 "other work slowed the times down).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from dlnotes.config import is_smoke

    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
    results = run(full=not is_smoke(), only=only)
    results["load_average_1min_after"] = os.getloadavg()[0]
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
    if "--record" in sys.argv:
        (target.parent / "keras.md").write_text(record(results))
