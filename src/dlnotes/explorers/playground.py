"""A TensorFlow-Playground-style explorer (神经网络游乐场) for the numpy MLP of chapter 04.

Pick a 2-D data set (classes or regression), the input features, a network shape (every
hidden layer at once with a slider, or one layer at a time with *+ neuron* / *− neuron*), an
activation, dropout, an optimiser, a learning rate and L1 / L2 (and, as clicking a weight line
does in Playground, set any one weight with *edit weight* / *weight value*), then press play: the
output over the plane, the train/test loss curves and the **network picture** — every
neuron of every layer as a small heat-map of what it computes over the input plane,
joined by lines whose colour and thickness show each weight's sign and size — update
about 30 times a second in JupyterLab (the kernel clocks the frames: :meth:`Explorer.animate`).

As in TensorFlow Playground, the optimiser, learning rate, batch size, dropout rate and
regularisation take effect at the next training step (the weights are kept, and the
status says so at once); changing the data, the features or the architecture restarts
from fresh weights. Beyond it: 3-, 4- and 5-class sets with a softmax output and a class
legend, dropout, a choice of optimiser, the seed-000 eight points, and
:meth:`Playground.settings`, a dict that ``playground(settings)`` turns back into the
same playground (TensorFlow Playground keeps its settings in the URL).

:class:`PlaygroundState` is the model (data, network, history) without any widget;
:class:`PlaygroundView` draws it; :class:`Playground` is the
:class:`~dlnotes.explorers.base.Explorer` around them, with an ``ipywidgets.Play`` whose
ticks each train one epoch with :class:`dlnotes.training.Trainer`, chapter 04's own
training loop, and redraw by blitting (:mod:`dlnotes.explorers.blit`). The features are the
:class:`dlnotes.layers.InputFeatures` layer, L1 and L2 the penalty of
:class:`dlnotes.network.Sequential`, the output picture :class:`dlnotes.figures.DecisionBoundary`.
"""

from __future__ import annotations

import re
import time
from collections import deque

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from dlnotes.config import size
from dlnotes.data import make_toy
from dlnotes.explorers.base import (button, checkbox, dropdown, free_figure, int_slider, log_slider, play_button, register,
                                   slider)
from dlnotes.explorers.blit import BlitExplorer, Blitter, PixelImage
from dlnotes.figures import DecisionBoundary, boundary_extent, plane_grid
from dlnotes.functions import softmax
from dlnotes.language import tr
from dlnotes.layers import ACTIVATION_LAYERS, Affine, Dropout, InputFeatures
from dlnotes.network import MLP
from dlnotes.optimizers import OPTIMIZERS
from dlnotes.style import BAD, BOUNDARY_CMAP, CLASS_COLORS, TEST, TRAIN
from dlnotes.training import Trainer

__all__ = ["DATASETS", "FEATURES", "SETTINGS", "Playground", "PlaygroundState", "PlaygroundView", "playground"]

DATASETS = {
    "circle": "circle",
    "XOR": "xor",
    "gaussian": "gaussian",
    "spiral": "spiral",
    "two moons": "moons",
    "3-class spiral": "spiral3",
    "4-class spiral": "spiral4",
    "5 blobs": "blobs5",
    "seed-000 eight points": "seed8",
    "plane (regression)": "plane",
    "multi-Gaussian (regression)": "multi_gaussian",
}
"""Dropdown label -> :data:`dlnotes.data.TOY_DATASETS` name."""

FEATURES = {"x1": "x1", "x2": "x2", "x1_sq": "x1^2", "x2_sq": "x2^2", "x1x2": "x1*x2",
            "sin_x1": "sin(pi*x1)", "sin_x2": "sin(pi*x2)"}
"""Control name -> :data:`dlnotes.layers.INPUT_FEATURES` name (TensorFlow Playground's seven inputs)."""
FEATURE_LABELS = {"x1": "x₁", "x2": "x₂", "x1_sq": "x₁²", "x2_sq": "x₂²", "x1x2": "x₁x₂",
                  "sin_x1": "sin πx₁", "sin_x2": "sin πx₂"}

