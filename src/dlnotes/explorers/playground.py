"""A TensorFlow-Playground-style explorer (神经网络游乐场) for the numpy MLP of chapter 04.

Pick a 2-D data set, a network shape, an activation and a learning rate, then press
play: the decision boundary (决策边界), the train/test loss curves and a thumbnail per
first-hidden-layer neuron update several times a second.

As in TensorFlow Playground, changing the learning rate, batch size or L2 rate takes
effect mid-training (the weights are kept); changing the data or the architecture
restarts from fresh weights. Unlike it, there is a 3-class spiral (softmax output),
the seed-000 eight points, and the test set is drawn beside the training set.

:class:`PlaygroundState` is the model (data, network, history) without any widget;
:class:`Playground` is the :class:`~dlnotes.explorers.base.Explorer` around it, with an
``ipywidgets.Play`` whose ticks each train one frame with :class:`dlnotes.training.Trainer`,
chapter 04's own training loop (no threads). The boundary is
:class:`dlnotes.figures.DecisionBoundary`, the neuron thumbnails :func:`dlnotes.figures.mosaic`.
"""

from __future__ import annotations

import time

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MaxNLocator

from dlnotes.config import size
from dlnotes.data import make_toy
from dlnotes.explorers.base import button, dropdown, figure, int_slider, log_slider, register, show_image, slider
from dlnotes.explorers.blit import BlitExplorer, Blitter
from dlnotes.figures import BOUNDARY_CMAP, DecisionBoundary, boundary_extent, mosaic, plane_grid
from dlnotes.functions import softmax
from dlnotes.network import MLP
from dlnotes.optimizers import SGD
from dlnotes.training import Trainer

__all__ = ["DATASETS", "Playground", "PlaygroundState", "playground"]

DATASETS = {
    "circle": "circle",
    "XOR": "xor",
    "gaussian": "gaussian",
    "spiral": "spiral",
    "3-class spiral": "spiral3",
    "two moons": "moons",
    "seed-000 eight points": "seed8",
}
"""Dropdown label -> :data:`dlnotes.data.TOY_DATASETS` name."""

ACTIVATIONS = {"ReLU": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "identity"}
L2_RATES = [0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1]

# Settings that restart training when they change (data or architecture), as in Playground.
RESTART_KEYS = ("dataset", "noise", "test_ratio", "hidden_layers", "neurons", "activation")
N_POINTS = 300
MAX_STEPS_PER_FRAME = 32


