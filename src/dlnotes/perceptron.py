"""The perceptron (感知机): weighted sum + threshold, its learning rule, and XOR by stacking.

A perceptron with weights ``w`` (2,) and bias ``b`` outputs

    y = 1 if w·x + b > 0 else 0          (bias b = −threshold θ)

Learning uses ±1 labels as in seed 003: a sample ``(x, y)`` with ``y ∈ {−1, +1}`` is
misclassified when ``y (w·x + b) <= 0`` and then ``w ← w + η y x``, ``b ← b + η y``.
With 0/1 labels the same rule reads ``w ← w + η (t − o) x`` where ``o`` is the
perceptron's 0/1 output (the "error form"): ``t − o`` is +1 or −1 exactly when the
sample is wrong, i.e. the ±1 label, and 0 when it is right. (The two differ only for a
point lying exactly on the line, which the ±1 rule counts as wrong.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dlnotes.data import GATES, truth_table
from dlnotes.explorer import Explorer, button, dropdown, figure, int_slider, log_slider, register, slider

__all__ = [
    "GATE_WEIGHTS",
    "PerceptronResult",
    "decision_line_explorer",
    "error_form_update",
    "gate",
    "learning_rule_explorer",
    "perceptron",
    "perceptron_update",
    "to_pm1",
    "train_perceptron",
    "xor_two_layers",
]

GATE_WEIGHTS = {
    "AND": (np.array([0.5, 0.5]), -0.7),
    "OR": (np.array([0.5, 0.5]), -0.2),
    "NAND": (np.array([-0.5, -0.5]), 0.7),
}
"""Hand-picked (w, b) that make one perceptron compute AND / OR / NAND (there is none for XOR)."""


def perceptron(x, w, b):
    """0/1 output of a perceptron: step(x @ w + b); x (N, 2) or (2,), w (2,), b scalar -> (N,) or scalar."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features per sample but w has {w.shape[0]} weights")
    return (x @ w + b > 0).astype(int)


def gate(name, x):
    """Compute logic gate ``name`` (AND, OR, NAND, XOR) with perceptrons; x (N, 2) of 0/1 -> (N,)."""
    key = str(name).upper()
    if key == "XOR":
        return xor_two_layers(x)[1]
    if key not in GATE_WEIGHTS:
        raise ValueError(f"unknown gate {name!r}; choose one of AND, OR, NAND, XOR")
    w, b = GATE_WEIGHTS[key]
    return perceptron(x, w, b)


def xor_two_layers(x):
    """XOR as two layers: hidden s = (NAND(x), OR(x)) (N, 2), output AND(s) (N,); returns (s, y)."""
    x = np.asarray(x, dtype=float)
    s = np.stack([gate("NAND", x), gate("OR", x)], axis=-1)
    return s, gate("AND", s)


def to_pm1(y):
    """Labels 0/1 (or already ±1) -> ±1 as floats, shape unchanged."""
    y = np.asarray(y)
    values = set(np.unique(y).tolist())
    if values <= {0, 1}:
        return np.where(y == 1, 1.0, -1.0)
    if values <= {-1, 1}:
        return y.astype(float)
    raise ValueError(f"perceptron labels must be 0/1 or -1/+1, got values {sorted(values)}")


def perceptron_update(w, b, x, y, lr):
    """One step of the rule for one sample: if y (w·x + b) <= 0, w += lr·y·x and b += lr·y.

    ``x`` (2,), ``y`` ±1. Returns (new w, new b, whether it was wrong).
    """
    w = np.asarray(w, dtype=float)
    x = np.asarray(x, dtype=float)
    wrong = y * (w @ x + b) <= 0
    if wrong:
        return w + lr * y * x, b + lr * y, True
    return w.copy(), float(b), False


def error_form_update(w, b, x, t, lr):
    """The same rule written with 0/1 targets: w += lr (t − o) x, b += lr (t − o), o = perceptron output.

    ``x`` (2,), ``t`` 0 or 1. Returns (new w, new b, t − o).
    """
    w = np.asarray(w, dtype=float)
    err = t - int(perceptron(x, w, b))
    return w + lr * err * np.asarray(x, dtype=float), b + lr * err, err


