"""``make bench``: measure the course and write ``benchmarks/results/`` (JSON) and ``summary.md``.

Measured:

- per notebook: wall time of a full top-to-bottom run through nbclient and the peak
  resident memory of its kernel (psutil polls the kernel process and its children),
  in smoke mode, and with ``--full`` also in full mode;
- per explorer in :data:`dlnotes.explorers.base.REGISTRY`: kernel-side update time (one
  ``randomize`` call of ``tests/explorer_checks.py``: update + PNG render), median and p95, in
  wall and CPU time (CPU time is what a busy shared machine does not distort); and a drag:
  each slider moved notch by notch, as a learner's mouse does, median per move;
- per blitted explorer: update + render time with blitting and with a plain full redraw,
  over the same random settings (and, for the playground, over Play animation frames);
- in the browser: key press -> new image, per explorer in the notebooks (the
  real-browser tests in ``tests/browser`` run with several moves per control);
- training figures from the chapter benchmarks ``benchmarks/bench_*.py`` (``bench_conv``
  ``run()``, ``bench_keras`` ``run(full)``, ...) when those files exist.

Usage: ``python -m benchmarks [--full] [--only 03_*] [--skip notebooks,explorers,blitting,browser,training]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import importlib
import json
import os
import pkgutil
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from benchmarks import REPO, RESULTS

PARTS = ("notebooks", "explorers", "blitting", "browser", "training")
MAX_TRAINING_FIGURES = 12  # per benchmark module in summary.md; training.json has them all


# --------------------------------------------------------------------------- helpers
def percentile(values, q):
    """The ``q``-th percentile with linear interpolation (as numpy.percentile)."""
    v = sorted(values)
    if not v:
        return None
    k = (len(v) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def _r(x, nd=1):
    return None if x is None else round(float(x), nd)


def machine() -> dict:
    """CPU model, cores and RAM of this machine (from /proc), plus the software versions."""
    cpu, mem_kb = platform.processor() or platform.machine(), None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": _r(mem_kb / 2**20) if mem_kb else None,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "load_average_1min_at_start": _r(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    for pkg in ("numpy", "matplotlib", "tensorflow", "keras", "jupyterlab", "ipywidgets"):
        try:
            from importlib.metadata import version

            info[pkg] = version(pkg if pkg != "tensorflow" else _tf_dist())
        except Exception:  # noqa: BLE001 - a missing package is just not reported
            pass
    return info


def _tf_dist() -> str:
    from importlib.metadata import PackageNotFoundError, version

    for name in ("tensorflow", "tensorflow-cpu"):
        try:
            version(name)
            return name
        except PackageNotFoundError:
            continue
    return "tensorflow"


def write_json(name: str, data) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=1, default=str))
    return path


def merge_rows(name: str, rows: list[dict], key) -> list[dict]:
    """``rows`` plus the rows of the last run in ``name`` that this run did not redo (``--only``)."""
    done = {key(r) for r in rows}
    old = [r for r in (read_json(name) or []) if isinstance(r, dict) and key(r) not in done]
    if name == "notebooks.json":
        existing = {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
        old = [r for r in old if r.get("notebook") in existing]
    return sorted(old + rows, key=lambda r: tuple(str(k) for k in key(r)))


def use_course_data() -> None:
    """Point DLNOTES_DATA at the course's shared MNIST copy when it is unset (as tests/conftest.py does)."""
    if os.environ.get("DLNOTES_DATA") or (REPO / "data" / "mnist.npz").is_file():
        return
    shared = REPO.parent / "shared" / "data"
    if (shared / "mnist.npz").is_file():
        os.environ["DLNOTES_DATA"] = str(shared)