class PlaygroundState:
    """Data, network and loss history of the playground; no widgets. All sizes are small (2-D inputs)."""

    def __init__(self, seed: int = 0, grid: int = 40):
        self.seed = int(seed)
        self.grid = int(grid)
        self.init_count = 0
        self.settings: dict = {}
        self.net = None
        self.trainer = None
        self.split = None
        self.optimizer = SGD(0.03)
        self.batch_size = 10
        self.train_seconds = 0.0

    # -- configuration ---------------------------------------------------------------------
    def configure(self, dataset="circle", noise=0.1, test_ratio=0.5, hidden_layers=2, neurons=4,
                  activation="tanh", learning_rate=0.03, batch_size=10, l2=0.0) -> bool:
        """Apply control values; returns True when the data or architecture changed (training restarted)."""
        if dataset not in DATASETS.values():
            raise ValueError(f"unknown dataset {dataset!r}; choose one of {sorted(DATASETS.values())}")
        if activation not in ACTIVATIONS.values():
            raise ValueError(f"unknown activation {activation!r}")
        if not 0 <= int(hidden_layers) <= 4 or not 1 <= int(neurons) <= 16:
            raise ValueError("use 0-4 hidden layers of 1-16 neurons")
        new = dict(dataset=dataset, noise=float(noise), test_ratio=float(test_ratio),
                   hidden_layers=int(hidden_layers), neurons=int(neurons), activation=activation)
        data_changed = any(self.settings.get(k) != new[k] for k in ("dataset", "noise", "test_ratio"))
        restart = data_changed or any(self.settings.get(k) != new[k] for k in RESTART_KEYS)
        self.settings = new
        if data_changed:
            self._make_data()
        if restart:
            self.reset()
        # Mid-training settings: the weights are kept.
        self.optimizer.lr = float(learning_rate)
        if not np.isfinite(self.optimizer.lr) or self.optimizer.lr <= 0:
            raise ValueError(f"learning rate must be positive, got {learning_rate}")
        self.batch_size = max(1, int(batch_size))
        self.trainer.batch_size = min(self.batch_size, len(self.x_train))
        self.net.l2 = max(0.0, float(l2))
        return restart

    def _make_data(self):
        s = self.settings
        n = 8 if s["dataset"] == "seed8" else N_POINTS
        split = make_toy(s["dataset"], n=n, noise=s["noise"], test_ratio=s["test_ratio"], seed=self.seed)
        self.split = split
        self.num_classes = max(2, split.num_classes)
        self.extent = boundary_extent(split.x_train, split.x_test)
        # Inputs are scaled to about [-1, 1] (the seed-8 points span 1..8); the plot keeps raw units.
        allx = np.vstack([split.x_train, split.x_test])
        lo, hi = allx.min(axis=0), allx.max(axis=0)
        self.center = (lo + hi) / 2.0
        self.scale = np.maximum((hi - lo) / 2.0, 1e-9)
        self.x_train = (split.x_train - self.center) / self.scale
        self.x_test = (split.x_test - self.center) / self.scale
        self.grid_points = (plane_grid(self.extent, self.grid) - self.center) / self.scale

    def reset(self):
        """Fresh random weights (a new seed each time), a new trainer and an empty history."""
        s = self.settings
        self.init_count += 1
        self.net = MLP(2, [s["neurons"]] * s["hidden_layers"], self.num_classes, activation=s["activation"],
                       l2=self.net.l2 if self.net is not None else 0.0, seed=self.seed * 1000 + self.init_count)
        self.trainer = Trainer(self.net, self.optimizer, self.x_train, self.split.y_train,
                               batch_size=self.batch_size, seed=self.seed + self.init_count)
        self.history = {"epoch": [], "train_loss": [], "test_loss": []}
        self._record()

    # -- training: dlnotes.training.Trainer, one frame at a time -------------------------------------
    @property
    def epoch(self) -> float:
        """Passes over the training set so far (fractional while an epoch is under way)."""
        return self.trainer.epoch

    @property
    def steps(self) -> int:
        """Mini-batch updates so far."""
        return self.trainer.steps

    @property
    def diverged(self) -> bool:
        """True once the loss or a weight blew up (see :mod:`dlnotes.training`)."""
        return self.trainer.diverged

    def train_frame(self, max_steps: int = MAX_STEPS_PER_FRAME) -> int:
        """Train one epoch of mini-batches (at most ``max_steps`` steps); returns the steps taken."""
        steps = min(max_steps, -(-len(self.x_train) // self.trainer.batch_size))
        t0 = time.perf_counter()
        done = self.trainer.run(steps)
        self.train_seconds += time.perf_counter() - t0
        if done:
            self._record()
        return done

    def _record(self):
        """Append the data loss on the training and test sets (NaN once diverged) to the history."""
        tr = te = np.nan
        if not self.diverged:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                tr = self.net.evaluate(self.x_train, self.split.y_train)[0]
                if len(self.x_test):
                    te = self.net.evaluate(self.x_test, self.split.y_test)[0]
        self.history["epoch"].append(self.epoch)
        self.history["train_loss"].append(tr)
        self.history["test_loss"].append(te)

    # -- what the views show ------------------------------------------------------------------------
    def grid_outputs(self):
        """Class probabilities on the grid (G*G, K) and first-hidden-layer outputs (G*G, H) or None."""
        net = self.net
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            h = self.grid_points
            first = None
            for i, layer in enumerate(net.layers):
                h = layer.forward(h, train=False)
                if first is None and i == 1 and len(net.layers) > 1:
                    first = h
            p = softmax(h, axis=1)
        return p, first

    def accuracy(self):
        """(train accuracy, test accuracy or nan)."""
        tr = self.net.accuracy(self.x_train, self.split.y_train)
        te = self.net.accuracy(self.x_test, self.split.y_test) if len(self.x_test) else np.nan
        return tr, te


def _nice_ceiling(v: float) -> float:
    """The next of 1, 2, 5 x 10^k at or above v (loss-axis limits that change in steps)."""
    v = max(float(v), 1e-3)
    e = 10.0 ** np.floor(np.log10(v))
    return float(next(m * e for m in (1, 2, 5, 10) if m * e >= v))


def _neuron_tiles(first: np.ndarray | None, grid: int) -> np.ndarray:
    """RGB image tiling each first-hidden-layer neuron's output (G*G, H) over the input plane, 4 per row."""
    n = 0 if first is None else min(first.shape[1], 16)
    maps = np.zeros((grid, grid, 0)) if n == 0 else first[:, :n].reshape(grid, grid, n)[::-1]  # row 0 = top
    tiles = mosaic(maps, cols=4, pad=2, symmetric=True)
    rgb = BOUNDARY_CMAP(np.nan_to_num(tiles, nan=0.5))[..., :3]
    rgb[np.isnan(tiles)] = 1.0  # white between tiles
    return rgb


class PlaygroundView:
    """The playground's figure: boundary heat-map with points, loss curves, neuron thumbnails, epoch counter."""

    def __init__(self, grid: int):
        fig, ax = figure(figsize=(8.4, 4.2))
        fig.set_layout_engine("none")
        ax.remove()
        self.fig = fig
        self.ax_map = fig.add_axes([0.04, 0.08, 0.46, 0.84])
        self.ax_loss = fig.add_axes([0.60, 0.60, 0.37, 0.27])
        self.ax_neur = fig.add_axes([0.60, 0.02, 0.37, 0.40])
        for ax in (self.ax_map, self.ax_neur):
            ax.set_xticks([])
            ax.set_yticks([])
        self.boundary = DecisionBoundary(self.ax_map, resolution=grid)
        self.banner = self.ax_map.text(0.5, 0.5, "", transform=self.ax_map.transAxes, ha="center", va="center",
                                       fontsize=11, color="#b00020", bbox=dict(fc="white", ec="#b00020"))
        self.ax_map.set_title("decision boundary  (○ train, □ test)", fontsize=9)
        (self.train_line,) = self.ax_loss.plot([], [], color="#333333", lw=1.2)
        (self.test_line,) = self.ax_loss.plot([], [], color="#d62728", lw=1.2)
        self.ax_loss.set_title("loss: train (black), test (red)", fontsize=9)
        self.ax_loss.set_xlabel("epoch", fontsize=8, labelpad=1)
        self.ax_loss.tick_params(labelsize=7, length=2, pad=1)
        # few ticks, limits that change rarely: text is the costly part of every redraw
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        self.ax_loss.yaxis.set_major_locator(MaxNLocator(3))
        self.neurons = self.ax_neur.imshow(np.ones((2, 2, 3)), origin="upper", interpolation="nearest")
        self.neur_title = self.ax_neur.set_title("", fontsize=9)
        self.counter = fig.text(0.60, 0.975, "", fontsize=10, weight="bold", va="top")
        self._shown = None
        # Blitting: everything that changes every frame is "animated" and drawn over a cached
        # background; the background is redrawn only when something static changed (stale).
        b = self.boundary
        self.blitter = Blitter(fig, [b.image, b.train_points, b.test_points, *self.ax_map.spines.values(),
                                     self.banner, self.train_line, self.test_line, self.neurons, self.counter])

    def draw(self, state: PlaygroundState) -> None:
        """Update every artist in place from ``state``."""
        if self._shown is not state.split:  # new data: move the points, the extent
            self._shown = state.split
            s = state.split
            self.boundary.set_extent(state.extent)
            self.boundary.set_points(s.x_train, s.y_train, s.x_test, s.y_test)
            self.blitter.stale = True
        if state.diverged:
            self.banner.set_text("training diverged:\nlower the learning rate\nand press reset")
        else:
            self.banner.set_text("")
            p, first = state.grid_outputs()
            self.boundary.show(p)
            tiles = _neuron_tiles(first, state.grid)
            w = tiles.shape[1]
            if self.ax_neur.get_xlim()[1] != w - 0.5:
                self.blitter.stale = True
            show_image(self.ax_neur, self.neurons, tiles)
            n_first = 0 if first is None else first.shape[1]
            title = (f"first hidden layer: {n_first} neuron{'s' if n_first != 1 else ''}" if n_first
                     else "no hidden layer: a linear boundary")
            if title != self.neur_title.get_text():
                self.blitter.stale = True
            self.neur_title.set_text(title)
        h = state.history
        ep = np.asarray(h["epoch"])
        tr, te = np.asarray(h["train_loss"]), np.asarray(h["test_loss"])
        self.train_line.set_data(ep, tr)
        self.test_line.set_data(ep, te)
        finite = np.concatenate([tr[np.isfinite(tr)], te[np.isfinite(te)]])
        top = float(np.max(finite)) if finite.size else 1.0
        right = float(ep[-1]) if ep.size else 0.0
        xmax = self.ax_loss.get_xlim()[1]
        if right > xmax or right < xmax / 4 or xmax < 8:  # grow by doubling, so ticks rarely move
            self.ax_loss.set_xlim(0, max(8.0, 2.0 ** np.ceil(np.log2(max(right, 1.0)))))
            self.blitter.stale = True
        ymax = self.ax_loss.get_ylim()[1]
        if top > ymax or top < ymax / 3:
            self.ax_loss.set_ylim(0, _nice_ceiling(top))
            self.blitter.stale = True
        self.counter.set_text(f"epoch {state.epoch:,.1f}   ({state.steps:,} steps)")


class Playground(BlitExplorer):
    """The playground explorer: controls + Play/step/reset driving a :class:`PlaygroundState`."""

    def __init__(self, seed: int = 0, grid: int | None = None, interval_ms: int = 100):
        self.state = PlaygroundState(seed=seed, grid=grid or size(full=40, smoke=24))
        self.view = PlaygroundView(self.state.grid)
        self.min_tick_gap = 0.5 * interval_ms / 1000.0
        self._last_tick_end = 0.0
        self.play = W.Play(value=0, min=0, max=10**9, step=1, interval=interval_ms, description="play / pause",
                           show_repeat=False)
        controls = {
            "dataset": dropdown("data set", list(DATASETS.items()), "circle"),
            "noise": slider("noise", 0.0, 0.5, 0.05, 0.1),
            "test_ratio": slider("test share", 0.1, 0.9, 0.1, 0.5, unit="of the data"),
            "hidden_layers": int_slider("hidden layers", 0, 4, 2),
            "neurons": int_slider("neurons per layer", 1, 16, 4),
            "activation": dropdown("activation", list(ACTIVATIONS.items()), "tanh"),
            "learning_rate": log_slider("learning rate", 1e-3, 3.0, 0.1),
            "batch_size": int_slider("batch size", 1, 64, 10),
            "l2": dropdown("L2 rate", [(f"{v:g}", v) for v in L2_RATES], 0.0),
        }
        buttons = {
            "step": (button("step", "step-forward"), self._step),
            "reset": (button("reset", "refresh"), self._reset),
        }
        super().__init__(self._update, controls, self.view.fig, blitter=self.view.blitter, buttons=buttons,
                         title="Playground: train a network on 2-D data", extra=[self.play])
        self.play.observe(self._on_tick, names="value")

    # -- actions (each runs inside Explorer's guard, then the figure is re-rendered) --------------
    def _update(self, **values):
        restarted = self.state.configure(**values)
        if restarted and getattr(self, "play", None) is not None:
            self.play.playing = False  # as in Playground: a new problem starts paused
        self.view.draw(self.state)
        return self._status()

    def _step(self, **values):
        self.state.configure(**values)
        self.state.train_frame()
        self.view.draw(self.state)
        return self._status()

    def _reset(self, **values):
        self.state.configure(**values)
        self.state.reset()
        self.view.draw(self.state)
        return self._status()

    def _on_tick(self, change):
        if change["new"] <= change["old"]:  # the Play widget's stop button rewinds to 0: not a frame
            return
        if self.state.diverged:
            self.play.playing = False
        # The browser sends a tick every `interval` ms whatever the kernel is doing; when frames take
        # longer, ticks queue up. Drop the ones that arrive right after a frame, so pause is immediate.
        if self.play.playing and time.perf_counter() - self._last_tick_end < self.min_tick_gap:
            return
        self._guarded(self._step, progress=False)
        self._last_tick_end = time.perf_counter()

    def _status(self) -> str:
        s = self.state
        if s.diverged:
            return (f"Training diverged at learning rate {s.optimizer.lr:.3g} (the weights blew up). "
                    "Lower the learning rate and press reset.")
        tr, te = s.accuracy()
        loss = s.history["train_loss"][-1]
        test = f", test accuracy {te:.0%}" if np.isfinite(te) else ""
        return f"epoch {s.epoch:.1f}: train loss {loss:.3f}, train accuracy {tr:.0%}{test}"


@register
def playground() -> Playground:
    """The chapter-04 playground: data set, network shape, activation, learning rate -> live boundary."""
    return Playground()
