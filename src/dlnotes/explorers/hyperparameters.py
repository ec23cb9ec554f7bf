"""The hyperparameter explorer (超参数探索器) of chapter 08: train or recall MNIST runs and compare them.

Sliders choose the optimiser, learning rate (log scale), dropout rate, hidden-layer
size, batch size and number of epochs of the 784-H-H-10 MLP. Moving a control recalls
that run at once when it is in the :class:`~dlnotes.runcache.RunCache` (trained before,
here or by a notebook cell); otherwise the figure and the status say that it is not
trained yet and what **Train** will cost, estimated from the epoch times the cache has
recorded on this machine (:func:`estimate_seconds`). **Train** trains it (a progress
bar shows the epoch and the current accuracy). The upper plots overlay validation
(solid) and train (dashed) accuracy and loss of the last few runs; an HTML table lists
them. The *Sweep* button trains a grid over one hyperparameter (overall progress shown)
and plots final accuracy against it, the working version of seed 004's dropout sweep.

:func:`cached_run` is the same train-or-recall step for notebooks (the seed's table).
"""

from __future__ import annotations

import functools
import html
import math
import time
import warnings

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from dlnotes.config import size
from dlnotes.data import load_mnist
from dlnotes.explorers.base import (Explorer, Reply, ExplorerCanvas, button, dropdown, figure, freeze_layout,
                                    int_slider, log_slider, register, slider)
from dlnotes.keras_models import KERAS_OPTIMIZERS, Prepared, RunConfig, prepare, train
from dlnotes.language import tr
from dlnotes.runcache import RunCache, RunCacheWarning
from dlnotes.style import GREY, PALETTE, log_axis

__all__ = ["HyperExplorer", "SWEEP_BASE", "SWEEP_GRIDS", "SWEEP_OPTIMIZERS", "cached_run", "shipped_chapter_configs", "shipped_sweep_configs", "default_data", "estimate_seconds", "hyper_explorer",
           "progress_callback"]

SWEEP_GRIDS = {
    "dropout": [0.0, 0.2, 0.4, 0.6, 0.8, 0.9],
    "lr": [1e-4, 1e-3, 1e-2, 1e-1, 1.0],
    "hidden": [16, 32, 64, 128, 256, 512],
    "batch_size": [32, 64, 128, 256, 512, 1024],
    "epochs": [1, 2, 5, 10, 20],
}
"""Values a sweep trains, per hyperparameter (epochs: one run, read off its curve)."""
SWEEP_BASE = dict(lr=1e-3, dropout=0.0, hidden=128, batch_size=128, epochs=5)
"""The explorer's starting setting (full mode): the centre of the sweeps shipped in ``data/sweeps.json``."""
SWEEP_OPTIMIZERS = ("adam", "rmsprop", "sgd")
"""The optimisers chapter 08 compares: each gets the default sweeps around :data:`SWEEP_BASE` (``make sweeps``)."""


def shipped_sweep_configs(max_epochs: int = 20) -> list[RunConfig]:
    """Every run the default sweeps train (what ``make sweeps`` ships): for each optimiser in
    :data:`SWEEP_OPTIMIZERS`, each grid of :data:`SWEEP_GRIDS` around :data:`SWEEP_BASE` (the epochs sweep
    is one run of the longest length); no run twice."""
    out = []
    for optimizer in SWEEP_OPTIMIZERS:
        base = RunConfig(model="mlp", optimizer=optimizer, **SWEEP_BASE)
        for param, grid in SWEEP_GRIDS.items():
            grid = [v for v in grid if param != "epochs" or v <= max_epochs]
            configs = [base.replace(epochs=max(grid))] if param == "epochs" else [base.replace(**{param: v}) for v in grid]
            out += [c for c in configs if c not in out]
    return out