@dataclass
class PerceptronResult:
    """What :func:`train_perceptron` found: final w (2,), b, whether and when it converged, and every step."""

    w: np.ndarray
    b: float
    converged: bool
    epochs: int
    mistakes: list = field(default_factory=list)  # mistakes per epoch
    steps: list = field(default_factory=list)  # (epoch, sample index, w before, b before, wrong)
    cycle: bool = False  # True when an epoch started from weights seen before: it loops forever

    @property
    def message(self) -> str:
        """One sentence saying what happened."""
        if self.converged:
            return f"converged after {self.epochs} epoch(s): every point is on the right side"
        if self.cycle:
            return (f"no convergence: after {self.epochs} epoch(s) the weights came back to values seen "
                    "before, so the rule will cycle forever (the data are not linearly separable)")
        return f"no convergence after {self.epochs} epochs (still {self.mistakes[-1]} mistake(s) per epoch)"


def train_perceptron(x, y, lr=1.0, max_epochs=100, w0=None, b0=0.0, stop_on_cycle=True):
    """Run the perceptron rule over the samples in order, epoch after epoch, until an epoch has no mistake.

    x (N, 2); y (N,) of 0/1 or ±1; ``w0`` (2,) initial weights (zeros by default).
    Stops after ``max_epochs``, or (``stop_on_cycle``) as soon as an epoch starts from weights seen
    before: then the rule is in a cycle and can never converge.
    """
    x = np.asarray(x, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"x must be (N, features), got shape {x.shape}")
    ypm = to_pm1(y)
    if ypm.shape != (x.shape[0],):
        raise ValueError(f"y must have one label per row of x: x {x.shape}, y {np.shape(y)}")
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    w = np.zeros(x.shape[1]) if w0 is None else np.array(w0, dtype=float)
    b = float(b0)
    seen = set()
    res = PerceptronResult(w, b, False, 0)
    for epoch in range(1, int(max_epochs) + 1):
        key = (tuple(np.round(w, 12)), round(b, 12))
        if key in seen:
            res.cycle = True
            if stop_on_cycle:
                break
        seen.add(key)
        mistakes = 0
        for i in range(len(x)):
            w_before, b_before = w, b
            w, b, wrong = perceptron_update(w, b, x[i], ypm[i], lr)
            res.steps.append((epoch, i, w_before, b_before, wrong))
            mistakes += wrong
        res.mistakes.append(mistakes)
        res.epochs = epoch
        if mistakes == 0:
            res.converged = True
            break
    res.w, res.b = w, b
    return res


# --- explorers -----------------------------------------------------------------------------
_LIM = (-0.6, 1.6)


def _line_points(w, b, lim=_LIM):
    """Two end points of the line w·x + b = 0 across the view, or empty lists if w = 0."""
    w1, w2 = float(w[0]), float(w[1])
    t = np.array(lim)
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return [], []
    if abs(w2) >= abs(w1):
        return t, -(w1 * t + b) / w2
    return -(w2 * t + b) / w1, t


def _gate_axes(ax):
    ax.set_xlim(*_LIM)
    ax.set_ylim(*_LIM)
    ax.set_aspect("equal")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    grid = np.linspace(*_LIM, 61)
    gx, gy = np.meshgrid(grid, grid)
    region = ax.imshow(np.zeros_like(gx), extent=(*_LIM, *_LIM), origin="lower", cmap="coolwarm",
                       vmin=-0.2, vmax=1.2, alpha=0.25, interpolation="nearest")
    (line,) = ax.plot([], [], "k-", lw=2)
    x4, _ = truth_table("AND")
    pts = ax.scatter(x4[:, 0], x4[:, 1], s=160, c=np.zeros(4), cmap="coolwarm", vmin=0, vmax=1,
                     edgecolors="k", linewidths=1.5, zorder=3)
    marks = [ax.text(px + 0.09, py + 0.09, "", fontsize=12, fontweight="bold") for px, py in x4]
    return np.stack([gx, gy], -1), region, line, pts, marks, x4


@register
def decision_line_explorer():
    """Sliders w1, w2, b move the perceptron's decision line over the AND / OR / NAND / XOR truth table."""
    fig, ax = figure(figsize=(4.6, 4.2))
    grid, region, line, pts, marks, x4 = _gate_axes(ax)
    title = ax.set_title("")

    def update(gate_name, w1, w2, b):
        w = np.array([w1, w2])
        t = GATES[gate_name]
        out = perceptron(x4, w, b)
        region.set_data(perceptron(grid.reshape(-1, 2), w, b).reshape(grid.shape[:2]))
        line.set_data(*_line_points(w, b))
        pts.set_array(t.astype(float))
        right = out == t
        for m, ok in zip(marks, right):
            m.set_text("✓" if ok else "✗")
            m.set_color("green" if ok else "red")
        n = int(right.sum())
        title.set_text(f"{gate_name}: {n}/4 right   (w=({w1:.2f}, {w2:.2f}), b={b:.2f})")
        msg = f"{n} of 4 points are on the right side. Shaded red = output 1, blue = output 0."
        if abs(w1) < 1e-12 and abs(w2) < 1e-12:
            msg = (f"w1 = w2 = 0: there is no line; the output is step(b) = {int(b > 0)} everywhere. "
                   f"{n} of 4 right.")
        if gate_name == "XOR" and n < 4:
            msg += " No single line gets all four XOR points right — that is the point."
        return msg

    controls = {
        "gate_name": dropdown("gate", ["AND", "OR", "NAND", "XOR"], "AND"),
        "w1": slider("weight w1", -1.5, 1.5, 0.05, 0.5),
        "w2": slider("weight w2", -1.5, 1.5, 0.05, 0.5),
        "b": slider("bias b (= −θ)", -1.5, 1.5, 0.05, -0.2),
    }
    explorer = Explorer(update, controls, fig, title="Perceptron decision line")
    return explorer