ACTIVATIONS = {"ReLU": "relu", "tanh": "tanh", "sigmoid": "sigmoid", "linear": "identity"}
PLAYGROUND_OPTIMIZERS = ("SGD", "Momentum", "Adam")
REGULARIZATIONS = {"none": "none", "L1": "l1", "L2": "l2"}
REG_RATES = [0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
"""TensorFlow Playground's regularisation rates, with 0."""

DEFAULTS = dict(dataset="circle", noise=0.1, test_ratio=0.5, batch_size=10,
                x1=True, x2=True, x1_sq=False, x2_sq=False, x1x2=False, sin_x1=False, sin_x2=False,
                hidden_layers=2, neurons=4, activation="tanh", dropout=0.0,
                optimizer="SGD", learning_rate=0.03, regularization="l2", reg_rate=0.0,
                discretize=False, show_test=True, picture="output", weight="none", weight_value=0.0)
"""Every control's starting value (TensorFlow Playground's defaults where it has the control)."""
SETTINGS = (*DEFAULTS, "widths")
"""Every setting: the controls and ``widths``, the neurons of each hidden layer, input side first, set one
layer at a time with the *+ neuron* / *− neuron* buttons (Playground's + and − above each layer); None
(the default) means the ``neurons`` slider's value in every hidden layer."""

# Settings that restart training when they change (data, features or architecture), as in Playground.
DATA_KEYS = ("dataset", "noise", "test_ratio")
RESTART_KEYS = DATA_KEYS + tuple(FEATURES) + ("hidden_layers", "neurons", "widths", "activation")
NEXT_STEP_KEYS = ("batch_size", "dropout", "optimizer", "learning_rate", "regularization", "reg_rate")
N_POINTS = 300
MAX_STEPS_PER_FRAME = 32
MAX_LAYERS, MAX_NEURONS = 6, 16


class PlaygroundState:
    """Data, network and loss history of the playground; no widgets. All sizes are small (2-D inputs)."""

    def __init__(self, seed: int = 0, grid: int = 40, weights_seed: int | None = None):
        self.seed = int(seed)
        self.grid = int(grid)
        self.weights_seed = int(seed) * 1000 + 1 if weights_seed is None else int(weights_seed)
        self._next_weights_seed = self.weights_seed
        self.settings: dict = {}
        self.net = None
        self.trainer = None
        self.split = None
        self.optimizer = None
        self.batch_size = 10
        self.train_seconds = 0.0
        self.pending = ""
        """What changed since the last step and acts from the next one (said at once in the status)."""

    # -- configuration ---------------------------------------------------------------------
    def configure(self, **values) -> bool:
        """Apply control values (names of :data:`DEFAULTS`); returns True when training restarted."""
        v = {**DEFAULTS, "widths": None, **self.settings, **values}
        check_settings(v)
        if v["widths"] is not None:
            v["widths"] = tuple(int(n) for n in v["widths"])
        features = [FEATURES[k] for k in FEATURES if v[k]]
        arch = dict(features=tuple(features), hidden_layers=int(v["hidden_layers"]),
                    widths=hidden_widths(v), activation=v["activation"])
        old = self.settings
        data_changed = self.split is None or any(old.get(k) != v[k] for k in DATA_KEYS)
        restart = data_changed or self.net is None or any(old.get(k) != v[k] for k in RESTART_KEYS)
        changed = [k for k in NEXT_STEP_KEYS if k in old and old[k] != v[k]]
        self.settings = {k: v[k] for k in SETTINGS}
        self.arch = arch
        if data_changed:
            self._make_data()
        if restart:
            self.reset(new_weights=False)
        else:
            self._apply_training_settings()
            if changed:
                self.pending = _describe_change(changed, self.settings)
        return restart

    def _apply_training_settings(self):
        """Optimiser, learning rate, batch size, dropout and penalty from the settings; the weights are kept."""
        s = self.settings
        if self.optimizer is None or type(self.optimizer).__name__ != s["optimizer"]:
            self.optimizer = OPTIMIZERS[s["optimizer"]](s["learning_rate"])  # fresh state (velocity, moments)
            if self.trainer is not None:
                self.trainer.optimizer = self.optimizer
        self.optimizer.lr = float(s["learning_rate"])
        self.batch_size = int(s["batch_size"])
        if self.trainer is not None:
            self.trainer.batch_size = min(self.batch_size, len(self.x_train))
        for layer in self.net.layers:
            if isinstance(layer, Dropout):
                layer.rate = float(s["dropout"])
        rate, kind = float(s["reg_rate"]), s["regularization"]
        self.net.l1 = rate if kind == "l1" else 0.0
        self.net.l2 = rate if kind == "l2" else 0.0
        self.net.l1_proximal = True  # L1 by soft-thresholding: weights reach exactly 0

    def _make_data(self):
        s = self.settings
        n = 8 if s["dataset"] == "seed8" else N_POINTS
        split = make_toy(s["dataset"], n=n, noise=s["noise"], test_ratio=s["test_ratio"], seed=self.seed)
        self.split = split
        self.regression = split.regression
        self.num_classes = split.num_classes
        self.outputs = 1 if self.regression else max(2, split.num_classes)
        self.extent = boundary_extent(split.x_train, split.x_test)
        # Inputs are scaled to about [-1, 1] (the seed-8 points span 1..8); the plot keeps raw units.
        allx = np.vstack([split.x_train, split.x_test])
        lo, hi = allx.min(axis=0), allx.max(axis=0)
        self.center = (lo + hi) / 2.0
        self.scale = np.maximum((hi - lo) / 2.0, 1e-9)
        self.x_train = (split.x_train - self.center) / self.scale
        self.x_test = (split.x_test - self.center) / self.scale
        self.grid_points = (plane_grid(self.extent, self.grid) - self.center) / self.scale

    def new_data(self):
        """A new draw of the same data set (TensorFlow Playground's "regenerate"), then fresh weights."""
        self.seed += 1
        self._make_data()
        self.reset()

    def reset(self, new_weights: bool = True):
        """Fresh random weights (a new seed each reset), a new optimiser and trainer, an empty history."""
        s, a = self.settings, self.arch
        if new_weights:
            self._next_weights_seed += 1
        self.weights_seed = self._next_weights_seed
        # Dropout layers are built in (at rate 0.5) and then set to the chosen rate, so the rate can
        # change mid-training; at rate 0 a Dropout layer passes everything through.
        self.net = MLP(2, list(a["widths"]), self.outputs, activation=a["activation"],
                       dropout=0.5, features=list(a["features"] or ("x1",)),
                       loss="mse" if self.regression else "softmax", seed=self.weights_seed)
        self.optimizer = None
        self.trainer = None
        self._apply_training_settings()
        self.trainer = Trainer(self.net, self.optimizer, self.x_train, self.split.y_train,
                               batch_size=self.batch_size, seed=self.weights_seed)
        self.history = {"epoch": [], "train_loss": [], "test_loss": []}
        self.pending = ""
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
            self.pending = ""
            self._record()
        return done

    def _record(self):
        """Append the data loss on the training and test sets (NaN once diverged) to the history."""
        tr = te = (np.nan, np.nan)
        if not self.diverged:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                tr = self.net.evaluate(self.x_train, self.split.y_train)
                if len(self.x_test):
                    te = self.net.evaluate(self.x_test, self.split.y_test)
        h = self.history
        h["epoch"].append(self.epoch)
        h["train_loss"].append(tr[0])
        h["test_loss"].append(te[0])
        self._accuracy = (tr[1], te[1])

    # -- what the views show ------------------------------------------------------------------------
    def grid_activity(self):
        """Every neuron over the grid, in inference mode: a list of (G*G, n) arrays — the input features,
        each hidden layer's activations — and the output: probabilities (G*G, K) or values (G*G,)."""
        columns = []
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            h = self.grid_points
            for layer in self.net.layers:
                h = layer.forward(h, train=False)
                if isinstance(layer, InputFeatures) or type(layer) in ACTIVATION_LAYERS.values():
                    columns.append(h)
            out = h[:, 0] if self.regression else softmax(h, axis=1)
        return columns, out

    def accuracy(self):
        """(train accuracy, test accuracy or nan) at the last recorded epoch; both NaN for regression."""
        return self._accuracy

    def weights(self) -> list:
        """The weight matrices, input side first (the lines of the network picture)."""
        return [layer.W for layer in self.net.layers if isinstance(layer, Affine)]

    def biases(self) -> list:
        """The bias vectors, input side first (the small squares in the neuron tiles)."""
        return [layer.b for layer in self.net.layers if isinstance(layer, Affine)]


def check_settings(v: dict) -> None:
    """Raise a clear ValueError / TypeError for a setting the playground cannot take."""
    unknown = sorted(set(v) - set(SETTINGS))
    if unknown:
        raise ValueError(f"playground: unknown setting(s) {unknown}; the settings are {list(SETTINGS)}")
    choices = {"dataset": DATASETS.values(), "activation": ACTIVATIONS.values(), "optimizer": PLAYGROUND_OPTIMIZERS,
               "regularization": REGULARIZATIONS.values(), "reg_rate": REG_RATES}
    for key, allowed in choices.items():
        if v[key] not in list(allowed):
            raise ValueError(f"playground: {key} must be one of {sorted(allowed)}, got {v[key]!r}")
    ranges = {"noise": (0.0, 0.5), "test_ratio": (0.1, 0.9), "dropout": (0.0, 0.9), "learning_rate": (1e-4, 10.0),
              "batch_size": (1, 64), "hidden_layers": (0, MAX_LAYERS),
              "neurons": (1, MAX_NEURONS)}
    for key, (lo, hi) in ranges.items():
        value = v[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"playground: {key} must be a number, got {value!r}")
        if not lo <= value <= hi * (1 + 1e-9):
            raise ValueError(f"playground: {key} must be in [{lo:g}, {hi:g}], got {value!r}")
    for key in (*FEATURES, "discretize", "show_test"):
        if not isinstance(v[key], (bool, np.bool_)):
            raise TypeError(f"playground: {key} must be True or False, got {v[key]!r}")
    widths = v.get("widths")
    if widths is not None:
        ok = isinstance(widths, (list, tuple)) and all(
            isinstance(n, (int, np.integer)) and not isinstance(n, bool) and 1 <= n <= MAX_NEURONS for n in widths)
        if not ok or len(widths) != v["hidden_layers"]:
            raise ValueError(f"playground: widths must be None or one whole number in [1, {MAX_NEURONS}] per hidden "
                             f"layer (hidden_layers={v['hidden_layers']}), got {widths!r}")
    if not (v["weight"] == "none" or (isinstance(v["weight"], str) and re.fullmatch(r"\d+:\d+:\d+", v["weight"]))):
        raise ValueError(f"playground: weight must be 'none' or 'layer:from:to' such as '0:1:2', got {v['weight']!r}")
    value = v["weight_value"]
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not -5 <= value <= 5:
        raise ValueError(f"playground: weight_value must be a number in [-5, 5], got {value!r}")
    picture = v["picture"]
    if not (isinstance(picture, str) and (picture == "output" or re.fullmatch(r"\d+:\d+", picture))):
        raise ValueError(f"playground: picture must be 'output' or 'column:neuron' such as '1:0', got {picture!r}")


def hidden_widths(v: dict) -> tuple:
    """The neurons of each hidden layer, input side first: ``v["widths"]``, or ``v["neurons"]`` in every layer."""
    if v["widths"] is not None:
        return tuple(int(n) for n in v["widths"])
    return (int(v["neurons"]),) * int(v["hidden_layers"])


def _describe_change(keys, s) -> str:
    parts = {"batch_size": f"batch size {s['batch_size']}", "dropout": f"dropout {s['dropout']:g}",
             "optimizer": f"{s['optimizer']} (fresh optimiser state)",
             "learning_rate": f"learning rate {s['learning_rate']:.2g}",
             "regularization": f"regularisation {s['regularization'].upper() if s['regularization'] != 'none' else 'none'}",
             "reg_rate": f"regularisation rate {s['reg_rate']:g}"}
    return ", ".join(parts[k] for k in keys) + ": applies from the next training step; the weights are kept."


def _nice_ceiling(v: float) -> float:
    """The next of 1, 2, 5 x 10^k at or above v (loss-axis limits that change in steps)."""
    v = max(float(v), 1e-3)
    e = 10.0 ** np.floor(np.log10(v))
    return float(next(m * e for m in (1, 2, 5, 10) if m * e >= v))


_LUT = BOUNDARY_CMAP(np.linspace(0.0, 1.0, 256))[:, :3]
_LUT_U8 = (_LUT * 255 + 0.5).astype(np.uint8)


def _lut_index(a) -> np.ndarray:
    """Index into :data:`_LUT` of values in [-1, 1] (orange -1, white 0, blue +1); NaN is white."""
    return np.clip(np.nan_to_num((np.asarray(a) + 1.0) * 127.5, nan=127.5), 0, 255).astype(np.intp)


def _signed_rgb(a: np.ndarray) -> np.ndarray:
    """Per-column colour of a signed map (..., n): orange negative, white 0, blue positive, scaled by max |a|."""
    scale = np.maximum(np.nanmax(np.abs(a), axis=tuple(range(a.ndim - 1))), 1e-12)
    return _LUT[_lut_index(a / scale)]


class NetworkPicture:
    """The network as a picture on ``ax``: one heat-map tile per neuron (one image artist, updated with
    ``set_data``) and one line per weight (one LineCollection: colour = sign, width = size)."""

    TILE_GAP = 0.3   # vertical gap between tiles, in tiles
    COLUMN_GAP = 2.2  # horizontal gap between columns, in tiles

    def __init__(self, ax, tile: int):
        self.ax = ax
        self.tile = int(tile)
        ax.set_axis_off()
        self.lines = LineCollection([], linewidths=0.5, zorder=1)
        ax.add_collection(self.lines, autolim=False)
        self.image = PixelImage(ax, np.zeros((2, 2, 4)), origin="upper", interpolation="nearest", zorder=2)
        self.marker = Rectangle((0, 0), 1, 1, fill=False, ec="#222222", lw=2.0, zorder=3)
        ax.add_patch(self.marker)
        self.weight_marker = Line2D([], [], color="#222222", lw=3.0, solid_capstyle="round", zorder=1.5,
                                    visible=False)
        """The weight chosen in *edit weight*, drawn over its line."""
        ax.add_line(self.weight_marker)
        self.segments: list = []
        self.labels: list = []
        self._layout_key = None
        self.sizes = None
        self.positions: list = []

    def layout(self, sizes, names) -> bool:
        """Place columns of ``sizes`` neurons (labels ``names`` per column); True if anything moved."""
        sizes = tuple(int(n) for n in sizes)
        key = sizes, tuple(tr(n) for n in _flat_names(names))  # the names as shown, in the reader's language
        if key == self._layout_key:
            return False
        self._layout_key = key
        self.sizes = sizes
        T = self.tile
        gap, col_gap = max(1, round(T * self.TILE_GAP)), round(T * self.COLUMN_GAP)
        tallest = max(sizes)
        H = tallest * (T + gap) - gap
        Wd = len(sizes) * T + (len(sizes) - 1) * col_gap
        self.canvas = np.zeros((H, Wd, 4), np.uint8)
        self.positions = []  # per column: list of (row, col) top-left pixel of each tile
        for c, n in enumerate(sizes):
            x0 = c * (T + col_gap)
            y_first = (H - (n * (T + gap) - gap)) // 2
            self.positions.append([(y_first + i * (T + gap), x0) for i in range(n)])
            for (r, q) in self.positions[-1]:
                self.canvas[r:r + T, q:q + T, 3] = 255
        segments = []
        for c in range(len(sizes) - 1):
            for (r0, q0) in self.positions[c]:
                for (r1, q1) in self.positions[c + 1]:
                    segments.append([(q0 + T - 0.5, r0 + T / 2 - 0.5), (q1 - 0.5, r1 + T / 2 - 0.5)])
        self.lines.set_segments(segments)
        self.segments = segments
        self.image.set_data(self.canvas)
        self.image.set_extent((-0.5, Wd - 0.5, H - 0.5, -0.5))
        self.ax.set_aspect("equal")  # square tiles
        self.ax.set_xlim(-0.5 - 1.6 * T, Wd - 0.5)  # room for the input names
        self.ax.set_ylim(H - 0.5, -0.5 - 1.2 * T)  # and the column titles
        specs = []  # (x, y, text, ha, va): each column's title, then each named tile's name
        for c, column_names in enumerate(names):
            specs.append((self.positions[c][0][1] + T / 2, -0.6 * T, column_names[0], "center", "bottom"))
            specs += [(q - 0.15 * T, r + T / 2, name, "right", "center")
                      for (r, q), name in zip(self.positions[c], column_names[1:]) if name]
        while len(self.labels) > len(specs):
            self.labels.pop().remove()
        for i, (x, y, text, ha, va) in enumerate(specs):  # texts are reused: making one costs more than moving it
            if i < len(self.labels):
                self.labels[i].set(position=(x, y), text=text, ha=ha, va=va)
            else:
                # zorder 0.9: the names stay in the cached background, so they lie under the weight lines
                # (drawn on every frame) in a full redraw too
                self.labels.append(self.ax.text(x, y, text, ha=ha, va=va, fontsize=9, zorder=0.9))
        return True

    def show(self, columns, weights, biases=()) -> None:
        """Fill the tiles with ``columns`` (per column an RGB array (T, T, n, 3)), mark each neuron's bias
        (``biases``: one vector per column after the inputs) in its tile's lower-left corner, as
        TensorFlow Playground does, and colour the weight lines."""
        T = self.tile
        b = max(3, T // 5)
        for c, rgb in enumerate(columns):
            rgb = (np.clip(rgb, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
            bias = _LUT_U8[_lut_index(np.tanh(biases[c - 1]))] if 0 < c <= len(biases) else None
            for i, (r, q) in enumerate(self.positions[c]):
                self.canvas[r:r + T, q:q + T, :3] = rgb[:, :, i]
                if bias is not None:
                    self.canvas[r + T - b:r + T, q:q + b, :3] = 40  # a dark frame, then the bias colour
                    self.canvas[r + T - b + 1:r + T - 1, q + 1:q + b - 1, :3] = bias[i]
        self.image.set_data(self.canvas)
        if weights:
            w = np.concatenate([np.asarray(W).ravel() for W in weights])
            w = np.nan_to_num(w, nan=0.0, posinf=0.0, neginf=0.0)
            colors = np.empty((len(w), 4))
            colors[:, :3] = np.where((w > 0)[:, None], CLASS_COLORS[1], CLASS_COLORS[0])
            colors[:, 3] = np.clip(0.3 + 0.5 * np.abs(w), 0.0, 0.9) * (w != 0)
            self.lines.set_color(colors)
            self.lines.set_linewidths(np.clip(0.8 * np.abs(w), 0.0, 2.5))

    def mark_weight(self, weight) -> None:
        """Draw over the line of ``weight`` = (column, from, to) (None: no weight chosen)."""
        if weight is None:
            self.weight_marker.set_visible(False)
            return
        c, i, j = weight
        offset = sum(a * b for a, b in zip(self.sizes[:c], self.sizes[1:c + 1]))
        (x0, y0), (x1, y1) = self.segments[offset + i * self.sizes[c + 1] + j]
        self.weight_marker.set_data([x0, x1], [y0, y1])
        self.weight_marker.set_visible(True)

    def mark(self, column: int | None, index: int = 0) -> None:
        """Outline the tile of neuron ``index`` in ``column`` (None: no outline)."""
        if column is None:
            self.marker.set_visible(False)
            return
        r, q = self.positions[column][index]
        self.marker.set_bounds(q - 1.5, r - 1.5, self.tile + 2, self.tile + 2)
        self.marker.set_visible(True)


def _flat_names(names) -> list:
    return [n for column in names for n in column]


class PlaygroundView:
    """The playground's figure: network picture on top; output over the plane, loss curves and readouts below."""

    def __init__(self, grid: int):
        self.fig = fig = free_figure(figsize=(5.9, 5.5))
        self.grid = grid
        self.tile_step = max(1, grid // 20)
        self.ax_net = fig.add_axes([0.01, 0.47, 0.98, 0.46])
        self.ax_map = fig.add_axes([0.03, 0.02, 0.50, 0.41])
        self.ax_loss = fig.add_axes([0.63, 0.29, 0.34, 0.13])
        self.ax_map.set_xticks([])
        self.ax_map.set_yticks([])
        self.network = NetworkPicture(self.ax_net, tile=len(range(0, grid, self.tile_step)))
        self.boundary = DecisionBoundary(self.ax_map, resolution=grid, point_size=14, test_size=14, contours=True,
                                         image=PixelImage(self.ax_map, origin="lower", interpolation="bilinear"))
        self.banner = self.ax_map.text(0.5, 0.5, "", transform=self.ax_map.transAxes, ha="center", va="center",
                                       fontsize=10, color=BAD, bbox=dict(fc="white", ec=BAD))
        self.map_title = self.ax_map.set_title("", fontsize=9, pad=4)  # descenders clear of the frame
        self.net_title = fig.text(0.03, 0.985, "", fontsize=9, weight="bold", va="top")
        (self.train_line,) = self.ax_loss.plot([], [], color=TRAIN, lw=1.4)
        (self.test_line,) = self.ax_loss.plot([], [], color=TEST, lw=1.4)
        self.ax_loss.set_title("loss: train (blue), test (red)", fontsize=9, pad=2)
        self.ax_loss.set_xlabel("epoch", fontsize=9, labelpad=1)
        self.ax_loss.tick_params(labelsize=9, length=2, pad=1)
        # few ticks, limits that change rarely: text is the costly part of every redraw
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        self.ax_loss.yaxis.set_major_locator(MaxNLocator(3))
        # the readout: labels in the background, only the numbers drawn every frame (text is costly)
        self.readout_labels = fig.text(0.60, 0.215, "", fontsize=9, va="top", linespacing=1.3)
        self.readout = fig.text(0.86, 0.215, "", fontsize=9, va="top", ha="right", linespacing=1.3)
        self.settings_text = fig.text(0.03, 0.955, "", fontsize=9, va="top", color="#444444")
        self._shown = None
        self.last_ms = 0.0
        # Blitting: everything that changes every frame is "animated" and drawn over a cached
        # background; the background is redrawn only when something static changed (stale).
        b, n = self.boundary, self.network
        # Titles and the settings line change only when a control moves: they stay in the background
        # (text is the costliest thing to draw), and a change redraws it (see _set_text).
        # The data points lie over the changing heat-map but never move during training: an overlay.
        self.blitter = Blitter(fig, [b.image, b.lines, n.lines, n.weight_marker, n.image, n.marker, self.train_line,
                                     self.test_line, self.readout, self.settings_text],
                               overlay=[b.train_points, b.test_points, *self.ax_map.spines.values(), self.banner])

    def _set_text(self, artist, text: str) -> None:
        """Change a background text; the cached background is redrawn only when the text really changed."""
        if artist.get_text() != tr(text):  # the text as shown, in the reader's language
            artist.set_text(text)
            self.blitter.stale = True

    # -- the picture of the network ----------------------------------------------------------------
    def _names(self, state):
        feats = [FEATURE_LABELS[k] for k in FEATURES if FEATURES[k] in state.net.layers[0].features]
        names = [["input"] + feats]
        for i, width in enumerate(state.arch["widths"]):
            names.append([f"layer {i + 1}"] + [""] * width)
        names.append(["output"] + (["ŷ"] if state.regression else [f"p{k}" for k in range(state.outputs)]))
        return names

    def draw(self, state: PlaygroundState, picture: str = "output", discretize: bool = False,
             show_test: bool = True) -> None:
        """Update every artist in place from ``state`` (:attr:`last_ms`: how long it took)."""
        t0 = time.perf_counter()
        self._update_artists(state, picture, discretize, show_test)
        self.last_ms = (time.perf_counter() - t0) * 1e3

    def _update_artists(self, state, picture, discretize, show_test):
        if self._shown is not state.split:  # new data: move the points, the extent, the legend
            self._shown = state.split
            s = state.split
            self.boundary.set_extent(state.extent)
            self.boundary.set_points(s.x_train, s.y_train, s.x_test, s.y_test)
            self.boundary.set_legend(state.num_classes if state.num_classes > 2 else None, loc="lower left",
                                     bbox_to_anchor=(0.60, 0.005), bbox_transform=self.fig.transFigure, ncol=3,
                                     borderaxespad=0.0, columnspacing=0.8)
            self.blitter.stale = True
        if self.boundary.test_points.get_visible() != bool(show_test):
            self.boundary.test_points.set_visible(bool(show_test))
            self.blitter.stale = True
        names = self._names(state)
        sizes = [len(c) - 1 for c in names]
        if self.network.layout(sizes, names):
            self.blitter.stale = True
        column, index = picture_position(picture, sizes)
        self.network.mark(column, index)
        s = state.settings
        kind = "regression" if state.regression else f"{state.outputs} classes"
        data = DATASET_LABELS[s["dataset"]]  # "plane (regression)" already says its kind
        data = data if f"({kind})" in data else f"{data} ({kind})"
        self._set_text(self.net_title, f"{data}: {' → '.join(str(n) for n in sizes)} neurons, {s['activation']}")
        reg = s["regularization"]
        reg_text = "no regularisation" if reg == "none" else f"{reg.upper()} {s['reg_rate']:g}"
        self.settings_text.set_text(f"{s['optimizer']}, learning rate {s['learning_rate']:.2g}, "  # drawn every frame
                                    f"batch {s['batch_size']}, dropout {s['dropout']:g}, {reg_text}")
        self._set_text(self.banner, "training diverged:\nlower the learning rate\nand press reset"
                       if state.diverged else "")
        if not state.diverged:
            self._draw_activity(state, column, index, discretize)
        self._draw_losses(state)

    def _draw_activity(self, state, column, index, discretize):
        cols, out = state.grid_activity()
        G, k = state.grid, self.tile_step
        tiles = []
        for h in cols:
            maps = h.reshape(G, G, -1)[::-k, ::k][: self.network.tile, : self.network.tile]
            tiles.append(_signed_rgb(maps))
        if state.regression:
            o = np.clip(out.reshape(G, G, 1), -1, 1)[::-k, ::k][: self.network.tile, : self.network.tile]
            tiles.append(_LUT[_lut_index(o)])
        else:
            p = out.reshape(G, G, -1)[::-k, ::k][: self.network.tile, : self.network.tile]
            tiles.append(1.0 - p[..., None] * (1.0 - CLASS_COLORS[: p.shape[-1]]))  # white -> class colour
        self.network.show(tiles, state.weights(), state.biases())
        if column is None or column == len(cols):  # the output, large
            if state.regression:
                self.boundary.show_values(out, discrete=discretize)
                title = "output ŷ over the plane (orange −1 … blue +1)"
            else:
                self.boundary.show(out, discrete=discretize)
                title = f"output: {'most probable class' if discretize else 'class probabilities'}, boundary"
        else:
            h = cols[column][:, index]
            scale = max(float(np.nanmax(np.abs(h))), 1e-12)
            self.boundary.show_values(h / scale, discrete=discretize)
            what = "input feature" if column == 0 else f"layer {column}, neuron {index + 1}"
            title = f"{what} over the plane (scaled to its largest |value|)"
        self._set_text(self.map_title, title)

    def _set_limit(self, set_lim, old: float, new: float) -> None:
        """Set an axis of the loss plot to (0, ``new``); the background is redrawn only if it moved."""
        if new != old:
            set_lim(0, new)
            self.blitter.stale = True

    def _draw_losses(self, state):
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
            self._set_limit(self.ax_loss.set_xlim, xmax, max(8.0, 2.0 ** np.ceil(np.log2(max(right, 1.0)))))
        ymax = self.ax_loss.get_ylim()[1]
        if top > ymax or top < ymax / 3:
            self._set_limit(self.ax_loss.set_ylim, ymax, _nice_ceiling(top))
        labels = "epoch\ntrain loss\ntest loss"
        text = f"{state.epoch:,.0f}\n{_fmt(tr[-1] if tr.size else np.nan)}\n{_fmt(te[-1] if te.size else np.nan)}"
        if state.settings["regularization"] == "l1":
            labels += "\nweights = 0"
            zeros = sum(int(np.sum(W == 0)) for W in state.weights())
            text += f"\n{zeros}/{sum(W.size for W in state.weights())}"
        self._set_text(self.readout_labels, labels)
        self.readout.set_text(text)


def _fmt(v) -> str:
    return f"{v:.3f}" if np.isfinite(v) else "—"


DATASET_LABELS = {v: k for k, v in DATASETS.items()}


def picture_options(sizes) -> list:
    """The "large picture" dropdown's options for columns of ``sizes`` neurons: (label, value) pairs."""
    opts = [("output (the network)", "output")]
    for c, n in enumerate(sizes[:-1]):
        for i in range(n):
            label = f"input {i + 1}" if c == 0 else f"layer {c}, neuron {i + 1}"
            opts.append((label, f"{c}:{i}"))
    return opts


def weight_options(sizes, names) -> list:
    """The "edit weight" dropdown's options: ("none", "none"), then (label, "column:from:to") per weight."""
    def short(c, i):
        return names[c][i + 1] or f"{c}.{i + 1}"  # a hidden neuron: layer.neuron

    opts = [("none", "none")]
    for c in range(len(sizes) - 1):
        for i in range(sizes[c]):
            for j in range(sizes[c + 1]):
                opts.append((f"{short(c, i)} → {short(c + 1, j)}", f"{c}:{i}:{j}"))
    return opts


def weight_position(weight: str, sizes):
    """(column, from, to) of ``weight``, or None for "none" or a weight the network no longer has."""
    if weight == "none":
        return None
    c, i, j = (int(p) for p in weight.split(":"))
    if c >= len(sizes) - 1 or i >= sizes[c] or j >= sizes[c + 1]:
        return None
    return c, i, j


def picture_position(picture: str, sizes) -> tuple:
    """(column, index) of the neuron ``picture`` names, or (None, 0) for the output."""
    if picture == "output":
        return None, 0
    c, i = (int(p) for p in picture.split(":"))
    if c >= len(sizes) - 1 or i >= sizes[c]:
        return None, 0
    return c, i


class Playground(BlitExplorer):
    """The playground explorer: controls + Play/step/reset driving a :class:`PlaygroundState`."""

    def __init__(self, settings: dict | None = None, *, grid: int | None = None, interval_ms: int = 15):
        settings = dict(settings or {})
        seed = settings.pop("seed", 0)
        weights_seed = settings.pop("weights_seed", None)
        widths = settings.pop("widths", None)
        values = {**DEFAULTS, **settings}
        check_settings({**values, "widths": widths})
        self._widths = None if widths is None else tuple(int(n) for n in widths)
        """Per-layer neurons set with + / − neuron (None: the ``neurons`` slider's value in every layer)."""
        self.state = PlaygroundState(seed=seed, grid=grid or size(full=40, smoke=24), weights_seed=weights_seed)
        self.view = PlaygroundView(self.state.grid)
        self.frame_costs: deque = deque(maxlen=200)
        """Per frame: training, drawing and encoding milliseconds (the benchmark reads them)."""
        self._frame_train_ms = 0.0
        self.play = play_button(interval_ms)
        feature_boxes = {k: checkbox(f"input {FEATURE_LABELS[k]}", values[k]) for k in FEATURES}
        controls = {
            "dataset": dropdown("data set", list(DATASETS.items()), values["dataset"]),
            "noise": slider("noise", 0.0, 0.5, 0.05, values["noise"]),
            "test_ratio": slider("test share", 0.1, 0.9, 0.1, values["test_ratio"],
                                 help="share of the points held out as the test set (squares)"),
            "batch_size": int_slider("batch size", 1, 64, values["batch_size"],
                                     help="applies from the next training step; the weights are kept"),
            **feature_boxes,
            "hidden_layers": int_slider("hidden layers", 0, MAX_LAYERS, values["hidden_layers"]),
            "neurons": int_slider("neurons per layer", 1, MAX_NEURONS, values["neurons"],
                                  help="every hidden layer; + neuron and − neuron change one layer"),
            "activation": dropdown("activation", list(ACTIVATIONS.items()), values["activation"]),
            "dropout": slider("dropout rate", 0.0, 0.9, 0.05, values["dropout"], unit="hidden layers"),
            "optimizer": dropdown("optimiser", list(PLAYGROUND_OPTIMIZERS), values["optimizer"]),
            "learning_rate": log_slider("learning rate", 1e-4, 10.0, values["learning_rate"],
                                        help="applies from the next training step; the weights are kept"),
            "regularization": dropdown("regularisation", list(REGULARIZATIONS.items()), values["regularization"]),
            "reg_rate": dropdown("regularisation rate", [(f"{v:g}", v) for v in REG_RATES], values["reg_rate"]),
            "discretize": checkbox("discretize output", values["discretize"]),
            "show_test": checkbox("show test data", values["show_test"]),
            "picture": dropdown("large picture", [("output (the network)", "output")], "output"),
            "weight": dropdown("edit weight", [("none", "none")], "none",
                               help="choose one weight (its line is outlined), then set it with weight value; "
                                    "TensorFlow Playground: click a weight line"),
            "weight_value": slider("weight value", -5.0, 5.0, 0.01, values["weight_value"],
                                   help="the chosen weight; training goes on from it"),
        }
        self._wanted_picture = values["picture"]
        self._wanted_weight = values["weight"]
        self._weight_seen = ("none", None)
        """(weight, value) last shown or set: a slider value that differs was moved by the learner."""
        self._apply_saved_weight = values["weight"] != "none"
        """Rebuilding from settings with a chosen weight: its value is set on the new network."""
        buttons = {
            "step": (button("step", "step-forward"), self._step),
            "reset": (button("reset", "refresh"), self._reset),
            "new_data": (button("new data", "random"), self._new_data),
            "add_neuron": (button("+ neuron", help="one more neuron in the layer of the neuron chosen in large "
                                                  "picture"), self._add_neuron),
            "remove_neuron": (button("− neuron", help="one neuron less in the layer of the neuron chosen in large "
                                                     "picture"), self._remove_neuron),
        }
        super().__init__(self._update, controls, self.view.fig, blitter=self.view.blitter, buttons=buttons,
                         title="Playground: train a network on 2-D data", extra=[self.play])
        # The browser ticks every `interval_ms`, faster than a frame takes: the next frame starts as soon
        # as one is done; ticks that queued up meanwhile are dropped (see Explorer.animate).
        self.animate(self.play, self._step, stop=lambda: self.state.diverged, gap=0.4, after=self._count_frame)
        self.play.observe(self._on_pause, names="playing")

    # -- the shareable state ------------------------------------------------------------------------
    def settings(self) -> dict:
        """Every setting, with the data and weight seeds: ``playground(settings)`` rebuilds this playground
        (same data, same starting weights, same controls) — for a worksheet, as Playground's URL."""
        widths = None if self._widths is None else list(self._widths)
        return {**self.values, "widths": widths, "seed": self.state.seed, "weights_seed": self.state.weights_seed}

    # -- actions (each runs inside Explorer's guard, then the figure is re-rendered) --------------
    def _sizes(self) -> list:
        return [len(self.state.net.layers[0].features), *self.state.arch["widths"], self.state.outputs]

    def _edit_weight(self, restarted: bool) -> None:
        """Offer the network's weights in "edit weight"; set the chosen one when its slider moved, else show it."""
        sizes = self._sizes()
        dd, slider_ = self.controls["weight"], self.controls["weight_value"]
        options = weight_options(sizes, self.view._names(self.state))
        values = [v for _, v in options]
        with self._hold():
            if [o[1] for o in dd.options] != values:
                dd.options = [(tr(label), value) for label, value in options]
            wanted, self._wanted_weight = self._wanted_weight, None
            if wanted in values:
                dd.value = wanted
            elif dd.value not in values:
                dd.value = "none"
        weight = weight_position(dd.value, sizes)
        slider_.disabled = weight is None
        if weight is None:
            self._weight_seen = ("none", None)
            return
        c, i, j = weight
        W = self.state.weights()[c]
        saved, self._apply_saved_weight = self._apply_saved_weight, False
        moved = not restarted and self._weight_seen[0] == dd.value and slider_.value != self._weight_seen[1]
        if saved or moved:
            W[i, j] = float(slider_.value)  # the learner set the weight; training goes on from it
        elif not self.play.playing:  # show the chosen weight's current value (not on every Play frame)
            with self._hold():
                slider_.value = float(np.clip(W[i, j], -5.0, 5.0))
        self._weight_seen = (dd.value, float(slider_.value))

    def _configure(self, values) -> bool:
        values = dict(values)
        picture = values.pop("picture")
        old = self.state.settings
        if old and values["neurons"] != old["neurons"]:
            self._widths = None  # the slider sets every hidden layer again
        if self._widths is not None and len(self._widths) != values["hidden_layers"]:
            n = values["hidden_layers"]  # layers added take the slider's width; removed ones go from the output side
            self._widths = (self._widths + (values["neurons"],) * n)[:n] if n else None
        restarted = self.state.configure(**values, widths=self._widths)
        self._sync_controls(picture)
        self._edit_weight(restarted)
        return restarted

    def _sync_controls(self, picture):
        """The "large picture" options follow the architecture; controls that do nothing now are disabled."""
        sizes = self._sizes()
        dd = self.controls["picture"]
        options = picture_options(sizes)
        wanted = self._wanted_picture or picture
        self._wanted_picture = None
        with self._hold():
            if [o[1] for o in dd.options] != [o[1] for o in options]:
                dd.options = [(tr(label), value) for label, value in options]
            values = [o[1] for o in options]
            if wanted not in values and wanted != "output":  # a neuron removed: its layer's last one
                c, i = (int(p) for p in wanted.split(":"))
                wanted = f"{c}:{sizes[c] - 1}" if c < len(sizes) - 1 else "output"
            dd.value = wanted if wanted in values else (picture if picture in values else "output")
        hidden = self.state.arch["hidden_layers"] > 0
        for name in ("neurons", "activation", "dropout"):
            self.controls[name].disabled = not hidden
        # + / − neuron act on the layer of the neuron chosen in "large picture": a hidden layer's only
        column, _ = picture_position(dd.value, sizes)
        layer = column is not None and 1 <= column <= len(sizes) - 2
        self.buttons["add_neuron"].disabled = not (layer and sizes[column] < MAX_NEURONS)
        self.buttons["remove_neuron"].disabled = not (layer and sizes[column] > 1)
        self.controls["reg_rate"].disabled = self.state.settings["regularization"] == "none"

    def _draw(self):
        v = self.values
        self.view.draw(self.state, v["picture"], v["discretize"], v["show_test"])
        self.view.network.mark_weight(weight_position(v["weight"], self._sizes()))

    def _update(self, **values):
        restarted = self._configure(values)
        if restarted and getattr(self, "play", None) is not None:
            self.play.playing = False  # as in Playground: a new problem starts paused
        self._draw()
        return self._status()

    def _step(self, **values):
        self._configure(values)
        t0 = time.perf_counter()
        self.state.train_frame()
        self._frame_train_ms = (time.perf_counter() - t0) * 1e3
        self._draw()
        return self._status()

    def _reset(self, **values):
        self._configure(values)
        self.state.reset()
        self._draw()
        return self._status()

    def _new_data(self, **values):
        self._configure(values)
        self.state.new_data()
        self._draw()
        return self._status()

    def _resize_layer(self, values, change: int):
        """One neuron more (``change`` +1) or less (-1) in the hidden layer of the chosen neuron; fresh weights."""
        column, _ = picture_position(values["picture"], [len(self.state.net.layers[0].features),
                                                         *self.state.arch["widths"], self.state.outputs])
        widths = list(self.state.arch["widths"])
        if column is not None and 1 <= column <= len(widths):
            widths[column - 1] = int(np.clip(widths[column - 1] + change, 1, MAX_NEURONS))
            self._widths = tuple(widths)
        return self._update(**values)

    def _add_neuron(self, **values):
        return self._resize_layer(values, +1)

    def _remove_neuron(self, **values):
        return self._resize_layer(values, -1)

    def _count_frame(self, total):
        """Record one Play frame's cost split (``total`` ms: training, drawing, encoding and the rest)."""
        b = self.blitter
        parts = {"train_ms": self._frame_train_ms, "update_ms": self.view.last_ms, "render_ms": b.last_draw_ms,
                 "encode_ms": b.last_encode_ms}
        self.frame_costs.append({**parts, "other_ms": total - sum(parts.values()), "total_ms": total})
        self._frame_train_ms = 0.0  # a frame that fails before training counts none

    def _on_pause(self, change):
        if not change["new"] and self.error is None:  # paused: the full numbers, no redraw needed
            self.status = self._status()
            self.message.value = tr(self.status)

    def _status(self) -> str:
        s = self.state
        if self.play.playing and not s.diverged:
            # While playing the figure shows epoch and losses; a status line that changes every frame
            # would make the browser lay the page out again on every frame.
            return s.pending or "Playing: one epoch per frame (pause for accuracy and the exact numbers)."
        if s.diverged:
            return (f"Training diverged at learning rate {s.optimizer.lr:.3g} (the weights blew up). "
                    "Lower the learning rate and press reset.")
        loss = s.history["train_loss"][-1]
        if s.regression:
            text = f"epoch {s.epoch:.1f}: train loss {loss:.4f} (squared error)"
        else:
            tr, te = s.accuracy()
            test = f", test accuracy {te:.0%}" if np.isfinite(te) else ""
            text = f"epoch {s.epoch:.1f}: train loss {loss:.3f}, train accuracy {tr:.0%}{test}"
        if not any(s.arch["features"]):
            text = "No input feature is on: x₁ is used until you turn one on. " + text
        return f"{s.pending} {text}" if s.pending else text


@register
def playground(settings: dict | None = None) -> Playground:
    """The chapter-04 playground; ``settings`` (from :meth:`Playground.settings`) rebuilds a saved one."""
    return Playground(settings)