def shipped_chapter_configs() -> list[tuple[str, bool, RunConfig]]:
    """The other full-mode runs chapters 08 and 09 recall through :func:`cached_run`, which ``make sweeps``
    ships too: ``(data set, flattened?, config)`` for the seed's five models and the one-at-a-time table
    (chapter 08), and the MLP and keras-io CNN recipes on MNIST and Fashion-MNIST (chapter 09).

    Every one of them trains on every training image left after 5,000 for validation (MNIST 50,000,
    Fashion-MNIST 55,000) and is tested on the full test set, seed 0. A learner's first full-mode
    visit recalls them at once instead of training for minutes; a changed setting trains as before.
    """
    from dlnotes import keras_models as km

    seed_mlp = km.SEED_TABLE[-1][1].replace(epochs=5)  # chapter 08's table: 5 epochs each in full mode
    runs = [("mnist", True, cfg) for _, cfg, _ in km.SEED_TABLE]
    runs += [("mnist", True, seed_mlp.replace(**{field: v})) for field, values in km.SEED_VARIATIONS.items()
             for v in values]
    runs += [("mnist", True, km.MLP_RECIPE), ("fashion_mnist", True, km.MLP_RECIPE),
             ("fashion_mnist", False, km.CNN_RECIPE)]
    return list(dict.fromkeys(runs))


LOG_AXES = {"lr", "batch_size", "hidden"}
COLORS = PALETTE[:6]
"""One colour per overlaid run, newest first."""


