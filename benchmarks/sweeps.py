"""``make sweeps``: train the hyperparameter explorer's default sweeps in full mode and ship them.

For each optimiser chapter 08 compares (Adam, RMSprop, SGD), every sweep of the explorer's
*sweep over* list — learning rate, dropout, hidden units, batch size, epochs — around its
starting setting, trained by the explorer's own ``sweep`` on the full MNIST split (seed 0).
The runs go to ``data/sweeps.json`` (committed) with how, where and with which library
versions they were made; the default run cache recalls them, so *Sweep* and *Train* answer at
once for those settings on a fresh machine.

    make sweeps          # about 9 minutes on a 2-core machine
"""

from __future__ import annotations

import os
import platform
import tempfile
import time


def main() -> int:
    os.environ["DLNOTES_SMOKE"] = "0"  # the learner's full-size explorer
    from dlnotes.explorers.hyperparameters import (SWEEP_BASE, SWEEP_GRIDS, SWEEP_OPTIMIZERS, HyperExplorer,
                                                   default_data, shipped_sweep_configs)
    from dlnotes.runcache import SHIPPED_RUNS, RunCache, write_shipped

    data = default_data(n_train=None, n_val=5000, n_test=None)  # as hyper_explorer() in full mode
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlnotes-sweeps-") as folder:
        cache = RunCache(folder, shipped=None)
        explorer = HyperExplorer(data, cache=cache, max_epochs=20, epochs=SWEEP_BASE["epochs"])
        for optimizer in SWEEP_OPTIMIZERS:
            for param in SWEEP_GRIDS:
                t0 = time.perf_counter()
                points = explorer.sweep(param, optimizer=optimizer, **SWEEP_BASE)
                print(f"{optimizer:8s} {param:10s} {time.perf_counter() - t0:6.1f} s  "
                      + "  ".join(f"{v:g}: {acc:.4f}" for v, acc, _ in points), flush=True)
        explorer.close()
        expected = {c.label() for c in shipped_sweep_configs()}
        assert len(cache.entries()) == len(expected), (len(cache.entries()), len(expected))
        payload = write_shipped(
            SHIPPED_RUNS, cache, how="make sweeps (python -m benchmarks.sweeps): full mode, MNIST 50,000 / 5,000 / "
                                     "10,000, seed 0",
            where=f"{platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}".replace("  ", " "))
    print(f"{len(payload['runs'])} runs in {time.perf_counter() - t_all:.0f} s -> {SHIPPED_RUNS} "
          f"({SHIPPED_RUNS.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