_INITS = {
    "zeros": (np.zeros(2), 0.0),
    "small random (seed 0)": (np.round(np.random.default_rng(0).normal(0, 0.5, 2), 2), 0.3),
}


@register
def learning_rule_explorer():
    """Step through the perceptron rule w ← w + η·t·x on a truth table; learning-rate log slider."""
    max_steps = 60
    fig, ax = figure(figsize=(4.6, 4.2))
    grid, region, line, pts, marks, x4 = _gate_axes(ax)
    (ring,) = ax.plot([], [], "o", ms=22, mfc="none", mec="orange", mew=3, zorder=4)
    arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="orange", lw=2))
    title = ax.set_title("")
    cache = {}

    def run(gate_name, lr, init):
        key = (gate_name, lr, init)
        if key not in cache:
            cache.clear()
            w0, b0 = _INITS[init]
            x, y = truth_table(gate_name)
            cache[key] = train_perceptron(x, y, lr=lr, max_epochs=max_steps // 4 + 1, w0=w0, b0=b0,
                                          stop_on_cycle=False)
        return cache[key]

    def update(gate_name, lr, init, step):
        res = run(gate_name, lr, init)
        t = GATES[gate_name]
        pts.set_array(t.astype(float))
        if step < len(res.steps):
            epoch, i, w, b, wrong = res.steps[step]
        else:
            epoch, i, w, b, wrong = res.epochs, None, res.w, res.b, False
        out = perceptron(x4, w, b)
        region.set_data(perceptron(grid.reshape(-1, 2), w, b).reshape(grid.shape[:2]))
        line.set_data(*_line_points(w, b))
        for m, ok in zip(marks, out == t):
            m.set_text("✓" if ok else "✗")
            m.set_color("green" if ok else "red")
        title.set_text(f"{gate_name}, η={lr:.2g}: step {step}, w=({w[0]:.2f}, {w[1]:.2f}), b={b:.2f}")
        if i is None:
            ring.set_data([], [])
            arrow.set_visible(False)
            return f"after all {len(res.steps)} steps: {res.message}"
        xi = x4[i]
        ring.set_data([xi[0]], [xi[1]])
        y = 1 if t[i] == 1 else -1
        a = float(np.dot(w, xi) + b)
        dw = lr * y * xi
        norm = float(np.linalg.norm(dw))
        arrow.set_visible(bool(wrong) and norm > 0)
        if wrong:
            # the direction of the weight change Δw = η·t·x, drawn from the point
            if norm > 0:
                arrow.xy = tuple(xi + 0.4 * dw / norm)
                arrow.set_position(tuple(xi))
            return (f"epoch {epoch}, sample x=({xi[0]:.0f}, {xi[1]:.0f}), t={y:+d}: t·(w·x+b) = {y * a:.2f} ≤ 0 → "
                    f"wrong, so w += η·t·x = ({dw[0]:+.3g}, {dw[1]:+.3g}), b += {lr * y:+.3g}")
        return f"epoch {epoch}, sample x=({xi[0]:.0f}, {xi[1]:.0f}), t={y:+d}: t·(w·x+b) = {y * a:.2f} > 0 → right, no change"

    controls = {
        "gate_name": dropdown("gate", ["AND", "OR", "NAND", "XOR"], "AND"),
        "lr": log_slider("learning rate η", 0.01, 10, 0.1),
        "init": dropdown("initial weights", list(_INITS), "small random (seed 0)"),
        "step": int_slider("step", 0, max_steps, 0),
    }
    step_button = button("step ▶")
    explorer = None

    def advance(**_values):
        s = explorer.controls["step"]
        s.value = min(s.value + 1, s.max)

    explorer = Explorer(update, controls, fig, buttons={"step": (step_button, advance)},
                        title="Perceptron learning rule")
    return explorer