def progress_callback(progress, epochs: int, *, offset: float = 0.0, total: float | None = None, prefix: str = ""):
    """A Keras Callback that reports ``progress(done, total, text)`` during fit (per batch, throttled)."""
    import keras  # TensorFlow is heavy: imported only when a run is trained

    total = float(epochs if total is None else total)

    class Progress(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self._last = 0.0
            self.epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            self.steps = (self.params or {}).get("steps") or 1

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            if now - self._last < 0.25:
                return
            self._last = now
            acc = (logs or {}).get("accuracy")
            acc_text = f" · accuracy {float(acc):.3f}" if acc is not None else ""
            progress(offset + self.epoch + min(1.0, (batch + 1) / self.steps), total,
                     f"{prefix}epoch {self.epoch + 1}/{epochs}{acc_text}")

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            text = f"{prefix}epoch {epoch + 1}/{epochs} · accuracy {float(logs.get('accuracy', float('nan'))):.3f}"
            if "val_accuracy" in logs:
                text += f" · val {float(logs['val_accuracy']):.3f}"
            progress(offset + epoch + 1, total, text)

    return Progress()


def cached_run(config: RunConfig, data: Prepared, *, cache: RunCache | None = None, seed: int = 0,
               progress=None, offset: float = 0.0, total: float | None = None, prefix: str = ""):
    """Train ``config`` on ``data`` or recall it from ``cache``; returns ``(result, recalled)``.

    ``result`` is :func:`dlnotes.keras_models.train`'s dict. Training stops early if the
    loss becomes NaN (a learning rate far too large), so the history may be shorter.
    """
    import keras  # TensorFlow is heavy: imported only when a run is trained

    cache = RunCache() if cache is None else cache

    def fit():
        cbs = [keras.callbacks.TerminateOnNaN()]
        if progress is not None:
            cbs.append(progress_callback(progress, config.epochs, offset=offset, total=total, prefix=prefix))
        _, result = train(config, data, seed=seed, callbacks=cbs)
        return result

    return cache.run(config.as_dict(), fit, data=data.describe(), seed=seed)


@functools.lru_cache(maxsize=2)
def default_data(n_train: int | None = None, n_val: int = 5000, n_test: int | None = None, seed: int = 0) -> Prepared:
    """MNIST from :func:`dlnotes.data.load_mnist`, flattened and split (cached per size)."""
    train_set, test_set = load_mnist()
    return prepare(train_set, test_set, n_train=n_train, n_val=n_val, n_test=n_test, seed=seed)


def _finite(values) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _fmt(v, spec=".3f") -> str:
    return format(v, spec) if v is not None and math.isfinite(v) else "—"


def _epoch_model(hidden: int, batch_size: int, n_train: int) -> float:
    """A rough model of one epoch's seconds for the 784-H-H-10 MLP: a fixed cost per step plus
    the multiply-adds of forward and backward passes (at 20 GFLOP/s); calibrated by recorded runs."""
    steps = math.ceil(n_train / batch_size)
    flops = 6 * batch_size * (784 * hidden + hidden * hidden + 10 * hidden)
    return steps * (1.5e-3 + flops / 20e9)


def estimate_seconds(config: RunConfig, n_train: int, timings=()) -> tuple[float, bool]:
    """Seconds that training ``config`` on ``n_train`` images will take, and whether the estimate
    rests on recorded runs: ``timings`` are ``(settings, data, epoch_seconds)`` from
    :meth:`dlnotes.runcache.RunCache.timings`; without any, the plain model is a guess."""
    ratios = []
    for settings, data, seconds in timings:
        if settings.get("model", "mlp") != "mlp":
            continue
        try:
            model = _epoch_model(int(settings["hidden"]), int(settings["batch_size"]), int(data["train"]))
        except (KeyError, TypeError, ValueError):
            continue
        ratios.append(float(np.median(seconds)) / model)
    scale = float(np.median(ratios)) if ratios else 1.0
    return scale * _epoch_model(config.hidden, config.batch_size, n_train) * config.epochs, bool(ratios)


def _duration(seconds: float) -> str:
    if seconds < 1.5:
        return "about a second"
    if seconds < 90:
        return f"about {seconds:.0f} s"
    return f"about {seconds / 60:.0f} min"


class HyperExplorer(Explorer):
    """Train-or-recall explorer over the MLP's hyperparameters; see the module docstring.

    ``runs`` holds the overlaid runs (newest first, at most ``max_runs``), each a dict
    with ``config``, ``result`` and ``recalled``; ``last`` is the newest;
    ``sweep_results`` the last sweep as ``(param, [(value, val_acc, train_acc)])``.
    Moving a control never trains; the ``train`` button does. ``cache_notes`` holds the run
    cache's warnings of the last action (a run that could not be stored, a bad entry set
    aside); they are shown as a notice under the figure.
    """

    def __init__(self, data: Prepared, *, cache: RunCache | None = None, seed: int = 0, max_epochs: int = 20,
                 epochs: int = 5, max_runs: int = 6):
        self.data = data
        self.cache = RunCache() if cache is None else cache
        self.seed = int(seed)
        self.max_epochs = int(max_epochs)
        self.max_runs = int(max_runs)
        self.runs: list[dict] = []
        self.last: dict | None = None
        self.sweep_results: tuple[str, list] | None = None
        self.timings = self.cache.timings()  # epoch times recorded on this machine: Train's estimate
        self.cache_notes: list[str] = []

        fig, axes = figure(2, 2, figsize=(5.8, 4.6))
        (self.ax_acc, self.ax_loss), (bottom_left, bottom_right) = axes
        grid = bottom_left.get_subplotspec().get_gridspec()
        bottom_left.remove()
        bottom_right.remove()
        self.ax_sweep = fig.add_subplot(grid[1, :])
        self._lines = []
        for i in range(self.max_runs):
            c = COLORS[i % len(COLORS)]
            lw = 2.2 if i == 0 else 1.2
            self._lines.append({
                "acc": self.ax_acc.plot([], [], "o-", color=c, lw=lw, ms=3)[0],
                "train_acc": self.ax_acc.plot([], [], "x--", color=c, lw=lw * 0.8, ms=3, alpha=0.8)[0],
                "loss": self.ax_loss.plot([], [], "o-", color=c, lw=lw, ms=3)[0],
                "train_loss": self.ax_loss.plot([], [], "x--", color=c, lw=lw * 0.8, ms=3, alpha=0.8)[0],
            })
        self.ax_acc.set(title="accuracy (— validation, -- train)", xlabel="epoch")
        self.ax_loss.set(title="loss", xlabel="epoch")
        self.ax_sweep.set(title="sweep: final accuracy", ylabel="accuracy", xlabel="dropout rate")
        for ax in (self.ax_acc, self.ax_loss, self.ax_sweep):
            ax.grid(alpha=0.3)
        for ax in (self.ax_acc, self.ax_loss):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        (self._sweep_val,) = self.ax_sweep.plot([], [], "o-", color=COLORS[0], label="validation")
        (self._sweep_train,) = self.ax_sweep.plot([], [], "s--", color=GREY, label="train", ms=4)
        self.ax_sweep.legend(loc="lower left")
        self._note = fig.text(0.5, 0.75, "", ha="center", va="center", bbox=dict(fc="white", ec="0.8", alpha=0.92))
        # Lay the figure out once with every axis on, then hide the sweep panel until there is a sweep.
        freeze_layout(fig, ExplorerCanvas(fig))
        self.ax_sweep.set_axis_off()
        self.ax_sweep.get_legend().set_visible(False)
        self.ax_sweep.title.set_visible(False)
        self._sweep_note = self.ax_sweep.text(0.5, 0.5, "Sweep trains a grid over the setting chosen in "
                                              "'sweep over'\nand plots the final accuracy here.",
                                              ha="center", va="center", transform=self.ax_sweep.transAxes,
                                              color="0.35")

        controls = {
            "optimizer": dropdown("optimizer", [(cls, name) for name, cls in KERAS_OPTIMIZERS.items()], "adam"),
            "lr": log_slider("learning rate", 1e-4, 1.0, 1e-3),
            "dropout": slider("dropout rate", 0.0, 0.9, 0.1, 0.0),
            "hidden": int_slider("hidden units", 16, 512, 128, step=16, help="units in each of the two hidden layers"),
            "batch_size": dropdown("batch size", [16, 32, 64, 128, 256, 512, 1024], 128),
            "epochs": int_slider("epochs", 1, self.max_epochs, min(int(epochs), self.max_epochs)),
        }
        self.sweep_choice = dropdown("sweep over", [("dropout rate", "dropout"), ("learning rate", "lr"),
                                                    ("hidden units", "hidden"), ("batch size", "batch_size"),
                                                    ("epochs", "epochs")], "dropout",
                                     help="the setting the Sweep button trains a grid over")
        self.table = W.HTML()
        buttons = {
            "train": (button("Train", icon="play", help="train this setting (moving a control only recalls)"),
                      self._train_action),
            "sweep": (button("Sweep", icon="line-chart", help="train a grid over the setting in 'sweep over'"),
                      self._sweep_action),
            "clear": (button("Clear runs", icon="trash", help="remove the overlaid runs (the cache keeps them)"),
                      self._clear_action),
        }
        super().__init__(self._draw, controls, fig, expensive=True, buttons=buttons,
                         title="MNIST MLP 784-H-H-10", extra=[self.sweep_choice])
        self.widget = W.VBox([self.widget, self.table])

    # -- configurations ----------------------------------------------------------------------
    def config(self, optimizer, lr, dropout, hidden, batch_size, epochs) -> RunConfig:
        """The :class:`RunConfig` for these control values."""
        return RunConfig(model="mlp", optimizer=optimizer, lr=float(lr), dropout=round(float(dropout), 3),
                         hidden=int(hidden), batch_size=int(batch_size), epochs=int(epochs))

    def _run(self, config, progress=None, **kw):
        return self._cached(cached_run, config, self.data, cache=self.cache, seed=self.seed, progress=progress, **kw)

    def _cached(self, fn, *args, **kw):
        """``fn(*args, **kw)``, keeping its :class:`RunCacheWarning`s in ``cache_notes``; other warnings pass on."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RunCacheWarning)
            try:
                return fn(*args, **kw)
            finally:
                for w in caught:
                    if not issubclass(w.category, RunCacheWarning):
                        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                    elif str(w.message) not in self.cache_notes:
                        self.cache_notes.append(str(w.message))

    # -- update (on release): recall or say what training costs; the Train button trains ------------
    def estimate(self, config: RunConfig) -> tuple[str, bool]:
        """What training ``config`` will take, in words ("about 40 s"), and whether recorded epoch times back it."""
        seconds, recorded = estimate_seconds(config, self.data.sizes["train"], self.timings)
        return _duration(seconds), recorded

    def _draw(self, optimizer, lr, dropout, hidden, batch_size, epochs, progress=None):
        cfg = self.config(optimizer, lr, dropout, hidden, batch_size, epochs)
        self.cache_notes = []
        hit = self._cached(self.cache.get, cfg.as_dict(), data=self.data.describe(), seed=self.seed)
        if hit is not None:
            return self._present(cfg, hit, recalled=True, progress=progress)
        cost, recorded = self.estimate(cfg)
        self._redraw()
        self._note.set_text(f"{cfg.label()}\nnot trained yet: Train takes {cost}")
        if progress is not None:
            progress(0, 1, f"not trained yet: {cost}")
        guess = "" if recorded else " — a rough guess, since nothing has been trained on this machine yet"
        return self._reply(f"{cfg.label()}: not trained yet; press Train ({cost}{guess}).", cfg)

    def _train_action(self, progress=None, **values):
        cfg = self.config(**values)
        self.cache_notes = []
        t0 = time.perf_counter()
        result, recalled = self._run(cfg, progress)
        if not recalled and result.get("epoch_seconds"):
            self.timings.append((cfg.as_dict(), self.data.describe(), list(result["epoch_seconds"])))
        return self._present(cfg, result, recalled=recalled, progress=progress, seconds=time.perf_counter() - t0)

    def _present(self, cfg, result, *, recalled, progress=None, seconds=None) -> Reply:
        """Put the run first in the overlay, redraw, and say where it came from."""
        self._note.set_text("")
        entry = {"config": cfg, "result": result, "recalled": recalled}
        self.runs = [entry] + [r for r in self.runs if r["config"] != cfg]
        self.runs = self.runs[: self.max_runs]
        self.last = entry
        self._redraw()
        hist = result["history"]
        val = _finite(hist.get("val_accuracy", []))
        where = "recalled from the cache" if recalled else f"trained in {seconds:.1f} s"
        if recalled and progress is not None:
            progress(1, 1, "recalled from the cache")
        msg = f"{cfg.label()}: {where}; final validation accuracy {_fmt(val[-1] if val else float('nan'))}"
        if len(hist.get("loss", [])) < cfg.epochs or not _finite(hist.get("loss", [])[-1:]):
            msg += " — the loss became NaN (diverged): the learning rate is too large for this optimiser."
        return self._reply(msg, cfg)

    def _reply(self, status: str, cfg: RunConfig) -> Reply:
        """``status`` with the run cache's notes as a notice; Train greyed out while this setting is trained."""
        trained = self._cached(self.cache.get, cfg.as_dict(), data=self.data.describe(), seed=self.seed) is not None
        return Reply(status, notice=" · ".join(self.cache_notes),
                     inactive={"train": "this setting is trained: its curves are shown"} if trained else {})

    def _clear_action(self, **values):
        self.runs = []
        self._redraw()
        return self._reply("runs cleared from the plots (the cache keeps them: moving a control recalls them)",
                           self.config(**values))

    def _redraw(self):
        accs, losses, n_ep = [], [], 1
        for i, lines in enumerate(self._lines):
            if i < len(self.runs):
                h = self.runs[i]["result"]["history"]
                for key, name in (("acc", "val_accuracy"), ("train_acc", "accuracy"), ("loss", "val_loss"), ("train_loss", "loss")):
                    ys = np.asarray(h.get(name, []), dtype=float)
                    lines[key].set_data(np.arange(1, len(ys) + 1), ys)
                    (accs if "acc" in key else losses).extend(_finite(ys.tolist()))
                    n_ep = max(n_ep, len(ys))
            else:
                for line in lines.values():
                    line.set_data([], [])
        for ax in (self.ax_acc, self.ax_loss):
            ax.set_xlim(0.5, n_ep + 0.5)
        lo = min(accs) if accs else 0.8
        self.ax_acc.set_ylim(max(0.0, min(lo, 0.9) - 0.02), 1.0)
        finite_losses = [v for v in losses if v < 1e6]
        hi = max(finite_losses) if finite_losses else 1.0
        self.ax_loss.set_ylim(0.0, min(hi * 1.05, 3.0) if hi > 0 else 1.0)
        self.table.value = self._table_html()

    def _table_html(self) -> str:
        if not self.runs:
            return f"<i>{tr('No runs yet.')}</i>"
        head = ["", "optimizer", "learning rate", "dropout", "hidden", "batch", "epochs", "train acc", "val acc",
                "test acc", "s / epoch", "source"]
        head = [tr(h) for h in head]
        rows = []
        for i, r in enumerate(self.runs):
            c, res = r["config"], r["result"]
            h = res["history"]
            ep = _finite(res.get("epoch_seconds", []))
            cells = [
                f"<span style='color:{COLORS[i % len(COLORS)]}'>■</span>", c.optimizer, f"{c.lr:.2g}", f"{c.dropout:g}",
                str(c.hidden), str(c.batch_size), str(c.epochs), _fmt((h.get("accuracy") or [float("nan")])[-1]),
                _fmt((h.get("val_accuracy") or [float("nan")])[-1]), _fmt(res.get("test_accuracy", float("nan"))),
                _fmt(float(np.mean(ep)) if ep else float("nan"), ".2f"), tr("cache" if r["recalled"] else "trained"),
            ]
            rows.append("<tr>" + "".join(f"<td style='padding:1px 6px'>{html.escape(x) if j else x}</td>"
                                         for j, x in enumerate(cells)) + "</tr>")
        header = "<tr>" + "".join(f"<th style='padding:1px 6px'>{h}</th>" for h in head) + "</tr>"
        return f"<table style='font-size:90%;border-collapse:collapse'>{header}{''.join(rows)}</table>"

    # -- sweep ------------------------------------------------------------------------------
    def sweep(self, param: str, progress=None, **values) -> list[tuple]:
        """Train (or recall) the grid of ``param`` around the current setting; returns (value, val_acc, train_acc)."""
        if param not in SWEEP_GRIDS:
            raise ValueError(f"cannot sweep over {param!r}; choose one of {sorted(SWEEP_GRIDS)}")
        base = self.config(**values)
        grid = [v for v in SWEEP_GRIDS[param] if param != "epochs" or v <= self.max_epochs]
        points = []
        if param == "epochs":
            # One run of the longest length: with a constant learning rate its first e epochs ARE the e-epoch run.
            result, _ = self._run(base.replace(epochs=max(grid)), progress, prefix="sweep: ")
            h = result["history"]
            for e in grid:
                if e <= len(h["loss"]):
                    points.append((e, h["val_accuracy"][e - 1], h["accuracy"][e - 1]))
        else:
            for i, v in enumerate(grid):
                cfg = base.replace(**{param: v})
                result, _ = self._run(cfg, progress, offset=i * cfg.epochs, total=len(grid) * cfg.epochs,
                                      prefix=f"sweep {i + 1}/{len(grid)} ({param}={v:g}): ")
                h = result["history"]
                val = h.get("val_accuracy") or [float("nan")]
                points.append((v, val[-1], h["accuracy"][-1]))
        self.sweep_results = (param, points)
        self._draw_sweep(param, points, base)
        return points

    def _sweep_action(self, progress=None, **values):
        param = self.sweep_choice.value
        self.cache_notes = []
        points = self.sweep(param, progress=progress, **values)
        self.timings = self.cache.timings()
        best = max(points, key=lambda p: p[1] if math.isfinite(p[1]) else -1.0) if points else None
        text = f"sweep over {param}: best validation accuracy {_fmt(best[1])} at {param} = {best[0]:g}" if best else ""
        return self._reply(text, self.config(**values))


    def _draw_sweep(self, param, points, base):
        self.ax_sweep.set_axis_on()
        self.ax_sweep.get_legend().set_visible(True)
        self.ax_sweep.title.set_visible(True)
        self._sweep_note.set_text("")
        xs = np.array([p[0] for p in points], dtype=float)
        self._sweep_val.set_data(xs, np.array([p[1] for p in points], dtype=float))
        self._sweep_train.set_data(xs, np.array([p[2] for p in points], dtype=float))
        if param in LOG_AXES:
            log_axis(self.ax_sweep.xaxis)
        else:
            self.ax_sweep.set_xscale("linear")
            self.ax_sweep.xaxis.set_major_locator(MaxNLocator(6))
            self.ax_sweep.xaxis.set_major_formatter(ScalarFormatter())
        if len(xs):
            lo, hi = xs.min(), xs.max()
            if param in LOG_AXES:
                self.ax_sweep.set_xlim(lo / 1.5, hi * 1.5)
            else:
                pad = 0.05 * (hi - lo or 1.0)
                self.ax_sweep.set_xlim(lo - pad, hi + pad)
        ys = _finite([p[1] for p in points] + [p[2] for p in points])
        self.ax_sweep.set_ylim(max(0.0, min(ys + [0.9]) - 0.02), 1.0)
        label = {"lr": "learning rate", "batch_size": "batch size", "hidden": "hidden units"}.get(param, param)
        self.ax_sweep.set_xlabel(label)
        where = base.optimizer if param == "epochs" else f"{base.optimizer}, {base.epochs} epochs"
        self.ax_sweep.set_title(f"sweep over {label} ({where})")


@register
def hyper_explorer(cache: RunCache | None = None) -> HyperExplorer:
    """The chapter-08 explorer on MNIST (50,000 train / 5,000 validation; a small subset in smoke mode)."""
    data = default_data(n_train=size(full=None, smoke=2048), n_val=size(full=5000, smoke=512),
                        n_test=size(full=None, smoke=2000))
    return HyperExplorer(data, cache=cache, max_epochs=size(full=20, smoke=3), epochs=size(full=5, smoke=2))