def read_json(name: str):
    try:
        return json.loads((RESULTS / name).read_text())
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- notebooks
class KernelMemory(threading.Thread):
    """Polls the resident memory of an nbclient kernel (process + children); keeps the peak."""

    def __init__(self, client, interval: float = 0.05):
        super().__init__(daemon=True)
        self.client, self.interval = client, interval
        self.peak = 0
        self._halt = threading.Event()

    def run(self):
        import psutil

        proc = None
        while not self._halt.is_set():
            if proc is None:
                km = getattr(self.client, "km", None)
                pid = getattr(getattr(km, "provisioner", None), "pid", None)
                if pid:
                    try:
                        proc = psutil.Process(pid)
                    except psutil.Error:
                        proc = None
            if proc is not None:
                try:
                    rss = proc.memory_info().rss
                    for child in proc.children(recursive=True):
                        try:
                            rss += child.memory_info().rss
                        except psutil.Error:
                            pass
                    self.peak = max(self.peak, rss)
                except psutil.Error:
                    pass  # the kernel has exited
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join(5)
        return self.peak


FULL_RECORDS = RESULTS / "full"
"""Where a full-mode run leaves its record: every text the notebook printed (committed: the numbers prose quotes)."""


def notebook_text(nb) -> str:
    """The text outputs of an executed notebook, cell by cell: printed lines, results and errors."""
    parts = []
    for i, cell in enumerate(nb.cells):
        texts = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            elif out.get("output_type") in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
                if "image/png" not in out["data"] and "application/vnd.jupyter.widget-view+json" not in out["data"]:
                    texts.append(out["data"]["text/plain"] + "\n")
            elif out.get("output_type") == "error":
                texts.append(f"{out.get('ename')}: {out.get('evalue')}\n")
        if texts:
            parts.append(f"--- cell {i} ---\n" + "".join(texts).rstrip() + "\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(parts))  # no terminal colours (Keras' summary)


def run_notebook(path: Path, *, smoke: bool, timeout: int) -> dict:
    """Execute one notebook top to bottom with nbclient; its wall time and kernel peak RSS.

    A full-mode run starts from an empty run cache (every run trains, as on a learner's first
    visit) and writes what the notebook printed to ``results/full/<notebook>.txt``.
    """
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    os.environ["DLNOTES_SMOKE"] = "1" if smoke else "0"
    cache = None if smoke else tempfile.TemporaryDirectory(prefix="dlnotes-runs-")
    previous_cache = os.environ.get("DLNOTES_CACHE")
    if cache is not None:
        os.environ["DLNOTES_CACHE"] = cache.name
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    mem = KernelMemory(client)
    mem.start()
    t0 = time.perf_counter()
    status, error = "ok", None
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - record the failure, keep benchmarking
        status, error = "error", f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - t0
    peak = mem.stop()
    if cache is not None:
        cache.cleanup()
        if previous_cache is None:
            os.environ.pop("DLNOTES_CACHE", None)
        else:
            os.environ["DLNOTES_CACHE"] = previous_cache
        FULL_RECORDS.mkdir(parents=True, exist_ok=True)
        name = str(path.relative_to(REPO / "notebooks")).replace("/", "_").removesuffix(".ipynb")
        (FULL_RECORDS / f"{name}.txt").write_text(
            f"# {path.relative_to(REPO)} in full mode, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"{seconds:.0f} s, {status}{': ' + error if error else ''}\n\n" + notebook_text(nb))
    return {"notebook": path.name, "mode": "smoke" if smoke else "full", "seconds": _r(seconds),
            "peak_rss_mib": _r(peak / 2**20) if peak else None, "status": status, "error": error}


def bench_notebooks(notebooks: list[Path], *, full: bool, timeout: int) -> list[dict]:
    rows = []
    modes = [True, False] if full else [True]
    for smoke in modes:
        for nb in notebooks:
            print(f"  notebook {nb.name} ({'smoke' if smoke else 'full'}) ...", flush=True)
            row = run_notebook(nb, smoke=smoke, timeout=timeout)
            print(f"    {row['seconds']} s, kernel peak {row['peak_rss_mib']} MiB, {row['status']}"
                  + (f": {row['error']}" if row["error"] else ""), flush=True)
            rows.append(row)
    return rows


# --------------------------------------------------------------------------- explorers
def load_registry():
    """Import every module of ``dlnotes.explorers`` so that each ``@register`` runs; the registry.

    A module that fails to import is reported and skipped: one broken explorer must not hide the others.
    """
    import dlnotes.explorers
    from dlnotes.explorers.base import REGISTRY

    for mod in pkgutil.iter_modules(dlnotes.explorers.__path__):
        try:
            importlib.import_module(f"dlnotes.explorers.{mod.name}")
        except Exception as exc:  # noqa: BLE001 - one broken module must not hide the others
            print(f"  cannot import dlnotes.explorers.{mod.name}: {exc}", flush=True)
    return REGISTRY


def bench_explorers(samples: int, budget_s: float, *, only: str | None = None) -> list[dict]:
    """Kernel-side update time of every registered explorer over random settings (seed 0)."""
    import numpy as np
    from matplotlib import pyplot as plt

    from tests.explorer_checks import randomize  # the contract test's random settings

    os.environ.setdefault("DLNOTES_SMOKE", "1")
    rows = []
    for name, factory in sorted(load_registry().items()):
        if only and not fnmatch.fnmatch(name, only):
            continue
        row = {"explorer": name, "mode": "smoke" if os.environ["DLNOTES_SMOKE"] == "1" else "full"}
        figs = len(plt.get_fignums())
        t0 = time.perf_counter()
        try:
            ex = factory()
        except Exception as exc:  # noqa: BLE001
            row.update(status="error", error=f"build failed: {type(exc).__name__}: {exc}")
            rows.append(row)
            continue
        row["build_ms"] = _r((time.perf_counter() - t0) * 1e3)
        row["expensive"] = bool(getattr(ex, "expensive", False))
        rng = np.random.default_rng(0)
        times, cpu, errors, warns = [], [], 0, 0
        start = time.perf_counter()
        while len(times) < samples and (time.perf_counter() - start < budget_s or len(times) < 3):
            t, c = time.perf_counter(), time.process_time()
            randomize(ex, rng)
            times.append((time.perf_counter() - t) * 1e3)
            cpu.append((time.process_time() - c) * 1e3)
            errors += ex.error is not None
            warns += bool(ex.warnings)
        drag = [] if row["expensive"] else drag_times(ex, budget_s / 2)
        row.update(
            status="ok", samples=len(times), median_ms=_r(statistics.median(times)),
            p95_ms=_r(percentile(times, 95)), max_ms=_r(max(times)), median_cpu_ms=_r(statistics.median(cpu)),
            drag_median_ms=_r(statistics.median(drag)) if drag else None, drag_moves=len(drag),
            settings_with_error=errors, settings_with_warnings=warns,
            leaked_figures=len(plt.get_fignums()) - figs,
        )
        print(f"  {name}: median {row['median_ms']} ms (cpu {row['median_cpu_ms']}), p95 {row['p95_ms']} ms "
              f"(n={len(times)}); drag median {row['drag_median_ms']} ms", flush=True)
        rows.append(row)
    return rows


def drag_times(explorer, budget_s: float, notches: int = 8) -> list[float]:
    """ms per move while each slider of ``explorer`` is dragged ``notches`` notches from its start,
    one notch per update, as the browser sends them during a mouse drag (update + PNG render)."""
    import ipywidgets as W
    import numpy as np

    out = []
    start = time.perf_counter()
    for w in explorer.controls.values():
        if not isinstance(w, (W.FloatSlider, W.IntSlider, W.FloatLogSlider)) or w.disabled:
            continue
        up = w.value <= (w.min + w.max) / 2
        for _ in range(notches):
            if time.perf_counter() - start > budget_s:
                return out
            if isinstance(w, W.FloatLogSlider):
                new = w.base ** (np.log10(w.value) / np.log10(w.base) + (w.step if up else -w.step))
                new = min(max(new, w.base**w.min), w.base**w.max)
            else:
                new = min(max(w.value + (w.step if up else -w.step), w.min), w.max)
            if new == w.value:
                break  # at the end of its range
            t = time.perf_counter()
            w.value = new
            out.append((time.perf_counter() - t) * 1e3)
    return out


def bench_blitting(samples: int, ticks: int, *, only: str | None = None) -> list[dict]:
    """Update + render ms of every blitted explorer with blitting and with a plain full redraw.

    Two copies of the explorer, one with ``blitting`` off, go through the same random settings
    (seed 0) in alternation, so a busy machine slows both alike. An explorer with a Play widget
    (``play``: the playground) is also timed over ``ticks`` animation frames, the case blitting
    was written for. ``speedup`` is the full-redraw median over the blitted median.
    """
    import numpy as np

    from tests.explorer_checks import randomize

    rows = []
    for name, factory in sorted(load_registry().items()):
        if only and not fnmatch.fnmatch(name, only):
            continue
        try:
            pair = [factory()]
        except Exception as exc:  # noqa: BLE001 - reported by bench_explorers; blitting is measured on the others
            print(f"  {name}: cannot build: {type(exc).__name__}: {exc}", flush=True)
            continue
        if getattr(pair[0], "blitter", None) is None:
            continue
        pair.append(factory())
        pair[1].blitting = False
        pair[1].refresh()
        scenarios = {"random settings": lambda ex, rng: randomize(ex, rng)}
        if getattr(pair[0], "play", None) is not None:
            scenarios = {"Play frames": lambda ex, rng: setattr(ex.play, "value", ex.play.value + 1), **scenarios}
        for scenario, move in scenarios.items():
            n = ticks if scenario == "Play frames" else samples
            times = ([], [])
            rngs = (np.random.default_rng(0), np.random.default_rng(0))
            for _ in range(n):
                for k, ex in enumerate(pair):
                    move(ex, rngs[k])
                    times[k].append(ex.last_update_ms)
            errors = sum(ex.error is not None for ex in pair)
            blit, full = (statistics.median(t) for t in times)
            row = {"explorer": name, "scenario": scenario, "samples": n,
                   "blit_median_ms": _r(blit), "blit_p95_ms": _r(percentile(times[0], 95)),
                   "full_median_ms": _r(full), "full_p95_ms": _r(percentile(times[1], 95)),
                   "speedup": _r(full / blit, 2), "errors": errors}
            print(f"  {name} ({scenario}): blit {row['blit_median_ms']} ms, full redraw {row['full_median_ms']} ms "
                  f"(x{row['speedup']}, n={n})", flush=True)
            rows.append(row)
    return rows


# --------------------------------------------------------------------------- browser
def bench_browser(moves: int, only: str | None) -> dict | None:
    """Run the real-browser tests of every chapter in both editions with ``moves`` moves per control;
    their latency JSON."""
    env = dict(os.environ, DLNOTES_SMOKE="1", DLNOTES_BROWSER_MOVES=str(moves),
               DLNOTES_BROWSER_EXPLORER_BUDGET=os.environ.get("DLNOTES_BROWSER_EXPLORER_BUDGET", "60"))
    modules = sorted(str(p.relative_to(REPO)) for p in (REPO / "tests" / "browser").glob("test_jupyterlab*.py"))
    cmd = [sys.executable, "-m", "pytest", *modules, "-q", "-p", "no:cacheprovider",
           "-k", "not reported" + (f" and {key}" if (key := (only or "").replace("*", "").removesuffix(".ipynb")) else "")]
    if not only:  # every notebook is browsed: no row of an earlier run may stay in the table
        (RESULTS / "browser_latency.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env)
    data = read_json("browser_latency.json")
    if data is not None:
        data["pytest_exit_code"] = proc.returncode
        data["bench_wall_s"] = _r(time.perf_counter() - t0)
        write_json("browser_latency.json", data)
    return data


# --------------------------------------------------------------------------- training
def bench_training(full: bool) -> dict:
    """Figures from every chapter benchmark ``benchmarks/bench_*.py`` that has a ``run()``.

    ``run(full)`` when it takes a ``full`` argument (bench_keras), else ``run()`` (bench_conv).
    """
    import inspect

    out = {}
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        name = path.stem
        print(f"  {name} ...", flush=True)
        t0 = time.perf_counter()
        try:
            mod = importlib.import_module(f"benchmarks.{name}")
            run = getattr(mod, "run", None)
            if run is None:
                continue
            result = run(full=full) if "full" in inspect.signature(run).parameters else run()
            out[name] = {"status": "ok", "seconds": _r(time.perf_counter() - t0), "result": result}
        except Exception as exc:  # noqa: BLE001
            out[name] = {"status": "error", "error": f"{type(exc).__name__}: {exc}",
                         "traceback": traceback.format_exc()[-2000:]}
    return out


# --------------------------------------------------------------------------- summary
def _table(header, rows) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("–" if c is None else str(c) for c in row) + " |" for row in rows]
    return lines


def _flatten(prefix, value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, (list, tuple)) and len(value) > 6:
        out.append((prefix, f"{len(value)} values, last {value[-1]}"))
    else:
        out.append((prefix, value if not isinstance(value, float) else round(value, 4)))


def summary(mach, notebooks, explorers, browser, training, blitting=None) -> str:
    """The markdown summary (what README's Performance section shows)."""
    md = [f"Measured by `make bench` on {mach['date'][:10]}: **{mach['cpu']}**, {mach['cores']} cores, "
          f"{mach['ram_gib']} GiB RAM; Python {mach['python']}"
          + (f", TensorFlow {mach['tensorflow']}" if mach.get("tensorflow") else "")
          + (f", Keras {mach['keras']}" if mach.get("keras") else "") + "."
          + (f" Load average {mach['load_average_1min_at_start']} at the start and "
             f"{mach.get('load_average_1min_at_end')} at the end (above {mach['cores']} means other work "
             "slowed these numbers down)." if mach.get("load_average_1min_at_start") is not None else "")
          + "".join(f" Measured again on {r['date'][:10]}: {', '.join(r['parts'])} (load average "
                    f"{r['load_average_1min_at_start']} at the start, {r['load_average_1min_at_end']} at the end)."
                    for r in mach.get("later_runs", []))]
    if notebooks:
        md += ["", "### Notebooks (run top to bottom, nbclient)", ""]
        by = {}
        for r in notebooks:
            by.setdefault(r["notebook"], {})[r["mode"]] = r
        rows = []
        for name, modes in sorted(by.items()):
            s, f = modes.get("smoke", {}), modes.get("full", {})
            status = ", ".join(f"{m}: {r['error']}" for m, r in modes.items() if r["status"] != "ok") or "ok"
            rows.append([name, s.get("seconds"), s.get("peak_rss_mib"), f.get("seconds"), f.get("peak_rss_mib"), status])
        md += _table(["notebook", "smoke s", "smoke kernel peak MiB", "full s", "full kernel peak MiB", "status"], rows)
    # Browser rows name the factory called in the notebook; join only when that name is unambiguous.
    bx = (browser or {}).get("explorers", [])
    fn_count = {}
    for r in explorers or []:
        fn = r["explorer"].rsplit(".", 1)[-1]
        fn_count[fn] = fn_count.get(fn, 0) + 1
    blat = {e["factory"]: e for e in bx
            if sum(x["factory"] == e["factory"] for x in bx) == 1 and fn_count.get(e["factory"]) == 1}
    if explorers:
        md += ["", "### Explorers, kernel side (update + PNG render; random settings, and a slider drag)", ""]
        rows = []
        for r in explorers:
            b = blat.get(r["explorer"].rsplit(".", 1)[-1], {})
            rows.append([f"`{r['explorer']}`", "training" if r.get("expensive") else "cheap",
                         r.get("median_ms"), r.get("median_cpu_ms"), r.get("p95_ms"), r.get("samples"),
                         r.get("drag_median_ms"), b.get("median_ms"), b.get("p95_ms"), r.get("error") or ""])
        md += _table(["explorer", "kind", "median ms", "median CPU ms", "p95 ms", "n", "drag median ms",
                      "browser median ms", "browser p95 ms", "note"], rows)
    if blitting:
        md += ["", "### Blitting: update + render ms with blitting and with a plain full redraw (same settings)", ""]
        rows = [[f"`{r['explorer']}`", r["scenario"], r["blit_median_ms"], r["blit_p95_ms"], r["full_median_ms"],
                 r["full_p95_ms"], r["speedup"], r["samples"]] for r in blitting]
        md += _table(["explorer", "moves", "blit median ms", "blit p95 ms", "full median ms", "full p95 ms",
                      "full / blit", "n"], rows)
    if browser:
        md += ["", "### In the browser (JupyterLab + Chromium: key press → new image)", "",
               f"Chromium {browser.get('chromium')}, {browser.get('moves_per_control')} move(s) per control; "
               f"browser suite wall time {browser.get('suite_wall_s')} s; measured {str(browser.get('generated'))[:10]}"
               + (" during `make test`, beside the other test worker, so slower than on an idle machine "
                  "(`make bench` without `--skip browser` measures it on its own, with 4 moves per control)."
                  if browser.get("moves_per_control") == 1 else "."), ""]
        md += ["Key press, selection or click → the new image; sliders get an arrow-key press (one step) on "
               "every other move. A drag is timed apart: pointer down → its first new image (the browser "
               "sends a drag's values one at a time, each after the kernel answered the last). The Chinese "
               "edition's explorers are moved for 2 s each; its chapters 05, 06, 08 and 10 are not browsed "
               "(their explorers train, and their code is the English chapters')." if any(
                   e["notebook"].startswith("zh/") for e in browser.get("explorers", [])) else
               "Key press, selection or click → the new image; sliders get an arrow-key press (one step) on "
               "every other move. A drag is timed apart: pointer down → its first new image.", ""]
        rows = [[f"{e['notebook']}#{e['index']}", f"`{e['factory']}`", e["median_ms"], e["p95_ms"], e["samples"],
                 e.get("drag_median_ms"), e.get("drag_p95_ms"), e.get("drag_samples")]
                for e in browser.get("explorers", [])]
        if rows:
            md += _table(["notebook#explorer", "factory", "median ms", "p95 ms", "n", "drag median ms",
                          "drag p95 ms", "drags"], rows)
        playing = browser.get("playing", [])
        if playing:
            md += ["", "Chapter 04's playground while playing (the whole network picture drawn): frames per second "
                   "in the browser, and the median cost of a frame in ms — kernel parts, then the rest of a frame's "
                   "interval. The kernel clocks the frames, at most 30 a second (`Explorer.animate`), so the rest "
                   "is mostly the pause it leaves between frames, plus transport and the browser showing the image.",
                   ""]
            prow = []
            for p in playing:
                k = p.get("kernel", {})
                rest = (p["median_frame_ms"] - k["total_ms"]) if p.get("median_frame_ms") and "total_ms" in k else None
                prow.append([p["config"], p["fps"], p["median_frame_ms"]] + [k.get(f"{part}_ms") for part in
                            ("train", "update", "render", "encode", "other", "total")] + [_r(rest)])
            md += _table(["configuration", "frames/s", "frame ms", "train", "update", "render", "encode", "other",
                          "kernel total", "rest of the interval"], prow)
        nbrows = [[n["notebook"], n["open_s"], n["run_all_s"], len(n["failures"])] for n in browser.get("notebooks", [])]
        if nbrows:
            md += [""] + _table(["notebook", "open s", "Run All Cells s", "failures"], nbrows)
    if training:
        md += ["", "### Chapter benchmarks (training figures: 04, 06, 08, 09, 10, 11)", ""]
        for name, t in training.items():
            if t["status"] != "ok":
                md.append(f"- `{name}`: failed: {t['error']}")
                continue
            flat = []
            _flatten("", t["result"], flat)
            shown = "; ".join(f"{k} = {v}" for k, v in flat[:MAX_TRAINING_FIGURES])
            more = f"; … {len(flat) - MAX_TRAINING_FIGURES} more in training.json" if len(flat) > MAX_TRAINING_FIGURES else ""
            md.append(f"- `{name}` ({t['seconds']} s): {shown}{more}")
    return "\n".join(md) + "\n"


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="also run every notebook in full mode (slow)")
    ap.add_argument("--only", help="notebook glob (e.g. '03_*'), also filters the browser run")
    ap.add_argument("--skip", default="", help=f"comma-separated parts to skip: {','.join(PARTS)}")
    ap.add_argument("--timeout", type=int, default=3600, help="per-cell timeout in seconds (nbclient)")
    ap.add_argument("--samples", type=int, default=200, help="random settings per explorer")
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per explorer at most (>= 3 samples)")
    ap.add_argument("--moves", type=int, default=4, help="browser moves per control")
    ap.add_argument("--ticks", type=int, default=100, help="Play frames per blitted explorer with a Play widget")
    args = ap.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - set(PARTS):
        ap.error(f"unknown part(s) in --skip: {sorted(skip - set(PARTS))}")

    use_course_data()
    summary_only = skip == set(PARTS) and read_json("machine.json") is not None
    mach = read_json("machine.json") if summary_only else machine()  # re-render: keep the measuring run's machine
    pattern = args.only or "*"
    pattern = pattern if pattern.endswith(".ipynb") else pattern + ".ipynb"
    notebooks_paths = sorted((REPO / "notebooks").glob(pattern))
    t_all = time.perf_counter()
    nb_rows = ex_rows = blit_rows = browser = training = None
    smoke_env = os.environ.get("DLNOTES_SMOKE")
    if "notebooks" not in skip:
        print(f"notebooks ({len(notebooks_paths)}):", flush=True)
        nb_rows = bench_notebooks(notebooks_paths, full=args.full, timeout=args.timeout)
        nb_rows = merge_rows("notebooks.json", nb_rows, key=lambda r: (r["notebook"], r["mode"]))
        write_json("notebooks.json", nb_rows)
    if smoke_env is None:
        os.environ.pop("DLNOTES_SMOKE", None)
    else:
        os.environ["DLNOTES_SMOKE"] = smoke_env
    if "explorers" not in skip:
        print("explorers (kernel side):", flush=True)
        ex_rows = bench_explorers(args.samples, args.budget)
        ex_rows = merge_rows("explorers.json", ex_rows, key=lambda r: (r["explorer"],))
        write_json("explorers.json", ex_rows)
    if "blitting" not in skip:
        print("blitting on / off (kernel side):", flush=True)
        blit_rows = bench_blitting(args.samples, args.ticks)
        blit_rows = merge_rows("blitting.json", blit_rows, key=lambda r: (r["explorer"], r["scenario"]))
        write_json("blitting.json", blit_rows)
    if "browser" not in skip:
        print("browser latency (tests/browser):", flush=True)
        browser = bench_browser(args.moves, args.only)
    else:
        browser = read_json("browser_latency.json")  # from the last `make test`, if any
    if "training" not in skip:
        print("training:", flush=True)
        training = bench_training(args.full)
        write_json("training.json", training)
    if not summary_only:
        mach["load_average_1min_at_end"] = _r(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
        earlier = read_json("machine.json")
        if earlier is not None and {"notebooks", "explorers"} <= skip:
            # Only the later parts ran again: the main tables keep the machine line of the run that made them.
            later = {"date": mach["date"], "parts": [p for p in PARTS if p not in skip],
                     "load_average_1min_at_start": mach.get("load_average_1min_at_start"),
                     "load_average_1min_at_end": mach["load_average_1min_at_end"]}
            mach = {**earlier, "later_runs": [*earlier.get("later_runs", []), later][-3:]}
        write_json("machine.json", mach)
    nb_rows = nb_rows if nb_rows is not None else read_json("notebooks.json")
    ex_rows = ex_rows if ex_rows is not None else read_json("explorers.json")
    training = training if training is not None else read_json("training.json")
    blit_rows = blit_rows if blit_rows is not None else read_json("blitting.json")
    text = summary(mach, nb_rows, ex_rows, browser, training, blit_rows)
    (RESULTS / "summary.md").write_text(text)
    print(f"\nwrote {RESULTS}/ in {time.perf_counter() - t_all:.0f} s; summary:\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
