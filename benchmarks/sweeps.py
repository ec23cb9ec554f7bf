"""``make sweeps``: train the hyperparameter explorer's default sweeps and the chapters' comparison runs
in full mode, and ship them.

For each optimiser chapter 08 compares (Adam, RMSprop, SGD), every sweep of the explorer's
*sweep over* list — learning rate, dropout, hidden units, batch size, epochs — around its
starting setting, trained by the explorer's own ``sweep`` on the full MNIST split (seed 0); and
the runs chapters 08 and 09 recall through ``cached_run`` (the seed's five models, chapter 08's
one-at-a-time table, chapter 09's MLP and CNN on MNIST and Fashion-MNIST:
``shipped_chapter_configs``). The runs go to ``data/sweeps.json`` (committed) with how, where and
with which library versions they were made; the default run cache recalls them, so *Sweep* and
*Train* answer at once for those settings on a fresh machine, and a full-mode chapter recalls its
comparison tables instead of training them for minutes.

A run already in ``data/sweeps.json`` with the installed library versions is carried over, not
trained again (the same description on the same versions is the same run); ``--all`` trains
everything.

    make sweeps                            # only what data/sweeps.json lacks
    python -m benchmarks.sweeps --all      # everything: about 16 minutes on a 2-core machine
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time


def carry_over(cache, shipped_file) -> int:
    """Put every run of ``shipped_file`` made with the installed versions into ``cache``; how many."""
    from dlnotes.runcache import read_shipped

    try:
        shipped = read_shipped(shipped_file)
    except (OSError, ValueError) as exc:
        print(f"nothing carried over from {shipped_file}: {exc}")
        return 0
    if shipped["versions"] != cache.versions:
        print(f"nothing carried over: {shipped_file} was made with {shipped['versions']}")
        return 0
    for run in shipped["runs"]:
        d = run["description"]
        cache.put(d["settings"], run["result"], data=d["data"], seed=d["seed"])
    return len(shipped["runs"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.sweeps", description=__doc__.split("\n\n")[0])
    ap.add_argument("--all", action="store_true", help="train every run again, carrying nothing over")
    args = ap.parse_args(argv)
    os.environ["DLNOTES_SMOKE"] = "0"  # the learner's full-size explorer
    from dlnotes.data import load_fashion_mnist
    from dlnotes.explorers.hyperparameters import (SWEEP_BASE, SWEEP_GRIDS, SWEEP_OPTIMIZERS, HyperExplorer,
                                                   cached_run, default_data, shipped_chapter_configs,
                                                   shipped_sweep_configs)
    from dlnotes.keras_models import prepare
    from dlnotes.runcache import SHIPPED_RUNS, RunCache, write_shipped

    data = default_data(n_train=None, n_val=5000, n_test=None)  # as hyper_explorer() in full mode
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlnotes-sweeps-") as folder:
        cache = RunCache(folder, shipped=None)
        carried = 0 if args.all else carry_over(cache, SHIPPED_RUNS)
        print(f"{carried} runs carried over from {SHIPPED_RUNS}", flush=True)
        explorer = HyperExplorer(data, cache=cache, max_epochs=20, epochs=SWEEP_BASE["epochs"])
        for optimizer in SWEEP_OPTIMIZERS:
            for param in SWEEP_GRIDS:
                t0 = time.perf_counter()
                points = explorer.sweep(param, optimizer=optimizer, **SWEEP_BASE)
                print(f"{optimizer:8s} {param:10s} {time.perf_counter() - t0:6.1f} s  "
                      + "  ".join(f"{v:g}: {acc:.4f}" for v, acc, _ in points), flush=True)
        explorer.close()
        fashion = load_fashion_mnist()
        sets = {}
        for name, flatten, config in shipped_chapter_configs():
            if (name, flatten) not in sets:
                sets[name, flatten] = data if (name, flatten) == ("mnist", True) else prepare(
                    *fashion, n_train=None, n_val=5000, n_test=None, flatten=flatten, seed=0, name=name)
            t0 = time.perf_counter()
            result, recalled = cached_run(config, sets[name, flatten], cache=cache, seed=0)
            print(f"{name:14s} {config.label():45s} {time.perf_counter() - t0:6.1f} s  "
                  f"test {result['test_accuracy']:.4f}{'  (carried over)' if recalled else ''}", flush=True)
        expected = len(shipped_sweep_configs()) + len(shipped_chapter_configs())
        assert len(cache.entries()) == expected, (len(cache.entries()), expected)
        payload = write_shipped(
            SHIPPED_RUNS, cache, how="make sweeps (python -m benchmarks.sweeps): full mode, every training image left after "
                                     "5,000 for validation (MNIST 50,000, Fashion-MNIST 55,000), 10,000 test, seed 0",
            where=f"{platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
                  f"Python {platform.python_version()}".replace("  ", " "))
    print(f"{len(payload['runs'])} runs in {time.perf_counter() - t_all:.0f} s -> {SHIPPED_RUNS} "
          f"({SHIPPED_RUNS.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
