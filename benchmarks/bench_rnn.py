"""Chapter 11 figures: recurrent networks on MNIST rows next to the MLP and CNN, the sine task, the explorer.

``run(full)`` trains the chapter's four MNIST contenders with the notebook's settings (each
recipe shortened to 3 epochs; full: all 50,000 training images after the 5,000-image validation
split, test on all 10,000; smoke: a 2,048-image subset for 2 epochs), the sine-wave task, and
times the gradient-through-time explorer kernel-side: a new weight setting (every sequence
length computed at once) and a move of the sequence-length slider (redraw only).

    python -m benchmarks.bench_rnn                # full; writes results/bench_rnn.json
    python -m benchmarks.bench_rnn --record       # ... and results/rnn.md (committed: the numbers prose may quote)
    python -m benchmarks.bench_rnn --record --notebook   # ... with the notebook's full-mode wall time
    DLNOTES_SMOKE=1 python -m benchmarks.bench_rnn
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time

import numpy as np

from benchmarks import REPO, RESULTS
from benchmarks.__main__ import run_notebook
from dlnotes import keras_models as km
from dlnotes.config import is_smoke
from dlnotes.data import load_mnist, sine_windows
from dlnotes.explorers.rnn import MAX_STEPS, gradient_through_time_explorer
from tests.explorer_checks import randomize  # the contract test's random settings

NOTEBOOK = REPO / "notebooks" / "11_recurrent_networks.ipynb"


def explorer_timings(samples: int = 60, seed: int = 0) -> dict:
    """Kernel-side milliseconds of the chapter-11 explorer: random settings, new weights, slider drags."""
    t0 = time.perf_counter()
    e = gradient_through_time_explorer()
    build_ms = (time.perf_counter() - t0) * 1e3
    drags = []
    for steps in range(1, MAX_STEPS + 1):
        t = time.perf_counter()
        e.set(steps=steps)
        drags.append((time.perf_counter() - t) * 1e3)
    new_weights = []
    for scale in (0.5, 0.75, 1.25, 1.5):  # settings not seen yet: three cells, every length
        t = time.perf_counter()
        e.set(scale=scale, keep_bias=float(scale > 1))
        new_weights.append((time.perf_counter() - t) * 1e3)
    fresh = gradient_through_time_explorer()
    rng = np.random.default_rng(seed)
    randoms = []
    for _ in range(samples):
        t = time.perf_counter()
        randomize(fresh, rng)
        randoms.append((time.perf_counter() - t) * 1e3)
    return {
        "build_ms": round(build_ms, 1),
        "slider_T_median_ms": round(statistics.median(drags), 1),
        "new_weight_setting_median_ms": round(statistics.median(new_weights), 1),
        "random_settings_median_ms": round(statistics.median(randoms), 1),
        "random_settings_p95_ms": round(float(np.percentile(randoms, 95)), 1),
        "random_settings_n": samples,
    }


def mnist_rows(full: bool) -> dict:
    """The notebook's comparison: MLP, CNN, SimpleRNN and LSTM recipes for the same few epochs."""
    sizes = dict(n_val=5000) if full else dict(n_train=2048, n_val=256, n_test=2000)
    mnist = load_mnist()
    images = km.prepare(*mnist, flatten=False, seed=0, **sizes)
    vectors = km.prepare(*mnist, flatten=True, seed=0, **sizes)
    out = {"n_train": len(images.x_train), "n_test": len(images.x_test)}
    for name, recipe, data in (("mlp", km.MLP_RECIPE, vectors), ("cnn", km.CNN_RECIPE, images),
                               ("simple_rnn", km.SIMPLE_RNN_RECIPE, images), ("lstm", km.LSTM_RECIPE, images)):
        recipe = recipe.replace(epochs=3 if full else 2, batch_size=recipe.batch_size if full else 32)
        _, result = km.train(recipe, data, seed=0)
        out[name] = {"label": recipe.label(), "test_accuracy": round(result["test_accuracy"], 4),
                     "params": result["params"], "seconds_per_epoch": [round(s, 1) for s in result["epoch_seconds"]],
                     "median_seconds_per_epoch": round(statistics.median(result["epoch_seconds"]), 1)}
        print(f"  {name:10s} {recipe.label():48s} test {result['test_accuracy']:.4f}", flush=True)
    return out


