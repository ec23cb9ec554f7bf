"""Playground speed (chapter 04): the cost of one frame while playing, split into its parts.

Run ``python benchmarks/bench_playground.py`` (or call :func:`run`). For each configuration
it plays ``ticks`` frames as the Play widget does (one epoch of training, the whole network
picture, the output, the loss curves, a PNG) and reports, per frame, the median wall time of

- ``train_ms``  — the epoch of mini-batch steps (:class:`dlnotes.training.Trainer`) and the
  train / test loss;
- ``update_ms`` — every neuron over the grid and the artists updated in place;
- ``render_ms`` — drawing: the cached background restored, the changing artists drawn;
- ``encode_ms`` — the PNG the browser receives;
- ``other_ms``  — the rest of the tick (reading the controls, the status line);

their sum ``total_ms``, and ``kernel_fps`` = 1000 / median total: the frame rate the kernel
alone could sustain. What the browser shows (transport and decoding included) is measured by
the real-browser test ``test_playground_plays_and_its_frame_rate_is_recorded`` (``"playing"``
in ``benchmarks/results/browser_latency.json``); ``make bench`` runs both. The median CPU time
of a tick (less sensitive to a busy machine) and training steps per second are reported too.
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np

CONFIGS = {
    "circle, 2x4 tanh (default)": {},
    "spiral, 4x8 ReLU": dict(dataset="spiral", hidden_layers=4, neurons=8, activation="relu"),
    "spiral, 4x8 ReLU, all 7 features, Adam, L1": dict(
        dataset="spiral", hidden_layers=4, neurons=8, activation="relu", x1_sq=True, x2_sq=True, x1x2=True,
        sin_x1=True, sin_x2=True, optimizer="Adam", learning_rate=0.01, regularization="l1", reg_rate=0.001),
    "3-class spiral, 6x16 ReLU (the largest picture)": dict(dataset="spiral3", hidden_layers=6, neurons=16,
                                                            activation="relu"),
    "multi-Gaussian regression, 2x8 tanh": dict(dataset="multi_gaussian", hidden_layers=2, neurons=8),
}
PARTS = ("train_ms", "update_ms", "render_ms", "encode_ms", "other_ms", "total_ms")


def frame_costs(settings: dict, ticks: int = 60, warmup: int = 70) -> dict:
    """Median per-frame cost of each part (ms), kernel frames per second, CPU ms, steps per second.

    ``warmup`` frames first, so the loss axes have settled (their rescaling redraws everything).
    """
    from dlnotes.explorers.playground import playground

    ex = playground(settings)
    for _ in range(warmup):
        ex.play.value += 1
    ex.frame_costs.clear()
    cpu = []
    t_train, steps, full = ex.state.train_seconds, ex.state.steps, ex.blitter.full_redraws
    for _ in range(ticks):
        c0 = time.process_time()
        ex.play.value += 1
        cpu.append((time.process_time() - c0) * 1e3)
    assert ex.error is None, ex.error
    costs = list(ex.frame_costs)
    out = {part: float(np.median([c[part] for c in costs])) for part in PARTS}
    out["total_p95_ms"] = float(np.percentile([c["total_ms"] for c in costs], 95))
    out["kernel_fps"] = 1000.0 / out["total_ms"]
    out["tick_cpu_median_ms"] = float(np.median(cpu))
    seconds = ex.state.train_seconds - t_train
    out["train_steps_per_second"] = (ex.state.steps - steps) / seconds if seconds else float("nan")
    out["full_redraws_in_ticks"] = ex.blitter.full_redraws - full
    out["png_kib"] = len(ex.png) / 1024
    return out


def run(ticks: int = 60) -> dict:
    """All configurations, with the machine's load so numbers can be compared."""
    out = {
        "machine": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "configs": {},
    }
    for name, settings in CONFIGS.items():
        out["configs"][name] = {k: round(v, 2) for k, v in frame_costs(settings, ticks=ticks).items()}
    out["load_average_1min_after"] = os.getloadavg()[0]
    return out


if __name__ == "__main__":
    import matplotlib

    matplotlib.use("Agg")
    result = run()
    print(json.dumps(result, indent=1))
    path = os.path.join(os.path.dirname(__file__), "results", "bench_playground.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
