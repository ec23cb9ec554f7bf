"""Playground speed (chapter 04): time of one play tick (a frame of training + redraw of every view + PNG).

Run ``python benchmarks/bench_playground.py`` (or call :func:`run`). For each configuration
it reports the median and p95 wall time of a tick, the median CPU time of a tick (less
sensitive to a busy machine), and training steps per second. The target is a median tick
of at most 100 ms, so the boundary moves several times a second.
"""

from __future__ import annotations

import json
import os
import platform
import time

import numpy as np

CONFIGS = {
    "circle 2x4 tanh, batch 10 (default)": dict(dataset="circle", hidden_layers=2, neurons=4, activation="tanh",
                                                learning_rate=0.1, batch_size=10),
    "3-class spiral 4x16 ReLU, batch 10": dict(dataset="spiral3", hidden_layers=4, neurons=16, activation="relu",
                                              learning_rate=0.1, batch_size=10),
    "spiral 4x16 tanh, batch 1 (32 steps/frame)": dict(dataset="spiral", hidden_layers=4, neurons=16,
                                                      activation="tanh", learning_rate=0.01, batch_size=1),
}


def tick_timings(settings: dict, ticks: int = 60, warmup: int = 5) -> dict:
    """Median / p95 wall ms and median CPU ms of a play tick, plus training steps per second."""
    from dlnotes.explorers.playground import playground

    ex = playground()
    ex.set(**settings)
    for _ in range(warmup):
        ex.play.value += 1
    wall, cpu = [], []
    t_train, steps = ex.state.train_seconds, ex.state.steps
    full = ex.blitter.full_redraws
    for _ in range(ticks):
        c0 = time.process_time()
        ex.play.value += 1
        cpu.append((time.process_time() - c0) * 1e3)
        wall.append(ex.last_update_ms)
    assert ex.error is None, ex.error
    n_steps = ex.state.steps - steps
    seconds = ex.state.train_seconds - t_train
    ex.set(learning_rate=settings["learning_rate"] / 2)  # a slider move: redraw only
    lr_ms = [ex.last_update_ms]
    for k in range(10):
        ex.set(learning_rate=settings["learning_rate"] * (1 + k % 2))
        lr_ms.append(ex.last_update_ms)
    return {
        "tick_median_ms": float(np.median(wall)),
        "tick_p95_ms": float(np.percentile(wall, 95)),
        "tick_cpu_median_ms": float(np.median(cpu)),
        "steps_per_tick": n_steps / ticks,
        "train_steps_per_second": n_steps / seconds if seconds else float("nan"),
        "full_redraws_in_ticks": ex.blitter.full_redraws - full,
        "slider_update_median_ms": float(np.median(lr_ms)),
    }


def run(ticks: int = 60) -> dict:
    """All configurations, with the machine's load so numbers can be compared."""
    out = {
        "machine": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "configs": {},
    }
    for name, settings in CONFIGS.items():
        out["configs"][name] = tick_timings(settings, ticks=ticks)
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