def sine_task(full: bool) -> dict:
    """The notebook's sine-wave task: SimpleRNN(32) vs 'same as the last step', and shuffled / reversed steps."""
    import keras  # heavy (TensorFlow): loaded only when the sine task runs

    sine = sine_windows(n=2000 if full else 800, steps=20, noise=0.1, seed=0)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((20, 1)), keras.layers.SimpleRNN(32), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    t0 = time.perf_counter()
    model.fit(sine.x_train, sine.y_train, epochs=20 if full else 8, batch_size=32, verbose=0)
    seconds = time.perf_counter() - t0
    order = np.random.default_rng(0).permuted(np.tile(np.arange(20), (len(sine.x_test), 1)), axis=1)
    shuffled = np.take_along_axis(sine.x_test, order[:, :, None], axis=1)

    def mse(x):
        return round(float(np.mean((model.predict(x, verbose=0)[:, 0] - sine.y_test) ** 2)), 4)

    return {"train_seconds": round(seconds, 1), "mse_in_order": mse(sine.x_test), "mse_shuffled": mse(shuffled),
            "mse_reversed": mse(sine.x_test[:, ::-1]),
            "mse_same_as_last_step": round(float(np.mean((sine.x_test[:, -1, 0] - sine.y_test) ** 2)), 4)}


def run(full: bool) -> dict:
    """Every chapter-11 figure as one dict."""
    return {
        "mode": "full" if full else "smoke",
        "explorer": explorer_timings(),
        "mnist_rows": mnist_rows(full),
        "sine": sine_task(full),
    }


def machine() -> dict:
    """Where and when: date, architecture, cores, and the 1-minute load average (now)."""
    return {"date": dt.date.today().isoformat(), "machine": platform.machine(), "cores": os.cpu_count(),
            "load_average": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None}


def record(results: dict) -> str:
    """The committed markdown record of a run (what the chapter's prose may quote)."""
    m, s, e, where = results["mnist_rows"], results["sine"], results["explorer"], results["machine"]
    notebook = results.get("notebook")
    lines = [
        "# Chapter 11 — recorded run",
        "",
        f"`python -m benchmarks.bench_rnn --record{' --notebook' if notebook else ''}` ({results['mode']} mode) on "
        f"{where['date']}: {where['machine']}, {where['cores']} cores, load average {where['load_average']} at the "
        f"end (above {where['cores']} means other work slowed the times down).",
        "",
        f"## MNIST, each recipe for {len(m['lstm']['seconds_per_epoch'])} epochs "
        f"({m['n_train']:,} training images, {m['n_test']:,} test images)",
        "",
        "| model | recipe | test accuracy | parameters | s / epoch (median) |",
        "|---|---|---|---|---|",
    ]
    names = {"mlp": "MLP 784-128-128-10", "cnn": "CNN (conv-pool ×2)", "simple_rnn": "SimpleRNN(128) on rows",
             "lstm": "LSTM(128) on rows"}
    for key, name in names.items():
        r = m[key]
        lines.append(f"| {name} | `{r['label']}` | {r['test_accuracy']:.2%} | {r['params']:,} | "
                     f"{r['median_seconds_per_epoch']} |")
    lines += [
        "",
        "## Sine task (20 noisy steps → the next value), test mean squared error",
        "",
        f"SimpleRNN(32), trained in {s['train_seconds']} s: in order {s['mse_in_order']}, steps shuffled "
        f"{s['mse_shuffled']}, reversed {s['mse_reversed']}; 'same as the last step' {s['mse_same_as_last_step']}.",
        "",
        "## Gradient-through-time explorer, kernel side",
        "",
        f"Build {e['build_ms']} ms; sequence-length slider (redraw only) median {e['slider_T_median_ms']} ms; "
        f"a new weight setting (three cells, every length) median {e['new_weight_setting_median_ms']} ms; "
        f"{e['random_settings_n']} random settings median {e['random_settings_median_ms']} ms, "
        f"p95 {e['random_settings_p95_ms']} ms.",
    ]
    if notebook:
        lines += ["", "## The notebook", "",
                  f"`notebooks/11_recurrent_networks.ipynb` top to bottom in {notebook['mode']} mode with an empty "
                  f"run cache: {notebook['seconds']} s, kernel peak {notebook['peak_rss_mib']} MiB, "
                  f"{notebook['status']}."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_rnn", description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true", help="also write results/rnn.md (the committed record)")
    ap.add_argument("--notebook", action="store_true", help="also time the notebook top to bottom (empty run cache)")
    args = ap.parse_args(argv)
    full = not is_smoke()
    results = run(full)
    if args.notebook:
        with tempfile.TemporaryDirectory() as cache:
            os.environ["DLNOTES_CACHE"] = cache  # an empty run cache: every run trains
            results["notebook"] = run_notebook(NOTEBOOK, smoke=not full, timeout=900)
    results["machine"] = machine()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_rnn.json").write_text(json.dumps(results, indent=1))
    if args.record:
        (RESULTS / "rnn.md").write_text(record(results))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
