"""Chapter 01 explorers: the perceptron's decision line over a truth table, and its learning rule step by step."""

from __future__ import annotations

import functools

import numpy as np

from dlnotes.data import GATES, truth_table
from dlnotes.explorers.base import Explorer, Reply, button, dropdown, figure, int_slider, log_slider, register, slider
from dlnotes.perceptron import perceptron, train_perceptron
from dlnotes.style import BAD, BOUNDARY_CMAP, GOOD, HIGHLIGHT

__all__ = ["decision_line_explorer", "learning_rule_explorer"]

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
    region = ax.imshow(np.zeros_like(gx), extent=(*_LIM, *_LIM), origin="lower", cmap=BOUNDARY_CMAP,
                       vmin=-0.2, vmax=1.2, alpha=0.35, interpolation="nearest")
    (line,) = ax.plot([], [], "k-", lw=2)
    x4, _ = truth_table("AND")
    pts = ax.scatter(x4[:, 0], x4[:, 1], s=160, c=np.zeros(4), cmap=BOUNDARY_CMAP, vmin=0, vmax=1,
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
            m.set_color(GOOD if ok else BAD)
        n = int(right.sum())
        title.set_text(f"{gate_name}: {n}/4 right   (w = ({w1:.2f}, {w2:.2f}), b = {b:.2f})")
        msg = f"{n} of 4 points are on the right side. Shaded blue = output 1, orange = output 0."
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
        "b": slider("bias b (= −θ)", -1.5, 1.5, 0.05, -0.2, help="the bias is minus the threshold θ"),
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
    (ring,) = ax.plot([], [], "o", ms=22, mfc="none", mec=HIGHLIGHT, mew=3, zorder=4)
    arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=HIGHLIGHT, lw=2))
    title = ax.set_title("")

    @functools.lru_cache(maxsize=1)  # moving only the step slider re-uses the run
    def run(gate_name, lr, init):
        w0, b0 = _INITS[init]
        x, y = truth_table(gate_name)
        return train_perceptron(x, y, lr=lr, max_epochs=max_steps // 4 + 1, w0=w0, b0=b0, stop_on_cycle=False)

    def update(gate_name, lr, init, step):
        reply = _learning_step(gate_name, lr, init, step)
        n = len(run(gate_name, lr, init).steps)
        reply.limits = {"step": (0, n)}  # step n shows the end of the run
        reply.inactive = {"next": "the run has ended"} if step >= n else {}
        return reply

    def _learning_step(gate_name, lr, init, step):
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
            m.set_color(GOOD if ok else BAD)
        title.set_text(f"{gate_name}, η = {lr:.2g}: step {min(step, len(res.steps))} of {len(res.steps)}, "
                       f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}")
        if i is None:
            ring.set_data([], [])
            arrow.set_visible(False)
            return Reply(f"after all {len(res.steps)} steps: {res.message}")
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
            return Reply(f"epoch {epoch}, sample x=({xi[0]:.0f}, {xi[1]:.0f}), t={y:+d}: t·(w·x+b) = {y * a:.2f} ≤ 0 → "
                         f"wrong, so w += η·t·x = ({dw[0]:+.3g}, {dw[1]:+.3g}), b += {lr * y:+.3g}")
        return Reply(f"epoch {epoch}, sample x=({xi[0]:.0f}, {xi[1]:.0f}), t={y:+d}: t·(w·x+b) = {y * a:.2f} > 0 → "
                     "right, no change")

    controls = {
        "gate_name": dropdown("gate", ["AND", "OR", "NAND", "XOR"], "AND"),
        "lr": log_slider("learning rate η", 0.01, 10, 0.1),
        "init": dropdown("initial weights", list(_INITS), "small random (seed 0)"),
        "step": int_slider("step", 0, max_steps, 0, help="how many single-sample updates have been made"),
    }
    step_button = button("step ▶", help="one more single-sample update")
    explorer = None

    def advance(**_values):
        s = explorer.controls["step"]
        s.value = min(s.value + 1, s.max)

    explorer = Explorer(update, controls, fig, buttons={"next": (step_button, advance)},
                        title="Perceptron learning rule")
    return explorer
